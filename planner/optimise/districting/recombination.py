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
to the run's work counter, so the same seed gives the same plan under any load.
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
    IntArray,
    Problem,
    band_z,
)
from planner.optimise.districting.state import State, score_of

#: Deterministic seconds (CP-SAT) per subproblem: pairs, then triples.
PAIR_LIMIT = 1.0
TRIPLE_LIMIT = 3.0
#: Subproblems larger than this many units are skipped (the flow model grows with them).
MAX_SUBPROBLEM_UNITS = 400


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
            if not in_band[list(group)].all():
                continue  # the exact split has hard bands: nothing to start from
            members = np.isin(best, group)
            if int(np.count_nonzero(members)) > MAX_SUBPROBLEM_UNITS:
                continue
            active = np.zeros(prob.k, dtype=bool)
            active[list(group)] = True
            limit = PAIR_LIMIT if size == 2 else TRIPLE_LIMIT
            limit = min(limit, (work_limit - WORK.ticks) / WORK_PER_SECOND)
            if limit <= 0.05:
                return best
            sub = dataclasses.replace(
                prob,
                movable=prob.movable & members,
                active=active,
                exact_time_limit=limit,
                reproducible=True,
            )
            out, optimal = split_exact(sub, best, group, limit)
            prob.stopped = prob.stopped or sub.stopped
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
            elif optimal:
                solved.add(key)
        if improved:
            size = 2
        else:
            size += 1
    return best


def split_exact(
    prob: Problem, hint: IntArray, group: tuple[int, ...], limit: float
) -> tuple[IntArray | None, bool]:
    """Best split of ``group``'s units among its territories: hard bands, connected, fewest
    cut edges (or least distance to the hint's centres). Returns (plan or None, optimal).

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

    for j in range(m):
        col = prob.x[pool, j]
        total = max(float(col.sum()), 1e-12)
        integral = np.allclose(col, np.round(col)) and total < 2**40
        s = 1.0 if integral else 1e7 / total
        coef = np.round(col * s).astype(np.int64)
        for t in terr:
            expr = sum(int(c) * var(i, t) for i, c in zip(pool, coef.tolist(), strict=True))
            model.add(expr >= math.ceil(prob.lower[t, j] * s - 1e-9))
            model.add(expr <= math.floor(prob.upper[t, j] * s + 1e-9))
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
    if prob.objective == "cut_edges":
        cuts = []
        for i, j in edges:
            c = model.new_bool_var(f"c{i}_{j}")
            for t in terr:
                model.add(var(i, t) - var(j, t) <= c)
            cuts.append(c)
        model.minimize(sum(cuts))
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
        solver.parameters.max_deterministic_time = left
        solver.parameters.max_time_in_seconds = max(0.1, prob.wall_deadline - time.perf_counter())
        solver.parameters.random_seed = 0
        status = solver.solve(model)
        used = float(solver.response_proto.deterministic_time)
        WORK.ticks += used * WORK_PER_SECOND
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
        if not split:
            return out, status == cp_model.OPTIMAL
        if prob.out_of_time():
            break
    return None, False
