"""Map tools: one active at a time, each with an id, a shortcut and a status-bar tip.

A tool turns mouse and key events on the canvas into requests: it previews the
result in the balance panel while the gesture goes on, and on release pushes ONE
undoable command. Esc or a right-click cancels a gesture and restores the view.
The geometry behind each tool lives in :mod:`planner.models.editing`, free of Qt.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from planner.models.assignment import UNASSIGNED, Change
from planner.models.editing import (
    GestureError,
    LassoTracker,
    boundary_change,
    delete_vertex,
    insert_vertex,
    lasso_polygon,
    move_vertex,
    ring_vertices,
    split_units,
    units_in_circle,
    units_inside,
)
from planner.models.plan import LockedError, Plan
from planner.ui.canvas import MapCanvas, MapEvent
from planner.ui.commands import (
    ApplyChangeCommand,
    DrawTerritoryCommand,
    EditShapeCommand,
    SplitTerritoryCommand,
)
from planner.ui.i18n import QT_TRANSLATE_NOOP, num, translate

if TYPE_CHECKING:
    from planner.ui.context import AppContext
    from planner.ui.map_presenter import PlanMapPresenter

DRAG_PX = 4.0


def clicked_selection(selected: list[int], territory: int | None, shift: bool) -> list[int]:
    """The selection after a click on ``territory`` (None: empty ground); Shift toggles."""
    chosen = set(selected)
    if territory is None:
        chosen = chosen if shift else set()
    elif shift:
        chosen ^= {territory}
    else:
        chosen = {territory}
    return sorted(chosen)


class MapTool:
    """Base tool: takes no events, so the canvas pans."""

    tool_id = "pan"
    label = QT_TRANSLATE_NOOP("Tools", "Pan")
    shortcut = "H"
    tip = QT_TRANSLATE_NOOP("Tools", "Pan: drag to move the map, wheel to zoom towards the cursor.")

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        self.ctx = ctx
        self.presenter = presenter
        self.canvas: MapCanvas = presenter.canvas

    def activate(self) -> None:
        self.ctx.show_status(translate("Tools", self.tip))

    def deactivate(self) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Abort the gesture in progress, if any, leaving the plan untouched."""

    def press(self, e: MapEvent) -> bool:
        return False

    def move(self, e: MapEvent) -> bool:
        return False

    def release(self, e: MapEvent) -> bool:
        return False

    def key(self, e: MapEvent) -> bool:
        if e.key == int(Qt.Key.Key_Escape):
            self.cancel()
            return True
        return False

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        """Draw the gesture in progress (screen pixels)."""


class PanTool(MapTool):
    pass


