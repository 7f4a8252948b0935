"""Past Excel's row limit the Accounts sheet continues on Accounts (2)...; review reads all."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from planner.io import export_xlsx
from planner.io.export_xlsx import write_workbook
from planner.io.review import read_review
from planner.models.plan import Plan
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def split_book(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Plan, Path]:
    """120 accounts with an Excel sheet of 50 rows: 49 + 49 + 22 account rows."""
    monkeypatch.setattr(export_xlsx, "EXCEL_MAX_ROWS", 50)
    plan = make_plan(n_accounts=120, grid=3, n_territories=3, seed=17)
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    return plan, book


def test_long_sheets_continue_on_numbered_sheets(split_book: tuple[Plan, Path]) -> None:
    plan, book = split_book
    wb = openpyxl.load_workbook(book)
    names = wb.sheetnames
    i = names.index("Accounts")
    assert names[i : i + 3] == ["Accounts", "Accounts (2)", "Accounts (3)"]
    pieces = [wb[n] for n in names[i : i + 3]]
    assert [ws.max_row for ws in pieces] == [50, 50, 23]
    assert all([c.value for c in ws[1]] == [c.value for c in pieces[0][1]] for ws in pieces)
    ids = [ws.cell(r, 1).value for ws in pieces for r in range(2, ws.max_row + 1)]
    assert ids == list(plan.accounts["account_id"]), "every account once, in order"
    summary = [c.value for c in wb["Summary"]["A"] if c.value]
    assert any("continues on Accounts (2), Accounts (3)" in str(v) for v in summary[:5])
    assert {t for ws in pieces for t in ws.tables} == {
        "tblAccounts",
        "tblAccounts2",
        "tblAccounts3",
    }


def test_review_reads_the_continuation_sheets(split_book: tuple[Plan, Path]) -> None:
    plan, book = split_book
    review = read_review(plan, book)
    assert review.changes == [] and review.conflicts == [] and review.notes == []
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts (3)"]
    col = [c.value for c in ws[1]].index("Territory ID") + 1
    current = ws.cell(5, col).value
    other = next(t for t in plan.territory_ids if t != current)
    ws.cell(5, col).value = other
    # The same account on two sheets is a conflict on both.
    wb["Accounts (2)"].cell(2, 1).value = wb["Accounts"].cell(2, 1).value
    wb.save(book.parent / "edited.xlsx")
    review = read_review(plan, book.parent / "edited.xlsx")
    assert [(c.sheet, c.row, c.item_id) for c in review.changes] == [
        ("Accounts (3)", 5, ws.cell(5, 1).value)
    ]
    assert sorted((c.sheet, c.row) for c in review.conflicts) == [
        ("Accounts", 2),
        ("Accounts (2)", 2),
    ]


def test_review_without_a_continuation_sheet_leaves_its_accounts(
    split_book: tuple[Plan, Path],
) -> None:
    plan, book = split_book
    wb = openpyxl.load_workbook(book)
    del wb["Accounts (3)"]
    wb.save(book.parent / "short.xlsx")
    review = read_review(plan, book.parent / "short.xlsx")
    assert review.changes == []
    assert review.notes and "22 accounts" in review.notes[0]
