"""Problems found in small plans: unassigned, unplaced, overlaps, pieces, empty territories.

The grid plan of ``make_plan`` has 6 x 6 square units of 0.1 degrees; unit ``r * 6 + c`` is in
row ``r`` and column ``c``. Columns 0-1 are T1, column 2 is T2, columns 3-4 are T3 and
column 5 is T4.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.models.assignment import UNASSIGNED
from planner.models.geo import area_km2
from planner.models.graph import adjacency_from_geometry, plan_adjacency_cache, unit_adjacency
from planner.models.plan import Plan
from planner.models.problems import count_by_kind, find_problems
from tests.conftest import make_plan

LON0, LAT0, STEP = -88.0, 41.5, 0.1


def unit_index(row: int, col: int) -> int:
    return row * 6 + col


def kinds(plan: Plan) -> dict[str, int]:
    return {k: n for k, n in count_by_kind(find_problems(plan)).items() if n}


def with_drawn(plan: Plan, shapes: dict[str, object]) -> Plan:
    """The same plan with some territories drawn as ``shapes`` (by territory id)."""
    territories = plan.territories.copy()
    for tid, shape in shapes.items():
        row = territories.index[territories["territory_id"] == tid][0]
        territories.loc[row, "geometry_source"] = "drawn"
        territories.loc[row, "geometry"] = shape
    return Plan(plan.accounts_frame(), plan.units_frame(), territories, plan.reps)


def test_the_grid_plan_has_no_problems() -> None:
    assert find_problems(make_plan()) == []


def test_a_unit_moved_away_makes_its_new_territory_two_parts_with_their_boxes() -> None:
    plan = make_plan()
    far = unit_index(0, 5)  # T4's bottom-right unit, three columns away from T1
    plan.apply(plan.propose_unit_move(np.array([far]), 0))
    problems = find_problems(plan)
    assert [p.kind for p in problems] == ["non_contiguous"]
    problem = problems[0]
    assert problem.territories == (0,)
    assert problem.item_kind == "units"
    assert problem.items.tolist() == [far]
    assert [len(part.items) for part in problem.parts] == [12, 1]
    assert problem.parts[1].bbox == pytest.approx(
        (LON0 + 5 * STEP, LAT0, LON0 + 6 * STEP, LAT0 + STEP)
    )
    assert problem.parts[0].bbox == pytest.approx((LON0, LAT0, LON0 + 2 * STEP, LAT0 + 6 * STEP))
    assert problem.bbox == pytest.approx((LON0, LAT0, LON0 + 6 * STEP, LAT0 + 6 * STEP))
    assert "2 separate parts" in problem.message


def test_units_touching_only_at_a_corner_are_separate_parts() -> None:
    plan = make_plan()
    plan.apply(plan.propose_unit_move(np.array([unit_index(1, 4)]), 3))  # edge with (1, 5)
    assert find_problems(plan) == []
    corner = unit_index(2, 3)  # meets T4's (1, 4) at a single point only
    plan.apply(plan.propose_unit_move(np.array([corner]), 3))
    problems = find_problems(plan)
    # T3 loses (1, 4) and (2, 3), which cuts its three bottom-left units off as well.
    assert [(p.kind, p.territories, p.items.tolist()) for p in problems] == [
        ("non_contiguous", (2,), [unit_index(0, 3), unit_index(0, 4), unit_index(1, 3)]),
        ("non_contiguous", (3,), [corner]),
    ]
    assert [len(part.items) for part in problems[1].parts] == [7, 1]


def test_a_territory_stripped_of_its_units_is_empty() -> None:
    plan = make_plan()
    column2 = [unit_index(r, 2) for r in range(6)]
    plan.apply(plan.propose_unit_move(np.array(column2), 2))
    problems = find_problems(plan)
    assert [(p.kind, p.territories) for p in problems] == [("empty_territory", (1,))]
    assert problems[0].bbox is None
    assert problems[0].message == "Territory 2 has no accounts: it has no units"


def test_unassigned_accounts_and_units_are_listed_with_their_box() -> None:
    plan = make_plan()
    plan.apply(plan.propose_account_move(np.array([0, 1, 2]), UNASSIGNED))
    unit = unit_index(5, 5)
    in_unit = np.flatnonzero(plan.account_unit == unit)
    plan.apply(plan.propose_unit_move(np.array([unit]), UNASSIGNED))
    problems = {p.kind: p for p in find_problems(plan)}
    assert set(problems) == {"unassigned_accounts", "unassigned_units"}
    accounts = problems["unassigned_accounts"]
    expected = np.union1d([0, 1, 2], in_unit)
    assert accounts.items.tolist() == expected.tolist()
    assert accounts.item_kind == "accounts"
    lon = plan.accounts["lon"].to_numpy()[expected]
    lat = plan.accounts["lat"].to_numpy()[expected]
    assert accounts.bbox == pytest.approx((lon.min(), lat.min(), lon.max(), lat.max()))
    assert accounts.message.startswith(f"{len(expected)} accounts in no territory")
    units = problems["unassigned_units"]
    assert units.items.tolist() == [unit]
    assert units.bbox == pytest.approx(
        (LON0 + 5 * STEP, LAT0 + 5 * STEP, LON0 + 6 * STEP, LAT0 + 6 * STEP)
    )


def test_accounts_without_coordinates_are_unplaced_and_counted_once_as_unassigned() -> None:
    base = make_plan(n_accounts=50)
    accounts = base.accounts_frame()
    accounts.loc[[3, 7], ["lon", "lat"]] = np.nan
    accounts.loc[[7], "territory_id"] = None
    plan = Plan(accounts, base.units_frame(), base.territories, base.reps)
    problems = {p.kind: p for p in find_problems(plan)}
    assert set(problems) == {"unplaced_accounts", "unassigned_accounts"}
    assert problems["unplaced_accounts"].items.tolist() == [3, 7]
    assert problems["unplaced_accounts"].bbox is None
    assert problems["unassigned_accounts"].items.tolist() == [7]
    assert problems["unassigned_accounts"].bbox is None
    assert "1 without a location" in problems["unassigned_accounts"].message


def test_overlapping_drawn_territories_give_one_problem_per_pair_with_area_and_accounts() -> None:
    base = make_plan()
    t1 = shapely.box(LON0, LAT0, LON0 + 0.2, LAT0 + 0.6)
    t2 = shapely.box(LON0 + 0.15, LAT0, LON0 + 0.3, LAT0 + 0.6)
    t3 = shapely.box(LON0 + 0.3, LAT0, LON0 + 0.5, LAT0 + 0.6)  # touches t2 along an edge
    plan = with_drawn(base, {"T1": t1, "T2": t2, "T3": t3})
    problems = find_problems(plan)
    assert [p.kind for p in problems] == ["overlap"]
    overlap = problems[0]
    assert overlap.territories == (0, 1)
    shared = shapely.box(LON0 + 0.15, LAT0, LON0 + 0.2, LAT0 + 0.6)
    expected_area = float(area_km2(np.array([shared], dtype=object))[0])
    assert overlap.area_km2 == pytest.approx(expected_area)
    assert 200 < overlap.area_km2 < 300  # 0.05 x 0.6 degrees at 41.5 N: about 4.2 x 67 km
    lon = plan.accounts["lon"].to_numpy()
    lat = plan.accounts["lat"].to_numpy()
    inside = np.flatnonzero(shapely.contains_xy(shared, lon, lat))
    assert len(inside) > 0
    assert overlap.items.tolist() == inside.tolist()
    assert overlap.bbox == pytest.approx((LON0 + 0.15, LAT0, LON0 + 0.2, LAT0 + 0.6))
    assert "Territory 1 and Territory 2 overlap" in overlap.message


def test_a_drawn_territory_in_two_polygons_lists_both_parts() -> None:
    base = make_plan()
    big = shapely.box(LON0 + 0.3, LAT0, LON0 + 0.5, LAT0 + 0.6)
    small = shapely.box(LON0 + 0.55, LAT0 + 0.5, LON0 + 0.6, LAT0 + 0.6)
    plan = with_drawn(base, {"T3": shapely.MultiPolygon([small, big])})
    problems = find_problems(plan)
    assert [(p.kind, p.territories) for p in problems] == [("non_contiguous", (2,))]
    problem = problems[0]
    assert [part.bbox for part in problem.parts] == [big.bounds, small.bounds]
    lon = plan.accounts["lon"].to_numpy()
    lat = plan.accounts["lat"].to_numpy()
    in_t3 = plan.account_territory == 2
    expected = np.flatnonzero(in_t3 & shapely.contains_xy(small, lon, lat))
    assert problem.item_kind == "accounts"
    assert problem.items.tolist() == expected.tolist()


def test_drawn_shape_holding_no_accounts_is_empty_with_its_box() -> None:
    base = make_plan()
    plan = with_drawn(base, {"T4": shapely.box(LON0 + 0.5, LAT0, LON0 + 0.6, LAT0 + 0.6)})
    plan.apply(plan.propose_account_move(np.flatnonzero(plan.account_territory == 3), 2))
    problems = find_problems(plan)
    assert [(p.kind, p.territories) for p in problems] == [("empty_territory", (3,))]
    assert problems[0].bbox == pytest.approx((LON0 + 0.5, LAT0, LON0 + 0.6, LAT0 + 0.6))


def test_unit_adjacency_is_rook_and_cached_per_plan() -> None:
    plan = make_plan()
    geoms = plan.units.geometry.to_numpy()
    rook = unit_adjacency(plan)
    assert rook.n_edges == 2 * 6 * 5  # a 6 x 6 grid: shared edges only, not corners
    assert adjacency_from_geometry(geoms, "queen").n_edges == 2 * 6 * 5 + 2 * 5 * 5
    assert unit_adjacency(plan) is rook
    # One cache per plan: whoever asks with the plan's units gets the graph already built.
    assert plan_adjacency_cache(plan).get(geoms.copy()) is rook


def test_overlapping_units_are_rook_neighbours() -> None:
    overlapping = np.array([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)], dtype=object)
    corner = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)], dtype=object)
    assert adjacency_from_geometry(overlapping, "rook").n_edges == 1
    assert adjacency_from_geometry(corner, "rook").n_edges == 0
    assert adjacency_from_geometry(corner, "queen").n_edges == 1


def test_find_problems_rejects_what_is_not_a_plan() -> None:
    with pytest.raises(TypeError, match="plan must be a Plan"):
        find_problems(object())  # type: ignore[arg-type]


def test_accounts_outside_every_unit_are_listed_with_their_box() -> None:
    base = make_plan()
    accounts = base.accounts_frame()
    # Two accounts east of the grid: placed, in a territory, but in no unit.
    accounts.loc[[3, 7], "lon"] = [LON0 + 6 * STEP + 0.5, LON0 + 6 * STEP + 0.7]
    accounts.loc[[3, 7], "lat"] = [LAT0 + 0.05, LAT0 + 0.25]
    plan = Plan(accounts, base.units_frame(), base.territories, base.reps)
    problems = [p for p in find_problems(plan) if p.kind == "outside_units"]
    assert len(problems) == 1
    problem = problems[0]
    assert problem.item_kind == "accounts"
    assert problem.items.tolist() == [3, 7]
    assert problem.bbox == pytest.approx(
        (LON0 + 6 * STEP + 0.5, LAT0 + 0.05, LON0 + 6 * STEP + 0.7, LAT0 + 0.25)
    )
    assert "2 accounts outside every unit" in problem.message


def test_accounts_without_units_are_not_outside_units() -> None:
    base = make_plan()
    plan = Plan(base.accounts_frame(), None, base.territories, base.reps)
    assert "outside_units" not in kinds(plan)


def test_optimiser_and_problems_share_the_plan_adjacency() -> None:
    from planner.optimise.plan_optimiser import snapshot_plan

    plan = make_plan()
    built_by_problems = unit_adjacency(plan)
    assert snapshot_plan(plan).adjacency() is built_by_problems


def test_problems_after_a_move_reuse_the_untouched_territories_pieces() -> None:
    from planner.models.problems import find_problems

    plan = make_plan(grid=8, n_territories=4)
    # Split T1 and T3: a unit of each joins a territory it does not touch.
    plan.apply(plan.propose_unit_move(np.array([0]), 2))
    plan.apply(plan.propose_unit_move(np.array([5]), 0))
    before = find_problems(plan)
    assert sum(p.kind == "non_contiguous" for p in before) >= 2
    change = plan.propose_unit_move(np.array([7]), 3)
    plan.apply(change)
    touched = {int(t) for t in np.r_[change.unit_before, change.unit_after] if t >= 0}
    again = find_problems(plan, before, touched)
    fresh = find_problems(plan)
    assert [(p.kind, p.territories, p.message) for p in again] == [
        (p.kind, p.territories, p.message) for p in fresh
    ]

    def pieces(found: list) -> list:  # type: ignore[type-arg]
        return [
            (p.bbox, p.items.tolist(), [(q.items.tolist(), q.bbox, q.area_km2) for q in p.parts])
            for p in found
            if p.kind == "non_contiguous"
        ]

    assert pieces(again) == pieces(fresh)
    kept = [p for p in before if p.kind == "non_contiguous" and p.territories[0] not in touched]
    assert kept and all(any(p is q for q in again) for p in kept)  # the same objects


@pytest.mark.parametrize("seed", range(6))
def test_components_in_numpy_are_the_walks_components(seed: int) -> None:
    from planner.models.graph import Adjacency, connected_components
    from planner.models.problems import _components

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    m = int(rng.integers(0, 2 * n))
    a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = a != b
    edges = np.unique(np.sort(np.column_stack([a[keep], b[keep]]), axis=1), axis=0)
    adjacency = Adjacency.from_edges(n, edges)
    assert np.array_equal(_components(adjacency), connected_components(adjacency))
