"""Territory creation at sales scale: 3,000 units, 100,000 accounts, 40 territories.

The units are a synthetic but realistic Voronoi tessellation (dense around a few cities, sparse
in between), and the accounts are drawn from the same density, so urban units are small and
rural ones large, as with ZIP areas. Each unit carries workload (visit hours), revenue potential
and account count aggregated from its accounts. The optimiser must hold all three measures
within ±5 % in every territory, contiguously.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench._common import figure, load_average, ratio

SEED = 20240
N_UNITS = 3_000
N_ACCOUNTS = 100_000
K = 40
TOLERANCE = 0.05
BUDGET_S = 60.0
WIDTH_KM, HEIGHT_KM = 800.0, 600.0


def _sample_points(rng: np.random.Generator, count: int, cities: np.ndarray) -> np.ndarray:
    """Points from a mixture: 65 % around cities (Gaussian), 35 % spread evenly."""
    urban = rng.random(count) < 0.65
    pts = rng.uniform((0, 0), (WIDTH_KM, HEIGHT_KM), size=(count, 2))
    which = rng.integers(0, len(cities), size=int(urban.sum()))
    spread = cities[which, 2:3]
    pts[urban] = cities[which, :2] + rng.normal(size=(int(urban.sum()), 2)) * spread
    return np.clip(pts, (0.5, 0.5), (WIDTH_KM - 0.5, HEIGHT_KM - 0.5))


def make_instance(n_units: int, n_accounts: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Unit polygons, centroids and measures (workload h, potential, accounts) from accounts."""
    import shapely

    rng = np.random.default_rng(seed)
    n_cities = 12
    cities = np.column_stack(
        [
            rng.uniform(60, WIDTH_KM - 60, n_cities),
            rng.uniform(60, HEIGHT_KM - 60, n_cities),
            rng.uniform(8, 40, n_cities),
        ]
    )
    generators = _sample_points(rng, n_units, cities)
    # Distinct generators (a duplicate would give an empty cell).
    generators = np.unique(np.round(generators, 3), axis=0)
    while len(generators) < n_units:
        extra = _sample_points(rng, n_units - len(generators), cities)
        generators = np.unique(np.round(np.vstack([generators, extra]), 3), axis=0)
    generators = generators[rng.permutation(len(generators))[:n_units]]
    box = shapely.box(0, 0, WIDTH_KM, HEIGHT_KM)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(generators), extend_to=box)
    )
    cells = shapely.intersection(cells, box)
    # Voronoi output order is not the input order: match each cell to its generator.
    tree = shapely.STRtree(cells)
    gen_pts = shapely.points(generators)
    idx_gen, idx_cell = tree.query(gen_pts, predicate="within")
    order = np.empty(n_units, dtype=np.int64)
    order[idx_gen] = idx_cell
    polygons = cells[order]

    accounts = _sample_points(rng, n_accounts, cities)
    unit_of = shapely.STRtree(gen_pts).query_nearest(shapely.points(accounts))[1]
    segment = rng.choice(3, size=n_accounts, p=[0.15, 0.35, 0.5])  # A, B, C
    visits = np.array([24.0, 12.0, 4.0])[segment]
    minutes = np.array([60.0, 45.0, 30.0])[segment] + 25.0  # visit + average drive
    potential = rng.lognormal(mean=np.array([11.0, 10.0, 9.0])[segment], sigma=0.8)
    measures = np.column_stack(
        [
            np.bincount(unit_of, weights=visits * minutes / 60.0, minlength=n_units),
            np.bincount(unit_of, weights=potential, minlength=n_units),
            np.bincount(unit_of, minlength=n_units).astype(np.float64),
        ]
    )
    centroids = shapely.get_coordinates(shapely.centroid(polygons))
    return {"polygons": polygons, "coords": centroids, "measures": measures}


def run(size: int | None, data: Path | None) -> None:
    from planner.optimise.districting import optimise_territories
    from planner.optimise.graph import adjacency_from_geometry

    n_units = size or N_UNITS
    n_accounts = max(n_units, N_ACCOUNTS * n_units // N_UNITS)
    start = time.perf_counter()
    inst = make_instance(n_units, n_accounts)
    figure("sales_create.generate", time.perf_counter() - start, "s", f"{n_units} units")
    start = time.perf_counter()
    adjacency = adjacency_from_geometry(inst["polygons"], kind="rook")
    figure("sales_create.adjacency", time.perf_counter() - start, "s", f"{adjacency.n_edges} edges")
    start = time.perf_counter()
    cpu = time.process_time()
    result = optimise_territories(
        inst["measures"],
        adjacency,
        inst["coords"],
        K,
        tolerance=TOLERANCE,
        measure_names=["workload", "potential", "accounts"],
        seed=0,
        time_limit=BUDGET_S,
    )
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    per_measure = result.in_band.sum(axis=0)
    figure("sales_create.in_band", int(result.in_band.all(axis=1).sum()), "count", f"of {K}")
    for j, name in enumerate(["workload", "potential", "accounts"]):
        worst = float(np.abs(result.deviation_pct[:, j]).max())
        figure(
            f"sales_create.in_band_{name}",
            int(per_measure[j]),
            "count",
            f"of {K}, worst deviation {worst:.2f} %",
        )
    figure("sales_create.contiguous", int(result.contiguous.sum()), "count", f"of {K}")
    figure("sales_create.cut_edges", result.cut_edges, "count")
    figure("sales_create.compactness", result.compactness, "km", "sum of unit distances to centre")
    figure("sales_create.cpu", cpu, "s", f"load {load_average():.2f} at the end")
    ratio("sales_create.time", elapsed, BUDGET_S, "s")
