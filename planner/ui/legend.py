"""The legend: an overlay box on the map and a dockable list of every entry.

The map's legend box lists the territories (or the active colouring's classes) in as many
columns as fit in the map's top-right corner; beyond that its last line says how many more
there are, and the Legend panel (View ▸ Legend) lists every entry with its colour swatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt, SignalInstance
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from planner.ui.i18n import translate

#: The legend box takes at most this share of the map's width and height.
MAX_WIDTH_SHARE = 0.45
MAX_HEIGHT_SHARE = 0.6
#: Longest label shown in the box (the panel shows labels whole).
MAX_LABEL_CHARS = 28


@dataclass(frozen=True)
class LegendLayout:
    """Where the legend box and its entries go."""

    box: QRectF
    font: QFont
    row: float
    column_width: float
    #: Columns of ``(label, colour or None)`` entries, top to bottom.
    columns: list[list[tuple[str, QColor | None]]]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def legend_layout(
    entries: Sequence[tuple[str, QColor]], width: int, height: int
) -> LegendLayout | None:
    """Lay out the entries in columns inside the map's top-right corner (None if empty).

    Entries that do not fit in the space are summarised by a last line ``… N more``.
    """
    if not entries:
        return None
    font = QFont()
    font.setPixelSize(12)
    metrics = QFontMetricsF(font)
    row = max(metrics.height(), 14) + 4
    items: list[tuple[str, QColor | None]] = [(_short(label), c) for label, c in entries]
    rows = max(1, int((height * MAX_HEIGHT_SHARE - 12) // row))
    text_w = max(metrics.horizontalAdvance(label) for label, _ in items)
    column_width = text_w + 40
    max_columns = max(1, int((width * MAX_WIDTH_SHARE) // column_width))
    capacity = rows * max_columns
    if len(items) > capacity:
        # The summary line needs its width too, which may leave room for fewer columns.
        widest = translate("Legend", "… {n} more (View ▸ Legend)").format(n=len(items))
        column_width = max(column_width, metrics.horizontalAdvance(widest) + 40)
        max_columns = max(1, int((width * MAX_WIDTH_SHARE) // column_width))
        capacity = rows * max_columns
        more = len(items) - capacity + 1
        more_text = translate("Legend", "… {n} more (View ▸ Legend)").format(n=more)
        items = [*items[: capacity - 1], (more_text, None)]
    n_columns = -(-len(items) // rows)
    per_column = -(-len(items) // n_columns)
    columns = [items[i : i + per_column] for i in range(0, len(items), per_column)]
    box_w = column_width * len(columns)
    box_h = row * max(len(c) for c in columns) + 12
    box = QRectF(width - box_w - 10, 10, box_w, box_h)
    return LegendLayout(box, font, row, column_width, columns)


def paint_legend(painter: QPainter, layout: LegendLayout) -> None:
    """Draw the legend box laid out by :func:`legend_layout`."""
    box = layout.box
    painter.setPen(QPen(QColor(120, 120, 120), 1))
    painter.setBrush(QColor(255, 255, 255, 225))
    painter.drawRoundedRect(box, 4, 4)
    painter.setFont(layout.font)
    row = layout.row
    for c, column in enumerate(layout.columns):
        x0 = box.left() + c * layout.column_width
        for i, (label, color) in enumerate(column):
            y = box.top() + 6 + i * row
            if color is not None:
                painter.setPen(QPen(QColor(60, 60, 60), 1))
                painter.setBrush(color)
                painter.drawRect(QRectF(x0 + 10, y + (row - 12) / 2, 14, 12))
            painter.setPen(QColor(25, 25, 25))
            painter.drawText(
                QRectF(x0 + 32, y, layout.column_width - 34, row),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                label,
            )


def swatch(color: QColor, size: int = 14) -> QIcon:
    """A small filled square with a dark edge, for list items."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor(60, 60, 60), 1))
    painter.setBrush(color)
    painter.drawRect(0, 1, size - 1, size - 3)
    painter.end()
    return QIcon(pixmap)


class LegendPanel(QWidget):
    """Every legend entry with its colour, for plans with more territories than the box shows.

    Follows a map's ``legend_changed`` signal (see :meth:`follow`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legendPanel")
        self.summary = QLabel(self)
        self.list = QListWidget(self)
        self.list.setObjectName("legendList")
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)

    def follow(self, changed: SignalInstance, entries: Sequence[tuple[str, QColor]]) -> None:
        """Show ``entries`` now and the entries ``changed`` carries from then on.

        For a map: ``follow(canvas.legend_changed, canvas.legend_entries())``.
        """
        changed.connect(self.set_entries)
        self.set_entries(entries)

    def set_entries(self, entries: Sequence[tuple[str, QColor]]) -> None:
        """Replace the list (label and swatch per entry)."""
        self.list.clear()
        for label, color in entries:
            item = QListWidgetItem(swatch(color), label)
            item.setToolTip(label)
            self.list.addItem(item)
        self.summary.setText(
            self.tr("%n entries", "", len(entries))
            if entries
            else translate("Legend", "No plan open")
        )


def legend_dock(
    window: QMainWindow, changed: SignalInstance, entries: Sequence[tuple[str, QColor]]
) -> QDockWidget:
    """A Legend dock on the window's left (View ▸ Legend hides and shows it)."""
    panel = LegendPanel(window)
    panel.follow(changed, entries)
    dock = QDockWidget(translate("Legend", "Legend"), window)
    dock.setObjectName("legendDock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.resizeDocks([dock], [190], Qt.Orientation.Horizontal)
    return dock
