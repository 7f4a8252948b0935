"""The territory optimiser: contiguous, balanced, compact territories built from units.

Formulation
-----------
Units ``i`` carry measures ``x[i, j]`` (workload, potential, account count, ...). A territory
``t`` must hold each measure inside its own band ``[lower[t, j], upper[t, j]]`` (by default the
target ``±`` a per-measure tolerance), be contiguous in the unit graph, and be compact:
minimise ``sum_i w_i * dist(i, centre(t_i))`` (or the number of cut edges). Balance comes first:
the search minimises a penalty that grows steeply outside each band, so compactness only
decides between assignments with the same band violations.

Search: a start (region growing from seeds, or the current alignment), then local search over
boundary moves and swaps. A unit may leave a territory only if it is not an articulation point
of it (cached per territory), so every move keeps territories connected. Small instances are
finished by an exact CP-SAT model (contiguity by single-commodity flows) warm-started from the
local search, which also proves when bands cannot be met.

Modes: ``create`` (from seeds; every free unit may move), ``rebalance`` (from the current
alignment with a disruption budget), ``subset`` (only the chosen territories exchange units).
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.optimise.graph import Adjacency, ContiguityCache, connected_components, n_pieces

if TYPE_CHECKING:
    from collections.abc import Sequence

    from planner.models.progress import TaskState

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Penalty weights (in units of "band half-widths"): outside a band costs BAND_WEIGHT per
# half-width plus a quadratic term, which dwarfs the compactness term (a unit's distance in
# territory radii); the small CENTRE_PULL keeps territories off the edges of their bands so a
# neighbour can still take a unit later.
BAND_WEIGHT = 50.0
# Ejection chains: borders per chain, candidate units per border, chains tried per call.
CHAIN_MAX_EDGES = 3
CHAIN_PER_EDGE = 25
CHAIN_TRIES = 20
CHAIN_BUDGET_PRICE = 3.0
CHAIN_GIVE_BACK_PRICE = 20.0
# Rebalance with a disruption budget: the search may exceed it up to BUDGET_RELAX times,
# paying BUDGET_OVER_WEIGHT per mean unit weight over it, for the first SOFT_SHARE of the time.
BUDGET_RELAX = 1.5
BUDGET_OVER_WEIGHT = 3.0
SOFT_SHARE = 0.75
# Rebalance with a disruption budget starts from the mixed-integer model (rebalance_mip.py),
# which gets this share of the time; the local search polishes its plan.
MIP_SHARE = 0.6
CENTRE_PULL = 0.02
DISRUPTION_WEIGHT = 0.3
# Create mode restarts: at most this many, stopping after RESTART_PATIENCE without a gain.
MAX_RESTARTS = 100
MAX_PASSES = 300
RESTART_PATIENCE = 40


# Deterministic work limits. Wall-clock limits made results depend on the machine's load
# (a busy machine searched less and returned another plan), so every phase runs on counted
# work instead: the search counts its elementary steps (penalty and travel evaluations,
# applied moves with the contiguity bookkeeping they cause, candidate scans) and stops when
# the count reaches ``time_limit`` times WORK_PER_SECOND. The rate was measured once, on the
# demo plan on a quiet 2-core machine, and is fixed, so the same options give the same work,
# and the same plan, on any machine and under any load; a slower machine simply takes longer.
# A wall clock of WALL_SAFETY times the limit plus WALL_GRACE seconds stays as a safety net
# only (the grace keeps short runs on a loaded machine from reaching it).
WORK_PER_SECOND = 40_000.0
WALL_SAFETY = 3.0
WALL_GRACE = 10.0
# Work charged per step (in the counter's units, about 25 microseconds each on that machine).
WORK_APPLY = 40.0  # a move: values, travel, and the articulation points it invalidates
WORK_PER_EDGE = 0.002  # a scan of the boundary moves, per unit-graph edge
WORK_PER_UNIT = 0.01  # a fresh state or re-centring, per unit


class _WorkCounter(threading.local):
    """Work done by the search on this thread (each run has its own thread's count)."""

    def __init__(self) -> None:
        self.ticks = 0.0


_WORK = _WorkCounter()


def _charge(amount: float) -> None:
    _WORK.ticks += amount


def work_ticks() -> float:
    """Work counted so far on this thread (see WORK_PER_SECOND); differences measure a run."""
    return _WORK.ticks


class Mode(StrEnum):
    """What the optimiser may change."""

    CREATE = "create"
    """Build territories from seeds; every unlocked unit may go anywhere."""
    REBALANCE = "rebalance"
    """Start from the current alignment; change at most the disruption budget."""
    SUBSET = "subset"
    """Only units of the chosen territories move, and only among them."""


@dataclass(frozen=True)
class Blocker:
    """Why a band cannot be met.

    Attributes
    ----------
    kind : str
        ``"locked"`` (locked units fix too much or wall the territory in),
        ``"indivisible_unit"`` (a unit is larger than the band is wide),
        ``"disconnected"`` (the territory is in pieces, or too little is reachable),
        ``"disruption_budget"`` (the budget is used up), ``"totals"`` (the territories'
        totals cannot all fit their bands), ``"proven_infeasible"`` (the exact model proved no
        contiguous assignment meets every band), ``"stopped"`` (cancelled or out of time),
        ``"trade_off"`` (neighbours are at their own limits, or other measures would leave
        their bands).
    units : tuple of int
        Units involved, if any.
    detail : str
        A sentence for the planner.
    """

    kind: str
    units: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class Shortfall:
    """A territory's measure left outside its band."""

    territory: int
    measure: int
    measure_name: str
    value: float
    target: float
    lower: float
    upper: float
    amount: float
    """How far outside the band, in the measure's unit (always positive)."""
    deviation_pct: float
    blockers: tuple[Blocker, ...]

    def describe(self) -> str:
        """One line for the planner, e.g. ``territory 3: workload 1,210 above band by 40 ...``."""
        side = "above" if self.value > self.upper else "below"
        why = "; ".join(b.detail for b in self.blockers)
        return (
            f"territory {self.territory}: {self.measure_name} {self.value:,.4g} is {side} its band "
            f"[{self.lower:,.4g}, {self.upper:,.4g}] by {self.amount:,.4g} "
            f"({self.deviation_pct:+.1f} % from target). {why}"
        )


@dataclass(frozen=True)
class MoveExplanation:
    """Why a unit changed territory (against the current alignment)."""

    unit: int
    from_territory: int
    to_territory: int
    measures: tuple[int, ...]
    """Measures whose imbalance this move reduced (both territories taken together)."""
    compactness_gain: float
    """Weight x distance saved against the final centres (negative: the unit is farther)."""
    reason: str


@dataclass(frozen=True)
class Travel:
    """Travel added to one measure, which then is not a sum over units.

    A rep's workload is visit hours plus travel, and travel depends on the territory as a
    whole: the tour within days grows with the square root of its area per stop, and the
    commute depends on which home the territory is served from. With ``travel`` the value of
    measure ``measure`` of territory ``t`` is the sum of its units' ``x`` plus ``fixed[t]``
    where that is finite (e.g. routed travel), else

        ``tour * V_t * sqrt(A_t / max(N_t, 1)) + H_t``

    with ``V_t`` the visits, ``N_t`` the visited stops, ``A_t`` the area (``area_fixed[t]``
    where finite, else the sum of its units' ``area``) and ``H_t`` the commute (the sum of
    ``home[u, t]`` over its units); ``offset`` adds what stays in a territory whatever moves.
    Every move is scored exactly on the two territories it touches.

    Attributes
    ----------
    measure : int
        Column of ``measures`` the travel is added to (its ``x`` holds the additive part).
    visits, stops, area : ndarray, shape (n,)
        Per unit: visits, visited stops, area.
    home : ndarray, shape (n, k)
        Commute (in the measure's unit) of unit ``u`` when served from territory ``t``.
    tour : float
        Converts ``V * sqrt(A / N)`` into the measure's unit.
    offset : ndarray, shape (k, 3), optional
        Visits, stops and commute per territory that never move.
    area_fixed, fixed : ndarray, shape (k,), optional
        Area and whole travel per territory where known (NaN elsewhere).
    """

    measure: int
    visits: FloatArray
    stops: FloatArray
    area: FloatArray
    home: FloatArray
    tour: float
    offset: FloatArray | None = None
    area_fixed: FloatArray | None = None
    fixed: FloatArray | None = None

    def contribution(self, u: IntArray, t: IntArray | int) -> FloatArray:
        """Aggregates ``(visits, stops, area, commute)`` unit ``u`` brings to territory ``t``."""
        _WORK.ticks += 1.0
        return np.stack([self.visits[u], self.stops[u], self.area[u], self.home[u, t]], axis=-1)

    def hours(self, agg: FloatArray, t: IntArray | int) -> FloatArray:
        """Travel of territory ``t`` holding aggregates ``agg`` (shape (..., 4))."""
        _WORK.ticks += 1.0
        area = agg[..., 2]
        if self.area_fixed is not None:
            af = self.area_fixed[t]
            area = np.where(np.isfinite(af), af, area)
        est = (
            self.tour * agg[..., 0] * np.sqrt(np.maximum(area, 0.0) / np.maximum(agg[..., 1], 1.0))
            + agg[..., 3]
        )
        if self.fixed is not None:
            fx = self.fixed[t]
            est = np.where(np.isfinite(fx), fx, est)
        return np.asarray(est, dtype=np.float64)

    def totals(self, assignment: IntArray, k: int) -> FloatArray:
        """Aggregates per territory, shape (k, 4)."""
        agg = np.zeros((k, 4))
        if self.offset is not None:
            agg[:, [0, 1, 3]] = self.offset
        ok = assignment >= 0
        a = assignment[ok]
        idx = np.flatnonzero(ok)
        agg[:, 0] += np.bincount(a, weights=self.visits[ok], minlength=k)[:k]
        agg[:, 1] += np.bincount(a, weights=self.stops[ok], minlength=k)[:k]
        agg[:, 2] += np.bincount(a, weights=self.area[ok], minlength=k)[:k]
        agg[:, 3] += np.bincount(a, weights=self.home[idx, a], minlength=k)[:k]
        return agg


@dataclass
class DistrictingResult:
    """Outcome of :func:`optimise_territories`.

    Attributes
    ----------
    assignment : ndarray of int, shape (n,)
        Territory per unit.
    values, targets, lower, upper : ndarray of float, shape (k, m)
        Per territory and measure: value, target and band.
    deviation_pct : ndarray of float, shape (k, m)
        ``100 * (value - target) / target``.
    in_band : ndarray of bool, shape (k, m)
    contiguous : ndarray of bool, shape (k,)
    centres : ndarray of float, shape (k, 2)
        Centres the compactness was measured against.
    compactness : float
        ``sum_i w_i * dist(i, centre(t_i))``.
    cut_edges : int
    disruption : float
        Fraction of the disruption weight whose territory differs from ``current`` (0 without).
    shortfalls : list of Shortfall
        One per band not met (in the optimised territories), with what blocks it.
    moves : list of MoveExplanation
        One per unit whose territory differs from ``current``.
    messages : list of str
        Request problems and notes (e.g. a seed that was locked elsewhere).
    status : str
        ``"ok"`` (every band met, all contiguous), ``"bands_not_met"``, ``"not_contiguous"``,
        ``"infeasible"`` (the request itself cannot be served) or ``"cancelled"``.
    proven_optimal : bool
        The exact model proved the objective optimal under the bands.
    elapsed : float
        Seconds.
    """

    assignment: IntArray
    values: FloatArray
    targets: FloatArray
    lower: FloatArray
    upper: FloatArray
    deviation_pct: FloatArray
    in_band: BoolArray
    contiguous: BoolArray
    centres: FloatArray
    compactness: float
    cut_edges: int
    disruption: float
    shortfalls: list[Shortfall] = field(default_factory=list)
    moves: list[MoveExplanation] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    status: str = "ok"
    proven_optimal: bool = False
    elapsed: float = 0.0

    @property
    def all_in_band(self) -> bool:
        """Whether every measure of every territory is inside its band."""
        return bool(self.in_band.all())

    @property
    def feasible(self) -> bool:
        """Every band met and every territory contiguous."""
        return self.all_in_band and bool(self.contiguous.all())


@dataclass
class _Problem:
    """Validated inputs, shared by the search phases."""

    x: FloatArray  # (n, m) measures
    adjacency: Adjacency
    lists: list[list[int]]
    coords: FloatArray  # (n, 2)
    k: int
    lower: FloatArray  # (k, m)
    upper: FloatArray  # (k, m)
    targets: FloatArray  # (k, m)
    fixed: IntArray  # (n,) territory a unit is locked to, -1 if free
    movable: BoolArray  # (n,) may change territory
    active: BoolArray  # (k,) may receive or lose units
    current: IntArray | None
    budget: float  # disruption weight budget (inf without)
    territory_budget: FloatArray | None  # (k,) churn budget per territory, None without
    dweight: FloatArray  # (n,)
    cweight: FloatArray  # (n,) compactness weights, normalised to mean 1
    cweight_mean: float  # the mean they were normalised by
    scale: float  # km per "territory radius"
    objective: str
    fixed_centres: FloatArray | None
    names: list[str]
    rng: np.random.Generator
    #: Work count (see WORK_PER_SECOND) at which the search stops, and the wall-clock
    #: safety net (WALL_SAFETY times the time limit plus WALL_GRACE).
    work_limit: float
    wall_deadline: float
    state: TaskState | None
    exact_time_limit: float | None = None
    reproducible: bool = False
    travel: Travel | None = None
    stopped: bool = False
    #: Disruption weight above which each further unit costs BUDGET_OVER_WEIGHT more.
    soft_budget: float = math.inf

    def out_of_time(self) -> bool:
        if self.stopped:
            return True
        if (
            (self.state is not None and self.state.is_cancelled())
            or _WORK.ticks >= self.work_limit
            or time.perf_counter() > self.wall_deadline
        ):
            self.stopped = True
        return self.stopped

    def seconds_left(self) -> float:
        """The work left, in seconds at WORK_PER_SECOND (not wall-clock seconds)."""
        return (self.work_limit - _WORK.ticks) / WORK_PER_SECOND


def _band_z(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Signed distance from the band's middle in half-widths (``|z| <= 1`` is in band)."""
    mid = 0.5 * (lower + upper)
    # A zero-width band (tolerance 0) still needs a finite scale.
    half = np.maximum(0.5 * (upper - lower), 1e-6 * np.abs(mid) + 1e-12)
    return np.asarray((values - mid) / half)


def _penalty(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Balance penalty per row (territory), summed over measures; works on (..., m) arrays."""
    _WORK.ticks += 1.0 + np.size(values) * 1e-3
    z = np.abs(_band_z(values, lower, upper))
    out = np.maximum(z - 1.0, 0.0)
    return np.asarray((CENTRE_PULL * z * z + BAND_WEIGHT * (out + out * out)).sum(axis=-1))


def _as_int_array(name: str, value: ArrayLike, n: int) -> IntArray:
    arr = np.asarray(value)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr.astype(np.int64)


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
    objective: Literal["distance", "cut_edges"] = "distance",
    measure_names: Sequence[str] | None = None,
    seed: int = 0,
    time_limit: float = 60.0,
    exact: bool | None = None,
    exact_time_limit: float | None = None,
    reproducible: bool = False,
    restarts: int | None = None,
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
        (:mod:`planner.optimise.rebalance_mip`). Default: when there is no ``initial``
        (a first run, not a refinement of an earlier one).
    territories : sequence of int, optional
        Subset mode: the territories to re-optimise.
    compactness_weight : array_like, shape (n,), optional
        Weight of each unit's distance to its centre; ones when omitted.
    objective : {"distance", "cut_edges"}
        Compactness as weighted distance to the centre, or as the number of cut edges.
    measure_names : sequence of str, optional
        Names used in reports.
    seed : int
        Seed of every random choice: the same inputs and seed give the same result (unless the
        time limit cuts the search short).
    time_limit : float
        Seconds; on timeout or cancel the best assignment so far is returned.
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
    work_start = _WORK.ticks
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
    cur = None if current is None else _as_int_array("current", current, n)
    start_from = None if initial is None else _as_int_array("initial", initial, n)
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
        return _empty_result(base, x, max(k or 0, 1), reason, start)

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

    prob = _Problem(
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
        seed_list = _choose_seeds(prob, seed_units, messages, seed)
        assignment = _grow(prob, seed_list)
    else:
        assert cur is not None
        assignment = (cur if start_from is None else start_from).copy()
        assignment[fixed >= 0] = fixed[fixed >= 0]
        if np.any(assignment < 0):
            assignment = _fill_unassigned(prob, assignment)
    if state is not None:
        state.report(0.1, "territories: local search")

    budgeted = mode is not Mode.CREATE and cur is not None and math.isfinite(budget)
    if border_model is None:
        border_model = start_from is None
    if budgeted and border_model:
        from planner.optimise.rebalance_mip import solve_rebalance_mip

        if state is not None:
            state.report(0.1, "territories: mixed-integer model of the borders")
        mip = solve_rebalance_mip(prob, assignment, time_limit=MIP_SHARE * time_limit)
        prob.stopped = bool(prob.state is not None and prob.state.is_cancelled())
        assignment = _local_search(prob, assignment if mip is None else mip, progress=(0.5, 0.8))
    elif budgeted:
        assignment = _soft_budget_search(prob, assignment, progress=(0.1, 0.8))
    else:
        assignment = _local_search(prob, assignment, progress=(0.1, 0.5))
    if mode is Mode.CREATE:
        assignment = _restarts(
            prob, assignment, work_start, time_limit, restarts, progress=(0.5, 0.8)
        )

    proven = proven_infeasible = False
    n_free = int(np.count_nonzero(movable))
    if exact is None:
        exact = n_free <= 150 and k <= 12
    if exact and not prob.out_of_time():
        if state is not None:
            state.report(0.8, "territories: exact model")
        exact_assignment, proven, proven_infeasible = _solve_exact(prob, assignment)
        if (
            exact_assignment is not None
            and travel is not None
            and _score(_State(prob, exact_assignment))[0] > _score(_State(prob, assignment))[0]
        ):
            # The exact model's linearised travel was off: keep the local-search plan.
            exact_assignment, proven = None, False
        if exact_assignment is not None:
            assignment = exact_assignment
        elif proven_infeasible:
            messages.append("the exact model proved that no contiguous assignment meets every band")

    result = _build_result(prob, assignment, messages, start, proven, proven_infeasible)
    if state is not None:
        state.report(1.0, "territories: done")
    return result


# --------------------------------------------------------------------------------------------
# Start solutions


def _choose_seeds(
    prob: _Problem, seed_units: IntArray | None, messages: list[str], seed: int
) -> list[int]:
    """One seed unit per territory: given, nearest to a fixed centre, locked, or p-median."""
    k, n = prob.k, prob.x.shape[0]
    seeds: list[int] = [-1] * k
    taken: set[int] = set()
    if seed_units is not None:
        if len(seed_units) != k:
            raise ValueError(f"seeds must have {k} entries, got {len(seed_units)}")
        for t, u in enumerate(seed_units.tolist()):
            if not 0 <= u < n:
                raise ValueError(f"seed {u} is not a unit id")
            if prob.fixed[u] >= 0 and prob.fixed[u] != t:
                messages.append(
                    f"seed unit {u} of territory {t} is locked to territory "
                    f"{int(prob.fixed[u])}; another seed was chosen"
                )
                continue
            if u in taken:
                messages.append(f"seed unit {u} is given twice; another seed was chosen")
                continue
            seeds[t] = u
            taken.add(u)
    # Territories with locked units grow from them.
    for t in range(k):
        if seeds[t] < 0:
            own = np.flatnonzero(prob.fixed == t)
            if own.size:
                seeds[t] = int(own[0])
                taken.add(seeds[t])
    free = np.flatnonzero(prob.fixed < 0)
    missing = [t for t in range(k) if seeds[t] < 0]
    if missing and prob.fixed_centres is not None:
        for t in missing:
            d = np.hypot(*(prob.coords[free] - prob.fixed_centres[t]).T)
            for idx in np.argsort(d, kind="stable").tolist():
                if int(free[idx]) not in taken:
                    seeds[t] = int(free[idx])
                    taken.add(seeds[t])
                    break
        missing = [t for t in range(k) if seeds[t] < 0]
    if missing:
        choices = _pmedian_seeds(prob, free, taken, len(missing), seed)
        for t, u in zip(missing, choices, strict=False):
            seeds[t] = u
    return seeds


def _pmedian_seeds(
    prob: _Problem, free: IntArray, taken: set[int], count: int, seed: int
) -> list[int]:
    """Seeds as p-median medians over the free units (weighted by the first measure)."""
    from planner.optimise.pmedian import solve_pmedian

    pool = np.array([u for u in free.tolist() if u not in taken], dtype=np.int64)
    if pool.size <= count:
        return pool.tolist()
    rng = np.random.default_rng(seed)
    # Candidate medians: a random sample keeps the interchange fast on thousands of units.
    cand = pool if pool.size <= 400 else np.sort(rng.choice(pool, size=400, replace=False))
    xy = prob.coords
    dist = np.hypot(
        xy[pool, 0][:, None] - xy[cand, 0][None, :], xy[pool, 1][:, None] - xy[cand, 1][None, :]
    )
    weight = prob.x[pool] / np.maximum(prob.x.sum(axis=0), 1e-12)
    # A counted number of rounds (about 4e7 distance evaluations in all, 5 at the least),
    # not a wall-clock share: seeds that depend on the machine's load would make the whole
    # plan depend on it. The wall clock is a safety net only.
    rounds = int(np.clip(4e7 / max(1, dist.size), 5, 50 + 2000 // max(1, count)))
    result = solve_pmedian(
        dist,
        count,
        weight.sum(axis=1) + 1e-6,
        seed=seed,
        time_limit=WALL_SAFETY * min(3.0, max(0.2, 0.05 * prob.seconds_left())) + WALL_GRACE,
        exact=False,
        rounds=rounds,
    )
    return [int(cand[j]) for j in result.medians.tolist()]


def _grow(prob: _Problem, seeds: list[int]) -> IntArray:
    """Balanced region growing: the least-filled territory takes its nearest free neighbour."""
    n, k = prob.x.shape[0], prob.k
    assignment = prob.fixed.copy()
    for t, u in enumerate(seeds):
        if u >= 0:
            assignment[u] = t
    values = np.zeros((k, prob.x.shape[1]))
    np.add.at(values, assignment[assignment >= 0], prob.x[assignment >= 0])
    centres = (
        prob.fixed_centres
        if prob.fixed_centres is not None
        else prob.coords[np.maximum(np.asarray(seeds), 0)]
    )
    share = np.maximum(prob.targets, 1e-12)
    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def push_neighbours(t: int, u: int) -> None:
        for v in prob.lists[u]:
            if assignment[v] < 0:
                d = float(np.hypot(*(prob.coords[v] - centres[t])))
                heapq.heappush(frontier[t], (d, v))

    for u in np.flatnonzero(assignment >= 0).tolist():
        push_neighbours(int(assignment[u]), u)
    fill = [(float((values[t] / share[t]).mean()), t) for t in range(k)]
    heapq.heapify(fill)
    while fill:
        _, t = heapq.heappop(fill)
        while frontier[t] and assignment[frontier[t][0][1]] >= 0:
            heapq.heappop(frontier[t])
        if not frontier[t]:
            continue  # walled in: the territory stops growing
        _, u = heapq.heappop(frontier[t])
        assignment[u] = t
        values[t] += prob.x[u]
        push_neighbours(t, u)
        heapq.heappush(fill, (float((values[t] / share[t]).mean()), t))
    if np.any(assignment < 0):
        assignment = _fill_unassigned(prob, assignment)
    assert assignment.shape == (n,)
    return assignment


def _fill_unassigned(prob: _Problem, assignment: IntArray) -> IntArray:
    """Give unassigned units to an adjacent territory, else to the nearest one (islands)."""
    a = assignment.copy()
    allowed = prob.active
    changed = True
    while changed and np.any(a < 0):
        changed = False
        for u in np.flatnonzero(a < 0).tolist():
            nbr = [a[v] for v in prob.lists[u] if a[v] >= 0 and allowed[a[v]]]
            if nbr:
                a[u] = min(nbr)
                changed = True
    rest = np.flatnonzero(a < 0)
    if rest.size:
        centres = _centres(prob, a)
        d = np.hypot(
            prob.coords[rest, 0][:, None] - centres[:, 0][None, :],
            prob.coords[rest, 1][:, None] - centres[:, 1][None, :],
        )
        d[:, ~allowed] = np.inf
        a[rest] = np.argmin(d, axis=1)
    return a


def _centres(prob: _Problem, assignment: IntArray) -> FloatArray:
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


# --------------------------------------------------------------------------------------------
# Local search


class _State:
    """Assignment plus running territory values, centres and disruption."""

    def __init__(self, prob: _Problem, assignment: IntArray) -> None:
        self.prob = prob
        _WORK.ticks += WORK_PER_UNIT * assignment.size
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
        _WORK.ticks += WORK_PER_UNIT * prob.x.shape[0]
        self.centres = _centres(prob, self.a)
        # Distance of every unit to every centre, in territory radii, times its weight.
        d = np.hypot(
            prob.coords[:, 0][:, None] - self.centres[:, 0][None, :],
            prob.coords[:, 1][:, None] - self.centres[:, 1][None, :],
        )
        self.dcost = prob.cweight[:, None] * d / prob.scale

    def total_penalty(self) -> float:
        p = self.prob
        return float(_penalty(self.values, p.lower, p.upper)[p.active].sum())

    def violation(self) -> float:
        """Total distance outside the bands, in band half-widths (0 = all bands met)."""
        p = self.prob
        z = np.maximum(np.abs(_band_z(self.values, p.lower, p.upper)) - 1.0, 0.0)
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
            _penalty(na, p.lower[src], p.upper[src])
            - _penalty(va, p.lower[src], p.upper[src])
            + _penalty(nb, p.lower[dst], p.upper[dst])
            - _penalty(vb, p.lower[dst], p.upper[dst])
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
            out = out + _disruption_cost(p, self.moved + dd) - _disruption_cost(p, self.moved)
        return np.asarray(out)

    def apply(self, u: int, dst: int) -> None:
        _WORK.ticks += WORK_APPLY
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
        _WORK.ticks += 1.0 + WORK_PER_EDGE * e.shape[0]
        a = self.a
        both = np.concatenate([e, e[:, ::-1]])
        u, v = both[:, 0], both[:, 1]
        keep = (a[u] != a[v]) & p.movable[u] & p.active[a[v]] & p.active[a[u]]
        pairs = np.unique(np.column_stack([u[keep], a[v[keep]]]), axis=0)
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

    def feasible_move(self, u: int, dst: int) -> bool:
        if not self.cache.can_leave(u):
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


def _score(st: _State) -> tuple[float, float]:
    return (round(st.violation(), 9), st.total_penalty() + _compact_and_disruption(st))


def _disruption_cost(p: _Problem, moved: FloatArray | float) -> FloatArray:
    """Objective cost of a disruption weight ``moved`` (more per unit above a soft budget)."""
    moved = np.asarray(moved, dtype=np.float64)
    cost = DISRUPTION_WEIGHT * moved
    if math.isfinite(p.soft_budget):
        cost = cost + BUDGET_OVER_WEIGHT * np.maximum(moved - p.soft_budget, 0.0)
    return np.asarray(cost / max(float(p.dweight.mean()), 1e-12))


def _compact_and_disruption(st: _State) -> float:
    p = st.prob
    extra = 0.0
    if p.current is not None:
        extra = float(_disruption_cost(p, st.moved))
    return st.compact_cost() + extra


def _descend(st: _State) -> int:
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
            if not st.feasible_move(uu, d) or not st.cache.touches(uu, d):
                continue
            st.apply(uu, d)
            touched.update((s, d))
            done += 1
        applied += done
        if done == 0:
            break
        if st.prob.objective == "distance" and st.prob.fixed_centres is None:
            st.recentre()
    return applied


def _swaps(st: _State) -> int:
    """Pairwise exchanges across a border where single moves overshoot a band."""
    p = st.prob
    u, src, dst = st.boundary_moves()
    if u.size == 0:
        return 0
    bad = np.any(np.abs(_band_z(st.values, p.lower, p.upper)) > 1.0, axis=1)
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
        before = _penalty(va, p.lower[s], p.upper[s]) + _penalty(vb, p.lower[d], p.upper[d])
        after = _penalty(new_s, p.lower[s], p.upper[s]) + _penalty(new_d, p.lower[d], p.upper[d])
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
            if st.cache.touches(ub, s) and st.feasible_move(ub, s):
                st.apply(ub, s)
                applied += 1
                break
            st.apply(ua, s)
    return applied


def _territory_cost(
    st: _State, t: int, gain: FloatArray, gain_agg: FloatArray | None
) -> FloatArray:
    """Penalty change of territory ``t`` receiving net measures ``gain`` (shape (..., m)).

    ``gain_agg`` is the matching net change of the travel aggregates (shape (..., 4)).
    """
    p = st.prob
    new = st.values[t] + gain
    tr = p.travel
    if tr is not None and gain_agg is not None:
        new[..., tr.measure] += tr.hours(st.agg[t] + gain_agg, t) - st.travel[t]
    before = float(_penalty(st.values[t], p.lower[t], p.upper[t]))
    return np.asarray(_penalty(new, p.lower[t], p.upper[t]) - before)


def _chains(
    st: _State,
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
            np.any(np.abs(_band_z(st.values, p.lower, p.upper)) > 1.0 + 1e-9, axis=1) & p.active
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
        cost = _territory_cost(st, path[0], -p.x[u[first]], None if agg0 is None else -agg0)
        cost = cost + move_cost(first, lam)
        back: list[IntArray] = []
        for i in range(1, len(edges)):
            t = path[i]
            inc, out = edges[i - 1], edges[i]
            gain = p.x[u[inc]][:, None, :] - p.x[u[out]][None, :, :]
            ci, co = contrib(inc, t), contrib(out, t)
            gagg = None if ci is None or co is None else ci[:, None, :] - co[None, :, :]
            total = cost[:, None] + _territory_cost(st, t, gain, gagg)
            arg = np.argmin(total, axis=0)
            back.append(arg)
            cost = total[arg, np.arange(out.size)] + move_cost(out, lam)
        last = edges[-1]
        agg_l = contrib(last, path[-1])
        cost = cost + _territory_cost(st, path[-1], p.x[u[last]], agg_l)
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
        before = _score(st)
        missed_before = _bands_missed(st)
        moved_before = st.moved
        done: list[tuple[int, int]] = []
        ok = True
        for i in picks:
            uu, d = int(u[i]), int(dst[i])
            # Contiguity move by move; the budget is checked on the whole chain below.
            if not (st.cache.touches(uu, d) and st.cache.can_leave(uu)):
                ok = False
                break
            done.append((uu, int(st.a[uu])))
            st.apply(uu, d)
        if ok:
            ok = st.moved <= max(p.budget, moved_before) + 1e-9
            if ok and p.territory_budget is not None:
                ok = bool(np.all(st.churn <= p.territory_budget + 1e-9))
        if give_back:
            if ok and st.moved < moved_before - 1e-9 and _bands_missed(st) <= missed_before:
                return 1
        elif ok and _score(st) < before:
            return 1
        for uu, s in reversed(done):
            st.apply(uu, s)
    return 0


def _kick(st: _State, strength: int) -> None:
    """Random contiguity-keeping moves out of territories outside their bands (escape)."""
    p = st.prob
    z = _band_z(st.values, p.lower, p.upper)
    if p.current is not None and math.isfinite(p.budget) and st.moved > 0.9 * p.budget:
        # The budget is (nearly) spent: put some moved units back, so the next descent can
        # spend what they held where it buys more.
        _put_back(st, max(1, strength // 2))
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
            z = _band_z(st.values, p.lower, p.upper)


def _exchange(st: _State, limit: int = 50) -> int:
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
            if st.a[ur] != sr or not (st.cache.touches(ur, dr) and st.feasible_move(ur, dr)):
                continue
            st.apply(ur, dr)
            if st.a[uv] == sv and st.cache.touches(uv, dv) and st.feasible_move(uv, dv):
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


def _put_back(st: _State, count: int) -> None:
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
        if st.a[u] != home and st.cache.touches(u, home) and st.feasible_move(u, home):
            st.apply(u, home)
            count -= 1


def _bands_missed(st: _State) -> int:
    """Number of (territory, measure) bands the state misses, over the active territories."""
    p = st.prob
    z = np.abs(_band_z(st.values, p.lower, p.upper))[p.active]
    return int(np.count_nonzero(z > 1.0 + 1e-9))


def _local_search(prob: _Problem, assignment: IntArray, progress: tuple[float, float]) -> IntArray:
    st = _State(prob, assignment)
    _descend(st)
    best = st.a.copy()
    best_score = _score(st)
    best_missed = _bands_missed(st)
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
        applied = _swaps(st)
        if prob.current is not None and st.moved > 0.9 * prob.budget:
            applied += _exchange(st)
        applied += _chains(st)
        if applied:
            _descend(st)
        score = _score(st)
        if score < best_score:
            best, best_score, stale = st.a.copy(), score, 0
            best_missed = _bands_missed(st)
        else:
            stale += 1
        if best_score[0] == 0.0 and stale >= 3:
            break
        if stale >= 40:
            break
        if not applied:
            if stale > 1:
                # Restart the perturbation from the best assignment, not from a drifted one.
                st = _State(prob, best)
            _kick(st, 2 + min(stale, 10))
            _descend(st)
            score = _score(st)
            if score < best_score:
                best, best_score, stale = st.a.copy(), score, 0
                best_missed = _bands_missed(st)
    return best


def _squeeze(st: _State) -> bool:
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
        if _chains(st, give_back=True):
            continue
        u, src, dst = st.boundary_moves()
        home = (cur[u] == dst) & (p.dweight[u] > 0)
        if not home.any():
            return False
        u, src, dst = u[home], src[home], dst[home]
        rank = st.move_delta(u, src, dst) / p.dweight[u]
        for i in np.argsort(rank, kind="stable").tolist():
            uu = int(u[i])
            if st.cache.can_leave(uu) and st.cache.touches(uu, int(dst[i])):
                st.apply(uu, int(dst[i]))
                break
        else:
            return False
    return True


def _soft_budget_search(
    prob: _Problem, assignment: IntArray, progress: tuple[float, float]
) -> IntArray:
    """Rebalance within a disruption budget, the budget held softly first.

    A search that may never exceed the budget spends it on the first gains it finds and is
    then stuck: the chains of moves a last out-of-band territory needs cost disruption it no
    longer has. Here the search may go up to BUDGET_RELAX times over the budget, paying
    BUDGET_OVER_WEIGHT per unit of weight over it on top of the usual disruption cost, so it
    exceeds the budget only for band gains and comes back under it where it can. What is
    still over at the end is put back, cheapest first (:func:`_squeeze`), and a last search
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
    total = work_limit - _WORK.ticks
    try:
        prob.budget, prob.soft_budget = relaxed, real
        prob.work_limit = _WORK.ticks + SOFT_SHARE * total
        soft = _local_search(prob, assignment, progress=progress)
    finally:
        prob.budget, prob.soft_budget = real, math.inf
        prob.work_limit = work_limit
        prob.stopped = bool(prob.state is not None and prob.state.is_cancelled())
    st = _State(prob, soft)
    if st.moved > real + 1e-9:
        if not _squeeze(st):
            return assignment
        st = _State(prob, _local_search(prob, st.a, progress=progress))
    before = _State(prob, assignment)
    if st.moved <= real + 1e-9 and (_bands_missed(st), _score(st)) < (
        _bands_missed(before),
        _score(before),
    ):
        return st.a.copy()
    return assignment


def _restarts(
    prob: _Problem,
    best: IntArray,
    work_start: float,
    time_limit: float,
    rounds: int | None,
    progress: tuple[float, float],
) -> IntArray:
    """Create mode on small instances: grow and descend again from random seeds, keep the best.

    One descent is a few hundred milliseconds at county scale, and territory shapes depend
    strongly on where growth starts, so a handful of starts pays off before the exact model.
    """
    patience = rounds if rounds is not None else RESTART_PATIENCE
    if rounds is None:
        n_free = int(np.count_nonzero(prob.movable))
        rounds = min(MAX_RESTARTS, 5000 // max(n_free, 1))
    if rounds < 1:
        return best
    best_score = _score(_State(prob, best))
    stop_at = work_start + 0.25 * time_limit * WORK_PER_SECOND
    free = np.flatnonzero(prob.movable)
    stale = 0
    for r in range(rounds):
        if prob.out_of_time() or _WORK.ticks > stop_at:
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
        trial = _local_search(prob, _grow(prob, seeds), progress=progress)
        score = _score(_State(prob, trial))
        if score < best_score:
            best, best_score, stale = trial, score, 0
        else:
            stale += 1
            if stale >= patience:
                break
    return best


# --------------------------------------------------------------------------------------------
# Exact model


def _solve_exact(prob: _Problem, hint: IntArray) -> tuple[IntArray | None, bool, bool]:
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
        total = max(float(col.sum()), 1e-12)
        s = 1.0 if np.allclose(col, np.round(col)) and total < 2**40 else 1e7 / total
        if tr is not None and j == tr.measure:
            hs = _State(prob, hint)
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
    for t in terr:
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
    if symmetric and len(terr) > 1:
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
        st = _State(prob, hint)
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
        solver.parameters.max_deterministic_time = max(0.1, left)
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
    if status == cp_model.INFEASIBLE:
        return None, False, True
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False, False
    out = hint.copy()
    for (i, t), v in xv.items():
        if solver.value(v):
            out[i] = t
    return out, status == cp_model.OPTIMAL, False


# --------------------------------------------------------------------------------------------
# Reporting


def _empty_result(
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
        messages=[reason],
        status="infeasible",
        elapsed=time.perf_counter() - start,
    )


def _build_result(
    prob: _Problem,
    assignment: IntArray,
    messages: list[str],
    start: float,
    proven: bool,
    proven_infeasible: bool,
) -> DistrictingResult:
    st = _State(prob, assignment)
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
    shortfalls = _shortfalls(prob, st, in_band, contiguous, proven_infeasible)
    moves = _explain_moves(prob, st)
    for t in np.flatnonzero(~contiguous & prob.active).tolist():
        pieces = n_pieces(prob.lists, st.cache.members.get(t, ()))
        messages.append(f"territory {t} is in {pieces} pieces")
    if prob.state is not None and prob.state.is_cancelled():
        status = "cancelled"
    elif not in_band[prob.active].all():
        status = "bands_not_met"
    elif not contiguous[prob.active].all():
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
    )


def _shortfalls(
    prob: _Problem,
    st: _State,
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


def _explain_moves(prob: _Problem, st: _State) -> list[MoveExplanation]:
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
