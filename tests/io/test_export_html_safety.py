"""Hostile names in the HTML map: shown as text, never run (HTML, attributes, JS strings)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planner.io.export_html import html_text, safe_color, write_html_map
from planner.models.plan import Plan
from tests.conftest import make_plan

PAYLOADS = (
    "${alert(document.domain)}",
    "</script><script>alert(1)</script>",
    '"onmouseover=alert(1) x="',
    "`+alert(1)+`",
    "\\`;alert(1);//",
    "'-alert(1)-'",
    "<img src=x onerror=alert(1)>",
    "{{ 7 * 7 }}{% if true %}jinja{% endif %}",
)

#: The only ``${...}`` substitutions folium's own scripts contain (the GeoJSON tooltip).
FOLIUM_SUBSTITUTIONS = {"aliases[i]", "handleObject(layer.feature.properties[v])"}


class _Page(HTMLParser):
    """Start tags, attributes and inline scripts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def assert_nothing_runs(page: str, payloads: tuple[str, ...] = PAYLOADS) -> None:
    """No payload is markup, an attribute, or code in any JS string/template context."""
    parsed = _Page()
    parsed.feed(page)
    for tag, attrs in parsed.tags:
        for name, _value in attrs:
            assert not name.lower().startswith("on"), f"event handler attribute on <{tag}>"
        if tag == "script":
            assert all(n in ("src", "integrity", "crossorigin", "type", "id") for n, _ in attrs), (
                attrs
            )
    for script in parsed.scripts:
        assert script.count("`") % 2 == 0, "an unbalanced template literal"
        parts = script.split("`")
        for code in parts[0::2]:
            # Outside string literals, no payload is code.
            bare = _JS_STRING.sub('""', code)
            assert "alert" not in bare, bare[max(0, bare.find("alert") - 200) :][:400]
        for literal in parts[1::2]:
            assert "\\" not in literal, "a backslash escape inside a template literal"
            for expr in re.findall(r"\$\{(.*?)\}", literal):
                expr = expr.replace(".toLocaleString()", "")
                assert expr in FOLIUM_SUBSTITUTIONS, f"template substitution ${{{expr}}}"
            inner = _Page()
            inner.feed(literal)
            assert not any(t == "script" for t, _ in inner.tags), "a <script> in a popup"
            for tag, attrs in inner.tags:
                for name, _value in attrs:
                    assert not name.lower().startswith("on"), f"handler on <{tag}> in a popup"


@pytest.fixture
def hostile_plan() -> Plan:
    plan = make_plan(n_accounts=80, grid=4, n_territories=4, seed=3)
    for i, name in enumerate(PAYLOADS[:4]):
        plan.set_territory_field(i, "name", name)
    plan.set_territory_field(1, "color", "red;}</style><script>alert(1)</script>")
    for r, name in enumerate(PAYLOADS[: len(plan.reps)]):
        plan.reps.loc[r, "name"] = name
    for a, name in enumerate(PAYLOADS):
        plan.accounts.loc[a, "name"] = name
    plan.accounts.loc[len(PAYLOADS), "account_id"] = "`${alert(2)}`"
    plan.name = "${alert(3)}</title><script>alert(1)</script>"
    return plan


def test_hostile_names_never_run(hostile_plan: Plan, tmp_path: Path) -> None:
    page = write_html_map(hostile_plan, tmp_path / "map.html").read_text(encoding="utf-8")
    assert_nothing_runs(page)
    # ...and are still shown, as text, where a person looks for them.
    shown = html.unescape(page)
    for name in PAYLOADS[:4]:
        assert name in shown
    assert "red;}</style>" not in page, "a colour that is not a colour is not written"


def test_names_are_not_jinja_templates(hostile_plan: Plan, tmp_path: Path) -> None:
    """folium renders page elements with Jinja: a name must not be evaluated there."""
    hostile_plan.name = "{{ 7 * 7 }}{% if true %}jinja{% endif %}"
    hostile_plan.set_territory_field(0, "name", "{{ self }}{# x #}")
    page = write_html_map(hostile_plan, tmp_path / "map.html").read_text(encoding="utf-8")
    shown = html.unescape(page)
    assert "{{ 7 * 7 }}{% if true %}jinja{% endif %}" in shown
    assert "{{ self }}{# x #}" in shown
    assert "49jinja" not in shown


def plan_data(page: str) -> dict:
    """The map's data: the JSON document the page's script reads."""
    found = re.search(r"<script type='application/json' id='plan-data'>(.*?)</script>", page, re.S)
    assert found, "the page carries its data as JSON"
    return json.loads(found.group(1))


def test_every_payload_reaches_the_page_as_text(hostile_plan: Plan, tmp_path: Path) -> None:
    """The check above would pass on a page without the names: make sure they are there."""
    page = write_html_map(hostile_plan, tmp_path / "map.html").read_text(encoding="utf-8")
    data = plan_data(page)
    popups = [f["properties"]["popup"] for f in data["territories"]["features"]]
    assert len(popups) >= hostile_plan.n_territories
    # Shown as HTML by Leaflet: a payload is escaped text there, never markup.
    for popup in popups:
        inner = _Page()
        inner.feed(popup)
        assert {t for t, _ in inner.tags} <= {"div", "b", "table", "tr", "th", "td", "br"}
    labels = data["accounts"]["label"]
    assert any("alert(2)" in html.unescape(label) for label in labels)
    assert not any("<" in label or "`" in label for label in labels)
    texts = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in popups]
    assert any("${alert(document.domain)}" in t for t in texts)
    assert any("`+alert(1)+`" in t for t in texts)


def test_the_check_catches_folium_as_it_was(tmp_path: Path) -> None:
    """Unescaped names in folium's template literals are caught by assert_nothing_runs."""
    import folium

    fmap = folium.Map()
    folium.Marker([0, 0], tooltip=folium.Tooltip("${alert(1)}")).add_to(fmap)
    fmap.save(str(tmp_path / "bad.html"))
    with pytest.raises(AssertionError, match="template substitution"):
        assert_nothing_runs((tmp_path / "bad.html").read_text(encoding="utf-8"))
    fmap = folium.Map()
    folium.Marker([0, 0], popup=folium.Popup("\\`+alert(1)+\\`")).add_to(fmap)
    fmap.save(str(tmp_path / "bad2.html"))
    with pytest.raises(AssertionError):
        assert_nothing_runs((tmp_path / "bad2.html").read_text(encoding="utf-8"))


def test_html_text_and_safe_color() -> None:
    assert html_text("${x}`\\<a href='y'>&") == (
        "&#36;&#123;x&#125;&#96;&#92;&lt;a href=&#x27;y&#x27;&gt;&amp;"
    )
    assert html.unescape(html_text("${x}`\\")) == "${x}`\\"
    assert safe_color("#4e79a7") == "#4e79a7"
    assert safe_color("red") == "red"
    assert safe_color("red;background:url(x)") == "#9e9e9e"
    assert safe_color(None) == "#9e9e9e"
