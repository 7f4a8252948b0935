"""Every view shows the model's numbers after any sequence of edits, undos and redos.

The edits go through the real widgets: the "Assign to" box, a lasso dragged with the mouse
on the map, the Undo and Redo actions. After each step the test waits for the one
refresh of the turn, then reads what the balance table, the chart's bars, the disruption
panel and the map's unit colours show, and compares it with the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, Qt

from planner.models.dissolve import dissolve_units
from planner.models.problems import find_problems
from planner.models.scenarios import compare_scenarios
from planner.ui.balance_chart import MAX_SHOWN_PERCENT
from planner.ui.balance_panel import SORT_ROLE
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan
from tests.ui.test_tools import drag

STEP, LON0, LAT0, GRID = 0.1, -88.0, 41.5, 6


@pytest.fixture
def shown_window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The window with the chart and disruption docks floated, so every view is visible."""
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    for dock in (
        w.balance_chart_dock,
        w.disruption_dock,
        w.problems_dock,
        w.scenarios_panel.parentWidget(),
    ):
        dock.setFloating(True)
        dock.show()
    yield w
    w.dirty = False
    w.close()
    w.deleteLater()


def box_path(r0: int, c0: int, r1: int, c1: int) -> list[tuple[float, float]]:
    """A lasso just inside the block of units rows r0..r1, columns c0..c1."""
    lon_a, lon_b = LON0 + c0 * STEP + 0.01, LON0 + (c1 + 1) * STEP - 0.01
    lat_a, lat_b = LAT0 + r0 * STEP + 0.01, LAT0 + (r1 + 1) * STEP - 0.01
    return [(lon_a, lat_a), (lon_b, lat_a), (lon_b, lat_b), (lon_a, lat_b), (lon_a, lat_a + 0.005)]


def assert_views_agree(window: MainWindow) -> None:
    plan = window.plan
    assert plan is not None
    table = plan.balance()
    model = window.balance.model
    assert not model.preview
    for j, _spec in enumerate(table.measures):
        shown = [
            model.index(r, model.FIXED + 2 * j).data(SORT_ROLE) for r in range(plan.n_territories)
        ]
        assert shown == pytest.approx(list(table.values[:, j]), nan_ok=True)
    deviation = np.clip(np.nan_to_num(table.deviation * 100), -MAX_SHOWN_PERCENT, MAX_SHOWN_PERCENT)
    assert window.balance_chart.heights() == pytest.approx(deviation)
    d = plan.disruption()
    rows = window.disruption_panel.row_values()
    for i in range(plan.n_territories):
        assert rows[plan.territory_label(i)] == pytest.approx(
            (d.gained_accounts[i], d.lost_accounts[i], d.gained_revenue[i], d.lost_revenue[i])
        )
    palette = window.presenter._palette(150)
    assert np.array_equal(window.canvas._unit_rgba, palette[plan.unit_territory + 1])
    # Outlines (updated from the pieces an edit moved) cover what a full dissolve covers,
    # and every label reads the territory's numbers now.
    canvas = window.canvas
    units = plan.units.geometry.to_numpy()
    for t, shown in enumerate(canvas._terr_geoms):
        full = dissolve_units(units[plan.unit_territory == t])
        if full is None:
            assert shown is None
        else:
            assert shapely.area(shapely.symmetric_difference(shown, full)) < 1e-9 * full.area
    names = plan.territory_names()
    assert canvas._terr_texts == [window.presenter.label(i, table, n) for i, n in enumerate(names)]
    # The comparison of scenarios and the problems list, as a fresh computation gives them.
    panel = window.scenarios_panel
    checked = panel.checked()
    if checked:
        fresh = compare_scenarios(plan, checked)
        shown_cells = [
            [panel.table.item(r, c).text() for c in range(panel.table.columnCount())]
            for r in range(panel.table.rowCount())
        ]
        expected = [
            ["–" if not np.isfinite(v) else f"{v:,.1f}" for v in values]
            for _key, _label, values in fresh.rows()
        ]
        assert shown_cells == expected
    problems = window.problems_panel
    assert [p.message for p in problems.problems] == [p.message for p in find_problems(plan)]


blocks = st.tuples(
    st.integers(0, GRID - 1), st.integers(0, GRID - 1), st.integers(0, 2), st.integers(0, 2)
).map(lambda b: (b[0], b[1], min(b[0] + b[2], GRID - 1), min(b[1] + b[3], GRID - 1)))
steps = st.one_of(
    st.tuples(st.just("lasso"), blocks, st.integers(-1, 3)),
    st.just(("undo",)),
    st.just(("redo",)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=6))
def test_every_view_shows_the_models_numbers(qtbot, shown_window: MainWindow, sequence) -> None:  # type: ignore[no-untyped-def]
    window = shown_window
    window.set_plan(make_plan(), None)
    window.canvas.zoom_to_extent()
    window.set_tool("lasso")
    for step in sequence:
        if step[0] == "lasso":
            _kind, block, target = step
            combo = window.target_combo
            combo.setCurrentIndex(combo.findData(target))
            assert window.editing.target == target
            drag(qtbot, window, box_path(*block))
        elif step[0] == "undo":
            window.undo_action.trigger()
        else:
            window.redo_action.trigger()
        qtbot.waitUntil(lambda: not window.refresh.pending)
        assert_views_agree(window)
    window.plan.check_invariant()  # type: ignore[union-attr]
    window.undo_stack.clear()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
