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
    offsets: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Choose which labels to draw, and which of their alternatives, so that none overlap.

    Parameters
    ----------
    x, y : numpy.ndarray
        Screen anchor of each candidate, pixels; NaN never places.
    sizes : sequence of numpy.ndarray
        One ``(n, 2)`` array of ``(width, height)`` per alternative, in order of preference
        (e.g. the full label, then a shorter one). A zero width means the alternative is
        absent for that candidate.
    priority : numpy.ndarray
        Larger is placed first (ties keep the given order).
    obstacles : numpy.ndarray, optional
        ``(m, 4)`` boxes ``x0, y0, x1, y1`` that labels must not cover (a legend, markers).
    gap : float
        Pixels kept free between boxes.
    offsets : sequence of numpy.ndarray, optional
        ``(n, 2)`` shift of each alternative's box centre from the anchor (e.g. the same
        label above its anchor); boxes are centred on the anchor by default.

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
    extra = 0 if obstacles is None else len(obstacles)
    placed = np.zeros((n + extra, 4))
    count = 0
    if obstacles is not None and extra:
        placed[:extra] = obstacles
        count = extra
    order = np.argsort(-np.asarray(priority, dtype=float), kind="stable")
    half = gap / 2
    for i in order.tolist():
        if not (np.isfinite(x[i]) and np.isfinite(y[i])):
            continue
        for alt, size in enumerate(sizes):
            w, h = float(size[i, 0]), float(size[i, 1])
            if w <= 0 or h <= 0:
                continue
            cx, cy = float(x[i]), float(y[i])
            if offsets is not None:
                cx += float(offsets[alt][i, 0])
                cy += float(offsets[alt][i, 1])
            x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
            others = placed[:count]
            hits = (
                (others[:, 0] < x1 + half)
                & (others[:, 2] > x0 - half)
                & (others[:, 1] < y1 + half)
                & (others[:, 3] > y0 - half)
            )
            if not hits.any():
                placed[count] = (x0 - half, y0 - half, x1 + half, y1 + half)
                count += 1
                choice[i] = alt
                boxes[i] = (x0, y0, x1, y1)
                break
    return choice, boxes
