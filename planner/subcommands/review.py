"""``planner review PLAN.gpkg EDITED.xlsx [--apply -o OUT.gpkg] [--json]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from planner.subcommands._base import (
    UserError,
    add_repair_option,
    open_checked_plan,
    print_save_notes,
    refuse_overwriting_inputs,
    subcommand,
)


@subcommand("review")
def cmd_review(argv: list[str]) -> int:
    """Show a manager's edits to a workbook against the plan; optionally apply them."""
    parser = argparse.ArgumentParser(
        prog="planner review",
        description=(
            "Compare an edited workbook (from 'planner export --xlsx') with the plan: list "
            "the changed assignments and the rows that cannot be applied (conflicts). "
            "With --apply, write a new plan with every non-conflicting change."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("workbook", type=Path, help="the edited workbook (.xlsx)")
    parser.add_argument(
        "--apply", action="store_true", help="apply the non-conflicting changes (needs -o)"
    )
    parser.add_argument("-o", "--output", type=Path, help="plan file to write with --apply")
    parser.add_argument("--json", action="store_true", help="print the review as JSON")
    parser.add_argument(
        "--all", action="store_true", help="list every change and conflict (default: 200 each)"
    )
    add_repair_option(parser)
    args = parser.parse_args(argv)
    if args.apply and args.output is None:
        raise UserError("--apply needs -o OUT.gpkg (the plan file to write)")
    if args.output is not None and not args.apply:
        raise UserError("-o is only used with --apply")
    if args.output is not None and args.output.suffix.lower() != ".gpkg":
        raise UserError(f"-o {args.output}: the plan file name must end in .gpkg")

    if args.repair and not args.apply:
        raise UserError("--repair is only used with --apply")
    refuse_overwriting_inputs(
        {"plan file": args.plan, "workbook": args.workbook}, {"-o": args.output}
    )

    from planner.io.planfile import save_plan
    from planner.io.review import read_review, review_to_change

    plan = open_checked_plan(args.plan, writes=args.apply, repair=args.repair)
    review = read_review(plan, args.workbook)
    if args.json:
        print(json.dumps(review.to_dict(plan), indent=1, ensure_ascii=False))
    else:
        print(review.format(plan, limit=None if args.all else 200))
    if args.apply:
        change = review_to_change(plan, review)
        plan.apply(change)
        plan.check_invariant()
        print_save_notes(save_plan(plan, args.output))
        message = (
            f"wrote {args.output}: {len(change.account_indices):,} accounts and "
            f"{len(change.unit_indices):,} units moved; {len(review.conflicts)} conflicts "
            "not applied"
        )
        if args.json:
            import sys

            print(message, file=sys.stderr)
        else:
            print(message)
    return 0
