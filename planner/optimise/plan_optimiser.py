"""The territory optimiser applied to a plan: snapshot, optimise, and a change to apply.

The districting core (:mod:`planner.optimise.districting`) works on units with additive
measures. This module maps a :class:`~planner.models.plan.Plan` onto it and back:

1. :func:`snapshot_plan` copies what the optimiser needs from the plan on the caller's thread
   (the window's GUI thread), so the plan may change while the optimiser runs.
2. :func:`optimise_plan` builds the unit problem (measures per unit from the accounts that move
   with their unit, fixed offsets for accounts that do not, bands per territory, locks, the
   disruption budget), runs the core, and measures the result with the plan's own balance
   engine: per-territory balance before and after, disruption, compactness, shortfalls, and
   one explanation per moved unit and account.
3. The caller applies :attr:`PlanOptimisation.change` (one undoable step in the window) and
   records the explanations with :func:`record_moves`, or stores the proposal as a scenario
   with :func:`store_scenario`.

Locked and pinned accounts never move; locked units and every unit and account of a locked
territory never change. See ``docs/optimiser.md`` for the workload estimate used during the
search and how it is calibrated.
"""

from __future__ import annotations

import copy
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from planner.models.assignment import UNASSIGNED, Change
from planner.models.balance import (
    BHH_CONSTANT,
    AccountWeights,
    BalanceEngine,
    BalanceTable,
    balance_from_values,
)
from planner.models.geo import EARTH_RADIUS_KM, haversine_km
from planner.models.graph import Adjacency, AdjacencyCache, n_pieces, plan_adjacency_cache
from planner.models.i18n import format_number, pad
from planner.models.i18n import gettext as tr
from planner.models.scenarios import SCENARIO_ASSIGNMENTS_TABLE as _SCENARIO_ASSIGNMENTS_TABLE
from planner.models.scenarios import SCENARIOS_TABLE as _SCENARIOS_TABLE
from planner.models.settings import MeasureSpec, Settings
from planner.optimise.districting import COMPACTNESS, CONTIGUITY, Travel

if TYPE_CHECKING:
    from planner.models.plan import Plan
    from planner.models.progress import TaskState

#: Per-rep disruption limit the window and the command line offer by default: at most a
#: quarter of a rep's baseline accounts lost plus gained (docs/optimiser.md says why).
DEFAULT_MAX_DISRUPTION_PER_REP = 0.25
#: Modes of :class:`OptimiseOptions`.
MODES = ("create", "rebalance", "subset")
#: What the disruption budget counts.
DISRUPTION_BASES = ("accounts", "revenue")
#: Plan table holding the explanation of every applied optimiser move.
MOVES_TABLE = "optimiser_moves"
#: Plan tables holding scenarios (the model's; see :func:`store_scenario`).
SCENARIOS_TABLE = _SCENARIOS_TABLE
SCENARIO_ASSIGNMENTS_TABLE = _SCENARIO_ASSIGNMENTS_TABLE
#: Above this many movable units the exact CP-SAT finish is skipped by default: it rarely
#: proves optimality there and would spend the planner's time budget.
EXACT_MAX_UNITS = 150
EXACT_MAX_TERRITORIES = 12
#: Search rounds when workload is balanced (its estimate is recalibrated between rounds).
MAX_ROUNDS = 4
#: Share of the workload band kept free as a margin for the estimate's error.
WORKLOAD_MARGIN = 0.1
#: The same with the exact travel term: only the target moves (the mean workload changes as
#: travel changes), which the next round corrects.
TARGET_MARGIN = 0.03


#: Plans with at least this many units get BIG_PLAN_TIME_LIMIT seconds by default: the
#: rebalance model of every border needs about a minute at the demo's 2,469 units.
BIG_PLAN_UNITS = 1000
BIG_PLAN_TIME_LIMIT = 90.0


def default_time_limit(n_units: int, small: float) -> float:
    """The time limit to offer for a plan of ``n_units`` units (``small`` below BIG_PLAN_UNITS)."""
    return BIG_PLAN_TIME_LIMIT if n_units >= BIG_PLAN_UNITS else small


class OptionsError(ValueError):
    """An optimiser option a user set is invalid (the message names the option)."""


@dataclass(frozen=True)
class OptimiseOptions:
    """What the optimiser is asked to do.

    Parameters
    ----------
    mode : {"create", "rebalance", "subset"}
        ``create`` builds territories from scratch, seeded at the reps' homes;
        ``rebalance`` improves the current alignment within the disruption budget;
        ``subset`` re-optimises only the territories in ``subset``.
    territories : int, optional
        Create mode: how many territories to fill (default: every unlocked territory). Fewer
        than the plan has leaves the rest empty; more is refused (add territories first).
    subset : sequence of int
        Subset mode: territory indices to re-optimise.
    measures : sequence of str, optional
        Keys of the plan's measures to balance (default: all of them).
    tolerances : mapping of str to float
        Band half-width per measure key as a fraction (0.05 = ±5 %); measures not named keep
        the plan's tolerance (``plan.settings.measures``).
    max_disruption : float, optional
        Largest fraction of the plan's accounts (or revenue, see ``disruption_basis``) that
        may change territory. ``None``: no limit.
    disruption_basis : {"accounts", "revenue"}
    max_disruption_per_rep : float, optional
        Largest fraction of each territory's own accounts (or revenue) it may lose plus gain.
    time_limit : float
        Seconds for the whole run; the best plan found by then is returned.
    seed : int
        Seed of every random choice: the same plan, options and seed give the same change
        (unless the time limit cuts the search short).
    exact : bool, optional
        Finish with the exact CP-SAT model. Default: when at most 150 units and 12
        territories take part, within a third of ``time_limit``.
    contiguity : {"required", "preferred", "off"}
        ``required`` (default): every territory stays in one piece. ``preferred``: in one
        piece unless a band cannot be met otherwise. ``off``: territories may be in pieces.
    compactness : {"distance", "diameter"}
        What compact means: the least total distance from units to their territory's centre
        (default), or the smallest largest territory (min-max diameter). Both figures are
        reported whatever the choice.
    """

    mode: str = "rebalance"
    territories: int | None = None
    subset: tuple[int, ...] = ()
    measures: tuple[str, ...] | None = None
    tolerances: Mapping[str, float] = field(default_factory=dict)
    max_disruption: float | None = None
    disruption_basis: str = "accounts"
    max_disruption_per_rep: float | None = None
    time_limit: float = 10.0
    seed: int = 0
    exact: bool | None = None
    contiguity: str = "required"
    compactness: str = "distance"
    #: Split a national-size run into parts solved in parallel (``auto``, ``on``, ``off``;
    #: see :mod:`planner.optimise.decompose`).
    decompose: str = "auto"

    def validate(self, settings: Settings, n_territories: int) -> None:
        """Raise :class:`OptionsError` naming the first invalid option."""
        if self.mode not in MODES:
            raise OptionsError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.contiguity not in CONTIGUITY:
            raise OptionsError(
                f"contiguity must be one of {', '.join(CONTIGUITY)}, got {self.contiguity!r}"
            )
        if self.compactness not in COMPACTNESS:
            raise OptionsError(
                f"compactness must be one of {', '.join(COMPACTNESS)}, got {self.compactness!r}"
            )
        keys = [m.key for m in settings.measures]
        for key in list(self.measures or ()) + list(self.tolerances):
            if key not in keys:
                raise OptionsError(
                    f"measure {key!r} is not one of the plan's measures ({', '.join(keys)})"
                )
        if self.measures is not None and not self.measures:
            raise OptionsError("measures: choose at least one measure to balance")
        for key, tol in self.tolerances.items():
            if not (math.isfinite(tol) and 0.0 <= tol < 1.0):
                raise OptionsError(f"tolerance of {key} must be between 0 and 1, got {tol}")
        for name, value in (
            ("max_disruption", self.max_disruption),
            ("max_disruption_per_rep", self.max_disruption_per_rep),
        ):
            if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise OptionsError(f"{name} must be between 0 and 1, got {value}")
        if self.decompose not in ("auto", "on", "off"):
            raise OptionsError(f"decompose must be auto, on or off, got {self.decompose!r}")
        if self.disruption_basis not in DISRUPTION_BASES:
            raise OptionsError(
                f"disruption_basis must be one of {', '.join(DISRUPTION_BASES)}, "
                f"got {self.disruption_basis!r}"
            )
        if not (math.isfinite(self.time_limit) and self.time_limit > 0):
            raise OptionsError(
                f"time_limit must be a positive number of seconds, got {self.time_limit}"
            )
        if self.territories is not None and self.territories < 1:
            raise OptionsError(f"territories must be at least 1, got {self.territories}")
        if self.mode == "subset":
            if not self.subset:
                raise OptionsError("subset mode needs the territories to re-optimise")
            bad = [t for t in self.subset if not 0 <= t < n_territories]
            if bad:
                raise OptionsError(f"subset: no territory with index {bad[0]}")

    def tolerance(self, spec: MeasureSpec) -> float:
        """The band half-width used for a measure."""
        return float(self.tolerances.get(spec.key, spec.tolerance))


# ------------------------------------------------------------------------------------------
# Snapshot


