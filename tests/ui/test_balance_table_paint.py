"""The balance table during a preview: drawn from the model's cells, no layout per move."""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

from planner.ui.balance_panel import IN_BAND, OVER, UNDER, BalancePanel
from planner.ui.summary_line import SummaryLine, tabular_digits
from tests.conftest import make_plan


def _panel(qtbot, n_territories: int = 6):  # type: ignore[no-untyped-def]
    plan = make_plan(n_accounts=600, grid=6, n_territories=n_territories, seed=3)
    # Rep names wider than the column's header: the column is as wide as they are.
    plan.reps["name"] = [f"Representative {i} of the plan" for i in range(len(plan.reps))]
    panel = BalancePanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_balance(plan, plan.balance())
    return plan, panel


def _visible_indices(panel: BalancePanel) -> list[QModelIndex]:
    proxy = panel.proxy
    return [proxy.index(r, c) for r in range(proxy.rowCount()) for c in range(proxy.columnCount())]


def test_the_delegate_draws_the_text_colour_and_swatch_the_model_gives(qtbot) -> None:  # type: ignore[no-untyped-def]
    _plan, panel = _panel(qtbot)
    model, proxy, delegate = panel.model, panel.proxy, panel.delegate
    # Sorted by the workload's deviation, descending: view rows are not model rows.
    dev_col = model.FIXED + 1
    panel.view.sortByColumn(dev_col, Qt.SortOrder.DescendingOrder)
    for sort in (dev_col, 0):  # and again after a new sort (the row cache must follow)
        panel.view.sortByColumn(sort, Qt.SortOrder.DescendingOrder)
        for index in _visible_indices(panel):
            source = proxy.mapToSource(index)
            assert delegate.source_row(index) == source.row()
            text, align, background, swatch = model.cell(source.row(), source.column())
            assert text == model.data(source, Qt.ItemDataRole.DisplayRole)
            assert align == model.data(source, Qt.ItemDataRole.TextAlignmentRole) or (
                source.column() < 2
                and model.data(source, Qt.ItemDataRole.TextAlignmentRole) is None
            )
            wanted = model.data(source, Qt.ItemDataRole.BackgroundRole)
            assert (background is None) == (wanted is None)
            if wanted is not None:
                assert background.color() == wanted.color()
            decoration = model.data(source, Qt.ItemDataRole.DecorationRole)
            assert (swatch is None) == (decoration is None)
            if decoration is not None:
                assert swatch == decoration
    # What is painted: each deviation cell is filled with its band's colour, and the text
    # leaves dark pixels in every non-empty cell.
    panel.view.clearSelection()
    panel.view.setCurrentIndex(QModelIndex())
    panel.view.viewport().repaint()
    image = panel.view.viewport().grab().toImage()
    bands = {IN_BAND.rgb(), OVER.rgb(), UNDER.rgb()}
    checked = 0
    for index in _visible_indices(panel):
        rect = panel.view.visualRect(index)
        if not image.rect().contains(rect):
            continue
        source = proxy.mapToSource(index)
        text, _align, background, _swatch = model.cell(source.row(), source.column())
        corner = QColor(image.pixel(rect.left() + 1, rect.top() + 1)).rgb()
        if background is not None:
            assert corner == background.color().rgb() and corner in bands
        dark = [
            QColor(image.pixel(x, y)).lightness() < 110
            for x in range(rect.left() + 2, rect.right() - 1)
            for y in range(rect.top() + 2, rect.bottom() - 1)
        ]
        assert any(dark) == bool(text.strip()), (source.row(), source.column(), text)
        checked += 1
    assert checked > 20 and delegate.painted > 0
    # Columns sized to their contents by the base class: no text is cut short.
    assert delegate.elided == 0


