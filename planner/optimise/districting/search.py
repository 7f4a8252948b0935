"""Local search: boundary moves, swaps, ejection chains, kicks, restarts, budgets."""

from __future__ import annotations

import math

import numpy as np

from planner.models.graph import pieces as graph_pieces
from planner.optimise.districting.problem import (
    BUDGET_RELAX,
    CHAIN_BUDGET_PRICE,
    CHAIN_GIVE_BACK_PRICE,
    CHAIN_MAX_EDGES,
    CHAIN_PER_EDGE,
    CHAIN_TRIES,
    DISRUPTION_WEIGHT,
    MAX_PASSES,
    MAX_RESTARTS,
    RESTART_PATIENCE,
    SOFT_SHARE,
    WORK,
    WORK_PER_SECOND,
    FloatArray,
    IntArray,
    Problem,
    band_penalty,
    band_z,
)
from planner.optimise.districting.seeding import grow_regions
from planner.optimise.districting.state import State, score_of


def descend_moves(st: State) -> int:
    """Apply improving boundary moves until none is left; returns the number applied."""
    applied = 0
    # Moving centres make the objective drift between passes, so cap the passes against
    # cycling; real descents settle in far fewer.
    for _ in range(MAX_PASSES):
        if st.prob.out_of_time():
            break
        u, src, dst = st.boundary_moves()
        if u.size == 0:
            break
        delta = st.move_delta(u, src, dst)
        # Penalties far outside a band are huge; demand a gain above their rounding noise.
        threshold = -1e-9 * max(1.0, st.total_penalty())
        rank = delta
        p = st.prob
        if p.current is not None and math.isfinite(p.budget):
            # A budget to spend: best gain per unit of disruption first.
            dd = st.disruption_delta(u, src, dst) / max(float(p.dweight.mean()), 1e-12)
            rank = np.where(dd > 0, delta / np.maximum(dd, 0.25), delta)
        order = np.lexsort((st.prob.rng.random(u.size), rank))
        order = order[delta[order] < threshold]
        if order.size == 0:
            break
        done = 0
        touched: set[int] = set()
        for idx in order.tolist():
            uu, s, d = int(u[idx]), int(src[idx]), int(dst[idx])
            if st.a[uu] != s or s in touched or d in touched:
                # Values of touched territories changed: re-evaluate exactly.
                if st.a[uu] != s:
                    continue
                if st.move_delta(np.array([uu]), np.array([s]), np.array([d]))[0] >= threshold:
                    continue
            if not st.feasible_move(uu, d) or not st.may_join(uu, d):
                continue
            st.apply(uu, d)
            touched.update((s, d))
            done += 1
        applied += done
        if done == 0:
            break
        if st.prob.objective != "cut_edges" and st.prob.fixed_centres is None:
            st.recentre()
    return applied


