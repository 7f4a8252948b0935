"""Build the bundled demo plan and the offline basemap from real US geography.

``python resources/make_demo_plan.py [--seed N] [-o PATH] [--basemap DIR | --no-basemap]``

The geography is real: ZIP areas of Georgia, Alabama, Tennessee and South Carolina
(Voronoi cells of the Census ZCTA centroids, clipped to the state outlines) and the
county and state outlines of the contiguous US. Everything else is synthetic and
seeded: 9,000 accounts placed inside their ZIP areas, twenty reps living in
real cities, and a current alignment grown unevenly from the reps' homes so the
optimiser has something to fix. Territories roll up into the four states as districts,
and those into two regions, East (Georgia, South Carolina) and West (Alabama, Tennessee).
"""

from __future__ import annotations

import argparse
import heapq
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from planner.io import geography  # noqa: E402
from planner.io.planfile import save_plan  # noqa: E402
from planner.models.geo import WGS84, area_km2, haversine_km  # noqa: E402
from planner.models.hierarchy import HIERARCHY_TABLE, hierarchy_table  # noqa: E402
from planner.models.plan import Plan  # noqa: E402
from planner.models.schema import PLACED_BY_COORDINATES, PLACED_BY_ZIP, palette_color  # noqa: E402
from planner.models.settings import Settings  # noqa: E402

DEFAULT_OUTPUT = ROOT / "resources" / "demo_plan.gpkg"
DEFAULT_BASEMAP = ROOT / "resources" / "basemap"

#: Georgia, Alabama, Tennessee, South Carolina: about 2,500 ZIP areas.
REGION = {"13": "GA", "01": "AL", "47": "TN", "45": "SC"}
N_ACCOUNTS = 9_000

#: Territory name, the rep's home ZIP (a real city centre), and how far today's
#: alignment leaves it from the mean workload and potential: the legacy imbalance the
#: optimiser is there to fix (several territories 20-35 % off, the rest near the mean).
TERRITORIES = [
    ("Atlanta North", "30328", +0.30),
    ("Atlanta South", "30281", -0.10),
    ("Savannah & Coastal Georgia", "31401", -0.25),
    ("Macon & Middle Georgia", "31201", +0.05),
    ("Birmingham", "35203", -0.05),
    ("Mobile & Gulf Coast", "36602", +0.28),
    ("Nashville", "37203", -0.20),
    ("Memphis & West Tennessee", "38103", 0.00),
    ("Knoxville & East Tennessee", "37902", -0.30),
    ("Greenville & Upstate", "29601", 0.00),
    ("Columbia & Midlands", "29201", +0.25),
    ("Charleston & Lowcountry", "29401", -0.05),
    ("Huntsville & North Alabama", "35801", +0.15),
    ("Montgomery & River Region", "36104", -0.10),
    ("Chattanooga", "37402", +0.10),
    ("Augusta & CSRA", "30901", -0.15),
    ("Columbus & West Georgia", "31901", 0.00),
    ("Albany & Southwest Georgia", "31701", +0.20),
    ("Jackson & Northwest Tennessee", "38301", -0.05),
    ("Myrtle Beach & Pee Dee", "29577", 0.00),
]


#: The regions above the state districts: the plan's ``hierarchy`` table.
REGIONS = {"Georgia": "East", "South Carolina": "East", "Alabama": "West", "Tennessee": "West"}


def hierarchy_nodes() -> pd.DataFrame:
    """Districts (the states, as territories' parent_id names them) under two regions."""
    districts = [(d, d, "District", region) for d, region in REGIONS.items()]
    regions = [(r, r, "Region", None) for r in dict.fromkeys(REGIONS.values())]
    return hierarchy_table([*districts, *regions])


def district_of(zip_code: str) -> str:
    """The sales district (the home state) of a rep's home ZIP, for the hierarchy."""
    prefix = zip_code[:2]
    if prefix in ("30", "31"):
        return "Georgia"
    if prefix in ("35", "36"):
        return "Alabama"
    if prefix in ("37", "38"):
        return "Tennessee"
    return "South Carolina"


