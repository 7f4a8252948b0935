"""Redesign-session dialogs: quotas (top-down meets bottom-up) and rep matching."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.plan import Plan
from planner.ui.commands import SetTerritoryFieldCommand
from planner.ui.i18n import money, translate

if TYPE_CHECKING:
    from planner.ui.context import AppContext


class SetQuotasCommand(QUndoCommand):
    """Set every territory's quota at once."""

    def __init__(self, plan: Plan, quotas: np.ndarray, text: str = "") -> None:
        super().__init__(text or translate("QuotaDialog", "Set quotas"))
        self.plan = plan
        self.quotas = np.asarray(quotas, dtype=float)
        self.previous = plan.territories["quota"].to_numpy(dtype=float).copy()

    def _set(self, values: np.ndarray) -> None:
        from planner.models.quotas import set_quotas

        set_quotas(self.plan, values)

    def redo(self) -> None:
        self._set(self.quotas)

    def undo(self) -> None:
        self._set(self.previous)


class QuotaDialog(QDialog):
    """Split a company target top-down, see bottom-up beside it, set the final quotas."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.parent)
        self.ctx = ctx
        plan = ctx.plan
        assert plan is not None
        self.plan = plan
        self.setWindowTitle(translate("QuotaDialog", "Quotas"))
        self.target = QDoubleSpinBox(self)
        self.target.setRange(0, 1e13)
        self.target.setDecimals(0)
        self.target.setSingleStep(100_000)
        self.target.setPrefix(plan.settings.currency)
        self.target.setGroupSeparatorShown(True)
        history = float(np.nan_to_num(plan.accounts["revenue"].to_numpy(dtype=float)).sum())
        self.target.setValue(round(history * 1.1, -3))
        self.method = QComboBox(self)
        for text, key in (
            (translate("QuotaDialog", "Share of potential"), "potential"),
            (translate("QuotaDialog", "Share of history (L12M revenue)"), "history"),
            (translate("QuotaDialog", "Blend"), "blend"),
        ):
            self.method.addItem(text, key)
        self.blend = QDoubleSpinBox(self)
        self.blend.setRange(0, 1)
        self.blend.setSingleStep(0.1)
        self.blend.setValue(0.5)
        self.blend.setToolTip(
            translate("QuotaDialog", "Weight of potential in the blend (the rest is history)")
        )
        self.growth = QDoubleSpinBox(self)
        self.growth.setRange(-100, 1000)
        self.growth.setSuffix(" %")
        self.growth.setValue(10)
        self.growth.setToolTip(
            translate("QuotaDialog", "Bottom-up: last-12-month revenue × (1 + growth)")
        )
        compute = QPushButton(translate("QuotaDialog", "Compute"), self)
        compute.clicked.connect(self.compute)
        form = QFormLayout()
        form.addRow(translate("QuotaDialog", "Company target:"), self.target)
        form.addRow(translate("QuotaDialog", "Top-down by:"), self.method)
        form.addRow(translate("QuotaDialog", "Blend (potential weight):"), self.blend)
        form.addRow(translate("QuotaDialog", "Bottom-up growth:"), self.growth)
        form.addRow(compute)
        self.table = QTableWidget(self)
        self.table.setObjectName("quotaTable")
        self.status = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.table.itemChanged.connect(lambda _item: self._check_sum())
        self.resize(820, 640)
        self.compute()

    def compute(self) -> None:
        from planner.models.quotas import QuotaError, quota_table

        segments = {str(s) for s in self.plan.accounts["segment"].dropna().unique()}
        growth = dict.fromkeys(segments, self.growth.value() / 100)
        try:
            table = quota_table(
                self.plan,
                self.target.value(),
                str(self.method.currentData()),
                self.blend.value(),
                1.0,
                growth,
            )
        except QuotaError as exc:
            self.status.setText(str(exc))
            return
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setRowCount(len(table))
        self.table.setColumnCount(5)
        self.table.setHorizontalHeaderLabels(
            [
                translate("QuotaDialog", "Territory"),
                translate("QuotaDialog", "Top-down"),
                translate("QuotaDialog", "Bottom-up"),
                translate("QuotaDialog", "Gap"),
                translate("QuotaDialog", "Final quota (edit)"),
            ]
        )
        cur = self.plan.settings.currency
        for r, row in enumerate(table.to_dict("records")):
            cells = [
                row["territory"],
                money(float(row["top_down"]), cur),
                money(float(row["bottom_up"]), cur),
                money(float(row["gap"]), cur),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(r, c, item)
            self.table.setItem(r, 4, QTableWidgetItem(f"{float(row['top_down']):.0f}"))
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._check_sum()

    def finals(self) -> np.ndarray | None:
        values = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 4)
            if item is None:
                return None
            try:
                values.append(
                    float(
                        str(item.text()).replace(",", "").replace(self.plan.settings.currency, "")
                    )
                )
            except (ValueError, AttributeError):
                return None
        return np.array(values)

    def _check_sum(self) -> bool:
        finals = self.finals()
        apply = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        cur = self.plan.settings.currency
        if finals is None:
            self.status.setText(translate("QuotaDialog", "A final quota is not a number."))
            apply.setEnabled(False)
            return False
        total, target = float(finals.sum()), self.target.value()
        ok = abs(total - target) < 0.5
        self.status.setText(
            translate("QuotaDialog", "Final quotas add up to {total}; target {target}").format(
                total=money(total, cur), target=money(target, cur)
            )
            + (
                "  ✓"
                if ok
                else translate("QuotaDialog", "  — off by {gap}").format(
                    gap=("+" if total > target else "") + money(total - target, cur)
                )
            )
        )
        apply.setEnabled(ok)
        return ok

    def apply(self) -> None:
        finals = self.finals()
        if finals is None or not self._check_sum():
            return
        self.ctx.push(
            SetQuotasCommand(
                self.plan,
                finals,
                translate("QuotaDialog", "Set quotas (target {target})").format(
                    target=money(self.target.value(), self.plan.settings.currency)
                ),
            )
        )
        self.ctx.show_status(translate("QuotaDialog", "Quotas set"), 5000)
        self.accept()


class RepMatchDialog(QDialog):
    """Suggested rep for each territory, explained; accept the ticked ones as one undo step."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        from planner.optimise.rep_matching import suggest_reps

        super().__init__(parent or ctx.parent)
        self.ctx = ctx
        plan = ctx.plan
        assert plan is not None
        self.plan = plan
        self.setWindowTitle(translate("RepMatchDialog", "Rep matching"))
        self.suggestions: list[Any] = suggest_reps(plan)
        names = dict(zip(plan.reps["rep_id"], plan.reps["name"], strict=True))
        self.table = QTableWidget(len(self.suggestions), 4, self)
        self.table.setObjectName("repMatchTable")
        self.table.setHorizontalHeaderLabels(
            [
                translate("RepMatchDialog", "Territory"),
                translate("RepMatchDialog", "Suggested rep"),
                translate("RepMatchDialog", "Now"),
                translate("RepMatchDialog", "Why"),
            ]
        )
        for r, s in enumerate(self.suggestions):
            index = plan.territory_index[s.territory_id]
            current = plan.territories.at[index, "rep_id"]
            item = QTableWidgetItem(plan.territory_label(index))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if not s.current else Qt.CheckState.Unchecked)
            self.table.setItem(r, 0, item)
            # The suggestion is preselected; the planner may pick any other rep instead.
            combo = QComboBox(self.table)
            for rep_id, rep_name in names.items():
                combo.addItem(str(rep_name), rep_id)
            combo.setCurrentIndex(max(combo.findData(s.rep_id), 0))
            self.table.setCellWidget(r, 1, combo)
            self.table.setItem(r, 2, QTableWidgetItem(str(names.get(current, current or "—"))))
            self.table.setItem(r, 3, QTableWidgetItem(s.explanation))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                translate(
                    "RepMatchDialog",
                    "Ticked rows give the territory the suggested rep (one undo step).",
                )
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(1000, 560)

    def chosen_rep(self, row: int) -> str:
        """The rep picked for a row (the suggestion unless the planner changed it)."""
        combo = self.table.cellWidget(row, 1)
        assert isinstance(combo, QComboBox)
        return str(combo.currentData())

    def apply(self) -> int:
        plan = self.plan
        stack = self.ctx.undo_stack
        changed = 0
        stack.beginMacro(translate("RepMatchDialog", "Assign reps from matching"))
        for r, s in enumerate(self.suggestions):
            check = self.table.item(r, 0)
            if check is None or check.checkState() != Qt.CheckState.Checked:
                continue
            index = plan.territory_index[s.territory_id]
            rep_id = self.chosen_rep(r)
            if plan.territories.at[index, "rep_id"] != rep_id:
                self.ctx.push(SetTerritoryFieldCommand(plan, index, "rep_id", rep_id))
                changed += 1
        stack.endMacro()
        if changed == 0:
            stack.undo()  # an empty macro is not worth an undo step
        self.ctx.show_status(
            translate("RepMatchDialog", "{changed} territories got a new rep").format(
                changed=changed
            ),
            5000,
        )
        self.accept()
        return changed


