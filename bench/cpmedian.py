"""Capacitated p-median (OR-Library pmedcap1, set S1): gap to the proven optimum per instance.

Instances: the shared folder (p550-1 ... p550-5) plus ``bench/data/pmedcap1``: p10100-11 ...
p10100-13 (n = 100, tuning) and p550-6 ... p550-10, p10100-14 ... p10100-20 (held out).
``BENCH_INSTANCES=p10100-11`` runs some.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from bench._common import HELD_OUT, Clock, data_dir, figure

TIME_LIMIT = 10.0

# pmedcap1 proven optima (README of capacitated-pmedian-pcenter-S1), used when the folder has
# no table of its own.
KNOWN_OPTIMA = {
    "p550-1": 713,
    "p550-2": 740,
    "p550-3": 751,
    "p550-4": 651,
    "p550-5": 664,
    "p550-6": 778,
    "p550-7": 787,
    "p550-8": 820,
    "p550-9": 715,
    "p550-10": 829,
    "p10100-11": 1006,
    "p10100-12": 966,
    "p10100-13": 1026,
    "p10100-14": 982,
    "p10100-15": 1091,
    "p10100-16": 954,
    "p10100-17": 1034,
    "p10100-18": 1043,
    "p10100-19": 1031,
    "p10100-20": 1005,
}
TUNING = {"p10100-11", "p10100-12", "p10100-13"}


def read_instance(path: Path) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Integer distance matrix, p, demands and capacities of one S1 file."""
    tokens = path.read_text().split()
    n, p = int(tokens[0]), int(tokens[1])
    values = np.array(tokens[2 : 2 + n * n + 2 * n], dtype=np.float64)
    dist = values[: n * n].reshape(n, n)
    demand = values[n * n : n * n + n]
    capacity = values[n * n + n :]
    return dist, p, demand, capacity


def read_optima(folder: Path) -> dict[str, float]:
    """Optima from the folder README's table (CPMP column), else the built-in table."""
    optima = {k: float(v) for k, v in KNOWN_OPTIMA.items()}
    readme = folder / "README.md"
    if readme.exists():
        for match in re.finditer(
            r"^\| (p\d+-\d+) \| \d+ \| \d+ \| (\d+) \|", readme.read_text(), re.M
        ):
            optima[match.group(1)] = float(match.group(2))
    return optima


def _natural(path: Path) -> tuple[str, int]:
    stem, _, number = path.stem.partition("-")
    return stem, int(number) if number.isdigit() else 0


def run(size: int | None, data: Path | None) -> None:
    from planner.optimise.pmedian import solve_capacitated_pmedian

    folder = data_dir(data, "capacitated-pmedian-pcenter-S1")
    optima = read_optima(folder)
    shared = {f.stem for f in folder.glob("p*-*.txt")}
    files = list(folder.glob("p*-*.txt"))
    files += [f for f in (HELD_OUT / "pmedcap1").glob("p*-*.txt") if f.stem not in shared]
    only = set(filter(None, os.environ.get("BENCH_INSTANCES", "").split(",")))
    gaps = []
    for path in sorted(files, key=_natural):
        name = path.stem
        if only and name not in only:
            continue
        dist, p, demand, capacity = read_instance(path)
        if size is not None and dist.shape[0] > size:
            continue
        with Clock() as clock:
            result = solve_capacitated_pmedian(
                dist, p, demand, capacity, seed=0, time_limit=TIME_LIMIT
            )
        which = "shared" if name in shared else ("tuning" if name in TUNING else "held-out")
        load = np.bincount(result.assignment, weights=demand, minlength=dist.shape[0])
        within = bool(np.all(load <= capacity + 1e-9)) and result.feasible
        note = f"set={which} n={dist.shape[0]} p={p} cost={result.cost:.0f}"
        note += " capacity ok" if within else " capacity VIOLATED"
        if result.optimal:
            note += " proven optimal"
        if name in optima:
            gap = 100.0 * (result.cost - optima[name]) / optima[name]
            gaps.append(gap)
            figure(f"cpmedian.{name}.gap", gap, "%", note + f" opt={optima[name]:.0f}")
        else:
            figure(f"cpmedian.{name}.cost", result.cost, "count", note)
        clock.report(f"cpmedian.{name}", TIME_LIMIT)
    if gaps:
        figure("cpmedian.max_gap", max(gaps), "%", f"{len(gaps)} instances")
