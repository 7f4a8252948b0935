"""The band proof against brute force: it proves only what no contiguous plan can do."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from planner.models.graph import Adjacency
from planner.optimise.band_proof import BandProof, prove_out_of_reach
from planner.optimise.districting import Travel

ROWS, COLS = 4, 4
#: Baseline territories of the 4 x 4 grid (row by row).
BASE = np.array([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 1, 1, 2, 2, 2, 2])


def grid() -> Adjacency:
    edges = []
    for r in range(ROWS):
        for c in range(COLS):
            u = r * COLS + c
            if c + 1 < COLS:
                edges.append((u, u + 1))
            if r + 1 < ROWS:
                edges.append((u, u + COLS))
    return Adjacency.from_edges(ROWS * COLS, np.asarray(edges, dtype=np.int64))


def instance(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n, k = ROWS * COLS, 3
    w = rng.integers(1, 10, n).astype(float)
    x = np.zeros((n, 3))
    x[:, 0] = w * rng.uniform(2.0, 8.0, n)  # visit hours (travel is added)
    x[:, 1] = w * rng.lognormal(0.0, 0.8, n)  # potential
    x[:, 2] = w  # accounts
    travel = Travel(
        measure=0,
        visits=w * rng.uniform(1.0, 6.0, n),
        stops=w.copy(),
        area=rng.uniform(5.0, 80.0, n),
        home=np.zeros((n, k)),
        tour=0.05,
    )
    values = np.zeros((k, 3))
    for t in range(k):
        own = t == BASE
        values[t] = x[own].sum(axis=0)
        agg = travel.totals(BASE, k)
        values[t, 0] += float(travel.hours(agg[t], t))
    target = values.mean(axis=0) * rng.uniform(0.8, 1.2, (k, 3))
    tol = 0.15
    churn = 0.4 * np.array([w[t == BASE].sum() for t in range(k)])
    return dict(
        x=x, w=w, travel=travel, lo=target * (1 - tol), hi=target * (1 + tol), churn=churn, k=k
    )


def prove(inst: dict, t: int, **changes: Any) -> BandProof:
    """The proof for territory ``t`` of ``inst`` on the grid, ``changes`` replacing inputs."""
    args = {
        "x": inst["x"],
        "lower": inst["lo"],
        "upper": inst["hi"],
        "churn_limit": inst["churn"],
        "travel": inst["travel"],
    }
    args.update(changes)
    return prove_out_of_reach(
        args.pop("x"), grid(), BASE, t, args.pop("lower"), args.pop("upper"), inst["w"], **args
    )


def feasible_sets(inst: dict, t: int, adjacency: Adjacency) -> list[int]:
    """Every connected set of units that could be territory ``t`` in band, as bit masks."""
    x, w, tv = inst["x"], inst["w"], inst["travel"]
    n = len(w)
    masks = np.arange(1, 1 << n, dtype=np.int64)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    own = (t == BASE).astype(float)
    churn_t = bits @ (w * (1 - own)) + (1 - bits) @ (w * own)
    ok = churn_t <= inst["churn"][t] + 1e-9
    for g in range(inst["k"]):
        if g != t:
            ok &= bits @ (w * (g == BASE)) <= inst["churn"][g] + 1e-9
    sums = bits @ x
    v, s, a = bits @ tv.visits, bits @ tv.stops, bits @ tv.area
    sums[:, 0] += tv.tour * v * np.sqrt(a / np.maximum(s, 1.0))
    ok &= ((sums >= inst["lo"][t] - 1e-9) & (sums <= inst["hi"][t] + 1e-9)).all(axis=1)
    out = []
    for mask in masks[ok].tolist():
        units = [u for u in range(n) if mask >> u & 1]
        seen, stack = {units[0]}, [units[0]]
        while stack:
            u = stack.pop()
            for q in adjacency.neighbors(u).tolist():
                if mask >> q & 1 and q not in seen:
                    seen.add(q)
                    stack.append(q)
        if len(seen) == len(units):
            out.append(mask)
    return out


def test_the_proof_never_excludes_a_contiguous_plan_and_proves_where_none_exists() -> None:
    adjacency = grid()
    proved = feasible = tried = 0
    for seed in range(24):
        inst = instance(seed)
        for t in range(inst["k"]):
            result = prove(inst, t)
            if result.reason:
                continue
            tried += 1
            plans = feasible_sets(inst, t, adjacency)
            if result.out_of_reach:
                proved += 1
                assert not plans, (seed, t, result)
            if plans:
                feasible += 1
                assert not result.out_of_reach
                assert result.margin >= 0
    # Both outcomes occur, so the assertions above are exercised either way.
    assert tried >= 20 and proved >= 3 and feasible >= 3, (tried, proved, feasible)


def test_contiguity_is_what_proves_it() -> None:
    """A rich unit beyond a poor corridor: only the paths' cost keeps the territory out."""
    # A path of 8 units: territory 0 holds units 0-1, territory 1 the rest.
    n = 8
    adjacency = Adjacency.from_edges(
        n, np.asarray([(i, i + 1) for i in range(n - 1)], dtype=np.int64)
    )
    base = np.array([0, 0, 1, 1, 1, 1, 1, 1])
    w = np.array([10.0, 10.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0])
    pot = np.array([10.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 30.0])
    x = np.stack([pot, w], axis=1)
    lo = np.array([[35.0, 0.0], [0.0, 0.0]])
    hi = np.array([[60.0, 100.0], [100.0, 100.0]])
    churn = np.array([15.0, 100.0])
    result = prove_out_of_reach(x, adjacency, base, 0, lo, hi, w, churn_limit=churn)
    # Unit 7 alone would do (3 of churn), but its path takes 18: more than the limit.
    assert result.out_of_reach and result.measure == 0 and result.short
    # Five units of corridor fit a limit of 18: then it can.
    churn[0] = 18.0
    result = prove_out_of_reach(x, adjacency, base, 0, lo, hi, w, churn_limit=churn)
    assert not result.out_of_reach and result.margin >= 0


