"""The quarterly review: attainment against quota, and whether the territory or the rep explains it.

Attainment is ``actual / quota`` for a metric (revenue by default), per territory, rep,
district and region, for one period and year to date. Actuals come from the plan's
:data:`~planner.models.actuals.ACTUALS_TABLE`, summed by the account's territory in the
plan's live alignment. Quotas are annual and prorated by the share of a year a period
covers (a quarter a quarter, a month a twelfth):

- **output** metrics (revenue, gross margin...): the territory's ``quota`` column for
  revenue, the :data:`QUOTAS_TABLE` rows for the others;
- **activity**: visits held against the visits the call cycle plans (the sum of the
  territory's accounts' visits per year), unless a quota row sets another figure;
- **pipeline** (opportunities created, deals lost...): :data:`QUOTAS_TABLE` rows only.

A node above territories (a rep's territories, a district, a region) adds its
territories' actuals and quotas, so its attainment is the quota-weighted mean of theirs.

**Fair territory or strong rep?** Across territories, attainment is regressed (least
squares) on the territory's potential and workload, each relative to the mean
territory. The fit is the attainment a territory of that potential and workload would
be expected to reach. A territory far below its expectation is flagged (the rep, or
something local, holds it back); a territory whose own expectation is far below 100 %
is flagged too (its quota outruns its potential: the territory holds the rep back).
Both are candidates for the next redesign, each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.models.actuals import (
    ACTIVITY,
    ActualsIndex,
    has_actuals,
    metric_info,
    review_periods,
    sort_periods,
    trailing_year,
    year_fraction,
    ytd_span,
)
from planner.models.balance import COL_POTENTIAL
from planner.models.events import TerritoriesChanged
from planner.models.hierarchy import TERRITORY_LEVEL, HierarchyError, hierarchy
from planner.models.i18n import format_currency, format_number, format_percent
from planner.models.i18n import gettext as tr
from planner.models.plan import Plan

#: Per-territory quotas of metrics other than revenue (annual amounts).
QUOTAS_TABLE = "performance_quotas"
QUOTA_COLUMNS = ("territory_id", "metric", "level", "quota")
#: Review levels of the command line; district and region name hierarchy levels.
REVIEW_LEVELS = ("territory", "rep", "district", "region")
#: A territory this many points (or one residual standard deviation, if larger) below its
#: expected attainment is flagged.
BELOW_EXPECTATION_POINTS = 10.0
#: A territory whose expected attainment is this many points below the whole plan's
#: attainment is flagged as holding its rep back.
LOW_EXPECTATION_POINTS = 10.0
#: Fewer territories with an attainment than this: no regression, the mean is expected.
MIN_FIT = 8


class PerformanceError(ValueError):
    """A period, metric or level the plan's actuals cannot review."""


# -- quotas ------------------------------------------------------------------------------


def planned_visits(plan: Plan) -> np.ndarray:
    """Visits per year the call cycle plans, per territory (live alignment)."""
    k = plan.n_territories
    visits = np.nan_to_num(plan.accounts["visits_per_year"].to_numpy(dtype=float))
    rows = np.where(plan.account_territory < 0, k, plan.account_territory)
    return np.bincount(rows, weights=visits, minlength=k + 1)[:k]


def quota_rows(plan: Plan) -> pd.DataFrame:
    table = plan.tables.get(QUOTAS_TABLE)
    if table is None:
        return pd.DataFrame({c: [] for c in QUOTA_COLUMNS})
    return table


def annual_quotas(plan: Plan, metric: str) -> np.ndarray:
    """Annual quota per territory for ``metric`` (NaN where none is set).

    A :data:`QUOTAS_TABLE` row wins; otherwise revenue takes the territory's ``quota``
    and visits held the call cycle's planned visits.
    """
    k = plan.n_territories
    if metric == "revenue":
        out = plan.territories["quota"].to_numpy(dtype=float).copy()
    elif metric == "visits_held":
        out = planned_visits(plan)
    else:
        out = np.full(k, np.nan)
    rows = quota_rows(plan)
    if len(rows):
        mine = rows[rows["metric"].astype(str) == metric]
        for tid, q in zip(mine["territory_id"].astype(str), mine["quota"], strict=True):
            i = plan.territory_index.get(tid)
            if i is not None:
                out[i] = float(q) if q is not None and np.isfinite(float(q)) else np.nan
    return out


