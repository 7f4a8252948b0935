"""An interactive HTML map of the plan in one self-contained file (Leaflet, bundled).

Territories are coloured shapes (the dissolved unit geometries, simplified) with a
popup of each territory's numbers, accounts are dots in their territory's colour
(a reproducible random sample on large plans, so the file stays small), rep homes
are markers, and planned routes are lines. Layers can be switched on and off.

The file works with no network: Leaflet's script and style sheet (bundled in
``planner/resources/web/leaflet``, BSD-2-Clause) are written into the page, its
images as ``data:`` URIs, and the background is the bundled state and county
outlines (``resources/basemap``). OpenStreetMap tiles are an optional layer for
when the reader is online. One file a manager can email.

The page is a small template of our own rather than folium's: folium loads ten
scripts and style sheets (jQuery, Bootstrap, Font Awesome...) from CDNs, and its
popups are JavaScript template literals. Here the plan's data is one JSON document
in a ``<script type="application/json">`` element, read with ``JSON.parse``; the
page's own script is constant. Every text that came from an input file (names, ids,
colours) is still escaped for HTML (:func:`html_text`), because popups and tooltips
are shown as HTML, and ``<``/``>`` are written as ``\u003c``/``\u003e`` in the JSON
so no text can close the script element. A name cannot inject markup or script.
"""

from __future__ import annotations

import base64
import json
import os
import re
from functools import lru_cache
from html import escape as _html_escape
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from planner.io.export_xlsx import (
    shown_deviation,
    shown_in_band,
    workload_hours,
)
from planner.io.files import atomic_output
from planner.models.i18n import (
    current_language,
    format_currency,
    format_number,
    format_percent,
)
from planner.models.i18n import gettext as tr
from planner.models.plan import Plan
from planner.models.progress import TaskState

#: Accounts drawn at most; larger plans show a random sample of this size (the map says so).
MAX_ACCOUNTS = 20_000
#: Route lines drawn at most.
MAX_ROUTES = 3000
UNASSIGNED_COLOR = "#9e9e9e"

#: Colours written into the page as they are; anything else becomes UNASSIGNED_COLOR.
_SAFE_COLOR = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?(?:[0-9A-Fa-f]{2})?|[A-Za-z]{3,20}")
# Characters that are plain text in HTML but code in a JavaScript template literal
# (backquote, '${', backslash) or in a Jinja-like template ('{{ ... }}'), as numeric
# character references: the browser shows them as the characters. The page no longer
# uses either, but a text escaped once is safe wherever it is pasted later.
_TEMPLATE_SAFE = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def html_text(value: object) -> str:
    """``value`` as text safe in HTML text, in attributes and inside a JS template literal.

    HTML-escaped (``&<>"'``), and ``` ` ``, ``$``, ``\\``, ``{`` and ``}`` written as
    character references, which a JavaScript template literal or a Jinja template
    would otherwise evaluate.
    """
    return _html_escape(str(value), quote=True).translate(_TEMPLATE_SAFE)


def safe_color(value: object, default: str = UNASSIGNED_COLOR) -> str:
    """A CSS colour from the plan (``#rrggbb`` or a colour name), else ``default``."""
    if isinstance(value, str) and _SAFE_COLOR.fullmatch(value.strip()):
        return value.strip()
    return default


def _format(value: float, kind: str, currency: str) -> str:
    if not np.isfinite(value):
        return "–"
    if kind == "currency":
        return format_currency(value, currency)
    if kind in ("count", "hours"):
        return format_number(value)
    return format_number(value, 1)


