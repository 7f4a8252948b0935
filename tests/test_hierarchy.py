"""Hierarchy: levels above territories, roll-ups equal to the sum of their children, bad
tables reported and not raised, the table kept by the plan file, and ``--under``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from planner.models.hierarchy import (
    HIERARCHY_TABLE,
    NO_PARENT,
    HierarchyError,
    ancestors,
    hierarchy,
    hierarchy_table,
    levels,
    rollup,
    territories_under,
    validate_hierarchy,
)
from planner.models.plan import Plan
from tests.conftest import add_hierarchy, make_plan


def test_rollups_equal_the_sum_of_their_children() -> None:
    plan = make_plan()
    plan.territories["parent_id"] = ["North", "North", "South", None]
    rolled = rollup(plan)
    table = plan.balance()
    assert rolled.names == ["North", "South", "(no parent)"]
    assert rolled.members == [[0, 1], [2], [3]]
    np.testing.assert_allclose(rolled.table.values[0], table.values[0] + table.values[1])
    np.testing.assert_allclose(rolled.table.values[1], table.values[2])
    np.testing.assert_allclose(rolled.table.values.sum(axis=0), table.values.sum(axis=0))
    np.testing.assert_allclose(rolled.table.targets, rolled.table.values.mean(axis=0))


def test_levels_and_ancestors(hierarchy_plan: Plan) -> None:
    assert levels(hierarchy_plan) == ["Territory", "District", "Region"]
    assert ancestors(hierarchy_plan, "District") == ["D1", "D1", "D2", "D3"]
    assert ancestors(hierarchy_plan, "Region") == ["RE", "RE", "RE", "RW"]
    assert validate_hierarchy(hierarchy_plan) == []
    assert territories_under(hierarchy_plan, "RE") == [0, 1, 2]
    assert territories_under(hierarchy_plan, "west") == [3]  # by name, any case
    assert territories_under(hierarchy_plan, "North") == [0, 1]
    with pytest.raises(HierarchyError, match=r"no district or region 'Nowhere'.*East"):
        territories_under(hierarchy_plan, "Nowhere")
    with pytest.raises(HierarchyError, match="no hierarchy level 'Area'"):
        rollup(hierarchy_plan, level="Area")


@pytest.mark.parametrize("level", ["District", "Region"])
def test_rollups_at_every_level_equal_a_pandas_groupby(level: str) -> None:
    plan = add_hierarchy(make_plan(n_accounts=600, seed=5))
    plan.territories.at[2, "parent_id"] = None  # one territory under no district at all
    table = plan.balance()
    rolled = rollup(plan, level=level)
    keys = [m.key for m in table.measures]
    frame = pd.DataFrame(table.values, columns=keys)
    frame["node"] = [a or NO_PARENT for a in ancestors(plan, level)]
    expected = frame.groupby("node", sort=False)[keys].sum()
    ids = [i or NO_PARENT for i in rolled.ids]
    assert sorted(ids) == sorted(expected.index)
    np.testing.assert_allclose(rolled.table.values, expected.loc[ids].to_numpy())
    # Workload includes travel: the sum holds for it too, and nothing is lost or counted twice.
    np.testing.assert_allclose(rolled.table.values.sum(axis=0), table.values.sum(axis=0))
    np.testing.assert_allclose(rolled.table.travel_km.sum(), table.travel_km.sum())


def test_a_region_is_the_sum_of_its_districts(hierarchy_plan: Plan) -> None:
    districts = rollup(hierarchy_plan, level="District")
    regions = rollup(hierarchy_plan, level="Region")
    tree = hierarchy(hierarchy_plan)
    for r, region in enumerate(regions.ids):
        children = [
            d for d, node in enumerate(districts.ids) if tree.nodes[str(node)].parent == region
        ]
        np.testing.assert_allclose(
            regions.table.values[r], districts.table.values[children].sum(axis=0)
        )
    assert regions.names == ["East", "West"]
    assert districts.names == ["North", "Central", "South"]


def test_a_preview_rolls_up_too(hierarchy_plan: Plan) -> None:
    plan = hierarchy_plan
    moving = np.flatnonzero(plan.account_territory == 3)[:25]  # West → East
    change = plan.propose_account_move(moving, 0)
    before = rollup(plan, level="Region").table.values
    after = rollup(plan, plan.preview(change), level="Region").table.values
    j = plan.balance().column("accounts")
    assert after[0, j] == before[0, j] + 25 and after[1, j] == before[1, j] - 25


BAD_TABLES = {
    "cycle": (
        [("D1", "North", "District", "RE"), ("RE", "East", "Region", "D1")],
        "cycle of parents: D1 → RE → D1",
    ),
    "unknown parent": (
        [("D1", "North", "District", "RX"), ("RE", "East", "Region", None)],
        "node 'D1' (District): unknown parent 'RX'",
    ),
    "node at two levels": (
        [("D1", "North", "District", "RE"), ("D1", "North", "Region", None)],
        "node 'D1' is at two levels (District and Region)",
    ),
    "parent at its own level": (
        [("D1", "North", "District", "D2"), ("D2", "Central", "District", None)],
        "node 'D1' has parent 'D2' at its own level (District)",
    ),
    "two chains": (
        [("D1", "North", "District", None), ("RE", "East", "Region", None)],
        "the levels do not form one chain",
    ),
    "territory level": (
        [("D1", "North", "Territory", None)],
        "'Territory' is the level of the territories themselves",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_a_bad_table_is_reported_and_the_parent_ids_still_roll_up(case: str) -> None:
    rows, message = BAD_TABLES[case]
    plan = make_plan()
    plan.territories["parent_id"] = ["D1", "D1", "D2", None]
    plan.tables[HIERARCHY_TABLE] = hierarchy_table(rows)
    tree = hierarchy(plan)  # never raises
    assert tree.fallback and tree.implicit
    assert any(message in p for p in tree.problems), tree.problems
    assert tree.all_levels() == ["Territory", "District"]
    rolled = rollup(plan)
    assert rolled.names == ["D1", "D2", NO_PARENT]


def test_a_table_without_its_columns_is_reported() -> None:
    plan = make_plan()
    plan.territories["parent_id"] = ["A", "A", "B", "B"]
    plan.tables[HIERARCHY_TABLE] = pd.DataFrame({"id": ["A"], "up": ["X"]})
    problems = validate_hierarchy(plan)
    assert problems and "no 'parent_id' or 'level' column" in problems[0]
    assert levels(plan) == ["Territory", "District"]


def test_a_parent_id_missing_from_the_table_is_reported_not_dropped(
    hierarchy_plan: Plan,
) -> None:
    hierarchy_plan.territories.at[3, "parent_id"] = "D9"
    tree = hierarchy(hierarchy_plan)
    assert not tree.fallback
    assert tree.problems == [
        "parent_id 'D9' of a territory is not in the hierarchy table: "
        "shown as a District without a parent"
    ]
    assert tree.ancestors("Region") == ["RE", "RE", "RE", None]
    regions = rollup(hierarchy_plan, level="Region")
    assert regions.names == ["East", NO_PARENT] and regions.members == [[0, 1, 2], [3]]


def test_plans_without_the_table_have_one_implicit_level() -> None:
    plan = make_plan()
    assert levels(plan) == ["Territory"]  # no parent_id at all
    assert rollup(plan).members == [[0, 1, 2, 3]]
    plan.territories["parent_id"] = ["Georgia", "Georgia", "Alabama", "Alabama"]
    assert levels(plan) == ["Territory", "District"]
    assert territories_under(plan, "Alabama") == [2, 3]


def test_the_plan_file_keeps_the_hierarchy(hierarchy_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_plan(hierarchy_plan, path)
    opened = open_plan(path)
    pd.testing.assert_frame_equal(
        opened.tables[HIERARCHY_TABLE], hierarchy_plan.tables[HIERARCHY_TABLE]
    )
    assert levels(opened) == ["Territory", "District", "Region"]
    assert ancestors(opened, "Region") == ancestors(hierarchy_plan, "Region")
    np.testing.assert_allclose(
        rollup(opened, level="Region").table.values,
        rollup(hierarchy_plan, level="Region").table.values,
    )


def test_the_demo_plan_has_districts_under_two_regions() -> None:
    plan = open_plan(Path(__file__).resolve().parents[1] / "resources" / "demo_plan.gpkg")
    tree = hierarchy(plan)
    assert tree.problems == []
    assert tree.all_levels() == ["Territory", "District", "Region"]
    regions = rollup(plan, level="Region")
    assert regions.names == ["East", "West"]
    states = {
        region: sorted({str(plan.territories.at[t, "parent_id"]) for t in members})
        for region, members in zip(regions.names, regions.members, strict=True)
    }
    assert states == {"East": ["Georgia", "South Carolina"], "West": ["Alabama", "Tennessee"]}


# -- planner optimise --under ----------------------------------------------------------


@pytest.fixture(scope="module")
def hierarchy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("under") / "plan.gpkg"
    save_plan(add_hierarchy(make_plan(n_accounts=300, seed=3)), path)
    return path


def test_optimise_under_a_region_reoptimises_only_its_territories(
    hierarchy_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.gpkg"
    code = main(
        [
            *("optimise", str(hierarchy_file), "-o", str(out), "--mode", "subset"),
            *("--under", "East", "--time-limit", "2", "--max-disruption", "1"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "subset: 3 territories (Territory 1, Territory 2, Territory 3)" in captured.out
    before, after = open_plan(hierarchy_file), open_plan(out)
    west = before.account_territory == 3
    # Accounts move among the East territories; Territory 4 (West) keeps exactly its own.
    assert (before.account_territory != after.account_territory).any()
    assert np.array_equal(after.account_territory == 3, west)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "subset", "--under", "Nowhere"], "--under: "),
        (["--mode", "subset", "--under", "Nowhere"], "no district or region 'Nowhere'"),
        (["--under", "East"], "--under applies to --mode subset only"),
        (["--mode", "subset"], "or --under with a district or region"),
    ],
)
def test_optimise_under_bad_input_is_a_clear_error(
    hierarchy_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "out.gpkg"
    code = main(["optimise", str(hierarchy_file), "-o", str(out), "--time-limit", "1", *args])
    assert code != 0
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_node_is_judged_against_its_territories_targets_added_up(
    hierarchy_plan: Plan,
) -> None:
    plan = hierarchy_plan
    table = plan.balance()
    for level, sizes in (("District", [2, 1, 1]), ("Region", [3, 1])):
        rolled = rollup(plan, table, level=level)
        expected = rolled.table.values / (np.array(sizes)[:, None] * table.targets[None, :]) - 1
        np.testing.assert_allclose(rolled.table.deviation, expected)
        tol = np.array([m.tolerance for m in table.measures])
        assert np.array_equal(rolled.table.in_band, np.abs(expected) <= tol + 1e-12)
