"""Model tier: a plan file is checked on open; problems are reported, never rewritten silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.io.planfile import (
    PlanFileError,
    open_plan,
    read_plan,
    repair,
    save_plan,
    validate_plan_file,
)
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.plan_edits import edit_gpkg, file_hash


@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "good.gpkg"
    save_plan(make_plan(60, 3, 2), path)
    return path


@pytest.fixture
def plan_copy(saved_plan: Path, tmp_path: Path) -> Path:
    path = tmp_path / "plan.gpkg"
    shutil.copy(saved_plan, path)
    return path


def problems_by_column(path: Path) -> dict[tuple[str, str, str], tuple[int, ...]]:
    return {(p.layer, p.column, p.kind): p.rows for p in validate_plan_file(path).problems}


def test_a_sound_plan_has_no_problems(plan_copy: Path) -> None:
    validation = validate_plan_file(plan_copy)
    assert validation.ok and not validation.needs_repair
    assert validation.lines() == []


def test_duplicate_and_empty_account_ids_are_reported_and_made_unique(plan_copy: Path) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE accounts SET account_id = 'A00001' WHERE fid IN (3, 4);"
        "UPDATE accounts SET account_id = NULL WHERE fid = 6;",
    )
    before = file_hash(plan_copy)
    opened = read_plan(plan_copy)
    found = problems_by_column(plan_copy)
    assert found[("accounts", "account_id", "duplicate_id")] == (2, 3)
    assert found[("accounts", "account_id", "missing_id")] == (5,)
    assert opened.validation.needs_repair
    ids = list(opened.plan.accounts["account_id"])
    assert len(set(ids)) == len(ids) == 60
    assert file_hash(plan_copy) == before  # opening never writes
    line = next(x for x in opened.validation.lines() if "duplicate" in x)
    assert "accounts.account_id" in line and "rows 3, 4" in line


def test_dangling_territory_ids_are_shown_unassigned_and_the_baseline_is_kept(
    plan_copy: Path, tmp_path: Path
) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE accounts SET territory_id = 'T99' WHERE fid = 2;"
        "UPDATE accounts SET baseline_territory_id = 'OLD' WHERE fid IN (2, 5);"
        "UPDATE units SET territory_id = 'T77' WHERE fid = 1;",
    )
    opened = read_plan(plan_copy)
    found = problems_by_column(plan_copy)
    assert found[("accounts", "territory_id", "dangling_reference")] == (1,)
    assert found[("accounts", "baseline_territory_id", "dangling_reference")] == (1, 4)
    assert found[("units", "territory_id", "dangling_reference")] == (0,)
    assert opened.plan.account_territory[1] == -1
    assert opened.plan.unit_territory[0] == -1
    baseline = next(p for p in opened.validation.problems if p.column == "baseline_territory_id")
    assert not baseline.rewrites and "kept as it is" in baseline.describe()

    lines = repair(opened.plan, opened.validation)
    assert any("accounts.territory_id" in line and "Unassigned" in line for line in lines)
    assert not any("baseline" in line for line in lines)
    assert not opened.validation.needs_repair
    out = tmp_path / "repaired.gpkg"
    save_plan(opened.plan, out)
    back = open_plan(out)
    assert list(back.accounts["baseline_territory_id"][[1, 4]]) == ["OLD", "OLD"]
    assert back.account_territory[1] == -1
    assert validate_plan_file(out).needs_repair is False


def test_duplicate_and_empty_territory_ids_open_with_one_territory_each(plan_copy: Path) -> None:
    edit_gpkg(plan_copy, "UPDATE territories SET territory_id = 'T1';")
    opened = read_plan(plan_copy)
    assert opened.plan.n_territories == 2
    assert opened.plan.territory_ids == ["T1", "T1 (2)"]
    assert ("territories", "territory_id", "duplicate_id") in problems_by_column(plan_copy)

    edit_gpkg(plan_copy, "UPDATE territories SET territory_id = NULL WHERE fid = 2;")
    opened = read_plan(plan_copy)
    assert "None" not in opened.plan.territory_ids
    assert ("territories", "territory_id", "missing_id") in problems_by_column(plan_copy)


def test_rep_and_unit_id_problems_are_reported(plan_copy: Path) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE reps SET rep_id = NULL WHERE fid = 1;"
        "UPDATE units SET unit_id = 'U00' WHERE fid = 2;",
    )
    found = problems_by_column(plan_copy)
    assert found[("reps", "rep_id", "missing_id")] == (0,)
    assert found[("units", "unit_id", "duplicate_id")] == (1,)
    assert "None" not in list(open_plan(plan_copy).reps["rep_id"])


def test_values_of_the_wrong_type_are_reported(plan_copy: Path) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE accounts SET revenue = 'lots' WHERE fid = 3;"
        "UPDATE accounts SET account_id = 42 WHERE fid = 4;"
        "UPDATE accounts SET account_id = x'00ff' WHERE fid = 5;",
    )
    found = problems_by_column(plan_copy)
    assert found[("accounts", "revenue", "wrong_type")] == (2,)
    assert found[("accounts", "account_id", "wrong_type")] == (4,)  # SQLite stores 42 as text
    plan = open_plan(plan_copy)
    assert pd.isna(plan.accounts.loc[2, "revenue"])  # GDAL alone would read 'lots' as 0
    assert plan.accounts.loc[3, "account_id"] == "42"
    assert plan.accounts.loc[4, "account_id"] == "00ff"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("ALTER TABLE accounts DROP COLUMN account_id;", r"'accounts' layer has no 'account_id'"),
        ("ALTER TABLE units DROP COLUMN unit_id;", r"'units' layer has no 'unit_id'"),
        ("ALTER TABLE reps DROP COLUMN rep_id;", r"'reps' layer has no 'rep_id'"),
        (
            "ALTER TABLE territories DROP COLUMN territory_id;",
            r"'territories' layer has no 'territory_id'",
        ),
        (
            "UPDATE units SET geom = (SELECT geom FROM accounts LIMIT 1);",
            r"'units' layer holds Point geometries",
        ),
        (
            "UPDATE accounts SET geom = (SELECT geom FROM units LIMIT 1);",
            r"'accounts' layer holds (Multi)?Polygon geometries",
        ),
        ("DELETE FROM gpkg_contents WHERE table_name = 'accounts';", "no 'accounts' layer"),
        (
            "UPDATE planner_meta SET value = '{oops' WHERE key = 'extra_layers';",
            "planner_meta table is damaged",
        ),
        ("UPDATE settings SET value = '[1, 2'", "settings table is damaged"),
    ],
)
def test_damaged_plan_files_are_a_clear_error_naming_file_and_layer(
    plan_copy: Path, sql: str, message: str
) -> None:
    edit_gpkg(plan_copy, sql)
    with pytest.raises(PlanFileError, match=message) as caught:
        open_plan(plan_copy)
    assert str(plan_copy) in str(caught.value)


def test_geometry_source_column_may_be_missing(plan_copy: Path) -> None:
    edit_gpkg(plan_copy, "ALTER TABLE territories DROP COLUMN geometry_source;")
    assert open_plan(plan_copy).n_territories == 2


def test_foreign_and_truncated_files_are_clear_errors(plan_copy: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.gpkg"
    data = plan_copy.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(PlanFileError, match=r"truncated\.gpkg"):
        open_plan(truncated)
    text = tmp_path / "notes.gpkg"
    text.write_text("hello")
    with pytest.raises(PlanFileError, match=r"notes\.gpkg: not a GeoPackage"):
        open_plan(text)
    import sqlite3

    foreign = tmp_path / "foreign.gpkg"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE things (a)")
    with pytest.raises(PlanFileError, match=r"foreign\.gpkg"):
        open_plan(foreign)
    with pytest.raises(PlanFileError, match="is a folder"):
        open_plan(tmp_path)


# -- what we write ------------------------------------------------------------------------


def test_control_characters_in_names_round_trip(tmp_path: Path) -> None:
    plan = make_plan(20, 2, 2)
    weird = "North\x01\x07\x1b[31m\x7f\tEast\r\n"
    plan.territories.loc[0, "name"] = weird
    plan.accounts.loc[0, "name"] = "Deli\x02\x1f"
    path = tmp_path / "plan.gpkg"
    assert save_plan(plan, path) == []
    back = open_plan(path)
    assert back.territories.loc[0, "name"] == weird
    assert back.accounts.loc[0, "name"] == "Deli\x02\x1f"


def test_reserved_and_case_twin_columns_are_renamed_on_save_with_a_note(tmp_path: Path) -> None:
    source = make_plan(20, 2, 2)
    frame = source.accounts_frame()
    frame["fid"] = range(500, 520)
    frame["geom"] = "text"
    frame["Revenue"] = 1.5
    plan = Plan(frame, source.units_frame(), source.territories, source.reps)
    plan.territories.loc[1, "name"] = "nul\x00inside"
    path = tmp_path / "plan.gpkg"
    notes = save_plan(plan, path)
    assert any("'fid' saved as 'fid_1'" in n for n in notes)
    assert any("'geom' saved as 'geom_1'" in n for n in notes)
    assert any("'Revenue' saved as 'Revenue_1'" in n for n in notes)
    assert any("NUL" in n and "territories.name" in n for n in notes)
    back = open_plan(path)
    assert list(back.accounts["fid_1"]) == list(range(500, 520))
    assert set(back.accounts["geom_1"]) == {"text"}
    assert set(back.accounts["Revenue_1"]) == {1.5}
    assert back.territories.loc[1, "name"] == "nulinside"


def test_a_layer_with_too_many_columns_is_refused_before_writing(tmp_path: Path) -> None:
    source = make_plan(10, 2, 2)
    frame = source.accounts_frame()
    wide = pd.concat(
        [frame, pd.DataFrame({f"c{i}": 1.0 for i in range(2100)}, index=frame.index)], axis=1
    )
    plan = Plan(wide, source.units_frame(), source.territories, source.reps)
    path = tmp_path / "wide.gpkg"
    with pytest.raises(PlanFileError, match=r"wide\.gpkg: cannot save: the accounts layer has"):
        save_plan(plan, path)
    assert list(tmp_path.iterdir()) == []


def test_numbers_and_locations_out_of_range_are_reported_and_read_as_empty(
    plan_copy: Path,
) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE accounts SET visits_per_year = -1e308 WHERE fid = 2;"
        "UPDATE accounts SET revenue = 9e999 WHERE fid = 3;"
        "UPDATE reps SET capacity_hours = 1e300 WHERE fid = 1;",
    )
    found = problems_by_column(plan_copy)
    assert found[("accounts", "visits_per_year", "out_of_range")] == (1,)
    assert found[("accounts", "revenue", "out_of_range")] == (2,)
    assert found[("reps", "capacity_hours", "out_of_range")] == (0,)
    plan = open_plan(plan_copy)
    assert pd.isna(plan.accounts.loc[1, "visits_per_year"])
    assert pd.isna(plan.accounts.loc[2, "revenue"])


def test_unreadable_geometries_are_reported_not_silently_unplaced(plan_copy: Path) -> None:
    edit_gpkg(
        plan_copy,
        "UPDATE accounts SET geom = x'00' WHERE fid IN (2, 3);"
        "UPDATE units SET geom = x'4750' WHERE fid = 1;",
    )
    found = problems_by_column(plan_copy)
    assert found[("accounts", "geometry", "damaged_geometry")] == (1, 2)
    assert found[("units", "geometry", "damaged_geometry")] == (0,)
    line = next(x for x in validate_plan_file(plan_copy).lines() if "accounts.geometry" in x)
    assert "2 unreadable geometries in rows 2, 3: shown unplaced" in line
