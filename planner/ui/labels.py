"""Label placement without collisions: larger territories first, the rest shortened or hidden.

Qt-free, so the rule tests on plain arrays. A map with 200 territories at national zoom
would otherwise stack labels on top of each other until none can be read. Each candidate
label offers one or more boxes (e.g. name with key numbers, then name only), all centred on
its anchor; candidates are taken by descending priority (the territory's area on screen) and
get the first box that meets no box already placed, or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Free pixels kept between two labels.
GAP_PX = 2.0


def place_labels(
    x: np.ndarray,
    y: np.ndarray,
    sizes: Sequence[np.ndarray],
    priority: np.ndarray,
    obstacles: np.ndarray | None = None,
    gap: float = GAP_PX,
) -> tuple[np.ndarray, np.ndarray]:
    """Choose which labels to draw, and which of their sizes, so that no two overlap.

    Parameters
    ----------
    x, y : numpy.ndarray
        Screen anchor (box centre) of each candidate, pixels; NaN never places.
    sizes : sequence of numpy.ndarray
        One ``(n, 2)`` array of ``(width, height)`` per alternative, in order of preference
        (e.g. the full label, then a shorter one). A zero width means the alternative is
        absent for that candidate.
    priority : numpy.ndarray
        Larger is placed first (ties keep the given order).
    obstacles : numpy.ndarray, optional
        ``(m, 4)`` boxes ``x0, y0, x1, y1`` that labels must not cover (a legend, say).
    gap : float
        Pixels kept free between boxes.

    Returns
    -------
    choice : numpy.ndarray
        Index of the alternative drawn per candidate, -1 when hidden.
    boxes : numpy.ndarray
        ``(n, 4)`` box drawn per candidate (NaN when hidden).
    """
    n = len(x)
    choice = np.full(n, -1, dtype=np.intp)
    boxes = np.full((n, 4), np.nan)
    placed = np.zeros((n + (0 if obstacles is None else len(obstacles)), 4))
    count = 0
    if obstacles is not None and len(obstacles):
        placed[: len(obstacles)] = obstacles
        count = len(obstacles)
    order = np.argsort(-np.asarray(priority, dtype=float), kind="stable")
    half = gap / 2
    for i in order.tolist():
        if not (np.isfinite(x[i]) and np.isfinite(y[i])):
            continue
        for alt, size in enumerate(sizes):
            w, h = float(size[i, 0]), float(size[i, 1])
            if w <= 0 or h <= 0:
                continue
            box = (
                x[i] - w / 2 - half,
                y[i] - h / 2 - half,
                x[i] + w / 2 + half,
                y[i] + h / 2 + half,
            )
            others = placed[:count]
            hits = (
                (others[:, 0] < box[2])
                & (others[:, 2] > box[0])
                & (others[:, 1] < box[3])
                & (others[:, 3] > box[1])
            )
            if not hits.any():
                placed[count] = box
                count += 1
                choice[i] = alt
                boxes[i] = (x[i] - w / 2, y[i] - h / 2, x[i] + w / 2, y[i] + h / 2)
                break
    return choice, boxes
