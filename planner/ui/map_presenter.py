"""Keeps the map canvas in step with the plan: colours, outlines, labels, highlight."""

from __future__ import annotations

import math

import numpy as np
import shapely
from PySide6.QtCore import QTimer

from planner.models.assignment import Change
from planner.models.balance import BalanceTable
from planner.models.events import (
    ActualsChanged,
    AssignmentChanged,
    RoutedTravelChanged,
    TerritoriesChanged,
)
from planner.models.hierarchy import HierarchyError, group_colors, hierarchy
from planner.models.i18n import current_language, format_locale
from planner.models.plan import Plan
from planner.ui.canvas import MapCanvas
from planner.ui.i18n import QT_TRANSLATE_NOOP, num, translate
from planner.ui.refresh import Refresh

UNASSIGNED_UNIT = (200, 200, 200, 120)
#: Colour by deviation: near white inside the tolerance band, then light to deep blue
#: (under target) or red (over target), deepest at three band widths beyond the band.
IN_BAND_RGB = (247, 247, 247)
UNDER_LIGHT, UNDER_DEEP = (209, 229, 240), (33, 102, 172)
OVER_LIGHT, OVER_DEEP = (253, 219, 199), (178, 24, 43)
UNASSIGNED_ACCOUNT = (227, 26, 28, 255)
UNIT_ALPHA = 150


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


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


#: The words of the attainment legend (planner.ui.attainment_map.LEGEND, Qt-free), for lupdate.
ATTAINMENT_LEGEND_WORDS = (
    QT_TRANSLATE_NOOP("AttainmentMap", "≤ 70 % of quota"),
    QT_TRANSLATE_NOOP("AttainmentMap", "no quota"),
)


