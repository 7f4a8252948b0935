"""National scale: split a territory problem into parts, solve them in parallel, stitch, repair.

A national alignment (33,000 ZIP areas, 300 territories) is too large for one run of the
districting core within minutes: every move scans the borders of every territory. This
module cuts the problem into parts of at most :data:`PART_TERRITORIES` territories, each a
connected region holding its share of every measure, solves the parts independently with
:func:`planner.optimise.districting.optimise_territories` (in worker processes, one per
core), puts the parts' alignments side by side and finally repairs the bands across the
part borders by moving border units between neighbouring territories.

How the parts are made (see ``docs/national.md`` for the options weighed):

- **Create** (no current alignment): recursive coordinate bisection of the units. Each cut
  splits the territory count in two halves and is placed along the longer axis where both
  sides hold the same share of every measure as of territories (the cut with the smallest
  largest difference over the measures); small pieces a cut separates from their side are
  given to the other side, so every part is a connected region.
- **Rebalance** of a complete alignment: no parts. :func:`transfer_rounds` plans which
  border units go to which neighbour as one linear programme over the territory graph
  (:mod:`planner.optimise.transfer`), so a regional surplus travels across several
  territories, then the boundary repair finishes. Of an incomplete alignment: recursive
  bisection of the territories by their centroids; each part holds whole territories, so
  a part's moves stay within it and the disruption budget is shared out by the parts'
  weights.

Determinism: every part has a counted work limit (the core's deterministic clock) and its
own seed derived from the run's seed and the part's index, and the results are combined in
part order, so the same inputs and seed give the same plan whatever the number of worker
processes and however the operating system schedules them. The work per part is planned for
:data:`PLANNED_PARALLELISM` processes: more cores finish sooner, they do not change the plan.

The module is Qt-free and uses only the core's public functions.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import os
import time

try:
    import resource
except ImportError:  # pragma: no cover - not on Unix
    resource = None  # type: ignore[assignment]
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.models.graph import Adjacency, articulation_points, connected_components
from planner.models.progress import TaskState
from planner.optimise.band_proof import BandProof, prove_out_of_reach
from planner.optimise.districting import (
    Blocker,
    DistrictingResult,
    Shortfall,
    Travel,
    optimise_territories,
    work_ticks,
)
from planner.optimise.districting.problem import WORK_PER_SECOND, charge
from planner.optimise.transfer import AnyMoveBound

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event as EventType

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

#: Values of the ``decompose`` option (``planner optimise --decompose``).
DECOMPOSE_MODES = ("auto", "on", "off")
#: ``auto`` decomposes from this many movable units and territories on.
AUTO_MIN_UNITS = 6000
AUTO_MIN_TERRITORIES = 60
#: Largest number of territories in one part (the core meets bands within a minute there).
PART_TERRITORIES = 40
#: Processes the work per part is planned for (the plan does not depend on the machine).
PLANNED_PARALLELISM = 2
#: Shares of the time limit: the parts (all of them together, per planned process) and the
#: boundary repair; the rest covers splitting and stitching.
SOLVE_SHARE = 0.85
#: Share of the disruption budget the parts may spend; the repair keeps the rest.
PART_BUDGET_SHARE = 0.85
#: Moves the boundary repair evaluates per second of time limit (counted, not timed).
REPAIR_EVALS_PER_SECOND = 4000
#: Weight of the soft band (the inner SOFT_Z of every band) in the repair's objective: it
#: makes room in the neighbours of a territory out of band.
SOFT_WEIGHT = 0.05
SOFT_Z = 0.8
#: Chains of two moves tried per territory when no single move helps, and the largest
#: objective cost of a chain's first move.
CHAIN_TRIES = 6
CHAIN_MAX_COST = 1.0
#: Plans already this much in band (refinements of a decomposed run) are only repaired.
POLISH_IN_BAND = 0.95
#: Transfers across the territory graph (rebalance): rounds of the unit-level flow
#: programme, the fraction from which a planned move is made, and the share of the
#: candidate moves below which a round's made moves end the rounds.
TRANSFER_ROUNDS = 8
#: Share of the disruption budget (total and per territory) the first transfers may spend.
TRANSFER_BUDGET_SHARE = 0.85
#: Rebalance of a complete alignment: whether the parts are solved after the transfers.
#: Measured on the national rebalance (docs/national.md): two of the eight parts took
#: 640 s at load 11 and the parts added 13 territories in band before the transfers
#: existed, while the transfers bring 139 → ~180 in about a minute; the transfers and the
#: boundary repair therefore replace them.
REBALANCE_PARTS = False
#: Boundary repair after transfers: scored moves per second of time limit.
REPAIR_EVALS_AFTER_TRANSFERS = 400
TRANSFER_MAKE = 0.5
TRANSFER_MIN_MADE = 0.002
#: Re-solves of each round's programme with prices reweighted towards a count in band.
TRANSFER_REWEIGHT = 2
#: Counted work per candidate move and solve (about the simplex's CPU time on this box).
TRANSFER_WORK_PER_CANDIDATE = 1.0
#: Each round's planned moves are chosen whole by an integer programme over the chains
#: the linear programme used (``planner.optimise.transfer.choose_chain_moves``), before
#: the rounding of the rest; its counted work per solve (its limit is CP-SAT's
#: deterministic time).
TRANSFER_CHAINS = False
#: Depth of the regions grown from a border a round's programme may move (1: border units).
TRANSFER_DEPTH = 1
#: A list to have the first rebalance by transfers that finds it empty append the
#: relaxations of its starting state (:func:`transfer_relaxation`, with their wall and CPU
#: seconds) before it plans; ``None`` (default) skips them. For benchmarks: whether a
#: target is reachable.
RELAXATION_REPORT: list[tuple[Relaxation, float, float]] | None = None
#: The relaxations the report holds: moves of up to this many hops across the territory
#: graph, the next only when the one before cannot bring every territory in band (the
#: benchmark's ``NATIONAL_RELAXATION_HOPS``; two hops cost minutes on the national plan).
RELAXATION_HOPS: tuple[int, ...] = (1,)
#: A list to have a rebalance by transfers prove, for every territory it leaves out of
#: band, whether any contiguous plan within the per-rep limits and the budget could bring
#: it in (:func:`planner.optimise.band_proof.prove_out_of_reach`, with its wall and CPU
#: seconds); ``None`` (default) skips it. A proven territory's shortfall then says so.
#: For benchmarks: a bound on how many territories any plan can bring in band.
BAND_PROOF_REPORT: list[tuple[BandProof, float, float]] | None = None
TRANSFER_WORK_PER_CHAIN_SOLVE = 160_000.0
#: Rounds of a rebalance's transfers planned by the counting programme
#: (``transfer.plan_count_moves``: most territories in band, not least distance out of
#: band) before the linear one, and its counted work per candidate move (about 10 s of
#: CPU for the 15,000 candidates of the national plan).
TRANSFER_COUNT_ROUNDS = 8
TRANSFER_WORK_PER_COUNT_CANDIDATE = 28.0
#: Share of a rebalance's time limit the counting programme may take (counted work, over
#: all its rounds); the linear programme plans the rounds after it.
TRANSFER_COUNT_SHARE = 0.8
#: Counting rounds stop after this many rounds in a row that bring no more territories in
#: band than the best round before them (the programme bounds a round from its own start;
#: once rounds stop gaining, more of them only spend the budgets).
TRANSFER_COUNT_PATIENCE = 2
#: Whole-unit counting rounds (``plan_count_moves(whole=True)``, every move a binary, the
#: true bands aimed at) from the best alignment of the fractional ones, in place of the
#: boundary repair, which lowers the count (docs/optimiser.md, "National rebalance,
#: fourth round"); at most this many, and their counted work: simplex iterations times
#: candidates (6e-8 s of CPU each on the national plan).
TRANSFER_WHOLE_ROUNDS = 4
TRANSFER_WHOLE_SECONDS_PER_ITERATION_CANDIDATE = 6e-8
#: Plans with fewer territories keep the linear programme: measured on the national plan
#: (300 territories) only; on a test plan of 24 territories and a 5 % budget the counting
#: programme spent the whole budget on the bands' margins and left one territory out where
#: the linear one brought every territory in.
TRANSFER_COUNT_MIN_TERRITORIES = 60


def use_decomposition(option: str, n_units: int, k: int) -> bool:
    """Whether ``option`` (auto, on, off) decomposes a problem of this size."""
    if option not in DECOMPOSE_MODES:
        raise ValueError(f"decompose must be one of {', '.join(DECOMPOSE_MODES)}, got {option!r}")
    if option == "off" or k < 4:
        return False
    if option == "on":
        return True
    return n_units >= AUTO_MIN_UNITS and k >= AUTO_MIN_TERRITORIES


def default_workers() -> int:
    """Worker processes: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def solve_territories(
    measures: ArrayLike,
    adjacency: Adjacency,
    coords: ArrayLike,
    k: int | None = None,
    *,
    decompose: str = "auto",
    workers: int | None = None,
    **kwargs: Any,
) -> DistrictingResult:
    """:func:`optimise_territories`, decomposed into parts when ``decompose`` says so.

    ``decompose``: ``off`` never, ``on`` whenever there are at least four territories,
    ``auto`` from :data:`AUTO_MIN_UNITS` units and :data:`AUTO_MIN_TERRITORIES` territories.
    Other arguments are those of :func:`optimise_territories`.
    """
    n = adjacency.n
    kk = k
    if kk is None:
        centres = kwargs.get("centres")
        kk = len(np.asarray(centres)) if centres is not None else 0
    locked = kwargs.get("locked")
    free = n
    if locked is not None:
        lk = np.asarray(locked)
        free = int(np.count_nonzero(lk < 0)) if lk.dtype != bool else int(np.count_nonzero(~lk))
    if k is not None and use_decomposition(decompose, free, int(kk)):
        if decompose == "on" and k <= PART_TERRITORIES:
            # Asked for: at least two parts, however small the plan.
            kwargs.setdefault("part_territories", max(2, math.ceil(k / 2)))
        out = optimise_decomposed(measures, adjacency, coords, k, workers=workers, **kwargs)
        if out is not None:
            return out
    return optimise_territories(measures, adjacency, coords, k, **kwargs)


