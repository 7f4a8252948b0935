"""The workbook's Performance sheet holds the review's numbers, its charts and candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.io.export_xlsx import SHEETS, write_workbook
from planner.models.actuals import replace_periods
from planner.models.performance import review, trend
from tests.conftest import make_plan


def test_performance_sheet_contents(tmp_path: Path) -> None:
    plan = make_plan(n_accounts=500, grid=10, n_territories=10, seed=6)
    rng = np.random.default_rng(2)
    ids = plan.accounts["account_id"].astype(str)
    frames = []
    for q in ("2026-Q1", "2026-Q2", "2026-Q3"):
        frames.append(
            pd.DataFrame({"account_id": ids, "period": q, "revenue": rng.gamma(2, 5000, len(ids))})
        )
    rows = pd.concat(frames, ignore_index=True)
    weak = set(plan.accounts_frame().query("territory_id == 'T4'")["account_id"])
    rows.loc[(rows["period"] == "2026-Q3") & rows["account_id"].isin(weak), "revenue"] *= 0.3
    replace_periods(plan, ["2026-Q1", "2026-Q2", "2026-Q3"], rows)
    counts = np.bincount(plan.account_territory[plan.account_territory >= 0], minlength=10)
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "quota", float(counts[i]) * 40_000.0)
    path = write_workbook(plan, tmp_path / "p.xlsx", map_png=_tiny_png())
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary", "Performance", *SHEETS[1:]]
    ws = wb["Performance"]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    header_at = next(i for i, r in enumerate(cells) if r[0] == "Territory")
    assert cells[header_at][:8] == [
        "Territory", "Quota (year)", "2026-Q1", "2026-Q2", "2026-Q3", "YTD", "Expected", "Candidate",
    ]  # fmt: skip
    expected = trend(plan)
    result = review(plan)
    for i in range(plan.n_territories):
        row = cells[header_at + 1 + i]
        name = plan.territory_label(i)
        assert row[0] == name
        assert row[1] == pytest.approx(plan.territories["quota"].iloc[i])
        for j, period in enumerate(expected.index):
            assert row[2 + j] == pytest.approx(expected.loc[period, name] / 100)
        assert row[5] == pytest.approx(result.frame["ytd_attainment_pct"].iloc[i] / 100)
        assert (row[7] == "yes") == bool(result.frame["flag"].iloc[i])
    assert len(ws._charts) == 2
    assert {type(ch).__name__ for ch in ws._charts} == {"LineChart", "BarChart"}
    candidates_at = next(i for i, r in enumerate(cells) if str(r[0]).startswith("Candidates"))
    assert cells[candidates_at][0] == f"Candidates for the redesign ({len(result.candidates)})"
    assert cells[candidates_at + 2][0] == "Territory 4"
    assert "points below" in cells[candidates_at + 2][3]
    assert any(r[0] == "Total" for r in cells)
    assert str(cells[1][0]).startswith(("Growth gap", "Slack", "Top-down"))


def test_no_performance_sheet_without_actuals(tmp_path: Path) -> None:
    path = write_workbook(make_plan(n_accounts=50), tmp_path / "p.xlsx", map_png=_tiny_png())
    assert load_workbook(path).sheetnames == list(SHEETS)


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, format="PNG")
    return buf.getvalue()
