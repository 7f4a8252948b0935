"""``planner compare``: scenarios side by side, one column per scenario."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
from planner.subcommands._base import UserError, open_checked_plan, subcommand


@subcommand("compare")
def cmd_compare(argv: list[str]) -> int:
    from planner.models.scenarios import ScenarioError, compare_scenarios, scenario_names

    parser = argparse.ArgumentParser(
        prog="planner compare",
        description=(
            "Compare scenarios side by side: worst deviation, spread and territories out of "
            "band per measure, disruption against the baseline, compactness, travel and rep "
            "utilisation. Lower is better on every row; the best scenario is named."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument(
        "--scenarios",
        help="comma-separated scenario names (default: all; 'current' and 'baseline' always exist)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    plan = open_checked_plan(args.plan)
    names = None
    if args.scenarios is not None:
        names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
        if not names:
            raise UserError("--scenarios needs at least one name")
    try:
        comparison = compare_scenarios(plan, names)
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    chosen = [s.name for s in comparison.scenarios]
    if args.json:
        print(
            json.dumps(
                {
                    "plan": plan.name,
                    "scenarios": chosen,
                    "available": scenario_names(plan),
                    "rows": comparison.records(),
                },
                indent=1,
            )
        )
        return 0
    width = max(12, *(len(n) + 2 for n in chosen))
    print(
        tr("{name}: {n_chosen} scenarios, {n_accounts} accounts").format(
            name=plan.name, n_chosen=len(chosen), n_accounts=num(plan.n_accounts, 0)
        )
    )
    print(f"{'':<40}" + "".join(f"{n:>{width}}" for n in chosen) + "  best")
    for _key, label, values in comparison.rows():
        finite = [v for v in values if math.isfinite(v)]
        best = min(finite) if finite else math.nan
        cells = []
        for v in values:
            text = f"{v:,.1f}" if math.isfinite(v) else "–"
            cells.append(f"{text + ('*' if v == best else ' '):>{width}}")
        winner = chosen[values.index(best)] if finite else ""
        print(f"{label[:39]:<40}" + "".join(cells) + f"  {winner}")
    print(tr("(* = best on the row; lower is better)"))
    return 0
