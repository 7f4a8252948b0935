"""Command line: planner new and planner report, headless, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from planner.cli import main
from planner.io.planfile import open_plan


def write_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "Account ID,Name,Zip,Latitude,Longitude,Segment,Revenue,Potential,Territory\n"
        "A1,Loop Deli,60601,41.885,-87.62,A,1000,5000,North\n"
        "A2,Lake Cafe,60614,41.92,-87.65,B,2000,3000,North\n"
        "A3,South Shop,60637,,,C,300,900,South\n"
        "A4,Lost Co,99999,,,C,10,20,South\n"
        "A4,Dup Co,60601,41.88,-87.62,C,10,20,South\n"
    )
    units = tmp_path / "units.geojson"
    gpd.GeoDataFrame(
        {"zip": ["N", "S"], "name": ["North half", "South half"]},
        geometry=[shapely.box(-88.0, 41.85, -87.5, 42.1), shapely.box(-88.0, 41.6, -87.5, 41.85)],
        crs="EPSG:4326",
    ).to_file(units, driver="GeoJSON")
    reps = tmp_path / "reps.csv"
    reps.write_text(
        "rep_id,name,zip,territory\nR1,Ann North,60614,North\nR2,Bo South,60637,South\n"
    )
    return accounts, units, reps


def test_new_builds_a_plan_and_prints_the_import_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts, units, reps = write_inputs(tmp_path)
    out = tmp_path / "plan.gpkg"
    code = main(
        [
            "new",
            "--accounts",
            str(accounts),
            "--units",
            str(units),
            "--reps",
            str(reps),
            "-o",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert (
        "5 rows read, 4 loaded (2 by coordinates, 1 by ZIP centroid, 1 unplaced), 1 rejected"
        in text
    )
    assert "accounts.csv, row 6" in text and "duplicate account id" in text
    assert "row 5" in text and "unknown ZIP 99999" in text
    plan = open_plan(out)
    assert plan.n_accounts == 4 and plan.n_units == 2 and plan.n_territories == 2
    assert list(plan.territories["rep_id"]) == ["R1", "R2"]
    # Units took the territory most of their accounts are in.
    assert list(plan.units_frame()["territory_id"]) == ["North", "South"]


def test_report_prints_balance_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    accounts, _units, _reps = write_inputs(tmp_path)
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(accounts), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    text = capsys.readouterr().out
    assert "North" in text and "South" in text and "Unassigned accounts: 0" in text
    assert main(["report", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    records = {(r["territory_id"], r["measure"]): r for r in data["balance"]}
    assert records[("North", "accounts")]["value"] == 2
    assert records[("South", "revenue")]["value"] == 310
    assert records[("North", "accounts")]["target"] == 2


def test_bad_input_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Company,Notes\nAcme,hello\n")
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(bad), "-o", str(out)]) == 2
    assert "bad.csv: no column for the account id" in capsys.readouterr().err
    assert not out.exists()
    assert main(["report", str(tmp_path / "missing.gpkg")]) == 2
    assert "no such file" in capsys.readouterr().err
