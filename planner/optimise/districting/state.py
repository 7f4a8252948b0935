"""The search state: an assignment with its running values, centres and disruption."""

from __future__ import annotations

import math

import numpy as np

from planner.optimise.districting.problem import (
    BUDGET_OVER_WEIGHT,
    DIAMETER_POWER,
    DISRUPTION_WEIGHT,
    WORK,
    WORK_APPLY,
    WORK_PER_EDGE,
    WORK_PER_UNIT,
    FloatArray,
    IntArray,
    Problem,
    band_penalty,
    band_z,
)
from planner.optimise.graph import ContiguityCache

#: Without contiguity, a unit may join the territories of this many nearest centres too.
NEAR_CENTRES = 2


def territory_centres(prob: Problem, assignment: IntArray) -> FloatArray:
    """Fixed centres, else each territory's weighted centroid (empty: the overall centroid)."""
    if prob.fixed_centres is not None:
        return prob.fixed_centres
    k = prob.k
    ok = assignment >= 0
    w = prob.cweight[ok] + 1e-9
    tot = np.bincount(assignment[ok], weights=w, minlength=k)
    cx = np.bincount(assignment[ok], weights=w * prob.coords[ok, 0], minlength=k)
    cy = np.bincount(assignment[ok], weights=w * prob.coords[ok, 1], minlength=k)
    mean = prob.coords.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.column_stack([cx / tot, cy / tot])
    out[tot == 0] = mean
    return out


