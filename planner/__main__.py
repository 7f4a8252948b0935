import sys

from planner.cli import main

# Guarded: visit planning starts worker processes with "spawn", which import the main module.
if __name__ == "__main__":
    sys.exit(main())
