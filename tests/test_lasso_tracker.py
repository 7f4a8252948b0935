"""A lasso kept by difference between moves gives exactly what the full computation gives.

``LassoTracker`` updates the enclosed items from the fan of each move's new points; these
tests compare it, move by move, with :func:`lasso_change` over random paths (self-crossing
ones, vertices on accounts, edges through accounts, locks and pins included).
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.models.assignment import Change
from planner.models.editing import (
    GestureError,
    LassoTracker,
    lasso_change,
    lasso_polygon,
)
from planner.models.plan import LockedError, Plan
from tests.conftest import make_plan

PLAN = make_plan(n_accounts=600, seed=3)
# A few accounts locked, pinned, in a locked unit: the held count and the rule are tested too.
PLAN.set_account_flags(np.arange(0, 600, 37), locked=np.ones(len(range(0, 600, 37)), bool))
PLAN.set_account_flags(np.arange(5, 600, 41), pinned=np.ones(len(range(5, 600, 41)), bool))
PLAN.set_unit_locks(np.array([7, 20]), np.ones(2, bool))
LON = PLAN.accounts["lon"].to_numpy()
LAT = PLAN.accounts["lat"].to_numpy()


def sorted_change(change: Change) -> tuple[np.ndarray, ...]:
    a = np.argsort(change.account_indices, kind="stable")
    u = np.argsort(change.unit_indices, kind="stable")
    return (
        change.account_indices[a],
        change.account_before[a],
        change.account_after[a],
        change.unit_indices[u],
        change.unit_before[u],
        change.unit_after[u],
    )


def full(plan: Plan, lon: np.ndarray, lat: np.ndarray, target: int, scope: str) -> object:
    try:
        polygon = lasso_polygon(lon, lat).polygon
        return lasso_change(plan, polygon, target, scope)
    except (GestureError, LockedError) as exc:
        return type(exc)


def tracked(tracker: LassoTracker, lon: np.ndarray, lat: np.ndarray) -> object:
    try:
        return tracker.update(lon, lat)
    except (GestureError, LockedError) as exc:
        return type(exc)


def assert_same(got: object, want: object) -> None:
    if isinstance(want, type):
        assert got is want
        return
    assert not isinstance(got, type), got
    (change, held), (expected, expected_held) = got, want  # type: ignore[misc]
    assert held == expected_held
    for mine, theirs in zip(sorted_change(change), sorted_change(expected), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    # The tracker's own order is ascending, as the views expect.
    assert np.all(np.diff(change.account_indices) > 0)


def replay_step(change: Change, last: Change | None) -> None:
    """previous + entered - left names the same items as the change itself."""
    step = change.step
    if step is None:
        return
    assert step.previous is last is not None
    names = set(step.previous.account_indices.tolist())
    entered = set(step.entered.account_indices.tolist())
    left = set(step.left.account_indices.tolist())
    assert not entered & names and left <= names
    assert (names | entered) - left == set(change.account_indices.tolist())
    units = set(step.previous.unit_indices.tolist())
    assert (units | set(step.entered.unit_indices.tolist())) - set(
        step.left.unit_indices.tolist()
    ) == set(change.unit_indices.tolist())


# A vertex: anywhere over the plan, on an account, or sharing one coordinate with an
# account (so an edge can run exactly through it).
coordinate = st.floats(-88.05, -87.35, allow_nan=False)
latitude = st.floats(41.45, 42.15, allow_nan=False)
account = st.integers(0, len(LON) - 1)
vertex = st.one_of(
    st.tuples(coordinate, latitude),
    account.map(lambda i: (float(LON[i]), float(LAT[i]))),
    st.tuples(account, latitude).map(lambda t: (float(LON[t[0]]), t[1])),
    st.tuples(coordinate, account).map(lambda t: (t[0], float(LAT[t[1]]))),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.lists(vertex, min_size=3, max_size=24),
    steps=st.lists(st.integers(1, 4), min_size=1, max_size=24),
    target=st.integers(-1, 3),
    scope=st.sampled_from(["units", "accounts", "both"]),
    lock_target=st.booleans(),
)
def test_tracker_matches_the_full_lasso_on_every_move(
    path: list[tuple[float, float]], steps: list[int], target: int, scope: str, lock_target: bool
) -> None:
    plan = PLAN
    locked = lock_target and target >= 0
    if locked:
        plan.set_territory_field(target, "locked", True)
    try:
        xy = np.array(path, dtype=float)
        tracker = LassoTracker(plan, target, scope)
        k = 1
        last: Change | None = None
        for step in [*steps, len(xy)]:
            k = min(len(xy), k + step)
            want = full(plan, xy[:k, 0], xy[:k, 1], target, scope)
            got = tracked(tracker, xy[:k, 0], xy[:k, 1])
            assert_same(got, want)
            if not isinstance(got, type):
                replay_step(got[0], last)  # type: ignore[index]
                last = got[0]  # type: ignore[index]
            else:
                last = None
            if k == len(xy):
                break
    finally:
        if locked:
            plan.set_territory_field(target, "locked", False)


def circle(n: int, start: float = 0.0, turns: float = 1.0) -> np.ndarray:
    t = start + np.linspace(0, 2 * np.pi * turns, n)
    wobble = 1 + 0.15 * np.sin(7 * t)
    return np.column_stack([-87.7 + 0.25 * wobble * np.cos(t), 41.8 + 0.2 * wobble * np.sin(t)])


@pytest.mark.parametrize("scope", ["units", "accounts", "both"])
def test_a_growing_lasso_is_kept_by_difference(scope: str) -> None:
    xy = circle(60)
    tracker = LassoTracker(PLAN, 2, scope)
    for k in range(3, 61, 3):
        assert_same(
            tracked(tracker, xy[:k, 0], xy[:k, 1]), full(PLAN, xy[:k, 0], xy[:k, 1], 2, scope)
        )
    # Once the first lasso is made, simple lassos follow by difference (a repaired one,
    # and the move after it, are computed in full).
    assert tracker.step_updates >= 10
    assert tracker.full_updates + tracker.step_updates == 20


def test_a_self_crossing_lasso_is_computed_in_full_and_still_agrees() -> None:
    xy = circle(80, turns=1.6)  # the path runs over its own start: repaired lassos
    tracker = LassoTracker(PLAN, 1, "both")
    repaired = 0
    for k in range(3, 81, 2):
        repaired += lasso_polygon(xy[:k, 0], xy[:k, 1]).repaired
        assert_same(
            tracked(tracker, xy[:k, 0], xy[:k, 1]), full(PLAN, xy[:k, 0], xy[:k, 1], 1, "both")
        )
    assert repaired > 0 and tracker.full_updates > repaired


def test_an_applied_change_does_not_keep_the_previews_before_it() -> None:
    import gc
    import weakref

    xy = circle(40)
    tracker = LassoTracker(PLAN, 2, "both")
    first, _ = tracker.update(xy[:20, 0], xy[:20, 1])
    watch = weakref.ref(first)
    second, _ = tracker.update(xy[:30, 0], xy[:30, 1])
    assert second.step is not None and second.step.previous is first
    del first
    gc.collect()
    assert watch() is None and second.step.previous is None


def test_a_plan_change_between_moves_is_not_carried_over() -> None:
    plan = make_plan(n_accounts=300, seed=5)
    xy = circle(30)
    tracker = LassoTracker(plan, 3, "accounts")
    tracker.update(xy[:15, 0], xy[:15, 1])
    inside = np.flatnonzero(
        shapely.contains_xy(lasso_polygon(xy[:20, 0], xy[:20, 1]).polygon, LON[:300], LAT[:300])
    )
    plan.set_account_flags(inside[:5], locked=np.ones(5, bool))
    full_before = tracker.full_updates
    assert_same(
        tracked(tracker, xy[:20, 0], xy[:20, 1]), full(plan, xy[:20, 0], xy[:20, 1], 3, "accounts")
    )
    assert tracker.full_updates == full_before + 1


def test_accounts_on_the_old_closing_edge_or_a_new_vertex_are_tested_exactly() -> None:
    i = int(np.argmin(np.hypot(LON - -87.7, LAT - 41.8)))
    x, y, d = float(LON[i]), float(LAT[i]), 0.05
    # The closing edge of the first lasso runs exactly through account i (on the boundary:
    # outside); the next point puts it inside; the one after lands on it (outside again).
    path = np.array([(x - d, y), (x - d / 2, y + d), (x + d, y), (x, y - d), (x + d / 3, y)])
    tracker = LassoTracker(PLAN, 3, "accounts")
    sides = []
    for k in (3, 4, 5):
        got = tracked(tracker, path[:k, 0], path[:k, 1])
        assert_same(got, full(PLAN, path[:k, 0], path[:k, 1], 3, "accounts"))
        sides.append(bool(tracker._acc_in[i]))
    assert sides == [False, True, False]
    assert tracker.step_updates == 2


def test_balance_and_disruption_by_difference_equal_the_full_preview() -> None:
    from dataclasses import replace

    plan = make_plan(n_accounts=500, seed=11)
    plan.set_account_flags(np.arange(0, 500, 3), pinned=np.ones(len(range(0, 500, 3)), bool))
    xy = circle(90, turns=1.3)
    tracker = LassoTracker(plan, 0, "both")
    stepped = 0
    for k in range(3, 91, 2):
        change, _ = tracker.update(xy[:k, 0], xy[:k, 1])
        stepped += change.step is not None
        alone = replace(change, step=None)
        got, want = plan.preview(change), plan.engine.preview(alone)
        np.testing.assert_allclose(got.values, want.values, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(got.unassigned, want.unassigned, rtol=1e-9, atol=1e-6)
        np.testing.assert_array_equal(got.in_band, want.in_band)
        d, d_full = plan.disruption(change), plan.disruption(alone)
        assert (d.accounts_moved, d.gained_accounts.tolist(), d.lost_accounts.tolist()) == (
            d_full.accounts_moved,
            d_full.gained_accounts.tolist(),
            d_full.lost_accounts.tolist(),
        )
        assert d.revenue_moved == pytest.approx(d_full.revenue_moved)
        plan.disruption(change)  # the cache now holds ``change`` again for the next step
        plan.preview(change)
    assert stepped > 20
