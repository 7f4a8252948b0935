"""Transfers across the territory graph: chains chosen whole, and the one-hop relaxation."""

from __future__ import annotations

import numpy as np
import pytest

from planner.models.graph import Adjacency
from planner.optimise.decompose import (
    BoundaryRepair,
    territory_pieces,
    transfer_relaxation,
    transfer_rounds,
)
from planner.optimise.transfer import any_move_relaxation, choose_chain_moves, plan_count_moves
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


def test_the_any_move_relaxation_proves_a_band_out_of_reach_and_finds_the_least_miss() -> None:
    # A (6 units of 2) is 2 over its band of 9–11, C (4 units) 2 under: one unit from A to
    # C (any distance: the relaxation has no contiguity) brings both in. In fractions,
    # f units move 2 f: A and C each lie 1 − 2 f outside until f = 1/2.
    _adj, x, a, k = chain_of_three()
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    weight = np.ones(a.size)
    enough = any_move_relaxation(x, a, k, lo, hi, weight, budget=0.5)
    assert not enough.infeasible and enough.violation < 1e-9 and enough.short == 0
    assert enough.moved == pytest.approx(0.5)
    short = any_move_relaxation(x, a, k, lo, hi, weight, budget=0.25)
    assert short.infeasible and short.short == 2
    assert short.violation == pytest.approx(2 * (1 - 2 * 0.25))
    # The per-rep limit binds as the budget does: C may take a quarter of a unit (8.5,
    # half a half-width short); A unloads the rest onto B (10 → 11, its upper edge).
    churn = np.array([np.inf, np.inf, 0.25])
    capped = any_move_relaxation(x, a, k, lo, hi, weight, churn_left=churn)
    assert capped.infeasible and capped.short == 1
    assert capped.violation == pytest.approx(0.5)
    # A measure left out is not balanced: with only a measure every territory meets, the
    # relaxation has nothing to do.
    two = np.column_stack([x[:, 0], 1.0 / np.bincount(a)[a]])  # 1 per territory
    lo2 = np.column_stack([lo, np.full((k, 1), 0.5)])
    hi2 = np.column_stack([hi, np.full((k, 1), 1.5)])
    only = any_move_relaxation(two, a, k, lo2, hi2, weight, measures=(1,), budget=0.0)
    assert not only.infeasible and only.measures == (1,)


def test_the_any_move_relaxation_pools_units_without_losing_a_plan() -> None:
    # Units of very different ratios (potential per account): the territory short of
    # potential is brought in only by the high-ratio units, which the pools must keep
    # apart from the low-ratio ones (a pool mixing them would still allow it: a bound).
    rng = np.random.default_rng(3)
    n, k = 60, 3
    a = np.repeat(np.arange(k), n // k).astype(np.int64)
    accounts = rng.integers(5, 15, n).astype(float)
    ratio = np.where(rng.random(n) < 0.2, 5.0, 1.0)
    x = np.column_stack([accounts * ratio, accounts])
    values = np.column_stack([np.bincount(a, weights=x[:, j], minlength=k) for j in range(2)])
    target = values.mean(axis=0)
    lo, hi = np.tile(target * 0.97, (k, 1)), np.tile(target * 1.03, (k, 1))
    free = any_move_relaxation(x, a, k, lo, hi, accounts)
    assert not free.infeasible
    none = any_move_relaxation(x, a, k, lo, hi, accounts, budget=0.0)
    outside = np.maximum(values - hi, 0) + np.maximum(lo - values, 0)
    assert none.violation == pytest.approx(float((outside / (0.03 * target)).sum()), rel=1e-6)
    assert none.infeasible == bool(outside.sum() > 0)
    # Deterministic.
    assert any_move_relaxation(x, a, k, lo, hi, accounts, budget=50.0) == any_move_relaxation(
        x, a, k, lo, hi, accounts, budget=50.0
    )


def test_relaxations_of_more_hops_reach_further() -> None:
    # B may not change at all (per-rep limit 0): no one-hop plan moves anything from A to
    # C, while a unit passing over B (two hops), or any unit anywhere, brings both in.
    adj, x, a, k = chain_of_three()
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    repair = BoundaryRepair(
        adj,
        x,
        a.copy(),
        k,
        lo,
        hi,
        current=a,
        dweight=np.ones(adj.n),
        churn_budget=np.array([10.0, 0.0, 10.0]),
    )
    one = transfer_relaxation(repair, any_move=True)
    assert one.hops == 1 and not one.all_reachable and one.at_baseline
    assert one.any_move is not None and not one.any_move.infeasible
    two = transfer_relaxation(repair, hops=2)
    assert two.hops == 2 and two.all_reachable and two.in_band == k
    assert two.candidates > one.candidates


def test_the_counting_programme_plans_a_chain_and_brings_every_territory_in() -> None:
    adj, x, a, k = chain_of_three()
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=np.ones(adj.n))
    units, frm, to, passed, parent = repair.border_moves()
    args = (repair.values(), lo, hi, units, frm, to, passed, np.ones(units.size))
    share, counted = plan_count_moves(*args, parent=parent)
    assert counted == 3
    order = np.lexsort((np.arange(share.size), -share))
    repair.make(units, frm, to, order[share[order] >= 0.5], parent)
    after = repair.assignment()
    assert in_band(x, after, k, lo[:, 0], hi[:, 0]).all()
    assert territory_pieces(adj, after, k).tolist() == [1, 1, 1]
    # A budget of one unit cannot pay for the chain (in fractions, C can be brought in
    # with B staying in band, not all three); nothing is planned that pushes B out.
    share, counted = plan_count_moves(*args, budget=1.0, parent=parent)
    assert counted == 2
    assert (share * 1.0).sum() <= 1.0 + 1e-6
    after_values = repair_values_after(args[0], frm, to, passed, share)
    assert 9.0 - 1e-6 <= after_values[1, 0] <= 11.0 + 1e-6
    # Deterministic: the same model gives the same plan.
    again, _ = plan_count_moves(*args, budget=1.0, parent=parent)
    assert np.array_equal(share, again)


