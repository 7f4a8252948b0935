"""Taking an edited workbook back: the manager's changes, and what cannot be applied.

The Accounts and Units sheets of a workbook written by
:func:`planner.io.export_xlsx.write_workbook` are read back and compared with the
plan. The result is a :class:`Review`: the **changes** (an account or unit whose
territory differs from the plan) and the **conflicts** (rows that cannot be applied:
unknown ids or territories, locked or pinned items, duplicated rows, damaged
values), each with the sheet, row and column a manager can find in the workbook.
Nothing is changed here; :func:`review_to_change` turns the accepted changes into
one :class:`~planner.models.assignment.Change`.

Rules
-----
- ``Territory ID`` is the column that counts. It may hold a territory id or name;
  an empty cell or ``Unassigned`` means Unassigned. If only the ``Territory`` name
  column was edited, the name is used; if both were edited and disagree, the row is
  a conflict.
- Blank rows are ignored wherever they are. Other edits (names, revenue, reps) are
  not read back, but a number column holding text marks its row as damaged (a
  shifted or pasted row), and the row is not used.
- A unit moved on the Units sheet takes the accounts inside it along, as on the map,
  except locked or pinned accounts and accounts whose own row was edited.
- A workbook that cannot be reviewed at all (not a workbook, a missing sheet, a
  missing or renamed column) raises :class:`ReviewError` listing every problem.

The sheets are read straight from the package's XML (shared strings, inline
strings and numbers), which is tens of times faster than openpyxl's cell objects
on 100,000-row sheets.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from planner.io.accounts_import import InputFileError
from planner.io.export_xlsx import (
    ACCOUNT_ID,
    TERRITORY,
    TERRITORY_ID,
    UNIT_ID,
    sheet_parts,
    xml_visible,
)
from planner.io.xlsx_limits import (
    WorkbookLimitError,
    XlsxLimits,
    check_archive,
    check_empty_rows,
    check_sheets,
)
from planner.models.assignment import UNASSIGNED, Change
from planner.models.i18n import all_spellings
from planner.models.plan import Plan
from planner.models.progress import TaskState

#: Number columns checked on each sheet (when present).
NUMBER_COLUMNS = {
    "Accounts": ("Revenue", "Potential", "Visits / year", "Minutes / visit", "Visit hours / year"),
    "Units": ("Accounts", "Area (km²)"),
}
# What reading a damaged archive raises (a bad CRC, a truncated or corrupt stream).
_DAMAGED: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError)
_NOT_A_ZIP: tuple[type[Exception], ...] = (*_DAMAGED, OSError)
_NOT_A_BOOK: tuple[type[Exception], ...] = (KeyError, ElementTree.ParseError, *_DAMAGED)
_BAD_PART: tuple[type[Exception], ...] = (*_NOT_A_BOOK, UnicodeDecodeError, ValueError)
_UNASSIGNED_WORDS = {"", "unassigned", "(unassigned)", "none"} | {
    word.casefold() for word in all_spellings("Unassigned")
}

_CELL = re.compile(rb"<(?:[\w.-]+:)?c(\s[^>]*?)?(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
_ROW_OPEN = re.compile(rb"<(?:[\w.-]+:)?row(\s[^>]*?)?(/?)>", re.S)
_ROW_CLOSE = re.compile(rb"</(?:[\w.-]+:)?row>")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)</", re.S)
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?t>", re.S)
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.S)
_SHEET_DATA = re.compile(rb"<([\w.-]+:)?sheetData(?:\s[^>]*)?(/?)>")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f(?:\s[^>]*?)?(?:/>|>([^<]*)</(?:[\w.-]+:)?f>)", re.S)
_SHARED_ITEM = re.compile(rb"<(?:[\w.-]+:)?si(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?si>", re.S)


class ReviewError(InputFileError):
    """The workbook cannot be reviewed at all; ``problems`` lists every reason."""

    def __init__(self, workbook: str, problems: list[ReviewIssue]) -> None:
        self.workbook = workbook
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{workbook}: cannot be reviewed:\n{lines}")


@dataclass(frozen=True)
class ReviewIssue:
    """A conflict or a problem: where it is in the workbook and what is wrong.

    ``row`` is the spreadsheet row number (0 when the issue is not about one row).
    """

    sheet: str
    row: int
    column: str
    reason: str
    item_id: str | None = None
    kind: str = ""

    def __str__(self) -> str:
        where = self.sheet + (f", row {self.row}" if self.row else "")
        where += f", column '{self.column}'" if self.column else ""
        who = f" ({self.kind} {self.item_id})" if self.item_id else ""
        return f"{where}{who}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "kind": self.kind,
            "id": self.item_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ReviewChange:
    """One account or unit the manager moved.

    ``index`` is the row in ``plan.accounts`` or ``plan.units``; ``before`` and
    ``after`` are territory indices (``-1`` = Unassigned). For a unit,
    ``accounts_following`` counts the accounts inside it that move along.
    """

    kind: str
    index: int
    item_id: str
    name: str | None
    before: int
    after: int
    sheet: str
    row: int
    column: str
    accounts_following: int = 0

    def describe(self, plan: Plan) -> str:
        """One line for a person: where, what, from and to."""
        label = f"{self.kind} {self.item_id}" + (f" '{self.name}'" if self.name else "")
        follow = (
            f" (with {self.accounts_following} account{'s' * (self.accounts_following != 1)})"
            if self.kind == "unit" and self.accounts_following
            else ""
        )
        return (
            f"{self.sheet}, row {self.row}: {label}{follow}: "
            f"{_territory_text(plan, self.before)} -> {_territory_text(plan, self.after)}"
        )

    def to_dict(self, plan: Plan) -> dict[str, Any]:
        ids = [None, *plan.territory_ids]
        return {
            "kind": self.kind,
            "id": self.item_id,
            "name": self.name,
            "from": ids[self.before + 1],
            "to": ids[self.after + 1],
            "from_name": plan.territory_label(self.before),
            "to_name": plan.territory_label(self.after),
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "accounts_following": self.accounts_following,
        }


@dataclass
class Review:
    """The manager's changes and the rows that cannot be applied."""

    workbook: str
    changes: list[ReviewChange] = field(default_factory=list)
    conflicts: list[ReviewIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Accounts whose own row was edited (changed or in conflict): units do not carry them.
    held_accounts: frozenset[int] = frozenset()

    @property
    def account_changes(self) -> list[ReviewChange]:
        return [c for c in self.changes if c.kind == "account"]

    @property
    def unit_changes(self) -> list[ReviewChange]:
        return [c for c in self.changes if c.kind == "unit"]

    def format(self, plan: Plan, limit: int | None = None) -> str:
        """The review as text: a summary line, then every change, conflict and note."""
        lines = [
            f"{self.workbook}: {len(self.account_changes)} account and "
            f"{len(self.unit_changes)} unit changes, {len(self.conflicts)} conflicts"
        ]
        sections: list[tuple[str, list[str]]] = [
            ("Changes", [c.describe(plan) for c in self.changes]),
            ("Conflicts (not applied)", [str(c) for c in self.conflicts]),
            ("Notes", list(self.notes)),
        ]
        for title, items in sections:
            if items:
                lines.append(f"{title}:")
                shown = items if limit is None else items[:limit]
                lines += [f"  {item}" for item in shown]
                if len(shown) < len(items):
                    lines.append(f"  ... and {len(items) - len(shown)} more")
        return "\n".join(lines)

    def to_dict(self, plan: Plan) -> dict[str, Any]:
        return {
            "workbook": self.workbook,
            "plan": plan.name,
            "changes": [c.to_dict(plan) for c in self.changes],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "notes": list(self.notes),
        }


def _territory_text(plan: Plan, index: int) -> str:
    if index < 0:
        return "Unassigned"
    return f"{plan.territory_ids[index]} {plan.territory_label(index)}"


# -- reading sheets ---------------------------------------------------------------------------


@dataclass
class SheetRows:
    """The cells of some columns of a sheet: header row, then one entry per non-blank row."""

    sheet: str
    header_row: int
    headers: dict[str, str]  # column letters -> header text
    rows: list[int]
    values: dict[str, list[Any]]  # header -> one value per entry of ``rows`` (None = empty)
    #: The sheet of each row when continuation sheets were joined (None: all ``sheet``).
    row_sheets: list[str] | None = None


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The workbook's shared string table (rich text runs joined, phonetic runs dropped)."""
    names = {i.filename.lower(): i.filename for i in archive.infolist()}
    name = names.get("xl/sharedstrings.xml")
    if name is None:
        return []
    data = archive.read(name)
    out = []
    for match in _SHARED_ITEM.finditer(data):
        content = match.group(1) or b""
        if b"<rPh" in content or b":rPh" in content:
            content = _PHONETIC.sub(b"", content)
        text = b"".join(_TEXT.findall(content)).decode("utf-8")
        out.append(html.unescape(text) if "&" in text else text)
    return out


@dataclass(frozen=True)
class FormulaCell:
    """A cell holding a formula: what it computes is not a manager's value.

    ``cached`` is the value the spreadsheet last computed (``None`` when the file
    has none, e.g. written by a script and never opened).
    """

    formula: str
    cached: Any

    def describe(self) -> str:
        text = self.formula if len(self.formula) <= 60 else self.formula[:57] + "..."
        return f"formula, not a value (={text})" if text else "formula, not a value"


def _cell_value(cell_type: bytes, content: bytes | None, shared: list[str]) -> Any:
    """The Python value of a cell: str, float, bool, :class:`FormulaCell` or None."""
    if not content:
        return None
    # A cell's <f> comes before its <v> or <is>: most cells are ruled out by one byte.
    if content[1:2] not in (b"v", b"i"):
        stripped = content.lstrip()
        formula = _FORMULA.match(stripped)
        if formula is not None:
            content = stripped
            text = (formula.group(1) or b"").decode("utf-8")
            rest = content[: formula.start()] + content[formula.end() :]
            cached = _clean(_cell_value(cell_type, rest, shared))
            return FormulaCell(html.unescape(text) if "&" in text else text, cached)
    if cell_type == b"inlineStr":
        if content.startswith(b"<is><t>") and content.endswith(b"</t></is>"):
            text = content[7:-9].decode("utf-8")
            if "<" not in text:
                return html.unescape(text) if "&" in text else text
        if b"<rPh" in content or b":rPh" in content:
            content = _PHONETIC.sub(b"", content)
        text = b"".join(_TEXT.findall(content)).decode("utf-8")
        return html.unescape(text) if "&" in text else text
    if content.startswith(b"<v>") and content.endswith(b"</v>"):
        raw = content[3:-4].decode("utf-8")
    else:
        match = _VALUE.search(content)
        if match is None:
            return None
        raw = match.group(1).decode("utf-8")
    if cell_type == b"s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            return None
    if cell_type in (b"str", b"e"):
        return html.unescape(raw) if "&" in raw else raw
    if cell_type == b"b":
        return raw.strip() in ("1", "true")
    try:
        return float(raw)
    except ValueError:
        return raw


def _clean(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _row_cells(data: bytes, start: int, stop: int, shared: list[str]) -> dict[str, Any]:
    """Every valued cell of one row, by column letters (cells without ``r`` count on)."""
    cells: dict[str, Any] = {}
    column = 0
    for cell in _CELL.finditer(data, start, stop):
        attrs = cell.group(1) or b""
        ref = _REF.search(attrs)
        column = _column_number(ref.group(1).decode()) if ref and ref.group(1) else column + 1
        kind = _TYPE.search(attrs)
        value = _clean(_cell_value(kind.group(1) if kind else b"n", cell.group(2), shared))
        if value is not None:
            cells[_column_letters(column)] = value
    return cells


def _iter_rows(data: bytes, pos: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``(row number, content start, content stop)`` of each ``<row>`` from ``pos``."""
    number = 0
    while True:
        opening = _ROW_OPEN.search(data, pos, end)
        if opening is None:
            return
        ref = _REF.search(opening.group(1) or b"")
        number = int(ref.group(2)) if ref and ref.group(2) else number + 1
        if opening.group(2) == b"/":
            pos = opening.end()
            continue
        closing = _ROW_CLOSE.search(data, opening.end(), end)
        stop = closing.start() if closing else end
        yield number, opening.end(), stop
        pos = closing.end() if closing else end


def read_sheet_columns(
    archive: zipfile.ZipFile,
    part: str,
    sheet: str,
    wanted: Iterable[str],
    shared: list[str],
    numbers: Iterable[str] = (),
    state: TaskState | None = None,
    limits: XlsxLimits | None = None,
) -> SheetRows:
    """Read the header row and some columns of a worksheet part.

    The header row is the first row with any value. After it, a row is kept when one
    of the ``wanted`` columns has a value; other rows count as blank. For the
    ``numbers`` columns only text is kept (a number column holding text is damaged):
    their values are the text, or ``None`` for numbers and empty cells.
    """
    state = state or TaskState()
    wanted, numbers = list(wanted), list(numbers)
    empty = SheetRows(sheet, 0, {}, [], {w: [] for w in [*wanted, *numbers]})
    data = archive.read(part)
    opening = _SHEET_DATA.search(data)
    if opening is None or opening.group(2) == b"/":
        return empty
    end = data.find(b"sheetData>", opening.end())
    if end < 0:
        # A sheet cut short would read its last row without the cells after the cut.
        raise ValueError(f"sheet '{sheet}' ends in the middle of its data (the file is cut short)")
    check_empty_rows(data, sheet, limits, opening.end(), end)
    header_row, headers, body = 0, {}, end
    for number, start, stop in _iter_rows(data, opening.end(), end):
        cells = _row_cells(data, start, stop, shared)
        if cells:
            header_row, headers, body = number, cells, stop
            break
    if not header_row:
        return empty
    headers = {k: str(v).strip() for k, v in headers.items()}
    # A workbook exported in another language names the columns in it: read them as English.
    spelt = {spelling: name for name in [*wanted, *numbers] for spelling in all_spellings(name)}
    headers = {k: spelt.get(h, h) for k, h in headers.items()}
    letters_of = {}
    for name in [*wanted, *numbers]:
        found = [k for k, h in headers.items() if h == name]
        if found:
            letters_of[name] = found[0]
    found_rows: dict[int, dict[str, Any]] = {}
    # Every cell written as '<c r="…' (Excel, LibreOffice, openpyxl): the fast scan is exact.
    plain = opening.group(1) is None and data.count(b"<c", body, end) == data.count(
        b'<c r="', body, end
    )
    if plain:
        _scan_columns(data, body, end, letters_of, wanted, numbers, shared, found_rows, state)
    else:
        # Namespace prefixes or cells without references: read every cell of every row.
        keep = {letters_of[n] for n in [*wanted, *numbers] if n in letters_of}
        number_letters = {letters_of[n] for n in numbers if n in letters_of}
        for number, start, stop in _iter_rows(data, body, end):
            cells = {k: v for k, v in _row_cells(data, start, stop, shared).items() if k in keep}
            for letters in number_letters & cells.keys():
                if not isinstance(cells[letters], str):
                    del cells[letters]
            if cells:
                found_rows[number] = cells
    wanted_letters = {letters_of[n] for n in wanted if n in letters_of}
    rows = sorted(r for r, cells in found_rows.items() if wanted_letters & cells.keys())
    values: dict[str, list[Any]] = {}
    for name in [*wanted, *numbers]:
        column = letters_of.get(name)
        values[name] = [found_rows[r].get(column) if column else None for r in rows]
    for name in numbers:
        # A formula in a number column computes a number: not a damaged row.
        values[name] = [None if isinstance(v, FormulaCell) else v for v in values[name]]
    return SheetRows(sheet, header_row, headers, rows, values)


def _scan_columns(
    data: bytes,
    start: int,
    end: int,
    letters_of: dict[str, str],
    wanted: list[str],
    numbers: list[str],
    shared: list[str],
    found: dict[int, dict[str, Any]],
    state: TaskState,
) -> None:
    """Collect the wanted columns' cells (and text in number columns) from ``start``.

    Only cells of those columns are matched, so the regular-expression engine skips
    the rest of each row at C speed.
    """
    text_letters = [letters_of[n] for n in wanted if n in letters_of]
    number_letters = [letters_of[n] for n in numbers if n in letters_of]
    patterns = []
    # Attributes of <c> (r, s, t, cm, vm, ph) never hold '/', so '[^>/]*' stops at '/>'.
    if text_letters:
        alternatives = b"|".join(re.escape(x.encode()) for x in text_letters)
        patterns.append(rb'<c r="(' + alternatives + rb')(\d+)"([^>/]*)(?:/>|>(.*?)</c>)')
    if number_letters:
        alternatives = b"|".join(re.escape(x.encode()) for x in number_letters)
        patterns.append(
            rb'<c r="('
            + alternatives
            + rb')(\d+)"([^>/]*?\st="(?:s|inlineStr|str)"[^>/]*)(?:/>|>(.*?)</c>)'
        )
    for i, pattern in enumerate(patterns):
        state.raise_if_cancelled()
        state.report(i / len(patterns), "Reading cells")
        for letters, row_text, attrs, content in re.findall(pattern, data[start:end], re.S):
            if not content:
                continue
            kind = attrs.split(b't="', 1)[1].split(b'"', 1)[0] if b't="' in attrs else b"n"
            value = _clean(_cell_value(kind, content, shared))
            if value is not None:
                row = int(row_text)
                cells = found.get(row)
                if cells is None:
                    cells = found[row] = {}
                cells[letters.decode()] = value


# -- reviewing --------------------------------------------------------------------------------


def _id_text(value: Any) -> str | None:
    """An id cell as text: whole numbers lose the ``.0`` a spreadsheet may have added.

    A formula cell gives its cached value (to name the row in a conflict; a formula
    is never applied).
    """
    if isinstance(value, FormulaCell):
        value = value.cached
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


@dataclass
class _Lookup:
    """Territory ids and names (case-insensitive) to indices."""

    by_id: dict[str, int]
    by_name: dict[str, int]
    by_id_folded: dict[str, int]

    @classmethod
    def of(cls, plan: Plan) -> _Lookup:
        # The workbook shows control characters as visible symbols (xml_visible): an
        # id or name is found both as it is in the plan and as the workbook shows it.
        by_name: dict[str, int] = {}
        for i in range(plan.n_territories):
            by_name.setdefault(plan.territory_label(i).strip().casefold(), i)
            by_name.setdefault(xml_visible(plan.territory_label(i)).strip().casefold(), i)
        by_id = dict(plan.territory_index)
        for t, i in plan.territory_index.items():
            by_id.setdefault(xml_visible(t), i)
        return cls(by_id, by_name, {t.casefold(): i for t, i in by_id.items()})

    def find(self, text: str | None) -> int | None:
        """Territory index of an id or name; -1 for Unassigned; None when unknown.

        A territory's id or name wins over the words meaning Unassigned, so a
        territory named "None" is that territory.
        """
        if text is None or not text.strip():
            return UNASSIGNED
        text = text.strip()
        if text in self.by_id:
            return self.by_id[text]
        folded = text.casefold()
        if folded in self.by_id_folded:
            return self.by_id_folded[folded]
        if folded in self.by_name:
            return self.by_name[folded]
        return UNASSIGNED if folded in _UNASSIGNED_WORDS else None


def _exported_headers(plan: Plan, sheet: str) -> set[str]:
    from planner.io.export_xlsx import accounts_sheet, units_sheet

    table = accounts_sheet(plan) if sheet == "Accounts" else units_sheet(plan)
    return {c.header for c in table.columns}


def _check_columns(
    sheet: SheetRows, required: tuple[str, ...], exported: Callable[[], set[str]]
) -> list[ReviewIssue]:
    problems = []
    if not sheet.header_row:
        return [ReviewIssue(sheet.sheet, 0, "", "the sheet is empty (no header row)")]
    present = list(sheet.headers.values())
    for name in required:
        count = present.count(name)
        if count == 0:
            # A renamed column is most likely one whose name the export did not write.
            known = exported()
            strangers = [h for h in present if h not in known]
            close = difflib.get_close_matches(name, strangers, n=1, cutoff=0.5)
            hint = f" (is '{close[0]}' it, renamed?)" if close else ""
            problems.append(
                ReviewIssue(
                    sheet.sheet,
                    sheet.header_row,
                    name,
                    f"column '{name}' is missing from the header row{hint}; "
                    "restore its name as exported",
                )
            )
        elif count > 1:
            problems.append(
                ReviewIssue(
                    sheet.sheet,
                    sheet.header_row,
                    name,
                    f"column '{name}' appears {count} times in the header row",
                )
            )
    return problems


def _review_sheet(
    plan: Plan,
    sheet: SheetRows,
    kind: str,
    id_header: str,
    lookup: _Lookup,
) -> tuple[list[ReviewChange], list[ReviewIssue], list[int]]:
    """Changes and conflicts of one sheet, and the plan indices whose row was edited."""
    name = sheet.sheet
    if kind == "account":
        ids = plan.accounts["account_id"].astype(str)
        names = plan.accounts["name"]
        current = plan.account_territory
        locked = plan.account_locked
        pinned = plan.account_pinned
    else:
        ids = plan.units["unit_id"].astype(str)
        names = plan.units["name"] if "name" in plan.units else pd.Series([None] * plan.n_units)
        current = plan.unit_territory
        locked = plan.unit_locked
        pinned = np.zeros(plan.n_units, dtype=bool)
    territory_locked = plan.territory_locked
    n_rows = len(sheet.rows)
    id_cells = [_id_text(v) for v in sheet.values[id_header]]
    name_cells = sheet.values.get(TERRITORY) or [None] * n_rows
    # Formulas are never read as a manager's value: a formula in an id or Territory ID
    # cell is a conflict (even when it computes an id, and when it has no value at all).
    formulas = {
        header: np.array([isinstance(v, FormulaCell) for v in cells], dtype=bool)
        for header, cells in (
            (id_header, sheet.values[id_header]),
            (TERRITORY_ID, sheet.values[TERRITORY_ID]),
            (TERRITORY, name_cells),
        )
    }
    where_all = _find_ids(ids.tolist(), id_cells)
    duplicated = pd.Series(id_cells, dtype=object).duplicated(keep=False).to_numpy() & np.array(
        [i is not None for i in id_cells], dtype=bool
    )
    numbers = [c for c in NUMBER_COLUMNS.get(name, ()) if c in sheet.values]
    damaged = np.zeros(n_rows, dtype=bool)
    for col in numbers:
        damaged |= np.array([v is not None for v in sheet.values[col]], dtype=bool)
    id_texts = [_id_text(v) for v in sheet.values[TERRITORY_ID]]
    name_texts = [_id_text(v) for v in name_cells]
    # -99: the text names no territory; -98: a formula in Territory ID.
    targets = np.array([_or(lookup.find(t), -99) for t in id_texts], dtype=np.int64)
    targets[formulas[TERRITORY_ID]] = -98
    by_names = np.array(
        [-100 if t is None else _or(lookup.find(t), -99) for t in name_texts], dtype=np.int64
    )
    # A name formula without a value differs from every territory (-97).
    by_names[formulas[TERRITORY] & (by_names == -100)] = -97
    now_all = np.where(where_all >= 0, current[np.maximum(where_all, 0)], -100)
    # A name that is the current territory's own is no edit, even when another
    # territory has the same name (or the name is also another territory's id).
    differs = (by_names != -100) & (by_names != now_all) & (where_all >= 0)
    differs &= ~formulas[TERRITORY]
    if differs.any():
        labels = [
            {
                plan.territory_label(i).strip().casefold(),
                xml_visible(plan.territory_label(i)).strip().casefold(),
            }
            for i in range(-1, plan.n_territories)
        ]
        for n in np.flatnonzero(differs).tolist():
            text = name_texts[n]
            if text is not None and text.casefold() in labels[int(now_all[n]) + 1]:
                by_names[n] = now_all[n]
    # Only rows that differ from the plan, or are damaged, need a closer look.
    name_edited = (by_names != -100) & (by_names != now_all)
    look = np.flatnonzero(
        (where_all < 0)
        | damaged
        | duplicated
        | (targets != now_all)
        | name_edited
        | formulas[id_header]
        | np.array([i is None for i in id_cells], dtype=bool)
    )

    changes: list[ReviewChange] = []
    conflicts: list[ReviewIssue] = []
    touched: list[int] = []

    def conflict(row: int, column: str, reason: str, item: str | None) -> None:
        conflicts.append(ReviewIssue(name, row, column, reason, item, kind))

    for n in look.tolist():
        row = sheet.rows[n]
        if sheet.row_sheets is not None:
            name = sheet.row_sheets[n]
        item = id_cells[n]
        where = int(where_all[n])
        if formulas[id_header][n]:
            formula = sheet.values[id_header][n]
            conflict(row, id_header, f"{formula.describe()}: row not used", item)
            if where >= 0:
                touched.append(where)
            continue
        if item is None:
            conflict(row, id_header, f"no {id_header}: row not used", None)
            continue
        if damaged[n]:
            col = next(c for c in numbers if sheet.values[c][n] is not None)
            conflict(row, col, f"'{sheet.values[col][n]}' is not a number: row not used", item)
            if where >= 0:
                touched.append(where)
            continue
        if duplicated[n]:
            conflict(row, id_header, f"{id_header} {item} appears on more than one row", item)
            if where >= 0:
                touched.append(where)
            continue
        if where < 0:
            conflict(row, id_header, f"unknown {kind}: not in the plan", item)
            continue
        now = int(current[where])
        target, by_name, column = int(targets[n]), int(by_names[n]), TERRITORY_ID
        if target == -98:
            formula = sheet.values[TERRITORY_ID][n]
            conflict(row, TERRITORY_ID, f"{formula.describe()}: not applied", item)
            touched.append(where)
            continue
        if target == -99:
            conflict(row, TERRITORY_ID, f"unknown territory '{id_texts[n]}'", item)
            touched.append(where)
            continue
        if target == now and name_edited[n]:
            # Only the Territory (name) column was edited: take the name.
            if formulas[TERRITORY][n]:
                formula = name_cells[n]
                conflict(row, TERRITORY, f"{formula.describe()}: not applied", item)
                touched.append(where)
                continue
            if by_name == -99:
                conflict(row, TERRITORY, f"unknown territory '{name_texts[n]}'", item)
                touched.append(where)
                continue
            target, column = by_name, TERRITORY
        elif (
            target != now
            and name_edited[n]
            and by_name not in (target, -99)
            and not formulas[TERRITORY][n]
        ):
            conflict(
                row,
                TERRITORY,
                f"Territory ID says {_territory_text(plan, target)} but Territory says "
                f"{_territory_text(plan, by_name)}; make them agree",
                item,
            )
            touched.append(where)
            continue
        if target == now:
            continue
        touched.append(where)
        reason = None
        if locked[where]:
            reason = f"the {kind} is locked"
        elif pinned[where]:
            reason = "the account is pinned to its territory"
        elif now >= 0 and territory_locked[now]:
            reason = f"territory {_territory_text(plan, now)} is locked"
        elif target >= 0 and territory_locked[target]:
            reason = f"territory {_territory_text(plan, target)} is locked"
        if reason is not None:
            conflict(row, column, f"cannot move to {_territory_text(plan, target)}: {reason}", item)
            continue
        label = names.iloc[where]
        changes.append(
            ReviewChange(
                kind,
                where,
                item,
                None if pd.isna(label) else str(label),
                now,
                target,
                name,
                row,
                column,
            )
        )
    return changes, conflicts, touched


def _find_ids(ids: list[str], cells: list[str | None]) -> np.ndarray:
    """Index of each cell's id in ``ids`` (-1 when not found).

    A cell matches an id as it is, or as the workbook shows it: stripped of
    surrounding spaces and with control characters as visible symbols.
    """
    where = pd.Index(ids).get_indexer(pd.Index(cells, dtype=object))
    missing = np.flatnonzero((where < 0) & np.array([c is not None for c in cells], dtype=bool))
    if len(missing):
        shown: dict[str, int] = {}
        for i, item in enumerate(ids):
            shown.setdefault(xml_visible(item).strip(), i)
        for n in missing.tolist():
            where[n] = shown.get(str(cells[n]), -1)
    return where


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _followers(plan: Plan, unit: int, held: frozenset[int]) -> np.ndarray:
    """Accounts inside a unit that move with it (not locked, pinned or edited themselves)."""
    inside = np.flatnonzero(plan.account_unit == unit)
    if len(inside) == 0:
        return inside
    keep = ~(plan.account_locked[inside] | plan.account_pinned[inside])
    current = plan.account_territory[inside]
    assigned = current >= 0
    keep[assigned] &= ~plan.territory_locked[current[assigned]]
    if held:
        keep &= ~np.isin(inside, np.fromiter(held, dtype=np.int64))
    return inside[keep]


def read_review(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    limits: XlsxLimits | None = None,
) -> Review:
    """Compare an edited workbook with ``plan``.

    Parameters
    ----------
    plan : Plan
        The plan the workbook was exported from (not modified).
    path : path-like
        The edited ``.xlsx`` workbook.
    state : TaskState, optional
        Progress and cancellation.
    limits : XlsxLimits, optional
        Size and shape limits checked before reading (default: the constants of
        :mod:`planner.io.xlsx_limits`).

    Returns
    -------
    Review
        Changes and conflicts, each with sheet, row and column.

    Raises
    ------
    ReviewError
        When the file is not a readable workbook, exceeds a limit, or a sheet or
        column the review needs is missing; every problem found is listed.
    """
    state = state or TaskState()
    limits = limits or XlsxLimits()
    source = Path(path)
    label = source.name
    if not source.exists():
        raise ReviewError(label, [ReviewIssue(label, 0, "", "no such file")])
    try:
        size = source.stat().st_size
        if size > limits.max_file_bytes:
            raise WorkbookLimitError(
                "MAX_FILE_BYTES",
                "",
                f"the file is {size / 1e6:,.1f} MB, more than the limit of "
                f"{limits.max_file_bytes / 1e6:,.1f} MB (MAX_FILE_BYTES)",
            )
        archive = zipfile.ZipFile(source)
    except WorkbookLimitError as exc:
        raise ReviewError(label, [ReviewIssue(label, 0, "", str(exc))]) from exc
    except _NOT_A_ZIP as exc:
        raise ReviewError(
            label, [ReviewIssue(label, 0, "", f"not an Excel workbook (.xlsx): {exc}")]
        ) from exc
    with archive:
        try:
            check_archive(archive, limits)
            parts = sheet_parts(archive)
        except WorkbookLimitError as exc:
            raise ReviewError(label, [ReviewIssue(label, 0, "", str(exc))]) from exc
        except _NOT_A_BOOK as exc:
            raise ReviewError(
                label, [ReviewIssue(label, 0, "", f"not an Excel workbook (.xlsx): {exc}")]
            ) from exc
        try:
            sheets, problems = _read_sheets(plan, archive, parts, limits, state)
        except WorkbookLimitError as exc:
            raise ReviewError(label, [ReviewIssue(exc.where or label, 0, "", str(exc))]) from exc
        except _BAD_PART as exc:
            raise ReviewError(
                label, [ReviewIssue(label, 0, "", f"the workbook is damaged: {exc}")]
            ) from exc
    if problems:
        raise ReviewError(label, problems)
    return _compare(plan, label, sheets, state)


def _exported_title(parts: Iterable[str], sheet: str) -> str:
    """The name ``sheet`` has in this workbook: English, or as another language exports it."""
    present = list(parts)
    if sheet in present:
        return sheet
    for spelling in sorted(all_spellings(sheet)):
        if spelling in present:
            return spelling
    return sheet


def continuation_sheets(parts: Iterable[str], sheet: str) -> list[str]:
    """``sheet`` and the sheets it continues on past Excel's row limit, in order.

    A sheet too long for one Excel sheet is written as ``Accounts``, ``Accounts (2)``,
    ``Accounts (3)``...; the numbering stops at the first missing one.
    """
    present = set(parts)
    out = [sheet]
    while f"{sheet} ({len(out) + 1})" in present:
        out.append(f"{sheet} ({len(out) + 1})")
    return out


def _read_sheets(
    plan: Plan,
    archive: zipfile.ZipFile,
    parts: dict[str, str],
    limits: XlsxLimits,
    state: TaskState,
) -> tuple[list[tuple[SheetRows, str, str]], list[ReviewIssue]]:
    """The Accounts (and Units) rows, continuation sheets joined, and the problems found."""
    needed = [("Accounts", ACCOUNT_ID)]
    if plan.n_units:
        needed.append(("Units", UNIT_ID))
    # The sheets as a workbook exported in any language names them (Accounts, Cuentas, 客戶).
    titled = {sheet: _exported_title(parts, sheet) for sheet, _ in needed}
    problems = [
        ReviewIssue(
            sheet,
            0,
            "",
            f"no sheet '{sheet}' in the workbook (sheets: {', '.join(parts) or 'none'}); "
            "it must keep its exported name",
        )
        for sheet, _ in needed
        if titled[sheet] not in parts
    ]
    if problems:
        return [], problems
    titles = {sheet: continuation_sheets(parts, titled[sheet]) for sheet, _ in needed}
    check_sheets(archive, {t: parts[t] for ts in titles.values() for t in ts}, limits)
    shared = _shared_strings(archive)
    sheets: list[tuple[SheetRows, str, str]] = []
    steps = sum(len(ts) for ts in titles.values())
    done = 0
    for sheet, id_header in needed:
        pieces = []
        for title in titles[sheet]:
            sub = state.sub(done / steps * 0.8, (done + 1) / steps * 0.8)
            done += 1
            rows = read_sheet_columns(
                archive,
                parts[title],
                title,
                [id_header, TERRITORY_ID, TERRITORY],
                shared,
                NUMBER_COLUMNS[sheet],
                sub,
                limits,
            )
            problems += _check_columns(
                rows, (id_header, TERRITORY_ID), partial(_exported_headers, plan, sheet)
            )
            pieces.append(rows)
        sheets.append((_join(pieces), "account" if sheet == "Accounts" else "unit", id_header))
    return sheets, problems


def _join(pieces: list[SheetRows]) -> SheetRows:
    """One sheet's rows and its continuation sheets' rows as one (each row keeps its sheet)."""
    if len(pieces) == 1:
        return pieces[0]
    first = pieces[0]
    return SheetRows(
        first.sheet,
        first.header_row,
        first.headers,
        [r for p in pieces for r in p.rows],
        {k: [v for p in pieces for v in p.values[k]] for k in first.values},
        [p.sheet for p in pieces for _ in p.rows],
    )


def _compare(
    plan: Plan, label: str, sheets: list[tuple[SheetRows, str, str]], state: TaskState
) -> Review:
    """The review of sheets read from a workbook."""
    state.report(0.85, "Comparing with the plan")
    lookup = _Lookup.of(plan)
    review = Review(label)
    held: list[int] = []
    seen: dict[str, int] = {}
    for rows, kind, id_header in sheets:
        changes, conflicts, touched = _review_sheet(plan, rows, kind, id_header, lookup)
        review.changes += changes
        review.conflicts += conflicts
        if kind == "account":
            held += touched
        seen[kind] = len({_id_text(v) for v in rows.values[id_header]} - {None})
    for rows, kind, id_header in sheets:
        unknown = sum(
            1 for c in review.conflicts if c.kind == kind and c.reason.startswith("unknown " + kind)
        )
        if len(rows.rows) >= 10 and unknown > len(rows.rows) / 2:
            raise ReviewError(
                label,
                [
                    ReviewIssue(
                        rows.sheet,
                        0,
                        id_header,
                        f"{unknown} of {len(rows.rows)} rows name {kind}s that are not in plan "
                        f"'{plan.name}': is this workbook from another plan?",
                    )
                ],
            )
    review.held_accounts = frozenset(int(i) for i in held)
    review.changes = [
        (
            ReviewChange(
                c.kind,
                c.index,
                c.item_id,
                c.name,
                c.before,
                c.after,
                c.sheet,
                c.row,
                c.column,
                len(_followers(plan, c.index, review.held_accounts)),
            )
            if c.kind == "unit"
            else c
        )
        for c in review.changes
    ]
    missing = plan.n_accounts - seen.get("account", 0)
    if missing > 0:
        review.notes.append(
            f"{missing} account{'s' * (missing != 1)} of the plan have no row on the Accounts "
            "sheet: left where they are"
        )
    if plan.n_units:
        missing_units = plan.n_units - seen.get("unit", 0)
        if missing_units > 0:
            review.notes.append(
                f"{missing_units} unit{'s' * (missing_units != 1)} of the plan have no row on "
                "the Units sheet: left where they are"
            )
    state.report(1.0, "Reviewed")
    return review


def review_to_change(
    plan: Plan, review: Review, accepted: Iterable[ReviewChange] | None = None
) -> Change:
    """The model change applying the ``accepted`` changes of a review (default: all).

    Units take along the accounts inside them that are not locked, pinned or edited
    on their own row. Conflicts are never part of the change.

    Raises
    ------
    ValueError
        If the plan has changed since the review (an accepted item is no longer
        where the review found it): review the workbook again.
    """
    items = list(review.changes if accepted is None else accepted)
    account_after: dict[int, int] = {}
    unit_after: dict[int, int] = {}
    for item in items:
        if item.kind == "unit":
            if int(plan.unit_territory[item.index]) != item.before:
                raise ValueError(
                    f"unit {item.item_id} has moved since the review; review the workbook again"
                )
            unit_after[item.index] = item.after
            for a in _followers(plan, item.index, review.held_accounts).tolist():
                account_after[a] = item.after
    for item in items:
        if item.kind == "account":
            if int(plan.account_territory[item.index]) != item.before:
                raise ValueError(
                    f"account {item.item_id} has moved since the review; review the workbook again"
                )
            account_after[item.index] = item.after
    a_idx = np.fromiter(account_after, dtype=np.int64, count=len(account_after))
    a_after = np.fromiter(account_after.values(), dtype=np.int32, count=len(account_after))
    u_idx = np.fromiter(unit_after, dtype=np.int64, count=len(unit_after))
    u_after = np.fromiter(unit_after.values(), dtype=np.int32, count=len(unit_after))
    order = np.argsort(a_idx)
    uorder = np.argsort(u_idx)
    a_idx, a_after = a_idx[order], a_after[order]
    u_idx, u_after = u_idx[uorder], u_after[uorder]
    return Change.build(
        a_idx,
        plan.account_territory[a_idx],
        a_after,
        u_idx,
        plan.unit_territory[u_idx],
        u_after,
    )


__all__ = [
    "FormulaCell",
    "Review",
    "ReviewChange",
    "ReviewError",
    "ReviewIssue",
    "read_review",
    "read_sheet_columns",
    "review_to_change",
]
