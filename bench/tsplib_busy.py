"""TSPLIB with another process keeping one core busy: quality must not depend on the load.

``python -m bench tsplib_busy [--size N] [--data DIR]`` is ``python -m bench tsplib`` run while
``python -c 'while 1: pass'`` keeps one core busy; compare its gaps with the quiet run.
"""

from __future__ import annotations

from pathlib import Path

from bench import tsplib
from bench._routing import busy_core


def run(size: int | None, data: Path | None) -> None:
    """Run the TSPLIB benchmark with one core kept busy by another process."""
    with busy_core():
        tsplib.run(size, data)
