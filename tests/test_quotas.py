"""Quotas add up exactly to the target for every method, and the command saves them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from planner.models.plan import Plan
from planner.models.quotas import (
    QuotaError,
    bottom_up,
    largest_remainder,
    quota_table,
    territory_history,
    territory_potential,
    top_down,
)
from tests.conftest import make_plan

PLAN = make_plan(n_accounts=300, grid=6, n_territories=5, seed=2)


def _exact_sum(quotas: np.ndarray) -> Decimal:
    return sum((Decimal(repr(float(q))) for q in quotas), Decimal(0))


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**12),
    method=st.sampled_from(["potential", "history", "blend"]),
    blend=st.floats(min_value=0.0, max_value=1.0),
    round_to=st.sampled_from(["0.01", "1", "1000"]),
)
def test_quotas_sum_exactly_to_the_target(
    cents: int, method: str, blend: float, round_to: str
) -> None:
    step = Decimal(round_to)
    target = (Decimal(cents) * Decimal("0.01") // step) * step
    quotas = top_down(PLAN, float(target), method, blend, float(step))
    assert _exact_sum(quotas) == target
    assert all((Decimal(repr(float(q))) / step) % 1 == 0 for q in quotas)
    assert (quotas >= 0).all()


@settings(max_examples=80, deadline=None)
@given(
    weights=st.lists(st.floats(min_value=0, max_value=1e9), min_size=1, max_size=30),
    total=st.integers(min_value=0, max_value=10**15),
)
def test_largest_remainder_is_exact_and_fair(weights: list[float], total: int) -> None:
    parts = largest_remainder(np.array(weights), total)
    assert int(parts.sum()) == total
    w = np.array(weights) if sum(weights) > 0 else np.ones(len(weights))
    exact = w / w.sum() * total
    # Every part is its exact share rounded down or up.
    assert (np.abs(parts - exact) < 1 + 1e-6 * max(total, 1)).all()


def test_methods_follow_their_shares() -> None:
    target = 1_000_000.0
    pot = top_down(PLAN, target, "potential")
    hist = top_down(PLAN, target, "history")
    np.testing.assert_allclose(
        pot, target * territory_potential(PLAN) / territory_potential(PLAN).sum(), atol=1
    )
    np.testing.assert_allclose(
        hist, target * territory_history(PLAN) / territory_history(PLAN).sum(), atol=1
    )
    half = top_down(PLAN, target, "blend", 0.5)
    np.testing.assert_allclose(half, (pot + hist) / 2, atol=1)
    assert np.array_equal(top_down(PLAN, target, "blend", 1.0), pot)


def test_bottom_up_grows_revenue_per_segment() -> None:
    growth = {"A": 0.10, "B": 0.05}
    bu = bottom_up(PLAN, growth)
    seg = PLAN.accounts["segment"].to_numpy()
    rev = PLAN.accounts["revenue"].to_numpy()
    factor = np.select([seg == "A", seg == "B"], [1.10, 1.05], 1.0)
    at = PLAN.account_territory
    expected = [float((rev * factor)[at == t].sum()) for t in range(PLAN.n_territories)]
    np.testing.assert_allclose(bu, expected)
    table = quota_table(PLAN, 500_000.0, "history", growth=growth)
    np.testing.assert_allclose(table["gap"], table["top_down"] - table["bottom_up"])


def test_bad_input_is_refused() -> None:
    with pytest.raises(QuotaError, match="whole number"):
        top_down(PLAN, 1000.5, "potential", round_to=1.0)
    with pytest.raises(QuotaError, match="non-negative"):
        top_down(PLAN, -5.0)
    with pytest.raises(QuotaError, match="unknown method"):
        top_down(PLAN, 5.0, "luck")
    with pytest.raises(QuotaError, match="blend"):
        top_down(PLAN, 5.0, "blend", 1.5)


def test_quotas_command_saves_the_quotas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "p.gpkg", tmp_path / "q.gpkg"
    save_plan(PLAN, src)
    code = main(
        [
            *("quotas", str(src), "--target", "2,500,000.50", "--method", "blend"),
            *("--blend", "0.3", "--round", "0.01", "-o", str(out)),
        ]
    )
    assert code == 0, capsys.readouterr().err
    back: Plan = open_plan(out)
    assert _exact_sum(back.territories["quota"].to_numpy()) == Decimal("2500000.50")
    assert (
        main(
            [
                "quotas",
                str(src),
                "--target",
                "10.5",
                "--method",
                "history",
                "-o",
                str(tmp_path / "bad.gpkg"),
            ]
        )
        == 2
    )
    assert "whole number" in capsys.readouterr().err
    assert not (tmp_path / "bad.gpkg").exists()
