"""The problems panel: what the planner must resolve, grouped by kind; a click zooms to it."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.models.events import PlanEvent
from planner.models.plan import Plan
from planner.models.problems import PROBLEM_KINDS, Problem, ProblemKind, find_problems
from planner.ui.i18n import QT_TRANSLATE_NOOP, num, translate

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


def add_panel_dock(window: QMainWindow, title: str, widget: QWidget, name: str) -> QDockWidget:
    """Put ``widget`` in a dock of ``window``, tabbed with the balance panel, listed in View.

    Uses ``window.add_dock(dock)`` when the window offers it (one place for dock conventions).
    """
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    add_dock = getattr(window, "add_dock", None)
    if callable(add_dock):
        add_dock(dock)
    else:
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        menus = getattr(window, "menus", {})
        if "view" in menus:
            menus["view"].addAction(dock.toggleViewAction())
    balance_dock = getattr(window, "balance_dock", None)
    if isinstance(balance_dock, QDockWidget) and window.dockWidgetArea(
        balance_dock
    ) == window.dockWidgetArea(dock):
        window.tabifyDockWidget(balance_dock, dock)
        balance_dock.raise_()
    return dock


class PlanFollower:
    """Calls ``refresh(plan)`` once per event-loop turn after the plan changes.

    Subscribes to ``plan.events`` and to the window's ``plan_loaded`` signal; a burst of
    events (one gesture can emit several) costs one refresh, run by a 0 ms single-shot timer.
    """

    def __init__(self, window: Any, refresh: Any, owner: QWidget) -> None:
        self.window = window
        self.refresh = refresh
        self.plan: Plan | None = None
        self.timer = QTimer(owner)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._run)
        window.plan_loaded.connect(self._on_plan_loaded)
        if window.plan is not None:
            self._on_plan_loaded()

    def _on_plan_loaded(self) -> None:
        if self.plan is not None:
            self.plan.events.unsubscribe(self._on_plan_event)
        self.plan = self.window.plan
        if self.plan is not None:
            self.plan.events.subscribe(self._on_plan_event)
        self.timer.start()

    def _on_plan_event(self, _event: PlanEvent) -> None:
        self.timer.start()

    def _run(self) -> None:
        if self.plan is not None:
            self.refresh(self.plan)


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
        #: Set by :func:`install`: keeps the list in step with the window's plan.
        self.follower: PlanFollower | None = None
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

    def show_problems(self, plan: Plan) -> list[Problem]:
        """Check ``plan`` and list what was found; returns the problems."""
        problems = find_problems(plan)
        self.set_problems(problems)
        return problems

    def set_problems(self, problems: list[Problem]) -> None:
        """List these problems, keeping which groups the planner had collapsed."""
        collapsed = {
            self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
            for i in range(self.tree.topLevelItemCount())
            if not self.tree.topLevelItem(i).isExpanded()
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
            if item.data(0, Qt.ItemDataRole.UserRole) == kind:
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


def _zoom_with_margin(canvas: Any, lon0: float, lat0: float, lon1: float, lat1: float) -> None:
    """Zoom to a box with a margin, so a single unit or a thin overlap is seen in context."""
    mx = max((lon1 - lon0) * 0.15, 0.01)
    my = max((lat1 - lat0) * 0.15, 0.01)
    canvas.zoom_to_bounds(lon0 - mx, lat0 - my, lon1 + mx, lat1 + my)


def install(window: Any) -> ProblemsPanel:
    """Add the "Problems" dock to a :class:`~planner.ui.main_window.MainWindow`.

    Clicking a row zooms the map to it and highlights the territories involved; the list is
    rebuilt after every change of the plan (once per burst of events).
    """
    panel = ProblemsPanel(window)
    panel.setObjectName("problemsPanel")
    window.problems_panel = panel
    window.problems_dock = add_panel_dock(
        window, translate("ProblemsPanel", "Problems"), panel, "problemsDock"
    )
    panel.zoom_requested.connect(lambda *box: _zoom_with_margin(window.canvas, *box))
    panel.territories_selected.connect(
        lambda indices: window.select_territories(indices) if indices else None
    )
    panel.follower = PlanFollower(window, panel.show_problems, panel)
    return panel


__all__ = ["KIND_TITLES", "PlanFollower", "ProblemsPanel", "add_panel_dock", "install"]
