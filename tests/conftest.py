"""Shared fixtures: small real-format plans built in memory."""

from __future__ import annotations

import os
from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner.models.plan import Plan

# Every test asks the same counted work of every machine (planner.optimise.machine): the
# reference speed, whatever calibration this machine has stored.
os.environ["TERRITORY_PLANNER_SPEED"] = "1"


def make_plan(n_accounts: int = 400, grid: int = 6, n_territories: int = 4, seed: int = 0) -> Plan:
    """A plan over a grid of square units near Chicago, accounts spread at random."""
    rng = np.random.default_rng(seed)
    lon0, lat0, step = -88.0, 41.5, 0.1
    boxes, ids, terr = [], [], []
    for r in range(grid):
        for c in range(grid):
            boxes.append(
                shapely.box(
                    lon0 + c * step, lat0 + r * step, lon0 + (c + 1) * step, lat0 + (r + 1) * step
                )
            )
            ids.append(f"U{r}{c}")
            terr.append(f"T{(c * n_territories) // grid + 1}")
    units = gpd.GeoDataFrame(
        {"unit_id": ids, "name": [f"Unit {i}" for i in ids], "territory_id": terr, "locked": False},
        geometry=boxes,
        crs="EPSG:4326",
    )
    lon = rng.uniform(lon0 + 1e-4, lon0 + grid * step - 1e-4, n_accounts)
    lat = rng.uniform(lat0 + 1e-4, lat0 + grid * step - 1e-4, n_accounts)
    col = ((lon - lon0) / step).astype(int)
    seg = rng.choice(["A", "B", "C"], n_accounts, p=[0.1, 0.3, 0.6])
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i:05d}" for i in range(n_accounts)],
            "name": [f"Account {i}" for i in range(n_accounts)],
            "zip": "60601",
            "segment": seg,
            "revenue": rng.lognormal(10, 1, n_accounts).round(2),
            "potential": rng.lognormal(11, 1, n_accounts).round(2),
            "visits_per_year": np.select([seg == "A", seg == "B"], [24.0, 12.0], 4.0),
            "visit_minutes": np.select([seg == "A", seg == "B"], [60.0, 45.0], 30.0),
            "territory_id": [f"T{(c * n_territories) // grid + 1}" for c in col],
            "baseline_territory_id": [f"T{(c * n_territories) // grid + 1}" for c in col],
            "pinned": False,
            "locked": False,
            "placement": "coordinates",
            "industry": rng.choice(["Retail", "Healthcare"], n_accounts),
            "lon": lon,
            "lat": lat,
        }
    )
    territories = pd.DataFrame(
        {
            "territory_id": [f"T{i + 1}" for i in range(n_territories)],
            "name": [f"Territory {i + 1}" for i in range(n_territories)],
            "rep_id": [f"R{i + 1}" for i in range(n_territories)],
        }
    )
    reps = pd.DataFrame(
        {
            "rep_id": [f"R{i + 1}" for i in range(n_territories)],
            "name": [f"Rep {i + 1}" for i in range(n_territories)],
            "capacity_hours": 1600.0,
            "lon": [lon0 + (i + 0.5) * grid * step / n_territories for i in range(n_territories)],
            "lat": lat0 + grid * step / 2,
        }
    )
    return Plan(accounts, units, territories, reps, name="Test plan")


@pytest.fixture
def small_plan() -> Plan:
    return make_plan()


def add_hierarchy(plan: Plan) -> Plan:
    """Give a ``make_plan()`` plan (four territories) two levels above its territories.

    Districts ``D1`` "North" (T1, T2), ``D2`` "Central" (T3), ``D3`` "South" (T4); regions
    ``RE`` "East" (D1, D2) and ``RW`` "West" (D3). Ids differ from names on purpose.
    """
    from planner.models.hierarchy import HIERARCHY_TABLE, hierarchy_table

    plan.territories["parent_id"] = ["D1", "D1", "D2", "D3"][: plan.n_territories]
    plan.tables[HIERARCHY_TABLE] = hierarchy_table(
        [
            ("D1", "North", "District", "RE"),
            ("D2", "Central", "District", "RE"),
            ("D3", "South", "District", "RW"),
            ("RE", "East", "Region", None),
            ("RW", "West", "Region", None),
        ]
    )
    return plan


@pytest.fixture
def hierarchy_plan() -> Plan:
    return add_hierarchy(make_plan())


@pytest.fixture(autouse=True, scope="session")
def _units_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory):
    """Bundled unit layers are cached in a folder of the test run, never the user's cache."""
    import os

    from planner.io.units_cache import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("units-cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


def threads_left_running(before: set[int | None], grace_s: float = 5.0) -> list[str]:
    """Names of the threads started since ``before`` (idents) that are still running.

    A thread that is ending (a cancelled task winding down) gets ``grace_s`` to finish: the
    check joins it, it does not poll. Python threads come from ``threading``; Qt threads of
    the application's tasks from :func:`planner.ui.worker.running_tasks`, and the global
    ``QThreadPool`` must be idle.
    """
    import sys
    import threading

    left = []
    for thread in threading.enumerate():
        # Threads Qt started show up as "dummy" Python threads once they ran Python code;
        # they are checked through Qt below.
        if thread.ident in before or isinstance(thread, threading._DummyThread):
            continue
        thread.join(grace_s)
        if thread.is_alive():
            left.append(f"thread {thread.name!r}")
    if "planner.ui.worker" in sys.modules:
        from planner.ui.worker import running_tasks

        for task in running_tasks():
            if not task.wait(int(grace_s * 1000)):
                left.append(f"task {task.title!r}")
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        pool = QThreadPool.globalInstance()
        if not pool.waitForDone(int(grace_s * 1000)):
            left.append(f"{pool.activeThreadCount()} QThreadPool thread(s)")
    return left


@pytest.fixture(autouse=True)
def _no_thread_left_running() -> Iterator[None]:
    """Fail the test that leaves a thread (Python, QThread task or thread pool) running."""
    import threading

    before = {t.ident for t in threading.enumerate()}
    yield
    left = threads_left_running(before)
    if left:
        pytest.fail("the test left running: " + ", ".join(left), pytrace=False)