def quota_level(plan: Plan, metric: str) -> str:
    """Output, activity or pipeline: the level of a metric's quota."""
    rows = quota_rows(plan)
    if len(rows):
        levels = rows.loc[rows["metric"].astype(str) == metric, "level"].astype(str)
        if len(levels):
            return str(levels.iloc[0])
    return metric_info(metric).level


def set_metric_quota(
    plan: Plan, index: int, metric: str, value: float, level: str | None = None
) -> pd.DataFrame | None:
    """Set one territory's annual quota of ``metric``; returns the previous quota table.

    Revenue's quota is the territory's ``quota`` column; set it with
    :meth:`Plan.set_territory_field`. Undo with :func:`restore_quota_table`.
    """
    if metric == "revenue":
        raise ValueError("the revenue quota is the territory's quota field")
    if not 0 <= index < plan.n_territories:
        raise IndexError(f"territory index {index} out of range")
    previous = plan.tables.get(QUOTAS_TABLE)
    rows = quota_rows(plan).copy()
    tid = plan.territory_ids[index]
    keep = ~((rows["territory_id"].astype(str) == tid) & (rows["metric"].astype(str) == metric))
    new = pd.DataFrame(
        {
            "territory_id": [tid],
            "metric": [metric],
            "level": [level or quota_level(plan, metric)],
            "quota": [float(value)],
        }
    )
    plan.tables[QUOTAS_TABLE] = pd.concat([rows[keep], new], ignore_index=True)
    plan.events.emit(TerritoriesChanged((index,), (f"quota:{metric}",)))
    return None if previous is None else previous.copy()


def restore_quota_table(plan: Plan, table: pd.DataFrame | None) -> None:
    """Put back a quota table returned by :func:`set_metric_quota`."""
    if table is None:
        plan.tables.pop(QUOTAS_TABLE, None)
    else:
        plan.tables[QUOTAS_TABLE] = table
    plan.events.emit(TerritoriesChanged(tuple(range(plan.n_territories)), ("quota",)))


# -- expected attainment ---------------------------------------------------------------


@dataclass
class FairnessModel:
    """Least-squares fit ``attainment % = b0 + b1 × potential index + b2 × workload index``.

    Indices are a territory's value over the mean territory's (1 = average). With too
    few territories the model is the mean attainment (``coef = [mean, 0, 0]``).
    """

    coef: np.ndarray
    n: int
    r2: float
    residual_std: float

    def predict(self, potential: np.ndarray, workload: np.ndarray) -> np.ndarray:
        p, w = _index(potential), _index(workload)
        return self.coef[0] + self.coef[1] * p + self.coef[2] * w

    def describe(self) -> str:
        if self.n < MIN_FIT or not np.any(self.coef[1:]):
            return tr("expected = mean attainment ({mean} %, {n} territories)").format(
                mean=format_number(self.coef[0]), n=self.n
            )
        return tr(
            "expected % = {b0} {b1} × potential index {b2} × workload index (least squares over {n} territories, R² {r2}, residual sd {sd} points)"
        ).format(
            b0=format_number(self.coef[0], 1),
            b1=_signed(self.coef[1]),
            b2=_signed(self.coef[2]),
            n=self.n,
            r2=format_number(self.r2, 2),
            sd=format_number(self.residual_std, 1),
        )


def _signed(value: float) -> str:
    """``+1.2`` / ``-1.2`` in the current locale's digits (a coefficient in a formula)."""
    return ("-" if value < 0 else "+") + format_number(abs(value), 1)


def _index(values: np.ndarray) -> np.ndarray:
    v = np.nan_to_num(np.asarray(values, dtype=float))
    mean = v.mean() if len(v) else 0.0
    return v / mean if mean > 0 else np.ones(len(v))


