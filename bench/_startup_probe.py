"""Started by bench/startup.py: open the window on the demo plan, print READY once drawn."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, QTimer

from planner.ui.app import create_app, demo_plan_path


def main() -> int:
    app = create_app()
    from planner.ui.main_window import MainWindow

    window = MainWindow(QSettings("/dev/null", QSettings.Format.IniFormat))
    window.show()

    def ready() -> None:
        window.canvas.repaint()  # the first full paint of the map with the plan
        print("READY", flush=True)
        QTimer.singleShot(0, app.quit)

    window.plan_loaded.connect(ready)
    window.open_path(demo_plan_path(), show_dialog=False)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
