"""Rules and the action catalog: validation with file and path, and the packaged catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import SEED_FILES, SEEDS_DIR

import mint_index as mi
from mint_index.errors import RuleError
from mint_index.recommendations import load_rules
from mint_index.recommendations.rules import AllOf, AnyOf, NodeCondition, NotOf, walk

#: The actions issue 5 asks for, by programme.
EXPECTED_ACTIONS = {
    "MIT": {
        "mit_training_programme",
        "mit_mentors",
        "mit_association_advisory",
        "mit_mentor_training",
        "mit_networks",
        "mit_conferences",
        "mit_needs_surveys",
    },
    "M³": {
        "m3_parents_councils",
        "m3_lay_interpreters",
        "m3_integration_guides",
        "m3_encounter_places",
    },
    "VOPI": {
        "vopi_barrier_analysis",
        "vopi_inform_motivate",
        "vopi_intercultural_opening",
        "vopi_anchor_administration",
        "vopi_strengthen_migrant_orgs",
        "vopi_network_migrant_orgs",
    },
    "MINT": {"mint_welcome_service", "mint_monitoring"},
}

RULE = {
    "id": "r",
    "when": {"node": "council_share", "score": {"below": 50}},
    "severity": "high",
    "actions": ["mit_mentors"],
    "text": {"de": "{node}: {score}", "en": "{node}: {score}"},
}


def _write(folder: Path, name: str, content: dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def _problems(exc: RuleError) -> list[str]:
    return [str(p) for p in exc.problems]


# ---- validation -----------------------------------------------------------------------------


def test_unknown_node_names_file_and_path(tmp_path: Path, small_framework: mi.Framework) -> None:
    rules = [dict(RULE, id=f"r{i}") for i in range(2)]
    rules.append(dict(RULE, id="r2", when={"all": [{"node": "x", "score": {"below": 1}}]}))
    _write(tmp_path, "rules/participation.yaml", {"rules": rules})
    with pytest.raises(RuleError) as exc:
        load_rules(tmp_path / "rules", framework=small_framework)
    assert _problems(exc.value) == [
        "rules/participation.yaml: rules[2].when.all[0].node: unknown node 'x'"
    ]


def test_a_threshold_is_a_finite_number(tmp_path: Path, small_framework: mi.Framework) -> None:
    """``below: .nan`` is never crossed, ``above: .inf`` never either: the rule silently
    never fired. Such a threshold is an error naming its path, as in a framework."""
    rules = [
        dict(RULE, id="n", when={"node": "council_share", "score": {"below": float("nan")}}),
        dict(RULE, id="i", when={"node": "council_share", "score": {"above": float("inf")}}),
    ]
    (tmp_path / "mine.yaml").write_text(
        yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(RuleError) as exc:
        load_rules(tmp_path / "mine.yaml", framework=small_framework)
    found = _problems(exc.value)
    assert any(p.startswith("mine.yaml: rules[0].when.score.below: ") for p in found), found
    assert any(p.startswith("mine.yaml: rules[1].when.score.above: ") for p in found), found
    assert all("finite" in p for p in found), found


def test_every_problem_is_collected(tmp_path: Path, small_framework: mi.Framework) -> None:
    rules = [
        dict(RULE, id="a", actions=["mit_mentors", "no_such_action"]),
        dict(RULE, id="b", colour="red"),
        dict(
            RULE,
            id="c",
            when={
                "any": [
                    {"node": "nowhere", "trend": {"below": 0}},
                    {"node": "council_share", "score": {}},
                ]
            },
        ),
        dict(RULE, id="d", when={"node": "council_share", "gap": {"to": "mean", "above": 1}}),
        dict(RULE, id="e", when={"not": {"node": "council_share", "flag": "shiny"}}),
        dict(RULE, id="f", when={"node": "council_share", "score": {"above": 5, "below": 1}}),
        dict(
            RULE,
            id="g",
            when={"node": "council_share", "score": {"below": 5}, "trend": {"below": 0}},
        ),
        dict(RULE, id="h", text={"de": "{score.__class__}", "en": "{bogus}"}),
        dict(RULE, id="i", when={"node": "council_share", "parity": {"below": 0}}),
        dict(RULE, id="a"),
        dict(RULE, id="j", severity="urgent"),
    ]
    _write(tmp_path, "mine.yaml", {"rules": rules, "extras": []})
    with pytest.raises(RuleError) as exc:
        load_rules(tmp_path / "mine.yaml", framework=small_framework)
    found = _problems(exc.value)
    expected = [
        "mine.yaml: extras: unknown section (valid: actions, rules)",
        "mine.yaml: rules[0].actions[1]: unknown action 'no_such_action'",
        "mine.yaml: rules[1].colour: unknown field",
        "mine.yaml: rules[2].when.any[0].node: unknown node 'nowhere'",
        "mine.yaml: rules[2].when.any[1].score: give 'above', 'below' or both",
        "mine.yaml: rules[8].when.parity: node 'council_share' is not a parity indicator",
        "mine.yaml: rules[9].id: duplicate id 'a' (first in mine.yaml)",
    ]
    for line in expected:
        assert line in found, line
    text = "\n".join(found)
    assert "rules[3].when.gap.to" in text
    assert "rules[4].when.not.flag: unknown flag 'shiny'" in text
    assert "rules[5].when.score: 'above' (5.0) must be less than 'below' (1.0)" in text
    assert "rules[6].when: give exactly one of" in text
    assert "rules[7].text.de: unknown placeholder {score.__class__}" in text  # no attributes
    assert "rules[7].text.en: unknown placeholder {bogus}" in text
    assert "rules[10].severity" in text
    assert len(found) >= 12


def test_unsafe_yaml_is_not_executed(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(
        "rules: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8"
    )
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rules(tmp_path / "evil.yaml")


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="no such file or folder"):
        load_rules(tmp_path / "nope.yaml")
    with pytest.raises(RuleError, match=r"no \.yaml files"):
        load_rules(tmp_path)


def test_own_rules_use_packaged_actions_and_may_replace_them(
    tmp_path: Path, small_framework: mi.Framework
) -> None:
    packaged = load_rules()
    mentors = packaged.actions["mit_mentors"].model_dump(mode="json")
    mentors["title"] = {"de": "Unsere Paten", "en": "Our mentors"}
    mentors["indicators"] = ["council_share"]
    # the packaged action's outputs (mentors) must go with the indicators they are among
    _write(tmp_path, "r.yaml", {"rules": [RULE], "actions": [mentors]})
    with pytest.raises(RuleError, match="outputs not among the action's indicators: mentors_rate"):
        load_rules(tmp_path / "r.yaml", framework=small_framework)
    mentors["outputs"] = []
    _write(tmp_path, "r.yaml", {"rules": [RULE], "actions": [mentors]})
    rules = load_rules(tmp_path / "r.yaml", framework=small_framework)
    assert [r.id for r in rules.rules] == ["r"]
    assert rules.actions["mit_mentors"].title.en == "Our mentors"
    assert set(rules.actions) == set(packaged.actions)
    # an action of one's own is checked against the framework; packaged ones are not
    mentors["indicators"] = ["nowhere"]
    _write(tmp_path, "r.yaml", {"rules": [RULE], "actions": [mentors]})
    with pytest.raises(RuleError, match=r"actions\[0\]\.indicators\[0\]: unknown node"):
        load_rules(tmp_path / "r.yaml", framework=small_framework)
    # without the packaged actions the rule's action is unknown
    _write(tmp_path, "only.yaml", {"rules": [RULE]})
    with pytest.raises(RuleError, match="unknown action 'mit_mentors'"):
        load_rules(tmp_path / "only.yaml", packaged_actions=False)


def test_a_yes_no_indicator_is_no_output(tmp_path: Path, small_framework: mi.Framework) -> None:
    """An own action listing its yes/no (or level) indicator among its outputs: that
    indicator says whether the measure is there, which is neither an outcome nor a count of
    what it provides; it goes first among the indicators."""
    mentors = load_rules().actions["mit_mentors"].model_dump(mode="json")
    mentors["indicators"] = ["advisory", "council_share"]
    mentors["outputs"] = ["advisory"]
    _write(tmp_path, "r.yaml", {"rules": [RULE], "actions": [mentors]})
    with pytest.raises(RuleError, match=r"actions\[0\]\.outputs\[0\]: 'advisory' is a yes/no"):
        load_rules(tmp_path / "r.yaml", framework=small_framework)
    mentors["outputs"] = []
    _write(tmp_path, "r.yaml", {"rules": [RULE], "actions": [mentors]})
    assert load_rules(tmp_path / "r.yaml", framework=small_framework).actions["mit_mentors"]


def test_rule_focus_nodes_and_gap_measures() -> None:
    rule = mi.load_rules().rule("council_representation_falling")
    assert rule.focus == "council_representation"
    assert rule.nodes() == ["council_representation", "participation"]
    assert rule.gap_measures() == ["gap_peer_median"]
    about = mi.load_rules().rule("voteless_without_boards")
    assert about.focus == "tcn_board_representation"
    both = mi.load_rules().rule("council_underrepresented")
    assert both.gap_measures() == ["gap_target", "gap_peer_median"]


def test_ruleset_hash_is_stable() -> None:
    assert load_rules().sha256 == load_rules().sha256


# ---- the packaged catalog -------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> mi.recommend.RuleSet:
    return load_rules(framework=mi.default_framework())  # raises on any unknown node


def test_catalog_has_exactly_the_issue_actions(catalog: mi.recommend.RuleSet) -> None:
    by_programme: dict[str, set[str]] = {}
    for action in catalog.actions.values():
        by_programme.setdefault(action.programme, set()).add(action.id)
    assert by_programme == EXPECTED_ACTIONS


def test_every_action_comes_from_a_seed(catalog: mi.recommend.RuleSet) -> None:
    for action in catalog.actions.values():
        # cited as a reader can find it - programme, place, quoted title - never a file name
        assert action.source.startswith(action.programme), action.id
        assert not re.search(r"\d{3}_[0-9a-f]{16}|\.txt", action.source), action.id
        title = re.search(r"„([^“]+)“", action.source)
        assert title, action.id
        for text in (action.title, action.description):
            assert text.de.strip() and text.en.strip() and text.de != text.en
        if SEEDS_DIR.is_dir():  # the shared material is next to the checkout
            first = title.group(1).split(" – ")[0].casefold()
            seeds = [
                (SEEDS_DIR / f).read_text(encoding="utf-8").casefold()
                for f, programme in SEED_FILES.items()
                if programme == action.programme
            ]
            assert any(first in seed for seed in seeds), (action.id, first)


def test_every_rule_refers_to_existing_nodes_and_actions(catalog: mi.recommend.RuleSet) -> None:
    fw = mi.default_framework()
    for rule in catalog.rules:
        for node in rule.nodes():
            assert node in fw.node_ids, (rule.id, node)
        for action in rule.actions:
            assert action in catalog.actions, (rule.id, action)
    for action in catalog.actions.values():
        for node in action.indicators:
            assert node in fw.node_ids, (action.id, node)


def test_rules_cover_every_domain_and_use_every_action(catalog: mi.recommend.RuleSet) -> None:
    fw = mi.default_framework()
    domains = fw.children[fw.index.id]
    covered = set()
    for rule in catalog.rules:
        for node in rule.nodes():
            covered |= {n for n in [node, *fw.ancestors(node)] if n in domains}
    assert covered == set(domains)
    used = {a for rule in catalog.rules for a in rule.actions}
    assert used == set(catalog.actions)


def test_packaged_rules_only_ask_for_worse_scores(catalog: mi.recommend.RuleSet) -> None:
    """Under a ``not`` the direction flips; a rule that fires on *better* scores of its
    focus node would break the promise that improving never adds a recommendation."""

    def check(cond: object, negated: bool, focus: str) -> None:
        if isinstance(cond, AllOf | AnyOf):
            for child in cond.all if isinstance(cond, AllOf) else cond.any:
                check(child, negated, focus)
        elif isinstance(cond, NotOf):
            check(cond.not_, not negated, focus)
        else:
            assert isinstance(cond, NodeCondition)
            if cond.node != focus or cond.flag is not None or cond.parity is not None:
                return
            threshold = cond.threshold
            assert threshold is not None
            worse_is_higher = cond.gap is not None  # gaps grow as scores fall
            bounded = threshold.below if worse_is_higher else threshold.above
            assert (bounded is None) != negated, (focus, cond)

    for rule in catalog.rules:
        check(rule.when, False, rule.focus)
        assert [p for p, _ in walk(rule.when)], rule.id


def test_a_rules_file_is_read_again_when_its_content_changes(tmp_path: Path) -> None:
    """Files are parsed once per content: the same bytes give the same (frozen) rules, a
    changed file of the same size and path gives the new ones."""
    first = load_rules(_write(tmp_path, "r.yaml", {"rules": [RULE]}))
    assert load_rules(tmp_path / "r.yaml").rules == first.rules
    size = (tmp_path / "r.yaml").stat().st_size
    swapped = {"de": "{score}: {node}", "en": "{node}: {score}"}  # the same bytes, reordered
    _write(tmp_path, "r.yaml", {"rules": [{**RULE, "text": swapped}]})
    assert (tmp_path / "r.yaml").stat().st_size == size
    assert [r.text.de for r in load_rules(tmp_path / "r.yaml").rules] == ["{score}: {node}"]
    (tmp_path / "r.yaml").write_text("rules: [", encoding="utf-8")
    with pytest.raises(RuleError):
        load_rules(tmp_path / "r.yaml")


def test_packaged_texts_write_percent_as_each_language_does() -> None:
    """A number in percent reads as the formatter writes it beside the text: "12.5%" in
    English, "12,5 %" in German (CLDR), so the packaged rule texts put no space before
    "%" after a placeholder in English and one in German."""
    rules = load_rules()
    checked = 0
    for rule in rules.rules:
        en, de = rule.text.en, rule.text.de
        assert not re.search(r"\}\s+%", en), (rule.id, en)
        assert not re.search(r"\}%", de), (rule.id, de)
        checked += bool(re.search(r"\}%", en))
    assert checked >= 5  # the catalog's share rules
