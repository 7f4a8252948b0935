"""Import Actuals, the Performance dock, attainment colours and the heat layer, in the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.models.actuals import ACTUALS_TABLE, periods, replace_periods
from planner.models.plan import Plan
from planner.ui.actuals_dialog import ActualsDialog, run_import
from planner.ui.attainment_map import attainment_rgb, territory_attainment
from planner.ui.heat_render import density_grid, smooth
from planner.ui.main_window import MainWindow


def _csv(path: Path, plan: Plan, quarter: str, factor: dict[str, float]) -> Path:
    frame = plan.accounts_frame()
    revenue = [10_000.0 * factor.get(t, 1.0) for t in frame["territory_id"]]
    pd.DataFrame(
        {"Account ID": frame["account_id"], "Quarter": quarter, "Net Sales": revenue}
    ).to_csv(path, index=False)
    return path


def _set_quotas(plan: Plan) -> None:
    counts = np.bincount(plan.account_territory[plan.account_territory >= 0])
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "quota", float(counts[i]) * 40_000.0)  # 10,000 a quarter


def _import(qtbot, window: MainWindow, path: Path) -> None:  # type: ignore[no-untyped-def]
    before = window.undo_stack.count()
    from planner.ui import actuals_dialog

    shown: list[str] = []
    original = actuals_dialog.ReportDialog.exec
    actuals_dialog.ReportDialog.exec = lambda self: shown.append(self.text.toPlainText()) or 0  # type: ignore[method-assign]
    try:
        run_import(window, path, None, {}, None)
        qtbot.waitUntil(lambda: window.undo_stack.count() > before, timeout=20_000)
        # The views (the colour menu among them) follow on the event loop's next turn.
        qtbot.waitUntil(lambda: not window.refresh.pending)
    finally:
        actuals_dialog.ReportDialog.exec = original  # type: ignore[method-assign]
    assert shown and "rows read" in shown[0]


def test_import_adds_a_period_reimport_replaces_it_and_undo_restores(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    _set_quotas(plan)
    assert ("attainment", "") not in window.colour_actions
    _import(qtbot, window, _csv(tmp_path / "q2.csv", plan, "2026-Q2", {}))
    assert ("attainment", "") in window.colour_actions  # View > Colour Territories By
    _import(qtbot, window, _csv(tmp_path / "q3.csv", plan, "2026-Q3", {}))
    assert periods(plan) == ["2026-Q2", "2026-Q3"]
    first_q3 = plan.tables[ACTUALS_TABLE].query("period == '2026-Q3'")["revenue"].sum()
    _import(qtbot, window, _csv(tmp_path / "q3b.csv", plan, "2026-Q3", {"T1": 2.0}))
    table = plan.tables[ACTUALS_TABLE]
    assert (table["period"] == "2026-Q3").sum() == plan.n_accounts  # replaced, not doubled
    assert table.query("period == '2026-Q3'")["revenue"].sum() > first_q3
    assert window.undo_stack.undoText().startswith("Import actuals 2026-Q3")
    window.undo_stack.undo()
    table = plan.tables[ACTUALS_TABLE]
    assert table.query("period == '2026-Q3'")["revenue"].sum() == first_q3
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert ACTUALS_TABLE not in plan.tables
    assert window.dirty


def test_dialog_detects_the_columns(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    path = _csv(tmp_path / "a.csv", plan, "Q3 2026", {})
    dialog = ActualsDialog(window)
    qtbot.addWidget(dialog)
    dialog.set_file(str(path))
    assert dialog.combos["Account ID"].currentData() == "account_id"
    assert dialog.combos["Quarter"].currentData() == "period"
    assert dialog.combos["Net Sales"].currentData() == "revenue"
    dialog.combos["Net Sales"].setCurrentIndex(dialog.combos["Net Sales"].findData("ignore"))
    assert dialog.overrides()["Net Sales"] == "ignore"


def _store(plan: Plan, factor: dict[str, float], quarter: str = "2026-Q3") -> None:
    frame = plan.accounts_frame()
    rows = pd.DataFrame(
        {
            "account_id": frame["account_id"],
            "period": quarter,
            "revenue": [10_000.0 * factor.get(t, 1.0) for t in frame["territory_id"]],
        }
    )
    replace_periods(plan, [quarter], rows)


def test_map_colours_follow_attainment(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    _set_quotas(plan)
    _store(plan, {"T1": 0.6, "T2": 1.4})
    window.presenter.set_color_mode(("attainment", ""))
    pct = territory_attainment(plan)
    assert pct[0] == 60.0 and pct[1] == 140.0 and abs(pct[2] - 100.0) < 1e-9
    colours = window.presenter.unit_colors()
    red = colours[plan.unit_territory == 0][0]
    blue = colours[plan.unit_territory == 1][0]
    white = colours[plan.unit_territory == 2][0]
    assert red[0] > red[2] and blue[2] > blue[0] and abs(int(white[0]) - int(white[2])) < 10
    np.testing.assert_array_equal(red[:3], attainment_rgb(np.array([60.0]))[0])
    # New actuals recolour the map: the presenter follows the plan's ActualsChanged on the
    # next refresh (once per event-loop turn, like every view).
    _store(plan, {"T1": 1.4, "T2": 0.6})
    assert window.refresh.pending
    window.refresh.flush()
    colours = window.presenter.unit_colors()
    assert colours[plan.unit_territory == 0][0][2] > colours[plan.unit_territory == 0][0][0]
    assert "140 % of quota" in window.presenter.label(0)


def test_performance_dock_lists_candidates_and_draws_the_trend(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    _set_quotas(plan)
    _store(plan, {}, "2026-Q2")
    _store(plan, {"T3": 0.4}, "2026-Q3")
    panel = window.performance_panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == plan.n_territories, timeout=5000)
    assert panel.result.period == "2026-Q3"
    flagged = panel.result.candidates["id"].tolist()
    assert flagged == ["T3"]
    row = panel.result.frame["id"].tolist().index("T3")
    assert "points below" in panel.table.item(row, 7).text()
    window.select_territories([2])
    qtbot.waitUntil(
        lambda: (
            len(panel.figure.axes) == 1
            and any(
                line.get_label() == plan.territory_label(2) for line in panel.figure.axes[0].lines
            )
        ),
        timeout=5000,
    )
    lines = panel.figure.axes[0].lines
    highlighted = next(ln for ln in lines if ln.get_label() == plan.territory_label(2))
    np.testing.assert_allclose(highlighted.get_ydata(), [100.0, 40.0])
    panel.colour.setChecked(True)
    assert window.presenter.color_mode == ("attainment", "2026-Q3")


def test_heat_layer_follows_the_measure_and_the_view(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = window.plan
    assert plan is not None
    lon = plan.accounts["lon"].to_numpy()
    lat = plan.accounts["lat"].to_numpy()
    # All the potential in the west third, all the revenue in the east third.
    west, east = lon < np.quantile(lon, 0.33), lon > np.quantile(lon, 0.67)
    plan.accounts["potential"] = np.where(west, 1e6, 0.0)
    plan.accounts["revenue"] = np.where(east, 1e6, 0.0)
    heat = window.heat
    canvas = window.canvas

    def hottest_x() -> float:
        found = heat.layer.image_for_view(canvas)
        assert found is not None
        rendered, target = found
        image = rendered.image
        ptr = image.constBits()
        pixels = np.frombuffer(ptr, dtype=np.uint32).reshape(image.height(), image.width())
        alpha = pixels >> 24
        col = np.unravel_index(int(np.argmax(alpha)), alpha.shape)[1]
        return float(target.left() + (col + 0.5) * target.width() / image.width())

    heat.set_measure("potential")
    x_potential = hottest_x()
    x_west, _ = canvas.lonlat_to_screen(float(np.median(lon[west])), float(np.median(lat)))
    x_east, _ = canvas.lonlat_to_screen(float(np.median(lon[east])), float(np.median(lat)))
    assert abs(x_potential - x_west) < abs(x_potential - x_east)
    heat.set_measure("revenue")
    x_revenue = hottest_x()
    assert abs(x_revenue - x_east) < abs(x_revenue - x_west)
    # A small pan reuses the image, shifted with the map; a zoom renders it again.
    renders = heat.layer.renders
    canvas.pan_by(40, 0)
    assert abs(hottest_x() - (x_revenue + 40)) < 1e-6
    assert heat.layer.renders == renders
    canvas.zoom_at(2.0, canvas.rect().center().toPointF())
    heat.layer.image_for_view(canvas)
    assert heat.layer.renders == renders + 1
    heat.set_measure(None)
    assert heat.layer.empty


def test_density_grid_and_smoothing_keep_the_total() -> None:
    x = np.array([0.5, 1.5, 1.5, 9.0])
    y = np.array([-0.5, -0.5, -0.5, 0.0])
    grid = density_grid(x, y, np.array([1.0, 2.0, 3.0, 7.0]), 0.0, 0.0, 1.0, 4, 2)
    assert grid[0, 0] == 1.0 and grid[0, 1] == 5.0 and grid.sum() == 6.0  # the far point is out
    big = np.zeros((30, 30))
    big[15, 15] = 9.0
    s = smooth(big, radius=2)
    assert abs(s.sum() - 9.0) < 1e-9 and s[15, 15] < 9.0 and s[15, 16] > 0


def test_quota_per_metric_set_from_the_dock_is_one_undo_step(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from planner.models.performance import annual_quotas

    plan = window.plan
    assert plan is not None
    panel = window.performance_panel
    panel.set_quota(1, "gross_margin", 12_345.0)
    assert annual_quotas(plan, "gross_margin")[1] == 12_345.0
    assert window.undo_stack.undoText() == "Set gross margin quota of Territory 2"
    panel.set_quota(1, "revenue", 99_000.0)
    assert plan.territories.at[1, "quota"] == 99_000.0
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert np.isnan(annual_quotas(plan, "gross_margin")[1])
    assert np.isnan(plan.territories.at[1, "quota"])
