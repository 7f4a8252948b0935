"""The edit loop through the real window: a lasso of 40 moves, then release.

``lasso_preview`` times the model alone; this times what the planner waits for. The real
:class:`~planner.ui.main_window.MainWindow` (offscreen) opens a generated plan with every
dock shown, none tabbed behind another, the Lasso tool is chosen and real mouse events go
to the map canvas. ``EDIT_LOOP_LAYOUT`` chooses how the docks are shown: ``floated`` (the
default, as the figures before were measured: each dock a window of its own beside a
1400 × 900 main window) or ``docked`` (side by side in a 2560 × 1440 window, as on a
large screen; the map is larger). Each figure runs from the mouse event
until the event loop is idle again: the preview or the applied edit has reached the balance
table, the chart, the disruption and problems panels, the map and the routes panel, and
everything has painted (``repaint()`` of every visible dock and of the canvas).

Figures (median and p95 over the moves; one release per run, three runs):

- ``edit_loop.move_100k``: 100,000 accounts, 3,000 units. Budget median 16 ms, p95 33 ms.
- ``edit_loop.release_100k``: until every view shows the applied lasso. Budget 50 ms.
- ``edit_loop.move_1m`` / ``release_1m``: 1,000,000 accounts over the 33,000 ZIP areas of
  the contiguous US (``create_national``'s plan cut into 300 compact territories, built
  once and cached). Budgets 50 ms / 150 ms.

Each view's own CPU time per move and per release is printed too
(``edit_loop.move_100k.view.<module>.<view>``, timed by the refresh scheduler around each
view; the balance and disruption a refresh shares are counted in the first view asking).
With ``EDIT_LOOP_PROFILE=DIR`` set, the moves and the releases are profiled (cProfile) into
``DIR/move_N.prof`` and ``DIR/release_N.prof``.

CPU time of the process is printed beside the wall time, and the load average, since the
machine is shared.
"""

from __future__ import annotations

import cProfile
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bench._common import figure, ratio
from bench._synthetic import size_label

SIZES = (100_000, 1_000_000)
MOVES = 40
RUNS = 3
BUDGETS_MS = {
    100_000: {"move": 16.0, "move_p95": 33.0, "release": 50.0},
    1_000_000: {"move": 50.0, "move_p95": 100.0, "release": 150.0},
}
NATIONAL_TERRITORIES = 300


def plan_path(n: int) -> Path:
    """The plan file of a size: 1M accounts over the national ZIP areas, else a region."""
    if n == 1_000_000:
        return national_plan_path()
    from bench._synthetic import generated_plan_path

    return generated_plan_path(n)


def national_plan_path(k: int = NATIONAL_TERRITORIES) -> Path:
    """The national 1M-account plan (33,000 ZIP areas) cut into ``k`` compact territories.

    Built once from ``create_national``'s plan (which has no territories) and cached.
    """
    from bench._synthetic import cache_dir, cluster_units

    path = cache_dir() / f"edit-national-1m-k{k}-v1.gpkg"
    if path.exists():
        return path
    import pandas as pd
    import shapely

    from bench.create_national import plan_path as national_path
    from planner.io.planfile import open_plan, save_plan
    from planner.models.plan import Plan
    from planner.models.schema import palette_color

    source = open_plan(national_path(1_000_000))
    centre = shapely.point_on_surface(source.units.geometry.to_numpy())
    ulon, ulat = shapely.get_x(centre), shapely.get_y(centre)
    counts = np.bincount(source.account_unit[source.account_unit >= 0], minlength=source.n_units)
    weight = counts.astype(float) + 1.0
    unit_territory = cluster_units(ulon, ulat, weight, k, np.random.default_rng(0))
    ids = np.array([f"T{i + 1:03d}" for i in range(k)], dtype=object)
    accounts = source.accounts_frame()
    inside = source.account_unit >= 0
    accounts["territory_id"] = np.where(
        inside, ids[unit_territory[np.maximum(source.account_unit, 0)]], None
    )
    accounts["baseline_territory_id"] = accounts["territory_id"]
    units = source.units_frame()
    units["territory_id"] = ids[unit_territory]
    mass = np.bincount(unit_territory, weights=weight, minlength=k)
    hx = np.bincount(unit_territory, weights=weight * ulon, minlength=k) / mass
    hy = np.bincount(unit_territory, weights=weight * ulat, minlength=k) / mass
    reps = pd.DataFrame(
        {
            "rep_id": [f"R{i + 1:03d}" for i in range(k)],
            "name": [f"Rep {i + 1}" for i in range(k)],
            "capacity_hours": 1600.0,
            "lon": hx,
            "lat": hy,
        }
    )
    territories = pd.DataFrame(
        {
            "territory_id": ids,
            "name": [f"Territory {i + 1}" for i in range(k)],
            "rep_id": reps["rep_id"],
            "color": [palette_color(i) for i in range(k)],
            "geometry_source": "units",
        }
    )
    plan = Plan(accounts, units, territories, reps, name=f"National (1M accounts, {k} territories)")
    save_plan(plan, path)
    return path


