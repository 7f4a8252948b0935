"""UI tier: the visit routes panel plans in the background, shows itineraries, draws and undoes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from planner.models.plan import Plan
from planner.optimise.visit_planning import ROUTE_STOPS_LAYER, ROUTES_LAYER
from planner.ui.main_window import MainWindow
from planner.ui.routes_panel import RoutesPanel
from tests.conftest import make_plan

FAST = {"iterations": 300, "start_date": date(2025, 1, 6)}


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    for task in list(w.tasks):
        task.cancel()
        task.wait()
    w.dirty = False
    w.close()
    w.deleteLater()


@pytest.fixture
def small() -> Plan:
    return make_plan(160, n_territories=2, seed=4)


def _panel(window: MainWindow, plan: Plan) -> RoutesPanel:
    panel = window.routes_panel
    window.set_plan(plan, None)
    panel.extra_options = dict(FAST)
    panel.weeks_spin.setValue(1)
    return panel


def _run(qtbot, panel: RoutesPanel) -> object:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.run_finished, timeout=30000) as blocker:
        panel.run_button.click()
    return blocker.args[0]


def test_plan_menu_action_and_dock_are_installed(qtbot, window: MainWindow, small: Plan) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(window, small)
    action = window.plan_routes_action
    assert action in window.menus["plan"].actions()
    assert action.shortcut().toString() == "Ctrl+Shift+R"
    assert window.routes_dock.toggleViewAction() in window.menus["view"].actions()
    window.routes_dock.hide()
    action.trigger()
    assert window.routes_dock.isVisible()
    # One entry per rep with a territory, plus "All reps".
    assert panel.rep_combo.count() == 1 + 2


def test_run_for_one_rep_shows_totals_itinerary_and_undo_restores(
    qtbot, window: MainWindow, small: Plan
) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(window, small)
    assert "estimated travel" in window.balance.summary.text()
    panel.rep_combo.setCurrentIndex(panel.rep_combo.findData("R1"))
    result = _run(qtbot, panel)
    assert result is not None
    # Model: routes stored for R1 only, routed travel for its territory only.
    routes = small.layers[ROUTES_LAYER]
    assert set(routes["rep_id"]) == {"R1"}
    assert np.isfinite(small.engine.routed_travel_hours[0])
    assert np.isnan(small.engine.routed_travel_hours[1])
    qtbot.waitUntil(lambda: "routed travel" in window.balance.summary.text())
    # Widgets: one totals row, the first day's itinerary in visiting order.
    assert panel.totals_table.rowCount() == 1
    assert panel.totals_table.item(0, 0).text() == "Rep 1 (R1)"
    stops = small.layers[ROUTE_STOPS_LAYER]
    first_day = sorted(set(stops["day"]))[0]
    assert panel.selected_day() == first_day
    expected = stops[stops["day"] == first_day].sort_values("seq")
    assert panel.itinerary_table.rowCount() == len(expected) > 0
    shown_ids = [panel.itinerary_table.item(r, 2).text() for r in range(len(expected))]
    assert [s.split("(")[-1].rstrip(")") for s in shown_ids] == list(expected["account_id"])
    assert panel.itinerary_table.item(0, 3).text() == expected["arrival"].iloc[0]
    # The map overlay holds that day's route, highlighted, with its stops in order.
    assert panel.overlay.selected == ("R1", first_day)
    assert len(panel.overlay.routes) == 1
    lon, _lat = panel.overlay.stops[("R1", first_day)]
    assert np.allclose(lon, expected.geometry.x.to_numpy())
    # Choosing "Every day" lists all of the rep's stops and draws every day, and stays chosen
    # when the plan announces a change.
    panel.day_combo.setCurrentIndex(0)
    assert panel.itinerary_table.rowCount() == len(stops)
    assert len(panel.overlay.routes) == len(routes)
    small.update_settings()  # announces SettingsChanged
    qtbot.waitUntil(lambda: not window.refresh.pending)
    assert panel.selected_day() == "" and panel.itinerary_table.rowCount() == len(stops)

    # One undo step takes the routes out and the estimate back.
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert ROUTES_LAYER not in small.layers
    assert np.isnan(small.engine.routed_travel_hours).all()
    qtbot.waitUntil(lambda: panel.totals_table.rowCount() == 0)
    assert panel.itinerary_table.rowCount() == 0
    assert panel.overlay.routes == []
    qtbot.waitUntil(lambda: "estimated travel" in window.balance.summary.text())
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: panel.totals_table.rowCount() == 1)


def test_all_reps_then_clear_is_undoable(qtbot, window: MainWindow, small: Plan) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(window, small)
    assert _run(qtbot, panel) is not None
    assert panel.totals_table.rowCount() == 2
    assert np.isfinite(small.engine.routed_travel_hours).all()
    # With all reps shown, the map draws every route in the rep's colour.
    assert len(panel.overlay.routes) == len(small.layers[ROUTES_LAYER])
    panel.clear_button.click()
    assert ROUTES_LAYER not in small.layers
    assert np.isnan(small.engine.routed_travel_hours).all()
    window.undo_stack.undo()
    assert len(small.layers[ROUTES_LAYER]) > 0
    assert np.isfinite(small.engine.routed_travel_hours).all()


def test_cancel_leaves_the_plan_unchanged(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(300, n_territories=2, seed=5)
    panel = _panel(window, plan)
    panel.weeks_spin.setValue(2)
    with qtbot.waitSignal(panel.run_finished, timeout=30000) as blocker:
        panel.run_button.click()
        assert panel.cancel_button.isEnabled()
        panel.cancel_button.click()
    assert blocker.args == [None]
    assert ROUTES_LAYER not in plan.layers
    assert window.undo_stack.count() == 0
    assert "unchanged" in panel.status.text()
    assert panel.run_button.isEnabled()


def test_cancel_during_the_search_stops_every_worker(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(200, n_territories=2, seed=6)
    panel = _panel(window, plan)
    # Without a cancel, each rep's search would run to its two-minute safety cap.
    panel.extra_options = {**FAST, "iterations": 10**9, "workers": 2}
    panel.run_button.click()
    qtbot.waitUntil(lambda: "as one problem" in panel.status.text(), timeout=120000)
    with qtbot.waitSignal(panel.run_finished, timeout=60000) as blocker:
        panel.cancel_button.click()
    assert blocker.args == [None]
    assert ROUTES_LAYER not in plan.layers
    assert multiprocessing.active_children() == []


def test_overlay_paints_numbered_stops_on_the_map(qtbot, window: MainWindow, small: Plan) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(window, small)
    panel.rep_combo.setCurrentIndex(panel.rep_combo.findData("R2"))
    _run(qtbot, panel)
    window.canvas.zoom_to_extent()
    lon, lat = panel.overlay.stops[panel.overlay.selected]  # type: ignore[index]
    x, y = window.canvas.lonlat_to_screen(float(lon[0]), float(lat[0]))
    image = window.canvas.grab().toImage()
    # The first stop is a filled disc in the day's colour with a white number.
    color = image.pixelColor(round(x) - 5, round(y))
    assert color.alpha() > 0 and (color.red(), color.green(), color.blue()) != (255, 255, 255)


def test_start_date_is_shown_and_changed_as_an_undo_step(
    qtbot, window: MainWindow, small: Plan, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    small.settings.routes_start_date = "2026-12-21"
    panel = _panel(window, small)
    panel.extra_options = {"iterations": 300}  # the start date comes from the plan
    # Model to widget: the setting, and the holidays the horizon skips.
    assert panel.start_edit.date() == QDate(2026, 12, 21)
    panel.weeks_spin.setValue(2)
    assert "Mon 21 Dec 2026 – Sun 03 Jan 2027" in panel.horizon_label.text()
    assert "Christmas Day (Fri 25 Dec)" in panel.horizon_label.text()
    assert panel.holidays_edit.text() == "US"
    assert panel.options().start_date == date(2026, 12, 21)
    # Widget to model: a Wednesday picks its week's Monday, as one undo step.
    panel.start_edit.setDate(QDate(2027, 1, 6))
    assert small.settings.routes_start_date == "2027-01-04"
    assert panel.start_edit.date() == QDate(2027, 1, 4)
    assert panel.options().start_date == date(2027, 1, 4)
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert small.settings.routes_start_date == "2026-12-21"
    qtbot.waitUntil(lambda: panel.start_edit.date() == QDate(2026, 12, 21))
    # The run plans from the shown date and books nothing on the holidays.
    panel.rep_combo.setCurrentIndex(panel.rep_combo.findData("R1"))
    result = _run(qtbot, panel)
    assert result is not None and result.start_date == date(2026, 12, 21)
    days = set(small.layers[ROUTE_STOPS_LAYER]["day"])
    assert days and not days & {"2026-12-25", "2027-01-01"}
    assert min(days) >= "2026-12-21"
    # The day's summary: leaving and returning home, totals.
    assert panel.day_label.text().startswith("Leave home ")
    # Itineraries for the chosen rep, written in the background.
    with qtbot.waitSignal(panel.itineraries_written, timeout=30000) as blocker:
        panel.write_itineraries(str(tmp_path / "itineraries"))
    files = blocker.args[0]
    assert [f.name for f in files] == ["R1 Rep 1 itinerary 2026-12-21.xlsx"]
    assert files[0].exists()


def test_holiday_calendar_is_edited_in_the_panel(qtbot, window: MainWindow, small: Plan) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(window, small)
    panel.holidays_edit.setText("US:CA")
    panel.holidays_edit.editingFinished.emit()
    assert (small.settings.holiday_country, small.settings.holiday_subdivision) == ("US", "CA")
    assert window.undo_stack.count() == 1
    panel.holidays_edit.setText("XX")
    panel.holidays_edit.editingFinished.emit()
    assert "unknown country 'XX'" in panel.status.text()
    assert small.settings.holiday_country == "US" and panel.holidays_edit.text() == "US:CA"
    panel.holidays_edit.setText("none")
    panel.holidays_edit.editingFinished.emit()
    assert small.settings.holiday_country == ""
    window.undo_stack.undo()
    assert small.settings.holiday_subdivision == "CA"
