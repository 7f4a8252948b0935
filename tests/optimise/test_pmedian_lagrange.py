"""The Lagrangian bound of the capacitated p-median and the variables it fixes."""

from __future__ import annotations

import numpy as np
import pytest

from planner.optimise.cpmp_lagrange import fixed_variables, lagrangian_bound
from planner.optimise.pmedian import _cpmp_cpsat, solve_capacitated_pmedian
from tests.optimise.test_pmedian import _capacitated_instance


def _optimum(
    dist: np.ndarray, q: np.ndarray, cap: np.ndarray, p: int
) -> tuple[float, list[int], np.ndarray]:
    meds, assign, optimal, _, _ = _cpmp_cpsat(dist, q, cap, p, None, None, 60.0, 120.0, 0)
    assert optimal and meds is not None and assign is not None
    return float(dist[np.arange(dist.shape[0]), assign].sum()), meds, assign


@pytest.mark.parametrize("seed", range(4))
def test_bound_is_below_the_optimum_and_fixing_keeps_the_optimal_plan(seed: int) -> None:
    n, p = 26, 3
    dist, q, cap = _capacitated_instance(400 + seed, n, p)
    best, meds, assign = _optimum(dist, q, cap, p)
    # An upper bound 3 % above: the subgradient aims there, the bound must stay below best.
    lag = lagrangian_bound(dist, q, cap, p, best * 1.03, 200)
    assert lag.bound <= best + 1e-6
    # Not a trivial bound: the sum of each customer's nearest distance is far lower.
    assert lag.bound > float(np.sort(dist, axis=1)[:, 0].sum())
    # Fixing against a plan one unit worse than the optimum (integer costs) removes only
    # variables no plan as good as the optimum uses: the optimal plan's survive.
    may_open, must_open, may_pair = fixed_variables(dist, q, cap, p, lag, best + 1.0)
    assert may_open[meds].all()
    assert may_pair[np.arange(n), assign].all()
    assert set(np.flatnonzero(must_open).tolist()) <= set(meds)
    # And it removes something: the bound prunes far pairs.
    assert may_pair.sum() < n * n


def test_bound_holds_for_fractional_demands_and_capacities() -> None:
    n, p = 24, 3
    dist, q, cap = _capacitated_instance(430, n, p)
    q = q + 0.37
    cap = cap + 0.5
    best, meds, assign = _optimum(dist, q, cap, p)
    lag = lagrangian_bound(dist, q, cap, p, best * 1.05, 200)
    assert lag.bound <= best + 1e-6
    may_open, _, may_pair = fixed_variables(dist, q, cap, p, lag, best + 1.0)
    assert may_open[meds].all()
    assert may_pair[np.arange(n), assign].all()


def test_charged_work_and_stop_are_honoured() -> None:
    dist, q, cap = _capacitated_instance(440, 30, 3)
    charged: list[float] = []
    lag = lagrangian_bound(
        dist, q, cap, 3, 1e9, 500, charged.append, stop=lambda: len(charged) >= 7
    )
    assert len(charged) == 7 and all(c > 0 for c in charged)
    assert np.isfinite(lag.bound)


def test_capacitated_solve_over_the_reduced_model_proves_the_optimum() -> None:
    # Above the full-model size, the model over the variables the bound keeps is exact:
    # solved to optimality it proves the optimum of the whole problem.
    n, p = 70, 6
    dist, q, cap = _capacitated_instance(21, n, p)
    best, _, _ = _optimum(dist, q, cap, p)
    result = solve_capacitated_pmedian(dist, p, q, cap, seed=0, time_limit=10)
    assert result.feasible
    assert result.cost == pytest.approx(best)
    assert result.lower_bound <= best + 1e-6
    if result.optimal:
        assert result.lower_bound == pytest.approx(result.cost)


def test_solve_through_both_exact_stages_gives_the_same_plan_on_a_busy_machine() -> None:
    from planner.optimise import pmedian
    from tests.optimise.test_reproducible import quiet_and_busy

    n, p = 100, 10
    dist, q, cap = _capacitated_instance(22, n, p)
    stages: list[str] = []

    def run() -> np.ndarray:
        pmedian.TRACE = stages.append
        try:
            result = solve_capacitated_pmedian(dist, p, q, cap, seed=2, time_limit=3.0)
        finally:
            pmedian.TRACE = None
        assert result.feasible and not result.optimal
        return result.assignment

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)
    # The quick model and the model over every surviving pair both ran, and the limit cut
    # the second (no proof): the equality is the counted work's doing.
    assert [s.split(":")[0] for s in stages] == ["near", "exact"] * 2
    assert "exact True, optimal False" in stages[1]
