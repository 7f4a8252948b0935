"""Problems a planner must see and resolve: unassigned and unplaced items, accounts
outside every unit, overlaps, non-contiguous and empty territories.

:func:`find_problems` looks at a :class:`~planner.models.plan.Plan` as it is now and returns
one :class:`Problem` per finding, each with the territories and items involved and a box to
zoom to. It is cheap enough to run after every edit: the unit adjacency graph, the costly
part, is built once per plan and cached; the rest is a handful of numpy passes and one graph
traversal over the units.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import shapely

from planner.models.assignment import UNASSIGNED
from planner.models.balance import COL_ACCOUNTS
from planner.models.geo import area_km2
from planner.models.graph import Adjacency, unit_adjacency

if TYPE_CHECKING:
    from planner.models.plan import Plan

ProblemKind = Literal[
    "unassigned_accounts",
    "unassigned_units",
    "overlap",
    "non_contiguous",
    "empty_territory",
    "unplaced_accounts",
    "outside_units",
]
ItemKind = Literal["accounts", "units", "none"]
BBox = tuple[float, float, float, float]

#: The order in which kinds are listed, most urgent first.
PROBLEM_KINDS: tuple[ProblemKind, ...] = (
    "overlap",
    "unassigned_accounts",
    "unassigned_units",
    "non_contiguous",
    "empty_territory",
    "unplaced_accounts",
    "outside_units",
)

#: Overlaps smaller than this are digitising noise (shared edges drawn twice), not conflicts.
MIN_OVERLAP_KM2 = 1e-3


def _empty_items() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class ProblemPart:
    """One separate piece of a non-contiguous territory.

    Attributes
    ----------
    items : ndarray of int
        Units (unit-based territory) or accounts (drawn territory) in this piece.
    bbox : tuple of float
        ``(lon0, lat0, lon1, lat1)`` of the piece.
    area_km2 : float
        Area of the piece.
    """

    items: np.ndarray
    bbox: BBox
    area_km2: float


@dataclass(frozen=True, eq=False)
class Problem:
    """One problem in a plan.

    Attributes
    ----------
    kind : str
        One of :data:`PROBLEM_KINDS`.
    message : str
        A sentence for the planner.
    territories : tuple of int
        Territory indices involved (two for an overlap, one for a territory problem).
    items : ndarray of int
        Indices of the accounts or units concerned (see ``item_kind``): the unassigned or
        unplaced items, the accounts inside an overlap, the units or accounts of the pieces
        other than the largest of a non-contiguous territory.
    item_kind : {"accounts", "units", "none"}
        What ``items`` index.
    bbox : tuple of float or None
        ``(lon0, lat0, lon1, lat1)`` to zoom to; None when there is nowhere to show
        (accounts without coordinates, an empty territory without a shape).
    parts : tuple of ProblemPart
        The separate pieces of a non-contiguous territory, largest first.
    area_km2 : float
        Area of an overlap.
    """

    kind: ProblemKind
    message: str
    territories: tuple[int, ...] = ()
    items: np.ndarray = field(default_factory=_empty_items)
    item_kind: ItemKind = "none"
    bbox: BBox | None = None
    parts: tuple[ProblemPart, ...] = ()
    area_km2: float = 0.0


# -- helpers -------------------------------------------------------------------------------


def _points_bbox(lon: np.ndarray, lat: np.ndarray) -> BBox | None:
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    return (
        float(lon[ok].min()),
        float(lat[ok].min()),
        float(lon[ok].max()),
        float(lat[ok].max()),
    )


def _boxes_bbox(boxes: np.ndarray) -> BBox | None:
    """Union of ``(n, 4)`` bounds, ignoring NaN rows."""
    ok = np.isfinite(boxes).all(axis=1)
    if not ok.any():
        return None
    b = boxes[ok]
    return (
        float(b[:, 0].min()),
        float(b[:, 1].min()),
        float(b[:, 2].max()),
        float(b[:, 3].max()),
    )


def _geometry_bbox(geom: Any) -> BBox | None:
    if geom is None or shapely.is_empty(geom):
        return None
    x0, y0, x1, y1 = shapely.bounds(geom).tolist()
    return (x0, y0, x1, y1)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


# -- the checks ----------------------------------------------------------------------------


#: Per plan: the accounts without a location and the placed accounts outside every unit,
#: with the coordinate and unit arrays they were found in (a plan's accounts keep their
#: places: two passes over a million accounts saved on every edit).
_PLACES: weakref.WeakKeyDictionary[Plan, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _unplaced_and_outside(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    lon, lat, unit = plan.engine.lon, plan.engine.lat, plan.account_unit
    kept = _PLACES.get(plan)
    if kept is not None and kept[0] is lon and kept[1] is lat and kept[2] is unit:
        return kept[3], kept[4]
    placed = np.isfinite(lon) & np.isfinite(lat)
    unplaced = np.flatnonzero(~placed)
    outside = np.flatnonzero(placed & (unit < 0)) if plan.n_units else np.zeros(0, np.int64)
    _PLACES[plan] = (lon, lat, unit, unplaced, outside)
    return unplaced, outside


def _unassigned_and_unplaced(plan: Plan) -> list[Problem]:
    problems = []
    # The balance engine's copy of the coordinates (the frame's columns cost a conversion).
    lon, lat = plan.engine.lon, plan.engine.lat
    # The engine counts the Unassigned accounts with every edit: look for them only if any.
    if plan.engine.totals[plan.n_territories, COL_ACCOUNTS] > 0:
        unassigned = np.flatnonzero(plan.account_territory == UNASSIGNED)
    else:
        unassigned = np.zeros(0, dtype=np.int64)
    if len(unassigned):
        n_unplaced = int((~np.isfinite(lon[unassigned]) | ~np.isfinite(lat[unassigned])).sum())
        note = f" ({n_unplaced:,} without a location)" if n_unplaced else ""
        problems.append(
            Problem(
                "unassigned_accounts",
                f"{_plural(len(unassigned), 'account')} in no territory{note}",
                items=unassigned,
                item_kind="accounts",
                bbox=_points_bbox(lon[unassigned], lat[unassigned]),
            )
        )
    unplaced, outside = _unplaced_and_outside(plan)
    if len(unplaced):
        problems.append(
            Problem(
                "unplaced_accounts",
                f"{_plural(len(unplaced), 'account')} without a location "
                "(not on the map; geocode them or set coordinates)",
                items=unplaced,
                item_kind="accounts",
            )
        )
    # A unit move cannot carry the accounts outside every unit: the planner must assign them
    # by hand or fix the units (see planner.io.coverage for the likely cause when many are).
    if plan.n_units and len(outside):
        problems.append(
            Problem(
                "outside_units",
                f"{_plural(len(outside), 'account')} outside every unit "
                "(unit edits do not move them; assign them directly or fix the units)",
                items=outside,
                item_kind="accounts",
                bbox=_points_bbox(lon[outside], lat[outside]),
            )
        )
    # Units are the building blocks of unit-based territories only; in a plan of drawn
    # territories every unit is unassigned and saying so would be noise.
    unit_based = (plan.territories["geometry_source"] == "units").to_numpy()
    if plan.n_units and unit_based.any():
        free_units = np.flatnonzero(plan.unit_territory == UNASSIGNED)
        if len(free_units):
            boxes = shapely.bounds(plan.units.geometry.to_numpy()[free_units])
            problems.append(
                Problem(
                    "unassigned_units",
                    f"{_plural(len(free_units), 'unit')} in no territory",
                    items=free_units,
                    item_kind="units",
                    bbox=_boxes_bbox(boxes),
                )
            )
    return problems


def _overlaps(plan: Plan, drawn: np.ndarray) -> list[Problem]:
    indices = np.flatnonzero(drawn)
    if len(indices) < 2:
        return []
    geoms = plan.territories.geometry.to_numpy()[indices]
    valid = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    indices, geoms = indices[valid], geoms[valid]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if not len(left):
        return []
    # make_valid: a self-touching drawn ring must not turn an overlap into an exception.
    shared = shapely.intersection(shapely.make_valid(geoms[left]), shapely.make_valid(geoms[right]))
    areas = area_km2(shared)
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    problems = []
    for a, b, geom, area in zip(left.tolist(), right.tolist(), shared, areas, strict=True):
        if area < MIN_OVERLAP_KM2:
            continue
        ta, tb = int(indices[a]), int(indices[b])
        x0, y0, x1, y1 = shapely.bounds(geom).tolist()
        near = placed & (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        candidates = np.flatnonzero(near)
        inside = candidates[shapely.contains_xy(geom, lon[candidates], lat[candidates])]
        problems.append(
            Problem(
                "overlap",
                f"{plan.territory_label(ta)} and {plan.territory_label(tb)} overlap by "
                f"{area:,.1f} km² ({_plural(len(inside), 'account')} inside)",
                territories=(ta, tb),
                items=inside.astype(np.int64),
                item_kind="accounts",
                bbox=(x0, y0, x1, y1),
                area_km2=float(area),
            )
        )
    return problems


def _components(adjacency: Adjacency) -> np.ndarray:
    """Connected components, labelled ``0..c-1`` in order of each one's lowest unit.

    What :func:`~planner.models.graph.connected_components` returns, in numpy: a union
    of trees where, in each round, the root of every edge's higher end is hooked under the
    lower end's root and every unit then points straight at its root. Each round at least
    halves the number of trees that still have an edge between them, so a few rounds do
    (the walk unit by unit in Python cost 10 ms for the 4,000 units of the territories a
    national lasso touches).
    """
    n = adjacency.n
    parent = np.arange(n, dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), adjacency.degree())
    cols = adjacency.indices.astype(np.int64)
    while True:
        a, b = parent[rows], parent[cols]
        cross = a != b
        if not cross.any():
            break
        a, b = a[cross], b[cross]
        np.minimum.at(parent, np.maximum(a, b), np.minimum(a, b))
        while True:  # point every unit at its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
        rows, cols = rows[cross], cols[cross]
    return np.unique(parent, return_inverse=True)[1].reshape(n).astype(np.int64)


def _unit_pieces(
    plan: Plan,
    unit_based: np.ndarray,
    previous: list[Problem] | None = None,
    touched: Collection[int] | None = None,
) -> list[Problem]:
    if previous is not None and touched is not None:
        # Only the touched territories' units changed: their pieces are found again, the
        # others' problems are the ones found before.
        again = np.zeros(len(unit_based), dtype=bool)
        again[[t for t in touched if 0 <= t < len(unit_based)]] = True
        earlier = [
            p
            for p in previous
            if p.kind == "non_contiguous" and p.territories and p.territories[0] not in touched
        ]
        found = _unit_pieces(plan, unit_based & again) if again.any() else []
        return sorted([*earlier, *found], key=lambda p: p.territories[0])
    if not plan.n_units or not unit_based.any():
        return []
    adjacency = unit_adjacency(plan)
    territory = plan.unit_territory.astype(np.int64)
    n = plan.n_units
    members = territory >= 0
    members &= unit_based[np.where(members, territory, 0)]
    # The graph of the units checked only (after an edit: the touched territories'), with
    # the edges inside one territory. Gathering the rows of those units keeps each row
    # sorted (the local ids follow the global order), which saves Adjacency.from_edges'
    # sort; the whole national graph was 33,000 units for the 40 territories a lasso
    # touches.
    sel = np.flatnonzero(members)
    degree = adjacency.degree()[sel]
    offsets = np.zeros(len(sel) + 1, dtype=np.int64)
    np.cumsum(degree, out=offsets[1:])
    gather = np.repeat(adjacency.indptr[sel] - offsets[:-1], degree) + np.arange(offsets[-1])
    neighbour = adjacency.indices[gather]
    rows = np.repeat(np.arange(len(sel), dtype=np.int64), degree)
    same = territory[sel][rows] == territory[neighbour]
    local = np.full(n, -1, dtype=np.int64)
    local[sel] = np.arange(len(sel))
    indptr = np.zeros(len(sel) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[same], minlength=len(sel)), out=indptr[1:])
    within = Adjacency(indptr=indptr, indices=local[neighbour[same]])
    labels = np.full(n, -1, dtype=np.int64)
    labels[sel] = _components(within)
    kept = sel
    if not len(kept):
        return []
    # A territory is split when its units carry more than one component label.
    pairs = np.unique(territory[kept] * (n + 1) + labels[kept])
    n_pieces = np.bincount(pairs // (n + 1), minlength=plan.n_territories)
    split = n_pieces > 1
    geoms = plan.units.geometry.to_numpy()
    areas = plan.unit_area_km2
    problems = []
    bounds = np.full((n, 4), np.nan)  # of the split territories' units only
    for t in np.flatnonzero(split).tolist():
        units = np.flatnonzero(territory == t)
        bounds[units] = shapely.bounds(geoms[units])
        unit_labels = labels[units]
        parts = []
        for lab in np.unique(unit_labels).tolist():
            piece = units[unit_labels == lab]
            box = _boxes_bbox(bounds[piece])
            if box is not None:
                parts.append(ProblemPart(piece.astype(np.int64), box, float(areas[piece].sum())))
        parts.sort(key=lambda p: (-p.area_km2, int(p.items[0])))
        strays = np.sort(np.concatenate([p.items for p in parts[1:]]))
        problems.append(
            Problem(
                "non_contiguous",
                f"{plan.territory_label(t)} is in {len(parts)} separate parts "
                f"({_plural(len(strays), 'unit')} apart from the main part)",
                territories=(t,),
                items=strays,
                item_kind="units",
                bbox=_boxes_bbox(bounds[units]),
                parts=tuple(parts),
            )
        )
    return problems


def _drawn_pieces(plan: Plan, drawn: np.ndarray) -> list[Problem]:
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    problems = []
    for t in np.flatnonzero(drawn).tolist():
        geom = plan.territories.geometry.iloc[t]
        if geom is None or shapely.is_empty(geom):
            continue
        pieces = [p for p in shapely.get_parts(geom) if not shapely.is_empty(p)]
        if len(pieces) < 2:
            continue
        piece_areas = area_km2(np.asarray(pieces, dtype=object))
        members = np.flatnonzero(plan.account_territory == t)
        parts = []
        for piece, area in zip(pieces, piece_areas, strict=True):
            inside = members[shapely.contains_xy(piece, lon[members], lat[members])]
            box = _geometry_bbox(piece)
            assert box is not None
            parts.append(ProblemPart(inside.astype(np.int64), box, float(area)))
        parts.sort(key=lambda p: -p.area_km2)
        strays = np.sort(np.concatenate([p.items for p in parts[1:]])).astype(np.int64)
        problems.append(
            Problem(
                "non_contiguous",
                f"{plan.territory_label(t)} is drawn in {len(parts)} separate parts "
                f"({_plural(len(strays), 'account')} outside the main part)",
                territories=(t,),
                items=strays,
                item_kind="accounts",
                bbox=_geometry_bbox(geom),
                parts=tuple(parts),
            )
        )
    return problems


def _empty_territories(plan: Plan, drawn: np.ndarray) -> list[Problem]:
    k = plan.n_territories
    # Accounts per territory: the balance engine's count, kept up to date by every edit.
    counts = np.rint(plan.engine.totals[:k, COL_ACCOUNTS]).astype(np.int64)
    unit_counts = np.bincount(plan.unit_territory[plan.unit_territory >= 0], minlength=k)[:k]
    problems = []
    for t in np.flatnonzero(counts == 0).tolist():
        if drawn[t]:
            geom = plan.territories.geometry.iloc[t]
            where = "its shape holds no accounts" if geom is not None else "it has no shape"
        elif unit_counts[t]:
            where = f"its {_plural(int(unit_counts[t]), 'unit')} hold no accounts"
        else:
            where = "it has no units"
        geom = plan.territory_geometry(t)
        problems.append(
            Problem(
                "empty_territory",
                f"{plan.territory_label(t)} has no accounts: {where}",
                territories=(t,),
                bbox=_geometry_bbox(geom),
            )
        )
    return problems


def find_problems(
    plan: Plan, previous: list[Problem] | None = None, touched: Collection[int] | None = None
) -> list[Problem]:
    """Every problem in the plan as it is now, ordered by :data:`PROBLEM_KINDS`.

    Parameters
    ----------
    plan : Plan
        The plan to check; nothing is modified. The unit adjacency graph is cached per
        plan, so the first call on a plan with units costs more than the ones after it.
    previous, touched : optional
        The problems found on this plan before an edit that moved accounts and units of
        the ``touched`` territories only (no territory added, removed or renamed): the
        pieces of the other territories are taken from ``previous`` rather than found
        again (a national plan's graph is 33,000 units).

    Returns
    -------
    list of Problem
        - ``overlap``: one per pair of drawn territories sharing more than
          :data:`MIN_OVERLAP_KM2`, with the accounts inside the shared area;
        - ``unassigned_accounts``: one for all accounts in no territory;
        - ``unassigned_units``: one for all units in no territory (only when some territory
          is built from units);
        - ``non_contiguous``: one per territory in more than one piece (units that touch
          along an edge are one piece; a drawn shape's polygons are its pieces), with its
          parts, largest first;
        - ``empty_territory``: one per territory holding no accounts;
        - ``unplaced_accounts``: one for all accounts without coordinates;
        - ``outside_units``: one for all placed accounts inside no unit (only when the
          plan has units).
    """
    if not hasattr(plan, "account_territory"):
        raise TypeError(f"plan must be a Plan, got {type(plan).__name__}")
    source = plan.territories["geometry_source"].to_numpy()
    drawn = source == "drawn"
    unit_based = source == "units"
    problems = [
        *_unassigned_and_unplaced(plan),
        *_overlaps(plan, drawn),
        *_unit_pieces(plan, unit_based, previous, touched),
        *_drawn_pieces(plan, drawn),
        *_empty_territories(plan, drawn),
    ]
    rank = {kind: i for i, kind in enumerate(PROBLEM_KINDS)}
    problems.sort(key=lambda p: rank[p.kind])
    return problems


def count_by_kind(problems: list[Problem]) -> dict[ProblemKind, int]:
    """Number of problems of each kind (every kind present, zero when none)."""
    counts: dict[ProblemKind, int] = dict.fromkeys(PROBLEM_KINDS, 0)
    for p in problems:
        counts[p.kind] += 1
    return counts


__all__ = [
    "PROBLEM_KINDS",
    "BBox",
    "ItemKind",
    "Problem",
    "ProblemKind",
    "ProblemPart",
    "count_by_kind",
    "find_problems",
]
