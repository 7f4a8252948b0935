"""Bundled US units for a new plan: the states of the accounts, cached, with a report.

ZIP areas are cached per state, so these tests build only the states they use (once per
run: a fixture keeps what was built); counties and states are the real national layers.
Every test starts with an empty cache folder of its own.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import shapely

from planner.cli import main
from planner.io import geography, units_cache, us_units
from planner.io.coverage import check_coverage
from planner.io.planfile import open_plan
from planner.models.problems import find_problems

SPREAD = ("GA", "TX", "NY", "CA")

#: ZIP areas built once per test run and state, whatever cache folder a test starts with.
_BUILT: dict[str, object] = {}
_REAL_BUILD = us_units._build_zip_state


@pytest.fixture
def us_cache(tmp_path, monkeypatch):
    """A fresh cache folder; returns the list of states whose ZIP areas get built."""
    monkeypatch.setenv(units_cache.CACHE_ENV, str(tmp_path / "cache"))
    builds: list[str] = []

    def build(code):
        builds.append(code)
        if code not in _BUILT:
            _BUILT[code] = _REAL_BUILD(code)
        return _BUILT[code].copy()

    monkeypatch.setattr(us_units, "_build_zip_state", build)
    return builds


def spread_accounts(per_state: int = 150, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Accounts in GA, TX, NY and CA: half at ZIP centroids, half anywhere in the state."""
    rng = np.random.default_rng(seed)
    zips = geography.zip_centroids()
    outlines = geography.state_outlines(["13", "48", "36", "06"])
    lon, lat = [], []
    for postal, outline in zip(outlines["state"], outlines.geometry, strict=True):
        own = zips[zips["state"] == postal].sample(per_state // 2, random_state=seed)
        lon.append(own["lon"].to_numpy())
        lat.append(own["lat"].to_numpy())
        x0, y0, x1, y1 = outline.bounds
        x = rng.uniform(x0, x1, per_state * 20)
        y = rng.uniform(y0, y1, per_state * 20)
        inside = shapely.contains_xy(outline, x, y)
        lon.append(x[inside][: per_state - per_state // 2])
        lat.append(y[inside][: per_state - per_state // 2])
    return np.concatenate(lon), np.concatenate(lat)


@pytest.mark.parametrize("level", us_units.LEVELS)
def test_units_of_every_level_cover_accounts_in_several_states(us_cache, level):
    lon, lat = spread_accounts()
    lon[5] = np.nan  # an unplaced account is ignored, not an error
    units, selection = us_units.units_for_accounts(lon, lat, level)
    assert selection.states == sorted(SPREAD)
    assert sorted(units["state"].unique()) == sorted(SPREAD)
    assert {"unit_id", "name", "state"} <= set(units.columns)
    assert units["unit_id"].is_unique
    assert units.crs.to_epsg() == 4326
    assert (units.geom_type == "MultiPolygon").all()
    assert selection.n_units == len(units)
    assert selection.n_placed == len(lon) - 1
    coverage = check_coverage(lon, lat, units.geometry.to_numpy())
    assert coverage.n_placed == len(lon) - 1
    assert coverage.fraction <= 0.01
    assert not coverage.is_warning
    expected = {"zip": (3000, 8000), "county": (500, 700), "state": (4, 4)}[level]
    assert expected[0] <= len(units) <= expected[1]


def test_zip_units_are_every_zip_area_of_the_accounts_states(us_cache):
    # Two accounts in Georgia give all of Georgia's ZIP areas, not just two.
    atlanta, savannah = (-84.39, 33.75), (-81.10, 32.08)
    units, selection = us_units.units_for_accounts(
        np.array([atlanta[0], savannah[0]]), np.array([atlanta[1], savannah[1]])
    )
    assert selection.states == ["GA"]
    georgia = geography.zip_centroids(["13"])
    assert len(units) > 0.95 * len(georgia)
    assert units["unit_id"].str.fullmatch(r"\d{5}").all()
    assert (units["name"] == "ZIP " + units["unit_id"]).all()


def test_alaska_and_hawaii_accounts_get_their_states_units(us_cache):
    anchorage, honolulu = (-149.90, 61.22), (-157.86, 21.31)
    lon = np.array([anchorage[0], honolulu[0]])
    lat = np.array([anchorage[1], honolulu[1]])
    for level in us_units.LEVELS:
        units, selection = us_units.units_for_accounts(lon, lat, level)
        assert selection.states == ["AK", "HI"]
        assert check_coverage(lon, lat, units.geometry.to_numpy()).n_outside == 0


def test_accounts_far_from_every_state_are_reported_not_dropped(us_cache):
    guam, paris, atlanta = (144.79, 13.44), (2.35, 48.86), (-84.39, 33.75)
    lon = np.array([guam[0], paris[0], atlanta[0]])
    lat = np.array([guam[1], paris[1], atlanta[1]])
    _, selection = us_units.units_for_accounts(lon, lat, "county")
    assert selection.states == ["GA"]
    assert selection.far_accounts.tolist() == [0, 1]
    assert selection.far_bbox == pytest.approx((2.35, 13.44, 144.79, 48.86))
    assert "2 account(s) far from every US state" in selection.format()


def test_an_account_just_off_the_coast_brings_its_state(us_cache):
    # A few km off Tybee Island, Georgia: in no state, but Georgia's units are taken.
    _, selection = us_units.units_for_accounts(np.array([-80.80]), np.array([32.00]))
    assert selection.states == ["GA"]
    assert selection.near_state == 1


def _georgia_file():
    return units_cache.cache_path("us-zip-13")


def test_zip_areas_are_cached_per_state_and_not_rebuilt(us_cache):
    atlanta = (np.array([-84.39]), np.array([33.75]))
    first, selection = us_units.units_for_accounts(*atlanta)
    assert selection.built
    assert us_cache == ["13"]  # only Georgia was built, not the whole country
    path = _georgia_file()
    stamp = path.stat().st_mtime_ns
    second, selection = us_units.units_for_accounts(*atlanta)
    assert not selection.built
    assert us_cache == ["13"]
    assert path.stat().st_mtime_ns == stamp
    assert second["unit_id"].tolist() == first["unit_id"].tolist()
    assert shapely.equals(second.geometry.to_numpy(), first.geometry.to_numpy()).all()
    # Counties and states: one national file each, built once too.
    assert us_units.national_units("county").built
    assert not us_units.national_units("county").built


@pytest.mark.parametrize("damage", [b"", b"not a parquet file at all", b"PAR1\x00\x01garbage"])
def test_a_corrupt_cache_is_rebuilt_not_a_crash(us_cache, damage):
    atlanta = (np.array([-84.39]), np.array([33.75]))
    good, _ = us_units.units_for_accounts(*atlanta)
    _georgia_file().write_bytes(damage)
    units, selection = us_units.units_for_accounts(*atlanta)
    assert selection.built
    assert "unreadable cached layer rebuilt" in selection.note
    assert us_cache == ["13", "13"]
    assert units["unit_id"].tolist() == good["unit_id"].tolist()
    assert not us_units.units_for_accounts(*atlanta)[1].built  # the rebuilt file is good


def test_a_failed_build_leaves_no_file_behind(tmp_path, monkeypatch):
    monkeypatch.setenv(units_cache.CACHE_ENV, str(tmp_path))

    def broken():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        units_cache.cached_layer("broken", broken)
    assert list(tmp_path.iterdir()) == []


def test_the_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(units_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if os.name == "posix" and os.uname().sysname != "Darwin":
        assert units_cache.cache_dir() == tmp_path / "territory-planner" / "units"
    key = units_cache.cache_path("us-zip-13").name
    assert key.startswith("us-zip-13-") and key.endswith(".parquet")


def test_unknown_level_is_named(us_cache):
    with pytest.raises(ValueError, match="level"):
        us_units.units_for_accounts(np.array([-84.0]), np.array([33.0]), "city")  # type: ignore[arg-type]


def test_planner_new_without_units_gives_every_account_a_unit_or_a_report(
    us_cache, tmp_path, capsys
):
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "id,name,zip,lat,lon,revenue\n"
        "1,Atlanta,30303,,,100\n"  # placed by ZIP
        "2,Austin,,30.27,-97.74,200\n"
        "3,Albany,,42.65,-73.75,300\n"
        "4,Anchorage,,61.22,-149.90,400\n"
        "5,Honolulu,96813,,,500\n"
        "6,Guam,,13.44,144.79,600\n"  # far from every state
        "7,Nowhere,,,,700\n"  # unplaced
    )
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(csv), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "units:" in printed and "far from every US state" in printed
    assert "1 of 6 placed accounts" in printed  # Guam, listed rather than dropped
    plan = open_plan(out)
    assert plan.n_accounts == 7
    assert sorted(plan.units["state"].unique()) == ["AK", "GA", "HI", "NY", "TX"]
    assert (plan.account_unit[:5] >= 0).all()
    outside = [p for p in find_problems(plan) if p.kind == "outside_units"]
    assert outside[0].items.tolist() == [5]


def test_planner_new_takes_counties_on_request(us_cache, tmp_path, capsys):
    csv = tmp_path / "accounts.csv"
    csv.write_text("id,lat,lon\n1,33.75,-84.39\n2,32.08,-81.10\n")
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(csv), "--geography", "county", "-o", str(out)]) == 0
    plan = open_plan(out)
    assert plan.n_units == 159  # Georgia's counties
    assert "Fulton, GA" in set(plan.units["name"])
    assert "coverage: all 2 placed accounts are inside a unit" in capsys.readouterr().out


def test_no_placed_account_gives_no_units_and_says_so(us_cache):
    units, selection = us_units.units_for_accounts(np.array([np.nan]), np.array([np.nan]))
    assert len(units) == 0
    assert selection.states == []
    assert selection.format() == "units: none, as no account lies in or near a US state"
    assert check_coverage(
        np.array([np.nan]), np.array([np.nan]), units.geometry.to_numpy()
    ).format() == ("coverage: no account has a location, so none can lie in a unit")


def test_swapped_coordinates_far_from_every_state_are_named(us_cache):
    # Atlanta and Austin with latitude and longitude exchanged, and Paris as it is.
    lon = np.array([33.75, 30.27, 2.35])
    lat = np.array([-84.39, -97.74, 48.86])
    units, selection = us_units.units_for_accounts(lon, lat, "state")
    assert len(units) == 0
    assert selection.far_accounts.tolist() == [0, 1, 2]
    assert selection.far_swapped == 2
    assert "2 of them would lie in a US state with latitude and longitude swapped" in (
        selection.format()
    )


def test_a_new_version_removes_the_files_of_older_ones(tmp_path, monkeypatch):
    monkeypatch.setenv(units_cache.CACHE_ENV, str(tmp_path))
    stale = tmp_path / "us-county-000000000000.parquet"
    stale.write_bytes(b"an older version")
    other = tmp_path / "us-county-13-000000000000.parquet"  # another layer: kept
    other.write_bytes(b"another layer")
    layer = us_units.national_units("county")
    assert layer.built and layer.path.exists()
    assert not stale.exists()
    assert other.exists()


def test_a_state_with_few_accounts_brings_only_the_units_they_lie_in() -> None:
    zips = geography.zip_centroids(["10", "24"])  # Delaware, Maryland
    delaware = zips[zips["state"] == "DE"].sample(600, replace=True, random_state=1)
    maryland = zips[zips["state"] == "MD"].head(3)
    lon = np.r_[delaware["lon"].to_numpy(), maryland["lon"].to_numpy()]
    lat = np.r_[delaware["lat"].to_numpy(), maryland["lat"].to_numpy()]
    units, selection = us_units.units_for_accounts(lon, lat, "zip")
    assert selection.states == ["DE", "MD"]
    n_md, n_md_units = selection.partial_states["MD"]
    assert n_md == 3 and 1 <= n_md_units <= 3
    assert (units["state"] == "MD").sum() == n_md_units
    all_de = (geography.zip_centroids(["10"])["zip"]).nunique()
    assert (units["state"] == "DE").sum() >= all_de - 5  # Delaware whole
    assert "MD: only 3 account(s)" in selection.format()
    # Every account still lies in a unit.
    tree = shapely.STRtree(units.geometry.to_numpy())
    hit, _ = tree.query(shapely.points(lon, lat), predicate="intersects")
    assert len(np.unique(hit)) == len(lon)
