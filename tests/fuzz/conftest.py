"""Fuzz tests: hostile input never produces a traceback, a lost file or a partial output.

Profiles (``HYPOTHESIS_PROFILE``):

- ``ci`` (default): a few examples per test, derandomised, so ``make test`` stays quick;
- ``fuzz``: many random examples (``make fuzz``).

``FUZZ_EXAMPLES`` sets the number of examples per test of either profile.

Every fuzz test records each input it tried through the session fixture ``fuzz_tally``:
``fuzz_tally.record(kind="success" | "clear_error" | "failure", what="plan file")``. At the
end of the run the figures are printed: inputs tried, clean successes, clear errors,
failures (which must be 0) and time.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

KINDS = ("success", "clear_error", "failure")


def _examples(default: int) -> int:
    text = os.environ.get("FUZZ_EXAMPLES", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else default


_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci",
    max_examples=_examples(8),
    deadline=None,
    derandomize=True,
    suppress_health_check=_RELAXED,
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=_examples(500),
    deadline=None,
    suppress_health_check=_RELAXED,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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


_TALLY = FuzzTally()


@pytest.fixture(scope="session")
def fuzz_tally() -> Iterator[FuzzTally]:
    """The session's :class:`FuzzTally`; call ``record`` once per input tried."""
    yield _TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _TALLY.tried:
        terminalreporter.section("fuzz figures")
        for line in _TALLY.summary_lines():
            terminalreporter.write_line(line)
