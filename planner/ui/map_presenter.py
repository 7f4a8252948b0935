"""Keeps the map canvas in step with the plan: colours, outlines, labels, highlight."""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QTimer

from planner.models.balance import BalanceTable
from planner.models.events import (
    AssignmentChanged,
    PlanEvent,
    TerritoriesChanged,
    TerritoryListChanged,
)
from planner.models.hierarchy import HierarchyError, group_colors, hierarchy
from planner.models.plan import Plan
from planner.ui.canvas import MapCanvas
from planner.ui.i18n import translate

UNASSIGNED_UNIT = (200, 200, 200, 120)
#: Colour by deviation: near white inside the tolerance band, then light to deep blue
#: (under target) or red (over target), deepest at three band widths beyond the band.
IN_BAND_RGB = (247, 247, 247)
UNDER_LIGHT, UNDER_DEEP = (209, 229, 240), (33, 102, 172)
OVER_LIGHT, OVER_DEEP = (253, 219, 199), (178, 24, 43)
UNASSIGNED_ACCOUNT = (227, 26, 28, 255)
UNIT_ALPHA = 150
LEGEND_MAX_TERRITORIES = 12


def hex_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def deviation_rgb(deviation: np.ndarray, tolerance: float) -> np.ndarray:
    """Diverging blue-white-red ``(n, 3)`` uint8 colours for deviations (fractions of target).

    Inside the band (``|d| <= tolerance``) colours are near white; beyond it they deepen
    with the distance from the band, fully saturated at three band widths (at least 30 %).
    NaN gives the colour of the band.
    """
    d = np.nan_to_num(np.asarray(deviation, dtype=float), nan=0.0, posinf=1e9, neginf=-1e9)
    outside = np.abs(d) > tolerance + 1e-12
    reach = max(3 * tolerance, 0.3)
    s = np.clip((np.abs(d) - tolerance) / reach, 0.0, 1.0)[:, None]
    under = np.array(UNDER_LIGHT) + s * (np.array(UNDER_DEEP) - np.array(UNDER_LIGHT))
    over = np.array(OVER_LIGHT) + s * (np.array(OVER_DEEP) - np.array(OVER_LIGHT))
    rgb = np.where((d > 0)[:, None], over, under)
    rgb = np.where(outside[:, None], rgb, np.array(IN_BAND_RGB))
    return np.rint(rgb).astype(np.uint8)


