"""Importing actuals (a CRM export of results per account and period) from CSV or XLSX.

The same honesty as the accounts import (:mod:`planner.io.accounts_import`): every
input column is mapped to a field, kept as a further numeric metric, or listed as
ignored with the reason; every row is loaded or listed as rejected with its file, row,
column and reason; a cell that is not a number is listed and left empty, never read as
zero. Account ids the plan does not hold are listed, and their rows are kept: they
count towards no territory until the account joins the plan.

Periods come from a period column (a month or a quarter on each row: ``2026-Q3``,
``Q3 2026``, ``2026-07``, ``Jul 2026``, a date) or, for a file of one period, from
``period=`` (``--period`` on the command line). Rows sharing an account and a period
(one line per deal, say) are added up, and the report says how many.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.io.accounts_import import (
    ColumnFate,
    _missing,
    _norm_header,
    _text_values,
    map_options,
)
from planner.io.numbers import COMMA, POINT, column_evidence, parse_number_column
from planner.io.table_reader import InputFileError, Issue, RawTable, ReadLimits, read_table
from planner.models.actuals import (
    KEY_COLUMNS,
    METRICS,
    PeriodError,
    metric_info,
    parse_period,
    sort_periods,
)
from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
from planner.models.progress import TaskState

__all__ = [
    "ACTUALS_SHEET",
    "ACTUAL_FIELDS",
    "ActualsImport",
    "ActualsReport",
    "detect_actuals_mapping",
    "import_actuals",
    "parse_actuals_map",
    "read_actuals_table",
]

IGNORE = "ignore"
ID_ALIASES = (
    "account id", "accountid", "account", "id", "acct id", "acct", "acct no", "account number",
    "account no", "customer id", "customer no", "customer number", "cust id", "client id",
    "crm id", "sfdc id", "salesforce id", "account key", "sold to",
)  # fmt: skip
PERIOD_ALIASES = (
    "period", "quarter", "month", "fiscal quarter", "fiscal period", "fiscal month", "qtr",
    "close quarter", "close month", "close date", "date", "year quarter", "yearquarter",
    "year month", "posting period",
)  # fmt: skip
#: Field key -> header names it recognises (compared without case or punctuation).
ACTUAL_FIELDS: dict[str, tuple[str, ...]] = {
    "account_id": ID_ALIASES,
    "period": PERIOD_ALIASES,
    **{m.key: (m.key, m.label, *m.aliases) for m in METRICS},
}
_ALIASES: dict[str, tuple[str, int]] = {}
for _key, _names in ACTUAL_FIELDS.items():
    for _rank, _alias in enumerate(_names):
        _ALIASES.setdefault(_norm_header(_alias), (_key, _rank))
_METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


#: The XLSX sheet read first; without it, the workbook's first sheet.
ACTUALS_SHEET = "Actuals"


def read_actuals_table(path: str | Path, limits: ReadLimits | None = None) -> RawTable:
    """Read an actuals file: a CSV, or an XLSX's ``Actuals`` sheet (else its first sheet)."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return read_table(path, sheet=ACTUALS_SHEET, limits=limits)
        except InputFileError as exc:
            if f"no sheet '{ACTUALS_SHEET}'" not in str(exc):
                raise
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        first = wb.sheetnames[0]
        wb.close()
        return read_table(path, sheet=first, limits=limits)
    return read_table(path, limits=limits)


def detect_actuals_mapping(columns: list[str], exclude: Iterable[str] = ()) -> dict[str, str]:
    """Field key -> column, guessed from the headers (each column used once)."""
    skip = set(exclude)
    best: dict[str, tuple[int, int, str]] = {}
    for position, column in enumerate(columns):
        if column in skip:
            continue
        hit = _ALIASES.get(_norm_header(column))
        if hit is None:
            continue
        key, rank = hit
        if key not in best or (rank, position) < best[key][:2]:
            best[key] = (rank, position, column)
    return {key: value[2] for key, value in best.items()}


def metric_name(column: str) -> str:
    """A metric name for an unmapped numeric column (``Net Adds (#)`` -> ``net_adds_no``)."""
    text = str(column).lower().replace("#", " no ").replace("%", " pct ")
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "metric"
    return name if name[0].isalpha() else f"m_{name}"


