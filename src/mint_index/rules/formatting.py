"""Numbers, percentages and dates the way German and English readers write them.

The conventions come from the Unicode CLDR through babel (decimal and grouping symbols,
the space before ``%``, month names), never from the process-global ``locale`` module,
so a report looks the same on every computer: German ``1.234,5``, ``12,5 %``,
``1. März 2024``; English ``1,234.5``, ``12.5%``, ``1 March 2024``. The symbols are read
once per language; numbers are then written by a few string operations, because a
national run formats millions of them. Missing values show as an en dash and negative
numbers with a real minus sign (U+2212), which screen readers read as "minus". A
rule's constant quoted in a text (a threshold, a share) is written as stated, with the
decimals it has (:meth:`Formatter.exact`, :meth:`Formatter.fraction`), so that the text
changes with the constant.

This is the one owner of how a number is written: the reports, the notebook display, the
CLI summaries and the recommendations' evidence texts all use :class:`Formatter`, so the
same number reads the same wherever it appears.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from mint_index.rules.languages import DEFAULT_LANGUAGE, LANGUAGES
from mint_index.rules.languages import check_language as check_lang

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    #: Numbers to write: a sequence (None for missing) or a float array (NaN for missing).
    Numbers = Sequence[float | None] | npt.NDArray[np.float64]

__all__ = ["LANGUAGES", "MISSING", "Formatter", "check_lang", "value_decimals"]

#: What a missing value shows as.
MISSING = "–"
_MINUS = "−"
#: The CLDR locale of each report language.
_LOCALES = {"de": "de_DE", "en": "en_GB"}
_NUDGE = 1.0 + 2.0**-50
#: The most decimals :meth:`Formatter.exact` writes: a stated number has no more.
_EXACT_DIGITS = 6
#: The fractions a text writes as one character (:meth:`Formatter.fraction`).
_VULGAR = {
    Fraction(1, 2): "½",
    Fraction(1, 3): "⅓",
    Fraction(2, 3): "⅔",
    Fraction(1, 4): "¼",
    Fraction(3, 4): "¾",
    Fraction(1, 5): "⅕",
    Fraction(2, 5): "⅖",
    Fraction(3, 5): "⅗",
    Fraction(4, 5): "⅘",
    Fraction(1, 6): "⅙",
    Fraction(5, 6): "⅚",
    Fraction(1, 8): "⅛",
    Fraction(3, 8): "⅜",
    Fraction(5, 8): "⅝",
    Fraction(7, 8): "⅞",
}


def value_decimals(whole: bool = False, ratio: bool = False, median: bool = False) -> int:
    """How many decimals an indicator's own value is written with, wherever it appears:
    a profile's scorecard and data-quality notes, a recommendation's evidence and text.
    One rule, so that a council reads the same number in the table and in the sentence
    beside it.

    ``whole`` values (answer levels, counts such as meetings a year) have none; a ratio
    (a parity measured as a ratio, 1 = parity) has two, since 0.87 and 0.9 can be a seat
    apart on a council; every other value (shares in percent, rates per 1,000, gaps in
    percentage points) one. The value's target, parity gap and interval take the same
    decimals. A peer ``median`` of whole values can fall between two of them and keeps
    one decimal.
    """
    if whole:
        return 1 if median else 0
    return 2 if ratio else 1


@dataclass(frozen=True)
class _Conventions:
    decimal: str
    group: str
    percent: str  # what follows a number in percent: "%" or "\u00a0%"
    # a number grouped by Python's "," format (1,234.5) into the language's symbols,
    # None where Python's are the language's
    grouping: dict[int, str | int | None] | None


@cache
def _conventions(lang: str) -> _Conventions:
    """The language's number symbols from CLDR (babel)."""
    from babel import Locale

    locale = Locale.parse(_LOCALES[lang])
    symbols = locale.number_symbols["latn"]
    pattern = locale.percent_formats[None].pattern
    decimal, group = symbols["decimal"], symbols["group"]
    return _Conventions(
        decimal=decimal,
        group=group,
        percent=pattern[pattern.rindex("0") + 1 : pattern.index("%")] + "%",
        grouping=None
        if (group, decimal) == (",", ".")
        else str.maketrans({",": group, ".": decimal}),
    )


