"""The manager's workbook at scale: ``export_xlsx.100k`` (s) and ``export_xlsx.100k_peak`` (MB).

Budgets: 15 s and 1,024 MB peak memory for 100,000 accounts. The export runs in a fresh
process, so the time includes importing openpyxl and matplotlib and drawing the map
picture, and the peak is the whole process's resident memory (``ru_maxrss``) with the
plan loaded; the share of it the plan itself takes is printed beside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._common import figure, ratio
from bench._synthetic import generated_plan_path, size_label

SIZE = 100_000
BUDGET_S = 15.0
BUDGET_MB = 1024.0

_CHILD = """
import json, resource, sys, time
from planner.io.planfile import open_plan
plan = open_plan(sys.argv[1])
plan.balance()
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
from planner.io.export_xlsx import write_workbook
write_workbook(plan, sys.argv[2])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "loaded_mb": loaded}))
"""


def measure(plan_path: Path, out: Path) -> dict[str, float]:
    """Export in a child process; its wall time and peak resident memory."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(plan_path), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(size: int | None, data: Path | None) -> None:
    n = size or SIZE
    path = generated_plan_path(n)
    label = size_label(n)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "plan.xlsx"
        result = measure(path, out)
        megabytes = out.stat().st_size / 1e6
    ratio(f"export_xlsx.{label}", result["seconds"], BUDGET_S * max(n / SIZE, 1.0), "s")
    ratio(f"export_xlsx.{label}_peak", result["peak_mb"], BUDGET_MB, "MB")
    figure(f"export_xlsx.{label}_plan_loaded", result["loaded_mb"], "MB", "before exporting")
    figure(f"export_xlsx.{label}_file", megabytes, "MB")
