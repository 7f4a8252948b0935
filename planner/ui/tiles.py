"""Optional online basemap: XYZ raster tiles (OpenStreetMap by default) under the units.

Tiles are fetched by a small thread pool (``urllib``; the GUI thread never waits on the
network or the disk), kept on disk under the user's cache folder
(``<CacheLocation>/tiles/<provider>/{z}/{x}/{y}.png``) and in memory as decoded images.
When the network is unreachable the layer falls back quietly: one status message, no
dialog, and the bundled outlines (:mod:`planner.ui.basemap`) keep the map readable; it tries
again a minute later.

The canvas asks :meth:`TileLayer.images_for_view` for the images covering the area it draws
and paints them first; a tile not yet at hand is requested and, meanwhile, stood in for by a
coarser tile already in memory, scaled up. ``tiles_changed`` tells the canvas to draw again.
"""

from __future__ import annotations

import math
import os
import re
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QObject,
    QRectF,
    QRunnable,
    QSettings,
    QStandardPaths,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QImage

from planner.models.geo import web_mercator
from planner.ui.i18n import translate

#: Half the width of the Web Mercator world in metres.
WORLD_HALF = 20037508.342789244
TILE_PX = 256
#: Metres per pixel of zoom level 0 with 256-pixel tiles.
Z0_RESOLUTION = 2 * WORLD_HALF / TILE_PX
#: Views needing more tiles than this are skipped (a tile set of the wrong zoom, or a wall).
MAX_TILES_PER_VIEW = 150
#: Decoded tiles kept in memory (256 x 256 x 4 bytes each: 512 tiles are 128 MB at most).
MEMORY_TILES = 512
#: Seconds before trying the network again after it failed.
OFFLINE_RETRY_S = 60.0
#: Disk tiles older than this are fetched again (and used as they are if that fails).
MAX_AGE_S = 30 * 24 * 3600.0
USER_AGENT = "TerritoryPlanner/0.1 (desktop sales territory design)"
SETTINGS_KEY_TILES = "basemap/tiles"
OFFLINE_MESSAGE = "Online basemap unavailable (offline?): showing the bundled outlines"


@dataclass(frozen=True)
class TileKey:
    """One XYZ tile: zoom ``z``, column ``x``, row ``y`` counted from the top."""

    z: int
    x: int
    y: int

    def parent(self, levels: int = 1) -> TileKey:
        return TileKey(self.z - levels, self.x >> levels, self.y >> levels)


def zoom_for_resolution(metres_per_pixel: float) -> float:
    """The fractional XYZ zoom level at which a tile pixel is ``metres_per_pixel`` wide."""
    return math.log2(Z0_RESOLUTION / max(float(metres_per_pixel), 1e-9))


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "tiles"


def default_cache_dir(provider_name: str) -> Path:
    """``<CacheLocation>/tiles/<provider>``, the user's cache folder for this provider."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return (
        Path(base or Path.home() / ".cache" / "territory-planner") / "tiles" / _slug(provider_name)
    )


def default_provider() -> Any:
    """OpenStreetMap's standard tiles, described by xyzservices (URL, zoom range, credit)."""
    import xyzservices.providers as xyz

    return xyz.OpenStreetMap.Mapnik


class _FetchSignals(QObject):
    """Results cross from the pool threads to the GUI thread as queued signals."""

    #: key, image (QImage or None), outcome: "ok", "missing" (HTTP 4xx, bad data), "offline".
    done = Signal(object, object, str)


