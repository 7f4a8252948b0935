"""The bundled demo is read-only to the user; dialogs never start in the application's folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from planner.ui.app import demo_plan_path
from planner.ui.folders import is_bundled, start_folder
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_plan_is_bundled_and_user_files_are_not(tmp_path: Path) -> None:
    assert is_bundled(demo_plan_path())
    assert not is_bundled(tmp_path / "plan.gpkg")
    assert not is_bundled(None)


def test_start_folder_skips_the_application_folder(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    # A remembered folder inside the application and a plan opened from it are both skipped.
    settings.setValue("dirs/exports", str(demo_plan_path().parent))
    folder = start_folder(settings, "dirs/exports", demo_plan_path())
    assert not is_bundled(folder)
    assert folder.is_dir()
    settings.setValue("dirs/exports", str(tmp_path))
    assert start_folder(settings, "dirs/exports", demo_plan_path()) == tmp_path


def test_saving_the_demo_asks_for_a_new_place(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = demo_plan_path()
    before = _digest(demo)
    # Show the small test plan as if it had been opened from the bundled demo's path.
    window.set_plan(make_plan(), demo)
    assert window.read_only
    assert "read-only" in window.windowTitle()
    asked: list[str] = []
    target = tmp_path / "my plan.gpkg"

    def ask(parent, caption, start, file_filter):  # type: ignore[no-untyped-def]
        asked.append(start)
        return str(target), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    assert window.save()
    assert len(asked) == 1
    assert not is_bundled(Path(asked[0]))
    assert _digest(demo) == before
    assert target.exists()
    assert window.path == target and not window.read_only


def test_save_as_refuses_the_application_folder(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside = demo_plan_path().parent / "copy-of-demo.gpkg"
    warned: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(inside), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(str(a[2])))
    assert not window.save_as()
    assert warned and "application's own folder" in warned[0]
    assert not inside.exists()


def test_new_window_settings_do_not_point_into_the_package(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    try:
        assert not is_bundled(start_folder(w.settings, "dirs/plans", None))
    finally:
        w.close()
        w.deleteLater()