class SelectTool(MapTool):
    """Click selects the territory under the cursor (Shift adds); drag a box to select several."""

    tool_id = "select"
    label = QT_TRANSLATE_NOOP("Tools", "Select")
    shortcut = "S"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Select: click a territory (Shift adds), or drag a box to select every territory it touches.",
    )

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.start: MapEvent | None = None
        self.current: MapEvent | None = None

    def cancel(self) -> None:
        self.start = self.current = None
        self.canvas.update()

    def press(self, e: MapEvent) -> bool:
        if e.button != Qt.MouseButton.LeftButton:
            return False
        self.start = self.current = e
        return True

    def move(self, e: MapEvent) -> bool:
        if self.start is None:
            return False
        self.current = e
        self.canvas.update()
        return True

    def release(self, e: MapEvent) -> bool:
        if self.start is None:
            return False
        start, self.start, self.current = self.start, None, None
        if abs(e.x - start.x) < DRAG_PX and abs(e.y - start.y) < DRAG_PX:
            shift = bool(e.modifiers & Qt.KeyboardModifier.ShiftModifier)
            t = self.presenter.territory_at(e.lon, e.lat)
            self.ctx.selection.set(clicked_selection(self.ctx.selection.indices, t, shift))
            return True
        plan = self.ctx.plan
        if plan is not None:
            import shapely

            box = shapely.box(
                min(start.lon, e.lon),
                min(start.lat, e.lat),
                max(start.lon, e.lon),
                max(start.lat, e.lat),
            )
            units = units_inside(plan, box)
            found = {int(t) for t in plan.unit_territory[units] if t >= 0}
            if e.modifiers & Qt.KeyboardModifier.ShiftModifier:
                found |= set(self.ctx.selection.indices)
            self.ctx.selection.set(sorted(found))
        self.canvas.update()
        return True

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.start is None or self.current is None:
            return
        painter.setPen(QPen(QColor(20, 20, 20), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QBrush(QColor(255, 255, 255, 60)))
        painter.drawRect(
            QRectF(QPointF(self.start.x, self.start.y), QPointF(self.current.x, self.current.y))
        )


class _GestureTool(MapTool):
    """Shared by the lasso, brush and draw tools: a path in progress with a live preview."""

    preview_interval_s = 0.0

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.lon: list[float] = []
        self.lat: list[float] = []
        self.xy: list[tuple[float, float]] = []
        self.active = False
        self._last_preview = 0.0
        #: Widget area the path covered at its last repaint.
        self._painted: QRectF | None = None

    def begin(self, e: MapEvent) -> None:
        self.active = True
        self.lon, self.lat, self.xy = [e.lon], [e.lat], [(e.x, e.y)]
        self._painted = None

    def extend(self, e: MapEvent) -> bool:
        last = self.xy[-1]
        if abs(e.x - last[0]) < 2 and abs(e.y - last[1]) < 2:
            return False
        self.lon.append(e.lon)
        self.lat.append(e.lat)
        self.xy.append((e.x, e.y))
        return True

    def cancel(self) -> None:
        was_active = self.active
        self.active = False
        self.lon, self.lat, self.xy = [], [], []
        if was_active:
            self.ctx.refresh.clear_preview()
            self.ctx.show_status(
                translate("_GestureTool", "{label} cancelled; nothing changed").format(
                    label=translate("Tools", self.label)
                ),
                4000,
            )
        self.canvas.update()

    def press(self, e: MapEvent) -> bool:
        if e.button == Qt.MouseButton.RightButton:
            self.cancel()
            return True
        if e.button != Qt.MouseButton.LeftButton or self.ctx.plan is None:
            return False
        self.begin(e)
        return True

    def show_preview(self, change: Change) -> None:
        """Show the balance as it would be after ``change`` (nothing is applied)."""
        self.ctx.refresh.set_preview(change)

    def end_path(self, e: MapEvent) -> tuple[np.ndarray, np.ndarray]:
        """Finish the gesture at ``e``: the path's lon/lat, with the tool reset."""
        self.extend(e)
        lon, lat = np.array(self.lon), np.array(self.lat)
        self.active = False
        self.lon, self.lat, self.xy = [], [], []
        self.canvas.update()
        return lon, lat

    def end_lasso(self, e: MapEvent) -> object | None:
        """Finish a lasso gesture: its valid polygon, or None with the reason in the status bar."""
        lon, lat = self.end_path(e)
        try:
            return lasso_polygon(lon, lat).polygon
        except GestureError as exc:
            self.ctx.show_status(
                translate("_GestureTool", "Lasso ignored: {exc}").format(exc=exc), 6000
            )
            return None

    def update_path_area(self) -> None:
        """Repaint the area the path covers (and covered at the last move), not the map.

        A lasso grows by a few pixels a move; repainting the whole canvas for it (base
        image, every label) was most of the map's part of a move.
        """
        if not self.xy:
            self.canvas.update()
            return
        xy = np.asarray(self.xy, dtype=float)
        box = QRectF(
            QPointF(float(xy[:, 0].min()), float(xy[:, 1].min())),
            QPointF(float(xy[:, 0].max()), float(xy[:, 1].max())),
        ).adjusted(-4, -4, 4, 4)
        area = box.united(self._painted) if self._painted is not None else box
        self._painted = box
        self.canvas.update(area.toAlignedRect())

    def paint_path(self, painter: QPainter, closed: bool) -> None:
        if len(self.xy) < 2:
            return
        poly = QPolygonF([QPointF(x, y) for x, y in self.xy])
        if closed:
            # The fill without antialiasing (its edge lies under the outline): a third of
            # the lasso's paint at every move otherwise.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(255, 215, 0, 70)))
            painter.drawPolygon(poly)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(20, 20, 20), 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if closed:
            painter.drawPolygon(poly)
        else:
            painter.drawPolyline(poly)


class LassoAssignTool(_GestureTool):
    """Draw freehand; enclosed units (centroid inside) and/or accounts go to the active territory."""

    tool_id = "lasso"
    label = QT_TRANSLATE_NOOP("Tools", "Lasso assign")
    shortcut = "L"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Lasso assign: drag around units/accounts to move them to the active territory "
        "(toolbar). The balance previews while you draw; release applies, Esc or right-click cancels.",
    )

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.change: Change | None = None
        #: The change and held count of the path as it is, from the last move (None: stale).
        self._proposal: tuple[Change, int] | None = None
        #: How many times a change was computed from the path (a release reuses the last).
        self.proposals = 0
        #: The lasso's enclosed items, kept between the moves of one gesture.
        self._tracker: LassoTracker | None = None

    def begin(self, e: MapEvent) -> None:
        super().begin(e)
        self.change, self._proposal, self._tracker = None, None, None

    def cancel(self) -> None:
        self.change, self._proposal, self._tracker = None, None, None
        super().cancel()

    def proposed(self) -> tuple[Change, int] | None:
        plan = self.ctx.plan
        if plan is None:
            return None
        target, scope = self.ctx.editing.target, self.ctx.editing.scope
        tracker = self._tracker
        if (
            tracker is None
            or tracker.plan is not plan
            or tracker.territory != target
            or tracker.scope != scope
        ):
            # The tracker carries the lasso from move to move (by difference where sure).
            tracker = self._tracker = LassoTracker(plan, target, scope)
        self.proposals += 1
        return tracker.update(np.array(self.lon), np.array(self.lat))

    def move(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        if self.extend(e):
            self._proposal = None
            if len(self.lon) >= 3:
                now = time.perf_counter()
                if now - self._last_preview >= self.preview_interval_s:
                    self._last_preview = now
                    try:
                        self._proposal = self.proposed()
                    except (GestureError, LockedError):
                        self._proposal = None
                    if self._proposal is not None:
                        self.change = self._proposal[0]
                        self.show_preview(self.change)
        self.update_path_area()
        return True

    def release(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        if self.extend(e):
            self._proposal = None
        try:
            # The change previewed on the last move is the one applied when the path has
            # not grown since: the release computes nothing again.
            result = self._proposal if self._proposal is not None else self.proposed()
        except GestureError as exc:
            self.cancel()
            self.ctx.show_status(
                translate("LassoAssignTool", "Lasso ignored: {exc}").format(exc=exc), 6000
            )
            return True
        except LockedError as exc:
            self.cancel()
            self.ctx.show_status(
                translate("LassoAssignTool", "Refused: {exc}").format(exc=exc), 6000
            )
            return True
        self.active = False
        self.lon, self.lat, self.xy = [], [], []
        self.change, self._proposal, self._tracker = None, None, None
        self.ctx.refresh.clear_preview()
        self.canvas.update()
        assert result is not None
        change, held = result
        plan = self.ctx.plan
        assert plan is not None
        target = plan.territory_label(self.ctx.editing.target)
        note = (
            translate("LassoAssignTool", "; {held} locked or pinned items kept").format(held=held)
            if held
            else ""
        )
        if change.is_empty:
            self.ctx.refresh.clear_preview()
            self.ctx.show_status(
                translate("LassoAssignTool", "Nothing to move to {target}{note}").format(
                    target=target, note=note
                ),
                6000,
            )
            return True
        text = translate(
            "LassoAssignTool", "Lasso {units} units, {accounts} accounts to {target}"
        ).format(
            units=num(len(change.unit_indices)),
            accounts=num(len(change.account_indices)),
            target=target,
        )
        self.ctx.push(ApplyChangeCommand(plan, change, text))
        self.ctx.show_status(text + note, 6000)
        return True

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.active:
            self.paint_path(painter, closed=True)


class BrushTool(_GestureTool):
    """Paint units into the active territory with a round brush ([ and ] change its size)."""

    tool_id = "brush"
    label = QT_TRANSLATE_NOOP("Tools", "Brush")
    shortcut = "B"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Brush: drag over units to move them to the active territory; [ and ] change the brush size; Esc cancels.",
    )

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.radius_km = 10.0
        self.units: set[int] = set()
        self.cursor: MapEvent | None = None

    def begin(self, e: MapEvent) -> None:
        super().begin(e)
        self.units = set()
        self._paint_at(e)

    def cancel(self) -> None:
        self.units = set()
        super().cancel()

    def _paint_at(self, e: MapEvent) -> None:
        plan = self.ctx.plan
        assert plan is not None
        found = units_in_circle(plan, e.lon, e.lat, self.radius_km)
        if len(found):
            self.units.update(found.tolist())
            try:
                change = plan.propose_unit_move(
                    np.array(sorted(self.units)), self.ctx.editing.target
                )
            except LockedError:
                return
            self.show_preview(change)

    def move(self, e: MapEvent) -> bool:
        self.cursor = e
        if self.active and self.extend(e):
            self._paint_at(e)
        self.canvas.update()
        return self.active

    def release(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        plan = self.ctx.plan
        assert plan is not None
        units = np.array(sorted(self.units), dtype=np.int64)
        self.active = False
        self.units = set()
        try:
            change = plan.propose_unit_move(units, self.ctx.editing.target)
        except LockedError as exc:
            self.ctx.refresh.clear_preview()
            self.ctx.show_status(translate("BrushTool", "Refused: {exc}").format(exc=exc), 6000)
            return True
        if change.is_empty:
            self.ctx.refresh.clear_preview()
            return True
        text = translate("BrushTool", "Brush {units} units to {target}").format(
            units=num(len(change.unit_indices)),
            target=plan.territory_label(self.ctx.editing.target),
        )
        self.ctx.push(ApplyChangeCommand(plan, change, text))
        self.canvas.update()
        return True

    def key(self, e: MapEvent) -> bool:
        if e.key == int(Qt.Key.Key_BracketRight):
            self.radius_km = min(self.radius_km * 1.25, 500.0)
        elif e.key == int(Qt.Key.Key_BracketLeft):
            self.radius_km = max(self.radius_km / 1.25, 0.5)
        else:
            return super().key(e)
        self.ctx.show_status(
            translate("BrushTool", "Brush size {radius_km} km").format(
                radius_km=num(self.radius_km, 1)
            ),
            3000,
        )
        self.canvas.update()
        return True

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.cursor is None:
            return
        # Radius in pixels: the distance on screen of a point radius_km to the east.
        dlon = self.radius_km / (111.32 * max(np.cos(np.radians(self.cursor.lat)), 0.01))
        x1, _ = canvas.lonlat_to_screen(self.cursor.lon + dlon, self.cursor.lat)
        r = abs(float(x1) - self.cursor.x)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(20, 20, 20), 1.5))
        painter.setBrush(QBrush(QColor(255, 215, 0, 50 if self.active else 20)))
        painter.drawEllipse(QPointF(self.cursor.x, self.cursor.y), r, r)


