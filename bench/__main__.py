"""Run benchmarks: ``python -m bench [NAME ...] [--size N] [--data DIR] [--busy]``.

``--busy`` runs them while another process keeps one core busy (``while 1: pass``), so a
figure can be read beside its quiet run: work limits that are counted give the same result.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
from contextlib import ExitStack
from pathlib import Path


def available() -> list[str]:
    """Names of every benchmark module in this package."""
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(names)}")
    parser.add_argument("--size", type=int, default=None, help="problem size (e.g. accounts)")
    parser.add_argument("--data", type=Path, default=None, help="folder of instance files")
    parser.add_argument(
        "--busy", action="store_true", help="keep one core busy in another process meanwhile"
    )
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(names)}")
    with ExitStack() as stack:
        if args.busy:
            from bench._routing import busy_core

            stack.enter_context(busy_core())
        return _run_all(args.names or names, args)


def _run_all(selected: list[str], args: argparse.Namespace) -> int:
    from planner.optimise import machine

    # The time limits below are counted at this speed (planner/optimise/machine.py).
    cal = machine.stored()
    if os.environ.get(machine.ENV):
        where = f"from {machine.ENV}"
    elif cal is not None:
        where = f"calibrated {cal.measured_at} at load {cal.load}"
    else:
        where = "not calibrated: run `planner calibrate`"
    print(f"# machine speed {machine.speed():.3f} s of CPU per counted second, {where}")
    failed = 0
    for name in selected:
        module = importlib.import_module(f"bench.{name}")
        try:
            module.run(args.size, args.data)
        except Exception:
            failed += 1
            print(f"{name}.error 1 count  # {traceback.format_exc().splitlines()[-1]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
