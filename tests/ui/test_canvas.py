"""The map canvas: what it draws, and how mouse, wheel, keys and tools move the view."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication

from planner.ui.canvas import MapCanvas, MapEvent

# Four 0.1° squares in a 2x2 grid near Wichita, one colour each.
SQUARES = np.array(
    [
        shapely.box(-97.4 + 0.1 * c, 37.6 + 0.1 * r, -97.3 + 0.1 * c, 37.7 + 0.1 * r)
        for r in range(2)
        for c in range(2)
    ],
    dtype=object,
)
COLOURS = np.array(
    [[200, 40, 40, 255], [40, 160, 60, 255], [40, 80, 200, 255], [230, 190, 30, 255]],
    dtype=np.uint8,
)


def _binding_drops_none_refs() -> bool:
    from PySide6.QtCore import QPointF as Point

    point = Point()
    before = sys.getrefcount(None)
    for _ in range(200):
        point.setX(1.0)
    return sys.getrefcount(None) < before - 100


@pytest.fixture
def canvas(qtbot):
    """A shown 400x300 canvas with the four squares, fitted to them."""
    if _binding_drops_none_refs():
        import PySide6

        pytest.fail(
            f"PySide6 {PySide6.__version__} on this Python loses a reference to None on every "
            "void call and aborts the process after a few thousand; install PySide6 < 6.12"
        )
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.set_units(SQUARES)
    widget.set_unit_colors(COLOURS)
    widget.zoom_to_extent()
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _pixel(image, x: float, y: float) -> tuple[int, int, int]:
    c = QColor(image.pixel(round(x), round(y)))
    return c.red(), c.green(), c.blue()


def _centres() -> list[tuple[float, float]]:
    centre = shapely.centroid(SQUARES)
    return list(zip(shapely.get_x(centre), shapely.get_y(centre), strict=True))


def test_each_unit_shows_its_colour_at_its_centre(canvas):
    image = canvas.render_image(400, 300)
    for (lon, lat), colour in zip(_centres(), COLOURS, strict=True):
        x, y = canvas.lonlat_to_screen(lon, lat)
        assert _pixel(image, x, y) == tuple(colour[:3])


def test_recolouring_a_unit_changes_only_that_unit(canvas):
    colours = COLOURS.copy()
    colours[2] = [10, 10, 10, 255]
    canvas.set_unit_colors(colours)
    image = canvas.render_image(400, 300)
    for (lon, lat), colour in zip(_centres(), colours, strict=True):
        assert _pixel(image, *canvas.lonlat_to_screen(lon, lat)) == tuple(colour[:3])


def test_accounts_are_drawn_in_their_colour_and_nan_coordinates_are_skipped(canvas):
    lon = np.array([-97.33, np.nan, -97.17, 5.0])
    lat = np.array([37.63, 37.65, np.nan, np.nan])
    rgba = np.array([[255, 0, 255, 255]] * 4, dtype=np.uint8)
    canvas.set_accounts(lon, lat, rgba)
    image = canvas.render_image(400, 300)
    assert _pixel(image, *canvas.lonlat_to_screen(-97.33, 37.63)) == (255, 0, 255)
    canvas.set_account_colors(np.array([[0, 255, 255, 255]] * 4, dtype=np.uint8))
    image = canvas.render_image(400, 300)
    assert _pixel(image, *canvas.lonlat_to_screen(-97.33, 37.63)) == (0, 255, 255)
    with pytest.raises(ValueError, match="rgba"):
        canvas.set_account_colors(np.zeros((3, 4), dtype=np.uint8))


def test_zoom_to_extent_contains_all_data(canvas):
    canvas.set_accounts(
        np.array([-98.5, -96.2, np.nan]),
        np.array([37.1, 38.4, 0.0]),
        np.full((3, 4), 255, dtype=np.uint8),
    )
    canvas.set_reps(np.array([-97.0]), np.array([36.9]), ["Rep A"])
    canvas.zoom_to_extent()
    lon0, lat0, lon1, lat1 = canvas.view_bounds()
    assert lon0 < -98.5 and lon1 > -96.2
    # with a margin, so that edge dots and markers are not cut
    assert lat0 < 36.9 - 0.05 and lat1 > 38.4 + 0.05
    # and it is a fit, not the whole country
    assert lon1 - lon0 < 3.5


def test_left_drag_moves_the_view_by_the_dragged_amount(canvas, qtbot):
    start, end = QPoint(200, 150), QPoint(260, 190)
    grabbed = canvas.screen_to_lonlat(QPointF(start))
    before = canvas.view_bounds()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, QPoint(230, 170))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    after = canvas.view_bounds()
    # The point grabbed stays under the cursor: the view moved 60 px left and 40 px up.
    assert canvas.screen_to_lonlat(QPointF(end)) == pytest.approx(grabbed, abs=1e-9)
    degrees_per_px = (before[2] - before[0]) / 400
    assert after[0] - before[0] == pytest.approx(-60 * degrees_per_px, rel=1e-6)
    assert after[1] > before[1]


def test_drag_redraws_the_map_after_it_settles(canvas, qtbot):
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(150, 100))
    assert canvas._blit  # shifted copy of the last render while the mouse moves
    qtbot.waitUntil(lambda: not canvas._blit, timeout=2000)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 100))


def test_wheel_zooms_towards_the_cursor(canvas, qtbot):
    pos = QPointF(120, 90)
    under = canvas.screen_to_lonlat(pos)
    width = canvas.view_bounds()[2] - canvas.view_bounds()[0]
    event = QWheelEvent(
        pos,
        QPointF(canvas.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    with qtbot.waitSignal(canvas.view_changed, timeout=1000):
        QApplication.sendEvent(canvas, event)
    assert canvas.screen_to_lonlat(pos) == pytest.approx(under, abs=1e-9)
    new_width = canvas.view_bounds()[2] - canvas.view_bounds()[0]
    assert new_width == pytest.approx(width / 1.25, rel=1e-6)


def test_click_and_cursor_signals_carry_the_position(canvas, qtbot):
    pos = QPoint(310, 80)
    expected = canvas.screen_to_lonlat(QPointF(pos))
    with qtbot.waitSignal(canvas.cursor_moved, timeout=1000) as moved:
        qtbot.mouseMove(canvas, pos)
    assert moved.args == pytest.approx(list(expected), abs=1e-9)
    with qtbot.waitSignal(canvas.clicked, timeout=1000) as clicked:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos)
    lon, lat, modifiers = clicked.args
    assert (lon, lat) == pytest.approx(expected, abs=1e-9)
    assert modifiers & Qt.KeyboardModifier.ShiftModifier


def test_highlight_changes_the_outline_pixels_only(canvas):
    left_half = shapely.union_all(SQUARES[[0, 2]])
    right_half = shapely.union_all(SQUARES[[1, 3]])
    canvas.set_territory_outlines([left_half, right_half], ["West", "East"])
    before = canvas.render_image(400, 300)
    canvas.set_highlight({0})
    after = canvas.render_image(400, 300)
    # The west territory's western edge, halfway up, and a point deep in the east territory.
    on_edge = canvas.lonlat_to_screen(-97.4, 37.75)
    in_east = canvas.lonlat_to_screen(-97.22, 37.62)
    assert _pixel(after, *on_edge) != _pixel(before, *on_edge)
    assert _pixel(after, *in_east) == _pixel(before, *in_east)
    canvas.set_highlight(set())
    assert _pixel(canvas.render_image(400, 300), *on_edge) == _pixel(before, *on_edge)


class RecordingTool:
    """A tool that takes presses (like a lasso) and records what it was offered."""

    def __init__(self, take: bool) -> None:
        self.take = take
        self.events: list[tuple[str, MapEvent]] = []
        self.painted = 0

    def press(self, event: MapEvent) -> bool:
        self.events.append(("press", event))
        return self.take

    def move(self, event: MapEvent) -> bool:
        self.events.append(("move", event))
        return self.take

    def release(self, event: MapEvent) -> bool:
        self.events.append(("release", event))
        return self.take

    def paint(self, painter, canvas) -> None:
        self.painted += 1


@pytest.mark.parametrize("take", [True, False])
def test_a_tool_that_takes_the_press_stops_panning(canvas, qtbot, take):
    tool = RecordingTool(take)
    canvas.tool = tool
    before = canvas.view_bounds()
    pressed_at = canvas.screen_to_lonlat(QPointF(100, 100))
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(180, 140))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(180, 140))
    names = [name for name, _ in tool.events]
    assert names[0] == "press" and names[-1] == "release" and "move" in names
    press = tool.events[0][1]
    assert press.button == Qt.MouseButton.LeftButton
    assert (press.lon, press.lat) == pytest.approx(pressed_at, abs=1e-9)
    assert (press.x, press.y) == (100, 100)
    if take:
        assert canvas.view_bounds() == before
    else:
        assert canvas.view_bounds() != before
    canvas.render_image(100, 100)
    assert tool.painted >= 1


def test_keys_zoom_pan_and_go_home(canvas, qtbot):
    home = canvas.view_bounds()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    zoomed = canvas.view_bounds()
    assert zoomed[2] - zoomed[0] < home[2] - home[0]
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.view_bounds()[0] > zoomed[0]
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.view_bounds() == pytest.approx(home)


def test_empty_canvas_draws_background_and_survives_resize(qtbot):
    widget = MapCanvas()
    qtbot.addWidget(widget)
    widget.zoom_to_extent()
    image = widget.render_image(120, 90)
    assert _pixel(image, 60, 45) == (0xF2, 0xF1, 0xEC)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.resize(500, 250)
    qtbot.waitUntil(lambda: widget.width() == 500)
    assert widget.render_image(500, 250).width() == 500


def test_a_patch_dots_the_same_accounts_through_the_strip_index(canvas) -> None:  # type: ignore[no-untyped-def]
    """Large plans' patches read accounts by vertical strips; the dots are those the rows
    of the area give, in the same order (the last dot written to a pixel shows)."""
    from planner.ui.canvas import ACCOUNT_STRIPS

    rng = np.random.default_rng(7)
    n = ACCOUNT_STRIPS * 16
    x0, y0, x1, y1 = shapely.total_bounds(SQUARES)
    lon = rng.uniform(x0, x1, n)
    lat = rng.uniform(y0, y1, n)
    rgba = np.zeros((n, 4), dtype=np.uint8)
    rgba[:, 3] = 255
    rgba[:, 0] = rng.integers(1, 255, n)
    canvas.set_accounts(lon, lat, rgba)
    assert len(canvas._strip_starts) == ACCOUNT_STRIPS + 1
    canvas.repaint()  # composed once: density cells as a patch uses them
    density, sparse = canvas._acc_density, canvas._acc_sparse
    assert density is not None
    res = canvas._res
    full_left = canvas._cx - canvas.width() / 2 * res
    full_top = canvas._cy + canvas.height() / 2 * res
    dotted = 0
    for _ in range(20):
        w, h = (int(v) for v in rng.integers(8, 120, 2))
        left = full_left + float(rng.uniform(-20, canvas.width())) * res
        top = full_top - float(rng.uniform(-20, canvas.height())) * res
        cells = np.full((h // 24 + 2, w // 24 + 2), 0.01, dtype=density.dtype)  # sparse
        by_strips = np.zeros((h, w), dtype=np.uint32)
        canvas._dot_accounts(by_strips, left, top, cells, sparse)
        strips = canvas._strip_starts
        canvas._strip_starts = np.array([0, n])  # one strip: the rows of the area
        by_rows = np.zeros((h, w), dtype=np.uint32)
        canvas._dot_accounts(by_rows, left, top, cells, sparse)
        canvas._strip_starts = strips
        assert np.array_equal(by_strips, by_rows)
        dotted += bool(by_rows.any())
    assert dotted >= 10
