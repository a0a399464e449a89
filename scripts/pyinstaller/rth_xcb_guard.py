# PyInstaller runtime hook: runs before the installed ones and before any of
# our code, so the system's libxcb is in first whatever imports pygraphviz
# later (iomviewer.spec drops pyinstaller-hooks-contrib's pyi_rth_pygraphviz,
# which imported it before Qt).  See iomviewer/xcb_guard.py for the whole story.
from iomviewer.xcb_guard import preload_system_xcb

preload_system_xcb()
