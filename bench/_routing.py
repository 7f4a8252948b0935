"""Shared parts of the routing benchmarks: CPU and load figures, a busy core, generated instances.

* :func:`timed` runs a solve and returns its result with wall and CPU seconds.
* :func:`busy_core` keeps one core busy in another process for the length of a ``with`` block,
  so a benchmark can be run on a loaded machine on purpose (``tsplib_busy``).
* :func:`generated` makes random instances of the benchmark families, uniform or clustered
  (customers around a few seeds, as in Solomon's C and Uchoa's X sets), from a name such as
  ``U100-s1`` (uniform, 100 nodes, seed 1) or ``C200-s101``. Seeds below 100 are the tuning
  part, seeds from 100 the held-out part: those were only measured, never used to choose a
  parameter. Their reference is a long run of the same engine (a published optimum does not
  exist), kept in ``bench/data/generated_references.json`` and computed when missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from bench._common import figure

DATA = Path(__file__).resolve().parent / "data"
REFERENCES = DATA / "generated_references.json"


def load_note() -> str:
    """``load 1.23/1.10/0.98`` (1, 5 and 15 minute load averages)."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}/{fifteen:.2f}"


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall seconds and the CPU seconds this process spent on it."""
    cpu = time.process_time()
    wall = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def time_figures(prefix: str, wall: float, cpu: float, cap: float, result: Any = None) -> None:
    """``PREFIX.time`` with CPU time, the iterations run and the load average beside it."""
    note = f"cpu {cpu:.2f} s, cap {cap:g} s"
    if result is not None and hasattr(result, "iterations"):
        note += f", {result.iterations} iterations"
        if getattr(result, "capped", False):
            note += ", ENDED BY THE CAP"
    figure(f"{prefix}.time", wall, "s", f"{note}, {load_note()}")


@contextmanager
def busy_core() -> Iterator[None]:
    """Keep one core busy in another process (``while 1: pass``) inside the block."""
    proc = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
    print(f"# another process (pid {proc.pid}) keeps one core busy", flush=True)
    try:
        time.sleep(1.0)  # let the load show in the averages
        yield
    finally:
        proc.kill()
        proc.wait()


def _points(kind: str, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "U":
        return rng.uniform(0, 1000, size=(n, 2))
    centres = rng.uniform(100, 900, size=(max(3, n // 25), 2))
    which = rng.integers(0, len(centres), size=n)
    return np.clip(centres[which] + rng.normal(0, 40, size=(n, 2)), 0, 1000)


def parse_name(name: str) -> tuple[str, int, int]:
    """``("U", 100, 1)`` from ``"U100-s1"``."""
    kind, rest = name[0], name[1:]
    size, _, seed = rest.partition("-s")
    return kind, int(size), int(seed)


def euclid(xy: np.ndarray) -> np.ndarray:
    """Nearest-integer Euclidean distances (TSPLIB's EUC_2D)."""
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    return np.floor(d + 0.5).astype(np.int64)


def generated_tsp(name: str) -> np.ndarray:
    kind, n, seed = parse_name(name)
    return euclid(_points(kind, n, seed))


def generated_cvrp(name: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Distances, demands (depot 0 has none) and a capacity for about n / 8 routes."""
    kind, n, seed = parse_name(name)
    xy = _points(kind, n, seed)
    xy[0] = (500, 500)
    rng = np.random.default_rng(seed + 7)
    demand = rng.integers(1, 31, size=n)
    demand[0] = 0
    capacity = int(np.ceil(demand.sum() / max(2, n // 8) / 0.9))
    return euclid(xy), demand, capacity


def is_held_out(name: str) -> bool:
    return parse_name(name)[2] >= 100


def reference(key: str, compute: Callable[[], int]) -> int:
    """The stored reference for ``key``, computed and stored when missing.

    The file is read again just before writing, so benchmarks computing references side by
    side keep each other's values.
    """
    values: dict[str, int] = json.loads(REFERENCES.read_text()) if REFERENCES.exists() else {}
    if key not in values:
        print(f"# computing the long reference run for {key}", flush=True)
        value = int(compute())
        values = json.loads(REFERENCES.read_text()) if REFERENCES.exists() else {}
        values[key] = value
        REFERENCES.parent.mkdir(parents=True, exist_ok=True)
        REFERENCES.write_text(json.dumps(dict(sorted(values.items())), indent=1) + "\n")
    return values[key]
