"""The bundled national ZIP layer: build it once, then read it from the cache.

Figures: ``national_units.build`` (s, wall) with its CPU time, ``national_units.build_peak``
(MB, the building process's ``ru_maxrss``), ``national_units.cached_load`` (s, reading the
cached layer in a fresh process, the cost every later ``planner new`` pays) and the layer's
size. Budgets: build 30 s, peak 2,048 MB, cached load 1 s.

The layer is the Voronoi cells of every ZCTA centroid with a state (about 33,800: the
contiguous US with Alaska, Hawaii and Puerto Rico), clipped to the state outlines, so the
figure includes dissolving the county outlines into states. ZIP areas are cached one file
per state, so the cached load reads 52 files. Each run builds into a temporary cache folder, so the user's cache is neither used nor touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._common import figure, ratio

BUDGET_BUILD_S = 30.0
BUDGET_PEAK_MB = 2048.0
BUDGET_LOAD_S = 1.0

_CHILD = """
import json, resource, sys, time
from planner.io.us_units import national_units
wall, cpu = time.perf_counter(), time.process_time()
layer = national_units("zip")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
contiguous = int((~layer.frame["state"].isin(["AK", "HI", "PR"])).sum())
print(json.dumps({
    "seconds": wall, "cpu": cpu, "built": layer.built, "units": len(layer.frame),
    "contiguous": contiguous, "path": str(layer.path),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _child(cache: Path) -> dict[str, object]:
    env = dict(os.environ)
    env["TERRITORY_PLANNER_CACHE_DIR"] = str(cache)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(size: int | None, data: Path | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        build = _child(cache)
        assert build["built"], "the temporary cache was not empty"
        load = _child(cache)
        assert not load["built"], "the cached layer was rebuilt"
        megabytes = sum(f.stat().st_size for f in cache.glob("us-zip-*.parquet")) / 1e6
    load_avg = os.getloadavg()[0]
    seconds = float(build["seconds"])  # type: ignore[arg-type]
    ratio("national_units.build", seconds, BUDGET_BUILD_S, "s")
    figure(
        "national_units.build_cpu",
        float(build["cpu"]),  # type: ignore[arg-type]
        "s",
        f"load {load_avg:.1f} on {os.cpu_count()} cores",
    )
    ratio("national_units.build_peak", float(build["peak_mb"]), BUDGET_PEAK_MB, "MB")  # type: ignore[arg-type]
    ratio("national_units.cached_load", float(load["seconds"]), BUDGET_LOAD_S, "s")  # type: ignore[arg-type]
    figure("national_units.cached_load_peak", float(load["peak_mb"]), "MB")  # type: ignore[arg-type]
    figure("national_units.units", float(build["units"]), "count")  # type: ignore[arg-type]
    figure("national_units.contiguous_units", float(build["contiguous"]), "count")  # type: ignore[arg-type]
    figure("national_units.cache_files", megabytes, "MB")
