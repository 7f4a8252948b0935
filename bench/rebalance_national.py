"""Rebalance the national plan after a year of market change, within a 10 % disruption budget.

The instance starts from the alignment ``create_national`` made (300 territories over the
ZIP areas of the contiguous US, 1M accounts; the benchmark runs it first when its cached
alignment is missing), taken as the baseline. The market then changes: potential grows or
shrinks by region (a smooth random field, ±25 % at most) and a tenth of the accounts change
their visit frequency, so many territories leave their bands. The optimiser rebalances the
three measures (workload, potential, accounts) within ±10 % with at most 10 % of the
accounts changing territory (counted against the baseline) and the default per-rep limit,
by transfers across the territory graph (``planner.optimise.transfer``) and the boundary
repair of ``planner.optimise.decompose``. Printed: wall time with the CPU
time of the process and its workers, peak memory, load average, territories in band before
and after per measure with the worst deviation, contiguity, disruption against the
baseline, the worst rep's churn.

``NATIONAL_ACCOUNTS=held-out`` runs on the second account distribution (see
``create_national``).
"""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

import numpy as np

from bench import create_national as cn
from bench._common import figure

NAME = "rebalance_national"
TIME_LIMIT_S = 300.0
MAX_DISRUPTION = 0.10
PERTURB_SEED = 11


def aligned_plan(path: Path, size: int | None) -> object:
    """The national plan with the created territories applied and taken as the baseline.

    Built as a new plan from the opened one's frames (inserting 300 territories one by one
    rebuilds the balance of a million accounts each time).
    """
    import pandas as pd

    from planner.io.planfile import open_plan
    from planner.models.plan import Plan
    from planner.models.schema import palette_color
    from planner.optimise.plan_optimiser import created_territory_id

    created = cn.created_path(path)
    if not created.exists():
        print(f"# {created.name} missing: running create_national first", flush=True)
        cn.run(size, None)
    ut = np.load(created)
    source = open_plan(path)
    k = int(ut.max()) + 1
    ids = np.array([created_territory_id(i) for i in range(k)], dtype=object)
    territories = pd.DataFrame(
        {
            "territory_id": ids,
            "name": [f"Territory {i + 1}" for i in range(k)],
            "color": [palette_color(i) for i in range(k)],
            "geometry_source": "units",
        }
    )
    au = source.account_unit
    at = np.where(au >= 0, ut[np.maximum(au, 0)], -1)
    labels = np.concatenate([[None], ids]).astype(object)
    accounts = source.accounts.copy()
    accounts["territory_id"] = labels[at + 1]
    accounts["baseline_territory_id"] = labels[at + 1]
    units = source.units.copy()
    units["territory_id"] = labels[ut + 1]
    return Plan(
        accounts, units, territories, settings=source.settings, name=f"{source.name}, aligned"
    )


def perturb(snapshot: object, seed: int = PERTURB_SEED) -> object:
    """The market a year later: regional potential change, visit frequencies revised."""
    from planner.optimise.plan_optimiser import PlanSnapshot

    assert isinstance(snapshot, PlanSnapshot)
    rng = np.random.default_rng(seed)
    w = snapshot.weights
    lon, lat = np.nan_to_num(w.lon), np.nan_to_num(w.lat)
    field = np.zeros(lon.size)
    for _ in range(40):
        c_lon, c_lat = rng.uniform(-124, -68), rng.uniform(25, 49)
        radius = rng.uniform(1.5, 5.0)
        field += rng.normal(0, 1) * np.exp(
            -((lon - c_lon) ** 2 + (lat - c_lat) ** 2) / (2 * radius**2)
        )
    factor = 1.0 + 0.25 * np.tanh(field)
    visits = w.visits_per_year.copy()
    revised = rng.random(visits.size) < 0.10
    visits[revised] = np.maximum(
        1.0, np.round(visits[revised] * rng.uniform(0.5, 1.8, revised.sum()))
    )
    weights = dataclasses.replace(w, potential=w.potential * factor, visits_per_year=visits)
    return dataclasses.replace(snapshot, weights=weights)


def run(size: int | None, data: Path | None) -> None:
    from planner.models.progress import TaskState
    from planner.optimise.plan_optimiser import (
        DEFAULT_MAX_DISRUPTION_PER_REP,
        OptimiseOptions,
        optimise_plan,
        snapshot_plan,
    )

    path = cn.plan_path(size or cn.N_ACCOUNTS)
    start = time.perf_counter()
    plan = aligned_plan(path, size)
    figure(f"{NAME}.prepare", time.perf_counter() - start, "s", f"{cn.variant()} accounts")
    snapshot = perturb(snapshot_plan(plan))
    options = OptimiseOptions(
        mode="rebalance",
        measures=cn.MEASURES,
        tolerances=dict.fromkeys(cn.MEASURES, cn.TOLERANCE),
        max_disruption=MAX_DISRUPTION,
        max_disruption_per_rep=DEFAULT_MAX_DISRUPTION_PER_REP,
        time_limit=TIME_LIMIT_S,
        seed=0,
        decompose=os.environ.get("NATIONAL_DECOMPOSE", "auto"),
    )
    load_before = os.getloadavg()[0]
    wall0, (cpu0, _, _) = time.perf_counter(), cn.usage()
    result = optimise_plan(snapshot, options, TaskState(cn._Progress()))
    wall, cpu = time.perf_counter() - wall0, cn.usage()[0] - cpu0
    load = f"load {load_before:.1f} → {os.getloadavg()[0]:.1f}, limit {TIME_LIMIT_S:g} s"
    figure(f"{NAME}.in_band_before", result.in_band_before, "count", "after the market change")
    cn.report(NAME, result, wall, cpu, load, plan.n_territories)
    if result.status == "infeasible":
        return
    figure(
        f"{NAME}.disruption",
        100 * result.baseline_after,
        "%",
        f"of accounts from the baseline, budget {100 * MAX_DISRUPTION:g} %; "
        f"{result.accounts_moved:,} accounts, {result.units_moved:,} units moved",
    )
    figure(
        f"{NAME}.worst_rep",
        100 * result.worst_rep_after,
        "%",
        f"largest churn of one territory, limit {100 * DEFAULT_MAX_DISRUPTION_PER_REP:g} %",
    )
    ut = snapshot.unit_territory.copy()  # type: ignore[attr-defined]
    ut[result.change.unit_indices] = result.change.unit_after
    figure(
        f"{NAME}.contiguous_islands_linked",
        cn.contiguous_with_links(snapshot, ut, plan.n_territories),  # type: ignore[attr-defined]
        "count",
        f"of {plan.n_territories}, island ZIP areas joined to their nearest unit",
    )
    for message in result.messages:
        print(f"# note: {message}")
