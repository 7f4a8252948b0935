"""Reading numbers as people type them: ``$1,200.50``, ``(1,200)``, ``1.234,50``, ``12%``.

A number column is read with one decimal mark, a decimal point or a decimal comma,
decided per column from the values that only fit one of them (``12,5`` or
``1.234,50`` only make sense with a decimal comma, ``12.5`` or ``41.8858`` only
with a point); a column with no such value follows the rest of the file. A value
that does not fit the column's decimal mark is reported, never read ten or a
thousand times too big. ``inf``, ``nan`` and overflowing values are rejected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

POINT = "."
COMMA = ","

_CURRENCY = re.compile(r"[$€£¥₹]|\b(?:USD|EUR|GBP|CAD|AUD)\b", re.IGNORECASE)
_DIGIT_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'’](?=\d)")
_NON_FINITE = re.compile(r"[-+]?(?:inf(?:inity)?|nan|#num!|#div/0!|#value!)", re.IGNORECASE)
_VALID = {
    POINT: re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?(?:[eE][-+]?\d+)?"),
    COMMA: re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d*)?(?:[eE][-+]?\d+)?"),
}
# Values that only make sense with one decimal mark.
_ONLY = {
    COMMA: re.compile(
        r"[-+]?(?:\d{1,3}(?:\.\d{3})+,\d*|\d*,(?:\d{1,2}|\d{4,})|0?,\d+|\d{1,3}(?:\.\d{3}){2,})"
    ),
    POINT: re.compile(
        r"[-+]?(?:\d{1,3}(?:,\d{3})+\.\d*|\d*\.(?:\d{1,2}|\d{4,})(?:[eE][-+]?\d+)?|0?\.\d+"
        r"|\d{1,3}(?:,\d{3}){2,})"
    ),
}


def _clean(text: str) -> tuple[str, bool, bool]:
    """Text without currency, brackets, percent sign and digit-group spaces."""
    text = text.strip()
    negative = len(text) > 1 and text[0] == "(" and text[-1] == ")"
    if negative:
        text = text[1:-1].strip()
    text = _CURRENCY.sub("", text).strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if text.endswith("-") and len(text) > 1 and text[0] not in "+-":  # SAP style "1200-"
        text = "-" + text[:-1]
        text = text.strip()
    text = _DIGIT_SPACE.sub("", text)
    if text and text[0] in "+-":
        text = text[0] + text[1:].lstrip()
    return text, negative, percent


def decimal_evidence(text: str) -> str | None:
    """``','`` or ``'.'`` when the text only reads as a number with that decimal mark."""
    cleaned, _, _ = _clean(text)
    for mark in (COMMA, POINT):
        if _ONLY[mark].fullmatch(cleaned):
            return mark
    return None


def parse_text(text: str, decimal: str | None = POINT) -> tuple[float | None, str]:
    """Parse one value; returns ``(number, "")``, ``(nan, "")`` when empty, or ``(None, why)``."""
    cleaned, negative, percent = _clean(text)
    if not cleaned:
        if text.strip():
            return None, "is not a number"
        return math.nan, ""
    if _NON_FINITE.fullmatch(cleaned):
        return None, "is not a finite number"
    mark = decimal or decimal_evidence(cleaned) or POINT
    if not _VALID[mark].fullmatch(cleaned) or not any(ch.isdigit() for ch in cleaned):
        other = COMMA if mark == POINT else POINT
        if _VALID[other].fullmatch(cleaned) and any(ch.isdigit() for ch in cleaned):
            name = "a decimal comma" if other == COMMA else "a decimal point"
            return None, f"is written with {name}, unlike the rest of its column"
        return None, "is not a number"
    if mark == POINT:
        plain = cleaned.replace(",", "")
    else:
        plain = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(plain)
    except ValueError:
        return None, "is not a number"
    if not math.isfinite(number):
        return None, "is not a finite number (too large)"
    if percent:
        number /= 100
    return (-number if negative else number), ""


def parse_number(value: Any, decimal: str | None = None) -> float | None:
    """A float from a cell (``'$1,200.50'``, ``'12%'``, ``'1.234,50'``, ``7``).

    Returns ``nan`` if empty and ``None`` if the value is not a finite number.
    ``decimal`` forces the decimal mark; by default a value that only reads with a
    decimal comma (``'12,5'``) is read so, and any other with a decimal point.
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return math.nan
        return number if math.isfinite(number) else None
    parsed, _ = parse_text(str(value), decimal)
    return parsed


@dataclass
class ParsedColumn:
    """A column read as numbers: the values, and the cells that were not numbers."""

    values: np.ndarray  # float, nan where empty or invalid
    invalid: np.ndarray  # bool, True where a non-empty cell is not a finite number
    reasons: dict[int, str]  # position -> why, for invalid cells
    decimal: str


