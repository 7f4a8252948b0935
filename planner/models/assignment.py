"""The assignment of accounts and units to territories, and changes to it."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

#: The territory index of an account or unit that belongs to no territory.
UNASSIGNED = -1


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


def _empty32() -> np.ndarray:
    return np.empty(0, dtype=np.int32)


@dataclass(frozen=True)
class Change:
    """A reassignment of accounts and units, exact enough to be undone.

    ``*_before`` and ``*_after`` hold territory indices (``UNASSIGNED`` = -1) for the
    accounts and units named by ``account_indices`` and ``unit_indices``.
    """

    account_indices: np.ndarray = field(default_factory=_empty)
    account_before: np.ndarray = field(default_factory=_empty32)
    account_after: np.ndarray = field(default_factory=_empty32)
    unit_indices: np.ndarray = field(default_factory=_empty)
    unit_before: np.ndarray = field(default_factory=_empty32)
    unit_after: np.ndarray = field(default_factory=_empty32)
    #: How this change differs from a change previewed just before it against the same
    #: plan state (a lasso growing move by move), or None. Views may update what they
    #: showed for ``step.previous`` by the few items that entered or left, rather than
    #: recompute everything; it plays no part in applying the change.
    step: ChangeStep | None = field(default=None, compare=False, repr=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing moves."""
        return len(self.account_indices) == 0 and len(self.unit_indices) == 0

    def inverse(self) -> Change:
        """The change that undoes this one."""
        return Change(
            self.account_indices,
            self.account_after,
            self.account_before,
            self.unit_indices,
            self.unit_after,
            self.unit_before,
        )

    @staticmethod
    def build(
        account_indices: np.ndarray,
        account_before: np.ndarray,
        account_after: np.ndarray,
        unit_indices: np.ndarray | None = None,
        unit_before: np.ndarray | None = None,
        unit_after: np.ndarray | None = None,
    ) -> Change:
        """A change keeping only the items whose territory really differs."""
        a_idx = np.asarray(account_indices, dtype=np.int64)
        a_b = np.asarray(account_before, dtype=np.int32)
        a_a = np.asarray(account_after, dtype=np.int32)
        keep = a_b != a_a
        if unit_indices is None:
            u_idx, u_b, u_a = _empty(), _empty32(), _empty32()
        else:
            u_idx = np.asarray(unit_indices, dtype=np.int64)
            u_b = np.asarray(unit_before, dtype=np.int32)
            u_a = np.asarray(unit_after, dtype=np.int32)
        ukeep = u_b != u_a
        return Change(a_idx[keep], a_b[keep], a_a[keep], u_idx[ukeep], u_b[ukeep], u_a[ukeep])


class ChangeStep:
    """A change as the one before it plus the items that entered and less those that left.

    ``previous + entered - left`` holds the same items, with the same before and after
    territories, as the change carrying the step: ``entered`` are the items that change
    names and ``previous`` does not, ``left`` the items of ``previous`` it no longer names.

    The previous change is held weakly: whoever still shows it (a view's last preview)
    keeps it, and a change applied and kept for undo does not keep the whole chain of
    the previews before it (at 1M accounts, 100,000 accounts each).
    """

    __slots__ = ("_previous", "entered", "left")

    def __init__(self, previous: Change, entered: Change, left: Change) -> None:
        self._previous = weakref.ref(previous)
        self.entered = entered
        self.left = left

    @property
    def previous(self) -> Change | None:
        """The change this one grew from, or None once nothing holds it any more."""
        return self._previous()
