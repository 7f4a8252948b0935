"""OR-Library uncapacitated p-median (pmed): gap to the proven optimum and time per instance."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench._common import data_dir, figure

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
    optima = read_optima(folder)
    files = sorted(folder.glob("pmed*.txt"), key=lambda f: (len(f.stem), f.stem))
    gaps = []
    for path in files:
        name = path.stem
        if name == "pmedopt":
            continue
        dist, p = read_pmed(path)
        if size is not None and dist.shape[0] > size:
            continue
        start = time.perf_counter()
        result = solve_pmedian(dist, p, seed=0, time_limit=TIME_LIMIT)
        elapsed = time.perf_counter() - start
        note = f"n={dist.shape[0]} p={p} cost={result.cost:.0f}"
        if result.optimal:
            note += " proven optimal"
        if name in optima:
            gap = 100.0 * (result.cost - optima[name]) / optima[name]
            gaps.append(gap)
            figure(f"pmedian.{name}.gap", gap, "%", note + f" opt={optima[name]:.0f}")
        else:
            figure(f"pmedian.{name}.cost", result.cost, "count", note)
        figure(f"pmedian.{name}.time", elapsed, "s", f"limit {TIME_LIMIT:g} s")
    if gaps:
        figure("pmedian.max_gap", max(gaps), "%", f"{len(gaps)} instances")
