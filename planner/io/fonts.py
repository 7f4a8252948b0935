"""Fonts with Chinese glyphs for the map images, charts and the PDF map book.

Matplotlib draws with DejaVu Sans, which has no CJK glyphs: a territory named 台北一區 or a
Chinese legend would print as empty boxes. :func:`use_cjk_fonts` appends a font that has them
to matplotlib's family list, so each glyph missing from DejaVu falls back to it (matplotlib
≥ 3.6 falls back glyph by glyph) and Latin text keeps its look.

The font is the first that this machine has of the well-known CJK families (Noto Sans CJK,
Source Han Sans, WenQuanYi, Droid Sans Fallback, Microsoft YaHei/JhengHei, PingFang), else
WenQuanYi Micro Hei from the ``paperang-p2-fonts-cjk`` package, a dependency so that a machine
without any CJK font still renders Chinese.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["bundled_cjk_font", "cjk_font_name", "use_cjk_fonts"]

#: CJK families by preference: Noto first (designed beside DejaVu's metrics family).
CJK_FAMILIES = (
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans TC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Microsoft JhengHei",
    "Microsoft YaHei",
    "PingFang TC",
    "PingFang SC",
    "Heiti TC",
)

#: Where Linux distributions put the fonts above (fonts-noto-cjk, fonts-droid-fallback...).
_SYSTEM_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def bundled_cjk_font() -> Path | None:
    """WenQuanYi Micro Hei as the ``paperang-p2-fonts-cjk`` package ships it, if installed."""
    try:
        import paperang_p2_fonts_cjk
    except ImportError:
        return None
    path = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
    return path if path.exists() else None


@cache
def cjk_font_name() -> str | None:
    """The family matplotlib falls back to for CJK glyphs (registered on first call)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for candidate in (*map(Path, _SYSTEM_FILES), bundled_cjk_font()):
        if candidate is None or not candidate.exists():
            continue
        try:
            font_manager.fontManager.addfont(str(candidate))
        except (OSError, RuntimeError, ValueError):
            continue
        added = font_manager.FontProperties(fname=str(candidate)).get_name()
        if added:
            return added
    return None


def use_cjk_fonts() -> str | None:
    """Let matplotlib draw CJK glyphs from :func:`cjk_font_name`; returns the family used."""
    import matplotlib

    name = cjk_font_name()
    if name is None:
        return None
    families = list(matplotlib.rcParams["font.sans-serif"])
    if name not in families:
        matplotlib.rcParams["font.sans-serif"] = [*families, name]
    family = matplotlib.rcParams["font.family"]
    if isinstance(family, str):
        family = [family]
    if name not in family:
        matplotlib.rcParams["font.family"] = [*family, name]
    return name
