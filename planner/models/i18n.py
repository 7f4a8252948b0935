"""The language the planner speaks outside the window, and local number, date and money formats.

The window translates through Qt (``planner/ui/i18n.py``); everything that runs without Qt —
the workbook, the HTML map, the map book, the command-line reports — translates here, from a
small JSON catalogue per language in ``planner/resources/i18n`` (English is the source text),
and formats numbers, dates and money with Babel, which carries the CLDR data for every locale
(decimal and group separators, date order, the currency symbol's position).

The language is chosen once per process: ``planner --lang es``, else ``PLANNER_LANG``, else
the system locale (``LC_ALL``/``LC_MESSAGES``/``LANG``); the window adds its remembered choice.
``pseudo`` is a pseudo-localisation: every string stretched about 40 % and accented, to find
text that a layout cuts.

Formatting keeps the *locale* apart from the *language*: a planner in Mexico City reading
Spanish (``es``) sees ``1,234.5`` (``es_MX``), one in Madrid ``1.234,5`` (``es_ES``).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import json
import math
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "LANGUAGES",
    "PSEUDO",
    "all_spellings",
    "catalogue",
    "current_language",
    "format_currency",
    "format_date",
    "format_locale",
    "format_number",
    "format_percent",
    "gettext",
    "language_from_locale",
    "pseudo_text",
    "resolve_language",
    "set_language",
    "using_language",
]

#: The languages the planner speaks, by code, each named in itself (as a language menu shows it).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "zh_CN": "简体中文",
    "zh_TW": "繁體中文",
}
#: Pseudo-localisation: English stretched and accented, for finding cut text.
PSEUDO = "pseudo"

#: Locales that format numbers and dates for a language chosen without a country.
_DEFAULT_LOCALE = {
    "en": "en_US",
    "es": "es_ES",
    "zh_CN": "zh_CN",
    "zh_TW": "zh_TW",
    PSEUDO: "de_DE",
}

CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"

_state: dict[str, str] = {"language": "en", "locale": "en_US"}


def language_from_locale(name: str | None) -> str | None:
    """The planner language for a locale name (``zh_HK.UTF-8`` → ``zh_TW``), or None.

    Traditional script for Taiwan, Hong Kong and Macao (and ``zh_Hant``), Simplified for the
    rest of Chinese; any Spanish locale is Spanish.
    """
    if not name:
        return None
    base = name.split(".")[0].split("@")[0].replace("-", "_")
    if base.lower() == PSEUDO:
        return PSEUDO
    parts = base.split("_")
    lang = parts[0].lower()
    rest = [p.upper() if len(p) == 2 else p.title() for p in parts[1:]]
    if lang == "zh":
        return "zh_TW" if {"TW", "HK", "MO", "Hant"} & set(rest) else "zh_CN"
    if lang in ("es", "en"):
        return lang
    return None


def _system_locale(env: Mapping[str, str]) -> str | None:
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value
    return None


def resolve_language(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``explicit``, else ``PLANNER_LANG``, else the system locale.

    Raises
    ------
    ValueError
        When ``explicit`` or ``PLANNER_LANG`` names a language the planner does not speak;
        the message lists those it does.
    """
    env = os.environ if env is None else env
    for source, value in (("--lang", explicit), ("PLANNER_LANG", env.get("PLANNER_LANG"))):
        if value:
            language = language_from_locale(value)
            if language is None:
                choices = ", ".join([*LANGUAGES, PSEUDO])
                raise ValueError(
                    f"{source} {value!r}: not a language the planner speaks ({choices})"
                )
            return language
    return language_from_locale(_system_locale(env)) or "en"


def _locale_for(language: str, env: Mapping[str, str]) -> str:
    """The formatting locale: the system's when it speaks ``language`` (es_MX), else a default."""
    system = _system_locale(env)
    if system and language_from_locale(system) == language:
        base = system.split(".")[0].split("@")[0].replace("-", "_")
        try:
            from babel import Locale

            Locale.parse(base)
            return base
        except (ValueError, LookupError):
            pass
    return _DEFAULT_LOCALE.get(language, "en_US")


def set_language(
    language: str, locale: str | None = None, env: Mapping[str, str] | None = None
) -> None:
    """Speak ``language`` from now on, formatting for ``locale`` (default: see module doc)."""
    if language not in LANGUAGES and language != PSEUDO:
        raise ValueError(f"not a language the planner speaks: {language!r}")
    _state["language"] = language
    _state["locale"] = locale or _locale_for(language, os.environ if env is None else env)


