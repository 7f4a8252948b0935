"""Actuals: what was sold and done, per account and period, stored as a plan table.

The plan table :data:`ACTUALS_TABLE` holds one row per account and period:

==============  ================================================================
``account_id``  the account (text; an id the plan does not know is kept, and
                counts towards no territory until the account joins the plan)
``period``      ``YYYY-Qn`` (a quarter) or ``YYYY-MM`` (a month)
metrics         one numeric column each: ``revenue``, ``gross_margin``,
                ``deals_won``, ``visits_held``... and any numeric column imported
==============  ================================================================

Importing a period adds it; importing it again replaces it, and with it any stored
period it overlaps (the months of a quarter, the quarter of a month), so no sale is
counted twice. :func:`replace_periods` is the one mutator; it returns what it removed,
so the window's undo puts it back with a second call.
"""

from __future__ import annotations

import datetime as _dt
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.models.events import ActualsChanged
from planner.models.i18n import tr_noop
from planner.models.plan import Plan

#: The plan table of actuals.
ACTUALS_TABLE = "actuals"
KEY_COLUMNS = ("account_id", "period")

#: Metric levels of sales performance management.
OUTPUT, ACTIVITY, PIPELINE, OTHER = "output", "activity", "pipeline", "other"
LEVELS = (OUTPUT, ACTIVITY, PIPELINE)


@dataclass(frozen=True)
class Metric:
    """A metric the actuals import and the review know by name."""

    key: str
    label: str
    level: str
    kind: str = "number"  # currency, count or number: how values are formatted
    aliases: tuple[str, ...] = ()


METRICS: tuple[Metric, ...] = (
    Metric("revenue", "Revenue", OUTPUT, "currency", (
        "revenue", "sales", "net sales", "bookings", "booked revenue", "revenue actual",
        "actual revenue", "sales actual", "amount", "sales amount", "revenue usd", "net revenue",
    )),
    Metric("gross_margin", "Gross margin", OUTPUT, "currency", (
        "gross margin", "margin", "gm", "gross profit", "margin usd", "gross margin usd",
    )),
    Metric("profit", "Profit", OUTPUT, "currency", ("profit", "net profit", "contribution")),
    Metric("deals_won", "Deals won", OUTPUT, "count", (
        "deals won", "won", "wins", "closed won", "deals closed", "won deals", "orders",
        "won opportunities",
    )),
    Metric("deals_lost", "Deals lost", PIPELINE, "count", (
        "deals lost", "lost", "losses", "closed lost", "lost deals", "lost opportunities",
    )),
    Metric("visits_held", "Visits held", ACTIVITY, "count", (
        "visits held", "visits", "meetings", "meetings held", "visits completed",
        "completed visits", "appointments", "calls held",
    )),
    Metric("calls_made", "Calls made", ACTIVITY, "count", (
        "calls made", "calls", "phone calls", "calls completed", "dials",
    )),
    Metric("opportunities_created", "Opportunities created", PIPELINE, "count", (
        "opportunities created", "opportunities", "new opportunities", "opps", "opps created",
        "new opps", "leads converted",
    )),
    Metric("pipeline_value", "Pipeline value", PIPELINE, "currency", (
        "pipeline value", "pipeline", "open pipeline", "pipeline amount",
    )),
)  # fmt: skip
METRIC_BY_KEY = {m.key: m for m in METRICS}
#: The metrics' labels, for the exports' catalogues (translated where they are shown).
METRIC_LABELS = (
    tr_noop("Revenue"), tr_noop("Gross margin"), tr_noop("Profit"), tr_noop("Deals won"),
    tr_noop("Deals lost"), tr_noop("Visits held"), tr_noop("Calls made"),
    tr_noop("Opportunities created"), tr_noop("Pipeline value"),
)  # fmt: skip


def metric_info(key: str) -> Metric:
    """The known metric, or an ``other`` number metric named after the column."""
    return METRIC_BY_KEY.get(key) or Metric(key, key.replace("_", " ").capitalize(), OTHER)


class PeriodError(ValueError):
    """Text that is not a month or a quarter."""


