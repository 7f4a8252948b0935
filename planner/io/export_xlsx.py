"""The manager's workbook: a plan that stands on its own in Excel, and comes back edited.

Sheets, in order: **Summary** (plan, settings, the balance table with in-band
colouring, totals, disruption against the baseline and a native bar chart),
**Territories**, **Accounts**, **Units**, **Reps**, **Routes**, **Changes** (every
account and unit whose territory differs from the baseline, with the reason) and
**Map** (a rendered image of the territories).

Every data sheet is an Excel table with a frozen, styled header row, filter
buttons, number formats per column and a landscape, fit-to-width print set-up.
Text is always written as an inline string, never as a formula, so a name such as
``=HYPERLINK(...)`` from an input file stays text; cells beginning with ``=``,
``+``, ``-`` or ``@`` also carry Excel's quote prefix so re-editing them keeps them
text.

The sheet header cells, styles, tables, charts and print settings are written by
openpyxl (write-only mode). The data rows of the table sheets are then streamed
straight into each sheet's XML: openpyxl serialises a cell in tens of
microseconds, which is minutes for a 100,000-account plan, while the rows
themselves are a simple, fixed pattern of ``<c>`` elements (see
:func:`_stream_rows`).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from planner.io.files import atomic_output
from planner.models.balance import COL_VISIT_HOURS, BalanceTable
from planner.models.plan import Disruption, Plan
from planner.models.progress import TaskState

#: Sheet names, in workbook order (a public contract: ``planner review`` reads them back).
SHEETS = (
    "Summary",
    "Territories",
    "Accounts",
    "Units",
    "Reps",
    "Routes",
    "Changes",
    "Map",
)

#: Headers the review reads back from the Accounts and Units sheets.
ACCOUNT_ID = "Account ID"
UNIT_ID = "Unit ID"
TERRITORY_ID = "Territory ID"
TERRITORY = "Territory"

#: Account columns copied to the Accounts sheet when the plan has them (after the core ones).
EXTRA_ACCOUNT_COLUMNS = ("industry", "address", "street", "city", "county", "state", "status")

#: Text that a spreadsheet would read as the start of a formula (OWASP's CSV-injection
#: list, and the full-width forms some spreadsheets also accept).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

HEADER_FILL = "1F4E79"
HEADER_FONT = "FFFFFF"
BAND_GOOD_FILL, BAND_GOOD_FONT = "C6EFCE", "006100"
BAND_BAD_FILL, BAND_BAD_FONT = "FFC7CE", "9C0006"

#: Rows an Excel sheet holds (header included); longer table sheets continue on
#: "Accounts (2)", "Accounts (3)"... which ``planner review`` reads back as one.
EXCEL_MAX_ROWS = 1_048_576

_ROWS_PER_CHUNK = 5000

# XML 1.0 cannot hold most control characters (nor lone surrogates, U+FFFE, U+FFFF):
# a workbook shows them as the Unicode "control pictures" (U+0007 as U+2407 '␇'), so
# nothing is silently lost and the export never fails on them.
_XML_VISIBLE = (
    {chr(c): chr(0x2400 + c) for c in range(32) if c not in (9, 10, 13)}
    | {chr(c): "\ufffd" for c in range(0xD800, 0xE000)}
    | {"\ufffe": "\ufffd", "\uffff": "\ufffd"}
)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_VISIBLE_TABLE = str.maketrans(_XML_VISIBLE)
# Escaping and making control characters visible in one pass (a carriage return as a
# character reference, which XML parsers keep instead of turning it into a line feed).
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"} | _XML_VISIBLE)


def xml_visible(text: str) -> str:
    """``text`` with the characters a workbook cannot store shown as visible symbols.

    Control characters other than tab, line feed and carriage return become their
    Unicode control pictures (U+0007 becomes ``␇``); lone surrogates, U+FFFE and
    U+FFFF become U+FFFD. Other text is returned unchanged.
    """
    return text.translate(_XML_VISIBLE_TABLE) if _XML_ILLEGAL.search(text) else text


def has_invisible(values: Any) -> bool:
    """Whether any text of ``values`` holds a character :func:`xml_visible` replaces."""
    # One pass of the pattern over all texts joined (a line feed is not replaced).
    return _XML_ILLEGAL.search("\n".join(v for v in values if isinstance(v, str))) is not None


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class Column:
    """One column of a table sheet.

    Parameters
    ----------
    header : str
        Header text (unique within the sheet).
    kind : str
        ``text``, ``int``, ``number``, ``currency``, ``percent``, ``hours``, ``km``,
        ``date`` (Excel serial days) or ``time`` (fraction of a day).
    values : sequence
        One value per row: ``str``/``None`` for text, numbers (NaN = empty) otherwise.
    width : float, optional
        Column width in characters; guessed from the header and values when omitted.
    """

    header: str
    kind: str
    values: Any
    width: float | None = None


@dataclass
class TableSheet:
    """A data sheet: a header row and one row per item, written as an Excel table."""

    title: str
    columns: list[Column]
    note: str = ""
    freeze: str = "B2"

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


# -- small helpers ---------------------------------------------------------------------------


def currency_format(symbol: str) -> str:
    """Excel number format for whole amounts in ``symbol`` (e.g. ``"$"#,##0``)."""
    symbol = symbol.replace('"', "")
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


def number_formats(currency: str) -> dict[str, str]:
    """Excel number format per column kind."""
    return {
        "text": "@",
        "int": "#,##0",
        "number": "#,##0.0",
        "currency": currency_format(currency),
        "percent": "0.0%",
        "deviation": "+0.0%;-0.0%;0.0%",
        "hours": "#,##0",
        "km": "#,##0.0",
        "date": "yyyy-mm-dd",
        "time": "hh:mm",
    }


def shown_deviation(deviation: float) -> float:
    """A deviation as the workbook and the map show it: rounded to 0.1 %, never -0.0.

    Colours and "in band" are decided on this value, so a cell showing ``+10.0%`` is
    inside a ±10 % band and ``-0.0%`` never appears.
    """
    return round(float(deviation), 3) + 0.0


def shown_in_band(deviation: float, tolerance: float) -> bool:
    """Whether the shown deviation lies inside ±``tolerance`` (NaN: not in band)."""
    shown = shown_deviation(deviation)
    return bool(np.isfinite(shown) and abs(shown) <= tolerance + 1e-9)


def _text_values(series: pd.Series | Sequence[Any]) -> list[str | None]:
    """Strings (``None`` for missing) from any column."""
    values = pd.Series(series, dtype=object)
    missing = values.isna().to_numpy()
    return [None if m else str(v) for v, m in zip(values.tolist(), missing, strict=True)]


def _numbers(series: Any) -> np.ndarray:
    return pd.to_numeric(pd.Series(series), errors="coerce").to_numpy(dtype=float)


def _flag_text(values: np.ndarray) -> list[str]:
    return ["Yes" if v else "No" for v in np.asarray(values, dtype=bool).tolist()]


def _title(column: str) -> str:
    return column.replace("_", " ").strip().capitalize()


def _guess_width(column: Column) -> float:
    if column.width is not None:
        return column.width
    longest = max(len(w) for w in column.header.split())
    if column.kind == "text":
        sample = [v for v in list(column.values[:2000]) if v]
        if sample:
            longest = max(longest, int(np.percentile([len(v) for v in sample], 95)))
        return float(min(max(longest + 2, 8), 42))
    widths = {"date": 11, "time": 7, "percent": 8, "int": 9, "hours": 9, "km": 10}
    return float(max(widths.get(column.kind, 12), min(longest + 2, 16)))


def _excel_days(values: Any) -> np.ndarray:
    """Excel serial day numbers of ISO dates (NaN where a value is not a date)."""
    stamps = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce", format="mixed")
    return ((stamps - _EXCEL_EPOCH).dt.total_seconds() / 86400.0).to_numpy(dtype=float)


def _day_fraction(values: Any) -> np.ndarray:
    """Times as fractions of a day: minutes after midnight, ``HH:MM`` or ISO date-times."""
    series = pd.Series(values, dtype=object)
    minutes = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, copy=True)
    text = series[np.isnan(minutes) & series.notna().to_numpy()]
    if len(text):
        stamps = pd.to_datetime(text.astype(str), errors="coerce", format="mixed")
        minutes[text.index.to_numpy()] = (stamps.dt.hour * 60 + stamps.dt.minute).to_numpy(
            dtype=float
        )
    return minutes / 1440.0


