"""Qt-free geometry of map edits: lassos, brushes and the items they enclose.

Tools in ``planner.ui.tools`` collect screen gestures and call these functions with
lon/lat coordinates, so every rule here is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from planner.models.assignment import Change, ChangeStep
from planner.models.geo import haversine_km
from planner.models.plan import Plan


class GestureError(ValueError):
    """A gesture that cannot be used (too few points, no area); the message says why."""


@dataclass(frozen=True)
class Lasso:
    """A valid lasso polygon and whether it had to be repaired."""

    polygon: shapely.Geometry
    repaired: bool


def lasso_polygon(lon: np.ndarray, lat: np.ndarray) -> Lasso:
    """A valid polygon from a freehand path (closed automatically).

    A self-crossing path is repaired with ``make_valid`` and keeps every enclosed
    part.

    Raises
    ------
    GestureError
        With fewer than three distinct points or no enclosed area.
    """
    xy = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(np.unique(xy, axis=0)) < 3:
        raise GestureError("a lasso needs at least three points")
    ring = np.vstack([xy, xy[:1]])
    polygon: shapely.Geometry = shapely.Polygon(ring)
    repaired = False
    if not shapely.is_valid(polygon):
        repaired = True
        fixed = shapely.make_valid(polygon)
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon" and p.area > 0]
        polygon = (
            shapely.MultiPolygon(parts)
            if len(parts) > 1
            else (parts[0] if parts else shapely.Polygon())
        )
    if shapely.is_empty(polygon) or shapely.area(polygon) <= 0:
        raise GestureError("the lasso encloses no area")
    return Lasso(polygon, repaired)


def account_points(plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Accounts' lon, lat, their order by latitude and the sorted latitudes (cached).

    Accounts do not move once a plan is built, so the order is made once per plan: a
    bounding-box query then reads one band of latitudes instead of comparing every
    account four times (a million accounts on every move of a lasso).
    """
    cached = getattr(plan, "_account_points", None)
    if cached is None or len(cached[0]) != plan.n_accounts:
        lon = plan.accounts["lon"].to_numpy(dtype=float)
        lat = plan.accounts["lat"].to_numpy(dtype=float)
        order = np.argsort(lat, kind="stable")  # NaN (unplaced) last
        cached = (lon, lat, order, lat[order])
        plan._account_points = cached  # type: ignore[attr-defined]
    return cached


def accounts_inside(plan: Plan, polygon: shapely.Geometry) -> np.ndarray:
    """Indices of placed accounts inside ``polygon``, ascending (bounding box, then exact)."""
    lon, lat, order, sorted_lat = account_points(plan)
    x0, y0, x1, y1 = shapely.bounds(polygon).tolist()
    band = order[
        np.searchsorted(sorted_lat, y0, side="left") : np.searchsorted(sorted_lat, y1, side="right")
    ]
    candidates = band[(lon[band] >= x0) & (lon[band] <= x1)]
    if len(candidates) == 0:
        return candidates.astype(np.int64)
    shapely.prepare(polygon)
    inside = candidates[shapely.contains_xy(polygon, lon[candidates], lat[candidates])]
    # Ascending, as callers expect, by a mask rather than a sort of up to 200,000 indices.
    if len(inside) * 20 < plan.n_accounts:
        return np.sort(inside).astype(np.int64)
    mask = np.zeros(plan.n_accounts, dtype=bool)
    mask[inside] = True
    return np.flatnonzero(mask)


