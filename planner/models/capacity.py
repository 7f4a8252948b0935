"""Capacity planning: how many territories the workload needs, and each territory's load.

Workload follows the balance's model (:mod:`planner.models.balance`): visit hours plus
travel, where travel is a Beardwood-Halton-Hammersley tour within each day plus the commute
from the rep's home, times circuity, at the plan's average speed.

* A plan whose accounts are assigned takes its travel from the balance engine, per
  territory as the Balance panel shows it (routed travel where current).
* A plan with nothing assigned yet (a freshly imported one) estimates travel for a
  hypothetical split of the accounts' area ``A`` into ``N`` equal territories:

  - tour: ``0.7124 · V · √(A / S)`` km for ``V`` visits a year to ``S`` visited accounts
    (the per-territory tour ``0.7124 · V/N · √((A/N) / (S/N))`` summed over ``N``: it does
    not depend on ``N``);
  - commute: ``2 · V · d(N) / visits_per_day`` km, where ``d(N) = 0.3826 · √(A/N)`` is the
    mean distance from a point spread evenly over a square of area ``A/N`` to its centre
    (where a rep would live);

  and the number of territories is the smallest ``N`` whose own travel fits:
  ``(visit hours + travel(N)) / capacity ≤ N``, found by trying ``N`` upwards from
  ``visit hours / capacity`` (travel only shrinks as ``N`` grows, so this is the fixed point).

The accounts' area is the area of the units holding at least one placed account, or the
convex hull of the placed accounts in a plan without units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from planner.models.balance import BHH_CONSTANT, COL_VISIT_HOURS, COL_VISITED, COL_VISITS

if TYPE_CHECKING:
    from planner.models.plan import Plan
    from planner.models.settings import Settings

#: Capacity of a rep (hours a year) when neither the reps nor the settings give one.
DEFAULT_CAPACITY_HOURS = 1600.0
#: Capacities per rep of the sensitivity table (the plan's own is added when different).
SENSITIVITY_HOURS = (1400.0, 1600.0, 1800.0)
#: Mean distance from a point spread evenly over a unit square to its centre.
SQUARE_CENTRE_DISTANCE = 0.3826
#: Utilisation above this fraction of capacity is flagged.
OVER_CAPACITY = 1.0


@dataclass(frozen=True)
class SplitTravel:
    """Estimated yearly travel when the accounts are split into ``territories`` equal parts.

    Attributes
    ----------
    territories : int
    tour_km, commute_km : float
        Road km a year (circuity applied) of the day tours and of the commutes.
    hours : float
        ``(tour_km + commute_km) / speed``.
    """

    territories: int
    tour_km: float
    commute_km: float
    hours: float


@dataclass(frozen=True)
class CapacityRow:
    """The territories one capacity per rep needs."""

    capacity_hours: float
    travel_hours: float
    needed: float
    territories: int


@dataclass
class CapacityPlan:
    """Workload, capacity and the suggested number of territories, with the arithmetic.

    Attributes
    ----------
    accounts, visited_accounts : int
        All accounts, and those with visits (assigned or not, placed or not).
    visits : float
        Visits a year.
    visit_hours : float
        Σ visits × minutes per visit / 60 over every account.
    travel_hours : float
        Travel a year for ``territories`` territories (see ``travel_basis``).
    travel_basis : {"territories", "estimate"}
        ``territories``: from the balance engine over the current territories (accounts not
        in a territory at the plan's travel per visit); ``estimate``: a hypothetical split of
        the accounts' area into ``territories`` parts.
    area_km2 : float
        The accounts' area (the estimate's ``A``).
    capacity_hours : float
        Working hours a year per rep.
    capacity_source : str
        Where the capacity comes from, in words.
    needed : float
        ``(visit_hours + travel_hours) / capacity_hours``.
    territories : int
        The suggested number of territories.
    current_territories : int
    sensitivity : list of CapacityRow
        The same for other capacities per rep.
    steps : list of str
        How the fixed point was reached (estimate only).
    """

    accounts: int
    visited_accounts: int
    visits: float
    visit_hours: float
    travel_hours: float
    travel_basis: str
    area_km2: float
    capacity_hours: float
    capacity_source: str
    needed: float
    territories: int
    current_territories: int
    split: SplitTravel | None = None
    #: Territories without a rep home: the balance counts no commute for them.
    without_home: int = 0
    sensitivity: list[CapacityRow] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def workload_hours(self) -> float:
        """Visit hours plus travel hours."""
        return self.visit_hours + self.travel_hours

    def arithmetic(self) -> str:
        """The suggestion as one line of arithmetic."""
        return (
            f"visit hours {self.visit_hours:,.0f} + travel {self.travel_hours:,.0f} = "
            f"{self.workload_hours:,.0f} h ÷ {self.capacity_hours:,.0f} h per rep = "
            f"{self.needed:,.1f} → {self.territories} "
            f"{'territory' if self.territories == 1 else 'territories'}"
        )

    def travel_lines(self) -> list[str]:
        """How the travel figure was made."""
        if self.travel_basis == "territories":
            note = (
                f"; no commute for the {self.without_home} without a rep home"
                if self.without_home
                else ""
            )
            return [
                f"travel {self.travel_hours:,.0f} h: the balance's estimate over the "
                f"{self.current_territories} current territories (routed where planned{note})"
            ]
        lines = []
        if self.split is not None:
            s = self.split
            lines.append(
                f"travel for {s.territories} territories over {self.area_km2:,.0f} km²: "
                f"tours {s.tour_km:,.0f} km + commutes {s.commute_km:,.0f} km = "
                f"{s.tour_km + s.commute_km:,.0f} km a year = {s.hours:,.0f} h"
            )
        return lines + self.steps

    def lines(self) -> list[str]:
        """A plain-text report: workload, capacity, suggestion, sensitivity."""
        out = [
            f"accounts: {self.accounts:,} ({self.visited_accounts:,} visited, "
            f"{self.visits:,.0f} visits a year)",
            f"workload: visit hours {self.visit_hours:,.0f} + travel {self.travel_hours:,.0f}"
            f" = {self.workload_hours:,.0f} h a year",
            *self.travel_lines(),
            f"capacity per rep: {self.capacity_hours:,.0f} h ({self.capacity_source})",
            f"suggested: {self.arithmetic()}",
        ]
        if self.current_territories:
            out.append(f"the plan has {self.current_territories} territories today")
        out.append("sensitivity (h per rep → territories):")
        for row in self.sensitivity:
            out.append(
                f"  {row.capacity_hours:>7,.0f} h → {row.territories:>5} "
                f"({row.needed:,.1f}; travel {row.travel_hours:,.0f} h)"
            )
        return out

    def to_dict(self) -> dict[str, object]:
        """JSON-ready figures (hours rounded to 0.1)."""
        return {
            "accounts": self.accounts,
            "visited_accounts": self.visited_accounts,
            "visits": round(self.visits, 3),
            "visit_hours": round(self.visit_hours, 1),
            "travel_hours": round(self.travel_hours, 1),
            "travel_basis": self.travel_basis,
            "area_km2": round(self.area_km2, 1),
            "workload_hours": round(self.workload_hours, 1),
            "capacity_hours": self.capacity_hours,
            "capacity_source": self.capacity_source,
            "needed": round(self.needed, 3),
            "territories": self.territories,
            "current_territories": self.current_territories,
            "territories_without_rep_home": self.without_home,
            "arithmetic": self.arithmetic(),
            "steps": list(self.travel_lines()),
            "sensitivity": [
                {
                    "capacity_hours": row.capacity_hours,
                    "travel_hours": round(row.travel_hours, 1),
                    "needed": round(row.needed, 3),
                    "territories": row.territories,
                }
                for row in self.sensitivity
            ],
        }


def split_travel(
    visits: float, stops: float, area_km2: float, territories: int, settings: Settings
) -> SplitTravel:
    """Yearly travel of ``visits`` to ``stops`` accounts over ``area_km2`` split ``territories`` ways.

    Parameters
    ----------
    visits : float
        Visits a year.
    stops : float
        Accounts with visits.
    area_km2 : float
        The accounts' area.
    territories : int
        Number of equal territories (at least 1).
    settings : Settings
        ``visits_per_day``, ``circuity``, ``speed_kmh``.
    """
    if territories < 1:
        raise ValueError(f"territories must be at least 1, got {territories}")
    area = max(float(area_km2), 0.0)
    tour = BHH_CONSTANT * visits * math.sqrt(area / max(stops, 1.0))
    home_km = SQUARE_CENTRE_DISTANCE * math.sqrt(area / territories)
    commute = 2.0 * visits * home_km / max(settings.visits_per_day, 1e-9)
    tour_km, commute_km = settings.circuity * tour, settings.circuity * commute
    hours = (tour_km + commute_km) / max(settings.speed_kmh, 1e-9)
    return SplitTravel(territories, tour_km, commute_km, hours)


def rep_capacity(plan: Plan, capacity_hours: float | None = None) -> tuple[float, str]:
    """Capacity per rep (hours a year) and where it comes from.

    ``capacity_hours`` when given; else the mean of the reps' ``capacity_hours``; else the
    plan's setting ``default_capacity_hours`` (1,600 h unless changed).
    """
    if capacity_hours is not None:
        if not (math.isfinite(capacity_hours) and capacity_hours > 0):
            raise ValueError(f"capacity_hours must be a positive number, got {capacity_hours}")
        return float(capacity_hours), "as given"
    reps = plan.reps.drop_duplicates("rep_id")
    caps = reps["capacity_hours"].to_numpy(dtype=float)
    caps = caps[np.isfinite(caps) & (caps > 0)]
    if caps.size:
        same = bool(np.all(caps == caps[0]))
        how = "every rep's" if same else "mean of the reps'"
        return float(caps.mean()), f"{how} capacity_hours ({caps.size} reps)"
    default = float(getattr(plan.settings, "default_capacity_hours", DEFAULT_CAPACITY_HOURS))
    return default, "the plan's default capacity (no rep gives one)"


def accounts_area_km2(plan: Plan) -> float:
    """Area of the units holding at least one placed account (hull of the accounts without units)."""
    from planner.models.geo import hull_area_km2

    if plan.n_units:
        held = np.zeros(plan.n_units, dtype=bool)
        inside = plan.account_unit >= 0
        held[plan.account_unit[inside]] = True
        return float(np.asarray(plan.unit_area_km2, dtype=float)[held].sum())
    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    return float(hull_area_km2(lon, lat))


def plan_capacity(
    plan: Plan,
    capacity_hours: float | None = None,
    sensitivity: tuple[float, ...] = SENSITIVITY_HOURS,
) -> CapacityPlan:
    """How many territories the plan's workload needs at a capacity per rep.

    Parameters
    ----------
    plan : Plan
    capacity_hours : float, optional
        Hours a year per rep (default: the reps' capacity, else the plan's default).
    sensitivity : tuple of float
        Other capacities per rep to show (the chosen one is added).

    Returns
    -------
    CapacityPlan

    Raises
    ------
    ValueError
        If ``capacity_hours`` is not a positive number.
    """
    capacity, source = rep_capacity(plan, capacity_hours)
    engine = plan.engine
    k = plan.n_territories
    totals = engine.totals
    visit_hours = float(totals[:, COL_VISIT_HOURS].sum())
    visits = float(totals[:, COL_VISITS].sum())
    visited = round(float(totals[:, COL_VISITED].sum()))
    area = accounts_area_km2(plan)
    assigned_visits = float(totals[:k, COL_VISITS].sum())
    common = {
        "accounts": plan.n_accounts,
        "visited_accounts": visited,
        "visits": visits,
        "visit_hours": visit_hours,
        "area_km2": area,
        "capacity_hours": capacity,
        "capacity_source": source,
        "current_territories": k,
    }
    if k and assigned_visits > 0:
        # Travel as the balance has it; accounts outside the territories at its rate per visit.
        travel_now = float(territory_travel_hours(plan).sum())
        unassigned_visits = float(totals[k, COL_VISITS])
        travel = travel_now * (1.0 + unassigned_visits / assigned_visits)

        def row(cap: float, log: bool = False) -> CapacityRow:
            needed = (visit_hours + travel) / cap
            return CapacityRow(cap, travel, needed, max(1, math.ceil(needed - 1e-9)))

        main = row(capacity)
        result = CapacityPlan(
            **common,  # type: ignore[arg-type]
            travel_hours=travel,
            travel_basis="territories",
            needed=main.needed,
            territories=main.territories,
            without_home=int(
                np.count_nonzero(~(np.isfinite(engine.home_lon) & np.isfinite(engine.home_lat)))
            ),
        )
    else:
        steps: list[str] = []

        def row(cap: float, log: bool = False) -> CapacityRow:
            n = max(1, math.ceil(visit_hours / cap - 1e-9))
            for _ in range(100_000):
                split = split_travel(visits, visited, area, n, plan.settings)
                needed = (visit_hours + split.hours) / cap
                if log:
                    steps.append(
                        f"N = {n}: travel {split.hours:,.0f} h → ({visit_hours:,.0f} + "
                        f"{split.hours:,.0f}) ÷ {cap:,.0f} = {needed:,.2f}"
                        + (" ≤ N: enough" if needed <= n + 1e-9 else " > N: more territories")
                    )
                if needed <= n + 1e-9:
                    break
                # Travel only shrinks as N grows: the first N that is enough is the answer.
                n += 1
            return CapacityRow(cap, split.hours, needed, n)

        main = row(capacity, log=True)
        if len(steps) > 5:
            steps[2:-2] = [f"… ({len(steps) - 4} more values of N)"]
        result = CapacityPlan(
            **common,  # type: ignore[arg-type]
            travel_hours=main.travel_hours,
            travel_basis="estimate",
            needed=main.needed,
            territories=main.territories,
            split=split_travel(visits, visited, area, main.territories, plan.settings),
            steps=steps,
        )
    caps = sorted(set(sensitivity) | {capacity})
    result.sensitivity = [row(c) for c in caps]
    return result


def territory_travel_hours(plan: Plan) -> np.ndarray:
    """Travel hours a year per territory, as the balance's workload counts them."""
    engine = plan.engine
    travel_km = engine.travel_km(engine.totals)
    routed = engine.routed_travel_hours
    estimate = travel_km / max(plan.settings.speed_kmh, 1e-9)
    return np.asarray(np.where(np.isfinite(routed), routed, estimate), dtype=float)


