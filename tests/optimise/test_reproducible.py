"""The same options and seed give the same plan on a busy machine (work limits, not wall time)."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest

from planner.optimise.districting import optimise_territories
from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan
from tests.conftest import make_plan
from tests.optimise.test_districting import grid, measures


@contextmanager
def busy_machine() -> Iterator[None]:
    """A thread competing for the interpreter and a process competing for a core."""
    stop = threading.Event()

    def burn() -> None:
        n = 0
        while not stop.is_set():
            n += 1

    thread = threading.Thread(target=burn, name="cpu-burner", daemon=True)
    process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        process.kill()
        process.wait()


def quiet_and_busy(run: Callable[[], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    quiet = run()
    with busy_machine():
        busy = run()
    return quiet, busy


def test_local_search_cut_by_its_limit_gives_the_same_plan_under_load() -> None:
    adj, xy = grid(30, 30)
    x = measures(900, seed=4)

    def run(limit: float = 0.5) -> np.ndarray:
        # Zero-width bands: the search never meets them and runs until its limit.
        return optimise_territories(
            x, adj, xy, 6, mode="create", tolerance=0.0, seed=3, time_limit=limit, exact=False
        ).assignment

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)
    # The limit does cut the search short (more time gives another plan), so the equality
    # above is the work limit's doing, not a search that settles early.
    assert not np.array_equal(quiet, run(1.5))


def test_plan_rebalance_gives_the_same_change_under_load() -> None:
    plan = make_plan(n_accounts=500, grid=8, n_territories=4, seed=5)
    # Zero-width bands keep every round searching until the time limit (as work) runs out;
    # the border model of 64 units is solved to optimality.
    tight = {spec.key: 0.0 for spec in plan.settings.measures}
    options = OptimiseOptions(
        mode="rebalance",
        max_disruption=0.15,
        tolerances=tight,
        time_limit=1.5,
        seed=7,
        exact=False,
    )

    def run() -> np.ndarray:
        change = optimise_plan(snapshot_plan(plan), options).change
        return np.concatenate([change.unit_indices, change.unit_after])

    quiet, busy = quiet_and_busy(run)
    assert quiet.size and np.array_equal(quiet, busy)


def test_recombination_and_split_contiguity_give_the_same_plan_under_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.optimise.districting import recombination

    calls: list[int] = []
    split = recombination.split_exact

    def counted(*args):  # type: ignore[no-untyped-def]
        calls.append(1)
        return split(*args)

    monkeypatch.setattr(recombination, "split_exact", counted)
    adj, xy = grid(8, 8)
    x = measures(64, seed=6)

    def run() -> np.ndarray:
        # Exact re-splits of neighbouring territories run on CP-SAT's deterministic time
        # (the distance objective: fewest cut edges has its own search, test_districting_lns).
        return optimise_territories(
            x, adj, xy, 4, tolerance=0.1, objective="distance", seed=2, time_limit=1.0, exact=False
        ).assignment

    def run_preferred() -> np.ndarray:
        # Bands too tight for whole territories: "preferred" goes on with splitting allowed.
        return optimise_territories(
            x,
            adj,
            xy,
            4,
            tolerance=0.0,
            contiguity="preferred",
            seed=2,
            time_limit=0.2,
            exact=False,
        ).assignment

    quiet, busy = quiet_and_busy(run)
    assert calls, "the run did not reach the recombination"
    assert np.array_equal(quiet, busy)
    quiet, busy = quiet_and_busy(run_preferred)
    assert np.array_equal(quiet, busy)


def test_border_model_cut_by_its_node_limit_gives_the_same_plan_under_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planner.optimise.districting.border_mip as border_mip
    import planner.optimise.districting.solver as solver
    from tests.optimise.test_districting import striped

    # Treat the model as a large one: one branch-and-bound node, so the plan is whatever
    # the root and its heuristics reach, not a proven optimum that any solver would repeat.
    monkeypatch.setattr(border_mip, "MIP_SMALL_MODEL", 100)
    monkeypatch.setattr(border_mip, "MIP_NODES_PER_SECOND", 0.0)
    outcomes = []
    solve_with_highs = border_mip.solve_with_highs

    def recorded(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = solve_with_highs(*args, **kwargs)
        outcomes.append(outcome)
        return outcome

    monkeypatch.setattr(border_mip, "solve_with_highs", recorded)
    plans: list[np.ndarray] = []
    solve = border_mip.solve_rebalance_mip

    def quiet_then_busy(prob, assignment, **kw):  # type: ignore[no-untyped-def]
        quiet, busy = quiet_and_busy(lambda: solve(prob, assignment, **kw))
        plans.extend([quiet, busy])
        return quiet

    monkeypatch.setattr(solver, "solve_rebalance_mip", quiet_then_busy)
    adj, xy = grid(16, 16)
    x = measures(256, seed=9)
    current = striped(16, 16, [1, 2, 3, 4, 6])
    optimise_territories(
        x,
        adj,
        xy,
        mode="rebalance",
        current=current,
        tolerance=0.02,
        max_disruption=0.15,
        disruption_weight=x[:, 1],
        exact=False,
        time_limit=1.0,
        seed=1,
        reproducible=True,
    )
    assert len(plans) == 2 and plans[0] is not None
    assert np.array_equal(plans[0], plans[1])
    assert outcomes[0].status == "feasible" and outcomes[0].nodes >= 1
    assert (outcomes[0].lp_iterations, outcomes[0].objective) == (
        outcomes[1].lp_iterations,
        outcomes[1].objective,
    )


def test_counted_transfers_cut_by_their_work_give_the_same_plan_under_load() -> None:
    from planner.optimise.decompose import (
        TRANSFER_WORK_PER_COUNT_CANDIDATE,
        BoundaryRepair,
        transfer_rounds,
    )
    from tests.optimise.test_decompose import block_plan, market_change

    adj, xy, x0, a, k = block_plan()
    x = market_change(x0, xy, (80.0, 80.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    weight = x[:, 2]

    def run(solves: float = 1.5) -> np.ndarray:
        repair = BoundaryRepair(
            adj, x, a.copy(), k, lo, hi, current=a, dweight=weight, budget=0.1 * weight.sum()
        )
        # Work for one counting solve and a half (about 600 candidates each): the rounds
        # after the first are planned by the linear programme.
        work = [solves * TRANSFER_WORK_PER_COUNT_CANDIDATE * 600]
        transfer_rounds(repair, count_rounds=8, count_work=work)
        return repair.assignment()

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)
    assert not np.array_equal(quiet, run(0.0))


def test_the_whole_counting_programme_cut_by_its_node_limit_gives_the_same_plan_under_load() -> (
    None
):
    from planner.optimise.transfer import plan_count_moves
    from tests.optimise.test_transfer import counting_case

    _, args, kw, _, _ = counting_case()
    stats: list[dict[str, int]] = []

    def run(nodes: int = 2) -> np.ndarray:
        got: dict[str, int] = {}
        share, counted = plan_count_moves(*args, **kw, whole=True, aim=0.6, nodes=nodes, stats=got)
        stats.append(got)
        return np.append(share, counted)

    quiet, busy = quiet_and_busy(run)
    assert np.array_equal(quiet, busy)
    assert stats[0] == stats[1]
    assert stats[0]["optimal"] == 0  # cut by the node limit, not a proven optimum