def current_language() -> str:
    """The code of the language spoken now (``en``, ``es``, ``zh_CN``, ``zh_TW``, ``pseudo``)."""
    return _state["language"]


def format_locale() -> str:
    """The locale numbers, dates and money are formatted for (``es_ES``, ``zh_TW``...)."""
    return _state["locale"]


@contextmanager
def using_language(language: str, locale: str | None = None) -> Iterator[None]:
    """Speak ``language`` inside the block (an export in another language), then go back."""
    before = dict(_state)
    set_language(language, locale)
    try:
        yield
    finally:
        _state.update(before)


# -- text -------------------------------------------------------------------------------------


@cache
def catalogue(language: str) -> dict[str, str]:
    """English source text → translation, for ``language`` (empty for English and pseudo)."""
    path = CATALOGUE_DIR / f"{language}.json"
    if language in ("en", PSEUDO) or not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, str) and v}


_ACCENTS = str.maketrans("aceinousyACEINOUSYZz", "àçéîñöûšýÀÇÉÎÑÖÛŠÝŽž")


def pseudo_text(text: str) -> str:
    """``Open plan`` → ``[Öþéñ þļàñ ~~~~]``: accented and about 40 % longer, placeholders kept.

    Placeholders (``{0}``, ``{name}``, ``%1``, ``%n``), mnemonics (``&``) and markup are left
    as they are so the translated text still formats.
    """
    if not text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{":
            j = text.find("}", i)
            if j > i:
                out.append(text[i : j + 1])
                i = j + 1
                continue
        if ch == "%" and i + 1 < len(text) and (text[i + 1].isdigit() or text[i + 1] == "n"):
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "<":
            j = text.find(">", i)
            if j > i:
                out.append(text[i : j + 1])
                i = j + 1
                continue
        out.append(ch.translate(_ACCENTS))
        i += 1
    letters = sum(c.isalpha() for c in text)
    pad = "~" * max(1, math.ceil(letters * 0.4))
    return "[" + "".join(out) + " " + pad + "]"


def gettext(text: str) -> str:
    """``text`` in the current language (English when the catalogue lacks it)."""
    language = _state["language"]
    if language == PSEUDO:
        return pseudo_text(text)
    return catalogue(language).get(text, text)


def all_spellings(text: str) -> set[str]:
    """``text`` in English and every language the planner exports (what a review accepts)."""
    return {text} | {catalogue(lang).get(text, text) for lang in LANGUAGES}


# -- numbers, dates and money ----------------------------------------------------------------


def format_number(value: float, decimals: int = 0, grouping: bool = True) -> str:
    """``1234567.8`` → ``1,234,568`` (en), ``1.234.568`` (es_ES); ``–`` when not finite."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    # What Babel's pattern ``#,##0.00`` does (the float's shortest decimal, rounded half to
    # even, groups of three, the locale's symbols), without its per-call lookups: the
    # balance and disruption tables format hundreds of cells per preview and Babel took
    # 36 µs a number. ``test_i18n_numbers`` holds the two equal.
    number = _decimal.Decimal(str(float(value)))
    places = max(int(decimals), 0)
    text = format(abs(number).quantize(_quantum(places)), ",f" if grouping else "f")
    group, point = _number_symbols(_state["locale"])
    if group != "," or point != ".":
        text = text.translate({44: "\x00", 46: point}).replace("\x00", group)
    return "-" + text if number.is_signed() else text


@cache
def _quantum(places: int) -> _decimal.Decimal:
    return _decimal.Decimal(1).scaleb(-places)


@cache
def _number_symbols(locale: str) -> tuple[str, str]:
    """The locale's group and decimal symbols (Latin digits), as Babel formats them."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_group_symbol(_locale(locale)), get_decimal_symbol(_locale(locale))


def format_number_babel(value: float, decimals: int = 0, grouping: bool = True) -> str:
    """:func:`format_number` through Babel's pattern formatter (the reference it follows)."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    pattern, locale = _number_pattern(decimals, grouping), _locale(_state["locale"])
    return str(pattern.apply(float(value), locale))


@cache
def _number_pattern(decimals: int, grouping: bool) -> Any:
    """A parsed Babel number pattern: the balance table formats hundreds of cells a redraw,
    and parsing the pattern each time was most of the cost."""
    from babel.numbers import parse_pattern

    return parse_pattern(
        ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    )


@cache
def _locale(name: str) -> Any:
    from babel import Locale

    return Locale.parse(name)


def format_percent(fraction: float, decimals: int = 1, signed: bool = False) -> str:
    """``0.042`` → ``4.2 %`` (``+4.2 %`` when signed); the locale's decimal sign."""
    if fraction is None or not math.isfinite(float(fraction)):
        return "–"
    percent = round(float(fraction) * 100, decimals)
    text = format_number(abs(percent), decimals, grouping=True)
    # Signed as Python's "+.1f" signs (+0.0 %, -4.2 %), so English output is unchanged.
    sign = ("-" if percent < 0 else "+") if signed else ("-" if percent < 0 else "")
    return f"{sign}{text} %"


#: Currency symbols planners type into a plan's settings, and the ISO code Babel knows them by.
_SYMBOL_CODES = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "NT$": "TWD",
    "MX$": "MXN",
    "¥": "CNY",
    "￥": "CNY",
    "RMB": "CNY",
}


