"""Transfers across the territory graph: which border units go to which neighbour.

A rebalance after a regional market change (potential up a quarter in one region, down in
another) leaves whole groups of neighbouring territories out of band on the same side. No
move between two neighbours fixes that: the surplus has to travel across several
territories to where there is room, and a rebalance part (which keeps whole territories)
cannot carry it past its own border.

:func:`plan_unit_moves` plans those journeys as one linear programme (OR-Tools GLOP) over
the candidate moves of border units to a neighbouring territory: each candidate has the
measures it carries and the disruption it costs, the programme chooses how much of each
to make so that every territory ends in (the inner part of) its band at the least
disruption, within the total and per-territory budgets. A territory may take units from
one neighbour and give others to the next, so chains across several territories come out
of it by themselves, with the real mix of measures the border units carry (a territory
short of potential but full of accounts swaps low-potential units for high-potential
ones). :func:`planner.optimise.decompose.transfer_rounds` makes the planned moves that keep
the territories connected and plans again from the new borders.

(A programme over territories alone, flows of each measure per shared border, was tried
first: it ignores that a unit carries all measures at once, and realising its flows unit by
unit stalled; see ``docs/national.md``.)

Everything is deterministic: the simplex runs on a fixed order of variables and ties are
broken by index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.optimise.highs_mip import solve_with_highs

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Share of the band (half-width) the plan aims inside: room for the units' granularity.
INNER = 0.6
#: Price of lying outside the band, per band half-width.
OUTSIDE_PRICE = 1000.0
#: Price of a unit of disruption weight (an account) moved, per band half-width of the
#: measure it is counted in: one half-width's worth of accounts costs ``MOVE_PRICE``.
MOVE_PRICE = 1.0
#: Price of lying outside the inner band (per half-width) in the unit-level programme.
INNER_PRICE_UNITS = 1.0


def move_price(
    values: FloatArray,
    h: FloatArray,
    passed: FloatArray,
    weight: FloatArray,
    weight_measure: int | None = None,
) -> float:
    """Price of one unit of disruption weight: :data:`MOVE_PRICE` per half-width's worth
    (``h``) of ``weight_measure``, by default the measure whose total is nearest the
    disruption weight's."""
    if weight_measure is None:
        totals = values.sum(axis=0)
        weight_measure = int(
            np.argmin(np.abs(np.log(np.maximum(totals, 1e-12) / max(weight.sum(), 1e-12))))
        )
    per_half = float(h[weight_measure]) * float(
        weight.sum() / max(passed[:, weight_measure].sum(), 1e-12)
    )
    return MOVE_PRICE / max(per_half, 1e-12)