def _rep_names(plan: Plan) -> dict[str, str]:
    reps = plan.reps
    return {
        str(r): (str(n) if isinstance(n, str) and n else str(r))
        for r, n in zip(reps["rep_id"], reps["name"], strict=True)
    }


def _territory_reps(plan: Plan) -> tuple[list[str | None], list[str | None]]:
    """Rep id and rep name per territory (``None`` where no rep is set)."""
    names = _rep_names(plan)
    ids = _text_values(plan.territories["rep_id"])
    return ids, [names.get(r, r) if r else None for r in ids]


def workload_hours(plan: Plan, table: BalanceTable) -> np.ndarray:
    """Workload (visit plus travel hours a year) per territory."""
    try:
        return table.values[:, table.column("workload")].astype(float)
    except ValueError:
        engine = plan.engine
        _, _, travel_km = engine.values()
        visit = engine.totals[: plan.n_territories, COL_VISIT_HOURS]
        routed = engine.routed_travel_hours
        travel = np.where(
            np.isfinite(routed), routed, travel_km / max(plan.settings.speed_kmh, 1e-9)
        )
        return np.asarray(visit + travel, dtype=float)


def move_reasons(plan: Plan) -> tuple[dict[str, str], dict[str, str]]:
    """Reasons the optimiser gave, by account id and by unit id.

    Read from the plan's ``optimiser_moves`` table when it has one (``kind``,
    ``item_id``, ``to_territory_id``, ``reason``, ``scenario``; ``account_id`` or
    ``unit_id`` columns are understood too). Rows of runs stored as scenarios, and
    moves to a territory the item is no longer in, do not explain the plan as it is.
    The latest fitting row wins.
    """
    moves = plan.tables.get("optimiser_moves")
    accounts: dict[str, str] = {}
    units: dict[str, str] = {}
    if moves is None or len(moves) == 0 or "reason" not in moves:
        return accounts, units
    if "scenario" in moves:
        moves = moves[moves["scenario"].isna().to_numpy()]
    ids = np.array([None, *plan.territory_ids], dtype=object)
    now = {
        "account": dict(
            zip(
                _text_values(plan.accounts["account_id"]),
                ids[plan.account_territory + 1],
                strict=True,
            )
        ),
        "unit": dict(
            zip(_text_values(plan.units["unit_id"]), ids[plan.unit_territory + 1], strict=True)
        )
        if plan.n_units
        else {},
    }
    reasons = _text_values(moves["reason"])
    to_ids = _text_values(moves["to_territory_id"]) if "to_territory_id" in moves else None

    def collect(kind: str, items: list[str | None], mask: np.ndarray, into: dict[str, str]) -> None:
        for n, (item, why) in enumerate(zip(items, reasons, strict=True)):
            if not (mask[n] and item and why) or item not in now[kind]:
                continue
            if to_ids is not None and to_ids[n] != now[kind][item]:
                continue
            into[item] = why

    everything = np.ones(len(moves), dtype=bool)
    if "item_id" in moves and "kind" in moves:
        kinds = moves["kind"].astype(str).str.lower().to_numpy()
        items = _text_values(moves["item_id"])
        collect("account", items, kinds == "account", accounts)
        collect("unit", items, kinds == "unit", units)
    if "account_id" in moves:
        collect("account", _text_values(moves["account_id"]), everything, accounts)
    if "unit_id" in moves:
        collect("unit", _text_values(moves["unit_id"]), everything, units)
    return accounts, units


def _majority(units: np.ndarray, codes: np.ndarray, n_units: int, n_codes: int) -> np.ndarray:
    """Most frequent code per unit (-1 for units with no entries)."""
    counts = np.zeros((n_units, n_codes), dtype=np.int64)
    np.add.at(counts, (units, codes), 1)
    return np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)


