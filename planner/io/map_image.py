"""A static picture of the territories (matplotlib, no Qt) for the workbook and ``--png``.

Units are filled with their territory's colour, territory borders are drawn on top
from the dissolved shapes, names label each territory and rep homes are marked.
Plans without units show their drawn territories and the accounts as dots.
Longitudes are scaled by the cosine of the mid latitude so shapes keep their
proportions at the plan's latitude.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from planner.io.fonts import use_cjk_fonts
from planner.models.i18n import gettext as tr
from planner.models.plan import Plan

UNASSIGNED_COLOR = "#d9d9d9"
BORDER_COLOR = "#333333"
MAX_ACCOUNT_DOTS = 40_000
MAX_LEGEND_ENTRIES = 24


def plain_text(text: object) -> str:
    """``text`` for a matplotlib label, shown as it is.

    matplotlib reads text between two ``$`` as mathematical notation (and fails on
    some); escaped dollars are shown as dollars.
    """
    return str(text).replace("$", r"\$")


def safe_colors(values: Any, default: str = UNASSIGNED_COLOR) -> list[Any]:
    """The plan's territory colours, ``default`` for any matplotlib cannot draw."""
    from matplotlib.colors import is_color_like

    return [v if isinstance(v, str) and is_color_like(v) else default for v in values]


