"""A territory's shape updated after an edit from the units it gained and lost is the
shape a full dissolve of its units gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from planner.models.dissolve import (
    SLIVER_WIDTH_DEG,
    dissolve_units,
    drop_sliver_parts,
    redissolve,
)

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo_plan.gpkg"


def _holes(geom: object) -> int:
    if geom is None:
        return 0
    return int(shapely.get_num_interior_rings(shapely.get_parts(geom)).sum())


def _assert_same_shape(fast: object, full: object, label: str) -> None:
    if full is None:
        assert fast is None, label
        return
    assert shapely.is_valid(fast), label
    # Equal area to within the width of the gaps between units along the moved edges.
    differ = float(shapely.area(shapely.symmetric_difference(fast, full)))
    assert differ <= 1e-9 * max(float(full.area), 1e-12) + 1e-12, (label, differ)
    assert shapely.get_num_geometries(fast) == shapely.get_num_geometries(full), label
    assert _holes(fast) == _holes(full), label


@pytest.fixture(scope="module")
def demo_plan():  # type: ignore[no-untyped-def]
    from planner.io.planfile import open_plan

    return open_plan(DEMO)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shapes_after_random_edits_and_undos_equal_a_full_dissolve(demo_plan, seed) -> None:  # type: ignore[no-untyped-def]
    plan = demo_plan
    rng = np.random.default_rng(seed)
    units = plan.units.geometry.to_numpy()
    centre = shapely.point_on_surface(units)
    cx, cy = shapely.get_x(centre), shapely.get_y(centre)
    start = plan.unit_territory.copy(), plan.account_territory.copy()
    for t in range(plan.n_territories):
        plan.territory_geometry(t)
    done = []
    updated = 0
    for step in range(25):
        if done and rng.random() < 0.3:
            change = done.pop().inverse()
        else:
            # A lasso-like blob: a unit and its nearest neighbours, to another territory.
            seedunit = int(rng.integers(plan.n_units))
            near = np.argsort(np.hypot(cx - cx[seedunit], cy - cy[seedunit]))
            blob = near[: int(rng.integers(1, 25))]
            target = int(rng.integers(plan.n_territories))
            change = plan.propose_unit_move(blob, target)
            if change.is_empty:
                continue
            done.append(change)
        touched = np.unique(np.concatenate([change.unit_before, change.unit_after]))
        cached = {int(t): plan._geometry_cache.get(int(t)) for t in touched if t >= 0}
        plan.apply(change)
        for t in touched[touched >= 0]:
            t = int(t)
            fast = plan.territory_geometry(t)
            members = units[plan.unit_territory == t]
            _assert_same_shape(fast, dissolve_units(members), f"seed {seed} step {step} T{t}")
            updated += cached[t] is not None and len(members) > 0
    assert updated > 10  # the shapes were updated from the previous ones, not dissolved
    # Back to the start, every territory, touched or not, is its units' dissolve.
    while done:
        plan.apply(done.pop().inverse())
    assert np.array_equal(plan.unit_territory, start[0])
    assert np.array_equal(plan.account_territory, start[1])
    for t in range(plan.n_territories):
        _assert_same_shape(
            plan.territory_geometry(t),
            dissolve_units(units[plan.unit_territory == t]),
            f"seed {seed} end T{t}",
        )


def test_untouched_territories_keep_their_shape_object(demo_plan) -> None:  # type: ignore[no-untyped-def]
    plan = demo_plan
    before = [plan.territory_geometry(t) for t in range(plan.n_territories)]
    unit = int(np.flatnonzero(plan.unit_territory == 0)[0])
    change = plan.propose_unit_move(np.array([unit]), 1)
    plan.apply(change)
    try:
        after = [plan.territory_geometry(t) for t in range(plan.n_territories)]
        assert after[0] is not before[0] and after[1] is not before[1]
        assert all(a is b for a, b in zip(after[2:], before[2:], strict=True))
    finally:
        plan.apply(change.inverse())


def test_cutting_units_drops_the_filled_gaps_between_them() -> None:
    gap = SLIVER_WIDTH_DEG / 100
    # Three units in a row; the two on the right meet the left one across a sliver gap.
    units = np.array(
        [
            shapely.box(0, 0, 1, 1),
            shapely.box(1 + gap, 0, 2, 1),
            shapely.box(2 + gap, 0, 3, 1),
            shapely.box(0, 1, 3, 2),
        ],
        dtype=object,
    )
    everything = dissolve_units(units)
    assert _holes(everything) == 0  # the gaps were filled
    empty = np.array([], dtype=np.int64)
    # Units 1 and 2 go from territory 0 to territory 1 (which had none but unit 3).
    part = dissolve_units(units[[3]])
    owner = np.array([0, 1, 1, 1])
    for members_after in ([0], [1, 2, 3]), ([0, 3], [1, 2]):
        start = {0: (everything, np.arange(4)), 1: (None, empty)}
        if members_after[1] == [1, 2, 3]:
            start = {
                0: (dissolve_units(units[[0, 1, 2]]), np.array([0, 1, 2])),
                1: (part, np.array([3])),
            }
            owner = np.array([0, 1, 1, 1])
        else:
            owner = np.array([0, 1, 1, 0])
        after = {t: np.array(m) for t, m in enumerate(members_after)}
        shapes = redissolve(start, after, units, owner)
        for t, m in after.items():
            _assert_same_shape(shapes[t], dissolve_units(units[m]), f"{members_after} T{t}")
    # Every unit leaves: no shape.
    shapes = redissolve(
        {0: (everything, np.arange(4)), 1: (None, empty)},
        {0: empty, 1: np.arange(4)},
        units,
        np.ones(4, dtype=np.int64),
    )
    assert shapes[0] is None
    _assert_same_shape(shapes[1], everything, "all moved")


def test_thin_parts_are_dropped_and_real_ones_kept() -> None:
    real = shapely.box(0, 0, 1, 1)
    sliver = shapely.box(2, 0, 2 + SLIVER_WIDTH_DEG / 10, 1)
    assert drop_sliver_parts(shapely.MultiPolygon([real, sliver])).equals(real)
    both = shapely.MultiPolygon([real, shapely.box(2, 0, 3, 1)])
    assert drop_sliver_parts(both) is both


def test_a_thin_hole_of_a_moved_unit_itself_is_kept() -> None:
    """A unit's own hole (a lake) stays a hole in the territory that gains the unit, and
    the territory that loses it keeps none, however thin: the units with holes are found
    once per unit array, not among each territory's units on every edit."""
    lake = shapely.box(4.4, 0.4, 4.4 + SLIVER_WIDTH_DEG / 10, 0.6)
    units = np.array(
        [shapely.box(i, 0, i + 1, 1) for i in range(4)]
        + [shapely.box(4, 0, 5, 1).difference(lake), shapely.box(5, 0, 6, 1)],
        dtype=object,
    )
    before = {0: np.array([0, 1, 2]), 1: np.array([3, 4, 5])}
    start = {t: (dissolve_units(units[m]), m) for t, m in before.items()}
    assert _holes(start[1][0]) == 1
    for moved in ([4], [4, 5], [3, 4]):
        owner = np.array([0, 0, 0, 1, 1, 1])
        owner[moved] = 0
        after = {t: np.flatnonzero(owner == t) for t in (0, 1)}
        shapes = redissolve(start, after, units, owner)
        for t, m in after.items():
            full = dissolve_units(units[m])
            _assert_same_shape(shapes[t], full, f"{moved} T{t}")
        assert _holes(shapes[0]) == 1 and _holes(shapes[1]) == 0
