"""``planner optimise``: build or rebalance territories and write the result to a new file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
from planner.subcommands._base import (
    UserError,
    add_repair_option,
    fraction_option,
    number_option,
    open_checked_plan,
    print_save_notes,
    refuse_overwriting_inputs,
    subcommand,
)

if TYPE_CHECKING:
    from planner.models.plan import Plan
    from planner.optimise.plan_optimiser import OptimiseOptions

#: Limits of the numeric options (CP-SAT takes a 32-bit seed).
MAX_TERRITORIES = 10_000
MAX_TIME_LIMIT_S = 86_400.0
MAX_SEED = 2**31 - 1


#: ``--max-disruption-per-rep off``: no per-rep limit.
_OFF = ("off", "none")


def _per_rep_option(text: str) -> float | None:
    """``--max-disruption-per-rep``: a share from 0 to 1, or ``off``."""
    if text.strip().lower() in _OFF:
        return None
    return float(fraction_option("--max-disruption-per-rep")(text))


class _Progress:
    """Prints a progress line when the message changes or another tenth of the work is done."""

    def __init__(self) -> None:
        self.message = ""
        self.tenth = -1

    def __call__(self, fraction: float | None, message: str) -> None:
        tenth = -1 if fraction is None else int(fraction * 10)
        text = message.removeprefix("territories: ")
        if text != self.message or tenth != self.tenth:
            pct = "" if fraction is None else f"{100 * fraction:3.0f} % "
            print(f"  {pct}{text}", flush=True)
            self.message, self.tenth = text, tenth


@subcommand("optimise")
def cmd_optimise(argv: list[str]) -> int:
    from planner.io.planfile import save_plan
    from planner.models.progress import TaskState
    from planner.optimise.plan_optimiser import (
        DEFAULT_MAX_DISRUPTION_PER_REP,
        OptimiseOptions,
        OptionsError,
        add_created_territories,
        default_time_limit,
        optimise_plan,
        record_moves,
        snapshot_plan,
        store_scenario,
    )

    parser = argparse.ArgumentParser(
        prog="planner optimise",
        description=(
            "Build (create) or rebalance territories: every balanced measure within its "
            "tolerance band, contiguous and compact, within a disruption budget. Prints the "
            "balance before and after, the disruption and what could not be met."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("-o", "--output", required=True, type=Path, help="plan file to write")
    parser.add_argument(
        "--mode",
        choices=("create", "rebalance", "subset"),
        default="rebalance",
        help="create from scratch (seeded at rep homes, else at well-spread centres of "
        "workload), rebalance the current alignment "
        "(default), or re-optimise the territories named by --subset and/or --under",
    )
    parser.add_argument(
        "--territories",
        type=number_option("--territories", int, low=1, high=MAX_TERRITORIES),
        help="create mode: number of territories to fill (default: every unlocked one); on a "
        "plan without territories, how many to create (T001…, with a suggested rep home each)",
    )
    parser.add_argument(
        "--subset",
        help="subset mode: comma-separated territory ids to re-optimise among themselves",
    )
    parser.add_argument(
        "--under",
        metavar="NODE",
        help="subset mode: the territories under these comma-separated districts or "
        "regions of the plan's hierarchy (ids or names, e.g. East or Georgia)",
    )
    parser.add_argument(
        "--measures",
        help="comma-separated measures to balance (default: all of the plan's measures)",
    )
    parser.add_argument(
        "--tolerance",
        type=fraction_option("--tolerance", high_open=True),
        help="band half-width for every balanced measure, e.g. 0.05 for ±5 %% "
        "(default: each measure's tolerance in the plan)",
    )
    parser.add_argument(
        "--max-disruption",
        type=fraction_option("--max-disruption"),
        help="largest share of accounts away from their baseline territory, edits since the "
        "baseline included (default 0.10 when rebalancing; 1 for no limit)",
    )
    parser.add_argument(
        "--disruption-by",
        choices=("accounts", "revenue"),
        default="accounts",
        help="count the disruption budget in accounts (default) or revenue",
    )
    parser.add_argument(
        "--max-disruption-per-rep",
        type=_per_rep_option,
        default=DEFAULT_MAX_DISRUPTION_PER_REP,
        help="largest share of each territory's baseline accounts it may lose plus gain "
        f"(default {DEFAULT_MAX_DISRUPTION_PER_REP:g} when rebalancing; 0 keeps every rep's "
        "accounts; off for no limit)",
    )
    parser.add_argument(
        "--time-limit",
        type=number_option("--time-limit", low=0.0, high=MAX_TIME_LIMIT_S, low_open=True),
        default=None,
        help="seconds (default 30, or 90 for plans of 1,000 units or more); the best plan "
        "found by then is kept",
    )
    parser.add_argument(
        "--contiguity",
        choices=("required", "preferred", "off"),
        default="required",
        help="required (default): every territory in one piece; preferred: in one piece "
        "unless a band cannot be met otherwise; off: territories may be in pieces",
    )
    parser.add_argument(
        "--compactness",
        choices=("distance", "diameter"),
        default="distance",
        help="distance (default): least total distance from units to their territory's "
        "centre; diameter: the smallest largest territory (min-max). Both are reported",
    )
    parser.add_argument(
        "--seed",
        type=number_option("--seed", int, low=0, high=MAX_SEED),
        default=0,
        help="random seed (default 0)",
    )
    parser.add_argument(
        "--decompose",
        choices=("auto", "on", "off"),
        default="auto",
        help="split the plan into parts solved in parallel processes, then repair the "
        "bands across their borders: auto (default) from 6,000 units and 60 territories, "
        "on, or off (solve the plan whole)",
    )
    parser.add_argument(
        "--scenario",
        help="store the result as a named scenario and keep the plan's alignment as it is",
    )
    add_repair_option(parser)
    args = parser.parse_args(argv)

    if args.territories is not None and args.mode != "create":
        raise UserError("--territories applies to --mode create only")
    if args.subset and args.mode != "subset":
        raise UserError("--subset applies to --mode subset only")
    if args.under and args.mode != "subset":
        raise UserError("--under applies to --mode subset only")
    if args.mode == "subset" and not (args.subset or args.under):
        raise UserError(
            "--mode subset needs --subset with the territory ids to re-optimise, "
            "or --under with a district or region"
        )
    if args.scenario is not None:
        from planner.models.scenarios import ScenarioError, check_scenario_name

        # The model's rule, checked before the run so a refused name costs no wait.
        try:
            args.scenario = check_scenario_name(args.scenario)
        except ScenarioError as exc:
            raise UserError(f"--scenario: {exc}") from None
    if args.output.suffix.lower() != ".gpkg":
        raise UserError(f"{args.output}: the output must be a GeoPackage (.gpkg)")
    refuse_overwriting_inputs({"plan file": args.plan}, {"-o": args.output})

    plan = open_checked_plan(args.plan, writes=True, repair=args.repair)
    if plan.n_accounts and not plan.accounts["lon"].notna().any():
        raise UserError(f"{args.plan}: no account has a location; nothing to optimise")
    if plan.n_accounts and (plan.account_locked | plan.account_pinned).all():
        # The optimiser itself fails on this case (an internal error), so say it here.
        print(
            tr(
                "planner: error: nothing written: every account of {plan} is locked or pinned: nothing can move"
            ).format(plan=args.plan),
            file=sys.stderr,
        )
        return 1
    shapeless = plan.units.geometry.isna().to_numpy() | plan.units.geometry.is_empty.to_numpy()
    if shapeless.any():
        ids = plan.units["unit_id"][shapeless].astype(str).tolist()
        raise UserError(
            f"{args.plan}: {len(ids):,} unit(s) have no shape ({', '.join(ids[:5])}"
            f"{', …' if len(ids) > 5 else ''}); the optimiser needs every unit's polygon"
        )
    subset: tuple[int, ...] = ()
    if args.subset:
        ids = [t.strip() for t in args.subset.split(",") if t.strip()]
        unknown = [t for t in ids if t not in plan.territory_index]
        if unknown:
            raise UserError(
                f"--subset: {args.plan} has no territory {unknown[0]!r} "
                f"(territory ids: {', '.join(plan.territory_ids[:10])}"
                f"{', …' if plan.n_territories > 10 else ''})"
            )
        subset = tuple(plan.territory_index[t] for t in ids)
    if args.under:
        from planner.models.hierarchy import HierarchyError, hierarchy

        tree = hierarchy(plan)
        for problem in tree.problems:
            print(
                tr("planner: warning: {plan}: {problem}").format(plan=args.plan, problem=problem),
                file=sys.stderr,
            )
        chosen_nodes = [n.strip() for n in args.under.split(",") if n.strip()]
        if not chosen_nodes:
            raise UserError("--under needs a district or region")
        for node in chosen_nodes:
            try:
                under = tree.territories_under(node)
            except HierarchyError as exc:
                raise UserError(f"--under: {args.plan}: {exc}") from None
            if not under:
                raise UserError(f"--under: {args.plan}: no territory is under {node!r}")
            subset += tuple(t for t in under if t not in subset)
        print(
            tr("subset: {n_subset} territories ({value})").format(
                n_subset=len(subset), value=", ".join(plan.territory_label(t) for t in subset)
            ),
            flush=True,
        )
    keys = [m.key for m in plan.settings.measures]
    measures = None
    if args.measures:
        measures = tuple(m.strip() for m in args.measures.split(",") if m.strip())
    chosen = measures or tuple(keys)
    tolerances = {key: args.tolerance for key in chosen} if args.tolerance is not None else {}
    max_disruption = args.max_disruption
    if max_disruption is None and args.mode != "create":
        max_disruption = 0.10
    time_limit = args.time_limit
    if time_limit is None:
        time_limit = default_time_limit(plan.n_units, small=30.0)
    options = OptimiseOptions(
        mode=args.mode,
        territories=args.territories,
        subset=subset,
        measures=measures,
        tolerances={k: v for k, v in tolerances.items() if k in keys},
        max_disruption=None if max_disruption == 1.0 else max_disruption,
        disruption_basis=args.disruption_by,
        max_disruption_per_rep=None if args.mode == "create" else args.max_disruption_per_rep,
        time_limit=time_limit,
        seed=args.seed,
        contiguity=args.contiguity,
        compactness=args.compactness,
        decompose=args.decompose,
    )
    try:
        options.validate(plan.settings, plan.n_territories)
    except OptionsError as exc:
        raise UserError(str(exc)) from None

    print(
        tr(
            "{name}: {n_accounts} accounts, {n_units} units, {n_territories} territories; {mode}, time limit {time_limit:g} s, contiguity {contiguity}, compactness by {compactness}"
        ).format(
            name=plan.name,
            n_accounts=num(plan.n_accounts, 0),
            n_units=num(plan.n_units, 0),
            n_territories=plan.n_territories,
            mode=args.mode,
            time_limit=time_limit,
            contiguity=args.contiguity,
            compactness=args.compactness,
        ),
        flush=True,
    )
    if args.mode != "create":
        print(_spent_line(plan, options), flush=True)
    result = optimise_plan(snapshot_plan(plan), options, TaskState(_Progress()))
    if result.status == "infeasible":
        print(
            tr("planner: error: nothing written: {value}").format(value="; ".join(result.messages)),
            file=sys.stderr,
        )
        return 1
    for line in result.summary_lines():
        print(line)
    if result.new_territories:
        # A plan without territories: the run made them (empty until the change applies).
        add_created_territories(plan, result)
    if args.scenario:
        store_scenario(plan, result, args.scenario)
        record_moves(plan, result, args.scenario)
        where = f"as scenario {args.scenario!r} (the plan's alignment is unchanged)"
    else:
        plan.apply(result.change)
        record_moves(plan, result)
        where = "with the new alignment"
    print_save_notes(save_plan(plan, args.output))
    print(
        tr("wrote {output} {where}; {n_moves} explained moves (run {run_id})").format(
            output=args.output, where=where, n_moves=num(len(result.moves), 0), run_id=result.run_id
        )
    )
    return 0


def _spent_line(plan: Plan, options: OptimiseOptions) -> str:
    """What the edits since the baseline already spent of the disruption budget."""
    disruption = plan.disruption()
    by_revenue = options.disruption_basis == "revenue"
    spent = disruption.revenue_fraction if by_revenue else disruption.accounts_fraction
    text = f"already {100 * spent:.1f} % of {options.disruption_basis} from the baseline"
    if options.max_disruption is None:
        return text + " (no disruption budget)"
    left = options.max_disruption - spent
    if left < -1e-9:
        return (
            f"{text}: over the {100 * options.max_disruption:g} % budget; only moves that add "
            "no disruption (or move accounts back) will be made"
        )
    return f"{text}; {100 * max(left, 0.0):.1f} % left of the {100 * options.max_disruption:g} % budget"