@dataclass(frozen=True)
class PlanSnapshot:
    """Copies of the plan's arrays the optimiser reads, taken before it starts.

    Build it with :func:`snapshot_plan` on the thread that owns the plan.
    """

    territory_ids: tuple[str, ...]
    territory_names: tuple[str, ...]
    territory_locked: np.ndarray
    home_lon: np.ndarray
    home_lat: np.ndarray
    unit_ids: np.ndarray
    unit_geometry: np.ndarray
    unit_area_km2: np.ndarray
    unit_territory: np.ndarray
    unit_locked: np.ndarray
    account_ids: np.ndarray
    account_territory: np.ndarray
    account_unit: np.ndarray
    account_held: np.ndarray
    weights: AccountWeights
    settings: Settings
    area_override: np.ndarray
    routed_travel_hours: np.ndarray
    adjacency_cache: AdjacencyCache
    #: Baseline territory per account (``-1`` Unassigned, ``-2`` a territory since removed):
    #: disruption budgets count against it, as the balance panel and the workbook do.
    account_baseline: np.ndarray

    @property
    def n_territories(self) -> int:
        return len(self.territory_ids)

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    @property
    def n_accounts(self) -> int:
        return len(self.account_ids)

    def adjacency(self) -> Adjacency:
        """Rook adjacency of the units (cached per plan)."""
        return self.adjacency_cache.get(self.unit_geometry)

    def engine(self, account_territory: np.ndarray, unit_territory: np.ndarray) -> BalanceEngine:
        """A balance engine over these accounts for an assignment (the plan's own model)."""
        engine = BalanceEngine(
            self.weights,
            account_territory,
            self.n_territories,
            self.unit_area_km2,
            unit_territory,
            self.settings,
        )
        engine.area_override = self.area_override.copy()
        engine.routed_travel_hours = self.routed_travel_hours.copy()
        engine.set_homes(self.home_lon, self.home_lat, account_territory)
        return engine


def snapshot_plan(plan: Plan) -> PlanSnapshot:
    """Copy what :func:`optimise_plan` needs from ``plan``.

    Parameters
    ----------
    plan : Plan

    Returns
    -------
    PlanSnapshot
        Independent of later edits of the plan (arrays are copied; unit polygons are
        immutable shapely objects and are shared).
    """
    t = plan.territories
    reps = plan.reps.drop_duplicates("rep_id")
    home = {
        str(r): (float(lon), float(lat))
        for r, lon, lat in zip(reps["rep_id"], reps["lon"], reps["lat"], strict=True)
    }
    home_lon = np.full(plan.n_territories, np.nan)
    home_lat = np.full(plan.n_territories, np.nan)
    for i, rep_id in enumerate(t["rep_id"]):
        if isinstance(rep_id, str) and rep_id in home:
            home_lon[i], home_lat[i] = home[rep_id]
    territory_locked = plan.territory_locked.copy()
    account_territory = plan.account_territory.copy()
    in_locked = np.zeros(plan.n_accounts, dtype=bool)
    inside = account_territory >= 0
    in_locked[inside] = territory_locked[account_territory[inside]]
    a = plan.accounts
    extra = {
        spec.key: a[spec.key].to_numpy(dtype=float).copy()
        for spec in plan.settings.measures
        if spec.key not in ("accounts", "revenue", "potential", "workload") and spec.key in a
    }
    weights = AccountWeights(
        revenue=a["revenue"].to_numpy(dtype=float).copy(),
        potential=a["potential"].to_numpy(dtype=float).copy(),
        visits_per_year=a["visits_per_year"].to_numpy(dtype=float).copy(),
        visit_minutes=a["visit_minutes"].to_numpy(dtype=float).copy(),
        lon=a["lon"].to_numpy(dtype=float).copy(),
        lat=a["lat"].to_numpy(dtype=float).copy(),
        extra=extra,
    )
    cache = plan_adjacency_cache(plan)
    return PlanSnapshot(
        territory_ids=tuple(plan.territory_ids),
        territory_names=tuple(plan.territory_label(i) for i in range(plan.n_territories)),
        territory_locked=territory_locked,
        home_lon=home_lon,
        home_lat=home_lat,
        unit_ids=np.asarray([str(v) for v in plan.units["unit_id"]], dtype=object),
        unit_geometry=np.asarray(plan.units.geometry.to_numpy(), dtype=object).copy(),
        unit_area_km2=np.asarray(plan.unit_area_km2, dtype=float).copy(),
        unit_territory=plan.unit_territory.copy(),
        unit_locked=plan.unit_locked.copy(),
        account_ids=np.asarray([str(v) for v in a["account_id"]], dtype=object),
        account_territory=account_territory,
        account_unit=plan.account_unit.copy(),
        account_held=plan.account_locked | plan.account_pinned | in_locked,
        weights=weights,
        settings=copy.deepcopy(plan.settings),
        area_override=np.asarray(plan.engine.area_override, dtype=float).copy(),
        routed_travel_hours=np.asarray(plan.engine.routed_travel_hours, dtype=float).copy(),
        adjacency_cache=cache,
        account_baseline=np.asarray(plan.baseline_territory, dtype=np.int64).copy(),
    )


# ------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class MoveRecord:
    """Why a unit or an account changes territory.

    Attributes
    ----------
    kind : {"unit", "account"}
    index : int
        Row of the unit or account in the plan.
    item_id : str
    from_territory, to_territory : int
        Territory indices (``-1`` = Unassigned).
    reason : str
    """

    kind: str
    index: int
    item_id: str
    from_territory: int
    to_territory: int
    reason: str


@dataclass(frozen=True)
class PlanShortfall:
    """A band the optimised plan misses, by how much, and what blocks it.

    ``value``, ``target``, ``lower`` and ``upper`` are the plan's own figures (the balance
    engine's), in the measure's unit; ``amount`` is how far outside the band (positive).
    """

    territory: int
    territory_name: str
    measure: str
    measure_label: str
    value: float
    target: float
    lower: float
    upper: float
    amount: float
    deviation_pct: float
    blockers: tuple[str, ...]

    def describe(self) -> str:
        """One line for the planner."""
        why = "; ".join(self.blockers)
        # Enough decimals that the amount is not "0" and the value differs from the edge
        # it crossed: a miss by 0.3 h printed as "by 0" read as a contradiction.
        decimals = 0
        if np.isfinite(self.amount) and 0 < self.amount < 1:
            decimals = min(4, -int(np.floor(np.log10(self.amount))))
        text = (
            tr(
                "{territory}: {measure} {value} is above its band [{lower}, {upper}] by {amount} ({deviation} % from target)."
            )
            if self.value > self.upper
            else tr(
                "{territory}: {measure} {value} is below its band [{lower}, {upper}] by {amount} ({deviation} % from target)."
            )
        )
        return (
            text.format(
                territory=self.territory_name,
                measure=self.measure_label,
                value=format_number(self.value, decimals),
                lower=format_number(self.lower, decimals),
                upper=format_number(self.upper, decimals),
                amount=format_number(self.amount, decimals),
                deviation=_signed(self.deviation_pct, max(1, decimals - 1)),
            )
            + " "
            + why
        )


def _one(value: float) -> str:
    """A figure to one decimal in the report's locale (``12.3``, ``12,3``; no grouping)."""
    return format_number(value, 1, grouping=False)


def _signed(value: float, decimals: int) -> str:
    """``+1.2``/``-1.2`` in the report's locale."""
    return ("-" if value < 0 else "+") + format_number(abs(value), decimals, grouping=False)


def _short(value: float) -> str:
    """A budget as typed: ``10``, ``12.5`` (``:g``), with the locale's decimal sign."""
    text = f"{value:g}"
    return text.replace(".", format_number(0.5, 1)[1]) if "." in text else text


@dataclass(frozen=True)
class SuggestedHome:
    """Where a territory's rep could live: its workload-weighted centre snapped to a unit.

    Attributes
    ----------
    lon, lat : float
        The centroid (point on surface) of ``unit_id``, the territory's unit nearest to the
        workload-weighted centre of its units.
    unit_id : str
    """

    lon: float
    lat: float
    unit_id: str

    def describe(self) -> str:
        """One line: the unit and its coordinates."""
        return tr("unit {unit} ({lon}, {lat})").format(
            unit=self.unit_id, lon=f"{self.lon:.4f}", lat=f"{self.lat:.4f}"
        )


