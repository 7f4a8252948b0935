"""Large generated plans over real geography, cached as GeoPackages for the model benchmarks.

The units are real-sized ZIP areas (Voronoi cells of the Census ZCTA centroids of
Illinois, Indiana, Wisconsin and, for larger sizes, further Midwest states, clipped to
the state outlines); the accounts are sampled inside them with the same mix as the demo
plan; territories are compact clusters of units around seeded centres. The first call
for a size builds and saves the plan (a minute or two at 1M accounts); later calls open
the cached file.

The cache folder is ``$TERRITORY_PLANNER_BENCH_CACHE`` or
``~/.cache/territory-planner-bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.models.plan import Plan

#: Bumped whenever generation changes, so stale cached files are not reused.
GENERATOR_VERSION = 1

#: States taken in order until the region holds enough ZIP areas: IL, IN, WI, MI, OH,
#: IA, MO, KY, MN (about 10,800 ZCTAs in all).
REGION_FIPS = ("17", "18", "55", "26", "39", "19", "29", "21", "27")

SEGMENTS = np.array(["A", "B", "C"], dtype=object)
SEGMENT_SHARE = np.array([0.10, 0.30, 0.60])
SEGMENT_MEDIAN_REVENUE = np.array([150_000.0, 40_000.0, 8_000.0])
SEGMENT_VISITS = np.array([24.0, 12.0, 4.0])
SEGMENT_MINUTES = np.array([60.0, 45.0, 30.0])


def cache_dir() -> Path:
    """Folder of the cached benchmark plans (created on demand)."""
    override = os.environ.get("TERRITORY_PLANNER_BENCH_CACHE")
    folder = Path(override) if override else Path.home() / ".cache" / "territory-planner-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def size_label(n: int) -> str:
    """``100k``, ``1m``, ``2500``: short labels for figure names."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def generated_plan_path(
    n_accounts: int, n_units: int = 3000, n_territories: int = 40, seed: int = 0
) -> Path:
    """Path of the cached plan file for these parameters, building it first if needed."""
    if n_accounts < 1 or n_units < n_territories or n_territories < 1:
        raise ValueError(
            f"need n_accounts >= 1 and n_units >= n_territories >= 1, got "
            f"{n_accounts}, {n_units}, {n_territories}"
        )
    name = f"plan-v{GENERATOR_VERSION}-a{n_accounts}-u{n_units}-t{n_territories}-s{seed}.gpkg"
    path = cache_dir() / name
    if not path.exists():
        from planner.io.planfile import save_plan

        save_plan(build_plan(n_accounts, n_units, n_territories, seed), path)
    return path


def generated_plan(
    n_accounts: int, n_units: int = 3000, n_territories: int = 40, seed: int = 0
) -> Plan:
    """A plan of ``n_accounts`` accounts over ``n_units`` real ZIP areas (cached on disk).

    Parameters
    ----------
    n_accounts : int
        Number of accounts (all placed, all assigned).
    n_units : int, default 3000
        Number of ZIP areas; whole states are taken from :data:`REGION_FIPS` until there
        are enough ZCTAs, then a seeded sample of exactly ``n_units`` centroids is
        tessellated, so the units still tile the states.
    n_territories : int, default 40
        Number of territories, each with a rep living near its centre.
    seed : int, default 0

    Returns
    -------
    Plan
        Opened from the cached GeoPackage with :func:`planner.io.planfile.open_plan`.
    """
    from planner.io.planfile import open_plan

    return open_plan(generated_plan_path(n_accounts, n_units, n_territories, seed))


def region_units(n_units: int, seed: int) -> gpd.GeoDataFrame:
    """Exactly ``n_units`` ZIP areas tiling whole Midwest states."""
    from planner.io import geography

    centroids = geography.zip_centroids(list(REGION_FIPS))
    order = {code: i for i, code in enumerate(REGION_FIPS)}
    counts = centroids["state_fips"].map(order).value_counts().sort_index()
    enough = np.flatnonzero(np.cumsum(counts.to_numpy()) >= n_units)
    if not len(enough):
        raise ValueError(f"n_units: the benchmark region has only {int(counts.sum())} ZIP areas")
    states = list(REGION_FIPS[: int(enough[0]) + 1])
    chosen = centroids[centroids["state_fips"].isin(states)]
    if len(chosen) > n_units:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(chosen), size=n_units, replace=False))
        chosen = chosen.iloc[keep]
        # Every state keeps at least one centroid, so its outline is still covered.
        for code in states:
            if not (chosen["state_fips"] == code).any():
                chosen = pd.concat([chosen, centroids[centroids["state_fips"] == code].iloc[:1]])
    units = geography.zip_area_units(states, centroids=chosen)
    return units[["unit_id", "name", "state", "lon", "lat", "geometry"]]