def territory_workload_hours(plan: Plan) -> np.ndarray:
    """Workload hours a year per territory (visit hours + travel), as the balance has it."""
    visit = plan.engine.totals[: plan.n_territories, COL_VISIT_HOURS]
    return np.asarray(visit + territory_travel_hours(plan), dtype=float)


def territory_capacity_hours(plan: Plan) -> np.ndarray:
    """Capacity per territory: its rep's ``capacity_hours``, else the plan's default."""
    default = float(getattr(plan.settings, "default_capacity_hours", DEFAULT_CAPACITY_HOURS))
    # Plain lookups: this runs on every balance refresh, previews during a drag included.
    capacity_of: dict[object, float] = {}
    for rep, hours in zip(plan.reps["rep_id"], plan.reps["capacity_hours"], strict=True):
        capacity_of.setdefault(rep, float(hours) if hours is not None else np.nan)
    cap = np.array(
        [capacity_of.get(rep, np.nan) for rep in plan.territories["rep_id"]], dtype=float
    )
    return np.where(np.isfinite(cap) & (cap > 0), cap, default)


def territory_utilisation(
    plan: Plan, workload_hours: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Utilisation per territory (workload ÷ capacity, a fraction) and the over-capacity flag.

    Parameters
    ----------
    plan : Plan
    workload_hours : ndarray, optional
        Workload per territory, e.g. of a preview (default: the plan's current workload).
    """
    from planner.models.balance import utilisation

    load = territory_workload_hours(plan) if workload_hours is None else workload_hours
    return utilisation(load, territory_capacity_hours(plan))


__all__ = [
    "DEFAULT_CAPACITY_HOURS",
    "OVER_CAPACITY",
    "SENSITIVITY_HOURS",
    "CapacityPlan",
    "CapacityRow",
    "SplitTravel",
    "accounts_area_km2",
    "plan_capacity",
    "rep_capacity",
    "split_travel",
    "territory_capacity_hours",
    "territory_travel_hours",
    "territory_utilisation",
    "territory_workload_hours",
]
