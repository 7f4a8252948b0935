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
import errno
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io.files import atomic_output, remove_stale_partials
from planner.io.layer_styles import LAYER_STYLES_TABLE, write_layer_styles
from planner.models.geo import WGS84
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.models.schema import NUMERIC_ACCOUNT_COLUMNS
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
    hours, fingerprints = plan.routed_state()
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
    hours, fingerprints = plan.routed_state()
    for tid, text in zip(table["territory_id"], table["fingerprint"], strict=True):
        t = plan.territory_index.get(str(tid))
        if t is None or not np.isfinite(hours[t]):
            continue
        try:
            fingerprints[t] = np.uint64(int(str(text), 16))
        except (TypeError, ValueError, OverflowError):
            continue
    plan.set_routed_travel(hours, fingerprints)


#: Column names GeoPackage layers reserve: the feature id and the geometry column.
RESERVED_COLUMNS = ("fid", "geom")
#: SQLite's default limit is 2,000 columns per table; a layer also holds fid and geom.
MAX_LAYER_COLUMNS = 1990


def _safe_columns(frame: pd.DataFrame, layer: str, target: Path, notes: list[str]) -> pd.DataFrame:
    """Columns a GeoPackage can hold: reserved and case-twin names renamed, NULs removed.

    Raises
    ------
    PlanFileError
        When the layer has more columns than a GeoPackage table holds.
    """
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns = [c for c in frame.columns if c != geometry]
    if len(columns) > MAX_LAYER_COLUMNS:
        raise PlanFileError(
            f"{target}: cannot save: the {layer} layer has {len(columns):,} columns; a "
            f"GeoPackage layer holds at most {MAX_LAYER_COLUMNS:,}. Remove imported columns "
            "you do not need and save again."
        )
    taken = {str(c).lower() for c in columns} | set(RESERVED_COLUMNS)
    seen: set[str] = set()
    renames: dict[object, str] = {}
    for col in columns:
        name = str(col).replace("\x00", "")
        key = name.lower()
        if key in RESERVED_COLUMNS or key in seen or not name or name != col:
            base = name or "column"
            k = 1
            while f"{base}_{k}".lower() in taken:
                k += 1
            new = f"{base}_{k}"
            taken.add(new.lower())
            renames[col] = new
            why = (
                "a name GeoPackage reserves"
                if key in RESERVED_COLUMNS
                else "a name differing only in case from another column"
                if key in seen
                else "a name with a NUL character"
            )
            notes.append(f"{layer}: column {col!r} saved as {new!r} ({why})")
            seen.add(new.lower())
        else:
            seen.add(key)
    if renames:
        frame = frame.rename(columns=renames)
    for col in frame.columns:
        if col == geometry or frame[col].dtype.kind not in "OSU":
            continue
        values = frame[col]
        has_nul = np.array([isinstance(v, str) and "\x00" in v for v in values], dtype=bool)
        if has_nul.any():
            rows = np.flatnonzero(has_nul)
            frame = frame.copy()
            frame[col] = [v.replace("\x00", "") if isinstance(v, str) else v for v in values]
            notes.append(
                f"{layer}.{col}: NUL characters removed from {len(rows):,} value(s) "
                f"(rows {_row_list(rows)}); a GeoPackage cannot store them"
            )
    return frame


def _row_list(rows: np.ndarray | list[int], limit: int = 5) -> str:
    shown = ", ".join(str(int(r) + 1) for r in list(rows)[:limit])
    return shown + (", …" if len(rows) > limit else "")