def swap_moves(st: State) -> int:
    """Pairwise exchanges across a border where single moves overshoot a band."""
    p = st.prob
    u, src, dst = st.boundary_moves()
    if u.size == 0:
        return 0
    bad = np.any(np.abs(band_z(st.values, p.lower, p.upper)) > 1.0, axis=1)
    applied = 0
    pairs: dict[tuple[int, int], list[int]] = {}
    for i, (s, d) in enumerate(zip(src.tolist(), dst.tolist(), strict=True)):
        pairs.setdefault((s, d), []).append(i)
    for (s, d), out_idx in sorted(pairs.items()):
        if s > d or not (bad[s] or bad[d]) or (d, s) not in pairs:
            continue
        if p.out_of_time():
            break
        a_units = u[out_idx]
        b_units = u[pairs[(d, s)]]
        xa, xb = p.x[a_units], p.x[b_units]
        # Net transfer a->b for every pair, evaluated on the two territories at once.
        net = xa[:, None, :] - xb[None, :, :]
        va, vb = st.values[s], st.values[d]
        new_s, new_d = va - net, vb + net
        tr = p.travel
        if tr is not None:
            j = tr.measure
            agg_s = st.agg[s] - tr.contribution(a_units, s)[:, None] + tr.contribution(b_units, s)
            agg_d = st.agg[d] + tr.contribution(a_units, d)[:, None] - tr.contribution(b_units, d)
            new_s[..., j] += tr.hours(agg_s, s) - st.travel[s]
            new_d[..., j] += tr.hours(agg_d, d) - st.travel[d]
        before = band_penalty(va, p.lower[s], p.upper[s]) + band_penalty(vb, p.lower[d], p.upper[d])
        after = band_penalty(new_s, p.lower[s], p.upper[s]) + band_penalty(
            new_d, p.lower[d], p.upper[d]
        )
        gain = after - before
        threshold = -1e-9 * max(1.0, float(before))
        flat = np.argsort(gain, axis=None, kind="stable")[:20]
        for f in flat.tolist():
            i, j = divmod(f, b_units.size)
            if gain[i, j] >= threshold:
                break
            ua, ub = int(a_units[i]), int(b_units[j])
            if st.a[ua] != s or st.a[ub] != d:
                continue
            if not st.feasible_move(ua, d):
                continue
            st.apply(ua, d)
            if st.may_join(ub, s) and st.feasible_move(ub, s):
                st.apply(ub, s)
                applied += 1
                break
            st.apply(ua, s)
    return applied


def territory_cost(st: State, t: int, gain: FloatArray, gain_agg: FloatArray | None) -> FloatArray:
    """Penalty change of territory ``t`` receiving net measures ``gain`` (shape (..., m)).

    ``gain_agg`` is the matching net change of the travel aggregates (shape (..., 4)).
    """
    p = st.prob
    new = st.values[t] + gain
    tr = p.travel
    if tr is not None and gain_agg is not None:
        new[..., tr.measure] += tr.hours(st.agg[t] + gain_agg, t) - st.travel[t]
    before = float(band_penalty(st.values[t], p.lower[t], p.upper[t]))
    return np.asarray(band_penalty(new, p.lower[t], p.upper[t]) - before)


