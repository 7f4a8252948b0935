"""Model tier: every output is written atomically, with the user's umask, and cleaned up after."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.io import files, planfile
from planner.io.export_csv import write_crm_csv
from planner.io.files import OutputError, atomic_output, partial_path, remove_stale_partials
from planner.io.planfile import open_plan, save_plan
from planner.models.plan import Plan
from tests.conftest import make_plan


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_partial_names_carry_the_process_and_keep_the_extension(tmp_path: Path) -> None:
    tmp = partial_path(tmp_path / "plan.gpkg")
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".plan.") and tmp.name.endswith(".partial.gpkg")
    assert f"-{os.getpid()}-" in tmp.name


def test_leftovers_of_dead_writers_are_removed_on_the_next_save(tmp_path: Path) -> None:
    plan = make_plan(20, 2, 2)
    target = tmp_path / "plan.gpkg"
    ours = partial_path(target)
    dead = Path(str(ours).replace(f"-{os.getpid()}-", f"-{dead_pid()}-"))
    dead.write_bytes(b"half a plan")
    Path(f"{dead}-journal").write_bytes(b"journal")
    live = partial_path(tmp_path / "other.xlsx")  # this process: a writer still at work
    live.write_bytes(b"busy")
    unrelated = tmp_path / ".plan.gpkg.notes"
    unrelated.write_text("mine")
    legacy_new = tmp_path / ".plan-abcd1234.partial.gpkg"
    legacy_new.write_bytes(b"recent")
    legacy_old = tmp_path / ".plan-zz_y9x8w.partial.gpkg"
    legacy_old.write_bytes(b"old")
    a_day_ago = time.time() - files.STALE_AFTER_S - 60
    os.utime(legacy_old, (a_day_ago, a_day_ago))

    save_plan(plan, target)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["plan.gpkg", live.name, unrelated.name, legacy_new.name])


def test_opening_a_plan_removes_leftovers_too(tmp_path: Path) -> None:
    target = tmp_path / "plan.gpkg"
    save_plan(make_plan(20, 2, 2), target)
    leftover = Path(str(partial_path(target)).replace(f"-{os.getpid()}-", f"-{dead_pid()}-"))
    leftover.write_bytes(b"x")
    open_plan(target)
    assert not leftover.exists()


def test_a_save_killed_outright_leaves_a_leftover_the_next_save_removes(tmp_path: Path) -> None:
    target = tmp_path / "plan.gpkg"
    # The child stops inside its save (the temporary file written, the plan file not yet
    # replaced), says so on stdout and waits there: the kill lands mid-save every time.
    script = (
        "import sys; sys.path.insert(0, sys.argv[2])\n"
        "from tests.conftest import make_plan\n"
        "from planner.io import planfile\n"
        "real = planfile._write_layer\n"
        "def held(frame, path, layer, gtype):\n"
        "    real(frame, path, layer, gtype)\n"
        "    print('in save', flush=True)\n"
        "    sys.stdin.read()\n"
        "planfile._write_layer = held\n"
        "planfile.save_plan(make_plan(300, 6, 3), sys.argv[1])\n"
    )
    root = Path(__file__).resolve().parents[1]
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(target), str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "in save", "the saving process died"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert any(".partial" in p.name for p in tmp_path.iterdir())
    save_plan(make_plan(20, 2, 2), target)
    assert [p.name for p in tmp_path.iterdir()] == ["plan.gpkg"]
    assert open_plan(target).n_accounts == 20


def test_a_full_disk_is_a_clear_error_naming_the_users_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = make_plan(20, 2, 2)
    target = tmp_path / "plan.gpkg"
    save_plan(plan, target)
    good = target.read_bytes()
    real = planfile._write_layer

    def disk_full(frame: object, path: Path, layer: str, gtype: str) -> None:
        if layer == "territories":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(frame, path, layer, gtype)  # type: ignore[arg-type]

    monkeypatch.setattr(planfile, "_write_layer", disk_full)
    with pytest.raises(OutputError) as caught:
        save_plan(plan, target)
    message = str(caught.value)
    assert str(target) in message and "disk is full" in message
    assert "previous file is unchanged" in message
    assert ".partial" not in message
    assert caught.value.filename == str(target)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["plan.gpkg"]


def test_a_full_disk_during_an_export_keeps_nothing(tmp_path: Path) -> None:
    target = tmp_path / "crm.csv"
    full = r"crm\.csv: could not be written: the disk is full; "
    with pytest.raises(OutputError, match=full), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    plan = make_plan(20, 2, 2)
    save_plan(plan, tmp_path / "plan.gpkg")
    write_crm_csv(plan, tmp_path / "crm.csv")
    assert (tmp_path / "plan.gpkg").stat().st_mode & 0o777 == mode
    assert (tmp_path / "crm.csv").stat().st_mode & 0o777 == mode


@pytest.mark.usefixtures("umask")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path, small_plan: Plan) -> None:
    target = tmp_path / "plan.gpkg"
    save_plan(small_plan, target)
    target.chmod(0o600)
    save_plan(small_plan, target)
    assert target.stat().st_mode & 0o777 == 0o600


def test_stale_partials_elsewhere_are_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "sub"
    other.mkdir()
    leftover = Path(
        str(partial_path(other / "x.gpkg")).replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    )
    leftover.write_bytes(b"x")
    assert remove_stale_partials(tmp_path) == []
    assert leftover.exists()
    assert remove_stale_partials(other) == [leftover]


def test_a_gdal_error_names_the_users_file_not_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyogrio.errors

    plan = make_plan(20, 2, 2)
    target = tmp_path / "plan.gpkg"

    def refuse(frame: object, path: Path, layer: str, gtype: str) -> None:
        raise pyogrio.errors.FieldError(f"Error adding field 'x' to layer in {path}")

    monkeypatch.setattr(planfile, "_write_layer", refuse)
    with pytest.raises(planfile.PlanFileError) as caught:
        save_plan(plan, target)
    message = str(caught.value)
    assert message.startswith(f"{target}: cannot save the 'accounts' layer")
    assert ".partial" not in message
    assert list(tmp_path.iterdir()) == []
