"""Model tier: the assignment invariant, incremental balance, locks, pins, disruption."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.models.assignment import UNASSIGNED
from planner.models.balance import BalanceEngine
from planner.models.events import AssignmentChanged
from planner.models.plan import LockedError, Plan
from tests.conftest import make_plan


def full_totals(plan: Plan) -> np.ndarray:
    engine = BalanceEngine(
        plan._weights(),
        plan.account_territory,
        plan.n_territories,
        plan.unit_area_km2,
        plan.unit_territory,
        plan.settings,
    )
    engine.set_homes(plan.engine.home_lon, plan.engine.home_lat, plan.account_territory)
    engine.area_override = plan.engine.area_override
    return engine.table().values


def test_accounts_start_in_their_units_territory(small_plan: Plan) -> None:
    plan = small_plan
    assert (plan.account_unit >= 0).all()
    assert np.array_equal(plan.account_territory, plan.unit_territory[plan.account_unit])
    plan.check_invariant()


moves = st.lists(
    st.tuples(
        st.booleans(), st.lists(st.integers(0, 399), min_size=1, max_size=40), st.integers(-1, 3)
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(moves)
def test_invariant_and_incremental_totals_under_random_moves(
    sequence: list[tuple[bool, list[int], int]],
) -> None:
    plan = make_plan()
    for by_unit, items, territory in sequence:
        if by_unit:
            change = plan.propose_unit_move(np.array(items) % plan.n_units, territory)
        else:
            change = plan.propose_account_move(np.array(items), territory)
        plan.apply(change)
        plan.check_invariant()
    np.testing.assert_allclose(plan.balance().values, full_totals(plan), rtol=1e-9, atol=1e-6)
    # Every account is counted once: totals of the count measure add up to all accounts.
    table = plan.balance()
    j = table.column("accounts")
    assert table.values[:, j].sum() + table.unassigned[j] == plan.n_accounts


def test_inverse_change_restores_assignment_and_balance(small_plan: Plan) -> None:
    plan = small_plan
    before_terr = plan.account_territory.copy()
    before_units = plan.unit_territory.copy()
    before_values = plan.balance().values.copy()
    change = plan.propose_unit_move(np.arange(0, 12), 3)
    assert len(change.account_indices) > 0
    plan.apply(change)
    assert not np.array_equal(plan.account_territory, before_terr)
    plan.apply(change.inverse())
    assert np.array_equal(plan.account_territory, before_terr)
    assert np.array_equal(plan.unit_territory, before_units)
    np.testing.assert_allclose(plan.balance().values, before_values)


def test_preview_matches_apply_and_changes_nothing(small_plan: Plan) -> None:
    plan = small_plan
    change = plan.propose_account_move(np.arange(50), 2)
    snapshot = plan.account_territory.copy()
    preview = plan.preview(change)
    assert np.array_equal(plan.account_territory, snapshot)
    plan.apply(change)
    np.testing.assert_allclose(preview.values, plan.balance().values)


def test_locked_and_pinned_accounts_do_not_move(small_plan: Plan) -> None:
    plan = small_plan
    idx = np.arange(20)
    plan.set_account_flags(idx[:5], locked=np.ones(5, bool))
    plan.set_account_flags(idx[5:10], pinned=np.ones(5, bool))
    before = plan.account_territory[:10].copy()
    target = 3
    change = plan.propose_account_move(idx, target)
    plan.apply(change)
    assert np.array_equal(plan.account_territory[:10], before)
    assert (plan.account_territory[10:20] == target).all()


def test_locked_unit_and_locked_territory_are_respected(small_plan: Plan) -> None:
    plan = small_plan
    plan.set_unit_locks(np.array([0]), np.array([True]))
    change = plan.propose_unit_move(np.array([0, 1]), 3)
    assert 0 not in change.unit_indices
    assert 1 in change.unit_indices
    plan.set_territory_field(3, "locked", True)
    with pytest.raises(LockedError, match="locked"):
        plan.propose_unit_move(np.array([2]), 3)
    # Nothing in a locked territory moves out either.
    in_locked = np.flatnonzero(plan.unit_territory == 3)
    change = plan.propose_unit_move(in_locked, 0)
    assert change.is_empty


def test_apply_emits_event_with_before_and_after(small_plan: Plan) -> None:
    plan = small_plan
    seen: list[AssignmentChanged] = []
    plan.events.subscribe(lambda e: seen.append(e) if isinstance(e, AssignmentChanged) else None)
    change = plan.propose_account_move(np.array([1, 2, 3]), UNASSIGNED)
    plan.apply(change)
    assert len(seen) == 1
    assert np.array_equal(seen[0].change.account_indices, change.account_indices)
    assert (seen[0].change.account_after == UNASSIGNED).all()


def test_apply_refuses_a_stale_change(small_plan: Plan) -> None:
    plan = small_plan
    change = plan.propose_account_move(np.array([1]), 3 if plan.account_territory[1] != 3 else 2)
    plan.apply(change)
    with pytest.raises(ValueError, match="current assignment"):
        plan.apply(change)


def test_disruption_counts_moves_against_baseline(small_plan: Plan) -> None:
    plan = small_plan
    assert plan.disruption().accounts_moved == 0
    idx = np.flatnonzero(plan.account_territory == 0)[:7]
    plan.apply(plan.propose_account_move(idx, 1))
    d = plan.disruption()
    revenue = plan.accounts["revenue"].to_numpy()[idx].sum()
    assert d.accounts_moved == 7
    assert d.revenue_moved == pytest.approx(revenue)
    assert d.lost_accounts[0] == 7 and d.gained_accounts[1] == 7


def test_balance_targets_deviation_and_bands(small_plan: Plan) -> None:
    plan = small_plan
    table = plan.balance()
    j = table.column("accounts")
    values = table.values[:, j]
    assert table.targets[j] == pytest.approx(values.mean())
    np.testing.assert_allclose(table.deviation[:, j], values / values.mean() - 1)
    assert (table.in_band[:, j] == (np.abs(values / values.mean() - 1) <= 0.10)).all()


def test_workload_grows_with_travel_when_home_is_far(small_plan: Plan) -> None:
    plan = small_plan
    j = plan.balance().column("workload")
    near = plan.balance().values[0, j]
    plan.reps.loc[0, "lon"] = -80.0  # move rep 1 hundreds of km away
    plan.set_territory_field(0, "rep_id", "R1")
    far = plan.balance().values[0, j]
    assert far > near * 1.5


def test_disruption_preview_matches_disruption_after_apply(small_plan: Plan) -> None:
    plan = small_plan
    change = plan.propose_account_move(np.flatnonzero(plan.account_territory == 2)[:11], 0)
    preview = plan.disruption(change)
    assert plan.disruption().accounts_moved == 0
    plan.apply(change)
    after = plan.disruption()
    assert preview.accounts_moved == after.accounts_moved == 11
    assert preview.revenue_moved == pytest.approx(after.revenue_moved)


def test_disruption_preview_equals_recount_for_random_changes() -> None:
    plan = make_plan()
    rng = np.random.default_rng(3)
    for _ in range(15):
        idx = rng.choice(plan.n_accounts, size=25, replace=False)
        change = plan.propose_account_move(idx, int(rng.integers(-1, plan.n_territories)))
        preview = plan.disruption(change)
        plan.apply(change)
        after = plan.disruption()
        assert preview.accounts_moved == after.accounts_moved
        assert preview.revenue_moved == pytest.approx(after.revenue_moved)
        np.testing.assert_array_equal(preview.gained_accounts, after.gained_accounts)
        np.testing.assert_array_equal(preview.lost_accounts, after.lost_accounts)
        np.testing.assert_allclose(preview.gained_revenue, after.gained_revenue)


def test_the_plan_s_own_disruption_is_kept_until_the_plan_changes() -> None:
    """Previews reuse the plan's own counts; any change, a new baseline or undo refreshes them."""
    plan = make_plan()

    def recount() -> tuple[int, float]:
        moved = plan.account_territory != plan.baseline_territory
        return int(moved.sum()), float(plan._revenue()[moved].sum())

    first = plan.disruption()
    cached = plan._disruption_cache
    assert cached is not None
    change = plan.propose_account_move(np.flatnonzero(plan.account_territory == 1)[:9], 2)
    preview = plan.disruption(change)
    assert plan._disruption_cache is cached, "a preview reuses the plan's own counts"
    assert preview.accounts_moved == 9 and first.accounts_moved == 0
    plan.apply(change)
    assert (plan.disruption().accounts_moved, plan.disruption().revenue_moved) == pytest.approx(
        recount()
    )
    assert plan._disruption_cache is not cached
    plan.set_baseline_to_current()  # no event: the baseline array is a new one
    assert plan.disruption().accounts_moved == 0 == recount()[0]
    plan.apply(change.inverse())
    assert plan.disruption().accounts_moved == 9 == recount()[0]