class PlanMapPresenter:
    """Pushes a plan's layers to a :class:`MapCanvas` and redraws only what an event touched."""

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self.plan: Plan | None = None
        self._unit_tree: shapely.STRtree | None = None
        self._label_numbers = True
        #: ``"territory"`` (each territory its colour), ``("level", level)`` (one colour per
        #: district, region...) or ``("deviation", measure_key)``.
        self.color_mode: str | tuple[str, str] = "territory"

    def set_color_mode(self, mode: str | tuple[str, str]) -> None:
        """Colour territories by their own colour, by a hierarchy level, or by deviation.

        Parameters
        ----------
        mode : "territory", ("level", level), "parent" or ("deviation", measure_key)
            ``("level", "Region")`` gives every territory the colour of its region;
            ``"parent"`` is the lowest level above territories (what ``parent_id`` names).
        """
        if mode not in ("territory", "parent") and not (
            isinstance(mode, tuple) and len(mode) == 2 and mode[0] in ("deviation", "level")
        ):
            raise ValueError(
                "mode must be 'territory', 'parent', ('level', level) or ('deviation', key), "
                f"got {mode!r}"
            )
        if isinstance(mode, tuple) and mode[0] == "deviation" and self.plan is not None:
            self.plan.settings.measure(mode[1])  # KeyError names an unknown measure
        if isinstance(mode, tuple) and mode[0] == "level" and self.plan is not None:
            levels = hierarchy(self.plan).levels
            if mode[1] not in levels:
                raise HierarchyError(
                    f"no hierarchy level {mode[1]!r} (levels: {', '.join(levels) or 'none'})"
                )
        self.color_mode = mode
        if self.plan is not None:
            self.canvas.set_unit_colors(self.unit_colors())
            self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines()
            self.refresh_legend()

    def _deviation_key(self) -> str | None:
        mode = self.color_mode
        return mode[1] if isinstance(mode, tuple) and mode[0] == "deviation" else None

    def _level_groups(self) -> tuple[list[str], list[str], np.ndarray] | None:
        """Names, colours and group per territory when colouring by a level, else None.

        A level the plan does not have (e.g. after opening another plan) colours by
        territory.
        """
        assert self.plan is not None
        mode = self.color_mode
        if mode != "parent" and not (isinstance(mode, tuple) and mode[0] == "level"):
            return None
        tree = hierarchy(self.plan)
        level = mode[1] if isinstance(mode, tuple) else (tree.levels[:1] or [None])[0]
        if level is None or level not in tree.levels:
            return None
        ids, names, index = tree.groups(level)
        return names, group_colors(ids), index

    def set_plan(self, plan: Plan) -> None:
        """Show a new plan and zoom to it."""
        if self.plan is not None:
            self.plan.events.unsubscribe(self._on_plan_event)
        self.plan = plan
        plan.events.subscribe(self._on_plan_event)
        self.canvas.set_units(plan.units.geometry.to_numpy())
        lon = plan.accounts["lon"].to_numpy(dtype=float)
        lat = plan.accounts["lat"].to_numpy(dtype=float)
        self.canvas.set_accounts(lon, lat, self.account_colors())
        self.canvas.set_unit_colors(self.unit_colors())
        reps = plan.reps
        self.canvas.set_reps(
            reps["lon"].to_numpy(dtype=float), reps["lat"].to_numpy(dtype=float), list(reps["name"])
        )
        self._unit_tree = shapely.STRtree(plan.units.geometry.to_numpy()) if plan.n_units else None
        self.refresh_outlines()
        self.refresh_legend()
        self.canvas.set_highlight(set())
        self.canvas.zoom_to_extent()
        # Fit again once the window has laid out its docks and the canvas has its real size.
        QTimer.singleShot(0, self.canvas.zoom_to_extent)

    # -- colours ----------------------------------------------------------------------

    def _palette(self, alpha: int, darken: float = 1.0) -> np.ndarray:
        """RGBA per territory index + 1 (row 0 is Unassigned)."""
        assert self.plan is not None
        key = self._deviation_key()
        groups = self._level_groups() if key is None else None
        if key is not None:
            table = self.plan.balance()
            j = table.column(key)
            rgb = deviation_rgb(table.deviation[:, j], table.measures[j].tolerance)
            colors = [tuple(int(v) for v in c) for c in rgb]
        elif groups is not None:
            # One colour per district/region: every territory takes its node's colour.
            _names, group_rgb, index = groups
            colors = [hex_rgb(group_rgb[g]) for g in index]
        else:
            colors = [hex_rgb(c) for c in self.plan.territories["color"]]
        rows = [UNASSIGNED_UNIT]
        for r, g, b in colors:
            rows.append((int(r * darken), int(g * darken), int(b * darken), alpha))
        return np.array(rows, dtype=np.uint8)

    def unit_colors(self) -> np.ndarray:
        assert self.plan is not None
        return self._palette(UNIT_ALPHA)[self.plan.unit_territory + 1]

    def account_colors(self) -> np.ndarray:
        assert self.plan is not None
        palette = self._palette(255, darken=0.55)
        palette[0] = UNASSIGNED_ACCOUNT
        return palette[self.plan.account_territory + 1]

    # -- outlines, labels, legend ----------------------------------------------------

    def label(self, index: int, table: BalanceTable | None = None) -> str:
        """Territory name and its key number (workload, or the measure coloured by)."""
        assert self.plan is not None
        name = self.plan.territory_label(index)
        if not self._label_numbers:
            return name
        table = table if table is not None else self.plan.balance()
        key = self._deviation_key()
        if key is not None:
            from planner.models.settings import format_value

            j = table.column(key)
            dev = table.deviation[index, j]
            dev_text = f"{dev * 100:+.0f}%" if np.isfinite(dev) else "–"
            value = format_value(
                table.values[index, j], table.measures[j], self.plan.settings.currency
            )
            return f"{name}\n{value} ({dev_text})"
        try:
            j = table.column("workload")
        except ValueError:
            return name
        dev = table.deviation[index, j]
        dev_text = f"{dev * 100:+.0f}%" if np.isfinite(dev) else "–"
        return f"{name}\n{table.values[index, j]:,.0f} h ({dev_text})"

    def refresh_outlines(self) -> None:
        assert self.plan is not None
        plan = self.plan
        geoms = [plan.territory_geometry(i) for i in range(plan.n_territories)]
        table = plan.balance()  # once per refresh, not once per label
        self.canvas.set_territory_outlines(
            geoms, [self.label(i, table) for i in range(plan.n_territories)]
        )

    def refresh_legend(self) -> None:
        """Territory colours when few enough to read; always the symbols' meaning.

        With many territories the map labels and the balance table's swatches name
        them, and a long legend would hide the map.
        """
        assert self.plan is not None
        entries: list[tuple[str, str]] = []
        groups = self._level_groups() if self._deviation_key() is None else None
        if groups is not None and len(groups[0]) <= LEGEND_MAX_TERRITORIES:
            entries = list(zip(groups[0], groups[1], strict=True))
        elif groups is None and self.plan.n_territories <= LEGEND_MAX_TERRITORIES:
            colors = self.plan.territories["color"]
            entries = [(self.plan.territory_label(i), c) for i, c in enumerate(colors)]
        entries.append((translate("MapPresenter", "Unassigned unit"), "#c8c8c8"))
        entries.append((translate("MapPresenter", "Unassigned account"), "#e31a1c"))
        self.canvas.set_legend(entries)

    # -- picking -----------------------------------------------------------------------

    def territory_at(self, lon: float, lat: float) -> int | None:
        """Territory of the unit under a point, else of the nearest account within reach."""
        plan = self.plan
        if plan is None:
            return None
        if self._unit_tree is not None:
            hits = self._unit_tree.query(shapely.Point(lon, lat), predicate="intersects")
            if len(hits):
                t = int(plan.unit_territory[int(hits[0])])
                return t if t >= 0 else None
        return None

    # -- events ------------------------------------------------------------------------

    def _on_plan_event(self, event: PlanEvent) -> None:
        if self.plan is None:
            return
        if isinstance(event, AssignmentChanged) and self._deviation_key() is not None:
            # Any move changes deviations (and targets) of territories beyond the moved units.
            self.canvas.set_unit_colors(self.unit_colors())
            self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines()
        elif isinstance(event, AssignmentChanged):
            if len(event.change.unit_indices):
                self.canvas.set_unit_colors(self.unit_colors())
            if len(event.change.account_indices):
                self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines()
        elif isinstance(event, TerritoriesChanged | TerritoryListChanged):
            self.canvas.set_unit_colors(self.unit_colors())
            self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines()
            self.refresh_legend()
