"""Names that look like something else read back as what they are: no spurious moves."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from planner.io.export_xlsx import write_workbook
from planner.io.review import read_review
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_unedited_workbook_with_tricky_names_has_no_changes(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=60, grid=3, n_territories=4, seed=19)
    plan.set_territory_field(0, "name", "None")  # a word that also means Unassigned
    plan.set_territory_field(1, "name", "Twin")
    plan.set_territory_field(2, "name", "twin")  # the same name, another territory
    plan.set_territory_field(3, "name", "T1")  # another territory's id
    plan.accounts.loc[0, "account_id"] = "  A00000 "
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    review = read_review(plan, book)
    assert review.changes == [] and review.conflicts == []
    # Typing the name of the territory called "None" moves an account there.
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    header = [c.value for c in ws[1]]
    tid, name = header.index("Territory ID") + 1, header.index("Territory") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, tid).value == "T2")
    ws.cell(row, name).value = "None"
    wb.save(tmp_path / "edited.xlsx")
    review = read_review(plan, tmp_path / "edited.xlsx")
    assert [(c.row, c.after) for c in review.changes] == [(row, 0)]
