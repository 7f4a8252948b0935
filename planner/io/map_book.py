"""A map book for managers: one PDF with an overview page and a page per territory.

The overview shows every territory in its colour beside the balance table (whose
coloured first column is the legend). Each territory page shows its map zoomed to
it with the neighbours greyed, its balance on every measure against the target
with the deviation and whether it is within the band, its rep and the rep's
utilisation, and its top accounts by revenue and by potential.

Drawing uses matplotlib's Agg figures and ``PdfPages`` (no pyplot, no Qt), so it
runs on a worker thread. Names are drawn as plain text: mathtext is off, so a
``$`` or ``_`` in a name prints as typed. Longitudes are scaled by the cosine of
the mid latitude so shapes keep their proportions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import numpy as np
import shapely

from planner.io.fonts import use_cjk_fonts
from planner.models.balance import BalanceTable, utilisation
from planner.models.i18n import (
    currency_pattern,
    current_language,
    format_currency,
    format_locale,
    format_number,
    format_percent,
)
from planner.models.i18n import gettext as tr
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.models.settings import MeasureSpec, format_value

PAGE_SIZE = (11.0, 8.5)  # US Letter, landscape (inches)
NEIGHBOUR_FILL = "#e4e4e4"
UNASSIGNED_FILL = "#d9d9d9"
UNASSIGNED_ACCOUNT = "#e31a1c"
BORDER = "#333333"
MAX_OVERVIEW_ROWS = 40
NAME_CHARS = 34

#: Text is drawn as typed: no mathtext ($...$), no LaTeX.
PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False, "pdf.fonttype": 42}


def format_deviation(deviation: float, decimals: int = 1) -> str:
    """A deviation fraction as a signed percentage (``+4.2 %``; ``0 %`` when it rounds to 0)."""
    if not np.isfinite(deviation):
        return "–"
    percent = round(deviation * 100, decimals)
    sign = "+" if percent > 0 else "-" if percent < 0 else ""
    return f"{sign}{format_number(abs(percent), decimals)} %"


def compact_value(value: float, spec: MeasureSpec, currency: str = "$") -> str:
    """Like :func:`format_value`, money shortened to thousands or millions (``$23.2M``)."""
    if spec.kind != "currency" or not np.isfinite(value) or abs(value) < 10_000:
        return format_value(value, spec, currency)
    if current_language() == "en":
        if abs(value) >= 1e6:
            return f"{currency}{value / 1e6:,.1f}M"
        return f"{currency}{value / 1e3:,.0f}k"
    # The locale's short forms: 23,2 M $ in Spanish, $2320萬 in Chinese.
    from babel.numbers import format_compact_decimal

    digits = 1 if abs(value) >= 1e6 else 0
    short = format_compact_decimal(value, locale=format_locale(), fraction_digits=digits)
    prefix, suffix = currency_pattern(currency)
    return f"{prefix}{short}{suffix}"


def _short(text: Any, limit: int = NAME_CHARS) -> str:
    value = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    value = " ".join(value.split())  # no line breaks inside a table cell
    return value if len(value) <= limit else value[: limit - 1] + "…"


@contextmanager
def _plain_text() -> Iterator[None]:
    import matplotlib as mpl

    with mpl.rc_context(cast(Any, PLAIN_TEXT)):
        use_cjk_fonts()  # Chinese names and labels print as glyphs, not boxes
        yield


def _rep_rows(plan: Plan) -> list[tuple[str, float]]:
    """(rep name, capacity hours) per territory; ``("", nan)`` without a rep."""
    reps = plan.reps
    names = dict(zip(reps["rep_id"].astype(str), reps["name"], strict=True))
    capacity = dict(
        zip(reps["rep_id"].astype(str), reps["capacity_hours"].to_numpy(dtype=float), strict=True)
    )
    out = []
    for rep_id in plan.territories["rep_id"]:
        key = _short(rep_id)
        if key in names:
            out.append((_short(names[key]) or key, float(capacity[key])))
        else:
            out.append((key, float("nan")))
    return out


class _MapData:
    """Territory shapes and extents, computed once for every page."""

    def __init__(self, plan: Plan) -> None:
        from planner.io.map_image import _path

        self.plan = plan
        self.colors = list(plan.territories["color"])
        self.paths: list[Any] = []
        self.bounds = np.full((plan.n_territories, 4), np.nan)
        self.spots: list[tuple[float, float] | None] = []
        self.geoms: dict[int, Any] = {}
        for i in range(plan.n_territories):
            geom = plan.territory_geometry(i)
            if geom is None or shapely.is_empty(geom):
                self.paths.append(None)
                self.spots.append(None)
                continue
            self.paths.append(_path(geom))
            self.geoms[i] = geom
            self.bounds[i] = shapely.bounds(geom)
            parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
            spot = shapely.point_on_surface(max(parts, key=lambda g: g.area)) if parts else None
            self.spots.append((spot.x, spot.y) if spot is not None else None)
        unassigned = plan.units.geometry.to_numpy()[plan.unit_territory < 0] if plan.n_units else []
        self.unassigned_paths = [p for p in (_path(g) for g in unassigned) if p is not None]
        self.lon = plan.accounts["lon"].to_numpy(dtype=float)
        self.lat = plan.accounts["lat"].to_numpy(dtype=float)
        self.placed = np.isfinite(self.lon) & np.isfinite(self.lat)
        self.home_lon = plan.reps["lon"].to_numpy(dtype=float)
        self.home_lat = plan.reps["lat"].to_numpy(dtype=float)
        self.rep_row = {str(r): j for j, r in enumerate(plan.reps["rep_id"])}

    def spot_within(
        self, territory: int, view: tuple[float, float, float, float]
    ) -> tuple[float, float] | None:
        """A point inside the part of a territory that lies in ``view``, if any shows."""
        geom = self.geoms.get(territory)
        b = self.bounds[territory]
        if geom is None or b[0] > view[2] or b[2] < view[0] or b[1] > view[3] or b[3] < view[1]:
            return None
        window = shapely.box(*view)
        part = shapely.intersection(geom, window)
        polys = [g for g in shapely.get_parts(part) if g.geom_type == "Polygon"]
        if not polys:
            return None
        largest = max(polys, key=lambda g: g.area)
        if largest.area < 0.01 * window.area:
            return None  # a sliver at the edge: a label would cover the territory's own
        spot = shapely.point_on_surface(largest)
        return spot.x, spot.y

    def extent(self, territory: int | None) -> tuple[float, float, float, float]:
        """Bounds of one territory (its shape, else its accounts) or of the whole plan."""
        if territory is None:
            boxes = self.bounds[np.isfinite(self.bounds[:, 0])]
            if self.plan.n_units:
                boxes = np.vstack([boxes, shapely.total_bounds(self.plan.units.geometry)])
            mask = self.placed
        else:
            boxes = self.bounds[territory : territory + 1]
            boxes = boxes[np.isfinite(boxes[:, 0])]
            mask = self.placed & (self.plan.account_territory == territory)
        xs: list[float] = []
        ys: list[float] = []
        if len(boxes):
            xs += [float(boxes[:, 0].min()), float(boxes[:, 2].max())]
            ys += [float(boxes[:, 1].min()), float(boxes[:, 3].max())]
        if mask.any():
            xs += [float(self.lon[mask].min()), float(self.lon[mask].max())]
            ys += [float(self.lat[mask].min()), float(self.lat[mask].max())]
        if not xs:
            return -1.0, -1.0, 1.0, 1.0
        return min(xs), min(ys), max(xs), max(ys)


def _frame(ax: Any, extent: tuple[float, float, float, float], pad: float) -> None:
    xmin, ymin, xmax, ymax = extent
    dx = (xmax - xmin) * pad or 0.05
    dy = (ymax - ymin) * pad or 0.05
    ax.set_xlim(xmin - dx, xmax + dx)
    ax.set_ylim(ymin - dy, ymax + dy)
    mid = (ymin + ymax) / 2
    ax.set_aspect(1.0 / max(np.cos(np.radians(mid)), 0.05), adjustable="box", anchor="NW")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#999999")
        spine.set_linewidth(0.5)


def _draw_map(
    ax: Any,
    data: _MapData,
    focus: int | None,
    view: tuple[float, float, float, float] | None = None,
) -> None:
    from matplotlib import patheffects
    from matplotlib.collections import PathCollection

    plan = data.plan
    k = plan.n_territories
    halo = [patheffects.withStroke(linewidth=2.0, foreground="white")]
    if data.unassigned_paths:
        ax.add_collection(
            PathCollection(
                data.unassigned_paths,
                facecolors=UNASSIGNED_FILL,
                edgecolors="white",
                linewidths=0.2,
            )
        )
    paths = [p for p in data.paths if p is not None]
    faces = []
    edges = []
    widths = []
    for i, p in enumerate(data.paths):
        if p is None:
            continue
        if focus is None or i == focus:
            faces.append(data.colors[i])
            edges.append(BORDER)
            widths.append(0.6 if focus is None else 1.2)
        else:
            faces.append(NEIGHBOUR_FILL)
            edges.append("white")
            widths.append(0.8)
    if paths:
        collection = PathCollection(paths, facecolors=faces, edgecolors=edges, linewidths=widths)
        if focus is not None:
            collection.set_alpha(None)
        ax.add_collection(collection)
    if focus is not None and data.paths[focus] is not None:
        # Draw the territory again on top so its border is not hidden by a neighbour's.
        ax.add_collection(
            PathCollection(
                [data.paths[focus]], facecolors="none", edgecolors=BORDER, linewidths=1.2
            )
        )
    # Accounts: the territory's own on its page; unassigned ones on the overview.
    if focus is None:
        mask = data.placed & (plan.account_territory < 0)
        color: Any = UNASSIGNED_ACCOUNT
        size = 4.0
    else:
        mask = data.placed & (plan.account_territory == focus)
        color = "#222222"
        size = 3.0
    if mask.any():
        ax.scatter(data.lon[mask], data.lat[mask], s=size, c=color, linewidths=0, zorder=3)
    # Rep homes: every rep on the overview, the territory's rep on its page.
    rep_rows: list[int] = []
    if focus is None:
        rep_rows = list(range(len(plan.reps)))
    else:
        rep = plan.territories["rep_id"].iloc[focus]
        if str(rep) in data.rep_row:
            rep_rows = [data.rep_row[str(rep)]]
    homes = [j for j in rep_rows if np.isfinite(data.home_lon[j]) and np.isfinite(data.home_lat[j])]
    if homes:
        ax.scatter(
            data.home_lon[homes],
            data.home_lat[homes],
            marker="*",
            s=80 if focus is not None else 40,
            facecolor="#ffd92f",
            edgecolor="black",
            linewidths=0.6,
            zorder=4,
        )
    # Labels: every territory on the overview; on a page, the neighbours in grey.
    font = 5.5 if k <= 30 else 4.0
    for i in range(k):
        spot = data.spots[i]
        if spot is None:
            continue
        if view is not None and not (
            view[0] <= spot[0] <= view[2] and view[1] <= spot[1] <= view[3]
        ):
            # A neighbour whose middle is off the page: label the part that shows.
            spot = data.spot_within(i, view)
            if spot is None:
                continue
        own = focus is None or i == focus
        ax.text(
            spot[0],
            spot[1],
            _short(plan.territory_label(i), 28),
            fontsize=font if focus is None else (9 if own else 6.5),
            color="black" if own else "#777777",
            fontweight="bold" if own else "normal",
            ha="center",
            va="center",
            path_effects=halo,
            zorder=5,
            clip_on=True,
        )


def _table(
    fig: Any,
    rect: tuple[float, float, float, float],
    rows: list[list[str]],
    header: list[str],
    *,
    font: float = 7.0,
    row_colors: list[str | None] | None = None,
    align: list[str] | None = None,
    col_widths: list[float] | None = None,
    row_height: float | None = None,
    header_align: list[str] | None = None,
) -> None:
    """A plain table of text in ``rect`` (figure fractions: left, bottom, width, height).

    Drawn as positioned text and rules rather than ``Axes.table``, which measures every
    cell and took most of the book's time.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle

    left, bottom, width, height = rect
    n_cols = len(header)
    widths = col_widths or [1.0 / n_cols] * n_cols
    scale = width / sum(widths)
    edges = np.concatenate([[left], left + np.cumsum(widths) * scale])
    align = align or ["left"] * n_cols
    step = row_height or min(height / (len(rows) + 1), font * 2.1 / 72 / PAGE_SIZE[1])
    top = bottom + height
    pad = 0.004
    rules = []
    if not rows:
        fig.text(left, top - step / 2, "none", fontsize=font, va="center", color="#666666")
        return
    # A square colour swatch before the first cell (figure x and y fractions differ).
    swatch_width = step * 0.7 * PAGE_SIZE[1] / PAGE_SIZE[0]
    for r, cells in enumerate([header, *rows]):
        y = top - (r + 0.5) * step
        if r > 0 and row_colors is not None and row_colors[r - 1]:
            fig.patches.append(
                Rectangle(
                    (edges[0] + pad / 2, top - (r + 1) * step + step * 0.15),
                    swatch_width,
                    step * 0.7,
                    transform=fig.transFigure,
                    facecolor=row_colors[r - 1],
                    edgecolor=BORDER,
                    linewidth=0.3,
                )
            )
        swatch = r > 0 and row_colors is not None and bool(row_colors[r - 1])
        for c, text in enumerate(cells):
            right = (header_align if r == 0 and header_align else align)[c] == "right"
            x = edges[c + 1] - pad if right else edges[c] + pad
            if c == 0 and swatch:
                x += swatch_width + pad
            fig.text(
                x,
                y,
                text,
                fontsize=font,
                fontweight="bold" if r == 0 else "normal",
                ha="right" if right else "left",
                va="center",
            )
        rules.append([(left, top - (r + 1) * step), (left + width, top - (r + 1) * step)])
    fig.add_artist(
        LineCollection(rules, colors="#bbbbbb", linewidths=0.4, transform=fig.transFigure)
    )