def repair_values_after(
    values: np.ndarray, frm: np.ndarray, to: np.ndarray, passed: np.ndarray, share: np.ndarray
) -> np.ndarray:
    after = values.copy()
    np.add.at(after, frm, -share[:, None] * passed)
    np.add.at(after, to, share[:, None] * passed)
    return after


def test_the_counting_programme_brings_whole_territories_in_with_a_small_budget() -> None:
    """Two pairs of territories, each 2 out of band (12 and 8 against 9–11): one unit
    across each pair's border brings both of the pair in; the budget pays for one unit.
    The count is won by moving a whole unit of one pair, not half a unit of each."""
    n = 20
    edges = [[i, i + 1] for i in range(9)] + [[i, i + 1] for i in range(10, 19)]
    adj = Adjacency.from_edges(n, np.array(edges))
    a = np.array([0] * 6 + [1] * 4 + [2] * 6 + [3] * 4, dtype=np.int64)
    x = np.full((n, 1), 2.0)
    k = 4
    lo, hi = np.full((k, 1), 9.0), np.full((k, 1), 11.0)
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=np.ones(n))
    units, frm, to, passed, parent = repair.border_moves()
    share, counted = plan_count_moves(
        repair.values(), lo, hi, units, frm, to, passed, np.ones(units.size), budget=1.0
    )
    assert counted == 2
    assert (share * 1.0).sum() <= 1.0 + 1e-6
    order = np.lexsort((np.arange(share.size), -share))
    made = repair.make(units, frm, to, order[share[order] >= 0.5], parent)
    assert made == 1
    assert in_band(x, repair.assignment(), k, lo[:, 0], hi[:, 0]).sum() == 2


