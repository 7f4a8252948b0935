"""UI tier: editing tools driven by real mouse and key events on the canvas."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from planner.models.plan import Plan
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


def screen(window: MainWindow, lon: float, lat: float) -> QPoint:
    x, y = window.canvas.lonlat_to_screen(lon, lat)
    return QPoint(round(float(x)), round(float(y)))


def drag(qtbot, window: MainWindow, path: list[tuple[float, float]], release: bool = True) -> None:  # type: ignore[no-untyped-def]
    canvas = window.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *path[0]))
    for lon, lat in path[1:]:
        qtbot.mouseMove(canvas, screen(window, lon, lat))
    if release:
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=screen(window, *path[-1]))


# The test plan's units are 0.1° squares from (-88.0, 41.5); unit U{r}{c} spans
# lon -88 + c/10 .. and lat 41.5 + r/10 ...
BOX_2x2 = [(-87.99, 41.51), (-87.81, 41.51), (-87.81, 41.69), (-87.99, 41.69), (-87.99, 41.515)]


def set_target(window: MainWindow, territory: int) -> None:
    window.target_combo.setCurrentIndex(window.target_combo.findData(territory))


def test_lasso_moves_enclosed_units_and_accounts_as_one_undo_step(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    before = plan.account_territory.copy()
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2)
    moved_units = np.flatnonzero(plan.unit_territory == 3)
    assert {"U00", "U01", "U10", "U11"} <= set(plan.units["unit_id"].to_numpy()[moved_units])
    inside = (plan.accounts["lon"] < -87.8) & (plan.accounts["lat"] < 41.7)
    assert (plan.account_territory[inside.to_numpy()] == 3).all()
    assert window.undo_stack.count() == 1
    window.undo_action.trigger()
    assert np.array_equal(plan.account_territory, before)
    window.redo_action.trigger()
    assert (plan.account_territory[inside.to_numpy()] == 3).all()


def test_lasso_preview_shows_before_release_and_escape_restores(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    model = window.balance.model
    j = plan.balance().column("accounts")
    col = model.FIXED + 2 * j
    shown_before = model.index(3, col).data()
    drag(qtbot, window, BOX_2x2, release=False)
    qtbot.waitUntil(lambda: model.preview)
    assert "PREVIEW" in window.balance.summary.text()
    assert model.index(3, col).data() != shown_before
    snapshot = plan.account_territory.copy()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not model.preview)
    assert model.index(3, col).data() == shown_before
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=screen(window, *BOX_2x2[-1]))
    assert np.array_equal(plan.account_territory, snapshot)
    assert window.undo_stack.count() == 0


def test_bad_lassos_change_nothing_and_say_why(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    snapshot = plan.account_territory.copy()
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, [(-87.9, 41.6), (-87.85, 41.6)])  # two points
    assert "at least three points" in window.statusBar().currentMessage()
    drag(qtbot, window, [(-87.9, 41.6), (-87.8, 41.6), (-87.7, 41.6)])  # a straight line: no area
    assert "no area" in window.statusBar().currentMessage()
    assert np.array_equal(plan.account_territory, snapshot)
    # A lasso partly off the data only takes what is inside.
    drag(qtbot, window, [(-89.5, 41.51), (-87.91, 41.51), (-87.91, 41.59), (-89.5, 41.59)])
    assert plan.unit_territory[plan.units["unit_id"].to_numpy() == "U00"][0] == 3


def test_self_crossing_lasso_is_repaired(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    bowtie = [(-87.99, 41.51), (-87.81, 41.69), (-87.81, 41.51), (-87.99, 41.69)]
    drag(qtbot, window, bowtie)
    assert window.undo_stack.count() == 1  # applied, not an error


def test_locked_territory_refuses_the_lasso(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.select_territories([3])
    window.lock_action.trigger()
    assert plan.territory_locked[3]
    snapshot = plan.account_territory.copy()
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2)
    assert "locked" in window.statusBar().currentMessage()
    assert np.array_equal(plan.account_territory, snapshot)
    window.undo_action.trigger()  # unlock is undoable too
    assert not plan.territory_locked[3]


def test_brush_paints_units_and_brackets_resize(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("brush")
    set_target(window, 2)
    tool = window.tools["brush"]
    size = tool.radius_km
    qtbot.mouseMove(window.canvas, screen(window, -87.95, 41.55))
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    assert tool.radius_km < size
    tool.radius_km = 3.0
    drag(qtbot, window, [(-87.95, 41.55), (-87.95, 41.65), (-87.95, 41.75)])
    ids = set(plan.units["unit_id"].to_numpy()[plan.unit_territory == 2])
    assert {"U00", "U10", "U20"} <= ids
    assert window.undo_stack.count() == 1


def test_draw_territory_creates_a_drawn_territory_and_cuts_overlaps(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    k = plan.n_territories
    window.set_tool("draw")
    drag(qtbot, window, BOX_2x2)
    assert plan.n_territories == k + 1
    first = plan.n_territories - 1
    assert plan.territories.at[first, "geometry_source"] == "drawn"
    # Well inside the drawn box (screen pixels round the outline by a few metres).
    lon, lat = plan.accounts["lon"], plan.accounts["lat"]
    inside = ((lon < -87.82) & (lat < 41.68) & (lon > -87.98) & (lat > 41.52)).to_numpy()
    assert (plan.account_territory[inside] == first).all()
    # A second, overlapping shape cuts the first; the overlap's accounts move to the new one.
    drag(
        qtbot,
        window,
        [(-87.90, 41.60), (-87.70, 41.60), (-87.70, 41.80), (-87.90, 41.80), (-87.90, 41.605)],
    )
    assert plan.n_territories == k + 2
    assert "cut 1 overlapping" in window.statusBar().currentMessage()
    first_geom = plan.territories.geometry.iloc[first]
    second_geom = plan.territories.geometry.iloc[first + 1]
    assert first_geom.intersection(second_geom).area < 1e-9
    # Undo both: the plan is as it was.
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert plan.n_territories == k
    assert np.array_equal(plan.account_territory, make_plan().account_territory)


def test_click_by_click_polygon_with_enter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    k = plan.n_territories
    window.set_tool("draw")
    for lon, lat in [(-87.99, 41.51), (-87.81, 41.51), (-87.81, 41.69), (-87.99, 41.69)]:
        qtbot.mouseClick(window.canvas, Qt.MouseButton.LeftButton, pos=screen(window, lon, lat))
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    assert plan.n_territories == k + 1


def test_merge_selected_territories_is_one_undo_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    before_ids = plan.territory_ids
    before = plan.account_territory.copy()
    window.select_territories([0, 1])
    window.merge_action.trigger()
    assert plan.n_territories == len(before_ids) - 1
    assert (plan.account_territory[before == 1] == 0).all()
    window.undo_action.trigger()
    assert plan.territory_ids == before_ids
    assert np.array_equal(plan.account_territory, before)


def test_select_tool_box_selects_touched_territories(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.set_tool("select")
    # The top edge passes north of the first row's centres (lat 41.55), not through them.
    drag(qtbot, window, [(-87.99, 41.51), (-87.70, 41.56)])
    assert window.balance.selected_territories() == [0, 1]
    assert window.canvas._highlight == {0, 1}


def test_tool_shortcuts_switch_tools(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tool_actions["lasso"].trigger()
    assert window.canvas.tool is window.tools["lasso"]
    window.tool_actions["pan"].trigger()
    assert window.canvas.tool is None
    assert window.tool_actions["lasso"].shortcut().toString() == "L"


def test_random_edits_undo_all_restores_and_redo_all_replays(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Property: any sequence of edits, all undone, gives the plan back exactly."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from planner.ui.commands import ApplyChangeCommand, MergeTerritoriesCommand, SetLocksCommand

    def state(p: Plan) -> tuple:
        return (
            p.account_territory.copy().tobytes(),
            p.unit_territory.copy().tobytes(),
            tuple(p.territory_ids),
            p.territory_locked.tobytes(),
            p.unit_locked.tobytes(),
        )

    edit = st.one_of(
        st.tuples(
            st.just("units"),
            st.lists(st.integers(0, 35), min_size=1, max_size=8),
            st.integers(-1, 3),
        ),
        st.tuples(
            st.just("accounts"),
            st.lists(st.integers(0, 399), min_size=1, max_size=30),
            st.integers(-1, 3),
        ),
        st.tuples(
            st.just("lock"), st.lists(st.integers(0, 35), min_size=1, max_size=4), st.booleans()
        ),
        st.tuples(st.just("merge"), st.just([]), st.integers(0, 2)),
    )

    @settings(max_examples=25, deadline=None)
    @given(st.lists(edit, min_size=1, max_size=8))
    def check(edits: list) -> None:
        plan = make_plan()
        window.set_plan(plan, None)
        start = state(plan)
        after_each = []
        for kind, items, arg in edits:
            k = plan.n_territories
            if kind == "units":
                target = arg if arg < k else -1
                command = ApplyChangeCommand(
                    plan, plan.propose_unit_move(np.array(items), target), "units"
                )
            elif kind == "accounts":
                target = arg if arg < k else -1
                command = ApplyChangeCommand(
                    plan, plan.propose_account_move(np.array(items), target), "accounts"
                )
            elif kind == "lock":
                command = SetLocksCommand(plan, "units", np.unique(items), arg, "lock")
            else:
                if k < 2 or arg + 1 >= k:
                    continue
                command = MergeTerritoriesCommand(plan, [arg, arg + 1])
            window.push(command)
            after_each.append(state(plan))
        end = state(plan)
        while window.undo_stack.canUndo():
            window.undo_stack.undo()
        assert state(plan) == start
        while window.undo_stack.canRedo():
            window.undo_stack.redo()
        assert state(plan) == end
        plan.check_invariant()

    check()


def draw_square(window: MainWindow, lon0: float, lat0: float, lon1: float, lat1: float) -> int:
    import shapely

    from planner.ui.commands import DrawTerritoryCommand

    plan = window.plan
    assert plan is not None
    row = {"territory_id": "D1", "name": "Drawn", "geometry_source": "drawn", "color": "#123456"}
    window.push(
        DrawTerritoryCommand(plan, row, shapely.MultiPolygon([shapely.box(lon0, lat0, lon1, lat1)]))
    )
    return plan.n_territories - 1


def test_vertex_drag_moves_the_boundary_and_accounts_follow(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    t = draw_square(window, -87.9, 41.6, -87.7, 41.8)
    count_before = int((plan.account_territory == t).sum())
    window.set_tool("vertex")
    # Drag the north-east corner further north-east: more accounts fall inside.
    ne = (-87.7, 41.8)
    drag(qtbot, window, [ne, (-87.6, 41.85), (-87.5, 41.9)])
    geom = plan.territories.geometry.iloc[t]
    assert geom.bounds[2] == pytest.approx(-87.5, abs=0.01)
    assert int((plan.account_territory == t).sum()) > count_before
    inside = np.flatnonzero(plan.account_territory == t)
    import shapely

    assert shapely.contains_xy(
        geom, plan.accounts["lon"].to_numpy()[inside], plan.accounts["lat"].to_numpy()[inside]
    ).all()
    window.undo_action.trigger()
    assert int((plan.account_territory == t).sum()) == count_before


def test_vertex_insert_and_delete(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    t = draw_square(window, -87.9, 41.6, -87.7, 41.8)
    window.set_tool("vertex")

    def corners() -> int:
        return len(plan.territories.geometry.iloc[t].geoms[0].exterior.coords) - 1

    assert corners() == 4
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        screen(window, -87.8, 41.6),
    )
    assert corners() == 5
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        screen(window, -87.8, 41.6),
    )
    assert corners() == 4
    # A triangle keeps its corners: deleting would leave no polygon.
    for _ in range(1):
        qtbot.mouseClick(
            window.canvas,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ShiftModifier,
            screen(window, -87.9, 41.6),
        )
    assert corners() == 3
    qtbot.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ShiftModifier,
        screen(window, -87.7, 41.6),
    )
    assert corners() == 3
    assert "at least three corners" in window.statusBar().currentMessage()


def test_split_along_a_line_makes_a_new_territory(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    k = plan.n_territories
    units_before = set(np.flatnonzero(plan.unit_territory == 0))
    window.select_territories([0])
    window.set_tool("split")
    drag(
        qtbot, window, [(-88.05, 41.8), (-87.9, 41.8), (-87.75, 41.8)]
    )  # west to east: north is left
    assert plan.n_territories == k + 1
    new_units = set(np.flatnonzero(plan.unit_territory == k))
    old_units = set(np.flatnonzero(plan.unit_territory == 0))
    assert new_units and old_units and new_units | old_units == units_before
    y = plan.units.geometry.bounds["miny"].to_numpy() + 0.05  # centre of each 0.1-degree square
    assert (y[list(new_units)] > 41.8).all() and (y[list(old_units)] < 41.8).all()
    window.undo_action.trigger()
    assert plan.n_territories == k and set(np.flatnonzero(plan.unit_territory == 0)) == units_before


def test_lock_tool_locks_items_and_a_lasso_leaves_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lock")
    drag(qtbot, window, BOX_2x2)
    ids = plan.units["unit_id"].to_numpy()
    locked_units = set(ids[plan.unit_locked])
    assert {"U00", "U01", "U10", "U11"} <= locked_units
    assert plan.account_locked.sum() > 0
    assert window.undo_stack.count() == 1  # one gesture, one step
    snapshot = plan.account_territory.copy()
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2)
    locked = plan.account_locked
    assert np.array_equal(plan.account_territory[locked], snapshot[locked])
    assert np.array_equal(
        plan.unit_territory[plan.unit_locked], make_plan().unit_territory[plan.unit_locked]
    )


def test_pin_tool_moves_accounts_and_boundaries_no_longer_move_them(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("pin")
    set_target(window, 2)
    drag(qtbot, window, BOX_2x2)
    pinned = np.flatnonzero(plan.account_pinned)
    assert len(pinned) > 0 and (plan.account_territory[pinned] == 2).all()
    # Moving their units elsewhere leaves the pinned accounts in territory 2.
    window.set_tool("lasso")
    set_target(window, 0)
    window.scope_combo.setCurrentIndex(window.scope_combo.findData("units"))
    drag(qtbot, window, BOX_2x2)
    assert (plan.account_territory[pinned] == 2).all()
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert not plan.account_pinned.any()
    assert np.array_equal(plan.account_territory, make_plan().account_territory)


def test_territory_name_rep_and_colour_edits_are_undoable(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.territory_dialog import TerritoryDialog, apply_territory_edits

    plan = window.plan
    assert plan is not None
    dialog = TerritoryDialog(window.context, 1)
    qtbot.addWidget(dialog)
    dialog.name.setText("Lakefront")
    dialog.rep.setCurrentIndex(dialog.rep.findData("R3"))
    values = dialog.values()
    values["color"] = "#ff0000"
    workload_before = plan.balance().values[1, plan.balance().column("workload")]
    assert apply_territory_edits(window.context, 1, values) == 3
    assert plan.territory_label(1) == "Lakefront" and plan.territories.at[1, "rep_id"] == "R3"
    assert plan.territories.at[1, "color"] == "#ff0000"
    qtbot.waitUntil(lambda: window.target_combo.itemText(1) == "Lakefront")
    # The rep's home moved, so travel and workload changed.
    assert plan.balance().values[1, plan.balance().column("workload")] != workload_before
    assert window.undo_stack.count() == 1
    window.undo_action.trigger()
    assert plan.territory_label(1) == "Territory 2" and plan.territories.at[1, "rep_id"] == "R2"
    assert plan.balance().values[1, plan.balance().column("workload")] == pytest.approx(
        workload_before
    )


def release_with(
    qtbot, window: MainWindow, path: list[tuple[float, float]], modifier: Qt.KeyboardModifier
) -> None:  # type: ignore[no-untyped-def]
    drag(qtbot, window, path, release=False)
    qtbot.mouseRelease(
        window.canvas, Qt.MouseButton.LeftButton, modifier, pos=screen(window, *path[-1])
    )


def test_pin_tool_leaves_accounts_of_a_locked_territory(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    plan.set_territory_field(0, "locked", True)  # the box lies in territory 0
    before = plan.account_territory.copy()
    window.set_tool("pin")
    set_target(window, 2)
    drag(qtbot, window, BOX_2x2)
    assert np.array_equal(plan.account_territory, before)
    assert not plan.account_pinned.any()
    assert window.undo_stack.count() == 0
    assert "locked" in window.statusBar().currentMessage()


def test_pin_tool_leaves_locked_accounts(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from planner.models.editing import accounts_inside, lasso_polygon

    plan = window.plan
    assert plan is not None
    # The lasso as the tool receives it: corners rounded to whole pixels.
    corners = [window.canvas.screen_to_lonlat(screen(window, *p).toPointF()) for p in BOX_2x2]
    lon, lat = np.array(corners).T
    inside = accounts_inside(plan, lasso_polygon(lon, lat).polygon)
    plan.set_account_flags(inside[:3], locked=np.ones(3, bool))
    window.set_tool("pin")
    set_target(window, 2)
    drag(qtbot, window, BOX_2x2)
    assert (plan.account_territory[inside[:3]] == 0).all()
    assert not plan.account_pinned[inside[:3]].any()
    assert plan.account_pinned[inside[3:]].all()
    assert "3 locked" in window.statusBar().currentMessage()


def test_lock_lasso_that_changes_nothing_adds_no_undo_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lock")
    # Unlocking what is not locked changes nothing.
    release_with(qtbot, window, BOX_2x2, Qt.KeyboardModifier.ShiftModifier)
    assert window.undo_stack.count() == 0
    assert window.statusBar().currentMessage().startswith("Nothing to unlock")
    drag(qtbot, window, BOX_2x2)
    assert window.undo_stack.count() == 1
    # Locking it again changes nothing either.
    drag(qtbot, window, BOX_2x2)
    assert window.undo_stack.count() == 1
    assert window.statusBar().currentMessage().startswith("Nothing to lock")


def test_lock_lasso_over_empty_ground_adds_no_undo_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    # A small lasso around a spot that holds no account and no unit centre.
    lon = plan.accounts["lon"].to_numpy()
    lat = plan.accounts["lat"].to_numpy()
    size = 0.01
    spots = [(-88.0 + 0.1 * c + 0.03, 41.5 + 0.1 * r + 0.03) for r in range(6) for c in range(6)]
    x0, y0 = next(
        (x, y)
        for x, y in spots
        if not ((abs(lon - x) < 2 * size) & (abs(lat - y) < 2 * size)).any()
    )
    path = [
        (x0 - size, y0 - size),
        (x0 + size, y0 - size),
        (x0 + size, y0 + size),
        (x0 - size, y0 + size),
        (x0 - size, y0 - size * 0.9),
    ]
    window.set_tool("lock")
    drag(qtbot, window, path)
    assert window.undo_stack.count() == 0
    assert not plan.unit_locked.any() and not plan.account_locked.any()
    assert window.statusBar().currentMessage().startswith("Nothing to lock")


def test_lasso_status_counts_held_accounts(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from planner.models.editing import accounts_inside, lasso_polygon

    plan = window.plan
    assert plan is not None
    lon, lat = np.array(BOX_2x2).T
    inside = accounts_inside(plan, lasso_polygon(lon, lat).polygon)
    plan.set_account_flags(inside[:4], locked=np.ones(4, bool))
    window.set_tool("lasso")
    set_target(window, 3)
    window.scope_combo.setCurrentIndex(window.scope_combo.findData("accounts"))
    drag(qtbot, window, BOX_2x2)
    assert "4 locked or pinned items kept" in window.statusBar().currentMessage()


def test_redo_shortcuts_are_unique_across_the_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction, QKeySequence

    redo = [k.toString() for k in window.redo_action.shortcuts()]
    assert "Ctrl+Y" in redo and "Ctrl+Shift+Z" in redo
    for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo):
        assert key.toString() in redo
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            owners.setdefault(key.toString(), []).append(action.text())
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_ctrl_shift_z_and_ctrl_y_redo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2)
    after = plan.account_territory.copy()
    window.undo_action.trigger()
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert np.array_equal(plan.account_territory, after)
    window.undo_action.trigger()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(plan.account_territory, after)


def test_ampersand_in_a_territory_name_shows_in_undo_and_redo(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    plan.set_territory_field(3, "name", "R&D")
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2)
    # Qt shows "&&" as "&"; a single "&" would vanish and underline the next letter.
    assert window.undo_action.text().endswith("to R&&D")
    assert window.undo_action.text().startswith("&Undo ")
    assert window.undo_stack.text(0).endswith("to R&D")  # the history list shows it as typed
    window.undo_action.trigger()
    assert window.redo_action.text().endswith("to R&&D")


def test_ampersand_in_a_recent_file_name_shows_in_the_menu(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.settings.setValue("recentFiles", ["/plans/R&D east.gpkg"])
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert texts == ["&1 /plans/R&&D east.gpkg"]


def test_freehand_loop_ending_where_it_began_draws_a_territory(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    k = plan.n_territories
    window.set_tool("draw")
    loop = [*BOX_2x2[:4], BOX_2x2[0]]  # released on the very pixel it was pressed
    drag(qtbot, window, loop)
    assert plan.n_territories == k + 1
    assert not window.tools["draw"].clicking