def unit_centroids(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Representative points of the units (cached on the plan; always inside the unit)."""
    cached = getattr(plan, "_unit_points", None)
    if cached is None or len(cached[0]) != plan.n_units:
        pts = shapely.point_on_surface(plan.units.geometry.to_numpy())
        cached = (shapely.get_x(pts), shapely.get_y(pts))
        plan._unit_points = cached  # type: ignore[attr-defined]
    return cached


def units_inside(plan: Plan, polygon: shapely.Geometry) -> np.ndarray:
    """Indices of units whose representative point lies inside ``polygon``."""
    if plan.n_units == 0:
        return np.empty(0, dtype=np.int64)
    x, y = unit_centroids(plan)
    x0, y0, x1, y1 = shapely.bounds(polygon).tolist()
    candidates = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    if len(candidates) == 0:
        return candidates
    shapely.prepare(polygon)
    return candidates[shapely.contains_xy(polygon, x[candidates], y[candidates])]


def units_in_circle(plan: Plan, lon: float, lat: float, radius_km: float) -> np.ndarray:
    """Indices of units whose representative point is within ``radius_km`` of a point."""
    if plan.n_units == 0:
        return np.empty(0, dtype=np.int64)
    x, y = unit_centroids(plan)
    return np.flatnonzero(haversine_km(x, y, lon, lat) <= radius_km)


def lasso_change(
    plan: Plan, polygon: shapely.Geometry, territory: int, scope: str
) -> tuple[Change, int]:
    """The change a lasso makes, and how many enclosed items locks or pins held back.

    Parameters
    ----------
    plan : Plan
    polygon : shapely.Geometry
        The lasso, in lon/lat.
    territory : int
        Target territory index (``-1`` = Unassigned).
    scope : {"units", "accounts", "both"}
        ``"both"`` is units with their accounts, plus accounts outside any enclosed unit.

    Returns
    -------
    change : Change
    held : int
        Enclosed units the plan's lock rule holds, plus enclosed accounts (inside the moving
        units, or inside the lasso in an account scope) its lock and pin rule holds; items
        already in ``territory`` are not counted, since nothing held them back.

    Raises
    ------
    LockedError
        If the target territory is locked.
    """
    none = np.empty(0, np.int64)
    unit_idx = units_inside(plan, polygon) if scope in ("units", "both") else none
    change = plan.propose_unit_move(unit_idx, territory) if len(unit_idx) else Change()
    held_units = plan.held_units(unit_idx)
    asked = none
    if len(unit_idx):
        moving = np.zeros(plan.n_units + 1, dtype=bool)
        moving[unit_idx[~held_units]] = True
        asked = np.flatnonzero(moving[plan.account_unit])  # -1 hits the spare False slot
    if scope in ("accounts", "both"):
        acc = accounts_inside(plan, polygon)
        if len(asked):
            # A mask, not np.union1d: sorting 200,000 indices cost 40 ms at 1M accounts.
            either = np.zeros(plan.n_accounts, dtype=bool)
            either[asked] = True
            either[acc] = True
            asked = np.flatnonzero(either)
        else:
            asked = acc
        if len(change.account_indices):
            taken = np.zeros(plan.n_accounts, dtype=bool)
            taken[change.account_indices] = True
            acc = acc[~taken[acc]]
        extra = plan.propose_account_move(acc, territory)
        if len(extra.account_indices):
            change = Change(
                np.concatenate([change.account_indices, extra.account_indices]),
                np.concatenate([change.account_before, extra.account_before]),
                np.concatenate([change.account_after, extra.account_after]),
                change.unit_indices,
                change.unit_before,
                change.unit_after,
            )
    elsewhere_u = plan.unit_territory[unit_idx] != territory
    elsewhere_a = plan.account_territory[asked] != territory
    held = int(np.count_nonzero(held_units & elsewhere_u))
    held += int(np.count_nonzero(plan.held_accounts(asked) & elsewhere_a))
    return change, held


def accounts_by_unit(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Accounts grouped by unit (cached): ``order[starts[u]:starts[u + 1]]`` are unit ``u``'s.

    Accounts do not move, so this is made once per plan.
    """
    cached = getattr(plan, "_accounts_by_unit", None)
    if cached is None or len(cached[0]) != plan.n_accounts:
        order = np.argsort(plan.account_unit, kind="stable")
        starts = np.searchsorted(plan.account_unit[order], np.arange(plan.n_units + 1))
        cached = (order, starts)
        plan._accounts_by_unit = cached  # type: ignore[attr-defined]
    return cached


def _accounts_of_units(plan: Plan, units: np.ndarray) -> np.ndarray:
    """Indices of the accounts inside these units (in no particular order)."""
    if len(units) == 0:
        return np.empty(0, np.int64)
    order, starts = accounts_by_unit(plan)
    return _gather(order, starts, units)


