"""Do the units cover the accounts? A check run after placing accounts, with a likely cause.

Accounts outside every unit cannot follow unit-based territories. A handful (an island
account, a pier) is normal; many almost always mean the units file and the accounts do not
line up: a shapefile without its ``.prj`` (projected metres read as degrees), a file
declared in the wrong coordinate system (the units land shifted, e.g. in the Atlantic),
latitude and longitude swapped, or units that simply do not reach where the accounts are.
:func:`check_coverage` counts them and tests each of these causes against the data;
the command line prints :meth:`CoverageReport.format`, and the New-plan dialog shows the
same fields. Nothing is removed: accounts outside every unit stay in the plan and are
listed under Problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely

if TYPE_CHECKING:
    from planner.models.plan import Plan

Cause = Literal[
    "none",
    "units_projected",
    "accounts_projected",
    "swapped",
    "shifted",
    "elsewhere",
    "beyond_extent",
    "gaps",
]
BBox = tuple[float, float, float, float]

#: A warning when more than this share of placed accounts lies outside every unit...
WARN_FRACTION = 0.01
#: ...or when more than this many do and they are more than :data:`WARN_MIN_FRACTION`.
WARN_COUNT = 10
WARN_MIN_FRACTION = 0.001

#: Outside accounts tested against each cause (a sample keeps the check instant on 1M rows).
SAMPLE = 5000

#: A cause is confirmed when its correction puts at least this share of the sample inside.
CONFIRM_FRACTION = 0.5


def _bbox_of_points(lon: np.ndarray, lat: np.ndarray) -> BBox | None:
    if not len(lon):
        return None
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def _bbox_of_geoms(geoms: np.ndarray) -> BBox | None:
    if not len(geoms):
        return None
    bounds = shapely.bounds(geoms)
    if np.isnan(bounds).all():
        return None
    return (
        float(np.nanmin(bounds[:, 0])),
        float(np.nanmin(bounds[:, 1])),
        float(np.nanmax(bounds[:, 2])),
        float(np.nanmax(bounds[:, 3])),
    )


def _not_degrees(box: BBox | None) -> bool:
    return box is not None and (
        max(abs(box[0]), abs(box[2])) > 180 or max(abs(box[1]), abs(box[3])) > 90
    )


def _format_bbox(box: BBox | None) -> str:
    if box is None:
        return "none"
    x0, y0, x1, y1 = box
    if _not_degrees(box):
        return f"x {x0:,.0f}..{x1:,.0f}, y {y0:,.0f}..{y1:,.0f}"
    return f"lon {x0:.2f}..{x1:.2f}, lat {y0:.2f}..{y1:.2f}"


def _share_inside(tree: shapely.STRtree, x: np.ndarray, y: np.ndarray) -> float:
    if not len(x):
        return 0.0
    hits, _ = tree.query(shapely.points(x, y), predicate="intersects")
    return len(np.unique(hits)) / len(x)


@dataclass
class CoverageReport:
    """Accounts outside every unit, and the likely cause when there are many.

    Attributes
    ----------
    n_accounts : int
    n_placed : int
        Accounts with coordinates (the only ones a unit can hold).
    outside : ndarray of int
        Indices of placed accounts inside no unit.
    accounts_bbox, units_bbox, outside_bbox : tuple of float or None
        ``(x0, y0, x1, y1)`` of the placed accounts, of the units and of the accounts
        outside; None when there are none.
    cause : str
        ``'none'`` (no warning, or no cause found), ``'units_projected'`` (the units'
        coordinates are not degrees: a missing or wrong ``.prj``), ``'accounts_projected'``,
        ``'swapped'`` (latitude and longitude swapped), ``'shifted'`` (units offset from
        the accounts by ``shift``), ``'elsewhere'`` (units and accounts far apart),
        ``'beyond_extent'`` (the units stop short of the accounts) or ``'gaps'`` (the
        accounts fall between units).
    explanation : str
        The cause and what to do, as a sentence for the planner.
    shift : tuple of float or None
        ``(dlon, dlat)`` from the accounts to the units when ``cause == 'shifted'``.
    """

    n_accounts: int
    n_placed: int
    outside: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    accounts_bbox: BBox | None = None
    units_bbox: BBox | None = None
    outside_bbox: BBox | None = None
    cause: Cause = "none"
    explanation: str = ""
    shift: tuple[float, float] | None = None

    @property
    def n_outside(self) -> int:
        """Placed accounts outside every unit."""
        return len(self.outside)

    @property
    def fraction(self) -> float:
        """Share of placed accounts outside every unit (0 when none is placed)."""
        return self.n_outside / self.n_placed if self.n_placed else 0.0

    @property
    def is_warning(self) -> bool:
        """More than a few accounts outside: over 1 %, or over 10 and over 0.1 %."""
        return self.fraction > WARN_FRACTION or (
            self.n_outside > WARN_COUNT and self.fraction > WARN_MIN_FRACTION
        )

    def format(self) -> str:
        """The check as command-line lines: one line when fine, a warning block otherwise."""
        if not self.n_placed:
            return "coverage: no account has a location, so none can lie in a unit"
        if not self.n_outside:
            return f"coverage: all {self.n_placed:,} placed accounts are inside a unit"
        share = f"{self.n_outside:,} of {self.n_placed:,} placed accounts ({self.fraction:.1%})"
        listed = (
            "they stay in the plan, in no unit, listed under Problems (accounts outside every unit)"
        )
        if not self.is_warning:
            return f"coverage: {share} lie outside every unit; {listed}"
        lines = [
            f"warning: {share} lie outside every unit",
            f"  accounts: {_format_bbox(self.accounts_bbox)}",
            f"  units:    {_format_bbox(self.units_bbox)}",
            f"  outside:  {_format_bbox(self.outside_bbox)}",
        ]
        if self.explanation:
            lines.append(f"  likely cause: {self.explanation}")
        lines.append(f"  {listed}")
        return "\n".join(lines)


def _diagnose(
    report: CoverageReport, lon: np.ndarray, lat: np.ndarray, geoms: np.ndarray
) -> tuple[Cause, str, tuple[float, float] | None]:
    units_box, accounts_box = report.units_bbox, report.accounts_bbox
    if units_box is None:
        return (
            "elsewhere",
            "the plan has no units: the accounts lie where there is no bundled US geography "
            "(check their coordinates), or the units file holds no polygon.",
            None,
        )
    if _not_degrees(units_box):
        return (
            "units_projected",
            "the units' coordinates are not degrees (they look projected, in metres or feet): "
            "the file's coordinate system is missing or wrong. A shapefile needs its .prj "
            "file beside the .shp; or reproject the file to WGS84 (EPSG:4326).",
            None,
        )
    if _not_degrees(report.outside_bbox):
        return (
            "accounts_projected",
            "the accounts' coordinates are not degrees (they look projected, in metres or "
            "feet): give longitude and latitude in WGS84 degrees, or a ZIP to place them by.",
            None,
        )
    rng = np.random.default_rng(0)
    sample = report.outside
    if len(sample) > SAMPLE:
        sample = np.sort(rng.choice(sample, SAMPLE, replace=False))
    x, y = lon[sample], lat[sample]
    tree = shapely.STRtree(geoms)
    if _share_inside(tree, y, x) >= CONFIRM_FRACTION:
        return (
            "swapped",
            "latitude and longitude look swapped: with the two exchanged, the accounts "
            "fall inside the units. Check the column mapping (lat/lon) of the accounts file.",
            None,
        )
    assert accounts_box is not None
    ux0, uy0, ux1, uy1 = units_box
    ax0, ay0, ax1, ay1 = accounts_box
    apart = ax1 < ux0 or ux1 < ax0 or ay1 < uy0 or uy1 < ay0
    # The accounts may cover only part of the units' area: try the offsets of the boxes'
    # centres and of their corners, and keep the one that puts most accounts inside.
    candidates = {
        (round((ux0 + ux1 - ax0 - ax1) / 2, 2), round((uy0 + uy1 - ay0 - ay1) / 2, 2)),
        (round(ux0 - ax0, 2), round(uy0 - ay0, 2)),
        (round(ux1 - ax1, 2), round(uy1 - ay1, 2)),
    }
    best, dx, dy = 0.0, 0.0, 0.0
    for cx, cy in sorted(candidates):
        if abs(cx) < 0.05 and abs(cy) < 0.05:
            continue  # not a shift worth naming
        share = _share_inside(tree, x + cx, y + cy)
        if share > best:
            best, dx, dy = share, cx, cy
    if best >= CONFIRM_FRACTION:
        return (
            "shifted",
            f"the units lie shifted from the accounts by about {dx:+.2f}° longitude and "
            f"{dy:+.2f}° latitude: the units file's coordinate system is probably declared "
            "wrong (a wrong .prj, datum or false easting). Reproject it with the right one.",
            (dx, dy),
        )
    if apart:
        return (
            "elsewhere",
            "the units and the accounts are in different places: the units file's "
            "coordinate system is probably wrong (a wrong or missing .prj), or it covers "
            "another area than the accounts.",
            None,
        )
    beyond = (x < ux0) | (x > ux1) | (y < uy0) | (y > uy1)
    if beyond.mean() >= CONFIRM_FRACTION:
        return (
            "beyond_extent",
            "the units stop short of the accounts: most accounts outside lie beyond the "
            "units' extent. Add units for that area (or let the plan use the bundled US "
            "geography).",
            None,
        )
    return (
        "gaps",
        "the accounts fall in gaps between the units (coastline, lakes or holes in the "
        "units file); check their coordinates or add units there.",
        None,
    )


def check_coverage(
    lon: np.ndarray,
    lat: np.ndarray,
    unit_geometries: np.ndarray,
    account_unit: np.ndarray | None = None,
) -> CoverageReport:
    """Count placed accounts outside every unit and, when there are many, say why.

    Parameters
    ----------
    lon, lat : array of float
        Account coordinates (degrees; NaN for unplaced accounts, which are not counted).
    unit_geometries : array of shapely.Geometry
        The unit polygons, in the same coordinates as the accounts.
    account_unit : array of int, optional
        The unit holding each account (-1 for none), when already known (a plan's
        ``account_unit``); computed here otherwise.

    Returns
    -------
    CoverageReport
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in shape: {lon.shape} and {lat.shape}")
    geoms = np.asarray(unit_geometries, dtype=object)
    placed = np.isfinite(lon) & np.isfinite(lat)
    if account_unit is None:
        inside = np.zeros(len(lon), dtype=bool)
        idx = np.flatnonzero(placed)
        if len(geoms) and len(idx):
            tree = shapely.STRtree(shapely.points(lon[idx], lat[idx]))
            _, point_idx = tree.query(geoms, predicate="intersects")
            inside[idx[point_idx]] = True
    else:
        account_unit = np.asarray(account_unit)
        if account_unit.shape != lon.shape:
            raise ValueError(
                f"account_unit has shape {account_unit.shape}, the accounts {lon.shape}"
            )
        inside = account_unit >= 0
    outside = np.flatnonzero(placed & ~inside)
    report = CoverageReport(
        n_accounts=len(lon),
        n_placed=int(placed.sum()),
        outside=outside.astype(np.int64),
        accounts_bbox=_bbox_of_points(lon[placed], lat[placed]),
        units_bbox=_bbox_of_geoms(geoms),
        outside_bbox=_bbox_of_points(lon[outside], lat[outside]),
    )
    if report.is_warning:
        report.cause, report.explanation, report.shift = _diagnose(report, lon, lat, geoms)
    return report


def plan_coverage(plan: Plan) -> CoverageReport:
    """:func:`check_coverage` of a plan's accounts against its units (nothing recomputed)."""
    return check_coverage(
        plan.accounts["lon"].to_numpy(dtype=float),
        plan.accounts["lat"].to_numpy(dtype=float),
        plan.units.geometry.to_numpy(),
        plan.account_unit,
    )


__all__ = ["Cause", "CoverageReport", "check_coverage", "plan_coverage"]