def territory_popup(plan: Plan, index: int, table: Any) -> str:
    """The popup HTML of one territory: rep, quota and each measure against its target."""
    currency = html_text(plan.settings.currency)
    t = plan.territories.iloc[index]
    rep_id = t["rep_id"] if isinstance(t["rep_id"], str) else None
    reps = dict(zip(plan.reps["rep_id"], plan.reps["name"], strict=True))
    rows = [
        f"<tr><th>{html_text(tr('Rep'))}</th>"
        f"<td colspan='2'>{html_text(str(reps.get(rep_id, rep_id or '–')))}</td></tr>"
    ]
    quota = float(t["quota"])
    if np.isfinite(quota):
        rows.append(
            f"<tr><th>{html_text(tr('Quota'))}</th>"
            f"<td colspan='2'>{_format(quota, 'currency', currency)}</td></tr>"
        )
    for j, spec in enumerate(table.measures):
        dev = shown_deviation(float(table.deviation[index, j]))
        colour = "#006100" if shown_in_band(dev, spec.tolerance) else "#9c0006"
        dev_text = format_percent(dev, 1, signed=True) if np.isfinite(dev) else html_text(tr("n/a"))
        rows.append(
            f"<tr><th>{html_text(tr(spec.label))}</th>"
            f"<td style='text-align:right'>{_format(float(table.values[index, j]), spec.kind, currency)}</td>"
            f"<td style='text-align:right;color:{colour}'>{dev_text}</td></tr>"
        )
    title = html_text(f"{plan.territory_label(index)} ({plan.territory_ids[index]})")
    return (
        f"<div style='font-family:sans-serif;font-size:12px'><b>{title}</b>"
        "<table style='border-collapse:collapse;margin-top:4px'>"
        f"<tr><td></td><td style='text-align:right;color:#666'>{html_text(tr('value'))}</td>"
        f"<td style='text-align:right;color:#666'>{html_text(tr('vs target'))}</td></tr>"
        f"{''.join(rows)}</table></div>"
    )


def web_dir() -> Path:
    """The folder of the bundled web assets (Leaflet), inside the ``planner`` package."""
    return Path(__file__).resolve().parents[1] / "resources" / "web"


def basemap_dir() -> Path:
    """The folder of the bundled state and county outlines (as the window's basemap)."""
    return Path(__file__).resolve().parents[2] / "resources" / "basemap"


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's script and its style sheet with the images as ``data:`` URIs."""
    folder = web_dir() / "leaflet"
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((folder / "images" / match.group(1)).read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)
    # Neither may close the element they are written into.
    if "</script" in script.lower() or "</style" in css.lower():
        raise ValueError("the bundled Leaflet cannot be inlined")
    return script, css


def _round_geojson(geom: Any, precision: float) -> Any:
    result = json.loads(shapely.to_geojson(shapely.set_precision(geom, precision)))
    return result


def _geojson(geom: Any, tolerance: float) -> dict[str, Any] | None:
    if geom is None or shapely.is_empty(geom):
        return None
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 1e-5)
    if shapely.is_empty(simple):
        simple = geom
    result: dict[str, Any] = json.loads(shapely.to_geojson(simple))
    return result


def basemap_outlines(
    bounds: tuple[float, float, float, float], folder: Path | None = None
) -> dict[str, Any] | None:
    """State and county borders around ``bounds`` as a GeoJSON FeatureCollection of lines.

    Only the borders near the plan's extent (a margin of 15 % of its size, at least
    half a degree) are written, each shared border once, rounded to 1e-3° (about
    100 m; the outlines are simplified to about 1 km): about 0.4 MB for four states.
    ``None`` when the bundled files are missing: the map still works without them.
    """
    import pyogrio

    folder = folder or basemap_dir()
    x0, y0, x1, y1 = bounds
    mx, my = max((x1 - x0) * 0.15, 0.5), max((y1 - y0) * 0.15, 0.5)
    box = (x0 - mx, y0 - my, x1 + mx, y1 + my)
    clip = shapely.box(*box)
    features = []
    for kind in ("counties", "states"):
        path = folder / f"{kind}.gpkg"
        if not path.exists():
            continue
        frame = pyogrio.read_dataframe(path, columns=[], bbox=box)
        if not len(frame):
            continue
        # The union keeps a border two polygons share once (half the size).
        borders = shapely.line_merge(shapely.union_all(shapely.boundary(frame.geometry.to_numpy())))
        borders = shapely.intersection(borders, clip)
        if shapely.is_empty(borders):
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": kind},
                "geometry": _round_geojson(borders, 1e-3),
            }
        )
    return {"type": "FeatureCollection", "features": features} if features else None


