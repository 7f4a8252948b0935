"""Reporting: the result, shortfalls with their blockers, and explained moves."""

from __future__ import annotations

import math
import time

import numpy as np

from planner.optimise.districting.problem import (
    Blocker,
    BoolArray,
    DistrictingResult,
    FloatArray,
    IntArray,
    MoveExplanation,
    Problem,
    Shortfall,
)
from planner.optimise.districting.state import State
from planner.optimise.graph import connected_components, n_pieces

# --------------------------------------------------------------------------------------------
# Reporting


def _hull(points: FloatArray) -> FloatArray:
    """Convex hull vertices of 2-D points (Andrew's monotone chain)."""
    pts = np.unique(points, axis=0)
    if len(pts) <= 3:
        return pts

    def half(seq: FloatArray) -> list[FloatArray]:
        out: list[FloatArray] = []
        for p in seq:
            while len(out) >= 2:
                (ax, ay), (bx, by) = out[-2], out[-1]
                if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) > 0:
                    break
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def territory_diameters(coords: FloatArray, assignment: IntArray, k: int) -> FloatArray:
    """Largest distance between two units of each territory (0 for fewer than two units)."""
    out = np.zeros(k)
    order = np.argsort(assignment, kind="stable")
    bounds = np.searchsorted(assignment[order], np.arange(k + 1))
    for t in range(k):
        pts = coords[order[bounds[t] : bounds[t + 1]]]
        if len(pts) < 2:
            continue
        hull = _hull(pts) if len(pts) > 32 else pts
        d = np.hypot(hull[:, None, 0] - hull[None, :, 0], hull[:, None, 1] - hull[None, :, 1])
        out[t] = float(d.max())
    return out


def empty_result(
    assignment: IntArray, x: FloatArray, k: int, reason: str, start: float
) -> DistrictingResult:
    m = x.shape[1]
    values = np.zeros((k, m))
    ok = (assignment >= 0) & (assignment < k)
    np.add.at(values, assignment[ok], x[ok])
    target = np.broadcast_to(x.sum(axis=0) / k, (k, m)).copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.where(target > 0, 100.0 * (values - target) / target, 0.0)
    return DistrictingResult(
        assignment=assignment,
        values=values,
        targets=target,
        lower=target,
        upper=target,
        deviation_pct=dev,
        in_band=np.zeros((k, m), dtype=bool),
        contiguous=np.zeros(k, dtype=bool),
        centres=np.zeros((k, 2)),
        compactness=float("nan"),
        cut_edges=0,
        disruption=0.0,
        diameter=np.zeros(k),
        pieces=np.zeros(k, dtype=np.int64),
        messages=[reason],
        status="infeasible",
        elapsed=time.perf_counter() - start,
    )


