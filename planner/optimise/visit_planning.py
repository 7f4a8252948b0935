"""Visit planning on a plan: each rep's call cycle and day routes, stored and fed back to balance.

The call-cycle core (:mod:`planner.optimise.callcycle`) plans one rep over plain arrays. This
module maps a :class:`~planner.models.plan.Plan` onto it and back:

1. :func:`snapshot_for_routes` copies, on the caller's (GUI) thread, what planning needs: every
   rep's home and capacity, the placed accounts of the rep's territories with their visits,
   minutes and opening hours, and every account that cannot be routed with the reason why.
2. :func:`plan_routes` runs the call cycle rep by rep (a pure function taking a
   :class:`~planner.models.progress.TaskState`): totals per rep, the ``routes`` and
   ``route_stops`` layers of the plan file (columns exactly as in DESIGN.md) and the visits
   that could not be planned, with reasons. No account is dropped silently.
3. :func:`apply_routes` stores the layers and the per-rep totals in the plan and sets the
   balance engine's routed travel per territory, so workload uses routed travel instead of
   the estimate; :func:`routed_travel_from_layers` does the same for a plan opened from a
   file, and :func:`clear_routes` goes back to the estimate.

Opening hours and closed weekdays come from optional account columns:

``open_from``, ``open_to``
    The time window a visit starts in: ``"HH:MM"`` text, a :class:`datetime.time`, or a
    number of hours after midnight (``9.5`` = 09:30). A missing ``open_from`` means from
    midnight and a missing ``open_to`` until midnight; both missing means no window.
``closed_days``
    Weekdays the account is closed: names or three-letter abbreviations (``"Sat, Sun"``,
    ``"monday;friday"``) or ISO weekday numbers (1 = Monday ... 7 = Sunday), separated by
    commas, semicolons, slashes or spaces.

A value that cannot be read is reported for that account (naming the column and the value)
and the account is listed as not planned; the rest of the plan is planned as usual.

The working calendar: no visit is booked on a public holiday (the ``holidays`` library; the
plan settings ``holiday_country``, default ``"US"`` federal, and ``holiday_subdivision``, a
state or province) nor on a rep's day off, read from the optional reps column ``days_off``:
ISO dates and ranges (``"2026-12-28..2026-12-31; 2027-01-08"``, a range also as
``start/end``), separated by commas, semicolons or spaces. The horizon starts on the settings'
``routes_start_date`` (default: the next Monday).
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.models.geo import WGS84
from planner.models.progress import TaskState
from planner.models.routes import routed_travel_from_layers
from planner.models.schema import (
    DAYS_OFF_COLUMNS,
    ROUTE_COLUMNS,
    ROUTE_DAY_FIELDS,
    ROUTE_DAYS_OFF_TABLE,
    ROUTE_STOP_COLUMNS,
    ROUTE_STOP_FIELDS,
    ROUTE_STOPS_LAYER,
    ROUTE_TOTALS_TABLE,
    ROUTE_UNPLACED_TABLE,
    ROUTES_LAYER,
    TOTALS_COLUMNS,
    UNPLACED_COLUMNS,
)
from planner.models.settings import Settings
from planner.models.timeofday import is_missing, parse_time_of_day
from planner.optimise.callcycle import (
    IRS_2024_RATE_PER_MILE,
    CallAccount,
    CallCyclePlan,
    CallCycleSettings,
    RepSchedule,
    plan_call_cycle,
    visits_in_horizon,
)
from planner.optimise.routing import RepDay, RoutingError, format_clock
from planner.optimise.travel import OsrmClient, TravelSettings, travel_matrices
from planner.optimise.workers import run_jobs

if TYPE_CHECKING:
    from planner.models.plan import Plan

__all__ = [
    "DAYS_OFF_COLUMNS",
    "ROUTES_LAYER",
    "ROUTE_COLUMNS",
    "ROUTE_DAYS_OFF_TABLE",
    "ROUTE_DAY_FIELDS",
    "ROUTE_STOPS_LAYER",
    "ROUTE_STOP_COLUMNS",
    "ROUTE_STOP_FIELDS",
    "ROUTE_TOTALS_TABLE",
    "ROUTE_UNPLACED_TABLE",
    "TOTALS_COLUMNS",
    "UNPLACED_COLUMNS",
    "RepRouteInput",
    "RepRoutes",
    "RoutesOptions",
    "RoutesOptionsError",
    "RoutesResult",
    "RoutesSnapshot",
    "SavedRoutes",
    "apply_routes",
    "calendar_label",
    "clear_routes",
    "next_monday",
    "parse_closed_days",
    "parse_days_off",
    "parse_holiday_calendar",
    "parse_time_of_day",
    "plan_routes",
    "public_holidays",
    "reason_kind",
    "restore_routes",
    "routed_travel_from_layers",
    "save_routes_state",
    "snapshot_for_routes",
]

#: Account columns copied onto each stop when the plan has them.
_ADDRESS_COLUMNS = ("address", "city", "state", "zip")

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}


class RoutesOptionsError(ValueError):
    """A visit-planning option is invalid; the message names the option."""


def next_monday(today: date | None = None) -> date:
    """The first Monday after ``today`` (default: the current date)."""
    today = today or date.today()
    return today + timedelta(days=7 - today.weekday())


def _as_date(value: object) -> date | None:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def parse_days_off(value: object, column: str = "days_off") -> frozenset[date]:
    """Dates of a ``days_off`` value: ISO dates and ranges (empty when missing).

    ``"2026-12-28..2026-12-31; 2027-01-08"`` gives five dates; a range may also be written
    ``2026-12-28/2026-12-31``. Entries are separated by commas, semicolons or spaces. A date
    (or timestamp) value is one day.

    Raises
    ------
    ValueError
        Naming ``column`` and the part that is not a date or range.
    """
    if _missing(value):
        return frozenset()
    single = _as_date(value)
    if single is not None:
        return frozenset({single})
    days: set[date] = set()
    for part in re.split(r"[,;\s]+", str(value).strip()):
        if not part:
            continue
        ends = re.split(r"\.\.|/", part)
        try:
            if len(ends) == 1:
                days.add(date.fromisoformat(ends[0]))
                continue
            if len(ends) != 2:
                raise ValueError
            first, last = date.fromisoformat(ends[0]), date.fromisoformat(ends[1])
        except ValueError:
            raise ValueError(
                f"{column} {value!r}: {part!r} is not a date or range "
                "(YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)"
            ) from None
        if last < first:
            raise ValueError(f"{column} {value!r}: the range {part!r} ends before it starts")
        if (last - first).days > 366:
            raise ValueError(f"{column} {value!r}: the range {part!r} is longer than a year")
        days.update(first + timedelta(days=k) for k in range((last - first).days + 1))
    return frozenset(days)


def parse_holiday_calendar(text: str) -> tuple[str, str]:
    """``(country, subdivision)`` of ``"US"``, ``"US:CA"`` (or ``"US-CA"``), or ``"none"``.

    ``"none"`` (or an empty text) gives ``("", "")``: no public holidays. The codes are
    checked by :func:`public_holidays`.
    """
    text = str(text).strip()
    if not text or text.lower() == "none":
        return "", ""
    parts = re.split(r"[:-]", text, maxsplit=1)
    country = parts[0].strip().upper()
    subdivision = parts[1].strip().upper() if len(parts) > 1 else ""
    return country, subdivision


def calendar_label(country: str, subdivision: str = "") -> str:
    """``"US"``, ``"US-CA"`` or ``"none"``: the holiday calendar as the outputs name it."""
    if not country:
        return "none"
    return f"{country}-{subdivision}" if subdivision else country


def public_holidays(country: str, subdivision: str, first: date, last: date) -> dict[date, str]:
    """Public holidays from ``first`` to ``last`` (inclusive), with their names.

    Parameters
    ----------
    country : str
        ISO 3166 code the ``holidays`` library knows (``"US"``, ``"CA"``, ``"GB"``...); empty
        for none.
    subdivision : str
        State or province code of that country (``"CA"`` for California), or empty for the
        country's national holidays (US: the federal ones).
    first, last : datetime.date

    Raises
    ------
    RoutesOptionsError
        When the library does not know the country or subdivision.
    """
    if not country:
        return {}
    import holidays

    try:
        calendar = holidays.country_holidays(
            country, subdiv=subdivision or None, years=range(first.year, last.year + 1)
        )
    except NotImplementedError as exc:
        known = holidays.list_supported_countries()
        if country not in known:
            raise RoutesOptionsError(
                f"holiday calendar: unknown country {country!r} (use an ISO code such as US, "
                "CA, GB, DE, or none)"
            ) from None
        raise RoutesOptionsError(
            f"holiday calendar: {country} has no state or province {subdivision!r} "
            f"(known: {', '.join(known[country][:60])})"
        ) from exc
    return {day: str(name) for day, name in sorted(calendar.items()) if first <= day <= last}


@dataclass(frozen=True)
class RoutesOptions:
    """How visits are planned.

    Parameters
    ----------
    weeks : int, default 4
        Planning horizon; the call cycle is meant to repeat.
    working_weekdays : tuple of int, default Monday to Friday
        0 = Monday ... 6 = Sunday.
    day_start, day_end : int, default 08:00 and 18:00
        Minutes after midnight: leave home no earlier, be back no later.
    max_day_minutes : int, default 540
        Longest working day from leaving home to returning, lunch included.
    lunch_minutes : int, default 30
        Length of the lunch break, taken between ``lunch_earliest`` and ``lunch_latest``
        (minutes after midnight; defaults 11:30 and 13:30).
    circuity : float, default 1.3
        Road distance over great-circle distance (offline travel).
    speed_kmh : float, default 60
        Average driving speed (offline travel).
    mileage_rate_per_mile : float, default 0.67
        Reimbursement per mile; the default is the IRS 2024 business rate.
    osrm_url : str, optional
        Base URL of an OSRM-compatible server for road distances and times. When it cannot
        be used the offline estimate is used and the result says why in ``warnings``.
    start_date : datetime.date, optional
        Monday of the first week; default the next Monday.
    holiday_country : str, default "US"
        Public holidays no visit is booked on (a ``holidays`` library country code; empty:
        none).
    holiday_subdivision : str, default ""
        State or province of ``holiday_country`` (empty: the national holidays; US federal).
    spacing_slack_days : int, default 2
        Allowed deviation, in days, from evenly spaced visits to an account.
    iterations : int, default 1500
        Search iterations per rep at most (the routing engine's deterministic work limit: five
        per due visit, at least 500, see :func:`planner.optimise.callcycle.horizon_limit`).
    iterations_per_visit : int, default 5
        Search iterations per due visit of a rep, up to ``iterations``.
    max_seconds_per_rep : float, default 120
        Wall-clock safety cap per rep; meant never to bind.
    workers : int, default 0
        Worker processes routing reps side by side; 0 = one per CPU core, 1 = in this process.
    method : {"horizon", "daily"}, default "horizon"
        ``"horizon"`` plans each rep's working days as one routing problem; ``"daily"`` chooses
        the days first and routes each day on its own (see :class:`CallCycleSettings`).
    cycle_index : int, default 0
        Which repeat of the horizon within the year is planned (accounts due less than once a
        horizon are due in some repeats only).
    seed : int, default 0
    """

    weeks: int = 4
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    day_start: int = 8 * 60
    day_end: int = 18 * 60
    max_day_minutes: int = 9 * 60
    lunch_minutes: int = 30
    lunch_earliest: int = 11 * 60 + 30
    lunch_latest: int = 13 * 60 + 30
    circuity: float = 1.3
    speed_kmh: float = 60.0
    mileage_rate_per_mile: float = IRS_2024_RATE_PER_MILE
    osrm_url: str | None = None
    start_date: date | None = None
    holiday_country: str = "US"
    holiday_subdivision: str = ""
    spacing_slack_days: int = 2
    iterations: int = 1_500
    iterations_per_visit: int = 5
    max_seconds_per_rep: float = 120.0
    workers: int = 0
    method: str = "horizon"
    cycle_index: int = 0
    seed: int = 0

    @classmethod
    def from_settings(cls, settings: Settings, **changes: Any) -> RoutesOptions:
        """Options taking travel, mileage rate and the calendar from the plan's settings.

        A ``routes_start_date`` setting that is not an ISO date is ignored (next Monday).
        """
        values: dict[str, Any] = {
            "circuity": settings.circuity,
            "speed_kmh": settings.speed_kmh,
            "mileage_rate_per_mile": settings.mileage_rate_per_mile,
            "holiday_country": str(settings.holiday_country or "").strip().upper(),
            "holiday_subdivision": str(settings.holiday_subdivision or "").strip().upper(),
        }
        with contextlib.suppress(ValueError):
            values["start_date"] = date.fromisoformat(str(settings.routes_start_date).strip())
        values.update(changes)
        return cls(**values)

    def rep_day(self) -> RepDay:
        """The working day as the routing core takes it."""
        return RepDay(
            start=self.day_start,
            end=self.day_end,
            max_minutes=self.max_day_minutes,
            lunch_minutes=self.lunch_minutes,
            lunch_earliest=self.lunch_earliest,
            lunch_latest=self.lunch_latest,
        )

    def validate(self) -> None:
        """Raise :class:`RoutesOptionsError` naming the first invalid option."""
        if not isinstance(self.weeks, int) or not 1 <= self.weeks <= 52:
            raise RoutesOptionsError(f"weeks must be a whole number from 1 to 52, got {self.weeks}")
        if not self.working_weekdays or not all(0 <= d <= 6 for d in self.working_weekdays):
            raise RoutesOptionsError(
                f"working_weekdays must be weekdays 0 (Monday) to 6, got {self.working_weekdays}"
            )
        try:
            self.rep_day().validate()
        except RoutingError as exc:
            raise RoutesOptionsError(f"working day: {exc}") from None
        if not (math.isfinite(self.circuity) and self.circuity >= 1.0):
            raise RoutesOptionsError(f"circuity must be a number >= 1, got {self.circuity}")
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0):
            raise RoutesOptionsError(f"speed_kmh must be positive, got {self.speed_kmh}")
        rate = self.mileage_rate_per_mile
        if not (math.isfinite(rate) and rate >= 0):
            raise RoutesOptionsError(f"mileage_rate_per_mile must be >= 0, got {rate}")
        if self.spacing_slack_days < 0:
            raise RoutesOptionsError("spacing_slack_days must be >= 0")
        if self.iterations < 1:
            raise RoutesOptionsError(f"iterations must be >= 1, got {self.iterations}")
        if self.iterations_per_visit < 1:
            raise RoutesOptionsError(
                f"iterations_per_visit must be >= 1, got {self.iterations_per_visit}"
            )
        if not self.max_seconds_per_rep > 0:
            raise RoutesOptionsError("max_seconds_per_rep must be positive")
        if self.method not in ("horizon", "daily"):
            raise RoutesOptionsError(f"method must be 'horizon' or 'daily', got {self.method!r}")
        if self.workers < 0:
            raise RoutesOptionsError(f"workers must be >= 0, got {self.workers}")
        if self.osrm_url is not None and not re.match(r"^https?://", self.osrm_url):
            raise RoutesOptionsError(
                f"osrm_url must start with http:// or https://, got {self.osrm_url!r}"
            )
        if self.holiday_subdivision and not self.holiday_country:
            raise RoutesOptionsError("holiday_subdivision needs a holiday_country")
        first = self.start_date or next_monday()
        public_holidays(self.holiday_country, self.holiday_subdivision, first, first)

    def horizon(self) -> tuple[date, date]:
        """First (a Monday) and last day of the horizon."""
        start = self.start_date or next_monday()
        start = start - timedelta(days=start.weekday())
        return start, start + timedelta(days=7 * self.weeks - 1)

    def holidays_in_horizon(self) -> dict[date, str]:
        """The public holidays of the horizon, with their names."""
        return public_holidays(self.holiday_country, self.holiday_subdivision, *self.horizon())

    def call_cycle_settings(self, start: date) -> CallCycleSettings:
        return CallCycleSettings(
            weeks=self.weeks,
            spacing_slack_days=self.spacing_slack_days,
            cycle_index=self.cycle_index,
            mileage_rate_per_mile=self.mileage_rate_per_mile,
            travel=TravelSettings(self.circuity, self.speed_kmh),
            iterations=self.iterations,
            iterations_per_visit=self.iterations_per_visit,
            max_seconds=self.max_seconds_per_rep,
            method=self.method,
            start_date=start,
            seed=self.seed,
        )


# -- reading opening hours ---------------------------------------------------------------------


_missing = is_missing


def parse_closed_days(value: object, column: str = "closed_days") -> frozenset[int]:
    """Weekdays (0 = Monday) of a ``closed_days`` value (empty when missing).

    Raises
    ------
    ValueError
        Naming ``column`` and the part that is not a weekday.
    """
    if _missing(value):
        return frozenset()
    days = set()
    for part in re.split(r"[,;/\s]+", str(value).strip().lower()):
        if not part:
            continue
        if part in _WEEKDAYS:
            days.add(_WEEKDAYS[part])
        elif part.isdigit() and 1 <= int(part) <= 7:
            days.add(int(part) - 1)
        else:
            raise ValueError(
                f"{column} {value!r}: {part!r} is not a weekday (Mon..Sun, or 1 = Monday..7)"
            )
    return frozenset(days)


def reason_kind(reason: str) -> str:
    """A reason without its particulars, to count unplanned visits by kind.

    ``"no room in the day: 7 other visits fill ..."`` gives ``"no room in the day"``; numbers
    and clock times become ``N`` and ``HH:MM``, so reasons that differ only in them group.
    """
    head = str(reason).split(": ", 1)[0].split("; ", 1)[0]
    head = re.sub(r"\b\d{1,2}:\d{2}\b", "HH:MM", head)
    return re.sub(r"\d+(?:[.,]\d+)*", "N", head)


# -- snapshot ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepRouteInput:
    """One rep and the accounts to plan for them (copied from the plan).

    Attributes
    ----------
    rep_id, name : str
    territory_ids : tuple of str
        The rep's territories.
    territory_of : ndarray of int
        Position in ``territory_ids`` of each account.
    home_lon, home_lat : float
    capacity_hours : float
        Yearly working capacity (NaN when the plan does not say).
    account_ids, account_names : ndarray of object
    accounts : list of CallAccount
        Placed accounts with visits, windows and closed weekdays, in plan order.
    addresses : dict of str to ndarray
        ``address``, ``city``, ``state`` and ``zip`` text of each account (empty strings
        where the plan has no such column or value).
    days_off : frozenset of datetime.date
        The rep's own days off (the reps column ``days_off``).
    """

    rep_id: str
    name: str
    territory_ids: tuple[str, ...]
    territory_of: np.ndarray
    home_lon: float
    home_lat: float
    capacity_hours: float
    account_ids: np.ndarray
    account_names: np.ndarray
    accounts: list[CallAccount]
    addresses: dict[str, np.ndarray] = field(default_factory=dict)
    days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class RoutesSnapshot:
    """Everything :func:`plan_routes` needs, copied from the plan on the caller's thread.

    Attributes
    ----------
    plan_name : str
    reps : list of RepRouteInput
        Reps to plan, in plan order.
    rep_ids : tuple of str
        The reps planned (their earlier routes are replaced when the result is applied).
    all_reps : bool
        Whether every rep is planned (then earlier routes of all reps are replaced).
    excluded : DataFrame
        Accounts that cannot be planned, with :data:`UNPLACED_COLUMNS` (``visits`` is filled
        in by :func:`plan_routes` from the horizon).
    excluded_visits_per_year : ndarray
        Visits per year of each ``excluded`` row.
    settings : Settings
        The plan's settings (defaults for the options).
    """

    plan_name: str
    reps: list[RepRouteInput]
    rep_ids: tuple[str, ...]
    all_reps: bool
    excluded: pd.DataFrame
    excluded_visits_per_year: np.ndarray
    settings: Settings


def _visit_numbers(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Visits per year and minutes per visit, missing values from the segment defaults."""
    s = plan.settings
    acc = plan.accounts
    segment = acc["segment"].astype(object).to_numpy()
    visits = acc["visits_per_year"].to_numpy(dtype=float).copy()
    minutes = acc["visit_minutes"].to_numpy(dtype=float).copy()
    for values, per_segment, default in (
        (visits, s.segment_visits_per_year, s.default_visits_per_year),
        (minutes, s.segment_visit_minutes, s.default_visit_minutes),
    ):
        gaps = np.flatnonzero(~np.isfinite(values))
        for i in gaps:
            seg = segment[i]
            values[i] = per_segment.get(seg, default) if isinstance(seg, str) else default
    return np.maximum(visits, 0.0), np.maximum(minutes, 0.0)


