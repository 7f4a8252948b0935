"""The routing engine: one interface over PyVRP that the product and the benchmarks share.

Every routing problem the planner meets goes through this module:

* :func:`solve_tsp`: a closed tour through every node (the TSPLIB benchmark);
* :func:`solve_cvrp`: capacitated routes from a depot (the Augerat benchmark);
* :func:`solve_vrptw`: routes with time windows and service times (the Solomon benchmark);
* :func:`solve_shifts`: a rep's horizon as one problem, one vehicle per working day, each with
  its own shift, and every visit optional with a prize (the product's visit planning).

PyVRP (iterated local search, MIT licence) solves all but the plain TSP. Its neighbourhoods have
no move inside one route that reverses a stretch (2-opt), so on a single tour it stalls 1-2 %
above the optimum (ch130 +1.6 % after 15,000 iterations); :func:`solve_tsp` therefore uses
``fast-tsp`` (Or-opt and 2-opt local search with perturbation, MIT licence), which reaches the
TSPLIB optima up to 280 nodes within 0.3 s.

Work limits are counted, not timed: :class:`WorkLimit` gives the iterations (and optionally the
iterations without improvement) that end the search, so a seed gives the same routes on a quiet
or a busy machine; its ``max_seconds`` is a safety cap only. ``cancelled`` callables are asked
at every iteration, so a cancel (for example a :class:`multiprocessing.Event` shared with worker
processes) stops a search within milliseconds.

All matrices are integers: callers scale and round by the rule their numbers follow.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "EngineError",
    "Job",
    "Shift",
    "ShiftPlan",
    "ShiftVisit",
    "Tour",
    "VehicleRoutes",
    "WorkLimit",
    "limit_for_seconds",
    "solve_cvrp",
    "solve_shifts",
    "solve_tsp",
    "solve_vrptw",
]

_INF = np.iinfo(np.int64).max


class EngineError(ValueError):
    """Bad routing input (the message names the argument)."""


@dataclass(frozen=True)
class WorkLimit:
    """How much search a solve gets.

    Attributes
    ----------
    iterations : int
        Iterations of the search; the deterministic limit.
    no_improvement : int, optional
        Stop earlier after this many iterations without a better solution (also deterministic).
    max_seconds : float
        Wall-clock safety cap. Meant never to bind: when it does, results may depend on load.
    seed : int
        Random seed; the same seed and limits give the same routes.
    neighbours : int
        Nearest clients each local-search move looks at (PyVRP's default 50): fewer make each
        iteration cheaper.
    runs : int
        Independent searches (seeds ``seed``, ``seed + 1``, ...) that share ``iterations``
        equally; the best result wins (the first on a tie). One search can settle in a basin
        that more iterations do not leave (Augerat P-n55-k8: 1.04 % above the optimum after
        8,000 and after 20,000 iterations with seed 0, the optimum with seeds 1 and 2 after
        8,000), so a few shorter searches miss less often than one long one.
    """

    iterations: int = 5_000
    no_improvement: int | None = None
    max_seconds: float = 60.0
    seed: int = 0
    neighbours: int = 50
    runs: int = 1

    def validate(self) -> None:
        if self.iterations < 1:
            raise EngineError(f"WorkLimit.iterations must be >= 1, got {self.iterations}")
        if self.no_improvement is not None and self.no_improvement < 1:
            raise EngineError("WorkLimit.no_improvement must be >= 1")
        if not self.max_seconds > 0:
            raise EngineError(f"WorkLimit.max_seconds must be positive, got {self.max_seconds}")
        if not 1 <= self.runs <= self.iterations:
            raise EngineError(
                f"WorkLimit.runs must be between 1 and the iterations, got {self.runs}"
            )


#: Iterations per second of one core that :func:`limit_for_seconds` gives. On this project's
#: 2-core test machine an iteration on 50-100 customers costs 0.37-0.58 ms of CPU (CVRP:
#: P-n101-k4 0.39, P-n55-k8 0.47, A-n80-k10 0.58; VRPTW: Solomon R101 and RC102 0.55-0.59),
#: so 1,200 a second keeps the slowest within about 70 % of the time asked for.
ITERATIONS_PER_SECOND = 1_200
#: Independent runs :func:`limit_for_seconds` splits the iterations into (see ``WorkLimit.runs``).
RUNS = 2


def limit_for_seconds(seconds: float, *, seed: int = 0) -> WorkLimit:
    """A counted work limit sized to take about ``seconds`` of one quiet core, or less.

    ``seconds`` times :data:`ITERATIONS_PER_SECOND` iterations in :data:`RUNS` runs, and a
    wall-clock safety cap of ten times ``seconds``: on a busy machine the search takes longer
    but does the same work, so it ends with the same routes. (Three times was too little: at
    a load of 8-10 on two cores a process gets a quarter to a third of a core.)
    """
    if not seconds > 0:
        raise EngineError(f"seconds must be positive, got {seconds}")
    iterations = max(RUNS, round(seconds * ITERATIONS_PER_SECOND))
    return WorkLimit(iterations=iterations, max_seconds=10.0 * seconds, seed=seed, runs=RUNS)


@dataclass(frozen=True)
class Tour:
    """A closed tour from :func:`solve_tsp`: ``order`` starts at the start node."""

    order: list[int]
    cost: int


@dataclass(frozen=True)
class VehicleRoutes:
    """Routes from :func:`solve_cvrp` / :func:`solve_vrptw`.

    ``routes`` lists the customers of each used vehicle in order (each starts and ends at the
    depot); ``cost`` sums the cost matrix along every route; ``unserved`` is empty unless no
    feasible solution was found; ``iterations`` the search iterations run; ``capped`` whether
    the wall-clock safety cap ended the search (then the result may depend on the load).
    """

    routes: list[list[int]]
    cost: int
    unserved: list[int] = field(default_factory=list)
    iterations: int = 0
    capped: bool = False


class _Stop:
    """PyVRP stopping criterion: iterations, no improvement, safety cap, cancel.

    One instance serves every run of a solve: :meth:`next_run` resets the per-run counts,
    while the deadline and the total of iterations run carry over.
    """

    def __init__(self, limit: WorkLimit, cancelled: Callable[[], bool] | None) -> None:
        self.limit = limit
        self.cancelled = cancelled
        self.iterations = 0
        self.deadline = time.perf_counter() + limit.max_seconds
        self.was_cancelled = False
        self.hit_cap = False
        self.next_run(limit.iterations)

    def next_run(self, iterations: int) -> None:
        self.run_limit = iterations
        self.run_iterations = 0
        self.since_best = 0
        self.best: float = float("inf")

    @property
    def halted(self) -> bool:
        """Whether a cancel or the safety cap ended the search (no further run starts)."""
        return self.was_cancelled or self.hit_cap

    def __call__(self, best_cost: float) -> bool:
        if best_cost < self.best:
            self.best = best_cost
            self.since_best = 0
        else:
            self.since_best += 1
        self.run_iterations += 1
        if self.run_iterations > self.run_limit:
            return True
        self.iterations += 1
        if self.cancelled is not None and self.cancelled():
            self.was_cancelled = True
            return True
        if self.limit.no_improvement is not None and self.since_best > self.limit.no_improvement:
            return True
        if time.perf_counter() > self.deadline:
            self.hit_cap = True
            return True
        return False


def _int_matrix(values: ArrayLike, name: str) -> np.ndarray:
    """A square, finite, non-negative integer matrix, or an :class:`EngineError` naming it."""
    arr = np.asarray(values)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise EngineError(f"{name} must be a non-empty square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise EngineError(f"{name} contains NaN or infinite values")
    if np.any(arr < 0):
        raise EngineError(f"{name} contains negative values")
    if not np.issubdtype(arr.dtype, np.integer) and np.any(arr != np.round(arr)):
        raise EngineError(f"{name} must hold integers: scale and round it first")
    return np.ascontiguousarray(arr.astype(np.int64))


def _run(data: object, limit: WorkLimit, cancelled: Callable[[], bool] | None) -> tuple:
    """The best solution of ``limit.runs`` searches and the stop criterion that ended them.

    A feasible solution beats an infeasible one; between feasible ones the lower objective
    (distance, duration and fixed costs, prizes left out) wins, the earlier run on a tie.
    """
    from pyvrp import CostEvaluator, SolveParams, solve
    from pyvrp.search import NeighbourhoodParams

    limit.validate()
    stop = _Stop(limit, cancelled)
    params = SolveParams(neighbourhood=NeighbourhoodParams(num_neighbours=limit.neighbours))
    share, extra = divmod(limit.iterations, limit.runs)
    evaluator = CostEvaluator([0.0] * data.num_load_dimensions, 0, 0)  # type: ignore[attr-defined]
    best = None
    for run in range(limit.runs):
        stop.next_run(share + (1 if run < extra else 0))
        result = solve(
            data,  # type: ignore[arg-type]
            stop,
            seed=limit.seed + run,
            collect_stats=False,
            params=params,
        )
        if best is None or _better(result.best, best, evaluator):
            best = result.best
        if stop.halted:
            break
    return best, stop


def _better(candidate: object, incumbent: object, evaluator: object) -> bool:
    """Feasible before infeasible, then the lower objective; an infeasible one never wins."""
    if not candidate.is_feasible():  # type: ignore[attr-defined]
        return False
    if not incumbent.is_feasible():  # type: ignore[attr-defined]
        return True
    cost = evaluator.cost  # type: ignore[attr-defined]
    return bool(cost(candidate) < cost(incumbent))


def _route_clients(route: object) -> list[int]:
    """Client indices of a PyVRP route in order."""
    from pyvrp import ActivityType

    return [
        int(a.idx)
        for a in route.schedule()  # type: ignore[attr-defined]
        if a.type == ActivityType.CLIENT
    ]


def _routes_cost(cost: np.ndarray, routes: list[list[int]], depot: int) -> int:
    total = 0
    for route in routes:
        path = np.array([depot, *route, depot])
        total += int(cost[path[:-1], path[1:]].sum())
    return total


# --------------------------------------------------------------------------------------------
# TSP


def solve_tsp(cost: ArrayLike, *, start: int = 0, max_seconds: float = 5.0) -> Tour:
    """Shortest closed tour through every node of a symmetric integer cost matrix.

    ``fast-tsp`` searches until it has converged (``max(100000, 500 n)`` perturbations without
    a better tour) or ``max_seconds`` pass. Problems of 20 nodes or fewer are solved exactly.
    Tours of equal length may differ between runs (the library seeds itself); the length
    found does not, below the cap.

    Raises
    ------
    EngineError
        If the matrix is not square, integer, non-negative and symmetric, holds values above
        65,535 (the library's limit: scale it down first), or ``start`` is not a node.
    """
    import fast_tsp

    arr = _int_matrix(cost, "cost")
    n = arr.shape[0]
    if not 0 <= start < n:
        raise EngineError(f"start must be a node in 0..{n - 1}, got {start}")
    if not np.array_equal(arr, arr.T):
        raise EngineError("cost must be symmetric for solve_tsp")
    if arr.max() > 65_535:
        raise EngineError("cost values must be at most 65,535: scale the matrix down first")
    if n == 1:
        return Tour([start], 0)
    tour = fast_tsp.find_tour(
        arr.tolist(), duration_seconds=max_seconds, max_threads=1, stop_when_converged=True
    )
    k = tour.index(start)
    order = [int(v) for v in tour[k:] + tour[:k]]
    # One direction for a given tour: the smaller neighbour of the start comes second.
    if n > 2 and order[-1] < order[1]:
        order = [order[0], *reversed(order[1:])]
    idx = np.asarray(order)
    return Tour(order, int(arr[idx, np.roll(idx, -1)].sum()))


# --------------------------------------------------------------------------------------------
# CVRP and VRPTW


def solve_cvrp(
    cost: ArrayLike,
    demands: ArrayLike,
    capacity: int,
    *,
    vehicles: int | None = None,
    depot: int = 0,
    limit: WorkLimit | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VehicleRoutes:
    """Capacitated routes from ``depot`` serving every customer, least total cost.

    ``vehicles`` caps the fleet (default: as many as customers).

    Raises
    ------
    EngineError
        On bad input, or a customer whose demand exceeds the capacity.
    """
    arr = _int_matrix(cost, "cost")
    n = arr.shape[0]
    demand = np.asarray(demands, dtype=np.int64)
    if demand.shape != (n,):
        raise EngineError(f"demands must have one value per node ({n}), got {demand.shape}")
    if np.any(demand > capacity):
        raise EngineError("a customer's demand exceeds the vehicle capacity")
    return solve_vrptw(
        arr,
        np.zeros_like(arr),
        demand,
        capacity,
        None,
        None,
        vehicles=vehicles if vehicles is not None else max(1, n - 1),
        depot=depot,
        limit=limit,
        cancelled=cancelled,
    )


def solve_vrptw(
    cost: ArrayLike,
    travel_time: ArrayLike,
    demands: ArrayLike,
    capacity: int,
    windows: ArrayLike | None,
    service_times: ArrayLike | None,
    *,
    vehicles: int,
    depot: int = 0,
    limit: WorkLimit | None = None,
    vehicle_fixed_cost: int = 0,
    cancelled: Callable[[], bool] | None = None,
) -> VehicleRoutes:
    """Routes from ``depot`` with capacity and time windows (service starts inside the window).

    ``windows`` has a row ``(ready, due)`` per node (the depot's row bounds each route);
    ``service_times`` one value per node. A large ``vehicle_fixed_cost`` makes fewer vehicles
    the first objective. The returned ``cost`` sums ``cost`` along the routes (fixed costs
    excluded). If the search ends without a feasible solution every customer is in
    ``unserved``.
    """
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    arr = _int_matrix(cost, "cost")
    n = arr.shape[0]
    times = _int_matrix(travel_time, "travel_time")
    if times.shape != arr.shape:
        raise EngineError("travel_time must have the shape of cost")
    if not 0 <= depot < n:
        raise EngineError(f"depot must be a node in 0..{n - 1}, got {depot}")
    if vehicles < 1:
        raise EngineError(f"vehicles must be >= 1, got {vehicles}")
    demand = np.asarray(demands, dtype=np.int64)
    tw = (
        np.asarray(windows, dtype=np.int64)
        if windows is not None
        else np.tile(np.array([0, _INF], dtype=np.int64), (n, 1))
    )
    service = (
        np.asarray(service_times, dtype=np.int64)
        if service_times is not None
        else np.zeros(n, dtype=np.int64)
    )
    customers = [i for i in range(n) if i != depot]
    locations = [Location(0, 0) for _ in range(n)]
    clients = [
        Client(
            location=i,
            delivery=[int(demand[i])],
            service_duration=int(service[i]),
            tw_early=int(tw[i, 0]),
            tw_late=int(tw[i, 1]),
        )
        for i in customers
    ]
    data = ProblemData(
        locations,
        clients,
        [Depot(location=depot, tw_early=int(tw[depot, 0]), tw_late=int(tw[depot, 1]))],
        [
            VehicleType(
                num_available=vehicles,
                capacity=[int(capacity)],
                fixed_cost=int(vehicle_fixed_cost),
                tw_early=int(tw[depot, 0]),
                tw_late=int(tw[depot, 1]),
            )
        ],
        [arr],  # type: ignore[list-item]
        [times],  # type: ignore[list-item]
    )
    limit = limit or WorkLimit()
    best, stop = _run(data, limit, cancelled)
    if not best.is_feasible():
        return VehicleRoutes([], 0, customers, stop.iterations, stop.hit_cap)
    routes = [[customers[c] for c in _route_clients(r)] for r in best.routes()]
    routes = [r for r in routes if r]
    cost = _routes_cost(arr, routes, depot)
    return VehicleRoutes(routes, cost, [], stop.iterations, stop.hit_cap)


# --------------------------------------------------------------------------------------------
# Shifts: a rep's horizon, one vehicle per working day


@dataclass(frozen=True)
class Shift:
    """One vehicle: a working day on the horizon's time line (integer time units).

    The route leaves the home no earlier than ``early``, is back by ``late`` and lasts at most
    ``max_duration``.
    """

    early: int
    late: int
    max_duration: int


@dataclass(frozen=True)
class Job:
    """A visit to place: at ``node``, ``service`` long, starting inside one of ``windows``.

    ``windows`` are ``(early, late)`` on the horizon's time line, each usually inside one
    shift; the engine picks at most one. ``prize`` is what leaving the visit out costs.
    """

    node: int
    service: int
    windows: tuple[tuple[int, int], ...]
    prize: int


@dataclass(frozen=True)
class ShiftVisit:
    """A placed job: its index in the jobs given, and when its service starts."""

    job: int
    start: int


@dataclass(frozen=True)
class ShiftPlan:
    """The result of :func:`solve_shifts`.

    ``routes[s]`` lists shift ``s``'s visits in order and ``leave[s]`` when it leaves home
    (``None`` for a shift without visits); ``unplaced`` the jobs left out; ``feasible``
    whether the search ended on a solution that keeps every shift and window; ``cancelled``
    whether a cancel ended it.
    """

    routes: list[list[ShiftVisit]]
    leave: list[int | None]
    unplaced: list[int]
    iterations: int
    feasible: bool
    cancelled: bool


def solve_shifts(
    distance: ArrayLike,
    duration: ArrayLike,
    shifts: Sequence[Shift],
    jobs: Sequence[Job],
    *,
    home: int = 0,
    limit: WorkLimit | None = None,
    duration_cost: int = 1,
    cancelled: Callable[[], bool] | None = None,
) -> ShiftPlan:
    """Place optional jobs into shifts (one vehicle each) and order every shift's route.

    The objective is the distance driven, plus ``duration_cost`` per unit of each route's
    duration (so days end without idle time), plus the prizes of the jobs left out. A job with
    several windows is a mutually exclusive group of one visit per window.

    Raises
    ------
    EngineError
        On matrices of different shapes, a node out of range, an empty window list, or a
        window that closes before it opens.
    """
    from pyvrp import ActivityType, Client, ClientGroup, Depot, Location, ProblemData, VehicleType

    dist = _int_matrix(distance, "distance")
    dur = _int_matrix(duration, "duration")
    n = dist.shape[0]
    if dur.shape != dist.shape:
        raise EngineError("duration must have the shape of distance")
    if not 0 <= home < n:
        raise EngineError(f"home must be a node in 0..{n - 1}, got {home}")
    for k, job in enumerate(jobs):
        if not 0 <= job.node < n:
            raise EngineError(f"jobs[{k}].node {job.node} is not a row of the matrices")
        if not job.windows:
            raise EngineError(f"jobs[{k}] has no window")
        if any(lo > hi for lo, hi in job.windows):
            raise EngineError(f"jobs[{k}] has a window that closes before it opens")
    if not shifts or not jobs:
        return ShiftPlan([[] for _ in shifts], [None] * len(shifts), list(range(len(jobs))), 0,
                         True, False)  # fmt: skip
    clients: list[Client] = []
    owner: list[int] = []
    groups: list[ClientGroup] = []
    for k, job in enumerate(jobs):
        group = len(groups) if len(job.windows) > 1 else None
        members = []
        for lo, hi in job.windows:
            members.append(len(clients))
            clients.append(
                Client(
                    location=job.node,
                    service_duration=int(job.service),
                    tw_early=int(lo),
                    tw_late=int(hi),
                    prize=int(job.prize),
                    required=False,
                    group=group,
                )
            )
            owner.append(k)
        if group is not None:
            groups.append(ClientGroup(members, required=False))
    vehicle_types = [
        VehicleType(
            num_available=1,
            tw_early=int(s.early),
            tw_late=int(s.late),
            shift_duration=int(s.max_duration),
            unit_duration_cost=int(duration_cost),
        )
        for s in shifts
    ]
    data = ProblemData(
        [Location(0, 0) for _ in range(n)],
        clients,
        [Depot(location=home)],
        vehicle_types,
        [dist],  # type: ignore[list-item]
        [dur],  # type: ignore[list-item]
        groups,
    )
    limit = limit or WorkLimit()
    best, stop = _run(data, limit, cancelled)
    routes: list[list[ShiftVisit]] = [[] for _ in shifts]
    leave: list[int | None] = [None] * len(shifts)
    placed: set[int] = set()
    feasible = bool(best.is_feasible())
    if feasible:
        for route in best.routes():
            s = int(route.vehicle_type())
            visits = []
            for activity in route.schedule():
                if activity.type == ActivityType.CLIENT:
                    visits.append(ShiftVisit(owner[int(activity.idx)], int(activity.start_time)))
            if visits:
                routes[s] = visits
                leave[s] = int(route.start_time())
                placed.update(v.job for v in visits)
    unplaced = [k for k in range(len(jobs)) if k not in placed]
    return ShiftPlan(routes, leave, unplaced, stop.iterations, feasible, stop.was_cancelled)
