"""File > Review Edited Workbook…: a manager's changes, to accept or reject, as one undo step.

The workbook is read in the background (:func:`planner.io.review.read_review`), then
the dialog lists every change with a checkbox (all checked: conflicts are never
among them) and, below, the conflicts that cannot be applied, each with the sheet,
row and column to look at. Accepting pushes the checked changes as one
:class:`~planner.ui.commands.ApplyChangeCommand`, so one Ctrl+Z takes them all back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.io.review import Review, ReviewChange, ReviewIssue, review_to_change
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.ui.commands import ApplyChangeCommand

if TYPE_CHECKING:
    from planner.ui.context import AppContext
from planner.ui.folders import start_folder
from planner.ui.i18n import QT_TRANSLATE_NOOP, translate
from planner.ui.worker import Task

WORKBOOK_FILTER = QT_TRANSLATE_NOOP(
    "ReviewDialog", "Excel workbooks (*.xlsx *.xlsm);;All files (*)"
)
_Index = QModelIndex | QPersistentModelIndex


def _territory(plan: Plan, index: int) -> str:
    return (
        translate("ReviewDialog", "Unassigned")
        if index < 0
        else f"{plan.territory_ids[index]} {plan.territory_label(index)}"
    )


class ChangesModel(QAbstractTableModel):
    """The review's changes, one row each, with a checkbox in the first column."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ReviewDialog", "Apply"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Where"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Type"),
        QT_TRANSLATE_NOOP("ReviewDialog", "ID"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Name"),
        QT_TRANSLATE_NOOP("ReviewDialog", "From"),
        QT_TRANSLATE_NOOP("ReviewDialog", "To"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Accounts along"),
    )

    def __init__(self, plan: Plan, changes: list[ReviewChange], parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.changes = changes
        self.checked = np.ones(len(changes), dtype=bool)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate("ReviewDialog", self.HEADERS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        change = self.changes[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if self.checked[index.row()] else Qt.CheckState.Unchecked
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (
            None,
            translate("ReviewDialog", "{sheet} row {row}").format(
                sheet=change.sheet, row=change.row
            ),
            change.kind.capitalize(),
            change.item_id,
            change.name or "",
            _territory(self.plan, change.before),
            _territory(self.plan, change.after),
            str(change.accounts_following) if change.kind == "unit" else "",
        )
        return values[column]

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else value
        self.checked[index.row()] = state == Qt.CheckState.Checked.value
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, checked: bool) -> None:
        """Check or uncheck every change."""
        self.checked[:] = checked
        if self.changes:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self.changes) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def accepted(self) -> list[ReviewChange]:
        return [c for c, keep in zip(self.changes, self.checked.tolist(), strict=True) if keep]


class ConflictsModel(QAbstractTableModel):
    """Rows that cannot be applied: where they are and why."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ReviewDialog", "Sheet"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Row"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Column"),
        QT_TRANSLATE_NOOP("ReviewDialog", "ID"),
        QT_TRANSLATE_NOOP("ReviewDialog", "Reason"),
    )

    def __init__(self, conflicts: list[ReviewIssue], parent: QWidget | None = None):
        super().__init__(parent)
        self.conflicts = conflicts

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.conflicts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate("ReviewDialog", self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        c = self.conflicts[index.row()]
        return (c.sheet, str(c.row or ""), c.column, c.item_id or "", c.reason)[index.column()]


def _table(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if model.rowCount() <= 2000:
        view.resizeColumnsToContents()
    return view


class ReviewDialog(QDialog):
    """The changes of a reviewed workbook with a checkbox each, and its conflicts.

    Accepting pushes the checked changes onto the window's undo stack as one command.
    """

    def __init__(self, ctx: AppContext, plan: Plan, review: Review) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.plan = plan
        self.review = review
        self.setWindowTitle(
            translate("ReviewDialog", "Review {workbook}").format(workbook=review.workbook)
        )
        self.resize(1000, 640)
        accounts, units = len(review.account_changes), len(review.unit_changes)
        summary = QLabel(
            translate(
                "ReviewDialog",
                "<b>{workbook}</b>: {accounts} account and {units} unit changes; {n_conflicts} rows cannot be applied.",
            ).format(
                workbook=review.workbook,
                accounts=accounts,
                units=units,
                n_conflicts=len(review.conflicts),
            ),
            self,
        )
        summary.setObjectName("reviewSummary")
        self.changes_model = ChangesModel(plan, review.changes, self)
        self.conflicts_model = ConflictsModel(review.conflicts, self)
        self.changes_view = _table(self.changes_model, self)
        self.changes_view.setObjectName("reviewChanges")
        self.conflicts_view = _table(self.conflicts_model, self)
        self.conflicts_view.setObjectName("reviewConflicts")

        all_button = QPushButton(translate("ReviewDialog", "Check all"), self)
        all_button.clicked.connect(lambda: self.changes_model.set_all(True))
        none_button = QPushButton(translate("ReviewDialog", "Uncheck all"), self)
        none_button.clicked.connect(lambda: self.changes_model.set_all(False))

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel(translate("ReviewDialog", "Changes to apply:"), top))
        header.addStretch(1)
        header.addWidget(all_button)
        header.addWidget(none_button)
        top_layout.addLayout(header)
        top_layout.addWidget(self.changes_view)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(
            QLabel(
                translate("ReviewDialog", "Conflicts (not applied; fix them in the workbook):"),
                bottom,
            )
        )
        bottom_layout.addWidget(self.conflicts_view)
        if review.notes:
            notes = QLabel("\n".join(review.notes), bottom)
            notes.setWordWrap(True)
            bottom_layout.addWidget(notes)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setObjectName("reviewApply")
        self.buttons.accepted.connect(self.apply_checked)
        self.buttons.rejected.connect(self.reject)
        self.changes_model.dataChanged.connect(self._update_button)
        self._update_button()

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

    def _update_button(self) -> None:
        n = int(self.changes_model.checked.sum())
        self.apply_button.setText(self.tr("Apply %n change(s)", "", n))
        self.apply_button.setEnabled(n > 0)

    def apply_checked(self) -> bool:
        """Push the checked changes as one undoable command; True when something was applied."""
        accepted = self.changes_model.accepted()
        if not accepted:
            return False
        try:
            change = review_to_change(self.plan, self.review, accepted)
        except ValueError as exc:
            QMessageBox.warning(self, translate("ReviewDialog", "Review"), str(exc))
            return False
        text = self.tr("Apply %n change(s) from {workbook}", "", len(accepted)).format(
            workbook=self.review.workbook
        )
        self.ctx.push(ApplyChangeCommand(self.plan, change, text))
        self.ctx.show_status(text, 8000)
        self.accept()
        return True


def start_review(
    ctx: AppContext, path: Path, shown: Callable[[ReviewDialog], None] | None = None
) -> Task | None:
    """Read ``path`` against the open plan in the background, then show the dialog.

    The dialog opens window-modal; ``shown(dialog)`` is called once it is open.
    """
    plan = ctx.plan
    if plan is None:
        return None
    from planner.io.review import read_review

    # The review reads the plan on the worker thread while the dialog-less window could
    # still be edited; the change built on accept re-checks every item against the plan.
    def work(state: TaskState) -> Review:
        return read_review(plan, path, state)

    def done(review: Review) -> None:
        if ctx.plan is not plan:
            return
        dialog = ReviewDialog(ctx, plan, review)
        dialog.open()
        if shown is not None:
            shown(dialog)

    task: Task = ctx.run_task(
        work, translate("ReviewDialog", "Reviewing {name}").format(name=Path(path).name), done
    )
    return task


def open_dialog(ctx: AppContext) -> Task | None:
    """Ask for an edited workbook and review it."""
    if ctx.plan is None:
        return None
    start = str(start_folder(ctx.settings, "dirs/exports", ctx.path))
    name, _ = QFileDialog.getOpenFileName(
        ctx.parent,
        translate("ReviewDialog", "Review edited workbook"),
        start,
        translate("ReviewDialog", WORKBOOK_FILTER),
    )
    if not name:
        return None
    return start_review(ctx, Path(name))


def install(ctx: AppContext) -> QAction:
    """Add "Review Edited Workbook…" to the File menu (once), after Export."""
    existing = ctx.menu_action("file", "reviewWorkbookAction")
    if existing is not None:
        return existing
    action = QAction(translate("ReviewDialog", "Review Edited &Workbook…"), ctx.parent)
    action.setObjectName("reviewWorkbookAction")
    action.setStatusTip(
        translate(
            "ReviewDialog",
            "See a manager's changes to an exported workbook and apply the ones you accept",
        )
    )
    action.triggered.connect(lambda _checked=False: open_dialog(ctx))
    menu = ctx.menus["file"]
    export = ctx.menu_action("file", "exportAction")
    actions = menu.actions()
    if export is not None:
        position = actions.index(export) + 1
        if position < len(actions):
            menu.insertAction(actions[position], action)
        else:
            menu.addAction(action)
    else:
        quit_action = ctx.menu_action("file", "quitAction")
        if quit_action is not None:
            menu.insertAction(quit_action, action)
        else:
            menu.addAction(action)
    return action


__all__ = [
    "ChangesModel",
    "ConflictsModel",
    "ReviewDialog",
    "install",
    "open_dialog",
    "start_review",
]
