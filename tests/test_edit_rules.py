"""The one lock and pin rule, as the lasso, the pin tool and the optimiser see it (no Qt).

Units of ``make_plan`` are 0.1 degree squares from (-88.0, 41.5); columns 0-1 are
territory 0 (T1), so the box over rows 0-1 and columns 0-1 holds only territory 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.models.editing import accounts_inside, lasso_change
from planner.models.plan import LockedError
from tests.conftest import make_plan

BOX = shapely.box(-87.99, 41.51, -87.81, 41.69)


def test_lasso_counts_held_accounts_in_account_scope() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_account_flags(inside[:3], locked=np.ones(3, bool))
    plan.set_account_flags(inside[3:5], pinned=np.ones(2, bool))
    change, held = lasso_change(plan, BOX, 3, "accounts")
    assert len(change.account_indices) == len(inside) - 5
    assert held == 5


def test_lasso_counts_held_accounts_inside_moved_units() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_account_flags(inside[:2], pinned=np.ones(2, bool))
    change, held = lasso_change(plan, BOX, 3, "units")
    assert len(change.unit_indices) == 4
    assert held == 2  # the four units move; the two pinned accounts in them stay


def test_lasso_counts_locked_units_and_accounts_of_a_locked_territory() -> None:
    plan = make_plan()
    plan.set_territory_field(0, "locked", True)
    change, held = lasso_change(plan, BOX, 3, "both")
    assert change.is_empty
    # Four units held by their locked territory, and every enclosed account too.
    assert held == 4 + len(accounts_inside(plan, BOX))


def test_lasso_does_not_count_items_already_in_the_target() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_account_flags(inside, locked=np.ones(len(inside), bool))
    _change, held = lasso_change(plan, BOX, 0, "accounts")
    assert held == 0  # they are in territory 0 already: nothing was held back


def test_pin_leaves_accounts_of_a_locked_territory_and_locked_accounts() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_territory_field(0, "locked", True)
    change, pins = plan.propose_pin(inside, 2)
    assert change.is_empty and len(pins) == 0
    plan.set_territory_field(0, "locked", False)
    plan.set_account_flags(inside[:4], locked=np.ones(4, bool))
    change, pins = plan.propose_pin(inside, 2)
    assert set(pins.tolist()) == set(inside[4:].tolist())
    assert set(change.account_indices.tolist()) == set(inside[4:].tolist())


def test_pin_may_repin_a_pinned_account_but_never_into_a_locked_territory() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_account_flags(inside, pinned=np.ones(len(inside), bool))
    change, pins = plan.propose_pin(inside, 2)
    assert len(pins) == len(inside) and len(change.account_indices) == len(inside)
    plan.set_territory_field(2, "locked", True)
    with pytest.raises(LockedError):
        plan.propose_pin(inside, 2)


def test_held_masks_are_the_rule_propose_moves_follow() -> None:
    plan = make_plan()
    inside = accounts_inside(plan, BOX)
    plan.set_account_flags(inside[:3], locked=np.ones(3, bool))
    plan.set_account_flags(inside[3:6], pinned=np.ones(3, bool))
    held = plan.held_accounts(inside)
    moved = plan.propose_account_move(inside, 3).account_indices
    assert set(moved.tolist()) == set(inside[~held].tolist())
    assert plan.held_accounts(inside, pins_hold=False).sum() == 3


def test_accounts_inside_finds_what_a_test_of_every_account_finds() -> None:
    """The latitude index gives the same ascending indices as testing every account."""
    plan = make_plan(n_accounts=3000, grid=8)
    plan.accounts.loc[[5, 17, 2999], ["lon", "lat"]] = np.nan  # unplaced accounts
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    rng = np.random.default_rng(11)
    for _ in range(25):
        cx, cy = rng.uniform(-88.0, -87.2), rng.uniform(41.5, 42.3)
        t = np.linspace(0, 2 * np.pi, 17)[:-1]
        r = rng.uniform(0.02, 0.5) * (1 + 0.3 * np.sin(5 * t))
        polygon = shapely.Polygon(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))
        everywhere = np.flatnonzero(shapely.contains_xy(polygon, lon, lat))
        found = accounts_inside(plan, polygon)
        assert np.array_equal(found, everywhere)
        assert found.dtype == np.int64
