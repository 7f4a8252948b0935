"""``planner actuals`` and ``planner performance``: import results, review attainment."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from planner.subcommands._base import (
    UserError,
    add_repair_option,
    open_checked_plan,
    print_save_notes,
    refuse_overwriting_inputs,
    subcommand,
)


@subcommand("actuals")
def cmd_actuals(argv: list[str]) -> int:
    from planner.io.actuals_import import import_actuals, parse_actuals_map, read_actuals_table
    from planner.io.planfile import save_plan
    from planner.models.actuals import overlapping, periods, replace_periods

    parser = argparse.ArgumentParser(
        prog="planner actuals",
        description=(
            "Import actuals (results per account and period: revenue, gross margin, deals, "
            "visits held, opportunities, any numeric column) from a CSV or XLSX CRM export "
            "into the plan. A new period is added; a period already stored is replaced. "
            "Prints the import report: every column's fate, every rejected row and every "
            "account id the plan does not hold."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("--file", required=True, type=Path, help="actuals CSV or XLSX")
    parser.add_argument(
        "--period",
        help="the period of every row (2026-Q3, 2026-07) when the file has no period column",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=field",
        help="map a column to account_id, period, a metric (revenue, gross_margin, profit, "
        "deals_won, deals_lost, visits_held, calls_made, opportunities_created, "
        "pipeline_value), a new metric name, or ignore; repeatable",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, help="plan file to write")
    add_repair_option(parser)
    args = parser.parse_args(argv)
    if args.output.suffix.lower() != ".gpkg":
        raise UserError(f"{args.output}: the output must be a GeoPackage (.gpkg)")
    refuse_overwriting_inputs({"plan file": args.plan, "--file": args.file}, {"-o": args.output})
    plan = open_checked_plan(args.plan, writes=True, repair=args.repair)
    table = read_actuals_table(args.file)
    overrides = parse_actuals_map(args.map, table.columns, table.file)
    result = import_actuals(
        args.file, plan.accounts["account_id"], args.period, overrides=overrides, table=table
    )
    report = result.report
    report.replaces = overlapping(periods(plan), report.periods)
    print(report.format(limit=50))
    if not report.rows_loaded:
        print(f"planner: error: {args.file}: no rows loaded; nothing written", file=sys.stderr)
        return 1
    replace_periods(plan, report.periods, result.rows)
    print_save_notes(save_plan(plan, args.output))
    stored = periods(plan)
    print(f"wrote {args.output}: actuals for {len(stored)} period(s): {', '.join(stored)}")
    return 0


def _cell(value: object, kind: str = "money") -> str:
    value = float(value)  # type: ignore[arg-type]
    if not math.isfinite(value):
        return "–"
    if kind == "pct":
        return f"{value:.1f}"
    return f"{value:,.0f}"


@subcommand("performance")
def cmd_performance(argv: list[str]) -> int:
    from planner.models.performance import PerformanceError, review

    parser = argparse.ArgumentParser(
        prog="planner performance",
        description=(
            "The quarterly review: per territory, rep, district or region the quota, the "
            "actual, attainment %, year to date, the attainment expected of a territory of "
            "its potential and workload, and the redesign candidates with their reason; "
            "then the top-down quotas against the bottom-up yield and the gap."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("--period", help="a stored month or quarter (default: the latest)")
    parser.add_argument(
        "--level",
        default="territory",
        help="territory, rep, district, region or another level of the plan's hierarchy",
    )
    parser.add_argument("--metric", default="revenue", help="metric reviewed (default revenue)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    plan = open_checked_plan(args.plan)
    try:
        result = review(plan, args.period, args.level, args.metric)
    except PerformanceError as exc:
        raise UserError(str(exc)) from None
    rec = result.reconciliation
    if args.json:
        print(
            json.dumps(
                {
                    "plan": plan.name,
                    "metric": result.metric,
                    "period": result.period,
                    "periods": result.periods,
                    "level": result.level,
                    "model": result.model.describe(),
                    "rows": result.records(),
                    "top_down": rec.total_top_down,
                    "bottom_up": rec.total_bottom_up,
                    "gap": rec.total_gap,
                    "gap_text": rec.sentence(plan.settings.currency),
                    "unknown_accounts": result.unknown_accounts,
                    "unattributed": result.unattributed,
                },
                indent=1,
            )
        )
        return 0
    print(
        f"{plan.name}: {result.metric} {result.period} by {result.level} "
        f"(periods {', '.join(result.periods)})"
    )
    head = (
        f"{'':<30}{'Quota':>14}{'Actual':>14}{'Att %':>8}{'YTD %':>8}"
        f"{'Visits %':>9}{'Expected %':>11}  Flag"
    )
    print(head)
    for row in result.frame.itertuples():
        print(
            f"{str(row.name)[:29]:<30}{_cell(row.quota):>14}{_cell(row.actual):>14}"
            f"{_cell(row.attainment_pct, 'pct'):>8}{_cell(row.ytd_attainment_pct, 'pct'):>8}"
            f"{_cell(row.activity_pct, 'pct'):>9}{_cell(row.expected_pct, 'pct'):>11}"
            f"  {'CANDIDATE' if row.flag else ''}"
        )
    total_q = float(result.frame["quota"].sum())
    total_a = float(result.frame["actual"].sum())
    att = 100 * total_a / total_q if total_q > 0 else math.nan
    print(f"{'Total':<30}{_cell(total_q):>14}{_cell(total_a):>14}{_cell(att, 'pct'):>8}")
    print(f"Expected attainment: {result.model.describe()}")
    candidates = result.candidates
    if len(candidates):
        print(f"Candidates for the redesign ({len(candidates)}):")
        for row in candidates.itertuples():
            print(f"  {row.name}: {row.reason}")
    else:
        print("No territory is far below what its potential and workload predict.")
    print(f"Top-down {_cell(rec.total_top_down)} vs bottom-up {_cell(rec.total_bottom_up)}:")
    print(f"  {rec.sentence(plan.settings.currency)}")
    if result.unattributed:
        print(
            f"{_cell(result.unattributed)} of {result.period}'s {result.metric} belongs to "
            "unassigned accounts or account ids not in the plan: counted in no territory"
        )
    if result.unknown_accounts:
        shown = ", ".join(result.unknown_accounts[:10])
        more = len(result.unknown_accounts) - 10
        print(
            f"Account ids in the actuals but not in the plan ({len(result.unknown_accounts)}): "
            f"{shown}{f' and {more} more' if more > 0 else ''}"
        )
    return 0
