"""Territories rolled up into districts, regions and any further levels.

A territory's ``parent_id`` names a node of the lowest level above territories. The
levels above are described by the plan table ``hierarchy`` (:data:`HIERARCHY_TABLE`,
saved and opened with the plan like every plan table), one row per node:

=============  ==============================================================
``parent_id``  the node's id, as territories' ``parent_id`` uses it
``name``       what the planner reads (defaults to the id)
``level``      the node's level, e.g. ``District`` or ``Region``
``parent``     the id of the node above it; empty at the top
=============  ==============================================================

Every node of a level has its parent in the same level above, so the levels form one
chain: ``Territory``, ``District``, ``Region``... A plan without the table keeps
working: its distinct ``parent_id`` values form one implicit level,
:data:`IMPLICIT_LEVEL`. A table that does not describe such a chain (a cycle, an unknown
parent, a node at two levels, a missing column) is ignored: :func:`hierarchy` lists the
problems and falls back to the implicit level, so a bad table never stops the plan
from opening.

Every measure is a sum over territories (workload included), so a node's value is the
sum of its territories' values, and of its children's at the level below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.models.balance import BalanceTable
from planner.models.plan import Plan
from planner.models.schema import palette_color

#: The plan table describing the levels above territories.
HIERARCHY_TABLE = "hierarchy"
HIERARCHY_COLUMNS = ("parent_id", "name", "level", "parent")
#: The level of the rows of the balance table itself.
TERRITORY_LEVEL = "Territory"
#: The one level a plan without a (valid) hierarchy table has: its distinct parent_ids.
IMPLICIT_LEVEL = "District"
#: Group of the territories that have no node at a level.
NO_PARENT = "(no parent)"
NO_PARENT_COLOR = "#c8c8c8"


class HierarchyError(ValueError):
    """A level or node name that the plan's hierarchy does not have."""


@dataclass(frozen=True)
class Node:
    """One district, region... of the hierarchy."""

    node_id: str
    name: str
    level: str
    parent: str | None