def _title(fig: Any, title: str, subtitle: str) -> None:
    fig.text(0.03, 0.955, title, fontsize=15, fontweight="bold", va="top")
    fig.text(0.03, 0.915, subtitle, fontsize=9, color="#444444", va="top")


def _plan_summary(fig: Any, map_ax: Any, plan: Plan, table: BalanceTable) -> None:
    """Plan totals under the overview map: what a manager asks first."""
    map_ax.apply_aspect()  # the map's box shrinks to the region's shape; sit just below it
    below = map_ax.get_position().y0 - 0.03
    if below < 0.2:
        return
    currency = plan.settings.currency
    in_band_all = int(table.in_band.all(axis=1).sum()) if table.in_band.size else 0
    disruption = plan.disruption()
    rows = [
        [
            tr("Territories within every band"),
            tr("{in_band} of {total}").format(in_band=in_band_all, total=plan.n_territories),
        ]
    ]
    for j, spec in enumerate(table.measures):
        total = float(np.nansum(table.values[:, j])) + float(np.nansum(table.unassigned[j]))
        out = int((~table.in_band[:, j]).sum())
        label = tr(spec.label)
        rows.append(
            [
                tr("{measure}: plan total").format(measure=label),
                compact_value(total, spec, currency),
            ]
        )
        rows.append(
            [tr("{measure}: territories out of band").format(measure=label), format_number(out)]
        )
    rows.append([tr("Unassigned accounts"), format_number(int((plan.account_territory < 0).sum()))])
    rows.append(
        [
            tr("Accounts moved from the baseline"),
            f"{format_number(disruption.accounts_moved)} "
            f"({format_percent(disruption.accounts_fraction)})",
        ]
    )
    rows = rows[: max(1, int((below - 0.06) / 0.022) - 1)]
    fig.text(0.02, below, tr("Plan totals"), fontsize=9, fontweight="bold")
    _table(
        fig,
        (0.02, 0.06, 0.35, below - 0.075),
        rows[1:],
        rows[0],  # the headline figure, in bold
        font=6.5,
        align=["left", "right"],
        col_widths=[0.7, 0.3],
        row_height=0.022,
    )


