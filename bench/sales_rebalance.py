"""Rebalancing the demo plan within a 10 % disruption budget, with the plan optimiser.

The demo plan (``resources/demo_plan.gpkg``) is deliberately out of balance. The optimiser
rebalances it on every measure the plan balances, each within the plan's own tolerance,
moving at most 10 % of the accounts. Targets: every territory in band, disruption ≤ 10 %.
``--data DIR`` runs it on ``DIR/demo_plan.gpkg`` (or the first ``.gpkg`` in ``DIR``) instead.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from bench._common import figure, load_average, ratio

BUDGET = 0.10
# The issue sets no time for this figure. The run starts from the mixed-integer model of the
# borders (planner/optimise/districting/border_mip.py), which needs about a minute on a 2-core machine
# to use a tight budget well; the local search polishes in the rest.
TIME_LIMIT_S = 120.0


def _plan_path(data: Path | None) -> Path:
    if data is None:
        return Path(__file__).resolve().parents[1] / "resources" / "demo_plan.gpkg"
    folder = Path(data)
    if folder.is_file():
        return folder
    named = folder / "demo_plan.gpkg"
    return named if named.exists() else sorted(folder.glob("*.gpkg"))[0]


def run(size: int | None, data: Path | None) -> None:
    from planner.io.planfile import open_plan
    from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan

    path = _plan_path(data)
    plan = open_plan(path)
    options = OptimiseOptions(
        mode="rebalance", max_disruption=BUDGET, time_limit=TIME_LIMIT_S, seed=0
    )
    start = time.perf_counter()
    cpu = time.process_time()
    result = optimise_plan(snapshot_plan(plan), options)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    n = result.n_optimised
    figure(
        "sales_rebalance.in_band_before",
        result.in_band_before,
        "count",
        f"of {n} territories, {plan.n_accounts} accounts, {plan.n_units} units",
    )
    figure("sales_rebalance.in_band", result.in_band_after, "count", f"of {n}, target {n}")
    for key in result.balanced:
        spec = result.after.measures[result.after.column(key)]
        before = 100 * result.worst_deviation(result.before, key)
        after = 100 * result.worst_deviation(result.after, key)
        col = result.after.column(key)
        in_band = int(result.after.in_band[result.optimised, col].sum())
        figure(
            f"sales_rebalance.worst_{key}",
            after,
            "%",
            f"band ±{100 * spec.tolerance:g} %, was {before:.1f} %, {in_band} of {n} in band",
        )
    figure(
        "sales_rebalance.disruption",
        100 * result.disruption_accounts,
        "%",
        f"accounts, budget {100 * BUDGET:g} %; revenue {100 * result.disruption_revenue:.1f} %",
    )
    figure("sales_rebalance.contiguous", result.contiguous_after, "count", f"of {n}")
    figure(
        "sales_rebalance.compactness",
        result.compactness_after_km,
        "km",
        f"mean unit to rep home, was {result.compactness_before_km:.1f} km",
    )
    figure("sales_rebalance.shortfalls", len(result.shortfalls), "count", result.status)
    change = result.change
    digest = hashlib.sha1(
        np.concatenate([change.unit_indices, change.unit_after]).astype(np.int64).tobytes()
    ).hexdigest()[:8]
    # The same seed gives the same plan on any load: compare this fingerprint between runs.
    figure("sales_rebalance.moved_units", len(change.unit_indices), "count", f"plan {digest}")
    figure("sales_rebalance.cpu", cpu, "s", f"load {load_average():.2f} at the end")
    ratio("sales_rebalance.time", elapsed, TIME_LIMIT_S, "s")
