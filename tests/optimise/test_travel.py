"""Travel matrices: great-circle distances, the offline time model, and the OSRM client."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import numpy as np
import pytest

from planner.optimise.travel import (
    OsrmClient,
    TravelError,
    TravelSettings,
    great_circle_km,
    travel_matrices,
)

LON = np.array([-0.1276, 2.3522, -3.7038])  # London, Paris, Madrid
LAT = np.array([51.5072, 48.8566, 40.4168])


def test_great_circle_matches_known_city_distances() -> None:
    km = great_circle_km(LON, LAT)
    assert km[0, 1] == pytest.approx(343.5, abs=1.0)
    assert km[0, 2] == pytest.approx(1264.0, abs=3.0)
    np.testing.assert_allclose(km, km.T)
    assert np.all(np.diag(km) == 0)


def test_great_circle_rectangular_and_bad_input() -> None:
    assert great_circle_km(LON, LAT, LON[:1], LAT[:1]).shape == (3, 1)
    with pytest.raises(ValueError, match="lat"):
        great_circle_km([0.0], [95.0])


def test_offline_time_uses_circuity_and_speed() -> None:
    settings = TravelSettings(circuity=1.5, speed_kmh=90.0)
    tm = travel_matrices(LON, LAT, settings)
    np.testing.assert_allclose(tm.distance_km, great_circle_km(LON, LAT) * 1.5)
    np.testing.assert_allclose(tm.minutes, tm.distance_km / 90.0 * 60.0)
    assert tm.source == "great-circle" and tm.warning is None
    with pytest.raises(ValueError, match="circuity"):
        TravelSettings(circuity=0.5)


def _reply(handler: BaseHTTPRequestHandler, status: int, body: dict[str, object]) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class _CannedOsrm(BaseHTTPRequestHandler):
    """Answers ``/table/v1/driving/...`` with a fixed 2x2 OSRM table; anything else with 400."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.startswith("/table/v1/driving/") and "annotations=distance" in self.path:
            body = {
                "code": "Ok",
                "durations": [[0.0, 600.0], [660.0, 0.0]],
                "distances": [[0.0, 12000.0], [12500.0, 0.0]],
            }
            status = 200
        else:
            body = {"code": "InvalidUrl", "message": "URL string malformed"}
            status = 400
        _reply(self, status, body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def osrm_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _CannedOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_osrm_table_from_loopback_server(osrm_server: str) -> None:
    _CannedOsrm.requests.clear()
    client = OsrmClient(osrm_server + "/", timeout_s=5.0)
    tm = client.table([-83.0, -82.9], [40.0, 40.1])
    assert tm.source == "osrm"
    np.testing.assert_allclose(tm.distance_km, [[0.0, 12.0], [12.5, 0.0]])
    np.testing.assert_allclose(tm.minutes, [[0.0, 10.0], [11.0, 0.0]])
    (path,) = _CannedOsrm.requests
    assert path.startswith("/table/v1/driving/-83.000000,40.000000;-82.900000,40.100000?")


def test_osrm_error_answer_falls_back_with_reason(osrm_server: str) -> None:
    client = OsrmClient(osrm_server, profile="cycling")  # the canned server rejects this path
    with pytest.raises(TravelError, match="HTTP 400: URL string malformed"):
        client.table([-83.0, -82.9], [40.0, 40.1])
    tm = travel_matrices([-83.0, -82.9], [40.0, 40.1], osrm=client)
    assert tm.source == "great-circle"
    assert tm.warning is not None and osrm_server in tm.warning and "great-circle" in tm.warning


def test_osrm_unreachable_server_is_a_clear_error() -> None:
    server = HTTPServer(("127.0.0.1", 0), _CannedOsrm)
    port = server.server_address[1]
    server.server_close()  # nothing listens on this port any more
    client = OsrmClient(f"http://127.0.0.1:{port}", timeout_s=2.0)
    with pytest.raises(TravelError, match="could not be reached"):
        client.table([-83.0, -82.9], [40.0, 40.1])


class _PlanarOsrm(BaseHTTPRequestHandler):
    """Answers any table request from its own coordinates (1 km per 0.01 degree, 1 km/min),
    honouring ``sources``/``destinations`` and refusing more than ``limit`` coordinates as
    OSRM's ``--max-table-size`` does."""

    limit: ClassVar[int] = 10
    sizes: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        coords = parsed.path.rsplit("/", 1)[-1].split(";")
        pts = np.array([[float(v) for v in c.split(",")] for c in coords])
        type(self).sizes.append(len(pts))
        query = urllib.parse.parse_qs(parsed.query)
        if len(pts) > self.limit:
            body: dict[str, object] = {"code": "TooBig", "message": "Too many table coordinates"}
            status = 400
        else:
            src = [int(i) for i in query["sources"][0].split(";")] if "sources" in query else None
            dst = (
                [int(i) for i in query["destinations"][0].split(";")]
                if "destinations" in query
                else None
            )
            a = pts[src] if src is not None else pts
            b = pts[dst] if dst is not None else pts
            km = np.abs(a[:, None, :] - b[None, :, :]).sum(axis=2) * 100.0
            body = {
                "code": "Ok",
                "durations": (km * 60.0).tolist(),
                "distances": (km * 1000.0).tolist(),
            }
            status = 200
        _reply(self, status, body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_large_osrm_tables_are_asked_for_in_blocks_within_the_server_limit() -> None:
    server = HTTPServer(("127.0.0.1", 0), _PlanarOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        rng = np.random.default_rng(1)
        lon, lat = rng.uniform(-84, -83, 25), rng.uniform(33, 34, 25)
        _PlanarOsrm.sizes.clear()
        with pytest.raises(TravelError, match="Too many table coordinates"):
            OsrmClient(url, max_points=100).table(lon, lat)  # one request: over the limit
        _PlanarOsrm.sizes.clear()
        tm = OsrmClient(url, max_points=10).table(lon, lat)
        assert max(_PlanarOsrm.sizes) <= 10 and len(_PlanarOsrm.sizes) == 25  # 5 x 5 blocks
        pts = np.round(np.column_stack([lon, lat]), 6)  # as the request carries them
        expected = np.abs(pts[:, None, :] - pts[None, :, :]).sum(axis=2) * 100.0
        np.testing.assert_allclose(tm.distance_km, expected, atol=1e-6)
        np.testing.assert_allclose(tm.minutes, expected, atol=1e-6)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