# ------------------------------------------------------------------------------------------
# Parts


def link_islands(adjacency: Adjacency, coords: FloatArray) -> Adjacency:
    """The graph with every piece that touches nothing else linked to its nearest unit.

    ZIP areas on islands (Nantucket, the San Juan Islands, lake islands) have no rook
    neighbour; a territory holding one would never be contiguous. Each such piece gets one
    edge from its unit nearest to another piece, to that unit (repeated until the graph is
    connected), as a planner would draw the ferry link.
    """
    n = adjacency.n
    edges = adjacency.edges()
    adj = adjacency
    for _ in range(20):
        labels = connected_components(adj)
        sizes = np.bincount(labels) if n else np.zeros(0, dtype=np.int64)
        if sizes.size <= 1:
            return adj
        main = int(np.argmax(sizes))
        extra = []
        for c in np.flatnonzero(np.arange(sizes.size) != main).tolist():
            mine = np.flatnonzero(labels == c)
            others = np.flatnonzero(labels != c)
            best = (math.inf, -1, -1)
            for u in mine.tolist():
                d = np.hypot(*(coords[others] - coords[u]).T)
                i = int(np.argmin(d))
                if d[i] < best[0]:
                    best = (float(d[i]), u, int(others[i]))
            extra.append((best[1], best[2]))
        edges = np.concatenate([edges, np.asarray(extra, dtype=np.int64)])
        adj = Adjacency.from_edges(n, edges)
    return adj


@dataclass(frozen=True)
class Part:
    """One part: its units and territories (global indices, ascending)."""

    units: IntArray
    territories: IntArray


def _components_split(
    adjacency: Adjacency, side_a: IntArray, side_b: IntArray
) -> tuple[IntArray, IntArray]:
    """Give pieces cut off from their side's main piece to the other side when they touch it."""
    n = adjacency.n
    for _ in range(2):
        changed = False
        for first in (True, False):
            mine, other = (side_a, side_b) if first else (side_b, side_a)
            if mine.size == 0:
                continue
            mask = np.zeros(n, dtype=bool)
            mask[mine] = True
            labels = connected_components(adjacency, mask)[mine]
            sizes = np.bincount(labels)
            if sizes.size <= 1:
                continue
            main = int(np.argmax(sizes))
            other_mask = np.zeros(n, dtype=bool)
            other_mask[other] = True
            give = []
            for c in np.flatnonzero(np.arange(sizes.size) != main).tolist():
                piece = mine[labels == c]
                nbrs = np.concatenate([adjacency.neighbors(int(u)) for u in piece])
                if other_mask[nbrs].any():
                    give.append(piece)
            if give:
                moved = np.concatenate(give)
                keep = ~np.isin(mine, moved)
                mine, other = mine[keep], np.sort(np.concatenate([other, moved]))
                changed = True
            side_a, side_b = (mine, other) if first else (other, mine)
        if not changed:
            break
    return side_a, side_b


def _cut(order_values: FloatArray, share: float) -> tuple[int, float]:
    """Index after which to cut rows (in order) so every column's share is nearest ``share``."""
    total = order_values.sum(axis=0)
    total = np.where(total > 0, total, 1.0)
    cum = np.cumsum(order_values, axis=0) / total
    worst = np.abs(cum - share).max(axis=1)
    worst[-1] = np.inf  # both sides keep a unit
    i = int(np.argmin(worst))
    return i, float(worst[i])


def _axes(xy: FloatArray) -> list[int]:
    """Coordinate axes, the longer spread first."""
    lo, hi = np.percentile(xy, [5, 95], axis=0)
    spread = hi - lo
    return [0, 1] if spread[0] >= spread[1] else [1, 0]


#: Directions (degrees) tried for every cut; the one whose sides match best wins.
CUT_ANGLES = (0.0, 30.0, 60.0, 90.0, 120.0, 150.0)