def column_evidence(series: pd.Series, sample: int = 20_000) -> tuple[int, int]:
    """How many distinct values only read with a decimal comma, and with a point.

    Looks at up to ``20 * sample`` cells spread evenly over the column: enough to
    see a file's convention, and a value the sample misses that does not fit the
    column's decimal mark is still reported, never misread.
    """
    values = series.to_numpy(dtype=object)
    if len(values) > 20 * sample:
        values = values[np.linspace(0, len(values) - 1, 20 * sample).astype(np.int64)]
    text = pd.Series([v for v in values if isinstance(v, str)], dtype="str")
    candidates = text[text.str.contains(r"\d[.,]|[.,]\d", regex=True)]
    comma = point = 0
    for value in pd.unique(candidates)[:sample]:
        mark = decimal_evidence(str(value))
        if mark == COMMA:
            comma += 1
        elif mark == POINT:
            point += 1
    return comma, point


_GROUPED = {
    POINT: r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?",
    COMMA: r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?",
}


def parse_number_column(series: pd.Series, decimal: str = POINT) -> ParsedColumn:
    """Parse a column of cells as numbers with one decimal mark, vectorised.

    Three passes, each on what the one before could not read: plain numbers through
    :func:`pandas.to_numeric`; currency and digit groups (``$1,200.50``,
    ``1.234,50``) with vectorised string operations; and the rest (brackets,
    percent, junk) one distinct value at a time, which also words the reasons.
    """
    n = len(series)
    raw = series.to_numpy(dtype=object)
    values = np.full(n, np.nan)
    invalid = np.zeros(n, dtype=bool)
    reasons: dict[int, str] = {}
    if n == 0:
        return ParsedColumn(values, invalid, reasons, decimal)
    if pd.api.types.infer_dtype(raw, skipna=False) == "string":
        text_idx = np.arange(n)
        text_obj = raw
    else:  # cells from a workbook: numbers as numbers, the rest as text
        is_num = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in raw), bool, n
        )
        nums = raw[is_num].astype(float)
        bad = ~np.isfinite(nums) & ~np.isnan(nums)
        values[is_num] = np.where(bad, np.nan, nums)
        for i in np.flatnonzero(is_num)[bad].tolist():
            invalid[i] = True
            reasons[i] = "is not a finite number"
        text_idx = np.flatnonzero(~is_num)
        text_obj = np.array(
            ["" if v is None else v if isinstance(v, str) else str(v) for v in raw[text_idx]],
            dtype=object,
        )
    if len(text_idx) == 0:
        return ParsedColumn(values, invalid, reasons, decimal)
    fast = pd.to_numeric(pd.Series(text_obj, dtype=object), errors="coerce").to_numpy(float)
    done = np.isfinite(fast)
    if decimal == COMMA:  # "1.234" reads as a number, but not the one meant
        dotted = pd.Series(text_obj[done], dtype="str").str.contains(".", regex=False)
        done[np.flatnonzero(done)[dotted.to_numpy(dtype=bool)]] = False
    values[text_idx[done]] = fast[done]
    rest = np.flatnonzero(~done)
    if len(rest):
        text = pd.Series(text_obj[rest], dtype="str")
        cleaned = text.str.replace(r"[\s$€£¥₹]+", "", regex=True)
        grouped = np.array(
            cleaned.str.fullmatch(_GROUPED[decimal]).to_numpy(dtype=bool, na_value=False)
        )
        if grouped.any():
            plain = cleaned[grouped]
            if decimal == POINT:
                plain = plain.str.replace(",", "", regex=False)
            else:
                plain = plain.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            numbers = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=float)
            ok = np.isfinite(numbers)
            values[text_idx[rest[grouped][ok]]] = numbers[ok]
            grouped[np.flatnonzero(grouped)[~ok]] = False
        rest = rest[~grouped]
    if len(rest):
        codes, uniques = pd.factorize(pd.Series(text_obj[rest], dtype=object))
        parsed = np.full(len(uniques), np.nan)
        why = [""] * len(uniques)
        for k, value in enumerate(uniques):
            number, reason = parse_text(value, decimal)
            if number is None:
                why[k] = reason
            else:
                parsed[k] = number
        rest_idx = text_idx[rest]
        values[rest_idx] = parsed[codes]
        bad_codes = np.array([bool(w) for w in why], dtype=bool)
        bad = bad_codes[codes]
        invalid[rest_idx[bad]] = True
        for i, code in zip(rest_idx[bad].tolist(), codes[bad].tolist(), strict=True):
            reasons[i] = why[code]
    return ParsedColumn(values, invalid, reasons, decimal)


def parse_flag(value: Any) -> bool | None:
    """True/False from yes/no, true/false, 1/0, y/n, x/blank; ``None`` if unclear."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "1.0", "yes", "y", "true", "t", "x", "ja", "si", "sí", "oui"):
        return True
    if text in ("0", "0.0", "no", "n", "false", "f", "nein", "non"):
        return False
    return None
