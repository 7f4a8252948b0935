"""The alignment as CSV for upload to a CRM: one row per account.

Columns ``account_id``, ``territory_id``, ``rep_id``; Unassigned accounts and
territories without a rep leave their cells empty. The file is UTF-8 with a byte
order mark so Excel opens accented names correctly (see ``docs/workbook.md`` for
what LibreOffice does with it).

A CSV opened in a spreadsheet turns ``=HYPERLINK(...)`` into a live formula and
``-00042`` into the number -42. By default every cell that a spreadsheet would read
as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
or their full-width forms) is written with a leading single quote, as OWASP's
CSV-injection guidance recommends. ``raw=True`` writes the values exactly as they
are in the plan, for a CRM loader that matches on them and never evaluates cells.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from planner.io.export_xlsx import FORMULA_PREFIXES
from planner.io.files import atomic_output
from planner.models.plan import Plan
from planner.models.progress import TaskState

CSV_COLUMNS = ("account_id", "territory_id", "rep_id")


def neutralise_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return (and the
    full-width ``＝＋－＠``) are prefixed, per OWASP's CSV-injection guidance; a
    spreadsheet then shows the text, and ``-00042`` stays ``-00042``.
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_crm_csv(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    raw: bool = False,
) -> Path:
    """Write ``account_id, territory_id, rep_id`` for every account (atomically).

    Parameters
    ----------
    plan : Plan
    path : path-like
        The ``.csv`` file; an existing one is replaced only once the new one is complete.
    state : TaskState, optional
        Progress and cancellation.
    raw : bool
        Write values exactly as they are, for a CRM loader (default: cells a
        spreadsheet would read as a formula get a leading ``'``; see
        :func:`neutralise_formula`).

    Returns
    -------
    Path
        The file written.
    """
    state = state or TaskState()
    target = Path(path)
    territory_ids = np.array(["", *plan.territory_ids], dtype=object)
    reps = np.array(
        ["", *[r if isinstance(r, str) else "" for r in plan.territories["rep_id"]]],
        dtype=object,
    )
    rows = plan.account_territory + 1
    account_ids = ["" if v is None else str(v) for v in plan.accounts["account_id"].tolist()]
    if not raw:
        territory_ids = np.array([neutralise_formula(str(v)) for v in territory_ids], dtype=object)
        reps = np.array([neutralise_formula(str(v)) for v in reps], dtype=object)
        account_ids = [neutralise_formula(v) for v in account_ids]
    with atomic_output(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        step = 50_000
        for start in range(0, len(account_ids), step):
            state.raise_if_cancelled()
            stop = min(start + step, len(account_ids))
            writer.writerows(
                zip(
                    account_ids[start:stop],
                    territory_ids[rows[start:stop]],
                    reps[rows[start:stop]],
                    strict=True,
                )
            )
            state.report(stop / max(len(account_ids), 1), f"Writing {target.name}")
    state.report(1.0, f"Wrote {target.name}")
    return target


__all__ = ["CSV_COLUMNS", "neutralise_formula", "write_crm_csv"]
