"""The PDF map book: an overview page and one page per territory, names printed as typed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main
from planner.io.map_book import compact_value, format_deviation, write_map_book
from planner.io.planfile import save_plan
from planner.models.plan import Plan
from planner.models.progress import Cancelled, TaskState
from planner.models.settings import MeasureSpec

TRICKY = "Ops & R&D $5 <North> $x$ 50%_off"


def _page_count(path: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        data = path.read_bytes()
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    return len(PdfReader(str(path)).pages)


def test_one_page_per_territory_plus_an_overview(small_plan: Plan, tmp_path: Path) -> None:
    plan = small_plan
    plan.territories.loc[1, "name"] = TRICKY
    plan.apply(plan.propose_account_move(np.array([0, 1]), -1))  # some unassigned
    seen: list[float] = []
    state = TaskState(lambda fraction, _message: seen.append(fraction or 0.0))
    path = tmp_path / "book.pdf"
    pages = write_map_book(plan, path, state)
    assert pages == plan.n_territories + 1
    assert _page_count(path) == plan.n_territories + 1
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_names_are_printed_as_typed(small_plan: Plan, tmp_path: Path) -> None:
    import matplotlib

    plan = small_plan
    plan.territories.loc[1, "name"] = TRICKY
    path = tmp_path / "book.pdf"
    write_map_book(plan, path)
    page = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    # With mathtext the dollar signs would vanish and the text between them turn italic.
    assert page.splitlines()[0] == TRICKY
    assert matplotlib.rcParams["text.parse_math"] is True  # the book leaves settings alone


def test_cancelling_leaves_no_file_and_keeps_the_old_one(small_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(b"old book")
    state = TaskState()

    def cancel_after_overview(fraction: float | None, _message: str) -> None:
        if fraction and fraction > 0.1:
            state.cancel()

    state._on_progress = cancel_after_overview
    with pytest.raises(Cancelled):
        write_map_book(small_plan, path, state)
    assert path.read_bytes() == b"old book"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_numbers_read_as_a_manager_expects() -> None:
    money = MeasureSpec("revenue", "Revenue", kind="currency")
    assert compact_value(23_249_820, money) == "$23.2M"
    assert compact_value(512_300, money) == "$512k"
    assert compact_value(950, money) == "$950"
    assert format_deviation(-0.0004, 0) == "0 %"
    assert format_deviation(0.356) == "+35.6 %"
    assert format_deviation(float("inf")) == "–"


def test_export_pdf_from_the_command_line(
    small_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path = tmp_path / "plan.gpkg"
    save_plan(small_plan, plan_path)
    out = tmp_path / "book.pdf"
    assert main(["export", str(plan_path), "--pdf", str(out)]) == 0
    assert f"map book of {small_plan.n_territories + 1} pages" in capsys.readouterr().out
    assert _page_count(out) == small_plan.n_territories + 1
    assert main(["export", str(plan_path), "--pdf", str(tmp_path / "book.txt")]) != 0


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_a_territory_page_renders_with_its_colour(small_plan: Plan, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "book.pdf"
    write_map_book(small_plan, path)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "2", "-l", "2", str(path), str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    png = next(tmp_path.glob("p*.png"))
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).astype(int)
    color = small_plan.territories["color"].iloc[0]
    rgb = np.array([int(color[j : j + 2], 16) for j in (1, 3, 5)])
    # The territory fills a good part of its own page's map.
    assert (np.abs(pixels - rgb).max(axis=1) <= 8).mean() > 0.05
