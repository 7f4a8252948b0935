"""Capacitated p-median instances of the OR-Library pmedcap1 family, generated from seeds.

Osman and Christofides' recipe (the generator of pmedcap1): ``n`` customers at integer points
uniform in [1, 100]^2, integer demands uniform in [1, 20], every customer a candidate centre
with the same capacity, distances Euclidean rounded down. n = 100, p = 10 and capacity 120,
as p10100-11 ... 20 (their total demand is 1,000-1,050; a generated instance with more demand
than 90 % of the p centres' capacity is redrawn so that it stays as tight as the set), and
n = 200, p = 20 with the same capacity (twice the customers, twice the centres), and n = 50,
p = 5 as p550-1 ... 10, whose total demand is 490-574 of the 600 the five centres hold (up to
96 %, the tightest of them the slowest to solve): a draw above 96 % is redrawn.

``python -m bench._cpmedian_generated DIR N SEED...`` writes ``gN-SEED.txt`` files in the S1
format and proves each optimum with CP-SAT over the full model (every customer may use every
candidate; one worker, at most 300 deterministic seconds), warm-started from the planner's
10 s solution; it prints a row per instance for the folder's README: optimum or best bound,
and how it was proven.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

CAPACITY = 120.0
# Largest share of the p centres' capacity the total demand may take, by n (p550: up to 96 %,
# p10100: up to 88 %).
TIGHTEST = {50: 0.96}
TIGHTEST_DEFAULT = 0.9


def generate(seed: int, n: int = 100) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Points, integer distance matrix, demands and capacities of instance ``seed`` (p = n/10)."""
    p = n // 10
    draw = seed
    while True:
        rng = np.random.default_rng(10_000 * (n // 100) + draw)
        points = rng.integers(1, 101, size=(n, 2)).astype(np.float64)
        demand = rng.integers(1, 21, size=n).astype(np.float64)
        if demand.sum() <= TIGHTEST.get(n, TIGHTEST_DEFAULT) * p * CAPACITY:
            break
        draw += 1_000
    diff = points[:, None, :] - points[None, :, :]
    dist = np.floor(np.sqrt((diff**2).sum(axis=2)))
    return points, dist, demand, np.full(n, CAPACITY)


def write(path: Path, dist: np.ndarray, demand: np.ndarray, capacity: np.ndarray) -> None:
    """The S1 text format: ``n p``, the distance matrix row by row, demands, capacities."""
    lines = [f"{dist.shape[0]} {dist.shape[0] // 10}"]
    lines += [" ".join(str(int(v)) for v in row) for row in dist]
    lines.append(" ".join(str(int(v)) for v in demand))
    lines.append(" ".join(str(int(v)) for v in capacity))
    path.write_text("\n".join(lines) + "\n")


def prove(
    dist: np.ndarray, demand: np.ndarray, capacity: np.ndarray, seconds: float
) -> tuple[float, float, str]:
    """(best cost, lower bound, how) from the planner's solution and a long exact run."""
    from planner.optimise.pmedian import _cpmp_cpsat, solve_capacitated_pmedian

    n = dist.shape[0]
    p = n // 10
    start = solve_capacitated_pmedian(dist, p, demand, capacity, seed=0, time_limit=10.0)
    cpu = time.process_time()
    _, assign, optimal, bound, det = _cpmp_cpsat(
        dist,
        demand,
        capacity,
        p,
        None,
        (start.medians.tolist(), start.assignment),
        seconds,
        20.0 * seconds + 60.0,
        0,
    )
    cpu = time.process_time() - cpu
    best = start.cost
    if assign is not None:
        best = min(best, float(dist[np.arange(n), assign].sum()))
    how = f"CP-SAT full model, 1 worker, {det:.0f} det-s, {cpu:.0f} s CPU"
    how += ": proven optimal" if optimal else f": not proven (bound {bound:.0f})"
    return best, bound, how


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    seconds = 300.0
    n = int(argv[1])
    for seed in (int(s) for s in argv[2:]):
        _, dist, demand, capacity = generate(seed, n)
        write(folder / f"g{n}-{seed}.txt", dist, demand, capacity)
        best, bound, how = prove(dist, demand, capacity, seconds)
        print(f"| g{n}-{seed} | {n} | {n // 10} | {best:.0f} | {bound:.0f} | {how} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
