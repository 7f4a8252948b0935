"""Four quarters of actuals for a million accounts: import, store, review (time and memory).

Figures (``N`` = accounts, default 1M): ``actuals_import_N.q1`` .. ``q4`` (s, wall of
reading one quarter's CSV of N rows with :func:`planner.io.actuals_import.import_actuals`
and storing it as a period with :func:`planner.models.actuals.replace_periods`, CPU time
beside), ``actuals_import_N.reimport`` (s, the last quarter again: a replace),
``actuals_import_N.review`` (s, :func:`planner.models.performance.review` over 4N rows),
``.review_after_edit`` and ``.colour_after_edit`` (s, what the Performance dock and the
attainment colours recompute after an edit, the join of the rows to the accounts kept),
``actuals_import_N.peak`` (MB, the child's ``ru_maxrss``: everything, the plan of N
accounts included) and ``actuals_import_N.plan_only`` (MB, the same child's peak before
the first import). Budgets: 30 s a quarter, 6,144 MB.

The CSVs (account id, quarter, revenue written as ``$1,234.56``, gross margin, deals
won, visits held) are generated once per size, seeded, and cached; 1 % of rows name an
account the plan does not hold and 0.1 % hold a revenue that is not a number, so the
report has work to do. The run is a child process so that its peak memory is its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from bench._common import figure, ratio
from bench._synthetic import cache_dir, size_label

SIZE = 1_000_000
QUARTERS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
BUDGET_S = 30.0
BUDGET_MB = 6144.0
GENERATOR_VERSION = 1

_CHILD = """
import json, resource, sys, time
import numpy as np, pandas as pd
n = int(sys.argv[1]); files = sys.argv[2:]
from planner.io.actuals_import import import_actuals
from planner.models.actuals import replace_periods
from planner.models.performance import review
from planner.models.plan import Plan
rng = np.random.default_rng(1)
k = 200
ids = np.array([f"C{i:07d}" for i in range(n)], dtype=object)
accounts = pd.DataFrame({"account_id": ids, "revenue": rng.lognormal(10, 1, n),
    "potential": rng.lognormal(11, 1, n), "visits_per_year": 6.0, "visit_minutes": 30.0,
    "territory_id": [f"T{i % k:03d}" for i in range(n)],
    "lon": rng.uniform(-120, -75, n), "lat": rng.uniform(30, 47, n)})
territories = pd.DataFrame({"territory_id": [f"T{i:03d}" for i in range(k)],
    "quota": 4 * n / k * 25_000.0})
plan = Plan(accounts, territories=territories)
out = {"plan_only": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
def timed(name, fn):
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    out[name] = [time.perf_counter() - w, time.process_time() - c]
    return result
for i, path in enumerate(files):
    def step(path=path):
        result = import_actuals(path, plan.accounts["account_id"])
        replace_periods(plan, result.periods, result.rows)
        return result.report
    report = timed(f"q{i + 1}", step)
    out[f"q{i + 1}_rows"] = report.rows_loaded
    out[f"q{i + 1}_unknown"] = len(report.unknown_accounts)
    out[f"q{i + 1}_warnings"] = len(report.warnings)
timed("reimport", lambda: replace_periods(plan, ["2026-Q3"],
    import_actuals(files[-1], plan.accounts["account_id"]).rows))
res = timed("review", lambda: review(plan))
from planner.models.actuals import cached_index
from planner.ui.attainment_map import territory_attainment
cached_index(plan)
timed("review_after_edit", lambda: review(plan, index=cached_index(plan)))
timed("colour_after_edit", lambda: territory_attainment(plan))
out["rows_stored"] = len(plan.tables["actuals"])
out["candidates"] = int(res.frame["flag"].sum())
out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def quarter_csv(n: int, quarter: str, seed: int) -> Path:
    """The cached CSV of one quarter's actuals for ``n`` accounts."""
    path = cache_dir() / f"actuals_{size_label(n)}_{quarter}_v{GENERATOR_VERSION}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:07d}" for i in range(n)], dtype=object)
    stray = rng.random(n) < 0.01
    ids[stray] = [f"X{i:07d}" for i in range(int(stray.sum()))]
    revenue = rng.gamma(2.0, 3000.0, n)
    text = np.char.add("$", np.char.mod("%.2f", revenue)).astype(object)
    text[rng.random(n) < 0.001] = "n/a"
    frame = pd.DataFrame(
        {
            "Account ID": ids,
            "Quarter": f"Q{quarter[-1]} {quarter[:4]}",
            "Net Sales": text,
            "Gross Margin": np.round(revenue * 0.33, 2),
            "Closed Won": rng.poisson(1.0, n),
            "Meetings Held": rng.poisson(1.5, n),
        }
    )
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run(size: int | None, data: Path | None) -> None:
    n = size or SIZE
    label = f"actuals_import_{size_label(n)}"
    files = [str(quarter_csv(n, q, seed=i)) for i, q in enumerate(QUARTERS)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(n), *files],
        env=_env(),
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-800:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    load = os.getloadavg()
    note = f"load {load[0]:.1f} {load[1]:.1f} on {os.cpu_count()} cores"
    for key in ("q1", "q2", "q3", "q4", "reimport"):
        wall, cpu = out[key]
        ratio(f"{label}.{key}", wall, BUDGET_S * max(n / SIZE, 1.0), "s")
        figure(f"{label}.{key}_cpu", cpu, "s", note)
    wall, cpu = out["review"]
    figure(f"{label}.review", wall, "s", f"cpu {cpu:.2f} s over {out['rows_stored']:,} rows")
    for key, what in (
        ("review_after_edit", "the dock's review after an edit (rows joined once)"),
        ("colour_after_edit", "attainment per territory for the map after an edit"),
    ):
        wall, cpu = out[key]
        figure(f"{label}.{key}", wall, "s", f"cpu {cpu:.2f} s; {what}")
    ratio(f"{label}.peak", out["peak"], BUDGET_MB, "MB")
    figure(f"{label}.plan_only", out["plan_only"], "MB", "the plan before any import")
    figure(f"{label}.unknown_ids", out["q1_unknown"], "count", "listed in the report")
    figure(f"{label}.warnings", out["q1_warnings"], "count", "cells that are not numbers")
    total_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figure(f"{label}.child_cpu", total_cpu, "s", note)
