import multiprocessing
import sys

from planner.cli import main

# Guarded: visit planning starts worker processes with "spawn", which import the main module
# (and, in a frozen build, re-run the executable: freeze_support hands those to the worker).
if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