def save_plan(
    plan: Plan, path: str | os.PathLike[str], state: TaskState | None = None
) -> list[str]:
    """Save ``plan`` to ``path`` atomically.

    Parameters
    ----------
    plan : Plan
    path : path-like
        Target ``.gpkg``; an existing file is replaced only once the new one is complete,
        and keeps its permissions (a new file gets the user's umask).
    state : TaskState, optional
        Progress reporting.

    Returns
    -------
    list of str
        What was changed to fit the GeoPackage format: columns renamed because GeoPackage
        reserves their names (``fid``, ``geom``) or because two differ only in case, and NUL
        characters removed from text. Empty for an ordinary plan.

    Raises
    ------
    OutputError
        When the disk refuses the write (full, read-only, no permission); the previous file
        is unchanged and the message names ``path``.
    PlanFileError
        When the plan cannot be stored as a GeoPackage (too many columns in a layer).
    """
    import pyogrio.errors

    state = state or TaskState()
    target = Path(path)
    notes: list[str] = []
    steps = [
        ("accounts", lambda: _accounts_layer(plan), "Point"),
        ("units", lambda: _units_layer(plan), "MultiPolygon"),
        ("territories", lambda: _territories_layer(plan), "MultiPolygon"),
        ("reps", lambda: _reps_layer(plan), "Point"),
    ]
    # Check the layers before writing anything, so a plan that cannot be stored fails fast.
    built = [(layer, _safe_columns(build(), layer, target, notes), g) for layer, build, g in steps]
    extra = [
        (layer, _safe_columns(frame, layer, target, notes), _geometry_type(frame))
        for layer, frame in plan.layers.items()
    ]
    with atomic_output(target) as tmp:
        layer = ""
        try:
            for i, (layer, frame, gtype) in enumerate(built):
                state.report(i / (len(steps) + 2), f"Writing {layer}")
                _write_layer(frame, tmp, layer, gtype)
            for layer, frame, gtype in extra:
                _write_layer(frame, tmp, layer, gtype)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            text = str(exc).replace(str(tmp), str(target)).replace(tmp.name, target.name)
            if "full" in text.lower() or "no space" in text.lower():
                raise OSError(errno.ENOSPC, text) from exc
            # GDAL's message names the temporary file; the user knows only theirs.
            raise PlanFileError(
                f"{target}: cannot save the '{layer}' layer ({_short(text)}); "
                "the previous file is unchanged"
            ) from exc
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
    state.report(1.0, "Saved")
    return notes


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


def _read_layer(
    path: Path, layer: str, geometry_types: frozenset[str] | None = None
) -> gpd.GeoDataFrame:
    """Read one layer; a damaged layer or wrong geometry type is a :class:`PlanFileError`."""
    import pyogrio

    try:
        # Indexed by feature id, so problems found in SQL map back to rows.
        frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True, fid_as_index=True)
        if frame.crs is None:
            frame = frame.set_crs(WGS84)
        elif not frame.crs.equals(WGS84):
            frame = frame.to_crs(WGS84)
    except Exception as exc:  # GDAL, Arrow and pyproj raise many types for damaged data
        raise PlanFileError(f"{path}: the '{layer}' layer cannot be read ({_short(exc)})") from exc
    if geometry_types is not None:
        kinds = set(frame.geometry.geom_type.dropna().unique())
        wrong = sorted(kinds - geometry_types)
        if wrong:
            raise PlanFileError(
                f"{path}: the '{layer}' layer holds {', '.join(wrong)} geometries; a plan's "
                f"{layer} are {' or '.join(sorted(geometry_types))} features"
            )
    return frame


