"""Capacitated VRP (Augerat sets A, B and P): the routing engine against proven optima.

``python -m bench cvrp [--size N] [--data DIR]`` solves every ``*.vrp`` file in the folders
(default ``../shared/bench-data/cvrp-augerat/instances``, set A, and ``bench/data/
cvrp-augerat-bp``, sets B and P from the same source) with at most ``N`` nodes (default: all)
with :func:`planner.optimise.vrp_engine.solve_cvrp`, using CVRPLIB's nint-Euclidean distances
and the file's truck count as the fleet, and prints per instance ``cvrp.NAME.gap`` to the best
known value (``best_known.csv``, else the file comment's value) and the time with CPU time and
load. The work limit is the engine's for the 10 s budget (:data:`BUDGET_S`, see
:func:`planner.optimise.vrp_engine.limit_for_seconds`: counted iterations in two runs); its
wall-clock cap (ten times the budget) is a safety only, and a result it ended says so.

Then generated instances (uniform ``U`` and clustered ``C``; seed 1 tuning, seeds from 101 held
out) against a long run (:data:`REFERENCE_ITERATIONS`).
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import numpy as np

from bench._common import data_dir, figure
from bench._routing import (
    DATA,
    generated_cvrp,
    is_held_out,
    load_note,
    parse_name,
    reference,
    time_figures,
    timed,
)
from bench.tsplib import read_tsplib, tsplib_distances

#: The time budget per instance, turned into counted iterations by the engine.
BUDGET_S = 10.0
REFERENCE_ITERATIONS = 30_000
GENERATED = (
    "U50-s1",
    "C50-s1",
    "U60-s101",
    "C60-s101",
    "U80-s102",
    "C80-s102",
    "U100-s103",
    "C100-s104",
)


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


def run(size: int | None, data: Path | None) -> None:
    """Solve each instance and print its gap to the best known value, routes and time."""
    from planner.optimise.vrp_engine import WorkLimit, limit_for_seconds, solve_cvrp

    default = data_dir(None, "cvrp-augerat") / "instances"
    folders = [Path(data)] if data is not None else [default, DATA / "cvrp-augerat-bp"]
    best_known = read_best_known(default)
    files = sorted(p for folder in folders for p in folder.glob("*.vrp"))
    instances = [read_tsplib(p) for p in files]
    if size is not None:
        instances = [i for i in instances if i.dimension <= size]
    limit = limit_for_seconds(BUDGET_S)
    print(
        f"# cvrp: {len(instances)} of {len(files)} instances, {limit.iterations} iterations in "
        f"{limit.runs} runs each (safety cap {limit.max_seconds:g} s), {load_note()}",
        flush=True,
    )
    gaps = []
    capped = 0
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
        result, wall, cpu = timed(
            functools.partial(
                solve_cvrp, dist, demand, capacity, vehicles=vehicles, depot=depot, limit=limit
            )
        )
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
        time_figures(f"cvrp.{inst.name}", wall, cpu, limit.max_seconds, result)
        capped += int(result.capped)
    if gaps:
        figure("cvrp.mean_gap", float(np.mean(gaps)), "%", f"{len(gaps)} instances")
        figure("cvrp.max_gap", float(np.max(gaps)), "%")
        figure("cvrp.within_1pct", sum(g <= 1.0 for g in gaps), "count", f"of {len(gaps)}")
        figure("cvrp.ended_by_cap", capped, "count", f"of {len(gaps)}; {load_note()}")
    held = []
    for name in GENERATED:
        if size is not None and parse_name(name)[1] > size:
            continue
        dist, demand, capacity = generated_cvrp(name)
        best = reference(
            f"cvrp.{name}",
            lambda d=dist, q=demand, c=capacity: (
                solve_cvrp(
                    d, q, c, limit=WorkLimit(iterations=REFERENCE_ITERATIONS, max_seconds=600)
                ).cost
            ),
        )
        result, wall, cpu = timed(
            lambda d=dist, q=demand, c=capacity: solve_cvrp(d, q, c, limit=limit)
        )
        _check(name, result.routes, dist, demand, capacity, 0, result.cost)
        gap = 100.0 * (result.cost - best) / best
        part = "held out" if is_held_out(name) else "tuning"
        if is_held_out(name):
            held.append(gap)
        figure(f"cvrp.{name}.gap", gap, "%", f"{part}, cost {result.cost}, long run {best}")
        time_figures(f"cvrp.{name}", wall, cpu, limit.max_seconds, result)
    if held:
        figure("cvrp.held_out_max_gap", float(np.max(held)), "%", f"{len(held)} instances")


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
