"""Create territories from scratch over the contiguous US: ZIP units, 1M accounts, no reps.

The instance is a freshly imported national plan: the ZIP areas of every contiguous state
(and DC) from :func:`planner.io.geography.zip_area_units`, about a million generated accounts
sampled inside them with the demo's segment mix (denser in small, urban ZIP areas), nothing
assigned, no territories and no reps. The benchmark asks ``planner capacity``'s model for
the number of territories, then runs the optimiser in create mode for 300 territories,
three measures (workload, potential, accounts) within ±10 %, decomposed into parts solved in
parallel worker processes (:mod:`planner.optimise.decompose`), and reports: wall time with
the CPU time of this process and its workers, peak memory, the load average, territories in
band per measure with the worst deviation, contiguity and the accounts left Unassigned.

``--size N`` sets the number of accounts (default 1,000,000). Environment:
``NATIONAL_ACCOUNTS=held-out`` uses a second account distribution (another seed, accounts
clustered around metropolitan centres) the optimiser was not tuned on;
``NATIONAL_DECOMPOSE=off`` solves the plan whole. The plan is cached as a GeoPackage in the
bench cache folder (``bench/_synthetic.py``) after the first run, and the created alignment
as ``.npy`` beside it, for ``rebalance_national``.
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
K = 300
MEASURES = ("workload", "potential", "accounts")
TOLERANCE = 0.10
#: Seconds given to the optimiser (the whole run, as ``planner optimise --time-limit``).
TIME_LIMIT_S = 300.0
SEED = 2026
#: The second account distribution (not tuned on): its seed and number of metro centres.
HELD_OUT_SEED = 7
HELD_OUT_METROS = 60
#: Bumped whenever generation changes, so stale cached files are not reused.
GENERATOR_VERSION = 1


def contiguous_fips() -> list[str]:
    """FIPS codes of the 48 contiguous states and DC."""
    from planner.io.geography import NON_CONTIGUOUS_FIPS, state_outlines

    codes = state_outlines()["state_fips"].tolist()
    return [c for c in codes if c not in NON_CONTIGUOUS_FIPS]


def variant() -> str:
    """``tuned`` (the default distribution) or ``held-out`` (NATIONAL_ACCOUNTS)."""
    value = os.environ.get("NATIONAL_ACCOUNTS", "tuned")
    if value not in ("tuned", "held-out"):
        raise ValueError(f"NATIONAL_ACCOUNTS must be tuned or held-out, got {value!r}")
    return value


def build_plan(n_accounts: int, seed: int = SEED, metros: int = 0) -> object:
    """The freshly imported national plan (no caching).

    ``metros`` > 0 clusters the accounts around that many metropolitan centres (ZIP areas
    drawn by their density), each a Gaussian bump of 30–120 km over the ZIP weights.
    """
    from planner.io.geography import zip_area_units
    from planner.models.geo import area_km2
    from planner.models.plan import Plan

    rng = np.random.default_rng(seed)
    units = zip_area_units(contiguous_fips())[["unit_id", "name", "state", "geometry"]]
    u = len(units)
    unit_area = area_km2(units.geometry.to_numpy())
    # Small (urban) ZIP areas hold more accounts than large rural ones.
    zip_weight = rng.lognormal(0.0, 0.7, u) * np.clip(unit_area, 5.0, None) ** -0.25
    if metros:
        centroid = units.geometry.to_crs(5070).centroid
        cx, cy = centroid.x.to_numpy() / 1000.0, centroid.y.to_numpy() / 1000.0
        dense = np.clip(unit_area, 5.0, None) ** -1.0
        centre = rng.choice(u, size=metros, replace=False, p=dense / dense.sum())
        bump = np.zeros(u)
        for c, radius, height in zip(
            centre, rng.uniform(30.0, 120.0, metros), rng.lognormal(2.0, 0.8, metros), strict=True
        ):
            bump += height * np.exp(-((cx - cx[c]) ** 2 + (cy - cy[c]) ** 2) / (2 * radius**2))
        zip_weight = zip_weight * (0.3 + bump)
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


def plan_path(n_accounts: int) -> Path:
    """Path of the cached plan (of :func:`variant`), building it first if needed."""
    from planner.io.planfile import save_plan

    held_out = variant() == "held-out"
    seed = HELD_OUT_SEED if held_out else SEED
    tag = f"_m{HELD_OUT_METROS}" if held_out else ""
    label = size_label(n_accounts)
    path = cache_dir() / f"national_{label}_s{seed}{tag}_v{GENERATOR_VERSION}.gpkg"
    if not path.exists():
        start = time.perf_counter()
        plan = build_plan(n_accounts, seed, HELD_OUT_METROS if held_out else 0)
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


def created_path(plan_file: Path) -> Path:
    """Where the created alignment (territory per unit) of a plan file is cached."""
    return plan_file.with_name(plan_file.stem + f"_created_k{K}.npy")


def usage() -> tuple[float, float, float]:
    """CPU seconds of this process and its finished children, and peak memory in MB of
    this process and of its largest child."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, me.ru_maxrss / 1024, kids.ru_maxrss / 1024