def install(ctx: AppContext) -> None:
    """Plan > Quotas… and Plan > Match Reps to Territories…."""

    def open_quotas() -> None:
        if ctx.plan is None or ctx.plan.n_territories == 0:
            QMessageBox.information(
                ctx.parent,
                translate("RedesignDialogs", "Quotas"),
                translate("RedesignDialogs", "Open a plan with territories first."),
            )
            return
        QuotaDialog(ctx).exec()

    def open_matching() -> None:
        if ctx.plan is None or len(ctx.plan.reps) == 0:
            QMessageBox.information(
                ctx.parent,
                translate("RedesignDialogs", "Rep matching"),
                translate("RedesignDialogs", "The plan has no reps."),
            )
            return
        RepMatchDialog(ctx).exec()

    for text, slot, key, tip in (
        (
            translate("RedesignDialogs", "&Quotas…"),
            open_quotas,
            "Ctrl+Shift+Q",
            translate(
                "RedesignDialogs",
                "Split a company target across territories (top-down beside bottom-up)",
            ),
        ),
        (
            translate("RedesignDialogs", "Match &Reps to Territories…"),
            open_matching,
            "Ctrl+Shift+M",
            translate("RedesignDialogs", "Suggest which rep takes which territory, explained"),
        ),
    ):
        action = QAction(text, ctx.parent)
        action.setShortcut(QKeySequence(key))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        ctx.menus["plan"].addAction(action)
