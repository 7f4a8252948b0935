"""Unit adjacency, components and articulation points, checked against brute force."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner.optimise.graph import (
    Adjacency,
    ContiguityCache,
    adjacency_from_geometry,
    articulation_points,
    connected_components,
    cut_edges,
    n_pieces,
)


def grid_squares(rows: int, cols: int) -> np.ndarray:
    return np.array(
        [shapely.box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)], dtype=object
    )


def random_graph(rng: np.random.Generator, n: int, p: float) -> Adjacency:
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < p]
    return Adjacency.from_edges(n, np.array(pairs, dtype=np.int64).reshape(-1, 2))


def brute_articulation(adj: Adjacency, members: set[int]) -> set[int]:
    lists = adj.to_lists()
    base = n_pieces(lists, members)
    return {v for v in members if n_pieces(lists, members - {v}) > base}


def test_from_edges_is_symmetric_deduplicated_and_drops_self_loops() -> None:
    adj = Adjacency.from_edges(4, [[0, 1], [1, 0], [1, 2], [2, 2], [0, 1]])
    assert adj.n == 4
    assert adj.n_edges == 2
    assert adj.neighbors(1).tolist() == [0, 2]
    assert adj.neighbors(3).tolist() == []
    assert adj.edges().tolist() == [[0, 1], [1, 2]]


def test_from_edges_rejects_unknown_units() -> None:
    with pytest.raises(ValueError, match=r"units 0\.\.2"):
        Adjacency.from_edges(3, [[0, 3]])


def test_rook_and_queen_adjacency_on_a_grid() -> None:
    squares = grid_squares(3, 3)
    rook = adjacency_from_geometry(squares, kind="rook")
    queen = adjacency_from_geometry(squares, kind="queen")
    assert rook.degree().tolist() == [2, 3, 2, 3, 4, 3, 2, 3, 2]
    assert queen.degree()[4] == 8
    assert rook.n_edges == 12
    assert queen.n_edges == 20


def test_tolerance_bridges_a_gap_between_neighbours() -> None:
    left = shapely.box(0, 0, 1, 1)
    right = shapely.box(1.001, 0, 2, 1)
    assert adjacency_from_geometry([left, right]).n_edges == 0
    assert adjacency_from_geometry([left, right], tolerance=0.01).n_edges == 1
    # A corner contact within tolerance is not a rook neighbour.
    corner = shapely.box(1.001, 1.001, 2, 2)
    assert adjacency_from_geometry([left, corner], tolerance=0.01).n_edges == 0
    assert adjacency_from_geometry([left, corner], kind="queen", tolerance=0.01).n_edges == 1


def test_connected_components_of_a_subset() -> None:
    # Path 0-1-2-3-4; removing 2 leaves two pieces.
    adj = Adjacency.from_edges(5, [[0, 1], [1, 2], [2, 3], [3, 4]])
    labels = connected_components(adj, [True, True, False, True, True])
    assert labels.tolist() == [0, 0, -1, 1, 1]
    assert connected_components(adj).tolist() == [0, 0, 0, 0, 0]


@pytest.mark.parametrize("seed", range(30))
def test_articulation_points_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 25))
    adj = random_graph(rng, n, float(rng.uniform(0.05, 0.35)))
    members = {i for i in range(n) if rng.random() < 0.8}
    assert articulation_points(adj, members) == brute_articulation(adj, members)


def test_articulation_points_on_a_long_path_need_no_recursion() -> None:
    n = 20_000
    adj = Adjacency.from_edges(n, np.column_stack([np.arange(n - 1), np.arange(1, n)]))
    points = articulation_points(adj, range(n))
    assert points == set(range(1, n - 1))


def test_contiguity_cache_follows_moves() -> None:
    rng = np.random.default_rng(7)
    adj = adjacency_from_geometry(grid_squares(6, 6))
    assignment = np.repeat([0, 1, 2], 12)
    cache = ContiguityCache(adj, assignment)
    for _ in range(200):
        unit = int(rng.integers(36))
        territory = int(rng.integers(3))
        if cache.can_leave(unit) and cache.touches(unit, territory):
            cache.move(unit, territory)
        members = {t: {u for u in range(36) if cache.assignment[u] == t} for t in range(3)}
        for u in range(36):
            own = members[cache.assignment[u]]
            expected = len(own) > 1 and u not in brute_articulation(adj, own)
            assert cache.can_leave(u) == expected
        for t in range(3):
            assert cache.is_contiguous(t)


def test_cut_edges_counts_border_edges() -> None:
    adj = adjacency_from_geometry(grid_squares(2, 2))
    assert cut_edges(adj, [0, 0, 1, 1]) == 2
    assert cut_edges(adj, [0, 0, 0, 0]) == 0
