"""The problems panel: what the planner must resolve, grouped by kind; a click zooms to it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.events import AssignmentChanged, TerritoriesChanged
from planner.models.plan import Plan
from planner.models.problems import PROBLEM_KINDS, Problem, ProblemKind, find_problems
from planner.ui.context import AppContext
from planner.ui.i18n import QT_TRANSLATE_NOOP, num, translate
from planner.ui.refresh import Refresh

_PROBLEM_EVENTS = (AssignmentChanged, TerritoriesChanged)

#: Group headings, in the order of :data:`planner.models.problems.PROBLEM_KINDS`.
KIND_TITLES: dict[ProblemKind, str] = {
    "overlap": QT_TRANSLATE_NOOP("ProblemsPanel", "Overlapping territories"),
    "unassigned_accounts": QT_TRANSLATE_NOOP("ProblemsPanel", "Unassigned accounts"),
    "unassigned_units": QT_TRANSLATE_NOOP("ProblemsPanel", "Unassigned units"),
    "non_contiguous": QT_TRANSLATE_NOOP("ProblemsPanel", "Territories in separate parts"),
    "empty_territory": QT_TRANSLATE_NOOP("ProblemsPanel", "Empty territories"),
    "unplaced_accounts": QT_TRANSLATE_NOOP("ProblemsPanel", "Accounts without a location"),
    "outside_units": QT_TRANSLATE_NOOP("ProblemsPanel", "Accounts outside every unit"),
}

#: Data roles of a row: the box to zoom to, and (item kind, indices) to select.
BBOX_ROLE = Qt.ItemDataRole.UserRole + 1
ITEMS_ROLE = Qt.ItemDataRole.UserRole + 2


def add_panel_dock(ctx: AppContext, title: str, widget: QWidget, name: str) -> QDockWidget:
    """Put ``widget`` in a dock, listed in View and tabbed with the balance panel."""
    dock = QDockWidget(title, ctx.parent)
    dock.setObjectName(name)
    dock.setWidget(widget)
    ctx.add_dock(dock)
    return dock


class ProblemsPanel(QWidget):
    """A tree of the plan's problems: one group per kind with its count, one row per problem,
    and under a split territory one row per separate part.

    Signals
    -------
    zoom_requested(lon0, lat0, lon1, lat1)
        A row with a place on the map was clicked.
    items_selected(item_kind, indices)
        A row was clicked: ``item_kind`` is ``"accounts"`` or ``"units"`` and ``indices`` an
        int64 array of the items concerned (empty when the problem concerns no items).
    territories_selected(indices)
        The territories of the clicked problem (a list of int).
    """

    zoom_requested = Signal(float, float, float, float)
    items_selected = Signal(str, object)
    territories_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems: list[Problem] = []
        #: The plan the listed problems were found on.
        self._checked: Plan | None = None
        #: The dock holding the panel (set by :func:`install`).
        self.dock: QDockWidget | None = None
        self.summary = QLabel(translate("ProblemsPanel", "No plan"), self)
        self.summary.setObjectName("problemsSummary")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("problemsTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.itemActivated.connect(self._on_item_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)

    def show_problems(self, plan: Plan, touched: frozenset[int] | None = None) -> list[Problem]:
        """Check ``plan`` and list what was found; returns the problems.

        ``touched``: after a move between territories, the territories it touched; the
        pieces of the others are not looked for again.
        """
        previous = self.problems if touched is not None and self._checked is plan else None
        problems = find_problems(plan, previous, touched if previous is not None else None)
        self._checked = plan
        self.set_problems(problems)
        return problems

    def set_problems(self, problems: list[Problem]) -> None:
        """List these problems, keeping which groups the planner had collapsed.

        When the list reads the same as the one shown (an edit that changed no problem's
        text, the usual case), the rows stay and only the units or accounts they select
        are replaced: clearing and refilling the tree laid it out and repainted it whole.
        """
        if self._same_rows(problems):
            self._set_row_items(problems)
            self.problems = list(problems)
            return
        groups = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        collapsed = {
            group.data(0, Qt.ItemDataRole.UserRole)
            for group in groups
            if group is not None and not group.isExpanded()
        }
        self.problems = list(problems)
        self.tree.clear()
        for kind in PROBLEM_KINDS:
            of_kind = [p for p in problems if p.kind == kind]
            if not of_kind:
                continue
            title = translate("ProblemsPanel", KIND_TITLES[kind])
            group = QTreeWidgetItem([f"{title} ({len(of_kind)})"])
            group.setData(0, Qt.ItemDataRole.UserRole, kind)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for problem in of_kind:
                row = self._row(problem.message, problem.bbox, problem.item_kind, problem.items)
                row.setData(0, Qt.ItemDataRole.UserRole, list(problem.territories))
                group.addChild(row)
                for n, part in enumerate(problem.parts, start=1):
                    count = len(part.items)
                    what = (
                        self.tr("%n unit(s)", "", count)
                        if problem.item_kind == "units"
                        else self.tr("%n account(s)", "", count)
                    )
                    text = translate("ProblemsPanel", "Part {n}: {what}, {area} km²").format(
                        n=n, what=what, area=num(part.area_km2)
                    )
                    child = self._row(text, part.bbox, problem.item_kind, part.items)
                    child.setData(0, Qt.ItemDataRole.UserRole, list(problem.territories))
                    row.addChild(child)
            group.setExpanded(kind not in collapsed)
        total = len(problems)
        self.summary.setText(
            translate("ProblemsPanel", "No problems")
            if total == 0
            else self.tr("%n problem(s)", "", total)
        )

    @staticmethod
    def _texts(problem: Problem) -> tuple[object, ...]:
        """What a problem's rows show and zoom to (not the items they select)."""
        bbox = tuple(problem.bbox) if problem.bbox is not None else None
        parts = tuple(
            (len(part.items), round(part.area_km2, 6), tuple(part.bbox)) for part in problem.parts
        )
        return (problem.kind, problem.message, bbox, tuple(problem.territories), parts)

    def _same_rows(self, problems: list[Problem]) -> bool:
        if len(problems) != len(self.problems) or not self.tree.topLevelItemCount():
            return False
        return all(
            new is old or self._texts(new) == self._texts(old)
            for new, old in zip(problems, self.problems, strict=True)
        )

    def _set_row_items(self, problems: list[Problem]) -> None:
        """Give the rows of problems that are new objects their (maybe new) items."""
        changed = [
            (i, new)
            for i, (new, old) in enumerate(zip(problems, self.problems, strict=True))
            if new is not old
        ]
        if not changed:
            return
        # The rows are grouped by kind, in the order set_problems adds them.
        row_of: dict[int, QTreeWidgetItem] = {}
        for kind in PROBLEM_KINDS:
            group = self.group_item(kind)
            if group is None:
                continue
            of_kind = [i for i, p in enumerate(problems) if p.kind == kind]
            for r, i in enumerate(of_kind):
                child = group.child(r)
                if child is not None:
                    row_of[i] = child
        for i, problem in changed:
            row = row_of[i]
            row.setData(0, ITEMS_ROLE, (problem.item_kind, np.asarray(problem.items, np.int64)))
            for n, part in enumerate(problem.parts):
                child = row.child(n)
                if child is not None:
                    items = np.asarray(part.items, dtype=np.int64)
                    child.setData(0, ITEMS_ROLE, (problem.item_kind, items))

    @staticmethod
    def _row(
        text: str, bbox: tuple[float, ...] | None, item_kind: str, items: np.ndarray
    ) -> QTreeWidgetItem:
        row = QTreeWidgetItem([text])
        row.setToolTip(0, text)
        row.setData(0, BBOX_ROLE, tuple(bbox) if bbox is not None else None)
        row.setData(0, ITEMS_ROLE, (item_kind, np.asarray(items, dtype=np.int64)))
        return row

    def group_item(self, kind: ProblemKind) -> QTreeWidgetItem | None:
        """The heading row of a kind, or None when the plan has no problem of it."""
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == kind:
                return item
        return None

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        bbox = item.data(0, BBOX_ROLE)
        if bbox is not None:
            self.zoom_requested.emit(*(float(v) for v in bbox))
        items = item.data(0, ITEMS_ROLE)
        if items is not None:
            item_kind, indices = items
            self.items_selected.emit(item_kind, indices)
            self.territories_selected.emit(list(item.data(0, Qt.ItemDataRole.UserRole) or []))


