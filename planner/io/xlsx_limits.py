"""Limits on the workbooks the planner reads, checked before anything is read.

An ``.xlsx`` file is a zip archive of XML parts. A few megabytes can hold gigabytes
of XML (a "decompression bomb": repeated empty rows compress about 1000:1), and a
single stray value in cell ``XFD1048576`` makes a sheet sixteen thousand columns
wide and a million rows high for any reader that walks the grid. Both are checked
from the zip directory and the first bytes of each sheet, before a part is read:

- the file size, each part's and all parts' uncompressed size, and each large
  part's compression ratio (the zip directory's sizes; :mod:`zipfile` never
  inflates a part beyond its declared size, so the check bounds the memory used);
- each sheet's declared dimension (``<dimension ref="A1:XFD1048576"/>``): rows and
  columns;
- long runs of empty rows inside a sheet (:func:`check_empty_rows`).

The limits are module constants, read when a :class:`XlsxLimits` is made, and can
be set per call. Hitting one raises :class:`WorkbookLimitError`, whose message names
the limit, the value found and what to do.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Largest workbook file read (bytes on disk).
MAX_FILE_BYTES = 1 << 30
#: Largest uncompressed part (a sheet of 1,048,576 exported account rows is ~1.3 GB).
MAX_PART_BYTES = 2 << 30
#: Largest uncompressed size of all parts together.
MAX_TOTAL_BYTES = 4 << 30
#: Highest compression ratio of a part larger than RATIO_GRACE_BYTES (Apache POI's
#: zip-bomb guard uses the same 100:1; exported and Excel-saved sheets are near 8:1).
MAX_RATIO = 100.0
#: Parts up to this size are not held to MAX_RATIO (small parts say little).
RATIO_GRACE_BYTES = 1 << 20
#: Most parts in the archive.
MAX_PARTS = 10_000
#: Most rows a sheet may declare (Excel's own limit).
MAX_ROWS = 1_048_576
#: Most columns a sheet may declare (Excel allows 16,384; no planner sheet needs more).
MAX_COLUMNS = 1_024
#: Most consecutive empty rows inside a sheet's data.
MAX_EMPTY_ROWS = 100_000

_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\s[^>]*?ref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,8})")
_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
# An empty row: self-closing, or holding nothing but whitespace and valueless cells.
# Without namespace prefixes (nearly every file) the pattern starts with a literal,
# which the regular-expression engine finds several times faster.
_EMPTY_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>(?:\s*<c\b[^>]*?/>)*\s*</row>)\s*")
_EMPTY_ROW_PREFIXED = re.compile(
    rb"<(?:[\w.-]+:)?row\b[^>]*?(?:/>|>(?:\s*<(?:[\w.-]+:)?c\b[^>]*?/>)*\s*</(?:[\w.-]+:)?row>)\s*"
)
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


class WorkbookLimitError(ValueError):
    """A workbook exceeds one of the reading limits.

    Attributes
    ----------
    limit : str
        The name of the limit (e.g. ``"MAX_RATIO"``), as in this module.
    where : str
        The part or sheet concerned ("" for the whole file).
    """

    def __init__(self, limit: str, where: str, message: str) -> None:
        self.limit = limit
        self.where = where
        super().__init__(message)


@dataclass(frozen=True)
class XlsxLimits:
    """The limits one read applies (default: the module constants at creation)."""

    max_file_bytes: int = field(default_factory=lambda: MAX_FILE_BYTES)
    max_part_bytes: int = field(default_factory=lambda: MAX_PART_BYTES)
    max_total_bytes: int = field(default_factory=lambda: MAX_TOTAL_BYTES)
    max_ratio: float = field(default_factory=lambda: MAX_RATIO)
    ratio_grace_bytes: int = field(default_factory=lambda: RATIO_GRACE_BYTES)
    max_parts: int = field(default_factory=lambda: MAX_PARTS)
    max_rows: int = field(default_factory=lambda: MAX_ROWS)
    max_columns: int = field(default_factory=lambda: MAX_COLUMNS)
    max_empty_rows: int = field(default_factory=lambda: MAX_EMPTY_ROWS)


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def check_archive(archive: zipfile.ZipFile, limits: XlsxLimits | None = None) -> None:
    """Check the zip directory: number of parts, sizes and compression ratios.

    Raises
    ------
    WorkbookLimitError
        When a limit is exceeded (the message names it).
    """
    limits = limits or XlsxLimits()
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise WorkbookLimitError(
            "MAX_PARTS",
            "",
            f"the workbook has {len(infos):,} parts, more than the limit of "
            f"{limits.max_parts:,} (MAX_PARTS)",
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        total += size
        if size > limits.max_part_bytes:
            raise WorkbookLimitError(
                "MAX_PART_BYTES",
                info.filename,
                f"part {info.filename} unpacks to {_mb(size)}, more than the limit of "
                f"{_mb(limits.max_part_bytes)} (MAX_PART_BYTES)",
            )
        if size > limits.ratio_grace_bytes and size > limits.max_ratio * max(packed, 1):
            raise WorkbookLimitError(
                "MAX_RATIO",
                info.filename,
                f"part {info.filename} unpacks from {_mb(packed)} to {_mb(size)} "
                f"({size / max(packed, 1):,.0f}:1), more than the limit of "
                f"{limits.max_ratio:,.0f}:1 (MAX_RATIO): the file looks like a "
                "decompression bomb, not a workbook a spreadsheet saved",
            )
    if total > limits.max_total_bytes:
        raise WorkbookLimitError(
            "MAX_TOTAL_BYTES",
            "",
            f"the workbook unpacks to {_mb(total)}, more than the limit of "
            f"{_mb(limits.max_total_bytes)} (MAX_TOTAL_BYTES)",
        )


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def sheet_dimension(archive: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """Rows and columns a worksheet part declares (``<dimension>``), or None.

    Only the part's first 64 KiB are inflated: the dimension precedes the data.
    """
    with archive.open(part) as fh:
        head = fh.read(1 << 16)
    start = _SHEET_DATA_START.search(head)
    match = _DIMENSION.search(head, 0, start.start() if start else len(head))
    if match is None:
        return None
    refs = _CELL_REF.findall(match.group(1).decode("ascii", "replace"))
    if not refs:
        return None
    rows = max(int(r) for _, r in refs)
    columns = max(_column_number(c) for c, _ in refs)
    return rows, columns


def check_sheets(
    archive: zipfile.ZipFile, parts: dict[str, str], limits: XlsxLimits | None = None
) -> None:
    """Check the declared dimension of each sheet (``parts``: sheet title -> part name).

    Raises
    ------
    WorkbookLimitError
        When a sheet declares more rows or columns than the limits.
    """
    limits = limits or XlsxLimits()
    for sheet, part in parts.items():
        try:
            dimension = sheet_dimension(archive, part)
        except KeyError:
            continue  # a missing part is the reader's error to report
        if dimension is None:
            continue
        rows, columns = dimension
        if columns > limits.max_columns:
            raise WorkbookLimitError(
                "MAX_COLUMNS",
                sheet,
                f"sheet '{sheet}' reaches column {columns:,}, more than the limit of "
                f"{limits.max_columns:,} columns (MAX_COLUMNS): delete the stray cells "
                "far to the right (Ctrl+End shows the last one) and save again",
            )
        if rows > limits.max_rows:
            raise WorkbookLimitError(
                "MAX_ROWS",
                sheet,
                f"sheet '{sheet}' reaches row {rows:,}, more than the limit of "
                f"{limits.max_rows:,} rows (MAX_ROWS)",
            )


def check_xlsx(
    path: str,
    sheets: Iterable[str] | None = None,
    limits: XlsxLimits | None = None,
) -> None:
    """Check a workbook file before reading it: file size, the zip directory, dimensions.

    Parameters
    ----------
    path : str
        The ``.xlsx`` file.
    sheets : iterable of str, optional
        Part names of the worksheets whose dimensions to check (default: every part
        under ``xl/worksheets/``).
    limits : XlsxLimits, optional
        The limits (default: the module constants).

    Raises
    ------
    WorkbookLimitError
        When a limit is exceeded.
    zipfile.BadZipFile, OSError
        When the file is not a zip archive or cannot be read.
    """
    import os

    limits = limits or XlsxLimits()
    size = os.path.getsize(path)
    if size > limits.max_file_bytes:
        raise WorkbookLimitError(
            "MAX_FILE_BYTES",
            "",
            f"the file is {_mb(size)}, more than the limit of "
            f"{_mb(limits.max_file_bytes)} (MAX_FILE_BYTES)",
        )
    with zipfile.ZipFile(path) as archive:
        check_archive(archive, limits)
        if sheets is None:
            names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            sheets = [n for n in names if n.endswith(".xml")]
        check_sheets(archive, {name: name for name in sheets}, limits)


def longest_empty_run(data: bytes, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """Length of the longest run of consecutive empty ``<row>`` elements, and its first row.

    A row is empty when it holds no cell with a value (self-closing, or only
    self-closing cells). Row numbers skipped between two rows (``r`` jumping ahead)
    are not elements and cost nothing to read, so they do not count.
    """
    end = len(data) if end is None else end
    best, best_row, run, run_row, last_end = 0, 0, 0, 0, -1
    pattern = _EMPTY_ROW_PREFIXED if data.find(b":row", start, end) >= 0 else _EMPTY_ROW
    for match in pattern.finditer(data, start, end):
        if match.start() == last_end:
            run += 1
        else:
            run = 1
            number = _ROW_NUMBER.search(data, match.start(), match.end())
            run_row = int(number.group(1)) if number else 0
        last_end = match.end()
        if run > best:
            best, best_row = run, run_row
    return best, best_row


def check_empty_rows(
    data: bytes,
    sheet: str,
    limits: XlsxLimits | None = None,
    start: int = 0,
    end: int | None = None,
) -> None:
    """Raise :class:`WorkbookLimitError` when a sheet's XML has too long a run of empty rows."""
    limits = limits or XlsxLimits()
    run, first = longest_empty_run(data, start, end)
    if run > limits.max_empty_rows:
        where = f" from row {first:,}" if first else ""
        raise WorkbookLimitError(
            "MAX_EMPTY_ROWS",
            sheet,
            f"sheet '{sheet}' has {run:,} empty rows in a row{where}, more than the limit "
            f"of {limits.max_empty_rows:,} (MAX_EMPTY_ROWS): delete the empty rows below "
            "the data and save again",
        )


__all__ = [
    "MAX_COLUMNS",
    "MAX_EMPTY_ROWS",
    "MAX_FILE_BYTES",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_TOTAL_BYTES",
    "RATIO_GRACE_BYTES",
    "WorkbookLimitError",
    "XlsxLimits",
    "check_archive",
    "check_empty_rows",
    "check_sheets",
    "check_xlsx",
    "longest_empty_run",
    "sheet_dimension",
]
