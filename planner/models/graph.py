"""Unit adjacency graphs and the contiguity checks the problems panel and the optimiser share.

The graph is stored in compressed sparse row form (:class:`Adjacency`): the neighbours of
unit ``i`` are ``indices[indptr[i]:indptr[i + 1]]``. Contiguity of a territory is the
connectivity of the subgraph its units induce; a unit can leave a territory without splitting
it exactly when it is not an articulation point of that subgraph, which
:class:`ContiguityCache` answers from a per-territory cache.

There is one adjacency implementation (:func:`adjacency_from_geometry`) and one cache per plan
(:func:`plan_adjacency_cache`, :func:`unit_adjacency`), so the problems panel and the
optimiser agree on contiguity and the graph, the costly part, is built once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from planner.models.plan import Plan

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Adjacency:
    """An undirected simple graph over ``n`` units in compressed sparse row form.

    Attributes
    ----------
    indptr : ndarray of int, shape (n + 1,)
        Row pointers: the neighbours of ``i`` are ``indices[indptr[i]:indptr[i + 1]]``.
    indices : ndarray of int, shape (2 m,)
        Neighbour ids, sorted within each row; every edge appears in both rows.
    """

    indptr: IntArray
    indices: IntArray

    @property
    def n(self) -> int:
        """Number of units."""
        return int(self.indptr.shape[0] - 1)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return int(self.indices.shape[0] // 2)

    def neighbors(self, unit: int) -> IntArray:
        """Neighbour ids of ``unit`` (a view, sorted)."""
        return self.indices[self.indptr[unit] : self.indptr[unit + 1]]

    def degree(self) -> IntArray:
        """Number of neighbours of every unit."""
        return np.diff(self.indptr)

    def edges(self) -> IntArray:
        """Every undirected edge once, as an ``(m, 2)`` array with ``i < j``."""
        rows = np.repeat(np.arange(self.n, dtype=np.int64), self.degree())
        keep = rows < self.indices
        return np.column_stack([rows[keep], self.indices[keep]])

    def to_lists(self) -> list[list[int]]:
        """Adjacency lists (plain Python ints), the fastest form for Python-level traversal."""
        ptr = self.indptr.tolist()
        idx = self.indices.tolist()
        return [idx[ptr[i] : ptr[i + 1]] for i in range(self.n)]

    @classmethod
    def from_edges(cls, n: int, edges: ArrayLike) -> Adjacency:
        """Build the graph from an edge list.

        Parameters
        ----------
        n : int
            Number of units.
        edges : array_like of int, shape (m, 2)
            Undirected edges; duplicates, both orientations and self loops are tolerated
            (self loops are dropped, duplicates merged).

        Returns
        -------
        Adjacency
        """
        if n < 0:
            raise ValueError(f"n must be non-negative, got {n}")
        e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        if e.size and (e.min() < 0 or e.max() >= n):
            raise ValueError(f"edges must reference units 0..{n - 1}")
        e = e[e[:, 0] != e[:, 1]]
        both = np.concatenate([e, e[:, ::-1]])
        both = np.unique(both, axis=0) if both.size else both.reshape(0, 2)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(both[:, 0], minlength=n), out=indptr[1:])
        return cls(indptr=indptr, indices=np.ascontiguousarray(both[:, 1]))


def adjacency_from_geometry(
    geometries: ArrayLike,
    kind: Literal["rook", "queen"] = "rook",
    tolerance: float = 0.0,
) -> Adjacency:
    """Unit adjacency from polygons.

    Parameters
    ----------
    geometries : array_like of shapely.Geometry, shape (n,)
        Unit polygons or multipolygons, in one (preferably projected) CRS.
    kind : {"rook", "queen"}
        ``"rook"``: units are adjacent when they share a boundary of positive length, or
        overlap (sloppy data). ``"queen"``: touching at a single point is enough.
    tolerance : float, default 0
        Units closer than this (in CRS units) count as touching, which bridges the slivers
        and gaps of digitised boundaries. With a tolerance, rook adjacency asks that the
        overlap of the two buffered outlines be longer than ``2 * tolerance``.

    Returns
    -------
    Adjacency
    """
    if kind not in ("rook", "queen"):
        raise ValueError(f"kind must be 'rook' or 'queen', got {kind!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be non-negative, got {tolerance}")
    geoms = np.asarray(geometries, dtype=object)
    n = geoms.shape[0]
    if n == 0:
        return Adjacency.from_edges(0, np.empty((0, 2), dtype=np.int64))
    tree = shapely.STRtree(geoms)
    if tolerance > 0:
        pairs = tree.query(geoms, predicate="dwithin", distance=tolerance)
    else:
        pairs = tree.query(geoms, predicate="intersects")
    left, right = pairs
    keep = left < right
    left, right = left[keep], right[keep]
    if kind == "rook" and left.size:
        a, b = geoms[left], geoms[right]
        if tolerance > 0:
            a = shapely.buffer(shapely.boundary(a), tolerance)
            b = shapely.buffer(shapely.boundary(b), tolerance)
            shared = shapely.intersection(a, b)
            # A corner contact grows into a blob about 2 tolerance across; a shared edge
            # grows into a strip whose area/width is its length.
            long_enough = shapely.area(shared) / (2 * tolerance) > 2 * tolerance
        else:
            # DE-9IM predicates instead of intersecting the outlines: the same graph, four
            # times faster (0.23 s against 0.9 s for the 2,469 demo units), which matters
            # when a plan opens. Boundaries meeting along a line, or interiors overlapping.
            shared_edge = shapely.relate_pattern(a, b, "****1****")
            overlapping = shapely.relate_pattern(a, b, "2********")
            long_enough = shared_edge | overlapping
        left, right = left[long_enough], right[long_enough]
    return Adjacency.from_edges(n, np.column_stack([left, right]))


class AdjacencyCache:
    """The rook adjacency of one units layer, built on first use; safe to share with a worker.

    The optimiser asks for the graph from a worker thread while the problems panel may ask
    from the window, so building is serialised and happens once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._adjacency: Adjacency | None = None

    def get(self, geometries: ArrayLike) -> Adjacency:
        """The rook adjacency of ``geometries`` (the units this cache belongs to)."""
        geoms = np.asarray(geometries, dtype=object)
        with self._lock:
            if self._adjacency is None or self._adjacency.n != len(geoms):
                self._adjacency = adjacency_from_geometry(geoms, kind="rook")
            return self._adjacency


