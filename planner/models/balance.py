"""Per-territory totals and balance, kept in step by adding and subtracting what moved.

The engine holds one row of totals per territory plus a last row for Unassigned.
A full recompute is one ``np.bincount`` per column; a change updates only the rows
of the accounts and units that moved (``np.add.at``), so live balance costs time in
proportion to the edit, not to the plan.

Routed travel never goes stale: every account has a fixed random 64-bit key, and a
territory's membership fingerprint is the wrapping sum of its accounts' keys (Zobrist
hashing), kept in step by the same delta as the totals. Routed hours remember the
fingerprint of the territory they were routed for and count only while the territory
still has it: an edit that moves accounts in or out reverts it to the estimate, and
undoing the edit brings the routed hours back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.models.assignment import UNASSIGNED, Change
from planner.models.geo import haversine_km
from planner.models.settings import MeasureSpec, Settings

#: BHH constant for the shortest tour through random points in the plane.
BHH_CONSTANT = 0.7124

# Fixed columns of the totals matrix; extra numeric measures follow.
COL_ACCOUNTS, COL_REVENUE, COL_POTENTIAL, COL_VISIT_HOURS, COL_VISITS, COL_VISITED, COL_HOME_KM = (
    range(7)
)
FIXED_COLUMNS = 7

#: Seed of the accounts' fingerprint keys: fixed, so the same account index has the same
#: key in every session (fingerprints saved with a plan stay comparable when it reopens).
FINGERPRINT_SEED = 0x5EED_F1E1D


def account_keys(n: int) -> np.ndarray:
    """The fixed random uint64 key of each of ``n`` accounts (key ``i`` depends on ``i`` only)."""
    return np.random.default_rng(FINGERPRINT_SEED).bit_generator.random_raw(n).astype(np.uint64)


def membership_fingerprints(keys: np.ndarray, rows: np.ndarray, n_rows: int) -> np.ndarray:
    """Wrapping sum of the keys per row: the fingerprint of each territory's set of accounts.

    Parameters
    ----------
    keys : ndarray of uint64
        Key per account (:func:`account_keys`).
    rows : ndarray of int
        Row per account, ``0 <= row < n_rows`` (Unassigned already mapped to its row).
    n_rows : int
    """
    out = np.zeros(n_rows, dtype=np.uint64)
    np.add.at(out, rows, keys)  # uint64 addition wraps: the sum is exact modulo 2**64
    return out


@dataclass
class AccountWeights:
    """Per-account inputs of the balance (all arrays of one length)."""

    revenue: np.ndarray
    potential: np.ndarray
    visits_per_year: np.ndarray
    visit_minutes: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    extra: dict[str, np.ndarray]


@dataclass
class BalanceTable:
    """Balance of every territory on every measure.

    ``values``, ``deviation`` and ``in_band`` have one row per territory and one
    column per measure; ``deviation`` is a fraction of the target (0.05 = +5 %).
    """

    measures: list[MeasureSpec]
    values: np.ndarray
    unassigned: np.ndarray
    targets: np.ndarray
    deviation: np.ndarray
    in_band: np.ndarray
    travel_km: np.ndarray

    def column(self, key: str) -> int:
        """Column index of a measure key."""
        return [m.key for m in self.measures].index(key)


def balance_from_values(
    values: np.ndarray, measures: list[MeasureSpec]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Targets, deviation and in-band flags for a ``(territories, measures)`` value matrix.

    The target of a measure is its set target or, when none is set, the mean over
    territories. A zero target gives zero deviation for zero values and infinite
    deviation otherwise.
    """
    k, m = values.shape
    targets = np.array(
        [
            spec.target if spec.target is not None else (values[:, j].mean() if k else 0.0)
            for j, spec in enumerate(measures)
        ],
        dtype=float,
    ).reshape(m)
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = (values - targets) / targets
    zero = targets == 0
    if zero.any():
        deviation[:, zero] = np.where(values[:, zero] == 0, 0.0, np.inf)
    tolerance = np.array([spec.tolerance for spec in measures], dtype=float)
    in_band = np.abs(deviation) <= tolerance + 1e-12
    return targets, deviation, in_band


