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
        super().__init__(text or f"Set {field} of {plan.territory_label(index)}")
        self.plan = plan
        self.index = index
        self.field = field
        self.value = value
        self.previous: Any = plan.territories.at[index, field]

    def redo(self) -> None:
        self.plan.set_territory_field(self.index, self.field, self.value)

    def undo(self) -> None:
        self.plan.set_territory_field(self.index, self.field, self.previous)
