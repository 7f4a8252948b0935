"""Chinese glyphs in the window, on a machine that may have no CJK font installed.

Qt falls back to any installed font that has a glyph; when none has Chinese ones, the
WenQuanYi Micro Hei that the ``paperang-p2-fonts-cjk`` dependency ships is added to the
application's fonts. Matplotlib (charts, map images) is pointed at a CJK font too.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from planner.io.fonts import bundled_cjk_font, use_cjk_fonts

__all__ = ["use_cjk_font"]


def use_cjk_font(app: QApplication, language: str) -> str | None:
    """Make sure the window and matplotlib can draw ``language``'s glyphs; the family used."""
    del app
    system = (
        QFontDatabase.WritingSystem.TraditionalChinese
        if language == "zh_TW"
        else QFontDatabase.WritingSystem.SimplifiedChinese
    )
    use_cjk_fonts()
    families = QFontDatabase.families(system)
    if families:
        return families[0]
    path = bundled_cjk_font()
    if path is None:
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    added = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return added[0] if added else None
