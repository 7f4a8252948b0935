"""Disruption against the baseline: accounts and revenue moved, per territory and in total."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.plan import Disruption, Plan
from planner.ui.context import AppContext
from planner.ui.i18n import QT_TRANSLATE_NOOP, money, num, translate
from planner.ui.problems_panel import add_panel_dock
from planner.ui.refresh import Refresh
from planner.ui.summary_line import SummaryLine

COLUMNS = (
    QT_TRANSLATE_NOOP("DisruptionPanel", "Territory"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Accounts in"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Accounts out"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Revenue in"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Revenue out"),
)
#: Rows of territories that changed are tinted, so the eye finds them in a long table.
CHANGED = QBrush(QColor("#fdebd3"))
_PLAIN = QBrush()


class _NumberItem(QTableWidgetItem):
    """A cell that sorts by its number, not its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.data(Qt.ItemDataRole.UserRole)
        theirs = other.data(Qt.ItemDataRole.UserRole)
        if isinstance(mine, float) and isinstance(theirs, float):
            return mine < theirs
        return super().__lt__(other)


class DisruptionPanel(QWidget):
    """Accounts and revenue that changed territory against the plan's baseline alignment.

    The summary line gives the totals and their share of the plan; the table gives, per
    territory, what it gained (in) and lost (out).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.disruption: Disruption | None = None
        #: Items per territory index (their table rows move when sorted).
        self._rows: list[list[QTableWidgetItem]] = []
        self._names: list[str] = []
        #: The figures the cells show, (territories, 4), NaN where none yet.
        self._shown: np.ndarray | None = None
        #: The dock holding the panel (set by :func:`install`).
        self.dock: QDockWidget | None = None
        self.currency = "$"
        # A new text lays out the dock only when it needs another height.
        self.summary = SummaryLine(translate("DisruptionPanel", "No plan"), self)
        self.summary.setObjectName("disruptionSummary")
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("disruptionTable")
        self.table.setHorizontalHeaderLabels([translate("DisruptionPanel", c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Every column as wide as its header and cells: a longer translation is never cut
        # (a narrow dock scrolls instead). Not while a preview changes cells: then
        # ResizeToContents measured every cell on every setText (see show_disruption).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Measured on the rows in view and 50 more, not on all 300 of a national plan (50 ms
        # whenever the columns fit again after a preview).
        self.table.horizontalHeader().setResizeContentsPrecision(50)
        # Plan order until the planner clicks a header.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def show_disruption(
        self, plan: Plan, disruption: Disruption | None = None, preview: bool = False
    ) -> None:
        """Show ``disruption`` (computed from ``plan`` when not given).

        The cells are updated in place when the territories are the same ones; a preview
        (a gesture in progress) never re-sorts the rows under the planner's eyes.
        """
        d = disruption if disruption is not None else plan.disruption()
        self.disruption = d
        self.currency = plan.settings.currency
        money = self._money
        self.summary.setText(
            (translate("DisruptionPanel", "PREVIEW — ") if preview else "")
            + translate(
                "DisruptionPanel",
                "<b>{accounts_moved}</b> of {accounts_total} accounts ({accounts_pct} %) and <b>{revenue_moved}</b> of {revenue_total} revenue ({revenue_pct} %) moved against the baseline",
            ).format(
                accounts_moved=num(d.accounts_moved, 0),
                accounts_total=num(d.accounts_total, 0),
                accounts_pct=num(d.accounts_fraction * 100, 1),
                revenue_moved=money(d.revenue_moved),
                revenue_total=money(d.revenue_total),
                revenue_pct=num(d.revenue_fraction * 100, 1),
            )
        )
        k = plan.n_territories
        names = plan.territory_names()
        header = self.table.horizontalHeader()
        sort_column = header.sortIndicatorSection()
        sort_order = header.sortIndicatorOrder()
        self.table.setSortingEnabled(False)
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
            if preview
            else QHeaderView.ResizeMode.ResizeToContents
        )
        if names != self._names or self.table.rowCount() != k:
            self._build_rows(names)
        rows = self._rows
        formats = (num, num, money, money)
        columns = np.column_stack(
            [d.gained_accounts, d.lost_accounts, d.gained_revenue, d.lost_revenue]
        ).astype(float)[:k]
        shown = self._shown
        if shown is None or shown.shape != columns.shape:
            shown = np.full(columns.shape, np.nan)
        # Only the rows whose figures changed are touched: a preview changes a few.
        differs = ~((columns == shown) | (np.isnan(columns) & np.isnan(shown)))
        for i in np.flatnonzero(differs.any(axis=1)).tolist():
            values = columns[i].tolist()
            background = CHANGED if any(values) else _PLAIN
            items = rows[i]
            for c in range(1, len(items)):
                if differs[i, c - 1]:
                    item = items[c]
                    item.setData(Qt.ItemDataRole.UserRole, values[c - 1])
                    item.setText(formats[c - 1](values[c - 1]))
            if items[0].background() != background:
                for item in items:
                    item.setBackground(background)
        self._shown = columns
        if not preview:
            self.table.setSortingEnabled(True)
            if sort_column >= 0:
                self.table.sortByColumn(sort_column, sort_order)

    def _build_rows(self, names: list[str]) -> None:
        self.table.clearContents()
        self.table.setRowCount(len(names))
        self._rows = []
        for i, text in enumerate(names):
            name = QTableWidgetItem(text)
            name.setData(Qt.ItemDataRole.UserRole + 1, i)
            self.table.setItem(i, 0, name)
            row = [name]
            for c in range(1, len(COLUMNS)):
                item = _NumberItem("")
                item.setData(Qt.ItemDataRole.UserRole, float("nan"))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
                row.append(item)
            self._rows.append(row)
        self._names = list(names)
        self._shown = None

    def row_values(self) -> dict[str, tuple[float, float, float, float]]:
        """What the table shows: territory name to (accounts in, out, revenue in, out)."""
        out: dict[str, tuple[float, float, float, float]] = {}
        for r in range(self.table.rowCount()):
            items = [self.table.item(r, c) for c in range(5)]
            name, *cells = [item for item in items if item is not None]
            a_in, a_out, r_in, r_out = (
                float(item.data(Qt.ItemDataRole.UserRole)) for item in cells
            )
            out[name.text()] = (a_in, a_out, r_in, r_out)
        return out

    def _money(self, value: float) -> str:
        return money(value, self.currency)


def install(ctx: AppContext) -> DisruptionPanel:
    """Add the "Disruption" dock: it follows the plan and the previews of gestures."""
    panel = DisruptionPanel(ctx.parent)
    panel.setObjectName("disruptionPanel")
    panel.dock = add_panel_dock(
        ctx, translate("DisruptionPanel", "Disruption"), panel, "disruptionDock"
    )

    def refresh(r: Refresh) -> None:
        panel.show_disruption(r.plan, r.disruption, preview=r.preview is not None)

    ctx.refresh.add_view(refresh, widget=panel)
    return panel


__all__ = ["DisruptionPanel", "install"]
