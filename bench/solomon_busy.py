"""Solomon VRPTW with another process keeping one core busy: the work limit is counted, so the gaps
must equal the quiet run's.

``python -m bench solomon_busy [--size N] [--data DIR]`` is ``python -m bench solomon`` run while
``python -c 'while 1: pass'`` keeps one core busy; compare its gaps with the quiet run (only the
times may differ, and a run the wall-clock safety cap ended says so).
"""

from __future__ import annotations

from pathlib import Path

from bench import solomon
from bench._routing import busy_core


def run(size: int | None, data: Path | None) -> None:
    """Run the solomon benchmark with one core kept busy by another process."""
    with busy_core():
        solomon.run(size, data)
