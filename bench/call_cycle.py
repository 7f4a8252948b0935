"""Call cycle for one rep: visit days and day routes for N accounts over four weeks.

``python -m bench call_cycle [--size N]`` (default 300 accounts, budget 30 s) generates accounts
with a fixed seed around a home in Columbus, Ohio: a town core (60 %, ~10 km) plus rural ones (~28 km),
segments A/B/C (10/25/65 %) at 24/12/4 visits a year and 45/30/20 minutes a visit, a tenth with a time
window, a twentieth closed on Mondays. ``--data`` is not used. It prints the planning time (CPU
time and load beside it), the visits placed and unplaced, the totals, the daily workload
spread and the spacing check. The horizon is one routing problem that minimises driving, so
days are less even than when the call cycle balanced them (a day-workload CV of about 20 %
against 8 % before), in exchange for every due visit placed.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench._common import figure, ratio
from bench._routing import load_note

HOME_LON, HOME_LAT = -82.9988, 39.9612
BUDGET_S = 30.0


def make_accounts(n: int, seed: int = 7) -> list:
    """``n`` plausible accounts around the home, reproducible from ``seed``."""
    from planner.optimise.callcycle import CallAccount

    rng = np.random.default_rng(seed)
    town = rng.random(n) < 0.6
    # Town accounts within ~15 km, rural ones out to ~70 km (1 degree lat is 111 km).
    spread = np.where(town, 0.09, 0.25)
    lat = HOME_LAT + rng.normal(0, 1, n) * spread
    lon = HOME_LON + rng.normal(0, 1, n) * spread / np.cos(np.radians(HOME_LAT))
    segment = rng.choice(3, size=n, p=[0.1, 0.25, 0.65])
    visits = np.array([24.0, 12.0, 4.0])[segment]
    minutes = np.array([45.0, 30.0, 20.0])[segment]
    accounts = []
    for i in range(n):
        window = None
        if rng.random() < 0.1:
            open_ = int(rng.choice([8 * 60 + 30, 10 * 60, 13 * 60]))
            window = (open_, open_ + 150)
        closed = frozenset({0}) if rng.random() < 0.05 else frozenset()
        accounts.append(
            CallAccount(
                float(lon[i]), float(lat[i]), float(visits[i]), float(minutes[i]), window, closed
            )
        )
    return accounts


def run(size: int | None, data: Path | None) -> None:
    """Plan the cycle and print time, placement, totals, balance and spacing."""
    from planner.models.progress import TaskState
    from planner.optimise.callcycle import CallCycleSettings, RepSchedule, plan_call_cycle

    n = size or 300
    if data is not None:
        print("# call_cycle: --data is not used; accounts are generated", flush=True)
    accounts = make_accounts(n)
    rep = RepSchedule(HOME_LON, HOME_LAT)
    settings = CallCycleSettings(weeks=4)
    cpu = time.process_time()
    start = time.perf_counter()
    plan = plan_call_cycle(accounts, rep, settings, TaskState())
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    due = int(plan.visits_due.sum())
    unplaced = sum(u.visits for u in plan.unplaced)
    ratio(f"call_cycle.{n}_accounts.time", elapsed, BUDGET_S, "s")
    figure("call_cycle.cpu", cpu, "s", load_note())
    figure("call_cycle.visits_due", due, "count", f"{len(plan.not_due)} accounts not due")
    figure("call_cycle.visits_placed", plan.totals.visits, "count")
    figure("call_cycle.visits_unplaced", unplaced, "count")
    figure("call_cycle.distance", plan.totals.distance_km, "km")
    figure("call_cycle.drive", plan.totals.drive_hours, "h")
    figure("call_cycle.utilisation", 100.0 * plan.totals.utilisation, "%")
    figure(
        "call_cycle.mileage",
        plan.totals.mileage_reimbursement,
        "USD",
        f"{plan.totals.miles:.0f} mi at {plan.totals.mileage_rate} USD/mi",
    )
    work = np.array([d.visit_minutes + d.drive_minutes for d in plan.days])
    figure("call_cycle.day_work_min", float(work.min()), "min")
    figure("call_cycle.day_work_max", float(work.max()), "min")
    figure("call_cycle.day_work_cv", 100.0 * float(work.std() / max(work.mean(), 1e-9)), "%")
    figure(
        "call_cycle.day_longest",
        max(d.working_minutes for d in plan.days),
        "min",
        f"limit {rep.day.max_minutes - rep.day.lunch_minutes} min: the longest day less lunch",
    )
    figure(
        "call_cycle.spacing_violations",
        _spacing_violations(plan, settings),
        "count",
        f"slack ±{settings.spacing_slack_days} days",
    )
    for reason in sorted({u.reason for u in plan.unplaced})[:5]:
        print(f"# unplaced: {reason}", flush=True)


def _spacing_violations(plan, settings) -> int:
    """Accounts whose visit gaps (cyclic) leave the even gap by more than the slack."""
    horizon = 7 * settings.weeks
    days: dict[int, list[int]] = {}
    for day in plan.days:
        for stop in day.stops:
            days.setdefault(stop.account, []).append(day.offset)
    bad = 0
    for when in days.values():
        if len(when) < 2:
            continue
        w = np.sort(when)
        gaps = np.diff(np.r_[w, w[0] + horizon])
        bad += int(np.any(np.abs(gaps - horizon / len(w)) > settings.spacing_slack_days))
    return bad