def _gather(order: np.ndarray, starts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``order[starts[g]:starts[g + 1]]`` for every group ``g``, concatenated (int64)."""
    lo = starts[groups]
    sizes = starts[groups + 1] - lo
    total = int(sizes.sum())
    if total == 0:
        return np.empty(0, np.int64)
    # One arange over the concatenated ranges: each range's start minus where it lands.
    shift = np.repeat(lo - (np.cumsum(sizes) - sizes), sizes)
    return order[np.arange(total) + shift].astype(np.int64)


def _in_fan(
    x: np.ndarray, y: np.ndarray, apex: np.ndarray, path: np.ndarray, margin: float = 0.0
) -> np.ndarray:
    """Which points may lie in a closed triangle ``(apex, path[j], path[j + 1])`` (a superset).

    A point in none of them is off every edge of the ring ``path[0] .. path[-1], apex`` and
    encloses nothing there by the even-odd rule, whose parity is the XOR of the triangles'.
    The test leans to inclusion: a point within about 1e-9 of the coordinates' scale from
    an edge (or within ``margin`` of a triangle) counts as inside, so rounding can only
    add points (which are then tested exactly), never leave one out.
    """
    hit = np.zeros(len(x), dtype=bool)
    scale = 1e-9 * max(1.0, float(np.abs(path).max()), float(np.abs(apex).max()))
    scale = max(scale, margin)
    for j in range(len(path) - 1):
        tri = (apex, path[j], path[j + 1])
        tx = np.array([p[0] for p in tri])
        ty = np.array([p[1] for p in tri])
        box = (x >= tx.min() - scale) & (x <= tx.max() + scale)
        box &= (y >= ty.min() - scale) & (y <= ty.max() + scale)
        sel = np.flatnonzero(box & ~hit)
        if len(sel) == 0:
            continue
        px, py = x[sel], y[sel]
        pos = np.zeros(len(sel), dtype=bool)
        neg = np.zeros(len(sel), dtype=bool)
        for a, b in ((0, 1), (1, 2), (2, 0)):
            ex, ey = tx[b] - tx[a], ty[b] - ty[a]
            cross = ex * (py - ty[a]) - ey * (px - tx[a])
            tol = scale * float(np.hypot(ex, ey))
            pos |= cross > tol
            neg |= cross < -tol
        hit[sel[~(pos & neg)]] = True
    return hit


class _PointGrid:
    """Points bucketed in a square grid of cells, to find those near a few triangles.

    A lasso's fan is a few long thin triangles from the lasso's first point: the band of
    latitudes they span holds a third of a national plan's accounts, the cells they cross
    a few thousand.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, per_cell: int = 16) -> None:
        placed = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        self.n = len(x)
        size = max(1, min(1024, int(np.sqrt(max(len(placed), 1) / per_cell))))
        self.size = size
        if len(placed):
            self.x0, self.y0 = float(x[placed].min()), float(y[placed].min())
            x1, y1 = float(x[placed].max()), float(y[placed].max())
        else:
            self.x0 = self.y0 = x1 = y1 = 0.0
        self.width = max((x1 - self.x0) / size, 1e-9)
        self.height = max((y1 - self.y0) / size, 1e-9)
        ix = np.clip(((x[placed] - self.x0) / self.width).astype(np.int64), 0, size - 1)
        iy = np.clip(((y[placed] - self.y0) / self.height).astype(np.int64), 0, size - 1)
        cell = iy * size + ix
        order = np.argsort(cell, kind="stable")
        self.order = placed[order]
        self.starts = np.searchsorted(cell[order], np.arange(size * size + 1))

    def near_fan(self, apex: np.ndarray, path: np.ndarray) -> np.ndarray:
        """Indices of the points in the cells that the fan's triangles may reach."""
        size = self.size
        corners = np.vstack([path, apex[None, :]])
        lo = np.floor((corners.min(axis=0) - (self.x0, self.y0)) / (self.width, self.height))
        hi = np.floor((corners.max(axis=0) - (self.x0, self.y0)) / (self.width, self.height))
        ix0, iy0 = np.clip(lo.astype(np.int64) - 1, 0, size - 1).tolist()
        ix1, iy1 = np.clip(hi.astype(np.int64) + 1, 0, size - 1).tolist()
        ix = np.arange(ix0, ix1 + 1)
        iy = np.arange(iy0, iy1 + 1)
        gx, gy = np.meshgrid(ix, iy)
        cx = self.x0 + (gx.ravel() + 0.5) * self.width
        cy = self.y0 + (gy.ravel() + 0.5) * self.height
        # A cell meets a triangle only if its centre is within half its diagonal of it.
        reach = 0.5 * float(np.hypot(self.width, self.height)) * (1 + 1e-6)
        cells = (gy.ravel() * size + gx.ravel())[_in_fan(cx, cy, apex, path, reach)]
        return _gather(self.order, self.starts, cells)


