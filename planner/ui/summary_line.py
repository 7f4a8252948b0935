"""A panel's wrapped summary line that lays out its panel only when its height changes.

A ``QLabel`` in a layout asks its parent for a new layout on every ``setText`` (Qt cannot
know the new text is as tall as the old), so a summary updated on each move of a lasso
laid out its dock each time: the table beside it resized and repainted in full. Here the
label sits in a container without a layout; the container's height is fixed to what the
text needs at its width, and only a change of that height reaches the panel's layout.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

_DIGITS = re.compile(r"[0-9]")


def tabular_digits(font: QFont) -> bool:
    """Whether every digit is as wide as ``0`` in ``font`` and in its bold face."""
    bold = QFont(font)
    bold.setBold(True)
    for face in (font, bold):
        metrics = QFontMetrics(face)
        if len({metrics.horizontalAdvance(d) for d in "0123456789"}) != 1:
            return False
    return True


class SummaryLine(QWidget):
    """Word-wrapped text (plain or rich) as wide as its layout gives, as tall as it needs.

    ``text()``, ``setText()`` and ``label`` as a ``QLabel`` has them; the tooltip is the
    container's own (``setToolTip``), shown over the text too.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.AutoText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        #: Layouts of the panel this line asked for (tests count them).
        self.relayouts = 0
        #: Texts measured (a new text whose digits alone differ is not, see _fit).
        self.measured = 0
        self._tabular = tabular_digits(self.label.font())
        self._fitted: tuple[str, int] | None = None
        self._fit()

    def text(self) -> str:
        return self.label.text()

    def setText(self, text: str) -> None:
        if text == self.label.text():
            return
        self.label.setText(text)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(self.label.sizeHint().width(), self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(0, 0, self.width(), self.height())
        if event.size().width() != event.oldSize().width():
            self._fit()  # another width may need another number of lines
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self.label.setFont(self.font())
            self._tabular = tabular_digits(self.label.font())
            self._fitted = None
            self._fit()
        super().changeEvent(event)

    def _fit(self) -> None:
        """The height the text needs at this width; the panel's layout only if it differs.

        With digits all of one width, a text that differs from the last measured one in
        its digits only wraps the same way: it is not measured again (a rich text label's
        ``heightForWidth`` lays out a document, about 0.5 ms, on every lasso move).
        """
        width = self.width() if self.width() > 0 else self.label.sizeHint().width()
        text = self.label.text()
        key = (_DIGITS.sub("0", text) if self._tabular else text, width)
        if key == self._fitted:
            return
        self._fitted = key
        self.measured += 1
        needed = max(self.label.heightForWidth(width), self.fontMetrics().height())
        if needed != self.minimumHeight() or needed != self.maximumHeight():
            self.relayouts += 1
            self.setFixedHeight(needed)
        if self.label.height() != self.height() or self.label.width() != self.width():
            self.label.setGeometry(0, 0, self.width(), self.height())


__all__ = ["SummaryLine"]
