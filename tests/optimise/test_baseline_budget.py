"""The disruption budgets count against the baseline, like the balance panel and workbook."""

from __future__ import annotations

import numpy as np
import pytest

from planner.models.plan import Plan
from planner.optimise.plan_optimiser import (
    DEFAULT_MAX_DISRUPTION_PER_REP,
    OptimiseOptions,
    PlanOptimisation,
    optimise_plan,
    snapshot_plan,
)
from tests.conftest import make_plan


def rebalance(plan: Plan, **kwargs: object) -> PlanOptimisation:
    options = OptimiseOptions(
        **{"mode": "rebalance", "time_limit": 3.0, "seed": 2, "exact": False, **kwargs}  # type: ignore[arg-type]
    )
    return optimise_plan(snapshot_plan(plan), options)


def from_baseline(plan: Plan, result: PlanOptimisation | None) -> tuple[float, np.ndarray]:
    """Share of accounts away from the baseline after the change (before it without one),
    and each territory's churn: accounts lost plus gained over its baseline accounts."""
    at = plan.account_territory.copy()
    if result is not None:
        at[result.change.account_indices] = result.change.account_after
    base = plan.baseline_territory
    away = at != base
    k = plan.n_territories
    churn = (
        np.bincount(base[away & (base >= 0)], minlength=k)[:k]
        + np.bincount(at[away & (at >= 0)], minlength=k)[:k]
    )
    own = np.bincount(base[base >= 0], minlength=k)[:k]
    return float(away.mean()), churn / own


def edited_plan(kind: str, share: float) -> Plan:
    """A plan whose baseline is its alignment, then edited: ``share`` of accounts moved."""
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=21)
    plan.set_baseline_to_current()
    if kind == "accounts":
        # Accounts moved one by one (a table edit): they leave their unit's territory.
        rng = np.random.default_rng(0)
        first = np.flatnonzero(plan.account_territory == 0)
        idx = rng.choice(first, size=int(share * plan.n_accounts), replace=False)
        plan.apply(plan.propose_account_move(idx, 1))
    else:
        # A lasso over the border of territories 0 and 1: whole units change territory.
        border = [u for u in range(plan.n_units) if plan.unit_territory[u] == 0]
        counts = np.bincount(plan.account_unit[plan.account_unit >= 0], minlength=plan.n_units)
        taken: list[int] = []
        for u in sorted(border, key=lambda u: -plan.units.geometry.iloc[u].centroid.x):
            if counts[taken].sum() + counts[u] <= share * plan.n_accounts:
                taken.append(u)
        plan.apply(plan.propose_unit_move(np.array(taken), 1))
    assert plan.disruption().accounts_fraction > 0.5 * share
    return plan


@pytest.mark.parametrize("kind", ["accounts", "units"])
def test_edits_since_the_baseline_count_against_the_budget(kind: str) -> None:
    plan = edited_plan(kind, 0.06)
    spent = plan.disruption().accounts_fraction
    result = rebalance(plan, max_disruption=0.10)
    after, _ = from_baseline(plan, result)
    assert result.baseline_before == pytest.approx(spent)
    assert result.baseline_after == pytest.approx(after)
    assert after <= 0.10 + 1e-9
    # The run used the budget it had left: it did move accounts.
    assert not result.change.is_empty
    assert "already moved" in result.budget_line()


def test_an_exceeded_budget_allows_no_more_disruption() -> None:
    plan = edited_plan("units", 0.15)
    spent = plan.disruption().accounts_fraction
    assert spent > 0.10
    result = rebalance(plan, max_disruption=0.10)
    after, _ = from_baseline(plan, result)
    assert after <= spent + 1e-9
    assert any("already spent" in m for m in result.messages)


def test_per_rep_budget_counts_against_the_baseline() -> None:
    plan = edited_plan("units", 0.06)
    result = rebalance(plan, max_disruption=0.3, max_disruption_per_rep=0.25)
    _, churn = from_baseline(plan, result)
    start = from_baseline(plan, None)[1]
    assert start.max() > 0.25  # the lasso alone took one rep past the limit
    # Within 25 % of each rep's baseline accounts, or no worse than the edits left it.
    assert np.all(churn <= np.maximum(0.25, start) + 1e-9)
    assert not result.change.is_empty
    assert result.worst_rep_after == pytest.approx(float(churn.max()))


def test_per_rep_default_is_a_quarter_of_a_reps_accounts() -> None:
    assert DEFAULT_MAX_DISRUPTION_PER_REP == 0.25
