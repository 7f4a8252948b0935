"""Lagrangian bound of the capacitated p-median, and the variables it fixes.

Relaxing every customer's "assigned exactly once" row with a multiplier ``lam[i]`` leaves, per
candidate centre ``j``, a 0/1 knapsack: take the customers whose reduced cost
``dist[i, j] - lam[i]`` is negative, as many as the capacity holds. With ``rho[j]`` the best
(most negative) knapsack value, the Lagrangian bound is ``sum(lam) + the p smallest rho`` (the
relaxation of Lorena and Senne, and of Baldacci et al.'s first bound). Subgradient steps on
``lam`` raise it; the knapsacks are solved together by dynamic programming over integer
weights, one numpy operation per customer for all centres at once.

With a feasible plan of cost ``upper``, the bound's reduced costs fix variables exactly:

* a centre whose opening forces the bound to ``upper`` or above is closed (and one whose
  closing does is opened);
* a customer-centre pair whose use forces the bound there is removed. Forcing customer ``i``
  into centre ``j``'s knapsack gains at most ``lam[i] - dist[i, j]`` plus the best knapsack of
  the capacity left (the dynamic programme's table already holds it), so the test is one
  array operation.

Every plan better than ``upper`` keeps its variables, so a model over the survivors solved
to optimality proves the optimum of the whole problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from collections.abc import Callable

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Knapsack capacities are scaled to at most this many integer units (weights rounded down,
# capacities too: a relaxation, so the bound stays valid for fractional demands).
MAX_UNITS = 400
# Counted work: seconds per knapsack cell (centre x capacity unit) of one customer's update,
# measured on the 2-core machine (about 2.2e-9 s at load 3-4 on p10100-11..13).
CELL_COST = 2.5e-9


@dataclass(frozen=True)
class LagrangianBound:
    """The best bound found and what it fixes.

    Attributes
    ----------
    bound : float
        A lower bound on the optimal cost.
    lam : ndarray, shape (n,)
        The multipliers that gave it.
    rho : ndarray, shape (c,)
        Each centre's knapsack value at ``lam``.
    table : ndarray, shape (c, units + 1)
        Each centre's best knapsack profit by capacity, at ``lam``.
    centre_sets : list of tuple of int
        The centre sets the relaxation chose along the way, best bound first (distinct).
    """

    bound: float
    lam: FloatArray
    rho: FloatArray
    table: FloatArray
    centre_sets: list[tuple[int, ...]]


class _Knapsacks:
    """Every centre's 0/1 knapsack over the customers, solved by one shared programme."""

    def __init__(self, dist: FloatArray, demand: FloatArray, capacity: FloatArray) -> None:
        self.d = dist
        n, c = dist.shape
        top = float(capacity.max())
        integral = np.allclose(demand, np.round(demand)) and np.allclose(
            capacity, np.round(capacity)
        )
        scale = 1.0 if integral and top <= MAX_UNITS else MAX_UNITS / max(top, 1e-12)
        self.weight = np.floor(demand * scale + 1e-9).astype(np.int64)
        self.cap = np.floor(capacity * scale + 1e-9).astype(np.int64)
        self.units = int(self.cap.max())
        self.n, self.c = n, c
        # Customers whose weight rounds to zero fit anywhere: no capacity used.
        self.cells = float(c * (self.units + 1))

    def solve(self, lam: FloatArray, keep: bool) -> tuple[FloatArray, BoolArray | None]:
        """Best profit table (c, units + 1) at ``lam``; with ``keep``, the take decisions."""
        profit = lam[:, None] - self.d  # (n, c): gain of putting customer i in centre j
        table = np.zeros((self.c, self.units + 1))
        takes = np.zeros((self.n, self.c, self.units + 1), dtype=bool) if keep else None
        for i in range(self.n):
            v = profit[i]
            rows = np.flatnonzero(v > 0)
            if rows.size == 0:
                continue
            w = int(self.weight[i])
            sub = table[rows]
            if w == 0:
                sub += v[rows, None]
                if takes is not None:
                    takes[i, rows, :] = True
                table[rows] = sub
                continue
            if w > self.units:
                continue
            cand = sub[:, :-w] + v[rows, None]
            better = cand > sub[:, w:]
            sub[:, w:] = np.where(better, cand, sub[:, w:])
            table[rows] = sub
            if takes is not None:
                takes[i, rows, w:] = better
        return table, takes

    def values(self, table: FloatArray) -> FloatArray:
        """Each centre's best profit within its own capacity."""
        return table[np.arange(self.c), self.cap]

    def members(self, takes: BoolArray, j: int) -> list[int]:
        """The customers centre ``j``'s best knapsack takes (backtracking the decisions)."""
        w = int(self.cap[j])
        chosen = []
        for i in range(self.n - 1, -1, -1):
            if takes[i, j, w]:
                chosen.append(i)
                w -= int(self.weight[i])
        return chosen


