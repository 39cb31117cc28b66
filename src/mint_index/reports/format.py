"""Numbers, percentages and dates the way German and English readers write them.

The ``locale`` module is process-global and depends on which locales the machine has
installed, so a report would look different on every computer; these few rules are
written out instead. German: ``1.234,5``, ``12,5 %``, ``1. März 2024``; English:
``1,234.5``, ``12.5%``, ``1 March 2024``. Missing values show as an en dash and
negative numbers with a real minus sign (U+2212), which screen readers read as "minus".
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

from mint_index.rules.languages import DEFAULT_LANGUAGE, LANGUAGES
from mint_index.rules.languages import check_language as check_lang

__all__ = ["LANGUAGES", "MISSING", "Formatter", "check_lang"]

#: What a missing value shows as.
MISSING = "–"
_MINUS = "−"

_MONTHS = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
# (thousands separator, decimal separator, text between a number and "%")
_SEPARATORS = {"de": (".", ",", "\u00a0"), "en": (",", ".", "")}
_DE_SWAP = str.maketrans({",": ".", ".": ","})
_NUDGE = 1.0 + 2.0**-50


def _is_missing(value: float | None) -> bool:
    return value is None or value != value


@dataclass(frozen=True)
class Formatter:
    """Formats numbers, percentages, ranks and dates for one language."""

    lang: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def num(self, value: float | None, digits: int = 1, sign: bool = False) -> str:
        """``value`` rounded to ``digits`` decimals with grouped thousands.

        ``sign=True`` writes ``+`` before positive numbers (for changes); zero gets none.
        """
        if value is None or value != value:  # None or NaN
            return MISSING
        if math.isinf(value):
            return ("" if value > 0 else _MINUS) + "∞"
        # Ties round away from zero, as readers expect (62.5 -> 63, not 62): the nudge of
        # a few units in the last place also turns 2.675 (stored as 2.67499...) into the
        # decimal it was written as.
        digits = max(int(digits), 0)
        size = abs(value) * _NUDGE
        if size < 999:  # the common case: nothing to group, even after rounding
            text = "%.*f" % (digits, size)  # noqa: UP031 - three times faster than format()
            if self.lang == "de":
                text = text.replace(".", ",")
        else:
            text = format(size, f",.{digits}f")
            if self.lang == "de":
                text = text.translate(_DE_SWAP)
        if value < 0:
            return text if text.strip("0.,") == "" else _MINUS + text
        if sign and value > 0 and text.strip("0.,") != "":
            return "+" + text
        return text

    def int(self, value: float | None, sign: bool = False) -> str:
        return self.num(value, 0, sign)

    def pct(
        self, value: float | None, digits: int = 1, share: bool = False, sign: bool = False
    ) -> str:
        """A percentage: ``value`` in percent, or a share of 1 when ``share=True``."""
        if _is_missing(value):
            return MISSING
        number = self.num(float(value) * (100.0 if share else 1.0), digits, sign)  # type: ignore[arg-type]
        return number + _SEPARATORS[self.lang][2] + "%"

    def value(
        self, value: float | None, unit: str = "", digits: int = 1, sign: bool = False
    ) -> str:
        """A raw indicator value with its unit: ``12,5 %``, ``3,4 je 1.000``."""
        if unit == "%":
            return self.pct(value, digits, sign=sign)
        text = self.num(value, digits, sign)
        if not unit or text == MISSING:
            return text
        return f"{text}\u00a0{unit}"

    def rank(self, rank: float | None, of: float | None = None) -> str:
        """``3`` or ``3 of 42`` / ``3 von 42``."""
        if _is_missing(rank):
            return MISSING
        text = self.int(rank)
        if _is_missing(of):
            return text
        return f"{text} {'von' if self.lang == 'de' else 'of'} {self.int(of)}"

    def range(self, low: float | None, high: float | None, digits: int = 1) -> str:
        """An interval such as ``12,1–15,3`` (``–`` when either end is missing)."""
        if _is_missing(low) or _is_missing(high):
            return MISSING
        sep = " bis " if self.lang == "de" else " to "
        if (low is not None and low < 0) or (high is not None and high < 0):
            return f"{self.num(low, digits)}{sep}{self.num(high, digits)}"
        return f"{self.num(low, digits)}–{self.num(high, digits)}"

    def date(self, value: _dt.date) -> str:
        """``1. März 2024`` / ``1 March 2024``."""
        month = _MONTHS[self.lang][value.month - 1]
        if self.lang == "de":
            return f"{value.day}. {month} {value.year}"
        return f"{value.day} {month} {value.year}"
