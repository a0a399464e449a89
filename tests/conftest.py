import os
import sys
import tempfile
from pathlib import Path

import pytest

# Headless Qt for every test; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Settings and logs of the tests go to a throw-away home, never the user's.
_HOME = Path(tempfile.mkdtemp(prefix="iomviewer-tests-"))
for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
    os.environ[var] = str(_HOME / sub)

sys.path.insert(0, str(Path(__file__).parent))


# The main window on the bundled data, shown with its chart drawn, with
# settings of its own (test files that need another dataset define their own).
@pytest.fixture
def settings(tmp_path):
    from fixtures import temp_settings

    return temp_settings(tmp_path)


@pytest.fixture
def window(qtbot, settings):
    from fixtures import shown_window
    from iomviewer.core.loading import load_dataset

    with shown_window(qtbot, load_dataset(), settings) as win:
        yield win