@dataclass
class PlanOptimisation:
    """Outcome of :func:`optimise_plan`.

    Attributes
    ----------
    run_id : str
        Identifies the run in the saved explanations.
    options : OptimiseOptions
    change : Change
        The reassignment to apply (against the snapshot's alignment).
    territory_ids, territory_names : list of str
    optimised : ndarray of bool, shape (k,)
        Territories the run was allowed to change.
    before, after : BalanceTable
        Balance of every territory and measure before and after the change, with the run's
        tolerances.
    balanced : list of str
        Keys of the measures the run balanced.
    accounts_moved, units_moved : int
    revenue_moved : float
    disruption_accounts, disruption_revenue : float
        Fractions of the plan's accounts and revenue the change moves.
    compactness_before_km, compactness_after_km : float
        Mean distance (km, weighted by accounts) from a unit's centroid to its territory's
        centre (the rep's home, else the territory's centroid), over the optimised
        territories.
    contiguous_before, contiguous_after : int
        Optimised territories in one piece, before and after.
    diameter_before_km, diameter_after_km : float
        Largest diameter (km between the two farthest unit centroids) of an optimised
        territory, before and after: the min-max compactness figure.
    shortfalls : list of PlanShortfall
    moves : list of MoveRecord
    messages : list of str
    status : str
        ``ok``, ``bands_not_met``, ``not_contiguous``, ``infeasible`` (the request cannot be
        served; nothing changes) or ``cancelled`` (the best plan found so far).
    elapsed : float
        Seconds.
    new_territories : list of dict
        Create mode on a plan without territories: the rows of the territories the run
        creates (``territory_id`` T001…, ``name`` "Territory 1"…, ``color``, ``home_lon``,
        ``home_lat``), in the order of the indices the change uses. Add them to the plan with
        :func:`add_created_territories` before applying the change.
    suggested_homes : dict of int to SuggestedHome
        Create mode: per filled territory without a rep home, where a rep could be based.
    baseline_before, baseline_after : float
        Fractions of the plan's accounts (or revenue, as the budget counts) away from their
        baseline territory before and after the change: what the disruption budget limits.
    worst_rep_after : float
        Largest churn of a territory against the baseline after the change (accounts or
        revenue lost plus gained, as a fraction of its baseline's): what the per-rep
        budget limits.
    """

    run_id: str
    options: OptimiseOptions
    change: Change
    territory_ids: list[str]
    territory_names: list[str]
    optimised: np.ndarray
    before: BalanceTable
    after: BalanceTable
    balanced: list[str]
    accounts_moved: int
    units_moved: int
    revenue_moved: float
    disruption_accounts: float
    disruption_revenue: float
    compactness_before_km: float
    compactness_after_km: float
    contiguous_before: int
    contiguous_after: int
    diameter_before_km: float = float("nan")
    diameter_after_km: float = float("nan")
    shortfalls: list[PlanShortfall] = field(default_factory=list)
    moves: list[MoveRecord] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    status: str = "ok"
    elapsed: float = 0.0
    created: str = ""
    new_territories: list[dict[str, object]] = field(default_factory=list)
    suggested_homes: dict[int, SuggestedHome] = field(default_factory=dict)
    baseline_before: float = 0.0
    baseline_after: float = 0.0
    worst_rep_after: float = 0.0

    def in_band(self, table: BalanceTable) -> np.ndarray:
        """Per optimised territory: every balanced measure in its band."""
        cols = [table.column(key) for key in self.balanced]
        return np.asarray(table.in_band[:, cols].all(axis=1) & self.optimised)

    @property
    def in_band_before(self) -> int:
        return int(self.in_band(self.before).sum())

    @property
    def in_band_after(self) -> int:
        return int(self.in_band(self.after).sum())

    @property
    def n_optimised(self) -> int:
        return int(self.optimised.sum())

    def worst_deviation(self, table: BalanceTable, key: str) -> float:
        """Largest absolute deviation (fraction) of a measure over the optimised territories."""
        dev = np.abs(table.deviation[self.optimised, table.column(key)])
        return float(dev.max()) if dev.size else 0.0

    def moves_frame(self, scenario: str | None = None) -> pd.DataFrame:
        """The explanations as rows of the ``optimiser_moves`` plan table.

        ``scenario`` names the scenario the run was stored as (``None``: applied to the plan).
        """
        ids = [None, *self.territory_ids]
        return pd.DataFrame(
            {
                "run_id": [self.run_id] * len(self.moves),
                "created": [self.created] * len(self.moves),
                "scenario": [scenario] * len(self.moves),
                "kind": [m.kind for m in self.moves],
                "item_id": [m.item_id for m in self.moves],
                "from_territory_id": [ids[m.from_territory + 1] for m in self.moves],
                "to_territory_id": [ids[m.to_territory + 1] for m in self.moves],
                "reason": [m.reason for m in self.moves],
            },
            columns=[
                "run_id",
                "created",
                "scenario",
                "kind",
                "item_id",
                "from_territory_id",
                "to_territory_id",
                "reason",
            ],
        )

    def budget_line(self) -> str:
        """The disruption against the baseline, before and after, with the budgets."""
        o = self.options
        what = tr("accounts") if o.disruption_basis == "accounts" else tr("revenue")
        budget = (
            tr("no budget")
            if o.max_disruption is None
            else tr("budget {pct} %").format(pct=_short(100 * o.max_disruption))
        )
        per_rep = (
            tr("no per-rep limit")
            if o.max_disruption_per_rep is None
            else tr("limit {pct} %").format(pct=_short(100 * o.max_disruption_per_rep))
        )
        return tr(
            "against the baseline: {before} % of {what} already moved before this run → {after} % after ({budget}); worst rep {worst} % ({per_rep})"
        ).format(
            before=_one(100 * self.baseline_before),
            what=what,
            after=_one(100 * self.baseline_after),
            budget=budget,
            worst=_one(100 * self.worst_rep_after),
            per_rep=per_rep,
        )

    def summary_lines(self) -> list[str]:
        """A plain-text report: balance before and after, disruption, compactness, shortfalls."""
        lines = [
            tr("status: {status} ({elapsed} s)").format(
                status=self.status, elapsed=_one(self.elapsed)
            ),
            tr("territories in band: {before} → {after} of {n} optimised").format(
                before=self.in_band_before, after=self.in_band_after, n=self.n_optimised
            ),
        ]
        header = (
            "  "
            + pad(tr("territory"), 28)
            + "".join(
                f"{self.after.measures[self.after.column(k)].label[:20]:>24}" for k in self.balanced
            )
        )
        lines.append(header)
        for t in np.flatnonzero(self.optimised).tolist():
            cells = []
            for key in self.balanced:
                j = self.after.column(key)
                b = self.before.deviation[t, j] * 100
                a = self.after.deviation[t, j] * 100
                flag = " " if self.after.in_band[t, j] else "!"
                cells.append(f"{_signed(b, 1):>7} % → {_signed(a, 1):>6} %{flag}")
            lines.append(
                "  " + pad(self.territory_names[t][:27], 28) + "".join(f"{c:>24}" for c in cells)
            )
        for key in self.balanced:
            spec = self.after.measures[self.after.column(key)]
            lines.append(
                tr("worst {measure}: {before} % → {after} % (band ±{band} %)").format(
                    measure=tr(spec.label),
                    before=_one(100 * self.worst_deviation(self.before, key)),
                    after=_one(100 * self.worst_deviation(self.after, key)),
                    band=_one(100 * spec.tolerance),
                )
            )
        lines.append(
            tr(
                "disruption: {accounts} accounts ({accounts_pct} %), {revenue_pct} % of revenue, {units} units"
            ).format(
                accounts=format_number(self.accounts_moved),
                accounts_pct=_one(100 * self.disruption_accounts),
                revenue_pct=_one(100 * self.disruption_revenue),
                units=format_number(self.units_moved),
            )
        )
        if self.options.mode != "create":
            lines.append(self.budget_line())
        lines.append(
            tr(
                "compactness (mean km from unit to rep home or centre): {before} → {after} km; largest territory diameter {diameter_before} → {diameter_after} km (objective: {objective})"
            ).format(
                before=_one(self.compactness_before_km),
                after=_one(self.compactness_after_km),
                diameter_before=_one(self.diameter_before_km),
                diameter_after=_one(self.diameter_after_km),
                objective=self.options.compactness,
            )
        )
        lines.append(
            tr("contiguous {before} → {after} of {n} (contiguity {contiguity})").format(
                before=self.contiguous_before,
                after=self.contiguous_after,
                n=self.n_optimised,
                contiguity=self.options.contiguity,
            )
        )
        lines += [tr("note: {message}").format(message=m) for m in self.messages]
        if self.new_territories:
            lines.append(
                tr(
                    "creates {n} territories ({first}…{last}); suggested rep homes (stored as home_lon/home_lat):"
                ).format(
                    n=len(self.new_territories),
                    first=self.territory_ids[0],
                    last=self.territory_ids[-1],
                )
            )
        elif self.suggested_homes:
            lines.append(tr("suggested rep homes of the territories without a rep:"))
        for t, home in sorted(self.suggested_homes.items()):
            lines.append(f"  {self.territory_names[t]}: {home.describe()}")
        if self.shortfalls:
            lines.append(tr("shortfalls ({n}):").format(n=len(self.shortfalls)))
            lines += [f"  {s.describe()}" for s in self.shortfalls]
        return lines


# ------------------------------------------------------------------------------------------
# Optimisation


