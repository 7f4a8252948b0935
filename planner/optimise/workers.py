"""Independent jobs in worker processes: one per CPU core, progress per job, one Cancel for all.

Routing one rep never needs another rep, so visit planning hands each rep to a worker process
(:func:`run_jobs`). The routing engine runs native code that holds the interpreter, so threads
would take turns; processes run side by side.

* **Workers**: ``workers`` processes (0 = one per CPU core), started with ``spawn`` so a worker
  never inherits a GUI's threads or locks; with one worker, or one job, everything runs in the
  calling process.
* **Progress**: each job reports through its own :class:`~planner.models.progress.TaskState`;
  the reports reach the caller's ``on_progress(job, fraction, message)`` on the calling
  thread, while it waits.
* **Cancel**: the caller's :class:`TaskState` is polled while waiting; on cancel a shared event
  is set, which every job's ``is_cancelled()`` reads (the routing engine asks it at every
  iteration, so a search stops within milliseconds), and jobs not started are dropped. The
  pool is shut down and its processes joined before :func:`run_jobs` returns.
* **Same results**: a job is a pure function of its input, so the results are the same whether
  the jobs run in this process or in workers, in any order.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from planner.models.progress import TaskState

__all__ = ["JobState", "default_workers", "run_jobs"]

T = TypeVar("T")
R = TypeVar("R")

#: Seconds between looks at the caller's cancel flag and the progress queue while waiting.
POLL_S = 0.05

# In a worker process: the cancel event and the progress queue, set by the initializer.
_cancel_event: Any = None
_progress_queue: Any = None


def default_workers() -> int:
    """Worker processes to use by default: one per CPU core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class JobState(TaskState):
    """A job's progress and cancel inside a worker: reports go to the caller through a queue."""

    def __init__(self, job: int, sink: Any, cancel: Any) -> None:
        super().__init__()
        self._job = job
        self._sink = sink
        self._shared_cancel = cancel

    def report(self, fraction: float | None, message: str = "") -> None:
        super().report(fraction, message)
        self._sink.put((self._job, self.fraction, self.message))

    def cancel(self) -> None:
        self._shared_cancel.set()

    def is_cancelled(self) -> bool:
        return bool(self._shared_cancel.is_set())


def _init_worker(cancel: Any, progress: Any) -> None:
    global _cancel_event, _progress_queue
    _cancel_event = cancel
    _progress_queue = progress


def _run_one(fn: Callable[[Any, TaskState], Any], job: int, item: Any) -> Any:
    return fn(item, JobState(job, _progress_queue, _cancel_event))


class _LocalSink:
    """The in-process stand-in for the progress queue: forwards at once."""

    def __init__(self, forward: Callable[[int, float | None, str], None]) -> None:
        self._forward = forward

    def put(self, report: tuple[int, float | None, str]) -> None:
        self._forward(*report)


class _LocalCancel:
    def __init__(self, state: TaskState) -> None:
        self._state = state

    def set(self) -> None:
        self._state.cancel()

    def is_set(self) -> bool:
        return self._state.is_cancelled()


def run_jobs(
    fn: Callable[[T, TaskState], R],
    items: Sequence[T],
    *,
    workers: int = 0,
    state: TaskState | None = None,
    on_progress: Callable[[int, float | None, str], None] | None = None,
    sizes: Sequence[float] | None = None,
) -> dict[int, R]:
    """Run ``fn(item, job_state)`` for every item; the results of the jobs that finished.

    Parameters
    ----------
    fn : callable
        A module-level function (worker processes import it by name). It reports progress and
        checks cancel through the state it is given.
    items : sequence
        One job each; they and the results must pickle.
    workers : int, default 0
        Processes to use; 0 = :func:`default_workers`. 1 (or a single item) runs in-process.
    state : TaskState, optional
        The caller's cancel flag.
    on_progress : callable, optional
        ``on_progress(job, fraction, message)`` for every report of a job, on this thread.
    sizes : sequence of float, optional
        Expected work of each job. Workers take the largest jobs first, so a long job does not
        start last and leave the other workers idle at the end; the results do not change.

    Returns
    -------
    dict
        Job index -> result, for every job that ran to its end (all of them unless cancelled).
    """
    state = state or TaskState()
    report = on_progress or (lambda _job, _fraction, _message: None)
    count = min(len(items), workers or default_workers())
    results: dict[int, R] = {}
    if state.is_cancelled():
        return results
    if count <= 1:
        cancel = _LocalCancel(state)
        sink = _LocalSink(report)
        for k, item in enumerate(items):
            if state.is_cancelled():
                break
            results[k] = fn(item, JobState(k, sink, cancel))
        return results
    context = multiprocessing.get_context("spawn")
    cancel_event = context.Event()
    progress: Any = context.Queue()

    def drain() -> None:
        while True:
            try:
                job, fraction, message = progress.get_nowait()
            except queue.Empty:
                return
            report(job, fraction, message)

    pool = ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_init_worker,
        initargs=(cancel_event, progress),
    )
    try:
        order = list(range(len(items)))
        if sizes is not None:
            order.sort(key=lambda k: -sizes[k])
        futures: dict[Future[R], int] = {pool.submit(_run_one, fn, k, items[k]): k for k in order}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            drain()
            for future in done:
                if not future.cancelled():
                    results[futures[future]] = future.result()
            if state.is_cancelled() and not cancel_event.is_set():
                cancel_event.set()
                for future in pending:
                    future.cancel()
    finally:
        if state.is_cancelled():
            cancel_event.set()
        pool.shutdown(wait=True, cancel_futures=True)
        # A worker's reports travel through a feeder thread and may arrive after its result;
        # they are all flushed once the workers have exited.
        drain()
        progress.close()
        progress.join_thread()
    return results
