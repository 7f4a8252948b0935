"""The optimiser on whole plans: modes, locks and pins, budgets, reports, saving the moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.io.planfile import open_plan, save_plan
from planner.models.plan import Plan
from planner.models.progress import TaskState
from planner.models.scenarios import ScenarioError
from planner.optimise.graph import n_pieces
from planner.optimise.plan_optimiser import (
    MOVES_TABLE,
    OptimiseOptions,
    OptionsError,
    PlanOptimisation,
    optimise_plan,
    record_moves,
    snapshot_plan,
    store_scenario,
)
from tests.conftest import make_plan

FAST = {"time_limit": 2.0, "seed": 1}


def run(plan: Plan, **kwargs: object) -> PlanOptimisation:
    options = OptimiseOptions(**{**FAST, **kwargs})  # type: ignore[arg-type]
    return optimise_plan(snapshot_plan(plan), options)


def after_alignment(plan: Plan, result: PlanOptimisation) -> tuple[np.ndarray, np.ndarray]:
    at, ut = plan.account_territory.copy(), plan.unit_territory.copy()
    at[result.change.account_indices] = result.change.account_after
    ut[result.change.unit_indices] = result.change.unit_after
    return at, ut


def assert_contiguous(plan: Plan, unit_territory: np.ndarray) -> None:
    lists = snapshot_plan(plan).adjacency().to_lists()
    for t in range(plan.n_territories):
        members = np.flatnonzero(unit_territory == t).tolist()
        assert n_pieces(lists, members) <= 1, f"territory {t} is in pieces"


def test_rebalance_brings_territories_into_band_within_the_budget() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=3, seed=0)
    result = run(plan, max_disruption=0.25, tolerances={"revenue": 0.15})
    assert result.status == "ok", result.summary_lines()
    assert result.in_band_before < 3 and result.in_band_after == 3
    # The plan's own balance engine agrees with the report once the change is applied.
    plan.apply(result.change)
    table = plan.balance()
    cols = [table.column(k) for k in ("workload", "potential", "accounts")]
    assert np.allclose(table.values[:, cols], result.after.values[:, cols])
    assert plan.disruption().accounts_fraction <= 0.25 + 1e-9
    assert result.disruption_accounts == pytest.approx(result.accounts_moved / plan.n_accounts)
    assert_contiguous(plan, plan.unit_territory)
    plan.check_invariant()


def test_disruption_never_exceeds_the_budget_in_accounts_or_revenue() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=2)
    for basis, budget in (("accounts", 0.05), ("revenue", 0.08), ("accounts", 0.0)):
        result = run(plan, max_disruption=budget, disruption_basis=basis, time_limit=1.0)
        moved = result.disruption_accounts if basis == "accounts" else result.disruption_revenue
        assert moved <= budget + 1e-9
        if budget == 0.0:
            assert result.change.is_empty


def test_per_rep_budget_limits_each_territory() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=2)
    result = run(plan, max_disruption_per_rep=0.1, time_limit=1.0)
    at, _ = after_alignment(plan, result)
    own = np.bincount(plan.account_territory[plan.account_territory >= 0], minlength=4)
    moved = at != plan.account_territory
    lost = np.bincount(plan.account_territory[moved], minlength=4)
    gained = np.bincount(at[moved], minlength=4)
    assert np.all(lost + gained <= 0.1 * own + 1e-9)


def test_locks_and_pins_are_never_violated() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=3)
    plan.set_territory_field(3, "locked", True)
    locked_units = np.array([0, 7, 14])
    plan.set_unit_locks(locked_units, np.ones(3, dtype=bool))
    held = np.array([1, 5, 9, 50, 120])
    plan.set_account_flags(held[:2], locked=np.ones(2, dtype=bool))
    plan.set_account_flags(held[2:], pinned=np.ones(3, dtype=bool))
    for mode in ("rebalance", "create"):
        budget = 0.5 if mode == "rebalance" else None
        result = run(plan, mode=mode, max_disruption=budget, time_limit=1.0)
        at, ut = after_alignment(plan, result)
        assert np.array_equal(at[held], plan.account_territory[held])
        assert np.array_equal(ut[locked_units], plan.unit_territory[locked_units])
        in_locked = plan.account_territory == 3
        assert np.array_equal(at[in_locked], plan.account_territory[in_locked])
        assert np.array_equal(at == 3, in_locked), "nothing enters a locked territory"
        assert np.array_equal(ut == 3, plan.unit_territory == 3)
        assert not result.optimised[3]


def test_create_fills_the_requested_territories_from_rep_homes() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=4)
    result = run(plan, mode="create", territories=3, tolerances={"revenue": 0.2})
    at, ut = after_alignment(plan, result)
    used = np.unique(ut)
    assert len(used) == 3 and (ut >= 0).all()
    assert any("left empty" in m for m in result.messages)
    assert_contiguous(plan, ut)
    # Every placed account in a unit follows its unit.
    inside = plan.account_unit >= 0
    assert np.array_equal(at[inside], ut[plan.account_unit[inside]])
    assert result.in_band_after >= 2


def test_subset_changes_only_the_chosen_territories() -> None:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=5)
    result = run(plan, mode="subset", subset=(0, 1))
    assert not result.change.is_empty
    assert set(result.change.unit_before.tolist()) <= {0, 1}
    assert set(result.change.unit_after.tolist()) <= {0, 1}
    assert set(result.change.account_after.tolist()) <= {0, 1}
    assert result.optimised.tolist() == [True, True, False, False]


def test_same_seed_gives_the_same_change() -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=6)
    # A generous limit and no CP-SAT phase: the search ends by converging, not by the
    # wall clock, so a loaded machine cannot cut the two runs at different points.
    first = run(plan, max_disruption=0.2, seed=7, time_limit=120.0, exact=False)
    second = run(plan, max_disruption=0.2, seed=7, time_limit=120.0, exact=False)
    assert np.array_equal(first.change.unit_indices, second.change.unit_indices)
    assert np.array_equal(first.change.unit_after, second.change.unit_after)
    assert np.array_equal(first.change.account_indices, second.change.account_indices)


@pytest.mark.parametrize(
    ("kwargs", "status", "text"),
    [
        ({"mode": "create", "territories": 9}, "infeasible", "only 4 unlocked territories"),
        ({"tolerances": {"accounts": 0.0, "potential": 0.0}}, "bands_not_met", ""),
    ],
)
def test_impossible_requests_come_back_as_reports(
    kwargs: dict[str, object], status: str, text: str
) -> None:
    plan = make_plan(n_accounts=200, grid=5, n_territories=4, seed=8)
    result = run(plan, time_limit=1.5, **kwargs)
    assert result.status == status
    assert text in " ".join(result.messages)
    if status == "infeasible":
        assert result.change.is_empty
    else:
        assert result.shortfalls
        shortfall = result.shortfalls[0]
        assert shortfall.blockers and shortfall.amount > 0
        assert shortfall.territory_name in shortfall.describe()


def test_every_territory_locked_is_a_report() -> None:
    plan = make_plan(n_accounts=100, grid=4, n_territories=2)
    plan.set_territory_field(0, "locked", True)
    plan.set_territory_field(1, "locked", True)
    result = run(plan)
    assert result.status == "infeasible" and result.change.is_empty


def test_bad_options_name_the_option() -> None:
    plan = make_plan(n_accounts=100, grid=4, n_territories=2)
    with pytest.raises(OptionsError, match="tolerance of accounts"):
        run(plan, tolerances={"accounts": -0.1})
    with pytest.raises(OptionsError, match="measure 'travel'"):
        run(plan, measures=("travel",))
    with pytest.raises(OptionsError, match="subset"):
        run(plan, mode="subset")


def test_apply_then_inverse_restores_the_plan_exactly() -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=9)
    at0, ut0 = plan.account_territory.copy(), plan.unit_territory.copy()
    values0 = plan.balance().values.copy()
    result = run(plan, mode="create")
    assert not result.change.is_empty
    plan.apply(result.change)
    assert not np.array_equal(plan.account_territory, at0)
    plan.apply(result.change.inverse())
    assert np.array_equal(plan.account_territory, at0)
    assert np.array_equal(plan.unit_territory, ut0)
    assert np.allclose(plan.balance().values, values0)


def test_every_move_is_explained_and_saved_with_the_plan(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=10)
    result = run(plan, max_disruption=0.3)
    units = {m.item_id for m in result.moves if m.kind == "unit"}
    accounts = {m.item_id for m in result.moves if m.kind == "account"}
    assert units == {plan.units.at[i, "unit_id"] for i in result.change.unit_indices}
    assert accounts == {plan.accounts.at[i, "account_id"] for i in result.change.account_indices}
    assert all(m.reason for m in result.moves)
    assert any("→" in m.reason for m in result.moves if m.kind == "unit")
    plan.apply(result.change)
    record_moves(plan, result)
    save_plan(plan, tmp_path / "out.gpkg")
    table = open_plan(tmp_path / "out.gpkg").tables[MOVES_TABLE]
    assert len(table) == len(result.moves)
    assert set(table["kind"]) == {"unit", "account"}
    unit_row = table[table["kind"] == "unit"].iloc[0]
    move = next(m for m in result.moves if m.item_id == unit_row["item_id"])
    assert unit_row["from_territory_id"] == plan.territory_ids[move.from_territory]
    assert unit_row["to_territory_id"] == plan.territory_ids[move.to_territory]


def test_scenario_keeps_the_alignment_and_stores_the_proposal() -> None:
    plan = make_plan(n_accounts=200, grid=5, n_territories=3, seed=11)
    at0 = plan.account_territory.copy()
    result = run(plan, max_disruption=0.3)
    store_scenario(plan, result, "Proposal A")
    store_scenario(plan, result, "Proposal A")  # replaced, not duplicated
    assert np.array_equal(plan.account_territory, at0)
    rows = plan.tables["scenario_assignments"]
    assert len(rows) == plan.n_accounts + plan.n_units
    assert list(plan.tables["scenarios"]["source"]) == ["optimiser"]
    at, _ = after_alignment(plan, result)
    accounts = rows[rows["kind"] == "account"].set_index("item_id")["territory_id"]
    i = int(result.change.account_indices[0])
    assert accounts[plan.accounts.at[i, "account_id"]] == plan.territory_ids[at[i]]


@pytest.mark.parametrize("name", ["current", "baseline", " current "])
def test_scenario_refuses_the_names_the_model_reserves(name: str) -> None:
    plan = make_plan(n_accounts=120, grid=4, n_territories=2, seed=11)
    result = run(plan, max_disruption=0.3, time_limit=0.5)
    with pytest.raises(ScenarioError, match="reserved"):
        store_scenario(plan, result, name)
    assert "scenarios" not in plan.tables and MOVES_TABLE not in plan.tables


def test_cancel_keeps_the_best_plan_found() -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=12)
    state = TaskState()
    state.cancel()
    result = optimise_plan(snapshot_plan(plan), OptimiseOptions(time_limit=5.0), state)
    assert result.status == "cancelled"
    plan.apply(result.change)  # whatever was found is a valid change
    plan.check_invariant()


def test_progress_messages_carry_the_best_balance() -> None:
    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=13)
    messages: list[str] = []
    state = TaskState(lambda _f, m: messages.append(m))
    optimise_plan(snapshot_plan(plan), OptimiseOptions(time_limit=2.0, exact=False), state)
    assert any("bands missed" in m for m in messages)
    assert "territories in band" in messages[-1]


def test_snapshot_is_independent_of_later_edits() -> None:
    plan = make_plan(n_accounts=200, grid=5, n_territories=3, seed=14)
    snapshot = snapshot_plan(plan)
    before = snapshot.account_territory.copy()
    plan.apply(plan.propose_unit_move(np.array([0, 1]), 2))
    assert np.array_equal(snapshot.account_territory, before)
    result = optimise_plan(snapshot, OptimiseOptions(time_limit=1.0))
    if not result.change.is_empty:
        with pytest.raises(ValueError, match="does not start from"):
            plan.apply(result.change)
