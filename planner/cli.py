"""The ``planner`` command: open the app, or run the same engine headless.

Every subcommand prints a clear error and exits non-zero on bad input, and writes
nothing partial (plan files are saved atomically). The helpers all subcommands share
(registration, :class:`UserError`, option checks) live in :mod:`planner.subcommands._base`,
which both this module and the subcommand modules import, so neither imports the other's
importer. The subcommands never import Qt; only :func:`open_app` does.

Exit codes: 0 success, 1 nothing to write (e.g. an infeasible optimisation), 2 bad input
(a clear message naming the file or option), 70 an internal error (a bug: please report).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from planner.subcommands._base import (
    SUBCOMMANDS,
    UserError,
    add_repair_option,
    fraction_option,
    number_option,
    open_checked_plan,
    print_save_notes,
    refuse_overwriting_inputs,
    subcommand,
)

__all__ = [
    "EXIT_INTERNAL_ERROR",
    "SUBCOMMANDS",
    "UserError",
    "add_repair_option",
    "balance_records",
    "fraction_option",
    "main",
    "number_option",
    "open_checked_plan",
    "print_save_notes",
    "refuse_overwriting_inputs",
    "subcommand",
]

#: Exit code of an unexpected exception (BSD sysexits EX_SOFTWARE).
EXIT_INTERNAL_ERROR = 70


def _fail(message: str) -> int:
    print(f"planner: error: {message}", file=sys.stderr)
    return 2


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
    from planner.models.i18n import format_number, pad
    from planner.models.i18n import gettext as tr

    table = plan.balance()
    share, over = territory_utilisation(plan)
    measures = table.measures
    header = pad(tr("Territory"), 24) + "".join(pad(tr(m.label), 22, ">") for m in measures)
    print(
        tr("{name}: {k} territories, {n} accounts").format(
            name=plan.name, k=plan.n_territories, n=plan.n_accounts
        )
    )
    print(header + pad(tr("Utilisation"), 13, ">"))
    for i in range(plan.n_territories):
        cells = []
        for j in range(len(measures)):
            dev = table.deviation[i, j] * 100
            flag = " " if table.in_band[i, j] else "!"
            cells.append(f"{format_number(table.values[i, j]):>12} {dev:+6.1f}%{flag}")
        use = f"{share[i] * 100:>10.0f} %{'!' if over[i] else ' '}"
        label = plan.territory_label(i)[:23]
        print(pad(label, 24) + "".join(f"{c:>22}" for c in cells) + use)
    print(pad(tr("Target"), 24) + "".join(f"{format_number(t):>12}{'':>10}" for t in table.targets))
    print(
        tr(
            "Unassigned accounts: {n}   "
            "(! = outside the tolerance band; utilisation ! = over its rep's capacity)"
        ).format(n=int((plan.account_territory < 0).sum()))
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
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help="language: en, es, zh_CN, zh_TW or pseudo (default: PLANNER_LANG, the remembered "
        "View ▸ Language choice, else the system's)",
    )
    args = parser.parse_args(argv)
    from planner.ui.app import run_app

    return run_app(args.plan, language=args.lang)


def _take_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """Remove a leading ``--lang X``/``--lang=X`` (``planner --lang es export ...``)."""
    if argv and argv[0].startswith("--lang="):
        return argv[0].partition("=")[2], argv[1:]
    if argv and argv[0] == "--lang":
        if len(argv) < 2:
            raise UserError("--lang needs a language: en, es, zh_CN, zh_TW or pseudo")
        return argv[1], argv[2:]
    return None, argv


def _load_subcommands() -> None:
    import importlib
    import pkgutil

    import planner.subcommands

    for module in pkgutil.iter_modules(planner.subcommands.__path__):
        if module.name.startswith("_"):
            continue  # shared helpers, not a command
        importlib.import_module(f"planner.subcommands.{module.name}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``planner`` console command."""
    from planner.io.accounts_import import InputFileError
    from planner.io.files import OutputError
    from planner.io.planfile import PlanFileError

    _load_subcommands()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        language, argv = _take_language(argv)
        if argv and argv[0] in SUBCOMMANDS:
            from planner.models import i18n

            try:
                chosen = i18n.resolve_language(language)
            except ValueError as exc:
                raise UserError(str(exc)) from None
            # Back to the caller's language afterwards (main() is also called in-process).
            with i18n.using_language(chosen):
                return SUBCOMMANDS[argv[0]](argv[1:])
        if language is not None:
            argv = ["--lang", language, *argv]
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
