"""Scenarios dock: save, switch, rename, duplicate, delete are undoable; the comparison is right."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from planner.models.scenarios import compare_scenarios, scenario_names
from planner.ui.main_window import MainWindow


def select(panel, name: str) -> None:  # type: ignore[no-untyped-def]
    for i in range(panel.list.count()):
        if panel.list.item(i).text() == name:
            panel.list.setCurrentRow(i)


def test_save_switch_and_compare_four_scenarios(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.scenarios_panel
    original = plan.account_territory.copy()
    plan.apply(plan.propose_unit_move(np.arange(6), 3))
    panel.save_current("East grab")
    plan.apply(plan.propose_unit_move(np.arange(6, 12), 0))
    panel.save_current("West grab")
    assert {"current", "baseline", "East grab", "West grab"} <= set(scenario_names(plan))
    for i in range(panel.list.count()):
        panel.list.item(i).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: panel.table.columnCount() == 4)
    comparison = compare_scenarios(plan, panel.checked())
    _key, label, values = comparison.rows()[0]
    assert panel.table.verticalHeaderItem(0).text() == label
    assert panel.table.item(0, 0).text() == f"{values[0]:,.1f}"
    # Switching is one undoable step; undo returns to the previous alignment.
    select(panel, "baseline")
    before = plan.account_territory.copy()
    panel.switch_selected()
    assert np.array_equal(plan.account_territory, original)
    window.undo_action.trigger()
    assert np.array_equal(plan.account_territory, before)


def test_rename_duplicate_delete_are_undoable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.scenarios_panel
    panel.save_current("A")
    select(panel, "A")
    panel.rename_selected("B")
    assert "B" in scenario_names(plan) and "A" not in scenario_names(plan)
    select(panel, "B")
    panel.duplicate_selected("C")
    select(panel, "C")
    panel.delete_selected()
    assert "C" not in scenario_names(plan)
    window.undo_action.trigger()  # delete
    assert "C" in scenario_names(plan)
    window.undo_action.trigger()  # duplicate
    window.undo_action.trigger()  # rename
    assert "A" in scenario_names(plan) and "B" not in scenario_names(plan)
    window.undo_action.trigger()  # save
    assert "A" not in scenario_names(plan)


def test_small_multiple_maps_colour_units_by_each_scenario(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.scenarios_panel
    plan.apply(plan.propose_unit_move(np.arange(6), 3))
    panel.save_current("Moved")
    for i in range(panel.list.count()):
        panel.list.item(i).setCheckState(Qt.CheckState.Checked)
    dialog = panel.show_maps()
    qtbot.addWidget(dialog)
    axes = dialog.figure.axes
    assert [ax.get_title() for ax in axes] == panel.checked()
    baseline = axes[panel.checked().index("baseline")].collections[0].get_facecolors()
    moved = axes[panel.checked().index("Moved")].collections[0].get_facecolors()
    assert len(baseline) == plan.n_units
    assert not np.allclose(baseline[:6], moved[:6]) and np.allclose(baseline[6:], moved[6:])


def test_realignment_report_lists_every_move_with_a_reason(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.scenarios_panel
    change = plan.propose_unit_move(np.arange(6), 3)
    plan.apply(change)
    panel.save_current("Moved")
    dialog = panel.show_realignment("Moved")
    qtbot.addWidget(dialog)
    report = dialog.report
    assert (report["kind"] == "account").sum() == len(change.account_indices)
    assert (report["kind"] == "unit").sum() == len(change.unit_indices)
    assert set(report["to_territory"]) == {plan.territory_label(3)}
    assert (report["reason"] == "edit").all()
    assert dialog.table.rowCount() == len(report)
