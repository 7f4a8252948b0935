"""Per-rep itinerary workbooks: a section per day, every stop column, print set-up, text safety."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from planner.io.itinerary import (
    HEADING_ROW,
    ITINERARY_COLUMNS,
    ItineraryError,
    itinerary_workbook,
    write_itineraries,
)
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.optimise.visit_planning import (
    RoutesOptions,
    apply_routes,
    plan_routes,
    snapshot_for_routes,
)
from tests.conftest import make_plan

INJECTED = '=HYPERLINK("http://example.com","x")'


@pytest.fixture(scope="module")
def routed() -> Plan:
    """Rep R1 routed over Christmas and New Year, with addresses and a formula-like name."""
    plan = make_plan(100, n_territories=2, seed=5)
    acc = plan.accounts
    acc["address"] = [f"{i} Main St" for i in range(len(acc))]
    acc["city"] = "Columbus"
    acc["state"] = "OH"
    first_of_r1 = int(np.flatnonzero(plan.account_territory == 0)[0])
    acc.loc[first_of_r1, "name"] = INJECTED
    acc.loc[first_of_r1, "visits_per_year"] = 52.0
    plan.accounts = acc
    reps = plan.reps.copy()
    reps["days_off"] = ["2026-12-30", None]
    plan.reps = reps
    options = RoutesOptions.from_settings(
        plan.settings, weeks=2, start_date=date(2026, 12, 21), iterations=300
    )
    apply_routes(plan, plan_routes(snapshot_for_routes(plan, ["R1"]), options, TaskState()))
    return plan


@pytest.fixture(scope="module")
def reopened(routed: Plan, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from openpyxl import load_workbook

    folder = tmp_path_factory.mktemp("itineraries") / "out"
    files = write_itineraries(routed, folder)
    assert len(files) == 1
    return files[0], load_workbook(files[0])


def _rows(ws: object) -> list[tuple[object, ...]]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]  # type: ignore[attr-defined]


def test_one_file_per_rep_named_for_the_rep_and_horizon(reopened: tuple[Path, object]) -> None:
    path, wb = reopened
    assert path.name == "R1 Rep 1 itinerary 2026-12-21.xlsx"
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary files left
    ws = wb.worksheets[0]  # type: ignore[attr-defined]
    assert ws["A1"].value == "Visit itinerary: Rep 1 (R1)"
    assert ws["A2"].value.startswith("Horizon: Mon 21 Dec 2026 – Sun 3 Jan 2027 (2 weeks)")
    assert "public holidays: US" in ws["A2"].value
    assert ws["A3"].value.startswith("Totals: ")


def test_a_section_per_day_with_every_column_and_a_page_break(
    routed: Plan, reopened: tuple[Path, object]
) -> None:
    _path, wb = reopened
    ws = wb.worksheets[0]  # type: ignore[attr-defined]
    headings = [c.value for c in ws[HEADING_ROW]]
    assert headings == [h for h, *_ in ITINERARY_COLUMNS]
    rows = _rows(ws)
    routes = routed.layers["routes"]
    stops = routed.layers["route_stops"]
    days = sorted(routes["day"])
    titles = [
        i + 1
        for i, row in enumerate(rows)
        if isinstance(row[0], str) and row[0].split(" ")[0].endswith("day") and row[1] is None
    ]
    assert len(titles) == len(days)
    name_col = [h for h, *_ in ITINERARY_COLUMNS].index("Account")
    totals_rows = [
        i + 1
        for i, row in enumerate(rows)
        if isinstance(row[name_col], str) and row[name_col].startswith("Day total")
    ]
    assert len(totals_rows) == len(days)
    # A page break after each day's totals.
    assert [b.id for b in ws.row_breaks.brk] == totals_rows
    # Each section: the date, leave home, the stops in order, return home, totals.
    by_day = routes.set_index("day")
    for title, total, day in zip(titles, totals_rows, days, strict=True):
        when = date.fromisoformat(day)
        assert rows[title - 1][0] == f"{when:%A} {when.day} {when:%B %Y}"
        leave = rows[title]
        assert leave[name_col] == "Leave home"
        assert leave[headings.index("Depart")] == by_day.loc[day, "leave_home"]
        back = rows[total - 2]
        assert back[name_col] == "Return home"
        assert back[headings.index("Arrive")] == by_day.loc[day, "return_home"]
        day_stops = stops[stops["day"] == day].sort_values("seq")
        body = rows[title + 1 : total - 2]
        assert [r[headings.index("Account ID")] for r in body] == list(day_stops["account_id"])
        for row, stop in zip(body, day_stops.itertuples(), strict=True):
            assert row[headings.index("#")] == stop.seq
            assert row[headings.index("Address")] == stop.address
            assert (row[headings.index("City")], row[headings.index("State")]) == ("Columbus", "OH")
            assert row[headings.index("Arrive")] == stop.arrival
            assert row[headings.index("Depart")] == stop.departure
            assert np.isclose(row[headings.index("Latitude")], stop.lat)
            assert np.isclose(row[headings.index("Km from previous")], stop.distance_km)
            assert np.isclose(row[headings.index("Drive from previous (min)")], stop.drive_minutes)
        totals = rows[total - 1]
        assert totals[name_col].startswith(f"Day total: {len(day_stops)} visits; working ")
        assert np.isclose(
            totals[headings.index("Km from previous")], by_day.loc[day, "distance_km"]
        )
        assert np.isclose(
            totals[headings.index("Drive from previous (min)")], by_day.loc[day, "drive_minutes"]
        )
    # Holidays and days off are lines of their own, without visits.
    notes = [r[0] for r in rows if isinstance(r[0], str) and "no visits" in r[0]]
    assert notes == [
        "Fri 25 Dec 2026: no visits (Christmas Day)",
        "Wed 30 Dec 2026: no visits (day off)",
        "Fri 1 Jan 2027: no visits (New Year's Day)",
    ]


def test_print_setup(reopened: tuple[Path, object]) -> None:
    _path, wb = reopened
    ws = wb.worksheets[0]  # type: ignore[attr-defined]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${HEADING_ROW}:${HEADING_ROW}"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
    assert min(sizes) >= 9


def test_text_is_never_a_formula(reopened: tuple[Path, object]) -> None:
    _path, wb = reopened
    ws = wb.worksheets[0]  # type: ignore[attr-defined]
    cells = [c for row in ws.iter_rows() for c in row if c.value == INJECTED]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_errors_name_the_rep_and_nothing_is_written(routed: Plan, tmp_path: Path) -> None:
    with pytest.raises(ItineraryError, match="rep 'R2' has no planned routes"):
        write_itineraries(routed, tmp_path / "x", ["R2"])
    assert not (tmp_path / "x").exists()
    with pytest.raises(ItineraryError, match="no planned routes"):
        write_itineraries(make_plan(20, n_territories=1), tmp_path / "y")
    # Routes planned before the itinerary fields existed still give a full itinerary.
    old = make_plan(100, n_territories=2, seed=5)
    from planner.models.schema import ROUTE_STOP_COLUMNS

    old.layers["route_stops"] = routed.layers["route_stops"][[*ROUTE_STOP_COLUMNS, "geometry"]]
    ws = itinerary_workbook(old, "R1").worksheets[0]
    names = {c.value for c in ws["C"]}
    expected = {f"Account {int(a[1:])}" for a in old.layers["route_stops"]["account_id"]}
    assert expected <= names and INJECTED not in names
    addresses = {c.value for c in ws["D"]} - {None}
    assert addresses <= {"", "Address"}  # the old plan has no address column


def test_planner_routes_writes_itineraries_and_keeps_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main
    from planner.io.planfile import open_plan, save_plan

    source = tmp_path / "plan.gpkg"
    save_plan(make_plan(80, n_territories=2, seed=3), source)
    out, folder = tmp_path / "routed.gpkg", tmp_path / "itineraries"
    common = ["routes", str(source), "-o", str(out), "--weeks", "1", "--time-limit", "0.05"]
    # A bad calendar is a clear error and writes nothing.
    assert main([*common, "--holidays", "XX", "--itineraries", str(folder)]) == 2
    assert "unknown country 'XX'" in capsys.readouterr().err
    assert not out.exists() and not folder.exists()

    args = [*common, "--start", "2026-12-21", "--holidays", "US:NY", "--itineraries", str(folder)]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "Horizon from Mon 21 Dec 2026; public holidays: US-NY" in text
    assert "wrote 2 itineraries" in text
    assert sorted(p.name for p in folder.iterdir()) == [
        "R1 Rep 1 itinerary 2026-12-21.xlsx",
        "R2 Rep 2 itinerary 2026-12-21.xlsx",
    ]
    opened = open_plan(out)
    settings = opened.settings
    assert (settings.routes_start_date, settings.holiday_country) == ("2026-12-21", "US")
    assert settings.holiday_subdivision == "NY"
    assert "2026-12-25" not in set(opened.layers["route_stops"]["day"])
    # The next run starts from the saved calendar.
    again = tmp_path / "again.gpkg"
    assert main(["routes", str(out), "-o", str(again), "--weeks", "1", "--time-limit", "0.05"]) == 0
    assert "Horizon from Mon 21 Dec 2026; public holidays: US-NY" in capsys.readouterr().out
