"""The fewest cut edges over every active territory at once, as a mixed-integer model on
HiGHS: a proof of optimality where the exact search's CP-SAT models give none.

Validi & Buchanan's labeling model ("Political districting to minimize cut edges", 2022):
``x[i, r]`` unit ``i`` in territory ``r``, ``root[i, r]`` its first unit, the measures in
their bands, one cut term per edge and territory (``z[e, r] >= x[i, r] - x[j, r]`` for the
edge's first end ``i``; Ferreira et al.'s extended form, whose linear relaxation counts half
the L1 distance between the ends' rows), contiguity by one single-commodity flow along
uncut edges bounded by the most units a territory can hold. Units are ordered by the first
measure, largest first, and three exact fixings shrink the model:

* a unit's territory label is at most its position (labels are interchangeable);
* a unit whose component among units at or after it cannot fill a band is no root;
* while the next largest unit is out of reach of every larger one (the lightest path
  between them, counting every unit's first measure, passes the upper band), it roots the
  next label, and units out of its reach cannot take that label.

Measured on county graphs with three territories (the shared WV and variants of the
tuning graphs), HiGHS proves the optimum from the search's plan in 15-37 s of CPU where the
CP-SAT model of :func:`.lns.split_flow` proved nothing in 60 deterministic seconds; with four
or five territories its bound stayed far below the plan (27 against 35, 22 against 43 at
90 s), so the search calls it only for three territories or fewer (``MAX_TERRITORIES``).

Work: HiGHS has no deterministic time. The solve is bounded by its nodes (the same count
on every run) and charged by its simplex iterations, at CPU rates measured on these models
per node or iteration and column.
"""

from __future__ import annotations

import heapq
import math
import time

import numpy as np

from planner.optimise.districting.problem import (
    WORK,
    WORK_PER_SECOND,
    IntArray,
    Problem,
)

#: Whole problems of at most this many active territories get the model.
MAX_TERRITORIES = 3
#: Seconds of CPU per simplex iteration and model column: 0.124-0.136 us on three models
#: of 774-1,437 columns (ID, WV and OK with k = 3; 77-336 thousand iterations, 15-37 s),
#: charged at 0.14. The iterations are known only after the solve (HiGHS's interrupt
#: callback reports nodes, not iterations, during a branch and bound), so the solve is
#: bounded by its nodes at CPU_PER_NODE_COLUMN (8.4-9.6 us per node and column on ID and
#: WV, 35 on OK, whose 292 nodes were mostly the root) and charged by its iterations.
CPU_PER_ITERATION_COLUMN = 0.14e-6
CPU_PER_NODE_COLUMN = 10e-6
#: Fewer nodes than this in the budget: not worth the root's cost.
MIN_NODES = 200
#: Work charged per model element while building it (Python), as the CP-SAT models.
WORK_PER_ELEMENT = 6.0


def _fixings(
    prob: Problem, pool: list[int], pool_set: set[int], n_t: int, terr: list[int]
) -> tuple[list[bool], dict[int, set[int]]]:
    """``rootless[pos]`` and, per label rooted by the U-fixing, the units that cannot take
    it (see the module's docstring)."""
    low = prob.lower[terr].min(axis=0)
    pos_of = {i: p for p, i in enumerate(pool)}
    rootless = []
    for p, i in enumerate(pool):
        seen = {i}
        stack = [i]
        total = prob.x[i].astype(np.float64).copy()
        while stack and not np.all(total >= low - 1e-9):
            u = stack.pop()
            for v in prob.lists[u]:
                if v not in seen and pos_of.get(v, -1) >= p:
                    seen.add(v)
                    stack.append(v)
                    total += prob.x[v]
        rootless.append(not bool(np.all(total >= low - 1e-9)))
    upper = float(prob.upper[terr, 0].min())
    w = prob.x[:, 0]
    rooted: dict[int, set[int]] = {}
    for r in range(min(n_t, len(pool))):
        v = pool[r]
        dist = {v: float(w[v])}
        heap = [(float(w[v]), v)]
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist.get(u, math.inf) or d > upper:
                continue
            for nb in prob.lists[u]:
                if nb in pool_set:
                    nd = d + float(w[nb])
                    if nd < dist.get(nb, math.inf):
                        dist[nb] = nd
                        heapq.heappush(heap, (nd, nb))
        if any(dist.get(pool[t], math.inf) <= upper + 1e-9 for t in range(r)):
            break
        rooted[r] = {i for i in pool if dist.get(i, math.inf) > upper + 1e-9}
    WORK.ticks += WORK_PER_ELEMENT * len(pool) * (len(rooted) + 1)
    return rootless, rooted


def applicable(prob: Problem, plan: IntArray, terr: list[int] | tuple[int, ...]) -> bool:
    """Whether the model states the problem of territories ``terr``: they are
    interchangeable (every unit of theirs movable, the same bands) and no measure is
    negative (the fixings add measures along paths)."""
    pool = np.flatnonzero(np.isin(plan, list(terr)))
    return bool(
        pool.size
        and np.all(prob.movable[pool])
        and np.allclose(prob.lower[list(terr)], prob.lower[terr[0]])
        and np.allclose(prob.upper[list(terr)], prob.upper[terr[0]])
        and np.all(prob.x[pool] >= 0)
    )