def _overview_page(plan: Plan, data: _MapData, table: BalanceTable) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=PAGE_SIZE)
    k = plan.n_territories
    unassigned_accounts = int((plan.account_territory < 0).sum())
    _title(
        fig,
        tr("{name}: territory map book").format(name=plan.name),
        tr("{k} territories · {n} accounts").format(k=k, n=format_number(plan.n_accounts))
        + (
            tr(" · {n} unassigned").format(n=format_number(unassigned_accounts))
            if unassigned_accounts
            else ""
        )
        + tr(" · each measure's value and deviation from its target"),
    )
    ax = fig.add_axes((0.02, 0.06, 0.35, 0.82))
    _draw_map(ax, data, None)
    _frame(ax, data.extent(None), 0.03)
    handles: list[Any] = []
    if len(data.unassigned_paths):
        handles.append(
            Patch(facecolor=UNASSIGNED_FILL, edgecolor="white", label=tr("Unassigned unit"))
        )
    if unassigned_accounts:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                color=UNASSIGNED_ACCOUNT,
                ms=4,
                label=tr("Unassigned account"),
            )
        )
    handles.append(
        Line2D([], [], marker="*", ls="", mfc="#ffd92f", mec="black", ms=9, label=tr("Rep home"))
    )
    ax.legend(handles=handles, loc="lower left", fontsize=7, frameon=True, framealpha=0.85)
    _plan_summary(fig, ax, plan, table)

    reps = _rep_rows(plan)
    shown = min(k, MAX_OVERVIEW_ROWS)
    currency = plan.settings.currency
    n_measures = len(table.measures)
    rows = []
    for i in range(shown):
        cells = [_short(plan.territory_label(i), 22), _short(reps[i][0], 16)]
        for j, spec in enumerate(table.measures):
            cells += [
                compact_value(table.values[i, j], spec, currency),
                format_deviation(table.deviation[i, j], 0),
            ]
        rows.append(cells)
    target_row = [tr("Target (band)"), ""]
    for j, spec in enumerate(table.measures):
        target_row += [
            compact_value(table.targets[j], spec, currency),
            f"±{format_number(spec.tolerance * 100)} %",
        ]
    rows.append(target_row)
    colors: list[str | None] = [data.colors[i] for i in range(shown)] + [None]
    header = [tr("Territory"), tr("Rep")]
    for spec in table.measures:
        # The label spans the value and deviation columns.
        header += [_short(tr(spec.label), 18), ""]
    widths = [0.22, 0.15, *([0.085, 0.075] * n_measures)]
    font = 6.5 if len(rows) <= 26 else 5.5 if len(rows) <= 34 else 4.5
    _table(
        fig,
        (0.385, 0.06, 0.605, 0.82),
        rows,
        header,
        font=font,
        row_colors=colors,
        align=["left", "left", *(["right"] * (2 * n_measures))],
        header_align=["left"] * (2 + 2 * n_measures),
        col_widths=widths,
        row_height=min(0.82 / (len(rows) + 1), 0.032),
    )
    if k > shown:
        fig.text(
            0.48,
            0.03,
            f"… {k - shown} more territories: see their pages",
            fontsize=7,
            color="#444444",
        )
    return fig


