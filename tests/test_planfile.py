"""Model tier: the GeoPackage plan file round trip and atomic save."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from planner.io import planfile
from planner.io.planfile import PlanFileError, open_plan, save_plan
from planner.models.plan import Plan
from planner.models.settings import MeasureSpec


def assert_same_plan(a: Plan, b: Plan) -> None:
    pd.testing.assert_frame_equal(a.accounts_frame(), b.accounts_frame())
    ua, ub = a.units_frame(), b.units_frame()
    pd.testing.assert_frame_equal(ua.drop(columns="geometry"), ub.drop(columns="geometry"))
    assert all(x.equals(y) for x, y in zip(ua.geometry, ub.geometry, strict=True))
    ta = pd.DataFrame(a.territories.drop(columns="geometry"))
    tb = pd.DataFrame(b.territories.drop(columns="geometry"))
    pd.testing.assert_frame_equal(ta, tb, check_dtype=False)
    pd.testing.assert_frame_equal(a.reps, b.reps)
    assert a.settings == b.settings
    assert np.array_equal(a.account_territory, b.account_territory)
    assert np.array_equal(a.baseline_territory, b.baseline_territory)
    assert a.name == b.name
    assert a.tables.keys() == b.tables.keys()
    for key in a.tables:
        pd.testing.assert_frame_equal(a.tables[key], b.tables[key])


def test_round_trip_is_exact(small_plan: Plan, tmp_path: Path) -> None:
    plan = small_plan
    # Make the plan less regular: unassigned, unplaced, pinned, custom settings, a table.
    plan.apply(plan.propose_account_move(np.array([0, 1, 2]), -1))
    plan.accounts.loc[5, ["lon", "lat"]] = np.nan
    plan.accounts.loc[5, "placement"] = "unplaced: unknown ZIP 99999"
    plan.set_account_flags(np.array([7]), pinned=np.array([True]))
    plan.settings.measures.append(MeasureSpec("revenue", "Revenue again", 0.05, 1e6, "currency"))
    plan.settings.circuity = 1.25
    plan.tables["change_log"] = pd.DataFrame({"when": ["2026-11-22T10:00"], "what": ["moved 3"]})
    path = tmp_path / "plan.gpkg"
    save_plan(plan, path)
    first = open_plan(path)
    assert_same_plan(plan, first)
    save_plan(first, path)
    second = open_plan(path)
    assert_same_plan(first, second)


def test_layers_are_ordinary_geopackage_feature_tables(small_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_plan(small_plan, path)
    layers = {name: gtype for name, gtype in pyogrio.list_layers(path)}
    assert layers["accounts"] == "Point"
    assert layers["units"] == "MultiPolygon"
    assert layers["territories"] == "MultiPolygon"
    assert layers["reps"] == "Point"
    info = pyogrio.read_info(path, layer="accounts")
    assert info["crs"] == "EPSG:4326"
    for column in (
        "account_id",
        "territory_id",
        "baseline_territory_id",
        "pinned",
        "locked",
        "placement",
    ):
        assert column in info["fields"]
    with sqlite3.connect(path) as con:
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    assert kinds["settings"] == "attributes"
    assert kinds["accounts"] == "features"


def test_interrupted_save_leaves_the_last_good_file(
    small_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.gpkg"
    save_plan(small_plan, path)
    good = path.read_bytes()
    small_plan.apply(small_plan.propose_account_move(np.arange(40), 2))
    calls = {"n": 0}
    real = planfile._write_layer

    def crash_on_second(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(planfile, "_write_layer", crash_on_second)
    with pytest.raises(OSError, match="disk full"):
        save_plan(small_plan, path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]
    reopened = open_plan(path)
    assert reopened.n_accounts == small_plan.n_accounts


def test_opening_a_corrupt_or_foreign_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"this is not a database")
    with pytest.raises(PlanFileError, match=r"bad\.gpkg"):
        open_plan(bad)
    with pytest.raises(PlanFileError, match="no such file"):
        open_plan(tmp_path / "missing.gpkg")
    other = tmp_path / "other.gpkg"
    import geopandas as gpd
    import shapely

    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(
        other, layer="roads"
    )
    with pytest.raises(PlanFileError, match="no 'accounts' layer"):
        open_plan(other)


def test_unknown_territory_ids_are_kept_as_unassigned_with_a_note(
    small_plan: Plan, tmp_path: Path
) -> None:
    frame = small_plan.accounts_frame()
    frame.loc[3, "territory_id"] = "T99"
    plan = Plan(frame, small_plan.units_frame(), small_plan.territories, small_plan.reps)
    assert plan.account_territory[3] == -1
    assert plan.n_accounts == small_plan.n_accounts
    assert any("T99" in note.message and note.row == 3 for note in plan.notes)
