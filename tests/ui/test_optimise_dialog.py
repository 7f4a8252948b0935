"""UI tier: the optimiser dialog runs in the background, previews, applies as one undo step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDoubleSpinBox

from planner.optimise.plan_optimiser import MOVES_TABLE
from planner.ui.main_window import MainWindow
from planner.ui.optimise_dialog import OptimiseDialog, install
from tests.conftest import make_plan


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings: QSettings) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(settings)
    w.resize(1200, 800)
    w.set_plan(make_plan(n_accounts=300, grid=6, n_territories=3, seed=3), None)
    install(w.context)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for task in list(w.tasks):
        task.cancel()
        task.wait()
    for dialog in w.findChildren(OptimiseDialog):
        if dialog.task is not None:
            dialog.task.cancel()
            dialog.task.wait()
    w.dirty = False
    w.close()
    w.deleteLater()


def open_from_menu(window: MainWindow) -> OptimiseDialog:
    actions = [a for a in window.menus["plan"].actions() if a.objectName() == "optimiseAction"]
    assert len(actions) == 1
    assert actions[0].shortcut().toString() == "Ctrl+Shift+O"
    actions[0].trigger()
    dialog = window.findChild(OptimiseDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_run_preview_apply_and_undo_as_one_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    at0, ut0 = plan.account_territory.copy(), plan.unit_territory.copy()
    dialog = open_from_menu(window)
    dialog.time_limit.setValue(2)
    dialog.disruption.setValue(25.0)
    assert not dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.result_ready, timeout=20000) as blocker:
        qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.isEnabled() and not dialog.run_button.isEnabled()
    result = blocker.args[0]
    assert result.accounts_moved > 0 and result.disruption_accounts <= 0.25 + 1e-9
    # Preview: one row per territory, one column per balanced measure, before → after.
    assert dialog.preview.rowCount() == plan.n_territories
    assert dialog.preview.columnCount() == 1 + len(result.balanced)
    assert "→" in dialog.preview.item(0, 1).text()
    assert "Disruption" in dialog.summary.text()
    assert np.array_equal(plan.account_territory, at0), "nothing changes before Apply"
    assert dialog.apply_button.isEnabled()

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert window.undo_stack.count() == 1
    assert not np.array_equal(plan.account_territory, at0)
    assert len(plan.tables[MOVES_TABLE]) == len(result.moves)
    window.undo_stack.undo()
    assert np.array_equal(plan.account_territory, at0)
    assert np.array_equal(plan.unit_territory, ut0)
    assert MOVES_TABLE not in plan.tables
    window.undo_stack.redo()
    assert not np.array_equal(plan.account_territory, at0)


def test_settings_are_remembered(qtbot, window: MainWindow, settings: QSettings) -> None:  # type: ignore[no-untyped-def]
    dialog = open_from_menu(window)
    dialog.time_limit.setValue(3)
    dialog.seed.setValue(42)
    dialog.mode.setCurrentIndex(dialog.mode.findData("create"))
    dialog.contiguity.setCurrentIndex(dialog.contiguity.findData("preferred"))
    dialog.compactness.setCurrentIndex(dialog.compactness.findData("diameter"))
    spin = dialog.measures.cellWidget(0, 1)
    assert isinstance(spin, QDoubleSpinBox)
    spin.setValue(7.5)
    dialog.measures.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    options = dialog.options()
    assert options.mode == "create" and options.seed == 42
    assert options.contiguity == "preferred" and options.compactness == "diameter"
    assert options.measures is not None and len(options.measures) == 3
    with qtbot.waitSignal(dialog.result_ready, timeout=20000):
        dialog.run()
    fresh = OptimiseDialog(window.context)
    assert fresh.time_limit.value() == 3 and fresh.seed.value() == 42
    assert fresh.mode.currentData() == "create"
    assert fresh.contiguity.currentData() == "preferred"
    assert fresh.compactness.currentData() == "diameter"
    again = fresh.options()
    assert again.tolerances[again.measures[0]] == pytest.approx(0.075)
    assert again.measures == options.measures
    fresh.deleteLater()


def test_stop_keeps_the_best_plan_found(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_from_menu(window)
    dialog.time_limit.setValue(60)
    for row in range(dialog.measures.rowCount()):
        spin = dialog.measures.cellWidget(row, 1)
        assert isinstance(spin, QDoubleSpinBox)
        spin.setValue(0.0)  # zero-width bands: the search never finishes early
    with qtbot.waitSignal(dialog.result_ready, timeout=30000) as blocker:
        dialog.run()
        qtbot.waitUntil(lambda: "bands in tolerance" in dialog.status.text(), timeout=10000)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.status == "cancelled"
    assert result.elapsed < 30
    assert "best plan found so far" in dialog.summary.text()
    assert dialog.apply_button.isEnabled() == (not result.change.is_empty)


def test_apply_refuses_a_proposal_for_a_changed_plan(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = open_from_menu(window)
    dialog.time_limit.setValue(2)
    dialog.disruption.setValue(30.0)
    with qtbot.waitSignal(dialog.result_ready, timeout=20000):
        dialog.run()
    plan = window.plan
    assert plan is not None
    plan.apply(plan.propose_unit_move(np.array([0]), 2))
    assert not dialog.apply()
    assert warnings and "changed" in warnings[0]
    assert window.undo_stack.count() == 0


def test_time_limit_default_grows_with_the_plan(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_from_menu(window)
    assert window.plan.n_units < 1000 and dialog.time_limit.value() == 20
    window.set_plan(make_plan(n_accounts=2000, grid=40, n_territories=4, seed=3), None)
    dialog.reload()
    assert window.plan.n_units >= 1000 and dialog.time_limit.value() == 90


def test_budget_already_spent_since_the_baseline_is_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    plan.set_baseline_to_current()
    moved = np.flatnonzero(plan.account_territory == 0)[:12]  # 4 % of 300 accounts
    plan.apply(plan.propose_account_move(moved, 1))
    dialog = open_from_menu(window)
    dialog.disruption.setValue(10.0)
    assert dialog.spent.isVisible()
    assert dialog.spent.text() == "Already 4.0 % of accounts from the baseline; 6.0 % left."
    dialog.disruption.setValue(3.0)
    assert "over the 3 % budget" in dialog.spent.text()
    assert "only moves that add no disruption" in dialog.spent.text()
    dialog.mode.setCurrentIndex(dialog.mode.findData("create"))
    assert not dialog.spent.isVisible()


def test_per_rep_limit_defaults_to_a_quarter_and_can_be_off_or_zero(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    dialog = open_from_menu(window)
    assert dialog.limit_per_rep.isChecked() and dialog.per_rep.value() == 25.0
    assert dialog.options().max_disruption_per_rep == pytest.approx(0.25)
    dialog.per_rep.setValue(0.0)
    assert dialog.options().max_disruption_per_rep == 0.0
    dialog.limit_per_rep.setChecked(False)
    assert not dialog.per_rep.isEnabled()
    assert dialog.options().max_disruption_per_rep is None
