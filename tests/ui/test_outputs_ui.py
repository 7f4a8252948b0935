"""UI tier: deviations shown as the workbook shows them, and the raw CRM CSV choice."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QTableWidget

from planner.io.export_xlsx import workload_note
from planner.ui.balance_panel import IN_BAND, BalanceModel
from planner.ui.export_dialog import ExportDialog, plan_copy
from planner.ui.optimise_dialog import IN_BAND as PREVIEW_IN_BAND
from planner.ui.optimise_dialog import OptimiseDialog
from tests.conftest import make_plan


def _edge_table(plan):  # type: ignore[no-untyped-def]
    """The plan's balance with deviations that round to -0.0 % and to the band's edge."""
    table = plan.balance()
    deviation = np.array(table.deviation, dtype=float, copy=True)
    tolerance = table.measures[0].tolerance
    deviation[0, 0] = -0.0004  # shows as 0.0 %, never -0.0 %
    deviation[1, 0] = tolerance + 0.0004  # shows as +10.0 %: inside a ±10 % band
    in_band = np.array(table.in_band, copy=True)
    in_band[1, 0] = False  # what the unrounded value says
    return dataclasses.replace(table, deviation=deviation, in_band=in_band), tolerance


def test_balance_panel_shows_and_colours_the_rounded_deviation(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(n_accounts=80, grid=4, n_territories=3, seed=2)
    table, tolerance = _edge_table(plan)
    model = BalanceModel()
    model.set_plan_table(plan, table)
    dev_col = BalanceModel.FIXED + 1  # the first measure's deviation column
    zero = model.data(model.index(0, dev_col), Qt.ItemDataRole.DisplayRole)
    assert zero == "+0.0 %" and "-0.0" not in zero
    edge = model.index(1, dev_col)
    assert model.data(edge, Qt.ItemDataRole.DisplayRole) == f"{tolerance * 100:+.1f} %"
    assert model.data(edge, Qt.ItemDataRole.BackgroundRole).color() == IN_BAND
    assert "within" in model.data(edge, Qt.ItemDataRole.ToolTipRole)


def test_optimise_preview_shows_and_colours_the_rounded_deviation(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(n_accounts=80, grid=4, n_territories=3, seed=2)
    table, tolerance = _edge_table(plan)
    key = table.measures[0].key
    result = SimpleNamespace(
        after=table,
        before=table,
        balanced=[key],
        optimised=np.ones(plan.n_territories, dtype=bool),
        territory_names=[plan.territory_label(i) for i in range(plan.n_territories)],
        status="ok",
        in_band_before=0,
        in_band_after=0,
        n_optimised=plan.n_territories,
        accounts_moved=0,
        disruption_accounts=0.0,
        disruption_revenue=0.0,
        units_moved=0,
        compactness_before_km=1.0,
        compactness_after_km=1.0,
        diameter_before_km=2.0,
        diameter_after_km=2.0,
        contiguous_before=True,
        contiguous_after=True,
        elapsed=0.1,
        shortfalls=[],
        messages=[],
        moves=[],
        change=SimpleNamespace(is_empty=True),
        options=SimpleNamespace(mode="rebalance", contiguity="required"),
        budget_line=lambda: "0 accounts (0.0 %) from the baseline",
    )
    # Only the widgets show_result fills are needed (no window, no optimiser run).
    dialog = OptimiseDialog.__new__(OptimiseDialog)
    QDialog.__init__(dialog)
    dialog.task = None
    qtbot.addWidget(dialog)
    dialog.preview = QTableWidget(dialog)
    dialog.summary = QLabel(dialog)
    dialog.notes = QPlainTextEdit(dialog)
    dialog.status = QLabel(dialog)
    dialog.show_result(result)  # type: ignore[arg-type]
    zero = dialog.preview.item(0, 1)
    assert zero.text() == "+0.0 % → +0.0 %"
    edge = dialog.preview.item(1, 1)
    shown = f"{tolerance * 100:+.1f} %"
    assert edge.text() == f"{shown} → {shown}"
    assert edge.background().color() == PREVIEW_IN_BAND


def test_export_dialog_asks_for_a_raw_csv(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(None, tmp_path, "plan")
    qtbot.addWidget(dialog)
    raw = dialog.csv_raw
    assert "raw ids, no formula protection" in raw.text()
    assert not raw.isEnabled(), "only with the CSV"
    dialog.checks["csv"].setChecked(True)
    assert raw.isEnabled() and not raw.isChecked()
    assert dialog.request().csv_raw is False, "safe CSV by default"
    raw.setChecked(True)
    assert dialog.request().csv_raw is True
    dialog.checks["csv"].setChecked(False)
    assert not raw.isEnabled() and dialog.request().csv_raw is False


def test_the_export_copy_keeps_which_routes_are_outdated() -> None:
    plan = make_plan(n_accounts=80, grid=4, n_territories=3, seed=2)
    plan.engine.set_routed_travel(np.full(plan.n_territories, 50.0))
    moved = np.flatnonzero(plan.account_territory == 0)[:1]
    plan.apply(plan.propose_account_move(moved, 1))
    snapshot = plan_copy(plan)()
    assert workload_note(snapshot) == workload_note(plan)
    assert "estimated since edits" in workload_note(snapshot)[0]
