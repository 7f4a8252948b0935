"""``planner calibrate``: measure how fast this machine does the optimiser's counted work."""

from __future__ import annotations

import argparse
import json

from planner.models.i18n import format_number
from planner.models.i18n import gettext as tr
from planner.subcommands._base import subcommand


@subcommand("calibrate")
def cmd_calibrate(argv: list[str]) -> int:
    from planner.optimise import machine

    parser = argparse.ArgumentParser(
        prog="planner calibrate",
        description=(
            "Time the optimiser's solver on a fixed model and store this machine's speed, "
            "so that a time limit of N seconds takes about N seconds here. Run it on a quiet "
            "machine; the same seed then gives the same plan whatever the load."
        ),
    )
    parser.add_argument(
        "--show", action="store_true", help="print the stored calibration, measure nothing"
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="measure only when no calibration for this machine is stored",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    cal = machine.stored()
    if not args.show and (cal is None or not args.if_missing):
        cal = machine.calibrate()
    if args.json:
        print(json.dumps(None if cal is None else vars(cal), indent=1))
        return 0
    if cal is None:
        print(tr("Not calibrated: the optimiser counts work at the reference machine's speed."))
        return 0
    print(
        tr(
            "Speed: {speed} s of CPU per counted second (solver {rate} s per unit of work, "
            "reference {reference}); load {load} when measured."
        ).format(
            speed=format_number(cal.speed, 2),
            rate=format_number(cal.rate, 2),
            reference=format_number(cal.reference_rate, 2),
            load=format_number(cal.load, 1),
        )
    )
    print(tr("Stored in {path}").format(path=machine.calibration_path()))
    return 0