# -- periods --------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_QUARTER = (
    re.compile(r"^(?:fy)?(\d{4})\s*[-/ _]?\s*q([1-4])$"),
    re.compile(r"^q([1-4])\s*[-/ _]?\s*(?:fy)?(\d{4})$"),
)
_MONTH_NUM = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t].*)?$"),  # 2026-07, 2026-07-15
    re.compile(r"^(\d{1,2})[-/.](\d{4})$"),  # 07/2026
)
_MONTH_NAME = (
    re.compile(r"^([a-z]+)\.?\s*[-/ ]?\s*(\d{4})$"),  # Jul 2026, July-2026
    re.compile(r"^(\d{4})\s*[-/ ]?\s*([a-z]+)\.?$"),  # 2026 Jul
)


def parse_period(value: object) -> str:
    """A period as stored: ``YYYY-Qn`` for a quarter, ``YYYY-MM`` for a month.

    Understands ``2026-Q3``, ``Q3 2026``, ``2026Q3``, ``FY2026 Q3``, ``2026-07``,
    ``07/2026``, ``Jul 2026``, a date (``2026-07-15``, read as its month) and a
    spreadsheet date cell.

    Raises
    ------
    PeriodError
        Naming the text and the forms understood.
    """
    if isinstance(value, _dt.datetime | _dt.date | pd.Timestamp):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip().lower() if value is not None else ""
    for pattern in _QUARTER:
        m = pattern.match(text)
        if m:
            a, b = m.groups()
            year, quarter = (a, b) if len(a) == 4 else (b, a)
            return f"{int(year):04d}-Q{int(quarter)}"
    for pattern in _MONTH_NUM:
        m = pattern.match(text)
        if m:
            a, b = m.groups()
            year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
    for pattern in _MONTH_NAME:
        m = pattern.match(text)
        if m:
            a, b = m.groups()
            name, year_text = (a, b) if not a.isdigit() else (b, a)
            if name in _MONTHS:
                return f"{int(year_text):04d}-{_MONTHS[name]:02d}"
    raise PeriodError(
        f"{str(value)!r} is not a month or a quarter (write 2026-Q3, Q3 2026, 2026-07 or Jul 2026)"
    )


def is_quarter(period: str) -> bool:
    return "-Q" in period


def period_year(period: str) -> int:
    return int(period[:4])


def period_months(period: str) -> tuple[int, int]:
    """First and last month (1-12) a period covers."""
    if is_quarter(period):
        q = int(period[-1])
        return 3 * q - 2, 3 * q
    month = int(period[5:7])
    return month, month


def quarter_of(period: str) -> str:
    """The quarter a period lies in (itself for a quarter)."""
    if is_quarter(period):
        return period
    return f"{period[:4]}-Q{(int(period[5:7]) - 1) // 3 + 1}"


def year_fraction(period: str) -> float:
    """The share of a year a period covers: 1/4 for a quarter, 1/12 for a month."""
    first, last = period_months(period)
    return (last - first + 1) / 12.0


def period_sort_key(period: str) -> tuple[int, int, int]:
    first, last = period_months(period)
    return period_year(period), last, first


def sort_periods(periods: Iterable[str]) -> list[str]:
    return sorted(set(periods), key=period_sort_key)


def within(inner: str, outer: str) -> bool:
    """Whether period ``inner`` lies inside period ``outer`` (a month in its quarter)."""
    if period_year(inner) != period_year(outer):
        return False
    a0, a1 = period_months(inner)
    b0, b1 = period_months(outer)
    return b0 <= a0 and a1 <= b1


def overlaps(a: str, b: str) -> bool:
    if period_year(a) != period_year(b):
        return False
    a0, a1 = period_months(a)
    b0, b1 = period_months(b)
    return a0 <= b1 and b0 <= a1


# -- the table --------------------------------------------------------------------------


def empty_actuals(metrics: Sequence[str] = ()) -> pd.DataFrame:
    frame = pd.DataFrame({"account_id": pd.Series([], dtype="str"), "period": []})
    frame["period"] = frame["period"].astype("str")
    for m in metrics:
        frame[m] = pd.Series([], dtype=float)
    return frame


def actuals_table(plan: Plan) -> pd.DataFrame:
    """The plan's actuals (an empty table when it has none)."""
    table = plan.tables.get(ACTUALS_TABLE)
    return table if table is not None else empty_actuals()


def has_actuals(plan: Plan) -> bool:
    table = plan.tables.get(ACTUALS_TABLE)
    return table is not None and len(table) > 0


