"""The "Visit routes" panel: plan reps' call cycles in the background, show and draw the routes.

The panel only requests: planning runs as a pure function
(:func:`planner.optimise.visit_planning.plan_routes`) on a snapshot taken on the GUI thread, in
the window's background task with progress and Cancel, and the result is applied as one
:class:`ApplyRoutesCommand` on the undo stack. What it shows (totals per rep, each day's
itinerary, the visits not planned, the routes on the map) is read from the plan's ``routes`` and
``route_stops`` layers and route tables, so undo, redo and opening a saved plan show the same.

The map drawing is a :class:`RouteOverlay` with ``paint(painter, canvas)``. When the canvas
offers ``add_overlay(overlay)`` it is registered there; otherwise it is painted by a transparent
child widget laid over the canvas that ignores the mouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QUndoCommand,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.models.events import (
    RoutedTravelChanged,
    SettingsChanged,
    TablesChanged,
    TerritoriesChanged,
)
from planner.models.i18n import format_weekday_date
from planner.models.plan import Plan
from planner.models.progress import Cancelled, TaskState
from planner.optimise.visit_planning import (
    ROUTE_STOPS_LAYER,
    ROUTE_TOTALS_TABLE,
    ROUTE_UNPLACED_TABLE,
    ROUTES_LAYER,
    RoutesOptions,
    RoutesOptionsError,
    RoutesResult,
    SavedRoutes,
    apply_routes,
    calendar_label,
    clear_routes,
    next_monday,
    parse_holiday_calendar,
    plan_routes,
    public_holidays,
    restore_routes,
    save_routes_state,
    snapshot_for_routes,
)
from planner.ui.canvas import MapCanvas
from planner.ui.context import AppContext
from planner.ui.i18n import QT_TRANSLATE_NOOP, money, num, percent, translate
from planner.ui.refresh import Refresh

ALL = ""  # rep and day selectors: everything
#: Day colours when one rep is shown (colour-blind friendly, distinct on the pale map).
DAY_COLORS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)
#: Above this many visible stops only the selected day's stops are numbered.
MAX_NUMBERED_STOPS = 400


class ApplyRoutesCommand(QUndoCommand):
    """Store a visit-planning result in the plan (or clear the routes); undo restores.

    Redo stores the ``routes`` and ``route_stops`` layers and route tables and sets routed
    travel per territory (:func:`~planner.optimise.visit_planning.apply_routes`); with
    ``result=None`` it removes them, so workload goes back to the estimate. Undo puts back
    exactly what was there before, routed travel hours included.
    """

    def __init__(self, plan: Plan, result: RoutesResult | None, text: str) -> None:
        super().__init__(text)
        self.plan = plan
        self.result = result
        self.before: SavedRoutes | None = None

    def redo(self) -> None:
        if self.before is None:
            self.before = save_routes_state(self.plan)
        if self.result is None:
            clear_routes(self.plan)
        else:
            apply_routes(self.plan, self.result)

    def undo(self) -> None:
        assert self.before is not None
        restore_routes(self.plan, self.before)


class SetRoutesCalendarCommand(QUndoCommand):
    """Change the plan's visit-planning calendar settings (start date, holiday calendar).

    ``changes`` maps :class:`~planner.models.settings.Settings` fields (``routes_start_date``,
    ``holiday_country``, ``holiday_subdivision``) to their new values; undo puts the old ones
    back. Both announce :class:`~planner.models.events.SettingsChanged`.
    """

    def __init__(self, plan: Plan, changes: dict[str, str], text: str) -> None:
        super().__init__(text)
        self.plan = plan
        self.changes = dict(changes)
        self.before = {key: getattr(plan.settings, key) for key in changes}

    def _set(self, values: dict[str, str]) -> None:
        self.plan.update_settings(**values)

    def redo(self) -> None:
        self._set(self.changes)

    def undo(self) -> None:
        self._set(self.before)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


# -- drawing ------------------------------------------------------------------------------------


@dataclass
class _Route:
    rep_id: str
    day: str
    lon: np.ndarray
    lat: np.ndarray
    color: QColor


class RouteOverlay:
    """Routes and numbered stops drawn over the map (a canvas overlay).

    ``paint(painter, canvas)`` draws in widget pixels with ``canvas.lonlat_to_screen``. The
    selected day's route is drawn wider, with its stops numbered in visiting order.
    """

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.stops: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self.selected: tuple[str, str] | None = None
        self.visible = True

    def set_routes(
        self,
        routes: list[_Route],
        stops: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]],
        selected: tuple[str, str] | None,
    ) -> None:
        """Routes to draw, stop positions per (rep, day) in order, and the highlighted day."""
        self.routes = routes
        self.stops = stops
        self.selected = selected

    def paint(self, painter: QPainter, canvas: Any) -> None:
        if not self.visible or not self.routes:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        numbered_all = sum(len(self.stops.get((r.rep_id, r.day), ((),))[0]) for r in self.routes)
        number_everything = numbered_all <= MAX_NUMBERED_STOPS
        chosen = [r for r in self.routes if (r.rep_id, r.day) == self.selected]
        others = [r for r in self.routes if (r.rep_id, r.day) != self.selected]
        for route in others:
            self._paint_route(painter, canvas, route, 2.0, number_everything)
        for route in chosen:
            self._paint_route(painter, canvas, route, 4.0, True)

    def _paint_route(
        self, painter: QPainter, canvas: Any, route: _Route, width: float, numbered: bool
    ) -> None:
        sx, sy = canvas.lonlat_to_screen(route.lon, route.lat)
        polygon = QPolygonF([QPointF(float(x), float(y)) for x, y in zip(sx, sy, strict=True)])
        halo = QPen(QColor(255, 255, 255, 200), width + 2.5)
        halo.setCapStyle(Qt.PenCapStyle.RoundCap)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(halo)
        painter.drawPolyline(polygon)
        pen = QPen(route.color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline(polygon)
        lon, lat = self.stops.get((route.rep_id, route.day), (np.empty(0), np.empty(0)))
        if not len(lon):
            return
        px, py = canvas.lonlat_to_screen(lon, lat)
        if not numbered:
            painter.setPen(QPen(QColor(255, 255, 255), 1.0))
            painter.setBrush(route.color)
            for x, y in zip(px, py, strict=True):
                painter.drawEllipse(QPointF(float(x), float(y)), 3.0, 3.0)
            return
        font = QFont()
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        for seq, (x, y) in enumerate(zip(px, py, strict=True), start=1):
            text = str(seq)
            radius = max(7.0, metrics.horizontalAdvance(text) / 2 + 3.0)
            painter.setPen(QPen(QColor(255, 255, 255), 1.5))
            painter.setBrush(route.color)
            painter.drawEllipse(QPointF(float(x), float(y)), radius, radius)
            painter.setPen(QColor(255, 255, 255))
            box = QRectF(float(x) - radius, float(y) - radius, 2 * radius, 2 * radius)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)


class _OverlayHost(QWidget):
    """A transparent widget over the canvas that paints an overlay and lets the mouse through."""

    def __init__(self, canvas: QWidget, overlay: RouteOverlay) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.overlay = overlay
        self.setObjectName("routeOverlayHost")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        view_changed = getattr(canvas, "view_changed", None)
        if view_changed is not None:
            view_changed.connect(self.update)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.canvas.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.overlay.paint(painter, self.canvas)
        painter.end()


def attach_overlay(canvas: QWidget, overlay: RouteOverlay) -> QWidget | None:
    """Draw ``overlay`` over ``canvas``: through its overlay hook if it has one, else a host."""
    add_overlay = getattr(canvas, "add_overlay", None)
    if callable(add_overlay):
        add_overlay(overlay)
        return None
    return _OverlayHost(canvas, overlay)


# -- the panel ----------------------------------------------------------------------------------


def _item(value: object, align_right: bool = False, sort_key: float | None = None) -> Any:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if sort_key is not None:
        item.setData(Qt.ItemDataRole.UserRole, sort_key)
    return item


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([translate("RoutesPanel", h) for h in headers])
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # As wide as header and cells, the last one too: a narrow dock scrolls rather than cut
    # a header (translations run longer than English).
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _address(stop: dict[str, Any]) -> str:
    """``"12 Main St, Columbus OH 43004"`` from a stop's address fields (blank ones left out)."""

    def text(key: str) -> str:
        value = stop.get(key)
        return value.strip() if isinstance(value, str) else ""

    place = " ".join(p for p in (text("city"), text("state"), text("zip")) if p)
    return ", ".join(p for p in (text("address"), place) if p)


