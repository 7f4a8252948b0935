"""Level of detail for the units layer: simplified geometry per zoom, one path per colour.

At national scale (33,000 ZIP areas in view) drawing one ``QPainterPath`` per unit costs
about 130 ms, nearly all of it Qt's per-call overhead, not filling. Far out, the map instead
draws one combined path per fill colour (a few hundred calls) from geometry simplified to
the zoom: each level's tolerance is a fraction of a pixel at the scales that use it, so the
simplification cannot be seen. See ``docs/canvas.md`` for the measurements.

* :class:`UnitLevels` keeps each unit's path elements (``QPainterPath``'s ``QDataStream``
  layout, Web Mercator metres) at full detail and, built on first use and cached, at coarser
  levels: coverage simplification, so neighbouring units keep their shared edges and the
  combined paths neither gap nor overlap.
* :meth:`UnitLevels.group_paths` builds the combined path of each colour group from those
  elements by one numpy gather per group and caches it per level; a recolour invalidates only
  the groups whose members changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, Qt
from PySide6.QtGui import QPainterPath

from planner.models.geo import web_mercator

#: One ``QPainterPath`` element as ``QDataStream`` writes it: type, x, y (big-endian).
ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])

#: Simplification tolerance of each level in Web Mercator metres (level 0 is full detail).
LEVEL_TOLERANCE = (0.0, 400.0, 1600.0, 6400.0)
#: A level is used when its tolerance is at most this many pixels at the current scale.
MAX_TOLERANCE_PX = 0.6


def level_for(metres_per_px: float) -> int:
    """The coarsest level whose tolerance stays under :data:`MAX_TOLERANCE_PX` pixels."""
    best = 0
    for level, tolerance in enumerate(LEVEL_TOLERANCE):
        if tolerance <= MAX_TOLERANCE_PX * metres_per_px:
            best = level
    return best


def elements_of(
    world_geoms: np.ndarray, project: Callable[..., tuple[Any, Any]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Path elements of every geometry (in world metres, or ``project``-ed there from the
    coordinates it is given, e.g. :func:`web_mercator` for longitude/latitude) and each
    one's first element.

    Polygon rings and lines become subpaths (a move-to then line-tos); points are ignored.

    Returns
    -------
    elements : numpy.ndarray
        :data:`ELEMENT` records, geometry after geometry.
    starts : numpy.ndarray
        ``len(world_geoms) + 1`` offsets: geometry ``i`` owns ``elements[starts[i]:starts[i+1]]``.
    """
    n = len(world_geoms)
    if n == 0:
        return np.zeros(0, dtype=ELEMENT), np.zeros(1, dtype=np.intp)
    parts, part_owner = shapely.get_parts(world_geoms, return_index=True)
    kinds = shapely.get_type_id(parts)
    polygon = kinds == 3
    rings, ring_of = shapely.get_rings(parts[polygon], return_index=True)
    line = (kinds == 1) | (kinds == 2)
    pieces = np.concatenate([rings, parts[line]])
    owners = np.concatenate([part_owner[polygon][ring_of], part_owner[line]])
    order = np.argsort(owners, kind="stable")
    pieces, owners = pieces[order], owners[order]
    coords, piece_of = shapely.get_coordinates(pieces, return_index=True)
    elements = np.empty(len(coords), dtype=ELEMENT)
    if len(coords):
        first = np.r_[True, piece_of[1:] != piece_of[:-1]]
        elements["type"] = np.where(first, 0, 1)  # MoveToElement, LineToElement
        x, y = (
            (coords[:, 0], coords[:, 1]) if project is None else project(coords[:, 0], coords[:, 1])
        )
        elements["x"], elements["y"] = x, y
    starts = np.searchsorted(owners[piece_of], np.arange(n + 1))
    return elements, starts


def path_from_bytes(raw: bytes, count: int, winding: bool = False) -> QPainterPath | None:
    """Deserialise ``count`` :data:`ELEMENT` records into a path (None when empty)."""
    if count < 2:
        return None
    rule = (1 if winding else 0).to_bytes(4, "big")
    data = QByteArray(count.to_bytes(4, "big") + raw + rule)
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    path = QPainterPath()
    stream >> path
    path.setFillRule(Qt.FillRule.WindingFill if winding else Qt.FillRule.OddEvenFill)
    return None if path.isEmpty() else path


