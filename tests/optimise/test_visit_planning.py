"""Visit planning on plans: what is planned, what is reported, layers, files and balance."""

from __future__ import annotations

import json
import multiprocessing
import threading
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.io.planfile import open_plan, save_plan
from planner.models.events import RoutedTravelChanged, TablesChanged
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.optimise.callcycle import visits_in_horizon
from planner.optimise.travel import great_circle_km
from planner.optimise.visit_planning import (
    ROUTE_COLUMNS,
    ROUTE_DAY_FIELDS,
    ROUTE_STOP_COLUMNS,
    ROUTE_STOP_FIELDS,
    ROUTE_TOTALS_TABLE,
    ROUTE_UNPLACED_TABLE,
    ROUTES_LAYER,
    RoutesOptions,
    RoutesOptionsError,
    RoutesResult,
    apply_routes,
    clear_routes,
    parse_closed_days,
    parse_time_of_day,
    plan_routes,
    reason_kind,
    restore_routes,
    routed_travel_from_layers,
    save_routes_state,
    snapshot_for_routes,
)
from tests.conftest import make_plan

START = date(2025, 1, 6)  # a Monday
OPTIONS = RoutesOptions(weeks=2, start_date=START, iterations=300, workers=1)


def _plan_with_extras() -> Plan:
    """Two reps, plus an unplaced account, a territory without a rep and opening hours."""
    plan = make_plan(180, n_territories=2, seed=11)
    acc = plan.accounts
    # Opening hours on a few accounts (columns as an import would keep them).
    acc["open_from"] = None
    acc["open_to"] = None
    acc["closed_days"] = None
    acc.loc[3, ["open_from", "open_to"]] = ["13:00", "15:30"]
    acc.loc[4, "closed_days"] = "Mon, Tue"
    # An impossible window: closes before anyone can get there from home at 08:00.
    acc.loc[5, ["open_from", "open_to"]] = ["06:00", "06:15"]
    acc.loc[5, "visits_per_year"] = 52.0
    acc.loc[6, "open_from"] = "soon"
    acc.loc[8, "visits_per_year"] = 52.0
    # An account without a location.
    acc.loc[7, ["lon", "lat"]] = np.nan
    acc.loc[7, "placement"] = "unplaced: ZIP not found"
    acc.loc[7, "visits_per_year"] = 52.0
    plan.accounts = acc
    return plan


@pytest.fixture(scope="module")
def plan() -> Plan:
    return _plan_with_extras()


@pytest.fixture(scope="module")
def result(plan: Plan) -> RoutesResult:
    return plan_routes(snapshot_for_routes(plan), OPTIONS, TaskState())


def _planned_visits(result: RoutesResult) -> pd.Series:
    return result.route_stops.groupby("account_id").size()


def test_frequencies_met_for_every_account(plan: Plan, result: RoutesResult) -> None:
    snapshot = snapshot_for_routes(plan)
    planned = _planned_visits(result)
    unplaced = result.unplaced.groupby("account_id")["visits"].sum()
    checked = 0
    for rep in snapshot.reps:
        due = visits_in_horizon([a.visits_per_year for a in rep.accounts], OPTIONS.weeks)
        for account_id, k in zip(rep.account_ids, due, strict=True):
            got = int(planned.get(account_id, 0))
            missing = int(unplaced.get(account_id, 0))
            assert got + missing == k, account_id
            checked += int(k > 0)
    assert checked > 40
    # A feasible load: everything due is planned except the accounts set up to fail.
    assert set(result.unplaced["account_id"]) <= {"A00005", "A00006", "A00007"}
    # A weekly account is seen once a week, a week apart within the spacing slack.
    days = pd.to_datetime(result.route_stops.loc[result.route_stops.account_id == "A00008", "day"])
    assert len(days) == 2
    assert abs((days.max() - days.min()).days - 7) <= OPTIONS.spacing_slack_days


