"""Test helpers: damaging a saved plan file as other tools and crashes do; running planner."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from pathlib import Path

from planner.cli import main

# GeoPackage triggers call these SpatiaLite-style functions; plain sqlite3 lacks them.
_GPKG_FUNCTIONS = ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY", "ST_GeometryType")


def edit_gpkg(path: Path, sql: str) -> None:
    """Run ``sql`` on a GeoPackage as a foreign tool would (no GDAL involved)."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        # Tests edit many copies: no fsync per statement.
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA journal_mode = MEMORY")
        for name in _GPKG_FUNCTIONS:
            con.create_function(name, 1, lambda _geom: 0)
        con.executescript(sql)
        con.commit()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (hidden ones too) with its hash."""
    return {p.name: file_hash(p) for p in sorted(folder.iterdir()) if p.is_file()}


def run_cli(argv: list[str]) -> tuple[int, str]:
    """``planner ARGV`` as the console runs it: the exit code and what went to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, err.getvalue()
