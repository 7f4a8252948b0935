"""Map canvas redraw times: full, after a pan, after a recolour; and the drawing alternatives.

Synthetic, seeded data: 3,000 Voronoi units over a Kansas-sized box, 40 territories (units
nearest to 40 seeds), accounts half spread evenly and half around 30 towns. Times are medians of
``render_image(1400, 900)`` (everything the widget paints, overlays included) on the offscreen
Qt platform. ``--size N`` runs one account count instead of both 100,000 and 1,000,000.

National figures (``full_national``, ``pan_national``, ``recolour_national``,
``zoom_national``): the ZIP areas of the contiguous US (about 33,000, from the bundled
geography, :func:`planner.io.us_units.national_units`), 1,000,000 accounts sampled inside them
(denser in small, urban ZIP areas), 200 territories of compact clusters of units. They are timed
through the real widget: the canvas is shown (offscreen) at 1400x900 and ``repaint()`` runs its
``paintEvent``. Each figure prints the median wall time, the 95th percentile, the median CPU
time and the load average. The generated accounts are cached in the benchmark cache folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from bench._common import figure, time_call

WIDTH, HEIGHT = 1400, 900
UNITS = 3000
TERRITORIES = 40
BOX = (-102.0, 37.0, -94.6, 40.0)
BUDGET_FULL = {100_000: 50.0, 1_000_000: 250.0}
BUDGET_PAN = 33.0
BUDGET_FULL_NATIONAL = 100.0
BUDGET_PAN_NATIONAL = 33.0
NATIONAL_ACCOUNTS = 1_000_000
NATIONAL_TERRITORIES = 200


def make_data(accounts: int, seed: int = 0, units: int = UNITS) -> dict[str, np.ndarray]:
    """Units, territory of each unit, territory colours and accounts (all seeded)."""
    import shapely

    rng = np.random.default_rng(seed)
    lon0, lat0, lon1, lat1 = BOX
    box = shapely.box(*BOX)
    seeds = shapely.multipoints(
        np.column_stack([rng.uniform(lon0, lon1, units), rng.uniform(lat0, lat1, units)])
    )
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=box))
    units = shapely.intersection(cells, box)
    centre = shapely.centroid(units)
    ux, uy = shapely.get_x(centre), shapely.get_y(centre)
    tx, ty = rng.uniform(lon0, lon1, TERRITORIES), rng.uniform(lat0, lat1, TERRITORIES)
    territory = np.argmin((ux[:, None] - tx) ** 2 + (uy[:, None] - ty) ** 2, axis=1)
    hue = np.linspace(0, 1, TERRITORIES, endpoint=False)
    palette = np.column_stack(
        [
            127 + 100 * np.cos(2 * np.pi * hue),
            127 + 100 * np.cos(2 * np.pi * (hue - 1 / 3)),
            127 + 100 * np.cos(2 * np.pi * (hue - 2 / 3)),
        ]
    ).astype(np.uint8)
    spread = accounts // 2
    towns = np.column_stack([rng.uniform(lon0, lon1, 30), rng.uniform(lat0, lat1, 30)])
    town = rng.integers(0, 30, accounts - spread)
    lon = np.r_[rng.uniform(lon0, lon1, spread), towns[town, 0] + rng.normal(0, 0.15, len(town))]
    lat = np.r_[rng.uniform(lat0, lat1, spread), towns[town, 1] + rng.normal(0, 0.1, len(town))]
    return {
        "units": units,
        "territory": territory,
        "palette": palette,
        "rep_lon": tx,
        "rep_lat": ty,
        "lon": lon,
        "lat": lat,
    }


def _rgba(rgb: np.ndarray, alpha: int) -> np.ndarray:
    out = np.empty((len(rgb), 4), dtype=np.uint8)
    out[:, :3] = rgb
    out[:, 3] = alpha
    return out


def _account_rgba(data: dict[str, np.ndarray]) -> np.ndarray:
    """Accounts take a darker shade of their unit's territory colour (as in the app)."""
    import shapely

    if "unit_of" in data:
        unit = data["unit_of"]
    else:
        tree = shapely.STRtree(data["units"])
        hit = tree.query(shapely.points(data["lon"], data["lat"]), predicate="within")
        unit = np.full(len(data["lon"]), -1)
        unit[hit[0]] = hit[1]
    rgb = np.full((len(unit), 3), 90, dtype=np.uint8)
    ok = unit >= 0
    rgb[ok] = (data["palette"][data["territory"][unit[ok]]] * 0.55).astype(np.uint8)
    return _rgba(rgb, 255)


