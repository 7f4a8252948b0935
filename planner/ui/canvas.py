"""The map canvas: units, territories, accounts and reps on a Web Mercator view.

Drawing is split into three layers so that each kind of change redraws only what it must
(measurements and the alternatives tried are in ``docs/canvas.md``):

1. the *units layer*: background, basemap lines and unit fills with their borders, drawn with
   ``QPainter`` from ``QPainterPath`` objects built once per :meth:`MapCanvas.set_units`. It covers
   the view plus a margin, so a pan reuses it; zoom, new colours or new units redraw it.
2. the *base image*: a copy of the units layer, with the accounts rasterised by numpy straight
   into its buffer (:mod:`planner.ui.render`) and the territory outlines on top.
3. *overlays*, painted on every ``paintEvent``: highlight, labels, rep markers, the active tool's
   rubber band, legend, scale bar and attribution. Changing them never redraws layers 1 and 2.

During a drag-pan the base image is shown shifted and rendered again once the view settles.

World coordinates are Web Mercator metres (:func:`planner.models.geo.web_mercator`); every public
method takes or returns WGS84 longitude/latitude in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from planner.models.geo import inverse_web_mercator, web_mercator
from planner.ui.labels import place_labels
from planner.ui.legend import legend_layout, paint_legend
from planner.ui.lod import (
    ELEMENT,
    OutlineLevels,
    UnitLevels,
    elements_of,
    level_for,
    path_from_bytes,
)
from planner.ui.render import (
    cell_occupancy,
    color_codes,
    composite_dots,
    expand_cells,
    hex_to_rgba,
    pack_rgba,
    scatter_points,
)

#: Contiguous US, shown when there is no data to fit.
DEFAULT_BOUNDS = (-125.0, 24.0, -66.0, 50.0)
BACKGROUND = 0xFFF2F1EC
DEFAULT_UNIT_RGBA = (217, 217, 214, 255)
#: Hidden pixels around the base image: dots near an edge grow into them (see render.py).
PAD = 4
#: A press that moves less than this many pixels before release is a click, not a drag.
DRAG_THRESHOLD = 4
#: Milliseconds without mouse movement after which a drag-pan renders the full view again.
SETTLE_MS = 120
#: Account dots lose their dark ring when more than this share of pixels hold an account.
RING_MAX_OCCUPANCY = 0.015
WHEEL_STEP = 1.25
KEY_ZOOM = 1.5
#: With more units than this in view, units are drawn as one combined path per colour from
#: simplified geometry (:mod:`planner.ui.lod`) instead of one path per unit.
PER_UNIT_MAX = 2500
#: Unit borders are drawn only when the units in view are at least this wide on screen
#: (median, pixels); below it the borders of thousands of ZIP areas turn the map grey.
BORDER_MIN_PX = 6.0
#: Above this share of pixels holding an account, dots shrink to one pixel without a ring and
#: are blended half into the fill, so dense areas read as a darker shade of the territory
#: colour instead of burying it (see ``_account_style``).
DENSE_OCCUPANCY = 0.06
#: Free pixels a rep star needs around it; a star with another closer is drawn as a dot.
STAR_SPACING_PX = 14
#: Side of the square areas whose own density of accounts picks their dots' style.
DENSITY_CELL_PX = 24
#: Zoomed out past this many metres per pixel, dots are at most two pixels wide.
SMALL_DOTS_RES = 1500.0
#: A recolour of at most this many units repaints just them onto the cached units layer.
PATCH_MAX_UNITS = 1500
#: Screen tile by which a clustered patch groups the items it recolours (pixels).
PATCH_TILE_PX = 128
#: Vertical strips of the account index that patches read (plans of 4,096+ accounts).
ACCOUNT_STRIPS = 256
#: A patch draws the units in its area one path each up to this many (else the combined
#: paths of the colour groups that reach into it).
PATCH_UNIT_PATHS = 4000


@dataclass(frozen=True)
class MapEvent:
    """A mouse or key event as offered to the active tool, in map and screen coordinates.

    Attributes
    ----------
    lon, lat : float
        Position under the cursor in degrees (NaN for key events without a cursor position).
    x, y : float
        Position in widget pixels.
    button : Qt.MouseButton
        The button that changed (``NoButton`` for moves and keys).
    buttons : Qt.MouseButton
        Buttons held down.
    modifiers : Qt.KeyboardModifier
        Shift, Control, Alt... held down.
    key : int or None
        ``Qt.Key`` value for key events.
    """

    lon: float
    lat: float
    x: float
    y: float
    button: Qt.MouseButton = Qt.MouseButton.NoButton
    buttons: Qt.MouseButton = Qt.MouseButton.NoButton
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    key: int | None = None


def geometry_paths(geoms: Sequence[Any] | np.ndarray) -> list[QPainterPath | None]:
    """One ``QPainterPath`` in Web Mercator metres per geometry (None for missing or empty).

    Polygon rings become closed subpaths (odd-even fill, so holes stay empty); lines become open
    subpaths; points are ignored. The paths are deserialised from one numpy-built byte buffer
    (``QDataStream`` layout of ``QPainterPath``), 3x faster than ``moveTo``/``lineTo`` calls.

    Parameters
    ----------
    geoms : sequence of shapely geometry or None
        Geometries in WGS84 longitude/latitude.

    Returns
    -------
    list of QPainterPath or None
    """
    geoms = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    if len(geoms) == 0:
        return []
    elements, bounds = elements_of(geoms, project=web_mercator)
    raw = elements.tobytes()
    size = ELEMENT.itemsize
    return [
        path_from_bytes(raw[start * size : stop * size], stop - start)
        for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


def _world_bounds(geoms: np.ndarray) -> np.ndarray:
    """``(n, 4)`` Web Mercator bounds ``x0, y0, x1, y1`` (NaN for missing geometries)."""
    b = shapely.bounds(geoms)
    x0, y0 = web_mercator(b[:, 0], b[:, 1])
    x1, y1 = web_mercator(b[:, 2], b[:, 3])
    return np.column_stack([x0, y0, x1, y1])


def _union_bounds(boxes: Sequence[np.ndarray]) -> tuple[float, float, float, float] | None:
    """Bounds enclosing every finite box, or None when there is none."""
    stacked = [b for b in boxes if len(b)]
    if not stacked:
        return None
    allb = np.vstack(stacked)
    allb = allb[np.isfinite(allb).all(axis=1)]
    if not len(allb):
        return None
    return (
        float(allb[:, 0].min()),
        float(allb[:, 1].min()),
        float(allb[:, 2].max()),
        float(allb[:, 3].max()),
    )


def _over_background(argb: int) -> QColor:
    """An ``0xAARRGGBB`` colour laid over :data:`BACKGROUND`, as an opaque colour."""
    alpha = (argb >> 24) / 255
    channels = [
        round(((argb >> s) & 0xFF) * alpha + ((BACKGROUND >> s) & 0xFF) * (1 - alpha))
        for s in (16, 8, 0)
    ]
    return QColor(*channels)


def _star_path(radius: float) -> QPainterPath:
    """A five-pointed star centred on the origin (rep home marker)."""
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(QPointF(r * math.cos(angle), r * math.sin(angle)))
    path = QPainterPath()
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


def _label_fonts() -> list[QFont]:
    """Fonts of a label's first line (name, bold) and later lines (key numbers)."""
    bold = QFont()
    bold.setPixelSize(13)
    bold.setBold(True)
    small = QFont()
    small.setPixelSize(11)
    return [bold, small]


#: Halo offsets: every pixel within two of the glyphs, rounded off at the corners.
_HALO = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3) if 0 < dx * dx + dy * dy < 8]
#: Opacity of the halo's white (of 255).
_HALO_ALPHA = 235


def _halo(alpha: np.ndarray) -> np.ndarray:
    """The maximum of ``alpha`` over the :data:`_HALO` offsets (and the pixel itself).

    The offsets are a 5×3 and a 3×5 rectangle together, so the maximum is taken in
    separable runs along rows and columns (a dozen array operations, not twenty).
    """
    h, w = alpha.shape
    pad = np.zeros((h + 4, w + 4), dtype=alpha.dtype)
    pad[2:-2, 2:-2] = alpha
    # Across: runs of 3 and of 5 (rows keep their padding for the next step).
    three = np.maximum(np.maximum(pad[:, 1 : w + 1], pad[:, 2 : w + 2]), pad[:, 3 : w + 3])
    five = np.maximum(np.maximum(three, pad[:, 0:w]), pad[:, 4 : w + 4])
    # Down: 3 over the 5-wide runs, 5 over the 3-wide ones.
    wide = np.maximum(np.maximum(five[1 : h + 1], five[2 : h + 2]), five[3 : h + 3])
    tall = np.maximum(np.maximum(three[1 : h + 1], three[2 : h + 2]), three[3 : h + 3])
    np.maximum(tall, three[0:h], out=tall)
    np.maximum(tall, three[4 : h + 4], out=tall)
    return np.maximum(wide, tall)


def _sprite_size(widths: Sequence[float], heights: Sequence[float]) -> tuple[int, int]:
    """Pixel size of a text sprite whose lines have these advances and heights."""
    width = math.ceil(max(widths, default=0)) + 6
    height = math.ceil(sum(heights)) + 6
    return max(width, 1), max(height, 1)


def text_sprite(lines: Sequence[str], fonts: Sequence[QFont], centred: bool = True) -> QImage:
    """Text lines with a white halo, pre-rendered into a transparent image.

    The text is drawn once; the halo is its coverage spread to every pixel within two of
    the glyphs (the maximum over the :data:`_HALO` offsets, in numpy), laid under it in
    white. Drawing the text again at each of the twenty offsets cost 0.46 ms a label,
    and a release at national scale relabels a hundred territories; stroking the glyph
    outlines cost about 5 ms. Blitting the finished sprite on every paint costs almost
    nothing.

    Parameters
    ----------
    lines : sequence of str
        Text lines, drawn top to bottom.
    fonts : sequence of QFont
        Font per line; the last one serves the remaining lines.
    centred : bool
        Centre each line horizontally (labels) or align left (rep names).

    Returns
    -------
    QImage
        ``ARGB32_Premultiplied`` image, two pixels of halo on every side.
    """
    pick = [fonts[min(i, len(fonts) - 1)] for i in range(len(lines))]
    metrics = [QFontMetricsF(f) for f in pick]
    widths = [m.horizontalAdvance(t) for m, t in zip(metrics, lines, strict=True)]
    width, height = _sprite_size(widths, [m.height() for m in metrics])
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(QColor(20, 20, 20))
    y = 3.0
    for text, font, m, w in zip(lines, pick, metrics, widths, strict=True):
        painter.setFont(font)
        x = (width - w) / 2 if centred else 3.0
        painter.drawText(QPointF(x, y + m.ascent()), text)
        y += m.height()
    painter.end()
    h, stride = image.height(), image.bytesPerLine() // 4
    pixels = np.frombuffer(image.bits(), dtype=np.uint32).reshape(h, stride)
    halo = _halo(np.ascontiguousarray((pixels >> 24).astype(np.uint8))).astype(np.int32)
    text_alpha = (pixels >> 24).astype(np.int32)
    # White at 235 of 255 under the text: premultiplied, each channel is the alpha.
    under = (halo * _HALO_ALPHA // 255) * (255 - text_alpha) // 255
    alpha = text_alpha + under
    grey = ((pixels >> 16) & 255).astype(np.int32) + under
    pixels[...] = (
        (alpha.astype(np.uint32) << 24)
        | (grey.astype(np.uint32) << 16)
        | (grey.astype(np.uint32) << 8)
        | grey.astype(np.uint32)
    )
    return image


def _star_sprite(radius: float) -> QImage:
    """The rep home marker: a gold star with a dark edge, pre-rendered."""
    size = math.ceil(2 * radius + 4)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(20, 20, 20), 1.5))
    painter.setBrush(QColor(255, 210, 63))
    painter.drawPath(_star_path(radius).translated(size / 2, size / 2))
    painter.end()
    return image