def _script_json(data: object) -> str:
    """JSON for a ``<script type="application/json">`` element (no ``<`` or ``>``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def sample_accounts(placed: np.ndarray, max_accounts: int) -> np.ndarray:
    """The accounts drawn: all of ``placed``, or a reproducible random sample of them."""
    if len(placed) <= max_accounts:
        return placed
    rng = np.random.default_rng(0)
    return np.sort(rng.choice(placed, max_accounts, replace=False))


# The page's own script: constant, it reads the plan from the JSON element. No template
# literal, no eval, no innerHTML of anything but the escaped texts of the data.
_PAGE_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("plan-data").textContent);
  // Shapes are SVG (a few hundred paths at most); the many account dots go on a canvas.
  var map = L.map("map", {zoomSnap: 0.25});
  var canvas = L.canvas({padding: 0.5});
  var bases = {};
  var overlays = {};
  var blank = L.layerGroup().addTo(map);
  bases[data.text.blank] = blank;
  bases[data.text.osm] = L.tileLayer(
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    {maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"}
  );
  if (data.outlines) {
    var outlines = L.geoJSON(data.outlines, {
      interactive: false,
      style: function (f) {
        return f.properties.kind === "states"
          ? {color: "#8a8a86", weight: 1.3, fill: false}
          : {color: "#cfcdc4", weight: 0.7, fill: false};
      }
    }).addTo(map);
    overlays[data.text.outlines] = outlines;
  }
  var territories = L.geoJSON(data.territories, {
    style: function (f) {
      return {fillColor: f.properties.color, color: "#333333", weight: 1.2, fillOpacity: 0.45};
    },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(f.properties.name, {sticky: true});
      layer.bindPopup(f.properties.popup, {maxWidth: 420});
      layer.on("mouseover", function () { layer.setStyle({weight: 3, fillOpacity: 0.6}); });
      layer.on("mouseout", function () { territories.resetStyle(layer); });
    }
  }).addTo(map);
  overlays[data.text.territories] = territories;
  var a = data.accounts;
  if (a.lon.length) {
    var dots = [];
    for (var i = 0; i < a.lon.length; i++) {
      var t = a.territory[i];
      var dot = L.circleMarker([a.lat[i], a.lon[i]], {
        renderer: canvas, radius: 3, weight: 0.5, color: "#333333",
        fillColor: t >= 0 ? data.colors[t] : data.unassigned_color, fillOpacity: 0.85
      });
      dot.bindTooltip(a.label[i] + "<br>" + (t >= 0 ? data.names[t] : data.text.unassigned));
      dots.push(dot);
    }
    var accounts = L.layerGroup(dots).addTo(map);
    overlays[data.accounts_title] = accounts;
  }
  if (data.routes) {
    var routes = L.geoJSON(data.routes, {
      style: function (f) { return {color: f.properties.color, weight: 2, opacity: 0.8}; },
      onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.text, {sticky: true}); }
    });
    if (data.routes_shown) { routes.addTo(map); }
    overlays[data.text.routes] = routes;
  }
  var homes = [];
  data.homes.forEach(function (h) {
    var icon = L.divIcon({className: "rep-home", html: "&#8962;", iconSize: [18, 18]});
    homes.push(L.marker([h.lat, h.lon], {icon: icon}).bindTooltip(h.name).bindPopup(h.popup));
  });
  overlays[data.text.homes] = L.layerGroup(homes).addTo(map);
  L.control.layers(bases, overlays, {collapsed: false}).addTo(map);
  L.control.scale().addTo(map);
  map.fitBounds(data.bounds);
  document.body.setAttribute("data-territories-drawn", String(territories.getLayers().length));
})();
"""

_PAGE_STYLE = """
html, body { height: 100%; margin: 0; }
#map { position: absolute; inset: 0; background: #f7f6f2; }
.box { position: absolute; z-index: 1000; background: white; padding: 6px 10px;
  border: 1px solid #999; border-radius: 4px; font-family: sans-serif; }
#title { top: 10px; left: 54px; font-size: 13px; max-width: 45%; }
#legend { bottom: 24px; left: 10px; font-size: 12px; max-height: 45%; overflow-y: auto; }
#legend span { display: inline-block; width: 12px; height: 12px; border: 1px solid #333;
  margin-right: 6px; vertical-align: middle; }
.rep-home { background: #222; color: white; border-radius: 3px; text-align: center;
  font: bold 14px/18px sans-serif; }
"""


