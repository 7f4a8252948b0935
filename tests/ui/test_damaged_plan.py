"""A damaged plan file opens read-only or repaired, only with the user's consent."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from planner.io.planfile import save_plan
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan
from tests.plan_edits import edit_gpkg, file_hash


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """A plan file whose second account has the first one's id (as a foreign tool left it)."""
    path = tmp_path / "damaged.gpkg"
    save_plan(make_plan(), path)
    edit_gpkg(
        path,
        "UPDATE accounts SET account_id = 'A00000' WHERE account_id = 'A00001';",
    )
    return path


def _open(qtbot, window: MainWindow, path: Path, answer: str, monkeypatch) -> list[object]:  # type: ignore[no-untyped-def]
    asked: list[object] = []

    def ask(p: Path, validation: object) -> str:
        asked.append(validation)
        return answer

    monkeypatch.setattr(window, "ask_repair", ask)
    before = window.plan
    window.open_path(path, show_dialog=False)
    qtbot.waitUntil(lambda: not window.tasks, timeout=30_000)
    if answer != "cancel":
        assert window.plan is not before
    return asked


def test_read_only_keeps_the_file_and_save_asks_for_a_new_place(
    qtbot,
    window: MainWindow,
    damaged: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    digest = file_hash(damaged)
    asked = _open(qtbot, window, damaged, "read_only", monkeypatch)
    assert len(asked) == 1 and asked[0].needs_repair  # type: ignore[attr-defined]
    assert any("A00000" in line for line in asked[0].lines())  # type: ignore[attr-defined]
    assert window.read_only and "problems in the file" in window.windowTitle()
    assert not window.dirty
    new = tmp_path / "copy.gpkg"
    places: list[str] = []

    def save_as(parent, caption, start, file_filter):  # type: ignore[no-untyped-def]
        places.append(start)
        return str(new), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    assert window.save()
    assert places, "Save on a read-only plan must ask for a new place"
    assert file_hash(damaged) == digest
    assert new.exists() and window.path == new and not window.read_only


def test_repair_marks_the_plan_changed_and_save_writes_it(
    qtbot,
    window: MainWindow,
    damaged: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    _open(qtbot, window, damaged, "repair", monkeypatch)
    assert window.plan is not None and window.plan.accounts["account_id"].is_unique
    assert window.dirty and not window.read_only
    assert window.save()
    assert not window.dirty


def test_cancel_opens_nothing(
    qtbot,
    window: MainWindow,
    damaged: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    before = window.plan
    digest = file_hash(damaged)
    _open(qtbot, window, damaged, "cancel", monkeypatch)
    assert window.plan is before
    assert file_hash(damaged) == digest


def test_a_sound_file_opens_without_asking(
    qtbot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "sound.gpkg"
    save_plan(make_plan(), path)
    asked = _open(qtbot, window, path, "cancel", monkeypatch)
    assert asked == []
    assert window.path == path and not window.read_only