def currency_pattern(symbol: str) -> tuple[str, str]:
    """(prefix, suffix) around an amount in the current locale: ``("$", "")`` or ``("", " €")``."""

    pattern = _locale(_state["locale"]).currency_formats["standard"].pattern.split(";")[0]
    before, mark, after = pattern.partition("¤")
    if not mark:
        return symbol, ""
    if not before.strip(" \u00a0"):
        return symbol + ("\u00a0" if after[:1] in (" ", "\u00a0") else ""), ""
    return "", ("\u00a0" if before[-1:] in (" ", "\u00a0") else "") + symbol


def format_currency(value: float, symbol: str = "$", decimals: int = 0) -> str:
    """``1234567`` in ``$`` → ``$1,234,567`` (en, zh), ``1.234.567 $`` (es_ES); ``–`` when not finite.

    ``symbol`` is the plan's currency setting as the planner typed it (``$``, ``€``, ``NT$``,
    or an ISO code such as ``EUR``); the locale decides where it stands and the separators.
    """
    if value is None or not math.isfinite(float(value)):
        return "–"
    shown = symbol
    if len(symbol) == 3 and symbol.isalpha() and symbol.isupper():
        from babel.numbers import get_currency_symbol

        shown = get_currency_symbol(symbol, locale=_state["locale"])
    prefix, suffix = currency_pattern(shown)
    number = format_number(abs(float(value)), decimals)
    sign = "-" if float(value) < 0 and number.strip("0.,\u00a0 ") else ""
    return f"{sign}{prefix}{number}{suffix}"


def format_date(day: _dt.date | _dt.datetime | str, style: str = "medium") -> str:
    """A date in the locale's order (``Mar 4, 2026``, ``4 mar 2026``, ``2026年3月4日``)."""
    if isinstance(day, str):
        day = _dt.date.fromisoformat(day[:10])
    if isinstance(day, _dt.datetime):
        day = day.date()
    from babel.dates import format_date as babel_date

    return babel_date(day, style, locale=_state["locale"])


def excel_currency_format(symbol: str, decimals: int = 0) -> str:
    """An Excel number format showing ``symbol`` where the current locale puts it.

    Excel shows separators by the reader's own settings; only the symbol's place is written.
    """
    symbol = symbol.replace('"', "")
    prefix, suffix = currency_pattern(symbol)
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    body = f'"{prefix}"{number}' if prefix else f'{number}"{suffix}"'
    return f"{body};-{body}"


def excel_date_format() -> str:
    """An Excel date format in the current locale's order (``d/m/yyyy``, ``yyyy/m/d``...)."""
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=_state["locale"]).pattern
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        j = i
        while j < len(pattern) and pattern[j] == ch:
            j += 1
        run = j - i
        if ch == "y":
            out.append("yyyy")
        elif ch == "M":
            out.append("mm" if run >= 2 else "m")
        elif ch == "d":
            out.append("dd" if run >= 2 else "d")
        elif ch == "'":
            pass
        else:
            out.append(pattern[i:j])
        i = j
    return "".join(out)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` terminal columns (``<`` left, ``>`` right)."""
    room = " " * max(0, width - display_width(text))
    return text + room if align == "<" else room + text


def format_weekday_date(day: _dt.date, year: bool = True) -> str:
    """A day with its weekday: ``Mon 05 Jan 2026`` in English, ``lun, 5 ene 2026``, ``2026年1月5日 週一``."""
    if _state["language"] in ("en", PSEUDO):
        return day.strftime("%a %d %b %Y" if year else "%a %d %b")
    from babel.dates import format_skeleton

    return format_skeleton("yMMMEd" if year else "MMMEd", day, locale=_state["locale"])


def tr_noop(text: str) -> str:
    """Mark ``text`` for the export catalogues; it is translated where it is shown."""
    return text