def fit_expected(
    attainment: np.ndarray, potential: np.ndarray, workload: np.ndarray
) -> FairnessModel:
    """Fit :class:`FairnessModel` on the territories with a finite attainment (in %)."""
    a = np.asarray(attainment, dtype=float)
    ok = np.isfinite(a)
    n = int(ok.sum())
    if n == 0:
        return FairnessModel(np.array([100.0, 0.0, 0.0]), 0, 0.0, 0.0)
    mean = float(a[ok].mean())
    if n < MIN_FIT:
        return FairnessModel(np.array([mean, 0.0, 0.0]), n, 0.0, float(a[ok].std()))
    x = np.column_stack([np.ones(len(a)), _index(potential), _index(workload)])[ok]
    coef, *_ = np.linalg.lstsq(x, a[ok], rcond=None)
    fitted = x @ coef
    resid = a[ok] - fitted
    ss_tot = float(((a[ok] - mean) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / ss_tot if ss_tot > 0 else 0.0
    dof = max(n - 3, 1)
    return FairnessModel(coef, n, r2, float(np.sqrt((resid**2).sum() / dof)))


# -- the review ------------------------------------------------------------------------


@dataclass
class Reconciliation:
    """Top-down quotas against what the territories yield bottom-up, per territory."""

    metric: str
    names: list[str]
    top_down: np.ndarray
    bottom_up: np.ndarray
    source: str

    @property
    def gap(self) -> np.ndarray:
        return self.top_down - self.bottom_up

    @property
    def total_top_down(self) -> float:
        return float(np.nansum(self.top_down))

    @property
    def total_bottom_up(self) -> float:
        return float(np.nansum(self.bottom_up))

    @property
    def total_gap(self) -> float:
        return self.total_top_down - self.total_bottom_up

    def sentence(self, currency: str = "$") -> str:
        """The gap named, as a planner would say it (in the current language)."""
        td, bu, gap = self.total_top_down, self.total_bottom_up, self.total_gap
        is_money = metric_info(self.metric).kind == "currency"

        def amount(value: float) -> str:
            return format_currency(value, currency) if is_money else format_number(value)

        if not np.isfinite(self.top_down).any() or td == 0:
            return tr(
                "No top-down {metric} quotas are set; bottom-up the territories yield {bottom_up} a year ({source})."
            ).format(
                metric=tr(metric_info(self.metric).label).lower(),
                bottom_up=amount(bu),
                source=self.source,
            )
        pct = 100 * gap / bu if bu else float("inf")
        if abs(gap) < 0.005 * max(td, 1.0):
            return tr("Top-down {top_down} and bottom-up {bottom_up} agree ({source}).").format(
                top_down=amount(td), bottom_up=amount(bu), source=self.source
            )
        if gap > 0:
            return tr(
                "Growth gap: the top-down target {top_down} is {gap} ({gap_pct}) above what the territories yield bottom-up, {bottom_up} ({source}); close it with growth, new accounts or a lower target."
            ).format(
                top_down=amount(td),
                gap=amount(gap),
                gap_pct=format_percent(pct / 100, 1, signed=True),
                bottom_up=amount(bu),
                source=self.source,
            )
        return tr(
            "Slack: the territories yield {bottom_up} bottom-up ({source}), {slack} ({slack_pct}) more than the top-down target {top_down}."
        ).format(
            bottom_up=amount(bu),
            source=self.source,
            slack=amount(-gap),
            slack_pct=format_percent(-pct / 100, 1),
            top_down=amount(td),
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "territory": self.names,
                "top_down": self.top_down,
                "bottom_up": self.bottom_up,
                "gap": self.gap,
            }
        )


@dataclass
class Review:
    """One period's review at one level; ``frame`` has one row per territory or node."""

    metric: str
    period: str
    level: str
    periods: list[str]
    frame: pd.DataFrame
    model: FairnessModel
    reconciliation: Reconciliation
    unknown_accounts: list[str] = field(default_factory=list)
    unattributed: float = 0.0

    @property
    def candidates(self) -> pd.DataFrame:
        return self.frame[self.frame["flag"].astype(bool)]

    def records(self) -> list[dict[str, object]]:
        """JSON-ready rows (NaN as ``None``)."""
        out: list[dict[str, object]] = []
        for row in self.frame.to_dict("records"):
            rec: dict[str, object] = {}
            for name, value in row.items():
                key = str(name)
                if isinstance(value, float | np.floating):
                    v = float(value)
                    rec[key] = round(v, 4) if np.isfinite(v) else None
                elif isinstance(value, np.bool_ | bool):
                    rec[key] = bool(value)
                else:
                    rec[key] = value
            out.append(rec)
        return out


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(den) & (den > 0), 100.0 * num / den, np.nan)


def territory_workload(plan: Plan) -> np.ndarray:
    """Workload hours per territory (live), zeros when the plan does not balance workload."""
    table = plan.balance()
    try:
        return table.values[:, table.column("workload")].astype(float)
    except (ValueError, KeyError):
        return np.zeros(plan.n_territories)