LAYOUTS = ("docked", "floated")


def layout() -> str:
    """The dock layout of the run: ``EDIT_LOOP_LAYOUT`` (``floated`` unless set)."""
    chosen = os.environ.get("EDIT_LOOP_LAYOUT", "floated")
    if chosen not in LAYOUTS:
        raise ValueError(f"EDIT_LOOP_LAYOUT must be one of {', '.join(LAYOUTS)}, not {chosen!r}")
    return chosen


def arrange_docks(window: object, docks: list, how: str) -> None:
    """Show every dock: side by side in a large window, or each floated as its own window.

    ``docked``: a 2560 × 1440 window (a large screen) with the map in the middle, the legend
    on the left, balance, chart and disruption split on the right and the other panels side
    by side along the bottom; no dock is tabbed behind another. ``floated``: a 1400 × 900
    window and every dock a top-level window of its own beside it (each flushed separately).
    """
    from PySide6.QtCore import Qt

    win = window  # a MainWindow
    if how == "floated":
        win.resize(1400, 900)  # type: ignore[attr-defined]
        win.show()  # type: ignore[attr-defined]
        for i, dock in enumerate(docks):
            dock.setFloating(True)
            dock.resize(520, 360)
            dock.move(1420 + 40 * (i % 4), 40 + 90 * i)
            dock.show()
        return
    right = Qt.DockWidgetArea.RightDockWidgetArea
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    left = Qt.DockWidgetArea.LeftDockWidgetArea
    names = {d.objectName(): d for d in docks}
    side = [names.pop(n) for n in ("balanceDock", "balanceChartDock", "disruptionDock")]
    legend = [names.pop(n) for n in ("legendDock",) if n in names]
    below = list(names.values())
    for dock in legend:
        win.addDockWidget(left, dock)  # type: ignore[attr-defined]
    for dock in side:
        win.addDockWidget(right, dock, Qt.Orientation.Vertical)  # type: ignore[attr-defined]
    for dock in below:
        win.addDockWidget(bottom, dock, Qt.Orientation.Horizontal)  # type: ignore[attr-defined]
    for dock in docks:
        dock.setFloating(False)
        dock.show()
    win.resize(2560, 1440)  # type: ignore[attr-defined]
    win.show()  # type: ignore[attr-defined]
    win.resizeDocks(side, [560, 560, 560], Qt.Orientation.Horizontal)  # type: ignore[attr-defined]
    win.resizeDocks(side, [520, 360, 300], Qt.Orientation.Vertical)  # type: ignore[attr-defined]
    win.resizeDocks(below[:1], [360], Qt.Orientation.Vertical)  # type: ignore[attr-defined]


def check_visible(docks: list, how: str) -> None:
    """Every dock is shown (a dock tabbed behind another is not) at a readable size."""
    hidden = [
        d.objectName()
        for d in docks
        if not d.widget().isVisible() or min(d.widget().width(), d.widget().height()) < 80
    ]
    if hidden:
        raise RuntimeError(f"docks not visible in the {how} layout: {', '.join(hidden)}")


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def lasso_path(plan: object, vertices: int) -> tuple[np.ndarray, np.ndarray]:
    """A wobbly closed path around the plan's median account, about 1/10 of its width."""
    lon = plan.accounts["lon"].to_numpy()  # type: ignore[attr-defined]
    lat = plan.accounts["lat"].to_numpy()  # type: ignore[attr-defined]
    cx, cy = np.nanmedian(lon), np.nanmedian(lat)
    r = (np.nanpercentile(lon, 95) - np.nanpercentile(lon, 5)) / 12
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    wobble = 1 + 0.15 * np.sin(7 * t)
    return cx + r * wobble * np.cos(t), cy + 0.8 * r * wobble * np.sin(t)


def run(size: int | None, data: Path | None) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for n in (size,) if size else SIZES:
        run_size(n)


