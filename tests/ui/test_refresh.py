"""The one refresh path: bursts coalesce, previews share it, hidden views catch up."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from planner.ui.refresh import Refresh, RefreshScheduler
from tests.conftest import make_plan


def test_a_burst_of_events_is_one_refresh_naming_the_touched_territories(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    scheduler = RefreshScheduler()
    seen: list[Refresh] = []
    scheduler.add_view(seen.append)
    scheduler.set_plan(plan)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0].full
    plan.apply(plan.propose_unit_move(np.array([0]), 3))  # unit of territory 0
    account = int(np.flatnonzero(plan.account_territory == 2)[0])
    plan.apply(plan.propose_account_move(np.array([account]), 1))
    assert scheduler.pending and len(seen) == 1, "nothing refreshes inside the edit"
    with qtbot.waitSignal(scheduler.refreshed):
        pass
    assert len(seen) == 2
    refresh = seen[1]
    assert len(refresh.events) == 2 and refresh.preview is None
    assert refresh.territories == {0, 1, 2, 3}
    assert np.allclose(refresh.balance.values, plan.balance().values)


def test_previews_coalesce_and_skip_views_that_do_not_preview(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    scheduler = RefreshScheduler()
    previews: list[Refresh] = []
    applied: list[Refresh] = []
    scheduler.add_view(previews.append)
    scheduler.add_view(applied.append, previews=False)
    scheduler.set_plan(plan)
    scheduler.flush()
    previews.clear()
    applied.clear()
    first = plan.propose_unit_move(np.array([0]), 3)
    second = plan.propose_unit_move(np.array([0, 1]), 3)
    scheduler.set_preview(first)
    scheduler.set_preview(second)  # two moves in one turn
    with qtbot.waitSignal(scheduler.refreshed):
        pass
    assert len(previews) == 1 and previews[0].preview is second and not applied
    assert np.allclose(previews[0].balance.values, plan.preview(second).values)
    plan.apply(second)  # the release: the preview ends, the plan changed
    with qtbot.waitSignal(scheduler.refreshed):
        pass
    assert previews[-1].preview is None and len(applied) == 1
    assert np.allclose(previews[-1].balance.values, plan.balance().values)


def test_a_hidden_view_is_skipped_then_refreshed_when_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    widget = QWidget()
    qtbot.addWidget(widget)
    scheduler = RefreshScheduler()
    seen: list[Refresh] = []
    scheduler.add_view(seen.append, widget=widget)
    scheduler.set_plan(plan)
    scheduler.flush()
    assert seen == [], "hidden: not refreshed"
    widget.show()
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0].full
    widget.hide()
    plan.apply(plan.propose_unit_move(np.array([0]), 3))
    scheduler.flush()
    assert len(seen) == 1
    widget.show()
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[1].full and np.allclose(seen[1].balance.values, plan.balance().values)


def test_stored_tables_touch_no_territory_and_routed_travel_touches_all(qtbot) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    plan = make_plan()
    scheduler = RefreshScheduler()
    seen: list[Refresh] = []
    scheduler.add_view(seen.append)
    scheduler.set_plan(plan)
    scheduler.flush()
    plan.replace_tables({"notes": pd.DataFrame({"a": [1]})})
    scheduler.flush()
    assert not seen[-1].full and seen[-1].territories == frozenset()
    plan.set_routed_travel(np.full(plan.n_territories, 12.0))
    scheduler.flush()
    assert seen[-1].territories == frozenset(range(plan.n_territories))
    assert np.allclose(seen[-1].balance.values, plan.balance().values)
