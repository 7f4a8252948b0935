"""The editing state and the selection, bound both ways to the toolbar, the table and the map."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel

from planner.ui.commands import ApplyChangeCommand
from planner.ui.context import EditingState, TerritorySelection
from planner.ui.main_window import MainWindow


def test_editing_state_announces_each_change_once_and_refuses_bad_values(qtbot) -> None:  # type: ignore[no-untyped-def]
    state = EditingState()
    seen: list[object] = []
    state.target_changed.connect(seen.append)
    state.scope_changed.connect(seen.append)
    state.set_target(2)
    state.set_target(2)
    state.set_scope("units")
    state.set_scope("units")
    assert seen == [2, "units"]
    with pytest.raises(ValueError, match="target territory"):
        state.set_target(-2)
    with pytest.raises(ValueError, match="scope must be one of"):
        state.set_scope("everything")
    selection = TerritorySelection()
    changes: list[list[int]] = []
    selection.changed.connect(changes.append)
    selection.set({3, 1})
    selection.set([1, 3])
    assert changes == [[1, 3]] and selection.indices == [1, 3]


def test_target_box_and_editing_state_follow_each_other(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    combo = window.target_combo
    combo.setCurrentIndex(combo.findData(2))  # widget -> state
    assert window.editing.target == 2
    window.editing.set_target(-1)  # state -> widget
    assert combo.currentData() == -1 and combo.currentText() == "Unassigned"


def test_scope_box_and_editing_state_follow_each_other(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    combo = window.scope_combo
    combo.setCurrentIndex(combo.findData("accounts"))
    assert window.editing.scope == "accounts"
    window.editing.set_scope("units")
    assert combo.currentData() == "units"


def test_tool_actions_and_editing_state_follow_each_other(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tool_actions["brush"].trigger()  # widget -> state
    assert window.editing.tool == "brush" and window.canvas.tool is window.tools["brush"]
    window.editing.set_tool("lasso")  # state -> widget and canvas
    assert window.tool_actions["lasso"].isChecked()
    assert window.canvas.tool is window.tools["lasso"]


def test_selecting_one_territory_makes_it_the_target_and_the_target_selects_it(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    view = window.balance.view
    proxy_row = window.balance.proxy.mapFromSource(window.balance.model.index(3, 0)).row()
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().select(window.balance.proxy.index(proxy_row, 0), flags)  # table
    assert window.selection.indices == [3]
    assert window.editing.target == 3 and window.target_combo.currentData() == 3
    # The other way: choosing where edits go selects that territory, table and map.
    window.target_combo.setCurrentIndex(window.target_combo.findData(1))
    assert window.selection.indices == [1]
    assert window.balance.selected_territories() == [1]
    assert window.canvas._highlight == {1}
    # A multi-selection (for Merge) is not thrown away by choosing a target.
    window.select_territories([0, 2])
    window.editing.set_target(3)
    assert window.selection.indices == [0, 2]
    assert window.balance.selected_territories() == [0, 2]


def test_lasso_release_applies_the_change_of_the_last_move(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.test_tools import BOX_2x2, screen

    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    window.editing.set_target(3)
    tool = window.tools["lasso"]
    canvas = window.canvas
    from PySide6.QtCore import Qt

    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[0]))
    for lon, lat in BOX_2x2[1:]:
        qtbot.mouseMove(canvas, screen(window, lon, lat))
    computed = tool.proposals
    previewed = tool.change
    assert previewed is not None
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[-1]))
    assert tool.proposals == computed, "the release reuses the last move's change"
    applied = window.undo_stack.command(0).change  # type: ignore[attr-defined]
    assert applied is previewed
    assert np.all(plan.account_territory[applied.account_indices] == 3)


def test_balance_rows_keep_their_places_during_a_preview(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    plan = window.plan
    assert plan is not None
    panel = window.balance
    column = panel.model.FIXED + 2 * plan.balance().column("accounts")
    panel.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)

    def order() -> list[int]:
        return [panel.proxy.mapToSource(panel.proxy.index(r, 0)).row() for r in range(4)]

    before = order()
    smallest = before[-1]
    # Every unit not in the smallest territory moves to it: it becomes the largest.
    units = np.flatnonzero(plan.unit_territory != smallest)
    change = plan.propose_unit_move(units, smallest)
    window.refresh.set_preview(change)
    qtbot.waitUntil(lambda: panel.model.preview)
    assert order() == before, "no re-sort under the cursor"
    shown = panel.model.index(smallest, column).data(Qt.ItemDataRole.UserRole + 1)
    assert shown == plan.preview(change).values[smallest, plan.balance().column("accounts")]
    window.push(ApplyChangeCommand(plan, change, "Move"))
    qtbot.waitUntil(lambda: not panel.model.preview)
    assert order()[0] == smallest, "sorted again once the edit is applied"
