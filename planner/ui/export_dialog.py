"""File > Export…: the manager's workbook, the HTML map, CRM CSV and a PNG of the map.

The dialog only collects choices. :func:`export_files` copies what the exporters
read on the GUI thread (the plan's frames, and the map picture, which only the
canvas can draw) and writes the files in the background with progress and Cancel,
so later edits never leak into a half-written export. Each file is written whole
or not at all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.models.plan import Plan
from planner.models.progress import TaskState

if TYPE_CHECKING:
    from planner.ui.context import AppContext
from planner.ui.folders import start_folder
from planner.ui.i18n import QT_TRANSLATE_NOOP, translate
from planner.ui.worker import Task

#: Output kinds: (label, suffix, file filter).
KINDS: dict[str, tuple[str, str, str]] = {
    "xlsx": (
        QT_TRANSLATE_NOOP("ExportDialog", "Excel workbook for managers"),
        ".xlsx",
        QT_TRANSLATE_NOOP("ExportDialog", "Excel workbooks (*.xlsx)"),
    ),
    "html": (
        QT_TRANSLATE_NOOP("ExportDialog", "Interactive map (HTML)"),
        ".html",
        QT_TRANSLATE_NOOP("ExportDialog", "Web pages (*.html)"),
    ),
    "csv": (
        QT_TRANSLATE_NOOP("ExportDialog", "CSV for CRM upload"),
        ".csv",
        QT_TRANSLATE_NOOP("ExportDialog", "CSV files (*.csv)"),
    ),
    "png": (
        QT_TRANSLATE_NOOP("ExportDialog", "Map picture as shown (PNG)"),
        ".png",
        QT_TRANSLATE_NOOP("ExportDialog", "PNG images (*.png)"),
    ),
    "pdf": (
        QT_TRANSLATE_NOOP("ExportDialog", "Map book for managers (PDF, a page per territory)"),
        ".pdf",
        QT_TRANSLATE_NOOP("ExportDialog", "PDF files (*.pdf)"),
    ),
}


@dataclass
class ExportRequest:
    """Which files to write: kind (``xlsx``, ``html``, ``csv``, ``png``) to path.

    ``csv_raw`` writes the CSV for a CRM loader: values exactly as in the plan, with
    no quote before text a spreadsheet would read as a formula (``planner export
    --csv-raw``).
    """

    outputs: dict[str, Path] = field(default_factory=dict)
    csv_raw: bool = False


def plan_copy(plan: Plan) -> Callable[[], Plan]:
    """Copy what the exporters read now; the returned function builds the copy later.

    Copying the frames is quick and happens on the caller's (GUI) thread; building
    the plan (indexes, balance) is the slow part and runs in the worker.
    """
    accounts = plan.accounts_frame()
    units = plan.units_frame()
    territories = plan.territories.copy()
    reps = plan.reps.copy()
    settings = copy.deepcopy(plan.settings)
    tables = dict(plan.tables)
    layers = dict(plan.layers)
    # Routed hours with the memberships they were routed for, so the copy knows which
    # territories are back on the estimate since edits (the Summary says so).
    routed, fingerprints = plan.routed_state()
    name = plan.name

    def build() -> Plan:
        snapshot = Plan(
            accounts, units, territories, reps, settings, name=name, tables=tables, layers=layers
        )
        snapshot.set_routed_travel(routed, fingerprints)
        return snapshot

    return build


def _png_bytes(ctx: AppContext) -> bytes:
    image = ctx.render_map()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide takes str
    buffer.close()
    return bytes(data.data())


def export_files(ctx: AppContext, request: ExportRequest) -> Task | None:
    """Write the requested files in the background; the status bar reports the result."""
    plan = ctx.plan
    if plan is None or not request.outputs:
        return None
    build = plan_copy(plan)
    png = _png_bytes(ctx) if "png" in request.outputs else None
    outputs = dict(request.outputs)
    csv_raw = request.csv_raw

    def work(state: TaskState) -> list[Path]:
        from planner.io.export_csv import write_crm_csv
        from planner.io.export_html import write_html_map
        from planner.io.export_xlsx import atomic_output, write_workbook

        state.report(0.0, translate("ExportDialog", "Copying the plan"))
        snapshot = build()
        steps = [k for k in ("png", "csv", "html", "pdf", "xlsx") if k in outputs]
        weights = {"png": 1, "csv": 1, "html": 3, "pdf": 8, "xlsx": 10}
        total = sum(weights[k] for k in steps)
        done = 0.05
        written: list[Path] = []
        for kind in steps:
            state.raise_if_cancelled()
            share = 0.95 * weights[kind] / total
            sub = state.sub(done, done + share)
            path = outputs[kind]
            if kind == "png":
                assert png is not None
                with atomic_output(path) as tmp:
                    tmp.write_bytes(png)
            elif kind == "csv":
                write_crm_csv(snapshot, path, sub, raw=csv_raw)
            elif kind == "html":
                write_html_map(snapshot, path, sub)
            elif kind == "pdf":
                from planner.io.map_book import write_map_book

                write_map_book(snapshot, path, sub)
            else:
                write_workbook(snapshot, path, sub)
            written.append(path)
            done += share
        return written

    def done(written: list[Path]) -> None:
        names = ", ".join(p.name for p in written)
        ctx.show_status(
            translate("ExportDialog", "Exported {names} to {parent}").format(
                names=names, parent=written[0].parent
            ),
            10000,
        )

    task: Task = ctx.run_task(work, translate("ExportDialog", "Exporting"), done)
    return task


class ExportDialog(QDialog):
    """Choose the outputs and where they go."""

    def __init__(self, parent: QWidget | None, folder: Path, stem: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ExportDialog", "Export"))
        self.checks: dict[str, QCheckBox] = {}
        self.paths: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        for row, (kind, (label, suffix, file_filter)) in enumerate(KINDS.items()):
            check = QCheckBox(translate("ExportDialog", label), self)
            check.setObjectName(f"export_{kind}_check")
            check.setChecked(kind == "xlsx")
            edit = QLineEdit(str(folder / f"{stem}{suffix}"), self)
            edit.setObjectName(f"export_{kind}_path")
            edit.setMinimumWidth(360)
            browse = QPushButton(translate("ExportDialog", "Browse…"), self)
            browse.clicked.connect(
                lambda _=False, e=edit, f=file_filter, c=check: self._browse(
                    e, translate("ExportDialog", f), c
                )
            )
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(browse.setEnabled)
            check.toggled.connect(self._update_ok)
            edit.setEnabled(check.isChecked())
            browse.setEnabled(check.isChecked())
            grid.addWidget(check, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(browse, row, 2)
            self.checks[kind] = check
            self.paths[kind] = edit
        self.csv_raw = QCheckBox(
            translate("ExportDialog", "CRM CSV for loaders (raw ids, no formula protection)"), self
        )
        self.csv_raw.setObjectName("export_csv_raw_check")
        self.csv_raw.setToolTip(
            translate(
                "ExportDialog",
                "Write every id exactly as in the plan, for a CRM loader that never evaluates cells. Without it, cells starting with = + - @ get a leading ' so a spreadsheet opening the CSV shows them as text.",
            )
        )
        self.csv_raw.setEnabled(self.checks["csv"].isChecked())
        self.checks["csv"].toggled.connect(self.csv_raw.setEnabled)
        grid.addWidget(self.csv_raw, len(KINDS), 1, 1, 2)
        note = QLabel(
            translate(
                "ExportDialog",
                "The workbook has a summary, every account's territory and rep, routes and the changes against the baseline. Managers can edit the Territory ID column and send it back (File > Review Edited Workbook…).",
            ),
            self,
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            translate("ExportDialog", "Export")
        )
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self._update_ok()

    def request(self) -> ExportRequest:
        """The checked outputs, each path with its proper suffix."""
        outputs = {}
        for kind, check in self.checks.items():
            text = self.paths[kind].text().strip()
            if check.isChecked() and text:
                path = Path(text).expanduser()
                suffix = KINDS[kind][1]
                if path.suffix.lower() != suffix:
                    path = path.with_name(path.name + suffix)
                outputs[kind] = path
        raw = "csv" in outputs and self.csv_raw.isChecked()
        return ExportRequest(outputs, csv_raw=raw)

    def _update_ok(self) -> None:
        any_checked = any(c.isChecked() for c in self.checks.values())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(any_checked)

    def _browse(self, edit: QLineEdit, file_filter: str, check: QCheckBox) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, translate("ExportDialog", "Export to"), edit.text(), file_filter
        )
        if name:
            edit.setText(name)
            check.setChecked(True)

    def _on_accept(self) -> None:
        request = self.request()
        if not request.outputs:
            return
        folders = [p.parent for p in request.outputs.values() if not p.parent.is_dir()]
        if folders:
            QMessageBox.warning(
                self,
                translate("ExportDialog", "Export"),
                translate("ExportDialog", "There is no folder {value}.").format(value=folders[0]),
            )
            return
        existing = [p for p in request.outputs.values() if p.exists()]
        if existing:
            answer = QMessageBox.question(
                self,
                translate("ExportDialog", "Export"),
                translate(
                    "ExportDialog",
                    "Replace {files}?\nThe old file is kept until the new one is complete.",
                ).format(files=", ".join(p.name for p in existing)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.accept()


def open_dialog(ctx: AppContext) -> Task | None:
    """Ask for the outputs and export them in the background."""
    plan = ctx.plan
    if plan is None:
        return None
    folder = start_folder(ctx.settings, "dirs/exports", ctx.path)
    stem = ctx.path.stem if ctx.path else plan.name
    dialog = ExportDialog(ctx.parent, folder, stem)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    request = dialog.request()
    ctx.settings.setValue("dirs/exports", str(next(iter(request.outputs.values())).parent))
    return export_files(ctx, request)


def install(ctx: AppContext) -> QAction:
    """Add "Export…" (Ctrl+E) to the File menu (once), before Quit."""
    existing = ctx.menu_action("file", "exportAction")
    if existing is not None:
        return existing
    action = QAction(translate("ExportDialog", "&Export…"), ctx.parent)
    action.setObjectName("exportAction")
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.setStatusTip(
        translate(
            "ExportDialog", "Write the manager's workbook, an HTML map, CRM CSV or a map picture"
        )
    )
    action.triggered.connect(lambda _checked=False: open_dialog(ctx))
    menu = ctx.menus["file"]
    quit_action = ctx.menu_action("file", "quitAction")
    if quit_action is not None:
        menu.insertAction(quit_action, action)
        menu.insertSeparator(quit_action)
    else:
        menu.addAction(action)
    return action


__all__ = ["ExportDialog", "ExportRequest", "export_files", "install", "open_dialog", "plan_copy"]
