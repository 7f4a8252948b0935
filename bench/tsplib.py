"""TSPLIB symmetric TSP: the routing engine's tour against published optimal tour lengths.

``python -m bench tsplib [--size N] [--data DIR]`` solves every ``*.tsp`` file in the folder
(default ``../shared/bench-data/tsplib``) whose dimension is at most ``N`` (default 280) with
:func:`planner.optimise.vrp_engine.solve_tsp` (5 s cap each), using TSPLIB's own integer
distance functions, and prints per instance ``tsplib.NAME.gap`` to the optimum listed in the
folder's ``solutions`` file and ``tsplib.NAME.time`` with CPU time and the load average.

Then generated instances of the same family (uniform ``U`` and clustered ``C``, 100 and 200
nodes; see :mod:`bench._routing`): seed 1 is the tuning part, seeds 101 and 102 are held out
(measured only); their reference is a long run (60 s cap). ``python -m bench tsplib_busy`` runs
the same while another process keeps one core busy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench._common import data_dir, figure
from bench._routing import (
    generated_tsp,
    is_held_out,
    load_note,
    parse_name,
    reference,
    time_figures,
    timed,
)

#: Default largest instance to run; ``--size`` overrides.
DEFAULT_MAX_SIZE = 280


@dataclass
class TsplibInstance:
    """The parts of a TSPLIB file the benchmarks use.

    ``coords`` is ``None`` for ``EXPLICIT`` instances, whose ``matrix`` is read from the file.
    """

    name: str
    dimension: int
    edge_weight_type: str
    header: dict[str, str]
    coords: np.ndarray | None
    matrix: np.ndarray | None
    sections: dict[str, list[list[str]]]


def read_tsplib(path: Path) -> TsplibInstance:
    """Read a TSPLIB95 / CVRPLIB text file (TSP, CVRP, CVRPTW) into its header and sections."""
    header: dict[str, str] = {}
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        key = line.split(":")[0].strip().upper()
        if key.endswith("_SECTION"):
            current = sections.setdefault(key, [])
            continue
        if ":" in line and not _is_number(line.split()[0]):
            current = None
            name, _, value = line.partition(":")
            header[name.strip().upper()] = value.strip()
            continue
        if current is not None:
            current.append(line.split())
    dimension = int(header["DIMENSION"])
    kind = header.get("EDGE_WEIGHT_TYPE", "").upper()
    coords = None
    matrix = None
    if "NODE_COORD_SECTION" in sections:
        rows = sections["NODE_COORD_SECTION"][:dimension]
        coords = np.array([[float(r[1]), float(r[2])] for r in rows])
    if kind == "EXPLICIT":
        values = np.array(
            [float(v) for row in sections["EDGE_WEIGHT_SECTION"] for v in row], dtype=float
        )
        matrix = _explicit_matrix(values, dimension, header.get("EDGE_WEIGHT_FORMAT", "").upper())
    return TsplibInstance(
        name=header.get("NAME", path.stem).split(".")[0].strip(),
        dimension=dimension,
        edge_weight_type=kind,
        header=header,
        coords=coords,
        matrix=matrix,
        sections=sections,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _explicit_matrix(values: np.ndarray, n: int, fmt: str) -> np.ndarray:
    """Expand an ``EDGE_WEIGHT_SECTION`` into a full symmetric matrix."""
    if fmt == "FULL_MATRIX":
        return values[: n * n].reshape(n, n)
    full = np.zeros((n, n))
    if fmt in ("UPPER_ROW", "LOWER_COL"):
        rows, cols = np.triu_indices(n, k=1)
    elif fmt in ("LOWER_ROW", "UPPER_COL"):
        rows, cols = np.tril_indices(n, k=-1)
    elif fmt in ("UPPER_DIAG_ROW", "LOWER_DIAG_COL"):
        rows, cols = np.triu_indices(n)
    elif fmt in ("LOWER_DIAG_ROW", "UPPER_DIAG_COL"):
        rows, cols = np.tril_indices(n)
    else:
        raise ValueError(f"EDGE_WEIGHT_FORMAT {fmt!r} is not supported")
    full[rows, cols] = values[: rows.size]
    full[cols, rows] = values[: rows.size]
    return full


def tsplib_distances(instance: TsplibInstance) -> np.ndarray:
    """Integer distance matrix under TSPLIB95's rule for the instance's ``EDGE_WEIGHT_TYPE``.

    EUC_2D is nint(Euclidean), CEIL_2D rounds up, ATT is the pseudo-Euclidean distance and GEO
    the TSPLIB geographic distance (coordinates as DDD.MM, Earth radius 6378.388 km).
    """
    kind = instance.edge_weight_type
    if kind == "EXPLICIT":
        assert instance.matrix is not None
        return np.rint(instance.matrix).astype(np.int64)
    assert instance.coords is not None
    xy = instance.coords
    dx = xy[:, None, 0] - xy[None, :, 0]
    dy = xy[:, None, 1] - xy[None, :, 1]
    if kind == "EUC_2D":
        return np.floor(np.sqrt(dx * dx + dy * dy) + 0.5).astype(np.int64)
    if kind == "CEIL_2D":
        return np.ceil(np.sqrt(dx * dx + dy * dy)).astype(np.int64)
    if kind == "ATT":
        r = np.sqrt((dx * dx + dy * dy) / 10.0)
        t = np.floor(r + 0.5)
        return np.where(t < r, t + 1, t).astype(np.int64)
    if kind == "GEO":
        # TSPLIB's GEO: degrees are truncated to an int (not floored), minutes kept as DDD.MM.
        deg = np.trunc(xy)
        rad = math.pi * (deg + 5.0 * (xy - deg) / 3.0) / 180.0
        lat, lon = rad[:, 0], rad[:, 1]
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        arg = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)
        d = (6378.388 * np.arccos(np.clip(arg, -1.0, 1.0)) + 1.0).astype(np.int64)
        np.fill_diagonal(d, 0)
        return d
    raise ValueError(f"EDGE_WEIGHT_TYPE {kind!r} is not supported")


def read_solutions(path: Path) -> dict[str, int]:
    """TSPLIB's ``solutions`` file: ``name : value`` per line (annotations after the value)."""
    values: dict[str, int] = {}
    if not path.exists():
        return values
    for line in path.read_text().splitlines():
        name, _, rest = line.partition(":")
        if rest.strip():
            values[name.strip()] = int(rest.split()[0])
    return values


