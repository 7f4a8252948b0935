"""Geometry helpers: one working CRS (WGS84 lon/lat), measured in kilometres.

Distances are great-circle (haversine) on a spherical Earth; areas use the
cylindrical equal-area projection EPSG:6933, so degrees are never mixed with metres.
"""

from __future__ import annotations

import numpy as np
import shapely

EARTH_RADIUS_KM = 6371.0088
WGS84 = "EPSG:4326"
EQUAL_AREA = "EPSG:6933"


def haversine_km(
    lon1: np.ndarray | float,
    lat1: np.ndarray | float,
    lon2: np.ndarray | float,
    lat2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasting)."""
    lon1r, lat1r, lon2r, lat2r = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2r - lat1r) / 2) ** 2
        + np.cos(lat1r) * np.cos(lat2r) * np.sin((lon2r - lon1r) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def area_km2(geoms: np.ndarray) -> np.ndarray:
    """Area in km² of WGS84 geometries (array of shapely geometries; None gives 0)."""
    import geopandas as gpd

    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    series = gpd.GeoSeries(geoms, crs=WGS84).to_crs(EQUAL_AREA)
    return np.nan_to_num(series.area.to_numpy() / 1e6)


def hull_area_km2(lon: np.ndarray, lat: np.ndarray) -> float:
    """Area in km² of the convex hull of points (0 for fewer than three)."""
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.sum() < 3:
        return 0.0
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([lon[ok], lat[ok]])))
    return float(area_km2(np.array([hull], dtype=object))[0])


def web_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project degrees to Web Mercator metres (EPSG:3857), vectorised, for display only."""
    x = np.radians(lon) * 6378137.0
    y = np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85.0511, 85.0511)) / 2)) * 6378137.0
    return x, y


def inverse_web_mercator(
    x: np.ndarray | float, y: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres back to degrees."""
    lon = np.degrees(np.asarray(x, dtype=float) / 6378137.0)
    lat = np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=float) / 6378137.0)) - np.pi / 2)
    return lon, lat
