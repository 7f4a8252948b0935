"""Routes a rep can use, and sheets that print readably: the workbook after routing."""

from __future__ import annotations

import zipfile
from datetime import datetime, time
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from planner.io.export_xlsx import (
    MIN_PRINT_SCALE,
    PAGE_WIDTH_PX,
    Column,
    TableSheet,
    fit_print_widths,
    write_workbook,
)
from planner.io.review import read_review
from planner.models.hierarchy import HIERARCHY_TABLE, hierarchy_table
from planner.models.plan import Plan
from planner.optimise.visit_planning import (
    ROUTE_DAYS_OFF_TABLE,
    ROUTE_TOTALS_TABLE,
    ROUTE_UNPLACED_TABLE,
)
from tests.conftest import make_plan
from tests.io.test_export_xlsx import tiny_png


def routed_plan() -> Plan:
    """Two reps with two routed days each, a day off and an unplanned visit."""
    plan = make_plan(n_accounts=60, grid=4, n_territories=2, seed=5)
    reps = [str(r) for r in plan.reps["rep_id"][:2]]
    ids = [str(a) for a in plan.accounts["account_id"][:8]]
    stops = []
    for r, rep in enumerate(reps):
        for d, day in enumerate(("2026-12-07", "2026-12-08")):
            for k in range(2):
                account = ids[r * 4 + d * 2 + k]
                stops.append(
                    {
                        "rep_id": rep, "day": day, "seq": k + 1, "account_id": account,
                        "arrival": f"0{8 + k}:30", "departure": f"0{9 + k}:00",
                        "distance_km": 10.0 + k, "drive_minutes": 12.0 + k,
                        "account_name": f"Name of {account}", "address": f"{k + 1} Main St",
                        "city": "Macon", "state": "GA", "zip": "31201",
                        "lon": -83.6 + k / 100, "lat": 32.8, "wait_minutes": 0.0,
                        "visit_minutes": 30.0,
                    }
                )  # fmt: skip
    plan.layers["route_stops"] = gpd.GeoDataFrame(
        stops, geometry=[shapely.Point(s["lon"], s["lat"]) for s in stops], crs="EPSG:4326"
    )
    days = [
        {
            "rep_id": rep, "day": day, "distance_km": 31.0, "drive_minutes": 40.0, "visits": 2,
            "weekday": "Mon", "leave_home": "08:10", "return_home": "10:20",
            "lunch_start": "", "lunch_minutes": 0.0, "visit_minutes": 60.0,
            "working_minutes": 130.0, "return_drive_minutes": 15.0, "return_distance_km": 9.5,
        }
        for rep in reps
        for day in ("2026-12-07", "2026-12-08")
    ]  # fmt: skip
    plan.layers["routes"] = gpd.GeoDataFrame(
        days, geometry=[shapely.LineString([(-83.6, 32.8), (-83.5, 32.9)])] * 4, crs="EPSG:4326"
    )
    plan.tables[ROUTE_TOTALS_TABLE] = pd.DataFrame(
        {
            "rep_id": reps, "name": ["A", "B"], "territories": ["T1", "T2"],
            "start_date": ["2026-12-07"] * 2, "weeks": [1, 1], "days": [2, 2],
            "accounts": [30, 30], "visits_due": [5, 4], "visits": [4, 4],
            "unplaced_visits": [1, 0], "distance_km": [62.0, 62.0], "drive_hours": [1.3, 1.3],
            "visit_hours": [2.0, 2.0], "capacity_hours": [30.0, 30.0],
            "utilisation": [0.5, 0.5], "miles": [40.0, 40.0], "mileage_rate": [0.67, 0.67],
            "mileage_reimbursement": [25.8, 25.8], "travel_source": ["great-circle"] * 2,
            "end_date": ["2026-12-11"] * 2, "calendar": ["US"] * 2, "working_days": [4, 5],
            "days_off": [1, 0], "drive_minutes": [80.0, 80.0], "working_minutes": [260.0, 260.0],
        }
    )  # fmt: skip
    plan.tables[ROUTE_UNPLACED_TABLE] = pd.DataFrame(
        {
            "account_id": [ids[0]], "name": ["Far Away Ltd"], "rep_id": [reps[0]],
            "territory_id": ["T1"], "visits": [1], "reason": ["no room in the day"],
        }
    )  # fmt: skip
    plan.tables[ROUTE_DAYS_OFF_TABLE] = pd.DataFrame(
        {"rep_id": [reps[0]], "day": ["2026-12-09"], "reason": ["Company day"]}
    )
    return plan


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    plan = routed_plan()
    path = tmp_path_factory.mktemp("routes") / "plan.xlsx"
    write_workbook(plan, path, map_png=tiny_png(), created=datetime(2026, 12, 1))
    return plan, path