def parse_actuals_map(options: Iterable[str], columns: list[str], file: str = "") -> dict[str, str]:
    """``COLUMN=field`` options -> ``column -> field``.

    ``field`` is ``account_id``, ``period``, a known metric (``revenue``,
    ``visits_held``...), ``ignore``, or a new metric name of letters, digits and
    underscores (``net_adds``).

    Raises
    ------
    InputFileError
        On an option without ``=``, an unknown column, a field name that cannot be a
        metric, or two columns mapped to one field.
    """

    def find_field(target: str) -> str | None:
        if target in ACTUAL_FIELDS or target == IGNORE:
            return target
        hit = _ALIASES.get(_norm_header(target))
        if hit:
            return hit[0]
        return target if _METRIC_NAME.match(target) else None

    fields = f"{', '.join(ACTUAL_FIELDS)}, {IGNORE}, or a new metric name such as net_adds"
    return map_options(options, columns, file, find_field, fields, "Net Sales=revenue")


@dataclass
class ActualsReport:
    """What an actuals import did. ``rows_read == rows_loaded + rows_rejected`` always."""

    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rejected: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    columns: list[ColumnFate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Account id -> the file rows naming it, for ids the plan does not hold.
    unknown_accounts: dict[str, list[int]] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    #: Rows added into another row of the same account and period.
    rows_summed: int = 0
    #: Stored periods this import replaces (filled in by whoever stores it).
    replaces: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @property
    def adds_up(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected

    @property
    def unknown_rows(self) -> int:
        return sum(len(v) for v in self.unknown_accounts.values())

    def summary(self) -> str:
        """One line: the counts, periods and metrics (in the current language)."""
        none = tr("none")
        text = tr(
            "{file}: {read} rows read, {loaded} loaded, {rejected} rejected; periods {periods}; metrics {metrics}"
        ).format(
            file=self.file,
            read=num(self.rows_read),
            loaded=num(self.rows_loaded),
            rejected=num(self.rows_rejected),
            periods=", ".join(self.periods) or none,
            metrics=", ".join(self.metrics) or none,
        )
        if self.unknown_accounts:
            text += tr(
                "; {n_ids} account id(s) not in the plan ({n_rows} rows kept, counted in no territory)"
            ).format(n_ids=num(len(self.unknown_accounts)), n_rows=num(self.unknown_rows))
        if self.warnings:
            text += tr("; {n} warnings").format(n=num(len(self.warnings)))
        return text

    def format(self, limit: int | None = 50) -> str:
        """Everything: counts, columns, notes, rejected rows, warnings, unknown ids."""
        lines = [
            self.summary(),
            tr("Rows: {read} read = {loaded} loaded + {rejected} rejected").format(
                read=num(self.rows_read),
                loaded=num(self.rows_loaded),
                rejected=num(self.rows_rejected),
            ),
        ]
        if self.replaces:
            lines.append(
                tr("Replaces the stored period(s) {periods}").format(
                    periods=", ".join(self.replaces)
                )
            )
        if self.rows_summed:
            lines.append(
                tr(
                    "{n} row(s) share an account and period with an earlier row: added together"
                ).format(n=num(self.rows_summed))
            )
        if self.notes:
            lines.append(tr("Notes:"))
            lines += [f"  {n}" for n in self.notes]
        if self.columns:
            lines.append(tr("Columns:"))
            lines += [f"  {fate}" for fate in self.columns]
        for title, issues in ((tr("Rejected:"), self.rejected), (tr("Warnings:"), self.warnings)):
            if issues:
                lines.append(title)
                shown = issues if limit is None else issues[:limit]
                lines += [f"  {issue}" for issue in shown]
                if len(shown) < len(issues):
                    lines.append(
                        "  " + tr("... and {n} more").format(n=num(len(issues) - len(shown)))
                    )
        if self.unknown_accounts:
            lines.append(tr("Account ids not in the plan (rows kept, counted in no territory):"))
            items = list(self.unknown_accounts.items())
            shown_items = items if limit is None else items[:limit]
            for account, rows in shown_items:
                more = tr(" and {n} more").format(n=num(len(rows) - 5)) if len(rows) > 5 else ""
                lines.append(
                    "  "
                    + tr("{file}, {account}: rows {rows}").format(
                        file=self.file, account=account, rows=", ".join(str(r) for r in rows[:5])
                    )
                    + more
                )
            if len(shown_items) < len(items):
                lines.append(
                    "  " + tr("... and {n} more ids").format(n=num(len(items) - len(shown_items)))
                )
        return "\n".join(lines)


@dataclass
class ActualsImport:
    """Rows ready for :func:`planner.models.actuals.replace_periods`, and the report."""

    rows: pd.DataFrame
    report: ActualsReport
    mapping: dict[str, str]

    @property
    def periods(self) -> list[str]:
        return self.report.periods


def _decimal(series: pd.Series, decimal: str | None) -> str:
    if decimal is not None:
        return decimal
    comma, point = column_evidence(series)
    return COMMA if comma > point else POINT


def import_actuals(
    path: str | Path,
    account_ids: Iterable[str] | None = None,
    period: str | None = None,
    *,
    mapping: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    table: RawTable | None = None,
    state: TaskState | None = None,
    limits: ReadLimits | None = None,
) -> ActualsImport:
    """Read actuals from a CSV or XLSX file.

    Parameters
    ----------
    path : path-like
    account_ids : iterable of str, optional
        The plan's account ids; ids not among them are listed in the report.
    period : str, optional
        The period of every row (``2026-Q3``), for a file without a period column. With
        a period column too, rows of another period are rejected.
    mapping : dict, optional
        Field key -> column (detected when omitted).
    overrides : dict, optional
        ``column -> field`` from :func:`parse_actuals_map`, applied over the mapping.
    decimal : {",", ".", None}
        Decimal mark of the numbers; ``None`` detects it per column.
    table : RawTable, optional
        The file already read (the mapping dialog reads it first).

    Raises
    ------
    InputFileError
        When the file cannot be read, has no account id column, or gives no period
        (no period column and no ``period``), or ``period`` is not a period.
    """
    state = state or TaskState()
    state.report(0.0, f"Reading {Path(path).name}")
    raw = table or read_actuals_table(path, limits=limits)
    file = raw.file
    overrides = dict(overrides or {})
    chosen = (
        dict(mapping)
        if mapping is not None
        else detect_actuals_mapping(raw.columns, exclude=overrides)
    )
    for column, key in overrides.items():
        chosen = {k: c for k, c in chosen.items() if c != column and k != key}
        if key != IGNORE:
            chosen[key] = column
    for key, column in chosen.items():
        if column not in raw.columns:
            raise InputFileError(f"{file}: column {column!r} mapped to {key} is not in the file")
    hint = (
        f" Columns: {', '.join(repr(c) for c in raw.columns)}; map one with --map 'COLUMN=field'."
    )
    if "account_id" not in chosen:
        raise InputFileError(f"{file}: no column for the account id.{hint}")
    fixed_period: str | None = None
    if period is not None:
        try:
            fixed_period = parse_period(period)
        except PeriodError as exc:
            raise InputFileError(f"--period: {exc}") from None
    if "period" not in chosen and fixed_period is None:
        raise InputFileError(
            f"{file}: no period column; give the file's period (--period 2026-Q3).{hint}"
        )

    report = ActualsReport(file, rows_read=len(raw.rows) + len(raw.malformed))
    report.rejected.extend(raw.malformed)
    report.warnings.extend(raw.warnings)
    report.notes.extend(raw.notes)
    frame = raw.frame()
    if table is None:
        raw.rows = []
    rownum = np.asarray(raw.row_numbers, dtype=np.int64)
    n = len(frame)
    state.report(0.2, "Checking rows")

    id_col = chosen["account_id"]
    ids = _text_values(frame[id_col])
    keep = ~_missing(ids)
    for i in np.flatnonzero(~keep).tolist():
        report.rejected.append(Issue(file, int(rownum[i]), id_col, "no account id: row not loaded"))

    # Periods: each distinct text parsed once.
    period_of = np.full(n, fixed_period, dtype=object)
    if "period" in chosen:
        pcol = chosen["period"]
        cells = _text_values(frame[pcol])
        codes, uniques = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=True)
        parsed: list[str | None] = []
        why: list[str] = []
        for value in uniques:
            try:
                parsed.append(parse_period(value))
                why.append("")
            except PeriodError as exc:
                parsed.append(None)
                why.append(str(exc))
        table_p = np.array([*parsed, None], dtype=object)
        period_of = table_p[codes]
        # Row by row only where something is wrong: a million good rows cost one lookup.
        bad_code = np.array([p is None for p in parsed] + [False], dtype=bool)
        other = np.array(
            [fixed_period is not None and p is not None and p != fixed_period for p in parsed]
            + [False],
            dtype=bool,
        )
        empty = codes < 0
        if fixed_period is not None:
            period_of[empty] = fixed_period
        for i in np.flatnonzero(keep & empty).tolist() if fixed_period is None else []:
            report.rejected.append(
                Issue(file, int(rownum[i]), pcol, "no period: row not loaded", ids[i])
            )
            keep[i] = False
        for i in np.flatnonzero(keep & bad_code[codes] & ~empty).tolist():
            report.rejected.append(
                Issue(file, int(rownum[i]), pcol, f"{why[codes[i]]}: row not loaded", ids[i])
            )
            keep[i] = False
        for i in np.flatnonzero(keep & other[codes] & ~empty).tolist():
            report.rejected.append(
                Issue(
                    file,
                    int(rownum[i]),
                    pcol,
                    f"period {parsed[codes[i]]} but --period {fixed_period}: row not loaded",
                    ids[i],
                )
            )
            keep[i] = False

    # Metrics: the mapped ones, then every other column that holds numbers.
    state.report(0.4, "Reading numbers")
    metric_of: dict[str, str] = {c: k for k, c in chosen.items() if k not in KEY_COLUMNS}
    values: dict[str, np.ndarray] = {}
    sources = raw.source_headers or raw.columns
    for position, (column, original) in enumerate(zip(raw.columns, sources, strict=True), 1):
        if column == id_col:
            report.columns.append(
                ColumnFate(original, position, "mapped", "account_id", "account_id")
            )
            continue
        if column == chosen.get("period"):
            report.columns.append(ColumnFate(original, position, "mapped", "period", "period"))
            continue
        if overrides.get(column) == IGNORE:
            report.columns.append(
                ColumnFate(original, position, "ignored", note="--map set it to ignore")
            )
            continue
        series = frame[column]
        parsed_col = parse_number_column(series, _decimal(series, decimal))
        if column in metric_of:
            key = metric_of[column]
        else:
            present = ~_missing(_text_values(series))
            if not present.any():
                report.columns.append(
                    ColumnFate(original, position, "ignored", note="every cell is empty")
                )
                continue
            numeric = int((~parsed_col.invalid & present).sum())
            if numeric < 0.9 * int(present.sum()):
                report.columns.append(
                    ColumnFate(
                        original,
                        position,
                        "ignored",
                        note=f"not numeric ({numeric:,} of {int(present.sum()):,} cells are "
                        "numbers): actuals hold numbers; map it with --map if it is one",
                    )
                )
                continue
            key = metric_name(column)
            taken = {*values, *metric_of.values(), *KEY_COLUMNS}
            while key in taken:
                key = f"{key}_2"
        fate = ColumnFate(
            original,
            position,
            "mapped" if column in metric_of else "extra",
            key if column in metric_of else None,
            key,
        )
        if column not in metric_of:
            fate.note = f"numeric: kept as metric {key!r} ({metric_info(key).level})"
        report.columns.append(fate)
        raw_values = series.to_numpy(dtype=object)
        for i, reason in parsed_col.reasons.items():
            if keep[i]:
                report.warnings.append(
                    Issue(
                        file,
                        int(rownum[i]),
                        column,
                        f"{key} {str(raw_values[i]).strip()!r} {reason}; left empty",
                        ids[i],
                    )
                )
        values[key] = parsed_col.values
    if not values:
        raise InputFileError(f"{file}: no numeric column to import as actuals.{hint}")

    state.report(0.7, "Adding up rows")
    rows = pd.DataFrame({"account_id": ids[keep], "period": period_of[keep]})
    for key, arr in values.items():
        rows[key] = arr[keep]
    rows["account_id"] = rows["account_id"].astype("str")
    rows["period"] = rows["period"].astype("str")
    report.rows_loaded = int(keep.sum())
    duplicated = rows.duplicated(list(KEY_COLUMNS), keep="first").to_numpy(dtype=bool)
    report.rows_summed = int(duplicated.sum())
    if report.rows_summed:
        rows = rows.groupby(list(KEY_COLUMNS), sort=False, as_index=False).sum(min_count=1)
    if account_ids is not None:
        known = pd.Index(pd.Series(list(account_ids), dtype=object).astype(str))
        loaded_ids = ids[keep]
        unknown = known.get_indexer(pd.Index(loaded_ids.astype(str))) < 0
        kept_rows = rownum[keep]
        for account, row in zip(
            loaded_ids[unknown].tolist(), kept_rows[unknown].tolist(), strict=True
        ):
            report.unknown_accounts.setdefault(str(account), []).append(int(row))
    report.periods = sort_periods(rows["period"].unique().tolist())
    report.metrics = list(values)
    ordered = [m.key for m in METRICS if m.key in values] + [
        k for k in values if k not in {m.key for m in METRICS}
    ]
    rows = rows[[*KEY_COLUMNS, *ordered]]
    state.report(1.0, report.summary())
    return ActualsImport(rows, report, chosen)
