"""The workbook with hostile texts: control characters, formula-like text; read back."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from planner.io.export_xlsx import FORMULA_PREFIXES, write_workbook, xml_visible
from planner.io.review import read_review
from planner.models.plan import Plan
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def with_territory_id(plan: Plan, old: str, new: str) -> Plan:
    """The plan again, with territory ``old`` renamed ``new`` everywhere."""
    accounts, units, territories = plan.accounts.copy(), plan.units.copy(), plan.territories.copy()
    ids = np.array([None, *plan.territory_ids], dtype=object)
    accounts["territory_id"] = ids[plan.account_territory + 1]
    units["territory_id"] = ids[plan.unit_territory + 1]
    for frame, cols in (
        (accounts, ("territory_id", "baseline_territory_id")),
        (units, ("territory_id",)),
        (territories, ("territory_id",)),
    ):
        for col in cols:
            frame[col] = frame[col].replace(old, new)
    return Plan(accounts, units, territories, plan.reps.copy(), name=plan.name)


@pytest.fixture
def plan() -> Plan:
    plan = with_territory_id(
        make_plan(n_accounts=60, grid=3, n_territories=3, seed=7), "T2", "T\x1b2"
    )
    plan.set_territory_field(0, "name", "North\x07East\x00")
    plan.accounts.loc[0, "name"] = "Acme\x0b\x0cCorp"
    plan.accounts.loc[1, "account_id"] = "A\x01001"
    plan.name = "Plan\x1f"
    for i, prefix in enumerate(FORMULA_PREFIXES, start=2):
        plan.accounts.loc[i, "name"] = prefix + "1+1"
    return plan


def test_control_characters_export_and_read_back(plan: Plan, tmp_path: Path) -> None:
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    wb = openpyxl.load_workbook(book)
    summary = [c.value for c in wb["Summary"]["A"] if c.value]
    assert summary[0] == "Plan\u241f"
    assert any("control characters" in str(v) for v in summary[:4]), "the workbook says so"
    accounts = wb["Accounts"]
    assert accounts["B2"].value == "Acme\u240b\u240cCorp"
    assert accounts["A3"].value == "A\u2401001"
    assert "North\u2407East\u2400" in [c.value for c in wb["Territories"]["B"]]
    # Read back unedited: the visible forms match the plan's ids and names.
    review = read_review(plan, book)
    assert review.changes == [] and review.conflicts == []


def test_moving_to_a_territory_whose_id_has_a_control_character(plan: Plan, tmp_path: Path) -> None:
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    headers = [c.value for c in ws[1]]
    tid = headers.index("Territory ID") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, tid).value == "T1")
    ws.cell(row, tid).value = "T\u241b2"
    wb.save(tmp_path / "edited.xlsx")
    review = read_review(plan, tmp_path / "edited.xlsx")
    assert [(c.item_id, c.after) for c in review.changes] == [(ws.cell(row, 1).value, 1)]


def test_formula_like_text_stays_text(plan: Plan, tmp_path: Path) -> None:
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    ws = openpyxl.load_workbook(book)["Accounts"]
    for i, prefix in enumerate(FORMULA_PREFIXES, start=2):
        cell = ws.cell(i + 2, 2)
        assert cell.data_type == "s", prefix
        assert cell.value == xml_visible(prefix + "1+1")
        assert cell.quotePrefix, f"{prefix!r} keeps Excel's quote prefix"


def test_xml_visible() -> None:
    assert xml_visible("a\tb\nc\r") == "a\tb\nc\r"
    assert xml_visible("\x00\x07\x1f") == "\u2400\u2407\u241f"
    assert xml_visible("\ud800\uffff") == "\ufffd\ufffd"
    assert xml_visible("plain") == "plain"


def test_deviation_cells_agree_with_their_band(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """+10.0 % inside a ±10 % band is in band (green), and -0.0 % is never shown."""
    from planner.io.export_html import territory_popup

    plan = make_plan(n_accounts=60, grid=3, n_territories=3, seed=7)
    table = plan.balance()
    tolerance = table.measures[0].tolerance
    table.deviation[0, 0] = tolerance + 0.00004  # shows as +10.0 %
    table.deviation[1, 0] = -0.00004  # shows as 0.0 %, not -0.0 %
    table.deviation[2, 0] = tolerance + 0.0006  # shows as +10.1 %: out of band
    monkeypatch.setattr(plan, "balance", lambda *a, **k: table)
    popups = [territory_popup(plan, i, table) for i in range(3)]
    assert "color:#006100'>+10.0 %" in popups[0]
    assert "-0.0 %" not in popups[1] and "+0.0 %" in popups[1]
    assert "color:#9c0006'>+10.1 %" in popups[2]
    book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
    ws = openpyxl.load_workbook(book)["Summary"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value in set(plan.territories["name"])}
    devs = [rows[plan.territory_label(i)][3].value for i in range(3)]
    assert devs[0] == pytest.approx(tolerance)
    assert devs[1] == 0 and math.copysign(1.0, devs[1]) > 0, "no negative zero"
    in_band = [rows[plan.territory_label(i)][-1].value for i in range(3)]
    n = len(table.measures)
    assert in_band[0] == f"{int(table.in_band[0, 1:].sum()) + 1} of {n}"
    assert in_band[2] == f"{int(table.in_band[2, 1:].sum())} of {n}"
