"""Building a new plan from imported accounts, units and reps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.models.plan import Plan
from planner.models.schema import palette_color
from planner.models.settings import Settings


def _territories_from(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territory_id": ids,
            "name": ids,
            "rep_id": None,
            "parent_id": None,
            "color": [palette_color(i) for i in range(len(ids))],
            "locked": False,
            "quota": np.nan,
            "geometry_source": "units",
        }
    )


def build_plan(
    accounts: pd.DataFrame,
    units: gpd.GeoDataFrame | None = None,
    reps: pd.DataFrame | None = None,
    settings: Settings | None = None,
    name: str = "New plan",
) -> Plan:
    """A new plan from imported parts.

    Territories come from the accounts' ``territory_id`` values, else the units',
    else one empty territory per rep. A unit without a territory of its own takes
    the territory most of its accounts are in. Reps with a ``territory_id`` column
    are attached to those territories. The current alignment becomes the baseline.
    """
    accounts = accounts.copy()
    ids: list[str] = []
    if "territory_id" in accounts:
        ids = sorted({str(t) for t in accounts["territory_id"].dropna()})
    if not ids and units is not None and "territory_id" in units:
        ids = sorted({str(t) for t in units["territory_id"].dropna()})
    territories = _territories_from(ids)
    if reps is not None and len(reps):
        if "territory_id" in reps:
            rep_of = {t: r for r, t in zip(reps["rep_id"], reps["territory_id"], strict=True) if t}
            territories["rep_id"] = [rep_of.get(t) for t in territories["territory_id"]]
        elif not ids:
            territories = _territories_from([f"T{i + 1:02d}" for i in range(len(reps))])
            territories["rep_id"] = list(reps["rep_id"])
            territories["name"] = [f"{n}" for n in reps["name"]]
        reps = reps.drop(columns=[c for c in ("territory_id",) if c in reps])
    plan = Plan(accounts, units, territories, reps, settings or Settings(), name=name)
    if (
        units is not None
        and len(units)
        and ("territory_id" not in units or units["territory_id"].isna().all())
    ):
        # Units take the territory most of their accounts are in.
        placed = (plan.account_unit >= 0) & (plan.account_territory >= 0)
        if placed.any() and plan.n_territories:
            k = plan.n_territories
            pair = plan.account_unit[placed].astype(np.int64) * k + plan.account_territory[placed]
            counts = np.bincount(pair, minlength=plan.n_units * k).reshape(plan.n_units, k)
            best = np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), -1).astype(np.int32)
            plan.assign_all_units(best)
    plan.set_baseline_to_current()
    return plan
