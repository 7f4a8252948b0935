"""Taking an edited workbook back: exactly the manager's changes, conflicts, bad workbooks."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from planner.cli import main
from planner.io.export_xlsx import write_workbook
from planner.io.planfile import open_plan, save_plan
from planner.io.review import ReviewError, read_review, review_to_change
from planner.models.plan import Plan
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A plan file and the workbook exported from it (shared; each test opens its own plan)."""
    folder = tmp_path_factory.mktemp("review")
    plan = make_plan(n_accounts=300, grid=6, n_territories=4, seed=2)
    plan.set_account_flags(np.array([5]), locked=np.array([True]))
    plan.set_account_flags(np.array([6]), pinned=np.array([True]))
    plan.set_territory_field(3, "locked", True)
    plan.set_unit_locks(np.array([1]), np.array([True]))
    plan_path = folder / "plan.gpkg"
    save_plan(plan, plan_path)
    book = folder / "plan.xlsx"
    write_workbook(plan, book, map_png=tiny_png())
    return plan_path, book


def edited(book: Path, out: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(book)
    edit(wb)
    wb.save(out)
    return out


def col(ws: object, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1  # type: ignore[index]


def row_of(ws: object, item_id: str) -> int:
    for r in range(2, ws.max_row + 1):  # type: ignore[attr-defined]
        if ws.cell(r, 1).value == item_id:  # type: ignore[attr-defined]
            return r
    raise KeyError(item_id)


def free_accounts(plan: Plan, territory: int, n: int) -> list[int]:
    """Accounts of a territory that nothing holds in place."""
    free = ~plan.account_locked & ~plan.account_pinned & (plan.account_territory == territory)
    return [int(i) for i in np.flatnonzero(free)[:n]]


def snapshot(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    return plan.account_territory.copy(), plan.unit_territory.copy()


def test_round_trip_reports_exactly_the_edits(original: tuple[Path, Path], tmp_path: Path) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)
    a, b = free_accounts(plan, 0, 2)
    (c,) = free_accounts(plan, 1, 1)
    (d,) = free_accounts(plan, 2, 1)
    ids = plan.accounts["account_id"]
    unit = int(np.flatnonzero((plan.unit_territory == 1) & ~plan.unit_locked)[0])
    unit_id = str(plan.units.at[unit, "unit_id"])

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        tid, tname = col(ws, "Territory ID"), col(ws, "Territory")
        ws.cell(row_of(ws, ids[a]), tid).value = "T2"
        ws.cell(row_of(ws, ids[b]), tid).value = "Territory 3"  # a name in the ID column
        ws.cell(row_of(ws, ids[c]), tname).value = "territory 1"  # only the name column
        ws.cell(row_of(ws, ids[d]), tid).value = None  # cleared: Unassigned
        units = wb["Units"]
        units.cell(row_of(units, unit_id), col(units, "Territory ID")).value = "T1"

    path = edited(book, tmp_path / "edited.xlsx", edit)
    before = snapshot(plan)
    review = read_review(plan, path)
    assert review.conflicts == []
    got = {(ch.kind, ch.item_id, ch.before, ch.after) for ch in review.changes}
    assert got == {
        ("account", ids[a], 0, 1),
        ("account", ids[b], 0, 2),
        ("account", ids[c], 1, 0),
        ("account", ids[d], 2, -1),
        ("unit", unit_id, 1, 0),
    }
    by_id = {ch.item_id: ch for ch in review.changes}
    assert by_id[ids[c]].column == "Territory"
    assert by_id[ids[a]].sheet == "Accounts" and by_id[ids[a]].row == row_of(
        openpyxl.load_workbook(path)["Accounts"], ids[a]
    )
    assert np.array_equal(snapshot(plan)[0], before[0]), "reviewing changes nothing"

    change = review_to_change(plan, review)
    plan.apply(change)
    assert plan.account_territory[a] == 1 and plan.account_territory[d] == -1
    assert plan.unit_territory[unit] == 0
    inside = np.flatnonzero(plan.account_unit == unit)
    movable = inside[~plan.account_locked[inside] & ~plan.account_pinned[inside]]
    assert by_id[unit_id].accounts_following == len(movable)
    assert (plan.account_territory[movable] == 0).all(), "accounts move along with their unit"
    plan.apply(change.inverse())
    assert np.array_equal(snapshot(plan)[0], before[0])


def test_accepting_some_changes_only(original: tuple[Path, Path], tmp_path: Path) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)
    a, b = free_accounts(plan, 0, 2)
    ids = plan.accounts["account_id"]

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        for i in (a, b):
            ws.cell(row_of(ws, ids[i]), col(ws, "Territory ID")).value = "T3"

    review = read_review(plan, edited(book, tmp_path / "e.xlsx", edit))
    change = review_to_change(plan, review, [review.changes[0]])
    assert list(change.account_indices) == [a]
    plan.apply(change)
    with pytest.raises(ValueError, match="moved since the review"):
        review_to_change(plan, review)


def test_conflicts_name_the_row_and_are_never_applied(
    original: tuple[Path, Path], tmp_path: Path
) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)
    ids = plan.accounts["account_id"]
    (free0,) = free_accounts(plan, 0, 1)
    (to_locked,) = free_accounts(plan, 1, 1)
    (in_locked,) = free_accounts(plan, 3, 1)
    a1, a2, a3, a4 = free_accounts(plan, 2, 4)
    locked_unit = str(plan.units.at[1, "unit_id"])

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        tid, name = col(ws, "Territory ID"), col(ws, "Territory")
        ws.cell(row_of(ws, ids[5]), tid).value = "T2"  # locked account
        ws.cell(row_of(ws, ids[6]), tid).value = "T2"  # pinned account
        ws.cell(row_of(ws, ids[to_locked]), tid).value = "T4"  # into a locked territory
        ws.cell(row_of(ws, ids[in_locked]), tid).value = "T1"  # out of a locked territory
        ws.cell(row_of(ws, ids[free0]), tid).value = "T99"  # unknown territory
        ws.cell(row_of(ws, ids[a1]), 1).value = "NOPE-1"  # unknown account
        ws.cell(row_of(ws, ids[a2]), col(ws, "Revenue")).value = "lots"  # text in a number
        ws.cell(row_of(ws, ids[a3]), tid).value = "T1"
        ws.cell(row_of(ws, ids[a3]), name).value = "Territory 2"  # ID and name disagree
        ws.append([ids[a4], "copy"])  # duplicated row
        ws.cell(ws.max_row, tid).value = "T1"
        ws.append([None, "no id"])
        ws.cell(ws.max_row, tid).value = "T1"
        units = wb["Units"]
        units.cell(row_of(units, locked_unit), col(units, "Territory ID")).value = "T3"

    path = edited(book, tmp_path / "conflicts.xlsx", edit)
    review = read_review(plan, path)
    assert review.changes == []
    reasons = {(c.item_id, c.column): c.reason for c in review.conflicts}
    assert "the account is locked" in reasons[(ids[5], "Territory ID")]
    assert "pinned" in reasons[(ids[6], "Territory ID")]
    assert "T4 Territory 4 is locked" in reasons[(ids[to_locked], "Territory ID")]
    assert "T4 Territory 4 is locked" in reasons[(ids[in_locked], "Territory ID")]
    assert reasons[(ids[free0], "Territory ID")] == "unknown territory 'T99'"
    assert "not in the plan" in reasons[("NOPE-1", "Account ID")]
    assert reasons[(ids[a2], "Revenue")] == "'lots' is not a number: row not used"
    assert "make them agree" in reasons[(ids[a3], "Territory")]
    assert sum(c.item_id == ids[a4] for c in review.conflicts) == 2, "both copies of the row"
    assert any(c.item_id is None and "no Account ID" in c.reason for c in review.conflicts)
    assert "the unit is locked" in reasons[(locked_unit, "Territory ID")]
    for c in review.conflicts:
        assert c.sheet in ("Accounts", "Units") and c.row >= 2
    text = review.format(plan)
    assert (
        f"Accounts, row {row_of(openpyxl.load_workbook(path)['Accounts'], ids[a2])}, column 'Revenue'"
        in text
    )
    assert review_to_change(plan, review).is_empty


