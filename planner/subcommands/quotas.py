"""``planner quotas``: split a company target across territories and save the quotas."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
from planner.subcommands._base import (
    UserError,
    add_repair_option,
    number_option,
    open_checked_plan,
    print_save_notes,
    refuse_overwriting_inputs,
    subcommand,
)

#: Limits of the numeric options: a trillion is beyond any company target, and a growth
#: rate of 10 is +1,000 %. The target in rounding units (at most 1e15) must stay an exact
#: whole number in a float and in a 64-bit integer.
MAX_TARGET = 1e12
MIN_ROUND = 0.001
MAX_GROWTH = 10.0


def _amount(
    name: str, *, low: float, high: float, low_open: bool = False
) -> Callable[[str], float]:
    """A number in a range; thousands separators (``2,500,000``) are allowed."""
    parse = number_option(name, low=low, high=high, low_open=low_open)

    def amount(text: str) -> float:
        return float(parse(text.replace(",", "").replace("_", "")))

    return amount


def _growth(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        seg, sep, rate = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"--growth: {part!r} has no '='")
        try:
            out[seg.strip()] = float(
                number_option(f"--growth {seg.strip()}", low=-1.0, high=MAX_GROWTH)(rate)
            )
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(
                f"{exc} (SEGMENT=RATE pairs such as A=0.05,B=0.03)"
            ) from None
    return out


@subcommand("quotas")
def cmd_quotas(argv: list[str]) -> int:
    from planner.io.planfile import save_plan
    from planner.models.quotas import (
        HISTORY_SOURCES,
        METHODS,
        QuotaError,
        history_with_source,
        quota_table,
        set_quotas,
    )

    parser = argparse.ArgumentParser(
        prog="planner quotas",
        description=(
            "Split a company target across territories by share of potential, of history "
            "(revenue) or a blend, rounded so the quotas add up exactly to the target; "
            "shows the bottom-up figure (revenue × growth per segment) and the gap beside it."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument(
        "--target", required=True, type=_amount("--target", low=0.0, high=MAX_TARGET), help="amount"
    )
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument(
        "--blend",
        type=_amount("--blend", low=0.0, high=1.0),
        default=0.5,
        help="blend: weight of potential (0..1, default 0.5); history gets the rest",
    )
    parser.add_argument(
        "--round",
        dest="round_to",
        type=_amount("--round", low=MIN_ROUND, high=MAX_TARGET),
        default=1.0,
        help="rounding unit: 1 for whole units (default), 0.01 for cents, 1000 for thousands",
    )
    parser.add_argument(
        "--growth", type=_growth, default={}, help="bottom-up growth per segment: A=0.05,B=0.03"
    )
    parser.add_argument(
        "--history",
        choices=HISTORY_SOURCES,
        default="auto",
        help="history for --method history/blend: imported actual revenue of the latest "
        "twelve months (actuals), the accounts' revenue column (revenue), or actuals when the "
        "plan has them (auto, the default)",
    )
    parser.add_argument("-o", "--output", required=True, type=Path, help="plan file to write")
    add_repair_option(parser)
    args = parser.parse_args(argv)
    if args.method != "blend" and args.blend != 0.5:
        raise UserError("--blend applies to --method blend only")
    if args.output.suffix.lower() != ".gpkg":
        raise UserError(f"{args.output}: the output must be a GeoPackage (.gpkg)")
    refuse_overwriting_inputs({"plan file": args.plan}, {"-o": args.output})
    plan = open_checked_plan(args.plan, writes=True, repair=args.repair)
    if plan.n_territories == 0:
        raise UserError(f"{args.plan} has no territories")
    try:
        table = quota_table(
            plan, args.target, args.method, args.blend, args.round_to, args.growth, args.history
        )
        source = history_with_source(plan, args.history)[1] if args.method != "potential" else ""
    except QuotaError as exc:
        raise UserError(str(exc)) from None
    print(
        tr("{name}: target {target} by {method}").format(
            name=plan.name, target=num(args.target, 2), method=args.method
        )
        + (tr(" (history: {source})").format(source=source) if source else "")
    )
    print(f"{'Territory':<28}{'Quota':>16}{'Bottom-up':>16}{'Gap':>16}")
    for row in table.itertuples():
        print(
            f"{str(row.territory)[:27]:<28}{row.top_down:>16,.2f}{row.bottom_up:>16,.2f}"
            f"{row.gap:>16,.2f}"
        )
    total = math.fsum(table["top_down"])
    print(f"{'Total':<28}{total:>16,.2f}{math.fsum(table['bottom_up']):>16,.2f}")
    set_quotas(plan, table["top_down"].to_numpy())
    print_save_notes(save_plan(plan, args.output))
    print(
        tr("wrote {output} with {n_territories} quotas").format(
            output=args.output, n_territories=plan.n_territories
        )
    )
    return 0
