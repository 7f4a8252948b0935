"""Rebalancing as a mixed-integer program: bands, a disruption budget, star contiguity.

The local search moves one unit (or a short chain) at a time. With a disruption budget that
is tight it spends the budget on the first gains it finds and then cannot afford the long
chains of moves a territory at the far end of the map needs (docs/optimiser.md). This model
decides every border unit at once: each unit takes one territory among its own and those
within a few hops, and it is linear, so an LP-based branch-and-bound solver (HiGHS) finds
plans that use the budget far better.

- Contiguity, "star" form: every territory has a root unit (its deepest interior unit
  today); a unit may belong to a territory only if one of its neighbours that is closer to
  that root (breadth-first distance over the territory's candidate units) does too. Every
  member then has a path to the root inside the territory. Today's alignment satisfies it,
  so the model is always feasible.
- Bands are soft: the objective is the distance outside each band (in band half-widths,
  searched in a band narrowed by ``margin`` so the linearised travel does not leave
  territories just past the real edge), then disruption.
- Workload travel is linearised around today's plan as in the exact model: the commute of
  each unit to each territory's rep home is exact, the tour is today's tour per visit.

The result is then polished by the local search on the exact travel model.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from planner.optimise.districting.problem import (
    WALL_GRACE,
    WALL_SAFETY,
    WORK_PER_SECOND,
    IntArray,
    Problem,
    charge,
)
from planner.optimise.districting.state import State
from planner.optimise.highs_mip import solve_with_highs

# HiGHS (planner.optimise.highs_mip) has no deterministic time limit, and a wall-clock
# limit made the plan depend on the machine's load. The model is bounded by work instead:
# MIP_NODES_PER_SECOND branch-and-bound nodes per second of the share it is given, after
# the root (which HiGHS always finishes: about 13 s of CPU on the demo plan, 2,469 units and
# about 6,000 binaries, so a model much larger than the demo's takes longer than its share).
# HiGHS gives the same plan on every run, loaded or not; SCIP as shipped with OR-Tools,
# used here before, did not (docs/optimiser.md, "The border model on HiGHS"). Its work is
# charged to the search by simplex iterations at MIP_ITERATIONS_PER_SECOND (the lower end of
# the CPU rates measured on the demo's model, 920-1,620 a second, so the charge covers the
# CPU) plus MIP_WORK_PER_VARIABLE for building the model. The wall clock (WALL_SAFETY times
# the share plus WALL_GRACE) is a safety net.
MIP_NODES_PER_SECOND = 0.1
#: Models with at most this many binaries take MIP_SMALL_NODES_PER_SECOND instead: they
#: solve to optimality in a few hundred nodes well under a second, and a proven optimum
#: (unique, compactness breaks the ties) is the same plan on every run.
MIP_SMALL_MODEL = 2000
MIP_SMALL_NODES_PER_SECOND = 1000.0
MIP_ITERATIONS_PER_SECOND = 900.0
MIP_WORK_PER_VARIABLE = 10.0


def _depths(
    lists: list[list[int]],
    starts: list[int],
    allowed: set[int] | None = None,
    limit: int | None = None,
) -> dict[int, int]:
    """Breadth-first steps from ``starts`` to every unit reached (within ``allowed``, at most
    ``limit`` steps)."""
    depth = dict.fromkeys(starts, 0)
    queue: deque[int] = deque(starts)
    while queue:
        u = queue.popleft()
        if limit is not None and depth[u] >= limit:
            continue
        for v in lists[u]:
            if v not in depth and (allowed is None or v in allowed):
                depth[v] = depth[u] + 1
                queue.append(v)
    return depth


def _options(prob: Problem, assignment: IntArray, hops: int) -> list[set[int]]:
    """Per unit: its territory and, if movable, the active ones within ``hops`` units."""
    options = [{int(t)} for t in assignment.tolist()]
    for t in np.flatnonzero(prob.active).tolist():
        near = _depths(prob.lists, np.flatnonzero(assignment == t).tolist(), limit=hops)
        for u, steps in near.items():
            if steps > 0 and prob.movable[u] and prob.active[assignment[u]]:
                options[u].add(t)
    return options


def _root(lists: list[list[int]], members: list[int]) -> int:
    """The unit deepest inside ``members`` (most steps from any unit on its edge)."""
    inside = set(members)
    edge = [u for u in members if any(v not in inside for v in lists[u])]
    depth = _depths(lists, edge, allowed=inside)
    return max(members, key=lambda u: (depth.get(u, 0), -u))


def solve_rebalance_mip(
    prob: Problem,
    assignment: IntArray,
    *,
    time_limit: float,
    hops: int = 4,
    budget_share: float = 0.95,
    margin: float = 0.06,
) -> IntArray | None:
    """Rebalance ``assignment`` within ``prob``'s disruption budget; None if no solver/plan.

    ``budget_share`` of the budget is given to the model, the rest is left for the polish.
    """
    from ortools.linear_solver import pywraplp

    # The model is built with pywraplp and solved by HiGHS (planner.optimise.highs_mip).
    solver = pywraplp.Solver("border", pywraplp.Solver.CBC_MIXED_INTEGER_PROGRAMMING)
    k = prob.k
    n, m = prob.x.shape
    lists = prob.lists
    a = assignment
    options = _options(prob, a, hops)
    candidates: dict[int, list[int]] = {t: [] for t in range(k)}
    for u in range(n):
        for t in options[u]:
            candidates[t].append(u)
    # Roots and breadth-first distances over each territory's candidate units; a unit the
    # root cannot reach through them is no candidate.
    root = np.full(k, -1, dtype=np.int64)
    dist: dict[int, dict[int, int]] = {}
    for t in np.flatnonzero(prob.active).tolist():
        members = np.flatnonzero(a == t).tolist()
        if not members:
            return None
        locked = [u for u in members if not prob.movable[u]]
        root[t] = locked[0] if locked else _root(lists, members)
        dist[t] = _depths(lists, [int(root[t])], allowed=set(candidates[t]))
        for u in candidates[t]:
            if u not in dist[t]:
                options[u].discard(t)
        candidates[t] = [u for u in candidates[t] if u in dist[t]]
    x: dict[tuple[int, int], Any] = {}
    for u in range(n):
        if len(options[u]) == 1:
            continue
        for t in sorted(options[u]):
            x[u, t] = solver.BoolVar(f"x{u}_{t}")
        solver.Add(sum(x[u, t] for t in sorted(options[u])) == 1)

    def var(u: int, t: int) -> Any:
        if (u, t) in x:
            return x[u, t]
        return 1 if int(a[u]) == t and len(options[u]) == 1 else 0

    for (u, t), v in x.items():
        if u == root[t]:
            solver.Add(v == 1)
            continue
        if not prob.keeps_contiguity:
            continue
        du = dist[t][u]
        closer = [var(w, t) for w in lists[u] if t in options[w] and dist[t].get(w, du) < du]
        solver.Add(v <= sum(closer))
    # Measures per territory: linear coefficients, travel linearised around today's plan.
    st = State(prob, a)
    coef = np.repeat(prob.x[:, None, :], k, axis=1)
    const = np.zeros((k, m))
    tr = prob.travel
    if tr is not None:
        j = tr.measure
        rate = np.where(
            st.agg[:, 0] > 0, (st.travel - st.agg[:, 3]) / np.maximum(st.agg[:, 0], 1e-12), 0.0
        )
        rate = np.maximum(rate, 0.0)
        coef[:, :, j] += tr.home + rate[None, :] * tr.visits[:, None]
        if tr.offset is not None:
            const[:, j] = tr.offset[:, 2] + rate * tr.offset[:, 0]
        if tr.fixed is not None:
            routed = np.isfinite(tr.fixed)
            coef[:, routed, j] = prob.x[:, j][:, None]
            const[routed, j] = tr.fixed[routed]
    half = np.maximum(0.5 * (prob.upper - prob.lower), 1e-9)
    slack = []
    for t in np.flatnonzero(prob.active).tolist():
        for j in range(m):
            scale = 1.0 / half[t, j]
            expr = solver.Sum([float(coef[u, t, j]) * var(u, t) for u in candidates[t]])
            expr += float(const[t, j])
            mid = 0.5 * (prob.lower[t, j] + prob.upper[t, j])
            width = (1.0 - margin) * half[t, j]
            under = solver.NumVar(0.0, solver.infinity(), f"under{t}_{j}")
            over = solver.NumVar(0.0, solver.infinity(), f"over{t}_{j}")
            solver.Add(expr + under >= mid - width)
            solver.Add(expr - over <= mid + width)
            slack += [scale * under, scale * over]
    cur = prob.current
    moved: Any = 0.0
    if cur is not None:
        moved = solver.Sum(
            [float(prob.dweight[u]) * (1 - var(u, int(cur[u]))) for u in range(n) if cur[u] >= 0]
        )
        if np.isfinite(prob.budget):
            solver.Add(moved <= prob.budget * budget_share)
        if prob.territory_budget is not None:
            # Each territory's churn (weight lost plus gained) within its per-rep budget, or
            # within what the start already has where that is more (the start stays feasible).
            dw = prob.dweight
            for t in np.flatnonzero(prob.active).tolist():
                lost = [float(dw[u]) * (1 - var(u, t)) for u in np.flatnonzero(cur == t).tolist()]
                gained = [
                    float(dw[u]) * var(u, t)
                    for u in candidates[t]
                    if cur[u] >= 0 and cur[u] != t and dw[u] > 0
                ]
                limit = max(float(prob.territory_budget[t]), float(st.churn[t]))
                solver.Add(solver.Sum([*lost, *gained]) <= limit + 1e-9)
    mean_dw = max(float(prob.dweight.mean()), 1e-12)
    # Compactness last: it also makes the optimum unique, so the same plan comes back on
    # every run (with only disruption below the bands, many plans tie and the solver's choice
    # among them varied between runs).
    compact = solver.Sum([float(st.dcost[u, t]) * v for (u, t), v in x.items()])
    solver.Minimize(1000.0 * solver.Sum(slack) + 0.01 * moved / mean_dw + 1e-3 * compact)
    hint_vars = list(x.values())
    hint_vals = [1.0 if int(a[u]) == t else 0.0 for (u, t) in x]
    charge(MIP_WORK_PER_VARIABLE * len(x))
    per_second = MIP_NODES_PER_SECOND if len(x) > MIP_SMALL_MODEL else MIP_SMALL_NODES_PER_SECOND
    state = prob.state
    outcome = solve_with_highs(
        solver,
        node_limit=max(1, int(per_second * time_limit)),
        hint=(hint_vars, hint_vals),
        cancelled=None if state is None else state.is_cancelled,
        wall_limit=WALL_SAFETY * time_limit + WALL_GRACE,
    )
    used = min(time_limit, outcome.lp_iterations / MIP_ITERATIONS_PER_SECOND)
    charge(used * WORK_PER_SECOND)
    if outcome.values is None:
        return None
    values = outcome.values
    out = a.copy()
    for (u, t), v in x.items():
        if values[v.index()] > 0.5:
            out[u] = t
    return out
