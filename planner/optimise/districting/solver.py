"""The entry point: validate the request, start, search, finish with the exact model."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike

from planner.optimise.graph import Adjacency
from planner.optimise.machine import speed as machine_speed

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.models.progress import TaskState

from planner.optimise.districting import lns, recombination
from planner.optimise.districting.border_mip import solve_rebalance_mip
from planner.optimise.districting.exact import solve_exact
from planner.optimise.districting.problem import (
    COMPACTNESS,
    CONTIGUITY,
    LNS_LOCAL_SEARCH_RATE,
    LNS_RESTART_SHARE,
    LNS_SHARE,
    MIP_SHARE,
    RECOMBINE_MAX_UNITS,
    RECOMBINE_SHARE,
    WALL_GRACE,
    WALL_SAFETY,
    WORK,
    WORK_PER_SECOND,
    DistrictingResult,
    Mode,
    Problem,
    Travel,
    as_int_array,
)
from planner.optimise.districting.results import build_result, empty_result
from planner.optimise.districting.search import (
    bands_missed_of,
    local_search,
    persist,
    reattach_pieces,
    restart_search,
    soft_budget_search,
)
from planner.optimise.districting.seeding import choose_seeds, fill_unassigned, grow_regions
from planner.optimise.districting.state import State, score_of


def optimise_territories(
    measures: ArrayLike,
    adjacency: Adjacency,
    coords: ArrayLike,
    k: int | None = None,
    *,
    mode: Mode | str = Mode.CREATE,
    seeds: ArrayLike | None = None,
    centres: ArrayLike | None = None,
    tolerance: float | ArrayLike = 0.05,
    targets: ArrayLike | None = None,
    bands: tuple[ArrayLike, ArrayLike] | None = None,
    locked: ArrayLike | None = None,
    current: ArrayLike | None = None,
    initial: ArrayLike | None = None,
    max_disruption: float | None = None,
    disruption_weight: ArrayLike | None = None,
    max_disruption_per_territory: float | ArrayLike | None = None,
    churn_budget: ArrayLike | None = None,
    border_model: bool | None = None,
    territories: Sequence[int] | None = None,
    compactness_weight: ArrayLike | None = None,
    objective: Literal["distance", "diameter", "cut_edges"] = "distance",
    contiguity: Literal["required", "preferred", "off"] = "required",
    measure_names: Sequence[str] | None = None,
    seed: int = 0,
    time_limit: float = 60.0,
    exact: bool | None = None,
    exact_time_limit: float | None = None,
    reproducible: bool = False,
    restarts: int | None = None,
    recombine: bool | None = None,
    travel: Travel | None = None,
    state: TaskState | None = None,
) -> DistrictingResult:
    """Assign units to ``k`` contiguous territories, each measure within its band, compactly.

    Parameters
    ----------
    measures : array_like, shape (n, m) or (n,)
        Non-negative value of each measure per unit (workload, potential, accounts, ...).
    adjacency : Adjacency
        Unit graph (see :func:`planner.optimise.graph.adjacency_from_geometry`).
    coords : array_like, shape (n, 2)
        Unit centroids in a projected CRS (km).
    k : int, optional
        Number of territories; defaults to ``len(seeds)``, ``len(centres)`` or
        ``current.max() + 1``.
    mode : {"create", "rebalance", "subset"}
        See :class:`Mode`. ``rebalance`` and ``subset`` need ``current``; ``subset`` needs
        ``territories``.
    seeds : array_like of int, shape (k,), optional
        A unit per territory to grow from (create mode). Without seeds or centres, seeds are
        the medians of a p-median over the unit coordinates.
    centres : array_like of float, shape (k, 2), optional
        Fixed territory centres, e.g. rep homes: compactness is measured to them and they seed
        the territories in create mode. Without them the centres follow each territory's
        weighted centroid.
    tolerance : float or array_like of shape (m,)
        Band half-width per measure as a fraction of the target (0.05 = ±5 %).
    targets : array_like, shape (m,) or (k, m), optional
        Target per measure (and territory). Default: the mean over the territories being
        optimised.
    bands : (lower, upper), optional
        Explicit bands, each broadcastable to (k, m); overrides ``tolerance`` and ``targets``.
    locked : array_like, shape (n,), optional
        Bool (unit keeps its ``current`` territory) or int (territory the unit is fixed to,
        ``-1`` for free).
    current : array_like of int, shape (n,), optional
        The current alignment (``-1`` = unassigned). Moves are explained against it.
    initial : array_like of int, shape (n,), optional
        Rebalance and subset: the assignment the search starts from (default: ``current``),
        e.g. the result of an earlier run to refine. Moves, disruption and its budget are
        still counted against ``current``.
    max_disruption : float, optional
        Largest fraction of ``disruption_weight`` allowed to change territory.
    disruption_weight : array_like, shape (n,), optional
        E.g. accounts or revenue per unit; ones when omitted.
    max_disruption_per_territory : float or array_like of shape (k,), optional
        Largest churn of each territory (disruption weight it loses plus weight it gains),
        as a fraction of the weight it holds in ``current``: the "per rep" budget.
    churn_budget : array_like of shape (k,), optional
        The same budget in disruption weight per territory (overrides
        ``max_disruption_per_territory``), for callers that count part of it elsewhere.
    border_model : bool, optional
        Start a budgeted rebalance from the mixed-integer model of the borders
        (:mod:`planner.optimise.districting.border_mip`). Default: when there is no ``initial``
        (a first run, not a refinement of an earlier one).
    territories : sequence of int, optional
        Subset mode: the territories to re-optimise.
    compactness_weight : array_like, shape (n,), optional
        Weight of each unit's distance to its centre; ones when omitted.
    objective : {"distance", "diameter", "cut_edges"}
        Compactness as weighted distance to the centre (total distance), as the territories'
        extent (min-max: the largest diameter, searched through a steep power of each unit's
        distance to its centre, see ``DIAMETER_POWER``), or as the number of cut edges. The
        result reports the total distance and every territory's diameter whatever the choice.
    contiguity : {"required", "preferred", "off"}
        ``required``: every territory stays connected in the unit graph (every move keeps it
        so). ``off``: territories may be in pieces (moves need only touch the receiving
        territory). ``preferred``: as ``required`` while that meets every band; if bands are
        still missed, the search goes on without contiguity and then gives back the pieces
        it can (each smaller piece joins a neighbour when no band suffers).
    measure_names : sequence of str, optional
        Names used in reports.
    seed : int
        Seed of every random choice: the same inputs and seed give the same result (unless the
        time limit cuts the search short).
    time_limit : float
        Seconds; on timeout or cancel the best assignment so far is returned. Counted as
        work, its solvers' part at this machine's speed (:func:`planner.optimise.machine.speed`,
        measured once by ``planner calibrate``), so the same seed gives the same plan under
        any load and the run takes about this many seconds of CPU here.
    exact : bool, optional
        Finish with the exact CP-SAT model; default when at most 150 units move.
    exact_time_limit : float, optional
        Seconds the exact phase may use at most (default: whatever is left of ``time_limit``,
        which it uses up unless it proves optimality). Interactive callers pass a few seconds.
    reproducible : bool
        Run the exact phase on one worker bounded by CP-SAT's deterministic time (about
        ``exact_time_limit`` seconds on a typical machine) instead of a two-worker portfolio
        bounded by wall time, so the same inputs and seed give the same plan on any machine
        load. The portfolio finds better plans on hard instances; this is for planners who
        need to re-run a result.
    restarts : int, optional
        Create mode: extra starts from random seeds, each grown and improved, the best kept
        (they use at most a quarter of ``time_limit``). Default: up to ``5000 / n`` (none at
        thousands of units, where one descent already takes seconds).
    recombine : bool, optional
        Re-split adjacent pairs and triples of territories exactly (see
        :mod:`.recombination`) until no split improves or three quarters of ``time_limit``
        are used; while bands are missed in create mode, the search stops at half the limit
        and the recombination repairs the bands (soft-band re-splits) until its end.
        Default: in create mode without travel, up to ``RECOMBINE_MAX_UNITS``
        movable units (above that a pair of territories is too large a subproblem for a
        fraction of a second, and the local search's plans are already close). With the
        ``cut_edges`` objective and contiguity required this is the exact large-neighbourhood
        search of :mod:`.lns` instead (descent over pairs and triples, then perturbations,
        until nine tenths of ``time_limit``; the exact phase after it runs on one worker).
    travel : Travel, optional
        Travel added to one measure (a rep's workload): scored exactly per move from the
        territories' visits, stops, area and the commute to the receiving territory's home,
        instead of a per-unit value. Needs ``targets`` or ``bands``. The exact phase uses it
        linearised around the local-search plan and keeps its plan only if the exact travel
        does not find it worse.
    state : TaskState, optional
        Progress and cancellation.

    Returns
    -------
    DistrictingResult
        Never raises for a request that cannot be met (bands too tight, locked units in the
        way, more territories than units): the result's ``status``, ``shortfalls`` and
        ``messages`` say what stands in the way. Malformed arguments (wrong shapes) raise
        ``ValueError``.
    """
    start = time.perf_counter()
    work_start = WORK.ticks
    # The solvers' work is charged at this machine's speed (planner.optimise.machine).
    WORK.speed = machine_speed()
    mode = Mode(mode)
    x = np.asarray(measures, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"measures must be (n, m), got shape {x.shape}")
    n, m = x.shape
    if adjacency.n != n:
        raise ValueError(f"adjacency has {adjacency.n} units but measures has {n}")
    xy = np.asarray(coords, dtype=np.float64)
    if xy.shape != (n, 2):
        raise ValueError(f"coords must have shape ({n}, 2), got {xy.shape}")
    if np.any(x < 0) or not np.all(np.isfinite(x)):
        raise ValueError("measures must be finite and non-negative")
    cur = None if current is None else as_int_array("current", current, n)
    start_from = None if initial is None else as_int_array("initial", initial, n)
    seed_units = None if seeds is None else np.asarray(seeds, dtype=np.int64).ravel()
    fixed_centres = None if centres is None else np.asarray(centres, dtype=np.float64)
    if k is None:
        if seed_units is not None:
            k = len(seed_units)
        elif fixed_centres is not None:
            k = len(fixed_centres)
        elif cur is not None and cur.max() >= 0:
            k = int(cur.max()) + 1
        else:
            raise ValueError("k is needed when neither seeds, centres nor current are given")
    if travel is not None:
        if not 0 <= travel.measure < m:
            raise ValueError(f"travel.measure must be a column of measures, got {travel.measure}")
        if targets is None and bands is None:
            raise ValueError("travel needs explicit targets or bands")
        for label, arr in (("visits", travel.visits), ("stops", travel.stops)):
            if np.shape(arr) != (n,):
                raise ValueError(f"travel.{label} must have shape ({n},)")
        if np.shape(travel.area) != (n,):
            raise ValueError(f"travel.area must have shape ({n},)")
    names = list(measure_names) if measure_names is not None else [f"measure {j}" for j in range(m)]
    if len(names) != m:
        raise ValueError(f"measure_names must have {m} entries")
    messages: list[str] = []

    def refuse(reason: str) -> DistrictingResult:
        base = cur.copy() if cur is not None else np.full(n, -1, dtype=np.int64)
        return empty_result(base, x, max(k or 0, 1), reason, start)

    if contiguity not in CONTIGUITY:
        raise ValueError(f"contiguity must be one of {', '.join(CONTIGUITY)}, got {contiguity!r}")
    if objective not in (*COMPACTNESS, "cut_edges"):
        raise ValueError(f"objective must be distance, diameter or cut_edges, got {objective!r}")
    if k < 1:
        return refuse(f"{k} territories requested; at least one is needed")
    if fixed_centres is not None and fixed_centres.shape != (k, 2):
        raise ValueError(f"centres must have shape ({k}, 2), got {fixed_centres.shape}")
    if mode in (Mode.REBALANCE, Mode.SUBSET) and cur is None:
        return refuse(f"{mode.value} mode needs the current alignment")
    if cur is not None and cur.max() >= k:
        return refuse(f"current alignment uses territory {int(cur.max())} but k is {k}")

    # Locked units.
    fixed = np.full(n, -1, dtype=np.int64)
    if locked is not None:
        lk = np.asarray(locked)
        if lk.shape != (n,):
            raise ValueError(f"locked must have shape ({n},), got {lk.shape}")
        if lk.dtype == bool:
            if cur is None:
                return refuse("locked units given as a mask need the current alignment")
            fixed = np.where(lk, cur, -1)
            if np.any(lk & (cur < 0)):
                messages.append(
                    f"{int(np.count_nonzero(lk & (cur < 0)))} locked units have no territory; "
                    "they are left free"
                )
        else:
            fixed = lk.astype(np.int64)
        if fixed.max(initial=-1) >= k:
            return refuse(f"a unit is locked to territory {int(fixed.max())} but k is {k}")

    # Territories being optimised.
    active = np.ones(k, dtype=bool)
    if mode is Mode.SUBSET:
        if not territories:
            return refuse("subset mode needs the territories to re-optimise")
        active[:] = False
        sel = np.asarray(list(territories), dtype=np.int64)
        if sel.min() < 0 or sel.max() >= k:
            return refuse(f"territories must be between 0 and {k - 1}")
        active[sel] = True
    movable = fixed < 0
    if mode is Mode.SUBSET:
        assert cur is not None
        movable &= (cur >= 0) & active[np.maximum(cur, 0)]
        # Unassigned units next to the chosen territories may join them.
        movable |= (cur < 0) & (fixed < 0)
    if int(np.count_nonzero(active)) > n:
        return refuse(f"{int(active.sum())} territories requested but only {n} units exist")

    # Targets and bands.
    tol = np.broadcast_to(np.asarray(tolerance, dtype=np.float64), (m,)).copy()
    if np.any(tol < 0):
        raise ValueError("tolerance must be non-negative")
    if mode is Mode.SUBSET:
        assert cur is not None
        pool = (cur >= 0) & active[np.maximum(cur, 0)] | (cur < 0)
        pool_mean = x[pool].sum(axis=0) / max(1, int(active.sum()))
        other_mean = x.sum(axis=0) / k
        tgt = np.where(active[:, None], pool_mean[None, :], other_mean[None, :])
    else:
        tgt = np.broadcast_to(x.sum(axis=0) / k, (k, m)).copy()
    if targets is not None:
        tgt = np.broadcast_to(np.asarray(targets, dtype=np.float64), (k, m)).copy()
    if bands is not None:
        lo = np.broadcast_to(np.asarray(bands[0], dtype=np.float64), (k, m)).copy()
        hi = np.broadcast_to(np.asarray(bands[1], dtype=np.float64), (k, m)).copy()
        if np.any(lo > hi):
            raise ValueError("bands: lower must not exceed upper")
        if targets is None:
            tgt = 0.5 * (lo + hi)
    else:
        lo = tgt * (1.0 - tol)
        hi = tgt * (1.0 + tol)

    dw = np.ones(n) if disruption_weight is None else np.asarray(disruption_weight, float)
    if dw.shape != (n,):
        raise ValueError(f"disruption_weight must have shape ({n},)")
    budget = math.inf
    if max_disruption is not None:
        if cur is None:
            messages.append("max_disruption ignored: there is no current alignment")
        else:
            budget = float(max_disruption) * float(dw.sum())
    territory_budget = None
    if churn_budget is not None:
        if cur is None:
            messages.append("churn_budget ignored: there is no current alignment")
        else:
            territory_budget = np.broadcast_to(
                np.asarray(churn_budget, dtype=np.float64), (k,)
            ).copy()
    elif max_disruption_per_territory is not None:
        if cur is None:
            messages.append("max_disruption_per_territory ignored: there is no current alignment")
        else:
            frac = np.broadcast_to(
                np.asarray(max_disruption_per_territory, dtype=np.float64), (k,)
            ).copy()
            held = np.bincount(cur[cur >= 0], weights=dw[cur >= 0], minlength=k)[:k]
            territory_budget = frac * held
    cw = np.ones(n) if compactness_weight is None else np.asarray(compactness_weight, float)
    if cw.shape != (n,):
        raise ValueError(f"compactness_weight must have shape ({n},)")
    cw_norm = cw / max(float(cw.mean()), 1e-12)
    extent = np.ptp(xy, axis=0) if n else np.zeros(2)
    scale = max(math.sqrt(max(float(extent[0] * extent[1]), 1e-12) / k), 1e-9)

    prob = Problem(
        x=x,
        adjacency=adjacency,
        lists=adjacency.to_lists(),
        coords=xy,
        k=k,
        lower=lo,
        upper=hi,
        targets=tgt,
        fixed=fixed,
        movable=movable,
        active=active,
        current=cur,
        budget=budget,
        territory_budget=territory_budget,
        dweight=dw,
        cweight=cw_norm,
        cweight_mean=max(float(cw.mean()), 1e-12),
        scale=scale,
        objective=objective,
        contiguity=contiguity,
        fixed_centres=fixed_centres,
        names=names,
        rng=np.random.default_rng(seed),
        work_limit=work_start + time_limit * WORK_PER_SECOND,
        wall_deadline=start + WALL_SAFETY * time_limit + WALL_GRACE,
        state=state,
        exact_time_limit=exact_time_limit,
        reproducible=reproducible,
        travel=travel,
    )
    if travel is not None and np.shape(travel.home) != (n, k):
        raise ValueError(f"travel.home must have shape ({n}, {k})")
    if state is not None:
        state.report(0.0, "territories: starting")

    # Start.
    if mode is Mode.CREATE:
        seed_list = choose_seeds(prob, seed_units, messages, seed)
        assignment = grow_regions(prob, seed_list)
    else:
        assert cur is not None
        assignment = (cur if start_from is None else start_from).copy()
        assignment[fixed >= 0] = fixed[fixed >= 0]
        if np.any(assignment < 0):
            assignment = fill_unassigned(prob, assignment)
    if state is not None:
        state.report(0.1, "territories: local search")

    budgeted = mode is not Mode.CREATE and cur is not None and math.isfinite(budget)
    if border_model is None:
        border_model = start_from is None
    n_free = int(np.count_nonzero(movable))
    if recombine is None:
        recombine = mode is Mode.CREATE and travel is None and n_free <= RECOMBINE_MAX_UNITS
    # Create mode with recombination (not the exact search of the cut-edge objective): while
    # bands are missed, the local search and its kicks end at a share of the limit and the
    # recombination, whose soft-band re-splits move whole subtrees across a border, gets the
    # rest; on sparse graphs single moves and kicks stall out of band for the whole limit.
    repairable = (
        bool(recombine)
        and mode is Mode.CREATE
        and contiguity != "preferred"
        and not (objective == "cut_edges" and contiguity == "required")
    )
    repair_at = work_start + recombination.MISSED_PERSIST_SHARE * time_limit * WORK_PER_SECOND
    if budgeted and border_model:
        if state is not None:
            state.report(0.1, "territories: mixed-integer model of the borders")
        mip = solve_rebalance_mip(prob, assignment, time_limit=MIP_SHARE * time_limit)
        prob.stopped = bool(prob.state is not None and prob.state.is_cancelled())
        assignment = local_search(prob, assignment if mip is None else mip, progress=(0.5, 0.8))
    elif budgeted:
        assignment = soft_budget_search(prob, assignment, progress=(0.1, 0.8))
    elif repairable:
        run_limit = prob.work_limit
        prob.work_limit = min(run_limit, repair_at)
        try:
            assignment = local_search(prob, assignment, progress=(0.1, 0.5))
        finally:
            prob.work_limit = run_limit
            prob.stopped = bool(prob.state is not None and prob.state.is_cancelled())
        if not bands_missed_of(prob, assignment) and WORK.ticks >= repair_at:
            # Cut short in band: the search goes on as it did without the share.
            assignment = local_search(prob, assignment, progress=(0.1, 0.5))
    else:
        assignment = local_search(prob, assignment, progress=(0.1, 0.5))
    # Fewest cut edges, contiguous: the exact large-neighbourhood search repairs bands and
    # improves far more per unit of work than restarts and kicks of the local search, so
    # those get a small share (restarts) or none (persist).
    use_lns = bool(recombine) and objective == "cut_edges" and contiguity == "required"
    lns_proven = False
    if mode is Mode.CREATE:
        assignment = restart_search(
            prob,
            assignment,
            work_start,
            (LNS_RESTART_SHARE / 0.25 if use_lns else 1.0) * time_limit,
            restarts,
            progress=(0.5, 0.8),
            # The exact search improves plans in band only: restarts until one is, up to
            # the share they have without it.
            missed_until=work_start + 0.25 * time_limit * WORK_PER_SECOND if use_lns else None,
        )
    if use_lns and mode is Mode.CREATE and not budgeted:
        # The local search's step rates were measured on the demo plan (distance objective);
        # with the cut-edge objective its counted work before the exact search was 2.2-2.6x
        # its CPU time (AL 12.7 s for 4.9 s, OK 6.9 s for 2.9 s). Charged at the measured
        # rate, that CPU goes to the exact search instead of ending the run early.
        WORK.ticks = work_start + LNS_LOCAL_SEARCH_RATE * (WORK.ticks - work_start)
    if exact is None:
        exact = n_free <= 150 and k <= 12
    # While bands are missed, the search goes on (kicks and restarts from the best plan) for
    # the whole time limit, less the exact model's share; "preferred" contiguity then lets
    # territories split.
    persist_until = work_start + (0.75 if exact else 1.0) * time_limit * WORK_PER_SECOND
    if contiguity == "preferred":
        persist_until = work_start + 0.6 * time_limit * WORK_PER_SECOND
    repair = repairable and bands_missed_of(prob, assignment) > 0
    if not use_lns:
        until = min(persist_until, repair_at) if repair else persist_until
        assignment = persist(prob, assignment, until, progress=(0.5, 0.9))
    if contiguity == "preferred" and not prob.out_of_time() and bands_missed_of(prob, assignment):
        if state is not None:
            state.report(0.9, "territories: bands missed; letting territories split")
        prob.splitting = True
        assignment = persist(
            prob,
            assignment,
            persist_until + 0.3 * time_limit * WORK_PER_SECOND,
            progress=(0.6, 0.9),
        )
        assignment = reattach_pieces(prob, assignment)
    if recombine and not prob.out_of_time():
        if state is not None:
            state.report(0.7, "territories: recombining neighbouring territories")
        stop_at = work_start + RECOMBINE_SHARE * time_limit * WORK_PER_SECOND
        if use_lns:
            # Exact large-neighbourhood search: pairs and triples re-split to optimality,
            # perturbed and descended again, for the time the exact model does not need.
            stop_at = work_start + LNS_SHARE * time_limit * WORK_PER_SECOND
            assignment, lns_proven = lns.exact_lns_proven(prob, assignment, stop_at)
        else:
            if repair and bands_missed_of(prob, assignment) > 0:
                # Bands still missed: the recombination repairs them until the end.
                stop_at = persist_until
            assignment = recombination.recombine(prob, assignment, stop_at)

    proven = proven_infeasible = False
    if lns_proven:
        # The search solved a group holding every territory to optimality: nothing to add.
        proven, exact = True, False
    if exact and not prob.out_of_time():
        if state is not None:
            state.report(0.8, "territories: exact model")
        if use_lns:
            # One worker on deterministic time, like the search before it: the portfolio's
            # plans differed between runs, and after the search it only proves optimality.
            prob.reproducible = True
        exact_assignment, proven, proven_infeasible = solve_exact(prob, assignment)
        if (
            exact_assignment is not None
            and travel is not None
            and score_of(State(prob, exact_assignment))[0] > score_of(State(prob, assignment))[0]
        ):
            # The exact model's linearised travel was off: keep the local-search plan.
            exact_assignment, proven = None, False
        if (
            exact_assignment is not None
            and not proven
            and objective == "cut_edges"
            and prob.current is None  # no disruption terms: the model minimises cut edges only
            and lns.cut_count(prob.lists, exact_assignment) > lns.cut_count(prob.lists, assignment)
            and lns.in_band(prob, assignment)
            and (
                not prob.keeps_contiguity
                or all(lns.connected(prob.lists, assignment, t) for t in range(prob.k))
            )
        ):
            # Cut by its limit, CP-SAT may return a plan worse than the one it was hinted
            # (it did not complete the hint in time): ID with k = 3 went from 23 cut edges
            # after the search to 37. The search's plan is kept.
            exact_assignment = None
        if exact_assignment is not None:
            assignment = exact_assignment
        elif proven_infeasible:
            messages.append("the exact model proved that no contiguous assignment meets every band")

    result = build_result(prob, assignment, messages, start, proven, proven_infeasible)
    if state is not None:
        state.report(1.0, "territories: done")
    return result
