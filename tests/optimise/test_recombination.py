"""Exact re-splits of neighbouring territories (districting/recombination.py)."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np

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
