"""The exact CP-SAT model: hard bands, flow contiguity, compactness objective."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from planner.optimise.districting.problem import (
    CPU_PER_DETERMINISTIC_SECOND,
    DISRUPTION_WEIGHT,
    WORK,
    IntArray,
    Problem,
    charge_cp_sat,
    measure_scale,
)
from planner.optimise.districting.state import State

# --------------------------------------------------------------------------------------------
# Exact model


def solve_exact(prob: Problem, hint: IntArray) -> tuple[IntArray | None, bool, bool]:
    """CP-SAT: hard bands, flow contiguity, compactness objective, warm-started from ``hint``.

    Returns ``(assignment or None, proven optimal, proven infeasible)``.
    """
    from ortools.sat.python import cp_model

    m = prob.x.shape[1]
    k = prob.k
    terr = [t for t in range(k) if prob.active[t]]
    model = cp_model.CpModel()
    # Integer measures: exact when the data are integers, else scaled to ~1e7 per total.
    xs = np.zeros_like(prob.x, dtype=np.int64)
    lo = np.zeros((k, m), dtype=np.int64)
    hi = np.zeros((k, m), dtype=np.int64)
    tr = prob.travel
    # Travel, linearised around the hint: the commute per (unit, territory) is exact, the tour
    # is the hint's tour per visit of the receiving territory; what never moves is a constant.
    travel_coef = np.zeros((0, k), dtype=np.int64)
    for j in range(m):
        col = prob.x[:, j]
        s = measure_scale(col)
        if tr is not None and j == tr.measure:
            hs = State(prob, hint)
            tour = np.where(np.isfinite(tr.fixed), 0.0, 1.0) if tr.fixed is not None else 1.0
            commute = hs.agg[:, 3]
            rate = np.where(
                hs.agg[:, 0] > 0, (hs.travel - commute) / np.maximum(hs.agg[:, 0], 1e-12), 0.0
            )
            rate = np.maximum(rate * tour, 0.0)
            coef = col[:, None] + (tr.home * tour) + rate[None, :] * tr.visits[:, None]
            off = (
                np.zeros(k)
                if tr.offset is None
                else tr.offset[:, 2] * tour + rate * tr.offset[:, 0]
            )
            if tr.fixed is not None:
                off = np.where(np.isfinite(tr.fixed), tr.fixed, off)
            s = 1e7 / max(float(coef.sum()) / max(k, 1), 1e-12)
            travel_coef = np.round(coef * s).astype(np.int64)
            lo[:, j] = np.ceil((prob.lower[:, j] - off) * s - 1e-9).astype(np.int64)
            hi[:, j] = np.floor((prob.upper[:, j] - off) * s + 1e-9).astype(np.int64)
            continue
        xs[:, j] = np.round(col * s).astype(np.int64)
        lo[:, j] = np.ceil(prob.lower[:, j] * s - 1e-9).astype(np.int64)
        hi[:, j] = np.floor(prob.upper[:, j] * s + 1e-9).astype(np.int64)
    in_pool = prob.movable | np.isin(hint, terr)
    units = np.flatnonzero(in_pool).tolist()
    xv: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in units:
        options = terr if prob.movable[i] else [int(hint[i])]
        for t in options:
            xv[i, t] = model.new_bool_var(f"x{i}_{t}")
        model.add_exactly_one(xv[i, t] for t in options)

    def var(i: int, t: int) -> cp_model.IntVar | int:
        return xv.get((i, t), 0)

    for t in terr:
        for j in range(m):
            if tr is not None and j == tr.measure:
                expr = sum(int(travel_coef[i, t]) * var(i, t) for i in units if (i, t) in xv)
            else:
                expr = sum(int(xs[i, j]) * var(i, t) for i in units if (i, t) in xv)
            model.add(expr >= int(lo[t, j]))
            model.add(expr <= int(hi[t, j]))
    # Contiguity: each territory has one root that sends one unit of flow to each member.
    pool_set = set(units)
    arcs = [(i, j) for i in units for j in prob.lists[i] if j in pool_set]
    big = len(units)
    symmetric = prob.fixed_centres is None and not np.any(prob.fixed >= 0) and prob.current is None
    roots: dict[int, list[cp_model.IntVar]] = {}
    for t in terr if prob.keeps_contiguity else []:
        members = [i for i in units if (i, t) in xv]
        r = {i: model.new_bool_var(f"r{i}_{t}") for i in members}
        roots[t] = list(r.values())
        model.add_exactly_one(r.values())
        for i in members:
            model.add_implication(r[i], xv[i, t])
        if symmetric:
            # The root is the territory's lowest unit id, so labels and roots are not
            # interchangeable (removes k! equivalent copies of every solution).
            for pos, i in enumerate(members):
                for j in members[:pos]:
                    model.add_implication(r[i], xv[j, t].Not())
        f = {}
        for i, j in arcs:
            if (i, t) in xv and (j, t) in xv:
                f[i, j] = model.new_int_var(0, big - 1, f"f{i}_{j}_{t}")
                model.add(f[i, j] == 0).only_enforce_if(xv[i, t].Not())
                model.add(f[i, j] == 0).only_enforce_if(xv[j, t].Not())
        inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in members}
        outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in members}
        for (i, j), var_f in f.items():
            outflow[i].append(var_f)
            inflow[j].append(var_f)
        for i in members:
            model.add(sum(inflow[i]) - sum(outflow[i]) >= xv[i, t] - big * r[i])
    if symmetric and prob.keeps_contiguity and len(terr) > 1:
        index = {}
        for t in terr:
            members = [i for i in units if (i, t) in xv]
            index[t] = sum(i * rv for i, rv in zip(members, roots[t], strict=True))
        for a, b in itertools.pairwise(terr):
            model.add(index[a] < index[b])
    if prob.current is not None and math.isfinite(prob.budget):
        cur = prob.current
        # Weights as millionths of the total: integral for CP-SAT whatever the weight's unit.
        per = 1e6 / max(float(prob.dweight.sum()), 1e-12)
        dws = np.round(prob.dweight * per).astype(np.int64)
        stay = sum(int(dws[i]) * var(i, int(cur[i])) for i in units if cur[i] >= 0)
        base = int(sum(int(dws[i]) for i in units if cur[i] >= 0))
        model.add(base - stay <= math.floor(prob.budget * per + 1e-6))
    if prob.current is not None and prob.territory_budget is not None:
        cur = prob.current
        per = 1e6 / max(float(prob.dweight.sum()), 1e-12)
        dws = np.round(prob.dweight * per).astype(np.int64)
        for t in terr:
            lost = [int(dws[i]) * (1 - var(i, t)) for i in units if cur[i] == t]
            gained = [int(dws[i]) * var(i, t) for i in units if cur[i] >= 0 and cur[i] != t]
            model.add(sum(lost) + sum(gained) <= math.floor(prob.territory_budget[t] * per + 1e-6))
    # Objective, in thousandths so CP-SAT's integers keep three digits of the scores.
    terms = []
    if prob.current is not None:
        # Rebalance: each move costs what it costs in the local search, so the exact model does
        # not spend the disruption budget on tiny compactness gains.
        cur = prob.current
        unit_cost = DISRUPTION_WEIGHT * prob.dweight / max(float(prob.dweight.mean()), 1e-12)
        for (i, t), v in xv.items():
            if cur[i] >= 0 and t != cur[i]:
                terms.append(round(1000 * float(unit_cost[i])) * v)
    if prob.objective == "cut_edges":
        cuts = []
        for i, j in prob.adjacency.edges().tolist():
            if i not in pool_set or j not in pool_set:
                continue
            c = model.new_bool_var(f"c{i}_{j}")
            for t in terr:
                if (i, t) in xv or (j, t) in xv:
                    model.add(var(i, t) - var(j, t) <= c)
            cuts.append(c)
        model.minimize(1000 * sum(cuts) + sum(terms))
    else:
        st = State(prob, hint)
        cost = np.round(st.dcost * 1000).astype(np.int64)
        model.minimize(sum(int(cost[i, t]) * v for (i, t), v in xv.items()) + sum(terms))
    for (i, t), v in xv.items():
        model.add_hint(v, bool(hint[i] == t))
    solver = cp_model.CpSolver()
    left = prob.seconds_left()
    if prob.exact_time_limit is not None:
        left = min(left, prob.exact_time_limit)
    solver.parameters.max_time_in_seconds = max(0.1, left)
    if prob.reproducible:
        # Deterministic time does not depend on machine load, so one worker bounded by it
        # gives the same plan on every run; the wall-time bound above only guards the deadline.
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = max(
            0.1, left / (CPU_PER_DETERMINISTIC_SECOND[1] * WORK.speed)
        )
        solver.parameters.max_time_in_seconds = max(0.1, prob.wall_deadline - time.perf_counter())
    else:
        # Two workers (portfolio) find far better cut-edge plans than one or an interleaved
        # search; the price is that a time-limited exact phase may differ between runs.
        solver.parameters.num_workers = 2
    solver.parameters.random_seed = int(prob.rng.integers(0, 2**31 - 1))

    class _Stop(cp_model.CpSolverSolutionCallback):
        def __init__(self) -> None:
            super().__init__()

        def on_solution_callback(self) -> None:
            if prob.state is not None and prob.state.is_cancelled():
                self.stop_search()

    status = solver.solve(model, _Stop())
    # Charged by deterministic time, so the work counter does not depend on the load.
    charge_cp_sat(solver.response_proto.deterministic_time)
    if prob.state is not None and prob.state.is_cancelled():
        prob.stopped = True
    if status == cp_model.INFEASIBLE:
        return None, False, True
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False, False
    out = hint.copy()
    for (i, t), v in xv.items():
        if solver.value(v):
            out[i] = t
    return out, status == cp_model.OPTIMAL, False
