"""Shared helpers for benchmarks: figure printing and timing."""

from __future__ import annotations

import gc
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