def test_every_stop_is_an_account_of_the_reps_territory(plan: Plan, result: RoutesResult) -> None:
    territory_of = dict(zip(plan.accounts["account_id"], plan.account_territory, strict=True))
    rep_of = dict(zip(plan.territories.index, plan.territories["rep_id"], strict=True))
    stops = result.route_stops
    assert len(stops) > 0
    for rep_id, account_id in zip(stops["rep_id"], stops["account_id"], strict=True):
        assert rep_of[int(territory_of[account_id])] == rep_id
    # Stops are numbered 1..n in each day and lie on the account's location.
    for _, day in stops.groupby(["rep_id", "day"]):
        assert list(day["seq"]) == list(range(1, len(day) + 1))
    row = plan.accounts.set_index("account_id").loc[stops["account_id"]]
    assert np.allclose(stops.geometry.x, row["lon"]) and np.allclose(stops.geometry.y, row["lat"])


def test_days_respect_hours_windows_and_closed_days(plan: Plan, result: RoutesResult) -> None:
    stops = result.route_stops
    minutes = stops["arrival"].map(parse_time_of_day)
    assert (minutes >= OPTIONS.day_start).all()
    assert (stops["departure"].map(parse_time_of_day) <= OPTIONS.day_end).all()
    windowed = stops[stops.account_id == "A00003"]
    assert len(windowed) and windowed["arrival"].map(parse_time_of_day).between(780, 930).all()
    closed = stops[stops.account_id == "A00004"]
    assert not pd.to_datetime(closed["day"]).dt.day_of_week.isin([0, 1]).any()
    # Without windows, the rep drives straight on: a visit starts when the drive from the
    # previous one ends, or after the lunch break (times are whole minutes).
    plain = ~stops.account_id.isin(["A00003"])
    for _, day in stops[plain].groupby(["rep_id", "day"]):
        day = day.sort_values("seq")
        ready = day["departure"].map(parse_time_of_day).to_numpy()[:-1]
        legs = day["drive_minutes"].to_numpy()[1:]
        starts = day["arrival"].map(parse_time_of_day).to_numpy()[1:]
        idle = starts - ready - legs
        consecutive = np.diff(day["seq"].to_numpy()) == 1
        ok = (np.abs(idle) <= 1.0) | (np.abs(idle - OPTIONS.lunch_minutes) <= 1.0)
        assert (ok | ~consecutive).all(), idle
    # Routes never run past the longest day (lunch included).
    for rep_id, day in stops.groupby(["rep_id", "day"]):
        first = parse_time_of_day(day["arrival"].iloc[0], "arrival")
        last = parse_time_of_day(day["departure"].iloc[-1], "departure")
        assert last - first <= OPTIONS.max_day_minutes, rep_id


def test_distances_add_up_to_the_totals(plan: Plan, result: RoutesResult) -> None:
    routes, stops, totals = result.routes, result.route_stops, result.totals.set_index("rep_id")
    homes = plan.reps.set_index("rep_id")
    for (rep_id, day), legs in stops.groupby(["rep_id", "day"]):
        route = routes[(routes.rep_id == rep_id) & (routes.day == day)].iloc[0]
        assert route["visits"] == len(legs)
        last = legs.sort_values("seq").iloc[-1].geometry
        home = homes.loc[rep_id]
        back = float(great_circle_km([last.x], [last.y], [home.lon], [home.lat])[0, 0])
        assert legs["distance_km"].sum() + back * OPTIONS.circuity == pytest.approx(
            route["distance_km"], rel=1e-6
        )
        assert route["drive_minutes"] == pytest.approx(
            route["distance_km"] / OPTIONS.speed_kmh * 60.0, rel=1e-6
        )
    for rep_id, row in totals.iterrows():
        mine = routes[routes.rep_id == rep_id]
        assert mine["distance_km"].sum() == pytest.approx(row["distance_km"], rel=1e-9)
        assert mine["drive_minutes"].sum() / 60 == pytest.approx(row["drive_hours"], rel=1e-9)
        assert mine["visits"].sum() == row["visits"]
        assert row["mileage_reimbursement"] == pytest.approx(
            row["distance_km"] / 1.609344 * 0.67, rel=1e-9
        )
        capacity = float(homes.loc[rep_id, "capacity_hours"]) * OPTIONS.weeks / 52
        assert row["utilisation"] == pytest.approx(
            (row["drive_hours"] + row["visit_hours"]) / capacity, rel=1e-9
        )


