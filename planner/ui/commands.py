"""Undoable commands. Widgets request; only commands mutate the plan.

Each command only calls model methods and remembers what it needs to undo. One
gesture (a lasso, a vertex drag, an optimiser run, accepting a reviewed workbook)
is one command, so one Ctrl+Z undoes it whole.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from planner.models.assignment import Change
from planner.models.plan import Plan
from planner.ui.i18n import translate


def action_text(text: str) -> str:
    """``text`` for a QAction, QPushButton or QCheckBox, shown as typed.

    Qt takes ``&`` in such texts as a mnemonic marker and hides it, so a territory named
    "R&D" would show as "RD" with the D underlined; ``&&`` shows one ``&``.
    """
    return text.replace("&", "&&")


class ApplyChangeCommand(QUndoCommand):
    """Reassign accounts and units as described by a :class:`Change`.

    The change must be proposed against the plan's current state (``Plan.propose_*``
    or a tool or optimiser result); pushing the command applies it.
    """

    def __init__(self, plan: Plan, change: Change, text: str) -> None:
        super().__init__(text)
        self.plan = plan
        self.change = change

    def redo(self) -> None:
        self.plan.apply(self.change)

    def undo(self) -> None:
        self.plan.apply(self.change.inverse())


class SetTerritoryFieldCommand(QUndoCommand):
    """Set one property (name, rep, colour, lock, quota...) of a territory."""

    def __init__(
        self, plan: Plan, index: int, field: str, value: Any, text: str | None = None
    ) -> None:
        super().__init__(
            text
            or translate("Commands", "Set {field} of {territory}").format(
                field=field, territory=plan.territory_label(index)
            )
        )
        self.plan = plan
        self.index = index
        self.field = field
        self.value = value
        self.previous: Any = plan.territories.at[index, field]

    def redo(self) -> None:
        self.plan.set_territory_field(self.index, self.field, self.value)

    def undo(self) -> None:
        self.plan.set_territory_field(self.index, self.field, self.previous)


class DrawTerritoryCommand(QUndoCommand):
    """Create a drawn territory; its shape cuts overlapping drawn territories.

    The accounts inside the new shape (not locked or pinned) move to it. Undo
    restores the cut shapes, moves the accounts back and removes the territory.
    """

    def __init__(
        self, plan: Plan, row: dict[str, Any], geometry: Any, text: str | None = None
    ) -> None:
        super().__init__(text or translate("Commands", "Draw territory"))
        self.plan = plan
        self.row = row
        self.geometry = geometry
        self.index = plan.n_territories
        self.cut: dict[int, tuple[Any, Any]] = {}
        self.change: Change | None = None

    def redo(self) -> None:
        import numpy as np
        import shapely

        from planner.models.editing import accounts_inside

        plan = self.plan
        plan.insert_territory(self.index, self.row, self.geometry)
        if not self.cut:
            for i in range(plan.n_territories):
                if i == self.index or plan.territories.at[i, "geometry_source"] != "drawn":
                    continue
                old = plan.territories.geometry.iloc[i]
                if old is not None and shapely.intersects(old, self.geometry):
                    self.cut[i] = (old, shapely.difference(old, self.geometry))
        for i, (_old, new) in self.cut.items():
            plan.set_territory_geometry(i, new)
        if self.change is None:
            inside = accounts_inside(plan, self.geometry)
            self.change = plan.propose_account_move(np.asarray(inside), self.index)
        plan.apply(self.change)

    def undo(self) -> None:
        assert self.change is not None
        self.plan.apply(self.change.inverse())
        for i, (old, _new) in self.cut.items():
            self.plan.set_territory_geometry(i, old)
        self.plan.remove_territory(self.index)


class MergeTerritoriesCommand(QUndoCommand):
    """Merge territories into the first one: their units and accounts move, then they go."""

    def __init__(self, plan: Plan, indices: list[int]) -> None:
        names = ", ".join(plan.territory_label(i) for i in indices)
        super().__init__(translate("Commands", "Merge {names}").format(names=names))
        self.plan = plan
        self.target_id = plan.territory_ids[indices[0]]
        self.merged_ids = [plan.territory_ids[i] for i in indices[1:]]
        self.removed: list[tuple[int, dict[str, Any], Any]] = []
        self.change: Change | None = None

    def redo(self) -> None:
        import numpy as np

        plan = self.plan
        target = plan.territory_index[self.target_id]
        merged = [plan.territory_index[t] for t in self.merged_ids]
        if self.change is None:
            acc = np.flatnonzero(np.isin(plan.account_territory, merged))
            units = np.flatnonzero(np.isin(plan.unit_territory, merged))
            self.change = Change.build(
                acc,
                plan.account_territory[acc],
                np.full(len(acc), target, dtype=np.int32),
                units,
                plan.unit_territory[units],
                np.full(len(units), target, dtype=np.int32),
            )
        plan.apply(self.change)
        self.removed = []
        for tid in self.merged_ids:
            index = plan.territory_index[tid]
            row, geometry = plan.remove_territory(index)
            self.removed.append((index, row, geometry))

    def undo(self) -> None:
        for index, row, geometry in reversed(self.removed):
            self.plan.insert_territory(index, row, geometry)
        assert self.change is not None
        self.plan.apply(self.change.inverse())


class SetLocksCommand(QUndoCommand):
    """Lock or unlock territories, units or accounts; pin accounts to their territory."""

    def __init__(self, plan: Plan, kind: str, indices: Any, value: bool, text: str) -> None:
        import numpy as np

        super().__init__(text)
        self.plan = plan
        self.kind = kind
        self.indices = np.asarray(indices, dtype=np.int64)
        self.value = value
        if kind == "territories":
            self.before = plan.territory_locked[self.indices].copy()
        elif kind == "units":
            self.before = plan.unit_locked[self.indices].copy()
        elif kind == "accounts":
            self.before = plan.account_locked[self.indices].copy()
        elif kind == "pins":
            self.before = plan.account_pinned[self.indices].copy()
        else:
            raise ValueError(f"unknown lock kind {kind!r}")

    def _set(self, values: Any) -> None:
        import numpy as np

        values = np.broadcast_to(np.asarray(values, dtype=bool), self.indices.shape)
        if self.kind == "territories":
            for i, v in zip(self.indices.tolist(), values.tolist(), strict=True):
                self.plan.set_territory_field(i, "locked", bool(v))
        elif self.kind == "units":
            self.plan.set_unit_locks(self.indices, values)
        elif self.kind == "accounts":
            self.plan.set_account_flags(self.indices, locked=values)
        else:
            self.plan.set_account_flags(self.indices, pinned=values)

    def redo(self) -> None:
        self._set(self.value)

    def undo(self) -> None:
        self._set(self.before)


class EditShapeCommand(QUndoCommand):
    """Change a drawn territory's shape; the accounts follow the new boundary."""

    def __init__(self, plan: Plan, index: int, geometry: Any, change: Change, text: str) -> None:
        super().__init__(text)
        self.plan = plan
        self.index = index
        self.geometry = geometry
        self.previous = plan.territories.geometry.iloc[index]
        self.change = change

    def redo(self) -> None:
        self.plan.set_territory_geometry(self.index, self.geometry)
        self.plan.apply(self.change)

    def undo(self) -> None:
        self.plan.apply(self.change.inverse())
        self.plan.set_territory_geometry(self.index, self.previous)