def _binding_drops_none_refs() -> bool:
    """True for Qt bindings that lose a reference to None on every void call (crash soon)."""
    from PySide6.QtCore import QPointF

    point = QPointF()
    before = sys.getrefcount(None)
    for _ in range(200):
        point.setX(1.0)
    return sys.getrefcount(None) < before - 100


def timed(name: str, fn, budget: float | None = None, note: str = "", repeat: int = 5) -> None:
    """Print the median wall time of ``fn`` with its CPU time and the machine load.

    Wall time is the figure (it is what a user waits); CPU time shows how much of it is the
    canvas's own work when other processes share the cores.
    """
    import time

    cpu: list[float] = []

    def run_once() -> None:
        start = time.process_time()
        fn()
        cpu.append(time.process_time() - start)

    wall = time_call(run_once, repeat=repeat) * 1000
    cpu_ms = float(np.median(cpu[1:])) * 1000
    text = f"cpu {cpu_ms:.1f} ms, load {os.getloadavg()[0]:.1f}"
    if budget:
        text = f"budget {budget:g} ms, ratio {wall / budget:.2f}; {text}"
    figure(name, wall, "ms", f"{text}; {note}" if note else text)


def build_canvas(data: dict[str, np.ndarray], territories: int = TERRITORIES):
    """A canvas with every layer set, fitted to the data."""

    from planner.ui.canvas import MapCanvas

    canvas = MapCanvas()
    canvas.resize(WIDTH, HEIGHT)
    canvas.set_units(data["units"])
    canvas.set_unit_colors(_rgba(data["palette"][data["territory"]], 190))
    canvas.set_accounts(data["lon"], data["lat"], _account_rgba(data))
    from planner.models.dissolve import dissolve_units

    outlines = [dissolve_units(data["units"][data["territory"] == t]) for t in range(territories)]
    labels = [
        f"Territory {t + 1}\n{(data['territory'] == t).sum()} units" for t in range(territories)
    ]
    canvas.set_territory_outlines(outlines, labels)
    canvas.set_reps(data["rep_lon"], data["rep_lat"], [f"Rep {t + 1}" for t in range(territories)])
    canvas.set_legend(
        [
            (f"Territory {t + 1}", "#{:02x}{:02x}{:02x}".format(*data["palette"][t]))
            for t in range(8)
        ]
    )
    canvas.set_attribution("Synthetic units")
    canvas.zoom_to_extent()
    return canvas


