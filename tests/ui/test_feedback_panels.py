"""Live feedback panels: problems, balance chart and disruption, in step with the plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from planner.models.plan import Plan
from planner.ui import balance_chart, basemap, disruption_panel
from planner.ui.balance_chart import BalanceChart
from planner.ui.main_window import MainWindow
from planner.ui.map_presenter import PlanMapPresenter
from planner.ui.problems_panel import ProblemsPanel
from tests.conftest import make_plan

LON0, LAT0, STEP = -88.0, 41.5, 0.1


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(settings)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.dirty = False
    w.close()
    w.deleteLater()


def split_plan() -> tuple[Plan, int]:
    """The grid plan with T4's unit (row 0, column 5) moved to T1: T1 in two parts."""
    plan = make_plan()
    far = 5
    plan.apply(plan.propose_unit_move(np.array([far]), 0))
    return plan, far


def click(qtbot, panel: ProblemsPanel, item) -> None:  # type: ignore[no-untyped-def]
    panel.tree.scrollToItem(item)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# -- problems -------------------------------------------------------------------------------


def test_problems_are_grouped_by_kind_with_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan, _ = split_plan()
    plan.apply(plan.propose_account_move(np.array([0, 1]), -1))
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.show_problems(plan)
    groups = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert groups == ["Unassigned accounts (1)", "Territories in separate parts (1)"]
    split = panel.group_item("non_contiguous")
    assert split is not None
    row = split.child(0)
    assert row.text(0).startswith("Territory 1 is in 2 separate parts")
    assert [row.child(i).text(0).split(",")[0] for i in range(row.childCount())] == [
        "Part 1: 12 units",
        "Part 2: 1 unit",
    ]
    assert panel.summary.text() == "2 problems"


