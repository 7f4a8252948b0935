"""Opening a saved plan file: ``open_plan.open_100k`` (s), budget 3 s at 100,000 accounts."""

from __future__ import annotations

from pathlib import Path

from bench._common import ratio, time_call
from bench._synthetic import generated_plan_path, size_label

SIZE = 100_000
BUDGET_S = 3.0


def run(size: int | None, data: Path | None) -> None:
    from planner.io.planfile import open_plan

    n = size or SIZE
    path = generated_plan_path(n)
    seconds = time_call(lambda: open_plan(path), repeat=3, warmup=1)
    ratio(f"open_plan.open_{size_label(n)}", seconds, BUDGET_S * n / SIZE, "s")
