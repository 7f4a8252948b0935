"""Plan ▸ Import Actuals…: choose a CRM export, check the mapping, import as one undo step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.io.actuals_import import (
    ACTUAL_FIELDS,
    IGNORE,
    ActualsImport,
    detect_actuals_mapping,
    import_actuals,
    read_actuals_table,
)
from planner.io.table_reader import InputFileError, RawTable
from planner.models.actuals import metric_info, overlapping, periods, replace_periods
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.ui.i18n import QT_TRANSLATE_NOOP, metric_label, metric_level_label, num, translate
from planner.ui.import_dialog import TABLE_FILTER, ReportDialog, _file_row
from planner.ui.review_context import as_widget

if TYPE_CHECKING:
    from planner.ui.review_context import ReviewWindow as MainWindow

AUTO = QT_TRANSLATE_NOOP("ActualsDialog", "(automatic: numbers kept as a metric)")
SETTINGS_DIR = "actuals/last_dir"


class ImportActualsCommand(QUndoCommand):
    """Store imported actuals: a new period is added, a stored one replaced.

    Undo puts back what the import replaced (or removes the new period).
    """

    def __init__(self, plan: Plan, result: ActualsImport) -> None:
        names = ", ".join(result.periods)
        super().__init__(
            translate("ActualsDialog", "Import actuals {periods}").format(periods=names)
        )
        self.plan = plan
        self.periods = list(result.periods)
        self.rows = result.rows
        self.removed: pd.DataFrame | None = None

    def redo(self) -> None:
        self.removed = replace_periods(self.plan, self.periods, self.rows)

    def undo(self) -> None:
        assert self.removed is not None
        replace_periods(self.plan, self.periods, self.removed)


def _field_label(key: str) -> str:
    if key == "account_id":
        return translate("ActualsDialog", "Account id")
    if key == "period":
        return translate("ActualsDialog", "Period")
    info = metric_info(key)
    return translate("ActualsDialog", "{metric} ({level})").format(
        metric=metric_label(key), level=metric_level_label(info.level)
    )


class ActualsDialog(QDialog):
    """A file, its columns with the field each feeds, and the period when the file has none."""

    def __init__(self, parent: QWidget | None = None, start_dir: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ActualsDialog", "Import actuals"))
        self.resize(760, 560)
        self.start_dir = start_dir
        self.table: RawTable | None = None
        row, self.file_edit = _file_row(
            self, translate("ActualsDialog", "Actuals (CSV or XLSX)"), TABLE_FILTER, self._load
        )
        self.period_edit = QLineEdit(self)
        self.period_edit.setObjectName("actualsPeriod")
        self.period_edit.setPlaceholderText(
            translate("ActualsDialog", "from the period column, or e.g. 2026-Q3")
        )
        self.period_edit.setToolTip(
            translate(
                "ActualsDialog",
                "The period of every row when the file has no period column (a quarter such as 2026-Q3 or a month such as 2026-07)",
            )
        )
        form = QFormLayout()
        form.addRow(translate("ActualsDialog", "File:"), row)
        form.addRow(translate("ActualsDialog", "Period:"), self.period_edit)
        self.columns = QTableWidget(0, 3, self)
        self.columns.setObjectName("actualsColumns")
        self.columns.setHorizontalHeaderLabels(
            [
                translate("ActualsDialog", "Column"),
                translate("ActualsDialog", "First values"),
                translate("ActualsDialog", "Imported as"),
            ]
        )
        self.columns.horizontalHeader().setStretchLastSection(True)
        self.combos: dict[str, QComboBox] = {}
        self.status = QLabel(
            translate("ActualsDialog", "Choose a file of results per account (and period)."), self
        )
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("ActualsDialog", "Import")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(
                translate(
                    "ActualsDialog", "Columns (detected from the header; correct them if needed):"
                )
            )
        )
        layout.addWidget(self.columns, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def set_file(self, path: str) -> None:
        """Choose the file (as if browsed) and detect its mapping."""
        self.file_edit.setText(path)
        self._load()

    def _load(self) -> None:
        path = self.file_edit.text().strip()
        if not path:
            return
        try:
            table = read_actuals_table(path)
        except InputFileError as exc:
            self.table = None
            self.status.setText(
                translate("ActualsDialog", "<b>Cannot read:</b> {exc}").format(exc=exc)
            )
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self.table = table
        detected = {c: k for k, c in detect_actuals_mapping(table.columns).items()}
        self.columns.setRowCount(len(table.columns))
        self.combos = {}
        for r, column in enumerate(table.columns):
            self.columns.setItem(r, 0, QTableWidgetItem(column))
            sample = ", ".join(str(row[r]) for row in table.rows[:3] if r < len(row))
            self.columns.setItem(r, 1, QTableWidgetItem(sample))
            combo = QComboBox(self.columns)
            combo.setObjectName(f"actualsField_{r}")
            combo.addItem(translate("ActualsDialog", AUTO), "")
            for key in ACTUAL_FIELDS:
                combo.addItem(_field_label(key), key)
            combo.addItem(translate("ActualsDialog", "Ignore"), IGNORE)
            combo.setCurrentIndex(max(0, combo.findData(detected.get(column, ""))))
            self.columns.setCellWidget(r, 2, combo)
            self.combos[column] = combo
        self.columns.resizeColumnsToContents()
        self.status.setText(
            translate("ActualsDialog", "{rows} rows, {columns} columns.").format(
                rows=num(len(table.rows)), columns=num(len(table.columns))
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def overrides(self) -> dict[str, str]:
        """Column -> field for every column not left to the automatic choice."""
        return {
            c: str(combo.currentData()) for c, combo in self.combos.items() if combo.currentData()
        }

    def period(self) -> str | None:
        return self.period_edit.text().strip() or None

    def _on_accept(self) -> None:
        chosen = [v for v in self.overrides().values() if v != IGNORE]
        duplicates = {v for v in chosen if chosen.count(v) > 1}
        if duplicates:
            QMessageBox.warning(
                self,
                translate("ActualsDialog", "Columns"),
                translate("ActualsDialog", "Two columns feed {fields}: choose one.").format(
                    fields=", ".join(_field_label(d) for d in sorted(duplicates))
                ),
            )
            return
        self.accept()


def run_import(
    window: MainWindow,
    path: Path,
    table: RawTable | None,
    overrides: dict[str, str],
    period: str | None,
    on_done: Callable[[ActualsImport], None] | None = None,
) -> None:
    """Import in the background; show the report; store the rows as one undoable command."""
    plan = window.plan
    assert plan is not None
    ids = plan.accounts["account_id"].astype(str).tolist()  # snapshot before the worker

    def work(state: TaskState) -> ActualsImport:
        return import_actuals(path, ids, period, overrides=overrides, table=table, state=state)

    def done(result: ActualsImport) -> None:
        report = result.report
        report.replaces = overlapping(periods(plan), report.periods)
        ReportDialog(
            report.format(limit=200),
            as_widget(window),
            translate("ActualsDialog", "Actuals import report"),
        ).exec()
        if report.rows_loaded and window.plan is plan:
            window.push(ImportActualsCommand(plan, result))
            window.statusBar().showMessage(report.summary(), 10000)
        if on_done is not None:
            on_done(result)

    window.run_task(
        work, translate("ActualsDialog", "Importing {name}").format(name=path.name), done
    )


def install(window: MainWindow) -> QAction:
    """Plan ▸ Import Actuals…"""
    settings = getattr(window, "settings", None) or QSettings()

    def open_dialog() -> None:
        if window.plan is None:
            QMessageBox.information(
                as_widget(window),
                translate("ActualsDialog", "Import actuals"),
                translate("ActualsDialog", "Open a plan first."),
            )
            return
        dialog = ActualsDialog(as_widget(window), str(settings.value(SETTINGS_DIR, "")))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path = Path(dialog.file_edit.text().strip())
        settings.setValue(SETTINGS_DIR, str(path.parent))
        try:
            run_import(window, path, dialog.table, dialog.overrides(), dialog.period())
        except InputFileError as exc:
            QMessageBox.warning(
                as_widget(window), translate("ActualsDialog", "Import actuals"), str(exc)
            )

    action = QAction(translate("ActualsDialog", "Import &Actuals…"), as_widget(window))
    action.setObjectName("importActualsAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+A"))
    action.setStatusTip(
        translate(
            "ActualsDialog",
            "Import results per account and period (revenue, margin, deals, visits...) from a CRM export; a stored period is replaced (undoable)",
        )
    )
    action.triggered.connect(open_dialog)
    window.menus["plan"].addAction(action)
    return action


__all__ = ["ActualsDialog", "ImportActualsCommand", "install", "run_import"]
