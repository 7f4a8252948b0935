"""Where the planner keeps files of its own on the user's machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    """``territory-planner`` under the platform's cache folder: ``$XDG_CACHE_HOME``
    (``~/.cache`` when unset) on Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on
    Windows. Not created here."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "territory-planner"
