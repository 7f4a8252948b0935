"""Importing accounts from CSV or XLSX, with a column mapping and a report of every problem.

Nothing a user supplies is silently dropped. Every input column is mapped to a
field, kept as an extra column, or listed as ignored with the reason; every line
of the file is an account in the plan or named in the report; every default the
importer fills in is counted; rows that cannot be placed on the map are kept as
unplaced with a reason. The report's line and row counts always add up.

Reading the file (encodings, quoting errors, XLSX limits) lives in
:mod:`planner.io.table_reader`; reading numbers in :mod:`planner.io.numbers`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.io.geocode import distance_km, zip_centroids
from planner.io.numbers import (
    COMMA,
    POINT,
    column_evidence,
    parse_flag,
    parse_number,
    parse_number_column,
)
from planner.io.table_reader import (
    DEFAULT_LIMITS,
    InputFileError,
    Issue,
    RawTable,
    ReadLimits,
    read_table,
)
from planner.models.progress import TaskState
from planner.models.schema import PLACED_BY_COORDINATES, PLACED_BY_ZIP, UNPLACED_PREFIX
from planner.models.settings import Settings

__all__ = [
    "DEFAULT_LIMITS",
    "FIELDS",
    "FIELD_BY_KEY",
    "IGNORE",
    "ColumnFate",
    "DefaultApplied",
    "FieldSpec",
    "ImportReport",
    "ImportResult",
    "InputFileError",
    "Issue",
    "RawTable",
    "ReadLimits",
    "check_mapping",
    "detect_mapping",
    "import_accounts",
    "parse_flag",
    "parse_map_options",
    "parse_number",
    "read_table",
]

#: Coordinates farther than this from their ZIP's centroid are flagged.
FAR_FROM_ZIP_KM = 150.0
#: The ``--map`` target that keeps a column out of automatic detection.
IGNORE = "ignore"


@dataclass(frozen=True)
class FieldSpec:
    """A field the importer understands, with the header names it recognises.

    Headers are compared without case, spaces or punctuation (``Visits/yr`` reads as
    ``visitsyr``), with ``#`` read as "no" and ``%`` as "pct".
    """

    key: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text, number, flag, zip, lat, lon


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("account_id", "Account id", (
        "account id", "accountid", "account", "id", "acct id", "acct", "acct no", "acct number",
        "account number", "account no", "account code", "customer id", "customer no",
        "customer number", "customer code", "cust id", "cust no", "client id", "client no",
        "crm id", "sfdc id", "salesforce id", "record id", "sold to", "ship to id", "account key",
    )),
    FieldSpec("name", "Name", (
        "name", "account name", "acct name", "company", "company name", "customer",
        "customer name", "cust name", "business name", "client", "client name",
        "organization", "organisation", "organization name", "dba", "legal name", "store name",
    )),
    FieldSpec("zip", "ZIP / postcode", (
        "zip", "zipcode", "zip code", "zip5", "zip 5", "zip4", "zip+4", "postal", "postal code",
        "postalcode", "postcode", "post code", "zip postal code", "zip postal", "postal zip",
        "billing zip", "billing postal code", "billing zip postal code", "shipping zip",
        "shipping postal code", "mailing zip", "zip cd",
    ), "zip"),
    FieldSpec("lat", "Latitude", (
        "lat", "latitude", "y", "lat dd", "lat deg", "geo lat", "geolat", "gps lat",
        "billing latitude", "shipping latitude", "y coord", "y coordinate",
    ), "lat"),
    FieldSpec("lon", "Longitude", (
        "lon", "lng", "long", "longitude", "x", "lon dd", "long dd", "lon deg", "geo lon",
        "geo long", "geolng", "gps lon", "gps long", "billing longitude", "shipping longitude",
        "x coord", "x coordinate",
    ), "lon"),
    FieldSpec("address", "Address", (
        "address", "street", "street address", "address 1", "address1", "address line 1",
        "addr", "addr1", "billing street", "billing address", "shipping street",
        "shipping address", "mailing address", "street 1",
    )),
    FieldSpec("city", "City", (
        "city", "town", "billing city", "shipping city", "mailing city", "locality", "city name",
    )),
    FieldSpec("state", "State", (
        "state", "st", "state code", "province", "state province", "billing state",
        "billing state province", "shipping state", "mailing state", "state abbr",
    )),
    FieldSpec("segment", "Segment", (
        "segment", "tier", "class", "abc", "abc class", "account segment", "account tier",
        "customer segment", "customer tier", "classification", "priority",
    )),
    FieldSpec("industry", "Industry", (
        "industry", "vertical", "sector", "sic description", "naics description", "industry name",
    )),
    FieldSpec("revenue", "Revenue (L12M)", (
        "revenue", "revenue 12m", "revenue 12 m", "12m revenue", "revenue l12m", "l12m revenue",
        "revenue ltm", "ltm revenue", "revenue ttm", "ttm revenue", "revenue ly", "ly revenue",
        "revenue last year", "last year revenue", "revenue last 12 months",
        "last 12 months revenue", "trailing 12 month revenue", "annual revenue",
        "annual sales", "sales", "sales ly", "ly sales", "sales last year", "last year sales",
        "sales 12m", "12m sales", "sales l12m", "l12m sales", "sales ltm", "ltm sales",
        "sales ttm", "ttm sales", "total sales", "net sales", "revenue usd", "sales usd",
        "revenue amount", "sales amount",
    ), "number"),
    FieldSpec("potential", "Revenue potential", (
        "potential", "revenue potential", "potential revenue", "sales potential",
        "potential sales", "opportunity", "opportunity value", "wallet", "wallet size",
        "market potential", "total potential", "annual potential",
    ), "number"),
    FieldSpec("visits_per_year", "Visits per year", (
        "visits per year", "visits yr", "visits per yr", "visits a year", "visits year",
        "visits annual", "annual visits", "yearly visits", "visits", "call frequency",
        "call freq", "calls per year", "calls per yr", "calls yr", "calls year", "annual calls",
        "calls", "frequency", "visit frequency", "visit freq", "freq",
    ), "number"),
    FieldSpec("visit_minutes", "Minutes per visit", (
        "visit minutes", "visit min", "visit mins", "visit length", "visit duration",
        "minutes per visit", "mins per visit", "min per visit", "minutes visit", "mins visit",
        "call duration", "call length", "call minutes", "call mins", "duration",
        "duration min", "duration mins", "duration minutes", "minutes", "mins",
    ), "number"),
    FieldSpec("territory_id", "Territory", (
        "territory id", "territory", "territoryid", "terr", "terr id", "territory code",
        "territory no", "territory number", "current territory",
    )),
    FieldSpec("pinned", "Pinned", ("pinned", "pin", "key account"), "flag"),
    FieldSpec("locked", "Locked", ("locked", "lock"), "flag"),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}
NUMBER_FIELDS = tuple(f.key for f in FIELDS if f.kind == "number")
TEXT_FIELDS = ("address", "city", "state", "industry")


def _norm_header(text: object) -> str:
    """A header as compared: lower case, ``#`` as "no", ``%`` as "pct", no punctuation."""
    text = str(text).lower().replace("#", " no ").replace("%", " pct ").replace("&", " and ")
    return re.sub(r"[^a-z0-9+]+", "", text)


