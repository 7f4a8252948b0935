"""Scenarios dock: save, switch, duplicate, rename, delete (all undoable) and compare side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.events import AssignmentChanged
from planner.models.plan import Plan
from planner.models.scenarios import (
    SCENARIO_ASSIGNMENTS_TABLE,
    SCENARIOS_TABLE,
    ScenarioError,
    ScenarioFigures,
    compare_scenarios,
    delete_scenario,
    duplicate_scenario,
    rename_scenario,
    scenario_names,
    switch_change,
    write_scenario,
)
from planner.ui.commands import ApplyChangeCommand
from planner.ui.i18n import money, num, translate
from planner.ui.refresh import Refresh

if TYPE_CHECKING:
    from planner.ui.context import AppContext

BEST = QColor("#d9f0d3")


class ScenarioTablesCommand(QUndoCommand):
    """An edit of the stored scenarios, already made; undo puts the tables back as they were."""

    def __init__(
        self,
        plan: Plan,
        before: dict[str, Any],
        after: dict[str, Any],
        text: str,
        on_change: Callable[[], None],
    ) -> None:
        super().__init__(text)
        self.plan = plan
        self.before = before
        self.after = after
        self.on_change = on_change

    def _set(self, tables: dict[str, Any]) -> None:
        self.plan.replace_tables(tables)
        self.on_change()

    def redo(self) -> None:
        self._set(self.after)

    def undo(self) -> None:
        self._set(self.before)


def _scenario_tables(plan: Plan) -> dict[str, Any]:
    return {t: plan.tables.get(t) for t in (SCENARIOS_TABLE, SCENARIO_ASSIGNMENTS_TABLE)}


class ScenariosPanel(QWidget):
    """Stored scenarios with their actions, and the comparison table."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.list = QListWidget(self)
        self.list.setObjectName("scenarioList")
        self.list.setMaximumHeight(130)  # the comparison table gets the room
        self.table = QTableWidget(self)
        self.table.setObjectName("comparisonTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.note = QLabel(
            translate(
                "ScenariosPanel",
                "Tick scenarios to compare; lower is better on every row, best in green.",
            ),
            self,
        )
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (
            (translate("ScenariosPanel", "Save current as…"), self.save_current),
            (translate("ScenariosPanel", "Switch to"), self.switch_selected),
            (translate("ScenariosPanel", "Duplicate…"), self.duplicate_selected),
            (translate("ScenariosPanel", "Rename…"), self.rename_selected),
            (translate("ScenariosPanel", "Delete"), self.delete_selected),
            (translate("ScenariosPanel", "Maps"), self.show_maps),
            (translate("ScenariosPanel", "Realignment"), self.show_realignment),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 3)
        #: Figures of the scenarios other than "current", kept between edits.
        self._figures: dict[str, ScenarioFigures] = {}
        self._figures_plan: Plan | None = None
        #: What comparing "current" keeps between edits (the baseline's accounts per
        #: territory; see compare_scenarios).
        self._distances: dict[str, object] = {}
        self._distances_plan: Plan | None = None
        #: Column and row headers of the table as filled (its cells are updated in place
        #: while they stay the same).
        self._shown_layout: tuple[list[str], list[str]] | None = None
        self._compare_timer = QTimer(self)
        self._compare_timer.setSingleShot(True)
        self._compare_timer.setInterval(0)
        self.list.itemChanged.connect(lambda _item: self._compare_timer.start())
        self._compare_timer.timeout.connect(self.compare)
        # "current" changes with every edit: recompare once the plan's change is refreshed.
        ctx.refresh.add_view(self._on_refresh, previews=False, widget=self)

    def _on_refresh(self, refresh: Refresh) -> None:
        # Other scenarios than "current" change only with the scenario tables, the
        # territories or the settings; a move between territories reuses their figures.
        if refresh.full or not all(isinstance(e, AssignmentChanged) for e in refresh.events):
            self._figures.clear()
        self.compare()

    # -- list -------------------------------------------------------------------------

    def refresh(self) -> None:
        plan = self.ctx.plan
        checked = set(self.checked())
        if not checked and plan is not None:
            # First look at a plan: compare everything when it fits on screen.
            names = scenario_names(plan)
            checked = set(names) if len(names) <= 6 else {"current", "baseline"}
        self.list.blockSignals(True)
        self.list.clear()
        if plan is not None:
            for name in scenario_names(plan):
                item = QListWidgetItem(name, self.list)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked
                )
        self.list.blockSignals(False)
        self.compare()

    def checked(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item is not None else None

    # -- comparison -------------------------------------------------------------------

    def compare(self) -> None:
        plan = self.ctx.plan
        names = self.checked()
        if plan is None or not names:
            self.table.clear()
            self._shown_layout = None
            return
        if plan is not self._figures_plan:
            self._figures.clear()
            self._figures_plan = plan
        if plan is not self._distances_plan:
            self._distances = {}
            self._distances_plan = plan
        comparison = compare_scenarios(plan, names, self._figures, self._distances)
        rows = comparison.rows()
        headers = [s.name for s in comparison.scenarios]
        labels = [label for _key, label, _values in rows]
        cells = []
        for _key, _label, values in rows:
            arr = np.asarray(values, dtype=float)
            best = np.nanmin(arr) if np.isfinite(arr).any() else np.nan
            cells.append(
                [
                    (
                        "–" if not np.isfinite(value) else f"{value:,.1f}",
                        bool(np.isfinite(value) and value == best and len(arr) > 1),
                    )
                    for value in arr
                ]
            )
        if (headers, labels) == self._shown_layout:
            # After an edit only "current" changes: set the cells whose text or best mark
            # differs (clearing and refilling the table laid out and repainted it whole).
            self._update_cells(cells)
            return
        self._shown_layout = (headers, labels)
        self.table.clear()
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setVerticalHeaderLabels(labels)
        for r, row in enumerate(cells):
            for c, (text, best) in enumerate(row):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._mark_best(item, best)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def _mark_best(self, item: QTableWidgetItem, best: bool) -> None:
        if best:
            item.setBackground(QBrush(BEST))
            bold = QFont()
            bold.setBold(True)
            item.setFont(bold)
        else:
            item.setBackground(QBrush())
            item.setFont(QFont())

    def _update_cells(self, cells: list[list[tuple[str, bool]]]) -> None:
        wider = False
        for r, row in enumerate(cells):
            for c, (text, best) in enumerate(row):
                item = self.table.item(r, c)
                if item is None:
                    continue
                if item.text() != text:
                    wider |= len(text) > len(item.text())
                    item.setText(text)
                if (item.background().style() != Qt.BrushStyle.NoBrush) != best:
                    self._mark_best(item, best)
                    wider = True  # bold is wider
        if wider:
            self.table.resizeColumnsToContents()

    # -- actions (each one undoable) ----------------------------------------------------

    def _edit(self, edit: Callable[[], None], text: str) -> None:
        """Make a scenario edit now; on success push it as one undoable step."""
        plan = self.ctx.plan
        if plan is None:
            return
        before = _scenario_tables(plan)
        try:
            edit()
        except ScenarioError as exc:
            plan.replace_tables(before)
            QMessageBox.warning(self, translate("ScenariosPanel", "Scenarios"), str(exc))
            return
        self.ctx.push(
            ScenarioTablesCommand(plan, before, _scenario_tables(plan), text, self.refresh)
        )

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, label, text=text)
        return name.strip() if ok and name.strip() else None

    def save_current(self, name: str | None = None) -> None:
        plan = self.ctx.plan
        if plan is None:
            return
        name = name or self._ask(
            translate("ScenariosPanel", "Save scenario"),
            translate("ScenariosPanel", "Name for the current alignment:"),
        )
        if name:
            at, ut = plan.account_territory.copy(), plan.unit_territory.copy()
            self._edit(
                lambda: write_scenario(plan, name, at, ut, source="edit"),
                translate("ScenariosPanel", "Save scenario {name}").format(name=name),
            )

    def switch_selected(self, name: str | None = None) -> None:
        plan = self.ctx.plan
        name = name or self.selected()
        if plan is None or not name:
            return
        change = switch_change(plan, name)
        if change.is_empty:
            self.ctx.show_status(
                translate("ScenariosPanel", "The plan already has the alignment of {name}").format(
                    name=name
                ),
                5000,
            )
            return
        self.ctx.push(
            ApplyChangeCommand(
                plan,
                change,
                translate("ScenariosPanel", "Switch to scenario {name}").format(name=name),
            )
        )

    def duplicate_selected(self, new: str | None = None) -> None:
        plan = self.ctx.plan
        name = self.selected()
        if plan is None or not name:
            return
        new = new or self._ask(
            translate("ScenariosPanel", "Duplicate scenario"),
            translate("ScenariosPanel", "Name for the copy of {name}:").format(name=name),
            translate("ScenariosPanel", "{name} copy").format(name=name),
        )
        if new:
            self._edit(
                lambda: duplicate_scenario(plan, name, new),
                translate("ScenariosPanel", "Duplicate scenario {name} as {new}").format(
                    name=name, new=new
                ),
            )

    def rename_selected(self, new: str | None = None) -> None:
        plan = self.ctx.plan
        name = self.selected()
        if plan is None or not name:
            return
        new = new or self._ask(
            translate("ScenariosPanel", "Rename scenario"),
            translate("ScenariosPanel", "New name for {name}:").format(name=name),
            name,
        )
        if new and new != name:
            self._edit(
                lambda: rename_scenario(plan, name, new),
                translate("ScenariosPanel", "Rename scenario {name} to {new}").format(
                    name=name, new=new
                ),
            )

    def show_maps(self) -> ScenarioMapsDialog | None:
        """Open small-multiple maps of the ticked scenarios."""
        plan = self.ctx.plan
        names = self.checked()
        if plan is None or not names:
            return None
        dialog = ScenarioMapsDialog(plan, names, self)
        dialog.show()
        return dialog

    def show_realignment(self, name: str | None = None) -> RealignmentDialog | None:
        """Every account and unit the selected scenario moves against the baseline, with why."""
        plan = self.ctx.plan
        name = name or self.selected()
        if plan is None or not name:
            self.ctx.show_status(
                translate("ScenariosPanel", "Select a scenario for its realignment report."), 5000
            )
            return None
        dialog = RealignmentDialog(plan, name, self)
        dialog.show()
        return dialog

    def delete_selected(self) -> None:
        plan = self.ctx.plan
        name = self.selected()
        if plan is None or not name:
            return
        self._edit(
            lambda: delete_scenario(plan, name),
            translate("ScenariosPanel", "Delete scenario {name}").format(name=name),
        )


