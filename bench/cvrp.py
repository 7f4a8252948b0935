"""Capacitated VRP (Augerat set A): the multi-vehicle router against proven optima.

``python -m bench cvrp [--size N] [--data DIR]`` solves every ``*.vrp`` file in the folder
(default ``../shared/bench-data/cvrp-augerat/instances``) with at most ``N`` nodes (default: all)
with :func:`planner.optimise.routing.solve_cvrp`, using CVRPLIB's nint-Euclidean distances and
the file's truck count as the fleet, and prints per instance the gap to the best known value
(``best_known.csv`` beside the folder, else the file comment's value), the routes used, the time
and the time limit.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import numpy as np

from bench._common import data_dir, figure
from bench.tsplib import read_tsplib, tsplib_distances


def read_best_known(folder: Path) -> dict[str, int]:
    """``best_known_used`` per instance from ``best_known.csv`` in or above ``folder``."""
    for candidate in (folder / "best_known.csv", folder.parent / "best_known.csv"):
        if candidate.exists():
            with candidate.open(newline="") as handle:
                return {
                    row["instance"]: int(float(row["best_known_used"]))
                    for row in csv.DictReader(handle)
                    if row.get("best_known_used")
                }
    return {}


def time_limit_for(n: int) -> float:
    """Search time per instance, under the 10 s budget each."""
    return 5.0 if n <= 40 else 9.0


def run(size: int | None, data: Path | None) -> None:
    """Solve each instance and print its gap to the best known value, routes and time."""
    from planner.optimise.routing import solve_cvrp

    default = data_dir(None, "cvrp-augerat") / "instances"
    folder = Path(data) if data is not None else default
    best_known = read_best_known(folder)
    files = sorted(folder.glob("*.vrp"))
    instances = [read_tsplib(p) for p in files]
    if size is not None:
        instances = [i for i in instances if i.dimension <= size]
    print(f"# cvrp: {len(instances)} of {len(files)} instances in {folder}", flush=True)
    gaps = []
    for inst in instances:
        dist = tsplib_distances(inst)
        demand = np.zeros(inst.dimension, dtype=np.int64)
        for node, value in inst.sections["DEMAND_SECTION"][: inst.dimension]:
            demand[int(node) - 1] = int(value)
        depot = int(inst.sections.get("DEPOT_SECTION", [["1"]])[0][0]) - 1
        capacity = int(inst.header["CAPACITY"])
        comment = inst.header.get("COMMENT", "")
        trucks = re.search(r"trucks:\s*(\d+)", comment)
        vehicles = int(trucks.group(1)) if trucks else None
        best = best_known.get(inst.name)
        if best is None:
            stated = re.search(r"value:\s*(\d+)", comment)
            best = int(stated.group(1)) if stated else None
        limit = time_limit_for(inst.dimension)
        start = time.perf_counter()
        result = solve_cvrp(
            dist, demand, capacity, vehicles=vehicles, depot=depot, time_limit_s=limit
        )
        elapsed = time.perf_counter() - start
        _check(inst.name, result.routes, dist, demand, capacity, depot, result.cost)
        note = f"n={inst.dimension}, cost {result.cost}, {len(result.routes)} routes"
        if best is not None:
            gap = 100.0 * (result.cost - best) / best
            gaps.append(gap)
            note += f", best known {best}"
            if result.cost < best:
                note += "; BELOW THE OPTIMUM: a distance bug"
            figure(f"cvrp.{inst.name}.gap", gap, "%", note)
        else:
            print(f"# cvrp.{inst.name}: {note}, no reference value", flush=True)
        figure(f"cvrp.{inst.name}.time", elapsed, "s", f"time limit {limit:g} s")
    if gaps:
        figure("cvrp.mean_gap", float(np.mean(gaps)), "%", f"{len(gaps)} instances")
        figure("cvrp.max_gap", float(np.max(gaps)), "%")


def _check(
    name: str,
    routes: list[list[int]],
    dist: np.ndarray,
    demand: np.ndarray,
    capacity: int,
    depot: int,
    cost: int,
) -> None:
    """Recompute the solution independently: every customer once, loads, and the cost."""
    served = sorted(node for route in routes for node in route)
    if served != [i for i in range(len(demand)) if i != depot]:
        raise AssertionError(f"{name}: customers not served exactly once")
    if any(demand[route].sum() > capacity for route in routes):
        raise AssertionError(f"{name}: a route exceeds the capacity")
    total = sum(int(dist[np.r_[depot, r], np.r_[r, depot]].sum()) for r in routes)
    if total != cost:
        raise AssertionError(f"{name}: reported cost {cost} but routes sum to {total}")
