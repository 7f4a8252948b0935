"""Contiguous, population-balanced county districting (Validi & Buchanan 2022) per instance.

For each county graph: k districts with population in [L, U] (the authors' exact rule), every
district connected, fewest cut edges. Prints per instance whether the bands and contiguity hold,
the cut edges, and the gap to the proven optimum with contiguity
(``districting.INSTANCE.gap value %``), with wall and CPU time and the load average.

Instances: the shared folder (ME, NM, ID, WV) plus ``bench/data/county-districting`` (AL and
OK for tuning, LA, AR, MS, NE, IA and KS held out; see bench/data/README.md). Set
``BENCH_INSTANCES=AL,OK`` to run only some.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import numpy as np

from bench._common import HELD_OUT, Clock, data_dir, figure

TIME_LIMIT = 120.0
TUNING = {"AL", "OK"}
DEVIATION = 0.01


def read_graph(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Populations, centroids (lon/lat) and edges of a networkx adjacency JSON graph."""
    data = json.loads(path.read_text())
    ids = [node["id"] for node in data["nodes"]]
    index = {node_id: i for i, node_id in enumerate(ids)}
    pop = np.array([float(node["TOTPOP"]) for node in data["nodes"]])
    xy = np.array([[float(node["C_X"]), float(node["C_Y"])] for node in data["nodes"]])
    edges = [
        (index[ids[i]], index[nbr["id"]])
        for i, nbrs in enumerate(data["adjacency"])
        for nbr in nbrs
        if index[ids[i]] < index[nbr["id"]]
    ]
    return pop, xy, np.array(edges, dtype=np.int64)


def read_table(folder: Path) -> dict[str, dict[str, str]]:
    """County rows of ``best_known.csv`` keyed by state."""
    path = folder / "best_known.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as f:
        return {row["state"]: row for row in csv.DictReader(f) if row["level"] == "county"}


def instances(folder: Path) -> list[tuple[str, str, Path]]:
    """(state, set, file) of the shared graphs, then the tuning and held-out ones."""
    out = [(p.stem.split("_")[0], "shared", p) for p in sorted(folder.glob("*.json"))]
    extra = HELD_OUT / "county-districting"
    for p in sorted(
        extra.glob("*.json"), key=lambda q: (q.stem[:2] not in TUNING, q.stat().st_size)
    ):
        state = p.stem.split("_")[0]
        if state not in {s for s, _, _ in out}:
            out.append((state, "tuning" if state in TUNING else "held-out", p))
    only = os.environ.get("BENCH_INSTANCES")
    if only:
        keep = set(only.split(","))
        out = [row for row in out if row[0] in keep]
    return out


def _project(lonlat: np.ndarray) -> np.ndarray:
    """Equirectangular km around the graph's mean latitude (enough for a centroid distance)."""
    lat0 = math.radians(float(lonlat[:, 1].mean()))
    return np.column_stack([lonlat[:, 0] * 111.32 * math.cos(lat0), lonlat[:, 1] * 110.57])


def run(size: int | None, data: Path | None) -> None:
    from planner.optimise.districting import optimise_territories
    from planner.optimise.graph import Adjacency, cut_edges

    folder = data_dir(data, "cut-edges-districting")
    table = read_table(folder)
    gaps = []
    for name, which, path in instances(folder):
        row = table.get(name)
        pop, lonlat, edges = read_graph(path)
        n = pop.size
        if size is not None and n > size:
            continue
        if row is None:
            continue  # k is not known for this graph
        k = int(row["k"])
        lower = math.ceil((1 - DEVIATION / 2) * pop.sum() / k)
        upper = math.floor((1 + DEVIATION / 2) * pop.sum() / k)
        if row.get("L_pop") and (int(row["L_pop"]), int(row["U_pop"])) != (lower, upper):
            figure(f"districting.{name}.bounds_mismatch", 1, "count")
        adj = Adjacency.from_edges(n, edges)
        with Clock() as clock:
            result = optimise_territories(
                pop,
                adj,
                _project(lonlat),
                k,
                bands=(lower, upper),
                objective="cut_edges",
                seed=0,
                time_limit=TIME_LIMIT,
            )
        in_band = int(np.count_nonzero(result.in_band.all(axis=1)))
        contiguous = int(np.count_nonzero(result.contiguous))
        cuts = cut_edges(adj, result.assignment)
        figure(f"districting.{name}.in_band", in_band, "count", f"of {k} (L={lower}, U={upper})")
        figure(f"districting.{name}.contiguous", contiguous, "count", f"of {k}")
        figure(f"districting.{name}.cut_edges", cuts, "count")
        opt = row.get("opt_cut_edges_contiguous", "")
        if opt.isdigit() and result.feasible:
            gap = 100.0 * (cuts - int(opt)) / int(opt)
            gaps.append(gap)
            note = f"set={which} n={n} k={k} opt={opt}" + (
                " proven optimal" if result.proven_optimal else ""
            )
            figure(f"districting.{name}.gap", gap, "%", note)
        elif opt.isdigit():
            figure(
                f"districting.{name}.gap", float("nan"), "%", f"set={which} no feasible plan found"
            )
        clock.report(f"districting.{name}", TIME_LIMIT)
    if gaps:
        figure("districting.max_gap", max(gaps), "%", f"{len(gaps)} instances")