class _FetchTile(QRunnable):
    """Read one tile from the disk cache, else from the network (and store it)."""

    def __init__(
        self,
        key: TileKey,
        url: str,
        path: Path,
        signals: _FetchSignals,
        timeout_s: float,
        user_agent: str,
    ) -> None:
        super().__init__()
        self.key = key
        self.url = url
        self.path = path
        self.signals = signals
        self.timeout_s = timeout_s
        self.user_agent = user_agent

    def run(self) -> None:
        data, outcome = self._load()
        image = QImage.fromData(data) if data else QImage()
        if data and image.isNull():
            # A truncated or non-image file: drop it so that the next view fetches it again.
            self.path.unlink(missing_ok=True)
            outcome = "missing"
        self.signals.done.emit(self.key, None if image.isNull() else image, outcome)

    def _load(self) -> tuple[bytes | None, str]:
        stale: bytes | None = None
        try:
            age = time.time() - self.path.stat().st_mtime
            cached = self.path.read_bytes()
            if age < MAX_AGE_S:
                return cached, "ok"
            stale = cached
        except OSError:
            pass
        request = urllib.request.Request(self.url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            return stale, "ok" if stale else ("missing" if 400 <= exc.code < 500 else "offline")
        except (urllib.error.URLError, OSError, ValueError):
            return stale, "ok" if stale else "offline"
        self._store(data)
        return data, "ok"

    def _store(self, data: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a tile.
            tmp = self.path.with_suffix(f".{os.getpid()}.{id(self)}.part")
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only or full cache only costs a fetch next time


class TileLayer(QObject):
    """XYZ tiles for the map canvas, fetched in the background and cached on disk.

    Parameters
    ----------
    provider : xyzservices.TileProvider, optional
        Where tiles come from and whom to credit; OpenStreetMap by default.
    cache_dir : path, optional
        Folder of the disk cache (``{z}/{x}/{y}.png`` inside it); by default
        :func:`default_cache_dir` of the provider's name.
    max_threads : int
        Simultaneous downloads (OpenStreetMap's tile policy asks for at most two).
    timeout_s : float
        Network timeout of one tile.

    Signals
    -------
    tiles_changed()
        New tiles are in memory: draw the map again (at most a few times a second).
    status_message(text)
        Something the planner should know, shown once: the network is unreachable.
    """

    tiles_changed = Signal()
    status_message = Signal(str)

    def __init__(
        self,
        provider: Any = None,
        cache_dir: Path | str | None = None,
        max_threads: int = 2,
        timeout_s: float = 8.0,
        user_agent: str = USER_AGENT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.provider = provider if provider is not None else default_provider()
        name = str(self.provider.get("name", "tiles"))
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir(name)
        self.min_zoom = int(self.provider.get("min_zoom", 0))
        self.max_zoom = int(self.provider.get("max_zoom", 19))
        self.attribution = str(self.provider.get("attribution", ""))
        self.timeout_s = timeout_s
        self.user_agent = user_agent
        self.offline = False
        self._offline_since = 0.0
        self._memory: OrderedDict[TileKey, QImage] = OrderedDict()
        self._missing: set[TileKey] = set()
        self._pending: set[TileKey] = set()
        self._wanted: list[TileKey] = []
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max(1, int(max_threads)))
        self._signals = _FetchSignals(self)
        self._signals.done.connect(self._on_done)
        self._changed_timer = QTimer(self)
        self._changed_timer.setSingleShot(True)
        self._changed_timer.setInterval(250)
        self._changed_timer.timeout.connect(self.tiles_changed)
        #: Tiles requested from the pool so far (disk and network), for tests and diagnostics.
        self.requests = 0

    # -- the canvas's side -------------------------------------------------------------

    def images_for_view(
        self,
        bounds: tuple[float, float, float, float],
        zoom: float,
        size: tuple[int, int],
    ) -> list[tuple[QImage, QRectF]]:
        """Images covering an image of ``size`` pixels that shows ``bounds``.

        Parameters
        ----------
        bounds : (lon0, lat0, lon1, lat1)
            The area the target image shows, in degrees (Web Mercator in between).
        zoom : float
            Fractional zoom level of the view (:func:`zoom_for_resolution`); rounded to the
            nearest level the provider has.
        size : (width, height)
            Target image size in pixels.

        Returns
        -------
        list of (QImage, QRectF)
            Each image with the rectangle, in target pixels, to draw it into. Tiles not yet
            loaded are requested; a coarser tile in memory stands in for them meanwhile.
        """
        width, height = size
        lon0, lat0, lon1, lat1 = bounds
        if width <= 0 or height <= 0 or not all(map(math.isfinite, bounds)):
            return []
        west, east = np.array(min(lon0, lon1)), np.array(max(lon0, lon1))
        south, north = np.array(min(lat0, lat1)), np.array(max(lat0, lat1))
        x0, y0 = (float(v) for v in web_mercator(west, south))
        x1, y1 = (float(v) for v in web_mercator(east, north))
        if x1 <= x0 or y1 <= y0:
            return []
        z = int(min(max(round(zoom), self.min_zoom), self.max_zoom))
        n = 1 << z
        span = 2 * WORLD_HALF / n
        # Tiles that only touch the view along an edge are left out (the epsilon absorbs
        # the rounding of a view fitted exactly to tile edges).
        eps = 1e-7
        cols = range(
            max(math.floor((x0 + WORLD_HALF) / span + eps), 0),
            min(math.ceil((x1 + WORLD_HALF) / span - eps), n),
        )
        rows = range(
            max(math.floor((WORLD_HALF - y1) / span + eps), 0),
            min(math.ceil((WORLD_HALF - y0) / span - eps), n),
        )
        if len(cols) * len(rows) > MAX_TILES_PER_VIEW:
            return []
        sx, sy = width / (x1 - x0), height / (y1 - y0)
        cx, cy = (len(cols) - 1) / 2 + cols.start, (len(rows) - 1) / 2 + rows.start
        out: list[tuple[QImage, QRectF]] = []
        missing: list[TileKey] = []
        for ty in rows:
            for tx in cols:
                key = TileKey(z, tx, ty)
                rect = QRectF(
                    (tx * span - WORLD_HALF - x0) * sx,
                    (y1 - (WORLD_HALF - ty * span)) * sy,
                    span * sx,
                    span * sy,
                )
                image = self._memory.get(key)
                if image is not None:
                    self._memory.move_to_end(key)
                    out.append((image, rect))
                    continue
                stand_in = self._coarser(key)
                if stand_in is not None:
                    out.append((stand_in, rect))
                if key not in self._missing:
                    missing.append(key)
        # Centre tiles first: they are what the planner looks at.
        missing.sort(key=lambda k: (k.x - cx) ** 2 + (k.y - cy) ** 2)
        self._wanted = missing
        self._pump()
        return out

    def _coarser(self, key: TileKey) -> QImage | None:
        for levels in range(1, min(4, key.z) + 1):
            parent = self._memory.get(key.parent(levels))
            if parent is None:
                continue
            side = TILE_PX >> levels
            col = key.x - (key.parent(levels).x << levels)
            row = key.y - (key.parent(levels).y << levels)
            scale_x = parent.width() / TILE_PX
            scale_y = parent.height() / TILE_PX
            return parent.copy(
                int(col * side * scale_x),
                int(row * side * scale_y),
                max(int(side * scale_x), 1),
                max(int(side * scale_y), 1),
            )
        return None

    # -- fetching ----------------------------------------------------------------------

    def tile_path(self, key: TileKey) -> Path:
        """Where the disk cache keeps a tile."""
        return self.cache_dir / str(key.z) / str(key.x) / f"{key.y}.png"

    def tile_url(self, key: TileKey) -> str:
        return str(self.provider.build_url(x=key.x, y=key.y, z=key.z))

    def _pump(self) -> None:
        if self.offline:
            if time.monotonic() - self._offline_since < OFFLINE_RETRY_S:
                return
            self.offline = False
        while self._wanted and len(self._pending) < self._pool.maxThreadCount():
            key = self._wanted.pop(0)
            if key in self._pending or key in self._memory or key in self._missing:
                continue
            self._pending.add(key)
            self.requests += 1
            self._pool.start(
                _FetchTile(
                    key,
                    self.tile_url(key),
                    self.tile_path(key),
                    self._signals,
                    self.timeout_s,
                    self.user_agent,
                )
            )

    def _on_done(self, key: TileKey, image: QImage | None, outcome: str) -> None:
        self._pending.discard(key)
        if image is not None:
            self._memory[key] = image
            self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_TILES:
                self._memory.popitem(last=False)
            if not self._changed_timer.isActive():
                self._changed_timer.start()
        elif outcome == "missing":
            self._missing.add(key)
        elif outcome == "offline":
            if not self.offline:
                self.offline = True
                self._offline_since = time.monotonic()
                self._wanted.clear()
                self.status_message.emit(OFFLINE_MESSAGE)
            return
        self._pump()

    def cached(self, key: TileKey) -> QImage | None:
        """A tile from memory, or None."""
        return self._memory.get(key)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Forget queued requests and wait for downloads in progress; True when all ended."""
        self._wanted.clear()
        self._pool.clear()
        return bool(self._pool.waitForDone(timeout_ms))


# -- the window's side ---------------------------------------------------------------------


def _setting_on(value: object) -> bool:
    return value in (True, "true", "1", 1)


class TilesController:
    """The "Online basemap tiles" toggle: off by default, remembered in the settings.

    While on, the canvas draws the layer under the units (``canvas.underlay``) with the
    provider's credit in the corner.
    """

    def __init__(self, window: Any, settings: QSettings, layer: TileLayer | None = None) -> None:
        self.window = window
        self.settings = settings
        self._layer = layer
        self.action = QAction(translate("TilesController", "Online basemap tiles"), window)
        self.action.setCheckable(True)
        self.action.setStatusTip(
            translate(
                "TilesController",
                "Draw OpenStreetMap tiles under the territories (needs the internet; cached on disk)",
            )
        )
        self.action.setChecked(_setting_on(settings.value(SETTINGS_KEY_TILES, False)))
        self.action.toggled.connect(self._on_toggled)
        if self.action.isChecked():
            self._enable()

    @property
    def layer(self) -> TileLayer:
        if self._layer is None:
            self._layer = TileLayer(parent=self.window)
        return self._layer

    def _on_toggled(self, checked: bool) -> None:
        self.settings.setValue(SETTINGS_KEY_TILES, checked)
        if checked:
            self._enable()
        else:
            self._disable()

    def _enable(self) -> None:
        canvas = self.window.canvas
        layer = self.layer
        layer.tiles_changed.connect(canvas.refresh)
        layer.status_message.connect(self._show_status)
        canvas.underlay = layer
        canvas.set_attribution(layer.attribution)
        canvas.refresh()

    def _disable(self) -> None:
        canvas = self.window.canvas
        if self._layer is not None:
            self._layer.tiles_changed.disconnect(canvas.refresh)
            self._layer.status_message.disconnect(self._show_status)
            self._layer.shutdown(0)
        canvas.underlay = None
        canvas.set_attribution("")
        canvas.refresh()

    def _show_status(self, text: str) -> None:
        status = getattr(self.window, "statusBar", None)
        if callable(status):
            status().showMessage(text, 10000)

    def shutdown(self) -> None:
        if self._layer is not None:
            self._layer.shutdown()


def install(window: Any, layer: TileLayer | None = None) -> TilesController:
    """Add "Online basemap tiles" to the View menu of a MainWindow (off unless turned on).

    The canvas draws the tiles once it supports an under-layer (``canvas.underlay``; see
    ``docs/basemap.md``).
    """
    settings = getattr(window, "settings", None)
    if not isinstance(settings, QSettings):
        settings = QSettings()
    controller = TilesController(window, settings, layer)
    window.tiles = controller
    menus = getattr(window, "menus", {})
    if "view" in menus:
        menus["view"].addAction(controller.action)
    return controller


__all__ = [
    "TileKey",
    "TileLayer",
    "TilesController",
    "default_cache_dir",
    "default_provider",
    "install",
    "zoom_for_resolution",
]
