"""A million accounts with only a ZIP, anywhere in the US, through ``planner new``.

Figures: ``import_1m.wall`` (s), ``import_1m.cpu`` (s, the child's user + system time) and
``import_1m.peak`` (MB, the child's ``ru_maxrss``). Budgets: 90 s and 6,144 MB.

The accounts CSV (account id, name, ZIP, segment, revenue, potential; no coordinates) is
drawn from the real Census ZCTAs of every state, so every account is placed at its ZIP
centroid and the plan gets the bundled national ZIP areas. It is generated once and
cached in the benchmark cache folder. The national ZIP layer is built into the user cache
first (see ``bench national_units``), as it would be after the first plan.

A second child runs the same steps one by one and prints how long each took, wall and
CPU (``import_1m.step_*``), so the figure can be split between reading the CSV, choosing
the units, building the plan and saving it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench._common import figure, ratio
from bench._synthetic import cache_dir, size_label

SIZE = 1_000_000
BUDGET_S = 90.0
BUDGET_MB = 6144.0

#: Bumped whenever the generated CSV changes, so a stale cached file is not reused.
GENERATOR_VERSION = 1

_STEPS = """
import json, resource, sys, time
steps = {}
clock = [time.perf_counter(), time.process_time()]
def step(name):
    now = [time.perf_counter(), time.process_time()]
    steps[name] = [now[0] - clock[0], now[1] - clock[1]]
    clock[:] = now
from planner.io.accounts_import import import_accounts
from planner.io.build import build_plan
from planner.io.coverage import plan_coverage
from planner.io.planfile import save_plan
from planner.io.us_units import units_for_accounts
step("imports")
result = import_accounts(sys.argv[1])
step("read_accounts")
units, selection = units_for_accounts(
    result.accounts["lon"].to_numpy(dtype=float), result.accounts["lat"].to_numpy(dtype=float)
)
step("select_units")
plan = build_plan(result.accounts, units)
step("build_plan")
coverage = plan_coverage(plan)
step("coverage")
save_plan(plan, sys.argv[2])
step("save_plan")
steps["outside"] = coverage.n_outside
steps["units"] = plan.n_units
print(json.dumps(steps))
"""


def accounts_csv(n: int) -> Path:
    """The cached accounts CSV of ``n`` rows (ZIP only), generating it first if needed."""
    path = cache_dir() / f"accounts_zip_only_{size_label(n)}_v{GENERATOR_VERSION}.csv"
    if path.exists():
        return path
    from planner.io.geography import zip_centroids

    zips = zip_centroids()
    zips = zips[zips["state"].notna()]
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(zips), n)
    segment = rng.choice(np.array(["A", "B", "C"]), n, p=[0.1, 0.3, 0.6])
    frame = pd.DataFrame(
        {
            "account_id": [f"C{i:07d}" for i in range(n)],
            "name": [f"Customer {i}" for i in range(n)],
            "zip": zips["zip"].to_numpy()[pick],
            "segment": segment,
            "revenue": rng.lognormal(10, 1, n).round(2),
            "potential": rng.lognormal(11, 1, n).round(2),
        }
    )
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run(size: int | None, data: Path | None) -> None:
    n = size or SIZE
    label = size_label(n)
    csv = accounts_csv(n)
    from planner.io.us_units import national_units

    national_units("zip")
    national_units("state")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "plan.gpkg"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "planner", "new", "--accounts", str(csv), "-o", str(out)],
            env=_child_env(),
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"planner new failed: {done.stderr.strip()[-500:]}")
        megabytes = out.stat().st_size / 1e6
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        load = os.getloadavg()[0]
        ratio(f"import_{label}.wall", wall, BUDGET_S * max(n / SIZE, 1.0), "s")
        figure(f"import_{label}.cpu", cpu, "s", f"load {load:.1f} on {os.cpu_count()} cores")
        # ru_maxrss of children is the largest child so far: this one, as it runs first.
        ratio(f"import_{label}.peak", after.ru_maxrss / 1024, BUDGET_MB, "MB")
        figure(f"import_{label}.plan_file", megabytes, "MB")
        steps_out = Path(folder) / "steps.gpkg"
        done = subprocess.run(
            [sys.executable, "-c", _STEPS, str(csv), str(steps_out)],
            env=_child_env(),
            capture_output=True,
            text=True,
            check=True,
        )
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("imports", "read_accounts", "select_units", "build_plan", "coverage", "save_plan"):
        wall_s, cpu_s = steps[key]
        figure(f"import_{label}.step_{key}", wall_s, "s", f"cpu {cpu_s:.2f} s")
    figure(f"import_{label}.units", steps["units"], "count")
    figure(f"import_{label}.outside_every_unit", steps["outside"], "count")