class DrawTerritoryTool(_GestureTool):
    """Draw a new territory: drag freehand, or click corner by corner and press Enter."""

    tool_id = "draw"
    label = QT_TRANSLATE_NOOP("Tools", "Draw territory")
    shortcut = "D"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Draw territory: drag a freehand shape, or click corners and press Enter. "
        "The new shape cuts overlapping drawn territories; the accounts inside move to it. Esc cancels.",
    )

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.clicking = False
        self.press_at: MapEvent | None = None
        #: The pointer left the press spot during this press (a closed freehand loop ends
        #: where it began, so the release position alone cannot tell a drag from a click).
        self.dragged = False

    def cancel(self) -> None:
        self.clicking = False
        super().cancel()

    def press(self, e: MapEvent) -> bool:
        if e.button == Qt.MouseButton.RightButton:
            self.cancel()
            return True
        if e.button != Qt.MouseButton.LeftButton or self.ctx.plan is None:
            return False
        self.press_at = e
        self.dragged = False
        if self.clicking:
            return True
        self.begin(e)
        return True

    def move(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        if self.press_at is not None and (
            abs(e.x - self.press_at.x) >= DRAG_PX or abs(e.y - self.press_at.y) >= DRAG_PX
        ):
            self.dragged = True
        if not self.clicking and self.press_at is not None:
            self.extend(e)
        self.canvas.update()
        return True

    def release(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        dragged = self.press_at is not None and (
            self.dragged
            or abs(e.x - self.press_at.x) >= DRAG_PX
            or abs(e.y - self.press_at.y) >= DRAG_PX
        )
        self.press_at = None
        if self.clicking:
            self.lon.append(e.lon)
            self.lat.append(e.lat)
            self.xy.append((e.x, e.y))
            self.canvas.update()
            return True
        if not dragged:
            self.clicking = True  # a click starts a corner-by-corner polygon
            self.ctx.show_status(
                translate(
                    "DrawTerritoryTool", "Click the next corners; Enter finishes, Esc cancels."
                )
            )
            return True
        self.finish()
        return True

    def key(self, e: MapEvent) -> bool:
        if e.key in (int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter)) and self.active:
            self.finish()
            return True
        return super().key(e)

    def finish(self) -> None:
        plan = self.ctx.plan
        assert plan is not None
        lon, lat = np.array(self.lon), np.array(self.lat)
        self.active = self.clicking = False
        self.lon, self.lat, self.xy = [], [], []
        self.canvas.update()
        try:
            lasso = lasso_polygon(lon, lat)
        except GestureError as exc:
            self.ctx.show_status(
                translate("DrawTerritoryTool", "Territory not drawn: {exc}").format(exc=exc), 6000
            )
            return
        import shapely

        from planner.models.schema import palette_color

        tid = plan.new_territory_id()
        row = {
            "territory_id": tid,
            "name": translate("DrawTerritoryTool", "New territory {tid}").format(tid=tid),
            "color": palette_color(plan.n_territories),
            "geometry_source": "drawn",
            "locked": False,
        }
        geom = (
            lasso.polygon
            if lasso.polygon.geom_type == "MultiPolygon"
            else shapely.MultiPolygon([lasso.polygon])
        )
        command = DrawTerritoryCommand(
            plan, row, geom, translate("DrawTerritoryTool", "Draw territory {tid}").format(tid=tid)
        )
        self.ctx.push(command)
        cut = len(command.cut)
        note = (
            translate("DrawTerritoryTool", "; it cut {n} overlapping drawn territories").format(
                n=cut
            )
            if cut
            else ""
        )
        repaired = (
            translate("DrawTerritoryTool", " (self-crossing outline repaired)")
            if lasso.repaired
            else ""
        )
        moved = len(command.change.account_indices) if command.change is not None else 0
        self.ctx.show_status(
            translate(
                "DrawTerritoryTool", "Drew {value}{repaired}: {moved} accounts moved to it{note}"
            ).format(value=row["name"], repaired=repaired, moved=moved, note=note),
            8000,
        )
        self.ctx.selection.set([plan.territory_index[tid]])

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.active:
            self.paint_path(painter, closed=not self.clicking or len(self.xy) >= 3)


class VertexEditTool(MapTool):
    """Drag a corner of a drawn territory; Ctrl+click an edge inserts one, Shift+click deletes."""

    tool_id = "vertex"
    label = QT_TRANSLATE_NOOP("Tools", "Edit vertices")
    shortcut = "V"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Edit vertices of drawn territories: drag a corner; Ctrl+click on an edge inserts a corner; "
        "Shift+click a corner deletes it. Accounts follow the new boundary; Esc cancels a drag.",
    )
    pick_px = 8.0

    def __init__(self, ctx: AppContext, presenter: PlanMapPresenter) -> None:
        super().__init__(ctx, presenter)
        self.drag: tuple[int, int, int] | None = None
        self.original: object = None
        self.geometry: object = None
        self.change: Change | None = None

    def _drawn(self) -> list[int]:
        plan = self.ctx.plan
        if plan is None:
            return []
        t = plan.territories
        return [
            i
            for i in range(plan.n_territories)
            if t.at[i, "geometry_source"] == "drawn" and t.geometry.iloc[i] is not None
        ]

    def _nearest_vertex(self, e: MapEvent) -> tuple[int, int, int] | None:
        plan = self.ctx.plan
        assert plan is not None
        best: tuple[float, int, int, int] | None = None
        for i in self._drawn():
            xy, parts, verts = ring_vertices(plan.territories.geometry.iloc[i])
            sx, sy = self.canvas.lonlat_to_screen(xy[:, 0], xy[:, 1])
            d = np.hypot(np.asarray(sx) - e.x, np.asarray(sy) - e.y)
            j = int(np.argmin(d))
            if d[j] <= self.pick_px and (best is None or d[j] < best[0]):
                best = (float(d[j]), i, int(parts[j]), int(verts[j]))
        return None if best is None else best[1:]

    def _nearest_edge(self, e: MapEvent) -> tuple[int, int, int] | None:
        import shapely

        plan = self.ctx.plan
        assert plan is not None
        point = shapely.Point(e.lon, e.lat)
        edge_lon, _ = self.canvas.screen_to_lonlat(QPointF(e.x + self.pick_px, e.y))
        tolerance = abs(edge_lon - e.lon)
        for i in self._drawn():
            xy, parts, verts = ring_vertices(plan.territories.geometry.iloc[i])
            for p in np.unique(parts):
                ring = xy[parts == p]
                for k in range(len(ring)):
                    seg = shapely.LineString([ring[k], ring[(k + 1) % len(ring)]])
                    if seg.distance(point) <= tolerance:
                        return i, int(p), int(verts[parts == p][k])
        return None

    def _refuse_locked(self, index: int) -> bool:
        plan = self.ctx.plan
        assert plan is not None
        if plan.territory_locked[index]:
            self.ctx.show_status(
                translate("VertexEditTool", "Refused: {value} is locked").format(
                    value=plan.territory_label(index)
                ),
                6000,
            )
            return True
        return False

    def _push_shape(self, index: int, new: object, text: str) -> None:
        plan = self.ctx.plan
        assert plan is not None
        old = plan.territories.geometry.iloc[index]
        change = boundary_change(plan, index, old, new)
        self.ctx.push(EditShapeCommand(plan, index, new, change, text))

    def press(self, e: MapEvent) -> bool:
        plan = self.ctx.plan
        if plan is None or e.button != Qt.MouseButton.LeftButton:
            return False
        if e.modifiers & Qt.KeyboardModifier.ControlModifier:
            hit = self._nearest_edge(e)
            if hit is not None and not self._refuse_locked(hit[0]):
                i, part, after = hit
                new = insert_vertex(plan.territories.geometry.iloc[i], part, after, e.lon, e.lat)
                self._push_shape(
                    i,
                    new,
                    translate("VertexEditTool", "Insert corner in {territory}").format(
                        territory=plan.territory_label(i)
                    ),
                )
            return True
        hit = self._nearest_vertex(e)
        if hit is None:
            return False  # not on a corner: pan as usual
        i, part, vertex = hit
        if self._refuse_locked(i):
            return True
        if e.modifiers & Qt.KeyboardModifier.ShiftModifier:
            try:
                new = delete_vertex(plan.territories.geometry.iloc[i], part, vertex)
            except GestureError as exc:
                self.ctx.show_status(
                    translate("VertexEditTool", "Corner kept: {exc}").format(exc=exc), 6000
                )
                return True
            self._push_shape(
                i,
                new,
                translate("VertexEditTool", "Delete corner of {territory}").format(
                    territory=plan.territory_label(i)
                ),
            )
            return True
        self.drag = (i, part, vertex)
        self.original = self.geometry = plan.territories.geometry.iloc[i]
        return True

    def move(self, e: MapEvent) -> bool:
        if self.drag is None:
            return False
        plan = self.ctx.plan
        assert plan is not None
        i, part, vertex = self.drag
        self.geometry = move_vertex(self.original, part, vertex, e.lon, e.lat)
        change = boundary_change(plan, i, self.original, self.geometry)
        self.change = change
        self.ctx.refresh.set_preview(change)
        self.canvas.update()
        return True

    def release(self, e: MapEvent) -> bool:
        if self.drag is None:
            return False
        plan = self.ctx.plan
        assert plan is not None
        i = self.drag[0]
        geometry, change = self.geometry, self.change
        self.drag, self.change = None, None
        self.canvas.update()
        if change is not None and geometry is not None:
            self.ctx.push(
                EditShapeCommand(
                    plan,
                    i,
                    geometry,
                    change,
                    translate("VertexEditTool", "Move corner of {territory}").format(
                        territory=plan.territory_label(i)
                    ),
                )
            )
        return True

    def cancel(self) -> None:
        if self.drag is not None:
            self.drag, self.change = None, None
            self.ctx.refresh.clear_preview()
            self.canvas.update()

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        plan = self.ctx.plan
        if plan is None:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for i in self._drawn():
            dragging = self.drag is not None and self.drag[0] == i
            geom = self.geometry if dragging else plan.territories.geometry.iloc[i]
            xy, parts, _ = ring_vertices(geom)
            for p in np.unique(parts):
                ring = xy[parts == p]
                sx, sy = canvas.lonlat_to_screen(ring[:, 0], ring[:, 1])
                points = [
                    QPointF(float(a), float(b))
                    for a, b in zip(np.asarray(sx), np.asarray(sy), strict=True)
                ]
                if dragging:
                    painter.setPen(QPen(QColor(20, 20, 20), 2, Qt.PenStyle.DashLine))
                    painter.setBrush(QBrush(QColor(255, 215, 0, 60)))
                    painter.drawPolygon(QPolygonF(points))
                painter.setPen(QPen(QColor(20, 20, 20), 1))
                painter.setBrush(QBrush(QColor(255, 255, 255)))
                for pt in points:
                    painter.drawRect(QRectF(pt.x() - 3, pt.y() - 3, 6, 6))


