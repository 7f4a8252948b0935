"""Fuzz: corrupt, truncated and foreign plan files × planner report / optimise / export.

Whatever the file holds, the command exits 0 (it could read the plan) or with a clear
error (2; 1 for an optimisation with nothing to write), never with a traceback or an
internal error; the input file is never changed; on error nothing is written, and what is
written opens again without needing a repair.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.io.planfile import read_plan, save_plan
from tests.conftest import make_plan
from tests.plan_edits import edit_gpkg, file_hash, folder_state, run_cli

#: What other tools, scripts and crashes do to a plan file.
EDITS = (
    "UPDATE accounts SET account_id = 'A00001' WHERE fid % 7 = 0",
    "UPDATE accounts SET account_id = NULL WHERE fid % 5 = 0",
    "UPDATE accounts SET account_id = x'00ff' WHERE fid % 6 = 0",
    "UPDATE accounts SET territory_id = 'NOWHERE' WHERE fid % 3 = 0",
    "UPDATE accounts SET baseline_territory_id = 'GONE' WHERE fid % 4 = 0",
    "UPDATE units SET territory_id = 'T404' WHERE fid % 2 = 0",
    "UPDATE units SET unit_id = 'U00'",
    "UPDATE territories SET territory_id = 'T1'",
    "UPDATE territories SET territory_id = NULL WHERE fid = 1",
    "UPDATE territories SET rep_id = 'R404'",
    "UPDATE reps SET rep_id = NULL",
    "UPDATE reps SET rep_id = 'R1'",
    "UPDATE accounts SET revenue = 'lots' WHERE fid % 2 = 0",
    "UPDATE accounts SET potential = x'deadbeef'",
    "UPDATE accounts SET visits_per_year = -1e308",
    "UPDATE accounts SET visit_minutes = 1e308",
    "UPDATE accounts SET revenue = 9e999",
    "UPDATE territories SET quota = 'many'",
    "UPDATE reps SET capacity_hours = 'x'",
    "UPDATE territories SET name = 'a' || char(0) || char(1) || char(27) || 'b'",
    "UPDATE accounts SET name = char(7, 8, 9, 10, 13, 127), segment = char(0)",
    "UPDATE territories SET geometry_source = 'drawn'",
    "UPDATE territories SET color = 'nope', locked = 'maybe'",
    "UPDATE accounts SET pinned = 'yes', locked = 7",
    "UPDATE accounts SET geom = x'00'",
    "UPDATE accounts SET geom = x'47500001e610000001010000000000000000'",
    "UPDATE accounts SET geom = (SELECT geom FROM units LIMIT 1)",
    "UPDATE units SET geom = NULL",
    "UPDATE units SET geom = x'4750000100000000'",
    "UPDATE units SET geom = (SELECT geom FROM accounts LIMIT 1)",
    "ALTER TABLE accounts DROP COLUMN account_id",
    "ALTER TABLE accounts DROP COLUMN territory_id",
    "ALTER TABLE accounts DROP COLUMN revenue",
    "ALTER TABLE accounts DROP COLUMN placement",
    "ALTER TABLE territories DROP COLUMN territory_id",
    "ALTER TABLE territories DROP COLUMN geometry_source",
    "ALTER TABLE units DROP COLUMN unit_id",
    "ALTER TABLE reps DROP COLUMN rep_id",
    "ALTER TABLE accounts RENAME COLUMN revenue TO Revenue2",
    'ALTER TABLE accounts ADD COLUMN "weird\x01name" TEXT',
    'ALTER TABLE accounts ADD COLUMN "fid_like FID" TEXT',
    # Columns added at once (one ALTER TABLE each would take seconds): 1,980 more is just
    # within SQLite's 2,000 but beyond what a saved layer may hold; 2,100 more is beyond both.
    *(
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = "
        f"substr(sql, 1, length(sql) - 1) || '{''.join(f', c{i} REAL' for i in range(n))})' "
        "WHERE type = 'table' AND name = 'accounts'; PRAGMA writable_schema = OFF"
        for n in (1980, 2100)
    ),
    "DROP TABLE units",
    "DROP TABLE territories",
    "DROP TABLE reps",
    "DELETE FROM gpkg_contents WHERE table_name = 'units'",
    "DELETE FROM gpkg_geometry_columns WHERE table_name = 'accounts'",
    "UPDATE gpkg_geometry_columns SET geometry_type_name = 'POLYGON' WHERE table_name = 'accounts'",
    "UPDATE gpkg_contents SET srs_id = 999999",
    "UPDATE gpkg_geometry_columns SET srs_id = 3857",
    "DELETE FROM gpkg_spatial_ref_sys",
    "UPDATE planner_meta SET value = '{' WHERE key = 'extra_layers'",
    "UPDATE planner_meta SET value = '[\"ghost\", 5, null]' WHERE key = 'extra_layers'",
    "UPDATE planner_meta SET value = NULL",
    "UPDATE settings SET value = '{\"measures\": 5}'",
    "UPDATE settings SET value = 'null'",
    "UPDATE settings SET value = x'00'",
    "DROP TABLE settings",
    "DELETE FROM accounts",
    "DELETE FROM territories",
    "DELETE FROM units",
    "INSERT INTO gpkg_contents (table_name, data_type, identifier) "
    "VALUES ('ghost', 'attributes', 'ghost')",
    "CREATE TABLE change_log (x); INSERT INTO gpkg_contents (table_name, data_type, identifier) "
    "VALUES ('change_log', 'attributes', 'change_log')",
)

COMMANDS: dict[str, tuple[int, ...]] = {"report": (0, 2), "optimise": (0, 1, 2), "export": (0, 2)}


class Blob(bytes):
    """File content that a failing example prints by size, not in full."""

    def __repr__(self) -> str:
        return f"<{len(self):,} bytes>"


@pytest.fixture(scope="session")
def base_plan(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fuzzbase") / "plan.gpkg"
    save_plan(make_plan(40, 3, 2), path)
    return Blob(path.read_bytes())


@pytest.fixture(scope="session")
def foreign_gpkg(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    import geopandas as gpd
    import shapely

    path = tmp_path_factory.mktemp("foreign") / "roads.gpkg"
    gpd.GeoDataFrame(
        {"account_id": ["x"], "fid2": [1]}, geometry=[shapely.Point(0, 0)], crs=3857
    ).to_file(path, layer="roads")
    return Blob(path.read_bytes())


def _apply_edits(path: Path, edits: list[str]) -> None:
    for sql in edits:
        with contextlib.suppress(sqlite3.Error):
            edit_gpkg(path, sql)


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    buf = bytearray(data)
    for pos, value in flips:
        buf[pos % len(buf)] = value
    return bytes(buf)


def _foreign_sqlite(path: Path, tables: list[tuple[str, list[str]]]) -> None:
    with contextlib.closing(sqlite3.connect(path)) as con:
        for name, columns in tables:
            cols = ", ".join(f'"{c}"' for c in columns) or '"x"'
            with contextlib.suppress(sqlite3.Error):
                con.execute(f'CREATE TABLE "{name}" ({cols})')
        con.commit()


# SQLite stores UTF-8: lone surrogates cannot be written by any tool, so none are drawn.
names = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters='"\x00'),
    min_size=1,
    max_size=12,
)


def damaged_file(
    data: st.DataObject, base: bytes, foreign: bytes
) -> tuple[str, Callable[[Path], None]]:
    """A recipe: a label and how to write the damaged file."""
    kind = data.draw(
        st.sampled_from(["edits", "edits", "edits", "flip", "truncate", "sqlite", "bytes", "gpkg"])
    )
    if kind == "edits":
        edits = data.draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=3))

        def write(path: Path) -> None:
            path.write_bytes(base)
            _apply_edits(path, edits)

        return f"edits {[e[:60] for e in edits]}", write
    if kind == "flip":
        flips = data.draw(
            st.lists(st.tuples(st.integers(0, len(base) - 1), st.integers(0, 255)), max_size=40)
        )
        return f"flip {flips[:5]}…", lambda path: path.write_bytes(_flip(base, flips))
    if kind == "truncate":
        size = data.draw(st.integers(0, len(base)))
        return f"truncate at {size}", lambda path: path.write_bytes(base[:size])
    if kind == "sqlite":
        tables = data.draw(
            st.lists(st.tuples(names, st.lists(names, max_size=4)), min_size=0, max_size=3)
        )
        return f"sqlite {tables}", lambda path: _foreign_sqlite(path, tables)
    if kind == "bytes":
        blob = data.draw(
            st.one_of(
                st.binary(max_size=2000),
                st.just(b"SQLite format 3\x00" + bytes(100)),
                st.just(b'{"type": "FeatureCollection", "features": []}'),
                st.just(b"account_id,name\nA1,x\n"),
                st.just(b"PK\x03\x04" + bytes(60)),
            )
        )
        return f"bytes {blob[:30]!r}", lambda path: path.write_bytes(blob)
    return "foreign GeoPackage", lambda path: path.write_bytes(foreign)


def check_command(
    command: str, recipe: tuple[str, Callable[[Path], None]], repair: bool, tally: object
) -> None:
    label, write = recipe
    with tempfile.TemporaryDirectory() as folder:
        inputs, outputs = Path(folder, "in"), Path(folder, "out")
        inputs.mkdir()
        outputs.mkdir()
        plan = inputs / "plan.gpkg"
        write(plan)
        before_hash, before_folder = file_hash(plan), folder_state(inputs)
        argv = {
            "report": ["report", str(plan), "--json"],
            "optimise": [
                "optimise", str(plan), "-o", str(outputs / "out.gpkg"), "--time-limit", "0.3",
                *(["--repair"] if repair else []),
            ],
            "export": ["export", str(plan), "--csv", str(outputs / "out.csv")],
        }[command]  # fmt: skip
        code, err = run_cli(argv)
        problems = []
        if code not in COMMANDS[command]:
            problems.append(f"exit code {code}")
        if "Traceback" in err or "internal error" in err:
            problems.append("traceback or internal error")
        if file_hash(plan) != before_hash or folder_state(inputs) != before_folder:
            problems.append("the input folder changed")
        written = sorted(p.name for p in outputs.iterdir())
        if code != 0 and written:
            problems.append(f"wrote {written} on error")
        if code == 0 and command != "report" and len(written) != 1:
            problems.append(f"success but wrote {written}")
        if code == 0 and command == "optimise":
            try:
                reread = read_plan(outputs / "out.gpkg")
                if reread.validation.needs_repair:
                    problems.append(f"wrote a plan needing repair: {reread.validation.lines()}")
            except Exception as exc:  # anything: what we write must open again
                problems.append(f"wrote an unreadable plan: {exc}")
        kind = "failure" if problems else ("success" if code == 0 else "clear_error")
        tally.record(  # type: ignore[attr-defined]
            kind=kind, what=f"plan file × {command}", detail=f"{label}: {problems} {err[-400:]}"
        )
        assert not problems, f"{command} on {label}: {problems}\n{err[-2000:]}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
@given(data=st.data(), repair=st.booleans())
def test_damaged_plan_files_never_crash_a_command(
    base_plan: bytes,
    foreign_gpkg: bytes,
    fuzz_tally: object,
    command: str,
    data: st.DataObject,
    repair: bool,
) -> None:
    check_command(command, damaged_file(data, base_plan, foreign_gpkg), repair, fuzz_tally)


@pytest.mark.parametrize("edit", range(len(EDITS)))
def test_every_listed_edit_is_read_or_refused_clearly(
    base_plan: bytes, fuzz_tally: object, edit: int
) -> None:
    """Each hostile edit on its own, through report (cheap, so the whole list runs in CI)."""
    sql = EDITS[edit]

    def write(path: Path) -> None:
        path.write_bytes(base_plan)
        _apply_edits(path, [sql])

    check_command("report", (f"edit {sql[:60]}", write), False, fuzz_tally)


def test_the_many_columns_edit_is_refused_on_save(base_plan: bytes, fuzz_tally: object) -> None:
    """More than ~2,000 columns: read fine, refused clearly when written."""
    wide = next(e for e in EDITS if "c1979" in e and "c1980" not in e)

    def write(path: Path) -> None:
        path.write_bytes(base_plan)
        _apply_edits(path, [wide])

    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder, "plan.gpkg")
        write(plan)
        out = Path(folder, "out.gpkg")
        code, err = run_cli(["optimise", str(plan), "-o", str(out), "--time-limit", "0.3"])
        ok = code == 2 and "columns" in err and "out.gpkg" in err and not out.exists()
        fuzz_tally.record(  # type: ignore[attr-defined]
            kind="clear_error" if ok else "failure", what="plan file × optimise", detail=err
        )
        assert ok, err
    shutil.rmtree(folder, ignore_errors=True)
