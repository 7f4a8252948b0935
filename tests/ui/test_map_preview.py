"""The map during an edit: a lasso previews on the map, a release redraws only what it touched."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from planner.ui.canvas import MapCanvas
from planner.ui.main_window import MainWindow
from tests.ui.test_tools import BOX_2x2, drag, screen, set_target


def _pixel(window: MainWindow, lon: float, lat: float) -> int:
    canvas = window.canvas
    image = canvas.render_image(canvas.width(), canvas.height())
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    p = screen(window, lon, lat)
    return int(image.pixel(p.x(), p.y())) & 0xFFFFFF


def _clear_spot(window: MainWindow) -> tuple[float, float]:
    """A point inside unit U00 (moved by BOX_2x2) away from every account dot."""
    plan = window.plan
    assert plan is not None
    lon, lat = plan.accounts["lon"].to_numpy(), plan.accounts["lat"].to_numpy()
    grid = [(x, y) for x in np.linspace(-87.98, -87.92, 7) for y in np.linspace(41.52, 41.58, 7)]
    return max(grid, key=lambda g: float(np.min(np.hypot(lon - g[0], lat - g[1]))))


def test_a_lasso_in_progress_colours_what_it_would_move_and_escape_restores(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    spot = _clear_spot(window)
    before = _pixel(window, *spot)
    unit_rgba = window.canvas._unit_rgba.copy()
    target_rgba = window.presenter.unit_colors()[plan.unit_territory == 3][0]
    drag(qtbot, window, BOX_2x2, release=False)
    qtbot.waitUntil(lambda: window.balance.model.preview)
    # Nothing applied, yet the enclosed units and accounts show the target's colour.
    preview = window.context.refresh.preview
    assert preview is not None and len(preview.unit_indices) >= 4
    assert (plan.unit_territory[preview.unit_indices] != 3).all()
    assert (window.canvas._unit_rgba[preview.unit_indices] == target_rgba).all()
    shown = window.presenter._shown_accounts
    assert shown is not None and (shown[preview.account_indices] == 3).all()
    during = _pixel(window, *spot)
    assert during != before
    assert window.canvas.patched_units > 0  # painted in place, not a redraw of the map
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.balance.model.preview)
    assert np.array_equal(window.canvas._unit_rgba, unit_rgba)
    assert _pixel(window, *spot) == before
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[-1]))
    assert window.undo_stack.count() == 0


def test_a_release_keeps_the_previewed_colours_and_rebuilds_only_touched_outlines(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2, release=False)
    qtbot.waitUntil(lambda: window.balance.model.preview)
    during = window.canvas._unit_rgba.copy()
    rebuilt = window.canvas.outlines_rebuilt
    composed = window.canvas._base_version
    patches = window.canvas._composed_patch
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[-1]))
    qtbot.waitUntil(lambda: not window.balance.model.preview)
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    assert window.undo_stack.count() == 1
    # The recoloured items and the new outlines: the map around them composed once.
    assert window.canvas._composed_patch == patches + 1
    # T1 lost units to T4: two of the four outlines are new, the other two are kept.
    assert window.canvas.outlines_rebuilt - rebuilt == 2
    assert plan.n_territories == 4
    assert window.canvas._base_version == composed  # patched around them, not composed again
    assert np.array_equal(window.canvas._unit_rgba, during)
    # Undo restores the colours through the same path.
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    assert np.array_equal(window.canvas._unit_rgba, window.presenter.unit_colors())


def preview_lasso(qtbot, window: MainWindow, points) -> MapCanvas:  # type: ignore[no-untyped-def]
    """A lasso for territory 3 over ``points``, held (not released) until its preview shows."""
    assert window.plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, points, release=False)
    qtbot.waitUntil(lambda: window.balance.model.preview)
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    return window.canvas


def test_a_release_beyond_the_last_preview_composes_the_map_once(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Released away from the last move, the lasso applies more than it previewed: units
    to recolour and outlines to draw, around the same place, composed once for both."""
    canvas = preview_lasso(qtbot, window, BOX_2x2[:3])
    preview = window.context.refresh.preview
    assert preview is not None
    patches, composed = canvas._composed_patch, canvas._base_version
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[3]))
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    applied = window.undo_stack.command(0).change  # type: ignore[attr-defined]
    assert len(applied.unit_indices) > len(preview.unit_indices)
    assert canvas._composed_patch == patches + 1
    assert canvas._base_version == composed
    # The patched map is what a full redraw draws.
    patched = canvas.render_image(canvas.width(), canvas.height())
    canvas.refresh()
    assert patched == canvas.render_image(canvas.width(), canvas.height())


