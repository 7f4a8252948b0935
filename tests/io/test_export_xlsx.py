"""The manager's workbook, opened with openpyxl: sheets, headers, totals, formats, safety."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from planner.io.export_xlsx import SHEETS, write_workbook
from planner.models.plan import Plan
from planner.models.progress import Cancelled, TaskState
from tests.conftest import make_plan

INJECTED = '=HYPERLINK("http://example.com","click")'


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def manager_plan() -> Plan:
    """A small plan with everything the workbook shows: moves, reasons, quota, routes, locks."""
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=1)
    plan.accounts.loc[0, "name"] = INJECTED
    plan.accounts.loc[1, "name"] = "+1 555 0100"
    plan.accounts.loc[2, "name"] = "@handle"
    plan.set_territory_field(1, "name", "-West")
    plan.set_territory_field(0, "quota", 2_000_000.0)
    plan.set_account_flags(np.array([3]), locked=np.array([True]))
    plan.set_account_flags(np.array([4]), pinned=np.array([True]))
    free = ~plan.account_locked & ~plan.account_pinned
    moved = np.flatnonzero((plan.account_territory == 0) & free)[:5]
    plan.apply(plan.propose_account_move(moved, 2))
    plan.apply(
        plan.propose_account_move(
            np.array([int(np.flatnonzero(plan.account_territory == 1)[0])]), -1
        )
    )
    plan.tables["optimiser_moves"] = pd.DataFrame(
        {
            "run_id": ["r1"],
            "scenario": [None],
            "kind": ["account"],
            "item_id": [str(plan.accounts.at[int(moved[0]), "account_id"])],
            "from_territory_id": ["T1"],
            "to_territory_id": ["T3"],
            "reason": ["workload of T1 was 12 % over target"],
        }
    )
    stops = [(f"A{i:05d}", i) for i in range(3)]
    plan.layers["route_stops"] = gpd.GeoDataFrame(
        {
            "rep_id": ["R1"] * 3,
            "day": ["2025-03-03"] * 3,
            "seq": [1, 2, 3],
            "account_id": [a for a, _ in stops],
            "arrival": ["08:30", "09:40", "11:05"],
            "departure": ["09:30", "10:25", "11:35"],
            "distance_km": [12.5, 4.25, 7.0],
            "drive_minutes": [15.0, 6.0, 9.0],
        },
        geometry=[shapely.Point(-87.9, 41.6)] * 3,
        crs="EPSG:4326",
    )
    return plan


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    plan = manager_plan()
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_workbook(plan, path, map_png=tiny_png(), created=datetime(2025, 3, 1))
    return plan, path


def rows(ws: object) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]


def test_every_sheet_in_order_with_its_headers(exported: tuple[Plan, Path]) -> None:
    plan, path = exported
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    headers = {name: [c.value for c in wb[name][1]] for name in SHEETS[1:-1]}
    assert headers["Territories"][:8] == [
        "Territory ID", "Territory", "District", "Rep ID", "Rep", "Quota", "Locked", "Units",
    ]  # fmt: skip
    assert [m.label for m in plan.settings.measures] == headers["Territories"][8:-1]
    accounts = headers["Accounts"]
    for name in (
        "Account ID", "Name", "ZIP", "Segment", "Industry", "Revenue", "Potential",
        "Visits / year", "Minutes / visit", "Territory ID", "Territory", "Rep",
        "Baseline territory ID", "Moved", "Pinned", "Locked",
    ):  # fmt: skip
        assert name in accounts, name
    assert headers["Units"] == [
        "Unit ID", "Name", "Territory ID", "Territory", "Rep", "Accounts", "Area (km²)", "Locked",
    ]  # fmt: skip
    assert headers["Reps"][:3] == ["Rep ID", "Rep", "Territories"]
    assert headers["Reps"][-3:] == ["Capacity (h/yr)", "Workload (h/yr)", "Utilisation"]
    assert headers["Routes"] == [
        "Rep ID", "Rep", "Day", "Stop", "Order", "Account ID", "Account", "Address", "City",
        "State", "ZIP", "Latitude", "Longitude", "Arrival", "Departure", "Wait (min)",
        "Visit (min)", "Drive (min)", "Distance (km)",
    ]  # fmt: skip
    assert headers["Changes"] == [
        "Type", "ID", "Name", "From territory ID", "From", "To territory ID", "To",
        "Revenue moved", "Reason",
    ]  # fmt: skip
    summary = rows(wb["Summary"])
    assert summary[0][0] == plan.name
    assert "1 March 2025" in str(summary[1][0])
    texts = {str(v) for row in summary for v in row if v is not None}
    assert {"Balance by territory", "Disruption against the baseline", "Settings used"} <= texts
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert any(n.startswith("xl/charts/chart") for n in names), "native bar chart on the Summary"
    assert any(n.startswith("xl/media/image") for n in names), "map picture on the Map sheet"


def test_one_accounts_row_per_account_with_its_territory_and_rep(
    exported: tuple[Plan, Path],
) -> None:
    plan, path = exported
    ws = openpyxl.load_workbook(path, read_only=True)["Accounts"]
    data = rows(ws)
    header, body = list(data[0]), data[1:]
    assert len(body) == plan.n_accounts
    col = {h: i for i, h in enumerate(header)}
    ids = [r[col["Account ID"]] for r in body]
    assert ids == list(plan.accounts["account_id"])
    expected = [None if t < 0 else plan.territory_ids[t] for t in plan.account_territory]
    assert [r[col["Territory ID"]] for r in body] == expected
    reps = dict(zip(plan.reps["rep_id"], plan.reps["name"], strict=True))
    t0 = int(plan.account_territory[10])
    assert body[10][col["Rep"]] == reps[plan.territories.at[t0, "rep_id"]]
    assert body[3][col["Locked"]] == "Yes" and body[4][col["Pinned"]] == "Yes"
    assert body[5][col["Locked"]] == "No"


def test_sums_equal_the_plan_totals(exported: tuple[Plan, Path]) -> None:
    plan, path = exported
    wb = openpyxl.load_workbook(path)
    revenue = float(plan.accounts["revenue"].sum())
    accounts = rows(wb["Accounts"])
    i = accounts[0].index("Revenue")
    assert sum(r[i] for r in accounts[1:]) == pytest.approx(revenue)
    territories = rows(wb["Territories"])
    j = territories[0].index("Accounts")
    unassigned = int((plan.account_territory < 0).sum())
    assert unassigned == 1
    assert sum(r[j] for r in territories[1:]) + unassigned == plan.n_accounts
    summary = rows(wb["Summary"])
    total = next(r for r in summary if r[0] == "Total")
    assert pytest.approx(revenue) in [v for v in total if isinstance(v, float)]
    assert float(plan.n_accounts) in total
    changes = rows(wb["Changes"])
    disruption = plan.disruption()
    k = changes[0].index("Revenue moved")
    account_rows = [r for r in changes[1:] if r[0] == "Account"]
    assert len(account_rows) == disruption.accounts_moved == 6
    assert sum(r[k] or 0 for r in changes[1:]) == pytest.approx(disruption.revenue_moved)
    reasons = {r[8] for r in account_rows}
    assert reasons == {"workload of T1 was 12 % over target", "manual edit"}
    unassigned_row = next(r for r in account_rows if r[6] == "Unassigned")
    assert unassigned_row[5] is None


def test_number_formats_frozen_headers_tables_and_print_setup(exported: tuple[Plan, Path]) -> None:
    _, path = exported
    wb = openpyxl.load_workbook(path)
    accounts = wb["Accounts"]
    header = [c.value for c in accounts[1]]
    assert '"$"#,##0' in accounts.cell(2, header.index("Revenue") + 1).number_format
    assert accounts.cell(2, header.index("Account ID") + 1).number_format == "@"
    reps = wb["Reps"]
    assert reps.cell(2, [c.value for c in reps[1]].index("Utilisation") + 1).number_format == "0.0%"
    routes = wb["Routes"]
    route_header = [c.value for c in routes[1]]
    first_visit = next(
        r for r in range(2, routes.max_row + 1) if routes.cell(r, 4).value == "Visit"
    )
    assert routes.cell(2, 4).value == "Rep", "each rep's section starts with a title row"
    assert routes.cell(first_visit, 3).number_format == "yyyy-mm-dd"
    assert routes.cell(first_visit, 3).value == datetime(2025, 3, 3)
    arrival = routes.cell(first_visit, route_header.index("Arrival") + 1)
    assert arrival.number_format == "hh:mm"
    assert arrival.value.hour == 8 and arrival.value.minute == 30
    for name in SHEETS[1:-1]:
        ws = wb[name]
        if name in ("Route totals", "Unplanned visits") and not ws.tables:
            continue  # routes planned before these tables existed: a note
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), name
        (table,) = ws.tables.values()
        assert table.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert table.autoFilter is not None
        assert [c.name for c in table.tableColumns] == [c.value for c in ws[1]]
        assert ws.print_title_rows == "$1:$1"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        if ws.title != "Accounts":
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "&A, page &P", "pages numbered per sheet"
        assert ws.page_setup.useFirstPageNumber and ws.page_setup.firstPageNumber == 1
    summary = wb["Summary"]
    dev_formats = {
        c.number_format for row in summary.iter_rows() for c in row if "%" in str(c.number_format)
    }
    assert "+0.0%;-0.0%;0.0%" in dev_formats
    rules = [r for cf in summary.conditional_formatting for r in cf.rules]
    assert {r.operator for r in rules} == {"between", "notBetween"}
    assert len(rules) == 2 * 4, "an in-band and an out-of-band rule per measure"


def test_text_that_looks_like_a_formula_is_written_as_text(exported: tuple[Plan, Path]) -> None:
    _, path = exported
    wb = openpyxl.load_workbook(path)
    ws = wb["Accounts"]
    name = ws.cell(2, 2)
    assert name.value == INJECTED and name.data_type == "s"
    assert name.quotePrefix, "re-editing the cell keeps it text"
    assert ws.cell(3, 2).value == "+1 555 0100" and ws.cell(4, 2).value == "@handle"
    summary_texts = [c for row in wb["Summary"].iter_rows() for c in row if c.value == "-West"]
    assert summary_texts and all(c.data_type == "s" for c in summary_texts)
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(part), f"no formula in {part}"


def test_plan_without_routes_units_or_changes_gets_notes(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=50)
    plan = Plan(
        plan.accounts_frame(), None, plan.territories, plan.reps, plan.settings, name="Bare"
    )
    path = write_workbook(plan, tmp_path / "bare.xlsx", map_png=tiny_png())
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    assert "No visit routes" in str(wb["Routes"]["A1"].value)
    assert "no geographic units" in str(wb["Units"]["A1"].value)
    assert "No account or unit differs" in str(wb["Changes"]["A1"].value)
    assert not wb["Routes"].tables


def test_renders_the_map_when_not_given_one(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=100)
    path = write_workbook(plan, tmp_path / "map.xlsx")
    with zipfile.ZipFile(path) as z:
        images = [n for n in z.namelist() if n.startswith("xl/media/")]
        assert images and z.read(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


def test_cancelled_export_leaves_the_old_file_alone(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=50)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"previous")
    state = TaskState()
    state.cancel()
    with pytest.raises(Cancelled):
        write_workbook(plan, path, state, map_png=tiny_png())
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"], "no temporary file left behind"