def metric_columns(table: pd.DataFrame) -> list[str]:
    """The metric columns of an actuals table, known metrics first in their order."""
    cols = [c for c in table.columns if c not in KEY_COLUMNS]
    known = [m.key for m in METRICS if m.key in cols]
    return known + [c for c in cols if c not in known]


def periods(plan: Plan) -> list[str]:
    """Stored periods, oldest first."""
    table = plan.tables.get(ACTUALS_TABLE)
    if table is None or not len(table):
        return []
    return sort_periods(pd.unique(table["period"].astype(str)))


def overlapping(stored: Iterable[str], new: Iterable[str]) -> list[str]:
    """The stored periods an import of ``new`` periods replaces."""
    new = list(new)
    return sort_periods(p for p in stored if any(overlaps(p, q) for q in new))


def replace_periods(plan: Plan, periods_in: Sequence[str], rows: pd.DataFrame) -> pd.DataFrame:
    """Replace every stored period that overlaps ``periods_in`` by ``rows``.

    Parameters
    ----------
    plan : Plan
    periods_in : sequence of str
        The periods ``rows`` holds (or held: an empty ``rows`` just removes them).
    rows : DataFrame
        ``account_id``, ``period`` and metric columns.

    Returns
    -------
    DataFrame
        The rows removed, for undo: ``replace_periods(plan, periods_in, removed)`` puts
        the table back as it was (row order aside).
    """
    for col in KEY_COLUMNS:
        if col not in rows:
            raise ValueError(f"actuals rows need a {col!r} column")
    table = actuals_table(plan)
    stored: list[str] = table["period"].astype(str).unique().tolist() if len(table) else []
    gone = set(overlapping(stored, periods_in))
    remove = table["period"].astype(str).isin(gone).to_numpy(dtype=bool)
    removed = table[remove].reset_index(drop=True)
    kept = table[~remove]
    parts = [p for p in (kept, rows) if len(p)]
    if parts:
        merged = pd.concat(parts, ignore_index=True, sort=False)
    else:
        merged = empty_actuals(metric_columns(pd.concat([table, rows], sort=False)))
    merged["account_id"] = merged["account_id"].astype("str")
    merged["period"] = merged["period"].astype("str")
    for col in metric_columns(merged):
        merged[col] = pd.to_numeric(merged[col], errors="coerce").astype(float)
    # A metric no row holds any more (its period was removed) goes with it.
    empty = [c for c in metric_columns(merged) if len(merged) and merged[c].isna().all()]
    merged = merged.drop(columns=empty)
    order = [*KEY_COLUMNS, *metric_columns(merged)]
    merged = merged[order]
    if len(merged):
        plan.tables[ACTUALS_TABLE] = merged
    else:
        plan.tables.pop(ACTUALS_TABLE, None)
    plan.events.emit(ActualsChanged(tuple(sort_periods([*gone, *periods_in]))))
    return removed


# -- sums per territory ---------------------------------------------------------------