def ejection_chains(
    st: State,
    max_edges: int | None = None,
    per_edge: int | None = None,
    give_back: bool = False,
) -> int:
    """Ejection chains towards (or away from) territories outside a band.

    A territory short of accounts on the coast cannot take a unit from a neighbour that is
    itself at the edge of its band, and that neighbour cannot take one from the next: every
    single move makes things worse, although moving one unit along each border of a path
    T0 -> T1 -> ... -> TL leaves the territories in between nearly as they were and brings TL
    (or T0) into band. For every path of 2..``max_edges`` borders that starts or ends at a
    territory outside a band, the best unit per border is chosen by dynamic programming over
    the path (the middle territories' penalties depend on the unit coming in and the one
    going out), scored exactly (penalties with travel, compactness, disruption); the best
    improving chain is applied if every move in it keeps its territories contiguous and the
    disruption budget, else it is undone. Returns the number of chains applied.
    """
    p = st.prob
    max_edges = CHAIN_MAX_EDGES if max_edges is None else max_edges
    per_edge = CHAIN_PER_EDGE if per_edge is None else per_edge
    u, src, dst = st.boundary_moves()
    if u.size == 0:
        return 0
    if give_back:
        # Giving disruption back: chains from anywhere, priced so put-backs come first.
        bad = np.flatnonzero(p.active)
        max_edges = min(max_edges, 2)
    else:
        bad = np.flatnonzero(
            np.any(np.abs(band_z(st.values, p.lower, p.upper)) > 1.0 + 1e-9, axis=1) & p.active
        )
    if bad.size == 0:
        return 0
    single = st.move_delta(u, src, dst)
    # Per border (s, d): its candidate moves, the best ``per_edge`` by their own score.
    by_edge: dict[tuple[int, int], IntArray] = {}
    order = np.lexsort((single, dst, src))
    keys = src[order] * p.k + dst[order]
    cuts = np.flatnonzero(np.diff(keys)) + 1
    for group in np.split(order, cuts):
        s, d = int(src[group[0]]), int(dst[group[0]])
        by_edge[(s, d)] = group[:per_edge]
    out_of: dict[int, list[int]] = {}
    for s, d in by_edge:
        out_of.setdefault(s, []).append(d)
    into: dict[int, list[int]] = {}
    for s, d in by_edge:
        into.setdefault(d, []).append(s)

    mean_dw = max(float(p.dweight.mean()), 1e-12)
    tr = p.travel
    # With the disruption budget (nearly) spent, chains are also searched with disruption
    # priced high, which favours chains that put moved units back where they were.
    lambdas = [0.0]
    if give_back:
        lambdas = [CHAIN_GIVE_BACK_PRICE]
    elif (
        p.current is not None
        and math.isfinite(p.budget)
        and p.budget - st.moved < max_edges * mean_dw * 2
    ):
        lambdas.append(CHAIN_BUDGET_PRICE)

    def move_cost(idx: IntArray, lam: float) -> FloatArray:
        uu, ss, dd = u[idx], src[idx], dst[idx]
        if p.objective == "cut_edges":
            comp = np.zeros(idx.size)
        else:
            comp = st.dcost[uu, dd] - st.dcost[uu, ss]
        if p.current is not None:
            comp = comp + (DISRUPTION_WEIGHT + lam) * st.disruption_delta(uu, ss, dd) / mean_dw
        return np.asarray(comp)

    def contrib(idx: IntArray, t: int) -> FloatArray | None:
        return None if tr is None else tr.contribution(u[idx], t)

    def best_chain(path: list[int], lam: float) -> tuple[float, list[int]]:
        edges = [by_edge[(path[i], path[i + 1])] for i in range(len(path) - 1)]
        first = edges[0]
        agg0 = contrib(first, path[0])
        cost = territory_cost(st, path[0], -p.x[u[first]], None if agg0 is None else -agg0)
        cost = cost + move_cost(first, lam)
        back: list[IntArray] = []
        for i in range(1, len(edges)):
            t = path[i]
            inc, out = edges[i - 1], edges[i]
            gain = p.x[u[inc]][:, None, :] - p.x[u[out]][None, :, :]
            ci, co = contrib(inc, t), contrib(out, t)
            gagg = None if ci is None or co is None else ci[:, None, :] - co[None, :, :]
            total = cost[:, None] + territory_cost(st, t, gain, gagg)
            arg = np.argmin(total, axis=0)
            back.append(arg)
            cost = total[arg, np.arange(out.size)] + move_cost(out, lam)
        last = edges[-1]
        agg_l = contrib(last, path[-1])
        cost = cost + territory_cost(st, path[-1], p.x[u[last]], agg_l)
        j = int(np.argmin(cost))
        best = float(cost[j])
        picks = [int(last[j])]
        for i in range(len(edges) - 1, 0, -1):
            j = int(back[i - 1][j])
            picks.append(int(edges[i - 1][j]))
        return best, picks[::-1]

    def paths_from(t: int, graph: dict[int, list[int]]) -> list[list[int]]:
        found: list[list[int]] = []
        stack = [[t]]
        while stack:
            path = stack.pop()
            if len(path) >= (2 if give_back else 3):
                found.append(path)
            if len(path) > max_edges:
                continue
            for nxt in graph.get(path[-1], []):
                if nxt not in path:
                    stack.append([*path, nxt])
        return found

    candidates: list[tuple[float, list[int]]] = []
    for t in bad.tolist():
        # Chains ending at t (it receives) and starting at t (it gives).
        paths = paths_from(t, out_of)
        if not give_back:
            paths += [path[::-1] for path in paths_from(t, into)]
        for path in paths:
            if p.out_of_time():
                break
            for lam in lambdas:
                candidates.append(best_chain(path, lam))
    if not candidates:
        return 0
    candidates.sort(key=lambda c: c[0])
    seen: set[tuple[int, ...]] = set()
    tried = 0
    for _score_dp, picks in candidates:
        if tried >= CHAIN_TRIES:
            break
        key = tuple(picks)
        if key in seen or any(st.a[u[i]] != src[i] for i in picks):
            continue
        seen.add(key)
        tried += 1
        before = score_of(st)
        missed_before = bands_missed(st)
        moved_before = st.moved
        done: list[tuple[int, int]] = []
        ok = True
        for i in picks:
            uu, d = int(u[i]), int(dst[i])
            # Contiguity move by move; the budget is checked on the whole chain below.
            if not (st.may_join(uu, d) and st.can_leave(uu)):
                ok = False
                break
            done.append((uu, int(st.a[uu])))
            st.apply(uu, d)
        if ok:
            ok = st.moved <= max(p.budget, moved_before) + 1e-9
            if ok and p.territory_budget is not None:
                ok = bool(np.all(st.churn <= p.territory_budget + 1e-9))
        if give_back:
            if ok and st.moved < moved_before - 1e-9 and bands_missed(st) <= missed_before:
                return 1
        elif ok and score_of(st) < before:
            return 1
        for uu, s in reversed(done):
            st.apply(uu, s)
    return 0


