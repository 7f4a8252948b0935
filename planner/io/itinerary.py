"""Per-rep visit itineraries: one Excel workbook per rep, printed and read away from the app.

A rep is emailed one file: their own. :func:`write_itineraries` writes one ``.xlsx`` per rep
with planned routes (``<rep id> <rep name> itinerary <start>.xlsx``), each a single sheet:

- a header with the rep, the horizon (first and last day, weeks), the holiday calendar and
  the rep's totals (visits, days, km and miles, drive and working hours, mileage at the
  plan's rate);
- a section per working day with visits, in date order: the date, leaving home, every stop
  (order, account id and name, address, city, state, ZIP, latitude, longitude, arrival,
  departure, visit minutes, drive minutes and km from the previous stop), returning home
  (with the drive home) and the day's totals (visits, km, drive, visit and working minutes);
  a public holiday or day off that falls on a working weekday is a line of its own;
- the visits that could not be planned for the rep, with the reasons.

Print set-up: landscape, fit to one page wide, the column headings repeated on every page,
10 pt text, a page break after every day (a rep takes the day's page along), and a footer
with the page number of the count.

Everything is read from the plan's ``routes`` and ``route_stops`` layers and ``route_totals``,
``route_days_off`` and ``route_unplaced`` tables (see :mod:`planner.optimise.visit_planning`);
columns missing in routes planned by an earlier version are filled from the accounts or left
blank. Text is always written as text: an account named ``=SUM(A1)`` stays a name, never a
formula. openpyxl is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.models.i18n import gettext as tr
from planner.models.i18n import tr_noop
from planner.models.progress import TaskState
from planner.models.settings import Settings
from planner.models.timeofday import parse_time_of_day

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from planner.models.plan import Plan

__all__ = [
    "ITINERARY_COLUMNS",
    "ItineraryError",
    "ItinerarySource",
    "itinerary_file_name",
    "itinerary_source",
    "itinerary_workbook",
    "write_itineraries",
]

#: The stop columns of every day section: heading, ``route_stops`` field, width, number format.
ITINERARY_COLUMNS: tuple[tuple[str, str, float, str | None], ...] = (
    ("#", "seq", 4, "0"),
    (tr_noop("Account ID"), "account_id", 11, None),
    (tr_noop("Account"), "account_name", 27, None),
    (tr_noop("Address"), "address", 24, None),
    (tr_noop("City"), "city", 13, None),
    (tr_noop("State"), "state", 6, None),
    (tr_noop("ZIP"), "zip", 7, None),
    (tr_noop("Latitude"), "lat", 9, "0.00000"),
    (tr_noop("Longitude"), "lon", 10.5, "0.00000"),
    (tr_noop("Arrive"), "arrival", 7, None),
    (tr_noop("Depart"), "departure", 7, None),
    (tr_noop("Visit (min)"), "visit_minutes", 7, "0"),
    (tr_noop("Drive from previous (min)"), "drive_minutes", 9, "0"),
    (tr_noop("Km from previous"), "distance_km", 9, "0.0"),
)
# The widths add up to about one landscape Letter or A4 page at 10 pt, so fitting to the
# page width prints the text at 9 pt or more.
#: The row of column headings (repeated at the top of every printed page).
HEADING_ROW = 5
FONT_SIZE = 10
_KM_PER_MILE = 1.609344
_COL = {field: k + 1 for k, (_h, field, _w, _f) in enumerate(ITINERARY_COLUMNS)}


class ItineraryError(ValueError):
    """The plan has no routes for a rep asked for, or the folder cannot be written."""


@dataclass(frozen=True)
class ItinerarySource:
    """What itineraries are written from, copied from a plan (see :func:`itinerary_source`)."""

    name: str
    settings: Settings
    accounts: pd.DataFrame
    reps: pd.DataFrame
    layers: dict[str, pd.DataFrame]
    tables: dict[str, pd.DataFrame]


_ROUTE_LAYERS = ("routes", "route_stops")
_ROUTE_TABLES = ("route_totals", "route_days_off", "route_unplaced")


def itinerary_source(plan: Plan) -> ItinerarySource:
    """Copy what itineraries need from ``plan`` (on its thread), to write them in the background."""
    columns = [
        c
        for c in ("account_id", "name", "address", "city", "state", "zip", "lon", "lat")
        if c in plan.accounts
    ]
    return ItinerarySource(
        name=plan.name,
        settings=replace(plan.settings),
        accounts=plan.accounts[columns].copy(),
        reps=plan.reps[["rep_id", "name"]].copy(),
        layers={k: plan.layers[k].copy() for k in _ROUTE_LAYERS if k in plan.layers},
        tables={k: plan.tables[k].copy() for k in _ROUTE_TABLES if k in plan.tables},
    )


@dataclass(frozen=True)
class _RepRoutes:
    rep_id: str
    name: str
    stops: pd.DataFrame
    days: pd.DataFrame
    totals: dict[str, Any]
    days_off: pd.DataFrame
    unplaced: pd.DataFrame


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _frame(plan: Plan | ItinerarySource, name: str) -> pd.DataFrame:
    frame = plan.layers.get(name)
    if frame is None:
        frame = plan.tables.get(name)
    if frame is None:
        return pd.DataFrame()
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


def _rep_routes(plan: Plan | ItinerarySource, rep_id: str) -> _RepRoutes:
    stops = _frame(plan, "route_stops")
    if not len(stops) or not (stops["rep_id"].astype(str) == rep_id).any():
        raise ItineraryError(f"rep {rep_id!r} has no planned routes in this plan")
    stops = stops[stops["rep_id"].astype(str) == rep_id].copy()
    stops["seq"] = pd.to_numeric(stops["seq"], errors="coerce")
    stops = stops.sort_values(["day", "seq"], kind="stable").reset_index(drop=True)
    # Routes planned before the itinerary fields existed: fill them from the accounts.
    accounts = plan.accounts.set_index(plan.accounts["account_id"].astype(str))
    accounts = accounts[~accounts.index.duplicated()]
    ids = stops["account_id"].astype(str)
    for field, column in (
        ("account_name", "name"),
        ("address", "address"),
        ("city", "city"),
        ("state", "state"),
        ("zip", "zip"),
        ("lon", "lon"),
        ("lat", "lat"),
    ):
        if field not in stops:
            stops[field] = accounts[column].reindex(ids).to_numpy() if column in accounts else ""
    if "visit_minutes" not in stops:
        arrive = stops["arrival"].map(lambda t: parse_time_of_day(t) or np.nan)
        stops["visit_minutes"] = stops["departure"].map(parse_time_of_day) - arrive
    days = _frame(plan, "routes")
    if len(days):
        days = days[days["rep_id"].astype(str) == rep_id].set_index("day")
    totals_frame = _frame(plan, "route_totals")
    totals: dict[str, Any] = {}
    if len(totals_frame):
        mine = totals_frame[totals_frame["rep_id"].astype(str) == rep_id]
        if len(mine):
            totals = {str(k): v for k, v in mine.iloc[0].items()}
    off = _frame(plan, "route_days_off")
    off = off[off["rep_id"].astype(str) == rep_id] if len(off) else off
    unplaced = _frame(plan, "route_unplaced")
    unplaced = unplaced[unplaced["rep_id"].astype(str) == rep_id] if len(unplaced) else unplaced
    reps = plan.reps
    names = dict(zip(reps["rep_id"].astype(str), reps["name"], strict=True))
    name = _text(totals.get("name")) or _text(names.get(rep_id)) or rep_id
    return _RepRoutes(rep_id, name, stops, days, totals, off, unplaced)


def _long_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _clock_minutes(minutes: float) -> str:
    whole = round(float(minutes))
    return f"{whole // 60} h {whole % 60:02d} min"


class _Sheet:
    """Writes cells in the itinerary's style; text always as text."""

    def __init__(self, ws: Worksheet) -> None:
        from openpyxl.styles import Font

        self.ws = ws
        self.row = 1
        self.font = Font(size=FONT_SIZE)
        self.bold = Font(size=FONT_SIZE, bold=True)
        self.italic = Font(size=FONT_SIZE, italic=True)

    def put(
        self, col: int, value: object, font: Any = None, number_format: str | None = None
    ) -> Any:
        cell = self.ws.cell(row=self.row, column=col)
        if value is None or (isinstance(value, float) and not np.isfinite(value)):
            cell.value = None
        elif isinstance(value, str):
            cell.value = value
            # A value starting with = would otherwise be stored as a formula.
            cell.data_type = "s"
        else:
            cell.value = value
            if number_format:
                cell.number_format = number_format
        cell.font = font or self.font
        return cell

    def fill_row(self, fill: Any, font: Any = None) -> None:
        for col in range(1, len(ITINERARY_COLUMNS) + 1):
            cell = self.ws.cell(row=self.row, column=col)
            cell.fill = fill
            if font is not None:
                cell.font = font


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _column_sum(frame: pd.DataFrame, column: str) -> float:
    if column not in frame:
        return 0.0
    return float(pd.to_numeric(frame[column], errors="coerce").sum())


