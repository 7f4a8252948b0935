"""The HTML map, the CRM CSV, the map picture and ``planner export``."""

from __future__ import annotations

import csv
import io
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.export_csv import write_crm_csv
from planner.io.export_html import write_html_map
from planner.io.map_image import render_map_png
from planner.io.planfile import save_plan
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.io.test_export_html_safety import plan_data


@pytest.fixture
def plan() -> Plan:
    plan = make_plan(n_accounts=400, grid=6, n_territories=4, seed=4)
    plan.set_territory_field(2, "name", "<script>alert('x')</script> & Co")
    plan.set_territory_field(0, "quota", 1_250_000.0)
    plan.apply(plan.propose_account_move(np.array([0, 1]), -1))
    return plan


def test_html_map_has_every_territory_with_its_numbers(plan: Plan, tmp_path: Path) -> None:
    path = write_html_map(plan, tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("<html") == 1 and "leaflet" in html.lower()
    for i in range(plan.n_territories):
        if i != 2:
            assert plan.territory_label(i) in html
    assert "&lt;script&gt;alert" in html, "names are escaped"
    assert "<script>alert(" not in html
    table = plan.balance()
    revenue = table.values[0, table.column("revenue")]
    shown = unescape(html)
    assert f"${revenue:,.0f}" in shown, "popup shows the territory's revenue"
    assert "$1,250,000" in shown, "and its quota"
    assert "vs target" in html
    for name in plan.reps["name"]:
        assert name in html
    assert "Rep homes" in html and "Territories" in html
    assert "398 accounts" in html or "400 accounts" in html


def test_html_map_samples_accounts_on_large_plans(plan: Plan, tmp_path: Path) -> None:
    small = write_html_map(plan, tmp_path / "sample.html", max_accounts=50)
    full = write_html_map(plan, tmp_path / "full.html")
    text = small.read_text(encoding="utf-8")
    assert "a random sample of 50 of 400 accounts" in text
    assert small.stat().st_size < full.stat().st_size
    assert len(plan_data(text)["accounts"]["label"]) == 50


def test_crm_csv_has_one_row_per_account(plan: Plan, tmp_path: Path) -> None:
    path = write_crm_csv(plan, tmp_path / "crm.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["account_id", "territory_id", "rep_id"]
    body = rows[1:]
    assert [r[0] for r in body] == list(plan.accounts["account_id"])
    assert body[0][1:] == ["", ""], "Unassigned leaves territory and rep empty"
    t = int(plan.account_territory[10])
    assert body[10][1:] == [plan.territory_ids[t], plan.territories.at[t, "rep_id"]]


def test_map_picture(plan: Plan, tmp_path: Path) -> None:
    from PIL import Image

    data = render_map_png(plan, tmp_path / "map.png", width_px=900, height_px=600, dpi=100)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map.png").read_bytes() == data
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (900, 600)
    colours = {image.getpixel((x, y)) for x in range(0, 900, 15) for y in range(0, 600, 15)}
    assert (0x4E, 0x79, 0xA7) in colours, "the first territory is filled with its colour"
    with pytest.raises(ValueError, match="at least 100"):
        render_map_png(plan, width_px=50)


def test_planner_export_writes_each_file(
    plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path = tmp_path / "plan.gpkg"
    save_plan(plan, plan_path)
    out = {k: tmp_path / f"out.{k}" for k in ("xlsx", "html", "csv", "png")}
    args = ["export", str(plan_path)] + [x for k, p in out.items() for x in (f"--{k}", str(p))]
    assert main(args) == 0
    printed = capsys.readouterr().out
    for path in out.values():
        assert path.exists() and path.stat().st_size > 0
        assert f"wrote {path}" in printed
    assert main(["export", str(plan_path)]) == 2
    assert "nothing to export" in capsys.readouterr().err
    assert main(["export", str(plan_path), "--xlsx", str(tmp_path / "wrong.csv")]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.gpkg"), "--csv", str(out["csv"])]) == 2
