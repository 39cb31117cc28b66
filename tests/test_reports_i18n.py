"""The report texts that quote a rule's constant quote the constant itself.

Each expected number is written here by hand from the constant, in the documented style
of the formatter (rules/formatting.py): German decimal comma and a no-break space before
``%`` (``90 %``), English decimal point and no space (``90%``); simple fractions as one
character (``⅓``). Nothing is changed: the tests pass because the texts follow the
constants, and would fail if a text restated a number of its own.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import reports_helpers as h

import mint_index as mi
from mint_index.analysis.audit import MIN_AVAILABILITY
from mint_index.analysis.uncertainty import QUANTILE_PROBS
from mint_index.errors import UnknownLanguageError
from mint_index.recommendations.priority import (
    BANDS,
    SCALE,
    SEVERITY,
    TREND_FACTOR_MAX,
    TREND_FACTOR_MIN,
)
from mint_index.reports.audit_section import ALPHA_CONSISTENT
from mint_index.reports.data import STABLE_SHARE
from mint_index.reports.i18n import METHODS, TEXTS, method_text, texts

LANGS = ("de", "en")
PERCENT = {"de": "\u00a0%", "en": "%"}
SIMPLE = {Fraction(1, 3): "⅓", Fraction(2, 3): "⅔", Fraction(1, 2): "½"}


def number(value: float, lang: str) -> str:
    """A stated number with the decimals it has: 0.7 -> 0,7 / 0.7; 50.0 -> 50."""
    text = f"{round(value, 6):g}"
    return text.replace(".", ",") if lang == "de" else text


def percent(share: float, lang: str) -> str:
    return number(share * 100, lang) + PERCENT[lang]


def fraction(value: float, lang: str) -> str:
    return SIMPLE.get(Fraction(value).limit_denominator(8), number(value, lang))


@pytest.mark.parametrize("lang", LANGS)
def test_texts_quote_the_rule_constants(lang: str) -> None:
    t = texts(lang)
    # the rank range runs from the 5 % to the 95 % quantile of the replications' ranks
    interval = percent(max(QUANTILE_PROBS) - min(QUANTILE_PROBS), lang)
    assert t["rank_interval"] == {"de": "Rangbereich", "en": "Rank range"}[lang] + f" ({interval})"
    assert f" {interval} " in t["uncertainty_note"]
    assert f" {percent(STABLE_SHARE, lang)} " in t["trend_explained"]
    low, high = (number(x, lang) for x in SCALE)
    severities = [fraction(SEVERITY[s], lang) for s in ("low", "medium", "high")]
    trend = number(TREND_FACTOR_MIN, lang), number(TREND_FACTOR_MAX, lang)
    bands = dict(BANDS)
    if lang == "de":
        scale, factors = (
            f"Skala von {low} bis {high}: {high} × Schwere",
            "niedrig {}, mittel {}, hoch {}",
        )
        ranged = f"Trend ({trend[0]} bei deutlicher Verbesserung bis {trend[1]} bei"
        helped = f"Priorität von {low} bis {high} (hoch ab {number(bands['high'], lang)}, "
        helped += f"mittel ab {number(bands['medium'], lang)})"
        alpha = f"ab {number(ALPHA_CONSISTENT, lang)} gilt"
        few = f"(unter {percent(MIN_AVAILABILITY, lang)})"
    else:
        scale, factors = f"scale from {low} to {high}: {high} × the", "low {}, medium {}, high {}"
        ranged = f"trend ({trend[0]} when clearly improving to {trend[1]} when"
        helped = f"Priority from {low} to {high} (high from {number(bands['high'], lang)}, "
        helped += f"medium from {number(bands['medium'], lang)})"
        alpha = f"from {number(ALPHA_CONSISTENT, lang)} an area"
        few = f"(below {percent(MIN_AVAILABILITY, lang)})"
    intro = t["priority_scale_intro"]
    assert scale in intro and factors.format(*severities) in intro and ranged in intro
    assert helped in t["priority_help"]
    assert alpha in t["audit_alpha_help"]
    assert few in t["audit_distributions_help"]


def test_the_constants_read_as_stated() -> None:
    """The by-hand writing above gives the numbers readers know from the methodology."""
    assert [percent(max(QUANTILE_PROBS) - min(QUANTILE_PROBS), lang) for lang in LANGS] == [
        "90\u00a0%",
        "90%",
    ]
    assert fraction(SEVERITY["low"], "de") == "⅓" and number(TREND_FACTOR_MIN, "de") == "0,5"


@pytest.mark.parametrize("lang", LANGS)
def test_the_rendered_overview_quotes_them(lang: str) -> None:
    res = h.results()
    unc = mi.uncertainty(res, n=8, seed=1)
    html = mi.report(res, lang=lang, uncertainty=unc, audit=mi.audit(res)).html
    interval = percent(max(QUANTILE_PROBS) - min(QUANTILE_PROBS), lang)
    heading = {"de": "Rangbereich", "en": "Rank range"}[lang]
    assert f"{heading} ({interval})</th>" in html
    assert f" {number(ALPHA_CONSISTENT, lang)} " in html
    assert f"{percent(MIN_AVAILABILITY, lang)})" in html


def test_no_placeholder_of_a_rule_is_left_and_others_stay() -> None:
    """Placeholders the pages fill themselves ({year}, {lower}, ...) are kept as written."""
    for lang in LANGS:
        words = texts(lang)
        for key, pair in TEXTS.items():
            own = pair[LANGS.index(lang)]
            if "{" not in own:
                assert words[key] == own
        assert words["from_to"] == TEXTS["from_to"][LANGS.index(lang)]
        assert "{year}" in words["no_data_this_year"]


def test_texts_by_language_not_by_guess() -> None:
    step, method = next(iter(METHODS))
    assert method_text(step, method, "en") == METHODS[(step, method)][1]
    assert method_text(step, method, "de") == METHODS[(step, method)][0]
    for call in (lambda: texts("fr"), lambda: method_text(step, method, "fr")):
        with pytest.raises(UnknownLanguageError):
            call()
