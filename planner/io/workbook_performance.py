"""The workbook's Performance sheet: the quarterly review for managers without the app.

Written only for a plan with actuals, after the Summary. From the top: the gap between
the top-down quotas and the bottom-up yield in one sentence; attainment per territory
and period (territory × period, with year to date and the attainment expected of its
potential and workload); a native Excel line chart of that table and a bar chart of the
latest period against expectation; the actuals per territory and period; the
candidates for the redesign with their reason; and top-down against bottom-up per
territory. Every figure is a number cell (attainment as a fraction shown as %), so a
manager can sort, sum and chart it further.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from planner.models.actuals import cached_index, has_actuals, metric_info
from planner.models.i18n import gettext as tr
from planner.models.i18n import tr_noop
from planner.models.performance import Review, annual_quotas, review, trend
from planner.models.plan import Plan

PERFORMANCE = tr_noop("Performance")


def performance_review(plan: Plan) -> tuple[Review, Any] | None:
    """The latest period's revenue review and the trend table, or None without actuals."""
    if not has_actuals(plan):
        return None
    index = cached_index(plan)
    metric = "revenue" if "revenue" in index.table.columns else None
    if metric is None:
        cols = [c for c in index.table.columns if c not in ("account_id", "period")]
        if not cols:
            return None
        metric = cols[0]
    result = review(plan, None, "territory", metric, index)
    return result, trend(plan, metric, "territory", index)


def _fraction(pct: float) -> float | None:
    return float(pct) / 100 if np.isfinite(pct) else None


