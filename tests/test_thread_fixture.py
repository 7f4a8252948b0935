"""The suite's guard against leaked threads: it names a thread a test leaves running."""

from __future__ import annotations

import threading

from tests.conftest import threads_left_running


def test_a_python_thread_left_running_is_named_and_an_ended_one_is_not() -> None:
    before = {t.ident for t in threading.enumerate()}
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name="left-behind")
    thread.start()
    try:
        assert threads_left_running(before, grace_s=0.05) == ["thread 'left-behind'"]
    finally:
        release.set()
        thread.join()
    assert threads_left_running(before, grace_s=0.05) == []