def _territory_page(plan: Plan, data: _MapData, table: BalanceTable, i: int, top_n: int) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=PAGE_SIZE)
    tid = str(plan.territories["territory_id"].iloc[i])
    rep_name, capacity = _rep_rows(plan)[i]
    members = np.flatnonzero(plan.account_territory == i)
    subtitle = tr("Territory {tid} · rep: {rep}").format(tid=tid, rep=rep_name or tr("none"))
    try:
        w = table.column("workload")
    except ValueError:
        w = -1
    if w >= 0 and np.isfinite(capacity):
        share, over = utilisation(np.array([table.values[i, w]]), np.array([capacity]))
        if np.isfinite(share[0]):
            subtitle += tr(" · capacity {capacity} h · utilisation {share} %").format(
                capacity=format_number(capacity), share=format_number(share[0] * 100)
            )
            if over[0]:
                subtitle += tr(" (over capacity)")
    subtitle += tr(" · {n} accounts").format(n=format_number(len(members)))
    _title(fig, _short(plan.territory_label(i), 70), subtitle)
    # A swatch of the territory's colour beside the title.
    fig.patches.append(_swatch(fig, data.colors[i]))

    ax = fig.add_axes((0.03, 0.06, 0.55, 0.82))
    extent = data.extent(i)
    dx, dy = (extent[2] - extent[0]) * 0.12, (extent[3] - extent[1]) * 0.12
    view = (extent[0] - dx, extent[1] - dy, extent[2] + dx, extent[3] + dy)
    _draw_map(ax, data, i, view=view)
    _frame(ax, extent, 0.12)

    rows = []
    for j, spec in enumerate(table.measures):
        dev = table.deviation[i, j]
        status = (
            "–"
            if not np.isfinite(dev)
            else (
                tr("in band") if table.in_band[i, j] else (tr("over") if dev > 0 else tr("under"))
            )
        )
        rows.append(
            [
                _short(tr(spec.label), 22),
                format_value(table.values[i, j], spec, plan.settings.currency),
                format_value(table.targets[j], spec, plan.settings.currency),
                format_deviation(dev),
                f"{status} (±{format_number(spec.tolerance * 100)} %)",
            ]
        )
    fig.text(0.61, 0.885, tr("Balance against target"), fontsize=9, fontweight="bold")
    _table(
        fig,
        (0.61, 0.62, 0.37, 0.255),
        rows,
        [tr("Measure"), tr("Value"), tr("Target"), tr("Deviation"), tr("Band")],
        font=7,
        align=["left", "right", "right", "right", "left"],
        col_widths=[0.28, 0.18, 0.18, 0.15, 0.21],
    )
    accounts = plan.accounts.iloc[members]
    currency = plan.settings.currency
    for title, column, top in (
        (tr("Top {n} accounts by revenue").format(n=top_n), "revenue", 0.60),
        (tr("Top {n} accounts by potential").format(n=top_n), "potential", 0.315),
    ):
        fig.text(0.61, top, title, fontsize=9, fontweight="bold")
        values = accounts[column].to_numpy(dtype=float) if column in accounts else np.array([])
        order = np.argsort(-np.nan_to_num(values, nan=-np.inf), kind="stable")[:top_n]
        account_rows = [
            [
                _short(accounts["name"].iloc[r], 30),
                _short(accounts["segment"].iloc[r], 4) if "segment" in accounts else "",
                _money(accounts["revenue"].iloc[r], currency),
                _money(accounts["potential"].iloc[r], currency),
            ]
            for r in order
        ]
        _table(
            fig,
            (0.61, top - 0.255, 0.37, 0.245),
            account_rows,
            [tr("Account"), tr("Seg."), tr("Revenue"), tr("Potential")],
            font=6.5,
            align=["left", "left", "right", "right"],
            col_widths=[0.5, 0.1, 0.2, 0.2],
        )
    return fig


