"""The recommendations' texts write numbers as the reports do (one formatting owner)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mint_index.recommendations.texts import evidence, number
from mint_index.rules.formatting import Formatter


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.25, -0.05, 62.5])
        ),
        max_size=30,
    ),
    st.integers(0, 2),
    st.booleans(),
)
def test_numbers_are_written_by_the_formatter(
    values: list[float], decimals: int, sign: bool
) -> None:
    for lang, missing in (("de", "k. A."), ("en", "n/a")):
        f = Formatter(lang)
        expected = [f.num(v, decimals, sign) if math.isfinite(v) else missing for v in values]
        assert number(np.array(values, dtype=float), lang, decimals, sign).tolist() == expected


def test_numbers_by_hand() -> None:
    # ties away from zero, as in the scorecard (0.125 is exact in binary)
    assert number(np.array([0.125, 0.5, 1.0]), "en", 2).tolist() == ["0.13", "0.50", "1.00"]
    # each row its own decimals (an indicator's value decimals): 0.5 -> 1 with none
    per_row = number(np.array([0.125, 0.5, 1.0, np.nan]), "en", np.array([2, 0, 1, 2]))
    assert per_row.tolist() == ["0.13", "1", "1.0", "n/a"]
    assert number(np.array([1234.5, -3.0, -0.04]), "de").tolist() == ["1.234,5", "−3,0", "0,0"]


def _numbers(change: float) -> dict[str, np.ndarray]:
    one = {
        "score": 40.0,
        "value": math.nan,
        "parity_gap": math.nan,
        "gap_peer_median": math.nan,
        "gap_target": math.nan,
        "change": change,
        "trend": math.nan,
    }
    return {k: np.array([v]) for k, v in one.items()}


def test_a_change_that_shows_as_zero_reads_unchanged() -> None:
    labels, units = np.array(["Council"], dtype=object), np.array([""], dtype=object)
    said = evidence(_numbers(-0.04), labels, units, np.array([2022]), "en")[0]
    assert said == "Council: score 40.0 of 100; unchanged since 2022"
    said = evidence(_numbers(-0.05), labels, units, np.array([2022]), "en")[0]
    assert said == "Council: score 40.0 of 100; down 0.1 since 2022"  # as the scorecard: −0.1


def test_a_spell_says_since_when_and_whether_it_may_have_begun_earlier() -> None:
    from mint_index.recommendations.texts import in_place_text

    said = in_place_text(
        since=np.array([2021, 2019, 2023, 2023]),
        due=np.array([2022, 2020, 2024, 2024]),
        indicators=np.array(["", "", "", ""], dtype=object),
        review=np.array(["not_estimated"] * 4, dtype=object),
        lang="en",
        previous=np.array([None, None, "2019-2020", "2019-2020"], dtype=object),
        at_least=np.array([False, True, False, True]),
    )
    starts = [str(text).split(" (")[0] for text in said]
    assert starts == [
        "in place since 2021",
        "in place at least since 2019",
        "in place again since 2023, before that 2019–2020",
        "in place again at least since 2023, before that 2019–2020",
    ]
