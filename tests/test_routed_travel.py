"""Routed travel never goes stale: it counts only for territories that still have the
accounts they were routed with, in the live balance, previews, scenarios and the file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner.io.planfile import open_plan, save_plan
from planner.models.assignment import Change
from planner.models.balance import COL_VISIT_HOURS, membership_fingerprints
from planner.models.plan import Plan
from planner.models.routes import routed_travel_from_layers
from planner.models.scenarios import compare_scenarios, switch_change, write_scenario
from tests.conftest import make_plan

ROUTED = np.array([111.0, 222.0, 333.0, 444.0])


def workload(plan: Plan, table: object | None = None) -> np.ndarray:
    table = table if table is not None else plan.balance()
    return table.values[:, table.column("workload")].copy()  # type: ignore[attr-defined]


def estimated_travel_hours(plan: Plan) -> np.ndarray:
    """Travel hours from the geometry estimate alone (what the workload falls back to)."""
    return plan.balance().travel_km / plan.settings.speed_kmh


def visit_hours(plan: Plan) -> np.ndarray:
    return plan.engine.totals[: plan.n_territories, COL_VISIT_HOURS]


@pytest.fixture
def routed_plan() -> Plan:
    plan = make_plan()
    plan.engine.routed_travel_hours = ROUTED
    return plan


def move(plan: Plan, source: int, target: int, n: int = 5) -> Change:
    accounts = np.flatnonzero(plan.account_territory == source)[:n]
    change = plan.propose_account_move(accounts, target)
    assert len(change.account_indices) == n
    return change


def test_routed_travel_counts_while_the_accounts_are_the_routed_ones(routed_plan: Plan) -> None:
    plan = routed_plan
    np.testing.assert_allclose(workload(plan), visit_hours(plan) + ROUTED)
    assert not plan.engine.stale_routed().any()


def test_an_edit_reverts_its_territories_to_the_estimate_and_undo_brings_routes_back(
    routed_plan: Plan,
) -> None:
    plan = routed_plan
    before = workload(plan)
    change = move(plan, 0, 1)
    # The preview already shows it: T1 and T2 on the estimate, T3 and T4 still routed.
    preview = workload(plan, plan.preview(change))
    plan.apply(change)
    after = workload(plan)
    np.testing.assert_allclose(preview, after)
    estimate = visit_hours(plan) + estimated_travel_hours(plan)
    np.testing.assert_allclose(after[:2], estimate[:2])
    np.testing.assert_allclose(after[2:], visit_hours(plan)[2:] + ROUTED[2:])
    assert list(np.flatnonzero(plan.engine.stale_routed())) == [0, 1]
    assert np.isnan(plan.engine.routed_travel_hours[:2]).all()
    plan.apply(change.inverse())  # undo
    np.testing.assert_allclose(workload(plan), before)
    assert not plan.engine.stale_routed().any()


def test_the_same_accounts_back_by_another_path_are_routed_again(routed_plan: Plan) -> None:
    plan = routed_plan
    before = workload(plan)
    out = move(plan, 0, 2, n=8)
    plan.apply(out)
    back = plan.propose_account_move(out.account_indices, 0)
    plan.apply(back)
    np.testing.assert_allclose(workload(plan), before)


def test_settings_changes_and_new_territories_keep_what_is_routed(routed_plan: Plan) -> None:
    plan = routed_plan
    change = move(plan, 0, 1)
    plan.apply(change)
    plan.set_settings(plan.settings)  # rebuilds the engine
    assert list(np.flatnonzero(plan.engine.stale_routed())) == [0, 1]
    plan.insert_territory(0, {"territory_id": "T0", "name": "New"})
    hours, _ = plan.engine.routed_state()
    np.testing.assert_array_equal(hours, [np.nan, *ROUTED])
    assert list(np.flatnonzero(plan.engine.stale_routed())) == [1, 2]
    plan.remove_territory(0)
    plan.apply(change.inverse())
    np.testing.assert_allclose(workload(plan), visit_hours(plan) + ROUTED)


def test_incremental_fingerprints_equal_a_full_recomputation() -> None:
    plan = make_plan(n_accounts=800, n_territories=5, seed=2)
    engine = plan.engine
    rng = np.random.default_rng(7)
    applied: list[Change] = []
    for step in range(60):
        if applied and step % 7 == 6:
            plan.apply(applied.pop().inverse())
        elif step % 2:
            units = rng.choice(plan.n_units, size=int(rng.integers(1, 6)), replace=False)
            change = plan.propose_unit_move(units, int(rng.integers(-1, plan.n_territories)))
            plan.apply(change)
            applied.append(change)
        else:
            accounts = rng.choice(plan.n_accounts, size=int(rng.integers(1, 40)), replace=False)
            change = plan.propose_account_move(accounts, int(rng.integers(-1, plan.n_territories)))
            plan.apply(change)
            applied.append(change)
        k = plan.n_territories
        rows = np.where(plan.account_territory < 0, k, plan.account_territory)
        np.testing.assert_array_equal(
            engine.fingerprint, membership_fingerprints(engine.keys, rows, k + 1)
        )
    # Fingerprints tell memberships apart: every territory's differs from the others'.
    assert len(set(engine.fingerprint.tolist())) == plan.n_territories + 1


def test_compare_uses_routed_travel_wherever_a_territory_is_unchanged(routed_plan: Plan) -> None:
    plan = routed_plan
    # Proposal B moves accounts between T1 and T2 only; T3 and T4 are as routed.
    at = plan.account_territory.copy()
    moved = np.flatnonzero(at == 0)[:6]
    at[moved] = 1
    write_scenario(plan, "B", at, plan.unit_territory.copy())
    comparison = compare_scenarios(plan, ["current", "B", "baseline"])
    current, b, baseline = comparison.scenarios
    j = [m.key for m in plan.settings.measures].index("workload")
    np.testing.assert_allclose(current.values[:, j], workload(plan))
    np.testing.assert_allclose(baseline.values[:, j], workload(plan))  # baseline == current
    # T3 and T4 of B: routed; T1 and T2 of B: the estimate, as if B were switched to.
    np.testing.assert_allclose(b.values[2:, j], visit_hours(plan)[2:] + ROUTED[2:])
    plan.apply(switch_change(plan, "B"))
    np.testing.assert_allclose(b.values[:, j], workload(plan))
    estimate = visit_hours(plan) + estimated_travel_hours(plan)
    np.testing.assert_allclose(b.values[:2, j], estimate[:2])
    assert not np.allclose(b.values[:2, j], visit_hours(plan)[:2] + ROUTED[:2])


def _routes_layer(plan: Plan, hours: np.ndarray) -> None:
    """A routes layer and totals table giving each rep exactly ``hours`` a year."""
    reps = list(plan.territories["rep_id"])
    plan.layers["routes"] = gpd.GeoDataFrame(
        {
            "rep_id": reps,
            "day": "2026-01-05",
            "distance_km": 10.0,
            "drive_minutes": hours * 60.0,
            "visits": 3,
        },
        geometry=[shapely.LineString([(-88.0, 41.5), (-87.9, 41.6)])] * len(reps),
        crs="EPSG:4326",
    )
    plan.tables["route_totals"] = pd.DataFrame({"rep_id": reps, "weeks": 52.0})


def test_routes_re_read_from_the_layers_stay_outdated_where_they_were(
    routed_plan: Plan,
) -> None:
    plan = routed_plan
    _routes_layer(plan, ROUTED)
    routed_travel_from_layers(plan)
    plan.apply(move(plan, 3, 2))
    # Re-planning one rep re-reads every rep's routes; T3 and T4's stay outdated.
    hours = ROUTED.copy()
    hours[0] = 99.0
    _routes_layer(plan, hours)
    routed_travel_from_layers(plan)
    assert list(np.flatnonzero(plan.engine.stale_routed())) == [2, 3]
    np.testing.assert_allclose(workload(plan)[:2], visit_hours(plan)[:2] + hours[:2])


def test_the_plan_file_keeps_which_routes_are_outdated(routed_plan: Plan, tmp_path: Path) -> None:
    plan = routed_plan
    _routes_layer(plan, ROUTED)
    routed_travel_from_layers(plan)
    change = move(plan, 0, 1)
    plan.apply(change)
    path = tmp_path / "plan.gpkg"
    save_plan(plan, path)
    opened = open_plan(path)
    assert "routed_travel" not in opened.tables
    np.testing.assert_allclose(workload(opened), workload(plan))
    assert list(np.flatnonzero(opened.engine.stale_routed())) == [0, 1]
    opened.apply(change.inverse())  # the accounts go back: routed again, after reopening too
    np.testing.assert_allclose(workload(opened), visit_hours(opened) + ROUTED)


def test_files_without_the_fingerprints_take_routes_as_current(
    routed_plan: Plan, tmp_path: Path
) -> None:
    plan = routed_plan
    _routes_layer(plan, ROUTED)
    plan.engine.set_routed_travel(np.full(plan.n_territories, np.nan))  # nothing to save
    path = tmp_path / "old.gpkg"
    save_plan(plan, path)
    opened = open_plan(path)
    np.testing.assert_allclose(workload(opened), visit_hours(opened) + ROUTED)


def test_undoing_a_route_run_keeps_outdated_routes_outdated(routed_plan: Plan) -> None:
    from planner.optimise.visit_planning import restore_routes, save_routes_state

    plan = routed_plan
    change = move(plan, 0, 1)
    plan.apply(change)
    saved = save_routes_state(plan)  # what undoing a route run goes back to
    plan.engine.routed_travel_hours = np.array([1.0, 2.0, 3.0, 4.0])  # a route run
    restore_routes(plan, saved)
    # Territories 0 and 1 were edited after routing: still on the estimate, not revived...
    assert np.isnan(plan.engine.routed_travel_hours[:2]).all()
    np.testing.assert_allclose(plan.engine.routed_travel_hours[2:], ROUTED[2:])
    # ...until the edit itself is undone.
    plan.apply(change.inverse())
    np.testing.assert_allclose(plan.engine.routed_travel_hours, ROUTED)
