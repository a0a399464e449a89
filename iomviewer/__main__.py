import multiprocessing
import sys

from iomviewer.cli import main

if __name__ == "__main__":
    # The app runs dot in a spawned helper process; in a frozen bundle that
    # child re-executes this entry point, and freeze_support() routes it.
    multiprocessing.freeze_support()
    sys.exit(main())
