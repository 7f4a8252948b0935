"""Random hostile names through every exporter: no exception, nothing executable.

``FUZZ_EXAMPLES`` (environment, default 25) sets how many plans each test tries.
"""

from __future__ import annotations

import csv
import html
import io
import os
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from planner.io.export_csv import write_crm_csv
from planner.io.export_html import write_html_map
from planner.io.export_xlsx import FORMULA_PREFIXES, write_workbook, xml_visible
from planner.io.map_image import render_map_png
from planner.io.review import read_review
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.fuzz.tally import tallied
from tests.io.test_export_html_safety import assert_nothing_runs

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

#: Pieces of markup, script, template, formula and encoding trouble.
FRAGMENTS = (
    "${",
    "}",
    "`",
    "</script>",
    "<script>",
    "<",
    ">",
    '"',
    "'",
    "\\",
    "\\`",
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\x07",
    "\x0b",
    "\x1b",
    "\x7f",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "&amp;",
    "&#96;",
    "alert(1)",
    " onmouseover=",
    "javascript:",
    "<!--",
    "]]>",
    "{{",
    "}}",
    "{%",
    "$",
    "$x$",
    "\\frac{",
    "é",
    "中文",
    "😀",
    " ",
    "None",
    "Unassigned",
    "T1",
    "-00042",
    '=HYPERLINK("x")',
)
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=0, max_size=7
).map("".join)

# No shrinking: a failure is reported as found (shrinking whole exports takes minutes).
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def hostile_plan(names: list[str], ids: list[str], plan_name: str, colour: str) -> Plan:
    plan = make_plan(n_accounts=30, grid=2, n_territories=3, seed=0)
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "name", names[i % len(names)])
    plan.set_territory_field(0, "color", colour)
    for r in range(len(plan.reps)):
        plan.reps.loc[r, "name"] = names[(r + 1) % len(names)]
    for a, name in enumerate(names):
        plan.accounts.loc[a, "name"] = name
    # Ids stay unique: a hostile start, a distinct end.
    for a, item in enumerate(ids):
        plan.accounts.loc[a, "account_id"] = f"{item}#{a}"
    plan.name = plan_name
    return plan


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@FUZZ
@given(
    names=st.lists(hostile, min_size=1, max_size=5),
    ids=st.lists(hostile, max_size=5),
    plan_name=hostile,
    colour=st.one_of(st.just("#4e79a7"), hostile),
)
@tallied("hostile names: HTML map and PNG")
def test_html_and_png(names: list[str], ids: list[str], plan_name: str, colour: str) -> None:
    plan = hostile_plan(names, ids, plan_name, colour)
    with tempfile.TemporaryDirectory() as folder:
        page = write_html_map(plan, Path(folder) / "m.html").read_bytes().decode("utf-8")
    assert_nothing_runs(page)
    # The legend shows each territory name as text (folium's Jinja rendering turns a
    # carriage return into a line feed: the same white space in HTML).
    shown = html.unescape(page).replace("\r\n", "\n").replace("\r", "\n")
    for i in range(plan.n_territories):
        assert plan.territory_label(i).replace("\r\n", "\n").replace("\r", "\n") in shown
    png = render_map_png(plan, width_px=240, height_px=160, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@FUZZ
@given(ids=st.lists(hostile, min_size=1, max_size=8), rep=hostile)
@tallied("hostile ids: CRM CSV")
def test_csv(ids: list[str], rep: str) -> None:
    plan = hostile_plan(["x"], ids, "p", "#000000")
    plan.territories.loc[0, "rep_id"] = rep or None
    with tempfile.TemporaryDirectory() as folder:
        safe = write_crm_csv(plan, Path(folder) / "safe.csv").read_bytes()
        raw = write_crm_csv(plan, Path(folder) / "raw.csv", raw=True).read_bytes()
    safe_rows = list(csv.reader(io.StringIO(safe.decode("utf-8-sig"), newline="")))
    raw_rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(safe_rows) == len(raw_rows) == plan.n_accounts + 1
    for row in safe_rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), repr(cell)
    assert [r[0] for r in raw_rows[1:]] == [str(v) for v in plan.accounts["account_id"]]
    for s_row, r_row in zip(safe_rows[1:], raw_rows[1:], strict=True):
        for s_cell, r_cell in zip(s_row, r_row, strict=True):
            assert s_cell in (r_cell, "'" + r_cell)


@FUZZ
@given(
    names=st.lists(hostile, min_size=1, max_size=5),
    ids=st.lists(hostile, max_size=5),
    plan_name=hostile,
)
@tallied("hostile names: workbook and review")
def test_xlsx_round_trip(names: list[str], ids: list[str], plan_name: str) -> None:
    plan = hostile_plan(names, ids, plan_name, "#4e79a7")
    with tempfile.TemporaryDirectory() as folder:
        book = write_workbook(plan, Path(folder) / "plan.xlsx", map_png=tiny_png())
        wb = openpyxl.load_workbook(book)
        ws = wb["Accounts"]
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(r, 2)
            assert cell.data_type != "f", "text is never a formula"
        assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [
            xml_visible(str(v)) for v in plan.accounts["account_id"]
        ]
        review = read_review(plan, book)
    assert review.changes == [], [c.describe(plan) for c in review.changes]
    assert review.conflicts == [], [str(c) for c in review.conflicts]
