"""The main window: the map, the balance panel, the File menu and the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QUndoView,
)

from planner.io.planfile import (
    OpenedPlan,
    PlanFileError,
    PlanValidation,
    read_plan,
    repair,
    save_plan,
)
from planner.models.events import ActualsChanged, TerritoriesChanged
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.ui.balance_panel import BalancePanel
from planner.ui.canvas import MapCanvas
from planner.ui.commands import action_text
from planner.ui.context import AppContext, EditingState, PlanHolder, TerritorySelection
from planner.ui.first_plan import FirstPlanGuide
from planner.ui.folders import is_bundled, start_folder
from planner.ui.i18n import (
    QT_TRANSLATE_NOOP,
    add_language_menu,
    num,
    show_whole_tab_titles,
    translate,
)
from planner.ui.icons import GLYPHS, fix_toolbar
from planner.ui.import_dialog import ImportDialog, ImportRequest, ReportDialog
from planner.ui.legend import legend_dock
from planner.ui.map_presenter import PlanMapPresenter
from planner.ui.refresh import Refresh, RefreshScheduler
from planner.ui.tools import MapTool
from planner.ui.worker import Task

PLAN_FILTER = QT_TRANSLATE_NOOP("MainWindow", "Territory plans (*.gpkg);;All files (*)")
MAX_RECENT = 8


def unique_key_sequences(keys: list[QKeySequence]) -> list[QKeySequence]:
    """The key sequences without repeats (first one kept), in order."""
    seen: set[str] = set()
    unique = []
    for key in keys:
        name = key.toString()
        if name and name not in seen:
            seen.add(name)
            unique.append(key)
    return unique


def _prefixed(prefix: str, command_text: str) -> str:
    """The Undo/Redo action's text: its own mnemonic, then the command's text escaped."""
    return f"{prefix} {action_text(command_text)}" if command_text else prefix


class MainWindow(QMainWindow):
    """Territory Planner's main window.

    Signals
    -------
    plan_loaded()
        A plan was opened or created and is shown.
    """

    plan_loaded = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        #: The open plan; :attr:`plan` and :attr:`path` read it.
        self.plans = PlanHolder(self)
        self.plans.plan_loaded.connect(self.plan_loaded)
        #: Why the open plan may not be saved over its file (None: it may).
        self._read_only_reason: str | None = None
        self.dirty = False
        self.tasks: list[Task] = []
        #: Every edit of the plan goes through this stack (see planner.ui.commands).
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        #: Menus by key ("file", "edit", "view", "plan", "help") for features to add actions to.
        self.menus: dict[str, QMenu] = {}
        #: The one path from plan events and previews to every view.
        self.refresh = RefreshScheduler(self)
        self.editing = EditingState(self)
        self.selection = TerritorySelection(self)
        self.context = AppContext(
            plans=self.plans,
            undo_stack=self.undo_stack,
            selection=self.selection,
            editing=self.editing,
            refresh=self.refresh,
            status=self.statusBar(),
            run_task=self.run_task,
            parent=self,
            settings=self.settings,
            menus=self.menus,
            add_dock=self.add_dock,
            mark_dirty=self._mark_dirty,
            render_map=lambda: self.canvas.render_image(
                max(self.canvas.width(), 800), max(self.canvas.height(), 500)
            ),
            adopt_task=self.adopt_task,
        )

        self.canvas = MapCanvas(self)
        self.canvas.setObjectName("mapCanvas")
        self.setCentralWidget(self.canvas)
        self.presenter = PlanMapPresenter(self.canvas)
        # The map shows previews too: a lasso in progress colours what it would move.
        self.refresh.add_view(self.presenter.refresh)

        self.balance = BalancePanel(self)
        self.balance_dock = QDockWidget(translate("MainWindow", "Balance"), self)
        self.balance_dock.setObjectName("balanceDock")
        self.balance_dock.setWidget(self.balance)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.balance_dock)
        self.resizeDocks([self.balance_dock], [660], Qt.Orientation.Horizontal)
        self.legend_dock = legend_dock(
            self, self.canvas.legend_changed, self.canvas.legend_entries()
        )
        # The map's own legend box only while the docked legend is hidden.
        self.legend_dock.visibilityChanged.connect(lambda v: self.canvas.set_legend_box(not v))

        self.coords = QLabel("", self)
        self.coords.setObjectName("cursorCoordinates")
        # A fixed size: a new text then asks for no new layout of the window (it did on
        # every mouse move).
        widest = self.coords.fontMetrics().horizontalAdvance("180.00000°N  180.00000°W") + 12
        self.coords.setFixedSize(max(190, widest), self.coords.sizeHint().height())
        self.statusBar().addPermanentWidget(self.coords)

        self._active_tool: MapTool | None = None
        self.refresh.add_view(self._on_refresh, previews=False)
        self.refresh.add_view(self._show_balance, widget=self.balance)
        self._build_actions()
        self._build_tools()
        self._install_features()
        self.balance.territories_selected.connect(self.selection.set)
        self.selection.changed.connect(self._on_selection_changed)
        self.editing.target_changed.connect(self._on_target_changed)
        self.canvas.cursor_moved.connect(self._on_cursor_moved)
        self.canvas.clicked.connect(self._on_map_clicked)

        self.resize(1500, 900)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self._update_title()

    # -- actions and menus -----------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _undo_stack_action(self, prefix: str, *, undo: bool) -> QAction:
        """Undo or Redo, named after the command it would undo or redo.

        Built here rather than with ``QUndoStack.createUndoAction`` so the command's text,
        which holds territory names, has its ``&`` escaped: Qt would otherwise take it as a
        mnemonic and drop it from the menu.
        """
        stack = self.undo_stack
        action = QAction(prefix, self)
        if undo:
            action.triggered.connect(stack.undo)
            stack.canUndoChanged.connect(action.setEnabled)
            stack.undoTextChanged.connect(lambda text: action.setText(_prefixed(prefix, text)))
            action.setEnabled(stack.canUndo())
        else:
            action.triggered.connect(stack.redo)
            stack.canRedoChanged.connect(action.setEnabled)
            stack.redoTextChanged.connect(lambda text: action.setText(_prefixed(prefix, text)))
            action.setEnabled(stack.canRedo())
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            translate("MainWindow", "&New from Import…"),
            # triggered(bool) would hand its "checked" flag over as the earlier request.
            lambda _checked=False: self.new_from_import(),
            QKeySequence.StandardKey.New,
            translate("MainWindow", "Build a plan from accounts, units and reps files"),
        )
        self.open_action = self._action(
            translate("MainWindow", "&Open…"),
            self.open_dialog,
            QKeySequence.StandardKey.Open,
            translate("MainWindow", "Open a plan file (.gpkg)"),
        )
        self.save_action = self._action(
            translate("MainWindow", "&Save"),
            self.save,
            QKeySequence.StandardKey.Save,
            translate("MainWindow", "Save the plan"),
        )
        self.save_as_action = self._action(
            translate("MainWindow", "Save &As…"),
            self.save_as,
            QKeySequence.StandardKey.SaveAs,
            translate("MainWindow", "Save the plan under a new name"),
        )
        self.quit_action = self._action(
            translate("MainWindow", "&Quit"),
            self.close,
            QKeySequence.StandardKey.Quit,
            translate("MainWindow", "Close Territory Planner"),
        )
        self.quit_action.setObjectName("quitAction")
        self.zoom_extent_action = self._action(
            translate("MainWindow", "Zoom to &Extent"),
            self.canvas.zoom_to_extent,
            "Ctrl+0",
            translate("MainWindow", "Show the whole plan"),
        )
        self.zoom_selection_action = self._action(
            translate("MainWindow", "Zoom to &Selection"),
            self.zoom_to_selection,
            "Ctrl+Shift+0",
            translate("MainWindow", "Show the selected territories"),
        )

        self.undo_action = self._undo_stack_action(translate("MainWindow", "&Undo"), undo=True)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self._undo_stack_action(translate("MainWindow", "&Redo"), undo=False)
        # The platform's redo keys plus both common spellings, each bound once: a key
        # bound twice is an ambiguous shortcut to Qt, which then triggers nothing.
        self.redo_action.setShortcuts(
            unique_key_sequences(
                [
                    *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
                    QKeySequence("Ctrl+Y"),
                    QKeySequence("Ctrl+Shift+Z"),
                ]
            )
        )

        file_menu = self.menuBar().addMenu(translate("MainWindow", "&File"))
        self.menus["file"] = file_menu
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(translate("MainWindow", "Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu(translate("MainWindow", "&Edit"))
        self.menus["edit"] = edit_menu
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        view_menu = self.menuBar().addMenu(translate("MainWindow", "&View"))
        self.menus["view"] = view_menu
        view_menu.addAction(self.zoom_extent_action)
        view_menu.addAction(self.zoom_selection_action)
        view_menu.addSeparator()
        view_menu.addAction(self.balance_dock.toggleViewAction())
        view_menu.addAction(self.legend_dock.toggleViewAction())
        # View ▸ Language: remembered, applied on the next start.
        self.language_menu = add_language_menu(view_menu, self.settings, self)
        self.menus["plan"] = self.menuBar().addMenu(translate("MainWindow", "&Plan"))
        help_menu = self.menuBar().addMenu(translate("MainWindow", "&Help"))
        self.menus["help"] = help_menu
        help_menu.addAction(
            self._action(translate("MainWindow", "&About Territory Planner"), self._about)
        )

        toolbar = self.addToolBar(translate("MainWindow", "File"))
        toolbar.setObjectName("fileToolbar")
        for action in (
            self.new_action,
            self.open_action,
            self.save_action,
            self.undo_action,
            self.redo_action,
            self.zoom_extent_action,
        ):
            toolbar.addAction(action)
        self.file_toolbar = toolbar
        icons = {
            "new": self.new_action,
            "open": self.open_action,
            "save": self.save_action,
            "undo": self.undo_action,
            "redo": self.redo_action,
            "zoom_extent": self.zoom_extent_action,
        }
        fix_toolbar(toolbar, icons, text_beside=False)

    def _build_tools(self) -> None:
        from planner.ui.commands import MergeTerritoriesCommand, SetLocksCommand
        from planner.ui.tools import ALL_TOOLS

        self.addToolBarBreak()  # tools on their own row, so the target and scope boxes fit
        toolbar = self.addToolBar(translate("MainWindow", "Tools"))
        toolbar.setObjectName("toolsToolbar")
        self.tools = {cls.tool_id: cls(self.context, self.presenter) for cls in ALL_TOOLS}
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        tools_menu = QMenu(translate("MainWindow", "&Tools"), self)
        self.menuBar().insertMenu(self.menus["plan"].menuAction(), tools_menu)
        self.menus["tools"] = tools_menu
        for tool_id, tool in self.tools.items():
            label = translate("Tools", tool.label)
            action = QAction(label, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(tool.shortcut))
            action.setStatusTip(translate("Tools", tool.tip))
            action.setToolTip(f"{label} ({tool.shortcut})")
            action.triggered.connect(lambda _=False, t=tool_id: self.set_tool(t))
            group.addAction(action)
            toolbar.addAction(action)
            tools_menu.addAction(action)
            self.tool_actions[tool_id] = action
        fix_toolbar(toolbar, {t: a for t, a in self.tool_actions.items() if t in GLYPHS}, False)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(translate("MainWindow", " Assign to: ")))
        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("activeTerritory")
        self.target_combo.setMinimumContentsLength(18)
        self.target_combo.setToolTip(
            translate(
                "MainWindow", "The territory that lasso, brush and reassignments move items to"
            )
        )
        toolbar.addWidget(self.target_combo)
        toolbar.addWidget(QLabel(translate("MainWindow", " Scope: ")))
        self.scope_combo = QComboBox(self)
        self.scope_combo.setObjectName("editScope")
        for text, key in (
            (translate("MainWindow", "Units and accounts"), "both"),
            (translate("MainWindow", "Units"), "units"),
            (translate("MainWindow", "Accounts"), "accounts"),
        ):
            self.scope_combo.addItem(text, key)
        self.scope_combo.setToolTip(
            translate(
                "MainWindow", "What a lasso picks up: units (centroid inside), accounts, or both"
            )
        )
        toolbar.addWidget(self.scope_combo)
        self.tools_toolbar = toolbar
        # Both boxes show the editing state and set it; tools read the state, not the boxes.
        self.target_combo.currentIndexChanged.connect(self._on_target_combo_changed)
        self.scope_combo.currentIndexChanged.connect(
            lambda _i: self.editing.set_scope(str(self.scope_combo.currentData()))
        )
        self.editing.scope_changed.connect(
            lambda scope: self.scope_combo.setCurrentIndex(self.scope_combo.findData(scope))
        )
        self.editing.tool_changed.connect(self._activate_tool)

        def merge() -> None:
            selected = self.selection.indices
            if self.plan is None or len(selected) < 2:
                self.statusBar().showMessage(
                    translate(
                        "MainWindow", "Select two or more territories to merge (Shift-click)."
                    ),
                    5000,
                )
                return
            if self.plan.territory_locked[selected].any():
                self.statusBar().showMessage(
                    translate("MainWindow", "Refused: a locked territory cannot be merged."), 6000
                )
                return
            self.push(MergeTerritoriesCommand(self.plan, selected))
            self.select_territories([min(selected)])

        def lock(value: bool) -> None:
            selected = self.selection.indices
            if self.plan is None or not selected:
                self.statusBar().showMessage(
                    translate("MainWindow", "Select territories first."), 5000
                )
                return
            names = ", ".join(self.plan.territory_label(i) for i in selected)
            text = (
                translate("MainWindow", "Lock {names}")
                if value
                else translate("MainWindow", "Unlock {names}")
            ).format(names=names)
            self.push(SetLocksCommand(self.plan, "territories", selected, value, text))

        self.merge_action = self._action(
            translate("MainWindow", "&Merge Selected Territories"),
            merge,
            "Ctrl+M",
            translate("MainWindow", "Merge the selected territories into the first"),
        )
        self.lock_action = self._action(
            translate("MainWindow", "&Lock Selected Territories"),
            lambda: lock(True),
            "Ctrl+L",
            translate("MainWindow", "Locked territories never change by any tool or optimiser"),
        )
        self.unlock_action = self._action(
            translate("MainWindow", "&Unlock Selected Territories"),
            lambda: lock(False),
            "Ctrl+Shift+L",
            translate("MainWindow", "Allow edits to the selected territories again"),
        )
        for action in (self.merge_action, self.lock_action, self.unlock_action):
            self.menus["edit"].addAction(action)

        self.undo_view = QUndoView(self.undo_stack, self)
        self.undo_view.setEmptyLabel(translate("MainWindow", "Plan as opened"))
        self.history_dock = QDockWidget(translate("MainWindow", "Undo history"), self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.undo_view)
        self.add_dock(self.history_dock)
        self.tabifyDockWidget(self.balance_dock, self.history_dock)
        self.balance_dock.raise_()
        self.set_tool("pan")

    def _install_features(self) -> None:
        """Add the feature panels and dialogs; each adds its own menu actions and docks."""
        from planner.ui import balance_chart, basemap, disruption_panel, problems_panel, tiles
        from planner.ui.optimise_dialog import install as install_optimiser

        basemap.install(self)
        tiles.install(self)
        self.problems_panel = problems_panel.install(self.context)
        self.problems_dock = self.problems_panel.dock
        self.problems_panel.zoom_requested.connect(
            lambda *box: self.canvas.zoom_to_bounds(*problems_panel.with_margin(*box))
        )
        self.balance_chart = balance_chart.install(self.context)
        self.balance_chart_dock = self.balance_chart.dock
        self.disruption_panel = disruption_panel.install(self.context)
        self.disruption_dock = self.disruption_panel.dock
        install_optimiser(self.context)
        from planner.ui import export_dialog, review_dialog, territory_dialog

        export_dialog.install(self.context)
        review_dialog.install(self.context)
        from planner.ui.routes_panel import install as install_routes

        self.routes_panel = install_routes(self.context, self.canvas)
        self.routes_dock = self.routes_panel.dock
        self.plan_routes_action = self.routes_panel.action
        from planner.ui import scenarios_panel

        self.scenarios_panel = scenarios_panel.install(self.context)
        from planner.ui import redesign_dialogs

        redesign_dialogs.install(self.context)
        from planner.ui import capacity_dialog

        capacity_dialog.install(self.context)

        self.territory_properties_action = territory_dialog.install(self.context)
        self.balance.view.doubleClicked.connect(self._on_balance_double_clicked)
        self._install_performance()
        self.balance_dock.raise_()
        show_whole_tab_titles(self)

        self.colour_menu = self.menus["view"].addMenu(
            translate("MainWindow", "Colour Territories By")
        )
        self.colour_menu.setObjectName("colourMenu")
        self.colour_group = QActionGroup(self)
        self.colour_actions: dict[str | tuple[str, str], QAction] = {}
        self._fill_colour_menu()
        self.plan_loaded.connect(self._fill_colour_menu)

    def _install_performance(self) -> None:
        """The quarterly review: Import Actuals…, the Performance dock and the heat layer."""
        from planner.ui import actuals_dialog, heat_layer, performance_panel

        actuals_dialog.install(self)
        self.performance_panel = performance_panel.install(self)
        self.performance_dock = self.performance_panel.dock
        self.heat = heat_layer.install(self)

    def _fill_colour_menu(self) -> None:
        """View ▸ Colour Territories By: territory, each hierarchy level, each deviation.

        Rebuilt for every plan, since the levels (District, Region...) are the plan's.
        """
        from planner.models.hierarchy import hierarchy

        tree = hierarchy(self.plan) if self.plan is not None else None
        levels = tree.levels if tree is not None else []
        modes: list[tuple[str, str | tuple[str, str]]] = [
            (translate("MainWindow", "Territory"), "territory")
        ]
        modes += [(level, ("level", level)) for level in levels]
        modes += [
            (
                translate("MainWindow", "Deviation of {measure}").format(measure=label),
                ("deviation", key),
            )
            for key, label in (
                ("workload", translate("MainWindow", "Workload")),
                ("potential", translate("MainWindow", "Potential")),
                ("revenue", translate("MainWindow", "Revenue")),
                ("accounts", translate("MainWindow", "Accounts")),
            )
        ]
        from planner.models.actuals import has_actuals

        if self.plan is not None and has_actuals(self.plan):
            modes.append(
                (translate("MainWindow", "Attainment (latest period)"), ("attainment", ""))
            )
        current = self.presenter.color_mode
        if current == "parent" and levels:
            current = ("level", levels[0])
        if current not in dict(modes).values():
            current = "territory"
            if self.plan is not None:
                self.presenter.set_color_mode(current)
        for action in self.colour_actions.values():
            self.colour_group.removeAction(action)
            self.colour_menu.removeAction(action)
            action.deleteLater()
        self.colour_actions = {}
        for text, mode in modes:
            action = QAction(action_text(text), self)  # level names are the plan's
            action.setCheckable(True)
            action.setChecked(mode == current)
            action.triggered.connect(lambda _=False, m=mode: self.presenter.set_color_mode(m))
            self.colour_group.addAction(action)
            self.colour_menu.addAction(action)
            self.colour_actions[mode] = action

    def set_tool(self, tool_id: str) -> None:
        """Make one tool the canvas's active tool (the previous one is cancelled)."""
        if tool_id not in self.tools:
            raise KeyError(f"no tool {tool_id!r}; tools: {', '.join(self.tools)}")
        self.editing.set_tool(tool_id)
        self._activate_tool(tool_id)

    def _activate_tool(self, tool_id: str) -> None:
        tool = self.tools[tool_id]
        wanted = None if tool_id == "pan" else tool
        if self._active_tool is tool and self.canvas.tool is wanted:
            return
        if self._active_tool is not None:
            self._active_tool.deactivate()
        self._active_tool = tool
        self.canvas.tool = wanted
        self.tool_actions[tool_id].setChecked(True)
        tool.activate()

    def active_territory(self) -> int:
        """Territory index that tools assign to (-1 = Unassigned)."""
        return self.editing.target

    def edit_scope(self) -> str:
        return self.editing.scope

    def _on_target_combo_changed(self, _index: int) -> None:
        data = self.target_combo.currentData()
        if data is not None:
            self.editing.set_target(int(data))

    def _on_target_changed(self, territory: int) -> None:
        index = self.target_combo.findData(territory)
        if index >= 0 and index != self.target_combo.currentIndex():
            self.target_combo.setCurrentIndex(index)
        # Choosing where edits go shows that territory, unless several are selected.
        selected = self.selection.indices
        if territory >= 0 and len(selected) <= 1 and selected != [territory]:
            self.selection.set([territory])

    def _fill_target_combo(self) -> None:
        if self.plan is None:
            return
        keep = self.editing.target
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for i in range(self.plan.n_territories):
            self.target_combo.addItem(self.plan.territory_label(i), i)
        self.target_combo.addItem(translate("MainWindow", "Unassigned"), -1)
        index = self.target_combo.findData(keep)
        self.target_combo.setCurrentIndex(max(index, 0))
        self.target_combo.blockSignals(False)
        self.editing.set_target(int(self.target_combo.currentData()))

    def add_dock(
        self, dock: QDockWidget, area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea
    ) -> None:
        """Add a feature's dock panel, list it in the View menu, tab it with the balance."""
        self.addDockWidget(area, dock)
        self.menus["view"].addAction(dock.toggleViewAction())
        if self.dockWidgetArea(self.balance_dock) == area:
            self.tabifyDockWidget(self.balance_dock, dock)
            self.balance_dock.raise_()

    def push(self, command: object) -> None:
        """Apply an edit as one undoable step (a ``QUndoCommand``)."""
        self.undo_stack.push(command)  # type: ignore[arg-type]

    # -- plan lifecycle ----------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        """The open plan (None before one is opened)."""
        return self.plans.plan

    @property
    def path(self) -> Path | None:
        """The open plan's file (None when not saved yet)."""
        return self.plans.path

    @path.setter
    def path(self, path: Path | None) -> None:
        self.plans.path = path

    def set_plan(self, plan: Plan, path: Path | None, dirty: bool = False) -> None:
        """Show ``plan`` (opened from ``path``, or new when ``path`` is None)."""
        self.plans.plan = plan
        self.plans.path = path
        self._read_only_reason = None
        self.undo_stack.clear()
        self.dirty = dirty
        self.selection.set([])
        self.presenter.set_plan(plan)
        self._fill_target_combo()
        self.refresh.set_plan(plan)
        self.refresh.flush()
        self.balance.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        if path is not None:
            self._add_recent(path)
        self._update_title()
        n_unplaced = int((~plan.accounts["lon"].notna()).sum())
        self.statusBar().showMessage(
            translate(
                "MainWindow",
                "{n_accounts} accounts ({n_unplaced} unplaced), {n_units} units, {n_territories} territories, {n_reps} reps",
            ).format(
                n_accounts=num(plan.n_accounts, 0),
                n_unplaced=num(n_unplaced, 0),
                n_units=num(plan.n_units, 0),
                n_territories=plan.n_territories,
                n_reps=len(plan.reps),
            ),
            8000,
        )
        self.plans.plan_loaded.emit()

    def refresh_balance(self) -> None:
        """Show the plan as it is in every view now (ends any preview)."""
        self.refresh.refresh_all()

    def _show_balance(self, refresh: Refresh) -> None:
        self.balance.show_balance(
            refresh.plan, refresh.balance, refresh.disruption, preview=refresh.preview is not None
        )

    def _on_refresh(self, refresh: Refresh) -> None:
        """The window's own view of the plan: the target box, the title's unsaved mark."""
        if refresh.full or any(isinstance(e, TerritoriesChanged) for e in refresh.events):
            self._fill_target_combo()
        if any(isinstance(e, ActualsChanged) for e in refresh.events):
            self._fill_colour_menu()  # Attainment is offered once the plan has actuals
        if refresh.full:
            # Territories were added or removed: a selected index may no longer exist.
            n = refresh.plan.n_territories
            self.selection.set([i for i in self.selection.indices if i < n])
        if refresh.events:
            self.dirty = True
            self._update_title()

    def _mark_dirty(self) -> None:
        self.dirty = True
        self._update_title()

    def _on_clean_changed(self, clean: bool) -> None:
        # Undoing back to the saved state makes the plan clean again.
        if clean and self.path is not None:
            self.dirty = False
            self._update_title()

    def _update_title(self) -> None:
        name = self.path.name if self.path else (self.plan.name if self.plan else "")
        if name and self.read_only:
            why = translate(
                "MainWindow", self._read_only_reason or QT_TRANSLATE_NOOP("MainWindow", "demo")
            )
            name += translate(
                "MainWindow", " ({why}, read-only: Save asks for a new place)"
            ).format(why=why)
        self.setWindowTitle(
            translate("MainWindow", "{name}[*] — Territory Planner").format(name=name)
            if name
            else translate("MainWindow", "Territory Planner[*]")
        )
        self.setWindowModified(self.dirty)

    def adopt_task(self, task: Task) -> None:
        """Keep ``task`` (started by a feature) until it ends; closing the window cancels it."""
        self.tasks.append(task)

        def forget(*_args: object) -> None:
            if task in self.tasks:
                self.tasks.remove(task)

        task.finished.connect(forget)
        task.failed.connect(forget)
        task.cancelled.connect(forget)

    def run_task(self, fn: object, title: str, on_done: object, show_dialog: bool = True) -> Task:
        """Run ``fn(state)`` in the background with progress; ``on_done(result)`` on success."""
        task = Task(fn, title, self, show_dialog=show_dialog)  # type: ignore[arg-type]
        self.tasks.append(task)

        def finished(result: object) -> None:
            self.tasks.remove(task)
            on_done(result)  # type: ignore[operator]

        def failed(exc: object) -> None:
            self.tasks.remove(task)
            self.statusBar().showMessage(
                translate("MainWindow", "{title} failed").format(title=title), 8000
            )
            QMessageBox.critical(self, title, str(exc))

        def cancelled() -> None:
            self.tasks.remove(task)
            self.statusBar().showMessage(
                translate("MainWindow", "{title} cancelled; nothing changed").format(title=title),
                8000,
            )

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.cancelled.connect(cancelled)
        task.start()
        return task

    def open_path(self, path: Path, show_dialog: bool = True) -> Task:
        """Open a plan file in the background; the window stays responsive.

        A file with duplicate, empty or dangling ids or values of the wrong type is never
        repaired silently: the user opens it read-only (Save asks for a new place) or
        accepts the repairs, which the next Save writes.
        """
        path = Path(path)
        self.statusBar().showMessage(
            translate("MainWindow", "Opening {name}…").format(name=path.name)
        )
        return self.run_task(
            lambda state: read_plan(path, state),
            translate("MainWindow", "Opening {name}").format(name=path.name),
            lambda opened: self._on_plan_read(opened, path),
            show_dialog,
        )

    def _on_plan_read(self, opened: OpenedPlan, path: Path) -> None:
        validation = opened.validation
        choice = self.ask_repair(path, validation) if validation.needs_repair else "open"
        if choice == "cancel":
            self.statusBar().showMessage(
                translate("MainWindow", "{name} not opened; nothing changed").format(
                    name=path.name
                ),
                8000,
            )
            return
        repaired = repair(opened.plan, validation) if choice == "repair" else []
        # Repairs live in the plan until saved: the plan differs from its file.
        self.set_plan(opened.plan, path, dirty=bool(repaired))
        if choice == "read_only":
            self._read_only_reason = QT_TRANSLATE_NOOP("MainWindow", "problems in the file")
            self._update_title()
        elif repaired:
            self.statusBar().showMessage(
                self.tr("%n repair(s) made; Save writes them: ", "", len(repaired))
                + "; ".join(repaired),
                15000,
            )

    def ask_repair(self, path: Path, validation: PlanValidation) -> str:
        """Ask how to open a damaged plan file: ``"read_only"``, ``"repair"`` or ``"cancel"``."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("MainWindow", "Problems in the plan file"))
        box.setText(
            translate(
                "MainWindow",
                "{name} has {n_problems} problem(s). Nothing has been changed in the file. Open it read-only (Save asks for a new place), or repair it (the repairs are made now; Save writes them; the baseline is never changed).",
            ).format(name=path.name, n_problems=len(validation.problems))
        )
        lines = validation.lines()
        # The first problems at a glance; every one of them under Show Details.
        more = translate("MainWindow", "… and {n} more").format(n=len(lines) - 3)
        shown = lines[:3] + ([more] if len(lines) > 3 else [])
        box.setInformativeText("\n".join(shown))
        box.setDetailedText("\n".join(lines))
        read_only = box.addButton(
            translate("MainWindow", "Open read-only"), QMessageBox.ButtonRole.AcceptRole
        )
        repair_button = box.addButton(
            translate("MainWindow", "Repair"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(read_only)
        box.exec()
        clicked = box.clickedButton()
        if clicked is read_only:
            return "read_only"
        if clicked is repair_button:
            return "repair"
        return "cancel"

    def open_dialog(self) -> None:
        if not self._confirm_discard():
            return
        start = str(start_folder(self.settings, "dirs/plans", self.path))
        name, _ = QFileDialog.getOpenFileName(
            self, translate("MainWindow", "Open plan"), start, translate("MainWindow", PLAN_FILTER)
        )
        if name:
            self.settings.setValue("dirs/plans", str(Path(name).parent))
            self.open_path(Path(name))

    def new_from_import(self, previous: ImportRequest | None = None) -> None:
        """Ask for the files and mapping of a new plan (``previous`` fills the form in)."""
        if not self._confirm_discard():
            return
        start = str(start_folder(self.settings, "dirs/imports"))
        dialog = ImportDialog(self, start)
        if previous is not None:
            dialog.set_request(previous)
        if dialog.exec() != ImportDialog.DialogCode.Accepted:
            return
        request = dialog.request()
        self.settings.setValue("dirs/imports", str(request.accounts.parent))
        self.import_request(request)

    def import_request(self, request: ImportRequest, guide: bool = True) -> Task:
        """Run an import in the background, show its report, then the first-plan guide."""

        def work(state: TaskState) -> tuple[Plan, str, str, str]:
            from planner.io.accounts_import import import_accounts
            from planner.io.build import build_plan
            from planner.io.coverage import plan_coverage
            from planner.io.units_import import import_reps, import_units
            from planner.io.us_units import LEVEL_LABELS, units_for_accounts

            result = import_accounts(
                request.accounts,
                request.mapping,
                state=state.sub(0, 0.5),
                table=request.table,
                decimal=request.decimal,
                swap_latlon=request.swap_latlon,
            )
            texts = [result.report.format(limit=500)]
            if request.units:
                state.report(
                    0.55, translate("MainWindow", "Reading {name}").format(name=request.units.name)
                )
                units_result = import_units(request.units)
                units = units_result.units
                texts.append(units_result.report.format(limit=200))
                units_label = translate("MainWindow", "from {name}").format(name=request.units.name)
            else:
                state.report(
                    0.55, translate("MainWindow", "Choosing the units that cover the accounts")
                )
                accounts = result.accounts
                units, selection = units_for_accounts(
                    accounts["lon"].to_numpy(dtype=float),
                    accounts["lat"].to_numpy(dtype=float),
                    request.geography,  # type: ignore[arg-type]
                    state.sub(0.55, 0.8),
                )
                texts.append(selection.format())
                units_label = translate("MainWindow", "bundled US geography: {level}").format(
                    level=LEVEL_LABELS[request.geography]  # type: ignore[index]
                )
            reps = None
            if request.reps:
                reps, reps_report = import_reps(request.reps)
                texts.append(reps_report.format(limit=200))
            state.report(0.85, translate("MainWindow", "Building the plan"))
            plan = build_plan(result.accounts, units, reps, name=request.accounts.stem)
            coverage = plan_coverage(plan)
            texts.append(coverage.format())
            texts += [f"note: {n.layer} row {n.row + 1}: {n.message}" for n in plan.notes]
            warning = coverage.format() if coverage.is_warning else ""
            return plan, "\n\n".join(texts), units_label, warning

        def done(result: tuple[Plan, str, str, str]) -> None:
            plan, text, units_label, warning = result
            self.set_plan(plan, None, dirty=True)
            self.canvas.zoom_to_extent()
            ReportDialog(text, self).exec()
            if guide and plan.n_units and self.plan is plan:
                self.show_first_plan_guide(plan, units_label, warning, request)

        return self.run_task(
            work,
            translate("MainWindow", "Importing {name}").format(name=request.accounts.name),
            done,
        )

    def show_first_plan_guide(
        self,
        plan: Plan,
        units_label: str,
        coverage_warning: str = "",
        request: ImportRequest | None = None,
    ) -> FirstPlanGuide:
        """Lead on from an import: geography, how many territories, create."""
        guide = FirstPlanGuide(self.context, plan, units_label, coverage_warning)
        if request is not None:
            guide.reimport_requested.connect(lambda: self.new_from_import(request))
        guide.created.connect(lambda: self.canvas.zoom_to_extent())
        guide.setModal(False)
        guide.show()
        return guide

    def save(self) -> bool:
        if self.plan is None:
            return False
        if self.path is None or self.read_only:
            # The bundled demo (or a new plan) is saved to a place the user chooses.
            return self.save_as()
        return self.save_to(self.path)

    @property
    def read_only(self) -> bool:
        """True for the bundled demo, and for a damaged file opened read-only."""
        return is_bundled(self.path) or self._read_only_reason is not None

    def save_as(self) -> bool:
        if self.plan is None:
            return False
        stem = self.path.stem if self.path else self.plan.name
        folder = start_folder(self.settings, "dirs/plans", None if self.read_only else self.path)
        start = str(folder / f"{stem}.gpkg")
        name, _ = QFileDialog.getSaveFileName(
            self,
            translate("MainWindow", "Save plan as"),
            start,
            translate("MainWindow", PLAN_FILTER),
        )
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != ".gpkg":
            path = path.with_suffix(".gpkg")
        if is_bundled(path):
            QMessageBox.warning(
                self,
                translate("MainWindow", "Save plan as"),
                translate(
                    "MainWindow",
                    "{parent} is the application's own folder, which holds the demo plan. Choose another folder (e.g. your documents).",
                ).format(parent=path.parent),
            )
            return False
        self.settings.setValue("dirs/plans", str(path.parent))
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Save synchronously (the plan must not change mid-save); atomic on disk."""
        assert self.plan is not None
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            save_plan(self.plan, path)
        except OSError as exc:
            QMessageBox.critical(
                self,
                translate("MainWindow", "Save plan"),
                translate(
                    "MainWindow",
                    "Could not save {path}: {value}\nThe last saved file is unchanged.",
                ).format(path=path, value=exc.strerror or exc),
            )
            return False
        except PlanFileError as exc:
            QMessageBox.critical(
                self,
                translate("MainWindow", "Save plan"),
                translate("MainWindow", "{exc}\nThe last saved file is unchanged.").format(exc=exc),
            )
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.path = path
        self._read_only_reason = None
        self.dirty = False
        self.undo_stack.setClean()
        self._add_recent(path)
        self._update_title()
        self.statusBar().showMessage(
            translate("MainWindow", "Saved {path}").format(path=path), 5000
        )
        return True

    def _confirm_discard(self) -> bool:
        """Ask about unsaved changes; True when it is fine to go on."""
        if self.refresh.pending:
            self.refresh.flush()  # an edit of this very turn marks the plan unsaved
        if not self.dirty or self.plan is None:
            return True
        answer = QMessageBox.question(
            self,
            translate("MainWindow", "Unsaved changes"),
            translate("MainWindow", "Save changes to {value}?").format(
                value=self.path.name if self.path else self.plan.name
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        for task in list(self.tasks):
            task.cancel()
            task.wait()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        event.accept()

    # -- recent files -----------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        files = [f for f in self.recent_files() if f != text]
        self.settings.setValue("recentFiles", [text, *files][:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            self.recent_menu.addAction(translate("MainWindow", "(none)")).setEnabled(False)
        for i, name in enumerate(files):
            action = self.recent_menu.addAction(f"&{i + 1} {action_text(name)}")
            action.triggered.connect(lambda _=False, n=name: self._open_recent(n))

    def _open_recent(self, name: str) -> None:
        if not Path(name).exists():
            QMessageBox.warning(
                self,
                translate("MainWindow", "Open recent"),
                translate("MainWindow", "{name} no longer exists.").format(name=name),
            )
            self.settings.setValue("recentFiles", [f for f in self.recent_files() if f != name])
            return
        if self._confirm_discard():
            self.open_path(Path(name))

    # -- selection and cursor ---------------------------------------------------------

    def _on_balance_double_clicked(self, proxy_index: QModelIndex) -> None:
        from planner.ui.territory_dialog import edit_territory

        if self.balance.members is not None:  # rows are districts/regions, not territories
            self.statusBar().showMessage(
                translate(
                    "TerritoryDialog",
                    "Show territories in the Balance panel to edit one's properties.",
                ),
                5000,
            )
            return
        edit_territory(self.context, self.balance.proxy.mapToSource(proxy_index).row())

    def _on_selection_changed(self, indices: list[int]) -> None:
        if self.balance.selected_territories() != indices:
            self.balance.select_territories(indices)
        self.canvas.set_highlight(set(indices))
        # The territory picked becomes the one tools assign to.
        if len(indices) == 1:
            self.editing.set_target(indices[0])

    def _on_map_clicked(
        self, lon: float, lat: float, modifiers: Qt.KeyboardModifier | None
    ) -> None:
        from planner.ui.tools import clicked_selection

        shift = (
            bool(modifiers & Qt.KeyboardModifier.ShiftModifier) if modifiers is not None else False
        )
        t = self.presenter.territory_at(lon, lat)
        self.selection.set(clicked_selection(self.selection.indices, t, shift))

    def select_territories(self, indices: list[int]) -> None:
        """Select territories in the table and highlight them on the map."""
        self.selection.set(indices)

    def zoom_to_selection(self) -> None:
        if self.plan is None:
            return
        geoms = [self.plan.territory_geometry(i) for i in self.selection.indices]
        geoms = [g for g in geoms if g is not None]
        if not geoms:
            return
        import shapely

        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        self.canvas.zoom_to_bounds(x0, y0, x1, y1)

    def _on_cursor_moved(self, lon: float, lat: float) -> None:
        self.coords.setText(
            f"{abs(lat):.5f}°{'N' if lat >= 0 else 'S'}  {abs(lon):.5f}°{'E' if lon >= 0 else 'W'}"
        )

    def _about(self) -> None:
        from planner import __version__

        QMessageBox.about(
            self,
            translate("MainWindow", "About Territory Planner"),
            translate(
                "MainWindow",
                "<b>Territory Planner</b> {version}<br>Sales territory design on the desktop.<br>Map data: US Census ZCTA centroids and county outlines (public domain).",
            ).format(version=__version__),
        )
