"""Disruption against the baseline: accounts and revenue moved, per territory and in total."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.plan import Disruption, Plan
from planner.ui.i18n import QT_TRANSLATE_NOOP, money, num, translate
from planner.ui.problems_panel import PlanFollower, add_panel_dock

COLUMNS = (
    QT_TRANSLATE_NOOP("DisruptionPanel", "Territory"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Accounts in"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Accounts out"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Revenue in"),
    QT_TRANSLATE_NOOP("DisruptionPanel", "Revenue out"),
)
#: Rows of territories that changed are tinted, so the eye finds them in a long table.
CHANGED = QColor("#fdebd3")


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
        self.follower: PlanFollower | None = None
        self.currency = "$"
        self.summary = QLabel(translate("DisruptionPanel", "No plan"), self)
        self.summary.setObjectName("disruptionSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("disruptionTable")
        self.table.setHorizontalHeaderLabels([translate("DisruptionPanel", c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Every column as wide as its header and cells: a longer translation is never cut
        # (a narrow dock scrolls instead).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Plan order until the planner clicks a header.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def show_disruption(self, plan: Plan, disruption: Disruption | None = None) -> None:
        """Show ``disruption`` (computed from ``plan`` when not given)."""
        d = disruption if disruption is not None else plan.disruption()
        self.disruption = d
        self.currency = plan.settings.currency
        money = self._money
        self.summary.setText(
            translate(
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
        sort_column = self.table.horizontalHeader().sortIndicatorSection()
        sort_order = self.table.horizontalHeader().sortIndicatorOrder()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(k)
        for i in range(k):
            values = (
                float(d.gained_accounts[i]),
                float(d.lost_accounts[i]),
                float(d.gained_revenue[i]),
                float(d.lost_revenue[i]),
            )
            name = QTableWidgetItem(plan.territory_label(i))
            name.setData(Qt.ItemDataRole.UserRole + 1, i)
            self.table.setItem(i, 0, name)
            texts = (
                num(values[0]),
                num(values[1]),
                money(values[2]),
                money(values[3]),
            )
            changed = any(values)
            for c, (value, text) in enumerate(zip(values, texts, strict=True), start=1):
                item = _NumberItem(text)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if changed:
                    item.setBackground(CHANGED)
                self.table.setItem(i, c, item)
            if changed:
                name.setBackground(CHANGED)
        self.table.setSortingEnabled(True)
        if sort_column >= 0:
            self.table.sortByColumn(sort_column, sort_order)

    def row_values(self) -> dict[str, tuple[float, float, float, float]]:
        """What the table shows: territory name to (accounts in, out, revenue in, out)."""
        out = {}
        for r in range(self.table.rowCount()):
            name = self.table.item(r, 0).text()
            out[name] = tuple(
                float(self.table.item(r, c).data(Qt.ItemDataRole.UserRole)) for c in range(1, 5)
            )
        return out  # type: ignore[return-value]

    def _money(self, value: float) -> str:
        return money(value, self.currency)


def install(window: Any) -> DisruptionPanel:
    """Add the "Disruption" dock to a :class:`~planner.ui.main_window.MainWindow`.

    The panel follows the plan: it is refreshed once after every burst of plan events.
    """
    panel = DisruptionPanel(window)
    panel.setObjectName("disruptionPanel")
    window.disruption_panel = panel
    window.disruption_dock = add_panel_dock(
        window, translate("DisruptionPanel", "Disruption"), panel, "disruptionDock"
    )
    panel.follower = PlanFollower(window, panel.show_disruption, panel)
    return panel


__all__ = ["DisruptionPanel", "install"]
