"""The window's language: Qt translators, the View ▸ Language menu and local number formats.

Strings in ``planner/ui`` are written in English and wrapped in :func:`translate` (or
``self.tr``); ``pyside6-lupdate`` collects them into ``resources/translations/planner_*.ts``,
which translators edit (Qt Linguist) and ``pyside6-lrelease`` compiles into the ``.qm`` files
under ``planner/resources/translations`` that ship in the package (see the README's
"Languages" section). Qt's own ``qtbase_*.qm`` is loaded beside ours so the standard dialogs
(file chooser, message box buttons) speak the same language.

The language is chosen at start-up: ``--lang``/``PLANNER_LANG``, else the one remembered from
View ▸ Language, else the system's. A change in the menu is remembered and applies on restart:
every widget is built with its text already translated, and rebuilding them all live would
cost more than it gives to someone who picks a language once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget

from planner.models import i18n
from planner.models.i18n import LANGUAGES, PSEUDO

__all__ = [
    "QM_DIR",
    "QT_TRANSLATE_NOOP",
    "SETTINGS_KEY",
    "TS_DIR",
    "PseudoTranslator",
    "add_language_menu",
    "install_translators",
    "measure_label",
    "metric_label",
    "metric_level_label",
    "money",
    "num",
    "percent",
    "translate",
]

QM_DIR = Path(__file__).resolve().parents[1] / "resources" / "translations"
TS_DIR = Path(__file__).resolve().parents[2] / "resources" / "translations"
#: QSettings key of the language chosen in View ▸ Language ("" = the system's).
SETTINGS_KEY = "ui/language"

#: The translators installed now (kept referenced: Qt does not own them).
_installed: list[QTranslator] = []


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``QCoreApplication.translate``: ``text`` in the window's language.

    Spelt as a plain function so ``pyside6-lupdate`` finds ``translate("Context", "text")``
    in modules and functions that have no ``self``.
    """
    return QCoreApplication.translate(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for lupdate without translating it (Qt's macro, typed as ``str``)."""
    del context
    return text


#: The default measures' labels (planner.models.settings.default_measures), marked for
#: lupdate: a plan's own measure names show as the planner typed them.
MEASURE_LABELS = (
    QT_TRANSLATE_NOOP("Measures", "Workload (h/yr)"),
    QT_TRANSLATE_NOOP("Measures", "Potential"),
    QT_TRANSLATE_NOOP("Measures", "Revenue (L12M)"),
    QT_TRANSLATE_NOOP("Measures", "Accounts"),
)


def measure_label(label: str) -> str:
    """A measure's label in the window's language (a default measure's, else as typed)."""
    return translate("Measures", label)


#: The actuals' known metrics and their levels (planner.models.actuals.METRICS), marked
#: for lupdate: a column the import does not know shows its own name.
METRIC_LABELS = (
    QT_TRANSLATE_NOOP("Metrics", "Revenue"),
    QT_TRANSLATE_NOOP("Metrics", "Gross margin"),
    QT_TRANSLATE_NOOP("Metrics", "Profit"),
    QT_TRANSLATE_NOOP("Metrics", "Deals won"),
    QT_TRANSLATE_NOOP("Metrics", "Deals lost"),
    QT_TRANSLATE_NOOP("Metrics", "Visits held"),
    QT_TRANSLATE_NOOP("Metrics", "Calls made"),
    QT_TRANSLATE_NOOP("Metrics", "Opportunities created"),
    QT_TRANSLATE_NOOP("Metrics", "Pipeline value"),
    QT_TRANSLATE_NOOP("Metrics", "output"),
    QT_TRANSLATE_NOOP("Metrics", "activity"),
    QT_TRANSLATE_NOOP("Metrics", "pipeline"),
    QT_TRANSLATE_NOOP("Metrics", "other"),
)


def metric_label(key: str) -> str:
    """The name of an actuals metric (``revenue``, ``deals_won``...) in the window's language."""
    from planner.models.actuals import metric_info

    return translate("Metrics", metric_info(key).label)


def metric_level_label(level: str) -> str:
    """A metric's level (output, activity, pipeline, other) in the window's language."""
    return translate("Metrics", level)


class PseudoTranslator(QTranslator):
    """Every string stretched ~40 % and accented (``[Öpéñ plàñ ~~~~]``), to find cut text."""

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        del context, disambiguation
        text = source_text.replace("%n", str(n)) if n >= 0 else source_text
        return i18n.pseudo_text(text)

    def isEmpty(self) -> bool:
        return False


def chosen_language(settings: QSettings | None, explicit: str | None = None) -> str:
    """``explicit`` or ``PLANNER_LANG``, else the remembered choice, else the system's."""
    import os

    if explicit or os.environ.get("PLANNER_LANG"):
        return i18n.resolve_language(explicit)
    remembered = str(settings.value(SETTINGS_KEY, "") or "") if settings is not None else ""
    if remembered in LANGUAGES or remembered == PSEUDO:
        return remembered
    system = i18n.language_from_locale(QLocale.system().name())
    return i18n.resolve_language() if system is None else system


def install_translators(app: QCoreApplication, language: str) -> list[str]:
    """Install the planner's and Qt's translators for ``language``; returns the files loaded.

    Also sets :mod:`planner.models.i18n`'s language (exports from the window speak it) and
    ``QLocale.setDefault`` to the formatting locale, so spin boxes and :func:`num` group and
    separate digits as the planner expects.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    i18n.set_language(language)
    locale_name = i18n.format_locale()
    QLocale.setDefault(QLocale(locale_name))
    loaded: list[str] = []
    if language == PSEUDO:
        pseudo = PseudoTranslator(app)
        app.installTranslator(pseudo)
        _installed.append(pseudo)
        return ["pseudo"]
    if language == "en":  # English is the source: only its plural forms are compiled
        translator = QTranslator(app)
        if translator.load("planner_en", str(QM_DIR)):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append("planner_en")
        return loaded
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in ((f"qtbase_{language}", qt_dir), (f"planner_{language}", str(QM_DIR))):
        translator = QTranslator(app)
        if translator.load(name, directory):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(name)
    return loaded


def add_language_menu(menu: QMenu, settings: QSettings, parent: QWidget) -> QMenu:
    """View ▸ Language: the languages by their own names, the choice remembered for restart."""
    submenu = menu.addMenu(translate("Language", "&Language"))
    submenu.setObjectName("languageMenu")
    group = QActionGroup(submenu)
    group.setExclusive(True)
    current = i18n.current_language()
    entries = [("", translate("Language", "System Default")), *LANGUAGES.items()]
    for code, label in entries:
        action = QAction(label, submenu)
        action.setCheckable(True)
        action.setData(code)
        action.setObjectName(f"language_{code or 'system'}")
        remembered = str(settings.value(SETTINGS_KEY, "") or "")
        action.setChecked(code == remembered if remembered else code == "")
        if not remembered and code == current:
            action.setToolTip(translate("Language", "The system's language"))
        group.addAction(action)
        submenu.addAction(action)

    def choose(action: QAction) -> None:
        code = str(action.data() or "")
        if code == str(settings.value(SETTINGS_KEY, "") or ""):
            return
        settings.setValue(SETTINGS_KEY, code)
        settings.sync()
        QMessageBox.information(
            parent,
            translate("Language", "Language"),
            translate("Language", "The new language applies the next time the planner opens."),
        )

    group.triggered.connect(choose)
    return submenu


# -- local formats in the window ---------------------------------------------------------------


def num(value: float, decimals: int = 0, grouping: bool = True) -> str:
    """A number grouped and separated as the window's locale writes it (``–`` if not finite)."""
    return i18n.format_number(value, decimals, grouping)


def money(value: float, currency: str, decimals: int = 0) -> str:
    """An amount in the plan's currency, the symbol where the locale puts it."""
    return i18n.format_currency(value, currency, decimals)


def percent(fraction: float, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage in the locale's digits (``+4,2 %``)."""
    return i18n.format_percent(fraction, decimals, signed)


def current_app() -> QApplication | None:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else None


def show_whole_tab_titles(window: QWidget) -> None:
    """Tabbed docks show their whole titles and scroll, rather than eliding them.

    Qt elides tab titles that do not fit ("Rutas de vi..."); translations are longer than
    English, so the tab bars of docked panels scroll instead.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTabBar

    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
