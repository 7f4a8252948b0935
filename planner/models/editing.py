"""Qt-free geometry of map edits: lassos, brushes and the items they enclose.

Tools in ``planner.ui.tools`` collect screen gestures and call these functions with
lon/lat coordinates, so every rule here is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from planner.models.assignment import Change
from planner.models.geo import haversine_km
from planner.models.plan import Plan


class GestureError(ValueError):
    """A gesture that cannot be used (too few points, no area); the message says why."""


@dataclass(frozen=True)
class Lasso:
    """A valid lasso polygon and whether it had to be repaired."""

    polygon: shapely.Geometry
    repaired: bool


def lasso_polygon(lon: np.ndarray, lat: np.ndarray) -> Lasso:
    """A valid polygon from a freehand path (closed automatically).

    A self-crossing path is repaired with ``make_valid`` and keeps every enclosed
    part.

    Raises
    ------
    GestureError
        With fewer than three distinct points or no enclosed area.
    """
    xy = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(np.unique(xy, axis=0)) < 3:
        raise GestureError("a lasso needs at least three points")
    ring = np.vstack([xy, xy[:1]])
    polygon: shapely.Geometry = shapely.Polygon(ring)
    repaired = False
    if not shapely.is_valid(polygon):
        repaired = True
        fixed = shapely.make_valid(polygon)
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon" and p.area > 0]
        polygon = (
            shapely.MultiPolygon(parts)
            if len(parts) > 1
            else (parts[0] if parts else shapely.Polygon())
        )
    if shapely.is_empty(polygon) or shapely.area(polygon) <= 0:
        raise GestureError("the lasso encloses no area")
    return Lasso(polygon, repaired)


def account_points(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Accounts' lon, lat, their order by latitude and the sorted latitudes (cached).

    Accounts do not move once a plan is built, so the order is made once per plan: a
    bounding-box query then reads one band of latitudes instead of comparing every
    account four times (a million accounts on every move of a lasso).
    """
    cached = getattr(plan, "_account_points", None)
    if cached is None or len(cached[0]) != plan.n_accounts:
        lon = plan.accounts["lon"].to_numpy(dtype=float)
        lat = plan.accounts["lat"].to_numpy(dtype=float)
        order = np.argsort(lat, kind="stable")  # NaN (unplaced) last
        cached = (lon, lat, order, lat[order])
        plan._account_points = cached  # type: ignore[attr-defined]
    return cached


def accounts_inside(plan: Plan, polygon: shapely.Geometry) -> np.ndarray:
    """Indices of placed accounts inside ``polygon``, ascending (bounding box, then exact)."""
    lon, lat, order, sorted_lat = account_points(plan)
    x0, y0, x1, y1 = shapely.bounds(polygon).tolist()
    band = order[
        np.searchsorted(sorted_lat, y0, side="left") : np.searchsorted(sorted_lat, y1, side="right")
    ]
    candidates = band[(lon[band] >= x0) & (lon[band] <= x1)]
    if len(candidates) == 0:
        return candidates.astype(np.int64)
    shapely.prepare(polygon)
    inside = candidates[shapely.contains_xy(polygon, lon[candidates], lat[candidates])]
    # Ascending, as callers expect, by a mask rather than a sort of up to 200,000 indices.
    if len(inside) * 20 < plan.n_accounts:
        return np.sort(inside).astype(np.int64)
    mask = np.zeros(plan.n_accounts, dtype=bool)
    mask[inside] = True
    return np.flatnonzero(mask)


