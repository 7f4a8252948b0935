"""Which rep should take which territory: an assignment problem solved exactly.

The cost of giving territory *t* to rep *r* adds, each scaled to about 0..1:

- distance: great-circle km from the rep's home to the territory's centre (the mean
  position of its placed accounts), divided by the largest such distance;
- experience fit (when reps have an ``experience_years`` column): the gap between the
  rep's experience rank and the territory's potential rank, so the most experienced reps
  go to the largest potential;
- skills (when reps have a ``skills`` column listing industries, separated by commas or
  semicolons, and accounts an ``industry`` column): the share of the territory's revenue
  in industries the rep does not list.

OR-Tools' linear sum assignment finds the cheapest matching. With more reps than
territories some reps get none; with more territories than reps some stay open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import linear_sum_assignment

from planner.models.balance import COL_POTENTIAL, COL_REVENUE
from planner.models.geo import haversine_km
from planner.models.plan import Plan

#: Integer costs for the solver: the float cost times this.
COST_SCALE = 1_000_000


@dataclass(frozen=True)
class MatchWeights:
    """How much each part of the cost counts."""

    distance: float = 1.0
    experience: float = 1.0
    skills: float = 1.0


@dataclass
class Suggestion:
    """One rep for one territory, with the parts of its cost and a readable reason."""

    rep_id: str
    territory_id: str
    cost: float
    distance_km: float
    experience_gap: float
    skills_gap: float
    current: bool
    explanation: str


def solve_assignment(cost: np.ndarray) -> list[tuple[int, int]]:
    """Cheapest matching of rows to columns (each used at most once, as many as possible).

    Costs are scaled to integers (:data:`COST_SCALE`) for OR-Tools; the matrix is padded
    to a square with zero-cost dummies, so rectangular problems work.
    """
    c = np.asarray(cost, dtype=float)
    if c.ndim != 2 or not np.isfinite(c).all():
        raise ValueError("the cost matrix must be two-dimensional and finite")
    n_rows, n_cols = c.shape
    n = max(n_rows, n_cols)
    if n == 0:
        return []
    scaled = np.zeros((n, n), dtype=np.int64)
    scaled[:n_rows, :n_cols] = np.rint((c - c.min()) * COST_SCALE).astype(np.int64)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    left, right = np.divmod(np.arange(n * n), n)
    solver.add_arcs_with_cost(left, right, scaled.ravel())
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"the assignment solver stopped with status {status}")
    pairs = [(i, int(solver.right_mate(i))) for i in range(n_rows)]
    return [(i, j) for i, j in pairs if j < n_cols]


def _skills(value: object) -> set[str]:
    if not isinstance(value, str):
        return set()
    return {s.strip().lower() for s in re.split(r"[,;|]", value) if s.strip()}


def _rank(values: np.ndarray) -> np.ndarray:
    """Ranks scaled to 0..1 (0 = smallest); a single value ranks 0.5."""
    n = len(values)
    if n < 2:
        return np.full(n, 0.5)
    order = np.argsort(np.argsort(values, kind="stable"), kind="stable")
    return order / (n - 1)


@dataclass
class MatchCosts:
    """The cost matrix (reps × territories) and its parts."""

    total: np.ndarray
    distance_km: np.ndarray
    experience_gap: np.ndarray
    skills_gap: np.ndarray
    uses_experience: bool
    uses_skills: bool


def match_costs(plan: Plan, weights: MatchWeights | None = None) -> MatchCosts:
    """Cost of each rep (rows, in ``plan.reps`` order) taking each territory (columns)."""
    weights = weights or MatchWeights()
    reps = plan.reps
    k = plan.n_territories
    at = plan.account_territory
    rows = np.where(at < 0, k, at)
    lon = plan.engine.lon
    lat = plan.engine.lat
    placed = np.isfinite(lon) & np.isfinite(lat)
    cnt = np.bincount(rows[placed], minlength=k + 1)[:k]
    with np.errstate(invalid="ignore", divide="ignore"):
        c_lon = np.bincount(rows[placed], weights=lon[placed], minlength=k + 1)[:k] / cnt
        c_lat = np.bincount(rows[placed], weights=lat[placed], minlength=k + 1)[:k] / cnt
    r_lon = reps["lon"].to_numpy(dtype=float)
    r_lat = reps["lat"].to_numpy(dtype=float)
    dist = haversine_km(r_lon[:, None], r_lat[:, None], c_lon[None, :], c_lat[None, :])
    dist = np.where(np.isfinite(dist), dist, np.nan)
    finite = np.isfinite(dist)
    scale = float(dist[finite].max()) if finite.any() and dist[finite].max() > 0 else 1.0
    dist_cost = np.where(finite, dist / scale, 0.5)

    n_reps = len(reps)
    exp_gap = np.zeros((n_reps, k))
    uses_exp = "experience_years" in reps and n_reps > 0 and k > 0
    if uses_exp:
        exp = np.nan_to_num(reps["experience_years"].to_numpy(dtype=float))
        potential = plan.engine.totals[:k, COL_POTENTIAL]
        exp_gap = np.abs(_rank(exp)[:, None] - _rank(potential)[None, :])

    skill_gap = np.zeros((n_reps, k))
    uses_skills = "skills" in reps and "industry" in plan.accounts and n_reps > 0 and k > 0
    if uses_skills:
        industry = (
            plan.accounts["industry"]
            .astype(object)
            .map(lambda v: v.strip().lower() if isinstance(v, str) else "")
        )
        revenue = plan.engine.weights[:, COL_REVENUE]
        total = np.bincount(rows, weights=revenue, minlength=k + 1)[:k]
        names = sorted(set(industry))
        code = industry.map({n: i for i, n in enumerate(names)}).to_numpy(dtype=np.int64)
        by_industry = np.zeros((k + 1, len(names)))
        np.add.at(by_industry, (rows, code), revenue)
        for r, value in enumerate(reps["skills"]):
            skills = _skills(value)
            mask = np.array([n in skills for n in names], dtype=bool)
            covered = by_industry[:k, mask].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                skill_gap[r] = np.where(total > 0, 1.0 - covered / total, 0.0)

    total_cost = (
        weights.distance * dist_cost
        + (weights.experience * exp_gap if uses_exp else 0.0)
        + (weights.skills * skill_gap if uses_skills else 0.0)
    )
    return MatchCosts(
        np.asarray(total_cost, dtype=float), dist, exp_gap, skill_gap, uses_exp, uses_skills
    )


def suggest_reps(plan: Plan, weights: MatchWeights | None = None) -> list[Suggestion]:
    """The cheapest rep per territory, each with a readable explanation."""
    costs = match_costs(plan, weights)
    reps = plan.reps
    k = plan.n_territories
    pairs = solve_assignment(costs.total)
    potential = plan.engine.totals[:k, COL_POTENTIAL]
    pot_rank = np.argsort(np.argsort(-potential, kind="stable"), kind="stable") + 1
    exp_rank = np.zeros(len(reps), dtype=np.int64)
    if costs.uses_experience:
        exp = np.nan_to_num(reps["experience_years"].to_numpy(dtype=float))
        exp_rank = np.argsort(np.argsort(-exp, kind="stable"), kind="stable") + 1
    out: list[Suggestion] = []
    for r, t in sorted(pairs, key=lambda p: p[1]):
        rep_id = str(reps["rep_id"].iloc[r])
        rep_name = str(reps["name"].iloc[r])
        current = plan.territories["rep_id"].iloc[t] == rep_id
        d = float(costs.distance_km[r, t])
        parts = [
            f"{rep_name} → {plan.territory_label(t)}"
            + (" (keeps the territory)" if current else ""),
        ]
        if np.isfinite(d):
            nearest = np.nanargmin(costs.distance_km[:, t]) == r
            parts.append(
                f"home {d:,.0f} km from the territory's centre"
                + (" (the nearest rep)" if nearest else "")
            )
        else:
            parts.append("no home or no placed accounts, so distance was not counted")
        if costs.uses_experience:
            years = float(np.nan_to_num(reps["experience_years"].iloc[r]))
            parts.append(
                f"{years:g} years' experience (rank {exp_rank[r]} of {len(reps)}) for "
                f"potential rank {pot_rank[t]} of {k}"
            )
        if costs.uses_skills:
            cover = 100 * (1.0 - costs.skills_gap[r, t])
            parts.append(f"skills cover {cover:.0f} % of the territory's revenue")
        out.append(
            Suggestion(
                rep_id=rep_id,
                territory_id=plan.territory_ids[t],
                cost=float(costs.total[r, t]),
                distance_km=d,
                experience_gap=float(costs.experience_gap[r, t]),
                skills_gap=float(costs.skills_gap[r, t]),
                current=bool(current),
                explanation="; ".join(parts),
            )
        )
    return out


__all__ = [
    "COST_SCALE",
    "MatchCosts",
    "MatchWeights",
    "Suggestion",
    "match_costs",
    "solve_assignment",
    "suggest_reps",
]