_ALIASES: dict[str, tuple[str, int]] = {}
for _spec in FIELDS:
    for _rank, _alias in enumerate((_spec.key, *_spec.aliases)):
        _ALIASES.setdefault(_norm_header(_alias), (_spec.key, _rank))


def detect_mapping(columns: list[str], exclude: Iterable[str] = ()) -> dict[str, str | None]:
    """Guess which column holds each field from common header names.

    Headers are compared without case, spaces or punctuation, so ``Visits/yr``,
    ``Revenue (L12M)`` and ``Acct #`` are recognised. Columns in ``exclude`` are
    left alone.

    Returns a dict ``field key -> column name or None``; a column is used once.
    """
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
    return {spec.key: (best[spec.key][2] if spec.key in best else None) for spec in FIELDS}


def _find_field(text: str) -> str | None:
    if text in FIELD_BY_KEY or text == IGNORE:
        return text
    norm = _norm_header(text)
    if norm == IGNORE:
        return IGNORE
    for spec in FIELDS:
        if norm in (_norm_header(spec.key), _norm_header(spec.label)):
            return spec.key
    hit = _ALIASES.get(norm)
    return hit[0] if hit else None


def parse_map_options(options: Iterable[str], columns: list[str], file: str = "") -> dict[str, str]:
    """Read ``COLUMN=field`` options (the ``--map`` of ``planner new``) into a dict.

    Parameters
    ----------
    options : iterable of str
        Each ``COLUMN=field``; ``field`` is a key of :data:`FIELDS` (or its label)
        or ``ignore`` to keep the column out of automatic detection. The column
        may differ from the header in case and spacing when that is unambiguous.
    columns : list of str
        The file's columns.
    file : str, optional
        The file name, for messages.

    Returns
    -------
    dict
        ``column -> field key or "ignore"``.

    Raises
    ------
    InputFileError
        On an option without ``=``, an unknown column or field, or two columns
        mapped to the same field; the message lists the valid ones.
    """
    valid_fields = ", ".join([f.key for f in FIELDS] + [IGNORE])
    return map_options(options, columns, file, _find_field, valid_fields, "Revenue 12m=revenue")


