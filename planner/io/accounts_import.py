"""Importing accounts from CSV or XLSX, with a column mapping and a report of every problem.

Nothing a user supplies is silently dropped: rows that cannot be placed on the map
are kept as unplaced with a reason, and rows that cannot be loaded at all (no
account id, a duplicate id, a malformed CSV line) are listed in the report with
the file, row number, column and reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.io.geocode import zip_centroids
from planner.models.progress import TaskState
from planner.models.schema import PLACED_BY_COORDINATES, PLACED_BY_ZIP, UNPLACED_PREFIX
from planner.models.settings import Settings


class InputFileError(Exception):
    """A file cannot be imported at all; the message names the file and the problem."""


@dataclass(frozen=True)
class FieldSpec:
    """A field the importer understands, with the header names it recognises."""

    key: str
    label: str
    aliases: tuple[str, ...]
    kind: str = "text"  # text, number, flag, zip, lat, lon


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("account_id", "Account id", ("account id", "accountid", "account", "id", "acct id", "account number", "account no", "customer id", "customer number", "crm id")),
    FieldSpec("name", "Name", ("name", "account name", "company", "company name", "customer", "customer name", "business name")),
    FieldSpec("zip", "ZIP / postcode", ("zip", "zipcode", "zip code", "zip5", "postal code", "postalcode", "postcode", "post code"), "zip"),
    FieldSpec("lat", "Latitude", ("lat", "latitude", "y", "lat dd"), "lat"),
    FieldSpec("lon", "Longitude", ("lon", "lng", "long", "longitude", "x", "lon dd"), "lon"),
    FieldSpec("segment", "Segment", ("segment", "tier", "class", "abc", "abc class", "account segment")),
    FieldSpec("industry", "Industry", ("industry", "vertical", "sector", "sic description")),
    FieldSpec("revenue", "Revenue (L12M)", ("revenue", "l12m revenue", "revenue l12m", "sales", "annual revenue", "last 12 months revenue", "ltm revenue", "sales l12m"), "number"),
    FieldSpec("potential", "Revenue potential", ("potential", "revenue potential", "opportunity", "sales potential", "wallet"), "number"),
    FieldSpec("visits_per_year", "Visits per year", ("visits per year", "visits", "call frequency", "frequency", "calls per year", "visit frequency"), "number"),
    FieldSpec("visit_minutes", "Minutes per visit", ("visit minutes", "minutes per visit", "call duration", "visit duration", "duration", "minutes"), "number"),
    FieldSpec("territory_id", "Territory", ("territory id", "territory", "territoryid", "terr", "territory code")),
    FieldSpec("pinned", "Pinned", ("pinned", "pin", "key account"), "flag"),
    FieldSpec("locked", "Locked", ("locked", "lock"), "flag"),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}


def _norm_header(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def detect_mapping(columns: list[str]) -> dict[str, str | None]:
    """Guess which column holds each field from common header names.

    Returns a dict ``field key -> column name or None``; a column is used once.
    """
    normalised = {_norm_header(c): c for c in columns}
    used: set[str] = set()
    mapping: dict[str, str | None] = {}
    for spec in FIELDS:
        found = None
        for alias in spec.aliases:
            col = normalised.get(alias)
            if col is not None and col not in used:
                found = col
                break
        mapping[spec.key] = found
        if found is not None:
            used.add(found)
    return mapping


@dataclass
class Issue:
    """One problem with one row: where it is and what happened to the row."""

    file: str
    row: int
    column: str
    reason: str
    account_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (
            f", column '{self.column}'" if self.column else ""
        )
        who = f" (account {self.account_id})" if self.account_id else ""
        return f"{where}{who}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did: counts, and every unplaced, rejected or questionable row."""

    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    placed_by_coordinates: int = 0
    placed_by_zip: int = 0
    unplaced: list[Issue] = field(default_factory=list)
    rejected: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def summary(self) -> str:
        """A short, human summary of the counts."""
        return (
            f"{self.file}: {self.rows_read} rows read, {self.rows_loaded} loaded "
            f"({self.placed_by_coordinates} by coordinates, {self.placed_by_zip} by ZIP centroid, "
            f"{len(self.unplaced)} unplaced), {len(self.rejected)} rejected, "
            f"{len(self.warnings)} values left empty"
        )

    def format(self, limit: int | None = None) -> str:
        """The summary followed by every listed row (``limit`` per section)."""
        lines = [self.summary()]
        for title, issues in (
            ("Rejected", self.rejected),
            ("Unplaced", self.unplaced),
            ("Values left empty", self.warnings),
        ):
            if issues:
                lines.append(f"{title}:")
                shown = issues if limit is None else issues[:limit]
                lines += [f"  {issue}" for issue in shown]
                if len(shown) < len(issues):
                    lines.append(f"  ... and {len(issues) - len(shown)} more")
        return "\n".join(lines)


