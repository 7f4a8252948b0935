"""Hierarchy: roll-ups equal the sum of their children, in the model and in the balance panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from planner.models.hierarchy import rollup
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


def test_rollups_equal_the_sum_of_their_children() -> None:
    plan = make_plan()
    plan.territories["parent_id"] = ["North", "North", "South", None]
    rolled = rollup(plan)
    table = plan.balance()
    assert rolled.names == ["North", "South", "(no parent)"]
    assert rolled.members == [[0, 1], [2], [3]]
    np.testing.assert_allclose(rolled.table.values[0], table.values[0] + table.values[1])
    np.testing.assert_allclose(rolled.table.values[1], table.values[2])
    np.testing.assert_allclose(rolled.table.values.sum(axis=0), table.values.sum(axis=0))
    np.testing.assert_allclose(rolled.table.targets, rolled.table.values.mean(axis=0))


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w.show()
    qtbot.waitExposed(w)
    plan = make_plan()
    plan.territories["parent_id"] = ["North", "North", "South", "South"]
    w.set_plan(plan, None)
    yield w
    w.dirty = False
    w.close()
    w.deleteLater()


def test_balance_panel_groups_by_parent_and_selects_children(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.balance
    panel.group_combo.setCurrentIndex(panel.group_combo.findData("parent"))
    assert panel.model.rowCount() == 2
    assert panel.model.index(0, 0).data() == "North"
    j = plan.balance().column("accounts")
    col = panel.model.FIXED + 2 * j
    north = plan.balance().values[[0, 1], j].sum()
    assert panel.model.index(0, col).data() == f"{north:,.0f}"
    window.select_territories([1])  # a child selected on the map selects its parent row
    assert panel.selected_territories() == [0, 1]
    # Map colours by parent: both North territories share one colour.
    window.presenter.set_color_mode("parent")
    colors = window.presenter.unit_colors()
    t0 = colors[np.flatnonzero(plan.unit_territory == 0)[0]]
    t1 = colors[np.flatnonzero(plan.unit_territory == 1)[0]]
    t2 = colors[np.flatnonzero(plan.unit_territory == 2)[0]]
    assert (t0 == t1).all() and not (t0 == t2).all()
