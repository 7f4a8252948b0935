"""What every ``planner`` subcommand shares: registration, user errors and option checks.

Both :mod:`planner.cli` and the modules of :mod:`planner.subcommands` import from here, and
this module imports neither, so the command line has no import cycle. The helpers refuse
bad input the same way in every subcommand:

- :func:`number_option`: an argparse ``type=`` that range-checks a number and names the
  allowed range (``argument --weeks: --weeks must be between 1 and 52, got 0``);
- :func:`refuse_overwriting_inputs`: an output that is one of the inputs (also through a
  symlink, a hard link or another spelling of the path) is refused;
- :func:`add_repair_option` and :func:`open_checked_plan`: a plan file with inconsistent
  ids is read with warnings, and written only with ``--repair``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.models.plan import Plan

__all__ = [
    "SUBCOMMANDS",
    "UserError",
    "add_repair_option",
    "fraction_option",
    "number_option",
    "open_checked_plan",
    "print_save_notes",
    "refuse_overwriting_inputs",
    "subcommand",
]

#: Subcommand name -> function taking the arguments after the name, returning the exit code.
SUBCOMMANDS: dict[str, Callable[[list[str]], int]] = {}


def subcommand(name: str) -> Callable[[Callable[[list[str]], int]], Callable[[list[str]], int]]:
    def register(fn: Callable[[list[str]], int]) -> Callable[[list[str]], int]:
        SUBCOMMANDS[name] = fn
        return fn

    return register


class UserError(Exception):
    """Bad input from the user: printed as ``planner: error: ...`` with exit code 2."""


def _format_limit(value: float, kind: type) -> str:
    if kind is int:
        return f"{int(value):,}"
    return f"{value:,g}" if abs(value) >= 1000 else f"{value:g}"


def number_option(
    name: str,
    kind: type = float,
    *,
    low: float,
    high: float,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> Callable[[str], float | int]:
    """An argparse ``type=`` for a number in a range, whose message names the range.

    Parameters
    ----------
    name : str
        The option as the user typed it (``--time-limit``).
    kind : int or float
    low, high : float
        The allowed range, inclusive unless ``low_open`` / ``high_open``.
    hint : str
        Added after the range, e.g. ``" (0.05 = 5 %)"``.

    Returns
    -------
    callable
        Raises :class:`argparse.ArgumentTypeError` for text that is not a number (of the
        kind), not finite, or outside the range: argparse then prints
        ``planner CMD: error: argument NAME: ...`` and exits with code 2.
    """
    lo, hi = _format_limit(low, kind), _format_limit(high, kind)
    if low_open and high_open:
        span = f"greater than {lo} and less than {hi}"
    elif low_open:
        span = f"greater than {lo} and at most {hi}"
    elif high_open:
        span = f"at least {lo} and less than {hi}"
    else:
        span = f"between {lo} and {hi}"
    what = "a whole number" if kind is int else "a number"

    def parse(text: str) -> float | int:
        shown = text if len(text) <= 40 else text[:39] + "…"
        value: float | int
        try:
            value = int(text) if kind is int else float(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(
                f"{name} must be {what} {span}{hint}, got {shown!r}"
            ) from None
        inside = (
            # math.isfinite would overflow on a huge int; ints are always finite.
            (isinstance(value, int) or math.isfinite(value))
            and (value > low if low_open else value >= low)
            and (value < high if high_open else value <= high)
        )
        if not inside:
            raise argparse.ArgumentTypeError(f"{name} must be {span}{hint}, got {shown}")
        return value

    return parse


def fraction_option(name: str, *, high_open: bool = False) -> Callable[[str], float | int]:
    """An argparse ``type=`` for a share from 0 to 1 (``0.05`` = 5 %)."""
    return number_option(name, low=0.0, high=1.0, high_open=high_open, hint=" (0.05 = 5 %)")


def refuse_overwriting_inputs(
    inputs: Mapping[str, Path | None], outputs: Mapping[str, Path | None]
) -> None:
    """Refuse an output that is one of the inputs, another output, or a folder.

    Paths are compared as files (:func:`os.path.samefile` when both exist, resolved paths
    otherwise), so a symlink, a hard link or a relative spelling of an input is caught.

    Parameters
    ----------
    inputs, outputs : mapping of label to path
        Labels as the user knows them: ``{"plan file": ..., "--accounts": ...}``,
        ``{"-o": ..., "--xlsx": ...}``; ``None`` paths are skipped.

    Raises
    ------
    UserError
        Naming the option, the output and the input it would overwrite.
    """
    from planner.io.files import same_file

    given_inputs = [(label, path) for label, path in inputs.items() if path is not None]
    given_outputs = [(label, path) for label, path in outputs.items() if path is not None]
    for i, (label, path) in enumerate(given_outputs):
        if path.is_dir():
            raise UserError(f"{label} {path}: is a folder; give a file name")
        for input_label, input_path in given_inputs:
            if same_file(path, input_path):
                raise UserError(
                    f"{label} {path}: is the {input_label} ({input_path}); an input is never "
                    "overwritten, write to another file"
                )
        for other_label, other in given_outputs[:i]:
            if same_file(path, other):
                raise UserError(f"{label} {path}: is also the output of {other_label}")


def add_repair_option(parser: argparse.ArgumentParser) -> None:
    """The ``--repair`` flag of commands that write a plan file."""
    parser.add_argument(
        "--repair",
        action="store_true",
        help="write the plan even if its file has duplicate, empty or dangling ids or values "
        "of the wrong type, with each repair printed (without it such a plan is refused)",
    )


def open_checked_plan(path: Path, *, writes: bool = False, repair: bool = False) -> Plan:
    """Open a plan file and deal with what is wrong in it.

    Commands that only read print each problem as a warning and go on. Commands that
    write refuse a plan whose save would change what its file holds, unless ``repair``
    (``--repair``): then each repair is printed. The baseline is never repaired.

    Raises
    ------
    UserError
        When ``writes`` and the file needs a repair the user has not asked for.
    """
    from planner.io.planfile import read_plan
    from planner.io.planfile import repair as repair_plan

    opened = read_plan(path)
    validation = opened.validation
    if validation.ok:
        return opened.plan
    if writes and validation.needs_repair and not repair:
        listed = "\n".join(f"  {line}" for line in validation.lines())
        raise UserError(
            f"{path}: the plan file has {len(validation.problems)} problem(s); nothing "
            f"written:\n{listed}\nRun again with --repair to write the plan with these "
            "repairs, or correct the file."
        )
    for line in validation.lines():
        print(f"planner: warning: {path}: {line}", file=sys.stderr)
    if writes and repair:
        for line in repair_plan(opened.plan, validation):
            print(f"repaired: {line}", file=sys.stderr)
    return opened.plan


def print_save_notes(notes: list[str]) -> None:
    """What a save changed to fit the GeoPackage format (renamed columns...)."""
    for note in notes:
        print(f"note: {note}")
