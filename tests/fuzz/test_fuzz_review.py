"""Random damage to an exported workbook through review: a clear error or a diff.

Never a traceback, and never a change read from a formula (above all, never an
account unassigned by one). ``FUZZ_EXAMPLES`` (environment, default 25) sets how
many damaged workbooks are tried.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from planner.io.export_xlsx import sheet_parts, write_workbook
from planner.io.review import ReviewError, read_review
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.fuzz.tally import CLEAR_ERROR, tallied

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
N_ACCOUNTS = 40


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, bytes, list[str]]:
    """A plan, its workbook's bytes and the Accounts headers."""
    plan = make_plan(n_accounts=N_ACCOUNTS, grid=3, n_territories=3, seed=23)
    path = tmp_path_factory.mktemp("fuzz") / "plan.xlsx"
    write_workbook(plan, path, map_png=tiny_png())
    import openpyxl

    headers = [c.value for c in openpyxl.load_workbook(path)["Accounts"][1]]
    return plan, path.read_bytes(), headers


TEXT = st.one_of(
    st.sampled_from(["", " ", "T1", "T2", "t3", "Unassigned", "none", "Territory 2", "A00001"]),
    st.text(max_size=8),
)
CELL = st.one_of(
    st.tuples(st.just("text"), TEXT),
    st.tuples(st.just("number"), st.floats(allow_nan=False, allow_infinity=False).map(repr)),
    st.tuples(st.just("formula"), TEXT),  # a formula with a cached text value
    st.tuples(st.just("formula-empty"), TEXT),  # a formula without a value
    st.tuples(st.just("shared-formula"), st.just("")),
    st.tuples(st.just("error"), st.just("#REF!")),
    st.tuples(st.just("empty"), st.just("")),
)
MUTATION = st.one_of(
    st.tuples(
        st.just("cell"),
        st.integers(2, N_ACCOUNTS + 3),
        st.sampled_from(["Account ID", "Territory ID", "Territory", "Revenue", "Name", "ZZ"]),
        CELL,
    ),
    st.tuples(st.just("delete-row"), st.integers(1, N_ACCOUNTS + 1)),
    st.tuples(st.just("copy-row"), st.integers(1, N_ACCOUNTS + 1)),
    st.tuples(st.just("garbage"), st.integers(0, 10**9), st.binary(max_size=12)),
    st.tuples(st.just("truncate-xml"), st.integers(0, 10**9)),
    st.tuples(st.just("rename-sheet"), st.sampled_from(["Accounts", "Units"]), TEXT),
    st.tuples(st.just("header"), st.sampled_from(["Account ID", "Territory ID"]), TEXT),
    st.tuples(st.just("flip-byte"), st.integers(0, 10**9)),
    st.tuples(st.just("truncate-file"), st.integers(0, 10**9)),
)


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell_xml(ref: str, kind: str, value: str) -> str:
    text = escape(value, quote=False)
    return {
        "text": f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>',
        "number": f'<c r="{ref}"><v>{value}</v></c>',
        "formula": f'<c r="{ref}" t="str"><f>"{text}"</f><v>{text}</v></c>',
        "formula-empty": f'<c r="{ref}"><f>IF(1,"","{text}")</f></c>',
        "shared-formula": f'<c r="{ref}"><f t="shared" si="0"/></c>',
        "error": f'<c r="{ref}" t="e"><f>1/0</f><v>{value}</v></c>',
        "empty": f'<c r="{ref}"/>',
    }[kind]


