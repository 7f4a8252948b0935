"""Open the demo plan in a language and show one view, for the README's screenshots.

    scripts/ensure-qt-display-libs.sh
    for lang in zh_TW zh_CN es; do for view in performance optimise routes; do
      PYTHONPATH=$PWD ../shared/tools/screenshot.sh docs/screenshots/i18n/$lang-$view.png 22 \\
        .venv/bin/python scripts/i18n_screenshot.py $lang $view
    done; done

``view`` is ``performance`` (the Performance dock raised, two territories selected, the
map coloured by attainment), ``optimise`` (the optimise dialog) or ``routes`` (the Visit
routes dock). Settings go to a temporary file, so the user's own stay untouched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(language: str, view: str) -> int:
    from planner.ui.app import create_app, demo_plan_path

    app = create_app(language=language)
    from planner.ui.main_window import MainWindow

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.move(0, 0)
    window.resize(1600, 1000)
    window.show()
    window.open_path(demo_plan_path())

    def show_view() -> None:
        if window.plan is None:  # still opening
            QTimer.singleShot(500, show_view)
            return
        if view == "performance":
            window.performance_dock.show()
            window.performance_dock.raise_()
            window.select_territories([0, 3])
            window.performance_panel.colour.setChecked(True)
        elif view == "routes":
            window.routes_dock.show()
            window.routes_dock.raise_()
        elif view == "optimise":
            from planner.ui.optimise_dialog import open_dialog

            dialog = open_dialog(window.context)
            if dialog is not None:
                dialog.move(250, 60)

    QTimer.singleShot(1500, show_view)
    return app.exec()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("performance", "optimise", "routes"):
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
