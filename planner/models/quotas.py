"""Quotas: a company target split top-down, next to a bottom-up build from history.

Top-down splits the target across territories by their share of potential, of history
(revenue), or a weighted blend of the two shares. Bottom-up is each territory's revenue
grown by a rate per segment. Quotas are rounded with the largest-remainder method, so
they add up to the target exactly (in whole rounding units: 1 = whole currency units,
0.01 = cents).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from planner.models.balance import COL_POTENTIAL, COL_REVENUE
from planner.models.plan import Plan

METHODS = ("potential", "history", "blend")


class QuotaError(ValueError):
    """A target, method, blend or rounding unit that cannot give exact quotas."""


def _units(target: float, round_to: float) -> int:
    """The target in whole rounding units; it must be a whole number of them."""
    if not (np.isfinite(target) and target >= 0):
        raise QuotaError(f"the target must be a non-negative amount, got {target}")
    if not (np.isfinite(round_to) and round_to > 0):
        raise QuotaError(f"the rounding unit must be positive, got {round_to}")
    ratio = Decimal(repr(float(target))) / Decimal(repr(float(round_to)))
    if ratio != ratio.to_integral_value():
        raise QuotaError(f"the target {target:,} is not a whole number of {round_to:g}s")
    return int(ratio)


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights``; the parts sum to ``total``.

    Each part gets the floor of its exact share; the units left go one each to the parts
    with the largest remainders (ties to the first). Negative or missing weights count as
    zero; when every weight is zero the split is equal. Exact (rational arithmetic).
    """
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    w = np.clip(w, 0.0, None)
    n = len(w)
    if n == 0:
        if total:
            raise QuotaError("there are no territories to give the target to")
        return np.zeros(0, dtype=np.int64)
    if not (w > 0).any():
        w = np.ones(n)
    fracs = [Fraction(float(x)) for x in w]
    whole = sum(fracs, Fraction(0))
    exact = [f * total / whole for f in fracs]
    floors = [e.numerator // e.denominator for e in exact]
    left = total - sum(floors)
    order = sorted(range(n), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return np.array(floors, dtype=np.int64)


HISTORY_SOURCES = ("auto", "actuals", "revenue")


def territory_history(plan: Plan, source: str = "auto") -> np.ndarray:
    """Revenue per territory: the history a top-down split can follow.

    Parameters
    ----------
    source : {"auto", "actuals", "revenue"}
        ``actuals``: the imported actual revenue of the latest twelve months (scaled to a
        year when fewer are stored); ``revenue``: the accounts' last-12-month revenue
        column; ``auto``: actuals when the plan has actual revenue, else the column.
    """
    return history_with_source(plan, source)[0]


def history_with_source(plan: Plan, source: str = "auto") -> tuple[np.ndarray, str]:
    """:func:`territory_history` and a description of where it came from."""
    from planner.models.actuals import ACTUALS_TABLE
    from planner.models.performance import bottom_up_yield

    if source not in HISTORY_SOURCES:
        raise QuotaError(f"unknown history {source!r} (choose from {', '.join(HISTORY_SOURCES)})")
    table = plan.tables.get(ACTUALS_TABLE)
    has_revenue = table is not None and len(table) > 0 and "revenue" in table.columns
    if source == "actuals" and not has_revenue:
        raise QuotaError("the plan has no actual revenue: import actuals first (planner actuals)")
    if source != "revenue" and has_revenue:
        values, note = bottom_up_yield(plan, "revenue")
        return values, note
    return plan.engine.totals[: plan.n_territories, COL_REVENUE].copy(), "accounts' revenue (L12M)"


def territory_potential(plan: Plan) -> np.ndarray:
    """Potential per territory."""
    return plan.engine.totals[: plan.n_territories, COL_POTENTIAL].copy()


def _share(values: np.ndarray) -> np.ndarray:
    v = np.clip(np.nan_to_num(values), 0.0, None)
    s = v.sum()
    return v / s if s > 0 else np.full(len(v), 1.0 / len(v) if len(v) else 0.0)


def top_down(
    plan: Plan,
    target: float,
    method: str = "potential",
    blend: float = 0.5,
    round_to: float = 1.0,
    history: str = "auto",
) -> np.ndarray:
    """Quota per territory, adding up exactly to ``target``.

    Parameters
    ----------
    method : {"potential", "history", "blend"}
        Share of potential, of revenue, or ``blend`` × potential share +
        (1 − ``blend``) × revenue share.
    blend : float
        Weight of potential in the blend, between 0 and 1.
    round_to : float
        Rounding unit: quotas are whole multiples of it (the target must be one too).
    history : {"auto", "actuals", "revenue"}
        Where history comes from (see :func:`territory_history`).
    """
    if method not in METHODS:
        raise QuotaError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if not 0.0 <= blend <= 1.0:
        raise QuotaError(f"the blend must be between 0 and 1, got {blend}")
    units = _units(target, round_to)
    if method == "potential":
        weights = territory_potential(plan)
    elif method == "history":
        weights = territory_history(plan, history)
    else:
        weights = blend * _share(territory_potential(plan)) + (1 - blend) * _share(
            territory_history(plan, history)
        )
    parts = largest_remainder(weights, units)
    step = Decimal(repr(float(round_to)))
    return np.array([float(int(p) * step) for p in parts], dtype=float)


def bottom_up(
    plan: Plan, growth: Mapping[str, float] | None = None, default_growth: float = 0.0
) -> np.ndarray:
    """Per territory: revenue × (1 + growth rate of each account's segment)."""
    growth = dict(growth or {})
    seg = plan.accounts["segment"].astype(object)
    rate = seg.map(lambda s: growth.get(str(s), default_growth) if s is not None else None)
    rates = pd.to_numeric(rate, errors="coerce").fillna(default_growth).to_numpy(dtype=float)
    revenue = plan.engine.weights[:, COL_REVENUE]
    at = plan.account_territory
    k = plan.n_territories
    rows = np.where(at < 0, k, at)
    return np.bincount(rows, weights=revenue * (1.0 + rates), minlength=k + 1)[:k]


def quota_table(
    plan: Plan,
    target: float,
    method: str = "potential",
    blend: float = 0.5,
    round_to: float = 1.0,
    growth: Mapping[str, float] | None = None,
    history: str = "auto",
) -> pd.DataFrame:
    """Top-down and bottom-up side by side per territory, with the gap between them."""
    td = top_down(plan, target, method, blend, round_to, history)
    bu = bottom_up(plan, growth)
    return pd.DataFrame(
        {
            "territory_id": plan.territory_ids,
            "territory": [plan.territory_label(i) for i in range(plan.n_territories)],
            "top_down": td,
            "bottom_up": bu,
            "gap": td - bu,
        }
    )


def set_quotas(plan: Plan, quotas: np.ndarray) -> np.ndarray:
    """Set every territory's quota; returns the previous quotas (for undo)."""
    quotas = np.asarray(quotas, dtype=float)
    if len(quotas) != plan.n_territories:
        raise QuotaError("one quota per territory is needed")
    previous = plan.territories["quota"].to_numpy(dtype=float).copy()
    for i, q in enumerate(quotas):
        plan.set_territory_field(i, "quota", float(q))
    return previous


__all__ = [
    "HISTORY_SOURCES",
    "METHODS",
    "QuotaError",
    "bottom_up",
    "history_with_source",
    "largest_remainder",
    "quota_table",
    "set_quotas",
    "territory_history",
    "territory_potential",
    "top_down",
]
