"""Create mode on freshly imported plans: every account Unassigned, with and without reps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.models.plan import Plan
from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan
from tests.conftest import make_plan


def fresh(plan: Plan, keep_territories: bool = True, keep_reps: bool = True) -> Plan:
    """The same accounts and units as a plan just built from files: nothing assigned."""
    accounts = plan.accounts_frame().copy()
    accounts["territory_id"] = None
    accounts["baseline_territory_id"] = None
    units = plan.units_frame().copy()
    units["territory_id"] = None
    territories = (
        pd.DataFrame(plan.territories.drop(columns="geometry")) if keep_territories else None
    )
    reps = plan.reps if keep_reps else None
    return Plan(accounts, units, territories, reps, name="Fresh plan")


def test_create_on_a_fresh_plan_takes_its_targets_from_the_plan_totals() -> None:
    plan = fresh(make_plan(n_accounts=600, grid=6, n_territories=4, seed=3))
    assert (plan.account_territory < 0).all()
    options = OptimiseOptions(
        mode="create", time_limit=10.0, seed=1, tolerances={"revenue": 0.3, "potential": 0.3}
    )
    result = optimise_plan(snapshot_plan(plan), options)
    # Targets are the plan's totals over the territories, not today's (empty) territories'.
    col = result.after.column("accounts")
    assert np.isclose(result.after.targets[col], plan.n_accounts / 4)
    assert np.isclose(result.before.targets[col], plan.n_accounts / 4)
    assert not any("sum 0 to 0" in line for line in result.summary_lines())
    # The status agrees with the table it prints.
    assert (result.status == "ok") == (not result.shortfalls)
    assert result.status in ("ok", "bands_not_met", "not_contiguous")
    if result.in_band_after == result.n_optimised:
        assert result.status in ("ok", "not_contiguous")
    # The search itself ran with those targets: the exact model found the bands reachable.
    assert not any("no contiguous assignment meets every band" in m for m in result.messages)


def delaware_plan(n_accounts: int = 800, seed: int = 5) -> Plan:
    """A freshly imported plan over Delaware's ZIP areas: no territories, no reps.

    A few accounts lie offshore (outside every unit) and one is unplaced.
    """
    import shapely

    from planner.io.geography import zip_area_units

    units = zip_area_units(["10"])
    rng = np.random.default_rng(seed)
    unit_of = rng.integers(0, len(units), n_accounts)
    surface = shapely.point_on_surface(units.geometry.to_numpy())
    lon = shapely.get_x(surface)[unit_of] + rng.normal(0, 0.002, n_accounts)
    lat = shapely.get_y(surface)[unit_of] + rng.normal(0, 0.002, n_accounts)
    lon[:3], lat[:3] = -74.0, 38.5  # in the Atlantic, outside every unit
    lon[3], lat[3] = np.nan, np.nan
    seg = rng.choice(["A", "B", "C"], n_accounts, p=[0.1, 0.3, 0.6])
    accounts = pd.DataFrame(
        {
            "account_id": [f"D{i:04d}" for i in range(n_accounts)],
            "name": [f"Account {i}" for i in range(n_accounts)],
            "zip": units["unit_id"].to_numpy()[unit_of],
            "segment": seg,
            "revenue": rng.lognormal(10, 0.5, n_accounts).round(2),
            "potential": rng.lognormal(11, 0.5, n_accounts).round(2),
            "visits_per_year": np.select([seg == "A", seg == "B"], [12.0, 4.0], 1.0),
            "visit_minutes": np.select([seg == "A", seg == "B"], [45.0, 30.0], 20.0),
            "lon": lon,
            "lat": lat,
        }
    )
    return Plan(accounts, units[["unit_id", "name", "geometry"]], name="Delaware")


def test_create_without_reps_or_territories_makes_n_contiguous_territories(
    tmp_path: Path,
) -> None:
    from planner.io.planfile import open_plan, save_plan
    from planner.models.schema import palette_color
    from planner.optimise.graph import n_pieces
    from planner.optimise.plan_optimiser import (
        add_created_territories,
        remove_created_territories,
    )

    plan = delaware_plan()
    assert plan.n_territories == 0 and len(plan.reps) == 0
    options = OptimiseOptions(
        mode="create",
        territories=4,
        time_limit=8.0,
        seed=2,
        measures=("workload", "accounts"),
        tolerances={"workload": 0.15, "accounts": 0.15},
    )
    result = optimise_plan(snapshot_plan(plan), options)
    assert result.status != "infeasible", result.messages
    assert [r["territory_id"] for r in result.new_territories] == ["T001", "T002", "T003", "T004"]
    assert result.new_territories[0]["name"] == "Territory 1"
    assert result.new_territories[2]["color"] == palette_color(2)

    added = add_created_territories(plan, result)
    assert added == [0, 1, 2, 3]
    plan.apply(result.change)
    plan.check_invariant()
    # Every account inside a unit is in exactly one of the 4 territories; the rest stay out.
    inside = plan.account_unit >= 0
    assert (plan.account_territory[inside] >= 0).all()
    assert (plan.account_territory[~inside] < 0).all() and (~inside).sum() == 4
    assert set(np.unique(plan.account_territory[inside]).tolist()) == {0, 1, 2, 3}
    assert (plan.unit_territory >= 0).all()
    lists = snapshot_plan(plan).adjacency().to_lists()
    for t in range(4):
        assert n_pieces(lists, np.flatnonzero(plan.unit_territory == t).tolist()) == 1
    # A suggested home per territory, inside the territory, reported and stored.
    assert sorted(result.suggested_homes) == [0, 1, 2, 3]
    unit_row = {u: i for i, u in enumerate(plan.units["unit_id"])}
    for t, home in result.suggested_homes.items():
        assert plan.unit_territory[unit_row[home.unit_id]] == t
        assert plan.territories.at[t, "home_lon"] == home.lon
    text = "\n".join(result.summary_lines())
    assert "suggested rep homes" in text and "Territory 4: unit" in text
    save_plan(plan, tmp_path / "de.gpkg")
    reopened = open_plan(tmp_path / "de.gpkg")
    assert np.allclose(reopened.territories["home_lat"], plan.territories["home_lat"])
    # Undo: the change, then the territories, gives the imported plan back.
    plan.apply(result.change.inverse())
    remove_created_territories(plan, added)
    assert plan.n_territories == 0 and (plan.account_territory < 0).all()


def test_create_on_an_empty_plan_needs_the_number_of_territories() -> None:
    plan = delaware_plan(200)
    result = optimise_plan(snapshot_plan(plan), OptimiseOptions(mode="create", time_limit=2.0))
    assert result.status == "infeasible"
    assert "--territories N" in result.messages[-1]
    assert "locked" not in result.messages[-1]


def test_create_with_reps_on_a_fresh_plan_still_seeds_at_rep_homes() -> None:
    plan = fresh(make_plan(n_accounts=400, grid=6, n_territories=3, seed=2))
    result = optimise_plan(
        snapshot_plan(plan),
        OptimiseOptions(mode="create", time_limit=4.0, seed=1, tolerances={"revenue": 0.3}),
    )
    assert not result.new_territories and not result.suggested_homes
    assert not any("p-median" in m for m in result.messages)
    plan.apply(result.change)
    assert (plan.account_territory[plan.account_unit >= 0] >= 0).all()


def test_planner_optimise_creates_territories_on_a_plan_without_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.cli import main
    from planner.io.planfile import open_plan, save_plan

    source, out = tmp_path / "de.gpkg", tmp_path / "de3.gpkg"
    save_plan(delaware_plan(400), source)
    args = ["optimise", str(source), "--mode", "create", "--territories", "3", "-o", str(out)]
    assert main([*args, "--time-limit", "4", "--measures", "accounts"]) == 0
    text = capsys.readouterr().out
    assert "creates 3 territories (T001…T003)" in text
    assert "Territory 3: unit" in text
    assert "4 Unassigned accounts lie in no unit" in text
    plan = open_plan(out)
    assert plan.territory_ids == ["T001", "T002", "T003"]
    assert np.isfinite(plan.territories["home_lon"].to_numpy(dtype=float)).all()
    assert (plan.account_territory[plan.account_unit >= 0] >= 0).all()