def _project_km(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Equirectangular km around ``(lon0, lat0)``: accurate to a few % over a region."""
    x = EARTH_RADIUS_KM * np.radians(lon - lon0) * math.cos(math.radians(lat0))
    y = EARTH_RADIUS_KM * np.radians(lat - lat0)
    return np.column_stack([x, y])


def _unit_centroids(snapshot: PlanSnapshot) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    if snapshot.n_units == 0:
        return np.zeros(0), np.zeros(0)
    pts = shapely.point_on_surface(snapshot.unit_geometry)
    xy = shapely.get_coordinates(pts)
    return xy[:, 0], xy[:, 1]


def _account_columns(snapshot: PlanSnapshot, keys: Sequence[str]) -> dict[str, np.ndarray]:
    """Per-account additive value of each measure except workload."""
    w = snapshot.weights
    n = snapshot.n_accounts
    out: dict[str, np.ndarray] = {}
    for key in keys:
        if key == "accounts":
            out[key] = np.ones(n)
        elif key == "revenue":
            out[key] = np.nan_to_num(w.revenue)
        elif key == "potential":
            out[key] = np.nan_to_num(w.potential)
        elif key in w.extra:
            out[key] = np.nan_to_num(w.extra[key])
        elif key != "workload":
            out[key] = np.zeros(n)
    return out


def _workload_estimate(snapshot: PlanSnapshot, home_km: np.ndarray) -> np.ndarray:
    """Per-account workload hours: visit hours plus an additive share of the travel.

    The balance engine's travel per territory is not a sum over accounts (its tour term
    grows with the square root of the area). Each account gets the tour share of its unit's
    density, ``0.7124 * visits * sqrt(unit area / visited accounts of the unit)`` km, plus
    its commute ``2 * visits * home_km / visits_per_day`` km, times circuity, over speed.
    """
    s = snapshot.settings
    w = snapshot.weights
    visits = np.nan_to_num(w.visits_per_year)
    hours = visits * np.nan_to_num(w.visit_minutes) / 60.0
    unit = snapshot.account_unit
    in_unit = unit >= 0
    nu = snapshot.n_units
    visited = np.bincount(unit[in_unit], weights=(visits[in_unit] > 0), minlength=nu)[:nu]
    step_unit = np.sqrt(snapshot.unit_area_km2 / np.maximum(visited, 1.0))
    total_area = float(snapshot.unit_area_km2.sum())
    fallback = math.sqrt(total_area / max(float((visits > 0).sum()), 1.0)) if nu else 0.0
    step = np.where(in_unit, step_unit[np.maximum(unit, 0)] if nu else fallback, fallback)
    tour = BHH_CONSTANT * visits * step
    commute = 2.0 * visits * home_km / max(s.visits_per_day, 1e-9)
    return np.asarray(hours + s.circuity * (tour + commute) / max(s.speed_kmh, 1e-9))


def _travel_term(
    snapshot: PlanSnapshot,
    balanced: list[str],
    used_t: np.ndarray,
    units: np.ndarray,
    unit_local: np.ndarray,
    follows: np.ndarray,
) -> Travel | None:
    """The balance engine's travel model for the core, scored exactly per move.

    Per taking-part unit: the visits, visited stops and area of what moves with it, and per
    (unit, territory) the commute of its accounts to that territory's rep home; per territory
    the same for the accounts that stay (offsets), the drawn area and the routed travel. The
    core then evaluates ``circuity * (0.7124 * V * sqrt(A / N) + 2 * Σ visits * km /
    visits_per_day) / speed`` for the two territories a move touches: exactly the engine's.
    """
    if "workload" not in balanced or units.size == 0:
        return None
    s = snapshot.settings
    w = snapshot.weights
    k = int(used_t.size)
    nu = int(units.size)
    speed = max(s.speed_kmh, 1e-9)
    per_km = s.circuity / speed
    commute = 2.0 / max(s.visits_per_day, 1e-9) * per_km
    visits = np.nan_to_num(w.visits_per_year)
    stops = (visits > 0).astype(float)
    at = snapshot.account_territory
    au = snapshot.account_unit
    mover = np.flatnonzero(follows)
    mu = unit_local[au[mover]]
    local_of = np.full(snapshot.n_territories, -1, dtype=np.int64)
    local_of[used_t] = np.arange(k)

    def visit_km(idx: np.ndarray, territory: np.ndarray) -> np.ndarray:
        d = haversine_km(
            w.lon[idx], w.lat[idx], snapshot.home_lon[territory], snapshot.home_lat[territory]
        )
        return np.where(np.isfinite(d), d, 0.0) * visits[idx]

    home = np.zeros((nu, k))
    for t_local, t in enumerate(used_t.tolist()):
        if not (np.isfinite(snapshot.home_lon[t]) and np.isfinite(snapshot.home_lat[t])):
            continue  # no rep home yet: no commute (a million distances to NaN cost seconds)
        km = visit_km(mover, np.full(mover.size, t))
        home[:, t_local] = commute * np.bincount(mu, weights=km, minlength=nu)[:nu]
    stay = np.flatnonzero(~follows & (at >= 0))
    stay = stay[local_of[at[stay]] >= 0]
    st = local_of[at[stay]]
    offset = np.column_stack(
        [
            np.bincount(st, weights=visits[stay], minlength=k)[:k],
            np.bincount(st, weights=stops[stay], minlength=k)[:k],
            commute * np.bincount(st, weights=visit_km(stay, at[stay]), minlength=k)[:k],
        ]
    ).reshape(k, 3)
    return Travel(
        measure=balanced.index("workload"),
        visits=np.bincount(mu, weights=visits[mover], minlength=nu)[:nu].astype(float),
        stops=np.bincount(mu, weights=stops[mover], minlength=nu)[:nu].astype(float),
        area=np.asarray(snapshot.unit_area_km2[units], dtype=float),
        home=home,
        tour=BHH_CONSTANT * per_km,
        offset=offset,
        area_fixed=np.asarray(snapshot.area_override[used_t], dtype=float),
        fixed=np.asarray(snapshot.routed_travel_hours[used_t], dtype=float),
    )


def _retarget(table: BalanceTable, n_kept: int, extra: np.ndarray | None = None) -> BalanceTable:
    """The table with each measure's target the total over ``n_kept`` territories.

    ``extra`` adds to each measure's total (per measure of the table), e.g. the accounts a
    create run will share out that no territory holds yet.
    """
    totals = table.values.sum(axis=0)
    if extra is not None:
        totals = totals + extra
    measures = [
        spec if spec.target is not None else replace(spec, target=float(total) / n_kept)
        for spec, total in zip(table.measures, totals, strict=True)
    ]
    targets, deviation, in_band = balance_from_values(table.values, measures)
    return replace(table, targets=targets, deviation=deviation, in_band=in_band)


def _nearest_home_km(snapshot: PlanSnapshot, territories: np.ndarray) -> np.ndarray:
    """Distance (km) from each account to the nearest home of these territories' reps."""
    alon, alat = snapshot.weights.lon, snapshot.weights.lat
    out = np.zeros(snapshot.n_accounts)
    ok = np.isfinite(snapshot.home_lon[territories]) & np.isfinite(snapshot.home_lat[territories])
    if not ok.any():
        return out
    hl = snapshot.home_lon[territories][ok]
    ht = snapshot.home_lat[territories][ok]
    idx = np.flatnonzero(np.isfinite(alon) & np.isfinite(alat))
    for chunk in range(0, idx.size, 20000):
        sl = idx[chunk : chunk + 20000]
        d = haversine_km(alon[sl][:, None], alat[sl][:, None], hl[None, :], ht[None, :])
        out[sl] = d.min(axis=1)
    return out


def _compactness_km(
    xy: np.ndarray,
    weight: np.ndarray,
    assignment: np.ndarray,
    centres: np.ndarray,
    territories: np.ndarray,
) -> float:
    """Weighted mean distance from units to their territory's centre, over ``territories``."""
    sel = np.isin(assignment, territories) & (assignment >= 0)
    if not sel.any():
        return 0.0
    c = centres[assignment[sel]]
    d = np.hypot(xy[sel, 0] - c[:, 0], xy[sel, 1] - c[:, 1])
    wt = weight[sel]
    return float((wt * d).sum() / max(float(wt.sum()), 1e-12))


def _largest_diameter_km(xy: np.ndarray, assignment: np.ndarray, territories: np.ndarray) -> float:
    """Largest distance between two units of one of ``territories`` (0 if none has two)."""
    from planner.optimise.districting import territory_diameters

    k = int(max(assignment.max(initial=-1), territories.max(initial=-1))) + 1
    if k <= 0:
        return 0.0
    d = territory_diameters(xy, assignment, k)
    sel = territories[territories < k]
    return float(d[sel].max()) if sel.size else 0.0


def _centres(
    xy: np.ndarray, weight: np.ndarray, assignment: np.ndarray, homes: np.ndarray, k: int
) -> np.ndarray:
    """Rep home where known, else the weighted centroid of the territory's units."""
    ok = assignment >= 0
    w = weight[ok] + 1e-9
    tot = np.bincount(assignment[ok], weights=w, minlength=k)[:k]
    cx = np.bincount(assignment[ok], weights=w * xy[ok, 0], minlength=k)[:k]
    cy = np.bincount(assignment[ok], weights=w * xy[ok, 1], minlength=k)[:k]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.column_stack([cx / tot, cy / tot])
    empty = tot == 0
    if empty.any():
        out[empty] = xy.mean(axis=0) if len(xy) else 0.0
    has_home = np.all(np.isfinite(homes), axis=1)
    out[has_home] = homes[has_home]
    return out


def _empty_result(
    snapshot: PlanSnapshot,
    options: OptimiseOptions,
    eval_settings: Settings,
    balanced: list[str],
    optimised: np.ndarray,
    message: str,
    start: float,
    run_id: str,
) -> PlanOptimisation:
    import time

    snap = replace(snapshot, settings=eval_settings)
    table = snap.engine(snapshot.account_territory, snapshot.unit_territory).table()
    return PlanOptimisation(
        run_id=run_id,
        options=options,
        change=Change(),
        territory_ids=list(snapshot.territory_ids),
        territory_names=list(snapshot.territory_names),
        optimised=optimised,
        before=table,
        after=table,
        balanced=balanced,
        accounts_moved=0,
        units_moved=0,
        revenue_moved=0.0,
        disruption_accounts=0.0,
        disruption_revenue=0.0,
        compactness_before_km=float("nan"),
        compactness_after_km=float("nan"),
        contiguous_before=0,
        contiguous_after=0,
        messages=[message],
        status="infeasible",
        elapsed=time.perf_counter() - start,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )


@dataclass
class _BaselineBudget:
    """The disruption budget of a run in the core's terms, counted against the baseline.

    The core counts disruption per unit against one territory per unit. Here that territory
    is the one holding most of the unit's accounts in the baseline (``base_local``), and
    the unit's weight is those accounts' (``weight``). Everything the run cannot change is
    a constant already spent: accounts that do not move with their unit and are away from
    their baseline territory (moved by edits since the baseline), and the few accounts of a
    unit whose baseline territory is not the unit's (counted as moved whatever happens, an
    upper bound). ``units_budget`` and ``churn_budget`` are what is left for the units,
    never less than what the start already uses: an exceeded budget allows only moves that
    do not add disruption.
    """

    base_local: np.ndarray
    weight: np.ndarray
    units_budget: float
    churn_budget: np.ndarray | None
    spent: float
    at_baseline: bool
    messages: list[str]


def _baseline_churn(
    snapshot: PlanSnapshot, basis: np.ndarray, alignment: np.ndarray
) -> tuple[float, np.ndarray]:
    """Share of ``basis`` away from the baseline, and each territory's churn against it.

    Churn is what a territory lost plus what it gained, as a fraction of what it held in
    the baseline (of the average territory's, for one that held nothing).
    """
    k = snapshot.n_territories
    base = snapshot.account_baseline
    away = alignment != base
    total = float(basis.sum())
    lost, gained = base[away], alignment[away]
    w = basis[away]
    churn = np.bincount(lost[lost >= 0], weights=w[lost >= 0], minlength=k)[:k]
    churn = churn + np.bincount(gained[gained >= 0], weights=w[gained >= 0], minlength=k)[:k]
    own = np.bincount(base[base >= 0], weights=basis[base >= 0], minlength=k)[:k]
    own = np.where(own > 0, own, float(own[own > 0].mean()) if (own > 0).any() else 1.0)
    return (float(w.sum()) / total if total > 0 else 0.0), churn / own