class BalanceEngine:
    """Totals per territory for the balance measures, updated incrementally.

    Parameters
    ----------
    weights : AccountWeights
        Per-account revenue, potential, visits, minutes, location and extra columns.
    account_territory : ndarray of int
        Territory index per account (``UNASSIGNED`` = -1).
    n_territories : int
        Number of territories.
    unit_area_km2 : ndarray
        Area of each unit (may be empty).
    unit_territory : ndarray of int
        Territory index per unit.
    settings : Settings
        Travel parameters and measures.
    """

    def __init__(
        self,
        weights: AccountWeights,
        account_territory: np.ndarray,
        n_territories: int,
        unit_area_km2: np.ndarray,
        unit_territory: np.ndarray,
        settings: Settings,
        home_lon: np.ndarray | None = None,
        home_lat: np.ndarray | None = None,
    ) -> None:
        self.settings = settings
        self.k = n_territories
        self.lon = np.asarray(weights.lon, dtype=float)
        self.lat = np.asarray(weights.lat, dtype=float)
        self.extra_keys = list(weights.extra)
        visits = np.nan_to_num(np.asarray(weights.visits_per_year, dtype=float))
        minutes = np.nan_to_num(np.asarray(weights.visit_minutes, dtype=float))
        n = len(visits)
        columns = [
            np.ones(n),
            np.nan_to_num(np.asarray(weights.revenue, dtype=float)),
            np.nan_to_num(np.asarray(weights.potential, dtype=float)),
            visits * minutes / 60.0,
            visits,
            (visits > 0).astype(float),
            np.zeros(n),
        ]
        columns += [
            np.nan_to_num(np.asarray(weights.extra[key], dtype=float)) for key in self.extra_keys
        ]
        # Column-major, so the per-column bincounts of a full recompute read contiguous memory.
        self.weights = (
            np.asfortranarray(np.column_stack(columns)) if n else np.zeros((0, len(columns)))
        )
        self.unit_area = np.asarray(unit_area_km2, dtype=float)
        self.home_lon = (
            np.full(n_territories, np.nan) if home_lon is None else np.asarray(home_lon, float)
        )
        self.home_lat = (
            np.full(n_territories, np.nan) if home_lat is None else np.asarray(home_lat, float)
        )
        #: Area used for travel where a territory has drawn geometry (NaN elsewhere).
        self.area_override = np.full(n_territories, np.nan)
        #: Fingerprint key per account (see :func:`account_keys`).
        self.keys = account_keys(n)
        #: Membership fingerprint per territory row (last row: Unassigned).
        self.fingerprint = np.zeros(n_territories + 1, dtype=np.uint64)
        # Routed hours as set, and the fingerprint of each territory they were routed for.
        self._routed_hours = np.full(n_territories, np.nan)
        self._routed_fingerprint = np.zeros(n_territories, dtype=np.uint64)
        self.totals = np.zeros((n_territories + 1, self.weights.shape[1]))
        self.unit_area_totals = np.zeros(n_territories + 1)
        self.hull_area = np.zeros(n_territories + 1)
        #: Bumped whenever the totals change: a preview's delta is valid for one state.
        self._state = 0
        #: The change last previewed, the state it was computed on and its delta (totals,
        #: unit areas, home km, fingerprints): applying that change reuses them.
        self._previewed: tuple[Change, int, tuple[np.ndarray | None, ...]] | None = None
        self.recompute(account_territory, unit_territory)

    # -- full and incremental ---------------------------------------------------------

    def _rows(self, territory: np.ndarray) -> np.ndarray:
        return np.where(territory < 0, self.k, territory)

    def home_distance(self, idx: np.ndarray | slice, territory: np.ndarray) -> np.ndarray:
        """Great-circle km from each account to its territory's rep home (NaN when the
        account is unassigned, unplaced or its rep has no home)."""
        t = np.asarray(territory)
        if self.k == 0:
            return np.full(len(t), np.nan)
        safe = np.where(t < 0, 0, t)
        d = haversine_km(self.lon[idx], self.lat[idx], self.home_lon[safe], self.home_lat[safe])
        return np.where((t < 0) | ~np.isfinite(d), np.nan, d)

    def _home_km(self, idx: np.ndarray | slice, distance: np.ndarray) -> np.ndarray:
        """Visits × km to the rep's home, from :meth:`home_distance` (0 where NaN)."""
        return np.where(np.isnan(distance), 0.0, distance) * self.weights[idx, COL_VISITS]

    def _set_home_distances(self, distance: np.ndarray) -> None:
        """Every account's km to its rep's home, and their sum and count (compactness)."""
        self.home_distances = distance
        placed = ~np.isnan(distance)
        self.home_distance_sum = float(distance[placed].sum())
        self.home_distance_count = int(placed.sum())

    def mean_home_distance(self) -> float:
        """Mean km from the placed accounts to their rep's home (NaN when none is placed)."""
        if not self.home_distance_count:
            return float("nan")
        return self.home_distance_sum / self.home_distance_count

    def recompute(self, account_territory: np.ndarray, unit_territory: np.ndarray) -> None:
        """Recompute every total from scratch."""
        self._state += 1
        terr = np.asarray(account_territory)
        distance = self.home_distance(slice(None), terr)
        self._set_home_distances(distance)
        self.weights[:, COL_HOME_KM] = self._home_km(slice(None), distance)
        rows = self._rows(terr)
        self.totals = np.column_stack(
            [
                np.bincount(rows, weights=self.weights[:, j], minlength=self.k + 1)
                for j in range(self.weights.shape[1])
            ]
        ).reshape(self.k + 1, self.weights.shape[1])
        urows = self._rows(np.asarray(unit_territory))
        self.unit_area_totals = np.bincount(urows, weights=self.unit_area, minlength=self.k + 1)[
            : self.k + 1
        ].astype(float)
        self.fingerprint = membership_fingerprints(self.keys, rows, self.k + 1)
        self._refresh_hulls(range(self.k), terr)

    def _refresh_hulls(self, territories: object, account_territory: np.ndarray) -> None:
        """Hull areas of territories' accounts, the travel area of plans without units."""
        from planner.models.geo import hull_area_km2

        if self.unit_area.size:
            return
        for t in territories:  # type: ignore[attr-defined]
            if np.isfinite(self.area_override[t]):
                continue
            members = np.flatnonzero(account_territory == t)
            self.hull_area[t] = hull_area_km2(self.lon[members], self.lat[members])

    def delta(self, change: Change) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Totals, unit-area totals and the moved accounts' km to their new rep's home
        (:meth:`home_distance`) after ``change``, as copies."""
        totals = self.totals.copy()
        areas = self.unit_area_totals.copy()
        new_home_km = self._move(totals, areas, change, 1.0)
        return totals, areas, new_home_km

    def _move(
        self, totals: np.ndarray, areas: np.ndarray, change: Change, sign: float
    ) -> np.ndarray:
        """Add a change's moves to ``totals`` and ``areas`` in place (``sign`` -1 takes
        them back); returns the moved accounts' home-km in their new territory."""
        idx = change.account_indices
        new_distance = self.home_distance(idx, change.account_after)
        new_home_km = self._home_km(idx, new_distance)
        size = self.k + 1
        if len(idx):
            # One bincount per column (much faster than np.add.at on large moves).
            before = self._rows(change.account_before)
            after = self._rows(change.account_after)
            for col in range(self.weights.shape[1]):
                w = self.weights[idx, col]
                w_new = new_home_km if col == COL_HOME_KM else w
                totals[:, col] -= sign * np.bincount(before, weights=w, minlength=size)
                totals[:, col] += sign * np.bincount(after, weights=w_new, minlength=size)
        if len(change.unit_indices):
            ua = self.unit_area[change.unit_indices]
            areas -= sign * np.bincount(self._rows(change.unit_before), weights=ua, minlength=size)
            areas += sign * np.bincount(self._rows(change.unit_after), weights=ua, minlength=size)
        return new_distance

    def preview_state(self, change: Change) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Totals, unit-area totals and fingerprints after ``change`` (for :meth:`table`).

        Kept with the change: applying it reuses them (see :meth:`apply`).
        """
        totals, areas, distance = self.delta(change)
        fingerprint = self.fingerprint_after(change)
        self._previewed = (change, self._state, (totals, areas, distance, fingerprint))
        return totals, areas, fingerprint

    def step(
        self,
        state: tuple[np.ndarray, np.ndarray, np.ndarray],
        change: Change,
        entered: Change,
        left: Change,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The preview state of a change, from the state of the change it grew from.

        ``state`` is :meth:`preview_state` of the earlier change; ``entered`` and
        ``left`` are the items the new change adds to it and takes from it. The totals
        are the earlier ones plus and minus those items (a sum in another order than a
        full :meth:`delta`: equal to within rounding); fingerprints are exact. Applying
        ``change`` reuses them; the moved accounts' distances to their new rep's home are
        then computed, as the step does not keep them for every account.
        """
        totals, areas, fingerprint = (a.copy() for a in state)
        self._move(totals, areas, entered, 1.0)
        self._move(totals, areas, left, -1.0)
        self._move_keys(fingerprint, entered, 1)
        self._move_keys(fingerprint, left, -1)
        self._previewed = (change, self._state, (totals, areas, None, fingerprint))
        return totals, areas, fingerprint

    def fingerprint_after(self, change: Change) -> np.ndarray:
        """Membership fingerprints after ``change``, as a copy (only the moved keys count)."""
        fingerprint = self.fingerprint.copy()
        self._move_keys(fingerprint, change, 1)
        return fingerprint

    def _move_keys(self, fingerprint: np.ndarray, change: Change, sign: int) -> None:
        """Move a change's account keys between fingerprints in place (``sign`` -1 takes
        them back); the sums wrap, so the order of the moves does not matter."""
        idx = change.account_indices
        if len(idx):
            keys = self.keys[idx]
            add, sub = (np.add, np.subtract) if sign > 0 else (np.subtract, np.add)
            sub.at(fingerprint, self._rows(change.account_before), keys)
            add.at(fingerprint, self._rows(change.account_after), keys)

    def apply(self, change: Change, account_territory: np.ndarray) -> None:
        """Update totals for a change already applied to ``account_territory``.

        The change last previewed on this same state (a lasso released where its last move
        left it) brings its delta: nothing is computed again (at 1M accounts, a release
        moving 100,000 of them saved about 35 ms).
        """
        previewed, self._previewed = self._previewed, None
        if previewed is not None and previewed[0] is change and previewed[1] == self._state:
            kept_totals, kept_areas, kept_distance, kept_fingerprint = previewed[2]
            assert kept_totals is not None and kept_areas is not None
            assert kept_fingerprint is not None
            totals, areas, fingerprint = kept_totals, kept_areas, kept_fingerprint
            new_distance = (
                kept_distance
                if kept_distance is not None  # a step keeps no distances (see :meth:`step`)
                else self.home_distance(change.account_indices, change.account_after)
            )
        else:
            totals, areas, new_distance = self.delta(change)
            fingerprint = self.fingerprint_after(change)
        self._state += 1
        self.fingerprint = fingerprint
        self.totals = totals
        self.unit_area_totals = areas
        idx = change.account_indices
        self.weights[idx, COL_HOME_KM] = self._home_km(idx, new_distance)
        old_distance = self.home_distances[idx]
        self.home_distances[idx] = new_distance
        was, now = ~np.isnan(old_distance), ~np.isnan(new_distance)
        self.home_distance_sum += float(new_distance[now].sum()) - float(old_distance[was].sum())
        self.home_distance_count += int(now.sum()) - int(was.sum())
        if len(change.account_indices) and self.unit_area.size == 0:
            touched = np.unique(np.concatenate([change.account_before, change.account_after]))
            self._refresh_hulls([int(t) for t in touched if t >= 0], account_territory)

    def set_homes(
        self, home_lon: np.ndarray, home_lat: np.ndarray, account_territory: np.ndarray
    ) -> None:
        """Set rep home per territory and refresh the commute totals."""
        self._state += 1
        self.home_lon = np.asarray(home_lon, dtype=float)
        self.home_lat = np.asarray(home_lat, dtype=float)
        distance = self.home_distance(slice(None), account_territory)
        self._set_home_distances(distance)
        self.weights[:, COL_HOME_KM] = self._home_km(slice(None), distance)
        rows = self._rows(account_territory)
        self.totals[:, COL_HOME_KM] = np.bincount(
            rows, weights=self.weights[:, COL_HOME_KM], minlength=self.k + 1
        )

    # -- routed travel ----------------------------------------------------------------

    @property
    def routed_travel_hours(self) -> np.ndarray:
        """Routed travel hours per territory where they are current (NaN = use the estimate).

        A territory's routed hours count only while it has the accounts it was routed
        with. Setting the property routes every territory with its current accounts; use
        :meth:`set_routed_travel` to give the fingerprints explicitly.
        """
        return self.routed_hours_for(self.fingerprint)

    @routed_travel_hours.setter
    def routed_travel_hours(self, hours: np.ndarray) -> None:
        self.set_routed_travel(hours)

    def set_routed_travel(self, hours: np.ndarray, fingerprints: np.ndarray | None = None) -> None:
        """Set routed travel hours per territory and the memberships they were routed for.

        Parameters
        ----------
        hours : ndarray of float
            Hours per territory, NaN where it has no routes.
        fingerprints : ndarray of uint64, optional
            Fingerprint per territory of the accounts routed (default: the current ones).
        """
        hours = np.array(hours, dtype=float, copy=True).reshape(-1)
        if hours.shape != (self.k,):
            raise ValueError(f"routed hours: expected {self.k} territories, got {hours.shape[0]}")
        if fingerprints is None:
            fingerprints = self.fingerprint[: self.k]
        fingerprints = np.array(fingerprints, dtype=np.uint64, copy=True).reshape(-1)
        if fingerprints.shape != (self.k,):
            raise ValueError(
                f"routed fingerprints: expected {self.k} territories, got {fingerprints.shape[0]}"
            )
        self._routed_hours = hours
        self._routed_fingerprint = fingerprints

    def routed_state(self) -> tuple[np.ndarray, np.ndarray]:
        """Routed hours as set and the fingerprints they were routed for (copies).

        Hours of territories edited since are kept here, so undoing the edit revives them.
        """
        return self._routed_hours.copy(), self._routed_fingerprint.copy()

    def has_routed_travel(self) -> bool:
        """Whether any territory has routed hours, current or not."""
        return bool(np.isfinite(self._routed_hours).any())

    def routed_hours_for(self, fingerprint: np.ndarray) -> np.ndarray:
        """Routed hours of the territories whose fingerprint still matches, NaN elsewhere.

        ``fingerprint`` has one entry per territory (an Unassigned row after them is
        ignored), e.g. of another scenario's alignment.
        """
        current = np.asarray(fingerprint)[: self.k] == self._routed_fingerprint
        return np.where(current, self._routed_hours, np.nan)

    def stale_routed(self, fingerprint: np.ndarray | None = None) -> np.ndarray:
        """Territories with routed hours whose accounts changed since they were routed."""
        fp = self.fingerprint if fingerprint is None else fingerprint
        return np.isfinite(self._routed_hours) & (
            np.asarray(fp)[: self.k] != self._routed_fingerprint
        )

    # -- values -----------------------------------------------------------------------

    def area_km2(self, unit_area_totals: np.ndarray | None = None) -> np.ndarray:
        """Area per territory used for travel: drawn geometry, else its units' area.

        Plans without units use the convex hull of each territory's accounts.
        """
        ua = self.unit_area_totals if unit_area_totals is None else unit_area_totals
        area = ua[: self.k] if self.unit_area.size else self.hull_area[: self.k]
        return np.where(np.isfinite(self.area_override), self.area_override, area)

    def travel_km(
        self, totals: np.ndarray, unit_area_totals: np.ndarray | None = None
    ) -> np.ndarray:
        """Estimated annual road km per territory (BHH tour within days + commute)."""
        s = self.settings
        t = totals[: self.k]
        n = np.maximum(t[:, COL_VISITED], 1.0)
        area = self.area_km2(unit_area_totals)
        # Unit areas are added and subtracted as territories change: clip rounding below zero.
        tour = BHH_CONSTANT * t[:, COL_VISITS] * np.sqrt(np.maximum(area, 0.0) / n)
        commute = 2.0 * t[:, COL_HOME_KM] / max(s.visits_per_day, 1e-9)
        return s.circuity * (tour + commute)

    def values(
        self,
        totals: np.ndarray | None = None,
        unit_area_totals: np.ndarray | None = None,
        fingerprint: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Measure values per territory, for Unassigned, and travel km per territory.

        Workload takes routed travel where the territory's ``fingerprint`` (default: the
        current one) is the one its routes were planned for, else the estimate.
        """
        totals = self.totals if totals is None else totals
        travel_km = self.travel_km(totals, unit_area_totals)
        routed = self.routed_hours_for(self.fingerprint if fingerprint is None else fingerprint)
        travel_hours = np.where(
            np.isfinite(routed), routed, travel_km / max(self.settings.speed_kmh, 1e-9)
        )
        measures = self.settings.measures
        out = np.zeros((self.k + 1, len(measures)))
        for j, spec in enumerate(measures):
            if spec.key == "workload":
                out[:, j] = totals[:, COL_VISIT_HOURS]
                out[: self.k, j] += travel_hours
            else:
                out[:, j] = totals[:, self._column(spec.key)]
        return out[: self.k], out[self.k], travel_km

    def _column(self, key: str) -> int:
        fixed = {"accounts": COL_ACCOUNTS, "revenue": COL_REVENUE, "potential": COL_POTENTIAL}
        if key in fixed:
            return fixed[key]
        if key in self.extra_keys:
            return FIXED_COLUMNS + self.extra_keys.index(key)
        raise KeyError(f"no measure column {key!r}")

    def table(
        self,
        totals: np.ndarray | None = None,
        unit_area_totals: np.ndarray | None = None,
        fingerprint: np.ndarray | None = None,
    ) -> BalanceTable:
        """The balance table for the current totals (or for given ones, e.g. a preview)."""
        values, unassigned, travel = self.values(totals, unit_area_totals, fingerprint)
        measures = list(self.settings.measures)
        targets, deviation, in_band = balance_from_values(values, measures)
        return BalanceTable(measures, values, unassigned, targets, deviation, in_band, travel)

    def preview(self, change: Change) -> BalanceTable:
        """The balance table as it would be after ``change``, without applying it."""
        return self.table(*self.preview_state(change))


def utilisation(
    workload_hours: np.ndarray, capacity_hours: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Utilisation (workload ÷ capacity, a fraction) and whether it is over 100 %.

    Parameters
    ----------
    workload_hours, capacity_hours : ndarray
        Per territory; a capacity that is not positive gives NaN utilisation, not flagged.
    """
    load = np.asarray(workload_hours, dtype=float)
    cap = np.asarray(capacity_hours, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(cap > 0, load / cap, np.nan)
    over = np.nan_to_num(share, nan=0.0) > 1.0 + 1e-12
    return share, over


__all__ = [
    "UNASSIGNED",
    "AccountWeights",
    "BalanceEngine",
    "BalanceTable",
    "account_keys",
    "balance_from_values",
    "membership_fingerprints",
    "utilisation",
]