def _opening(plan: Plan, rows: np.ndarray) -> tuple[list[Any], list[frozenset[int]], list[str]]:
    """Windows, closed weekdays and read errors of the accounts at ``rows``."""
    acc = plan.accounts
    n = len(rows)
    none: list[object] = [None] * n

    def column(name: str) -> list[object]:
        return list(acc[name].to_numpy(dtype=object)[rows]) if name in acc else none

    opens, closes, closed = column("open_from"), column("open_to"), column("closed_days")
    windows: list[Any] = []
    weekdays: list[frozenset[int]] = []
    errors: list[str] = []
    for k in range(n):
        error = ""
        window = None
        days: frozenset[int] = frozenset()
        try:
            low = parse_time_of_day(opens[k], "open_from")
            high = parse_time_of_day(closes[k], "open_to")
            if low is not None or high is not None:
                window = (0 if low is None else low, 24 * 60 if high is None else high)
            days = parse_closed_days(closed[k])
        except ValueError as exc:
            error = str(exc)
        windows.append(window)
        weekdays.append(days)
        errors.append(error)
    return windows, weekdays, errors


def _text(values: np.ndarray) -> np.ndarray:
    """Text of each value; missing ones (None, NaN) become empty strings."""
    out = np.empty(len(values), dtype=object)
    for k, value in enumerate(values):
        if _missing(value):
            out[k] = ""
        elif isinstance(value, (float, np.floating)) and float(value).is_integer():
            out[k] = str(int(value))  # a ZIP read as a number
        else:
            out[k] = str(value).strip()
    return out