def test_clicking_a_part_emits_its_box_and_its_units(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan, far = split_plan()
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_problems(plan)
    split = panel.group_item("non_contiguous")
    assert split is not None
    part = split.child(0).child(1)
    selected: list[tuple[str, list[int]]] = []
    panel.items_selected.connect(lambda kind, idx: selected.append((kind, list(idx))))
    with qtbot.waitSignal(panel.zoom_requested, timeout=2000) as blocker:
        click(qtbot, panel, part)
    assert blocker.args == pytest.approx([LON0 + 0.5, LAT0, LON0 + 0.6, LAT0 + STEP])
    assert selected == [("units", [far])]


def test_installed_problems_panel_follows_edits_and_zooms_the_map(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    panel = window.problems_panel
    assert isinstance(window.problems_dock, QDockWidget)
    assert window.problems_dock.windowTitle() == "Problems"
    plan = make_plan()
    window.set_plan(plan, None)
    window.problems_dock.raise_()
    qtbot.waitUntil(lambda: panel.summary.text() == "No problems")
    plan.apply(plan.propose_unit_move(np.array([5]), 0))  # model -> widget
    qtbot.waitUntil(lambda: panel.group_item("non_contiguous") is not None)
    split = panel.group_item("non_contiguous")
    assert split is not None
    window.problems_dock.raise_()
    qtbot.waitUntil(panel.tree.isVisible)
    row = split.child(0).child(1)
    with qtbot.waitSignal(window.canvas.view_changed, timeout=2000):
        click(qtbot, panel, row)  # widget -> map
    lon0, lat0, lon1, lat1 = window.canvas.view_bounds()
    assert lon0 <= LON0 + 0.5 and lon1 >= LON0 + 0.6 and lat0 <= LAT0 and lat1 >= LAT0 + 0.1
    assert lon1 - lon0 < 0.5, "zoomed in on the part, not the whole plan"
    assert window.balance.selected_territories() == [0]
    plan.apply(plan.propose_unit_move(np.array([5]), 3))  # undo by hand: problem gone
    qtbot.waitUntil(lambda: panel.summary.text() == "No problems")


# -- balance chart --------------------------------------------------------------------------


def test_chart_updates_bar_heights_in_place(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    names = [plan.territory_label(i) for i in range(plan.n_territories)]
    chart = BalanceChart()
    qtbot.addWidget(chart)
    chart.resize(700, 500)
    chart.show()
    qtbot.waitExposed(chart)
    before = plan.balance()
    chart.show(before, names)
    assert chart.heights() == pytest.approx(before.deviation * 100)
    draws = chart.full_draws
    collections = list(chart.bars)

    change = plan.propose_unit_move(np.array([0, 6, 12]), 3)
    after = plan.preview(change)
    chart.show(after, names, preview=True)
    assert chart.full_draws == draws, "an update blits, it does not draw the figure again"
    assert chart.bars == collections
    assert not chart.preview_label.isHidden()
    assert chart.heights() == pytest.approx(after.deviation * 100)
    assert not np.allclose(chart.heights(), before.deviation * 100)
    # The drawn bars themselves: the top of territory 4's workload bar.
    j = after.column("workload")
    drawn = chart.drawn_bars(j)
    assert len(drawn) == plan.n_territories
    left, top, _colour = drawn[3]
    assert left == pytest.approx(3 - 0.375)
    assert top == pytest.approx(after.deviation[3, j] * 100)

    chart.show(before, names)
    assert chart.preview_label.isHidden()
    assert chart.heights() == pytest.approx(before.deviation * 100)


def test_chart_colours_bars_outside_the_band(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    names = [plan.territory_label(i) for i in range(plan.n_territories)]
    chart = BalanceChart()
    qtbot.addWidget(chart)
    table = plan.balance()
    chart.show(table, names)
    for j in range(len(chart.bars)):
        drawn = chart.drawn_bars(j)  # sorted by left edge: territory order
        assert len(drawn) == plan.n_territories
        for i, (_left, top, colour) in enumerate(drawn):
            rgb = to_rgb(colour)
            grey = np.allclose(rgb, rgb[0])
            assert grey == bool(table.in_band[i, j])
            if not grey:  # red above the band, blue below
                assert (rgb[0] > rgb[2]) == (top > 0)


def test_chart_rejects_names_that_do_not_fit(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = BalanceChart()
    qtbot.addWidget(chart)
    with pytest.raises(ValueError, match="names must have one entry per territory"):
        chart.show(make_plan().balance(), ["only one"])


def test_installed_chart_follows_the_plan(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    chart = balance_chart.install(window.context)
    chart.dock.raise_()
    plan = make_plan()
    window.set_plan(plan, None)
    qtbot.waitUntil(lambda: chart.heights().shape == (4, 4))
    plan.apply(plan.propose_unit_move(np.array([0, 6, 12]), 3))
    expected = plan.balance().deviation * 100
    qtbot.waitUntil(lambda: np.allclose(chart.heights(), expected))


# -- disruption -----------------------------------------------------------------------------


def test_disruption_panel_shows_what_the_plan_reports(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = disruption_panel.install(window.context)
    panel.dock.raise_()
    plan = make_plan()
    window.set_plan(plan, None)
    qtbot.waitUntil(lambda: panel.disruption is not None)
    assert panel.disruption is not None and panel.disruption.accounts_moved == 0
    plan.apply(plan.propose_unit_move(np.array([0, 6, 12]), 3))
    plan.apply(plan.propose_account_move(np.array([399]), 1))
    d = plan.disruption()
    qtbot.waitUntil(lambda: panel.disruption is not None and panel.disruption.accounts_moved > 0)
    shown = panel.row_values()
    for i in range(plan.n_territories):
        assert shown[plan.territory_label(i)] == pytest.approx(
            (d.gained_accounts[i], d.lost_accounts[i], d.gained_revenue[i], d.lost_revenue[i])
        )
    text = panel.summary.text()
    assert f"<b>{d.accounts_moved:,}</b> of {d.accounts_total:,} accounts" in text
    assert f"${d.revenue_moved:,.0f}" in text


# -- basemap and colour by deviation ------------------------------------------------------


def test_basemap_draws_outlines_and_the_county_toggle_is_remembered(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    controller = basemap.install(window)
    assert controller.counties_action in window.menus["view"].actions()
    assert controller.counties_action.isChecked()
    assert len(controller.outlines.states) == 49
    assert len(controller.outlines.counties) > 3000
    assert window.canvas._basemap_path is not None
    with_counties = window.canvas._basemap_path.elementCount()
    controller.counties_action.setChecked(False)
    assert window.canvas._basemap_path.elementCount() < with_counties / 2
    assert window.settings.value("basemap/counties") in (False, "false")


def test_colour_by_deviation_uses_a_diverging_palette(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    window.set_plan(plan, None)
    presenter: PlanMapPresenter = window.presenter
    assert presenter.color_mode == "territory"
    presenter.set_color_mode(("deviation", "workload"))
    table = plan.balance()
    j = table.column("workload")
    colors = presenter.unit_colors()
    for u in range(plan.n_units):
        t = plan.unit_territory[u]
        dev = table.deviation[t, j]
        r, g, b, _a = (int(v) for v in colors[u])
        if table.in_band[t, j]:
            assert min(r, g, b) >= 225, "in band is near white"
        elif dev > 0:
            assert r > b, "over target is red"
        else:
            assert b > r, "under target is blue"
    label = presenter.label(0)
    assert label.startswith("Territory 1\n") and "%" in label
    presenter.set_color_mode("territory")
    assert np.array_equal(presenter.unit_colors(), presenter._palette(150)[plan.unit_territory + 1])


def test_shown_band_follows_the_rounded_rule_cell_by_cell() -> None:
    from planner.io.export_xlsx import shown_in_band
    from planner.models.balance import BalanceTable
    from planner.models.settings import MeasureSpec
    from planner.ui.balance_panel import shown_band

    rng = np.random.default_rng(5)
    edges = np.array([0.1, -0.1, 0.1004, 0.1005, 0.1006, -0.1005, 0.0995, 0.0994])
    deviation = np.r_[rng.normal(0, 0.15, 400), edges, [np.nan, np.inf, -np.inf, 0.0]]
    deviation = np.column_stack([deviation, deviation[::-1]])
    measures = [MeasureSpec("accounts", "Accounts", tolerance=0.1)] * 2
    table = BalanceTable(measures, deviation, None, np.ones(2), deviation, None, None)  # type: ignore[arg-type]
    expected = [[shown_in_band(float(d), 0.1) for d in row] for row in deviation]
    assert shown_band(table).tolist() == expected
