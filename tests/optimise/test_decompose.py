"""Decomposed optimisation: parts, stitching, boundary repair, determinism, the plan option."""

from __future__ import annotations

import numpy as np
import pytest

from planner.models.graph import Adjacency, connected_components
from planner.models.progress import TaskState
from planner.optimise.decompose import (
    BoundaryRepair,
    link_islands,
    optimise_decomposed,
    split_territories,
    split_units,
    territory_pieces,
    transfer_rounds,
    use_decomposition,
)
from planner.optimise.districting import DistrictingResult, work_ticks
from planner.optimise.plan_optimiser import (
    OptimiseOptions,
    OptionsError,
    optimise_plan,
    snapshot_plan,
)
from planner.optimise.transfer import plan_unit_moves
from tests.conftest import make_plan


def grid(w: int, h: int) -> tuple[Adjacency, np.ndarray]:
    """Rook grid of ``w`` by ``h`` cells with 10 km spacing."""
    idx = np.arange(w * h).reshape(h, w)
    edges = np.concatenate(
        [
            np.column_stack([idx[:, :-1].ravel(), idx[:, 1:].ravel()]),
            np.column_stack([idx[:-1, :].ravel(), idx[1:, :].ravel()]),
        ]
    )
    xy = np.column_stack([(idx % w).ravel(), (idx // w).ravel()]).astype(float) * 10.0
    return Adjacency.from_edges(w * h, edges), xy


def measures(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [rng.lognormal(0.0, 0.4, n), rng.lognormal(0.0, 0.6, n), rng.integers(1, 6, n)]
    ).astype(float)


def band_excess(x: np.ndarray, assignment: np.ndarray, k: int, tol: float) -> float:
    """Sum over territories and measures of how far outside ±tol of the mean they lie."""
    values = np.column_stack(
        [np.bincount(assignment, weights=x[:, j], minlength=k) for j in range(x.shape[1])]
    )
    target = x.sum(axis=0) / k
    dev = np.abs(values / target - 1.0)
    return float(np.maximum(dev - tol, 0.0).sum())


def test_the_option_decides_by_size() -> None:
    assert use_decomposition("on", 100, 8)
    assert not use_decomposition("on", 100, 2)
    assert not use_decomposition("off", 50_000, 300)
    assert use_decomposition("auto", 33_000, 300)
    assert not use_decomposition("auto", 3_000, 40)
    with pytest.raises(ValueError, match="decompose"):
        use_decomposition("sometimes", 10, 10)


def test_parts_are_connected_regions_holding_their_share_of_every_measure() -> None:
    adj, xy = grid(40, 30)
    # A lake in the middle: a cut through it would leave pieces on the wrong side.
    lake = (np.abs(xy[:, 0] - 200) < 60) & (np.abs(xy[:, 1] - 150) < 80)
    keep = ~lake
    e = adj.edges()
    e = e[keep[e[:, 0]] & keep[e[:, 1]]]
    old = np.flatnonzero(keep)
    new_of = np.full(adj.n, -1)
    new_of[old] = np.arange(old.size)
    adj, xy = Adjacency.from_edges(old.size, new_of[e]), xy[old]
    x = measures(adj.n)
    parts = split_units(adj, xy, x, 24, part_territories=6)
    assert [p.territories.size for p in parts] == [6, 6, 6, 6]
    assert sorted(np.concatenate([p.units for p in parts]).tolist()) == list(range(adj.n))
    assert sorted(np.concatenate([p.territories for p in parts]).tolist()) == list(range(24))
    for p in parts:
        mask = np.zeros(adj.n, dtype=bool)
        mask[p.units] = True
        assert connected_components(adj, mask)[p.units].max() == 0, "a part is in pieces"
        share = x[p.units].sum(axis=0) / x.sum(axis=0)
        assert np.all(np.abs(share - p.territories.size / 24) < 0.03)


def test_rebalance_parts_hold_whole_territories() -> None:
    adj, xy = grid(20, 20)
    current = (xy[:, 0] // 50).astype(np.int64) * 4 + (xy[:, 1] // 50).astype(np.int64)
    current[[0, 5]] = -1  # unassigned units join a neighbour's part
    parts = split_territories(adj, xy, current, 16, part_territories=4)
    assert len(parts) == 4
    for p in parts:
        assert set(current[p.units].tolist()) - {-1} <= set(p.territories.tolist())
    assert sum(p.units.size for p in parts) == adj.n


def test_islands_are_linked_to_their_nearest_unit() -> None:
    adj, xy = grid(5, 5)
    e = adj.edges()
    island = 24  # the corner cell loses its neighbours
    e = e[(e[:, 0] != island) & (e[:, 1] != island)]
    cut = Adjacency.from_edges(25, e)
    assert connected_components(cut).max() == 1
    linked = link_islands(cut, xy)
    assert connected_components(linked).max() == 0
    assert set(linked.neighbors(island).tolist()) <= {19, 23}


def test_boundary_repair_brings_bands_in_and_keeps_territories_contiguous() -> None:
    adj, xy = grid(24, 12)
    x = np.ones((adj.n, 2))
    x[:, 1] = 1.0 + (xy[:, 1] > 50)  # a second measure, heavier in the north
    # Four vertical stripes of uneven width: 3, 9, 6, 6 columns.
    col = (xy[:, 0] // 10).astype(np.int64)
    assignment = np.searchsorted([3, 12, 18], col, side="right").astype(np.int64)
    k = 4
    target = x.sum(axis=0) / k
    lo, hi = np.tile(target * 0.95, (k, 1)), np.tile(target * 1.05, (k, 1))
    before = band_excess(x, assignment, k, 0.05)
    repair = BoundaryRepair(adj, x, assignment, k, lo, hi)
    repair.run(max_evals=200_000)
    after = repair.assignment()
    assert band_excess(x, after, k, 0.05) < 0.01 * before
    assert band_excess(x, after, k, 0.05) == 0.0
    assert territory_pieces(adj, after, k).tolist() == [1, 1, 1, 1]
    assert (after >= 0).all()


def test_boundary_repair_stays_within_the_disruption_budget() -> None:
    adj, xy = grid(24, 12)
    x = np.ones((adj.n, 1))
    col = (xy[:, 0] // 10).astype(np.int64)
    assignment = np.searchsorted([3, 12, 18], col, side="right").astype(np.int64)
    k = 4
    target = x.sum(axis=0) / k
    lo, hi = np.tile(target * 0.95, (k, 1)), np.tile(target * 1.05, (k, 1))
    repair = BoundaryRepair(adj, x, assignment, k, lo, hi, current=assignment.copy(), budget=10.0)
    repair.run(max_evals=200_000)
    moved = repair.assignment() != assignment
    assert 0 < moved.sum() <= 10
    assert territory_pieces(adj, repair.assignment(), k).max() == 1


@pytest.fixture(scope="module")
def solved() -> dict[str, object]:
    adj, xy = grid(36, 24)
    x = measures(adj.n, seed=3)
    common = {"tolerance": 0.10, "time_limit": 1.5, "seed": 5, "part_territories": 4}
    serial = optimise_decomposed(x, adj, xy, 16, workers=1, **common)
    parallel = optimise_decomposed(x, adj, xy, 16, workers=2, **common)
    return {"adj": adj, "x": x, "serial": serial, "parallel": parallel}


def test_serial_and_parallel_parts_give_the_same_plan(solved: dict[str, object]) -> None:
    serial, parallel = solved["serial"], solved["parallel"]
    assert serial is not None and parallel is not None
    assert np.array_equal(serial.assignment, parallel.assignment)  # type: ignore[union-attr]


def test_the_callers_counted_work_is_the_same_with_workers_or_without() -> None:
    """The caller's work clock advances by the parts' work whether they ran here or in
    worker processes: otherwise a plan optimiser's rounds, which stop on that clock, would
    run until the wall-clock safety net whenever the parts ran elsewhere."""
    adj, xy = grid(24, 16)
    x = measures(adj.n, seed=4)
    common = {"tolerance": 0.10, "time_limit": 0.5, "seed": 2, "part_territories": 4}
    counted = []
    for workers in (1, 2):
        before = work_ticks()
        optimise_decomposed(x, adj, xy, 8, workers=workers, **common)
        counted.append(work_ticks() - before)
    assert counted[1] > 0
    assert counted[0] == pytest.approx(counted[1], rel=1e-9)


def test_stitched_plan_is_contiguous_across_part_borders(solved: dict[str, object]) -> None:
    result = solved["serial"]
    adj = solved["adj"]
    assert result is not None and isinstance(adj, Adjacency)
    a = result.assignment  # type: ignore[union-attr]
    # Every unit in exactly one of the 16 territories, each territory one piece.
    assert a.shape == (adj.n,) and a.min() == 0 and a.max() == 15
    assert territory_pieces(adj, a, 16).tolist() == [1] * 16
    assert result.contiguous.all()  # type: ignore[union-attr]
    # Territories do sit on both sides of part borders' neighbourhoods: the repair moved
    # units between parts' territories without splitting any.
    assert "parts" in result.messages[-1]  # type: ignore[union-attr]


def test_decomposed_plan_meets_the_bands(solved: dict[str, object]) -> None:
    result = solved["parallel"]
    assert result is not None
    assert result.in_band.all(), result.deviation_pct  # type: ignore[union-attr]


def test_cancel_returns_a_complete_alignment() -> None:
    adj, xy = grid(20, 20)
    x = measures(adj.n)
    state = TaskState()
    state.cancel()
    result = optimise_decomposed(
        x, adj, xy, 8, tolerance=0.1, time_limit=5.0, workers=1, part_territories=4, state=state
    )
    assert result is not None and result.status == "cancelled"
    assert (result.assignment >= 0).all()


def test_plan_option_puts_every_account_in_exactly_one_territory() -> None:
    plan = make_plan(n_accounts=600, grid=10, n_territories=8, seed=2)
    options = OptimiseOptions(mode="create", time_limit=2.0, seed=1, decompose="on")
    result = optimise_plan(snapshot_plan(plan), options)
    assert result.status != "infeasible", result.messages
    assert any("parts" in m for m in result.messages)
    plan.apply(result.change)
    inside = plan.account_unit >= 0
    at = plan.account_territory
    assert ((at[inside] >= 0) & (at[inside] < plan.n_territories)).all()
    # Accounts follow their unit: one territory per account, the unit's.
    assert np.array_equal(at[inside], plan.unit_territory[plan.account_unit[inside]])


def test_plan_option_is_validated() -> None:
    plan = make_plan(n_accounts=50, grid=4, n_territories=2)
    with pytest.raises(OptionsError, match="decompose"):
        OptimiseOptions(decompose="maybe").validate(plan.settings, plan.n_territories)


def test_command_line_decompose_option(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from planner.cli import main
    from planner.io.planfile import open_plan, save_plan

    path = tmp_path / "plan.gpkg"
    save_plan(make_plan(n_accounts=300, grid=8, n_territories=6, seed=4), path)
    out = tmp_path / "out.gpkg"
    args = ["optimise", str(path), "-o", str(out), "--mode", "create", "--time-limit", "2"]
    assert main([*args, "--decompose", "on"]) == 0, capsys.readouterr().err
    assert "parts" in capsys.readouterr().out
    after = open_plan(out)
    assert (after.unit_territory >= 0).all()
    with pytest.raises(SystemExit):
        main([*args, "--decompose", "sometimes"])
    assert "--decompose" in capsys.readouterr().err


def test_bands_left_unmet_are_reported_with_what_blocks_them() -> None:
    adj, xy = grid(12, 12)
    x = measures(adj.n, seed=1)
    result = optimise_decomposed(
        x, adj, xy, 8, tolerance=0.0, time_limit=0.5, workers=1, part_territories=4
    )
    assert result is not None and result.status == "bands_not_met"
    missed = {(s.territory, s.measure) for s in result.shortfalls}
    assert missed == {(int(t), int(j)) for t, j in zip(*np.nonzero(~result.in_band), strict=True)}
    assert all(s.blockers and s.amount > 0 for s in result.shortfalls)


def block_plan(
    bw: int = 6, bh: int = 4, size: int = 8, seed: int = 0
) -> tuple[Adjacency, np.ndarray, np.ndarray, np.ndarray, int]:
    """A balanced plan of ``bw`` × ``bh`` square territories of ``size`` × ``size`` cells.

    Measures: workload about 1 per cell, potential varying from cell to cell (lognormal),
    accounts 20–40. Returns the graph, points, measures, the alignment and k.
    """
    adj, xy = grid(bw * size, bh * size)
    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [
            rng.uniform(0.9, 1.1, adj.n),
            rng.lognormal(0.0, 0.35, adj.n),
            rng.integers(20, 41, adj.n),
        ]
    ).astype(float)
    col = (xy[:, 0] // (10 * size)).astype(np.int64)
    row = (xy[:, 1] // (10 * size)).astype(np.int64)
    return adj, xy, x, row * bw + col, bw * bh


def market_change(x: np.ndarray, xy: np.ndarray, centre: tuple[float, float]) -> np.ndarray:
    """Potential up by as much as 35 % around ``centre`` (a radius of about 1.5 territories)."""
    d2 = ((xy - np.asarray(centre)) ** 2).sum(axis=1)
    out = x.copy()
    out[:, 1] *= 1.0 + 0.35 * np.exp(-d2 / (2 * 110.0**2))
    return out


def in_band(x: np.ndarray, a: np.ndarray, k: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    values = np.column_stack(
        [np.bincount(a, weights=x[:, j], minlength=k) for j in range(x.shape[1])]
    )
    return np.all((values >= lo) & (values <= hi), axis=1)


def test_transfers_carry_a_regional_surplus_across_several_territories() -> None:
    adj, xy, x0, a, k = block_plan()
    x = market_change(x0, xy, (80.0, 80.0))  # the corner territories gain potential
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    weight = x[:, 2]
    budget = 0.10 * weight.sum()
    assert in_band(x, a, k, lo, hi).sum() < k  # the change pushes some out of band
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=weight, budget=budget)
    made = transfer_rounds(repair)
    assert made > 0
    assert in_band(x, repair.assignment(), k, lo, hi).sum() > in_band(x, a, k, lo, hi).sum()
    repair.run(max_evals=100_000)  # whole units: the last steps the programme planned in part
    after = repair.assignment()
    assert in_band(x, after, k, lo, hi).all()
    assert weight[after != a].sum() <= budget + 1e-9
    assert territory_pieces(adj, after, k).tolist() == [1] * k
    # The surplus travelled: units also moved between two territories both in band before
    # (a link of a chain), not only out of the territories the change pushed out.
    was_in = in_band(x, a, k, lo, hi)
    moved = np.flatnonzero(after != a)
    assert (was_in[a[moved]] & was_in[after[moved]]).any()


def test_the_flow_programme_respects_the_budget_and_each_unit_moves_once() -> None:
    adj, xy, x0, a, k = block_plan(4, 2, 6, seed=2)
    x = market_change(x0, xy, (30.0, 30.0))
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    lo, hi = target * 0.9, target * 1.1
    repair = BoundaryRepair(adj, x, a.copy(), k, lo, hi, current=a, dweight=x[:, 2])
    units, frm, to, passed, parent = repair.border_moves(depth=2)
    assert (a[units] == frm).all() and (frm != to).all()
    share = plan_unit_moves(
        repair.values(),
        lo,
        hi,
        units,
        frm,
        to,
        passed,
        x[units, 2],
        budget=100.0,
        parent=parent,
    )
    assert ((share >= -1e-9) & (share <= 1 + 1e-9)).all()
    assert (share * x[units, 2]).sum() <= 100.0 + 1e-6
    assert (np.bincount(units, weights=share, minlength=adj.n) <= 1 + 1e-9).all()
    deeper = parent >= 0
    assert (share[deeper] <= share[parent[deeper]] + 1e-9).all()


@pytest.fixture(scope="module")
def rebalanced() -> dict[str, object]:
    adj, xy, x0, a, k = block_plan()
    x = market_change(x0, xy, (80.0, 80.0))
    common = {
        "mode": "rebalance",
        "current": a,
        "tolerance": 0.10,
        "max_disruption": 0.10,
        "disruption_weight": x[:, 2],
        "time_limit": 2.0,
        "seed": 3,
        "part_territories": 6,
    }
    with pytest.MonkeyPatch.context() as mp:
        # The parts are solved after the transfers, even when they bring 95 % in band.
        mp.setattr("planner.optimise.decompose.POLISH_IN_BAND", 1.01)
        mp.setattr("planner.optimise.decompose.REBALANCE_PARTS", True)
        serial = optimise_decomposed(x, adj, xy, k, workers=1, **common)
        parallel = optimise_decomposed(x, adj, xy, k, workers=2, **common)
    return {"adj": adj, "x": x, "a": a, "k": k, "serial": serial, "parallel": parallel}


def test_regional_change_is_repaired_across_parts_within_the_budget(
    rebalanced: dict[str, object],
) -> None:
    result, adj, x, a, k = (rebalanced[key] for key in ("serial", "adj", "x", "a", "k"))
    assert result is not None and isinstance(adj, Adjacency)
    assert isinstance(x, np.ndarray) and isinstance(a, np.ndarray) and isinstance(k, int)
    after = result.assignment  # type: ignore[attr-defined]
    assert result.in_band.all(), result.deviation_pct  # type: ignore[attr-defined]
    assert x[after != a, 2].sum() <= 0.10 * x[:, 2].sum() + 1e-9
    assert territory_pieces(adj, after, k).tolist() == [1] * k
    message = result.messages[-1]  # type: ignore[attr-defined]
    assert "solved in 4 parts" in message and "transfers" in message


def test_rebalance_serial_and_parallel_give_the_same_plan(rebalanced: dict[str, object]) -> None:
    serial, parallel = rebalanced["serial"], rebalanced["parallel"]
    assert serial is not None and parallel is not None
    assert np.array_equal(serial.assignment, parallel.assignment)  # type: ignore[attr-defined]


def test_rebalance_of_a_complete_alignment_is_made_by_transfers_and_repair() -> None:
    adj, xy, x0, a, k = block_plan(seed=4)
    x = market_change(x0, xy, (400.0, 240.0))  # the opposite corner this time
    weight = x[:, 2]
    target = np.tile(x.sum(axis=0) / k, (k, 1))
    assert not in_band(x, a, k, target * 0.9, target * 1.1).all()
    result, _ = rebalance_block(0.05, time_limit=2.0)
    assert "rebalanced across the territory graph" in result.messages[-1]
    assert result.in_band.all(), result.deviation_pct
    assert weight[result.assignment != a].sum() <= 0.05 * weight.sum() + 1e-9
    assert territory_pieces(adj, result.assignment, k).tolist() == [1] * k


def rebalance_block(budget: float, time_limit: float = 1.0) -> tuple[DistrictingResult, int]:
    """A one-second rebalance by transfers of the block plan after a change in a corner.

    Disruption is counted in accounts (column 2); returns the result and the territories.
    """
    adj, xy, x0, a, k = block_plan(seed=4)
    x = market_change(x0, xy, (400.0, 240.0))
    result = optimise_decomposed(
        x,
        adj,
        xy,
        k,
        mode="rebalance",
        current=a,
        tolerance=0.10,
        max_disruption=budget,
        disruption_weight=x[:, 2],
        time_limit=time_limit,
        workers=1,
        part_territories=6,
    )
    assert result is not None
    return result, k


def test_the_relaxation_report_is_made_once_from_the_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planner.optimise.decompose as dec

    report: list[tuple[dec.Relaxation, float, float]] = []
    monkeypatch.setattr(dec, "RELAXATION_REPORT", report)
    monkeypatch.setattr(dec, "RELAXATION_HOPS", (1, 2))
    run = rebalance_block
    _, k = run(0.0)  # no budget: nothing can move, however far a unit may go
    first = [r for r, _, _ in report]
    assert [r.hops for r in first] == [1, 2]  # two hops asked for: one hop cannot
    assert not first[0].all_reachable and first[0].in_band == first[0].in_band_now
    bound = first[0].any_move
    assert bound is not None and bound.infeasible and first[0].at_baseline
    assert bound.short == k - first[0].in_band_now and bound.moved == 0.0
    # Once per report: another run with the list already filled adds nothing.
    run(0.05)
    assert len(report) == 2
    # With 5 % every band is in reach (the transfers bring them all in, see the test
    # above): one hop suffices and the two-hop programme is not run.
    report.clear()
    run(0.05)
    assert report[0][0].all_reachable and len(report) == 1
    assert report[0][0].any_move is not None and not report[0][0].any_move.infeasible


def test_the_band_proof_report_proves_what_no_budget_can_move(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planner.optimise.decompose as dec

    report: list[tuple[dec.BandProof, float, float]] = []
    monkeypatch.setattr(dec, "BAND_PROOF_REPORT", report)
    # No budget: nothing can move, so every territory out of band at the baseline is
    # proved out of reach, and its shortfalls say so.
    result, _ = rebalance_block(0.0)
    out = np.flatnonzero(~result.in_band.all(axis=1))
    assert out.size and [p.territory for p, _, _ in report] == out.tolist()
    assert all(p.out_of_reach and p.margin < 0 for p, _, _ in report)
    kinds = {s.territory: s.blockers[0].kind for s in result.shortfalls}
    assert set(kinds.values()) == {"proven_infeasible"}
    # With 5 % every territory is brought in band: nothing is left to prove.
    report.clear()
    result, _ = rebalance_block(0.05)
    assert result.in_band.all() and report == []