def test_blank_rows_anywhere_are_ignored(original: tuple[Path, Path], tmp_path: Path) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        ws.insert_rows(1, 2)  # blank rows above the header
        ws.insert_rows(40, 5)
        for r in range(ws.max_row + 1, ws.max_row + 20):
            ws.cell(r, 3).number_format = "0.00"  # formatted but empty
            ws.cell(r, 2).value = "   "

    review = read_review(plan, edited(book, tmp_path / "blank.xlsx", edit))
    assert review.changes == [] and review.conflicts == [] and review.notes == []


def rename(sheet: str, old: str, new: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        ws.cell(1, col(ws, old)).value = new

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda wb: wb.remove(wb["Accounts"]), ["Accounts: no sheet 'Accounts'"]),
        (lambda wb: setattr(wb["Units"], "title", "Areas"), ["Units: no sheet 'Units'"]),
        (
            rename("Accounts", "Territory ID", "Territory Code"),
            ["column 'Territory ID' is missing", "is 'Territory Code' it, renamed?"],
        ),
        (rename("Units", "Unit ID", "ZIP"), ["Units, row 1, column 'Unit ID'"]),
        (rename("Accounts", "Name", "Territory ID"), ["column 'Territory ID' appears 2 times"]),
    ],
    ids=["missing-sheet", "renamed-sheet", "renamed-column", "missing-column", "twice"],
)
def test_bad_workbooks_give_a_clear_error_and_change_nothing(
    original: tuple[Path, Path],
    tmp_path: Path,
    edit: Callable[[openpyxl.Workbook], None],
    expected: list[str],
) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)
    before = snapshot(plan)
    path = edited(book, tmp_path / "bad.xlsx", edit)
    with pytest.raises(ReviewError) as caught:
        read_review(plan, path)
    message = str(caught.value)
    assert message.startswith("bad.xlsx: cannot be reviewed")
    for text in expected:
        assert text in message
    assert len(caught.value.problems) == 1
    assert all(np.array_equal(x, y) for x, y in zip(snapshot(plan), before, strict=True))


