# PyInstaller runtime hook: PyInstaller's own PySide6 hook (pyi_rth_pyside6)
# imports PySide6.QtCore before any of our code, so the cache of shiboken's
# compiled support modules (iomviewer/pyside_bytecode.py) must be in place
# before it: custom runtime hooks run first.  Without this, a bundle compiles
# those modules at every start, 20-25 ms, as a checkout did before.
from iomviewer.pyside_bytecode import import_pyside

import_pyside()
