"""Create territories from scratch over the contiguous US: ZIP units, 1M accounts, no reps.

The instance is a freshly imported national plan: the ZIP areas of every contiguous state
(and DC) from :func:`planner.io.geography.zip_area_units`, about a million generated accounts
sampled inside them with the demo's segment mix (denser in small, urban ZIP areas), nothing
assigned, no territories and no reps. The benchmark asks ``planner capacity``'s model for
the number of territories, then runs the optimiser in create mode for 200 territories within
a time limit and reports what it reaches: time (CPU beside wall), territories in band per
measure, contiguity and the accounts left Unassigned (outside every unit).

``--size N`` sets the number of accounts (default 1,000,000). The plan is cached as a
GeoPackage in the bench cache folder (``bench/_synthetic.py``) after the first run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from bench._common import figure
from bench._synthetic import (
    cache_dir,
    sample_points,
    size_label,
    synthetic_accounts,
)

NAME = "create_national"
N_ACCOUNTS = 1_000_000
K = 200
#: Seconds given to the optimiser (the whole run, as ``planner optimise --time-limit``).
TIME_LIMIT_S = 480.0
SEED = 2026
#: Bumped whenever generation changes, so stale cached files are not reused.
GENERATOR_VERSION = 1


def contiguous_fips() -> list[str]:
    """FIPS codes of the 48 contiguous states and DC."""
    from planner.io.geography import NON_CONTIGUOUS_FIPS, state_outlines

    codes = state_outlines()["state_fips"].tolist()
    return [c for c in codes if c not in NON_CONTIGUOUS_FIPS]


def build_plan(n_accounts: int, seed: int = SEED) -> object:
    """The freshly imported national plan (no caching)."""
    from planner.io.geography import zip_area_units
    from planner.models.geo import area_km2
    from planner.models.plan import Plan

    rng = np.random.default_rng(seed)
    units = zip_area_units(contiguous_fips())[["unit_id", "name", "state", "geometry"]]
    u = len(units)
    unit_area = area_km2(units.geometry.to_numpy())
    # Small (urban) ZIP areas hold more accounts than large rural ones.
    zip_weight = rng.lognormal(0.0, 0.7, u) * np.clip(unit_area, 5.0, None) ** -0.25
    unit_of = rng.choice(u, size=n_accounts, p=zip_weight / zip_weight.sum())
    import shapely

    surface = shapely.point_on_surface(units.geometry.to_numpy())
    lon, lat = sample_points(
        units.geometry.to_numpy()[unit_of],
        shapely.get_x(surface)[unit_of],
        shapely.get_y(surface)[unit_of],
        0.35 * np.sqrt(unit_area[unit_of]),
        rng,
    )
    accounts = synthetic_accounts(units, unit_of, lon, lat, rng)
    return Plan(
        accounts, units, name=f"National ({size_label(n_accounts)} accounts, no territories)"
    )


def plan_path(n_accounts: int, seed: int = SEED) -> Path:
    """Path of the cached plan, building it first if needed."""
    from planner.io.planfile import save_plan

    path = cache_dir() / f"national_{size_label(n_accounts)}_s{seed}_v{GENERATOR_VERSION}.gpkg"
    if not path.exists():
        start = time.perf_counter()
        plan = build_plan(n_accounts, seed)
        save_plan(plan, path)  # type: ignore[arg-type]
        figure(f"{NAME}.generate", time.perf_counter() - start, "s", "first run: build and save")
    return path


class _Progress:
    """Prints the optimiser's progress messages with the wall time (a long run shows life)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = ""

    def __call__(self, fraction: float | None, message: str) -> None:
        if message != self.last:
            print(f"# {time.perf_counter() - self.start:6.1f} s  {message}", flush=True)
            self.last = message


def run(size: int | None, data: Path | None) -> None:
    from planner.io.planfile import open_plan
    from planner.models.capacity import plan_capacity
    from planner.models.progress import TaskState
    from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan

    n_accounts = size or N_ACCOUNTS
    path = plan_path(n_accounts)
    start = time.perf_counter()
    plan = open_plan(path)
    figure(
        f"{NAME}.open",
        time.perf_counter() - start,
        "s",
        f"{plan.n_accounts:,} accounts, {plan.n_units:,} ZIP units",
    )
    start = time.perf_counter()
    capacity = plan_capacity(plan)
    figure(
        f"{NAME}.capacity_suggestion",
        capacity.territories,
        "count",
        f"{capacity.arithmetic()}; {time.perf_counter() - start:.2f} s",
    )
    start = time.perf_counter()
    snapshot = snapshot_plan(plan)
    snapshot.adjacency()
    figure(f"{NAME}.snapshot_adjacency", time.perf_counter() - start, "s")

    options = OptimiseOptions(mode="create", territories=K, time_limit=TIME_LIMIT_S, seed=0)
    load_before = os.getloadavg()[0]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    result = optimise_plan(snapshot, options, TaskState(_Progress()))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    load = f"load {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    figure(f"{NAME}.time", wall, "s", f"cpu {cpu:.0f} s, limit {TIME_LIMIT_S:g} s, {load}")
    figure(f"{NAME}.status", 0 if result.status == "infeasible" else 1, "count", result.status)
    if result.status == "infeasible":
        figure(f"{NAME}.error", 1, "count", "; ".join(result.messages))
        return
    figure(f"{NAME}.territories", len(result.new_territories), "count", f"requested {K}")
    figure(f"{NAME}.in_band", result.in_band_after, "count", f"of {result.n_optimised}")
    table = result.after
    for key in result.balanced:
        j = table.column(key)
        spec = table.measures[j]
        worst = 100 * float(np.abs(table.deviation[result.optimised, j]).max())
        figure(
            f"{NAME}.in_band_{key}",
            int(table.in_band[result.optimised, j].sum()),
            "count",
            f"of {result.n_optimised}, worst deviation {worst:.1f} % (band ±{100 * spec.tolerance:.0f} %)",
        )
    figure(f"{NAME}.contiguous", result.contiguous_after, "count", f"of {result.n_optimised}")
    figure(f"{NAME}.compactness", result.compactness_after_km, "km", "mean unit → centre")
    at = plan.account_territory.copy()
    at[result.change.account_indices] = result.change.account_after
    figure(
        f"{NAME}.unassigned",
        int((at < 0).sum()),
        "count",
        f"accounts outside every unit; {int((plan.account_unit < 0).sum())} in no unit",
    )
    for message in result.messages:
        print(f"# note: {message}")
