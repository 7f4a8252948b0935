"""UI tier: export from the window, review an edited workbook, apply as one undo step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from planner.ui import export_dialog, review_dialog
from planner.ui.export_dialog import ExportDialog, ExportRequest, export_files
from planner.ui.main_window import MainWindow
from planner.ui.review_dialog import ReviewDialog, start_review
from tests.conftest import make_plan


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(settings)
    w.resize(1000, 700)
    w.set_plan(make_plan(n_accounts=300, grid=6, n_territories=4, seed=5), None)
    export_dialog.install(w.context)
    review_dialog.install(w.context)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for task in list(w.tasks):
        task.cancel()
        task.wait()
    for dialog in w.findChildren(ReviewDialog):
        dialog.close()
    w.dirty = False
    w.close()
    w.deleteLater()


def file_action(window: MainWindow, name: str) -> QAction:
    found = [a for a in window.menus["file"].actions() if a.objectName() == name]
    assert len(found) == 1, "installed once, in the File menu"
    return found[0]


def export(qtbot, window: MainWindow, outputs: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    task = export_files(window.context, ExportRequest(outputs))
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=60000):
        pass


def test_menu_actions_and_the_export_dialog(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert file_action(window, "exportAction").shortcut().toString() == "Ctrl+E"
    assert file_action(window, "reviewWorkbookAction").text() == "Review Edited &Workbook…"
    export_dialog.install(window.context)
    review_dialog.install(window.context)
    file_action(window, "exportAction")
    dialog = ExportDialog(window, tmp_path, "plan")
    qtbot.addWidget(dialog)
    assert list(dialog.request().outputs) == ["xlsx"], "the workbook is the default output"
    dialog.checks["csv"].setChecked(True)
    dialog.paths["csv"].setText(str(tmp_path / "crm"))
    assert dialog.request().outputs["csv"] == tmp_path / "crm.csv"
    for check in dialog.checks.values():
        check.setChecked(False)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


def test_export_runs_in_the_background_and_writes_every_file(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    outputs = {k: tmp_path / f"plan.{k}" for k in ("xlsx", "html", "csv", "png", "pdf")}
    export(qtbot, window, outputs)
    for path in outputs.values():
        assert path.exists() and path.stat().st_size > 0, path
    assert outputs["png"].read_bytes()[:4] == b"\x89PNG"
    book = outputs["pdf"].read_bytes()
    assert book[:5] == b"%PDF-"
    plan = window.plan
    assert plan is not None
    # The map book: an overview page and one page per territory.
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", book))
    assert pages == plan.n_territories + 1
    assert "Exported" in window.statusBar().currentMessage()


def test_review_applies_the_checked_changes_as_one_undo_step(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    book = tmp_path / "plan.xlsx"
    export(qtbot, window, {"xlsx": book})
    free = np.flatnonzero((plan.account_territory == 0) & ~plan.account_locked)
    a, b, c = (int(i) for i in free[:3])
    ids = list(plan.accounts["account_id"])
    wb = openpyxl.load_workbook(book)
    ws = wb["Accounts"]
    tid = [x.value for x in ws[1]].index("Territory ID") + 1
    for i, target in ((a, "T2"), (b, "T3"), (c, "T99")):
        ws.cell(i + 2, tid).value = target
    wb.save(book)
    before = plan.account_territory.copy()

    shown: list[ReviewDialog] = []
    task = start_review(window.context, book, shown.append)
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    dialog = shown[0]
    assert isinstance(dialog, ReviewDialog) and dialog.isVisible()
    model = dialog.changes_model
    assert model.rowCount() == 2 and dialog.conflicts_model.rowCount() == 1
    assert all(
        model.data(model.index(r, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        for r in range(2)
    ), "every non-conflicting change starts checked"
    assert "T99" in dialog.conflicts_model.data(dialog.conflicts_model.index(0, 4))
    assert dialog.apply_button.text() == "Apply 2 changes"
    row_b = [ch.item_id for ch in model.changes].index(ids[b])
    model.setData(model.index(row_b, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.apply_button.text() == "Apply 1 change"
    assert np.array_equal(plan.account_territory, before), "nothing changes before Apply"

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.undo_stack.count() == 1
    assert plan.account_territory[a] == 1
    assert plan.account_territory[b] == before[b] and plan.account_territory[c] == before[c]
    assert (plan.account_territory != before).sum() == 1

    window.undo_stack.undo()
    assert np.array_equal(plan.account_territory, before)
    window.undo_stack.redo()
    assert plan.account_territory[a] == 1


def test_a_bad_workbook_is_reported_and_changes_nothing(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    plan = window.plan
    assert plan is not None
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    before = plan.account_territory.copy()
    task = start_review(window.context, bad)
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=30000):
        pass
    qtbot.waitUntil(lambda: bool(shown))
    assert "not an Excel workbook" in shown[0]
    assert window.undo_stack.count() == 0
    assert np.array_equal(plan.account_territory, before)
