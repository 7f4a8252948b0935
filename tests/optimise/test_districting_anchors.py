"""Anchored territories of the cut-edge search (districting/anchors.py, lns.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.districting import anchors, lns
from planner.optimise.districting.anchors import anchor_units, anchored, feasible_sets
from planner.optimise.districting.lns import border_edges, split_flow
from planner.optimise.graph import Adjacency, connected_components, cut_edges
from tests.optimise.test_districting import grid
from tests.optimise.test_districting_lns import brute_force, contiguous, cut_problem

X = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)


def test_feasible_sets_are_every_connected_set_in_the_band_once() -> None:
    adj, _ = grid(3, 4)
    lower, upper = 52 / 3 - 2, 52 / 3 + 2
    prob = cut_problem(adj, X, 3, lower, upper)
    assert anchor_units(prob) == [5, 11]  # 9 and 8 of a lower band of 15.3, largest first
    expected = set()
    others = [i for i in range(12) if i != 5]
    for r in range(len(others) + 1):
        for extra in itertools.combinations(others, r):
            members = (5, *extra)
            mask = np.zeros(12, dtype=bool)
            mask[list(members)] = True
            total = X[list(members)].sum()
            if lower <= total <= upper and connected_components(adj, mask).max() == 0:
                expected.add(frozenset(members))
    found = feasible_sets(prob, 5)
    assert found is not None
    assert len(found) == len(set(found))  # each set once
    assert set(found) == expected
    assert len(expected) > 5


def test_enumeration_gives_up_past_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    adj, _ = grid(3, 4)
    prob = cut_problem(adj, X, 3, 52 / 3 - 2, 52 / 3 + 2)
    monkeypatch.setattr(anchors, "MAX_SETS", 2)
    assert feasible_sets(prob, 5) is None
    assert anchored(prob, np.zeros(12, dtype=np.int64)) == ([], {})


def test_an_anchor_with_a_single_set_decides_its_territory() -> None:
    # A path 0-1-2-3-4-5; unit 0 (9 of a band of exactly 10) can only be joined by unit 1.
    adj = Adjacency.from_edges(6, np.array([(i, i + 1) for i in range(5)]))
    x = np.array([9, 1, 3, 3, 2, 2], dtype=float)
    prob = cut_problem(adj, x, 2, 10.0, 10.0)
    plan = np.array([0, 0, 1, 1, 1, 1])
    decided, choices = anchored(prob, plan)
    assert decided == [(0, [0, 1])]
    assert choices == {}
    # The search leaves the decided territory alone and gives back the plan whole.
    out = lns.exact_lns(prob, plan, lns.WORK.ticks + 1e5)
    assert out.tolist() == plan.tolist()
    assert prob.movable.all() and prob.active.all()  # restored after the search


def test_a_split_choosing_the_anchors_set_whole_has_the_same_optimum() -> None:
    adj, _ = grid(3, 4)
    k, lower, upper = 3, 52 / 3 - 2, 52 / 3 + 2
    optimum = brute_force(adj, X, k, lower, upper)
    prob = cut_problem(adj, X, k, lower, upper)
    start = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 2])
    sets = feasible_sets(prob, 5)
    assert sets is not None
    plain, proven_plain = split_flow(prob, start, (0, 1, 2), 10.0)
    chosen, proven_chosen = split_flow(prob, start, (0, 1, 2), 10.0, choices={0: sets})
    assert plain is not None and chosen is not None and proven_plain and proven_chosen
    assert cut_edges(adj, plain) == cut_edges(adj, chosen) == optimum
    assert contiguous(adj, chosen, k)
    # The territory of the anchor's label is one of its sets.
    assert frozenset(np.flatnonzero(chosen == 0).tolist()) in set(sets)
    sums = np.bincount(chosen, weights=X, minlength=k)
    assert np.all((sums >= lower) & (sums <= upper))


def test_restarts_take_the_sets_with_the_fewest_border_edges_first() -> None:
    adj, _ = grid(3, 4)
    prob = cut_problem(adj, X, 3, 52 / 3 - 2, 52 / 3 + 2)
    sets = feasible_sets(prob, 5)
    assert sets is not None
    # A plan whose anchored territory has the most border edges of all its sets.
    worst = max(sets, key=lambda s: (border_edges(prob.lists, s), sorted(s)))
    plan = np.full(12, 1)
    plan[list(worst)] = 0
    picks = lns._restart_sets(prob, plan, {0: sets})
    assert 0 < len(picks) <= lns.ANCHOR_RESTARTS
    fewest = min(border_edges(prob.lists, s) for s in sets)
    assert border_edges(prob.lists, picks[0][1]) == fewest
    counts = [border_edges(prob.lists, s) for _, s in picks]
    assert counts == sorted(counts)
    assert all(c < border_edges(prob.lists, worst) for c in counts)