def unit_baseline(plan: Plan) -> np.ndarray:
    """Baseline territory index per unit (``-1`` Unassigned, ``-2`` no longer in the plan).

    The plan-file contract has no baseline column on units, so the baseline is the
    units layer's ``baseline_territory_id`` when a plan carries one. Otherwise a unit
    counts as moved when it moved with its accounts: most of its accounts were in
    one territory in the baseline, most are in another now, and the unit is in that
    other one. Its baseline is then the territory most of its accounts had.
    """
    if "baseline_territory_id" in plan.units:
        ids = _text_values(plan.units["baseline_territory_id"])
        lookup = plan.territory_index
        return np.array([-1 if t is None else lookup.get(t, -2) for t in ids], dtype=np.int32)
    out = plan.unit_territory.copy()
    inside = np.flatnonzero(plan.account_unit >= 0)
    if len(inside) == 0:
        return out
    k = plan.n_territories
    # Codes 0..k-1 are territories, k is Unassigned and k+1 a territory no longer in the plan.
    base = plan.baseline_territory[inside]
    base = np.where(base == -1, k, np.where(base == -2, k + 1, base))
    now = plan.account_territory[inside]
    now = np.where(now < 0, k, now)
    units = plan.account_unit[inside]
    base_major = _majority(units, base, plan.n_units, k + 2)
    now_major = _majority(units, now, plan.n_units, k + 2)
    current = np.where(plan.unit_territory < 0, k, plan.unit_territory)
    moved = (base_major >= 0) & (base_major != now_major) & (now_major == current)
    decoded = np.where(base_major == k, -1, np.where(base_major == k + 1, -2, base_major))
    out[moved] = decoded[moved]
    return out


# -- the sheets as data -----------------------------------------------------------------------


def territories_sheet(plan: Plan, table: BalanceTable) -> TableSheet:
    """Territories: rep, region, quota, size and the measure values."""
    t = plan.territories
    rep_ids, rep_names = _territory_reps(plan)
    k = plan.n_territories
    units = np.bincount(plan.unit_territory[plan.unit_territory >= 0], minlength=k)[:k]
    columns = [
        Column(TERRITORY_ID, "text", _text_values(t["territory_id"])),
        Column(TERRITORY, "text", _text_values(t["name"])),
        Column("Region", "text", _text_values(t["parent_id"])),
        Column("Rep ID", "text", rep_ids),
        Column("Rep", "text", rep_names),
        Column("Quota", "currency", _numbers(t["quota"])),
        Column("Locked", "text", _flag_text(plan.territory_locked)),
        Column("Units", "int", units.astype(float)),
    ]
    for j, spec in enumerate(table.measures):
        columns.append(Column(spec.label, _measure_kind(spec.kind), table.values[:, j]))
    columns.append(Column("Area (km²)", "number", plan.engine.area_km2()))
    return TableSheet("Territories", columns, freeze="C2")


def _measure_kind(kind: str) -> str:
    return {"count": "int", "currency": "currency", "hours": "hours"}.get(kind, "number")


def accounts_sheet(plan: Plan) -> TableSheet:
    """Accounts: every account with its territory and rep, key columns, pin and lock."""
    a = plan.accounts
    ids = np.array([None, *plan.territory_ids], dtype=object)
    names = np.array([None, *list(plan.territories["name"])], dtype=object)
    _, rep_names = _territory_reps(plan)
    reps = np.array([None, *rep_names], dtype=object)
    terr = plan.account_territory + 1
    visits = _numbers(a["visits_per_year"])
    minutes = _numbers(a["visit_minutes"])
    baseline = _text_values(a["baseline_territory_id"])
    moved = plan.account_territory != plan.baseline_territory
    columns = [
        Column(ACCOUNT_ID, "text", _text_values(a["account_id"])),
        Column("Name", "text", _text_values(a["name"])),
        Column("ZIP", "text", _text_values(a["zip"]), 8),
        Column("Segment", "text", _text_values(a["segment"]), 9),
    ]
    columns += [
        Column(_title(c), "text", _text_values(a[c])) for c in EXTRA_ACCOUNT_COLUMNS if c in a
    ]
    columns += [
        Column("Revenue", "currency", _numbers(a["revenue"])),
        Column("Potential", "currency", _numbers(a["potential"])),
        Column("Visits / year", "number", visits, 9),
        Column("Minutes / visit", "int", minutes, 9),
        Column("Visit hours / year", "number", visits * minutes / 60.0, 10),
        Column(TERRITORY_ID, "text", list(ids[terr]), 11),
        Column(TERRITORY, "text", list(names[terr])),
        Column("Rep", "text", list(reps[terr])),
        Column("Baseline territory ID", "text", baseline, 11),
        Column("Moved", "text", _flag_text(moved), 8),
        Column("Pinned", "text", _flag_text(plan.account_pinned), 8),
        Column("Locked", "text", _flag_text(plan.account_locked), 8),
        Column("Placement", "text", _text_values(a["placement"])),
    ]
    return TableSheet("Accounts", columns)


def units_sheet(plan: Plan) -> TableSheet:
    """Units: each unit's territory, accounts and area."""
    u = plan.units
    ids = np.array([None, *plan.territory_ids], dtype=object)
    names = np.array([None, *list(plan.territories["name"])], dtype=object)
    _, rep_names = _territory_reps(plan)
    reps = np.array([None, *rep_names], dtype=object)
    terr = plan.unit_territory + 1
    inside = plan.account_unit >= 0
    accounts = np.bincount(plan.account_unit[inside], minlength=plan.n_units)[: plan.n_units]
    name = _text_values(u["name"]) if "name" in u else [None] * plan.n_units
    columns = [
        Column(UNIT_ID, "text", _text_values(u["unit_id"])),
        Column("Name", "text", name),
        Column(TERRITORY_ID, "text", list(ids[terr]), 11),
        Column(TERRITORY, "text", list(names[terr])),
        Column("Rep", "text", list(reps[terr])),
        Column("Accounts", "int", accounts.astype(float)),
        Column("Area (km²)", "number", plan.unit_area_km2),
        Column("Locked", "text", _flag_text(plan.unit_locked), 8),
    ]
    return TableSheet(
        "Units", columns, note="" if plan.n_units else "This plan has no geographic units."
    )