class SplitTerritoryCommand(QUndoCommand):
    """Split a unit-based territory: units on one side of a line go to a new territory."""

    def __init__(self, plan: Plan, territory: int, unit_indices: Any, row: dict[str, Any]) -> None:
        super().__init__(
            translate("Commands", "Split {territory}").format(
                territory=plan.territory_label(territory)
            )
        )
        self.plan = plan
        self.unit_indices = unit_indices
        self.row = row
        self.index = plan.n_territories
        self.change: Change | None = None

    def redo(self) -> None:
        self.plan.insert_territory(self.index, self.row, None)
        if self.change is None:
            self.change = self.plan.propose_unit_move(self.unit_indices, self.index)
        self.plan.apply(self.change)

    def undo(self) -> None:
        assert self.change is not None
        self.plan.apply(self.change.inverse())
        self.plan.remove_territory(self.index)


class PinAccountsCommand(QUndoCommand):
    """Pin accounts to a territory (a key-account override that boundaries do not move).

    Takes the result of :meth:`Plan.propose_pin`, which applies the plan's lock rule: locked
    accounts and accounts of locked territories are never in it.
    """

    def __init__(self, plan: Plan, change: Change, pins: Any, text: str) -> None:
        import numpy as np

        super().__init__(text)
        self.plan = plan
        self.change = change
        self.indices = np.asarray(pins, dtype=np.int64)
        self.pins_before = plan.account_pinned[self.indices].copy()

    def redo(self) -> None:
        self.plan.apply(self.change)
        self.plan.set_account_flags(self.indices, pinned=True)

    def undo(self) -> None:
        self.plan.set_account_flags(self.indices, pinned=self.pins_before)
        self.plan.apply(self.change.inverse())