def _records(ws: object) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_routes_have_a_section_per_rep_with_every_stop_field(exported: tuple[Plan, Path]) -> None:
    plan, path = exported
    wb = openpyxl.load_workbook(path)
    rows = _records(wb["Routes"])
    reps = sorted({str(r) for r in plan.layers["route_stops"]["rep_id"]})
    titles = [i for i, r in enumerate(rows) if r["Stop"] == "Rep"]
    assert [rows[i]["Rep ID"] for i in titles] == reps
    assert "4 visits, 62 km (40 miles)" in str(rows[titles[0]]["Account"])
    first = rows[titles[0] : titles[1]]
    day1 = [r for r in first if r["Day"] == datetime(2026, 12, 7)]
    assert [r["Stop"] for r in day1] == ["Leave home", "Visit", "Visit", "Return home", "Day total"]
    leave, visit, _, back, total = day1
    assert leave["Departure"] == time(8, 10) and leave["Latitude"] is not None
    assert visit["Address"] == "1 Main St" and visit["City"] == "Macon"
    assert visit["State"] == "GA" and visit["ZIP"] == "31201"
    assert visit["Latitude"] == pytest.approx(32.8) and visit["Longitude"] == pytest.approx(-83.6)
    assert visit["Arrival"] == time(8, 30) and visit["Departure"] == time(9, 0)
    assert visit["Visit (min)"] == 30 and visit["Wait (min)"] == 0
    assert visit["Distance (km)"] == pytest.approx(10.0) and visit["Drive (min)"] == 12
    assert back["Arrival"] == time(10, 20) and back["Distance (km)"] == pytest.approx(9.5)
    assert total["Distance (km)"] == pytest.approx(31.0) and total["Drive (min)"] == 40
    assert total["Arrival"] == time(8, 10) and total["Departure"] == time(10, 20)
    assert total["Account"] == "2 visits, 2:10 h working"
    off = [r for r in first if r["Stop"] == "Day off"]
    assert [(o["Day"], o["Account"]) for o in off] == [(datetime(2026, 12, 9), "Company day")]
    # Each rep's section starts a printed page.
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet6.xml").decode()
    assert f'<rowBreaks count="1" manualBreakCount="1"><brk id="{titles[1] + 1}"' in xml


def test_route_totals_and_unplanned_visits(exported: tuple[Plan, Path]) -> None:
    _, path = exported
    wb = openpyxl.load_workbook(path)
    totals = _records(wb["Route totals"])
    assert len(totals) == 2
    first = totals[0]
    assert first["Miles"] == pytest.approx(40.0) and first["Mileage"] == pytest.approx(25.8)
    assert first["Mileage rate"] == pytest.approx(0.67)
    assert first["Working (h)"] == pytest.approx(260 / 60) and first["Days off"] == 1
    assert first["First day"] == datetime(2026, 12, 7) and first["Holidays"] == "US"
    unplanned = _records(wb["Unplanned visits"])
    assert len(unplanned) == 1
    assert unplanned[0]["Reason"] == "no room in the day"
    assert unplanned[0]["Account"] == "Far Away Ltd"


def test_review_still_reads_the_workbook(exported: tuple[Plan, Path]) -> None:
    plan, path = exported
    review = read_review(plan, path)
    assert not review.changes and not review.conflicts


def test_territories_name_the_hierarchy_levels(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=40, grid=4, n_territories=2, seed=6)
    plan.set_territory_field(0, "parent_id", "GA")
    plan.set_territory_field(1, "parent_id", "AL")
    plan.tables[HIERARCHY_TABLE] = hierarchy_table(
        [
            ("GA", "Georgia", "District", "E"),
            ("AL", "Alabama", "District", "W"),
            ("E", "East", "Region", None),
            ("W", "West", "Region", None),
        ]
    )
    path = write_workbook(plan, tmp_path / "h.xlsx", map_png=tiny_png())
    rows = _records(openpyxl.load_workbook(path)["Territories"])
    assert [(r["District"], r["Region"]) for r in rows] == [
        ("Georgia", "East"),
        ("Alabama", "West"),
    ]


def test_the_summary_names_the_workload_model(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=40, grid=4, n_territories=2, seed=6)
    path = write_workbook(plan, tmp_path / "e.xlsx", map_png=tiny_png())
    texts = [str(v) for row in openpyxl.load_workbook(path)["Summary"].values for v in row]
    assert any("estimated travel" in t for t in texts)
    plan.engine.set_routed_travel(np.full(plan.n_territories, 100.0))
    path = write_workbook(plan, tmp_path / "r.xlsx", map_png=tiny_png())
    texts = [str(v) for row in openpyxl.load_workbook(path)["Summary"].values for v in row]
    assert any("routed travel from the planned routes" in t for t in texts)
    assert not any("estimated travel" in t for t in texts)


def test_wide_sheets_print_at_8_points_and_names_are_not_cut() -> None:
    long_name = "Consolidated Regional Healthcare Purchasing Cooperative of the Southeast"
    columns = [Column("Account ID", "text", ["A1", "A2"]), Column("Name", "text", [long_name, "x"])]
    columns += [Column(f"Figure {k}", "number", [1.0, 2.0]) for k in range(14)]
    sheet = fit_print_widths(TableSheet("Accounts", columns))
    total = sum(7.0 * (c.width or 0) for c in sheet.columns)
    assert sheet.pages_wide == 1
    assert PAGE_WIDTH_PX / total >= MIN_PRINT_SCALE, "fit to one page keeps 8 pt type"
    name = sheet.columns[1]
    assert name.wrap and (name.width or 0) < len(long_name), "narrowed, and wraps"
    # A narrow sheet prints at 100 % and its long texts get the room left on the page.
    narrow = fit_print_widths(TableSheet("Unplanned", [Column("Reason", "text", ["y" * 200])]))
    assert narrow.columns[0].width == pytest.approx(110.0) and narrow.columns[0].wrap
    assert narrow.pages_wide == 1
