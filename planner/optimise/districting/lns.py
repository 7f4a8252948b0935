"""Exact large-neighbourhood search for the fewest cut edges (county districting).

The pair and triple re-splits of :mod:`.recombination` stop at a local optimum: every two
(three) neighbouring territories are split as well as their units allow. On the county graphs
that local optimum sat 4-19 % above the proven optimum, and whole-problem CP-SAT models did
not get closer in 120 s on one worker (docs/optimiser.md, "Exact districting probes"). Here:

1. **Descent.** Re-split every pair of adjacent territories, then every connected triple,
   exactly (CP-SAT, :func:`split_flow`), until none improves: a local optimum with respect to
   exact re-optimisation of any two or three neighbours. A group whose territories did not
   change since it was solved to optimality is not solved again; one that reached its limit
   is solved once more, for longer and without CP-SAT's LP (which finds improving splits
   fast but proves nothing here), then left until it changes. Then connected quadruples, the
   same way (with k = 4 the quadruple is the whole problem).
2. **Perturbation.** Re-split a random pair or triple with random edge weights (a feasible,
   contiguous, balanced split that is usually a little worse), then descend again. The
   result replaces the best plan when it has no more cut edges (equal plans are accepted, so
   the search walks across the wide plateaus of this objective); after a number of
   perturbations without a gain, the search restarts from the best plan.
3. **Relinking** (:mod:`.relink`). With five territories or more and no anchors, every new
   best of the walk is relinked with the elite (the first local optimum, the walk's earlier
   bests and what relinks made): every territory re-split at once, each unit limited to the
   territories it or a neighbour has in either plan. A relinked plan is kept aside (the
   walk goes on from its own plans, which keep making partners) and returned when it is
   the best found.
4. **Anchors** (:mod:`.anchors`). A unit holding more than half a band leaves its territory
   few feasible shapes. A territory with a single one is fixed and left out of the groups;
   one with at most a few thousand takes one of them whole in every re-split; and after
   ANCHOR_MAIN_SHARE of the work the search restarts (up to ANCHOR_RESTARTS times) with the
   anchored territory fixed to its feasible sets with the fewest border edges, the other
   territories brought back into their bands by the local search, and keeps the best plan.

The subproblem (:func:`split_flow`): the units of the group's territories are free, all
others fixed; each unit takes one of the group's territories; every territory's measures
stay in their bands; contiguity by a single-commodity flow: the lowest-index unit of each
territory is its root (root variables ``r[i, t]`` defined by prefix-or variables, so exactly
one root per territory and no symmetric copies), flow may pass only along uncut edges, and
every non-root unit consumes one unit of flow. With interchangeable territories (equal bands,
no fixed units) the labels are ordered by their roots. Minimise the (weighted) cut edges
inside the group; edges to fixed units are cut whatever the split. Tens of units solve in
hundredths to tenths of a second.

Every CP-SAT call runs on one worker, bounded by deterministic time, charged to the work
counter at the CPU rate measured per deterministic second (:func:`.problem.charge_cp_sat`),
and the model building is charged by its size, so the same seed gives the same plan under any
load and a run's CPU time stays within its limit; a wall clock (the problem's safety deadline)
only guards against a runaway solve.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np

from planner.models.graph import n_pieces
from planner.models.graph import pieces as graph_pieces
from planner.optimise.districting import bisection, relink, whole_mip
from planner.optimise.districting.anchors import anchored
from planner.optimise.districting.problem import (
    WORK,
    WORK_PER_SECOND,
    IntArray,
    Problem,
    band_z,
    charge_cp_sat,
    cut_count,
    deterministic_budget,
    measure_scale,
)
from planner.optimise.districting.search import local_search

#: Deterministic seconds per subproblem in the descent (pairs, triples) and per perturbation.
#: Triples at 1.5 (so that the first descent ends sooner, the hard ones going to HARD_LIMIT)
#: were measured and dropped: AL reached its optimum (55) at 120 s with 1.5 or 4, but on a
#: graph where the triple is the whole problem (k = 3, 93 counties: NE, held out) the plan
#: stayed at 42 cut edges where the last round's search (triples at 4) reached the optimum, 19.
PAIR_LIMIT = 2.0
TRIPLE_LIMIT = 4.0
PERTURB_LIMIT = 0.5
#: Deterministic seconds per triple in the walk's descents (a triple holding every territory
#: keeps TRIPLE_LIMIT). See "Districting, third round" in docs/optimiser.md.
WALK_TRIPLE_LIMIT = 1.0
#: Territories up to which the first descent goes to the hard groups and quadruples at once
#: (with four territories a quadruple is the whole problem, so its solve can prove the
#: optimum); with more, the walk's descents stop after the triples and the deeper levels run
#: only on the best plan once the walk is stuck (on OK, k = 5, they took 70 of 110 s of CPU
#: in the first descent and gained nothing).
DEEP_FIRST_MAX_K = 4
#: Deterministic seconds of the second, longer solve of a group that reached its limit, without
#: the LP (linearization level 0). The LP finds improving splits fast (the descent's first
#: passes) but does not help to prove that none exists: its bound stays at 0-3 cut edges
#: whatever the split. On AL's local optimum (57 cut edges) at the same CPU (about 5 s per
#: triple), level 1 proved none of 7 hard triples, level 0 proved 2 and improved one (57 -> 56).
HARD_LIMIT = 8.0
#: Connected quadruples of territories after the triples (at HARD_LIMIT, without the LP). On
#: AL's local optimum of pairs and triples (57), 4 of 8 quadruples of 29-47 counties were
#: proven optimal within the limit and one improved (57 -> 56). With four territories
#: (k = 4) the quadruple is the whole problem.
QUADRUPLES = True
#: Share of the work left after the first descent that the whole-problem model on HiGHS
#: may take when at most ``whole_mip.MAX_TERRITORIES`` territories are active (it proved
#: three-territory county graphs in 15-37 s of CPU; see :mod:`.whole_mip`).
WHOLE_MIP_SHARE = 0.6
#: Counted seconds for a triple that reached its limit in CP-SAT, solved again on HiGHS
#: (:mod:`.whole_mip`) in place of CP-SAT without the LP, unless an anchored territory with
#: feasible sets takes part (the model has no sets). On OK with k = 4 (a variant) one such
#: triple went from 35 cut edges to 34, a plan no seed and no other change had reached; on
#: AL with k = 5 and k = 7, 7 of 8 and 3 of 6 hard triples were proven optimal.
HARD_MIP_SECONDS = 8.0
#: Groups larger than this many units are skipped.
MAX_GROUP_UNITS = 160
#: Perturbations without a gain before the walk goes back to the best plan.
WALK_PATIENCE = 12
#: Work charged for building a subproblem, per model element (variables and constraints),
#: in work-counter units (25 us each). Building the model in Python costs more than solving
#: it: pairs of 20-30 units took 50-130 ms of CPU for 10-70 ms of deterministic time. At
#: 0.8 a 60 s run on AL used 80 s of CPU; 3 (about 75 us per element) brought CPU time back
#: to about the limit. Measured per solve later, building took 0.1-0.2 ms of CPU per element;
#: with the walk's many small solves (15-25 perturbations on OK, was none) 3 let a "120 s"
#: run take 127 s of CPU (load 6-7), so 6 (150 us, the middle of what was measured).
WORK_PER_ELEMENT = 6.0
#: Share of the work the search gets before it restarts from anchored territories' sets
#: with fewer border edges (see :func:`exact_lns`), and how many such restarts at most. On OK
#: (seed 2) two restarts sharing the rest gave 41 and 45; one with all of it 41 as well (40
#: with seeds 0 and 1, where there was a single candidate): one, so that the set with the
#: fewest border edges gets the whole rest of the work.
ANCHOR_MAIN_SHARE = 0.3
ANCHOR_RESTARTS = 1
#: Territories for which the recursive bisection (:mod:`.bisection`) is tried once before
#: the first descent (with no anchor's sets), its plan kept as the start when it is in band
#: and cuts fewer edges than the search's. On the four-territory graphs it took IA from 36 to
#: its optimum (33) and kept the others' optima; on AL (seven) its plan (70 cut edges, fewer
#: than the search's 81 before the descent) led to 61 where the search alone reaches 55.
BISECTION_TERRITORIES = (4,)
#: Deterministic seconds per split of the bisection. IA's first split (99 counties into two
#: halves) found the quadrants' border at 10 and not at 3.
BISECTION_LIMIT = 10.0
#: The bisection's splits together take at most this share of the run's deterministic
#: budget, so that a short run still has the rest for its descent (at 120 s the share is
#: over ``BISECTION_LIMIT`` a split, about 57-62 deterministic seconds left at this point).
BISECTION_SHARE = 0.6
#: Territories from which the walk relinks each new best plan with the elite, its first
#: local optimum and its earlier bests (:func:`.relink.relink_chain`). With four the first
#: descent's quadruple is the whole problem already.
RELINK_MIN_TERRITORIES = 5


def territory_graph(
    lists: list[list[int]], assignment: IntArray, active: set[int]
) -> dict[int, set[int]]:
    """Territories sharing a border, per active territory."""
    out: dict[int, set[int]] = {t: set() for t in active}
    for i, js in enumerate(lists):
        a = int(assignment[i])
        if a not in active:
            continue
        for j in js:
            b = int(assignment[j])
            if b != a and b in active:
                out[a].add(b)
    return out


def groups_of(nbrs: dict[int, set[int]], size: int) -> list[tuple[int, ...]]:
    """Adjacent pairs (size 2), connected triples (3) or connected quadruples (4) of
    territories, each sorted."""
    if size == 2:
        return sorted({(s, d) for s, ds in nbrs.items() for d in ds if s < d})
    if size == 3:
        return sorted(
            {
                (*sorted((s, d, e)),)
                for s, ds in nbrs.items()
                for d, e in itertools.combinations(sorted(ds), 2)
            }
        )
    smaller = groups_of(nbrs, size - 1)
    return sorted({(*sorted((*g, d)),) for g in smaller for t in g for d in nbrs[t] if d not in g})


def split_flow(
    prob: Problem,
    plan: IntArray,
    group: tuple[int, ...],
    limit: float,
    *,
    weights: dict[tuple[int, int], int] | None = None,
    improve: bool = False,
    seed: int = 0,
    linearization: int = 1,
    choices: dict[int, list[frozenset[int]]] | None = None,
    bands: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[IntArray | None, bool]:
    """Best contiguous, balanced split of ``group``'s units among its territories.

    Minimises the cut edges among the group's units (each weighted by ``weights[i, j]``,
    ``i < j``, default 1). ``improve`` asks only for a split with strictly fewer cut edges
    than ``plan`` (so a proof that none exists ends the solve early). ``limit`` is CP-SAT's
    deterministic time. Returns ``(plan or None, proven optimal)``; None when no split (or no
    better one) was found. ``linearization`` is CP-SAT's linearization level.

    ``choices`` maps a territory of the group to every unit set it may take (an anchor's
    feasible sets, :func:`.anchors.feasible_sets`, all holding the anchor): the territory
    then takes one of those that lie within the group (one Boolean per set), which states
    the same problem with the anchor's territory chosen whole instead of unit by unit.

    ``bands`` maps a territory of the group to the (lower, upper) rows that replace its own
    (:mod:`.bisection` splits units between groups of territories with summed bands).
    """
    from ortools.sat.python import cp_model

    pool = np.flatnonzero(np.isin(plan, list(group))).tolist()
    pool_set = set(pool)
    chosen = {
        t: [s for s in sets if s <= pool_set] for t, sets in (choices or {}).items() if t in group
    }
    # Territories with choices take the first labels; the others stay interchangeable.
    terr = [t for t in group if t in chosen] + [t for t in group if t not in chosen]
    n_fixed_labels = len(chosen)
    n_t = len(terr)
    n = len(pool)
    m = prob.x.shape[1]
    over = bands or {}
    lower = np.array([over[t][0] if t in over else prob.lower[t] for t in terr])
    upper = np.array([over[t][1] if t in over else prob.upper[t] for t in terr])
    model = cp_model.CpModel()
    xv: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in pool:
        opts = range(n_t) if prob.movable[i] else [terr.index(int(plan[i]))]
        for r in opts:
            xv[i, r] = model.new_bool_var("")
        model.add_exactly_one(xv[i, r] for r in opts)

    def var(i: int, r: int) -> cp_model.IntVar | int:
        return xv.get((i, r), 0)

    for j in range(m):
        col = prob.x[pool, j]
        s = measure_scale(col)
        coef = np.round(col * s).astype(np.int64).tolist()
        for r in range(n_t):
            expr = sum(int(c) * var(i, r) for i, c in zip(pool, coef, strict=True) if c)
            model.add(expr >= math.ceil(lower[r, j] * s - 1e-9))
            model.add(expr <= math.floor(upper[r, j] * s + 1e-9))
    edges = [(i, j) for i in pool for j in prob.lists[i] if j in pool_set and i < j]
    cut: dict[tuple[int, int], cp_model.IntVar] = {}
    for i, j in edges:
        c = model.new_bool_var("")
        for r in range(n_t):
            model.add(var(i, r) - var(j, r) <= c)
            model.add(var(j, r) - var(i, r) <= c)
        cut[i, j] = c
    symmetric = all(prob.movable[i] for i in pool) and bool(
        np.allclose(lower, lower[0]) and np.allclose(upper, upper[0])
    )
    # prefix[pos][r]: some unit among pool[:pos + 1] is in territory r.
    prefix: list[list[cp_model.IntVar | int]] = []
    roots: list[cp_model.IntVar | int] = []
    for pos, i in enumerate(pool):
        row: list[cp_model.IntVar | int] = []
        root_terms = []
        for r in range(n_t):
            x_ir = var(i, r)
            before = prefix[pos - 1][r] if pos else 0
            if isinstance(x_ir, int) and x_ir == 0:
                row.append(before)
                continue
            p = model.new_bool_var("")
            model.add(p >= x_ir)
            if not isinstance(before, int):
                model.add(p >= before)
                model.add(p <= before + x_ir)
            else:
                model.add(p <= x_ir)
            row.append(p)
            # Unit i is territory r's root when it is in r and no earlier unit is.
            root = model.new_bool_var("")
            model.add(root <= x_ir)
            if not isinstance(before, int):
                model.add(root <= 1 - before)
                model.add(root >= x_ir - before)
            else:
                model.add(root >= x_ir)
            root_terms.append(root)
        prefix.append(row)
        roots.append(sum(root_terms) if root_terms else 0)
    if symmetric and n_t > 1:
        # Interchangeable labels: territory r's first unit comes after territory r-1's.
        if not n_fixed_labels:
            model.add(xv[pool[0], 0] == 1)
        for pos, i in enumerate(pool):
            for r in range(n_fixed_labels + 1, n_t):
                model.add(xv[i, r] <= (prefix[pos - 1][r - 1] if pos else 0))
    for t, sets in chosen.items():
        r = terr.index(t)
        current_set = frozenset(np.flatnonzero(plan == t).tolist())
        pick = [model.new_bool_var("") for _ in sets]
        model.add_exactly_one(pick)
        holding: dict[int, list[cp_model.IntVar]] = {i: [] for i in pool}
        for s_var, members in zip(pick, sets, strict=True):
            model.add_hint(s_var, members == current_set)
            for i in members:
                holding[i].append(s_var)
        for i in pool:
            model.add(var(i, r) == sum(holding[i]))
        n_elements_choices = sum(len(members) for members in sets) + len(pool)
        WORK.ticks += WORK_PER_ELEMENT * n_elements_choices
    n_elements = len(xv) * 4 + len(edges) * (2 * n_t + 3)
    if prob.keeps_contiguity:
        flow: dict[tuple[int, int], cp_model.IntVar] = {}
        for i, j in edges:
            for a, b in ((i, j), (j, i)):
                f = model.new_int_var(0, n - 1, "")
                model.add(f == 0).only_enforce_if(cut[i, j])
                flow[a, b] = f
        inflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in pool}
        outflow: dict[int, list[cp_model.IntVar]] = {i: [] for i in pool}
        for (a, b), f in flow.items():
            outflow[a].append(f)
            inflow[b].append(f)
        for pos, i in enumerate(pool):
            model.add(sum(inflow[i]) - sum(outflow[i]) >= 1 - n * roots[pos])
        n_elements += len(flow) * 2 + n
    w = weights or {}
    objective = sum(int(w.get(e, 1)) * c for e, c in cut.items())
    model.minimize(objective)
    if improve:
        current = sum(int(w.get(e, 1)) for e in edges if plan[e[0]] != plan[e[1]])
        model.add(objective <= current - 1)
    # The plan as a hint, its labels ordered as the symmetry breaking wants them.
    order = (
        terr[:n_fixed_labels]
        + sorted(terr[n_fixed_labels:], key=lambda t: int(np.flatnonzero(plan == t).min()))
        if symmetric
        else terr
    )
    label = {t: r for r, t in enumerate(order)}
    for (i, r), v in xv.items():
        model.add_hint(v, label[int(plan[i])] == r)
    WORK.ticks += WORK_PER_ELEMENT * n_elements
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = max(limit, 0.01)
    solver.parameters.max_time_in_seconds = max(0.1, prob.wall_deadline - time.perf_counter())
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = linearization
    status = solver.solve(model)
    charge_cp_sat(solver.response_proto.deterministic_time, linearization)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    out = plan.copy()
    for (i, r), v in xv.items():
        if solver.value(v):
            out[i] = order[r] if symmetric else terr[r]
    return out, status == cp_model.OPTIMAL


class _Descent:
    """Pairs then triples until none improves; remembers groups proven optimal."""

    def __init__(self, prob: Problem) -> None:
        self.prob = prob
        self.active = {int(t) for t in np.flatnonzero(prob.active)}
        self.solved: set[tuple[tuple[int, ...], bytes]] = set()
        #: Groups whose solve reached its limit without a better split or a proof. Tried again
        #: in every later descent, they cost a full limit each time for nothing (on AL, 10 of
        #: 22 triples: a 60 s run made a single perturbation). They get one longer solve
        #: without the LP (see HARD_LIMIT) once the descent has converged.
        self.tried: set[tuple[tuple[int, ...], bytes]] = set()
        #: Groups that also reached the longer limit.
        self.hard: set[tuple[tuple[int, ...], bytes]] = set()
        #: Set when a group holding every active territory was solved to optimality: then
        #: the plan is optimal for the whole problem (k = 2, or k = 3 with triples).
        self.global_optimal = False
        #: Highest level the descent goes to (see :meth:`run`): 3 stops after the triples.
        self.max_level = 5
        #: Deterministic seconds per triple (``TRIPLE_LIMIT``; whole-problem groups keep it).
        self.triple_limit = TRIPLE_LIMIT
        #: Anchored territories' feasible unit sets (see :func:`split_flow`'s ``choices``).
        self.choices: dict[int, list[frozenset[int]]] = {}

    def key(self, plan: IntArray, group: tuple[int, ...]) -> tuple[tuple[int, ...], bytes]:
        members = np.isin(plan, group)
        # The group's units and their territories identify the subproblem exactly.
        return group, np.where(members, plan, -1).astype(
            np.int8 if self.prob.k < 127 else np.int64
        ).tobytes()

    def run(self, plan: IntArray, work_limit: float) -> IntArray:
        prob = self.prob
        best = plan.copy()
        cuts = cut_count(prob.lists, best)
        # Levels: 2 = pairs, 3 = triples, 4 = the pairs and triples that reached their limit,
        # solved again for longer without the LP, 5 = connected quadruples (without the LP, as
        # long). Back to the pairs after any gain.
        level = 2
        while level <= self.max_level:
            improved = False
            nbrs = territory_graph(prob.lists, best, self.active)
            if level == 4:
                groups = groups_of(nbrs, 2) + groups_of(nbrs, 3)
            elif level == 5:
                groups = groups_of(nbrs, 4) if QUADRUPLES else []
            else:
                groups = groups_of(nbrs, level)
            hard = level >= 4
            for gi in prob.rng.permutation(len(groups)).tolist():
                group = groups[gi]
                if prob.out_of_time() or WORK.ticks >= work_limit:
                    return best
                key = self.key(best, group)
                if key in self.solved or (key in self.hard if hard else key in self.tried):
                    continue
                if level == 4 and key not in self.tried:
                    continue
                if int(np.count_nonzero(np.isin(best, group))) > MAX_GROUP_UNITS:
                    continue
                # A group with a territory outside its band takes any balanced split (the
                # bands are hard in the subproblem); one in band only a better one.
                repair = not group_in_band(prob, best, group)
                lin = 0 if hard and not repair else 1
                whole = len(group) == len(self.active)
                limit = (
                    HARD_LIMIT
                    if hard
                    else PAIR_LIMIT
                    if len(group) == 2
                    else TRIPLE_LIMIT
                    if whole
                    else self.triple_limit
                )
                limit = min(limit, deterministic_budget(work_limit, lin))
                if (
                    level == 4
                    and len(group) == 3
                    and not repair
                    and not self.choices
                    and whole_mip.applicable(prob, best, group)
                ):
                    # A triple CP-SAT could not settle: on HiGHS, which proves most of them.
                    out, proven = whole_mip.solve_whole(
                        prob,
                        best,
                        min(work_limit, WORK.ticks + HARD_MIP_SECONDS * WORK_PER_SECOND),
                        group=group,
                    )
                    if out is not None and cut_count(prob.lists, out) >= cuts:
                        out = None  # as good as it gets (proven) or nothing better found
                else:
                    out, proven = split_flow(
                        prob,
                        best,
                        group,
                        limit,
                        improve=not repair,
                        linearization=lin,
                        choices=self.choices,
                    )
                if out is None:
                    if proven:
                        self.solved.add(key)
                        if whole and not repair:
                            self.global_optimal = True
                            return best
                    elif WORK.ticks < work_limit:  # cut by its own limit, not the run's
                        (self.hard if hard else self.tried).add(key)
                    continue
                if whole and proven:
                    self.global_optimal = True
                    return out
                new = cut_count(prob.lists, out)
                if new < cuts or repair:
                    best, cuts = out, new
                    improved = True
                    if len(group) >= 3 or hard:
                        break  # back to the (cheaper) pairs
            level = 2 if improved else level + 1
        return best


def _territories_in_band(prob: Problem, plan: IntArray) -> np.ndarray:
    values = np.zeros((prob.k, prob.x.shape[1]))
    np.add.at(values, plan[plan >= 0], prob.x[plan >= 0])
    z = np.abs(band_z(values, prob.lower, prob.upper))
    return np.asarray(np.all(z <= 1.0 + 1e-9, axis=1))


def group_in_band(prob: Problem, plan: IntArray, group: tuple[int, ...]) -> bool:
    """Whether every territory of ``group`` is within its bands."""
    return bool(_territories_in_band(prob, plan)[list(group)].all())


def in_band(prob: Problem, plan: IntArray) -> bool:
    """Whether every active territory is within its bands."""
    return bool(_territories_in_band(prob, plan)[prob.active].all())


def exact_lns(prob: Problem, assignment: IntArray, work_limit: float) -> IntArray:
    """Fewest cut edges by exact descent and perturbation (see the module's docstring) until
    ``work_limit`` on the work counter. Returns the best plan (``assignment`` if nothing
    better, contiguous and in band, was found); :func:`exact_lns_proven` also says whether
    it was proven optimal."""
    return exact_lns_proven(prob, assignment, work_limit)[0]


def exact_lns_proven(
    prob: Problem, assignment: IntArray, work_limit: float
) -> tuple[IntArray, bool]:
    """:func:`exact_lns`, and whether the plan it returns was proven optimal (a group holding
    every territory the bands do not decide was solved to optimality).

    Anchors (:mod:`.anchors`): a territory the bands decide is fixed for the search and takes
    no part in its groups; an anchored territory with few feasible sets takes one of them
    whole in every re-split, and after ANCHOR_MAIN_SHARE of the work the search restarts
    from the anchored territories' sets with the fewest border edges (see
    :func:`_anchor_restart`).
    """
    if prob.k < 2:
        return assignment, False
    decided, choices = anchored(prob, assignment) if in_band(prob, assignment) else ([], {})
    n_territories = int(np.count_nonzero(prob.active))
    movable, active = prob.movable.copy(), prob.active.copy()
    try:
        for t, members in decided:
            prob.movable[members] = False
            prob.active[t] = False
        if int(np.count_nonzero(prob.active)) < 2:
            return assignment, False
        if not choices:
            return _exact_lns(prob, assignment, work_limit, choices, n_territories)
        start = WORK.ticks
        best, proven = _exact_lns(
            prob,
            assignment,
            start + ANCHOR_MAIN_SHARE * (work_limit - start),
            choices,
            n_territories,
        )
        if proven:
            return best, True
        best_cuts = cut_count(prob.lists, best)
        candidates = _restart_sets(prob, best, choices)
        for pos, (t, chosen_set) in enumerate(candidates):
            if prob.out_of_time() or WORK.ticks >= work_limit:
                break
            share = (work_limit - WORK.ticks) / (len(candidates) - pos)
            trial = _anchor_restart(
                prob, best, t, chosen_set, WORK.ticks + share, choices, n_territories
            )
            if trial is not None and cut_count(prob.lists, trial) < best_cuts:
                best, best_cuts = trial, cut_count(prob.lists, trial)
        if not prob.out_of_time() and WORK.ticks < work_limit:
            # No restart was possible (or none kept the bands): the search goes on.
            best = _exact_lns(prob, best, work_limit, choices, n_territories)[0]
        return best, False
    finally:
        prob.movable[:] = movable
        prob.active[:] = active


def border_edges(lists: list[list[int]], members: frozenset[int]) -> int:
    """Edges between ``members`` and the other units."""
    return sum(1 for i in members for j in lists[i] if j not in members)


def _restart_sets(
    prob: Problem, plan: IntArray, choices: dict[int, list[frozenset[int]]]
) -> list[tuple[int, frozenset[int]]]:
    """At most ANCHOR_RESTARTS (territory, set) pairs: an anchored territory's feasible sets
    with fewer border edges than its set in ``plan``, fewest first (ties by their units)."""
    out: list[tuple[int, int, tuple[int, ...], frozenset[int]]] = []
    for t, sets in choices.items():
        now = border_edges(prob.lists, frozenset(np.flatnonzero(plan == t).tolist()))
        WORK.ticks += WORK_PER_ELEMENT * sum(len(s) for s in sets)
        for members in sets:
            b = border_edges(prob.lists, members)
            if b < now:
                out.append((b, t, tuple(sorted(members)), members))
    out.sort(key=lambda row: row[:3])
    return [(t, members) for _, t, _, members in out[:ANCHOR_RESTARTS]]


def connected(lists: list[list[int]], plan: IntArray, t: int) -> bool:
    """Whether territory ``t``'s units form one connected piece (True when it has none)."""
    return n_pieces(lists, np.flatnonzero(plan == t).tolist()) <= 1


