"""Starting the application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.ui import fonts, i18n


def demo_plan_path() -> Path:
    """The bundled demo plan."""
    return Path(__file__).resolve().parents[2] / "resources" / "demo_plan.gpkg"


def create_app(argv: list[str] | None = None, language: str | None = None) -> QApplication:
    """The application, speaking ``language`` (default: see :func:`i18n.chosen_language`)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setOrganizationName("Territory Planner")
    QApplication.setApplicationName("Territory Planner")
    app = QApplication(argv if argv is not None else sys.argv[:1])
    chosen = i18n.chosen_language(QSettings(), language)
    i18n.install_translators(app, chosen)
    if chosen in ("zh_CN", "zh_TW"):
        fonts.use_cjk_font(app, chosen)
    return app


def run_app(path: Path | None = None, language: str | None = None) -> int:
    """Open the window on ``path`` (the demo plan when None) and run the event loop."""
    try:
        app = create_app(language=language)
    except ValueError as exc:  # --lang or PLANNER_LANG names a language we do not speak
        print(f"planner: error: {exc}", file=sys.stderr)
        return 2
    from planner.ui.main_window import MainWindow

    window = MainWindow(QSettings())
    window.show()
    target = path or demo_plan_path()
    if target.exists():
        window.open_path(target)
    elif path is not None:
        QMessageBox.critical(
            window,
            i18n.translate("App", "Open plan"),
            i18n.translate("App", "{path}: no such file").format(path=path),
        )
    else:
        window.statusBar().showMessage(
            i18n.translate("App", "The demo plan is missing: regenerate it with `make demo`.")
        )
    return app.exec()