def run_size(n: int) -> None:
    from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication, QDockWidget

    from planner.io.planfile import open_plan
    from planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    path = plan_path(n)
    start = time.perf_counter()
    plan = open_plan(path)
    opened_s = time.perf_counter() - start
    label = size_label(plan.n_accounts) if plan.n_accounts != n else size_label(n)

    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        docks = [d for d in window.findChildren(QDockWidget)]
        arrange_docks(window, docks, layout())
        window.set_plan(plan, None)
        window.canvas.zoom_to_extent()
        canvas = window.canvas

        def settle() -> None:
            # Until nothing is left to do: the deferred refresh of the turn, then the paint
            # events it posted (the map, the table, the chart and panels that changed).
            for _ in range(3):
                app.processEvents()

        settle()
        check_visible(docks, layout())
        if os.environ.get("EDIT_LOOP_SHOT"):
            window.grab().save(os.environ["EDIT_LOOP_SHOT"])
        window.set_tool("lasso")
        # The target: a territory away from the lasso's centre, so the lasso moves accounts.
        target = int(np.bincount(plan.account_territory[plan.account_territory >= 0]).argmin())
        window.editing.set_target(target) if hasattr(window, "editing") else None
        if hasattr(window, "target_combo"):
            window.target_combo.setCurrentIndex(window.target_combo.findData(target))
        lon, lat = lasso_path(plan, 4 * MOVES + 8)

        def send(kind: QEvent.Type, x: float, y: float, buttons: Qt.MouseButton) -> None:
            button = (
                Qt.MouseButton.NoButton
                if kind == QEvent.Type.MouseMove
                else Qt.MouseButton.LeftButton
            )
            pos = QPointF(x, y)
            event = QMouseEvent(
                kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier
            )
            QApplication.sendEvent(canvas, event)

        profile_dir = os.environ.get("EDIT_LOOP_PROFILE")
        move_profile = cProfile.Profile() if profile_dir else None
        release_profile = cProfile.Profile() if profile_dir else None
        scheduler = window.context.refresh
        move_views: dict[str, float] = {}
        release_views: dict[str, float] = {}
        moves: list[float] = []
        moves_cpu: list[float] = []
        releases: list[float] = []
        releases_cpu: list[float] = []
        moved = 0
        for _run in range(RUNS):
            sx, sy = canvas.lonlat_to_screen(lon, lat)
            sx, sy = np.asarray(sx, float), np.asarray(sy, float)
            send(QEvent.Type.MouseButtonPress, sx[0], sy[0], Qt.MouseButton.LeftButton)
            settle()
            for m in range(1, MOVES + 1):
                # The moves spread over the whole path, so the last one ends where the
                # button is released, as a real mouse does: the release comes at the
                # cursor's position, which the last move event put there.
                k = round(m * (len(sx) - 1) / MOVES)
                wall, cpu = time.perf_counter(), time.process_time()
                if move_profile:
                    move_profile.enable()
                scheduler.view_seconds = move_views
                send(QEvent.Type.MouseMove, sx[k], sy[k], Qt.MouseButton.LeftButton)
                settle()
                if move_profile:
                    move_profile.disable()
                moves.append(time.perf_counter() - wall)
                moves_cpu.append(time.process_time() - cpu)
            count = window.undo_stack.index()
            wall, cpu = time.perf_counter(), time.process_time()
            if release_profile:
                release_profile.enable()
            scheduler.view_seconds = release_views
            send(QEvent.Type.MouseButtonRelease, sx[-1], sy[-1], Qt.MouseButton.NoButton)
            settle()
            if release_profile:
                release_profile.disable()
            scheduler.view_seconds = None
            releases.append(time.perf_counter() - wall)
            releases_cpu.append(time.process_time() - cpu)
            if window.undo_stack.index() != count + 1:
                raise RuntimeError(
                    "the lasso did not apply one undo step: " + window.statusBar().currentMessage()
                )
            moved = len(
                window.undo_stack.command(window.undo_stack.index() - 1).change.account_indices
            )  # type: ignore[attr-defined]
            window.undo_stack.undo()
            settle()
        scheduler.view_seconds = None
        if profile_dir and move_profile and release_profile:
            Path(profile_dir).mkdir(parents=True, exist_ok=True)
            move_profile.dump_stats(str(Path(profile_dir) / f"move_{n}.prof"))
            release_profile.dump_stats(str(Path(profile_dir) / f"release_{n}.prof"))
        window.dirty = False
        window.close()
        window.deleteLater()
        app.processEvents()

    for what, views, count in (("move", move_views, len(moves)), ("release", release_views, RUNS)):
        for name, seconds in sorted(views.items(), key=lambda kv: -kv[1]):
            view = name.replace("<lambda>", "lambda")
            figure(f"edit_loop.{what}_{label}.view.{view}", seconds / count * 1000, "ms CPU")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    budgets = BUDGETS_MS.get(n, BUDGETS_MS[100_000])
    note = (
        f"{plan.n_accounts:,} accounts, {plan.n_units:,} units, {plan.n_territories} territories; "
        f"docks {layout()}; load {load}"
    )
    ratio(f"edit_loop.move_{label}", statistics.median(moves) * 1000, budgets["move"], "ms")
    ratio(f"edit_loop.move_{label}_p95", p95(moves) * 1000, budgets["move_p95"], "ms")
    figure(f"edit_loop.move_{label}_cpu", statistics.median(moves_cpu) * 1000, "ms", note)
    ratio(
        f"edit_loop.release_{label}", statistics.median(releases) * 1000, budgets["release"], "ms"
    )
    figure(
        f"edit_loop.release_{label}_cpu",
        statistics.median(releases_cpu) * 1000,
        "ms",
        f"{moved:,} accounts moved; plan opened in {opened_s:.1f} s; {note}",
    )
