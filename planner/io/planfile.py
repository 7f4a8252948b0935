"""The plan file: a GeoPackage with one feature table per layer and plain tables for the rest.

Layers (``accounts``, ``units``, ``territories``, ``reps`` and, once planned,
``routes`` and ``route_stops``) are ordinary GeoPackage feature tables in WGS84
(EPSG:4326) that QGIS or ArcGIS open as they are. Settings, scenarios and the
change log are attribute tables registered in ``gpkg_contents``.

Saving writes a complete new file beside the target and renames it over the old
one (``os.replace``), so a crash mid-save never damages the last good file.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io.layer_styles import LAYER_STYLES_TABLE, write_layer_styles
from planner.models.geo import WGS84
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.models.settings import Settings

FORMAT_VERSION = 1
SPATIAL_LAYERS = ("accounts", "units", "territories", "reps")
META_TABLE = "planner_meta"
SETTINGS_TABLE = "settings"
#: Routed hours per territory and the membership fingerprint (16 hex digits) of the
#: accounts they were routed for, so travel routed before an edit stays an estimate after
#: save and open (see :mod:`planner.models.balance`).
ROUTED_TRAVEL_TABLE = "routed_travel"


class PlanFileError(Exception):
    """A plan file could not be read; the message names the file and what is wrong."""


def _accounts_layer(plan: Plan) -> gpd.GeoDataFrame:
    frame = plan.accounts_frame()
    lon = frame.pop("lon").to_numpy(dtype=float)
    lat = frame.pop("lat").to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    geometry = np.full(len(frame), None, dtype=object)
    geometry[placed] = shapely.points(lon[placed], lat[placed])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def _territories_layer(plan: Plan) -> gpd.GeoDataFrame:
    t = plan.territories.copy()
    geoms = [_as_multipolygon(plan.territory_geometry(i)) for i in range(plan.n_territories)]
    return gpd.GeoDataFrame(
        pd.DataFrame(t.drop(columns=t.geometry.name)),
        geometry=gpd.GeoSeries(geoms, crs=WGS84),
        crs=WGS84,
    )


def _as_multipolygon(geom: shapely.Geometry | None) -> shapely.MultiPolygon | None:
    if geom is None or shapely.is_empty(geom):
        return None
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(polys) if polys else None


def _units_layer(plan: Plan) -> gpd.GeoDataFrame:
    units = plan.units_frame()
    geoms = [_as_multipolygon(g) for g in units.geometry]
    return units.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))


def _reps_layer(plan: Plan) -> gpd.GeoDataFrame:
    r = plan.reps.copy()
    lon = r.pop("lon").to_numpy(dtype=float)
    lat = r.pop("lat").to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    geometry = np.full(len(r), None, dtype=object)
    geometry[placed] = shapely.points(lon[placed], lat[placed])
    return gpd.GeoDataFrame(r, geometry=gpd.GeoSeries(geometry, crs=WGS84), crs=WGS84)


def _write_layer(frame: gpd.GeoDataFrame, path: Path, layer: str, geometry_type: str) -> None:
    import pyogrio

    frame = frame.copy()
    # Object columns holding only str/None are written as text; others as given.
    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        promote_to_multi=geometry_type.startswith("Multi"),
        spatial_index=True,
    )


def _write_table(con: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    """Write a plain attribute table and register it in gpkg_contents."""
    frame.to_sql(name, con, index=False, if_exists="replace")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (name,))
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
        (name, name),
    )


def _routed_travel_table(plan: Plan) -> pd.DataFrame | None:
    """The engine's routed hours and fingerprints, by territory id (None without routes)."""
    hours, fingerprints = plan.engine.routed_state()
    routed = np.isfinite(hours)
    if not routed.any():
        return None
    ids = np.asarray(plan.territory_ids, dtype=object)
    return pd.DataFrame(
        {
            "territory_id": ids[routed],
            "hours": hours[routed],
            "fingerprint": [f"{int(f):016x}" for f in fingerprints[routed]],
        }
    )


def _restore_routed_fingerprints(plan: Plan, table: pd.DataFrame | None) -> None:
    """Give routed territories the fingerprints they were saved with.

    Without the table (older files) routes count as planned for today's accounts.
    Unreadable rows are skipped: their territories keep that assumption.
    """
    if table is None or not {"territory_id", "fingerprint"} <= set(table.columns):
        return
    hours, fingerprints = plan.engine.routed_state()
    for tid, text in zip(table["territory_id"], table["fingerprint"], strict=True):
        t = plan.territory_index.get(str(tid))
        if t is None or not np.isfinite(hours[t]):
            continue
        try:
            fingerprints[t] = np.uint64(int(str(text), 16))
        except (TypeError, ValueError, OverflowError):
            continue
    plan.engine.set_routed_travel(hours, fingerprints)


