"""The guard against leaked threads also sees the application's Qt tasks."""

from __future__ import annotations

import threading

from planner.ui.worker import Task
from tests.conftest import threads_left_running


def test_a_task_still_running_is_named_until_it_ends(qtbot) -> None:  # type: ignore[no-untyped-def]
    before = {t.ident for t in threading.enumerate()}
    release = threading.Event()
    task = Task(lambda _state: release.wait(), "Held task", show_dialog=False)
    task.start()
    try:
        assert "task 'Held task'" in threads_left_running(before, grace_s=0.05)
    finally:
        release.set()
        with qtbot.waitSignal(task.finished, timeout=10000):
            pass
    assert threads_left_running(before, grace_s=0.05) == []