def bench_canvas(canvas, accounts: int, tag: str) -> None:
    """Full, pan, recolour and highlight redraw times of the canvas."""

    def full() -> None:
        canvas.refresh()
        canvas.render_image(WIDTH, HEIGHT)

    timed(f"map_redraw.full_{tag}", full, BUDGET_FULL.get(accounts), "cold: every layer redrawn")
    direction = [1]

    def pan() -> None:
        direction[0] = -direction[0]
        canvas.pan_by(37 * direction[0], -23 * direction[0])
        canvas.render_image(WIDTH, HEIGHT)

    timed(
        f"map_redraw.pan_{tag}",
        pan,
        BUDGET_PAN if accounts <= 100_000 else None,
        "after pan_by(37, -23): units layer reused",
        repeat=9,
    )

    def pan_cold() -> None:
        # Back and forth, so the view stays over the data while leaving the margin each time.
        direction[0] = -direction[0]
        canvas.pan_by(411 * direction[0], -197 * direction[0])
        canvas.render_image(WIDTH, HEIGHT)

    timed(
        f"map_redraw.pan_far_{tag}",
        pan_cold,
        BUDGET_FULL.get(accounts),
        "after pan_by(±411, ∓197), beyond the units layer's margin",
    )
    canvas.zoom_to_extent()
    colors = canvas._unit_rgba.copy()
    flips = [0]

    def recolour() -> None:
        flips[0] += 1
        unit = flips[0] % len(colors)
        colors[unit, :3] = 255 - colors[unit, :3]
        canvas.set_unit_colors(colors)
        canvas.render_image(WIDTH, HEIGHT)

    timed(f"map_redraw.recolour_{tag}", recolour, None, "set_unit_colors + redraw")
    canvas.render_image(WIDTH, HEIGHT)
    highlight = [0]

    def highlight_change() -> None:
        highlight[0] = (highlight[0] + 1) % TERRITORIES
        canvas.set_highlight({highlight[0]})
        canvas.render_image(WIDTH, HEIGHT)

    timed(
        f"map_redraw.highlight_{tag}",
        highlight_change,
        None,
        "set_highlight + redraw: overlays only, cached base image",
    )


def national_data(accounts: int = NATIONAL_ACCOUNTS, seed: int = 7) -> dict[str, np.ndarray]:
    """Contiguous-US ZIP areas, accounts inside them and 200 clustered territories (cached)."""
    import shapely

    from bench._synthetic import cache_dir, cluster_units, sample_points, size_label
    from planner.io.us_units import national_units
    from planner.models.geo import area_km2
    from planner.models.schema import palette_color
    from planner.ui.render import hex_to_rgba

    frame = national_units("zip").frame
    frame = frame[~frame["state"].isin(["AK", "HI", "PR"])]
    units = frame.geometry.to_numpy()
    path = cache_dir() / f"map-national-{size_label(accounts)}-u{len(units)}-s{seed}-v1.npz"
    if path.exists():
        cached = dict(np.load(path))
    else:
        rng = np.random.default_rng(seed)
        area = area_km2(units)
        weight = rng.lognormal(0.0, 0.7, len(units)) * np.clip(area, 5.0, None) ** -0.25
        unit_of = rng.choice(len(units), size=accounts, p=weight / weight.sum())
        surface = shapely.point_on_surface(units)
        ux, uy = shapely.get_x(surface), shapely.get_y(surface)
        lon, lat = sample_points(
            units[unit_of], ux[unit_of], uy[unit_of], 0.35 * np.sqrt(area[unit_of]), rng
        )
        expected = np.bincount(unit_of, minlength=len(units)) + 1.0
        territory = cluster_units(ux, uy, expected, NATIONAL_TERRITORIES, rng)
        cached = {"lon": lon, "lat": lat, "unit_of": unit_of, "territory": territory}
        np.savez(path, **cached)
    territory = cached["territory"]
    palette = np.array(
        [hex_to_rgba(palette_color(i))[:3] for i in range(NATIONAL_TERRITORIES)], dtype=np.uint8
    )
    centre = shapely.point_on_surface(units)
    mass = np.bincount(territory, minlength=NATIONAL_TERRITORIES)
    rep_lon = np.bincount(territory, shapely.get_x(centre), NATIONAL_TERRITORIES) / mass
    rep_lat = np.bincount(territory, shapely.get_y(centre), NATIONAL_TERRITORIES) / mass
    return {
        "units": units,
        "territory": territory,
        "palette": palette,
        "rep_lon": rep_lon,
        "rep_lat": rep_lat,
        "lon": cached["lon"],
        "lat": cached["lat"],
        "unit_of": cached["unit_of"],
    }


