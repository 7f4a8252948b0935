"""View ▸ Heat Layer: the density of an account measure over the map, for the view.

The layer is a canvas overlay (``canvas.add_overlay``). Its image covers the view and
half a view more on each side, in cells of :data:`CELL_PX` screen pixels aligned to the
world, and is kept per scale: a pan inside that margin redraws the same image shifted
(a few milliseconds); a zoom or new data renders it again (:mod:`planner.ui.heat_render`,
about 30 ms of CPU for a million accounts). While the view keeps moving (paints less than
:data:`SETTLE_S` apart) at the same scale, a view past the margin shows the image it has
and renders once the view rests, so a drag never waits for a density image. Points are
kept sorted by x, so a zoomed-in view bins only the points in its columns. The colour
scale is the rendered area's own: the layer shows where the measure concentrates in what
the planner looks at, at every zoom.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QRectF, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QLinearGradient,
    QPainter,
)

from planner.models.events import ActualsChanged
from planner.models.geo import web_mercator
from planner.models.plan import Plan
from planner.ui.commands import action_text
from planner.ui.heat_render import (
    LUT,
    colorize,
    density_grid,
    heat_measures,
    measure_weights,
    smooth,
)
from planner.ui.i18n import QT_TRANSLATE_NOOP, metric_label, translate
from planner.ui.refresh import Refresh
from planner.ui.review_context import as_widget

if TYPE_CHECKING:
    from planner.ui.review_context import ReviewWindow as MainWindow

#: Screen pixels per density cell, and the smoothing radius in cells.
CELL_PX = 4
RADIUS_CELLS = 3
#: Extra area rendered on each side, as a share of the view, so pans reuse the image.
MARGIN = 0.5
SETTINGS_KEY = "heat/measure"
#: Paints closer together than this are one movement (a drag, a key held down).
SETTLE_S = 0.15


@dataclass
class _Rendered:
    res: float
    left: float
    top: float
    cell: float
    nx: int
    ny: int
    image: QImage
    peak: float


class HeatLayer:
    """A density overlay of one weight per point, cached per view scale.

    Attributes
    ----------
    renders : int
        How many times the density image was computed (pans inside the margin reuse it).
    """

    def __init__(self) -> None:
        self.label = ""
        self._x = np.zeros(0, dtype=np.float32)
        self._y = np.zeros(0, dtype=np.float32)
        self._w = np.zeros(0)
        self._sorted_x = np.zeros(0)
        self._origin = (0.0, 0.0)
        self._rendered: _Rendered | None = None
        self.renders = 0
        #: Renders put off until the view rested (counted for the benchmark).
        self.deferred = 0
        self.visible = True
        self._last_paint = 0.0
        self._canvas: Any = None
        self._settle = QTimer()
        self._settle.setSingleShot(True)
        self._settle.setInterval(int(SETTLE_S * 1000))
        self._settle.timeout.connect(self._on_settled)

    def set_points(self, lon: np.ndarray, lat: np.ndarray, weights: np.ndarray, label: str) -> None:
        """The points (degrees) and their weights; points without weight or place are dropped."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        w = np.asarray(weights, dtype=float)
        keep = np.isfinite(lon) & np.isfinite(lat) & np.isfinite(w) & (w > 0)
        x, y = (np.asarray(v, dtype=float) for v in web_mercator(lon[keep], lat[keep]))
        order = np.argsort(x, kind="stable")
        self._origin = (float(x.mean()), float(y.mean())) if len(x) else (0.0, 0.0)
        self._sorted_x = x[order]
        self._x = (x[order] - self._origin[0]).astype(np.float32)
        self._y = (y[order] - self._origin[1]).astype(np.float32)
        self._w = w[keep][order]
        self.label = label
        self._rendered = None

    def clear(self) -> None:
        self.set_points(np.zeros(0), np.zeros(0), np.zeros(0), "")

    @property
    def empty(self) -> bool:
        return len(self._w) == 0

    def _render(self, x0: float, y0: float, x1: float, y1: float, res: float) -> _Rendered:
        cell = res * CELL_PX
        mx, my = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
        left = np.floor((x0 - mx) / cell) * cell
        top = np.ceil((y1 + my) / cell) * cell
        nx = int(np.ceil((x1 + mx - left) / cell)) + 1
        ny = int(np.ceil((top - (y0 - my)) / cell)) + 1
        # Only the points in the image's columns (sorted by x): a zoomed-in view bins few.
        a, b = np.searchsorted(self._sorted_x, [left, left + nx * cell])
        grid = density_grid(
            self._x[a:b], self._y[a:b], self._w[a:b], left, top, cell, nx, ny, self._origin
        )
        pixels, peak = colorize(smooth(grid, RADIUS_CELLS))
        pixels = np.ascontiguousarray(pixels)
        image = QImage(
            pixels.data, nx, ny, nx * 4, QImage.Format.Format_ARGB32_Premultiplied
        ).copy()  # the image owns its pixels; the array may go
        self.renders += 1
        return _Rendered(res, float(left), float(top), cell, nx, ny, image, peak)

    def image_for_view(self, canvas: Any) -> tuple[_Rendered, QRectF] | None:
        """The density image and where it goes in widget pixels (renders when needed)."""
        if self.empty:
            return None
        lon0, lat0, lon1, lat1 = canvas.view_bounds()
        # The canvas's own conversion gives the width it uses (640 before it is shown).
        w = canvas.lonlat_to_screen(lon1, lat1)[0] - canvas.lonlat_to_screen(lon0, lat0)[0]
        x0, y0 = (float(v) for v in web_mercator(np.array(lon0), np.array(lat0)))
        x1, y1 = (float(v) for v in web_mercator(np.array(lon1), np.array(lat1)))
        res = (x1 - x0) / max(w, 1.0)
        r = self._rendered
        fits = (
            r is not None
            and abs(r.res - res) <= 1e-9 * res
            and x0 >= r.left
            and x1 <= r.left + r.nx * r.cell
            and y1 <= r.top
            and y0 >= r.top - r.ny * r.cell
        )
        now = time.perf_counter()
        moving = now - self._last_paint < SETTLE_S
        self._last_paint = now
        if not fits:
            same_scale = r is not None and abs(r.res - res) <= 1e-9 * res
            if moving and same_scale:
                # Mid-drag: show what is rendered, render once the view rests.
                self.deferred += 1
                self._canvas = canvas
                self._settle.start()
            else:
                r = self._rendered = self._render(x0, y0, x1, y1, res)
        assert r is not None
        target = QRectF(
            (r.left - x0) / res, (y1 - r.top) / res, r.nx * r.cell / res, r.ny * r.cell / res
        )
        return r, target

    def _on_settled(self) -> None:
        if self._canvas is not None:
            self._last_paint = 0.0  # the next paint may render
            self._canvas.update()

    def paint(self, painter: QPainter, canvas: Any) -> None:
        if not self.visible:
            return
        found = self.image_for_view(canvas)
        if found is None:
            return
        rendered, target = found
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, rendered.image)
        self._paint_scale(painter, canvas.height())

    def _paint_scale(self, painter: QPainter, h: int) -> None:
        """A colour bar with the measure's name, bottom left above the scale bar."""
        font = QFont()
        font.setPixelSize(11)
        painter.setFont(font)
        title = translate("HeatLayer", "Heat: {measure} (low → high in this view)").format(
            measure=self.label
        )
        width = QFontMetricsF(font).horizontalAdvance(title) + 20
        box = QRectF(10, h - 78, max(200.0, width), 40)
        painter.setPen(QColor(120, 120, 120))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(box, 4, 4)
        gradient = QLinearGradient(box.left() + 8, 0, box.right() - 8, 0)
        for t in np.linspace(0, 1, 6):
            argb = int(LUT[int(t * 255)])
            a = (argb >> 24) & 255
            scale = 255 / a if a else 0
            gradient.setColorAt(
                float(t),
                QColor(
                    min(255, int(((argb >> 16) & 255) * scale)),
                    min(255, int(((argb >> 8) & 255) * scale)),
                    min(255, int((argb & 255) * scale)),
                    max(a, 40),
                ),
            )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawRect(QRectF(box.left() + 8, box.top() + 22, box.width() - 16, 10))
        painter.setPen(QColor(30, 30, 30))
        painter.drawText(
            QRectF(box.left() + 8, box.top() + 3, box.width() - 16, 18),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            title,
        )


