import os
import sys
import tempfile
from pathlib import Path

# Headless Qt for every test; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings and logs of the tests go to a throw-away home, never the user's.
_HOME = Path(tempfile.mkdtemp(prefix="iomviewer-tests-"))
for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
    os.environ[var] = str(_HOME / sub)

sys.path.insert(0, str(Path(__file__).parent))