class _Layer:
    """A numpy-owned ``uint32`` image wrapped by a ``QImage`` that QPainter can draw into."""

    def __init__(self, width: int, height: int) -> None:
        self.pixels = np.empty((height, width), dtype=np.uint32)
        self.image = QImage(self.pixels.data, width, height, width * 4, QImage.Format.Format_RGB32)


class MapCanvas(QWidget):
    """Interactive map of units, territories, accounts and reps.

    Signals
    -------
    cursor_moved(lon, lat)
        The mouse moved over the map.
    clicked(lon, lat, modifiers)
        A press and release without a drag (and not taken by the active tool).
    view_changed()
        The visible area changed (pan, zoom, resize).

    Attributes
    ----------
    tool : object or None
        The active map tool. Its optional methods ``press``, ``move``, ``release`` and ``key``
        receive a :class:`MapEvent` before the canvas handles the event; returning True means the
        tool took it (no pan, no ``clicked``). An optional ``paint(painter, canvas)`` is called
        after the map and before the legend, with the painter in widget pixels, so tools can
        draw rubber bands; use :meth:`lonlat_to_screen` to place them. Call ``update()`` after
        changing what the tool draws.
    """

    cursor_moved = Signal(float, float)
    clicked = Signal(float, float, object)
    view_changed = Signal()
    legend_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(200, 150)
        self.tool: Any = None
        # View: centre in world metres and metres per pixel.
        x0, y0 = web_mercator(np.array(DEFAULT_BOUNDS[0]), np.array(DEFAULT_BOUNDS[1]))
        x1, y1 = web_mercator(np.array(DEFAULT_BOUNDS[2]), np.array(DEFAULT_BOUNDS[3]))
        self._cx, self._cy = float(x0 + x1) / 2, float(y0 + y1) / 2
        self._res = float(x1 - x0) / 640
        self._fitted_to_extent = False
        #: Optional provider of background images: ``images_for_view(bounds, zoom, size)``.
        self.underlay: Any = None
        #: Objects drawn above the map and below the tool (e.g. planned routes).
        self._overlays: list[Any] = []
        # Units: per-unit paths are built on first use, from the level-0 elements.
        self._unit_levels: UnitLevels | None = None
        self._unit_paths: list[QPainterPath | None] = []
        self._unit_path_built = np.zeros(0, dtype=bool)
        self._unit_bounds = np.zeros((0, 4))
        self._unit_rgba = np.zeros((0, 4), dtype=np.uint8)
        self._unit_brushes: list[QBrush] = []
        self._unit_brushes_opaque: list[QBrush] = []
        self._brush_cache: dict[int, tuple[QBrush, QBrush]] = {}
        self._unit_alpha = 255
        self._unit_brush_of = np.zeros(0, dtype=np.intp)
        self._unit_draw_order = np.zeros(0, dtype=np.intp)
        #: The distinct unit colours (packed, sorted): brush ``i`` is colour ``i``.
        self._unit_keys = np.zeros(0, dtype=np.uint32)
        self._unit_pen = QPen(QColor(40, 40, 40, 70), 0)
        self._unit_pen.setCosmetic(True)
        self._basemap_path: QPainterPath | None = None
        self._basemap_bounds = np.zeros((0, 4))
        self._basemap_parts: list[QPainterPath | None] = []
        self._basemap_part_bounds = np.zeros((0, 4))
        self._basemap_pen = QPen(QColor(150, 150, 150), 0)
        self._basemap_pen.setCosmetic(True)
        # Accounts: float32 coordinates relative to an origin, sorted by descending y.
        self._acc_origin = (0.0, 0.0)
        self._acc_x = np.zeros(0, dtype=np.float32)
        self._acc_y = np.zeros(0, dtype=np.float32)
        self._acc_neg_y = np.zeros(0, dtype=np.float32)
        self._acc_order = np.zeros(0, dtype=np.intp)
        self._acc_count = 0
        self._acc_colors = np.zeros(0, dtype=np.uint32)
        self._acc_palette: np.ndarray | None = None
        self._acc_blend = False
        self._acc_bounds = np.zeros((0, 4))
        #: Side of an account dot in pixels, and whether sparse dots get a dark ring.
        self.account_dot_px = 3
        self.account_ring = True
        # Territories.
        self._outlines = OutlineLevels()
        self._terr_bounds = np.zeros((0, 4))
        self._terr_anchor = np.zeros((0, 2))
        #: Each territory label's size with its numbers, and with its name alone (the
        #: text's size without the halo; from the font metrics: the sprite of a label is
        #: drawn only when the label is placed, see :meth:`_sprite`).
        self._terr_label_size = np.zeros((0, 2))
        self._terr_short_size = np.zeros((0, 2))
        self._terr_area = np.zeros(0)
        #: The geometries and label texts last set (identity tells what an edit changed).
        self._terr_geoms: list[Any] = []
        self._terr_texts: list[str] = []
        #: Territory outlines projected and labelled again so far (tests count them).
        self.outlines_rebuilt = 0
        #: ``(kind, QRectF)`` of every label and rep name drawn by the last paint, where kind
        #: is ``"territory"`` or ``"rep"``: placement keeps them from overlapping.
        self.drawn_label_rects: list[tuple[str, QRectF]] = []
        #: Territory index to its label's rectangle, from the last paint.
        self.drawn_territory_labels: dict[int, QRectF] = {}
        self._labels_version = 0
        self._label_cache: tuple[Any, ...] | None = None
        self._sprites: dict[str, QImage] = {}
        #: Label fonts and their metrics (made once), and the advance of each line drawn
        #: in them (a territory's name line stays the same while its numbers change).
        self._label_metrics: list[tuple[QFont, QFontMetricsF, float]] = []
        self._line_widths: dict[tuple[int, str], float] = {}
        self._highlight: set[int] = set()
        # Reps.
        self._rep_xy = np.zeros((0, 2))
        self._rep_names: list[QImage] = []
        self._rep_marker: QImage | None = None
        # Decorations.
        self._legend: list[tuple[str, QColor]] = []
        #: Draw the legend box on the map (off while a docked legend shows the same list;
        #: exported images always have it).
        self.legend_box = True
        self._attribution = ""
        # Caches.
        self._units_version = 0
        self._base_version = 0
        self._units_layer: _Layer | None = None
        self._units_key: tuple[float, ...] = ()
        #: How the units layer was drawn: simplification level (None: per-unit, full detail)
        #: and whether with borders, so a recolour can repaint a few units the same way.
        self._units_layer_style: tuple[int | None, bool] = (None, False)
        self._units_patch = 0
        #: Patches painted into the composed layer in place (a recolour, a moved outline).
        self._composed_patch = 0
        #: Density per cell of the composed layer and the sparse-ring decision of its last
        #: full composition (positions do not change with colours, so a patch reuses them).
        self._acc_density: np.ndarray | None = None
        self._acc_sparse = True
        #: Placed accounts' position in the drawing order (-1 when not drawn), for recolours.
        self._acc_rank = np.zeros(0, dtype=np.intp)
        self._strip_rank = np.zeros(0, dtype=np.intp)
        self._strip_starts = np.zeros(2, dtype=np.intp)
        self._strip_neg_y = np.zeros(0, dtype=np.float32)
        self._strip_x0, self._strip_width = 0.0, 1.0
        #: Pixels repainted by in-place patches of the composed layer (tests count them).
        self.patched_pixels = 0
        #: Territory label sprites drawn so far (tests count them).
        self.label_sprites_drawn = 0
        #: The widget area a paint event repaints (None outside one: exports draw all).
        self._paint_area: QRectF | None = None
        #: Inside :meth:`one_patch`: the areas to compose again once it ends.
        self._pending_boxes: list[np.ndarray] | None = None
        #: Whether a pending patch recolours items (dots again), not only outlines.
        self._pending_dots = False
        #: The composed layer's pixels before the outlines (units and dots): new outlines
        #: are laid over a copy of it, without dotting the accounts there again.
        self._dotted: np.ndarray | None = None
        #: Units repainted by recolour patches so far (tests count them).
        self.patched_units = 0
        #: Units layer + accounts + outlines over the units layer's area (pans crop it).
        self._composed: _Layer | None = None
        self._composed_key: tuple[Any, ...] = ()
        self._base: _Layer | None = None
        self._base_key: tuple[float, ...] = ()
        self._blit = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._on_settle_timeout)
        self._press_pos: QPointF | None = None
        self._last_drag_pos: QPointF | None = None
        self._dragging = False

    # ------------------------------------------------------------------ data
    def set_units(self, geoms: Sequence[Any] | np.ndarray) -> None:
        """Set the unit polygons (WGS84 shapely (Multi)Polygons, one per unit).

        Paths and bounds are built once here; colours reset to neutral grey until
        :meth:`set_unit_colors` is called.
        """
        geoms = np.asarray(geoms, dtype=object)
        self._unit_levels = UnitLevels(geoms)
        self._unit_paths = [None] * len(geoms)
        self._unit_path_built = np.zeros(len(geoms), dtype=bool)
        self._unit_bounds = _world_bounds(geoms) if len(geoms) else np.zeros((0, 4))
        rgba = np.tile(np.array(DEFAULT_UNIT_RGBA, dtype=np.uint8), (len(geoms), 1))
        self.set_unit_colors(rgba)

    def set_unit_colors(self, rgba: np.ndarray) -> None:
        """Set the fill colour of every unit, ``(n_units, 4)`` uint8 RGBA (alpha is used).

        Cheap: brushes are made for the distinct colours only, and only the units layer is
        redrawn (on the next paint).
        """
        rgba = np.asarray(rgba, dtype=np.uint8)
        if rgba.shape != (len(self._unit_paths), 4):
            raise ValueError(
                f"rgba must have shape ({len(self._unit_paths)}, 4) for the units set, "
                f"got {rgba.shape}"
            )
        changed = None
        if self._unit_rgba.shape == rgba.shape and self._units_layer is not None:
            changed = np.flatnonzero((self._unit_rgba != rgba).any(axis=1))
        self._unit_rgba = rgba.copy()
        # Packed colours sort as integers: 20x faster than np.unique over rows.
        packed = pack_rgba(rgba) if len(rgba) else np.zeros(0, dtype=np.uint32)
        distinct, brush_of = np.unique(packed, return_inverse=True)
        # The same colours laid over the background: an opaque fill costs Qt half the time
        # of a translucent one, and without tiles under the units the result is the same.
        # Brushes are kept per colour: a preview recolours a few units 30 times a second.
        cache = self._brush_cache
        if len(cache) > 4096:
            cache.clear()
        pairs = []
        for c in distinct.tolist():
            pair = cache.get(c)
            if pair is None:
                pair = (QBrush(QColor.fromRgba(int(c))), QBrush(_over_background(int(c))))
                cache[c] = pair
            pairs.append(pair)
        self._unit_brushes = [p[0] for p in pairs]
        self._unit_brushes_opaque = [p[1] for p in pairs]
        alpha = packed >> 24
        self._unit_alpha = int(np.median(alpha)) if len(alpha) else 255
        self._unit_brush_of = brush_of.reshape(-1)
        self._unit_keys = distinct
        # Drawing units grouped by colour saves a setBrush call per unit.
        self._unit_draw_order = np.argsort(self._unit_brush_of, kind="stable")
        if self._unit_levels is not None:
            self._unit_levels.set_groups(distinct, self._unit_brush_of, self._unit_draw_order)
        if changed is not None and len(changed) <= PATCH_MAX_UNITS:
            if len(changed):
                # An edit recolours a few units: repaint just them, not 33,000, and lay the
                # accounts and outlines over that area again.
                self._patch_units_layer(changed)
                if not self._patch_composed(self._unit_bounds[changed]):
                    self._units_patch += 1
                    self._base_changed()
            return
        self._units_changed()

    def recolour_units(self, indices: np.ndarray, rgba: np.ndarray) -> None:
        """Give units ``indices`` new colours ``(len(indices), 4)`` RGBA, in place.

        A preview moving on recolours the few units that entered or left the lasso:
        their colour groups are updated by those units alone (not a sort of every unit's
        colour, 33,000 at national scale, as :meth:`set_unit_colors` does), and the map is
        repainted around them. A colour new to the map, a change of transparency or too
        many units go through :meth:`set_unit_colors`.
        """
        indices = np.asarray(indices, dtype=np.intp)
        rgba = np.asarray(rgba, dtype=np.uint8).reshape(-1, 4)
        if not len(indices):
            return
        differ = (self._unit_rgba[indices] != rgba).any(axis=1)
        indices, rgba = indices[differ], rgba[differ]
        if not len(indices):
            return
        keys = self._unit_keys
        packed = pack_rgba(rgba)
        group = np.minimum(np.searchsorted(keys, packed), max(len(keys) - 1, 0))
        known = len(keys) > 0 and bool(np.all(keys[group] == packed))
        same_alpha = bool(np.all(rgba[:, 3] == self._unit_rgba[indices, 3]))
        if (
            not known
            or not same_alpha
            or self._units_layer is None
            or len(indices) > PATCH_MAX_UNITS
            or len(np.unique(indices)) != len(indices)
        ):
            colours = self._unit_rgba.copy()
            colours[indices] = rgba
            self.set_unit_colors(colours)
            return
        n = len(self._unit_rgba)
        left = self._unit_brush_of[indices]
        self._unit_rgba[indices] = rgba
        self._unit_brush_of[indices] = group
        # The draw order stays "by group, then by unit" (a stable sort by group): the
        # recoloured units leave their places and are inserted at their new ones.
        moving = np.zeros(n, dtype=bool)
        moving[indices] = True
        order = self._unit_draw_order
        rest = order[~moving[order]]
        rest_key = self._unit_brush_of[rest].astype(np.int64) * n + rest
        new_key = np.sort(group.astype(np.int64) * n + indices)
        self._unit_draw_order = np.insert(rest, np.searchsorted(rest_key, new_key), new_key % n)
        if self._unit_levels is not None:
            touched = np.union1d(left, group)
            self._unit_levels.regroup(
                keys, self._unit_brush_of, self._unit_draw_order, keys[touched]
            )
        self._patch_units_layer(indices, clustered=True)
        if not self._patch_composed(self._unit_bounds[indices], clustered=True):
            self._units_patch += 1
            self._base_changed()

    def set_basemap(self, geoms: Sequence[Any] | np.ndarray, color: str = "#9a9a9a") -> None:
        """Set background lines drawn under the units (state or county boundaries).

        Parameters
        ----------
        geoms : sequence of shapely geometry
            Polygons (their rings are drawn) or lines, WGS84.
        color : str
            Line colour, ``'#rrggbb'``.
        """
        geoms = np.asarray(geoms, dtype=object)
        if len(geoms):
            parts = shapely.get_parts(geoms)
            combined = shapely.GeometryCollection(list(parts))
            self._basemap_path = geometry_paths([combined])[0]
            self._basemap_bounds = _world_bounds(geoms)
            # Each part on its own too: a patch draws only the parts that reach into it
            # (the whole path cost 16 ms a patch under a rectangle clip).
            self._basemap_parts = geometry_paths(parts)
            self._basemap_part_bounds = _world_bounds(parts)
        else:
            self._basemap_path = None
            self._basemap_bounds = np.zeros((0, 4))
            self._basemap_parts = []
            self._basemap_part_bounds = np.zeros((0, 4))
        self._basemap_pen = QPen(QColor(*hex_to_rgba(color)), 0)
        self._basemap_pen.setCosmetic(True)
        self._units_changed()

    def set_accounts(self, lon: np.ndarray, lat: np.ndarray, rgba: np.ndarray) -> None:
        """Set the account dots: positions in degrees and ``(n, 4)`` uint8 RGBA colours.

        Accounts with NaN coordinates are kept in the colour array but never drawn.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if lon.shape != lat.shape or lon.ndim != 1:
            raise ValueError(
                f"lon and lat must be 1-D of equal length, got {lon.shape}, {lat.shape}"
            )
        placed = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        x, y = web_mercator(lon[placed], lat[placed])
        # Descending y is screen row order: the scatter then writes memory almost sequentially.
        order = np.argsort(-y, kind="stable")
        self._acc_order = placed[order]
        if len(x):
            ox, oy = float(np.mean(x)), float(np.mean(y))
            self._acc_bounds = np.array([[x.min(), y.min(), x.max(), y.max()]])
        else:
            ox = oy = 0.0
            self._acc_bounds = np.zeros((0, 4))
        self._acc_origin = (ox, oy)
        self._acc_x = (x[order] - ox).astype(np.float32)
        self._acc_y = (y[order] - oy).astype(np.float32)
        self._acc_neg_y = -self._acc_y  # ascending: rows of an area are one slice
        self._acc_count = len(lon)
        self._acc_rank = np.full(len(lon), -1, dtype=np.intp)
        self._acc_rank[self._acc_order] = np.arange(len(self._acc_order))
        # The drawing order again, by vertical strips and down each strip: a patch finds
        # its accounts in the strips it spans, not in the whole width of its rows (a
        # band across the country at national scale).
        strips = ACCOUNT_STRIPS if len(x) >= ACCOUNT_STRIPS * 16 else 1
        if len(x):
            width = max(float(self._acc_x.max() - self._acc_x.min()), 1e-9) / strips
            strip = np.clip(
                ((self._acc_x - self._acc_x.min()) / width).astype(np.int64), 0, strips - 1
            )
            self._strip_x0, self._strip_width = float(self._acc_x.min()), width
        else:
            strip = np.zeros(0, dtype=np.int64)
            self._strip_x0, self._strip_width = 0.0, 1.0
        self._strip_rank = np.argsort(strip, kind="stable")
        self._strip_starts = np.searchsorted(strip[self._strip_rank], np.arange(strips + 1))
        self._strip_neg_y = self._acc_neg_y[self._strip_rank]
        self.set_account_colors(rgba)

    def set_account_colors(self, rgba: np.ndarray) -> None:
        """Recolour the accounts, ``(n, 4)`` uint8 RGBA in the order given to set_accounts."""
        rgba = np.asarray(rgba)
        if rgba.shape != (self._acc_count, 4):
            raise ValueError(
                f"rgba must have shape ({self._acc_count}, 4) for the accounts set, "
                f"got {rgba.shape}"
            )
        packed = pack_rgba(rgba)[self._acc_order]
        self._acc_colors, self._acc_palette = color_codes(packed)
        self._acc_blend = bool(np.any((packed >> 24) < 255))
        self._base_changed()

    def recolour_accounts(self, indices: np.ndarray, rgba: np.ndarray) -> None:
        """Give accounts ``indices`` new colours ``(len(indices), 4)`` RGBA, in place.

        Only the map around them is composed again (the dots there, the outlines over
        them): a preview recolours the accounts a lasso would move on each mouse move.
        Falls back to :meth:`set_account_colors` when a colour is new to the palette.
        """
        indices = np.asarray(indices, dtype=np.intp)
        if not len(indices):
            return
        packed = pack_rgba(np.asarray(rgba, dtype=np.uint8).reshape(-1, 4))
        palette = self._acc_palette
        rank = self._acc_rank[indices]
        drawn = rank >= 0
        rank, packed = rank[drawn], packed[drawn]
        if not len(rank):
            return
        if palette is None or (not self._acc_blend and bool(np.any((packed >> 24) < 255))):
            self._full_account_colors(indices, packed, drawn)
            return
        lookup = {int(c): i for i, c in enumerate(palette.tolist()) if i}
        codes = [lookup.get(int(c)) for c in packed.tolist()]
        if any(c is None for c in codes):
            self._full_account_colors(indices, packed, drawn)
            return
        self._acc_colors[rank] = np.asarray(codes, dtype=self._acc_colors.dtype)
        x = self._acc_x[rank].astype(float) + self._acc_origin[0]
        y = self._acc_y[rank].astype(float) + self._acc_origin[1]
        # Each dot's own point: one box around them all unless the patch is clustered.
        box = np.column_stack([x, y, x, y])
        if not self._patch_composed(box):
            self._base_changed()

    def _full_account_colors(
        self, indices: np.ndarray, packed: np.ndarray, drawn: np.ndarray
    ) -> None:
        """Recolour through the whole palette (a colour the palette lacks)."""
        palette = self._acc_palette
        current = np.zeros(self._acc_count, dtype=np.uint32)
        if palette is not None and len(self._acc_order):
            current[self._acc_order] = palette[self._acc_colors]
        current[indices[drawn]] = packed
        rgba = np.column_stack(
            [(current >> 16) & 255, (current >> 8) & 255, current & 255, current >> 24]
        ).astype(np.uint8)
        self.set_account_colors(rgba)

    def set_territory_outlines(
        self, geoms: Sequence[Any | None], labels: Sequence[str] | None = None
    ) -> None:
        """Set the territory outlines and their labels (one of each per territory).

        Parameters
        ----------
        geoms : sequence of shapely geometry or None
            Territory geometry in WGS84; None draws nothing for that territory.
        labels : sequence of str, optional
            Label per territory; a second line (after ``\\n``) is drawn smaller, for key
            numbers. Labels are hidden when the territory is smaller on screen than its label.
        """
        geoms_arr = np.asarray(list(geoms), dtype=object)
        labels = list(labels) if labels is not None else [""] * len(geoms_arr)
        if len(labels) != len(geoms_arr):
            raise ValueError(f"labels has {len(labels)} entries for {len(geoms_arr)} geometries")
        if self._update_outlines(list(geoms_arr), [str(t) for t in labels]):
            return
        self.outlines_rebuilt += len(geoms_arr)
        self._terr_geoms = list(geoms_arr)
        self._terr_texts = [str(t) for t in labels]
        self._outlines.set_geometries(list(geoms_arr))
        n = len(geoms_arr)
        self._terr_bounds = _world_bounds(geoms_arr) if n else np.zeros((0, 4))
        anchor = np.full((n, 2), np.nan)
        if n:
            present = ~shapely.is_missing(geoms_arr) & ~shapely.is_empty(geoms_arr)
            points = shapely.point_on_surface(geoms_arr[present])
            ax, ay = web_mercator(shapely.get_x(points), shapely.get_y(points))
            anchor[present] = np.column_stack([ax, ay])
        self._terr_anchor = anchor
        self._terr_label_size = np.zeros((n, 2))
        # A label that does not fit with its numbers may still fit with its name alone.
        self._terr_short_size = np.zeros((n, 2))
        for i, text in enumerate(self._terr_texts):
            self._size_label(i, text)
        # Label priority: area on the map (Mercator stretches area by 1/cos² of latitude).
        area = np.zeros(n)
        if n:
            present = ~shapely.is_missing(geoms_arr) & ~shapely.is_empty(geoms_arr)
            lat = np.radians(shapely.get_y(shapely.centroid(geoms_arr[present])))
            area[present] = shapely.area(geoms_arr[present]) / np.cos(lat) ** 2
        self._terr_area = np.nan_to_num(area)
        self._highlight = {i for i in self._highlight if i < n}
        self._labels_version += 1
        self._base_changed()

    def _update_outlines(self, geoms: list[Any], labels: list[str]) -> bool:
        """Take new outlines and labels for the territories that changed only.

        The plan keeps the shapes of untouched territories (the same objects), so after an
        edit only the touched territories are projected, simplified, anchored and labelled
        again, and only the map around their old and new outlines is composed again.
        False when the territory list itself changed (the caller rebuilds everything).
        """
        old = self._terr_geoms
        if len(old) != len(geoms) or not len(geoms):
            return False
        shapes = [i for i, (a, b) in enumerate(zip(old, geoms, strict=True)) if a is not b]
        texts = [i for i, (a, b) in enumerate(zip(self._terr_texts, labels, strict=True)) if a != b]
        if not shapes and not texts:
            return True
        self.outlines_rebuilt += len(shapes)
        old_bounds = self._terr_bounds[shapes].copy()
        # Paths are built per level when drawn (the full-detail ones were built here for
        # every changed territory and never read).
        self._outlines.set_geometries(list(geoms))
        self._terr_geoms = list(geoms)
        if shapes:
            changed = np.asarray([geoms[i] for i in shapes], dtype=object)
            self._terr_bounds[shapes] = _world_bounds(changed)
            present = ~shapely.is_missing(changed) & ~shapely.is_empty(changed)
            anchor = np.full((len(shapes), 2), np.nan)
            area = np.zeros(len(shapes))
            if present.any():
                points = shapely.point_on_surface(changed[present])
                ax, ay = web_mercator(shapely.get_x(points), shapely.get_y(points))
                anchor[present] = np.column_stack([ax, ay])
                lat = np.radians(shapely.get_y(shapely.centroid(changed[present])))
                area[present] = shapely.area(changed[present]) / np.cos(lat) ** 2
            self._terr_anchor[shapes] = anchor
            self._terr_area[shapes] = np.nan_to_num(area)
        for i in texts:
            self._size_label(i, labels[i])
        self._terr_texts = list(labels)
        self._labels_version += 1
        if shapes:
            boxes = np.vstack([old_bounds, self._terr_bounds[shapes]])
            # Only outlines changed here (a recolour patches the units and dots itself).
            if not self._patch_composed(boxes[np.isfinite(boxes).all(axis=1)], dots=False):
                self._base_changed()
        self.update()  # labels may move anywhere on the map
        return True

    def set_reps(self, lon: np.ndarray, lat: np.ndarray, names: Sequence[str]) -> None:
        """Set rep home locations (star markers with names); NaN positions are skipped."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if not (len(lon) == len(lat) == len(names)):
            raise ValueError("lon, lat and names must have the same length")
        x, y = web_mercator(lon, lat)
        self._rep_xy = np.column_stack([x, y]).reshape(-1, 2)
        self._rep_names = [self._sprite(str(name), centred=False) for name in names]
        if self._rep_marker is None:
            self._rep_marker = _star_sprite(9.0)
        self._labels_version += 1
        self.update()

    def set_highlight(self, territory_indices: set[int] | Sequence[int]) -> None:
        """Emphasise these territories (bright thick outline, lighter fill); repaint only."""
        self._highlight = {int(i) for i in territory_indices}
        self.update()

    def add_overlay(self, overlay: Any) -> None:
        """Draw ``overlay.paint(painter, canvas)`` above the map on every paint (and export)."""
        if overlay not in self._overlays:
            self._overlays.append(overlay)
        self.update()

    def set_legend(self, entries: Sequence[tuple[str, str]]) -> None:
        """Show a legend box of ``(label, '#rrggbb')`` entries in the top-right corner."""
        self._legend = [(str(label), QColor(*hex_to_rgba(color))) for label, color in entries]
        self.legend_changed.emit(list(self._legend))
        self.update()

    def legend_entries(self) -> list[tuple[str, QColor]]:
        """The legend's ``(label, colour)`` entries, as last set."""
        return list(self._legend)

    def set_attribution(self, text: str) -> None:
        """Small credit text in the bottom-right corner (empty hides it)."""
        self._attribution = str(text)
        self.update()

    def refresh(self) -> None:
        """Drop the cached layers and repaint (e.g. after changing ``account_dot_px``)."""
        self._units_changed()

    # ------------------------------------------------------------------ view
    def view_bounds(self) -> tuple[float, float, float, float]:
        """Visible area as ``(lon0, lat0, lon1, lat1)`` in degrees."""
        w, h = self._size()
        lon0, lat0 = inverse_web_mercator(
            self._cx - w / 2 * self._res, self._cy - h / 2 * self._res
        )
        lon1, lat1 = inverse_web_mercator(
            self._cx + w / 2 * self._res, self._cy + h / 2 * self._res
        )
        return float(lon0), float(lat0), float(lon1), float(lat1)

    def screen_to_lonlat(self, pos: QPointF) -> tuple[float, float]:
        """Degrees under a widget pixel position."""
        w, h = self._size()
        x = self._cx + (pos.x() - w / 2) * self._res
        y = self._cy - (pos.y() - h / 2) * self._res
        lon, lat = inverse_web_mercator(x, y)
        return float(lon), float(lat)

    def lonlat_to_screen(self, lon: float | np.ndarray, lat: float | np.ndarray) -> tuple[Any, Any]:
        """Widget pixel position of degrees (scalars give floats, arrays give arrays)."""
        w, h = self._size()
        x, y = web_mercator(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        sx = (x - self._cx) / self._res + w / 2
        sy = h / 2 - (y - self._cy) / self._res
        if np.ndim(sx) == 0:
            return float(sx), float(sy)
        return sx, sy

    def zoom_to_bounds(self, lon0: float, lat0: float, lon1: float, lat1: float) -> None:
        """Fit the view exactly to a lon/lat box (the longer side touches the edges)."""
        x0, y0 = web_mercator(np.array(min(lon0, lon1)), np.array(min(lat0, lat1)))
        x1, y1 = web_mercator(np.array(max(lon0, lon1)), np.array(max(lat0, lat1)))
        self._fit_world(float(x0), float(y0), float(x1), float(y1))

    def zoom_to_extent(self) -> None:
        """Fit all units, accounts, territories and reps, with a 5 % margin on every side."""
        rep_boxes = (
            np.column_stack([self._rep_xy, self._rep_xy]) if len(self._rep_xy) else np.zeros((0, 4))
        )
        box = _union_bounds([self._unit_bounds, self._acc_bounds, self._terr_bounds, rep_boxes])
        if box is None:
            box = _union_bounds([self._basemap_bounds])
        if box is None:
            self.zoom_to_bounds(*DEFAULT_BOUNDS)
            return
        x0, y0, x1, y1 = box
        span = max(x1 - x0, y1 - y0, 1000.0)
        mx, my = max(x1 - x0, span * 0.02) * 0.05, max(y1 - y0, span * 0.02) * 0.05
        self._fit_world(x0 - mx, y0 - my, x1 + mx, y1 + my)
        # Until the user moves the view, a resize (docks laid out, window maximised)
        # fits the whole plan again instead of cropping it.
        self._fitted_to_extent = True

    def zoom_at(self, factor: float, pos: QPointF) -> None:
        """Zoom in by ``factor`` (> 1 zooms in) keeping the point under ``pos`` fixed."""
        if factor <= 0:
            raise ValueError(f"factor must be positive, got {factor}")
        self._fitted_to_extent = False
        w, h = self._size()
        wx = self._cx + (pos.x() - w / 2) * self._res
        wy = self._cy - (pos.y() - h / 2) * self._res
        res = float(np.clip(self._res / factor, 0.05, 200_000.0))
        self._cx = wx - (pos.x() - w / 2) * res
        self._cy = wy + (pos.y() - h / 2) * res
        self._res = res
        self._view_moved()

    def pan_by(self, dx_px: float, dy_px: float) -> None:
        """Move the map content by ``(dx, dy)`` pixels, as a drag by that amount would."""
        self._fitted_to_extent = False
        self._cx -= dx_px * self._res
        self._cy += dy_px * self._res
        self._view_moved()

    def render_image(self, width: int, height: int) -> QImage:
        """The whole map (layers and overlays) at the current view centre and scale.

        Parameters
        ----------
        width, height : int
            Image size in pixels (independent of the widget size).

        Returns
        -------
        QImage
            An ``RGB32`` image that owns its pixels (for PNG export or tests).
        """
        width, height = max(int(width), 1), max(int(height), 1)
        base = self._render_base(width, height)
        image = QImage(width, height, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        painter.drawImage(QRectF(0, 0, width, height), base.image, QRectF(PAD, PAD, width, height))
        self._paint_overlays(painter, width, height)
        painter.end()
        return image

    # ------------------------------------------------------------------ events
    def paintEvent(self, event: QPaintEvent) -> None:
        w, h = self._size()
        painter = QPainter(self)
        key = self._view_key(w, h)
        base, shift = self._base, QPointF(0, 0)
        if base is not None and self._blit and self._base_key[2:] == key[2:]:
            # Drag in progress at the same scale: show the last render shifted.
            shift = QPointF(
                (self._base_key[0] - key[0]) / self._res, (key[1] - self._base_key[1]) / self._res
            )
            painter.fillRect(self.rect(), QColor.fromRgb(BACKGROUND))
        else:
            base = self._render_base(w, h)
        painter.drawImage(QRectF(shift.x(), shift.y(), w, h), base.image, QRectF(PAD, PAD, w, h))
        # A lasso move repaints a small area: labels outside it are not drawn (Qt would
        # clip them away, at some 15 µs a sprite).
        self._paint_area = QRectF(event.rect()).adjusted(-1, -1, 1, 1)
        try:
            self._paint_overlays(painter, w, h, legend=self.legend_box)
        finally:
            self._paint_area = None
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted_to_extent:
            self.zoom_to_extent()
        self.view_changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        info = self._map_event(event, event.button())
        if self._offer("press", info):
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_pos = event.position()
            self._last_drag_pos = event.position()
            self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        info = self._map_event(event, Qt.MouseButton.NoButton)
        self.cursor_moved.emit(info.lon, info.lat)
        if self._offer("move", info):
            return
        if self._press_pos is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        if not self._dragging:
            moved = pos - self._press_pos
            if abs(moved.x()) + abs(moved.y()) < DRAG_THRESHOLD:
                return
            self._dragging = True
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        assert self._last_drag_pos is not None
        delta = pos - self._last_drag_pos
        self._last_drag_pos = pos
        self._blit = True
        self._settle.start()
        self.pan_by(delta.x(), delta.y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        info = self._map_event(event, event.button())
        if self._offer("release", info):
            self._press_pos = None
            return
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        if self._dragging:
            self.unsetCursor()
            self._end_blit()
        else:
            self.clicked.emit(info.lon, info.lat, event.modifiers())
        self._press_pos = None
        self._dragging = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            steps = event.pixelDelta().y() / 60.0
        if steps:
            self.zoom_at(WHEEL_STEP**steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        pos = self.mapFromGlobal(self.cursor().pos()).toPointF()
        lon, lat = self.screen_to_lonlat(pos)
        info = MapEvent(
            lon, lat, pos.x(), pos.y(), modifiers=event.modifiers(), key=int(event.key())
        )
        if self._offer("key", info):
            return
        w, h = self._size()
        centre = QPointF(w / 2, h / 2)
        key = event.key()
        step_x, step_y = w / 4, h / 4
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_at(KEY_ZOOM, centre)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_at(1 / KEY_ZOOM, centre)
        elif key == Qt.Key.Key_Left:
            self.pan_by(step_x, 0)
        elif key == Qt.Key.Key_Right:
            self.pan_by(-step_x, 0)
        elif key == Qt.Key.Key_Up:
            self.pan_by(0, step_y)
        elif key == Qt.Key.Key_Down:
            self.pan_by(0, -step_y)
        elif key == Qt.Key.Key_Home:
            self.zoom_to_extent()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ internals
    def _sprite(self, text: str, centred: bool = True) -> QImage:
        """Label sprite for ``text`` (cached: labels are re-set on every edit)."""
        key = f"{int(centred)}{text}"
        sprite = self._sprites.get(key)
        if sprite is None:
            if len(self._sprites) > 5000:
                self._sprites.clear()
            lines = [line for line in text.split("\n") if line] or [""]
            sprite = text_sprite(lines, _label_fonts() if centred else _label_fonts()[1:], centred)
            self._sprites[key] = sprite
        return sprite

    def _label_box(self, text: str) -> tuple[float, float]:
        """Size of a territory label's text without its halo: the size of its sprite, from
        the font metrics alone (a release at national scale relabels a hundred territories,
        and drawing every sprite cost 22 ms where only the placed labels are seen)."""
        fonts = self._label_metrics
        if not fonts:
            fonts = self._label_metrics = [
                (f, QFontMetricsF(f), QFontMetricsF(f).height()) for f in _label_fonts()
            ]
        widths = self._line_widths
        if len(widths) > 20000:
            widths.clear()
        last = len(fonts) - 1
        widest, height, row = 0.0, 0.0, 0
        for line in text.split("\n"):
            if not line:
                continue
            font = row if row < last else last
            width = widths.get((font, line))
            if width is None:
                width = widths[(font, line)] = fonts[font][1].horizontalAdvance(line)
            widest = width if width > widest else widest
            height += fonts[font][2]
            row += 1
        if not row:  # no text: the sprite of one empty line
            height = fonts[0][2]
        w, h = _sprite_size([widest], [height])
        return w - 6, h - 6

    def _size_label(self, index: int, text: str) -> None:
        """Sizes of territory ``index``'s label with its numbers and with its name alone."""
        self._terr_label_size[index] = self._label_box(text) if text else (0, 0)
        short = text.split("\n", 1)[0] if text and "\n" in text else ""
        self._terr_short_size[index] = self._label_box(short) if short else (0, 0)

    def _size(self) -> tuple[int, int]:
        """Widget size, or 640x480 before the widget has one (fits made before show)."""
        w, h = self.width(), self.height()
        return (w, h) if w > 1 and h > 1 else (640, 480)

    def _fit_world(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._fitted_to_extent = False
        w, h = self._size()
        self._cx, self._cy = (x0 + x1) / 2, (y0 + y1) / 2
        self._res = max((x1 - x0) / w, (y1 - y0) / h, 0.05)
        self._view_moved()

    def _view_moved(self) -> None:
        self.update()
        self.view_changed.emit()

    def _units_changed(self) -> None:
        self._units_version += 1
        self._base_changed()

    def _base_changed(self) -> None:
        self._base_version += 1
        self.update()

    def _on_settle_timeout(self) -> None:
        self._end_blit()

    def _end_blit(self) -> None:
        self._settle.stop()
        self._blit = False
        self.update()

    def _map_event(self, event: QMouseEvent, button: Qt.MouseButton) -> MapEvent:
        pos = event.position()
        lon, lat = self.screen_to_lonlat(pos)
        return MapEvent(
            lon, lat, pos.x(), pos.y(), button, event.buttons(), event.modifiers(), None
        )

    def _offer(self, name: str, info: MapEvent) -> bool:
        """Give an event to the active tool; True when the tool took it."""
        handler = getattr(self.tool, name, None) if self.tool is not None else None
        return bool(handler(info)) if callable(handler) else False

    def _view_key(self, w: int, h: int) -> tuple[float, ...]:
        return (
            self._cx,
            self._cy,
            self._res,
            w,
            h,
            self._units_version,
            self._base_version,
            self._composed_patch,
        )

    def _world_transform(self, left: float, top: float) -> QTransform:
        """World metres to pixels of an image whose top-left pixel is at world ``(left, top)``."""
        k = 1.0 / self._res
        return QTransform(k, 0, 0, -k, -left * k, top * k)

    def _render_base(self, w: int, h: int) -> _Layer:
        """Units, accounts and territory outlines for the view, ``PAD`` pixels wider each side.

        A crop of the composed layer, which covers the view and a margin of an eighth of it:
        a small pan copies pixels and draws nothing. (A wider margin would make every edit
        pay for compositing accounts over a larger area.)
        """
        key = self._view_key(w, h)
        if self._base is not None and self._base_key == key:
            return self._base
        res = self._res
        bw, bh = w + 2 * PAD, h + 2 * PAD
        left = self._cx - (w / 2 + PAD) * res
        top = self._cy + (h / 2 + PAD) * res
        c, r = self._ensure_units_layer(left, top, bw, bh)
        assert self._units_layer is not None
        versions = (self._units_key, self._units_patch, self._base_version)
        known = self._composed is not None and self._composed_key[0] == versions
        if known:
            c0, r0, cw, ch = self._composed_key[1]
            known = c0 <= c and r0 <= r and c + bw <= c0 + cw and r + bh <= r0 + ch
        if not known:
            lh, lw = self._units_layer.pixels.shape
            margin = max(bw, bh) // 16
            c0, r0 = max(0, c - margin), max(0, r - margin)
            c1, r1 = min(lw, c + bw + margin), min(lh, r + bh + margin)
            self._composed = self._compose(self._units_layer, c0, r0, c1 - c0, r1 - r0)
            self._composed_key = (versions, (c0, r0, c1 - c0, r1 - r0))
        assert self._composed is not None
        c0, r0 = self._composed_key[1][:2]
        base = _Layer(bw, bh)
        base.pixels[:] = self._composed.pixels[r - r0 : r - r0 + bh, c - c0 : c - c0 + bw]
        self._base, self._base_key = base, key
        return base

    def _compose(self, units: _Layer, col: int, row: int, lw: int, lh: int) -> _Layer:
        """Part of the units layer with the account dots and territory outlines on it."""
        layer = _Layer(lw, lh)
        layer.pixels[:] = units.pixels[row : row + lh, col : col + lw]
        left = float(self._units_key[2]) + col * self._res
        top = float(self._units_key[3]) - row * self._res
        self._acc_density = None
        if len(self._acc_x):
            self._draw_accounts(layer.pixels, left, top)
        self._dotted = layer.pixels.copy()
        self._draw_outlines(layer, left, top, (0, 0, lw, lh))
        return layer

    def _draw_outlines(
        self, layer: _Layer, left: float, top: float, rect: tuple[int, int, int, int]
    ) -> None:
        """Territory outlines over the pixels ``rect`` (x0, y0, x1, y1) of a composed layer."""
        paths = self._outlines.paths(level_for(self._res))
        if not any(p is not None for p in paths):
            return
        # A 2 px line as three 1 px passes offset by a pixel: 1.5 ms for 40 territories,
        # where a 2 px pen costs 7.5 ms and an antialiased one 25 ms.
        res = self._res
        x0, y0, x1, y1 = rect
        painter = QPainter(layer.image)
        lh, lw = layer.pixels.shape
        if rect != (0, 0, lw, lh):
            painter.setClipRect(x0, y0, x1 - x0, y1 - y0)
        pen = QPen(QColor(30, 30, 30), 0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        visible = self._visible(
            self._terr_bounds, left + (x0 - 2) * res, top - (y0 - 2) * res, x1 - x0 + 4, y1 - y0 + 4
        ).tolist()
        for dx, dy in ((0, 0), (1, 0), (0, 1)):
            painter.setTransform(self._world_transform(left - dx * res, top + dy * res))
            for i in visible:
                path = paths[i]
                if path is not None:
                    painter.drawPath(path)
        painter.end()

    @contextmanager
    def one_patch(self, clustered: bool = False) -> Iterator[None]:
        """Recolour units and accounts inside, and compose the map around them once after.

        The units and the accounts a lasso would move cover the same area: composed again
        for each (dots, outlines) it cost two passes over the accounts there.
        ``clustered``: compose the areas of nearby items apart, not the box around all
        (see :meth:`_clusters`).
        """
        if self._pending_boxes is not None:
            yield
            return
        self._pending_boxes, self._pending_dots = [], False
        try:
            yield
        finally:
            boxes, self._pending_boxes = self._pending_boxes, None
            dots = self._pending_dots
            if boxes and not self._patch_composed(
                np.concatenate(boxes), dots=dots, clustered=clustered
            ):
                # The composed layer is rebuilt from the (patched) units layer.
                self._units_patch += 1
                self._base_changed()

    def _clusters(self, boxes: np.ndarray) -> list[np.ndarray]:
        """Rows of world ``boxes`` grouped by the screen tile of their centre.

        The units and accounts a lasso's move recolours lie along the thin triangles
        between its first point and the cursor: the one box around them all covered a
        thousand units at national scale, the tiles they fall in a few dozen.
        """
        finite = np.flatnonzero(np.isfinite(boxes).all(axis=1))
        if len(finite) <= 1:
            return [finite]
        tile = PATCH_TILE_PX * self._res
        cx = np.floor((boxes[finite, 0] + boxes[finite, 2]) / (2 * tile)).astype(np.int64)
        cy = np.floor((boxes[finite, 1] + boxes[finite, 3]) / (2 * tile)).astype(np.int64)
        keys = (cx - cx.min()) * (int(cy.max() - cy.min()) + 1) + (cy - cy.min())
        order = np.argsort(keys, kind="stable")
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        return [finite[group] for group in np.split(order, cuts)]

    def _patch_composed(
        self, boxes: np.ndarray, dots: bool = True, clustered: bool = False
    ) -> bool:
        """Compose the map again over world ``boxes`` only (their union), in place.

        The units layer there is copied again, the accounts in and around it are dotted
        the way the full composition dotted them (the same density cells and ring choice)
        and the outlines are drawn over it. ``dots=False``: only outlines changed there
        (a release: the preview already showed the new colours), so the units and dots
        are copied from the layer kept before the outlines (at national scale, dotting the
        lasso's 100,000 accounts again was 15 ms of a release). ``clustered``: the union of
        each cluster of boxes (:meth:`_clusters`) instead. False when there is no composed
        layer to patch (the next paint composes everything anyway) or the area is most
        of it.
        """
        if self._pending_boxes is not None:
            self._pending_boxes.append(np.asarray(boxes, dtype=float).reshape(-1, 4))
            self._pending_dots |= dots
            return True  # composed once :meth:`one_patch` ends
        composed, units = self._composed, self._units_layer
        if composed is None or units is None or not self._composed_key:
            return False
        versions, (c0, r0, cw, ch) = self._composed_key
        if versions != (self._units_key, self._units_patch, self._base_version):
            return False
        dotted = self._dotted
        if dotted is None or dotted.shape != composed.pixels.shape:
            dots = True
        if dots and len(self._acc_x) and self._acc_density is None:
            return False
        left = float(self._units_key[2]) + c0 * self._res
        top = float(self._units_key[3]) - r0 * self._res
        dot = 5  # the widest dot with its ring reaches 4 px from its pixel
        boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
        groups = self._clusters(boxes) if clustered else [np.arange(len(boxes))]
        rects = [self._pixel_rect(boxes[g], left, top, composed, grow=dot) for g in groups]
        inners = [r for r in rects if r is not None]
        if not inners:
            return True  # nothing of it is in the composed area
        if sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in inners) > 0.6 * cw * ch:
            return False
        for inner in inners:
            self._compose_area(inner, left, top, dots)
        self._composed_patch += 1
        return True

    def _compose_area(
        self, inner: tuple[int, int, int, int], left: float, top: float, dots: bool
    ) -> None:
        """Compose pixel box ``inner`` of the composed layer again (see _patch_composed)."""
        composed, units = self._composed, self._units_layer
        assert composed is not None and units is not None
        _versions, (c0, r0, cw, ch) = self._composed_key
        dot = 5
        x0, y0, x1, y1 = inner
        dotted = self._dotted
        if not dots:
            assert dotted is not None
            composed.pixels[y0:y1, x0:x1] = dotted[y0:y1, x0:x1]
            self._finish_patch(composed, left, top, (x0, y0, x1, y1))
            return
        cell = DENSITY_CELL_PX
        # Every dot that reaches the inner box comes from a pixel at most ``dot`` away; cells
        # align with the full composition's so each dot keeps its density class.
        rx0 = max(0, (x0 - dot - 8) // cell * cell)
        ry0 = max(0, (y0 - dot - 8) // cell * cell)
        rx1 = min(cw, -(-(x1 + dot + 8) // cell) * cell)
        ry1 = min(ch, -(-(y1 + dot + 8) // cell) * cell)
        region = units.pixels[r0 + ry0 : r0 + ry1, c0 + rx0 : c0 + rx1].copy()
        if len(self._acc_x):
            density = self._acc_density
            assert density is not None
            cells = density[ry0 // cell : -(-ry1 // cell), rx0 // cell : -(-rx1 // cell)]
            self._dot_accounts(
                region, left + rx0 * self._res, top - ry0 * self._res, cells, self._acc_sparse
            )
        composed.pixels[y0:y1, x0:x1] = region[y0 - ry0 : y1 - ry0, x0 - rx0 : x1 - rx0]
        if dotted is not None and dotted.shape == composed.pixels.shape:
            dotted[y0:y1, x0:x1] = composed.pixels[y0:y1, x0:x1]
        self._finish_patch(composed, left, top, (x0, y0, x1, y1))

    def _finish_patch(
        self, composed: _Layer, left: float, top: float, rect: tuple[int, int, int, int]
    ) -> None:
        """Outlines over a patched rectangle of the composed layer, and its repaint."""
        x0, y0, x1, y1 = rect
        self._draw_outlines(composed, left, top, (x0, y0, x1, y1))
        self.patched_pixels += (x1 - x0) * (y1 - y0)
        # Only the patched area of the widget is painted again.
        w, h = self._size()
        view_left = self._cx - w / 2 * self._res
        view_top = self._cy + h / 2 * self._res
        sx = (left - view_left) / self._res
        sy = (view_top - top) / self._res
        self.update(math.floor(sx + x0) - 1, math.floor(sy + y0) - 1, x1 - x0 + 3, y1 - y0 + 3)

    def _visible(self, bounds: np.ndarray, left: float, top: float, w: int, h: int) -> np.ndarray:
        """Indices of boxes that meet the image area (NaN boxes never do)."""
        if not len(bounds):
            return np.zeros(0, dtype=np.intp)
        right, bottom = left + w * self._res, top - h * self._res
        meets = (
            (bounds[:, 2] >= left)
            & (bounds[:, 0] <= right)
            & (bounds[:, 3] >= bottom)
            & (bounds[:, 1] <= top)
        )
        return np.flatnonzero(meets)

    def _ensure_units_layer(self, left: float, top: float, bw: int, bh: int) -> tuple[int, int]:
        """Column and row of ``(left, top)`` in the units layer, redrawn if it misses the area."""
        res = self._res
        layer_key = self._units_key
        if self._units_layer is not None and layer_key[:2] == (res, self._units_version):
            col = (left - layer_key[2]) / res
            row = (layer_key[3] - top) / res
            lh, lw = self._units_layer.pixels.shape
            aligned = abs(col - round(col)) < 1e-3 and abs(row - round(row)) < 1e-3
            c, r = round(col), round(row)
            if aligned and c >= 0 and c + bw <= lw and r >= 0 and r + bh <= lh:
                return c, r
        # Redraw with a margin so that the next pans (arrow keys move a quarter view) reuse
        # this layer; the margin costs little since per-unit call overhead dominates the fill.
        margin = max(bw, bh) // 4 + 8
        lw, lh = bw + 2 * margin, bh + 2 * margin
        lleft, ltop = left - margin * res, top + margin * res
        layer = _Layer(lw, lh)
        self._draw_units(layer, lleft, ltop)
        self._units_layer = layer
        self._units_key = (res, self._units_version, lleft, ltop)
        return margin, margin

    def _draw_units(self, layer: _Layer, left: float, top: float) -> None:
        """Background, basemap lines and unit fills into a units layer."""
        lh, lw = layer.pixels.shape
        style: tuple[int | None, bool] = (None, False)
        in_view = np.zeros(0, dtype=np.intp)
        if self._unit_paths:
            in_view = self._visible(self._unit_bounds, left, top, lw, lh)
            widths = (self._unit_bounds[in_view, 2] - self._unit_bounds[in_view, 0]) / self._res
            borders = len(in_view) > 0 and float(np.median(widths)) >= BORDER_MIN_PX
            level = level_for(self._res) if len(in_view) > PER_UNIT_MAX else None
            style = (level, borders)
        self._units_layer_style = style
        painter = QPainter(layer.image)
        self._paint_units(painter, layer, left, top, in_view, style, patch=False)
        painter.end()

    def _patch_units_layer(self, units: np.ndarray, clustered: bool = False) -> None:
        """Repaint ``units`` (new colours) onto the cached units layer, as it was drawn.

        Everything inside the pixel rectangle around them is painted again (background,
        tiles, basemap lines and every unit that reaches into it, the way the layer was
        drawn) under a rectangular clip: fills may be translucent, and a rectangle clips for
        free where a clip path of the units cost Qt half a millisecond per unit drawn.
        ``clustered``: a rectangle around each cluster of them (:meth:`_clusters`).
        """
        layer = self._units_layer
        if layer is None or self._unit_levels is None:
            return
        left, top = float(self._units_key[2]), float(self._units_key[3])
        bounds = self._unit_bounds[units]
        groups = self._clusters(bounds) if clustered else [np.arange(len(units))]
        res = self._res
        for group in groups:
            rect = self._pixel_rect(bounds[group], left, top, layer)
            if rect is None:
                continue
            x0, y0, x1, y1 = rect
            world = (left + x0 * res, top - y0 * res, x1 - x0, y1 - y0)
            inside = self._visible(self._unit_bounds, world[0], world[1], world[2], world[3])
            painter = QPainter(layer.image)
            painter.setClipRect(x0, y0, x1 - x0, y1 - y0)
            self._paint_units(
                painter, layer, left, top, inside, self._units_layer_style, patch=True, clip=world
            )
            painter.end()
        self.patched_units += len(units)

    def _pixel_rect(
        self, bounds: np.ndarray, left: float, top: float, layer: _Layer, grow: int = 2
    ) -> tuple[int, int, int, int] | None:
        """Pixel box ``(x0, y0, x1, y1)`` of world ``bounds`` rows in a layer, grown, clipped."""
        finite = np.isfinite(bounds).all(axis=1)
        if not finite.any():
            return None
        b = bounds[finite]
        k = 1.0 / self._res
        lh, lw = layer.pixels.shape
        x0 = max(0, math.floor((float(b[:, 0].min()) - left) * k) - grow)
        x1 = min(lw, math.ceil((float(b[:, 2].max()) - left) * k) + grow)
        y0 = max(0, math.floor((top - float(b[:, 3].max())) * k) - grow)
        y1 = min(lh, math.ceil((top - float(b[:, 1].min())) * k) + grow)
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None

    def _paint_units(
        self,
        painter: QPainter,
        layer: _Layer,
        left: float,
        top: float,
        units: np.ndarray,
        style: tuple[int | None, bool],
        patch: bool,
        clip: tuple[float, float, int, int] | None = None,
    ) -> None:
        """Under-layers and unit fills; ``patch`` paints ``units`` inside the painter's clip
        (``clip``: its world left, top and pixel width, height) the way the layer drew them."""
        lh, lw = layer.pixels.shape
        if patch:
            painter.fillRect(QRectF(0, 0, lw, lh), QColor.fromRgba(BACKGROUND))
        else:
            layer.pixels.fill(BACKGROUND)
        underlay = self.underlay
        if underlay is not None:
            # Background images (online tiles) in layer pixels, under everything else.
            lon0, lat0 = inverse_web_mercator(left, top - lh * self._res)
            lon1, lat1 = inverse_web_mercator(left + lw * self._res, top)
            zoom = math.log2(2 * 20037508.342789244 / 256 / self._res)
            view = (float(lon0), float(lat0), float(lon1), float(lat1))
            for image, rect in underlay.images_for_view(view, zoom, (lw, lh)):
                painter.drawImage(rect, image)
        painter.setTransform(self._world_transform(left, top))
        basemap = self._basemap_in(clip)
        if basemap:
            painter.setPen(self._basemap_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for path in basemap:
                painter.drawPath(path)
        if not len(units):
            return
        # Without tiles the fills are drawn opaque, pre-blended over the background, and the
        # basemap lines they would have shown through are drawn again on top at the opacity
        # the fill left them: the same pixels for half the fill cost.
        opaque = underlay is None
        level, borders = style
        painter.setPen(self._unit_pen if borders else Qt.PenStyle.NoPen)
        if level is not None:
            self._draw_unit_groups(painter, level, opaque, clip)
        else:
            self._draw_unit_paths(painter, units, level, opaque)
        if opaque and basemap and self._unit_alpha < 255:
            color = QColor(self._basemap_pen.color())
            color.setAlpha(255 - self._unit_alpha)
            pen = QPen(color, 0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for path in basemap:
                painter.drawPath(path)

    def _basemap_in(self, clip: tuple[float, float, int, int] | None) -> list[QPainterPath]:
        """The basemap's whole path, or with ``clip`` its parts that reach into it."""
        if self._basemap_path is None:
            return []
        if clip is None:
            return [self._basemap_path]
        parts = self._basemap_parts
        return [
            p
            for i in self._visible(self._basemap_part_bounds, *clip).tolist()
            if (p := parts[i]) is not None
        ]

    def _draw_unit_paths(
        self, painter: QPainter, units: np.ndarray, level: int | None, opaque: bool
    ) -> None:
        """One path per unit at full detail (few units in view)."""
        visible = np.zeros(len(self._unit_paths), dtype=bool)
        visible[units] = True
        order = self._unit_draw_order[visible[self._unit_draw_order]]
        brushes = self._unit_brushes_opaque if opaque else self._unit_brushes
        brush_of = self._unit_brush_of
        self._build_unit_paths(order)
        paths = self._unit_paths
        _draw_by_brush(
            painter, order.tolist(), [paths[i] for i in order.tolist()], brush_of, brushes
        )

    def _build_unit_paths(self, units: np.ndarray) -> None:
        """Build the per-unit paths of ``units`` that are not built yet (full detail)."""
        todo = units[~self._unit_path_built[units]]
        if not len(todo) or self._unit_levels is None:
            return
        elements, starts = self._unit_levels.elements(0)
        raw = elements.tobytes()
        size = elements.itemsize
        paths = self._unit_paths
        for i, lo, hi in zip(
            todo.tolist(), starts[todo].tolist(), starts[todo + 1].tolist(), strict=True
        ):
            paths[i] = path_from_bytes(raw[lo * size : hi * size], hi - lo)
        self._unit_path_built[todo] = True

    def _draw_unit_groups(
        self,
        painter: QPainter,
        level: int,
        opaque: bool,
        clip: tuple[float, float, int, int] | None = None,
    ) -> None:
        """Units far out: one combined, simplified path per fill colour (see lod.py).

        With ``clip`` (world left, top, pixel width, height) only the groups that reach
        into it are drawn.
        """
        assert self._unit_levels is not None
        levels = self._unit_levels
        if clip is not None:
            units = self._visible(self._unit_bounds, *clip)
            if len(units) <= PATCH_UNIT_PATHS:
                self._draw_units_of_groups(painter, level, opaque, units)
                return
        paths = levels.group_paths(level)
        keys = list(paths)
        if clip is not None:
            boxes = np.array([levels.group_bounds(level, k) for k in keys]).reshape(-1, 4)
            keys = [keys[i] for i in self._visible(boxes, *clip).tolist()]
        for key in keys:
            path = paths[key]
            if path is not None:
                color = int(key) & 0xFFFFFFFF
                painter.setBrush(_over_background(color) if opaque else QColor.fromRgba(color))
                painter.drawPath(path)

    def _draw_units_of_groups(
        self, painter: QPainter, level: int, opaque: bool, units: np.ndarray
    ) -> None:
        """A patch's few units at ``level``, each its own path, colour group after group
        (the order the combined paths are drawn in, so the same colour ends on top)."""
        assert self._unit_levels is not None
        brush_of = self._unit_brush_of
        order = units[np.argsort(brush_of[units], kind="stable")]
        brushes = self._unit_brushes_opaque if opaque else self._unit_brushes
        indices = order.tolist()
        _draw_by_brush(
            painter, indices, self._unit_levels.unit_paths(level, order), brush_of, brushes
        )

    def _draw_accounts(self, pixels: np.ndarray, left: float, top: float) -> None:
        """Rasterise the account dots into ``pixels`` (numpy only, no loop over accounts).

        Each area of the view gets the style its own density calls for: a city's accounts
        tint their territory while a few rural ones nearby stay distinct dots. The density
        per cell and the ring choice are kept for patches (:meth:`_patch_composed`).
        """
        bh, bw = pixels.shape
        points = self._scatter_accounts(bw, bh, left, top)
        density = cell_occupancy(points[:-1], bw, bh, DENSITY_CELL_PX)
        occupied = (density > 0) & ~(density > DENSE_OCCUPANCY)
        sparse = (
            float(np.median(density[occupied])) <= RING_MAX_OCCUPANCY if occupied.any() else True
        )
        self._acc_density, self._acc_sparse = density, sparse
        self._composite_accounts(pixels, points, density, sparse)

    def _dot_accounts(
        self, pixels: np.ndarray, left: float, top: float, density: np.ndarray, sparse: bool
    ) -> None:
        """Dot the accounts into ``pixels`` with given density cells and ring choice."""
        bh, bw = pixels.shape
        k = 1.0 / self._res
        oy = self._acc_origin[1]
        # Rows of the area (plus a pixel) as a slice of the y-sorted accounts.
        hi_y = np.float32((top - oy) + k**-1)
        lo_y = np.float32((top - bh * self._res - oy) - k**-1)
        neg = self._acc_neg_y
        a = int(np.searchsorted(neg, -hi_y, side="left"))
        b = int(np.searchsorted(neg, -lo_y, side="right"))
        part: slice | np.ndarray = slice(a, b)
        strips = len(self._strip_starts) - 1
        if strips > 1:
            ox = self._acc_origin[0]
            s0 = int((left - ox - self._res - self._strip_x0) // self._strip_width)
            s1 = int((left + bw * self._res - ox + self._res - self._strip_x0) // self._strip_width)
            s0, s1 = max(s0, 0), min(s1, strips - 1)
            if s1 < s0:
                return
            if (s1 - s0 + 1) * 2 < strips:
                # The rows of the area within the strips it spans, in the drawing order
                # (the last dot written to a pixel shows, as in the full composition).
                starts, negs = self._strip_starts, self._strip_neg_y
                pieces = []
                for k_strip in range(s0, s1 + 1):
                    lo, hi = int(starts[k_strip]), int(starts[k_strip + 1])
                    sa = lo + int(np.searchsorted(negs[lo:hi], -hi_y, side="left"))
                    sb = lo + int(np.searchsorted(negs[lo:hi], -lo_y, side="right"))
                    pieces.append(self._strip_rank[sa:sb])
                part = np.sort(np.concatenate(pieces)) if pieces else np.zeros(0, np.intp)
        points = self._scatter_accounts(bw, bh, left, top, part)
        self._composite_accounts(pixels, points, density, sparse)

    def _scatter_accounts(
        self, bw: int, bh: int, left: float, top: float, part: slice | np.ndarray = slice(None)
    ) -> np.ndarray:
        k = 1.0 / self._res
        ox, oy = self._acc_origin
        points = np.zeros(bw * bh + 1, dtype=self._acc_colors.dtype)
        scatter_points(
            points, bw, bh, self._acc_x[part], self._acc_y[part], self._acc_colors[part],
            k, (ox - left) * k, (top - oy) * k,
        )  # fmt: skip
        return points

    def _composite_accounts(
        self, pixels: np.ndarray, points: np.ndarray, density: np.ndarray, sparse: bool
    ) -> None:
        # Two passes at most: the dense cells' dots are mixed in without growing (cheap), the
        # rest are grown into dots once, with a ring if they are sparse.
        bh, bw = pixels.shape
        flat = points[:-1]
        target = pixels.reshape(-1)
        cell = DENSITY_CELL_PX
        dense_cells = density > DENSE_OCCUPANCY
        normal = flat
        if dense_cells.any():
            dense = expand_cells(dense_cells, bw, bh, cell)
            normal = np.where(dense, 0, flat).astype(flat.dtype, copy=False)
            composite_dots(
                target,
                np.where(dense, flat, 0).astype(flat.dtype, copy=False),
                bw,
                palette=self._acc_palette,
                **self._account_style(2),
            )
        occupied = (density > 0) & ~dense_cells
        if occupied.any():
            composite_dots(
                target,
                normal,
                bw,
                palette=self._acc_palette,
                blend=self._acc_blend,
                **self._account_style(0 if sparse else 1),
            )

    def _account_style(self, density_class: int) -> dict[str, Any]:
        """Dot size, ring and half-blending for the zoom and a density class (0, 1 or 2).

        Class 2: cells where more than :data:`DENSE_OCCUPANCY` of the pixels hold an account;
        otherwise 0 when the typical occupied cell has at most :data:`RING_MAX_OCCUPANCY`,
        else 1. Returns keyword arguments of :func:`~planner.ui.render.composite_dots`.

        Sparse accounts are distinct dots with a dark ring; as they crowd (or the view zooms
        out) the dots shrink and lose the ring, and once they would cover the map they become
        one-pixel dots blended half into the fill: dense areas then read as a darker shade of
        their territory's colour, and the colours stay readable.
        """
        dot = self.account_dot_px
        if self._res > SMALL_DOTS_RES:
            dot = min(dot, 2)
        if density_class >= 2:
            return {"dot_px": 1, "ring": False, "half": True}
        if density_class == 1:
            return {"dot_px": max(1, dot - 1), "ring": False, "half": False}
        return {"dot_px": dot, "ring": self.account_ring, "half": False}

    # ------------------------------------------------------------------ overlays
    def _paint_overlays(self, painter: QPainter, w: int, h: int, legend: bool = True) -> None:
        """Highlight, labels, reps, the tool's drawing, legend, scale bar and attribution."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top = self._cx - w / 2 * self._res, self._cy + h / 2 * self._res
        world = self._world_transform(left, top)
        if self._highlight:
            self._paint_highlight(painter, world)
        self._paint_labels(painter, left, top, w, h)
        for overlay in self._overlays:
            painter.save()
            overlay.paint(painter, self)
            painter.restore()
        paint = getattr(self.tool, "paint", None) if self.tool is not None else None
        if callable(paint):
            painter.save()
            paint(painter, self)
            painter.restore()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if legend:
            self._paint_legend(painter, w, h)
        self._paint_scale_bar(painter, h)
        if self._attribution:
            font = QFont()
            font.setPixelSize(10)
            text_w = QFontMetricsF(font).horizontalAdvance(self._attribution)
            box = QRectF(w - text_w - 12, h - 17, text_w + 8, 15)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 190))
            painter.drawRect(box)
            painter.setFont(font)
            painter.setPen(QColor(70, 70, 70))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self._attribution)

    def _paint_highlight(self, painter: QPainter, world: QTransform) -> None:
        painter.save()
        painter.setTransform(world)
        for width, color in ((7.0, QColor(20, 20, 20, 200)), (3.5, QColor(255, 204, 0))):
            pen = QPen(color, width)
            pen.setCosmetic(True)
            # Bevelled corners: on a lasso's territory at national scale (450 path elements)
            # round joins made the two antialiased strokes cost 9 ms a paint, bevels 4.5 ms;
            # on a line 3.5-7 px wide the corners look the same.
            pen.setJoinStyle(Qt.PenJoinStyle.BevelJoin)
            painter.setPen(pen)
            # The first pass also lightens the fill so the selected units stand out.
            painter.setBrush(QColor(255, 255, 255, 70) if width > 5 else Qt.BrushStyle.NoBrush)
            # The outline simplified for the zoom (under a pixel off): the full-detail
            # path of a large territory cost 4 ms a paint, and the lasso paints per move.
            paths = self._outlines.paths(level_for(self._res))
            for i in sorted(self._highlight):
                path = paths[i] if 0 <= i < len(paths) else None
                if path is not None:
                    painter.drawPath(path)
        painter.restore()

    def _place_labels(self, left: float, top: float, w: int, h: int) -> tuple[Any, ...]:
        """Where labels, rep names and stars go for this view (cached by :meth:`_paint_labels`:
        a paint that only moves a tool's rubber band reuses it)."""
        n, k = len(self._terr_texts), 1.0 / self._res
        sx = (self._terr_anchor[:, 0] - left) * k
        sy = (top - self._terr_anchor[:, 1]) * k
        bw = (self._terr_bounds[:, 2] - self._terr_bounds[:, 0]) * k
        bh = (self._terr_bounds[:, 3] - self._terr_bounds[:, 1]) * k
        # Rep stars are obstacles; their names are candidates after every territory label.
        marker = self._rep_marker
        half = marker.width() / 2 if marker is not None else 0.0
        rx = (self._rep_xy[:, 0] - left) * k if len(self._rep_xy) else np.zeros(0)
        ry = (top - self._rep_xy[:, 1]) * k if len(self._rep_xy) else np.zeros(0)
        rx, ry = np.round(rx), np.round(ry)
        stars = np.isfinite(rx) & (rx > -60) & (rx < w + 60) & (ry > -20) & (ry < h + 20)
        rep_size = np.array(
            [(img.width() - 4, img.height() - 4) for img in self._rep_names], dtype=float
        ).reshape(-1, 2)
        rep_dx = half + 1 + (rep_size[:, 0] + 4) / 2
        rep_size[~stars | (rx + rep_dx + rep_size[:, 0] / 2 > w)] = 0
        # Territory labels: with their numbers, then the name alone; each centred on the
        # anchor, else just above or below it (clear of a rep star sitting on the anchor).
        sizes: list[np.ndarray] = []
        offsets: list[np.ndarray] = []
        for size in (self._terr_label_size, self._terr_short_size):
            for shift in (0.0, -1.0, 1.0):
                dy = shift * (size[:, 1] / 2 + half + 2)
                fits = (bw >= size[:, 0] * 0.8) & (bh >= size[:, 1] * 1.2)
                # Whole labels only: one cut by the edge of the map cannot be read.
                inside = (sx - size[:, 0] / 2 >= 0) & (sx + size[:, 0] / 2 <= w)
                inside &= (sy + dy - size[:, 1] / 2 >= 0) & (sy + dy + size[:, 1] / 2 <= h)
                usable = np.where((fits & inside)[:, None], size, 0.0)
                rep_alt = rep_size if not sizes else np.zeros_like(rep_size)
                sizes.append(np.vstack([usable, rep_alt]))
                offsets.append(
                    np.vstack(
                        [
                            np.column_stack([np.zeros(n), dy]),
                            np.column_stack([rep_dx, np.zeros(len(rx))]),
                        ]
                    )
                )
        x = np.r_[sx, rx]
        y = np.r_[sy, ry]
        priority = np.r_[self._terr_area * k * k, np.full(len(rx), -1.0)]
        # Stars first, among themselves: where reps crowd (a national view), a star that
        # would overlap another becomes a small dot, and only whole stars keep labels away.
        star_box = np.full((len(rx), 2), 2 * half + STAR_SPACING_PX)
        star_box[~stars] = 0
        whole, _ = place_labels(rx, ry, [star_box], np.zeros(len(rx)), gap=0.0)
        full_star = whole >= 0
        for alt in sizes:
            alt[n:][~full_star] = 0  # a dot gets no name
        blocked = [np.column_stack([rx - half, ry - half, rx + half, ry + half])[full_star]]
        # The scale bar (bottom left, at most about 230 px wide) and the attribution.
        blocked.append(np.array([[0.0, h - 42.0, 240.0, float(h)]]))
        if self._attribution:
            font = QFont()
            font.setPixelSize(10)
            text_w = QFontMetricsF(font).horizontalAdvance(self._attribution)
            blocked.append(np.array([[w - text_w - 14.0, h - 19.0, float(w), float(h)]]))
        legend = self._legend_box(w, h)
        if legend is not None:
            blocked.append(
                np.array([[legend.left(), legend.top(), legend.right(), legend.bottom()]])
            )
        choice, boxes = place_labels(x, y, sizes, priority, np.vstack(blocked), offsets=offsets)
        return n, choice, boxes, rx, ry, stars, full_star

    def _paint_labels(self, painter: QPainter, left: float, top: float, w: int, h: int) -> None:
        """Territory labels and rep names, placed so that none overlaps another or the legend.

        Larger territories are labelled first; a label that would collide is shortened to
        its name, else hidden (as is a label larger than its territory on screen). Rep stars
        are always drawn; their names come after every territory label.
        """
        self.drawn_label_rects = []
        key = (left, top, self._res, w, h, self._labels_version, self.legend_box, len(self._legend))
        if self._label_cache is None or self._label_cache[0] != key:
            self._label_cache = (key, self._place_labels(left, top, w, h))
        n, choice, boxes, rx, ry, stars, full_star = self._label_cache[1]
        area = self._paint_area
        marker = self._rep_marker
        half = marker.width() / 2 if marker is not None else 0.0
        self.drawn_territory_labels = {}
        for i in np.flatnonzero(choice[:n] >= 0).tolist():
            text = self._terr_texts[i]
            if not text:
                continue
            whole = choice[i] < 3
            # The sprite's size is the text's and the halo's (as the label was placed by).
            sw, sh = (self._terr_label_size if whole else self._terr_short_size)[i] + 6
            x0, y0, x1, y1 = boxes[i]
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
            self.drawn_label_rects.append(("territory", rect))
            self.drawn_territory_labels[i] = rect
            at = QPointF(round((x0 + x1) / 2 - sw / 2), round((y0 + y1) / 2 - sh / 2))
            if area is not None and not area.intersects(QRectF(at.x(), at.y(), sw, sh)):
                continue
            # Drawn (or taken from the cache) only now that the label is placed and seen.
            sprite = self._sprite(text if whole else text.split("\n")[0])
            painter.drawImage(at, sprite)
            self.label_sprites_drawn += 1
        if marker is None:
            return
        painter.setPen(QPen(QColor(20, 20, 20), 1))
        painter.setBrush(QColor(255, 210, 63))
        for j in np.flatnonzero(stars & ~full_star).tolist():
            painter.drawEllipse(QPointF(float(rx[j]), float(ry[j])), 2.5, 2.5)
        for j in np.flatnonzero(full_star).tolist():
            px, py = float(rx[j]), float(ry[j])
            painter.drawImage(QPointF(px - half, py - half), marker)
            if choice[n + j] >= 0:
                name = self._rep_names[j]
                painter.drawImage(QPointF(px + half + 1, py - name.height() / 2), name)
                x0, y0, x1, y1 = boxes[n + j]
                self.drawn_label_rects.append(("rep", QRectF(x0, y0, x1 - x0, y1 - y0)))

    def _paint_legend(self, painter: QPainter, w: int, h: int) -> None:
        layout = legend_layout(self._legend, w, h)
        if layout is not None:
            paint_legend(painter, layout)

    def set_legend_box(self, visible: bool) -> None:
        """Show or hide the legend box on the map (exports keep it)."""
        self.legend_box = bool(visible)
        self.update()

    def _legend_box(self, w: int, h: int) -> QRectF | None:
        if not self.legend_box:
            return None
        layout = legend_layout(self._legend, w, h)
        return layout.box if layout is not None else None

    def _paint_scale_bar(self, painter: QPainter, h: int) -> None:
        # Mercator stretches distances by 1/cos(latitude): measure at the view centre.
        _, lat = inverse_web_mercator(self._cx, self._cy)
        metres_per_px = self._res * math.cos(math.radians(float(lat)))
        target_km = metres_per_px * 120 / 1000
        if not math.isfinite(target_km) or target_km <= 0:
            return
        magnitude = 10 ** math.floor(math.log10(target_km))
        length_km = max(s * magnitude for s in (1, 2, 5) if s * magnitude <= target_km)
        length_px = length_km * 1000 / metres_per_px
        x0, y0 = 12.0, h - 22.0
        text = f"{length_km:g} km"
        font = QFont()
        font.setPixelSize(11)
        painter.setFont(font)
        text_w = QFontMetricsF(font).horizontalAdvance(text)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(QRectF(x0 - 6, y0 - 16, length_px + text_w + 22, 26), 3, 3)
        painter.setPen(QPen(QColor(25, 25, 25), 2))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + length_px, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0 + 1))
        painter.drawLine(QPointF(x0 + length_px, y0 - 5), QPointF(x0 + length_px, y0 + 1))
        painter.drawText(QPointF(x0 + length_px + 6, y0 + 4), text)


def _draw_by_brush(
    painter: QPainter,
    indices: list[int],
    paths: Sequence[QPainterPath | None],
    brush_of: np.ndarray,
    brushes: Sequence[QBrush],
) -> None:
    """Draw unit paths in order, setting the brush only when it changes (units come
    sorted by brush, so a colour group costs one ``setBrush``)."""
    current = -1
    for i, path in zip(indices, paths, strict=True):
        if path is None:
            continue
        b = brush_of[i]
        if b != current:
            painter.setBrush(brushes[b])
            current = b
        painter.drawPath(path)