def _path(geom: Any) -> Any:
    """A matplotlib path of a (multi)polygon, holes included."""
    from matplotlib.path import Path as MplPath

    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            vertices.append(xy[:, :2])
            codes.append(c)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def render_map(plan: Plan, width_px: int = 1800, height_px: int = 1200, dpi: int = 150) -> Any:
    """The map as a matplotlib ``Figure`` (Agg canvas; safe off the GUI thread).

    Parameters
    ----------
    plan : Plan
    width_px, height_px : int
        Size of the picture in pixels.
    dpi : int
        Resolution; sets the size of text and lines relative to the picture.
    """
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch

    if width_px < 100 or height_px < 100:
        raise ValueError(f"width_px and height_px must be at least 100, got {width_px}x{height_px}")
    use_cjk_fonts()  # territory names in Chinese draw as glyphs
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.01, 0.74, 0.92))
    ax.set_axis_off()
    colors = safe_colors(plan.territories["color"])
    k = plan.n_territories

    if plan.n_units:
        geoms = plan.units.geometry.to_numpy()
        paths, faces = [], []
        for geom, t in zip(geoms, plan.unit_territory.tolist(), strict=True):
            p = _path(geom)
            if p is not None:
                paths.append(p)
                faces.append(colors[t] if t >= 0 else UNASSIGNED_COLOR)
        ax.add_collection(
            PathCollection(paths, facecolors=faces, edgecolors="white", linewidths=0.15)
        )
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    else:
        lon = plan.accounts["lon"].to_numpy(dtype=float)
        lat = plan.accounts["lat"].to_numpy(dtype=float)
        placed = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        if len(placed) > MAX_ACCOUNT_DOTS:
            placed = np.sort(np.random.default_rng(0).choice(placed, MAX_ACCOUNT_DOTS, False))
        palette = np.array([*colors, UNASSIGNED_COLOR], dtype=object)
        terr = plan.account_territory[placed]
        ax.scatter(lon[placed], lat[placed], s=2, c=list(palette[np.where(terr < 0, k, terr)]))
        if len(placed):
            xmin, xmax = float(lon[placed].min()), float(lon[placed].max())
            ymin, ymax = float(lat[placed].min()), float(lat[placed].max())
        else:
            xmin, ymin, xmax, ymax = -1.0, -1.0, 1.0, 1.0

    outlines = []
    labels = []
    for i in range(k):
        geom = plan.territory_geometry(i)
        if geom is None or shapely.is_empty(geom):
            continue
        if not plan.n_units:
            p = _path(geom)
            if p is not None:
                ax.add_patch(PathPatch(p, facecolor=colors[i], alpha=0.35, edgecolor="none"))
        parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
        if not parts:
            continue
        # Slivers between neighbouring units leave tiny holes in the union: not borders.
        min_hole = 1e-4 * sum(g.area for g in parts)
        for poly in parts:
            outlines.append(np.asarray(poly.exterior.coords)[:, :2])
            outlines += [
                np.asarray(r.coords)[:, :2]
                for r in poly.interiors
                if shapely.Polygon(r).area > min_hole
            ]
        largest = max(parts, key=lambda g: g.area)
        spot = shapely.point_on_surface(largest)
        labels.append((spot.x, spot.y, plain_text(plan.territory_label(i))))
        gx0, gy0, gx1, gy1 = shapely.bounds(geom)
        xmin, ymin, xmax, ymax = min(xmin, gx0), min(ymin, gy0), max(xmax, gx1), max(ymax, gy1)
    if outlines:
        ax.add_collection(LineCollection(outlines, colors=BORDER_COLOR, linewidths=0.9))

    reps = plan.reps
    homes = np.isfinite(reps["lon"].to_numpy(dtype=float)) & np.isfinite(
        reps["lat"].to_numpy(dtype=float)
    )
    if homes.any():
        ax.scatter(
            reps["lon"].to_numpy(dtype=float)[homes],
            reps["lat"].to_numpy(dtype=float)[homes],
            marker="^",
            s=36,
            facecolor="white",
            edgecolor="black",
            linewidths=0.9,
            zorder=4,
            label=tr("Rep home"),
        )
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    font = 7 if k <= 30 else 5
    for x, y, text in labels:
        ax.text(
            x,
            y,
            text,
            fontsize=font,
            ha="center",
            va="center",
            path_effects=halo,
            zorder=5,
            clip_on=True,
        )

    mid_lat = (ymin + ymax) / 2
    ax.set_aspect(1.0 / max(np.cos(np.radians(mid_lat)), 0.05))
    pad_x, pad_y = (xmax - xmin) * 0.02 or 0.01, (ymax - ymin) * 0.02 or 0.01
    ax.set_xlim(xmin - pad_x, xmax + pad_x)
    ax.set_ylim(ymin - pad_y, ymax + pad_y)

    fig.suptitle(plain_text(plan.name), x=0.01, ha="left", fontsize=12, fontweight="bold")
    handles: list[Any] = [
        Patch(
            facecolor=colors[i],
            edgecolor=BORDER_COLOR,
            linewidth=0.5,
            label=plain_text(plan.territory_label(i)),
        )
        for i in range(min(k, MAX_LEGEND_ENTRIES))
    ]
    if k > MAX_LEGEND_ENTRIES:
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="none",
                label=tr("… {n} more").format(n=k - MAX_LEGEND_ENTRIES),
            )
        )
    if (plan.unit_territory < 0).any() or (plan.account_territory < 0).any():
        handles.append(
            Patch(
                facecolor=UNASSIGNED_COLOR,
                edgecolor=BORDER_COLOR,
                linewidth=0.5,
                label=tr("Unassigned"),
            )
        )
    if homes.any():
        handles.append(
            ax.scatter(
                [], [], marker="^", s=36, facecolor="white", edgecolor="black", label=tr("Rep home")
            )
        )
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.76, 0.93),
            fontsize=7,
            frameon=False,
            ncol=1 if len(handles) <= 26 else 2,
        )
    return fig


def render_map_png(
    plan: Plan,
    path: str | os.PathLike[str] | None = None,
    width_px: int = 1800,
    height_px: int = 1200,
    dpi: int = 150,
) -> bytes:
    """The map as PNG bytes, also written to ``path`` when given.

    See :func:`render_map` for the parameters.
    """
    fig = render_map(plan, width_px, height_px, dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    data = buffer.getvalue()
    if path is not None:
        from planner.io.files import atomic_output

        with atomic_output(path) as tmp:
            Path(tmp).write_bytes(data)
    return data


__all__ = ["plain_text", "render_map", "render_map_png", "safe_colors"]
