"""Recursive bisection start for the fewest cut edges (districting/bisection.py)."""

from __future__ import annotations

import time

import numpy as np

from planner.optimise.districting.bisection import bisect
from planner.optimise.districting.lns import split_flow
from planner.optimise.districting.problem import Problem
from planner.optimise.graph import Adjacency, connected_components, cut_edges
from tests.optimise.test_districting import bare_problem, grid


def uniform_problem(adj: Adjacency, coords: np.ndarray, k: int, size: float) -> Problem:
    n = adj.n
    return bare_problem(
        np.ones((n, 1)),
        adj,
        coords,
        np.full((k, 1), size),
        np.full((k, 1), size),
        np.full((k, 1), size),
        objective="cut_edges",
        wall_deadline=time.perf_counter() + 60,
    )


def test_split_flow_takes_the_bands_it_is_given() -> None:
    adj, coords = grid(3, 4)
    prob = uniform_problem(adj, coords, 2, 6.0)
    start = np.repeat([0, 1], 6)
    plain, _ = split_flow(prob, start, (0, 1), 10.0)
    assert plain is not None
    assert np.bincount(plain, minlength=2).tolist() == [6, 6]
    bands = {0: (np.array([8.0]), np.array([8.0])), 1: (np.array([4.0]), np.array([4.0]))}
    wide, optimal = split_flow(prob, start, (0, 1), 10.0, bands=bands)
    assert wide is not None and optimal
    assert np.bincount(wide, minlength=2).tolist() == [8, 4]
    # Four cells of a 3 x 4 grid (a corner square or a whole row) touch the rest by 4 edges.
    assert cut_edges(adj, wide) == 4


def test_bisection_cuts_a_square_into_quadrants() -> None:
    adj, coords = grid(6, 6)
    prob = uniform_problem(adj, coords, 4, 9.0)
    # The start is a plan of strips: the bisection ignores its layout.
    strips = np.repeat(np.arange(4), 9)
    out = bisect(prob, strips, 10.0, split_flow)
    assert out is not None
    assert np.bincount(out, minlength=4).tolist() == [9, 9, 9, 9]
    assert all(connected_components(adj, out == t).max() == 0 for t in range(4))
    # Four 3 x 3 quadrants: two straight cuts of 6 edges, the fewest for four equal parts.
    assert cut_edges(adj, out) == 12 < cut_edges(adj, strips)


def test_bisection_leaves_locked_units_alone() -> None:
    adj, coords = grid(4, 4)
    prob = uniform_problem(adj, coords, 4, 4.0)
    plan = np.repeat(np.arange(4), 4)
    prob.movable[0] = False
    assert bisect(prob, plan, 10.0, split_flow) is None
    # Territories outside the active ones keep their units.
    prob.movable[0] = True
    prob.active[3] = False
    out = bisect(prob, plan, 10.0, split_flow)
    assert out is not None
    assert (out[plan == 3] == 3).all()
    assert np.bincount(out, minlength=4).tolist() == [4, 4, 4, 4]
