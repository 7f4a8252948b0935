"""``planner routes``: plan each rep's visits and day routes and write them to a new plan file."""

from __future__ import annotations

import argparse
from datetime import date
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


def _monday(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--start must be a date as YYYY-MM-DD, got {text!r}"
        ) from None
    if day.weekday() != 0:
        raise argparse.ArgumentTypeError(f"--start must be a Monday, {text} is a {day:%A}")
    return day


def _clock(text: str) -> int:
    from planner.optimise.visit_planning import parse_time_of_day

    try:
        minutes = parse_time_of_day(text, "time")
    except ValueError:
        minutes = None
    if minutes is None:
        raise argparse.ArgumentTypeError(f"times must be HH:MM, got {text!r}")
    return minutes


class _Progress:
    """Prints a line when the rep changes or another quarter of a rep's work is done."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, fraction: float | None, message: str) -> None:
        rep = message.split(":", 1)[0]
        step = message.split(":", 1)[1].strip() if ":" in message else ""
        key = rep if not step.startswith("Routed day") else f"{rep}:{step}"
        if step.startswith("Routed day"):
            # Only every fifth day, to keep the output short.
            number = step.removeprefix("Routed day ").strip()
            if not number.isdigit() or int(number) % 5:
                return
        if key != self.last:
            pct = "" if fraction is None else f"{100 * fraction:3.0f} % "
            print(f"  {pct}{message}", flush=True)
            self.last = key


@subcommand("routes")
def cmd_routes(argv: list[str]) -> int:
    from planner.io.planfile import save_plan
    from planner.models.progress import TaskState
    from planner.optimise.visit_planning import (
        RoutesOptions,
        RoutesOptionsError,
        apply_routes,
        plan_routes,
        snapshot_for_routes,
    )

    parser = argparse.ArgumentParser(
        prog="planner routes",
        description=(
            "Plan each rep's visits over a horizon of weeks: which day each account is "
            "visited (evenly spaced) and each day's route from home and back, within working "
            "hours, lunch and opening hours (account columns open_from, open_to, closed_days). "
            "Writes the routes and route_stops layers; the workload balance then uses routed "
            "travel. Prints totals per rep and the visits that could not be planned."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("-o", "--output", required=True, type=Path, help="plan file to write")
    parser.add_argument(
        "--weeks",
        type=number_option("--weeks", int, low=1, high=52),
        default=4,
        help="horizon (default 4)",
    )
    parser.add_argument("--reps", help="comma-separated rep ids to plan (default: every rep)")
    parser.add_argument("--osrm", metavar="URL", help="OSRM server for road distances and times")
    parser.add_argument(
        "--start", type=_monday, help="Monday of the first week (default: next Monday)"
    )
    parser.add_argument("--day-start", type=_clock, default=8 * 60, help="default 08:00")
    parser.add_argument("--day-end", type=_clock, default=18 * 60, help="default 18:00")
    parser.add_argument(
        "--max-day-hours",
        type=number_option("--max-day-hours", low=0.5, high=24),
        default=9.0,
        help="longest working day, lunch included (default 9)",
    )
    parser.add_argument(
        "--lunch-minutes",
        type=number_option("--lunch-minutes", int, low=0, high=240),
        default=30,
        help="lunch break, taken between 11:30 and 13:30 (default 30)",
    )
    parser.add_argument(
        "--mileage-rate",
        type=number_option("--mileage-rate", low=0, high=1000),
        help="reimbursement per mile (default: the plan's setting, IRS 2024 $0.67)",
    )
    parser.add_argument(
        "--iterations",
        type=number_option("--iterations", int, low=1, high=100_000),
        default=1500,
        help=(
            "most routing engine iterations per rep (each rep gets 5 per due visit, at least "
            "500, up to this): a counted work limit, so the same plan on a busy machine "
            "(default 1500)"
        ),
    )
    parser.add_argument(
        "--time-limit",
        type=number_option("--time-limit", low=0.01, high=600),
        default=120.0,
        help="safety cap in seconds per rep, meant never to bind (default 120)",
    )
    parser.add_argument(
        "--workers",
        type=number_option("--workers", int, low=0, high=1024),
        default=0,
        help="processes routing reps side by side (default 0: one per CPU core)",
    )
    parser.add_argument(
        "--holidays",
        metavar="US[:STATE]|none",
        help=(
            "public holidays with no visits: a country code, optionally with a state or "
            "province (US:CA), or none (default: the plan's setting, US federal)"
        ),
    )
    parser.add_argument(
        "--itineraries",
        metavar="DIR",
        type=Path,
        help="also write one itinerary workbook (.xlsx) per planned rep into DIR",
    )
    add_repair_option(parser)
    args = parser.parse_args(argv)
    if args.output.suffix.lower() != ".gpkg":
        raise UserError(f"{args.output}: the output must be a GeoPackage (.gpkg)")
    refuse_overwriting_inputs({"plan file": args.plan}, {"-o": args.output})

    plan = open_checked_plan(args.plan, writes=True, repair=args.repair)
    rep_ids = None
    if args.reps is not None:
        rep_ids = [r.strip() for r in args.reps.split(",") if r.strip()]
        if not rep_ids:
            raise UserError("--reps needs at least one rep id")
    try:
        snapshot = snapshot_for_routes(plan, rep_ids)
    except ValueError as exc:
        raise UserError(f"--reps: {str(exc).removeprefix('rep_ids: ')}") from None
    if not snapshot.reps:
        raise UserError(f"{args.plan}: no rep has a territory; nothing to plan")
    changes: dict[str, object] = {
        "weeks": args.weeks,
        "osrm_url": args.osrm,
        "start_date": args.start,
        "day_start": args.day_start,
        "day_end": args.day_end,
        "max_day_minutes": round(args.max_day_hours * 60),
        "lunch_minutes": args.lunch_minutes,
        "iterations": args.iterations,
        "max_seconds_per_rep": args.time_limit,
        "workers": args.workers,
    }
    if args.mileage_rate is not None:
        changes["mileage_rate_per_mile"] = args.mileage_rate
    _calendar_changes(plan, args, changes)
    try:
        options = RoutesOptions.from_settings(plan.settings, **changes)
        options.validate()
    except RoutesOptionsError as exc:
        raise UserError(str(exc)) from None

    print(
        tr("{name}: planning {n_reps} rep(s) over {weeks} week(s)").format(
            name=plan.name, n_reps=len(snapshot.reps), weeks=options.weeks
        ),
        flush=True,
    )
    result = plan_routes(snapshot, options, TaskState(_Progress()))
    for warning in result.warnings:
        print(tr("warning: {warning}").format(warning=warning))
    _print_totals(result, plan.settings.currency)
    apply_routes(plan, result)
    print_save_notes(save_plan(plan, args.output))
    print(
        tr("wrote {output}: {n_routes} day routes, {n_route_stops} stops").format(
            output=args.output, n_routes=len(result.routes), n_route_stops=len(result.route_stops)
        )
    )
    if args.itineraries is not None:
        _write_itineraries(plan, args.itineraries, result)
    return 0


def _calendar_changes(plan: object, args: argparse.Namespace, changes: dict[str, object]) -> None:
    """The horizon start and holiday calendar: from the options, else the plan's settings.

    What is used is kept in the output plan's settings, so the next run (and the window)
    plans with the same calendar.
    """
    from planner.models.plan import Plan
    from planner.optimise.visit_planning import (
        RoutesOptions,
        calendar_label,
        next_monday,
        parse_holiday_calendar,
    )

    assert isinstance(plan, Plan)
    settings = plan.settings
    if args.start is None:
        changes["start_date"] = RoutesOptions.from_settings(settings).start_date or next_monday()
    if args.holidays is not None:
        country, subdivision = parse_holiday_calendar(args.holidays)
        changes["holiday_country"] = country
        changes["holiday_subdivision"] = subdivision
    start = changes["start_date"]
    assert isinstance(start, date)
    calendar = {"routes_start_date": start.isoformat()}
    if args.holidays is not None:
        calendar["holiday_country"] = str(changes["holiday_country"])
        calendar["holiday_subdivision"] = str(changes["holiday_subdivision"])
    plan.update_settings(**calendar)  # the plan owns its settings
    settings = plan.settings
    label = calendar_label(settings.holiday_country, settings.holiday_subdivision)
    print(
        tr("Horizon from {start:%a %d %b %Y}; public holidays: {label}").format(
            start=start, label=label
        ),
        flush=True,
    )


def _write_itineraries(plan: object, folder: Path, result: object) -> None:
    from planner.io.itinerary import ItineraryError, write_itineraries
    from planner.models.plan import Plan
    from planner.optimise.visit_planning import RoutesResult

    assert isinstance(plan, Plan) and isinstance(result, RoutesResult)
    reps = [r for r in dict.fromkeys(result.route_stops["rep_id"].astype(str))]
    if not reps:
        print(
            tr("no itineraries written to {folder}: no visits were planned").format(folder=folder)
        )
        return
    try:
        files = write_itineraries(plan, folder, reps)
    except ItineraryError as exc:
        raise UserError(str(exc)) from None
    print(tr("wrote {n_files} itineraries to {folder}").format(n_files=len(files), folder=folder))


def _print_totals(result: object, currency: str) -> None:
    from planner.optimise.visit_planning import RoutesResult, reason_kind

    assert isinstance(result, RoutesResult)
    t = result.totals
    from planner.models.i18n import display_width, format_currency, format_percent, pad

    titles = [tr("Rep"), tr("Visits"), tr("Unplaced"), tr("Distance km"), tr("Drive h")]
    titles += [tr("Utilisation"), tr("Mileage")]
    widths = [
        max(w, display_width(h) + 1)
        for w, h in zip((8, 10, 13, 9, 13, 12), titles[1:], strict=True)
    ]

    def line(first: str, cells: list[str]) -> str:
        return pad(first, 24) + "".join(pad(c, w, ">") for c, w in zip(cells, widths, strict=True))

    print(line(titles[0], titles[1:]))
    for row in t.to_dict("records"):
        print(
            line(
                str(row["name"])[:23],
                [
                    num(float(row["visits"])),
                    num(float(row["unplaced_visits"])),
                    num(float(row["distance_km"])),
                    num(float(row["drive_hours"]), 1),
                    format_percent(float(row["utilisation"]), 0),
                    format_currency(float(row["mileage_reimbursement"]), currency),
                ],
            )
        )
    if len(t):
        print(
            line(
                tr("Total"),
                [
                    num(int(t.visits.sum())),
                    num(int(t.unplaced_visits.sum())),
                    num(t.distance_km.sum()),
                    num(t.drive_hours.sum(), 1),
                    "",
                    format_currency(t.mileage_reimbursement.sum(), currency),
                ],
            )
        )
    unplaced = result.unplaced
    print(
        tr(
            "Visits planned: {visits_planned}; not planned: {visits_unplaced} ({n_unplaced} account rows)"
        ).format(
            visits_planned=num(result.visits_planned, 0),
            visits_unplaced=num(result.visits_unplaced, 0),
            n_unplaced=num(len(unplaced), 0),
        )
    )
    if len(unplaced):
        reasons = unplaced.assign(kind=unplaced["reason"].map(reason_kind))
        for kind, group in reasons.groupby("kind", sort=False):
            print(
                tr("  {value:>6,} visits, {n_group:>5,} accounts: {kind}").format(
                    value=int(group["visits"].sum()), n_group=len(group), kind=kind
                )
            )
    if result.cancelled:
        print(tr("Planning was cancelled; reps not reached are listed as not planned."))
