"""The balance panel: territories × measures with value, deviation and in-band colouring."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPalette, QStaticText
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.io.export_xlsx import shown_deviation, shown_in_band, workload_note
from planner.models.balance import BalanceTable, utilisation
from planner.models.capacity import territory_capacity_hours
from planner.models.hierarchy import TERRITORY_LEVEL, Hierarchy, hierarchy, plural, rollup
from planner.models.i18n import gettext as export_text
from planner.models.plan import Disruption, Plan
from planner.models.settings import format_value
from planner.ui.i18n import measure_label, money, num, percent, translate
from planner.ui.summary_line import SummaryLine

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
IN_BAND = QColor("#d9f0d3")
OVER = QColor("#f4c7c3")
UNDER = QColor("#c6dbef")

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_IN_BAND_BRUSH, _OVER_BRUSH, _UNDER_BRUSH = QBrush(IN_BAND), QBrush(OVER), QBrush(UNDER)


def format_deviation(dev: float) -> str:
    """``+4.2 %``: rounded to 0.1 % as the workbook shows it, never ``-0.0 %``."""
    shown = shown_deviation(dev)
    if not np.isfinite(shown):
        return "–"
    return percent(shown, 1, signed=True)


def shown_band(table: BalanceTable) -> np.ndarray:
    """Per territory and measure, whether the *shown* deviation is inside its band.

    Decided on the rounded value, so a cell reading ``+10.0 %`` is green in a ±10 %
    band (the workbook and the HTML map use the same rule).
    """
    tolerances = np.array([m.tolerance for m in table.measures], dtype=float)
    deviation = np.asarray(table.deviation, dtype=float).reshape(-1, len(tolerances))
    # Rounding to 0.1 % moves a value by 0.0005 at most: only values that close to the
    # band's edge need the exact rule (300 territories a preview made the loop count).
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(deviation) & (np.abs(deviation) <= tolerances)
        near = np.isfinite(deviation) & (np.abs(np.abs(deviation) - tolerances) < 1e-3)
    for i, j in np.argwhere(near).tolist():
        inside[i, j] = shown_in_band(float(deviation[i, j]), float(tolerances[j]))
    return inside


_ROLES = frozenset(
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        SORT_ROLE,
    )
)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equality with NaN equal to NaN."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


class BalanceModel(QAbstractTableModel):
    """Rows are territories; per measure a value column and a deviation column.

    The last column is the utilisation: workload ÷ the capacity of the row's rep (the
    plan's default capacity without a rep; summed over the territories of a parent row),
    flagged "!" and shaded above 100 %.
    """

    FIXED = 3  # territory, rep, quota

    def __init__(self) -> None:
        super().__init__()
        self.table: BalanceTable | None = None
        #: What a row is: "Territory", or a hierarchy level ("District", "Region"...).
        self.level = "Territory"
        self.names: list[str] = []
        self.reps: list[str] = []
        self.colors: list[str] = []
        self.quotas = np.zeros(0)
        self.currency = "$"
        self.preview = False
        #: Utilisation per row (fraction; NaN when the plan balances no workload).
        self.utilisation = np.zeros(0)
        self.over_capacity = np.zeros(0, dtype=bool)
        self.capacity = np.zeros(0)
        self._text_cache: dict[int, list[str]] = {}
        #: Rows the view shows (None: not known); a preview compares only their texts.
        self.visible_rows: frozenset[int] | None = None
        self._background_cache: dict[int, list[QBrush]] = {}
        self._plan: Plan | None = None
        #: Rows told to repaint by the last in-place update (tests count them).
        self.last_changed_rows = np.zeros(0, dtype=np.intp)

    def set_plan_table(
        self,
        plan: Plan,
        table: BalanceTable,
        preview: bool = False,
        groups: tuple[list[str], list[list[int]]] | None = None,
        level: str = "Territory",
        group_colors: list[str] | None = None,
    ) -> bool:
        """Show ``table`` for ``plan``; a structural reset only when the shape changes.

        Returns True when the model was reset (new rows or columns), False when only the
        values changed in place.

        With ``groups`` (node names and their territory indices) the rows are the nodes
        of hierarchy ``level`` and ``table`` is their rolled-up balance.
        """
        if (
            preview
            and groups is None
            and self._plan is plan
            and self.level == level
            and self.table is not None
            and self.table.values.shape == table.values.shape
            and [m.key for m in self.table.measures] == [m.key for m in table.measures]
        ):
            # A preview moves accounts only (an edit to anything else arrives as an applied
            # change first): names, reps, quotas, colours and capacity stay; only the rows
            # whose figures differ are formatted and repainted again.
            self._show_values(table, preview)
            return False
        self._plan = plan
        rep_names = dict(zip(plan.reps["rep_id"], plan.reps["name"], strict=True))
        quotas = plan.territories["quota"].to_numpy(dtype=float)
        colors = list(plan.territories["color"])
        if groups is None:
            names = plan.territory_names()
            reps = [str(rep_names.get(r, r or "")) for r in plan.territories["rep_id"]]
        else:
            names, members = groups
            reps = [f"{len(m)} {'territory' if len(m) == 1 else 'territories'}" for m in members]
            quotas = np.array(
                [np.nansum(quotas[m]) if np.isfinite(quotas[m]).any() else np.nan for m in members]
            )
            colors = group_colors or [colors[m[0]] if m else "#c8c8c8" for m in members]
        capacity = territory_capacity_hours(plan)
        if groups is not None:
            capacity = np.array([float(capacity[m].sum()) for m in groups[1]])
        keys = [m.key for m in table.measures]
        load = (
            table.values[:, keys.index("workload")]
            if "workload" in keys
            else np.full(len(capacity), np.nan)
        )
        self.capacity = capacity
        self.utilisation, self.over_capacity = utilisation(load, capacity)
        same_shape = (
            self.table is not None
            and self.table.values.shape == table.values.shape
            and [m.key for m in self.table.measures] == [m.key for m in table.measures]
            and self.level == level
        )
        self.level = level
        self.names, self.reps = names, reps
        self.quotas = quotas
        self.colors = colors
        self.currency = plan.settings.currency
        self.preview = preview
        self._text_cache, self._background_cache = {}, {}
        if same_shape:
            assert self.table is not None
            headers_same = [(m.label, m.tolerance) for m in self.table.measures] == [
                (m.label, m.tolerance) for m in table.measures
            ]
            self.table = table
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )
            if not headers_same:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return False
        self.beginResetModel()
        self.table = table
        self.endResetModel()
        return True

    def _show_values(self, table: BalanceTable, preview: bool) -> None:
        """New figures for the same rows and columns: repaint the rows that changed."""
        old = self.table
        assert old is not None
        keys = [m.key for m in table.measures]
        load = (
            table.values[:, keys.index("workload")]
            if "workload" in keys
            else np.full(len(self.capacity), np.nan)
        )
        old_share, old_over = self.utilisation, self.over_capacity
        self.utilisation, self.over_capacity = utilisation(load, self.capacity)
        self.preview = preview
        changed = ~(_same(old.values, table.values) & _same(old.deviation, table.deviation)).all(
            axis=1
        )
        headers_same = [(m.label, m.tolerance) for m in old.measures] == [
            (m.label, m.tolerance) for m in table.measures
        ]
        self.table = table
        rows = np.flatnonzero(changed)
        self.last_changed_rows = rows
        last = self.columnCount() - 1
        util = self.utilisation_column()
        # Only the cells whose text or colour changed: a workload target that moves a
        # little moves every row's deviation, but few of them show another figure. A
        # row in view painted before (its texts kept) is compared; the others are
        # announced whole (formatting 300 rows to compare them cost more than painting).
        spans: list[tuple[int, int, int]] = []
        visible = self.visible_rows
        for r in rows.tolist():
            texts = self._text_cache.pop(r, None)
            brushes = self._background_cache.pop(r, None)
            if (
                texts is None
                or brushes is None
                or r >= len(old_share)
                or (visible is not None and r not in visible)
            ):
                spans.append((r, self.FIXED, last))
                continue
            columns = [
                self.FIXED + i
                for i, (a, b) in enumerate(zip(texts, self._texts(r), strict=True))
                if a != b
            ]
            columns += [
                self.FIXED + 2 * j + 1
                for j, (a, b) in enumerate(zip(brushes, self._backgrounds(r), strict=True))
                if a is not b
            ]
            if _utilisation_text(old_share[r], old_over[r]) != _utilisation_text(
                self.utilisation[r], self.over_capacity[r]
            ):
                columns.append(util)
            ordered = sorted(set(columns))
            runs = np.split(ordered, np.flatnonzero(np.diff(ordered) > 1) + 1) if ordered else []
            spans += [(r, int(run[0]), int(run[-1])) for run in runs]
        # Consecutive rows with the same columns in one signal; name, rep and quota stay
        # while accounts move.
        i = 0
        while i < len(spans):
            r, c0, c1 = spans[i]
            j = i + 1
            while j < len(spans) and spans[j] == (spans[j - 1][0] + 1, c0, c1):
                j += 1
            self.dataChanged.emit(self.index(r, c0), self.index(spans[j - 1][0], c1))
            i = j
        # The targets (mean workload...) move with every preview, but a header shows them
        # only in its tooltip, asked for when shown: announcing them made the header size
        # its sections again and the table repaint a second time per move.
        if not headers_same:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.table is None else self.table.values.shape[0]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return (
            0
            if parent.isValid() or self.table is None
            else self.FIXED + 2 * len(self.table.measures) + 1
        )

    def utilisation_column(self) -> int:
        """Index of the utilisation column (the last)."""
        return self.FIXED + 2 * (len(self.table.measures) if self.table is not None else 0)

    def _measure(self, column: int) -> tuple[int, bool]:
        """Measure index and whether the column is the deviation column."""
        j = column - self.FIXED
        return j // 2, bool(j % 2)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if self.table is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                # The hierarchy's own level names (District, Region) show as the plan has them.
                return (
                    translate("BalancePanel", "Territory")
                    if self.level == "Territory"
                    else self.level
                )
            if section == 1:
                return (
                    translate("BalancePanel", "Rep")
                    if self.level == "Territory"
                    else translate("BalancePanel", "Territories")
                )
            if section == 2:
                return translate("BalancePanel", "Quota")
            if section == self.utilisation_column():
                return translate("BalancePanel", "Utilisation")
            j, is_dev = self._measure(section)
            spec = self.table.measures[j]
            if is_dev:
                return f"Δ ±{num(spec.tolerance * 100)}%"
            return measure_label(spec.label)
        if role == Qt.ItemDataRole.ToolTipRole and section == self.utilisation_column():
            return translate(
                "BalancePanel",
                "Workload ÷ the rep's capacity (hours a year; the plan's default capacity "
                "without a rep). ! = over 100 %",
            )
        if role == Qt.ItemDataRole.ToolTipRole and section >= self.FIXED:
            j, _ = self._measure(section)
            spec = self.table.measures[j]
            target = format_value(self.table.targets[j], spec, self.currency)
            how = (
                translate("BalancePanel", "set target")
                if spec.target is not None
                else translate("BalancePanel", "mean of territories")
            )
            return translate(
                "BalancePanel", "{measure}: target {target} ({how}), band ±{band} %"
            ).format(
                measure=measure_label(spec.label),
                target=target,
                how=how,
                band=num(spec.tolerance * 100),
            )
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # A paint asks each cell for about ten roles; most are answered here at once.
        if role not in _ROLES or self.table is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if col == 2:
            quota = float(self.quotas[row]) if row < len(self.quotas) else float("nan")
            if role == Qt.ItemDataRole.DisplayRole:
                return money(quota, self.currency)
            if role == SORT_ROLE:
                return quota if np.isfinite(quota) else -1.0
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if col < self.FIXED:
            text = self.names[row] if col == 0 else self.reps[row]
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return text
            if role == Qt.ItemDataRole.DecorationRole and col == 0:
                return QColor(self.colors[row])
            return None
        if col == self.utilisation_column():
            return self._utilisation_data(row, role)
        j, is_dev = self._measure(col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(row)[col - self.FIXED]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._backgrounds(row)[j] if is_dev else None
        if role not in (SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
            return None
        spec = self.table.measures[j]
        value = float(self.table.values[row, j])
        dev = float(self.table.deviation[row, j])
        if role == SORT_ROLE:
            return dev if is_dev else value
        in_band = shown_in_band(dev, spec.tolerance)
        if role == Qt.ItemDataRole.ToolTipRole:
            target = format_value(self.table.targets[j], spec, self.currency)
            return (
                translate(
                    "BalancePanel",
                    "{name}: {measure} {value}, target {target}, {deviation} (within ±{band} %)",
                )
                if in_band
                else translate(
                    "BalancePanel",
                    "{name}: {measure} {value}, target {target}, {deviation} (outside ±{band} %)",
                )
            ).format(
                name=self.names[row],
                measure=measure_label(spec.label),
                value=format_value(value, spec, self.currency),
                target=target,
                deviation=format_deviation(dev),
                band=num(spec.tolerance * 100),
            )
        return None

    def cell(self, row: int, col: int) -> tuple[str, int, QBrush | None, QColor | None]:
        """What a cell shows: text, alignment, background (None: the view's) and swatch.

        The delegate draws exactly this; ``data()`` answers the same for each role.
        """
        if col == 2:
            quota = float(self.quotas[row]) if row < len(self.quotas) else float("nan")
            return money(quota, self.currency), _RIGHT, None, None
        if col < self.FIXED:
            if col == 0:
                return self.names[row], _LEFT, None, QColor(self.colors[row])
            return self.reps[row], _LEFT, None, None
        if col == self.utilisation_column():
            text = self._utilisation_data(row, Qt.ItemDataRole.DisplayRole)
            over = bool(self.over_capacity[row]) if row < len(self.over_capacity) else False
            return str(text), _RIGHT, _OVER_BRUSH if over else None, None
        j, is_dev = self._measure(col)
        return (
            self._texts(row)[col - self.FIXED],
            _RIGHT,
            self._backgrounds(row)[j] if is_dev else None,
            None,
        )

    def _texts(self, row: int) -> list[str]:
        """Display texts of a row's measure columns, formatted once per table shown.

        Rows are formatted when first painted: of 300 territories a dock shows about 20.
        """
        texts = self._text_cache.get(row)
        if texts is None:
            assert self.table is not None
            table, currency = self.table, self.currency
            texts = [
                text
                for j, spec in enumerate(table.measures)
                for text in (
                    format_value(float(table.values[row, j]), spec, currency),
                    format_deviation(float(table.deviation[row, j])),
                )
            ]
            self._text_cache[row] = texts
        return texts

    def _backgrounds(self, row: int) -> list[QBrush]:
        """A row's deviation cell colours (in band, over, under), decided once per table."""
        brushes = self._background_cache.get(row)
        if brushes is None:
            assert self.table is not None
            table = self.table
            brushes = [
                _IN_BAND_BRUSH
                if shown_in_band(float(d), spec.tolerance)
                else (_OVER_BRUSH if d > 0 else _UNDER_BRUSH)
                for d, spec in zip(table.deviation[row], table.measures, strict=True)
            ]
            self._background_cache[row] = brushes
        return brushes

    def _utilisation_data(self, row: int, role: int) -> object:
        share = float(self.utilisation[row]) if row < len(self.utilisation) else float("nan")
        over = bool(self.over_capacity[row]) if row < len(self.over_capacity) else False
        if role == Qt.ItemDataRole.DisplayRole:
            return _utilisation_text(share, over)
        if role == SORT_ROLE:
            return share if np.isfinite(share) else -1.0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and over:
            return _OVER_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and np.isfinite(share):
            cap = float(self.capacity[row])
            return (
                translate("BalancePanel", "{name}: {share} of {capacity} h a year (over capacity)")
                if over
                else translate(
                    "BalancePanel", "{name}: {share} of {capacity} h a year (within capacity)"
                )
            ).format(name=self.names[row], share=percent(share, 0), capacity=num(cap))
        return None


def _utilisation_text(share: float, over: bool) -> str:
    """The utilisation cell's text (workload as a share of capacity)."""
    if not np.isfinite(share):
        return "–"
    return f"{num(float(share) * 100, grouping=False)} %{' !' if over else ''}"


class BalanceDelegate(QStyledItemDelegate):
    """Draws a balance cell from the model's pre-formatted text, band colour and swatch.

    ``QStyledItemDelegate`` asked the model for about ten roles per cell on each paint
    (each a call from Qt into Python) and laid its text out through the style, 40 µs a
    cell; a preview repaints most of the table on every mouse move. Here one call per cell
    reads the model's cached cell and draws it: background (the selection's, else the band
    colour), the territory's colour swatch and the text, kept as laid-out ``QStaticText``
    per distinct string and elided at the right when the column is too narrow. Column
    widths (``sizeHint``) still come from the base class.
    """

    SWATCH = 14

    def __init__(self, panel: BalancePanel) -> None:
        super().__init__(panel.view)
        self._model = panel.model
        self._proxy = panel.proxy
        #: The text margin the style gives an item (the base class sizes columns with it).
        self.margin = (
            panel.view.style().pixelMetric(
                QStyle.PixelMetric.PM_FocusFrameHMargin, None, panel.view
            )
            + 1
        )
        #: Texts elided because their column was too narrow (tests count them).
        self.elided = 0
        #: Laid-out text and its width per string (cleared when the font changes).
        self._texts: dict[str, tuple[QStaticText, int]] = {}
        #: Source row per proxy row, asked of the proxy once until its rows change.
        self._rows: dict[int, int] = {}
        #: Cells drawn (tests count them).
        self.painted = 0
        for signal in (
            self._proxy.layoutChanged,
            self._proxy.modelReset,
            self._proxy.rowsInserted,
            self._proxy.rowsRemoved,
            self._proxy.rowsMoved,
        ):
            signal.connect(self._rows.clear)
        panel.view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FontChange:
            self._texts.clear()
        return False

    def source_row(self, index: QModelIndex | QPersistentModelIndex) -> int:
        """The model row behind a row of the (sorted) view; -1 when there is none."""
        row = index.row()
        source = self._rows.get(row)
        if source is None:
            mapped = self._proxy.mapToSource(index)
            source = mapped.row() if mapped.isValid() else -1
            self._rows[row] = source
        return source

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        model = self._model
        row = self.source_row(index)
        if model.table is None or row < 0 or row >= len(model.names):
            return
        self.painted += 1
        text, align, background, swatch = model.cell(row, index.column())
        rect = option.rect
        state = option.state.value
        palette = option.palette
        if state & _SELECTED:
            group = _ACTIVE if state & _WINDOW_ACTIVE else _INACTIVE
            painter.fillRect(rect, palette.brush(group, _HIGHLIGHT))
            painter.setPen(palette.color(group, _HIGHLIGHTED_TEXT))
        else:
            if background is not None:
                painter.fillRect(rect, background)
            painter.setPen(palette.color(_ACTIVE, _TEXT))
        x, top, height = rect.x(), rect.y(), rect.height()
        margin = self.margin
        left = x + margin
        if swatch is not None:
            size = self.SWATCH
            painter.fillRect(left, top + (height - size) // 2, size, size, swatch)
            left += size + margin
        width = x + rect.width() - margin - left
        if width > 0:
            metrics = option.fontMetrics
            laid, advance = self._laid_out(text, metrics)
            if advance > width:
                self.elided += 1
                laid, advance = self._laid_out(
                    metrics.elidedText(text, Qt.TextElideMode.ElideRight, width), metrics
                )
            if align & _ALIGN_RIGHT:
                left += width - advance
            painter.drawStaticText(left, top + (height - metrics.height()) // 2, laid)
        if state & _HAS_FOCUS:
            focus = QStyleOptionFocusRect()
            focus.rect = rect
            focus.state = option.state
            focus.palette = palette
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter)

    def _laid_out(self, text: str, metrics: QFontMetrics) -> tuple[QStaticText, int]:
        laid = self._texts.get(text)
        if laid is None:
            if len(self._texts) > 8192:
                self._texts.clear()
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            laid = self._texts[text] = (static, metrics.horizontalAdvance(text))
        return laid


_SELECTED = QStyle.StateFlag.State_Selected.value
_WINDOW_ACTIVE = QStyle.StateFlag.State_Active.value
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus.value
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight.value
_ACTIVE, _INACTIVE = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
_HIGHLIGHT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText
_TEXT = QPalette.ColorRole.Text


class BalancePanel(QWidget):
    """A sortable balance table with a summary line; selection is kept in step with the map.

    Signals
    -------
    territories_selected(list)
        Territory indices the user selected in the table.
    """

    territories_selected = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BalanceModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView(self)
        self.view.setObjectName("balanceTable")
        self.view.setModel(self.proxy)
        self.delegate = BalanceDelegate(self)
        self.view.setItemDelegate(self.delegate)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        # Sized to the contents when rows or columns change, not on every value change: a
        # resize per mouse move of a lasso cost 18-20 ms on the demo plan.
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.group_combo = QComboBox(self)
        self.group_combo.setObjectName("balanceGroupBy")
        self.group_combo.addItem(translate("BalancePanel", "Territories"), TERRITORY_LEVEL)
        self.group_combo.setToolTip(
            translate(
                "BalancePanel",
                "One row per territory, or per district, region... of the plan's hierarchy, with the totals of the territories under it",
            )
        )
        self.group_combo.currentIndexChanged.connect(lambda _i: self._regroup())
        self._levels: list[str] = [TERRITORY_LEVEL]
        #: Territory indices behind each row when rows are parents (None: rows are territories).
        self.members: list[list[int]] | None = None
        self._last: tuple[Plan, BalanceTable, Disruption | None, bool] | None = None
        self._sized_for: tuple[Plan, str] | None = None
        # A new text lays out the dock only when it needs another height.
        self.summary = SummaryLine("", self)
        self.summary.setObjectName("balanceSummary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("BalancePanel", "Show:"), self))
        top.addWidget(self.group_combo)
        top.addStretch(1)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self.summary)
        self._syncing = False
        #: The hierarchy of the last refresh: plan, its event count, the tree.
        self._tree: tuple[Plan, int, Hierarchy] | None = None
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

    def _rows_in_view(self) -> frozenset[int]:
        """The model rows the table shows now (about 20 of 300 territories)."""
        view, proxy = self.view, self.proxy
        top = view.rowAt(0)
        if top < 0:
            return frozenset()
        bottom = view.rowAt(view.viewport().height() - 1)
        bottom = proxy.rowCount() - 1 if bottom < 0 else bottom
        return frozenset(proxy.mapToSource(proxy.index(r, 0)).row() for r in range(top, bottom + 1))

    def show_balance(
        self,
        plan: Plan,
        table: BalanceTable,
        disruption: Disruption | None = None,
        preview: bool = False,
    ) -> None:
        """Refresh the table (keeping sort and selection) and the summary line."""
        selected = self.selected_territories()
        self._last = (plan, table, disruption, preview)
        # While a gesture previews, rows keep their places (no re-sort under the cursor);
        # the order follows the values again once the edit is applied or cancelled.
        self.proxy.setDynamicSortFilter(not preview)
        # A preview changes no territory: the hierarchy of the last refresh holds while the
        # plan announces nothing (building it read the territories frame, 0.5 ms a move).
        kept = self._tree
        if preview and kept is not None and kept[0] is plan and kept[1] == plan.events.emitted:
            tree = kept[2]
        else:
            tree = hierarchy(plan)
            self._tree = (plan, plan.events.emitted, tree)
        self._fill_levels(tree)
        self.model.visible_rows = self._rows_in_view()
        level = self.level()
        if level != TERRITORY_LEVEL:
            rolled = rollup(plan, table, level, tree)
            self.members = rolled.members
            reset = self.model.set_plan_table(
                plan,
                rolled.table,
                preview,
                (rolled.names, rolled.members),
                level=level,
                group_colors=rolled.colors,
            )
        else:
            self.members = None
            reset = self.model.set_plan_table(plan, table, preview)
        if selected and not self.selected_territories():
            self.select_territories(selected)
        unassigned = int((plan.account_territory < 0).sum())
        out = int((~shown_band(table)).any(axis=1).sum())
        parts = [
            translate("BalancePanel", "{k} territories, {out} outside a band").format(
                k=plan.n_territories, out=out
            ),
        ]
        over = int(self.model.over_capacity.sum()) if self.members is None else 0
        if over:
            parts.append(translate("BalancePanel", "{n} over capacity").format(n=over))
        parts += [
            translate("BalancePanel", "{n} unassigned accounts").format(n=num(unassigned)),
        ]
        if disruption is not None:
            parts.append(
                translate(
                    "BalancePanel",
                    "disruption {accounts} accounts ({accounts_share}), {revenue} revenue "
                    "({revenue_share})",
                ).format(
                    accounts=num(disruption.accounts_moved),
                    accounts_share=percent(disruption.accounts_fraction),
                    revenue=money(disruption.revenue_moved, plan.settings.currency),
                    revenue_share=percent(disruption.revenue_fraction),
                )
            )
        note, stale_names = workload_note(plan)
        parts.append(export_text(note))  # the exports' catalogue words it
        tips = []
        if stale_names:
            tips.append(
                translate(
                    "BalancePanel",
                    "Estimated since edits moved accounts in or out (plan routes again, or undo "
                    "the edits, to use routed travel): {names}",
                ).format(names=", ".join(stale_names))
            )
        if tree.problems:
            fallback = (
                translate("BalancePanel", " (grouped by parent_id only)") if tree.fallback else ""
            )
            more = (
                translate("BalancePanel", " and {n} more").format(n=len(tree.problems) - 1)
                if len(tree.problems) > 1
                else ""
            )
            parts.append(
                translate("BalancePanel", "hierarchy: {problem}{more}{fallback}").format(
                    problem=tree.problems[0], more=more, fallback=fallback
                )
            )
            tips.append(
                translate("BalancePanel", "Hierarchy table problems:")
                + "\n"
                + "\n".join(tree.problems)
            )
        prefix = translate("BalancePanel", "PREVIEW — ") if preview else ""
        self.summary.setText(prefix + " · ".join(parts))
        self.summary.setToolTip("\n\n".join(tips))
        if reset or self._sized_for != (plan, level):
            self.resize_columns()
            self._sized_for = (plan, level)

    def level(self) -> str:
        """The level the rows show: "Territory", or a hierarchy level."""
        data = self.group_combo.currentData()
        return str(data) if data else TERRITORY_LEVEL

    def set_level(self, level: str) -> bool:
        """Show the rows of ``level``; False when the plan has no such level."""
        i = self.group_combo.findData(level)
        if i < 0:
            return False
        self.group_combo.setCurrentIndex(i)
        return True

    def _fill_levels(self, tree: Hierarchy) -> None:
        """Offer the plan's levels in the Show box, keeping the chosen one when it is there."""
        levels = tree.all_levels()
        if levels == self._levels and self.group_combo.count() == len(levels):
            return
        current = self.level()
        self.group_combo.blockSignals(True)
        try:
            self.group_combo.clear()
            for level in levels:
                text = (
                    translate("BalancePanel", "Territories")
                    if level == TERRITORY_LEVEL
                    else plural(level)
                )
                if tree.implicit and level != TERRITORY_LEVEL:
                    text += " (parent_id)"
                self.group_combo.addItem(text, level)
            self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(current)))
        finally:
            self.group_combo.blockSignals(False)
        self.group_combo.setEnabled(len(levels) > 1)
        self._levels = levels

    def resize_columns(self) -> None:
        self.view.resizeColumnsToContents()

    def _regroup(self) -> None:
        if self._last is not None:
            self.show_balance(*self._last)

    def selected_territories(self) -> list[int]:
        """Territory indices of the selected rows (a parent row stands for its children)."""
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        if self.members is not None:
            return sorted({t for r in rows if r < len(self.members) for t in self.members[r]})
        return sorted(rows)

    def select_territories(self, indices: list[int]) -> None:
        """Select rows for these territories without announcing it back."""
        self._syncing = True
        try:
            selection = QItemSelection()
            if self.members is not None:
                wanted = set(indices)
                indices = [r for r, m in enumerate(self.members) if wanted & set(m)]
            for row in indices:
                if 0 <= row < self.model.rowCount():
                    src = self.model.index(row, 0)
                    proxy_index = self.proxy.mapFromSource(src)
                    selection.select(proxy_index, proxy_index)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.view.selectionModel().select(selection, flags)
            if indices:
                first = self.proxy.mapFromSource(self.model.index(indices[0], 0))
                self.view.scrollTo(first)
        finally:
            self._syncing = False

    def _on_selection_changed(self, *_: object) -> None:
        if not self._syncing:
            self.territories_selected.emit(self.selected_territories())
