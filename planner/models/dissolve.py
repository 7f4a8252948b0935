"""The dissolve of units into a territory's shape, without sliver holes.

Unit polygons from real sources rarely meet exactly: the demo's ZIP areas are
clipped to state outlines and neighbours along a state border leave gaps a few
billionths of a degree wide. ``shapely.union_all`` keeps every such gap that is
enclosed by the territory as an interior ring, and any outline style then draws
it as a false border (the demo plan had 155 of them, about 305 km long).

:func:`dissolve_units` unions the units and then drops interior rings that are
thinner than :data:`SLIVER_WIDTH_DEG` on average (``2 × area / perimeter``),
unless the ring is a hole that one of the units itself has (a lake cut out of a
ZIP area stays a hole). Real holes, such as another territory's enclave, are
hundreds of metres wide and are kept.

Why not snap to a grid or buffer out and in: ``union_all(grid_size=...)`` costs
about twice the time and snapping leaves new slivers of its own (14 on the demo at
1e-7°), and ``buffer(eps).buffer(-eps)`` moves every vertex and can add spikes at
sharp corners. Dropping thin rings touches nothing else and costs almost nothing
beyond the union itself.

After an edit that moves a few units between territories, :func:`redissolve` updates a
territory's shape from its previous one instead of dissolving all its units again: the
units it gained are added, the ones it lost are cut out, and what the cut leaves of the
filled gaps between them (slivers thinner than the tolerance) is dropped. Adding and
cutting a tenth of a territory's units costs a fifth of a full dissolve (0.5 ms against
2.5–3.2 ms per territory on the benchmark plans) and gives the same shape within the
width of a gap between units (a test compares it with a full dissolve after random edits).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import shapely

#: Interior rings thinner than this on average (degrees; about 1 m north–south)
#: are gaps between units, not holes.
SLIVER_WIDTH_DEG = 1e-5


def ring_mean_width(ring: Any) -> float:
    """Mean width of a closed ring's area: ``2 × area / perimeter`` (0 when degenerate)."""
    length = float(shapely.length(ring))
    if length == 0.0:
        return 0.0
    return 2.0 * float(shapely.area(shapely.Polygon(ring))) / length


def _unit_holes(units: np.ndarray) -> Any:
    """The union of the units' own holes, or ``None`` when they have none (the usual case)."""
    parts = shapely.get_parts(units)
    if not len(parts):
        return None
    counts = shapely.get_num_interior_rings(parts)
    if not counts.any():
        return None
    holes = [
        shapely.Polygon(ring)
        for poly, n in zip(parts, counts, strict=True)
        if n > 0
        for ring in poly.interiors
    ]
    return shapely.union_all(holes)


#: The unit array last asked about and, per unit, whether it has holes of its own (few
#: do): finding them among a touched territory's thousands of units took a pass over their
#: parts on every edit (7 ms of a national lasso's 52).
_HOLED: list[tuple[weakref.ref[np.ndarray], np.ndarray]] = []


def holed_units(units: np.ndarray) -> np.ndarray:
    """Per unit of ``units`` (every unit of a plan), whether it has interior rings.

    Kept for the last array asked about (the plan's units, asked on every edit).
    """
    if _HOLED and _HOLED[0][0]() is units:
        return _HOLED[0][1]
    holed = np.zeros(len(units), dtype=bool)
    present = ~shapely.is_missing(units)
    if present.any():
        parts, index = shapely.get_parts(units[present], return_index=True)
        rings = shapely.get_num_interior_rings(parts)
        holed[np.flatnonzero(present)[index[rings > 0]]] = True
    _HOLED[:] = [(weakref.ref(units), holed)]
    return holed


