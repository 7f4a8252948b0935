"""Plan settings: the measures balanced, their tolerance bands, and the workload model."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from planner.models.i18n import format_currency, format_number

#: Measures every plan has. ``workload`` is computed; the others are account sums.
BUILTIN_MEASURES = ("accounts", "revenue", "potential", "workload")

#: Metres in a statute mile, for mileage at a per-mile rate.
KM_PER_MILE = 1.609344


@dataclass
class MeasureSpec:
    """One balanced measure.

    Parameters
    ----------
    key : str
        ``accounts``, ``revenue``, ``potential``, ``workload`` or the name of a
        numeric account column.
    label : str
        Shown in tables and charts.
    tolerance : float
        Half-width of the band as a fraction of the target (0.10 = ±10 %).
    target : float or None
        A set target per territory; ``None`` means the mean over territories.
    kind : str
        ``count``, ``currency``, ``hours`` or ``number``: how values are formatted.
    """

    key: str
    label: str
    tolerance: float = 0.10
    target: float | None = None
    kind: str = "number"


def format_value(value: float, spec: MeasureSpec, currency: str = "$") -> str:
    """A measure value as planners and managers read it: whole currency, hours, counts.

    One rule for the balance panel, the map labels and the map book.
    """
    if not math.isfinite(value):
        return "–"
    # The locale's separators and the currency symbol's place (planner.models.i18n).
    if spec.kind == "currency":
        return format_currency(value, currency)
    if spec.kind == "hours":
        return f"{format_number(value)} h"
    if spec.kind == "count":
        return format_number(value)
    return format_number(value, 1)


def default_measures() -> list[MeasureSpec]:
    """The four measures a new plan balances."""
    return [
        MeasureSpec("workload", "Workload (h/yr)", 0.10, None, "hours"),
        MeasureSpec("potential", "Potential", 0.10, None, "currency"),
        MeasureSpec("revenue", "Revenue (L12M)", 0.10, None, "currency"),
        MeasureSpec("accounts", "Accounts", 0.10, None, "count"),
    ]


@dataclass
class Settings:
    """Everything about a plan that is not data: measures and the workload/travel model.

    Travel is estimated per territory with a continuous approximation
    (Beardwood-Halton-Hammersley): a day visits ``visits_per_day`` accounts; the
    tour between them is ``0.7124 * sqrt(k * a)`` for ``k`` stops over the
    ``a = k * A / n`` share of the territory's area ``A`` that a day covers, plus a
    commute from the rep's home and back. Road distance is great-circle distance
    times ``circuity``; time is distance over ``speed_kmh``.
    """

    measures: list[MeasureSpec] = field(default_factory=default_measures)
    visits_per_day: float = 6.0
    circuity: float = 1.3
    speed_kmh: float = 60.0
    mileage_rate_per_mile: float = 0.67
    currency: str = "$"
    segment_visits_per_year: dict[str, float] = field(
        default_factory=lambda: {"A": 12.0, "B": 4.0, "C": 1.0}
    )
    segment_visit_minutes: dict[str, float] = field(
        default_factory=lambda: {"A": 45.0, "B": 30.0, "C": 20.0}
    )
    default_visits_per_year: float = 2.0
    default_visit_minutes: float = 30.0
    #: Working hours a year of a rep whose capacity the plan does not give (and of a
    #: territory without a rep), for utilisation and capacity planning.
    default_capacity_hours: float = 1600.0
    #: Visit-planning calendar. The Monday the route horizon starts (ISO date; empty: the
    #: next Monday when planning), and the public holidays no visit is booked on: a country
    #: code of the ``holidays`` library (empty: none) and optionally its state or province.
    #: Reps' own days off are the reps column ``days_off``.
    routes_start_date: str = ""
    holiday_country: str = "US"
    holiday_subdivision: str = ""

    def measure(self, key: str) -> MeasureSpec:
        """The measure with this key; ``KeyError`` if the plan does not balance it."""
        for spec in self.measures:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def to_json(self) -> str:
        """Serialise for the plan file's ``settings`` table."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from a dictionary; unknown keys are ignored, missing ones take defaults."""
        known = {f for f in cls.__dataclass_fields__}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "measures" in kwargs:
            kwargs["measures"] = [MeasureSpec(**m) for m in kwargs["measures"]]
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        """Parse what :meth:`to_json` wrote."""
        return cls.from_dict(json.loads(text))
