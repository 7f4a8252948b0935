"""Rep matching: optimal against brute force, and explained."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.rep_matching import (
    COST_SCALE,
    MatchWeights,
    match_costs,
    solve_assignment,
    suggest_reps,
)
from tests.conftest import make_plan


def _brute_force(cost: np.ndarray) -> float:
    rows, cols = cost.shape
    if rows <= cols:
        return min(
            sum(cost[i, p[i]] for i in range(rows))
            for p in itertools.permutations(range(cols), rows)
        )
    return min(
        sum(cost[p[j], j] for j in range(cols)) for p in itertools.permutations(range(rows), cols)
    )


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (5, 5), (6, 6), (4, 6), (6, 4), (7, 7)])
@pytest.mark.parametrize("seed", range(4))
def test_assignment_is_optimal_against_brute_force(shape: tuple[int, int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    cost = rng.uniform(0, 3, shape)
    if seed == 3:
        cost = np.round(cost)  # many ties
    pairs = solve_assignment(cost)
    rows, cols = zip(*pairs, strict=True)
    assert len(pairs) == min(shape)
    assert len(set(rows)) == len(rows) and len(set(cols)) == len(cols)
    total = sum(cost[i, j] for i, j in pairs)
    assert total <= _brute_force(cost) + min(shape) / COST_SCALE


def _plan_with_skills():  # type: ignore[no-untyped-def]
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=7)
    plan.reps["experience_years"] = [2.0, 15.0, 7.0, 1.0]
    plan.reps["skills"] = ["Retail", "Healthcare; Retail", None, "healthcare"]
    return plan


def test_suggestions_are_the_optimal_matching_of_the_plan_costs() -> None:
    plan = _plan_with_skills()
    costs = match_costs(plan, MatchWeights(distance=1.0, experience=0.5, skills=0.5))
    assert costs.uses_experience and costs.uses_skills
    suggestions = suggest_reps(plan, MatchWeights(distance=1.0, experience=0.5, skills=0.5))
    assert sorted(s.territory_id for s in suggestions) == plan.territory_ids
    assert len({s.rep_id for s in suggestions}) == len(suggestions)
    total = sum(s.cost for s in suggestions)
    assert total <= _brute_force(costs.total) + 4 / COST_SCALE
    for s in suggestions:
        assert "km from the territory's centre" in s.explanation
        assert "years' experience" in s.explanation and "skills cover" in s.explanation


def test_distance_only_keeps_reps_living_in_their_territories() -> None:
    plan = make_plan(n_accounts=400, grid=8, n_territories=4, seed=1)
    suggestions = suggest_reps(plan, MatchWeights(experience=0.0, skills=0.0))
    assert all(s.current for s in suggestions)
    assert all("keeps the territory" in s.explanation for s in suggestions)
    assert not match_costs(plan).uses_experience


def test_skill_gap_is_the_revenue_share_outside_the_reps_industries() -> None:
    plan = _plan_with_skills()
    costs = match_costs(plan)
    industry = plan.accounts["industry"].to_numpy()
    rev = plan.accounts["revenue"].to_numpy()
    at = plan.account_territory
    for t in range(plan.n_territories):
        retail = rev[(at == t) & (industry == "Retail")].sum() / rev[at == t].sum()
        assert costs.skills_gap[0, t] == pytest.approx(1 - retail)
        assert costs.skills_gap[1, t] == pytest.approx(0.0, abs=1e-12)
        assert costs.skills_gap[2, t] == pytest.approx(1.0)
        assert costs.skills_gap[3, t] == pytest.approx(retail)
