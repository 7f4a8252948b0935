"""Plans the optimiser cannot work on get a clear refusal, never an exception (the dialog too)."""

from __future__ import annotations

import numpy as np
import shapely

from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan
from tests.conftest import make_plan


def _run(plan, mode: str = "rebalance"):  # type: ignore[no-untyped-def]
    return optimise_plan(snapshot_plan(plan), OptimiseOptions(mode=mode, time_limit=2))


def test_every_account_held() -> None:
    plan = make_plan()
    plan.set_account_flags(np.arange(plan.n_accounts), locked=np.ones(plan.n_accounts, bool))
    result = _run(plan)
    assert result.change.is_empty
    assert any("nothing can move" in m for m in result.messages)


def test_no_account_located() -> None:
    plan = make_plan()
    plan.accounts["lon"] = np.nan
    plan.accounts["lat"] = np.nan
    result = _run(plan)
    assert result.change.is_empty
    assert any("no account has a location" in m for m in result.messages)


def test_a_unit_without_a_shape() -> None:
    plan = make_plan()
    geoms = plan.units.geometry.to_numpy().copy()
    geoms[3] = shapely.Polygon()
    plan.units = plan.units.set_geometry(list(geoms))
    result = _run(plan)
    assert result.change.is_empty
    assert any("have no shape" in m and "U03" in m for m in result.messages)
