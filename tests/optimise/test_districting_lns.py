"""Exact large-neighbourhood search for the fewest cut edges (districting/lns.py)."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from planner.optimise.districting import WORK_PER_SECOND, optimise_territories, work_ticks
from planner.optimise.districting.lns import cut_count, exact_lns, split_flow
from planner.optimise.districting.problem import (
    CPU_PER_DETERMINISTIC_SECOND,
    LNS_LOCAL_SEARCH_RATE,
    Problem,
    charge_cp_sat,
    deterministic_budget,
)
from planner.optimise.graph import Adjacency, connected_components, cut_edges
from tests.optimise.test_districting import bare_problem, grid, measures
from tests.optimise.test_reproducible import busy_machine


def cut_problem(adj: Adjacency, x: np.ndarray, k: int, lower: float, upper: float) -> Problem:
    n = adj.n
    return bare_problem(
        x.reshape(n, 1),
        adj,
        np.zeros((n, 2)),
        np.full((k, 1), lower),
        np.full((k, 1), upper),
        np.full((k, 1), 0.5 * (lower + upper)),
        objective="cut_edges",
        wall_deadline=time.perf_counter() + 60,
    )


def contiguous(adj: Adjacency, a: np.ndarray, k: int) -> bool:
    return all(connected_components(adj, a == t).max() == 0 for t in range(k))


def brute_force(
    adj: Adjacency, x: np.ndarray, k: int, lower: float, upper: float, with_worst: bool = False
):  # type: ignore[no-untyped-def]
    """Fewest cut edges over every contiguous plan with each territory in the band (and the
    feasible plan with the most, if asked)."""
    best = None
    worst, worst_cuts = None, -1
    for labels in itertools.product(range(k), repeat=adj.n - 1):
        a = np.array((0, *labels))
        sums = np.bincount(a, weights=x, minlength=k)
        if not np.all((sums >= lower) & (sums <= upper)) or not contiguous(adj, a, k):
            continue
        c = cut_edges(adj, a)
        best = c if best is None else min(best, c)
        if c > worst_cuts:
            worst, worst_cuts = a, c
    assert best is not None
    return (best, worst) if with_worst else best


def test_exact_pair_split_reaches_the_brute_force_optimum() -> None:
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    optimum = brute_force(adj, x, 2, 24.0, 28.0)
    prob = cut_problem(adj, x, 2, 24.0, 28.0)
    # The start is only a hint (here outside the band): the split is solved from scratch.
    start = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    out, optimal = split_flow(prob, start, (0, 1), 10.0)
    assert out is not None and optimal
    assert cut_edges(adj, out) == optimum
    sums = np.bincount(out, weights=x, minlength=2)
    assert np.all((sums >= 24.0) & (sums <= 28.0))
    assert contiguous(adj, out, 2)


def test_triple_split_is_contiguous_in_band_and_optimal() -> None:
    # A 2 x 5 ladder, three territories of exactly 8.
    edges = [(i, i + 1) for i in range(4)] + [(i, i + 1) for i in range(5, 9)]
    edges += [(i, i + 5) for i in range(5)]
    adj = Adjacency.from_edges(10, np.array(edges))
    x = np.array([6, 1, 1, 1, 6, 2, 1, 3, 1, 2], dtype=float)
    k, lower, upper = 3, 8.0, 8.0
    optimum = brute_force(adj, x, k, lower, upper)
    prob = cut_problem(adj, x, k, lower, upper)
    start = np.array([0, 0, 1, 1, 1, 0, 2, 2, 2, 2])
    out, optimal = split_flow(prob, start, (0, 1, 2), 10.0)
    assert out is not None and optimal
    assert contiguous(adj, out, k)
    assert np.allclose(np.bincount(out, weights=x, minlength=k), 8.0)
    assert cut_edges(adj, out) == optimum


def test_improve_only_returns_none_at_a_local_optimum() -> None:
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    prob = cut_problem(adj, x, 2, 24.0, 28.0)
    start = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
    best, _ = split_flow(prob, start, (0, 1), 10.0)
    assert best is not None
    again, proven = split_flow(prob, best, (0, 1), 10.0, improve=True)
    assert again is None and proven


def test_lns_reaches_the_optimum_from_the_worst_start() -> None:
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    k, lower, upper = 3, 52 / 3 - 2, 52 / 3 + 2
    optimum, worst = brute_force(adj, x, k, lower, upper, with_worst=True)
    prob = cut_problem(adj, x, k, lower, upper)
    assert cut_edges(adj, worst) > optimum
    # The work counter is per thread and cumulative: the limit is counted from now.
    prob.work_limit = work_ticks() + 5.0 * WORK_PER_SECOND
    out = exact_lns(prob, worst, prob.work_limit)
    assert cut_count(prob.lists, out) == cut_edges(adj, out) == optimum
    assert contiguous(adj, out, k)
    sums = np.bincount(out, weights=x, minlength=k)
    assert np.all((sums >= lower) & (sums <= upper))


def test_the_search_gives_the_same_plan_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.optimise.districting import lns

    calls: list[int] = []
    split = lns.split_flow

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return split(*args, **kwargs)

    monkeypatch.setattr(lns, "split_flow", counted)
    adj, xy = grid(8, 8)
    x = measures(64, seed=6)[:, 0]

    def run() -> np.ndarray:
        result = optimise_territories(
            x,
            adj,
            xy,
            4,
            tolerance=0.02,
            objective="cut_edges",
            seed=5,
            time_limit=2.0,
            exact=False,
        )
        assert result.feasible
        return result.assignment

    quiet = run()
    # The exact neighbourhoods ran (descent and perturbations), so the equality below is
    # theirs: deterministic time and counted model building, not a search that never ran.
    assert len(calls) >= 5
    with busy_machine():
        busy = run()
    assert np.array_equal(quiet, busy)


def test_split_without_the_lp_reaches_the_same_optimum() -> None:
    # The descent's second, longer solve of a hard group runs at linearization level 0.
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    k, lower, upper = 3, 52 / 3 - 2, 52 / 3 + 2
    optimum = brute_force(adj, x, k, lower, upper)
    prob = cut_problem(adj, x, k, lower, upper)
    start = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    out, optimal = split_flow(prob, start, (0, 1, 2), 10.0, linearization=0)
    assert out is not None and optimal
    assert cut_edges(adj, out) == optimum
    assert contiguous(adj, out, k)


def test_a_group_cut_by_its_limit_is_solved_once_more_then_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import lns

    calls: list[tuple[tuple[int, ...], int]] = []

    def timed_out(prob, plan, group, limit, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((tuple(group), kwargs.get("linearization", 1)))
        charge_cp_sat(limit / 100, kwargs.get("linearization", 1))
        return None, False  # neither a better split nor a proof within the limit

    def highs_timed_out(prob, plan, work_limit, group=None):  # type: ignore[no-untyped-def]
        calls.append((tuple(group), -1))
        return None, False

    monkeypatch.setattr(lns, "split_flow", timed_out)
    monkeypatch.setattr(lns.whole_mip, "solve_whole", highs_timed_out)
    adj, _ = grid(3, 4)
    x = np.ones(12)
    prob = cut_problem(adj, x, 3, 4.0, 4.0)
    plan = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    descent = lns._Descent(prob)
    limit = work_ticks() + 1000.0 * WORK_PER_SECOND
    assert np.array_equal(descent.run(plan, limit), plan)
    first = list(calls)
    groups = {g for g, _ in first}
    # Every pair: once with the LP, once more without it; the triple once with the LP, once
    # more on HiGHS (-1).
    pairs = [g for g in groups if len(g) == 2]
    assert sorted(first) == sorted(
        [(g, 1) for g in groups] + [(g, 0) for g in pairs] + [((0, 1, 2), -1)]
    )
    assert (0, 1, 2) in groups
    calls.clear()
    descent.run(plan, limit)
    assert calls == []  # nothing solved again on an unchanged plan


def test_cp_sat_is_charged_by_deterministic_time_at_the_measured_cpu_rate() -> None:
    before = work_ticks()
    charge_cp_sat(2.0, 1)
    with_lp = work_ticks() - before
    charge_cp_sat(2.0, 0)
    without = work_ticks() - before - with_lp
    assert with_lp == pytest.approx(2.0 * CPU_PER_DETERMINISTIC_SECOND[1] * WORK_PER_SECOND)
    assert without == pytest.approx(2.0 * CPU_PER_DETERMINISTIC_SECOND[0] * WORK_PER_SECOND)
    # A deterministic budget charged at that rate ends on the work limit.
    limit = work_ticks() + 3.0 * WORK_PER_SECOND
    charge_cp_sat(deterministic_budget(limit, 1), 1)
    assert work_ticks() == pytest.approx(limit)


def test_the_walk_solves_hard_groups_and_quadruples_only_once_it_is_stuck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import lns

    calls: list[str] = []
    split = lns.split_flow

    def recorded(prob, plan, group, limit, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("weights") is not None:
            calls.append("perturb")
        elif kwargs.get("linearization", 1) == 0 or len(group) == 4:
            calls.append("deep")
        elif len(group) == 3:
            assert limit <= lns.WALK_TRIPLE_LIMIT + 1e-9
            calls.append("triple")
        else:
            calls.append("pair")
        return split(prob, plan, group, limit, **kwargs)

    monkeypatch.setattr(lns, "split_flow", recorded)
    monkeypatch.setattr(lns, "WALK_PATIENCE", 3)
    monkeypatch.setattr(lns, "DEEP_FIRST_MAX_K", 3)  # four territories here
    adj, _ = grid(4, 5)
    x = measures(20, seed=3)[:, 0]
    k = 4
    prob = cut_problem(adj, x, k, 0.9 * x.sum() / k, 1.1 * x.sum() / k)
    start = optimise_territories(
        x,
        adj,
        np.zeros((20, 2)),
        k,
        tolerance=0.1,
        objective="cut_edges",
        seed=1,
        time_limit=0.5,
        exact=False,
        recombine=False,
    ).assignment
    calls.clear()
    prob.work_limit = work_ticks() + 4.0 * WORK_PER_SECOND
    out = exact_lns(prob, start, prob.work_limit)
    assert contiguous(adj, out, k) and cut_count(prob.lists, out) <= cut_count(prob.lists, start)
    assert "triple" in calls and "deep" in calls
    # Not in the first descent, and only after WALK_PATIENCE perturbations without a gain.
    first_deep = calls.index("deep")
    assert calls[:first_deep].count("perturb") >= lns.WALK_PATIENCE


def test_the_local_search_before_the_exact_search_is_charged_at_its_cpu_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import lns, solver

    adj, xy = grid(5, 5)
    x = measures(25, seed=2)[:, 0]
    counted: list[float] = []

    def record(prob, assignment, work_limit):  # type: ignore[no-untyped-def]
        counted.append(work_ticks() - (prob.work_limit - 3.0 * WORK_PER_SECOND))
        return assignment, False

    monkeypatch.setattr(lns, "exact_lns_proven", record)

    def run() -> None:
        optimise_territories(
            x,
            adj,
            xy,
            3,
            tolerance=0.05,
            objective="cut_edges",
            seed=4,
            time_limit=3.0,
            exact=False,
        )

    run()
    monkeypatch.setattr(solver, "LNS_LOCAL_SEARCH_RATE", 1.0)
    run()
    charged, counted_in_full = counted
    assert counted_in_full > 0
    # The same deterministic local search both times: only its charge differs.
    assert charged == pytest.approx(LNS_LOCAL_SEARCH_RATE * counted_in_full)
    assert LNS_LOCAL_SEARCH_RATE < 1.0


def test_the_exact_phase_never_returns_a_plan_worse_than_the_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import solver

    adj, xy = grid(4, 4)
    x = np.ones(16)
    calls: list[int] = []

    def worse(prob, hint):  # type: ignore[no-untyped-def]
        # A contiguous, balanced plan with 8 cut edges (the search finds 4), as CP-SAT
        # returns when its limit cuts it before it has completed the hint.
        calls.append(cut_count(prob.lists, hint))
        comb = np.array([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1])
        assert contiguous(adj, comb, 2) and cut_edges(adj, comb) == 8
        return comb, False, False

    monkeypatch.setattr(solver, "solve_exact", worse)
    search = solver.lns.exact_lns_proven

    def unproven(*args):  # type: ignore[no-untyped-def]
        # The search proves this small optimum; without its proof the exact phase runs.
        return search(*args)[0], False

    monkeypatch.setattr(solver.lns, "exact_lns_proven", unproven)
    result = optimise_territories(
        x, adj, xy, 2, tolerance=0.0, objective="cut_edges", seed=1, time_limit=2.0, exact=True
    )
    assert calls and result.feasible
    assert cut_edges(adj, result.assignment) == calls[0] == 4