#: Rounds of growth-rate calibration towards the deviations above.
CALIBRATION_ROUNDS = 60
#: Head start (km) a territory gains per unit of relative shortfall in a round.
CALIBRATION_STEP_KM = 40.0

SEGMENTS = np.array(["A", "B", "C"], dtype=object)
SEGMENT_SHARE = np.array([0.10, 0.30, 0.60])
#: Median last-12-month revenue per segment, and the spread of its lognormal.
SEGMENT_MEDIAN_REVENUE = np.array([150_000.0, 40_000.0, 8_000.0])
REVENUE_SIGMA = 0.55
#: Visits per year: monthly for A, quarterly for B, yearly for C (field-sales norms).
SEGMENT_VISITS = np.array([12.0, 4.0, 1.0])
SEGMENT_MINUTES = np.array([45.0, 30.0, 20.0])
PROSPECT_SHARE = 0.20

INDUSTRIES = np.array(
    [
        "Healthcare",
        "Manufacturing",
        "Retail",
        "Education",
        "Hospitality",
        "Construction",
        "Technology",
        "Logistics",
    ],
    dtype=object,
)
INDUSTRY_SHARE = np.array([0.18, 0.16, 0.18, 0.08, 0.12, 0.12, 0.07, 0.09])

#: Name patterns per industry; ``{s}`` is a surname, ``{p}`` a place word.
NAME_PATTERNS = {
    "Healthcare": [
        "{s} Family Medicine",
        "{p} Regional Medical Center",
        "{s} Dental Group",
        "{p} Pediatrics",
        "{s} & {s2} Orthopedics",
        "{p} Senior Living",
        "{p} Veterinary Clinic",
        "{s} Physical Therapy",
    ],
    "Manufacturing": [
        "{s} Precision Machining",
        "{p} Fabrication",
        "{s} Plastics",
        "{p} Metal Works",
        "{s} Industrial Supply",
        "{p} Textile Mills",
        "{s} Tool & Die",
        "{p} Packaging Co.",
    ],
    "Retail": [
        "{s}'s Hardware",
        "{p} Outfitters",
        "{s} Furniture",
        "{p} Pharmacy",
        "{s} Auto Parts",
        "{p} Garden Center",
        "{s} Appliance",
        "{p} Market",
    ],
    "Education": [
        "{p} Christian Academy",
        "{p} Community College",
        "{s} Learning Center",
        "{p} Montessori School",
        "{p} County Schools",
    ],
    "Hospitality": [
        "{p} Inn & Suites",
        "{s}'s Smokehouse",
        "{p} Grill",
        "{p} Country Club",
        "{s} Catering",
        "{p} Hotel",
        "{s}'s Diner",
    ],
    "Construction": [
        "{s} Builders",
        "{p} Roofing",
        "{s} & Sons Contracting",
        "{p} Concrete",
        "{s} Electric",
        "{p} Plumbing & Heating",
        "{s} Homes",
    ],
    "Technology": [
        "{p} Data Systems",
        "{s} Software",
        "{p} Networks",
        "{s} IT Solutions",
        "{p} Digital",
    ],
    "Logistics": [
        "{s} Trucking",
        "{p} Freight",
        "{p} Distribution",
        "{s} Moving & Storage",
        "{p} Cold Storage",
        "{s} Logistics",
    ],
}
SURNAMES = (
    "Adams", "Allen", "Baker", "Barnes", "Bell", "Brooks", "Brown", "Bryant", "Butler", "Campbell",
    "Carter", "Clark", "Coleman", "Collins", "Cook", "Cooper", "Davis", "Dixon", "Edwards", "Ellis",
    "Evans", "Fletcher", "Ford", "Foster", "Fuller", "Gibson", "Graham", "Grant", "Gray", "Green",
    "Griffin", "Hall", "Hamilton", "Harris", "Hayes", "Henderson", "Hill", "Holmes", "Howard",
    "Hughes", "Hunt", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Jordan", "Kelly",
    "Kennedy", "King", "Lane", "Lawson", "Lee", "Lewis", "Long", "Marshall", "Martin", "Mason",
    "McCoy", "Miller", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Nelson", "Owens",
    "Parker", "Patterson", "Perry", "Peterson", "Phillips", "Porter", "Powell", "Price", "Reed",
    "Reynolds", "Rice", "Richardson", "Roberts", "Robinson", "Rogers", "Ross", "Russell", "Sanders",
    "Scott", "Simmons", "Smith", "Spencer", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson",
    "Tucker", "Turner", "Walker", "Wallace", "Ward", "Warren", "Washington", "Watson", "Webb",
    "Wells", "West", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
PLACE_WORDS = (
    "Magnolia", "Peachtree", "Riverside", "Piedmont", "Lakeside", "Cypress", "Oakwood", "Pinecrest",
    "Heritage", "Summit", "Valley", "Southern", "Blue Ridge", "Cumberland", "Tennessee Valley",
    "Carolina", "Gulf", "Coastal", "Palmetto", "Chattahoochee", "Savannah River", "Red Clay",
    "Crossroads", "Sweetwater", "Cedar Creek", "Live Oak", "Tri-County", "Mid-South", "Lowcountry",
    "Upstate", "Appalachian", "Delta", "Hickory", "Walnut Grove", "Cherokee", "Pine Ridge",
    "Wiregrass", "Black Belt", "Sand Mountain", "Stone Mountain", "Smoky Mountain", "Harbor",
)  # fmt: skip
FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Ashley", "Marcus",
    "Keisha", "Andre", "Latoya", "Carlos", "Maria", "Tyler", "Brittany",
)  # fmt: skip


