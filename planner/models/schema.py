"""Column names and defaults of the plan's layers (the public plan-file contract)."""

from __future__ import annotations

ACCOUNT_COLUMNS = (
    "account_id",
    "name",
    "zip",
    "segment",
    "revenue",
    "potential",
    "visits_per_year",
    "visit_minutes",
    "territory_id",
    "baseline_territory_id",
    "pinned",
    "locked",
    "placement",
)
UNIT_COLUMNS = ("unit_id", "name", "territory_id", "locked")
TERRITORY_COLUMNS = (
    "territory_id",
    "name",
    "rep_id",
    "parent_id",
    "color",
    "locked",
    "quota",
    "geometry_source",
)
REP_COLUMNS = ("rep_id", "name", "capacity_hours")
ROUTE_STOP_COLUMNS = (
    "rep_id",
    "day",
    "seq",
    "account_id",
    "arrival",
    "departure",
    "distance_km",
    "drive_minutes",
)
ROUTE_COLUMNS = ("rep_id", "day", "distance_km", "drive_minutes", "visits")

#: Plan layers written by visit planning (DESIGN.md "Plan file layers").
ROUTES_LAYER = "routes"
ROUTE_STOPS_LAYER = "route_stops"
#: Their attribute columns, in order (the geometry column follows), are ROUTE_COLUMNS and
#: ROUTE_STOP_COLUMNS above.
#: Plan tables: totals per planned rep (with the horizon, to annualise travel) and the
#: visits that could not be planned.
ROUTE_TOTALS_TABLE = "route_totals"
ROUTE_UNPLACED_TABLE = "route_unplaced"
#: Per rep, the working weekdays of the horizon with no visits booked, and why.
ROUTE_DAYS_OFF_TABLE = "route_days_off"
DAYS_OFF_COLUMNS = ("rep_id", "day", "reason")
#: Columns the ``route_stops`` layer carries after the contract's: what a rep needs at the
#: door (account name and address; the address columns are empty when the plan has none),
#: the coordinates, the wait before the visit and the visit's minutes.
ROUTE_STOP_FIELDS = (
    *ROUTE_STOP_COLUMNS,
    "account_name",
    "address",
    "city",
    "state",
    "zip",
    "lon",
    "lat",
    "wait_minutes",
    "visit_minutes",
)
#: Columns the ``routes`` layer carries after the contract's: the day's clock (``HH:MM``;
#: ``lunch_start`` empty when the day needs no lunch), its minutes (``working_minutes``:
#: leaving home to returning, lunch excluded) and the drive home.
ROUTE_DAY_FIELDS = (
    *ROUTE_COLUMNS,
    "weekday",
    "leave_home",
    "return_home",
    "lunch_start",
    "lunch_minutes",
    "visit_minutes",
    "working_minutes",
    "return_drive_minutes",
    "return_distance_km",
)
TOTALS_COLUMNS = (
    "rep_id",
    "name",
    "territories",
    "start_date",
    "weeks",
    "days",
    "accounts",
    "visits_due",
    "visits",
    "unplaced_visits",
    "distance_km",
    "drive_hours",
    "visit_hours",
    "capacity_hours",
    "utilisation",
    "miles",
    "mileage_rate",
    "mileage_reimbursement",
    "travel_source",
    "end_date",
    "calendar",
    "working_days",
    "days_off",
    "drive_minutes",
    "working_minutes",
)
UNPLACED_COLUMNS = ("account_id", "name", "rep_id", "territory_id", "visits", "reason")

TEXT_ACCOUNT_COLUMNS = (
    "account_id",
    "name",
    "zip",
    "segment",
    "territory_id",
    "baseline_territory_id",
    "placement",
)
NUMERIC_ACCOUNT_COLUMNS = ("revenue", "potential", "visits_per_year", "visit_minutes")
FLAG_COLUMNS = ("pinned", "locked")

#: How an account was placed on the map.
PLACED_BY_COORDINATES = "coordinates"
PLACED_BY_ZIP = "zip_centroid"
UNPLACED_PREFIX = "unplaced: "

#: A qualitative palette that stays readable with dark outlines and labels.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#8dd3c7", "#bebada", "#fb8072", "#80b1d3",
)  # fmt: skip


def palette_color(i: int) -> str:
    """The i-th colour of the territory palette (cycling)."""
    return PALETTE[i % len(PALETTE)]
