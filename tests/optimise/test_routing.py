"""The routing engine: TSP optimality on tiny instances, CVRP optimality and determinism,
VRPTW feasibility, cancel; the rep's day route on it (hours, windows, lunch, reasons)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.routing import RepDay, RouteStop, RoutingError, plan_day_route
from planner.optimise.travel import travel_matrices
from planner.optimise.vrp_engine import (
    ITERATIONS_PER_SECOND,
    RUNS,
    EngineError,
    WorkLimit,
    limit_for_seconds,
    solve_cvrp,
    solve_tsp,
    solve_vrptw,
)


def _points(n: int, seed: int) -> np.ndarray:
    xy = np.random.default_rng(seed).uniform(0, 100, size=(n, 2))
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(int)


def _brute_force_tour(cost: np.ndarray) -> int:
    n = cost.shape[0]
    best = None
    for perm in itertools.permutations(range(1, n)):
        path = (0, *perm, 0)
        length = sum(cost[a, b] for a, b in itertools.pairwise(path))
        best = length if best is None else min(best, length)
    assert best is not None
    return int(best)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tsp_is_optimal_on_tiny_instances(seed: int) -> None:
    cost = _points(8, seed)
    tour = solve_tsp(cost, max_seconds=2.0)
    assert sorted(tour.order) == list(range(8)) and tour.order[0] == 0
    idx = np.array(tour.order)
    assert tour.cost == int(cost[idx, np.roll(idx, -1)].sum())
    assert tour.cost == _brute_force_tour(cost)


def test_tsp_start_and_bad_input() -> None:
    cost = _points(30, 4)
    tour = solve_tsp(cost, start=7, max_seconds=2.0)
    assert tour.order[0] == 7 and sorted(tour.order) == list(range(30))
    with pytest.raises(EngineError, match="integers"):
        solve_tsp(np.array([[0.0, 1.5], [1.5, 0.0]]))
    with pytest.raises(EngineError, match="symmetric"):
        solve_tsp(np.array([[0, 1, 9], [9, 0, 1], [1, 9, 0]]))


def test_cvrp_serves_everyone_within_capacity() -> None:
    cost = _points(12, 4)
    demand = np.array([0, 4, 3, 5, 2, 6, 1, 4, 3, 5, 2, 3])
    result = solve_cvrp(cost, demand, capacity=10, limit=WorkLimit(500))
    served = sorted(c for route in result.routes for c in route)
    assert served == list(range(1, 12))
    assert all(demand[route].sum() <= 10 for route in result.routes)
    total = sum(int(cost[np.r_[0, r], np.r_[r, 0]].sum()) for r in result.routes)
    assert total == result.cost
    with pytest.raises(EngineError, match="capacity"):
        solve_cvrp(cost, demand, capacity=5)


def _best_cvrp_by_enumeration(cost: np.ndarray, demand: np.ndarray, capacity: int) -> int:
    """Optimal CVRP cost: every giant tour, split optimally into routes within capacity."""
    n = cost.shape[0]
    best = None
    for perm in itertools.permutations(range(1, n)):
        # split[i]: least cost of serving perm[:i] with whole routes.
        split = [0] + [None] * (n - 1)
        for i in range(n - 1):
            if split[i] is None:
                continue
            load, inner = 0, 0
            for j in range(i, n - 1):
                load += demand[perm[j]]
                if load > capacity:
                    break
                if j > i:
                    inner += cost[perm[j - 1], perm[j]]
                route = cost[0, perm[i]] + inner + cost[perm[j], 0]
                total = split[i] + route
                if split[j + 1] is None or total < split[j + 1]:
                    split[j + 1] = total
        if split[-1] is not None and (best is None or split[-1] < best):
            best = split[-1]
    assert best is not None
    return int(best)


def _check_routes(routes, cost, demand, capacity) -> int:
    """Every customer once, every route within capacity; the recomputed cost."""
    assert sorted(c for r in routes for c in r) == list(range(1, cost.shape[0]))
    assert all(demand[r].sum() <= capacity for r in routes)
    return sum(int(cost[np.r_[0, r], np.r_[r, 0]].sum()) for r in routes)


@pytest.mark.parametrize("seed", [5, 6])
def test_cvrp_finds_the_optimum_of_a_small_instance(seed: int) -> None:
    cost = _points(8, seed)
    demand = np.random.default_rng(seed).integers(2, 6, 8)
    demand[0] = 0
    capacity = 9  # two or three customers a route
    result = solve_cvrp(cost, demand, capacity, limit=WorkLimit(1_000, seed=1))
    assert _check_routes(result.routes, cost, demand, capacity) == result.cost
    assert result.cost == _best_cvrp_by_enumeration(cost, demand, capacity)


def test_cvrp_same_seed_same_routes_on_a_tight_fleet() -> None:
    # 40 customers filling 5 vehicles to 96 %: the work limit is counted, so a seed gives the
    # same routes however busy the machine is.
    rng = np.random.default_rng(8)
    cost = _points(41, 8)
    demand = np.r_[0, rng.integers(1, 20, 40)]
    capacity = int(np.ceil(demand.sum() / 5 / 0.96))

    def run(seed: int) -> list[list[int]]:
        limit = WorkLimit(iterations=800, seed=seed)
        return solve_cvrp(cost, demand, capacity, vehicles=5, limit=limit).routes

    first = run(3)
    assert first and len(first) <= 5
    _check_routes(first, cost, demand, capacity)
    assert run(3) == first


def test_runs_share_the_iterations_and_the_best_run_wins() -> None:
    # Three runs of 150 iterations in all are the searches of seeds 4, 5 and 6 with 50 each;
    # this short a search ends differently per seed (the last is the best here), and the
    # result is the cheapest of them, with the iterations added up.
    rng = np.random.default_rng(11)
    cost = _points(61, 11)
    demand = np.r_[0, rng.integers(1, 20, 60)]
    capacity = int(np.ceil(demand.sum() / 6 / 0.95))
    single = [
        solve_cvrp(cost, demand, capacity, vehicles=6, limit=WorkLimit(50, seed=s))
        for s in (4, 5, 6)
    ]
    assert len({r.cost for r in single}) > 1
    runs = solve_cvrp(cost, demand, capacity, vehicles=6, limit=WorkLimit(150, seed=4, runs=3))
    best = min(single, key=lambda r: r.cost)
    assert runs.routes == best.routes and runs.cost == best.cost
    assert runs.iterations == 150
    _check_routes(runs.routes, cost, demand, capacity)
    with pytest.raises(EngineError, match="runs"):
        solve_cvrp(cost, demand, capacity, limit=WorkLimit(2, runs=3))


def test_limit_for_seconds_is_counted_work_with_a_distant_cap() -> None:
    limit = limit_for_seconds(10.0, seed=3)
    assert limit.iterations == 10 * ITERATIONS_PER_SECOND and limit.runs == RUNS
    assert limit.max_seconds == 100.0 and limit.seed == 3
    assert limit_for_seconds(1e-6).iterations == RUNS  # every run gets an iteration
    with pytest.raises(EngineError, match="seconds"):
        limit_for_seconds(0.0)


def test_cancel_stops_the_search_at_once() -> None:
    cost = _points(60, 2)
    demand = np.r_[0, np.ones(59, dtype=int)]
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 5

    result = solve_cvrp(cost, demand, 10, limit=WorkLimit(iterations=10**9), cancelled=cancelled)
    assert len(calls) == 6
    assert result.iterations == 6


def test_cvrp_routes_cost_what_they_report_with_a_free_fleet() -> None:
    cost = _points(30, 9)
    demand = np.r_[0, np.random.default_rng(9).integers(1, 10, 29)]
    result = solve_cvrp(cost, demand, capacity=30, limit=WorkLimit(300, seed=2))
    assert _check_routes(result.routes, cost, demand, 30) == result.cost
    assert result.unserved == []


def test_vrptw_respects_windows() -> None:
    cost = _points(9, 5)
    windows = np.array([[0, 400], *[[20 * i, 20 * i + 60] for i in range(1, 9)]])
    service = np.array([0, *[10] * 8])
    demand = np.array([0, *[1] * 8])
    result = solve_vrptw(cost, cost, demand, 4, windows, service, vehicles=5, limit=WorkLimit(500))
    assert sorted(c for r in result.routes for c in r) == list(range(1, 9))
    for route in result.routes:
        assert len(route) <= 4
        t, prev = 0, 0
        for node in route:
            t = max(t + service[prev] + cost[prev, node], windows[node, 0])
            assert t <= windows[node, 1]
            prev = node
        assert t + service[prev] + cost[prev, 0] <= windows[0, 1]


# --- the rep's day route ------------------------------------------------------------------

HOME = (-82.9988, 39.9612)


@pytest.fixture
def day_matrices() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    lon = np.r_[HOME[0], HOME[0] + rng.normal(0, 0.12, 10)]
    lat = np.r_[HOME[1], HOME[1] + rng.normal(0, 0.09, 10)]
    tm = travel_matrices(lon, lat)
    return tm.distance_km, tm.minutes


def test_day_route_respects_hours_windows_and_lunch(day_matrices) -> None:
    km, mins = day_matrices
    stops = [RouteStop(i, 40.0) for i in range(1, 11)]
    stops[1] = RouteStop(2, 40.0, (14 * 60, 14 * 60 + 30))
    stops[4] = RouteStop(5, 40.0, (9 * 60, 9 * 60 + 20))
    day = RepDay(start=8 * 60, end=17 * 60, max_minutes=8 * 60, lunch_minutes=30)
    route = plan_day_route(km, mins, stops, day)
    placed = {s.stop for s in route.stops}
    assert placed | {u.stop for u in route.unplaced} == set(range(10))
    assert not placed & {u.stop for u in route.unplaced}
    for s in route.stops:
        window = stops[s.stop].window
        if window is not None:
            assert window[0] - 1e-6 <= s.arrival <= window[1] + 1e-6
        assert s.departure == pytest.approx(s.arrival + 40.0)
        assert s.node == stops[s.stop].node
    assert route.leave_home >= day.start - 1e-6
    assert route.return_home <= day.end + 1e-6
    assert route.return_home - route.leave_home <= day.max_minutes + 1e-6
    # Times are consistent: each visit starts after the previous one ends plus the drive.
    ready = route.leave_home
    for s in route.stops:
        assert s.arrival >= ready + s.drive_minutes - 0.02
        ready = s.departure
    if route.lunch_start is not None:
        lunch = (route.lunch_start, route.lunch_start + day.lunch_minutes)
        assert all(
            s.departure <= lunch[0] + 0.02 or s.arrival >= lunch[1] - 0.02 for s in route.stops
        )
    # Distances add up: legs plus the way home equal the day's total.
    legs = sum(s.distance_km for s in route.stops) + route.return_distance_km
    assert legs == pytest.approx(route.distance_km)
    nodes = [0, *(s.node for s in route.stops), 0]
    assert route.distance_km == pytest.approx(sum(km[a, b] for a, b in itertools.pairwise(nodes)))


def test_day_route_reports_stops_it_cannot_fit(day_matrices) -> None:
    km, mins = day_matrices
    stops = [
        RouteStop(1, 30.0, (7 * 60, 7 * 60 + 10)),
        RouteStop(2, 30.0, closed_weekdays=frozenset({2})),
        RouteStop(3, 30.0),
        *[RouteStop(i, 120.0) for i in range(4, 11)],
    ]
    route = plan_day_route(km, mins, stops, RepDay(weekday=2))
    reasons = {u.stop: u.reason for u in route.unplaced}
    assert "time window 07:00-07:10 closes before the rep can arrive" in reasons[0]
    assert reasons[1] == "closed on Wednesdays"
    # Seven 2-hour visits cannot all fit in a 9-hour day: the rest are reported, not dropped.
    assert len(route.stops) + len(route.unplaced) == len(stops)
    assert any(r.startswith("no room in the day") for r in reasons.values())


def test_day_route_empty_and_bad_input(day_matrices) -> None:
    km, mins = day_matrices
    empty = plan_day_route(km, mins, [], RepDay())
    assert empty.stops == [] and empty.distance_km == 0.0
    with pytest.raises(RoutingError, match=r"stops\[0\]\.node"):
        plan_day_route(km, mins, [RouteStop(99, 10.0)])
