"""Actuals import: every row loaded or reported, periods from a column, XLSX as CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from planner.io.actuals_import import import_actuals, parse_actuals_map
from planner.io.table_reader import InputFileError, read_table


def _csv(tmp_path: Path, text: str, name: str = "a.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_period_column_mixed_forms_and_bad_rows_reported(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Customer ID,Quarter,Revenue,Gross Margin,Visits,Territory\n"
        "A1,2026-Q1,100,30,2,T1\n"
        "A2,Q1 2026,1.000,300,1,T1\n"
        "A1,2026Q2,50,,3,T1\n"
        "A3,summer,70,20,1,T2\n"
        "A4,,70,20,1,T2\n"
        "A9,2026-Q2,(25),5,0,T2\n",
    )
    result = import_actuals(path, ["A1", "A2", "A3", "A4"])
    report = result.report
    assert report.adds_up and report.rows_read == 6 and report.rows_loaded == 4
    reasons = {(i.row, i.column): i.reason for i in report.rejected}
    assert "'summer' is not a month or a quarter" in reasons[(5, "Quarter")]
    assert "no period" in reasons[(6, "Quarter")]
    assert report.periods == ["2026-Q1", "2026-Q2"]
    assert report.unknown_accounts == {"A9": [7]}
    rows = result.rows.set_index(["account_id", "period"])
    assert rows.loc[("A9", "2026-Q2"), "revenue"] == -25.0  # a credit note stays negative
    assert np.isnan(rows.loc[("A1", "2026-Q2"), "gross_margin"])
    fates = {f.column: f for f in report.columns}
    assert fates["Visits"].field == "visits_held"
    assert fates["Territory"].fate == "ignored" and "not numeric" in fates["Territory"].note


def test_map_options_name_new_metrics_and_refuse_unknown_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Acct,Period,Net Adds,Sales\nA1,2026-07,3,10\n")
    columns = read_table(path).columns
    overrides = parse_actuals_map(["Net Adds=net_adds", "Acct=account_id"], columns)
    result = import_actuals(path, ["A1"], overrides=overrides)
    assert list(result.rows.columns) == ["account_id", "period", "revenue", "net_adds"]
    assert result.rows["period"].tolist() == ["2026-07"]
    with pytest.raises(InputFileError, match="no column 'Nope'"):
        parse_actuals_map(["Nope=revenue"], columns)
    with pytest.raises(InputFileError, match="is not a field"):
        parse_actuals_map(["Sales=9 lives"], columns)


def test_period_option_rejects_rows_of_another_period(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Account,Quarter,Revenue\nA1,2026-Q3,1\nA2,2026-Q2,2\nA3,,3\n")
    result = import_actuals(path, ["A1", "A2", "A3"], period="Q3 2026")
    assert result.report.rows_loaded == 2  # the row without a period takes --period
    assert "period 2026-Q2 but --period 2026-Q3" in result.report.rejected[0].reason
    with pytest.raises(InputFileError, match="--period"):
        import_actuals(path, ["A1"], period="someday")


def test_xlsx_reads_like_csv(tmp_path: Path) -> None:
    import datetime

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Notes", "this sheet is not the data"])
    ws = wb.create_sheet("Actuals")
    ws.append(["Account ID", "Month", "Revenue", "Deals Won"])
    ws.append(["A1", datetime.datetime(2026, 7, 15), 120.5, 1])
    ws.append(["A2", "Aug 2026", "n/a", 2])
    wb.save(tmp_path / "a.xlsx")
    result = import_actuals(tmp_path / "a.xlsx", ["A1", "A2"])
    assert result.report.periods == ["2026-07", "2026-08"]
    assert result.rows["revenue"].iloc[0] == 120.5
    assert [w.row for w in result.report.warnings] == [3]
    assert result.rows["deals_won"].tolist() == [1.0, 2.0]
