"""Small-multiple maps of scenarios side by side (matplotlib, Qt-free)."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from planner.io.map_image import plain_text, safe_colors
from planner.models.plan import Plan


def unit_rings(plan: Plan) -> tuple[list[np.ndarray], np.ndarray]:
    """Exterior rings of every unit part (lon/lat) and the unit each ring belongs to."""
    parts, owner = shapely.get_parts(plan.units.geometry.to_numpy(), return_index=True)
    rings = [np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(p))) for p in parts]
    return rings, np.asarray(owner)


def scenario_figure(plan: Plan, names: list[str], columns: int = 3) -> Any:
    """A figure with one small map per scenario: units coloured by territory.

    Parameters
    ----------
    plan : Plan
    names : list of str
        Scenario names (``current``, ``baseline`` or stored scenarios).
    columns : int
        Maps per row.
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba
    from matplotlib.figure import Figure

    from planner.models.scenarios import scenario_unit_alignment

    rings, owner = unit_rings(plan)
    palette = np.array(
        [to_rgba("#d0d0d0")] + [to_rgba(c) for c in safe_colors(plan.territories["color"])],
        dtype=float,
    )
    n = max(len(names), 1)
    cols = min(columns, n)
    rows = (n + cols - 1) // cols
    figure = Figure(figsize=(3.6 * cols, 3.0 * rows), layout="constrained")
    x0, y0, x1, y1 = plan.units.total_bounds if plan.n_units else (0, 0, 1, 1)
    for i, name in enumerate(names):
        ax = figure.add_subplot(rows, cols, i + 1)
        territory = scenario_unit_alignment(plan, name)
        colors = palette[territory[owner] + 1]
        ax.add_collection(PolyCollection(rings, facecolors=colors, edgecolors="none"))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(1 / np.cos(np.radians((y0 + y1) / 2)))
        ax.set_title(plain_text(name), fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    return figure
