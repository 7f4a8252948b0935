"""The window speaks the planner's languages: no text bypasses translation, every .ts is
complete and compiled, switching language changes the menus and the balance headers, and the
pseudo-localisation (text ~40 % longer) leaves no button or header cut."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QHeaderView,
    QPushButton,
    QRadioButton,
    QTabBar,
    QTableView,
    QToolButton,
)

from planner.models import i18n as core_i18n
from planner.ui import i18n
from tests.conftest import make_plan

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "planner" / "ui"

#: Calls whose string arguments a user reads.
TEXT_METHODS = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis",
    "setPlaceholderText", "setTitle", "addMenu", "addTab", "setTabText", "showMessage",
    "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "setHeaderLabels", "addRow",
    "setSuffix", "setPrefix", "setLabelText", "setSpecialValueText", "setInformativeText",
    "setDetailedText", "addAction", "setCancelButtonText", "addButton", "setItemText",
    "addItem", "addItems", "insertItem", "getSaveFileName", "getOpenFileName",
    "getExistingDirectory", "getText", "getInt", "getDouble", "getItem", "information",
    "warning", "critical", "question", "about", "setAccessibleName", "setSubTitle",
    "_action", "_undo_stack_action", "setEmptyLabel", "beginMacro", "getColor", "setButtonText",
    "show_status", "run_task", "report",
}  # fmt: skip
#: Widgets and items built with their text.
TEXT_CONSTRUCTORS = {
    "QAction", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QMenu",
    "QToolButton", "QTableWidgetItem", "QTreeWidgetItem", "QListWidgetItem", "QMessageBox",
    "QProgressDialog", "QCommandLinkButton", "QDockWidget", "QToolBar", "QUndoCommand",
}  # fmt: skip


SHORTCUT = re.compile(r"((Ctrl|Shift|Alt|Meta)\+)+\S+")


def _has_words(node: ast.AST) -> bool:
    """Whether ``node`` is literal text with letters in it (an f-string counts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if SHORTCUT.fullmatch(node.value):
            return False  # a key sequence, not words
        return any(c.isalpha() for c in re.sub(r"<[^>]*>", "", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_has_words(e) for e in node.elts)
    if isinstance(node, ast.IfExp):
        return _has_words(node.body) or _has_words(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "…".join([...]) and "…{}".format(...) with literal text
        if node.func.attr == "format":
            return _has_words(node.func.value)
        if node.func.attr == "join":
            return any(_has_words(a) for a in node.args)
    return False


def untranslated_texts(path: Path) -> list[str]:
    """``file:line: call(...)`` for each literal text passed to Qt without tr()/translate()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in TEXT_METHODS and name not in TEXT_CONSTRUCTORS:
            continue
        if name == "addAction" and isinstance(func, ast.Attribute):
            pass  # menu.addAction("text", slot) shows the text
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if _has_words(arg):
                found.append(f"{path.name}:{node.lineno}: {name}({ast.unparse(arg)[:70]})")
    return found


def test_the_scan_finds_untranslated_text(tmp_path: Path) -> None:
    """The check itself: literals and f-strings are caught, tr()/translate() pass."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(w, n):\n"
        "    w.setWindowTitle('Plan')\n"
        "    QLabel(f'{n} accounts', w)\n"
        "    w.setToolTip(translate('C', 'Fine'))\n"
        "    w.setText(self.tr('Also fine'))\n"
        "    w.setText('—')\n"
        "    box.setHorizontalHeaderLabels(['Rep', translate('C', 'Ok')])\n"
    )
    found = untranslated_texts(sample)
    assert [f.split(":")[1] for f in found] == ["2", "3", "7"]


def test_no_user_visible_text_in_the_window_bypasses_translation() -> None:
    found = [f for path in sorted(UI.glob("*.py")) for f in untranslated_texts(path)]
    assert not found, "wrap these in translate()/self.tr():\n" + "\n".join(found)


def test_no_f_string_inside_tr() -> None:
    """lupdate reads only a literal: an f-string, ``a if c else b`` or ``a + b`` inside tr()
    would never be translated."""
    bad = []
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", None))
                text_args = node.args[1:2] if name == "translate" else node.args[:1]
                if name in ("tr", "translate") and any(
                    isinstance(a, ast.JoinedStr | ast.IfExp | ast.BinOp) for a in text_args
                ):
                    bad.append(f"{path.name}:{node.lineno}")
    assert not bad


@pytest.mark.parametrize("language", ["zh_TW", "zh_CN", "es"])
def test_every_translation_is_finished(language: str) -> None:
    tree = ET.parse(ROOT / "resources" / "translations" / f"planner_{language}.ts")
    messages = list(tree.getroot().iter("message"))
    assert len(messages) > 200
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")  # type: ignore[union-attr]
        or not "".join(m.find("translation").itertext()).strip()  # type: ignore[union-attr]
    ]
    assert unfinished == []
    for m in messages:  # placeholders survive translation ({name}, %1)
        source = m.findtext("source") or ""
        want = sorted(re.findall(r"\{[^}]*\}|%\d", source))
        forms = list(m.iter("numerusform")) or [m.find("translation")]
        for form in forms:
            text = "".join(form.itertext())  # type: ignore[union-attr]
            assert sorted(re.findall(r"\{[^}]*\}|%\d", text)) == want, (source, text)


@pytest.mark.parametrize("language", ["zh_TW", "zh_CN", "es", "en"])
def test_the_compiled_files_hold_every_translation(qapp: QApplication, language: str) -> None:
    """The committed .qm says what its .ts says (checked through Qt, not byte for byte, so
    another lrelease version that lays the file out differently still passes)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(f"planner_{language}", str(i18n.QM_DIR))
    tree = ET.parse(ROOT / "resources" / "translations" / f"planner_{language}.ts")
    stale = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for m in context.iter("message"):
            source = m.findtext("source") or ""
            forms = [f.text or "" for f in m.iter("numerusform")]
            if forms:  # English/Spanish: 1 → first form, 2 → second; Chinese: one form
                got = [translator.translate(name, source, "", n) for n in (1, 2)]
                want = [forms[min(n, len(forms)) - 1] for n in (1, 2)]  # %n stays as is
            else:
                got = [translator.translate(name, source)]
                want = ["".join(m.find("translation").itertext())]  # type: ignore[union-attr]
            if got != want:
                stale.append((name, source))
    assert stale == [], "run `make translations` (the .qm is older than its .ts)"


def test_the_sources_are_current() -> None:
    """lupdate finds nothing new in planner/ui: every translate() text is in the .ts."""
    in_code = _sources_in_code()
    tree = ET.parse(ROOT / "resources" / "translations" / "planner_es.ts")
    in_ts = {
        (c.findtext("name"), m.findtext("source"))
        for c in tree.getroot().iter("context")
        for m in c.iter("message")
    }
    assert in_code - in_ts == set(), "run `make translations` and translate the new texts"


def _sources_in_code() -> set[tuple[str | None, str | None]]:
    """(context, text) of every translate("Context", "text") call in planner/ui."""
    found = set()
    for path in sorted(UI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "translate"
                and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) for a in node.args[:2])
            ):
                found.add((node.args[0].value, node.args[1].value))  # type: ignore[attr-defined]
    return found


# -- the window in another language -----------------------------------------------------------


@pytest.fixture
def speaking(qapp: QApplication) -> Iterator[object]:
    """Switch the application's language for one test; English again afterwards."""

    def switch(language: str) -> list[str]:
        return i18n.install_translators(qapp, language)

    yield switch
    i18n.install_translators(qapp, "en")
    core_i18n.set_language("en")


def _window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    from planner.ui.main_window import MainWindow

    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.set_plan(make_plan(), None)
    return w


def _close(w) -> None:  # type: ignore[no-untyped-def]
    w.dirty = False
    w.close()
    w.deleteLater()


def _menu_titles(w) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text() for a in w.menuBar().actions()]