def save_plan(plan: Plan, path: str | os.PathLike[str], state: TaskState | None = None) -> None:
    """Save ``plan`` to ``path`` atomically.

    Parameters
    ----------
    plan : Plan
    path : path-like
        Target ``.gpkg``; an existing file is replaced only once the new one is complete.
    state : TaskState, optional
        Progress reporting.
    """
    state = state or TaskState()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=".partial.gpkg", dir=target.parent
    )
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        steps = [
            ("accounts", lambda: _accounts_layer(plan), "Point"),
            ("units", lambda: _units_layer(plan), "MultiPolygon"),
            ("territories", lambda: _territories_layer(plan), "MultiPolygon"),
            ("reps", lambda: _reps_layer(plan), "Point"),
        ]
        for i, (layer, build, gtype) in enumerate(steps):
            state.report(i / (len(steps) + 2), f"Writing {layer}")
            _write_layer(build(), tmp, layer, gtype)
        for layer, frame in plan.layers.items():
            gtype = _geometry_type(frame)
            _write_layer(frame, tmp, layer, gtype)
        state.report(len(steps) / (len(steps) + 2), "Writing settings and tables")
        with contextlib.closing(sqlite3.connect(tmp)) as con:
            meta = pd.DataFrame(
                {
                    "key": ["format_version", "plan_name", "extra_layers"],
                    "value": [str(FORMAT_VERSION), plan.name, json.dumps(sorted(plan.layers))],
                }
            )
            _write_table(con, META_TABLE, meta)
            _write_table(
                con,
                SETTINGS_TABLE,
                pd.DataFrame({"key": ["settings"], "value": [plan.settings.to_json()]}),
            )
            for name, frame in plan.tables.items():
                if name != ROUTED_TRAVEL_TABLE:
                    _write_table(con, name, frame)
            routed = _routed_travel_table(plan)
            if routed is not None:
                _write_table(con, ROUTED_TRAVEL_TABLE, routed)
            write_layer_styles(con, plan, keep_from=target)
            con.commit()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        state.report(1.0, "Saved")
    finally:
        if tmp.exists():
            tmp.unlink()


def _geometry_type(frame: gpd.GeoDataFrame) -> str:
    types = {t for t in frame.geometry.geom_type.dropna().unique()}
    if not types:
        return "Unknown"
    if len(types) == 1:
        return types.pop()
    if types <= {"Polygon", "MultiPolygon"}:
        return "MultiPolygon"
    if types <= {"LineString", "MultiLineString"}:
        return "MultiLineString"
    return "Unknown"


def _read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    elif not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    return frame


def _point_columns(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    geom = frame.geometry
    out = pd.DataFrame(frame.drop(columns=geom.name))
    missing = geom.isna() | geom.is_empty
    out["lon"] = np.where(missing, np.nan, geom.x.where(~missing))
    out["lat"] = np.where(missing, np.nan, geom.y.where(~missing))
    return out


def open_plan(path: str | os.PathLike[str], state: TaskState | None = None) -> Plan:
    """Open a plan file.

    Raises
    ------
    PlanFileError
        When the file is missing, not a GeoPackage, or lacks a required layer.
    """
    import pyogrio

    state = state or TaskState()
    source = Path(path)
    if not source.exists():
        raise PlanFileError(f"{source}: no such file")
    try:
        listed = pyogrio.list_layers(source)
    except Exception as exc:  # GDAL raises several types for a corrupt file
        raise PlanFileError(f"{source}: not a readable GeoPackage ({exc})") from exc
    names = {str(row[0]) for row in listed}
    missing = [layer for layer in ("accounts",) if layer not in names]
    if missing:
        raise PlanFileError(f"{source}: no '{missing[0]}' layer; is this a Territory Planner plan?")

    state.report(0.05, "Reading accounts")
    accounts = _point_columns(_read_layer(source, "accounts"))
    state.report(0.45, "Reading units")
    units = _read_layer(source, "units") if "units" in names else None
    territories = _read_layer(source, "territories") if "territories" in names else None
    reps = _point_columns(_read_layer(source, "reps")) if "reps" in names else None

    settings = Settings()
    name = source.stem
    extra_layer_names: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    with contextlib.closing(sqlite3.connect(source)) as con:
        contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        if META_TABLE in contents:
            meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
            name = meta.get("plan_name", name)
            extra_layer_names = json.loads(meta.get("extra_layers", "[]"))
        if SETTINGS_TABLE in contents:
            row = con.execute(
                f"SELECT value FROM {SETTINGS_TABLE} WHERE key = 'settings'"
            ).fetchone()
            if row:
                try:
                    settings = Settings.from_json(row[0])
                except (ValueError, TypeError) as exc:
                    raise PlanFileError(f"{source}: settings table is damaged ({exc})") from exc
        for table, kind in contents.items():
            if kind == "attributes" and table not in (
                META_TABLE,
                SETTINGS_TABLE,
                LAYER_STYLES_TABLE,
            ):
                tables[table] = pd.read_sql(f'SELECT * FROM "{table}"', con)
    layers = {
        layer: _read_layer(source, layer)
        for layer in extra_layer_names
        if layer in names and layer not in SPATIAL_LAYERS
    }
    routed_table = tables.pop(ROUTED_TRAVEL_TABLE, None)
    state.report(0.7, "Building the plan")
    if territories is not None:
        territories = territories.copy()
        drawn = (territories["geometry_source"] == "drawn").to_numpy()
        geoms = territories.geometry.to_numpy().copy()
        geoms[~drawn] = None
        territories = territories.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))
    plan = Plan(
        accounts, units, territories, reps, settings, name=name, tables=tables, layers=layers
    )
    if "routes" in layers:
        # Planned routes replace the travel estimate in the workload balance.
        from planner.optimise.visit_planning import routed_travel_from_layers

        routed_travel_from_layers(plan)
        _restore_routed_fingerprints(plan, routed_table)
    state.report(1.0, "Opened")
    return plan
