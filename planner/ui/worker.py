"""Running long pure functions off the GUI thread, with progress and Cancel.

A task is ``fn(state) -> result`` where ``state`` is a
:class:`~planner.models.progress.TaskState`. Its inputs are snapshotted by the
caller before the worker starts; the result is delivered on the GUI thread.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.models.progress import Cancelled, TaskState
from planner.ui.i18n import translate

#: Tasks started and not yet collected: what :func:`running_tasks` looks through.
_STARTED: weakref.WeakSet[Task] = weakref.WeakSet()


def running_tasks() -> list[Task]:
    """Tasks whose thread is still running (the test suite fails a test that leaves one)."""
    return [task for task in list(_STARTED) if task.is_running()]


class _Runner(QObject):
    progress = Signal(object, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: Callable[[TaskState], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.state = TaskState(lambda f, m: self.progress.emit(f, m))

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self.state)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # delivered to the GUI thread and shown to the user
            self.failed.emit(exc)
        else:
            self.finished.emit(result)


class Task(QObject):
    """A background task with a progress dialog.

    Signals
    -------
    finished(object)
        The function's result, on the GUI thread.
    failed(object)
        The exception it raised.
    cancelled()
        The user cancelled and the function raised ``Cancelled``.
    """

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progress = Signal(object, str)

    def __init__(
        self,
        fn: Callable[[TaskState], Any],
        title: str,
        parent: QWidget | None = None,
        show_dialog: bool = True,
        min_duration_ms: int = 400,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._thread = QThread()
        self._runner = _Runner(fn)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progress.connect(self._on_progress)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        self._runner.cancelled.connect(self._on_cancelled)
        self.dialog: QProgressDialog | None = None
        if show_dialog:
            self.dialog = QProgressDialog(title, translate("Task", "Cancel"), 0, 1000, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setMinimumDuration(min_duration_ms)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)

    @property
    def state(self) -> TaskState:
        return self._runner.state

    def start(self) -> None:
        """Start the work in its thread."""
        _STARTED.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next safe point."""
        self._runner.state.cancel()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30000) -> bool:
        """Wait for the thread to end (used at shutdown and in tests)."""
        return self._thread.wait(ms)

    def _close(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
        self._thread.quit()
        self._thread.wait()

    @Slot(object, str)
    def _on_progress(self, fraction: float | None, message: str) -> None:
        if self.dialog is not None:
            if fraction is None:
                self.dialog.setRange(0, 0)
            else:
                self.dialog.setRange(0, 1000)
                self.dialog.setValue(int(fraction * 1000))
            if message:
                self.dialog.setLabelText(message)
        self.progress.emit(fraction, message)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._close()
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        self._close()
        self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        self._close()
        self.cancelled.emit()
