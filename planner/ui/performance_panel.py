"""The Performance dock: attainment per period for the selected territories, and the review.

A trend chart (matplotlib, embedded) draws attainment % per period: every territory (or
rep, district, region) as a thin grey line, the selected ones in their colour. Below
it, the review of one period (:func:`planner.models.performance.review`): quota,
actual, attainment, year to date, visits against the call cycle, the attainment
expected of the territory's potential and workload, and the redesign candidates with
their reason; the top-down quotas against the bottom-up yield head the panel. "Colour
map" colours the territories by the period's attainment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QShowEvent, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.actuals import cached_index, has_actuals, metric_columns, metric_info
from planner.models.performance import (
    PerformanceError,
    Review,
    annual_quotas,
    quota_level,
    restore_quota_table,
    review,
    set_metric_quota,
    trend,
)
from planner.models.plan import Plan
from planner.ui.i18n import QT_TRANSLATE_NOOP, metric_label, metric_level_label, num, translate
from planner.ui.problems_panel import add_panel_dock
from planner.ui.review_context import as_widget

if TYPE_CHECKING:
    from planner.ui.review_context import ReviewWindow as MainWindow

CANDIDATE = QColor("#fde0dd")


def _no_actuals() -> str:
    return translate("PerformancePanel", "Import actuals (Plan ▸ Import Actuals…) to review them.")


class SetMetricQuotaCommand(QUndoCommand):
    """Set one territory's annual quota of a metric other than revenue (undo restores)."""

    def __init__(self, plan: Plan, index: int, metric: str, value: float) -> None:
        super().__init__(
            translate("PerformancePanel", "Set {metric} quota of {territory}").format(
                metric=metric_label(metric).lower(), territory=plan.territory_label(index)
            )
        )
        self.plan, self.index, self.metric, self.value = plan, index, metric, value
        self.previous: object = None

    def redo(self) -> None:
        level = quota_level(self.plan, self.metric)
        self.previous = set_metric_quota(self.plan, self.index, self.metric, self.value, level)

    def undo(self) -> None:
        restore_quota_table(self.plan, self.previous)  # type: ignore[arg-type]


COLUMNS = (
    ("name", QT_TRANSLATE_NOOP("PerformancePanel", "Name")),
    ("quota", QT_TRANSLATE_NOOP("PerformancePanel", "Quota")),
    ("actual", QT_TRANSLATE_NOOP("PerformancePanel", "Actual")),
    ("attainment_pct", QT_TRANSLATE_NOOP("PerformancePanel", "Att. %")),
    ("ytd_attainment_pct", QT_TRANSLATE_NOOP("PerformancePanel", "YTD %")),
    ("activity_pct", QT_TRANSLATE_NOOP("PerformancePanel", "Visits %")),
    ("expected_pct", QT_TRANSLATE_NOOP("PerformancePanel", "Expected %")),
    ("reason", QT_TRANSLATE_NOOP("PerformancePanel", "Candidate: why")),
)
LEVELS = (
    ("territory", QT_TRANSLATE_NOOP("PerformancePanel", "Territory")),
    ("rep", QT_TRANSLATE_NOOP("PerformancePanel", "Rep")),
)


def _fmt(value: object, pct: bool) -> str:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if not np.isfinite(v):
        return "–"
    return num(v, 1) if pct else num(v)