def contiguous_with_links(snapshot: object, unit_territory: np.ndarray, k: int) -> int:
    """Territories in one piece when islands count as joined to their nearest unit."""
    import shapely

    from planner.optimise.decompose import link_islands, territory_pieces
    from planner.optimise.plan_optimiser import PlanSnapshot

    assert isinstance(snapshot, PlanSnapshot)
    # The optimiser's own unit points and projection, so the links are the ones it used.
    from planner.models.geo import EARTH_RADIUS_KM

    pts = shapely.get_coordinates(shapely.point_on_surface(snapshot.unit_geometry))
    lon, lat = pts[:, 0], pts[:, 1]
    lon0, lat0 = float(np.nanmean(lon)), float(np.nanmean(lat))
    xy = EARTH_RADIUS_KM * np.column_stack(
        [np.radians(lon - lon0) * np.cos(np.radians(lat0)), np.radians(lat - lat0)]
    )
    pieces = territory_pieces(link_islands(snapshot.adjacency(), xy), unit_territory, k)
    return int(np.count_nonzero(pieces == 1))


def report(name: str, result: object, wall: float, cpu: float, load: str, k: int) -> None:
    """The figures every national run prints."""
    import resource

    from planner.optimise.plan_optimiser import PlanOptimisation

    assert isinstance(result, PlanOptimisation)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figure(f"{name}.time", wall, "s", f"cpu {cpu:.0f} s (with workers), {load}")
    figure(f"{name}.peak_memory", peak_self, "MB", "this process; workers: see the note")
    figure(f"{name}.status", 0 if result.status == "infeasible" else 1, "count", result.status)
    if result.status == "infeasible":
        figure(f"{name}.error", 1, "count", "; ".join(result.messages))
        return
    figure(f"{name}.in_band", result.in_band_after, "count", f"of {result.n_optimised}")
    table = result.after
    for key in result.balanced:
        j = table.column(key)
        spec = table.measures[j]
        worst = 100 * float(np.abs(table.deviation[result.optimised, j]).max())
        figure(
            f"{name}.in_band_{key}",
            int(table.in_band[result.optimised, j].sum()),
            "count",
            f"of {result.n_optimised}, worst deviation {worst:.1f} % "
            f"(band ±{100 * spec.tolerance:.0f} %)",
        )
    figure(f"{name}.contiguous", result.contiguous_after, "count", f"of {k}")
    figure(f"{name}.compactness", result.compactness_after_km, "km", "mean unit → centre")


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
        f"{plan.n_accounts:,} accounts, {plan.n_units:,} ZIP units ({variant()} accounts)",
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

    decompose = os.environ.get("NATIONAL_DECOMPOSE", "auto")
    options = OptimiseOptions(
        mode="create",
        territories=K,
        measures=MEASURES,
        tolerances=dict.fromkeys(MEASURES, TOLERANCE),
        time_limit=TIME_LIMIT_S,
        seed=0,
        decompose=decompose,
    )
    load_before = os.getloadavg()[0]
    wall0, (cpu0, _, _) = time.perf_counter(), usage()
    result = optimise_plan(snapshot, options, TaskState(_Progress()))
    wall, cpu = time.perf_counter() - wall0, usage()[0] - cpu0
    load = f"load {load_before:.1f} → {os.getloadavg()[0]:.1f}, limit {TIME_LIMIT_S:g} s"
    report(NAME, result, wall, cpu, load, K)
    if result.status == "infeasible":
        return
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
    ut = plan.unit_territory.copy()
    ut[result.change.unit_indices] = result.change.unit_after
    figure(
        f"{NAME}.contiguous_islands_linked",
        contiguous_with_links(snapshot, ut, K),
        "count",
        f"of {K}, island ZIP areas joined to their nearest unit",
    )
    np.save(created_path(path), ut)