class PlanMapPresenter:
    """Pushes a plan's layers to a :class:`MapCanvas` and redraws only what a change touched.

    It is one of the views of :class:`~planner.ui.refresh.RefreshScheduler`: the window
    registers :meth:`refresh`, which receives what changed once per turn of the event loop.
    """

    def __init__(self, canvas: MapCanvas) -> None:
        self.canvas = canvas
        self.plan: Plan | None = None
        self._unit_tree: shapely.STRtree | None = None
        self._label_numbers = True
        #: ``"territory"`` (each territory its colour), ``("level", level)`` (one colour per
        #: district, region...), ``("deviation", measure_key)`` or ``("attainment", period)``
        #: (``""`` = the latest period; see :mod:`planner.ui.attainment_map`).
        self.color_mode: str | tuple[str, str] = "territory"
        self._attainment_cache: np.ndarray | None = None
        #: The territory each account is coloured by on the map (None: colours follow
        #: something else, e.g. the deviation), so a recolour touches only what differs.
        self._shown_accounts: np.ndarray | None = None
        #: Accounts the map shows in another territory than the plan's (a preview's):
        #: everywhere else ``_shown_accounts`` is the plan's own assignment.
        self._shown_moved = np.zeros(0, dtype=np.intp)
        #: Unit and account palettes a preview reuses (built again for each applied state).
        self._preview_palettes: tuple[np.ndarray, np.ndarray] | None = None
        #: The preview the map shows (None: the plan as it is, or not known).
        self._shown_preview: Change | None = None
        #: Workload hours as the labels write them, per value, for the locale they were
        #: written in (see :meth:`_labels`).
        self._number_texts: tuple[tuple[str, str], dict[float, str]] = (("", ""), {})

    def set_color_mode(self, mode: str | tuple[str, str]) -> None:
        """Colour territories by their own colour, by a hierarchy level, or by deviation.

        Parameters
        ----------
        mode : "territory", ("level", level), "parent" or ("deviation", measure_key)
            ``("level", "Region")`` gives every territory the colour of its region;
            ``"parent"`` is the lowest level above territories (what ``parent_id`` names).
        """
        if mode not in ("territory", "parent") and not (
            isinstance(mode, tuple)
            and len(mode) == 2
            and mode[0] in ("deviation", "level", "attainment")
        ):
            raise ValueError(
                "mode must be 'territory', 'parent', ('level', level), ('deviation', key) or "
                f"('attainment', period), got {mode!r}"
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
        self._preview_palettes = None
        self._attainment_cache = None
        if self.plan is not None:
            self.canvas.set_unit_colors(self.unit_colors())
            self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines()
            self.refresh_legend()

    def _attainment_period(self) -> str | None:
        """The period coloured by when colouring by attainment ("" = latest), else None."""
        mode = self.color_mode
        return mode[1] if isinstance(mode, tuple) and mode[0] == "attainment" else None

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
        level = mode[1] if isinstance(mode, tuple) else (tree.levels[0] if tree.levels else None)
        if level is None or level not in tree.levels:
            return None
        ids, names, index = tree.groups(level)
        return names, group_colors(ids), index

    def set_plan(self, plan: Plan) -> None:
        """Show a new plan and zoom to it."""
        self.plan = plan
        self._preview_palettes = None
        self._attainment_cache = None
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
        period = self._attainment_period()
        if period is not None:
            from planner.ui.attainment_map import attainment_rgb

            rgb = attainment_rgb(self._attainment())
            colors = [tuple(int(v) for v in c) for c in rgb]
        elif key is not None:
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

    def _account_palette(self) -> np.ndarray:
        palette = self._palette(255, darken=0.55)
        palette[0] = UNASSIGNED_ACCOUNT
        return palette

    def account_colors(self) -> np.ndarray:
        """Account colours of the plan as it is (what the map then shows)."""
        assert self.plan is not None
        by_territory = self._recolours_by_territory()
        self._shown_accounts = self.plan.account_territory.copy() if by_territory else None
        self._shown_moved = np.zeros(0, dtype=np.intp)
        self._shown_preview = None
        return self._account_palette()[self.plan.account_territory + 1]

    # -- outlines, labels, legend ----------------------------------------------------

    def label(self, index: int, table: BalanceTable | None = None, name: str | None = None) -> str:
        """Territory name and its key number (workload, or the measure coloured by)."""
        assert self.plan is not None
        if name is None:
            name = self.plan.territory_label(index)
        if not self._label_numbers:
            return name
        table = table if table is not None else self.plan.balance()
        key = self._deviation_key()
        if self._attainment_period() is not None:
            pct = self._attainment()[index]
            if not np.isfinite(pct):
                return name + "\n" + translate("MapPresenter", "no quota")
            return name + "\n" + translate("MapPresenter", "{pct} % of quota").format(pct=num(pct))
        if key is not None:
            from planner.models.settings import format_value

            j = table.column(key)
            dev = table.deviation[index, j]
            dev_text = _deviation_text(dev)
            value = format_value(
                table.values[index, j], table.measures[j], self.plan.settings.currency
            )
            return f"{name}\n{value} ({dev_text})"
        try:
            j = table.column("workload")
        except ValueError:
            return name
        dev = table.deviation[index, j]
        dev_text = _deviation_text(dev)
        return f"{name}\n{num(table.values[index, j])} h ({dev_text})"

    def _attainment(self) -> np.ndarray:
        """Attainment % per territory of the coloured period, computed once per refresh."""
        assert self.plan is not None
        from planner.ui.attainment_map import territory_attainment

        cache = self._attainment_cache
        if cache is None or len(cache) != self.plan.n_territories:
            cache = territory_attainment(self.plan, self._attainment_period())
            self._attainment_cache = cache
        return cache

    def refresh_outlines(self, table: BalanceTable | None = None) -> None:
        assert self.plan is not None
        plan = self.plan
        geoms = [plan.territory_geometry(i) for i in range(plan.n_territories)]
        if table is None:
            table = plan.balance()  # once per refresh, not once per label
        self.canvas.set_territory_outlines(geoms, self._labels(table, plan.territory_names()))

    def _labels(self, table: BalanceTable, names: list[str]) -> list[str]:
        """Every territory's :meth:`label`: in the usual colouring, with the workload's
        numbers written once per value (a release at national scale relabels all 300
        territories, their deviations move with the target, and formatting every number
        again was a third of the labels' time; untouched territories keep their hours)."""
        plain = (
            self._label_numbers
            and self._deviation_key() is None
            and self._attainment_period() is None
            and "workload" in [m.key for m in table.measures]
        )
        if not plain:
            return [self.label(i, table, name) for i, name in enumerate(names)]
        j = table.column("workload")
        locale = (format_locale(), current_language())
        if self._number_texts[0] != locale:
            self._number_texts = (locale, {})
        written = self._number_texts[1]
        if len(written) > 10000:
            written.clear()
        out = []
        for name, value, dev in zip(
            names, table.values[:, j].tolist(), table.deviation[:, j].tolist(), strict=True
        ):
            text = written.get(value)
            if text is None:
                text = written[value] = num(value)
            dev_text = _deviation_text(dev)
            out.append(f"{name}\n{text} h ({dev_text})")
        return out

    def refresh_legend(self) -> None:
        """Territory (or group) colours, then the symbols' meaning.

        The map's legend box shows as many as fit and counts the rest; the Legend
        panel lists them all.
        """
        assert self.plan is not None
        entries: list[tuple[str, str]] = []
        if self._attainment_period() is not None:
            from planner.ui.attainment_map import LEGEND

            legend = [(translate("AttainmentMap", label), colour) for label, colour in LEGEND]
            unassigned = translate("MapPresenter", "Unassigned account")
            self.canvas.set_legend([*legend, (unassigned, "#e31a1c")])
            return
        groups = self._level_groups() if self._deviation_key() is None else None
        if groups is not None:
            entries = list(zip(groups[0], groups[1], strict=True))
        elif self._deviation_key() is None:
            colors = self.plan.territories["color"]
            entries = [(self.plan.territory_label(i), c) for i, c in enumerate(colors)]
        key = self._deviation_key()
        if key is not None:
            # The colouring's classes: below the band, within it, above it.
            table = self.plan.balance()
            band = f"{table.measures[table.column(key)].tolerance:.0%}"
            entries = [
                (
                    translate("MapPresenter", "Below target by more than {band}").format(band=band),
                    _hex(UNDER_DEEP),
                ),
                (
                    translate("MapPresenter", "Within ±{band} of target").format(band=band),
                    _hex(IN_BAND_RGB),
                ),
                (
                    translate("MapPresenter", "Above target by more than {band}").format(band=band),
                    _hex(OVER_DEEP),
                ),
            ]
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

    # -- refresh ------------------------------------------------------------------------

    def _recolours_by_territory(self) -> bool:
        """Whether an item's colour follows its territory alone (not the balance)."""
        return self._deviation_key() is None and self._attainment_period() is None

    def show_assignment(
        self, preview: Change | None = None, *, since_preview: bool = False
    ) -> None:
        """Colour units and accounts by the territory they are in, or would be in after
        ``preview``; only the items whose territory differs from what the map shows are
        recoloured (on the map's buffers, in place).

        ``since_preview``: the plan has not changed since the map last showed it (a preview
        moves on or ends), so only the accounts the last preview and this one move can
        differ; they alone are compared (not every account: 1M at national scale).
        """
        plan = self.plan
        assert plan is not None
        shown = self._shown_accounts
        step = preview.step if preview is not None else None
        if (
            since_preview
            and step is not None
            and self._shown_preview is not None
            and step.previous is self._shown_preview
            and shown is not None
            and shown.shape == plan.account_territory.shape
        ):
            self._show_preview_step(preview)
            return
        self._shown_preview = None
        units = plan.unit_territory
        accounts = plan.account_territory
        if preview is not None:
            units = units.copy()
            units[preview.unit_indices] = preview.unit_after
        if since_preview and shown is not None and shown.shape == accounts.shape:
            self._show_preview_accounts(preview, units)
            return
        if preview is not None:
            accounts = accounts.copy()
            accounts[preview.account_indices] = preview.account_after
        unit_palette, account_palette = self._palettes(preview)
        # Units and accounts recoloured, then the map around them composed once.
        with self.canvas.one_patch():
            self.canvas.set_unit_colors(unit_palette[units + 1])
            if shown is None or shown.shape != accounts.shape:
                self.canvas.set_account_colors(account_palette[accounts + 1])
            else:
                differ = np.flatnonzero(shown != accounts)
                if len(differ):
                    self.canvas.recolour_accounts(differ, account_palette[accounts[differ] + 1])
        self._shown_accounts = accounts.copy()
        self._shown_moved = _moved_accounts(preview)
        self._shown_preview = preview

    def _show_preview_step(self, preview: Change | None) -> None:
        """Recolour what a lasso's next move changes: the units and accounts that entered
        its change (in the target's colour) or left it (back in their own), no others."""
        assert preview is not None and preview.step is not None
        shown = self._shown_accounts
        assert shown is not None
        entered, left = preview.step.entered, preview.step.left
        unit_palette, account_palette = self._palettes(preview)
        units = np.concatenate([entered.unit_indices, left.unit_indices])
        unit_territory = np.concatenate([entered.unit_after, left.unit_before])
        accounts = np.concatenate([entered.account_indices, left.account_indices])
        territory = np.concatenate([entered.account_after, left.account_before])
        with self.canvas.one_patch(clustered=True):
            self.canvas.recolour_units(units, unit_palette[unit_territory + 1])
            differ = shown[accounts] != territory
            if differ.any():
                idx, territory = accounts[differ], territory[differ]
                self.canvas.recolour_accounts(idx, account_palette[territory + 1])
                shown[idx] = territory
        self._shown_moved = _moved_accounts(preview)
        self._shown_preview = preview

    def _palettes(self, preview: Change | None) -> tuple[np.ndarray, np.ndarray]:
        # A preview changes no territory's colour: the palettes of the last applied state
        # are kept while it moves (rebuilding them was a third of the map's part of a move).
        cached = self._preview_palettes if preview is not None else None
        if cached is None:
            cached = (self._palette(UNIT_ALPHA), self._account_palette())
        self._preview_palettes = cached
        return cached

    def _show_preview_accounts(self, preview: Change | None, units: np.ndarray) -> None:
        """Recolour what a preview moving on (or ending) changes: units, and the accounts
        of the last preview and of this one whose shown territory differs."""
        plan = self.plan
        shown = self._shown_accounts
        assert plan is not None and shown is not None
        unit_palette, account_palette = self._palettes(preview)
        moved = _moved_accounts(preview)
        last = self._shown_moved
        if len(last) and len(moved):
            again = np.zeros(len(shown), dtype=bool)
            again[moved] = True
            last = last[~again[last]]  # each account once: this preview's value wins
        candidates = np.concatenate([last, moved])
        wanted = plan.account_territory[candidates]
        if preview is not None:
            wanted[len(last) :] = preview.account_after
        differ = shown[candidates] != wanted
        with self.canvas.one_patch():
            self.canvas.set_unit_colors(unit_palette[units + 1])
            if differ.any():
                idx, territory = candidates[differ], wanted[differ]
                self.canvas.recolour_accounts(idx, account_palette[territory + 1])
                shown[idx] = territory
        self._shown_moved = moved
        self._shown_preview = preview

    def refresh(self, refresh: Refresh) -> None:
        """Redraw what ``refresh`` says changed: colours of moved items, touched outlines.

        A preview (a lasso in progress) recolours the units and accounts it would move in
        their new territory's colour; the end of a preview restores them.
        """
        if self.plan is not refresh.plan:
            return
        if refresh.applied:
            self._preview_palettes = None  # colours may have changed
            self._attainment_cache = None  # and attainment: actuals, quotas, assignment
        if not refresh.applied:
            if self._recolours_by_territory():
                # Nothing applied since the map last showed the plan (that would be an
                # applied refresh): only the previews' accounts can differ.
                self.show_assignment(refresh.preview, since_preview=True)
            return
        if refresh.full:
            # A new plan was drawn by set_plan; the territory list or settings changed.
            if refresh.events:
                self.full_refresh()
            return
        events = refresh.events
        if self._attainment_period() is not None and any(
            isinstance(e, ActualsChanged) for e in events
        ):
            self.full_refresh()
            return
        moved = [e.change for e in events if isinstance(e, AssignmentChanged)]
        properties = any(isinstance(e, TerritoriesChanged) for e in events)
        workload = any(isinstance(e, RoutedTravelChanged) for e in events)
        if workload and not moved and not properties:
            # Routed travel changes the workload in the labels (and deviation colours).
            if self._deviation_key() is not None or self._attainment_period() is not None:
                self.canvas.set_unit_colors(self.unit_colors())
                self.canvas.set_account_colors(self.account_colors())
            self.refresh_outlines(refresh.balance)
            return
        if not moved and not properties:
            return
        recolour_all = self._deviation_key() is not None or self._attainment_period() is not None
        # The recoloured items and the changed outlines lie around the same place (a
        # lasso's region): the map there is composed once for both, not once for each.
        with self.canvas.one_patch():
            if properties or recolour_all:
                # A property (colour, name...) or, colouring by deviation, any move
                # (targets shift) changes colours beyond the moved items.
                self.canvas.set_unit_colors(self.unit_colors())
                self.canvas.set_account_colors(self.account_colors())
            else:
                self.show_assignment()
            self.refresh_outlines(refresh.balance)
        if properties:
            self.refresh_legend()

    def full_refresh(self) -> None:
        """Redraw every layer of the plan (after the territory list or settings changed)."""
        if self.plan is None:
            return
        self._attainment_cache = None
        self.canvas.set_unit_colors(self.unit_colors())
        self.canvas.set_account_colors(self.account_colors())
        self.refresh_outlines()
        self.refresh_legend()


def _moved_accounts(preview: Change | None) -> np.ndarray:
    """The accounts a preview shows elsewhere than the plan (none without a preview)."""
    if preview is None:
        return np.zeros(0, dtype=np.intp)
    return np.asarray(preview.account_indices, dtype=np.intp)


def _deviation_text(dev: float) -> str:
    """A label's deviation from target, as a whole signed percentage ("–" when unknown)."""
    return f"{dev * 100:+.0f}%" if math.isfinite(dev) else "–"
