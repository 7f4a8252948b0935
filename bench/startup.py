"""Start-up: from launching the process to the window shown with the demo plan drawn."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench._common import ratio


def _once() -> float:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench._startup_probe"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError("the window did not report READY")
    proc.wait(timeout=30)
    return elapsed


def run(size: int | None, data: Path | None) -> None:
    _once()  # warm the file-system cache, as a second launch would be
    times = [_once() for _ in range(3)]
    ratio("startup.demo_plan", statistics.median(times), 3.0, "s")
