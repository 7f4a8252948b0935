"""Formula cells in an edited workbook are conflicts, never values: nothing is unassigned."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from planner.io.export_xlsx import sheet_parts, write_workbook
from planner.io.review import read_review, review_to_change
from planner.models.plan import Plan
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    plan = make_plan(n_accounts=60, grid=3, n_territories=3, seed=11)
    book = tmp_path_factory.mktemp("formulas") / "plan.xlsx"
    write_workbook(plan, book, map_png=tiny_png())
    return plan, book


def headers(ws: object) -> list[str]:
    return [c.value for c in ws[1]]  # type: ignore[index]


def rewrite_cells(book: Path, out: Path, sheet: str, cells: dict[str, str]) -> Path:
    """Copy ``book`` with some cells of ``sheet`` replaced by raw SpreadsheetML."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        part = sheet_parts(zin)[sheet]
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                for ref, xml in cells.items():
                    text, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, text, count=1)
                    assert n == 1, ref
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return out


def letter(ws: object, header: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers(ws).index(header) + 1)


def test_formulas_without_values_unassign_nothing(
    exported: tuple[Plan, Path], tmp_path: Path
) -> None:
    """Written by a script (openpyxl): formulas with no cached value, in 20 rows."""
    plan, book = exported
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    col = headers(ws).index("Territory ID") + 1
    for r in range(2, 22):
        ws.cell(r, col).value = '=IF(1,"","T1")'
    wb.save(tmp_path / "edited.xlsx")
    review = read_review(plan, tmp_path / "edited.xlsx")
    assert review.changes == []
    assert len(review.conflicts) == 20
    assert {(c.sheet, c.column) for c in review.conflicts} == {("Accounts", "Territory ID")}
    assert sorted(c.row for c in review.conflicts) == list(range(2, 22))
    assert all("formula, not a value" in c.reason for c in review.conflicts)
    change = review_to_change(plan, review)
    assert len(change.account_indices) == 0


def test_formulas_with_cached_values_are_conflicts(
    exported: tuple[Plan, Path], tmp_path: Path
) -> None:
    """Saved by a spreadsheet: the formula's value is there, and still not applied."""
    plan, book = exported
    ws = openpyxl.load_workbook(book)["Accounts"]
    tid = letter(ws, "Territory ID")
    name = letter(ws, "Territory")
    aid = letter(ws, "Account ID")
    revenue = letter(ws, "Revenue")
    other = next(t for t in plan.territory_ids if t != ws[f"{tid}2"].value)
    own = ws[f"{aid}6"].value  # a formula computing the row's own id is still a formula
    edited = rewrite_cells(
        book,
        tmp_path / "cached.xlsx",
        "Accounts",
        {
            f"{tid}2": f'<c r="{tid}2" t="str"><f>"{other}"</f><v>{other}</v></c>',
            f"{tid}3": f'<c r="{tid}3" t="str"><f>""</f><v></v></c>',
            f"{tid}4": f'<c r="{tid}4"><f t="shared" si="0"/></c>',
            f"{name}5": f'<c r="{name}5" t="str"><f>"Territory 3"</f><v>Territory 3</v></c>',
            f"{aid}6": f'<c r="{aid}6" t="str"><f>"{own}"</f><v>{own}</v></c>',
            f"{revenue}7": f'<c r="{revenue}7"><f>1+1</f><v>2</v></c>',
        },
    )
    review = read_review(plan, edited)
    assert review.changes == []
    found = {(c.row, c.column) for c in review.conflicts}
    assert found == {(2, "Territory ID"), (3, "Territory ID"), (4, "Territory ID")} | (
        {(5, "Territory")} if ws[f"{name}5"].value != "Territory 3" else set()
    ) | {(6, "Account ID")}
    assert all("formula, not a value" in c.reason for c in review.conflicts)
    assert any('="' + other + '"' in c.reason for c in review.conflicts), "the formula is shown"
    # Row 7's revenue formula is not damage, row 7 is simply unchanged.
    assert not any(c.row == 7 for c in review.conflicts)


def test_a_formula_beside_an_edited_id_does_not_block_it(
    exported: tuple[Plan, Path], tmp_path: Path
) -> None:
    plan, book = exported
    ws = openpyxl.load_workbook(book)["Accounts"]
    tid, name = letter(ws, "Territory ID"), letter(ws, "Territory")
    current = ws[f"{tid}2"].value
    other = next(t for t in plan.territory_ids if t != current)
    edited = rewrite_cells(
        book,
        tmp_path / "both.xlsx",
        "Accounts",
        {
            f"{tid}2": f'<c r="{tid}2" t="inlineStr"><is><t>{other}</t></is></c>',
            f"{name}2": f'<c r="{name}2"><f>VLOOKUP({tid}2,Territories!A:B,2,0)</f></c>',
        },
    )
    review = read_review(plan, edited)
    assert [(c.row, plan.territory_ids[c.after]) for c in review.changes] == [(2, other)]
    assert review.conflicts == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_formulas_saved_by_libreoffice(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    plan, book = exported
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    col = headers(ws).index("Territory ID") + 1
    for r in range(2, 12):
        ws.cell(r, col).value = '=""'
    wb.save(tmp_path / "scripted.xlsx")
    out = tmp_path / "lo"
    command = ["soffice", "--headless", "--norestore", "--convert-to", "xlsx", "--outdir"]
    subprocess.run(
        [*command, str(out), str(tmp_path / "scripted.xlsx")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    review = read_review(plan, out / "scripted.xlsx")
    assert review.changes == []
    assert sorted(c.row for c in review.conflicts) == list(range(2, 12))
    assert np.array_equal(
        review_to_change(plan, review).account_indices, np.array([], dtype=np.int64)
    )