_PLAN_CACHES: weakref.WeakKeyDictionary[Plan, tuple[int, AdjacencyCache]] = (
    weakref.WeakKeyDictionary()
)


def plan_adjacency_cache(plan: Plan) -> AdjacencyCache:
    """The one adjacency cache of ``plan``'s current units layer.

    Call it on the thread that owns the plan (a snapshot does, before a worker starts); the
    returned cache may then be used from any thread. Replacing the units layer gives a new
    cache.
    """
    key = id(plan.units)
    entry = _PLAN_CACHES.get(plan)
    if entry is None or entry[0] != key:
        entry = (key, AdjacencyCache())
        _PLAN_CACHES[plan] = entry
    return entry[1]


def unit_adjacency(plan: Plan) -> Adjacency:
    """The rook adjacency of the plan's units, built once per plan and units layer."""
    return plan_adjacency_cache(plan).get(plan.units.geometry.to_numpy())


def connected_components(adjacency: Adjacency, mask: ArrayLike | None = None) -> IntArray:
    """Connected components of the subgraph induced by ``mask``.

    Parameters
    ----------
    adjacency : Adjacency
    mask : array_like of bool, shape (n,), optional
        Units to keep; all units when omitted.

    Returns
    -------
    ndarray of int, shape (n,)
        Component label ``0..c-1`` per kept unit (labels in order of lowest unit id),
        ``-1`` for units outside ``mask``.
    """
    n = adjacency.n
    keep = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if keep.shape != (n,):
        raise ValueError(f"mask must have shape ({n},), got {keep.shape}")
    labels = np.full(n, -1, dtype=np.int64)
    ptr = adjacency.indptr
    idx = adjacency.indices
    keep_l = keep.tolist()
    lab = labels.tolist()
    count = 0
    for start in np.flatnonzero(keep).tolist():
        if lab[start] != -1:
            continue
        lab[start] = count
        stack = [start]
        while stack:
            u = stack.pop()
            for v in idx[ptr[u] : ptr[u + 1]].tolist():
                if keep_l[v] and lab[v] == -1:
                    lab[v] = count
                    stack.append(v)
        count += 1
    return np.asarray(lab, dtype=np.int64)


