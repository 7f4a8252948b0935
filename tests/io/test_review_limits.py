"""Workbooks built to exhaust a reader: a clear error, quickly, before reading."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from planner.cli import main
from planner.io import xlsx_limits
from planner.io.export_xlsx import sheet_parts, write_workbook
from planner.io.planfile import save_plan
from planner.io.review import ReviewError, read_review
from planner.io.xlsx_limits import (
    WorkbookLimitError,
    XlsxLimits,
    check_xlsx,
    longest_empty_run,
    sheet_dimension,
)
from planner.models.plan import Plan
from tests.conftest import make_plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Path]:
    plan = make_plan(n_accounts=60, grid=3, n_territories=3, seed=13)
    folder = tmp_path_factory.mktemp("limits")
    book = folder / "plan.xlsx"
    write_workbook(plan, book, map_png=tiny_png())
    save_plan(plan, folder / "plan.gpkg")
    return plan, book


def with_rows_appended(book: Path, out: Path, rows: bytes, sheet: str = "Accounts") -> Path:
    """Copy ``book`` with ``rows`` (SpreadsheetML) added at the end of a sheet's data."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        part = sheet_parts(zin)[sheet]
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out


def assert_quick_error(plan: Plan, path: Path, limit: str, **limits: int) -> ReviewError:
    start = time.perf_counter()
    with pytest.raises(ReviewError) as caught:
        read_review(plan, path, limits=XlsxLimits(**limits) if limits else None)
    assert time.perf_counter() - start < 5.0
    assert limit in str(caught.value)
    return caught.value


def test_decompression_bomb(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    plan, book = exported
    bomb = with_rows_appended(book, tmp_path / "bomb.xlsx", b"<row/>" * 8_000_000)
    info = max(zipfile.ZipFile(bomb).infolist(), key=lambda i: i.file_size)
    assert info.file_size > 400 * info.compress_size, "the test file is a bomb"
    error = assert_quick_error(plan, bomb, "MAX_RATIO")
    assert "decompression bomb" in str(error)


def test_size_limits_are_parameters(exported: tuple[Plan, Path]) -> None:
    plan, book = exported
    assert_quick_error(plan, book, "MAX_PART_BYTES", max_part_bytes=10_000)
    assert_quick_error(plan, book, "MAX_TOTAL_BYTES", max_total_bytes=100_000)
    assert_quick_error(plan, book, "MAX_FILE_BYTES", max_file_bytes=1_000)
    read_review(plan, book)  # within the defaults


def test_module_constants_are_the_defaults(
    exported: tuple[Plan, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, book = exported
    monkeypatch.setattr(xlsx_limits, "MAX_PART_BYTES", 10_000)
    assert_quick_error(plan, book, "MAX_PART_BYTES")


def test_a_value_in_the_last_cell(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    plan, book = exported
    wb = openpyxl.load_workbook(book)
    wb["Accounts"]["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    error = assert_quick_error(plan, tmp_path / "far.xlsx", "MAX_COLUMNS")
    assert "16,384" in str(error) and "Accounts" in str(error)
    with pytest.raises(WorkbookLimitError, match="MAX_COLUMNS"):
        check_xlsx(str(tmp_path / "far.xlsx"))
    # A stray cell on a sheet the review does not read does not matter.
    wb = openpyxl.load_workbook(book)
    wb["Summary"]["XFD1048576"] = "x"
    wb.save(tmp_path / "summary.xlsx")
    assert read_review(plan, tmp_path / "summary.xlsx").changes == []


def test_long_runs_of_empty_rows(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    plan, book = exported
    empty = b"".join(b'<row r="%d" spans="1:3"/>' % r for r in range(200, 500))
    padded = with_rows_appended(book, tmp_path / "padded.xlsx", empty)
    assert read_review(plan, padded).changes == [], "300 empty rows are fine by default"
    error = assert_quick_error(plan, padded, "MAX_EMPTY_ROWS", max_empty_rows=100)
    assert "from row 200" in str(error)


def test_longest_empty_run_and_dimension() -> None:
    xml = (
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/><row r="3"><c r="A3" s="1"/></row>'
        b'<row r="4"/><row r="5"><c r="A5" t="inlineStr"><is><t>x</t></is></c></row><row r="9"/>'
    )
    assert longest_empty_run(xml) == (3, 2)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("s.xml", b'<worksheet><dimension ref="B2:AB70"/><sheetData/></worksheet>')
        z.writestr("t.xml", b"<worksheet><sheetData/></worksheet>")
    with zipfile.ZipFile(buffer) as z:
        assert sheet_dimension(z, "s.xml") == (70, 28)
        assert sheet_dimension(z, "t.xml") is None


def test_a_damaged_archive_is_an_error_not_a_traceback(
    exported: tuple[Plan, Path], tmp_path: Path
) -> None:
    plan, book = exported
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as z:
        info = z.getinfo(sheet_parts(z)["Accounts"])
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 50, start + 60):
        data[k] ^= 0xFF
    (tmp_path / "damaged.xlsx").write_bytes(bytes(data))
    with pytest.raises(ReviewError, match="damaged"):
        read_review(plan, tmp_path / "damaged.xlsx")


def test_planner_review_names_the_limit(
    exported: tuple[Plan, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _plan, book = exported
    bomb = with_rows_appended(book, tmp_path / "bomb.xlsx", b"<row/>" * 2_000_000)
    assert main(["review", str(book.parent / "plan.gpkg"), str(bomb)]) == 2
    assert "MAX_RATIO" in capsys.readouterr().err
