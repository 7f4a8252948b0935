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
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.tally import TALLY, FuzzTally


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


_TALLY = TALLY


@pytest.fixture(scope="session")
def fuzz_tally() -> Iterator[FuzzTally]:
    """The session's :class:`FuzzTally`; call ``record`` once per input tried."""
    yield _TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _TALLY.tried:
        terminalreporter.section("fuzz figures")
        for line in _TALLY.summary_lines():
            terminalreporter.write_line(line)
