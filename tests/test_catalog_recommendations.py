"""The packaged action catalog and rules against what the programmes' texts say.

- An action's first indicator is the one the "measure in place" logic reads: it must be
  the one that says whether (or how much of) the measure is there, never an outcome such
  as a parity ratio when the action names something better. A yes/no indicator it names
  anywhere else is never read, and a town that has the measure is told to create it.
- A rule recommends only measures that address the gap it fires on, or says plainly that
  the programmes have no instrument of their own for it (work, education and language
  above all).
- Citations name only what the programmes' own texts name.

Kinds are read from the loaded framework (`Indicator.kind`), never from a list of ids.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from helpers import SEED_FILES, SEEDS_DIR

import mint_index as mi
from mint_index.recommendations import RuleSet, load_rules

#: Kinds of indicator that say whether a measure is there: yes/no and answer levels (the
#: unit "Stufe" / "level"). The "in place" logic reads the first indicator if it is one.
STATUS_KINDS = {"binary", "ordinal"}
#: Kinds that count what a measure provides (people trained, mentors, meetings, places).
AMOUNT_KINDS = {"count", "per_capita"}

#: The sentence of a rule that says the programmes have no instrument of their own.
NO_INSTRUMENT = {
    "de": re.compile(r"\b(Die vier Programme (haben|bieten) kein|Keines der vier Programme)"),
    "en": re.compile(r"\b(The four programmes (have|offer) no|None of the four programmes)"),
}
#: ... and that it is a labour-market instrument they lack.
NO_LABOUR_MARKET = {
    "de": re.compile(r"Die vier Programme (haben|bieten) kein[^.]*Arbeitsmarkt"),
    "en": re.compile(r"The four programmes (have|offer) no[^.]*labour-market"),
}


@pytest.fixture(scope="module")
def framework() -> mi.Framework:
    return mi.default_framework()


@pytest.fixture(scope="module")
def catalog(framework: mi.Framework) -> RuleSet:
    return load_rules(framework=framework)


def _kind(framework: mi.Framework, node: str) -> str | None:
    """The indicator's kind; None for a dimension or domain (it has none)."""
    return framework.indicator(node).kind if framework.is_indicator(node) else None


def _top_score(framework: mi.Framework, node: str) -> float:
    return max(level.score for level in framework.indicator(node).answer_levels())


# ---- A6: the first indicator says whether the measure is there --------------------------------