def _is_missing(value: float | None) -> bool:
    return value is None or value != value


@dataclass(frozen=True)
class Formatter:
    """Formats numbers, percentages, ranks and dates for one language."""

    #: What a missing value shows as (templates print ``f.missing``).
    missing: ClassVar[str] = MISSING

    lang: str = DEFAULT_LANGUAGE
    _symbols: _Conventions = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        object.__setattr__(self, "_symbols", _conventions(self.lang))

    @property
    def decimal(self) -> str:
        """The decimal mark: ``,`` in German, ``.`` in English."""
        return self._symbols.decimal

    def num(self, value: float | None, digits: int = 1, sign: bool = False) -> str:
        """``value`` rounded to ``digits`` decimals with grouped thousands.

        ``sign=True`` writes ``+`` before positive numbers (for changes); zero gets none.
        """
        # a profile writes hundreds of numbers: the checks cost more than the writing,
        # so each is made once and the plain float is the first case
        if type(digits) is not builtins.int or digits < 0:
            digits = max(builtins.int(digits), 0)
        if type(value) is not float:
            if value is None:
                return MISSING
            value = float(value)  # ints, numpy scalars
        if value != value:  # NaN
            return MISSING
        # Ties round away from zero, as readers expect (62.5 -> 63, not 62): the nudge of
        # a few units in the last place also turns 2.675 (stored as 2.67499...) into the
        # decimal it was written as.
        size = abs(value) * _NUDGE
        symbols = self._symbols
        if size < 999:  # the common case: nothing to group, even after rounding
            text = "%.*f" % (digits, size)  # noqa: UP031 - three times faster than format()
            if symbols.decimal != ".":
                text = text.replace(".", symbols.decimal)
        elif size == math.inf:
            return ("" if value > 0 else _MINUS) + "∞"
        else:
            text = format(size, f",.{digits}f")
            if symbols.grouping is not None:
                text = text.translate(symbols.grouping)
        if value < 0:
            return text if text.strip("0.,") == "" else _MINUS + text
        if sign and value > 0 and text.strip("0.,") != "":
            return "+" + text
        return text

    def nums(self, values: Numbers, digits: builtins.int = 1, sign: bool = False) -> list[str]:
        """``[self.num(v, digits, sign) for v in values]``, the common case in one pass.

        A profile prints a few hundred numbers; one call each was a fifth of its time.
        Finite values are written by one pass per kind, with the same nudge and the same
        symbols as :meth:`num`: those that need nothing grouped (below 999 even after
        rounding) by a single ``%``, the larger ones by one grouped ``format``; signs
        are set as arrays and missing values at once. Only infinities go through
        :meth:`num` itself.
        """
        import numpy as np

        digits = max(int(digits), 0)
        x = np.array(values, dtype=float).reshape(-1)  # None -> NaN
        with np.errstate(over="ignore"):  # the largest floats become infinite: left to num
            size = np.abs(x) * _NUDGE
        small = size < 999  # nothing to group even after rounding (NaN: False)
        taken = size[small].tolist()
        joined = (f"%.{digits}f\0" * len(taken)) % tuple(taken)
        if self._symbols.decimal != ".":
            joined = joined.replace(".", self._symbols.decimal)
        texts = joined.split("\0")[:-1]
        negative = x < 0
        finite = np.isfinite(size)
        marked = finite & (negative | (x > 0)) if sign else finite & negative
        if len(taken) == len(x) and not marked.any():
            return texts
        out = np.full(len(x), MISSING, dtype=object)
        out[small] = texts
        large = finite & ~small
        if large.any():
            taken = size[large].tolist()
            joined = (f"{{:,.{digits}f}}\0" * len(taken)).format(*taken)
            if self._symbols.grouping is not None:
                joined = joined.translate(self._symbols.grouping)
            out[large] = joined.split("\0")[:-1]
        for i in np.flatnonzero(np.isinf(size)).tolist():
            out[i] = self.num(values[i], digits, sign)
            marked[i] = False
        # a number written as zero gets no sign; one of at least a unit in its last
        # decimal cannot be, so only the smaller ones are read back
        for i in np.flatnonzero(marked & (size < 10.0**-digits)).tolist():
            if out[i].strip("0.,") == "":
                marked[i] = False
        minus, plus = marked & negative, marked & ~negative
        out[minus] = _MINUS + out[minus]
        out[plus] = "+" + out[plus]
        return out.tolist()

    def int(self, value: float | None, sign: bool = False) -> str:
        return self.num(value, 0, sign)

    def pct(
        self, value: float | None, digits: builtins.int = 1, share: bool = False, sign: bool = False
    ) -> str:
        """A percentage: ``value`` in percent, or a share of 1 when ``share=True``."""
        if _is_missing(value):
            return MISSING
        number = self.num(float(value) * (100.0 if share else 1.0), digits, sign)  # type: ignore[arg-type]
        return number + self._symbols.percent

    def exact(self, value: float | None, share: bool = False) -> str:
        """A stated number - a rule's threshold, a setting - with as many decimals as it
        has (``0,7``, ``1``, ``25``; at most six), so that a text quoting a constant says
        what the code uses; ``share=True`` writes a share of 1 in percent (``0.9`` ->
        ``90 %`` / ``90%``)."""
        if value is None or value != value:
            return MISSING
        number = float(value) * (100.0 if share else 1.0)
        stated = round(number, _EXACT_DIGITS)
        digits = next(d for d in range(_EXACT_DIGITS + 1) if round(number, d) == stated)
        text = self.num(number, digits)
        return text + self._symbols.percent if share else text

    def fraction(self, value: float | None) -> str:
        """A simple fraction as readers write it in a sentence: ``⅓``, ``⅔``, ``½``
        (one character, the same in every language); whole and other numbers as
        :meth:`exact` writes them."""
        if value is None or not math.isfinite(value):  # missing, NaN, infinite
            return self.exact(value)
        near = Fraction(value).limit_denominator(8)
        if near in _VULGAR and math.isclose(near, value, rel_tol=1e-9):
            return _VULGAR[near]
        return self.exact(value)

    def value(
        self,
        value: float | None,
        unit: str = "",
        digits: builtins.int = 1,
        sign: bool = False,
        unit_first: bool = False,
    ) -> str:
        """A raw indicator value with its unit: ``12,5 %``, ``3,4 je 1.000``; with
        ``unit_first`` (answer levels) the unit comes first, as it is read: ``Stufe 2``."""
        return self._with_unit(self.num(value, digits, sign), unit, unit_first)

    def _with_unit(self, text: str, unit: str, unit_first: bool) -> str:
        """A written number with its unit (``%`` as :meth:`pct` writes it)."""
        if not unit or text == MISSING:
            return text
        if unit == "%":
            return text + self._symbols.percent
        return f"{unit}\u00a0{text}" if unit_first else f"{text}\u00a0{unit}"

    def values(
        self,
        values: Sequence[float | None],
        units: Sequence[str],
        digits: Sequence[builtins.int],
        unit_first: Sequence[bool],
        sign: bool = False,
    ) -> list[str]:
        """``[self.value(v, u, d, sign, first) for ...]`` over parallel sequences, the
        numbers written by one :meth:`nums` pass per number of decimals.

        A chunk of profiles shows tens of thousands of indicator values, each with its
        own unit; one call each cost more than the writing.
        """
        return self.with_units(self._nums_each(values, digits, sign), units, unit_first)

    def _nums_each(
        self, values: Sequence[float | None], digits: Sequence[builtins.int], sign: bool = False
    ) -> list[str]:
        """:meth:`nums` with each value's own number of decimals: one pass per number,
        the values grouped and put back in their order by arrays."""
        import numpy as np

        kinds = set(digits)
        if len(kinds) <= 1:
            return self.nums(values, kinds.pop() if kinds else 1, sign)
        x, d = np.array(values, dtype=float).reshape(-1), np.asarray(digits)
        order = np.argsort(d, kind="stable")
        texts: list[str] = []
        for part in np.split(order, np.flatnonzero(np.diff(d[order])) + 1):
            texts += self.nums(x[part], int(d[part[0]]), sign)
        where = np.empty_like(order)
        where[order] = np.arange(len(order))
        return np.array(texts, dtype=object)[where].tolist()

    def with_units(
        self, texts: Sequence[str], units: Sequence[str], unit_first: Sequence[bool]
    ) -> list[str]:
        """Numbers written already (``texts``), each with its unit as :meth:`value` joins
        them: the recommendations' evidence writes its numbers itself, then takes the
        units from here so that "12,5 %" and "Stufe 2" read as in the scorecard.

        Each unit is joined to all its numbers at once (a chunk of profiles shows tens of
        thousands of values, in a dozen units), as :meth:`_with_unit` joins one."""
        import numpy as np
        import pandas as pd

        if not len(texts) == len(units) == len(unit_first):
            raise ValueError("with_units needs as many units and unit_first as texts")
        out = np.empty(len(texts), dtype=object)
        out[:] = texts
        codes, distinct = pd.factorize(np.asarray(units, dtype=object))
        shown = out != MISSING
        first = np.asarray(unit_first, dtype=bool)
        for code, unit in enumerate(distinct.tolist()):
            if not unit:
                continue
            rows = (codes == code) & shown
            if unit == "%":
                out[rows] = out[rows] + self._symbols.percent
                continue
            after, before = rows & ~first, rows & first
            out[after] = out[after] + f"\u00a0{unit}"
            out[before] = f"{unit}\u00a0" + out[before]
        return out.tolist()

    def priority(self, value: float | None) -> str:
        """A priority with its scale, in whole points cut off (61.8: ``61 von 100`` /
        ``61 of 100``): a band starts at a whole number (from 25, from 50), so 24.6 shown
        as ``25`` would stand beside its band ``low``."""
        return self.priorities([value])[0]

    def priorities(self, values: Sequence[float | None]) -> list[str]:
        """``[self.priority(v) for v in values]``, the numbers in one pass."""
        import numpy as np

        points = np.floor(np.asarray(values, dtype=np.float64))
        return [self._of(p, "100") for p in self.nums(points, 0)]

    def rank(self, rank: float | None, of: float | None = None) -> str:
        """``3`` or ``3 of 42`` / ``3 von 42``."""
        return self._of(self.int(rank), self.int(of))

    def _of(self, part: str, whole: str) -> str:
        """``3 von 42`` from written numbers; ``part`` alone when ``whole`` is missing."""
        if part == MISSING or whole == MISSING:
            return part
        return f"{part} {'von' if self.lang == 'de' else 'of'} {whole}"

    def range(self, low: float | None, high: float | None, digits: builtins.int = 1) -> str:
        """An interval such as ``12,1–15,3`` (``–`` when either end is missing)."""
        return self._between(self.num(low, digits), self.num(high, digits), low, high)

    def _between(self, a: str, b: str, low: float | None, high: float | None) -> str:
        """An interval from its written ends: a dash, or words when an end is negative
        (``−2 bis 4`` reads better than ``−2–4``); missing when either end is."""
        if a == MISSING or b == MISSING:
            return MISSING
        if (low is not None and low < 0) or (high is not None and high < 0):
            return f"{a}{' bis ' if self.lang == 'de' else ' to '}{b}"
        return f"{a}–{b}"

    def ranks(self, ranks: Sequence[float | None], of: Sequence[float | None]) -> list[str]:
        """``[self.rank(r, n) for r, n in zip(ranks, of)]``, the numbers in two passes."""
        shown, totals = self.nums(ranks, 0), self.nums(of, 0)
        return [self._of(r, n) for r, n in zip(shown, totals, strict=True)]

    def ranges(
        self,
        lows: Sequence[float | None],
        highs: Sequence[float | None],
        digits: builtins.int | Sequence[builtins.int] = 1,
    ) -> list[str]:
        """``[self.range(lo, hi, digits) for lo, hi in zip(lows, highs)]``, the numbers
        in two passes; ``digits`` one for all or each interval's own."""
        if isinstance(digits, builtins.int):
            a, b = self.nums(lows, digits), self.nums(highs, digits)
        else:
            a, b = self._nums_each(lows, digits), self._nums_each(highs, digits)
        return [self._between(x, y, lo, hi) for x, y, lo, hi in zip(a, b, lows, highs, strict=True)]

    def date(self, value: _dt.date) -> str:
        """``1. März 2024`` / ``1 March 2024`` (CLDR's long date)."""
        from babel.dates import format_date

        return format_date(value, format="long", locale=_LOCALES[self.lang])