def resolve_level(plan: Plan, level: str) -> str:
    """``territory``, ``rep`` or a hierarchy level (``district`` finds ``District``)."""
    text = level.strip()
    if text.casefold() in ("territory", "rep"):
        return text.casefold()
    levels = hierarchy(plan).levels
    for name in levels:
        if name.casefold() == text.casefold():
            return name
    raise PerformanceError(
        f"the plan has no {level!r} level (levels: territory, rep"
        + "".join(f", {name.lower()}" for name in levels)
        + ")"
    )


def bottom_up_yield(
    plan: Plan, metric: str, index: ActualsIndex | None = None
) -> tuple[np.ndarray, str]:
    """What each territory yields in a year: the trailing twelve months of actuals.

    Periods covering less than a year are scaled up to one. Without actuals of the
    metric, revenue falls back to the accounts' last-12-month revenue.
    """
    index = index or ActualsIndex.build(plan)
    k = plan.n_territories
    span, covered = trailing_year(index.periods)
    if span and metric in index.table.columns and covered > 0:
        sums, _ = index.sums(metric, index.rows_in(span), plan.account_territory, k)
        if len(span) == 1:
            note = tr("actuals {period}").format(period=span[0])
        else:
            note = tr("actuals {first} to {last}").format(first=span[0], last=span[-1])
        if covered < 1:
            note += tr(", scaled from {share} of a year").format(share=format_percent(covered, 0))
        return sums / covered, note
    if metric == "revenue":
        revenue = np.nan_to_num(plan.accounts["revenue"].to_numpy(dtype=float))
        rows = np.where(plan.account_territory < 0, k, plan.account_territory)
        yearly = np.bincount(rows, weights=revenue, minlength=k + 1)[:k]
        return yearly, tr("accounts' revenue (L12M)")
    return np.full(k, np.nan), tr("no actuals")


def reconcile(
    plan: Plan, metric: str = "revenue", index: ActualsIndex | None = None
) -> Reconciliation:
    """Top-down annual quotas beside each territory's bottom-up yield."""
    bottom, source = bottom_up_yield(plan, metric, index)
    return Reconciliation(
        metric,
        [plan.territory_label(i) for i in range(plan.n_territories)],
        annual_quotas(plan, metric),
        bottom,
        source,
    )


def _flag(
    att: float, expected: float, threshold: float, share: float, workload: float, overall: float
) -> str:
    """Why a territory is a candidate for the redesign ("" when it is not).

    ``overall`` is the whole plan's attainment: a territory is unfair when what its
    potential and workload predict falls well short of what the average territory reaches.
    """
    if not (np.isfinite(att) and np.isfinite(expected)):
        return ""
    if att < expected - threshold:
        return tr(
            "{attainment} % against {expected} % expected of a territory with {share} % of the potential and {workload} h of workload: {points} points below — the rep, or something local, holds it back"
        ).format(
            attainment=format_number(att),
            expected=format_number(expected),
            share=format_number(share, 1),
            workload=format_number(workload),
            points=format_number(expected - att),
        )
    if expected < overall - LOW_EXPECTATION_POINTS and att < overall:
        return tr(
            "a territory with {share} % of the potential and {workload} h of workload is expected to reach only {expected} % (it reached {attainment} %, the plan {overall} %): its quota outruns its potential — the territory holds the rep back"
        ).format(
            share=format_number(share, 1),
            workload=format_number(workload),
            expected=format_number(expected),
            attainment=format_number(att),
            overall=format_number(overall),
        )
    return ""


