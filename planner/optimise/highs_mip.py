"""Mixed-integer models built with OR-Tools' ``pywraplp``, solved by HiGHS.

SCIP as shipped with OR-Tools is not reproducible on the border model of a plan the size of
the demo: its first LP took 4,398, 4,470, 4,531 or 4,800 simplex iterations on the same
model in the same process, with timing disabled, symmetry off and a fixed pricing rule,
and the plans differed from there (docs/optimiser.md, "The border model on HiGHS"). HiGHS
(``highspy``) gives the same iterations, nodes and plan on every run, loaded or not, so the
model is built as before and handed to HiGHS here.

HiGHS has no deterministic time limit either: a solve is bounded by nodes (and whatever
the root takes, which is a function of the model alone); the wall clock is a safety net
only. Cancellation stops it between simplex iterations and nodes.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MipOutcome:
    """What a HiGHS solve returned."""

    #: ``optimal``, ``feasible`` (stopped by a limit with a solution), ``infeasible``
    #: or ``none`` (stopped without a solution, or an error).
    status: str
    #: Value per variable of the model (its index), or None without a solution.
    values: FloatArray | None
    objective: float
    lp_iterations: int
    nodes: int
    #: Stopped by ``cancelled`` or by the wall-clock safety net.
    interrupted: bool

    @property
    def has_solution(self) -> bool:
        return self.values is not None


_FIRST = threading.Lock()
_banner_done = False


def _silent_highs() -> Any:
    """A ``Highs`` that prints nothing.

    The first one made in a process prints HiGHS's banner on the standard output before
    any option can be set (the command line's output would start with it), so standard
    output is closed for that moment.
    """
    import highspy

    global _banner_done
    with _FIRST:
        if _banner_done:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_done = True
    h.setOptionValue("output_flag", False)
    return h


def _to_highs(h: Any, solver: Any) -> None:
    """Pass ``solver``'s model (objective, bounds, rows, integrality) to ``h``."""
    import highspy
    from ortools.linear_solver import linear_solver_pb2

    proto = linear_solver_pb2.MPModelProto()
    solver.ExportModelToProto(proto)
    inf = highspy.kHighsInf
    variables = proto.variable
    n = len(variables)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(proto.constraint)
    lp.col_cost_ = np.array([v.objective_coefficient for v in variables], dtype=np.float64)
    lower = np.array([v.lower_bound for v in variables], dtype=np.float64)
    upper = np.array([v.upper_bound for v in variables], dtype=np.float64)
    lp.col_lower_ = np.where(np.isfinite(lower), lower, -inf)
    lp.col_upper_ = np.where(np.isfinite(upper), upper, inf)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    row_lower = np.empty(lp.num_row_)
    row_upper = np.empty(lp.num_row_)
    for r, c in enumerate(proto.constraint):
        index.extend(c.var_index)
        value.extend(c.coefficient)
        starts.append(len(index))
        row_lower[r] = c.lower_bound
        row_upper[r] = c.upper_bound
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    lp.offset_ = float(proto.objective_offset)
    lp.sense_ = highspy.ObjSense.kMaximize if proto.maximize else highspy.ObjSense.kMinimize
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if v.is_integer else highspy.HighsVarType.kContinuous
        for v in variables
    ]
    h.passModel(lp)


def solve_with_highs(
    solver: Any,
    *,
    node_limit: int,
    hint: tuple[Sequence[Any], Sequence[float]] | None = None,
    cancelled: Callable[[], bool] | None = None,
    wall_limit: float | None = None,
    rel_gap: float = 0.0,
    options: Mapping[str, bool | int | float | str] | None = None,
) -> MipOutcome:
    """Solve the model built in the ``pywraplp`` ``solver`` with HiGHS on one thread.

    ``hint``: variables of the model and their values, a (partial) start that HiGHS
    completes. ``node_limit`` bounds the branch and bound; ``wall_limit`` (seconds) is a
    safety net that makes the result depend on the machine, so give it room. ``options``:
    further HiGHS options by name (e.g. ``mip_heuristic_run_rins``), set after the ones
    above; an unknown name or a value HiGHS refuses raises :class:`ValueError`.
    """
    import highspy

    h = _silent_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    h.setOptionValue("mip_max_nodes", max(int(node_limit), 0))
    for name, value in (options or {}).items():
        if h.setOptionValue(name, value) != highspy.HighsStatus.kOk:
            raise ValueError(f"HiGHS refused the option {name} = {value!r}")
    _to_highs(h, solver)
    if hint is not None:
        variables, start = hint
        index = np.array([v.index() for v in variables], dtype=np.int32)
        h.setSolution(len(index), index, np.asarray(start, dtype=np.float64))
    stop = threading.Event()

    def interrupt(event: Any) -> None:
        if stop.is_set() or (cancelled is not None and cancelled()):
            stop.set()
            event.interrupt()

    h.cbSimplexInterrupt += interrupt
    h.cbMipInterrupt += interrupt
    timer = None
    if wall_limit is not None:
        timer = threading.Timer(max(float(wall_limit), 0.0), stop.set)
        timer.daemon = True
        timer.start()
    try:
        h.run()
    finally:
        if timer is not None:
            timer.cancel()
    status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    has = int(info.primal_solution_status) == 2  # kSolutionStatusFeasible
    if status == ms.kOptimal:
        kind = "optimal"
    elif status == ms.kInfeasible:
        kind = "infeasible"
    else:
        kind = "feasible" if has else "none"
    values = np.array(h.getSolution().col_value, dtype=np.float64) if has else None
    return MipOutcome(
        status=kind,
        values=values,
        objective=float(info.objective_function_value) if has else float("nan"),
        lp_iterations=int(info.simplex_iteration_count),
        nodes=int(info.mip_node_count),
        interrupted=stop.is_set(),
    )