class RealignmentDialog(QDialog):
    """The realignment report of one scenario against the baseline."""

    COLUMNS = ("kind", "item_id", "name", "from_territory", "to_territory", "revenue", "reason")

    def __init__(self, plan: Plan, name: str, parent: QWidget | None = None) -> None:
        from planner.models.scenarios import realignment_report

        super().__init__(parent)
        self.setWindowTitle(
            translate("RealignmentDialog", "Realignment: {name} against the baseline").format(
                name=name
            )
        )
        self.report = realignment_report(plan, name)
        accounts = self.report[self.report["kind"] == "account"]
        summary = QLabel(
            translate(
                "RealignmentDialog",
                "{n_accounts} accounts ({currency}{revenue} revenue) and {n_units} units change territory.",
            ).format(
                n_accounts=num(len(accounts), 0),
                currency=plan.settings.currency,
                revenue=num(accounts["revenue"].sum(), 0),
                n_units=num(int((self.report["kind"] == "unit").sum()), 0),
            ),
            self,
        )
        self.table = QTableWidget(len(self.report), len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(
            [
                translate("RealignmentDialog", "Kind"),
                translate("RealignmentDialog", "Id"),
                translate("RealignmentDialog", "Name"),
                translate("RealignmentDialog", "From"),
                translate("RealignmentDialog", "To"),
                translate("RealignmentDialog", "Revenue"),
                translate("RealignmentDialog", "Reason"),
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(self.report.itertuples(index=False)):
            for c, key in enumerate(self.COLUMNS):
                value = getattr(row, key)
                text = money(value, plan.settings.currency) if key == "revenue" else str(value)
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        self.resize(1100, 600)


class ScenarioMapsDialog(QDialog):
    """The ticked scenarios as small maps side by side."""

    def __init__(self, plan: Plan, names: list[str], parent: QWidget | None = None) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from planner.io.scenario_maps import scenario_figure

        super().__init__(parent)
        self.setWindowTitle(translate("ScenarioMapsDialog", "Scenarios side by side"))
        self.figure = scenario_figure(plan, names)
        self.canvas = FigureCanvasQTAgg(self.figure)
        layout = QVBoxLayout(self)
        layout.addWidget(self.canvas)
        self.resize(1100, 700)


def install(ctx: AppContext) -> ScenariosPanel:
    """Add the Scenarios dock (View menu) and refresh it when a plan is shown."""
    panel = ScenariosPanel(ctx)
    dock = QDockWidget(translate("ScenariosPanel", "Scenarios"), ctx.parent)
    dock.setObjectName("scenariosDock")
    dock.setWidget(panel)
    ctx.add_dock(dock)
    ctx.plans.plan_loaded.connect(panel.refresh)
    return panel
