"""Call cycles for every rep of the demo plan: visit days and day routes over four weeks.

``python -m bench call_cycle_all [--size N]`` opens ``resources/demo_plan.gpkg`` and plans every
rep with a territory (``--size N`` plans the first N reps only) through the same path as
``planner routes``: snapshot, plan (every rep in parallel, one worker process per core, each
rep's working days as one routing problem), then apply to the plan so routed travel reaches
the balance. Progress lines go to the output as each rep finishes. Budget: 60 s for every rep.
``--data DIR`` points at another plan file (a ``.gpkg``) or a folder holding
``demo_plan.gpkg``.

Then the same reps day by day (``method="daily"``: the call cycle chooses every visit's day,
then each day is routed on its own, as the planner did before), to compare visits planned,
drive hours and km (``call_cycle_all.daily.*``). Before the routing engine (OR-Tools day
routes, reps one after another) the demo planned 1,888-1,904 of 2,093 due visits in 125-128 s.

Figures: total time (and per rep), visits due, planned and not planned (with the main
reasons), utilisation range against each rep's capacity, distance and mileage, and how the
workload balance changed when routed travel replaced the estimate.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from bench._common import figure, ratio
from bench._routing import load_note


def _cpu_seconds() -> float:
    """CPU seconds of this process and its finished child processes (the workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def day_spread(result: object) -> tuple[float, float, int, int]:
    """Mean over reps of the day workload's CV (visit + drive minutes) over every working day
    and over the days with visits, the working days without visits, and all working days."""
    cvs, busy_cvs, empty, days = [], [], 0, 0
    for rep in result.reps:  # type: ignore[attr-defined]
        work = np.array([d.visit_minutes + d.drive_minutes for d in rep.cycle.days])
        if work.size:
            cvs.append(float(work.std() / max(work.mean(), 1e-9)))
            busy = work[work > 0]
            if busy.size:
                busy_cvs.append(float(busy.std() / max(busy.mean(), 1e-9)))
            empty += int((work == 0).sum())
            days += int(work.size)
    return _percent_mean(cvs), _percent_mean(busy_cvs), empty, days


def _percent_mean(values: list[float]) -> float:
    return 100.0 * float(np.mean(values)) if values else 0.0


BUDGET_S = 60.0
DEMO_PLAN = Path(__file__).resolve().parents[1] / "resources" / "demo_plan.gpkg"


def _plan_path(data: Path | None) -> Path:
    if data is None:
        return DEMO_PLAN
    data = Path(data)
    return data if data.suffix.lower() == ".gpkg" else data / "demo_plan.gpkg"


def run(size: int | None, data: Path | None) -> None:
    """Plan every rep of the demo plan for four weeks and print the figures."""
    from planner.io.planfile import open_plan
    from planner.models.progress import TaskState
    from planner.optimise.visit_planning import (
        RoutesOptions,
        apply_routes,
        plan_routes,
        reason_kind,
        snapshot_for_routes,
    )
    from planner.optimise.workers import default_workers

    path = _plan_path(data)
    plan = open_plan(path)
    workload = plan.settings.measures.index(plan.settings.measure("workload"))
    before = plan.balance().values[:, workload].copy()
    snapshot = snapshot_for_routes(plan)
    reps = [r.rep_id for r in snapshot.reps]
    if size is not None and size < len(reps):
        snapshot = snapshot_for_routes(plan, reps[:size])
    n_reps = len(snapshot.reps)
    n_accounts = sum(len(r.accounts) for r in snapshot.reps)
    print(
        f"# call_cycle_all: {path.name}, {n_reps} reps, {n_accounts:,} placed accounts, 4 weeks",
        flush=True,
    )
    options = RoutesOptions.from_settings(plan.settings, weeks=4, start_date=date(2025, 1, 6))
    clock = {"start": time.perf_counter(), "rep": time.perf_counter(), "current": ""}

    def progress(_fraction: float | None, message: str) -> None:
        rep = message.split(":", 1)[0]
        if rep != clock["current"] and clock["current"].startswith("Rep "):
            now = time.perf_counter()
            print(
                f"#   {clock['current']} done in {now - float(clock['rep']):.1f} s "
                f"(total {now - float(clock['start']):.0f} s)",
                flush=True,
            )
            clock["rep"] = now
        clock["current"] = rep

    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    result = plan_routes(snapshot, options, TaskState(progress))
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    apply_routes(plan, result)
    after = plan.balance().values[:, workload]

    totals = result.totals
    ratio(f"call_cycle_all.{n_reps}_reps.time", elapsed, BUDGET_S, "s")
    figure(
        "call_cycle_all.cpu",
        cpu,
        "s",
        f"this process and its workers, {options.workers or default_workers()} workers, "
        f"{load_note()}",
    )
    figure("call_cycle_all.time_per_rep", elapsed / max(n_reps, 1), "s")
    figure("call_cycle_all.accounts", n_accounts, "count")
    due = int(totals["visits_due"].sum())
    figure("call_cycle_all.visits_due", due, "count")
    figure("call_cycle_all.visits_planned", result.visits_planned, "count")
    in_cycles = int(totals["unplaced_visits"].sum())
    figure(
        "call_cycle_all.visits_unplaced",
        result.visits_unplaced,
        "count",
        f"{in_cycles} in reps' cycles, {result.visits_unplaced - in_cycles} of accounts "
        "without a rep or location",
    )
    util = 100.0 * totals["utilisation"].to_numpy(dtype=float)
    figure("call_cycle_all.utilisation_min", float(util.min()), "%", "of capacity × 4/52")
    figure("call_cycle_all.utilisation_median", float(np.median(util)), "%")
    figure("call_cycle_all.utilisation_max", float(util.max()), "%")
    figure("call_cycle_all.distance", float(totals["distance_km"].sum()), "km")
    figure("call_cycle_all.drive", float(totals["drive_hours"].sum()), "h")
    figure("call_cycle_all.mileage", float(totals["mileage_reimbursement"].sum()), "USD")
    spread_before = 100.0 * (before.max() - before.min()) / max(before.mean(), 1e-9)
    spread_after = 100.0 * (after.max() - after.min()) / max(after.mean(), 1e-9)
    figure("call_cycle_all.workload_spread_estimated", spread_before, "%", "(max - min) / mean")
    figure("call_cycle_all.workload_spread_routed", spread_after, "%", "(max - min) / mean")
    cv, busy_cv, empty, days = day_spread(result)
    figure(
        "call_cycle_all.day_work_cv",
        cv,
        "%",
        f"mean over reps; {empty} of {days} days empty; {busy_cv:.1f} % over days with visits",
    )
    reasons = result.unplaced.assign(kind=result.unplaced["reason"].map(reason_kind))
    top = reasons.groupby("kind")["visits"].sum().sort_values(ascending=False)
    for kind, visits in top.head(4).items():
        print(f"# unplaced: {int(visits)} visits: {kind}", flush=True)

    daily_options = replace(options, method="daily")
    start = time.perf_counter()
    daily = plan_routes(snapshot, daily_options, TaskState())
    daily_elapsed = time.perf_counter() - start
    d_totals = daily.totals
    figure("call_cycle_all.daily.time", daily_elapsed, "s", load_note())
    figure(
        "call_cycle_all.daily.visits_planned",
        daily.visits_planned,
        "count",
        f"days chosen first, each day routed alone; multi-day: {result.visits_planned}",
    )
    figure("call_cycle_all.daily.visits_unplaced", daily.visits_unplaced, "count")
    figure("call_cycle_all.daily.distance", float(d_totals["distance_km"].sum()), "km")
    figure("call_cycle_all.daily.drive", float(d_totals["drive_hours"].sum()), "h")
    cv, busy_cv, empty, days = day_spread(daily)
    figure(
        "call_cycle_all.daily.day_work_cv",
        cv,
        "%",
        f"{empty} of {days} days empty; {busy_cv:.1f} % over days with visits",
    )
    per_visit = float(totals["drive_hours"].sum()) / max(result.visits_planned, 1)
    d_per_visit = float(d_totals["drive_hours"].sum()) / max(daily.visits_planned, 1)
    figure(
        "call_cycle_all.drive_minutes_per_visit",
        60.0 * per_visit,
        "min",
        f"day by day {60.0 * d_per_visit:.1f} min",
    )