def write_html_map(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    max_accounts: int = MAX_ACCOUNTS,
) -> Path:
    """Write the interactive map of ``plan`` to one self-contained HTML file (atomically).

    Parameters
    ----------
    plan : Plan
    path : path-like
        The ``.html`` file; an existing one is replaced only once the new one is complete.
    state : TaskState, optional
        Progress and cancellation.
    max_accounts : int
        Accounts drawn at most (a reproducible random sample above this; the map says so).

    Returns
    -------
    Path
        The file written.
    """
    if max_accounts < 0:
        raise ValueError(f"max_accounts must be >= 0, got {max_accounts}")
    state = state or TaskState()
    target = Path(path)
    table = plan.balance()
    colors = [safe_color(c) for c in plan.territories["color"]]
    names = [html_text(plan.territory_label(i)) for i in range(plan.n_territories)]

    lon = plan.accounts["lon"].to_numpy(dtype=float)
    lat = plan.accounts["lat"].to_numpy(dtype=float)
    placed = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    geoms = [plan.territory_geometry(i) for i in range(plan.n_territories)]
    bounds = [shapely.bounds(g) for g in geoms if g is not None and not shapely.is_empty(g)]
    if len(placed):
        bounds.append(
            np.array([lon[placed].min(), lat[placed].min(), lon[placed].max(), lat[placed].max()])
        )
    if bounds:
        b = np.vstack(bounds)
        x0, y0, x1, y1 = (
            float(b[:, 0].min()),
            float(b[:, 1].min()),
            float(b[:, 2].max()),
            float(b[:, 3].max()),
        )
    else:
        x0, y0, x1, y1 = -98.0, 38.0, -97.0, 39.0
    tolerance = max(x1 - x0, y1 - y0) / 2000.0

    state.report(0.1, "Drawing territories")
    territory_features = []
    for i, geom in enumerate(geoms):
        state.raise_if_cancelled()
        shape = _geojson(geom, tolerance)
        if shape is None:
            continue
        territory_features.append(
            {
                "type": "Feature",
                "properties": {
                    "territory_id": html_text(plan.territory_ids[i]),
                    "name": names[i],
                    "color": colors[i],
                    "popup": territory_popup(plan, i, table),
                },
                "geometry": shape,
            }
        )

    state.report(0.4, "Drawing accounts")
    shown = sample_accounts(placed, max_accounts)
    account_names = plan.accounts["name"].astype(object).to_numpy()[shown]
    account_ids = plan.accounts["account_id"].astype(object).to_numpy()[shown]
    labels = [
        html_text(f"{i} {n if isinstance(n, str) else ''}".strip())
        for i, n in zip(account_ids.tolist(), account_names.tolist(), strict=True)
    ]
    sample_note = (
        tr("a random sample of {shown} of {placed} accounts").format(
            shown=format_number(len(shown)), placed=format_number(len(placed))
        )
        if len(shown) < len(placed)
        else tr("{placed} accounts").format(placed=format_number(len(placed)))
    )
    accounts = {
        "lon": np.round(lon[shown], 5).tolist(),
        "lat": np.round(lat[shown], 5).tolist(),
        "territory": plan.account_territory[shown].astype(int).tolist(),
        "label": labels,
    }

    state.report(0.6, "Drawing routes and reps")
    routes_data = None
    routes_shown = False
    routes = plan.layers.get("routes")
    if routes is not None and len(routes):
        rep_colour = {
            r: colors[i] for i, r in enumerate(plan.territories["rep_id"]) if isinstance(r, str)
        }
        route_features = []
        for _, route in routes.head(MAX_ROUTES).iterrows():
            shape = _geojson(route.geometry, tolerance / 4)
            if shape is None:
                continue
            rep_id = str(route.get("rep_id", ""))
            text = html_text(
                f"{rep_id} {route.get('day', '')}: "
                f"{float(route.get('distance_km', np.nan)):,.1f} km, "
                f"{float(route.get('drive_minutes', np.nan)):,.0f} min driving"
            )
            route_features.append(
                {
                    "type": "Feature",
                    "properties": {"color": rep_colour.get(rep_id, "#333333"), "text": text},
                    "geometry": shape,
                }
            )
        routes_data = {"type": "FeatureCollection", "features": route_features}
        routes_shown = len(routes) <= 200

    homes = []
    workload = workload_hours(plan, table)
    for _, rep in plan.reps.iterrows():
        if not (np.isfinite(rep["lon"]) and np.isfinite(rep["lat"])):
            continue
        mine = [i for i, r in enumerate(plan.territories["rep_id"]) if r == rep["rep_id"]]
        load = float(sum(workload[i] for i in mine))
        capacity = float(rep["capacity_hours"])
        use = format_percent(load / capacity, 0) if capacity > 0 and mine else "–"
        popup = (
            f"<div style='font-family:sans-serif;font-size:12px'><b>{html_text(str(rep['name']))}</b>"
            f" ({html_text(str(rep['rep_id']))})<br>"
            + html_text(
                tr("Territories: {names}").format(
                    names=", ".join(plan.territory_label(i) for i in mine) or "–"
                )
            )
            + "<br>"
            + html_text(
                tr("Workload {load} h of {capacity} h capacity ({use})").format(
                    load=format_number(load), capacity=format_number(capacity), use=use
                )
            )
            + "</div>"
        )
        homes.append(
            {
                "lat": round(float(rep["lat"]), 5),
                "lon": round(float(rep["lon"]), 5),
                "name": html_text(str(rep["name"])),
                "popup": popup,
            }
        )

    state.report(0.75, "Drawing the basemap")
    state.raise_if_cancelled()
    outlines = basemap_outlines((x0, y0, x1, y1))
    data = {
        "bounds": [[y0, x0], [y1, x1]],
        "colors": colors,
        "names": names,
        "unassigned_color": UNASSIGNED_COLOR,
        "territories": {"type": "FeatureCollection", "features": territory_features},
        "accounts": accounts,
        "accounts_title": html_text(tr("Accounts ({note})").format(note=sample_note)),
        # The layer names the map's control shows, in the export's language.
        "text": {
            key: html_text(tr(text))
            for key, text in (
                ("blank", "No background (works offline)"),
                ("osm", "OpenStreetMap (online)"),
                ("outlines", "State and county outlines"),
                ("territories", "Territories"),
                ("routes", "Routes"),
                ("homes", "Rep homes"),
                ("unassigned", "Unassigned"),
            )
        },
        "routes": routes_data,
        "routes_shown": routes_shown,
        "homes": homes,
        "outlines": outlines,
    }

    legend = "".join(
        f"<div><span style='background:{colors[i]}'></span>{names[i]}</div>"
        for i in range(plan.n_territories)
    )
    unit_note = tr(", {n} units").format(n=format_number(plan.n_units)) if plan.n_units else ""
    basemap_note = (
        "" if outlines else tr(" The state and county outlines were not found with this copy.")
    )
    script, css = leaflet_assets()
    page = (
        "<!DOCTYPE html>\n"
        f"<html lang='{current_language().replace('_', '-')}'>\n"
        "<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{html_text(tr('{name}: territory map').format(name=plan.name))}</title>\n"
        f"<style>\n{css}\n</style>\n<style>{_PAGE_STYLE}</style>\n"
        f"<script>\n{script}\n</script>\n</head>\n<body>\n<div id='map'></div>\n"
        f"<div id='title' class='box'><b>{html_text(plan.name)}</b><br>"
        + html_text(
            tr(
                "{k} territories{units}; map shows {sample}. Click a territory for its numbers."
            ).format(k=plan.n_territories, units=unit_note, sample=sample_note)
            + basemap_note
        )
        + "</div>\n"
        f"<div id='legend' class='box'>{legend}</div>\n"
        f"<script type='application/json' id='plan-data'>{_script_json(data)}</script>\n"
        f"<script>{_PAGE_SCRIPT}</script>\n</body>\n</html>\n"
    )

    state.report(0.9, f"Writing {target.name}")
    with atomic_output(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    state.report(1.0, f"Wrote {target.name}")
    return target


__all__ = [
    "MAX_ACCOUNTS",
    "basemap_outlines",
    "html_text",
    "leaflet_assets",
    "safe_color",
    "territory_popup",
    "write_html_map",
]