def map_options(
    options: Iterable[str],
    columns: list[str],
    file: str,
    find_field: Callable[[str], str | None],
    fields_text: str,
    example: str,
) -> dict[str, str]:
    """``COLUMN=field`` options -> ``column -> field key`` through ``find_field``.

    The column may differ from a header in case and spacing when that is unambiguous;
    ``find_field`` names the field a target stands for (None: no such field) and
    ``fields_text`` lists the valid ones for the message. Raises :class:`InputFileError`
    on an option without ``=``, an unknown column or field, or two columns mapped to one
    field (``ignore`` excepted).
    """
    where = f"{file}: " if file else ""
    out: dict[str, str] = {}
    for option in options:
        column, sep, target = option.rpartition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InputFileError(
                f"{where}--map {option!r}: expected COLUMN=field, e.g. --map '{example}'"
            )
        if column not in columns:
            matches = [c for c in columns if _norm_header(c) == _norm_header(column)]
            if len(matches) != 1:
                raise InputFileError(
                    f"{where}--map {option!r}: no column {column!r} in the file "
                    f"(columns: {', '.join(repr(c) for c in columns)})"
                )
            column = matches[0]
        key = find_field(target)
        if key is None:
            raise InputFileError(
                f"{where}--map {option!r}: {target!r} is not a field (fields: {fields_text})"
            )
        if key != IGNORE:
            taken = [c for c, k in out.items() if k == key and c != column]
            if taken:
                raise InputFileError(
                    f"{where}--map {option!r}: {key} is already mapped to {taken[0]!r}"
                )
        out[column] = key
    return out


def apply_overrides(
    columns: list[str],
    overrides: dict[str, str],
    mapping: dict[str, str | None] | None = None,
) -> dict[str, str | None]:
    """A mapping with ``column -> field`` overrides applied over ``mapping`` (or detection)."""
    chosen = {key: col for col, key in overrides.items() if key != IGNORE}
    if mapping is None:
        mapping = detect_mapping(columns, exclude=overrides)
    out: dict[str, str | None] = {}
    for spec in FIELDS:
        col = chosen.get(spec.key, mapping.get(spec.key))
        out[spec.key] = None if col in overrides and overrides[col] != spec.key else col
    return out


@dataclass
class ColumnFate:
    """What became of one input column."""

    column: str  # the header as in the file ("" when blank)
    position: int  # 1-based
    fate: str  # "mapped", "extra" or "ignored"
    field: str | None = None  # the field key, when mapped
    stored_as: str | None = None  # the column name in the plan, when kept
    note: str = ""

    def __str__(self) -> str:
        head = f"{self.column!r}" if self.column else f"(blank header, column {self.position})"
        if self.fate == "mapped":
            text = f"{head} -> {self.field}"
        elif self.fate == "extra":
            text = f"{head} -> kept as extra column {self.stored_as!r}"
        else:
            text = f"{head} -> ignored"
        return text + (f" ({self.note})" if self.note else "")


@dataclass
class DefaultApplied:
    """A default the importer filled in for some rows of one field."""

    field: str
    rows: int
    value: str  # what was filled in, e.g. "segment default (A: 12, B: 6, other: 4)"
    reason: str  # e.g. "no column mapped", "cell empty"
    row_numbers: list[int] = dataclasses.field(default_factory=list)  # empty when every row

    def __str__(self) -> str:
        text = f"{self.field}: {self.value} for {self.rows:,} row(s) — {self.reason}"
        if self.row_numbers:
            shown = ", ".join(str(r) for r in self.row_numbers[:10])
            more = len(self.row_numbers) - 10
            text += f" (rows {shown}{f' and {more:,} more' if more > 0 else ''})"
        return text


