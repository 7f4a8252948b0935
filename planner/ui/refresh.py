"""The one refresh path: plan events and previews reach the views once per event-loop turn.

Every view of the plan (balance table, chart, disruption and problems panels, map, routes
panel, the window's title) registers here once with :meth:`RefreshScheduler.add_view`. The
scheduler is the only subscriber to the plan's events. It gathers what a burst of events
touched (one undo step may announce several), and on the next turn of the event loop hands
every view one :class:`Refresh`: which territories changed, whether the territory list or
settings changed (rebuild), and, while a gesture is in progress, the change being
previewed. The balance table and disruption of that state are computed once, lazily, and
shared by every view.

A preview travels the same path: a tool calls :meth:`RefreshScheduler.set_preview` on each
move (nothing is applied) and :meth:`clear_preview` when the gesture ends or is cancelled.
Several moves within one turn cost one refresh: previews reach the views at most once per
turn (and so at most once per painted frame).

A view inside a hidden dock (tabbed behind another) is not refreshed; it is marked stale
and refreshed in full when it is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from planner.models.assignment import Change
from planner.models.balance import BalanceTable
from planner.models.events import (
    ActualsChanged,
    AssignmentChanged,
    LocksChanged,
    PlanEvent,
    RoutedTravelChanged,
    TablesChanged,
    TerritoriesChanged,
)
from planner.models.plan import Disruption, Plan

#: The event a scheduler posts itself to flush on the next turn of the event loop.
_FLUSH = QEvent.Type(QEvent.registerEventType())


@dataclass
class Refresh:
    """What one refresh shows and what changed since the previous one.

    Attributes
    ----------
    plan : Plan
    preview : Change or None
        The change a gesture in progress would make (not applied), or None: show the plan.
    territories : frozenset of int or None
        Territories whose accounts, units or properties changed (or would, in a preview);
        None when every territory must be redrawn (a new plan, the territory list or the
        settings changed).
    events : tuple of PlanEvent
        The plan's events since the last refresh, in order (empty for a preview alone).
    """

    plan: Plan
    preview: Change | None = None
    territories: frozenset[int] | None = None
    events: tuple[PlanEvent, ...] = ()
    _fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def full(self) -> bool:
        """Everything must be redrawn (territory list, settings, a new plan)."""
        return self.territories is None

    @property
    def applied(self) -> bool:
        """The plan changed (events arrived), as opposed to a preview moving."""
        return bool(self.events) or self.full

    @property
    def assignment_changed(self) -> bool:
        """Accounts or units changed territory (applied)."""
        return self.full or any(isinstance(e, AssignmentChanged) for e in self.events)

    @property
    def locks_changed(self) -> bool:
        return self.full or any(isinstance(e, LocksChanged) for e in self.events)

    def fields_changed(self) -> frozenset[str]:
        """Territory properties changed by :class:`TerritoriesChanged` events."""
        return self._fields

    @cached_property
    def balance(self) -> BalanceTable:
        """The balance table shown: the preview's, or the plan's."""
        if self.preview is not None:
            return self.plan.preview(self.preview)
        return self.plan.balance()

    @cached_property
    def disruption(self) -> Disruption:
        return self.plan.disruption(self.preview)

    @cached_property
    def names(self) -> list[str]:
        return self.plan.territory_names()


View = Callable[[Refresh], None]


@dataclass
class _Registration:
    view: View
    previews: bool
    widget: QWidget | None
    stale: bool = False


def view_name(view: View) -> str:
    """``module.qualified_name`` of a registered view, e.g. ``balance_chart.install.<locals>.refresh``."""
    module = str(getattr(view, "__module__", "") or "").rsplit(".", 1)[-1]
    name = getattr(view, "__qualname__", type(view).__name__)
    return f"{module}.{name}".replace(".<locals>", "")


def touched_territories(change: Change) -> set[int]:
    """Territory indices a change moves anything into or out of (Unassigned left out)."""
    parts = [change.account_before, change.account_after, change.unit_before, change.unit_after]
    values = np.concatenate([np.asarray(p, dtype=np.int64) for p in parts])
    if not len(values):
        return set()
    # A count per territory instead of a sort: 100,000 moved accounts in a millisecond.
    seen = np.bincount(values + 1, minlength=1)
    return {int(t) - 1 for t in np.flatnonzero(seen[1:]) + 1}


class RefreshScheduler(QObject):
    """Subscribes to the plan once and refreshes every registered view once per turn.

    Signals
    -------
    refreshed()
        Every view was handed the latest state (emitted after each flush).
    """

    refreshed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan: Plan | None = None
        self.preview: Change | None = None
        self._views: list[_Registration] = []
        self._events: list[PlanEvent] = []
        self._touched: set[int] = set()
        self._fields: set[str] = set()
        self._full = False
        self._preview_dirty = False
        #: Flushes run (for tests and benchmarks: one per burst, not one per event).
        self.flushes = 0
        #: When a dict, each view's CPU seconds are added to it under the view's name
        #: (benchmarks set it to see where a refresh goes).
        self.view_seconds: dict[str, float] | None = None
        self._pending = False

    # -- registration ----------------------------------------------------------------

    def add_view(self, view: View, *, previews: bool = True, widget: QWidget | None = None) -> None:
        """Call ``view(refresh)`` after each burst of changes.

        Parameters
        ----------
        view : callable
            Takes a :class:`Refresh`.
        previews : bool
            Whether the view shows previews of gestures in progress; a view that does not
            is called only when the plan itself changed.
        widget : QWidget, optional
            While this widget is hidden the view is skipped, then refreshed in full when it
            is shown again.
        """
        registration = _Registration(view, previews, widget)
        self._views.append(registration)
        if widget is not None:
            widget.installEventFilter(self)
        if self.plan is not None:
            registration.stale = True
            self._schedule()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            for registration in self._views:
                if registration.widget is watched and registration.stale:
                    self._schedule()
        return False

    # -- inputs ------------------------------------------------------------------------

    def set_plan(self, plan: Plan | None) -> None:
        """Follow ``plan`` (None: none); every view is refreshed in full."""
        if self.plan is not None:
            self.plan.events.unsubscribe(self._on_plan_event)
        self.plan = plan
        self.preview = None
        self._events.clear()
        self._touched.clear()
        self._fields.clear()
        self._full = True
        if plan is not None:
            plan.events.subscribe(self._on_plan_event)
            self._schedule()

    def set_preview(self, change: Change | None) -> None:
        """Show ``change`` as a preview in every view that previews (nothing is applied)."""
        if change is None and self.preview is None:
            return
        if self.preview is not None:
            self._touched |= touched_territories(self.preview)
        if change is not None:
            self._touched |= touched_territories(change)
        self.preview = change
        self._preview_dirty = True
        self._schedule()

    def clear_preview(self) -> None:
        """End the preview: the views show the plan as it is."""
        self.set_preview(None)

    def refresh_all(self) -> None:
        """Refresh every view in full now (the plan as it is, no preview)."""
        self.preview = None
        self._full = True
        self.flush()

    def _on_plan_event(self, event: PlanEvent) -> None:
        # A preview was proposed against the state before this event: it no longer applies.
        if self.preview is not None:
            self._touched |= touched_territories(self.preview)
            self.preview = None
        self._events.append(event)
        if isinstance(event, AssignmentChanged):
            self._touched |= touched_territories(event.change)
        elif isinstance(event, TerritoriesChanged):
            self._touched.update(event.indices)
            self._fields.update(event.fields)
        elif isinstance(event, LocksChanged):
            plan = self.plan
            if plan is not None:
                accounts = plan.account_territory[event.account_indices]
                units = plan.unit_territory[event.unit_indices]
                self._touched |= {int(t) for t in np.unique(np.r_[accounts, units]) if t >= 0}
        elif isinstance(event, RoutedTravelChanged):
            if self.plan is not None:  # every territory's workload may differ
                self._touched |= set(range(self.plan.n_territories))
        elif isinstance(event, TablesChanged | ActualsChanged):
            pass  # stored tables: no territory changed; the views that show them look
        else:  # the territory list or the settings: everything
            self._full = True
        self._schedule()

    # -- output ------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """A refresh is waiting for the next turn of the event loop."""
        return self._pending

    def _schedule(self) -> None:
        """Flush on the next turn of the event loop, before the paints this turn asked for.

        A posted event, not a 0 ms timer: Qt delivers posted events before timers, and the
        update requests of widgets are posted at low priority, so the refresh runs first
        and its repaints join the ones the input already asked for (one paint of the map
        per mouse move, not two: one for the lasso line, one for the recolour).
        """
        if not self._pending:
            self._pending = True
            QCoreApplication.postEvent(
                self, QEvent(_FLUSH), int(Qt.EventPriority.NormalEventPriority.value)
            )

    def event(self, event: QEvent) -> bool:
        if event.type() == _FLUSH:
            if self._pending:
                self.flush()
            return True
        return super().event(event)

    def flush(self) -> None:
        """Refresh the views now (its posted event calls this; tests and benchmarks may too)."""
        self._pending = False
        plan = self.plan
        if plan is None:
            return
        events = tuple(self._events)
        preview_moved = self._preview_dirty
        full = self._full
        refresh = Refresh(
            plan,
            self.preview,
            None if full else frozenset(self._touched),
            events,
            frozenset(self._fields),
        )
        self._events.clear()
        self._touched.clear()
        self._fields.clear()
        self._full = False
        self._preview_dirty = False
        self.flushes += 1
        whole: Refresh | None = None
        applied: dict[int, Refresh] = {}

        def without_preview(r: Refresh) -> Refresh:
            # One applied state per flush, whatever the number of views that need it.
            if r.preview is None:
                return r
            if id(r) not in applied:
                applied[id(r)] = Refresh(r.plan, None, r.territories, r.events, r._fields)
            return applied[id(r)]

        for registration in list(self._views):
            stale = registration.stale
            wanted = bool(events) or full or stale or (preview_moved and registration.previews)
            if not wanted:
                continue
            widget = registration.widget
            if widget is not None and not widget.isVisible():
                registration.stale = True
                continue
            registration.stale = False
            started = time.process_time() if self.view_seconds is not None else 0.0
            if stale and not full:
                # Missed refreshes while hidden: it catches up on everything at once.
                if whole is None:
                    whole = Refresh(plan, self.preview, None, events)
                registration.view(whole if registration.previews else without_preview(whole))
            else:
                registration.view(refresh if registration.previews else without_preview(refresh))
            if self.view_seconds is not None:
                name = view_name(registration.view)
                spent = time.process_time() - started
                self.view_seconds[name] = self.view_seconds.get(name, 0.0) + spent
        self.refreshed.emit()


__all__ = ["Refresh", "RefreshScheduler", "View", "touched_territories"]