def articulation_points(adjacency: Adjacency | list[list[int]], members: Iterable[int]) -> set[int]:
    """Articulation points of the subgraph induced by ``members``.

    A unit is an articulation point when removing it disconnects the component it lies in, so
    it cannot leave its territory without splitting it. Iterative Tarjan (no recursion limit).

    Parameters
    ----------
    adjacency : Adjacency or list of lists of int
        The unit graph (adjacency lists are accepted for speed in inner loops).
    members : iterable of int
        The units of the induced subgraph, e.g. one territory.

    Returns
    -------
    set of int
    """
    lists = adjacency.to_lists() if isinstance(adjacency, Adjacency) else adjacency
    inside = set(members)
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    points: set[int] = set()
    timer = 0
    for root in inside:
        if root in disc:
            continue
        disc[root] = low[root] = timer
        timer += 1
        root_children = 0
        # Each frame: (unit, parent, iterator position into its neighbour list).
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]
        while stack:
            u, parent, pos = stack[-1]
            nbrs = lists[u]
            advanced = False
            while pos < len(nbrs):
                v = nbrs[pos]
                pos += 1
                if v not in inside or v == parent:
                    continue
                if v in disc:
                    if disc[v] < low[u]:
                        low[u] = disc[v]
                    continue
                stack[-1] = (u, parent, pos)
                disc[v] = low[v] = timer
                timer += 1
                stack.append((v, u, 0))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if parent == -1:
                continue
            if low[u] < low[parent]:
                low[parent] = low[u]
            if parent == root:
                root_children += 1
            elif low[u] >= disc[parent]:
                points.add(parent)
        if root_children > 1:
            points.add(root)
    return points


class ContiguityCache:
    """Answers "can this unit leave its territory without splitting it?" cheaply.

    Articulation points are computed per territory on first use and dropped when a unit enters
    or leaves that territory, so a run of boundary moves recomputes only the two territories
    each move touches.

    Parameters
    ----------
    adjacency : Adjacency
    assignment : array_like of int, shape (n,)
        Territory per unit (``-1`` = unassigned). The cache keeps its own copy; change it only
        through :meth:`move`.
    """

    def __init__(self, adjacency: Adjacency, assignment: ArrayLike) -> None:
        self.adjacency = adjacency
        self.lists = adjacency.to_lists()
        self.assignment: list[int] = np.asarray(assignment, dtype=np.int64).tolist()
        if len(self.assignment) != adjacency.n:
            raise ValueError("assignment must have one entry per unit")
        self.members: dict[int, set[int]] = {}
        for unit, territory in enumerate(self.assignment):
            self.members.setdefault(territory, set()).add(unit)
        self._cut: dict[int, set[int]] = {}

    def cut_units(self, territory: int) -> set[int]:
        """Articulation points of ``territory`` (cached)."""
        cut = self._cut.get(territory)
        if cut is None:
            cut = articulation_points(self.lists, self.members.get(territory, ()))
            self._cut[territory] = cut
        return cut

    def can_leave(self, unit: int) -> bool:
        """Whether ``unit`` can leave its territory and leave it connected and non-empty.

        A territory that is already split stays split; only the piece holding ``unit`` is
        judged, so the check never blocks repairing moves.
        """
        territory = self.assignment[unit]
        if len(self.members.get(territory, ())) <= 1:
            return False
        return unit not in self.cut_units(territory)

    def touches(self, unit: int, territory: int) -> bool:
        """Whether ``unit`` has a neighbour in ``territory``."""
        a = self.assignment
        return any(a[v] == territory for v in self.lists[unit])

    def move(self, unit: int, territory: int) -> None:
        """Reassign ``unit`` and invalidate the two territories it touches."""
        old = self.assignment[unit]
        if old == territory:
            return
        self.members[old].discard(unit)
        self.members.setdefault(territory, set()).add(unit)
        self.assignment[unit] = territory
        self._cut.pop(old, None)
        self._cut.pop(territory, None)

    def is_contiguous(self, territory: int) -> bool:
        """Whether ``territory`` is one connected piece (an empty territory counts as one)."""
        return n_pieces(self.lists, self.members.get(territory, ())) <= 1


def pieces(lists: list[list[int]], members: Iterable[int]) -> list[list[int]]:
    """Connected pieces of the subgraph induced by ``members``, each from its first member."""
    ordered = list(members)
    inside = set(ordered)
    seen: set[int] = set()
    out = []
    for start in ordered:
        if start in seen:
            continue
        seen.add(start)
        piece, stack = [start], [start]
        while stack:
            u = stack.pop()
            for v in lists[u]:
                if v in inside and v not in seen:
                    seen.add(v)
                    piece.append(v)
                    stack.append(v)
        out.append(piece)
    return out


def n_pieces(lists: list[list[int]], members: Iterable[int]) -> int:
    """Number of connected pieces of the subgraph induced by ``members``."""
    return len(pieces(lists, members))


def cut_edges(adjacency: Adjacency, assignment: ArrayLike) -> int:
    """Number of edges whose two units lie in different territories."""
    a = np.asarray(assignment)
    e = adjacency.edges()
    return int(np.count_nonzero(a[e[:, 0]] != a[e[:, 1]]))
