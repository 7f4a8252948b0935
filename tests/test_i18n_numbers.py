"""Numbers format as Babel's pattern formatter does, in every locale the planner speaks."""

from __future__ import annotations

import numpy as np
import pytest

from planner.models.i18n import format_number, format_number_babel, using_language

LOCALES = [("en", "en_US"), ("es", "es_ES"), ("es", "es_MX"), ("zh_CN", None), ("zh_TW", None)]


@pytest.mark.parametrize(("language", "locale"), LOCALES)
def test_fast_numbers_match_babel(language: str, locale: str | None) -> None:
    rng = np.random.default_rng(7)
    values = np.r_[
        rng.normal(0, 1e6, 300),
        rng.uniform(-10, 10, 300),
        np.round(rng.uniform(-1000, 1000, 200), 1) + 0.05,  # halves at the last place
        [0.0, -0.0, 0.5, 1.5, 2.5, -0.4, 1.005, 1.015, 0.125, 999.5, 1e15, 123456789.987],
    ]
    with using_language(language, locale):
        for value in values.tolist():
            for decimals in (0, 1, 2):
                for grouping in (True, False):
                    assert format_number(value, decimals, grouping) == format_number_babel(
                        value, decimals, grouping
                    ), (value, decimals, grouping)
        assert format_number(float("nan")) == "–"
        assert format_number(float("inf"), 2) == "–"
