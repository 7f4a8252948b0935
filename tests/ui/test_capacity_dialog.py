"""Plan ▸ Capacity… and the utilisation column of the Balance panel."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from planner.models.capacity import plan_capacity
from planner.ui.capacity_dialog import CapacityDialog
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


def test_capacity_dialog_shows_the_numbers_and_follows_the_hours_box(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    dialog = CapacityDialog(plan)
    qtbot.addWidget(dialog)
    expected = plan_capacity(plan)
    assert dialog.capacity.value() == 1600.0
    assert dialog.arithmetic.text() == expected.arithmetic()
    assert f"{expected.visit_hours:,.0f}" in dialog.workload.text()
    assert "every rep's capacity_hours" in dialog.workload.text()
    rows = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert rows == ["1,400 h", "1,600 h", "1,800 h"]
    assert dialog.table.item(1, 3).text() == str(expected.territories)
    # Widget to model: other hours per rep give the model's figures for them.
    dialog.capacity.setValue(500)
    at_500 = plan_capacity(plan, 500.0)
    qtbot.waitUntil(lambda: dialog.arithmetic.text() == at_500.arithmetic())
    assert dialog.suggested_territories() == at_500.territories
    assert dialog.table.rowCount() == 4 and dialog.table.item(0, 0).text() == "500 h"
    assert dialog.table.item(0, 0).font().bold()


def test_capacity_action_is_in_the_plan_menu(window: MainWindow) -> None:
    texts = [a.text() for a in window.menus["plan"].actions()]
    assert "&Capacity…" in texts


def test_balance_panel_shows_utilisation_and_flags_over_capacity(window: MainWindow) -> None:
    plan = window.plan
    assert plan is not None
    model = window.balance.model
    col = model.utilisation_column()
    assert col == model.columnCount() - 1
    assert model.headerData(col, Qt.Orientation.Horizontal) == "Utilisation"
    table = plan.balance()
    load = table.values[:, table.column("workload")]
    assert model.index(0, col).data() == f"{load[0] / 1600 * 100:.0f} %"
    # Model to widget: a rep with little capacity puts their territory over 100 %.
    plan.reps.loc[plan.reps["rep_id"] == "R2", "capacity_hours"] = 10.0
    window.refresh_balance()
    text = model.index(1, col).data()
    assert text == f"{load[1] / 10 * 100:.0f} % !"
    assert model.index(1, col).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, col).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "1 over capacity" in window.balance.summary.text()
    assert np.array_equal(model.over_capacity, [False, True, False, False])