def snapshot_for_routes(plan: Plan, rep_ids: Iterable[str] | None = None) -> RoutesSnapshot:
    """Copy what visit planning needs from ``plan`` (call on the thread that owns the plan).

    Parameters
    ----------
    plan : Plan
    rep_ids : iterable of str, optional
        Reps to plan; default every rep that has a territory.

    Returns
    -------
    RoutesSnapshot

    Raises
    ------
    ValueError
        If ``rep_ids`` names a rep the plan does not have, or a rep with no territory.

    Notes
    -----
    A rep whose ``days_off`` cannot be read is not planned: their accounts are listed with
    the reason (naming the column and value), as for a rep without a home.
    """
    reps = plan.reps
    known = {str(r): i for i, r in enumerate(reps["rep_id"])}
    terr = plan.territories
    terr_rep = [r if isinstance(r, str) and r else None for r in terr["rep_id"]]
    with_territory = [r for r in dict.fromkeys(terr_rep) if r is not None and r in known]
    all_reps = rep_ids is None
    if rep_ids is None:
        chosen = with_territory
    else:
        chosen = list(dict.fromkeys(str(r) for r in rep_ids))
        if not chosen:
            raise ValueError("rep_ids: name at least one rep")
        for rep in chosen:
            if rep not in known:
                raise ValueError(f"rep_ids: the plan has no rep {rep!r}")
            if rep not in with_territory:
                raise ValueError(f"rep_ids: rep {rep!r} has no territory")
        all_reps = set(chosen) >= set(with_territory)
    visits, minutes = _visit_numbers(plan)
    acc = plan.accounts
    ids = acc["account_id"].astype(object).to_numpy()
    names = acc["name"].astype(object).to_numpy()
    lon = acc["lon"].to_numpy(dtype=float)
    lat = acc["lat"].to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    territory = plan.account_territory
    territory_ids = np.array(plan.territory_ids, dtype=object)
    excluded: list[tuple[int, str | None, str | None, str]] = []
    address_text = {
        col: _text(acc[col].to_numpy(dtype=object)) if col in acc else np.full(len(acc), "")
        for col in _ADDRESS_COLUMNS
    }

    inputs: list[RepRouteInput] = []
    for rep in chosen:
        row = reps.iloc[known[rep]]
        t_idx = [i for i, r in enumerate(terr_rep) if r == rep]
        rows = np.flatnonzero(np.isin(territory, t_idx))
        home_lon, home_lat = float(row["lon"]), float(row["lat"])
        has_home = math.isfinite(home_lon) and math.isfinite(home_lat)
        days_off: frozenset[date] = frozenset()
        problem = "" if has_home else f"rep {rep} has no home"
        if "days_off" in reps and not problem:
            try:
                days_off = parse_days_off(row["days_off"])
            except ValueError as exc:
                problem = f"rep {rep} {exc}"
        if problem:
            for i in rows:
                excluded.append((int(i), rep, territory_ids[territory[i]], problem))
            rows = rows[:0]
        for i in rows[~placed[rows]]:
            placement = acc["placement"].iat[int(i)]
            why = f": {placement}" if isinstance(placement, str) and placement else ""
            excluded.append((int(i), rep, territory_ids[territory[i]], f"no location{why}"))
        rows = rows[placed[rows]]
        windows, closed, errors = _opening(plan, rows)
        keep = np.array([not e for e in errors], dtype=bool)
        for i, error in zip(rows[~keep], (e for e in errors if e), strict=True):
            excluded.append((int(i), rep, territory_ids[territory[i]], error))
        accounts = [
            CallAccount(
                float(lon[i]),
                float(lat[i]),
                float(visits[i]),
                float(minutes[i]),
                windows[k],
                closed[k],
            )
            for k, i in enumerate(rows)
            if keep[k]
        ]
        rows = rows[keep]
        position = {t: p for p, t in enumerate(t_idx)}
        inputs.append(
            RepRouteInput(
                rep_id=rep,
                name=str(row["name"]) if isinstance(row["name"], str) else rep,
                territory_ids=tuple(str(territory_ids[t]) for t in t_idx),
                territory_of=np.array([position[int(t)] for t in territory[rows]], dtype=np.int64),
                home_lon=home_lon,
                home_lat=home_lat,
                capacity_hours=float(row["capacity_hours"]),
                account_ids=ids[rows].copy(),
                account_names=names[rows].copy(),
                accounts=accounts,
                addresses={col: values[rows].copy() for col, values in address_text.items()},
                days_off=days_off,
            )
        )
    if all_reps:
        for t, owner in enumerate(terr_rep):
            if owner is None or owner not in known:
                why = (
                    "territory has no rep"
                    if owner is None
                    else f"territory's rep {owner} is not in the reps table"
                )
                for i in np.flatnonzero(territory == t):
                    excluded.append((int(i), None, str(territory_ids[t]), why))
        for i in np.flatnonzero(territory < 0):
            excluded.append((int(i), None, None, "Unassigned: in no territory"))
    rows_ex = np.array([e[0] for e in excluded], dtype=np.int64)
    frame = pd.DataFrame(
        {
            "account_id": ids[rows_ex],
            "name": names[rows_ex],
            "rep_id": [e[1] for e in excluded],
            "territory_id": [e[2] for e in excluded],
            "visits": np.zeros(len(excluded), dtype=np.int64),
            "reason": [e[3] for e in excluded],
        },
        columns=list(UNPLACED_COLUMNS),
    )
    # Accounts that need no visits are not "unplanned": nothing is due for them.
    needs = visits[rows_ex] > 0
    return RoutesSnapshot(
        plan_name=plan.name,
        reps=inputs,
        rep_ids=tuple(chosen),
        all_reps=all_reps,
        excluded=frame[needs].reset_index(drop=True),
        excluded_visits_per_year=visits[rows_ex][needs],
        settings=plan.settings,
    )


