"""Coordinates checked against the ZIP: swapped pairs fixed, far ones warned."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.io.accounts_import import import_accounts

# Atlanta (30303), Savannah (31401), Macon (31201).
GEORGIA = """id,name,zip,lat,lon
G1,Five Points Deli,30303,33.7525,-84.3915
G2,River Street Cafe,31401,-81.0912,32.0809
G3,Macon Mills,31201,32.8407,-83.6324
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "georgia.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_swapped_lat_lon_in_georgia_is_detected_and_fixed(tmp_path: Path) -> None:
    result = import_accounts(write(tmp_path, GEORGIA))
    a = result.accounts
    assert a.loc[1, "lat"] == pytest.approx(32.0809) and a.loc[1, "lon"] == pytest.approx(-81.0912)
    assert a.loc[1, "placement"] == "coordinates"
    report = result.report
    assert report.coordinates_swapped == 1
    (warning,) = report.warnings
    assert warning.row == 3 and warning.account_id == "G2"
    assert "swapped" in warning.reason and "ZIP 31401" in warning.reason
    assert report.coordinates_far_from_zip == 0


def test_swap_never_only_reports(tmp_path: Path) -> None:
    result = import_accounts(write(tmp_path, GEORGIA), swap_latlon="never")
    a = result.accounts
    assert a.loc[1, "lat"] == pytest.approx(-81.0912)  # left as given
    assert any("look swapped" in w.reason and w.row == 3 for w in result.report.warnings)
    assert result.report.coordinates_swapped == 0


def test_swapped_without_a_zip_is_detected_from_the_us_ranges(tmp_path: Path) -> None:
    text = "id,lat,lon\n1,-84.3915,33.7525\n2,33.7525,-84.3915\n"
    result = import_accounts(write(tmp_path, text))
    assert list(result.accounts["lat"]) == pytest.approx([33.7525, 33.7525])
    assert result.report.coordinates_swapped == 1


def test_coordinates_far_from_their_zip_are_kept_but_warned(tmp_path: Path) -> None:
    # Chicago coordinates on an Atlanta ZIP: plausible, in the wrong place.
    text = "id,zip,lat,lon\n1,30303,41.8858,-87.6181\n"
    result = import_accounts(write(tmp_path, text))
    assert result.accounts.loc[0, "placement"] == "coordinates"
    assert result.accounts.loc[0, "lat"] == pytest.approx(41.8858)
    (warning,) = result.report.warnings
    assert "km from the centre of ZIP 30303" in warning.reason
    assert result.report.coordinates_far_from_zip == 1
