# PyInstaller runtime hook: runs before the installed ones, in particular
# before pyinstaller-hooks-contrib's pyi_rth_pygraphviz, which imports
# pygraphviz at start-up and so loads the wheel's own libxcb (through cairo)
# ahead of the system's.  See iomviewer/xcb_guard.py for the whole story.
from iomviewer.xcb_guard import preload_system_xcb

preload_system_xcb()
