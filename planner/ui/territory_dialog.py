"""Editing a territory's name, rep, colour and parent; each change is one undoable command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from planner.ui.commands import SetTerritoryFieldCommand
from planner.ui.i18n import translate

if TYPE_CHECKING:
    from planner.ui.context import AppContext


class TerritoryDialog(QDialog):
    """Name, rep, colour and parent (district) of one territory."""

    def __init__(self, ctx: AppContext, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent or ctx.parent)
        plan = ctx.plan
        assert plan is not None
        self.setWindowTitle(
            translate("TerritoryDialog", "Territory {value}").format(
                value=plan.territory_ids[index]
            )
        )
        self.name = QLineEdit(plan.territory_label(index), self)
        self.rep = QComboBox(self)
        self.rep.addItem(translate("TerritoryDialog", "(no rep)"), None)
        for rep_id, name in zip(plan.reps["rep_id"], plan.reps["name"], strict=True):
            self.rep.addItem(f"{name} ({rep_id})", rep_id)
        current = plan.territories.at[index, "rep_id"]
        self.rep.setCurrentIndex(max(self.rep.findData(current), 0))
        self.parent_combo = QComboBox(self)
        self.parent_combo.setObjectName("territoryParent")
        self._fill_parents(ctx, index)
        self.color = QColor(str(plan.territories.at[index, "color"]))
        self.color_button = QPushButton(self)
        self._show_color()
        self.color_button.clicked.connect(self._pick_color)
        form = QFormLayout(self)
        form.addRow(translate("TerritoryDialog", "Name:"), self.name)
        form.addRow(translate("TerritoryDialog", "Rep:"), self.rep)
        form.addRow(translate("TerritoryDialog", "Colour:"), self.color_button)
        form.addRow(f"{self.parent_level}:", self.parent_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _fill_parents(self, ctx: AppContext, index: int) -> None:
        """The nodes of the lowest hierarchy level, each with the path above it."""
        from planner.models.hierarchy import IMPLICIT_LEVEL, hierarchy

        plan = ctx.plan
        assert plan is not None
        tree = hierarchy(plan)
        self.parent_level = tree.levels[0] if tree.levels else IMPLICIT_LEVEL
        self.parent_combo.addItem(translate("TerritoryDialog", "(none)"), None)
        nodes = tree.nodes_at(self.parent_level) if tree.levels else []
        for node in nodes:
            path, up = [node.name], node.parent
            while up is not None and up in tree.nodes:
                path.append(tree.nodes[up].name)
                up = tree.nodes[up].parent
            self.parent_combo.addItem(" ‹ ".join(path), node.node_id)
        current = plan.territories.at[index, "parent_id"]
        current = current if isinstance(current, str) and current else None
        if current is not None and self.parent_combo.findData(current) < 0:
            self.parent_combo.addItem(current, current)  # not among the nodes: keep it
        self.parent_combo.setCurrentIndex(max(self.parent_combo.findData(current), 0))
        self.parent_combo.setToolTip(
            translate(
                "TerritoryDialog",
                "The {value} this territory rolls up into (its parent_id); the levels above come from the plan's hierarchy table",
            ).format(value=self.parent_level.lower())
        )

    def _show_color(self) -> None:
        self.color_button.setText(self.color.name())
        self.color_button.setStyleSheet(f"background-color: {self.color.name()};")

    def _pick_color(self) -> None:
        color = QColorDialog.getColor(
            self.color, self, translate("TerritoryDialog", "Territory colour")
        )
        if color.isValid():
            self.color = color
            self._show_color()

    def values(self) -> dict[str, object]:
        return {
            "name": self.name.text().strip(),
            "rep_id": self.rep.currentData(),
            "color": self.color.name(),
            "parent_id": self.parent_combo.currentData(),
        }


def _same(new: object, old: object) -> bool:
    """Equal values, with every missing value (None, NaN, "") equal to the others."""

    def missing(v: object) -> bool:
        return v is None or v == "" or (isinstance(v, float) and v != v)

    return (missing(new) and missing(old)) or new == old


def apply_territory_edits(ctx: AppContext, index: int, values: dict[str, object]) -> int:
    """Push one command per changed field (grouped as one undo step); returns how many changed."""
    plan = ctx.plan
    assert plan is not None
    changed = {
        k: v
        for k, v in values.items()
        if not _same(v, plan.territories.at[index, k]) and not (k == "name" and not v)
    }
    if not changed:
        return 0
    stack = ctx.undo_stack
    stack.beginMacro(
        translate("TerritoryDialog", "Edit territory {name}").format(
            name=plan.territory_label(index)
        )
    )
    for field, value in changed.items():
        ctx.push(SetTerritoryFieldCommand(plan, index, field, value))
    stack.endMacro()
    return len(changed)


def edit_territory(ctx: AppContext, index: int) -> None:
    """Open the dialog for a territory and apply what the user changed."""
    dialog = TerritoryDialog(ctx, index)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        apply_territory_edits(ctx, index, dialog.values())


def install(ctx: AppContext) -> QAction:
    """Edit > Territory Properties (F2); returns the action.

    The window opens the same dialog on a double-click in the balance table, with
    :func:`edit_territory`.
    """

    def edit_selected() -> None:
        selected = ctx.selection.indices
        if ctx.plan is None or len(selected) != 1:
            ctx.show_status(
                translate("TerritoryDialog", "Select one territory to edit its properties."), 5000
            )
            return
        edit_territory(ctx, selected[0])

    action = QAction(translate("TerritoryDialog", "Territory &Properties…"), ctx.parent)
    action.setShortcut(QKeySequence("F2"))
    action.setStatusTip(
        translate("TerritoryDialog", "Rename a territory, change its rep or colour (undoable)")
    )
    action.triggered.connect(edit_selected)
    ctx.menus["edit"].addAction(action)
    return action
