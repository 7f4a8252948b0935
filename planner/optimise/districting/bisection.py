"""Recursive bisection: a start of another layout for the fewest-cut-edges search.

The exact search (:mod:`.lns`) re-splits two, three or four neighbouring territories at a
time and keeps the layout of the plan it starts from. On IA (99 counties, four territories)
every run ended at 36 cut edges with one territory wrapped around two others, where the
optimum (33, proven on HiGHS) is four quadrants: 45 of the 99 counties lie in another
territory, up to three counties from any border of the 36, so no re-split reaches it.

Here the territories are split into two groups (the first half and the rest) and the units
into two connected parts with the fewest cut edges between them, each part's measures within
its group's bands summed (:func:`.lns.split_flow` with two territories and the summed
bands, exact within its deterministic limit, hinted with a cut across the region's longer
side at the groups' share of the first measure); each part is split again the same way until
every group is one territory. The first split sees the whole graph, so the plan's first
border is drawn across all of it at once. Measured in docs/optimiser.md ("Districting, tenth
round"): the search takes the bisection's plan as its start only with four territories.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from planner.optimise.districting.problem import IntArray, Problem


class Split(Protocol):
    """:func:`.lns.split_flow`'s signature, as far as the bisection uses it (passed in, so
    that the two modules do not import each other)."""

    def __call__(
        self,
        prob: Problem,
        plan: IntArray,
        group: tuple[int, ...],
        limit: float,
        *,
        bands: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> tuple[IntArray | None, bool]: ...


def bisect(prob: Problem, plan: IntArray, limit: float, split_flow: Split) -> IntArray | None:
    """A plan of the active territories by recursive bisection, each split solved by
    ``split_flow`` (:func:`.lns.split_flow`) within ``limit`` deterministic seconds; None
    when a split finds no plan (its part cannot be brought into its bands, or not within the
    limit), or when a unit of an active territory is not free to move. The other
    territories and their units keep ``plan``.
    """
    terr = np.flatnonzero(prob.active).tolist()
    pool = np.flatnonzero(np.isin(plan, terr))
    if len(terr) < 2 or not bool(prob.movable[pool].all()):
        return None
    out = plan.copy()
    stack: list[tuple[IntArray, list[int]]] = [(pool, terr)]
    while stack:
        units, group = stack.pop()
        if len(group) == 1:
            out[units] = group[0]
            continue
        half = len(group) // 2
        first, rest = group[:half], group[half:]
        lead, other = first[0], rest[0]
        bands = {
            lead: (prob.lower[first].sum(axis=0), prob.upper[first].sum(axis=0)),
            other: (prob.lower[rest].sum(axis=0), prob.upper[rest].sum(axis=0)),
        }
        share = float(bands[lead][1][0] / (bands[lead][1][0] + bands[other][1][0]))
        trial = np.full_like(plan, -1)
        trial[units] = np.where(_cut_across(prob, units, share), lead, other)
        split, _ = split_flow(prob, trial, (lead, other), limit, bands=bands)
        if split is None:
            return None
        stack.append((units[split[units] == other], rest))
        stack.append((units[split[units] == lead], first))
    return out


def _cut_across(prob: Problem, units: IntArray, share: float) -> np.ndarray:
    """Whether each unit lies on the first side of a straight cut across the longer side of
    ``units``' extent, the first side holding ``share`` of the first measure."""
    pts = prob.coords[units]
    axis = int(np.ptp(pts[:, 0]) < np.ptp(pts[:, 1]))
    order = np.argsort(pts[:, axis], kind="stable")
    cum = np.cumsum(prob.x[units[order], 0])
    side = np.ones(units.size, dtype=bool)
    side[order[cum > cum[-1] * share]] = False
    return side
