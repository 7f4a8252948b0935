"""The online tile path against a real HTTP server on loopback: fetch, disk cache, offline."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import xyzservices
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtGui import QColor, QImage

from planner.models.geo import inverse_web_mercator
from planner.ui.tiles import (
    OFFLINE_MESSAGE,
    WORLD_HALF,
    TileKey,
    TileLayer,
    install,
    zoom_for_resolution,
)


def png_bytes(color: QColor) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(color)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


class TileServer:
    """An HTTP server on 127.0.0.1 serving one-colour PNG tiles; zoom 0 answers 404."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.png = png_bytes(QColor(10, 120, 200))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] += 1
                if self.path.startswith("/0/"):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(server.png)))
                self.end_headers()
                self.wfile.write(server.png)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[TileServer]:
    s = TileServer()
    yield s
    s.stop()


def provider(port: int) -> xyzservices.TileProvider:
    return xyzservices.TileProvider(
        name="Loopback",
        url=f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
        attribution="© Loopback tiles",
        max_zoom=18,
    )


def tile_bounds(key: TileKey) -> tuple[float, float, float, float]:
    span = 2 * WORLD_HALF / (1 << key.z)
    x0 = key.x * span - WORLD_HALF
    y1 = WORLD_HALF - key.y * span
    lon0, lat0 = inverse_web_mercator(x0, y1 - span)
    lon1, lat1 = inverse_web_mercator(x0 + span, y1)
    return float(lon0), float(lat0), float(lon1), float(lat1)


@pytest.fixture
def layers() -> Iterator[list[TileLayer]]:
    made: list[TileLayer] = []
    yield made
    for layer in made:
        assert layer.shutdown(), "tile downloads still running after the test"
        layer.deleteLater()


KEY = TileKey(5, 8, 12)  # over the south-eastern United States


def test_zoom_for_resolution_matches_tile_pixels() -> None:
    assert zoom_for_resolution(2 * WORLD_HALF / 256) == pytest.approx(0.0)
    assert zoom_for_resolution(2 * WORLD_HALF / 256 / 1024) == pytest.approx(10.0)


