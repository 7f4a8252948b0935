"""Importing units (ZIP areas, counties...) from any vector file GDAL reads, and reps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io.accounts_import import (
    ImportReport,
    InputFileError,
    Issue,
    parse_number,
    read_table,
)
from planner.io.geocode import zip_centroids
from planner.models.geo import WGS84

UNIT_ID_ALIASES = (
    "unit_id",
    "unit id",
    "zip",
    "zcta",
    "zcta5ce10",
    "zcta5ce20",
    "geoid",
    "geoid10",
    "geoid20",
    "fips",
    "postcode",
    "id",
    "code",
)
UNIT_NAME_ALIASES = ("name", "unit_name", "label", "namelsad", "county", "city")
TERRITORY_ALIASES = ("territory_id", "territory", "terr")


def _find(columns: list[str], aliases: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    for alias in aliases:
        if alias in lower:
            return lower[alias]
    return None


@dataclass
class UnitsResult:
    """Units ready for a plan and a report of rows left out or repaired."""

    units: gpd.GeoDataFrame
    report: ImportReport = field(default_factory=lambda: ImportReport(""))


def import_units(
    path: str | Path,
    id_column: str | None = None,
    name_column: str | None = None,
    territory_column: str | None = None,
) -> UnitsResult:
    """Read unit polygons from a GeoPackage, Shapefile, GeoJSON or any GDAL vector file.

    Geometries are reprojected to WGS84; invalid ones are repaired with
    ``shapely.make_valid`` (reported); rows without a polygon or with a duplicate
    id are rejected (reported). A file without a coordinate reference system (a
    shapefile without its ``.prj``) is read as WGS84 and reported; when its coordinates
    are not degrees the units keep them, and the coverage check of the new plan
    (:func:`planner.io.coverage.check_coverage`) says why no account falls inside.

    Raises
    ------
    InputFileError
        When the file cannot be read or no id column can be found.
    """
    import pyogrio

    path = Path(path)
    name = path.name
    if not path.exists():
        raise InputFileError(f"{name}: no such file")
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # GDAL raises several error types for unreadable files
        raise InputFileError(f"{name}: not a readable vector file ({exc})") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise InputFileError(f"{name}: has no geometry")
    no_crs_warning = None
    if frame.crs is None:
        # A shapefile without its .prj. Degrees are read as WGS84; anything else is kept
        # as it is, so the plan is still built and the coverage check names the cause.
        x0, y0, x1, y1 = frame.total_bounds
        degrees = max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90
        no_crs_warning = "no coordinate reference system (a shapefile's .prj missing?): " + (
            "coordinates read as WGS84 longitude/latitude"
            if degrees
            else f"coordinates (x {x0:,.0f}..{x1:,.0f}) are not degrees, so the units "
            "cannot line up with the accounts; supply the .prj or a file in WGS84"
        )
        frame = frame.set_crs(WGS84)
    frame = frame.to_crs(WGS84)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    id_col = id_column or _find(columns, UNIT_ID_ALIASES)
    if id_col is None or id_col not in frame.columns:
        raise InputFileError(
            f"{name}: no unit id column (looked for: {', '.join(UNIT_ID_ALIASES)})"
        )
    name_col = name_column or _find([c for c in columns if c != id_col], UNIT_NAME_ALIASES)
    terr_col = territory_column or _find(columns, TERRITORY_ALIASES)

    report = ImportReport(name, rows_read=len(frame))
    if no_crs_warning:
        report.warnings.append(Issue(name, 0, "geometry", no_crs_warning))
    keep = np.ones(len(frame), dtype=bool)
    geoms = frame.geometry.to_numpy().copy()
    seen: set[str] = set()
    ids = []
    for i, (raw_id, geom) in enumerate(zip(frame[id_col], geoms, strict=True)):
        row = i + 1
        uid = (
            None
            if raw_id is None or (isinstance(raw_id, float) and np.isnan(raw_id))
            else str(raw_id).strip()
        )
        ids.append(uid)
        if not uid:
            keep[i] = False
            report.rejected.append(Issue(name, row, id_col, "no unit id: feature not loaded"))
            continue
        if uid in seen:
            keep[i] = False
            report.rejected.append(
                Issue(name, row, id_col, f"duplicate unit id {uid!r}: feature not loaded")
            )
            continue
        seen.add(uid)
        if geom is None or geom.is_empty:
            keep[i] = False
            report.rejected.append(Issue(name, row, "geometry", "no geometry: feature not loaded"))
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            report.warnings.append(Issue(name, row, "geometry", "invalid polygon repaired"))
        polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
        if not polys:
            keep[i] = False
            report.rejected.append(
                Issue(
                    name, row, "geometry", f"{geom.geom_type} is not a polygon: feature not loaded"
                )
            )
            continue
        geoms[i] = shapely.MultiPolygon(polys)
    units = pd.DataFrame(
        {
            "unit_id": np.array(ids, dtype=object)[keep],
            "name": (
                frame[name_col].astype(object).to_numpy()[keep]
                if name_col
                else np.array(ids, dtype=object)[keep]
            ),
            "territory_id": (
                [
                    None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                    for v in frame[terr_col].to_numpy()[keep]
                ]
                if terr_col
                else None
            ),
            "locked": False,
        }
    )
    for c in columns:
        if c not in (id_col, name_col, terr_col) and c not in units.columns:
            units[c] = frame[c].to_numpy()[keep]
    report.rows_loaded = int(keep.sum())
    gdf = gpd.GeoDataFrame(units, geometry=gpd.GeoSeries(geoms[keep], crs=WGS84), crs=WGS84)
    return UnitsResult(gdf, report)


def import_reps(path: str | Path) -> tuple[pd.DataFrame, ImportReport]:
    """Read reps from CSV or XLSX: id, name, capacity hours, and home coordinates or ZIP.

    Raises
    ------
    InputFileError
        When the file cannot be read or has no rep id column.
    """
    raw = read_table(path)
    cols = raw.columns
    rep_col = _find(cols, ("rep_id", "rep id", "id", "rep", "employee id"))
    if rep_col is None:
        raise InputFileError(f"{raw.file}: no rep id column (looked for rep_id, rep id, id, rep)")
    name_col = _find(cols, ("name", "rep name", "full name"))
    cap_col = _find(cols, ("capacity_hours", "capacity hours", "capacity", "hours"))
    lat_col = _find(cols, ("lat", "latitude", "home_lat", "home lat"))
    lon_col = _find(cols, ("lon", "lng", "longitude", "home_lon", "home lon"))
    zip_col = _find(cols, ("zip", "home zip", "home_zip", "postcode"))
    terr_col = _find(cols, ("territory_id", "territory"))
    frame = raw.frame()
    report = ImportReport(raw.file, rows_read=len(frame))
    n = len(frame)
    lat = (
        np.array([parse_number(v) for v in frame[lat_col]], dtype=float)
        if lat_col
        else np.full(n, np.nan)
    )
    lon = (
        np.array([parse_number(v) for v in frame[lon_col]], dtype=float)
        if lon_col
        else np.full(n, np.nan)
    )
    if zip_col:
        zlon, zlat, _ = zip_centroids(frame[zip_col])
        missing = ~(np.isfinite(lat) & np.isfinite(lon))
        lon = np.where(missing, zlon, lon)
        lat = np.where(missing, zlat, lat)
    for i in np.flatnonzero(~(np.isfinite(lat) & np.isfinite(lon))).tolist():
        report.unplaced.append(
            Issue(raw.file, raw.row_numbers[i], lat_col or zip_col or "", "no home location")
        )
    capacity = (
        np.array([parse_number(v) for v in frame[cap_col]], dtype=float)
        if cap_col
        else np.full(n, 1600.0)
    )
    reps = pd.DataFrame(
        {
            "rep_id": [str(v).strip() for v in frame[rep_col]],
            "name": [str(v).strip() for v in frame[name_col]]
            if name_col
            else [str(v) for v in frame[rep_col]],
            "capacity_hours": np.where(np.isfinite(capacity), capacity, 1600.0),
            "lon": lon,
            "lat": lat,
        }
    )
    if terr_col:
        reps["territory_id"] = [str(v).strip() or None for v in frame[terr_col]]
    report.rows_loaded = n
    return reps, report