def test_two_problems_are_both_listed(original: tuple[Path, Path], tmp_path: Path) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)

    def edit(wb: openpyxl.Workbook) -> None:
        wb["Accounts"].cell(1, 1).value = "Customer"
        wb["Units"].cell(1, 3).value = "Area"

    with pytest.raises(ReviewError) as caught:
        read_review(plan, edited(book, tmp_path / "two.xlsx", edit))
    assert [(p.sheet, p.column) for p in caught.value.problems] == [
        ("Accounts", "Account ID"),
        ("Units", "Territory ID"),
    ]


def test_not_a_workbook_and_another_plans_workbook(
    original: tuple[Path, Path], tmp_path: Path
) -> None:
    plan_path, _ = original
    plan = open_plan(plan_path)
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(ReviewError, match="not an Excel workbook"):
        read_review(plan, text)
    with pytest.raises(ReviewError, match="no such file"):
        read_review(plan, tmp_path / "missing.xlsx")
    other = make_plan(n_accounts=50, seed=9)
    other.accounts["account_id"] = [f"X{i}" for i in range(50)]
    foreign = write_workbook(other, tmp_path / "other.xlsx", map_png=tiny_png())
    with pytest.raises(ReviewError, match="from another plan"):
        read_review(plan, foreign)


def test_cells_without_references_are_read_the_slow_way(
    original: tuple[Path, Path], tmp_path: Path
) -> None:
    """Some writers omit the optional r attribute: the review must read them all the same."""
    plan_path, book = original
    plan = open_plan(plan_path)
    (a,) = free_accounts(plan, 0, 1)
    ids = plan.accounts["account_id"]

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        ws.cell(row_of(ws, ids[a]), col(ws, "Territory ID")).value = "T2"

    path = edited(book, tmp_path / "refs.xlsx", edit)
    stripped = tmp_path / "norefs.xlsx"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            zout.writestr(info, data)
    for source in (path, stripped):
        review = read_review(plan, source)
        assert [(c.item_id, c.after) for c in review.changes] == [(ids[a], 1)]
        assert review.conflicts == []


def test_planner_review_prints_applies_and_fails_clearly(
    original: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path, book = original
    plan = open_plan(plan_path)
    (a,) = free_accounts(plan, 0, 1)
    ids = plan.accounts["account_id"]

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Accounts"]
        ws.cell(row_of(ws, ids[a]), col(ws, "Territory ID")).value = "T2"
        ws.cell(row_of(ws, ids[5]), col(ws, "Territory ID")).value = "T2"

    path = edited(book, tmp_path / "cli.xlsx", edit)
    assert main(["review", str(plan_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 account and 0 unit changes, 1 conflicts" in out
    assert f"account {ids[a]}" in out and "the account is locked" in out

    assert main(["review", str(plan_path), str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["from"], c["to"]) for c in data["changes"]] == [(ids[a], "T1", "T2")]
    assert data["conflicts"][0]["column"] == "Territory ID"

    out_plan = tmp_path / "out.gpkg"
    assert main(["review", str(plan_path), str(path), "--apply", "-o", str(out_plan)]) == 0
    applied = open_plan(out_plan)
    assert applied.account_territory[a] == 1
    assert applied.account_territory[5] == plan.account_territory[5], "conflicts stay"
    assert (applied.account_territory != plan.account_territory).sum() == 1
    capsys.readouterr()

    assert main(["review", str(plan_path), str(path), "--apply"]) == 2
    assert "--apply needs -o" in capsys.readouterr().err
    bad = edited(book, tmp_path / "nosheet.xlsx", lambda wb: wb.remove(wb["Accounts"]))
    target = tmp_path / "never.gpkg"
    assert main(["review", str(plan_path), str(bad), "--apply", "-o", str(target)]) == 2
    assert "no sheet 'Accounts'" in capsys.readouterr().err
    assert not target.exists()
