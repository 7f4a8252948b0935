"""From a CRM export with no units file and no reps to a created, balanced plan, in the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import planner.ui.main_window as mw
from planner.io import geography
from planner.models.capacity import plan_capacity
from planner.ui.first_plan import FirstPlanGuide
from planner.ui.import_dialog import ImportRequest
from planner.ui.main_window import MainWindow

HEADER = (
    "Account ID,Account Name,City,ZIP,Segment,Industry,Revenue 12m,Potential,Visits/yr,Visit min"
)


def _crm_export(path: Path, n: int = 240) -> Path:
    rng = np.random.default_rng(3)
    zips = geography.zip_centroids(["10"])["zip"].to_numpy()
    rows = [HEADER]
    for i in range(n):
        seg = "ABC"[i % 3]
        rows.append(
            f"D{i:04d},Customer {i},Dover,{rng.choice(zips)},{seg},Retail,"
            f"{1000 + 37 * i},{5000 + 11 * i},{[12, 4, 1][i % 3]},{[45, 30, 20][i % 3]}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_csv_without_units_or_reps_reaches_a_created_plan(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.io.accounts_import import detect_mapping, read_table

    reports: list[str] = []

    class Capture:
        def __init__(self, text: str, parent: object = None, **_: object) -> None:
            reports.append(text)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(mw, "ReportDialog", Capture)
    path = _crm_export(tmp_path / "crm.csv")
    table = read_table(path)
    request = ImportRequest(path, detect_mapping(table.columns), table, None, None, "zip")
    window.import_request(request)
    qtbot.waitUntil(lambda: window.findChild(FirstPlanGuide) is not None, timeout=60_000)
    guide = window.findChild(FirstPlanGuide)
    assert isinstance(guide, FirstPlanGuide)
    plan = window.plan
    assert plan is not None and plan.n_units > 0 and plan.n_territories == 0
    assert "ZIP areas" in guide.units_label
    assert reports and "coverage" in reports[0]
    # Step 1: the geography covers every account, so there is nothing to go back for.
    assert "240" in guide.coverage_page.text.text()
    assert not guide.coverage_page.back_button.isVisible()
    # Step 2: the suggestion is the capacity plan's.
    guide.next()
    assert guide.count_page.count.value() == max(1, plan_capacity(plan).territories)
    guide.count_page.count.setValue(3)
    guide.next()
    # Step 3: create, in the background, as one undo step.
    guide.time_limit = 5.0
    guide.create_territories()
    qtbot.waitUntil(lambda: guide.result_ is not None, timeout=120_000)
    assert plan.n_territories == 3
    in_unit = plan.account_unit >= 0
    assert (plan.account_territory[in_unit] >= 0).all()
    assert "Created 3 territories" in guide.create_page.status.text()
    window.undo_stack.undo()
    assert plan.n_territories == 0
    assert (plan.account_territory < 0).all()
    window.undo_stack.redo()
    assert plan.n_territories == 3
    guide.close()


def test_coverage_warning_offers_the_way_back(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert window.plan is not None
    guide = window.show_first_plan_guide(
        window.plan, "from shifted.shp", "warning: 400 of 400 placed accounts lie outside"
    )
    guide.restart()
    assert guide.coverage_page.back_button.isVisible()
    assert "Check the geography" in guide.coverage_page.text.text()
    asked: list[object] = []
    monkeypatch.setattr(window, "new_from_import", lambda previous=None: asked.append(previous))
    guide.reimport_requested.connect(lambda: asked.append("signal"))
    guide.coverage_page.back_button.click()
    assert "signal" in asked
    assert not guide.isVisible()


def test_dialog_passes_decimal_mark_and_swap_choice_to_the_import(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.ui.import_dialog import ImportDialog

    zips = geography.zip_centroids(["10"])
    first = zips.iloc[0]
    path = tmp_path / "semicolons.csv"
    # Row 1 has latitude and longitude the wrong way round; revenue uses a decimal comma.
    path.write_text(
        "id;ZIP;Latitude;Longitude;Revenue\n"
        f"X1;{first['zip']};{first['lon']:.5f};{first['lat']:.5f};1.234,50\n"
        f"X2;{first['zip']};{first['lat']:.5f};{first['lon']:.5f};99,5\n",
        encoding="utf-8",
    )
    dialog = ImportDialog(window, str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.set_accounts_file(str(path))
    dialog.decimal.setCurrentIndex(dialog.decimal.findData(","))
    request = dialog.request()
    assert request.decimal == "," and request.swap_latlon == "auto"
    dialog.swap.setChecked(False)
    assert dialog.request().swap_latlon == "never"
    dialog.swap.setChecked(True)

    class Quiet:
        def __init__(self, *a: object, **k: object) -> None:
            pass

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(mw, "ReportDialog", Quiet)
    window.import_request(dialog.request(), guide=False)
    qtbot.waitUntil(lambda: window.plan is not None and window.plan.n_accounts == 2, timeout=60_000)
    accounts = window.plan.accounts
    assert list(accounts["revenue"]) == [1234.5, 99.5]
    assert accounts["lat"].round(4).tolist() == [round(first["lat"], 4)] * 2


def test_the_menu_action_opens_an_empty_import_dialog(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from planner.ui.import_dialog import ImportDialog

    shown: list[str] = []

    def fake_exec(dialog: ImportDialog) -> int:
        shown.append(dialog.accounts_edit.text())
        return ImportDialog.DialogCode.Rejected

    monkeypatch.setattr(ImportDialog, "exec", fake_exec)
    window.dirty = False
    window.new_action.trigger()
    assert shown == [""]
