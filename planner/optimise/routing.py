"""A rep's working day on the routing engine: hours, lunch, windows, and the day's schedule.

:mod:`planner.optimise.vrp_engine` orders the visits; this module says what a working day is
(:class:`RepDay`), turns a day into the engine's shift and a visit into its time windows, and
turns the engine's order back into a timed day (:func:`schedule_day`) with the lunch break
placed. :func:`plan_day_route` plans one day; :mod:`planner.optimise.callcycle` plans a whole
horizon of days as one problem with the same pieces.

PyVRP has no break intervals, so lunch is reserved rather than modelled: a day's shift ends
``lunch_minutes`` earlier and lasts ``lunch_minutes`` less, and a window closing after the
earliest lunch start closes ``lunch_minutes`` earlier (never before it opens or before the
earliest lunch start). :func:`schedule_day` then puts the break at the first moment on or after
``lunch_earliest`` between two visits, or before a visit that would otherwise run past
``lunch_latest``; what that reservation guarantees is re-checked and a stop that still breaks
a window or the day's end is reported, never kept silently. A stop the day cannot fit is
returned in :attr:`DayRoute.unplaced` with a reason a planner can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from planner.optimise.vrp_engine import Job, Shift, WorkLimit, solve_shifts

__all__ = [
    "DAY_SECONDS",
    "DayRoute",
    "RepDay",
    "RouteStop",
    "RoutingError",
    "ScheduledStop",
    "UnplacedStop",
    "day_shift",
    "format_clock",
    "plan_day_route",
    "schedule_day",
    "stop_conflict",
    "stop_window",
    "visit_prize",
]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Seconds in a calendar day: day ``d`` of a horizon starts at ``d * DAY_SECONDS``.
DAY_SECONDS = 24 * 3600
#: Default search for one day: a day has at most a few dozen visits.
DAY_LIMIT = WorkLimit(iterations=2_000, no_improvement=500, max_seconds=30.0)


class RoutingError(ValueError):
    """Bad routing input (the message names the argument), or no feasible route was found."""


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
# The day as the engine sees it


def day_shift(day: RepDay, base_s: int = 0) -> Shift:
    """The engine's shift for ``day`` starting at ``base_s`` seconds (midnight of that day).

    Lunch is reserved: the shift ends and lasts ``lunch_minutes`` less than the day.
    """
    lunch = day.lunch_minutes
    end = min(day.end, day.start + day.max_minutes)
    return Shift(
        early=base_s + day.start * 60,
        late=base_s + (end - lunch) * 60,
        max_duration=(day.max_minutes - lunch) * 60,
    )


def stop_window(stop: RouteStop, day: RepDay, base_s: int = 0) -> tuple[int, int]:
    """When the visit may start on ``day`` (seconds on the horizon's time line).

    The stop's window within the day's hours; a window closing after the earliest lunch start
    closes ``lunch_minutes`` earlier (but not before it opens or before the earliest lunch
    start), so placing the break later never makes the visit late.
    """
    open_, close = stop.window if stop.window is not None else (day.start, day.end)
    low = max(open_, day.start)
    high = min(close, day.end)
    if day.lunch_minutes and high > day.lunch_earliest:
        high = max(low, day.lunch_earliest, high - day.lunch_minutes)
    return base_s + low * 60, base_s + max(low, high) * 60


def visit_prize(metres: np.ndarray, seconds: np.ndarray, longest_shift_s: int) -> int:
    """What leaving a visit out costs: more than fitting any one visit into any route can."""
    return int(2 * metres.max() + 2 * seconds.max() + longest_shift_s + 1)


def engine_matrices(km: np.ndarray, mins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres and seconds, rounded to integers, for the engine."""
    return np.rint(km * 1000.0).astype(np.int64), np.rint(mins * 60.0).astype(np.int64)


def plan_day_route(
    distance_km: ArrayLike,
    minutes: ArrayLike,
    stops: Sequence[RouteStop],
    day: RepDay | None = None,
    *,
    home: int = 0,
    limit: WorkLimit | None = None,
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
    limit : WorkLimit, optional
        The engine's work limit (default :data:`DAY_LIMIT`); the same seed, the same route.

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
    order: list[int] = []
    leave = float(day.start)
    if candidates:
        metres, seconds = engine_matrices(km, mins)
        shift = day_shift(day)
        prize = visit_prize(metres, seconds, shift.max_duration)
        jobs = [
            Job(
                stops[i].node,
                round(stops[i].service_minutes * 60.0),
                (stop_window(stops[i], day),),
                prize,
            )
            for i in candidates
        ]
        plan = solve_shifts(metres, seconds, [shift], jobs, home=home, limit=limit or DAY_LIMIT)
        order = [candidates[v.job] for v in plan.routes[0]]
        if plan.leave[0] is not None:
            leave = plan.leave[0] / 60.0
    for i in candidates:
        if i not in order:
            unplaced[i] = no_room_reason(day, len(order))
    return schedule_day(km, mins, stops, order, day, leave, home=home, unplaced=unplaced)


def no_room_reason(day: RepDay, others: int) -> str:
    return (
        f"no room in the day: {others} other visits fill the hours "
        f"{format_clock(day.start)}-{format_clock(day.end)} "
        f"(at most {day.max_minutes / 60:g} h a day)"
    )


def _timeline(
    mins: np.ndarray,
    stops: Sequence[RouteStop],
    order: list[int],
    day: RepDay,
    leave: float,
    home: int,
) -> tuple[list[float], float | None, float]:
    """Visit starts, lunch start (or ``None``) and the return home, driving as early as allowed."""
    nodes = [home, *(stops[i].node for i in order), home]
    legs = mins[nodes[:-1], nodes[1:]]
    lunch: float | None = None
    need_lunch = day.lunch_minutes > 0
    t = leave
    starts = []
    for k, i in enumerate(order):
        stop = stops[i]
        opens = stop.window[0] if stop.window is not None else day.start
        if need_lunch and lunch is None:
            arrive = max(t + float(legs[k]), opens)
            if t >= day.lunch_earliest or arrive + stop.service_minutes > day.lunch_latest:
                lunch = max(t, float(day.lunch_earliest))
                t = lunch + day.lunch_minutes
        start = max(t + float(legs[k]), float(opens))
        starts.append(start)
        t = start + stop.service_minutes
    back = t + float(legs[-1])
    if need_lunch and lunch is None and back > day.lunch_earliest and order:
        lunch = max(t, float(day.lunch_earliest))
        back = lunch + day.lunch_minutes + float(legs[-1])
    return starts, lunch, back


def _first_violation(
    stops: Sequence[RouteStop],
    order: list[int],
    day: RepDay,
    leave: float,
    starts: list[float],
    back: float,
) -> int | None:
    """Position in ``order`` of the first stop that breaks its window or the day, else ``None``."""
    eps = 1e-6
    for k, i in enumerate(order):
        window = stops[i].window
        if window is not None and starts[k] > window[1] + eps:
            return k
    if back > day.end + eps or back - leave > day.max_minutes + eps:
        return len(order) - 1
    return None


def schedule_day(
    km: np.ndarray,
    mins: np.ndarray,
    stops: Sequence[RouteStop],
    order: list[int],
    day: RepDay,
    leave: float,
    *,
    home: int = 0,
    unplaced: dict[int, str] | None = None,
) -> DayRoute:
    """Times of the visits in ``order`` (positions in ``stops``), leaving home at ``leave``.

    Lunch goes in at the first moment between two visits on or after ``lunch_earliest``, or
    earlier (from ``lunch_earliest``) when the next visit would end after ``lunch_latest``; a
    day back home before ``lunch_earliest`` has none. A stop that then starts after its window
    closes, or keeps the rep out past the day's end or longest day, is taken out and reported.
    """
    unplaced = dict(unplaced or {})
    order = list(order)
    while True:
        starts, lunch, back = _timeline(mins, stops, order, day, leave, home)
        bad = _first_violation(stops, order, day, leave, starts, back)
        if bad is None:
            break
        unplaced[order.pop(bad)] = (
            "no room in the day once the lunch break is placed: the visit would start after "
            "its window closes or keep the rep out past the end of the day"
        )
    missing = [UnplacedStop(i, reason) for i, reason in sorted(unplaced.items())]
    if not order:
        return DayRoute([], missing, day.start, day.start, None, 0.0, 0.0, 0.0, 0.0, 0.0)
    nodes = [home, *(stops[i].node for i in order), home]
    legs_km = km[nodes[:-1], nodes[1:]]
    legs_min = mins[nodes[:-1], nodes[1:]]
    scheduled = []
    ready = leave
    for k, i in enumerate(order):
        arrival = starts[k]
        idle = arrival - ready - float(legs_min[k])
        if lunch is not None and ready <= lunch < arrival:
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
        lunch_start=lunch,
        return_drive_minutes=float(legs_min[-1]),
        return_distance_km=float(legs_km[-1]),
        distance_km=float(legs_km.sum()),
        drive_minutes=float(legs_min.sum()),
        visit_minutes=float(sum(stops[i].service_minutes for i in order)),
        lunch_minutes=float(day.lunch_minutes) if lunch is not None else 0.0,
    )


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