# -- geography --------------------------------------------------------------------------


def build_units() -> gpd.GeoDataFrame:
    """ZIP areas of the region (real Voronoi-of-ZCTA cells clipped to state outlines)."""
    units = geography.zip_area_units(list(REGION))
    return units[["unit_id", "name", "state", "lon", "lat", "geometry"]]


def unit_adjacency(units: gpd.GeoDataFrame) -> list[list[int]]:
    """Rook adjacency of the ZIP areas (shared edges; a tiny tolerance bridges state lines)."""
    from planner.optimise.graph import adjacency_from_geometry

    return adjacency_from_geometry(units.geometry.to_numpy(), "rook", tolerance=1e-6).to_lists()


def grow_alignment(
    units: gpd.GeoDataFrame,
    neighbours: list[list[int]],
    seeds: np.ndarray,
    head_start_km: np.ndarray,
) -> np.ndarray:
    """Territory index per unit, grown from the seed units over the adjacency graph.

    Every territory grows outward from its seed unit along shortest paths between
    neighbouring ZIP centroids, starting ``head_start_km`` ahead of the others, and a unit
    joins whichever territory reaches it first. Each territory is therefore a shortest-path
    tree, so contiguous, but uneven head starts leave territories of uneven size, like an
    alignment that grew by history. Units no territory can reach (islands) join the
    territory of the nearest unit.
    """
    n = len(units)
    lon = units["lon"].to_numpy()
    lat = units["lat"].to_numpy()
    owner = np.full(n, -1, dtype=np.int64)
    reach = np.full(n, np.inf)
    heap: list[tuple[float, int, int]] = []
    offset = head_start_km.max() - head_start_km
    for t, seed in enumerate(seeds):
        heapq.heappush(heap, (float(offset[t]), int(seed), t))
    while heap:
        dist, unit, t = heapq.heappop(heap)
        if owner[unit] >= 0:
            continue
        owner[unit] = t
        reach[unit] = dist
        nbs = np.array(neighbours[unit], dtype=np.int64)
        nbs = nbs[owner[nbs] < 0]
        if len(nbs):
            step = haversine_km(lon[unit], lat[unit], lon[nbs], lat[nbs])
            for nb, d in zip(nbs, dist + step, strict=True):
                heapq.heappush(heap, (float(d), int(nb), t))
    orphans = np.flatnonzero(owner < 0)
    if len(orphans):
        owned = np.flatnonzero(owner >= 0)
        tree = shapely.STRtree(shapely.points(lon[owned], lat[owned]))
        _, nearest = tree.query_nearest(shapely.points(lon[orphans], lat[orphans]))
        owner[orphans] = owner[owned[nearest]]
    return owner


