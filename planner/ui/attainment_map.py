"""Territory colours by attainment: diverging around 100 % of quota.

Red below quota, deepening to 70 %; blue above, deepening to 130 %; near white within
2.5 points of quota; grey where a territory has no quota. Numpy only, so it tests alone.
"""

from __future__ import annotations

import numpy as np

from planner.models.actuals import cached_index, has_actuals, review_periods
from planner.models.performance import annual_quotas
from planner.models.plan import Plan

AT_QUOTA_RGB = (247, 247, 247)
BELOW_LIGHT, BELOW_DEEP = (253, 219, 199), (178, 24, 43)
ABOVE_LIGHT, ABOVE_DEEP = (209, 229, 240), (33, 102, 172)
NO_QUOTA_RGB = (200, 200, 200)
#: Points from 100 % that still read as "at quota", and the reach of the full colour.
AT_QUOTA_BAND = 2.5
REACH = 30.0
LEGEND = (
    ("≤ 70 % of quota", "#b2182b"),
    ("85 %", "#e0806f"),
    ("100 %", "#f7f7f7"),
    ("115 %", "#7fa9cf"),
    ("≥ 130 %", "#2166ac"),
    ("no quota", "#c8c8c8"),
)


def attainment_rgb(pct: np.ndarray) -> np.ndarray:
    """``(n, 3)`` uint8 colours for attainment percentages (NaN: no quota, grey)."""
    a = np.asarray(pct, dtype=float)
    d = np.nan_to_num(a - 100.0)
    s = np.clip((np.abs(d) - AT_QUOTA_BAND) / (REACH - AT_QUOTA_BAND), 0.0, 1.0)[:, None]
    below = np.array(BELOW_LIGHT) + s * (np.array(BELOW_DEEP) - np.array(BELOW_LIGHT))
    above = np.array(ABOVE_LIGHT) + s * (np.array(ABOVE_DEEP) - np.array(ABOVE_LIGHT))
    rgb = np.where((d < 0)[:, None], below, above)
    rgb = np.where((np.abs(d) <= AT_QUOTA_BAND)[:, None], np.array(AT_QUOTA_RGB), rgb)
    rgb = np.where(np.isfinite(a)[:, None], rgb, np.array(NO_QUOTA_RGB))
    return np.rint(rgb).astype(np.uint8)


def territory_attainment(
    plan: Plan, period: str | None = None, metric: str = "revenue"
) -> np.ndarray:
    """Attainment % per territory in ``period`` (default: the latest), live alignment.

    NaN where a territory has no quota, and everywhere when the plan has no actuals.
    """
    k = plan.n_territories
    if not has_actuals(plan):
        return np.full(k, np.nan)
    index = cached_index(plan)
    if metric not in index.table.columns:
        return np.full(k, np.nan)
    if not period:
        period = review_periods(index.periods)[-1]
    from planner.models.actuals import year_fraction

    actual, _ = index.sums(metric, index.rows_in([period]), plan.account_territory, k)
    quota = annual_quotas(plan, metric) * year_fraction(period)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(quota) & (quota > 0), 100 * actual / quota, np.nan)


__all__ = ["LEGEND", "attainment_rgb", "territory_attainment"]
