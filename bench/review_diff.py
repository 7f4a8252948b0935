"""Reading an edited 100,000-row workbook back: ``review_diff.100k`` (s), budget 10 s.

The workbook is exported from the generated plan with 1,000 accounts moved to a
neighbouring territory (as a manager's edits would be) and cached beside the plan; the
figure is the median time of :func:`planner.io.review.read_review` against the unedited plan.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench._common import figure, ratio, time_call
from bench._synthetic import cache_dir, generated_plan, generated_plan_path, size_label

SIZE = 100_000
BUDGET_S = 10.0
EDITS = 1000
#: Bumped whenever the export changes what the cached workbook holds.
WORKBOOK_VERSION = 1


def edited_workbook(n: int) -> Path:
    """The cached workbook of the ``n``-account plan with ``EDITS`` accounts moved."""
    plan_path = generated_plan_path(n)
    path = cache_dir() / f"{plan_path.stem}-edited-v{WORKBOOK_VERSION}.xlsx"
    if path.exists() and path.stat().st_mtime >= plan_path.stat().st_mtime:
        return path
    from planner.io.export_xlsx import write_workbook

    plan = generated_plan(n)
    rng = np.random.default_rng(0)
    moved = np.sort(rng.choice(plan.n_accounts, size=min(EDITS, plan.n_accounts), replace=False))
    after = (plan.account_territory[moved] + 1) % plan.n_territories
    for territory in np.unique(after):
        chosen = moved[after == territory]
        plan.apply(plan.propose_account_move(chosen, int(territory)))
    write_workbook(plan, path)
    return path


def run(size: int | None, data: Path | None) -> None:
    from planner.io.review import read_review

    n = size or SIZE
    book = edited_workbook(n)
    plan = generated_plan(n)
    result: list[int] = []

    def review() -> None:
        result[:] = [len(read_review(plan, book).changes)]

    seconds = time_call(review, repeat=3, warmup=1)
    ratio(f"review_diff.{size_label(n)}", seconds, BUDGET_S * max(n / SIZE, 1.0), "s")
    figure(f"review_diff.{size_label(n)}_changes", result[0], "count", f"of {EDITS} edits")
