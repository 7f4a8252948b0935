"""The coverage check: accounts outside every unit, and the likely cause when many are.

Units are Georgia's real counties; accounts are Georgia's ZIP centroids. Each wrong units
file is one a planner really meets: a shapefile without its .prj, a file declared in the
wrong coordinate system (every county 6° east, in the Atlantic), swapped lat/lon columns.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.cli import main
from planner.io import geography
from planner.io.coverage import check_coverage, plan_coverage
from planner.io.planfile import open_plan
from planner.io.units_import import import_units

GEORGIA = "13"


@pytest.fixture(scope="module")
def counties():
    return geography.county_polygons([GEORGIA])[["fips", "name", "geometry"]]


@pytest.fixture(scope="module")
def accounts():
    zips = geography.zip_centroids([GEORGIA])
    outline = geography.state_outlines([GEORGIA]).geometry.iloc[0]
    inside = shapely.contains_xy(outline, zips["lon"], zips["lat"])
    return zips.loc[inside, "lon"].to_numpy(), zips.loc[inside, "lat"].to_numpy()


def test_units_that_hold_the_accounts_give_no_warning(counties, accounts):
    lon, lat = accounts
    report = check_coverage(lon, lat, counties.geometry.to_numpy())
    assert report.n_placed == len(lon) > 500
    assert report.n_outside == 0
    assert not report.is_warning
    assert report.cause == "none"
    assert report.format() == f"coverage: all {len(lon):,} placed accounts are inside a unit"


def test_units_shifted_into_the_atlantic_are_named_as_shifted(counties, accounts):
    lon, lat = accounts
    shifted = shapely.transform(counties.geometry.to_numpy(), lambda xy: xy + np.array([6.0, 0.0]))
    report = check_coverage(lon, lat, shifted)
    assert report.is_warning
    assert report.n_outside == len(lon)
    assert report.cause == "shifted"
    assert report.shift == pytest.approx((6.0, 0.0), abs=0.5)
    text = report.format()
    assert text.startswith(f"warning: {len(lon):,} of {len(lon):,} placed accounts")
    assert "accounts: lon -85." in text and "units:    lon -79." in text
    assert f"shifted from the accounts by about {report.shift[0]:+.2f}° longitude" in text
    assert "listed under Problems" in text


def test_swapped_latitude_and_longitude_are_recognised(counties, accounts):
    lon, lat = accounts
    report = check_coverage(lat, lon, counties.geometry.to_numpy())
    assert report.is_warning
    assert report.cause == "swapped"
    assert "swapped" in report.explanation


def test_units_stopping_short_of_the_accounts(accounts):
    # Only north Georgia's counties (above 33.5° N): the southern accounts have no unit.
    lon, lat = accounts
    north = geography.county_polygons([GEORGIA])
    north = north[shapely.get_y(shapely.centroid(north.geometry.to_numpy())) > 33.5]
    report = check_coverage(lon, lat, north.geometry.to_numpy())
    assert report.is_warning
    assert report.cause == "beyond_extent"


def test_a_few_accounts_outside_are_a_note_not_a_warning(counties, accounts):
    lon, lat = accounts
    lon, lat = lon.copy(), lat.copy()
    lon[0], lat[0] = -70.0, 30.0  # one account out at sea
    lon[1] = np.nan  # an unplaced one is not counted
    report = check_coverage(lon, lat, counties.geometry.to_numpy())
    assert report.n_placed == len(lon) - 1
    assert report.outside.tolist() == [0]
    assert not report.is_warning
    assert report.format().startswith(f"coverage: 1 of {len(lon) - 1:,} placed accounts")


def test_a_given_account_unit_is_used_as_it_is(counties, accounts):
    lon, lat = accounts
    account_unit = np.zeros(len(lon), dtype=np.int32)
    account_unit[:3] = -1
    report = check_coverage(lon, lat, counties.geometry.to_numpy(), account_unit)
    assert report.outside.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="account_unit"):
        check_coverage(lon, lat, counties.geometry.to_numpy(), account_unit[:5])


def _accounts_csv(path, lon, lat):
    rows = [
        f"A{i},Account {i},{y:.6f},{x:.6f}" for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    path.write_text("id,name,lat,lon\n" + "\n".join(rows) + "\n")
    return path


# Metres read as degrees have no area on the sphere: the plan's unit areas warn, as expected.
@pytest.mark.filterwarnings("ignore:invalid value encountered in area:RuntimeWarning")
def test_a_shapefile_without_its_prj_warns_and_still_writes_the_plan(
    counties, accounts, tmp_path, capsys
):
    # Counties in metres (Albers, EPSG:5070) whose .prj went missing on the way.
    shp = tmp_path / "counties.shp"
    counties.to_crs("EPSG:5070").to_file(shp)
    shp.with_suffix(".prj").unlink()
    result = import_units(shp)
    assert any(".prj missing" in w.reason for w in result.report.warnings)
    lon, lat = accounts
    csv = _accounts_csv(tmp_path / "accounts.csv", lon[:200], lat[:200])
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(csv), "--units", str(shp), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "warning: 200 of 200 placed accounts (100.0%) lie outside every unit" in printed
    assert ".prj" in printed.split("likely cause:")[1]
    plan = open_plan(out)
    assert plan.n_accounts == 200  # nothing lost
    assert plan_coverage(plan).cause == "units_projected"


def test_a_shifted_units_file_warns_on_the_command_line_and_strict_refuses(
    counties, accounts, tmp_path, capsys
):
    shifted = counties.copy()
    shifted["geometry"] = shapely.transform(
        shifted.geometry.to_numpy(), lambda xy: xy + np.array([6.0, 0.0])
    )
    units = tmp_path / "shifted.gpkg"
    shifted.to_file(units)
    lon, lat = accounts
    csv = _accounts_csv(tmp_path / "accounts.csv", lon[:100], lat[:100])
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(csv), "--units", str(units), "-o", str(out)]) == 0
    assert "likely cause: the units lie shifted" in capsys.readouterr().out
    assert out.exists()
    strict = tmp_path / "strict.gpkg"
    args = ["new", "--accounts", str(csv), "--units", str(units), "-o", str(strict)]
    assert main([*args, "--strict-coverage"]) == 2
    assert not strict.exists()


def test_a_correct_units_file_prints_no_warning(counties, accounts, tmp_path, capsys):
    units = tmp_path / "counties.gpkg"
    counties.to_file(units)
    lon, lat = accounts
    csv = _accounts_csv(tmp_path / "accounts.csv", lon[:100], lat[:100])
    out = tmp_path / "plan.gpkg"
    args = ["new", "--accounts", str(csv), "--units", str(units), "-o", str(out)]
    assert main([*args, "--strict-coverage"]) == 0
    printed = capsys.readouterr().out
    assert "warning" not in printed
    assert "coverage: all 100 placed accounts are inside a unit" in printed


def test_accounts_sharing_points_are_located_like_distinct_ones():
    # Many accounts at few points (ZIP centroids) take the plan's shortcut: locate each
    # distinct point once. The answer must be the one of locating every account.
    from planner.models.plan import Plan
    from tests.conftest import make_plan

    base = make_plan(n_accounts=2000)
    accounts = base.accounts_frame()
    rng = np.random.default_rng(3)
    points = rng.integers(0, 40, len(accounts))
    accounts["lon"] = accounts["lon"].to_numpy()[points]
    accounts["lat"] = accounts["lat"].to_numpy()[points]
    accounts.loc[5, ["lon", "lat"]] = np.nan
    accounts.loc[6, ["lon", "lat"]] = [-80.0, 30.0]  # outside every unit
    plan = Plan(accounts, base.units_frame(), base.territories, base.reps)
    geoms = plan.units.geometry.to_numpy()
    lon, lat = accounts["lon"].to_numpy(), accounts["lat"].to_numpy()
    for i in range(len(accounts)):
        unit = plan.account_unit[i]
        if i in (5, 6):
            assert unit == -1
        else:
            assert shapely.intersects_xy(geoms[unit], lon[i], lat[i])
    assert plan_coverage(plan).outside.tolist() == [6]
