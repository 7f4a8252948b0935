"""The decomposed optimiser on a Dask cluster (here a local one): same parts, same plan.

When one machine is not enough, the parts of a decomposed run (``planner.optimise.
decompose``) go to a cluster: every part is an independent task (its units, territories,
bands and a counted work limit), so any engine that runs Python functions on remote
workers can solve them. This example starts a ``dask.distributed.LocalCluster`` of two
single-threaded worker processes, runs the decomposition on it through the cluster's
``concurrent.futures`` executor, and checks that the plan is the one the local process pool
makes from the same seed. On a real cluster, replace ``LocalCluster(...)`` with the
scheduler's address (``Client("tcp://scheduler:8786")``) and install the planner on the
workers. ``docs/national.md`` describes the same with Ray.

The instance is a generated planar problem (a 60 x 40 grid of units, three measures, 48
territories in parts of 12), small enough to run in a minute. Figures: wall time on each
engine and whether the plans are identical. Without ``dask[distributed]`` installed (the
optional ``cluster`` extra) the example says so and exits.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from bench._common import figure

NAME = "decompose_dask"
W, H, K = 60, 40, 48
TIME_LIMIT_S = 8.0


def instance() -> tuple[object, np.ndarray, np.ndarray]:
    from planner.models.graph import Adjacency

    idx = np.arange(W * H).reshape(H, W)
    edges = np.concatenate(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    xy = np.column_stack([(idx % W).ravel(), (idx // W).ravel()]).astype(float) * 5.0
    rng = np.random.default_rng(42)
    # Three measures with different spatial patterns (a dense corner, a gradient, noise).
    dense = np.exp(-np.hypot(xy[:, 0] - 60, xy[:, 1] - 50) / 60.0)
    x = np.column_stack(
        [
            1.0 + 4.0 * dense + rng.lognormal(0, 0.3, W * H),
            1.0 + xy[:, 0] / 100.0 + rng.lognormal(0, 0.5, W * H),
            rng.integers(1, 8, W * H).astype(float),
        ]
    )
    return Adjacency.from_edges(W * H, edges), xy, x


def run(size: int | None, data: Path | None) -> None:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print(f"# {NAME}: skipped: dask.distributed is not installed (pip install '.[cluster]')")
        return
    from planner.optimise.decompose import optimise_decomposed

    adjacency, xy, x = instance()
    common = {"tolerance": 0.10, "time_limit": TIME_LIMIT_S, "seed": 1, "part_territories": 12}
    load = os.getloadavg()[0]

    start = time.perf_counter()
    local = optimise_decomposed(x, adjacency, xy, K, workers=2, **common)  # type: ignore[arg-type]
    figure(f"{NAME}.process_pool", time.perf_counter() - start, "s", f"load {load:.1f}")

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        started = time.perf_counter() - start
        start = time.perf_counter()
        remote = optimise_decomposed(
            x,
            adjacency,  # type: ignore[arg-type]
            xy,
            K,
            executor=client.get_executor(),
            **common,  # type: ignore[arg-type]
        )
    figure(
        f"{NAME}.dask",
        time.perf_counter() - start,
        "s",
        f"cluster start {started:.1f} s, load {os.getloadavg()[0]:.1f}",
    )
    assert local is not None and remote is not None
    same = bool(np.array_equal(local.assignment, remote.assignment))
    figure(f"{NAME}.identical", int(same), "count", "1: the cluster made the same plan")
    for label, result in (("process_pool", local), ("dask", remote)):
        figure(
            f"{NAME}.{label}_in_band",
            int(result.in_band.all(axis=1).sum()),
            "count",
            f"of {K}; contiguous {int(result.contiguous.sum())}; {result.messages[-1]}",
        )
