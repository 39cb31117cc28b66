"""The words of effect monitoring (:mod:`mint_index.effect_monitoring.texts`): every
status has a phrase in both languages, and a pooled sentence counts the municipalities
with the measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.effect_monitoring.estimate import ONE_ADOPTER, STATUSES
from mint_index.effect_monitoring.texts import TEXTS, VERDICTS


@pytest.fixture(scope="module")
def example() -> tuple[mi.Results, pd.DataFrame]:
    res = mi.score(mi.example_data())
    return res, mi.effects(res, mi.example_measures())


def test_every_status_has_a_phrase_in_both_languages() -> None:
    assert set(STATUSES[1:]) | {ONE_ADOPTER} <= set(VERDICTS)  # estimated: rose, fell, ...
    for lang in ("de", "en"):
        assert set(VERDICTS) <= set(TEXTS[lang])


def test_a_pooled_sentence_counts_the_municipalities_with_the_measure(
    example: tuple[mi.Results, pd.DataFrame],
) -> None:
    """Auenthal alone has the welcome service (no comparison): "in one municipality", not
    "in 0"; Hollerbach alone has an estimate for the encounter places: the pooled row
    says there is one adopter, not that comparison towns are missing."""
    res, table = example
    register = mi.example_measures().frame
    adopters = register.groupby("measure")["unit"].nunique()
    ctx = mi.effects_context(res, table, "en")
    title = {m: mi.load_rules().actions[m].title.en for m in adopters.index}
    for p in ctx["pooled"]:
        named = p["n_units"] if p["status"] == "estimated" else adopters[p["measure"]]
        assert p["n_named"] == named
        many = f" in {named} municipalities, " if named != 1 else " in one municipality, "
        assert p["sentence"].startswith(title[p["measure"]] + many)
    places = next(p for p in ctx["pooled"] if p["indicator"] == "encounter_places_rate")
    assert places["status"] == "one_adopter" and places["n_comparison"] == 9
    assert places["sentence"].endswith(
        ": no pooled estimate: only one municipality has an estimate"
    )
    conferences = [p for p in ctx["pooled"] if p["measure"] == "mit_conferences"]
    assert conferences and all(" in one municipality, " in p["sentence"] for p in conferences)
    # the welcome service's only indicator says it is there: no effect, no sentence
    assert not [p for p in ctx["pooled"] if p["measure"] == "mint_welcome_service"]
    de = mi.effects_context(res, table, "de")
    places = next(p for p in de["pooled"] if p["indicator"] == "encounter_places_rate")
    assert places["sentence"].endswith(
        ": keine gemeinsame Schätzung: nur eine Kommune mit Schätzung"
    )


def test_too_early_counts_its_years_in_words() -> None:
    """One year is "1 year" / "1 Jahr", more are "years" / "Jahre": never "year(s)"."""
    rows = pd.DataFrame(
        {
            "status": ["too_early", "too_early"],
            "effect": [np.nan] * 2,
            "low": [np.nan] * 2,
            "high": [np.nan] * 2,
            "level": [0.9] * 2,
            "years_after": [1, 2],
        }
    )
    assert mi.effect_summary(rows, "en").tolist() == [
        "too early to tell: data for 1 year after its first year",
        "too early to tell: data for 2 years after its first year",
    ]
    assert mi.effect_summary(rows, "de").tolist() == [
        "zu früh für eine Aussage: Daten für 1 Jahr nach dem ersten Jahr",
        "zu früh für eine Aussage: Daten für 2 Jahre nach dem ersten Jahr",
    ]