def fill_sliver_holes(geometry: Any, keep: Any = None, width: float = SLIVER_WIDTH_DEG) -> Any:
    """Drop interior rings thinner than ``width`` from a (multi)polygon.

    Parameters
    ----------
    geometry : shapely geometry or None
        A Polygon or MultiPolygon (other geometries are returned as they are).
    keep : shapely geometry, optional
        Holes that must stay whatever their width (the units' own holes): a thin
        ring whose interior point lies in ``keep`` is kept.
    width : float, default :data:`SLIVER_WIDTH_DEG`
        Mean-width threshold in the geometry's units.

    Returns
    -------
    The geometry with sliver holes filled; the same object when there were none.
    """
    if width < 0:
        raise ValueError(f"width must be zero or more, got {width}")
    if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = list(shapely.get_parts(geometry))
    if not shapely.get_num_interior_rings(np.asarray(polygons, dtype=object)).any():
        return geometry
    changed = False
    rebuilt = []
    for poly in polygons:
        rings = list(poly.interiors)
        kept = [
            r
            for r in rings
            if ring_mean_width(r) >= width
            or (
                keep is not None
                and shapely.intersects(keep, shapely.point_on_surface(shapely.Polygon(r)))
            )
        ]
        if len(kept) != len(rings):
            changed = True
            poly = shapely.Polygon(poly.exterior, kept)
        rebuilt.append(poly)
    if not changed:
        return geometry
    if geometry.geom_type == "Polygon":
        return rebuilt[0]
    return shapely.MultiPolygon(rebuilt)


def drop_sliver_parts(geometry: Any, width: float = SLIVER_WIDTH_DEG) -> Any:
    """Drop polygons thinner than ``width`` on average from a (multi)polygon.

    What cutting units out of a dissolved shape leaves of the filled gaps between them.
    A unit is kilometres wide; a part a metre wide on average is never one.
    Returns the same object when nothing is dropped.
    """
    if geometry is None or geometry.geom_type != "MultiPolygon":
        return geometry
    parts = shapely.get_parts(geometry)
    length = shapely.length(shapely.get_exterior_ring(parts))
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_width = np.where(length > 0, 2.0 * shapely.area(parts) / length, 0.0)
    keep = mean_width >= width
    if keep.all():
        return geometry
    kept = parts[keep]
    if not len(kept):
        return shapely.MultiPolygon()
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(list(kept))


