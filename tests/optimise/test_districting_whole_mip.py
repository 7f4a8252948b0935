"""The whole-problem cut-edge model on HiGHS (districting/whole_mip.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from planner.optimise.districting import (
    WORK_PER_SECOND,
    optimise_territories,
    whole_mip,
    work_ticks,
)
from planner.optimise.districting.lns import split_flow
from planner.optimise.districting.problem import Problem
from planner.optimise.graph import Adjacency, cut_edges
from tests.optimise.test_districting import grid
from tests.optimise.test_districting_lns import brute_force, contiguous, cut_problem
from tests.optimise.test_reproducible import busy_machine


def in_band(x: np.ndarray, a: np.ndarray, k: int, lower: float, upper: float) -> bool:
    sums = np.bincount(a, weights=x, minlength=k)
    return bool(np.all((sums >= lower - 1e-9) & (sums <= upper + 1e-9)))


def random_problem(
    rows: int, cols: int, k: int, tolerance: float, seed: int, high: int = 10
) -> tuple[Adjacency, np.ndarray, float, float, Problem]:
    """A rows x cols grid with random whole measures and bands of +-``tolerance``."""
    adj, _ = grid(rows, cols)
    x = np.random.default_rng(seed).integers(1, high, size=rows * cols).astype(float)
    lower, upper = x.sum() / k * (1 - tolerance), x.sum() / k * (1 + tolerance)
    return adj, x, lower, upper, cut_problem(adj, x, k, lower, upper)


@pytest.mark.parametrize(
    "x",
    [
        np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float),
        # One unit holds most of a band (the U-fixing roots a territory there), another far
        # from it most of another.
        np.array([9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8], dtype=float),
    ],
)
def test_the_model_proves_the_brute_force_optimum_from_the_worst_plan(x: np.ndarray) -> None:
    adj, _ = grid(3, 4)
    k = 3
    lower, upper = x.sum() / k - 2, x.sum() / k + 2
    optimum, worst = brute_force(adj, x, k, lower, upper, with_worst=True)
    prob = cut_problem(adj, x, k, lower, upper)
    assert cut_edges(adj, worst) > optimum
    out, proven = whole_mip.solve_whole(prob, worst, work_ticks() + 20 * WORK_PER_SECOND)
    assert out is not None and proven
    assert cut_edges(adj, out) == optimum
    assert contiguous(adj, out, k) and in_band(x, out, k, lower, upper)


def test_the_model_agrees_with_the_cp_sat_split_on_a_larger_grid() -> None:
    k = 3
    adj, x, lower, upper, prob = random_problem(4, 6, k, 0.03, seed=3)
    start = np.repeat(np.arange(3), 8)  # columns 0-1, 2-3, 4-5 of each row: not contiguous
    exact, exact_proven = split_flow(prob, start, (0, 1, 2), 60.0)
    assert exact is not None and exact_proven
    out, proven = whole_mip.solve_whole(prob, exact, work_ticks() + 60 * WORK_PER_SECOND)
    assert out is not None and proven
    assert cut_edges(adj, out) == cut_edges(adj, exact)
    assert contiguous(adj, out, k) and in_band(x, out, k, lower, upper)


def test_a_budget_too_small_for_the_root_leaves_the_plan() -> None:
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    prob = cut_problem(adj, x, 3, 52 / 3 - 2, 52 / 3 + 2)
    plan = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    start = work_ticks()
    assert whole_mip.solve_whole(prob, plan, start + 1.0) == (None, False)
    assert work_ticks() - start < 0.1 * WORK_PER_SECOND  # building the model, not a solve


def test_territories_that_are_not_interchangeable_are_left_to_the_search() -> None:
    adj, _ = grid(3, 4)
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
    prob = cut_problem(adj, x, 3, 52 / 3 - 2, 52 / 3 + 2)
    plan = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    prob.movable[5] = False  # a locked unit: labels are no longer interchangeable
    assert whole_mip.solve_whole(prob, plan, work_ticks() + 20 * WORK_PER_SECOND) == (
        None,
        False,
    )


def test_the_node_limit_gives_the_same_outcome_and_charge_on_a_busy_machine() -> None:
    _, _, _, _, prob = random_problem(6, 7, 3, 0.005, seed=11, high=20)
    plan = np.repeat(np.arange(3), 14)
    seed, _ = split_flow(prob, plan, (0, 1, 2), 5.0)
    assert seed is not None

    def run() -> tuple[np.ndarray | None, bool, float]:
        prob.wall_deadline = time.perf_counter() + 600  # the safety net well out of reach
        start = work_ticks()
        # A budget of a few hundred nodes (about 240 for the model's 502 columns): the
        # solve stops on its node limit, not on a proof.
        out, proven = whole_mip.solve_whole(
            prob, seed, start + 40 * whole_mip.CPU_PER_NODE_COLUMN * 3000 * WORK_PER_SECOND
        )
        return out, proven, work_ticks() - start

    quiet = run()
    with busy_machine():
        busy = run()
    assert not quiet[1] and not busy[1]
    assert quiet[2] == pytest.approx(busy[2], rel=1e-12)
    assert quiet[0] is not None and busy[0] is not None
    assert np.array_equal(quiet[0], busy[0])
    assert quiet[2] > 0


def test_the_search_proves_a_three_territory_optimum_with_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []
    solve = whole_mip.solve_whole

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = solve(*args, **kwargs)
        calls.append(out[1])
        return out

    monkeypatch.setattr(whole_mip, "solve_whole", counted)
    adj, xy = grid(5, 6)
    x = np.random.default_rng(11).integers(1, 20, size=30).astype(float)
    result = optimise_territories(
        x, adj, xy, 3, tolerance=0.02, objective="cut_edges", seed=0, time_limit=30.0
    )
    assert result.feasible and result.proven_optimal
    assert calls == [True]


def test_a_triple_cp_sat_cannot_settle_is_solved_on_highs(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.optimise.districting import lns

    k = 4
    adj, x, lower, upper, prob = random_problem(4, 6, k, 0.1, seed=5)
    split = lns.split_flow
    triples: list[tuple[int, ...]] = []

    def no_triples(prob, plan, group, limit, **kwargs):  # type: ignore[no-untyped-def]
        if len(group) >= 3:
            return None, False  # CP-SAT cut by its limit on every triple
        return split(prob, plan, group, limit, **kwargs)

    solve = whole_mip.solve_whole

    def counted(prob, plan, work_limit, group=None):  # type: ignore[no-untyped-def]
        triples.append(group)
        return solve(prob, plan, work_limit, group=group)

    # A contiguous plan in band, far from the fewest cut edges: a split with random weights.
    rng = np.random.default_rng(0)
    weights = {(i, j): int(rng.integers(1, 11)) for i in range(24) for j in prob.lists[i] if i < j}
    start, _ = split(prob, np.repeat(np.arange(4), 6), (0, 1, 2, 3), 10.0, weights=weights)
    assert start is not None
    monkeypatch.setattr(lns, "split_flow", no_triples)
    monkeypatch.setattr(whole_mip, "solve_whole", counted)
    descent = lns._Descent(prob)
    descent.max_level = 4
    out = descent.run(start, work_ticks() + 200 * WORK_PER_SECOND)
    assert triples and all(g is not None and len(g) == 3 for g in triples)
    assert contiguous(adj, out, k) and in_band(x, out, k, lower, upper)
    # Every connected triple of the result is now settled: HiGHS finds nothing better.
    monkeypatch.setattr(whole_mip, "solve_whole", solve)
    nbrs = lns.territory_graph(prob.lists, out, set(range(k)))
    for group in lns.groups_of(nbrs, 3):
        better, proven = whole_mip.solve_whole(
            prob, out, work_ticks() + 60 * WORK_PER_SECOND, group=group
        )
        assert proven and better is not None
        assert cut_edges(adj, better) == cut_edges(adj, out)


def test_a_hard_triple_with_a_locked_unit_stays_on_cp_sat(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.optimise.districting import lns

    adj, _ = grid(3, 4)
    prob = cut_problem(adj, np.ones(12), 3, 4.0, 4.0)
    prob.movable[0] = False  # the territories are no longer interchangeable
    plan = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    calls: list[tuple[int, int]] = []

    def timed_out(prob, plan, group, limit, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((len(group), kwargs.get("linearization", 1)))
        return None, False

    def not_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the model cannot state this triple")

    monkeypatch.setattr(lns, "split_flow", timed_out)
    monkeypatch.setattr(whole_mip, "solve_whole", not_here)
    lns._Descent(prob).run(plan, work_ticks() + 100 * WORK_PER_SECOND)
    assert (3, 1) in calls and (3, 0) in calls  # the second solve is CP-SAT's, without the LP


def test_a_unit_past_the_upper_band_gives_no_plan_not_an_error() -> None:
    adj, _ = grid(3, 4)
    x = np.array([30, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)
    prob = cut_problem(adj, x, 3, 12.0, 15.0)  # unit 0 alone passes the upper band
    plan = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    assert whole_mip.solve_whole(prob, plan, work_ticks() + 20 * WORK_PER_SECOND) == (
        None,
        False,
    )
