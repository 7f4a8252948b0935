"""Save the national map benchmark's data as a plan file, to open in the app and look at.

``python -m bench._national_plan [OUT.gpkg] [--accounts N]`` writes a plan of the contiguous
US's ZIP areas, ``N`` accounts (default 1,000,000) and 200 territories with a rep each: the
same data :func:`bench.map_redraw.national_data` times, so a screenshot shows the map the
figures measure. Open it with ``planner OUT.gpkg``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd


def build(accounts: int) -> object:
    """The national plan (territories from the benchmark's clustering, reps at their centres)."""
    import shapely

    from bench._synthetic import synthetic_accounts
    from bench.map_redraw import NATIONAL_TERRITORIES, national_data
    from planner.io.us_units import national_units
    from planner.models.plan import Plan
    from planner.models.schema import palette_color

    data = national_data(accounts)
    frame = national_units("zip").frame
    units = frame[~frame["state"].isin(["AK", "HI", "PR"])].reset_index(drop=True)
    rng = np.random.default_rng(11)
    table = synthetic_accounts(units, data["unit_of"], data["lon"], data["lat"], rng)
    k = NATIONAL_TERRITORIES
    territory_ids = np.array([f"T{i + 1:03d}" for i in range(k)], dtype=object)
    unit_territory = data["territory"]
    table["territory_id"] = territory_ids[unit_territory[data["unit_of"]]]
    table["baseline_territory_id"] = table["territory_id"]
    table["pinned"] = False
    table["locked"] = False
    # Each rep lives at the ZIP area nearest the middle of the territory's units.
    surface = shapely.point_on_surface(units.geometry.to_numpy())
    ux, uy = shapely.get_x(surface), shapely.get_y(surface)
    count = np.bincount(unit_territory, minlength=k)
    cx = np.bincount(unit_territory, ux, k) / count
    cy = np.bincount(unit_territory, uy, k) / count
    d2 = (ux[None, :] - cx[:, None]) ** 2 + (uy[None, :] - cy[:, None]) ** 2
    d2[unit_territory[None, :] != np.arange(k)[:, None]] = np.inf
    home = d2.argmin(axis=1)
    rep_ids = np.array([f"R{i + 1:03d}" for i in range(k)], dtype=object)
    reps = pd.DataFrame(
        {
            "rep_id": rep_ids,
            "name": [f"Rep {i + 1}" for i in range(k)],
            "capacity_hours": 1600.0,
            "lon": ux[home],
            "lat": uy[home],
        }
    )
    territories = pd.DataFrame(
        {
            "territory_id": territory_ids,
            "name": [f"{units['state'].iloc[h]} {i + 1}" for i, h in enumerate(home)],
            "rep_id": rep_ids,
            "color": [palette_color(i) for i in range(k)],
            "geometry_source": "units",
        }
    )
    layer = units.copy()
    layer["territory_id"] = territory_ids[unit_territory]
    layer["locked"] = False
    return Plan(
        table, layer, territories, reps, name=f"National plan ({accounts:,} accounts, {k} areas)"
    )


def main(argv: list[str] | None = None) -> int:
    from bench._synthetic import cache_dir, size_label
    from planner.io.planfile import save_plan

    parser = argparse.ArgumentParser(prog="python -m bench._national_plan", description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=None)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    out = args.out or cache_dir() / f"national-plan-{size_label(args.accounts)}.gpkg"
    start = time.perf_counter()
    plan = build(args.accounts)
    save_plan(plan, out)  # type: ignore[arg-type]
    print(f"saved {out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
