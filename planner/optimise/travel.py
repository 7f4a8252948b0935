"""Travel distances and times between places, offline or from an OSRM routing server.

Offline, distance is the great-circle (haversine) distance on a sphere of radius 6371.0088 km
(the mean Earth radius), multiplied by a circuity factor because roads are not straight, and
time is that road distance over an average speed. The defaults, circuity 1.3 and 60 km/h, are
typical of mixed urban and rural driving; both are settings.

With a user-set base URL, :class:`OsrmClient` asks an OSRM-compatible server
(``/table/v1/driving/``) for road distances and durations. :func:`travel_matrices` falls back to
the offline estimate when the server cannot be used and says why in
:attr:`TravelMatrices.warning`.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "EARTH_RADIUS_KM",
    "OsrmClient",
    "TravelError",
    "TravelMatrices",
    "TravelSettings",
    "great_circle_km",
    "travel_matrices",
]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


class TravelError(RuntimeError):
    """A travel service could not give a usable answer; the message says which and why."""


@dataclass(frozen=True)
class TravelSettings:
    """How offline travel is estimated.

    Attributes
    ----------
    circuity : float, default 1.3
        Road distance over great-circle distance.
    speed_kmh : float, default 60.0
        Average driving speed over the road distance.
    """

    circuity: float = 1.3
    speed_kmh: float = 60.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.circuity) and self.circuity >= 1.0):
            raise ValueError(f"circuity must be a number >= 1, got {self.circuity}")
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0):
            raise ValueError(f"speed_kmh must be a positive number, got {self.speed_kmh}")

    def minutes(self, road_km: ArrayLike) -> np.ndarray:
        """Driving minutes for road distances in km."""
        return np.asarray(road_km, dtype=float) * (60.0 / self.speed_kmh)


@dataclass(frozen=True)
class TravelMatrices:
    """Road distance and driving time between every pair of places.

    Attributes
    ----------
    distance_km : ndarray, shape (n, n)
    minutes : ndarray, shape (n, n)
    source : str
        ``"great-circle"`` or ``"osrm"``.
    warning : str or None
        Why the offline estimate was used although a server was asked, else ``None``.
    """

    distance_km: np.ndarray
    minutes: np.ndarray
    source: str
    warning: str | None = None


def _lon_lat(lon: ArrayLike, lat: ArrayLike, name: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"{name}: lon and lat differ in length ({x.size} and {y.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError(f"{name}: lon/lat contain NaN or infinite values")
    if np.any(np.abs(y) > 90) or np.any(np.abs(x) > 180):
        raise ValueError(f"{name}: lon must be within ±180 and lat within ±90 degrees")
    return x, y


def great_circle_km(
    lon: ArrayLike,
    lat: ArrayLike,
    lon_to: ArrayLike | None = None,
    lat_to: ArrayLike | None = None,
) -> np.ndarray:
    """Great-circle distances in km between WGS84 points (haversine, spherical Earth).

    Parameters
    ----------
    lon, lat : array_like, shape (n,)
        Origins in degrees.
    lon_to, lat_to : array_like, shape (m,), optional
        Destinations in degrees; default the origins.

    Returns
    -------
    ndarray, shape (n, m)
        Distances in km; exactly 0 on the diagonal of a square call.
    """
    x1, y1 = _lon_lat(lon, lat, "origins")
    if lon_to is None and lat_to is None:
        x2, y2 = x1, y1
    elif lon_to is None or lat_to is None:
        raise ValueError("give both lon_to and lat_to, or neither")
    else:
        x2, y2 = _lon_lat(lon_to, lat_to, "destinations")
    phi1, phi2 = np.radians(y1)[:, None], np.radians(y2)[None, :]
    dphi = phi2 - phi1
    dlam = np.radians(x2)[None, :] - np.radians(x1)[:, None]
    h = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True)
class OsrmClient:
    """Client for an OSRM-compatible ``table`` service.

    Parameters
    ----------
    base_url : str
        Server root, e.g. ``"http://localhost:5000"``; ``/table/v1/driving/...`` is appended.
    timeout_s : float, default 10.0
        Seconds to wait for each answer.
    profile : str, default "driving"
    max_points : int, default 100
        Most coordinates in one request: OSRM's ``--max-table-size`` defaults to 100, so a
        larger table is asked for in blocks (sources × destinations) and put together.
    """

    base_url: str
    timeout_s: float = 10.0
    profile: str = "driving"
    max_points: int = 100

    def table_url(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        sources: list[int] | None = None,
        destinations: list[int] | None = None,
    ) -> str:
        """The request URL for distances and durations between the points.

        With ``sources``/``destinations`` (indices into the points) only those rows and
        columns are asked for.
        """
        coords = ";".join(f"{x:.6f},{y:.6f}" for x, y in zip(lon, lat, strict=True))
        params = {"annotations": "distance,duration"}
        if sources is not None:
            params["sources"] = ";".join(str(i) for i in sources)
        if destinations is not None:
            params["destinations"] = ";".join(str(i) for i in destinations)
        query = urllib.parse.urlencode(params, safe=";")
        base = self.base_url.rstrip("/")
        return f"{base}/table/v1/{urllib.parse.quote(self.profile)}/{coords}?{query}"

    def table(self, lon: ArrayLike, lat: ArrayLike) -> TravelMatrices:
        """Road distance (km) and driving time (minutes) between every pair of points.

        Tables over ``max_points`` points are asked for in blocks of at most ``max_points``
        coordinates each (half sources, half destinations).

        Raises
        ------
        TravelError
            If the server cannot be reached, answers with an error code, or leaves a pair
            without a route; the message names the server and the cause.
        """
        x, y = _lon_lat(lon, lat, "points")
        n = x.size
        if n <= max(self.max_points, 2):
            km, minutes = self._block(x, y, None, None, (n, n))
            return TravelMatrices(km, minutes, "osrm")
        size = max(self.max_points // 2, 1)
        blocks = [np.arange(i, min(i + size, n)) for i in range(0, n, size)]
        km = np.empty((n, n))
        minutes = np.empty((n, n))
        for rows in blocks:
            for cols in blocks:
                if rows[0] == cols[0]:
                    pts, src, dst = rows, None, None
                else:
                    pts = np.concatenate([rows, cols])
                    src = list(range(rows.size))
                    dst = list(range(rows.size, pts.size))
                block = self._block(x[pts], y[pts], src, dst, (rows.size, cols.size))
                km[np.ix_(rows, cols)], minutes[np.ix_(rows, cols)] = block
        return TravelMatrices(km, minutes, "osrm")

    def _block(
        self,
        x: np.ndarray,
        y: np.ndarray,
        sources: list[int] | None,
        destinations: list[int] | None,
        shape: tuple[int, int],
    ) -> tuple[np.ndarray, np.ndarray]:
        """One ``table`` request: (km, minutes) of shape ``shape``."""
        url = self.table_url(x, y, sources, destinations)
        where = f"OSRM server {self.base_url}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = _error_message(exc)
            raise TravelError(f"{where} answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TravelError(f"{where} could not be reached: {reason}") from exc
        except ValueError as exc:
            raise TravelError(f"{where} did not answer with JSON: {exc}") from exc
        if payload.get("code") != "Ok":
            message = payload.get("message", "no message")
            raise TravelError(f"{where} answered {payload.get('code')!r}: {message}")
        try:
            seconds = np.array(payload["durations"], dtype=float)
            metres = np.array(payload["distances"], dtype=float)
        except (KeyError, TypeError, ValueError) as exc:
            raise TravelError(f"{where} answer lacks durations/distances: {exc}") from exc
        if seconds.shape != shape or metres.shape != shape:
            raise TravelError(f"{where} answered a {seconds.shape} table, expected {shape}")
        missing = ~(np.isfinite(seconds) & np.isfinite(metres))
        if missing.any():
            i, j = np.argwhere(missing)[0]
            i = sources[i] if sources is not None else i
            j = destinations[j] if destinations is not None else j
            raise TravelError(f"{where} found no route from point {i} to point {j}")
        return metres / 1000.0, seconds / 60.0


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read().decode("utf-8"))
        return str(body.get("message") or body.get("code") or exc.reason)
    except (ValueError, OSError):
        return str(exc.reason)


def travel_matrices(
    lon: ArrayLike,
    lat: ArrayLike,
    settings: TravelSettings | None = None,
    osrm: OsrmClient | None = None,
) -> TravelMatrices:
    """Distance and time matrices between points, from OSRM if given, else offline.

    Parameters
    ----------
    lon, lat : array_like, shape (n,)
        WGS84 degrees.
    settings : TravelSettings, optional
        Circuity and speed of the offline estimate (defaults 1.3 and 60 km/h).
    osrm : OsrmClient, optional
        Server to ask first. When it fails, the offline estimate is returned with the reason
        in ``warning``, so the caller can show it rather than stop.

    Returns
    -------
    TravelMatrices
    """
    settings = settings or TravelSettings()
    warning = None
    if osrm is not None:
        try:
            return osrm.table(lon, lat)
        except TravelError as exc:
            warning = (
                f"{exc}; using great-circle distances × {settings.circuity:g} "
                f"at {settings.speed_kmh:g} km/h instead"
            )
    road = great_circle_km(lon, lat) * settings.circuity
    return TravelMatrices(road, settings.minutes(road), "great-circle", warning)
