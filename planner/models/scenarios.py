"""Named scenarios of a plan and their side-by-side comparison.

A scenario is a whole alignment: a territory for every account and unit. Two names are
always available: ``current`` (the plan's live alignment) and ``baseline`` (the alignment
of record, from each account's ``baseline_territory_id``). Further scenarios (proposals,
made by editing or by an optimiser run) are stored in two plan tables, so save and open
keep them: ``scenarios`` (scenario, created, source, description) and
``scenario_assignments`` (scenario, kind ``account`` or ``unit``, item_id, territory_id;
``None`` = Unassigned), the storage ``planner optimise --scenario`` writes.

:func:`compare_scenarios` computes every figure from the alignment arrays with
``np.bincount`` over the balance engine's per-account weights; the plan is not modified.
Workload takes routed travel for every territory, in any scenario, whose accounts are the
ones its routes were planned for (the same membership fingerprint), else the estimate.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from planner.models.assignment import UNASSIGNED, Change
from planner.models.balance import (
    COL_HOME_KM,
    COL_REVENUE,
    COL_VISITS,
    BalanceEngine,
    balance_from_values,
    membership_fingerprints,
)
from planner.models.geo import hull_area_km2
from planner.models.plan import Plan

#: Plan tables holding stored scenarios (the same as the optimiser's ``store_scenario``).
SCENARIOS_TABLE = "scenarios"
SCENARIO_ASSIGNMENTS_TABLE = "scenario_assignments"
#: Names always available: the live alignment and the alignment of record.
CURRENT = "current"
BASELINE = "baseline"
RESERVED = (CURRENT, BASELINE)


class ScenarioError(ValueError):
    """A scenario name is unknown, empty or already taken."""


# -- storage ---------------------------------------------------------------------------


def stored_scenarios(plan: Plan) -> list[str]:
    """Names of the scenarios stored in the plan's tables, in the order they were added.

    The ``scenarios`` table lists them; without it, the names in the assignments table.
    """
    meta = plan.tables.get(SCENARIOS_TABLE)
    names: list[str] = []
    if meta is not None and "scenario" in meta:
        names = [str(n) for n in meta["scenario"]]
    else:
        rows = plan.tables.get(SCENARIO_ASSIGNMENTS_TABLE)
        if rows is not None and "scenario" in rows:
            names = [str(n) for n in pd.unique(rows["scenario"])]
    return [n for n in dict.fromkeys(names) if n not in RESERVED]


def scenario_names(plan: Plan) -> list[str]:
    """Every scenario name: ``current``, ``baseline``, then the stored ones."""
    return [CURRENT, BASELINE, *stored_scenarios(plan)]


def check_scenario_name(name: str) -> str:
    """The name a new scenario would be stored under (stripped), or :class:`ScenarioError`.

    The one rule for naming a stored scenario: not empty, and not one of :data:`RESERVED`
    (``current`` and ``baseline`` always mean the plan's own alignments, so a scenario
    stored under either could never be shown). Everything that stores a scenario, and
    every front end that asks for a name before a long run, calls this.
    """
    name = name.strip()
    if not name:
        raise ScenarioError("scenario name must not be empty")
    if name in RESERVED:
        raise ScenarioError(f"{name!r} is reserved for the plan's own alignment")
    return name


def _check_name(plan: Plan, name: str) -> str:
    if name not in scenario_names(plan):
        raise ScenarioError(f"no scenario {name!r} (scenarios: {', '.join(scenario_names(plan))})")
    return name


def _rows(plan: Plan, name: str, kind: str) -> pd.DataFrame:
    rows = plan.tables.get(SCENARIO_ASSIGNMENTS_TABLE)
    if rows is None or "scenario" not in rows:
        return pd.DataFrame({"item_id": [], "territory_id": []})
    mask = (rows["scenario"] == name).to_numpy() & (rows["kind"] == kind).to_numpy()
    return rows.loc[mask, ["item_id", "territory_id"]]


def _indices(
    plan: Plan, rows: pd.DataFrame, item_ids: pd.Series, default: np.ndarray
) -> np.ndarray:
    """Territory index per item; items the scenario does not list keep ``default``."""
    out = np.asarray(default, dtype=np.int32).copy()
    if not len(rows):
        return out
    where = pd.Index(item_ids).get_indexer(pd.Index(rows["item_id"]))
    # Missing ids and ids of territories no longer in the plan count as Unassigned (-1).
    terr = pd.Index(plan.territory_ids).get_indexer(pd.Index(rows["territory_id"]))
    known = where >= 0
    out[where[known]] = terr[known]
    return out


def _baseline_units(plan: Plan, accounts: np.ndarray) -> np.ndarray:
    """Units' baseline territory: the territory of most of their baseline accounts.

    The alignment of record is kept per account; units without assigned baseline accounts
    keep their current territory.
    """
    out = plan.unit_territory.copy()
    unit = plan.account_unit
    ok = (unit >= 0) & (accounts >= 0)
    if not ok.any():
        return out
    k = plan.n_territories
    key = unit[ok].astype(np.int64) * k + accounts[ok]
    pairs, counts = np.unique(key, return_counts=True)
    units, terr = pairs // k, pairs % k
    order = np.lexsort((-counts, units))
    first = np.ones(len(order), dtype=bool)
    first[1:] = units[order][1:] != units[order][:-1]
    out[units[order][first]] = terr[order][first]
    return out


def scenario_alignment(plan: Plan, name: str) -> np.ndarray:
    """Territory index per account in scenario ``name`` (``UNASSIGNED`` = -1).

    Accounts a stored scenario does not list (added after it was made) keep their
    current territory.
    """
    return _account_alignment(plan, _check_name(plan, name))


def _account_alignment(plan: Plan, name: str) -> np.ndarray:
    if name == CURRENT:
        return plan.account_territory.copy()
    if name == BASELINE:
        base = plan.baseline_territory
        return np.where(base < 0, UNASSIGNED, base).astype(np.int32)
    return _indices(
        plan, _rows(plan, name, "account"), plan.accounts["account_id"], plan.account_territory
    )


def scenario_unit_alignment(plan: Plan, name: str) -> np.ndarray:
    """Territory index per unit in scenario ``name``."""
    return _unit_alignment(plan, _check_name(plan, name))


def _unit_alignment(plan: Plan, name: str, base: np.ndarray | None = None) -> np.ndarray:
    if name == CURRENT:
        return plan.unit_territory.copy()
    if name == BASELINE:
        return _baseline_units(plan, _account_alignment(plan, BASELINE) if base is None else base)
    return _indices(plan, _rows(plan, name, "unit"), plan.units["unit_id"], plan.unit_territory)


def write_scenario(
    plan: Plan,
    name: str,
    account_territory: np.ndarray,
    unit_territory: np.ndarray | None = None,
    source: str = "edit",
    description: str = "",
) -> None:
    """Store an alignment as scenario ``name`` (replacing one of the same name)."""
    name = check_scenario_name(name)
    at = np.asarray(account_territory, dtype=np.int64)
    ut = np.asarray(
        plan.unit_territory if unit_territory is None else unit_territory, dtype=np.int64
    )
    if len(at) != plan.n_accounts or len(ut) != plan.n_units:
        raise ScenarioError("a scenario needs one territory per account and per unit")
    ids = np.array([None, *plan.territory_ids], dtype=object)
    rows = pd.DataFrame(
        {
            "scenario": name,
            "kind": ["account"] * plan.n_accounts + ["unit"] * plan.n_units,
            "item_id": [str(v) for v in plan.accounts["account_id"]]
            + [str(v) for v in plan.units["unit_id"]],
            "territory_id": np.concatenate([ids[at + 1], ids[ut + 1]]),
        }
    )
    meta = pd.DataFrame(
        {
            "scenario": [name],
            "created": [datetime.now(UTC).isoformat(timespec="seconds")],
            "source": [source],
            "description": [description],
        }
    )
    for table, new in ((SCENARIO_ASSIGNMENTS_TABLE, rows), (SCENARIOS_TABLE, meta)):
        old = plan.tables.get(table)
        if old is not None and "scenario" in old:
            new = pd.concat([old[old["scenario"] != name], new], ignore_index=True)
        plan.replace_tables({table: new.reset_index(drop=True)})


def delete_scenario(plan: Plan, name: str) -> None:
    """Remove a stored scenario."""
    if name in RESERVED or name not in stored_scenarios(plan):
        raise ScenarioError(f"no stored scenario {name!r}")
    for table in (SCENARIO_ASSIGNMENTS_TABLE, SCENARIOS_TABLE):
        old = plan.tables.get(table)
        if old is not None and "scenario" in old:
            plan.replace_tables({table: old[old["scenario"] != name].reset_index(drop=True)})


def rename_scenario(plan: Plan, old: str, new: str) -> None:
    """Rename a stored scenario."""
    new = new.strip()
    if old in RESERVED or old not in stored_scenarios(plan):
        raise ScenarioError(f"no stored scenario {old!r}")
    if not new or new in scenario_names(plan):
        raise ScenarioError(f"scenario name {new!r} is empty or already taken")
    for table in (SCENARIO_ASSIGNMENTS_TABLE, SCENARIOS_TABLE):
        frame = plan.tables.get(table)
        if frame is not None and "scenario" in frame:
            frame = frame.copy()
            frame.loc[frame["scenario"] == old, "scenario"] = new
            plan.replace_tables({table: frame})


def duplicate_scenario(plan: Plan, name: str, new: str) -> None:
    """Store a copy of any scenario (``current`` and ``baseline`` included) as ``new``."""
    if new.strip() in scenario_names(plan):
        raise ScenarioError(f"scenario name {new!r} is already taken")
    write_scenario(
        plan,
        new,
        scenario_alignment(plan, name),
        scenario_unit_alignment(plan, name),
        source="copy",
        description=f"copy of {name}",
    )


# -- comparison -----------------------------------------------------------------------


@dataclass
class ScenarioFigures:
    """Every comparison figure of one scenario.

    Per measure (keyed by measure key): ``worst_deviation`` (largest |deviation|, a
    fraction), ``spread`` (standard deviation of the territory values) and
    ``out_of_band`` (territories outside the tolerance band). Disruption is against the
    baseline; ``disruption_per_territory`` is each territory's accounts gained plus lost
    as a fraction of its baseline accounts (one per rep). ``compactness_km`` is the mean
    great-circle km from an account to its rep's home; ``travel_km`` the estimated annual
    road km of all territories.
    """

    name: str
    values: np.ndarray
    deviation: np.ndarray
    worst_deviation: dict[str, float]
    spread: dict[str, float]
    out_of_band: dict[str, int]
    disruption_accounts: float
    disruption_revenue: float
    disruption_per_territory: np.ndarray
    compactness_km: float
    travel_km: float
    utilisation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Spread (std, points) of the attainment expected of each territory under this
    #: alignment, and the territories expected below 90 % (NaN without actuals).
    expected_attainment_spread: float = float("nan")
    expected_below_90: float = float("nan")

    @property
    def worst_rep_disruption(self) -> float:
        d = self.disruption_per_territory
        return float(d.max()) if len(d) else 0.0

    @property
    def max_utilisation(self) -> float:
        u = self.utilisation[np.isfinite(self.utilisation)]
        return float(u.max()) if len(u) else float("nan")


@dataclass
class Comparison:
    """Figures of several scenarios; :meth:`frame` lays them out one column per scenario."""

    scenarios: list[ScenarioFigures]
    measures: list[str]
    labels: dict[str, str]

    def rows(self) -> list[tuple[str, str, list[float]]]:
        """(key, label, one value per scenario); lower is better on every row."""
        out: list[tuple[str, str, list[float]]] = []
        for key in self.measures:
            label = self.labels[key]
            out.append(
                (
                    f"{key}.worst_deviation_pct",
                    f"{label}: worst deviation %",
                    [100 * s.worst_deviation[key] for s in self.scenarios],
                )
            )
            out.append(
                (f"{key}.spread", f"{label}: spread (std)", [s.spread[key] for s in self.scenarios])
            )
            out.append(
                (
                    f"{key}.out_of_band",
                    f"{label}: territories out of band",
                    [float(s.out_of_band[key]) for s in self.scenarios],
                )
            )
        out += [
            (
                "disruption.accounts_pct",
                "Disruption: accounts %",
                [100 * s.disruption_accounts for s in self.scenarios],
            ),
            (
                "disruption.revenue_pct",
                "Disruption: revenue %",
                [100 * s.disruption_revenue for s in self.scenarios],
            ),
            (
                "disruption.worst_rep_pct",
                "Disruption: worst rep %",
                [100 * s.worst_rep_disruption for s in self.scenarios],
            ),
            (
                "compactness_km",
                "Compactness: mean km to rep home",
                [s.compactness_km for s in self.scenarios],
            ),
            ("travel_km", "Travel: estimated km per year", [s.travel_km for s in self.scenarios]),
            (
                "utilisation.max_pct",
                "Rep utilisation: highest %",
                [100 * s.max_utilisation for s in self.scenarios],
            ),
        ]
        if any(np.isfinite(s.expected_attainment_spread) for s in self.scenarios):
            out += [
                (
                    "expected_attainment.spread",
                    "Exp. attainment: spread (std, points)",
                    [s.expected_attainment_spread for s in self.scenarios],
                ),
                (
                    "expected_attainment.below_90",
                    "Exp. attainment: territories < 90 %",
                    [s.expected_below_90 for s in self.scenarios],
                ),
            ]
        return out

    def frame(self) -> pd.DataFrame:
        """One row per figure, one column per scenario, and ``best`` (the lowest's name)."""
        names = [s.name for s in self.scenarios]
        records = []
        for key, label, values in self.rows():
            arr = np.asarray(values, dtype=float)
            finite = np.isfinite(arr)
            best = names[int(np.nanargmin(np.where(finite, arr, np.nan)))] if finite.any() else ""
            records.append(
                {
                    "figure": key,
                    "label": label,
                    **dict(zip(names, values, strict=True)),
                    "best": best,
                }
            )
        return pd.DataFrame.from_records(records).set_index("figure")

    def records(self) -> list[dict[str, object]]:
        """JSON-ready rows: figure, label, value per scenario (``None`` for NaN), best."""
        out: list[dict[str, object]] = []
        for key, row in self.frame().iterrows():
            rec: dict[str, object] = {"figure": key, "label": row["label"]}
            for s in self.scenarios:
                v = float(row[s.name])
                rec[s.name] = round(v, 4) if np.isfinite(v) else None
            rec["best"] = row["best"]
            out.append(rec)
        return out


def _figures(
    plan: Plan,
    name: str,
    accounts: np.ndarray,
    units: np.ndarray,
    base: np.ndarray,
    base_counts: np.ndarray,
) -> ScenarioFigures:
    """Figures of a stored scenario or the baseline, from its alignment arrays."""
    engine = plan.engine
    k = plan.n_territories
    w = engine.weights
    rows = np.where(accounts < 0, k, accounts)
    dist = engine.home_distance(slice(None), accounts)
    totals = np.empty((k + 1, w.shape[1]))
    for j in range(w.shape[1]):
        col = np.nan_to_num(dist) * w[:, COL_VISITS] if j == COL_HOME_KM else w[:, j]
        totals[:, j] = np.bincount(rows, weights=col, minlength=k + 1)
    unit_rows = np.where(units < 0, k, units)
    unit_area = np.bincount(unit_rows, weights=engine.unit_area, minlength=k + 1).astype(float)
    # Routed travel counts for every territory whose accounts are the ones it was
    # routed with, in whichever scenario: the fingerprint of the alignment says which.
    fingerprint = (
        membership_fingerprints(engine.keys, rows, k + 1) if engine.has_routed_travel() else None
    )
    # A shallow copy reads the same weights; only its per-scenario areas differ.
    view: BalanceEngine = copy.copy(engine)
    if engine.unit_area.size == 0:
        view.hull_area = np.zeros(k + 1)
        order = np.argsort(accounts, kind="stable")
        bounds = np.searchsorted(accounts[order], np.arange(k + 1))
        for t in range(k):
            if np.isfinite(engine.area_override[t]):
                continue
            members = order[bounds[t] : bounds[t + 1]]
            view.hull_area[t] = hull_area_km2(engine.lon[members], engine.lat[members])

    revenue = w[:, COL_REVENUE]
    moved = accounts != base
    n = len(accounts)
    total_rev = float(revenue.sum())
    now_rows = rows[moved]
    base_rows = np.where(base < 0, k, base)[moved]
    touched = (
        np.bincount(now_rows, minlength=k + 1)[:k] + np.bincount(base_rows, minlength=k + 1)[:k]
    )
    placed = np.isfinite(dist)
    return _assemble(
        plan,
        name,
        view.values(totals, unit_area, fingerprint),
        float(moved.sum()) / n if n else 0.0,
        float(revenue[moved].sum()) / total_rev if total_rev else 0.0,
        touched,
        base_counts,
        float(dist[placed].mean()) if placed.any() else float("nan"),
    )


def _current_figures(plan: Plan, base_counts: np.ndarray) -> ScenarioFigures:
    """Figures of the live alignment, from what every edit keeps up to date.

    The balance engine holds the totals and each account's distance to its rep's home
    (with their sum), and the plan its disruption counts: an edit moving 100,000 of 1M
    accounts is figured without a pass over every account (summing every measure and
    measuring every distance again was most of this figure's time after an edit).
    """
    engine = plan.engine
    fingerprint = engine.fingerprint if engine.has_routed_travel() else None
    disruption = plan.disruption()
    return _assemble(
        plan,
        CURRENT,
        engine.values(engine.totals, engine.unit_area_totals, fingerprint),
        disruption.accounts_fraction,
        disruption.revenue_fraction,
        disruption.gained_accounts + disruption.lost_accounts,
        base_counts,
        engine.mean_home_distance(),
    )


def _assemble(
    plan: Plan,
    name: str,
    measured: tuple[np.ndarray, np.ndarray, np.ndarray],
    disruption_accounts: float,
    disruption_revenue: float,
    touched: np.ndarray,
    base_counts: np.ndarray,
    compactness_km: float,
) -> ScenarioFigures:
    """A scenario's figures from its measure values (``BalanceEngine.values``), its
    disruption (fractions moved; accounts gained plus lost per territory) and compactness."""
    values, _unassigned, travel = measured
    k = plan.n_territories
    measures = list(plan.settings.measures)
    _targets, deviation, in_band = balance_from_values(values, measures)

    keys = [m.key for m in measures]
    absdev = np.abs(deviation)
    worst = {key: float(absdev[:, j].max()) if k else 0.0 for j, key in enumerate(keys)}
    spread = {key: float(values[:, j].std()) if k else 0.0 for j, key in enumerate(keys)}
    out_band = {key: int((~in_band[:, j]).sum()) for j, key in enumerate(keys)}
    with np.errstate(divide="ignore", invalid="ignore"):
        per_territory = np.where(
            base_counts > 0, touched / np.maximum(base_counts, 1), np.where(touched > 0, 1.0, 0.0)
        )

    utilisation = np.full(k, np.nan)
    if "workload" in keys:
        # Each territory's rep's capacity (a rep listed twice: the first row), looked up
        # in a dict: pandas' drop_duplicates, set_index and map cost 2 ms per comparison.
        rep_ids = plan.reps["rep_id"].to_numpy()
        hours = plan.reps["capacity_hours"].to_numpy(dtype=float)
        capacity = {r: h for r, h in zip(rep_ids[::-1], hours[::-1], strict=True)}
        cap = np.array(
            [capacity.get(r, np.nan) for r in plan.territories["rep_id"].to_numpy()], dtype=float
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            utilisation = np.where(cap > 0, values[:, keys.index("workload")] / cap, np.nan)

    return ScenarioFigures(
        name=name,
        values=values,
        deviation=deviation,
        worst_deviation=worst,
        spread=spread,
        out_of_band=out_band,
        disruption_accounts=disruption_accounts,
        disruption_revenue=disruption_revenue,
        disruption_per_territory=per_territory.astype(float),
        compactness_km=compactness_km,
        travel_km=float(travel.sum()),
        utilisation=utilisation,
    )


def _baseline_counts(plan: Plan, kept: dict[str, object] | None) -> np.ndarray:
    """Accounts per territory in the baseline, kept in ``kept`` while the baseline stays."""
    base = plan.baseline_territory
    k = plan.n_territories
    found = kept.get("baseline_counts") if kept is not None else None
    if isinstance(found, tuple) and found[0] is base and found[1] == k:
        return found[2]
    counts = np.bincount(np.where(base < 0, k, base), minlength=k + 1)[:k]
    if kept is not None:
        kept["baseline_counts"] = (base, k, counts)
    return counts


def compare_scenarios(
    plan: Plan,
    names: list[str] | None = None,
    stored_figures: dict[str, ScenarioFigures] | None = None,
    current_distances: dict[str, object] | None = None,
) -> Comparison:
    """Compare scenarios side by side (default: every scenario of the plan).

    ``stored_figures``, when given, keeps the figures of every scenario but "current"
    between calls: after an edit only the current alignment changed, and the others are
    not computed again (forget them when scenarios, territories or settings change).
    "current" is figured from what the plan keeps up to date with every edit (its
    balance engine and disruption counts); ``current_distances`` (an empty dict at first,
    then what this call left in it) keeps the baseline's accounts per territory it needs.

    Raises
    ------
    ScenarioError
        If a name is unknown.
    """
    names = list(dict.fromkeys(names)) if names else scenario_names(plan)
    known = scenario_names(plan)
    for name in names:
        if name not in known:
            raise ScenarioError(f"no scenario {name!r} (scenarios: {', '.join(known)})")
    base_counts = _baseline_counts(plan, current_distances)
    base: np.ndarray | None = None  # every account's, when a scenario but "current" needs it
    cache = stored_figures if stored_figures is not None else {}
    figures = []
    for name in names:
        found = cache.get(name) if name != CURRENT else None
        if found is None and name == CURRENT:
            found = _current_figures(plan, base_counts)
        elif found is None:
            if base is None:
                base = _account_alignment(plan, BASELINE)
            found = _figures(
                plan,
                name,
                base if name == BASELINE else _account_alignment(plan, name),
                _unit_alignment(plan, name, base),
                base,
                base_counts,
            )
            cache[name] = found
        figures.append(found)
    measures = plan.settings.measures
    _expected_attainment(plan, figures, [m.key for m in measures])
    return Comparison(figures, [m.key for m in measures], {m.key: m.label for m in measures})


def _expected_attainment(plan: Plan, figures: list[ScenarioFigures], keys: list[str]) -> None:
    """Fill each scenario's expected-attainment spread, when the plan has actuals and quotas.

    The fit of attainment on potential and workload is made once, on the live alignment's
    latest period (:func:`planner.models.performance.review`); each scenario's territories
    are then judged by their own potential and workload.
    """
    from planner.models.actuals import has_actuals
    from planner.models.performance import PerformanceError, expected_spread, review

    if not has_actuals(plan) or "potential" not in keys or "workload" not in keys:
        return
    try:
        model = review(plan).model
    except PerformanceError:
        return
    if model.n == 0:
        return
    p, w = keys.index("potential"), keys.index("workload")
    for fig in figures:
        spread, below = expected_spread(model, fig.values[:, p], fig.values[:, w])
        fig.expected_attainment_spread = spread
        fig.expected_below_90 = float(below)


__all__ = [
    "BASELINE",
    "CURRENT",
    "SCENARIOS_TABLE",
    "SCENARIO_ASSIGNMENTS_TABLE",
    "Comparison",
    "ScenarioError",
    "ScenarioFigures",
    "check_scenario_name",
    "compare_scenarios",
    "delete_scenario",
    "duplicate_scenario",
    "rename_scenario",
    "scenario_alignment",
    "scenario_names",
    "scenario_unit_alignment",
    "stored_scenarios",
    "write_scenario",
]


def switch_change(plan: Plan, name: str) -> Change:
    """The change that makes scenario ``name`` the active alignment (locks are not checked).

    Applying it (and its inverse to undo) is how the window switches scenarios.
    """
    accounts = scenario_alignment(plan, name).astype(np.int32)
    units = scenario_unit_alignment(plan, name).astype(np.int32)
    return Change.build(
        np.arange(plan.n_accounts),
        plan.account_territory,
        accounts,
        np.arange(plan.n_units),
        plan.unit_territory,
        units,
    )


def realignment_report(plan: Plan, name: str) -> pd.DataFrame:
    """Every account and unit that scenario ``name`` moves against the baseline.

    Columns: ``kind`` (account or unit), ``item_id``, ``name``, ``from_territory``,
    ``to_territory``, ``revenue`` (accounts; for units the revenue of their accounts) and
    ``reason``: the optimiser's explanation when the scenario came from a run, else
    "edit".
    """
    labels = np.array(
        ["Unassigned", *[plan.territory_label(i) for i in range(plan.n_territories)]], dtype=object
    )
    revenue = np.nan_to_num(plan.accounts["revenue"].to_numpy(dtype=float))
    base_a = scenario_alignment(plan, BASELINE)
    new_a = scenario_alignment(plan, name)
    base_u = scenario_unit_alignment(plan, BASELINE)
    new_u = scenario_unit_alignment(plan, name)
    moved_a = np.flatnonzero(base_a != new_a)
    moved_u = np.flatnonzero(base_u != new_u)
    unit_revenue = np.bincount(
        np.where(plan.account_unit >= 0, plan.account_unit, plan.n_units),
        weights=revenue,
        minlength=plan.n_units + 1,
    )[: plan.n_units]
    frame = pd.DataFrame(
        {
            "kind": ["account"] * len(moved_a) + ["unit"] * len(moved_u),
            "item_id": [str(v) for v in plan.accounts["account_id"].to_numpy()[moved_a]]
            + [str(v) for v in plan.units["unit_id"].to_numpy()[moved_u]],
            "name": [str(v) for v in plan.accounts["name"].to_numpy()[moved_a]]
            + [str(v) for v in plan.units["name"].to_numpy()[moved_u]],
            "from_territory": np.concatenate(
                [labels[base_a[moved_a] + 1], labels[base_u[moved_u] + 1]]
            ),
            "to_territory": np.concatenate(
                [labels[new_a[moved_a] + 1], labels[new_u[moved_u] + 1]]
            ),
            "revenue": np.concatenate([revenue[moved_a], unit_revenue[moved_u]]),
        }
    )
    reasons: dict[tuple[str, str], str] = {}
    moves = plan.tables.get("optimiser_moves")
    if moves is not None and {"scenario", "kind", "item_id", "reason"} <= set(moves.columns):
        mine = moves[moves["scenario"].astype(str) == name]
        reasons = {
            (str(k), str(i)): str(r)
            for k, i, r in zip(mine["kind"], mine["item_id"], mine["reason"], strict=True)
        }
    frame["reason"] = [
        reasons.get((k, i), "edit") for k, i in zip(frame["kind"], frame["item_id"], strict=True)
    ]
    return frame
