"""Numbers as people type them, one decimal mark per column, non-finite values rejected."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.io.accounts_import import import_accounts, parse_number
from planner.io.numbers import parse_number_column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,200.50", 1200.5),
        ("(1,200)", -1200.0),
        ("1.234,50", 1234.5),
        ("12%", 0.12),
        ("1 234,5", 1234.5),
        ("€1.234", 1234.0),  # a euro amount with a dot group
        ("1e3", 1000.0),
        ("-7", -7.0),
        ("1,234", 1234.0),
        ("  42 ", 42.0),
        ("1\u00a0234.5", 1234.5),
    ],
)
def test_number_formats(text: str, expected: float) -> None:
    decimal = "," if text.startswith("€") else None
    assert parse_number(text, decimal) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["inf", "-Infinity", "nan", "NaN", "1e400", "#DIV/0!"])
def test_non_finite_numbers_are_rejected(text: str) -> None:
    assert parse_number(text) is None


def test_empty_is_nan_and_junk_is_none() -> None:
    for empty in ("", "  ", None):
        value = parse_number(empty)
        assert value is not None and math.isnan(value)
    assert parse_number("abc") is None
    assert parse_number(float("inf")) is None


def test_column_with_the_wrong_decimal_mark_is_reported_not_scaled() -> None:
    column = pd.Series(["1.5", "12,5", "3"], dtype=object)
    parsed = parse_number_column(column, ".")
    assert parsed.values[0] == 1.5 and parsed.values[2] == 3.0
    assert np.isnan(parsed.values[1]) and parsed.invalid.tolist() == [False, True, False]
    assert "decimal comma" in parsed.reasons[1]


def write(tmp_path: Path, text: str, name: str = "accounts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_decimal_comma_file_is_detected_per_column(tmp_path: Path) -> None:
    # Revenue 1.234 is ambiguous on its own; the potential column's 2.500,75 settles
    # it for the file, and latitude 41,8858 for the coordinates.
    text = (
        "id;zip;lat;lon;revenue;potential\n"
        "1;60601;41,8858;-87,6181;1.234;2.500,75\n"
        "2;60614;41,9226;-87,6533;12.000;3.000\n"
    )
    result = import_accounts(write(tmp_path, text))
    a = result.accounts
    assert list(a["revenue"]) == [1234.0, 12000.0]
    assert list(a["potential"]) == [2500.75, 3000.0]
    assert a.loc[0, "lat"] == pytest.approx(41.8858) and a.loc[0, "lon"] == pytest.approx(-87.6181)
    assert list(a["placement"]) == ["coordinates", "coordinates"]
    assert any("decimal comma" in note for note in result.report.notes)
    assert not result.report.warnings


def test_point_file_keeps_thousands_commas(tmp_path: Path) -> None:
    text = 'id,zip,revenue,potential\n1,60601,"1,234",12.5\n2,60614,"2,000,000",3\n'
    a = import_accounts(write(tmp_path, text)).accounts
    assert list(a["revenue"]) == [1234.0, 2000000.0]
    assert list(a["potential"]) == [12.5, 3.0]


def test_decimal_parameter_forces_the_mark(tmp_path: Path) -> None:
    text = "id,zip,revenue\n1,60601,1.234\n"
    assert import_accounts(write(tmp_path, text)).accounts.loc[0, "revenue"] == 1.234
    forced = import_accounts(write(tmp_path, text), decimal=",")
    assert forced.accounts.loc[0, "revenue"] == 1234.0


def test_inf_and_overflow_are_rejected_per_cell_with_file_row_and_column(tmp_path: Path) -> None:
    text = "id,zip,Revenue,Potential\n1,60601,inf,1e400\n2,60601,5,6\n"
    result = import_accounts(write(tmp_path, text))
    a = result.accounts
    assert np.isnan(a.loc[0, "revenue"]) and np.isnan(a.loc[0, "potential"])
    assert a.loc[1, "revenue"] == 5.0
    messages = {(w.row, w.column): w.reason for w in result.report.warnings}
    assert "not a finite number" in messages[(2, "Revenue")]
    assert "not a finite number" in messages[(2, "Potential")]
    assert "accounts.csv, row 2, column 'Revenue'" in result.report.format()
