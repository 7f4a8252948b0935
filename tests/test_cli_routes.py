"""``planner routes`` in-process: totals printed, routes written, clear errors, nothing partial."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from planner.optimise.visit_planning import (
    ROUTE_COLUMNS,
    ROUTE_STOP_COLUMNS,
    routed_travel_from_layers,
)
from tests.conftest import make_plan

FAST = ["--weeks", "1", "--time-limit", "0.05", "--start", "2025-01-06"]


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = make_plan(150, n_territories=3, seed=6)
    plan.territories.at[2, "rep_id"] = None  # its accounts are listed, not routed
    path = tmp_path_factory.mktemp("routes") / "plan.gpkg"
    save_plan(plan, path)
    return path


def test_routes_writes_layers_and_prints_totals(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "routed.gpkg"
    assert main(["routes", str(plan_file), "-o", str(out), *FAST]) == 0
    text = capsys.readouterr().out
    assert "planning 2 rep(s) over 1 week(s)" in text
    assert "Rep 1/2 Rep 1: Choosing visit days" in text
    lines = {line.split()[0] + " " + line.split()[1]: line for line in text.splitlines() if line}
    assert "Rep 1" in lines and "Rep 2" in lines
    assert "territory has no rep" in text
    opened = open_plan(out)
    routes, stops = opened.layers["routes"], opened.layers["route_stops"]
    # The contract's columns first, in order (more may follow).
    assert [c for c in routes.columns if c != "geometry"][: len(ROUTE_COLUMNS)] == list(
        ROUTE_COLUMNS
    )
    assert [c for c in stops.columns if c != "geometry"][: len(ROUTE_STOP_COLUMNS)] == list(
        ROUTE_STOP_COLUMNS
    )
    assert set(routes["rep_id"]) == {"R1", "R2"}
    assert set(routes["day"]) <= {f"2025-01-0{d}" for d in range(6, 10)} | {"2025-01-10"}
    # The printed visit totals are the file's.
    totals = opened.tables["route_totals"].set_index("rep_id")
    for rep in ("R1", "R2"):
        assert totals.loc[rep, "visits"] == int((stops["rep_id"] == rep).sum())
        assert f"{int(totals.loc[rep, 'visits']):>8,}" in lines[f"Rep {rep[1]}"]
    # Opened, routed travel is restored for the routed territories only.
    hours = routed_travel_from_layers(opened)
    assert np.isfinite(hours[:2]).all() and np.isnan(hours[2])
    drive = routes.groupby("rep_id")["drive_minutes"].sum() / 60 * 52
    assert np.allclose(hours[:2], drive[["R1", "R2"]])
    # The input file is untouched.
    assert "routes" not in open_plan(plan_file).layers


def test_one_rep_only(plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "one.gpkg"
    assert main(["routes", str(plan_file), "-o", str(out), "--reps", "R2", *FAST]) == 0
    assert "planning 1 rep(s)" in capsys.readouterr().out
    assert set(open_plan(out).layers["routes"]["rep_id"]) == {"R2"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reps", "R9"], "--reps: the plan has no rep 'R9'"),
        (["--reps", "R3"], "--reps: rep 'R3' has no territory"),
        (["--weeks", "0"], "--weeks must be between 1 and 52, got 0"),
        (["--start", "2025-01-07"], "--start must be a Monday, 2025-01-07 is a Tuesday"),
        (["--day-start", "soon"], "times must be HH:MM, got 'soon'"),
        (["--osrm", "localhost"], "osrm_url must start with http:// or https://"),
    ],
)
def test_bad_options_are_clear_errors_and_write_nothing(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "never.gpkg"
    try:
        code = main(["routes", str(plan_file), "-o", str(out), *args])
    except SystemExit as exc:  # argparse rejects the value itself
        code = int(exc.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_plan_and_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", str(tmp_path / "nope.gpkg"), "-o", str(tmp_path / "o.gpkg")]) == 2
    assert "nope.gpkg: no such file" in capsys.readouterr().err
    assert main(["routes", str(tmp_path / "nope.gpkg"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "must be a GeoPackage" in capsys.readouterr().err
