"""Proofs that one territory cannot be brought in band by any contiguous plan.

A rebalance within a disruption budget and a per-rep limit may leave territories out of
band because no plan can do better, or because the search missed a plan. This module
settles it for one territory at a time: :func:`prove_out_of_reach` solves a relaxation
that every contiguous plan bringing the territory ``T`` in band satisfies; when the
relaxation cannot, no plan can, and the territory is out of reach (a proof, not an
estimate). When the relaxation can, nothing is claimed.

The relaxation looks only at ``T``: which units join it (``y``) and which of its baseline
units leave (``z``), as fractions. It keeps

* ``T``'s churn (what joins plus what leaves, in disruption weight) within its per-rep
  limit, what ``T`` takes from every other territory within that territory's limit, and
  everything within the budget;
* every additive measure of ``T`` in its band, the measure being proved at its far edge
  only (the objective pushes it toward the near one);
* the travel measure (workload with a travel term) under its upper band, the travel
  ``tour * V * sqrt(A / N)`` replaced by a lower bound linear in what moves: ``N`` at most
  its largest value, ``sqrt(A)`` at least its secant over the area's range, and ``V *
  sqrt(A)`` at least both McCormick planes over the ranges of visits and area. The ranges
  are the relaxation's own least and largest values (tightened by solving it), and the
  area's range is split into cases, each proved apart, where the secant is loose;
* **contiguity**, in two valid forms. A unit ``u`` that joins ``T`` lies on a path inside
  ``T``'s new territory to a unit ``T`` keeps (``T`` keeps one: its limit is less than its
  weight), and every unit of that path before the first kept one joined ``T`` too. So:

  - *separator rows*: for any set ``C`` of units that meets every path from ``u`` to
    ``T``'s baseline, ``y[u] <= sum of y over C``; found for the fractional solution by a
    maximum flow from ``u`` with the ``y`` as node capacities (a minimum cut below
    ``y[u]`` gives a row it violates);
  - *path reduced costs*: with the programme's duals, forcing a unit to join raises the
    dual bound by its reduced cost; forcing a whole path raises it by the path's sum. A
    unit whose cheapest path to ``T`` (node-weighted shortest path, the weights the
    positive reduced costs) costs more than the bound's slack cannot join any plan that
    brings ``T`` in band, and leaves the programme. The cheapest path in weight tells
    first which units lie beyond ``T``'s per-rep limit.

The bound is taken from the duals by weak duality (valid for any dual values, whatever the
solver's tolerances), so a proof does not rest on the simplex's last digits. The work is
counted (rounds per case, cases), not timed: the same inputs give the same verdict on a
busy machine. Solved with HiGHS (one thread) and OR-Tools' maximum flow.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.models.graph import Adjacency, connected_components
from planner.optimise.districting.problem import BoolArray, FloatArray, IntArray, Travel

#: Rounds (programme, elimination, separator rows) per case of the area's range.
ROUNDS = 12
#: How many times a case still open is split in two.
DEPTH = 2
#: A case whose margin stays at this many half-widths or more is not split further.
GIVE_UP = 0.5
#: Units whose maximum flow is computed per round (the largest fractions first).
SEPARATOR_FLOWS = 2000
#: Flow capacities are fractions scaled to integers.
_SCALE = 1_000_000


@dataclass(frozen=True)
class BandProof:
    """What :func:`prove_out_of_reach` found for one territory.

    Attributes
    ----------
    territory, measure : int
        The territory and the measure whose band was tried.
    short : bool
        The measure lies below its band at the baseline (it must grow); else above.
    out_of_reach : bool
        Proven: no contiguous plan within the limits brings the territory in band.
    margin : float
        The largest distance past the near band edge any case of the relaxation allows, in
        band half-widths; negative on a proof (``-inf`` when a case has no solution at
        all). Capped at 2 (the far edge).
    cases : int
        Cases of the area's range solved.
    solves : int
        Linear programmes solved.
    reason : str
        Why nothing could be tried, when that is so ("" otherwise).
    """

    territory: int
    measure: int
    short: bool
    out_of_reach: bool
    margin: float
    cases: int
    solves: int
    reason: str = ""


@dataclass
class _Row:
    idx: IntArray
    val: FloatArray
    lo: float
    hi: float


@dataclass
class _Case:
    v: tuple[float, float]
    a: tuple[float, float]
    n_max: float
    separators: list[tuple[int, IntArray]] = field(default_factory=list)


def prove_out_of_reach(
    x: FloatArray,
    adjacency: Adjacency,
    baseline: IntArray,
    territory: int,
    lower: FloatArray,
    upper: FloatArray,
    weight: FloatArray,
    *,
    churn_limit: FloatArray | None = None,
    budget: float = math.inf,
    travel: Travel | None = None,
    movable: BoolArray | None = None,
    measure: int | None = None,
    rounds: int = ROUNDS,
    depth: int = DEPTH,
    give_up: float = GIVE_UP,
) -> BandProof:
    """Prove, when it is so, that ``territory`` cannot be brought in band.

    ``x`` (n, m): the units' additive measures (the travel measure holds its additive
    part); ``baseline``: the territory per unit the churn and the budget count from (the
    plan's baseline: a proof then holds for every plan within the limits, wherever the
    search started); ``lower``/``upper`` (k, m): the bands; ``weight``: the disruption
    weight per unit (accounts); ``churn_limit`` (k,): the per-rep limits in weight;
    ``budget``: the disruption budget in weight; ``travel``: the travel term of one measure
    (see :class:`~planner.optimise.districting.Travel`); ``movable``: units that may change
    territory (default all). ``adjacency`` must be the graph contiguity is judged on
    (islands linked, as the rebalance does). ``measure``: the additive measure to try
    (default the one furthest out of band at the baseline, in half-widths).
    """
    t = int(territory)
    n, m = x.shape
    base = np.asarray(baseline)
    w = np.asarray(weight, dtype=np.float64)
    lo_t, hi_t = np.asarray(lower, dtype=np.float64)[t], np.asarray(upper, dtype=np.float64)[t]
    mov = np.ones(n, dtype=bool) if movable is None else np.asarray(movable, dtype=bool)
    own = base == t
    tm = None if travel is None else int(travel.measure)
    additive = [j for j in range(m) if j != tm]
    vals = x[own].sum(axis=0)
    half = np.maximum((hi_t - lo_t) / 2.0, 1e-12)
    if measure is None:
        out = [(max(lo_t[j] - vals[j], vals[j] - hi_t[j]) / half[j], j) for j in additive]
        out = [o for o in out if o[0] > 0]
        if not out:
            return BandProof(
                t,
                -1,
                False,
                False,
                math.nan,
                0,
                0,
                "every measure it tries is in band at the baseline",
            )
        measure = max(out)[1]
    j = int(measure)
    short = bool(vals[j] < lo_t[j])

    def nothing(reason: str) -> BandProof:
        return BandProof(t, j, short, False, math.nan, 0, 0, reason)

    if tm == j:
        return nothing("the travel measure is not proved")
    if lo_t[j] <= vals[j] <= hi_t[j]:
        return nothing("in band on this measure at the baseline")
    limit = math.inf if churn_limit is None else float(np.asarray(churn_limit)[t])
    limit = min(limit, float(budget))
    if not limit < float(w[own].sum()):
        # Then the territory could leave every baseline unit, and the contiguity rows
        # (paths to a kept unit) would not hold.
        return nothing("the per-rep limit allows the territory to leave all its units")
    if travel is not None and (
        (travel.fixed is not None and np.isfinite(travel.fixed[t]))
        or (travel.area_fixed is not None and np.isfinite(travel.area_fixed[t]))
    ):
        return nothing("the territory's travel is set, not estimated")
    prover = _Prover(x, adjacency, base, t, lo_t, hi_t, w, churn_limit, limit, travel, mov)
    return prover.run(j, short, rounds, depth, give_up)


class _Prover:
    def __init__(
        self,
        x: FloatArray,
        adjacency: Adjacency,
        base: IntArray,
        t: int,
        lo: FloatArray,
        hi: FloatArray,
        w: FloatArray,
        churn_limit: FloatArray | None,
        limit: float,
        travel: Travel | None,
        movable: BoolArray,
    ) -> None:
        """``limit``: what the territory's churn may reach (its per-rep limit and the budget)."""
        self.x, self.adj, self.base, self.t = x, adjacency, base, t
        self.lo, self.hi, self.w = lo, hi, w
        self.churn = None if churn_limit is None else np.asarray(churn_limit, dtype=np.float64)
        self.travel = travel
        self.limit = limit
        n = adjacency.n
        own = base == t
        self.B = np.flatnonzero(own)
        self.keep_fixed = own & ~movable
        self.movable = movable
        adj_b = np.zeros(n, dtype=bool)
        for u in self.B.tolist():
            adj_b[adjacency.indices[adjacency.indptr[u] : adjacency.indptr[u + 1]]] = True
        self.adj_b = adj_b & ~own
        self.solves = 0
        if travel is not None:
            tv = travel
            off = np.zeros(3) if tv.offset is None else np.asarray(tv.offset, float)[t]
            self.vis = np.asarray(tv.visits, float)
            self.stops = np.asarray(tv.stops, float)
            self.area = np.asarray(tv.area, float)
            self.home = np.asarray(tv.home, float)[:, t]
            self.v0 = float(self.vis[own].sum() + off[0])
            self.n0 = float(self.stops[own].sum() + off[1])
            self.a0 = float(self.area[own].sum())
            self.h0 = float(self.home[own].sum() + off[2])

    # -- graph ---------------------------------------------------------------------

    def _dijkstra(self, cost: FloatArray, allowed: BoolArray) -> FloatArray:
        """Node-weighted cheapest path from the baseline to every allowed unit."""
        ip, ix = self.adj.indptr, self.adj.indices
        dist = np.full(self.adj.n, np.inf)
        heap: list[tuple[float, int]] = []
        for u in np.flatnonzero(self.adj_b & allowed).tolist():
            dist[u] = float(cost[u])
            heap.append((dist[u], u))
        heapq.heapify(heap)
        while heap:
            d, u = heapq.heappop(heap)
            if d > dist[u]:
                continue
            for v in ix[ip[u] : ip[u + 1]].tolist():
                if allowed[v]:
                    nd = d + float(cost[v])
                    if nd < dist[v]:
                        dist[v] = nd
                        heapq.heappush(heap, (nd, v))
        return dist

    # -- the programme ---------------------------------------------------------------

    def _rows(
        self, R: IntArray, case: _Case, objective_row: tuple[int, float, float] | None
    ) -> tuple[list[_Row], int, float]:
        """Rows over the columns ``y[R]``, ``z[B]`` and (with travel) ``w``."""
        inf = math.inf
        B, x, w = self.B, self.x, self.w
        nr, nb = len(R), len(B)
        ncol = nr + nb + (1 if self.travel is not None else 0)
        iy = np.arange(nr)
        iz = nr + np.arange(nb)
        both = np.concatenate([iy, iz])
        rows: list[_Row] = []

        def add(idx: IntArray, val: FloatArray, lo: float, hi: float) -> None:
            rows.append(_Row(np.asarray(idx), np.asarray(val, dtype=np.float64), lo, hi))

        moved = np.concatenate([w[R], w[B]])
        if math.isfinite(self.limit):
            add(both, moved, -inf, self.limit)
        if self.churn is not None:
            giver = self.base[R]
            for g in np.unique(giver[giver >= 0]).tolist():
                sel = giver == g
                add(iy[sel], w[R][sel], -inf, float(self.churn[g]))
        m = x.shape[1]
        tm = None if self.travel is None else int(self.travel.measure)
        for j in range(m):
            if j == tm:
                continue
            delta = np.concatenate([x[R, j], -x[B, j]])
            now = float(x[B, j].sum())
            if objective_row is not None and j == objective_row[0]:
                add(both, delta, objective_row[1] - now, objective_row[2] - now)
            else:
                add(both, delta, float(self.lo[j]) - now, float(self.hi[j]) - now)
        w_hi = 0.0
        if self.travel is not None and tm is not None:
            iw = ncol - 1
            tv = self.travel
            dv = np.concatenate([self.vis[R], -self.vis[B]])
            da = np.concatenate([self.area[R], -self.area[B]])
            dh = np.concatenate([self.home[R], -self.home[B]])
            now = float(x[B, tm].sum())
            k_tour = float(tv.tour) / math.sqrt(max(case.n_max, 1.0))
            add(
                np.concatenate([both, [iw]]),
                np.concatenate([np.concatenate([x[R, tm], -x[B, tm]]) + dh, [k_tour]]),
                -inf,
                float(self.hi[tm]) - now - self.h0,
            )
            add(both, dv, case.v[0] - self.v0, case.v[1] - self.v0)
            add(both, da, case.a[0] - self.a0, case.a[1] - self.a0)
            ds = np.concatenate([self.stops[R], -self.stops[B]])
            add(both, ds, -inf, case.n_max - self.n0)
            a0, a1 = max(case.a[0], 1e-9), max(case.a[1], case.a[0] + 1e-9)
            sb = (math.sqrt(a1) - math.sqrt(a0)) / (a1 - a0)
            sa = math.sqrt(a0) - sb * a0
            for vc, sc in ((case.v[0], math.sqrt(a0)), (case.v[1], math.sqrt(a1))):
                # w >= vc * s(A) + sc * V - vc * sc, with s(A) = sa + sb * A.
                const = vc * (sa + sb * self.a0) + sc * self.v0 - vc * sc
                add(
                    np.concatenate([both, [iw]]),
                    np.concatenate([-(vc * sb * da + sc * dv), [1.0]]),
                    const,
                    inf,
                )
            w_hi = case.v[1] * math.sqrt(max(case.a[1], 0.0)) * (1 + 1e-9) + 1e-9
        pos = np.full(self.adj.n, -1)
        pos[R] = iy
        for u, cut in case.separators:
            if pos[u] < 0:
                continue
            c = pos[cut]
            c = c[c >= 0]
            add(np.concatenate([[pos[u]], c]), np.concatenate([[1.0], -np.ones(len(c))]), -inf, 0.0)
        return rows, ncol, w_hi

    def _solve(
        self,
        R: IntArray,
        case: _Case,
        cost_y: FloatArray,
        cost_z: FloatArray,
        objective_row: tuple[int, float, float] | None,
    ) -> tuple[float, FloatArray, FloatArray] | None:
        """Least of ``cost . (y, z)``: its dual bound, the reduced costs of ``y`` and ``y``.

        ``None`` when the programme has no solution. The bound comes from the row duals by
        weak duality, so it is valid whatever the solver's tolerances.
        """
        import highspy

        from planner.optimise.highs_mip import _silent_highs

        rows, ncol, w_hi = self._rows(R, case, objective_row)
        nr, nb = len(R), len(self.B)
        c = np.zeros(ncol)
        c[:nr], c[nr : nr + nb] = cost_y, cost_z
        col_lo = np.zeros(ncol)
        col_hi = np.ones(ncol)
        if self.travel is not None:
            col_hi[-1] = w_hi
        fixed_b = self.keep_fixed[self.B]
        col_hi[nr : nr + nb][fixed_b] = 0.0
        h: Any = _silent_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("parallel", "off")
        h.setOptionValue("random_seed", 0)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = ncol, len(rows)
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = c, col_lo, col_hi
        big = highspy.kHighsInf
        lp.row_lower_ = np.array([r.lo if math.isfinite(r.lo) else -big for r in rows])
        lp.row_upper_ = np.array([r.hi if math.isfinite(r.hi) else big for r in rows])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0] + [len(r.idx) for r in rows]).astype(np.int32)
        lp.a_matrix_.index_ = np.concatenate([r.idx for r in rows]).astype(np.int32)
        lp.a_matrix_.value_ = np.concatenate([r.val for r in rows])
        h.passModel(lp)
        h.run()
        self.solves += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"band proof: the programme ended {h.modelStatusToString(status)}")
        sol = h.getSolution()
        dual = np.asarray(sol.row_dual, dtype=np.float64)
        value = np.asarray(sol.col_value, dtype=np.float64)
        rc = c.copy()
        bound = 0.0
        for r, d in zip(rows, dual.tolist(), strict=True):
            if d == 0.0:
                continue
            rc[r.idx] -= d * r.val
            edge = r.lo if d > 0 else r.hi
            bound += d * edge if math.isfinite(edge) else -math.inf
        bound += float(np.minimum(rc, 0.0) @ col_hi)
        return bound, rc[:nr], value[:nr]

    def _tighten(self, R: IntArray, case: _Case, j: int, passes: int = 3) -> _Case | None:
        """The case with the ranges of visits, area and stops the relaxation allows."""
        if self.travel is None:
            return case
        band = (j, float(self.lo[j]), float(self.hi[j]))
        B = self.B
        for _ in range(passes):
            got = []
            for cy, cz in (
                (self.vis[R], -self.vis[B]),
                (-self.vis[R], self.vis[B]),
                (self.area[R], -self.area[B]),
                (-self.area[R], self.area[B]),
                (-self.stops[R], self.stops[B]),
            ):
                out = self._solve(R, case, cy, cz, band)
                if out is None:
                    return None
                got.append(out[0])
            v = (max(case.v[0], self.v0 + got[0]), min(case.v[1], self.v0 - got[1]))
            a = (max(case.a[0], self.a0 + got[2]), min(case.a[1], self.a0 - got[3]))
            n_max = min(case.n_max, self.n0 - got[4])
            if v[0] > v[1] + 1e-6 or a[0] > a[1] + 1e-6:
                return None
            v, a = (v[0], max(v)), (a[0], max(a))
            done = abs(v[0] - case.v[0]) + abs(v[1] - case.v[1]) < 1e-6 * max(1.0, v[1]) and abs(
                a[0] - case.a[0]
            ) + abs(a[1] - case.a[1]) < 1e-6 * max(1.0, a[1])
            case = _Case(v, a, n_max, case.separators)
            if done:
                break
        return case

    def _separators(
        self, R: IntArray, y: FloatArray, allowed: BoolArray
    ) -> list[tuple[int, IntArray]]:
        """Separator rows the fractional ``y`` violates."""
        from ortools.graph.python import max_flow

        ip, ix = self.adj.indptr, self.adj.indices
        n = self.adj.n
        support = R[y > 1e-7]
        frac = np.zeros(n)
        frac[R] = y
        in_s = np.zeros(n, dtype=bool)
        in_s[support] = True
        found: list[tuple[int, IntArray]] = []
        comp = connected_components(self.adj, in_s)
        near = np.zeros(int(comp.max()) + 1, dtype=bool)
        near[comp[self.adj_b & in_s]] = True
        for c_id in np.flatnonzero(~near).tolist():
            # A piece that touches nothing next to the territory: its border is a cut.
            members = np.flatnonzero(comp == c_id)
            nb = np.unique(np.concatenate([ix[ip[u] : ip[u + 1]] for u in members.tolist()]))
            nb = nb[allowed[nb] & ~in_s[nb]]
            found += [(u, nb) for u in members.tolist()]
        if found:
            return found
        loc = np.full(n, -1)
        loc[support] = np.arange(len(support))
        sink = 2 * len(support)
        tails: list[int] = []
        heads: list[int] = []
        caps: list[int] = []
        for i, u in enumerate(support.tolist()):
            arcs = [(2 * i, 2 * i + 1, int(frac[u] * _SCALE))]
            if self.adj_b[u]:
                arcs.append((2 * i + 1, sink, 10**15))
            arcs += [
                (2 * i + 1, 2 * int(loc[v]), 10**15)
                for v in ix[ip[u] : ip[u + 1]].tolist()
                if loc[v] >= 0
            ]
            for a, b, cap in arcs:
                tails.append(a)
                heads.append(b)
                caps.append(cap)
        ta, he, ca = np.asarray(tails), np.asarray(heads), np.asarray(caps)
        order = support[np.argsort(-frac[support], kind="stable")]
        tried = 0
        for u in order.tolist():
            if self.adj_b[u]:
                continue
            if tried >= SEPARATOR_FLOWS:
                break
            tried += 1
            flow = max_flow.SimpleMaxFlow()
            flow.add_arcs_with_capacity(ta, he, ca)
            flow.solve(2 * int(loc[u]) + 1, sink)
            if flow.optimal_flow() >= frac[u] * _SCALE * (1 - 1e-4) - 10:
                continue
            side = np.asarray(flow.get_source_side_min_cut())
            side = side[side < sink]
            outs = np.unique(side[side % 2 == 1] // 2)
            ins = np.unique(side[side % 2 == 0] // 2)
            reached = set(support[outs].tolist()) | {u}
            cut = set(support[np.setdiff1d(ins, outs)].tolist())
            for v in reached:
                for q in ix[ip[v] : ip[v + 1]].tolist():
                    if allowed[q] and not in_s[q]:
                        cut.add(q)
            c_arr = np.asarray(sorted(cut - reached), dtype=np.int64)
            found += [(v, c_arr) for v in sorted(reached) if not self.adj_b[v]]
        return found

    def _case(self, case: _Case, allowed0: BoolArray, j: int, short: bool, rounds: int) -> float:
        """The largest margin (half-widths past the near edge) one case allows."""
        x, B = self.x, self.B
        half = max((float(self.hi[j]) - float(self.lo[j])) / 2.0, 1e-12)
        now = float(x[B, j].sum())
        sign = -1.0 if short else 1.0  # minimise sign * (the measure's change)
        far = (j, -math.inf, float(self.hi[j])) if short else (j, float(self.lo[j]), math.inf)
        allowed = allowed0.copy()
        margin = math.inf
        for r in range(rounds):
            R = np.flatnonzero(allowed)
            if r % 3 == 0:
                # An empty range says no plan exists, but only at the solver's tolerances:
                # the programme below gives the margin from its duals, which is exact.
                case = self._tighten(R, case, j, passes=1) or case
            out = self._solve(R, case, sign * x[R, j], -sign * x[B, j], far)
            if out is None:
                return -math.inf
            bound, rc, y = out
            best = now - bound if short else now + bound
            slack = best - float(self.lo[j]) if short else float(self.hi[j]) - best
            margin = slack / half
            # A proof must clear rounding in the bound's sums by far (1e-6 half-widths);
            # a unit leaves only when its path costs clearly more than the slack.
            if margin < -1e-6:
                return margin
            margin = max(margin, 0.0)
            cost = np.full(self.adj.n, np.inf)
            cost[R] = np.maximum(rc, 0.0)
            keep = allowed & (self._dijkstra(cost, allowed) <= slack + 1e-6 * half)
            new = self._separators(R, y, allowed)
            case.separators += new
            if keep.sum() == allowed.sum() and not new:
                break
            allowed = keep
        return margin

    def run(self, j: int, short: bool, rounds: int, depth: int, give_up: float) -> BandProof:
        w = self.w
        allowed = (self.base != self.t) & self.movable
        reach = self._dijkstra(w, allowed)
        allowed &= reach <= self.limit + 1e-9
        case = _Case((0.0, math.inf), (0.0, math.inf), math.inf)
        if self.travel is not None:
            R = np.flatnonzero(allowed)
            hi_v = self.v0 + float(self.vis[R].sum())
            hi_a = self.a0 + float(self.area[R].sum())
            hi_n = self.n0 + float(self.stops[R].sum())
            start = _Case((0.0, hi_v), (0.0, hi_a), hi_n)
            case = self._tighten(R, start, j) or start
        stack = [(case.a, 0)]
        cases, worst = 0, -math.inf
        while stack:
            (a0, a1), level = stack.pop()
            cases += 1
            margin = self._case(_Case(case.v, (a0, a1), case.n_max), allowed, j, short, rounds)
            if margin >= 0 and level < depth and margin < give_up and self.travel is not None:
                mid = 0.5 * (a0 + a1)
                stack += [((mid, a1), level + 1), ((a0, mid), level + 1)]
            else:
                worst = max(worst, margin)
        worst = min(worst, 2.0)
        return BandProof(self.t, j, short, worst < 0, worst, cases, self.solves)
