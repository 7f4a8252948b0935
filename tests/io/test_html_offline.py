"""The HTML map works with no network: everything it needs is inside the file."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planner.io.export_html import leaflet_assets, web_dir, write_html_map
from planner.models.plan import Plan
from tests.conftest import make_plan
from tests.io.test_export_html_safety import plan_data


class _Resources(HTMLParser):
    """Every URL the page's tags load (script src, link href, img src...)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append((tag, value))


@pytest.fixture
def plan() -> Plan:
    return make_plan(n_accounts=300, grid=5, n_territories=4, seed=7)


def test_the_page_loads_nothing_from_the_web(plan: Plan, tmp_path: Path) -> None:
    page = write_html_map(plan, tmp_path / "map.html").read_text(encoding="utf-8")
    found = _Resources()
    found.feed(page)
    assert not [u for u in found.urls if u[0] in ("script", "link", "img")], found.urls
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)
    # Leaflet itself is inside, with its images as data URIs (no images/ folder beside it).
    script, _css = leaflet_assets()
    assert script in page and "Leaflet 1.9.4" in page
    assert "url(images/" not in page and "data:image/png;base64," in page
    # Online tiles are only an optional base layer, not the default.
    assert "OpenStreetMap (online)" in page and "No background (works offline)" in page


def test_the_bundled_assets_ship_with_the_package() -> None:
    folder = web_dir() / "leaflet"
    for name in ("leaflet.js", "leaflet.css", "LICENSE", "images/layers.png"):
        assert (folder / name).is_file(), name
    assert "BSD 2-Clause" in (folder / "LICENSE").read_text(encoding="utf-8")
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert "resources/web/leaflet/*" in pyproject


def test_state_and_county_outlines_are_the_offline_background(plan: Plan, tmp_path: Path) -> None:
    page = write_html_map(plan, tmp_path / "map.html").read_text(encoding="utf-8")
    outlines = plan_data(page)["outlines"]
    assert {f["properties"]["kind"] for f in outlines["features"]} == {"counties", "states"}


def test_a_large_plan_says_the_map_shows_a_sample(plan: Plan, tmp_path: Path) -> None:
    page = write_html_map(plan, tmp_path / "map.html", max_accounts=100).read_text("utf-8")
    assert "map shows a random sample of 100 of 300 accounts" in page
    assert len(plan_data(page)["accounts"]["lon"]) == 100


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="no Chromium to open the page with")
def test_chromium_draws_the_map_offline(plan: Plan, tmp_path: Path) -> None:
    """Headless Chromium with every request sent to a dead proxy: the map still draws."""
    path = write_html_map(plan, tmp_path / "map.html")
    result = subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--proxy-server=127.0.0.1:9",  # nothing listens there: no network
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    errors = [line for line in result.stderr.splitlines() if "Uncaught" in line]
    assert not errors, errors
    assert f'data-territories-drawn="{plan.n_territories}"' in dom, dom[-2000:]
    # The territories are SVG paths Leaflet drew, in their own colours.
    assert dom.count('class="leaflet-interactive"') >= plan.n_territories
    for color in plan.territories["color"]:
        assert f'fill="{color}"' in dom