def _grid(plan: Plan, name: str, x: np.ndarray, y: np.ndarray) -> _PointGrid:
    """The plan's grid of accounts or of unit points (made once: neither moves)."""
    grids = plan.__dict__.setdefault("_point_grids", {})
    grid = grids.get(name)
    if grid is None or grid.n != len(x):
        grid = _PointGrid(x, y)
        grids[name] = grid
    return grid


class LassoTracker:
    """The change of a lasso being drawn, kept up to date from move to move.

    Each move the path grows by a few points. A point changes side only inside the fan
    between the old closing edge and the new vertices: with the even-odd rule, inside the
    new ring = inside the old ring XOR inside the ring ``old last point, new points, first
    point``. So a move tests exactly (``contains_xy`` on the new lasso) only the accounts
    and units in that fan's triangles, and updates the change by those that entered or
    left it, instead of testing the ~100,000 accounts of a national lasso again.

    The result is always what :func:`lasso_change` gives for the same path (the same
    items, sorted; the same held count). The difference is used only when it is sure to
    be: both the previous and the new lasso are simple polygons (a self-crossing lasso is
    repaired by ``make_valid``, whose parts follow other rules), the new path extends the
    previous one, and the plan has announced no change since. Otherwise the move computes
    everything again.

    Each change it returns carries a :class:`ChangeStep` from the previous one, so the
    balance, disruption and map of a preview can be updated by difference too.

    Parameters
    ----------
    plan : Plan
    territory : int
        Target territory index (``-1`` = Unassigned).
    scope : {"units", "accounts", "both"}
    """

    def __init__(self, plan: Plan, territory: int, scope: str) -> None:
        if scope not in ("units", "accounts", "both"):
            raise ValueError(f"scope must be 'units', 'accounts' or 'both', not {scope!r}")
        self.plan = plan
        self.territory = territory
        self.scope = scope
        self.units_scope = scope in ("units", "both")
        self.accounts_scope = scope in ("accounts", "both")
        #: Moves computed in full and by difference (for tests and benchmarks).
        self.full_updates = 0
        self.step_updates = 0
        self._xy: np.ndarray | None = None
        self._key: int | None = None
        self._acc_in = np.zeros(0, dtype=bool)
        self._unit_in = np.zeros(0, dtype=bool)
        self._moving = np.zeros(0, dtype=bool)
        self._unit_movable = np.zeros(0, dtype=bool)
        self._unit_held = np.zeros(0, dtype=bool)
        self._held = 0
        self._change: Change | None = None

    def reset(self) -> None:
        """Forget the last lasso: the next update computes everything."""
        self._xy = None
        self._change = None

    def update(self, lon: np.ndarray, lat: np.ndarray) -> tuple[Change, int]:
        """The change and held count of the lasso along this path (see :func:`lasso_change`).

        Raises
        ------
        GestureError
            When the path does not make a lasso.
        LockedError
            If the target territory is locked.
        """
        xy = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
        xy = xy[np.isfinite(xy).all(axis=1)]
        try:
            lasso = lasso_polygon(xy[:, 0], xy[:, 1])
        except GestureError:
            self.reset()
            raise
        plan = self.plan
        key = plan.events.emitted
        previous = self._xy
        by_difference = (
            previous is not None
            and not lasso.repaired
            and key == self._key
            and self._change is not None
            and len(xy) >= len(previous)
            and np.array_equal(xy[: len(previous)], previous)
        )
        try:
            if by_difference:
                assert previous is not None
                result = self._step(lasso.polygon, previous, xy)
            else:
                result = self._full(lasso.polygon)
        except Exception:
            self.reset()
            raise
        # A repaired lasso is not a base for the next difference (see the class notes).
        self._xy = None if lasso.repaired else xy
        self._key = key
        return result

    # -- the rules, shared by both ways ------------------------------------------------

    def _check_target(self) -> None:
        # The plan's own check (a locked target refuses), asked as lasso_change asks it:
        # in an account scope always, in the unit scope once a unit is enclosed.
        self.plan.propose_account_move(np.empty(0, np.int64), self.territory)

    def _asked(self, accounts: np.ndarray) -> np.ndarray:
        """Which accounts the lasso asks to move: in a movable enclosed unit, or enclosed."""
        asked = np.zeros(len(accounts), dtype=bool)
        if self.units_scope:
            unit = self.plan.account_unit[accounts]
            inside = unit >= 0
            u = unit[inside]
            asked[inside] = self._unit_in[u] & ~self._unit_held[u]
        if self.accounts_scope:
            asked |= self._acc_in[accounts]
        return asked

    def _judge(self, accounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per account: whether it moves, and whether it counts as held back."""
        asked = self._asked(accounts)
        elsewhere = self.plan.account_territory[accounts] != self.territory
        held = self.plan.held_accounts(accounts)
        return asked & ~held & elsewhere, asked & held & elsewhere

    def _change_from_masks(self, step: ChangeStep | None) -> Change:
        plan = self.plan
        idx = np.flatnonzero(self._moving).astype(np.int64)
        units = (
            np.flatnonzero(self._unit_in & self._unit_movable).astype(np.int64)
            if self.units_scope
            else np.empty(0, np.int64)
        )
        return Change(
            idx,
            plan.account_territory[idx].astype(np.int32),
            np.full(len(idx), self.territory, dtype=np.int32),
            units,
            plan.unit_territory[units].astype(np.int32),
            np.full(len(units), self.territory, dtype=np.int32),
            step,
        )

    # -- in full -----------------------------------------------------------------------

    def _full(self, polygon: shapely.Geometry) -> tuple[Change, int]:
        plan = self.plan
        self.full_updates += 1
        none = np.empty(0, np.int64)
        units = units_inside(plan, polygon) if self.units_scope else none
        if self.accounts_scope or len(units):
            self._check_target()
        self._unit_in = np.zeros(plan.n_units, dtype=bool)
        self._unit_in[units] = True
        all_units = np.arange(plan.n_units)
        self._unit_held = plan.held_units(all_units)
        self._unit_movable = ~self._unit_held & (plan.unit_territory != self.territory)
        self._acc_in = np.zeros(plan.n_accounts, dtype=bool)
        if self.accounts_scope:
            self._acc_in[accounts_inside(plan, polygon)] = True
        candidates = np.flatnonzero(self._acc_in)
        if len(units):
            candidates = np.union1d(candidates, _accounts_of_units(plan, units))
        moving, held = self._judge(candidates)
        self._moving = np.zeros(plan.n_accounts, dtype=bool)
        self._moving[candidates[moving]] = True
        unit_held = self._unit_held[units] & (plan.unit_territory[units] != self.territory)
        self._held = int(np.count_nonzero(held)) + int(np.count_nonzero(unit_held))
        self._change = self._change_from_masks(None)
        return self._change, self._held

    # -- by difference -----------------------------------------------------------------

    def _step(
        self, polygon: shapely.Geometry, previous: np.ndarray, xy: np.ndarray
    ) -> tuple[Change, int]:
        plan = self.plan
        before = self._change
        assert before is not None
        self.step_updates += 1
        # The fan: the old closing edge (last old point back to the first) and the new
        # points. Only points in its triangles can have changed side.
        fan = xy[len(previous) - 1 :]
        apex = xy[0]
        none = np.empty(0, np.int64)
        flipped_units = none
        if self.units_scope and plan.n_units:
            ux, uy = unit_centroids(plan)
            near = _grid(plan, "units", ux, uy).near_fan(apex, fan)
            maybe = near[_in_fan(ux[near], uy[near], apex, fan)]
            if len(maybe):
                shapely.prepare(polygon)
                now = shapely.contains_xy(polygon, ux[maybe], uy[maybe])
                flipped_units = maybe[now != self._unit_in[maybe]]
        flipped_accounts = none
        if self.accounts_scope:
            flipped_accounts = self._flipped_accounts(polygon, apex, fan)
        affected = flipped_accounts
        if len(flipped_units):
            affected = np.union1d(affected, _accounts_of_units(plan, flipped_units))
        was_moving = self._moving[affected]
        _, was_held = self._judge(affected)
        self._unit_in[flipped_units] = ~self._unit_in[flipped_units]
        self._acc_in[flipped_accounts] = ~self._acc_in[flipped_accounts]
        if self.accounts_scope or self._unit_in.any():
            self._check_target()
        moving, held = self._judge(affected)
        self._moving[affected] = moving
        sign = np.where(self._unit_in[flipped_units], 1, -1)
        unit_held = self._unit_held[flipped_units] & (
            plan.unit_territory[flipped_units] != self.territory
        )
        self._held += int(np.count_nonzero(held)) - int(np.count_nonzero(was_held))
        self._held += int((sign * unit_held).sum())
        entered = affected[moving & ~was_moving]
        left = affected[was_moving & ~moving]
        units_now = self._unit_in[flipped_units] & self._unit_movable[flipped_units]
        units_before = ~self._unit_in[flipped_units] & self._unit_movable[flipped_units]
        step = ChangeStep(
            before,
            self._part(np.sort(entered), np.sort(flipped_units[units_now])),
            self._part(np.sort(left), np.sort(flipped_units[units_before])),
        )
        self._change = self._change_from_masks(step)
        return self._change, self._held

    def _part(self, accounts: np.ndarray, units: np.ndarray) -> Change:
        plan = self.plan
        return Change(
            accounts.astype(np.int64),
            plan.account_territory[accounts].astype(np.int32),
            np.full(len(accounts), self.territory, dtype=np.int32),
            units.astype(np.int64),
            plan.unit_territory[units].astype(np.int32),
            np.full(len(units), self.territory, dtype=np.int32),
        )

    def _flipped_accounts(
        self, polygon: shapely.Geometry, apex: np.ndarray, fan: np.ndarray
    ) -> np.ndarray:
        """Accounts whose side of the lasso differs from the last move's (tested exactly)."""
        lon, lat, _, _ = account_points(self.plan)
        near = _grid(self.plan, "accounts", lon, lat).near_fan(apex, fan)
        maybe = near[_in_fan(lon[near], lat[near], apex, fan)]
        if len(maybe) == 0:
            return maybe.astype(np.int64)
        shapely.prepare(polygon)
        now = shapely.contains_xy(polygon, lon[maybe], lat[maybe])
        return maybe[now != self._acc_in[maybe]].astype(np.int64)


def boundary_change(
    plan: Plan, territory: int, old: shapely.Geometry | None, new: shapely.Geometry
) -> Change:
    """The account moves when a drawn territory's shape changes from ``old`` to ``new``.

    Accounts now inside ``new`` join the territory; its accounts no longer inside go
    to Unassigned (a gap the planner sees in the problems list). Locked and pinned
    accounts stay.
    """
    from planner.models.assignment import UNASSIGNED

    shapes = [g for g in (old, new) if g is not None]
    x0, y0, x1, y1 = shapely.total_bounds(shapes).tolist()
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    shapely.prepare(new)
    in_new = shapely.contains_xy(new, lon[cand], lat[cand])
    current = plan.account_territory[cand]
    joining = cand[in_new & (current != territory)]
    leaving = cand[~in_new & (current == territory)]
    join = plan.propose_account_move(joining, territory)
    leave = plan.propose_account_move(leaving, UNASSIGNED)
    idx = np.concatenate([join.account_indices, leave.account_indices])
    order = np.argsort(idx, kind="stable")
    return Change(
        idx[order],
        np.concatenate([join.account_before, leave.account_before])[order],
        np.concatenate([join.account_after, leave.account_after])[order],
    )


def move_vertex(
    geometry: shapely.Geometry, part: int, vertex: int, lon: float, lat: float
) -> shapely.Geometry:
    """The geometry with one exterior-ring vertex of one polygon part moved (kept valid)."""
    return _edit_ring(geometry, part, lambda ring: _set(ring, vertex, (lon, lat)))


def insert_vertex(
    geometry: shapely.Geometry, part: int, after: int, lon: float, lat: float
) -> shapely.Geometry:
    """The geometry with a vertex inserted after ring position ``after``."""
    return _edit_ring(geometry, part, lambda ring: np.insert(ring, after + 1, (lon, lat), axis=0))


def delete_vertex(geometry: shapely.Geometry, part: int, vertex: int) -> shapely.Geometry:
    """The geometry without one vertex.

    Raises
    ------
    GestureError
        When the ring would have fewer than three corners.
    """

    def drop(ring: np.ndarray) -> np.ndarray:
        if len(ring) <= 3:
            raise GestureError("a polygon needs at least three corners")
        return np.delete(ring, vertex, axis=0)

    return _edit_ring(geometry, part, drop)


def _set(ring: np.ndarray, vertex: int, xy: tuple[float, float]) -> np.ndarray:
    ring = ring.copy()
    ring[vertex] = xy
    return ring


def _edit_ring(geometry: shapely.Geometry, part: int, edit: object) -> shapely.Geometry:
    parts = list(shapely.get_parts(geometry))
    polygon = parts[part]
    ring = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(polygon)))[:-1]
    ring = edit(ring)  # type: ignore[operator]
    holes = [
        shapely.get_coordinates(shapely.get_interior_ring(polygon, h))
        for h in range(shapely.get_num_interior_rings(polygon))
    ]
    new_polygon = shapely.Polygon(np.vstack([ring, ring[:1]]), holes)
    if not shapely.is_valid(new_polygon):
        fixed = shapely.make_valid(new_polygon)
        pieces = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
        new_polygon = max(pieces, key=lambda p: p.area) if pieces else polygon
    parts[part] = new_polygon
    return shapely.MultiPolygon(parts)


