"""Quota and rep-matching dialogs: exact sums, undoable application, quotas in the balance table."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from planner.ui.main_window import MainWindow
from planner.ui.redesign_dialogs import QuotaDialog, RepMatchDialog


def test_quota_dialog_sums_exactly_and_apply_is_undoable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    dialog = QuotaDialog(window.context)
    qtbot.addWidget(dialog)
    dialog.target.setValue(1_000_001)
    dialog.compute()
    finals = dialog.finals()
    assert finals is not None and finals.sum() == 1_000_001
    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    assert apply.isEnabled()
    # An edit that breaks the sum disables Apply and says by how much.
    dialog.table.item(0, 4).setText(str(finals[0] + 5))
    assert not apply.isEnabled() and "off by +$5" in dialog.status.text()
    dialog.table.item(1, 4).setText(str(finals[1] - 5))
    assert apply.isEnabled()
    apply.click()
    quotas = plan.territories["quota"].to_numpy()
    assert quotas.sum() == 1_000_001
    model = window.balance.model
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Quota"
    assert model.index(0, 2).data() == f"${quotas[0]:,.0f}"
    window.undo_action.trigger()
    assert np.isnan(plan.territories["quota"].to_numpy()).all()


def test_rep_matching_applies_ticked_suggestions_as_one_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    # Scramble reps so the matcher has something to fix.
    plan.territories["rep_id"] = ["R4", "R3", "R2", "R1"]
    dialog = RepMatchDialog(window.context)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == plan.n_territories
    changed = dialog.apply()
    assert changed > 0
    assert list(plan.territories["rep_id"]) == ["R1", "R2", "R3", "R4"]  # each rep lives in its own
    window.undo_action.trigger()
    assert list(plan.territories["rep_id"]) == ["R4", "R3", "R2", "R1"]


def test_rep_matching_lets_the_planner_pick_another_rep(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    dialog = RepMatchDialog(window.context)
    qtbot.addWidget(dialog)
    row = next(r for r, s in enumerate(dialog.suggestions) if s.territory_id == "T1")
    for r in range(dialog.table.rowCount()):
        dialog.table.item(r, 0).setCheckState(
            Qt.CheckState.Checked if r == row else Qt.CheckState.Unchecked
        )
    combo = dialog.table.cellWidget(row, 1)
    combo.setCurrentIndex(combo.findData("R4"))
    assert dialog.apply() == 1
    assert plan.territories.at[0, "rep_id"] == "R4"
    window.undo_action.trigger()
    assert plan.territories.at[0, "rep_id"] == "R1"