def write_performance_sheet(wb: Any, styles: Any, plan: Plan, page_setup: Any) -> Any | None:
    """Add the Performance sheet to a write-only workbook; None when the plan has no actuals.

    ``styles`` is the workbook's ``_Styles`` (``cell(value, kind, bold=...)``) and
    ``page_setup(ws, plan_name, title_rows)`` its print setup.
    """
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import get_column_letter

    found = performance_review(plan)
    if found is None:
        return None
    result, table = found
    ws = wb.create_sheet(tr(PERFORMANCE))
    page_setup(ws, plan.name, None)
    c = styles.cell
    periods = list(table.index)
    k = plan.n_territories
    label = tr(metric_info(result.metric).label)
    money = "currency" if metric_info(result.metric).kind == "currency" else "number"
    # Money needs room ($16,784,000 is 11 characters); attainment columns are narrower.
    widths = [30.0, 15.0, *[13.0] * max(len(periods), 3), 13.0, 11.0, 11.0]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    row = 0

    def put(*cells: Any) -> int:
        nonlocal row
        ws.append(list(cells))
        row += 1
        return row

    rec = result.reconciliation
    title = tr("Quarterly review: {metric} attainment, {period}").format(
        metric=label.lower(), period=result.period
    )
    put(c(title, bold=True, size=14))
    put(c(rec.sentence(plan.settings.currency), italic=True))
    put(c(tr("Expected attainment: {model}.").format(model=result.model.describe()), italic=True))
    put()
    put(
        c(
            tr("Attainment by territory and period (actual ÷ quota for the period)"),
            bold=True,
            size=12,
        )
    )
    header = [
        tr("Territory"),
        tr("Quota (year)"),
        *periods,
        tr("YTD"),
        tr("Expected"),
        tr("Candidate"),
    ]
    header_row = put(*[c(h, header=True) for h in header])
    frame = result.frame
    quota_year = annual_quotas(plan, result.metric)
    for i in range(k):
        name = plan.territory_label(i)
        values = [_fraction(table.iloc[p][name]) for p in range(len(periods))]
        put(
            c(name),
            c(float(quota_year[i]) if np.isfinite(quota_year[i]) else None, money),
            *[c(v, "percent") for v in values],
            c(_fraction(frame["ytd_attainment_pct"].iloc[i]), "percent"),
            c(_fraction(frame["expected_pct"].iloc[i]), "percent"),
            c(tr("yes") if frame["flag"].iloc[i] else ""),
        )
    last_row = row
    put()

    # -- charts: native Excel, reading the table above ------------------------------------
    chart_row = row + 1
    if k and periods:
        line = LineChart()
        line.title = tr("{metric}: attainment per period").format(metric=label)
        line.y_axis.title = tr("Attainment")
        line.y_axis.number_format = "0%"
        line.x_axis.title = tr("Period")
        line.height, line.width = 11.0 + 0.3 * k, 20.0
        line.legend.position = "b"
        shown = table.to_numpy(dtype=float)
        if np.isfinite(shown).any():
            # The lines' own range, from a round tenth: trends read, not a flat band at the top.
            line.y_axis.scaling.min = max(0.0, np.floor(np.nanmin(shown) / 10) / 10 - 0.1)
        line.x_axis.delete = False
        line.y_axis.delete = False
        for i in range(k):
            data = Reference(ws, min_col=3, max_col=2 + len(periods), min_row=header_row + 1 + i)
            line.add_data(data, from_rows=True, titles_from_data=False)
            line.series[-1].tx = SeriesLabel(v=plan.territory_label(i))
        line.set_categories(Reference(ws, min_col=3, max_col=2 + len(periods), min_row=header_row))
        ws.add_chart(line, f"A{chart_row}")
        bars = BarChart()
        bars.type = "bar"
        bars.title = tr("{period}: attainment against expected").format(period=result.period)
        bars.y_axis.number_format = "0%"
        bars.x_axis.scaling.orientation = "maxMin"
        bars.x_axis.delete = False
        bars.y_axis.delete = False
        bars.height, bars.width = 9.0 + 0.25 * k, 16.0
        latest = 2 + len(periods)
        expected_col = latest + 2
        series = (
            (latest, tr("Attainment {period}").format(period=result.period)),
            (expected_col, tr("Expected")),
        )
        for col, series_title in series:
            bars.add_data(
                Reference(ws, min_col=col, min_row=header_row + 1, max_row=last_row),
                titles_from_data=False,
            )
            bars.series[-1].tx = SeriesLabel(v=series_title)
        bars.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
        ws.add_chart(bars, f"{get_column_letter(len(header) + 2)}{chart_row}")
        # Leave room for the charts before the next table.
        for _ in range(int(24 + 0.6 * k)):
            put()

    put(
        c(
            tr("Actual {metric} by territory and period").format(metric=label.lower()),
            bold=True,
            size=12,
        )
    )
    put(*[c(h, header=True) for h in [tr("Territory"), tr("Rep"), *periods]])
    index = cached_index(plan)
    per_period = []
    for p in periods:
        sums, _ = index.sums(result.metric, index.rows_in([p]), plan.account_territory, k)
        per_period.append(sums)
    reps = frame["rep_id"].tolist()
    for i in range(k):
        put(
            c(plan.territory_label(i)),
            c(reps[i] if isinstance(reps[i], str) else ""),
            *[c(float(s[i]), money) for s in per_period],
        )
    put()

    candidates = result.candidates
    put(
        c(
            tr("Candidates for the redesign ({n})").format(n=len(candidates)),
            bold=True,
            size=12,
        )
    )
    put(
        *[c(h, header=True) for h in [tr("Territory"), tr("Attainment"), tr("Expected"), tr("Why")]]
    )
    if len(candidates):
        for cand in candidates.to_dict("records"):
            put(
                c(str(cand["name"])),
                c(_fraction(float(cand["attainment_pct"])), "percent"),
                c(_fraction(float(cand["expected_pct"])), "percent"),
                c(str(cand["reason"])),
            )
    else:
        put(
            c(
                tr("No territory is far below what its potential and workload predict."),
                italic=True,
            )
        )
    put()

    put(c(tr("Top-down quotas against the bottom-up yield"), bold=True, size=12))
    put(c(tr("Bottom-up: {source}.").format(source=rec.source), italic=True))
    put(
        *[
            c(h, header=True)
            for h in [tr("Territory"), tr("Top-down (year)"), tr("Bottom-up"), tr("Gap")]
        ]
    )
    for i in range(k):
        td, bu = float(rec.top_down[i]), float(rec.bottom_up[i])
        put(
            c(rec.names[i]),
            c(td, money),
            c(bu, money),
            c(td - bu if np.isfinite(td) else None, money),
        )
    put(
        c(tr("Total"), bold=True, total=True),
        c(rec.total_top_down, money, total=True),
        c(rec.total_bottom_up, money, total=True),
        c(rec.total_gap, money, total=True),
    )
    return ws


__all__ = ["PERFORMANCE", "performance_review", "write_performance_sheet"]
