"""An interactive HTML map of the plan (folium / Leaflet) in one file.

Territories are coloured shapes (the dissolved unit geometries, simplified) with a
popup of each territory's numbers, accounts are dots in their territory's colour
(a reproducible random sample on large plans, so the file stays small), rep homes
are markers, and planned routes are lines. Layers can be switched on and off.
The file has no companion files; Leaflet and the background map load from the web
when it is opened.

Every text that came from an input file (names, ids, colours) is escaped for the
place it lands in: HTML text and attributes, and folium's JavaScript template
literals (popups and tooltips are built with backquoted strings, where ``${...}``
would run and a backquote would end the string). A name cannot inject markup or
script into the page; see :func:`html_text`.
"""

from __future__ import annotations

import json
import os
import re
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
from planner.models.plan import Plan
from planner.models.progress import TaskState

#: Accounts drawn at most; larger plans show a random sample of this size.
MAX_ACCOUNTS = 5000
#: Route lines drawn at most.
MAX_ROUTES = 3000
UNASSIGNED_COLOR = "#9e9e9e"

#: Colours written into the page as they are; anything else becomes UNASSIGNED_COLOR.
_SAFE_COLOR = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?(?:[0-9A-Fa-f]{2})?|[A-Za-z]{3,20}")
# Characters that are plain text in HTML but code in a JavaScript template literal
# (backquote, '${', backslash) or in the Jinja templates folium renders our page
# elements with ('{{ ... }}', '{% ... %}' would run in this process), as numeric
# character references: the browser shows them as the characters.
_TEMPLATE_SAFE = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def html_text(value: object) -> str:
    """``value`` as text safe in HTML text, in attributes and inside a JS template literal.

    HTML-escaped (``&<>"'``), and ``` ` ``, ``$`` and ``\\`` written as character
    references, which folium's ``bindTooltip(`...`)`` and ``$(`...`)`` (popups) would
    otherwise evaluate; so are ``{`` and ``}``, which folium's Jinja templates would.
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
        return f"{currency}{value:,.0f}"
    if kind in ("count", "hours"):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def territory_popup(plan: Plan, index: int, table: Any) -> str:
    """The popup HTML of one territory: rep, quota and each measure against its target."""
    currency = html_text(plan.settings.currency)
    t = plan.territories.iloc[index]
    rep_id = t["rep_id"] if isinstance(t["rep_id"], str) else None
    reps = dict(zip(plan.reps["rep_id"], plan.reps["name"], strict=True))
    rows = [
        f"<tr><th>Rep</th><td colspan='2'>{html_text(str(reps.get(rep_id, rep_id or '–')))}</td></tr>"
    ]
    quota = float(t["quota"])
    if np.isfinite(quota):
        rows.append(f"<tr><th>Quota</th><td colspan='2'>{currency}{quota:,.0f}</td></tr>")
    for j, spec in enumerate(table.measures):
        dev = shown_deviation(float(table.deviation[index, j]))
        colour = "#006100" if shown_in_band(dev, spec.tolerance) else "#9c0006"
        dev_text = f"{dev * 100:+.1f} %" if np.isfinite(dev) else "n/a"
        rows.append(
            f"<tr><th>{html_text(spec.label)}</th>"
            f"<td style='text-align:right'>{_format(float(table.values[index, j]), spec.kind, currency)}</td>"
            f"<td style='text-align:right;color:{colour}'>{dev_text}</td></tr>"
        )
    title = html_text(f"{plan.territory_label(index)} ({plan.territory_ids[index]})")
    return (
        f"<div style='font-family:sans-serif;font-size:12px'><b>{title}</b>"
        "<table style='border-collapse:collapse;margin-top:4px'>"
        "<tr><td></td><td style='text-align:right;color:#666'>value</td>"
        "<td style='text-align:right;color:#666'>vs target</td></tr>"
        f"{''.join(rows)}</table></div>"
    )


def _geojson(geom: Any, tolerance: float) -> dict[str, Any] | None:
    if geom is None or shapely.is_empty(geom):
        return None
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 1e-5)
    if shapely.is_empty(simple):
        simple = geom
    result: dict[str, Any] = json.loads(shapely.to_geojson(simple))
    return result


def write_html_map(
    plan: Plan,
    path: str | os.PathLike[str],
    state: TaskState | None = None,
    max_accounts: int = MAX_ACCOUNTS,
) -> Path:
    """Write the interactive map of ``plan`` to one HTML file (atomically).

    Parameters
    ----------
    plan : Plan
    path : path-like
        The ``.html`` file; an existing one is replaced only once the new one is complete.
    state : TaskState, optional
        Progress and cancellation.
    max_accounts : int
        Accounts drawn at most (a reproducible random sample above this).

    Returns
    -------
    Path
        The file written.
    """
    import folium

    if max_accounts < 0:
        raise ValueError(f"max_accounts must be >= 0, got {max_accounts}")
    state = state or TaskState()
    target = Path(path)
    table = plan.balance()
    colors = [safe_color(c) for c in plan.territories["color"]]

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

    fmap = folium.Map(tiles="OpenStreetMap", control_scale=True, prefer_canvas=True)
    fmap.fit_bounds([[y0, x0], [y1, x1]])

    state.report(0.1, "Drawing territories")
    territories = folium.FeatureGroup(name="Territories")
    for i, geom in enumerate(geoms):
        state.raise_if_cancelled()
        shape = _geojson(geom, tolerance)
        if shape is None:
            continue
        color = colors[i]
        layer = folium.GeoJson(
            {
                "type": "Feature",
                "properties": {"territory_id": plan.territory_ids[i]},
                "geometry": shape,
            },
            name=html_text(plan.territory_label(i)),
            style_function=lambda _f, c=color: {
                "fillColor": c,
                "color": "#333333",
                "weight": 1.2,
                "fillOpacity": 0.45,
            },
            highlight_function=lambda _f: {"weight": 3, "fillOpacity": 0.6},
            tooltip=folium.Tooltip(html_text(plan.territory_label(i))),
        )
        folium.Popup(territory_popup(plan, i, table), max_width=420).add_to(layer)
        layer.add_to(territories)
    territories.add_to(fmap)

    state.report(0.4, "Drawing accounts")
    shown = placed
    if len(placed) > max_accounts:
        rng = np.random.default_rng(0)
        shown = np.sort(rng.choice(placed, max_accounts, replace=False))
    names = plan.accounts["name"].astype(object).to_numpy()
    ids = plan.accounts["account_id"].astype(object).to_numpy()
    terr = plan.account_territory
    features = []
    for a in shown.tolist():
        t = int(terr[a])
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(lon[a]), 5), round(float(lat[a]), 5)],
                },
                "properties": {
                    "account": html_text(
                        f"{ids[a]} {names[a] if isinstance(names[a], str) else ''}".strip()
                    ),
                    "territory": html_text(plan.territory_label(t)),
                    "color": colors[t] if t >= 0 else UNASSIGNED_COLOR,
                },
            }
        )
    sample_note = (
        f"a random sample of {len(shown):,} of {len(placed):,} accounts"
        if len(shown) < len(placed)
        else f"{len(placed):,} accounts"
    )
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=f"Accounts ({sample_note})",
            marker=folium.CircleMarker(radius=3, weight=0.5, fill=True, fill_opacity=0.85),
            style_function=lambda f: {"fillColor": f["properties"]["color"], "color": "#333333"},
            tooltip=folium.GeoJsonTooltip(
                fields=["account", "territory"], aliases=["Account", "Territory"]
            ),
        ).add_to(fmap)

    state.report(0.7, "Drawing routes and reps")
    routes = plan.layers.get("routes")
    if routes is not None and len(routes):
        rep_colour = {
            r: colors[i] for i, r in enumerate(plan.territories["rep_id"]) if isinstance(r, str)
        }
        group = folium.FeatureGroup(name="Routes", show=len(routes) <= 200)
        for _, route in routes.head(MAX_ROUTES).iterrows():
            shape = _geojson(route.geometry, tolerance / 4)
            if shape is None:
                continue
            rep_id = str(route.get("rep_id", ""))
            colour = rep_colour.get(rep_id, "#333333")
            text = html_text(
                f"{rep_id} {route.get('day', '')}: {float(route.get('distance_km', np.nan)):,.1f} km, "
                f"{float(route.get('drive_minutes', np.nan)):,.0f} min driving"
            )
            folium.GeoJson(
                {"type": "Feature", "properties": {}, "geometry": shape},
                style_function=lambda _f, c=colour: {"color": c, "weight": 2, "opacity": 0.8},
                tooltip=folium.Tooltip(text),
            ).add_to(group)
        group.add_to(fmap)

    reps = plan.reps
    homes = folium.FeatureGroup(name="Rep homes")
    workload = workload_hours(plan, table)
    for _, rep in reps.iterrows():
        if not (np.isfinite(rep["lon"]) and np.isfinite(rep["lat"])):
            continue
        mine = [i for i, r in enumerate(plan.territories["rep_id"]) if r == rep["rep_id"]]
        load = float(sum(workload[i] for i in mine))
        capacity = float(rep["capacity_hours"])
        use = f"{load / capacity * 100:.0f} %" if capacity > 0 and mine else "–"
        html = (
            f"<div style='font-family:sans-serif;font-size:12px'><b>{html_text(str(rep['name']))}</b>"
            f" ({html_text(str(rep['rep_id']))})<br>"
            f"Territories: {html_text(', '.join(plan.territory_label(i) for i in mine) or '–')}<br>"
            f"Workload {load:,.0f} h of {capacity:,.0f} h capacity ({use})</div>"
        )
        folium.Marker(
            [float(rep["lat"]), float(rep["lon"])],
            tooltip=folium.Tooltip(html_text(str(rep["name"]))),
            popup=folium.Popup(html, max_width=320),
            icon=folium.Icon(color="black", icon="home"),
        ).add_to(homes)
    homes.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)

    legend = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;background:{colors[i]};"
        f"border:1px solid #333;margin-right:6px'></span>{html_text(plan.territory_label(i))}</div>"
        for i in range(plan.n_territories)
    )
    unit_note = f", {plan.n_units:,} units" if plan.n_units else ""
    header = (
        "<div style='position:fixed;top:10px;left:60px;z-index:9999;background:white;"
        "padding:6px 10px;border:1px solid #999;border-radius:4px;font-family:sans-serif;"
        f"font-size:13px'><b>{html_text(plan.name)}</b><br>{plan.n_territories} territories"
        f"{unit_note}; map shows {sample_note}. Click a territory for its numbers.</div>"
        "<div style='position:fixed;bottom:24px;left:10px;z-index:9999;background:white;"
        "padding:6px 10px;border:1px solid #999;border-radius:4px;font-family:sans-serif;"
        f"font-size:12px;max-height:45%;overflow-y:auto'>{legend}</div>"
    )
    root: Any = fmap.get_root()
    root.html.add_child(folium.Element(header))
    root.header.add_child(folium.Element(f"<title>{html_text(plan.name)}: territory map</title>"))

    state.report(0.9, f"Writing {target.name}")
    with atomic_output(target) as tmp:
        fmap.save(str(tmp))
    state.report(1.0, f"Wrote {target.name}")
    return target


__all__ = ["MAX_ACCOUNTS", "html_text", "safe_color", "territory_popup", "write_html_map"]