def unit_centroids(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Representative points of the units (cached on the plan; always inside the unit)."""
    cached = getattr(plan, "_unit_points", None)
    if cached is None or len(cached[0]) != plan.n_units:
        pts = shapely.point_on_surface(plan.units.geometry.to_numpy())
        cached = (shapely.get_x(pts), shapely.get_y(pts))
        plan._unit_points = cached  # type: ignore[attr-defined]
    return cached


def units_inside(plan: Plan, polygon: shapely.Geometry) -> np.ndarray:
    """Indices of units whose representative point lies inside ``polygon``."""
    if plan.n_units == 0:
        return np.empty(0, dtype=np.int64)
    x, y = unit_centroids(plan)
    x0, y0, x1, y1 = shapely.bounds(polygon).tolist()
    candidates = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    if len(candidates) == 0:
        return candidates
    shapely.prepare(polygon)
    return candidates[shapely.contains_xy(polygon, x[candidates], y[candidates])]


def units_in_circle(plan: Plan, lon: float, lat: float, radius_km: float) -> np.ndarray:
    """Indices of units whose representative point is within ``radius_km`` of a point."""
    if plan.n_units == 0:
        return np.empty(0, dtype=np.int64)
    x, y = unit_centroids(plan)
    return np.flatnonzero(haversine_km(x, y, lon, lat) <= radius_km)


def lasso_change(
    plan: Plan, polygon: shapely.Geometry, territory: int, scope: str
) -> tuple[Change, int]:
    """The change a lasso makes, and how many enclosed items locks or pins held back.

    Parameters
    ----------
    plan : Plan
    polygon : shapely.Geometry
        The lasso, in lon/lat.
    territory : int
        Target territory index (``-1`` = Unassigned).
    scope : {"units", "accounts", "both"}
        ``"both"`` is units with their accounts, plus accounts outside any enclosed unit.

    Returns
    -------
    change : Change
    held : int
        Enclosed units the plan's lock rule holds, plus enclosed accounts (inside the moving
        units, or inside the lasso in an account scope) its lock and pin rule holds; items
        already in ``territory`` are not counted, since nothing held them back.

    Raises
    ------
    LockedError
        If the target territory is locked.
    """
    none = np.empty(0, np.int64)
    unit_idx = units_inside(plan, polygon) if scope in ("units", "both") else none
    change = plan.propose_unit_move(unit_idx, territory) if len(unit_idx) else Change()
    held_units = plan.held_units(unit_idx)
    asked = none
    if len(unit_idx):
        moving = np.zeros(plan.n_units + 1, dtype=bool)
        moving[unit_idx[~held_units]] = True
        asked = np.flatnonzero(moving[plan.account_unit])  # -1 hits the spare False slot
    if scope in ("accounts", "both"):
        acc = accounts_inside(plan, polygon)
        if len(asked):
            # A mask, not np.union1d: sorting 200,000 indices cost 40 ms at 1M accounts.
            either = np.zeros(plan.n_accounts, dtype=bool)
            either[asked] = True
            either[acc] = True
            asked = np.flatnonzero(either)
        else:
            asked = acc
        if len(change.account_indices):
            taken = np.zeros(plan.n_accounts, dtype=bool)
            taken[change.account_indices] = True
            acc = acc[~taken[acc]]
        extra = plan.propose_account_move(acc, territory)
        if len(extra.account_indices):
            change = Change(
                np.concatenate([change.account_indices, extra.account_indices]),
                np.concatenate([change.account_before, extra.account_before]),
                np.concatenate([change.account_after, extra.account_after]),
                change.unit_indices,
                change.unit_before,
                change.unit_after,
            )
    elsewhere_u = plan.unit_territory[unit_idx] != territory
    elsewhere_a = plan.account_territory[asked] != territory
    held = int(np.count_nonzero(held_units & elsewhere_u))
    held += int(np.count_nonzero(plan.held_accounts(asked) & elsewhere_a))
    return change, held


def boundary_change(
    plan: Plan, territory: int, old: shapely.Geometry | None, new: shapely.Geometry
) -> Change:
    """The account moves when a drawn territory's shape changes from ``old`` to ``new``.

    Accounts now inside ``new`` join the territory; its accounts no longer inside go
    to Unassigned (a gap the planner sees in the problems list). Locked and pinned
    accounts stay.
    """
    from planner.models.assignment import UNASSIGNED

    shapes = [g for g in (old, new) if g is not None]
    x0, y0, x1, y1 = shapely.total_bounds(shapes).tolist()
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    shapely.prepare(new)
    in_new = shapely.contains_xy(new, lon[cand], lat[cand])
    current = plan.account_territory[cand]
    joining = cand[in_new & (current != territory)]
    leaving = cand[~in_new & (current == territory)]
    join = plan.propose_account_move(joining, territory)
    leave = plan.propose_account_move(leaving, UNASSIGNED)
    idx = np.concatenate([join.account_indices, leave.account_indices])
    order = np.argsort(idx, kind="stable")
    return Change(
        idx[order],
        np.concatenate([join.account_before, leave.account_before])[order],
        np.concatenate([join.account_after, leave.account_after])[order],
    )


def move_vertex(
    geometry: shapely.Geometry, part: int, vertex: int, lon: float, lat: float
) -> shapely.Geometry:
    """The geometry with one exterior-ring vertex of one polygon part moved (kept valid)."""
    return _edit_ring(geometry, part, lambda ring: _set(ring, vertex, (lon, lat)))


def insert_vertex(
    geometry: shapely.Geometry, part: int, after: int, lon: float, lat: float
) -> shapely.Geometry:
    """The geometry with a vertex inserted after ring position ``after``."""
    return _edit_ring(geometry, part, lambda ring: np.insert(ring, after + 1, (lon, lat), axis=0))


def delete_vertex(geometry: shapely.Geometry, part: int, vertex: int) -> shapely.Geometry:
    """The geometry without one vertex.

    Raises
    ------
    GestureError
        When the ring would have fewer than three corners.
    """

    def drop(ring: np.ndarray) -> np.ndarray:
        if len(ring) <= 3:
            raise GestureError("a polygon needs at least three corners")
        return np.delete(ring, vertex, axis=0)

    return _edit_ring(geometry, part, drop)


def _set(ring: np.ndarray, vertex: int, xy: tuple[float, float]) -> np.ndarray:
    ring = ring.copy()
    ring[vertex] = xy
    return ring


def _edit_ring(geometry: shapely.Geometry, part: int, edit: object) -> shapely.Geometry:
    parts = list(shapely.get_parts(geometry))
    polygon = parts[part]
    ring = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(polygon)))[:-1]
    ring = edit(ring)  # type: ignore[operator]
    holes = [
        shapely.get_coordinates(shapely.get_interior_ring(polygon, h))
        for h in range(shapely.get_num_interior_rings(polygon))
    ]
    new_polygon = shapely.Polygon(np.vstack([ring, ring[:1]]), holes)
    if not shapely.is_valid(new_polygon):
        fixed = shapely.make_valid(new_polygon)
        pieces = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
        new_polygon = max(pieces, key=lambda p: p.area) if pieces else polygon
    parts[part] = new_polygon
    return shapely.MultiPolygon(parts)


def ring_vertices(geometry: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exterior-ring vertices of every polygon part: lon/lat (n, 2), part index, vertex index."""
    coords, parts, verts = [], [], []
    for p, polygon in enumerate(shapely.get_parts(geometry)):
        ring = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(polygon)))[:-1]
        coords.append(ring)
        parts.append(np.full(len(ring), p))
        verts.append(np.arange(len(ring)))
    if not coords:
        return np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int)
    return np.vstack(coords), np.concatenate(parts), np.concatenate(verts)