def test_counted_transfers_bring_a_regional_change_in_band_within_the_budgets() -> None:
    adj, xy, x0, a, k = block_plan()
    x = market_change(x0, xy, (80.0, 80.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    weight = x[:, 2]
    budget = 0.10 * weight.sum()
    churn = np.full(k, 0.25 * weight.sum() / k)
    before = in_band(x, a, k, lo, hi).sum()
    assert before < k
    repair = BoundaryRepair(
        adj, x, a.copy(), k, lo, hi, current=a, dweight=weight, budget=budget, churn_budget=churn
    )
    made = transfer_rounds(repair, count_rounds=8)
    assert made > 0
    assert in_band(x, repair.assignment(), k, lo, hi).sum() >= k - 2
    repair.run(max_evals=100_000)  # whole units: the last steps the programme planned in part
    after = repair.assignment()
    assert in_band(x, after, k, lo, hi).all()
    assert weight[after != a].sum() <= budget + 1e-9
    assert (repair.churn <= churn + 1e-9).all()
    assert territory_pieces(adj, after, k).tolist() == [1] * k
    # Once every territory is in band the rounds stop: no move for its own sake.
    assert transfer_rounds(repair, count_rounds=8) == 0


def test_the_counting_programme_stops_when_its_counted_work_is_spent() -> None:
    adj, xy, x0, a, k = block_plan(4, 3, 6, seed=1)
    x = market_change(x0, xy, (30.0, 30.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    weight = x[:, 2]

    def repair() -> BoundaryRepair:
        return BoundaryRepair(
            adj, x, a.copy(), k, lo, hi, current=a, dweight=weight, budget=0.01 * weight.sum()
        )

    linear, spent, counted = repair(), repair(), repair()
    transfer_rounds(linear)
    # (A budget too small for every territory: the rounds do not stop for being done.)
    assert not in_band(x, linear.assignment(), k, lo, hi).all()
    # No work left: the linear programme plans every round, the same plan as without.
    left = [0.0]
    transfer_rounds(spent, count_rounds=8, count_work=left)
    assert left == [0.0]
    assert np.array_equal(spent.assignment(), linear.assignment())
    # With work left, the counting programme plans and its work is taken from what is left.
    left = [1e12]
    transfer_rounds(counted, count_rounds=8, count_work=left)
    assert left[0] < 1e12


def counting_case() -> tuple[BoundaryRepair, tuple, dict, np.ndarray, int]:
    """The block plan after a regional change (14 of 24 in band), 10 % budget, 25 % per rep."""
    adj, xy, x0, a, k = block_plan()
    x = market_change(x0, xy, (80.0, 80.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    weight = x[:, 2]
    repair = BoundaryRepair(
        adj,
        x,
        a.copy(),
        k,
        lo,
        hi,
        current=a,
        dweight=weight,
        budget=0.1 * weight.sum(),
        churn_budget=np.full(k, 0.25 * weight.sum() / k),
    )
    units, frm, to, passed, parent = repair.border_moves()
    args = (repair.values(), lo, hi, units, frm, to, passed, weight[units])
    kw = {"budget": repair.budget, "churn_left": repair.churn_budget - repair.churn}
    kw["parent"] = parent
    return repair, args, kw, x, int(in_band(x, a, k, lo, hi).sum())


def test_the_whole_counting_programme_keeps_its_plan_when_the_node_limit_stops_it() -> None:
    _, args, kw, _, now = counting_case()
    assert now == 14
    # Stopped before any node: the start it was given (no move; the territories in band
    # now counted) is kept, not lost (OR-Tools' wrapper returned no solution there).
    stats: dict[str, int] = {}
    share, counted = plan_count_moves(*args, **kw, whole=True, aim=1.0, nodes=0, stats=stats)
    assert (counted, stats["nodes"], stats["optimal"]) == (now, 0, 0)
    assert not share.any()
    # With nodes to spend: whole moves (no fraction) that bring every territory in.
    share, counted = plan_count_moves(*args, **kw, whole=True, aim=1.0, stats=stats)
    assert counted == 24 and stats["optimal"] == 1
    assert np.all((np.abs(share) < 1e-9) | (np.abs(share - 1.0) < 1e-9))


def test_whole_counting_rounds_make_their_plan_and_stop_without_counted_work() -> None:
    repair, _, _, x, now = counting_case()
    k = repair.k
    lo, hi = repair.mid - repair.half, repair.mid + repair.half
    start = repair.assignment()
    assert transfer_rounds(repair, count_rounds=4, count_work=[0.0], whole=True) == 0
    assert np.array_equal(repair.assignment(), start)
    left = [1e12]
    made = transfer_rounds(repair, count_rounds=4, count_work=left, whole=True)
    assert made > 0 and left[0] < 1e12
    after = repair.assignment()
    assert in_band(x, after, k, lo, hi).sum() > now
    assert (repair.churn <= repair.churn_budget + 1e-9).all()
    assert repair.spent <= repair.budget + 1e-9
    assert territory_pieces(repair_adjacency(repair), after, k).tolist() == [1] * k


def repair_adjacency(repair: BoundaryRepair) -> Adjacency:
    return Adjacency.from_edges(len(repair.lists), repair.edges)


def test_the_counting_programme_prints_nothing() -> None:
    """HiGHS prints a banner when the first solver of a process is made: a process of its
    own, so nothing else has made one before."""
    code = (
        "from tests.optimise.test_transfer import counting_case\n"
        "from planner.optimise.transfer import plan_count_moves\n"
        "_, args, kw, _, _ = counting_case()\n"
        "assert plan_count_moves(*args, **kw)[1] >= 0\n"
    )
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout == ""


def test_solve_with_highs_refuses_an_unknown_option() -> None:
    from ortools.linear_solver import pywraplp

    from planner.optimise.highs_mip import solve_with_highs

    solver = pywraplp.Solver("t", pywraplp.Solver.CBC_MIXED_INTEGER_PROGRAMMING)
    v = solver.IntVar(0.0, 3.0, "")
    solver.Maximize(v)
    got = solve_with_highs(solver, node_limit=10, options={"mip_heuristic_run_rins": False})
    assert got.status == "optimal" and got.objective == pytest.approx(3.0)
    with pytest.raises(ValueError, match="no_such_option"):
        solve_with_highs(solver, node_limit=10, options={"no_such_option": 1})