def test_a_yes_no_indicator_an_action_names_comes_first(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """Only the first indicator is read to decide that a measure is in place; a yes/no or
    level indicator further down the list would be ignored."""
    misplaced = {
        action.id: [
            node for node in action.indicators[1:] if _kind(framework, node) in STATUS_KINDS
        ]
        for action in catalog.actions.values()
    }
    assert {a: nodes for a, nodes in misplaced.items() if nodes} == {}


def test_the_first_indicator_says_whether_the_measure_is_there(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """First a yes/no or level indicator where the action names one, else a count of what
    the measure provides; an action that names neither names only outcomes (it is in
    place where the register says so), so a parity ratio is never first while the action
    names an indicator that says whether the measure exists."""
    wrong = {}
    for action in catalog.actions.values():
        kinds = [_kind(framework, node) for node in action.indicators]
        for better in (STATUS_KINDS, AMOUNT_KINDS):
            if any(k in better for k in kinds):
                if kinds[0] not in better:
                    wrong[action.id] = kinds
                break
    assert wrong == {}
    # not vacuous: the catalog has actions of each sort, read from the framework
    firsts = {_kind(framework, a.indicators[0]) for a in catalog.actions.values()}
    assert firsts & STATUS_KINDS and firsts & AMOUNT_KINDS


def test_outputs_count_what_the_measure_provides(framework: mi.Framework, catalog: RuleSet) -> None:
    """An action's ``outputs`` are counts of what it provides (per capita or absolute) or
    the share it reaches (migrant organisations in the network), never the yes/no
    indicator that says it is there nor a parity ratio, and they come first among its
    indicators, as the catalog's convention puts "how much of the measure is there" first.
    Whether an indicator is an output is a reading of the programme (migrant organisations
    per 10,000 inhabitants are what strengthening them should bring about; multiplier
    events are what the conferences measure holds), so only the form is checked here."""
    provided = AMOUNT_KINDS | {"rate"}
    wrong = {
        action.id: action.outputs
        for action in catalog.actions.values()
        if any(_kind(framework, node) not in provided for node in action.outputs)
        or action.indicators[: len(action.outputs)] != action.outputs
    }
    assert wrong == {}
    # not vacuous: outputs alone (conferences), outputs and outcomes (mentors)
    only = {a.id for a in catalog.actions.values() if a.outputs == a.indicators}
    mixed = {a.id for a in catalog.actions.values() if a.outputs and a.outputs != a.indicators}
    assert "mit_conferences" in only and "mit_mentors" in mixed


def test_an_output_must_be_one_of_the_actions_indicators() -> None:
    from pydantic import ValidationError

    from mint_index.recommendations.rules import Action

    base = load_rules().actions["mit_conferences"].model_dump()
    with pytest.raises(ValidationError, match="not among the action's indicators: mentors_rate"):
        Action.model_validate(base | {"outputs": ["mentors_rate"]})
    with pytest.raises(ValidationError, match="listed twice: multiplier_events_held"):
        Action.model_validate(base | {"outputs": ["multiplier_events_held"] * 2})


def test_the_status_indicator_is_a_level_with_a_top(framework: mi.Framework) -> None:
    """What the "in place" test relies on: the yes/no and level indicators have answer
    levels, the top one scoring highest."""
    status = [ind for ind in framework.indicators if ind.kind in STATUS_KINDS]
    assert status
    for ind in status:
        levels = ind.answer_levels()
        assert levels and _top_score(framework, ind.id) > min(lv.score for lv in levels), ind.id


@pytest.fixture(scope="module")
def example() -> mi.Results:
    return mi.score(mi.example_data())


@pytest.mark.parametrize("with_register", [False, True], ids=["framework only", "register"])
def test_no_town_is_told_to_create_what_it_has(
    example: mi.Results, framework: mi.Framework, catalog: RuleSet, with_register: bool
) -> None:
    """No measure is recommended to a unit in a year where a yes/no indicator the action
    names (anywhere in its list) is already at its top level: the measure cannot move it,
    the town has it. (The shipped catalog told 66 town-years with an integration officer
    in post to anchor the task in a staff unit.)"""
    measures = mi.example_measures() if with_register else None
    acts = mi.recommend(example, measures=measures).actions
    scores = mi.gaps(example)[["unit", "year", "node", "score"]].astype({"unit": str, "node": str})
    scores = scores.set_index(["unit", "year", "node"])["score"]
    checked = 0
    contradictions = []
    for action in catalog.actions.values():
        status = [n for n in action.indicators if _kind(framework, n) in STATUS_KINDS]
        mine = acts[acts["action"] == action.id]
        for node in status:
            keys = list(
                zip(mine["unit"].astype(str), mine["year"], [node] * len(mine), strict=True)
            )
            if not keys:
                continue
            have = scores.reindex(pd.MultiIndex.from_tuples(keys, names=scores.index.names))
            at_top = np.asarray(have.to_numpy(dtype=float) >= _top_score(framework, node))
            checked += len(keys)
            contradictions += [
                (action.id, node, k) for k, top in zip(keys, at_top, strict=True) if top
            ]
    assert checked > 0  # recommendations of such actions exist in the example
    assert contradictions == [], f"{len(contradictions)} rows, e.g. {contradictions[:3]}"


def test_a_measure_known_from_its_status_indicator_is_listed_in_place(
    example: mi.Results, framework: mi.Framework, catalog: RuleSet
) -> None:
    """The other side: where an action's first indicator is a yes/no indicator at its top
    level, the measure is listed as in place (since the start of that run), for every
    such action - by hand from the scores, not from the engine's register."""
    placed = mi.recommend(example).in_place
    placed = set(zip(placed["unit"].astype(str), placed["year"], placed["action"], strict=True))
    scores = example.scores
    expected = set()
    for action in catalog.actions.values():
        first = action.indicators[0]
        if _kind(framework, first) not in STATUS_KINDS:
            continue
        top = scores[first].unstack("year") >= _top_score(framework, first)
        for unit, row in top.iterrows():
            expected |= {(str(unit), int(y), action.id) for y, there in row.items() if there}
    assert expected  # the example has towns with such measures
    assert expected <= placed


# ---- A7, B4: a rule recommends what addresses its gap, or says the programmes cannot -----------


def _covered(framework: mi.Framework, nodes: list[str]) -> set[str]:
    """The nodes a rule tests and everything below them."""
    out = set(nodes)
    for node in framework.node_ids:
        if set(framework.ancestors(node)) & set(nodes):
            out.add(node)
    return out


def _says_no_instrument(rule: object) -> bool:
    return all(NO_INSTRUMENT[lang].search(getattr(rule.text, lang)) for lang in ("de", "en"))


def test_every_action_of_a_rule_addresses_its_gap(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """An action addresses a rule's gap if it names a node the rule tests or one below it.
    A rule whose text says, in both languages, that the programmes have no instrument of
    their own may recommend what they can contribute; its text then names the programme
    of every such action, so a council sees where each contribution comes from."""
    off = []
    for rule in catalog.rules:
        covered = _covered(framework, rule.nodes())
        for action_id in rule.actions:
            action = catalog.actions[action_id]
            if covered & set(action.indicators):
                continue
            if not _says_no_instrument(rule):
                off.append((rule.id, action_id))
                continue
            named = re.compile(rf"(?<![\w-]){re.escape(action.programme)}(?![\w³])")
            for lang in ("de", "en"):
                assert named.search(getattr(rule.text, lang)), (rule.id, action_id, lang)
    assert off == []


def _domain(framework: mi.Framework, node: str) -> str:
    domains = set(framework.children[framework.index.id])
    return node if node in domains else next(a for a in framework.ancestors(node) if a in domains)


def test_work_education_and_language_rules_say_the_programmes_have_no_instrument(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """Every rule about work and income or education and language says plainly, in both
    languages, that the four programmes have no instrument of their own; those on work,
    training and language courses say it is a labour-market instrument they lack."""
    labour = {"work", "training_language"}
    seen = set()
    for rule in catalog.rules:
        where = _domain(framework, rule.focus)
        if where not in ("work", "education"):
            continue
        seen.add(where)
        assert _says_no_instrument(rule), rule.id
        if labour & {rule.focus, *framework.ancestors(rule.focus)}:
            for lang in ("de", "en"):
                assert NO_LABOUR_MARKET[lang].search(getattr(rule.text, lang)), (rule.id, lang)
    assert seen == {"work", "education"}


def test_no_rule_without_a_fitting_measure_for_staff_diversity(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """No programme text describes a measure that changes who the administration employs;
    the staff indicator is scored and shown among the gaps, but no rule recommends a
    measure for it."""
    about = [r.id for r in catalog.rules if "staff_representation" in r.nodes()]
    assert about == []
    named = [a.id for a in catalog.actions.values() if "staff_representation" in a.indicators]
    assert named == []


def test_segregation_thresholds_agree_with_the_indicator(
    framework: mi.Framework, catalog: RuleSet
) -> None:
    """The segregation rule quotes the indicator's own reading of the index (below 30 low,
    above 60 high) and does not call every index it fires on "strong"."""
    rationale = framework.indicator("segregation").goalposts.rationale
    assert "30" in rationale.en and "60" in rationale.en
    rule = catalog.rule("residential_segregation")
    assert "unter 30" in rule.text.de and "über 60" in rule.text.de
    assert "below 30" in rule.text.en and "above 60" in rule.text.en
    assert "stark" not in rule.text.de and "strongly" not in rule.text.en


# ---- B2: MIT is non-partisan, third-country nationals cannot stand ------------------------------


def test_texts_do_not_make_mit_partisan_or_electoral(catalog: RuleSet) -> None:
    """MIT works across party lines ("überparteilich"); its target group, third-country
    nationals, cannot stand for the council. No text puts MIT's mentors in party groups,
    and a text that speaks of standing for the council says who can."""
    texts = [(r.id, r.text) for r in catalog.rules] + [
        (a.id, a.description) for a in catalog.actions.values()
    ]
    for item, text in texts:
        assert not re.search(r"Fraktion|Partei", text.de), item
        assert not re.search(r"parliamentary group|party group", text.en), item
        if re.search(r"[Kk]andid", text.de) or re.search(r"\bstand\b", text.en):
            assert "Drittstaatsangehörige nicht" in text.de, item
            assert "third-country nationals cannot" in text.en, item


# ---- B3: a citation names no place the programme's text does not -------------------------------


#: Where each programme's own text places it, read by hand from the texts (the project's
#: background documents, not shipped): the words around the place, as they stand there.
#: VOPI's module names no place.
PROGRAMME_PLACES = {
    "MIT": ("Filderstadt", "mit allen auf kommunaler Ebene in Filderstadt aktiven Strukturen"),
    "M³": ("Kaufbeuren", "heißt das neue Projekt bei Kaufbeuren-aktiv"),
    "MINT": ("Eschweiler", "folgende Städte und Gemeinden beteiligt: Eschweiler (Projektträgerin)"),
}


def test_a_place_in_a_citation_comes_from_the_programmes_text(catalog: RuleSet) -> None:
    """``source`` is "programme[, place]: „title“". A place must be the one the programme's
    own text names (:data:`PROGRAMME_PLACES`; VOPI's module names none, so VOPI is cited by
    programme and title). Where the texts lie next to the checkout, the quoted words are
    checked against them too."""
    places = {}
    for action in catalog.actions.values():
        head = action.source.split(":", 1)[0]
        if "," in head:
            place = head.rsplit(",", 1)[1].strip()
            places[action.id] = place
            assert action.programme in PROGRAMME_PLACES, (action.id, place)
            assert place == PROGRAMME_PLACES[action.programme][0], (action.id, place)
    assert places  # MIT, M³ and MINT name theirs
    assert not any(a.programme == "VOPI" for a in catalog.actions.values() if a.id in places)
    if SEEDS_DIR.is_dir():
        seeds: dict[str, str] = {}
        for name, programme in SEED_FILES.items():
            seeds[programme] = seeds.get(programme, "") + (SEEDS_DIR / name).read_text("utf-8")
        for programme, (place, words) in PROGRAMME_PLACES.items():
            assert place in words and words in " ".join(seeds[programme].split()), programme
