"""A map people can read: labels that do not collide, dots that leave the colours visible,
a legend, toolbar buttons that stay put, and the level of detail drawing the same map."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QUndoCommand

from planner.ui.canvas import MapCanvas
from planner.ui.labels import place_labels
from planner.ui.legend import LegendPanel, legend_layout
from planner.ui.main_window import MainWindow


def _grid(n: int, size: float = 0.02, lon0: float = -97.0, lat0: float = 38.0) -> np.ndarray:
    return np.array(
        [
            shapely.box(
                lon0 + c * size, lat0 + r * size, lon0 + (c + 1) * size, lat0 + (r + 1) * size
            )
            for r in range(n)
            for c in range(n)
        ],
        dtype=object,
    )


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), dtype=np.uint32, count=w * h)
    return raw.reshape(h, w) & 0xFFFFFF


@pytest.fixture
def crowded(qtbot) -> MapCanvas:
    """100 small territories (a 10x10 grid of squares) with long two-line labels and reps."""
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(600, 400)
    squares = _grid(10, size=0.05)
    canvas.set_units(squares)
    rng = np.random.default_rng(3)
    rgba = np.column_stack([rng.integers(60, 230, (100, 3)), np.full(100, 255)]).astype(np.uint8)
    canvas.set_unit_colors(rgba)
    # Territory i is square i, except territory 0, which is the whole top row (largest).
    geoms = list(squares)
    geoms[0] = shapely.union_all(squares[90:])
    labels = [f"Territory number {i}\n{i * 37:,} accounts" for i in range(100)]
    canvas.set_territory_outlines(geoms, labels)
    centre = shapely.centroid(squares)
    canvas.set_reps(shapely.get_x(centre), shapely.get_y(centre), [f"Rep {i}" for i in range(100)])
    canvas.zoom_to_extent()
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


def test_place_labels_skips_a_colliding_label_and_prefers_the_larger_territory() -> None:
    x = np.array([100.0, 110.0, 300.0])
    y = np.array([100.0, 102.0, 100.0])
    full = np.array([[80.0, 20.0], [80.0, 20.0], [80.0, 20.0]])
    short = np.array([[30.0, 10.0], [0.0, 0.0], [30.0, 10.0]])
    choice, boxes = place_labels(x, y, [full, short], priority=np.array([1.0, 5.0, 2.0]))
    # Candidate 1 is larger: it keeps its label; candidate 0 overlaps it even when short.
    assert choice.tolist() == [-1, 0, 0]
    assert np.isnan(boxes[0]).all()
    # With the short form narrow enough to clear it, candidate 0 shows shortened.
    short[0] = (4.0, 4.0)
    y[0] = 120.0
    choice, _ = place_labels(x, y, [full, short], priority=np.array([1.0, 5.0, 2.0]))
    assert choice.tolist() == [1, 0, 0]


def test_place_labels_keeps_clear_of_obstacles() -> None:
    x, y = np.array([50.0]), np.array([50.0])
    size = np.array([[40.0, 10.0]])
    choice, _ = place_labels(x, y, [size], np.ones(1), obstacles=np.array([[0, 0, 60, 60]]))
    assert choice.tolist() == [-1]


def test_drawn_labels_never_overlap_and_the_largest_territory_is_labelled(crowded) -> None:
    crowded.render_image(600, 400)
    rects = crowded.drawn_label_rects
    territory = [r for kind, r in rects if kind == "territory"]
    assert territory, "no label was drawn"
    assert len(territory) < 100, "every label drawn: nothing was crowded enough to test"
    for i, (_, a) in enumerate(rects):
        for _, b in rects[i + 1 :]:
            assert not a.intersects(b), (a, b)
    # The top row is the largest territory: its label wins its place.
    assert 0 in crowded.drawn_territory_labels


def test_labels_keep_out_of_the_legend_box(crowded) -> None:
    crowded.set_legend([(f"Territory number {i}", "#336699") for i in range(6)])
    crowded.render_image(600, 400)
    box = crowded._legend_box(600, 400)
    assert box is not None
    assert all(not r.intersects(box) for _, r in crowded.drawn_label_rects)


def test_labels_keep_clear_of_the_scale_bar(qtbot) -> None:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    square = shapely.box(-97.0, 38.0, -96.0, 39.0)
    canvas.set_units([square])
    canvas.set_territory_outlines([square], ["A long territory name"])
    canvas.zoom_to_bounds(-97.2, 38.0, -95.8, 39.0)
    # The label's own spot, centred on the anchor, would touch the scale bar's corner.
    x, y = canvas.lonlat_to_screen(-96.5, 38.5)
    canvas.pan_by(90 - x, 252 - y)
    canvas.render_image(400, 300)
    bar = QRectF(0, 300 - 42, 240, 42)
    rects = [r for _, r in canvas.drawn_label_rects]
    assert rects, "the label found no place"
    assert all(not r.intersects(bar) for r in rects)
    assert rects[0].center().y() < 252  # it moved up, clear of the bar


def test_zooming_in_shows_more_labels(crowded) -> None:
    crowded.render_image(600, 400)
    far = len(crowded.drawn_label_rects)
    crowded.zoom_at(8.0, crowded.rect().center().toPointF())
    crowded.render_image(600, 400)
    rects = crowded.drawn_label_rects
    near_full = [r for kind, r in rects if kind == "territory" and r.height() > 20]
    assert near_full, "zoomed in, some label should show its numbers"
    assert far > 0


def _dense_canvas(qtbot, accounts: int) -> tuple[MapCanvas, np.ndarray]:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    units = _grid(4, size=0.5)
    canvas.set_units(units)
    fill = np.array([[70, 150, 210, 255]] * len(units), dtype=np.uint8)
    canvas.set_unit_colors(fill)
    rng = np.random.default_rng(0)
    lon = rng.uniform(-97.0, -95.0, accounts)
    lat = rng.uniform(38.0, 40.0, accounts)
    canvas.set_accounts(lon, lat, np.tile([30, 60, 90, 255], (accounts, 1)).astype(np.uint8))
    canvas.zoom_to_extent()
    return canvas, fill[0]


def test_dense_accounts_do_not_bury_the_territory_colours(qtbot) -> None:
    canvas, fill = _dense_canvas(qtbot, 60_000)  # half the pixels of the view hold one
    x0, y0 = canvas.lonlat_to_screen(-96.9, 39.9)
    x1, y1 = canvas.lonlat_to_screen(-95.1, 38.1)
    pixels = _pixels(canvas.render_image(400, 300))[round(y0) : round(y1), round(x0) : round(x1)]
    target = (int(fill[0]) << 16) | (int(fill[1]) << 8) | int(fill[2])
    # Either the fill itself or the fill with a dot mixed into it: the hue stays the fill's.
    r, g, b = (pixels >> 16) & 0xFF, (pixels >> 8) & 0xFF, pixels & 0xFF
    blue_dominant = (b > r + 40) & (b > g)
    assert (pixels == target).mean() > 0.2
    assert blue_dominant.mean() > 0.95


def test_account_dots_grow_as_the_map_zooms_in(qtbot) -> None:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 300)
    canvas.set_units(_grid(2, size=0.5))
    canvas.set_unit_colors(np.array([[255, 255, 255, 255]] * 4, dtype=np.uint8))
    canvas.set_accounts(np.array([-96.5]), np.array([38.5]), np.array([[200, 0, 0, 255]], np.uint8))

    def footprint() -> int:
        pixels = _pixels(canvas.render_image(400, 300))
        red, green = (pixels >> 16) & 0xFF, (pixels >> 8) & 0xFF
        return int(((red > 120) & (green < 80)).sum())

    canvas.zoom_to_bounds(-130.0, 20.0, -60.0, 55.0)  # the whole country: one small dot
    far = footprint()
    canvas.zoom_to_bounds(-96.6, 38.4, -96.4, 38.6)
    near = footprint()
    assert 0 < far < near


def test_legend_box_stays_inside_its_share_of_the_map_and_counts_the_rest() -> None:
    entries = [(f"Territory {i}", QColor(10, 20, 30)) for i in range(200)]
    layout = legend_layout(entries, 1000, 600)
    assert layout is not None
    assert layout.box.width() <= 0.45 * 1000 + 1
    assert layout.box.height() <= 0.6 * 600 + 1
    shown = [label for column in layout.columns for label, _ in column]
    assert shown[-1].startswith("…") and "more" in shown[-1]
    assert shown[0] == "Territory 0"
    few = legend_layout(entries[:5], 1000, 600)
    assert few is not None and [e[0] for c in few.columns for e in c] == [
        f"Territory {i}" for i in range(5)
    ]


def test_legend_panel_lists_every_entry_and_follows_the_canvas(qtbot) -> None:
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    panel = LegendPanel()
    qtbot.addWidget(panel)
    panel.follow(canvas.legend_changed, canvas.legend_entries())
    canvas.set_legend([(f"T{i}", "#123456") for i in range(150)])
    assert panel.list.count() == 150
    assert panel.list.item(149).text() == "T149"
    canvas.set_legend([("Only", "#ffffff")])
    assert [panel.list.item(i).text() for i in range(panel.list.count())] == ["Only"]


def test_window_legend_lists_every_territory(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    panel = window.legend_dock.widget()
    assert isinstance(panel, LegendPanel)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    for i in range(plan.n_territories):
        assert plan.territory_label(i) in texts
    assert window.legend_dock.toggleViewAction() in window.menus["view"].actions()


class _Named(QUndoCommand):
    def __init__(self, text: str) -> None:
        super().__init__(text)

    def redo(self) -> None:
        pass

    def undo(self) -> None:
        pass


def test_toolbar_buttons_have_icons_and_stay_put_when_undo_text_changes(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    toolbar = window.file_toolbar
    for action in toolbar.actions():
        if not action.isSeparator():
            assert not action.icon().isNull(), action.text()
    for action in window.tool_actions.values():
        assert not action.icon().isNull(), action.text()

    def geometry() -> list[QRectF]:
        return [
            QRectF(toolbar.widgetForAction(a).geometry())
            for a in (window.undo_action, window.redo_action, window.zoom_extent_action)
        ]

    before = geometry()
    window.undo_stack.push(_Named("Move 1,234 units and 56,789 accounts to Territory R&D West"))
    window.undo_stack.push(_Named("x"))
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.redo_action.isEnabled())
    assert "R&&D" not in window.redo_action.text()  # redo is "x"; undo is the long one
    assert geometry() == before
    # The text still reaches the user, in the tooltip.
    assert "R&D" in window.undo_action.toolTip()
    window.undo_stack.clear()


def _national_like(n: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """``n * n`` square units and a colour per unit from 9 blocks (territories)."""
    units = _grid(n, size=0.05, lon0=-100.0, lat0=35.0)
    block = (np.arange(n * n) // n // (n // 3)) * 3 + (np.arange(n * n) % n) // (n // 3 + 1)
    palette = np.array(
        [[200, 60, 60], [60, 160, 60], [60, 90, 200], [220, 180, 40], [150, 60, 160],
         [40, 170, 170], [240, 120, 40], [120, 120, 120], [90, 60, 30], [20, 20, 80]],
    )  # fmt: skip
    rgba = np.column_stack([palette[block % 10], np.full(n * n, 190)]).astype(np.uint8)
    return units, rgba


def test_far_out_the_combined_paths_draw_the_same_map_as_one_path_per_unit(qtbot) -> None:
    import planner.ui.canvas as canvas_module

    units, rgba = _national_like()
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(500, 400)
    canvas.set_units(units)
    canvas.set_unit_colors(rgba)
    canvas.zoom_to_extent()
    grouped = _pixels(canvas.render_image(500, 400))
    assert len(units) > canvas_module.PER_UNIT_MAX  # the grouped path drew it
    old = canvas_module.PER_UNIT_MAX
    canvas_module.PER_UNIT_MAX = 10**9
    try:
        canvas.refresh()
        per_unit = _pixels(canvas.render_image(500, 400))
    finally:
        canvas_module.PER_UNIT_MAX = old
    assert (grouped == per_unit).mean() > 0.98


@pytest.mark.parametrize(("per_unit", "patch_paths"), [(False, True), (False, False), (True, True)])
def test_recolouring_a_few_units_patches_the_layer_to_what_a_full_redraw_draws(
    qtbot, monkeypatch, per_unit: bool, patch_paths: bool
) -> None:
    import planner.ui.canvas as canvas_module

    if per_unit:  # few units in view: one full-detail path each, not the grouped paths
        monkeypatch.setattr(canvas_module, "PER_UNIT_MAX", 10**9)
    if not patch_paths:  # the patch draws the combined paths of the groups reaching into it
        monkeypatch.setattr(canvas_module, "PATCH_UNIT_PATHS", 0)
    units, rgba = _national_like()
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(500, 400)
    canvas.set_units(units)
    canvas.set_basemap([shapely.box(-99.0, 36.0, -97.0, 37.5)])
    canvas.set_unit_colors(rgba)
    canvas.zoom_to_extent()
    before = _pixels(canvas.render_image(500, 400))
    version = canvas._units_version
    moved = rgba.copy()
    moved[[5, 6, 7, 85, 86, 87], :3] = (250, 250, 0)
    canvas.set_unit_colors(moved)
    patched = _pixels(canvas.render_image(500, 400))
    assert canvas._units_version == version  # patched, not redrawn
    canvas.refresh()
    full = _pixels(canvas.render_image(500, 400))
    assert (patched == full).mean() > 0.999
    assert (patched != before).sum() > 60  # the six units (about 25 px each) changed colour
    assert canvas.patched_units == 6
    if not per_unit:
        levels = canvas._unit_levels
        assert levels is not None
        built = sum(int(b.sum()) for b in levels._unit_built.values())
        # Units grouped far out: the patch drew the units in its area, each its own path.
        assert (built > 0) == patch_paths


def test_cell_occupancy_counts_each_cell_including_the_ragged_edge() -> None:
    from planner.ui.render import cell_occupancy

    rng = np.random.default_rng(0)
    width, height = 37, 29
    points = (rng.random(width * height) < 0.3).astype(np.uint8)
    density = cell_occupancy(points, width, height, 8)
    grid = points.reshape(height, width)
    expected = [
        [grid[r * 8 : (r + 1) * 8, c * 8 : (c + 1) * 8].mean() for c in range(5)] for r in range(4)
    ]
    assert np.allclose(density, expected)


def test_colouring_by_deviation_lists_its_classes_in_the_legend(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.presenter.set_color_mode(("deviation", "workload"))
    labels = [label for label, _ in window.canvas.legend_entries()]
    assert labels[0].startswith("Below target by more than")
    assert labels[1].startswith("Within ±")
    assert labels[2].startswith("Above target by more than")
    assert window.plan is not None
    assert window.plan.territory_label(0) not in labels
    window.presenter.set_color_mode("territory")
    labels = [label for label, _ in window.canvas.legend_entries()]
    assert labels[0] == window.plan.territory_label(0)


def _map_with_accounts(qtbot) -> tuple[MapCanvas, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Units, outlines and accounts dense in one corner, sparse elsewhere."""
    units, rgba = _national_like(40)
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(500, 400)
    canvas.set_units(units)
    canvas.set_unit_colors(rgba)
    rng = np.random.default_rng(3)
    lon = np.r_[rng.uniform(-100, -98, 3000), rng.normal(-99.5, 0.1, 20000)]
    lat = np.r_[rng.uniform(35, 37, 3000), rng.normal(35.5, 0.1, 20000)]
    colors = np.tile(np.array([[30, 30, 160, 255]], dtype=np.uint8), (len(lon), 1))
    colors[len(lon) // 2 :] = (160, 30, 30, 255)
    canvas.set_accounts(lon, lat, colors)
    canvas.set_territory_outlines(
        [shapely.box(-100, 35, -99, 37), shapely.box(-99, 35, -98, 37)], ["A", "B"]
    )
    canvas.zoom_to_extent()
    return canvas, lon, lat


def test_recolouring_a_few_accounts_patches_the_map_to_what_a_full_redraw_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas, lon, lat = _map_with_accounts(qtbot)
    before = _pixels(canvas.render_image(500, 400))
    version = canvas._base_version
    # Sparse ones in one place and dense ones in another, to a colour the map already has.
    moved = np.r_[np.flatnonzero((lon < -99.6) & (lat > 36.5))[:40], np.arange(3000, 3400)]
    canvas.recolour_accounts(moved, np.tile([[160, 30, 30, 255]], (len(moved), 1)))
    patched = _pixels(canvas.render_image(500, 400))
    assert canvas._base_version == version  # patched in place, not composed again
    assert 0 < canvas.patched_pixels < 500 * 400 / 2
    canvas.refresh()
    full = _pixels(canvas.render_image(500, 400))
    assert (patched == full).mean() > 0.999
    assert (patched != before).sum() > 40


def test_recolouring_units_under_accounts_patches_what_a_full_redraw_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas, _lon, _lat = _map_with_accounts(qtbot)
    canvas.render_image(500, 400)
    rgba = canvas._unit_rgba.copy()
    rgba[[41, 42, 81, 82]] = (250, 250, 0, 190)
    canvas.set_unit_colors(rgba)
    patched = _pixels(canvas.render_image(500, 400))
    assert canvas.patched_pixels > 0
    canvas.refresh()
    full = _pixels(canvas.render_image(500, 400))
    assert (patched == full).mean() > 0.999


def test_label_halo_reaches_every_offset_and_only_those(qapp) -> None:
    """The halo's separable maximum is the maximum over the listed offsets."""
    from planner.ui.canvas import _HALO, _halo

    rng = np.random.default_rng(3)
    alpha = ((rng.random((30, 50)) > 0.97) * rng.integers(1, 256, (30, 50))).astype(np.uint8)
    expected = alpha.copy()
    padded = np.pad(alpha, 2)
    for dx, dy in _HALO:
        expected = np.maximum(expected, padded[2 + dy : 32 + dy, 2 + dx : 52 + dx])
    assert np.array_equal(_halo(alpha), expected)
    # A corner two pixels across and two down is outside the rounded halo.
    dot = np.zeros((9, 9), dtype=np.uint8)
    dot[4, 4] = 255
    spread = _halo(dot)
    assert spread[4, 6] == spread[6, 5] == 255 and spread[6, 6] == 0 and spread[4, 7] == 0


def test_label_sprite_is_dark_text_on_a_white_halo(qapp) -> None:
    from planner.ui.canvas import _label_fonts, text_sprite

    sprite = text_sprite(["Territory 1", "12 %"], _label_fonts())
    w, h = sprite.width(), sprite.height()
    raw = np.frombuffer(sprite.constBits(), dtype=np.uint32, count=sprite.bytesPerLine() // 4 * h)
    px = raw.reshape(h, -1)[:, :w]
    alpha, grey = px >> 24, (px >> 16) & 255
    assert (((px >> 8) & 255) == grey).all() and ((px & 255) == grey).all()
    assert (grey <= alpha).all()  # premultiplied
    ink = alpha == 255
    assert (ink & (grey < 60)).sum() > 50  # the glyphs, dark
    halo = (alpha > 200) & (grey > 200)
    assert halo.sum() > ink.sum()  # a white rim wider than the glyphs
    assert alpha[0].max() == 0 and alpha[:, 0].max() == 0  # a transparent margin


def test_label_sizes_from_the_font_metrics_are_the_sprites_sizes(crowded) -> None:
    """Labels are placed by sizes from the font metrics, before any sprite is drawn: they
    must be the sizes the sprites then have (less the halo's three pixels a side)."""
    from planner.ui.canvas import _label_fonts, text_sprite

    for text in ["Territory number 7\n259 accounts", "Nord-Est & Île\n1 234 h (+12%)", "T", ""]:
        lines = [line for line in text.split("\n") if line] or [""]
        sprite = text_sprite(lines, _label_fonts())
        assert crowded._label_box(text) == (sprite.width() - 6, sprite.height() - 6)


def test_only_the_labels_placed_get_a_sprite(crowded) -> None:
    """A hundred labels, a few dozen placed: only those are drawn into sprites, and a new
    text for a label that is not placed draws none."""
    crowded._sprites.clear()
    crowded.render_image(600, 400)
    placed = set(crowded.drawn_territory_labels)
    assert 0 < len(placed) < 100
    texts = crowded._terr_texts
    drawn = {key[1:] for key in crowded._sprites if key.startswith("1")}
    assert drawn <= {texts[i] for i in placed} | {texts[i].split("\n")[0] for i in placed}
    hidden = next(i for i in range(100) if i not in placed)
    labels = list(texts)
    labels[hidden] = "Territory renamed\n0 accounts"
    crowded.set_territory_outlines(list(crowded._terr_geoms), labels)
    crowded.render_image(600, 400)
    assert "1Territory renamed\n0 accounts" not in crowded._sprites
    assert set(crowded.drawn_territory_labels) == placed


def test_new_outlines_are_laid_over_the_kept_dots_as_a_full_redraw_draws(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A release changes outlines where the preview already recoloured the items: the
    outlines are drawn again over the units and dots kept from before them, and the
    accounts there are not dotted again; the map is what a full redraw draws."""
    canvas, _lon, _lat = _map_with_accounts(qtbot)
    canvas.render_image(500, 400)
    dotted: list[int] = []
    real = canvas._dot_accounts

    def dot_accounts(*args, **kwargs):  # type: ignore[no-untyped-def]
        dotted.append(1)
        return real(*args, **kwargs)

    canvas._dot_accounts = dot_accounts  # type: ignore[method-assign]
    version, patches = canvas._base_version, canvas._composed_patch
    canvas.set_territory_outlines(
        [shapely.box(-100, 35, -99.3, 37), shapely.box(-99.3, 35, -98, 37)], ["A", "B"]
    )
    patched = _pixels(canvas.render_image(500, 400))
    assert canvas._base_version == version and canvas._composed_patch == patches + 1
    assert dotted == []
    canvas.refresh()
    full = _pixels(canvas.render_image(500, 400))
    assert (patched == full).all()
