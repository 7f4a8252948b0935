"""Undo and redo of a 10,000-account reassignment, including the balance refresh (ms).

``undo_redo.<size>``: budget 50 ms for undo+redo at 100,000 accounts.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from bench._common import ratio
from bench._synthetic import generated_plan, size_label

SIZES = (100_000,)
MOVED = 10_000


def run(size: int | None, data: Path | None) -> None:
    for n in (size,) if size else SIZES:
        plan = generated_plan(n)
        rng = np.random.default_rng(1)
        idx = np.sort(rng.choice(plan.n_accounts, size=min(MOVED, plan.n_accounts), replace=False))
        change = plan.propose_account_move(idx, 0)
        plan.apply(change)  # the edit itself; undo and redo are what is timed
        times = []
        for _ in range(11):
            start = time.perf_counter()
            plan.apply(change.inverse())
            plan.balance()
            plan.apply(change)
            plan.balance()
            times.append(time.perf_counter() - start)
        ratio(f"undo_redo.{size_label(n)}", statistics.median(times) * 1000, 50.0, "ms")
