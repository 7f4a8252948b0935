"""Full balance recompute: ``plan.recompute()`` then ``plan.balance()`` (ms).

Budgets: 50 ms at 100,000 accounts, 500 ms at 1,000,000 (linear in between).
"""

from __future__ import annotations

from pathlib import Path

from bench._common import ratio, time_call
from bench._synthetic import generated_plan, size_label
from planner.models.plan import Plan

SIZES = (100_000, 1_000_000)
BUDGET_MS_PER_100K = 50.0


def full_balance(plan: Plan) -> None:
    """Every total from scratch, then the balance table."""
    plan.recompute()
    plan.balance()


def run(size: int | None, data: Path | None) -> None:
    for n in (size,) if size else SIZES:
        plan = generated_plan(n)
        ms = 1000.0 * time_call(lambda plan=plan: full_balance(plan), repeat=7, warmup=1)
        ratio(f"balance_full.{size_label(n)}", ms, BUDGET_MS_PER_100K * n / 100_000, "ms")
