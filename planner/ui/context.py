"""What tools and features are given instead of the main window: a narrow, typed context.

:class:`AppContext` holds the plan (as it changes from file to file), the command stack,
the territory selection, the editing state, the status line, the task runner, the refresh
scheduler and the few window services a feature needs to add itself (a menu, a dock, a
parent for its dialogs). Features keep their own references; nothing sets attributes on the
window.

:class:`EditingState` and :class:`TerritorySelection` are small Qt models: the toolbar's
"Assign to" and "Scope" boxes, the balance table, the map and the tools all bind to them,
and none reads another widget back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QImage, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

from planner.models.assignment import UNASSIGNED
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.ui.refresh import RefreshScheduler

Scope = Literal["both", "units", "accounts"]
SCOPES: tuple[Scope, ...] = ("both", "units", "accounts")


class EditingState(QObject):
    """The tools' settings: the territory edits assign to, the scope, the active tool.

    Signals
    -------
    target_changed(int)
        Territory index edits assign to (-1 = Unassigned).
    scope_changed(str)
        What a lasso picks up: ``"both"``, ``"units"`` or ``"accounts"``.
    tool_changed(str)
        The active tool's id.
    """

    target_changed = Signal(int)
    scope_changed = Signal(str)
    tool_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._target = 0
        self._scope: Scope = "both"
        self._tool = "pan"

    @property
    def target(self) -> int:
        return self._target

    def set_target(self, territory: int) -> None:
        """Assign to this territory index from now on (-1 = Unassigned)."""
        territory = int(territory)
        if territory < UNASSIGNED:
            raise ValueError(f"target territory must be >= -1, got {territory}")
        if territory != self._target:
            self._target = territory
            self.target_changed.emit(territory)

    @property
    def scope(self) -> Scope:
        return self._scope

    def set_scope(self, scope: str) -> None:
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
        if scope != self._scope:
            self._scope = scope
            self.scope_changed.emit(scope)

    @property
    def tool(self) -> str:
        return self._tool

    def set_tool(self, tool_id: str) -> None:
        if tool_id != self._tool:
            self._tool = tool_id
            self.tool_changed.emit(tool_id)


class TerritorySelection(QObject):
    """The selected territories, shared by the balance table, the map and the tools.

    Signals
    -------
    changed(list)
        The selected territory indices (sorted).
    """

    changed = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._indices: list[int] = []

    @property
    def indices(self) -> list[int]:
        return list(self._indices)

    def set(self, indices: list[int] | set[int] | tuple[int, ...]) -> None:
        """Select these territories (announced only when the selection differs)."""
        chosen = sorted({int(i) for i in indices})
        if chosen != self._indices:
            self._indices = chosen
            self.changed.emit(list(chosen))


class StatusLine(Protocol):
    def showMessage(self, text: str, timeout: int = 0) -> None: ...


class TaskRunner(Protocol):
    def __call__(
        self,
        fn: Callable[[TaskState], Any],
        title: str,
        on_done: Callable[[Any], None],
        show_dialog: bool = True,
    ) -> Any: ...


class PlanHolder(QObject):
    """The open plan, which changes when another is opened or created.

    Signals
    -------
    plan_loaded()
        Another plan is shown (read :attr:`plan`).
    """

    plan_loaded = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        #: The plan's file (None: not saved yet).
        self.path: Path | None = None


class AppContext:
    """The services tools and features use; built once by the main window.

    Attributes
    ----------
    plans : PlanHolder
        The open plan and its ``plan_loaded`` signal.
    undo_stack : QUndoStack
        Every edit is a command pushed here (:meth:`push`).
    selection : TerritorySelection
    editing : EditingState
    refresh : RefreshScheduler
        The one path from plan events and previews to the views.
    status : StatusLine
        The window's status bar.
    run_task : TaskRunner
        Runs ``fn(state)`` in the background with progress and Cancel.
    parent : QWidget
        Parent of the features' dialogs.
    settings : QSettings
    menus : dict of QMenu
        "file", "edit", "view", "tools", "plan", "help".
    """

    def __init__(
        self,
        *,
        plans: PlanHolder,
        undo_stack: QUndoStack,
        selection: TerritorySelection,
        editing: EditingState,
        refresh: RefreshScheduler,
        status: StatusLine,
        run_task: TaskRunner,
        parent: QWidget,
        settings: QSettings,
        menus: dict[str, QMenu],
        add_dock: Callable[[QDockWidget, Qt.DockWidgetArea], None],
        mark_dirty: Callable[[], None],
        render_map: Callable[[], QImage],
        adopt_task: Callable[[Any], None],
    ) -> None:
        self.plans = plans
        self.undo_stack = undo_stack
        self.selection = selection
        self.editing = editing
        self.refresh = refresh
        self.status = status
        self.run_task = run_task
        self.parent = parent
        self.settings = settings
        self.menus = menus
        self._add_dock = add_dock
        self._mark_dirty = mark_dirty
        self._render_map = render_map
        self._adopt_task = adopt_task

    @property
    def plan(self) -> Plan | None:
        """The open plan (None before one is opened)."""
        return self.plans.plan

    @property
    def path(self) -> Path | None:
        """The open plan's file (None when not saved yet)."""
        return self.plans.path

    def push(self, command: QUndoCommand) -> None:
        """Apply an edit as one undoable step."""
        self.undo_stack.push(command)

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.status.showMessage(text, timeout_ms)

    def add_dock(
        self,
        dock: QDockWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
    ) -> None:
        """Add a feature's dock panel (listed in the View menu, tabbed with the balance)."""
        self._add_dock(dock, area)

    def mark_dirty(self) -> None:
        """The plan differs from its file though no undoable edit says so (a repair)."""
        self._mark_dirty()

    def render_map(self) -> QImage:
        """The map as shown (at least 800 × 500 pixels), for exports."""
        return self._render_map()

    def adopt_task(self, task: Any) -> None:
        """Keep a feature's own background task until it ends; closing cancels it."""
        self._adopt_task(task)

    def menu_action(self, menu: str, object_name: str) -> QAction | None:
        """The action of that object name in one of the menus, if it is there."""
        for action in self.menus[menu].actions():
            if action.objectName() == object_name:
                return action
        return None


__all__ = [
    "SCOPES",
    "AppContext",
    "EditingState",
    "PlanHolder",
    "Scope",
    "StatusLine",
    "TaskRunner",
    "TerritorySelection",
]