def test_accounts_that_cannot_be_routed_are_reported_with_reasons(result: RoutesResult) -> None:
    reasons = result.unplaced.set_index("account_id")["reason"]
    assert "closes before the rep can arrive" in reasons["A00005"]
    assert reasons["A00006"] == "open_from 'soon' is not a time of day (HH:MM)"
    assert reasons["A00007"] == "no location: unplaced: ZIP not found"
    weekly = result.unplaced.set_index("account_id")["visits"]
    assert weekly["A00005"] == 2 and weekly["A00007"] == 2  # 52 a year over 2 weeks
    assert reason_kind(reasons["A00007"]) == "no location"


def test_territory_without_rep_and_unassigned_accounts_are_listed() -> None:
    plan = make_plan(120, n_territories=3, seed=2)
    plan.territories.at[2, "rep_id"] = None
    plan.account_territory[:3] = -1
    snapshot = snapshot_for_routes(plan)
    assert [r.rep_id for r in snapshot.reps] == ["R1", "R2"]
    reasons = dict(zip(snapshot.excluded["account_id"], snapshot.excluded["reason"], strict=True))
    in_t3 = plan.accounts["account_id"][plan.account_territory == 2]
    assert len(in_t3) and all(reasons[a] == "territory has no rep" for a in in_t3)
    assert all(reasons[a] == "Unassigned: in no territory" for a in ("A00000", "A00001"))
    # Planning one rep lists only that rep's accounts.
    one = snapshot_for_routes(plan, ["R1"])
    assert not one.all_reps and one.excluded.empty
    with pytest.raises(ValueError, match="no rep 'R9'"):
        snapshot_for_routes(plan, ["R9"])


def test_layers_have_the_design_columns_and_survive_a_round_trip(
    plan: Plan, result: RoutesResult, tmp_path: Path
) -> None:
    target = make_plan(180, n_territories=2, seed=11)
    apply_routes(target, result)
    # The DESIGN.md contract columns come first, in order; the itinerary fields follow.
    assert ROUTE_DAY_FIELDS[: len(ROUTE_COLUMNS)] == ROUTE_COLUMNS
    assert ROUTE_STOP_FIELDS[: len(ROUTE_STOP_COLUMNS)] == ROUTE_STOP_COLUMNS
    assert list(target.layers["routes"].columns) == [*ROUTE_DAY_FIELDS, "geometry"]
    assert list(target.layers["route_stops"].columns) == [*ROUTE_STOP_FIELDS, "geometry"]
    path = tmp_path / "routed.gpkg"
    save_plan(target, path)
    opened = open_plan(path)
    for name, columns in (("routes", ROUTE_DAY_FIELDS), ("route_stops", ROUTE_STOP_FIELDS)):
        layer = opened.layers[name]
        assert [c for c in layer.columns if c != layer.geometry.name] == list(columns)
        assert len(layer) == len(target.layers[name])
    assert set(opened.layers["routes"].geom_type) == {"LineString"}
    assert set(opened.layers["route_stops"].geom_type) == {"Point"}
    stops = opened.layers["route_stops"].sort_values(["rep_id", "day", "seq"])
    before = target.layers["route_stops"].sort_values(["rep_id", "day", "seq"])
    assert list(stops["account_id"]) == list(before["account_id"])
    assert list(stops["arrival"]) == list(before["arrival"])
    assert np.allclose(stops["distance_km"], before["distance_km"])
    assert opened.layers["routes"]["day"].iloc[0] >= START.isoformat()
    # Routed travel comes back from the file.
    hours = routed_travel_from_layers(opened)
    assert np.allclose(hours, target.engine.routed_travel_hours)
    assert np.allclose(opened.balance().values, target.balance().values)


