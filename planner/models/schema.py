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
