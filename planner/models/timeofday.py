"""Times of day as the plan file writes them: ``HH:MM`` text, hours as numbers, or times.

Visit planning reads opening hours with :func:`parse_time_of_day`, and the itineraries read the
stored visit calendar (``arrival``, ``departure``) with it, so it belongs to the model, below
both.
"""

from __future__ import annotations

import math
import re
from datetime import time

import numpy as np

__all__ = ["is_missing", "parse_time_of_day"]


def is_missing(value: object) -> bool:
    """``True`` for ``None``, NaN and blank text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_time_of_day(value: object, column: str = "time") -> int | None:
    """Minutes after midnight of an ``open_from``/``open_to`` value (``None`` when missing).

    Accepts ``"HH:MM"`` (or ``"HH:MM:SS"``) text, :class:`datetime.time`, and numbers of hours
    (``9.5`` = 09:30).

    Raises
    ------
    ValueError
        Naming ``column`` and the value when it is not a time of day.
    """
    if is_missing(value):
        return None
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        hours = float(value)
        if 0.0 <= hours <= 24.0:
            return round(hours * 60)
        raise ValueError(f"{column} {value!r} is not an hour of the day (0-24)")
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2})[:.h](\d{2})(?::\d{2})?", text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours * 60 + minutes <= 24 * 60 and minutes < 60:
            return hours * 60 + minutes
    raise ValueError(f"{column} {value!r} is not a time of day (HH:MM)")
