"""Scenario comparison: ``compare_scenarios`` of 5 scenarios (current, baseline and three
stored proposals), read from the plan tables and computed from scratch (s).

Budget: 1 s at 100,000 accounts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench._common import ratio, time_call
from bench._synthetic import generated_plan, size_label
from planner.models.plan import Plan
from planner.models.scenarios import compare_scenarios, write_scenario

SIZES = (100_000,)
BUDGET_S = 1.0
PROPOSALS = ("Proposal A", "Proposal B", "Proposal C")


def add_proposals(plan: Plan, seed: int = 0) -> None:
    """Three proposals, each moving a fifth of the units (their accounts follow)."""
    rng = np.random.default_rng(seed)
    for name in PROPOSALS:
        units = plan.unit_territory.copy()
        flip = rng.random(plan.n_units) < 0.2
        units[flip] = rng.integers(0, plan.n_territories, int(flip.sum()))
        accounts = np.where(plan.account_unit >= 0, units[plan.account_unit], -1)
        write_scenario(plan, name, accounts, units, source="bench")


def run(size: int | None, data: Path | None) -> None:
    for n in (size,) if size else SIZES:
        plan = generated_plan(n)
        add_proposals(plan)
        names = ["current", "baseline", *PROPOSALS]
        s = time_call(
            lambda plan=plan, names=names: compare_scenarios(plan, names), repeat=5, warmup=1
        )
        ratio(f"compare.{size_label(n)}_5_scenarios", s, BUDGET_S * max(n, 100_000) / 100_000, "s")
