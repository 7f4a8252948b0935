"""Coarse transfers between neighbouring territories: a flow plan over the territory graph.

A rebalance after a regional market change (potential up a quarter in one region, down in
another) leaves whole groups of neighbouring territories out of band on the same side. No
move between two neighbours fixes that: the surplus has to travel across several
territories to where there is room. This module plans those journeys on the coarse level,
where each territory is one node with its measures, then realises them with border units.

- :func:`territory_pairs`: the territories that share a border (and have units free to
  move across it).
- :func:`plan_transfers`: a linear programme (OR-Tools GLOP) over the territory graph: how
  much of every measure each shared border should pass, so that every territory ends in
  the inner part of its band, at the least disruption. Disruption is priced per border by
  the largest of its measures' flows converted to disruption weight (accounts) at the
  plan's average ratio, and the total is capped by what is left of the budget.
- :meth:`planner.optimise.decompose.BoundaryRepair.follow` realises the plan: border unit
  by border unit along each pair, keeping the territory a unit leaves connected, locked
  units in place and the disruption (total and per territory) within its budgets.

Everything is deterministic: the LP is solved by a simplex with a fixed order of
variables, ties are broken by index.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from planner.models.graph import Adjacency

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Share of the band (half-width) the plan aims inside: room for the units' granularity.
INNER = 0.6
#: Prices, per band half-width: lying outside the inner band, outside the band.
INNER_PRICE = 10.0
OUTSIDE_PRICE = 1000.0


def territory_pairs(
    adjacency: Adjacency, assignment: IntArray, movable: NDArray[np.bool_] | None = None
) -> IntArray:
    """Pairs ``(t, s)``, ``t < s``, of territories with a border unit free to cross it."""
    e = adjacency.edges()
    a, b = assignment[e[:, 0]], assignment[e[:, 1]]
    keep = (a != b) & (a >= 0) & (b >= 0)
    if movable is not None:
        keep &= movable[e[:, 0]] | movable[e[:, 1]]
    pairs = np.column_stack([np.minimum(a, b), np.maximum(a, b)])[keep]
    if pairs.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(pairs, axis=0).astype(np.int64)


def plan_transfers(
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    pairs: IntArray,
    *,
    disruption_per_unit: FloatArray,
    budget: float = np.inf,
    inner: float = INNER,
) -> FloatArray:
    """Flows per pair and measure (from ``pairs[:, 0]`` to ``pairs[:, 1]``; negative: back).

    ``values``, ``lower``, ``upper``: per territory and measure (k, m).
    ``disruption_per_unit``: disruption weight (e.g. accounts) a flow of one unit of each
    measure costs, shape (m,). ``budget``: the most disruption all flows together may cost.
    The programme minimises, in band half-widths, how far territories end outside the inner
    ``inner`` of their bands (:data:`INNER_PRICE`) and outside their bands
    (:data:`OUTSIDE_PRICE`), plus the disruption of the flows (a border's disruption is its
    largest measure flow in disruption weight), one half-width's worth of disruption per
    border costing 1.
    """
    from ortools.linear_solver import pywraplp

    k, m = values.shape
    n_pairs = int(pairs.shape[0])
    flows = np.zeros((n_pairs, m))
    if n_pairs == 0 or k == 0:
        return flows
    mid = 0.5 * (lower + upper)
    half = np.maximum(0.5 * (upper - lower), 1e-9 * (np.abs(mid) + 1.0))
    # Scale every measure by its typical half-width so the programme is well conditioned.
    h = np.median(half, axis=0)
    h = np.where(h > 0, h, 1.0)
    v, lo_in, hi_in = values / h, (mid - inner * half) / h, (mid + inner * half) / h
    band = (1.0 - inner) * half / h
    dis = np.asarray(disruption_per_unit, dtype=np.float64) * h  # per scaled flow unit
    dscale = float(np.median(dis[dis > 0])) if np.any(dis > 0) else 1.0

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - OR-Tools always has GLOP
        return flows
    inf = solver.infinity()
    fp = [[solver.NumVar(0.0, inf, "") for _ in range(m)] for _ in range(n_pairs)]
    fn = [[solver.NumVar(0.0, inf, "") for _ in range(m)] for _ in range(n_pairs)]
    z = [solver.NumVar(0.0, inf, "") for _ in range(n_pairs)]
    objective = solver.Objective()
    for e in range(n_pairs):
        objective.SetCoefficient(z[e], 1.0)
        for j in range(m):
            if dis[j] > 0:
                c = solver.Constraint(0.0, inf)
                c.SetCoefficient(z[e], 1.0)
                c.SetCoefficient(fp[e][j], -dis[j] / dscale)
                c.SetCoefficient(fn[e][j], -dis[j] / dscale)
            else:
                objective.SetCoefficient(fp[e][j], 1e-3)
                objective.SetCoefficient(fn[e][j], 1e-3)
    if np.isfinite(budget):
        cap = solver.Constraint(0.0, max(float(budget), 0.0) / dscale)
        for e in range(n_pairs):
            cap.SetCoefficient(z[e], 1.0)
    incident: list[list[tuple[int, float]]] = [[] for _ in range(k)]
    for e, (t, s) in enumerate(pairs.tolist()):
        incident[t].append((e, -1.0))
        incident[s].append((e, 1.0))
    for t in range(k):
        if not incident[t]:
            continue
        for j in range(m):
            # v + inflow - outflow = value after; within the inner band up to the slacks.
            up_in = solver.NumVar(0.0, float(band[t, j]), "")
            up_out = solver.NumVar(0.0, inf, "")
            dn_in = solver.NumVar(0.0, float(band[t, j]), "")
            dn_out = solver.NumVar(0.0, inf, "")
            for var, price in ((up_in, INNER_PRICE), (dn_in, INNER_PRICE)):
                objective.SetCoefficient(var, price)
            for var in (up_out, dn_out):
                objective.SetCoefficient(var, OUTSIDE_PRICE)
            hi_c = solver.Constraint(-inf, float(hi_in[t, j] - v[t, j]))
            lo_c = solver.Constraint(float(lo_in[t, j] - v[t, j]), inf)
            for e, sign in incident[t]:
                for c in (hi_c, lo_c):
                    c.SetCoefficient(fp[e][j], sign)
                    c.SetCoefficient(fn[e][j], -sign)
            hi_c.SetCoefficient(up_in, -1.0)
            hi_c.SetCoefficient(up_out, -1.0)
            lo_c.SetCoefficient(dn_in, 1.0)
            lo_c.SetCoefficient(dn_out, 1.0)
    objective.SetMinimization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return flows
    for e in range(n_pairs):
        for j in range(m):
            flows[e, j] = (fp[e][j].solution_value() - fn[e][j].solution_value()) * h[j]
    return flows


#: Price of a unit of disruption weight (an account) moved, per band half-width of the
#: measure it is counted in: one half-width's worth of accounts costs ``MOVE_PRICE``.
MOVE_PRICE = 1.0
#: Price of lying outside the inner band (per half-width) in the unit-level programme.
INNER_PRICE_UNITS = 1.0


def plan_unit_moves(
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    units: IntArray,
    source: IntArray,
    target: IntArray,
    passed: FloatArray,
    weight: FloatArray,
    *,
    budget: float = np.inf,
    churn_left: FloatArray | None = None,
    inner: float = INNER,
    weight_measure: int | None = None,
    parent: IntArray | None = None,
) -> FloatArray:
    """How much of every candidate move to make (0–1): the unit-level flow programme.

    Candidate ``c`` moves unit ``units[c]`` from territory ``source[c]`` to its neighbour
    ``target[c]``, passing ``passed[c]`` (per measure) and costing ``weight[c]`` of
    disruption. The linear programme (OR-Tools GLOP) chooses fractions of the candidates
    (each unit at most once in all) so that every territory ends within the inner
    ``inner`` of its bands where it can (outside the band priced :data:`OUTSIDE_PRICE` per
    half-width, outside the inner band :data:`INNER_PRICE_UNITS`), at the least
    disruption (:data:`MOVE_PRICE` per half-width's worth of ``weight_measure``, by default
    the measure whose total is nearest the disruption weight's), within ``budget`` and the
    territories' ``churn_left`` (a move counts against both territories it touches).
    Chains across several territories come out of it by themselves: a territory may take
    units from one neighbour and give others to the next. ``parent[c]`` (-1 for none): a
    move that may only be made as far as that other move is (a unit deeper inside goes
    only with the unit between it and the border). Returns the fraction per candidate.
    """
    from ortools.linear_solver import pywraplp

    k, m = values.shape
    nc = int(units.size)
    out = np.zeros(nc)
    if nc == 0:
        return out
    mid = 0.5 * (lower + upper)
    half = np.maximum(0.5 * (upper - lower), 1e-9 * (np.abs(mid) + 1.0))
    h = np.median(half, axis=0)
    h = np.where(h > 0, h, 1.0)
    if weight_measure is None:
        totals = values.sum(axis=0)
        weight_measure = int(
            np.argmin(np.abs(np.log(np.maximum(totals, 1e-12) / max(weight.sum(), 1e-12))))
        )
    # Disruption weight per half-width of the weight measure.
    per_half = float(h[weight_measure]) * float(
        weight.sum() / max(passed[:, weight_measure].sum(), 1e-12)
    )
    price = MOVE_PRICE / max(per_half, 1e-12)
    v, lo_in, hi_in = values / h, (mid - inner * half) / h, (mid + inner * half) / h
    band = (1.0 - inner) * half / h
    p = passed / h

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - OR-Tools always has GLOP
        return out
    inf = solver.infinity()
    lam = [solver.NumVar(0.0, 1.0, "") for _ in range(nc)]
    objective = solver.Objective()
    for c in range(nc):
        objective.SetCoefficient(lam[c], float(weight[c]) * price + 1e-6)
    if parent is not None:
        for c in np.flatnonzero(parent >= 0).tolist():
            follow = solver.Constraint(-inf, 0.0)
            follow.SetCoefficient(lam[c], 1.0)
            follow.SetCoefficient(lam[int(parent[c])], -1.0)
    # Each unit moves at most once.
    order = np.argsort(units, kind="stable")
    su = units[order]
    starts = np.flatnonzero(np.r_[True, su[1:] != su[:-1]])
    ends = np.r_[starts[1:], su.size]
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a > 1:
            once = solver.Constraint(0.0, 1.0)
            for c in order[a:b].tolist():
                once.SetCoefficient(lam[c], 1.0)
    if np.isfinite(budget):
        cap = solver.Constraint(0.0, max(float(budget), 0.0))
        for c in range(nc):
            cap.SetCoefficient(lam[c], float(weight[c]))
    touching: list[list[tuple[int, float]]] = [[] for _ in range(k)]
    for c, (f, t) in enumerate(zip(source.tolist(), target.tolist(), strict=True)):
        touching[f].append((c, -1.0))
        touching[t].append((c, 1.0))
    for t in range(k):
        if not touching[t]:
            continue
        if churn_left is not None and np.isfinite(churn_left[t]):
            churn = solver.Constraint(0.0, max(float(churn_left[t]), 0.0))
            for c, _ in touching[t]:
                churn.SetCoefficient(lam[c], float(weight[c]))
        for j in range(m):
            # value after = v + Σ sign · passed; within the inner band up to the slacks.
            after = solver.NumVar(-inf, inf, "")
            define = solver.Constraint(float(v[t, j]), float(v[t, j]))
            define.SetCoefficient(after, 1.0)
            for c, sign in touching[t]:
                if p[c, j] != 0.0:
                    define.SetCoefficient(lam[c], -sign * float(p[c, j]))
            up_in = solver.NumVar(0.0, float(band[t, j]), "")
            dn_in = solver.NumVar(0.0, float(band[t, j]), "")
            up_out = solver.NumVar(0.0, inf, "")
            dn_out = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(up_in, INNER_PRICE_UNITS)
            objective.SetCoefficient(dn_in, INNER_PRICE_UNITS)
            objective.SetCoefficient(up_out, OUTSIDE_PRICE)
            objective.SetCoefficient(dn_out, OUTSIDE_PRICE)
            hi_c = solver.Constraint(-inf, float(hi_in[t, j]))
            hi_c.SetCoefficient(after, 1.0)
            hi_c.SetCoefficient(up_in, -1.0)
            hi_c.SetCoefficient(up_out, -1.0)
            lo_c = solver.Constraint(float(lo_in[t, j]), inf)
            lo_c.SetCoefficient(after, 1.0)
            lo_c.SetCoefficient(dn_in, 1.0)
            lo_c.SetCoefficient(dn_out, 1.0)
    objective.SetMinimization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return out
    return np.array([lam[c].solution_value() for c in range(nc)])
