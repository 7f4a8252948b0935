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
"""

from __future__ import annotations

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
    geoms = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
    if not len(geoms):
        return None
    merged = shapely.union_all(geoms)
    if shapely.is_empty(merged):
        return merged
    return fill_sliver_holes(merged, keep=_unit_holes(geoms), width=width)


__all__ = ["SLIVER_WIDTH_DEG", "dissolve_units", "fill_sliver_holes", "ring_mean_width"]
