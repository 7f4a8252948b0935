"""Call cycles: which day a rep visits each account over a horizon of weeks, and the day routes.

The planner turns each account's visits per year into visits due in the horizon. Accounts due
more than once get visit days spaced evenly (within a stated slack, measured on the calendar
and across the repeat of the cycle), chosen so each day's workload is even and its accounts
close together. Then the whole horizon is one routing problem
(:func:`planner.optimise.vrp_engine.solve_shifts`): one vehicle per working day with that day's
shift, those spaced visits pinned to their days, every other due visit free to fall on any
working day its account is open, and every visit optional with a prize larger than any detour,
so the engine places as many visits as fit and chooses days and routes together. A visit that
cannot be placed is reported with its reason; none is dropped silently.

:func:`plan_call_cycle` is a pure function taking a
:class:`~planner.models.progress.TaskState`: it reports progress, and on cancel returns the
days routed so far with the rest reported as not routed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from planner.models.progress import TaskState
from planner.optimise.routing import (
    DAY_SECONDS,
    WEEKDAY_NAMES,
    DayRoute,
    RepDay,
    RouteStop,
    day_shift,
    engine_matrices,
    format_clock,
    schedule_day,
    stop_conflict,
    stop_window,
    visit_prize,
)
from planner.optimise.travel import TravelMatrices, TravelSettings, travel_matrices
from planner.optimise.vrp_engine import (
    Job,
    Shift,
    ShiftPlan,
    ShiftVisit,
    WorkLimit,
    solve_shifts,
)

__all__ = [
    "IRS_2024_RATE_PER_MILE",
    "CallAccount",
    "CallCyclePlan",
    "CallCycleSettings",
    "CycleDay",
    "CycleStop",
    "CycleTotals",
    "RepSchedule",
    "UnplacedVisit",
    "plan_call_cycle",
    "visits_in_horizon",
]

#: IRS standard business mileage rate for 2024, US dollars per mile.
IRS_2024_RATE_PER_MILE = 0.67
KM_PER_MILE = 1.609344
# Golden-ratio phases spread accounts due less than once a horizon evenly over the cycles.
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class CallAccount:
    """An account to visit.

    Attributes
    ----------
    lon, lat : float
        WGS84 degrees.
    visits_per_year : float
    visit_minutes : float
    window : tuple of int, optional
        ``(open, close)`` minutes after midnight: visits start within it (every day).
    closed_weekdays : frozenset of int
        Weekdays (0 = Monday) the account cannot be visited.
    """

    lon: float
    lat: float
    visits_per_year: float
    visit_minutes: float
    window: tuple[int, int] | None = None
    closed_weekdays: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RepSchedule:
    """The rep: home, working weekdays, the working day (hours, lunch, longest day), days off.

    ``day.weekday`` is ignored: each planned day sets its own. ``days_off`` are dates the rep
    does not work although they fall on a working weekday (public holidays, leave); no visit
    is booked on them. They need :attr:`CallCycleSettings.start_date` to place them.
    """

    home_lon: float
    home_lat: float
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    day: RepDay = field(default_factory=RepDay)
    days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class CallCycleSettings:
    """How the cycle is planned.

    Attributes
    ----------
    weeks : int, default 4
        Horizon length; the cycle is meant to repeat.
    spacing_slack_days : int, default 2
        Allowed difference, in calendar days, between the gap of two consecutive visits to an
        account (including the gap across the repeat of the cycle) and the even gap
        ``7 * weeks / visits``.
    cycle_index : int, default 0
        Which repeat of the horizon within the year is planned; accounts due less than once a
        horizon are due in some repeats only.
    mileage_rate_per_mile : float, default 0.67
        Reimbursement per mile (IRS 2024 business rate).
    travel : TravelSettings
        Offline travel estimate, used when no matrices are given.
    iterations : int, default 1500
        Search iterations for the horizon at most (the deterministic work limit; five per
        due visit, at least 500, fewer when the search stops improving, see
        :func:`horizon_limit`).
    iterations_per_visit : int, default 5
        Search iterations per due visit of the horizon (at least :data:`MIN_ITERATIONS`).
    max_seconds : float, default 120
        Wall-clock safety cap on the search; meant never to bind.
    balance_weight : float, default 1.0
        Weight of even daily workload against compact days.
    start_date : datetime.date, optional
        Monday of the first week; gives each day its date.
    seed : int, default 0
    method : {"horizon", "daily"}, default "horizon"
        ``"horizon"``: every working day in one engine problem (visits due once go to whichever
        day fits best). ``"daily"``: the call cycle chooses every visit's day first and each day
        is routed on its own, as before the engine planned the horizon; kept to compare.
    """

    weeks: int = 4
    spacing_slack_days: int = 2
    cycle_index: int = 0
    mileage_rate_per_mile: float = IRS_2024_RATE_PER_MILE
    travel: TravelSettings = field(default_factory=TravelSettings)
    iterations: int = 1_500
    iterations_per_visit: int = 5
    max_seconds: float = 120.0
    balance_weight: float = 1.0
    start_date: date | None = None
    seed: int = 0
    method: str = "horizon"


@dataclass(frozen=True)
class CycleStop:
    """One visit in a planned day. Times are minutes after midnight.

    ``visit`` counts the account's visits in the horizon from 0; ``drive_minutes`` and
    ``distance_km`` are the leg from the previous stop (or home).
    """

    account: int
    visit: int
    arrival: float
    departure: float
    drive_minutes: float
    distance_km: float
    wait_minutes: float


@dataclass(frozen=True)
class CycleDay:
    """A planned working day.

    ``offset`` is the calendar day from the start of the horizon (week * 7 + weekday);
    ``distance_km`` and ``drive_minutes`` include the drive back home.
    """

    index: int
    week: int
    weekday: int
    offset: int
    date: date | None
    stops: list[CycleStop]
    leave_home: float
    return_home: float
    lunch_start: float | None
    return_drive_minutes: float
    return_distance_km: float
    distance_km: float
    drive_minutes: float
    visit_minutes: float
    working_minutes: float


@dataclass(frozen=True)
class UnplacedVisit:
    """Due visits of one account that are not in the plan, and why.

    ``visits`` is how many of the account's due visits this reason covers.
    """

    account: int
    visits: int
    reason: str


@dataclass(frozen=True)
class CycleTotals:
    """The rep's totals over the horizon.

    ``utilisation`` is (visit + drive hours) / ``capacity_hours``, where capacity is every
    working day's hours less lunch.
    """

    distance_km: float
    drive_hours: float
    visit_hours: float
    visits: int
    capacity_hours: float
    utilisation: float
    miles: float
    mileage_rate: float
    mileage_reimbursement: float


@dataclass(frozen=True)
class CallCyclePlan:
    """The result of :func:`plan_call_cycle`.

    Attributes
    ----------
    days : list of CycleDay
        Every working day of the horizon (routed so far, if cancelled); days off are not
        working days.
    totals : CycleTotals
    unplaced : list of UnplacedVisit
        Due visits not in any day, with reasons.
    visits_due : ndarray of int
        Visits due per account in this horizon.
    not_due : list of int
        Accounts with visits per year but none due in this repeat of the cycle.
    spacing_slack_days : int
        The slack the spacing was planned with.
    cancelled : bool
    days_off : list of datetime.date
        The rep's days off that fell on a working weekday of the horizon, in date order.
    """

    days: list[CycleDay]
    totals: CycleTotals
    unplaced: list[UnplacedVisit]
    visits_due: np.ndarray
    not_due: list[int]
    spacing_slack_days: int
    cancelled: bool = False
    days_off: list[date] = field(default_factory=list)


def visits_in_horizon(
    visits_per_year: np.ndarray | Sequence[float], weeks: int, cycle_index: int = 0
) -> np.ndarray:
    """Visits due per account in one horizon of ``weeks`` weeks.

    Over a year of consecutive horizons the counts add up to the yearly visits. An account due
    ``e = visits_per_year * weeks / 52`` times per horizon gets
    ``floor(e * (h + 1) + phase) - floor(e * h + phase)`` visits in horizon ``h``, with a
    per-account phase (golden-ratio sequence) so that, say, quarterly accounts in a four-week
    cycle are spread over the three repeats instead of all falling in the same one.

    Parameters
    ----------
    visits_per_year : array_like of float
    weeks : int
    cycle_index : int, default 0

    Returns
    -------
    ndarray of int
    """
    rate = np.asarray(visits_per_year, dtype=float) * weeks / 52.0
    if np.any(~np.isfinite(rate)) or np.any(rate < 0):
        raise ValueError("visits_per_year must be finite and >= 0")
    phase = np.mod((np.arange(rate.size) + 1) * _GOLDEN, 1.0)
    # The small epsilon keeps exact integers (12 a year over 52/12 weeks) from flickering.
    due = np.floor(rate * (cycle_index + 1) + phase + 1e-9) - np.floor(
        rate * cycle_index + phase + 1e-9
    )
    return due.astype(np.int64)


# --------------------------------------------------------------------------------------------


def plan_call_cycle(
    accounts: Sequence[CallAccount],
    rep: RepSchedule,
    settings: CallCycleSettings | None = None,
    state: TaskState | None = None,
    travel: TravelMatrices | None = None,
) -> CallCyclePlan:
    """Plan a rep's call cycle: visit days for every account, then each day's route.

    Parameters
    ----------
    accounts : sequence of CallAccount
    rep : RepSchedule
    settings : CallCycleSettings, optional
    state : TaskState, optional
        Progress and cancel. On cancel the days routed so far are returned and the remaining
        visits are listed as unplaced ("planning was cancelled").
    travel : TravelMatrices, optional
        Distances and times with the rep's home as row 0 and account ``i`` as row ``i + 1``
        (for example from an OSRM server); default the offline estimate.

    Returns
    -------
    CallCyclePlan

    Raises
    ------
    ValueError
        On bad settings, a ``travel`` matrix of the wrong size, or days off without a
        ``start_date``.
    """
    settings = settings or CallCycleSettings()
    state = state or TaskState()
    if settings.weeks < 1:
        raise ValueError(f"weeks must be >= 1, got {settings.weeks}")
    if settings.spacing_slack_days < 0:
        raise ValueError("spacing_slack_days must be >= 0")
    weekdays = tuple(sorted(set(rep.working_weekdays)))
    if not weekdays or not all(0 <= d <= 6 for d in weekdays):
        raise ValueError(f"working_weekdays must be weekdays 0..6, got {rep.working_weekdays}")
    rep.day.validate()
    if rep.days_off and settings.start_date is None:
        raise ValueError("days_off need settings.start_date to place them in the horizon")
    n = len(accounts)
    lon = np.array([rep.home_lon, *(a.lon for a in accounts)], dtype=float)
    lat = np.array([rep.home_lat, *(a.lat for a in accounts)], dtype=float)
    if travel is None:
        travel = travel_matrices(lon, lat, settings.travel)
    elif travel.distance_km.shape != (n + 1, n + 1):
        raise ValueError(f"travel matrices must be {(n + 1, n + 1)}: home then each account")
    state.report(0.0, "Choosing visit days")

    offsets = np.array([7 * w + d for w in range(settings.weeks) for d in weekdays])
    days_off: list[date] = []
    if rep.days_off and settings.start_date is not None:
        # Days off are simply not working days: spacing is still measured on the calendar,
        # so a visit due on a holiday moves to a neighbouring day within the slack.
        start = settings.start_date
        when = [start + timedelta(days=int(o)) for o in offsets]
        working = np.array([d not in rep.days_off for d in when], dtype=bool)
        days_off = [d for d, ok in zip(when, working, strict=True) if not ok]
        offsets = offsets[working]
    day_weekday = offsets % 7
    due = visits_in_horizon(
        [a.visits_per_year for a in accounts], settings.weeks, settings.cycle_index
    )
    not_due = [i for i in range(n) if due[i] == 0 and accounts[i].visits_per_year > 0]
    unplaced: list[UnplacedVisit] = []
    patterns: dict[int, np.ndarray] = {}
    horizon_days = 7 * settings.weeks
    for i, account in enumerate(accounts):
        k = int(due[i])
        if k == 0:
            continue
        reason = _account_conflict(account, rep.day, travel, i + 1)
        open_days = np.flatnonzero(~np.isin(day_weekday, list(account.closed_weekdays)))
        if reason is None and offsets.size == 0:
            reason = "no working day in the horizon: every day is a day off"
        elif reason is None and open_days.size == 0:
            reason = "closed every working day"
        if reason is not None:
            unplaced.append(UnplacedVisit(i, k, reason))
            continue
        if k > open_days.size:
            unplaced.append(
                UnplacedVisit(
                    i,
                    k - open_days.size,
                    f"{k} visits due but open on only {open_days.size} working days",
                )
            )
            k = open_days.size
        options = _patterns(offsets, open_days, k, horizon_days, settings.spacing_slack_days)
        if options.size == 0:
            gap = horizon_days / k
            unplaced.append(
                UnplacedVisit(
                    i,
                    k,
                    f"no {k} open working days spaced {gap:.1f}±{settings.spacing_slack_days} "
                    "days apart",
                )
            )
            continue
        patterns[i] = options

    if settings.method not in ("horizon", "daily"):
        raise ValueError(f"method must be 'horizon' or 'daily', got {settings.method!r}")
    pinned = (
        patterns
        if settings.method == "daily"
        else {i: p for i, p in patterns.items() if p.shape[1] > 1}
    )
    chosen = _choose_days(accounts, pinned, offsets, rep, settings, travel, lon, lat)
    if state.is_cancelled():
        plan = _cancelled_plan(accounts, patterns, due, not_due, unplaced, settings, rep, offsets)
        return replace(plan, days_off=days_off)
    state.report(0.1, f"Routing {offsets.size} days as one problem")
    routes, day_visits, dropped, cancelled = _route_horizon(
        accounts, patterns, chosen, rep, offsets, travel, settings, state
    )
    if cancelled:
        plan = _cancelled_plan(accounts, patterns, due, not_due, unplaced, settings, rep, offsets)
        return replace(plan, days_off=days_off)
    unplaced.extend(dropped)
    plan = _assemble(
        routes, day_visits, accounts, due, not_due, unplaced, settings, rep, offsets, False
    )
    state.report(1.0, "Routed")
    return replace(plan, days_off=days_off)


#: The fewest engine iterations a horizon gets (see :func:`horizon_limit`).
MIN_ITERATIONS = 500
#: Nearest visits each of the engine's moves looks at (PyVRP's default is 50).
HORIZON_NEIGHBOURS = 20


def horizon_limit(settings: CallCycleSettings, visits: int) -> WorkLimit:
    """The engine's work limit for a horizon of ``visits`` due visits.

    ``settings.iterations_per_visit`` iterations per visit (at least :data:`MIN_ITERATIONS`, at
    most ``settings.iterations``), and the search stops after half of them bring no better
    plan. Both are counted, so a seed gives the same plan on any load. Each move looks at the
    :data:`HORIZON_NEIGHBOURS` nearest visits.

    Measured on five reps of the demo plan (rows 0, 2, 5, 9, 14; 561 due visits, 58 left
    out in every setting below), CPU seconds and drive hours: 1,500 iterations with 30
    neighbours (the former setting) 12.1 s, 402.8 h; 800 with 30: 6.4 s, 406.9 h; 800 with
    20: 4.6 s, 404.0 h; 500 with 20: 3.1 s, 404.5 h. Below that plans get worse: 300 with 20
    leave 59 out and drive 406.4 h; 500 with 15, 61 and 412.2 h.
    """
    per_visit = settings.iterations_per_visit * visits
    iterations = min(settings.iterations, max(MIN_ITERATIONS, per_visit))
    return WorkLimit(
        iterations=iterations if visits else 1,
        no_improvement=max(MIN_ITERATIONS // 2, iterations // 2),
        max_seconds=settings.max_seconds,
        seed=settings.seed,
        neighbours=HORIZON_NEIGHBOURS,
    )


def _route_horizon(
    accounts: Sequence[CallAccount],
    patterns: dict[int, np.ndarray],
    chosen: dict[int, np.ndarray],
    rep: RepSchedule,
    offsets: np.ndarray,
    travel: TravelMatrices,
    settings: CallCycleSettings,
    state: TaskState,
) -> tuple[list[DayRoute | None], list[list[int]], list[UnplacedVisit], bool]:
    """Every working day routed in one engine solve; the visits it left out, with reasons."""
    weekday = offsets % 7
    days = [replace(rep.day, weekday=int(w)) for w in weekday]
    shifts = [day_shift(day, int(o) * DAY_SECONDS) for day, o in zip(days, offsets, strict=True)]
    metres, seconds = engine_matrices(travel.distance_km, travel.minutes)
    prize = visit_prize(metres, seconds, max(s.max_duration for s in shifts)) if shifts else 1
    stops = [
        RouteStop(i + 1, a.visit_minutes, a.window, a.closed_weekdays)
        for i, a in enumerate(accounts)
    ]
    jobs: list[Job] = []
    owner: list[tuple[int, tuple[int, ...]]] = []  # (account, allowed day indices) per job
    conflicts: list[UnplacedVisit] = []
    for i, pats in patterns.items():
        allowed_sets: list[tuple[int, ...]]
        if i in chosen and settings.method == "horizon":
            allowed_sets = _spaced_sets(chosen[i], offsets, settings)
        elif i in chosen:
            allowed_sets = [(int(d),) for d in chosen[i]]
        else:
            allowed_sets = [tuple(int(d) for d in pats[:, 0])]
        for allowed in allowed_sets:
            windows = _job_windows(stops[i], days, offsets, allowed, travel)
            if not windows:
                first = days[allowed[0]]
                reason = stop_conflict(stops[i], first, travel.distance_km, travel.minutes)
                conflicts.append(UnplacedVisit(i, 1, reason or "no working day it can be visited"))
                continue
            jobs.append(Job(i + 1, round(accounts[i].visit_minutes * 60.0), windows, prize))
            owner.append((i, allowed))
    if settings.method == "daily":
        plan = _solve_days_apart(metres, seconds, shifts, jobs, owner, settings, state)
    else:
        plan = solve_shifts(
            metres,
            seconds,
            shifts,
            jobs,
            limit=horizon_limit(settings, len(jobs)),
            cancelled=state.is_cancelled,
        )
    if plan.cancelled:
        return [], [], [], True
    routes: list[DayRoute | None] = []
    day_visits: list[list[int]] = []
    dropped: list[UnplacedVisit] = list(conflicts)
    for d, day in enumerate(days):
        order = [owner[v.job][0] for v in plan.routes[d]]
        leave = plan.leave[d]
        start = (leave - int(offsets[d]) * DAY_SECONDS) / 60.0 if leave is not None else day.start
        route = schedule_day(travel.distance_km, travel.minutes, stops, order, day, start)
        dropped.extend(UnplacedVisit(u.stop, 1, u.reason) for u in route.unplaced)
        kept = [s.stop for s in route.stops]
        # The route's stops name accounts; re-index them to positions in the day's visit list.
        route = replace(
            route,
            stops=[replace(s, stop=k) for k, s in enumerate(route.stops)],
            unplaced=[],
        )
        routes.append(route)
        day_visits.append(kept)
    for k in plan.unplaced:
        account, allowed = owner[k]
        dropped.append(
            UnplacedVisit(
                account,
                1,
                _no_room(allowed, days, offsets, settings, day_visits, account in chosen),
            )
        )
    return routes, day_visits, dropped, False


def _solve_days_apart(
    metres: np.ndarray,
    seconds: np.ndarray,
    shifts: list[Shift],
    jobs: list[Job],
    owner: list[tuple[int, tuple[int, ...]]],
    settings: CallCycleSettings,
    state: TaskState,
) -> ShiftPlan:
    """Route each day on its own (every job pinned to one day): the day-by-day comparison."""
    routes: list[list[ShiftVisit]] = []
    leave: list[int | None] = []
    unplaced: list[int] = []
    iterations = 0
    per_day = max(1, settings.iterations // max(len(shifts), 1))
    for d, shift in enumerate(shifts):
        mine = [k for k, (_account, allowed) in enumerate(owner) if allowed == (d,)]
        plan = solve_shifts(
            metres,
            seconds,
            [shift],
            [jobs[k] for k in mine],
            limit=WorkLimit(per_day, max_seconds=settings.max_seconds, seed=settings.seed),
            cancelled=state.is_cancelled,
        )
        if plan.cancelled:
            return ShiftPlan([], [], [], iterations, False, True)
        iterations += plan.iterations
        routes.append([ShiftVisit(mine[v.job], v.start) for v in plan.routes[0]])
        leave.append(plan.leave[0])
        unplaced.extend(mine[k] for k in plan.unplaced)
        state.report(0.1 + 0.9 * (d + 1) / len(shifts), f"Routed day {d + 1}")
    return ShiftPlan(routes, leave, sorted(unplaced), iterations, True, False)


def _job_windows(
    stop: RouteStop,
    days: list[RepDay],
    offsets: np.ndarray,
    allowed: tuple[int, ...],
    travel: TravelMatrices,
) -> tuple[tuple[int, int], ...]:
    """The visit's start windows on its allowed days; consecutive all-day days merge into one.

    Days on which the stop alone cannot be visited (``stop_conflict``) are left out.
    """
    ok = [
        d
        for d in allowed
        if stop_conflict(stop, days[d], travel.distance_km, travel.minutes) is None
    ]
    windows: list[tuple[int, int]] = []
    previous = None
    for d in ok:
        low, high = stop_window(stop, days[d], int(offsets[d]) * DAY_SECONDS)
        if stop.window is None and previous is not None and d == previous + 1 and windows:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
        previous = d
    return tuple(windows)


def _spaced_sets(
    days: np.ndarray, offsets: np.ndarray, settings: CallCycleSettings
) -> list[tuple[int, ...]]:
    """The working days each spaced visit may take: its chosen day, give or take the slack.

    Each visit may move ``m = (slack - d) // 2`` calendar days either way, where ``d`` is the
    most the chosen days' gaps already differ from the even gap: two neighbouring visits then
    move their gap by at most ``2 m``, so every gap stays within the slack, and with gaps of at
    least ``2 m + 1`` days two visits never meet on one day.
    """
    horizon = 7 * settings.weeks
    when = np.sort(offsets[days])
    k = when.size
    gaps = np.diff(np.r_[when, when[0] + horizon])
    spare = settings.spacing_slack_days - float(np.max(np.abs(gaps - horizon / k)))
    m = max(0, int(np.floor(spare + 1e-9)) // 2)
    sets = []
    for d in sorted(int(x) for x in days):
        near = np.flatnonzero(np.abs(offsets - offsets[d]) <= m)
        # The chosen day first: it names the visit's day in a "no room" reason.
        sets.append((d, *(int(e) for e in near if e != d)))
    return sets


def _no_room(
    allowed: tuple[int, ...],
    days: list[RepDay],
    offsets: np.ndarray,
    settings: CallCycleSettings,
    day_visits: list[list[int]],
    spaced: bool,
) -> str:
    """Why a visit the engine left out has no place: the days it could take are full."""
    day = days[allowed[0]]
    hours = f"{format_clock(day.start)}-{format_clock(day.end)}, at most {day.max_minutes / 60:g} h"
    if spaced:
        d = allowed[0]
        when = (
            (settings.start_date + timedelta(days=int(offsets[d]))).isoformat()
            if settings.start_date
            else f"week {int(offsets[d]) // 7 + 1}"
        )
        around = " and the days within its spacing slack are" if len(allowed) > 1 else " is"
        return (
            f"no room in the day: {WEEKDAY_NAMES[int(offsets[d]) % 7]} {when}, the day its "
            f"spacing sets,{around} full ({len(day_visits[d])} visits that day, {hours})"
        )
    planned = sum(len(day_visits[d]) for d in allowed)
    return (
        f"no room in the day: the {len(allowed)} working days it is open are full "
        f"({planned} visits planned, {hours} a day)"
    )


def _account_conflict(
    account: CallAccount, day: RepDay, travel: TravelMatrices, node: int
) -> str | None:
    """Reasons an account can never be visited (checked by routing one stop on a free day)."""
    if account.visit_minutes < 0 or not math.isfinite(account.visit_minutes):
        return f"visit minutes must be a number >= 0, got {account.visit_minutes}"
    if account.window is not None and account.window[0] > account.window[1]:
        return f"time window opens after it closes: {account.window}"
    stop = RouteStop(node, account.visit_minutes, account.window)
    return stop_conflict(stop, replace(day, weekday=0), travel.distance_km, travel.minutes, 0)


def _patterns(
    offsets: np.ndarray, open_days: np.ndarray, k: int, horizon: int, slack: int
) -> np.ndarray:
    """Candidate visit-day sets (rows of day indices) with every gap within the slack."""
    gap = horizon / k
    open_offsets = offsets[open_days]
    rows = []
    for first in open_days[open_offsets < offsets[open_days[0]] + gap]:
        chosen = [int(first)]
        for j in range(1, k):
            target = offsets[first] + j * gap
            later = open_days[open_offsets > offsets[chosen[-1]]]
            if later.size == 0:
                break
            chosen.append(int(later[np.argmin(np.abs(offsets[later] - target))]))
        if len(chosen) < k:
            continue
        days = offsets[chosen]
        gaps = np.diff(np.r_[days, days[0] + horizon]) if k > 1 else np.array([gap])
        if np.all(np.abs(gaps - gap) <= slack + 1e-9):
            rows.append(chosen)
    if not rows:
        return np.empty((0, k), dtype=np.int64)
    return np.unique(np.array(rows, dtype=np.int64), axis=0)


def _spacing_ok(days: np.ndarray, offsets: np.ndarray, horizon: int, slack: int) -> bool:
    k = days.size
    if k <= 1:
        return True
    when = np.sort(offsets[days])
    gaps = np.diff(np.r_[when, when[0] + horizon])
    return bool(np.all(np.abs(gaps - horizon / k) <= slack + 1e-9)) and np.unique(when).size == k


def _choose_days(
    accounts: Sequence[CallAccount],
    patterns: dict[int, np.ndarray],
    offsets: np.ndarray,
    rep: RepSchedule,
    settings: CallCycleSettings,
    travel: TravelMatrices,
    lon: np.ndarray,
    lat: np.ndarray,
) -> dict[int, np.ndarray]:
    """Pick one pattern per account: compact days (near the day's centre) and even workload.

    Both terms are in minutes: the drive from an account to the centre of its day's accounts,
    and a quadratic workload penalty whose marginal cost is twice the added minutes when the
    day is at its capacity. Days are seeded by sectors around home (one wedge per weekday,
    split by week) and then improved by reassigning accounts until nothing changes.
    """
    n_days = offsets.size
    if not patterns:
        return {}
    ids = np.array(sorted(patterns))
    # Local km coordinates around home; minutes per km for the clustering term.
    x = (lon[1:] - lon[0]) * 111.32 * math.cos(math.radians(lat[0]))
    y = (lat[1:] - lat[0]) * 110.57
    minutes_per_km = settings.travel.circuity * 60.0 / settings.travel.speed_kmh
    # A visit costs its minutes plus a share of driving: the mean drive to the nearest accounts.
    near = np.sort(travel.minutes[1:, 1:] + np.eye(len(accounts)) * 1e9, axis=1)[:, :3]
    per_visit_drive = float(np.median(near.mean(axis=1))) if len(accounts) > 3 else 10.0
    work = np.array([a.visit_minutes for a in accounts]) + per_visit_drive
    commute = float(np.median(travel.minutes[0, 1:] + travel.minutes[1:, 0]))
    capacity = max(1.0, rep.day.working_minutes - commute)
    weight = settings.balance_weight / capacity

    # Seed centres: wedges around home with equal workload, one per weekday, split per week.
    weekdays = sorted({int(o % 7) for o in offsets})
    load_of = np.zeros(len(accounts))
    for i, pats in patterns.items():
        load_of[i] = work[i] * pats.shape[1]
    angle = np.arctan2(y[ids], x[ids])
    order = ids[np.argsort(angle)]
    cum = np.cumsum(load_of[order]) / max(load_of[order].sum(), 1e-9)
    centre_x = np.zeros(n_days)
    centre_y = np.zeros(n_days)
    for w_index, wd in enumerate(weekdays):
        wedge = order[(cum > w_index / len(weekdays)) & (cum <= (w_index + 1) / len(weekdays))]
        if wedge.size == 0:
            wedge = order
        radius = np.hypot(x[wedge], y[wedge])
        by_radius = wedge[np.argsort(radius)]
        parts = np.array_split(by_radius, settings.weeks)
        for week in range(settings.weeks):
            found = np.flatnonzero(offsets == 7 * week + wd)
            if not found.size:
                continue  # a day off
            d = int(found[0])
            part = parts[week] if parts[week].size else wedge
            centre_x[d], centre_y[d] = x[part].mean(), y[part].mean()

    rng = np.random.default_rng(settings.seed)
    loads = np.zeros(n_days)
    chosen: dict[int, np.ndarray] = {}

    def best_pattern(i: int) -> np.ndarray:
        pats = patterns[i]
        geo = np.hypot(x[i] - centre_x[pats], y[i] - centre_y[pats]).sum(axis=1)
        now = loads[pats]
        balance = weight * ((now + work[i]) ** 2 - now**2).sum(axis=1)
        cost = geo * minutes_per_km + balance
        return pats[int(np.argmin(cost))]

    # Most constrained first: most visits, then longest.
    first = sorted(patterns, key=lambda i: (-patterns[i].shape[1], -work[i]))
    for i in first:
        chosen[i] = best_pattern(i)
        loads[chosen[i]] += work[i]
    for _ in range(30):
        # Move each day's centre to its accounts (k-means step), then reassign.
        members_x = np.zeros(n_days)
        members_y = np.zeros(n_days)
        counts = np.zeros(n_days)
        for i, days in chosen.items():
            np.add.at(members_x, days, x[i])
            np.add.at(members_y, days, y[i])
            np.add.at(counts, days, 1.0)
        filled = counts > 0
        centre_x[filled] = members_x[filled] / counts[filled]
        centre_y[filled] = members_y[filled] / counts[filled]
        changed = 0
        for i in rng.permutation(ids):
            old = chosen[int(i)]
            loads[old] -= work[i]
            new = best_pattern(int(i))
            loads[new] += work[i]
            if not np.array_equal(np.sort(new), np.sort(old)):
                changed += 1
            chosen[int(i)] = new
        if changed == 0:
            break
    return chosen


def _make_day(
    d: int,
    route: DayRoute | None,
    visits: list[int],
    settings: CallCycleSettings,
    offsets: np.ndarray,
    visit_number: dict[int, int],
    rep: RepSchedule,
) -> CycleDay:
    offset = int(offsets[d])
    when = settings.start_date + timedelta(days=offset) if settings.start_date else None
    stops = []
    if route is not None:
        for s in route.stops:
            account = visits[s.stop]
            number = visit_number.get(account, 0)
            visit_number[account] = number + 1
            stops.append(
                CycleStop(
                    account,
                    number,
                    s.arrival,
                    s.departure,
                    s.drive_minutes,
                    s.distance_km,
                    s.wait_minutes,
                )
            )
    start = float(rep.day.start)
    return CycleDay(
        index=d,
        week=offset // 7,
        weekday=offset % 7,
        offset=offset,
        date=when,
        stops=stops,
        leave_home=route.leave_home if route else start,
        return_home=route.return_home if route else start,
        lunch_start=route.lunch_start if route else None,
        return_drive_minutes=route.return_drive_minutes if route else 0.0,
        return_distance_km=route.return_distance_km if route else 0.0,
        distance_km=route.distance_km if route else 0.0,
        drive_minutes=route.drive_minutes if route else 0.0,
        visit_minutes=route.visit_minutes if route else 0.0,
        working_minutes=route.working_minutes if route else 0.0,
    )


def _assemble(
    routes: list[DayRoute | None],
    day_visits: list[list[int]],
    accounts: Sequence[CallAccount],
    due: np.ndarray,
    not_due: list[int],
    unplaced: list[UnplacedVisit],
    settings: CallCycleSettings,
    rep: RepSchedule,
    offsets: np.ndarray,
    cancelled: bool,
) -> CallCyclePlan:
    visit_number: dict[int, int] = {}
    days = [
        _make_day(d, routes[d], day_visits[d], settings, offsets, visit_number, rep)
        for d in range(offsets.size)
    ]
    distance = sum(day.distance_km for day in days)
    drive = sum(day.drive_minutes for day in days) / 60.0
    visit_hours = sum(day.visit_minutes for day in days) / 60.0
    capacity = offsets.size * rep.day.working_minutes / 60.0
    miles = distance / KM_PER_MILE
    totals = CycleTotals(
        distance_km=distance,
        drive_hours=drive,
        visit_hours=visit_hours,
        visits=sum(len(day.stops) for day in days),
        capacity_hours=capacity,
        utilisation=(drive + visit_hours) / capacity if capacity > 0 else 0.0,
        miles=miles,
        mileage_rate=settings.mileage_rate_per_mile,
        mileage_reimbursement=miles * settings.mileage_rate_per_mile,
    )
    return CallCyclePlan(
        days, totals, unplaced, due, not_due, settings.spacing_slack_days, cancelled
    )


def _cancelled_plan(
    accounts: Sequence[CallAccount],
    chosen: dict[int, np.ndarray],
    due: np.ndarray,
    not_due: list[int],
    unplaced: list[UnplacedVisit],
    settings: CallCycleSettings,
    rep: RepSchedule,
    offsets: np.ndarray,
) -> CallCyclePlan:
    rest = [
        UnplacedVisit(i, int(days.shape[-1]), "not routed: planning was cancelled")
        for i, days in chosen.items()
    ]
    routes: list[DayRoute | None] = [None] * offsets.size
    return _assemble(
        routes,
        [[] for _ in offsets],
        accounts,
        due,
        not_due,
        unplaced + rest,
        settings,
        rep,
        offsets,
        True,
    )
