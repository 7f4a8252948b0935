"""Path relinking of local optima for the fewest cut edges (county districting).

Two plans in band and contiguous, both local optima of :mod:`.lns`'s descent, share most of
their territories and differ where each found a better border. The relink re-splits **every
active territory at once** between them: each unit may take only a territory it or one of
its neighbours has in either plan (``other``'s territories renamed to ``plan``'s by the
first measure they share), and CP-SAT looks for a split with fewer cut edges than ``plan``
(docs/optimiser.md, "Districting, thirteenth round" and "fourteenth round").

With the labels fixed by the domains the model needs no roots: a unit whose domain holds a
single territory belongs to it, and each territory's largest connected set of such units
(its **core**) is a source of flow. One flow per edge direction passes only along uncut
edges, and every other unit consumes one unit of it, so every unit is joined to a core of
its own territory through units of that territory (a territory without a core keeps its
most populous unit that both plans give it, as its source). The hint is ``plan`` in full,
flows included (a breadth-first tree per territory), so that CP-SAT starts from it.

:func:`relink_chain` chains relinks: the best plan with every plan of an elite pool it was
not relinked with yet; a plan a relink improves on joins the pool and the new best is
relinked again. :mod:`.lns`'s walk relinks each of its new bests with its elite. On LA (64
parishes, six territories; seed 0) the walk's second best (52 cut edges) relinked with its
first local optimum (53) gave 50, and its third (51, a local optimum of the descent),
relinked with that 50 gave the optimum, 49.

Every solve runs on one worker, bounded by deterministic time and charged to the work
counter (:func:`.problem.charge_cp_sat`), the model's building by its size.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

import numpy as np

from planner.models.graph import pieces
from planner.optimise.districting.problem import (
    WORK,
    IntArray,
    Problem,
    charge_cp_sat,
    cut_count,
    deterministic_budget,
    measure_scale,
)

#: Deterministic seconds per relink at most. On LA the relinks that found 50 and 49 took
#: 5.8 and 6.7 s of CPU; at 4 the two relinks after the 50 stopped at their limit unproven,
#: at 8 both were proven (no better plan in their domains).
RELINK_LIMIT = 8.0
#: Work charged per model element while building it, as :mod:`.lns`'s subproblems.
WORK_PER_ELEMENT = 6.0


def match_labels(weight: np.ndarray, plan: IntArray, other: IntArray, terr: list[int]) -> IntArray:
    """``other`` with its territories ``terr`` renamed to those of ``plan`` they share the most
    ``weight`` with (an assignment problem, :func:`.rep_matching.solve_assignment`)."""
    from planner.optimise.rep_matching import solve_assignment

    k = len(terr)
    pos = {t: r for r, t in enumerate(terr)}
    overlap = np.zeros((k, k))
    inside = np.isin(plan, terr) & np.isin(other, terr)
    for i in np.flatnonzero(inside).tolist():
        overlap[pos[int(other[i])], pos[int(plan[i])]] += float(weight[i])
    out = other.copy()
    for a, b in solve_assignment(-overlap / max(float(overlap.max()), 1e-9)):
        out[other == terr[a]] = terr[b]
    return out


def _largest_piece(lists: list[list[int]], units: set[int]) -> set[int]:
    """The largest connected set among ``units`` (ties: the one with the lowest unit)."""
    best: list[int] = []
    for piece in pieces(lists, sorted(units)):
        if len(piece) > len(best):
            best = piece
    return set(best)


def relink(
    prob: Problem, plan: IntArray, other: IntArray, work_limit: float
) -> tuple[IntArray | None, bool]:
    """The fewest cut edges over the active territories with every unit limited to the
    territories it or a neighbour has in ``plan`` or ``other`` (matched to ``plan``'s),
    strictly fewer than ``plan`` has; CP-SAT from ``plan`` until ``work_limit`` on the work
    counter, at most RELINK_LIMIT deterministic seconds.

    Returns ``(plan or None, proven)``: the better plan, or None when none was found;
    ``proven`` says that the domains hold no better plan (or that the solve found the best
    within them). Both plans must be in band and contiguous, with the same units in the
    active territories, all of them movable, and the territories interchangeable (equal
    bands); otherwise ``(None, False)``."""
    from ortools.sat.python import cp_model

    terr = [int(t) for t in np.flatnonzero(prob.active)]
    inside = np.isin(plan, terr)
    if len(terr) < 2 or not np.array_equal(inside, np.isin(other, terr)):
        return None, False
    pool = np.flatnonzero(inside).tolist()
    if not (
        np.all(prob.movable[pool])
        and np.allclose(prob.lower[terr], prob.lower[terr[0]])
        and np.allclose(prob.upper[terr], prob.upper[terr[0]])
    ):
        return None, False
    limit = min(RELINK_LIMIT, deterministic_budget(work_limit))
    if limit <= 0.05:
        return None, False
    pool_set = set(pool)
    lists = prob.lists
    matched = match_labels(prob.x[:, 0], plan, other, terr)
    domain: dict[int, list[int]] = {}
    for i in pool:
        near = [i, *(j for j in lists[i] if j in pool_set)]
        domain[i] = sorted({int(plan[j]) for j in near} | {int(matched[j]) for j in near})

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in pool:
        for t in domain[i]:
            x[i, t] = model.new_bool_var("")
        model.add_exactly_one(x[i, t] for t in domain[i])
    for j in range(prob.x.shape[1]):
        col = prob.x[pool, j]
        s = measure_scale(col)
        coef = dict(zip(pool, np.round(col * s).astype(np.int64).tolist(), strict=True))
        for t in terr:
            expr = sum(int(coef[i]) * var for (i, u), var in x.items() if u == t and coef[i])
            model.add(expr >= math.ceil(prob.lower[t, j] * s - 1e-9))
            model.add(expr <= math.floor(prob.upper[t, j] * s + 1e-9))
    edges = [(i, j) for i in pool for j in lists[i] if j in pool_set and i < j]
    cut: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, j in edges:
        c = model.new_bool_var("")
        for t in sorted(set(domain[i]) | set(domain[j])):
            xi = x.get((i, t), 0)
            xj = x.get((j, t), 0)
            model.add(xi - xj <= c)
            model.add(xj - xi <= c)
        cut[i, j] = c
    current = sum(1 for i, j in edges if plan[i] != plan[j])
    objective = sum(cut.values())
    model.minimize(objective)
    model.add(objective <= current - 1)

    n_elements = len(x) * 2 + len(edges) * 5
    hint_flow: dict[tuple[int, int], int] = {}
    flow: dict[tuple[int, int], cp_model.IntVar] = {}
    if prob.keeps_contiguity:
        sources: set[int] = set()
        for t in terr:
            core = _largest_piece(lists, {i for i in pool if domain[i] == [t]})
            if not core:
                both = [i for i in pool if plan[i] == t and matched[i] == t]
                if not both:
                    return None, False
                keep = max(both, key=lambda i: (float(prob.x[i, 0]), -i))
                model.add(x[keep, t] == 1)
                core = {keep}
            sources |= core
            # The hint's flows: a breadth-first tree of territory t in ``plan`` from its core.
            members = set(np.flatnonzero(plan == t).tolist())
            parent: dict[int, int] = {}
            order = []
            queue = deque(sorted(core))
            seen = set(core)
            while queue:
                u = queue.popleft()
                order.append(u)
                for v in lists[u]:
                    if v in members and v not in seen:
                        seen.add(v)
                        parent[v] = u
                        queue.append(v)
            if len(seen) != len(members):
                return None, False
            size = dict.fromkeys(members, 1)
            for u in reversed(order):
                if u in parent:
                    size[parent[u]] += size[u]
                    hint_flow[parent[u], u] = size[u]
        cap = len(pool)
        inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in pool}
        outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in pool}
        for i, j in edges:
            for a, b in ((i, j), (j, i)):
                f = model.new_int_var(0, cap, "")
                model.add(f == 0).only_enforce_if(cut[i, j])
                flow[a, b] = f
                outflow[a].append(f)
                inflow[b].append(f)
        for i in pool:
            if i not in sources:
                model.add(sum(inflow[i]) - sum(outflow[i]) >= 1)
        n_elements += len(flow) * 2 + len(pool)
    for (i, t), x_var in x.items():
        model.add_hint(x_var, int(plan[i]) == t)
    for (i, j), cut_var in cut.items():
        model.add_hint(cut_var, bool(plan[i] != plan[j]))
    for arc, f in flow.items():
        model.add_hint(f, hint_flow.get(arc, 0))
    WORK.ticks += WORK_PER_ELEMENT * n_elements
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = limit
    solver.parameters.max_time_in_seconds = max(0.1, prob.wall_deadline - time.perf_counter())
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    charge_cp_sat(solver.response_proto.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    out = plan.copy()
    for (i, t), x_var in x.items():
        if solver.value(x_var):
            out[i] = t
    return out, status == cp_model.OPTIMAL


def relink_chain(
    prob: Problem,
    best: IntArray,
    elite: list[IntArray],
    tried: set[tuple[bytes, bytes]],
    work_limit: float,
    accept: Callable[[IntArray], bool] | None = None,
) -> IntArray | None:
    """Chained relinking: ``best`` with every plan of ``elite`` it was not relinked with yet
    (``tried`` holds the pairs done, fewest cut edges first); a plan a relink improves on
    joins ``elite`` and the new best is relinked again, until no pair improves or the work
    reaches ``work_limit``. ``accept(plan)`` says whether a relinked plan may be kept (in band
    and contiguous). Returns the best plan found when it is better than ``best``, else None."""
    current = best
    current_cuts = cut_count(prob.lists, current)
    improved = True
    while improved and not prob.out_of_time() and WORK.ticks < work_limit:
        improved = False
        partners = sorted(
            (plan for plan in elite if not np.array_equal(plan, current)),
            key=lambda plan: (cut_count(prob.lists, plan), plan.tobytes()),
        )
        for partner in partners:
            key = (current.tobytes(), partner.tobytes())
            if key in tried:
                continue
            if prob.out_of_time() or WORK.ticks >= work_limit:
                break
            tried.add(key)
            out, _ = relink(prob, current, partner, work_limit)
            if out is None or (accept is not None and not accept(out)):
                continue
            out_cuts = cut_count(prob.lists, out)
            if out_cuts < current_cuts:
                if not any(np.array_equal(current, plan) for plan in elite):
                    elite.append(current)
                current, current_cuts = out, out_cuts
                improved = True
                break
    if current is best:
        return None
    return current
