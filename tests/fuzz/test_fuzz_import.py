"""Fuzzing the account import: mutated CSV files never crash it and never lose a line.

Each example mutates a valid accounts CSV (stray quotes, dropped or added fields,
bad bytes, bad numbers, empty lines, huge values, repeated or missing lines) and
checks that the import either refuses the file with :class:`InputFileError` or
accounts for every line, and never changes the input file. ``FUZZ_EXAMPLES``
sets the number of examples (default 25, a few seconds; ``make fuzz`` runs more) and
``FUZZ_SEED`` picks another seeded set.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from planner.io.accounts_import import InputFileError, import_accounts
from tests.fuzz.tally import CLEAR_ERROR, tallied

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "0"))  # 0: the same examples on every run


def base_csv(rows: int = 30) -> bytes:
    lines = ["Account ID,Account Name,ZIP,Latitude,Longitude,Segment,Revenue 12m,Visits/yr"]
    for i in range(rows):
        name = f'"Company {i}, Inc"' if i % 4 == 0 else f"Company {i}"
        lines.append(
            f"C{i:04d},{name},{60601 + i % 20},{41.8 + i / 1000:.4f},{-87.6 - i / 1000:.4f},"
            f"{'ABC'[i % 3]},{1000 * i}.50,{4 + i % 8}"
        )
    return ("\n".join(lines) + "\n").encode()


PAYLOADS: dict[str, list[bytes]] = {
    "quote": [b'"', b'""', b'"x'],
    "field": [b",", b",,", b";"],
    "bytes": [b"\x00", b"\xff", b"\xe9", b"\x85", b"\r", b"\xc3", b"\xef\xbb\xbf", b"\x1f\x8b"],
    "number": [b"inf", b"nan", b"1e400", b"12,5", b"$", b"(3", b"1.234,5", b"-0", b"9" * 400],
    "line": [b"\n", b"\n\n", b"\r\n", b",,,,,,,\n", b"   \n"],
}
OPS = ("insert", "delete_char", "drop_line", "repeat_line", "replace_field")


def mutate(data: bytes, steps: list[tuple[str, str, int, int]]) -> bytes:
    for op, kind, where, which in steps:
        payload = PAYLOADS[kind][which % len(PAYLOADS[kind])]
        if not data:
            data = payload
            continue
        at = where % (len(data) + 1)
        if op == "insert":
            data = data[:at] + payload + data[at:]
        elif op == "delete_char":
            data = data[:at] + data[at + 1 :]
        else:
            lines = data.split(b"\n")
            k = where % len(lines)
            if op == "drop_line":
                del lines[k]
            elif op == "repeat_line":
                lines.insert(k, lines[k])
            else:  # replace one field of a line with the payload
                fields = lines[k].split(b",")
                fields[which % len(fields)] = payload
                lines[k] = b",".join(fields)
            data = b"\n".join(lines)
    return data


def physical_lines(data: bytes) -> int:
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


STEPS = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.sampled_from(sorted(PAYLOADS)),
        st.integers(0, 10**6),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=8,
)


@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=STEPS, rows=st.integers(1, 40))
@tallied("accounts CSV")
def test_mutated_csv_is_refused_clearly_or_fully_accounted_for(
    steps: list[tuple[str, str, int, int]], rows: int
) -> str | None:
    data = mutate(base_csv(rows), steps)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accounts.csv"
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        try:
            result = import_accounts(path)
        except InputFileError as exc:
            assert str(exc).startswith("accounts.csv")
            return CLEAR_ERROR
        finally:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        report = result.report
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        assert report.lines_read == physical_lines(data)
        assert report.lines_read == (
            report.lines_header + report.lines_loaded + report.lines_rejected + report.lines_blank
        )
        assert len(result.accounts) == report.rows_loaded
        assert result.accounts["account_id"].is_unique
        assert report.format()
        return None