def _polygonal(shape: Any) -> Any:
    """The areas of an overlay's result (a cut can leave lines where units only touched)."""
    if shape is None or shape.geom_type in ("Polygon", "MultiPolygon"):
        return shape
    polygons = [p for p in shapely.get_parts(shape) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.MultiPolygon()


def _union(units: np.ndarray) -> Any:
    units = units[~shapely.is_missing(units)]
    return shapely.union_all(units) if len(units) else None


def redissolve(
    previous: dict[int, tuple[Any, np.ndarray]],
    members: dict[int, np.ndarray],
    units: np.ndarray,
    owner: np.ndarray,
    width: float = SLIVER_WIDTH_DEG,
) -> dict[int, Any]:
    """Territories' shapes after an edit, from their shapes before it.

    A lasso moves a few hundred units from a few territories into one. Dissolving the
    target again unions all its units; here each territory that lost units is cut
    (by the union of the units it lost, or, when it kept fewer than it lost, by the
    dissolve of the ones it kept: whichever is fewer units), and the piece cut out goes
    whole to the territory that gained those units. Overlays of two shapes cost in
    proportion to their outlines, so a territory gaining 200 units costs two overlays
    instead of a union of 200 polygons.

    Parameters
    ----------
    previous : dict
        Territory → (its shape before the edit, its units then); territories without an
        entry are dissolved from scratch.
    members : dict
        Territory → its units now (sorted indices into ``units``), for every territory to
        update: every territory that lost or gained units.
    units : ndarray of shapely geometries
        Every unit's geometry.
    owner : ndarray of int
        Every unit's territory now (-1: none).
    width : float
        As for :func:`dissolve_units`.

    Returns
    -------
    dict
        Territory → shape: the same as ``dissolve_units(units[members[t]])`` within the width
        of a gap between units (what the cut leaves of the filled gaps is dropped); ``None``
        for a territory with no units.
    """
    out: dict[int, Any] = {}
    # Where each moved unit was before (-1: in no territory updated here, or unknown).
    before_owner = np.full(len(units), -1, dtype=np.int64)
    for t, (_shape, was) in previous.items():
        if t in members:
            before_owner[was] = t
    # Which of a territory's units it kept, lost and gained are read from the owners before
    # and now (setdiff1d and intersect1d sort or table every pair: 80 calls, 10 ms a
    # national lasso). Members lists are sorted, and a mask keeps their order.
    was_owner = before_owner.copy()
    pieces: dict[int, list[Any]] = {t: [] for t in members}
    gained: dict[int, list[np.ndarray]] = {t: [] for t in members}
    base: dict[int, Any] = {}
    finished: set[int] = set()
    for t, now in members.items():
        prev = previous.get(t)
        if prev is None or prev[0] is None or shapely.is_empty(prev[0]):
            continue
        shape, was = prev
        stays = owner[was] == t
        removed = was[~stays]
        if not len(removed):
            base[t] = shape
            continue
        kept = was[stays]
        if len(kept) < len(removed):
            rest = _dissolve_some(units, kept, width) if len(kept) else None
            if len(kept) == len(now):
                finished.add(t)  # the dissolve of all its units now: nothing to add
            cut = shape if rest is None else _polygonal(shapely.difference(shape, rest))
            cut = drop_sliver_parts(cut, width)
        else:
            cut = _union(units[removed])
            rest = None if cut is None else _polygonal(shapely.difference(shape, cut))
            if rest is None:
                rest = shape
            elif shapely.is_empty(rest):
                rest = None
        base[t] = rest if rest is not None else shapely.MultiPolygon()
        # The piece goes whole to the one territory that took every unit of it.
        taken_by = np.unique(owner[removed])
        if len(taken_by) == 1 and int(taken_by[0]) in members and cut is not None:
            pieces[int(taken_by[0])].append(cut)
            before_owner[removed] = -2  # delivered as one piece
    for t, now in members.items():
        if t not in base:
            out[t] = _dissolve_some(units, now, width) if len(now) else None
            continue
        added = now[was_owner[now] != t]
        loose = added[before_owner[added] != -2]
        if len(loose):
            gained[t].append(loose)
        shape = base[t]
        if t in finished:
            out[t] = shape if len(now) else None
            continue
        extra = [*pieces[t], *(u for u in (_union(units[g]) for g in gained[t]) if u is not None)]
        if extra:
            shape = (
                shapely.union_all([shape, *extra])
                if not shapely.is_empty(shape)
                else (shapely.union_all(extra))
            )
        if not len(now):
            out[t] = None
            continue
        shape = drop_sliver_parts(_polygonal(shape), width)
        if shape is None or shapely.is_empty(shape):
            out[t] = _dissolve_some(units, now, width)
            continue
        if shape is previous[t][0]:
            out[t] = shape
            continue
        holed = now[holed_units(units)[now]]
        keep = _unit_holes(units[holed]) if len(holed) else None
        out[t] = fill_sliver_holes(shape, keep=keep, width=width)
    return out


def _dissolve_some(units: np.ndarray, idx: np.ndarray, width: float) -> Any:
    """``dissolve_units(units[idx])``, finding the units' own holes through
    :func:`holed_units` instead of a pass over every unit's parts."""
    merged = _union_present(units[idx])
    if merged is None or shapely.is_empty(merged):
        return merged
    holed = idx[holed_units(units)[idx]]
    keep = _unit_holes(units[holed]) if len(holed) else None
    return fill_sliver_holes(merged, keep=keep, width=width)


def dissolve_units(units: Any, width: float = SLIVER_WIDTH_DEG) -> Any:
    """The union of unit polygons with the sliver holes between them filled.

    Parameters
    ----------
    units : array-like of shapely geometries
        The member units' (multi)polygons; ``None`` entries are ignored.
    width : float, default :data:`SLIVER_WIDTH_DEG`
        Interior rings of the union thinner than this on average are filled,
        unless they are holes of the units themselves.

    Returns
    -------
    Polygon, MultiPolygon or None
        ``None`` when there are no units.
    """
    geoms = np.asarray(units, dtype=object)
    merged = _union_present(geoms)
    if merged is None or shapely.is_empty(merged):
        return merged
    geoms = geoms[~shapely.is_missing(geoms)]
    return fill_sliver_holes(merged, keep=_unit_holes(geoms), width=width)


def _union_present(geoms: np.ndarray) -> Any:
    """The union of the geometries that are not missing; ``None`` when none is."""
    geoms = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
    if not len(geoms):
        return None
    return shapely.union_all(geoms)


__all__ = [
    "SLIVER_WIDTH_DEG",
    "dissolve_units",
    "drop_sliver_parts",
    "fill_sliver_holes",
    "holed_units",
    "redissolve",
    "ring_mean_width",
]
