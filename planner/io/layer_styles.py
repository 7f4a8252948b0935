"""Default layer styles in the plan file, so QGIS and ArcGIS show the plan as the app does.

A GeoPackage carries styles in a ``layer_styles`` table (the layout QGIS creates
when you "Save style → In database", which ArcGIS Pro and other tools also read):
one row per style with the QGIS style (QML) and the OGC Symbology Encoding (SLD
1.1). Without it QGIS draws every layer in one random flat colour.

The styles written here follow the app's map:

- ``territories`` and ``units``: filled by territory with the plan's colours
  (the territory ``color`` column), legend entries named after the territories;
  territories carry their names as map labels; unassigned units are grey.
- ``accounts``: small points in a darker shade of their territory's colour,
  unassigned accounts red.
- ``reps``: stars at the reps' homes, labelled with the rep's name.
- ``routes``: one line colour per rep (the colour of the rep's territory).
- ``route_stops``: small points numbered with their place in the day's route.

All text goes through :mod:`xml.etree.ElementTree`, so names with ``& < > "``
stay well-formed; characters XML cannot carry at all are dropped.

Styles the user saved from QGIS under another name are kept on every save. The
app's style is the default of a layer unless the user saved a default of their own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.models.plan import Plan
from planner.models.schema import palette_color

#: ``styleName`` of the rows this module writes (and replaces on every save).
STYLE_NAME = "Territory Planner"
LAYER_STYLES_TABLE = "layer_styles"
#: Same columns, types and defaults as the table QGIS itself creates in a GeoPackage.
CREATE_TABLE = (
    f'CREATE TABLE "{LAYER_STYLES_TABLE}" ('
    '"id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    '"f_table_catalog" TEXT(256), "f_table_schema" TEXT(256), '
    '"f_table_name" TEXT(256), "f_geometry_column" TEXT(256), '
    '"styleName" TEXT(30), "styleQML" TEXT, "styleSLD" TEXT, "useAsDefault" BOOLEAN, '
    '"description" TEXT, "owner" TEXT(30), "ui" TEXT(30), '
    "\"update_time\" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
)
COLUMNS = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)
STYLED_LAYERS = ("territories", "units", "accounts", "reps", "routes", "route_stops")

UNASSIGNED_UNIT = "#c8c8c8"
UNASSIGNED_ACCOUNT = "#e31a1c"
OUTLINE = "#333333"
ACCOUNT_DARKEN = 0.55
ROUTE_DARKEN = 0.6
QGIS_VERSION = "3.22.0"
SLD = "http://www.opengis.net/sld"
SE = "http://www.opengis.net/se"
OGC = "http://www.opengis.net/ogc"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def xml_text(value: Any) -> str:
    """Text safe to put in XML: ``None``/NaN become ``""``, disallowed characters go."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return _NOT_XML.sub("", str(value))


def hex_color(value: Any, fallback: str) -> str:
    """``#rrggbb`` (lower case) from a colour cell, or ``fallback`` when it is not one."""
    match = _HEX.match(xml_text(value).strip())
    return f"#{match.group(1).lower()}" if match else fallback


def _rgba(color: str, alpha: int = 255) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{alpha}"