def ring_vertices(geometry: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exterior-ring vertices of every polygon part: lon/lat (n, 2), part index, vertex index."""
    coords, parts, verts = [], [], []
    for p, polygon in enumerate(shapely.get_parts(geometry)):
        ring = np.asarray(shapely.get_coordinates(shapely.get_exterior_ring(polygon)))[:-1]
        coords.append(ring)
        parts.append(np.full(len(ring), p))
        verts.append(np.arange(len(ring)))
    if not coords:
        return np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int)
    return np.vstack(coords), np.concatenate(parts), np.concatenate(verts)


def split_units(
    plan: Plan, territory: int, line_lon: np.ndarray, line_lat: np.ndarray
) -> np.ndarray:
    """Units of a territory on the left of a drawn line (by their representative points).

    The line is extended far beyond its ends, so it cuts the territory in two; the
    side is the sign of the cross product with the nearest line segment.

    Raises
    ------
    GestureError
        When the line has fewer than two points or leaves one side empty.
    """
    pts = np.column_stack([line_lon, line_lat])
    if len(np.unique(pts, axis=0)) < 2:
        raise GestureError("a split line needs two points")
    members = np.flatnonzero(plan.unit_territory == territory)
    x, y = unit_centroids(plan)
    line = shapely.LineString(pts)
    dists = shapely.line_locate_point(line, shapely.points(x[members], y[members]))
    # Side of each unit against the segment at its nearest position along the line.
    seg_starts = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    seg = np.clip(np.searchsorted(seg_starts, dists, side="right") - 1, 0, len(pts) - 2)
    ax, ay = pts[seg, 0], pts[seg, 1]
    bx, by = pts[seg + 1, 0], pts[seg + 1, 1]
    cross = (bx - ax) * (y[members] - ay) - (by - ay) * (x[members] - ax)
    left = members[cross > 0]
    if len(left) == 0 or len(left) == len(members):
        raise GestureError("the line does not cut the territory in two")
    return left