def _anchor_restart(
    prob: Problem,
    plan: IntArray,
    t: int,
    members: frozenset[int],
    work_limit: float,
    choices: dict[int, list[frozenset[int]]],
    n_territories: int,
) -> IntArray | None:
    """Territory ``t`` takes ``members`` (one of its anchor's feasible sets) and keeps it; the
    units it gives up join a neighbouring territory, the local search brings the others back
    into their bands, and the exact search continues on the rest until ``work_limit``. None
    when the local search cannot make the plan feasible."""
    trial = plan.copy()
    given_up = set(np.flatnonzero(plan == t).tolist()) - members
    trial[list(members)] = t
    # A territory that lost units to ``members`` may be split: its smaller pieces are given
    # up too (the piece with the most of the first measure stays).
    for u in sorted(set(plan[list(members)].tolist()) - {t}):
        units = np.flatnonzero(trial == u).tolist()
        pieces = graph_pieces(prob.lists, units) if units else []
        pieces.sort(key=lambda piece: (-float(prob.x[piece, 0].sum()), min(piece)))
        for piece in pieces[1:]:
            given_up.update(piece)
    while given_up:
        placed = False
        for i in sorted(given_up):
            near = sorted(
                int(trial[j])
                for j in prob.lists[i]
                if j not in given_up and trial[j] != t and prob.active[trial[j]]
            )
            if near:
                trial[i] = near[0]
                given_up.discard(i)
                placed = True
        if not placed:
            return None
    movable, active = prob.movable.copy(), prob.active.copy()
    try:
        prob.movable[list(members)] = False
        prob.active[t] = False
        trial = local_search(prob, trial, progress=(0.7, 0.7))
        terr = np.flatnonzero(prob.active).tolist()
        if not in_band(prob, trial) or not all(connected(prob.lists, trial, u) for u in terr):
            return None
        rest = {u: sets for u, sets in choices.items() if u != t}
        out = _exact_lns(prob, trial, work_limit, rest, n_territories)[0]
    finally:
        prob.movable[:] = movable
        prob.active[:] = active
    if not in_band(prob, out) or not all(
        connected(prob.lists, out, u) for u in np.flatnonzero(prob.active).tolist()
    ):
        return None
    return out


