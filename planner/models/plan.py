"""The plan: accounts, units, territories, reps, settings, and the live assignment.

The plan owns the state. Edits are proposed as a :class:`Change` (pure; locks and
pins already respected), then applied with :meth:`Plan.apply`, which updates the
balance totals incrementally and announces an :class:`AssignmentChanged` event.
Undo applies ``change.inverse()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.models.assignment import UNASSIGNED, Change
from planner.models.balance import COL_REVENUE, AccountWeights, BalanceEngine, BalanceTable
from planner.models.dissolve import dissolve_units, holed_units, redissolve
from planner.models.events import (
    AssignmentChanged,
    EventEmitter,
    LocksChanged,
    RoutedTravelChanged,
    SettingsChanged,
    TablesChanged,
    TerritoriesChanged,
    TerritoryListChanged,
)
from planner.models.geo import WGS84, area_km2
from planner.models.schema import (
    ACCOUNT_COLUMNS,
    FLAG_COLUMNS,
    NUMERIC_ACCOUNT_COLUMNS,
    PLACED_BY_COORDINATES,
    TERRITORY_COLUMNS,
    TEXT_ACCOUNT_COLUMNS,
    palette_color,
)
from planner.models.settings import Settings


class LockedError(ValueError):
    """An edit was refused because an item it needs to change is locked."""


@dataclass
class Disruption:
    """Change against the baseline alignment.

    ``per_territory_*`` arrays count accounts (and their revenue) that are in a
    territory now but were elsewhere in the baseline (gained) or were in it in the
    baseline and are now elsewhere (lost).
    """

    accounts_moved: int
    revenue_moved: float
    accounts_total: int
    revenue_total: float
    gained_accounts: np.ndarray
    lost_accounts: np.ndarray
    gained_revenue: np.ndarray
    lost_revenue: np.ndarray

    @property
    def accounts_fraction(self) -> float:
        return self.accounts_moved / self.accounts_total if self.accounts_total else 0.0

    @property
    def revenue_fraction(self) -> float:
        return self.revenue_moved / self.revenue_total if self.revenue_total else 0.0


@dataclass
class LoadNote:
    """Something the plan noticed while it was built (e.g. an unknown territory id)."""

    layer: str
    row: int
    column: str
    message: str


def _text(series: pd.Series) -> pd.Series:
    """Strings with missing values as ``None`` (vectorised)."""
    text = series.astype(object)
    missing = series.isna().to_numpy()
    if missing.any():
        text = text.where(~missing, None)
    return text.map(str, na_action="ignore") if not missing.all() else text


def _sorted_unique(indices: np.ndarray) -> np.ndarray:
    """Indices as sorted unique int64, skipping the sort when they already are (lassos)."""
    idx = np.asarray(indices, dtype=np.int64)
    if len(idx) < 2 or bool(np.all(idx[1:] > idx[:-1])):
        return idx
    return np.unique(idx)


def _as_text_columns(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> None:
    """Make these columns pandas' string dtype in place, so a file round trip keeps dtypes."""
    for col in columns:
        # A column already of that dtype (an import, a plan file) is left as it is: the
        # conversion costs seconds on a million accounts and changes nothing.
        if col in frame and frame[col].dtype != "str":
            frame[col] = _text(frame[col]).astype("str")


def _flags(series: pd.Series) -> np.ndarray:
    return series.fillna(False).astype(bool).to_numpy()


def cached_key(plan: Plan) -> tuple[Any, ...]:
    """What a figure derived from the plan's state holds for.

    The plan announces every change it makes (``events.emitted``); the arrays a figure
    reads are compared by identity too, as a new baseline or balance engine replaces
    them.
    """
    return (
        plan.events.emitted,
        id(plan.account_territory),
        id(plan.baseline_territory),
        id(plan.engine),
    )


