"""Applying the change last previewed reuses the preview's balance delta and disruption.

A lasso previews its change on every move and the release applies the change of the last
move. The engine and the plan keep what that preview computed, so the release does not
pass over the moved accounts (or every account) again; the figures must be exactly the
ones a recount from scratch gives, and a preview made on another state must not be reused.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.models.assignment import Change
from planner.models.balance import membership_fingerprints
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.test_plan import full_totals


def recount(plan: Plan) -> tuple[int, float, np.ndarray, np.ndarray]:
    """Accounts and revenue moved against the baseline, gained and lost per territory."""
    moved = plan.account_territory != plan.baseline_territory
    k = plan.n_territories
    now = plan.account_territory[moved]
    base = plan.baseline_territory[moved]
    gained = np.bincount(now[now >= 0], minlength=k)
    lost = np.bincount(base[base >= 0], minlength=k)
    return int(moved.sum()), float(plan._revenue()[moved].sum()), gained, lost


def counting_delta(plan: Plan) -> list[Change]:
    """Wrap the engine's delta so each change it computes a delta for is recorded."""
    calls: list[Change] = []
    real = plan.engine.delta

    def delta(change: Change) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        calls.append(change)
        return real(change)

    plan.engine.delta = delta  # type: ignore[method-assign]
    return calls


def test_applying_the_previewed_change_computes_no_delta_again() -> None:
    plan = make_plan()
    calls = counting_delta(plan)
    change = plan.propose_unit_move(np.arange(6), 2)
    plan.preview(change)
    plan.disruption(change)
    assert calls == [change]
    plan.apply(change)
    assert calls == [change], "the preview's delta is reused"
    assert plan._disruption_cache is not None, "the preview's disruption is the plan's now"
    # The inverse was never previewed: computed.
    plan.apply(change.inverse())
    assert len(calls) == 2


def test_a_preview_of_another_state_is_not_reused() -> None:
    plan = make_plan()
    calls = counting_delta(plan)
    change = plan.propose_unit_move(np.arange(6), 2)
    plan.preview(change)
    plan.disruption(change)
    other = plan.propose_account_move(np.flatnonzero(plan.account_territory == 3)[:5], 0)
    plan.apply(other)  # not previewed: the plan moves on, the earlier preview is stale
    stale = Change.build(
        change.account_indices,
        plan.account_territory[change.account_indices],
        change.account_after,
        change.unit_indices,
        change.unit_before,
        change.unit_after,
    )
    plan.apply(stale)
    assert len(calls) == 3
    np.testing.assert_allclose(plan.balance().values, full_totals(plan), rtol=1e-9, atol=1e-6)
    moved, revenue, gained, lost = recount(plan)
    d = plan.disruption()
    assert d.accounts_moved == moved
    assert d.revenue_moved == pytest.approx(revenue)
    np.testing.assert_array_equal(d.gained_accounts, gained)
    np.testing.assert_array_equal(d.lost_accounts, lost)


steps = st.lists(
    st.tuples(
        st.sampled_from(["preview-apply", "apply", "preview-only", "undo", "baseline"]),
        st.lists(st.integers(0, 35), min_size=1, max_size=12),
        st.integers(-1, 3),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None)
@given(steps)
def test_figures_after_previewed_applies_equal_a_recount(
    sequence: list[tuple[str, list[int], int]],
) -> None:
    """Random edits, some previewed first, some previewed and dropped, undos and new
    baselines: the balance and disruption always equal a recount from scratch."""
    plan = make_plan()
    done: list[Change] = []
    for kind, units, territory in sequence:
        if kind == "undo":
            if done:
                plan.apply(done.pop().inverse())
        elif kind == "baseline":
            plan.set_baseline_to_current()
        else:
            change = plan.propose_unit_move(np.array(units), territory)
            if kind != "apply":
                plan.preview(change)
                plan.disruption(change)
            if kind != "preview-only":
                plan.apply(change)
                done.append(change)
        np.testing.assert_allclose(plan.balance().values, full_totals(plan), rtol=1e-9, atol=1e-6)
        moved, revenue, gained, lost = recount(plan)
        d = plan.disruption()
        assert d.accounts_moved == moved
        assert d.revenue_moved == pytest.approx(revenue, rel=1e-9, abs=1e-6)
        np.testing.assert_array_equal(d.gained_accounts, gained)
        np.testing.assert_array_equal(d.lost_accounts, lost)
        rows = np.where(plan.account_territory < 0, plan.n_territories, plan.account_territory)
        np.testing.assert_array_equal(
            plan.engine.fingerprint,
            membership_fingerprints(plan.engine.keys, rows, plan.n_territories + 1),
        )