def timed_p95(name: str, fn, budget: float | None, note: str, repeat: int) -> list[float]:
    """Like :func:`timed`, with the 95th percentile beside the median; returns wall times (ms)."""
    import gc
    import time

    fn()  # warm-up
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    median, p95 = float(np.median(wall)), float(np.percentile(wall, 95))
    text = (
        f"p95 {p95:.1f} ms, cpu {float(np.median(cpu)):.1f} ms, "
        f"load {os.getloadavg()[0]:.1f}, n={repeat}"
    )
    if budget:
        text = f"budget {budget:g} ms, ratio {median / budget:.2f}; {text}"
    figure(name, median, "ms", f"{text}; {note}")
    return wall


def bench_national(accounts: int = NATIONAL_ACCOUNTS) -> None:
    """Full redraw, pan, recolour and zoom at national scale, through the widget's paint."""
    import time

    import shapely

    from bench._synthetic import size_label

    start = time.perf_counter()
    data = national_data(accounts)
    figure("map_redraw.national_data", time.perf_counter() - start, "s", "load or generate")
    n_units = len(data["units"])
    start, start_cpu = time.perf_counter(), time.process_time()
    canvas = build_canvas(data, territories=NATIONAL_TERRITORIES)
    figure(
        "map_redraw.setup_national",
        time.perf_counter() - start,
        "s",
        f"set_units + colours + accounts + outlines, {n_units} units, {accounts:,} accounts; "
        f"cpu {time.process_time() - start_cpu:.2f} s",
    )
    canvas.show()
    from PySide6.QtWidgets import QApplication

    for _ in range(200):  # until the window is exposed: before that, repaint() paints nothing
        QApplication.processEvents()
        if canvas.windowHandle() is not None and canvas.windowHandle().isExposed():
            break
    canvas.repaint()
    if canvas._base is None:
        raise RuntimeError("the canvas did not paint: no exposed window on this platform")
    tag = "national" if accounts == NATIONAL_ACCOUNTS else f"national_{size_label(accounts)}"

    def full() -> None:
        canvas.refresh()
        canvas.repaint()

    timed_p95(
        f"map_redraw.full_{tag}",
        full,
        BUDGET_FULL_NATIONAL,
        f"{n_units} units, {accounts:,} accounts, whole contiguous US, every layer redrawn",
        repeat=11,
    )
    direction = [1]

    def pan() -> None:
        direction[0] = -direction[0]
        canvas.pan_by(37 * direction[0], -23 * direction[0])
        canvas.repaint()

    timed_p95(
        f"map_redraw.pan_{tag}",
        pan,
        BUDGET_PAN_NATIONAL,
        "pan_by(±37, ∓23) + paint: units layer reused",
        repeat=21,
    )

    def pan_far() -> None:
        direction[0] = -direction[0]
        canvas.pan_by(411 * direction[0], -197 * direction[0])
        canvas.repaint()

    timed_p95(
        f"map_redraw.pan_far_{tag}",
        pan_far,
        BUDGET_FULL_NATIONAL,
        "pan_by(±411, ∓197) + paint: beyond the units layer's margin",
        repeat=11,
    )
    canvas.zoom_to_extent()
    colors = canvas._unit_rgba.copy()
    palette = data["palette"]
    territory = data["territory"].copy()
    rng = np.random.default_rng(1)
    tree_units = shapely.STRtree(data["units"])

    def recolour() -> None:
        # A lasso-sized edit: a unit and its neighbours move to the next territory.
        unit = int(rng.integers(n_units))
        near = tree_units.query(data["units"][unit], predicate="touches")
        moved = np.r_[unit, near]
        territory[moved] = (territory[unit] + 1) % NATIONAL_TERRITORIES
        colors[moved, :3] = palette[territory[moved]]
        canvas.set_unit_colors(colors)
        canvas.repaint()

    timed_p95(
        f"map_redraw.recolour_{tag}",
        recolour,
        BUDGET_FULL_NATIONAL,
        "a unit and its neighbours change territory: set_unit_colors + paint",
        repeat=11,
    )
    zoom = [0]

    def zoom_step() -> None:
        # In three wheel notches towards Chicago and back out: each a new scale.
        zoom[0] += 1
        factor = 1.25 if (zoom[0] // 3) % 2 == 0 else 0.8
        x, y = canvas.lonlat_to_screen(-87.7, 41.9)
        from PySide6.QtCore import QPointF

        canvas.zoom_at(factor, QPointF(x, y))
        canvas.repaint()

    timed_p95(
        f"map_redraw.zoom_{tag}",
        zoom_step,
        BUDGET_FULL_NATIONAL,
        "a wheel notch in or out about Chicago + paint (new scale: every layer)",
        repeat=12,
    )
    canvas.hide()
    canvas.deleteLater()


def bench_alternatives(data: dict[str, np.ndarray], canvas) -> None:
    """Other ways to draw 100,000 coloured dots and 3,000 units, for docs/canvas.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen
    from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene

    from planner.models.geo import web_mercator
    from planner.ui.canvas import geometry_paths

    n = 100_000
    lon, lat = data["lon"][:n], data["lat"][:n]
    rgba = _account_rgba({**data, "lon": lon, "lat": lat})
    x, y = web_mercator(lon, lat)
    x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
    k = min(WIDTH / (x1 - x0), HEIGHT / (y1 - y0)) * 0.95
    sx, sy = (x - x0) * k + 20, HEIGHT - 20 - (y - y0) * k

    fig = plt.figure(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.scatter(lon, lat, s=6, c=rgba / 255.0, linewidths=0.4, edgecolors="#2b2b2b")
    timed(
        "map_redraw.matplotlib_scatter_100k",
        fig.canvas.draw,
        None,
        "Agg draw of one scatter, accounts only",
        repeat=3,
    )
    plt.close(fig)

    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    colors = [QColor(*map(int, c)) for c in rgba]
    xs, ys = sx.tolist(), sy.tolist()

    def per_point() -> None:
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        painter.setPen(QPen(QColor(43, 43, 43), 1))
        for px, py, color in zip(xs, ys, colors, strict=True):
            painter.setBrush(color)
            painter.drawRect(QRectF(px - 1.5, py - 1.5, 3, 3))
        painter.end()

    timed(
        "map_redraw.qpainter_points_100k",
        per_point,
        None,
        "one drawRect per account, accounts only",
        repeat=3,
    )

    packed = rgba[:, 0].astype(np.int64) << 16 | rgba[:, 1].astype(np.int64) << 8 | rgba[:, 2]
    distinct, group = np.unique(packed, return_inverse=True)
    groups = [np.flatnonzero(group == g) for g in range(len(distinct))]
    pens = []
    for value in distinct.tolist():
        pen = QPen(QColor.fromRgb(int(value) | 0xFF000000), 3)
        pens.append(pen)

    def points_np() -> None:
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        for pen, members in zip(pens, groups, strict=True):
            painter.setPen(pen)
            painter.drawPointsNp(sx[members], sy[members])
        painter.end()

    timed(
        "map_redraw.qpainter_points_np_100k",
        points_np,
        None,
        f"drawPointsNp per colour ({len(distinct)} colours), no ring, accounts only",
    )

    scene = QGraphicsScene()
    scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
    ring = QPen(QColor(43, 43, 43), 0)
    for px, py, color in zip(xs[:n], ys[:n], colors, strict=True):
        item = QGraphicsRectItem(px - 1.5, py - 1.5, 3, 3)
        item.setPen(ring)
        item.setBrush(QBrush(color))
        scene.addItem(item)

    def graphics() -> None:
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        scene.render(painter, QRectF(0, 0, WIDTH, HEIGHT), QRectF(0, 0, WIDTH, HEIGHT))
        painter.end()

    timed(
        "map_redraw.qgraphics_items_100k",
        graphics,
        None,
        "QGraphicsScene.render of one rect item per account, accounts only",
        repeat=3,
    )
    scene.clear()

    canvas.zoom_to_extent()

    def numpy_dots() -> None:
        pixels = np.full((HEIGHT + 8, WIDTH + 8), 0xFFFFFFFF, dtype=np.uint32)
        canvas._draw_accounts(
            pixels,
            canvas._cx - (WIDTH / 2 + 4) * canvas._res,
            canvas._cy + (HEIGHT / 2 + 4) * canvas._res,
        )

    canvas.set_accounts(lon, lat, rgba)
    timed(
        "map_redraw.numpy_dots_100k", numpy_dots, None, "the canvas's numpy raster, accounts only"
    )

    from planner.ui.canvas import _Layer

    left = canvas._cx - (WIDTH / 2) * canvas._res
    top = canvas._cy + (HEIGHT / 2) * canvas._res
    layer = _Layer(WIDTH, HEIGHT)
    timed(
        "map_redraw.units_per_unit",
        lambda: canvas._draw_units(layer, left, top),
        None,
        f"{UNITS} units, one drawPath per unit (the canvas's way)",
    )
    combined = _grouped_paths(data, geometry_paths)
    timed(
        "map_redraw.units_group_build",
        lambda: _grouped_paths(data, geometry_paths),
        None,
        "one path per colour, built on each recolour",
    )
    transform = canvas._world_transform(left, top)
    pen = canvas._unit_pen

    def grouped() -> None:
        layer.pixels.fill(0xFFF2F1EC)
        painter = QPainter(layer.image)
        painter.setTransform(transform)
        painter.setPen(pen)
        for path, brush in combined:
            painter.setBrush(brush)
            painter.drawPath(path)
        painter.end()

    timed(
        "map_redraw.units_grouped", grouped, None, f"{UNITS} units as one path per territory colour"
    )


def _grouped_paths(data, geometry_paths):
    """One combined path per territory colour (the alternative to a path per unit)."""
    import shapely
    from PySide6.QtGui import QBrush, QColor

    out = []
    for t in range(TERRITORIES):
        members = data["units"][data["territory"] == t]
        path = geometry_paths([shapely.GeometryCollection(list(members))])[0]
        if path is not None:
            out.append((path, QBrush(QColor(*map(int, data["palette"][t]), 190))))
    return out


def run(size: int | None, data: Path | None) -> None:
    """Print redraw figures for ``size`` accounts (default: 100,000 and 1,000,000)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    if _binding_drops_none_refs():
        import PySide6

        raise RuntimeError(
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} loses a reference "
            "to None on every void call and aborts after a few thousand; use PySide6 < 6.12 "
            "or Python >= 3.12"
        )
    sizes = [size] if size else [100_000, 1_000_000]
    for accounts in sizes:
        tag = {100_000: "100k", 1_000_000: "1m"}.get(accounts, str(accounts))
        sample = make_data(accounts)
        canvas = build_canvas(sample)
        account_rgba = _account_rgba(sample)
        timed(
            f"map_redraw.set_account_colors_{tag}",
            lambda: canvas.set_account_colors(account_rgba),  # noqa: B023 (called right here)
            None,
            "pack, reorder, palette codes; called on every edit",
        )
        bench_canvas(canvas, accounts, tag)
        if accounts == sizes[0]:
            unit_rgba = _rgba(sample["palette"][sample["territory"]], 190)
            timed(
                "map_redraw.set_units_3000",
                lambda: canvas.set_units(sample["units"]),  # noqa: B023
                None,
                "project and build one path per unit, once per plan",
            )
            timed(
                "map_redraw.set_unit_colors_3000",
                lambda: canvas.set_unit_colors(unit_rgba),  # noqa: B023
                None,
                "without the redraw",
            )
            bench_alternatives(sample, canvas)
        canvas.deleteLater()
    big = build_canvas(make_data(0, units=30_000))

    def full_big() -> None:
        big.refresh()
        big.render_image(WIDTH, HEIGHT)

    timed("map_redraw.full_30k_units", full_big, None, "30,000 units, no accounts, whole extent")
    big.deleteLater()
    app.processEvents()
    bench_national(NATIONAL_ACCOUNTS if size is None or size >= 1_000_000 else size)
    app.processEvents()
