"""Starting the application."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox


def demo_plan_path() -> Path:
    """The bundled demo plan."""
    return Path(__file__).resolve().parents[2] / "resources" / "demo_plan.gpkg"


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setOrganizationName("Territory Planner")
    QApplication.setApplicationName("Territory Planner")
    return QApplication(argv if argv is not None else sys.argv[:1])


def run_app(path: Path | None = None) -> int:
    """Open the window on ``path`` (the demo plan when None) and run the event loop."""
    app = create_app()
    from planner.ui.main_window import MainWindow

    window = MainWindow(QSettings())
    window.show()
    target = path or demo_plan_path()
    if target.exists():
        window.open_path(target)
    elif path is not None:
        QMessageBox.critical(window, "Open plan", f"{path}: no such file")
    else:
        window.statusBar().showMessage("The demo plan is missing: regenerate it with `make demo`.")
    return app.exec()