class SplitTool(_GestureTool):
    """Draw a line across a territory: the units on its left go to a new territory."""

    tool_id = "split"
    label = QT_TRANSLATE_NOOP("Tools", "Split")
    shortcut = "X"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Split: drag a line across the selected (or the touched) territory; the units left of the line form a new territory.",
    )

    def move(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        self.extend(e)
        self.canvas.update()
        return True

    def release(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        from planner.models.schema import palette_color

        plan = self.ctx.plan
        assert plan is not None
        lon, lat = self.end_path(e)
        selected = self.ctx.selection.indices
        mid = len(lon) // 2
        territory = (
            selected[0]
            if len(selected) == 1
            else self.presenter.territory_at(float(lon[mid]), float(lat[mid]))
        )
        if territory is None or territory < 0:
            self.ctx.show_status(
                translate("SplitTool", "Split: select a territory or draw the line across one."),
                6000,
            )
            return True
        if plan.territory_locked[territory]:
            self.ctx.show_status(
                translate("SplitTool", "Refused: {value} is locked").format(
                    value=plan.territory_label(territory)
                ),
                6000,
            )
            return True
        try:
            left = split_units(plan, territory, lon, lat)
        except GestureError as exc:
            self.ctx.show_status(translate("SplitTool", "Not split: {exc}").format(exc=exc), 6000)
            return True
        tid = plan.new_territory_id()
        row = {
            "territory_id": tid,
            "name": translate("SplitTool", "{territory} (split)").format(
                territory=plan.territory_label(territory)
            ),
            "color": palette_color(plan.n_territories),
            "geometry_source": "units",
            "locked": False,
        }
        self.ctx.push(SplitTerritoryCommand(plan, territory, left, row))
        self.ctx.show_status(
            translate("SplitTool", "Split {n_left} units into {value}").format(
                n_left=len(left), value=row["name"]
            ),
            6000,
        )
        return True

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.active:
            self.paint_path(painter, closed=False)


class _LassoActionTool(_GestureTool):
    """A lasso whose enclosed items get an action on release (no balance preview)."""

    def move(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        self.extend(e)
        self.canvas.update()
        return True

    def release(self, e: MapEvent) -> bool:
        if not self.active:
            return False
        plan = self.ctx.plan
        assert plan is not None
        polygon = self.end_lasso(e)
        if polygon is not None:
            self.act(plan, polygon, e)
        return True

    def act(self, plan: Plan, polygon: object, e: MapEvent) -> None:
        raise NotImplementedError

    def paint(self, painter: QPainter, canvas: MapCanvas) -> None:
        if self.active:
            self.paint_path(painter, closed=True)


class LockTool(_LassoActionTool):
    """Lasso units and accounts to lock them (Shift+lasso unlocks)."""

    tool_id = "lock"
    label = QT_TRANSLATE_NOOP("Tools", "Lock items")
    shortcut = "K"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Lock: drag around units and/or accounts (Scope) to lock them; hold Shift to unlock. Locked items never change by any tool or the optimiser.",
    )

    def act(self, plan: Plan, polygon: object, e: MapEvent) -> None:
        from planner.models.editing import accounts_inside
        from planner.ui.commands import SetLocksCommand

        value = not bool(e.modifiers & Qt.KeyboardModifier.ShiftModifier)
        scope = self.ctx.editing.scope
        none = np.empty(0, np.int64)
        units = units_inside(plan, polygon) if scope in ("units", "both") else none
        accounts = accounts_inside(plan, polygon) if scope in ("accounts", "both") else none
        # Only the items whose flag changes: a gesture that changes nothing is no undo step.
        units = units[plan.unit_locked[units] != value]
        accounts = accounts[plan.account_locked[accounts] != value]
        if len(units) == 0 and len(accounts) == 0:
            self.ctx.show_status(
                translate("LockTool", "Nothing to lock: no unlocked items in the lasso")
                if value
                else translate("LockTool", "Nothing to unlock: no locked items in the lasso"),
                6000,
            )
            return
        stack = self.ctx.undo_stack
        stack.beginMacro(
            (
                translate("LockTool", "Lock {n_units} units, {n_accounts} accounts")
                if value
                else translate("LockTool", "Unlock {n_units} units, {n_accounts} accounts")
            ).format(n_units=len(units), n_accounts=len(accounts))
        )
        if len(units):
            self.ctx.push(
                SetLocksCommand(
                    plan,
                    "units",
                    units,
                    value,
                    translate("LockTool", "Lock units")
                    if value
                    else translate("LockTool", "Unlock units"),
                )
            )
        if len(accounts):
            self.ctx.push(
                SetLocksCommand(
                    plan,
                    "accounts",
                    accounts,
                    value,
                    translate("LockTool", "Lock accounts")
                    if value
                    else translate("LockTool", "Unlock accounts"),
                )
            )
        stack.endMacro()
        self.ctx.show_status(
            (
                translate("LockTool", "Locked {n_units} units and {n_accounts} accounts")
                if value
                else translate("LockTool", "Unlocked {n_units} units and {n_accounts} accounts")
            ).format(n_units=len(units), n_accounts=len(accounts)),
            6000,
        )


class PinTool(_LassoActionTool):
    """Lasso accounts to pin them to the active territory regardless of boundaries."""

    tool_id = "pin"
    label = QT_TRANSLATE_NOOP("Tools", "Pin accounts")
    shortcut = "P"
    tip = QT_TRANSLATE_NOOP(
        "Tools",
        "Pin: drag around accounts to move them to the active territory and pin them there (key-account override); boundaries no longer move them.",
    )

    def act(self, plan: Plan, polygon: object, e: MapEvent) -> None:
        from planner.models.editing import accounts_inside
        from planner.ui.commands import PinAccountsCommand

        target = self.ctx.editing.target
        accounts = accounts_inside(plan, polygon)
        if len(accounts) == 0:
            self.ctx.show_status(translate("PinTool", "No accounts inside the lasso"), 5000)
            return
        try:
            change, pins = plan.propose_pin(accounts, target)
        except LockedError as exc:
            self.ctx.show_status(translate("PinTool", "Refused: {exc}").format(exc=exc), 6000)
            return
        held = len(accounts) - len(pins)
        note = (
            translate("PinTool", "; {held} locked accounts kept").format(held=held) if held else ""
        )
        name = plan.territory_label(target)
        if change.is_empty and plan.account_pinned[pins].all():
            self.ctx.show_status(
                translate("PinTool", "Nothing to pin to {name}{note}").format(name=name, note=note),
                6000,
            )
            return
        text = translate("PinTool", "Pin {n} accounts to {name}").format(
            n=num(len(pins)), name=name
        )
        self.ctx.push(PinAccountsCommand(plan, change, pins, text))
        self.ctx.show_status(text + note, 6000)


ALL_TOOLS: tuple[type[MapTool], ...] = (
    PanTool,
    SelectTool,
    LassoAssignTool,
    BrushTool,
    DrawTerritoryTool,
    VertexEditTool,
    SplitTool,
    LockTool,
    PinTool,
)

__all__ = [
    "ALL_TOOLS",
    "UNASSIGNED",
    "BrushTool",
    "DrawTerritoryTool",
    "LassoAssignTool",
    "MapTool",
    "PanTool",
    "SelectTool",
]
