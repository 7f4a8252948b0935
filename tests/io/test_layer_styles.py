"""The plan file carries default layer styles that QGIS and ArcGIS read."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from planner.io.layer_styles import (
    COLUMNS,
    ROUTE_DARKEN,
    STYLE_NAME,
    _darken,
    layer_style,
    layer_style_qml,
    layer_style_sld,
    write_layer_styles,
)
from planner.io.planfile import open_plan, save_plan
from planner.models.plan import Plan

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "resources" / "demo_plan.gpkg"
SYSTEM_PYTHON = "/usr/bin/python3"
TRICKY = 'Ops & "R&D" <North> $5 Tom\'s \x01'
SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"

#: The table exactly as QGIS 3.22 creates it when a style is saved into a GeoPackage.
QGIS_SCHEMA = [
    ("id", "INTEGER", 1, None, 1),
    ("f_table_catalog", "TEXT(256)", 0, None, 0),
    ("f_table_schema", "TEXT(256)", 0, None, 0),
    ("f_table_name", "TEXT(256)", 0, None, 0),
    ("f_geometry_column", "TEXT(256)", 0, None, 0),
    ("styleName", "TEXT(30)", 0, None, 0),
    ("styleQML", "TEXT", 0, None, 0),
    ("styleSLD", "TEXT", 0, None, 0),
    ("useAsDefault", "BOOLEAN", 0, None, 0),
    ("description", "TEXT", 0, None, 0),
    ("owner", "TEXT(30)", 0, None, 0),
    ("ui", "TEXT(30)", 0, None, 0),
    ("update_time", "DATETIME", 0, "strftime('%Y-%m-%dT%H:%M:%fZ','now')", 0),
]


def _rows(path: Path) -> list[dict[str, object]]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM layer_styles ORDER BY id")]


def _with_routes(plan: Plan) -> Plan:
    plan.layers["routes"] = gpd.GeoDataFrame(
        {"rep_id": ["R1", "R2"], "day": ["2026-01-05", "2026-01-05"], "visits": [3, 4]},
        geometry=[
            shapely.LineString([(-88.0, 41.5), (-87.9, 41.6)]),
            shapely.LineString([(-87.7, 41.5), (-87.6, 41.6)]),
        ],
        crs="EPSG:4326",
    )
    plan.layers["route_stops"] = gpd.GeoDataFrame(
        {"rep_id": ["R1", "R1"], "seq": [1, 2], "account_id": ["A00001", "A00002"]},
        geometry=[shapely.Point(-88.0, 41.5), shapely.Point(-87.9, 41.6)],
        crs="EPSG:4326",
    )
    return plan


def test_saved_plan_has_qgis_layer_styles_table(small_plan: Plan, tmp_path: Path) -> None:
    plan = _with_routes(small_plan)
    path = tmp_path / "plan.gpkg"
    save_plan(plan, path)
    with contextlib.closing(sqlite3.connect(path)) as con:
        schema = [
            (r[1], r[2], r[3], r[4], r[5]) for r in con.execute("PRAGMA table_info(layer_styles)")
        ]
        contents = con.execute(
            "SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchall()
    assert schema == QGIS_SCHEMA
    assert contents == [("attributes", "layer_styles")]
    rows = _rows(path)
    assert [r["f_table_name"] for r in rows] == [
        "territories",
        "units",
        "accounts",
        "reps",
        "routes",
        "route_stops",
    ]
    for row in rows:
        assert row["styleName"] == STYLE_NAME
        assert row["useAsDefault"] == 1
        assert row["f_geometry_column"] == "geom"
        assert (row["f_table_catalog"], row["f_table_schema"]) == ("", "")
        ET.fromstring(str(row["styleQML"]).split("\n", 1)[1])  # after the DOCTYPE line
        ET.fromstring(str(row["styleSLD"]).encode())
    # The table is the file's, not a plan table: opening and saving again keeps one set.
    again = open_plan(path)
    assert "layer_styles" not in again.tables
    save_plan(again, path)
    assert len(_rows(path)) == 6


def test_territory_style_uses_the_plan_colours_and_escapes_names(
    small_plan: Plan, tmp_path: Path
) -> None:
    plan = small_plan
    plan.territories.loc[1, "name"] = TRICKY
    colors = list(plan.territories["color"])
    qml = ET.fromstring(layer_style_qml(layer_style(plan, "territories")).split("\n", 1)[1])
    renderer = qml.find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == "territory_id"
    categories = renderer.findall("categories/category")
    assert [c.get("value") for c in categories] == list(plan.territories["territory_id"])
    assert categories[1].get("label") == 'Ops & "R&D" <North> $5 Tom\'s '
    fills = {
        s.get("name"): s.find("layer/prop[@k='color']").get("v")  # type: ignore[union-attr]
        for s in renderer.findall("symbols/symbol")
    }
    for i, color in enumerate(colors):
        rgb = ",".join(str(int(color[j : j + 2], 16)) for j in (1, 3, 5))
        assert fills[categories[i].get("symbol")] == f"{rgb},255"
    assert qml.get("labelsEnabled") == "1"
    text_style = qml.find("labeling/settings/text-style")
    assert text_style is not None and text_style.get("fieldName") == "name"

    sld = ET.fromstring(layer_style_sld(layer_style(plan, "territories")).encode())
    rules = sld.findall(f".//{SE}Rule")
    literal = rules[1].find(f"{OGC}Filter/{OGC}PropertyIsEqualTo/{OGC}Literal")
    assert literal is not None and literal.text == "T2"
    assert rules[1].findtext(f"{SE}Name") == 'Ops & "R&D" <North> $5 Tom\'s '
    fill = rules[0].find(f".//{SE}Fill/{SE}SvgParameter[@name='fill']")
    assert fill is not None and fill.text == colors[0]
    assert sld.find(f".//{SE}TextSymbolizer") is not None


def test_unassigned_units_and_accounts_have_their_own_colours(small_plan: Plan) -> None:
    for layer, color in (("units", "#c8c8c8"), ("accounts", "#e31a1c")):
        style = layer_style(small_plan, layer)
        other = style.categories[-1]
        assert other.value is None and other.label == "Unassigned"
        assert other.symbol.color == color
        qml = ET.fromstring(layer_style_qml(style).split("\n", 1)[1])
        assert qml.findall("renderer-v2/categories/category")[-1].get("value") == ""
        sld = ET.fromstring(layer_style_sld(style).encode())
        assert sld.findall(f".//{SE}Rule")[-1].find(f"{SE}ElseFilter") is not None
    reps = layer_style(small_plan, "reps")
    assert reps.field is None and reps.categories[0].symbol.shape == "star"
    with pytest.raises(ValueError, match="layer must be one of"):
        layer_style(small_plan, "roads")


def test_routes_are_coloured_per_rep_and_stops_numbered(small_plan: Plan) -> None:
    plan = _with_routes(small_plan)
    routes = layer_style(plan, "routes")
    assert routes.field == "rep_id"
    assert [c.value for c in routes.categories] == ["R1", "R2", None]
    assert [c.label for c in routes.categories[:2]] == ["Rep 1", "Rep 2"]
    # Each rep's line has the colour of the rep's territory.
    color = plan.territories["color"].iloc[0]
    assert routes.categories[0].symbol.color == _darken(color, ROUTE_DARKEN)
    stops = layer_style(plan, "route_stops")
    assert stops.label_field == "seq"


def test_styles_the_user_saved_in_qgis_survive_a_save(small_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_plan(small_plan, path)
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner) VALUES ('', '', 'territories', 'geom', 'Mine', '<qgis/>', '', 1, '', '')"
        )
        con.commit()
    save_plan(open_plan(path), path)
    rows = _rows(path)
    mine = [r for r in rows if r["styleName"] == "Mine"]
    assert len(mine) == 1 and mine[0]["useAsDefault"] == 1
    ours = {r["f_table_name"]: r["useAsDefault"] for r in rows if r["styleName"] == STYLE_NAME}
    assert ours == {"territories": 0, "units": 1, "accounts": 1, "reps": 1}


def test_a_table_of_another_layout_is_rebuilt(small_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    save_plan(small_plan, path)
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("DROP TABLE layer_styles")
        con.execute("CREATE TABLE layer_styles (f_table_name TEXT, styleQML TEXT)")
        assert write_layer_styles(con, small_plan) == 4
        columns = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
    assert columns == ["id", *COLUMNS]


def _qgis_available() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _qgis_available(), reason="QGIS (python3-qgis) is not installed")
def test_qgis_draws_the_demo_plan_with_its_colours_and_labels(tmp_path: Path) -> None:
    from PIL import Image

    plan = open_plan(DEMO)
    path = tmp_path / "demo.gpkg"
    save_plan(plan, path)
    png = tmp_path / "qgis.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    run = subprocess.run(
        [SYSTEM_PYTHON, str(ROOT / "scripts" / "qgis_render.py"), str(path), str(png)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert (
        f"layer territories: features={plan.n_territories} renderer=categorizedSymbol "
        f"field=territory_id categories={plan.n_territories} labels=1"
    ) in lines
    assert any(line.startswith("layer units: ") and "categorizedSymbol" in line for line in lines)
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
    # Units (alpha 150) under territories (alpha 190) in the same colour, over white.
    a1, a2 = 150 / 255, 190 / 255
    found = 0
    for color in plan.territories["color"]:
        c = np.array([int(color[j : j + 2], 16) for j in (1, 3, 5)])
        expected = c * a2 + (c * a1 + 255 * (1 - a1)) * (1 - a2)
        if (np.abs(pixels - expected).max(axis=1) <= 6).sum() > 500:
            found += 1
    assert found == plan.n_territories
    if os.environ.get("PLANNER_KEEP_QGIS_PNG"):
        shutil.copy(png, os.environ["PLANNER_KEEP_QGIS_PNG"])
