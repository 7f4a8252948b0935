"""Progress and cancellation for long work, free of Qt.

Long work (import, optimise, route, export) is a pure function that takes a
:class:`TaskState`. The window adapts it to a worker thread with a progress bar
and a Cancel button; the command line passes a state that prints or stays
silent. Work checks :meth:`TaskState.is_cancelled` at safe points and returns
the best result found so far.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """Raised by :meth:`TaskState.raise_if_cancelled` when the user cancelled."""


class TaskState:
    """Progress reporting and cancellation shared between a task and its caller.

    Parameters
    ----------
    on_progress : callable, optional
        Called as ``on_progress(fraction, message)`` with ``fraction`` in
        ``[0, 1]`` (or ``None`` when the amount of work is unknown). It runs in
        the task's thread: a UI must marshal it to its own thread.
    """

    def __init__(self, on_progress: Callable[[float | None, str], None] | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()
        self.fraction: float | None = 0.0
        self.message = ""

    def report(self, fraction: float | None, message: str = "") -> None:
        """Record progress; ``fraction`` is clipped to ``[0, 1]``."""
        if fraction is not None:
            fraction = min(1.0, max(0.0, float(fraction)))
        self.fraction = fraction
        if message:
            self.message = message
        if self._on_progress is not None:
            self._on_progress(fraction, self.message)

    def cancel(self) -> None:
        """Ask the task to stop at its next safe point."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether cancellation has been requested."""
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if cancellation has been requested."""
        if self._cancel.is_set():
            raise Cancelled()

    def sub(self, start: float, stop: float) -> TaskState:
        """A state whose progress ``0..1`` maps onto ``start..stop`` of this one.

        Cancellation is shared with the parent.
        """
        parent = self

        def forward(fraction: float | None, message: str) -> None:
            parent.report(None if fraction is None else start + (stop - start) * fraction, message)

        child = TaskState(forward)
        child._cancel = self._cancel
        return child