def review(
    plan: Plan,
    period: str | None = None,
    level: str = "territory",
    metric: str = "revenue",
    index: ActualsIndex | None = None,
) -> Review:
    """Attainment of ``metric`` in ``period`` (default: the latest) and year to date.

    Columns of :attr:`Review.frame`: ``id``, ``name``, ``quota``, ``actual``,
    ``attainment_pct``, ``ytd_quota``, ``ytd_actual``, ``ytd_attainment_pct``,
    ``visits_planned``, ``visits_held``, ``activity_pct``, ``potential_share_pct``,
    ``workload_hours``, ``expected_pct``, ``gap_points`` (attainment − expected),
    ``flag`` and ``reason``.

    Raises
    ------
    PerformanceError
        Without actuals, or for a period, metric or level the plan does not have.
    """
    if not has_actuals(plan):
        raise PerformanceError(
            "the plan has no actuals: import them first (planner actuals PLAN --file FILE)"
        )
    index = index or ActualsIndex.build(plan)
    if metric not in index.table.columns:
        known = [c for c in index.table.columns if c not in ("account_id", "period")]
        raise PerformanceError(f"the actuals hold no {metric!r} (metrics: {', '.join(known)})")
    periods_all = review_periods(index.periods)
    if period is None:
        period = periods_all[-1]
    else:
        from planner.models.actuals import PeriodError, parse_period

        try:
            period = parse_period(period)
        except PeriodError as exc:
            raise PerformanceError(str(exc)) from None
        if not index.rows_in([period]).any():
            raise PerformanceError(
                f"no actuals for {period} (periods: {', '.join(sort_periods(index.periods))})"
            )
    resolved = resolve_level(plan, level)

    k = plan.n_territories
    align = plan.account_territory
    fraction = year_fraction(period)
    ytd = ytd_span(sort_periods(index.periods), period)
    ytd_fraction = sum(year_fraction(p) for p in ytd_span(periods_all, period)) or fraction
    annual = annual_quotas(plan, metric)
    actual, left_over = index.sums(metric, index.rows_in([period]), align, k)
    ytd_actual, _ = index.sums(metric, index.rows_in(ytd), align, k)
    quota = annual * fraction
    ytd_quota = annual * ytd_fraction
    visits_planned = planned_visits(plan) * fraction
    if "visits_held" in index.table.columns:
        visits_held, _ = index.sums("visits_held", index.rows_in([period]), align, k)
    else:
        visits_held = np.full(k, np.nan)
    if metric != "visits_held":
        visit_quota = annual_quotas(plan, "visits_held") * fraction
    else:
        visit_quota = visits_planned
    potential = plan.engine.totals[:k, COL_POTENTIAL].astype(float)
    total_potential = float(np.nansum(potential))
    share = 100 * potential / total_potential if total_potential > 0 else np.zeros(k)
    workload = territory_workload(plan)
    attainment = _pct(actual, quota)
    model = fit_expected(attainment, potential, workload)
    expected = np.where(np.isfinite(attainment), model.predict(potential, workload), np.nan)
    threshold = max(BELOW_EXPECTATION_POINTS, model.residual_std)
    overall = float(_pct(np.nansum(actual), np.nansum(np.where(np.isfinite(quota), quota, 0))))
    reasons = [
        _flag(attainment[i], expected[i], threshold, share[i], workload[i], overall)
        for i in range(k)
    ]
    frame = pd.DataFrame(
        {
            "id": list(plan.territory_ids),
            "name": [plan.territory_label(i) for i in range(k)],
            "rep_id": plan.territories["rep_id"].astype(object).tolist(),
            "quota": quota,
            "actual": actual,
            "attainment_pct": attainment,
            "ytd_quota": ytd_quota,
            "ytd_actual": ytd_actual,
            "ytd_attainment_pct": _pct(ytd_actual, ytd_quota),
            "visits_planned": visit_quota,
            "visits_held": visits_held,
            "activity_pct": _pct(visits_held, visit_quota),
            "potential_share_pct": share,
            "workload_hours": workload,
            "expected_pct": expected,
            "gap_points": attainment - expected,
            "flag": [bool(r) for r in reasons],
            "reason": reasons,
        }
    )
    if resolved != "territory":
        frame = _roll_up(plan, frame, resolved)
    return Review(
        metric,
        period,
        resolved,
        periods_all,
        frame,
        model,
        reconcile(plan, metric, index),
        index.unknown_accounts(),
        left_over,
    )


def _groups(plan: Plan, level: str) -> tuple[list[str], list[str], np.ndarray]:
    """Ids, names and the group of each territory at ``level`` (rep or a hierarchy level)."""
    if level == "rep":
        reps = plan.territories["rep_id"].astype(object)
        keys = [str(r) if isinstance(r, str) and r else None for r in reps]
        ids = list(dict.fromkeys(k for k in keys if k is not None))
        if None in keys:
            ids.append("")
        pos = {r: i for i, r in enumerate(ids)}
        index = np.array([pos[k if k is not None else ""] for k in keys], dtype=np.int64)
        rep_names = dict(
            zip(plan.reps["rep_id"].astype(str), plan.reps["name"].astype(str), strict=True)
        )
        names = [rep_names.get(r, r) if r else "(no rep)" for r in ids]
        return ids, names, index
    try:
        node_ids, names, index = hierarchy(plan).groups(level)
    except HierarchyError as exc:
        raise PerformanceError(str(exc)) from None
    return [n if n is not None else "" for n in node_ids], list(names), index