@dataclass
class ImportReport:
    """What an import did: counts, every column's fate, defaults, and every problem row.

    The counts add up: ``rows_read == rows_loaded + rows_rejected`` and
    ``lines_read == lines_header + lines_loaded + lines_rejected + lines_blank``.
    """

    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    placed_by_coordinates: int = 0
    placed_by_zip: int = 0
    unplaced: list[Issue] = field(default_factory=list)
    rejected: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    lines_read: int = 0
    lines_header: int = 0
    lines_loaded: int = 0
    lines_rejected: int = 0
    lines_blank: int = 0
    columns: list[ColumnFate] = field(default_factory=list)
    defaults: list[DefaultApplied] = field(default_factory=list)
    recovered: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coordinates_swapped: int = 0
    coordinates_far_from_zip: int = 0

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)

    @property
    def adds_up(self) -> bool:
        """True when every row and line is accounted for."""
        rows = self.rows_read == self.rows_loaded + self.rows_rejected
        if not self.lines_read:
            return rows
        lines = self.lines_header + self.lines_loaded + self.lines_rejected + self.lines_blank
        return rows and self.lines_read == lines

    def summary(self) -> str:
        """A short, human summary of the counts."""
        text = (
            f"{self.file}: {self.rows_read:,} rows read, {self.rows_loaded:,} loaded "
            f"({self.placed_by_coordinates:,} by coordinates, {self.placed_by_zip:,} by ZIP "
            f"centroid, {len(self.unplaced):,} unplaced), {self.rows_rejected:,} rejected"
        )
        extras = []
        if self.warnings:
            extras.append(f"{len(self.warnings):,} warnings")
        if self.recovered:
            extras.append(f"{len(self.recovered):,} lines recovered after a quoting error")
        if self.defaults:
            extras.append(f"defaults applied to {len({d.field for d in self.defaults})} field(s)")
        return text + (f"; {', '.join(extras)}" if extras else "")

    def rows_summary(self) -> str:
        return (
            f"Rows: {self.rows_read:,} read = {self.rows_loaded:,} loaded + "
            f"{self.rows_rejected:,} rejected"
        )

    def lines_summary(self) -> str:
        return (
            f"Lines: {self.lines_read:,} read = {self.lines_header:,} header + "
            f"{self.lines_loaded:,} loaded + {self.lines_rejected:,} rejected + "
            f"{self.lines_blank:,} blank"
        )

    def format(self, limit: int | None = None) -> str:
        """Everything: counts, every column's fate, defaults, notes and every listed row.

        ``limit`` caps the rows listed per section.
        """
        lines = [self.summary(), self.rows_summary()]
        if self.lines_read:
            lines.append(self.lines_summary())
        if self.notes:
            lines.append("Notes:")
            lines += [f"  {note}" for note in self.notes]
        if self.columns:
            lines.append("Columns:")
            lines += [f"  {fate}" for fate in self.columns]
        if self.defaults:
            lines.append("Defaults applied:")
            lines += [f"  {d}" for d in self.defaults]
        for title, issues in (
            ("Rejected", self.rejected),
            ("Recovered", self.recovered),
            ("Unplaced", self.unplaced),
            ("Warnings", self.warnings),
        ):
            if issues:
                lines.append(f"{title}:")
                shown = issues if limit is None else issues[:limit]
                lines += [f"  {issue}" for issue in shown]
                if len(shown) < len(issues):
                    lines.append(f"  ... and {len(issues) - len(shown):,} more")
        return "\n".join(lines)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    return text or None


def _text_values(series: pd.Series) -> np.ndarray:
    """Cells as stripped text, ``None`` where empty; vectorised for text columns.

    Cells that need no stripping keep their string objects, so a million-row column
    is not copied string by string.
    """
    values = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        text = pd.Series(values, dtype="str")
        stripped = text.str.strip()
        out = np.array(values, dtype=object, copy=True)
        changed = (stripped.str.len() != text.str.len()).to_numpy(dtype=bool)
        if changed.any():
            out[changed] = stripped[changed].to_numpy(dtype=object)
        out[(stripped.str.len() == 0).to_numpy(dtype=bool)] = None
        return out
    return np.array([_cell_text(v) for v in values], dtype=object)


