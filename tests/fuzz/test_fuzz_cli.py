"""Fuzz: any text for any numeric option of any command is a clear error or a clean run."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.io.planfile import save_plan
from tests.conftest import make_plan
from tests.plan_edits import file_hash, run_cli

ROOT = Path(__file__).resolve().parents[2]

#: Every numeric option: command, option, the rest of a valid command line.
NUMERIC_OPTIONS = [
    ("optimise", "--time-limit", ["-o", "{out}"]),
    ("optimise", "--seed", ["-o", "{out}"]),
    ("optimise", "--tolerance", ["-o", "{out}"]),
    ("optimise", "--max-disruption", ["-o", "{out}"]),
    ("optimise", "--max-disruption-per-rep", ["-o", "{out}"]),
    ("optimise", "--territories", ["-o", "{out}", "--mode", "create"]),
    ("quotas", "--target", ["-o", "{out}", "--method", "potential"]),
    ("quotas", "--blend", ["-o", "{out}", "--method", "blend", "--target", "1000"]),
    ("quotas", "--round", ["-o", "{out}", "--method", "potential", "--target", "1000"]),
    ("quotas", "--growth", ["-o", "{out}", "--method", "potential", "--target", "1000"]),
    ("routes", "--weeks", ["-o", "{out}"]),
    ("routes", "--max-day-hours", ["-o", "{out}"]),
    ("routes", "--lunch-minutes", ["-o", "{out}"]),
    ("routes", "--mileage-rate", ["-o", "{out}"]),
    ("routes", "--time-limit", ["-o", "{out}"]),
    ("routes", "--iterations", ["-o", "{out}"]),
    ("routes", "--workers", ["-o", "{out}"]),
    ("capacity", "--capacity-hours", []),
]


def test_the_list_covers_every_range_checked_option() -> None:
    """A new numeric option must be added to NUMERIC_OPTIONS (and so get fuzzed)."""
    sources = [
        ROOT / "planner" / "cli.py",
        *sorted((ROOT / "planner" / "subcommands").glob("*.py")),
    ]
    found: set[tuple[str, str]] = set()
    for source in sources:
        text = source.read_text()
        command = re.search(r'@subcommand\("([a-z]+)"\)', text)
        for option in re.findall(
            r'(?:number_option|fraction_option|_amount)\(\s*"(--[a-z-]+)"', text
        ):
            found.add((command.group(1) if command else "?", option))
    listed = {(c, o) for c, o, _ in NUMERIC_OPTIONS}
    assert found <= listed, f"not fuzzed: {sorted(found - listed)}"


numbers_as_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers().map(str),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(
        [
            "1e300",
            "-1",
            "nan",
            "inf",
            "-inf",
            "0",
            "1e308",
            "2**70",
            "1_000",
            "1,5",
            "0x10",
            " 3 ",
            "",
            "-0",
            "1e-320",
            "9" * 400,
            "١٢",
            "NaN",
            "+5",
            "5.",
            ".5",
            "A=0.1",
            "A=nan",
        ]
    ),
    st.text(max_size=30),
)


@pytest.fixture(scope="session")
def small_plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "plan.gpkg"
    save_plan(make_plan(30, 3, 2), path)
    return path


def classify(code: int, err: str, out: Path, allowed: tuple[int, ...]) -> list[str]:
    problems = []
    if code not in allowed:
        problems.append(f"exit code {code}")
    if "Traceback" in err or "internal error" in err:
        problems.append("traceback or internal error")
    if code != 0 and out.exists():
        problems.append("wrote an output on error")
    if code == 2 and "error:" not in err:
        problems.append("exit 2 without an error message")
    return problems


@pytest.mark.parametrize(("command", "option", "rest"), NUMERIC_OPTIONS)
@given(value=numbers_as_text)
def test_any_value_is_parsed_or_refused_with_the_range(
    small_plan_file: Path,
    fuzz_tally: object,
    command: str,
    option: str,
    rest: list[str],
    value: str,
) -> None:
    """Parsing only: a plan that does not exist, so valid values end at 'no such file'."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "out.gpkg")
        missing = Path(folder, "missing.gpkg")
        argv = [command, str(missing), *(a.format(out=out) for a in rest), f"{option}={value}"]
        code, err = run_cli(argv)
        problems = classify(code, err, out, (2,))
        if code == 2 and "no such file" not in err and f"argument {option}" not in err:
            problems.append("the error names neither the option nor the file")
        kind = "failure" if problems else "clear_error"
        fuzz_tally.record(kind=kind, what="option value", detail=f"{argv}: {problems} {err}")  # type: ignore[attr-defined]
        assert not problems, f"{argv}: {problems}\n{err}"


RUN_OPTIONS = [
    ("optimise", "--seed", ["--time-limit", "0.3"]),
    ("optimise", "--tolerance", ["--time-limit", "0.3"]),
    ("optimise", "--max-disruption", ["--time-limit", "0.3"]),
    ("optimise", "--territories", ["--time-limit", "0.3", "--mode", "create"]),
    ("quotas", "--target", ["--method", "potential"]),
    ("quotas", "--round", ["--method", "potential", "--target", "1000"]),
    ("quotas", "--growth", ["--method", "potential", "--target", "1000"]),
]

in_range_numbers = st.one_of(
    st.floats(min_value=0, max_value=1).map(repr),
    st.integers(min_value=0, max_value=50).map(str),
    st.floats(min_value=0, max_value=1e15, allow_nan=False).map(repr),
    st.sampled_from(["1", "0", "1.0", "A=0.05", "A=-1,B=10", "2147483647", "10000"]),
    numbers_as_text,
)


@pytest.mark.parametrize(("command", "option", "rest"), RUN_OPTIONS)
@given(value=in_range_numbers)
def test_values_the_parser_accepts_run_cleanly(
    small_plan_file: Path,
    fuzz_tally: object,
    command: str,
    option: str,
    rest: list[str],
    value: str,
) -> None:
    """The whole command on a real plan: accepted values never crash the engine."""
    before = file_hash(small_plan_file)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder, "out.gpkg")
        argv = [command, str(small_plan_file), "-o", str(out), *rest, f"{option}={value}"]
        code, err = run_cli(argv)
        problems = classify(code, err, out, (0, 1, 2))
        if code == 0 and not out.exists():
            problems.append("success without an output")
        if file_hash(small_plan_file) != before:
            problems.append("the input changed")
        kind = "failure" if problems else ("success" if code == 0 else "clear_error")
        fuzz_tally.record(kind=kind, what="option run", detail=f"{argv}: {problems} {err}")  # type: ignore[attr-defined]
        assert not problems, f"{argv}: {problems}\n{err}"
