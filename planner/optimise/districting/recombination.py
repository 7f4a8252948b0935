"""Recombination: merge two or three adjacent territories and split them again, exactly.

The local search moves one unit (or a short chain) at a time; on county graphs its plans sat
17-25 % above the proven fewest cut edges, because better plans differ from it by whole
regions changing hands. Recombination (the idea behind GerryChain's ReCom chain, with the
random spanning-tree split replaced by an exact one) takes the units of two adjacent
territories, or of three mutually adjacent ones, and re-splits them with the exact CP-SAT
model (:mod:`.exact`: hard bands, flow contiguity, the run's objective) restricted to those
units. Everything else stays, so the subproblem is small (tens of units at county scale) and
usually solved to optimality within a fraction of a second; a split is kept when the whole
plan's score improves. A pair (or triple) whose members did not change since it was last
solved optimally is not solved again, so the loop ends when every pair is locally optimal.

The split is solved by cutting planes rather than a flow model: CP-SAT first splits without
contiguity (fewest cut edges, or least distance, under hard bands); a territory found in
pieces gets separator constraints (for a piece ``C`` and a unit ``b`` of another piece of
the same territory: if both ends are in the territory, so is one unit of ``C``'s
neighbourhood; Validi & Buchanan's a,b-separator inequalities), and the split is solved
again until it is connected. Fewest cut edges rarely splits a territory, so this takes one
to three rounds; the flow model it replaces took seconds per pair without proving optimality.

Each subproblem runs on one worker bounded by CP-SAT's deterministic time, which is charged
to the run's work counter, so the same seed gives the same plan under any load. The charge
is the CPU time those solves were measured to take (``SOLVE_CPU_PER_DETERMINISTIC_SECOND``
and the constants beside it): one deterministic second charged as one second let a "60 s"
run take 68 s of CPU.

A group with a territory out of band is re-split too, with the bands soft: the split then
minimises the distance outside the bands (in half-widths, as the search's violation), so a
surplus on one side of a border can pay a shortfall on the other by whole subtrees, which
single moves on a sparse graph (articulation points everywhere) cannot do. In create mode
``solver.py`` stops the local search and its kicks at ``MISSED_PERSIST_SHARE`` of the limit
while bands are missed and gives this repair the rest; until every band is met only the
groups out of band are re-split.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time

import numpy as np

from planner.models.graph import pieces as graph_pieces
from planner.optimise.districting.problem import (
    WORK,
    WORK_PER_SECOND,
    BoolArray,
    IntArray,
    Problem,
    band_z,
    measure_scale,
)
from planner.optimise.districting.state import State, score_of

#: Deterministic seconds (CP-SAT) per subproblem: pairs, then triples.
PAIR_LIMIT = 1.0
TRIPLE_LIMIT = 3.0
#: Subproblems larger than this many units are skipped (the flow model grows with them).
MAX_SUBPROBLEM_UNITS = 400

# What the recombination costs in CPU, charged to the work counter from deterministic
# quantities only (CP-SAT's deterministic time, rounds, subproblem sizes), so the charge does
# not depend on the load. Measured with the thread's CPU clock per subproblem on the tuning
# instances of ``bench/multi_measure.py`` (planar-0, planar-1, grid-0, grid-1 with contiguity
# required, planar-1 off: 1,320 subproblems, 1,880 solves, load 4-5), presolve off: a solve
# took 1.3 s of CPU per deterministic second plus 8 ms (about 1.4-1.5 s per deterministic
# second on solves of 0.1 s or more), building a subproblem, its cuts and the trial plan's
# score 0.08-0.1 ms per unit. The constants below charge 1.00-1.40 times the CPU measured
# per instance, so that CPU stays within the limit. One deterministic second charged as one
# second (with presolve, 1.7-2.1 s of CPU per deterministic second plus 11 ms a solve) let
# a "60 s" run take 68 s of CPU. Cuts cost besides (building them, and copying the larger
# model every later round): 15 us per term of the cuts added, measured on the soft-band
# splits of a tuning grid (grid-5, 263 subproblems, load 5-11; a second run, 7 % more
# CPU than charged at 20 us, says 22 us), charged at 30 us.
SOLVE_CPU_PER_DETERMINISTIC_SECOND = 1.5
CPU_PER_ROUND = 0.009
CPU_PER_UNIT = 1.1e-4
CPU_PER_CUT_TERM = 3e-5
#: Scale of a measure in the soft-band model: one band half-width is this many integer units
#: (the model's bands are narrowed by the rounding's largest sum, about 0.5 % of a
#: half-width on 200 units; a split is kept only when the true score improves).
SOFT_SCALE = 10_000
SOFT_MIN_HALF = 1e-3


def charge_solve(deterministic_time: float) -> None:
    """Charge one round of a subproblem (a solve and its cuts) at its measured CPU cost."""
    cpu = CPU_PER_ROUND + max(float(deterministic_time), 0.0) * (
        SOLVE_CPU_PER_DETERMINISTIC_SECOND * WORK.speed
    )
    WORK.ticks += cpu * WORK_PER_SECOND


def charge_cuts(terms: int) -> None:
    """Charge adding cuts of ``terms`` terms in all (building them, and the larger model
    every later round of the same subproblem copies and solves)."""
    WORK.ticks += CPU_PER_CUT_TERM * terms * WORK_PER_SECOND


def charge_build(units: int) -> None:
    """Charge building a subproblem of ``units`` units and scoring its result."""
    WORK.ticks += CPU_PER_UNIT * units * WORK_PER_SECOND


def solve_budget(work_limit: float, cap: float) -> float:
    """Deterministic seconds a subproblem may use so that its charge (one round's fixed cost
    included) ends by ``work_limit``; at most ``cap``."""
    left = (work_limit - WORK.ticks) / WORK_PER_SECOND - CPU_PER_ROUND
    return min(cap, left / (SOLVE_CPU_PER_DETERMINISTIC_SECOND * WORK.speed))


#: Create mode, bands missed after the local search's restarts: the kicks (``persist``) end at
#: this share of the time limit and the recombination gets the rest (see ``solver.py``).
MISSED_PERSIST_SHARE = 0.5

#: With soft bands only units this many steps or fewer from another territory of the group
#: may change, first the nearer, then (if that did not improve) the farther: a core anchored
#: in each territory keeps the splits CP-SAT finds in one piece (few rounds of cuts).
SOFT_REACHES = (2, 4)


def near_border(
    prob: Problem, assignment: IntArray, group: tuple[int, ...], reach: int
) -> BoolArray:
    """Units of ``group`` at most ``reach`` steps (inside the group) from a unit of another of
    its territories."""
    inside = np.isin(assignment, group)
    dist = np.full(assignment.size, -1, dtype=np.int64)
    frontier = []
    for i in np.flatnonzero(inside).tolist():
        if any(inside[j] and assignment[j] != assignment[i] for j in prob.lists[i]):
            dist[i] = 0
            frontier.append(i)
    for step in range(1, reach + 1):
        nxt = []
        for i in frontier:
            for j in prob.lists[i]:
                if inside[j] and dist[j] < 0:
                    dist[j] = step
                    nxt.append(j)
        frontier = nxt
    return dist >= 0


def neighbour_territories(prob: Problem, assignment: IntArray) -> dict[int, set[int]]:
    """Territories sharing a border, per active territory."""
    e = prob.adjacency.edges()
    a = assignment
    out: dict[int, set[int]] = {t: set() for t in np.flatnonzero(prob.active).tolist()}
    if e.size == 0:
        return out
    ta, tb = a[e[:, 0]], a[e[:, 1]]
    keep = (ta != tb) & (ta >= 0) & (tb >= 0)
    for s, d in zip(ta[keep].tolist(), tb[keep].tolist(), strict=True):
        if s in out and d in out:
            out[s].add(d)
            out[d].add(s)
    return out


def _groups(prob: Problem, assignment: IntArray, size: int) -> list[tuple[int, ...]]:
    nbrs = neighbour_territories(prob, assignment)
    groups: list[tuple[int, ...]]
    if size == 2:
        groups = sorted({(s, d) for s, ds in nbrs.items() for d in ds if s < d})
    else:
        # Three territories joined by at least two borders (a path or a triangle).
        groups = sorted(
            {
                (*sorted((s, d, e)),)
                for s, ds in nbrs.items()
                for d, e in itertools.combinations(sorted(ds), 2)
            }
        )
    order = prob.rng.permutation(len(groups)) if groups else np.zeros(0, dtype=np.int64)
    return [groups[i] for i in order.tolist()]


def recombine(prob: Problem, assignment: IntArray, work_limit: float) -> IntArray:
    """Improve ``assignment`` by exact re-splits of adjacent pairs, then triples.

    Stops when no pair or triple improves, or at ``work_limit`` on the work counter.
    """
    best = assignment.copy()
    st = State(prob, best)
    best_score = score_of(st)
    z = np.abs(band_z(st.values, prob.lower, prob.upper))
    in_band = np.all(z <= 1.0 + 1e-9, axis=1)
    if prob.k < 2:
        return best
    version = np.zeros(prob.k, dtype=np.int64)
    solved: set[tuple[tuple[int, ...], tuple[int, ...]]] = set()
    size = 2
    while size <= 3:
        improved = False
        for group in _groups(prob, best, size):
            if prob.out_of_time() or WORK.ticks >= work_limit:
                return best
            key = (group, tuple(int(version[t]) for t in group))
            if key in solved:
                continue
            # A group out of band is split with soft bands (least distance outside them),
            # first near its borders only, then deeper.
            soft = not in_band[list(group)].all()
            if not soft and not in_band[prob.active].all():
                # While bands are missed, only the groups that can repair them.
                continue
            members = np.isin(best, group)
            units = int(np.count_nonzero(members))
            if units > MAX_SUBPROBLEM_UNITS:
                continue
            active = np.zeros(prob.k, dtype=bool)
            active[list(group)] = True
            settled = True
            for reach in SOFT_REACHES if soft else (None,):
                charge_build(units)
                limit = solve_budget(work_limit, PAIR_LIMIT if size == 2 else TRIPLE_LIMIT)
                if limit <= 0.05:
                    return best
                movable = prob.movable & members
                if reach is not None:
                    movable &= near_border(prob, best, group, reach)
                sub = dataclasses.replace(
                    prob,
                    movable=movable,
                    active=active,
                    exact_time_limit=limit,
                    reproducible=True,
                )
                out, optimal = split_exact(sub, best, group, limit, soft)
                prob.stopped = prob.stopped or sub.stopped
                settled = settled and optimal
                if out is None:
                    continue
                changed = [t for t in group if np.any((out == t) != (best == t))]
                trial = State(prob, out)
                score = score_of(trial)
                if changed and score < best_score:
                    best, best_score = out, score
                    z = np.abs(band_z(trial.values, prob.lower, prob.upper))
                    in_band = np.all(z <= 1.0 + 1e-9, axis=1)
                    for t in changed:
                        version[t] += 1
                    improved = True
                    settled = False
                    break
            if settled:
                solved.add(key)
        if improved:
            size = 2
        else:
            size += 1
    return best


def split_exact(
    prob: Problem, hint: IntArray, group: tuple[int, ...], limit: float, soft: bool = False
) -> tuple[IntArray | None, bool]:
    """Best split of ``group``'s units among its territories: hard bands, connected, fewest
    cut edges (or least distance to the hint's centres). Returns (plan or None, optimal).

    With ``soft`` the bands are not constraints: the split minimises the distance outside
    them, summed over territories and measures in band half-widths (the search's violation).

    ``limit`` is CP-SAT's deterministic time over all rounds; the plan is None when no
    connected split better than the hint was found within it.
    """
    from ortools.sat.python import cp_model

    terr = list(group)
    pool = np.flatnonzero(np.isin(hint, terr)).tolist()
    pool_set = set(pool)
    m = prob.x.shape[1]
    model = cp_model.CpModel()
    xv: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in pool:
        opts = terr if prob.movable[i] else [int(hint[i])]
        for t in opts:
            xv[i, t] = model.new_bool_var(f"x{i}_{t}")
        model.add_exactly_one(xv[i, t] for t in opts)

    def var(i: int, t: int) -> cp_model.IntVar | int:
        return xv.get((i, t), 0)

    outside: list[cp_model.IntVar] = []
    for j in range(m):
        col = prob.x[pool, j]
        total = max(float(col.sum()), 1e-12)
        if soft:
            # One half-width (the group's narrowest) is SOFT_SCALE units; a band narrower
            # than SOFT_MIN_HALF of its middle (tolerance 0) counts as that wide, or the
            # scaled measures overflow CP-SAT's 64-bit sums and no split is found.
            lo_t, hi_t = prob.lower[terr, j], prob.upper[terr, j]
            halves = np.maximum(0.5 * (hi_t - lo_t), SOFT_MIN_HALF * np.abs(0.5 * (lo_t + hi_t)))
            s = SOFT_SCALE / max(float(np.min(halves)), 1e-9 * total, 1e-12)
        else:
            s = measure_scale(col)
        coef = np.round(col * s).astype(np.int64)
        slack = math.ceil(float(np.abs(coef - col * s).sum()))
        for t in terr:
            expr = sum(int(c) * var(i, t) for i, c in zip(pool, coef.tolist(), strict=True))
            low = math.ceil(prob.lower[t, j] * s - 1e-9)
            high = math.floor(prob.upper[t, j] * s + 1e-9)
            if soft:
                # Inside the band by the most the rounding can add up to, so that a split
                # the model finds in band is in band.
                low, high = low + slack, high - slack
            if soft:
                span = int(coef.sum()) + abs(low) + abs(high) + 1
                over = model.new_int_var(0, span, f"o{t}_{j}")
                under = model.new_int_var(0, span, f"u{t}_{j}")
                model.add(expr - over <= high)
                model.add(expr + under >= low)
                outside += [over, under]
            else:
                model.add(expr >= low)
                model.add(expr <= high)
    edges = [(i, j) for i in pool for j in prob.lists[i] if j in pool_set and i < j]
    symmetric = (
        prob.objective == "cut_edges"
        and prob.fixed_centres is None
        and prob.current is None
        and all(prob.movable[i] for i in pool)
    )
    symmetric = symmetric and bool(
        np.allclose(prob.lower[terr], prob.lower[terr[0]])
        and np.allclose(prob.upper[terr], prob.upper[terr[0]])
    )
    if symmetric:
        # Labels are interchangeable: order them by their lowest unit (the hint relabelled
        # the same way stays a solution). Territory terr[r] may hold unit i only if
        # terr[r - 1] holds a unit before i.
        firsts = sorted(terr, key=lambda t: int(np.flatnonzero(hint == t).min()))
        relabel = dict(zip(firsts, terr, strict=True))
        hint = hint.copy()
        hint[pool] = [relabel[int(hint[i])] for i in pool]
        model.add(xv[pool[0], terr[0]] == 1)
        for r in range(1, len(terr)):
            for pos, i in enumerate(pool):
                model.add(xv[i, terr[r]] <= sum(xv[j, terr[r - 1]] for j in pool[:pos]))

    def cut_vars() -> list[cp_model.IntVar]:
        # One Boolean per edge of the group, true when its ends are in different territories.
        out = []
        for i, j in edges:
            c = model.new_bool_var(f"c{i}_{j}")
            for t in terr:
                model.add(var(i, t) - var(j, t) <= c)
            out.append(c)
        return out

    if soft:
        # Each unit needs a neighbour in its territory (a territory's part of the group has
        # more than one unit): without it the bands alone leave scattered single units,
        # each a round of cuts.
        for (i, t), v in xv.items():
            model.add(v <= sum(var(j, t) for j in prob.lists[i] if j in pool_set))
        # Least distance outside the bands first; among those, the run's objective, so the
        # split is compact (a scattered one needs many rounds of cuts to become connected).
        if prob.objective == "cut_edges":
            tie = [(1, c) for c in cut_vars()]
            spread = len(edges)
        else:
            cost = np.round(State(prob, hint).dcost * 1000).astype(np.int64)
            tie = [(int(cost[i, t]), v) for (i, t), v in xv.items()]
            sub = cost[pool][:, terr]
            spread = int((sub.max(axis=1) - sub.min(axis=1)).sum())
        weight = spread + 1
        model.minimize(weight * sum(outside) + sum(c * v for c, v in tie))
    elif prob.objective == "cut_edges":
        model.minimize(sum(cut_vars()))
    else:
        st = State(prob, hint)
        cost = np.round(st.dcost * 1000).astype(np.int64)
        model.minimize(sum(int(cost[i, t]) * v for (i, t), v in xv.items()))
    for (i, t), v in xv.items():
        model.add_hint(v, bool(hint[i] == t))
    left = limit
    while left > 0.01:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = max(left, 0.01)
        solver.parameters.max_time_in_seconds = max(0.1, prob.wall_deadline - time.perf_counter())
        solver.parameters.random_seed = 0
        # Most solves are small and short: presolve took 20-50 % of their CPU and changed
        # no plan on the tuning instances (planar-0, planar-1, grid-0 the same plans).
        solver.parameters.cp_model_presolve = False
        status = solver.solve(model)
        used = float(solver.response_proto.deterministic_time)
        charge_solve(used)
        left -= max(used, 0.01)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, False
        out = hint.copy()
        for (i, t), v in xv.items():
            if solver.value(v):
                out[i] = t
        if not prob.keeps_contiguity:
            return out, status == cp_model.OPTIMAL
        split = False
        added = 0
        for t in terr:
            members = [i for i in pool if out[i] == t]
            pieces = graph_pieces(prob.lists, members)
            if len(pieces) < 2:
                continue
            split = True
            # Every piece separates its units from every other piece's units: one
            # inequality per unit of the piece against one unit of each other piece.
            for c_piece in pieces:
                inside = set(c_piece)
                border = sorted(
                    {v for u in c_piece for v in prob.lists[u] if v in pool_set and v not in inside}
                )
                around = sum(var(v, t) for v in border)
                for other in pieces:
                    if other is c_piece:
                        continue
                    b = other[0]
                    for a in c_piece:
                        model.add(var(a, t) + var(b, t) - 1 <= around)
                    added += len(c_piece) * (len(border) + 2)
        charge_cuts(added)
        if not split:
            return out, status == cp_model.OPTIMAL
        if prob.out_of_time():
            break
    return None, False