def itinerary_workbook(plan: Plan | ItinerarySource, rep_id: str) -> Workbook:
    """The itinerary workbook of one rep (not saved).

    Parameters
    ----------
    plan : Plan
        A plan with routes planned for ``rep_id``.
    rep_id : str

    Returns
    -------
    openpyxl.Workbook

    Raises
    ------
    ItineraryError
        When the plan has no routes for ``rep_id``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break

    rep = _rep_routes(plan, str(rep_id))
    currency = plan.settings.currency
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = re.sub(r"[\[\]:*?/\\]", "_", f"{rep.rep_id} itinerary")[:31]
    sheet = _Sheet(ws)
    title_font = type(sheet.bold)(size=14, bold=True)
    heading_fill = PatternFill("solid", fgColor="DDE5F0")
    day_fill = PatternFill("solid", fgColor="EEF2F7")
    thin = Border(bottom=Side(style="thin", color="BBBBBB"))
    centred = Alignment(horizontal="center")
    top_left = Alignment(horizontal="left", vertical="top")

    start = rep.totals.get("start_date") or (str(rep.stops["day"].min()))
    end = rep.totals.get("end_date") or (str(rep.stops["day"].max()))
    first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
    weeks = rep.totals.get("weeks")
    horizon = f"{_long_date(first)} – {_long_date(last)}"
    if _number(weeks):
        horizon += tr(" ({n} weeks)").format(n=int(float(weeks)))  # type: ignore[arg-type]

    sheet.put(
        1,
        tr("Visit itinerary: {name} ({rep_id})").format(name=rep.name, rep_id=rep.rep_id),
        title_font,
    )
    sheet.row = 2
    calendar = _text(rep.totals.get("calendar"))
    holidays = tr("; public holidays: {calendar}").format(calendar=calendar) if calendar else ""
    sheet.put(
        1,
        tr("Horizon: {horizon}{holidays}; plan: {name}").format(
            horizon=horizon, holidays=holidays, name=plan.name
        ),
    )
    sheet.row = 3
    visits = len(rep.stops)
    day_count = rep.stops["day"].nunique()
    km = _column_sum(rep.days, "distance_km")
    drive = _column_sum(rep.days, "drive_minutes")
    summary = (
        f"Totals: {visits:,} visits on {day_count} days; {km:,.0f} km "
        f"({km / _KM_PER_MILE:,.0f} mi); driving {_clock_minutes(drive)}"
    )
    if "working_minutes" in rep.days:
        summary += f"; working {_clock_minutes(_column_sum(rep.days, 'working_minutes'))}"
    rate = _number(rep.totals.get("mileage_rate"))
    if rate is None:
        rate = plan.settings.mileage_rate_per_mile
    summary += f"; mileage {currency}{km / _KM_PER_MILE * rate:,.2f} at {currency}{rate:g}/mi"
    sheet.put(1, summary)

    sheet.row = HEADING_ROW
    for col, (english, _field, width, _fmt) in enumerate(ITINERARY_COLUMNS, start=1):
        heading = tr(english)
        cell = sheet.put(col, heading, sheet.bold)
        cell.fill = heading_fill
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        ws.column_dimensions[cell.column_letter].width = width
    ws.row_dimensions[HEADING_ROW].height = 3 * 13.5  # the longest heading wraps to 3 lines
    ws.freeze_panes = ws.cell(row=HEADING_ROW + 1, column=1)

    off = {
        str(d): _text(r)
        for d, r in zip(rep.days_off.get("day", []), rep.days_off.get("reason", []), strict=True)
    }
    day_names = sorted(set(rep.stops["day"].astype(str)) | set(off))
    arrive_col, depart_col = _COL["arrival"], _COL["departure"]
    drive_col, km_col, visit_col = _COL["drive_minutes"], _COL["distance_km"], _COL["visit_minutes"]
    name_col = _COL["account_name"]
    sheet.row = HEADING_ROW + 1
    for day in day_names:
        when = date.fromisoformat(day)
        if day in off and day not in set(rep.stops["day"]):
            sheet.put(
                1,
                tr("{value}: no visits ({value2})").format(
                    value=_long_date(when), value2=off[day] or "day off"
                ),
                sheet.italic,
            )
            sheet.row += 1
            continue
        route = rep.days.loc[day] if day in rep.days.index else pd.Series(dtype=object)
        stops = rep.stops[rep.stops["day"] == day]
        sheet.fill_row(day_fill, sheet.bold)
        sheet.put(1, f"{when:%A} {when.day} {when:%B %Y}", sheet.bold)
        sheet.row += 1
        sheet.put(name_col, tr("Leave home"), sheet.italic)
        sheet.put(depart_col, _text(route.get("leave_home"))).alignment = centred
        sheet.row += 1
        for values in stops.to_dict("records"):
            for col, (_heading, field, _width, fmt) in enumerate(ITINERARY_COLUMNS, start=1):
                value = values.get(field)
                if field in ("arrival", "departure"):
                    sheet.put(col, _text(value)).alignment = centred
                elif fmt is None:
                    sheet.put(col, _text(value))
                else:
                    number = _number(value)
                    sheet.put(col, number, number_format=fmt)
            for col in range(1, len(ITINERARY_COLUMNS) + 1):
                ws.cell(row=sheet.row, column=col).border = thin
            sheet.row += 1
        sheet.put(name_col, tr("Return home"), sheet.italic)
        sheet.put(arrive_col, _text(route.get("return_home"))).alignment = centred
        sheet.put(drive_col, _number(route.get("return_drive_minutes")), number_format="0")
        sheet.put(km_col, _number(route.get("return_distance_km")), number_format="0.0")
        sheet.row += 1
        day_km = _number(route.get("distance_km"))
        day_drive = _number(route.get("drive_minutes"))
        day_working = _number(route.get("working_minutes"))
        lunch = _text(route.get("lunch_start"))
        note = tr("Day total: {n} visits").format(n=len(stops))
        if day_working is not None:
            note += f"; working {round(day_working)} min ({_clock_minutes(day_working)})"
        if lunch:
            note += f"; lunch from {lunch}"
        sheet.put(name_col, note, sheet.bold)
        sheet.put(visit_col, _number(stops["visit_minutes"].sum()), sheet.bold, "0")
        sheet.put(drive_col, day_drive, sheet.bold, "0")
        sheet.put(km_col, day_km, sheet.bold, "0.0")
        # One day to a page: the break follows the day's totals.
        ws.row_breaks.append(Break(id=sheet.row))
        sheet.row += 2

    if len(rep.unplaced):
        sheet.fill_row(day_fill, sheet.bold)
        sheet.put(1, tr("Not planned: visits due in the horizon that are not in a day"), sheet.bold)
        sheet.row += 1
        # Account, visits, then the reason across the rest of the row (wrapped).
        reason_col, last_col = 5, len(ITINERARY_COLUMNS)
        reason_width = sum(w for _h, _f, w, _n in ITINERARY_COLUMNS[reason_col - 1 :])
        for col, english in ((2, "Account ID"), (3, "Account"), (4, "Visits"), (5, "Reason")):
            heading = tr(english)
            sheet.put(col, heading, sheet.bold)
        sheet.row += 1
        for record in rep.unplaced.to_dict("records"):
            sheet.put(2, _text(record.get("account_id"))).alignment = top_left
            sheet.put(3, _text(record.get("name"))).alignment = top_left
            sheet.put(4, _number(record.get("visits")), number_format="0").alignment = top_left
            reason = _text(record.get("reason"))
            sheet.put(reason_col, reason).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(
                start_row=sheet.row, start_column=reason_col, end_row=sheet.row, end_column=last_col
            )
            # 10 pt text fits about 1.2 characters per unit of column width.
            lines = max(1, math.ceil(len(reason) / (1.2 * reason_width)))
            if lines > 1:
                ws.row_dimensions[sheet.row].height = 13.5 * lines
            sheet.row += 1

    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    # Header and footer text is Excel's own mini-language: '&' starts a code.
    safe_name = f"{rep.name} ({rep.rep_id})".replace("&", "&&")
    ws.oddHeader.left.text = f"Visit itinerary: {safe_name}"
    ws.oddHeader.right.text = horizon.replace("&", "&&")
    ws.oddFooter.center.text = tr("Page &P of &N")
    ws.oddFooter.right.text = plan.name.replace("&", "&&")
    return wb


def itinerary_file_name(plan: Plan | ItinerarySource, rep_id: str) -> str:
    """``"R01 Jane Doe itinerary 2026-12-21.xlsx"``: a file name safe on every system."""
    totals = _frame(plan, "route_totals")
    name = ""
    start = ""
    if len(totals):
        mine = totals[totals["rep_id"].astype(str) == rep_id]
        if len(mine):
            name, start = _text(mine.iloc[0].get("name")), _text(mine.iloc[0].get("start_date"))
    if not name:
        reps = plan.reps
        names = dict(zip(reps["rep_id"].astype(str), reps["name"], strict=True))
        name = _text(names.get(rep_id))
    stem = " ".join(p for p in (rep_id, name, "itinerary", start) if p)
    stem = re.sub(r"[^\w\-. ]+", "_", stem).strip(" .") or "itinerary"
    return f"{stem[:120]}.xlsx"


def write_itineraries(
    plan: Plan | ItinerarySource,
    directory: str | os.PathLike[str],
    rep_ids: Iterable[str] | None = None,
    state: TaskState | None = None,
) -> list[Path]:
    """Write one itinerary workbook per rep into ``directory`` (created if missing).

    Parameters
    ----------
    plan : Plan
        A plan with planned routes.
    directory : path
    rep_ids : iterable of str, optional
        Reps to write; default every rep with routes.
    state : TaskState, optional
        Progress per rep; cancel stops before the next rep (files written stay).

    Returns
    -------
    list of Path
        The files written, in rep order. Each is written to a temporary file first and
        renamed, so a failure never leaves a half-written workbook.

    Raises
    ------
    ItineraryError
        When the plan has no routes, a rep asked for has none, or the folder cannot be made.
    """
    state = state or TaskState()
    stops = _frame(plan, "route_stops")
    if not len(stops):
        raise ItineraryError("the plan has no planned routes: plan them first")
    with_routes = list(dict.fromkeys(stops["rep_id"].astype(str)))
    wanted = with_routes if rep_ids is None else [str(r) for r in rep_ids]
    for rep in wanted:
        if rep not in with_routes:
            raise ItineraryError(f"rep {rep!r} has no planned routes in this plan")
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ItineraryError(f"{folder}: cannot create the folder ({exc.strerror})") from None
    written: list[Path] = []
    for k, rep in enumerate(wanted):
        if state.is_cancelled():
            break
        state.report(k / max(len(wanted), 1), f"Itinerary {k + 1}/{len(wanted)}: {rep}")
        workbook = itinerary_workbook(plan, rep)
        target = folder / itinerary_file_name(plan, rep)
        # Beside the target (same file system, so the rename is atomic); not mkstemp, whose
        # owner-only permissions would stay on the file.
        temp = folder / f".{target.stem}.{os.getpid()}.tmp.xlsx"
        try:
            workbook.save(temp)
            os.replace(temp, target)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise ItineraryError(f"{target}: cannot write ({exc.strerror})") from None
        written.append(target)
    state.report(1.0, f"{len(written)} itineraries written")
    return written
