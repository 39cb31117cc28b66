"""German and English number, percentage, rank and date formatting, without locale."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mint_index.rules.formatting import MISSING, Formatter, value_decimals

DE, EN = Formatter("de"), Formatter("en")


@pytest.mark.parametrize(
    ("value", "digits", "de", "en"),
    [
        (1234.5, 1, "1.234,5", "1,234.5"),
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (-1234.5, 1, "−1.234,5", "−1,234.5"),
        (0.0, 1, "0,0", "0.0"),
        (-0.04, 1, "0,0", "0.0"),  # rounds to zero: no minus sign
        (999.96, 1, "1.000,0", "1,000.0"),
        (12.0, 0, "12", "12"),
        (7, 0, "7", "7"),
        (62.5, 0, "63", "63"),  # ties away from zero, not to even
        (-62.5, 0, "−63", "−63"),
        (2.675, 2, "2,68", "2.68"),  # stored as 2.67499..., written as 2.675
    ],
)
def test_numbers(value: float, digits: int, de: str, en: str) -> None:
    assert DE.num(value, digits) == de
    assert EN.num(value, digits) == en


def test_signs_missing_and_infinity() -> None:
    assert DE.num(2.25, 2, sign=True) == "+2,25"
    assert EN.num(-2.5, 1, sign=True) == "−2.5"
    assert EN.num(0.0, 1, sign=True) == "0.0"
    for missing in (None, math.nan, float("nan")):
        assert DE.num(missing) == MISSING == EN.pct(missing)
    assert EN.num(math.inf) == "∞" and DE.num(-math.inf) == "−∞"


def test_percentages_ranks_ranges_values() -> None:
    assert DE.pct(12.5) == "12,5\u00a0%" and EN.pct(12.5) == "12.5%"
    assert DE.pct(0.125, share=True) == "12,5\u00a0%" and EN.pct(0.5, 0, share=True) == "50%"
    assert DE.rank(3, 42) == "3 von 42" and EN.rank(3, 42) == "3 of 42"
    assert EN.rank(3) == "3" and EN.rank(None, 4) == MISSING
    assert DE.range(12.1, 15.25) == "12,1–15,3" and EN.range(-2, 3) == "−2.0 to 3.0"
    assert DE.value(3.5, "je 1.000") == "3,5\u00a0je 1.000" and EN.value(40, "%") == "40.0%"
    assert EN.value(None, "points") == MISSING
    # answer levels read with the unit first
    assert DE.value(2, "Stufe", 0, unit_first=True) == "Stufe\u00a02"
    assert EN.priority(62.5) == "62 of 100" and DE.priority(None) == MISSING
    # cut off, never rounded up into the next band (bands start at 25 and 50)
    assert DE.priorities([24.6, 49.99, 50.0]) == ["24 von 100", "49 von 100", "50 von 100"]


def test_stated_numbers_keep_their_decimals() -> None:
    """A constant quoted in a text reads as written: as many decimals as it has."""
    assert DE.exact(0.7) == "0,7" and EN.exact(0.7) == "0.7"
    assert DE.exact(1.0) == "1" and EN.exact(25) == "25"
    assert DE.exact(0.05) == "0,05" and EN.exact(-0.25) == "−0.25"
    assert DE.exact(1 / 3) == "0,333333"  # at most six decimals
    # shares in percent: 0.95 - 0.05 is 0.8999999999999999 in floats, stated as 90
    assert DE.exact(0.95 - 0.05, share=True) == "90\u00a0%" and EN.exact(0.9, share=True) == "90%"
    assert DE.exact(0.125, share=True) == "12,5\u00a0%" and EN.exact(0.01, share=True) == "1%"
    assert EN.exact(None) == MISSING == DE.exact(math.nan, share=True)


def test_simple_fractions_as_one_character() -> None:
    assert DE.fraction(1 / 3) == "⅓" == EN.fraction(1.0 / 3.0)
    assert EN.fraction(2.0 / 3.0) == "⅔" and DE.fraction(0.75) == "¾"
    # whole numbers and others as stated
    assert EN.fraction(1.0) == "1" and DE.fraction(0.7) == "0,7" and EN.fraction(0.3) == "0.3"
    assert DE.fraction(-0.5) == "−0,5" and EN.fraction(None) == MISSING


def test_the_missing_marker_is_the_formatters() -> None:
    """Templates print ``f.missing`` where a value is missing: what num writes for one."""
    assert DE.missing == EN.missing == DE.num(None) == "–"


def test_dates() -> None:
    day = dt.date(2024, 3, 1)
    assert DE.date(day) == "1. März 2024"
    assert EN.date(day) == "1 March 2024"
    assert DE.date(dt.date(2025, 12, 31)) == "31. Dezember 2025"


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="valid: de, en"):
        Formatter("fr")


def _parse(text: str, lang: str) -> float:
    thousands, decimal = (".", ",") if lang == "de" else (",", ".")
    return float(
        text.replace("−", "-").replace("+", "").replace(thousands, "").replace(decimal, ".")
    )


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_formatted_numbers_read_back(value: float, digits: int) -> None:
    for fmt in (DE, EN):
        text = fmt.num(value, digits)
        # within half a unit of the last digit shown (ties may go either way)
        assert abs(_parse(text, fmt.lang) - value) <= 0.5 * 10**-digits * (1 + 1e-9) + 1e-6
        integer = text.replace("−", "").split("," if fmt.lang == "de" else ".")[0]
        groups = integer.split("." if fmt.lang == "de" else ",")
        assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert DE.num(value, digits).translate(str.maketrans(",.", ".,")) == EN.num(value, digits)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=0.0, max_value=1100.0),
        st.sampled_from([0.0, -0.0, 0.05, 0.25, 2.675, 62.5, 998.95, 998.9999, 999.0]),
    ),
    st.integers(0, 3),
)
def test_the_common_case_is_written_like_every_other_number(value: float, digits: int) -> None:
    """Plain non-negative numbers below 999 take a short path; with ``sign=True`` the same
    number goes the long way (rounding, grouping, sign rules): both must write it alike."""
    for f in (DE, EN):
        signed = f.num(value, digits, sign=True)
        assert f.num(value, digits) == signed.removeprefix("+")
        assert f.num(value, digits) == f.num(int(value) if value == int(value) else value, digits)


_NUMBERS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1200, max_value=1200),
    st.integers(min_value=-5000, max_value=5000),
    st.sampled_from([0.0, -0.0, -0.04, 0.05, -0.05, 62.5, -62.5, 2.675, 998.95, 999.96, -999.96]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBERS, max_size=40), st.integers(0, 3), st.booleans())
def test_numbers_in_one_pass_equal_one_by_one(values: list, digits: int, sign: bool) -> None:
    for f in (DE, EN):
        assert f.nums(values, digits, sign) == [f.num(v, digits, sign) for v in values]
        assert f.priorities(values) == [f.priority(v) for v in values]


def test_numbers_in_one_pass_by_hand() -> None:
    values = [1234.5, -0.04, None, 62.5, -2.5, 0.0, 7.25]
    assert DE.nums(values, 1, sign=True) == [
        "+1.234,5",
        "0,0",
        MISSING,
        "+62,5",
        "−2,5",
        "0,0",
        "+7,3",
    ]
    assert EN.nums(values, 0) == ["1,235", "0", MISSING, "63", "−3", "0", "7"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            _NUMBERS,
            st.sampled_from(["", "%", "je 1.000", "Stufe", "€"]),
            st.integers(0, 2),
            st.booleans(),
        ),
        max_size=30,
    ),
    st.booleans(),
    st.sampled_from([DE, EN]),
)
def test_values_in_one_pass_equal_one_by_one(rows: list, sign: bool, f: Formatter) -> None:
    values, units, digits, first = (list(c) for c in zip(*rows, strict=True)) if rows else [[]] * 4
    expected = [
        f.value(v, u, d, sign=sign, unit_first=uf)
        for v, u, d, uf in zip(values, units, digits, first, strict=True)
    ]
    assert f.values(values, units, digits, first, sign) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["1,0", MISSING, "−2", "12.345,6", "0"]),
            st.sampled_from(["", "%", "je 1.000", "Stufe", "a<b"]),
            st.booleans(),
        ),
        max_size=40,
    ),
    st.sampled_from([DE, EN]),
)
def test_units_joined_at_once_as_defined(rows: list, f: Formatter) -> None:
    """Written numbers with their units, by the definition: none for no unit or a
    missing number, CLDR's percent sign (a no-break space before it in German), else a
    no-break space between unit and number, the unit first for answer levels."""
    percent = "\u00a0%" if f is DE else "%"

    def joined(text: str, unit: str, first: bool) -> str:
        if not unit or text == MISSING:
            return text
        if unit == "%":
            return text + percent
        return f"{unit}\u00a0{text}" if first else f"{text}\u00a0{unit}"

    texts, units, first = ([r[k] for r in rows] for k in range(3))
    assert f.with_units(texts, units, first) == [joined(*r) for r in rows]


def test_values_in_one_pass_by_hand() -> None:
    assert DE.values(
        [12.345, None, 2.0, -0.5],
        ["%", "%", "Stufe", "je 1.000"],
        [1, 1, 0, 1],
        [False, False, True, False],
        sign=True,
    ) == [
        "+12,3\u00a0%",  # CLDR: a no-break space before % in German
        MISSING,
        "Stufe\u00a0+2",
        "−0,5\u00a0je 1.000",
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NUMBERS, _NUMBERS), max_size=30), st.sampled_from([DE, EN]))
def test_ranks_and_ranges_in_one_pass_equal_one_by_one(pairs: list, f: Formatter) -> None:
    lows, highs = [a for a, _ in pairs], [b for _, b in pairs]
    assert f.ranks(lows, highs) == [f.rank(a, b) for a, b in pairs]
    assert f.ranges(lows, highs) == [f.range(a, b) for a, b in pairs]
    assert f.ranges(lows, highs, 0) == [f.range(a, b, 0) for a, b in pairs]


def test_ranks_and_ranges_by_hand() -> None:
    assert DE.ranks([3.0, None, 1.0], [42.0, 10.0, None]) == ["3 von 42", MISSING, "1"]
    assert EN.ranges([1.25, -2.0, None], [3.5, 4.0, 1.0]) == ["1.3–3.5", "−2.0 to 4.0", MISSING]


def test_value_decimals_by_kind_of_value() -> None:
    """One rule for every place a value is written: whole values (levels, counts) none,
    a ratio two decimals, anything else one; a median of whole values keeps one."""
    assert value_decimals() == 1
    assert value_decimals(ratio=True) == 2 and value_decimals(ratio=True, median=True) == 2
    assert value_decimals(whole=True) == 0 and value_decimals(whole=True, median=True) == 1


def test_indicators_take_the_rule_from_their_definition() -> None:
    from mint_index.framework.loader import default_framework

    fw = default_framework()
    council = fw.indicator("council_representation")  # parity as a ratio
    assert council.compute.mode == "ratio" and council.value_decimals() == 2
    officer = fw.indicator("integration_officer")  # answer levels
    assert officer.answer_levels() and officer.value_decimals() == 0
    assert officer.value_decimals(median=True) == 1
    share = next(i for i in fw.indicators if i.unit == "%")
    assert share.value_decimals() == 1
    meetings = fw.indicator("network_meetings_held")  # a count: meetings a year
    assert meetings.kind == "count" and meetings.value_decimals() == 0


def test_units_joined_to_written_numbers_by_hand() -> None:
    """``with_units`` joins numbers already written as ``value`` would: CLDR's percent
    (no-break space before it in German only), a unit read first, a missing number bare."""
    de, en = Formatter("de"), Formatter("en")
    texts = ["12,5", "2", "0,87", "–", "3"]
    units = ["%", "Stufe", "je 1.000", "%", ""]
    first = [False, True, False, False, False]
    assert de.with_units(texts, units, first) == [
        "12,5\xa0%",
        "Stufe\xa02",
        "0,87\xa0je 1.000",
        "–",
        "3",
    ]
    assert en.with_units(["12.5"], ["%"], [False]) == ["12.5%"]