def with_margin(
    lon0: float, lat0: float, lon1: float, lat1: float
) -> tuple[float, float, float, float]:
    """A box with a margin, so a single unit or a thin overlap is seen in context."""
    mx = max((lon1 - lon0) * 0.15, 0.01)
    my = max((lat1 - lat0) * 0.15, 0.01)
    return lon0 - mx, lat0 - my, lon1 + mx, lat1 + my


def install(ctx: AppContext) -> ProblemsPanel:
    """Add the "Problems" dock; the caller connects ``zoom_requested`` to its map.

    Clicking a row selects the territories involved. The list is rebuilt when the plan
    changes (not while a gesture only previews), and only while the dock is shown.
    """
    panel = ProblemsPanel(ctx.parent)
    panel.setObjectName("problemsPanel")
    panel.dock = add_panel_dock(ctx, translate("ProblemsPanel", "Problems"), panel, "problemsDock")
    panel.territories_selected.connect(
        lambda indices: ctx.selection.set(indices) if indices else None
    )

    def refresh(r: Refresh) -> None:
        # Problems come from the assignment and the territories, not from stored tables,
        # routes or locks.
        if r.full or any(isinstance(e, _PROBLEM_EVENTS) for e in r.events):
            moves_only = all(isinstance(e, AssignmentChanged) for e in r.events)
            panel.show_problems(r.plan, r.territories if moves_only and not r.full else None)

    ctx.refresh.add_view(refresh, previews=False, widget=panel)
    return panel


__all__ = ["KIND_TITLES", "ProblemsPanel", "add_panel_dock", "install", "with_margin"]
