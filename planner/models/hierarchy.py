"""Territories rolled up into districts and regions through ``parent_id``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.models.balance import BalanceTable, balance_from_values
from planner.models.plan import Plan


@dataclass
class Rollup:
    """Balance of the parents (districts or regions) of a plan's territories.

    ``members[i]`` lists the territory indices under ``names[i]``; territories without a
    parent are grouped under "(no parent)". Every measure is a sum over territories
    (workload included), so a parent's value is the sum of its children's.
    """

    names: list[str]
    members: list[list[int]]
    table: BalanceTable


def rollup(plan: Plan, table: BalanceTable | None = None) -> Rollup:
    """Sum a balance table (the plan's current one by default) by ``parent_id``."""
    table = table if table is not None else plan.balance()
    parents = [
        p if isinstance(p, str) and p else "(no parent)" for p in plan.territories["parent_id"]
    ]
    names = list(dict.fromkeys(parents))
    index = np.array([names.index(p) for p in parents], dtype=np.int64)
    members = [np.flatnonzero(index == i).tolist() for i in range(len(names))]
    m = table.values.shape[1]
    values = np.zeros((len(names), m))
    np.add.at(values, index, table.values)
    travel = (
        np.bincount(index, weights=table.travel_km, minlength=len(names))
        if len(index)
        else np.zeros(0)
    )
    # A parent's target is the mean over parents (set targets are per territory: scale them).
    measures = [
        type(spec)(
            spec.key,
            spec.label,
            spec.tolerance,
            None if spec.target is None else spec.target * len(index) / max(len(names), 1),
            spec.kind,
        )
        for spec in table.measures
    ]
    targets, deviation, in_band = balance_from_values(values, measures)
    return Rollup(
        names,
        members,
        BalanceTable(measures, values, table.unassigned, targets, deviation, in_band, travel),
    )


def has_hierarchy(plan: Plan) -> bool:
    """Whether any territory has a parent."""
    return any(isinstance(p, str) and p for p in plan.territories["parent_id"])
