"""Command line: bad values, outputs that are inputs and damaged plans are clear errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planner import cli
from planner.cli import main
from planner.io.planfile import open_plan, save_plan, validate_plan_file
from tests.conftest import make_plan
from tests.plan_edits import edit_gpkg, file_hash, folder_state


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "good.gpkg"
    save_plan(make_plan(60, 3, 2), path)
    return path


@pytest.fixture
def plan_file(saved_plan: Path, tmp_path: Path) -> Path:
    path = tmp_path / "plan.gpkg"
    shutil.copy(saved_plan, path)
    return path


def run(argv: list[str]) -> int:
    """``planner ARGV`` as the console runs it: argparse's exits become exit codes."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


# -- numeric options ------------------------------------------------------------------------

OPTIMISE_BAD = [
    ("--time-limit", "1e300", "--time-limit must be greater than 0 and at most 86,400"),
    ("--time-limit", "-1", "--time-limit must be greater than 0"),
    ("--time-limit", "nan", "--time-limit must be greater than 0"),
    ("--time-limit", "inf", "--time-limit must be greater than 0"),
    ("--time-limit", "soon", "--time-limit must be a number greater than 0"),
    ("--seed", "-1", "--seed must be between 0 and 2,147,483,647, got -1"),
    ("--seed", str(2**70), "--seed must be between 0 and 2,147,483,647"),
    ("--seed", "1.5", "--seed must be a whole number between 0 and"),
    ("--tolerance", "2", "--tolerance must be at least 0 and less than 1 (0.05 = 5 %)"),
    ("--tolerance", "1", "--tolerance must be at least 0 and less than 1"),
    ("--max-disruption", "1.5", "--max-disruption must be between 0 and 1 (0.05 = 5 %)"),
    ("--max-disruption", "-0.1", "--max-disruption must be between 0 and 1"),
    ("--max-disruption-per-rep", "nan", "--max-disruption-per-rep must be between 0 and 1"),
    ("--territories", "0", "--territories must be between 1 and 10,000, got 0"),
    ("--territories", str(10**9), "--territories must be between 1 and 10,000"),
    ("--territories", "9" * 5000, "--territories must be a whole number between 1 and 10,000"),
]


