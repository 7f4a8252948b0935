"""The territory optimiser: contiguous, balanced, compact territories built from units.

The package's parts share one problem model, public to them all:

- :mod:`.problem`: the validated request (:class:`~.problem.Problem`), the work counter and
  the result types;
- :mod:`.state`: the search state (an assignment with running values, centres, disruption);
- :mod:`.seeding`: start solutions (seed units, region growing);
- :mod:`.search`: the local search (moves, swaps, ejection chains, restarts, budgets);
- :mod:`.recombination`: exact re-splits of neighbouring territories (distance objective);
- :mod:`.lns`: exact large-neighbourhood search for the fewest cut edges;
- :mod:`.exact`: the exact CP-SAT model;
- :mod:`.border_mip`: the mixed-integer model of the borders for budgeted rebalancing;
- :mod:`.results`: the result, shortfalls and explained moves;
- :mod:`.solver`: :func:`optimise_territories`, which runs them in turn.

Import the public API from here: ``from planner.optimise.districting import
optimise_territories``.
"""

from planner.optimise.districting.problem import (
    COMPACTNESS,
    CONTIGUITY,
    WALL_GRACE,
    WALL_SAFETY,
    WORK_PER_SECOND,
    Blocker,
    DistrictingResult,
    Mode,
    MoveExplanation,
    Shortfall,
    Travel,
    work_ticks,
)
from planner.optimise.districting.results import territory_diameters
from planner.optimise.districting.solver import optimise_territories

__all__ = [
    "COMPACTNESS",
    "CONTIGUITY",
    "WALL_GRACE",
    "WALL_SAFETY",
    "WORK_PER_SECOND",
    "Blocker",
    "DistrictingResult",
    "Mode",
    "MoveExplanation",
    "Shortfall",
    "Travel",
    "optimise_territories",
    "territory_diameters",
    "work_ticks",
]
