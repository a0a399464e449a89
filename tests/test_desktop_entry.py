import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.core

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import install_desktop_entry  # noqa: E402


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate not installed")
def test_bundled_desktop_entry_validates():
    proc = subprocess.run(["desktop-file-validate", str(ROOT / "resources" / "iomviewer.desktop")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_install_and_uninstall_for_current_user(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert install_desktop_entry.main(["--exec", "/opt/iom viewer/iomviewer"]) == 0
    desktop = tmp_path / "applications" / "iomviewer.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert 'Exec="/opt/iom viewer/iomviewer"' in text and "Icon=iomviewer" in text
    assert (tmp_path / "icons/hicolor/48x48/apps/iomviewer.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "icons/hicolor/scalable/apps/iomviewer.svg").exists()
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout
    assert install_desktop_entry.main(["--uninstall"]) == 0
    assert not desktop.exists()
