"""Density (heat) of an account measure as an image grid: numpy only, so it tests alone.

A view's accounts are binned into cells of a few screen pixels (one ``bincount``: cost
in the number of accounts, about 10 ms a million), the grid is smoothed with two passes
of a box filter (cost in the number of cells) and coloured through a 256-entry table.
The kernel is in screen cells, so the layer reads the same at every zoom: what it shows
is where the measure concentrates within the view, scaled to the view's own peak.
"""

from __future__ import annotations

import numpy as np

from planner.models.actuals import cached_index, has_actuals, metric_info, review_periods
from planner.models.plan import Plan

#: Heat measures of the accounts: key -> label. Actual metrics are ``actual:<metric>``.
ACCOUNT_MEASURES = {
    "potential": "Potential",
    "revenue": "Revenue (L12M)",
    "white_space": "White space (potential − revenue)",
    "accounts": "Accounts",
}
#: Colour ramp: transparent pale yellow through orange to deep red (YlOrRd).
_STOPS = np.array(
    [
        (0.00, 255, 255, 204, 0),
        (0.15, 255, 237, 160, 90),
        (0.35, 254, 178, 76, 135),
        (0.60, 253, 141, 60, 165),
        (0.80, 240, 59, 32, 185),
        (1.00, 189, 0, 38, 205),
    ]
)


def _lut() -> np.ndarray:
    t = np.linspace(0, 1, 256)
    channels = [np.interp(t, _STOPS[:, 0], _STOPS[:, c]) for c in range(1, 5)]
    r, g, b, a = (np.rint(c).astype(np.uint32) for c in channels)
    # Premultiplied ARGB32: what QImage.Format_ARGB32_Premultiplied paints fastest.
    r, g, b = (r * a) // 255, (g * a) // 255, (b * a) // 255
    return (a << 24) | (r << 16) | (g << 8) | b


LUT = _lut()


def heat_measures(plan: Plan) -> dict[str, str]:
    """Measures the plan can show as heat: the account measures and each actual metric."""
    out = dict(ACCOUNT_MEASURES)
    if has_actuals(plan):
        index = cached_index(plan)
        latest = review_periods(index.periods)[-1]
        for col in index.table.columns:
            if col not in ("account_id", "period"):
                out[f"actual:{col}"] = f"Actual {metric_info(col).label.lower()} ({latest})"
    return out


def measure_weights(plan: Plan, measure: str) -> np.ndarray:
    """One weight per account for ``measure`` (missing values and negatives count 0).

    ``actual:<metric>`` sums the metric over the latest review period (a quarter when
    any period is one).

    Raises
    ------
    KeyError
        For a measure the plan has no data for.
    """
    n = plan.n_accounts
    if measure == "accounts":
        return np.ones(n)
    if measure in ("potential", "revenue"):
        return np.clip(np.nan_to_num(plan.accounts[measure].to_numpy(dtype=float)), 0, None)
    if measure == "white_space":
        pot = np.nan_to_num(plan.accounts["potential"].to_numpy(dtype=float))
        rev = np.nan_to_num(plan.accounts["revenue"].to_numpy(dtype=float))
        return np.clip(pot - rev, 0, None)
    if measure.startswith("actual:") and has_actuals(plan):
        metric = measure.split(":", 1)[1]
        index = cached_index(plan)
        if metric in index.table.columns:
            rows = index.rows_in([review_periods(index.periods)[-1]]) & (index.account >= 0)
            values = np.nan_to_num(index.table[metric].to_numpy(dtype=float)[rows])
            sums = np.bincount(index.account[rows], weights=values, minlength=n)[:n]
            return np.clip(sums, 0, None)
    raise KeyError(f"no heat measure {measure!r} (measures: {', '.join(heat_measures(plan))})")


def density_grid(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    left: float,
    top: float,
    cell: float,
    nx: int,
    ny: int,
    origin: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Sum of ``weights`` per cell of an ``ny × nx`` grid whose top-left corner is ``(left, top)``.

    Coordinates are world metres (y up) or, as float32, metres from an ``origin`` (then
    ``left`` and ``top`` are world metres still); rows run downwards. Points outside
    count nowhere. float32 offsets halve the memory traffic of a million points; their
    precision (centimetres a thousand kilometres out) is far below a cell.
    """
    ox, oy = origin
    k = np.float32(1.0 / cell) if x.dtype == np.float32 else 1.0 / cell
    col = x - x.dtype.type(left - ox)
    col *= k
    row = y.dtype.type(top - oy) - y
    row *= k
    # Negated "inside" so that NaN coordinates count as outside.
    outside = ~((col >= 0) & (col < nx) & (row >= 0) & (row < ny))
    flat = row.astype(np.int32)
    flat *= nx
    flat += col.astype(np.int32)
    flat[outside] = nx * ny
    grid = np.bincount(flat, weights=weights, minlength=nx * ny + 1)[: nx * ny]
    return grid.reshape(ny, nx)


def _box(grid: np.ndarray, radius: int, axis: int) -> np.ndarray:
    """Mean over a window of ``2 * radius + 1`` cells along one axis (zero padded)."""
    pad = [(0, 0), (0, 0)]
    pad[axis] = (radius + 1, radius)
    c = np.cumsum(np.pad(grid, pad), axis=axis)
    n = grid.shape[axis]
    hi = np.take(c, np.arange(2 * radius + 1, 2 * radius + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return (hi - lo) / (2 * radius + 1)


def smooth(grid: np.ndarray, radius: int = 3, passes: int = 2) -> np.ndarray:
    """Box filter ``passes`` times in each direction: close to a Gaussian, cost per cell."""
    out = grid.astype(float)
    for _ in range(passes):
        out = _box(_box(out, radius, 0), radius, 1)
    return out


def colorize(grid: np.ndarray, peak: float | None = None) -> tuple[np.ndarray, float]:
    """Premultiplied ARGB32 pixels for a density grid, and the peak used.

    Values are scaled by the square root of their share of ``peak`` (default: the 99.5th
    percentile of the cells above zero), so both the dense centres and the thin
    surroundings stay visible.
    """
    if peak is None:
        # A strided sample of the cells is enough to place the top of the scale.
        positive = grid.reshape(-1)[:: max(1, grid.size // 50_000)]
        positive = positive[positive > 0]
        if not positive.size:
            positive = grid[grid > 0]
        peak = float(np.percentile(positive, 99.5)) if positive.size else 0.0
    if peak <= 0:
        return np.zeros(grid.shape, dtype=np.uint32), 0.0
    t = np.sqrt(np.clip(grid / peak, 0.0, 1.0))
    codes = np.rint(t * 255).astype(np.intp)
    return LUT[codes], peak


__all__ = [
    "ACCOUNT_MEASURES",
    "LUT",
    "colorize",
    "density_grid",
    "heat_measures",
    "measure_weights",
    "smooth",
]
