"""What the quarterly-review features need of the window: a narrow, typed context.

The actuals import, the Performance dock and the heat layer receive the main window,
but see it only through :class:`ReviewWindow`, so they do not import
:mod:`planner.ui.main_window` (which installs them) and the UI package stays acyclic.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from PySide6.QtCore import QSettings, SignalInstance
from PySide6.QtWidgets import QMainWindow, QMenu, QStatusBar

from planner.models.plan import Plan
from planner.ui.context import AppContext


class ReviewWindow(Protocol):
    """The main window as the review features use it."""

    @property
    def plan(self) -> Plan | None: ...

    context: AppContext
    settings: QSettings
    menus: dict[str, QMenu]
    canvas: Any  # MapCanvas: add_overlay, view_bounds, lonlat_to_screen, update
    presenter: Any  # PlanMapPresenter: set_color_mode
    balance: Any  # BalancePanel: selected_territories, view
    plan_loaded: SignalInstance

    def push(self, command: object) -> None: ...

    def run_task(
        self, fn: object, title: str, on_done: object, show_dialog: bool = True
    ) -> Any: ...

    def select_territories(self, indices: list[int]) -> None: ...

    def statusBar(self) -> QStatusBar: ...


def as_widget(window: ReviewWindow) -> QMainWindow:
    """The window as the Qt parent of dialogs, docks and actions (it is a QMainWindow)."""
    return cast(QMainWindow, window)


__all__ = ["ReviewWindow", "as_widget"]
