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

import math
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.optimise.graph import Adjacency

if TYPE_CHECKING:
    from planner.models.progress import TaskState

#: Contiguity settings: required (default), preferred (broken only where a band needs it), off.
CONTIGUITY = ("required", "preferred", "off")
#: Compactness objectives: total distance to the centres, or the largest diameter (min-max).
COMPACTNESS = ("distance", "diameter")
#: Power of the distance to the centre in the "diameter" objective: a steep power makes the
#: farthest units dominate, so the search shrinks the territories' extents (a smooth stand-in
#: for the largest diameter, which a move changes only at the extremes).
DIAMETER_POWER = 4.0

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
# Rebalance with a disruption budget starts from the mixed-integer model (border_mip.py),
# which gets this share of the time; the local search polishes its plan.
MIP_SHARE = 0.6
# Create mode recombines neighbouring territories exactly (recombination.py) until this share
# of the time is used (it usually converges well before); the exact model gets the rest.
RECOMBINE_SHARE = 0.75
RECOMBINE_MAX_UNITS = 1200
# With the cut-edge objective the exact large-neighbourhood search (lns.py) takes over from
# recombination and runs until this share of the time; the whole-problem exact model gets
# the rest (it proves optimality on the small graphs and rarely improves on larger ones).
LNS_SHARE = 0.9
# ... and the local search's restarts get this share of the time before it (instead of 25 %).
LNS_RESTART_SHARE = 0.05
# ... and the local search before it is charged at this share of its counted work (its CPU
# time per counted second with the cut-edge objective, the upper end of what was measured).
LNS_LOCAL_SEARCH_RATE = 0.45
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
# only (the grace keeps short runs on a loaded machine from reaching it). It was 3x + 10 s;
# on a 2-core machine at load 12-20 (ten times oversubscribed) runs reached it, did less
# work and returned other plans, so it is now 10x + 30 s: a guard against a runaway phase,
# not a limit a busy machine meets.
WORK_PER_SECOND = 40_000.0
WALL_SAFETY = 10.0
WALL_GRACE = 30.0
# Work charged per step (in the counter's units, about 25 microseconds each on that machine).
WORK_APPLY = 40.0  # a move: values, travel, and the articulation points it invalidates
WORK_PER_EDGE = 0.002  # a scan of the boundary moves, per unit-graph edge
WORK_PER_UNIT = 0.01  # a fresh state or re-centring, per unit


class WorkCounter(threading.local):
    """Work done by the search on this thread (each run has its own thread's count).

    ``speed``: CPU seconds a solver's counted second takes on this machine
    (:func:`planner.optimise.machine.speed`, set by ``optimise_territories`` for its run;
    1 elsewhere). The solvers' charges (CP-SAT's deterministic time, HiGHS's iterations)
    are multiplied by it, their budgets divided by it; the local search's steps are not
    (measured here, they cost less CPU than they are charged: docs/optimiser.md,
    "Districting, ninth round")."""

    def __init__(self) -> None:
        self.ticks = 0.0
        self.speed = 1.0


WORK = WorkCounter()


def charge(amount: float) -> None:
    WORK.ticks += amount


def work_ticks() -> float:
    """Work counted so far on this thread (see WORK_PER_SECOND); differences measure a run."""
    return WORK.ticks


# CP-SAT (one worker) reports a deterministic time that is not CPU time: measured per solve on
# this 2-core machine (the subproblems of the cut-edge search on AL and OK, 91 solves, load
# 1-8), a deterministic second took 1.40-1.46 s of CPU with the LP (linearization level 1,
# the default) and 0.5-1.0 s without it (level 0). Charged at one deterministic second, a
# "120 s" run took 148-167 s of CPU; charged at these rates, CPU time stays within the limit.
CPU_PER_DETERMINISTIC_SECOND = {0: 0.9, 1: 1.45, 2: 1.45}


def measure_scale(col: FloatArray) -> float:
    """The factor that makes a measure's values integers for CP-SAT: 1 when they are whole
    numbers (summing below 2**40), else 1e7 over their total."""
    total = max(float(col.sum()), 1e-12)
    return 1.0 if bool(np.allclose(col, np.round(col))) and total < 2**40 else 1e7 / total


def cut_count(lists: list[list[int]], assignment: IntArray) -> int:
    """Number of edges whose ends are in different territories."""
    return sum(
        1 for i, js in enumerate(lists) for j in js if i < j and assignment[i] != assignment[j]
    )