def _darken(color: str, factor: float) -> str:
    r, g, b = (int(int(color[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


# -- what each layer looks like, independent of the format ------------------------------


@dataclass
class Symbol:
    """One symbol: ``kind`` is ``fill``, ``marker`` or ``line``."""

    kind: str
    color: str
    outline: str = OUTLINE
    width: float = 0.26  # outline or line width, mm
    size: float = 2.0  # marker size, mm
    shape: str = "circle"  # marker shape (QGIS and SLD well-known names)
    alpha: int = 255


@dataclass
class Category:
    """Features whose ``field`` equals ``value`` (``None``: every other feature)."""

    value: str | None
    label: str
    symbol: Symbol


@dataclass
class LayerStyle:
    """A layer's style: categories on ``field`` (or one symbol) and optional labels."""

    layer: str
    field: str | None
    categories: list[Category]
    label_field: str | None = None
    label_size: float = 9.0


def _territory_rows(plan: Plan) -> list[tuple[str, str, str]]:
    """(territory_id, name, colour) per territory."""
    t = plan.territories
    return [
        (
            xml_text(t["territory_id"].iloc[i]),
            xml_text(plan.territory_label(i)),
            hex_color(t["color"].iloc[i], palette_color(i)),
        )
        for i in range(plan.n_territories)
    ]


def _rep_colors(plan: Plan, rep_ids: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(rep_id, rep name, colour of the rep's first territory) per distinct rep id."""
    names = dict(
        zip(plan.reps["rep_id"].map(xml_text), plan.reps["name"].map(xml_text), strict=True)
    )
    territory_color: dict[str, str] = {}
    for i, (_tid, _name, color) in enumerate(_territory_rows(plan)):
        rep = xml_text(plan.territories["rep_id"].iloc[i])
        territory_color.setdefault(rep, color)
    out = []
    for n, rep in enumerate(sorted({xml_text(r) for r in rep_ids if xml_text(r)})):
        label = names.get(rep) or rep
        out.append((rep, label, territory_color.get(rep, palette_color(n))))
    return out


def layer_style(plan: Plan, layer: str) -> LayerStyle:
    """The app's style of one plan layer.

    Parameters
    ----------
    plan : Plan
    layer : str
        One of :data:`STYLED_LAYERS`.
    """
    territories = _territory_rows(plan)
    if layer == "territories":
        cats = [
            Category(tid, name, Symbol("fill", color, OUTLINE, 0.6, alpha=190))
            for tid, name, color in territories
        ]
        return LayerStyle(layer, "territory_id", cats, label_field="name", label_size=9.0)
    if layer == "units":
        cats = [
            Category(tid, name, Symbol("fill", color, "#ffffff", 0.1, alpha=150))
            for tid, name, color in territories
        ]
        cats.append(Category(None, "Unassigned", Symbol("fill", UNASSIGNED_UNIT, "#ffffff", 0.1)))
        return LayerStyle(layer, "territory_id", cats)
    if layer == "accounts":
        cats = [
            Category(
                tid,
                name,
                Symbol("marker", _darken(color, ACCOUNT_DARKEN), _darken(color, 0.4), 0.0, 1.2),
            )
            for tid, name, color in territories
        ]
        cats.append(
            Category(None, "Unassigned", Symbol("marker", UNASSIGNED_ACCOUNT, "#7f0000", 0.1, 1.8))
        )
        return LayerStyle(layer, "territory_id", cats)
    if layer == "reps":
        star = Symbol("marker", "#ffd92f", "#000000", 0.3, 4.5, shape="star")
        return LayerStyle(layer, None, [Category(None, "Rep home", star)], label_field="name")
    if layer == "routes":
        frame = plan.layers.get("routes")
        reps = _rep_colors(plan, frame["rep_id"] if frame is not None else [])
        # Darker than the territory's fill, so the line shows on top of it.
        cats = [
            Category(rep, name, Symbol("line", _darken(color, ROUTE_DARKEN), width=0.8))
            for rep, name, color in reps
        ]
        cats.append(Category(None, "Other", Symbol("line", "#666666", width=0.6)))
        return LayerStyle(layer, "rep_id", cats)
    if layer == "route_stops":
        stop = Symbol("marker", "#ffffff", "#000000", 0.2, 1.6)
        return LayerStyle(
            layer, None, [Category(None, "Stop", stop)], label_field="seq", label_size=6.5
        )
    raise ValueError(f"layer must be one of {', '.join(STYLED_LAYERS)}; got {layer!r}")


# -- QML --------------------------------------------------------------------------------


def _props(parent: ET.Element, values: dict[str, str]) -> None:
    for key, value in values.items():
        ET.SubElement(parent, "prop", k=key, v=value)


def _qml_layer(symbol: ET.Element, class_name: str) -> ET.Element:
    attrib = {"class": class_name, "enabled": "1", "pass": "0", "locked": "0"}
    return ET.SubElement(symbol, "layer", attrib)


def _qml_symbol(parent: ET.Element, name: str, symbol: Symbol) -> None:
    element = ET.SubElement(
        parent,
        "symbol",
        type=symbol.kind,
        name=name,
        alpha=f"{symbol.alpha / 255:.3f}" if symbol.kind == "fill" else "1",
        clip_to_extent="1",
        force_rhr="0",
    )
    if symbol.kind == "fill":
        layer = _qml_layer(element, "SimpleFill")
        _props(
            layer,
            {
                "color": _rgba(symbol.color),
                "outline_color": _rgba(symbol.outline),
                "outline_style": "solid",
                "outline_width": f"{symbol.width}",
                "outline_width_unit": "MM",
                "style": "solid",
                "joinstyle": "round",
            },
        )
    elif symbol.kind == "marker":
        layer = _qml_layer(element, "SimpleMarker")
        _props(
            layer,
            {
                "name": symbol.shape,
                "color": _rgba(symbol.color),
                "outline_color": _rgba(symbol.outline),
                "outline_style": "solid" if symbol.width > 0 else "no",
                "outline_width": f"{symbol.width}",
                "outline_width_unit": "MM",
                "size": f"{symbol.size}",
                "size_unit": "MM",
                "scale_method": "diameter",
            },
        )
    else:
        layer = _qml_layer(element, "SimpleLine")
        _props(
            layer,
            {
                "line_color": _rgba(symbol.color),
                "line_style": "solid",
                "line_width": f"{symbol.width}",
                "line_width_unit": "MM",
                "capstyle": "round",
                "joinstyle": "round",
            },
        )


def _qml_labeling(root: ET.Element, style: LayerStyle, polygon: bool) -> None:
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    text = ET.SubElement(
        settings,
        "text-style",
        fieldName=style.label_field or "",
        isExpression="0",
        fontFamily="Sans Serif",
        fontSize=f"{style.label_size}",
        fontSizeUnit="Point",
        fontWeight="75" if polygon else "50",
        textColor="0,0,0,255",
        textOpacity="1",
        multilineHeight="1",
    )
    ET.SubElement(
        text,
        "text-buffer",
        bufferDraw="1",
        bufferSize="1",
        bufferSizeUnits="MM",
        bufferColor="255,255,255,255",
        bufferOpacity="1",
    )
    ET.SubElement(settings, "text-format", wrapChar="", multilineAlign="3")
    ET.SubElement(
        settings,
        "placement",
        # 1: over the centroid (polygons, kept inside); 0: around the point.
        placement="1" if polygon else "0",
        centroidInside="1",
        centroidWhole="1",
        dist="0.8" if not polygon else "0",
        distUnits="MM",
        fitInPolygonOnly="0",
    )
    ET.SubElement(
        settings,
        "rendering",
        # A territory is not an obstacle: its whole area would push the reps' and
        # stops' labels off the map.
        obstacle="0" if polygon else "1",
        displayAll="1" if polygon else "0",
        upsidedownLabels="0",
        labelPerPart="0",
        scaleVisibility="0",
        drawLabels="1",
        limitNumLabels="0",
    )


def layer_style_qml(style: LayerStyle, geometry: str = "") -> str:
    """The style as a QGIS layer style document (QML).

    Parameters
    ----------
    style : LayerStyle
    geometry : str
        The layer's geometry type (``POINT``, ``MULTIPOLYGON``...); only used to place labels.
    """
    polygon = "POLYGON" in geometry.upper() or any(
        c.symbol.kind == "fill" for c in style.categories
    )
    root = ET.Element(
        "qgis",
        version=QGIS_VERSION,
        styleCategories="Symbology|Labeling",
        labelsEnabled="1" if style.label_field else "0",
    )
    symbols: ET.Element
    if style.field is None:
        renderer = ET.SubElement(
            root,
            "renderer-v2",
            type="singleSymbol",
            symbollevels="0",
            enableorderby="0",
            forceraster="0",
        )
        symbols = ET.SubElement(renderer, "symbols")
        _qml_symbol(symbols, "0", style.categories[0].symbol)
    else:
        renderer = ET.SubElement(
            root,
            "renderer-v2",
            type="categorizedSymbol",
            attr=style.field,
            symbollevels="0",
            enableorderby="0",
            forceraster="0",
        )
        categories = ET.SubElement(renderer, "categories")
        symbols = ET.SubElement(renderer, "symbols")
        for i, category in enumerate(style.categories):
            ET.SubElement(
                categories,
                "category",
                # An empty value is QGIS's "all other values" (NULL included).
                value="" if category.value is None else category.value,
                label=category.label,
                symbol=str(i),
                render="true",
            )
            _qml_symbol(symbols, str(i), category.symbol)
    if style.label_field:
        _qml_labeling(root, style, polygon)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = (
        "2" if polygon else "1" if geometry.upper().endswith("LINESTRING") else "0"
    )
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


# -- SLD --------------------------------------------------------------------------------


def _se(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{SE}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


def _svg(parent: ET.Element, name: str, value: str) -> None:
    _se(parent, "SvgParameter", value, name=name)


def _mm_to_px(mm: float) -> str:
    # SLD sizes are in pixels (0.28 mm each, the OGC standard rendering pixel).
    return f"{max(mm / 0.28, 0.5):.2f}".rstrip("0").rstrip(".")


def _sld_symbolizer(rule: ET.Element, symbol: Symbol) -> None:
    if symbol.kind == "fill":
        sym = _se(rule, "PolygonSymbolizer")
        fill = _se(sym, "Fill")
        _svg(fill, "fill", symbol.color)
        _svg(fill, "fill-opacity", f"{symbol.alpha / 255:.3f}")
        stroke = _se(sym, "Stroke")
        _svg(stroke, "stroke", symbol.outline)
        _svg(stroke, "stroke-width", _mm_to_px(symbol.width))
    elif symbol.kind == "marker":
        sym = _se(rule, "PointSymbolizer")
        graphic = _se(sym, "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", symbol.shape)
        fill = _se(mark, "Fill")
        _svg(fill, "fill", symbol.color)
        if symbol.width > 0:
            stroke = _se(mark, "Stroke")
            _svg(stroke, "stroke", symbol.outline)
            _svg(stroke, "stroke-width", _mm_to_px(symbol.width))
        _se(graphic, "Size", _mm_to_px(symbol.size))
    else:
        sym = _se(rule, "LineSymbolizer")
        stroke = _se(sym, "Stroke")
        _svg(stroke, "stroke", symbol.color)
        _svg(stroke, "stroke-width", _mm_to_px(symbol.width))
        _svg(stroke, "stroke-linejoin", "round")
        _svg(stroke, "stroke-linecap", "round")


def _sld_text(rule: ET.Element, style: LayerStyle) -> None:
    sym = _se(rule, "TextSymbolizer")
    label = _se(sym, "Label")
    ET.SubElement(label, f"{{{OGC}}}PropertyName").text = style.label_field
    font = _se(sym, "Font")
    _svg(font, "font-family", "Sans Serif")
    _svg(font, "font-size", f"{style.label_size * 96 / 72:.0f}")
    halo = _se(sym, "Halo")
    _se(halo, "Radius", "2")
    _svg(_se(halo, "Fill"), "fill", "#ffffff")
    _svg(_se(sym, "Fill"), "fill", "#000000")


def layer_style_sld(style: LayerStyle) -> str:
    """The style as OGC Styled Layer Descriptor 1.1 (Symbology Encoding) text."""
    ET.register_namespace("", SLD)
    ET.register_namespace("se", SE)
    ET.register_namespace("ogc", OGC)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(
        f"{{{SLD}}}StyledLayerDescriptor",
        {
            "version": "1.1.0",
            f"{{{XSI}}}schemaLocation": (
                f"{SLD} http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"
            ),
        },
    )
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    _se(named, "Name", style.layer)
    user = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    _se(user, "Name", STYLE_NAME)
    feature_style = _se(user, "FeatureTypeStyle")
    listed = [c.value for c in style.categories if c.value is not None]
    for category in style.categories:
        rule = _se(feature_style, "Rule")
        _se(rule, "Name", category.label)
        _se(_se(rule, "Description"), "Title", category.label)
        if style.field is not None and category.value is not None:
            flt = ET.SubElement(rule, f"{{{OGC}}}Filter")
            equal = ET.SubElement(flt, f"{{{OGC}}}PropertyIsEqualTo")
            ET.SubElement(equal, f"{{{OGC}}}PropertyName").text = style.field
            ET.SubElement(equal, f"{{{OGC}}}Literal").text = category.value
        elif style.field is not None and listed:
            _se(rule, "ElseFilter")
        _sld_symbolizer(rule, category.symbol)
    if style.label_field:
        rule = _se(feature_style, "Rule")
        _se(rule, "Name", "Labels")
        _sld_text(rule, style)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# -- the table --------------------------------------------------------------------------


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in con.execute(f'PRAGMA table_info("{table}")')]


def _ensure_table(con: sqlite3.Connection) -> None:
    """Create QGIS's ``layer_styles`` table unless it is there, keeping any rows it has.

    A table of another layout is rebuilt in QGIS's layout with the rows it can keep.
    """
    existing = _columns(con, LAYER_STYLES_TABLE)
    kept = pd.DataFrame(columns=list(COLUMNS))
    if existing:
        sql = con.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
            (LAYER_STYLES_TABLE,),
        ).fetchone()[0]
        if set(COLUMNS) <= set(existing) and "AUTOINCREMENT" in str(sql).upper():
            return
        if set(COLUMNS) <= set(existing):
            kept = _read_rows(con)
        con.execute(f'DROP TABLE "{LAYER_STYLES_TABLE}"')
    con.execute(CREATE_TABLE)
    con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (LAYER_STYLES_TABLE,))
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) "
        "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
        (LAYER_STYLES_TABLE, LAYER_STYLES_TABLE),
    )
    _insert_rows(con, kept)


def _read_rows(con: sqlite3.Connection) -> pd.DataFrame:
    return pd.read_sql(f'SELECT {", ".join(COLUMNS)} FROM "{LAYER_STYLES_TABLE}"', con)


def _insert_rows(con: sqlite3.Connection, rows: pd.DataFrame) -> None:
    for row in rows.itertuples(index=False):
        con.execute(
            f'INSERT INTO "{LAYER_STYLES_TABLE}" ({", ".join(COLUMNS)}) '
            f"VALUES ({', '.join('?' * len(COLUMNS))})",
            tuple(None if pd.isna(v) else v for v in row),
        )


def user_styles(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Styles in a plan file that the app did not write (saved by the user from QGIS).

    Returns an empty frame when the file, or its ``layer_styles`` table, is missing or
    unreadable: the app's own styles are rewritten on every save anyway.
    """
    empty = pd.DataFrame(columns=list(COLUMNS))
    if not Path(path).is_file():
        return empty
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            if not set(COLUMNS) <= set(_columns(con, LAYER_STYLES_TABLE)):
                return empty
            rows = _read_rows(con)
    except (sqlite3.Error, pd.errors.DatabaseError):
        return empty
    return rows[rows["styleName"] != STYLE_NAME].reset_index(drop=True)


def write_layer_styles(
    con: sqlite3.Connection,
    plan: Plan,
    keep_from: str | os.PathLike[str] | None = None,
) -> int:
    """Write the app's default style of each plan layer into the ``layer_styles`` table.

    Parameters
    ----------
    con : sqlite3.Connection
        An open GeoPackage whose layers are already written; the caller commits.
    plan : Plan
        Colours and names come from its territories and reps.
    keep_from : path-like, optional
        The file being replaced: styles the user saved there from QGIS (any other
        ``styleName``) are copied over, so saving from the app does not lose them.

    Returns
    -------
    int
        The number of styles written (one per styled layer present in the file).
    """
    geometry_columns = {
        str(name): (str(column), str(kind))
        for name, column, kind in con.execute(
            "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns"
        )
    }
    _ensure_table(con)
    con.execute(f'DELETE FROM "{LAYER_STYLES_TABLE}" WHERE styleName = ?', (STYLE_NAME,))
    if keep_from is not None:
        _insert_rows(con, user_styles(keep_from))
    user_defaults = {
        str(r[0])
        for r in con.execute(
            f'SELECT f_table_name FROM "{LAYER_STYLES_TABLE}" WHERE useAsDefault = 1'
        )
    }
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    written = 0
    for layer in STYLED_LAYERS:
        if layer not in geometry_columns:
            continue
        column, kind = geometry_columns[layer]
        style = layer_style(plan, layer)
        row = (
            "",
            "",
            layer,
            column,
            STYLE_NAME,
            layer_style_qml(style, kind),
            layer_style_sld(style),
            # A default the user saved in QGIS wins over the app's.
            0 if layer in user_defaults else 1,
            f"{STYLE_NAME} default style for {layer}",
            "",
            None,
            now,
        )
        _insert_rows(con, pd.DataFrame([row], columns=list(COLUMNS)))
        written += 1
    return written


__all__ = [
    "LAYER_STYLES_TABLE",
    "STYLED_LAYERS",
    "STYLE_NAME",
    "LayerStyle",
    "layer_style",
    "layer_style_qml",
    "layer_style_sld",
    "user_styles",
    "write_layer_styles",
]
