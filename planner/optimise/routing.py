"""Vehicle routing on the OR-Tools routing library: TSP, CVRP, VRPTW and a rep's day route.

The generic solvers (:func:`solve_tsp`, :func:`solve_cvrp`, :func:`solve_vrptw`) take integer
cost matrices, because the routing library works in integers: callers scale and round by the
rule their numbers follow (for example TSPLIB's nint distances, or metres). The rep's day
route (:func:`plan_day_route`) takes kilometre and minute matrices from
:mod:`planner.optimise.travel` and works internally in metres and seconds.

TSP, VRPTW and the day route search with guided local search under a time limit (VRPTW then
runs ruin-and-recreate rounds); CVRP improves savings routes by string-removal rounds
(:mod:`planner.optimise.cvrp_search`). A stop the day route cannot fit is returned in
:attr:`DayRoute.unplaced` with a reason a planner can act on; it is never dropped silently.

OR-Tools is imported inside the functions that use it, so importing this module is cheap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from planner.optimise.cvrp_search import string_removal_search

__all__ = [
    "DayRoute",
    "RepDay",
    "RouteStop",
    "RoutingError",
    "ScheduledStop",
    "Tour",
    "UnplacedStop",
    "VehicleRoutes",
    "format_clock",
    "plan_day_route",
    "solve_cvrp",
    "solve_tsp",
    "solve_vrptw",
    "stop_conflict",
]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A dropped stop costs more than any route can: the search keeps every stop it can fit.
_DROP_PENALTY = 10**12
#: Seconds allowed to find a day route's first solution when the search limit ran out first.
FIRST_SOLUTION_LIMIT_S = 30
#: String-removal rounds per second of a CVRP time limit. About what this machine manages
#: unloaded (0.25-0.35 ms a round up to 80 customers), so the rounds, not the clock, end the
#: search and a seed gives the same routes; on a busy machine the deadline comes first.
_CVRP_ROUNDS_PER_S = 3000
#: Share of the VRPTW time limit for guided local search; ruin-and-recreate rounds get the rest.
_VRPTW_GLS_SHARE = 0.25
#: Insertion neighbourhoods of the routing library's local search that the ruin-and-recreate
#: polish leaves out: they cost much time per step, and the rounds re-insert customers anyway.
_SLOW_OPERATORS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
    "use_relocate_expensive_chain",
    "use_make_chain_inactive",
)


class RoutingError(ValueError):
    """Bad routing input (the message names the argument), or no feasible route was found."""


@dataclass(frozen=True)
class Tour:
    """A closed tour from :func:`solve_tsp`.

    Attributes
    ----------
    order : list of int
        Every node once, starting at the start node; the tour returns to ``order[0]``.
    cost : int
        Sum of the matrix entries along the closed tour.
    """

    order: list[int]
    cost: int


@dataclass(frozen=True)
class VehicleRoutes:
    """Routes from :func:`solve_cvrp` or :func:`solve_vrptw`.

    Attributes
    ----------
    routes : list of list of int
        Customer nodes of each used vehicle in visiting order, depot excluded (each route starts
        and ends at the depot). Unused vehicles are left out.
    cost : int
        Sum of the cost matrix along every route, depot legs included.
    unserved : list of int
        Customers no route serves (empty unless the instance is infeasible for the fleet).
    """

    routes: list[list[int]]
    cost: int
    unserved: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RepDay:
    """A rep's working day. Times are minutes after midnight.

    Attributes
    ----------
    start : int
        Earliest time the rep leaves home.
    end : int
        Latest time the rep is back home.
    max_minutes : int
        Longest working day, from leaving home to returning, lunch included.
    lunch_minutes : int
        Length of the lunch break (0 for none).
    lunch_earliest, lunch_latest : int
        Range in which the lunch break starts. A day that ends before ``lunch_earliest`` needs
        no lunch.
    weekday : int
        0 = Monday ... 6 = Sunday; stops closed on this weekday cannot be visited.
    """

    start: int = 8 * 60
    end: int = 18 * 60
    max_minutes: int = 9 * 60
    lunch_minutes: int = 30
    lunch_earliest: int = 11 * 60 + 30
    lunch_latest: int = 13 * 60 + 30
    weekday: int = 0

    def validate(self) -> None:
        """Raise :class:`RoutingError` naming the first inconsistent field."""
        if not 0 <= self.start < self.end <= 24 * 60:
            raise RoutingError(f"RepDay: start {self.start} must be before end {self.end}")
        if self.max_minutes <= 0:
            raise RoutingError(f"RepDay.max_minutes must be positive, got {self.max_minutes}")
        if self.lunch_minutes < 0:
            raise RoutingError(f"RepDay.lunch_minutes must be >= 0, got {self.lunch_minutes}")
        if self.lunch_minutes and self.lunch_earliest > self.lunch_latest:
            raise RoutingError("RepDay.lunch_earliest must not be after lunch_latest")
        if not 0 <= self.weekday <= 6:
            raise RoutingError(f"RepDay.weekday must be 0..6, got {self.weekday}")

    @property
    def working_minutes(self) -> float:
        """Minutes available for visits and driving: the day less its lunch break."""
        return float(min(self.max_minutes, self.end - self.start) - self.lunch_minutes)


@dataclass(frozen=True)
class RouteStop:
    """One visit to place in a day route.

    Attributes
    ----------
    node : int
        Row/column of the stop in the travel matrices (row 0 is the rep's home).
    service_minutes : float
        Time spent at the stop.
    window : tuple of int, optional
        ``(open, close)`` in minutes after midnight: the visit starts within it.
    closed_weekdays : frozenset of int
        Weekdays (0 = Monday) the stop cannot be visited.
    """

    node: int
    service_minutes: float
    window: tuple[int, int] | None = None
    closed_weekdays: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ScheduledStop:
    """A stop in a planned day route.

    Attributes
    ----------
    stop : int
        Position of the stop in the ``stops`` list given to :func:`plan_day_route`.
    node : int
        Its row in the travel matrices.
    arrival : float
        When the visit starts, minutes after midnight (inside the stop's window).
    departure : float
        When the rep leaves: ``arrival + service_minutes``.
    drive_minutes : float
        Driving time of the leg from the previous stop (or home) to this one.
    distance_km : float
        Length of that leg.
    wait_minutes : float
        Idle time before the visit (waiting for the window to open), lunch excluded.
    """

    stop: int
    node: int
    arrival: float
    departure: float
    drive_minutes: float
    distance_km: float
    wait_minutes: float = 0.0


@dataclass(frozen=True)
class UnplacedStop:
    """A stop the day route could not fit, with the reason a planner can act on."""

    stop: int
    reason: str


@dataclass(frozen=True)
class DayRoute:
    """A rep's planned day from :func:`plan_day_route`.

    Attributes
    ----------
    stops : list of ScheduledStop
        Visits in order.
    unplaced : list of UnplacedStop
        Every stop that is not in ``stops``, with its reason.
    leave_home, return_home : float
        Minutes after midnight (both equal ``RepDay.start`` for a day without stops).
    lunch_start : float or None
        Start of the lunch break, ``None`` when the day needs none.
    return_drive_minutes, return_distance_km : float
        The last leg, from the last stop back home.
    distance_km, drive_minutes : float
        Totals over every leg, the return home included.
    visit_minutes : float
        Total service time.
    lunch_minutes : float
        Length of the lunch break taken between leaving and returning home (0 if none).
    """

    stops: list[ScheduledStop]
    unplaced: list[UnplacedStop]
    leave_home: float
    return_home: float
    lunch_start: float | None
    return_drive_minutes: float
    return_distance_km: float
    distance_km: float
    drive_minutes: float
    visit_minutes: float

    lunch_minutes: float = 0.0

    @property
    def working_minutes(self) -> float:
        """From leaving home to returning, lunch excluded."""
        return self.return_home - self.leave_home - self.lunch_minutes


def format_clock(minutes: float) -> str:
    """``HH:MM`` for minutes after midnight."""
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


# --------------------------------------------------------------------------------------------
# Shared OR-Tools plumbing


def _search_parameters(
    time_limit_s: float, first_solution: str = "PATH_CHEAPEST_ARC", log: bool = False
) -> Any:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    if time_limit_s <= 0:
        raise RoutingError(f"time_limit_s must be positive, got {time_limit_s}")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    params.log_search = log
    return params


def _int_matrix(values: ArrayLike, name: str) -> np.ndarray:
    """A square, finite, non-negative integer matrix, or a :class:`RoutingError` naming it."""
    arr = np.asarray(values)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise RoutingError(f"{name} must be a non-empty square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise RoutingError(f"{name} contains NaN or infinite values")
    if np.any(arr < 0):
        raise RoutingError(f"{name} contains negative values")
    if not np.issubdtype(arr.dtype, np.integer) and np.any(arr != np.round(arr)):
        raise RoutingError(f"{name} must hold integers: scale and round it first")
    return arr.astype(np.int64)


def _routes_from_solution(
    routing: Any, manager: Any, solution: Any, vehicles: int
) -> list[list[int]]:
    routes = []
    for v in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


def _routes_cost(cost: np.ndarray, routes: list[list[int]], depot: int) -> int:
    total = 0
    for route in routes:
        path = np.array([depot, *route, depot])
        total += int(cost[path[:-1], path[1:]].sum())
    return total


# --------------------------------------------------------------------------------------------
# TSP, CVRP, VRPTW


def solve_tsp(cost: ArrayLike, *, start: int = 0, time_limit_s: float = 1.0) -> Tour:
    """Shortest closed tour through every node of an integer cost matrix.

    Parameters
    ----------
    cost : array_like of int, shape (n, n)
        Travel cost between nodes; need not be symmetric.
    start : int, default 0
        Node the tour starts (and ends) at.
    time_limit_s : float, default 1.0
        Wall time for guided local search; the search always runs to this limit.

    Returns
    -------
    Tour
        Nodes in visiting order and the tour's cost.

    Raises
    ------
    RoutingError
        If ``cost`` is not a square non-negative integer matrix or ``start`` is out of range.
    """
    from ortools.constraint_solver import pywrapcp

    matrix = _int_matrix(cost, "cost")
    n = matrix.shape[0]
    if not 0 <= start < n:
        raise RoutingError(f"start must be a node index in 0..{n - 1}, got {start}")
    if n <= 2:
        order = [start, *[i for i in range(n) if i != start]]
        return Tour(order, int(matrix[order, np.roll(order, -1)].sum()))
    # Guided local search on one tour depends much on where it starts: two half-length runs from
    # different first tours (cheapest arc and Christofides) beat one full-length run on TSPLIB.
    best: list[int] | None = None
    best_cost = 0
    for first_solution in ("PATH_CHEAPEST_ARC", "CHRISTOFIDES"):
        manager = pywrapcp.RoutingIndexManager(n, 1, start)
        routing = pywrapcp.RoutingModel(manager)
        transit = routing.RegisterTransitMatrix(matrix.tolist())
        routing.SetArcCostEvaluatorOfAllVehicles(transit)
        params = _search_parameters(time_limit_s / 2, first_solution)
        _single_tour_operators(params)
        solution = routing.SolveWithParameters(params)
        if solution is None:
            continue
        order = [start, *_routes_from_solution(routing, manager, solution, 1)[0]]
        idx = np.asarray(order)
        tour_cost = int(matrix[idx, np.roll(idx, -1)].sum())
        if best is None or tour_cost < best_cost:
            best, best_cost = order, tour_cost
    if best is None:
        raise RoutingError("no tour found within the time limit")
    return Tour(best, best_cost)


def _single_tour_operators(params: Any) -> None:
    """Keep only the moves that can change a single tour, so each search step is cheaper.

    Guided local search then makes more steps in the same time; the penalty weight is raised
    from its default 0.1, which on TSPLIB leaves the search stuck 1-3 % above the optimum.
    """
    from ortools.util import optional_boolean_pb2

    keep = {"use_relocate", "use_relocate_neighbors", "use_exchange", "use_two_opt"}
    keep |= {"use_or_opt", "use_lin_kernighan"}
    operators = params.local_search_operators
    for spec in operators.DESCRIPTOR.fields:
        value = (
            optional_boolean_pb2.BOOL_TRUE if spec.name in keep else optional_boolean_pb2.BOOL_FALSE
        )
        setattr(operators, spec.name, value)
    params.guided_local_search_lambda_coefficient = 0.4


def solve_cvrp(
    cost: ArrayLike,
    demands: ArrayLike,
    capacity: int,
    *,
    vehicles: int | None = None,
    depot: int = 0,
    time_limit_s: float = 1.0,
    seed: int = 0,
) -> VehicleRoutes:
    """Capacitated vehicle routing: least total cost routes from a depot, each within capacity.

    Parameters
    ----------
    cost : array_like of int, shape (n, n)
        Travel cost between nodes.
    demands : array_like of int, shape (n,)
        Load picked up at each node (the depot's entry is ignored).
    capacity : int
        Load limit of every vehicle.
    vehicles : int, optional
        Fleet size; unused vehicles cost nothing. Default: a quarter more than the load lower
        bound ``ceil(sum(demands) / capacity)``, doubled until a solution is found.
    depot : int, default 0
        Node every route starts and ends at.
    time_limit_s : float, default 1.0
        Wall time. Savings routes are the start; string-removal ruin-and-recreate rounds
        (:func:`planner.optimise.cvrp_search.string_removal_search`), as many as this limit
        allows on an unloaded machine, improve them. The search stops at the limit when the
        machine is slower.
    seed : int, default 0
        Seed of the rounds: the same seed gives the same routes unless the limit cut the
        rounds short.

    Returns
    -------
    VehicleRoutes

    Raises
    ------
    RoutingError
        On bad input (a demand above capacity, mismatched shapes) or when no solution is found.
    """
    matrix = _int_matrix(cost, "cost")
    n = matrix.shape[0]
    load = np.asarray(demands, dtype=np.int64).copy()
    if load.shape != (n,):
        raise RoutingError(f"demands must have one entry per node ({n}), got {load.shape}")
    if not 0 <= depot < n:
        raise RoutingError(f"depot must be a node index in 0..{n - 1}, got {depot}")
    load[depot] = 0
    if capacity <= 0 or np.any(load < 0) or np.any(load > capacity):
        raise RoutingError("capacity must be positive and every demand within 0..capacity")
    fleet = vehicles or max(1, math.ceil(1.25 * load.sum() / capacity))
    started = time.perf_counter()
    for size in [fleet] if vehicles else [fleet, 2 * fleet, n - 1]:
        # The savings routes are only a start: string-removal rounds rebuild them. Guided local
        # search from savings stalled 2-5 % above the optimum on Augerat's tight instances,
        # and ruin-and-recreate rounds polished by the routing library managed ~100 rounds
        # in 9 s; the rounds here are numpy and take about 0.3 ms each.
        # When savings cannot fit a tight fleet, the search starts from cheapest insertion
        # with overloaded routes and the overload penalty drives them within capacity.
        routes = _savings_routes(_Fleet(matrix, load, int(capacity), size, depot), time_limit_s)
        deadline = started + time_limit_s
        rounds = max(1, round(_CVRP_ROUNDS_PER_S * time_limit_s))
        improved = string_removal_search(
            matrix,
            load,
            int(capacity),
            size,
            depot,
            routes or [],
            iterations=rounds,
            seed=seed,
            deadline=deadline,
        )
        if improved is None:
            continue
        return VehicleRoutes(improved, _routes_cost(matrix, improved, depot))
    raise RoutingError(f"no solution with {fleet} vehicles of capacity {capacity}")


def _savings_routes(fleet: _Fleet, time_limit_s: float) -> list[list[int]] | None:
    """The routing library's savings routes serving every customer, or ``None``.

    Only the first solution is asked for, so the routes do not depend on the machine's speed.
    """
    manager, routing = fleet.model()
    params = _search_parameters(time_limit_s, "SAVINGS")
    params.solution_limit = 1
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    return _routes_from_solution(routing, manager, solution, fleet.vehicles)


@dataclass(frozen=True)
class _Fleet:
    """One vehicle routing instance: costs, loads, and optionally time windows."""

    cost: np.ndarray
    load: np.ndarray
    capacity: int
    vehicles: int
    depot: int
    travel_time: np.ndarray | None = None
    windows: np.ndarray | None = None
    service: np.ndarray | None = None
    fixed_cost: int = 0

    @property
    def timed(self) -> bool:
        return self.windows is not None and self.service is not None

    def model(self, optional: bool = False) -> tuple[Any, Any]:
        """The routing library's manager and model of this instance.

        ``optional`` makes every customer droppable at a cost above any route, so a search
        can start from routes that leave some customers out and put them back.
        """
        from ortools.constraint_solver import pywrapcp

        n = self.cost.shape[0]
        vehicles, depot = self.vehicles, self.depot
        manager = pywrapcp.RoutingIndexManager(n, vehicles, depot)
        routing = pywrapcp.RoutingModel(manager)
        arc = routing.RegisterTransitMatrix(self.cost.tolist())
        routing.SetArcCostEvaluatorOfAllVehicles(arc)
        demand = routing.RegisterUnaryTransitVector(self.load.tolist())
        routing.AddDimensionWithVehicleCapacity(
            demand, 0, [int(self.capacity)] * vehicles, True, "Load"
        )
        if self.windows is not None and self.service is not None:
            windows = self.windows
            assert self.travel_time is not None
            # Transit i -> j is the service at i plus the drive; waiting is slack.
            transit = self.travel_time + self.service[:, None]
            horizon = int(windows[depot, 1])
            time_cb = routing.RegisterTransitMatrix(transit.tolist())
            routing.AddDimension(time_cb, horizon, horizon, False, "Time")
            time_dim = routing.GetDimensionOrDie("Time")
            for node in range(n):
                if node == depot:
                    continue
                time_dim.CumulVar(manager.NodeToIndex(node)).SetRange(
                    int(windows[node, 0]), int(windows[node, 1])
                )
            for v in range(vehicles):
                time_dim.CumulVar(routing.Start(v)).SetRange(*map(int, windows[depot]))
                time_dim.CumulVar(routing.End(v)).SetRange(*map(int, windows[depot]))
        if self.fixed_cost:
            routing.SetFixedCostOfAllVehicles(int(self.fixed_cost))
        if optional:
            for node in range(n):
                if node != depot:
                    routing.AddDisjunction([manager.NodeToIndex(node)], _DROP_PENALTY)
        return manager, routing

    def result(self, routes: list[list[int]]) -> VehicleRoutes:
        served = {node for route in routes for node in route}
        n = self.cost.shape[0]
        unserved = [node for node in range(n) if node != self.depot and node not in served]
        return VehicleRoutes(routes, _routes_cost(self.cost, routes, self.depot), unserved)

    def objective(self, routes: list[list[int]]) -> int:
        used = sum(1 for route in routes if route)
        return _routes_cost(self.cost, routes, self.depot) + self.fixed_cost * used


def _ruin_and_recreate(
    fleet: _Fleet,
    initial: VehicleRoutes,
    time_limit_s: float,
    seed: int,
    removed_share: float = 0.25,
    acceptance: float = 0.03,
) -> VehicleRoutes:
    """Improve routes by removing a cluster of customers and re-inserting them.

    Each round removes a customer and its nearest neighbours (3 up to ``removed_share`` of
    all customers), puts them back by cheapest feasible insertion (capacity, and time windows
    when the instance has them), then runs the routing library's local search from there; a
    customer no vehicle has room for is left to that search, which may exchange it for others.
    A round's result becomes the working solution if it improves on it or is within a
    threshold of the best: ``acceptance`` (relative) at the start, shrinking linearly to 0 at
    the deadline, so the search first crosses ridges and ends in a descent (a fixed 1 %
    stalled 2-4 % above three Augerat optima). With time windows, half the rounds pick
    neighbours by cost plus the gap between the windows' openings, so customers served at
    about the same time and place leave together.
    """
    rng = np.random.default_rng(seed)
    deadline = time.perf_counter() + time_limit_s
    cost, depot, vehicles = fleet.cost, fleet.depot, fleet.vehicles
    n = cost.shape[0]
    customers = np.array([i for i in range(n) if i != depot])
    if customers.size < 3 or initial.unserved:
        return initial
    # Neighbours by cost, the depot left out.
    sub = cost[np.ix_(customers, customers)]
    relations = [customers[np.argsort(sub, axis=1, kind="stable")]]
    if fleet.windows is not None:
        ready = fleet.windows[customers, 0]
        related = sub + np.abs(ready[:, None] - ready[None, :])
        relations.append(customers[np.argsort(related, axis=1, kind="stable")])
    most = max(3, round(removed_share * customers.size))
    # Customers the insertion cannot place (a full fleet) are left out of the start; the
    # library's local search puts them back, exchanging them with others where needed.
    # A model without optional customers searches faster, so it serves the complete starts.
    models = [fleet.model(), fleet.model(optional=True)]
    params = _search_parameters(1.0)
    from ortools.constraint_solver import routing_enums_pb2
    from ortools.util import optional_boolean_pb2

    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.local_search_operators.use_extended_swap_active = optional_boolean_pb2.BOOL_TRUE
    for name in _SLOW_OPERATORS:
        setattr(params.local_search_operators, name, optional_boolean_pb2.BOOL_FALSE)
    for _, routing in models:
        routing.CloseModelWithParameters(params)
    best = current = initial
    best_obj = current_obj = fleet.objective(initial.routes)
    while True:
        left = deadline - time.perf_counter()
        if left < 0.05:
            break
        neighbours = relations[int(rng.integers(len(relations)))]
        seed_pos = int(rng.integers(customers.size))
        # Vary the ruin size: small ruins repair details, larger ones re-cut routes.
        removed = neighbours[seed_pos, : int(rng.integers(3, most + 1))]
        kept = set(removed.tolist())
        routes = [[c for c in route if c not in kept] for route in current.routes]
        routes += [[] for _ in range(vehicles - len(routes))]
        rebuilt = _cheapest_insertion(fleet, routes, removed, rng)
        params.time_limit.FromMilliseconds(max(1, int(min(left, 0.5) * 1000)))
        placed = sum(len(route) for route in rebuilt)
        manager, routing = models[int(placed < customers.size)]
        start = routing.ReadAssignmentFromRoutes([[int(c) for c in r] for r in rebuilt], True)
        if start is None:
            continue
        solution = routing.SolveFromAssignmentWithParameters(start, params)
        if solution is None:
            continue
        improved = fleet.result(_routes_from_solution(routing, manager, solution, vehicles))
        if improved.unserved:
            continue
        obj = fleet.objective(improved.routes)
        # Record-to-record travel with a shrinking record: wide early, pure descent at the end.
        threshold = acceptance * max(0.0, deadline - time.perf_counter()) / time_limit_s
        if obj < current_obj or obj <= best_obj * (1.0 + threshold):
            current, current_obj = improved, obj
        if obj < best_obj:
            best, best_obj = improved, obj
    return best


def _cheapest_insertion(
    fleet: _Fleet,
    routes: list[list[int]],
    removed: np.ndarray,
    rng: np.random.Generator,
) -> list[list[int]]:
    """Insert ``removed`` one by one (random order) at the cheapest feasible place.

    Feasible means within capacity and, with time windows, every visit of the route still
    starting within its window (checked with each route's earliest and latest service starts).
    A customer without a feasible place is left out.
    """
    cost, load, capacity, depot = fleet.cost, fleet.load, fleet.capacity, fleet.depot
    loads = [int(load[route].sum()) for route in routes]
    empty_tried = False
    for customer in rng.permutation(removed).tolist():
        best: tuple[int, int, int] | None = None
        empty_tried = False
        for k, route in enumerate(routes):
            if loads[k] + load[customer] > capacity:
                continue
            if not route:
                # Every empty vehicle is alike: try one.
                if empty_tried:
                    continue
                empty_tried = True
            before = np.array([depot, *route])
            after = np.array([*route, depot])
            extra = cost[before, customer] + cost[customer, after] - cost[before, after]
            if fleet.timed:
                extra = np.where(
                    _fits_in_time(fleet, route, customer), extra, np.iinfo(np.int64).max
                )
            pos = int(np.argmin(extra))
            if extra[pos] == np.iinfo(np.int64).max:
                continue
            if best is None or extra[pos] < best[0]:
                best = (int(extra[pos]), k, pos)
        if best is None:
            continue
        _, k, pos = best
        routes[k].insert(pos, customer)
        loads[k] += int(load[customer])
    return routes


def _fits_in_time(fleet: _Fleet, route: list[int], customer: int) -> np.ndarray:
    """For each gap of ``route`` (before the first visit ... after the last), whether
    ``customer`` can be served there with every visit still inside its window."""
    assert fleet.windows is not None and fleet.service is not None
    assert fleet.travel_time is not None
    tw, service, t, depot = fleet.windows, fleet.service, fleet.travel_time, fleet.depot
    path = [depot, *route, depot]
    m = len(path)
    earliest = np.empty(m, dtype=np.int64)
    latest = np.empty(m, dtype=np.int64)
    earliest[0] = tw[depot, 0]
    for i in range(1, m):
        prev, node = path[i - 1], path[i]
        earliest[i] = max(earliest[i - 1] + service[prev] + t[prev, node], tw[node, 0])
    latest[m - 1] = tw[depot, 1]
    for i in range(m - 2, -1, -1):
        node, nxt = path[i], path[i + 1]
        latest[i] = min(tw[node, 1], latest[i + 1] - service[node] - t[node, nxt])
    nodes = np.array(path)
    arrive = np.maximum(
        earliest[:-1] + service[nodes[:-1]] + t[nodes[:-1], customer], tw[customer, 0]
    )
    onward = np.maximum(arrive + service[customer] + t[customer, nodes[1:]], tw[nodes[1:], 0])
    return (arrive <= tw[customer, 1]) & (onward <= latest[1:])


def solve_vrptw(
    cost: ArrayLike,
    travel_time: ArrayLike,
    demands: ArrayLike,
    capacity: int,
    windows: ArrayLike,
    service_times: ArrayLike,
    *,
    vehicles: int,
    depot: int = 0,
    time_limit_s: float = 1.0,
    vehicle_fixed_cost: int = 0,
    seed: int = 0,
) -> VehicleRoutes:
    """Vehicle routing with capacity and time windows; least total cost (plus fixed costs).

    Parameters
    ----------
    cost : array_like of int, shape (n, n)
        Travel cost between nodes (the objective).
    travel_time : array_like of int, shape (n, n)
        Driving time between nodes, in the same unit as ``windows``.
    demands : array_like of int, shape (n,)
        Load of each node (the depot's entry is ignored).
    capacity : int
        Load limit of every vehicle.
    windows : array_like of int, shape (n, 2)
        ``(ready, due)`` per node: service starts within it. The depot's window bounds when
        vehicles leave and return.
    service_times : array_like of int, shape (n,)
        Time spent at each node.
    vehicles : int
        Fleet size; unused vehicles cost nothing beyond ``vehicle_fixed_cost``.
    depot : int, default 0
        Node every route starts and ends at.
    time_limit_s : float, default 1.0
        Wall time: a quarter for guided local search from parallel cheapest insertion, the
        rest for ruin-and-recreate rounds that re-insert customers within their windows.
    vehicle_fixed_cost : int, default 0
        Cost added per used vehicle; a large value makes fewer vehicles the first objective.
    seed : int, default 0
        Seed of the ruin-and-recreate rounds.

    Returns
    -------
    VehicleRoutes

    Raises
    ------
    RoutingError
        On bad input or when no feasible solution is found.
    """
    matrix = _int_matrix(cost, "cost")
    times = _int_matrix(travel_time, "travel_time")
    n = matrix.shape[0]
    if times.shape != matrix.shape:
        raise RoutingError(f"travel_time must have the shape of cost {matrix.shape}")
    load = np.asarray(demands, dtype=np.int64).copy()
    tw = np.asarray(windows, dtype=np.int64)
    service = np.asarray(service_times, dtype=np.int64)
    if load.shape != (n,) or service.shape != (n,) or tw.shape != (n, 2):
        raise RoutingError(f"demands, service_times and windows must have {n} rows")
    if np.any(tw[:, 0] > tw[:, 1]):
        bad = int(np.flatnonzero(tw[:, 0] > tw[:, 1])[0])
        raise RoutingError(f"windows[{bad}] opens after it closes: {tw[bad].tolist()}")
    load[depot] = 0
    started = time.perf_counter()
    result = _solve_vehicle_routing(
        matrix,
        times,
        load,
        capacity,
        tw,
        service,
        vehicles,
        depot,
        time_limit_s * _VRPTW_GLS_SHARE,
        vehicle_fixed_cost,
    )
    if result is None:
        raise RoutingError(f"no feasible solution with {vehicles} vehicles within the time limit")
    fleet = _Fleet(
        matrix, load, int(capacity), vehicles, depot, times, tw, service, int(vehicle_fixed_cost)
    )
    remaining = time_limit_s - (time.perf_counter() - started)
    return _ruin_and_recreate(fleet, result, remaining, seed)


def _solve_vehicle_routing(
    cost: np.ndarray,
    travel_time: np.ndarray,
    load: np.ndarray,
    capacity: int,
    windows: np.ndarray | None,
    service: np.ndarray | None,
    vehicles: int,
    depot: int,
    time_limit_s: float,
    vehicle_fixed_cost: int,
) -> VehicleRoutes | None:
    timed = windows is not None and service is not None
    fleet = _Fleet(
        cost,
        load,
        int(capacity),
        vehicles,
        depot,
        travel_time if timed else None,
        windows if timed else None,
        service if timed else None,
        vehicle_fixed_cost,
    )
    manager, routing = fleet.model()
    params = _search_parameters(time_limit_s, "PARALLEL_CHEAPEST_INSERTION" if timed else "SAVINGS")
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    return fleet.result(_routes_from_solution(routing, manager, solution, vehicles))


# --------------------------------------------------------------------------------------------
# The rep's day route


def plan_day_route(
    distance_km: ArrayLike,
    minutes: ArrayLike,
    stops: Sequence[RouteStop],
    day: RepDay | None = None,
    *,
    home: int = 0,
    time_limit_s: float = 0.5,
) -> DayRoute:
    """Order a rep's visits for one day: from home and back, within hours, windows and lunch.

    Parameters
    ----------
    distance_km, minutes : array_like, shape (n, n)
        Road distance and driving time between the places (see
        :func:`planner.optimise.travel.travel_matrices`); ``home`` is the rep's row.
    stops : sequence of RouteStop
        The visits to place; each names its row in the matrices.
    day : RepDay, optional
        Working hours, lunch, longest day and weekday (default: 08:00-18:00, 9 h, 30 min lunch
        between 11:30 and 13:30, Monday).
    home : int, default 0
        Row of the rep's home in the matrices.
    time_limit_s : float, default 0.5
        Wall time for guided local search.

    Returns
    -------
    DayRoute
        Visits in order with their times; every other stop is in ``unplaced`` with a reason
        (closed that weekday, a window the rep cannot reach, or no room left in the day).

    Raises
    ------
    RoutingError
        If the matrices are not square and alike, or a stop names a row out of range.
    """
    day = day or RepDay()
    day.validate()
    km = np.asarray(distance_km, dtype=float)
    mins = np.asarray(minutes, dtype=float)
    n = km.shape[0] if km.ndim == 2 else 0
    if km.ndim != 2 or km.shape != (n, n) or mins.shape != km.shape:
        raise RoutingError(f"distance_km and minutes must be alike square matrices, got {km.shape}")
    if not 0 <= home < n:
        raise RoutingError(f"home must be a row in 0..{n - 1}, got {home}")
    for i, stop in enumerate(stops):
        if not 0 <= stop.node < n:
            raise RoutingError(f"stops[{i}].node {stop.node} is not a row of the matrices")
        if stop.service_minutes < 0:
            raise RoutingError(f"stops[{i}].service_minutes must be >= 0")
        if stop.window is not None and stop.window[0] > stop.window[1]:
            raise RoutingError(f"stops[{i}].window opens after it closes: {stop.window}")

    unplaced: dict[int, str] = {}
    candidates: list[int] = []
    for i, stop in enumerate(stops):
        reason = stop_conflict(stop, day, km, mins, home)
        if reason:
            unplaced[i] = reason
        else:
            candidates.append(i)
    if candidates:
        order, times, lunch = _route_candidates(
            km, mins, [stops[i] for i in candidates], day, home, time_limit_s
        )
        visited = [candidates[k] for k in order]
    else:
        visited, times, lunch = [], [], None
    for i in candidates:
        if i not in visited:
            unplaced[i] = (
                f"no room in the day: {len(visited)} other visits fill the hours "
                f"{format_clock(day.start)}-{format_clock(day.end)} "
                f"(at most {day.max_minutes / 60:g} h a day)"
            )
    return _schedule(km, mins, stops, visited, times, lunch, day, home, unplaced)


def stop_conflict(
    stop: RouteStop, day: RepDay, km: np.ndarray, mins: np.ndarray, home: int = 0
) -> str | None:
    """Why a stop cannot be visited on ``day`` whatever the other stops, or ``None``.

    Parameters
    ----------
    stop : RouteStop
    day : RepDay
    km, mins : ndarray
        Distance and time matrices (``km`` is unused today; kept for distance limits).
    home : int, default 0
        Row of the rep's home.

    Returns
    -------
    str or None
        The reason: closed that weekday, a visit longer than the day, or a window that closes
        before the rep can arrive / opens too late to be home in time.
    """
    if day.weekday in stop.closed_weekdays:
        return f"closed on {WEEKDAY_NAMES[day.weekday]}s"
    out = float(mins[home, stop.node])
    back = float(mins[stop.node, home])
    earliest = day.start + out
    latest_start = min(day.end, day.start + day.max_minutes) - back - stop.service_minutes
    if out + stop.service_minutes + back > min(day.max_minutes, day.end - day.start):
        return (
            f"the visit ({stop.service_minutes:g} min) and the drive from home and back "
            f"({out + back:.0f} min) do not fit in a working day"
        )
    if stop.window is not None:
        open_, close = stop.window
        text = f"time window {format_clock(open_)}-{format_clock(close)}"
        if close < earliest:
            return (
                f"{text} closes before the rep can arrive "
                f"(earliest {format_clock(earliest)}, leaving home at {format_clock(day.start)})"
            )
        if open_ > latest_start:
            return (
                f"{text} opens too late to finish the visit and be home by "
                f"{format_clock(min(day.end, day.start + day.max_minutes))}"
            )
    return None


def _route_candidates(
    km: np.ndarray,
    mins: np.ndarray,
    stops: list[RouteStop],
    day: RepDay,
    home: int,
    time_limit_s: float,
) -> tuple[list[int], list[int], int | None]:
    """Solve the day: order (positions in ``stops``), service starts (s), lunch start (s)."""
    from ortools.constraint_solver import pywrapcp

    nodes = [home, *(s.node for s in stops)]
    sub = np.ix_(nodes, nodes)
    metres = np.rint(km[sub] * 1000.0).astype(np.int64)
    drive = np.rint(mins[sub] * 60.0).astype(np.int64)
    service = np.array([0, *(round(s.service_minutes * 60.0) for s in stops)], dtype=np.int64)
    count = len(nodes)
    manager = pywrapcp.RoutingIndexManager(count, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitMatrix(metres.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    transit = routing.RegisterTransitMatrix((drive + service[:, None]).tolist())
    day_end = 24 * 3600
    routing.AddDimension(transit, day_end, day_end, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    start_s, end_s = day.start * 60, min(day.end, day.start + day.max_minutes) * 60
    for k, stop in enumerate(stops, start=1):
        low, high = start_s, end_s - int(service[k])
        if stop.window is not None:
            low, high = max(low, stop.window[0] * 60), min(high, stop.window[1] * 60)
        index = manager.NodeToIndex(k)
        time_dim.CumulVar(index).SetRange(int(low), int(max(low, high)))
        routing.AddDisjunction([index], _DROP_PENALTY)
    time_dim.CumulVar(routing.Start(0)).SetRange(start_s, end_s)
    time_dim.CumulVar(routing.End(0)).SetRange(start_s, end_s)
    time_dim.SetSpanUpperBoundForVehicle(day.max_minutes * 60, 0)
    solver = routing.solver()
    lunch_var = None
    if day.lunch_minutes > 0:
        lunch_var = solver.FixedDurationIntervalVar(
            day.lunch_earliest * 60, day.lunch_latest * 60, day.lunch_minutes * 60, False, "lunch"
        )
        time_dim.SetBreakIntervalsOfVehicle([lunch_var], 0, service.tolist())
    # Leave as late and return as early as the route allows: no idle time at either end.
    # The finalizers alone left idle hours inside the day when a lunch break is modelled (the
    # last visit waited until the day's end), so the span also costs a little: one metre per
    # second, well below the 17 m a second of driving at 60 km/h, so distance still leads.
    time_dim.SetSpanCostCoefficientForVehicle(1, 0)
    routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(0)))
    routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(0)))
    # The first solution is built without the search's time limit: when the limit ran out
    # while it was being built (0.05 s for a dozen stops, or a busy machine), the library
    # answered with every stop dropped, and each was reported as "no room in the day". Guided
    # local search then improves it for whatever remains of the limit.
    started = time.perf_counter()
    first_params = _search_parameters(FIRST_SOLUTION_LIMIT_S, "PATH_CHEAPEST_ARC")
    first_params.solution_limit = 1
    solution = routing.SolveWithParameters(first_params)
    if solution is None:
        return [], [], None
    remaining = time_limit_s - (time.perf_counter() - started)
    if remaining > 0.005:
        improved = routing.SolveFromAssignmentWithParameters(
            solution, _search_parameters(remaining, "PATH_CHEAPEST_ARC")
        )
        if improved is not None:
            solution = improved
    order: list[int] = []
    times: list[int] = []
    index = routing.Start(0)
    times.append(solution.Value(time_dim.CumulVar(index)))
    index = solution.Value(routing.NextVar(index))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index) - 1)
        times.append(solution.Value(time_dim.CumulVar(index)))
        index = solution.Value(routing.NextVar(index))
    times.append(solution.Value(time_dim.CumulVar(index)))
    lunch = None
    if lunch_var is not None:
        container = solution.IntervalVarContainer()
        for k in range(container.Size()):
            element = container.Element(k)
            if element.Var().Name() == "lunch" and element.PerformedValue():
                lunch = int(element.StartValue())
    return order, times, lunch


def _schedule(
    km: np.ndarray,
    mins: np.ndarray,
    stops: Sequence[RouteStop],
    visited: list[int],
    times: list[int],
    lunch_s: int | None,
    day: RepDay,
    home: int,
    unplaced: dict[int, str],
) -> DayRoute:
    """Times of the solved route in minutes, with legs, waits and totals."""
    missing = [UnplacedStop(i, unplaced[i]) for i in range(len(stops)) if i not in set(visited)]
    if not visited:
        return DayRoute([], missing, day.start, day.start, None, 0.0, 0.0, 0.0, 0.0, 0.0)
    nodes = [home, *(stops[i].node for i in visited), home]
    legs_km = km[nodes[:-1], nodes[1:]]
    legs_min = mins[nodes[:-1], nodes[1:]]
    starts = np.asarray(times, dtype=float) / 60.0
    leave, back = starts[0], starts[-1]
    lunch = None if lunch_s is None else lunch_s / 60.0
    lunch_taken = lunch is not None and leave <= lunch < back
    scheduled = []
    ready = leave
    for k, i in enumerate(visited):
        arrival = float(starts[k + 1])
        reach = ready + float(legs_min[k])
        idle = arrival - reach
        if lunch_taken and lunch is not None and ready <= lunch < arrival:
            idle -= day.lunch_minutes
        departure = arrival + stops[i].service_minutes
        scheduled.append(
            ScheduledStop(
                stop=i,
                node=stops[i].node,
                arrival=arrival,
                departure=departure,
                drive_minutes=float(legs_min[k]),
                distance_km=float(legs_km[k]),
                wait_minutes=max(0.0, idle),
            )
        )
        ready = departure
    return DayRoute(
        stops=scheduled,
        unplaced=missing,
        leave_home=float(leave),
        return_home=float(back),
        lunch_start=lunch if lunch_taken else None,
        return_drive_minutes=float(legs_min[-1]),
        return_distance_km=float(legs_km[-1]),
        distance_km=float(legs_km.sum()),
        drive_minutes=float(legs_min.sum()),
        visit_minutes=float(sum(stops[i].service_minutes for i in visited)),
        lunch_minutes=float(day.lunch_minutes) if lunch_taken else 0.0,
    )
