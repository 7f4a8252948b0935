"""Toolbar icons, drawn as simple vector glyphs so they are crisp at any scale and bundled.

Every icon is a 24-unit glyph stroked in one dark colour with an optional accent fill,
rendered at 1x and 2x into a ``QIcon``. Drawing them in code keeps the app free of icon
files and licences, and lets them follow the toolbar's size.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QToolBar

INK = QColor(45, 52, 64)
ACCENT = QColor(52, 120, 198)
WARM = QColor(230, 160, 40)

Glyph = Callable[[QPainter], None]


def _pen(painter: QPainter, width: float = 1.8, color: QColor = INK) -> None:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)


def _page(p: QPainter) -> None:
    _pen(p)
    p.setBrush(QColor(255, 255, 255))
    path = QPainterPath(QPointF(6, 3))
    for x, y in ((14, 3), (19, 8), (19, 21), (6, 21)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.drawPath(path)
    p.drawPolyline([QPointF(14, 3), QPointF(14, 8), QPointF(19, 8)])


def _new(p: QPainter) -> None:
    _page(p)
    _pen(p, 2.0, ACCENT)
    p.drawLine(QPointF(12.5, 11), QPointF(12.5, 18))
    p.drawLine(QPointF(9, 14.5), QPointF(16, 14.5))


def _open(p: QPainter) -> None:
    _pen(p)
    p.setBrush(QColor(250, 215, 120))
    back = QPainterPath(QPointF(3, 6))
    for x, y in ((9, 6), (11, 8), (19, 8), (19, 19), (3, 19)):
        back.lineTo(x, y)
    back.closeSubpath()
    p.drawPath(back)
    p.setBrush(WARM)
    front = QPainterPath(QPointF(5, 11))
    for x, y in ((22, 11), (19, 19), (3, 19)):
        front.lineTo(x, y)
    front.closeSubpath()
    p.drawPath(front)


def _save(p: QPainter) -> None:
    _pen(p)
    p.setBrush(ACCENT)
    p.drawRoundedRect(QRectF(4, 4, 16, 16), 2, 2)
    p.setBrush(QColor(255, 255, 255))
    p.drawRect(QRectF(8, 4, 8, 5))
    p.drawRect(QRectF(7, 13, 10, 7))


def _arrow(p: QPainter, mirror: bool) -> None:
    if mirror:
        p.translate(24, 0)
        p.scale(-1, 1)
    _pen(p, 2.2)
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(8, 9))
    path.lineTo(15, 9)
    path.cubicTo(QPointF(22, 9), QPointF(22, 19), QPointF(15, 19))
    path.lineTo(9, 19)
    p.drawPath(path)
    p.setBrush(INK)
    head = QPainterPath(QPointF(3, 9))
    head.lineTo(9, 4.5)
    head.lineTo(9, 13.5)
    head.closeSubpath()
    p.drawPath(head)


def _undo(p: QPainter) -> None:
    _arrow(p, mirror=False)


def _redo(p: QPainter) -> None:
    _arrow(p, mirror=True)


def _extent(p: QPainter) -> None:
    _pen(p, 2.0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for x, y, dx, dy in ((3, 3, 1, 1), (21, 3, -1, 1), (3, 21, 1, -1), (21, 21, -1, -1)):
        p.drawPolyline([QPointF(x + 6 * dx, y), QPointF(x, y), QPointF(x, y + 6 * dy)])
    p.setBrush(QColor(120, 180, 120))
    _pen(p, 1.4)
    p.drawEllipse(QRectF(8, 8, 8, 8))


def _pan(p: QPainter) -> None:
    _pen(p, 2.0)
    c = 12.0
    p.drawLine(QPointF(c, 3), QPointF(c, 21))
    p.drawLine(QPointF(3, c), QPointF(21, c))
    p.setBrush(INK)
    for angle in range(0, 360, 90):
        a = math.radians(angle)
        tip = QPointF(c + 9.5 * math.cos(a), c + 9.5 * math.sin(a))
        side = QPointF(-math.sin(a), math.cos(a))
        back = QPointF(c + 6 * math.cos(a), c + 6 * math.sin(a))
        head = QPainterPath(tip)
        head.lineTo(back + side * 3)
        head.lineTo(back - side * 3)
        head.closeSubpath()
        p.drawPath(head)


def _select(p: QPainter) -> None:
    _pen(p, 1.6)
    p.setBrush(QColor(255, 255, 255))
    path = QPainterPath(QPointF(6, 3))
    for x, y in ((6, 19), (10, 15), (13, 21), (16, 19.5), (13, 14), (18.5, 14)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.drawPath(path)


def _lasso(p: QPainter) -> None:
    _pen(p, 2.0)
    p.setBrush(QColor(52, 120, 198, 60))
    p.drawEllipse(QRectF(3, 3, 18, 12))
    p.setBrush(Qt.BrushStyle.NoBrush)
    tail = QPainterPath(QPointF(9, 14.5))
    tail.cubicTo(QPointF(7, 18), QPointF(11, 19), QPointF(9, 22))
    p.drawPath(tail)


def _brush(p: QPainter) -> None:
    _pen(p, 1.6)
    p.setBrush(QColor(160, 110, 60))
    handle = QPainterPath(QPointF(20, 3))
    handle.lineTo(22, 5)
    handle.lineTo(12, 15)
    handle.lineTo(10, 13)
    handle.closeSubpath()
    p.drawPath(handle)
    p.setBrush(ACCENT)
    tip = QPainterPath(QPointF(10, 13))
    tip.lineTo(12, 15)
    tip.cubicTo(QPointF(10, 21), QPointF(6, 21), QPointF(2, 22))
    tip.cubicTo(QPointF(4, 19), QPointF(4, 14), QPointF(10, 13))
    p.drawPath(tip)


def _draw(p: QPainter) -> None:
    _pen(p, 1.8)
    p.setBrush(QColor(52, 120, 198, 60))
    shape = QPainterPath(QPointF(4, 8))
    for x, y in ((11, 3), (20, 7), (18, 18), (7, 20)):
        shape.lineTo(x, y)
    shape.closeSubpath()
    p.drawPath(shape)
    p.setBrush(QColor(255, 255, 255))
    for x, y in ((4, 8), (11, 3), (20, 7), (18, 18), (7, 20)):
        p.drawRect(QRectF(x - 1.8, y - 1.8, 3.6, 3.6))


def _vertex(p: QPainter) -> None:
    _pen(p, 1.8)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline([QPointF(3, 18), QPointF(10, 6), QPointF(21, 14)])
    p.setBrush(QColor(255, 255, 255))
    p.drawRect(QRectF(1.5, 16.5, 3, 3))
    p.drawRect(QRectF(19.5, 12.5, 3, 3))
    p.setBrush(WARM)
    p.drawEllipse(QRectF(7, 3, 6, 6))


def _split(p: QPainter) -> None:
    _pen(p, 1.6)
    p.setBrush(QColor(120, 180, 120))
    p.drawRect(QRectF(3, 5, 18, 14))
    pen = QPen(QColor(200, 40, 40), 2.2)
    pen.setDashPattern([2.0, 1.5])
    p.setPen(pen)
    p.drawLine(QPointF(14, 2), QPointF(10, 22))


def _lock(p: QPainter) -> None:
    _pen(p, 2.0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(7, 3, 10, 12), 0, 180 * 16)
    p.drawLine(QPointF(7, 9), QPointF(7, 11))
    p.drawLine(QPointF(17, 9), QPointF(17, 11))
    _pen(p, 1.6)
    p.setBrush(WARM)
    p.drawRoundedRect(QRectF(4.5, 11, 15, 10), 2, 2)


def _pin(p: QPainter) -> None:
    _pen(p, 1.6)
    p.setBrush(QColor(200, 50, 50))
    head = QPainterPath(QPointF(12, 22))
    head.cubicTo(QPointF(5, 13), QPointF(5, 3), QPointF(12, 3))
    head.cubicTo(QPointF(19, 3), QPointF(19, 13), QPointF(12, 22))
    p.drawPath(head)
    p.setBrush(QColor(255, 255, 255))
    p.drawEllipse(QRectF(9.5, 6.5, 5, 5))


GLYPHS: dict[str, Glyph] = {
    "new": _new,
    "open": _open,
    "save": _save,
    "undo": _undo,
    "redo": _redo,
    "zoom_extent": _extent,
    "pan": _pan,
    "select": _select,
    "lasso": _lasso,
    "brush": _brush,
    "draw": _draw,
    "vertex": _vertex,
    "split": _split,
    "lock": _lock,
    "pin": _pin,
}

_cache: dict[str, QIcon] = {}


def icon(name: str) -> QIcon:
    """The icon called ``name`` (a key of :data:`GLYPHS`), rendered at 24 and 48 pixels."""
    cached = _cache.get(name)
    if cached is not None:
        return cached
    glyph = GLYPHS[name]
    result = QIcon()
    for size in (24, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 24, size / 24)
        glyph(painter)
        painter.end()
        result.addPixmap(pixmap)
    _cache[name] = result
    return result


def fix_toolbar(toolbar: QToolBar, actions: dict[str, QAction], text_beside: bool) -> None:
    """Give ``actions`` their icons and make the buttons keep their place.

    Parameters
    ----------
    toolbar : QToolBar
    actions : dict
        Icon name to action.
    text_beside : bool
        Show each action's (fixed) text beside its icon; otherwise icon only, with the text in
        the tooltip. Actions whose text changes (Undo "Move 3 units") must be icon-only: a
        button that resizes with its text moves every button after it.
    """
    for name, action in actions.items():
        action.setIcon(icon(name))
    toolbar.setToolButtonStyle(
        Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if text_beside
        else Qt.ToolButtonStyle.ToolButtonIconOnly
    )