def damage(
    book: bytes, headers: list[str], mutations: list[tuple]
) -> tuple[bytes, set[tuple[int, str]], set[int]]:
    """The damaged workbook, the cells given formulas, and the rows given literal edits."""
    formulas: set[tuple[int, str]] = set()
    edited: set[int] = set()
    with zipfile.ZipFile(io.BytesIO(book)) as zin:
        parts = sheet_parts(zin)
        files = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    part = parts["Accounts"]
    xml = files[part].decode("utf-8")
    tail: list[tuple] = []
    for mutation in mutations:
        kind = mutation[0]
        if kind == "cell":
            _, row, header, (cell_kind, value) = mutation
            column = headers.index(header) + 1 if header in headers else 52
            ref = f"{_letters(column)}{row}"
            new = _cell_xml(ref, cell_kind, value)
            xml, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', new, xml, count=1, flags=re.S)
            if n == 0:  # no such cell: add it to its row (cells of a row stay in order)
                xml, n = re.subn(
                    rf'(<row r="{row}"[^>]*>)(.*?)(</row>)',
                    lambda m, new=new, column=column: (
                        m.group(1) + m.group(2) + new + m.group(3)
                        if column > 26
                        else m.group(1) + new + m.group(2) + m.group(3)
                    ),
                    xml,
                    count=1,
                    flags=re.S,
                )
            if "formula" in cell_kind or cell_kind == "error":
                formulas.add((row, header))
            else:
                edited.add(row)
        elif kind == "delete-row":
            xml = re.sub(rf'<row r="{mutation[1]}"[^>]*>.*?</row>', "", xml, count=1, flags=re.S)
        elif kind == "copy-row":
            xml = re.sub(
                rf'(<row r="{mutation[1]}"[^>]*>.*?</row>)', r"\1\1", xml, count=1, flags=re.S
            )
        elif kind in ("garbage", "truncate-xml"):
            tail.append(mutation)
        elif kind == "rename-sheet":
            files["xl/workbook.xml"] = files["xl/workbook.xml"].replace(
                f'name="{mutation[1]}"'.encode(),
                f'name="{escape(mutation[2], quote=True)}"'.encode("utf-8", "replace"),
            )
        elif kind == "header":
            xml = xml.replace(f"<t>{mutation[1]}</t>", f"<t>{escape(mutation[2])}</t>", 1)
        else:
            tail.append(mutation)
    data = xml.encode("utf-8", "surrogatepass")
    for mutation in tail:
        if mutation[0] == "garbage":
            at = mutation[1] % (len(data) + 1)
            data = data[:at] + mutation[2].replace(b"<f", b"<g") + data[at:]
        elif mutation[0] == "truncate-xml":
            data = data[: mutation[1] % (len(data) + 1)]
    files[part] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in files.items():
            zout.writestr(name, content)
    result = bytearray(out.getvalue())
    for mutation in tail:
        if mutation[0] == "flip-byte" and result:
            result[mutation[1] % len(result)] ^= 0xFF
        elif mutation[0] == "truncate-file":
            result = result[: mutation[1] % (len(result) + 1)]
    return bytes(result), formulas, edited


@FUZZ
@given(mutations=st.lists(MUTATION, min_size=1, max_size=6))
@tallied("damaged workbook: review")
def test_damaged_workbooks(
    exported: tuple[Plan, bytes, list[str]], mutations: list[tuple]
) -> str | None:
    plan, book, headers = exported
    data, formulas, edited = damage(book, headers, mutations)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.xlsx"
        path.write_bytes(data)
        try:
            review = read_review(plan, path)
        except ReviewError as error:
            assert str(error).strip(), "the error says what is wrong"
            return CLEAR_ERROR
    text = review.format(plan)
    assert text
    # Garbage bytes inside the XML can break a cell apart unnoticed (the sheets are
    # read with patterns, not parsed); every other damage is held to the rules.
    garbage = any(m[0] == "garbage" for m in mutations)
    for change in review.changes:
        assert (change.row, change.column) not in formulas, f"applied a formula: {change}"
        if change.after < 0 and not garbage:
            assert change.row in edited, f"unassigned without a literal edit: {change}"
    if not garbage:
        assert {c.row for c in review.changes} <= edited, "only edited rows change"
    return None