def test_a_preview_after_a_colour_change_shows_the_new_colour(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2[:3], release=False)  # a first preview caches the palettes
    qtbot.waitUntil(lambda: window.balance.model.preview)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[2]))
    plan.set_territory_field(3, "color", "#00ff00")
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    drag(qtbot, window, BOX_2x2, release=False)
    qtbot.waitUntil(lambda: window.context.refresh.preview is not None)
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    preview = window.context.refresh.preview
    assert preview is not None
    assert (window.canvas._unit_rgba[preview.unit_indices, :3] == (0, 255, 0)).all()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)


def test_a_preview_move_composes_the_map_once_for_units_and_accounts(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    canvas = preview_lasso(qtbot, window, BOX_2x2[:3])
    patches, units = canvas._composed_patch, canvas.patched_units
    preview = window.context.refresh.preview
    qtbot.mouseMove(canvas, screen(window, *BOX_2x2[3]))
    qtbot.waitUntil(lambda: window.context.refresh.preview is not preview)
    qtbot.waitUntil(lambda: not window.context.refresh.pending)
    now = window.context.refresh.preview
    assert now is not None and len(now.account_indices) > len(preview.account_indices)
    assert canvas.patched_units > units  # units recoloured ...
    assert canvas._composed_patch == patches + 1  # ... and accounts: one composition
    # The patched map is what a full redraw draws.
    patched = canvas.render_image(canvas.width(), canvas.height())
    canvas.refresh()
    full = canvas.render_image(canvas.width(), canvas.height())
    assert patched == full
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)


