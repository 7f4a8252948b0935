"""Transfers across the territory graph: chains chosen whole, and the one-hop relaxation."""

from __future__ import annotations

import numpy as np

from planner.models.graph import Adjacency
from planner.optimise.decompose import BoundaryRepair, territory_pieces, transfer_relaxation
from planner.optimise.transfer import choose_chain_moves
from tests.optimise.test_decompose import block_plan, in_band, market_change


def chain_of_three() -> tuple[Adjacency, np.ndarray, np.ndarray, int]:
    """Three territories along a path of 15 units, 2 each: A = 6 units, B = 5, C = 4.

    Against a band of 9–11, A is 2 over and C 2 under; B is in band. A's last unit alone
    to B pushes B out; B's last unit alone to C pulls B out: only both together bring
    every territory in.
    """
    n = 15
    adj = Adjacency.from_edges(n, np.array([[i, i + 1] for i in range(n - 1)]))
    a = np.array([0] * 6 + [1] * 5 + [2] * 4, dtype=np.int64)
    x = np.full((n, 1), 2.0)
    return adj, x, a, 3


def test_a_chain_is_chosen_whole_and_ends_in_band() -> None:
    adj, x, a, k = chain_of_three()
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=np.ones(adj.n))
    units, frm, to, passed, parent = repair.border_moves()
    # Every move of a border unit is planned in full (as a linear programme could).
    share = np.ones(units.size)
    chosen, expected = choose_chain_moves(
        repair.values(),
        lo,
        hi,
        units,
        frm,
        to,
        passed,
        np.ones(units.size),
        share,
        repair.lists,
        repair.a,
        parent=parent,
    )
    assert expected == 3
    picked = {(int(units[c]), int(to[c])) for c in chosen}
    assert picked == {(5, 1), (10, 2)}  # A's last unit to B, B's last unit to C
    repair.make(units, frm, to, chosen, parent)
    after = repair.assignment()
    assert in_band(x, after, k, lo[:, 0], hi[:, 0]).all()
    assert territory_pieces(adj, after, k).tolist() == [1, 1, 1]


def test_the_chain_programme_keeps_the_budget_and_lands_units_next_to_their_territory() -> None:
    adj, x, a, k = chain_of_three()
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=np.ones(adj.n))
    units, frm, to, passed, parent = repair.border_moves(depth=2)
    args = (repair.values(), lo, hi, units, frm, to, passed, np.ones(units.size))
    share = np.ones(units.size)
    # A budget of one unit: the chain (two moves) cannot be made, nothing further out.
    chosen, _ = choose_chain_moves(*args, share, repair.lists, repair.a, budget=1.0, parent=parent)
    assert chosen.size <= 1
    # A unit one deeper may only go with the unit between it and the border.
    chosen, _ = choose_chain_moves(*args, share, repair.lists, repair.a, parent=parent)
    made = set(chosen.tolist())
    for c in made:
        if parent[c] >= 0:
            assert int(parent[c]) in made
    # Deterministic: the same inputs give the same choice in the same order.
    again, _ = choose_chain_moves(*args, share, repair.lists, repair.a, parent=parent)
    assert np.array_equal(chosen, again)


def test_the_relaxation_says_whether_every_territory_can_reach_its_band() -> None:
    adj, xy, x0, a, k = block_plan(4, 3, 6, seed=1)
    x = market_change(x0, xy, (30.0, 30.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    now = int(in_band(x, a, k, lo, hi).sum())
    assert now < k
    weight = x[:, 2]

    def relax(budget: float) -> object:
        repair = BoundaryRepair(
            adj, x, a.copy(), k, lo, hi, current=a, dweight=weight, budget=budget
        )
        return transfer_relaxation(repair)

    free = relax(np.inf)
    assert free.all_reachable and free.in_band == k and free.in_band_now == now
    stuck = relax(0.0)
    assert not stuck.all_reachable and stuck.in_band == now and stuck.disruption == 0.0