def _move_rows(
    solver: Any,
    lam: list[Any],
    parent: IntArray | None,
    units: IntArray,
    weight: FloatArray,
    budget: float,
    source: IntArray,
    target: IntArray,
    k: int,
) -> list[list[tuple[int, float]]]:
    """The rows both transfer programmes share; the moves touching each territory (+1 in).

    A move follows its parent (it goes only as far as the move before it in its chain),
    each unit moves at most once, and the moves' weight stays within ``budget``.
    """
    if parent is not None:
        for c in np.flatnonzero(parent >= 0).tolist():
            follow = solver.Constraint(-solver.infinity(), 0.0)
            follow.SetCoefficient(lam[c], 1.0)
            follow.SetCoefficient(lam[int(parent[c])], -1.0)
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
        for c in range(len(lam)):
            cap.SetCoefficient(lam[c], float(weight[c]))
    touching: list[list[tuple[int, float]]] = [[] for _ in range(k)]
    for c, (f, t) in enumerate(zip(source.tolist(), target.tolist(), strict=True)):
        touching[f].append((c, -1.0))
        touching[t].append((c, 1.0))
    return touching


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
    reweight: int = 0,
) -> FloatArray:
    """How much of every candidate move to make (0–1): the unit-level flow programme.

    Candidate ``c`` moves unit ``units[c]`` from territory ``source[c]`` to its neighbour
    ``target[c]``, passing ``passed[c]`` (per measure) and costing ``weight[c]`` of
    disruption. The linear programme (OR-Tools GLOP) chooses fractions of the candidates
    (each unit at most once in all; no territory planned further outside its band than it
    lies now) so that every territory ends within the inner
    ``inner`` of its bands where it can (outside the band priced :data:`OUTSIDE_PRICE` per
    half-width, outside the inner band :data:`INNER_PRICE_UNITS`), at the least
    disruption (:data:`MOVE_PRICE` per half-width's worth of ``weight_measure``, by default
    the measure whose total is nearest the disruption weight's), within ``budget`` and the
    territories' ``churn_left`` (a move counts against both territories it touches).
    Chains across several territories come out of it by themselves: a territory may take
    units from one neighbour and give others to the next. ``parent[c]`` (-1 for none): a
    move that may only be made as far as that other move is (a unit deeper inside goes
    only with the unit between it and the border). ``reweight``: solves again that many
    times with every territory's price for lying outside its band divided by how far
    outside the previous solution left it (plus one half-width), so that a budget too
    small for every territory goes to those it can bring in rather than a little to each
    (reweighted L1, a standard approximation of counting territories in band). Returns the
    fraction per candidate.
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
    price = move_price(values, h, passed, weight, weight_measure)
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
    touching = _move_rows(solver, lam, parent, units, weight, budget, source, target, k)
    outside: list[tuple[int, Any, Any]] = []
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
            # No territory is planned further outside its band than it lies now.
            over = max(float(v[t, j] - (mid[t, j] + half[t, j]) / h[j]), 0.0)
            under = max(float((mid[t, j] - half[t, j]) / h[j] - v[t, j]), 0.0)
            up_out = solver.NumVar(0.0, over + 1e-9, "")
            dn_out = solver.NumVar(0.0, under + 1e-9, "")
            objective.SetCoefficient(up_in, INNER_PRICE_UNITS)
            objective.SetCoefficient(dn_in, INNER_PRICE_UNITS)
            objective.SetCoefficient(up_out, OUTSIDE_PRICE)
            objective.SetCoefficient(dn_out, OUTSIDE_PRICE)
            outside.append((t, up_out, dn_out))
            hi_c = solver.Constraint(-inf, float(hi_in[t, j]))
            hi_c.SetCoefficient(after, 1.0)
            hi_c.SetCoefficient(up_in, -1.0)
            hi_c.SetCoefficient(up_out, -1.0)
            lo_c = solver.Constraint(float(lo_in[t, j]), inf)
            lo_c.SetCoefficient(after, 1.0)
            lo_c.SetCoefficient(dn_in, 1.0)
            lo_c.SetCoefficient(dn_out, 1.0)
    objective.SetMinimization()
    for attempt in range(reweight + 1):
        if attempt:
            miss = np.zeros(k)
            for t, up, dn in outside:
                miss[t] += up.solution_value() + dn.solution_value()
            for t, up, dn in outside:
                objective.SetCoefficient(up, OUTSIDE_PRICE / (1.0 + miss[t]))
                objective.SetCoefficient(dn, OUTSIDE_PRICE / (1.0 + miss[t]))
        status = solver.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return out
        out = np.array([lam[c].solution_value() for c in range(nc)])
    return out


#: Share of the band (half-width) a territory counted in band aims inside, in the counting
#: programme: room for rounding the fractions to whole units.
COUNT_AIM = 0.8
#: Price of lying outside the band (per half-width) for a territory the counting programme
#: leaves out: it still moves towards its band where nothing else pays for it.
COUNT_OUTSIDE_PRICE = 0.01
#: Branch-and-bound nodes of the counting programme (HiGHS; a counted limit, so the same
#: model gives the same plan on a busy machine) and its wall-clock safety in seconds.
COUNT_NODES = 200
COUNT_SAFETY_S = 600.0
#: Relative gap at which the counting programme stops (of the count: 1 % of 250 in band
#: is 2.5 territories); the sub-MIP heuristics are off (RINS took 60 of 100 s for one).
COUNT_GAP = 0.01
#: HiGHS options of the counting programme beyond those :func:`solve_with_highs` sets
#: (one thread, seed 0, the node limit and gap): the sub-MIP heuristics are off.
COUNT_HIGHS_OPTIONS: dict[str, bool | int | float | str] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
}


def plan_count_moves(
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
    parent: IntArray | None = None,
    aim: float = COUNT_AIM,
    nodes: int = COUNT_NODES,
    cancelled: Callable[[], bool] | None = None,
    whole: bool = False,
    stats: dict[str, int] | None = None,
) -> tuple[FloatArray, int]:
    """How much of every candidate move to make so that the most territories end in band.

    The candidates, budgets and ``parent`` rule are those of :func:`plan_unit_moves`; the
    programme is a mixed-integer one (HiGHS, one thread, ``nodes`` branch-and-bound nodes):
    a binary per territory says it ends inside the inner ``aim`` of every band, and the
    number of such territories is maximised first, then the distance out of band of the
    others (:data:`COUNT_OUTSIDE_PRICE` per half-width), then the disruption (the whole
    budget's worth costs less than one territory). Every territory stays within its band
    or, if outside, no further out than it lies now (the binary's big-M is exactly that
    distance, so the relaxation is as tight as the band allows). Chains over several
    territories come out of it as in the linear programme, but the programme spends the
    budgets on the territories it can bring in whole, not on a little of each. With
    ``whole`` every candidate is made whole or not at all (a binary, not a fraction: no
    rounding loses what the plan counts, so ``aim`` may be 1); the solve starts from no
    move at all (the territories already inside the aimed bands counted), so the node
    limit leaves at least that plan. Solved through :func:`solve_with_highs` (highspy), which
    keeps the best plan found when the node limit stops it; ``stats`` (when given) receives
    its ``lp_iterations`` and ``nodes`` (the counted work). Returns the fraction per
    candidate and the number of territories the plan has in band (-1 when the solver found
    nothing).
    """
    from ortools.linear_solver import pywraplp

    k, m = values.shape
    nc = int(units.size)
    out = np.zeros(nc)
    if nc == 0:
        return out, -1
    mid = 0.5 * (lower + upper)
    half = np.maximum(0.5 * (upper - lower), 1e-9 * (np.abs(mid) + 1.0))
    h = np.median(half, axis=0)
    h = np.where(h > 0, h, 1.0)
    v, p = values / h, passed / h
    lo_b, hi_b = (mid - half) / h, (mid + half) / h
    lo_aim, hi_aim = (mid - aim * half) / h, (mid + aim * half) / h
    lo_any, hi_any = np.minimum(lo_b, v), np.maximum(hi_b, v)
    total_w = float(weight.sum())
    cap_w = min(float(budget), total_w) if np.isfinite(budget) else total_w
    price = 0.5 / max(cap_w, 1e-12)

    # Built with pywraplp, solved by HiGHS through highspy (planner.optimise.highs_mip),
    # which keeps the best plan when the node limit stops it and prints nothing.
    solver = pywraplp.Solver("count", pywraplp.Solver.CBC_MIXED_INTEGER_PROGRAMMING)
    inf = solver.infinity()
    lam = [solver.IntVar(0.0, 1.0, "") if whole else solver.NumVar(0.0, 1.0, "") for _ in range(nc)]
    objective = solver.Objective()
    for c in range(nc):
        objective.SetCoefficient(lam[c], float(weight[c]) * price)
    touching = _move_rows(solver, lam, parent, units, weight, budget, source, target, k)
    z: list[Any] = [None] * k
    for t in range(k):
        if not touching[t]:
            continue
        if churn_left is not None and np.isfinite(churn_left[t]):
            churn = solver.Constraint(0.0, max(float(churn_left[t]), 0.0))
            for c, _ in touching[t]:
                churn.SetCoefficient(lam[c], float(weight[c]))
        z[t] = solver.BoolVar("")
        objective.SetCoefficient(z[t], -1.0)
        for j in range(m):
            # after = v + Σ sign · passed, within [lo_any, hi_any] always and within the
            # aimed band when z: after ≥ lo_aim − (lo_aim − lo_any)(1 − z), and above.
            terms = [(lam[c], sign * float(p[c, j])) for c, sign in touching[t] if p[c, j]]
            dn = solver.NumVar(0.0, inf, "")
            up = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(dn, COUNT_OUTSIDE_PRICE)
            objective.SetCoefficient(up, COUNT_OUTSIDE_PRICE)
            gap_lo = float(lo_aim[t, j] - lo_any[t, j])
            gap_hi = float(hi_any[t, j] - hi_aim[t, j])
            low = solver.Constraint(float(lo_aim[t, j] - v[t, j]) - gap_lo, inf)
            high = solver.Constraint(-inf, float(hi_aim[t, j] - v[t, j]) + gap_hi)
            soft_lo = solver.Constraint(float(lo_b[t, j] - v[t, j]), inf)
            soft_hi = solver.Constraint(-inf, float(hi_b[t, j] - v[t, j]))
            any_lo = solver.Constraint(float(lo_any[t, j] - v[t, j]), inf)
            any_hi = solver.Constraint(-inf, float(hi_any[t, j] - v[t, j]))
            for var, coef in terms:
                for row in (low, high, soft_lo, soft_hi, any_lo, any_hi):
                    row.SetCoefficient(var, coef)
            low.SetCoefficient(z[t], -gap_lo)
            high.SetCoefficient(z[t], gap_hi)
            soft_lo.SetCoefficient(dn, 1.0)
            soft_hi.SetCoefficient(up, -1.0)
    objective.SetMinimization()
    # Start: no move, every territory already inside the aimed bands counted.
    now_in = np.all((v >= lo_aim - 1e-9) & (v <= hi_aim + 1e-9), axis=1)
    hint_vars = list(lam) + [z[t] for t in range(k) if z[t] is not None]
    hint_vals = [0.0] * nc + [float(now_in[t]) for t in range(k) if z[t] is not None]
    outcome = solve_with_highs(
        solver,
        node_limit=nodes,
        hint=(hint_vars, hint_vals),
        rel_gap=COUNT_GAP,
        wall_limit=COUNT_SAFETY_S,
        cancelled=cancelled,
        options=COUNT_HIGHS_OPTIONS,
    )
    if stats is not None:
        stats["lp_iterations"] = outcome.lp_iterations
        stats["nodes"] = outcome.nodes
        stats["optimal"] = int(outcome.status == "optimal")
    if outcome.values is None:
        return out, -1
    got = outcome.values
    out = np.clip(np.array([got[lam[c].index()] for c in range(nc)]), 0.0, 1.0)
    counted = sum(1 for t in range(k) if z[t] is not None and got[z[t].index()] > 0.5)
    return out, counted


#: Integer scale of the chain programme: measures in thousandths of a band half-width.
CHAIN_SCALE = 1000
#: Worth of one more territory in band in the chain programme, in band half-widths of
#: distance out of band (so a count wins over nearly any distance).
CHAIN_IN_BAND_WORTH = 20.0
#: Margin inside the band the chain programme aims at (half-widths): room for the
#: rounding of the integer measures.
CHAIN_MARGIN = 0.02
#: Deterministic time (CP-SAT's own counted work, not seconds) per chain programme.
CHAIN_DETERMINISTIC_TIME = 4.0


def choose_chain_moves(
    values: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    units: IntArray,
    source: IntArray,
    target: IntArray,
    passed: FloatArray,
    weight: FloatArray,
    share: FloatArray,
    neighbours: list[list[int]],
    assignment: IntArray,
    *,
    budget: float = np.inf,
    churn_left: FloatArray | None = None,
    parent: IntArray | None = None,
    price: float | None = None,
    deterministic_time: float = CHAIN_DETERMINISTIC_TIME,
) -> tuple[IntArray, int]:
    """Which of the planned moves to make together, whole: the interlocking chains as one
    integer programme (CP-SAT, one worker, a deterministic time limit).

    The linear programme of :func:`plan_unit_moves` plans fractions; rounding them one
    move at a time breaks the chains it planned (a territory passes potential on only
    if the one before passes it in). This programme takes every candidate the linear one
    used (``share`` > 0) and chooses a whole set of them: most territories in band first
    (:data:`CHAIN_IN_BAND_WORTH` half-widths each), then least distance out of band
    (half-widths), then ``price`` per unit of disruption weight; each unit at most once, a
    ``parent`` move before its child, within ``budget`` and every territory's
    ``churn_left``, no territory further out of its band than now, and a unit only lands
    where it will touch its new territory (a neighbour there that stays, or one that
    moves there too). Whether the territories a set leaves stay connected is checked when
    the moves are made. Returns the chosen candidates (in an order that makes landings
    possible: moves onto a unit that arrives come after it) and the number of territories
    the programme expects in band among those it touches (-1 when it found nothing).
    """
    from ortools.sat.python import cp_model

    support = np.flatnonzero(share > 1e-6)
    if support.size == 0:
        return np.zeros(0, dtype=np.int64), -1
    _k, m = values.shape
    mid = 0.5 * (lower + upper)
    half = np.maximum(0.5 * (upper - lower), 1e-9 * (np.abs(mid) + 1.0))
    h = np.median(half, axis=0)
    h = np.where(h > 0, h, 1.0)
    s_ = float(CHAIN_SCALE)
    if price is None:
        price = move_price(values, h, passed, weight)
    model = cp_model.CpModel()
    z = {int(c): model.new_bool_var("") for c in support.tolist()}
    moves_of_unit: dict[int, list[int]] = {}
    for c in support.tolist():
        moves_of_unit.setdefault(int(units[c]), []).append(int(c))
    for cs in moves_of_unit.values():
        if len(cs) > 1:
            model.add_at_most_one(z[c] for c in cs)
    if parent is not None:
        for c in support.tolist():
            p = int(parent[c])
            if p >= 0:
                if p in z:
                    model.add_implication(z[c], z[p])
                else:
                    model.add(z[c] == 0)
    wint = {c: math.ceil(float(weight[c]) - 1e-9) for c in z}
    if np.isfinite(budget):
        model.add(sum(wint[c] * z[c] for c in z) <= math.floor(max(budget, 0.0) + 1e-9))
    touching: dict[int, list[tuple[int, int]]] = {}
    for c in z:
        touching.setdefault(int(source[c]), []).append((c, -1))
        touching.setdefault(int(target[c]), []).append((c, 1))
    if churn_left is not None:
        for t, pairs in touching.items():
            if np.isfinite(churn_left[t]):
                cap = math.floor(max(float(churn_left[t]), 0.0) + 1e-9)
                model.add(sum(wint[c] * z[c] for c, _ in pairs) <= cap)
    # Landing: the unit touches its new territory afterwards.
    arriving: dict[tuple[int, int], list[int]] = {}
    for c in z:
        arriving.setdefault((int(units[c]), int(target[c])), []).append(c)
    for c in z:
        u, t = int(units[c]), int(target[c])
        stay_terms = []
        sure = False
        for v in neighbours[u]:
            if assignment[v] == t:
                if v not in moves_of_unit:
                    sure = True
                    break
                stay_terms.append(v)
        if sure:
            continue
        rhs = [(1, v) for v in stay_terms]
        expr = sum(1 - sum(z[c2] for c2 in moves_of_unit[v]) for _, v in rhs)
        arrive = [
            z[c2] for v in neighbours[u] if assignment[v] != t for c2 in arriving.get((v, t), [])
        ]
        model.add(z[c] <= expr + sum(arrive))
    # Territories: values after, distance out of band, in band or not.
    inband: list[Any] = []
    dist: list[Any] = []
    pint = np.rint(passed / h * s_).astype(np.int64)
    for t, pairs in sorted(touching.items()):
        b = model.new_bool_var("")
        inband.append(b)
        for j in range(m):
            v0 = round(float(values[t, j]) / h[j] * s_)
            lo = math.ceil(float(lower[t, j]) / h[j] * s_ + CHAIN_MARGIN * s_)
            hi = math.floor(float(upper[t, j]) / h[j] * s_ - CHAIN_MARGIN * s_)
            terms = [(sign * int(pint[c, j]), z[c]) for c, sign in pairs if pint[c, j] != 0]
            after = v0 + sum(a * var for a, var in terms)
            now_out = max(v0 - hi, lo - v0, 0)
            d = model.new_int_var(0, now_out + 10 * CHAIN_SCALE, "")
            model.add(d >= after - hi)
            model.add(d >= lo - after)
            model.add(d <= now_out)
            dist.append(d)
            model.add(after <= hi).only_enforce_if(b)
            model.add(after >= lo).only_enforce_if(b)
    worth = int(CHAIN_IN_BAND_WORTH * CHAIN_SCALE)
    prices = [round(price * float(weight[c]) * s_) for c in z]
    model.maximize(
        worth * sum(inband) - sum(dist) - sum(p * z[c] for p, c in zip(prices, z, strict=True))
    )
    # The linear programme's rounding as a hint.
    for c in z:
        model.add_hint(z[c], bool(share[c] >= 0.5))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = float(deterministic_time)
    # A safety net only: the deterministic time decides (the same choice under any load).
    solver.parameters.max_time_in_seconds = 10.0 * float(deterministic_time) + 30.0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return np.zeros(0, dtype=np.int64), -1
    chosen = [c for c in z if solver.value(z[c])]
    expected = int(sum(solver.value(b) for b in inband))
    # Order: a move whose landing needs an arriving neighbour after that neighbour's move
    # (depth-first over "lands on"), parents before children; otherwise by index.
    chosen_set = set(chosen)
    after_of: dict[int, list[int]] = {c: [] for c in chosen}
    for c in chosen:
        u, t = int(units[c]), int(target[c])
        for v in neighbours[u]:
            for c2 in arriving.get((v, t), []):
                if c2 in chosen_set and c2 != c:
                    after_of[c].append(c2)
        if parent is not None and int(parent[c]) in chosen_set:
            after_of[c].append(int(parent[c]))
    order: list[int] = []
    state: dict[int, int] = {}
    for c in sorted(chosen):
        stack = [(c, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                if state.get(node):
                    continue
                state[node] = 1
            deps = after_of[node]
            if i < len(deps):
                stack.append((node, i + 1))
                if not state.get(deps[i]):
                    stack.append((deps[i], 0))
            else:
                if state[node] == 1:
                    state[node] = 2
                    order.append(node)
    return np.asarray(order, dtype=np.int64), expected


#: Classes of units by their ratio of a measure to their disruption weight in the any-move
#: relaxation: more classes give a tighter bound at a larger programme.
ANY_MOVE_CLASSES = 64
#: Least total distance out of band (band half-widths summed) the any-move relaxation
#: must find before it calls every band out of reach: far above the simplex's tolerances.
ANY_MOVE_PROOF_MARGIN = 1e-3


@dataclass(frozen=True)
class AnyMoveBound:
    """What the any-move relaxation allows (see :func:`any_move_relaxation`)."""

    #: No plan whatever brings every territory in band within the budgets (a proof, up to
    #: :data:`ANY_MOVE_PROOF_MARGIN`, when the start is the baseline: see the function).
    infeasible: bool
    #: The least total distance out of band any plan of the relaxation leaves (band
    #: half-widths summed over territories and measures).
    violation: float
    #: Territories out of band in the relaxation's plan of least violation.
    short: int
    #: Disruption weight that plan moves.
    moved: float
    #: The measures modelled (those that are sums over units).
    measures: tuple[int, ...]


def any_move_relaxation(
    x: FloatArray,
    assignment: IntArray,
    k: int,
    lower: FloatArray,
    upper: FloatArray,
    weight: FloatArray,
    *,
    measures: tuple[int, ...] | None = None,
    budget: float = np.inf,
    churn_left: FloatArray | None = None,
    movable: NDArray[np.bool_] | None = None,
    classes: int = ANY_MOVE_CLASSES,
) -> AnyMoveBound:
    """Whether any plan at all could bring every territory in band: the weakest relaxation.

    Every movable unit may go, in fractions, to any territory whatever (no contiguity, no
    adjacency, no number of hops), within ``budget`` of disruption weight and every
    territory's ``churn_left`` (a move counts its weight against both territories it
    touches, as the per-rep limit does). Only ``measures`` (default: all) are balanced:
    leave out any that is not a sum over units (workload with a travel term), and the
    programme stays a relaxation. Every real rebalance from ``assignment`` is a solution
    of it, so when it cannot bring every territory in band, no plan can (provided
    ``assignment`` is the baseline: a unit already away from it would refund disruption
    by going back, which this programme does not count).

    To stay small (33,000 units and 300 territories give 10 million unit-territory pairs)
    it pools what leaves: every unit's leaving fraction is a variable, and what arrives at
    a territory is drawn from ``classes`` pools of units of similar ratio (by quantiles of
    the most varied measure per unit of weight), each territory taking any mix of a pool
    whose ratio of every measure to weight lies between the pool's least and largest.
    Every real plan's arrivals satisfy that, so pooling only loosens the relaxation.
    Solved once (GLOP) for the least total distance out of band.
    """
    from ortools.linear_solver import pywraplp

    n, m = x.shape
    cols = tuple(range(m)) if measures is None else tuple(int(j) for j in measures)
    w = np.asarray(weight, dtype=np.float64)
    ok = (assignment >= 0) & (np.ones(n, dtype=bool) if movable is None else movable)
    if cols:
        ok &= (w > 0) | np.any(x[:, list(cols)] != 0, axis=1)
    use = np.flatnonzero(ok)
    a = assignment.astype(np.int64)
    values = np.zeros((k, m))
    placed = assignment >= 0
    for j in range(m):
        values[:, j] = np.bincount(a[placed], weights=x[placed, j], minlength=k)[:k]
    mid = 0.5 * (lower + upper)
    half = np.maximum(0.5 * (upper - lower), 1e-9 * (np.abs(mid) + 1.0))
    scale = np.where(np.median(half, axis=0) > 0, np.median(half, axis=0), 1.0)
    wscale = max(float(np.median(w[use])) if use.size else 1.0, 1e-12)
    # Pools: by quantiles of the measure whose ratio to weight varies most; units without
    # weight form a pool of their own (they move free, in any mix).
    heavy = use[w[use] > 0]
    free = use[w[use] <= 0]
    pool_of = np.full(n, -1, dtype=np.int64)
    n_pools = 0
    if heavy.size and cols:
        ratio = x[heavy][:, list(cols)] / w[heavy, None]
        spread = ratio.std(axis=0) / np.maximum(np.abs(ratio.mean(axis=0)), 1e-12)
        key = ratio[:, int(np.argmax(spread))]
        edges = np.unique(np.quantile(key, np.linspace(0.0, 1.0, max(1, classes) + 1)))
        pool_of[heavy] = np.clip(np.searchsorted(edges, key, side="right") - 1, 0, None)
        pool_of[heavy] = np.unique(pool_of[heavy], return_inverse=True)[1]
        n_pools = int(pool_of[heavy].max()) + 1
    if free.size:
        pool_of[free] = n_pools
        n_pools += 1
    lo_r = np.zeros((n_pools, m))
    hi_r = np.zeros((n_pools, m))
    has_weight = np.zeros(n_pools, dtype=bool)
    signed = np.zeros((n_pools, m), dtype=bool)
    for p in range(n_pools):
        members = use[pool_of[use] == p]
        signed[p] = np.any(x[members] < 0, axis=0) if members.size else False
        if members.size and w[members].min() > 0:
            r = x[members] / w[members, None]
            lo_r[p], hi_r[p] = r.min(axis=0), r.max(axis=0)
            has_weight[p] = True

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - OR-Tools always has GLOP
        raise RuntimeError("GLOP is not available")
    inf = solver.infinity()
    y = [solver.NumVar(0.0, 1.0, "") for _ in range(use.size)]
    arrive_w = [[solver.NumVar(0.0, inf, "") for _ in range(n_pools)] for _ in range(k)]
    arrive_x = [
        [
            {j: solver.NumVar(-inf if signed[p, j] else 0.0, inf, "") for j in cols}
            for p in range(n_pools)
        ]
        for _ in range(k)
    ]
    for t in range(k):
        for p in range(n_pools):
            for j in cols:
                if has_weight[p]:
                    # lo_r · weight ≤ arriving measure ≤ hi_r · weight (scaled).
                    c1 = solver.Constraint(-inf, 0.0)
                    c1.SetCoefficient(arrive_x[t][p][j], 1.0 / scale[j])
                    c1.SetCoefficient(arrive_w[t][p], -hi_r[p, j] * wscale / scale[j])
                    c2 = solver.Constraint(0.0, inf)
                    c2.SetCoefficient(arrive_x[t][p][j], 1.0 / scale[j])
                    c2.SetCoefficient(arrive_w[t][p], -lo_r[p, j] * wscale / scale[j])
    # What leaves a pool arrives somewhere: weight and every measure.
    for p in range(n_pools):
        members = np.flatnonzero(pool_of[use] == p)
        cw = solver.Constraint(0.0, 0.0)
        for i in members.tolist():
            cw.SetCoefficient(y[i], float(w[use[i]]) / wscale)
        for t in range(k):
            cw.SetCoefficient(arrive_w[t][p], -1.0)
        for j in cols:
            cx = solver.Constraint(0.0, 0.0)
            for i in members.tolist():
                if x[use[i], j] != 0:
                    cx.SetCoefficient(y[i], float(x[use[i], j]) / scale[j])
            for t in range(k):
                cx.SetCoefficient(arrive_x[t][p][j], -1.0 / scale[j])
    if np.isfinite(budget):
        cap = solver.Constraint(-inf, max(float(budget), 0.0) / wscale)
        for i, u in enumerate(use.tolist()):
            cap.SetCoefficient(y[i], float(w[u]) / wscale)
    own: list[list[int]] = [[] for _ in range(k)]
    for i, u in enumerate(use.tolist()):
        own[int(a[u])].append(i)
    objective = solver.Objective()
    slacks: list[tuple[int, Any, Any]] = []
    for t in range(k):
        if churn_left is not None and np.isfinite(churn_left[t]):
            churn = solver.Constraint(-inf, max(float(churn_left[t]), 0.0) / wscale)
            for i in own[t]:
                churn.SetCoefficient(y[i], float(w[use[i]]) / wscale)
            for p in range(n_pools):
                churn.SetCoefficient(arrive_w[t][p], 1.0)
        for j in cols:
            # (value − what leaves + what arrives) / half ∈ [lower, upper] / half ± slack.
            below = solver.NumVar(0.0, inf, "")
            above = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(below, 1.0)
            objective.SetCoefficient(above, 1.0)
            slacks.append((t, below, above))
            hw = float(half[t, j])
            lo_c = solver.Constraint(float((lower[t, j] - values[t, j]) / hw), inf)
            hi_c = solver.Constraint(-inf, float((upper[t, j] - values[t, j]) / hw))
            for c in (lo_c, hi_c):
                for i in own[t]:
                    if x[use[i], j] != 0:
                        c.SetCoefficient(y[i], -float(x[use[i], j]) / hw)
                for p in range(n_pools):
                    c.SetCoefficient(arrive_x[t][p][j], 1.0 / hw)
            lo_c.SetCoefficient(below, 1.0)
            hi_c.SetCoefficient(above, -1.0)
    objective.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:  # pragma: no cover - the slacks make it feasible
        raise RuntimeError(f"the any-move relaxation ended with status {status}")
    violation = float(objective.Value())
    out = np.zeros(k)
    for t, below, above in slacks:
        out[t] += below.solution_value() + above.solution_value()
    moved = float(sum(y[i].solution_value() * float(w[u]) for i, u in enumerate(use.tolist())))
    return AnyMoveBound(
        infeasible=violation > ANY_MOVE_PROOF_MARGIN,
        violation=violation,
        short=int(np.count_nonzero(out > 1e-9)),
        moved=moved,
        measures=cols,
    )