def split_units(
    plan: Plan, territory: int, line_lon: np.ndarray, line_lat: np.ndarray
) -> np.ndarray:
    """Units of a territory on the left of a drawn line (by their representative points).

    The line is extended far beyond its ends, so it cuts the territory in two; the
    side is the sign of the cross product with the nearest line segment.

    Raises
    ------
    GestureError
        When the line has fewer than two points or leaves one side empty.
    """
    pts = np.column_stack([line_lon, line_lat])
    if len(np.unique(pts, axis=0)) < 2:
        raise GestureError("a split line needs two points")
    members = np.flatnonzero(plan.unit_territory == territory)
    x, y = unit_centroids(plan)
    line = shapely.LineString(pts)
    dists = shapely.line_locate_point(line, shapely.points(x[members], y[members]))
    # Side of each unit against the segment at its nearest position along the line.
    seg_starts = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    seg = np.clip(np.searchsorted(seg_starts, dists, side="right") - 1, 0, len(pts) - 2)
    ax, ay = pts[seg, 0], pts[seg, 1]
    bx, by = pts[seg + 1, 0], pts[seg + 1, 1]
    cross = (bx - ax) * (y[members] - ay) - (by - ay) * (x[members] - ax)
    left = members[cross > 0]
    if len(left) == 0 or len(left) == len(members):
        raise GestureError("the line does not cut the territory in two")
    return left
