"""Balance chart: one small panel per measure, a bar per territory showing its deviation.

Built for being updated on every mouse move of a gesture: after the first draw the axes,
band and labels are a cached background image, and an update only sets bar heights and
colours and blits the bars on top (matplotlib's blitting). A full redraw happens only when
the territories or measures change, or, once the edits pause (:data:`RESCALE_DELAY_MS`),
when the vertical scale no longer fits; a preview never changes the scale.

The bars of a panel are one ``PolyCollection`` rather than one ``Rectangle`` each: drawing
80 rectangle artists costs about 60 ms per update (transforms and a path draw per artist),
the four collections well under 10 ms. Its paths are three compound paths, one per colour
(in band, over, under), rebuilt with numpy on each update: Agg's per-path overhead made one
path per territory cost 5.3 ms a preview at 300 territories (2.7 ms now; 2.1 at 40).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.path import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QVBoxLayout, QWidget

from planner.models.balance import BalanceTable
from planner.ui.context import AppContext
from planner.ui.i18n import measure_label, num, translate
from planner.ui.problems_panel import add_panel_dock
from planner.ui.refresh import Refresh

IN_BAND_COLOR = "#a6a6a6"
OVER_COLOR = "#d6604d"
UNDER_COLOR = "#4393c3"
BAND_COLOR = "#d9f0d3"
PREVIEW_COLOR = "#e66101"
#: A bar's outline: from the bottom left up, across, down and closed.
_BAR_CODES = np.array(
    [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], dtype=Path.code_type
)
#: Above this many territories the bars are not named under the chart.
MAX_NAMED_BARS = 60
#: A scale that no longer fits is changed this long after the last update.
RESCALE_DELAY_MS = 400
#: Deviations shown beyond this (a zero target) are drawn at the edge of the panel.
MAX_SHOWN_PERCENT = 1000.0
_NICE_STEPS = (10.0, 20.0, 25.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, 1000.0)


def nice_limit(percent: float) -> float:
    """The smallest of a few round limits (10, 20, 25 ... 1000 %) at or above ``percent``."""
    for step in _NICE_STEPS:
        if percent <= step:
            return step
    return _NICE_STEPS[-1]


def _short(name: str, width: int = 13) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


class BalanceChart(QWidget):
    """Deviation from target per territory, one panel per measure, with the tolerance band.

    Bars inside the band are grey; above it red, below it blue. ``show(table, names,
    preview=True)`` marks the chart as a preview of an edit in progress.

    Attributes
    ----------
    bars : list of PolyCollection
        ``bars[j]`` holds the bars of the panel of measure ``j``: three compound paths (in
        band, over, under), each the outlines of its territories' bars
        (:meth:`drawn_bars` lists them).
    full_draws : int
        How many times the whole figure was drawn (the rest were blits).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = Figure(figsize=(6, 4), dpi=90)
        self.figure.set_facecolor("white")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setParent(self)
        self.canvas.setObjectName("balanceChartCanvas")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.axes: list[Any] = []
        self.bars: list[PolyCollection] = []
        self._heights = np.zeros((0, 0))
        self._colors = np.zeros((0, 0), dtype=int)
        self._boxes = np.zeros((0, 4, 2))
        self.limits: list[float] = []
        self._wanted_limits: list[float] = []
        self._rescale_timer = QTimer(self)
        self._rescale_timer.setSingleShot(True)
        self._rescale_timer.setInterval(RESCALE_DELAY_MS)
        self._rescale_timer.timeout.connect(self._rescale)
        self.full_draws = 0
        self.preview = False
        #: The dock holding the chart (set by :func:`install`).
        self.dock: QDockWidget | None = None
        self._key: tuple[Any, ...] | None = None
        self._background: Any = None
        # A Qt label over the canvas: drawing the marker as matplotlib text would render its
        # glyphs again on every blit (about 4 ms of a 10 ms budget).
        self.preview_label = QLabel(translate("BalanceChart", "PREVIEW"), self)
        self.preview_label.setObjectName("balanceChartPreview")
        self.preview_label.setStyleSheet(
            f"background: {PREVIEW_COLOR}; color: white; font-weight: bold; padding: 1px 6px;"
        )
        self.preview_label.adjustSize()
        self.preview_label.hide()
        self.canvas.mpl_connect("draw_event", self._on_draw)

    # -- public ------------------------------------------------------------------------

    def show(
        self,
        table: BalanceTable | None = None,
        names: list[str] | None = None,
        preview: bool = False,
    ) -> None:
        """Show a balance table; ``show()`` with no arguments is ``QWidget.show``.

        Parameters
        ----------
        table : BalanceTable
            Deviation, in-band flags and measures (with their tolerances).
        names : list of str
            Territory names, one per row of ``table``.
        preview : bool
            Mark the chart as the preview of an edit not yet made.
        """
        if table is None:
            super().show()
            return
        names = list(names or [])
        if len(names) != table.deviation.shape[0]:
            raise ValueError(
                f"names must have one entry per territory ({table.deviation.shape[0]}), "
                f"got {len(names)}"
            )
        percent = self._percent(table)
        key = (
            tuple((m.key, m.label, m.tolerance) for m in table.measures),
            tuple(names),
        )
        self.preview = bool(preview)
        limits = [self._limit_for(percent[:, j], m.tolerance) for j, m in enumerate(table.measures)]
        if key != self._key:
            self._build(table, names, limits)
            self._key = key
        # The scale changes only once an edit is applied: during a preview a bar beyond the
        # scale is drawn to the panel's edge (a full draw costs 100+ ms, a frame 16).
        if len(self.limits) != len(limits):
            self.limits = list(limits)
        new_limits = [
            need if not self.preview and (need > have or need < have / 4) else have
            for need, have in zip(limits, self.limits, strict=True)
        ]
        self._set_bars(percent, table.in_band)
        if self.preview_label.isHidden() == self.preview:
            self.preview_label.setVisible(self.preview)
            self.preview_label.raise_()
        self._wanted_limits = new_limits
        if new_limits != self.limits and self._background is None:
            self._apply_limits()
        elif new_limits != self.limits:
            # The new scale waits until the edits pause: redrawing the axes costs a hundred
            # milliseconds or more, and the bars (drawn to the edge meanwhile) show at once.
            self._rescale_timer.start()
        if self._background is None:
            self._full_draw()
        else:
            self._blit()

    def _apply_limits(self) -> None:
        for ax, lim in zip(self.axes, self._wanted_limits, strict=True):
            ax.set_ylim(-lim, lim)
        self.limits = list(self._wanted_limits)
        self._background = None

    def _rescale(self) -> None:
        if self._wanted_limits != self.limits and len(self._wanted_limits) == len(self.axes):
            self._apply_limits()
            self._full_draw()

    def heights(self) -> np.ndarray:
        """Bar heights shown, ``(territories, measures)``, in percent."""
        return self._heights.copy()

    # -- drawing -------------------------------------------------------------------------

    @staticmethod
    def _percent(table: BalanceTable) -> np.ndarray:
        percent = np.asarray(table.deviation, dtype=float) * 100.0
        percent = np.where(np.isnan(percent), 0.0, percent)
        return np.clip(percent, -MAX_SHOWN_PERCENT, MAX_SHOWN_PERCENT)

    @staticmethod
    def _limit_for(percent: np.ndarray, tolerance: float) -> float:
        largest = float(np.abs(percent).max()) if len(percent) else 0.0
        return nice_limit(max(largest * 1.1, tolerance * 100 * 2, 10.0))

    def _build(self, table: BalanceTable, names: list[str], limits: list[float]) -> None:
        self.figure.clear()
        m = len(table.measures)
        k = len(names)
        ncols = 1 if m <= 1 else 2
        nrows = max(1, math.ceil(m / ncols))
        self.axes, self.bars = [], []
        x = np.arange(k)
        # Bar outlines (k, 4, 2): left-bottom, left-top, right-top, right-bottom.
        half = 0.375
        self._boxes = np.zeros((k, 4, 2))
        self._boxes[:, 0:2, 0] = (x - half)[:, None]
        self._boxes[:, 2:4, 0] = (x + half)[:, None]
        self._heights = np.zeros((k, m))
        self._colors = np.zeros((k, m), dtype=int)
        for j, spec in enumerate(table.measures):
            ax = self.figure.add_subplot(nrows, ncols, j + 1)
            tol = spec.tolerance * 100
            ax.axhspan(-tol, tol, color=BAND_COLOR, zorder=0, linewidth=0)
            ax.axhline(0, color="#555555", linewidth=0.8, zorder=1)
            # Three compound paths, one per colour (in band, over, under), each holding
            # its bars: Agg walks three paths a draw, not one per territory (at 300
            # territories the per-path overhead was most of the chart's 6 ms a move).
            bars = PolyCollection(
                [np.zeros((0, 2))] * 3,
                facecolors=[IN_BAND_COLOR, OVER_COLOR, UNDER_COLOR],
                edgecolors="none",
                zorder=2,
            )
            bars.set_animated(True)
            ax.add_collection(bars)
            ax.set_ylim(-limits[j], limits[j])
            ax.set_xlim(-0.6, k - 0.4)
            ax.set_title(f"{measure_label(spec.label)}  (±{num(tol)} %)", fontsize=9, loc="left")
            ax.tick_params(labelsize=7, length=2)
            ax.yaxis.set_major_formatter("{x:+.0f}%")
            ax.grid(axis="y", color="#e6e6e6", linewidth=0.6, zorder=0)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            bottom_row = j >= m - ncols
            if k > MAX_NAMED_BARS:
                # Hundreds of names cannot be read side by side, and laying them out made a
                # redraw take seconds; the table names the territories.
                ax.set_xticks([])
                if bottom_row:
                    ax.set_xlabel(
                        translate("BalanceChart", "{k} territories, in plan order").format(
                            k=num(k, 0)
                        ),
                        fontsize=7,
                    )
            elif bottom_row:
                ax.set_xticks(x)
                ax.set_xticklabels([_short(n) for n in names], rotation=90, fontsize=7)
            else:
                ax.set_xticks(x)
                ax.set_xticklabels([])
            self.axes.append(ax)
            self.bars.append(bars)
        self.limits = list(limits)
        self._margins()
        self._background = None

    def _margins(self) -> None:
        """Margins in pixels, whatever the size (a layout engine would triple a full draw)."""
        w, h = self.figure.get_size_inches() * self.figure.dpi
        w, h = max(w, 50.0), max(h, 50.0)
        self.figure.subplots_adjust(
            left=min(46 / w, 0.4),
            right=1 - min(8 / w, 0.1),
            bottom=min(86 / h, 0.6),
            top=1 - min(24 / h, 0.2),
            hspace=min(30 / h * max(len(self.axes) // 2, 1), 0.8),
            wspace=min(60 / w * 2, 0.6),
        )

    def _set_bars(self, percent: np.ndarray, in_band: np.ndarray) -> None:
        # Colour class per bar: 0 in band, 1 over, 2 under (the collection's face colours).
        classes = np.where(np.asarray(in_band, dtype=bool), 0, np.where(percent > 0, 1, 2))
        boxes = self._boxes
        for j, bars in enumerate(self.bars):
            outline = np.empty((len(boxes), 5, 2))
            outline[:, :4] = boxes
            outline[:, 1:3, 1] = percent[:, j, None]
            outline[:, 4] = outline[:, 0]
            verts, codes = [], []
            for c in range(3):
                members = outline[classes[:, j] == c]
                verts.append(members.reshape(-1, 2))
                codes.append(np.tile(_BAR_CODES, len(members)))
            bars.set_verts_and_codes(verts, codes)  # type: ignore[arg-type]  # a code array per polygon, as it takes
        self._colors = classes
        self._heights = percent.copy()

    def drawn_bars(self, measure: int) -> list[tuple[float, float, str]]:
        """What the chart draws for a measure: each bar's left edge, top and colour."""
        colours = (IN_BAND_COLOR, OVER_COLOR, UNDER_COLOR)
        out = []
        for c, path in enumerate(self.bars[measure].get_paths()):
            corners = np.asarray(path.vertices).reshape(-1, 5, 2)
            out += [(float(b[0, 0]), float(b[1, 1]), colours[c]) for b in corners]
        return sorted(out)

    def _full_draw(self) -> None:
        self.full_draws += 1
        # draw() renders synchronously; _on_draw then caches the background and adds the bars.
        self.canvas.draw()

    def _on_draw(self, _event: object) -> None:
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_animated()

    def _draw_animated(self) -> None:
        for ax, bars in zip(self.axes, self.bars, strict=True):
            ax.draw_artist(bars)

    def _blit(self) -> None:
        self.canvas.restore_region(self._background)
        self._draw_animated()
        # Painted with the rest of the frame: blit() repaints at once, a second flush of
        # the chart's window per move.
        self.canvas.update()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # The cached background no longer fits; the canvas redraws (and re-caches) itself.
        self._background = None
        self._margins()
        self.preview_label.move(self.width() - self.preview_label.width() - 4, 4)


def install(ctx: AppContext) -> BalanceChart:
    """Add the "Balance chart" dock: it follows the plan and the previews of gestures."""
    chart = BalanceChart(ctx.parent)
    chart.setObjectName("balanceChart")
    chart.dock = add_panel_dock(
        ctx, translate("BalanceChart", "Balance chart"), chart, "balanceChartDock"
    )

    def refresh(r: Refresh) -> None:
        chart.show(r.balance, r.names, preview=r.preview is not None)

    ctx.refresh.add_view(refresh, widget=chart)
    return chart


__all__ = ["BalanceChart", "install", "nice_limit"]
