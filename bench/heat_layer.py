"""The heat layer over a million accounts: redraw while panning, through the real widget.

A :class:`~planner.ui.canvas.MapCanvas` of 1,400 × 900 pixels with the map_redraw data
(3,000 units, 40 territories, accounts half spread, half around 30 towns) and the
:class:`~planner.ui.heat_layer.HeatLayer` overlay showing a lognormal "potential" per
account. A drag is played as real mouse events (press, 60 moves of 24 px, release);
after each move the canvas is repainted synchronously (``repaint()``: the paint a user
sees) and timed, wall and CPU.

Figures (``N`` = accounts): ``heat_layer_N.frame_median`` and ``.frame_p95`` / ``.frame_max``
(ms, whole paint per drag frame, heat included; budget 33 ms), ``.heat_median`` /
``.heat_max`` (ms, the heat overlay's share of a frame: a shifted image, or a new
density image when the drag leaves the rendered margin), ``.renders`` (density images
computed during the drag), ``.render`` (ms, one density image of the view alone, the
cold cost after a zoom) and ``.frame_median_no_heat`` (ms, the same drag without the
layer: what the heat layer adds).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from bench._common import figure, ratio

SIZE = 1_000_000
BUDGET_MS = 33.0
MOVES = 60
STEP_PX = 24


def _drag(canvas, app) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall and CPU ms of each repaint during a drag made of real mouse events."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    def send(kind, pos: QPointF, buttons) -> None:  # type: ignore[no-untyped-def]
        event = QMouseEvent(
            kind, pos, canvas.mapToGlobal(pos), Qt.MouseButton.LeftButton, buttons,
            Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        app.sendEvent(canvas, event)

    left = Qt.MouseButton.LeftButton
    start = QPointF(canvas.width() / 2, canvas.height() / 2)
    send(QMouseEvent.Type.MouseButtonPress, start, left)
    walls, cpus = [], []
    for i in range(1, MOVES + 1):
        # Left for the first half, then back: the view stays over the data.
        dx = STEP_PX * (i if i <= MOVES // 2 else MOVES - i)
        send(QMouseEvent.Type.MouseMove, QPointF(start.x() - dx, start.y()), left)
        w, c = time.perf_counter(), time.process_time()
        canvas.repaint()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    send(
        QMouseEvent.Type.MouseButtonRelease, QPointF(start.x(), start.y()), Qt.MouseButton.NoButton
    )
    return walls, cpus


def run(size: int | None, data: Path | None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from bench.map_redraw import build_canvas, make_data
    from planner.ui.heat_layer import HeatLayer

    app = QApplication.instance() or QApplication([])
    n = size or SIZE
    label = f"heat_layer_{n // 1000}k" if n < 1_000_000 else f"heat_layer_{n // 1_000_000}m"
    d = make_data(n)
    canvas = build_canvas(d)
    canvas.show()
    app.processEvents()
    load = os.getloadavg()
    note = f"load {load[0]:.1f} {load[1]:.1f} on {os.cpu_count()} cores"

    base_walls, _ = _drag(canvas, app)
    canvas.zoom_to_extent()

    layer = HeatLayer()
    weights = np.random.default_rng(3).lognormal(11, 1, n)
    layer.set_points(d["lon"], d["lat"], weights, "Potential")
    heat_ms: list[float] = []
    paint = layer.paint

    def timed_paint(painter, c) -> None:  # type: ignore[no-untyped-def]
        w = time.perf_counter()
        paint(painter, c)
        heat_ms.append((time.perf_counter() - w) * 1000)

    layer.paint = timed_paint  # type: ignore[method-assign]
    canvas.add_overlay(layer)

    # One cold density image of the view (what a zoom costs), CPU beside wall.
    cold_wall, cold_cpu = [], []
    for _ in range(5):
        layer._rendered = None
        w, c = time.perf_counter(), time.process_time()
        layer.image_for_view(canvas)
        cold_wall.append((time.perf_counter() - w) * 1000)
        cold_cpu.append((time.process_time() - c) * 1000)
    ratio(f"{label}.render", float(np.median(cold_wall)), BUDGET_MS, "ms")
    figure(f"{label}.render_cpu", float(np.median(cold_cpu)), "ms", note)

    renders = layer.renders
    heat_ms.clear()
    walls, cpus = _drag(canvas, app)
    frames = np.array(walls)
    ratio(f"{label}.frame_median", float(np.median(frames)), BUDGET_MS, "ms")
    figure(f"{label}.frame_median_cpu", float(np.median(cpus)), "ms", note)
    ratio(f"{label}.frame_p95", float(np.percentile(frames, 95)), BUDGET_MS, "ms")
    ratio(f"{label}.frame_max", float(frames.max()), BUDGET_MS, "ms")
    # CPU of the same frames: wall spikes with no CPU behind them are the shared cores.
    figure(f"{label}.frame_p95_cpu", float(np.percentile(cpus, 95)), "ms", note)
    figure(f"{label}.frame_max_cpu", float(np.max(cpus)), "ms", note)
    figure(f"{label}.heat_median", float(np.median(heat_ms)), "ms", "the overlay's share")
    figure(f"{label}.heat_max", float(np.max(heat_ms)), "ms", "wall, the slowest frame's overlay")
    figure(f"{label}.renders", layer.renders - renders, "count", f"in {MOVES} drag frames")
    figure(
        f"{label}.deferred",
        layer.deferred,
        "count",
        "frames past the margin shown as rendered, rendered at rest",
    )
    figure(f"{label}.frame_median_no_heat", float(np.median(base_walls)), "ms", note)