def _missing(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


@dataclass
class ImportResult:
    """Accounts ready for a :class:`~planner.models.plan.Plan`, and the report."""

    accounts: pd.DataFrame
    report: ImportReport
    mapping: dict[str, str | None]


def check_mapping(file: str, mapping: dict[str, str | None], columns: list[str]) -> None:
    """Raise :class:`InputFileError` unless the mapping names an id and a location."""
    for key, col in mapping.items():
        if col is not None and col not in columns:
            raise InputFileError(f"{file}: column '{col}' mapped to {key} is not in the file")
    columns_hint = (
        f" Columns: {', '.join(repr(c) for c in columns)}; map one with --map 'COLUMN=field'."
    )
    if mapping.get("account_id") is None:
        raise InputFileError(
            f"{file}: no column for the account id (looked for: "
            f"{', '.join(FIELD_BY_KEY['account_id'].aliases)}).{columns_hint}"
        )
    has_coords = mapping.get("lat") is not None and mapping.get("lon") is not None
    if not has_coords and mapping.get("zip") is None:
        raise InputFileError(
            f"{file}: no columns to place accounts: need latitude and longitude, or a "
            f"ZIP/postcode column.{columns_hint}"
        )


def _decide_decimals(
    frame: pd.DataFrame, mapping: dict[str, str | None], decimal: str | None
) -> tuple[dict[str, str], list[str]]:
    """The decimal mark of each mapped number column, and notes on what was detected."""
    keys = [k for k in (*NUMBER_FIELDS, "lat", "lon") if mapping.get(k) is not None]
    if decimal is not None:
        if decimal not in (POINT, COMMA):
            raise ValueError(f"decimal must be '.', ',' or None, not {decimal!r}")
        return {k: decimal for k in keys}, []
    evidence = {k: column_evidence(frame[mapping[k]]) for k in keys}
    decided: dict[str, str] = {}
    notes: list[str] = []
    for k, (comma, point) in evidence.items():
        if comma and not point:
            decided[k] = COMMA
        elif point and not comma:
            decided[k] = POINT
        elif comma and point:
            decided[k] = COMMA if comma > point else POINT
            notes.append(
                f"column '{mapping[k]}' mixes decimal commas ({comma} values) and decimal "
                f"points ({point}); read with a decimal {'comma' if comma > point else 'point'}, "
                "the other values are listed as not numbers"
            )
    file_mark = COMMA if COMMA in decided.values() and POINT not in decided.values() else POINT
    for k in keys:
        decided.setdefault(k, file_mark)
        if decided[k] == COMMA:
            notes.append(f"column '{mapping[k]}' read with a decimal comma (e.g. 1.234,50)")
    return decided, notes


_US_LAT = (17.0, 72.0)
_US_LON = (-180.0, -64.0)


def import_accounts(
    path: str | Path,
    mapping: dict[str, str | None] | None = None,
    settings: Settings | None = None,
    state: TaskState | None = None,
    table: RawTable | None = None,
    *,
    overrides: dict[str, str] | None = None,
    decimal: str | None = None,
    swap_latlon: str = "auto",
    limits: ReadLimits | None = None,
) -> ImportResult:
    """Import accounts from a CSV or XLSX file.

    Parameters
    ----------
    path : path-like
        The file.
    mapping : dict, optional
        Field key → column name (see :data:`FIELDS`); detected when omitted.
    settings : Settings, optional
        Segment defaults for visits per year and minutes per visit.
    state : TaskState, optional
        Progress and cancellation.
    table : RawTable, optional
        The file already read with :func:`read_table` (the mapping dialog reads it first).
    overrides : dict, optional
        ``column -> field key or "ignore"`` (from :func:`parse_map_options`), applied
        over ``mapping`` or the detected mapping.
    decimal : {",", ".", None}
        The decimal mark of number columns; ``None`` detects it per column.
    swap_latlon : {"auto", "never"}
        ``"auto"`` swaps a latitude/longitude pair that is evidently swapped (and
        reports it); ``"never"`` only reports it.
    limits : ReadLimits, optional
        Size limits for reading the file.

    Raises
    ------
    InputFileError
        When the file cannot be read or the mapping lacks an id or a location.
    """
    if swap_latlon not in ("auto", "never"):
        raise ValueError(f"swap_latlon must be 'auto' or 'never', not {swap_latlon!r}")
    state = state or TaskState()
    settings = settings or Settings()
    state.report(0.0, f"Reading {Path(path).name}")
    raw = table or read_table(path, limits=limits)
    overrides = dict(overrides or {})
    if overrides:
        mapping = apply_overrides(raw.columns, overrides, mapping)
    mapping = dict(mapping) if mapping is not None else detect_mapping(raw.columns)
    for spec in FIELDS:
        mapping.setdefault(spec.key, None)
    check_mapping(raw.file, mapping, raw.columns)
    file = raw.file
    report = ImportReport(
        file,
        rows_read=len(raw.rows) + len(raw.malformed),
        lines_read=raw.lines_total,
        lines_header=raw.lines_header,
        lines_blank=raw.lines_blank,
    )
    report.rejected.extend(raw.malformed)
    report.recovered.extend(raw.warnings if raw.encoding != "xlsx" else [])
    if raw.encoding == "xlsx":
        report.warnings.extend(raw.warnings)
    report.notes.extend(raw.notes)
    frame = raw.frame()
    if table is None:
        raw.rows = []  # the frame holds the cells now; nobody else sees this table
    rownum = np.asarray(raw.row_numbers, dtype=np.int64)
    spans = np.asarray(raw.row_spans, dtype=np.int64)
    state.report(0.2, "Checking rows")

    def col(key: str) -> pd.Series | None:
        c = mapping.get(key)
        return frame[c] if c is not None else None

    # Account ids: a row without one, or with one already seen, is rejected.
    id_col = mapping["account_id"] or ""
    ids = _text_values(frame[id_col])
    missing = _missing(ids)
    duplicate = pd.Series(ids, dtype=object).duplicated(keep="first").to_numpy() & ~missing
    for i in np.flatnonzero(missing).tolist():
        report.rejected.append(Issue(file, int(rownum[i]), id_col, "no account id: row not loaded"))
    if duplicate.any():
        first = pd.Series(rownum[~missing & ~duplicate], index=ids[~missing & ~duplicate])
        for i in np.flatnonzero(duplicate).tolist():
            report.rejected.append(
                Issue(
                    file,
                    int(rownum[i]),
                    id_col,
                    f"duplicate account id (first on row {int(first[ids[i]])}): row not loaded",
                    ids[i],
                )
            )
    keep = ~missing & ~duplicate
    report.lines_rejected = int(spans[~keep].sum()) + len(raw.malformed)
    report.lines_loaded = int(spans[keep].sum())
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
        ids, rownum = ids[keep], rownum[keep]
    n = len(frame)
    out = pd.DataFrame({"account_id": ids})
    texts: dict[str, np.ndarray] = {id_col: ids}

    def text_of(column: str) -> np.ndarray:
        """A column's cells as stripped text, computed once per import."""
        if column not in texts:
            texts[column] = _text_values(frame[column])
        return texts[column]

    def field_text(key: str) -> np.ndarray:
        column = mapping[key]
        assert column is not None, key
        return text_of(column)

    def note(bucket: list[Issue], i: int, key: str, reason: str) -> None:
        bucket.append(Issue(file, int(rownum[i]), mapping.get(key) or key, reason, ids[i]))

    def default(key: str, mask: np.ndarray, value: str, reason: str) -> None:
        count = int(mask.sum())
        if count:
            rows = [] if count == n and reason == "no column mapped" else rownum[mask].tolist()
            report.defaults.append(DefaultApplied(key, count, value, reason, rows))

    # Names: the account id stands in for a missing name.
    name = col("name")
    if name is not None:
        names = field_text("name")
        no_name = _missing(names)
        out["name"] = np.where(no_name, ids, names)
        default("name", no_name, "the account id", "cell empty")
    else:
        out["name"] = ids
        default("name", np.ones(n, bool), "the account id", "no column mapped")

    # Numbers: one decimal mark per column, detected unless given.
    state.report(0.3, "Reading numbers")
    decimals, decimal_notes = _decide_decimals(frame, mapping, decimal)
    report.notes.extend(decimal_notes)
    numbers: dict[str, np.ndarray] = {}
    empty_cells: dict[str, np.ndarray] = {}
    for key in (*NUMBER_FIELDS, "lat", "lon"):
        series = col(key)
        if series is None:
            numbers[key] = np.full(n, np.nan)
            empty_cells[key] = np.ones(n, bool)
            continue
        parsed = parse_number_column(series, decimals[key])
        numbers[key] = parsed.values
        empty_cells[key] = np.isnan(parsed.values) & ~parsed.invalid
        if key in ("lat", "lon"):
            continue
        label = key
        raw_values = series.to_numpy(dtype=object)
        for i, why in parsed.reasons.items():
            note(
                report.warnings, i, key, f"{label} {str(raw_values[i]).strip()!r} {why}; left empty"
            )
        negative = parsed.values < 0
        for j in np.flatnonzero(negative).tolist():
            note(report.warnings, j, key, f"{label} {parsed.values[j]:g} is negative; left empty")
        numbers[key] = np.where(negative, np.nan, parsed.values)
    for key in ("revenue", "potential"):
        if mapping.get(key) is None:
            default(key, np.ones(n, bool), "left empty", "no column mapped")
        else:
            default(key, empty_cells[key], "left empty", "cell empty")

    segment = col("segment")
    if segment is not None:
        codes, names_seen = pd.factorize(pd.Series(field_text("segment"), dtype=object))
        seg = np.array([str(x).upper() for x in names_seen] + [None], dtype=object)[codes]
    else:
        seg = np.full(n, None, dtype=object)
    out["segment"] = seg
    seg_series = pd.Series(seg, dtype=object)
    for key, by_segment, fallback in (
        ("visits_per_year", settings.segment_visits_per_year, settings.default_visits_per_year),
        ("visit_minutes", settings.segment_visit_minutes, settings.default_visit_minutes),
    ):
        codes, segments = pd.factorize(seg_series)
        per_code = np.array([by_segment.get(x, fallback) for x in segments] + [fallback])
        defaults = per_code[codes].astype(float)
        given = numbers[key]
        need = np.isnan(given)
        numbers[key] = np.where(need, defaults, given)
        if need.any():
            counts = seg_series[need].fillna("no segment").value_counts()
            parts = [f"{s}: {by_segment.get(s, fallback):g} x{c:,}" for s, c in counts.items()][:8]
            value = "segment default (" + ", ".join(parts) + ")"
            if mapping.get(key) is None:
                default(key, need, value, "no column mapped")
            else:
                invalid = need & ~empty_cells[key]
                default(key, need & empty_cells[key], value, "cell empty")
                default(key, invalid, value, "value not usable (see warnings)")

    # Placement: coordinates when valid, else the ZIP centroid, else unplaced with the reason.
    state.report(0.5, "Placing accounts")
    lat, lon = numbers["lat"].copy(), numbers["lon"].copy()
    has_coords = mapping.get("lat") is not None and mapping.get("lon") is not None
    zip_series = col("zip")
    if zip_series is not None:
        zlon, zlat, zips = zip_centroids(zip_series)
        zip_raw = field_text("zip")
        out["zip"] = np.where(_missing(zips), zip_raw, zips)
    else:
        zlon = zlat = np.full(n, np.nan)
        zips = np.full(n, None, dtype=object)
        zip_raw = np.full(n, None, dtype=object)
        out["zip"] = None
    coord_problem = np.full(n, None, dtype=object)
    if has_coords:
        lat_raw = field_text("lat")
        lon_raw = field_text("lon")
        both_empty = _missing(lat_raw) & _missing(lon_raw)
        _check_swaps(lat, lon, zlat, zlon, zips, swap_latlon, report, note)
        finite = np.isfinite(lat) & np.isfinite(lon)
        in_range = finite & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        for i in np.flatnonzero(~both_empty & ~finite).tolist():
            coord_problem[i] = f"coordinates ({lat_raw[i]}, {lon_raw[i]}) are not numbers"
        for i in np.flatnonzero(finite & ~in_range).tolist():
            coord_problem[i] = f"coordinates ({lat[i]:g}, {lon[i]:g}) are out of range"
        for i in np.flatnonzero(in_range & (lat == 0) & (lon == 0)).tolist():
            coord_problem[i] = "coordinates (0, 0) are not a real location"
    valid = (
        np.isfinite(lat)
        & np.isfinite(lon)
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & ~((lat == 0) & (lon == 0))
    )
    if has_coords and zip_series is not None:
        far = valid & np.isfinite(zlat)
        dist = np.full(n, np.nan)
        dist[far] = distance_km(lat[far], lon[far], zlat[far], zlon[far])
        far &= dist > FAR_FROM_ZIP_KM
        report.coordinates_far_from_zip = int(far.sum())
        for i in np.flatnonzero(far).tolist():
            note(
                report.warnings,
                i,
                "lat",
                f"coordinates ({lat[i]:g}, {lon[i]:g}) are {dist[i]:,.0f} km from the centre of "
                f"ZIP {zips[i]}; placed by the coordinates, check them",
            )
    by_zip = ~valid & np.isfinite(zlon)
    final_lon = np.where(valid, lon, np.where(by_zip, zlon, np.nan))
    final_lat = np.where(valid, lat, np.where(by_zip, zlat, np.nan))
    placement = np.where(valid, PLACED_BY_COORDINATES, np.where(by_zip, PLACED_BY_ZIP, "")).astype(
        object
    )
    for i in np.flatnonzero(~valid & ~by_zip).tolist():
        reasons = []
        if coord_problem[i]:
            reasons.append(coord_problem[i])
        elif has_coords:
            reasons.append("no coordinates")
        if zip_series is None:
            pass
        elif zip_raw[i] is None:
            reasons.append("no ZIP")
        elif zips[i] is None:
            reasons.append(f"{zip_raw[i]!r} is not a US ZIP")
        else:
            reasons.append(f"unknown ZIP {zips[i]}")
        reason = " and ".join(reasons) or "no location"
        placement[i] = UNPLACED_PREFIX + reason
        note(
            report.unplaced, i, "lat" if coord_problem[i] else "zip", f"{reason}: kept as unplaced"
        )
    for i in np.flatnonzero(by_zip & (coord_problem != None)).tolist():  # noqa: E711
        note(report.warnings, i, "lat", f"{coord_problem[i]}; placed at the ZIP centroid instead")

    out["revenue"] = numbers["revenue"]
    out["potential"] = numbers["potential"]
    out["visits_per_year"] = numbers["visits_per_year"]
    out["visit_minutes"] = numbers["visit_minutes"]
    territory = col("territory_id")
    if territory is not None:
        out["territory_id"] = field_text("territory_id")
        default("territory_id", _missing(field_text("territory_id")), "Unassigned", "cell empty")
    else:
        out["territory_id"] = None
        default("territory_id", np.ones(n, bool), "Unassigned", "no column mapped")
    out["baseline_territory_id"] = out["territory_id"]
    for key in ("pinned", "locked"):
        series = col(key)
        flags = np.zeros(n, dtype=bool)
        if series is not None:
            codes, uniques = pd.factorize(pd.Series(series.to_numpy(dtype=object), dtype=object))
            parsed_flags = [parse_flag(v) for v in uniques]
            table_flags = np.array([bool(p) for p in parsed_flags] + [False], dtype=bool)
            flags = table_flags[codes]
            unclear = np.array([p is None for p in parsed_flags] + [False], dtype=bool)[codes]
            raw_values = series.to_numpy(dtype=object)
            for i in np.flatnonzero(unclear).tolist():
                note(
                    report.warnings,
                    i,
                    key,
                    f"{key} {str(raw_values[i])!r} is not yes/no; taken as no",
                )
        out[key] = flags
    out["placement"] = placement
    for key in TEXT_FIELDS:
        series = col(key)
        if series is not None:
            out[key] = field_text(key)

    _extra_columns(raw, text_of, mapping, overrides, out, report)
    out["lon"] = final_lon
    out["lat"] = final_lat

    report.rows_loaded = n
    report.placed_by_coordinates = int(valid.sum())
    report.placed_by_zip = int(by_zip.sum())
    state.report(1.0, report.summary())
    return ImportResult(out, report, mapping)


def _check_swaps(
    lat: np.ndarray,
    lon: np.ndarray,
    zlat: np.ndarray,
    zlon: np.ndarray,
    zips: np.ndarray,
    swap_latlon: str,
    report: ImportReport,
    note: Any,
) -> None:
    """Find latitude/longitude pairs given the wrong way round; swap them in place if asked."""
    finite = np.isfinite(lat) & np.isfinite(lon)
    has_zip = finite & np.isfinite(zlat)
    swapped = np.zeros(len(lat), dtype=bool)
    if has_zip.any():
        d_as_given = np.full(len(lat), np.inf)
        d_swapped = np.full(len(lat), np.inf)
        d_as_given[has_zip] = distance_km(lat[has_zip], lon[has_zip], zlat[has_zip], zlon[has_zip])
        d_swapped[has_zip] = distance_km(lon[has_zip], lat[has_zip], zlat[has_zip], zlon[has_zip])
        swapped |= has_zip & (d_as_given > FAR_FROM_ZIP_KM) & (d_swapped <= FAR_FROM_ZIP_KM)
    # Without a ZIP to compare: a "latitude" that only makes sense as a US longitude.
    looks_swapped = (
        finite
        & ~has_zip
        & (((lat >= _US_LON[0]) & (lat <= _US_LON[1])) | (np.abs(lat) > 90))
        & (lon >= _US_LAT[0])
        & (lon <= _US_LAT[1])
    )
    swapped |= looks_swapped
    report.coordinates_swapped = int(swapped.sum()) if swap_latlon == "auto" else 0
    for i in np.flatnonzero(swapped).tolist():
        why = f"lie near the centre of ZIP {zips[i]}" if has_zip[i] else "give a US location"
        if swap_latlon == "auto":
            reason = (
                f"latitude {lat[i]:g} and longitude {lon[i]:g} are swapped (swapped, they "
                f"{why}); swapped"
            )
        else:
            reason = (
                f"latitude {lat[i]:g} and longitude {lon[i]:g} look swapped (swapped, they "
                f"{why}); left as given"
            )
        note(report.warnings, i, "lat", reason)
    if swap_latlon == "auto" and swapped.any():
        lat[swapped], lon[swapped] = lon[swapped].copy(), lat[swapped].copy()


def _extra_columns(
    raw: RawTable,
    text_of: Any,
    mapping: dict[str, str | None],
    overrides: dict[str, str],
    out: pd.DataFrame,
    report: ImportReport,
) -> None:
    """Keep every unmapped column as it came, and record every column's fate."""
    field_of: dict[str, str] = {}
    for k, c in mapping.items():
        if c is not None:  # one column may feed two fields, e.g. the id and the name
            field_of[c] = f"{field_of[c]}, {k}" if c in field_of else k
    sources = raw.source_headers or raw.columns
    for position, (c, original) in enumerate(zip(raw.columns, sources, strict=True), start=1):
        if c in field_of:
            key = field_of[c]
            stored = key if "," not in key else None
            fate = ColumnFate(original, position, "mapped", key, stored)
            cells = text_of(c)
            if len(cells) and _missing(cells).all():
                fate.note = "every cell is empty"
            report.columns.append(fate)
            continue
        if overrides.get(c) == IGNORE:
            report.columns.append(
                ColumnFate(original, position, "ignored", note="--map set it to ignore")
            )
            continue
        values = text_of(c)
        present = ~_missing(values)
        if not present.any():
            why = "blank header and every cell is empty" if not original else "every cell is empty"
            report.columns.append(ColumnFate(original, position, "ignored", note=why))
            continue
        target = (
            c if c not in out.columns and c not in ("lon", "lat", "geometry") else f"{c}_source"
        )
        out[target] = values
        fate = ColumnFate(original, position, "extra", stored_as=target)
        sample = values[present][:2000]
        numeric = sum(1 for v in sample if (p := parse_number(v)) is not None and np.isfinite(p))
        if numeric >= 0.9 * len(sample):
            fate.note = (
                f"numeric, not mapped — map it with --map '{c}=field' if it is one of "
                + ", ".join(NUMBER_FIELDS)
            )
        elif not original:
            fate.note = "blank header"
        elif original != c:
            fate.note = "the header repeats an earlier column's"
        report.columns.append(fate)
