"""The ``planner`` command: open the app, or run the same engine headless.

Every subcommand prints a clear error and exits non-zero on bad input, and writes
nothing partial (plan files are saved atomically). The helpers here are shared by all
subcommands so they refuse bad input the same way:

- :func:`number_option`: an argparse ``type=`` that range-checks a number and names the
  allowed range (``argument --weeks: --weeks must be between 1 and 52, got 0``);
- :func:`refuse_overwriting_inputs`: an output that is one of the inputs (also through a
  symlink, a hard link or another spelling of the path) is refused;
- :func:`add_repair_option` and :func:`open_checked_plan`: a plan file with inconsistent
  ids is read with warnings, and written only with ``--repair``.

Exit codes: 0 success, 1 nothing to write (e.g. an infeasible optimisation), 2 bad input
(a clear message naming the file or option), 70 an internal error (a bug: please report).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from planner.models.plan import Plan

#: Exit code of an unexpected exception (BSD sysexits EX_SOFTWARE).
EXIT_INTERNAL_ERROR = 70

SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {}


def subcommand(name: str) -> Callable[[Callable[[list[str]], int]], Callable[[list[str]], int]]:
    def register(fn: Callable[[list[str]], int]) -> Callable[[list[str]], int]:
        SUBCOMMANDS[name] = fn
        return fn

    return register


class UserError(Exception):
    """Bad input from the user: printed as ``planner: error: ...`` with exit code 2."""


def _fail(message: str) -> int:
    print(f"planner: error: {message}", file=sys.stderr)
    return 2


def _format_limit(value: float, kind: type) -> str:
    if kind is int:
        return f"{int(value):,}"
    return f"{value:,g}" if abs(value) >= 1000 else f"{value:g}"


def number_option(
    name: str,
    kind: type = float,
    *,
    low: float,
    high: float,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> Callable[[str], float | int]:
    """An argparse ``type=`` for a number in a range, whose message names the range.

    Parameters
    ----------
    name : str
        The option as the user typed it (``--time-limit``).
    kind : int or float
    low, high : float
        The allowed range, inclusive unless ``low_open`` / ``high_open``.
    hint : str
        Added after the range, e.g. ``" (0.05 = 5 %)"``.

    Returns
    -------
    callable
        Raises :class:`argparse.ArgumentTypeError` for text that is not a number (of the
        kind), not finite, or outside the range: argparse then prints
        ``planner CMD: error: argument NAME: ...`` and exits with code 2.
    """
    lo, hi = _format_limit(low, kind), _format_limit(high, kind)
    if low_open and high_open:
        span = f"greater than {lo} and less than {hi}"
    elif low_open:
        span = f"greater than {lo} and at most {hi}"
    elif high_open:
        span = f"at least {lo} and less than {hi}"
    else:
        span = f"between {lo} and {hi}"
    what = "a whole number" if kind is int else "a number"

    def parse(text: str) -> float | int:
        shown = text if len(text) <= 40 else text[:39] + "…"
        value: float | int
        try:
            value = int(text) if kind is int else float(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(
                f"{name} must be {what} {span}{hint}, got {shown!r}"
            ) from None
        inside = (
            # math.isfinite would overflow on a huge int; ints are always finite.
            (isinstance(value, int) or math.isfinite(value))
            and (value > low if low_open else value >= low)
            and (value < high if high_open else value <= high)
        )
        if not inside:
            raise argparse.ArgumentTypeError(f"{name} must be {span}{hint}, got {shown}")
        return value

    return parse


def fraction_option(name: str, *, high_open: bool = False) -> Callable[[str], float | int]:
    """An argparse ``type=`` for a share from 0 to 1 (``0.05`` = 5 %)."""
    return number_option(name, low=0.0, high=1.0, high_open=high_open, hint=" (0.05 = 5 %)")


def refuse_overwriting_inputs(
    inputs: Mapping[str, Path | None], outputs: Mapping[str, Path | None]
) -> None:
    """Refuse an output that is one of the inputs, another output, or a folder.

    Paths are compared as files (:func:`os.path.samefile` when both exist, resolved paths
    otherwise), so a symlink, a hard link or a relative spelling of an input is caught.

    Parameters
    ----------
    inputs, outputs : mapping of label to path
        Labels as the user knows them: ``{"plan file": ..., "--accounts": ...}``,
        ``{"-o": ..., "--xlsx": ...}``; ``None`` paths are skipped.

    Raises
    ------
    UserError
        Naming the option, the output and the input it would overwrite.
    """
    from planner.io.files import same_file

    given_inputs = [(label, path) for label, path in inputs.items() if path is not None]
    given_outputs = [(label, path) for label, path in outputs.items() if path is not None]
    for i, (label, path) in enumerate(given_outputs):
        if path.is_dir():
            raise UserError(f"{label} {path}: is a folder; give a file name")
        for input_label, input_path in given_inputs:
            if same_file(path, input_path):
                raise UserError(
                    f"{label} {path}: is the {input_label} ({input_path}); an input is never "
                    "overwritten, write to another file"
                )
        for other_label, other in given_outputs[:i]:
            if same_file(path, other):
                raise UserError(f"{label} {path}: is also the output of {other_label}")


def add_repair_option(parser: argparse.ArgumentParser) -> None:
    """The ``--repair`` flag of commands that write a plan file."""
    parser.add_argument(
        "--repair",
        action="store_true",
        help="write the plan even if its file has duplicate, empty or dangling ids or values "
        "of the wrong type, with each repair printed (without it such a plan is refused)",
    )


def open_checked_plan(path: Path, *, writes: bool = False, repair: bool = False) -> Plan:
    """Open a plan file and deal with what is wrong in it.

    Commands that only read print each problem as a warning and go on. Commands that
    write refuse a plan whose save would change what its file holds, unless ``repair``
    (``--repair``): then each repair is printed. The baseline is never repaired.

    Raises
    ------
    UserError
        When ``writes`` and the file needs a repair the user has not asked for.
    """
    from planner.io.planfile import read_plan
    from planner.io.planfile import repair as repair_plan

    opened = read_plan(path)
    validation = opened.validation
    if validation.ok:
        return opened.plan
    if writes and validation.needs_repair and not repair:
        listed = "\n".join(f"  {line}" for line in validation.lines())
        raise UserError(
            f"{path}: the plan file has {len(validation.problems)} problem(s); nothing "
            f"written:\n{listed}\nRun again with --repair to write the plan with these "
            "repairs, or correct the file."
        )
    for line in validation.lines():
        print(f"planner: warning: {path}: {line}", file=sys.stderr)
    if writes and repair:
        for line in repair_plan(opened.plan, validation):
            print(f"repaired: {line}", file=sys.stderr)
    return opened.plan


def print_save_notes(notes: list[str]) -> None:
    """What a save changed to fit the GeoPackage format (renamed columns...)."""
    for note in notes:
        print(f"note: {note}")


@subcommand("new")
def cmd_new(argv: list[str]) -> int:
    from planner.io.accounts_import import import_accounts, parse_map_options, read_table
    from planner.io.build import build_plan
    from planner.io.planfile import save_plan
    from planner.io.units_import import import_reps, import_units
    from planner.io.us_units import LEVELS, units_for_accounts

    parser = argparse.ArgumentParser(
        prog="planner new", description="Build a plan from input files."
    )
    parser.add_argument("--accounts", required=True, type=Path, help="accounts CSV or XLSX")
    geography = parser.add_mutually_exclusive_group()
    geography.add_argument(
        "--units", type=Path, help="unit polygons (GeoPackage, Shapefile, GeoJSON...)"
    )
    geography.add_argument(
        "--geography",
        choices=LEVELS,
        default=LEVELS[0],
        help="without --units: bundled US units of this level covering the accounts' states "
        "(default: zip)",
    )
    parser.add_argument(
        "--reps", type=Path, help="reps CSV or XLSX (rep_id, name, home lat/lon or zip)"
    )
    parser.add_argument(
        "-o", "--output", required=True, type=Path, help="plan file to write (.gpkg)"
    )
    parser.add_argument("--name", help="plan name (default: the output file name)")
    parser.add_argument(
        "--strict-coverage",
        action="store_true",
        help="write nothing and exit 2 when many accounts lie outside every unit",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=field",
        help="map an accounts column to a field (repeatable), or COLUMN=ignore",
    )
    parser.add_argument(
        "--decimal-comma",
        action="store_true",
        help="numbers use a decimal comma (1.234,50); detected per column by default",
    )
    args = parser.parse_args(argv)
    refuse_overwriting_inputs(
        {"--accounts file": args.accounts, "--units file": args.units, "--reps file": args.reps},
        {"-o": args.output},
    )
    table = read_table(args.accounts)
    overrides = parse_map_options(args.map, table.columns, table.file)
    result = import_accounts(
        args.accounts,
        table=table,
        overrides=overrides,
        decimal="," if args.decimal_comma else None,
    )
    print(result.report.format())
    if args.units:
        units_result = import_units(args.units)
        print(units_result.report.format())
        units = units_result.units
    else:
        units, selection = units_for_accounts(
            result.accounts["lon"].to_numpy(dtype=float),
            result.accounts["lat"].to_numpy(dtype=float),
            args.geography,
        )
        print(selection.format())
    reps = None
    if args.reps:
        reps, reps_report = import_reps(args.reps)
        print(reps_report.format())
    plan = build_plan(result.accounts, units, reps, name=args.name or args.output.stem)
    for note in plan.notes:
        print(f"note: {note.layer} row {note.row + 1}, {note.column}: {note.message}")
    from planner.io.coverage import plan_coverage

    coverage = plan_coverage(plan)
    print(coverage.format())
    if args.strict_coverage and coverage.is_warning:
        raise UserError(f"--strict-coverage: {args.output} not written")
    print_save_notes(save_plan(plan, args.output))
    print(
        f"wrote {args.output}: {plan.n_accounts} accounts, {plan.n_units} units, "
        f"{plan.n_territories} territories, {len(plan.reps)} reps"
    )
    return 0


def balance_records(plan: object) -> list[dict[str, object]]:
    """The balance table as records: one per territory and measure.

    Every record also carries its territory's utilisation (workload ÷ its rep's capacity,
    in %, the default capacity without a rep) and whether that is over 100 %.
    """
    from planner.models.capacity import territory_utilisation
    from planner.models.plan import Plan

    assert isinstance(plan, Plan)
    table = plan.balance()
    share, over = territory_utilisation(plan)
    records: list[dict[str, object]] = []
    for i in range(plan.n_territories):
        use = float(share[i])
        for j, spec in enumerate(table.measures):
            dev = float(table.deviation[i, j])
            records.append(
                {
                    "territory_id": plan.territory_ids[i],
                    "territory": plan.territory_label(i),
                    "measure": spec.key,
                    "value": round(float(table.values[i, j]), 4),
                    "target": round(float(table.targets[j]), 4),
                    "deviation_pct": round(dev * 100, 3) if np.isfinite(dev) else None,
                    "tolerance_pct": spec.tolerance * 100,
                    "in_band": bool(table.in_band[i, j]),
                    "utilisation_pct": round(use * 100, 1) if np.isfinite(use) else None,
                    "over_capacity": bool(over[i]),
                }
            )
    return records


@subcommand("report")
def cmd_report(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="planner report", description="Balance per territory and measure."
    )
    parser.add_argument("plan", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON records")
    args = parser.parse_args(argv)
    plan = open_checked_plan(args.plan)
    records = balance_records(plan)
    if args.json:
        unassigned = int((plan.account_territory < 0).sum())
        print(
            json.dumps(
                {"plan": plan.name, "unassigned_accounts": unassigned, "balance": records}, indent=1
            )
        )
        return 0
    from planner.models.capacity import territory_utilisation

    table = plan.balance()
    share, over = territory_utilisation(plan)
    measures = table.measures
    header = f"{'Territory':<24}" + "".join(f"{m.label:>22}" for m in measures)
    print(f"{plan.name}: {plan.n_territories} territories, {plan.n_accounts} accounts")
    print(header + f"{'Utilisation':>13}")
    for i in range(plan.n_territories):
        cells = []
        for j in range(len(measures)):
            dev = table.deviation[i, j] * 100
            flag = " " if table.in_band[i, j] else "!"
            cells.append(f"{table.values[i, j]:>12,.0f} {dev:+6.1f}%{flag}")
        use = f"{share[i] * 100:>10.0f} %{'!' if over[i] else ' '}"
        print(f"{plan.territory_label(i)[:23]:<24}" + "".join(f"{c:>22}" for c in cells) + use)
    print(f"{'Target':<24}" + "".join(f"{t:>12,.0f}{'':>10}" for t in table.targets))
    print(
        f"Unassigned accounts: {int((plan.account_territory < 0).sum())}   "
        "(! = outside the tolerance band; utilisation ! = over its rep's capacity)"
    )
    return 0


def open_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Territory Planner. Subcommands: " + ", ".join(sorted(SUBCOMMANDS)),
    )
    parser.add_argument(
        "plan", nargs="?", type=Path, help="plan file to open (default: the demo plan)"
    )
    args = parser.parse_args(argv)
    from planner.ui.app import run_app

    return run_app(args.plan)


def _load_subcommands() -> None:
    import importlib
    import pkgutil

    import planner.subcommands

    for module in pkgutil.iter_modules(planner.subcommands.__path__):
        importlib.import_module(f"planner.subcommands.{module.name}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``planner`` console command."""
    from planner.io.accounts_import import InputFileError
    from planner.io.files import OutputError
    from planner.io.planfile import PlanFileError

    _load_subcommands()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            return SUBCOMMANDS[argv[0]](argv[1:])
        return open_app(argv)
    except (InputFileError, PlanFileError, UserError, OutputError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        print("planner: interrupted; nothing written", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: a bug, not bad input
        import os
        import traceback

        if os.environ.get("PLANNER_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        print(
            f"planner: internal error: {type(exc).__name__}: {exc} (please report; "
            "PLANNER_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