#: The account measures' labels (heat_render.ACCOUNT_MEASURES), marked for lupdate.
MEASURE_LABELS = (
    QT_TRANSLATE_NOOP("HeatLayer", "Potential"),
    QT_TRANSLATE_NOOP("HeatLayer", "Revenue (L12M)"),
    QT_TRANSLATE_NOOP("HeatLayer", "White space (potential − revenue)"),
    QT_TRANSLATE_NOOP("HeatLayer", "Accounts"),
)


def shown_label(key: str, label: str) -> str:
    """A heat measure's label (``heat_measures``) in the window's language."""
    if key.startswith("actual:"):
        period = label.rpartition("(")[2].rstrip(")")
        return translate("HeatLayer", "Actual {metric} ({period})").format(
            metric=metric_label(key.removeprefix("actual:")).lower(), period=period
        )
    return translate("HeatLayer", label)


class HeatController:
    """Keeps the heat layer on the window's plan and the View ▸ Heat Layer menu."""

    def __init__(self, window: MainWindow) -> None:
        self.main = window
        self.settings: QSettings = getattr(window, "settings", None) or QSettings()
        self.layer = HeatLayer()
        self.measure: str | None = None
        self._plan: Plan | None = None
        window.canvas.add_overlay(self.layer)
        self.menu = window.menus["view"].addMenu(translate("HeatLayer", "&Heat Layer"))
        self.menu.setObjectName("heatMenu")
        self.group = QActionGroup(as_widget(window))
        self.actions: dict[str | None, QAction] = {}
        saved = self.settings.value(SETTINGS_KEY, "")
        self._wanted: str | None = str(saved) if saved else None
        self._fill_menu()
        window.plan_loaded.connect(self._on_plan_loaded)
        window.context.refresh.add_view(self._on_refresh, previews=False)

    def _fill_menu(self) -> None:
        for action in self.actions.values():
            self.group.removeAction(action)
            self.menu.removeAction(action)
            action.deleteLater()
        self.actions = {}
        plan = self.main.plan
        measures: dict[str | None, str] = {None: translate("HeatLayer", "Off")}
        if plan is not None:
            measures.update({k: shown_label(k, v) for k, v in heat_measures(plan).items()})
        for key, label in measures.items():
            action = QAction(action_text(label), as_widget(self.main))
            action.setCheckable(True)
            action.setObjectName(f"heat_{key or 'off'}")
            action.setChecked(key == self.measure)
            action.triggered.connect(lambda _=False, k=key: self.set_measure(k))
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action

    def set_measure(self, measure: str | None) -> None:
        """Show the density of ``measure`` (a key of :func:`heat_measures`), or hide it."""
        plan = self.main.plan
        self.measure = measure
        self.settings.setValue(SETTINGS_KEY, measure or "")
        if plan is None or measure is None:
            self.layer.clear()
        else:
            labels = heat_measures(plan)
            if measure not in labels:
                self.measure = None
                self.layer.clear()
            else:
                self.layer.set_points(
                    plan.accounts["lon"].to_numpy(dtype=float),
                    plan.accounts["lat"].to_numpy(dtype=float),
                    measure_weights(plan, measure),
                    shown_label(measure, labels[measure]),
                )
        action = self.actions.get(self.measure)
        if action is not None:
            action.setChecked(True)
        self.main.canvas.update()

    def _on_plan_loaded(self) -> None:
        self._plan = self.main.plan
        self._fill_menu()
        want = self.measure or self._wanted
        self.set_measure(
            want if self._plan is not None and want in heat_measures(self._plan) else None
        )

    def _on_refresh(self, refresh: Refresh) -> None:
        if refresh.plan is self._plan and any(
            isinstance(e, ActualsChanged) for e in refresh.events
        ):
            self._fill_menu()
            if self.measure is not None and self.measure.startswith("actual:"):
                self.set_measure(self.measure)


def install(window: MainWindow) -> HeatController:
    """Add View ▸ Heat Layer and its overlay to the window's canvas."""
    controller = HeatController(window)
    return controller


__all__ = ["CELL_PX", "HeatController", "HeatLayer", "install"]