def build_result(
    prob: Problem,
    assignment: IntArray,
    messages: list[str],
    start: float,
    proven: bool,
    proven_infeasible: bool,
) -> DistrictingResult:
    st = State(prob, assignment)
    k = prob.k
    values = st.values
    eps = 1e-9 * np.maximum(np.abs(prob.upper), 1.0)
    in_band = (values >= prob.lower - eps) & (values <= prob.upper + eps)
    contiguous = np.array([st.cache.is_contiguous(t) for t in range(k)], dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.where(prob.targets > 0, 100.0 * (values - prob.targets) / prob.targets, 0.0)
    total_dw = float(prob.dweight.sum())
    disruption = st.moved / total_dw if prob.current is not None and total_dw > 0 else 0.0
    d_km = np.hypot(
        prob.coords[:, 0] - st.centres[assignment, 0], prob.coords[:, 1] - st.centres[assignment, 1]
    )
    compactness = float((prob.cweight * prob.cweight_mean * d_km).sum())
    e = prob.adjacency.edges()
    cuts = int(np.count_nonzero(assignment[e[:, 0]] != assignment[e[:, 1]]))
    shortfalls = shortfalls_of(prob, st, in_band, contiguous, proven_infeasible)
    moves = explain_moves(prob, st)
    pieces = np.ones(k, dtype=np.int64)
    for t in range(k):
        members = st.cache.members.get(t, ())
        pieces[t] = n_pieces(prob.lists, members) if len(members) else 0
    for t in np.flatnonzero(~contiguous & prob.active).tolist():
        messages.append(f"territory {t} is in {int(pieces[t])} pieces")
    if prob.state is not None and prob.state.is_cancelled():
        status = "cancelled"
    elif not in_band[prob.active].all():
        status = "bands_not_met"
    elif prob.keeps_contiguity and not contiguous[prob.active].all():
        status = "not_contiguous"
    else:
        status = "ok"
    return DistrictingResult(
        assignment=assignment.copy(),
        values=values.copy(),
        targets=prob.targets.copy(),
        lower=prob.lower.copy(),
        upper=prob.upper.copy(),
        deviation_pct=dev,
        in_band=in_band,
        contiguous=contiguous,
        centres=np.asarray(st.centres, dtype=np.float64).copy(),
        compactness=compactness,
        cut_edges=cuts,
        disruption=disruption,
        shortfalls=shortfalls,
        moves=moves,
        messages=messages,
        status=status,
        proven_optimal=proven and status == "ok",
        elapsed=time.perf_counter() - start,
        diameter=territory_diameters(prob.coords, assignment, k),
        pieces=pieces,
        contiguity=prob.contiguity,
    )


def shortfalls_of(
    prob: Problem,
    st: State,
    in_band: BoolArray,
    contiguous: BoolArray,
    proven_infeasible: bool,
) -> list[Shortfall]:
    out: list[Shortfall] = []
    x = prob.x
    width = prob.upper - prob.lower
    # Units reachable by each territory: its own and the movable units connected to it.
    pool_mask = prob.movable.copy()
    comp = connected_components(prob.adjacency, pool_mask | (prob.fixed >= 0))
    active_pool = prob.active[st.a]
    totals_lo = prob.lower[prob.active].sum(axis=0)
    totals_hi = prob.upper[prob.active].sum(axis=0)
    pool_total = x[active_pool | prob.movable].sum(axis=0)
    budget_used = math.isfinite(prob.budget) and st.moved >= 0.98 * prob.budget
    for t, j in zip(*np.nonzero(~in_band), strict=True):
        t, j = int(t), int(j)
        if not prob.active[t]:
            continue
        value = float(st.values[t, j])
        over = value > prob.upper[t, j]
        amount = value - prob.upper[t, j] if over else prob.lower[t, j] - value
        blockers: list[Blocker] = []
        name = prob.names[j]
        members = np.flatnonzero(st.a == t)
        locked_here = members[prob.fixed[members] == t]
        travel_column = prob.travel is not None and j == prob.travel.measure
        if not travel_column and (
            pool_total[j] > totals_hi[j] + 1e-9 or pool_total[j] < totals_lo[j] - 1e-9
        ):
            blockers.append(
                Blocker(
                    "totals",
                    (),
                    f"the territories' {name} total {pool_total[j]:,.4g} cannot fit their bands "
                    f"(sum {totals_lo[j]:,.4g} to {totals_hi[j]:,.4g})",
                )
            )
        if over and x[locked_here, j].sum() > prob.upper[t, j]:
            blockers.append(
                Blocker(
                    "locked",
                    tuple(locked_here.tolist()),
                    f"its {locked_here.size} locked units alone hold {x[locked_here, j].sum():,.4g}"
                    f" {name}, above the band's upper {prob.upper[t, j]:,.4g}",
                )
            )
        big = members[x[members, j] > width[t, j] + 1e-12] if over else np.zeros(0, int)
        if not over:
            nbrs = sorted({v for u in members.tolist() for v in prob.lists[u] if st.a[v] != t})
            nb = np.asarray(nbrs, dtype=np.int64)
            if nb.size:
                locked_nb = nb[(prob.fixed[nb] >= 0) & (prob.fixed[nb] != t)]
                if locked_nb.size == nb.size:
                    blockers.append(
                        Blocker(
                            "locked",
                            tuple(locked_nb.tolist()),
                            "every neighbouring unit is locked to another territory",
                        )
                    )
                big = nb[x[nb, j] > width[t, j] + 1e-12]
            labels = set(comp[members].tolist()) - {-1}
            reach = np.isin(comp, list(labels)) & (prob.movable | (st.a == t))
            if x[reach, j].sum() < prob.lower[t, j]:
                blockers.append(
                    Blocker(
                        "disconnected",
                        (),
                        f"only {x[reach, j].sum():,.4g} {name} is reachable through "
                        "connected, movable units",
                    )
                )
        if big.size:
            blockers.append(
                Blocker(
                    "indivisible_unit",
                    tuple(big.tolist()),
                    f"{big.size} unit(s) at this border each hold more {name} than the band is "
                    f"wide ({width[t, j]:,.4g}), so moving one jumps across the band",
                )
            )
        if not contiguous[t]:
            blockers.append(
                Blocker(
                    "disconnected",
                    (),
                    "the territory is in pieces (locked or island units), so units cannot "
                    "flow between them",
                )
            )
        if budget_used:
            blockers.append(Blocker("disruption_budget", (), "the disruption budget is used up"))
        elif (
            prob.territory_budget is not None
            and st.churn[t] >= 0.98 * prob.territory_budget[t] - 1e-9
        ):
            blockers.append(
                Blocker("disruption_budget", (), "its own (per rep) disruption budget is used up")
            )
        if proven_infeasible:
            blockers.append(
                Blocker(
                    "proven_infeasible",
                    (),
                    "no contiguous assignment meets every band (proved by the exact model)",
                )
            )
        if prob.stopped:
            blockers.append(Blocker("stopped", (), "the search was cancelled or ran out of time"))
        if not blockers:
            blockers.append(
                Blocker(
                    "trade_off",
                    (),
                    "neighbouring territories are at their own limits, or the moves that would "
                    "fix this push another measure out of its band",
                )
            )
        target = float(prob.targets[t, j])
        out.append(
            Shortfall(
                territory=t,
                measure=j,
                measure_name=name,
                value=value,
                target=target,
                lower=float(prob.lower[t, j]),
                upper=float(prob.upper[t, j]),
                amount=float(amount),
                deviation_pct=100.0 * (value - target) / target if target > 0 else 0.0,
                blockers=tuple(blockers),
            )
        )
    return out


def explain_moves(prob: Problem, st: State) -> list[MoveExplanation]:
    cur = prob.current
    if cur is None:
        return []
    moved = np.flatnonzero((st.a != cur) & (cur >= 0))
    if moved.size == 0:
        return []
    v = st.values
    x = prob.x
    tg = np.maximum(prob.targets, 1e-12)
    dist_km = np.hypot(
        prob.coords[:, 0][:, None] - st.centres[:, 0][None, :],
        prob.coords[:, 1][:, None] - st.centres[:, 1][None, :],
    )
    out: list[MoveExplanation] = []
    for u in moved.tolist():
        a, b = int(cur[u]), int(st.a[u])
        # Counterfactual: the same final plan with this one unit put back.
        before_a, before_b = v[a] + x[u], v[b] - x[u]
        gain = (
            np.abs(before_a - prob.targets[a]) / tg[a]
            + np.abs(before_b - prob.targets[b]) / tg[b]
            - np.abs(v[a] - prob.targets[a]) / tg[a]
            - np.abs(v[b] - prob.targets[b]) / tg[b]
        )
        improved = tuple(int(j) for j in np.flatnonzero(gain > 1e-9))
        compact = float(prob.cweight[u] * (dist_km[u, a] - dist_km[u, b]))
        parts = []
        for j in improved:
            parts.append(
                f"{prob.names[j]}: territory {a} {100 * (before_a[j] / tg[a, j] - 1):+.1f} % → "
                f"{100 * (v[a, j] / tg[a, j] - 1):+.1f} %, territory {b} "
                f"{100 * (before_b[j] / tg[b, j] - 1):+.1f} % → {100 * (v[b, j] / tg[b, j] - 1):+.1f} %"
            )
        if compact > 1e-9:
            parts.append(f"{dist_km[u, a] - dist_km[u, b]:.3g} km closer to its territory centre")
        if not parts:
            parts.append("made room for other moves (contiguity) at a small cost")
        out.append(
            MoveExplanation(
                unit=u,
                from_territory=a,
                to_territory=b,
                measures=improved,
                compactness_gain=compact,
                reason="; ".join(parts),
            )
        )
    return out
