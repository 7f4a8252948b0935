"""XLSX: formulas without saved values reported, stray far cells cheap, size limits clear."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.io.accounts_import import InputFileError, import_accounts, read_table
from planner.io.table_reader import ReadLimits


def workbook(tmp_path: Path, name: str = "accounts.xlsx") -> tuple[openpyxl.Workbook, Path]:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Accounts"
    ws.append(["Account ID", "Name", "ZIP", "Revenue", "Potential"])
    ws.append(["A1", "Acme", "60601", 100, 200])
    ws.append(["A2", "Bolt", "60614", 50, 80])
    return wb, tmp_path / name


def test_formula_without_saved_value_is_reported_per_cell(tmp_path: Path) -> None:
    wb, path = workbook(tmp_path)
    ws = wb["Accounts"]
    ws["E3"] = "=D3*2"  # openpyxl saves formulas without computing a value
    wb.save(path)
    result = import_accounts(path)
    (issue,) = [w for w in result.report.warnings if "formula" in w.reason]
    assert (issue.file, issue.row, issue.column) == ("accounts.xlsx", 3, "Potential")
    assert "sheet 'Accounts', cell E3: formula =D3*2 has no saved value" in issue.reason
    assert "open and save the file in Excel or LibreOffice" in issue.reason
    assert result.accounts.loc[0, "potential"] == 200.0
    assert result.report.rows_loaded == 2


def test_value_in_xfd1048576_is_quick_and_reported(tmp_path: Path) -> None:
    wb, path = workbook(tmp_path)
    wb["Accounts"]["XFD1048576"] = "stray"
    wb.save(path)
    started = time.perf_counter()
    result = import_accounts(path)
    assert time.perf_counter() - started < 10
    report = result.report
    assert set(result.accounts["account_id"]) == {"A1", "A2"}
    # The stray cell's row is named, not loaded silently or dropped silently.
    (rejected,) = report.rejected
    assert rejected.row == 1048576 and "no account id" in rejected.reason
    assert report.lines_read == 1048576 and report.adds_up
    fates = {f.column or f.stored_as: f for f in report.columns}
    assert any(f.position == 6 and f.fate == "ignored" for f in fates.values())


def test_xlsx_limits_are_checked_before_reading(tmp_path: Path) -> None:
    wb, path = workbook(tmp_path)
    wb.save(path)
    with pytest.raises(InputFileError, match=r"over the .* limit.*max_xlsx_bytes"):
        read_table(path, limits=ReadLimits(max_xlsx_bytes=1000))
    with pytest.raises(InputFileError, match="max_xlsx_uncompressed_bytes"):
        read_table(path, limits=ReadLimits(max_xlsx_uncompressed_bytes=1000))
    with pytest.raises(InputFileError, match="max_xlsx_cells"):
        read_table(path, limits=ReadLimits(max_xlsx_cells=5))


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024**2))
    with pytest.raises(InputFileError, match=r"zip bombs.*max_xlsx_ratio"):
        read_table(path)


def test_not_a_workbook_says_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"id,zip\n1,60601\n")
    with pytest.raises(InputFileError, match=r"fake\.xlsx: not a readable XLSX workbook"):
        read_table(path)