def kick(st: State, strength: int) -> None:
    """Random contiguity-keeping moves out of territories outside their bands (escape)."""
    p = st.prob
    z = band_z(st.values, p.lower, p.upper)
    if p.current is not None and math.isfinite(p.budget) and st.moved > 0.9 * p.budget:
        # The budget is (nearly) spent: put some moved units back, so the next descent can
        # spend what they held where it buys more.
        put_back(st, max(1, strength // 2))
    for _ in range(strength):
        u, src, dst = st.boundary_moves()
        if u.size == 0:
            return
        # Prefer moves that shift value from over-full to under-full territories.
        push = (z[src] - z[dst]).clip(min=0).sum(axis=1) + 0.1
        prob_w = push / push.sum()
        idx = int(p.rng.choice(u.size, p=prob_w))
        uu, d = int(u[idx]), int(dst[idx])
        if st.feasible_move(uu, d):
            st.apply(uu, d)
            z = band_z(st.values, p.lower, p.upper)


def exchange_moves(st: State, limit: int = 50) -> int:
    """With the disruption budget spent: put one moved unit back and spend what it held on a
    better move elsewhere (a budget-neutral pair), while that lowers the objective."""
    p = st.prob
    if p.current is None or not math.isfinite(p.budget):
        return 0
    applied = 0
    for _ in range(limit):
        if p.out_of_time():
            break
        u, src, dst = st.boundary_moves()
        if u.size == 0:
            break
        delta = st.move_delta(u, src, dst)
        dd = st.disruption_delta(u, src, dst)
        back = np.flatnonzero(dd < 0)
        fwd = np.flatnonzero((dd > 0) & (delta < 0))
        if back.size == 0 or fwd.size == 0:
            break
        back = back[np.argsort(delta[back], kind="stable")[:40]]
        fwd = fwd[np.argsort(delta[fwd], kind="stable")[:120]]
        room = p.budget - st.moved
        pair = delta[back][:, None] + delta[fwd][None, :]
        ok = (dd[back][:, None] + dd[fwd][None, :] <= room + 1e-9) & (
            u[back][:, None] != u[fwd][None, :]
        )
        pair = np.where(ok, pair, np.inf)
        threshold = -1e-9 * max(1.0, st.total_penalty())
        found = False
        for f in np.argsort(pair, axis=None, kind="stable")[:30].tolist():
            i, j = divmod(f, fwd.size)
            if not pair[i, j] < threshold:
                break
            r, v = int(back[i]), int(fwd[j])
            ur, sr, dr = int(u[r]), int(src[r]), int(dst[r])
            uv, sv, dv = int(u[v]), int(src[v]), int(dst[v])
            if st.a[ur] != sr or not (st.may_join(ur, dr) and st.feasible_move(ur, dr)):
                continue
            st.apply(ur, dr)
            if st.a[uv] == sv and st.may_join(uv, dv) and st.feasible_move(uv, dv):
                gain = float(delta[r]) + float(
                    st.move_delta(np.array([uv]), np.array([sv]), np.array([dv]))[0]
                )
                if gain < threshold:
                    st.apply(uv, dv)
                    applied += 1
                    found = True
                    break
            st.apply(ur, sr)
        if not found:
            break
    return applied


def put_back(st: State, count: int) -> None:
    """Return up to ``count`` random moved units to their current territory (if contiguous)."""
    p = st.prob
    cur = p.current
    assert cur is not None
    moved = np.flatnonzero((st.a != cur) & (cur >= 0) & p.movable)
    if moved.size == 0:
        return
    for u in p.rng.permutation(moved).tolist():
        if count <= 0:
            break
        home = int(cur[u])
        if st.a[u] != home and st.may_join(u, home) and st.feasible_move(u, home):
            st.apply(u, home)
            count -= 1


def bands_missed(st: State) -> int:
    """Number of (territory, measure) bands the state misses, over the active territories."""
    p = st.prob
    z = np.abs(band_z(st.values, p.lower, p.upper))[p.active]
    return int(np.count_nonzero(z > 1.0 + 1e-9))


def local_search(prob: Problem, assignment: IntArray, progress: tuple[float, float]) -> IntArray:
    st = State(prob, assignment)
    descend_moves(st)
    best = st.a.copy()
    best_score = score_of(st)
    best_missed = bands_missed(st)
    n_bands = int(prob.active.sum()) * prob.x.shape[1]
    rounds = 0
    stale = 0
    max_rounds = 400
    while rounds < max_rounds and not prob.out_of_time():
        rounds += 1
        if prob.state is not None:
            # The message carries the best balance so far, for a progress bar to show.
            prob.state.report(
                progress[0] + (progress[1] - progress[0]) * rounds / max_rounds,
                f"territories: local search, best so far {best_missed} of {n_bands} bands missed",
            )
        applied = swap_moves(st)
        if prob.current is not None and st.moved > 0.9 * prob.budget:
            applied += exchange_moves(st)
        applied += ejection_chains(st)
        if applied:
            descend_moves(st)
        score = score_of(st)
        if score < best_score:
            best, best_score, stale = st.a.copy(), score, 0
            best_missed = bands_missed(st)
        else:
            stale += 1
        if best_score[0] == 0.0 and stale >= 3:
            break
        if stale >= 40:
            break
        if not applied:
            if stale > 1:
                # Restart the perturbation from the best assignment, not from a drifted one.
                st = State(prob, best)
            kick(st, 2 + min(stale, 10))
            descend_moves(st)
            score = score_of(st)
            if score < best_score:
                best, best_score, stale = st.a.copy(), score, 0
                best_missed = bands_missed(st)
    return best


def squeeze(st: State) -> bool:
    """Put moved units back, cheapest first, until the disruption is within the budget.

    Cheapest is the least objective cost per unit of disruption given back; only moves that
    keep both territories contiguous are taken. Returns whether the budget is met.
    """
    p = st.prob
    cur = p.current
    if cur is None:
        return True
    while st.moved > p.budget + 1e-9:
        if p.stopped:
            return False
        if ejection_chains(st, give_back=True):
            continue
        u, src, dst = st.boundary_moves()
        home = (cur[u] == dst) & (p.dweight[u] > 0)
        if not home.any():
            return False
        u, src, dst = u[home], src[home], dst[home]
        rank = st.move_delta(u, src, dst) / p.dweight[u]
        for i in np.argsort(rank, kind="stable").tolist():
            uu = int(u[i])
            if st.can_leave(uu) and st.may_join(uu, int(dst[i])):
                st.apply(uu, int(dst[i]))
                break
        else:
            return False
    return True


def soft_budget_search(
    prob: Problem, assignment: IntArray, progress: tuple[float, float]
) -> IntArray:
    """Rebalance within a disruption budget, the budget held softly first.

    A search that may never exceed the budget spends it on the first gains it finds and is
    then stuck: the chains of moves a last out-of-band territory needs cost disruption it no
    longer has. Here the search may go up to BUDGET_RELAX times over the budget, paying
    BUDGET_OVER_WEIGHT per unit of weight over it on top of the usual disruption cost, so it
    exceeds the budget only for band gains and comes back under it where it can. What is
    still over at the end is put back, cheapest first (:func:`squeeze`), and a last search
    within the hard budget repairs what that broke. The result replaces ``assignment`` only
    if it is within the budget and misses fewer bands (or as many, scoring better).
    """
    cur = prob.current
    if cur is None or not math.isfinite(prob.budget) or prob.out_of_time():
        return assignment
    real = prob.budget
    held = float(prob.dweight[cur >= 0].sum())
    relaxed = min(held, real * BUDGET_RELAX)
    if relaxed <= real:
        return assignment
    work_limit = prob.work_limit
    total = work_limit - WORK.ticks
    try:
        prob.budget, prob.soft_budget = relaxed, real
        prob.work_limit = WORK.ticks + SOFT_SHARE * total
        soft = local_search(prob, assignment, progress=progress)
    finally:
        prob.budget, prob.soft_budget = real, math.inf
        prob.work_limit = work_limit
        prob.stopped = bool(prob.state is not None and prob.state.is_cancelled())
    st = State(prob, soft)
    if st.moved > real + 1e-9:
        if not squeeze(st):
            return assignment
        st = State(prob, local_search(prob, st.a, progress=progress))
    before = State(prob, assignment)
    if st.moved <= real + 1e-9 and (bands_missed(st), score_of(st)) < (
        bands_missed(before),
        score_of(before),
    ):
        return st.a.copy()
    return assignment


def restart_search(
    prob: Problem,
    best: IntArray,
    work_start: float,
    time_limit: float,
    rounds: int | None,
    progress: tuple[float, float],
    missed_until: float | None = None,
) -> IntArray:
    """Create mode on small instances: grow and descend again from random seeds, keep the best.

    One descent is a few hundred milliseconds at county scale, and territory shapes depend
    strongly on where growth starts, so a handful of starts pays off before the exact model.

    ``missed_until``: while the best plan misses a band, the restarts go on past their share
    (and their patience) until the work counter reaches this. The exact search after them
    improves plans in band only: on LA (64 parishes, k = 6) with four fifths of the work
    the first plan missed a band when the share ran out, and the run ended at 59 cut edges
    where the restarts' first plan in band led to 51.
    """
    patience = rounds if rounds is not None else RESTART_PATIENCE
    if rounds is None:
        n_free = int(np.count_nonzero(prob.movable))
        rounds = min(MAX_RESTARTS, 5000 // max(n_free, 1))
    if rounds < 1:
        return best
    best_score = score_of(State(prob, best))
    stop_at = work_start + 0.25 * time_limit * WORK_PER_SECOND
    free = np.flatnonzero(prob.movable)
    stale = 0
    missed_stop = stop_at if missed_until is None else missed_until
    missed = missed_until is not None and bands_missed_of(prob, best) > 0
    for r in range(rounds):
        if prob.out_of_time() or WORK.ticks > (missed_stop if missed else stop_at):
            break
        if prob.state is not None:
            prob.state.report(
                progress[0] + (progress[1] - progress[0]) * r / rounds, "territories: restarts"
            )
        seeds = [-1] * prob.k
        taken: set[int] = set()
        for t in range(prob.k):
            own = np.flatnonzero(prob.fixed == t)
            if own.size:
                seeds[t] = int(own[0])
                taken.add(seeds[t])
        pool = np.array([u for u in free.tolist() if u not in taken], dtype=np.int64)
        missing = [t for t in range(prob.k) if seeds[t] < 0]
        if pool.size < len(missing):
            break
        chosen = prob.rng.choice(pool, size=len(missing), replace=False)
        for t, u in zip(missing, chosen, strict=True):
            seeds[t] = int(u)
        trial = local_search(prob, grow_regions(prob, seeds), progress=progress)
        score = score_of(State(prob, trial))
        if score < best_score:
            best, best_score, stale = trial, score, 0
            missed = missed and bands_missed_of(prob, best) > 0
        else:
            stale += 1
            if stale >= patience and not missed:
                break
    return best


def bands_missed_of(prob: Problem, assignment: IntArray) -> int:
    """Number of bands ``assignment`` misses (see :func:`bands_missed`)."""
    return bands_missed(State(prob, assignment))


def persist(
    prob: Problem, assignment: IntArray, until: float, progress: tuple[float, float]
) -> IntArray:
    """While bands are missed: kick the best plan ever harder and search again, until the
    work counter reaches ``until`` (the run's time limit, less what later phases need).

    A local search that stalls with bands missed used to end the run early; the time left
    is better spent on perturbations of growing strength from the best plan so far.
    """
    best = assignment.copy()
    st = State(prob, best)
    if bands_missed(st) == 0 or _granular(st):
        return best
    best_score = score_of(st)
    strength = 3
    cap = max(10, int(np.count_nonzero(prob.movable)) // 10)
    while not prob.out_of_time() and WORK.ticks < until and best_score[0] > 0.0:
        st = State(prob, best)
        kick(st, strength)
        trial = local_search(prob, st.a, progress=progress)
        score = score_of(State(prob, trial))
        if score < best_score:
            best, best_score, strength = trial, score, 3
        else:
            strength = min(cap, strength + 2)
    return best


def _granular(st: State) -> bool:
    """Whether every missed band is narrower than the smallest movable unit's value in that
    measure: single moves jump across such a band, so more search does not help (the
    shortfall then says "indivisible unit")."""
    p = st.prob
    z = np.abs(band_z(st.values, p.lower, p.upper))
    missed = (z > 1.0 + 1e-9) & p.active[:, None]
    if not missed.any():
        return False
    width = p.upper - p.lower
    x = p.x[p.movable]
    if x.size == 0:
        return True
    smallest = np.array([float(col[col > 0].min()) if np.any(col > 0) else np.inf for col in x.T])
    return bool(np.all(smallest[None, :] > width + 1e-12, where=missed))


def reattach_pieces(prob: Problem, assignment: IntArray) -> IntArray:
    """Join each smaller piece of a split territory to a neighbour when no band suffers.

    Used after a search that was allowed to split territories ("preferred" contiguity):
    a piece goes whole to the neighbouring territory that scores best, if the bands missed
    (in half-widths) do not grow; the largest piece of every territory stays.
    """
    st = State(prob, assignment)
    for t in np.flatnonzero(prob.active).tolist():
        members = sorted(st.cache.members.get(t, ()))
        if len(members) < 2:
            continue
        pieces = graph_pieces(prob.lists, members)
        if len(pieces) < 2:
            continue
        pieces.sort(key=len)
        for piece in pieces[:-1]:
            if not all(prob.movable[u] for u in piece):
                continue
            before = score_of(st)
            targets = sorted(
                {int(st.a[v]) for u in piece for v in prob.lists[u] if st.a[v] != t}
                & set(np.flatnonzero(prob.active).tolist())
            )
            best_target, best_score = -1, before
            for d in targets:
                for u in piece:
                    st.apply(u, d)
                score = score_of(st)
                if score[0] <= before[0] + 1e-9 and score < best_score:
                    best_target, best_score = d, score
                for u in piece:
                    st.apply(u, t)
            if best_target >= 0:
                for u in piece:
                    st.apply(u, best_target)
    return st.a.copy()