def _baseline_budget(
    snapshot: PlanSnapshot,
    options: OptimiseOptions,
    basis: np.ndarray,
    follows: np.ndarray,
    units: np.ndarray,
    unit_local: np.ndarray,
    used_t: np.ndarray,
    local_of: np.ndarray,
    cur_local: np.ndarray,
) -> _BaselineBudget:
    at, au = snapshot.account_territory, snapshot.account_unit
    nu, k = units.size, used_t.size
    moving = follows & (at >= 0)
    unit_weight = np.bincount(unit_local[au[moving]], weights=basis[moving], minlength=nu)[:nu]
    if options.mode == "create":
        return _BaselineBudget(cur_local, unit_weight, math.inf, None, 0.0, True, [])
    base = snapshot.account_baseline
    plan_weight = float(basis.sum())
    away = at != base
    spent = float(basis[away].sum())
    base_t = np.where(base >= 0, local_of[np.maximum(base, 0)], -1)
    # Per unit, its accounts' weight per baseline territory; the heaviest one is its
    # baseline territory (ties: the unit's territory now, then the lowest index).
    rows = np.flatnonzero(moving & (base_t >= 0))
    u_of, t_of = unit_local[au[rows]], base_t[rows]
    pair, inverse = np.unique(u_of * k + t_of, return_inverse=True)
    sums = np.bincount(inverse, weights=basis[rows], minlength=pair.size)
    pu, pt = pair // k, pair % k
    order = np.lexsort((pt, pt != cur_local[pu], -sums, pu))
    first = order[np.r_[True, pu[order][1:] != pu[order][:-1]]] if order.size else order
    base_local = cur_local.copy()
    weight = np.zeros(nu)
    base_local[pu[first]] = pt[first]
    weight[pu[first]] = sums[first]
    # Spent whatever the run does: accounts that stay where they are, away from their
    # baseline, and accounts whose baseline is not their unit's.
    constant = float(basis[~follows & away].sum()) + float((unit_weight - weight).sum())
    start_moved = (cur_local != base_local) & (weight > 0)
    start_spent = float(weight[start_moved].sum())
    messages: list[str] = []
    what = "accounts" if options.disruption_basis == "accounts" else "revenue"
    units_budget = math.inf
    if options.max_disruption is not None:
        allowed = options.max_disruption * plan_weight
        units_budget = max(allowed - constant, start_spent)
        if spent > allowed + 1e-9:
            messages.append(
                f"the disruption budget is already spent: {100 * spent / plan_weight:.1f} % of "
                f"{what} are away from the baseline, more than the "
                f"{100 * options.max_disruption:g} % budget; only moves that add no "
                "disruption (or move accounts back) are made"
            )
    churn_budget = None
    if options.max_disruption_per_rep is not None:
        own = np.bincount(base_t[base_t >= 0], weights=basis[base_t >= 0], minlength=k)[:k]
        # A territory without accounts in the baseline (added since) is measured against
        # the average territory's, or it could never gain any.
        own = np.where(own > 0, own, float(own[own > 0].mean()) if (own > 0).any() else 0.0)
        cap = options.max_disruption_per_rep * own
        fixed_away = ~follows & away
        lost_t = base_t[fixed_away]
        gain_t = np.where(at[fixed_away] >= 0, local_of[np.maximum(at[fixed_away], 0)], -1)
        w = basis[fixed_away]
        # Float from the start: bincount of no items returns integers even with weights.
        const_churn = np.zeros(k)
        const_churn += np.bincount(lost_t[lost_t >= 0], weights=w[lost_t >= 0], minlength=k)[:k]
        const_churn += np.bincount(gain_t[gain_t >= 0], weights=w[gain_t >= 0], minlength=k)[:k]
        # Accounts of a unit whose baseline is elsewhere: lost to their baseline territory,
        # gained by the unit's territory now (where it most likely stays).
        odd = np.flatnonzero(moving & (base_t != base_local[np.maximum(unit_local[au], 0)]))
        ot = base_t[odd]
        const_churn += np.bincount(ot[ot >= 0], weights=basis[odd][ot >= 0], minlength=k)[:k]
        here = cur_local[unit_local[au[odd]]]
        const_churn += np.bincount(here[here >= 0], weights=basis[odd][here >= 0], minlength=k)[:k]
        start_churn = np.zeros(k)
        mv = np.flatnonzero(start_moved)
        for t_idx in (base_local[mv], cur_local[mv]):
            ok = t_idx >= 0
            start_churn += np.bincount(t_idx[ok], weights=weight[mv][ok], minlength=k)[:k]
        churn_budget = np.maximum(cap - const_churn, start_churn)
    return _BaselineBudget(
        base_local,
        weight,
        units_budget,
        churn_budget,
        spent / plan_weight if plan_weight > 0 else 0.0,
        bool(np.array_equal(base_local, cur_local)),
        messages,
    )