def sample_points(
    geoms: np.ndarray,
    center_lon: np.ndarray,
    center_lat: np.ndarray,
    spread_km: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around centres and inside the given polygons (rejection sampling)."""
    n = len(geoms)
    lon = np.empty(n)
    lat = np.empty(n)
    todo = np.arange(n)
    for _ in range(20):
        if not len(todo):
            break
        dy = rng.normal(0.0, spread_km[todo]) / 111.2
        dx = rng.normal(0.0, spread_km[todo]) / (111.2 * np.cos(np.radians(center_lat[todo])))
        x, y = center_lon[todo] + dx, center_lat[todo] + dy
        inside = shapely.contains_xy(geoms[todo], x, y)
        lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
        todo = todo[~inside]
    if len(todo):
        surface = shapely.point_on_surface(geoms[todo])
        lon[todo], lat[todo] = shapely.get_x(surface), shapely.get_y(surface)
    return lon, lat


def cluster_units(
    lon: np.ndarray, lat: np.ndarray, weight: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Territory per unit: weighted k-means on the unit centroids (compact, roughly equal)."""
    x = lon * np.cos(np.radians(lat.mean()))
    points = np.column_stack([x, lat])
    centres = points[rng.choice(len(points), size=k, replace=False, p=weight / weight.sum())]
    label = np.zeros(len(points), dtype=np.int64)
    for _ in range(25):
        d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        label = d2.argmin(axis=1)
        mass = np.bincount(label, weights=weight, minlength=k)
        for dim in range(2):
            total = np.bincount(label, weights=weight * points[:, dim], minlength=k)
            centres[:, dim] = np.where(mass > 0, total / np.maximum(mass, 1e-12), centres[:, dim])
    return label


def synthetic_accounts(
    units: gpd.GeoDataFrame,
    unit_of: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Accounts at ``lon``/``lat`` in ``units[unit_of]``: ids, names, segments, money, visits.

    Segment shares, revenue, potential (a fifth with no revenue yet) and visit frequency
    follow the segment tables above; draws come from ``rng`` in a fixed order.
    """
    n = len(unit_of)
    segment = rng.choice(3, size=n, p=SEGMENT_SHARE)
    revenue = SEGMENT_MEDIAN_REVENUE[segment] * rng.lognormal(0.0, 0.55, n)
    potential = np.round(revenue * (1.0 + rng.lognormal(np.log(0.35), 0.6, n)), -2)
    revenue = np.where(rng.random(n) < 0.2, 0.0, np.round(revenue, -1))
    visits = np.maximum(1.0, np.round(SEGMENT_VISITS[segment] * rng.uniform(0.5, 1.5, n)))
    numbers = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7)
    return pd.DataFrame(
        {
            "account_id": ("ACC-" + numbers).to_numpy(dtype=object),
            "name": ("Company " + numbers).to_numpy(dtype=object),
            "zip": units["unit_id"].to_numpy(dtype=object)[unit_of],
            "segment": SEGMENTS[segment],
            "revenue": revenue,
            "potential": potential,
            "visits_per_year": visits,
            "visit_minutes": SEGMENT_MINUTES[segment],
            "placement": "coordinates",
            "lon": lon,
            "lat": lat,
        }
    )


def build_plan(n_accounts: int, n_units: int, n_territories: int, seed: int) -> Plan:
    """Generate the plan (no caching); vectorised throughout, so 1M accounts take seconds."""
    from planner.models.geo import area_km2
    from planner.models.schema import palette_color

    rng = np.random.default_rng(seed)
    units = region_units(n_units, seed)
    u = len(units)
    unit_area = area_km2(units.geometry.to_numpy())
    zip_weight = rng.lognormal(0.0, 0.7, u) * np.clip(unit_area, 5.0, None) ** -0.25
    unit_of = rng.choice(u, size=n_accounts, p=zip_weight / zip_weight.sum())
    unit_lon = units["lon"].to_numpy()
    unit_lat = units["lat"].to_numpy()
    lon, lat = sample_points(
        units.geometry.to_numpy()[unit_of],
        unit_lon[unit_of],
        unit_lat[unit_of],
        0.35 * np.sqrt(unit_area[unit_of]),
        rng,
    )

    accounts = synthetic_accounts(units, unit_of, lon, lat, rng)
    expected = np.bincount(unit_of, minlength=u).astype(float) + 1.0
    unit_territory = cluster_units(unit_lon, unit_lat, expected, n_territories, rng)
    territory_ids = np.array([f"T{i + 1:03d}" for i in range(n_territories)], dtype=object)
    account_territory = territory_ids[unit_territory[unit_of]]
    accounts["territory_id"] = account_territory
    accounts["baseline_territory_id"] = account_territory
    accounts["pinned"] = False
    accounts["locked"] = False
    # Each rep lives at the ZIP centroid nearest the account-weighted centre of the territory.
    mass = np.bincount(unit_territory, weights=expected, minlength=n_territories)
    cx = np.bincount(unit_territory, weights=expected * unit_lon, minlength=n_territories) / mass
    cy = np.bincount(unit_territory, weights=expected * unit_lat, minlength=n_territories) / mass
    d2 = (unit_lon[None, :] - cx[:, None]) ** 2 + (unit_lat[None, :] - cy[:, None]) ** 2
    d2[unit_territory[None, :] != np.arange(n_territories)[:, None]] = np.inf
    home = d2.argmin(axis=1)
    rep_ids = np.array([f"R{i + 1:03d}" for i in range(n_territories)], dtype=object)
    reps = pd.DataFrame(
        {
            "rep_id": rep_ids,
            "name": [f"Rep {i + 1}" for i in range(n_territories)],
            "capacity_hours": 1600.0,
            "lon": unit_lon[home],
            "lat": unit_lat[home],
        }
    )
    territories = pd.DataFrame(
        {
            "territory_id": territory_ids,
            "name": [f"Territory {i + 1}" for i in range(n_territories)],
            "rep_id": rep_ids,
            "color": [palette_color(i) for i in range(n_territories)],
            "geometry_source": "units",
        }
    )
    units_layer = units.drop(columns=["lon", "lat"]).copy()
    units_layer["territory_id"] = territory_ids[unit_territory]
    units_layer["locked"] = False
    return Plan(
        accounts,
        units_layer,
        territories,
        reps,
        name=f"Benchmark plan ({n_accounts:,} accounts, {u:,} units)",
    )