def lagrangian_bound(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    p: int,
    upper: float,
    iterations: int,
    charge: Callable[[float], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> LagrangianBound:
    """Subgradient optimisation of the Lagrangian bound (assignment rows relaxed).

    ``upper`` is the cost of a known plan (the step size aims at it). At most ``iterations``
    subgradient steps; each one's work (knapsack cells) is charged to ``charge`` at
    ``CELL_COST``. ``stop()`` ends it early (cancel, budget).
    """
    n, c = dist.shape
    ks = _Knapsacks(dist, demand, capacity)
    # Start: every customer's multiplier at its distance to the second-nearest candidate.
    lam = np.sort(dist, axis=1)[:, min(1, c - 1)].astype(np.float64)
    step = 2.0
    best = -np.inf
    best_state: tuple[FloatArray, FloatArray, FloatArray] | None = None
    stale = 0
    sets: dict[tuple[int, ...], float] = {}
    for _ in range(max(1, iterations)):
        if stop is not None and stop():
            break
        table, takes = ks.solve(lam, keep=True)
        assert takes is not None
        if charge is not None:
            charge(CELL_COST * ks.cells * n)
        rho = -ks.values(table)
        order = np.argsort(rho, kind="stable")
        chosen = order[:p]
        value = float(lam.sum() + rho[chosen].sum())
        key = tuple(sorted(int(j) for j in chosen))
        sets[key] = max(sets.get(key, -np.inf), value)
        if value > best + 1e-9:
            best, best_state, stale = value, (lam.copy(), rho, table), 0
        else:
            stale += 1
            if stale >= 20:
                step /= 2.0
                stale = 0
        if best >= upper - 1e-9 or step < 1e-4:
            break
        served = np.zeros(n)
        for j in chosen.tolist():
            served[ks.members(takes, j)] += 1.0
        grad = 1.0 - served
        norm = float(grad @ grad)
        if norm == 0.0:
            # Every customer served exactly once by the chosen centres: the relaxation's
            # plan is feasible and its bound is its cost.
            break
        lam = lam + step * max(upper - value, 1e-6) / norm * grad
    assert best_state is not None
    lam_b, rho_b, table_b = best_state
    ranked = sorted(sets, key=lambda k: -sets[k])
    return LagrangianBound(best, lam_b, rho_b, table_b, ranked)


def forced_bounds(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    p: int,
    lag: LagrangianBound,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The bound with each variable forced: (centre j open, centre j closed, pair (i, j) used).

    Customer ``i`` forced into centre ``j``'s knapsack gains at most ``lam[i] - dist[i, j]``
    plus the best knapsack of the capacity left (a row of the programme's table), and the
    other ``p - 1`` centres contribute at least the ``p - 1`` smallest ``rho`` besides ``j``.
    """
    c = dist.shape[1]
    ks = _Knapsacks(dist, demand, capacity)
    rho = lag.rho
    order = np.argsort(rho, kind="stable")
    chosen = order[:p]
    base = float(lag.lam.sum())
    in_sum = float(rho[chosen].sum())
    last_in = float(rho[order[p - 1]])
    first_out = float(rho[order[p]]) if p < c else np.inf
    is_in = np.zeros(c, dtype=bool)
    is_in[chosen] = True
    open_bound = np.where(is_in, base + in_sum, base + in_sum - last_in + rho)
    close_bound = np.where(is_in, base + in_sum - rho + first_out, base + in_sum)
    others = np.where(is_in, in_sum - rho, in_sum - last_in)
    profit = lag.lam[:, None] - dist
    left = np.clip(ks.cap[None, :] - ks.weight[:, None], -1, None)
    rest = np.where(left >= 0, lag.table[np.arange(c)[None, :], np.maximum(left, 0)], -np.inf)
    pair_bound = base + others[None, :] - (profit + rest)
    return open_bound, close_bound, pair_bound


def fixed_variables(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    p: int,
    lag: LagrangianBound,
    upper: float,
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """(centres that may open, centres that must open, pairs (i, j) that may be used).

    Exact with respect to plans cheaper than ``upper``: each removed variable forces the
    Lagrangian bound to ``upper`` or above. Integer costs use ``upper - 1`` (a better plan
    costs at most that).
    """
    integral = bool(np.allclose(dist, np.round(dist)))
    target = upper - 1.0 + 1e-6 if integral else upper - 1e-9
    open_bound, close_bound, pair_bound = forced_bounds(dist, demand, capacity, p, lag)
    may_open = open_bound <= target
    must_open = close_bound > target
    may_pair = (pair_bound <= target) & may_open[None, :]
    return may_open, must_open, may_pair
