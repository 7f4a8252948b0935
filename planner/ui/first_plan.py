"""The first-plan guide: after New from import, lead a new user to a balanced alignment.

Three steps, each skippable: what the geography covers (with a way back to the import
when accounts fall outside every unit), how many territories the workload needs (the
capacity estimate, arithmetic shown), and creating them with the optimiser in the
background (progress and Cancel). The result is applied as one undo step, so Edit ▸ Undo
takes the whole creation back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.ui.i18n import num, translate
from planner.ui.worker import Task

if TYPE_CHECKING:
    from planner.ui.context import AppContext


class _CoveragePage(QWizardPage):
    def __init__(self, guide: FirstPlanGuide) -> None:
        super().__init__(guide)
        self.guide = guide
        self.setTitle(translate("_CoveragePage", "1. Geography"))
        self.setSubTitle(translate("_CoveragePage", "The building blocks territories are made of."))
        self.text = QLabel(self)
        self.text.setObjectName("guideCoverageText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.back_button = QPushButton(
            translate("_CoveragePage", "Back to the import to fix it…"), self
        )
        self.back_button.setObjectName("guideBackToImport")
        self.back_button.clicked.connect(guide.back_to_import)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def initializePage(self) -> None:
        plan = self.guide.plan
        outside = self.guide.accounts_outside_units()
        placed = int(plan.accounts["lon"].notna().sum())
        lines = [
            translate(
                "_CoveragePage",
                "<b>{units}</b> units ({level}) for <b>{accounts}</b> accounts "
                "({placed} placed on the map).",
            ).format(
                units=num(plan.n_units),
                level=self.guide.units_label,
                accounts=num(plan.n_accounts),
                placed=num(placed),
            )
        ]
        if self.guide.coverage_text:
            lines.append(
                "<p style='color:#b00020'><b>"
                + translate("_CoveragePage", "Check the geography:")
                + "</b><br>"
                + self.guide.coverage_text.replace("\n", "<br>")
                + "</p>"
            )
            self.back_button.show()
        else:
            covered = placed - outside
            pct = 100.0 * covered / placed if placed else 100.0
            lines.append(
                translate(
                    "_CoveragePage", "{covered} placed accounts ({pct} %) lie inside a unit."
                ).format(covered=num(covered), pct=num(pct, 1))
            )
            self.back_button.setVisible(outside > 0)
        if outside:
            lines.append(
                translate(
                    "_CoveragePage",
                    "{outside} accounts lie outside every unit: they stay in the plan, "
                    "Unassigned, and are listed under Problems.",
                ).format(outside=num(outside))
            )
        self.text.setText("<p>" + "</p><p>".join(lines) + "</p>")


class _CountPage(QWizardPage):
    def __init__(self, guide: FirstPlanGuide) -> None:
        super().__init__(guide)
        self.guide = guide
        self.setTitle(translate("_CountPage", "2. How many territories"))
        self.setSubTitle(
            translate("_CountPage", "From the accounts' workload and a rep's working hours a year.")
        )
        self.arithmetic = QLabel(self)
        self.arithmetic.setObjectName("guideCapacityText")
        self.arithmetic.setWordWrap(True)
        self.arithmetic.setTextFormat(Qt.TextFormat.RichText)
        self.count = QSpinBox(self)
        self.count.setObjectName("guideTerritoryCount")
        self.count.setRange(1, 5000)
        form = QFormLayout()
        form.addRow(translate("_CountPage", "Territories to create:"), self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.arithmetic)
        layout.addLayout(form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        text, suggested = self.guide.capacity_summary()
        self.arithmetic.setText(text)
        self.count.setValue(max(1, suggested))


class _CreatePage(QWizardPage):
    def __init__(self, guide: FirstPlanGuide) -> None:
        super().__init__(guide)
        self.guide = guide
        self.setTitle(translate("_CreatePage", "3. Create territories"))
        self.setSubTitle(
            translate(
                "_CreatePage",
                "The optimiser builds balanced, contiguous, compact territories. "
                "Edit ▸ Undo takes the result back.",
            )
        )
        self.status = QLabel(translate("_CreatePage", "Press Create."), self)
        self.status.setObjectName("guideCreateStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.create_button = QPushButton(translate("_CreatePage", "Create"), self)
        self.create_button.setObjectName("guideCreate")
        self.cancel_button = QPushButton(translate("_CreatePage", "Stop"), self)
        self.cancel_button.setEnabled(False)
        self.create_button.clicked.connect(guide.create_territories)
        self.cancel_button.clicked.connect(guide.cancel_create)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        buttons = QWidget(self)
        row = QVBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.create_button)
        row.addWidget(self.cancel_button)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def isComplete(self) -> bool:
        return not self.guide.running()


class FirstPlanGuide(QWizard):
    """Geography → how many territories → create, for a plan just imported.

    Signals
    -------
    reimport_requested()
        The user wants to go back to the import (e.g. to pick another units file).
    created()
        The territories were created and applied to the window's plan.
    """

    reimport_requested = Signal()
    created = Signal()

    def __init__(
        self,
        ctx: AppContext,
        plan: Plan,
        units_label: str = "",
        coverage_text: str = "",
    ) -> None:
        super().__init__(ctx.parent)
        self.setObjectName("firstPlanGuide")
        self.setWindowTitle(translate("FirstPlanGuide", "Your first plan"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setButtonText(
            QWizard.WizardButton.CancelButton, translate("FirstPlanGuide", "Skip the guide")
        )
        self.ctx = ctx
        self.plan = plan
        self.units_label = units_label or translate("FirstPlanGuide", "from the units file")
        self.coverage_text = coverage_text
        self.task: Task | None = None
        self.result_: Any = None
        #: Seconds the optimiser may take (None: the optimiser dialog's default for the size).
        self.time_limit: float | None = None
        self.coverage_page = _CoveragePage(self)
        self.count_page = _CountPage(self)
        self.create_page = _CreatePage(self)
        for page in (self.coverage_page, self.count_page, self.create_page):
            self.addPage(page)
        self.resize(620, 440)

    # -- facts shown on the pages ------------------------------------------------------

    def accounts_outside_units(self) -> int:
        placed = self.plan.accounts["lon"].notna().to_numpy()
        return int((placed & (self.plan.account_unit < 0)).sum()) if self.plan.n_units else 0

    def capacity_summary(self) -> tuple[str, int]:
        """The capacity arithmetic as rich text, and the suggested number of territories."""
        from planner.models.capacity import plan_capacity

        estimate = plan_capacity(self.plan)
        suggested = estimate.territories
        if len(self.plan.reps):
            suggested = len(self.plan.reps)
        lines = [line.replace("&", "&amp;").replace("<", "&lt;") for line in estimate.lines()]
        if len(self.plan.reps):
            lines.append(
                translate(
                    "FirstPlanGuide",
                    "The plan has {n} reps: one territory each is proposed; "
                    "change the number to see another split.",
                ).format(n=len(self.plan.reps))
            )
        return "<br>".join(lines), suggested

    # -- creating ----------------------------------------------------------------------

    def running(self) -> bool:
        return self.task is not None and self.task.is_running()

    def create_territories(self) -> Task | None:
        """Run the optimiser's create mode in the background."""
        if self.running():
            return None
        from planner.optimise.plan_optimiser import (
            OptimiseOptions,
            default_time_limit,
            optimise_plan,
            snapshot_plan,
        )

        n = self.count_page.count.value()
        options = OptimiseOptions(
            mode="create",
            territories=n,
            time_limit=self.time_limit or default_time_limit(self.plan.n_units, 20.0),
        )
        snapshot = snapshot_plan(self.plan)
        page = self.create_page

        def work(state: TaskState) -> Any:
            return optimise_plan(snapshot, options, state)

        task = Task(
            work, translate("FirstPlanGuide", "Create territories"), self, show_dialog=False
        )
        self.task = task
        self.ctx.adopt_task(task)
        task.progress.connect(self._on_progress)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        task.cancelled.connect(self._on_failed)
        page.create_button.setEnabled(False)
        page.cancel_button.setEnabled(True)
        page.status.setText(translate("FirstPlanGuide", "Creating {n} territories…").format(n=n))
        page.completeChanged.emit()
        task.start()
        return task

    def cancel_create(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.create_page.status.setText(
                translate("FirstPlanGuide", "Stopping: keeping the best plan found so far…")
            )

    def _forget_task(self) -> None:
        self.create_page.create_button.setEnabled(True)
        self.create_page.cancel_button.setEnabled(False)

    def _on_progress(self, fraction: float | None, message: str) -> None:
        if fraction is not None:
            self.create_page.progress.setValue(round(100 * fraction))
        if message:
            self.create_page.status.setText(message)

    def _on_failed(self, exc: object = None) -> None:
        self._forget_task()
        self.task = None
        text = (
            translate("FirstPlanGuide", "Stopped; nothing changed.")
            if exc is None
            else translate("FirstPlanGuide", "Could not create: {error}").format(error=exc)
        )
        self.create_page.status.setText(text)
        self.create_page.completeChanged.emit()

    def _on_finished(self, result: object) -> None:
        from planner.ui.optimise_dialog import ApplyOptimisationCommand

        self._forget_task()
        self.task = None
        self.result_ = result
        page = self.create_page
        page.progress.setValue(100)
        if self.ctx.plan is not self.plan:
            page.status.setText(
                translate("FirstPlanGuide", "Another plan is open now; nothing changed.")
            )
        else:
            self.ctx.push(
                ApplyOptimisationCommand(
                    self.plan,
                    result,  # type: ignore[arg-type]
                    translate("FirstPlanGuide", "Create territories"),
                )
            )
            after = result.after  # type: ignore[attr-defined]
            in_band = int(after.in_band.all(axis=1).sum())
            page.status.setText(
                translate(
                    "FirstPlanGuide",
                    "Created {n_territories} territories: {in_band} within every band. Finish to work on the map; Plan ▸ Optimise territories… refines them.",
                ).format(n_territories=self.plan.n_territories, in_band=in_band)
            )
            page.create_button.setEnabled(False)
            self.created.emit()
        page.completeChanged.emit()

    def back_to_import(self) -> None:
        self.reimport_requested.emit()
        self.reject()

    def reject(self) -> None:
        if self.running() and self.task is not None:
            self.task.cancel()
        super().reject()


__all__ = ["FirstPlanGuide"]
