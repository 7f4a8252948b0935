"""Lasso preview per mouse move: point-in-polygon over the plan plus the balance preview.

``lasso_preview.<size>``: budget 16 ms at 100,000 accounts and 100 ms at 1,000,000. A
300-vertex freehand lasso around a city-sized area; each figure is the median of the
per-move cost as the lasso grows (repair, enclosed units and accounts, the proposed
change with locks and pins, and the preview balance table).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from bench._common import figure, ratio
from bench._synthetic import generated_plan, size_label
from planner.models.editing import lasso_change, lasso_polygon

SIZES = (100_000, 1_000_000)
BUDGETS_MS = {100_000: 16.0, 1_000_000: 100.0}


def lasso_path(plan: object, vertices: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """A wobbly closed path around the densest part of the plan, about 1/10 of its width."""
    lon = plan.accounts["lon"].to_numpy()  # type: ignore[attr-defined]
    lat = plan.accounts["lat"].to_numpy()  # type: ignore[attr-defined]
    cx, cy = np.nanmedian(lon), np.nanmedian(lat)
    r = (np.nanmax(lon) - np.nanmin(lon)) / 10
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    wobble = 1 + 0.15 * np.sin(7 * t)
    return cx + r * wobble * np.cos(t), cy + 0.8 * r * wobble * np.sin(t)


def run(size: int | None, data: Path | None) -> None:
    for n in (size,) if size else SIZES:
        plan = generated_plan(n)
        lon, lat = lasso_path(plan)
        times = []
        moved = 0
        # Each "mouse move" extends the lasso by 5 vertices and recomputes the preview.
        for m in range(20, len(lon) + 1, 5):
            start = time.perf_counter()
            lasso = lasso_polygon(lon[:m], lat[:m])
            change, _ = lasso_change(plan, lasso.polygon, 0, "both")
            plan.preview(change)
            times.append(time.perf_counter() - start)
            moved = len(change.account_indices)
        budget = BUDGETS_MS.get(n, 16.0 * n / 100_000)
        ratio(f"lasso_preview.{size_label(n)}", statistics.median(times) * 1000, budget, "ms")
        figure(
            f"lasso_preview.{size_label(n)}_max",
            max(times) * 1000,
            "ms",
            f"{moved:,} accounts enclosed at the end",
        )
