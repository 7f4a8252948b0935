"""The quarterly review: actuals stored per period, attainment at every level, fairness fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.cli import main
from planner.io.planfile import open_plan, save_plan
from planner.models.actuals import (
    ACTUALS_TABLE,
    ActualsIndex,
    PeriodError,
    parse_period,
    periods,
    replace_periods,
    trailing_year,
    ytd_span,
)
from planner.models.events import ActualsChanged
from planner.models.hierarchy import HIERARCHY_TABLE, hierarchy_table
from planner.models.performance import (
    PerformanceError,
    annual_quotas,
    fit_expected,
    reconcile,
    restore_quota_table,
    review,
    set_metric_quota,
    trend,
)
from planner.models.plan import Plan
from planner.models.quotas import territory_history
from planner.models.scenarios import compare_scenarios, write_scenario
from tests.conftest import make_plan

QUARTERS = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]


def actuals_for(plan: Plan, quarters: list[str], seed: int = 0, scale: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = plan.accounts["account_id"].astype(str).to_numpy()
    frames = []
    for q in quarters:
        frames.append(
            pd.DataFrame(
                {
                    "account_id": ids,
                    "period": q,
                    "revenue": rng.gamma(2.0, 2000.0, len(ids)) * scale,
                    "visits_held": rng.poisson(2, len(ids)).astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def plan_with_actuals(n_territories: int = 6) -> Plan:
    plan = make_plan(n_accounts=600, grid=6, n_territories=n_territories, seed=3)
    # Districts and regions over the territories.
    parents = ["D1", "D1", "D2", "D2", "D3", "D3"][:n_territories]
    for i, p in enumerate(parents):
        plan.set_territory_field(i, "parent_id", p)
    plan.tables[HIERARCHY_TABLE] = hierarchy_table(
        [
            ("D1", "North", "District", "R1"),
            ("D2", "South", "District", "R1"),
            ("D3", "West", "District", "R2"),
            ("R1", "East", "Region", None),
            ("R2", "Far West", "Region", None),
        ]
    )
    rows = actuals_for(plan, QUARTERS)
    # Quotas near what each territory sells in a year, a little off either way.
    counts = np.bincount(
        plan.account_territory[plan.account_territory >= 0], minlength=n_territories
    )
    for i in range(n_territories):
        plan.set_territory_field(i, "quota", float(counts[i]) * 16_000.0 * (0.9 + 0.04 * i))
    # Actuals of an account the plan does not hold: kept, counted in no territory.
    stray = pd.DataFrame(
        {"account_id": ["GHOST"], "period": ["2026-Q3"], "revenue": [5e6], "visits_held": [1.0]}
    )
    replace_periods(plan, QUARTERS, pd.concat([rows, stray], ignore_index=True))
    return plan


def test_periods_parse_in_the_forms_people_write() -> None:
    assert parse_period("2026-Q3") == "2026-Q3"
    assert parse_period("Q3 2026") == "2026-Q3"
    assert parse_period("fy2026q3") == "2026-Q3"
    assert parse_period("2026-07") == "2026-07"
    assert parse_period("07/2026") == "2026-07"
    assert parse_period("Jul 2026") == "2026-07"
    assert parse_period("2026-07-15") == "2026-07"
    with pytest.raises(PeriodError, match="not a month or a quarter"):
        parse_period("summer")
    assert ytd_span(["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], "2026-Q2") == [
        "2026-Q1",
        "2026-Q2",
    ]
    span, covered = trailing_year(["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"])
    assert span == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"] and covered == 1.0


def _independent(plan: Plan, period_rows: pd.DataFrame, by: pd.Series) -> pd.Series:
    """Actual revenue per group, by a pandas join and groupby (no planner code)."""
    frame = plan.accounts_frame()[["account_id", "territory_id"]]
    joined = period_rows.merge(frame, on="account_id", how="inner")
    joined = joined[joined["territory_id"].notna()]
    joined["group"] = joined["territory_id"].map(by)
    return joined.groupby("group")["revenue"].sum()


@pytest.mark.parametrize("level", ["territory", "rep", "district", "region"])
def test_attainment_at_every_level_equals_a_pandas_groupby(level: str) -> None:
    plan = plan_with_actuals()
    result = review(plan, "2026-Q2", level=level)
    table = plan.tables[ACTUALS_TABLE]
    rows = table[table["period"] == "2026-Q2"]
    terr = plan.territories.set_index("territory_id")
    if level == "territory":
        by = pd.Series(terr.index, index=terr.index)
    elif level == "rep":
        by = terr["rep_id"]
    else:
        node = {"D1": "North", "D2": "South", "D3": "West"}
        region = {"D1": "East", "D2": "East", "D3": "Far West"}
        by = terr["parent_id"].map(node if level == "district" else region)
    expected_actual = _independent(plan, rows, by)
    quotas = (terr["quota"] / 4).groupby(by).sum()
    key = "id" if level in ("territory", "rep") else "name"
    got = result.frame.set_index(key)
    for group, actual in expected_actual.items():
        assert got.loc[group, "actual"] == pytest.approx(actual)
        assert got.loc[group, "quota"] == pytest.approx(quotas[group])
        assert got.loc[group, "attainment_pct"] == pytest.approx(100 * actual / quotas[group])
    # Year to date: Q1 and Q2 of 2026 (2025-Q4 is last year).
    ytd_rows = table[table["period"].isin(["2026-Q1", "2026-Q2"])]
    ytd = _independent(plan, ytd_rows, by)
    for group, actual in ytd.items():
        assert got.loc[group, "ytd_actual"] == pytest.approx(actual)
        assert got.loc[group, "ytd_attainment_pct"] == pytest.approx(
            100 * actual / (quotas[group] * 2)
        )


def test_visits_held_are_judged_against_the_call_cycle() -> None:
    plan = plan_with_actuals()
    result = review(plan, "2026-Q3")
    visits = plan.accounts_frame().groupby("territory_id")["visits_per_year"].sum() / 4
    got = result.frame.set_index("id")
    for tid, planned in visits.items():
        assert got.loc[tid, "visits_planned"] == pytest.approx(planned)
        assert got.loc[tid, "activity_pct"] == pytest.approx(
            100 * got.loc[tid, "visits_held"] / planned
        )


def test_unknown_accounts_count_nowhere_and_are_listed() -> None:
    plan = plan_with_actuals()
    result = review(plan, "2026-Q3")
    assert result.unknown_accounts == ["GHOST"]
    assert result.unattributed >= 5e6
    assert result.frame["actual"].max() < 5e6


def test_reimport_replaces_a_period_and_the_returned_rows_restore_it() -> None:
    plan = plan_with_actuals()
    seen: list[object] = []
    plan.events.subscribe(seen.append)
    before = plan.tables[ACTUALS_TABLE].copy()
    new_q3 = actuals_for(plan, ["2026-Q3"], seed=9, scale=2.0)
    removed = replace_periods(plan, ["2026-Q3"], new_q3)
    after = plan.tables[ACTUALS_TABLE]
    assert periods(plan) == QUARTERS
    assert (after["period"] == "2026-Q3").sum() == len(new_q3)  # replaced, not added
    assert after.loc[after["period"] == "2026-Q3", "revenue"].sum() == pytest.approx(
        new_q3["revenue"].sum()
    )
    assert isinstance(seen[-1], ActualsChanged) and "2026-Q3" in seen[-1].periods
    # Undo: the removed rows go back in place of the new ones.
    replace_periods(plan, ["2026-Q3"], removed)
    key = ["account_id", "period"]
    pd.testing.assert_frame_equal(
        plan.tables[ACTUALS_TABLE].sort_values(key).reset_index(drop=True),
        before.sort_values(key).reset_index(drop=True),
    )
    # A month inside a stored quarter replaces the quarter: nothing is counted twice.
    july = actuals_for(plan, ["2026-07"], seed=4)
    removed = replace_periods(plan, ["2026-07"], july)
    assert set(removed["period"]) == {"2026-Q3"}
    assert "2026-Q3" not in periods(plan) and "2026-07" in periods(plan)


def test_actuals_survive_a_plan_file_round_trip(tmp_path: Path) -> None:
    plan = plan_with_actuals()
    set_metric_quota(plan, 0, "gross_margin", 50_000.0)
    save_plan(plan, tmp_path / "p.gpkg")
    again = open_plan(tmp_path / "p.gpkg")
    key = ["account_id", "period"]
    pd.testing.assert_frame_equal(
        again.tables[ACTUALS_TABLE].sort_values(key).reset_index(drop=True),
        plan.tables[ACTUALS_TABLE].sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert annual_quotas(again, "gross_margin")[0] == 50_000.0
    pd.testing.assert_frame_equal(review(again).frame, review(plan).frame)


def test_metric_quotas_per_territory_set_and_undo() -> None:
    plan = plan_with_actuals()
    assert np.isnan(annual_quotas(plan, "opportunities_created")).all()
    previous = set_metric_quota(plan, 2, "opportunities_created", 40.0, level="pipeline")
    quotas = annual_quotas(plan, "opportunities_created")
    assert quotas[2] == 40.0 and np.isnan(quotas[[0, 1, 3]]).all()
    restore_quota_table(plan, previous)
    assert np.isnan(annual_quotas(plan, "opportunities_created")).all()
    with pytest.raises(ValueError, match="quota field"):
        set_metric_quota(plan, 0, "revenue", 1.0)


def test_top_down_against_bottom_up_names_the_gap() -> None:
    plan = plan_with_actuals()
    rec = reconcile(plan)
    table = plan.tables[ACTUALS_TABLE]
    ids = plan.accounts_frame().set_index("account_id")["territory_id"]
    yearly = table.assign(t=table["account_id"].map(ids)).groupby("t")["revenue"].sum()
    np.testing.assert_allclose(rec.bottom_up, yearly.reindex(plan.territory_ids).to_numpy())
    np.testing.assert_allclose(rec.top_down, plan.territories["quota"].to_numpy())
    assert rec.total_gap == pytest.approx(rec.total_top_down - rec.total_bottom_up)
    text = rec.sentence()
    gap = f"{abs(rec.total_gap):,.0f}"
    assert gap in text
    assert ("Growth gap" in text) == (rec.total_gap > 0)
    # planner quotas --method history follows the same actuals.
    np.testing.assert_allclose(territory_history(plan), rec.bottom_up)
    assert not np.allclose(territory_history(plan, "revenue"), rec.bottom_up)


def test_fit_flags_a_territory_far_below_what_its_potential_predicts() -> None:
    rng = np.random.default_rng(1)
    potential = rng.uniform(0.5, 1.5, 30)
    workload = rng.uniform(0.8, 1.2, 30)
    attainment = 60 + 40 * potential - 10 * workload + rng.normal(0, 1, 30)
    attainment[7] -= 30
    model = fit_expected(attainment, potential, workload)
    expected = model.predict(potential, workload)
    assert abs(model.coef[1] / (40 / potential.mean())) == pytest.approx(1.0, abs=0.15)
    residual = attainment - expected
    assert int(np.argmin(residual)) == 7 and residual[7] < -20


def test_review_flags_a_weak_rep_with_the_reason() -> None:
    plan = plan_with_actuals(n_territories=6)
    table = plan.tables[ACTUALS_TABLE]
    weak = set(plan.accounts_frame().query("territory_id == 'T3'")["account_id"])
    q3 = (table["period"] == "2026-Q3") & table["account_id"].isin(weak)
    table.loc[q3, "revenue"] *= 0.3
    result = review(plan, "2026-Q3")
    flagged = result.candidates.set_index("id")
    assert "T3" in flagged.index
    assert "points below" in flagged.loc["T3", "reason"]
    district = review(plan, "2026-Q3", level="district").frame.set_index("name")
    assert district.loc["South", "flag"] and "Territory 3" in district.loc["South", "reason"]


def test_trend_has_one_row_per_period() -> None:
    plan = plan_with_actuals()
    frame = trend(plan)
    assert list(frame.index) == QUARTERS
    q2 = review(plan, "2026-Q2").frame.set_index("name")["attainment_pct"]
    pd.testing.assert_series_equal(
        frame.loc["2026-Q2"], q2.rename("2026-Q2"), check_names=False, check_index_type=False
    )
    region = trend(plan, level="region")
    assert list(region.columns) == ["East", "Far West"]


def test_review_refuses_what_it_cannot_review() -> None:
    with pytest.raises(PerformanceError, match="no actuals"):
        review(make_plan())
    plan = plan_with_actuals()
    with pytest.raises(PerformanceError, match="no actuals for 2024-Q1"):
        review(plan, "2024-Q1")
    with pytest.raises(PerformanceError, match="no 'continent' level"):
        review(plan, level="continent")
    with pytest.raises(PerformanceError, match="no 'profit'"):
        review(plan, metric="profit")


def test_scenario_comparison_shows_expected_attainment_spread() -> None:
    plan = make_plan(n_accounts=1000, grid=10, n_territories=10, seed=4)
    replace_periods(plan, QUARTERS, actuals_for(plan, QUARTERS))
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "quota", 1_500_000.0 * (0.8 + 0.05 * i))
    assert review(plan).model.n == 10
    rows = {key for key, _label, _values in compare_scenarios(plan).rows()}
    assert "expected_attainment.spread" in rows
    assert "expected_attainment.below_90" in rows
    change = plan.propose_account_move(np.flatnonzero(plan.account_territory == 1)[:80], 0)
    plan.apply(change)
    write_scenario(plan, "lopsided", plan.account_territory)
    comparison = compare_scenarios(plan, ["baseline", "lopsided"])
    spread = dict((key, values) for key, _l, values in comparison.rows())[
        "expected_attainment.spread"
    ]
    assert spread[0] != pytest.approx(spread[1])
    assert "expected_attainment.spread" not in {
        key for key, _l, _v in compare_scenarios(make_plan()).rows()
    }


def test_index_joins_duplicate_free_ids_once() -> None:
    plan = plan_with_actuals()
    index = ActualsIndex.build(plan)
    assert (index.account >= 0).sum() == len(index.table) - 1


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_actuals_then_performance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(n_accounts=200, grid=6, n_territories=4, seed=5)
    for i in range(plan.n_territories):
        plan.set_territory_field(i, "quota", 400_000.0)
    save_plan(plan, tmp_path / "p.gpkg")
    ids = plan.accounts["account_id"].tolist()
    lines = ["Account ID,Net Sales,Meetings Held,Notes"]
    lines += [f'{a},"$1,000.00",3,fine' for a in ids]
    lines += ["NOPE-1,500,1,stray", ",200,1,no id", f"{ids[0]},n/a,2,bad number"]
    csv = _write_csv(tmp_path / "q3.csv", "\n".join(lines) + "\n")
    code = main(
        ["actuals", str(tmp_path / "p.gpkg"), "--file", str(csv), "--period", "Q3 2026",
         "-o", str(tmp_path / "out.gpkg")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert f"{len(ids) + 3:,} rows read, {len(ids) + 2:,} loaded, 1 rejected" in out
    assert "q3.csv, row 203, column 'Account ID': no account id" in out
    assert "NOPE-1: rows 202" in out
    assert "row 204, column 'Net Sales'" in out and "'n/a'" in out
    assert "'Notes' -> ignored (not numeric" in out
    assert "1 row(s) share an account and period" in out
    saved = open_plan(tmp_path / "out.gpkg")
    assert periods(saved) == ["2026-Q3"]
    code = main(["performance", str(tmp_path / "out.gpkg"), "--json"])
    import json

    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["period"] == "2026-Q3"
    row = data["rows"][0]
    assert {"quota", "actual", "attainment_pct", "expected_pct", "flag"} <= set(row)
    assert row["quota"] == pytest.approx(100_000.0)
    assert data["unknown_accounts"] == ["NOPE-1"]
    code = main(["performance", str(tmp_path / "out.gpkg"), "--level", "region"])
    err = capsys.readouterr().err
    assert code == 2 and "no 'region' level" in err


def test_cli_actuals_needs_a_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = make_plan(n_accounts=20)
    save_plan(plan, tmp_path / "p.gpkg")
    csv = _write_csv(tmp_path / "a.csv", "Account ID,Revenue\nA00001,5\n")
    code = main(
        ["actuals", str(tmp_path / "p.gpkg"), "--file", str(csv), "-o", str(tmp_path / "o.gpkg")]
    )
    assert code == 2
    assert "no period column" in capsys.readouterr().err
    assert not (tmp_path / "o.gpkg").exists()


def test_cli_quotas_by_history_follow_the_imported_actuals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_with_actuals()
    save_plan(plan, tmp_path / "p.gpkg")
    code = main(
        ["quotas", str(tmp_path / "p.gpkg"), "--target", "6000000", "--method", "history",
         "-o", str(tmp_path / "q.gpkg")]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "history: actuals 2025-Q4 to 2026-Q3" in out
    quotas = open_plan(tmp_path / "q.gpkg").territories["quota"].to_numpy()
    assert quotas.sum() == 6_000_000
    history = reconcile(plan).bottom_up
    np.testing.assert_allclose(quotas / quotas.sum(), history / history.sum(), atol=1e-6)
    code = main(
        ["quotas", str(tmp_path / "p.gpkg"), "--target", "6000000", "--method", "history",
         "--history", "revenue", "-o", str(tmp_path / "r.gpkg")]
    )  # fmt: skip
    assert "history: accounts' revenue (L12M)" in capsys.readouterr().out
