"""Capacity planning and utilisation: the figures against a hand computation."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner.cli import main
from planner.io.planfile import save_plan
from planner.models.capacity import plan_capacity, territory_utilisation
from planner.models.plan import Plan
from planner.models.settings import Settings
from tests.conftest import make_plan


def tiny_plan() -> Plan:
    """Two units and four accounts, nothing assigned; simple travel settings."""
    units = gpd.GeoDataFrame(
        {"unit_id": ["U1", "U2", "U3"], "name": ["U1", "U2", "U3"]},
        geometry=[
            shapely.box(-88.0, 41.5, -87.9, 41.6),
            shapely.box(-87.9, 41.5, -87.8, 41.6),
            shapely.box(-87.8, 41.5, -87.7, 41.6),  # no accounts: not the accounts' area
        ],
        crs="EPSG:4326",
    )
    accounts = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4"],
            "visits_per_year": [12.0, 12.0, 4.0, 4.0],
            "visit_minutes": [60.0, 30.0, 30.0, 60.0],
            "lon": [-87.95, -87.95, -87.85, -87.85],
            "lat": [41.55, 41.52, 41.55, 41.58],
        }
    )
    settings = Settings(visits_per_day=4.0, circuity=1.25, speed_kmh=50.0)
    return Plan(accounts, units, settings=settings, name="Tiny")


def test_capacity_equals_the_hand_computation() -> None:
    plan = tiny_plan()
    result = plan_capacity(plan, capacity_hours=10.0)
    # Visits 32 a year to 4 accounts; visit hours 12 + 6 + 2 + 4 = 24.
    assert result.visits == 32 and result.visited_accounts == 4
    assert result.visit_hours == pytest.approx(24.0)
    area = float(plan.unit_area_km2[:2].sum())  # the two units holding accounts
    assert result.area_km2 == pytest.approx(area)

    def travel(n: int) -> float:
        tour = 0.7124 * 32 * math.sqrt(area / 4)
        commute = 2 * 32 * 0.3826 * math.sqrt(area / n) / 4.0
        return 1.25 * (tour + commute) / 50.0

    # 24 h of visits at 10 h per rep needs at least 3; try N upwards until travel(N) fits.
    n = 3
    while (24.0 + travel(n)) / 10.0 > n:
        n += 1
    assert result.territories == n
    assert result.travel_hours == pytest.approx(travel(n))
    assert result.needed == pytest.approx((24.0 + travel(n)) / 10.0)
    assert result.travel_basis == "estimate"
    assert result.arithmetic() == (
        f"visit hours 24 + travel {travel(n):,.0f} = {24 + travel(n):,.0f} h ÷ 10 h per rep = "
        f"{(24 + travel(n)) / 10:,.1f} → {n} territories"
    )
    # Sensitivity: the three standard capacities and the chosen one, each its own fixed point.
    caps = [row.capacity_hours for row in result.sensitivity]
    assert caps == [10.0, 1400.0, 1600.0, 1800.0]
    assert all(row.territories == 1 for row in result.sensitivity[1:])
    assert result.sensitivity[1].needed == pytest.approx((24 + travel(1)) / 1400)


def test_capacity_per_rep_comes_from_the_reps_else_the_default() -> None:
    plan = make_plan()
    result = plan_capacity(plan)
    assert result.capacity_hours == 1600.0 and "capacity_hours" in result.capacity_source
    # With territories, travel is the balance's: workload equals the balance total.
    table = plan.balance()
    total = float(table.values[:, table.column("workload")].sum())
    assert result.travel_basis == "territories"
    assert result.workload_hours == pytest.approx(total)
    assert result.territories == max(1, math.ceil(total / 1600.0))
    assert plan_capacity(plan, capacity_hours=800.0).territories == math.ceil(total / 800.0)
    tiny = tiny_plan()
    assert plan_capacity(tiny).capacity_hours == 1600.0
    tiny.settings.default_capacity_hours = 1200.0
    assert plan_capacity(tiny).capacity_hours == 1200.0
    with pytest.raises(ValueError, match="capacity_hours"):
        plan_capacity(tiny, capacity_hours=-1.0)


def test_capacity_command_prints_the_arithmetic_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tiny.gpkg"
    save_plan(tiny_plan(), path)
    assert main(["capacity", str(path), "--capacity-hours", "10"]) == 0
    text = capsys.readouterr().out
    expected = plan_capacity(tiny_plan(), capacity_hours=10.0)
    assert f"suggested: {expected.arithmetic()}" in text
    assert "sensitivity" in text and "1,400 h" in text
    assert main(["capacity", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    default = plan_capacity(tiny_plan())
    assert data["territories"] == default.territories
    assert data["capacity_hours"] == 1600.0
    assert data["visit_hours"] == 24.0
    assert [row["capacity_hours"] for row in data["sensitivity"]] == [1400.0, 1600.0, 1800.0]
    with pytest.raises(SystemExit) as exc:
        main(["capacity", str(path), "--capacity-hours", "0"])
    assert exc.value.code == 2
    assert "--capacity-hours must be greater than 0" in capsys.readouterr().err


def test_utilisation_flags_territories_over_capacity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_plan()
    plan.reps.loc[plan.reps["rep_id"] == "R2", "capacity_hours"] = 10.0
    plan.territories.loc[3, "rep_id"] = None  # no rep: the default capacity
    table = plan.balance()
    load = table.values[:, table.column("workload")]
    share, over = territory_utilisation(plan)
    assert share[0] == pytest.approx(load[0] / 1600.0)
    assert share[1] == pytest.approx(load[1] / 10.0) and over[1]
    assert share[3] == pytest.approx(load[3] / 1600.0)
    assert over.tolist() == (share > 1).tolist()
    path = tmp_path / "p.gpkg"
    save_plan(plan, path)
    assert main(["report", str(path), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["balance"]
    t2 = [r for r in records if r["territory_id"] == "T2"]
    assert all(r["over_capacity"] for r in t2)
    assert t2[0]["utilisation_pct"] == pytest.approx(round(100 * share[1], 1))
    assert not any(r["over_capacity"] for r in records if r["territory_id"] == "T1")
    assert main(["report", str(path)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Territory 2"))
    assert line.rstrip().endswith("%!")


def test_utilisation_of_zero_capacity_is_not_a_number() -> None:
    from planner.models.balance import utilisation

    share, over = utilisation(np.array([5.0, 5.0]), np.array([0.0, 10.0]))
    assert np.isnan(share[0]) and share[1] == 0.5 and not over.any()
