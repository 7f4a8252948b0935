"""Seeded actuals for the demo plan: the last four quarters of results per account.

``python resources/make_demo_actuals.py [--plan PATH] [--seed N] [--csv FILE --quarter Q]``

Adds revenue, gross margin, deals won and lost, visits held and opportunities created
for 2025-Q4 to 2026-Q3 to the plan (replacing any stored actuals of those quarters),
sets revenue quotas for the year (a 6 % growth target split half by potential, half by
history, as ``planner quotas --method blend`` does) and saves the plan. With ``--csv``,
one quarter is also written as a CRM export (the headers a CRM uses), to try
``planner actuals`` or Plan ▸ Import Actuals… on.

The figures follow the accounts' own revenue and visit plans, with what a review is
there to find: territories with white space grow faster, overloaded ones slower, two
reps fall well short of what their territories allow, one beats it, and a season
shapes the year. :func:`make_demo_plan.build_plan <make_demo_plan>` calls
:func:`add_demo_actuals`, so a rebuilt demo plan opens with them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from planner.models.actuals import replace_periods  # noqa: E402
from planner.models.plan import Plan  # noqa: E402
from planner.models.quotas import largest_remainder  # noqa: E402

QUARTERS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
#: Share of a year's revenue each quarter brings (Q4 busiest, Q1 quietest).
SEASON = {"Q1": 0.24, "Q2": 0.25, "Q3": 0.25, "Q4": 0.26}
#: Reps whose results fall short of (negative) or beat (positive) their territory's.
REP_EFFECT = {"T11": -0.20, "T04": -0.15, "T14": +0.12}
GROWTH_TARGET = 0.06


def demo_actuals(plan: Plan, seed: int = 7) -> pd.DataFrame:
    """Actuals rows (``account_id``, ``period``, metrics) for :data:`QUARTERS`."""
    rng = np.random.default_rng(seed + 1017)
    k = plan.n_territories
    at = plan.account_territory
    revenue = np.nan_to_num(plan.accounts["revenue"].to_numpy(dtype=float))
    potential = np.nan_to_num(plan.accounts["potential"].to_numpy(dtype=float))
    visits = np.nan_to_num(plan.accounts["visits_per_year"].to_numpy(dtype=float))
    segment = plan.accounts["segment"].astype(str).to_numpy()
    rows = np.where(at < 0, k, at)
    t_pot = np.bincount(rows, weights=potential, minlength=k + 1)[:k]
    t_rev = np.bincount(rows, weights=revenue, minlength=k + 1)[:k]
    table = plan.balance()
    workload = table.values[:, table.column("workload")]
    white = (t_pot - t_rev) / np.maximum(t_pot, 1)
    growth = (
        1.0
        + 0.9 * (white - white.mean())
        - 0.08 * (workload / workload.mean() - 1.0)
        + rng.normal(0, 0.025, k)
    )
    for tid, effect in REP_EFFECT.items():
        if tid in plan.territory_index:
            growth[plan.territory_index[tid]] += effect
    diligence = np.clip(rng.normal(0.95, 0.08, k), 0.7, 1.15)
    for tid, effect in REP_EFFECT.items():
        if tid in plan.territory_index:
            diligence[plan.territory_index[tid]] += effect / 2
    t_growth = np.append(growth, 1.0)[rows]
    t_diligence = np.append(diligence, 0.6)[rows]
    buy_chance = np.select([segment == "A", segment == "B"], [0.97, 0.85], 0.6)
    ids = plan.accounts["account_id"].astype(str).to_numpy()
    frames = []
    for i, quarter in enumerate(QUARTERS):
        trend = 1.0 + (t_growth - 1.0) * (i + 1) / len(QUARTERS)
        bought = rng.random(len(ids)) < buy_chance
        expected = revenue * SEASON[quarter[-2:]] * trend / np.where(bought, buy_chance, 1)
        sales = np.where(bought, expected * rng.lognormal(-0.02, 0.2, len(ids)), 0.0)
        margin = sales * np.clip(rng.normal(0.34, 0.05, len(ids)), 0.1, 0.6)
        deal_size = np.where(segment == "A", 18_000.0, np.where(segment == "B", 8_000.0, 3_000.0))
        won = rng.poisson(sales / deal_size)
        lost = rng.poisson(0.6 * won + 0.1)
        held = rng.poisson(visits / 4 * t_diligence)
        opps = rng.poisson(0.3 * held + 0.2 * (potential > revenue))
        frame = pd.DataFrame(
            {
                "account_id": ids,
                "period": quarter,
                "revenue": np.round(sales, 2),
                "gross_margin": np.round(margin, 2),
                "deals_won": won.astype(float),
                "deals_lost": lost.astype(float),
                "visits_held": held.astype(float),
                "opportunities_created": opps.astype(float),
            }
        )
        # An account with no activity at all has no line in a CRM export.
        active = (sales > 0) | (held > 0) | (opps > 0)
        frames.append(frame[active])
    return pd.concat(frames, ignore_index=True)


def demo_quotas(plan: Plan, actuals: pd.DataFrame) -> np.ndarray:
    """Next year's revenue quotas: last year's actual plus 6 %, split by potential and history."""
    k = plan.n_territories
    index = pd.Index(plan.accounts["account_id"].astype(str))
    acc = index.get_indexer(pd.Index(actuals["account_id"].astype(str)))
    territory = np.where(acc >= 0, plan.account_territory[np.maximum(acc, 0)], -1)
    rows = np.where(territory < 0, k, territory)
    history = np.bincount(rows, weights=actuals["revenue"].to_numpy(), minlength=k + 1)[:k]
    potential = plan.engine.totals[:k, 1]
    target = int(round(history.sum() * (1 + GROWTH_TARGET), -3))
    weights = 0.5 * potential / potential.sum() + 0.5 * history / history.sum()
    return largest_remainder(weights, target // 1000).astype(float) * 1000


def add_demo_actuals(plan: Plan, seed: int = 7) -> None:
    """Store :func:`demo_actuals` in the plan and set the revenue quotas from them."""
    actuals = demo_actuals(plan, seed)
    replace_periods(plan, list(QUARTERS), actuals)
    for i, q in enumerate(demo_quotas(plan, actuals)):
        plan.set_territory_field(i, "quota", float(q))


def crm_export(actuals: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """One quarter as a CRM writes it: its own headers, money as text with a currency sign."""
    rows = actuals[actuals["period"] == quarter]
    return pd.DataFrame(
        {
            "Account ID": rows["account_id"],
            "Fiscal Quarter": [f"Q{q[-1]} {q[:4]}" for q in rows["period"]],
            "Net Sales": [f"${v:,.2f}" for v in rows["revenue"]],
            "Gross Margin": rows["gross_margin"],
            "Closed Won": rows["deals_won"].astype(int),
            "Closed Lost": rows["deals_lost"].astype(int),
            "Meetings Held": rows["visits_held"].astype(int),
            "New Opps": rows["opportunities_created"].astype(int),
            "Owner": "CRM",
        }
    )


def main(argv: list[str] | None = None) -> int:
    from planner.io.planfile import open_plan, save_plan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=ROOT / "resources" / "demo_plan.gpkg")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--csv", type=Path, help="also write one quarter as a CRM export")
    parser.add_argument("--quarter", default=QUARTERS[-1], choices=QUARTERS)
    args = parser.parse_args(argv)
    plan = open_plan(args.plan)
    add_demo_actuals(plan, args.seed)
    save_plan(plan, args.plan)
    print(f"wrote actuals for {', '.join(QUARTERS)} into {args.plan}")
    if args.csv:
        crm_export(demo_actuals(plan, args.seed), args.quarter).to_csv(args.csv, index=False)
        print(f"wrote {args.csv} ({args.quarter})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
