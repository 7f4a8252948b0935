"""Scenarios: storage in the plan tables, and comparison figures against a recomputation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from planner.models.assignment import Change
from planner.models.geo import haversine_km
from planner.models.plan import Plan
from planner.models.scenarios import (
    BASELINE,
    CURRENT,
    ScenarioError,
    compare_scenarios,
    delete_scenario,
    duplicate_scenario,
    rename_scenario,
    scenario_alignment,
    scenario_names,
    scenario_unit_alignment,
    write_scenario,
)
from tests.conftest import make_plan

ARGS = {"n_accounts": 500, "grid": 6, "n_territories": 4, "seed": 5}


def _set_alignment(plan: Plan, accounts: np.ndarray, units: np.ndarray) -> None:
    n, u = plan.n_accounts, plan.n_units
    plan.apply(
        Change(
            np.arange(n),
            plan.account_territory.copy(),
            np.asarray(accounts, dtype=np.int32),
            np.arange(u),
            plan.unit_territory.copy(),
            np.asarray(units, dtype=np.int32),
        )
    )


def _proposals(plan: Plan) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(11)
    out = {}
    for name in ("North", "South", "Wide"):
        units = plan.unit_territory.copy()
        flip = rng.random(plan.n_units) < 0.25
        units[flip] = rng.integers(0, plan.n_territories, int(flip.sum()))
        accounts = np.where(plan.account_unit >= 0, units[plan.account_unit], -1)
        accounts[rng.random(plan.n_accounts) < 0.02] = -1  # some left Unassigned
        out[name] = (accounts.astype(np.int32), units.astype(np.int32))
    return out


@pytest.fixture
def plan_with_scenarios() -> tuple[Plan, dict[str, tuple[np.ndarray, np.ndarray]]]:
    plan = make_plan(**ARGS)
    proposals = _proposals(plan)
    for name, (a, u) in proposals.items():
        write_scenario(plan, name, a, u, description=f"proposal {name}")
    # The live alignment drifts from the baseline of record.
    a, u = _proposals(make_plan(**ARGS))["Wide"]
    _set_alignment(plan, a, u)
    edited = plan.account_territory.copy()
    edited[:40] = (edited[:40] + 1) % plan.n_territories
    _set_alignment(plan, edited, plan.unit_territory)
    return plan, proposals


def test_names_and_alignments(plan_with_scenarios: tuple[Plan, dict]) -> None:
    plan, proposals = plan_with_scenarios
    assert scenario_names(plan) == [CURRENT, BASELINE, "North", "South", "Wide"]
    for name, (a, u) in proposals.items():
        assert np.array_equal(scenario_alignment(plan, name), a)
        assert np.array_equal(scenario_unit_alignment(plan, name), u)
    assert np.array_equal(scenario_alignment(plan, CURRENT), plan.account_territory)
    assert np.array_equal(scenario_alignment(plan, BASELINE), plan.baseline_territory)
    with pytest.raises(ScenarioError, match="no scenario"):
        scenario_alignment(plan, "Nope")
    with pytest.raises(ScenarioError, match="reserved"):
        write_scenario(plan, "baseline", plan.account_territory)


def test_rename_duplicate_delete(plan_with_scenarios: tuple[Plan, dict]) -> None:
    plan, proposals = plan_with_scenarios
    rename_scenario(plan, "North", "Northern")
    assert "North" not in scenario_names(plan)
    assert np.array_equal(scenario_alignment(plan, "Northern"), proposals["North"][0])
    duplicate_scenario(plan, CURRENT, "Snapshot")
    assert np.array_equal(scenario_alignment(plan, "Snapshot"), plan.account_territory)
    delete_scenario(plan, "South")
    assert scenario_names(plan) == [CURRENT, BASELINE, "Northern", "Wide", "Snapshot"]
    with pytest.raises(ScenarioError):
        rename_scenario(plan, "Wide", "Northern")
    with pytest.raises(ScenarioError):
        delete_scenario(plan, CURRENT)


def test_round_trip_through_the_plan_file_is_exact(
    plan_with_scenarios: tuple[Plan, dict], tmp_path: Path
) -> None:
    plan, _ = plan_with_scenarios
    save_plan(plan, tmp_path / "p.gpkg")
    back = open_plan(tmp_path / "p.gpkg")
    assert scenario_names(back) == scenario_names(plan)
    for name in scenario_names(plan):
        assert np.array_equal(scenario_alignment(back, name), scenario_alignment(plan, name))
        assert np.array_equal(
            scenario_unit_alignment(back, name), scenario_unit_alignment(plan, name)
        )


def test_comparison_equals_an_independent_recomputation(
    plan_with_scenarios: tuple[Plan, dict],
) -> None:
    plan, _ = plan_with_scenarios
    totals_before = plan.engine.totals.copy()
    alignment_before = plan.account_territory.copy()
    comparison = compare_scenarios(plan)
    # Comparing never changes the plan.
    assert np.array_equal(plan.engine.totals, totals_before)
    assert np.array_equal(plan.account_territory, alignment_before)
    assert [s.name for s in comparison.scenarios] == scenario_names(plan)
    keys = [m.key for m in plan.settings.measures]
    base = plan.baseline_territory
    for fig in comparison.scenarios:
        other = make_plan(**ARGS)
        _set_alignment(
            other, scenario_alignment(plan, fig.name), scenario_unit_alignment(plan, fig.name)
        )
        table = other.balance()
        np.testing.assert_allclose(fig.values, table.values, rtol=1e-9, atol=1e-6)
        for j, key in enumerate(keys):
            assert fig.worst_deviation[key] == pytest.approx(np.abs(table.deviation[:, j]).max())
            assert fig.spread[key] == pytest.approx(table.values[:, j].std())
            assert fig.out_of_band[key] == int((~table.in_band[:, j]).sum())
        assert fig.travel_km == pytest.approx(table.travel_km.sum())
        d = other.disruption()
        assert fig.disruption_accounts == pytest.approx(d.accounts_fraction)
        assert fig.disruption_revenue == pytest.approx(d.revenue_fraction)
        base_counts = np.bincount(base[base >= 0], minlength=other.n_territories)
        np.testing.assert_allclose(
            fig.disruption_per_territory, (d.gained_accounts + d.lost_accounts) / base_counts
        )
        homes = other.reps.set_index("rep_id").loc[other.territories["rep_id"]]
        at = other.account_territory
        ok = at >= 0
        km = haversine_km(
            other.accounts["lon"].to_numpy()[ok],
            other.accounts["lat"].to_numpy()[ok],
            homes["lon"].to_numpy()[at[ok]],
            homes["lat"].to_numpy()[at[ok]],
        )
        assert fig.compactness_km == pytest.approx(km.mean())
        hours = table.values[:, keys.index("workload")]
        assert fig.max_utilisation == pytest.approx((hours / 1600.0).max())
    current = comparison.scenarios[0]
    assert current.disruption_accounts > 0
    assert comparison.scenarios[1].disruption_accounts == 0.0
    frame = comparison.frame()
    assert list(frame.columns) == ["label", *scenario_names(plan), "best"]
    row = frame.loc["disruption.accounts_pct"]
    assert row["best"] == BASELINE


def test_compare_command(
    plan_with_scenarios: tuple[Plan, dict], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, _ = plan_with_scenarios
    path = tmp_path / "p.gpkg"
    save_plan(plan, path)
    assert main(["compare", str(path), "--scenarios", "baseline,North,current", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scenarios"] == ["baseline", "North", "current"]
    rows = {r["figure"]: r for r in data["rows"]}
    assert rows["disruption.accounts_pct"]["baseline"] == 0.0
    assert main(["compare", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Wide" in text and "Disruption: accounts %" in text
    assert main(["compare", str(path), "--scenarios", "Nowhere"]) == 2
    assert "no scenario 'Nowhere'" in capsys.readouterr().err


def test_plans_without_units_compare_by_account_hulls() -> None:
    def build() -> Plan:
        src = make_plan(**ARGS)
        accounts = src.accounts_frame()
        return Plan(accounts, None, src.territories.drop(columns="geometry"), src.reps)

    plan = build()
    assert plan.n_units == 0
    rng = np.random.default_rng(3)
    proposal = rng.integers(0, plan.n_territories, plan.n_accounts).astype(np.int32)
    write_scenario(plan, "Shuffled", proposal)
    fig = compare_scenarios(plan, ["Shuffled"]).scenarios[0]
    other = build()
    _set_alignment(other, proposal, other.unit_territory)
    table = other.balance()
    np.testing.assert_allclose(fig.values, table.values, rtol=1e-9, atol=1e-6)
    assert fig.travel_km == pytest.approx(table.travel_km.sum())


def test_workbook_has_comparison_and_realignment_sheets_when_scenarios_exist(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    from planner.io.export_xlsx import write_workbook
    from planner.models.scenarios import compare_scenarios, realignment_report, write_scenario
    from tests.conftest import make_plan

    plan = make_plan()
    plain = write_workbook(plan, tmp_path / "plain.xlsx", map_png=None)
    assert "Comparison" not in openpyxl.load_workbook(plain, read_only=True).sheetnames
    change = plan.propose_unit_move(np.arange(5), 2)
    at, ut = plan.account_territory.copy(), plan.unit_territory.copy()
    at[change.account_indices] = change.account_after
    ut[change.unit_indices] = change.unit_after
    write_scenario(plan, "Proposal", at, ut)
    path = write_workbook(plan, tmp_path / "scen.xlsx", map_png=None)
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb["Comparison"].iter_rows(values_only=True))
    assert rows[0] == ("Figure", "current", "baseline", "Proposal", "Best")
    expected = compare_scenarios(plan, ["current", "baseline", "Proposal"]).rows()
    assert len(rows) - 1 == len(expected)
    assert rows[1][3] == pytest.approx(expected[0][2][2])
    realign = list(wb["Realignment"].iter_rows(values_only=True))
    assert len(realign) - 1 == len(realignment_report(plan, "Proposal"))


def test_kept_figures_of_other_scenarios_compare_the_same_after_an_edit(small_plan) -> None:  # type: ignore[no-untyped-def]
    from planner.models.scenarios import compare_scenarios, duplicate_scenario

    plan = small_plan
    duplicate_scenario(plan, "current", "Before")
    kept: dict = {}
    compare_scenarios(plan, None, kept)
    assert set(kept) == {"baseline", "Before"}, "current is never kept"
    plan.apply(plan.propose_unit_move(np.array([0, 1, 6, 7]), 3))
    fresh = compare_scenarios(plan).rows()
    assert compare_scenarios(plan, None, kept).rows() == fresh
    # The edit shows in "current" (first column), not in the copy stored before it (third).
    assert any(values[0] != values[2] for _key, _label, values in fresh)


def test_current_is_figured_from_what_every_edit_keeps(small_plan: Plan) -> None:
    """ "current" takes its totals, home distances and disruption from what the plan keeps
    up to date: the same figures as a stored copy of the alignment computed from scratch,
    after edits, an undo and a new baseline."""
    from planner.models.geo import haversine_km
    from planner.models.scenarios import compare_scenarios, write_scenario

    plan = small_plan
    kept: dict = {}
    engine = plan.engine
    before = engine.home_distances.copy()
    done: list = []
    edits = [
        lambda: plan.propose_unit_move(np.array([0, 1, 6, 7]), 3),
        lambda: plan.propose_unit_move(np.array([12, 13, 20]), 0),
        lambda: plan.propose_account_move(np.arange(0, 400, 7), -1),
        lambda: done.pop().inverse(),
        None,
    ]
    for step, edit in enumerate(edits):
        if edit is None:
            plan.set_baseline_to_current()
        else:
            change = edit()
            done.append(change)
            plan.preview(change)  # a previewed change brings its delta to the release
            plan.apply(change)
        write_scenario(plan, "Copy", plan.account_territory, plan.unit_territory)
        figures = compare_scenarios(plan, ["current", "Copy"], None, kept).scenarios
        current, copy = figures
        np.testing.assert_allclose(current.values, copy.values, rtol=1e-9)
        assert current.compactness_km == pytest.approx(copy.compactness_km, rel=1e-12)
        assert current.disruption_accounts == copy.disruption_accounts
        assert current.disruption_revenue == pytest.approx(copy.disruption_revenue, rel=1e-12)
        np.testing.assert_array_equal(
            current.disruption_per_territory, copy.disruption_per_territory
        )
        assert current.travel_km == pytest.approx(copy.travel_km, rel=1e-12)
        if step == 0:
            # Accounts the first edit left where they were keep the distances measured before.
            moved = np.zeros(plan.n_accounts, dtype=bool)
            moved[change.account_indices] = True
            assert moved.any() and not moved.all()
            assert np.array_equal(engine.home_distances[~moved], before[~moved], equal_nan=True)
    # And the kept distances are every account's distance to its rep's home now.
    t = plan.account_territory
    safe = np.maximum(t, 0)
    fresh = haversine_km(engine.lon, engine.lat, engine.home_lon[safe], engine.home_lat[safe])
    fresh = np.where(t < 0, np.nan, fresh)
    np.testing.assert_allclose(engine.home_distances, fresh, rtol=1e-12, equal_nan=True)