def test_a_preview_changes_no_header_and_lays_out_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan, panel = _panel(qtbot)
    qtbot.waitUntil(lambda: panel.delegate.painted > 0)
    headers: list[tuple[object, ...]] = []
    panel.model.headerDataChanged.connect(lambda *a: headers.append(a))
    changed: list[tuple[int, int, int, int]] = []
    panel.model.dataChanged.connect(
        lambda tl, br, *_: changed.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    relayouts = panel.summary.relayouts
    table = plan.balance()
    col = panel.model.FIXED
    busiest = int(np.argmax(table.values[:, 0]))
    shown_before = panel.model.cell(busiest, col)[0]
    # A preview that moves the figures and the targets (the tooltips name the targets).
    moved = dataclasses.replace(
        table,
        values=table.values * 1.05,
        targets=table.targets * 1.05,
        deviation=table.deviation + 0.01,
    )
    panel.show_balance(plan, moved, preview=True)
    assert headers == [], "the header shows no target: nothing to announce"
    # Every row's figures moved; names, reps and quotas did not (not repainted).
    assert changed == [(0, panel.model.FIXED, len(table.values) - 1, panel.model.columnCount() - 1)]
    assert panel.summary.text().startswith("PREVIEW")
    assert panel.summary.relayouts == relayouts, "a text of the same height lays out nothing"
    shown = panel.model.cell(busiest, col)[0]
    assert shown != shown_before
    assert shown == panel.model.data(panel.model.index(busiest, col), Qt.ItemDataRole.DisplayRole)


def test_a_summary_line_asks_for_a_layout_only_when_its_height_changes(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    line = SummaryLine("one short line", host)
    host.resize(240, 200)
    line.setGeometry(0, 0, 240, line.height())
    host.show()
    qtbot.waitExposed(host)
    height, relayouts = line.height(), line.relayouts
    line.setText("another short line")
    assert line.height() == height and line.relayouts == relayouts
    assert line.text() == "another short line"
    # Digits all of one width: new figures wrap as the old ones did and are not measured.
    line.setText("<b>1,234</b> of 98,765 moved")
    measured = line.measured
    line.setText("<b>9,870</b> of 12,345 moved")
    same = tabular_digits(line.font())  # the fonts here have tabular digits; else measured
    assert line.measured == measured + (0 if same else 1)
    assert line.text() == "<b>9,870</b> of 12,345 moved"
    line.setText("<b>9,870</b> of 12,345 moved away")
    assert line.measured == measured + (1 if same else 2)
    line.setText(" ".join(["a much longer summary that wraps"] * 6))
    assert line.height() > height and line.relayouts == relayouts + 1
    line.setToolTip("the details")
    assert line.toolTip() == "the details"


def test_a_lasso_move_paints_the_map_once(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The refresh's recolour joins the frame the move asked for (the lasso line): one paint.

    The refresh is a posted event, delivered before the low-priority update requests of
    the widgets; as a 0 ms timer it ran after them and the map painted twice a move.
    """
    from tests.ui.test_tools import BOX_2x2, drag, screen, set_target

    canvas = window.canvas
    paints: list[int] = []

    class Counter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(1)
            return False

    counter = Counter()
    canvas.installEventFilter(counter)
    window.set_tool("lasso")
    set_target(window, 3)
    drag(qtbot, window, BOX_2x2[:3], release=False)
    qtbot.waitUntil(lambda: window.balance.model.preview)
    scheduler = window.context.refresh
    for lon, lat in [(-87.85, 41.69), (-87.9, 41.69), (-87.99, 41.69)]:
        qtbot.waitUntil(lambda: QApplication.processEvents() or not scheduler.pending)
        for _ in range(3):
            QApplication.processEvents()
        paints.clear()
        flushes = scheduler.flushes
        qtbot.mouseMove(canvas, screen(window, lon, lat))
        # Turns of the event loop as the edit_loop benchmark runs them, until idle.
        for _ in range(3):
            QApplication.processEvents()
        assert scheduler.flushes == flushes + 1
        assert len(paints) == 1, f"{len(paints)} paints of the map for one move"
    canvas.removeEventFilter(counter)


def test_a_preview_repaints_only_the_cells_whose_text_or_colour_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan, panel = _panel(qtbot)
    model = panel.model
    qtbot.waitUntil(lambda: panel.delegate.painted > 0)
    for r in range(model.rowCount()):
        model.cell(r, model.FIXED)  # every row painted once: its texts are kept
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, *_: changed.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    table = plan.balance()
    # Every deviation moves by far less than the shown digits; one row's second measure
    # value moves by a lot (its deviation too).
    values, deviation = table.values.copy(), table.deviation + 1e-9
    values[2, 1] *= 1.5
    deviation[2, 1] += 0.5
    panel.show_balance(
        plan, dataclasses.replace(table, values=values, deviation=deviation), preview=True
    )
    value_col, dev_col = model.FIXED + 2, model.FIXED + 3
    assert changed == [(2, value_col, 2, dev_col)]
    assert model.cell(2, value_col)[0] == model.data(
        model.index(2, value_col), Qt.ItemDataRole.DisplayRole
    )
