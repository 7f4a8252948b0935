"""The "Optimise territories" dialog: settings, a background run, a preview, one-step apply.

The dialog snapshots the plan on the GUI thread, runs
:func:`planner.optimise.plan_optimiser.optimise_plan` in a worker thread with a progress
bar that shows the best balance found so far, previews the result beside the current
balance (per territory and measure, before → after), and applies it as one undoable
command that also records the explanations in the plan's ``optimiser_moves`` table.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.io.export_xlsx import shown_deviation, shown_in_band
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.optimise.plan_optimiser import (
    DEFAULT_MAX_DISRUPTION_PER_REP,
    OptimiseOptions,
    OptionsError,
    PlanOptimisation,
    PlanSnapshot,
    add_created_territories,
    default_time_limit,
    forget_moves,
    optimise_plan,
    record_moves,
    snapshot_plan,
)
from planner.ui.commands import ApplyChangeCommand
from planner.ui.i18n import QT_TRANSLATE_NOOP, measure_label, num, translate
from planner.ui.worker import Task

if TYPE_CHECKING:
    import pandas as pd

    from planner.ui.context import AppContext

IN_BAND = QColor("#d9f0d3")
OUT_OF_BAND = QColor("#f4c7c3")
MODES = [
    ("rebalance", QT_TRANSLATE_NOOP("OptimiseDialog", "Rebalance the current alignment")),
    (
        "create",
        QT_TRANSLATE_NOOP(
            "OptimiseDialog", "Create territories from scratch (seeded at rep homes)"
        ),
    ),
    ("subset", QT_TRANSLATE_NOOP("OptimiseDialog", "Re-optimise the selected territories only")),
]
SETTINGS_PREFIX = "optimise"


class ApplyOptimisationCommand(ApplyChangeCommand):
    """Apply an optimiser result and record its explanations; undo removes both.

    A create run on a plan without territories brings its territories with it: they are
    added before the change and removed again by undo.
    """

    def __init__(self, plan: Plan, result: PlanOptimisation, text: str) -> None:
        super().__init__(plan, result.change, text)
        self.result = result
        self._previous_moves: pd.DataFrame | None = None
        self._added: list[int] = []

    def redo(self) -> None:
        self._added = add_created_territories(self.plan, self.result)
        super().redo()
        self._previous_moves = record_moves(self.plan, self.result)

    def undo(self) -> None:
        super().undo()
        forget_moves(self.plan, self._previous_moves)
        for index in reversed(self._added):
            self.plan.remove_territory(index)
        self._added = []


class OptimiseDialog(QDialog):
    """Settings, progress, preview and Apply for an optimiser run on the window's plan.

    Signals
    -------
    result_ready(object)
        A run finished (or was cancelled) and its :class:`PlanOptimisation` is shown.
    """

    result_ready = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx.parent)
        self.setWindowTitle(translate("OptimiseDialog", "Optimise territories"))
        self.setObjectName("optimiseDialog")
        self.ctx = ctx
        self.settings: QSettings = ctx.settings
        self.task: Task | None = None
        self.snapshot: PlanSnapshot | None = None
        #: The last run's result (not ``result``: that is QDialog's exit code).
        self.outcome: PlanOptimisation | None = None
        self._plan: Plan | None = None

        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(translate("OptimiseDialog", text), key)
        self.territories = QSpinBox()
        self.territories.setRange(1, 10_000)
        self.territories.setToolTip(
            translate("OptimiseDialog", "Create mode: how many territories to fill")
        )
        self.subset_label = QLabel()
        self.subset_label.setWordWrap(True)
        self.subset_under = QComboBox()
        self.subset_under.setObjectName("optimiseSubsetUnder")
        self.subset_under.setToolTip(
            translate(
                "OptimiseDialog",
                "Subset mode: the territories selected in the balance table, or every territory under a district or region of the plan's hierarchy",
            )
        )

        self.measures = QTableWidget(0, 2)
        self.measures.setHorizontalHeaderLabels(
            [translate("OptimiseDialog", "Balance"), translate("OptimiseDialog", "Tolerance ±%")]
        )
        self.measures.verticalHeader().setVisible(False)
        self.measures.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.measures.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.measures.setMaximumHeight(150)

        self.limit_disruption = QCheckBox(translate("OptimiseDialog", "Limit disruption to"))
        self.disruption = QDoubleSpinBox()
        self.disruption.setRange(0.0, 100.0)
        self.disruption.setSuffix(" %")
        self.disruption.setDecimals(1)
        self.basis = QComboBox()
        self.basis.addItem(
            translate("OptimiseDialog", "of accounts"), translate("OptimiseDialog", "accounts")
        )
        self.basis.addItem(
            translate("OptimiseDialog", "of revenue"), translate("OptimiseDialog", "revenue")
        )
        #: What edits since the baseline already spent of the budget (counted, like the
        #: budget, against the baseline).
        self.spent = QLabel()
        self.spent.setObjectName("optimiseBudgetSpent")
        self.spent.setWordWrap(True)
        self.limit_per_rep = QCheckBox(translate("OptimiseDialog", "Limit each rep to"))
        self.per_rep = QDoubleSpinBox()
        self.per_rep.setRange(0.0, 100.0)
        self.per_rep.setSuffix(" %")
        self.per_rep.setDecimals(1)
        self.per_rep.setToolTip(
            translate(
                "OptimiseDialog",
                "Largest share of each territory's baseline accounts it may lose plus gain (0 % keeps every rep's accounts as they are)",
            )
        )
        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(1.0, 3600.0)
        self.time_limit.setSuffix(translate("OptimiseDialog", " s"))
        self.time_limit.setDecimals(0)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.contiguity = QComboBox()
        for value, text in (
            ("required", translate("OptimiseDialog", "Required: every territory in one piece")),
            (
                "preferred",
                translate("OptimiseDialog", "Preferred: in pieces only where a band needs it"),
            ),
            ("off", translate("OptimiseDialog", "Off: territories may be in pieces")),
        ):
            self.contiguity.addItem(text, value)
        self.contiguity.setToolTip(
            translate(
                "OptimiseDialog",
                "Whether territories must stay connected across shared unit borders",
            )
        )
        self.compactness = QComboBox()
        for value, text in (
            ("distance", translate("OptimiseDialog", "Total distance to the territory centres")),
            ("diameter", translate("OptimiseDialog", "Largest territory diameter (min-max)")),
        ):
            self.compactness.addItem(text, value)
        self.compactness.setToolTip(
            translate(
                "OptimiseDialog", "What the optimiser keeps small; the result reports both figures"
            )
        )

        disruption_row = QHBoxLayout()
        disruption_row.addWidget(self.limit_disruption)
        disruption_row.addWidget(self.disruption)
        disruption_row.addWidget(self.basis)
        disruption_row.addStretch(1)
        per_rep_row = QHBoxLayout()
        per_rep_row.addWidget(self.limit_per_rep)
        per_rep_row.addWidget(self.per_rep)
        per_rep_row.addWidget(
            QLabel(translate("OptimiseDialog", "of its accounts, lost plus gained"))
        )
        per_rep_row.addStretch(1)

        form = QFormLayout()
        self.form = form
        form.addRow(translate("OptimiseDialog", "Mode"), self.mode)
        form.addRow(translate("OptimiseDialog", "Territories"), self.territories)
        form.addRow(translate("OptimiseDialog", "Territories under"), self.subset_under)
        form.addRow("", self.subset_label)
        form.addRow(translate("OptimiseDialog", "Measures"), self.measures)
        form.addRow(translate("OptimiseDialog", "Disruption"), disruption_row)
        form.addRow("", self.spent)
        form.addRow(translate("OptimiseDialog", "Per rep"), per_rep_row)
        form.addRow(translate("OptimiseDialog", "&Contiguity"), self.contiguity)
        form.addRow(translate("OptimiseDialog", "Com&pactness"), self.compactness)
        form.addRow(translate("OptimiseDialog", "Time limit"), self.time_limit)
        form.addRow(translate("OptimiseDialog", "Seed"), self.seed)
        settings_box = QGroupBox(translate("OptimiseDialog", "Settings"))
        settings_box.setLayout(form)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status = QLabel(translate("OptimiseDialog", "Set the options and press Run."))
        self.status.setObjectName("optimiseStatus")
        self.status.setWordWrap(True)

        self.preview = QTableWidget(0, 0)
        self.preview.setObjectName("optimisePreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setPlaceholderText(
            translate("OptimiseDialog", "Shortfalls and notes appear here after a run.")
        )
        self.notes.setMaximumHeight(140)
        result_box = QGroupBox(
            translate("OptimiseDialog", "Result: before → after deviation from target")
        )
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.preview, 1)
        result_layout.addWidget(self.summary)
        result_layout.addWidget(self.notes)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(settings_box)
        left_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(result_box)
        splitter.setStretchFactor(1, 1)

        self.buttons = QDialogButtonBox()
        self.run_button = QPushButton(translate("OptimiseDialog", "Run"))
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(translate("OptimiseDialog", "Stop"))
        self.cancel_button.setToolTip(
            translate("OptimiseDialog", "Stop the search and keep the best plan found so far")
        )
        self.apply_button = QPushButton(translate("OptimiseDialog", "Apply"))
        self.apply_button.setToolTip(
            translate("OptimiseDialog", "Apply the proposal to the plan (one undo step)")
        )
        self.close_button = QPushButton(translate("OptimiseDialog", "Close"))
        for button, role in (
            (self.run_button, QDialogButtonBox.ButtonRole.ActionRole),
            (self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole),
            (self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole),
            (self.close_button, QDialogButtonBox.ButtonRole.RejectRole),
        ):
            self.buttons.addButton(button, role)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.subset_under.currentIndexChanged.connect(self._on_mode_changed)
        self.limit_disruption.toggled.connect(self.disruption.setEnabled)
        self.limit_disruption.toggled.connect(self.basis.setEnabled)
        self.limit_per_rep.toggled.connect(self._on_mode_changed)
        self.limit_disruption.toggled.connect(self._show_spent)
        self.disruption.valueChanged.connect(self._show_spent)
        self.basis.currentIndexChanged.connect(self._show_spent)
        self.resize(1250, 680)
        self.reload()

    # -- settings ----------------------------------------------------------------------

    def _value(self, key: str, default: Any) -> Any:
        value = self.settings.value(f"{SETTINGS_PREFIX}/{key}", default)
        try:
            return type(default)(value) if not isinstance(default, bool) else _as_bool(value)
        except (TypeError, ValueError):
            return default

    def reload(self) -> None:
        """Fill the form from the window's plan and the remembered settings."""
        plan = self.ctx.plan
        self._plan = plan
        mode = self._value("mode", "rebalance")
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))
        n = plan.n_territories if plan is not None else 1
        self.territories.setValue(max(1, min(self._value("territories", n), n)))
        self.territories.setMaximum(max(1, n))
        self.limit_disruption.setChecked(self._value("limit_disruption", True))
        self.disruption.setValue(self._value("max_disruption_pct", 10.0))
        self.basis.setCurrentIndex(max(0, self.basis.findData(self._value("basis", "accounts"))))
        self.limit_per_rep.setChecked(self._value("limit_per_rep", True))
        self.per_rep.setValue(
            self._value("per_rep_limit_pct", 100 * DEFAULT_MAX_DISRUPTION_PER_REP)
        )
        units = plan.n_units if plan is not None else 0
        self.time_limit.setValue(self._value("time_limit", default_time_limit(units, small=20.0)))
        self.seed.setValue(self._value("seed", 0))
        for combo, key, default in (
            (self.contiguity, "contiguity", "required"),
            (self.compactness, "compactness", "distance"),
        ):
            combo.setCurrentIndex(max(0, combo.findData(self._value(key, default))))
        try:
            remembered = json.loads(str(self._value("measures", "{}")))
        except ValueError:
            remembered = {}
        self.measures.setRowCount(0)
        if plan is not None:
            for spec in plan.settings.measures:
                row = self.measures.rowCount()
                self.measures.insertRow(row)
                check = QTableWidgetItem(measure_label(spec.label))
                check.setData(Qt.ItemDataRole.UserRole, spec.key)
                check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                saved = remembered.get(spec.key, {})
                on = bool(saved.get("on", True))
                check.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.measures.setItem(row, 0, check)
                spin = QDoubleSpinBox()
                spin.setRange(0.0, 99.0)
                spin.setDecimals(1)
                spin.setSuffix(" %")
                spin.setValue(float(saved.get("tolerance_pct", 100 * spec.tolerance)))
                self.measures.setCellWidget(row, 1, spin)
        self.disruption.setEnabled(self.limit_disruption.isChecked())
        self.basis.setEnabled(self.limit_disruption.isChecked())
        self._fill_subset_nodes(plan)
        self._on_mode_changed()
        self._set_running(False)

    def _fill_subset_nodes(self, plan: Plan | None) -> None:
        """Offer the balance table's selection and every node of the plan's hierarchy."""
        from planner.models.hierarchy import hierarchy

        current = self.subset_under.currentData()
        self.subset_under.blockSignals(True)
        try:
            self.subset_under.clear()
            self.subset_under.addItem(
                translate("OptimiseDialog", "the territories selected in the balance table"), None
            )
            if plan is not None:
                tree = hierarchy(plan)
                for level in reversed(tree.levels):  # regions before districts
                    for node in tree.nodes_at(level):
                        n = len(tree.territories_under(node.node_id))
                        if n:
                            self.subset_under.addItem(
                                f"{level}: {node.name} (" + self.tr("%n territory(s)", "", n) + ")",
                                node.node_id,
                            )
            self.subset_under.setCurrentIndex(max(0, self.subset_under.findData(current)))
        finally:
            self.subset_under.blockSignals(False)

    def set_subset_node(self, node: str | None) -> bool:
        """Re-optimise the territories under this node id (None: the table's selection)."""
        i = self.subset_under.findData(node)
        if i < 0:
            return False
        self.subset_under.setCurrentIndex(i)
        return True

    def _save_settings(self) -> None:
        put = self.settings.setValue
        put(f"{SETTINGS_PREFIX}/mode", self.mode.currentData())
        put(f"{SETTINGS_PREFIX}/territories", self.territories.value())
        put(f"{SETTINGS_PREFIX}/limit_disruption", self.limit_disruption.isChecked())
        put(f"{SETTINGS_PREFIX}/max_disruption_pct", self.disruption.value())
        put(f"{SETTINGS_PREFIX}/basis", self.basis.currentData())
        put(f"{SETTINGS_PREFIX}/limit_per_rep", self.limit_per_rep.isChecked())
        put(f"{SETTINGS_PREFIX}/per_rep_limit_pct", self.per_rep.value())
        put(f"{SETTINGS_PREFIX}/time_limit", self.time_limit.value())
        put(f"{SETTINGS_PREFIX}/seed", self.seed.value())
        put(f"{SETTINGS_PREFIX}/contiguity", self.contiguity.currentData())
        put(f"{SETTINGS_PREFIX}/compactness", self.compactness.currentData())
        put(f"{SETTINGS_PREFIX}/measures", json.dumps(self._measure_choices()))

    def _measure_choices(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for row in range(self.measures.rowCount()):
            item = self.measures.item(row, 0)
            spin = self.measures.cellWidget(row, 1)
            assert item is not None and isinstance(spin, QDoubleSpinBox)
            out[str(item.data(Qt.ItemDataRole.UserRole))] = {
                "on": item.checkState() == Qt.CheckState.Checked,
                "tolerance_pct": spin.value(),
            }
        return out

    def _subset(self) -> list[int]:
        node = self.subset_under.currentData()
        plan = self.ctx.plan
        if node is None or plan is None:
            return self.ctx.selection.indices
        from planner.models.hierarchy import HierarchyError, territories_under

        try:
            return territories_under(plan, str(node))
        except HierarchyError:  # the node went away with a hierarchy edit
            return []

    def _on_mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.territories.setEnabled(mode == "create")
        rebalance = mode != "create"
        self.limit_disruption.setEnabled(rebalance)
        self.disruption.setEnabled(rebalance and self.limit_disruption.isChecked())
        self.basis.setEnabled(rebalance and self.limit_disruption.isChecked())
        self.limit_per_rep.setEnabled(rebalance)
        self.per_rep.setEnabled(rebalance and self.limit_per_rep.isChecked())
        self._show_spent()
        plan = self.ctx.plan
        self.form.setRowVisible(self.subset_under, mode == "subset")
        if mode == "subset" and plan is not None:
            chosen = self._subset()
            names = ", ".join(plan.territory_label(t) for t in chosen) or translate(
                "OptimiseDialog", "none"
            )
            if self.subset_under.currentData() is None:
                text = translate(
                    "OptimiseDialog",
                    "Selected in the balance table: {names}. Select at least two territories.",
                ).format(names=names)
            else:
                text = f"{self.subset_under.currentText()}: {names}."
            self.subset_label.setText(text)
            self.subset_label.show()
        else:
            self.subset_label.hide()

    def _show_spent(self) -> None:
        """How much of the disruption budget the edits since the baseline already spent."""
        plan = self.ctx.plan
        if plan is None or self.mode.currentData() == "create":
            self.spent.hide()
            return
        disruption = plan.disruption()
        by_revenue = self.basis.currentData() == "revenue"
        spent = disruption.revenue_fraction if by_revenue else disruption.accounts_fraction
        text = (
            translate("OptimiseDialog", "Already {spent} % of revenue from the baseline")
            if by_revenue
            else translate("OptimiseDialog", "Already {spent} % of accounts from the baseline")
        ).format(spent=num(100 * spent, 1))
        if self.limit_disruption.isChecked():
            left = self.disruption.value() / 100.0 - spent
            if left < -1e-9:
                text += translate(
                    "OptimiseDialog",
                    ": over the {budget} % budget. The run makes "
                    "only moves that add no disruption (or move accounts back).",
                ).format(budget=num(self.disruption.value(), 0))
            else:
                text += translate("OptimiseDialog", "; {left} % left.").format(
                    left=num(100 * max(left, 0.0), 1)
                )
        else:
            text += "."
        self.spent.setText(text)
        self.spent.show()

    def options(self) -> OptimiseOptions:
        """The options the form describes."""
        choices = self._measure_choices()
        mode = str(self.mode.currentData())
        create = mode == "create"
        return OptimiseOptions(
            mode=mode,
            territories=self.territories.value() if create else None,
            subset=tuple(self._subset()) if mode == "subset" else (),
            measures=tuple(k for k, c in choices.items() if c["on"]),
            tolerances={k: c["tolerance_pct"] / 100.0 for k, c in choices.items()},
            max_disruption=(
                self.disruption.value() / 100.0
                if self.limit_disruption.isChecked() and not create
                else None
            ),
            disruption_basis=str(self.basis.currentData()),
            max_disruption_per_rep=(
                self.per_rep.value() / 100.0
                if self.limit_per_rep.isChecked() and not create
                else None
            ),
            time_limit=self.time_limit.value(),
            seed=self.seed.value(),
            contiguity=str(self.contiguity.currentData()),
            compactness=str(self.compactness.currentData()),
        )

    # -- running -----------------------------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and self.ctx.plan is not None)
        self.cancel_button.setEnabled(running)
        self.apply_button.setEnabled(
            not running and self.outcome is not None and not self.outcome.change.is_empty
        )
        for widget in (
            self.mode,
            self.subset_under,
            self.territories,
            self.measures,
            self.limit_disruption,
            self.disruption,
            self.basis,
            self.limit_per_rep,
            self.per_rep,
            self.time_limit,
            self.seed,
        ):
            widget.setEnabled(not running)
        if not running:
            self._on_mode_changed()

    def run(self) -> Task | None:
        """Snapshot the plan and start the optimiser in the background."""
        plan = self.ctx.plan
        if plan is None or (self.task is not None and self.task.is_running()):
            return None
        options = self.options()
        try:
            options.validate(plan.settings, plan.n_territories)
        except OptionsError as exc:
            QMessageBox.warning(self, translate("OptimiseDialog", "Optimise territories"), str(exc))
            return None
        self._save_settings()
        # Snapshot on the GUI thread: the plan may be edited while the worker runs.
        self.snapshot = snapshot = snapshot_plan(plan)
        self._plan = plan
        self.outcome = None
        self.progress.setValue(0)
        self.status.setText(translate("OptimiseDialog", "Starting…"))

        def work(state: TaskState) -> PlanOptimisation:
            return optimise_plan(snapshot, options, state)

        task = Task(
            work, translate("OptimiseDialog", "Optimise territories"), self, show_dialog=False
        )
        self.task = task
        self.ctx.adopt_task(task)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        self._set_running(True)
        task.start()
        return task

    def cancel(self) -> None:
        """Stop the search; the best plan found so far is shown."""
        if self.task is not None:
            self.task.cancel()
            self.status.setText(
                translate("OptimiseDialog", "Stopping: keeping the best plan found so far…")
            )

    def _on_progress(self, fraction: float | None, message: str) -> None:
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * fraction))
        text = message.removeprefix("territories: ")
        best = re.search(r"best so far (\d+) of (\d+) bands missed", text)
        if best:
            missed, total = int(best.group(1)), int(best.group(2))
            text = translate(
                "OptimiseDialog", "Searching… best so far: {good} of {total} bands in tolerance"
            ).format(good=total - missed, total=total)
        self.status.setText(text[:1].upper() + text[1:])

    def _on_failed(self, exc: object) -> None:
        self._set_running(False)
        self.status.setText(translate("OptimiseDialog", "The optimiser failed."))
        QMessageBox.critical(self, translate("OptimiseDialog", "Optimise territories"), str(exc))

    def _on_finished(self, result: object) -> None:
        assert isinstance(result, PlanOptimisation)
        self.outcome = result
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        self.show_result(result)
        self._set_running(False)
        self.result_ready.emit(result)

    # -- preview and apply -------------------------------------------------------------

    def show_result(self, result: PlanOptimisation) -> None:
        """Fill the preview: per territory and measure before → after, totals, shortfalls."""
        after, before = result.after, result.before
        cols = [after.column(k) for k in result.balanced]
        rows = np.flatnonzero(result.optimised).tolist()
        self.preview.clear()
        self.preview.setColumnCount(1 + len(cols))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(
            [translate("OptimiseDialog", "Territory")]
            + [
                f"{measure_label(after.measures[c].label)} ±{100 * after.measures[c].tolerance:g} %"
                for c in cols
            ]
        )
        for r, t in enumerate(rows):
            self.preview.setItem(r, 0, QTableWidgetItem(result.territory_names[t]))
            for i, c in enumerate(cols):
                b, a = before.deviation[t, c], after.deviation[t, c]
                item = QTableWidgetItem(f"{_pct(b)} → {_pct(a)}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                # The colour follows the rounded value shown, as in the Balance panel.
                shown_ok = shown_in_band(float(a), float(after.measures[c].tolerance))
                item.setBackground(QBrush(IN_BAND if shown_ok else OUT_OF_BAND))
                item.setToolTip(
                    translate(
                        "OptimiseDialog", "value {before} → {after} (target {target})"
                    ).format(
                        before=num(before.values[t, c], 0),
                        after=num(after.values[t, c], 0),
                        target=num(after.targets[c], 0),
                    )
                )
                self.preview.setItem(r, 1 + i, item)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, 1 + len(cols)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        verdict = {
            "ok": translate("OptimiseDialog", "Every band met."),
            "bands_not_met": translate("OptimiseDialog", "Some bands are not met (see below)."),
            "not_contiguous": translate("OptimiseDialog", "Some territories are in pieces."),
            "cancelled": translate(
                "OptimiseDialog", "Stopped: this is the best plan found so far."
            ),
            "infeasible": translate(
                "OptimiseDialog", "The request cannot be served; nothing would change."
            ),
        }.get(result.status, result.status)
        contiguity = {
            "required": translate("OptimiseDialog", "required"),
            "preferred": translate("OptimiseDialog", "preferred"),
            "off": translate("OptimiseDialog", "off"),
        }.get(result.options.contiguity, result.options.contiguity)
        self.summary.setText(
            translate(
                "OptimiseDialog",
                "{verdict}  Territories in band: {in_band_before} → {in_band_after} of {n_optimised}.  Disruption: {accounts_moved} accounts ({accounts_pct} %), {revenue_pct} % of revenue, {units_moved} units.  Compactness: {compactness_before_km} → {compactness_after_km} km mean to the rep's home; largest territory {diameter_before_km} → {diameter_after_km} km across.  Contiguous: {contiguous_before} → {contiguous_after} (contiguity {contiguity}).  ({elapsed} s)",
            ).format(
                verdict=verdict,
                in_band_before=result.in_band_before,
                in_band_after=result.in_band_after,
                n_optimised=result.n_optimised,
                accounts_moved=num(result.accounts_moved, 0),
                accounts_pct=num(100 * result.disruption_accounts, 1),
                revenue_pct=num(100 * result.disruption_revenue, 1),
                units_moved=num(result.units_moved, 0),
                compactness_before_km=num(result.compactness_before_km, 1),
                compactness_after_km=num(result.compactness_after_km, 1),
                diameter_before_km=num(result.diameter_before_km, 1),
                diameter_after_km=num(result.diameter_after_km, 1),
                contiguous_before=result.contiguous_before,
                contiguous_after=result.contiguous_after,
                contiguity=contiguity,
                elapsed=num(result.elapsed, 1),
            )
        )
        lines = (
            []
            if result.options.mode == "create"
            else [
                translate("OptimiseDialog", "Disruption {budget}").format(
                    budget=result.budget_line()
                )
            ]
        )
        lines += [
            translate("OptimiseDialog", "Shortfall: {what}").format(what=s.describe())
            for s in result.shortfalls
        ]
        lines += [
            translate("OptimiseDialog", "Note: {note}").format(note=m) for m in result.messages
        ]
        units = [m for m in result.moves if m.kind == "unit"]
        if units:
            lines.append(
                translate(
                    "OptimiseDialog", "Moves ({n} units; every move is saved with the plan):"
                ).format(n=len(units))
            )
            lines += [
                f"  {m.item_id}: {_label(result, m.from_territory)} → "
                f"{_label(result, m.to_territory)}: {m.reason}"
                for m in units[:200]
            ]
        self.notes.setPlainText("\n".join(lines))
        self.status.setText(
            translate(
                "OptimiseDialog",
                "Done. Review the proposal and press Apply, or change the options and run again.",
            )
            if not result.change.is_empty
            else translate("OptimiseDialog", "Done. Nothing to change.")
        )

    def apply(self) -> bool:
        """Apply the previewed result as one undoable step."""
        plan = self.ctx.plan
        result = self.outcome
        if plan is None or result is None or result.change.is_empty:
            return False
        snapshot = self.snapshot
        assert snapshot is not None
        if (
            plan is not self._plan
            or not np.array_equal(plan.account_territory, snapshot.account_territory)
            or not np.array_equal(plan.unit_territory, snapshot.unit_territory)
        ):
            QMessageBox.warning(
                self,
                translate("OptimiseDialog", "Optimise territories"),
                translate(
                    "OptimiseDialog",
                    "The plan changed while the optimiser ran, so its proposal no longer fits. Run it again.",
                ),
            )
            return False
        command = ApplyOptimisationCommand(
            plan,
            result,
            translate("OptimiseDialog", "Optimise territories ({mode})").format(
                mode=result.options.mode
            ),
        )
        self.ctx.push(command)
        self.outcome = None
        self.apply_button.setEnabled(False)
        self.status.setText(
            translate("OptimiseDialog", "Applied. Edit ▸ Undo takes the whole run back.")
        )
        return True

    def closeEvent(self, event: Any) -> None:
        if self.task is not None and self.task.is_running():
            self.task.cancel()
        super().closeEvent(event)


def _pct(value: float) -> str:
    """A deviation rounded to 0.1 % as everywhere else (never ``-0.0 %``)."""
    shown = shown_deviation(value)
    return f"{100 * shown:+.1f} %" if np.isfinite(shown) else "–"


def _label(result: PlanOptimisation, territory: int) -> str:
    if territory < 0:
        return translate("OptimiseDialog", "Unassigned")
    return result.territory_names[territory]


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def open_dialog(ctx: AppContext) -> OptimiseDialog | None:
    """Show the optimiser dialog (one per window), refreshed for the open plan."""
    if ctx.plan is None:
        ctx.show_status(translate("OptimiseDialog", "Open a plan first."), 5000)
        return None
    dialog = ctx.parent.findChild(OptimiseDialog)
    if dialog is None:
        dialog = OptimiseDialog(ctx)
    elif not (dialog.task is not None and dialog.task.is_running()):
        dialog.reload()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def install(ctx: AppContext) -> QAction:
    """Add "Optimise territories…" (Ctrl+Shift+O) to the Plan menu (once)."""
    existing = ctx.menu_action("plan", "optimiseAction")
    if isinstance(existing, QAction):
        return existing
    action = QAction(translate("OptimiseDialog", "&Optimise territories…"), ctx.parent)
    action.setObjectName("optimiseAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+O"))
    action.setStatusTip(
        translate(
            "OptimiseDialog",
            "Build or rebalance territories automatically, within a disruption budget",
        )
    )
    action.triggered.connect(lambda _checked=False: open_dialog(ctx))
    ctx.menus["plan"].addAction(action)
    return action


__all__ = ["ApplyOptimisationCommand", "OptimiseDialog", "install", "open_dialog"]
