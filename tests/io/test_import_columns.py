"""Columns: every spelling maps, every column's fate is reported, --map overrides detection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.accounts_import import (
    FIELDS,
    InputFileError,
    detect_mapping,
    import_accounts,
    parse_map_options,
)
from planner.io.planfile import open_plan
from planner.models.settings import Settings

CRM = (
    "Account ID,Account Name,City,ZIP,Latitude,Longitude,Segment,Industry,Revenue 12m,"
    "Potential,Visits/yr,Visit min\n"
    "A1,Peachtree Deli,Atlanta,30303,33.7525,-84.3915,A,Retail,1200,5000,12,45\n"
    "A2,Midtown Tools,Atlanta,30308,33.7710,-84.3830,B,Retail,800,3000,6,30\n"
)


def write(tmp_path: Path, text: str, name: str = "accounts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Revenue 12m", "revenue"),
        ("Annual Revenue", "revenue"),
        ("Sales LY", "revenue"),
        ("Revenue (L12M)", "revenue"),
        ("revenue_ttm", "revenue"),
        ("Visits/yr", "visits_per_year"),
        ("Visits per yr", "visits_per_year"),
        ("Call frequency", "visits_per_year"),
        ("VISITS_PER_YEAR", "visits_per_year"),
        ("Visit min", "visit_minutes"),
        ("Visit mins", "visit_minutes"),
        ("Duration", "visit_minutes"),
        ("Mins per visit", "visit_minutes"),
        ("Acct #", "account_id"),
        ("Customer #", "account_id"),
        ("Customer No.", "account_id"),
        ("Postal", "zip"),
        ("Zip5", "zip"),
        ("ZIP+4", "zip"),
        ("Lat.", "lat"),
        ("Long.", "lon"),
        ("Street Address", "address"),
        ("Billing City", "city"),
        ("State/Province", "state"),
        ("Potential Revenue", "potential"),
        ("Tier", "segment"),
    ],
)
def test_each_header_spelling_maps_to_its_field(header: str, key: str) -> None:
    mapping = detect_mapping(["Something else", header])
    assert mapping[key] == header


def test_crm_export_maps_every_column(tmp_path: Path) -> None:
    result = import_accounts(write(tmp_path, CRM))
    fates = {f.column: f for f in result.report.columns}
    assert [f.fate for f in result.report.columns] == ["mapped"] * 12
    assert fates["Revenue 12m"].field == "revenue"
    assert fates["Visits/yr"].field == "visits_per_year"
    assert fates["Visit min"].field == "visit_minutes"
    a = result.accounts
    assert list(a["revenue"]) == [1200.0, 800.0]
    assert list(a["visits_per_year"]) == [12.0, 6.0]
    assert list(a["visit_minutes"]) == [45.0, 30.0]
    assert list(a["city"]) == ["Atlanta", "Atlanta"]
    assert not result.report.defaults or all(
        d.field not in ("revenue", "visits_per_year", "visit_minutes")
        for d in result.report.defaults
    )


def test_every_column_fate_is_reported_and_numeric_extras_are_flagged(tmp_path: Path) -> None:
    text = "id,zip,Score,Owner,,Empty\n1,60601,0.5,Kim,,\n2,60614,1.5,Lee,,\n"
    result = import_accounts(write(tmp_path, text))
    fates = [(f.column, f.fate) for f in result.report.columns]
    assert fates == [
        ("id", "mapped"),
        ("zip", "mapped"),
        ("Score", "extra"),
        ("Owner", "extra"),
        ("", "ignored"),
        ("Empty", "ignored"),
    ]
    score = result.report.columns[2]
    assert score.stored_as == "Score" and "numeric, not mapped" in score.note
    assert "--map 'Score=field'" in score.note
    assert "every cell is empty" in result.report.columns[5].note
    assert list(result.accounts["Score"]) == ["0.5", "1.5"]  # kept as it came
    text_out = result.report.format()
    assert "'Score' -> kept as extra column 'Score' (numeric, not mapped" in text_out
    assert "'Empty' -> ignored (every cell is empty)" in text_out


def test_defaults_are_reported_as_defaults_not_as_empty_values(tmp_path: Path) -> None:
    rows = "".join(f"{i},60601,{'AB'[i % 2]}\n" for i in range(6))
    result = import_accounts(write(tmp_path, "id,zip,segment\n" + rows))
    report = result.report
    by_field = {d.field: d for d in report.defaults}
    visits = by_field["visits_per_year"]
    assert visits.rows == 6 and visits.reason == "no column mapped"
    assert "segment default" in visits.value
    assert by_field["revenue"].reason == "no column mapped"
    assert not report.warnings
    text = report.format()
    assert "visits_per_year: segment default" in text and "for 6 row(s) — no column mapped" in text
    assert "values left empty" not in text


def test_empty_cells_get_per_row_defaults_with_their_rows(tmp_path: Path) -> None:
    text = "id,zip,segment,visits\n1,60601,A,\n2,60601,B,7\n3,60601,B,\n"
    result = import_accounts(write(tmp_path, text))
    (visits,) = [d for d in result.report.defaults if d.field == "visits_per_year"]
    assert visits.reason == "cell empty" and visits.row_numbers == [2, 4]
    per_segment = Settings().segment_visits_per_year
    assert list(result.accounts["visits_per_year"]) == [per_segment["A"], 7.0, per_segment["B"]]


def test_parse_map_options_and_its_errors() -> None:
    columns = ["Acct", "Rev", "Freq Q"]
    assert parse_map_options(["Rev=revenue", "freq q=visits_per_year"], columns) == {
        "Rev": "revenue",
        "Freq Q": "visits_per_year",
    }
    assert parse_map_options(["Acct=ignore"], columns) == {"Acct": "ignore"}
    with pytest.raises(InputFileError, match=r"no column 'Nope'.*'Acct', 'Rev', 'Freq Q'"):
        parse_map_options(["Nope=revenue"], columns)
    with pytest.raises(InputFileError, match=r"'cash' is not a field \(fields: account_id"):
        parse_map_options(["Rev=cash"], columns)
    with pytest.raises(InputFileError, match="expected COLUMN=field"):
        parse_map_options(["Rev"], columns)
    with pytest.raises(InputFileError, match="already mapped"):
        parse_map_options(["Rev=revenue", "Freq Q=revenue"], columns)
    assert {f.key for f in FIELDS} >= {"address", "city", "state"}


def test_cli_map_maps_and_ignores_columns(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    text = "Acct,Zip,Rev,Freq Q,Region\nA1,60601,100,4,N\nA2,60614,200,8,S\n"
    path = write(tmp_path, text)
    out = tmp_path / "plan.gpkg"
    code = main(
        [
            "new",
            "--accounts",
            str(path),
            "--map",
            "Rev=revenue",
            "--map",
            "Freq Q=visits_per_year",
            "--map",
            "Region=ignore",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "'Rev' -> revenue" in printed and "'Region' -> ignored (--map" in printed
    plan = open_plan(out)
    accounts = plan.accounts.sort_values("account_id")
    assert list(accounts["revenue"]) == [100.0, 200.0]
    assert list(accounts["visits_per_year"]) == [4.0, 8.0]
    assert "Region" not in accounts.columns


@pytest.mark.parametrize(
    ("option", "message"),
    [("Nope=revenue", "no column 'Nope'"), ("Rev=cash", "'cash' is not a field")],
)
def test_cli_bad_map_exits_2_with_the_valid_names(
    tmp_path: Path, capsys: pytest.CaptureFixture, option: str, message: str
) -> None:
    path = write(tmp_path, "Acct,Zip,Rev\nA1,60601,100\n")
    out = tmp_path / "plan.gpkg"
    code = main(["new", "--accounts", str(path), "--map", option, "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and ("'Acct', 'Zip', 'Rev'" in err or "visits_per_year" in err)
    assert not out.exists()


def test_cli_decimal_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "id;zip;revenue\n1;60601;1.234\n2;60614;2.000\n")
    out = tmp_path / "plan.gpkg"
    assert main(["new", "--accounts", str(path), "--decimal-comma", "-o", str(out)]) == 0
    revenue = open_plan(out).accounts.sort_values("account_id")["revenue"].to_numpy()
    assert np.allclose(revenue, [1234.0, 2000.0])


def test_one_column_may_feed_the_id_and_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Customer,Zip\nAcme,60601\n")
    mapping = {spec.key: None for spec in FIELDS} | {"account_id": "Customer", "name": "Customer"}
    mapping["zip"] = "Zip"
    result = import_accounts(path, mapping)
    assert result.accounts.loc[0, "name"] == "Acme"
    assert result.report.columns[0].field == "account_id, name"