def _short(exc: BaseException | str, limit: int = 300) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _point_columns(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    geom = frame.geometry
    out = pd.DataFrame(frame.drop(columns=geom.name))
    missing = (geom.isna() | geom.is_empty).to_numpy()
    x = np.full(len(frame), np.nan)
    y = np.full(len(frame), np.nan)
    if (~missing).any():
        placed = geom.to_numpy()[~missing]
        x[~missing] = shapely.get_x(placed)
        y[~missing] = shapely.get_y(placed)
    out["lon"] = x
    out["lat"] = y
    return out


# -- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanProblem:
    """One inconsistency found in a plan file, and what the planner does about it.

    Attributes
    ----------
    layer, column : str
        Where it is (``accounts``, ``account_id``).
    kind : str
        ``"missing_id"``, ``"duplicate_id"``, ``"dangling_reference"``, ``"wrong_type"``,
        ``"out_of_range"``, ``"damaged_geometry"``.
    rows : tuple of int
        0-based positions of the affected features in the layer (shown 1-based).
    values : tuple of str
        The offending values (a few), for the message.
    shown_as : str
        How the opened plan holds these rows (what a read-only view shows).
    repair : str
        What saving the plan writes instead (what ``--repair`` accepts); empty when the
        values are kept exactly as they are, such as a baseline pointing nowhere.
    """

    layer: str
    column: str
    kind: str
    rows: tuple[int, ...]
    values: tuple[str, ...]
    shown_as: str
    repair: str = ""

    @property
    def rewrites(self) -> bool:
        """Whether saving the opened plan writes something else than the file holds."""
        return bool(self.repair)

    def describe(self) -> str:
        """One line: where, what, how many, and what the planner does."""
        n = len(self.rows)
        one, many = {
            "missing_id": ("empty id", "empty ids"),
            "duplicate_id": ("duplicate id", "duplicate ids"),
            "dangling_reference": ("id pointing to no territory", "ids pointing to no territory"),
            "wrong_type": ("value of the wrong type", "values of the wrong type"),
            "out_of_range": ("value out of range", "values out of range"),
            "damaged_geometry": ("unreadable geometry", "unreadable geometries"),
        }.get(self.kind, (self.kind, self.kind))
        what = one if n == 1 else many
        values = ", ".join(repr(v) for v in self.values[:3]) + (
            ", …" if len(self.values) > 3 else ""
        )
        shown = f" ({values})" if values else ""
        return (
            f"{self.layer}.{self.column}: {n:,} {what}{shown} in row"
            f"{'s' if n != 1 else ''} {_row_list(list(self.rows))}: {self.shown_as}"
        )


@dataclass
class PlanValidation:
    """What :func:`read_plan` found wrong in a plan file (empty when nothing).

    The opened plan already holds every repair in memory (a read-only view shows exactly
    what a repaired save writes); saving it back is what must not happen silently: callers
    that write ask the user first (``--repair`` on the command line, a dialog in the app)
    and then call :func:`repair`.
    """

    path: Path
    problems: list[PlanProblem] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_repair(self) -> bool:
        """Whether saving the opened plan would change what the file holds."""
        return any(p.rewrites for p in self.problems) and not self.repaired

    def lines(self) -> list[str]:
        """One line per problem."""
        return [p.describe() for p in self.problems]

    def repairs(self) -> list[str]:
        """One line per repair a save writes."""
        return [f"{p.layer}.{p.column}: {p.repair}" for p in self.problems if p.rewrites]


@dataclass
class OpenedPlan:
    """A plan read from a file, with what was found wrong in it."""

    plan: Plan
    validation: PlanValidation


def repair(plan: Plan, validation: PlanValidation) -> list[str]:
    """Accept the repairs of ``validation`` for ``plan``; return one line per repair.

    The plan read by :func:`read_plan` already holds the repaired values (ids made unique,
    references to missing territories Unassigned, unreadable numbers empty); this marks
    them accepted so the plan may be saved. The baseline is never repaired: baseline
    territory ids pointing nowhere are kept as they are.
    """
    del plan  # the repairs are made on reading; kept in the signature for the callers' sake
    validation.repaired = True
    return validation.repairs()


def _id_problems(
    frame: pd.DataFrame, layer: str, column: str, problems: list[PlanProblem]
) -> pd.Series:
    """Make ``column`` unique non-empty text; report what had to change. Returns the ids."""
    raw = frame[column].reset_index(drop=True)
    ids = raw.map(_as_text, na_action="ignore").astype(object)
    ids = ids.where(raw.notna(), None)
    ids = ids.map(lambda v: v if isinstance(v, str) and v.strip() else None)
    taken = set(v for v in ids if v is not None)
    missing = np.flatnonzero(ids.isna().to_numpy())
    if len(missing):
        new = []
        for r in missing.tolist():
            candidate = f"{layer}-row-{r + 1}"
            while candidate in taken:
                candidate += "+"
            taken.add(candidate)
            ids.iloc[r] = candidate
            new.append(candidate)
        problems.append(
            PlanProblem(
                layer,
                column,
                "missing_id",
                tuple(missing.tolist()),
                (),
                f"given the id {new[0]!r}{' and similar' if len(new) > 1 else ''}",
                f"{len(new):,} empty id(s) saved as {new[0]!r}{', …' if len(new) > 1 else ''}",
            )
        )
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup)
        values = tuple(dict.fromkeys(str(ids.iloc[r]) for r in rows))
        first_new = ""
        for r in rows.tolist():
            base = str(ids.iloc[r])
            k = 2
            while f"{base} ({k})" in taken:
                k += 1
            ids.iloc[r] = f"{base} ({k})"
            taken.add(ids.iloc[r])
            first_new = first_new or ids.iloc[r]
        problems.append(
            PlanProblem(
                layer,
                column,
                "duplicate_id",
                tuple(rows.tolist()),
                values,
                f"the first keeps its id, the others are renamed (e.g. {first_new!r})",
                f"{len(rows):,} duplicate id(s) saved renamed (e.g. {first_new!r})",
            )
        )
    return ids


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _show(value: object) -> str:
    text = _as_text(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _reference_problems(
    frame: pd.DataFrame,
    layer: str,
    column: str,
    known: set[str],
    problems: list[PlanProblem],
    *,
    baseline: bool = False,
) -> None:
    if column not in frame:
        return
    raw = frame[column].reset_index(drop=True)
    text = raw.map(_as_text, na_action="ignore")
    dangling = (raw.notna() & ~text.isin(known)).to_numpy(dtype=bool)
    if not dangling.any():
        return
    rows = np.flatnonzero(dangling)
    values = tuple(dict.fromkeys(str(text.iloc[r]) for r in rows))
    # What a reader sees and what a save writes: the baseline is never repaired.
    outcome = (
        ("kept as it is (the baseline is never changed; these accounts count as moved)",)
        if baseline
        else ("shown as Unassigned", "saved as Unassigned")
    )
    problems.append(
        PlanProblem(layer, column, "dangling_reference", tuple(rows.tolist()), values, *outcome)
    )


#: Plausible range of each number column: beyond it a value is damage, not data (a
#: revenue of 1e308 or -1 visits a year would only break the balance and the optimiser).
NUMBER_LIMITS: dict[str, tuple[float, float]] = {
    "revenue": (-1e15, 1e15),
    "potential": (-1e15, 1e15),
    "visits_per_year": (0.0, 10_000.0),
    "visit_minutes": (0.0, 10_000.0),
    "quota": (-1e15, 1e15),
    "capacity_hours": (0.0, 8_784.0),
}


def _number_problems(
    frame: pd.DataFrame, layer: str, columns: tuple[str, ...], problems: list[PlanProblem]
) -> None:
    for column in columns:
        if column not in frame:
            continue
        raw = frame[column].reset_index(drop=True)
        if raw.dtype.kind in "biuf":
            numbers = pd.Series(raw.to_numpy(dtype=float))
        else:
            numbers = pd.to_numeric(raw.map(_number_or_none, na_action="ignore"), errors="coerce")
            bad = (raw.notna() & numbers.isna()).to_numpy(dtype=bool)
            if bad.any():
                rows = np.flatnonzero(bad)
                problems.append(
                    PlanProblem(
                        layer,
                        column,
                        "wrong_type",
                        tuple(rows.tolist()),
                        tuple(_show(raw.iloc[r]) for r in rows[:4]),
                        "read as empty",
                        "saved empty",
                    )
                )
        values = numbers.to_numpy(dtype=float).copy()
        low, high = NUMBER_LIMITS.get(column, (-np.inf, np.inf))
        with np.errstate(invalid="ignore"):
            outside = ~np.isnan(values) & ~((values >= low) & (values <= high))
        if outside.any():
            rows = np.flatnonzero(outside)
            problems.append(
                PlanProblem(
                    layer,
                    column,
                    "out_of_range",
                    tuple(rows.tolist()),
                    tuple(f"{values[r]:g}" for r in rows[:4]),
                    f"read as empty (allowed: {low:g} to {high:g})",
                    "saved empty",
                )
            )
            values[outside] = np.nan
        if len(frame):
            frame[column] = values


def _coordinate_problems(frame: pd.DataFrame, layer: str, problems: list[PlanProblem]) -> None:
    """Points outside WGS84's range (or infinite) are treated as unplaced."""
    lon = frame["lon"].to_numpy(dtype=float).copy()
    lat = frame["lat"].to_numpy(dtype=float).copy()
    with np.errstate(invalid="ignore"):
        placed = ~(np.isnan(lon) | np.isnan(lat))
        outside = placed & ~((np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if outside.any():
        rows = np.flatnonzero(outside)
        problems.append(
            PlanProblem(
                layer,
                "geometry",
                "out_of_range",
                tuple(rows.tolist()),
                tuple(f"{lon[r]:g} {lat[r]:g}" for r in rows[:4]),
                "shown unplaced (longitude -180 to 180, latitude -90 to 90)",
                "saved without a location",
            )
        )
        lon[outside] = np.nan
        lat[outside] = np.nan
        frame["lon"] = lon
        frame["lat"] = lat


def _number_or_none(value: object) -> object:
    if isinstance(value, (bytes, bool)):
        return None
    return value


def _storage_type_problems(
    con: sqlite3.Connection,
    layer: str,
    frame: pd.DataFrame,
    numeric: tuple[str, ...],
    problems: list[PlanProblem],
) -> None:
    """Values stored with another type than their column's (SQLite allows it; GDAL hides it).

    GDAL reads such a value as its column's type (text in a number column becomes 0), so
    the check asks SQLite itself and puts the value the planner uses into ``frame``
    (indexed by feature id): numbers that are not numbers become empty, ids text.
    """
    info = con.execute(f'PRAGMA table_info("{layer}")').fetchall()
    pk = next((str(row[1]) for row in info if row[5]), None)
    names = {str(row[1]) for row in info}
    if pk is None:
        return
    id_column = _ID_COLUMNS[layer]
    for column in (*numeric, id_column):
        if column not in names or column not in frame:
            continue
        allowed = ("integer", "real") if column in numeric else ("text",)
        found = con.execute(
            f'SELECT "{pk}", "{column}" FROM "{layer}" '
            f"WHERE typeof(\"{column}\") NOT IN ('null', ?, ?)",
            (allowed[0], allowed[-1]),
        ).fetchall()
        if column in numeric:
            found = [(fid, v) for fid, v in found if not _is_number_text(v)]
        if not found:
            continue
        where = frame.index.get_indexer(pd.Index([fid for fid, _ in found]))
        keep = where >= 0
        rows = tuple(sorted(where[keep].tolist()))
        values = tuple(_show(v) for (_, v), k in zip(found, keep, strict=True) if k)[:4]
        if not rows:
            continue
        if column in numeric:
            numbers = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float).copy()
            numbers[list(rows)] = np.nan
            frame[column] = numbers
            problems.append(
                PlanProblem(
                    layer, column, "wrong_type", rows, values, "read as empty", "saved empty"
                )
            )
        else:
            text = frame[column].astype(object).to_numpy().copy()
            for (_, value), row, k in zip(found, where, keep, strict=True):
                if k:
                    text[int(row)] = _as_text(value)
            frame[column] = text
            problems.append(
                PlanProblem(
                    layer, column, "wrong_type", rows, values, "read as text", "saved as text"
                )
            )


def _damaged_geometry_problems(
    con: sqlite3.Connection,
    layer: str,
    frame: pd.DataFrame,
    read: pd.Index,
    problems: list[PlanProblem],
) -> None:
    """Geometry blobs GDAL could not read (it returns none): reported, not silently lost."""
    row = con.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
    ).fetchone()
    info = con.execute(f'PRAGMA table_info("{layer}")').fetchall()
    pk = next((str(r[1]) for r in info if r[5]), None)
    if row is None or pk is None:
        return
    stored = [
        fid for (fid,) in con.execute(f'SELECT "{pk}" FROM "{layer}" WHERE "{row[0]}" IS NOT NULL')
    ]
    lost = pd.Index(stored).difference(read)
    if not len(lost):
        return
    where = frame.index.get_indexer(lost)
    rows = tuple(sorted(int(r) for r in where if r >= 0))
    if not rows:
        return
    points = layer in ("accounts", "reps")
    problems.append(
        PlanProblem(
            layer,
            "geometry",
            "damaged_geometry",
            rows,
            (),
            "shown unplaced" if points else "shown without a shape",
            "saved without a location" if points else "saved without a shape",
        )
    )


def _is_number_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return bool(np.isfinite(float(value)))
    except ValueError:
        return False


#: Id columns the planner cannot do without, per layer.
_ID_COLUMNS = {
    "accounts": "account_id",
    "units": "unit_id",
    "territories": "territory_id",
    "reps": "rep_id",
}
_POINT = frozenset({"Point"})
_POLYGONS = frozenset({"Polygon", "MultiPolygon"})


def _require(frame: pd.DataFrame, path: Path, layer: str) -> None:
    column = _ID_COLUMNS[layer]
    if column not in frame.columns:
        raise PlanFileError(
            f"{path}: the '{layer}' layer has no '{column}' column; is this a Territory "
            "Planner plan?"
        )


def validate_frames(
    path: Path,
    accounts: pd.DataFrame,
    units: pd.DataFrame | None,
    territories: pd.DataFrame | None,
    reps: pd.DataFrame | None,
    problems: list[PlanProblem] | None = None,
) -> PlanValidation:
    """Check ids, references and column types; fix the frames in place; report each fix.

    Parameters
    ----------
    problems : list of PlanProblem, optional
        Problems found before (in the file's storage types); the report starts with them.

    Raises
    ------
    PlanFileError
        When a layer lacks its id column.
    """
    problems = list(problems or [])
    _require(accounts, path, "accounts")
    if territories is not None:
        _require(territories, path, "territories")
        territories["territory_id"] = _id_problems(
            territories, "territories", "territory_id", problems
        ).to_numpy()
        _number_problems(territories, "territories", ("quota",), problems)
        known = set(territories["territory_id"])
    else:
        known = set()
    accounts["account_id"] = _id_problems(accounts, "accounts", "account_id", problems).to_numpy()
    _reference_problems(accounts, "accounts", "territory_id", known, problems)
    _reference_problems(
        accounts, "accounts", "baseline_territory_id", known, problems, baseline=True
    )
    _number_problems(accounts, "accounts", NUMERIC_ACCOUNT_COLUMNS, problems)
    _coordinate_problems(accounts, "accounts", problems)
    if units is not None:
        _require(units, path, "units")
        units["unit_id"] = _id_problems(units, "units", "unit_id", problems).to_numpy()
        _reference_problems(units, "units", "territory_id", known, problems)
    if reps is not None:
        _require(reps, path, "reps")
        reps["rep_id"] = _id_problems(reps, "reps", "rep_id", problems).to_numpy()
        _number_problems(reps, "reps", ("capacity_hours",), problems)
        _coordinate_problems(reps, "reps", problems)
    return PlanValidation(path, problems)


# -- opening ---------------------------------------------------------------------------------


def open_plan(path: str | os.PathLike[str], state: TaskState | None = None) -> Plan:
    """Open a plan file (see :func:`read_plan` for what was found wrong in it).

    Raises
    ------
    PlanFileError
        When the file is missing, not a GeoPackage, damaged, or lacks a required layer or
        column.
    """
    return read_plan(path, state).plan


def validate_plan_file(path: str | os.PathLike[str]) -> PlanValidation:
    """What is wrong in a plan file (ids, references, column types); empty when nothing.

    Raises
    ------
    PlanFileError
        When the file cannot be opened as a plan at all.
    """
    return read_plan(path).validation


def read_plan(path: str | os.PathLike[str], state: TaskState | None = None) -> OpenedPlan:
    """Open a plan file and check it.

    Duplicate or empty ids, territory ids pointing nowhere and values of the wrong type
    are not errors: the plan opens with each one repaired in memory and listed in the
    returned validation, so the caller can show it read-only or, once the user agrees,
    :func:`repair` it and save. The file itself is never changed here.

    Raises
    ------
    PlanFileError
        When the file is missing, not a GeoPackage, damaged, or lacks a required layer or
        column; the message names the file (and layer or column).
    """
    source = Path(path)
    if not source.exists():
        raise PlanFileError(f"{source}: no such file")
    if source.is_dir():
        raise PlanFileError(f"{source}: is a folder, not a plan file")
    remove_stale_partials(source.parent)
    try:
        return _read_plan(source, state or TaskState())
    except PlanFileError:
        raise
    except (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        # Damaged content that got past the checks above: name the file, never a traceback.
        raise PlanFileError(f"{source}: the plan file is damaged ({_short(exc)})") from exc
    except shapely.errors.ShapelyError as exc:
        raise PlanFileError(f"{source}: a geometry is damaged ({_short(exc)})") from exc


def _read_plan(source: Path, state: TaskState) -> OpenedPlan:
    import pyogrio

    with open(source, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise PlanFileError(f"{source}: not a GeoPackage (a plan file is an SQLite database)")
    try:
        listed = pyogrio.list_layers(source)
    except Exception as exc:  # GDAL raises several types for a corrupt file
        raise PlanFileError(f"{source}: not a readable GeoPackage ({_short(exc)})") from exc
    names = {str(row[0]) for row in listed}
    if "accounts" not in names:
        raise PlanFileError(f"{source}: no 'accounts' layer; is this a Territory Planner plan?")

    state.report(0.05, "Reading accounts")
    read_geometries: dict[str, pd.Index] = {}
    accounts_layer = _read_layer(source, "accounts", _POINT)
    read_geometries["accounts"] = accounts_layer.index[accounts_layer.geometry.notna()]
    accounts = _point_columns(accounts_layer)
    state.report(0.45, "Reading units")
    units = _read_layer(source, "units", _POLYGONS) if "units" in names else None
    territories = _read_layer(source, "territories", _POLYGONS) if "territories" in names else None
    reps = None
    if "reps" in names:
        reps_layer = _read_layer(source, "reps", _POINT)
        read_geometries["reps"] = reps_layer.index[reps_layer.geometry.notna()]
        reps = _point_columns(reps_layer)
    for layer, frame in (("units", units), ("territories", territories)):
        if frame is not None:
            read_geometries[layer] = frame.index[frame.geometry.notna()]

    settings = Settings()
    name = source.stem
    extra_layer_names: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    stored: list[PlanProblem] = []
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as con:
        contents = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        for layer, frame, numeric in (
            ("territories", territories, ("quota",)),
            ("accounts", accounts, NUMERIC_ACCOUNT_COLUMNS),
            ("units", units, ()),
            ("reps", reps, ("capacity_hours",)),
        ):
            if frame is not None:
                _require(frame, source, layer)
                _storage_type_problems(con, layer, frame, numeric, stored)
                _damaged_geometry_problems(con, layer, frame, read_geometries[layer], stored)
        if META_TABLE in contents:
            meta = {
                str(k): v for k, v in con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall()
            }
            name = str(meta.get("plan_name") or name)
            try:
                extra_layer_names = json.loads(str(meta.get("extra_layers", "[]")))
            except ValueError as exc:
                raise PlanFileError(
                    f"{source}: the {META_TABLE} table is damaged (extra_layers: {_short(exc)})"
                ) from exc
            if not isinstance(extra_layer_names, list):
                raise PlanFileError(
                    f"{source}: the {META_TABLE} table is damaged (extra_layers is not a list)"
                )
        if SETTINGS_TABLE in contents:
            row = con.execute(
                f"SELECT value FROM {SETTINGS_TABLE} WHERE key = 'settings'"
            ).fetchone()
            if row:
                try:
                    settings = Settings.from_json(str(row[0]))
                except (ValueError, TypeError, KeyError, AttributeError) as exc:
                    raise PlanFileError(
                        f"{source}: settings table is damaged ({_short(exc)})"
                    ) from exc
        for table, kind in contents.items():
            if kind == "attributes" and table not in (
                META_TABLE,
                SETTINGS_TABLE,
                LAYER_STYLES_TABLE,
            ):
                try:
                    tables[str(table)] = pd.read_sql(f'SELECT * FROM "{table}"', con)
                except (sqlite3.Error, pd.errors.DatabaseError) as exc:
                    raise PlanFileError(
                        f"{source}: the table '{table}' cannot be read ({_short(exc)})"
                    ) from exc
    layers = {
        str(layer): _read_layer(source, str(layer))
        for layer in extra_layer_names
        if str(layer) in names and str(layer) not in SPATIAL_LAYERS
    }
    routed_table = tables.pop(ROUTED_TRAVEL_TABLE, None)
    state.report(0.7, "Building the plan")
    validation = validate_frames(source, accounts, units, territories, reps, stored)
    if territories is not None:
        territories = territories.copy()
        if "geometry_source" in territories:
            drawn = (territories["geometry_source"] == "drawn").to_numpy(dtype=bool)
        else:
            drawn = np.zeros(len(territories), dtype=bool)
        geoms = territories.geometry.to_numpy().copy()
        geoms[~drawn] = None
        territories = territories.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))
    plan = Plan(
        accounts, units, territories, reps, settings, name=name, tables=tables, layers=layers
    )
    if "routes" in layers:
        # Planned routes replace the travel estimate in the workload balance.
        from planner.models.routes import routed_travel_from_layers

        routed_travel_from_layers(plan)
        _restore_routed_fingerprints(plan, routed_table)
    state.report(1.0, "Opened")
    return OpenedPlan(plan, validation)
