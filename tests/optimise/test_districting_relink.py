"""Path relinking of two plans (districting/relink.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.districting import WORK_PER_SECOND, relink, work_ticks
from planner.optimise.graph import Adjacency, cut_edges
from tests.optimise.test_districting import grid
from tests.optimise.test_districting_lns import contiguous, cut_problem
from tests.optimise.test_reproducible import busy_machine

X = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], dtype=float)
K = 3
LOWER, UPPER = X.sum() / K - 6, X.sum() / K + 6


def feasible_plans(adj: Adjacency) -> list[np.ndarray]:
    """Every contiguous plan of the 3 x 4 grid in band, territory 0 holding unit 0."""
    out = []
    for labels in itertools.product(range(K), repeat=adj.n - 1):
        a = np.array((0, *labels))
        sums = np.bincount(a, weights=X, minlength=K)
        if np.all((sums >= LOWER) & (sums <= UPPER)) and contiguous(adj, a, K):
            out.append(a)
    return out


@pytest.fixture(scope="module")
def plans() -> tuple[Adjacency, list[np.ndarray]]:
    adj, _ = grid(3, 4)
    return adj, feasible_plans(adj)


def domain_optimum(
    adj: Adjacency, plan: np.ndarray, other: np.ndarray, all_plans: list[np.ndarray]
) -> int:
    """Fewest cut edges over the feasible plans whose every unit takes a territory it or a
    neighbour has in ``plan`` or in ``other`` (already renamed); a territory that no unit
    is limited to keeps the most populous unit both plans give it (the model's rule)."""
    lists = adj.to_lists()
    domain = [
        {int(plan[j]) for j in (i, *lists[i])} | {int(other[j]) for j in (i, *lists[i])}
        for i in range(adj.n)
    ]
    kept = {}
    for t in range(K):
        if not any(d == {t} for d in domain):
            both = [i for i in range(adj.n) if plan[i] == t and other[i] == t]
            kept[t] = max(both, key=lambda i: (X[i], -i))
    best = cut_edges(adj, plan)
    for a in all_plans:
        for perm in itertools.permutations(range(K)):
            b = np.array(perm)[a]
            if all(int(b[i]) in domain[i] for i in range(adj.n)) and all(
                b[i] == t for t, i in kept.items()
            ):
                best = min(best, cut_edges(adj, b))
    return best


def test_labels_are_matched_by_shared_measure() -> None:
    plan = np.array([0, 0, 1, 1, 2, 2])
    renamed = np.array([2, 2, 0, 0, 1, 1])
    out = relink.match_labels(np.ones(6), plan, renamed, [0, 1, 2])
    assert np.array_equal(out, plan)


def test_relink_finds_the_best_plan_its_domains_allow(
    plans: tuple[Adjacency, list[np.ndarray]],
) -> None:
    adj, all_plans = plans
    order = sorted(all_plans, key=lambda a: -cut_edges(adj, a))
    rng = np.random.default_rng(1)
    checked = improved = 0
    for idx in rng.choice(len(order) // 3, size=12, replace=False).tolist():
        plan = order[idx]
        other = order[int(rng.integers(len(order)))]
        prob = cut_problem(adj, X, K, LOWER, UPPER)
        matched = relink.match_labels(X, plan, other, list(range(K)))
        expected = domain_optimum(adj, plan, matched, all_plans)
        out, proven = relink.relink(prob, plan, other, work_ticks() + 60 * WORK_PER_SECOND)
        assert proven
        if expected < cut_edges(adj, plan):
            assert out is not None
            assert cut_edges(adj, out) == expected
            assert contiguous(adj, out, K)
            sums = np.bincount(out, weights=X, minlength=K)
            assert np.all((sums >= LOWER - 1e-9) & (sums <= UPPER + 1e-9))
            improved += 1
        else:
            assert out is None
        checked += 1
    assert checked == 12 and improved >= 3


def test_chained_relinks_end_no_worse_than_a_single_one(
    plans: tuple[Adjacency, list[np.ndarray]],
) -> None:
    adj, all_plans = plans
    order = sorted(all_plans, key=lambda a: -cut_edges(adj, a))
    plan, others = order[len(order) // 4], [order[len(order) // 2], order[len(order) // 3]]
    prob = cut_problem(adj, X, K, LOWER, UPPER)
    limit = work_ticks() + 60 * WORK_PER_SECOND
    single = [relink.relink(prob, plan, other, limit)[0] for other in others]
    best_single = min(cut_edges(adj, s) for s in single if s is not None)
    elite = [o.copy() for o in others]
    tried: set[tuple[bytes, bytes]] = set()
    out = relink.relink_chain(prob, plan, elite, tried, limit)
    assert out is not None and cut_edges(adj, out) <= best_single < cut_edges(adj, plan)
    assert contiguous(adj, out, K)
    # The plans relinks improved on joined the elite, and no pair was solved twice.
    assert len(elite) > 2 and len(tried) == len(set(tried))


def test_the_same_relink_under_load(plans: tuple[Adjacency, list[np.ndarray]]) -> None:
    adj, all_plans = plans
    order = sorted(all_plans, key=lambda a: -cut_edges(adj, a))
    plan, other = order[5], order[len(order) // 2]

    def run() -> tuple[np.ndarray | None, bool]:
        prob = cut_problem(adj, X, K, LOWER, UPPER)
        return relink.relink(prob, plan, other, work_ticks() + 60 * WORK_PER_SECOND)

    quiet = run()
    with busy_machine():
        busy = run()
    assert quiet[1] == busy[1]
    assert (quiet[0] is None) == (busy[0] is None)
    if quiet[0] is not None and busy[0] is not None:
        assert np.array_equal(quiet[0], busy[0])


def test_plans_of_different_territories_are_not_relinked(
    plans: tuple[Adjacency, list[np.ndarray]],
) -> None:
    adj, all_plans = plans
    prob = cut_problem(adj, X, K, LOWER, UPPER)
    prob.active[2] = False  # territory 2 takes no part: the plans must agree on its units
    a, b = all_plans[0], next(p for p in all_plans if not np.array_equal(p == 2, all_plans[0] == 2))
    assert relink.relink(prob, a, b, work_ticks() + 60 * WORK_PER_SECOND) == (None, False)
