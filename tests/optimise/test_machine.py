"""The machine's speed: measured once, stored, and turned into the optimiser's counted work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main as cli_main
from planner.optimise import machine
from planner.optimise.districting import WORK_PER_SECOND, optimise_territories
from tests.optimise.test_districting import grid, measures


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder and no speed in the environment; the calibration kept short."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(machine.ENV, raising=False)
    monkeypatch.setattr(machine, "CALIBRATION_DETERMINISTIC_TIME", 0.2)
    monkeypatch.setattr(machine, "CALIBRATION_SOLVES", 2)
    return tmp_path


def test_without_a_calibration_the_reference_speed_is_used(cache: Path) -> None:
    assert machine.stored() is None
    assert machine.speed() == 1.0


def test_the_environment_sets_the_speed_and_a_bad_value_is_refused(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(machine.ENV, "1.7")
    assert machine.speed() == pytest.approx(1.7)
    monkeypatch.setenv(machine.ENV, "100")
    assert machine.speed() == machine.MAX_SPEED
    for bad in ("fast", "-1", "0", "nan"):
        monkeypatch.setenv(machine.ENV, bad)
        with pytest.raises(ValueError, match=machine.ENV):
            machine.speed()


def test_a_calibration_is_stored_and_used_on_its_machine_only(cache: Path) -> None:
    cal = machine.calibrate()
    assert cal.rate > 0 and cal.speed == pytest.approx(
        min(max(cal.rate / machine.REFERENCE_RATE, machine.MIN_SPEED), machine.MAX_SPEED), abs=1e-3
    )
    path = machine.calibration_path()
    assert path.parent.parent == cache and path.exists()
    assert machine.stored() == cal
    assert machine.speed() == pytest.approx(cal.speed)
    # Made on another processor: not this machine's speed.
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "machine": "another x64"}), encoding="utf-8")
    assert machine.stored() is None and machine.speed() == 1.0
    # A damaged file is no calibration either.
    path.write_text("{ not json", encoding="utf-8")
    assert machine.stored() is None and machine.speed() == 1.0


def test_planner_calibrate_measures_once_with_if_missing(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["calibrate", "--show"]) == 0
    assert "Not calibrated" in capsys.readouterr().out
    assert cli_main(["calibrate", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["speed"] > 0 and first["machine"] == machine.machine_key()
    assert cli_main(["calibrate", "--if-missing", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == first  # stored, not measured again
    assert cli_main(["calibrate", "--show"]) == 0
    assert str(machine.calibration_path()) in capsys.readouterr().out


def test_the_solvers_are_charged_at_the_machine_speed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a machine twice as slow as the reference a CP-SAT solve is charged twice the work
    and gets half the deterministic time for the same work left; a run takes its speed from
    the machine."""
    from planner.optimise.districting.problem import (
        WORK,
        charge_cp_sat,
        deterministic_budget,
    )
    from planner.optimise.districting.recombination import solve_budget

    charged, budgets = [], []
    for speed in (1.0, 2.0):
        WORK.speed = speed
        before = WORK.ticks
        charge_cp_sat(1.0)
        charged.append(WORK.ticks - before)
        budgets.append(
            (
                deterministic_budget(WORK.ticks + 10 * WORK_PER_SECOND),
                solve_budget(WORK.ticks + 10 * WORK_PER_SECOND, 100.0),
            )
        )
    assert charged[1] == pytest.approx(2 * charged[0])
    assert budgets[1][0] == pytest.approx(budgets[0][0] / 2)
    assert budgets[1][1] < 0.55 * budgets[0][1]
    adj, xy = grid(5, 5)
    for speed in ("1.5", "1"):
        monkeypatch.setenv(machine.ENV, speed)
        optimise_territories(measures(25), adj, xy, 2, time_limit=2.0, exact=False)
        assert WORK.speed == pytest.approx(float(speed))
