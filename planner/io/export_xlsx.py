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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from planner.io.files import atomic_output
from planner.models.balance import COL_VISIT_HOURS, BalanceTable
from planner.models.i18n import (
    current_language,
    excel_currency_format,
    excel_date_format,
    format_currency,
    format_date,
    format_number,
    tr_noop,
)
from planner.models.i18n import gettext as tr
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
    "Route totals",
    "Unplanned visits",
    "Changes",
    "Map",
)
ROUTE_TOTALS = "Route totals"
UNPLANNED_VISITS = "Unplanned visits"

#: The kinds of stop the Routes sheet lists, marked for the export catalogues.
STOP_KINDS = (
    tr_noop("Visit"),
    tr_noop("Leave home"),
    tr_noop("Lunch"),
    tr_noop("Return home"),
    tr_noop("Day total"),
    tr_noop("Day off"),
    tr_noop("Rep"),
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

#: Widest a text column starts (characters); longer texts wrap.
MAX_TEXT_WIDTH = 50.0
#: Widest a wrapping text column is made from the room left on a narrow sheet's page.
MAX_WRAPPED_WIDTH = 110.0
#: Narrowest a text column is made to fit the page; it wraps its texts instead.
MIN_WRAPPED_WIDTH = 10.0
#: Pixels of column width across a landscape Letter page inside 0.25" margins at 100 %
#: (10.5 in at 96 px per inch); A4 is wider.
PAGE_WIDTH_PX = 1008.0
#: Smallest print scale that "fit to page width" may use: 11 pt text prints at 8 pt.
MIN_PRINT_SCALE = 8.0 / 11.0
#: Widest a column is kept so that its longest word is not split.
MAX_WORD_FLOOR = 12.0
#: Most a text column's width is divided by to fit the page (then it prints across pages).
MAX_WRAP_FACTOR = 5.0
#: Text width cap of a sheet too wide for one page even with narrow text columns.
WIDE_SHEET_TEXT_WIDTH = 24.0
#: Points per line of an 11 pt row (Excel's default row height).
LINE_HEIGHT_PT = 15.0

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
    wrap : bool
        Wrap long texts onto more lines (set by :func:`fit_print_widths` for a text
        column narrower than its longest value, so no text is cut on paper).
    """

    header: str
    kind: str
    values: Any
    width: float | None = None
    wrap: bool = False
    #: Length of the longest text, measured once (a column's values never change).
    longest: int | None = field(default=None, repr=False, compare=False)


@dataclass
class TableSheet:
    """A data sheet: a header row and one row per item, written as an Excel table."""

    title: str
    columns: list[Column]
    note: str = ""
    freeze: str = "B2"
    #: Data rows (0-based) that start a printed page: e.g. each rep's section on Routes.
    page_breaks: list[int] = field(default_factory=list)
    #: Pages the sheet prints across (1 = fit to one page wide); see fit_print_widths.
    pages_wide: int = 1

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0


# -- small helpers ---------------------------------------------------------------------------


def currency_format(symbol: str) -> str:
    """Excel number format for whole amounts in ``symbol`` (e.g. ``"$"#,##0``).

    The symbol stands where the export language's locale puts it (``#,##0" €"`` in Spanish);
    Excel shows the separators by the reader's own settings.
    """
    return excel_currency_format(symbol)


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
        "degrees": "0.00000",
        "rate": currency_format(currency).replace("#,##0", "#,##0.00"),
        # English keeps ISO dates (as before); other languages their locale's order.
        "date": "yyyy-mm-dd" if current_language() == "en" else excel_date_format(),
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


def _longest_text(column: Column) -> int:
    """Characters of the column's longest text (0 when it has none)."""
    if column.longest is None:
        column.longest = max((len(t) for t in _distinct_texts(column)), default=0)
    return column.longest


def _distinct_texts(column: Column) -> list[str]:
    """The column's distinct texts (most columns repeat a few: territories, flags...)."""
    values = pd.unique(np.asarray(column.values, dtype=object))
    return [v for v in values.tolist() if isinstance(v, str)]


def _longest_word(column: Column, at_most: int) -> int:
    """Characters of the longest word (between spaces) of the column's texts, up to ``at_most``.

    Splitting 100,000 names into words takes seconds; most columns have a word of
    ``at_most`` characters or are short, which a pattern search finds in milliseconds.
    """
    if _longest_text(column) <= at_most:
        return _longest_text(column)
    texts = pd.Series(_distinct_texts(column), dtype=object)
    if texts.str.contains(rf"\S{{{at_most}}}", regex=True).any():
        return at_most
    words = texts.str.split().explode()
    longest = words.str.len().max() if len(words) else np.nan
    return int(longest) if np.isfinite(longest) else 0


def _guess_width(column: Column) -> float:
    if column.width is not None:
        return column.width
    # Headers wrap at spaces (the header row is as tall as its longest header needs).
    word = max(len(w) for w in column.header.split()) + 1
    if column.kind == "text":
        # The longest value, not a percentile: a narrower column cuts names on paper.
        longest = max(_longest_text(column) + 2, 7)
        return float(min(max(word, longest), MAX_TEXT_WIDTH))
    fixed = {"date": 11, "time": 7, "percent": 7, "degrees": 10}
    if column.kind in fixed:
        return float(max(fixed[column.kind], word))
    # As wide as the largest value formatted (a narrower number shows as ####).
    numbers = np.abs(np.asarray(column.values, dtype=float))
    largest = float(np.nanmax(numbers)) if np.isfinite(numbers).any() else 0.0
    decimals = {"number": 1, "km": 1, "rate": 2}.get(column.kind, 0)
    shown = len(f"{largest:,.{decimals}f}") + (2 if column.kind in ("currency", "rate") else 1)
    return float(min(max(word, shown, 6), 16))


def _pixels(width: float) -> float:
    """Screen pixels of a column ``width`` characters wide (Calibri 11's 7 px digit).

    The stored width already includes the cell padding (ECMA-376, ``col/@width``).
    """
    return 7.0 * width


def fit_print_widths(sheet: TableSheet) -> TableSheet:
    """Set the sheet's column widths so it prints one page wide at 8 pt or more.

    A landscape Letter page with the workbook's margins holds :data:`PAGE_WIDTH_PX`
    pixels of columns at 100 %; "fit to one page wide" shrinks a wider sheet, and below
    :data:`MIN_PRINT_SCALE` (8 pt type) it is unreadable. Text columns wider than the
    page allows are narrowed, the widest first and never below
    :data:`MIN_WRAPPED_WIDTH`, and wrap their long texts onto more lines (nothing is
    cut). A sheet that still does not fit prints across several pages, its first
    column repeated on each (:attr:`TableSheet.pages_wide`). Returns ``sheet``.
    """
    columns = sheet.columns
    if not columns:
        return sheet
    widths = [_guess_width(c) for c in columns]
    budget = PAGE_WIDTH_PX / MIN_PRINT_SCALE
    text = [j for j, c in enumerate(columns) if c.kind == "text"]
    fixed = sum(_pixels(w) for j, w in enumerate(widths) if j not in text)
    room = budget - fixed

    # Narrowing divides every long text column by the same factor, so their longest
    # texts wrap onto about as many lines each: a row is as tall as its most wrapped
    # cell, and squeezing only the widest column made names three lines tall while
    # short columns kept room they did not need.
    # Not narrower than a column's longest word (Excel and LibreOffice would split it),
    # up to MAX_WORD_FLOOR: the demo's Accounts sheet would not fit one page otherwise,
    # and "Manufacturi-ng" on one page reads better than each row across two.
    floor = {
        j: max(
            max(len(w) for w in columns[j].header.split()) + 1,
            min(_longest_word(columns[j], int(MAX_WORD_FLOOR) - 2) + 2, MAX_WORD_FLOOR),
            min(widths[j], MIN_WRAPPED_WIDTH),
        )
        for j in text
    }

    def narrowed(factor: float) -> dict[int, float]:
        return {j: max(floor[j], float(np.ceil((widths[j] - 1) / factor)) + 1) for j in text}

    def text_pixels(factor: float) -> float:
        return sum(_pixels(w) for w in narrowed(factor).values())

    factor = 1.0
    if text and text_pixels(1.0) > room:
        if text_pixels(MAX_WRAP_FACTOR) <= room:
            low, high = 1.0, MAX_WRAP_FACTOR  # bisection: the sum falls as the factor grows
            for _ in range(30):
                mid = (low + high) / 2
                low, high = (low, mid) if text_pixels(mid) <= room else (mid, high)
            factor = high
        else:
            # Too many columns for one page at 8 pt: the sheet prints across pages at
            # 8 pt, and its texts need not be squeezed as much.
            factor = max(1.0, max(widths[j] for j in text) / WIDE_SHEET_TEXT_WIDTH)
    longest = {j: _longest_text(columns[j]) + 2 for j in text}
    final = narrowed(factor)
    for j, column in enumerate(columns):
        column.width = final[j] if j in final else widths[j]
    # A sheet narrower than the page prints at 100 %: the room left goes to the text
    # columns that wrap, so their rows take fewer lines.
    spare = (PAGE_WIDTH_PX - sum(_pixels(c.width or 0.0) for c in columns)) / 7.0
    wrapped = [j for j in text if longest[j] > (columns[j].width or 0.0)]
    while spare >= 1 and wrapped:
        share = spare / len(wrapped)
        for j in list(wrapped):
            column = columns[j]
            grow = min(share, min(longest[j], MAX_WRAPPED_WIDTH) - (column.width or 0.0))
            column.width = (column.width or 0.0) + max(grow, 0.0)
            spare -= max(grow, 0.0)
            if grow < share:
                wrapped.remove(j)
        spare = float(int(spare))
    for j in text:
        column = columns[j]
        column.width = float(int(column.width or 0.0))
        column.wrap = column.wrap or longest[j] - 1 > column.width
    total = sum(_pixels(w) for w in (c.width or 0.0 for c in columns))
    sheet.pages_wide = max(1, int(np.ceil(total / budget - 1e-9)))
    return sheet


def _row_lines(sheet: TableSheet, start: int, stop: int) -> np.ndarray:
    """Lines each row's wrapped texts take (1 without wrapped columns), rows start:stop."""
    lines = np.ones(stop - start, dtype=int)
    for column in sheet.columns:
        if not (column.wrap and column.width):
            continue
        series = pd.Series(column.values[start:stop], dtype=object).str.len()
        lengths = series.fillna(0).to_numpy(dtype=float)
        # Whole words wrap, leaving a ragged right edge, and LibreOffice's substitute
        # for Calibri is wider: count 85 % of the width per line, so no line is cut
        # (Excel may show a little space under some texts).
        per_line = max((column.width - 1) * 0.85, 1.0)
        wrapped = np.where(lengths <= column.width - 1, 1.0, np.ceil(lengths / per_line))
        lines = np.maximum(lines, wrapped.astype(int))
    return lines


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


def workload_note(plan: Plan) -> tuple[str, list[str]]:
    """How the workload's travel is counted, and the routed territories edited since.

    Routed hours count only while a territory has the accounts it was routed with; the
    names returned are those now back on the estimate. The Balance panel and the
    workbook's Summary both say this (one rule, here, free of Qt).
    """
    engine = plan.engine
    if not engine.has_routed_travel():
        return tr_noop("workload uses estimated travel"), []
    stale = np.flatnonzero(engine.stale_routed())
    names = [plan.territory_label(int(t)) for t in stale]
    routed = int(np.isfinite(engine.routed_travel_hours).sum())
    if not routed:
        return (
            f"workload uses estimated travel (routes of {len(stale)} territories outdated by edits)",
            names,
        )
    if not len(stale):
        return tr_noop("workload uses routed travel"), names
    word = "territory" if len(stale) == 1 else "territories"
    return f"workload uses routed travel ({len(stale)} {word} estimated since edits)", names


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


def hierarchy_columns(plan: Plan) -> list[Column]:
    """A column per level above territories, named as the plan's hierarchy names it.

    ``District`` then ``Region`` (lowest first) for a plan with a ``hierarchy`` table;
    a plan without one has the one implicit level of its ``parent_id`` values.
    """
    from planner.models.hierarchy import IMPLICIT_LEVEL, hierarchy

    tree = hierarchy(plan)
    columns = []
    for level in tree.levels:
        names = [
            tree.nodes[node].name if node in tree.nodes else node for node in tree.ancestors(level)
        ]
        columns.append(Column(level, "text", _text_values(names)))
    # A plan without parents still gets the column (empty): the sheet keeps its shape.
    return columns or [Column(IMPLICIT_LEVEL, "text", [None] * plan.n_territories)]


def territories_sheet(plan: Plan, table: BalanceTable) -> TableSheet:
    """Territories: rep, region, quota, size and the measure values."""
    t = plan.territories
    rep_ids, rep_names = _territory_reps(plan)
    k = plan.n_territories
    units = np.bincount(plan.unit_territory[plan.unit_territory >= 0], minlength=k)[:k]
    columns = [
        Column(TERRITORY_ID, "text", _text_values(t["territory_id"])),
        Column(TERRITORY, "text", _text_values(t["name"])),
        *hierarchy_columns(plan),
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
        Column("ZIP", "text", _text_values(a["zip"])),
        Column("Segment", "text", _text_values(a["segment"])),
    ]
    columns += [
        Column(_title(c), "text", _text_values(a[c])) for c in EXTRA_ACCOUNT_COLUMNS if c in a
    ]
    columns += [
        Column("Revenue", "currency", _numbers(a["revenue"])),
        Column("Potential", "currency", _numbers(a["potential"])),
        Column("Visits / year", "number", visits),
        Column("Minutes / visit", "int", minutes),
        Column("Visit hours / year", "number", visits * minutes / 60.0),
        Column(TERRITORY_ID, "text", list(ids[terr])),
        Column(TERRITORY, "text", list(names[terr])),
        Column("Rep", "text", list(reps[terr])),
        Column("Baseline territory ID", "text", baseline),
        Column("Moved", "text", _flag_text(moved)),
        Column("Pinned", "text", _flag_text(plan.account_pinned)),
        Column("Locked", "text", _flag_text(plan.account_locked)),
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
        Column("Home latitude", "degrees", _numbers(reps["lat"]), 10),
        Column("Home longitude", "degrees", _numbers(reps["lon"]), 10),
        Column("Capacity (h/yr)", "hours", capacity, 10),
        Column("Workload (h/yr)", "hours", load, 10),
        Column("Utilisation", "percent", utilisation, 10),
    ]
    return TableSheet(
        "Reps", columns, note="" if len(reps) else "This plan has no reps.", freeze="C2"
    )


_NO_ROUTES = (
    "No visit routes are planned yet. Plan them in Territory Planner "
    "(call cycles and day routes) or with `planner routes`."
)


def _layer_frame(plan: Plan, name: str) -> pd.DataFrame | None:
    layer = plan.layers.get(name)
    if layer is None or len(layer) == 0:
        return None
    return pd.DataFrame(layer.drop(columns=layer.geometry.name, errors="ignore"))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or an empty column for plans routed before the column existed."""
    if name in frame:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _minutes(values: Any) -> np.ndarray:
    return _day_fraction(values) * 1440.0


def _clock(minutes: float) -> str:
    if not np.isfinite(minutes):
        return "–"
    whole = round(float(minutes))
    return f"{whole // 60:d}:{whole % 60:02d}"


def route_events(plan: Plan) -> pd.DataFrame | None:
    """The rows of the Routes sheet, in printing order, or ``None`` without routes.

    Per rep a title row, then per working day: leaving home, each visit (and lunch)
    in time order, returning home and the day's totals; holidays and days off as a
    row of their own on their date. Columns: ``rep_id, day, rank, minute, stop,
    seq, account_id, name, address, city, state, zip, lat, lon, arrival,
    departure, wait, visit, drive, km`` (times in minutes after midnight).
    """
    from planner.models.schema import ROUTE_DAYS_OFF_TABLE, ROUTE_TOTALS_TABLE

    stops = _layer_frame(plan, "route_stops")
    if stops is None:
        return None
    days = _layer_frame(plan, "routes")
    days = days if days is not None else pd.DataFrame({"rep_id": [], "day": []})
    reps = plan.reps.set_index(plan.reps["rep_id"].astype(str))
    reps = reps[~reps.index.duplicated()]
    names = _rep_names(plan)
    accounts = plan.accounts.set_index(plan.accounts["account_id"].astype(str))
    accounts = accounts[~accounts.index.duplicated()]
    account_ids = stops["account_id"].astype(str)

    def stop_text(column: str) -> pd.Series:
        # Stops carry the account's address since routes carry it; older plans look it up.
        given = _column(stops, column)
        source = "name" if column == "account_name" else column
        known = (
            accounts[source].reindex(account_ids).to_numpy()
            if source in accounts
            else np.full(len(stops), None, dtype=object)
        )
        text = given.where(given.notna() & (given.astype(str) != ""), None).to_numpy(dtype=object)
        return pd.Series(np.where(pd.isna(text), known, text), dtype=object)

    def coordinate(column: str) -> np.ndarray:
        given = _numbers(_column(stops, column))
        known = _numbers(accounts[column].reindex(account_ids)) if column in accounts else given
        return np.where(np.isfinite(given), given, known)

    arrival = _minutes(stops["arrival"])
    visits = pd.DataFrame(
        {
            "rep_id": stops["rep_id"].astype(str).to_numpy(),
            "day": stops["day"].astype(str).to_numpy(),
            "rank": 2,
            "minute": arrival,
            "stop": "Visit",
            "seq": _numbers(stops["seq"]),
            "account_id": account_ids.to_numpy(),
            "name": stop_text("account_name").to_numpy(),
            "address": stop_text("address").to_numpy(),
            "city": stop_text("city").to_numpy(),
            "state": stop_text("state").to_numpy(),
            "zip": stop_text("zip").to_numpy(),
            "lat": coordinate("lat"),
            "lon": coordinate("lon"),
            "arrival": arrival,
            "departure": _minutes(stops["departure"]),
            "wait": _numbers(_column(stops, "wait_minutes")),
            "visit": _numbers(_column(stops, "visit_minutes")),
            "drive": _numbers(_column(stops, "drive_minutes")),
            "km": _numbers(_column(stops, "distance_km")),
        }
    )
    frames = [visits]
    if len(days):
        rep = days["rep_id"].astype(str)
        home_lat = _numbers(reps["lat"].reindex(rep)) if "lat" in reps else np.nan
        home_lon = _numbers(reps["lon"].reindex(rep)) if "lon" in reps else np.nan
        leave = _minutes(_column(days, "leave_home"))
        back = _minutes(_column(days, "return_home"))
        common = {"rep_id": rep.to_numpy(), "day": days["day"].astype(str).to_numpy()}
        frames.append(
            pd.DataFrame(
                common
                | {"rank": 1, "minute": leave, "stop": "Leave home", "name": "Home"}
                | {"lat": home_lat, "lon": home_lon, "departure": leave}
            )
        )
        lunch_start = _minutes(_column(days, "lunch_start"))
        lunch = _numbers(_column(days, "lunch_minutes"))
        has_lunch = np.isfinite(lunch_start) & (np.nan_to_num(lunch) > 0)
        frames.append(
            pd.DataFrame(
                {k: np.asarray(v)[has_lunch] for k, v in common.items()}
                | {"rank": 2, "minute": lunch_start[has_lunch], "stop": "Lunch"}
                | {
                    "arrival": lunch_start[has_lunch],
                    "departure": (lunch_start + lunch)[has_lunch],
                    "visit": lunch[has_lunch],
                }
            )
        )
        frames.append(
            pd.DataFrame(
                common
                | {"rank": 3, "minute": back, "stop": "Return home", "name": "Home"}
                | {"lat": home_lat, "lon": home_lon, "arrival": back}
                | {
                    "drive": _numbers(_column(days, "return_drive_minutes")),
                    "km": _numbers(_column(days, "return_distance_km")),
                }
            )
        )
        n_visits = _numbers(_column(days, "visits"))
        working = _numbers(_column(days, "working_minutes"))
        # Leaving and returning are the row's Arrival and Departure.
        summary = [
            f"{v:,.0f} visits, {_clock(w)} h working" if np.isfinite(v) else None
            for v, w in zip(n_visits, working, strict=True)
        ]
        frames.append(
            pd.DataFrame(
                common
                | {"rank": 4, "minute": back, "stop": "Day total", "name": summary}
                | {"arrival": leave, "departure": back}
                | {
                    "visit": _numbers(_column(days, "visit_minutes")),
                    "drive": _numbers(_column(days, "drive_minutes")),
                    "km": _numbers(_column(days, "distance_km")),
                }
            )
        )
    off = plan.tables.get(ROUTE_DAYS_OFF_TABLE)
    if off is not None and len(off):
        frames.append(
            pd.DataFrame(
                {
                    "rep_id": off["rep_id"].astype(str).to_numpy(),
                    "day": off["day"].astype(str).to_numpy(),
                    "rank": 1,
                    "stop": "Day off",
                    "name": _text_values(_column(off, "reason")),
                }
            )
        )
    events = pd.concat([f for f in frames if len(f)], ignore_index=True)
    # A title row per rep: who, the horizon, and the totals of the Route totals sheet.
    totals = plan.tables.get(ROUTE_TOTALS_TABLE)
    totals = totals.set_index(totals["rep_id"].astype(str)) if totals is not None else None
    titles = []
    for rep_id in sorted(events["rep_id"].unique()):
        days_of = events.loc[events["rep_id"] == rep_id, "day"]
        text = f"{rep_id} {names.get(rep_id, '')}".strip()
        text += f", {days_of.min()} to {days_of.max()}"
        if totals is not None and rep_id in totals.index:
            row = totals.loc[rep_id]
            row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
            figures = _numbers([row.get("distance_km"), row.get("miles"), row.get("visits")])
            km, miles, n = (float(x) for x in figures)
            text += f": {n:,.0f} visits, {km:,.0f} km ({miles:,.0f} miles)"
        titles.append({"rep_id": rep_id, "day": "", "rank": 0, "stop": "Rep", "name": text})
    events = pd.concat([pd.DataFrame(titles), events], ignore_index=True)
    events["rep_name"] = [names.get(r, r) for r in events["rep_id"]]
    events["_minute"] = pd.to_numeric(events["minute"], errors="coerce")
    events["_seq"] = pd.to_numeric(events["seq"], errors="coerce")
    events = events.sort_values(
        ["rep_id", "day", "rank", "_minute", "_seq"], kind="stable", na_position="first"
    )
    return events.drop(columns=["_minute", "_seq"]).reset_index(drop=True)


def routes_sheet(plan: Plan) -> TableSheet:
    """Routes: per rep, a section of every day's itinerary, each rep on new pages.

    One row per event (see :func:`route_events`): the rep's title, then per day leaving
    home, each visit with the account's address and coordinates, lunch, returning home
    and the day's totals; days off on their date. A manual page break starts each rep.
    """
    events = route_events(plan)
    if events is None:
        return TableSheet("Routes", [], note=_NO_ROUTES)
    frame = events.reindex(
        columns=[
            "rep_id", "rep_name", "day", "stop", "seq", "account_id", "name", "address",
            "city", "state", "zip", "lat", "lon", "arrival", "departure", "wait", "visit",
            "drive", "km",
        ]
    )  # fmt: skip
    text = {c: _text_values(frame[c]) for c in ("rep_id", "rep_name", "stop", "account_id")}
    text |= {c: _text_values(frame[c]) for c in ("name", "address", "city", "state", "zip")}
    columns = [
        Column("Rep ID", "text", text["rep_id"]),
        Column("Rep", "text", text["rep_name"]),
        Column("Day", "date", _excel_days(frame["day"])),
        # The stop kinds as the export's language names them (Visit, Lunch, Day off...).
        Column("Stop", "text", [tr(s) if s else s for s in text["stop"]], 13),
        Column("Order", "int", _numbers(frame["seq"]), 6),
        Column(ACCOUNT_ID, "text", text["account_id"]),
        Column("Account", "text", text["name"]),
        Column("Address", "text", text["address"]),
        Column("City", "text", text["city"]),
        Column("State", "text", text["state"], 6),
        Column("ZIP", "text", text["zip"], 7),
        Column("Latitude", "degrees", _numbers(frame["lat"]), 9),
        Column("Longitude", "degrees", _numbers(frame["lon"]), 10),
        Column("Arrival", "time", _numbers(frame["arrival"]) / 1440.0),
        Column("Departure", "time", _numbers(frame["departure"]) / 1440.0, 10),
        Column("Wait (min)", "int", _numbers(frame["wait"]), 6),
        Column("Visit (min)", "int", _numbers(frame["visit"]), 6),
        Column("Drive (min)", "int", _numbers(frame["drive"]), 6),
        Column("Distance (km)", "km", _numbers(frame["km"]), 9),
    ]
    breaks = np.flatnonzero((frame["stop"] == "Rep").to_numpy())
    return TableSheet("Routes", columns, freeze="C2", page_breaks=[int(b) for b in breaks[1:]])


def route_totals_sheet(plan: Plan) -> TableSheet:
    """Route totals: per rep, the horizon, visits, distance, hours and mileage."""
    from planner.models.schema import ROUTE_TOTALS_TABLE

    totals = plan.tables.get(ROUTE_TOTALS_TABLE)
    if totals is None or len(totals) == 0:
        return TableSheet(ROUTE_TOTALS, [], note=_NO_ROUTES)
    t = totals.sort_values("rep_id", kind="stable").reset_index(drop=True)
    names = _rep_names(plan)
    rep_ids = _text_values(t["rep_id"])

    def number(column: str, scale: float = 1.0) -> np.ndarray:
        return _numbers(_column(t, column)) * scale

    drive_h = number("drive_hours")
    if not np.isfinite(drive_h).any():
        drive_h = number("drive_minutes", 1 / 60)
    columns = [
        Column("Rep ID", "text", rep_ids),
        Column("Rep", "text", [names.get(r or "", r) for r in rep_ids]),
        Column("Territories", "text", _text_values(_column(t, "territories"))),
        Column("First day", "date", _excel_days(_column(t, "start_date"))),
        Column("Last day", "date", _excel_days(_column(t, "end_date"))),
        Column("Holidays", "text", _text_values(_column(t, "calendar"))),
        Column("Working days", "int", number("working_days")),
        Column("Days off", "int", number("days_off")),
        Column("Accounts", "int", number("accounts")),
        Column("Visits due", "int", number("visits_due")),
        Column("Visits planned", "int", number("visits")),
        Column("Not planned", "int", number("unplaced_visits")),
        Column("Distance (km)", "km", number("distance_km")),
        Column("Miles", "km", number("miles")),
        Column("Drive (h)", "hours", drive_h),
        Column("Visits (h)", "hours", number("visit_hours")),
        Column("Working (h)", "hours", number("working_minutes", 1 / 60)),
        Column("Capacity (h)", "hours", number("capacity_hours")),
        Column("Utilisation", "percent", number("utilisation")),
        Column("Mileage rate", "rate", number("mileage_rate")),
        Column("Mileage", "currency", number("mileage_reimbursement")),
        Column("Travel", "text", _text_values(_column(t, "travel_source"))),
    ]
    return TableSheet(ROUTE_TOTALS, columns, freeze="C2")


def unplanned_visits_sheet(plan: Plan) -> TableSheet:
    """Unplanned visits: every account visit the routes could not fit, with the reason."""
    from planner.models.schema import ROUTE_UNPLACED_TABLE

    if _layer_frame(plan, "route_stops") is None and ROUTE_UNPLACED_TABLE not in plan.tables:
        return TableSheet(UNPLANNED_VISITS, [], note=_NO_ROUTES)
    unplaced = plan.tables.get(ROUTE_UNPLACED_TABLE)
    if unplaced is None or len(unplaced) == 0:
        return TableSheet(UNPLANNED_VISITS, [], note="Every visit due is planned.")
    u = unplaced.sort_values(["rep_id", "account_id"], kind="stable", na_position="last")
    names = _rep_names(plan)
    rep_ids = _text_values(_column(u, "rep_id"))
    columns = [
        Column("Rep ID", "text", rep_ids),
        Column("Rep", "text", [names.get(r, r) if r else None for r in rep_ids]),
        Column(TERRITORY_ID, "text", _text_values(_column(u, "territory_id"))),
        Column(ACCOUNT_ID, "text", _text_values(_column(u, "account_id"))),
        Column("Account", "text", _text_values(_column(u, "name"))),
        Column("Visits", "int", _numbers(_column(u, "visits")), 7),
        Column("Reason", "text", _text_values(_column(u, "reason")), 70),
    ]
    return TableSheet(UNPLANNED_VISITS, columns, freeze="B2")


def changes_sheet(plan: Plan) -> TableSheet:
    """Changes: every account and unit whose territory differs from the baseline."""
    ids = np.array([None, *plan.territory_ids], dtype=object)
    names = np.array([tr("Unassigned"), *list(plan.territories["name"])], dtype=object)
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
        self._ids: dict[tuple[str, bool, bool], int] = {}

    def data_style(self, kind: str, quoted: bool = False, wrap: bool = False) -> int:
        """Style id (``s`` attribute) of a data cell of this kind."""
        from openpyxl.styles import Alignment

        key = (kind, quoted, wrap)
        if key not in self._ids:
            cell = self._cell(self.ws)
            cell.number_format = self.formats[kind]
            if quoted:
                cell.quotePrefix = True
            # Top-aligned, so a row made taller by a wrapped text reads as one line.
            cell.alignment = Alignment(wrap_text=wrap, vertical="top")
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
    ws.page_margins.left = ws.page_margins.right = 0.25
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = xml_visible(plan_name).replace("&", "&&")
    ws.oddHeader.right.text = "&A"
    # Each sheet numbers its own pages, as Excel does; LibreOffice continues the numbers
    # of the sheet before unless the sheet says where it starts, and its &N counts the
    # whole workbook's pages: "page 3 of 213" on every sheet. "Accounts, page 3"
    # reads right in both.
    ws.oddFooter.center.text = tr("&A, page &P")
    ws.page_setup.firstPageNumber = 1
    ws.page_setup.useFirstPageNumber = True
    if title_rows:
        ws.print_title_rows = title_rows


def _header_lines(header: str, width: float) -> int:
    """Lines a header takes wrapped at spaces in a column ``width`` characters wide."""
    lines, used = 1, 0
    for word in header.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += need
    return lines


def _safe_table_name(title: str) -> str:
    """An Excel table name for a sheet title: ASCII letters only (``tblAccounts``).

    A title with other letters (``客戶``, ``Línea``) gets a checksum of itself appended,
    so two sheets whose ASCII parts agree (or are empty) still name their tables apart.
    """
    import zlib

    ascii_part = re.sub(r"[^A-Za-z0-9_]", "", title)
    if title.isascii():
        return "tbl" + ascii_part
    return f"tbl{ascii_part}_{zlib.crc32(title.encode()):08x}"


def localised(sheet: TableSheet) -> TableSheet:
    """``sheet`` with its title, headers and note in the current language.

    The sheets are built in English (the names the code and ``planner review`` know them
    by) and translated as they are written; the review reads back every language's names
    (:func:`planner.models.i18n.all_spellings`).
    """
    from dataclasses import replace

    def header(text: str) -> str:
        return tr(text)

    return replace(
        sheet,
        title=tr(sheet.title),
        columns=[replace(c, header=header(c.header)) for c in sheet.columns],
        note=tr(sheet.note) if sheet.note else sheet.note,
    )


def _add_table_sheet(wb: Any, sheet: TableSheet, styles_ws: Any, plan_name: str) -> Any:
    """Create the sheet's header, widths, table and print set-up (rows are streamed later)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet(sheet.title)
    styles: _Styles = styles_ws
    _page_setup(ws, plan_name)
    if not sheet.columns or sheet.n_rows == 0:
        ws.column_dimensions["A"].width = 100
        ws.append([styles.cell(sheet.note or tr("Nothing to show."), italic=True)])
        return ws
    for j, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _guess_width(column)
    ws.freeze_panes = sheet.freeze
    ws.print_options.gridLines = True
    # The header row as tall as its most wrapped header (words never split).
    header_lines = max(_header_lines(c.header, c.width or _guess_width(c)) for c in sheet.columns)
    ws.row_dimensions[1].height = max(2, header_lines) * LINE_HEIGHT_PT
    if sheet.pages_wide > 1:
        # Across pages at the smallest readable scale, the id column on every page.
        # (Before the first row: a write-only sheet writes its properties with it.)
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
        ws.page_setup.scale = int(np.ceil(MIN_PRINT_SCALE * 100))
        ws.print_title_cols = "A:A"
    ws.append([styles.cell(c.header, header=True) for c in sheet.columns])
    last = get_column_letter(len(sheet.columns))
    # Only the table prints: no empty gridded columns or rows beside it.
    ws.print_area = f"A1:{last}{sheet.n_rows + 1}"
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
            Column(
                c.header,
                c.kind,
                c.values[start : start + limit],
                c.width or _guess_width(c),
                c.wrap,
            )
            for c in sheet.columns
        ]
        breaks = [b - start for b in sheet.page_breaks if start < b < start + limit]
        pieces.append(
            TableSheet(title, columns, sheet.note, sheet.freeze, breaks, sheet.pages_wide)
        )
    return pieces


def _encode_column(column: Column, styles: _Styles) -> tuple[np.ndarray, list[str]]:
    """Codes per row into the distinct cell endings of a column (-1 = empty cell).

    A cell is ``<c r="`` + its reference + an ending that depends only on the value,
    so each distinct value is escaped and formatted once (most columns repeat a few
    values: territories, reps, segments, flags).
    """
    if column.kind == "text":
        codes, uniques = pd.factorize(pd.Series(column.values, dtype=object))
        plain = styles.data_style("text", wrap=column.wrap)
        quoted = styles.data_style("text", quoted=True, wrap=column.wrap)
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
        # Rows with wrapped texts get their height: LibreOffice keeps 15 pt otherwise
        # and the lines overlap the next row.
        heights = [
            f' ht="{n * LINE_HEIGHT_PT:g}" customHeight="1"' if n > 1 else ""
            for n in _row_lines(sheet, start, stop).tolist()
        ]
        text = "".join(
            f'<row r="{r}"{h}>{"".join(row)}</row>'
            for r, h, row in zip(rows, heights, zip(*cells, strict=True), strict=True)
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


def _with_row_breaks(tail: str, sheet: TableSheet) -> str:
    """The sheet XML after ``sheetData`` with a manual page break before each given row.

    ``rowBreaks`` follows ``headerFooter`` in the schema's element order (openpyxl's
    write-only sheets cannot hold breaks, so they are added here).
    """
    rows = sorted({b for b in sheet.page_breaks if 0 < b < sheet.n_rows})
    if not rows:
        return tail
    # <brk id="n"> breaks after sheet row n: data row b is sheet row b + 2.
    breaks = "".join(f'<brk id="{b + 1}" max="16383" man="1"/>' for b in rows)
    element = f'<rowBreaks count="{len(rows)}" manualBreakCount="{len(rows)}">{breaks}</rowBreaks>'
    for anchor in ("</headerFooter>", "<headerFooter/>"):
        if anchor in tail:
            return tail.replace(anchor, anchor + element, 1)
    raise ValueError(f"no headerFooter in the {sheet.title} sheet to place page breaks after")


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
                out.write(("</sheetData>" + _with_row_breaks(tail, sheet)).encode("utf-8"))
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
        route_totals_sheet(plan),
        unplanned_visits_sheet(plan),
        changes_sheet(plan),
        *scenario_sheets(plan),
    ]
    notes = []
    split = []
    for sheet in sheets:
        pieces = split_long_sheet(fit_print_widths(localised(sheet)))
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
    summary_ws = wb.create_sheet(tr("Summary"))
    styles = _Styles(summary_ws, plan.settings.currency)
    _write_summary(summary_ws, styles, plan, table, disruption, created, notes)
    from planner.io.workbook_performance import write_performance_sheet

    # Only a plan with actuals has one; it follows the Summary.
    write_performance_sheet(wb, styles, plan, _page_setup)
    for sheet in sheets:
        _add_table_sheet(wb, sheet, styles, plan.name)
    _write_map_sheet(wb, styles, plan, map_png)
    # Register every data style before openpyxl writes styles.xml.
    for kind in number_formats(plan.settings.currency):
        styles.data_style(kind)
    for quoted in (False, True):
        for wrap in (False, True):
            styles.data_style("text", quoted=quoted, wrap=wrap)
    wb.properties.title = xml_visible(plan.name)
    wb.properties.creator = "Territory Planner"

    with atomic_output(target) as final, tempfile.TemporaryDirectory() as scratch:
        skeleton = Path(scratch) / "skeleton.xlsx"
        wb.save(skeleton)
        state.raise_if_cancelled()
        _fill_rows(skeleton, final, sheets, styles, state)
    state.report(1.0, f"Wrote {target.name}")
    return target


def _workload_model(plan: Plan) -> str:
    """The Summary's words for the workload model the balance table used."""
    note, stale = workload_note(plan)
    base = "visits × minutes per visit + "
    if not note.startswith("workload uses routed travel"):
        outdated = " (planned routes outdated by edits)" if stale else ""
        return f"{base}estimated travel{outdated}, h/yr"
    routed = int(np.isfinite(plan.engine.routed_travel_hours).sum())
    if routed == plan.n_territories:
        return f"{base}routed travel from the planned routes, h/yr"
    others = "the others" if not stale else f"the others ({len(stale)} edited since routing)"
    return (
        f"{base}routed travel for {routed} of {plan.n_territories} territories, "
        f"estimated travel for {others}, h/yr"
    )


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
    put(
        c(
            tr("Territory plan summary, {date}").format(
                date=f"{created:%d %B %Y}"
                if current_language() == "en"
                else format_date(created, "long")
            ),
            italic=True,
        )
    )
    for note in notes:
        put(c(note, italic=True))
    put()
    facts: list[tuple[str, float, str]] = [
        (tr("Accounts"), float(plan.n_accounts), "int"),
        (tr("Unassigned accounts"), float(n_unassigned), "int"),
        (tr("Territories"), float(k), "int"),
        (tr("Reps"), float(len(plan.reps)), "int"),
        (tr("Geographic units"), float(plan.n_units), "int"),
        (tr("Revenue (L12M)"), disruption.revenue_total, "currency"),
    ]
    # The settings sit beside the facts so the balance table starts high on page one.
    settings: list[tuple[str, str]] = [(tr("Settings used"), "")]
    for spec in measures:
        target = tr("mean over territories") if spec.target is None else format_number(spec.target)
        settings.append(
            (
                tr(spec.label),
                tr("target {target}, band ± {band} %").format(
                    target=target, band=format_number(spec.tolerance * 100, 0)
                ),
            )
        )
    settings += [
        (tr("Workload"), _workload_model(plan)),
        (
            tr("Travel"),
            tr(
                "{visits:g} visits a day, {speed:g} km/h, road = {circuity:g} × straight line"
            ).format(visits=s.visits_per_day, speed=s.speed_kmh, circuity=s.circuity),
        ),
        (
            tr("Mileage rate"),
            tr("{rate} per mile").format(
                rate=format_currency(s.mileage_rate_per_mile, s.currency, 2)
            ),
        ),
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
                cells.append(c(tr("{label}: {text}").format(label=label, text=text)))
        put(*cells)
    put()

    # -- the balance table ----------------------------------------------------------------
    put(c(tr("Balance by territory"), bold=True, size=13), height=20)
    put(
        c(
            tr(
                "Dev. % is the deviation from the measure's target: green lies within the tolerance band, red outside it."
            ),
            italic=True,
        )
    )
    header = [c(tr("Territory"), header=True), c(tr("Rep"), header=True)]
    if has_quota:
        header.append(c(tr("Quota"), header=True))
    for spec in measures:
        header += [c(tr(spec.label), header=True), c(tr("Dev. %"), header=True)]
    header.append(c(tr("In band"), header=True))
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
                c(shown_deviation(dev), "deviation") if np.isfinite(dev) else c(tr("n/a")),
            ]
        cells.append(
            c(
                tr("{in_band} of {n_measures}").format(in_band=in_band, n_measures=len(measures)),
                center=True,
            )
        )
        put(*cells)
    last_territory_row = row
    if n_unassigned or np.any(table.unassigned):
        cells = [c(tr("Unassigned"), italic=True), c(None), *blanks(int(has_quota))]
        for j, kind in enumerate(kinds):
            cells += [c(float(table.unassigned[j]), kind, italic=True), c(None)]
        put(*cells)
    totals = table.values.sum(axis=0) + table.unassigned
    cells = [c(tr("Total"), bold=True, total=True), c(None, total=True)]
    if has_quota:
        cells.append(c(float(np.nansum(quota)), "currency", bold=True, total=True))
    for j, kind in enumerate(kinds):
        cells += [c(float(totals[j]), kind, bold=True, total=True), c(None, total=True)]
    cells.append(c(None, total=True))
    put(*cells)
    cells = [c(tr("Target per territory"), italic=True), c(None), *blanks(int(has_quota))]
    for j, kind in enumerate(kinds):
        cells += [c(float(table.targets[j]), kind, italic=True), c(None)]
    put(*cells)
    cells = [c(tr("Tolerance band"), italic=True), c(None), *blanks(int(has_quota))]
    for spec in measures:
        cells += [
            c(f"± {format_number(spec.tolerance * 100, 0)} %", italic=True, right=True),
            c(None),
        ]
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
    put(c(tr("Disruption against the baseline"), bold=True, size=13), height=20)
    put(
        c(tr("Accounts changing territory"), bold=True),
        c(float(disruption.accounts_moved), "int"),
        c(disruption.accounts_fraction, "percent"),
        c(tr("of all accounts"), italic=True, indent=1),
    )
    put(
        c(tr("Revenue changing territory"), bold=True),
        c(disruption.revenue_moved, "currency"),
        c(disruption.revenue_fraction, "percent"),
        c(tr("of all revenue"), italic=True, indent=1),
    )
    if disruption.accounts_moved:
        put()
        put(
            c(tr("Territory"), header=True),
            c(tr("Rep"), header=True),
            c(tr("Accounts gained"), header=True),
            c(tr("Accounts lost"), header=True),
            c(tr("Revenue gained"), header=True),
            c(tr("Revenue lost"), header=True),
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
    put(c(tr("Every moved account and unit is listed on the Changes sheet."), italic=True))
    put()

    # -- chart --------------------------------------------------------------------------------
    if k and measures:
        from openpyxl.worksheet.pagebreak import Break

        ws.row_breaks.append(Break(id=row))  # the chart starts a page of its own
        put(
            c(tr("Balance chart: deviation from target by territory"), bold=True, size=13),
            height=20,
        )
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.gapWidth = 60
        chart.y_axis.title = tr("Deviation from target")
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
            chart.series[-1].tx = SeriesLabel(v=xml_visible(tr(spec.label)))
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

    ws = wb.create_sheet(tr("Map"))
    _page_setup(ws, plan.name, title_rows=None)
    ws.page_setup.fitToHeight = 1
    ws.append([styles.cell(tr("{name}: territories").format(name=plan.name), bold=True, size=14)])
    ws.append(
        [
            styles.cell(
                tr(
                    "{n_territories} territories, {n_accounts} accounts. Colours match the Territories sheet; rep homes are marked."
                ).format(
                    n_territories=plan.n_territories, n_accounts=format_number(plan.n_accounts)
                ),
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