def alignment_scores(
    accounts: pd.DataFrame,
    unit_area: np.ndarray,
    unit_territory: np.ndarray,
    homes: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Workload and potential of each territory relative to the mean, averaged (1 = mean)."""
    from planner.models.balance import AccountWeights, BalanceEngine

    settings = Settings()
    weights = AccountWeights(
        revenue=accounts["revenue"].to_numpy(),
        potential=accounts["potential"].to_numpy(),
        visits_per_year=accounts["visits_per_year"].to_numpy(),
        visit_minutes=accounts["visit_minutes"].to_numpy(),
        lon=accounts["lon"].to_numpy(),
        lat=accounts["lat"].to_numpy(),
        extra={},
    )
    account_territory = unit_territory[accounts["unit"].to_numpy()].astype(np.int32)
    k = len(homes[0])
    engine = BalanceEngine(
        weights, account_territory, k, unit_area, unit_territory.astype(np.int32), settings
    )
    engine.set_homes(homes[0], homes[1], account_territory)
    table = engine.table()
    relative = table.values / table.targets
    return 0.5 * (relative[:, table.column("workload")] + relative[:, table.column("potential")])


def calibrate_alignment(
    units: gpd.GeoDataFrame,
    unit_area: np.ndarray,
    accounts: pd.DataFrame,
    homes: tuple[np.ndarray, np.ndarray],
    seed_units: np.ndarray,
    desired: np.ndarray,
    seed: int,
) -> np.ndarray:
    """Grow an alignment whose territories sit near the ``desired`` relative deviations.

    Growth rates are tuned multiplicatively, round by round, towards the wanted
    workload/potential of each territory; the best round is kept.
    """
    neighbours = unit_adjacency(units)
    head_start = np.zeros(len(seed_units))
    best, best_error = None, np.inf
    for round_ in range(CALIBRATION_ROUNDS):
        owner = grow_alignment(units, neighbours, seed_units, head_start)
        score = alignment_scores(accounts, unit_area, owner, homes)
        error = float(np.abs(score - (1.0 + desired)).max())
        if error < best_error:
            best, best_error = owner, error
        # A shrinking step settles the metro territories, where a few km move many accounts.
        step = CALIBRATION_STEP_KM * 0.96**round_
        head_start += step * ((1.0 + desired) - score)
    assert best is not None
    return best


# -- accounts ---------------------------------------------------------------------------


def sample_in_units(
    units: gpd.GeoDataFrame,
    unit_of: np.ndarray,
    spread_km: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Points near each unit's ZIP centroid and inside its area (rejection sampling).

    Points that keep landing outside after a few rounds fall back to a point on the
    area's surface, so every point lies in its own unit.
    """
    geoms = units.geometry.to_numpy()
    c_lon = units["lon"].to_numpy()[unit_of]
    c_lat = units["lat"].to_numpy()[unit_of]
    km_per_deg_lat = 111.2
    lon = np.full(len(unit_of), np.nan)
    lat = np.full(len(unit_of), np.nan)
    todo = np.arange(len(unit_of))
    for _ in range(30):
        if not len(todo):
            break
        dy = rng.normal(0.0, spread_km[todo]) / km_per_deg_lat
        dx = rng.normal(0.0, spread_km[todo]) / (km_per_deg_lat * np.cos(np.radians(c_lat[todo])))
        x, y = c_lon[todo] + dx, c_lat[todo] + dy
        inside = shapely.contains_xy(geoms[unit_of[todo]], x, y)
        lon[todo[inside]], lat[todo[inside]] = x[inside], y[inside]
        todo = todo[~inside]
    if len(todo):
        surface = shapely.point_on_surface(geoms[unit_of[todo]])
        lon[todo], lat[todo] = shapely.get_x(surface), shapely.get_y(surface)
    return lon, lat


def company_names(industry: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Plausible, made-up company names per industry."""
    out = np.empty(len(industry), dtype=object)
    surnames = rng.choice(SURNAMES, size=(len(industry), 2))
    places = rng.choice(PLACE_WORDS, size=len(industry))
    for i, ind in enumerate(industry):
        patterns = NAME_PATTERNS[ind]
        pattern = patterns[rng.integers(len(patterns))]
        out[i] = pattern.format(s=surnames[i, 0], s2=surnames[i, 1], p=places[i])
    # Chains and common names repeat; a suffix keeps each name readable and distinct.
    counts: dict[str, int] = {}
    for i, name in enumerate(out):
        seen = counts.get(name, 0)
        counts[name] = seen + 1
        if seen:
            out[i] = f"{name} #{seen + 1}"
    return out


def build_accounts(
    units: gpd.GeoDataFrame,
    unit_area: np.ndarray,
    counties: gpd.GeoDataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """About 12,000 synthetic accounts in the region's real ZIP areas."""
    n = N_ACCOUNTS
    # Each ZIP gets a lognormal share of business; ZIPs are small and many where people
    # are, so account density follows real population, and small (urban) ZIPs get a lift.
    zip_weight = rng.lognormal(0.0, 0.7, len(units)) * np.clip(unit_area, 5.0, None) ** -0.25
    unit_of = rng.choice(len(units), size=n, p=zip_weight / zip_weight.sum())
    spread_km = 0.35 * np.sqrt(unit_area[unit_of])
    lon, lat = sample_in_units(units, unit_of, spread_km, rng)

    segment_idx = rng.choice(3, size=n, p=SEGMENT_SHARE)
    prospect = rng.random(n) < PROSPECT_SHARE
    revenue = SEGMENT_MEDIAN_REVENUE[segment_idx] * rng.lognormal(0.0, REVENUE_SIGMA, n)
    headroom = 1.0 + rng.lognormal(np.log(0.35), 0.6, n)
    potential = revenue * headroom
    revenue = np.where(prospect, 0.0, revenue)
    revenue = np.round(revenue, -1)
    potential = np.maximum(np.round(potential, -2), revenue)

    visit_factor = rng.choice([0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.25, 1.5], size=n)
    visits = np.maximum(1.0, np.round(SEGMENT_VISITS[segment_idx] * visit_factor))
    minutes = SEGMENT_MINUTES[segment_idx] + rng.choice([-10.0, 0.0, 0.0, 0.0, 0.0, 10.0], n)

    industry = rng.choice(INDUSTRIES, size=n, p=INDUSTRY_SHARE)
    placement = np.where(rng.random(n) < 0.05, PLACED_BY_ZIP, PLACED_BY_COORDINATES)
    by_zip = placement == PLACED_BY_ZIP
    lon[by_zip] = units["lon"].to_numpy()[unit_of[by_zip]]
    lat[by_zip] = units["lat"].to_numpy()[unit_of[by_zip]]

    # County of each account, by point in polygon against the real county outlines.
    tree = shapely.STRtree(counties.geometry.to_numpy())
    p_idx, c_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
    county = np.full(n, None, dtype=object)
    county[p_idx] = counties["name"].to_numpy(dtype=object)[c_idx]

    frame = pd.DataFrame(
        {
            "account_id": [f"ACC-{i:05d}" for i in range(1, n + 1)],
            "name": company_names(industry, rng),
            "zip": units["unit_id"].to_numpy(dtype=object)[unit_of],
            "segment": SEGMENTS[segment_idx],
            "revenue": revenue,
            "potential": potential,
            "visits_per_year": visits,
            "visit_minutes": minutes,
            "industry": industry,
            "status": np.where(prospect, "Prospect", "Customer"),
            "county": county,
            "state": units["state"].to_numpy(dtype=object)[unit_of],
            "placement": placement,
            "lon": lon,
            "lat": lat,
        }
    )
    frame["unit"] = unit_of
    return frame


# -- the plan ---------------------------------------------------------------------------


def build_plan(seed: int) -> Plan:
    """The demo plan for ``seed``."""
    rng = np.random.default_rng(seed)
    units = build_units()
    unit_area = area_km2(units.geometry.to_numpy())
    counties = geography.county_polygons(list(REGION))
    accounts = build_accounts(units, unit_area, counties, rng)

    zips = geography.zip_centroids(list(REGION)).set_index("zip")
    names = [t[0] for t in TERRITORIES]
    home_zip = [t[1] for t in TERRITORIES]
    desired = np.array([t[2] for t in TERRITORIES])
    unit_index = {z: i for i, z in enumerate(units["unit_id"])}
    seed_units = np.array([unit_index[z] for z in home_zip])
    homes = (zips.loc[home_zip, "lon"].to_numpy(), zips.loc[home_zip, "lat"].to_numpy())
    unit_territory = calibrate_alignment(
        units, unit_area, accounts, homes, seed_units, desired, seed
    )

    k = len(TERRITORIES)
    territory_ids = np.array([f"T{i + 1:02d}" for i in range(k)], dtype=object)
    rep_ids = np.array([f"R{i + 1:02d}" for i in range(k)], dtype=object)
    first = rng.choice(FIRST_NAMES, size=k, replace=False)
    last = rng.choice(SURNAMES, size=k, replace=False)
    reps = pd.DataFrame(
        {
            "rep_id": rep_ids,
            "name": [f"{f} {s}" for f, s in zip(first, last, strict=True)],
            "capacity_hours": 1600.0,
            "home_zip": home_zip,
            "lon": homes[0],
            "lat": homes[1],
        }
    )
    territories = pd.DataFrame(
        {
            "territory_id": territory_ids,
            "name": names,
            "rep_id": rep_ids,
            "parent_id": [district_of(home_zip) for _name, home_zip, _dev in TERRITORIES],
            "color": [palette_color(i) for i in range(k)],
            "locked": False,
            "quota": np.nan,
            "geometry_source": "units",
        }
    )

    n = len(accounts)
    account_territory = unit_territory[accounts.pop("unit").to_numpy()]
    territory_of = np.concatenate([territory_ids, np.array([None], dtype=object)])
    assigned = territory_of[account_territory]

    # A few key accounts are pinned to a rep who is not the one of their ZIP: the
    # relationship matters more than the map. A few more are pinned where they are.
    big = np.flatnonzero((accounts["segment"] == "A").to_numpy())
    pinned_rows = rng.choice(big, size=16, replace=False)
    pinned = np.zeros(n, dtype=bool)
    pinned[pinned_rows] = True
    home_lon, home_lat = reps["lon"].to_numpy(), reps["lat"].to_numpy()
    for row in pinned_rows[:6]:
        d = haversine_km(accounts.at[row, "lon"], accounts.at[row, "lat"], home_lon, home_lat)
        d[account_territory[row]] = np.inf
        assigned[row] = territory_ids[int(np.argmin(d))]
    locked = np.zeros(n, dtype=bool)
    locked[rng.choice(np.setdiff1d(np.arange(n), pinned_rows), size=3, replace=False)] = True

    # New accounts nobody has picked up yet, and rows whose ZIP the CRM got wrong.
    free = np.flatnonzero(~pinned & ~locked)
    unassigned = rng.choice(free, size=int(0.01 * n), replace=False)
    assigned[unassigned] = None
    unplaced = rng.choice(np.setdiff1d(free, unassigned), size=int(0.005 * n), replace=False)
    accounts.loc[unplaced, ["lon", "lat"]] = np.nan
    accounts.loc[unplaced, "zip"] = "99999"
    accounts.loc[unplaced, ["county", "state"]] = None
    accounts.loc[unplaced, "placement"] = "unplaced: unknown ZIP 99999"
    assigned[unplaced] = None

    accounts["territory_id"] = assigned
    accounts["baseline_territory_id"] = assigned
    accounts["pinned"] = pinned
    accounts["locked"] = locked

    units_layer = units.drop(columns=["lon", "lat"]).copy()
    units_layer["territory_id"] = territory_ids[unit_territory]
    units_layer["locked"] = False
    return Plan(
        accounts,
        units_layer,
        territories,
        reps,
        Settings(),
        name="Southeast region (demo)",
        tables={HIERARCHY_TABLE: hierarchy_nodes()},
    )


def summary(plan: Plan) -> str:
    """Counts and the balance spread per measure."""
    table = plan.balance()
    placement = plan.accounts["placement"].astype(str)
    lines = [
        f"{plan.name}: {plan.n_accounts:,} accounts, {plan.n_units:,} ZIP areas, "
        f"{plan.n_territories} territories, {len(plan.reps)} reps",
        f"  unassigned {int((plan.account_territory < 0).sum())}, "
        f"unplaced {int(placement.str.startswith('unplaced').sum())}, "
        f"pinned {int(plan.account_pinned.sum())}, locked {int(plan.account_locked.sum())}",
    ]
    for j, spec in enumerate(table.measures):
        dev = table.deviation[:, j] * 100
        lines.append(
            f"  {spec.label:<18} target {table.targets[j]:>14,.0f}  deviation "
            f"{dev.min():+6.1f} % .. {dev.max():+6.1f} %  "
            f"in band {int(table.in_band[:, j].sum())}/{plan.n_territories}"
        )
    return "\n".join(lines)


# -- basemap ----------------------------------------------------------------------------


def write_basemap(folder: Path, tolerance: float = 0.01) -> None:
    """Simplified county and state outlines of the contiguous US for the offline basemap.

    Counties are simplified as one coverage (shared borders stay shared, so no slivers
    appear between neighbours) and states are dissolved from the simplified counties.
    """
    import pyogrio

    counties = geography.county_polygons()
    counties = counties[~counties["state_fips"].isin(geography.NON_CONTIGUOUS_FIPS)]
    counties = counties.reset_index(drop=True)
    simplified = shapely.coverage_simplify(counties.geometry.to_numpy(), tolerance)
    simplified = shapely.make_valid(simplified)
    counties = counties.set_geometry(gpd.GeoSeries(simplified, crs=WGS84))
    counties["geometry"] = shapely.set_precision(counties.geometry.to_numpy(), 1e-5)
    states = counties.dissolve("state_fips", as_index=False)[["state_fips", "state", "geometry"]]
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (
        ("counties", counties[["fips", "state_fips", "state", "name", "geometry"]]),
        ("states", states),
    ):
        path = folder / f"{name}.gpkg"
        tmp = path.with_suffix(".partial.gpkg")
        tmp.unlink(missing_ok=True)
        pyogrio.write_dataframe(
            frame,
            tmp,
            layer=name,
            driver="GPKG",
            geometry_type="MultiPolygon",
            promote_to_multi=True,
            spatial_index=True,
        )
        tmp.replace(path)
        print(f"wrote {path} ({len(frame)} {name}, {path.stat().st_size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="plan file")
    parser.add_argument(
        "--basemap", type=Path, default=DEFAULT_BASEMAP, help="folder for the basemap layers"
    )
    parser.add_argument("--no-basemap", action="store_true", help="skip the basemap layers")
    args = parser.parse_args(argv)

    plan = build_plan(args.seed)
    plan.check_invariant()
    from make_demo_actuals import add_demo_actuals

    add_demo_actuals(plan, args.seed)  # the last four quarters' results, for the review
    save_plan(plan, args.output)
    print(summary(plan))
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)")
    if not args.no_basemap:
        write_basemap(args.basemap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
