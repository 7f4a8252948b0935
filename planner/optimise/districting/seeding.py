"""Start solutions: seed units (given, locked, p-median) and region growing."""

from __future__ import annotations

import heapq

import numpy as np

from planner.optimise.districting.problem import WALL_GRACE, WALL_SAFETY, IntArray, Problem
from planner.optimise.districting.state import territory_centres

# --------------------------------------------------------------------------------------------
# Start solutions


def choose_seeds(
    prob: Problem, seed_units: IntArray | None, messages: list[str], seed: int
) -> list[int]:
    """One seed unit per territory: given, nearest to a fixed centre, locked, or p-median."""
    k, n = prob.k, prob.x.shape[0]
    seeds: list[int] = [-1] * k
    taken: set[int] = set()
    if seed_units is not None:
        if len(seed_units) != k:
            raise ValueError(f"seeds must have {k} entries, got {len(seed_units)}")
        for t, u in enumerate(seed_units.tolist()):
            if not 0 <= u < n:
                raise ValueError(f"seed {u} is not a unit id")
            if prob.fixed[u] >= 0 and prob.fixed[u] != t:
                messages.append(
                    f"seed unit {u} of territory {t} is locked to territory "
                    f"{int(prob.fixed[u])}; another seed was chosen"
                )
                continue
            if u in taken:
                messages.append(f"seed unit {u} is given twice; another seed was chosen")
                continue
            seeds[t] = u
            taken.add(u)
    # Territories with locked units grow from them.
    for t in range(k):
        if seeds[t] < 0:
            own = np.flatnonzero(prob.fixed == t)
            if own.size:
                seeds[t] = int(own[0])
                taken.add(seeds[t])
    free = np.flatnonzero(prob.fixed < 0)
    missing = [t for t in range(k) if seeds[t] < 0]
    if missing and prob.fixed_centres is not None:
        for t in missing:
            d = np.hypot(*(prob.coords[free] - prob.fixed_centres[t]).T)
            for idx in np.argsort(d, kind="stable").tolist():
                if int(free[idx]) not in taken:
                    seeds[t] = int(free[idx])
                    taken.add(seeds[t])
                    break
        missing = [t for t in range(k) if seeds[t] < 0]
    if missing:
        choices = pmedian_seeds(prob, free, taken, len(missing), seed)
        for t, u in zip(missing, choices, strict=False):
            seeds[t] = u
    return seeds


def pmedian_seeds(
    prob: Problem, free: IntArray, taken: set[int], count: int, seed: int
) -> list[int]:
    """Seeds as p-median medians over the free units (weighted by the first measure)."""
    from planner.optimise.pmedian import solve_pmedian

    pool = np.array([u for u in free.tolist() if u not in taken], dtype=np.int64)
    if pool.size <= count:
        return pool.tolist()
    rng = np.random.default_rng(seed)
    # Candidate medians: a random sample keeps the interchange fast on thousands of units.
    cand = pool if pool.size <= 400 else np.sort(rng.choice(pool, size=400, replace=False))
    xy = prob.coords
    dist = np.hypot(
        xy[pool, 0][:, None] - xy[cand, 0][None, :], xy[pool, 1][:, None] - xy[cand, 1][None, :]
    )
    weight = prob.x[pool] / np.maximum(prob.x.sum(axis=0), 1e-12)
    # A counted number of rounds (about 4e7 distance evaluations in all, 5 at the least),
    # not a wall-clock share: seeds that depend on the machine's load would make the whole
    # plan depend on it. The wall clock is a safety net only.
    rounds = int(np.clip(4e7 / max(1, dist.size), 5, 50 + 2000 // max(1, count)))
    result = solve_pmedian(
        dist,
        count,
        weight.sum(axis=1) + 1e-6,
        seed=seed,
        time_limit=WALL_SAFETY * min(3.0, max(0.2, 0.05 * prob.seconds_left())) + WALL_GRACE,
        exact=False,
        rounds=rounds,
    )
    return [int(cand[j]) for j in result.medians.tolist()]


def grow_regions(prob: Problem, seeds: list[int]) -> IntArray:
    """Balanced region growing: the least-filled territory takes its nearest free neighbour."""
    n, k = prob.x.shape[0], prob.k
    assignment = prob.fixed.copy()
    for t, u in enumerate(seeds):
        if u >= 0:
            assignment[u] = t
    values = np.zeros((k, prob.x.shape[1]))
    np.add.at(values, assignment[assignment >= 0], prob.x[assignment >= 0])
    centres = (
        prob.fixed_centres
        if prob.fixed_centres is not None
        else prob.coords[np.maximum(np.asarray(seeds), 0)]
    )
    share = np.maximum(prob.targets, 1e-12)
    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def push_neighbours(t: int, u: int) -> None:
        for v in prob.lists[u]:
            if assignment[v] < 0:
                d = float(np.hypot(*(prob.coords[v] - centres[t])))
                heapq.heappush(frontier[t], (d, v))

    for u in np.flatnonzero(assignment >= 0).tolist():
        push_neighbours(int(assignment[u]), u)
    fill = [(float((values[t] / share[t]).mean()), t) for t in range(k)]
    heapq.heapify(fill)
    while fill:
        _, t = heapq.heappop(fill)
        while frontier[t] and assignment[frontier[t][0][1]] >= 0:
            heapq.heappop(frontier[t])
        if not frontier[t]:
            continue  # walled in: the territory stops growing
        _, u = heapq.heappop(frontier[t])
        assignment[u] = t
        values[t] += prob.x[u]
        push_neighbours(t, u)
        heapq.heappush(fill, (float((values[t] / share[t]).mean()), t))
    if np.any(assignment < 0):
        assignment = fill_unassigned(prob, assignment)
    assert assignment.shape == (n,)
    return assignment


def fill_unassigned(prob: Problem, assignment: IntArray) -> IntArray:
    """Give unassigned units to an adjacent territory, else to the nearest one (islands)."""
    a = assignment.copy()
    allowed = prob.active
    changed = True
    while changed and np.any(a < 0):
        changed = False
        for u in np.flatnonzero(a < 0).tolist():
            nbr = [a[v] for v in prob.lists[u] if a[v] >= 0 and allowed[a[v]]]
            if nbr:
                a[u] = min(nbr)
                changed = True
    rest = np.flatnonzero(a < 0)
    if rest.size:
        centres = territory_centres(prob, a)
        d = np.hypot(
            prob.coords[rest, 0][:, None] - centres[:, 0][None, :],
            prob.coords[rest, 1][:, None] - centres[:, 1][None, :],
        )
        d[:, ~allowed] = np.inf
        a[rest] = np.argmin(d, axis=1)
    return a
