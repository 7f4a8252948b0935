"""Reading a CSV or XLSX table as text rows, accounting for every physical line.

Every line of a CSV file ends up in exactly one place: the header, a blank line,
a row that is handed on, or a malformed line listed with its number and reason.
A stray quote that runs a field over many lines is undone: each line it swallowed
is read again on its own and loaded when it parses, or listed when it does not.

Text encodings are decided per line, not once per file, so a UTF-8 export with a
few Windows-1252 lines pasted in keeps both kinds of accented names. Files that
are not text tables at all (gzip, zip, PDF, old .xls) get a message that says
what they are. Sizes are checked before reading, with limits a caller can raise.
"""

from __future__ import annotations

import csv
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


class InputFileError(Exception):
    """A file cannot be imported at all; the message names the file and the problem."""


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


@dataclass(frozen=True)
class ReadLimits:
    """Resource limits checked before a file is read.

    The module-level :data:`DEFAULT_LIMITS` applies when a caller passes none;
    a caller that trusts a bigger file passes ``ReadLimits(max_csv_bytes=...)``.
    """

    max_csv_bytes: int = 2 * 1024**3
    max_xlsx_bytes: int = 500 * 1024**2
    max_xlsx_uncompressed_bytes: int = 4 * 1024**3
    max_xlsx_ratio: float = 200.0
    max_xlsx_cells: int = 60_000_000
    max_columns: int = 2_000


DEFAULT_LIMITS = ReadLimits()


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"  # pragma: no cover


def _limit_error(name: str, what: str, limit_name: str) -> InputFileError:
    return InputFileError(
        f"{name}: {what}; this limit guards against files that would exhaust memory. "
        f"If the file is genuine, raise it with read_table(..., limits=ReadLimits({limit_name}=...))"
    )


@dataclass
class RawTable:
    """A file's header and rows as text, with each row's number as a user sees it.

    ``row_numbers`` holds the first physical line (CSV) or sheet row (XLSX) of each
    row and ``row_spans`` how many lines it covers (more than one when a quoted
    field holds a line break). ``malformed`` lists lines that could not be read as
    a row, one issue per line. The line counts always add up::

        lines_total == lines_header + lines_blank + sum(row_spans) + len(malformed)
    """

    file: str
    columns: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    encoding: str = "utf-8"
    malformed: list[Issue] = field(default_factory=list)
    row_spans: list[int] | None = None
    lines_total: int = 0
    lines_header: int = 1
    lines_blank: int = 0
    warnings: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decoded_as: dict[str, list[int]] = field(default_factory=dict)
    renamed_columns: dict[int, str] = field(default_factory=dict)
    sheet: str | None = None
    source_headers: list[str] | None = None  # the headers as in the file, before renaming

    def __post_init__(self) -> None:
        if self.row_spans is None:
            self.row_spans = [1] * len(self.rows)
        if not self.lines_total:
            self.lines_total = self.lines_header + self.lines_blank + len(self.rows)
            self.lines_total += len(self.malformed)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.columns, dtype=object)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file, not a CSV table; decompress it first"),
    (b"BZh", "a bzip2-compressed file, not a CSV table; decompress it first"),
    (b"\xfd7zXZ\x00", "an xz-compressed file, not a CSV table; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not a CSV table; extract it first"),
    (b"%PDF", "a PDF document, not a CSV table"),
    (b"SQLite format 3\x00", "an SQLite database (perhaps a GeoPackage), not a CSV table"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel .xls workbook; save it as .xlsx or CSV and import that",
    ),
)

# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def _sniff_wide_encoding(data: bytes) -> str | None:
    """UTF-16/UTF-32 without a byte-order mark, from where the zero bytes fall."""
    sample = data[:4096]
    n = len(sample) - len(sample) % 4
    if n < 4 or b"\x00" not in sample:
        return None
    sample = sample[:n]
    zeros = [sample[i::4].count(0) / (n // 4) for i in range(4)]
    if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
        return "utf-32-le"
    if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
        return "utf-32-be"
    even = (zeros[0] + zeros[2]) / 2
    odd = (zeros[1] + zeros[3]) / 2
    if odd > 0.6 and even < 0.1:
        return "utf-16-le"
    if even > 0.6 and odd < 0.1:
        return "utf-16-be"
    return None


def _split_lines(data: bytes) -> list[bytes]:
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _decode_lines(name: str, data: bytes) -> tuple[list[str], str, dict[str, list[int]]]:
    """Decode a file into lines, deciding the encoding per line where it must.

    Returns the lines, a label for the encoding and, for files that are not
    plain UTF-8 throughout, which lines (1-based) were decoded as what.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8":
                data = data[len(bom) :]
                break
            return _decode_wide(name, data[len(bom) :], encoding)
    else:
        wide = _sniff_wide_encoding(data)
        if wide is not None:
            return _decode_wide(name, data, wide)
    raw_lines = _split_lines(data)
    try:
        text = b"\n".join(raw_lines).decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return (text.split("\n") if raw_lines else []), "utf-8", {}
    # Some lines are not UTF-8: decode each line on its own, so a few Windows-1252
    # lines pasted into a UTF-8 export do not garble every other accented name.
    lines: list[str] = []
    decoded_as: dict[str, list[int]] = {}
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8")
            encoding = "utf-8" if not raw.isascii() else ""
        except UnicodeDecodeError:
            try:
                line, encoding = raw.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined
                line, encoding = raw.decode("latin-1"), "latin-1"
        if encoding:
            decoded_as.setdefault(encoding, []).append(number)
        lines.append(line)
    label = "+".join(sorted(decoded_as, key=lambda e: e != "utf-8")) or "utf-8"
    return lines, label, decoded_as


def _decode_wide(name: str, data: bytes, encoding: str) -> tuple[list[str], str, dict]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{name}: looks like {encoding.upper()} text but byte {exc.start} cannot be decoded "
            f"({exc.reason}); save the file again as UTF-8 CSV"
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, encoding, {}


def _check_binary(name: str, data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputFileError(f"{name}: this is {what}")
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            f"{name}: this is a ZIP archive, not a CSV table (an Excel workbook must "
            "have the .xlsx extension; other archives must be extracted first)"
        )


def _pick_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _dedupe_header(header: list[str]) -> tuple[list[str], dict[int, str]]:
    """Unique column names: a repeated name gets a ``_2`` suffix, a blank one ``column_N``."""
    out: list[str] = []
    renamed: dict[int, str] = {}
    seen: set[str] = set(h for h in header if h)
    used: set[str] = set()
    for i, h in enumerate(header):
        new = h
        if not h:
            new = f"column_{i + 1}"
        elif h in used:
            k = 2
            while f"{h}_{k}" in seen or f"{h}_{k}" in used:
                k += 1
            new = f"{h}_{k}"
        if new != h:
            renamed[i] = new
        used.add(new)
        out.append(new)
    return out, renamed


def read_table(
    path: str | Path, sheet: str | None = None, limits: ReadLimits | None = None
) -> RawTable:
    """Read a CSV (any common encoding and delimiter) or an XLSX sheet as text rows.

    Parameters
    ----------
    path : path-like
        The file.
    sheet : str, optional
        The XLSX sheet (default: ``Accounts``, else the first).
    limits : ReadLimits, optional
        Size limits checked before reading (default :data:`DEFAULT_LIMITS`).

    Raises
    ------
    InputFileError
        When the file is missing, empty, not a table, over a limit, or has no header row.
    """
    path = Path(path)
    name = path.name
    limits = limits or DEFAULT_LIMITS
    if not path.exists():
        raise InputFileError(f"{name}: no such file")
    if path.is_dir():
        raise InputFileError(f"{name}: is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, limits)
    size = path.stat().st_size
    if size > limits.max_csv_bytes:
        raise _limit_error(
            name,
            f"the file is {_size(size)}, over the {_size(limits.max_csv_bytes)} limit for CSV files",
            "max_csv_bytes",
        )
    data = path.read_bytes()
    _check_binary(name, data)
    lines, encoding, decoded_as = _decode_lines(name, data)
    del data  # the decoded lines replace it; a large file should not be held twice
    if not any(line.strip() for line in lines):
        raise InputFileError(f"{name}: the file is empty")
    nul_lines = [i + 1 for i, line in enumerate(lines) if "\x00" in line]
    if len(nul_lines) > max(3, len(lines) // 10):
        raise InputFileError(
            f"{name}: this is a binary file, not a CSV table "
            f"({len(nul_lines)} of {len(lines)} lines hold NUL bytes)"
        )
    table = _parse_csv_lines(name, lines)
    table.encoding = encoding
    table.decoded_as = decoded_as
    if nul_lines:
        table.notes.append(
            f"NUL bytes removed from {len(nul_lines)} line(s): {_line_list(nul_lines)}"
        )
    if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        table.notes.append(f"decoded as {encoding.upper()}")
    for enc, numbers in decoded_as.items():
        if enc != "utf-8":
            table.notes.append(
                f"{len(numbers)} line(s) are not valid UTF-8 and were decoded as "
                f"{'Windows-1252' if enc == 'cp1252' else 'Latin-1'}: {_line_list(numbers)}"
            )
    return table


def _line_list(numbers: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def _parse_csv_lines(name: str, lines: list[str]) -> RawTable:
    """Split decoded lines into a header and rows, accounting for every line."""
    lines = (
        [line.replace("\x00", "") for line in lines] if any("\x00" in s for s in lines) else lines
    )
    first = next(line for line in lines if line.strip())
    delimiter = _pick_delimiter(first)
    fmt = {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "strict": False}
    pos = 0
    total = len(lines)

    def feed() -> Any:
        nonlocal pos
        while pos < total:
            line = lines[pos]
            pos += 1
            yield line + "\n"

    header: list[str] | None = None
    ncols = 0
    header_lines = 0
    blank_lines = 0
    rows: list[list[Any]] = []
    numbers: list[int] = []
    spans: list[int] = []
    malformed: list[Issue] = []
    warnings: list[Issue] = []
    wide: list[tuple[int, list[str]]] = []  # (index in malformed, cells) of too-wide lines

    def alone(line: str) -> list[str]:
        """A line parsed on its own; a quote it leaves open is read literally."""
        cells = next(csv.reader([line], **fmt), [])  # type: ignore[arg-type]
        if len(cells) == ncols or line.count('"') % 2 == 0:
            return cells
        literal = next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
        return literal if len(literal) == ncols else cells

    def fits(cells: list[str]) -> list[str] | None:
        if len(cells) == ncols:
            return cells
        if len(cells) > ncols and _blank(cells[ncols:]):
            return cells[:ncols]
        return None

    def open_quote_column(line: str) -> str:
        """The column whose quote the line leaves open, or "" when its quotes balance."""
        if line.count('"') % 2 == 0 or header is None:
            return ""
        cells = next(csv.reader([line], **fmt), [])  # type: ignore[arg-type]
        # The open quote's field runs to the end of the line: it is the last one.
        return header[len(cells) - 1] if 0 < len(cells) <= len(header) else ""

    def resolve_span(start: int, end: int, why: str) -> None:
        """Read each line of a broken multi-line record on its own."""
        nonlocal blank_lines
        for k in range(start, end):
            line = lines[k]
            parsed = alone(line)
            if _blank(parsed):
                blank_lines += 1
                continue
            cells = fits(parsed)
            column = open_quote_column(line)
            if cells is not None:
                rows.append(cells)
                numbers.append(k + 1)
                spans.append(1)
                how = (
                    f"its stray quote in column '{column}' was read as a literal character"
                    if column
                    else "it parses on its own"
                )
                warnings.append(Issue(name, k + 1, column, f"{why}; {how}, line loaded"))
            else:
                malformed.append(
                    Issue(
                        name,
                        k + 1,
                        column,
                        f"{why}; on its own this line has {len(parsed)} field(s), the header "
                        f"has {ncols}: line not loaded",
                    )
                )

    last = 0
    reader = csv.reader(feed(), **fmt)  # type: ignore[arg-type]
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # pragma: no cover - strict=False makes this rare
            start, end = last, pos
            last = pos
            if header is None:
                raise InputFileError(
                    f"{name}, line {start + 1}: cannot be read as CSV ({exc})"
                ) from exc
            resolve_span(start, end, f"cannot be read as CSV ({exc})")
            reader = csv.reader(feed(), **fmt)  # type: ignore[arg-type]
            continue
        start, end = last, pos
        last = pos
        if not "".join(record).strip():
            blank_lines += end - start
            continue
        if header is None:
            header = [cell.strip() for cell in record]
            while header and not header[-1]:
                header.pop()
            ncols = len(header)
            header_lines = end - start
            continue
        if end - start == 1:
            if len(record) == ncols:
                rows.append(record)
                numbers.append(end)
                spans.append(1)
                continue
            cells = fits(record)
            if cells is not None:
                rows.append(cells)
                numbers.append(end)
                spans.append(1)
            else:
                if len(record) > ncols:
                    wide.append((len(malformed), record))
                malformed.append(
                    Issue(
                        name,
                        end,
                        "",
                        f"has {len(record)} fields, the header has {ncols}: line not loaded",
                    )
                )
            continue
        # A record over several lines: a quoted field with line breaks in it, or a
        # stray quote that swallowed the lines after it. When any line parses on
        # its own as a whole row, the quote was stray.
        cells = fits(record)
        if cells is not None and not any(
            fits(alone(lines[k])) is not None for k in range(start, end)
        ):
            rows.append(cells)
            numbers.append(start + 1)
            spans.append(end - start)
            continue
        resolve_span(
            start,
            end,
            f"a quote opened on line {start + 1} is not closed until line {end}"
            if end - start > 1
            else "unbalanced quote",
        )
    if header is None:
        raise InputFileError(f"{name}: no header row")
    _check_header(name, header)
    width = _common_width(wide, len(rows))
    if width:
        # Most lines carry columns the header does not name (an export that left the
        # last headers blank): widen the header rather than reject those lines.
        header = header + [""] * (width - ncols)
        moved = {k for k, cells in wide if len(cells) <= width or _blank(cells[width:])}
        padding = [""] * (width - ncols)
        rows = [r + padding for r in rows]
        for k, cells in wide:
            if k in moved:
                rows.append((cells + padding)[:width])
                numbers.append(malformed[k].row)
                spans.append(1)
        malformed = [issue for k, issue in enumerate(malformed) if k not in moved]
        order = sorted(range(len(rows)), key=numbers.__getitem__)
        rows = [rows[k] for k in order]
        numbers = [numbers[k] for k in order]
        spans = [spans[k] for k in order]
    columns, renamed = _dedupe_header(header)
    table = RawTable(
        name,
        columns,
        rows,
        numbers,
        malformed=malformed,
        row_spans=spans,
        lines_total=total,
        lines_header=header_lines,
        lines_blank=blank_lines,
        warnings=warnings,
        renamed_columns=renamed,
        source_headers=header,
    )
    return table


def _common_width(wide: list[tuple[int, list[str]]], fitting: int) -> int:
    """The field count most too-wide lines share, when they outnumber the lines that fit."""
    if not wide or len(wide) < fitting:
        return 0
    counts: dict[int, int] = {}
    for _, cells in wide:
        counts[len(cells)] = counts.get(len(cells), 0) + 1
    width = max(counts, key=lambda w: counts[w])
    return width if counts[width] * 2 > len(wide) and counts[width] >= fitting else 0


def _check_header(name: str, header: list[str]) -> None:
    if not header or not any(header):
        raise InputFileError(f"{name}: the header row is empty")


# ---------------------------------------------------------------------------------------
# XLSX


def _check_xlsx_archive(path: Path, limits: ReadLimits) -> None:
    name = path.name
    size = path.stat().st_size
    if size > limits.max_xlsx_bytes:
        raise _limit_error(
            name,
            f"the workbook is {_size(size)}, over the {_size(limits.max_xlsx_bytes)} limit",
            "max_xlsx_bytes",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        with open(path, "rb") as fh:
            head = fh.read(16)
        for magic, what in _MAGIC:
            if head.startswith(magic):
                raise InputFileError(f"{name}: this is {what}") from exc
        raise InputFileError(
            f"{name}: not a readable XLSX workbook (it is not a ZIP archive: {exc})"
        ) from exc
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > limits.max_xlsx_uncompressed_bytes:
        raise _limit_error(
            name,
            f"the workbook unpacks to {_size(unpacked)}, over the "
            f"{_size(limits.max_xlsx_uncompressed_bytes)} limit",
            "max_xlsx_uncompressed_bytes",
        )
    if unpacked / packed > limits.max_xlsx_ratio and unpacked > 10 * 1024**2:
        raise _limit_error(
            name,
            f"the workbook unpacks {unpacked / packed:,.0f} times larger than it is "
            f"(limit {limits.max_xlsx_ratio:,.0f}), which is how zip bombs look",
            "max_xlsx_ratio",
        )


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _read_xlsx(path: Path, sheet: str | None, limits: ReadLimits) -> RawTable:
    import openpyxl
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    name = path.name
    _check_xlsx_archive(path, limits)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise InputFileError(f"{name}: not a readable XLSX workbook ({exc})") from exc

    class _Parser(WorkSheetParser):
        """Cell values as saved, remembering formulas that were saved without a value.

        The read-only worksheet's own ``iter_rows`` pads every row out to the sheet's
        stated dimension, so one stray value in XFD1048576 costs 17 billion cells; the
        parser yields only the cells the file holds.
        """

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["formula"] = f"={formula.text.lstrip('=')}" if formula.text else ""
            return cell

    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputFileError(
                    f"{name}: no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})"
                )
            ws = wb[sheet]
        else:
            ws = wb["Accounts"] if "Accounts" in wb.sheetnames else wb.worksheets[0]
        title = ws.title
        stored: list[tuple[int, dict[int, Any]]] = []
        formulas: list[tuple[int, int, str]] = []
        cells_seen = 0
        max_col = 0
        try:
            src = ws._get_source()
            parser = _Parser(
                src,
                ws._shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            for row_index, cells in parser.parse():
                values: dict[int, Any] = {}
                for cell in cells:
                    value = cell["value"]
                    if "formula" in cell:
                        formulas.append((row_index, cell["column"], cell["formula"]))
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    values[cell["column"]] = value
                cells_seen += len(cells)
                if cells_seen > limits.max_xlsx_cells:
                    raise _limit_error(
                        name,
                        f"sheet '{title}' holds more than {limits.max_xlsx_cells:,} cells",
                        "max_xlsx_cells",
                    )
                if values:
                    stored.append((row_index, values))
                    max_col = max(max_col, max(values))
            src.close()
        except InputFileError:
            raise
        except Exception as exc:
            raise InputFileError(f"{name}: sheet '{title}' cannot be read ({exc})") from exc
    finally:
        wb.close()
    if not stored:
        raise InputFileError(f"{name}: the sheet '{title}' is empty")
    _, header_cells = stored[0]
    # Columns: the header's, and any column beyond it that holds a value somewhere.
    used_columns = sorted(set(range(1, max(header_cells) + 1)) | {c for _, v in stored for c in v})
    if len(used_columns) > limits.max_columns:
        raise _limit_error(
            name,
            f"sheet '{title}' uses {len(used_columns):,} columns, over the "
            f"{limits.max_columns:,} limit",
            "max_columns",
        )
    header = [str(header_cells.get(c, "")).strip() for c in used_columns]
    _check_header(name, header)
    notes: list[str] = [f"sheet '{title}'"]
    columns, renamed = _dedupe_header(header)
    for i in list(renamed):
        if not header[i]:
            renamed[i] = f"column_{_column_letter(used_columns[i])}"
            columns[i] = renamed[i]
    rows = [[v.get(c, "") for c in used_columns] for _, v in stored[1:]]
    numbers = [r for r, _ in stored[1:]]
    last_row = max(r for r, _ in stored)
    column_names = dict(zip(used_columns, columns, strict=True))
    warnings = [
        Issue(
            name,
            r,
            column_names.get(c, _column_letter(c)),
            f"sheet '{title}', cell {_column_letter(c)}{r}: "
            f"{f'formula {text}' if text else 'a shared formula'} has no saved value; "
            "open and save the file in Excel or LibreOffice",
        )
        for r, c, text in formulas
    ]
    return RawTable(
        name,
        columns,
        rows,
        numbers,
        "xlsx",
        lines_total=last_row,
        lines_header=1,
        lines_blank=last_row - 1 - len(rows),
        warnings=warnings,
        notes=notes,
        renamed_columns=renamed,
        sheet=title,
        source_headers=header,
    )


__all__ = [
    "DEFAULT_LIMITS",
    "InputFileError",
    "Issue",
    "RawTable",
    "ReadLimits",
    "read_table",
]