class RoutesPanel(QWidget):
    """Plan visit routes for one rep or all, and show totals, itineraries and the routes.

    Signals
    -------
    run_finished(object)
        A planning run ended: the applied and shown :class:`RoutesResult`, or ``None`` when it
        failed, was cancelled or the plan changed meanwhile.
    itineraries_written(object)
        The list of itinerary files written by :meth:`write_itineraries`.
    """

    run_finished = Signal(object)
    #: The itinerary files written (a list of paths).
    itineraries_written = Signal(object)

    TOTALS_HEADERS = (
        QT_TRANSLATE_NOOP("RoutesPanel", "Rep"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Visits"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Not planned"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Distance (km)"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Drive (h)"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Utilisation"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Mileage"),
    )
    ITINERARY_HEADERS = (
        QT_TRANSLATE_NOOP("RoutesPanel", "Day"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Order"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Account"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Arrival"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Departure"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Drive (min)"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Distance (km)"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Address"),
    )
    UNPLACED_HEADERS = (
        QT_TRANSLATE_NOOP("RoutesPanel", "Account"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Rep"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Visits"),
        QT_TRANSLATE_NOOP("RoutesPanel", "Reason"),
    )

    def __init__(self, ctx: AppContext, canvas: MapCanvas) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.canvas = canvas
        #: The dock and the Plan menu action (set by :func:`install`).
        self.dock: QDockWidget | None = None
        self.action: QAction | None = None
        self.plan: Plan | None = None
        self.task: Any = None
        #: Options for runs beyond the panel's own (e.g. a shorter search in tests).
        self.extra_options: dict[str, Any] = {}
        #: What the last run planned (shown above the travel note until another plan opens).
        self.run_note = ""
        self.overlay = RouteOverlay()
        self.overlay_host = attach_overlay(canvas, self.overlay)
        self._names: dict[str, str] = {}

        self.rep_combo = QComboBox()
        self.rep_combo.setObjectName("routesRep")
        self.rep_combo.setToolTip(translate("RoutesPanel", "Plan and show one rep, or every rep"))
        self.weeks_spin = QSpinBox()
        self.weeks_spin.setObjectName("routesWeeks")
        self.weeks_spin.setRange(1, 13)
        self.weeks_spin.setValue(4)
        self.weeks_spin.setSuffix(translate("RoutesPanel", " weeks"))
        self.weeks_spin.setToolTip(
            translate("RoutesPanel", "Planning horizon: the call cycle repeats after it")
        )
        self.start_edit = QDateEdit()
        self.start_edit.setObjectName("routesStart")
        self.start_edit.setCalendarPopup(True)
        # One undo step per date chosen, not one per digit typed.
        self.start_edit.setKeyboardTracking(False)
        self.start_edit.setDisplayFormat("ddd d MMM yyyy")
        self.start_edit.setToolTip(
            translate(
                "RoutesPanel",
                "Monday the horizon starts (saved with the plan); another day picks its week's Monday",
            )
        )
        self.holidays_edit = QLineEdit()
        self.holidays_edit.setObjectName("routesHolidays")
        self.holidays_edit.setPlaceholderText(
            translate("RoutesPanel", "US, US:CA, CA:ON, GB, none")
        )
        self.holidays_edit.setToolTip(
            translate(
                "RoutesPanel",
                "Public holidays with no visits: a country code, optionally :state or :province, or none (saved with the plan). Reps' own days off: the reps column days_off, e.g. 2026-12-28..2026-12-31; 2027-01-08",
            )
        )
        self.horizon_label = QLabel("")
        self.horizon_label.setObjectName("routesHorizon")
        self.horizon_label.setWordWrap(True)
        self.itineraries_button = QPushButton(translate("RoutesPanel", "Write itineraries…"))
        self.itineraries_button.setObjectName("routesItineraries")
        self.itineraries_button.setToolTip(
            translate(
                "RoutesPanel",
                "Write one Excel itinerary per rep with routes (a page per day) into a folder",
            )
        )
        self.run_button = QPushButton(translate("RoutesPanel", "Plan routes"))
        self.run_button.setObjectName("routesRun")
        self.run_button.setToolTip(
            translate(
                "RoutesPanel",
                "Choose visit days and plan each day's route for the selected rep(s), in the background",
            )
        )
        self.cancel_button = QPushButton(translate("RoutesPanel", "Cancel"))
        self.cancel_button.setObjectName("routesCancel")
        self.cancel_button.setEnabled(False)
        self.clear_button = QPushButton(translate("RoutesPanel", "Clear routes"))
        self.clear_button.setObjectName("routesClear")
        self.clear_button.setToolTip(
            translate("RoutesPanel", "Remove the routes: workload goes back to estimated travel")
        )
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("routesStatus")
        self.status.setWordWrap(True)

        self.totals_table = _table(self.TOTALS_HEADERS, "routesTotals")
        self.day_combo = QComboBox()
        self.day_combo.setObjectName("routesDay")
        self.day_label = QLabel("")
        self.day_label.setObjectName("routesDaySummary")
        self.itinerary_table = _table(self.ITINERARY_HEADERS, "routesItinerary")
        self.unplaced_table = _table(self.UNPLACED_HEADERS, "routesUnplaced")

        form = QFormLayout()
        form.addRow(translate("RoutesPanel", "Rep"), self.rep_combo)
        form.addRow(translate("RoutesPanel", "Horizon"), self.weeks_spin)
        form.addRow(translate("RoutesPanel", "Starts"), self.start_edit)
        form.addRow(translate("RoutesPanel", "Holidays"), self.holidays_edit)
        form.addRow("", self.horizon_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.itineraries_button)
        buttons.addWidget(self.clear_button)
        itinerary = QWidget()
        itinerary_layout = QVBoxLayout(itinerary)
        itinerary_layout.setContentsMargins(0, 0, 0, 0)
        day_row = QHBoxLayout()
        day_row.addWidget(QLabel(translate("RoutesPanel", "Day")))
        day_row.addWidget(self.day_combo, 1)
        itinerary_layout.addLayout(day_row)
        itinerary_layout.addWidget(self.day_label)
        itinerary_layout.addWidget(self.itinerary_table)
        self.tabs = QTabWidget()
        self.tabs.addTab(itinerary, translate("RoutesPanel", "Itinerary"))
        self.tabs.addTab(self.unplaced_table, translate("RoutesPanel", "Not planned"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.totals_table, 2)
        layout.addWidget(self.tabs, 3)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.clear_button.clicked.connect(self.clear)
        self.itineraries_button.clicked.connect(lambda _checked=False: self.write_itineraries())
        self.start_edit.dateChanged.connect(self._on_start_changed)
        self.holidays_edit.editingFinished.connect(self._on_holidays_changed)
        self.weeks_spin.valueChanged.connect(lambda _value: self._show_horizon())
        self.rep_combo.currentIndexChanged.connect(self._on_rep_changed)
        self.day_combo.currentIndexChanged.connect(self._on_day_changed)
        self.totals_table.itemSelectionChanged.connect(self._on_totals_selection_changed)
        ctx.plans.plan_loaded.connect(self._on_plan_loaded)
        ctx.refresh.add_view(self._on_refresh, previews=False, widget=self)
        if ctx.plan is not None:
            self._on_plan_loaded()

    # -- plan binding --------------------------------------------------------------------

    def _on_plan_loaded(self) -> None:
        self.plan = self.ctx.plan
        self.run_note = ""
        self._fill_reps()
        self.refresh()

    def _on_refresh(self, refresh: Refresh) -> None:
        """Routes, their settings and the reps of territories: nothing else shows here."""
        routes_kinds = (TablesChanged, RoutedTravelChanged, SettingsChanged, TerritoriesChanged)
        if refresh.full or any(isinstance(e, routes_kinds) for e in refresh.events):
            self.refresh()

    # -- calendar ------------------------------------------------------------------------

    def start_date(self) -> date:
        """The horizon's first Monday: the plan's setting, else the next Monday."""
        if self.plan is not None:
            start = RoutesOptions.from_settings(self.plan.settings).start_date
            if start is not None:
                return start - timedelta(days=start.weekday())
        return next_monday()

    def _show_calendar(self) -> None:
        """Model to widgets: the start date and holiday calendar of the plan's settings."""
        self.start_edit.blockSignals(True)
        self.start_edit.setDate(_qdate(self.start_date()))
        self.start_edit.blockSignals(False)
        if self.plan is not None:
            s = self.plan.settings
            text = calendar_label(s.holiday_country, s.holiday_subdivision).replace("-", ":", 1)
            if not self.holidays_edit.hasFocus():
                self.holidays_edit.setText(text)
        self._show_horizon()

    def _show_horizon(self) -> None:
        """The horizon's dates and the public holidays in it (no visits on them)."""
        if self.plan is None:
            self.horizon_label.setText("")
            return
        options = RoutesOptions.from_settings(
            self.plan.settings, weeks=self.weeks_spin.value(), start_date=self.start_date()
        )
        first, last = options.horizon()
        try:
            holidays = options.holidays_in_horizon()
        except RoutesOptionsError as exc:
            self.horizon_label.setText(str(exc))
            return
        weekdays = set(options.working_weekdays)
        skipped = [
            f"{name} ({format_weekday_date(day, year=False)})"
            for day, name in holidays.items()
            if day.weekday() in weekdays
        ]
        text = f"{format_weekday_date(first)} – {format_weekday_date(last)}."
        if skipped:
            text += translate("RoutesPanel", " No visits on {days}.").format(
                days=", ".join(skipped)
            )
        elif options.holiday_country:
            text += translate("RoutesPanel", " No public holidays on working days.")
        self.horizon_label.setText(text)

    def _on_start_changed(self, value: QDate) -> None:
        """Widget to model: a new start date (its week's Monday) as one undo step."""
        if self.plan is None:
            return
        chosen = _pydate(value)
        monday = chosen - timedelta(days=chosen.weekday())
        if monday != chosen:
            self.start_edit.blockSignals(True)
            self.start_edit.setDate(_qdate(monday))
            self.start_edit.blockSignals(False)
        if monday.isoformat() == self.plan.settings.routes_start_date:
            return
        self._push(
            SetRoutesCalendarCommand(
                self.plan,
                {"routes_start_date": monday.isoformat()},
                translate("RoutesPanel", "Routes start {day}").format(
                    day=format_weekday_date(monday)
                ),
            )
        )
        self._show_horizon()

    def _on_holidays_changed(self) -> None:
        """Widget to model: a holiday calendar the library knows, as one undo step."""
        if self.plan is None:
            return
        country, subdivision = parse_holiday_calendar(self.holidays_edit.text())
        s = self.plan.settings
        if (country, subdivision) == (s.holiday_country, s.holiday_subdivision):
            self._show_calendar()
            return
        try:
            first = self.start_date()
            public_holidays(country, subdivision, first, first)
        except RoutesOptionsError as exc:
            self.status.setText(str(exc))
            self._show_calendar()
            return
        self._push(
            SetRoutesCalendarCommand(
                self.plan,
                {"holiday_country": country, "holiday_subdivision": subdivision},
                translate("RoutesPanel", "Public holidays: {calendar}").format(
                    calendar=calendar_label(country, subdivision)
                ),
            )
        )
        self._show_calendar()

    def _fill_reps(self) -> None:
        current = self.selected_rep()
        self.rep_combo.blockSignals(True)
        self.rep_combo.clear()
        self.rep_combo.addItem(translate("RoutesPanel", "All reps"), ALL)
        self._names = {}
        if self.plan is not None:
            with_territory = {r for r in self.plan.territories["rep_id"] if isinstance(r, str)}
            for rep_id, name in zip(self.plan.reps["rep_id"], self.plan.reps["name"], strict=True):
                self._names[str(rep_id)] = str(name)
                if rep_id in with_territory:
                    self.rep_combo.addItem(f"{name} ({rep_id})", str(rep_id))
        index = self.rep_combo.findData(current)
        self.rep_combo.setCurrentIndex(max(index, 0))
        self.rep_combo.blockSignals(False)

    def selected_rep(self) -> str:
        """Rep id chosen in the selector, or ``""`` for all reps."""
        data = self.rep_combo.currentData()
        return str(data) if data else ALL

    def selected_day(self) -> str:
        """ISO date chosen in the day selector, or ``""`` for every day."""
        data = self.day_combo.currentData()
        return str(data) if data else ALL

    # -- running -------------------------------------------------------------------------

    def options(self) -> RoutesOptions:
        """The options of the next run: the plan's travel settings and the panel's horizon."""
        assert self.plan is not None
        changes: dict[str, Any] = {"start_date": self.start_date()}
        changes.update(self.extra_options)
        return RoutesOptions.from_settings(
            self.plan.settings, weeks=self.weeks_spin.value(), **changes
        )

    def run(self) -> None:
        """Snapshot the plan and plan routes in the background; the result is one undo step."""
        if self.plan is None or self.task is not None:
            return
        plan = self.plan
        rep = self.selected_rep()
        try:
            snapshot = snapshot_for_routes(plan, None if rep == ALL else [rep])
            options = self.options()
            options.validate()
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        if not snapshot.reps:
            self.status.setText(
                translate("RoutesPanel", "No rep has a territory: nothing to plan.")
            )
            return

        def work(state: TaskState) -> RoutesResult:
            result = plan_routes(snapshot, options, state)
            if result.cancelled:
                raise Cancelled()
            return result

        who = translate("RoutesPanel", "all reps") if rep == ALL else self._names.get(rep, rep)
        self.run_button.setEnabled(False)
        self.clear_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(
            translate("RoutesPanel", "Planning {weeks} weeks of visits for {who}…").format(
                weeks=options.weeks, who=who
            )
        )
        self.task = self.ctx.run_task(
            work,
            translate("RoutesPanel", "Planning visit routes for {who}").format(who=who),
            lambda result: self._on_done(plan, result),
        )
        self.task.progress.connect(self._on_progress)
        self.task.failed.connect(lambda _exc: self._finish(None))
        self.task.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        """Stop the run in progress; nothing changes in the plan."""
        if self.task is not None:
            self.task.cancel()

    def clear(self) -> None:
        """Remove the routes (one undoable step)."""
        if self.plan is None or ROUTES_LAYER not in self.plan.layers:
            return
        self._push(
            ApplyRoutesCommand(self.plan, None, translate("RoutesPanel", "Clear visit routes"))
        )

    def _push(self, command: QUndoCommand) -> None:
        self.ctx.push(command)

    def _on_progress(self, fraction: float | None, message: str) -> None:
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        if message:
            self.status.setText(message)

    def _on_done(self, plan: Plan, result: RoutesResult) -> None:
        if plan is not self.ctx.plan:
            self.status.setText(
                translate(
                    "RoutesPanel", "Another plan was opened meanwhile: the routes were not applied."
                )
            )
            self._finish(None)
            return
        who = translate("RoutesPanel", "all reps") if result.all_reps else ", ".join(result.rep_ids)
        self._push(
            ApplyRoutesCommand(
                plan, result, translate("RoutesPanel", "Plan visit routes ({who})").format(who=who)
            )
        )
        note = translate("RoutesPanel", "{planned} visits planned, {unplaced} not planned.").format(
            planned=num(result.visits_planned), unplaced=num(result.visits_unplaced)
        )
        if result.warnings:
            note += " " + "; ".join(result.warnings) + "."
        self.run_note = note
        self.task = None
        self.refresh()
        self._finish(result)

    def _on_cancelled(self) -> None:
        self.status.setText(translate("RoutesPanel", "Cancelled: the plan is unchanged."))
        self._finish(None)

    def _finish(self, result: RoutesResult | None) -> None:
        self.task = None
        self.progress.setVisible(False)
        self.run_button.setEnabled(True)
        self.clear_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.run_finished.emit(result)

    # -- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the plan's routes: totals, days of the selected rep, itinerary, map."""
        plan = self.plan
        totals = plan.tables.get(ROUTE_TOTALS_TABLE) if plan is not None else None
        self._fill_totals(totals)
        self._fill_unplaced(plan.tables.get(ROUTE_UNPLACED_TABLE) if plan is not None else None)
        self._fill_days()
        self._fill_itinerary()
        self._update_overlay()
        self._show_calendar()
        self.itineraries_button.setEnabled(
            plan is not None
            and ROUTE_STOPS_LAYER in plan.layers
            and len(plan.layers[ROUTE_STOPS_LAYER]) > 0
        )
        if plan is not None and self.task is None:
            routed = int(np.isfinite(plan.engine.routed_travel_hours).sum())
            if not routed:
                travel = translate(
                    "RoutesPanel", "No routes planned: workload uses estimated travel."
                )
            elif routed < plan.n_territories:
                travel = translate(
                    "RoutesPanel",
                    "Workload uses routed travel for {routed} of {total} territories "
                    "(estimated travel for the rest).",
                ).format(routed=routed, total=plan.n_territories)
            else:
                travel = translate(
                    "RoutesPanel", "Workload uses routed travel for every territory."
                )
            self.status.setText(f"{self.run_note} {travel}".strip())

    def _fill_totals(self, totals: pd.DataFrame | None) -> None:
        table = self.totals_table
        table.blockSignals(True)
        table.setSortingEnabled(False)
        table.setRowCount(0)
        currency = self.plan.settings.currency if self.plan is not None else "$"
        if totals is not None and len(totals):
            table.setRowCount(len(totals))
            rows: list[Any] = list(totals.itertuples(index=False))
            for r, row in enumerate(rows):
                rep_item = _item(f"{row.name} ({row.rep_id})")
                rep_item.setData(Qt.ItemDataRole.UserRole, str(row.rep_id))
                cells = [
                    rep_item,
                    _item(num(int(row.visits)), True),
                    _item(num(int(row.unplaced_visits)), True),
                    _item(num(float(row.distance_km)), True),
                    _item(num(float(row.drive_hours), 1), True),
                    _item(percent(float(row.utilisation), 0), True),
                    _item(money(float(row.mileage_reimbursement), currency), True),
                ]
                for c, cell in enumerate(cells):
                    table.setItem(r, c, cell)
        table.blockSignals(False)
        self._select_totals_row(self.selected_rep())

    def _select_totals_row(self, rep: str) -> None:
        table = self.totals_table
        table.blockSignals(True)
        table.clearSelection()
        for r in range(table.rowCount()):
            item = table.item(r, 0)
            if rep and item is not None and item.data(Qt.ItemDataRole.UserRole) == rep:
                table.selectRow(r)
                break
        table.blockSignals(False)

    def _fill_unplaced(self, unplaced: pd.DataFrame | None) -> None:
        table = self.unplaced_table
        table.setRowCount(0)
        if unplaced is None or not len(unplaced):
            self.tabs.setTabText(1, translate("RoutesPanel", "Not planned"))
            return
        rep = self.selected_rep()
        rows = unplaced if rep == ALL else unplaced[unplaced["rep_id"] == rep]
        table.setRowCount(len(rows))
        listed: list[Any] = list(rows.itertuples(index=False))
        for r, row in enumerate(listed):
            name = row.name if isinstance(row.name, str) else ""
            table.setItem(r, 0, _item(f"{name} ({row.account_id})" if name else row.account_id))
            rep_id = row.rep_id if isinstance(row.rep_id, str) else "—"
            table.setItem(r, 1, _item(self._names.get(rep_id, rep_id)))
            table.setItem(r, 2, _item(int(row.visits), True))
            table.setItem(r, 3, _item(row.reason))
        self.tabs.setTabText(
            1,
            translate("RoutesPanel", "Not planned ({value} visits)").format(
                value=num(int(rows["visits"].sum()), 0)
            ),
        )

    def _days(self) -> list[str]:
        routes = self.plan.layers.get(ROUTES_LAYER) if self.plan is not None else None
        rep = self.selected_rep()
        if routes is None or not len(routes) or rep == ALL:
            return []
        return sorted(set(routes.loc[routes["rep_id"] == rep, "day"].astype(str)))

    def _fill_days(self) -> None:
        current = self.selected_day()
        every_day_chosen = self.day_combo.isEnabled() and current == ALL
        days = self._days()
        self.day_combo.blockSignals(True)
        self.day_combo.clear()
        if not days:
            self.day_combo.addItem(
                translate("RoutesPanel", "Choose a rep to see their days")
                if self.selected_rep() == ALL
                else translate("RoutesPanel", "No routes"),
                ALL,
            )
        else:
            self.day_combo.addItem(translate("RoutesPanel", "Every day"), ALL)
            for day in days:
                label = pd.Timestamp(day).strftime("%a %d %b %Y")
                self.day_combo.addItem(label, day)
        # Keep the day (or "Every day") shown; else start at the first day.
        index = self.day_combo.findData(current) if current != ALL else -1
        if index < 0:
            index = 1 if days and not every_day_chosen else 0
        self.day_combo.setCurrentIndex(index)
        self.day_combo.setEnabled(bool(days))
        self.day_combo.blockSignals(False)

    def _fill_itinerary(self) -> None:
        table = self.itinerary_table
        table.setRowCount(0)
        plan = self.plan
        stops = plan.layers.get(ROUTE_STOPS_LAYER) if plan is not None else None
        rep, day = self.selected_rep(), self.selected_day()
        if plan is None or stops is None or not len(stops) or rep == ALL:
            return
        mine = stops[stops["rep_id"] == rep]
        if day != ALL:
            mine = mine[mine["day"] == day]
        mine = mine.sort_values(["day", "seq"])
        names = dict(
            zip(plan.accounts["account_id"].astype(str), plan.accounts["name"], strict=False)
        )
        self._show_day_summary(rep, day)
        table.setRowCount(len(mine))
        for r, row in enumerate(mine.itertuples(index=False)):
            name = names.get(str(row.account_id))
            account = f"{name} ({row.account_id})" if isinstance(name, str) else row.account_id
            cells = [
                _item(pd.Timestamp(row.day).strftime("%a %d %b")),
                _item(int(row.seq), True),
                _item(account),
                _item(row.arrival, True),
                _item(row.departure, True),
                _item(num(float(row.drive_minutes)), True),
                _item(num(float(row.distance_km), 1), True),
                _item(_address(row._asdict())),
            ]
            for c, cell in enumerate(cells):
                table.setItem(r, c, cell)

    def _show_day_summary(self, rep: str, day: str) -> None:
        """Leave and return home and the day's totals, from the ``routes`` layer."""
        self.day_label.setText("")
        routes = self.plan.layers.get(ROUTES_LAYER) if self.plan is not None else None
        if routes is None or day == ALL or "leave_home" not in routes:
            return
        rows = routes[(routes["rep_id"] == rep) & (routes["day"] == day)]
        if not len(rows):
            return
        r = rows.iloc[0]
        working = float(r["working_minutes"])
        self.day_label.setText(
            translate(
                "RoutesPanel",
                "Leave home {leave}, back {back}: {visits} visits, {km} km, {drive} min driving, working {hours} h {minutes:02d}",
            ).format(
                leave=r["leave_home"],
                back=r["return_home"],
                visits=int(r["visits"]),
                km=num(float(r["distance_km"]), 0),
                drive=num(float(r["drive_minutes"]), 0),
                hours=int(working // 60),
                minutes=round(working % 60),
            )
        )

    def write_itineraries(self, folder: str | None = None) -> Any:
        """Write each routed rep's itinerary workbook into a folder, in the background.

        Without ``folder`` the user picks one. Only the selected rep's is written when one
        rep is chosen. Returns the task (``None`` when nothing is to be written).
        """
        from pathlib import Path

        from planner.io.itinerary import itinerary_source, write_itineraries

        plan = self.plan
        if plan is None or self.task is not None:
            return None
        stops = plan.layers.get(ROUTE_STOPS_LAYER)
        if stops is None or not len(stops):
            self.status.setText(translate("RoutesPanel", "No routes planned: plan them first."))
            return None
        rep = self.selected_rep()
        reps = None if rep == ALL else [rep]
        if reps is not None and not (stops["rep_id"] == rep).any():
            self.status.setText(
                translate("RoutesPanel", "{value} has no routes planned.").format(
                    value=self._names.get(rep, rep)
                )
            )
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, translate("RoutesPanel", "Write itineraries into folder")
            )
            if not folder:
                return None
        source = itinerary_source(plan)  # a copy: the plan may change while files are written
        target = Path(folder)

        def work(state: TaskState) -> list[Path]:
            return write_itineraries(source, target, reps, state)

        def done(files: list[Path]) -> None:
            self.status.setText(
                translate("RoutesPanel", "Wrote {n_files} itineraries to {target}.").format(
                    n_files=len(files), target=target
                )
            )
            self.itineraries_written.emit(files)

        return self.ctx.run_task(
            work, translate("RoutesPanel", "Writing itineraries"), done, show_dialog=False
        )

    def _rep_colors(self) -> dict[str, QColor]:
        colors: dict[str, QColor] = {}
        if self.plan is None:
            return colors
        for rep, color in zip(
            self.plan.territories["rep_id"], self.plan.territories["color"], strict=True
        ):
            if isinstance(rep, str) and rep not in colors:
                colors[rep] = QColor(str(color)).darker(160)
        return colors

    def _update_overlay(self) -> None:
        plan = self.plan
        routes = plan.layers.get(ROUTES_LAYER) if plan is not None else None
        stops = plan.layers.get(ROUTE_STOPS_LAYER) if plan is not None else None
        drawn: list[_Route] = []
        positions: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        rep, day = self.selected_rep(), self.selected_day()
        selected = (rep, day) if rep != ALL and day != ALL else None
        if routes is not None and len(routes):
            shown = routes if rep == ALL else routes[routes["rep_id"] == rep]
            if rep != ALL and day != ALL:
                shown = shown[shown["day"] == day]
            colors = self._rep_colors()
            days = sorted(set(shown["day"].astype(str)))
            for row in shown.itertuples(index=False):
                geom = row.geometry
                if geom is None or geom.is_empty:
                    continue
                xy = np.asarray(geom.coords)
                if rep == ALL:
                    color = colors.get(str(row.rep_id), QColor("#333333"))
                else:
                    color = QColor(DAY_COLORS[days.index(str(row.day)) % len(DAY_COLORS)])
                drawn.append(_Route(str(row.rep_id), str(row.day), xy[:, 0], xy[:, 1], color))
            if stops is not None and len(stops):
                wanted = {(r.rep_id, r.day) for r in drawn}
                sub = stops[stops["rep_id"].isin({r for r, _ in wanted})]
                for (rep_id, d), group in sub.groupby(["rep_id", "day"]):
                    if (rep_id, d) in wanted:
                        group = group.sort_values("seq")
                        positions[(str(rep_id), str(d))] = (
                            group.geometry.x.to_numpy(),
                            group.geometry.y.to_numpy(),
                        )
        self.overlay.set_routes(drawn, positions, selected)
        self._repaint_map()

    def _repaint_map(self) -> None:
        if self.overlay_host is not None:
            self.overlay_host.update()
        self.canvas.update()

    def _on_rep_changed(self, _index: int) -> None:
        self._select_totals_row(self.selected_rep())
        self._fill_unplaced(
            self.plan.tables.get(ROUTE_UNPLACED_TABLE) if self.plan is not None else None
        )
        self._fill_days()
        self._fill_itinerary()
        self._update_overlay()

    def _on_day_changed(self, _index: int) -> None:
        self._fill_itinerary()
        self._update_overlay()

    def _on_totals_selection_changed(self) -> None:
        rows = self.totals_table.selectionModel().selectedRows()
        if not rows:
            return
        item = self.totals_table.item(rows[0].row(), 0)
        rep = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        index = self.rep_combo.findData(rep)
        if index >= 0:
            self.rep_combo.setCurrentIndex(index)


def install(ctx: AppContext, canvas: MapCanvas) -> RoutesPanel:
    """Add the "Visit routes" dock and "Plan visit routes…" (Ctrl+Shift+R) to the Plan menu.

    The action (``panel.action``) shows and raises the dock (``panel.dock``); planning
    starts from the panel's "Plan routes".
    """
    panel = RoutesPanel(ctx, canvas)
    panel.setObjectName("routesPanel")
    dock = QDockWidget(translate("RoutesPanel", "Visit routes"), ctx.parent)
    dock.setObjectName("routesDock")
    dock.setWidget(panel)
    ctx.add_dock(dock)
    panel.dock = dock
    action = QAction(translate("RoutesPanel", "Plan visit &routes…"), ctx.parent)
    action.setObjectName("planRoutesAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+R"))
    action.setStatusTip(
        translate(
            "RoutesPanel", "Plan each rep's visit days and day routes; workload then uses them"
        )
    )

    def show_panel() -> None:
        dock.show()
        dock.raise_()
        panel.run_button.setFocus()

    action.triggered.connect(lambda _checked=False: show_panel())
    ctx.menus["plan"].addAction(action)
    panel.action = action
    return panel


__all__ = [
    "ApplyRoutesCommand",
    "RouteOverlay",
    "RoutesPanel",
    "SetRoutesCalendarCommand",
    "attach_overlay",
    "install",
]
