"""Qt-free geometry of map edits: lassos, brushes and the items they enclose.

Tools in ``planner.ui.tools`` collect screen gestures and call these functions with
lon/lat coordinates, so every rule here is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

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


def accounts_inside(plan: Plan, polygon: shapely.Geometry) -> np.ndarray:
    """Indices of placed accounts inside ``polygon`` (bounding-box prefilter, then exact)."""
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    x0, y0, x1, y1 = shapely.bounds(polygon).tolist()
    candidates = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    if len(candidates) == 0:
        return candidates
    shapely.prepare(polygon)
    inside = shapely.contains_xy(polygon, lon[candidates], lat[candidates])
    return candidates[inside]


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
) -> tuple[object, int]:
    """The change a lasso makes, and how many enclosed items locks or pins held back.

    ``scope`` is ``"units"``, ``"accounts"`` or ``"both"`` (units with their accounts,
    plus accounts outside any enclosed unit).
    """
    from planner.models.assignment import Change

    requested = 0
    unit_idx = units_inside(plan, polygon) if scope in ("units", "both") else np.empty(0, np.int64)
    change = Change()
    if len(unit_idx):
        change = plan.propose_unit_move(unit_idx, territory)
        requested += len(unit_idx)
    if scope in ("accounts", "both"):
        acc = accounts_inside(plan, polygon)
        requested += len(acc)
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
    held = 0
    if scope in ("units", "both"):
        held += int(
            len(unit_idx)
            - len(change.unit_indices)
            - np.sum(plan.unit_territory[unit_idx] == territory)
        )
    return change, max(held, 0)
