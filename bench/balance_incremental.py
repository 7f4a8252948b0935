"""Live balance after an edit: propose, apply and re-balance a move of 1,000 accounts (ms).

``balance_incremental.move_1000_<size>``: budget 5 ms at any plan size (100,000 and
1,000,000 accounts by default), since an edit should cost in proportion to what moved.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path

import numpy as np

from bench._common import ratio
from bench._synthetic import generated_plan, size_label

SIZES = (100_000, 1_000_000)
MOVED = 1_000
BUDGET_MS = 5.0
REPEAT = 21


def run(size: int | None, data: Path | None) -> None:
    for n in (size,) if size else SIZES:
        plan = generated_plan(n)
        rng = np.random.default_rng(0)
        # Index sets are drawn before timing: picking 1,000 of 1M is not part of an edit.
        moves = [
            (
                np.sort(
                    rng.choice(plan.n_accounts, size=min(MOVED, plan.n_accounts), replace=False)
                ),
                int(rng.integers(plan.n_territories)),
            )
            for _ in range(REPEAT + 1)
        ]
        times = []
        for i, (indices, territory) in enumerate(moves):
            gc.collect()
            start = time.perf_counter()
            change = plan.propose_account_move(indices, territory)
            plan.apply(change)
            plan.balance()
            if i:  # the first move warms caches
                times.append(time.perf_counter() - start)
        ms = 1000.0 * statistics.median(times)
        ratio(f"balance_incremental.move_{MOVED}_{size_label(n)}", ms, BUDGET_MS, "ms")
