"""Planned routes as stored in a plan, and the routed travel they put into the balance.

Visit planning (:mod:`planner.optimise.visit_planning`) writes the ``routes`` and
``route_stops`` layers and the route tables; opening a plan file reads them back. Both need
the routed travel hours the stored routes imply, which is plain model logic over the plan's
layers, so it lives here rather than in the optimiser.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from planner.models.schema import ROUTE_STOPS_LAYER, ROUTE_TOTALS_TABLE, ROUTES_LAYER

if TYPE_CHECKING:
    from planner.models.plan import Plan

__all__ = ["routed_travel_from_layers"]


def _weeks_by_rep(plan: Plan, routes: pd.DataFrame) -> dict[str, float]:
    """Horizon weeks of each rep's routes: from the totals table, else from the days' dates."""
    weeks: dict[str, float] = {}
    totals = plan.tables.get(ROUTE_TOTALS_TABLE)
    if totals is not None and {"rep_id", "weeks"} <= set(totals.columns):
        for rep, value in zip(totals["rep_id"], totals["weeks"], strict=True):
            if pd.notna(value) and float(value) > 0:
                weeks[str(rep)] = float(value)
    for rep, days in routes.groupby("rep_id")["day"]:
        if str(rep) in weeks:
            continue
        dates = pd.to_datetime(days, errors="coerce").dropna()
        if len(dates):
            first = dates.min() - pd.Timedelta(days=int(dates.min().weekday()))
            weeks[str(rep)] = float(max(1, math.ceil(((dates.max() - first).days + 1) / 7)))
    return weeks


def routed_travel_from_layers(plan: Plan) -> np.ndarray:
    """Set the balance engine's routed travel from the plan's ``routes`` layer.

    Each rep's drive hours over the horizon are annualised (× 52 / weeks; the weeks come
    from the ``route_totals`` table, or from the days' dates when it is missing) and given to
    the rep's territories in proportion to the routed visits of their accounts (all to the
    one territory in the usual case of one territory per rep). Territories whose rep has no
    planned routes keep the estimate (NaN). Call after opening a plan file; nothing is
    announced (the caller shows the plan afterwards).

    The routes count as planned for each territory's current accounts (the engine
    remembers its membership fingerprint), so a later edit that moves accounts in or out
    reverts the territory to the estimate. A territory whose routed hours come out the
    same as before (its rep was not re-planned) keeps the fingerprint it was routed for,
    so re-planning one rep does not make another rep's outdated routes count again.

    Returns
    -------
    ndarray
        The hours set, one per territory.
    """
    hours = np.full(plan.n_territories, np.nan)
    routes = plan.layers.get(ROUTES_LAYER)
    if routes is None or "rep_id" not in routes or "drive_minutes" not in routes:
        plan.set_routed_travel(hours)
        return hours
    weeks = _weeks_by_rep(plan, routes)
    drive = routes.groupby(routes["rep_id"].astype(str))["drive_minutes"].sum() / 60.0
    totals = plan.tables.get(ROUTE_TOTALS_TABLE)
    planned = set(drive.index)
    if totals is not None and "rep_id" in totals:
        planned |= {str(r) for r in totals["rep_id"]}  # reps planned with no visits: 0 h
    stops = plan.layers.get(ROUTE_STOPS_LAYER)
    row_of = {str(a): i for i, a in enumerate(plan.accounts["account_id"])}
    terr_rep = list(plan.territories["rep_id"])
    for rep in planned:
        mine = [t for t, r in enumerate(terr_rep) if r == rep]
        if not mine:
            continue
        annual = float(drive.get(rep, 0.0)) * 52.0 / weeks.get(rep, 4.0)
        share = np.ones(len(mine))
        if len(mine) > 1 and stops is not None and len(stops):
            ids = stops.loc[stops["rep_id"].astype(str) == rep, "account_id"].astype(str)
            rows = np.array([row_of[a] for a in ids if a in row_of], dtype=np.int64)
            counts = np.array([(plan.account_territory[rows] == t).sum() for t in mine], float)
            if counts.sum() > 0:
                share = counts
        hours[mine] = annual * share / share.sum()
    before, routed_for = plan.routed_state()
    fingerprints = plan.engine.fingerprint[: plan.n_territories].copy()
    if before.shape == hours.shape:
        unchanged = np.isfinite(hours) & (before == hours)
        fingerprints[unchanged] = routed_for[unchanged]
    plan.set_routed_travel(hours, fingerprints)
    return hours