def test_refuses_what_it_cannot_prove() -> None:
    inst = instance(0)
    big = inst["churn"].copy()
    big[0] = 1e9
    r = prove(inst, 0, lower=inst["lo"] * 0 - 1e9, upper=inst["hi"] * 0 + 1e9)
    assert r.reason == "every measure it tries is in band at the baseline" and not r.out_of_reach
    lo = inst["lo"].copy()
    lo[0, 1] = inst["x"][BASE == 0, 1].sum() * 2
    r = prove(inst, 0, lower=lo, upper=inst["hi"] * 10, churn_limit=big, measure=1)
    assert "leave all its units" in r.reason and not r.out_of_reach


def test_same_inputs_same_verdict() -> None:
    inst = instance(3)
    runs = [prove(inst, t) for t in (0, 1, 2, 0, 1, 2)]
    assert runs[:3] == runs[3:]
    assert all(math.isnan(r.margin) or r.solves > 0 or r.reason for r in runs)


def test_without_travel() -> None:
    adjacency = grid()
    proved = 0
    for seed, t in itertools.product(range(6), range(3)):
        inst = instance(seed)
        x = inst["x"][:, 1:]
        r = prove(inst, t, x=x, lower=inst["lo"][:, 1:], upper=inst["hi"][:, 1:], travel=None)
        if r.out_of_reach:
            proved += 1
            inst2 = dict(
                inst,
                x=np.c_[np.zeros(len(x)), x],
                lo=np.c_[np.full(3, -1e9), inst["lo"][:, 1:]],
                hi=np.c_[np.full(3, 1e9), inst["hi"][:, 1:]],
            )
            assert not feasible_sets(inst2, t, adjacency)
    assert proved >= 1