class State:
    """Assignment plus running territory values, centres and disruption."""

    def __init__(self, prob: Problem, assignment: IntArray) -> None:
        self.prob = prob
        WORK.ticks += WORK_PER_UNIT * assignment.size
        self.a = assignment.copy()
        self.values = np.zeros((prob.k, prob.x.shape[1]))
        np.add.at(self.values, self.a, prob.x)
        tr = prob.travel
        if tr is not None:
            #: Travel aggregates (visits, stops, area, commute) and travel per territory.
            self.agg = tr.totals(self.a, prob.k)
            self.travel = tr.hours(self.agg, np.arange(prob.k))
            self.values[:, tr.measure] += self.travel
        self.cache = ContiguityCache(prob.adjacency, self.a)
        self.recentre()
        cur = prob.current
        # Placing a unit that had no territory is not a disruption: nobody loses an account.
        self.moved = 0.0 if cur is None else float(prob.dweight[(self.a != cur) & (cur >= 0)].sum())
        #: Per territory: disruption weight lost plus gained against ``current``.
        self.churn = np.zeros(prob.k)
        if cur is not None:
            away = (self.a != cur) & (cur >= 0)
            w = prob.dweight[away]
            self.churn += np.bincount(cur[away], weights=w, minlength=prob.k)[: prob.k]
            self.churn += np.bincount(self.a[away], weights=w, minlength=prob.k)[: prob.k]

    def recentre(self) -> None:
        prob = self.prob
        WORK.ticks += WORK_PER_UNIT * prob.x.shape[0]
        self.centres = territory_centres(prob, self.a)
        # Distance of every unit to every centre, in territory radii, times its weight.
        d = np.hypot(
            prob.coords[:, 0][:, None] - self.centres[:, 0][None, :],
            prob.coords[:, 1][:, None] - self.centres[:, 1][None, :],
        )
        if prob.objective == "diameter":
            # Geometry only: the extent of a territory does not depend on its accounts.
            self.dcost = (d / prob.scale) ** DIAMETER_POWER
        else:
            self.dcost = prob.cweight[:, None] * d / prob.scale

    def total_penalty(self) -> float:
        p = self.prob
        return float(band_penalty(self.values, p.lower, p.upper)[p.active].sum())

    def violation(self) -> float:
        """Total distance outside the bands, in band half-widths (0 = all bands met)."""
        p = self.prob
        z = np.maximum(np.abs(band_z(self.values, p.lower, p.upper)) - 1.0, 0.0)
        return float(z[p.active].sum())

    def compact_cost(self) -> float:
        if self.prob.objective == "cut_edges":
            e = self.prob.adjacency.edges()
            return float(np.count_nonzero(self.a[e[:, 0]] != self.a[e[:, 1]]))
        return float(self.dcost[np.arange(self.a.size), self.a].sum())

    def disruption_delta(self, u: IntArray, src: IntArray, dst: IntArray) -> FloatArray:
        cur = self.prob.current
        if cur is None:
            return np.zeros(u.shape)
        w = self.prob.dweight[u]
        return np.where(src == cur[u], w, 0.0) - np.where(dst == cur[u], w, 0.0)

    def after_move(
        self, u: IntArray, src: IntArray, dst: IntArray
    ) -> tuple[FloatArray, FloatArray]:
        """Values of ``src`` and ``dst`` after moving each ``u[i]`` (exact, with travel)."""
        p = self.prob
        xu = p.x[u]
        va = self.values[src] - xu
        vb = self.values[dst] + xu
        tr = p.travel
        if tr is not None:
            j = tr.measure
            va[:, j] += tr.hours(self.agg[src] - tr.contribution(u, src), src) - self.travel[src]
            vb[:, j] += tr.hours(self.agg[dst] + tr.contribution(u, dst), dst) - self.travel[dst]
        return va, vb

    def move_delta(self, u: IntArray, src: IntArray, dst: IntArray) -> FloatArray:
        """Objective change of moving each ``u[i]`` from ``src[i]`` to ``dst[i]`` (vectorised)."""
        p = self.prob
        va, vb = self.values[src], self.values[dst]
        na, nb = self.after_move(u, src, dst)
        bal = (
            band_penalty(na, p.lower[src], p.upper[src])
            - band_penalty(va, p.lower[src], p.upper[src])
            + band_penalty(nb, p.lower[dst], p.upper[dst])
            - band_penalty(vb, p.lower[dst], p.upper[dst])
        )
        if p.objective == "cut_edges":
            a = self.a
            comp = np.array(
                [
                    sum(1 for v in p.lists[i] if a[v] == s)
                    - sum(1 for v in p.lists[i] if a[v] == d)
                    for i, s, d in zip(u.tolist(), src.tolist(), dst.tolist(), strict=True)
                ],
                dtype=np.float64,
            )
        else:
            comp = self.dcost[u, dst] - self.dcost[u, src]
        out = bal + comp
        if p.current is not None:
            dd = self.disruption_delta(u, src, dst)
            out = out + disruption_cost(p, self.moved + dd) - disruption_cost(p, self.moved)
        return np.asarray(out)

    def apply(self, u: int, dst: int) -> None:
        WORK.ticks += WORK_APPLY
        src = int(self.a[u])
        cur = self.prob.current
        if cur is not None and cur[u] >= 0:
            w = float(self.prob.dweight[u])
            self.moved += (w if src == cur[u] else 0.0) - (w if dst == cur[u] else 0.0)
            for t, d in self._churn_delta(int(cur[u]), src, dst, w):
                self.churn[t] += d
        self.values[src] -= self.prob.x[u]
        self.values[dst] += self.prob.x[u]
        tr = self.prob.travel
        if tr is not None:
            self.agg[src] -= tr.contribution(np.array([u]), src)[0]
            self.agg[dst] += tr.contribution(np.array([u]), dst)[0]
            for t in (src, dst):
                new = float(tr.hours(self.agg[t], t))
                self.values[t, tr.measure] += new - self.travel[t]
                self.travel[t] = new
        self.a[u] = dst
        self.cache.move(u, dst)

    def boundary_moves(self) -> tuple[IntArray, IntArray, IntArray]:
        """Every (unit, from, to) move of a movable unit into an adjacent active territory."""
        p = self.prob
        e = p.adjacency.edges()
        WORK.ticks += 1.0 + WORK_PER_EDGE * e.shape[0]
        a = self.a
        both = np.concatenate([e, e[:, ::-1]])
        u, v = both[:, 0], both[:, 1]
        keep = (a[u] != a[v]) & p.movable[u] & p.active[a[v]] & p.active[a[u]]
        cand = np.column_stack([u[keep], a[v[keep]]])
        if not p.keeps_contiguity and p.k > 1:
            # Without contiguity a unit may also join the territories of its nearest centres.
            free = np.flatnonzero(p.movable & p.active[np.maximum(a, 0)] & (a >= 0))
            near = min(NEAR_CENTRES, p.k - 1)
            order = np.argsort(self.dcost[free], axis=1)[:, : near + 1]
            uu = np.repeat(free, near + 1)
            tt = order.ravel()
            ok = (tt != a[uu]) & p.active[tt]
            cand = np.vstack([cand, np.column_stack([uu[ok], tt[ok]])])
        pairs = np.unique(cand, axis=0)
        if pairs.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return pairs[:, 0], a[pairs[:, 0]], pairs[:, 1]

    @staticmethod
    def _churn_delta(home: int, src: int, dst: int, w: float) -> list[tuple[int, float]]:
        """Churn changes of moving a unit of weight ``w`` (current territory ``home``)."""
        if src == home:
            return [(home, w), (dst, w)]
        if dst == home:
            return [(home, -w), (src, -w)]
        return [(src, -w), (dst, w)]

    def may_join(self, u: int, dst: int) -> bool:
        """Whether ``u`` may join ``dst``: always without contiguity, else if it touches it."""
        return not self.prob.keeps_contiguity or self.cache.touches(u, dst)

    def can_leave(self, u: int) -> bool:
        """Whether ``u`` may leave its territory: always without contiguity, else if that
        does not split the territory."""
        return not self.prob.keeps_contiguity or self.cache.can_leave(u)

    def feasible_move(self, u: int, dst: int) -> bool:
        if not self.can_leave(u):
            return False
        p = self.prob
        if p.current is not None and p.current[u] >= 0:
            cur = int(p.current[u])
            src = int(self.a[u])
            w = float(p.dweight[u])
            delta = (w if src == cur else 0.0) - (w if dst == cur else 0.0)
            if math.isfinite(p.budget) and delta > 0 and self.moved + delta > p.budget + 1e-9:
                return False
            if p.territory_budget is not None:
                for t, d in self._churn_delta(cur, src, dst, w):
                    if d > 0 and self.churn[t] + d > p.territory_budget[t] + 1e-9:
                        return False
        return True


def score_of(st: State) -> tuple[float, float]:
    return (round(st.violation(), 9), st.total_penalty() + compact_and_disruption(st))


def disruption_cost(p: Problem, moved: FloatArray | float) -> FloatArray:
    """Objective cost of a disruption weight ``moved`` (more per unit above a soft budget)."""
    moved = np.asarray(moved, dtype=np.float64)
    cost = DISRUPTION_WEIGHT * moved
    if math.isfinite(p.soft_budget):
        cost = cost + BUDGET_OVER_WEIGHT * np.maximum(moved - p.soft_budget, 0.0)
    return np.asarray(cost / max(float(p.dweight.mean()), 1e-12))


def compact_and_disruption(st: State) -> float:
    p = st.prob
    extra = 0.0
    if p.current is not None:
        extra = float(disruption_cost(p, st.moved))
    return st.compact_cost() + extra
