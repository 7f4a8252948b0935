"""How fast this machine does the optimiser's counted work, against the machine it was
measured on.

The territory optimiser stops on counted work, not on the clock, so that the same inputs
and seed give the same plan whatever else the machine runs (a CP-SAT solve is charged by
its deterministic time, a HiGHS solve by its iterations, a local-search step by its kind,
each at the CPU rate measured per unit of work). Those rates were measured on one machine,
the *reference*. On a slower one a counted second takes more than a second of CPU, and a
"120 s" cut-edge run took 137-196 s of CPU on the 2.4 GHz machine the figures of December
2026 were measured on (docs/optimiser.md, "Districting, ninth round").

:func:`speed` is the CPU seconds a solver's counted second takes here, against the
reference: ``optimise_territories`` multiplies the charges of its solvers (CP-SAT's
deterministic time, HiGHS's iterations) by it and divides their budgets by it
(``planner.optimise.districting.problem.WorkCounter``). The local search's steps are not
scaled: measured here they cost less CPU than they are charged. The pmedian solvers keep
their own rates. It comes, first that applies, from:

1. the environment variable ``TERRITORY_PLANNER_SPEED`` (a number; ``1`` is the reference
   machine: the tests use it, so that they ask the same work of every machine, and two
   machines given the same value give the same plans);
2. the calibration file, written by :func:`calibrate` (``planner calibrate``; ``make run``
   runs it once);
3. ``1.0``.

The factor is measured once and then fixed, so a machine keeps giving the same plans for
the same seed under any load (what counted work is for); a busy machine at calibration
time only makes every later run a little shorter. :func:`calibrate` times CP-SAT (which
does most of the counted work) on a fixed model: CPU per deterministic second, the least
of five solves of one deterministic second (a burst of other work only raises a solve's
rate), about 10 s of CPU.
"""

from __future__ import annotations

import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from planner.models.paths import user_cache_dir

ENV = "TERRITORY_PLANNER_SPEED"
#: The factor is kept within these bounds (a wrong file or variable cannot stop the search
#: or make it run for ever).
MIN_SPEED = 0.25
MAX_SPEED = 4.0
#: CPU seconds per deterministic second of the calibration model's CP-SAT solve on the
#: reference machine. That machine is gone; the rate was derived on the one the December
#: 2026 figures were measured on (AMD EPYC, 2.4 GHz, 2 cores, OR-Tools 9.15): there, on a
#: quiet machine, the calibration model took CALIBRATION_HERE s of CPU per deterministic
#: second (the least of 19 solves of one deterministic second: 2.07-2.31, so the least of
#: five is within about 2 % of it; shorter solves cost more per second, 2.6-2.8 at 0.3 s,
#: and vary as much) and the cut-edge
#: search's own solves 1.81 (AR, 45 solves with the LP), against the 1.45 their charge
#: assumes, so the reference rate is CALIBRATION_HERE * 1.45 / 1.81 and that machine's speed
#: 1.25.
CALIBRATION_HERE = 2.08
REFERENCE_RATE = CALIBRATION_HERE * 1.45 / 1.81
#: Deterministic seconds per calibration solve, and solves (the least rate is kept).
CALIBRATION_DETERMINISTIC_TIME = 1.0
CALIBRATION_SOLVES = 5