def optimise_plan(
    snapshot: PlanSnapshot, options: OptimiseOptions, state: TaskState | None = None
) -> PlanOptimisation:
    """Optimise the territories of a plan snapshot.

    Parameters
    ----------
    snapshot : PlanSnapshot
        From :func:`snapshot_plan`, taken on the thread that owns the plan.
    options : OptimiseOptions
    state : TaskState, optional
        Progress (messages carry the best balance so far) and cancellation; on cancel the
        best plan found so far is returned with ``status == "cancelled"``.

    Returns
    -------
    PlanOptimisation
        A request that cannot be served (more territories than there are, every territory
        locked, ...) comes back with ``status == "infeasible"``, an empty change and a
        message, never as an exception.

    Raises
    ------
    OptionsError
        If an option is invalid (a negative tolerance, an unknown measure, ...).
    """
    import time

    from planner.optimise.decompose import solve_territories, use_decomposition
    from planner.optimise.districting import (
        WALL_GRACE,
        WALL_SAFETY,
        WORK_PER_SECOND,
        work_ticks,
    )

    start = time.perf_counter()
    work_start = work_ticks()
    run_id = uuid.uuid4().hex[:12]
    settings = snapshot.settings
    options.validate(settings, snapshot.n_territories)
    new_rows: list[dict[str, object]] = []
    if options.mode == "create" and snapshot.n_territories == 0 and options.territories:
        # A freshly imported plan: the run creates the territories it fills.
        snapshot, new_rows = _with_new_territories(snapshot, options.territories)
    k_all = snapshot.n_territories
    keys = [m.key for m in settings.measures]
    balanced = [k for k in keys if options.measures is None or k in options.measures]
    eval_settings = replace(
        settings,
        measures=[replace(spec, tolerance=options.tolerance(spec)) for spec in settings.measures],
    )
    specs = [eval_settings.measure(k) for k in balanced]
    locked_t = snapshot.territory_locked
    if options.mode == "subset":
        chosen = np.zeros(k_all, dtype=bool)
        chosen[list(options.subset)] = True
    else:
        chosen = np.ones(k_all, dtype=bool)
    messages: list[str] = []
    if (chosen & locked_t).any():
        names = [snapshot.territory_names[t] for t in np.flatnonzero(chosen & locked_t)]
        messages.append(f"locked territories stay as they are: {', '.join(names)}")
    pool_t = np.flatnonzero(chosen & ~locked_t)

    def refuse(message: str) -> PlanOptimisation:
        optimised = np.zeros(k_all, dtype=bool)
        optimised[pool_t] = True
        out = _empty_result(
            snapshot, options, eval_settings, balanced, optimised, message, start, run_id
        )
        out.messages = [*messages, message]
        return out

    if state is not None:
        state.report(0.0, "preparing the units, their measures and neighbours")
    if snapshot.n_units == 0:
        return refuse("the plan has no units: the optimiser assigns units (ZIP areas, counties)")
    if snapshot.n_accounts and not np.isfinite(snapshot.weights.lon).any():
        return refuse("no account has a location: nothing to optimise")
    if snapshot.n_accounts and snapshot.account_held.all():
        return refuse("every account is locked, pinned or in a locked territory: nothing can move")
    shapeless = np.array(
        [g is None or shapely.is_empty(g) for g in snapshot.unit_geometry], dtype=bool
    )
    if shapeless.any():
        ids = [str(u) for u in snapshot.unit_ids[shapeless][:5]]
        return refuse(
            f"{int(shapeless.sum()):,} unit(s) have no shape ({', '.join(ids)}"
            f"{', …' if shapeless.sum() > 5 else ''}): the optimiser needs every unit's polygon"
        )
    if k_all == 0 and options.mode == "create":
        return refuse(
            "the plan has no territories: say how many to create (--territories N); "
            "`planner capacity` suggests a number"
        )
    if pool_t.size == 0:
        return refuse("every territory the request names is locked: nothing can change")
    create = options.mode == "create"
    used_t = pool_t
    if create and options.territories is not None:
        if options.territories > pool_t.size:
            return refuse(
                f"{options.territories} territories requested but the plan has only "
                f"{pool_t.size} unlocked territories: add territories (and reps) first"
            )
        # Keep territories holding locked units, then those with a rep home, in plan order.
        has_locked = np.zeros(k_all, dtype=bool)
        lu = snapshot.unit_territory[snapshot.unit_locked & (snapshot.unit_territory >= 0)]
        has_locked[lu] = True
        home_ok = np.isfinite(snapshot.home_lon) & np.isfinite(snapshot.home_lat)
        order = sorted(pool_t.tolist(), key=lambda t: (not has_locked[t], not home_ok[t], t))
        if int(has_locked[pool_t].sum()) > options.territories:
            return refuse(
                f"{int(has_locked[pool_t].sum())} territories hold locked units, more than the "
                f"{options.territories} requested"
            )
        used_t = np.sort(np.asarray(order[: options.territories], dtype=np.int64))
        dropped = sorted(set(pool_t.tolist()) - set(used_t.tolist()))
        if dropped:
            messages.append(
                f"{len(dropped)} territories are left empty: "
                + ", ".join(snapshot.territory_names[t] for t in dropped)
            )
    k = int(used_t.size)
    # Territories left empty do not count in the targets: each kept one takes its share.
    n_kept = k_all - (pool_t.size - k)
    local_of = np.full(k_all, -1, dtype=np.int64)
    local_of[used_t] = np.arange(k)

    # Units taking part: those of the pool territories, plus unassigned ones (not in subset
    # mode: it leaves everything outside the chosen territories alone).
    ut = snapshot.unit_territory
    in_pool = np.isin(ut, pool_t)
    if options.mode != "subset":
        in_pool |= ut < 0
    in_pool &= ~(snapshot.unit_locked & (ut < 0))
    units = np.flatnonzero(in_pool)
    nu = units.size
    if nu < k:
        return refuse(f"{k} territories to fill but only {nu} units can move")
    unit_local = np.full(snapshot.n_units, -1, dtype=np.int64)
    unit_local[units] = np.arange(nu)

    # Accounts that move with their unit; every other account is a fixed offset.
    at = snapshot.account_territory
    au = snapshot.account_unit
    in_unit = au >= 0
    unit_t = np.where(in_unit, ut[np.maximum(au, 0)], UNASSIGNED)
    follows = in_unit & ~snapshot.account_held & (unit_local[np.maximum(au, 0)] >= 0)
    if create:
        follows &= (at < 0) | np.isin(at, pool_t)
        outside = int(np.count_nonzero((at < 0) & ~in_unit))
        if outside:
            messages.append(
                f"{outside:,} Unassigned accounts lie in no unit (outside every unit, or "
                "unplaced) and stay Unassigned"
            )
        held = int(np.count_nonzero((at < 0) & in_unit & snapshot.account_held))
        if held:
            messages.append(f"{held:,} Unassigned accounts are locked or pinned and stay so")
    else:
        follows &= (at >= 0) & (at == unit_t)

    # Geometry in km.
    ulon, ulat = _unit_centroids(snapshot)
    lon0, lat0 = float(np.nanmean(ulon)), float(np.nanmean(ulat))
    uxy = _project_km(ulon, ulat, lon0, lat0)
    homes = _project_km(snapshot.home_lon, snapshot.home_lat, lon0, lat0)
    home_ok = np.all(np.isfinite(homes), axis=1)

    snap_eval = replace(snapshot, settings=eval_settings)

    def balance_of(account_t: np.ndarray, unit_t: np.ndarray) -> BalanceTable:
        table = snap_eval.engine(account_t, unit_t).table()
        return table if n_kept == k_all else _retarget(table, n_kept)

    m = len(balanced)
    tol = np.array([spec.tolerance for spec in specs])
    columns = _account_columns(snapshot, balanced)
    visit_hours = (
        np.nan_to_num(snapshot.weights.visits_per_year)
        * np.nan_to_num(snapshot.weights.visit_minutes)
        / 60.0
    )
    alon, alat = snapshot.weights.lon, snapshot.weights.lat
    nearest_km = _nearest_home_km(snapshot, used_t)
    # Create mode shares out every account that moves with a unit, Unassigned ones too (a
    # freshly imported plan has nothing else): they count in the targets from the start.
    newcomers = follows & (at < 0) if create else np.zeros(snapshot.n_accounts, dtype=bool)
    keys_all = [spec.key for spec in eval_settings.measures]
    newcomer_totals = np.zeros(len(keys_all))
    if newcomers.any():
        every = _account_columns(snapshot, keys_all)
        if "workload" in keys_all:
            every["workload"] = _workload_estimate(snapshot, nearest_km)
        newcomer_totals = np.array([float(every[key][newcomers].sum()) for key in keys_all])
    before = balance_of(at, ut)
    if newcomers.any():
        before = _retarget(before, n_kept, newcomer_totals)
    cols = [before.column(key) for key in balanced]

    def per_account_values(alignment: np.ndarray) -> np.ndarray:
        """Per-account measure values, workload estimated with the alignment's rep homes."""
        if "workload" in balanced:
            home_km = nearest_km.copy()
            if not create or alignment is not at:
                own = np.isfinite(alon) & np.isfinite(alat) & (alignment >= 0)
                own[own] = home_ok[alignment[own]]
                home_km[own] = haversine_km(
                    alon[own],
                    alat[own],
                    snapshot.home_lon[alignment[own]],
                    snapshot.home_lat[alignment[own]],
                )
            columns["workload"] = _workload_estimate(snapshot, home_km)
        return np.column_stack([columns[key] for key in balanced])

    def totals(values: np.ndarray, rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
        sel = mask & (rows >= 0)
        return np.column_stack(
            [
                np.bincount(rows[sel], weights=values[sel, j], minlength=k_all)[:k_all]
                for j in range(m)
            ]
        ).reshape(k_all, m)

    # Locks, the current alignment in local territory numbers, and the disruption weights.
    cur_local = np.where(ut[units] >= 0, local_of[np.maximum(ut[units], 0)], -1)
    fixed = np.where(snapshot.unit_locked[units], cur_local, -1)
    basis = (
        np.ones(snapshot.n_accounts)
        if options.disruption_basis == "accounts"
        else np.nan_to_num(snapshot.weights.revenue)
    )
    budget = _baseline_budget(
        snapshot, options, basis, follows, units, unit_local, used_t, local_of, cur_local
    )
    messages += budget.messages
    base_local, dweight = budget.base_local, budget.weight
    sub_weight = float(dweight.sum())
    max_disruption = None
    churn_budget = None
    if not create and options.max_disruption is not None:
        # The core's budget is a fraction of the units' weight; the planner's, of the plan's.
        max_disruption = budget.units_budget / sub_weight if sub_weight > 0 else 0.0
    if not create and options.max_disruption_per_rep is not None:
        churn_budget = budget.churn_budget
    if create and (options.max_disruption is not None or options.max_disruption_per_rep):
        messages.append("the disruption budget applies to rebalance and subset runs, not create")

    # Centres: rep homes (create seeds there); without every home, centroids follow.
    centres = homes[used_t] if home_ok[used_t].all() else None
    if centres is None and create and not home_ok[used_t].any():
        messages.append(
            "no territory has a rep home: seeded at well-spread centres of the units' "
            "measures (p-median), with a suggested home per territory"
        )
    elif centres is None and create:
        messages.append("some territories have no rep home: seeds chosen by p-median instead")
    elif centres is None:
        # Fixed for the run: the homes that exist, the current centroids for the rest.
        weight = np.bincount(unit_local[au[follows]], minlength=nu)[:nu] + 1e-9
        centres = _centres(uxy[units], weight, cur_local, homes[used_t], k)
    visits = np.nan_to_num(snapshot.weights.visits_per_year)
    cweight = np.asarray(
        np.bincount(unit_local[au[follows]], weights=visits[follows], minlength=nu)[:nu], float
    )
    cweight = cweight + 0.05 * max(float(cweight.mean()), 1e-9)

    adjacency = snapshot.adjacency()
    e = adjacency.edges()
    keep = (unit_local[e[:, 0]] >= 0) & (unit_local[e[:, 1]] >= 0)
    sub_adjacency = Adjacency.from_edges(nu, unit_local[e[keep]])

    n_free = int(np.count_nonzero(fixed < 0))
    exact = options.exact
    if exact is None:
        exact = n_free <= EXACT_MAX_UNITS and k <= EXACT_MAX_TERRITORIES

    def evaluate(local: np.ndarray) -> tuple[np.ndarray, np.ndarray, BalanceTable]:
        new_ut = ut.copy()
        new_ut[units] = used_t[local]
        new_at = at.copy()
        new_at[follows] = new_ut[au[follows]]
        return new_at, new_ut, balance_of(new_at, new_ut)

    def badness(table: BalanceTable) -> tuple[int, float]:
        """Bands missed over the optimised territories, then how far outside in all."""
        dev = np.abs(table.deviation[used_t][:, cols])
        out = np.maximum(np.nan_to_num(dev, posinf=1e9) - tol[None, :], 0.0)
        return int(np.count_nonzero(out > 1e-12)), float(out.sum())

    # Rounds: the search balances estimated workload; between rounds the estimate is
    # recalibrated per territory against the plan's own travel model on the latest result
    # and the search continues from it (docs/optimiser.md, "Workload during the search").
    # Estimated workload is searched in a slightly narrower band, so the estimate's error
    # does not carry territories just past the real band's edge.
    travel = _travel_term(snapshot, balanced, used_t, units, unit_local, follows)
    search_tol = tol.copy()
    if "workload" in balanced:
        margin = WORKLOAD_MARGIN if travel is None else TARGET_MARGIN
        search_tol[balanced.index("workload")] *= 1.0 - margin
    align_at, align_ut = at, ut
    table_now = before
    local: np.ndarray | None = None
    best: tuple[tuple[int, float], np.ndarray, np.ndarray, np.ndarray, BalanceTable] | None = None
    result = None
    rounds = 1 if "workload" not in balanced else MAX_ROUNDS
    # A rebalance of a national plan (decomposed: transfers across the territory graph)
    # with the exact travel term: one round on the whole limit. The later rounds only
    # re-centre the workload target; on the national rebalance they planned fewer in band
    # than the first and cost 190-300 s of wall for nothing (docs/optimiser.md, "National
    # rebalance, fourth round").
    one_round = (
        options.mode == "rebalance"
        and travel is not None
        and use_decomposition(options.decompose, int(np.count_nonzero(fixed < 0)), k)
    )
    if one_round:
        rounds = 1
    for r in range(rounds):
        # Rounds share the time limit as counted work (the core's deterministic clock), so
        # the machine's load does not change how the time is shared, nor the plan; the wall
        # clock only stops a run far past its limit.
        left = options.time_limit - (work_ticks() - work_start) / WORK_PER_SECOND
        if r > 0 and (
            left < 0.5
            or (state is not None and state.is_cancelled())
            or time.perf_counter() - start > WALL_SAFETY * options.time_limit + WALL_GRACE
        ):
            break
        # Later rounds recalibrate the workload estimate; with the exact travel term there is
        # nothing to recalibrate and the first round takes nearly all the time.
        first = 0.6 if travel is None else 1.0 if one_round else 0.9
        share = first if r == 0 else 1.0 / (rounds - r)
        limit = max(0.5, left * share)
        values = per_account_values(align_at)
        real = table_now.values[:, cols]
        est = totals(values, align_at, np.ones(snapshot.n_accounts, dtype=bool))
        ratio = np.ones((k_all, m))
        if "workload" in balanced:
            j = balanced.index("workload")
            if create and r == 0:
                # Territories will not resemble today's: one factor for the whole plan.
                factor = float(real[pool_t, j].sum()) / max(float(est[pool_t, j].sum()), 1e-12)
                ratio[:, j] = factor if factor > 0 else 1.0
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    rt = np.where(est[:, j] > 0, real[:, j] / est[:, j], 1.0)
                ratio[:, j] = np.clip(np.nan_to_num(rt, nan=1.0), 0.5, 2.0)
        # Accounts still Unassigned in this round's starting alignment join territories.
        joining = newcomers & (align_at < 0)
        joining_total = (
            values[joining].sum(axis=0) * ratio[used_t[0]] if joining.any() else np.zeros(m)
        )
        targets = np.array(
            [
                spec.target
                if spec.target is not None
                else (float(real[:, j].sum()) + float(joining_total[j])) / n_kept
                for j, spec in enumerate(specs)
            ]
        )
        # With the travel term the core scores workload exactly: its additive part is the
        # visit hours and no calibration is needed.
        search_values = values
        band_ratio = ratio
        if travel is not None:
            search_values = values.copy()
            search_values[:, balanced.index("workload")] = visit_hours
            band_ratio = np.ones((k_all, m))
        # Fixed offsets per territory: accounts that stay whatever happens to the units.
        offset = totals(search_values, at, ~follows)
        lo = (targets * (1 - search_tol))[None, :] / band_ratio[used_t] - offset[used_t]
        hi = (targets * (1 + search_tol))[None, :] / band_ratio[used_t] - offset[used_t]
        mid = targets[None, :] / band_ratio[used_t] - offset[used_t]

        def per_unit(v: np.ndarray) -> np.ndarray:
            return np.maximum(
                np.column_stack(
                    [
                        np.bincount(unit_local[au[follows]], weights=v[follows, j], minlength=nu)[
                            :nu
                        ]
                        for j in range(m)
                    ]
                ).reshape(nu, m),
                0.0,
            )

        x = per_unit(values)
        x_search = x if travel is None else per_unit(search_values)
        refine = r > 0
        sub_state = state.sub(r / rounds, (r + 1) / rounds) if state is not None else None
        result = solve_territories(
            x_search,
            sub_adjacency,
            uxy[units],
            k,
            mode="create" if create and not refine else "rebalance",
            centres=centres,
            bands=(lo, hi),
            targets=mid,
            locked=fixed,
            current=(local if create else base_local) if (refine or not create) else None,
            initial=local if refine else (None if create or budget.at_baseline else cur_local),
            border_model=None if refine or create else True,
            max_disruption=max_disruption,
            disruption_weight=dweight,
            churn_budget=churn_budget,
            compactness_weight=cweight,
            objective=options.compactness,
            contiguity=options.contiguity,
            measure_names=[spec.label for spec in specs],
            seed=options.seed + r,
            time_limit=limit,
            exact=exact,
            exact_time_limit=max(0.5, limit / 3),
            reproducible=True,
            travel=travel,
            state=sub_state,
            decompose=options.decompose,
        )
        if r == 0:
            messages += [_localise(msg, snapshot, used_t) for msg in result.messages]
        if result.status == "infeasible":
            return refuse("; ".join(messages) or "the request cannot be served")
        local = result.assignment
        align_at, align_ut, table_now = evaluate(local)
        score = badness(table_now)
        if best is None or score < best[0]:
            best = (score, local.copy(), align_at, align_ut, table_now)
        if score[0] == 0 or result.status == "cancelled":
            break
    assert best is not None and result is not None
    _, local, new_at, new_ut, after = best

    # Back to the plan: the new unit and account alignment and the change.
    moved_units = units[new_ut[units] != ut[units]]
    moved_accounts = np.flatnonzero(new_at != at)
    change = Change.build(
        moved_accounts,
        at[moved_accounts],
        new_at[moved_accounts],
        moved_units,
        ut[moved_units],
        new_ut[moved_units],
    )

    revenue = np.nan_to_num(snapshot.weights.revenue)
    changed = new_at != at
    total_revenue = float(revenue.sum())
    # Compactness and contiguity over the optimised territories.
    unit_accounts = np.bincount(au[in_unit], minlength=snapshot.n_units)[: snapshot.n_units]
    cw_all = unit_accounts.astype(float) + 1e-9
    centres_before = _centres(uxy, cw_all, ut, homes, k_all)
    centres_after = _centres(uxy, cw_all, new_ut, homes, k_all)
    lists = adjacency.to_lists()

    def contiguous(assign: np.ndarray) -> int:
        return sum(
            1 for t in used_t.tolist() if n_pieces(lists, np.flatnonzero(assign == t).tolist()) <= 1
        )

    optimised = np.zeros(k_all, dtype=bool)
    optimised[pool_t] = True
    out = PlanOptimisation(
        run_id=run_id,
        options=options,
        change=change,
        territory_ids=list(snapshot.territory_ids),
        territory_names=list(snapshot.territory_names),
        optimised=optimised,
        before=before,
        after=after,
        balanced=balanced,
        accounts_moved=int(changed.sum()),
        units_moved=int(moved_units.size),
        revenue_moved=float(revenue[changed].sum()),
        disruption_accounts=float(changed.sum()) / max(snapshot.n_accounts, 1),
        disruption_revenue=float(revenue[changed].sum()) / total_revenue if total_revenue else 0.0,
        compactness_before_km=_compactness_km(uxy, cw_all, ut, centres_before, pool_t),
        compactness_after_km=_compactness_km(uxy, cw_all, new_ut, centres_after, pool_t),
        contiguous_before=contiguous(ut),
        contiguous_after=contiguous(new_ut),
        diameter_before_km=_largest_diameter_km(uxy, ut, pool_t),
        diameter_after_km=_largest_diameter_km(uxy, new_ut, pool_t),
        messages=messages,
        status=result.status,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    # With the exact travel term a workload miss the core did not see is the target moving.
    estimated = ratio if travel is None else np.ones_like(ratio)
    out.shortfalls = _shortfalls(out, result, used_t, units, snapshot, specs, estimated)
    if out.status in ("ok", "bands_not_met", "not_contiguous"):
        # The status speaks of the plan's own figures, as the table and shortfalls do (the
        # core's may differ: it searched with estimated targets).
        if out.shortfalls:
            out.status = "bands_not_met"
        elif out.contiguous_after < k:
            out.status = "not_contiguous"
        else:
            out.status = "ok"
    out.new_territories = new_rows
    out.baseline_before = budget.spent
    out.baseline_after, churn = _baseline_churn(snapshot, basis, new_at)
    out.worst_rep_after = float(churn[pool_t].max()) if pool_t.size else 0.0
    if create:
        out.suggested_homes = _suggest_homes(
            snapshot,
            used_t,
            new_ut,
            x[:, balanced.index("workload")] if "workload" in balanced else None,
            units,
            unit_local,
            ulon,
            ulat,
            uxy,
        )
    for t, home in out.suggested_homes.items():
        if t < len(new_rows):
            new_rows[t]["home_lon"], new_rows[t]["home_lat"] = home.lon, home.lat
    out.moves = _explain(
        out,
        snapshot,
        units,
        ut,
        new_ut,
        moved_accounts,
        at,
        new_at,
        x,
        unit_local,
        ratio,
        uxy,
        centres_before,
        centres_after,
    )
    if state is not None:
        state.report(1.0, f"done: {out.in_band_after} of {out.n_optimised} territories in band")
    out.elapsed = time.perf_counter() - start
    return out


def created_territory_id(i: int) -> str:
    """Id of the ``i``-th (0-based) territory a create run makes on an empty plan: T001…"""
    return f"T{i + 1:03d}"


def _with_new_territories(
    snapshot: PlanSnapshot, n: int
) -> tuple[PlanSnapshot, list[dict[str, object]]]:
    """The snapshot with ``n`` new, empty, unlocked territories without reps, and their rows."""
    from planner.models.schema import palette_color

    rows: list[dict[str, object]] = [
        {
            "territory_id": created_territory_id(i),
            "name": f"Territory {i + 1}",
            "color": palette_color(i),
            "locked": False,
            "geometry_source": "units",
            "home_lon": float("nan"),
            "home_lat": float("nan"),
        }
        for i in range(n)
    ]
    nan = np.full(n, np.nan)
    extended = replace(
        snapshot,
        territory_ids=tuple(str(r["territory_id"]) for r in rows),
        territory_names=tuple(str(r["name"]) for r in rows),
        territory_locked=np.zeros(n, dtype=bool),
        home_lon=nan.copy(),
        home_lat=nan.copy(),
        area_override=nan.copy(),
        routed_travel_hours=nan.copy(),
    )
    return extended, rows


def _suggest_homes(
    snapshot: PlanSnapshot,
    used_t: np.ndarray,
    new_ut: np.ndarray,
    unit_workload: np.ndarray | None,
    units: np.ndarray,
    unit_local: np.ndarray,
    ulon: np.ndarray,
    ulat: np.ndarray,
    uxy: np.ndarray,
) -> dict[int, SuggestedHome]:
    """A home per filled territory without a rep: its workload centre snapped to its units.

    The centre is the mean of the territory's unit centroids weighted by workload (else by
    accounts); the home is the centroid of the territory's unit nearest to it, so it lies
    inside the territory even when the territory is not convex.
    """
    au = snapshot.account_unit
    inside = au >= 0
    weight = np.zeros(snapshot.n_units)
    if unit_workload is not None:
        weight[units] = unit_workload
    else:
        weight += np.bincount(au[inside], minlength=snapshot.n_units)[: snapshot.n_units]
    weight += 1e-9
    out: dict[int, SuggestedHome] = {}
    for t in used_t.tolist():
        if np.isfinite(snapshot.home_lon[t]) and np.isfinite(snapshot.home_lat[t]):
            continue
        members = np.flatnonzero(new_ut == t)
        if members.size == 0:
            continue
        w = weight[members]
        centre = (uxy[members] * w[:, None]).sum(axis=0) / w.sum()
        nearest = members[int(np.argmin(np.hypot(*(uxy[members] - centre).T)))]
        out[t] = SuggestedHome(
            float(ulon[nearest]), float(ulat[nearest]), str(snapshot.unit_ids[nearest])
        )
    return out


def add_created_territories(plan: Plan, result: PlanOptimisation) -> list[int]:
    """Add the territories a create run made (``result.new_territories``) to ``plan``.

    Call it before applying ``result.change``, whose territory indices count them. The
    territories get ``home_lon``/``home_lat`` columns holding the suggested rep home, so a
    rep can be assigned later; other territories have NaN there.

    Returns
    -------
    list of int
        Indices of the added territories (remove them in reverse order to undo).
    """
    added: list[int] = []
    if not result.new_territories:
        return added
    if plan.n_territories:
        raise ValueError("created territories go into a plan without territories")
    for column in ("home_lon", "home_lat"):
        # An extra territory column, kept by the plan file like any imported column.
        plan.add_territory_column(column)
    for row in result.new_territories:
        index = plan.n_territories
        plan.insert_territory(index, dict(row))
        added.append(index)
    return added


def remove_created_territories(plan: Plan, added: Sequence[int]) -> None:
    """Undo :func:`add_created_territories` (after the change has been undone).

    Raises
    ------
    ValueError
        If accounts or units are still assigned to one of them.
    """
    for index in sorted(added, reverse=True):
        plan.remove_territory(index)


def _localise(message: str, snapshot: PlanSnapshot, used_t: np.ndarray) -> str:
    """Replace the core's local territory numbers ("territory 3") by territory names."""
    import re

    def name(match: re.Match[str]) -> str:
        t = int(match.group(1))
        return snapshot.territory_names[int(used_t[t])] if 0 <= t < used_t.size else match.group(0)

    return re.sub(r"territory (\d+)", name, message)


def _shortfalls(
    out: PlanOptimisation,
    result: object,
    used_t: np.ndarray,
    units: np.ndarray,
    snapshot: PlanSnapshot,
    specs: list[MeasureSpec],
    ratio: np.ndarray,
) -> list[PlanShortfall]:
    """Bands missed by the plan's own figures, with the core's blockers where it saw them."""
    from planner.optimise.districting import DistrictingResult

    assert isinstance(result, DistrictingResult)
    blockers: dict[tuple[int, int], list[str]] = {}
    for s in result.shortfalls:
        t = int(used_t[s.territory])
        texts = []
        for b in s.blockers:
            detail = _localise(b.detail, snapshot, used_t)
            if b.units:
                ids = ", ".join(str(snapshot.unit_ids[units[u]]) for u in b.units[:5])
                detail += f" (units {ids}{', …' if len(b.units) > 5 else ''})"
            texts.append(detail)
        blockers[(t, s.measure)] = texts
    table = out.after
    found: list[PlanShortfall] = []
    for j, spec in enumerate(specs):
        col = table.column(spec.key)
        target = float(table.targets[col])
        lower, upper = target * (1 - spec.tolerance), target * (1 + spec.tolerance)
        for t in np.flatnonzero(out.optimised).tolist():
            if table.in_band[t, col]:
                continue
            value = float(table.values[t, col])
            amount = value - upper if value > upper else lower - value
            why = blockers.get((t, j))
            if why is None and t not in used_t:
                why = ["the territory was left empty (fewer territories requested)"]
            if why is None and spec.key == "workload" and not np.all(ratio == 1.0):
                why = [
                    "travel is estimated per unit during the search; the plan's travel model "
                    "puts this territory's workload outside the band"
                ]
            if why is None:
                why = ["the target moved: travel changes the mean workload once units move"]
            dev = table.deviation[t, col]
            found.append(
                PlanShortfall(
                    territory=t,
                    territory_name=snapshot.territory_names[t],
                    measure=spec.key,
                    measure_label=spec.label,
                    value=value,
                    target=target,
                    lower=lower,
                    upper=upper,
                    amount=float(amount),
                    deviation_pct=float(100 * dev) if np.isfinite(dev) else float("inf"),
                    blockers=tuple(why),
                )
            )
    return found


def _explain(
    out: PlanOptimisation,
    snapshot: PlanSnapshot,
    units: np.ndarray,
    ut: np.ndarray,
    new_ut: np.ndarray,
    moved_accounts: np.ndarray,
    at: np.ndarray,
    new_at: np.ndarray,
    x: np.ndarray,
    unit_local: np.ndarray,
    ratio: np.ndarray,
    uxy: np.ndarray,
    centres_before: np.ndarray,
    centres_after: np.ndarray,
) -> list[MoveRecord]:
    """One record per moved unit (which measures it helped, the km it saved) and account."""
    table = out.after
    cols = [table.column(key) for key in out.balanced]
    values = table.values[:, cols]
    targets = np.maximum(table.targets[cols], 1e-12)
    labels = [table.measures[c].label for c in cols]
    tol = np.array([table.measures[c].tolerance for c in cols])
    names = snapshot.territory_names
    records: list[MoveRecord] = []
    unit_reason: dict[int, str] = {}
    moved_units = units[new_ut[units] != ut[units]]
    for u in moved_units.tolist():
        a, b = int(ut[u]), int(new_ut[u])
        if a < 0:
            reason = "was unassigned; joins the neighbouring territory"
        else:
            xu = x[unit_local[u]]
            # Counterfactual: the final plan with only this unit put back.
            va, vb = values[a], values[b]
            ba, bb = va + xu * ratio[a], vb - xu * ratio[b]
            gain = (
                np.abs(ba - targets)
                + np.abs(bb - targets)
                - np.abs(va - targets)
                - np.abs(vb - targets)
            )
            parts = []
            dba, dva = 100 * (ba / targets - 1), 100 * (va / targets - 1)
            dbb, dvb = 100 * (bb / targets - 1), 100 * (vb / targets - 1)
            for j in np.flatnonzero(gain > 1e-9 * targets).tolist():
                band = 100 * tol[j] + 1e-9
                into = [
                    names[t]
                    for t, was, now in ((a, dba[j], dva[j]), (b, dbb[j], dvb[j]))
                    if abs(now) <= band < abs(was)
                ]
                text = (
                    f"{labels[j]}: {names[a]} {dba[j]:+.1f} % → {dva[j]:+.1f} %, "
                    f"{names[b]} {dbb[j]:+.1f} % → {dvb[j]:+.1f} %"
                )
                if into:
                    text += f" (brings {' and '.join(into)} into band)"
                parts.append(text)
            da = float(np.hypot(*(uxy[u] - centres_after[a]))) if a >= 0 else 0.0
            db = float(np.hypot(*(uxy[u] - centres_after[b])))
            if da - db > 0.05:
                parts.append(f"{da - db:.1f} km nearer its new territory's centre")
            if not parts:
                parts.append("keeps its new territory connected for the other moves")
            reason = "; ".join(parts)
        unit_reason[u] = reason
        records.append(MoveRecord("unit", u, str(snapshot.unit_ids[u]), a, b, reason))
    au = snapshot.account_unit
    for i in moved_accounts.tolist():
        u = int(au[i])
        if u >= 0 and u in unit_reason:
            reason = f"moves with its unit {snapshot.unit_ids[u]}"
        elif u >= 0:
            reason = f"joins the territory of its unit {snapshot.unit_ids[u]}"
        else:
            reason = "reassigned by the optimiser"
        records.append(
            MoveRecord(
                "account", i, str(snapshot.account_ids[i]), int(at[i]), int(new_at[i]), reason
            )
        )
    return records


# ------------------------------------------------------------------------------------------
# Saving with the plan


def record_moves(
    plan: Plan, result: PlanOptimisation, scenario: str | None = None
) -> pd.DataFrame | None:
    """Append the run's explanations to ``plan.tables["optimiser_moves"]``.

    One row per moved unit and account: run_id, created, scenario (``None`` when the run was
    applied to the plan), kind (``unit`` or ``account``), item_id, from_territory_id,
    to_territory_id, reason. Returns the previous table (``None`` when there was none), so
    an undo can put it back with :func:`forget_moves`.
    """
    previous = plan.tables.get(MOVES_TABLE)
    frame = result.moves_frame(scenario)
    plan.replace_tables(
        {
            MOVES_TABLE: frame
            if previous is None
            else pd.concat([previous, frame], ignore_index=True)
        }
    )
    return previous


def forget_moves(plan: Plan, previous: pd.DataFrame | None) -> None:
    """Undo :func:`record_moves`: restore the table it returned."""
    plan.replace_tables({MOVES_TABLE: previous})


def store_scenario(plan: Plan, result: PlanOptimisation, name: str, description: str = "") -> None:
    """Store the proposed alignment as a named scenario, leaving the plan's alignment as is.

    The model stores it (:func:`planner.models.scenarios.write_scenario`, source
    ``optimiser``), so its rules apply: a scenario of the same name is replaced, and the
    names it reserves for the plan's own alignments (``current``, ``baseline``) are refused.

    Raises
    ------
    ScenarioError
        If ``name`` is empty or reserved (a ``ValueError``); nothing is stored.
    """
    from planner.models.scenarios import write_scenario

    change = result.change
    at = plan.account_territory.copy()
    ut = plan.unit_territory.copy()
    at[change.account_indices] = change.account_after
    ut[change.unit_indices] = change.unit_after
    text = description or (
        f"{result.options.mode} run {result.run_id}: {result.in_band_after} of "
        f"{result.n_optimised} territories in band, {100 * result.disruption_accounts:.1f} % of "
        "accounts moved"
    )
    write_scenario(plan, name, at, ut, source="optimiser", description=text)


__all__ = [
    "DEFAULT_MAX_DISRUPTION_PER_REP",
    "MODES",
    "MOVES_TABLE",
    "MoveRecord",
    "OptimiseOptions",
    "OptionsError",
    "PlanOptimisation",
    "PlanShortfall",
    "PlanSnapshot",
    "SuggestedHome",
    "add_created_territories",
    "created_territory_id",
    "forget_moves",
    "optimise_plan",
    "record_moves",
    "remove_created_territories",
    "snapshot_plan",
    "store_scenario",
]