def test_balance_workload_switches_to_routed_travel_and_back(result: RoutesResult) -> None:
    target = make_plan(180, n_territories=2, seed=11)
    workload = target.balance().column("workload")
    estimated = target.balance().values[:, workload].copy()
    events: list[object] = []
    target.events.subscribe(events.append)
    hours = apply_routes(target, result)
    assert any(isinstance(e, TablesChanged) for e in events)
    assert isinstance(events[-1], RoutedTravelChanged), "announced once the hours are set"
    totals = result.totals.set_index("rep_id")
    for t, rep in enumerate(target.territories["rep_id"]):
        assert hours[t] == pytest.approx(totals.loc[rep, "drive_hours"] * 52 / OPTIONS.weeks)
    visit_hours = target.engine.totals[:2, 3]  # visits × minutes, independent of travel
    assert np.allclose(target.balance().values[:, workload], visit_hours + hours)
    assert not np.allclose(target.balance().values[:, workload], estimated)
    clear_routes(target)
    assert ROUTES_LAYER not in target.layers and ROUTE_TOTALS_TABLE not in target.tables
    assert np.allclose(target.balance().values[:, workload], estimated)


def test_planning_one_rep_keeps_the_others_routes_and_undo_state_restores(
    result: RoutesResult,
) -> None:
    target = make_plan(180, n_territories=2, seed=11)
    apply_routes(target, result)
    saved = save_routes_state(target)
    r2_before = target.layers["routes"].query("rep_id == 'R2'")
    again = plan_routes(
        snapshot_for_routes(target, ["R1"]),
        RoutesOptions(weeks=1, start_date=START, iterations=300),
    )
    apply_routes(target, again)
    routes = target.layers["routes"]
    assert pd.to_datetime(routes.query("rep_id == 'R1'")["day"]).max() < pd.Timestamp(
        START
    ) + pd.Timedelta(days=7)
    assert len(routes.query("rep_id == 'R2'")) == len(r2_before)
    totals = target.tables[ROUTE_TOTALS_TABLE].set_index("rep_id")
    assert totals.loc["R1", "weeks"] == 1 and totals.loc["R2", "weeks"] == 2
    restore_routes(target, saved)
    assert target.layers["routes"].equals(saved.layers["routes"])
    assert np.array_equal(target.engine.routed_travel_hours, saved.routed_travel_hours)
    assert ROUTE_UNPLACED_TABLE in target.tables


def test_cancel_returns_reps_done_and_lists_the_rest() -> None:
    plan = make_plan(120, n_territories=3, seed=3)
    snapshot = snapshot_for_routes(plan)
    state = TaskState()
    messages: list[str] = []

    def progress(_fraction: float | None, message: str) -> None:
        messages.append(message)
        if message.startswith("Rep 2/3"):
            state.cancel()

    state = TaskState(progress)
    out = plan_routes(snapshot, replace(OPTIONS, workers=1), state)
    assert out.cancelled
    # One after another: rep 1 was done; rep 2 was stopped inside its search, rep 3 never ran.
    assert [r.rep.rep_id for r in out.reps] == ["R1"]
    for rep_id in ("R2", "R3"):
        rest = out.unplaced[out.unplaced.rep_id == rep_id]
        assert len(rest) and set(rest["reason"]) == {"not planned: planning was cancelled"}
    assert messages[0].startswith("Rep 1/3 Rep 1: ")


def test_cancel_stops_every_worker() -> None:
    plan = make_plan(160, n_territories=4, seed=5)
    snapshot = snapshot_for_routes(plan)
    searching: set[str] = set()

    def progress(_fraction: float | None, message: str) -> None:
        if "as one problem" in message:
            searching.add(message.split(":")[0])
        if len(searching) >= 2:  # two reps are inside their searches, side by side
            state.cancel()

    state = TaskState(progress)
    # Without a cancel each rep would search for a billion iterations (or the 120 s cap).
    endless = replace(
        OPTIONS,
        workers=2,
        iterations=10**9,
        iterations_per_visit=10**7,
        max_seconds_per_rep=120.0,
    )
    out = plan_routes(snapshot, endless, state)
    assert len(searching) >= 2
    assert out.cancelled and out.reps == []
    assert set(out.unplaced["reason"]) >= {"not planned: planning was cancelled"}
    assert multiprocessing.active_children() == []


