"""The CRM CSV: nothing a spreadsheet would run, ids kept exact in raw mode."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest

from planner.cli import main
from planner.io.export_csv import neutralise_formula, write_crm_csv
from planner.io.planfile import save_plan
from planner.models.plan import Plan
from tests.conftest import make_plan

DANGEROUS = (
    '=HYPERLINK("http://example.com","x")',
    "+1+1",
    "-00042",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20x",
)
HARMLESS = ("A00042", "00042", "x=1", "Smith-Jones", " =1", "'quoted")


@pytest.fixture
def plan() -> Plan:
    plan = make_plan(n_accounts=40, grid=3, n_territories=3, seed=5)
    for i, value in enumerate((*DANGEROUS, *HARMLESS)):
        plan.accounts.loc[i, "account_id"] = value
    plan.territories.loc[0, "rep_id"] = "-R7"
    return plan


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_cells_a_spreadsheet_would_run_are_neutralised(plan: Plan, tmp_path: Path) -> None:
    body = rows(write_crm_csv(plan, tmp_path / "crm.csv"))[1:]
    for i, value in enumerate(DANGEROUS):
        assert body[i][0] == "'" + value, value
    for i, value in enumerate(HARMLESS, start=len(DANGEROUS)):
        assert body[i][0] == value, "other text is written as it is"
    in_first = [r[2] for r in body if r[1] == plan.territory_ids[0]]
    assert in_first and set(in_first) == {"'-R7"}


def test_raw_writes_values_exactly(plan: Plan, tmp_path: Path) -> None:
    body = rows(write_crm_csv(plan, tmp_path / "crm.csv", raw=True))[1:]
    assert [r[0] for r in body] == [str(v) for v in plan.accounts["account_id"]]
    assert "-R7" in {r[2] for r in body}


def test_neutralise_formula() -> None:
    assert neutralise_formula("=1") == "'=1"
    assert neutralise_formula("") == ""
    assert neutralise_formula("a=1") == "a=1"


def test_planner_export_csv_raw(
    plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path = tmp_path / "plan.gpkg"
    save_plan(plan, plan_path)
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert main(["export", str(plan_path), "--csv", str(safe)]) == 0
    assert main(["export", str(plan_path), "--csv", str(raw), "--csv-raw"]) == 0
    assert rows(safe)[1][0] == "'" + DANGEROUS[0]
    assert rows(raw)[1][0] == DANGEROUS[0]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_exported_files_respect_the_umask(plan: Plan, tmp_path: Path, umask: int) -> None:
    from planner.io.export_html import write_html_map

    old = os.umask(umask)
    try:
        paths = [
            write_crm_csv(plan, tmp_path / "crm.csv"),
            write_html_map(plan, tmp_path / "map.html"),
        ]
    finally:
        os.umask(old)
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary left"
