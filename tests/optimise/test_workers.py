"""Jobs in worker processes: every job's progress reaches the caller, results match in-process."""

from __future__ import annotations

import multiprocessing

from planner.models.progress import TaskState
from planner.optimise.workers import default_workers, run_jobs


def _square(item: int, state: TaskState) -> int:
    state.report(0.5, f"half way through {item}")
    return item * item


def test_progress_of_every_job_reaches_the_caller_and_results_match() -> None:
    reports: list[tuple[int, float | None, str]] = []
    parallel = run_jobs(
        _square, [3, 4, 5], workers=2, on_progress=lambda *r: reports.append(tuple(r))
    )
    assert parallel == {0: 9, 1: 16, 2: 25}
    assert sorted(reports) == [
        (0, 0.5, "half way through 3"),
        (1, 0.5, "half way through 4"),
        (2, 0.5, "half way through 5"),
    ]
    assert run_jobs(_square, [3, 4, 5], workers=1) == parallel
    assert multiprocessing.active_children() == []
    assert default_workers() >= 1


def test_a_cancelled_state_runs_nothing() -> None:
    state = TaskState()
    state.cancel()
    assert run_jobs(_square, [1, 2], workers=2, state=state) == {}
    assert run_jobs(_square, [1, 2], workers=1, state=state) == {}
