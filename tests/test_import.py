"""Import tier: every kind of bad input gives the reported outcome and nothing else changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from planner.io.accounts_import import InputFileError, detect_mapping, import_accounts, read_table
from planner.io.geocode import normalise_zip, zip_table

GOOD = """Account ID,Company Name,Zip Code,Latitude,Longitude,Segment,Revenue,Potential,Territory
C001,Acme Foods,60601,41.8858,-87.6181,A,"$120,000",250000,T1
C002,Bolt Hardware,60614,41.9226,-87.6533,B,45000,60000,T1
C003,Cedar Clinic,46204,39.7714,-86.1573,C,8000,12000,T2
"""


def write(tmp_path: Path, text: str, name: str = "accounts.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_good_csv_loads_every_row_with_detected_mapping(tmp_path: Path) -> None:
    result = import_accounts(write(tmp_path, GOOD))
    report = result.report
    assert report.rows_read == 3 and report.rows_loaded == 3
    assert report.placed_by_coordinates == 3 and not report.unplaced and not report.rejected
    a = result.accounts
    assert list(a["account_id"]) == ["C001", "C002", "C003"]
    assert a.loc[0, "revenue"] == 120000.0
    assert a.loc[0, "visits_per_year"] == 12.0  # segment A default
    assert list(a["territory_id"]) == ["T1", "T1", "T2"]
    assert result.mapping["lat"] == "Latitude" and result.mapping["zip"] == "Zip Code"


def test_good_xlsx_loads_like_csv(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Accounts"
    for r, line in enumerate(GOOD.strip().splitlines()):
        import csv

        cells = next(csv.reader([line]))
        ws.append(
            [float(c) if r and c.replace(".", "").replace("-", "").isdigit() else c for c in cells]
        )
    ws.append([None] * 9)  # trailing blank row
    path = tmp_path / "accounts.xlsx"
    wb.save(path)
    result = import_accounts(path)
    assert result.report.rows_loaded == 3
    assert list(result.accounts["zip"]) == ["60601", "60614", "46204"]
    assert result.accounts.loc[2, "lat"] == pytest.approx(39.7714)


def test_missing_required_column_names_the_file_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Zip\nAcme,60601\n")
    with pytest.raises(InputFileError, match=r"accounts.csv: no column for the account id"):
        import_accounts(path)
    path = write(tmp_path, "id,Company\n1,Acme\n", "noloc.csv")
    with pytest.raises(InputFileError, match=r"noloc.csv: no columns to place accounts"):
        import_accounts(path)


def test_non_numeric_revenue_is_left_empty_and_reported(tmp_path: Path) -> None:
    text = GOOD.replace("45000", "n/a")
    result = import_accounts(write(tmp_path, text))
    assert result.report.rows_loaded == 3
    assert np.isnan(result.accounts.loc[1, "revenue"])
    (issue,) = result.report.warnings
    assert (issue.row, issue.column, issue.account_id) == (3, "Revenue", "C002")
    assert "not a number" in issue.reason
    assert result.accounts.loc[0, "revenue"] == 120000.0


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"accounts\.csv: the file is empty"):
        import_accounts(write(tmp_path, ""))
    with pytest.raises(InputFileError, match="the file is empty"):
        import_accounts(write(tmp_path, "\n  \n", "blank.csv"))


def test_latin1_file_keeps_accented_names(tmp_path: Path) -> None:
    text = GOOD.replace("Acme Foods", "Café Müller")
    result = import_accounts(write(tmp_path, text, encoding="latin-1"))
    assert result.accounts.loc[0, "name"] == "Café Müller"
    assert result.report.rows_loaded == 3


def test_duplicate_ids_keep_the_first_and_report_the_rest(tmp_path: Path) -> None:
    text = GOOD + "C002,Bolt Again,60614,41.9,-87.6,B,1,2,T1\n"
    result = import_accounts(write(tmp_path, text))
    assert result.report.rows_loaded == 3
    (issue,) = result.report.rejected
    assert issue.row == 5 and "duplicate account id (first on row 3)" in issue.reason
    assert result.accounts.loc[1, "name"] == "Bolt Hardware"


@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        ("95.0", "-87.6", "out of range"),
        ("NaN", "-87.6", "not numbers"),
        ("abc", "x", "not numbers"),
    ],
)
def test_bad_coordinates_fall_back_to_zip_or_stay_unplaced(
    tmp_path: Path, lat: str, lon: str, reason: str
) -> None:
    text = GOOD.replace("41.9226,-87.6533", f"{lat},{lon}")
    result = import_accounts(write(tmp_path, text))
    a = result.accounts
    assert a.loc[1, "placement"] == "zip_centroid"  # 60614 is a real ZIP
    assert abs(a.loc[1, "lat"] - 41.92) < 0.05
    assert any(reason in w.reason and w.row == 3 for w in result.report.warnings)
    text = text.replace("60614", "99999")
    result = import_accounts(write(tmp_path, text, "nozip.csv"))
    a = result.accounts
    assert a.loc[1, "placement"].startswith("unplaced: ") and reason in a.loc[1, "placement"]
    assert np.isnan(a.loc[1, "lon"])
    assert [i.row for i in result.report.unplaced] == [3]
    assert result.report.rows_loaded == 3


def test_zip_only_rows_are_placed_at_the_zip_centroid(tmp_path: Path) -> None:
    text = "id,name,zip\n1,Loop Office,60601\n2,Short Zip,2134\n3,Plus Four,60614-1234\n4,Nowhere,00000\n5,Blank,\n"
    result = import_accounts(write(tmp_path, text))
    a = result.accounts
    assert list(a["placement"][:3]) == ["zip_centroid"] * 3
    assert list(a["zip"][:3]) == ["60601", "02134", "60614"]
    assert a["placement"][3] == "unplaced: unknown ZIP 00000"
    assert a["placement"][4] == "unplaced: no ZIP"
    assert result.report.placed_by_zip == 3 and len(result.report.unplaced) == 2
    assert result.report.rows_loaded == 5


def test_malformed_row_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    text = GOOD + 'C004,"Broken,60601\nC005,Fine Co,60601,41.88,-87.62,C,1,2,T2\n'
    table = read_table(write(tmp_path, text))
    assert [r[0] for r in table.rows][:3] == ["C001", "C002", "C003"]
    result = import_accounts(tmp_path / "accounts.csv")
    ids = set(result.accounts["account_id"])
    assert {"C001", "C002", "C003"} <= ids
    assert result.report.rows_loaded + len(result.report.rejected) == result.report.rows_read


def test_extra_columns_are_kept_as_they_came(tmp_path: Path) -> None:
    text = "id,name,zip,Owner,Notes\n1,A,60601,Kim,=HYPERLINK()\n"
    a = import_accounts(write(tmp_path, text)).accounts
    assert a.loc[0, "Owner"] == "Kim" and a.loc[0, "Notes"] == "=HYPERLINK()"


def test_detect_mapping_common_names() -> None:
    m = detect_mapping(
        ["Customer ID", "LAT", "Lng", "Postal Code", "L12M Revenue", "Revenue Potential"]
    )
    assert m["account_id"] == "Customer ID" and m["lat"] == "LAT" and m["lon"] == "Lng"
    assert (
        m["zip"] == "Postal Code"
        and m["revenue"] == "L12M Revenue"
        and m["potential"] == "Revenue Potential"
    )


def test_zip_normalisation_and_table() -> None:
    assert normalise_zip("2134") == "02134"
    assert normalise_zip(60601.0) == "60601"
    assert normalise_zip("ABC") is None
    lon, lat = zip_table()["60601"]
    assert abs(lat - 41.886) < 0.05 and abs(lon + 87.62) < 0.05