@pytest.mark.parametrize(("option", "value", "message"), OPTIMISE_BAD)
def test_bad_optimise_values_name_the_allowed_range(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    out = tmp_path / "out.gpkg"
    code = run(["optimise", str(plan_file), "-o", str(out), f"{option}={value}"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"planner optimise: error: argument {option}: {message}" in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--target=1e308"], "argument --target: --target must be between 0 and 1e+12"),
        (["--target=-5"], "argument --target: --target must be between 0 and 1e+12, got -5"),
        (["--target=nan"], "--target must be between 0 and 1e+12"),
        (["--target=1000", "--blend=2"], "argument --blend: --blend must be between 0 and 1"),
        (
            ["--target=1000", "--round=0"],
            "argument --round: --round must be between 0.001 and 1e+12",
        ),
        (["--target=1000", "--growth=A=1e400"], "argument --growth: --growth A must be between"),
        (["--target=1000", "--growth=A"], "--growth: 'A' has no '='"),
    ],
)
def test_bad_quota_values_name_the_allowed_range(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    out = tmp_path / "out.gpkg"
    code = run(["quotas", str(plan_file), "--method=potential", "-o", str(out), *argv])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--weeks", "0", "--weeks must be between 1 and 52, got 0"),
        ("--weeks", "1000", "--weeks must be between 1 and 52, got 1000"),
        ("--max-day-hours", "25", "--max-day-hours must be between 0.5 and 24"),
        ("--lunch-minutes", "-5", "--lunch-minutes must be between 0 and 240"),
        ("--mileage-rate", "1e308", "--mileage-rate must be between 0 and 1,000"),
        ("--time-limit", "1e9", "--time-limit must be between 0.01 and 600"),
    ],
)
def test_bad_routes_values_name_the_allowed_range(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    out = tmp_path / "out.gpkg"
    assert run(["routes", str(plan_file), "-o", str(out), f"{option}={value}"]) == 2
    assert f"argument {option}: {message}" in capsys.readouterr().err
    assert not out.exists()


# -- inputs are never outputs ---------------------------------------------------------------


def test_new_refuses_to_write_over_its_accounts_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "a.csv"
    accounts.write_text("account_id,name,lat,lon\nA1,Deli,41.9,-87.6\n")
    before = file_hash(accounts)
    assert run(["new", "--accounts", str(accounts), "-o", str(accounts)]) == 2
    err = capsys.readouterr().err
    assert "-o" in err and "a.csv" in err and "never overwritten" in err
    assert file_hash(accounts) == before


@pytest.mark.parametrize("spelling", ["same", "relative", "symlink", "hardlink", "dotdot"])
def test_optimise_refuses_the_plan_file_under_any_name(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spelling: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    out = {
        "same": plan_file,
        "relative": Path("plan.gpkg"),
        "symlink": tmp_path / "link.gpkg",
        "hardlink": tmp_path / "hard.gpkg",
        "dotdot": tmp_path / "sub" / ".." / "plan.gpkg",
    }[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "symlink":
        out.symlink_to(plan_file)
    if spelling == "hardlink":
        os.link(plan_file, out)
    state = folder_state(tmp_path)
    assert run(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1"]) == 2
    assert "is the plan file" in capsys.readouterr().err
    assert folder_state(tmp_path) == state


@pytest.mark.parametrize(
    "argv",
    [
        ["quotas", "{plan}", "--target", "100", "--method", "potential", "-o", "{plan}"],
        ["routes", "{plan}", "-o", "{link}"],
        ["export", "{plan}", "--csv", "{csv}", "--html", "{csv}"],
        ["review", "{plan}", "{book}", "--apply", "-o", "{book}"],
    ],
)
def test_every_writing_command_refuses_its_inputs(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    link = tmp_path / "link.gpkg"
    link.symlink_to(plan_file)
    book = tmp_path / "edited.gpkg"
    book.write_bytes(b"x")
    names = {"plan": plan_file, "link": link, "csv": tmp_path / "out.csv", "book": book}
    filled = [a.format(**{k: str(v) for k, v in names.items()}) for a in argv]
    state = folder_state(tmp_path)
    assert run(filled) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "planner: error:" in err
    assert folder_state(tmp_path) == state


def test_export_refuses_a_folder_and_the_plan(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert run(["export", str(plan_file), "--csv", str(folder)]) == 2
    assert "is a folder" in capsys.readouterr().err
    copy = tmp_path / "plan.xlsx"
    os.link(plan_file, copy)
    assert run(["export", str(plan_file), "--xlsx", str(copy)]) == 2
    assert "is the plan file" in capsys.readouterr().err


# -- damaged plans: read with warnings, written only with --repair ---------------------------


def damage(plan_file: Path) -> None:
    edit_gpkg(
        plan_file,
        "UPDATE accounts SET account_id = 'A00001' WHERE fid = 3;"
        "UPDATE accounts SET territory_id = 'T99', baseline_territory_id = 'T99' WHERE fid = 5;",
    )


def test_reading_commands_warn_and_go_on(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(plan_file)
    before = file_hash(plan_file)
    assert run(["report", str(plan_file)]) == 0
    err = capsys.readouterr().err
    assert "planner: warning:" in err and "accounts.account_id: 1 duplicate id" in err
    assert "accounts.territory_id" in err and "shown as Unassigned" in err
    assert run(["compare", str(plan_file)]) == 0
    assert "planner: warning:" in capsys.readouterr().err
    assert file_hash(plan_file) == before


def test_writing_commands_refuse_a_damaged_plan_without_repair(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(plan_file)
    out = tmp_path / "out.gpkg"
    argv = ["quotas", str(plan_file), "--target", "1000", "--method", "potential", "-o", str(out)]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "nothing written" in err and "--repair" in err and "rows 4" not in err
    assert "accounts.account_id" in err
    assert not out.exists()

    assert run([*argv, "--repair"]) == 0
    err = capsys.readouterr().err
    assert "repaired: accounts.account_id" in err
    assert "repaired: accounts.territory_id" in err
    assert "baseline" not in "".join(line for line in err.splitlines() if "repaired" in line)
    back = open_plan(out)
    assert back.accounts["account_id"].is_unique
    assert back.accounts.loc[4, "baseline_territory_id"] == "T99"  # the baseline is kept
    remaining = validate_plan_file(out)
    assert not remaining.needs_repair
    assert [p.column for p in remaining.problems] == ["baseline_territory_id"]


def test_optimise_keeps_dangling_baseline_ids(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_gpkg(plan_file, "UPDATE accounts SET baseline_territory_id = 'GONE' WHERE fid < 4;")
    out = tmp_path / "out.gpkg"
    code = run(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1"])
    assert code == 0, capsys.readouterr().err
    assert "baseline_territory_id" in capsys.readouterr().err  # reported, not blocking
    back = open_plan(out)
    assert list(back.accounts["baseline_territory_id"][:3]) == ["GONE"] * 3


def test_corrupt_plan_is_a_clear_error_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    state = folder_state(tmp_path)
    for argv in (
        ["report", str(bad)],
        ["compare", str(bad)],
        ["optimise", str(bad), "-o", str(tmp_path / "o.gpkg")],
        ["export", str(bad), "--csv", str(tmp_path / "o.csv")],
    ):
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert "bad.gpkg" in err and "Traceback" not in err
    assert folder_state(tmp_path) == state


def test_an_unexpected_exception_is_an_internal_error_with_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(argv: list[str]) -> int:
        raise ZeroDivisionError("boom")

    cli._load_subcommands()
    monkeypatch.setitem(cli.SUBCOMMANDS, "report", broken)
    assert main(["report", "x.gpkg"]) == cli.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "planner: internal error: ZeroDivisionError: boom (please report" in err
    assert "Traceback" not in err


def test_optimise_refuses_a_plan_without_any_located_account(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_gpkg(plan_file, "UPDATE accounts SET geom = NULL;")
    out = tmp_path / "out.gpkg"
    assert run(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1"]) == 2
    assert "no account has a location; nothing to optimise" in capsys.readouterr().err
    assert not out.exists()


def test_optimise_refuses_units_without_a_shape(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_gpkg(plan_file, "UPDATE units SET geom = NULL WHERE fid = 1;")
    out = tmp_path / "out.gpkg"
    assert run(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1"]) == 2
    assert "1 unit(s) have no shape (U00)" in capsys.readouterr().err
    assert not out.exists()


def test_optimise_says_so_when_every_account_is_locked(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_gpkg(plan_file, "UPDATE accounts SET locked = 1;")
    out = tmp_path / "out.gpkg"
    assert run(["optimise", str(plan_file), "-o", str(out), "--time-limit", "1"]) == 1
    assert "every account of" in capsys.readouterr().err
    assert not out.exists()


def test_huge_whole_numbers_are_refused_not_overflowed(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gpkg"
    assert run(["routes", str(plan_file), "-o", str(out), "--weeks", "9" * 400]) == 2
    assert "--weeks must be between 1 and 52, got 9999" in capsys.readouterr().err