@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` measured, as written to the file."""

    speed: float
    rate: float
    reference_rate: float
    machine: str
    ortools: str
    measured_at: str
    load: float


def calibration_path() -> Path:
    """The calibration file, in the planner's cache folder (``~/.cache/territory-planner``
    on Linux; :func:`planner.models.paths.user_cache_dir`)."""
    return user_cache_dir() / "machine.json"


def machine_key() -> str:
    """The processor and core count: a calibration holds for the machine it was made on."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model} x{os.cpu_count() or 1}"


def _ortools_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ortools")
    except PackageNotFoundError:  # pragma: no cover - ortools is a dependency
        return "unknown"


def _clamp(value: float) -> float:
    return min(max(value, MIN_SPEED), MAX_SPEED)


def stored() -> Calibration | None:
    """The calibration file's contents when it was made on this machine with this OR-Tools
    (else None: a changed machine or solver needs a new calibration)."""
    try:
        data = json.loads(calibration_path().read_text(encoding="utf-8"))
        cal = Calibration(**data)
    except (OSError, ValueError, TypeError):
        return None
    if cal.machine != machine_key() or cal.ortools != _ortools_version():
        return None
    if not (math.isfinite(cal.speed) and cal.speed > 0):
        return None
    return cal


def speed() -> float:
    """CPU seconds a counted second of optimiser work takes on this machine (see the
    module's docstring for where it comes from)."""
    value = os.environ.get(ENV)
    if value:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{ENV} must be a number, got {value!r}") from None
        if not (math.isfinite(number) and number > 0):
            raise ValueError(f"{ENV} must be a positive number, got {value!r}")
        return _clamp(number)
    cal = stored()
    return _clamp(cal.speed) if cal is not None else 1.0


def _model() -> object:
    """The calibration model: a fixed random 12 x 12 grid split into four territories of
    balanced weight with the fewest cut edges, contiguity by a single-commodity flow (the
    shape of the cut-edge search's subproblems)."""
    import random

    from ortools.sat.python import cp_model

    rng = random.Random(20261204)
    side, k = 12, 4
    n = side * side
    weight = [rng.randint(50, 150) for _ in range(n)]
    edges = [(r * side + c, r * side + c + 1) for r in range(side) for c in range(side - 1)]
    edges += [(r * side + c, (r + 1) * side + c) for r in range(side - 1) for c in range(side)]
    total = sum(weight)
    lower, upper = int(total / k * 0.97), int(total / k * 1.03)
    model = cp_model.CpModel()
    x = [[model.new_bool_var("") for _ in range(k)] for _ in range(n)]
    root = [[model.new_bool_var("") for _ in range(k)] for _ in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
        for t in range(k):
            model.add_implication(root[i][t], x[i][t])
    for t in range(k):
        model.add_exactly_one(root[i][t] for i in range(n))
        load = sum(weight[i] * x[i][t] for i in range(n))
        model.add(load >= lower)
        model.add(load <= upper)
    cut = []
    flow = {}
    for i, j in edges:
        c = model.new_bool_var("")
        for t in range(k):
            model.add(x[i][t] - x[j][t] <= c)
            model.add(x[j][t] - x[i][t] <= c)
        cut.append(c)
        for a, b in ((i, j), (j, i)):
            flow[a, b] = model.new_int_var(0, n, "")
            model.add(flow[a, b] == 0).only_enforce_if(c)
    for i in range(n):
        out = sum(f for (a, _), f in flow.items() if a == i)
        inflow = sum(f for (_, b), f in flow.items() if b == i)
        is_root = sum(root[i])
        model.add(inflow - out + n * is_root >= 1)
    model.minimize(sum(cut))
    return model


def measure_rate(solves: int = CALIBRATION_SOLVES) -> float:
    """CP-SAT's CPU seconds per deterministic second on the calibration model here (the
    least over ``solves`` solves on one worker)."""
    from ortools.sat.python import cp_model

    model = _model()
    best = math.inf
    for _ in range(max(solves, 1)):
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.max_deterministic_time = CALIBRATION_DETERMINISTIC_TIME
        solver.parameters.max_time_in_seconds = 60.0
        cpu = time.process_time()
        solver.solve(model)  # type: ignore[arg-type]
        used = time.process_time() - cpu
        det = float(solver.response_proto.deterministic_time)
        if det > 0:
            best = min(best, used / det)
    if not math.isfinite(best):
        raise RuntimeError("the calibration solve reported no deterministic time")
    return best


def calibrate(write: bool = True) -> Calibration:
    """Measure this machine's speed and (``write``) store it in the calibration file."""
    rate = measure_rate()
    cal = Calibration(
        speed=round(_clamp(rate / REFERENCE_RATE), 3),
        rate=round(rate, 4),
        reference_rate=round(REFERENCE_RATE, 4),
        machine=machine_key(),
        ortools=_ortools_version(),
        measured_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        load=round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else -1.0,
    )
    if write:
        path = calibration_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(cal), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
    return cal
