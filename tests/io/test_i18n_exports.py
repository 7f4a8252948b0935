"""Exports in the planner's languages: local formats, and workbooks the review reads back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from planner.io.export_xlsx import write_workbook
from planner.io.review import read_review
from planner.models import i18n
from planner.models.i18n import LANGUAGES, using_language
from tests.conftest import make_plan
from tests.io.test_review import col, free_accounts, row_of, tiny_png

EXPORTED = [lang for lang in LANGUAGES if lang != "en"]


@pytest.mark.parametrize(
    ("language", "locale", "number", "money", "day"),
    [
        ("en", "en_US", "1,234,567.9", "$1,234,568", "Mar 4, 2026"),
        ("es", "es_ES", "1.234.567,9", "1.234.568\u00a0$", "4 mar 2026"),
        ("es", "es_MX", "1,234,567.9", "$1,234,568", "4 mar 2026"),
        ("zh_CN", "zh_CN", "1,234,567.9", "$1,234,568", "2026年3月4日"),
        ("zh_TW", "zh_TW", "1,234,567.9", "$1,234,568", "2026年3月4日"),
    ],
)
def test_numbers_money_and_dates_follow_the_locale(
    language: str, locale: str, number: str, money: str, day: str
) -> None:
    with using_language(language, locale):
        assert i18n.format_number(1234567.89, 1) == number
        assert i18n.format_currency(1234567.6, "$") == money
        assert i18n.format_date(dt.date(2026, 3, 4)) == day
        assert i18n.format_currency(float("nan"), "$") == "–"
    assert i18n.current_language() == "en", "the block restores the language"


def test_euro_symbol_stands_after_the_amount_in_spain_and_before_in_english() -> None:
    with using_language("es", "es_ES"):
        assert i18n.format_currency(-1500, "€") == "-1.500\u00a0€"
        assert i18n.excel_currency_format("€") == '#,##0"\u00a0€";-#,##0"\u00a0€"'
        assert i18n.excel_date_format() == "d/m/yyyy"
    with using_language("en"):
        assert i18n.format_currency(-1500, "€") == "-€1,500"
        assert i18n.excel_currency_format("€").startswith('"€"#,##0')


def test_language_comes_from_the_option_the_variable_or_the_system() -> None:
    assert i18n.resolve_language("es", env={"PLANNER_LANG": "zh_CN"}) == "es"
    assert i18n.resolve_language(None, env={"PLANNER_LANG": "zh-Hant"}) == "zh_TW"
    assert i18n.resolve_language(None, env={"LANG": "zh_HK.UTF-8"}) == "zh_TW"
    assert i18n.resolve_language(None, env={"LANG": "zh_SG.UTF-8"}) == "zh_CN"
    assert i18n.resolve_language(None, env={"LC_ALL": "es_MX.UTF-8"}) == "es"
    assert i18n.resolve_language(None, env={"LANG": "C.UTF-8"}) == "en"
    assert i18n.resolve_language(None, env={"LANG": "fr_FR.UTF-8"}) == "en"
    with pytest.raises(ValueError, match="klingon"):
        i18n.resolve_language("klingon", env={})


def test_every_export_text_is_translated_in_every_catalogue() -> None:
    """The catalogues hold every text the exports show (scripts/translations.py catalogue)."""
    import sys

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "scripts"))
    try:
        import translations
    finally:
        sys.path.pop(0)
    messages = translations.export_messages()
    assert {"Accounts", "Territory ID", "Summary", "Quota"} <= messages
    for language in EXPORTED:
        path = root / "planner" / "resources" / "i18n" / f"{language}.json"
        catalogue = json.loads(path.read_text(encoding="utf-8"))
        missing = sorted(m for m in messages if not catalogue.get(m))
        assert not missing, f"{path.name}: untranslated {missing[:10]}"


def test_pseudo_text_is_longer_accented_and_keeps_placeholders() -> None:
    text = i18n.pseudo_text("Apply {n} changes to %1 territories")
    assert "{n}" in text and "%1" in text
    assert len(text) >= 1.35 * len("Apply {n} changes to %1 territories")
    assert "à" in text or "é" in text


@pytest.mark.parametrize("language", EXPORTED)
def test_workbook_in_each_language_is_read_back_by_review(language: str, tmp_path: Path) -> None:
    plan = make_plan(n_accounts=200, grid=5, n_territories=3, seed=4)
    book = tmp_path / f"plan_{language}.xlsx"
    with using_language(language):
        write_workbook(plan, book, map_png=tiny_png())
        accounts_title = i18n.gettext("Accounts")
        summary_title = i18n.gettext("Summary")
        tid_header = i18n.gettext("Territory ID")
    assert accounts_title != "Accounts" and tid_header != "Territory ID"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == summary_title
    assert accounts_title in wb.sheetnames and "Accounts" not in wb.sheetnames
    ws = wb[accounts_title]
    (moved,) = free_accounts(plan, 0, 1)
    account_id = plan.accounts["account_id"].iloc[moved]
    ws.cell(row_of(ws, account_id), col(ws, tid_header)).value = "T2"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    # Reviewed in English (another planner's window): the translated names are accepted.
    review = read_review(plan, edited)
    assert review.conflicts == []
    assert [(c.item_id, c.before, c.after) for c in review.changes] == [(account_id, 0, 1)]
    assert np.isfinite(plan.account_territory).all()


def test_workbook_number_formats_and_html_follow_the_language(tmp_path: Path) -> None:
    from planner.io.export_html import write_html_map

    plan = make_plan(n_accounts=120, grid=4, n_territories=3, seed=5)
    with using_language("es", "es_ES"):
        book = write_workbook(plan, tmp_path / "plan.xlsx", map_png=tiny_png())
        page = write_html_map(plan, tmp_path / "plan.html").read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(book)["Territorios"]
    quota_cells = [c for c in ws[2] if c.number_format and "$" in c.number_format]
    assert quota_cells and all(c.number_format.startswith("#,##0") for c in quota_cells)
    assert "<html lang='es'>" in page and "Territorios" in page
    assert "Sin asignar" in page


def test_chinese_names_draw_as_glyphs_on_the_map_and_in_the_map_book(tmp_path: Path) -> None:
    """No 'Glyph missing' from matplotlib: a CJK font is found (the system's or the bundled)."""
    import warnings

    from planner.io.fonts import bundled_cjk_font, cjk_font_name
    from planner.io.map_book import write_map_book
    from planner.io.map_image import render_map_png

    assert bundled_cjk_font() is not None, "the paperang-p2-fonts-cjk dependency ships a font"
    assert cjk_font_name() is not None
    plan = make_plan(n_accounts=120, grid=4, n_territories=3, seed=6)
    for i, name in enumerate(["台北一區", "上海浦东", "Madrid Norte"]):
        plan.set_territory_field(i, "name", name)
    with warnings.catch_warnings(record=True) as caught, using_language("zh_TW"):
        warnings.simplefilter("always")
        png = render_map_png(plan)
        pages = write_map_book(plan, tmp_path / "book.pdf")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert png[:4] == b"\x89PNG" and pages == plan.n_territories + 1
    assert (tmp_path / "book.pdf").stat().st_size > 10_000


def test_command_line_reports_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.cli import main
    from planner.io.planfile import save_plan

    plan = make_plan(n_accounts=100, grid=4, n_territories=3, seed=7)
    path = tmp_path / "plan.gpkg"
    save_plan(plan, path)
    assert main(["--lang", "es", "report", str(path)]) == 0
    spanish = capsys.readouterr().out
    assert "Territorio" in spanish and "Cuentas sin asignar" in spanish
    monkeypatch.setenv("PLANNER_LANG", "zh_TW")
    assert main(["report", str(path)]) == 0
    assert "未指派客戶" in capsys.readouterr().out
    assert main(["--lang=en", "report", str(path)]) == 0
    assert "Unassigned accounts" in capsys.readouterr().out
    assert i18n.current_language() == "en", "main() leaves the caller's language as it was"
    assert main(["--lang", "tlh", "report", str(path)]) == 2
    assert "tlh" in capsys.readouterr().err


@pytest.mark.parametrize("language", EXPORTED)
def test_performance_sheet_speaks_the_language_and_review_reads_the_workbook(
    language: str, tmp_path: Path
) -> None:
    """A plan with actuals gets a Performance sheet in the export's language; the review of
    the edited workbook still reads it (the extra sheet is no obstacle)."""
    import pandas as pd

    from planner.models.actuals import replace_periods

    plan = make_plan(n_accounts=200, grid=5, n_territories=3, seed=8)
    ids = plan.accounts["account_id"].astype(str)
    rng = np.random.default_rng(3)
    rows = pd.concat(
        [
            pd.DataFrame({"account_id": ids, "period": q, "revenue": rng.gamma(2, 5000, len(ids))})
            for q in ("2026-Q2", "2026-Q3")
        ],
        ignore_index=True,
    )
    replace_periods(plan, ["2026-Q2", "2026-Q3"], rows)
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "quota", 400_000.0)
    book = tmp_path / f"perf_{language}.xlsx"
    with using_language(language):
        write_workbook(plan, book, map_png=tiny_png())
        title, territory = i18n.gettext("Performance"), i18n.gettext("Territory")
        expected = i18n.gettext("Expected")
        tid_header, accounts_title = i18n.gettext("Territory ID"), i18n.gettext("Accounts")
    assert title != "Performance" and expected != "Expected"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[1] == title
    cells = [[c.value for c in r] for r in wb[title].iter_rows()]
    header = next(r for r in cells if r[0] == territory)
    assert expected in header and "Expected" not in header
    texts = " ".join(str(v) for r in cells for v in r if isinstance(v, str))
    assert "Quarterly review" not in texts and "attainment" not in texts
    ws = wb[accounts_title]
    (moved,) = free_accounts(plan, 0, 1)
    account_id = plan.accounts["account_id"].iloc[moved]
    ws.cell(row_of(ws, account_id), col(ws, tid_header)).value = "T2"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    review = read_review(plan, edited)
    assert review.conflicts == []
    assert [(c.item_id, c.before, c.after) for c in review.changes] == [(account_id, 0, 1)]