class Plan:
    """A territory plan with a live, always-valid assignment.

    Parameters
    ----------
    accounts : DataFrame
        One row per account with the columns of :data:`planner.models.schema.ACCOUNT_COLUMNS`
        (``territory_id`` may be missing or ``None`` = Unassigned), ``lon`` and ``lat``
        in degrees (NaN when unplaced) and any extra columns, which are kept.
    units : GeoDataFrame, optional
        Unit polygons with ``unit_id``, ``name``, ``territory_id``, ``locked``.
    territories : DataFrame or GeoDataFrame, optional
        Territory table; ``geometry`` holds drawn shapes (``geometry_source == "drawn"``).
    reps : DataFrame, optional
        ``rep_id``, ``name``, ``capacity_hours``, ``lon``, ``lat`` (home).
    settings : Settings, optional
    name : str
    tables : dict of DataFrame, optional
        Non-spatial tables kept as they are (change log, scenarios...).
    layers : dict of GeoDataFrame, optional
        Further layers kept as they are (routes, route stops...).
    """

    def __init__(
        self,
        accounts: pd.DataFrame,
        units: gpd.GeoDataFrame | None = None,
        territories: pd.DataFrame | None = None,
        reps: pd.DataFrame | None = None,
        settings: Settings | None = None,
        name: str = "Untitled plan",
        tables: dict[str, pd.DataFrame] | None = None,
        layers: dict[str, gpd.GeoDataFrame] | None = None,
    ) -> None:
        self.events = EventEmitter()
        self.name = name
        self.settings = settings or Settings()
        self.tables: dict[str, pd.DataFrame] = dict(tables or {})
        self.layers: dict[str, gpd.GeoDataFrame] = dict(layers or {})
        self.notes: list[LoadNote] = []

        self.territories = self._normalise_territories(territories)
        self.territory_index = {tid: i for i, tid in enumerate(self.territories["territory_id"])}
        self.reps = self._normalise_reps(reps)

        accounts = accounts.reset_index(drop=True).copy()
        account_territory = accounts.pop("territory_id") if "territory_id" in accounts else None
        for col in NUMERIC_ACCOUNT_COLUMNS:
            if col not in accounts:
                accounts[col] = np.nan
            accounts[col] = pd.to_numeric(accounts[col], errors="coerce").astype(float)
        for col in FLAG_COLUMNS:
            accounts[col] = _flags(accounts[col]) if col in accounts else False
        for col in ("account_id", "name", "zip", "segment", "baseline_territory_id"):
            if col not in accounts:
                accounts[col] = None
        if "placement" not in accounts:
            accounts["placement"] = PLACED_BY_COORDINATES
        for col in ("lon", "lat"):
            if col not in accounts:
                accounts[col] = np.nan
            accounts[col] = accounts[col].astype(float)
        _as_text_columns(accounts, TEXT_ACCOUNT_COLUMNS)
        core = [c for c in ACCOUNT_COLUMNS if c != "territory_id"]
        extras = [c for c in accounts.columns if c not in core and c not in ("lon", "lat")]
        self.accounts = accounts[core + extras + ["lon", "lat"]]
        self.account_territory = self._map_territories(account_territory, len(accounts), "accounts")
        self.account_locked = accounts["locked"].to_numpy(dtype=bool).copy()
        self.account_pinned = accounts["pinned"].to_numpy(dtype=bool).copy()

        if units is None:
            units = gpd.GeoDataFrame(
                {"unit_id": [], "name": [], "locked": []},
                geometry=gpd.GeoSeries([], crs=WGS84),
                crs=WGS84,
            )
        units = units.reset_index(drop=True).copy()
        if units.crs is None:
            units = units.set_crs(WGS84)
        unit_territory = units.pop("territory_id") if "territory_id" in units else None
        units["locked"] = _flags(units["locked"]) if "locked" in units else False
        _as_text_columns(units, ["unit_id", "name"])
        self.units = units
        self.unit_territory = self._map_territories(unit_territory, len(units), "units")
        self.unit_locked = units["locked"].to_numpy(dtype=bool).copy()
        self.unit_area_km2 = area_km2(units.geometry.to_numpy()) if len(units) else np.zeros(0)
        self.account_unit = self._locate_accounts()

        #: Dissolved shape per territory and the units it was dissolved from; a territory
        #: an edit touched is in ``_geometry_stale`` until its shape is asked for again, and
        #: then updated from the units it gained and lost (see ``dissolve.redissolve``).
        self._geometry_cache: dict[int, tuple[Any, np.ndarray]] = {}
        self._geometry_stale: set[int] = set()
        self._unit_geoms: np.ndarray | None = None
        self._territory_drawn: np.ndarray | None = None
        #: The plan's own disruption counts, with what they were computed from.
        self._disruption_cache: tuple[Any, ...] | None = None
        #: The last previewed change's balance totals, with the plan state they hold for
        #: (see :func:`cached_key`): the next preview of a lasso is that one plus and
        #: minus a few accounts (``Change.step``).
        self._balance_preview: tuple[Any, ...] | None = None
        #: The change last previewed by :meth:`disruption`, the plan state it was
        #: computed on and its counts: the next preview of a lasso starts from them, and
        #: applying that change makes them the plan's own (see :meth:`apply`).
        self._disruption_previewed: tuple[Any, ...] | None = None
        home_lon, home_lat = self._homes()
        self.engine = BalanceEngine(
            self._weights(),
            self.account_territory,
            len(self.territories),
            self.unit_area_km2,
            self.unit_territory,
            self.settings,
            home_lon,
            home_lat,
        )
        self._refresh_drawn_areas()
        self.baseline_territory = self._baseline_indices()

    # -- construction helpers -------------------------------------------------------

    @staticmethod
    def _normalise_territories(territories: pd.DataFrame | None) -> gpd.GeoDataFrame:
        if territories is None:
            territories = pd.DataFrame({c: [] for c in TERRITORY_COLUMNS})
        t = territories.reset_index(drop=True).copy()
        geometry = (
            t.pop("geometry") if "geometry" in t else gpd.GeoSeries([None] * len(t), crs=WGS84)
        )
        t["territory_id"] = t["territory_id"].astype(object).map(str)
        if t["territory_id"].duplicated().any():
            dupes = sorted(set(t.loc[t["territory_id"].duplicated(), "territory_id"]))
            raise ValueError(f"territories: duplicate territory_id {', '.join(dupes)}")
        defaults: dict[str, Any] = {
            "name": None,
            "rep_id": None,
            "parent_id": None,
            "color": None,
            "locked": False,
            "quota": np.nan,
            "geometry_source": "units",
        }
        for col, default in defaults.items():
            if col not in t:
                t[col] = default
        t["name"] = [
            n if isinstance(n, str) and n else tid
            for n, tid in zip(t["name"], t["territory_id"], strict=True)
        ]
        t["color"] = [
            c if isinstance(c, str) and c.startswith("#") else palette_color(i)
            for i, c in enumerate(t["color"])
        ]
        t["locked"] = _flags(t["locked"])
        t["quota"] = pd.to_numeric(t["quota"], errors="coerce").astype(float)
        t["geometry_source"] = [
            g if g in ("drawn", "units") else "units" for g in t["geometry_source"]
        ]
        _as_text_columns(
            t, ["territory_id", "name", "rep_id", "parent_id", "color", "geometry_source"]
        )
        return gpd.GeoDataFrame(t, geometry=gpd.GeoSeries(list(geometry), crs=WGS84), crs=WGS84)

    @staticmethod
    def _normalise_reps(reps: pd.DataFrame | None) -> pd.DataFrame:
        if reps is None:
            reps = pd.DataFrame(
                {"rep_id": [], "name": [], "capacity_hours": [], "lon": [], "lat": []}
            )
        r = reps.reset_index(drop=True).copy()
        if isinstance(r, gpd.GeoDataFrame):
            geom = r.geometry
            r = pd.DataFrame(r.drop(columns=r.geometry.name))
            r["lon"] = [g.x if g is not None and not g.is_empty else np.nan for g in geom]
            r["lat"] = [g.y if g is not None and not g.is_empty else np.nan for g in geom]
        r["rep_id"] = [str(v) for v in r["rep_id"]]
        for col in ("lon", "lat", "capacity_hours"):
            if col not in r:
                r[col] = np.nan
            r[col] = pd.to_numeric(r[col], errors="coerce").astype(float)
        if "name" not in r:
            r["name"] = r["rep_id"]
        _as_text_columns(r, ["rep_id", "name"])
        return r

    def _map_territories(self, ids: pd.Series | None, n: int, layer: str) -> np.ndarray:
        out = np.full(n, UNASSIGNED, dtype=np.int32)
        if ids is None:
            return out
        text = _text(ids.reset_index(drop=True))
        index = pd.Index(self.territory_ids).get_indexer(pd.Index(text))
        present = text.notna().to_numpy()
        out[present] = index[present]
        for row in np.flatnonzero(present & (index < 0)).tolist():
            self.notes.append(
                LoadNote(
                    layer,
                    row,
                    "territory_id",
                    f"unknown territory {text.iloc[row]!r}: kept as Unassigned",
                )
            )
        out[present & (index < 0)] = UNASSIGNED
        return out

    def _baseline_indices(self) -> np.ndarray:
        """Baseline territory index per account; ids no longer in the plan map to -2."""
        text = _text(self.accounts["baseline_territory_id"])
        index = pd.Index(self.territory_ids).get_indexer(pd.Index(text)).astype(np.int32)
        present = text.notna().to_numpy()
        return np.where(present, np.where(index < 0, -2, index), UNASSIGNED).astype(np.int32)

    def _locate_accounts(self) -> np.ndarray:
        """Index of the unit containing each placed account (-1 outside every unit)."""
        n = len(self.accounts)
        out = np.full(n, -1, dtype=np.int32)
        if n == 0 or len(self.units) == 0:
            return out
        lon = self.accounts["lon"].to_numpy()
        lat = self.accounts["lat"].to_numpy()
        placed = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        # Accounts placed at ZIP centroids share few distinct points (a million accounts,
        # 34,000 ZIPs): locate each distinct point once, then spread the answer. A sample
        # tells first whether points repeat, so distinct coordinates pay nothing extra.
        xy = lon[placed] + 1j * lat[placed]
        sample = np.random.default_rng(0).choice(xy, min(len(xy), 10_000), replace=False)
        if len(pd.unique(sample)) < 0.95 * len(sample):
            codes, distinct = pd.factorize(xy)
            distinct = np.asarray(distinct)
            unit_of_point = self._locate_points(distinct.real.copy(), distinct.imag.copy())
            out[placed] = unit_of_point[codes]
            return out
        out[placed] = self._locate_points(lon[placed], lat[placed])
        return out

    def _locate_points(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the unit containing each point (-1 outside every unit)."""
        out = np.full(len(lon), -1, dtype=np.int32)
        # Querying a tree of the points with each unit is about twice as fast as the reverse.
        points = np.asarray(shapely.points(lon, lat), dtype=object)
        tree = shapely.STRtree(points)
        unit_idx, point_idx = tree.query(self.units.geometry.to_numpy(), predicate="intersects")
        # A point on a shared border touches two units: keep the first, deterministically.
        order = np.lexsort((unit_idx, point_idx))
        point_idx, unit_idx = point_idx[order], unit_idx[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        out[point_idx[first]] = unit_idx[first]
        return out

    def _weights(self) -> AccountWeights:
        a = self.accounts
        extra = {
            spec.key: a[spec.key].to_numpy(dtype=float)
            for spec in self.settings.measures
            if spec.key not in ("accounts", "revenue", "potential", "workload") and spec.key in a
        }
        return AccountWeights(
            revenue=a["revenue"].to_numpy(dtype=float),
            potential=a["potential"].to_numpy(dtype=float),
            visits_per_year=a["visits_per_year"].to_numpy(dtype=float),
            visit_minutes=a["visit_minutes"].to_numpy(dtype=float),
            lon=a["lon"].to_numpy(dtype=float),
            lat=a["lat"].to_numpy(dtype=float),
            extra=extra,
        )

    def _homes(self) -> tuple[np.ndarray, np.ndarray]:
        """Home of each territory's rep (NaN where it has none)."""
        reps = self.reps.drop_duplicates("rep_id").set_index("rep_id")
        lon = np.full(len(self.territories), np.nan)
        lat = np.full(len(self.territories), np.nan)
        for i, rep_id in enumerate(self.territories["rep_id"]):
            if isinstance(rep_id, str) and rep_id in reps.index:
                lon[i] = reps.at[rep_id, "lon"]
                lat[i] = reps.at[rep_id, "lat"]
        return lon, lat

    def _refresh_homes(self) -> None:
        lon, lat = self._homes()
        self.engine.set_homes(lon, lat, self.account_territory)

    def _refresh_drawn_areas(self) -> None:
        t = self.territories
        drawn = (t["geometry_source"] == "drawn").to_numpy() & t.geometry.notna().to_numpy()
        override = np.full(len(t), np.nan)
        if drawn.any():
            override[drawn] = area_km2(t.geometry.to_numpy()[drawn])
        self.engine.area_override = override

    # -- sizes and lookups ----------------------------------------------------------

    @property
    def n_accounts(self) -> int:
        return len(self.accounts)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_territories(self) -> int:
        return len(self.territories)

    @property
    def territory_ids(self) -> list[str]:
        return list(self.territories["territory_id"])

    def _territory_cached(self, name: str, make: Any) -> Any:
        """A figure of the territory table, kept until the plan announces a change.

        Reading a column of the territories frame costs pandas 0.1-0.3 ms; a lasso
        asked for the locks and names a dozen times a move.
        """
        cache = self.__dict__.get("_territory_cache")
        if cache is None or cache[0] != self.events.emitted or cache[1] is not self.territories:
            values: dict[str, Any] = {}
            cache = (self.events.emitted, self.territories, values)
            self._territory_cache = cache
        if name not in cache[2]:
            cache[2][name] = make()
        return cache[2][name]

    @property
    def territory_locked(self) -> np.ndarray:
        """Each territory's lock flag (read-only; set with :meth:`set_territory_field`)."""

        def make() -> np.ndarray:
            locked = self.territories["locked"].to_numpy(dtype=bool).copy()
            locked.setflags(write=False)
            return locked

        return self._territory_cached("locked", make)

    def territory_label(self, index: int) -> str:
        """Name of a territory index, or "Unassigned"."""
        return "Unassigned" if index < 0 else str(self.territories.at[index, "name"])

    def territory_names(self) -> list[str]:
        """Every territory's name, in index order (one column read, not one lookup each)."""
        names = self._territory_cached(
            "names", lambda: [str(name) for name in self.territories["name"]]
        )
        return list(names)

    # -- proposing and applying changes ----------------------------------------------

    def _check_target(self, territory: int) -> None:
        if not (territory == UNASSIGNED or 0 <= territory < self.n_territories):
            raise IndexError(f"territory index {territory} out of range")
        if territory >= 0 and self.territory_locked[territory]:
            raise LockedError(f"territory {self.territory_label(territory)} is locked")

    # The one lock and pin rule. Every tool, the optimiser snapshot and the status texts
    # ask these two methods rather than combining the flags themselves, so they cannot drift.

    def held_accounts(self, indices: np.ndarray, *, pins_hold: bool = True) -> np.ndarray:
        """Which of these accounts no edit may move out of their territory.

        Parameters
        ----------
        indices : ndarray of int
            Account indices.
        pins_hold : bool, default True
            Whether a pin holds the account. It does for every reassignment (lasso, brush,
            boundary edits, the optimiser); it does not for pinning, which may re-pin a pinned
            account elsewhere.

        Returns
        -------
        ndarray of bool, aligned with ``indices``
            True for a locked account, an account in a locked territory, and (with
            ``pins_hold``) a pinned account.
        """
        idx = np.asarray(indices, dtype=np.int64)
        held = self.account_locked[idx].copy()
        if pins_hold:
            held |= self.account_pinned[idx]
        current = self.account_territory[idx]
        inside = current >= 0
        held[inside] |= self.territory_locked[current[inside]]
        return held

    def held_units(self, unit_indices: np.ndarray) -> np.ndarray:
        """Which of these units no edit may move: locked units and units of locked territories.

        Returns
        -------
        ndarray of bool, aligned with ``unit_indices``
        """
        idx = np.asarray(unit_indices, dtype=np.int64)
        held = self.unit_locked[idx].copy()
        current = self.unit_territory[idx]
        inside = current >= 0
        held[inside] |= self.territory_locked[current[inside]]
        return held

    def _movable_accounts(self, indices: np.ndarray) -> np.ndarray:
        """Accounts that no lock, pin or locked territory holds in place."""
        return indices[~self.held_accounts(indices)]

    def propose_account_move(self, indices: np.ndarray, territory: int) -> Change:
        """The change moving these accounts to ``territory``, respecting locks and pins.

        Raises
        ------
        LockedError
            If the target territory is locked.
        """
        self._check_target(territory)
        idx = _sorted_unique(indices)
        idx = self._movable_accounts(idx)
        before = self.account_territory[idx]
        return Change.build(idx, before, np.full(len(idx), territory, dtype=np.int32))

    def propose_unit_move(self, unit_indices: np.ndarray, territory: int) -> Change:
        """The change moving these units, and the accounts inside them, to ``territory``.

        Locked units, units of locked territories, and locked or pinned accounts stay.
        """
        self._check_target(territory)
        uidx = _sorted_unique(unit_indices)
        held = self.held_units(uidx)
        uidx = uidx[~held]
        if len(uidx):
            # A boolean lookup per unit beats np.isin over every account by ~10x.
            chosen = np.zeros(self.n_units + 1, dtype=bool)
            chosen[uidx] = True
            in_units = np.flatnonzero(chosen[self.account_unit])  # -1 hits the spare False slot
        else:
            in_units = np.empty(0, np.int64)
        aidx = self._movable_accounts(in_units)
        return Change.build(
            aidx,
            self.account_territory[aidx],
            np.full(len(aidx), territory, dtype=np.int32),
            uidx,
            self.unit_territory[uidx],
            np.full(len(uidx), territory, dtype=np.int32),
        )

    def propose_pin(self, indices: np.ndarray, territory: int) -> tuple[Change, np.ndarray]:
        """Pinning these accounts to ``territory``: the move, and the accounts to pin.

        A pin is the planner's override of the boundaries, so an account already pinned may
        be pinned again elsewhere; locks still hold (a locked account, an account in a
        locked territory).

        Returns
        -------
        change : Change
            Moves the pinnable accounts not yet in ``territory``.
        pins : ndarray of int
            Every pinnable account, including those already in ``territory``.

        Raises
        ------
        LockedError
            If the target territory is locked.
        """
        self._check_target(territory)
        idx = _sorted_unique(indices)
        idx = idx[~self.held_accounts(idx, pins_hold=False)]
        change = Change.build(
            idx, self.account_territory[idx], np.full(len(idx), territory, dtype=np.int32)
        )
        return change, idx

    def apply(self, change: Change) -> None:
        """Apply a change exactly (no lock filtering: use the ``propose_*`` methods for that)."""
        if change.is_empty:
            return
        current = self.account_territory[change.account_indices]
        if not np.array_equal(current, change.account_before):
            raise ValueError("change does not start from the current assignment")
        if not np.array_equal(self.unit_territory[change.unit_indices], change.unit_before):
            raise ValueError("change does not start from the current unit assignment")
        disruption = self._previewed_disruption(change)
        self.account_territory[change.account_indices] = change.account_after
        self.unit_territory[change.unit_indices] = change.unit_after
        self.engine.apply(change, self.account_territory)
        if len(change.unit_indices):
            touched = np.unique(np.concatenate([change.unit_before, change.unit_after]))
            self._geometry_stale.update(int(t) for t in touched if t >= 0)
        self.events.emit(AssignmentChanged(change))
        if disruption is not None and self._disruption_cache is None:
            # What the preview computed is the plan's disruption now (no pass over every
            # account: 25-35 ms at 1M accounts).
            key = (self.events.emitted, self.n_territories, len(self.account_territory))
            self._disruption_cache = (key, *disruption)

    def _previewed_disruption(self, change: Change) -> tuple[Any, ...] | None:
        """The disruption counts after ``change`` if the last preview computed them on the
        plan as it is (the lasso applies the change its last move previewed), else None.

        The plan's own counts are dropped either way: the change is about to be applied.
        """
        previewed, self._disruption_previewed = self._disruption_previewed, None
        self._disruption_cache = None
        key = (self.events.emitted, self.n_territories, len(self.account_territory))
        if (
            previewed is None
            or previewed[0] is not change
            or previewed[1] != key
            or previewed[2] is not self.account_territory
            or previewed[3] is not self.baseline_territory
            or previewed[4] is not self.engine.weights
        ):
            return None
        return previewed[2:]

    def balance(self) -> BalanceTable:
        """The current balance table."""
        return self.engine.table()

    def preview(self, change: Change) -> BalanceTable:
        """The balance table as it would be after ``change`` (nothing is modified).

        A change that carries a step from the change previewed last (a lasso's next
        move) starts from that preview's totals and adds and takes back only the items
        that entered or left it.
        """
        engine = self.engine
        last = self._balance_preview
        step = change.step
        key = cached_key(self)
        if step is not None and last is not None and last[0] == key and last[1] is step.previous:
            state = engine.step(last[2], change, step.entered, step.left)
        else:
            state = engine.preview_state(change)
        self._balance_preview = (key, change, state)
        return engine.table(*state)

    def recompute(self) -> None:
        """Recompute every total from scratch."""
        self.engine.recompute(self.account_territory, self.unit_territory)

    def assign_all_units(self, unit_territory: np.ndarray) -> None:
        """Set every unit's territory at once (a plan being built, before anyone edits it).

        Accounts keep theirs. Announced as one :class:`AssignmentChanged` of the units
        that changed.
        """
        after = np.asarray(unit_territory, dtype=np.int32)
        if after.shape != self.unit_territory.shape:
            raise ValueError(
                f"unit_territory must have shape {self.unit_territory.shape}, got {after.shape}"
            )
        if ((after < UNASSIGNED) | (after >= self.n_territories)).any():
            raise ValueError("unit_territory holds a territory index out of range")
        changed = np.flatnonzero(after != self.unit_territory)
        empty = np.empty(0, np.int64)
        self.apply(
            Change.build(
                empty,
                np.empty(0, np.int32),
                np.empty(0, np.int32),
                changed,
                self.unit_territory[changed],
                after[changed],
            )
        )

    # -- stored tables, layers and routed travel ----------------------------------------

    def replace_tables(
        self,
        tables: Mapping[str, pd.DataFrame | None] | None = None,
        layers: Mapping[str, gpd.GeoDataFrame | None] | None = None,
    ) -> tuple[dict[str, pd.DataFrame | None], dict[str, gpd.GeoDataFrame | None]]:
        """Replace (or, with None, remove) stored tables and layers; announce it once.

        Scenarios, routes and the optimiser's explanations are kept this way: io and
        optimise compute the frames, the plan stores them.

        Returns
        -------
        tables, layers : dict
            What each name held before (None: absent), to undo with another call.
        """
        previous_tables: dict[str, pd.DataFrame | None] = {}
        previous_layers: dict[str, gpd.GeoDataFrame | None] = {}
        for store, new, previous in (
            (self.tables, tables or {}, previous_tables),
            (self.layers, layers or {}, previous_layers),
        ):
            for name, frame in new.items():
                previous[name] = store.get(name)
                if frame is None:
                    store.pop(name, None)
                else:
                    store[name] = frame
        names = (*previous_tables, *previous_layers)
        if names:
            self.events.emit(TablesChanged(tuple(names)))
        return previous_tables, previous_layers

    def set_routed_travel(self, hours: np.ndarray, fingerprints: np.ndarray | None = None) -> None:
        """Routed travel hours per territory (NaN: estimate) and the memberships routed for."""
        self.engine.set_routed_travel(hours, fingerprints)
        self.events.emit(RoutedTravelChanged())

    def routed_state(self) -> tuple[np.ndarray, np.ndarray]:
        """Routed travel hours as set, and the memberships they were routed for."""
        return self.engine.routed_state()

    # -- properties, locks, settings ----------------------------------------------------

    def set_territory_field(self, index: int, field_name: str, value: Any) -> Any:
        """Set one territory property; returns the previous value (for undo)."""
        if field_name not in self.territories.columns or field_name == "territory_id":
            raise KeyError(f"territories have no editable field {field_name!r}")
        previous = self.territories.at[index, field_name]
        self.territories.at[index, field_name] = value
        self._territory_drawn = None
        if field_name == "rep_id":
            self._refresh_homes()
        self.events.emit(TerritoriesChanged((index,), (field_name,)))
        return previous

    def set_account_flags(
        self,
        indices: np.ndarray,
        locked: np.ndarray | bool | None = None,
        pinned: np.ndarray | bool | None = None,
    ) -> None:
        """Set lock and/or pin flags of accounts (arrays aligned with ``indices``, or one value)."""
        idx = np.asarray(indices, dtype=np.int64)
        if locked is not None:
            self.account_locked[idx] = locked
            self.accounts.loc[idx, "locked"] = locked
        if pinned is not None:
            self.account_pinned[idx] = pinned
            self.accounts.loc[idx, "pinned"] = pinned
        self.events.emit(LocksChanged(account_indices=idx))

    def set_unit_locks(self, indices: np.ndarray, locked: np.ndarray) -> None:
        """Set lock flags of units (array aligned with ``indices``)."""
        idx = np.asarray(indices, dtype=np.int64)
        self.unit_locked[idx] = locked
        self.units.loc[idx, "locked"] = locked
        self.events.emit(LocksChanged(unit_indices=idx))

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        """Change some settings fields; returns their previous values (for undo)."""
        previous = {key: getattr(self.settings, key) for key in changes}
        self.set_settings(replace(self.settings, **changes))
        return previous

    def add_territory_column(self, name: str, default: Any = np.nan) -> None:
        """Add an extra territory column (kept by the plan file) unless it exists."""
        if name not in self.territories:
            self.territories[name] = default
            self.events.emit(TerritoriesChanged(tuple(range(self.n_territories)), (name,)))

    def set_settings(self, settings: Settings) -> None:
        """Replace the settings (measures, tolerances, travel model) and recompute."""
        self.settings = settings
        routed, routed_fingerprint = self.engine.routed_state()
        override = self.engine.area_override
        home_lon, home_lat = self._homes()
        self.engine = BalanceEngine(
            self._weights(),
            self.account_territory,
            self.n_territories,
            self.unit_area_km2,
            self.unit_territory,
            settings,
            home_lon,
            home_lat,
        )
        if len(routed) == self.n_territories:
            # Hours of territories edited since routing stay remembered, not current.
            self.engine.set_routed_travel(routed, routed_fingerprint)
        self.engine.area_override = override
        self.events.emit(SettingsChanged())

    # -- adding and removing territories ---------------------------------------------

    def new_territory_id(self, prefix: str = "T") -> str:
        """A territory id not used yet (``T21``, ``T22``...)."""
        used = set(self.territory_ids)
        n = self.n_territories + 1
        while f"{prefix}{n:02d}" in used:
            n += 1
        return f"{prefix}{n:02d}"

    def insert_territory(self, index: int, row: dict[str, Any], geometry: Any = None) -> None:
        """Insert a territory at ``index``; later territories' indices shift up by one.

        ``row`` holds the territory columns (``territory_id`` required). Nothing is
        assigned to the new territory.
        """
        if not 0 <= index <= self.n_territories:
            raise IndexError(f"territory index {index} out of range")
        if str(row["territory_id"]) in self.territory_index:
            raise ValueError(f"territory id {row['territory_id']!r} already exists")
        frame = pd.DataFrame(self.territories.drop(columns=self.territories.geometry.name))
        geoms = list(self.territories.geometry)
        new = {c: row.get(c) for c in frame.columns}
        frame = pd.concat(
            [frame.iloc[:index], pd.DataFrame([new]), frame.iloc[index:]], ignore_index=True
        )
        geoms.insert(index, geometry)
        frame["geometry"] = geoms
        for arr in (self.account_territory, self.unit_territory):
            arr[arr >= index] += 1
        self._rebuild_territories(frame)

    def remove_territory(self, index: int) -> tuple[dict[str, Any], Any]:
        """Remove an empty territory; returns its row and geometry (for undo).

        Raises
        ------
        ValueError
            If accounts or units are still assigned to it.
        """
        if (self.account_territory == index).any() or (self.unit_territory == index).any():
            raise ValueError(f"territory {self.territory_label(index)} still has accounts or units")
        row = {
            c: self.territories.at[index, c] for c in self.territories.columns if c != "geometry"
        }
        geometry = self.territories.geometry.iloc[index]
        frame = pd.DataFrame(self.territories.drop(columns=self.territories.geometry.name))
        geoms = list(self.territories.geometry)
        frame = frame.drop(index=index).reset_index(drop=True)
        del geoms[index]
        frame["geometry"] = geoms
        for arr in (self.account_territory, self.unit_territory):
            arr[arr > index] -= 1
        self._rebuild_territories(frame)
        return row, geometry

    def _rebuild_territories(self, frame: pd.DataFrame) -> None:
        old_ids = self.territory_ids
        routed, routed_fingerprint = self.engine.routed_state()
        self.territories = self._normalise_territories(frame)
        self.territory_index = {tid: i for i, tid in enumerate(self.territories["territory_id"])}
        self.baseline_territory = self._baseline_indices()
        self._geometry_cache.clear()
        self._geometry_stale.clear()
        self._territory_drawn = None
        self.set_settings(self.settings)
        # Routed travel follows each territory by id: the territories left keep theirs.
        hours = np.full(self.n_territories, np.nan)
        fingerprint = np.zeros(self.n_territories, dtype=np.uint64)
        for old, tid in enumerate(old_ids):
            new = self.territory_index.get(tid)
            if new is not None and old < len(routed):
                hours[new], fingerprint[new] = routed[old], routed_fingerprint[old]
        self.engine.set_routed_travel(hours, fingerprint)
        self._refresh_drawn_areas()
        self.events.emit(TerritoryListChanged())

    def set_territory_geometry(self, index: int, geometry: Any) -> Any:
        """Set a drawn territory's shape; returns the previous one (for undo)."""
        previous = self.territories.geometry.iloc[index]
        geoms = self.territories.geometry.to_numpy().copy()
        geoms[index] = geometry
        self.territories = self.territories.set_geometry(gpd.GeoSeries(geoms, crs=WGS84))
        self._geometry_cache.pop(index, None)
        self._territory_drawn = None
        self._refresh_drawn_areas()
        self.events.emit(TerritoriesChanged((index,), ("geometry",)))
        return previous

    # -- derived views ---------------------------------------------------------------

    def disruption(self, change: Change | None = None) -> Disruption:
        """Accounts and revenue that changed territory against the baseline.

        With ``change``, the disruption as it would be after that change (a preview):
        the current figures adjusted by only the accounts the change touches.
        """
        k = self.n_territories
        revenue = self._revenue()
        base = self.baseline_territory
        now = self.account_territory
        # The plan's own figures are kept while nothing changed (every change announces
        # itself): a lasso previews 30 times a second against the same plan, and these
        # passes over every account were most of a preview's disruption at 1M accounts.
        key = (self.events.emitted, k, len(now))
        cached = self._disruption_cache
        if (
            cached is not None
            and cached[0] == key
            and cached[1] is now
            and cached[2] is base
            and cached[3] is self.engine.weights
        ):
            counts = [c.copy() for c in cached[4]]
            total_a, total_r, revenue_total = cached[5]
        else:
            moved = now != base
            now_rows = np.where(now < 0, k, now)
            base_rows = np.where(base < 0, k, base)
            # float throughout: bincount of an empty selection returns ints.
            counts = [
                np.bincount(now_rows[moved], minlength=k + 1).astype(float),
                np.bincount(base_rows[moved], minlength=k + 1).astype(float),
                np.bincount(now_rows[moved], weights=revenue[moved], minlength=k + 1).astype(float),
                np.bincount(base_rows[moved], weights=revenue[moved], minlength=k + 1).astype(
                    float
                ),
            ]
            total_a, total_r = float(moved.sum()), float(revenue[moved].sum())
            revenue_total = float(revenue.sum())
            self._disruption_cache = (
                key,
                now,
                base,
                self.engine.weights,  # ``revenue`` is a new view of it on every call
                [c.copy() for c in counts],
                (total_a, total_r, revenue_total),
            )
        if change is not None:
            # A preview moving on from the last one (a lasso's next move) adjusts that
            # preview's figures by the accounts that entered or left it, not by all of them.
            last = self._disruption_previewed
            step = change.step
            if (
                step is not None
                and last is not None
                and last[0] is step.previous
                and last[1] == key
                and last[2] is now
                and last[3] is base
                and last[4] is self.engine.weights
            ):
                counts = [c.copy() for c in last[5]]
                total_a, total_r = last[6][:2]
                total_a, total_r = self._disrupt(counts, total_a, total_r, step.entered, 1.0)
                total_a, total_r = self._disrupt(counts, total_a, total_r, step.left, -1.0)
            else:
                total_a, total_r = self._disrupt(counts, total_a, total_r, change, 1.0)
            # The next move starts from these counts; applying this change takes them as
            # the plan's own (see apply).
            self._disruption_previewed = (
                change,
                key,
                now,
                base,
                self.engine.weights,
                [c.copy() for c in counts],
                (total_a, total_r, revenue_total),
            )
        return Disruption(
            round(total_a),
            total_r,
            self.n_accounts,
            revenue_total,
            np.rint(counts[0][:k]).astype(np.int64),
            np.rint(counts[1][:k]).astype(np.int64),
            counts[2][:k],
            counts[3][:k],
        )

    def _disrupt(
        self, counts: list[np.ndarray], total_a: float, total_r: float, change: Change, sign: float
    ) -> tuple[float, float]:
        """Add (``sign`` 1) or take back (-1) a change's accounts to disruption counts."""
        if not len(change.account_indices):
            return total_a, total_r
        k = self.n_territories
        idx = change.account_indices
        b = self.baseline_territory[idx]
        r = self._revenue()[idx]
        brow = np.where(b < 0, k, b)
        for territory, part in ((change.account_before, -sign), (change.account_after, sign)):
            m = territory != b
            rows = np.where(territory < 0, k, territory)[m]
            counts[0] += part * np.bincount(rows, minlength=k + 1)
            counts[1] += part * np.bincount(brow[m], minlength=k + 1)
            counts[2] += part * np.bincount(rows, weights=r[m], minlength=k + 1)
            counts[3] += part * np.bincount(brow[m], weights=r[m], minlength=k + 1)
            total_a += part * float(m.sum())
            total_r += part * float(r[m].sum())
        return total_a, total_r

    def _revenue(self) -> np.ndarray:
        return self.engine.weights[:, COL_REVENUE]  # missing revenue already counts as 0

    def set_baseline_to_current(self) -> None:
        """Make the current alignment the baseline of record."""
        ids = np.array([None, *self.territory_ids], dtype=object)
        self.accounts["baseline_territory_id"] = ids[self.account_territory + 1]
        self.baseline_territory = self.account_territory.copy()

    def territory_geometry(self, index: int) -> Any:
        """The territory's shape: drawn geometry, or the dissolve of its units (cached).

        The dissolve fills the sliver gaps between units (see :mod:`planner.models.dissolve`).
        After an edit, a territory's shape is updated from the units it gained and lost
        rather than dissolved again (``redissolve``: the same shape within the width of a
        gap between units, a fifth of the time).
        """
        drawn = self._territory_drawn
        if drawn is None:
            # Column lookups on the frame cost 0.1 ms each: one array for all territories.
            drawn = (self.territories["geometry_source"] == "drawn").to_numpy()
            self._territory_drawn = drawn
        if drawn[index]:
            return self.territories.geometry.iat[index]
        if self._unit_geoms is None:
            self._unit_geoms = self.units.geometry.to_numpy()
            holed_units(self._unit_geoms)  # found once, with the first shapes, for every edit
        if index in self._geometry_stale:
            self._update_stale_geometries()
        cached = self._geometry_cache.get(index)
        if cached is None:
            members = np.flatnonzero(self.unit_territory == index)
            cached = (dissolve_units(self._unit_geoms[members]), members)
            self._geometry_cache[index] = cached
        return cached[0]

    def _update_stale_geometries(self) -> None:
        """Update the shapes of every territory an edit touched, together (the pieces one
        territory lost are the ones another gained: see :func:`dissolve.redissolve`)."""
        assert self._unit_geoms is not None
        stale = sorted(self._geometry_stale)
        self._geometry_stale.clear()
        order = np.argsort(self.unit_territory, kind="stable")
        first = np.asarray(stale, dtype=np.int64)
        bounds = np.searchsorted(self.unit_territory[order], np.vstack([first, first + 1]))
        members = {
            t: np.sort(order[lo:hi]) for t, lo, hi in zip(stale, bounds[0], bounds[1], strict=True)
        }
        previous = {t: self._geometry_cache[t] for t in stale if t in self._geometry_cache}
        shapes = redissolve(previous, members, self._unit_geoms, self.unit_territory)
        for t in stale:
            self._geometry_cache[t] = (shapes[t], members[t])

    def accounts_frame(self) -> pd.DataFrame:
        """Accounts with ``territory_id`` filled from the live assignment."""
        ids = np.array([None, *self.territory_ids], dtype=object)
        out = self.accounts.copy()
        out.insert(
            8 if len(out.columns) >= 8 else len(out.columns),
            "territory_id",
            ids[self.account_territory + 1],
        )
        out["locked"] = self.account_locked
        out["pinned"] = self.account_pinned
        return out

    def units_frame(self) -> gpd.GeoDataFrame:
        """Units with ``territory_id`` filled from the live assignment."""
        ids = np.array([None, *self.territory_ids], dtype=object)
        out = self.units.copy()
        out.insert(min(2, len(out.columns)), "territory_id", ids[self.unit_territory + 1])
        out["locked"] = self.unit_locked
        return out

    def check_invariant(self) -> None:
        """Raise ``AssertionError`` unless every account is in one territory or Unassigned."""
        t = self.account_territory
        assert t.shape == (self.n_accounts,)
        assert ((t >= UNASSIGNED) & (t < self.n_territories)).all(), (
            "account outside every territory"
        )
        u = self.unit_territory
        assert ((u >= UNASSIGNED) & (u < self.n_territories)).all(), "unit outside every territory"


__all__ = ["UNASSIGNED", "Change", "Disruption", "LockedError", "Plan"]