class PerformancePanel(QWidget):
    """Trend chart, review table and the top-down/bottom-up line of the window's plan."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(as_widget(window))
        self.main = window
        self.dock: QDockWidget | None = None
        self.result: Review | None = None
        self.metric_combo = QComboBox(self)
        self.metric_combo.setObjectName("performanceMetric")
        self.period_combo = QComboBox(self)
        self.period_combo.setObjectName("performancePeriod")
        self.level_combo = QComboBox(self)
        self.level_combo.setObjectName("performanceLevel")
        self.colour = QCheckBox(translate("PerformancePanel", "Colour map"), self)
        self.colour.setObjectName("performanceColourMap")
        self.colour.setToolTip(
            translate(
                "PerformancePanel", "Colour territories by attainment: red below quota, blue above"
            )
        )
        for combo in (self.metric_combo, self.period_combo, self.level_combo):
            # Filled when a plan opens, after the first show: grow with the (translated) items.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_choice)
        self.colour.toggled.connect(self._on_colour_toggled)
        top = QHBoxLayout()
        for label, widget in (
            (translate("PerformancePanel", "Metric"), self.metric_combo),
            (translate("PerformancePanel", "Period"), self.period_combo),
            (translate("PerformancePanel", "By"), self.level_combo),
        ):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addStretch(1)
        self.quota_button = QPushButton(translate("PerformancePanel", "Set Quota…"), self)
        self.quota_button.setObjectName("performanceSetQuota")
        self.quota_button.setToolTip(
            translate(
                "PerformancePanel",
                "Set the selected territory's annual quota of this metric (one undo step)",
            )
        )
        self.quota_button.clicked.connect(self.ask_quota)
        top.addWidget(self.quota_button)
        top.addWidget(self.colour)
        self.summary = QLabel(_no_actuals(), self)
        self.summary.setObjectName("performanceSummary")
        self.summary.setWordWrap(True)
        self.figure = Figure(figsize=(5, 2.6), dpi=90)
        self.figure.set_layout_engine("constrained")
        self.chart = FigureCanvasQTAgg(self.figure)
        self.chart.setObjectName("performanceChart")
        self.chart.setMinimumHeight(180)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("performanceTable")
        self.table.setHorizontalHeaderLabels([translate("PerformancePanel", c[1]) for c in COLUMNS])
        self._fit_columns()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemSelectionChanged.connect(self._on_table_selected)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self._filling = False
        self._stale = False
        # Reviewed again after each applied change of the plan (not while a gesture previews).
        window.context.refresh.add_view(lambda r: self.refresh(r.plan), previews=False)
        # The balance table holds the window's territory selection, whether the user picked
        # rows or clicked the map; follow it once per event-loop turn.
        self._trend_timer = QTimer(self)
        self._trend_timer.setSingleShot(True)
        self._trend_timer.setInterval(0)
        self._trend_timer.timeout.connect(self.draw_trend)
        window.context.selection.changed.connect(lambda *_: self._trend_timer.start())

    # -- filling ------------------------------------------------------------------------

    def _fill_choices(self, plan: Plan) -> None:
        """Metric, period and level choices of this plan, keeping the current ones."""
        self._filling = True
        index = cached_index(plan)
        keep = (
            self.metric_combo.currentData(),
            self.period_combo.currentData(),
            self.level_combo.currentData(),
        )
        self.metric_combo.clear()
        for m in metric_columns(index.table):
            self.metric_combo.addItem(
                translate("PerformancePanel", "{metric} ({level})").format(
                    metric=metric_label(m), level=metric_level_label(metric_info(m).level)
                ),
                m,
            )
        self.period_combo.clear()
        from planner.models.actuals import review_periods

        for p in reversed(review_periods(index.periods)):
            self.period_combo.addItem(p, p)
        self.level_combo.clear()
        from planner.models.hierarchy import hierarchy

        levels = [(key, translate("PerformancePanel", label)) for key, label in LEVELS]
        for key, label in (*levels, *((lvl, lvl) for lvl in hierarchy(plan).levels)):
            self.level_combo.addItem(label, key)
        combos: tuple[QComboBox, ...] = (self.metric_combo, self.period_combo, self.level_combo)
        for combo, value in zip(combos, keep, strict=True):
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)
        self._filling = False

    def refresh(self, plan: Plan) -> None:
        """Review the plan again (after any change of it); put off while the dock is hidden.

        A tabbed-away dock costs nothing at start-up or per edit: it reviews when shown.
        """
        if plan is not self.main.plan:
            return
        if not self.isVisible() and not self.colour.isChecked():
            self._stale = True
            return
        self._stale = False
        if not has_actuals(plan):
            self.result = None
            self.table.setRowCount(0)
            self.summary.setText(_no_actuals())
            self.colour.setChecked(False)
            self.figure.clear()
            self.chart.draw_idle()
            return
        self._fill_choices(plan)
        try:
            self.result = review(
                plan,
                self.period_combo.currentData(),
                str(self.level_combo.currentData() or "territory"),
                str(self.metric_combo.currentData() or "revenue"),
                cached_index(plan),
            )
        except PerformanceError as exc:
            self.result = None
            self.summary.setText(str(exc))
            self.table.setRowCount(0)
            return
        self._show_table(self.result)
        rec = self.result.reconciliation
        candidates = self.tr("%n candidate(s) for the redesign.", "", len(self.result.candidates))
        expected = translate("PerformancePanel", "Expected attainment: {model}.").format(
            model=self.result.model.describe()
        )
        sentence = rec.sentence(plan.settings.currency)
        self.summary.setText("<b>" + sentence + "</b><br>" + candidates + " " + expected)
        self.draw_trend()
        if self.colour.isChecked():
            self._apply_colour()

    def _show_table(self, result: Review) -> None:
        frame = result.frame
        self.table.blockSignals(True)
        self.table.setRowCount(len(frame))
        for r, row in enumerate(frame.to_dict("records")):
            for c, (key, _label) in enumerate(COLUMNS):
                text = (
                    _fmt(row[key], key.endswith("_pct"))
                    if key not in ("name", "reason")
                    else str(row[key])
                )
                item = QTableWidgetItem(text)
                if key not in ("name", "reason"):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row["flag"]:
                    item.setBackground(QBrush(CANDIDATE))
                if key == "reason":
                    item.setToolTip(str(row[key]))
                self.table.setItem(r, c, item)
        self._fit_columns()
        self.table.blockSignals(False)

    def _fit_columns(self) -> None:
        """Every header whole (translations run longer than English); a long reason is cut
        at about 420 px and shows whole in its tooltip."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        last = len(COLUMNS) - 1
        need = header.sectionSizeFromContents(last).width()
        header.resizeSection(last, max(need, min(header.sectionSize(last), 420)))

    def selected_names(self) -> list[str]:
        """Names of the rows the trend highlights: the map's selection at territory level."""
        plan = self.main.plan
        if plan is None:
            return []
        if str(self.level_combo.currentData() or "territory") == "territory":
            return [plan.territory_label(i) for i in list(self.main.context.selection.indices)]
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        items = [self.table.item(r, 0) for r in rows]
        return [item.text() for item in items if item is not None]

    def draw_trend(self) -> None:
        """Attainment per period: all rows grey, the selected ones in colour."""
        plan = self.main.plan
        self.figure.clear()
        if plan is None or not has_actuals(plan) or self.result is None:
            self.chart.draw_idle()
            return
        frame = trend(
            plan,
            self.result.metric,
            str(self.level_combo.currentData() or "territory"),
            cached_index(plan),
        )
        ax = self.figure.add_subplot(111)
        x = np.arange(len(frame.index))
        chosen = set(self.selected_names())
        colours = dict(
            zip(
                [plan.territory_label(i) for i in range(plan.n_territories)],
                plan.territories["color"],
                strict=True,
            )
        )
        for name in frame.columns:
            if name not in chosen:
                ax.plot(x, frame[name].to_numpy(dtype=float), color="#c4c4c4", lw=0.8, zorder=1)
        for name in frame.columns:
            if name in chosen:
                y = frame[name].to_numpy(dtype=float)
                ax.plot(
                    x, y, color=colours.get(name, "#1f77b4"), lw=2.4, marker="o", zorder=3,
                    label=name,
                )  # fmt: skip
        ax.axhline(100, color="#555555", lw=1, ls="--", zorder=2)
        ax.set_xticks(x, list(frame.index))
        ax.set_ylabel(translate("PerformancePanel", "Attainment %"))
        title = (
            translate("PerformancePanel", "{metric}: attainment per period")
            if chosen
            else translate(
                "PerformancePanel",
                "{metric}: attainment per period (select territories to follow them)",
            )
        )
        ax.set_title(title.format(metric=metric_label(self.result.metric)), fontsize=9)
        ax.grid(axis="y", color="#eeeeee")
        if chosen:
            ax.legend(fontsize=7, loc="best")
        self.chart.draw_idle()

    # -- slots --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.main.plan is not None:
            self.refresh(self.main.plan)

    def _on_choice(self) -> None:
        if not self._filling and self.main.plan is not None:
            self.refresh(self.main.plan)

    def _on_table_selected(self) -> None:
        plan = self.main.plan
        if plan is None or self.result is None:
            return
        if str(self.level_combo.currentData() or "territory") == "territory":
            rows = sorted({i.row() for i in self.table.selectedIndexes()})
            ids = self.result.frame["id"].tolist()
            indices = [plan.territory_index[ids[r]] for r in rows if ids[r] in plan.territory_index]
            if indices:
                self.main.select_territories(indices)
        self.draw_trend()

    def ask_quota(self) -> None:
        """Ask for the selected territory's annual quota of the current metric."""
        plan = self.main.plan
        selected = list(self.main.context.selection.indices) if plan is not None else []
        if plan is None or len(selected) != 1:
            self.summary.setText(
                translate("PerformancePanel", "Select one territory to set its quota.")
            )
            return
        index = selected[0]
        metric = str(self.metric_combo.currentData() or "revenue")
        current = float(annual_quotas(plan, metric)[index])
        value, ok = QInputDialog.getDouble(
            self,
            translate("PerformancePanel", "Set quota"),
            translate("PerformancePanel", "Annual {metric} quota of {territory} ({level}):").format(
                metric=metric_label(metric).lower(),
                territory=plan.territory_label(index),
                level=metric_level_label(quota_level(plan, metric)),
            ),
            current if np.isfinite(current) else 0.0,
            0.0,
            1e13,
            0,
        )
        if ok:
            self.set_quota(index, metric, value)

    def set_quota(self, index: int, metric: str, value: float) -> None:
        """Set a territory's annual quota of ``metric`` as one undo step."""
        plan = self.main.plan
        assert plan is not None
        if metric == "revenue":
            from planner.ui.commands import SetTerritoryFieldCommand

            self.main.push(SetTerritoryFieldCommand(plan, index, "quota", float(value)))
        else:
            self.main.push(SetMetricQuotaCommand(plan, index, metric, float(value)))

    def _apply_colour(self) -> None:
        period = str(self.period_combo.currentData() or "")
        self.main.presenter.set_color_mode(("attainment", period))

    def _on_colour_toggled(self, on: bool) -> None:
        if self.main.plan is None:
            return
        if on:
            self._apply_colour()
        else:
            self.main.presenter.set_color_mode("territory")


def install(window: MainWindow) -> PerformancePanel:
    """The Performance dock, tabbed with the balance panel and listed in View."""
    panel = PerformancePanel(window)
    panel.dock = add_panel_dock(
        window.context, translate("PerformancePanel", "Performance"), panel, "performanceDock"
    )
    return panel


__all__ = ["PerformancePanel", "SetMetricQuotaCommand", "install"]