@dataclass
class RawTable:
    """A file's header and rows as text, with each row's number as a user sees it."""

    file: str
    columns: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    encoding: str = "utf-8"
    malformed: list[Issue] = field(default_factory=list)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read a CSV (any common encoding and delimiter) or an XLSX sheet as text rows.

    Raises
    ------
    InputFileError
        When the file is missing, empty, unreadable, or has no header row.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputFileError(f"{name}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(f"{name}: the file is empty")
    text, encoding = _decode(data)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header: list[str] | None = None
    rows: list[list[Any]] = []
    numbers: list[int] = []
    malformed: list[Issue] = []
    try:
        for record in reader:
            if header is None:
                if not any(cell.strip() for cell in record):
                    continue
                header = [cell.strip() for cell in record]
                continue
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num
            if len(record) != len(header):
                if len(record) > len(header) and not any(c.strip() for c in record[len(header) :]):
                    record = record[: len(header)]
                else:
                    malformed.append(
                        Issue(
                            name,
                            line,
                            "",
                            f"has {len(record)} fields, the header has {len(header)}: row not loaded",
                        )
                    )
                    continue
            rows.append(record)
            numbers.append(line)
    except csv.Error as exc:
        raise InputFileError(
            f"{name}, row {reader.line_num}: cannot be parsed as CSV ({exc})"
        ) from exc
    if header is None:
        raise InputFileError(f"{name}: no header row")
    _check_header(name, header)
    return RawTable(name, header, rows, numbers, encoding, malformed)


def _check_header(name: str, header: list[str]) -> None:
    blank = [i + 1 for i, h in enumerate(header) if not h]
    if blank and len(blank) == len(header):
        raise InputFileError(f"{name}: the header row is empty")
    seen: set[str] = set()
    for h in header:
        if h and h in seen:
            raise InputFileError(f"{name}: column '{h}' appears twice in the header")
        seen.add(h)


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    import openpyxl

    name = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise InputFileError(f"{name}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputFileError(
                    f"{name}: no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})"
                )
            ws = wb[sheet]
        else:
            ws = wb["Accounts"] if "Accounts" in wb.sheetnames else wb.worksheets[0]
        header: list[str] | None = None
        rows: list[list[Any]] = []
        numbers: list[int] = []
        for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                header = [str(c).strip() for c in cells]
                while header and not header[-1]:
                    header.pop()
                continue
            cells = (cells + [""] * len(header))[: len(header)]
            rows.append(cells)
            numbers.append(r)
    finally:
        wb.close()
    if header is None:
        raise InputFileError(f"{name}: the sheet is empty")
    _check_header(name, header)
    return RawTable(name, header, rows, numbers, "xlsx")


_NUMBER_JUNK = re.compile(r"[\s$€£,]")


def parse_number(value: Any) -> float | None:
    """A float from a cell (``'$1,200.50'``, ``'12%'``, ``7``); ``nan`` if empty, ``None`` if invalid."""
    if value is None:
        return float("nan")
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text:
        return float("nan")
    negative = text.startswith("(") and text.endswith(")")
    text = _NUMBER_JUNK.sub("", text.strip("()"))
    try:
        number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return None
    return -number if negative else number


def parse_flag(value: Any) -> bool | None:
    """True/False from yes/no, true/false, 1/0, y/n, x/blank; ``None`` if unclear."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "1.0", "yes", "y", "true", "t", "x"):
        return True
    if text in ("0", "0.0", "no", "n", "false", "f"):
        return False
    return None


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


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
    if mapping.get("account_id") is None:
        raise InputFileError(
            f"{file}: no column for the account id (looked for: {', '.join(FIELD_BY_KEY['account_id'].aliases)})"
        )
    has_coords = mapping.get("lat") is not None and mapping.get("lon") is not None
    if not has_coords and mapping.get("zip") is None:
        raise InputFileError(
            f"{file}: no columns to place accounts: need latitude and longitude, or a ZIP/postcode column"
        )


def import_accounts(
    path: str | Path,
    mapping: dict[str, str | None] | None = None,
    settings: Settings | None = None,
    state: TaskState | None = None,
    table: RawTable | None = None,
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

    Raises
    ------
    InputFileError
        When the file cannot be read or the mapping lacks an id or a location.
    """
    state = state or TaskState()
    settings = settings or Settings()
    state.report(0.0, f"Reading {Path(path).name}")
    raw = table or read_table(path)
    mapping = dict(mapping) if mapping is not None else detect_mapping(raw.columns)
    check_mapping(raw.file, mapping, raw.columns)
    report = ImportReport(raw.file, rows_read=len(raw.rows) + len(raw.malformed))
    report.rejected.extend(raw.malformed)
    frame = raw.frame()
    rownum = np.array(raw.row_numbers, dtype=np.int64)
    state.report(0.2, "Checking rows")

    def col(key: str) -> pd.Series | None:
        c = mapping.get(key)
        return frame[c] if c is not None else None

    id_series = frame[mapping["account_id"]]
    ids = np.array([_cell_text(v) for v in id_series], dtype=object)
    keep = np.ones(len(frame), dtype=bool)
    id_col = mapping["account_id"] or ""
    first_row: dict[str, int] = {}
    for i, account_id in enumerate(ids):
        if account_id is None:
            keep[i] = False
            report.rejected.append(
                Issue(raw.file, int(rownum[i]), id_col, "no account id: row not loaded")
            )
        elif account_id in first_row:
            keep[i] = False
            report.rejected.append(
                Issue(
                    raw.file,
                    int(rownum[i]),
                    id_col,
                    f"duplicate account id (first on row {first_row[account_id]}): row not loaded",
                    account_id,
                )
            )
        else:
            first_row[account_id] = int(rownum[i])
    frame = frame[keep].reset_index(drop=True)
    ids, rownum = ids[keep], rownum[keep]
    n = len(frame)
    out = pd.DataFrame({"account_id": ids})

    def note(bucket: list[Issue], i: int, key: str, reason: str) -> None:
        bucket.append(Issue(raw.file, int(rownum[i]), mapping.get(key) or key, reason, ids[i]))

    name = col("name")
    out["name"] = (
        [(_cell_text(v) or ids[i]) for i, v in enumerate(name)] if name is not None else ids
    )

    numbers: dict[str, np.ndarray] = {}
    for key in ("revenue", "potential", "visits_per_year", "visit_minutes", "lat", "lon"):
        series = col(key)
        values = np.full(n, np.nan)
        if series is not None:
            for i, v in enumerate(series.to_numpy(dtype=object)):
                parsed = parse_number(v)
                if parsed is None:
                    if key not in ("lat", "lon"):
                        note(
                            report.warnings,
                            i,
                            key,
                            f"{FIELD_BY_KEY[key].label.lower()} {str(v)!r} is not a number; left empty",
                        )
                    values[i] = np.nan
                    numbers.setdefault(f"bad_{key}", np.zeros(n, dtype=bool))[i] = True
                else:
                    values[i] = parsed
        numbers[key] = values
    for key in ("revenue", "potential", "visits_per_year", "visit_minutes"):
        v = numbers[key]
        negative = v < 0
        for j in np.flatnonzero(negative).tolist():
            note(
                report.warnings,
                j,
                key,
                f"{FIELD_BY_KEY[key].label.lower()} {v[j]:g} is negative; left empty",
            )
        v[negative] = np.nan

    segment = col("segment")
    seg = (
        np.array([(_cell_text(s) or "").upper() or None for s in segment], dtype=object)
        if segment is not None
        else np.full(n, None, dtype=object)
    )
    out["segment"] = seg
    default_visits = np.array(
        [
            settings.segment_visits_per_year.get(s or "", settings.default_visits_per_year)
            for s in seg
        ],
        dtype=float,
    )
    default_minutes = np.array(
        [settings.segment_visit_minutes.get(s or "", settings.default_visit_minutes) for s in seg],
        dtype=float,
    )
    visits = np.where(
        np.isnan(numbers["visits_per_year"]), default_visits, numbers["visits_per_year"]
    )
    minutes = np.where(
        np.isnan(numbers["visit_minutes"]), default_minutes, numbers["visit_minutes"]
    )

    # Placement: coordinates when valid, else the ZIP centroid, else unplaced with the reason.
    state.report(0.5, "Placing accounts")
    lat, lon = numbers["lat"], numbers["lon"]
    coord_problem = np.full(n, None, dtype=object)
    has_any = (col("lat") is not None) and (col("lon") is not None)
    if has_any:
        lat_raw = col("lat").to_numpy(dtype=object)  # type: ignore[union-attr]
        lon_raw = col("lon").to_numpy(dtype=object)  # type: ignore[union-attr]
        for i in range(n):
            empty = _cell_text(lat_raw[i]) is None and _cell_text(lon_raw[i]) is None
            if empty:
                continue
            if not (np.isfinite(lat[i]) and np.isfinite(lon[i])):
                coord_problem[i] = (
                    f"coordinates ({_cell_text(lat_raw[i])}, {_cell_text(lon_raw[i])}) are not numbers"
                )
            elif not (-90 <= lat[i] <= 90 and -180 <= lon[i] <= 180):
                coord_problem[i] = f"coordinates ({lat[i]:g}, {lon[i]:g}) are out of range"
            elif lat[i] == 0 and lon[i] == 0:
                coord_problem[i] = "coordinates (0, 0) are not a real location"
    valid = (
        np.isfinite(lat)
        & np.isfinite(lon)
        & (np.abs(lat) <= 90)
        & (np.abs(lon) <= 180)
        & ~((lat == 0) & (lon == 0))
    )
    zip_series = col("zip")
    if zip_series is not None:
        zlon, zlat, zips = zip_centroids(zip_series)
        out["zip"] = [
            z if z is not None else _cell_text(v) for z, v in zip(zips, zip_series, strict=True)
        ]
    else:
        zlon = zlat = np.full(n, np.nan)
        zips = np.full(n, None, dtype=object)
        out["zip"] = None
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
        elif has_any:
            reasons.append("no coordinates")
        raw_zip = _cell_text(zip_series.iloc[i]) if zip_series is not None else None
        if zip_series is None:
            pass
        elif raw_zip is None:
            reasons.append("no ZIP")
        elif zips[i] is None:
            reasons.append(f"{raw_zip!r} is not a US ZIP")
        else:
            reasons.append(f"unknown ZIP {zips[i]}")
        reason = " and ".join(reasons) or "no location"
        placement[i] = UNPLACED_PREFIX + reason
        note(
            report.unplaced,
            int(i),
            "lat" if coord_problem[i] else "zip",
            f"{reason}: kept as unplaced",
        )
    for i in np.flatnonzero(by_zip & (coord_problem != None)).tolist():  # noqa: E711
        note(
            report.warnings,
            int(i),
            "lat",
            f"{coord_problem[i]}; placed at the ZIP centroid instead",
        )

    out["revenue"] = numbers["revenue"]
    out["potential"] = numbers["potential"]
    out["visits_per_year"] = visits
    out["visit_minutes"] = minutes
    territory = col("territory_id")
    out["territory_id"] = [_cell_text(v) for v in territory] if territory is not None else None
    out["baseline_territory_id"] = out["territory_id"]
    for key in ("pinned", "locked"):
        series = col(key)
        flags = np.zeros(n, dtype=bool)
        if series is not None:
            for i, v in enumerate(series.to_numpy(dtype=object)):
                parsed = parse_flag(v)
                if parsed is None:
                    note(report.warnings, i, key, f"{key} {str(v)!r} is not yes/no; taken as no")
                flags[i] = bool(parsed)
        out[key] = flags
    out["placement"] = placement
    industry = col("industry")
    if industry is not None:
        out["industry"] = [_cell_text(v) for v in industry]
    mapped = {c for c in mapping.values() if c is not None}
    for c in raw.columns:
        if c and c not in mapped:
            target = (
                c if c not in out.columns and c not in ("lon", "lat", "geometry") else f"{c}_source"
            )
            out[target] = [_cell_text(v) for v in frame[c]]
    out["lon"] = final_lon
    out["lat"] = final_lat

    report.rows_loaded = n
    report.placed_by_coordinates = int(valid.sum())
    report.placed_by_zip = int(by_zip.sum())
    state.report(1.0, report.summary())
    return ImportResult(out, report, mapping)
