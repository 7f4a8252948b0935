"""Row accounting: every physical line is an account or named in the report."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from planner.io.accounts_import import ImportReport, InputFileError, import_accounts, read_table
from planner.io.table_reader import ReadLimits

HEADER = "id,name,zip,revenue\n"


def rows(start: int, stop: int) -> str:
    return "".join(f"C{i:03d},Company {i},60601,{i * 10}\n" for i in range(start, stop))


def write_bytes(tmp_path: Path, data: bytes, name: str = "accounts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def physical_lines(data: bytes) -> int:
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def assert_adds_up(report: ImportReport, data: bytes) -> None:
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.lines_read == physical_lines(data)
    assert report.lines_read == (
        report.lines_header + report.lines_loaded + report.lines_rejected + report.lines_blank
    )
    assert report.adds_up
    assert "read = " in report.lines_summary()


def test_stray_quote_names_every_swallowed_line_and_reloads_them(tmp_path: Path) -> None:
    broken = 'C010,"Broken Co,60601\n'  # a field short as well: cannot be loaded
    data = (HEADER + rows(0, 10) + broken + rows(11, 40) + 'C040,"Smith, Inc",60601,5\n').encode()
    result = import_accounts(write_bytes(tmp_path, data))
    report = result.report
    ids = set(result.accounts["account_id"])
    # Every account after the stray quote is loaded again, each line said so.
    assert ids == {f"C{i:03d}" for i in range(41)} - {"C010"}
    (rejected,) = report.rejected
    assert rejected.row == 12 and rejected.column == "name"
    assert "quote opened on line 12" in rejected.reason and "not loaded" in rejected.reason
    assert [issue.row for issue in report.recovered] == list(range(13, 43))
    assert all("loaded" in issue.reason for issue in report.recovered)
    assert_adds_up(report, data)
    assert "Recovered:" in report.format()


def test_stray_quote_to_the_end_of_file_is_read_literally(tmp_path: Path) -> None:
    data = (HEADER + rows(0, 3) + 'C003,"Open,60601,1\n' + rows(4, 6) + "bad line\n").encode()
    result = import_accounts(write_bytes(tmp_path, data))
    report = result.report
    assert report.rows_loaded == 6
    assert result.accounts.loc[3, "name"] == '"Open'
    assert [i.row for i in report.rejected] == [8]
    assert "read as a literal character" in report.recovered[0].reason
    assert [i.row for i in report.recovered] == [5, 6, 7]
    assert_adds_up(report, data)


def test_quoted_line_break_is_one_row(tmp_path: Path) -> None:
    data = (HEADER + 'C001,"Two\nLines Ltd",60601,1\n' + rows(2, 4)).encode()
    result = import_accounts(write_bytes(tmp_path, data))
    assert result.accounts.loc[0, "name"] == "Two\nLines Ltd"
    assert result.report.rows_loaded == 3 and not result.report.recovered
    assert result.report.lines_loaded == 4
    assert_adds_up(result.report, data)


def test_blank_and_wrong_width_lines_are_counted(tmp_path: Path) -> None:
    data = ("\n" + HEADER + rows(0, 2) + "\n,,,\n" + "C9,x\n" + rows(2, 3)).encode()
    report = import_accounts(write_bytes(tmp_path, data)).report
    assert report.lines_blank == 3 and report.lines_header == 1
    (bad,) = report.rejected
    assert bad.row == 7 and "has 2 fields, the header has 4" in bad.reason
    assert_adds_up(report, data)


def test_mixed_encodings_are_decoded_per_line(tmp_path: Path) -> None:
    data = (
        HEADER.encode()
        + "C001,Café Müller,60601,1\n".encode()
        + "C002,Crème Brûlée,60601,2\n".encode("cp1252")
        + "C003,Łódź Trading,60601,3\n".encode()
        + "C004,Señor Pérez,60601,4\n".encode("cp1252")
    )
    result = import_accounts(write_bytes(tmp_path, data))
    names = list(result.accounts["name"])
    assert names == ["Café Müller", "Crème Brûlée", "Łódź Trading", "Señor Pérez"]
    table = read_table(tmp_path / "accounts.csv")
    assert table.decoded_as["cp1252"] == [3, 5] and table.decoded_as["utf-8"] == [2, 4]
    assert any("decoded as Windows-1252: 3, 5" in note for note in result.report.notes)


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-8-sig"]
)
def test_wide_encodings_with_or_without_bom(tmp_path: Path, encoding: str) -> None:
    text = HEADER + "C001,Café,60601,1\r\nC002,Zürich AG,60614,2\r\n"
    result = import_accounts(write_bytes(tmp_path, text.encode(encoding)))
    assert list(result.accounts["name"]) == ["Café", "Zürich AG"]
    assert result.report.rows_loaded == 2 and result.report.adds_up


def test_gzip_zip_and_binary_files_say_what_they_are(tmp_path: Path) -> None:
    data = (HEADER + rows(0, 3)).encode()
    with pytest.raises(InputFileError, match=r"accounts\.csv: this is a gzip-compressed file"):
        read_table(write_bytes(tmp_path, gzip.compress(data)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("accounts.csv", data)
    with pytest.raises(InputFileError, match="this is a ZIP archive"):
        read_table(write_bytes(tmp_path, buffer.getvalue(), "z.csv"))
    with pytest.raises(InputFileError, match="binary file"):
        read_table(write_bytes(tmp_path, bytes(range(256)) * 40, "b.csv"))
    with pytest.raises(InputFileError, match=r"old Excel \.xls"):
        read_table(
            write_bytes(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "o.csv")
        )


def test_csv_size_limit_names_the_limit(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, (HEADER + rows(0, 50)).encode())
    with pytest.raises(InputFileError, match=r"over the .* limit .*max_csv_bytes"):
        read_table(path, limits=ReadLimits(max_csv_bytes=100))
    assert len(read_table(path).rows) == 50


def test_duplicate_headers_are_kept_under_new_names(tmp_path: Path) -> None:
    data = b"id,zip,Note,Note\n1,60601,a,b\n"
    result = import_accounts(write_bytes(tmp_path, data))
    assert result.accounts.loc[0, "Note"] == "a" and result.accounts.loc[0, "Note_2"] == "b"
    fate = result.report.columns[3]
    assert (fate.column, fate.stored_as) == ("Note", "Note_2") and "repeats" in fate.note


def test_bare_carriage_returns_are_line_ends(tmp_path: Path) -> None:
    data = (HEADER + rows(0, 3)).replace("\n", "\r").encode()
    report = import_accounts(write_bytes(tmp_path, data)).report
    assert report.rows_loaded == 3
    assert_adds_up(report, data)


def test_unnamed_trailing_column_widens_the_header(tmp_path: Path) -> None:
    data = b"id,zip\n1,60601,Kim\n2,60614,Lee\n3,60601\n4,60601,a,b,c\n"
    result = import_accounts(write_bytes(tmp_path, data))
    report = result.report
    owners = result.accounts["column_3"]
    assert list(owners[:2]) == ["Kim", "Lee"] and owners.isna()[2]
    assert [i.row for i in report.rejected] == [5]
    assert report.columns[2].fate == "extra" and report.columns[2].note == "blank header"
    assert_adds_up(report, data)


def test_balanced_quotes_in_a_swallowed_line_are_not_called_stray(tmp_path: Path) -> None:
    data = (HEADER + 'C001,"Open,60601\n' + 'C002,"Smith, Inc",60601,5\n').encode()
    report = import_accounts(write_bytes(tmp_path, data)).report
    (rejected,) = report.rejected
    assert rejected.row == 2 and rejected.column == "name"
    (recovered,) = report.recovered
    assert recovered.row == 3 and recovered.column == ""
    assert "parses on its own" in recovered.reason
    assert_adds_up(report, data)


def test_import_accounts_passes_its_limits_to_the_reader(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, (HEADER + rows(0, 50)).encode())
    with pytest.raises(InputFileError, match="max_csv_bytes"):
        import_accounts(path, limits=ReadLimits(max_csv_bytes=100))
