"""The fuzz figures: what every fuzzed input led to, summed over the session.

Kept in a module of its own so fuzz tests can record through the ``fuzz_tally`` fixture
or wrap their body with :func:`tallied`.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

KINDS = ("success", "clear_error", "failure")
#: What a :func:`tallied` test body returns when its input was refused with a clear error.
CLEAR_ERROR = "clear_error"


class FuzzTally:
    """Counts of what fuzzed inputs led to, summed over the session."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.by_input: Counter[tuple[str, str]] = Counter()
        self.failures: list[str] = []
        self.started = time.monotonic()

    def record(self, kind: str, what: str = "input", detail: str = "") -> None:
        """Count one input: a clean success, a clear error, or a failure (with its detail)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.counts[kind] += 1
        self.by_input[(what, kind)] += 1
        if kind == "failure":
            self.failures.append(f"{what}: {detail}"[:500])

    @property
    def tried(self) -> int:
        return sum(self.counts.values())

    def summary_lines(self) -> list[str]:
        seconds = time.monotonic() - self.started
        c = self.counts
        lines = [
            f"fuzz: {self.tried:,} inputs tried, {c['success']:,} clean successes, "
            f"{c['clear_error']:,} clear errors, {c['failure']:,} failures, {seconds:.1f} s"
        ]
        for what in sorted({w for w, _ in self.by_input}):
            n = {k: self.by_input[(what, k)] for k in KINDS}
            lines.append(
                f"  {what}: {sum(n.values()):,} tried, {n['success']:,} clean successes, "
                f"{n['clear_error']:,} clear errors, {n['failure']:,} failures"
            )
        lines += [f"  failure: {f}" for f in self.failures[:20]]
        return lines


TALLY = FuzzTally()


def tallied(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Record each call of a fuzz test body: a return is a clean success (or a clear error
    when the body returns :data:`CLEAR_ERROR`), an exception a failure (raised again)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                outcome = fn(*args, **kwargs)
            except Exception as exc:
                TALLY.record("failure", what, f"{type(exc).__name__}: {exc}")
                raise
            TALLY.record("clear_error" if outcome == CLEAR_ERROR else "success", what)

        return run

    return wrap
