"""Switching the active scenario at 100,000 accounts: build the change, apply it, re-balance.

``switch_scenario.100k``: budget 200 ms. The scenario moves about 10 % of the accounts.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from bench._common import ratio
from bench._synthetic import generated_plan, size_label
from planner.models.scenarios import switch_change, write_scenario


def run(size: int | None, data: Path | None) -> None:
    n = size or 100_000
    plan = generated_plan(n)
    rng = np.random.default_rng(2)
    units = rng.choice(plan.n_units, size=plan.n_units // 10, replace=False)
    proposal = plan.propose_unit_move(units, 0)
    at, ut = plan.account_territory.copy(), plan.unit_territory.copy()
    at[proposal.account_indices] = proposal.account_after
    ut[proposal.unit_indices] = proposal.unit_after
    write_scenario(plan, "proposal", at, ut)
    times = []
    for _ in range(5):
        for name in ("proposal", "baseline"):
            start = time.perf_counter()
            plan.apply(switch_change(plan, name))
            plan.balance()
            times.append(time.perf_counter() - start)
    ratio(f"switch_scenario.{size_label(n)}", statistics.median(times) * 1000, 200.0, "ms")
