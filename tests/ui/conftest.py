"""A main window on the small test plan, shared by the UI tests that edit a plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from planner.ui.i18n import install_translators
from planner.ui.main_window import MainWindow
from tests.conftest import make_plan


@pytest.fixture(autouse=True, scope="session")
def english(qapp) -> None:  # type: ignore[no-untyped-def]
    """The window speaks English in tests, plural forms included (1 unit, 2 units), as the
    application does when started in English: the translators are installed as create_app
    installs them."""
    install_translators(qapp, "en")


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The window on ``make_plan()``, settings in a temporary file; closed without prompting."""
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    w.set_plan(make_plan(), None)
    w.canvas.zoom_to_extent()
    yield w
    w.dirty = False
    w.close()
    w.deleteLater()
