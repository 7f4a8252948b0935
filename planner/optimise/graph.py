"""Unit adjacency graphs: moved to :mod:`planner.models.graph`, re-exported for the optimiser.

The problems panel and the optimiser share one implementation and one cache per plan, which
belongs to the model layer. Import from :mod:`planner.models.graph` in new code.
"""

from planner.models.graph import (
    Adjacency,
    AdjacencyCache,
    ContiguityCache,
    adjacency_from_geometry,
    articulation_points,
    connected_components,
    cut_edges,
    n_pieces,
    plan_adjacency_cache,
    unit_adjacency,
)

__all__ = [
    "Adjacency",
    "AdjacencyCache",
    "ContiguityCache",
    "adjacency_from_geometry",
    "articulation_points",
    "connected_components",
    "cut_edges",
    "n_pieces",
    "plan_adjacency_cache",
    "unit_adjacency",
]