def _balance_headers(w) -> list[str]:  # type: ignore[no-untyped-def]
    view = w.findChild(QTableView, "balanceTable")
    assert view is not None
    model = view.model()
    from PySide6.QtCore import Qt

    return [
        str(model.headerData(j, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
        for j in range(model.columnCount())
    ]


@pytest.mark.parametrize(
    ("language", "file_menu", "workload"),
    [
        ("es", "&Archivo", "Carga de trabajo"),
        ("zh_TW", "檔案(&F)", "工作量"),
        ("zh_CN", "文件(&F)", "工作负荷"),
    ],
)
def test_switching_language_changes_menus_and_balance_headers(
    qtbot, tmp_path: Path, speaking, language: str, file_menu: str, workload: str
) -> None:  # type: ignore[no-untyped-def]
    english = _window(qtbot, tmp_path)
    english_menus, english_headers = _menu_titles(english), _balance_headers(english)
    _close(english)
    assert english_menus[0] == "&File"
    loaded = speaking(language)
    assert f"planner_{language}" in loaded and f"qtbase_{language}" in loaded
    w = _window(qtbot, tmp_path)
    try:
        menus, headers = _menu_titles(w), _balance_headers(w)
        assert menus[0] == file_menu
        assert len(menus) == len(english_menus)
        # Every menu changes (Spanish keeps "Plan": the same word)
        assert sum(a == b for a, b in zip(menus, english_menus, strict=True)) <= 1
        assert any(workload in h for h in headers), headers
        assert headers != english_headers
    finally:
        _close(w)


def test_language_menu_remembers_the_choice(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, tmp_path)
    try:
        menu = w.findChild(type(w.menus["view"]), "languageMenu")
        assert menu is not None
        actions = {a.data(): a for a in menu.actions()}
        assert set(actions) >= {"", "en", "es", "zh_CN", "zh_TW"}
        assert actions["zh_TW"].text() == "繁體中文"
        from PySide6.QtWidgets import QMessageBox

        qtbot.waitUntil(lambda: True)
        shown = []
        original = QMessageBox.information
        QMessageBox.information = lambda *a, **k: shown.append(a)  # type: ignore[method-assign]
        try:
            actions["es"].trigger()
        finally:
            QMessageBox.information = original  # type: ignore[method-assign]
        assert w.settings.value(i18n.SETTINGS_KEY) == "es" and shown
        assert i18n.chosen_language(w.settings) == "es"
    finally:
        _close(w)


def _cut(widget) -> str | None:  # type: ignore[no-untyped-def]
    """Why a visible button's text does not fit it, or None."""
    if not widget.isVisible() or not widget.text():
        return None
    if (
        isinstance(widget, QToolButton)
        and widget.toolButtonStyle() == widget.toolButtonStyle().ToolButtonIconOnly
    ):
        return None
    hint = widget.minimumSizeHint() if isinstance(widget, QPushButton) else widget.sizeHint()
    if widget.width() + 1 < hint.width():
        return f"{type(widget).__name__} {widget.text()!r}: {widget.width()} < {hint.width()} px"
    return None


def test_pseudo_localisation_cuts_no_button_or_header(qtbot, tmp_path: Path, speaking) -> None:  # type: ignore[no-untyped-def]
    """Text ~40 % longer and accented: every visible button and header still shows it all."""
    assert speaking("pseudo") == ["pseudo"]
    w = _window(qtbot, tmp_path)
    try:
        assert w.menuBar().actions()[0].text().startswith("[")
        problems = []
        for button in w.findChildren(QAbstractButton):
            if isinstance(button, QPushButton | QToolButton | QCheckBox | QRadioButton):
                reason = _cut(button)
                if reason:
                    problems.append(reason)
        for bar in w.findChildren(QTabBar):  # the tabs of docked panels
            if bar.isVisible():
                for j in range(bar.count()):
                    if bar.tabRect(j).width() + 1 < bar.tabSizeHint(j).width():
                        problems.append(f"tab {bar.tabText(j)!r}: {bar.tabRect(j).width()} px")
        for header in w.findChildren(QHeaderView):
            if not header.isVisible() or header.orientation().name != "Horizontal":
                continue
            for j in range(header.count()):
                if header.isSectionHidden(j):
                    continue
                need = header.sectionSizeFromContents(j).width()
                if header.sectionSize(j) + 1 < need:
                    text = header.model().headerData(j, header.orientation())
                    where = header.parent().objectName()
                    problems.append(f"{where} header {text!r}: {header.sectionSize(j)} < {need} px")
        assert problems == [], "\n".join(problems)
    finally:
        _close(w)


def test_the_review_features_speak_the_language(qtbot, tmp_path: Path, speaking) -> None:  # type: ignore[no-untyped-def]
    """The Performance dock, the heat layer menu, the legend dock and the optimiser's
    contiguity choices follow the language like the rest of the window."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget, QMenu

    from planner.ui.optimise_dialog import OptimiseDialog

    speaking("es")
    w = _window(qtbot, tmp_path)
    try:
        table = w.findChild(QTableView, "performanceTable")
        assert table is not None
        model = table.model()
        headers = [
            model.headerData(j, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            for j in range(model.columnCount())
        ]
        assert headers[:2] == ["Nombre", "Cuota"]
        heat = w.findChild(QMenu, "heatMenu")
        assert heat is not None and heat.title() == "Capa de &calor"
        docks = {d.objectName(): d.windowTitle() for d in w.findChildren(QDockWidget)}
        assert docks["legendDock"] == "Leyenda" and docks["performanceDock"] == "Desempeño"
        dialog = OptimiseDialog(w.context)
        assert dialog.contiguity.itemText(0).startswith("Obligatoria")
        assert dialog.compactness.itemText(0).startswith("Distancia total")
        dialog.deleteLater()
    finally:
        _close(w)
