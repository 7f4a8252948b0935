"""p-median solvers checked against brute force on tiny instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.pmedian import (
    graph_distances,
    pmedian_cost,
    solve_capacitated_pmedian,
    solve_pmedian,
)


def euclidean(rng: np.random.Generator, n: int) -> np.ndarray:
    pts = rng.uniform(0, 100, size=(n, 2))
    return np.round(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)))


def brute_pmedian(dist: np.ndarray, p: int, w: np.ndarray) -> float:
    return min(
        pmedian_cost(dist, list(c), w) for c in itertools.combinations(range(dist.shape[1]), p)
    )


def brute_capacitated(dist: np.ndarray, p: int, q: np.ndarray, cap: np.ndarray) -> float:
    n = dist.shape[0]
    best = np.inf
    for meds in itertools.combinations(range(n), p):
        for choice in itertools.product(range(p), repeat=n):
            load = np.bincount(choice, weights=q, minlength=p)
            if np.all(load <= cap[list(meds)]):
                best = min(best, sum(dist[i, meds[c]] for i, c in enumerate(choice)))
    return float(best)


def test_graph_distances_use_shortest_paths_and_the_last_listed_cost() -> None:
    # Edge 0-1 listed twice (last cost 7 counts, even though 5 is smaller), path 0-2-1 is 6.
    d = graph_distances(3, [[0, 1, 5], [1, 0, 7], [0, 2, 2], [2, 1, 4]])
    assert d[0, 1] == d[1, 0] == 6
    d = graph_distances(3, [[0, 1, 5], [1, 0, 7], [0, 2, 9], [2, 1, 9]])
    assert d[0, 1] == 7
    assert np.isinf(graph_distances(2, np.zeros((0, 3)))[0, 1])


@pytest.mark.parametrize("seed", range(6))
def test_pmedian_heuristic_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, p = 14, 3
    dist = euclidean(rng, n)
    w = rng.integers(1, 10, n).astype(float)
    result = solve_pmedian(dist, p, w, seed=seed, exact=False, time_limit=2)
    assert result.medians.size == p
    assert result.cost == pytest.approx(brute_pmedian(dist, p, w))
    # The assignment is to the nearest open median and the cost is its weighted sum.
    assert np.all(np.isin(result.assignment, result.medians))
    assert result.cost == pytest.approx(float(w @ dist[np.arange(n), result.assignment]))


def test_pmedian_exact_proves_the_optimum() -> None:
    rng = np.random.default_rng(11)
    dist = euclidean(rng, 12)
    result = solve_pmedian(dist, 4, exact=True, time_limit=10)
    assert result.optimal
    assert result.cost == pytest.approx(brute_pmedian(dist, 4, np.ones(12)))
    assert result.lower_bound == pytest.approx(result.cost)


def test_pmedian_same_seed_same_result() -> None:
    dist = euclidean(np.random.default_rng(3), 60)
    a = solve_pmedian(dist, 6, seed=5, exact=False, time_limit=5)
    b = solve_pmedian(dist, 6, seed=5, exact=False, time_limit=5)
    assert a.medians.tolist() == b.medians.tolist()


def test_pmedian_rejects_bad_p() -> None:
    with pytest.raises(ValueError, match="p must be"):
        solve_pmedian(np.zeros((3, 3)), 4)


@pytest.mark.parametrize("seed", range(3))
def test_capacitated_pmedian_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, p = 7, 2
    dist = euclidean(rng, n)
    q = rng.integers(1, 6, n).astype(float)
    cap = np.full(n, float(np.ceil(q.sum() * 0.6)))
    result = solve_capacitated_pmedian(dist, p, q, cap, seed=seed, time_limit=10)
    assert result.feasible
    load = np.bincount(result.assignment, weights=q, minlength=n)
    assert np.all(load <= cap + 1e-9)
    assert set(result.assignment.tolist()) <= set(result.medians.tolist())
    assert result.cost == pytest.approx(brute_capacitated(dist, p, q, cap))


def test_capacitated_pmedian_reports_infeasible_capacity() -> None:
    dist = euclidean(np.random.default_rng(1), 6)
    q = np.full(6, 10.0)
    result = solve_capacitated_pmedian(dist, 2, q, capacity=20.0, time_limit=2)
    assert not result.feasible


def _capacitated_instance(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dist = euclidean(rng, n)
    q = rng.integers(1, 20, n).astype(float)
    cap = np.full(n, float(np.ceil(q.sum() / p * 1.15)))
    return dist, q, cap


@pytest.mark.parametrize("seed", range(3))
def test_cluster_neighbourhoods_reach_the_mip_optimum_from_a_poor_start(seed: int) -> None:
    from planner.optimise.pmedian import _cluster_lns, _gap_assignment, _pmedian_mip

    n, p = 24, 3
    dist, q, cap = _capacitated_instance(200 + seed, n, p)
    # A poor start: the three mutually farthest-apart units as centres.
    start = [0, int(np.argmax(dist[0])), int(np.argmax(dist[0] + dist[int(np.argmax(dist[0]))]))]
    assign, start_cost = _gap_assignment(dist, q, cap, start, 5.0)
    assert assign is not None
    meds, out, spent = _cluster_lns(
        dist, q, cap, start, assign, np.random.default_rng(seed), budget_seconds=20.0
    )
    cost = float(dist[np.arange(n), out].sum())
    load = np.bincount(out, weights=q, minlength=n)
    assert np.all(load <= cap + 1e-9)
    assert set(out.tolist()) <= set(meds) and len(meds) == p
    assert cost <= start_cost
    # With every cluster freed at once the neighbourhood is the whole problem: the optimum.
    _, mip_assign, optimal, _ = _pmedian_mip(dist, p, np.ones(n), 30.0, None, capacity=(q, cap))
    assert optimal and mip_assign is not None
    assert cost == pytest.approx(float(dist[np.arange(n), mip_assign].sum()))
    assert spent > 0


def test_cluster_neighbourhoods_give_the_same_plan_on_a_busy_machine() -> None:
    from planner.optimise.pmedian import _cluster_lns, _gap_assignment
    from tests.optimise.test_reproducible import quiet_and_busy

    n, p = 60, 6
    dist, q, cap = _capacitated_instance(7, n, p)
    start = list(range(p))
    assign, _ = _gap_assignment(dist, q, cap, start, 5.0)
    assert assign is not None

    def run() -> np.ndarray:
        # A budget the search uses up (deterministic seconds, not the wall clock).
        _, out, _ = _cluster_lns(dist, q, cap, start, assign, np.random.default_rng(1), 1.5)
        return out

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)


def test_capacitated_pmedian_above_the_full_mip_size_keeps_capacities() -> None:
    n, p = 80, 6
    dist, q, cap = _capacitated_instance(9, n, p)
    heuristic = solve_capacitated_pmedian(dist, p, q, cap, seed=0, time_limit=3, exact=False)
    result = solve_capacitated_pmedian(dist, p, q, cap, seed=0, time_limit=6)
    for r in (heuristic, result):
        assert r.feasible and r.medians.size == p
        load = np.bincount(r.assignment, weights=q, minlength=n)
        assert np.all(load <= cap + 1e-9)
        assert set(r.assignment.tolist()) <= set(r.medians.tolist())
        assert r.cost == pytest.approx(float(dist[np.arange(n), r.assignment].sum()))
    # A proof (over the Lagrangian's exact reduction) comes with its bound.
    assert not result.optimal or result.lower_bound == pytest.approx(result.cost)
    assert result.lower_bound <= result.cost + 1e-9


def test_pmedian_cut_by_its_work_limit_gives_the_same_medians_on_a_busy_machine() -> None:
    from tests.optimise.test_reproducible import quiet_and_busy

    dist = euclidean(np.random.default_rng(11), 100)
    # Far more rounds than the limit allows, then the exact MIP on a node budget: both
    # limits bind, and both are counted work, not a clock.
    costs = []

    def run() -> np.ndarray:
        result = solve_pmedian(dist, 12, seed=3, time_limit=0.4, exact=True)
        costs.append(result.cost)
        return result.medians

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)
    assert costs[0] == costs[1]


def test_pmedian_both_phases_cut_by_counted_work_give_the_same_plan_when_busy() -> None:
    from tests.optimise.test_reproducible import quiet_and_busy

    dist = euclidean(np.random.default_rng(11), 100)

    def run(limit: float, exact: bool) -> tuple[np.ndarray, float, bool]:
        result = solve_pmedian(dist, 20, seed=3, time_limit=limit, exact=exact)
        return result.medians, result.cost, result.optimal

    # The interchange alone, stopped by its counted work long before its round cap: more
    # work gives a better plan, so the limit binds, and the plan does not depend on the load.
    quiet, busy = quiet_and_busy(lambda: run(0.02, False))
    assert np.array_equal(quiet[0], busy[0]) and quiet[1] == busy[1]
    assert run(0.06, False)[1] < quiet[1]
    # Then the exact MIP on SCIP's node limit (not its clock): one node does not prove the
    # optimum that four nodes do, and the busy run stops at the same node with the same plan.
    quiet, busy = quiet_and_busy(lambda: run(0.1, True))
    assert np.array_equal(quiet[0], busy[0]) and quiet[1:] == busy[1:]
    assert not quiet[2] and run(0.4, True)[2]


def test_pmedian_work_limit_binds_before_the_round_cap() -> None:
    from planner.optimise.pmedian import _Budget, _solve_pmedian

    dist = euclidean(np.random.default_rng(12), 120)
    budget = _Budget(0.05)
    _solve_pmedian(dist, np.ones(120), 15, budget, seed=0, exact=False, state=None, rounds=None)
    # Counted work stops the search just past its limit (one descent at most beyond it).
    assert 0.05 <= budget.work < 0.5


def test_capacitated_pmedian_cut_by_its_work_limit_gives_the_same_plan_on_a_busy_machine() -> None:
    from tests.optimise.test_reproducible import quiet_and_busy

    # Above the full-model size: relocation, cluster neighbourhoods and the Lagrangian bound
    # all run, and the limit cuts the search before it proves anything (at 1.5 s this
    # instance is proven optimal).
    n, p = 70, 6
    dist, q, cap = _capacitated_instance(21, n, p)

    def run() -> np.ndarray:
        result = solve_capacitated_pmedian(dist, p, q, cap, seed=2, time_limit=1.0)
        assert result.feasible and not result.optimal
        return result.assignment

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)


def test_capacitated_pmedian_of_50_units_reaches_the_full_models_optimum() -> None:
    from planner.optimise.pmedian import FULL_MIP_UNITS, _cpmp_cpsat

    # Above FULL_MIP_UNITS the Lagrangian stages run instead of the full model; what they
    # return must be the optimum the full model proves (tight capacity, as p550).
    n, p = 50, 5
    assert n > FULL_MIP_UNITS
    rng = np.random.default_rng(41)
    dist = euclidean(rng, n)
    q = rng.integers(1, 21, n).astype(float)
    cap = np.full(n, float(np.ceil(q.sum() / p / 0.93)))
    result = solve_capacitated_pmedian(dist, p, q, cap, seed=0, time_limit=10)
    _, assign, optimal, _, _ = _cpmp_cpsat(dist, q, cap, p, None, None, 120.0, 600.0, 0)
    assert optimal and assign is not None
    assert result.feasible
    assert result.cost == pytest.approx(float(dist[np.arange(n), assign].sum()))
    assert not result.optimal or result.lower_bound == pytest.approx(result.cost)


def test_capacitated_exact_model_proves_the_optimum_of_a_small_instance() -> None:
    from planner.optimise.pmedian import _cpmp_cpsat, _pmedian_mip

    n, p = 24, 3
    dist, q, cap = _capacitated_instance(31, n, p)
    meds, assign, optimal, bound, used = _cpmp_cpsat(dist, q, cap, p, None, None, 30.0, 60.0, 0)
    assert optimal and meds is not None and assign is not None and used > 0
    load = np.bincount(assign, weights=q, minlength=n)
    assert np.all(load <= cap + 1e-9)
    cost = float(dist[np.arange(n), assign].sum())
    assert bound == pytest.approx(cost)
    _, mip_assign, mip_optimal, _ = _pmedian_mip(dist, p, np.ones(n), 30.0, None, capacity=(q, cap))
    assert mip_optimal and mip_assign is not None
    assert cost == pytest.approx(float(dist[np.arange(n), mip_assign].sum()))
