"""Anchored territories: units so large that the bands nearly decide their territory.

A unit holding more than half of a territory's lower band (Oklahoma County holds 96 % of an
ideal district of Oklahoma's five, Tulsa County 80 %) can only share its territory with a few
of its neighbours: every territory is contiguous and within its bands, so the territory that
holds such an *anchor* is one of the connected sets of units around it whose measures fall in
the band. Those sets are enumerated here (each once, by extension with an exclusion set, the
measures pruning every branch that passes an upper bound), up to a counted limit.

When the enumeration is complete, what all of an anchor's sets have in common is in the
anchor's territory in every feasible plan; when there is a single set (Oklahoma County with
Lincoln County; Jefferson County, Alabama, with Walker County) the whole territory is decided
and the search can leave it alone: its units are fixed and the territory takes no part in the
re-splits of :mod:`.lns`, whose groups then span the undecided territories only (on Oklahoma
five territories become four, so the quadruple of the search is the whole problem).

This is exact reasoning (a necessary condition of every feasible plan), not a heuristic: it
applies whenever the territories share the same bands (any territory may hold the anchor) and
contiguity is required.
"""

from __future__ import annotations

import numpy as np

from planner.optimise.districting.problem import WORK, IntArray, Problem

#: A unit is an anchor when its measures reach this share of the lower band in some measure.
ANCHOR_SHARE = 0.5
#: Enumeration stops (the anchor is left undecided) after this many sets ...
MAX_SETS = 5_000
#: ... or this many extension steps; each step is charged to the work counter.
MAX_STEPS = 400_000
#: Work-counter units per extension step (about 11 us of CPU each, measured on the county
#: graphs: 0.2-0.7 s for the enumerations that reach their limit).
WORK_PER_STEP = 0.45


def anchor_units(prob: Problem) -> list[int]:
    """Units holding more than ANCHOR_SHARE of the (common) lower band in some measure,
    largest first; empty when the territories' bands differ or contiguity is not required."""
    terr = np.flatnonzero(prob.active)
    if terr.size < 2 or not prob.keeps_contiguity or prob.current is not None:
        return []
    lower = prob.lower[terr]
    upper = prob.upper[terr]
    if not (np.allclose(lower, lower[0]) and np.allclose(upper, upper[0])):
        return []
    if np.any(prob.fixed >= 0) or not prob.movable.all() or np.any(prob.x < 0):
        return []  # locked units, or measures that can shrink a set as it grows
    lo = lower[0]
    share = np.where(lo > 0, prob.x / np.maximum(lo, 1e-12), 0.0).max(axis=1)
    units = np.flatnonzero(share > ANCHOR_SHARE)
    return [int(i) for i in units[np.argsort(-share[units], kind="stable")]]


def feasible_sets(prob: Problem, anchor: int) -> list[frozenset[int]] | None:
    """Every connected set of units containing ``anchor`` whose measures are within the
    (common) band, or None when there are more than MAX_SETS or the enumeration takes more
    than MAX_STEPS steps."""
    t0 = int(np.flatnonzero(prob.active)[0])
    lo, hi = prob.lower[t0], prob.upper[t0]
    x = prob.x
    lists = prob.lists
    out: list[frozenset[int]] = []
    steps = 0
    # Iterative depth-first extension: (set, totals, extension candidates, excluded).
    stack: list[tuple[frozenset[int], np.ndarray, list[int], frozenset[int]]] = [
        (frozenset([anchor]), x[anchor].astype(float), sorted(lists[anchor]), frozenset([anchor]))
    ]
    if np.any(x[anchor] > hi + 1e-9):
        return []
    if np.all(x[anchor] >= lo - 1e-9):
        out.append(frozenset([anchor]))
    while stack:
        members, total, ext, excl = stack.pop()
        ext = list(ext)
        while ext:
            steps += 1
            if steps > MAX_STEPS or len(out) > MAX_SETS:
                WORK.ticks += WORK_PER_STEP * steps
                return None
            v = ext.pop()
            new_total = total + x[v]
            if np.all(new_total <= hi + 1e-9):
                grown = members | {v}
                if np.all(new_total >= lo - 1e-9):
                    out.append(grown)
                new_excl = excl | {v}
                cand = set(ext)
                cand.update(w for w in lists[v] if w not in grown and w not in excl)
                stack.append((grown, new_total, sorted(cand), new_excl))
            excl = excl | {v}
    WORK.ticks += WORK_PER_STEP * steps
    return out


#: An anchor's sets are given to the re-splits as choices when there are at most this many.
MAX_CHOICES = 5_000


def anchored(
    prob: Problem, plan: IntArray
) -> tuple[list[tuple[int, list[int]]], dict[int, list[frozenset[int]]]]:
    """What the anchors of ``plan`` decide: the territories every feasible plan has, as
    (territory, units) (an anchor whose only feasible set is its territory in ``plan``), and
    the feasible sets of the other anchors' territories (at most MAX_CHOICES each), keyed by
    territory. Each territory once (the largest anchor decides)."""
    decided: list[tuple[int, list[int]]] = []
    choices: dict[int, list[frozenset[int]]] = {}
    seen: set[int] = set()
    for a in anchor_units(prob):
        t = int(plan[a])
        if t in seen:
            continue
        sets = feasible_sets(prob, a)
        if sets is None:
            continue
        seen.add(t)
        current = frozenset(np.flatnonzero(plan == t).tolist())
        if len(sets) == 1 and sets[0] == current:
            decided.append((t, sorted(current)))
        elif len(sets) <= MAX_CHOICES and current in sets:
            choices[t] = sets
    return decided, choices
