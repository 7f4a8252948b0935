"""Shared helpers for benchmarks: figure printing and timing."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench-data"


def figure(name: str, value: float, unit: str, note: str = "") -> None:
    """Print one figure as ``NAME.figure value unit`` (with an optional note after ``#``)."""
    text = f"{name} {value:.4g} {unit}"
    if note:
        text += f"  # {note}"
    print(text, flush=True)


def ratio(name: str, value: float, budget: float, unit: str) -> None:
    """Print a figure and its ratio to a budget (``< 1`` means within budget)."""
    figure(name, value, unit, f"budget {budget:g} {unit}, ratio {value / budget:.2f}")


def time_call(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs after ``warmup``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def data_dir(data: Path | None, folder: str) -> Path:
    """The instance folder: ``--data`` if given, else ``../shared/bench-data/<folder>``."""
    return Path(data) if data is not None else BENCH_DATA / folder


HELD_OUT = Path(__file__).resolve().parent / "data"


def load_average() -> float:
    """The one-minute load average (0 where the system has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


class Clock:
    """Wall and CPU time (every thread of this process) of a block, with the load beside them.

    ``with Clock() as c: ...`` then ``c.report(name, limit)`` prints ``NAME.time`` with the
    CPU seconds and the load averages at start and end in the note.
    """

    def __enter__(self) -> Clock:
        self.load_start = load_average()
        self.wall_start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall_start
        self.cpu = time.process_time() - self.cpu_start
        self.load_end = load_average()

    def note(self) -> str:
        return f"cpu {self.cpu:.1f} s, load {self.load_start:.2f} -> {self.load_end:.2f}"

    def report(self, name: str, limit: float | None = None) -> None:
        extra = f", limit {limit:g} s" if limit is not None else ""
        figure(f"{name}.time", self.wall, "s", self.note() + extra)