def charge_cp_sat(deterministic_time: float, linearization: int = 1) -> None:
    """Charge a CP-SAT solve to the work counter by its deterministic time (which does not
    depend on the load), at the CPU rate measured for its linearization level."""
    WORK.ticks += (
        float(deterministic_time)
        * CPU_PER_DETERMINISTIC_SECOND[linearization]
        * WORK.speed
        * WORK_PER_SECOND
    )


def deterministic_budget(work_limit: float, linearization: int = 1) -> float:
    """The deterministic time a CP-SAT solve may take so that its charge ends at
    ``work_limit`` on the work counter."""
    left = (work_limit - WORK.ticks) / WORK_PER_SECOND
    return left / (CPU_PER_DETERMINISTIC_SECOND[linearization] * WORK.speed)


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
        WORK.ticks += 1.0
        return np.stack([self.visits[u], self.stops[u], self.area[u], self.home[u, t]], axis=-1)

    def hours(self, agg: FloatArray, t: IntArray | int) -> FloatArray:
        """Travel of territory ``t`` holding aggregates ``agg`` (shape (..., 4))."""
        WORK.ticks += 1.0
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
        ``sum_i w_i * dist(i, centre(t_i))`` (the total distance, reported whatever the
        objective).
    diameter : ndarray of float, shape (k,)
        Largest distance between two units of each territory (coordinates' unit; 0 for a
        territory of at most one unit), reported whatever the objective.
    pieces : ndarray of int, shape (k,)
        Connected pieces of each territory in the unit graph (1 = contiguous).
    contiguity : {"required", "preferred", "off"}
        The contiguity setting the run used.
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
    diameter: FloatArray = field(default_factory=lambda: np.zeros(0))
    pieces: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    contiguity: str = "required"

    @property
    def max_diameter(self) -> float:
        """The largest territory diameter (0 without territories)."""
        return float(self.diameter.max()) if self.diameter.size else 0.0

    @property
    def total_distance(self) -> float:
        """Weighted distance of every unit to its territory's centre (``compactness``)."""
        return self.compactness

    @property
    def all_in_band(self) -> bool:
        """Whether every measure of every territory is inside its band."""
        return bool(self.in_band.all())

    @property
    def feasible(self) -> bool:
        """Every band met, and every territory contiguous where contiguity is required."""
        return self.all_in_band and (self.contiguity != "required" or bool(self.contiguous.all()))


@dataclass
class Problem:
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
    #: "required": every move keeps territories connected; "off": moves may split them;
    #: "preferred" is run as "required" first, then "off" while bands are missed.
    contiguity: str = "required"
    #: "preferred" contiguity after the contiguous search missed a band: moves may split.
    splitting: bool = False

    @property
    def keeps_contiguity(self) -> bool:
        """Whether every move must keep its territories connected (now)."""
        return self.contiguity == "required" or (
            self.contiguity == "preferred" and not self.splitting
        )

    def out_of_time(self) -> bool:
        if self.stopped:
            return True
        if (
            (self.state is not None and self.state.is_cancelled())
            or WORK.ticks >= self.work_limit
            or time.perf_counter() > self.wall_deadline
        ):
            self.stopped = True
        return self.stopped

    def seconds_left(self) -> float:
        """The work left, in seconds at WORK_PER_SECOND (not wall-clock seconds)."""
        return (self.work_limit - WORK.ticks) / WORK_PER_SECOND


def band_z(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Signed distance from the band's middle in half-widths (``|z| <= 1`` is in band)."""
    mid = 0.5 * (lower + upper)
    # A zero-width band (tolerance 0) still needs a finite scale.
    half = np.maximum(0.5 * (upper - lower), 1e-6 * np.abs(mid) + 1e-12)
    return np.asarray((values - mid) / half)


def band_penalty(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Balance penalty per row (territory), summed over measures; works on (..., m) arrays."""
    WORK.ticks += 1.0 + np.size(values) * 1e-3
    z = np.abs(band_z(values, lower, upper))
    out = np.maximum(z - 1.0, 0.0)
    return np.asarray((CENTRE_PULL * z * z + BAND_WEIGHT * (out + out * out)).sum(axis=-1))


def as_int_array(name: str, value: ArrayLike, n: int) -> IntArray:
    arr = np.asarray(value)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr.astype(np.int64)