def solve_whole(
    prob: Problem, plan: IntArray, work_limit: float, group: tuple[int, ...] | None = None
) -> tuple[IntArray | None, bool]:
    """Fewest cut edges over the active territories (or those of ``group``), from ``plan``
    (their units, in band and contiguous) until ``work_limit`` on the work counter.

    Returns ``(plan or None, proven optimal)``: the model's best plan (which the caller
    compares with ``plan``: cut by its limit it may be no better), or None without one.
    Only where :func:`applicable`; otherwise ``(None, False)``."""
    from ortools.linear_solver import pywraplp

    from planner.optimise.highs_mip import solve_with_highs

    terr = [int(t) for t in np.flatnonzero(prob.active)] if group is None else list(group)
    pool = np.flatnonzero(np.isin(plan, terr)).tolist()
    n_t, n = len(terr), len(pool)
    if n_t < 2 or not n:
        return None, False
    if not applicable(prob, plan, terr):
        return None, False
    pool.sort(key=lambda i: (-float(prob.x[i, 0]), i))
    pool_set = set(pool)
    m = prob.x.shape[1]
    max_units = n
    for j in range(m):
        cum = np.cumsum(np.sort(prob.x[pool, j]))
        fits = int(np.searchsorted(cum, float(prob.upper[terr, j].max()) + 1e-9, side="right"))
        max_units = min(max_units, max(fits, 1))
    rootless, rooted = _fixings(prob, pool, pool_set, n_t, terr)

    # Built with pywraplp (as the border model), solved by HiGHS.
    solver = pywraplp.Solver("whole", pywraplp.Solver.CBC_MIXED_INTEGER_PROGRAMMING)
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    root: dict[tuple[int, int], pywraplp.Variable] = {}
    for pos, i in enumerate(pool):
        for r in range(min(pos + 1, n_t)):
            if r in rooted and i in rooted[r]:
                continue
            x[i, r] = solver.BoolVar("")
            if not rootless[pos] and not (r in rooted and pos != r):
                root[i, r] = solver.BoolVar("")
                solver.Add(root[i, r] <= x[i, r])
    for r in rooted:
        if (pool[r], r) not in root:
            # Its own reach cannot fill a band, yet it can share a territory with no larger
            # unit: no plan exists.
            return None, False
        solver.Add(root[pool[r], r] == 1)
    for i in pool:
        solver.Add(sum(x[i, r] for r in range(n_t) if (i, r) in x) == 1)
    for r in range(n_t):
        solver.Add(sum(v for (i, rr), v in root.items() if rr == r) == 1)
        for j in range(m):
            expr = sum(float(prob.x[i, j]) * x[i, r] for i in pool if (i, r) in x)
            solver.Add(expr >= float(prob.lower[terr[r], j]))
            solver.Add(expr <= float(prob.upper[terr[r], j]))
    edges = [(i, j) for i in pool for j in prob.lists[i] if j in pool_set and i < j]
    cut_terms: dict[tuple[int, int], list[pywraplp.Variable]] = {}
    for i, j in edges:
        terms = []
        for r in range(n_t):
            if (i, r) not in x:
                continue
            z = solver.BoolVar("")
            solver.Add(x[i, r] - x.get((j, r), 0) <= z)
            terms.append(z)
        cut_terms[i, j] = terms
    solver.Minimize(sum(z for terms in cut_terms.values() for z in terms))
    flow: dict[tuple[int, int], pywraplp.Variable] = {}
    if prob.keeps_contiguity:
        for i, j in edges:
            flow[i, j] = solver.NumVar(0, max_units - 1, "")
            flow[j, i] = solver.NumVar(0, max_units - 1, "")
            solver.Add(
                flow[i, j] + flow[j, i] + (max_units - 1) * sum(cut_terms[i, j]) <= max_units - 1
            )
        for i in pool:
            net = sum(flow[u, i] - flow[i, u] for u in prob.lists[i] if u in pool_set)
            roots = [root[i, r] for r in range(n_t) if (i, r) in root]
            solver.Add(net + max_units * sum(roots) >= 1)
    n_cols = solver.NumVariables()
    WORK.ticks += WORK_PER_ELEMENT * (n_cols + solver.NumConstraints())

    # The plan as the start, its labels in the order of their first units.
    label: dict[int, int] = {}
    for i in pool:
        label.setdefault(int(plan[i]), len(label))
    start: dict[pywraplp.Variable, float] = {v: 0.0 for v in x.values()}
    start.update({v: 0.0 for v in root.values()})
    firsts: set[int] = set()
    for i in pool:
        r = label[int(plan[i])]
        if (i, r) not in x:
            start = {}  # the plan breaks a fixing (it cannot: they are exact); no start
            break
        start[x[i, r]] = 1.0
        if r not in firsts:
            firsts.add(r)
            if (i, r) not in root:
                start = {}
                break
            start[root[i, r]] = 1.0
    hint = (list(start), list(start.values())) if start else None

    left = (work_limit - WORK.ticks) / WORK_PER_SECOND
    nodes = int(left / (CPU_PER_NODE_COLUMN * WORK.speed * n_cols))
    if nodes < MIN_NODES:
        return None, False
    outcome = solve_with_highs(
        solver,
        node_limit=nodes,
        hint=hint,
        cancelled=(lambda: prob.state is not None and prob.state.is_cancelled()),
        wall_limit=max(prob.wall_deadline - time.perf_counter(), 0.1),
    )
    WORK.ticks += (
        outcome.lp_iterations * CPU_PER_ITERATION_COLUMN * WORK.speed * n_cols * WORK_PER_SECOND
    )
    if outcome.values is None:
        return None, False
    out = plan.copy()
    for (i, r), v in x.items():
        if outcome.values[v.index()] > 0.5:
            out[i] = terr[r]
    proven = outcome.status == "optimal" and not outcome.interrupted
    return out, proven
