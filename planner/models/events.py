"""Plain-Python change events the plan announces to its listeners.

Events carry what changed (indices, before and after) so a view redraws only what
moved. They never carry Qt types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from planner.models.assignment import Change


@dataclass(frozen=True)
class AssignmentChanged:
    """Accounts and/or units changed territory; ``change`` holds indices, before and after."""

    change: Change


@dataclass(frozen=True)
class TerritoriesChanged:
    """Properties (name, rep, colour, lock, geometry...) of these territories changed."""

    indices: tuple[int, ...]
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class TerritoryListChanged:
    """Territories were added or removed; indices of accounts and units may have shifted."""


@dataclass(frozen=True)
class LocksChanged:
    """Lock or pin flags changed on these accounts and units."""

    account_indices: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    unit_indices: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


@dataclass(frozen=True)
class SettingsChanged:
    """Plan settings (measures, tolerances, travel parameters) changed."""


@dataclass(frozen=True)
class TablesChanged:
    """These stored tables or layers (scenarios, routes, optimiser moves...) were replaced."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoutedTravelChanged:
    """The routed travel hours behind the workload changed (routes planned, cleared, undone)."""


@dataclass(frozen=True)
class ActualsChanged:
    """Actuals of these periods were imported, replaced or removed."""

    periods: tuple[str, ...] = ()


PlanEvent = (
    AssignmentChanged
    | TerritoriesChanged
    | TerritoryListChanged
    | LocksChanged
    | SettingsChanged
    | TablesChanged
    | RoutedTravelChanged
    | ActualsChanged
)
Listener = Callable[[PlanEvent], None]


class EventEmitter:
    """A minimal synchronous publisher of :data:`PlanEvent` objects."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        #: Events emitted so far: the plan announces every change, so a figure derived
        #: from its state stays valid while this count stays (caches key on it).
        self.emitted = 0

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event)`` after every change."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: PlanEvent) -> None:
        """Deliver ``event`` to every listener in subscription order."""
        self.emitted += 1
        for listener in list(self._listeners):
            listener(event)