def reps_sheet(plan: Plan, table: BalanceTable) -> TableSheet:
    """Reps: home, capacity, workload and utilisation (workload / capacity)."""
    reps = plan.reps
    workload = workload_hours(plan, table)
    per_rep: dict[str, float] = {}
    territories: dict[str, list[str]] = {}
    for i, rep in enumerate(_text_values(plan.territories["rep_id"])):
        if rep:
            per_rep[rep] = per_rep.get(rep, 0.0) + float(workload[i])
            territories.setdefault(rep, []).append(plan.territory_label(i))
    rep_ids = _text_values(reps["rep_id"])
    capacity = _numbers(reps["capacity_hours"])
    load = np.array([per_rep.get(r or "", np.nan) for r in rep_ids], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        utilisation = np.where(capacity > 0, load / capacity, np.nan)
    columns = [
        Column("Rep ID", "text", rep_ids),
        Column("Rep", "text", _text_values(reps["name"])),
        Column(
            "Territories",
            "text",
            ["; ".join(territories.get(r or "", [])) or None for r in rep_ids],
        ),
    ]
    for extra in ("home_zip", "home_address", "email", "phone"):
        if extra in reps:
            columns.append(
                Column(_title(extra).replace("zip", "ZIP"), "text", _text_values(reps[extra]))
            )
    columns += [
        Column("Home latitude", "number", _numbers(reps["lat"]), 10),
        Column("Home longitude", "number", _numbers(reps["lon"]), 10),
        Column("Capacity (h/yr)", "hours", capacity, 10),
        Column("Workload (h/yr)", "hours", load, 10),
        Column("Utilisation", "percent", utilisation, 10),
    ]
    return TableSheet(
        "Reps", columns, note="" if len(reps) else "This plan has no reps.", freeze="C2"
    )


def routes_sheet(plan: Plan) -> TableSheet:
    """Routes: each planned stop (rep, day, order, account, times, leg distance and drive)."""
    stops = plan.layers.get("route_stops")
    if stops is None or len(stops) == 0:
        return TableSheet(
            "Routes",
            [],
            note=(
                "No visit routes are planned yet. Plan them in Territory Planner "
                "(call cycles and day routes) or with `planner routes`."
            ),
        )
    frame = pd.DataFrame(stops.drop(columns=stops.geometry.name, errors="ignore"))
    for col in ("rep_id", "day", "seq", "account_id", "arrival", "departure"):
        if col not in frame:
            frame[col] = None
    frame["_seq"] = pd.to_numeric(frame["seq"], errors="coerce")
    frame = frame.sort_values(["rep_id", "day", "_seq"], kind="stable").reset_index(drop=True)
    reps = _rep_names(plan)
    accounts = plan.accounts.set_index(plan.accounts["account_id"].astype(str))
    accounts = accounts[~accounts.index.duplicated()]
    account_ids = _text_values(frame["account_id"])
    rep_ids = _text_values(frame["rep_id"])
    columns = [
        Column("Rep ID", "text", rep_ids),
        Column("Rep", "text", [reps.get(r, r) if r else None for r in rep_ids]),
        Column("Day", "date", _excel_days(frame["day"])),
        Column("Order", "int", frame["_seq"].to_numpy(dtype=float), 7),
        Column(ACCOUNT_ID, "text", account_ids),
        Column("Account", "text", _text_values(accounts["name"].reindex(account_ids))),
    ]
    if "address" in accounts:
        columns.append(
            Column("Address", "text", _text_values(accounts["address"].reindex(account_ids)))
        )
    columns += [
        Column("Arrival", "time", _day_fraction(frame["arrival"])),
        Column("Departure", "time", _day_fraction(frame["departure"])),
        Column("Distance (km)", "km", _numbers(frame.get("distance_km")), 10),
        Column("Drive (min)", "int", _numbers(frame.get("drive_minutes")), 9),
    ]
    return TableSheet("Routes", columns, freeze="E2")


def changes_sheet(plan: Plan) -> TableSheet:
    """Changes: every account and unit whose territory differs from the baseline."""
    ids = np.array([None, *plan.territory_ids], dtype=object)
    names = np.array(["Unassigned", *list(plan.territories["name"])], dtype=object)
    account_reasons, unit_reasons = move_reasons(plan)

    moved = np.flatnonzero(plan.account_territory != plan.baseline_territory)
    a = plan.accounts
    account_ids = _text_values(a["account_id"].iloc[moved])
    base_text = _text_values(a["baseline_territory_id"].iloc[moved])
    base = plan.baseline_territory[moved]
    now = plan.account_territory[moved]
    from_names = [
        names[b + 1] if b >= -1 else f"{t} (no longer in the plan)"
        for b, t in zip(base.tolist(), base_text, strict=True)
    ]
    kinds = ["Account"] * len(moved)
    item_ids = account_ids
    item_names = _text_values(a["name"].iloc[moved])
    from_ids: list[str | None] = list(base_text)
    to_ids = list(ids[now + 1])
    to_names = list(names[now + 1])
    revenue = list(np.nan_to_num(_numbers(a["revenue"].iloc[moved])).tolist())
    reasons = [account_reasons.get(i or "", "manual edit") for i in account_ids]

    if plan.n_units:
        ubase = unit_baseline(plan)
        umoved = np.flatnonzero(ubase != plan.unit_territory)
        unit_ids = _text_values(plan.units["unit_id"].iloc[umoved])
        unit_names: list[str | None] = (
            _text_values(plan.units["name"].iloc[umoved])
            if "name" in plan.units
            else [None] * len(umoved)
        )
        ub = ubase[umoved]
        kinds += ["Unit"] * len(umoved)
        item_ids = item_ids + unit_ids
        item_names = item_names + unit_names
        from_ids += [ids[b + 1] if b >= -1 else None for b in ub.tolist()]
        from_names += [names[b + 1] if b >= -1 else "(no longer in the plan)" for b in ub.tolist()]
        to_ids += list(ids[plan.unit_territory[umoved] + 1])
        to_names += list(names[plan.unit_territory[umoved] + 1])
        # Revenue moves with accounts: counting it again on units would double it.
        revenue += [np.nan] * len(umoved)
        reasons += [unit_reasons.get(i or "", "manual edit") for i in unit_ids]

    columns = [
        Column("Type", "text", kinds, 9),
        Column("ID", "text", item_ids),
        Column("Name", "text", item_names),
        Column("From territory ID", "text", from_ids, 11),
        Column("From", "text", from_names),
        Column("To territory ID", "text", to_ids, 11),
        Column("To", "text", to_names),
        Column("Revenue moved", "currency", np.array(revenue, dtype=float)),
        Column("Reason", "text", reasons, 40),
    ]
    note = "" if kinds else "No account or unit differs from the baseline alignment."
    return TableSheet("Changes", columns if kinds else [], note=note, freeze="C2")


# -- writing ----------------------------------------------------------------------------------


class _Styles:
    """Named cell styles of the workbook, registered with openpyxl once."""

    def __init__(self, ws: Any, currency: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = ws
        self.formats = number_formats(currency)
        self._cell = WriteOnlyCell
        thin = Side(style="thin", color="808080")
        self.header_font = Font(bold=True, color=HEADER_FONT)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_alignment = Alignment(wrap_text=True, vertical="center")
        self.header_border = Border(bottom=thin)
        self.bold = Font(bold=True)
        self.total_border = Border(top=thin, bottom=Side(style="double", color="808080"))
        self._ids: dict[tuple[str, bool], int] = {}

    def data_style(self, kind: str, quoted: bool = False) -> int:
        """Style id (``s`` attribute) of a data cell of this kind."""
        key = (kind, quoted)
        if key not in self._ids:
            cell = self._cell(self.ws)
            cell.number_format = self.formats[kind]
            if quoted:
                cell.quotePrefix = True
            self._ids[key] = int(cell.style_id)
        return self._ids[key]

    def cell(
        self,
        value: Any,
        kind: str | None = None,
        bold: bool = False,
        header: bool = False,
        size: float | None = None,
        total: bool = False,
        italic: bool = False,
        center: bool = False,
        right: bool = False,
        indent: int = 0,
    ) -> Any:
        """An openpyxl cell for the Summary or a header; strings are always text."""
        from openpyxl.styles import Alignment, Font

        if isinstance(value, float) and not np.isfinite(value):
            value = None
        if isinstance(value, str):
            value = xml_visible(value)
        c = self._cell(self.ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_PREFIXES):
                c.quotePrefix = True
        if kind is not None:
            c.number_format = self.formats[kind]
        if header:
            c.font = self.header_font
            c.fill = self.header_fill
            c.alignment = self.header_alignment
            c.border = self.header_border
        elif bold or size or italic:
            c.font = Font(bold=bold, size=size, italic=italic, color="595959" if italic else None)
        if total:
            c.border = self.total_border
        if center or right or indent:
            horizontal = "center" if center else "right" if right else "left"
            c.alignment = Alignment(horizontal=horizontal, indent=indent)
        return c


def _page_setup(ws: Any, plan_name: str, title_rows: str | None = "1:1") -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = xml_visible(plan_name).replace("&", "&&")
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"
    if title_rows:
        ws.print_title_rows = title_rows


def _safe_table_name(title: str) -> str:
    return "tbl" + re.sub(r"[^A-Za-z0-9_]", "", title)


def _add_table_sheet(wb: Any, sheet: TableSheet, styles_ws: Any, plan_name: str) -> Any:
    """Create the sheet's header, widths, table and print set-up (rows are streamed later)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet(sheet.title)
    styles: _Styles = styles_ws
    _page_setup(ws, plan_name)
    if not sheet.columns or sheet.n_rows == 0:
        ws.column_dimensions["A"].width = 100
        ws.append([styles.cell(sheet.note or "Nothing to show.", italic=True)])
        return ws
    for j, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _guess_width(column)
    ws.freeze_panes = sheet.freeze
    ws.print_options.gridLines = True
    ws.row_dimensions[1].height = 30
    ws.append([styles.cell(c.header, header=True) for c in sheet.columns])
    last = get_column_letter(len(sheet.columns))
    table = Table(
        displayName=_safe_table_name(sheet.title),
        ref=f"A1:{last}{sheet.n_rows + 1}",
        tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True),
    )
    # Write-only sheets cannot read the header back from their cells: name the columns here.
    table._initialise_columns()
    for col, column in zip(table.tableColumns, sheet.columns, strict=True):
        col.name = xml_visible(column.header)
    with warnings.catch_warnings():
        # openpyxl warns that write-only tables need their columns named: done above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)
    return ws


def split_long_sheet(sheet: TableSheet, max_rows: int | None = None) -> list[TableSheet]:
    """``sheet``, or its pieces when it has more rows than an Excel sheet holds.

    Each piece has the same header and at most ``max_rows - 1`` data rows (default
    :data:`EXCEL_MAX_ROWS`); they are titled ``Accounts``, ``Accounts (2)``, ...
    """
    limit = (EXCEL_MAX_ROWS if max_rows is None else max_rows) - 1
    if limit < 1:
        raise ValueError(f"max_rows must be at least 2, got {limit + 1}")
    n = sheet.n_rows
    if n <= limit:
        return [sheet]
    pieces = []
    for k, start in enumerate(range(0, n, limit), start=1):
        title = sheet.title if k == 1 else f"{sheet.title} ({k})"
        columns = [
            Column(c.header, c.kind, c.values[start : start + limit], c.width or _guess_width(c))
            for c in sheet.columns
        ]
        pieces.append(TableSheet(title, columns, sheet.note, sheet.freeze))
    return pieces


def _encode_column(column: Column, styles: _Styles) -> tuple[np.ndarray, list[str]]:
    """Codes per row into the distinct cell endings of a column (-1 = empty cell).

    A cell is ``<c r="`` + its reference + an ending that depends only on the value,
    so each distinct value is escaped and formatted once (most columns repeat a few
    values: territories, reps, segments, flags).
    """
    if column.kind == "text":
        codes, uniques = pd.factorize(pd.Series(column.values, dtype=object))
        plain = styles.data_style("text")
        quoted = styles.data_style("text", quoted=True)
        endings = []
        for value in uniques.tolist():
            v = str(value)
            text = v.translate(_XML_TEXT)
            style = quoted if v.startswith(FORMULA_PREFIXES) else plain
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            endings.append(f'" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        empty = [i for i, v in enumerate(uniques.tolist()) if str(v) == ""]
        if empty:
            codes = np.where(np.isin(codes, empty), -1, codes)
        return codes, endings
    numbers = np.asarray(column.values, dtype=float)
    numbers = np.where(np.isfinite(numbers), numbers, np.nan)
    number_codes, distinct = pd.factorize(numbers)
    style = styles.data_style(column.kind)
    return number_codes, [f'" s="{style}"><v>{x!r}</v></c>' for x in np.asarray(distinct).tolist()]


def _stream_rows(
    out: Any, sheet: TableSheet, styles: _Styles, state: TaskState, first_row: int = 2
) -> None:
    """Write the sheet's data rows as SpreadsheetML ``<row>`` elements to ``out``."""
    from openpyxl.utils import get_column_letter

    encoded = [
        (f'<c r="{get_column_letter(j)}', *_encode_column(column, styles))
        for j, column in enumerate(sheet.columns, start=1)
    ]
    n = sheet.n_rows
    for start in range(0, n, _ROWS_PER_CHUNK):
        state.raise_if_cancelled()
        stop = min(n, start + _ROWS_PER_CHUNK)
        rows = range(first_row + start, first_row + stop)
        cells = [
            [
                f"{prefix}{r}{endings[k]}" if k >= 0 else ""
                for r, k in zip(rows, codes[start:stop].tolist(), strict=True)
            ]
            for prefix, codes, endings in encoded
        ]
        text = "".join(
            f'<row r="{r}">{"".join(row)}</row>'
            for r, row in zip(rows, zip(*cells, strict=True), strict=True)
        )
        out.write(text.encode("utf-8"))
        state.report(stop / max(n, 1), f"Writing {sheet.title}")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> part name inside the package, from the workbook and its relationships."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("p:Relationship", ns)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", ns):
        target = targets[sheet.get(f"{{{ns['r']}}}id")]
        out[str(sheet.get("name"))] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    return out


def _fill_rows(
    source: Path, target: Path, sheets: list[TableSheet], styles: _Styles, state: TaskState
) -> None:
    """Copy the package, streaming the data rows into the table sheets' ``sheetData``."""
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        paths = sheet_parts(zin)
        by_part = {paths[s.title]: s for s in sheets if s.columns and s.n_rows}
        done = 0
        total = sum(s.n_rows * len(s.columns) for s in by_part.values()) or 1
        for info in zin.infolist():
            sheet = by_part.get(info.filename)
            if sheet is None:
                zout.writestr(info, zin.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = zin.read(info.filename).decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            with zout.open(info.filename, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                size = sheet.n_rows * len(sheet.columns)
                sub = state.sub(0.35 + 0.6 * done / total, 0.35 + 0.6 * (done + size) / total)
                _stream_rows(out, sheet, styles, sub)
                out.write(("</sheetData>" + tail).encode("utf-8"))
            done += size


def scenario_sheets(plan: Plan) -> list[TableSheet]:
    """Comparison and Realignment sheets, when the plan stores scenarios besides its own.

    Comparison: one row per figure, one column per scenario (lower is better), and the
    best. Realignment: every account and unit each stored scenario moves against the
    baseline, with the reason.
    """
    from planner.models.scenarios import (
        compare_scenarios,
        realignment_report,
        scenario_names,
        stored_scenarios,
    )

    stored = stored_scenarios(plan)
    if not stored:
        return []
    comparison = compare_scenarios(plan, scenario_names(plan))
    rows = comparison.rows()
    names = [s.name for s in comparison.scenarios]
    columns = [Column("Figure", "text", [label for _key, label, _values in rows], 38)]
    for j, name in enumerate(names):
        columns.append(Column(name, "number", [float(values[j]) for _k, _l, values in rows]))
    best = []
    for _key, _label, values in rows:
        arr = np.asarray(values, dtype=float)
        best.append(names[int(np.nanargmin(arr))] if np.isfinite(arr).any() else None)
    columns.append(Column("Best", "text", best))
    comparison_sheet = TableSheet(
        "Comparison", columns, note="Lower is better on every row.", freeze="B2"
    )
    reports = [realignment_report(plan, name).assign(scenario=name) for name in stored]
    report = pd.concat(reports, ignore_index=True)
    realignment = TableSheet(
        "Realignment",
        [
            Column("Scenario", "text", _text_values(report["scenario"])),
            Column("Kind", "text", _text_values(report["kind"])),
            Column("ID", "text", _text_values(report["item_id"])),
            Column("Name", "text", _text_values(report["name"])),
            Column("From territory", "text", _text_values(report["from_territory"])),
            Column("To territory", "text", _text_values(report["to_territory"])),
            Column("Revenue moved", "currency", report["revenue"].to_numpy(dtype=float)),
            Column("Reason", "text", _text_values(report["reason"]), 60),
        ],
    )
    return [comparison_sheet, realignment]


def write_workbook(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    map_png: bytes | None = None,
    created: datetime | None = None,
) -> Path:
    """Write the manager's workbook for ``plan`` to ``path`` (atomically).

    Parameters
    ----------
    plan : Plan
        The plan to export (read only; take a snapshot first if it may change meanwhile).
    path : path-like
        The ``.xlsx`` file to write; an existing file is replaced only once the new one
        is complete.
    state : TaskState, optional
        Progress and cancellation.
    map_png : bytes, optional
        The image for the Map sheet; rendered with :func:`planner.io.map_image.render_map_png`
        when omitted.
    created : datetime, optional
        The date printed on the Summary (default: now).

    Returns
    -------
    Path
        The file written.
    """
    from openpyxl import Workbook

    state = state or TaskState()
    created = created or datetime.now()
    target = Path(path)
    state.report(0.0, "Computing the balance")
    table = plan.balance()
    disruption = plan.disruption()
    sheets = [
        territories_sheet(plan, table),
        accounts_sheet(plan),
        units_sheet(plan),
        reps_sheet(plan, table),
        routes_sheet(plan),
        changes_sheet(plan),
        *scenario_sheets(plan),
    ]
    notes = []
    split = []
    for sheet in sheets:
        pieces = split_long_sheet(sheet)
        if len(pieces) > 1:
            more = ", ".join(p.title for p in pieces[1:])
            notes.append(
                f"The {sheet.title} sheet has {sheet.n_rows:,} rows, more than an Excel sheet "
                f"holds ({EXCEL_MAX_ROWS:,} with the header): it continues on {more}."
            )
        split += pieces
    sheets = split
    summary_texts: list[str | None] = [
        plan.name,
        *map(plan.territory_label, range(plan.n_territories)),
    ]
    summary_texts += [m.label for m in table.measures] + _territory_reps(plan)[1]
    if has_invisible(summary_texts) or any(
        has_invisible(column.values)
        for sheet in sheets
        for column in sheet.columns
        if column.kind == "text"
    ):
        notes.append(
            "Some texts of this plan hold control characters, which a workbook cannot "
            "store: they are shown as symbols (U+0007 as \u2407, and so on)."
        )
    state.raise_if_cancelled()
    if map_png is None:
        from planner.io.map_image import render_map_png

        state.report(0.05, "Drawing the map")
        map_png = render_map_png(plan)
    state.raise_if_cancelled()

    state.report(0.3, "Writing the summary")
    wb = Workbook(write_only=True)
    summary_ws = wb.create_sheet("Summary")
    styles = _Styles(summary_ws, plan.settings.currency)
    _write_summary(summary_ws, styles, plan, table, disruption, created, notes)
    for sheet in sheets:
        _add_table_sheet(wb, sheet, styles, plan.name)
    _write_map_sheet(wb, styles, plan, map_png)
    # Register every data style before openpyxl writes styles.xml.
    for kind in number_formats(plan.settings.currency):
        styles.data_style(kind)
    styles.data_style("text", quoted=True)
    wb.properties.title = xml_visible(plan.name)
    wb.properties.creator = "Territory Planner"

    with atomic_output(target) as final, tempfile.TemporaryDirectory() as scratch:
        skeleton = Path(scratch) / "skeleton.xlsx"
        wb.save(skeleton)
        state.raise_if_cancelled()
        _fill_rows(skeleton, final, sheets, styles, state)
    state.report(1.0, f"Wrote {target.name}")
    return target


def _write_summary(
    ws: Any,
    styles: _Styles,
    plan: Plan,
    table: BalanceTable,
    disruption: Disruption,
    created: datetime,
    notes: Sequence[str] = (),
) -> None:
    """The Summary sheet: what a manager reads first, on screen or on paper.

    ``notes`` are printed under the title (how the workbook differs from the plan).
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    measures = table.measures
    k = plan.n_territories
    _, rep_names = _territory_reps(plan)
    quota = _numbers(plan.territories["quota"])
    has_quota = bool(np.isfinite(quota).any())
    kinds = [_measure_kind(m.kind) for m in measures]
    n_unassigned = int((plan.account_territory < 0).sum())
    s = plan.settings

    # Columns: Territory, Rep, [Quota], value and deviation per measure, In band.
    first_measure = 3 + int(has_quota)
    widths = [30.0, 20.0] + ([13.0] if has_quota else [])
    for _ in measures:
        widths += [14.0, 9.0]
    widths.append(9.0)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    _page_setup(ws, plan.name, title_rows=None)

    c = styles.cell
    row = 0

    def put(*cells: Any, height: float | None = None) -> int:
        nonlocal row
        if height is not None:
            ws.row_dimensions[row + 1].height = height
        ws.append(list(cells))
        row += 1
        return row

    def blanks(n: int) -> list[Any]:
        return [c(None) for _ in range(n)]

    put(c(plan.name, bold=True, size=16), height=24)
    put(c(f"Territory plan summary, {created:%d %B %Y}", italic=True))
    for note in notes:
        put(c(note, italic=True))
    put()
    facts: list[tuple[str, float, str]] = [
        ("Accounts", float(plan.n_accounts), "int"),
        ("Unassigned accounts", float(n_unassigned), "int"),
        ("Territories", float(k), "int"),
        ("Reps", float(len(plan.reps)), "int"),
        ("Geographic units", float(plan.n_units), "int"),
        ("Revenue (L12M)", disruption.revenue_total, "currency"),
    ]
    # The settings sit beside the facts so the balance table starts high on page one.
    settings: list[tuple[str, str]] = [("Settings used", "")]
    for spec in measures:
        target = "mean over territories" if spec.target is None else f"{spec.target:,.0f}"
        settings.append((spec.label, f"target {target}, band ± {spec.tolerance * 100:g} %"))
    settings += [
        ("Workload", "visits × minutes per visit + estimated travel, h/yr"),
        (
            "Travel",
            f"{s.visits_per_day:g} visits a day, {s.speed_kmh:g} km/h, road = "
            f"{s.circuity:g} × straight line",
        ),
        ("Mileage rate", f"{s.currency}{s.mileage_rate_per_mile:.2f} per mile"),
    ]
    settings_col = first_measure + 1  # above the first measure's deviation column
    for i in range(max(len(facts), len(settings))):
        cells: list[Any] = [c(None), c(None)]
        if i < len(facts):
            label, value, kind = facts[i]
            cells = [c(label, bold=True), c(value, kind)]
        if i < len(settings):
            label, text = settings[i]
            cells += blanks(settings_col - 1 - len(cells))
            if i == 0:
                cells.append(c(label, bold=True, size=13))
            else:
                # One cell per line: a label column here would be as narrow as Dev. %.
                cells.append(c(f"{label}: {text}"))
        put(*cells)
    put()

    # -- the balance table ----------------------------------------------------------------
    put(c("Balance by territory", bold=True, size=13), height=20)
    put(
        c(
            "Dev. % is the deviation from the measure's target: green lies within the "
            "tolerance band, red outside it.",
            italic=True,
        )
    )
    header = [c("Territory", header=True), c("Rep", header=True)]
    if has_quota:
        header.append(c("Quota", header=True))
    for spec in measures:
        header += [c(spec.label, header=True), c("Dev. %", header=True)]
    header.append(c("In band", header=True))
    header_row = put(*header, height=30)
    for i in range(k):
        cells = [c(plan.territory_label(i)), c(rep_names[i] or "")]
        if has_quota:
            cells.append(c(float(quota[i]), "currency"))
        in_band = 0
        for j, kind in enumerate(kinds):
            dev = float(table.deviation[i, j])
            in_band += shown_in_band(dev, measures[j].tolerance)
            cells += [
                c(float(table.values[i, j]), kind),
                c(shown_deviation(dev), "deviation") if np.isfinite(dev) else c("n/a"),
            ]
        cells.append(c(f"{in_band} of {len(measures)}", center=True))
        put(*cells)
    last_territory_row = row
    if n_unassigned or np.any(table.unassigned):
        cells = [c("Unassigned", italic=True), c(None), *blanks(int(has_quota))]
        for j, kind in enumerate(kinds):
            cells += [c(float(table.unassigned[j]), kind, italic=True), c(None)]
        put(*cells)
    totals = table.values.sum(axis=0) + table.unassigned
    cells = [c("Total", bold=True, total=True), c(None, total=True)]
    if has_quota:
        cells.append(c(float(np.nansum(quota)), "currency", bold=True, total=True))
    for j, kind in enumerate(kinds):
        cells += [c(float(totals[j]), kind, bold=True, total=True), c(None, total=True)]
    cells.append(c(None, total=True))
    put(*cells)
    cells = [c("Target per territory", italic=True), c(None), *blanks(int(has_quota))]
    for j, kind in enumerate(kinds):
        cells += [c(float(table.targets[j]), kind, italic=True), c(None)]
    put(*cells)
    cells = [c("Tolerance band", italic=True), c(None), *blanks(int(has_quota))]
    for spec in measures:
        cells += [c(f"± {spec.tolerance * 100:g} %", italic=True, right=True), c(None)]
    put(*cells)
    if k:
        for j, spec in enumerate(measures):
            col = get_column_letter(first_measure + 2 * j + 1)
            ref = f"{col}{header_row + 1}:{col}{last_territory_row}"
            band = [f"{-spec.tolerance - 1e-9:.10g}", f"{spec.tolerance + 1e-9:.10g}"]
            ws.conditional_formatting.add(
                ref,
                CellIsRule(
                    operator="between",
                    formula=band,
                    fill=PatternFill("solid", bgColor=BAND_GOOD_FILL),
                    font=Font(color=BAND_GOOD_FONT),
                ),
            )
            ws.conditional_formatting.add(
                ref,
                CellIsRule(
                    operator="notBetween",
                    formula=band,
                    fill=PatternFill("solid", bgColor=BAND_BAD_FILL),
                    font=Font(color=BAND_BAD_FONT),
                ),
            )
    put()

    # -- disruption -------------------------------------------------------------------------
    put(c("Disruption against the baseline", bold=True, size=13), height=20)
    put(
        c("Accounts changing territory", bold=True),
        c(float(disruption.accounts_moved), "int"),
        c(disruption.accounts_fraction, "percent"),
        c("of all accounts", italic=True, indent=1),
    )
    put(
        c("Revenue changing territory", bold=True),
        c(disruption.revenue_moved, "currency"),
        c(disruption.revenue_fraction, "percent"),
        c("of all revenue", italic=True, indent=1),
    )
    if disruption.accounts_moved:
        put()
        put(
            c("Territory", header=True),
            c("Rep", header=True),
            c("Accounts gained", header=True),
            c("Accounts lost", header=True),
            c("Revenue gained", header=True),
            c("Revenue lost", header=True),
            height=30,
        )
        for i in range(k):
            if disruption.gained_accounts[i] or disruption.lost_accounts[i]:
                put(
                    c(plan.territory_label(i)),
                    c(rep_names[i] or ""),
                    c(float(disruption.gained_accounts[i]), "int"),
                    c(float(disruption.lost_accounts[i]), "int"),
                    c(float(disruption.gained_revenue[i]), "currency"),
                    c(float(disruption.lost_revenue[i]), "currency"),
                )
    put(c("Every moved account and unit is listed on the Changes sheet.", italic=True))
    put()

    # -- chart --------------------------------------------------------------------------------
    if k and measures:
        from openpyxl.worksheet.pagebreak import Break

        ws.row_breaks.append(Break(id=row))  # the chart starts a page of its own
        put(c("Balance chart: deviation from target by territory", bold=True, size=13), height=20)
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.gapWidth = 60
        chart.y_axis.title = "Deviation from target"
        chart.y_axis.number_format = "0%"
        chart.y_axis.majorGridlines = None
        chart.x_axis.scaling.orientation = "maxMin"  # first territory at the top, as in the table
        chart.x_axis.tickLblPos = "low"  # names at the left edge, clear of negative bars
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend.position = "b"
        for j, spec in enumerate(measures):
            col = first_measure + 2 * j + 1
            data = Reference(ws, min_col=col, min_row=header_row + 1, max_row=last_territory_row)
            chart.add_data(data, titles_from_data=False)
            chart.series[-1].tx = SeriesLabel(v=xml_visible(spec.label))
        chart.set_categories(
            Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_territory_row)
        )
        # About the table's width (a character of width is ~0.19 cm), and tall enough
        # for every bar to stay readable.
        chart.width = 0.24 * sum(widths)
        chart.height = min(40.0, 3.0 + 0.22 * k * len(measures))
        ws.add_chart(chart, f"A{row + 1}")


def _write_map_sheet(wb: Any, styles: _Styles, plan: Plan, png: bytes) -> None:
    from openpyxl.drawing.image import Image

    ws = wb.create_sheet("Map")
    _page_setup(ws, plan.name, title_rows=None)
    ws.page_setup.fitToHeight = 1
    ws.append([styles.cell(f"{plan.name}: territories", bold=True, size=14)])
    ws.append(
        [
            styles.cell(
                f"{plan.n_territories} territories, {plan.n_accounts:,} accounts. "
                "Colours match the Territories sheet; rep homes are marked.",
                italic=True,
            )
        ]
    )
    image = Image(io.BytesIO(png))
    # Fit the image to about a landscape page (in pixels at 96 dpi).
    scale = min(1.0, 1000 / max(image.width, 1))
    image.width, image.height = image.width * scale, image.height * scale
    ws.add_image(image, "A4")


__all__ = [
    "ACCOUNT_ID",
    "EXCEL_MAX_ROWS",
    "SHEETS",
    "TERRITORY",
    "TERRITORY_ID",
    "UNIT_ID",
    "Column",
    "TableSheet",
    "accounts_sheet",
    "atomic_output",
    "changes_sheet",
    "move_reasons",
    "number_formats",
    "sheet_parts",
    "shown_deviation",
    "shown_in_band",
    "split_long_sheet",
    "unit_baseline",
    "workload_hours",
    "write_workbook",
    "xml_visible",
]