#: Wall-clock cap per instance (the search normally ends on convergence, well before).
TIME_CAP_S = 5.0
GENERATED = ("U100-s1", "C100-s1", "U100-s101", "C100-s101", "U200-s102", "C200-s102")


def tour_length(dist: np.ndarray, order: list[int]) -> int:
    """Length of the closed tour visiting ``order`` and returning to its first node."""
    idx = np.asarray(order)
    return int(dist[idx, np.roll(idx, -1)].sum())


def run(size: int | None, data: Path | None) -> None:
    """Solve each instance of at most ``size`` nodes and print its gap and time."""
    from planner.optimise.vrp_engine import solve_tsp

    folder = data_dir(data, "tsplib")
    max_size = size if size is not None else DEFAULT_MAX_SIZE
    optima = read_solutions(folder / "solutions")
    files = sorted(folder.glob("*.tsp"))
    instances = [read_tsplib(p) for p in files]
    instances = sorted((i for i in instances if i.dimension <= max_size), key=lambda i: i.dimension)
    print(
        f"# tsplib: {len(instances)} of {len(files)} instances with n <= {max_size} in {folder}, "
        f"{load_note()}",
        flush=True,
    )
    gaps = []
    for inst in instances:
        dist = tsplib_distances(inst)
        tour, wall, cpu = timed(lambda d=dist: solve_tsp(d, max_seconds=TIME_CAP_S))
        length = tour_length(dist, tour.order)
        if sorted(tour.order) != list(range(inst.dimension)) or length != tour.cost:
            raise AssertionError(f"{inst.name}: tour is not a permutation or its cost is wrong")
        best = optima.get(inst.name)
        if best is not None:
            gap = 100.0 * (length - best) / best
            gaps.append(gap)
            note = f"n={inst.dimension}, length {length}, optimum {best}"
            if length < best:
                note += "; BELOW THE OPTIMUM: a distance bug"
            figure(f"tsplib.{inst.name}.gap", gap, "%", note)
        else:
            print(f"# tsplib.{inst.name}: length {length}, no optimum in solutions", flush=True)
        time_figures(f"tsplib.{inst.name}", wall, cpu, TIME_CAP_S)
    if gaps:
        figure("tsplib.mean_gap", float(np.mean(gaps)), "%", f"{len(gaps)} instances")
        figure("tsplib.max_gap", float(np.max(gaps)), "%")
    held = []
    for name in GENERATED:
        if parse_name(name)[1] > max_size:
            continue
        dist = generated_tsp(name)
        best = reference(
            f"tsp.{name}",
            lambda d=dist: solve_tsp(d, max_seconds=60.0).cost,
        )
        tour, wall, cpu = timed(lambda d=dist: solve_tsp(d, max_seconds=TIME_CAP_S))
        gap = 100.0 * (tour.cost - best) / best
        part = "held out" if is_held_out(name) else "tuning"
        if is_held_out(name):
            held.append(gap)
        figure(f"tsplib.{name}.gap", gap, "%", f"{part}, length {tour.cost}, long run {best}")
        time_figures(f"tsplib.{name}", wall, cpu, TIME_CAP_S)
    if held:
        figure("tsplib.held_out_max_gap", float(np.max(held)), "%", f"{len(held)} instances")