def test_a_small_repaint_draws_only_the_labels_that_reach_into_it(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QRect

    canvas = window.canvas
    canvas.repaint()
    labelled = dict(canvas.drawn_territory_labels)
    assert len(labelled) >= 2
    drawn = canvas.label_sprites_drawn
    canvas.repaint()
    assert canvas.label_sprites_drawn - drawn == len(labelled)
    first = next(iter(labelled.values())).toAlignedRect()
    area = QRect(first.center().x(), first.center().y(), 2, 2)
    meeting = [
        r for r in labelled.values() if r.toAlignedRect().adjusted(-4, -4, 4, 4).intersects(area)
    ]
    drawn = canvas.label_sprites_drawn
    canvas.repaint(area)
    assert 1 <= canvas.label_sprites_drawn - drawn <= len(meeting) < len(labelled)
    assert canvas.drawn_territory_labels == labelled  # placed as before, drawn where needed


def test_previews_moving_on_and_ending_show_exactly_the_previewed_accounts(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """Only the last preview's and this one's accounts are compared as a preview moves on."""
    from planner.ui.canvas import pack_rgba

    plan = window.plan
    assert plan is not None
    scheduler, presenter, canvas = window.context.refresh, window.presenter, window.canvas
    palette = presenter._account_palette()

    def shown_on_map() -> np.ndarray:
        current = np.zeros(canvas._acc_count, dtype=np.uint32)
        current[canvas._acc_order] = canvas._acc_palette[canvas._acc_colors]
        return current

    def expect(territories: np.ndarray) -> None:
        assert np.array_equal(presenter._shown_accounts, territories)
        drawn = canvas._acc_rank >= 0
        wanted = pack_rgba(palette[territories + 1])
        assert np.array_equal(shown_on_map()[drawn], wanted[drawn])

    rng = np.random.default_rng(5)
    big = plan.propose_account_move(rng.choice(plan.n_accounts, 120, replace=False), 3)
    # The next preview keeps some of those accounts, drops others and adds new ones.
    kept = big.account_indices[::2]
    small = plan.propose_account_move(
        np.concatenate([kept, rng.choice(plan.n_accounts, 30, replace=False)]), 1
    )
    for change in (big, small, None):
        scheduler.set_preview(change)
        scheduler.flush()
        territories = plan.account_territory.copy()
        if change is not None:
            territories[change.account_indices] = change.account_after
        expect(territories)
    assert np.array_equal(presenter._shown_accounts, plan.account_territory)


@pytest.mark.parametrize("strips", [None, 16])
def test_a_growing_lasso_recolours_by_difference_and_applies_the_full_change(
    qtbot, window: MainWindow, monkeypatch, strips: int | None
) -> None:  # type: ignore[no-untyped-def]
    """Moves after the first update the tracker, balance and map by what entered or left;
    the map's colour groups then are what a full recolour makes, and the release applies
    exactly the change the full lasso computes. With ``strips``, patches find their
    accounts through the strip index (made for large plans) and still draw what a full
    composition draws."""
    from planner.models.editing import lasso_change, lasso_polygon
    from planner.ui import canvas as canvas_module

    plan = window.plan
    assert plan is not None
    if strips is not None:
        monkeypatch.setattr(canvas_module, "ACCOUNT_STRIPS", strips)
        lon, lat = plan.accounts["lon"].to_numpy(), plan.accounts["lat"].to_numpy()
        window.canvas.set_accounts(lon, lat, window.presenter.account_colors())
        assert len(window.canvas._strip_starts) == strips + 1
        window.canvas.refresh()
        window.canvas.repaint()
    window.set_tool("lasso")
    set_target(window, 3)
    canvas, presenter = window.canvas, window.presenter
    t = np.linspace(0, 2 * np.pi, 24)
    path = list(zip(-87.75 + 0.2 * np.cos(t), 41.75 + 0.2 * np.sin(t), strict=True))
    canvas._unit_levels.group_paths(1)  # as a far-out view would have cached them
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *path[0]))
    for lon, lat in path[1:]:
        # One move a turn of the event loop, as a mouse gives them: each is shown.
        qtbot.mouseMove(canvas, screen(window, lon, lat))
        qtbot.waitUntil(lambda: not window.context.refresh.pending)
    tool = window.tools["lasso"]
    assert tool._tracker.step_updates > 10
    preview = window.context.refresh.preview
    assert preview is not None and preview.step is not None
    assert presenter._shown_preview is preview  # the map followed the steps
    order, groups, rgba = canvas._unit_draw_order.copy(), canvas._unit_brush_of.copy(), None
    rgba = canvas._unit_rgba.copy()
    keys = canvas._unit_keys.copy()
    members = dict(canvas._unit_levels._members)
    # The combined paths of far-out zooms are those of the groups' current members.
    levels = canvas._unit_levels
    for key, combined in levels.group_paths(1).items():
        fresh = levels.path_of(1, members[key])
        assert (combined.elementCount() if combined else 0) == (
            fresh.elementCount() if fresh else 0
        )
    patched = canvas.render_image(canvas.width(), canvas.height())
    canvas.set_unit_colors(rgba)  # the full regrouping of the same colours
    assert np.array_equal(keys[groups], canvas._unit_keys[canvas._unit_brush_of])
    assert np.array_equal(order, canvas._unit_draw_order)
    for key, units in canvas._unit_levels._members.items():
        assert np.array_equal(members.get(key, np.zeros(0, int)), units)
    canvas.refresh()
    assert patched == canvas.render_image(canvas.width(), canvas.height())
    lon, lat = np.array(tool.lon), np.array(tool.lat)
    want, _ = lasso_change(plan, lasso_polygon(lon, lat).polygon, 3, window.editing.scope)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *path[-1]))
    applied = window.undo_stack.command(window.undo_stack.index() - 1).change
    assert sorted(applied.account_indices.tolist()) == sorted(want.account_indices.tolist())
    assert sorted(applied.unit_indices.tolist()) == sorted(want.unit_indices.tolist())