def test_a_tile_is_fetched_in_the_background_then_drawn_where_it_belongs(
    qtbot, server: TileServer, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    layer = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(layer)
    assert layer.images_for_view(tile_bounds(KEY), KEY.z, (256, 256)) == []
    qtbot.waitUntil(lambda: layer.cached(KEY) is not None, timeout=10000)
    images = layer.images_for_view(tile_bounds(KEY), KEY.z, (256, 256))
    assert len(images) == 1
    image, rect = images[0]
    assert rect.x() == pytest.approx(0, abs=1e-6)
    assert rect.y() == pytest.approx(0, abs=1e-6)
    assert rect.width() == pytest.approx(256)
    assert rect.height() == pytest.approx(256)
    assert image.pixelColor(128, 128) == QColor(10, 120, 200)
    assert server.hits == {f"/{KEY.z}/{KEY.x}/{KEY.y}.png": 1}
    assert (tmp_path / "5" / "8" / "12.png").read_bytes() == server.png


def test_tiles_changed_is_emitted_and_a_half_view_puts_the_tile_at_its_offset(
    qtbot, server: TileServer, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    layer = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(layer)
    lon0, lat0, lon1, lat1 = tile_bounds(KEY)
    # A view twice as wide, the tile on its right half.
    wider = (lon0 - (lon1 - lon0), lat0, lon1, lat1)
    with qtbot.waitSignal(layer.tiles_changed, timeout=10000):
        layer.images_for_view(wider, KEY.z, (512, 256))
    qtbot.waitUntil(lambda: len(layer.images_for_view(wider, KEY.z, (512, 256))) == 2)
    rects = sorted((r.x(), r.width()) for _, r in layer.images_for_view(wider, KEY.z, (512, 256)))
    assert rects == [
        (pytest.approx(0), pytest.approx(256)),
        (pytest.approx(256), pytest.approx(256)),
    ]


def test_second_request_is_served_from_memory_then_from_the_disk_cache(
    qtbot, server: TileServer, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    first = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(first)
    first.images_for_view(tile_bounds(KEY), KEY.z, (256, 256))
    qtbot.waitUntil(lambda: first.cached(KEY) is not None, timeout=10000)
    assert len(first.images_for_view(tile_bounds(KEY), KEY.z, (256, 256))) == 1
    assert first.requests == 1

    # A new layer (a new session) over the same cache folder: the disk answers.
    second = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(second)
    assert second.images_for_view(tile_bounds(KEY), KEY.z, (256, 256)) == []
    qtbot.waitUntil(lambda: second.cached(KEY) is not None, timeout=10000)
    assert second.cached(KEY).pixelColor(5, 5) == QColor(10, 120, 200)  # type: ignore[union-attr]
    assert sum(server.hits.values()) == 1, "the server saw one request in all"


def test_a_missing_tile_is_not_asked_for_again_and_is_not_offline(
    qtbot, server: TileServer, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    layer = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(layer)
    messages: list[str] = []
    layer.status_message.connect(messages.append)
    zero = TileKey(0, 0, 0)
    layer.images_for_view(tile_bounds(zero), 0, (256, 256))
    qtbot.waitUntil(lambda: zero in layer._missing, timeout=10000)
    layer.images_for_view(tile_bounds(zero), 0, (256, 256))
    assert server.hits == {"/0/0/0.png": 1}
    assert not layer.offline
    assert messages == []


def test_offline_falls_back_quietly_with_one_status_message(
    qtbot, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    gone = TileServer()
    port = gone.port
    gone.stop()  # nothing listens on the port any more
    layer = TileLayer(provider(port), cache_dir=tmp_path, timeout_s=2)
    layers.append(layer)
    messages: list[str] = []
    layer.status_message.connect(messages.append)
    lon0, lat0, lon1, lat1 = tile_bounds(KEY)
    view = (lon0, lat0, lon1 + (lon1 - lon0) * 2, lat1)  # three tiles
    with qtbot.waitSignal(layer.status_message, timeout=10000) as blocker:
        assert layer.images_for_view(view, KEY.z, (768, 256)) == []
    assert blocker.args == [OFFLINE_MESSAGE]
    assert layer.offline
    # Asking again while offline neither raises nor repeats the message nor queues fetches.
    assert layer.images_for_view(view, KEY.z, (768, 256)) == []
    qtbot.waitUntil(lambda: not layer._pending, timeout=10000)
    assert messages == [OFFLINE_MESSAGE]
    assert not list(tmp_path.rglob("*.png"))


def test_a_coarser_tile_stands_in_until_the_finer_one_arrives(
    qtbot, server: TileServer, tmp_path: Path, layers: list[TileLayer]
) -> None:  # type: ignore[no-untyped-def]
    layer = TileLayer(provider(server.port), cache_dir=tmp_path)
    layers.append(layer)
    layer.images_for_view(tile_bounds(KEY), KEY.z, (256, 256))
    qtbot.waitUntil(lambda: layer.cached(KEY) is not None, timeout=10000)
    child = TileKey(KEY.z + 1, KEY.x * 2 + 1, KEY.y * 2)
    images = layer.images_for_view(tile_bounds(child), child.z, (256, 256))
    assert len(images) == 1
    image, rect = images[0]
    assert (image.width(), image.height()) == (128, 128)  # the parent's top-right quarter
    assert image.pixelColor(64, 64) == QColor(10, 120, 200)
    assert (rect.x(), rect.y(), rect.width(), rect.height()) == pytest.approx((0, 0, 256, 256))
    qtbot.waitUntil(lambda: layer.cached(child) is not None, timeout=10000)


def test_the_view_menu_toggle_is_off_by_default_and_remembered(
    qtbot, server: TileServer, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from planner.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    layer = TileLayer(provider(server.port), cache_dir=tmp_path / "tiles", parent=window)
    controller = install(window, layer)
    try:
        assert controller.action in window.menus["view"].actions()
        assert not controller.action.isChecked()
        assert getattr(window.canvas, "underlay", None) is None
        controller.action.setChecked(True)
        assert window.canvas.underlay is layer
        assert "Loopback" in window.canvas._attribution
        assert settings.value("basemap/tiles") in (True, "true")
        controller.action.setChecked(False)
        assert window.canvas.underlay is None
        assert window.canvas._attribution == ""
        assert settings.value("basemap/tiles") in (False, "false")
    finally:
        assert layer.shutdown()
    assert np.isfinite(zoom_for_resolution(1.0))
