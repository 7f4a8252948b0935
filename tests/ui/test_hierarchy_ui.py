"""UI tier: the hierarchy in the Balance panel, the map colours, the optimiser dialog and the
territory dialog; and the panel saying which routed territories are estimated since edits."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from planner.models.hierarchy import HIERARCHY_TABLE, hierarchy_table
from planner.ui.commands import ApplyChangeCommand
from planner.ui.main_window import MainWindow
from planner.ui.optimise_dialog import OptimiseDialog
from planner.ui.territory_dialog import TerritoryDialog, apply_territory_edits
from tests.conftest import add_hierarchy, make_plan


def show_hierarchy_plan(window: MainWindow) -> None:
    window.set_plan(add_hierarchy(make_plan()), None)


def combo_items(window: MainWindow) -> list[tuple[str, str]]:
    combo = window.balance.group_combo
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def test_the_show_box_offers_every_level_and_rows_total_their_territories(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    show_hierarchy_plan(window)
    plan = window.plan
    assert plan is not None
    panel = window.balance
    assert combo_items(window) == [
        ("Territories", "Territory"),
        ("Districts", "District"),
        ("Regions", "Region"),
    ]
    table = plan.balance()
    j = table.column("accounts")
    col = panel.model.FIXED + 2 * j
    for level, groups in (
        ("District", {"North": [0, 1], "Central": [2], "South": [3]}),
        ("Region", {"East": [0, 1, 2], "West": [3]}),
    ):
        panel.group_combo.setCurrentIndex(panel.group_combo.findData(level))
        assert panel.model.headerData(0, Qt.Orientation.Horizontal) == level
        rows = {panel.model.index(r, 0).data(): r for r in range(panel.model.rowCount())}
        assert set(rows) == set(groups)
        for name, members in groups.items():
            total = table.values[members, j].sum()
            assert panel.model.index(rows[name], col).data() == f"{total:,.0f}"
            word = "territory" if len(members) == 1 else "territories"
            assert panel.model.index(rows[name], 1).data() == f"{len(members)} {word}"
    # Regions shown: a territory selected on the map selects its region's row, and
    # selecting that row selects every territory of the region.
    window.select_territories([1])
    assert panel.selected_territories() == [0, 1, 2]
    with qtbot.waitSignal(panel.territories_selected) as blocker:
        panel.view.selectRow(panel.proxy.mapFromSource(panel.model.index(1, 0)).row())
    assert blocker.args == [[3]]
    # Back to territories: one row each again.
    panel.set_level("Territory")
    assert panel.model.rowCount() == plan.n_territories


def test_the_colour_menu_offers_each_level(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_hierarchy_plan(window)
    plan = window.plan
    assert plan is not None
    texts = [a.text() for a in window.colour_menu.actions()]
    assert texts[:3] == ["Territory", "District", "Region"]

    def colour_of(t: int) -> tuple[int, ...]:
        units = window.presenter.unit_colors()
        return tuple(units[np.flatnonzero(plan.unit_territory == t)[0]])

    window.colour_actions[("level", "Region")].trigger()
    assert window.presenter.color_mode == ("level", "Region")
    assert colour_of(0) == colour_of(1) == colour_of(2) != colour_of(3)
    assert [e[0] for e in window.canvas._legend][:2] == ["East", "West"]
    window.colour_actions[("level", "District")].trigger()
    assert colour_of(0) == colour_of(1) != colour_of(2) != colour_of(3)
    # A plan without levels above territories: the menu shrinks and colours by territory.
    window.set_plan(make_plan(), None)
    assert [a.text() for a in window.colour_menu.actions()][:2] == [
        "Territory",
        "Deviation of Workload",
    ]
    assert window.presenter.color_mode == "territory"
    assert window.colour_actions["territory"].isChecked()


def test_a_bad_hierarchy_table_is_reported_not_raised(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    plan.territories["parent_id"] = ["D1", "D1", "D2", "D2"]
    plan.tables[HIERARCHY_TABLE] = hierarchy_table(
        [("D1", "North", "District", "RE"), ("RE", "East", "Region", "D1")]
    )
    window.set_plan(plan, None)
    assert combo_items(window) == [
        ("Territories", "Territory"),
        ("Districts (parent_id)", "District"),
    ]
    window.balance.set_level("District")
    assert window.balance.model.rowCount() == 2
    summary = window.balance.summary.text()
    assert "hierarchy: cycle of parents: D1 → RE → D1" in summary
    assert "grouped by parent_id only" in summary


def test_the_optimiser_can_take_every_territory_under_a_region(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    show_hierarchy_plan(window)
    action = next(a for a in window.menus["plan"].actions() if a.objectName() == "optimiseAction")
    action.trigger()
    dialog = window.findChild(OptimiseDialog)
    assert dialog is not None
    dialog.mode.setCurrentIndex(dialog.mode.findData("subset"))
    under = dialog.subset_under
    texts = [under.itemText(i) for i in range(under.count())]
    assert texts == [
        "the territories selected in the balance table",
        "Region: East (3 territories)",
        "Region: West (1 territory)",
        "District: North (2 territories)",
        "District: Central (1 territory)",
        "District: South (1 territory)",
    ]
    assert dialog.set_subset_node("RE")
    assert dialog.options().subset == (0, 1, 2)
    assert "Territory 1, Territory 2, Territory 3" in dialog.subset_label.text()
    assert dialog.set_subset_node(None)
    window.select_territories([2, 3])
    assert dialog.options().subset == (2, 3)
    dialog.close()


def test_the_territory_dialog_moves_a_territory_to_another_district(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    show_hierarchy_plan(window)
    plan = window.plan
    assert plan is not None
    dialog = TerritoryDialog(window.context, 3)
    items = [dialog.parent_combo.itemText(i) for i in range(dialog.parent_combo.count())]
    assert items == ["(none)", "North ‹ East", "Central ‹ East", "South ‹ West"]
    assert dialog.parent_combo.currentData() == "D3"
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findData("D1"))
    assert apply_territory_edits(window.context, 3, dialog.values()) == 1
    assert plan.territories.at[3, "parent_id"] == "D1"
    window.balance.set_level("Region")
    qtbot.waitUntil(lambda: window.balance.model.rowCount() == 1)  # West has no territory
    window.undo_stack.undo()
    assert plan.territories.at[3, "parent_id"] == "D3"
    qtbot.waitUntil(lambda: window.balance.model.rowCount() == 2)
    dialog.deleteLater()


def test_the_panel_says_which_routed_territories_are_estimated_since_edits(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    plan.engine.routed_travel_hours = np.full(plan.n_territories, 300.0)
    window.refresh_balance()
    assert window.balance.summary.text().endswith("workload uses routed travel")
    accounts = np.flatnonzero(plan.account_territory == 0)[:5]
    window.push(ApplyChangeCommand(plan, plan.propose_account_move(accounts, 1), "Move"))
    qtbot.waitUntil(
        lambda: (
            "routed travel (2 territories estimated since edits)" in window.balance.summary.text()
        )
    )
    assert "Territory 1, Territory 2" in window.balance.summary.toolTip()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.balance.summary.text().endswith("workload uses routed travel"))