def test_serial_and_parallel_routes_are_identical() -> None:
    plan = make_plan(150, n_territories=3, seed=8)
    snapshot = snapshot_for_routes(plan)
    serial = plan_routes(snapshot, replace(OPTIONS, workers=1))
    parallel = plan_routes(snapshot, replace(OPTIONS, workers=2))
    assert not serial.cancelled and not parallel.cancelled
    assert len(serial.route_stops) > 0
    for name in ("routes", "route_stops", "totals", "unplaced"):
        a, b = getattr(serial, name), getattr(parallel, name)
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))


def test_options_and_opening_hours_are_validated() -> None:
    with pytest.raises(RoutesOptionsError, match="weeks"):
        RoutesOptions(weeks=0).validate()
    with pytest.raises(RoutesOptionsError, match="working day"):
        RoutesOptions(day_start=18 * 60, day_end=8 * 60).validate()
    with pytest.raises(RoutesOptionsError, match="osrm_url"):
        RoutesOptions(osrm_url="localhost:5000").validate()
    assert RoutesOptions().mileage_rate_per_mile == 0.67
    assert parse_time_of_day("9:30", "open_from") == 570
    assert parse_time_of_day(13.5, "open_to") == 810
    assert parse_time_of_day(None, "open_to") is None
    with pytest.raises(ValueError, match="open_to '25:00'"):
        parse_time_of_day("25:00", "open_to")
    assert parse_closed_days("Sat, sunday") == frozenset({5, 6})
    assert parse_closed_days("1;7") == frozenset({0, 6})
    with pytest.raises(ValueError, match="'funday' is not a weekday"):
        parse_closed_days("mon funday")


def test_unreachable_osrm_server_falls_back_with_a_warning() -> None:
    plan = make_plan(40, n_territories=1, seed=1)
    options = RoutesOptions(
        weeks=1, start_date=START, iterations=300, osrm_url="http://127.0.0.1:9"
    )
    out = plan_routes(snapshot_for_routes(plan), options)
    assert out.warnings and "could not be reached" in out.warnings[0]
    assert out.totals["travel_source"].iloc[0] == "great-circle"
    assert out.visits_planned > 0