@dataclass
class ActualsIndex:
    """The actuals joined to the plan once: account index and period of every row.

    ``account`` is -1 for an account id the plan does not hold.
    """

    table: pd.DataFrame
    account: np.ndarray
    period: np.ndarray  # object array of period text
    periods: list[str]
    #: Each row's period as an index into ``period_names`` (ints compare fast).
    period_code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    period_names: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, plan: Plan) -> ActualsIndex:
        table = actuals_table(plan)
        ids = pd.Index(plan.accounts["account_id"].astype(str))
        if ids.has_duplicates:
            ids = ids.drop_duplicates()
        account = (
            pd.Index(ids).get_indexer(pd.Index(table["account_id"].astype(str))).astype(np.int64)
            if len(table)
            else np.zeros(0, np.int64)
        )
        if len(ids) != plan.n_accounts:  # duplicate ids: look up the first row of each
            first = plan.accounts["account_id"].astype(str).drop_duplicates().index.to_numpy()
            account = np.where(account >= 0, first[np.maximum(account, 0)], -1)
        period = table["period"].astype(str).to_numpy(dtype=object)
        codes, names = pd.factorize(period)
        return cls(
            table,
            account,
            period,
            sort_periods(names) if len(period) else [],
            codes.astype(np.int64),
            [str(n) for n in names],
        )

    def unknown_accounts(self) -> list[str]:
        """Account ids of the actuals that the plan does not hold."""
        ids = self.table["account_id"].astype(str).to_numpy()[self.account < 0]
        return sorted(set(ids.tolist()))

    def rows_in(self, span: Iterable[str]) -> np.ndarray:
        """Rows whose period lies inside one of the periods of ``span``."""
        span = list(span)
        inside = np.array([any(within(p, s) for s in span) for p in self.period_names], bool)
        if not inside.any():
            return np.zeros(len(self.period), bool)
        return inside[self.period_code]

    def sums(
        self, metric: str, rows: np.ndarray, alignment: np.ndarray, n_territories: int
    ) -> tuple[np.ndarray, float]:
        """Per territory: the metric summed over ``rows`` (a boolean mask).

        Returns the sums and what is left over (rows of unknown or unassigned accounts).
        """
        if metric not in self.table.columns:
            return np.zeros(n_territories), 0.0
        values = np.nan_to_num(self.table[metric].to_numpy(dtype=float)[rows])
        acc = self.account[rows]
        known = acc >= 0
        territory = np.full(len(acc), -1, dtype=np.int64)
        territory[known] = alignment[acc[known]]
        slot = np.where(territory < 0, n_territories, territory)
        totals = np.bincount(slot, weights=values, minlength=n_territories + 1)
        return totals[:n_territories], float(totals[n_territories])


_INDEX_CACHE: weakref.WeakKeyDictionary[Plan, tuple[tuple[int, int, int], ActualsIndex]] = (
    weakref.WeakKeyDictionary()
)


def cached_index(plan: Plan) -> ActualsIndex:
    """:meth:`ActualsIndex.build`, kept until the actuals or the accounts change.

    Views that recolour after every edit join four million rows once, not per edit.
    """
    key = (id(plan.tables.get(ACTUALS_TABLE)), id(plan.accounts), plan.n_accounts)
    hit = _INDEX_CACHE.get(plan)
    if hit is not None and hit[0] == key:
        return hit[1]
    index = ActualsIndex.build(plan)
    _INDEX_CACHE[plan] = (key, index)
    return index


def ytd_span(periods_all: Sequence[str], period: str) -> list[str]:
    """The periods of ``period``'s year up to and including it (year to date)."""
    year, (_first, last) = period_year(period), period_months(period)
    return [p for p in periods_all if period_year(p) == year and period_months(p)[1] <= last]


def trailing_year(periods_all: Sequence[str]) -> tuple[list[str], float]:
    """The latest twelve months of periods, and the share of a year they cover.

    Months and quarters are counted once (a month inside a stored quarter is not
    added again).
    """
    if not periods_all:
        return [], 0.0
    ordered = sort_periods(periods_all)
    last = ordered[-1]
    end = period_year(last) * 12 + period_months(last)[1]
    chosen: list[str] = []
    covered: set[int] = set()
    for p in reversed(ordered):
        first, final = period_months(p)
        months = {period_year(p) * 12 + m for m in range(first, final + 1)}
        if min(months) <= end - 12:
            continue
        if months & covered:
            continue
        covered |= months
        chosen.append(p)
    return sort_periods(chosen), len(covered) / 12.0


def review_periods(periods_all: Sequence[str]) -> list[str]:
    """Periods to review one by one: quarters when any period is a quarter, else months."""
    if any(is_quarter(p) for p in periods_all):
        return sort_periods(quarter_of(p) for p in periods_all)
    return sort_periods(periods_all)


__all__ = [
    "ACTIVITY",
    "ACTUALS_TABLE",
    "KEY_COLUMNS",
    "LEVELS",
    "METRICS",
    "METRIC_BY_KEY",
    "OTHER",
    "OUTPUT",
    "PIPELINE",
    "ActualsIndex",
    "Metric",
    "PeriodError",
    "actuals_table",
    "cached_index",
    "empty_actuals",
    "has_actuals",
    "is_quarter",
    "metric_columns",
    "metric_info",
    "overlapping",
    "parse_period",
    "period_months",
    "period_sort_key",
    "period_year",
    "periods",
    "quarter_of",
    "replace_periods",
    "review_periods",
    "sort_periods",
    "trailing_year",
    "within",
    "year_fraction",
    "ytd_span",
]