def test_performance_report_in_the_language_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``planner performance``: headers, sentences and numbers in the language and locale."""
    from planner.cli import main
    from planner.io.planfile import save_plan
    from tests.test_performance import plan_with_actuals

    path = tmp_path / "p.gpkg"
    save_plan(plan_with_actuals(), path)
    assert main(["performance", str(path)]) == 0
    english = capsys.readouterr().out
    assert "Expected attainment:" in english and "Top-down" in english
    assert main(["--lang", "es", "performance", str(path)]) == 0
    spanish = capsys.readouterr().out
    assert "Cumplimiento esperado:" in spanish and "De arriba abajo" in spanish
    assert "Expected attainment" not in spanish and "Top-down" not in spanish
    # es_ES groups thousands with a point (2.397.920), never a comma
    import re

    assert re.search(r"\d\.\d{3}\b", spanish) and not re.search(r"\d,\d{3}\b", spanish)
    assert "por territorio" in spanish
    assert main(["--lang", "zh_TW", "performance", str(path)]) == 0
    chinese = capsys.readouterr().out
    assert "預期達成率" in chinese and "配額" in chinese


def test_actuals_import_report_in_the_language(tmp_path: Path) -> None:
    """The actuals import report (the window's report dialog, ``planner actuals``) frames its
    counts and sections in the language, digits grouped by the locale."""
    from planner.io.actuals_import import import_actuals

    ids = [f"A{i}" for i in range(1500)]
    lines = ["account_id,period,revenue", *[f"{a},2026-Q3,100" for a in ids], "GHOST,2026-Q3,5"]
    csv = tmp_path / "q3.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with using_language("es", "es_ES"):
        report = import_actuals(csv, ids).report
        text = report.format()
    assert "1.501 filas leídas, 1.501 cargadas, 0 rechazadas" in text
    assert "ID de cuenta que no están en el plan" in text and "rows read" not in text
    with using_language("zh_TW"):
        assert "讀取 1,501 列" in report.summary()
    assert "1,501 rows read, 1,501 loaded, 0 rejected" in report.summary()


def test_optimiser_report_in_the_language() -> None:
    """The optimiser's report (``planner optimise``, the dialog's notes) follows the language:
    its status, disruption, compactness and contiguity lines and the locale's decimal sign."""
    from planner.optimise.plan_optimiser import OptimiseOptions, optimise_plan, snapshot_plan

    plan = make_plan(n_accounts=300, grid=6, n_territories=3, seed=3)
    options = OptimiseOptions(
        mode="rebalance", time_limit=2.0, contiguity="off", compactness="diameter"
    )
    options.validate(plan.settings, plan.n_territories)
    result = optimise_plan(snapshot_plan(plan), options)
    english = "\n".join(result.summary_lines())
    assert "compactness (mean km" in english and "contiguity off" in english
    with using_language("es", "es_ES"):
        spanish = "\n".join(result.summary_lines())
        budget = result.budget_line()
    assert "compacidad (km medios" in spanish and "contigüidad off" in spanish
    assert "compactness" not in spanish and "disruption:" not in spanish
    assert "respecto a la línea base" in budget
    elapsed = next(line for line in spanish.splitlines() if line.startswith("estado:"))
    assert "," in elapsed and "." not in elapsed.split("(")[1], elapsed
