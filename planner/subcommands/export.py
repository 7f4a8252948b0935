"""``planner export PLAN.gpkg [--xlsx FILE] [--html FILE] [--csv FILE] [--png FILE]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.models.i18n import format_number as num
from planner.models.i18n import gettext as tr
from planner.subcommands._base import (
    UserError,
    open_checked_plan,
    refuse_overwriting_inputs,
    subcommand,
)

SUFFIXES = {"xlsx": ".xlsx", "html": ".html", "csv": ".csv", "png": ".png", "pdf": ".pdf"}


@subcommand("export")
def cmd_export(argv: list[str]) -> int:
    """Write the manager's workbook, the HTML map, the CRM CSV and/or a PNG of the map."""
    parser = argparse.ArgumentParser(
        prog="planner export",
        description=(
            "Export a plan: the Excel workbook for managers, an interactive HTML map, "
            "CSV for CRM upload (account_id, territory_id, rep_id) and a PNG of the map. "
            "Each file is written completely or not at all."
        ),
    )
    parser.add_argument("plan", type=Path, help="plan file (.gpkg)")
    parser.add_argument("--xlsx", type=Path, help="Excel workbook to write")
    parser.add_argument("--html", type=Path, help="interactive map to write (one HTML file)")
    parser.add_argument("--csv", type=Path, help="CRM upload CSV to write")
    parser.add_argument("--png", type=Path, help="map image to write")
    parser.add_argument(
        "--csv-raw",
        action="store_true",
        help="write CSV values exactly as in the plan, for a CRM loader (default: cells a "
        "spreadsheet would read as a formula start with ')",
    )
    parser.add_argument("--pdf", type=Path, help="map book to write: a page per territory")
    args = parser.parse_args(argv)
    outputs = {kind: getattr(args, kind) for kind in SUFFIXES if getattr(args, kind)}
    if not outputs:
        raise UserError(f"nothing to export: give at least one of --{', --'.join(SUFFIXES)}")
    for kind, path in outputs.items():
        if path.suffix.lower() != SUFFIXES[kind]:
            raise UserError(f"--{kind} {path}: the file name must end in {SUFFIXES[kind]}")
    refuse_overwriting_inputs(
        {"plan file": args.plan}, {f"--{kind}": path for kind, path in outputs.items()}
    )

    plan = open_checked_plan(args.plan)
    png: bytes | None = None
    if "png" in outputs or "xlsx" in outputs:
        from planner.io.map_image import render_map_png

        png = render_map_png(plan, outputs.get("png"))
        if "png" in outputs:
            print(
                tr("wrote {value}: map of {n_territories} territories").format(
                    value=outputs["png"], n_territories=plan.n_territories
                )
            )
    if "xlsx" in outputs:
        from planner.io.export_xlsx import write_workbook

        write_workbook(plan, outputs["xlsx"], map_png=png)
        print(
            tr("wrote {value}: workbook with {n_accounts} accounts").format(
                value=outputs["xlsx"], n_accounts=num(plan.n_accounts, 0)
            )
        )
    if "html" in outputs:
        from planner.io.export_html import write_html_map

        write_html_map(plan, outputs["html"])
        print(tr("wrote {value}: interactive map").format(value=outputs["html"]))
    if "csv" in outputs:
        from planner.io.export_csv import write_crm_csv

        write_crm_csv(plan, outputs["csv"], raw=args.csv_raw)
        print(
            tr("wrote {value}: {n_accounts} rows (account_id, territory_id, rep_id)").format(
                value=outputs["csv"], n_accounts=num(plan.n_accounts, 0)
            )
        )
    if "pdf" in outputs:
        from planner.io.map_book import write_map_book

        pages = write_map_book(plan, outputs["pdf"])
        print(
            tr("wrote {value}: map book of {pages} pages").format(value=outputs["pdf"], pages=pages)
        )
    return 0
