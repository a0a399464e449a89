import sys

from iomviewer.cli import main

sys.exit(main())