# -- planning ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepRoutes:
    """One rep's planned horizon.

    Attributes
    ----------
    rep : RepRouteInput
    cycle : CallCyclePlan
        The core's result (account indices refer to ``rep.accounts``).
    capacity_hours : float
        Working hours in the horizon: the rep's yearly capacity × weeks / 52, or, when the
        plan gives none, every working day's hours less lunch.
    utilisation : float
        (Visit + drive hours) / ``capacity_hours``.
    travel_source : str
        ``"great-circle"`` or ``"osrm"``.
    """

    rep: RepRouteInput
    cycle: CallCyclePlan
    capacity_hours: float
    utilisation: float
    travel_source: str


@dataclass
class RoutesResult:
    """The result of :func:`plan_routes`.

    Attributes
    ----------
    options : RoutesOptions
    start_date : datetime.date
        Monday of the first week.
    rep_ids : tuple of str
        Reps planned.
    all_reps : bool
        Every rep was planned.
    reps : list of RepRoutes
    totals : DataFrame
        One row per planned rep, :data:`TOTALS_COLUMNS`.
    routes : GeoDataFrame
        LineString per rep and day with stops: :data:`ROUTE_DAY_FIELDS`.
    route_stops : GeoDataFrame
        Point per visit: :data:`ROUTE_STOP_FIELDS` (``arrival``/``departure`` as ``HH:MM``,
        ``distance_km``/``drive_minutes`` of the leg from the previous stop or home).
    unplaced : DataFrame
        Visits not planned, :data:`UNPLACED_COLUMNS`.
    days_off : DataFrame
        Per rep, the working weekdays with no visits because of a public holiday or the
        rep's day off: :data:`DAYS_OFF_COLUMNS` (``reason``: the holiday's name, or
        ``"day off"``).
    warnings : list of str
        For example an OSRM server that could not be used.
    cancelled : bool
        Planning stopped early; reps not reached are missing from ``reps``.
    """

    options: RoutesOptions
    start_date: date
    rep_ids: tuple[str, ...]
    all_reps: bool
    reps: list[RepRoutes]
    totals: pd.DataFrame
    routes: gpd.GeoDataFrame
    route_stops: gpd.GeoDataFrame
    unplaced: pd.DataFrame
    days_off: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(DAYS_OFF_COLUMNS))
    )
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def visits_planned(self) -> int:
        return int(self.totals["visits"].sum()) if len(self.totals) else 0

    @property
    def visits_unplaced(self) -> int:
        return int(self.unplaced["visits"].sum()) if len(self.unplaced) else 0