def _money(value: Any, currency: str) -> str:
    number = float(value) if value is not None else float("nan")
    return "–" if not np.isfinite(number) else format_currency(number, currency)


def _swatch(fig: Any, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (0.012, 0.925),
        0.011,
        0.03,
        transform=fig.transFigure,
        facecolor=color,
        edgecolor=BORDER,
        lw=0.5,
    )


def write_map_book(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    *,
    top_n: int = 10,
) -> int:
    """Write the plan's map book as one PDF: an overview page, then one page per territory.

    Parameters
    ----------
    plan : Plan
        Read only; pass a snapshot when the user can edit meanwhile (the window
        copies the plan on its thread first, as for the other exports).
    path : path-like
        The ``.pdf`` to write. It appears only once complete; a failed or cancelled
        export leaves an existing file as it was.
    state : TaskState, optional
        Progress (one step per page) and cancellation, checked between pages;
        cancelling raises :class:`planner.models.progress.Cancelled`.
    top_n : int, default 10
        How many accounts each territory page lists by revenue and by potential.

    Returns
    -------
    int
        The number of pages written (territories + 1).
    """
    from matplotlib.backends.backend_pdf import PdfPages

    from planner.io.export_xlsx import atomic_output

    if top_n < 0:
        raise ValueError(f"top_n must be zero or more, got {top_n}")
    state = state or TaskState()
    k = plan.n_territories
    state.report(0.0, "Preparing the map book")
    data = _MapData(plan)
    table = plan.balance()
    pages = 0
    with _plain_text(), atomic_output(path) as tmp:
        with PdfPages(
            tmp,
            metadata={
                "Title": tr("{name}: territory map book").format(name=plan.name),
                "Creator": "Territory Planner",
            },
        ) as pdf:
            for page in range(k + 1):
                state.raise_if_cancelled()
                if page == 0:
                    state.report(0.02, "Overview page")
                    fig = _overview_page(plan, data, table)
                else:
                    i = page - 1
                    state.report(
                        page / (k + 1),
                        tr("Page {page} of {pages}: {territory}").format(
                            page=page + 1, pages=k + 1, territory=plan.territory_label(i)
                        ),
                    )
                    fig = _territory_page(plan, data, table, i, top_n)
                pdf.savefig(fig)
                pages += 1
        state.raise_if_cancelled()
    state.report(1.0, f"Map book written: {pages} pages")
    return pages


__all__ = ["format_deviation", "format_value", "write_map_book"]
