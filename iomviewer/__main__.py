import sys

from iomviewer.cli import main

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The app runs dot in a spawned helper process; in a frozen bundle that
        # child re-executes this entry point, and freeze_support() routes it.
        # (Imported only there: multiprocessing costs a checkout's start 15 ms.)
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