def _roll_up(plan: Plan, frame: pd.DataFrame, level: str) -> pd.DataFrame:
    ids, names, index = _groups(plan, level)
    n = len(ids)

    def add(col: str) -> np.ndarray:
        values = np.nan_to_num(frame[col].to_numpy(dtype=float))
        return np.bincount(index, weights=values, minlength=n)[:n]

    quota, actual = add("quota"), add("actual")
    ytd_quota, ytd_actual = add("ytd_quota"), add("ytd_actual")
    planned, held = add("visits_planned"), add("visits_held")
    has_held = np.bincount(
        index, weights=np.isfinite(frame["visits_held"].to_numpy(dtype=float)), minlength=n
    )[:n]
    # A node's expectation is its territories' expected actuals over its quota.
    weights = frame["expected_pct"].to_numpy(dtype=float) * frame["quota"].to_numpy(dtype=float)
    expected_actual = np.bincount(index, weights=np.nan_to_num(weights / 100), minlength=n)[:n]
    expected = _pct(expected_actual, quota)
    flagged = frame["flag"].to_numpy(dtype=bool)
    members = [np.flatnonzero(index == g) for g in range(n)]
    reasons = []
    for m in members:
        hit = [frame["name"].iloc[i] for i in m if flagged[i]]
        reasons.append(
            tr("{flagged} of {n} territories flagged: {names}").format(
                flagged=len(hit), n=len(m), names=", ".join(hit)
            )
            if hit
            else ""
        )
    attainment = _pct(actual, quota)
    return pd.DataFrame(
        {
            "id": ids,
            "name": names,
            "territories": [len(m) for m in members],
            "quota": quota,
            "actual": actual,
            "attainment_pct": attainment,
            "ytd_quota": ytd_quota,
            "ytd_actual": ytd_actual,
            "ytd_attainment_pct": _pct(ytd_actual, ytd_quota),
            "visits_planned": planned,
            "visits_held": np.where(has_held > 0, held, np.nan),
            "activity_pct": np.where(has_held > 0, _pct(held, planned), np.nan),
            "potential_share_pct": add("potential_share_pct"),
            "workload_hours": add("workload_hours"),
            "expected_pct": expected,
            "gap_points": attainment - expected,
            "flag": [bool(r) for r in reasons],
            "reason": reasons,
        }
    )


def trend(
    plan: Plan,
    metric: str = "revenue",
    level: str = "territory",
    index: ActualsIndex | None = None,
) -> pd.DataFrame:
    """Attainment % per period (rows, oldest first) and territory or node (columns)."""
    index = index or ActualsIndex.build(plan)
    resolved = resolve_level(plan, level)
    k = plan.n_territories
    annual = annual_quotas(plan, metric)
    per_period = {}
    for p in review_periods(index.periods):
        actual, _ = index.sums(metric, index.rows_in([p]), plan.account_territory, k)
        per_period[p] = (actual, annual * year_fraction(p))
    if resolved == "territory":
        names = [plan.territory_label(i) for i in range(k)]
        rows = {p: _pct(a, q) for p, (a, q) in per_period.items()}
    else:
        _ids, names, group = _groups(plan, resolved)
        n = len(names)
        rows = {}
        for p, (a, q) in per_period.items():
            sa = np.bincount(group, weights=np.nan_to_num(a), minlength=n)[:n]
            sq = np.bincount(group, weights=np.nan_to_num(q), minlength=n)[:n]
            rows[p] = _pct(sa, sq)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=names)
    frame.index.name = "period"
    return frame


def expected_spread(
    model: FairnessModel, potential: np.ndarray, workload: np.ndarray
) -> tuple[float, int]:
    """Spread (std, points) of expected attainment, and territories expected below 90 %."""
    expected = model.predict(potential, workload)
    if not len(expected):
        return 0.0, 0
    return float(np.std(expected)), int((expected < 90.0).sum())


__all__ = [
    "ACTIVITY",
    "LOW_EXPECTATION_POINTS",
    "QUOTAS_TABLE",
    "QUOTA_COLUMNS",
    "REVIEW_LEVELS",
    "TERRITORY_LEVEL",
    "FairnessModel",
    "PerformanceError",
    "Reconciliation",
    "Review",
    "annual_quotas",
    "bottom_up_yield",
    "expected_spread",
    "fit_expected",
    "planned_visits",
    "quota_level",
    "reconcile",
    "resolve_level",
    "restore_quota_table",
    "review",
    "set_metric_quota",
    "territory_workload",
    "trend",
]