@dataclass
class Hierarchy:
    """The levels above a plan's territories, validated.

    Attributes
    ----------
    levels : list of str
        Levels above territories, lowest first (``["District", "Region"]``).
    nodes : dict
        Node id to :class:`Node`, in table order.
    territory_parent : list
        Each territory's ``parent_id`` (``None`` when it has none).
    problems : list of str
        What is wrong with the ``hierarchy`` table, for the planner to read.
    fallback : bool
        True when the table was ignored for its problems (the implicit level is used).
    implicit : bool
        True when the levels come from ``parent_id`` alone (no table, or a bad one).
    """

    levels: list[str]
    nodes: dict[str, Node]
    territory_parent: list[str | None]
    problems: list[str] = field(default_factory=list)
    fallback: bool = False
    implicit: bool = False

    def all_levels(self) -> list[str]:
        """``Territory`` followed by the levels above it, lowest first."""
        return [TERRITORY_LEVEL, *self.levels]

    def _level_index(self, level: str) -> int:
        if level not in self.levels:
            raise HierarchyError(
                f"no hierarchy level {level!r} (levels: {', '.join(self.all_levels())})"
            )
        return self.levels.index(level)

    def ancestors(self, level: str) -> list[str | None]:
        """The node id at ``level`` above each territory (``None`` where there is none).

        ``level="Territory"`` gives the territories' own parent ids.
        """
        if level == TERRITORY_LEVEL:
            return list(self.territory_parent)
        target = self._level_index(level)
        rank = {name: i for i, name in enumerate(self.levels)}
        cache: dict[str | None, str | None] = {None: None}
        out: list[str | None] = []
        for start in self.territory_parent:
            if start not in cache:
                node = start
                # Walk up until the level is reached; a node above it means "none here".
                while node is not None and rank[self.nodes[node].level] < target:
                    node = self.nodes[node].parent
                cache[start] = (
                    node if node is not None and rank[self.nodes[node].level] == target else None
                )
            out.append(cache[start])
        return out

    def nodes_at(self, level: str) -> list[Node]:
        """Nodes of a level, in table order."""
        self._level_index(level)
        return [n for n in self.nodes.values() if n.level == level]

    def groups(self, level: str) -> tuple[list[str | None], list[str], np.ndarray]:
        """The groups of territories at ``level``.

        Returns
        -------
        ids : list
            Node id per group (``None`` for the group of territories without a node).
        names : list of str
            Display name per group.
        index : ndarray of int
            Group index per territory.

        Groups follow the table order of the level's nodes; nodes without territories
        are left out, and the territories without a node come last.
        """
        ancestors = self.ancestors(level) if level != TERRITORY_LEVEL else None
        if ancestors is None:
            raise HierarchyError("territories are not grouped at their own level")
        used = set(ancestors)
        ids: list[str | None] = [n.node_id for n in self.nodes_at(level) if n.node_id in used]
        if None in used:
            ids.append(None)
        position = {node_id: i for i, node_id in enumerate(ids)}
        index = np.array([position[a] for a in ancestors], dtype=np.int64)
        names = [NO_PARENT if i is None else self.nodes[i].name for i in ids]
        return ids, names, index

    def find(self, node: str) -> Node:
        """The node with this id, else with this name (exact, then ignoring case).

        Raises
        ------
        HierarchyError
            If no node or more than one node has that name.
        """
        text = str(node).strip()
        if text in self.nodes:
            return self.nodes[text]
        for match in (lambda n: n.name == text, lambda n: n.name.casefold() == text.casefold()):
            found = [n for n in self.nodes.values() if match(n)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                ids = ", ".join(n.node_id for n in found)
                raise HierarchyError(f"{text!r} names several hierarchy nodes ({ids}): use an id")
        known = ", ".join(f"{n.name} ({n.level})" for n in list(self.nodes.values())[:12])
        more = ", …" if len(self.nodes) > 12 else ""
        raise HierarchyError(f"no district or region {text!r} (nodes: {known or 'none'}{more})")

    def territories_under(self, node: str) -> list[int]:
        """Indices of the territories below a node (its id or name), at any depth."""
        found = self.find(node)
        ancestors = self.ancestors(found.level)
        return [t for t, a in enumerate(ancestors) if a == found.node_id]


def _text(value: Any) -> str | None:
    """Stripped text, ``None`` for missing or empty values (NULL, NaN, "")."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _implicit(parents: list[str | None], problems: list[str], fallback: bool) -> Hierarchy:
    nodes = {p: Node(p, p, IMPLICIT_LEVEL, None) for p in dict.fromkeys(parents) if p is not None}
    return Hierarchy(
        [IMPLICIT_LEVEL] if nodes else [], nodes, parents, problems, fallback, implicit=True
    )


def _table_nodes(table: pd.DataFrame, problems: list[str]) -> dict[str, Node]:
    """Nodes of the table rows; structural problems are appended to ``problems``."""
    missing = [c for c in ("parent_id", "level") if c not in table.columns]
    if missing:
        problems.append(
            f"hierarchy table: no {' or '.join(repr(c) for c in missing)} column "
            f"(columns: {', '.join(HIERARCHY_COLUMNS)})"
        )
        return {}
    names = table["name"] if "name" in table else table["parent_id"]
    parents = table["parent"] if "parent" in table else [None] * len(table)
    nodes: dict[str, Node] = {}
    for row, (node_id, name, level, parent) in enumerate(
        zip(table["parent_id"], names, table["level"], parents, strict=True)
    ):
        nid, lvl = _text(node_id), _text(level)
        if nid is None:
            problems.append(f"hierarchy table row {row + 1}: empty parent_id")
            continue
        if lvl is None:
            problems.append(f"hierarchy table row {row + 1}: node {nid!r} has no level")
            continue
        if lvl.casefold() == TERRITORY_LEVEL.casefold():
            problems.append(
                f"hierarchy table row {row + 1}: {lvl!r} is the level of the territories "
                "themselves; name the levels above them (District, Region...)"
            )
            continue
        node = Node(nid, _text(name) or nid, lvl, _text(parent))
        seen = nodes.get(nid)
        if seen is None:
            nodes[nid] = node
        elif seen.level != node.level:
            problems.append(f"node {nid!r} is at two levels ({seen.level} and {node.level})")
        elif seen.parent != node.parent:
            problems.append(
                f"node {nid!r} is listed twice with different parents "
                f"({seen.parent or 'none'} and {node.parent or 'none'})"
            )
    return nodes


def _level_chain(nodes: dict[str, Node], problems: list[str]) -> list[str]:
    """The levels lowest first, when parents lead from every level to one level above."""
    above: dict[str, set[str]] = {n.level: set() for n in nodes.values()}
    for n in nodes.values():
        if n.parent is None:
            continue
        parent = nodes.get(n.parent)
        if parent is None:
            problems.append(f"node {n.node_id!r} ({n.level}): unknown parent {n.parent!r}")
        elif parent.level == n.level:
            problems.append(
                f"node {n.node_id!r} has parent {parent.node_id!r} at its own level ({n.level})"
            )
        else:
            above[n.level].add(parent.level)
    cycles: list[list[str]] = []
    for n in nodes.values():
        path, node = [n.node_id], n
        while node.parent is not None and node.parent in nodes:
            if node.parent in path:
                cycle = path[path.index(node.parent) :]
                if not any(set(cycle) == set(c) for c in cycles):
                    cycles.append(cycle)
                    problems.append(f"cycle of parents: {' → '.join([*cycle, cycle[0]])}")
                break
            path.append(node.parent)
            node = nodes[node.parent]
    for level, ups in above.items():
        if len(ups) > 1:
            problems.append(
                f"{level} nodes have parents at several levels ({', '.join(sorted(ups))})"
            )
    if problems:
        return []
    below = {up for ups in above.values() for up in ups}
    lowest = [lvl for lvl in above if lvl not in below]
    if len(lowest) != 1:
        problems.append(
            "the levels do not form one chain: "
            + (", ".join(lowest) + " are each the lowest" if lowest else "levels loop")
        )
        return []
    chain = [lowest[0]]
    while above[chain[-1]]:
        nxt = next(iter(above[chain[-1]]))
        if nxt in chain:
            problems.append(f"the levels loop: {' → '.join([*chain, nxt])}")
            return []
        chain.append(nxt)
    if len(chain) != len(above):
        rest = ", ".join(sorted(set(above) - set(chain)))
        problems.append(f"the levels do not form one chain ({rest} not above {chain[0]})")
        return []
    return chain


def build_hierarchy(
    territory_parents: Sequence[object], table: pd.DataFrame | None = None
) -> Hierarchy:
    """Validate a hierarchy table against the territories' parent ids.

    Parameters
    ----------
    territory_parents : sequence
        ``parent_id`` per territory (missing values allowed).
    table : DataFrame, optional
        The ``hierarchy`` table (columns :data:`HIERARCHY_COLUMNS`).

    Returns
    -------
    Hierarchy
        From the table when it describes one chain of levels; otherwise the implicit
        one level of distinct parent ids, with the table's problems listed. Never raises
        for bad table contents.
    """
    parents = [_text(p) for p in territory_parents]
    if table is None or len(table) == 0:
        return _implicit(parents, [], fallback=False)
    problems: list[str] = []
    nodes = _table_nodes(table, problems)
    levels = _level_chain(nodes, problems) if nodes and not problems else []
    if problems or not levels:
        if not problems:
            problems.append("hierarchy table: no nodes")
        return _implicit(parents, problems, fallback=True)
    # A parent_id the table does not list becomes a lowest-level node of its own.
    for p in dict.fromkeys(parents):
        if p is not None and p not in nodes:
            problems.append(
                f"parent_id {p!r} of a territory is not in the hierarchy table: "
                f"shown as a {levels[0]} without a parent"
            )
            nodes[p] = Node(p, p, levels[0], None)
    return Hierarchy(levels, nodes, parents, problems)


def hierarchy(plan: Plan) -> Hierarchy:
    """The validated hierarchy of a plan (see :func:`build_hierarchy`)."""
    return build_hierarchy(list(plan.territories["parent_id"]), plan.tables.get(HIERARCHY_TABLE))


def levels(plan: Plan) -> list[str]:
    """``Territory`` and the levels above it, lowest first."""
    return hierarchy(plan).all_levels()


def ancestors(plan: Plan, level: str) -> list[str | None]:
    """The node id at ``level`` above each territory (``None`` where there is none)."""
    return hierarchy(plan).ancestors(level)


def territories_under(plan: Plan, node: str) -> list[int]:
    """Territory indices below a district or region, given by id or name.

    Raises
    ------
    HierarchyError
        If the plan has no such node (the message lists some that it has).
    """
    return hierarchy(plan).territories_under(node)


def validate_hierarchy(plan: Plan) -> list[str]:
    """What is wrong with the plan's ``hierarchy`` table (empty when nothing is)."""
    return list(hierarchy(plan).problems)


def hierarchy_table(nodes: Sequence[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """A ``hierarchy`` table from ``(parent_id, name, level, parent)`` tuples."""
    return pd.DataFrame(
        {
            "parent_id": [n[0] for n in nodes],
            "name": [n[1] for n in nodes],
            "level": [n[2] for n in nodes],
            "parent": [n[3] or "" for n in nodes],
        },
        columns=list(HIERARCHY_COLUMNS),
    )


def plural(level: str) -> str:
    """``District`` → ``Districts``, ``Territory`` → ``Territories`` (for menus)."""
    if level.endswith("y") and not level.endswith(("ay", "ey", "oy", "uy")):
        return level[:-1] + "ies"
    return level if level.endswith("s") else level + "s"


@dataclass
class Rollup:
    """Balance of the nodes of one level above a plan's territories.

    ``members[i]`` lists the territory indices under ``names[i]`` (node id
    ``ids[i]``); territories without a node at the level are grouped under
    :data:`NO_PARENT` (id ``None``). Every measure is a sum over territories (workload
    included), so a node's value is the sum of its children's.
    """

    names: list[str]
    members: list[list[int]]
    table: BalanceTable
    ids: list[str | None] = field(default_factory=list)
    level: str = IMPLICIT_LEVEL
    colors: list[str] = field(default_factory=list)


def group_colors(ids: Sequence[str | None]) -> list[str]:
    """One palette colour per group (grey for territories without a node)."""
    out, k = [], 0
    for node_id in ids:
        if node_id is None:
            out.append(NO_PARENT_COLOR)
        else:
            out.append(palette_color(k))
            k += 1
    return out


def rollup(
    plan: Plan,
    table: BalanceTable | None = None,
    level: str | None = None,
    tree: Hierarchy | None = None,
) -> Rollup:
    """Sum a balance table (the plan's current one by default) by the nodes of a level.

    Parameters
    ----------
    plan : Plan
    table : BalanceTable, optional
        One row per territory (e.g. a preview); the plan's current balance by default.
    level : str, optional
        A level above territories (default: the lowest, the one ``parent_id`` names).
    tree : Hierarchy, optional
        The plan's hierarchy when the caller has it already.

    Raises
    ------
    HierarchyError
        If ``level`` is not a level of the plan.
    """
    table = table if table is not None else plan.balance()
    tree = tree if tree is not None else hierarchy(plan)
    if level is None:
        level = tree.levels[0] if tree.levels else IMPLICIT_LEVEL
    if level == TERRITORY_LEVEL:
        raise HierarchyError("territories are the balance table's own rows: nothing to roll up")
    if tree.levels:
        ids, names, index = tree.groups(level)
    elif level == IMPLICIT_LEVEL:  # no territory has a parent: one group of everything
        ids, names = [None], [NO_PARENT]
        index = np.zeros(plan.n_territories, dtype=np.int64)
        if not plan.n_territories:
            ids, names = [], []
    else:
        raise HierarchyError(f"no hierarchy level {level!r} (levels: {TERRITORY_LEVEL})")
    n_groups = len(ids)
    members = [np.flatnonzero(index == i).tolist() for i in range(n_groups)]
    values = np.zeros((n_groups, table.values.shape[1]))
    np.add.at(values, index, table.values)
    travel = (
        np.bincount(index, weights=table.travel_km, minlength=n_groups)
        if len(index)
        else np.zeros(0)
    )
    # A node's target is its territories' targets added up: a region of eleven territories
    # is judged against eleven territories' worth, not against the mean over regions.
    measures = list(table.measures)
    sizes = np.bincount(index, minlength=n_groups)[:n_groups].astype(float)
    node_targets = sizes[:, None] * np.asarray(table.targets, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = (values - node_targets) / node_targets
    zero = node_targets == 0
    deviation[zero] = np.where(values[zero] == 0, 0.0, np.inf)
    tolerance = np.array([spec.tolerance for spec in measures], dtype=float)
    in_band = np.abs(deviation) <= tolerance[None, :] + 1e-12
    targets = node_targets.mean(axis=0) if n_groups else np.zeros(len(measures))
    return Rollup(
        names,
        members,
        BalanceTable(measures, values, table.unassigned, targets, deviation, in_band, travel),
        ids,
        level,
        group_colors(ids),
    )


def has_hierarchy(plan: Plan) -> bool:
    """Whether any territory has a parent."""
    return any(_text(p) is not None for p in plan.territories["parent_id"])


__all__ = [
    "HIERARCHY_COLUMNS",
    "HIERARCHY_TABLE",
    "IMPLICIT_LEVEL",
    "NO_PARENT",
    "TERRITORY_LEVEL",
    "Hierarchy",
    "HierarchyError",
    "Node",
    "Rollup",
    "ancestors",
    "build_hierarchy",
    "group_colors",
    "has_hierarchy",
    "hierarchy",
    "hierarchy_table",
    "levels",
    "plural",
    "rollup",
    "territories_under",
    "validate_hierarchy",
]
