"""p-median solvers: uncapacitated and capacitated.

The p-median is the compactness core of territory creation: open ``p`` centres among candidate
units and assign every unit to one, minimising the weighted sum of distances. The capacitated
form adds a capacity per centre, the simplest model of a workload cap per territory.

Uncapacitated: greedy construction, then the Whitaker/Teitz-Bart interchange with the swap gains
of all (candidate in, median out) pairs computed at once in numpy, restarted from perturbed
solutions until the time limit (iterated local search). Small instances can be solved exactly by
a MIP (HiGHS or SCIP through OR-Tools), which also proves optimality.

Capacitated: for a set of medians, the assignment is a generalised assignment problem, solved
by CP-SAT. Medians are improved by relocating each one within its cluster and by swaps; then
groups of neighbouring clusters are re-solved exactly by CP-SAT (a matheuristic: a centre and
its nearest centres, with their customers, as a small capacitated p-median; and shifts of a
centre from one region to another), and the exact model, warm-started from that plan, finishes
on CP-SAT: the full model up to 40 customers; above, the Lagrangian bound (``cpmp_lagrange``)
fixes the variables no better plan uses and ranks the rest, a quick model over the best-ranked
ones improves the plan, and the model over every surviving variable proves the optimum when
it closes.

Every limit is counted work (swap evaluations, CP-SAT deterministic time, SCIP nodes), so the
same inputs and seed give the same result on a busy machine; the wall clock is a safety net.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.optimise.cpmp_lagrange import fixed_variables, forced_bounds, lagrangian_bound

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.models.progress import TaskState

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class PMedianResult:
    """A p-median solution.

    Attributes
    ----------
    medians : ndarray of int, shape (p,)
        Column indices (candidates) of the open medians, sorted.
    assignment : ndarray of int, shape (n,)
        Candidate index each customer is assigned to.
    cost : float
        Weighted sum of assignment distances.
    optimal : bool
        True when a solver proved the cost optimal.
    lower_bound : float
        Best proven lower bound (``cost`` when optimal, ``0`` when none is known).
    feasible : bool
        False when no assignment respects the capacities (capacitated problem only).
    """

    medians: IntArray
    assignment: IntArray
    cost: float
    optimal: bool = False
    lower_bound: float = 0.0
    feasible: bool = True


def graph_distances(n: int, edges: ArrayLike) -> FloatArray:
    """All-pairs shortest path lengths over an undirected weighted graph (Floyd-Warshall).

    Parameters
    ----------
    n : int
        Number of vertices.
    edges : array_like, shape (m, 3)
        Rows ``(i, j, cost)`` with 0-based vertices. When an edge is listed more than once the
        **last** cost counts (the OR-Library convention), not the smallest.

    Returns
    -------
    ndarray of float, shape (n, n)
        ``inf`` between disconnected vertices.
    """
    e = np.asarray(edges, dtype=np.float64).reshape(-1, 3)
    dist = np.full((n, n), np.inf)
    i = e[:, 0].astype(np.int64)
    j = e[:, 1].astype(np.int64)
    # Both orientations interleaved in input order, so a later listing of an edge (in either
    # direction) overrides an earlier one; assignment keeps the last of repeated indices.
    rows = np.column_stack([i, j]).ravel()
    cols = np.column_stack([j, i]).ravel()
    dist[rows, cols] = np.repeat(e[:, 2], 2)
    np.fill_diagonal(dist, 0.0)
    for k in range(n):
        np.minimum(dist, dist[:, k, None] + dist[None, k, :], out=dist)
    return dist


def _check_problem(
    dist: ArrayLike, p: int, weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray]:
    d = np.asarray(dist, dtype=np.float64)
    if d.ndim != 2:
        raise ValueError(f"dist must be a 2-D (customers x candidates) array, got {d.ndim}-D")
    n, c = d.shape
    if not 1 <= p <= c:
        raise ValueError(f"p must be between 1 and the number of candidates ({c}), got {p}")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"weights must have shape ({n},), got {w.shape}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    return d, w


def pmedian_cost(dist: ArrayLike, medians: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Weighted sum of each customer's distance to its nearest median."""
    d = np.asarray(dist, dtype=np.float64)
    w = np.ones(d.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    return float(w @ d[:, np.asarray(medians, dtype=np.int64)].min(axis=1))


# Counted work, in seconds of this machine's CPU time: one pass of the interchange costs
# PASS_COST, plus COLUMN_COST for each median it scans (one numpy product each), plus
# SWAP_CELL_COST per (customer, candidate) cell it reads. Fitted by least squares on
# 300-round searches of eight generated instances, n = 50-300, p = 5-30 (2-core machine,
# load 4): within 10 % of the CPU on each. The cells alone (1.2e-9 s a cell, measured at
# n >= 100) counted an n = 50 search at an eighth of its CPU: numpy's fixed cost per call
# is most of a pass there.
SWAP_CELL_COST = 0.9e-9
PASS_COST = 45e-6
COLUMN_COST = 15e-6
# The wall clock is only a safety net: this many times the limit, plus SAFETY_EXTRA seconds.
# At load 19-23 on the 2-core machine a 10 s solve took 100-130 s of wall clock, so ten times
# the limit cut runs short there and made them differ.
SAFETY_FACTOR = 30.0
SAFETY_EXTRA = 30.0


class _Budget:
    """Work a solve has done, counted, so that a busy machine neither shortens nor changes it.

    Every phase charges what it did: the interchange its swap evaluations (cells of the
    distance matrix it read, at ``SWAP_CELL_COST``), CP-SAT its deterministic time plus a
    counted cost of building the model. The same inputs and seed therefore do the same work
    and give the same result however loaded the machine is. The wall clock (``SAFETY_FACTOR``
    times the limit plus ``SAFETY_EXTRA`` seconds) is only a safety net. Thread CPU time was
    used before: repeatable on a quiet machine, but a solve cut by its limit still differed
    between runs (p10100-18: 1.44 % and 2.01 % above the optimum in two runs).
    """

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.work = 0.0
        self.wall_deadline = time.perf_counter() + SAFETY_FACTOR * limit + SAFETY_EXTRA

    def charge(self, seconds: float) -> None:
        self.work += seconds

    def used(self) -> float:
        if time.perf_counter() > self.wall_deadline:
            return math.inf
        return self.work

    def left(self) -> float:
        return self.limit - self.used()

    def wall_left(self) -> float:
        return max(0.0, self.wall_deadline - time.perf_counter())


class _Interchange:
    """Teitz-Bart interchange with vectorised swap gains (Whitaker's fast interchange)."""

    def __init__(
        self, dist: FloatArray, weights: FloatArray, charge: Callable[[float], None] | None = None
    ) -> None:
        self.d = dist
        self.w = weights
        self.n, self.c = dist.shape
        # Where the counted work goes (seconds: PASS_COST, COLUMN_COST, SWAP_CELL_COST).
        self.charge = charge if charge is not None else (lambda seconds: None)

    def greedy(self, p: int, first: int | None = None) -> list[int]:
        """Add medians one at a time, each the one that lowers the cost most."""
        d, w = self.d, self.w
        medians: list[int] = []
        if first is None:
            nearest = np.full(self.n, np.inf)
        else:
            medians.append(first)
            nearest = d[:, first].copy()
        while len(medians) < p:
            self.charge(PASS_COST + COLUMN_COST + SWAP_CELL_COST * self.n * self.c)
            costs = w @ d if np.isinf(nearest).all() else w @ np.minimum(d, nearest[:, None])
            costs[medians] = np.inf
            best = int(np.argmin(costs))
            medians.append(best)
            nearest = np.minimum(nearest, d[:, best])
        return medians

    def local_search(self, medians: list[int], stop: Callable[[], bool]) -> tuple[list[int], float]:
        """Best-improvement swaps until no swap lowers the cost (or ``stop()`` says so)."""
        d, w = self.d, self.w
        meds = list(medians)
        while True:
            # One pass reads the distance matrix once per median, plus the sort of ``sub``.
            columns = len(meds) + 1
            self.charge(PASS_COST + columns * (COLUMN_COST + SWAP_CELL_COST * self.n * self.c))
            sub = d[:, meds]
            order = np.argsort(sub, axis=1)[:, :2]
            rows = np.arange(self.n)
            d1 = sub[rows, order[:, 0]]
            d2 = sub[rows, order[:, 1]] if len(meds) > 1 else np.full(self.n, np.inf)
            c1 = order[:, 0]
            current = float(w @ d1)
            best_cost, best_swap = current, None
            for r in range(len(meds)):
                alt = np.where(c1 == r, d2, d1)
                costs = w @ np.minimum(d, alt[:, None])
                costs[meds] = np.inf
                i = int(np.argmin(costs))
                if costs[i] < best_cost - 1e-9:
                    best_cost, best_swap = float(costs[i]), (r, i)
            if best_swap is None or stop():
                if best_swap is not None:
                    meds[best_swap[0]] = best_swap[1]
                    current = best_cost
                return meds, current
            meds[best_swap[0]] = best_swap[1]


def _pmedian_mip(
    dist: FloatArray,
    p: int,
    weights: FloatArray,
    time_limit: float,
    hint: list[int] | None,
    capacity: tuple[FloatArray, FloatArray] | None = None,
    nearest: int | None = None,
    hint_assignment: IntArray | None = None,
    nodes: int | None = None,
) -> tuple[list[int] | None, IntArray | None, bool, float]:
    """Exact (capacitated) p-median MIP; returns (medians, assignment, optimal, bound).

    ``nodes`` bounds SCIP's branch-and-bound nodes (counted work: with it the result does
    not depend on the machine's load); ``time_limit`` is wall-clock seconds, a safety net.
    """
    from ortools.linear_solver import pywraplp

    n, c = dist.shape
    solver = None
    for name in ("SCIP", "HIGHS", "CBC"):
        solver = pywraplp.Solver.CreateSolver(name)
        if solver is not None:
            break
    if solver is None:
        return None, None, False, 0.0
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    if nodes is not None and solver.SolverVersion().upper().startswith("SCIP"):
        # A node count, not a clock: a busy machine neither cuts the search nor changes it.
        solver.SetSolverSpecificParametersAsString(f"limits/totalnodes = {int(nodes)}\n")
    y = [solver.BoolVar(f"y{j}") for j in range(c)]
    # Uncapacitated: with y integral some optimal x is integral, so x can stay continuous.
    # Capacitated: a customer cannot be split between centres, so x must be integral.
    make = solver.BoolVar if capacity is not None else (lambda name: solver.NumVar(0, 1, name))
    # Each customer may use its ``nearest`` closest candidates only (all by default): with
    # the capacitated hint assignment kept available, a far centre never pays.
    if nearest is None or nearest >= c:
        allowed = [list(range(c)) for _ in range(n)]
    else:
        order = np.argsort(dist, axis=1, kind="stable")[:, :nearest]
        allowed = [sorted(set(order[i].tolist())) for i in range(n)]
        if hint_assignment is not None:
            for i in range(n):
                if int(hint_assignment[i]) not in allowed[i]:
                    allowed[i] = sorted([*allowed[i], int(hint_assignment[i])])
    x = [{j: make(f"x{i}_{j}") for j in allowed[i]} for i in range(n)]
    solver.Add(solver.Sum(y) == p)
    for i in range(n):
        solver.Add(solver.Sum(x[i].values()) == 1)
        for j, v in x[i].items():
            solver.Add(v <= y[j])
    if capacity is not None:
        demand, cap = capacity
        for j in range(c):
            served = [demand[i] * x[i][j] for i in range(n) if j in x[i]]
            solver.Add(solver.Sum(served) <= cap[j] * y[j])
    objective = solver.Objective()
    for i in range(n):
        for j, v in x[i].items():
            objective.SetCoefficient(v, float(weights[i] * dist[i, j]))
    objective.SetMinimization()
    if hint is not None:
        hint_vars = list(y)
        hint_values = [1.0 if j in set(hint) else 0.0 for j in range(c)]
        if hint_assignment is not None:
            for i in range(n):
                for j, v in x[i].items():
                    hint_vars.append(v)
                    hint_values.append(1.0 if j == int(hint_assignment[i]) else 0.0)
        solver.SetHint(hint_vars, hint_values)
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None, None, False, 0.0
    meds = [j for j in range(c) if y[j].solution_value() > 0.5]
    assignment = np.zeros(n, dtype=np.int64)
    for i in range(n):
        values = {j: v.solution_value() for j, v in x[i].items()}
        assignment[i] = max(values, key=values.__getitem__)
    # Optimal over the restricted candidates only; not a proof for the full problem.
    proven = status == pywraplp.Solver.OPTIMAL and (nearest is None or nearest >= c)
    bound = float(objective.BestBound()) if nearest is None or nearest >= c else 0.0
    return meds, assignment, proven, bound


def solve_pmedian(
    dist: ArrayLike,
    p: int,
    weights: ArrayLike | None = None,
    *,
    seed: int = 0,
    time_limit: float = 10.0,
    exact: bool | None = None,
    state: TaskState | None = None,
    rounds: int | None = None,
) -> PMedianResult:
    """Uncapacitated p-median: open ``p`` candidates minimising the weighted distance sum.

    Parameters
    ----------
    dist : array_like, shape (n, c)
        Distance from each customer to each candidate (for vertex p-median, ``c == n``).
    p : int
        Number of medians to open, ``1 <= p <= c``.
    weights : array_like, shape (n,), optional
        Customer weights (demand); ones when omitted.
    seed : int
        Seed of the perturbations; the same seed gives the same result.
    time_limit : float
        Seconds for the whole call (heuristic plus, when run, the exact MIP).
    exact : bool, optional
        Run the exact MIP after the heuristic to prove optimality. ``None`` (default) runs it
        when ``n * c <= 12_000``.
    state : TaskState, optional
        Progress and cancellation; on cancel the best solution so far is returned.
    rounds : int, optional
        Run exactly this many perturbation rounds (counted work, so the same inputs give
        the same medians on a busy machine); ``time_limit`` is then only a safety net.
        Default: as many rounds as fit in the time limit, up to ``200 + 8000 // p``.

    Returns
    -------
    PMedianResult
    """
    d, w = _check_problem(dist, p, weights)
    n, c = d.shape
    budget = _Budget(time_limit)
    if exact is None:
        exact = n * c <= 12_000
    return _solve_pmedian(d, w, p, budget, seed=seed, exact=exact, state=state, rounds=rounds)


def _solve_pmedian(
    d: FloatArray,
    w: FloatArray,
    p: int,
    budget: _Budget,
    *,
    seed: int,
    exact: bool,
    state: TaskState | None,
    rounds: int | None,
) -> PMedianResult:
    """``solve_pmedian`` charging its work to ``budget`` (see there)."""
    n, c = d.shape
    time_limit = budget.limit
    heuristic_share = (0.5 if exact else 1.0) * time_limit

    def heuristic_done() -> bool:
        if rounds is not None:
            return budget.wall_left() <= 0.0
        return budget.used() > heuristic_share

    max_rounds = 200 + 8000 // max(1, p) if rounds is None else max(0, int(rounds))
    rng = np.random.default_rng(seed)
    search = _Interchange(d, w, budget.charge)
    best, best_cost = search.local_search(search.greedy(p), heuristic_done)
    current, current_cost = list(best), best_cost
    done = 0
    # Iterated local search: perturb a few medians of the incumbent and descend again. The
    # interchange is a strong local optimum already, so a few hundred rounds usually suffice.
    while done < max_rounds and not heuristic_done():
        if state is not None:
            if state.is_cancelled():
                break
            state.report(min(0.9, done / max_rounds), "p-median: local search")
        done += 1
        trial = list(current)
        kick = int(rng.integers(1, max(2, min(p, 3)) + 1))
        outside = np.setdiff1d(np.arange(c), trial)
        for pos in rng.choice(p, size=min(kick, p), replace=False):
            choice = int(rng.choice(outside))
            outside = outside[outside != choice]
            trial[int(pos)] = choice
        trial, trial_cost = search.local_search(trial, heuristic_done)
        if trial_cost < best_cost - 1e-9:
            best, best_cost = list(trial), trial_cost
        if trial_cost <= current_cost + 1e-9 or rng.random() < 0.1:
            current, current_cost = trial, trial_cost
        else:
            current, current_cost = list(best), best_cost
    optimal, bound = False, 0.0
    cancelled = state is not None and state.is_cancelled()
    if exact and not cancelled and budget.left() > 0.1:
        meds, _, optimal, bound = _pmedian_mip(
            d, p, w, budget.wall_left(), hint=best, nodes=_mip_nodes(budget.left())
        )
        if meds is not None and len(meds) == p:
            cost = pmedian_cost(d, meds, w)
            if cost < best_cost - 1e-9:
                best, best_cost = meds, cost
            if optimal:
                bound = best_cost
    medians = np.sort(np.asarray(best, dtype=np.int64))
    assignment = medians[np.argmin(d[:, medians], axis=1)]
    if state is not None:
        state.report(1.0, "p-median: done")
    return PMedianResult(
        medians=medians,
        assignment=assignment,
        cost=float(w @ d[np.arange(n), assignment]),
        optimal=bool(optimal),
        lower_bound=float(bound),
    )


# SCIP's branch-and-bound nodes per second of budget left (counted work in place of its
# clock) for the uncapacitated MIP, whose LP is nearly integral: OR-Library pmed1-5
# (n = 100) close in 1-2 nodes.
NODES_PER_SECOND = 20


def _mip_nodes(seconds: float) -> int:
    return max(1, int(NODES_PER_SECOND * seconds))


def _gap_assignment(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    medians: list[int],
    time_limit: float,
    budget: _Budget | None = None,
) -> tuple[IntArray | None, float]:
    """Assign customers to fixed medians within capacity (generalised assignment, CP-SAT).

    One worker on deterministic time (charged to ``budget``), so the assignment does not
    depend on the machine's load."""
    from ortools.sat.python import cp_model

    n = dist.shape[0]
    p = len(medians)
    model = cp_model.CpModel()
    # CP-SAT needs integers: costs scaled so rounding cannot reorder assignments that matter.
    scale = 1.0 if np.allclose(dist, np.round(dist)) else 1000.0
    cost = np.round(dist[:, medians] * scale).astype(np.int64)
    dem_scale = 1.0 if np.allclose(demand, np.round(demand)) else 1000.0
    dem = np.round(demand * dem_scale).astype(np.int64)
    cap = np.floor(capacity[medians] * dem_scale + 1e-9).astype(np.int64)
    x = [[model.new_bool_var(f"x{i}_{r}") for r in range(p)] for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
    for r in range(p):
        model.add(sum(int(dem[i]) * x[i][r] for i in range(n)) <= int(cap[r]))
    model.minimize(sum(int(cost[i, r]) * x[i][r] for i in range(n) for r in range(p)))
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = max(0.05, time_limit)
    solver.parameters.max_time_in_seconds = 10.0 * max(0.05, time_limit) + 30.0
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if budget is not None:
        det = float(solver.response_proto.deterministic_time)
        budget.charge(GAP_CPU_PER_WORK * (det + LNS_BUILD_COST * n * p))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, np.inf
    assignment = np.array(
        [medians[next(r for r in range(p) if solver.value(x[i][r]))] for i in range(n)],
        dtype=np.int64,
    )
    return assignment, float(dist[np.arange(n), assignment].sum())


# Cluster neighbourhoods: how many neighbouring clusters one subproblem frees (tried in turn,
# growing after a round without a gain), the deterministic seconds each may take, and the
# share of the time limit the whole neighbourhood search may use (CP-SAT deterministic seconds).
LNS_CLUSTERS = (2, 3, 4, 5)
LNS_SUB_TIME = 1.0
LNS_SHARE = 0.8
# Seconds charged per assignment variable for building a subproblem (Python's share of the
# cost, about a third of the total on the 2-core machine; counted, not timed).
LNS_BUILD_COST = 1e-4
# With the exact model after it (up to EXACT_MAX_UNITS customers), the neighbourhoods get
# this share (0.1; 0.2 before the Lagrangian stages, which find better plans per second
# than further neighbourhoods: with 0.2 and the CPU-calibrated charges p10100-11 ended at
# 1.09 %, with 0.1 at its proven optimum). Without the Lagrangian (LAGRANGIAN = False) the
# model offers each customer its MIP_NEAREST nearest candidates only (n = 100: 1,500
# instead of 10,000 assignment variables); the full model took 14-16 s of CPU for the 10 s
# limit (building 10,000 variables in Python is not in deterministic time).
LNS_SHARE_BEFORE_MIP = 0.1
# CPU seconds per CP-SAT deterministic second in the Lagrangian stages' models. One rate
# for both was 1.35 (1.3-1.4 on g100-102 and p10100-12 at load 5-6), but per instance the
# solves ranged 1.1-1.6 (g100-105 took 11.2-11.5 s of CPU at load 4-5) because the two
# models differ: measured per solve on p10100-11..13, g100-101..105 (load 5-7), the quick
# model (NEAR_CENTRES * p centres, each customer's NEAR_PAIRS pairs) took 1.8-2.6 s of CPU
# per deterministic second, the model over every surviving pair 1.0-1.6 (past its build).
EXACT_CPU_PER_DET = 1.5
NEAR_CPU_PER_DET = 2.2
# The same for the full model (every customer may use every candidate, n <= FULL_MIP_UNITS):
# 1.85-2.05 in solves of 1-6 deterministic seconds of the generated n = 50 tuning instances
# g50-103, -104, -110 and -112 (load 4; 2.2 on the ones proven within 1.3 det-s), so
# p550-10 took 11.7 s of CPU on a quiet machine while charged at 1.35.
FULL_CPU_PER_DET = 2.0
# The same for the other phases of the capacitated solve, CPU seconds per counted second
# (g100-102 and p10100-12 at load 5-6): the assignments by generalised assignment took
# 1.15 (1.03-1.2 at load 4-5 on g100-102, -105 and p10100-12; 1.3 counts the highest). The uncapacitated seed's interchange is counted at its CPU cost (PASS_COST ...);
# it was charged at 2.0 x its cells, which counted the n = 50 seed (0.8 s of CPU) as 0.2.
SEED_CPU_PER_WORK = 1.0
GAP_CPU_PER_WORK = 1.3
EXACT_MAX_UNITS = 200
# Up to FULL_MIP_UNITS customers the exact phase is the full model after the relocation
# search (half the limit); above, the neighbourhoods and the Lagrangian stages. It was 60:
# on the n = 50 tuning instances (g50-101 ... 112) the full model, charged at its CPU cost,
# left g50-103 at 1.23 % and g50-110 at 1.36 % above the optimum in 9 s of CPU, the
# Lagrangian stages proved 11 of the 12 optimal in 1.8-3.5 s and g50-103 ended at its
# optimum (see NEAR_CENTRES_MIN). Between 24 and 50 customers nothing was measured.
FULL_MIP_UNITS = 40
MIP_NEAREST = 15
# Above FULL_MIP_UNITS the exact phase starts with the Lagrangian bound (``cpmp_lagrange``):
# at most LAG_ITERATIONS subgradient steps; the LAG_SETS best centre sets of the relaxation
# are assigned within capacity (a Lagrangian heuristic) while LAG_KEEP of the limit is left;
# then CP-SAT over the variables the bound keeps. False: the model over each customer's
# MIP_NEAREST nearest candidates instead (the previous method, kept for comparison).
LAGRANGIAN = True
# Where the exact phase reports its stages (the benchmark prints them); None: nowhere.
TRACE: Callable[[str], None] | None = None
LAG_ITERATIONS = 300
LAG_SETS = 10
LAG_KEEP = 0.4
# The quick model (the NEAR_CENTRES * p centres with the lowest knapsack values, each
# customer's NEAR_PAIRS pairs among them with the lowest forced bound) gets NEAR_SHARE of
# what is left; the exact model (every surviving pair) the rest, when it has at most
# EXACT_PAIRS_MAX pairs (else the quick model again, without a proof).
# 0.6 since the quick model is charged at its own, higher rate (NEAR_CPU_PER_DET): at 0.5
# g100-102 ended 0.10 % above its optimum; at 0.6 it and g100-105, p10100-11, -12 (the
# tuning instances that use the whole limit) are at their optima.
NEAR_SHARE = 0.6
NEAR_CENTRES = 3
# ... and at least NEAR_CENTRES_MIN centres: with p = 5 (n = 50), 3p = 15 centres left out
# an optimal one of g50-103 (815 for 811); 20 reach it. n >= 100, p >= 10: unchanged.
NEAR_CENTRES_MIN = 20
NEAR_PAIRS = 12
EXACT_PAIRS_MAX = 4000
# Share of the time limit for the relocation and swap search before the neighbourhoods.
HEURISTIC_SHARE = 0.1


def _sub_cpmp(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    customers: IntArray,
    p: int,
    hint: tuple[list[int], IntArray],
    time_limit: float,
) -> tuple[list[int] | None, IntArray | None, float]:
    """Capacitated p-median over ``customers`` alone (its candidates are the same units).

    CP-SAT, one worker on deterministic time, warm-started from ``hint`` (medians, and the
    median of each customer). Returns (medians, assignment as unit ids, deterministic time).
    """
    from ortools.sat.python import cp_model

    idx = customers.tolist()
    scale = 1.0 if np.allclose(dist, np.round(dist)) else 1000.0
    dem_scale = 1.0 if np.allclose(demand, np.round(demand)) else 1000.0
    cost = np.round(dist[np.ix_(customers, customers)] * scale).astype(np.int64)
    dem = np.round(demand[customers] * dem_scale).astype(np.int64)
    cap = np.floor(capacity[customers] * dem_scale + 1e-9).astype(np.int64)
    m = len(idx)
    model = cp_model.CpModel()
    y = [model.new_bool_var(f"y{j}") for j in range(m)]
    x = [[model.new_bool_var(f"x{i}_{j}") for j in range(m)] for i in range(m)]
    model.add(sum(y) == p)
    for i in range(m):
        model.add_exactly_one(x[i])
        for j in range(m):
            model.add_implication(x[i][j], y[j])
    for j in range(m):
        model.add(sum(int(dem[i]) * x[i][j] for i in range(m)) <= int(cap[j]) * y[j])
    model.minimize(sum(int(cost[i, j]) * x[i][j] for i in range(m) for j in range(m)))
    meds0, assign0 = hint
    pos = {u: j for j, u in enumerate(idx)}
    for j, u in enumerate(idx):
        model.add_hint(y[j], u in meds0)
    for i in range(m):
        for j in range(m):
            model.add_hint(x[i][j], pos.get(int(assign0[i]), -1) == j)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = max(0.05, time_limit)
    solver.parameters.max_time_in_seconds = 10.0 * max(0.05, time_limit) + 30.0
    status = solver.solve(model)
    used = float(solver.response_proto.deterministic_time) + LNS_BUILD_COST * m * m
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None, used
    meds = [idx[j] for j in range(m) if solver.value(y[j])]
    assign = np.array(
        [idx[next(j for j in range(m) if solver.value(x[i][j]))] for i in range(m)],
        dtype=np.int64,
    )
    return meds, assign, used


def _cluster_lns(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    medians: list[int],
    assignment: IntArray,
    rng: np.random.Generator,
    budget_seconds: float,
    state: TaskState | None = None,
) -> tuple[list[int], IntArray, float]:
    """Re-solve groups of neighbouring clusters exactly while it pays (a matheuristic).

    A subproblem frees a centre, the ``q - 1`` centres nearest to it and every customer they
    serve, and re-solves that capacitated p-median with ``q`` centres by CP-SAT; the rest of
    the plan stays. A subproblem's optimum can only lower the cost (the current clusters are
    a solution of it), and it moves centres and customers jointly, which the swap search
    cannot. ``q`` grows when a full round over the centres brings no gain. Bounded by
    CP-SAT's deterministic time, so the result does not depend on the machine's load.
    """
    meds = list(medians)
    assign = assignment.copy()
    n = dist.shape[0]
    cost = float(dist[np.arange(n), assign].sum())
    spent = 0.0
    level = 0
    p = len(meds)
    solved: set[tuple[int, tuple[int, ...], bytes, bytes]] = set()

    def group(centre: int, q: int) -> list[int]:
        return sorted(meds, key=lambda c: (dist[centre, c], c))[:q]

    def resolve(near: list[int], p_sub: int) -> tuple[list[int], IntArray, IntArray, float] | None:
        """Best ``p_sub`` centres for the customers of the clusters ``near`` (None: no gain
        possible, already tried, or infeasible)."""
        nonlocal spent
        customers = np.flatnonzero(np.isin(assign, near))
        # A subproblem solved before, with the same clusters, cannot gain again.
        key = (p_sub, tuple(sorted(near)), customers.tobytes(), assign[customers].tobytes())
        if key in solved or spent >= budget_seconds:
            return None
        solved.add(key)
        sub_meds, sub_assign, used = _sub_cpmp(
            dist,
            demand,
            capacity,
            customers,
            p_sub,
            (near, assign[customers]),
            min(LNS_SUB_TIME, budget_seconds - spent),
        )
        spent += used
        if sub_meds is None or sub_assign is None:
            return None
        delta = float(dist[customers, sub_assign].sum() - dist[customers, assign[customers]].sum())
        return sub_meds, customers, sub_assign, delta

    def apply(near: list[int], found: tuple[list[int], IntArray, IntArray, float]) -> None:
        nonlocal meds, cost
        sub_meds, customers, sub_assign, delta = found
        meds = [c for c in meds if c not in near] + sub_meds
        assign[customers] = sub_assign
        cost += delta

    while level < len(LNS_CLUSTERS) and spent < budget_seconds:
        if state is not None and state.is_cancelled():
            break
        q = min(LNS_CLUSTERS[level], p)
        gained = False
        for r in rng.permutation(p).tolist():
            if r >= len(meds):
                continue
            near = group(meds[r], q)
            found = resolve(near, q)
            if found is not None and found[3] < -1e-9:
                apply(near, found)
                gained = True
        if not gained and p >= 5:
            # Shift a centre between regions: one group of three clusters keeps two centres,
            # a group of two elsewhere gets three (a fixed-count subproblem never moves a
            # centre across the map).
            for r in rng.permutation(p).tolist():
                if spent >= budget_seconds:
                    break
                gain = group(meds[r], 2)
                others = [c for c in meds if c not in gain]
                donor_centre = others[int(rng.integers(len(others)))]
                donor = group(donor_centre, 3)
                if set(donor) & set(gain):
                    continue
                lose = resolve(donor, 2)
                if lose is None:
                    continue
                win = resolve(gain, 3)
                if win is not None and lose[3] + win[3] < -1e-9:
                    apply(donor, lose)
                    apply(gain, win)
                    gained = True
                    break
        if q >= p:
            break
        level = 0 if gained else level + 1
    return meds, assign, spent


def _cpmp_cpsat(
    dist: FloatArray,
    demand: FloatArray,
    capacity: FloatArray,
    p: int,
    nearest: int | None,
    hint: tuple[list[int], IntArray] | None,
    work: float,
    wall: float,
    seed: int,
    reduction: tuple[BoolArray, BoolArray, BoolArray] | None = None,
    rate: float | None = None,
) -> tuple[list[int] | None, IntArray | None, bool, float, float]:
    """Capacitated p-median by CP-SAT, one worker on deterministic time.

    Each customer may use its ``nearest`` closest candidates (all when None) and its centre
    in ``hint``; the hint (medians, assignment) warm-starts the search. ``reduction``
    (centres that may open, centres that must open, pairs that may be used), from the
    Lagrangian bound, replaces ``nearest``: it removes only variables no plan cheaper than
    the hint uses, so optimality then holds for the full problem. Returns (medians,
    assignment, proven optimal, lower bound, deterministic seconds used); optimality and the
    bound hold for the full problem only when every candidate was allowed or the reduction
    was exact.
    """
    from ortools.sat.python import cp_model

    n, c = dist.shape
    scale = 1.0 if np.allclose(dist, np.round(dist)) else 1000.0
    dem_scale = 1.0 if np.allclose(demand, np.round(demand)) else 1000.0
    cost = np.round(dist * scale).astype(np.int64)
    dem = np.round(demand * dem_scale).astype(np.int64)
    cap = np.floor(capacity * dem_scale + 1e-9).astype(np.int64)
    if reduction is not None:
        may_open, _, may_pair = reduction
        allowed = [np.flatnonzero(may_pair[i] & may_open).tolist() for i in range(n)]
    elif nearest is None or nearest >= c:
        allowed = [list(range(c)) for _ in range(n)]
    else:
        order = np.argsort(dist, axis=1, kind="stable")[:, :nearest]
        allowed = [sorted(set(order[i].tolist())) for i in range(n)]
    if hint is not None and (reduction is not None or not (nearest is None or nearest >= c)):
        for i in range(n):
            if int(hint[1][i]) not in allowed[i]:
                allowed[i] = sorted([*allowed[i], int(hint[1][i])])
    model = cp_model.CpModel()
    y = [model.new_bool_var(f"y{j}") for j in range(c)]
    if reduction is not None:
        keep = set(hint[0]) if hint is not None else set()
        for j in range(c):
            if not reduction[0][j] and j not in keep:
                model.add(y[j] == 0)
            elif reduction[1][j]:
                model.add(y[j] == 1)
    x = [{j: model.new_bool_var(f"x{i}_{j}") for j in allowed[i]} for i in range(n)]
    served: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(c)]
    for i in range(n):
        model.add_exactly_one(x[i].values())
        for j, v in x[i].items():
            model.add_implication(v, y[j])
            served[j].append((i, v))
    model.add(sum(y) == p)
    for j in range(c):
        if served[j]:
            model.add(sum(int(dem[i]) * v for i, v in served[j]) <= int(cap[j]) * y[j])
        else:
            model.add(y[j] == 0)
    # Redundant: the open centres must hold the whole demand (tightens the LP).
    model.add(sum(int(cap[j]) * y[j] for j in range(c)) >= int(dem.sum()))
    model.minimize(sum(int(cost[i, j]) * v for i in range(n) for j, v in x[i].items()))
    if hint is not None:
        meds0 = set(hint[0])
        for j in range(c):
            model.add_hint(y[j], j in meds0)
        for i in range(n):
            for j, v in x[i].items():
                model.add_hint(v, j == int(hint[1][i]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    size = sum(len(a) for a in allowed)
    build = LNS_BUILD_COST * size
    # The full model costs more CPU per deterministic second than a reduced one.
    if rate is None:
        rate = FULL_CPU_PER_DET if size >= n * c else EXACT_CPU_PER_DET
    solver.parameters.max_deterministic_time = max(0.05, (work - build) / rate)
    solver.parameters.max_time_in_seconds = max(1.0, wall)
    status = solver.solve(model)
    used = rate * float(solver.response_proto.deterministic_time) + build
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None, False, 0.0, used
    meds = [j for j in range(c) if solver.value(y[j])]
    assignment = np.array(
        [next(j for j, v in x[i].items() if solver.value(v)) for i in range(n)], dtype=np.int64
    )
    full = reduction is not None or nearest is None or nearest >= c
    proven = full and status == cp_model.OPTIMAL
    bound = float(solver.best_objective_bound) / scale if full else 0.0
    return meds, assignment, proven, bound, used


def _lagrangian_exact(
    d: FloatArray,
    q: FloatArray,
    cap: FloatArray,
    p: int,
    incumbent: tuple[list[int], IntArray, float],
    tried: set[tuple[int, ...]],
    budget: _Budget,
    seed: int,
    state: TaskState | None,
) -> tuple[list[int], IntArray, float, bool, float]:
    """Lagrangian bound, its heuristic, then CP-SAT over the variables the bound keeps.

    Returns (medians, assignment, cost, proven optimal, lower bound). First the subgradient
    bound; then the relaxation's best centre sets assigned within capacity; then CP-SAT over
    the surviving pairs among each customer's nearest candidates (a quick improvement), the
    variables fixed again against the better plan, and CP-SAT over every surviving pair: an
    exact model, so an optimum there is the optimum (and its bound a bound) of the whole
    problem.
    """
    n = d.shape[0]
    meds, assign, cost = incumbent
    integral = bool(np.allclose(d, np.round(d)))

    def closed(bound: float) -> bool:
        return (math.ceil(bound - 1e-6) if integral else bound) >= cost - 1e-9

    def cancelled() -> bool:
        return state is not None and state.is_cancelled()

    lag = lagrangian_bound(
        d,
        q,
        cap,
        p,
        cost,
        LAG_ITERATIONS,
        budget.charge,
        lambda: budget.left() <= 0.2 or cancelled(),
    )
    bound = lag.bound
    limit = budget.limit
    # Lagrangian heuristic: the relaxation's best centre sets, assigned within capacity.
    for key in lag.centre_sets[:LAG_SETS]:
        if closed(bound) or budget.left() <= LAG_KEEP * limit or cancelled():
            break
        if key in tried:
            continue
        tried.add(key)
        if cap[list(key)].sum() < q.sum() - 1e-9:
            continue
        trial, trial_cost = _gap_assignment(d, q, cap, list(key), 2.0, budget)
        if trial is not None and trial_cost < cost - 1e-9:
            meds, assign, cost = list(key), trial, trial_cost
    if closed(bound):
        return meds, assign, cost, True, cost
    # The quick model: the NEAR_CENTRES * p centres (at least NEAR_CENTRES_MIN) the
    # relaxation likes best (lowest rho), and each customer's NEAR_PAIRS pairs among them
    # with the lowest forced bound. On the
    # tuning instances every optimal centre ranked within 2.5 p and every optimal pair within
    # 12; each customer's 15 nearest candidates missed optimal pairs of g100-102, -103, -105.
    _, _, pair_bound = forced_bounds(d, q, cap, p, lag)
    top = np.argsort(lag.rho, kind="stable")[: min(n, max(NEAR_CENTRES * p, NEAR_CENTRES_MIN))]
    ranked = np.full((n, n), np.inf)
    ranked[:, top] = pair_bound[:, top]
    keep = np.argsort(ranked, axis=1, kind="stable")[:, :NEAR_PAIRS]
    near = np.zeros((n, n), dtype=bool)
    near[np.arange(n)[:, None], keep] = True
    near[:, np.setdiff1d(np.arange(n), top)] = False
    optimal = False
    for stage in ("near", "exact"):
        if cancelled() or budget.left() <= 0.2:
            break
        may_open, must_open, may_pair = fixed_variables(d, q, cap, p, lag, cost)
        pairs = int((may_pair & may_open[None, :]).sum())
        exact_model = stage == "exact" and pairs <= EXACT_PAIRS_MAX
        if not exact_model:
            may_pair = may_pair & near
        work = budget.left() * (NEAR_SHARE if stage == "near" else 1.0)
        if state is not None:
            state.report(0.6 if stage == "near" else 0.8, "capacitated p-median: exact model")
        found, found_assign, proven, cp_bound, det = _cpmp_cpsat(
            d,
            q,
            cap,
            p,
            None,
            (meds, assign),
            work,
            budget.wall_left(),
            seed,
            (may_open, must_open, may_pair),
            EXACT_CPU_PER_DET if exact_model else NEAR_CPU_PER_DET,
        )
        budget.charge(det)
        cost_in = cost
        if found is not None and found_assign is not None:
            found_cost = float(d[np.arange(n), found_assign].sum())
            if found_cost < cost - 1e-9:
                meds, assign, cost = found, found_assign, found_cost
        if TRACE is not None:
            TRACE(
                f"{stage}: bound {lag.bound:.1f}, plan {cost_in:g} -> {cost:g}, "
                f"{int(may_open.sum())} centres and {pairs} pairs survive, model of "
                f"{int((may_pair & may_open[None, :]).sum())} pairs, exact {exact_model}, "
                f"optimal {proven}, {det:.2f} det-s, work {budget.work:.2f} s"
            )
        if exact_model:
            # Over an exact reduction: no plan cheaper than the hint lies outside the model.
            if proven:
                return meds, assign, cost, True, cost
            bound = max(bound, min(cp_bound, cost))
        if closed(bound):
            return meds, assign, cost, True, cost
    return meds, assign, cost, optimal, bound


def solve_capacitated_pmedian(
    dist: ArrayLike,
    p: int,
    demand: ArrayLike,
    capacity: ArrayLike,
    *,
    seed: int = 0,
    time_limit: float = 10.0,
    exact: bool | None = None,
    state: TaskState | None = None,
) -> PMedianResult:
    """Capacitated p-median (single sourcing): every customer to one open centre within capacity.

    Parameters
    ----------
    dist : array_like, shape (n, n)
        Distance from each customer to each candidate centre (customers are the candidates).
    p : int
        Number of centres to open.
    demand : array_like, shape (n,)
        Demand of each customer; a customer's whole demand goes to one centre.
    capacity : array_like, shape (n,) or scalar
        Capacity of each candidate centre.
    seed : int
        Seed of the search; the same seed gives the same result.
    time_limit : float
        Seconds for the whole call.
    exact : bool, optional
        Finish with the exact model, warm-started from the heuristic. ``None`` (default) runs
        it when ``n <= EXACT_MAX_UNITS`` (200).
    state : TaskState, optional
        Progress and cancellation; on cancel the best solution so far is returned.

    Returns
    -------
    PMedianResult
        ``cost`` is the unweighted sum of assignment distances; ``feasible`` is False when no
        feasible assignment was found (for example total demand above the total capacity of
        any ``p`` centres), in which case ``assignment`` is the uncapacitated nearest median.
    """
    d, _ = _check_problem(dist, p, None)
    n, c = d.shape
    if n != c:
        raise ValueError("dist must be square: customers are the candidate centres")
    q = np.asarray(demand, dtype=np.float64)
    if q.shape != (n,):
        raise ValueError(f"demand must have shape ({n},), got {q.shape}")
    cap = np.broadcast_to(np.asarray(capacity, dtype=np.float64), (n,)).copy()
    budget = _Budget(time_limit)
    if exact is None:
        exact = n <= EXACT_MAX_UNITS
    # Small instances: the full MIP after the swap search. Larger ones: the swap search, the
    # cluster neighbourhoods, then the MIP over each customer's nearest candidates.
    small = n <= FULL_MIP_UNITS
    rng = np.random.default_rng(seed)
    gap_time = 2.0

    def evaluate(meds: list[int]) -> tuple[IntArray | None, float]:
        if cap[meds].sum() < q.sum() - 1e-9:
            return None, np.inf
        left = budget.left()
        return _gap_assignment(d, q, cap, meds, min(gap_time, max(0.05, left)), budget)

    # Start from the demand-weighted uncapacitated optimum: capacity reshapes it only locally.
    seed_budget = _Budget(min(1.0, 0.1 * time_limit))
    seed_result = _solve_pmedian(
        d, q, p, seed_budget, seed=seed, exact=False, state=None, rounds=None
    )
    budget.charge(SEED_CPU_PER_WORK * seed_budget.work)
    by_capacity = np.argsort(-cap, kind="stable")[:p].tolist()
    best_meds: list[int] = seed_result.medians.tolist()
    best_assign, best_cost = evaluate(best_meds)
    if best_assign is None:
        best_meds = by_capacity
        best_assign, best_cost = evaluate(best_meds)
    heuristic_share = (0.5 if exact and small else HEURISTIC_SHARE) * time_limit
    improved = best_assign is not None
    tried: set[tuple[int, ...]] = {tuple(sorted(best_meds))}
    # Relocation: move each centre to the member of its cluster that serves the cluster best,
    # then swaps of a centre with the nearest non-centres; re-assign by GAP after each change.
    while improved and budget.used() < heuristic_share:
        if state is not None and state.is_cancelled():
            break
        improved = False
        assert best_assign is not None
        # Building the candidate list reads each cluster's distance block and sorts p rows.
        budget.charge(SWAP_CELL_COST * (n * n + p * n * 8))
        candidates: list[list[int]] = []
        for r, m in enumerate(best_meds):
            members = np.flatnonzero(best_assign == m)
            within = d[np.ix_(members, members)].sum(axis=0)
            for pos in np.argsort(within, kind="stable")[:3]:
                centre = int(members[pos])
                if centre != m:
                    trial = list(best_meds)
                    trial[r] = centre
                    candidates.append(trial)
            near = np.argsort(d[m], kind="stable")
            for j in near[: 2 + p].tolist():
                if j not in best_meds:
                    trial = list(best_meds)
                    trial[r] = int(j)
                    candidates.append(trial)
        order = rng.permutation(len(candidates))
        for idx in order.tolist():
            trial = candidates[idx]
            key = tuple(sorted(trial))
            if key in tried:
                continue
            tried.add(key)
            if budget.used() > heuristic_share:
                break
            assign, cost = evaluate(trial)
            if assign is not None and cost < best_cost - 1e-9:
                best_meds, best_assign, best_cost = trial, assign, cost
                improved = True
                break
    cancelled = state is not None and state.is_cancelled()
    if not small and best_assign is not None and not cancelled and budget.left() > 0.2:
        if state is not None:
            state.report(0.3, "capacitated p-median: re-solving neighbouring clusters")
        share = LNS_SHARE_BEFORE_MIP if exact else LNS_SHARE
        best_meds, best_assign, spent = _cluster_lns(
            d, q, cap, best_meds, best_assign, rng, min(share * time_limit, budget.left()), state
        )
        budget.charge(spent)
        best_cost = float(d[np.arange(n), best_assign].sum())
    optimal, bound = False, 0.0
    cancelled = state is not None and state.is_cancelled()
    if exact and not small and best_assign is not None and not cancelled and LAGRANGIAN:
        if state is not None:
            state.report(0.5, "capacitated p-median: Lagrangian bound")
        best_meds, best_assign, best_cost, optimal, bound = _lagrangian_exact(
            d, q, cap, p, (best_meds, best_assign, best_cost), tried, budget, seed, state
        )
    elif exact and not cancelled and budget.left() > 0.2:
        if state is not None:
            state.report(0.6, "capacitated p-median: exact model")
        meds, assign, optimal, bound, det = _cpmp_cpsat(
            d,
            q,
            cap,
            p,
            None if small else MIP_NEAREST,
            (best_meds, best_assign) if best_assign is not None else None,
            budget.left(),
            budget.wall_left(),
            seed,
        )
        budget.charge(det)
        if meds is not None and assign is not None:
            cost = float(d[np.arange(n), assign].sum())
            if cost < best_cost - 1e-9:
                best_meds, best_assign, best_cost = meds, assign, cost
            if optimal:
                bound = best_cost
    if state is not None:
        state.report(1.0, "capacitated p-median: done")
    medians = np.sort(np.asarray(best_meds, dtype=np.int64))
    if best_assign is None:
        assignment = medians[np.argmin(d[:, medians], axis=1)]
        return PMedianResult(
            medians=medians,
            assignment=assignment,
            cost=float(d[np.arange(n), assignment].sum()),
            feasible=False,
        )
    return PMedianResult(
        medians=medians,
        assignment=best_assign,
        cost=float(best_cost),
        optimal=bool(optimal),
        lower_bound=float(bound),
    )