def _exact_lns(
    prob: Problem,
    assignment: IntArray,
    work_limit: float,
    choices: dict[int, list[frozenset[int]]] | None = None,
    n_territories: int | None = None,
) -> tuple[IntArray, bool]:
    """The search of :func:`exact_lns` on the active territories; returns the best plan and
    whether it was proven optimal (a group holding every active territory was solved)."""
    descent = _Descent(prob)
    descent.choices = dict(choices or {})
    deep_first = (n_territories or len(descent.active)) <= DEEP_FIRST_MAX_K
    if not deep_first:
        descent.max_level, descent.triple_limit = 3, WALK_TRIPLE_LIMIT
    if (
        len(descent.active) in BISECTION_TERRITORIES
        and not descent.choices
        and in_band(prob, assignment)
    ):
        # A start of another layout: recursive bisection, kept when it cuts fewer edges.
        n_splits = len(descent.active) - 1
        per_split = BISECTION_SHARE * deterministic_budget(work_limit) / n_splits
        start = bisection.bisect(prob, assignment, min(BISECTION_LIMIT, per_split), split_flow)
        if (
            start is not None
            and in_band(prob, start)
            and cut_count(prob.lists, start) < cut_count(prob.lists, assignment)
        ):
            assignment = start
    best = descent.run(assignment, work_limit)
    descent.max_level, descent.triple_limit = 3, WALK_TRIPLE_LIMIT
    best_cuts = cut_count(prob.lists, best)
    if descent.global_optimal or not in_band(prob, best):
        return best, descent.global_optimal
    if len(descent.active) <= whole_mip.MAX_TERRITORIES and not prob.out_of_time():
        # Few territories: the whole problem on HiGHS, which proves what CP-SAT does not.
        out, proven = whole_mip.solve_whole(
            prob, best, WORK.ticks + WHOLE_MIP_SHARE * max(work_limit - WORK.ticks, 0.0)
        )
        if out is not None and in_band(prob, out):
            out_cuts = cut_count(prob.lists, out)
            if proven and out_cuts <= best_cuts:
                return out, True
            if out_cuts < best_cuts:
                best, best_cuts = out, out_cuts
    current, current_cuts = best, best_cuts
    stale = 0
    # Path relinking: each new best of the walk is relinked with the elite (the first local
    # optimum, the walk's earlier bests and what relinks made). A relinked plan does not
    # replace the walk's own best, so that the walk keeps making other local optima to relink.
    relinking = len(descent.active) >= RELINK_MIN_TERRITORIES and not descent.choices
    elite = [best.copy()]
    tried: set[tuple[bytes, bytes]] = set()
    top, top_cuts = best, best_cuts

    def feasible(plan: IntArray) -> bool:
        return in_band(prob, plan) and all(
            connected(prob.lists, plan, t) for t in sorted(descent.active)
        )

    def relink_new(plan: IntArray) -> None:
        nonlocal top, top_cuts
        if not relinking:
            return
        out = relink.relink_chain(prob, plan, elite, tried, work_limit, accept=feasible)
        for found in (plan, out):
            if found is not None and not any(np.array_equal(found, e) for e in elite):
                elite.append(found.copy())
        if out is not None and cut_count(prob.lists, out) < top_cuts:
            top, top_cuts = out, cut_count(prob.lists, out)

    # Plans whose hard groups and quadruples were solved (by the first descent when it went deep).
    deepened = {best.tobytes()} if deep_first else set()
    while not prob.out_of_time() and WORK.ticks < work_limit:
        if stale >= WALK_PATIENCE:
            stale = 0
            if best.tobytes() not in deepened:
                # The walk is stuck: the hard groups and the quadruples of the best plan.
                deepened.add(best.tobytes())
                descent.max_level, descent.triple_limit = 5, TRIPLE_LIMIT
                deep = descent.run(best, work_limit)
                descent.max_level, descent.triple_limit = 3, WALK_TRIPLE_LIMIT
                if descent.global_optimal:
                    return deep, True
                if cut_count(prob.lists, deep) < best_cuts:
                    best, best_cuts = deep, cut_count(prob.lists, deep)
                    deepened.add(best.tobytes())
                    if best_cuts < top_cuts:
                        top, top_cuts = best, best_cuts
                    relink_new(best)
            current, current_cuts = best, best_cuts
        nbrs = territory_graph(prob.lists, current, descent.active)
        size = 2 if prob.rng.random() < 0.5 or len(descent.active) < 3 else 3
        groups = [
            g
            for g in groups_of(nbrs, size) or groups_of(nbrs, 2)
            if int(np.count_nonzero(np.isin(current, g))) <= MAX_GROUP_UNITS
        ]
        if not groups:
            break
        group = groups[int(prob.rng.integers(len(groups)))]
        pool = np.flatnonzero(np.isin(current, group))
        weights = {
            (i, j): int(prob.rng.integers(1, 11))
            for i in pool.tolist()
            for j in prob.lists[i]
            if i < j and current[j] in group
        }
        limit = min(PERTURB_LIMIT, deterministic_budget(work_limit))
        kicked, _ = split_flow(
            prob,
            current,
            group,
            limit,
            weights=weights,
            seed=int(prob.rng.integers(1 << 30)),
            choices=descent.choices,
        )
        if kicked is None:
            continue
        trial = descent.run(kicked, work_limit)
        if descent.global_optimal:
            return trial, True
        trial_cuts = cut_count(prob.lists, trial)
        if trial_cuts <= current_cuts:
            current, current_cuts = trial, trial_cuts
        if trial_cuts < best_cuts:
            best, best_cuts, stale = trial, trial_cuts, 0
            if best_cuts < top_cuts:
                top, top_cuts = best, best_cuts
            relink_new(best)
        else:
            stale += 1
    if top_cuts < best_cuts:
        return top, False
    return best, False