def project(geoms: np.ndarray) -> np.ndarray:
    """WGS84 geometries to Web Mercator metres (missing ones stay missing)."""

    def to_world(coords: np.ndarray) -> np.ndarray:
        x, y = web_mercator(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    # Exteriors counter-clockwise, holes clockwise: under the winding fill of the combined
    # paths a hole stays empty while neighbours that overlap by a rounding error fill once.
    return shapely.orient_polygons(shapely.transform(geoms, to_world))


def simplify_coverage(world_geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify units that tile the map while keeping their shared edges shared.

    Falls back to simplifying each unit on its own when the units are not a valid coverage
    (overlapping imported polygons): tiny gaps then show at most a sub-pixel seam.
    """
    present = ~shapely.is_missing(world_geoms) & ~shapely.is_empty(world_geoms)
    out = world_geoms.copy()
    if not present.any():
        return out
    try:
        out[present] = shapely.coverage_simplify(world_geoms[present], tolerance)
    except (shapely.errors.GEOSException, ValueError):
        out[present] = shapely.simplify(world_geoms[present], tolerance)
    return shapely.orient_polygons(out)


class UnitLevels:
    """Unit geometry at every level of detail, and combined paths per colour group.

    Parameters
    ----------
    geoms : numpy.ndarray
        Unit polygons in WGS84 (object array of shapely geometries, None for missing).
    """

    def __init__(self, geoms: np.ndarray) -> None:
        self._world = project(np.asarray(geoms, dtype=object))
        self._elements: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        #: level -> colour key -> combined path (or None when the group has no geometry)
        self._groups: dict[int, dict[int, QPainterPath | None]] = {}
        self._members: dict[int, np.ndarray] = {}
        self._group_boxes: dict[
            tuple[int, int], tuple[object, tuple[float, float, float, float]]
        ] = {}
        #: level -> each unit's own path (None until built), for patches
        self._unit_paths: dict[int, list[QPainterPath | None]] = {}
        self._unit_built: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._world)

    def elements(self, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Path elements and offsets of the units at ``level`` (built once, then cached)."""
        cached = self._elements.get(level)
        if cached is None:
            tolerance = LEVEL_TOLERANCE[level]
            geoms = self._world if tolerance <= 0 else simplify_coverage(self._world, tolerance)
            cached = elements_of(geoms)
            self._elements[level] = cached
        return cached

    def set_groups(self, keys: np.ndarray, group_of: np.ndarray, order: np.ndarray) -> None:
        """Group the units by colour; keeps the paths of groups whose members did not change.

        Parameters
        ----------
        keys : numpy.ndarray
            The distinct colour keys (packed ``0xAARRGGBB``), sorted.
        group_of : numpy.ndarray
            Index into ``keys`` of each unit.
        order : numpy.ndarray
            Units sorted by group (stable), as ``np.argsort(group_of, kind="stable")``.
            A recolour of a few units then rebuilds only the groups they left and joined.
        """
        bounds = np.searchsorted(group_of[order], np.arange(len(keys) + 1))
        members = {int(k): order[bounds[i] : bounds[i + 1]] for i, k in enumerate(keys.tolist())}
        stale = {
            k
            for k in set(self._members) | set(members)
            if k not in members
            or k not in self._members
            or not np.array_equal(self._members[k], members[k])
        }
        for cache in self._groups.values():
            for k in stale:
                cache.pop(k, None)
        self._members = members

    def regroup(
        self, keys: np.ndarray, group_of: np.ndarray, order: np.ndarray, touched: np.ndarray
    ) -> None:
        """Like :meth:`set_groups` when only the groups of colours ``touched`` changed
        members (a few units recoloured with colours the map already has)."""
        bounds = np.searchsorted(group_of[order], np.arange(len(keys) + 1))
        where = np.searchsorted(keys, touched)
        for key, i in zip(touched.tolist(), where.tolist(), strict=True):
            self._members[int(key)] = order[bounds[i] : bounds[i + 1]]
            for cache in self._groups.values():
                cache.pop(int(key), None)

    def path_of(self, level: int, units: np.ndarray, winding: bool = True) -> QPainterPath | None:
        """One path of the given units at ``level`` (their element ranges concatenated)."""
        elements, starts = self.elements(level)
        units = np.asarray(units, dtype=np.intp)
        lo, hi = starts[units], starts[units + 1]
        lengths = hi - lo
        total = int(lengths.sum())
        if total < 2:
            return None
        # Ragged gather: the element ranges of every unit, one after another.
        shift = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
        index = np.arange(total) + shift
        return path_from_bytes(elements[index].tobytes(), total, winding=winding)

    def unit_paths(self, level: int, units: np.ndarray) -> list[QPainterPath | None]:
        """Each unit's own path at ``level`` (built on first use, then cached).

        A patch of the map (a recolour of a few units) draws the few units in its area
        this way: the combined path of a colour group reaches across the map, is rebuilt
        whenever a unit joins or leaves it, and Qt walks all of it however small the clip.
        """
        cache = self._unit_paths.get(level)
        if cache is None:
            cache = self._unit_paths[level] = [None] * len(self._world)
            self._unit_built[level] = np.zeros(len(self._world), dtype=bool)
        built = self._unit_built[level]
        units = np.asarray(units, dtype=np.intp)
        todo = units[~built[units]]
        if len(todo):
            elements, starts = self.elements(level)
            raw = elements.tobytes()
            size = elements.itemsize
            for i, lo, hi in zip(
                todo.tolist(), starts[todo].tolist(), starts[todo + 1].tolist(), strict=True
            ):
                cache[i] = path_from_bytes(raw[lo * size : hi * size], hi - lo, winding=True)
            built[todo] = True
        return [cache[i] for i in units.tolist()]

    def group_bounds(self, level: int, key: int) -> tuple[float, float, float, float]:
        """World box ``(x0, y0, x1, y1)`` of a colour group's path (NaN when it has none)."""
        path = self.group_paths(level).get(key)
        box = self._group_boxes.get((level, key))
        if box is None or box[0] is not path:
            if path is None:
                bounds = (np.nan, np.nan, np.nan, np.nan)
            else:
                r = path.controlPointRect()
                bounds = (r.left(), r.top(), r.right(), r.bottom())
            box = (path, bounds)
            self._group_boxes[(level, key)] = box
        return box[1]

    def group_paths(self, level: int) -> dict[int, QPainterPath | None]:
        """One combined path per colour key at ``level`` (winding fill: units never cancel)."""
        cache = self._groups.setdefault(level, {})
        missing = [k for k in self._members if k not in cache]
        for k in missing:
            cache[k] = self.path_of(level, self._members[k])
        return cache


class OutlineLevels:
    """Territory outline paths per level of detail, reused while a territory's shape stays.

    The map is given every territory's geometry after each edit; most of them are the same
    objects as before (the plan caches them), so their projected and simplified paths are
    kept by identity and only the changed territories are projected and simplified again.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[object, dict[int, QPainterPath | None]]] = {}
        self._current: list[object | None] = []

    def set_geometries(self, geoms: list[object | None]) -> None:
        """The outlines to draw, one per territory (None or empty draws nothing)."""
        kept = {id(g): self._by_id[id(g)] for g in geoms if g is not None and id(g) in self._by_id}
        for g in geoms:
            if g is not None and id(g) not in kept:
                kept[id(g)] = (g, {})
        self._by_id = kept
        self._current = list(geoms)

    def paths(self, level: int) -> list[QPainterPath | None]:
        """One path per territory at ``level`` (built for the territories that lack one)."""
        todo = [g for g in self._current if g is not None and level not in self._by_id[id(g)][1]]
        if todo:
            world = project(np.asarray(todo, dtype=object))
            tolerance = LEVEL_TOLERANCE[level]
            if tolerance > 0:
                world = shapely.simplify(world, tolerance)
            elements, starts = elements_of(world)
            raw = elements.tobytes()
            size = ELEMENT.itemsize
            for g, lo, hi in zip(todo, starts[:-1].tolist(), starts[1:].tolist(), strict=True):
                self._by_id[id(g)][1][level] = path_from_bytes(raw[lo * size : hi * size], hi - lo)
        return [None if g is None else self._by_id[id(g)][1][level] for g in self._current]
