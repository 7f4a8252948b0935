"""``planner actuals`` and ``planner performance``: import results, review attainment."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from planner.models.i18n import display_width, pad
from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
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
        print(
            tr("planner: error: {file}: no rows loaded; nothing written").format(file=args.file),
            file=sys.stderr,
        )
        return 1
    replace_periods(plan, report.periods, result.rows)
    print_save_notes(save_plan(plan, args.output))
    stored = periods(plan)
    print(
        tr("wrote {output}: actuals for {n_periods} period(s): {periods}").format(
            output=args.output, n_periods=len(stored), periods=", ".join(stored)
        )
    )
    return 0


def _cell(value: object, kind: str = "money") -> str:
    value = float(value)  # type: ignore[arg-type]
    if not math.isfinite(value):
        return "–"
    if kind == "pct":
        return num(value, 1)
    return num(value)


@subcommand("performance")
def cmd_performance(argv: list[str]) -> int:
    from planner.models.actuals import metric_info
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
    metric_name = tr(metric_info(result.metric).label).lower()
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
        tr("{name}: {metric} {period} by {level} (periods {periods})").format(
            name=plan.name,
            metric=metric_name,
            period=result.period,
            level={"territory": tr("Territory"), "rep": tr("Rep")}.get(
                result.level, result.level
            ).lower(),
            periods=", ".join(result.periods),
        )
    )
    widths = (14, 14, 8, 8, 9, 11)
    titles = [tr("Quota"), tr("Actual"), tr("Att %"), tr("YTD %"), tr("Visits %")]
    titles.append(tr("Expected %"))
    print(
        pad("", 30)
        + "".join(
            pad(t, max(w, display_width(t) + 1), ">") for t, w in zip(titles, widths, strict=True)
        )
        + "  "
        + tr("Flag")
    )
    candidate = tr("CANDIDATE")
    for row in result.frame.itertuples():
        cells = (
            _cell(row.quota),
            _cell(row.actual),
            _cell(row.attainment_pct, "pct"),
            _cell(row.ytd_attainment_pct, "pct"),
            _cell(row.activity_pct, "pct"),
            _cell(row.expected_pct, "pct"),
        )
        print(
            pad(str(row.name)[:29], 30)
            + "".join(
                pad(v, max(w, display_width(t) + 1), ">")
                for v, t, w in zip(cells, titles, widths, strict=True)
            )
            + "  "
            + (candidate if row.flag else "")
        )
    total_q = float(result.frame["quota"].sum())
    total_a = float(result.frame["actual"].sum())
    att = 100 * total_a / total_q if total_q > 0 else math.nan
    totals = (_cell(total_q), _cell(total_a), _cell(att, "pct"))
    print(
        pad(tr("Total"), 30)
        + "".join(
            pad(v, max(w, display_width(t) + 1), ">")
            for v, t, w in zip(totals, titles, widths, strict=False)
        )
    )
    print(tr("Expected attainment: {model}").format(model=result.model.describe()))
    candidates = result.candidates
    if len(candidates):
        print(tr("Candidates for the redesign ({n}):").format(n=len(candidates)))
        for row in candidates.itertuples():
            print(f"  {row.name}: {row.reason}")
    else:
        print(tr("No territory is far below what its potential and workload predict."))
    print(
        tr("Top-down {top_down} vs bottom-up {bottom_up}:").format(
            top_down=_cell(rec.total_top_down), bottom_up=_cell(rec.total_bottom_up)
        )
    )
    print(f"  {rec.sentence(plan.settings.currency)}")
    if result.unattributed:
        print(
            tr(
                "{amount} of {period}'s {metric} belongs to unassigned accounts or account ids not in the plan: counted in no territory"
            ).format(amount=_cell(result.unattributed), period=result.period, metric=metric_name)
        )
    if result.unknown_accounts:
        shown = ", ".join(result.unknown_accounts[:10])
        more = len(result.unknown_accounts) - 10
        if more > 0:
            shown += tr(" and {n} more").format(n=more)
        print(
            tr("Account ids in the actuals but not in the plan ({n}): {ids}").format(
                n=len(result.unknown_accounts), ids=shown
            )
        )
    return 0
