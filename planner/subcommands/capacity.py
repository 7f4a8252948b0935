"""``planner capacity``: how many territories the plan's workload needs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from planner.models.i18n import gettext as tr
from planner.subcommands._base import number_option, open_checked_plan, subcommand


@subcommand("capacity")
def cmd_capacity(argv: list[str]) -> int:
    from planner.models.capacity import plan_capacity

    parser = argparse.ArgumentParser(
        prog="planner capacity",
        description=(
            "Total workload (visit hours + estimated travel), capacity per rep and the "
            "suggested number of territories with its arithmetic and sensitivity."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument(
        "--capacity-hours",
        type=number_option("--capacity-hours", low=0, high=8784, low_open=True),
        help="working hours a year per rep (default: the reps' capacity_hours, else the "
        "plan's default of 1,600 h)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    plan = open_checked_plan(args.plan)
    result = plan_capacity(plan, args.capacity_hours)
    if args.json:
        print(json.dumps({"plan": plan.name, **result.to_dict()}, indent=1, ensure_ascii=False))
        return 0
    print(tr("{name}: capacity planning").format(name=plan.name))
    for line in result.lines():
        print(line)
    return 0
