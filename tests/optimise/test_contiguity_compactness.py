"""Contiguity required | preferred | off and compactness distance | diameter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from planner.optimise.districting import optimise_territories, territory_diameters
from planner.optimise.graph import Adjacency, n_pieces
from planner.optimise.plan_optimiser import OptimiseOptions, OptionsError, optimise_plan
from tests.conftest import make_plan
from tests.optimise.test_districting import grid, measures


def path_graph() -> tuple[np.ndarray, Adjacency, np.ndarray]:
    """Four units on a line, values 3, 3, 1, 1: two territories of 4 exist only in pieces."""
    x = np.array([3.0, 3.0, 1.0, 1.0])
    adj = Adjacency.from_edges(4, np.array([[0, 1], [1, 2], [2, 3]]))
    xy = np.column_stack([np.arange(4.0), np.zeros(4)])
    return x, adj, xy


def run_path(contiguity: str):  # type: ignore[no-untyped-def]
    x, adj, xy = path_graph()
    return optimise_territories(
        x, adj, xy, 2, tolerance=0.05, contiguity=contiguity, seed=0, time_limit=2.0
    )


def test_required_keeps_territories_whole_and_misses_the_band() -> None:
    result = run_path("required")
    assert result.contiguous.all()
    assert not result.all_in_band
    assert not result.feasible
    assert result.contiguity == "required"
    assert result.pieces.tolist() == [1, 1]


@pytest.mark.parametrize("contiguity", ["off", "preferred"])
def test_off_and_preferred_meet_the_band_in_pieces(contiguity: str) -> None:
    result = run_path(contiguity)
    assert result.all_in_band, result.deviation_pct
    assert result.feasible and result.status == "ok"
    assert not result.contiguous.all()
    assert result.pieces.max() == 2  # {0, 2} and {1, 3}, or {0, 3} and {1, 2}
    assert result.contiguity == contiguity


def test_preferred_stays_contiguous_when_the_bands_allow_it() -> None:
    adj, xy = grid(6, 6)
    x = measures(36, seed=2)
    result = optimise_territories(
        x, adj, xy, 3, tolerance=0.15, contiguity="preferred", seed=0, time_limit=3.0
    )
    assert result.all_in_band
    assert result.contiguous.all()
    lists = adj.to_lists()
    for t in range(3):
        assert n_pieces(lists, np.flatnonzero(result.assignment == t).tolist()) == 1


def test_unknown_settings_are_refused() -> None:
    x, adj, xy = path_graph()
    with pytest.raises(ValueError, match="contiguity"):
        optimise_territories(x, adj, xy, 2, contiguity="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="objective"):
        optimise_territories(x, adj, xy, 2, objective="area")  # type: ignore[arg-type]


def test_diameters_are_the_largest_distance_within_each_territory() -> None:
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 100, size=(120, 2))
    a = rng.integers(0, 4, size=120)
    a[:3] = -1  # unassigned units count for no territory
    got = territory_diameters(xy, a, 5)
    for t in range(5):
        pts = xy[a == t]
        want = max(
            (float(np.hypot(*(p - q))) for p, q in itertools.combinations(pts, 2)), default=0.0
        )
        assert got[t] == pytest.approx(want)


def test_both_compactness_figures_are_reported_and_diameter_shrinks_the_largest() -> None:
    adj, xy = grid(12, 12)
    x = np.ones((144, 1))
    runs = {
        objective: optimise_territories(
            x, adj, xy, 4, tolerance=0.25, objective=objective, seed=1, time_limit=4.0
        )
        for objective in ("distance", "diameter")
    }
    for result in runs.values():
        assert result.feasible
        assert result.diameter.shape == (4,)
        assert result.max_diameter == pytest.approx(
            territory_diameters(xy, result.assignment, 4).max()
        )
        assert result.total_distance == result.compactness > 0
    assert runs["diameter"].max_diameter <= runs["distance"].max_diameter + 1e-9


def test_plan_options_reach_the_optimiser_and_the_report() -> None:
    from planner.optimise.plan_optimiser import snapshot_plan

    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=3)
    options = OptimiseOptions(
        mode="create", time_limit=2.0, contiguity="off", compactness="diameter"
    )
    options.validate(plan.settings, plan.n_territories)
    result = optimise_plan(snapshot_plan(plan), options)
    text = "\n".join(result.summary_lines())
    assert "contiguity off" in text and "objective: diameter" in text
    assert result.diameter_after_km >= 0.0
    for bad in (
        OptimiseOptions(contiguity="sometimes"),
        OptimiseOptions(compactness="area"),
    ):
        with pytest.raises(OptionsError):
            bad.validate(plan.settings, plan.n_territories)