_INTEGER_FIELDS = ("visits", "seq")
_NUMBER_FIELDS = (
    "distance_km",
    "drive_minutes",
    "lon",
    "lat",
    "wait_minutes",
    "lunch_minutes",
    "visit_minutes",
    "working_minutes",
    "return_drive_minutes",
    "return_distance_km",
)


def _empty_layer(columns: Sequence[str]) -> gpd.GeoDataFrame:
    def dtype(col: str) -> Any:
        if col in _INTEGER_FIELDS:
            return np.int64
        return float if col in _NUMBER_FIELDS else object

    return gpd.GeoDataFrame(
        {col: pd.Series([], dtype=dtype(col)) for col in columns},
        geometry=gpd.GeoSeries([], crs=WGS84),
        crs=WGS84,
    )


def _empty_routes() -> gpd.GeoDataFrame:
    return _empty_layer(ROUTE_DAY_FIELDS)


def _empty_stops() -> gpd.GeoDataFrame:
    return _empty_layer(ROUTE_STOP_FIELDS)


def _rep_layers(
    rep: RepRouteInput, cycle: CallCyclePlan, start: date
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    routes: dict[str, list[Any]] = {c: [] for c in (*ROUTE_DAY_FIELDS, "geometry")}
    stops: dict[str, list[Any]] = {c: [] for c in (*ROUTE_STOP_FIELDS, "geometry")}
    home = (rep.home_lon, rep.home_lat)
    no_address = np.full(len(rep.accounts), "", dtype=object)
    address = {col: rep.addresses.get(col, no_address) for col in _ADDRESS_COLUMNS}
    for day in cycle.days:
        if not day.stops:
            continue
        when = day.date or start + timedelta(days=day.offset)
        iso = when.isoformat()
        points = [(rep.accounts[s.account].lon, rep.accounts[s.account].lat) for s in day.stops]
        day_row = {
            "rep_id": rep.rep_id,
            "day": iso,
            "distance_km": float(day.distance_km),
            "drive_minutes": float(day.drive_minutes),
            "visits": len(day.stops),
            "weekday": f"{when:%a}",
            "leave_home": format_clock(day.leave_home),
            "return_home": format_clock(day.return_home),
            "lunch_start": "" if day.lunch_start is None else format_clock(day.lunch_start),
            "lunch_minutes": float(day.return_home - day.leave_home - day.working_minutes),
            "visit_minutes": float(day.visit_minutes),
            "working_minutes": float(day.working_minutes),
            "return_drive_minutes": float(day.return_drive_minutes),
            "return_distance_km": float(day.return_distance_km),
            "geometry": shapely.LineString([home, *points, home]),
        }
        for key, value in day_row.items():
            routes[key].append(value)
        for seq, (stop, point) in enumerate(zip(day.stops, points, strict=True), start=1):
            a = stop.account
            stop_row = {
                "rep_id": rep.rep_id,
                "day": iso,
                "seq": seq,
                "account_id": str(rep.account_ids[a]),
                "arrival": format_clock(stop.arrival),
                "departure": format_clock(stop.departure),
                "distance_km": float(stop.distance_km),
                "drive_minutes": float(stop.drive_minutes),
                "account_name": "" if _missing(rep.account_names[a]) else str(rep.account_names[a]),
                **{col: str(address[col][a]) for col in _ADDRESS_COLUMNS},
                "lon": float(point[0]),
                "lat": float(point[1]),
                "wait_minutes": float(stop.wait_minutes),
                "visit_minutes": float(stop.departure - stop.arrival),
                "geometry": shapely.Point(point),
            }
            for key, value in stop_row.items():
                stops[key].append(value)
    return routes, stops


def _plan_rep(
    rep: RepRouteInput,
    options: RoutesOptions,
    start: date,
    state: TaskState,
    holidays: dict[date, str] | None = None,
) -> tuple[RepRoutes, str | None]:
    settings = options.call_cycle_settings(start)
    schedule = RepSchedule(
        rep.home_lon,
        rep.home_lat,
        tuple(sorted(set(options.working_weekdays))),
        options.rep_day(),
        days_off=frozenset(holidays or ()) | rep.days_off,
    )
    travel = None
    warning = None
    if options.osrm_url and rep.accounts:
        lon = np.array([rep.home_lon, *(a.lon for a in rep.accounts)])
        lat = np.array([rep.home_lat, *(a.lat for a in rep.accounts)])
        travel = travel_matrices(lon, lat, settings.travel, OsrmClient(options.osrm_url))
        if travel.warning:
            warning = f"{rep.name}: {travel.warning}"
    cycle = plan_call_cycle(rep.accounts, schedule, settings, state, travel)
    if math.isfinite(rep.capacity_hours) and rep.capacity_hours > 0:
        capacity = rep.capacity_hours * options.weeks / 52.0
    else:
        capacity = cycle.totals.capacity_hours
    work = cycle.totals.drive_hours + cycle.totals.visit_hours
    source = travel.source if travel is not None else "great-circle"
    return RepRoutes(
        rep, cycle, capacity, work / capacity if capacity > 0 else 0.0, source
    ), warning


def _route_rep(
    item: tuple[RepRouteInput, RoutesOptions, date, dict[date, str]], state: TaskState
) -> tuple[RepRoutes, str | None]:
    """One rep's routes: the job :func:`plan_routes` hands to a worker process."""
    rep, options, start, holidays = item
    return _plan_rep(rep, options, start, state, holidays)


def plan_routes(
    snapshot: RoutesSnapshot, options: RoutesOptions | None = None, state: TaskState | None = None
) -> RoutesResult:
    """Plan every snapshotted rep's call cycle and day routes, reps side by side.

    Each rep is one job for :func:`planner.optimise.workers.run_jobs`: ``options.workers``
    processes (default one per CPU core) route reps in parallel; the result is the same as
    routing them one after another, because each rep's plan depends only on its own input
    and seed.

    Parameters
    ----------
    snapshot : RoutesSnapshot
        From :func:`snapshot_for_routes`.
    options : RoutesOptions, optional
        Default: :meth:`RoutesOptions.from_settings` of the snapshot's settings.
    state : TaskState, optional
        Progress (``"Rep 3/20 Jane Doe: Routing 20 days as one problem"``; the fraction is
        the mean over reps) and cancel. Cancel stops every worker's search at once; the reps
        finished before it are returned with ``cancelled`` set, and every other rep's due
        visits are listed as not planned.

    Returns
    -------
    RoutesResult

    Raises
    ------
    RoutesOptionsError
        On an invalid option.
    """
    options = options or RoutesOptions.from_settings(snapshot.settings)
    options.validate()
    state = state or TaskState()
    start, _last = options.horizon()
    holidays = options.holidays_in_horizon()
    n = len(snapshot.reps)
    done: list[RepRoutes] = []
    warnings: list[str] = []
    route_cols: dict[str, list[Any]] = {c: [] for c in (*ROUTE_DAY_FIELDS, "geometry")}
    stop_cols: dict[str, list[Any]] = {c: [] for c in (*ROUTE_STOP_FIELDS, "geometry")}
    off_cols: dict[str, list[Any]] = {c: [] for c in DAYS_OFF_COLUMNS}
    unplaced_parts = []
    fractions = [0.0] * n

    def progress(job: int, fraction: float | None, message: str) -> None:
        if fraction is not None:
            fractions[job] = fraction
        rep = snapshot.reps[job]
        text = f"Rep {job + 1}/{n} {rep.name}"
        if message:
            text += f": {message}"
        if n > 1:
            text += f" ({sum(f >= 1.0 for f in fractions)} of {n} reps done)"
        state.report(sum(fractions) / max(n, 1), text)

    outcomes = run_jobs(
        _route_rep,
        [(rep, options, start, holidays) for rep in snapshot.reps],
        workers=options.workers,
        state=state,
        on_progress=progress,
        sizes=[len(rep.accounts) for rep in snapshot.reps],
    )
    cancelled = state.is_cancelled()
    for k, rep in enumerate(snapshot.reps):
        if k not in outcomes or outcomes[k][0].cycle.cancelled:
            cancelled = True
            continue
        rep_routes, warning = outcomes[k]
        done.append(rep_routes)
        for day in rep_routes.cycle.days_off:
            off_cols["rep_id"].append(rep.rep_id)
            off_cols["day"].append(day.isoformat())
            off_cols["reason"].append(holidays.get(day, "day off"))
        if warning:
            warnings.append(warning)
        routes, stops = _rep_layers(rep, rep_routes.cycle, start)
        for key, values in routes.items():
            route_cols[key] += values
        for key, values in stops.items():
            stop_cols[key] += values
        cycle = rep_routes.cycle
        if cycle.unplaced:
            idx = np.array([u.account for u in cycle.unplaced], dtype=np.int64)
            unplaced_parts.append(
                pd.DataFrame(
                    {
                        "account_id": rep.account_ids[idx],
                        "name": rep.account_names[idx],
                        "rep_id": rep.rep_id,
                        "territory_id": [rep.territory_ids[t] for t in rep.territory_of[idx]],
                        "visits": [u.visits for u in cycle.unplaced],
                        "reason": [u.reason for u in cycle.unplaced],
                    }
                )
            )
    excluded = snapshot.excluded.copy()
    if len(excluded):
        excluded["visits"] = visits_in_horizon(
            snapshot.excluded_visits_per_year, options.weeks, options.cycle_index
        )
    planned_ids = {r.rep.rep_id for r in done}
    if cancelled:
        # Reps not reached keep no routes; their accounts are listed so nothing goes missing.
        for rep in snapshot.reps:
            if rep.rep_id in planned_ids or not rep.accounts:
                continue
            due = visits_in_horizon(
                [a.visits_per_year for a in rep.accounts], options.weeks, options.cycle_index
            )
            unplaced_parts.append(
                pd.DataFrame(
                    {
                        "account_id": rep.account_ids,
                        "name": rep.account_names,
                        "rep_id": rep.rep_id,
                        "territory_id": [rep.territory_ids[t] for t in rep.territory_of],
                        "visits": due,
                        "reason": "not planned: planning was cancelled",
                    }
                )[due > 0]
            )
    unplaced = (
        pd.concat([excluded, *unplaced_parts], ignore_index=True) if unplaced_parts else excluded
    )
    unplaced = unplaced.reindex(columns=list(UNPLACED_COLUMNS)).reset_index(drop=True)
    unplaced["visits"] = unplaced["visits"].astype(np.int64)
    routes_frame = (
        gpd.GeoDataFrame(route_cols, geometry="geometry", crs=WGS84)
        if route_cols["rep_id"]
        else _empty_routes()
    )
    stops_frame = (
        gpd.GeoDataFrame(stop_cols, geometry="geometry", crs=WGS84)
        if stop_cols["rep_id"]
        else _empty_stops()
    )
    routes_frame["visits"] = routes_frame["visits"].astype(np.int64)
    stops_frame["seq"] = stops_frame["seq"].astype(np.int64)
    state.report(1.0, "Cancelled" if cancelled else "Routes planned")
    return RoutesResult(
        options=options,
        start_date=start,
        rep_ids=snapshot.rep_ids,
        all_reps=snapshot.all_reps,
        reps=done,
        totals=_totals_frame(done, options, start),
        routes=routes_frame,
        route_stops=stops_frame,
        unplaced=unplaced,
        days_off=pd.DataFrame(off_cols, columns=list(DAYS_OFF_COLUMNS)),
        warnings=warnings,
        cancelled=cancelled,
    )


def _totals_frame(reps: Sequence[RepRoutes], options: RoutesOptions, start: date) -> pd.DataFrame:
    rows = []
    _first, last = options.horizon()
    label = calendar_label(options.holiday_country, options.holiday_subdivision)
    for r in reps:
        t = r.cycle.totals
        rows.append(
            {
                "rep_id": r.rep.rep_id,
                "name": r.rep.name,
                "territories": ",".join(r.rep.territory_ids),
                "start_date": start.isoformat(),
                "weeks": options.weeks,
                "days": sum(1 for d in r.cycle.days if d.stops),
                "accounts": len(r.rep.accounts),
                "visits_due": int(r.cycle.visits_due.sum()),
                "visits": t.visits,
                "unplaced_visits": sum(u.visits for u in r.cycle.unplaced),
                "distance_km": t.distance_km,
                "drive_hours": t.drive_hours,
                "visit_hours": t.visit_hours,
                "capacity_hours": r.capacity_hours,
                "utilisation": r.utilisation,
                "miles": t.miles,
                "mileage_rate": t.mileage_rate,
                "mileage_reimbursement": t.mileage_reimbursement,
                "travel_source": r.travel_source,
                "end_date": last.isoformat(),
                "calendar": label,
                "working_days": len(r.cycle.days),
                "days_off": len(r.cycle.days_off),
                "drive_minutes": sum(d.drive_minutes for d in r.cycle.days),
                "working_minutes": sum(d.working_minutes for d in r.cycle.days),
            }
        )
    frame = pd.DataFrame(rows, columns=list(TOTALS_COLUMNS))
    for col in (
        "weeks",
        "days",
        "accounts",
        "visits_due",
        "visits",
        "unplaced_visits",
        "working_days",
        "days_off",
    ):
        frame[col] = frame[col].astype(np.int64)
    return frame


# -- applying to the plan ------------------------------------------------------------------------


_ROUTE_TABLES = (ROUTE_TOTALS_TABLE, ROUTE_UNPLACED_TABLE, ROUTE_DAYS_OFF_TABLE)


@dataclass(frozen=True)
class SavedRoutes:
    """The routes part of a plan, as :func:`save_routes_state` copied it (for undo)."""

    layers: dict[str, gpd.GeoDataFrame]
    tables: dict[str, pd.DataFrame]
    #: Routed hours as set (outdated ones included) and the memberships they were routed for.
    routed_travel_hours: np.ndarray
    routed_fingerprints: np.ndarray | None = None


def save_routes_state(plan: Plan) -> SavedRoutes:
    """Copy the plan's routes layers, route tables and routed travel hours."""
    return SavedRoutes(
        {k: plan.layers[k].copy() for k in (ROUTES_LAYER, ROUTE_STOPS_LAYER) if k in plan.layers},
        {k: plan.tables[k].copy() for k in _ROUTE_TABLES if k in plan.tables},
        *plan.routed_state(),
    )


def restore_routes(plan: Plan, saved: SavedRoutes) -> None:
    """Put back what :func:`save_routes_state` copied, and announce it."""
    layers = saved.layers
    tables = saved.tables
    plan.replace_tables(
        {k: tables[k].copy() if k in tables else None for k in _ROUTE_TABLES},
        {k: layers[k].copy() if k in layers else None for k in (ROUTES_LAYER, ROUTE_STOPS_LAYER)},
    )
    hours = saved.routed_travel_hours
    if hours.shape == (plan.n_territories,):
        # With the fingerprints, territories edited since they were routed stay outdated,
        # and come back once the edit is undone.
        plan.set_routed_travel(hours, saved.routed_fingerprints)
    else:
        routed_travel_from_layers(plan)


def _merge(
    old: pd.DataFrame | None, new: pd.DataFrame, replaced: set[str], everything: bool
) -> Any:
    if old is None or everything or not len(old):
        return new.copy()
    keep = old[~old["rep_id"].isin(replaced)]
    if not len(keep):
        return new.copy()
    if not len(new):
        return keep.reset_index(drop=True)
    merged = pd.concat([keep, new], ignore_index=True)
    if isinstance(new, gpd.GeoDataFrame):
        return gpd.GeoDataFrame(merged, geometry=new.geometry.name, crs=WGS84)
    return merged


def apply_routes(plan: Plan, result: RoutesResult) -> np.ndarray:
    """Store a result in the plan and make the balance's workload use routed travel.

    The ``routes`` and ``route_stops`` layers and the ``route_totals``, ``route_unplaced`` and
    ``route_days_off`` tables get the result's rows; rows of reps not planned this time are kept (when every rep
    was planned, everything is replaced). Then :func:`routed_travel_from_layers` sets the
    routed travel per territory; the plan announces both changes (the balance refreshes)
    tells listeners (the balance panel) to refresh.

    Returns
    -------
    ndarray
        Routed travel hours per year for each territory (NaN where its rep has no routes).
    """
    replaced = set(result.rep_ids)
    everything = result.all_reps
    old_unplaced = plan.tables.get(ROUTE_UNPLACED_TABLE)
    if old_unplaced is not None and not everything:
        # Rows without a rep (no rep, Unassigned) belong to the all-reps run that made them.
        old_unplaced = old_unplaced[old_unplaced["rep_id"].notna()]
    plan.replace_tables(
        {
            ROUTE_TOTALS_TABLE: _merge(
                plan.tables.get(ROUTE_TOTALS_TABLE), result.totals, replaced, everything
            ),
            ROUTE_UNPLACED_TABLE: _merge(old_unplaced, result.unplaced, replaced, everything),
            ROUTE_DAYS_OFF_TABLE: _merge(
                plan.tables.get(ROUTE_DAYS_OFF_TABLE), result.days_off, replaced, everything
            ),
        },
        {
            ROUTES_LAYER: _merge(
                plan.layers.get(ROUTES_LAYER), result.routes, replaced, everything
            ),
            ROUTE_STOPS_LAYER: _merge(
                plan.layers.get(ROUTE_STOPS_LAYER), result.route_stops, replaced, everything
            ),
        },
    )
    return routed_travel_from_layers(plan)


def clear_routes(plan: Plan) -> None:
    """Remove the routes from the plan: workload goes back to the travel estimate."""
    plan.replace_tables(
        dict.fromkeys(_ROUTE_TABLES), dict.fromkeys((ROUTES_LAYER, ROUTE_STOPS_LAYER))
    )
    plan.set_routed_travel(np.full(plan.n_territories, np.nan))
