"""OR-Library uncapacitated p-median (pmed): gap to the proven optimum and time per instance.

Instances: the shared folder (pmed1-3, 6, 11, 16) plus the held-out ones in
``bench/data/orlib-pmed`` (pmed4, 5, 7-10, 12-15, 17-20; n <= 400). ``--size N`` keeps
n <= N; ``BENCH_INSTANCES=pmed4,pmed5`` runs some.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from bench._common import HELD_OUT, Clock, data_dir, figure

TIME_LIMIT = 10.0


def read_pmed(path: Path) -> tuple[np.ndarray, int]:
    """Distance matrix and p of one pmed file (shortest paths; a repeated edge's last cost)."""
    from planner.optimise.pmedian import graph_distances

    tokens = path.read_text().split()
    n, m, p = (int(t) for t in tokens[:3])
    edges = np.array(tokens[3 : 3 + 3 * m], dtype=np.float64).reshape(m, 3)
    edges[:, :2] -= 1
    return graph_distances(n, edges), p


def read_optima(folder: Path) -> dict[str, float]:
    """Published optimal values from ``pmedopt.txt`` (``name value`` per line)."""
    optima: dict[str, float] = {}
    path = folder / "pmedopt.txt"
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                optima[parts[0]] = float(parts[1])
    return optima


def run(size: int | None, data: Path | None) -> None:
    from planner.optimise.pmedian import solve_pmedian

    folder = data_dir(data, "orlib-pmed")
    extra = HELD_OUT / "orlib-pmed"
    optima = {**read_optima(extra), **read_optima(folder)}
    shared = {f.stem for f in folder.glob("pmed*.txt")}
    files = list(folder.glob("pmed*.txt"))
    files += [f for f in extra.glob("pmed*.txt") if f.stem not in shared]
    files.sort(key=lambda f: (len(f.stem), f.stem))
    only = set(filter(None, os.environ.get("BENCH_INSTANCES", "").split(",")))
    gaps = []
    for path in files:
        name = path.stem
        if name == "pmedopt" or (only and name not in only):
            continue
        dist, p = read_pmed(path)
        if size is not None and dist.shape[0] > size:
            continue
        with Clock() as clock:
            result = solve_pmedian(dist, p, seed=0, time_limit=TIME_LIMIT)
        which = "shared" if name in shared else "held-out"
        note = f"set={which} n={dist.shape[0]} p={p} cost={result.cost:.0f}"
        if result.optimal:
            note += " proven optimal"
        if name in optima:
            gap = 100.0 * (result.cost - optima[name]) / optima[name]
            gaps.append(gap)
            figure(f"pmedian.{name}.gap", gap, "%", note + f" opt={optima[name]:.0f}")
        else:
            figure(f"pmedian.{name}.cost", result.cost, "count", note)
        clock.report(f"pmedian.{name}", TIME_LIMIT)
    if gaps:
        figure("pmedian.max_gap", max(gaps), "%", f"{len(gaps)} instances")