class _RoadTable(BaseHTTPRequestHandler):
    """An OSRM-compatible ``/table`` answer for any coordinates: roads 1.5 times the great
    circle, driven at 30 km/h (the offline estimate would be 1.3 times at 60 km/h)."""

    def do_GET(self) -> None:
        coords = self.path.split("/table/v1/driving/", 1)[1].split("?", 1)[0]
        lon, lat = np.array([[float(v) for v in c.split(",")] for c in coords.split(";")]).T
        km = 1.5 * great_circle_km(lon, lat)
        body = json.dumps(
            {"code": "Ok", "distances": (km * 1000).tolist(), "durations": (km * 120).tolist()}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_road_times_from_an_osrm_server_go_into_the_engine() -> None:
    server = HTTPServer(("127.0.0.1", 0), _RoadTable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        plan = make_plan(80, n_territories=2, seed=4)
        url = f"http://127.0.0.1:{server.server_address[1]}"
        options = replace(OPTIONS, weeks=1, osrm_url=url, workers=2)
        out = plan_routes(snapshot_for_routes(plan), options)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert not out.warnings
    assert set(out.totals["travel_source"]) == {"osrm"}
    stops = out.route_stops
    assert len(stops) > 0
    # Every leg is the server's: 2 minutes a kilometre (30 km/h), not the offline 1 (60 km/h).
    legs = stops[stops["distance_km"] > 0.5]
    np.testing.assert_allclose(legs["drive_minutes"], 2 * legs["distance_km"], rtol=1e-6)


# -- working calendar and itinerary fields -------------------------------------------------

HOLIDAY_START = date(2026, 12, 21)  # a Monday; four weeks reach Sunday 2027-01-17


@pytest.fixture(scope="module")
def holiday_plan() -> Plan:
    """One rep with weekly accounts over Christmas and New Year, days off, and addresses."""
    plan = make_plan(120, n_territories=2, seed=5)
    acc = plan.accounts
    acc["visits_per_year"] = np.where(np.arange(len(acc)) % 4 == 0, 52.0, 12.0)
    acc["address"] = [f"{i} Main St" for i in range(len(acc))]
    acc["city"] = "Springfield"
    acc.loc[0, "name"] = "=HYPERLINK(1)"
    plan.accounts = acc
    reps = plan.reps.copy()
    reps["days_off"] = ["2026-12-28..2026-12-29; 2027-01-12", None]
    plan.reps = reps
    plan.settings.routes_start_date = HOLIDAY_START.isoformat()
    return plan


@pytest.fixture(scope="module")
def holiday_result(holiday_plan: Plan) -> RoutesResult:
    options = RoutesOptions.from_settings(holiday_plan.settings, weeks=4, iterations=300)
    return plan_routes(snapshot_for_routes(holiday_plan, ["R1"]), options, TaskState())


def test_no_visit_on_a_public_holiday_or_a_reps_day_off(holiday_result: RoutesResult) -> None:
    days = set(holiday_result.route_stops["day"])
    assert days, "the rep has visits"
    # US federal holidays in the horizon, by default.
    assert "2026-12-25" not in days and "2027-01-01" not in days
    assert not days & {"2026-12-28", "2026-12-29", "2027-01-12"}
    off = holiday_result.days_off.set_index("day")["reason"].to_dict()
    assert off == {
        "2026-12-25": "Christmas Day",
        "2026-12-28": "day off",
        "2026-12-29": "day off",
        "2027-01-01": "New Year's Day",
        "2027-01-12": "day off",
    }
    totals = holiday_result.totals.iloc[0]
    assert (totals["working_days"], totals["days_off"]) == (20 - 5, 5)
    assert totals["calendar"] == "US"
    # Weekly accounts are still seen every week: the visit moves to a neighbouring day.
    stops = holiday_result.route_stops
    weekly = stops[stops["account_id"].str[1:].astype(int) % 4 == 0]
    assert weekly["account_id"].nunique() > 5
    assert (weekly.groupby("account_id").size() == 4).all()
    assert holiday_result.unplaced.empty


def test_the_start_date_setting_is_honoured(holiday_result: RoutesResult) -> None:
    assert holiday_result.start_date == HOLIDAY_START
    days = pd.to_datetime(holiday_result.routes["day"])
    assert days.min() >= pd.Timestamp(HOLIDAY_START)
    assert days.max() <= pd.Timestamp("2027-01-17")
    totals = holiday_result.totals.iloc[0]
    assert (totals["start_date"], totals["end_date"]) == ("2026-12-21", "2027-01-17")
    # Without the setting: the next Monday; a value that is not a date is ignored.
    from planner.models.settings import Settings

    assert RoutesOptions.from_settings(Settings()).start_date is None
    assert RoutesOptions.from_settings(Settings(routes_start_date="soon")).start_date is None


def test_holiday_calendar_settings(holiday_plan: Plan) -> None:
    from planner.optimise.visit_planning import parse_holiday_calendar, public_holidays

    assert parse_holiday_calendar("US:CA") == ("US", "CA")
    assert parse_holiday_calendar("none") == ("", "")
    first, last = date(2027, 3, 1), date(2027, 4, 30)
    # A state adds its own holidays to the federal ones (California: Cesar Chavez Day).
    assert date(2027, 3, 31) in public_holidays("US", "CA", first, last)
    assert date(2027, 3, 31) not in public_holidays("US", "", first, last)
    assert public_holidays("", "", first, last) == {}
    with pytest.raises(RoutesOptionsError, match="unknown country 'XX'"):
        RoutesOptions(holiday_country="XX").validate()
    with pytest.raises(RoutesOptionsError, match="no state or province 'ZZ'"):
        RoutesOptions(holiday_country="US", holiday_subdivision="ZZ").validate()
    # No holidays: Christmas is a working day again.
    options = RoutesOptions.from_settings(
        holiday_plan.settings, weeks=1, iterations=300, holiday_country=""
    )
    snapshot = snapshot_for_routes(holiday_plan, ["R2"])
    out = plan_routes(snapshot, options)
    # The engine may leave a day empty when the others hold every visit with less driving, so
    # the calendar shows in the working days, not in a visit on the 25th.
    assert int(out.totals["working_days"].iloc[0]) == 5 and out.days_off.empty
    federal = plan_routes(snapshot, replace(options, holiday_country="US"))
    assert int(federal.totals["working_days"].iloc[0]) == 4
    assert "2026-12-25" not in set(federal.route_stops["day"])


def test_days_off_are_read_and_bad_values_reported(holiday_plan: Plan) -> None:
    from planner.optimise.visit_planning import parse_days_off

    assert parse_days_off("2026-12-28..2026-12-30, 2027-01-08") == {
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2027, 1, 8),
    }
    assert parse_days_off("2026-12-28/2026-12-29") == {date(2026, 12, 28), date(2026, 12, 29)}
    assert parse_days_off(None) == frozenset()
    with pytest.raises(ValueError, match="'next' is not a date"):
        parse_days_off("2026-12-28 next week")
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_days_off("2026-12-28..2026-12-01")
    plan = make_plan(60, n_territories=1, seed=2)
    reps = plan.reps.copy()
    reps["days_off"] = ["Christmas"]
    plan.reps = reps
    snapshot = snapshot_for_routes(plan)
    assert not snapshot.reps[0].accounts  # the rep is not planned on a guess
    assert snapshot.excluded["reason"].str.contains("days_off 'Christmas'").all()
    assert len(snapshot.excluded) == int((plan.accounts["visits_per_year"] > 0).sum())


def test_stops_and_days_carry_the_itinerary_fields(
    holiday_plan: Plan, holiday_result: RoutesResult
) -> None:
    stops = holiday_result.route_stops
    accounts = holiday_plan.accounts.set_index("account_id").loc[stops["account_id"]]
    assert list(stops["account_name"]) == list(accounts["name"])
    assert list(stops["address"]) == list(accounts["address"])
    assert set(stops["city"]) == {"Springfield"}
    assert set(stops["state"]) == {""}  # the plan has no such column
    assert np.allclose(stops["lon"], accounts["lon"]) and np.allclose(stops["lat"], accounts["lat"])
    arrival = stops["arrival"].map(parse_time_of_day)
    departure = stops["departure"].map(parse_time_of_day)
    assert np.allclose(departure - arrival, stops["visit_minutes"], atol=1)
    routes = holiday_result.routes.set_index("day")
    for day, group in stops.groupby("day"):
        route = routes.loc[day]
        assert route["weekday"] == pd.Timestamp(day).strftime("%a")
        assert parse_time_of_day(route["leave_home"]) <= arrival[group.index].min()
        assert parse_time_of_day(route["return_home"]) >= departure[group.index].max()
        # Day totals: the legs between stops plus the drive home.
        assert np.isclose(
            group["distance_km"].sum() + route["return_distance_km"], route["distance_km"]
        )
        assert np.isclose(
            group["drive_minutes"].sum() + route["return_drive_minutes"], route["drive_minutes"]
        )
        span = parse_time_of_day(route["return_home"]) - parse_time_of_day(route["leave_home"])
        assert abs(span - route["lunch_minutes"] - route["working_minutes"]) <= 1
    totals = holiday_result.totals.iloc[0]
    assert np.isclose(totals["drive_minutes"], holiday_result.routes["drive_minutes"].sum())
    assert np.isclose(totals["mileage_rate"], holiday_plan.settings.mileage_rate_per_mile)


def test_days_off_table_is_stored_undone_and_saved(
    holiday_plan: Plan, holiday_result: RoutesResult, tmp_path: Path
) -> None:
    from planner.optimise.visit_planning import ROUTE_DAYS_OFF_TABLE

    target = make_plan(120, n_territories=2, seed=5)
    saved = save_routes_state(target)
    apply_routes(target, holiday_result)
    assert len(target.tables[ROUTE_DAYS_OFF_TABLE]) == 5
    path = tmp_path / "calendar.gpkg"
    target.settings.holiday_subdivision = "NY"
    save_plan(target, path)
    opened = open_plan(path)
    assert len(opened.tables[ROUTE_DAYS_OFF_TABLE]) == 5
    assert opened.settings.holiday_subdivision == "NY"
    restore_routes(target, saved)
    assert ROUTE_DAYS_OFF_TABLE not in target.tables
