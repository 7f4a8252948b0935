"""``planner optimise`` in-process: exit codes, the written file, and nothing partial."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from tests.conftest import make_plan


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "plan.gpkg"
    save_plan(make_plan(n_accounts=300, grid=6, n_territories=3, seed=3), path)
    return path


def test_rebalance_writes_the_new_alignment_and_its_explanations(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gpkg"
    code = main(
        [
            *("optimise", str(plan_file), "-o", str(out), "--max-disruption", "0.2"),
            *("--tolerance", "0.12", "--time-limit", "2", "--seed", "4"),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "territories in band:" in text and "disruption:" in text and "wrote" in text
    before, after = open_plan(plan_file), open_plan(out)
    moved = before.account_territory != after.account_territory
    assert moved.any() and moved.mean() <= 0.2 + 1e-9
    moves = after.tables["optimiser_moves"]
    assert int((moves["kind"] == "account").sum()) == int(moved.sum())


def test_scenario_keeps_the_alignment(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scenario.gpkg"
    code = main(
        [
            *("optimise", str(plan_file), "-o", str(out), "--mode", "create"),
            *("--time-limit", "2", "--scenario", "Fresh start"),
        ]
    )
    assert code == 0, capsys.readouterr().err
    before, after = open_plan(plan_file), open_plan(out)
    assert np.array_equal(before.account_territory, after.account_territory)
    assert list(after.tables["scenarios"]["scenario"]) == ["Fresh start"]
    rows = after.tables["scenario_assignments"]
    assert len(rows) == after.n_accounts + after.n_units


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tolerance", "2"], "--tolerance must be at least 0 and less than 1"),
        (["--time-limit", "0"], "--time-limit must be greater than 0"),
        (["--territories", "2"], "--territories applies to --mode create"),
        (["--mode", "create", "--territories", "9"], "only 3 unlocked territories"),
        (["--mode", "subset", "--subset", "T1,T9"], "no territory 'T9'"),
        (["--measures", "travel"], "measure 'travel' is not one of"),
        # The model reserves these names for the plan's own alignments: storing a proposal
        # under one of them lost it (the scenario list never shows it).
        (["--scenario", "current"], "'current' is reserved"),
        (["--scenario", " baseline "], "'baseline' is reserved"),
    ],
)
def test_bad_input_exits_non_zero_and_writes_nothing(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "out.gpkg"
    try:
        code = main(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1", *args])
    except SystemExit as exc:  # argparse rejects malformed values itself
        code = int(exc.code or 0)
    assert code != 0
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_plan_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["optimise", str(tmp_path / "nope.gpkg"), "-o", str(tmp_path / "out.gpkg")])
    assert code == 2
    assert "nope.gpkg" in capsys.readouterr().err


def test_default_time_limit_follows_the_plan_size(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gpkg"
    code = main(["optimise", str(plan_file), "-o", str(out), "--tolerance", "0.2"])
    assert code == 0
    assert "time limit 30 s" in capsys.readouterr().out  # 36 units: the small-plan default


def test_budget_counts_against_the_baseline_and_says_what_is_spent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=3)
    plan.set_baseline_to_current()
    plan.apply(plan.propose_account_move(np.flatnonzero(plan.account_territory == 0)[:15], 1))
    edited, out = tmp_path / "edited.gpkg", tmp_path / "out.gpkg"
    save_plan(plan, edited)
    code = main(
        [
            *("optimise", str(edited), "-o", str(out), "--max-disruption", "0.1"),
            *("--tolerance", "0.12", "--time-limit", "2", "--seed", "4"),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "already 5.0 % of accounts from the baseline; 5.0 % left of the 10 % budget" in text
    # The per-rep limit is on by default.
    assert "(limit 25 %)" in text
    after = open_plan(out)
    assert (after.account_territory != after.baseline_territory).mean() <= 0.10 + 1e-9


@pytest.mark.parametrize(("value", "shown"), [("off", "no per-rep limit"), ("0", "limit 0 %")])
def test_per_rep_limit_can_be_off_or_zero(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, shown: str
) -> None:
    out = tmp_path / "out.gpkg"
    code = main(
        [
            *("optimise", str(plan_file), "-o", str(out), "--time-limit", "1"),
            *("--max-disruption-per-rep", value),
        ]
    )
    assert code == 0
    assert shown in capsys.readouterr().out


def test_contiguity_and_compactness_options_reach_the_run(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pieces.gpkg"
    code = main(
        [
            *("optimise", str(plan_file), "-o", str(out), "--mode", "create"),
            *("--time-limit", "2", "--contiguity", "off", "--compactness", "diameter"),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "contiguity off, compactness by diameter" in text
    assert "largest territory diameter" in text and "(contiguity off)" in text


@pytest.mark.parametrize(
    "args",
    [("--contiguity", "sometimes"), ("--compactness", "area")],
    ids=["contiguity", "compactness"],
)
def test_unknown_contiguity_or_compactness_is_refused(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, str]
) -> None:
    out = tmp_path / "never.gpkg"
    with pytest.raises(SystemExit) as exc:
        main(["optimise", str(plan_file), "-o", str(out), *args])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert not out.exists()
