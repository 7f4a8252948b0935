"""String-removal ruin-and-recreate search for capacitated vehicle routing.

:func:`string_removal_search` improves a set of routes by Christiaens and Vanden Berghe's
"slack induction by string removals" (SISR, Transportation Science 54(2), 2020): each round
removes a few strings of consecutive customers from routes near a random customer, puts them
back one by one at the cheapest place (skipping each place with a small "blink" probability),
and keeps the result by simulated annealing. Strings cut from neighbouring routes free room
where it is useful, so customers move between routes in groups, which single-customer moves
and the routing library's guided local search do not do.

Routes are doubly linked lists over the customers plus one start node per vehicle, so a removal
or an insertion costs O(1) Python work; the cost of every insertion place for every removed
customer is one numpy matrix per round, of which each insertion updates two columns.

A route may exceed the capacity while the search runs, at a cost per unit of excess
(``overload_penalty``): on tight instances (Augerat's fill the fleet to 90-99 %) a search held
to feasible routes rejected a quarter of its rounds and often stalled 2-3 % above the optimum.
Only routes within capacity are ever returned.

The search is deterministic for a seed: it runs a fixed number of rounds, and the clock only
matters when the deadline comes first (a busy machine), in which case the temperature follows
the share of the time used, so the search still ends cold.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

__all__ = ["StringRemovalSettings", "string_removal_search"]

#: Insertion cost added to a place skipped by a blink (exact in float64 with any arc cost).
_BLOCKED = float(1 << 50)
#: Insertion cost of a place that does not exist: after a customer not in a route, or the depot.
_ABSENT = float(1 << 60)


@dataclass(frozen=True)
class StringRemovalSettings:
    """Parameters of :func:`string_removal_search`.

    The defaults are the published SISR values except the temperatures, which are relative to
    the mean arc cost of the start routes so that the search does not depend on the cost unit,
    and the overload penalty, which the original (hard capacity) does not have.

    Attributes
    ----------
    mean_removed : float
        Average number of customers removed per round (the paper's c-bar).
    max_string : int
        Longest string removed from one route (L_max).
    blink_rate : float
        Chance that an insertion place is skipped, which makes recreate less greedy.
    split_rate : float
        Chance that a string keeps a block of customers in its middle ("split string").
    start_temperature, end_temperature : float
        Annealing temperatures as multiples of the mean arc cost of the start routes; the
        temperature falls geometrically between them.
    overload_penalty : float
        Cost of one unit of load above capacity, as a multiple of the start routes' cost per
        unit of demand.
    chains : int
        Independent annealing chains from the start routes, each with an equal share of the
        rounds and of the time; the best result is kept.
    """

    mean_removed: float = 10.0
    max_string: int = 10
    blink_rate: float = 0.01
    split_rate: float = 0.5
    start_temperature: float = 2.5
    end_temperature: float = 0.05
    overload_penalty: float = 15.0
    chains: int = 3


class _LinkedRoutes:
    """Routes as linked lists: node ``n + r`` is the start (and end) of vehicle ``r``."""

    def __init__(self, n: int, vehicles: int, demand: list[int]) -> None:
        size = n + vehicles
        self.n = n
        self.demand = demand
        self.succ = list(range(size))
        self.pred = list(range(size))
        self.route = [0] * size
        self.loads = [0] * vehicles
        self.cards = [0] * vehicles
        for r in range(vehicles):
            self.route[n + r] = r

    @classmethod
    def from_routes(
        cls, n: int, vehicles: int, demand: list[int], routes: list[list[int]]
    ) -> _LinkedRoutes:
        linked = cls(n, vehicles, demand)
        for r, customers in enumerate(routes):
            previous = n + r
            for c in customers:
                linked.succ[previous] = c
                linked.pred[c] = previous
                linked.route[c] = r
                previous = c
            linked.succ[previous] = n + r
            linked.pred[n + r] = previous
            linked.loads[r] = sum(demand[c] for c in customers)
            linked.cards[r] = len(customers)
        return linked

    def copy(self) -> _LinkedRoutes:
        other = _LinkedRoutes.__new__(_LinkedRoutes)
        other.n, other.demand = self.n, self.demand
        other.succ, other.pred, other.route = self.succ[:], self.pred[:], self.route[:]
        other.loads, other.cards = self.loads[:], self.cards[:]
        return other

    def customers(self, r: int) -> list[int]:
        start = self.n + r
        out = []
        v = self.succ[start]
        while v != start:
            out.append(v)
            v = self.succ[v]
        return out

    def routes(self) -> list[list[int]]:
        return [self.customers(r) for r in range(len(self.loads))]

    def overload(self, capacity: int) -> int:
        return sum(load - capacity for load in self.loads if load > capacity)


def string_removal_search(
    cost: np.ndarray,
    demand: np.ndarray,
    capacity: int,
    vehicles: int,
    depot: int,
    routes: list[list[int]],
    *,
    iterations: int,
    seed: int = 0,
    deadline: float | None = None,
    settings: StringRemovalSettings | None = None,
) -> list[list[int]] | None:
    """Improve capacitated routes by string removals, recreate with blinks, and annealing.

    Parameters
    ----------
    cost : ndarray of int, shape (n, n)
        Travel cost between nodes (need not be symmetric).
    demand : ndarray of int, shape (n,)
        Load of each node; the depot's entry is ignored.
    capacity : int
        Load limit of every vehicle.
    vehicles : int
        Fleet size, at least ``len(routes)``; unused vehicles cost nothing.
    depot : int
        Node every route starts and ends at.
    routes : list of list of int
        Start routes (customers in order, depot excluded), each customer at most once. They
        may exceed the capacity, and customers left out are first inserted where they add
        least (largest demand first), so ``[]`` is a valid start.
    iterations : int
        Ruin-and-recreate rounds.
    seed : int, default 0
        Seed of the random choices; the result depends only on it unless ``deadline`` cuts
        the rounds short.
    deadline : float, optional
        ``time.perf_counter()`` value at which to stop early.
    settings : StringRemovalSettings, optional

    Returns
    -------
    list of list of int or None
        The cheapest routes found within capacity, one per used vehicle; ``None`` if no
        round found routes within capacity (the fleet is too small, or too few rounds).
    """
    settings = settings or StringRemovalSettings()
    n = cost.shape[0]
    if len(routes) > vehicles:
        raise ValueError(f"{len(routes)} start routes for {vehicles} vehicles")
    customers = [i for i in range(n) if i != depot]
    if len(customers) < 3 or iterations <= 0:
        iterations = 0  # only the start, completed if some customers are missing

    # Node n + r stands for the depot at the start and end of vehicle r.
    nodes = np.r_[np.arange(n), np.full(vehicles, depot)]
    arc = np.ascontiguousarray(cost[np.ix_(nodes, nodes)], dtype=np.int64)
    np.fill_diagonal(arc, 0)  # an empty route is its start node's loop
    arc_in = np.ascontiguousarray(arc.T)
    arc_list = arc.tolist()
    loads_of = np.asarray(demand, dtype=np.int64)[nodes]
    loads_of[depot] = 0
    loads_of[n:] = 0
    demand_list = loads_of.tolist()
    size = n + vehicles

    ordered = np.array(customers)
    by_cost = np.argsort(cost[np.ix_(ordered, ordered)], axis=1, kind="stable")
    neighbours = {c: ordered[by_cost[k]].tolist() for k, c in enumerate(customers)}

    start = _LinkedRoutes.from_routes(n, vehicles, demand_list, routes)
    missing = sorted(set(customers) - {c for r in routes for c in r}, key=lambda c: -demand_list[c])
    start_cost = _linked_cost(start, arc_list, size, depot)
    if missing:
        # Largest first, with a penalty that makes overloading a route the last resort.
        heavy = 1e3 * float(arc.max() + 1)
        start_cost += _recreate(
            start, missing, _chain_rng(seed, -1), arc, arc_in, capacity, heavy, 0.0, depot
        )
    served = sum(start.cards)
    mean_arc = max(1.0, start_cost / max(1, served + sum(1 for c in start.cards if c)))
    search = _Search(
        arc=arc,
        arc_in=arc_in,
        arc_list=arc_list,
        demand=demand_list,
        depot_cost=cost[depot].tolist(),
        neighbours=neighbours,
        customers=customers,
        capacity=int(capacity),
        depot=depot,
        hot=settings.start_temperature * mean_arc,
        cold=settings.end_temperature * mean_arc,
        penalty=settings.overload_penalty * start_cost / max(1, sum(demand_list)),
        settings=settings,
    )
    # Independent chains from the same start, the best kept: whether one chain settles near
    # the optimum or 2-3 % above it depends much on its seed (on Augerat, the best of three
    # chains of 8,000 rounds beat one chain of 20,000).
    chains = max(1, min(settings.chains, iterations))
    started = time.perf_counter()
    best: _LinkedRoutes | None = None
    best_cost = 0
    for k in range(chains):
        stop = None if deadline is None else started + (deadline - started) * (k + 1) / chains
        rounds = iterations // chains + (k < iterations % chains)
        found = search.anneal(start.copy(), start_cost, rounds, _chain_rng(seed, k), stop)
        if found is not None and (best is None or found[1] < best_cost):
            best, best_cost = found
    return None if best is None else [r for r in best.routes() if r]


def _chain_rng(seed: int, chain: int) -> np.random.Generator:
    """The random stream of one chain (``-1``: building the start)."""
    return np.random.default_rng([seed, chain + 1])


@dataclass(frozen=True)
class _Search:
    """One instance's data, shared by the annealing chains."""

    arc: np.ndarray
    arc_in: np.ndarray
    arc_list: list[list[int]]
    demand: list[int]
    depot_cost: list[int]
    neighbours: dict[int, list[int]]
    customers: list[int]
    capacity: int
    depot: int
    hot: float
    cold: float
    penalty: float
    settings: StringRemovalSettings

    def anneal(
        self,
        current: _LinkedRoutes,
        current_cost: int,
        iterations: int,
        rng: np.random.Generator,
        deadline: float | None,
    ) -> tuple[_LinkedRoutes, int] | None:
        """One annealing chain: the best routes within capacity and their cost, if any."""
        capacity, penalty = self.capacity, self.penalty
        current_over = current.overload(capacity)
        best = None if current_over else current.copy()
        best_cost = current_cost
        started = time.perf_counter()
        span = None if deadline is None else max(1e-9, deadline - started)
        by_clock = 0.0
        for it in range(iterations):
            if span is not None and it % 32 == 0:
                by_clock = (time.perf_counter() - started) / span
                if by_clock >= 1.0:
                    break
            # On a busy machine the clock runs ahead of the rounds: cool by whichever is
            # further along, so the chain still ends in a descent.
            progress = max(it / iterations, by_clock)
            temperature = self.hot * (self.cold / self.hot) ** progress

            trial = current.copy()
            saved, removed = _ruin(
                trial, rng, self.neighbours, self.customers, self.arc_list, self.settings
            )
            removed = _sort_removed(removed, rng, self.demand, self.depot_cost)
            added = _recreate(
                trial,
                removed,
                rng,
                self.arc,
                self.arc_in,
                capacity,
                penalty,
                self.settings.blink_rate,
                self.depot,
            )
            trial_cost = current_cost - saved + added
            trial_over = trial.overload(capacity)
            threshold = current_cost + penalty * current_over - temperature * math.log(rng.random())
            if trial_cost + penalty * trial_over < threshold:
                current, current_cost, current_over = trial, trial_cost, trial_over
                if trial_over == 0 and (best is None or trial_cost < best_cost):
                    best, best_cost = trial.copy(), trial_cost
        return None if best is None else (best, best_cost)


def _linked_cost(linked: _LinkedRoutes, arc: list[list[int]], size: int, depot: int) -> int:
    return sum(arc[v][linked.succ[v]] for v in range(size) if v != depot)


def _ruin(
    linked: _LinkedRoutes,
    rng: np.random.Generator,
    neighbours: dict[int, list[int]],
    customers: list[int],
    arc: list[list[int]],
    settings: StringRemovalSettings,
) -> tuple[int, list[int]]:
    """Remove strings from routes near a random customer: the cost saved, the customers."""
    rand = rng.random
    sizes = [c for c in linked.cards if c]
    longest = min(settings.max_string, sum(sizes) / len(sizes))
    most_strings = 4.0 * settings.mean_removed / (1.0 + longest) - 1.0
    strings = int(rand() * most_strings) + 1
    centre = customers[int(rand() * len(customers))]
    ruined: set[int] = set()
    removed: list[int] = []
    saved = 0
    succ, pred, route = linked.succ, linked.pred, linked.route
    for c in neighbours[centre]:
        if len(ruined) >= strings:
            break
        r = route[c]
        if r in ruined or c in removed:
            continue
        members = linked.customers(r)
        count, at = len(members), members.index(c)
        length = int(rand() * min(count, longest)) + 1
        if count > length and rand() < settings.split_rate:
            # Split string: a longer string of which a middle block stays.
            kept = 1
            while length + kept < count and rand() < 0.5:
                kept += 1
            span = length + kept
            low, high = max(0, at - span + 1), min(at, count - span)
            first = low + int(rand() * (high - low + 1))
            keep_from = first + int(rand() * (length + 1))
            cut = members[first:keep_from] + members[keep_from + kept : first + span]
        else:
            low, high = max(0, at - length + 1), min(at, count - length)
            first = low + int(rand() * (high - low + 1))
            cut = members[first : first + length]
        for v in cut:
            a, b = pred[v], succ[v]
            saved += arc[a][v] + arc[v][b] - arc[a][b]
            succ[a], pred[b] = b, a
            linked.loads[r] -= linked.demand[v]
        linked.cards[r] -= len(cut)
        removed += cut
        ruined.add(r)
    return saved, removed


def _sort_removed(
    removed: list[int], rng: np.random.Generator, demand: list[int], depot_cost: list[int]
) -> list[int]:
    """The paper's insertion orders: random 4, largest demand 4, farthest 2, closest 1."""
    pick = rng.random() * 11.0
    if pick < 4.0:
        return [removed[i] for i in rng.permutation(len(removed))]
    if pick < 8.0:
        return sorted(removed, key=lambda c: -demand[c])
    if pick < 10.0:
        return sorted(removed, key=lambda c: -depot_cost[c])
    return sorted(removed, key=lambda c: depot_cost[c])


def _recreate(
    linked: _LinkedRoutes,
    removed: list[int],
    rng: np.random.Generator,
    arc: np.ndarray,
    arc_in: np.ndarray,
    capacity: int,
    penalty: float,
    blink_rate: float,
    depot: int,
) -> int:
    """Insert ``removed`` in order, each after the node where it adds least; return the cost.

    ``extra[j, v]`` is the cost of serving removed customer ``j`` between ``v`` and its
    successor; each insertion changes two arcs, so only those columns are recomputed. Excess
    load costs ``penalty`` a unit in the choice but not in the returned arc cost.
    """
    succ, pred, route = linked.succ, linked.pred, linked.route
    chosen = np.array(removed)
    into = arc_in[chosen]  # into[j, v]: arc v -> removed j
    out = arc[chosen]  # out[j, w]: arc removed j -> w
    next_of = np.array(succ)
    route_of = np.array(route)
    loads = np.array(linked.loads, dtype=np.int64)
    excess = np.maximum(loads - capacity, 0)
    extra = (into + out[:, next_of] - arc[np.arange(next_of.size), next_of]).astype(np.float64)
    extra[:, chosen] = _ABSENT  # not in a route (yet)
    extra[:, depot] = _ABSENT  # stands for no route: vehicles start at their own nodes
    # Blinks: skipped places, drawn once a round (the two arcs an insertion makes never blink).
    extra[rng.random(extra.shape) < blink_rate] += _BLOCKED
    added = 0
    demand = linked.demand
    count = len(removed)
    for j, c in enumerate(removed):
        growth = penalty * (np.maximum(loads + (demand[c] - capacity), 0) - excess)
        place = extra[j] + growth[route_of]
        # A blink adds the same cost to any place, so when every place blinked (a tiny
        # instance) this is still the cheapest; the start nodes always exist.
        v = int(place.argmin())
        w, r = succ[v], route[v]
        added += int(arc[v, c] + arc[c, w] - arc[v, w])
        succ[v], pred[c], succ[c], pred[w], route[c] = c, v, w, c, r
        linked.loads[r] += demand[c]
        linked.cards[r] += 1
        next_of[v], next_of[c], route_of[c] = c, w, r
        loads[r] += demand[c]
        excess[r] = max(0, int(loads[r]) - capacity)
        if j + 1 < count:
            later = slice(j + 1, count)
            extra[later, v] = into[later, v] + out[later, c] - arc[v, c]
            extra[later, c] = into[later, c] + out[later, w] - arc[c, w]
    return added
