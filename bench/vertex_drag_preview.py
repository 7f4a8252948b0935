"""Vertex drag preview: one mouse move of a corner of a drawn territory holding 5,000 accounts.

``vertex_drag_preview.5k``: budget 16 ms per move (new shape, accounts that join or
leave, the balance preview and the disruption preview).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import shapely

from bench._common import ratio
from bench._synthetic import generated_plan
from planner.models.editing import boundary_change, move_vertex


def run(size: int | None, data: Path | None) -> None:
    plan = generated_plan(100_000)
    lon = plan.accounts["lon"].to_numpy()
    lat = plan.accounts["lat"].to_numpy()
    # A 64-corner drawn territory around the densest 5,000 accounts.
    cx, cy = np.nanmedian(lon), np.nanmedian(lat)
    d = np.hypot(lon - cx, lat - cy)
    r = float(np.sort(d[np.isfinite(d)])[size or 5_000])
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    shape = shapely.MultiPolygon(
        [shapely.Polygon(np.column_stack([cx + r * np.cos(t), cy + r * np.sin(t)]))]
    )
    plan.insert_territory(
        plan.n_territories, {"territory_id": "DRAWN", "geometry_source": "drawn"}, shape
    )
    index = plan.n_territories - 1
    plan.apply(boundary_change(plan, index, None, shape))  # type: ignore[arg-type]
    held = int((plan.account_territory == index).sum())
    times = []
    for step in range(1, 31):
        start = time.perf_counter()
        moved = move_vertex(shape, 0, 0, cx + r * (1 + step / 60), cy + r * step / 120)
        change = boundary_change(plan, index, shape, moved)
        plan.preview(change)  # type: ignore[arg-type]
        plan.disruption(change)  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    ratio(f"vertex_drag_preview.{held // 1000}k", statistics.median(times) * 1000, 16.0, "ms")
