"""UI tier: the main window on the demo plan, the balance table and the map in step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QPointF, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from planner.io.planfile import open_plan, save_plan
from planner.models.plan import Plan
from planner.ui.app import demo_plan_path
from planner.ui.import_dialog import ImportDialog
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(settings)  # closed below, after the test, without the unsaved-changes prompt
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for task in list(w.tasks):
        task.cancel()
        task.wait()
    w.dirty = False
    w.close()
    w.deleteLater()


def test_window_opens_on_the_demo_plan_with_a_row_per_territory(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    path = demo_plan_path()
    assert path.exists(), "the bundled demo plan is part of the repository"
    with qtbot.waitSignal(window.plan_loaded, timeout=30000):
        window.open_path(path, show_dialog=False)
    plan = window.plan
    assert plan is not None
    assert 5000 <= plan.n_accounts <= 20000
    assert 8 <= plan.n_territories <= 20
    assert window.balance.model.rowCount() == plan.n_territories
    names = {window.balance.model.index(r, 0).data() for r in range(plan.n_territories)}
    assert names == {plan.territory_label(i) for i in range(plan.n_territories)}
    # Some territory is out of band: the demo alignment is deliberately imperfect.
    assert not plan.balance().in_band.all()
    assert "demo_plan.gpkg" in window.windowTitle()


def select_row(window: MainWindow, proxy_row: int) -> None:
    """Select a table row as a click would (independent of leftover modifier state)."""
    view = window.balance.view
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().select(window.balance.proxy.index(proxy_row, 0), flags)


def load_small(window: MainWindow, plan: Plan | None = None) -> Plan:
    plan = plan or make_plan()
    window.set_plan(plan, None)
    return plan


def click_territory(
    qtbot, window: MainWindow, plan: Plan, territory: int, modifier=Qt.KeyboardModifier.NoModifier
) -> None:  # type: ignore[no-untyped-def]
    unit = int(np.flatnonzero(plan.unit_territory == territory)[0])
    c = plan.units.geometry.iloc[unit].centroid
    x, y = window.canvas.lonlat_to_screen(c.x, c.y)
    qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, modifier, QPoint(int(x), int(y)))


def test_table_selection_highlights_the_map_and_back(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    select_row(window, window.balance.proxy.mapFromSource(window.balance.model.index(1, 0)).row())
    assert window.canvas._highlight == {1}
    click_territory(qtbot, window, plan, 3)
    assert window.balance.selected_territories() == [3]
    assert window.canvas._highlight == {3}
    click_territory(qtbot, window, plan, 0, Qt.KeyboardModifier.ShiftModifier)
    assert window.balance.selected_territories() == [0, 3]
    assert window.canvas._highlight == {0, 3}


def test_sorting_the_table_keeps_selection_mapping(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    model = window.balance.model
    j = plan.balance().column("accounts")
    col = model.FIXED + 2 * j + 1
    window.balance.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    top_source = window.balance.proxy.mapToSource(window.balance.proxy.index(0, 0)).row()
    assert top_source == int(np.argmax(plan.balance().deviation[:, j]))
    select_row(window, 0)
    assert window.canvas._highlight == {top_source}


def test_pan_and_zoom_change_the_view(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    load_small(window)
    canvas = window.canvas
    before = canvas.view_bounds()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    qtbot.mouseMove(canvas, QPoint(340, 320))
    qtbot.mouseMove(canvas, QPoint(400, 350))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 350))
    after = canvas.view_bounds()
    assert after[0] < before[0] and after[1] > before[1]  # dragged right and down
    width = after[2] - after[0]
    canvas.zoom_at(2.0, QPointF(200, 200))
    zoomed = canvas.view_bounds()
    assert zoomed[2] - zoomed[0] == pytest.approx(width / 2, rel=0.01)
    window.zoom_extent_action.trigger()
    full = canvas.view_bounds()
    assert full[2] - full[0] > zoomed[2] - zoomed[0]


def test_edits_refresh_the_balance_and_mark_the_plan_unsaved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    assert not window.dirty
    j = plan.balance().column("accounts")
    col = window.balance.model.FIXED + 2 * j
    before = window.balance.model.index(0, col).data()
    plan.apply(plan.propose_account_move(np.flatnonzero(plan.account_territory == 1)[:30], 0))
    qtbot.waitUntil(lambda: window.balance.model.index(0, col).data() != before)
    assert window.dirty and window.isWindowModified()
    assert "disruption 30 accounts" in window.balance.summary.text()


def test_close_with_unsaved_changes_asks_and_cancel_keeps_the_window(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    plan.apply(
        plan.propose_account_move(np.array([0, 1]), 3 if plan.account_territory[0] != 3 else 2)
    )
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert asked and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_save_then_reopen_is_listed_in_recent_files(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    plan.apply(plan.propose_account_move(np.array([5]), -1))
    target = tmp_path / "saved.gpkg"
    assert window.save_to(target)
    assert not window.dirty
    assert window.recent_files()[0] == str(target.resolve())
    assert open_plan(target).account_territory[5] == -1


def test_status_bar_shows_cursor_coordinates(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    load_small(window)
    x, y = window.canvas.lonlat_to_screen(-87.75, 41.8)
    qtbot.mouseMove(window.canvas, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: "N" in window.coords.text())
    text = window.coords.text()
    assert "41.8" in text and "87.7" in text and "W" in text


def test_import_dialog_detects_mapping_and_builds_a_plan(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "Customer ID,Company,Zip,Seg,Sales\n1,Loop Deli,60601,A,1000\n2,Lake Cafe,60614,B,2000\n3,Nowhere,99999,C,10\n3,Dup,60601,C,5\n"
    )
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    dialog.set_accounts_file(str(csv))
    mapping = dialog.mapping()
    assert (
        mapping["account_id"] == "Customer ID"
        and mapping["zip"] == "Zip"
        and mapping["revenue"] == "Sales"
    )
    assert mapping["segment"] is None
    dialog.combos["segment"].setCurrentText("Seg")  # the user corrects the mapping
    request = dialog.request()
    reports: list[str] = []
    import planner.ui.main_window as mw

    class Capture:
        def __init__(self, text: str, *_: object) -> None:
            reports.append(text)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(mw, "ReportDialog", Capture)
    with qtbot.waitSignal(window.plan_loaded, timeout=20000):
        window.import_request(request)
    plan = window.plan
    assert plan is not None and plan.n_accounts == 3
    assert list(plan.accounts["segment"]) == ["A", "B", "C"]
    assert "2 by ZIP centroid, 1 unplaced" in reports[0]
    assert "duplicate account id" in reports[0]
    assert window.dirty


def test_opening_a_bad_file_reports_and_keeps_the_current_plan(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    plan = load_small(window)
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"garbage")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(str(a[2])))
    window.open_path(bad, show_dialog=False)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "broken.gpkg" in shown[0]
    assert window.plan is plan


def test_a_saved_plan_opens_in_the_background(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.gpkg"
    save_plan(make_plan(), path)
    with qtbot.waitSignal(window.plan_loaded, timeout=20000):
        window.open_path(path, show_dialog=False)
    assert window.path == path
    qtbot.waitUntil(lambda: not window.tasks)
