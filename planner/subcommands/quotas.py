"""``planner quotas``: split a company target across territories and save the quotas."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from planner.cli import UserError, subcommand


def _number(name: str) -> object:
    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{name} must be finite, got {text}")
        return value

    return parse


def _growth(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        seg, sep, rate = part.partition("=")
        try:
            out[seg.strip()] = float(rate)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--growth takes SEGMENT=RATE pairs such as A=0.05,B=0.03, got {part!r}"
            ) from None
        if not sep:
            raise argparse.ArgumentTypeError(f"--growth: {part!r} has no '='")
    return out


@subcommand("quotas")
def cmd_quotas(argv: list[str]) -> int:
    from planner.io.planfile import open_plan, save_plan
    from planner.models.quotas import METHODS, QuotaError, quota_table, set_quotas

    parser = argparse.ArgumentParser(
        prog="planner quotas",
        description=(
            "Split a company target across territories by share of potential, of history "
            "(revenue) or a blend, rounded so the quotas add up exactly to the target; "
            "shows the bottom-up figure (revenue × growth per segment) and the gap beside it."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("--target", required=True, type=_number("--target"), help="amount")
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument(
        "--blend",
        type=_number("--blend"),
        default=0.5,
        help="blend: weight of potential (0..1, default 0.5); history gets the rest",
    )
    parser.add_argument(
        "--round",
        dest="round_to",
        type=_number("--round"),
        default=1.0,
        help="rounding unit: 1 for whole units (default), 0.01 for cents, 1000 for thousands",
    )
    parser.add_argument(
        "--growth", type=_growth, default={}, help="bottom-up growth per segment: A=0.05,B=0.03"
    )
    parser.add_argument("-o", "--output", required=True, type=Path, help="plan file to write")
    args = parser.parse_args(argv)
    if args.method != "blend" and args.blend != 0.5:
        raise UserError("--blend applies to --method blend only")
    if args.output.suffix.lower() != ".gpkg":
        raise UserError(f"{args.output}: the output must be a GeoPackage (.gpkg)")
    plan = open_plan(args.plan)
    if plan.n_territories == 0:
        raise UserError(f"{args.plan} has no territories")
    try:
        table = quota_table(plan, args.target, args.method, args.blend, args.round_to, args.growth)
    except QuotaError as exc:
        raise UserError(str(exc)) from None
    print(f"{plan.name}: target {args.target:,.2f} by {args.method}")
    print(f"{'Territory':<28}{'Quota':>16}{'Bottom-up':>16}{'Gap':>16}")
    for row in table.itertuples():
        print(
            f"{str(row.territory)[:27]:<28}{row.top_down:>16,.2f}{row.bottom_up:>16,.2f}"
            f"{row.gap:>16,.2f}"
        )
    total = math.fsum(table["top_down"])
    print(f"{'Total':<28}{total:>16,.2f}{math.fsum(table['bottom_up']):>16,.2f}")
    set_quotas(plan, table["top_down"].to_numpy())
    save_plan(plan, args.output)
    print(f"wrote {args.output} with {plan.n_territories} quotas")
    return 0
