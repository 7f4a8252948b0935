"""Exact re-splits of neighbouring territories (districting/recombination.py)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from planner.optimise.districting import WORK_PER_SECOND, work_ticks
from planner.optimise.districting.problem import Problem, band_z
from planner.optimise.districting.recombination import (
    CPU_PER_ROUND,
    CPU_PER_UNIT,
    SOLVE_CPU_PER_DETERMINISTIC_SECOND,
    charge_build,
    charge_solve,
    recombine,
    solve_budget,
    split_exact,
)
from planner.optimise.districting.state import State
from planner.optimise.graph import Adjacency, connected_components
from tests.optimise.test_districting import bare_problem, grid


def distance_problem(adj: Adjacency, xy: np.ndarray, x: np.ndarray, k: int, tol: float) -> Problem:
    mean = x.sum(axis=0) / k
    return bare_problem(
        x,
        adj,
        xy,
        np.tile(mean * (1 - tol), (k, 1)),
        np.tile(mean * (1 + tol), (k, 1)),
        np.tile(mean, (k, 1)),
    )


def violation(prob: Problem, a: np.ndarray) -> float:
    return State(prob, a).violation()


def contiguous(adj: Adjacency, a: np.ndarray, k: int) -> bool:
    return all(connected_components(adj, a == t).max() == 0 for t in range(k))


def comb() -> tuple[Adjacency, np.ndarray]:
    """A spine of 6 units with a chain of 2 below each, two pairs of chains joined at their
    ends: 18 units, mean degree 2.1, most units articulation points (like the sparse
    grid-like graphs)."""
    edges = [(i, i + 1) for i in range(5)] + [(7, 9), (13, 15)]
    xy = [(float(i), 0.0) for i in range(6)]
    for i in range(6):
        a, b = 6 + 2 * i, 7 + 2 * i
        edges += [(i, a), (a, b)]
        xy += [(float(i), -1.0), (float(i), -2.0)]
    return Adjacency.from_edges(18, np.array(edges)), np.array(xy)


def test_soft_split_finds_the_least_violation_of_every_contiguous_split() -> None:
    adj, xy = comb()
    rng = np.random.default_rng(3)
    x = np.column_stack([rng.uniform(1, 10, 18), rng.integers(1, 6, 18).astype(float)])
    prob = distance_problem(adj, xy, x, 2, 0.02)
    # Left half of the spine and its chains against the right: out of band.
    start = np.array([0, 0, 0, 1, 1, 1] + [0] * 6 + [1] * 6)
    before = violation(prob, start)
    # Every split, by violation; the first contiguous one is the best.
    splits = np.array(list(itertools.product((0, 1), repeat=18)))
    outside = np.zeros(len(splits))
    for t in (0, 1):
        z = np.abs(band_z((splits == t) @ x, prob.lower[t], prob.upper[t]))
        outside += np.maximum(z - 1.0, 0.0).sum(axis=1)
    best = next(
        outside[i] for i in np.argsort(outside, kind="stable") if contiguous(adj, splits[i], 2)
    )
    assert before > best + 1e-6, "the start is already the best split: the test shows nothing"
    out, optimal = split_exact(prob, start, (0, 1), 10.0, soft=True)
    assert out is not None and optimal
    assert contiguous(adj, out, 2)
    # Rounded measures (one half-width is SOFT_SCALE units) leave a tiny gap at most.
    assert violation(prob, out) <= best + 1e-3


def test_recombination_repairs_bands_by_whole_subtrees() -> None:
    adj, xy = grid(6, 6)
    rng = np.random.default_rng(5)
    x = np.column_stack(
        [rng.uniform(5, 15, 36), rng.integers(1, 10, 36).astype(float), rng.uniform(1, 3, 36)]
    )
    prob = distance_problem(adj, xy, x, 3, 0.05)
    # Three vertical strips of 1, 2 and 3 columns: far out of band.
    col = np.arange(36) % 6
    start = np.where(col < 1, 0, np.where(col < 3, 1, 2))
    z = np.abs(band_z(State(prob, start).values, prob.lower, prob.upper))
    assert (z > 1).any()
    out = recombine(prob, start, work_ticks() + 6 * WORK_PER_SECOND)
    assert contiguous(adj, out, 3)
    assert violation(prob, out) == 0.0


def test_recombination_charges_its_measured_cost_and_stops_at_its_limit() -> None:
    before = work_ticks()
    charge_solve(0.5)
    charge_build(200)
    expected = CPU_PER_ROUND + 0.5 * SOLVE_CPU_PER_DETERMINISTIC_SECOND + 200 * CPU_PER_UNIT
    assert math.isclose((work_ticks() - before) / WORK_PER_SECOND, expected)
    assert SOLVE_CPU_PER_DETERMINISTIC_SECOND > 1.0  # a deterministic second costs more CPU
    limit = work_ticks() + 1.0 * WORK_PER_SECOND
    assert math.isclose(
        solve_budget(limit, 5.0),
        (1.0 - CPU_PER_ROUND) / SOLVE_CPU_PER_DETERMINISTIC_SECOND,
        rel_tol=1e-9,
    )
    assert solve_budget(limit, 0.2) == 0.2

    adj, xy = grid(12, 12)
    rng = np.random.default_rng(7)
    x = np.column_stack([rng.uniform(5, 15, 144), rng.uniform(1, 3, 144)])
    prob = distance_problem(adj, xy, x, 4, 0.05)
    start = np.repeat(np.arange(4), 36)  # horizontal strips of three rows
    short = 0.3
    stop = work_ticks() + short * WORK_PER_SECOND
    recombine(dataclasses.replace(prob, rng=np.random.default_rng(0)), start, stop)
    # It stops within one round's fixed charge of its limit.
    assert work_ticks() <= stop + 2 * CPU_PER_ROUND * WORK_PER_SECOND


def sparse_grid(rows: int, cols: int, seed: int) -> tuple[Adjacency, np.ndarray, np.ndarray]:
    """A grid thinned to a random spanning tree plus a few other edges (mean degree about
    2.3, articulation points everywhere, as the sparse grid-like graphs of the benchmark),
    with three measures per unit."""
    rng = np.random.default_rng(seed)
    full, xy = grid(rows, cols)
    edges = full.edges()[rng.permutation(len(full.edges()))]
    parent = list(range(rows * cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    tree, rest = [], []
    for i, j in edges.tolist():
        if find(i) != find(j):
            parent[find(i)] = find(j)
            tree.append((i, j))
        else:
            rest.append((i, j))
    adj = Adjacency.from_edges(rows * cols, np.array(tree + rest[: rows * cols // 6]))
    accounts = rng.poisson(6.0, rows * cols) + 1.0
    x = np.column_stack(
        [
            accounts * rng.uniform(0.6, 1.8, len(accounts)),
            accounts * rng.lognormal(0, 0.6, len(accounts)),
            accounts,
        ]
    )
    return adj, xy, x


def test_create_mode_out_of_band_gives_the_recombination_the_second_half(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import optimise_territories, recombination

    adj, xy, x = sparse_grid(12, 12, seed=1)
    calls: list[tuple[float, float, int]] = []
    repair = recombination.recombine

    def recorded(prob: Problem, assignment: np.ndarray, work_limit: float) -> np.ndarray:
        missed = int(
            np.count_nonzero(
                np.abs(band_z(State(prob, assignment).values, prob.lower, prob.upper)) > 1 + 1e-9
            )
        )
        calls.append((work_ticks(), work_limit, missed))
        return repair(prob, assignment, work_limit)

    monkeypatch.setattr(recombination, "recombine", recorded)
    limit = 2.0
    start = work_ticks()
    # Bands of +/-0.2 %: out of reach of single moves on this graph for the whole limit.
    optimise_territories(x, adj, xy, 4, tolerance=0.002, seed=0, time_limit=limit, exact=False)
    assert len(calls) == 1
    at, until, missed = calls[0]
    assert missed > 0
    # The search ends at the share (one descent's overshoot at most); the rest is the repair's.
    share = recombination.MISSED_PERSIST_SHARE
    assert (at - start) / WORK_PER_SECOND < (share + 0.1) * limit
    assert math.isclose((until - start) / WORK_PER_SECOND, limit)
    # In band, the recombination keeps its three quarters (and the search its time) as before.
    calls.clear()
    start = work_ticks()
    optimise_territories(x, adj, xy, 4, tolerance=0.3, seed=0, time_limit=limit, exact=False)
    assert len(calls) == 1 and calls[0][2] == 0
    assert math.isclose((calls[0][1] - start) / WORK_PER_SECOND, 0.75 * limit)


def test_create_mode_out_of_band_repairs_more_than_the_search_alone() -> None:
    from planner.optimise.districting import optimise_territories

    adj, xy, x = sparse_grid(12, 12, seed=0)

    def excess(recombine: bool | None) -> float:
        result = optimise_territories(
            x, adj, xy, 5, tolerance=0.05, seed=0, time_limit=3.0, recombine=recombine, exact=False
        )
        assert result.contiguous.all()
        return float(np.maximum(np.abs(result.deviation_pct) - 5.0, 0.0).sum())

    alone = excess(False)
    assert alone > 0.0, "the search alone meets every band: the test shows nothing"
    # Half the limit of kicks, then soft-band re-splits: the same time, far less outside.
    assert excess(None) < 0.6 * alone


def test_soft_band_repair_gives_the_same_plan_under_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from planner.optimise.districting import optimise_territories, recombination
    from tests.optimise.test_reproducible import quiet_and_busy

    soft: list[bool] = []
    split = recombination.split_exact

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        soft.append(bool(args[4] if len(args) > 4 else kwargs.get("soft", False)))
        return split(*args, **kwargs)

    monkeypatch.setattr(recombination, "split_exact", counted)
    adj, xy, x = sparse_grid(12, 12, seed=1)

    def run() -> np.ndarray:
        return optimise_territories(
            x, adj, xy, 5, tolerance=0.05, seed=0, time_limit=2.0, exact=False
        ).assignment

    quiet, busy = quiet_and_busy(run)
    assert any(soft), "the run did not reach the soft-band re-splits"
    assert np.array_equal(quiet, busy)
