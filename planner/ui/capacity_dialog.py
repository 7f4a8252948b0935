"""Plan ▸ Capacity…: how many territories the workload needs, with the arithmetic shown.

A view of :func:`planner.models.capacity.plan_capacity`: the hours per rep box recomputes the
suggestion and its sensitivity as it changes; nothing in the plan changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.capacity import CapacityPlan, plan_capacity, rep_capacity
from planner.models.plan import Plan
from planner.ui.i18n import num, translate

if TYPE_CHECKING:
    from planner.ui.context import AppContext


class CapacityDialog(QDialog):
    """Workload, capacity per rep and the suggested number of territories.

    Parameters
    ----------
    plan : Plan
        Read only.
    parent : QWidget, optional
    """

    def __init__(self, plan: Plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(translate("CapacityDialog", "Capacity"))
        self.setObjectName("capacityDialog")
        default, source = rep_capacity(plan)
        self.default_capacity = default
        self.capacity = QDoubleSpinBox(self)
        self.capacity.setObjectName("capacityHours")
        self.capacity.setRange(1, 8760)
        self.capacity.setDecimals(0)
        self.capacity.setSingleStep(100)
        self.capacity.setSuffix(translate("CapacityDialog", " h a year"))
        self.capacity.setGroupSeparatorShown(True)
        self.capacity.setValue(default)
        self.capacity.setToolTip(
            translate(
                "CapacityDialog", "Working hours a year per rep; {source}: {default} h"
            ).format(source=source, default=num(default, 0))
        )
        self.workload = QLabel(self)
        self.workload.setObjectName("capacityWorkload")
        self.workload.setWordWrap(True)
        self.workload.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.arithmetic = QLabel(self)
        self.arithmetic.setObjectName("capacityArithmetic")
        self.arithmetic.setWordWrap(True)
        self.arithmetic.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.arithmetic.font())
        bold.setBold(True)
        self.arithmetic.setFont(bold)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("capacitySensitivity")
        self.table.setHorizontalHeaderLabels(
            [
                translate("CapacityDialog", "Hours per rep"),
                translate("CapacityDialog", "Travel (h)"),
                translate("CapacityDialog", "Reps needed"),
                translate("CapacityDialog", "Territories"),
            ]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        form = QFormLayout()
        form.addRow(translate("CapacityDialog", "Capacity per rep:"), self.capacity)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.workload)
        layout.addLayout(form)
        layout.addWidget(self.arithmetic)
        layout.addWidget(QLabel(translate("CapacityDialog", "Sensitivity:"), self))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.estimate: CapacityPlan | None = None
        self.capacity.valueChanged.connect(lambda _v: self.recompute())
        self.recompute()
        self.resize(640, 460)

    def recompute(self) -> None:
        """Recompute the figures for the hours per rep in the box."""
        hours = float(self.capacity.value())
        given = None if abs(hours - self.default_capacity) < 0.5 else hours
        result = plan_capacity(self.plan, given)
        self.estimate = result
        lines = [
            translate("CapacityDialog", "{accounts} accounts, {visits} visits a year").format(
                accounts=num(result.accounts), visits=num(result.visits)
            ),
            translate(
                "CapacityDialog",
                "Workload: visit hours {visit} + travel {travel} = {workload} h a year",
            ).format(
                visit=num(result.visit_hours),
                travel=num(result.travel_hours),
                workload=num(result.workload_hours),
            ),
            *result.travel_lines(),
            translate("CapacityDialog", "Capacity per rep: {hours} h ({source})").format(
                hours=num(result.capacity_hours), source=result.capacity_source
            ),
        ]
        if result.current_territories:
            lines.append(
                translate("CapacityDialog", "The plan has {n} territories today.").format(
                    n=result.current_territories
                )
            )
        self.workload.setText("\n".join(lines))
        self.arithmetic.setText(result.arithmetic())
        self.table.setRowCount(len(result.sensitivity))
        for r, row in enumerate(result.sensitivity):
            cells = (
                f"{num(row.capacity_hours)} h",
                num(row.travel_hours),
                num(row.needed, 1),
                f"{row.territories}",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if abs(row.capacity_hours - result.capacity_hours) < 0.5:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)

    def suggested_territories(self) -> int:
        """The number of territories suggested at the hours per rep in the box."""
        assert self.estimate is not None
        return self.estimate.territories


def install(ctx: AppContext) -> None:
    """Plan ▸ Capacity…"""

    def open_capacity() -> None:
        if ctx.plan is None:
            QMessageBox.information(
                ctx.parent,
                translate("CapacityDialog", "Capacity"),
                translate("CapacityDialog", "Open a plan first."),
            )
            return
        CapacityDialog(ctx.plan, ctx.parent).exec()

    action = QAction(translate("CapacityDialog", "&Capacity…"), ctx.parent)
    action.setObjectName("capacityAction")
    action.setStatusTip(
        translate("CapacityDialog", "How many territories the workload needs at a capacity per rep")
    )
    action.triggered.connect(open_capacity)
    ctx.menus["plan"].addAction(action)