def split_units(
    adjacency: Adjacency,
    coords: FloatArray,
    values: FloatArray,
    k: int,
    part_territories: int = PART_TERRITORIES,
    positions: FloatArray | None = None,
) -> list[Part]:
    """Recursive bisection of the units into connected regions holding their territories.

    Every cut is a straight line, tried in the directions of :data:`CUT_ANGLES`; along each
    the units are sorted and cut where both sides hold the same share of every measure as
    of territories (the cut with the smallest largest difference over the measures, after
    pieces cut off from their side joined the other). Without ``positions`` the territory
    count is halved; with them (a point per territory, e.g. the rep's home) the territories
    go with the side their point lies on, and the cut is chosen so that the measures follow
    the count. Parts come in a fixed order.
    """
    col_total = values.sum(axis=0)
    norm = values / np.where(col_total > 0, col_total, 1.0)
    out: list[Part] = []

    def rec(units: IntArray, ts: IntArray) -> None:
        kk = int(ts.size)
        if kk <= part_territories or units.size < 2 * kk:
            out.append(Part(units=np.sort(units), territories=np.sort(ts)))
            return
        part_total = norm[units].sum(axis=0)
        part_total = np.where(part_total > 0, part_total, 1.0)
        best: tuple[float, IntArray, IntArray, IntArray, IntArray] | None = None
        for angle in CUT_ANGLES:
            d = np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
            proj = coords[units] @ d
            order = np.argsort(proj, kind="stable")
            cum = np.cumsum(norm[units[order]], axis=0) / part_total
            if positions is None:
                k1 = np.full(units.size, kk // 2)
                t_order = ts
            else:
                tproj = positions[ts] @ d
                t_order = ts[np.argsort(tproj, kind="stable")]
                k1 = np.searchsorted(np.sort(tproj), proj[order], side="right")
            share = k1 / kk
            worst = np.abs(cum - share[:, None]).max(axis=1)
            worst[(k1 < max(1, kk // 4)) | (k1 > kk - max(1, kk // 4))] = np.inf
            worst[-1] = np.inf
            i = int(np.argmin(worst))
            if not np.isfinite(worst[i]):
                continue
            left, right = _components_split(
                adjacency, np.sort(units[order[: i + 1]]), np.sort(units[order[i + 1 :]])
            )
            kl = int(k1[i])
            dev = float(np.abs(norm[left].sum(axis=0) / part_total - kl / kk).max())
            if best is None or dev < best[0] - 1e-4:
                best = (dev, left, right, t_order[:kl], t_order[kl:])
        if best is None:
            out.append(Part(units=np.sort(units), territories=np.sort(ts)))
            return
        rec(best[1], best[3])
        rec(best[2], best[4])

    rec(np.arange(adjacency.n, dtype=np.int64), np.arange(k, dtype=np.int64))
    return out


def split_territories(
    adjacency: Adjacency,
    coords: FloatArray,
    assignment: IntArray,
    k: int,
    part_territories: int = PART_TERRITORIES,
) -> list[Part]:
    """Recursive bisection of the territories by centroid; units follow their territory.

    Unassigned units join the part of a neighbour (else of the nearest assigned unit).
    """
    n = adjacency.n
    ok = assignment >= 0
    count = np.bincount(assignment[ok], minlength=k)[:k].astype(float)
    cx = np.bincount(assignment[ok], weights=coords[ok, 0], minlength=k)[:k]
    cy = np.bincount(assignment[ok], weights=coords[ok, 1], minlength=k)[:k]
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.column_stack([cx / count, cy / count])
    centre = np.nan_to_num(centre, nan=float(np.nanmean(coords[:, 0])) if n else 0.0)
    groups: list[IntArray] = []

    def rec(ts: IntArray) -> None:
        if ts.size <= part_territories:
            groups.append(np.sort(ts))
            return
        axis = _axes(centre[ts])[0]
        order = ts[np.argsort(centre[ts, axis], kind="stable")]
        half = ts.size // 2
        rec(order[:half])
        rec(order[half:])

    rec(np.arange(k, dtype=np.int64))
    part_of_t = np.empty(k, dtype=np.int64)
    for p, ts in enumerate(groups):
        part_of_t[ts] = p
    part_of_u = np.where(ok, part_of_t[np.maximum(assignment, 0)], -1)
    # Unassigned units: breadth-first from the assigned ones.
    todo = np.flatnonzero(part_of_u < 0)
    if todo.size:
        lists = adjacency.to_lists()
        frontier = [u for u in range(n) if part_of_u[u] >= 0]
        while frontier:
            nxt = []
            for u in frontier:
                for v in lists[u]:
                    if part_of_u[v] < 0:
                        part_of_u[v] = part_of_u[u]
                        nxt.append(v)
            frontier = nxt
        rest = np.flatnonzero(part_of_u < 0)
        placed = np.flatnonzero(part_of_u >= 0)
        for u in rest.tolist():
            if placed.size:
                d = np.hypot(*(coords[placed] - coords[u]).T)
                part_of_u[u] = part_of_u[placed[int(np.argmin(d))]]
            else:
                part_of_u[u] = 0
    return [
        Part(units=np.flatnonzero(part_of_u == p).astype(np.int64), territories=ts)
        for p, ts in enumerate(groups)
    ]


def _positions(
    coords: FloatArray, k: int, centres: FloatArray | None, fixed: IntArray
) -> tuple[bool, FloatArray | None]:
    """A point per territory for the split: its centre, else the centroid of its locked units.

    ``(True, None)`` when no territory has one (the split halves counts); ``(False, None)``
    when only some have one (the problem is then solved whole).
    """
    pos = np.full((k, 2), np.nan)
    if centres is not None:
        pos[:] = centres
    for t in np.unique(fixed[fixed >= 0]).tolist():
        if not np.all(np.isfinite(pos[t])):
            pos[t] = coords[fixed == t].mean(axis=0)
    have = np.all(np.isfinite(pos), axis=1)
    if have.all():
        return True, pos
    return (not have.any()), None


# ------------------------------------------------------------------------------------------
# Solving the parts

_CANCEL: EventType | None = None


def _init_worker(cancel: EventType) -> None:
    global _CANCEL
    _CANCEL = cancel


class _SharedCancel(TaskState):
    """A worker's task state: cancelled when the parent sets the shared event."""

    def is_cancelled(self) -> bool:
        return _CANCEL is not None and _CANCEL.is_set()


def _solve_part(
    index: int, task: dict[str, Any], state: TaskState | None = None
) -> tuple[int, IntArray, str, float, float]:
    """Solve one part (in a worker process or in-process).

    Returns its index, local assignment, status, counted work and the process's peak
    memory in MB.
    """
    edges = task.pop("edges")
    n = task["measures"].shape[0]
    if state is None and _CANCEL is not None:
        state = _SharedCancel()
    ticks = work_ticks()
    result = optimise_territories(adjacency=Adjacency.from_edges(n, edges), state=state, **task)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource else 0.0
    return index, result.assignment, result.status, work_ticks() - ticks, peak


def _charge_caller(ticks: float) -> None:
    """Count the parts' work on the calling thread too (its time budget spans them)."""
    charge(ticks)


def _slice_travel(travel: Travel, units: IntArray, ts: IntArray) -> Travel:
    return Travel(
        measure=travel.measure,
        visits=travel.visits[units],
        stops=travel.stops[units],
        area=travel.area[units],
        home=travel.home[np.ix_(units, ts)],
        tour=travel.tour,
        offset=None if travel.offset is None else travel.offset[ts],
        area_fixed=None if travel.area_fixed is None else travel.area_fixed[ts],
        fixed=None if travel.fixed is None else travel.fixed[ts],
    )


def _broadcast(value: ArrayLike, k: int, m: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (k, m)).copy()


def optimise_decomposed(
    measures: ArrayLike,
    adjacency: Adjacency,
    coords: ArrayLike,
    k: int,
    *,
    mode: str = "create",
    centres: ArrayLike | None = None,
    tolerance: float | ArrayLike = 0.05,
    targets: ArrayLike | None = None,
    bands: tuple[ArrayLike, ArrayLike] | None = None,
    locked: ArrayLike | None = None,
    current: ArrayLike | None = None,
    initial: ArrayLike | None = None,
    max_disruption: float | None = None,
    disruption_weight: ArrayLike | None = None,
    churn_budget: ArrayLike | None = None,
    compactness_weight: ArrayLike | None = None,
    measure_names: Sequence[str] | None = None,
    seed: int = 0,
    time_limit: float = 60.0,
    travel: Travel | None = None,
    state: TaskState | None = None,
    workers: int | None = None,
    part_territories: int | None = None,
    border_model: bool | None = None,
    executor: cf.Executor | None = None,
    **ignored: Any,
) -> DistrictingResult | None:
    """Solve a large territory problem part by part, then repair across the part borders.

    Arguments are those of :func:`optimise_territories` (``exact`` and ``restarts`` are left
    to the parts' defaults), plus ``workers`` (processes; default one per core, 1 solves the
    parts in this process one after the other, with the same result) and
    ``part_territories``. ``executor``: a :class:`concurrent.futures.Executor` to run the
    parts on instead of a local process pool, e.g. a Dask cluster's
    (``distributed.Client.get_executor()``); see ``docs/national.md``. Cancelling then
    drops the parts not yet started and keeps the others' results. Returns ``None`` when the
    problem cannot be split (locked units of one territory in two parts): the caller then
    solves it whole.
    """
    t0 = time.perf_counter()
    x = np.asarray(measures, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n, m = x.shape
    xy = np.asarray(coords, dtype=np.float64)
    if mode not in ("create", "rebalance"):
        return None
    cur = None if current is None else np.asarray(current, dtype=np.int64)
    begin = cur if initial is None else np.asarray(initial, dtype=np.int64)
    if locked is None:
        fixed = np.full(n, -1, dtype=np.int64)
    else:
        lk = np.asarray(locked)
        if lk.dtype == bool:
            if cur is None:
                return None
            fixed = np.where(lk, cur, -1).astype(np.int64)
        else:
            fixed = lk.astype(np.int64)
    if bands is not None:
        lo = _broadcast(bands[0], k, m)
        hi = _broadcast(bands[1], k, m)
        mid = _broadcast(targets, k, m) if targets is not None else 0.5 * (lo + hi)
    else:
        tol = np.broadcast_to(np.asarray(tolerance, dtype=np.float64), (m,))
        mid = (
            _broadcast(targets, k, m)
            if targets is not None
            else np.broadcast_to(x.sum(axis=0) / k, (k, m)).copy()
        )
        lo, hi = mid * (1 - tol), mid * (1 + tol)
    centre_xy = None if centres is None else np.asarray(centres, dtype=np.float64)
    dweight = (
        np.ones(n) if disruption_weight is None else np.asarray(disruption_weight, dtype=float)
    )
    cweight = None if compactness_weight is None else np.asarray(compactness_weight, dtype=float)
    churn = None if churn_budget is None else np.asarray(churn_budget, dtype=float)

    def report(fraction: float, message: str) -> None:
        if state is not None:
            state.report(fraction, message)

    part_territories = part_territories or PART_TERRITORIES
    # Islands count as joined to their nearest unit, in the parts and in the repair.
    adjacency = link_islands(adjacency, xy)
    rebalance = mode == "rebalance" and begin is not None and bool((begin >= 0).any())
    total_w = float(dweight.sum())
    budget_total = math.inf if max_disruption is None or cur is None else max_disruption * total_w
    transfers = 0
    by_transfers = rebalance and cur is not None and begin is not None and bool((begin >= 0).all())
    # The counting programme's share of the time limit, as counted work; on plans of
    # national size only (see TRANSFER_COUNT_MIN_TERRITORIES).
    count_work = [TRANSFER_COUNT_SHARE * time_limit * WORK_PER_SECOND]
    counting = by_transfers and k >= TRANSFER_COUNT_MIN_TERRITORIES
    count_rounds = TRANSFER_COUNT_ROUNDS if counting else 0
    if by_transfers:
        assert begin is not None
        # 0. Transfers across the territory graph: a regional surplus travels to where
        # there is room before the parts (which keep whole territories) see it.
        report(0.0, "planning transfers between neighbouring territories")

        def repair_on(share: float) -> BoundaryRepair:
            # The transfers from the start, on a share of the budget and per-rep limit.
            assert begin is not None
            return BoundaryRepair(
                adjacency,
                x,
                begin,
                k,
                lo,
                hi,
                fixed=fixed,
                current=cur,
                dweight=dweight,
                budget=budget_total * share,
                churn_budget=None if churn is None else churn * share,
                travel=travel,
            )

        coarse = repair_on(TRANSFER_BUDGET_SHARE)
        if RELAXATION_REPORT is not None and not RELAXATION_REPORT:
            # Once per report (the planner's later rounds start elsewhere than the
            # baseline), on the whole budgets (the transfers start on a share of them): a bound on
            # what the run may do, not on what its first step may.
            full = repair_on(1.0)
            for hops in RELAXATION_HOPS:
                wall0, cpu0 = time.perf_counter(), time.process_time()
                relaxation = transfer_relaxation(full, hops=hops, any_move=hops == 1)
                RELAXATION_REPORT.append(
                    (relaxation, time.perf_counter() - wall0, time.process_time() - cpu0)
                )
                if relaxation.all_reachable:
                    break
        kept = _Best(coarse, lo, hi)
        transfers = transfer_rounds(
            coarse,
            count_rounds=count_rounds,
            count_work=count_work,
            cancelled=(lambda: state.is_cancelled()) if state is not None else None,
            report=lambda message: report(0.01, message),
            each_round=kept.offer,
        )
        begin = kept.assignment
    # 1. Parts.
    if not (by_transfers and not REBALANCE_PARTS):
        report(0.0, f"splitting {n:,} units and {k} territories into parts")
    if rebalance:
        assert begin is not None
        parts = split_territories(adjacency, xy, begin, k, part_territories)
    else:
        splittable, positions = _positions(xy, k, centre_xy, fixed)
        if not splittable:
            return None
        parts = split_units(adjacency, xy, x, k, part_territories, positions)
    if len(parts) < 2:
        return None
    polish = False
    if begin is not None and (begin >= 0).all():
        values = _values(x, begin, k, travel)
        share = float(np.mean(np.all((values >= lo) & (values <= hi), axis=1)))
        polish = share >= POLISH_IN_BAND or (by_transfers and not REBALANCE_PARTS)
    adj_edges = adjacency.edges()
    part_of_u = np.empty(n, dtype=np.int64)
    for p, part in enumerate(parts):
        part_of_u[part.units] = p

    # 2. Tasks: counted work per part, planned for PLANNED_PARALLELISM processes.
    solve_work = time_limit * SOLVE_SHARE * PLANNED_PARALLELISM
    moved_now = (
        np.zeros(n, dtype=bool) if cur is None or begin is None else (begin != cur) & (cur >= -1)
    )
    spent_total = float(dweight[moved_now].sum())
    tasks: list[dict[str, Any]] = []
    for p, part in enumerate(parts if not polish else []):
        u, ts = part.units, part.territories
        local_t = np.full(k, -1, dtype=np.int64)
        local_t[ts] = np.arange(ts.size)
        local_u = np.full(n, -1, dtype=np.int64)
        local_u[u] = np.arange(u.size)
        inside = (part_of_u[adj_edges[:, 0]] == p) & (part_of_u[adj_edges[:, 1]] == p)
        fx = fixed[u]
        fx_local = np.where(fx >= 0, local_t[np.maximum(fx, 0)], -1)
        if np.any((fx >= 0) & (fx_local < 0)):
            return None
        task: dict[str, Any] = {
            "measures": x[u],
            "edges": local_u[adj_edges[inside]],
            "coords": xy[u],
            "k": int(ts.size),
            "mode": "rebalance" if rebalance else "create",
            "centres": None if centre_xy is None else centre_xy[ts],
            "bands": (lo[ts], hi[ts]),
            "targets": mid[ts],
            "locked": fx_local,
            "compactness_weight": None if cweight is None else cweight[u],
            "measure_names": None if measure_names is None else list(measure_names),
            "seed": int(seed) * 7919 + p,
            "time_limit": max(0.5, solve_work * u.size / n),
            "exact": False,
            "reproducible": True,
            "travel": None if travel is None else _slice_travel(travel, u, ts),
        }
        if rebalance:
            assert cur is not None and begin is not None
            cur_local = np.where(cur[u] >= 0, local_t[np.maximum(cur[u], 0)], -1)
            task["current"] = cur_local
            task["initial"] = np.where(begin[u] >= 0, local_t[np.maximum(begin[u], 0)], -1)
            task["disruption_weight"] = dweight[u]
            task["border_model"] = border_model
            if math.isfinite(budget_total):
                w_p = float(dweight[u].sum())
                spent_p = float(dweight[u][moved_now[u]].sum())
                left = max(budget_total - spent_total, 0.0) * PART_BUDGET_SHARE
                budget_p = spent_p + left * (w_p / total_w if total_w > 0 else 0.0)
                task["max_disruption"] = min(1.0, budget_p / w_p) if w_p > 0 else 0.0
            if churn is not None:
                task["churn_budget"] = churn[ts] * PART_BUDGET_SHARE
        elif cur is not None and initial is not None:
            # A refinement of a create run: start from the given alignment.
            task["mode"] = "rebalance"
            task["current"] = np.where(cur[u] >= 0, local_t[np.maximum(cur[u], 0)], -1)
        tasks.append(task)

    # 3. Solve (in part order whatever finishes first).
    n_workers = default_workers() if workers is None else max(1, int(workers))
    n_workers = min(n_workers, len(tasks)) if executor is None else len(tasks)
    where = f"{n_workers} process(es)" if executor is None else type(executor).__name__
    if tasks:
        report(0.03, f"solving {len(parts)} parts on {where}")
    solved: list[tuple[IntArray, str] | None] = [None] * len(tasks)
    ticks_of = [0.0] * len(tasks)
    worker_peak = 0.0
    cancelled = False
    if not tasks:
        if not (by_transfers and not REBALANCE_PARTS):
            report(0.03, f"{100 * POLISH_IN_BAND:g} % or more in band already: repair only")
    elif n_workers == 1 and executor is None:
        for p, task in enumerate(tasks):
            sub = (
                state.sub(0.03 + 0.85 * p / len(tasks), 0.03 + 0.85 * (p + 1) / len(tasks))
                if state
                else None
            )
            _, a, status, ticks, _ = _solve_part(p, dict(task), sub)
            solved[p] = (a, status)
            ticks_of[p] = ticks
            if state is not None and state.is_cancelled():
                cancelled = True
                break
    else:
        ctx = multiprocessing.get_context("spawn")
        cancel_event = ctx.Event()
        pool: cf.Executor
        if executor is not None:
            pool = executor
        else:
            pool = cf.ProcessPoolExecutor(
                max_workers=n_workers,
                mp_context=ctx,
                initializer=_init_worker,
                initargs=(cancel_event,),
            )
        try:
            # Largest parts first: the workers stay busy to the end.
            order = sorted(range(len(tasks)), key=lambda p: -tasks[p]["measures"].shape[0])
            pending = {pool.submit(_solve_part, p, tasks[p]) for p in order}
            done_count = 0
            while pending:
                done, pending = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    p, a, status, ticks, peak = fut.result()
                    worker_peak = max(worker_peak, peak)
                    solved[p] = (a, status)
                    ticks_of[p] = ticks
                    done_count += 1
                    report(
                        0.03 + 0.85 * done_count / len(tasks),
                        f"part {done_count} of {len(tasks)} solved",
                    )
                if state is not None and state.is_cancelled() and not cancelled:
                    cancel_event.set()
                    cancelled = True
                    for fut in pending:
                        fut.cancel()
        finally:
            if executor is None:
                pool.shutdown(wait=True, cancel_futures=True)

    # In-process parts already counted their work here; workers' is counted once, per
    # planned process (summed in part order, so the float sum does not depend on timing).
    part_work = sum(ticks_of)
    if n_workers > 1 or executor is not None:
        _charge_caller(part_work / PLANNED_PARALLELISM)
    else:
        _charge_caller(-part_work + part_work / PLANNED_PARALLELISM)

    # 4. Stitch.
    assignment = np.full(n, -1, dtype=np.int64) if begin is None else begin.copy()
    statuses = []
    for p, part in enumerate(parts):
        got = solved[p] if p < len(solved) else None
        if got is None:
            continue
        a, status = got
        statuses.append(status)
        ok = a >= 0
        assignment[part.units[ok]] = part.territories[a[ok]]
    if any(s == "infeasible" for s in statuses):
        return None
    # Units left without a territory (a cancelled part) join a neighbour's.
    if (assignment < 0).any() and (assignment >= 0).any():
        lists = adjacency.to_lists()
        frontier = np.flatnonzero(assignment >= 0).tolist()
        while frontier:
            nxt = []
            for w in frontier:
                for v in lists[w]:
                    if assignment[v] < 0 and fixed[v] < 0:
                        assignment[v] = int(assignment[w])
                        nxt.append(v)
            frontier = nxt

    # 5. Boundary repair.
    report(0.9, "repairing the bands across part borders")

    def repair_from(start: IntArray) -> BoundaryRepair:
        # The repair (and its transfers) on the whole budget and per-rep limit.
        return BoundaryRepair(
            adjacency,
            x,
            start,
            k,
            lo,
            hi,
            fixed=fixed,
            current=cur,
            dweight=dweight,
            budget=budget_total,
            churn_budget=churn,
            travel=travel,
        )

    repair = repair_from(assignment)
    best = _Best(repair, lo, hi)
    if not cancelled and rebalance and cur is not None:
        transfers += transfer_rounds(
            repair,
            count_rounds=count_rounds,
            count_work=count_work,
            cancelled=(lambda: state.is_cancelled()) if state is not None else None,
            report=lambda message: report(0.9, message),
            each_round=best.offer,
        )
    transfer_moves = repair.moves
    best.offer(repair)
    whole = counting and not cancelled and count_work[0] > 0
    if whole:
        # Whole-unit counting rounds from the best alignment, in place of the repair and
        # the transfers after it: the repair lowers how far territories lie out of band,
        # which lowered the count on the national plan (231 -> 204, docs/optimiser.md).
        repair = repair_from(best.assignment)
        transfers += transfer_rounds(
            repair,
            rounds=TRANSFER_WHOLE_ROUNDS,
            count_rounds=TRANSFER_WHOLE_ROUNDS,
            count_work=count_work,
            cancelled=(lambda: state.is_cancelled()) if state is not None else None,
            report=lambda message: report(0.95, message),
            each_round=best.offer,
            whole=True,
        )
        transfer_moves = repair.moves
        best.offer(repair)
    elif not cancelled:
        evals = REPAIR_EVALS_AFTER_TRANSFERS if by_transfers else REPAIR_EVALS_PER_SECOND
        repair.run(
            max_evals=repair.evals + int(evals * time_limit),
            cancelled=(lambda: state.is_cancelled()) if state is not None else None,
        )
        best.offer(repair)
    if by_transfers and not cancelled and not whole:
        # The repair minimises how far out of band territories lie, which can push one
        # out to bring two nearer; transfers once more, and the best alignment is kept.
        before = repair.moves
        transfers += transfer_rounds(
            repair,
            count_rounds=count_rounds,
            count_work=count_work,
            cancelled=(lambda: state.is_cancelled()) if state is not None else None,
            report=lambda message: report(0.95, message),
            each_round=best.offer,
        )
        transfer_moves += repair.moves - before
        best.offer(repair)
    assignment = best.assignment
    cancelled = cancelled or (state is not None and state.is_cancelled())
    result = _result(
        x, adjacency, xy, assignment, k, lo, hi, mid, centre_xy, cweight, cur, dweight, travel
    )
    budget_spent = math.isfinite(budget_total) and repair.spent >= budget_total * 0.999
    blocker = (
        Blocker("disruption_budget", (), "the disruption budget is used up")
        if budget_spent
        else Blocker(
            "stopped" if cancelled else "trade_off",
            (),
            "stopped before the repair across the part borders reached it"
            if cancelled
            else "no move of a border unit brings it in without pushing a neighbour out "
            "of its band",
        )
    )
    proven: set[int] = set()
    if BAND_PROOF_REPORT is not None and by_transfers and cur is not None and not cancelled:
        for t in np.flatnonzero(~result.in_band.all(axis=1)).tolist():
            wall0, cpu0 = time.perf_counter(), time.process_time()
            proof = prove_out_of_reach(
                x,
                adjacency,
                cur,
                t,
                lo,
                hi,
                dweight,
                churn_limit=churn,
                budget=budget_total,
                travel=travel,
                movable=fixed < 0,
            )
            BAND_PROOF_REPORT.append(
                (proof, time.perf_counter() - wall0, time.process_time() - cpu0)
            )
            if proof.out_of_reach:
                proven.add(t)
    out_of_reach = Blocker(
        "proven_infeasible",
        (),
        "no contiguous plan within the per-rep limits and the budget brings it in band "
        "(proved by a relaxation of the territory alone)",
    )
    names = list(measure_names) if measure_names is not None else []
    for t, j in zip(*np.nonzero(~result.in_band), strict=True):
        value, low, high = float(result.values[t, j]), float(lo[t, j]), float(hi[t, j])
        result.shortfalls.append(
            Shortfall(
                territory=int(t),
                measure=int(j),
                measure_name=names[j] if j < len(names) else f"measure {j + 1}",
                value=value,
                target=float(mid[t, j]),
                lower=low,
                upper=high,
                amount=value - high if value > high else low - value,
                deviation_pct=float(result.deviation_pct[t, j]),
                blockers=(out_of_reach,) if int(t) in proven else (blocker,),
            )
        )
    sizes = f"{min(len(p.territories) for p in parts)}–{max(len(p.territories) for p in parts)}"
    if tasks:
        text = f"solved in {len(parts)} parts of {sizes} territories on {where}"
        if worker_peak:
            text += f" (largest worker {worker_peak:,.0f} MB)"
    elif by_transfers and not REBALANCE_PARTS:
        text = "rebalanced across the territory graph"
    else:
        text = f"{100 * POLISH_IN_BAND:g} % or more in band already: repaired only"
    if transfers:
        text += f"; {transfers:,} units moved by transfers across the territory graph"
    result.messages.append(
        f"{text}; the boundary repair made {repair.moves - transfer_moves:,} moves"
    )
    if cancelled:
        result.status = "cancelled"
    result.elapsed = time.perf_counter() - t0
    report(1.0, f"{int(result.in_band.all(axis=1).sum())} of {k} territories in band")
    return result


# ------------------------------------------------------------------------------------------
# Boundary repair


class BoundaryRepair:
    """Moves border units between neighbouring territories until the bands hold.

    The objective per territory is how far each measure lies outside its band (in band
    half-widths) plus :data:`SOFT_WEIGHT` times how far it lies outside the inner
    :data:`SOFT_Z` of the band, which gives neighbours of a territory out of band room to
    take or give a unit. A move is made only when it lowers the objective of the two
    territories it touches, keeps the territory it leaves connected, moves no locked unit
    and stays within the disruption budget (total and per territory) counted from
    ``current``. Work is counted in evaluated moves.
    """

    def __init__(
        self,
        adjacency: Adjacency,
        x: FloatArray,
        assignment: IntArray,
        k: int,
        lower: FloatArray,
        upper: FloatArray,
        *,
        fixed: IntArray | None = None,
        current: IntArray | None = None,
        dweight: FloatArray | None = None,
        budget: float = math.inf,
        churn_budget: FloatArray | None = None,
        travel: Travel | None = None,
    ) -> None:
        n = adjacency.n
        self.lists = adjacency.to_lists()
        self.edges = adjacency.edges()
        self.x = x
        self.k = k
        self.a = assignment.copy()
        self.mid = 0.5 * (lower + upper)
        self.half = np.maximum(0.5 * (upper - lower), 1e-6 * np.abs(self.mid) + 1e-12)
        self.fixed = np.full(n, -1, dtype=np.int64) if fixed is None else fixed
        self.cur = current
        self.dw = np.ones(n) if dweight is None else dweight
        self.budget = budget
        self.churn_budget = churn_budget
        self.travel = travel
        ok = self.a >= 0
        self.sums = np.zeros((k, x.shape[1]))
        for j in range(x.shape[1]):
            self.sums[:, j] = np.bincount(self.a[ok], weights=x[ok, j], minlength=k)[:k]
        self.agg = travel.totals(self.a, k) if travel is not None else None
        self.members: list[set[int]] = [set() for _ in range(k)]
        for u in np.flatnonzero(ok).tolist():
            self.members[int(self.a[u])].add(u)
        self.spent = 0.0
        self.churn = np.zeros(k)
        if current is not None:
            moved = ok & (current != self.a)
            self.spent = float(self.dw[moved].sum())
            for u in np.flatnonzero(moved).tolist():
                self._churn_add(u, int(self.a[u]), self.dw[u])
        self.moves = 0
        self.evals = 0

    def _churn_add(self, u: int, t: int, w: float) -> None:
        assert self.cur is not None
        c = int(self.cur[u])
        if c != t:
            if c >= 0:
                self.churn[c] += w
            self.churn[t] += w

    def value(self, t: int, sums: FloatArray, agg: FloatArray | None) -> FloatArray:
        if self.travel is None or agg is None:
            return sums
        v = sums.copy()
        v[self.travel.measure] += float(self.travel.hours(agg, t))
        return v

    def cost(self, t: int, v: FloatArray) -> float:
        z = np.abs((v - self.mid[t]) / self.half[t])
        return float(
            np.maximum(z - 1.0, 0.0).sum() + SOFT_WEIGHT * np.maximum(z - SOFT_Z, 0.0).sum()
        )

    def out_of_band(self, t: int) -> float:
        v = self.value(t, self.sums[t], None if self.agg is None else self.agg[t])
        z = np.abs((v - self.mid[t]) / self.half[t])
        return float(np.maximum(z - 1.0, 0.0).sum())

    def _can_leave(self, u: int, t: int) -> bool:
        if len(self.members[t]) <= 1:
            return False
        a = self.a
        nb = [v for v in self.lists[u] if a[v] == t]
        if len(nb) <= 1:
            return True
        targets = set(nb[1:])
        seen = {u, nb[0]}
        stack = [nb[0]]
        while stack and targets:
            w = stack.pop()
            for v in self.lists[w]:
                if v not in seen and a[v] == t:
                    seen.add(v)
                    targets.discard(v)
                    stack.append(v)
        return not targets

    def _budget_ok(self, u: int, t: int, s: int) -> bool:
        if self.cur is None:
            return True
        c = int(self.cur[u])
        w = float(self.dw[u])
        delta = w * (float(s != c) - float(t != c))
        if delta > 0 and self.spent + delta > self.budget + 1e-9:
            return False
        if self.churn_budget is not None:
            # The churn a move changes (as _churn_add counts it): every territory whose
            # churn grows must stay within its limit, whether the unit leaves home or
            # moves on from a territory it already joined.
            change: dict[int, float] = {}
            if c != t:
                for terr in (c, t):
                    change[terr] = change.get(terr, 0.0) - w
            if c != s:
                for terr in (c, s):
                    change[terr] = change.get(terr, 0.0) + w
            for terr, d in change.items():
                if (
                    terr >= 0
                    and d > 1e-12
                    and self.churn[terr] + d > self.churn_budget[terr] + 1e-9
                ):
                    return False
        return True

    def _apply(self, u: int, t: int, s: int) -> None:
        xu = self.x[u]
        self.sums[t] -= xu
        self.sums[s] += xu
        if self.agg is not None and self.travel is not None:
            self.agg[t] -= self.travel.contribution(np.array([u]), t)[0]
            self.agg[s] += self.travel.contribution(np.array([u]), s)[0]
        if self.cur is not None:
            w = float(self.dw[u])
            self._churn_add(u, t, -w)
            self._churn_add(u, s, w)
            c = int(self.cur[u])
            self.spent += w * (float(s != c) - float(t != c))
        self.members[t].discard(u)
        self.members[s].add(u)
        self.a[u] = s
        self.moves += 1

    def _delta(self, u: int, t: int, s: int) -> float:
        self.evals += 1
        xu = self.x[u]
        at = as_ = None
        if self.agg is not None and self.travel is not None:
            at = self.agg[t] - self.travel.contribution(np.array([u]), t)[0]
            as_ = self.agg[s] + self.travel.contribution(np.array([u]), s)[0]
        before = self._cost_now(t) + self._cost_now(s)
        after = self.cost(t, self.value(t, self.sums[t] - xu, at)) + self.cost(
            s, self.value(s, self.sums[s] + xu, as_)
        )
        return after - before

    def _cost_now(self, t: int) -> float:
        return self.cost(t, self.value(t, self.sums[t], None if self.agg is None else self.agg[t]))

    def _candidates(self, t: int) -> list[tuple[float, int, int, int]]:
        """Every move of a unit into or out of ``t``, best (lowest objective change) first."""
        a = self.a
        cands: list[tuple[float, int, int, int]] = []
        seen: set[tuple[int, int]] = set()
        for u in sorted(self.members[t]):
            for v in self.lists[u]:
                s = int(a[v])
                if s == t or s < 0:
                    continue
                if (u, s) not in seen and self.fixed[u] < 0:
                    seen.add((u, s))
                    cands.append((self._delta(u, t, s), u, t, s))
                if (v, t) not in seen and self.fixed[v] < 0:
                    seen.add((v, t))
                    cands.append((self._delta(v, s, t), v, s, t))
        cands.sort()
        return cands

    def _first_allowed(
        self, cands: list[tuple[float, int, int, int]], below: float, skip: int = -1
    ) -> tuple[float, int, int, int] | None:
        for cand in cands:
            delta, u, frm, to = cand
            if delta >= below:
                return None
            if u != skip and self._budget_ok(u, frm, to) and self._can_leave(u, frm):
                return cand
        return None

    def _best_move(self, t: int) -> bool:
        """The best improving move into or out of ``t``, else a chain of two; made if found.

        The chain moves a unit between ``t`` and a neighbour although that alone does not
        pay, then the best move of that neighbour with another of its neighbours, and is
        kept only when both together lower the objective (else the first move is undone).
        """
        cands = self._candidates(t)
        move = self._first_allowed(cands, -1e-12)
        if move is not None:
            self._apply(*move[1:])
            return True
        tried = 0
        for delta, u, frm, to in cands:
            if tried >= CHAIN_TRIES or delta > CHAIN_MAX_COST:
                break
            if not (self._budget_ok(u, frm, to) and self._can_leave(u, frm)):
                continue
            tried += 1
            self._apply(u, frm, to)
            other = to if frm == t else frm
            second = self._first_allowed(self._candidates(other), -delta - 1e-12, skip=u)
            if second is not None:
                self._apply(*second[1:])
                return True
            self._apply(u, to, frm)
            self.moves -= 2
        return False

    def run(self, max_evals: int, cancelled: Callable[[], bool] | None = None) -> None:
        """Repair until every band holds, nothing improves or ``max_evals`` moves were scored."""
        for _ in range(10_000):
            bad = [t for t in range(self.k) if self.out_of_band(t) > 0]
            if not bad:
                return
            # The territories out of band and their neighbours (which make room).
            near: set[int] = set()
            for t in bad:
                for u in self.members[t]:
                    for v in self.lists[u]:
                        if self.a[v] >= 0:
                            near.add(int(self.a[v]))
            order = sorted(bad, key=lambda t: (-self.out_of_band(t), t))
            order += sorted(near - set(bad))
            moved = False
            for t in order:
                if self.evals >= max_evals or (cancelled is not None and cancelled()):
                    return
                if self._cost_now(t) <= 0:
                    continue
                moved |= self._best_move(t)
            if not moved:
                return

    def values(self) -> FloatArray:
        """Measure values per territory now (travel included)."""
        out = self.sums.copy()
        if self.travel is not None and self.agg is not None:
            out[:, self.travel.measure] += self.travel.hours(self.agg, np.arange(self.k))
        return out

    def border_moves(
        self, depth: int = 1
    ) -> tuple[IntArray, IntArray, IntArray, FloatArray, IntArray]:
        """Moves of free units to a neighbouring territory: unit, from, to, passed, parent.

        Depth 1 are the units on the border with the territory they would join; a unit of
        depth ``d + 1`` touches one of depth ``d`` of the same pair and may only move with
        it: ``parent`` is the index of that move (-1 at depth 1), so the units that go form
        a region grown from the border. Units whose leaving alone would split their
        territory are left out. ``passed`` is what the move takes from the one territory to
        the other per measure (the travel term's change counted as the mean of the two
        territories').
        """
        a, lists, fixed = self.a, self.lists, self.fixed
        cut = np.zeros(a.size, dtype=bool)
        for t in range(self.k):
            members = self.members[t]
            if len(members) <= 1:
                cut[list(members)] = True
            elif members:
                cut[list(articulation_points(lists, members))] = True
        e = self.edges
        both = np.concatenate([e, e[:, ::-1]])
        u, v = both[:, 0], both[:, 1]
        keep = (a[u] >= 0) & (a[v] >= 0) & (a[u] != a[v]) & (fixed[u] < 0) & ~cut[u]
        first = np.unique(np.column_stack([a[u[keep]], a[v[keep]], u[keep]]), axis=0)
        units_l: list[int] = []
        to_l: list[int] = []
        parent_l: list[int] = []
        start = 0
        while start < first.shape[0]:
            t, s_ = int(first[start, 0]), int(first[start, 1])
            stop = start
            while stop < first.shape[0] and first[stop, 0] == t and first[stop, 1] == s_:
                stop += 1
            layer = first[start:stop, 2].tolist()
            index_of: dict[int, int] = {}
            for w in layer:
                index_of[w] = len(units_l)
                units_l.append(w)
                to_l.append(s_)
                parent_l.append(-1)
            for _ in range(depth - 1):
                nxt: list[int] = []
                for w in layer:
                    for y in lists[w]:
                        if y not in index_of and a[y] == t and fixed[y] < 0 and not cut[y]:
                            index_of[y] = len(units_l)
                            units_l.append(y)
                            to_l.append(s_)
                            parent_l.append(index_of[w])
                            nxt.append(y)
                layer = nxt
            start = stop
        units = np.asarray(units_l, dtype=np.int64)
        to = np.asarray(to_l, dtype=np.int64)
        parent = np.asarray(parent_l, dtype=np.int64)
        frm = a[units].astype(np.int64)
        passed = self._passed(units, frm, to)
        self.evals += units.size
        return units, frm, to, passed, parent

    def _passed(self, units: IntArray, frm: IntArray, to: IntArray) -> FloatArray:
        """The measures each move carries from ``frm`` to ``to``: the units' own, and for the
        travel measure the mean of what the giver loses and the taker gains."""
        passed = self.x[units].copy()
        if units.size and self.travel is not None and self.agg is not None:
            tr, j = self.travel, self.travel.measure
            ct = tr.contribution(units, frm)
            cs = tr.contribution(units, to)
            lost = tr.hours(self.agg[frm], frm) - tr.hours(self.agg[frm] - ct, frm)
            gained = tr.hours(self.agg[to] + cs, to) - tr.hours(self.agg[to], to)
            passed[:, j] += 0.5 * (lost + gained)
        return passed

    def all_moves(self, hops: int = 1) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
        """Moves of every free unit to every territory at most ``hops`` territories from its
        own (1: bordering it): unit, from, to, passed (as :meth:`border_moves` counts it).
        The candidates of the relaxations of :func:`transfer_relaxation`: a unit deep inside
        its territory may go to any such territory, as if the units between went too."""
        a, fixed = self.a, self.fixed
        e = self.edges
        ta, tb = a[e[:, 0]], a[e[:, 1]]
        ok = (ta >= 0) & (tb >= 0) & (ta != tb)
        pairs = np.unique(
            np.concatenate([np.column_stack([ta[ok], tb[ok]]), np.column_stack([tb[ok], ta[ok]])]),
            axis=0,
        )
        near: list[set[int]] = [set() for _ in range(self.k)]
        for t, s_ in pairs.tolist():
            near[t].add(s_)
        reach = [set(row) for row in near]
        for _ in range(max(1, hops) - 1):
            reach = [row.union(*(near[r] for r in row)) - {t} for t, row in enumerate(reach)]
        nbr = [sorted(row) for row in reach]
        units_l: list[int] = []
        to_l: list[int] = []
        for u in np.flatnonzero((a >= 0) & (fixed < 0)).tolist():
            for s_ in nbr[int(a[u])]:
                units_l.append(u)
                to_l.append(s_)
        units = np.asarray(units_l, dtype=np.int64)
        to = np.asarray(to_l, dtype=np.int64)
        frm = a[units].astype(np.int64)
        passed = self._passed(units, frm, to)
        return units, frm, to, passed

    def move_cost(self, units: IntArray, frm: IntArray, to: IntArray) -> FloatArray:
        """Disruption each move adds (negative: a unit going back to where it was)."""
        if self.cur is None:
            return np.zeros(units.size)
        c = self.cur[units]
        return self.dw[units] * ((to != c).astype(float) - (frm != c).astype(float))

    def make(
        self,
        units: IntArray,
        frm: IntArray,
        to: IntArray,
        order: IntArray,
        parent: IntArray | None = None,
        improving: bool = False,
    ) -> int:
        """Make the moves in ``order`` that are still possible; returns how many were made.

        A move is skipped when its unit already moved, its ``parent`` move was not made,
        it would disconnect the territory it leaves, or it would exceed a disruption budget;
        with ``improving``, also when it does not lower the objective of the two
        territories it touches.
        """
        made = 0
        done: set[int] = set()
        for i in order.tolist():
            u, f, t = int(units[i]), int(frm[i]), int(to[i])
            if u in done or self.a[u] != f:
                continue
            if parent is not None and parent[i] >= 0 and self.a[units[parent[i]]] != t:
                continue
            if not any(self.a[v] == t for v in self.lists[u]):
                continue  # its neighbour there moved on: it would land apart
            if improving and self._delta(u, f, t) >= -1e-12:
                continue
            if self._budget_ok(u, f, t) and self._can_leave(u, f):
                self._apply(u, f, t)
                done.add(u)
                made += 1
        return made

    def assignment(self) -> IntArray:
        return self.a.copy()


def transfer_rounds(
    repair: BoundaryRepair,
    rounds: int = TRANSFER_ROUNDS,
    count_rounds: int = 0,
    count_work: list[float] | None = None,
    cancelled: Callable[[], bool] | None = None,
    report: Callable[[str], None] | None = None,
    each_round: Callable[[BoundaryRepair], None] | None = None,
    whole: bool = False,
) -> int:
    """Carry surpluses and deficits across the territory graph; returns the moves made.

    Each round asks :func:`planner.optimise.transfer.plan_unit_moves` which border units
    should go to which neighbour so that every territory ends in band (chains across
    several territories included) within what is left of the disruption budgets, then
    makes the planned moves (fraction ≥ :data:`TRANSFER_MAKE`, largest first) that keep
    the territories they leave connected. The next round plans again from the new
    borders; ``each_round`` is called with the repair after every round (to keep the best
    alignment: the programme lowers how far territories lie out of band, which can leave
    fewer in band than a round before). The first ``count_rounds`` rounds plan with
    :func:`planner.optimise.transfer.plan_count_moves` instead, which maximises the number
    of territories in band (a mixed-integer programme, HiGHS on one thread with a gap and
    node limit), and stop once every territory is in band; ``count_work`` (a one-item
    list, shared by calls) is the counted work they may still spend: once it is used up
    the linear programme plans the remaining rounds. Counting rounds also stop after
    :data:`TRANSFER_COUNT_PATIENCE` rounds in a row without a new best count. ``whole``:
    the counting programme chooses whole moves for the true bands (no linear rounds then:
    the rounds end with the counted work), its work counted by simplex iterations.
    Deterministic: a simplex with a fixed order, ties broken by index, and the counting
    programme's work counted, not timed.
    """
    from planner.optimise.transfer import (
        COUNT_AIM,
        choose_chain_moves,
        plan_count_moves,
        plan_unit_moves,
    )

    total = 0
    lower, upper = repair.mid - repair.half, repair.mid + repair.half
    best_count, idle = -1, 0
    for r in range(rounds):
        if cancelled is not None and cancelled():
            break
        values = repair.values()
        if count_rounds and np.all((values >= lower) & (values <= upper)):
            break  # every territory in band: nothing to count
        units, frm, to, passed, parent = repair.border_moves(TRANSFER_DEPTH)
        if units.size == 0:
            break
        churn_left = None
        if repair.churn_budget is not None:
            churn_left = repair.churn_budget - repair.churn
        planned = -1
        # The candidates and what is left of the budgets, as both programmes take them.
        moves = (values, lower, upper, units, frm, to, passed, repair.dw[units])
        left = repair.budget - repair.spent
        cost = TRANSFER_WORK_PER_COUNT_CANDIDATE * units.size
        if r < count_rounds and (count_work is None or count_work[0] >= cost):
            # Most territories in band, as a mixed-integer programme on a node limit.
            stats: dict[str, int] = {}
            share, planned = plan_count_moves(
                *moves,
                budget=left,
                churn_left=churn_left,
                parent=parent,
                cancelled=cancelled,
                whole=whole,
                aim=1.0 if whole else COUNT_AIM,
                stats=stats,
            )
            if whole:
                # Counted work: the simplex iterations (deterministic) times the model's size.
                cost = (
                    TRANSFER_WHOLE_SECONDS_PER_ITERATION_CANDIDATE
                    * WORK_PER_SECOND
                    * stats.get("lp_iterations", 0)
                    * units.size
                )
            # Counted work: the model's size (about 10 s of CPU for 15,000 candidates).
            _charge_caller(cost)
            if count_work is not None:
                count_work[0] -= cost
        elif whole:
            break  # whole rounds only while the counting programme has work left
        if planned < 0 and whole:
            break
        if planned < 0:
            share = plan_unit_moves(
                *moves,
                budget=left,
                churn_left=churn_left,
                parent=parent,
                reweight=TRANSFER_REWEIGHT,
            )
            # Counted work: the programme's size (its simplex is deterministic).
            _charge_caller(TRANSFER_WORK_PER_CANDIDATE * units.size * (1 + TRANSFER_REWEIGHT))
        order = np.lexsort((np.arange(share.size), -share))
        made = 0
        if TRANSFER_CHAINS:
            # The interlocking chains the programme planned, chosen whole (CP-SAT).
            chosen, _ = choose_chain_moves(
                values,
                lower,
                upper,
                units,
                frm,
                to,
                passed,
                repair.dw[units],
                share,
                repair.lists,
                repair.a,
                budget=repair.budget - repair.spent,
                churn_left=churn_left,
                parent=parent,
            )
            _charge_caller(TRANSFER_WORK_PER_CHAIN_SOLVE)
            # A few passes: a move refused now (its landing neighbour not yet there) may
            # be possible once the others are made.
            for _ in range(4):
                got = repair.make(units, frm, to, chosen, parent)
                made += got
                if got == 0:
                    break
        made += repair.make(units, frm, to, order[share[order] >= TRANSFER_MAKE], parent)
        # Moves planned only in part: made where they pay on their own.
        partly = order[(share[order] > 1e-6) & (share[order] < TRANSFER_MAKE)]
        made += repair.make(units, frm, to, partly, parent, improving=True)
        total += made
        if each_round is not None:
            each_round(repair)
        now = repair.values()
        inside = int(np.all((now >= lower) & (now <= upper), axis=1).sum())
        if report is not None:
            report(f"transfers: {total:,} units moved, {inside} of {repair.k} territories in band")
        if made <= TRANSFER_MIN_MADE * units.size:
            break
        if r < count_rounds:
            best_count, idle = (inside, 0) if inside > best_count else (best_count, idle + 1)
            if idle >= TRANSFER_COUNT_PATIENCE:
                break
    return total


@dataclass(frozen=True)
class Relaxation:
    """What a relaxation of the rebalance allows (see :func:`transfer_relaxation`)."""

    #: Every territory in band is possible in the relaxation.
    all_reachable: bool
    #: Territories in band in the relaxation's plan that aims at a count (reweighted).
    in_band: int
    #: Territories in band now.
    in_band_now: int
    #: Disruption weight that plan uses, as a share of the total.
    disruption: float
    #: Candidate moves in the programme.
    candidates: int
    #: Largest number of territories a unit may pass over (1: to a bordering territory).
    hops: int = 1
    #: The any-move relaxation of the same start (any unit to any territory): when it
    #: finds no plan, no plan exists at all (see
    #: :func:`planner.optimise.transfer.any_move_relaxation`); ``None`` when not computed.
    any_move: AnyMoveBound | None = None
    #: Whether the start is the baseline (the any-move bound is then a proof).
    at_baseline: bool = True


def transfer_relaxation(
    repair: BoundaryRepair,
    reweight: int = TRANSFER_REWEIGHT,
    hops: int = 1,
    any_move: bool = False,
) -> Relaxation:
    """How far any rebalance could get by moves of up to ``hops`` territories: a bound.

    The linear programme of :func:`planner.optimise.transfer.plan_unit_moves` over every
    free unit's move to every territory at most ``hops`` from its own (1: bordering it;
    fractions of units, no contiguity, each unit once), within what is left of the
    disruption budget and of every territory's churn (``repair``'s). First with the bands
    themselves as the aim: whether every territory can end in band (``all_reachable``;
    when not, no plan of such moves reaches the target); then reweighted towards a count
    (``in_band``: what the relaxation's plan reaches, a guide, not a proof; a contiguous
    plan can also move a unit several territories on when the units between move too).
    With ``any_move``, also the weakest relaxation, any unit to any territory
    (:func:`planner.optimise.transfer.any_move_relaxation`, on the measures that are sums
    over units): the one whose failure proves that no plan at all exists. Deterministic
    (GLOP).
    """
    from planner.optimise.transfer import any_move_relaxation, plan_unit_moves

    values = repair.values()
    lower, upper = repair.mid - repair.half, repair.mid + repair.half
    inside_now = int(np.all((values >= lower) & (values <= upper), axis=1).sum())
    units, frm, to, passed = repair.all_moves(hops)
    churn_left = None if repair.churn_budget is None else repair.churn_budget - repair.churn
    dw = repair.dw[units]
    out: list[tuple[int, float]] = []
    for rw in (0, reweight):
        share = plan_unit_moves(
            values,
            lower,
            upper,
            units,
            frm,
            to,
            passed,
            dw,
            budget=repair.budget - repair.spent,
            churn_left=churn_left,
            inner=1.0,
            reweight=rw,
        )
        after = values.copy()
        np.add.at(after, to, share[:, None] * passed)
        np.subtract.at(after, frm, share[:, None] * passed)
        tol = 1e-6 * repair.half
        inside = int(np.all((after >= lower - tol) & (after <= upper + tol), axis=1).sum())
        out.append((inside, float((share * dw).sum())))
        if rw == 0 and inside == repair.k:
            break
    total = float(repair.dw.sum())
    best = max(out, key=lambda r: r[0])
    bound = None
    at_baseline = repair.cur is None or bool(np.array_equal(repair.cur, repair.a))
    if any_move:
        linear = tuple(
            j
            for j in range(repair.x.shape[1])
            if repair.travel is None or j != repair.travel.measure
        )
        bound = any_move_relaxation(
            repair.x,
            repair.a,
            repair.k,
            lower,
            upper,
            repair.dw,
            measures=linear,
            budget=repair.budget - repair.spent,
            churn_left=churn_left,
            movable=repair.fixed < 0,
        )
    return Relaxation(
        all_reachable=out[0][0] == repair.k,
        in_band=best[0],
        in_band_now=inside_now,
        disruption=(repair.spent + best[1]) / total if total > 0 else 0.0,
        candidates=int(units.size),
        hops=hops,
        any_move=bound,
        at_baseline=at_baseline,
    )


class _Best:
    """The best alignment offered: most territories in band, then least out of band."""

    def __init__(self, repair: BoundaryRepair, lower: FloatArray, upper: FloatArray) -> None:
        self.lower, self.upper = lower, upper
        self.score = self._score(repair)
        self.assignment = repair.assignment()

    def _score(self, repair: BoundaryRepair) -> tuple[int, float]:
        values = repair.values()
        inside = int(np.all((values >= self.lower) & (values <= self.upper), axis=1).sum())
        return -inside, sum(repair.out_of_band(t) for t in range(repair.k))

    def offer(self, repair: BoundaryRepair) -> None:
        score = self._score(repair)
        if score < self.score:
            self.score, self.assignment = score, repair.assignment()


# ------------------------------------------------------------------------------------------
# Result


def territory_pieces(adjacency: Adjacency, assignment: IntArray, k: int) -> IntArray:
    """Number of connected pieces of every territory."""
    e = adjacency.edges()
    same = assignment[e[:, 0]] == assignment[e[:, 1]]
    inner = Adjacency.from_edges(adjacency.n, e[same])
    labels = connected_components(inner, assignment >= 0)
    ok = assignment >= 0
    pieces = np.zeros(k, dtype=np.int64)
    if ok.any():
        pairs = np.unique(np.column_stack([assignment[ok], labels[ok]]), axis=0)
        pieces += np.bincount(pairs[:, 0], minlength=k)[:k]
    return pieces


def _values(x: FloatArray, assignment: IntArray, k: int, travel: Travel | None) -> FloatArray:
    """Measure values per territory (travel added where there is a travel term)."""
    ok = assignment >= 0
    values = np.zeros((k, x.shape[1]))
    for j in range(x.shape[1]):
        values[:, j] = np.bincount(assignment[ok], weights=x[ok, j], minlength=k)[:k]
    if travel is not None:
        agg = travel.totals(assignment, k)
        values[:, travel.measure] += travel.hours(agg, np.arange(k))
    return values


def _result(
    x: FloatArray,
    adjacency: Adjacency,
    xy: FloatArray,
    assignment: IntArray,
    k: int,
    lo: FloatArray,
    hi: FloatArray,
    mid: FloatArray,
    centres: FloatArray | None,
    cweight: FloatArray | None,
    current: IntArray | None,
    dweight: FloatArray,
    travel: Travel | None,
) -> DistrictingResult:
    ok = assignment >= 0
    values = _values(x, assignment, k, travel)
    in_band = (values >= lo - 1e-9 * np.abs(lo)) & (values <= hi + 1e-9 * np.abs(hi))
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.where(mid != 0, 100.0 * (values - mid) / mid, 0.0)
    pieces = territory_pieces(adjacency, assignment, k)
    cw = np.ones(x.shape[0]) if cweight is None else cweight
    if centres is None or not np.all(np.isfinite(centres)):
        mass = np.bincount(assignment[ok], weights=cw[ok], minlength=k)[:k]
        cen = np.column_stack(
            [
                np.bincount(assignment[ok], weights=cw[ok] * xy[ok, d], minlength=k)[:k]
                / np.maximum(mass, 1e-12)
                for d in range(2)
            ]
        )
    else:
        cen = centres
    compact = float((cw[ok] * np.hypot(*(xy[ok] - cen[assignment[ok]]).T)).sum())
    e = adjacency.edges()
    cut = int(np.count_nonzero(assignment[e[:, 0]] != assignment[e[:, 1]]))
    disruption = 0.0
    if current is not None and dweight.sum() > 0:
        disruption = float(dweight[(assignment != current)].sum() / dweight.sum())
    contiguous = pieces <= 1
    status = "ok"
    if not in_band.all():
        status = "bands_not_met"
    elif not contiguous.all():
        status = "not_contiguous"
    return DistrictingResult(
        assignment=assignment,
        values=values,
        targets=mid,
        lower=lo,
        upper=hi,
        deviation_pct=dev,
        in_band=in_band,
        contiguous=contiguous,
        centres=cen,
        compactness=compact,
        cut_edges=cut,
        disruption=disruption,
        status=status,
    )
