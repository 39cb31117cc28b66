"""Conditions, priority, data-quality notes, the Recommendations object, and the property
that improving a node never adds a recommendation about it."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import SMALL_BASE, make_small_long, small_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.effect_monitoring.estimate import UnmeasurableMeasuresWarning
from mint_index.errors import MintIndexError
from mint_index.gap_analysis import gap_table
from mint_index.plan import Plan
from mint_index.recommendations import RuleSet, load_rules, recommend
from mint_index.recommendations.conditions import Panel, evaluate
from mint_index.recommendations.engine import fire, notes, rank
from mint_index.recommendations.priority import SEVERITY, band, bands, priority
from mint_index.recommendations.rules import Rule, RulesSkippedWarning
from mint_index.rules.weights import weight_shares

# ---- a hand-made gaps table -----------------------------------------------------------------


def _gaps() -> pd.DataFrame:
    """Three units, one year, nodes a and b (columns as mi.gaps gives them)."""
    return pd.DataFrame(
        {
            "unit": ["u1", "u1", "u2", "u2", "u3", "u3"],
            "year": [2024] * 6,
            "node": ["a", "b"] * 3,
            "score": [20.0, 80.0, 50.0, 60.0, np.nan, 10.0],
            "gap_target": [80.0, 20.0, 50.0, 40.0, np.nan, 90.0],
            "gap_peer_median": [30.0, -10.0, 0.0, 10.0, np.nan, 5.0],
            "gap_peer_best": [30.0, 0.0, 0.0, 20.0, np.nan, 70.0],
            "parity_gap": [-12.0, np.nan, -3.0, np.nan, np.nan, np.nan],
            "change": [-5.0, 2.0, 1.0, 0.0, np.nan, -1.0],
            "trend": [-2.0, 1.0, 0.5, np.nan, np.nan, -3.0],
        }
    )


def _flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["u2", "u3"],
            "year": [2024, 2024],
            "node": ["b", "a"],
            "flag": ["imputed", "missing"],
            "detail": ["", "locked"],
        }
    )


@pytest.fixture()
def panel() -> Panel:
    return Panel.from_gaps(_gaps(), flags=_flags())


def _cond(spec: dict) -> object:
    return Rule.model_validate(
        {
            "id": "t",
            "when": spec,
            "severity": "low",
            "actions": ["x"],
            "text": {"de": "t", "en": "t"},
        }
    ).when


def _truth(panel: Panel, spec: dict) -> list[object]:
    """Per unit: True, False or None (unknown)."""
    t = evaluate(_cond(spec), panel)
    return [True if a else (False if b else None) for a, b in zip(t.true, t.false, strict=True)]


def test_panel_rows_are_sorted_units_and_years(panel: Panel) -> None:
    assert list(panel.units) == ["u1", "u2", "u3"]
    assert list(panel.years) == [2024] * 3
    assert panel.nodes == ("a", "b")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"node": "a", "score": {"below": 30}}, [True, False, None]),
        ({"node": "a", "score": {"above": 30}}, [False, True, None]),
        ({"node": "b", "score": {"above": 55, "below": 70}}, [False, True, False]),
        ({"node": "a", "gap": {"to": "target", "above": 60}}, [True, False, None]),
        ({"node": "b", "gap": {"to": "peer_median", "above": 4}}, [False, True, True]),
        ({"node": "b", "gap": {"to": "peer_best", "below": 25}}, [True, True, False]),
        ({"node": "a", "parity": {"below": -10}}, [True, False, None]),
        ({"node": "a", "change": {"below": 0}}, [True, False, None]),
        ({"node": "b", "trend": {"below": 0}}, [False, None, True]),  # u2 has no trend
        ({"node": "b", "flag": "imputed"}, [False, True, False]),
        ({"node": "a", "flag": "missing"}, [False, False, True]),
        ({"node": "a", "flag": "missing:locked"}, [False, False, True]),
        ({"node": "a", "flag": "missing:not_in_data"}, [False, False, False]),
    ],
)
def test_each_condition_type(panel: Panel, spec: dict, expected: list[object]) -> None:
    assert _truth(panel, spec) == expected


def test_combinators_use_three_valued_logic(panel: Panel) -> None:
    low_a = {"node": "a", "score": {"below": 30}}  # T, F, ?
    low_b = {"node": "b", "score": {"below": 30}}  # F, F, T
    assert _truth(panel, {"all": [low_a, low_b]}) == [False, False, None]
    assert _truth(panel, {"any": [low_a, low_b]}) == [True, False, True]  # u3 decided by b
    assert _truth(panel, {"not": low_a}) == [False, True, None]
    assert _truth(panel, {"not": {"any": [low_a, low_b]}}) == [False, True, False]
    nested = {"all": [{"any": [low_a, {"node": "b", "flag": "imputed"}]}, {"not": low_b}]}
    assert _truth(panel, nested) == [True, True, False]


def test_unreliable_cells_are_unknown() -> None:
    reliable = pd.DataFrame({"unit": ["u1"], "year": [2024], "node": ["a"], "reliable": [False]})
    p = Panel.from_gaps(_gaps(), reliable=reliable)
    assert _truth(p, {"node": "a", "score": {"below": 30}}) == [None, False, None]
    # a flag is a fact about the data, so it stays known
    assert _truth(p, {"node": "a", "flag": "imputed"}) == [False, False, False]


# ---- priority -------------------------------------------------------------------------------


def test_priority_formula() -> None:
    # 100 x severity (high = 1) x shortfall (20 of 100 points) x trend factor
    # (trend -5 points a year -> 0.75 + 5/20 = 1)
    assert priority(np.array([1.0]), np.array([20.0]), np.array([0.25]), np.array([-5.0]))[
        0
    ] == pytest.approx(100 * 1 * 0.20 * 1.0)
    # the trend factor is capped at 1 and floored at 0.5; no trend counts as flat (0.75)
    got = priority(np.ones(4), np.full(4, 10.0), np.ones(4), np.array([-50, 50, np.nan, 2]))
    np.testing.assert_allclose(got, [10.0, 5.0, 7.5, 100 * 0.1 * (0.75 - 2 / 20)])
    # a unit ahead of the yardstick has nothing at stake; a missing gap counts as none
    np.testing.assert_allclose(
        priority(np.ones(2), np.array([-4.0, np.nan]), np.ones(2), np.zeros(2)), [0.0, 0.0]
    )
    # the scale ends at 100: a gap beyond the score scale counts as the whole scale
    assert priority(1.0, np.array([250.0]), 1.0, np.array([-9.0]))[0] == pytest.approx(100.0)
    # the weight of the node does not enter: urgency is not diluted by sibling indicators
    assert priority(1.0, np.array([40.0]), 0.01, np.array([0.0]))[0] == pytest.approx(30.0)


def test_priority_bands_and_severity_scale() -> None:
    assert [SEVERITY[s] for s in ("low", "medium", "high")] == pytest.approx([1 / 3, 2 / 3, 1])
    assert [band(v) for v in (0.0, 24.99, 25.0, 49.9, 50.0, 100.0)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]
    assert band(None) == "" and band(float("nan")) == ""
    # a medium rule with the whole scale short and no trend: 100 x 2/3 x 1 x 0.75 is 50 and
    # high (in binary it was 49.99999999999999, medium); low, a third of that, is 25
    at_edges = priority(
        np.array([SEVERITY["medium"], SEVERITY["low"]]), np.full(2, 100.0), 1.0, np.zeros(2)
    )
    assert at_edges.tolist() == [50.0, 25.0]
    assert bands(at_edges).tolist() == ["high", "medium"]
    np.testing.assert_array_equal(
        bands(np.array([np.nan, 10.0, 30.0, 70.0])), np.array(["", "low", "medium", "high"])
    )


def _ruleset(rules: list[dict]) -> RuleSet:
    packaged = load_rules()
    return RuleSet(tuple(Rule.model_validate(r) for r in rules), packaged.actions)


def _rule(rule_id: str, when: dict, severity: str, actions: list[str]) -> dict:
    return {
        "id": rule_id,
        "when": when,
        "severity": severity,
        "actions": actions,
        "text": {"de": "x", "en": "x"},
    }


def test_priority_order_and_deterministic_ties(panel: Panel) -> None:
    rules = _ruleset(
        [
            # u1: gap_target 80 on a, severity low -> 100 * 1/3 * 0.8 * (0.75 + 2/20) (trend -2)
            _rule("z_low_a", {"node": "a", "score": {"below": 30}}, "low", ["mit_mentors"]),
            # u1: b is fine; u2/u3: b behind the median (gap 10 / 5), severity high
            _rule(
                "b_high",
                {"node": "b", "gap": {"to": "peer_median", "above": 4}},
                "high",
                ["mit_networks", "mit_mentors"],
            ),
            # same priority as b_high for every row: tie broken by severity, then rule id
            _rule(
                "a_tie",
                {"node": "b", "gap": {"to": "peer_median", "above": 4}},
                "high",
                ["mint_monitoring"],
            ),
        ]
    )
    firing = fire(rules, panel, {"a": 0.5, "b": 0.5})
    ranked = pd.DataFrame(rank(firing))
    u1 = ranked[ranked["row"] == 0]
    assert list(u1["rule"]) == ["z_low_a"]
    assert u1["priority"].iloc[0] == pytest.approx(100 / 3 * 0.8 * 0.85)
    u2 = ranked[ranked["row"] == 1]
    # priority 100 * 1 * 0.1 * 0.75 = 7.5 for all three actions; a_tie < b_high by id
    np.testing.assert_allclose(u2["priority"], 7.5)
    assert list(u2["action"]) == ["mint_monitoring", "mit_networks", "mit_mentors"]
    assert list(u2["rank"]) == [1, 2, 3]
    u3 = ranked[ranked["row"] == 2]
    # u3: trend -3 -> factor 0.75 + 3/20 = 0.9
    np.testing.assert_allclose(u3["priority"], 100 * 0.05 * 0.9)
    # u3's a is missing: z_low_a is undecided, but nothing is unreliable in the panel -
    # missing scores are marked unreliable by recommend(), not by the panel itself
    assert pd.DataFrame(notes(firing, panel)).empty


def test_an_action_asked_for_twice_is_listed_once(panel: Panel) -> None:
    rules = _ruleset(
        [
            _rule("first", {"node": "a", "score": {"below": 30}}, "high", ["mit_mentors"]),
            _rule("second", {"node": "a", "change": {"below": 0}}, "low", ["mit_mentors"]),
        ]
    )
    ranked = pd.DataFrame(rank(fire(rules, panel, {"a": 1.0, "b": 0.0})))
    u1 = ranked[ranked["row"] == 0]
    assert list(u1["action"]) == ["mit_mentors"]
    assert u1["rule"].iloc[0] == "first"
    assert u1["rules"].iloc[0] == ("first", "second")


# ---- recommend() on scored data -------------------------------------------------------------

SMALL_RULES = {
    "rules": [
        _rule(
            "council_low",
            {
                "any": [
                    {"node": "council_share", "score": {"below": 50}},
                    {"node": "council_share", "gap": {"to": "peer_median", "above": 10}},
                ]
            },
            "high",
            ["mit_training_programme", "mit_mentors"],
        ),
        _rule(
            "kita_gap",
            {"node": "kita_parity", "parity": {"below": -10}},
            "medium",
            ["m3_integration_guides"],
        ),
    ]
}
SMALL_RULES["rules"][0]["text"] = {
    "de": "{node}: {score} (Median {peer_median}, {gap_peer_median} darunter)",
    "en": "{node}: {score} (median {peer_median}, {gap_peer_median} below)",
}


@pytest.fixture()
def rules_file(tmp_path) -> object:
    import yaml

    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(SMALL_RULES, allow_unicode=True), encoding="utf-8")
    return path


def _score(units: dict[str, dict[str, float]], fw: mi.Framework) -> mi.Results:
    return mi.score(small_dataset(units), fw, normalise="goalposts")


def test_recommend_known_answer(small_framework: mi.Framework, rules_file) -> None:
    # council share: 6 of 30 -> 20 % -> goalposts 0..40 -> 50 points; 2 of 30 -> 16.7 points
    parity = {"kita_mig": 40.0}  # 80 % as in the reference group: the Kita rule is quiet
    res = _score({"A": parity, "B": {**parity, "council_migrant": 2.0}}, small_framework)
    recs = recommend(res, rules_file, lang="en")
    b = recs.for_unit("B")
    assert list(b["action"]) == ["mit_training_programme", "mit_mentors"]
    score = 2 / 30 * 100 / 40 * 100
    median = (score + 50.0) / 2
    trend = 0.75  # one year: no trend yet
    np.testing.assert_allclose(b["priority"], (100 - score) * trend)  # high, gap to target
    assert b["gap_kind"].tolist() == ["gap_target"] * 2
    assert b["text"].iloc[0] == (
        f"Councillors with a migration background: {score:.1f} "
        f"(median {median:.1f}, {median - score:.1f} below)"
    )
    assert f"peer median {median:.1f}, {median - score:.1f} points below" in b["evidence"][0]
    # the value with its indicator's one decimal and CLDR's "%", as the scorecard shows it
    assert f"value {2 / 30 * 100:.1f}%" in b["evidence"][0]
    de = recs.for_unit("B", lang="de")
    assert (
        de["text"]
        .iloc[0]
        .startswith(f"Ratsmitglieder mit Migrationsgeschichte: {score:.1f}".replace(".", ","))
    )
    # A sits exactly on 50 points: "below 50" is strict, and it is ahead of the median
    assert recs.to_frame()["unit"].eq("A").sum() == 0


def test_data_quality_note_instead_of_a_recommendation(
    small_framework: mi.Framework, rules_file
) -> None:
    # B's council has 5 seats, below min_denominator 10: its low share is unreliable
    parity = {"kita_mig": 40.0}
    res = _score(
        {
            "A": parity,
            "B": {**parity, "council_seats": 5.0, "council_migrant": 0.0},
            "C": {**parity, "council_seats": 5.0, "council_migrant": 3.0},
        },
        small_framework,
    )
    recs = recommend(res, rules_file, lang="en")
    b = recs.for_unit("B")
    assert (b["kind"] == "action").sum() == 0
    note = b[b["kind"] == "note"].iloc[0]
    assert note["node"] == "council_share" and note["reason"] == "unreliable"
    assert note["rules"] == ("council_low",)
    assert "too few cases" in note["evidence"]
    # C's unreliable numbers say the rule does not apply (60 % -> 100 points): no note
    assert recs.to_frame()["unit"].eq("C").sum() == 0


def test_missing_and_imputed_data_give_notes(small_framework: mi.Framework, rules_file) -> None:
    long = make_small_long(units=4, years=(2023, 2024))
    drop = (long["unit"] == "01001000") & (long["variable"] == "council_migrant")
    long.loc[drop & (long["year"] == 2023), "value"] = 1.0  # low: carried forward, it fires
    long.loc[drop & (long["year"] == 2024), "value"] = np.nan
    res = mi.score(
        mi.Dataset.from_long(long),
        small_framework,
        normalise="goalposts",
        impute={"method": "locf"},
    )
    recs = recommend(res, rules_file)
    mine = recs.for_unit("01001000", 2024)
    notes = mine[mine["kind"] == "note"]
    assert list(notes["node"]) == ["council_share"]
    assert notes["reason"].iloc[0] == "imputed"
    assert "council_share" not in set(mine.loc[mine["kind"] == "action", "node"])
    res2 = mi.score(mi.Dataset.from_long(long), small_framework, normalise="goalposts")
    notes2 = recommend(res2, rules_file).for_unit("01001000", 2024)
    assert notes2.loc[notes2["kind"] == "note", "reason"].tolist() == ["missing"]


def test_recommendations_api(small_framework: mi.Framework, rules_file) -> None:
    res = mi.score(
        mi.Dataset.from_long(make_small_long(units=5, years=(2022, 2023, 2024))),
        small_framework,
        normalise="goalposts",
    )
    recs = recommend(res, rules_file, lang="de")
    frame = recs.to_frame()
    assert {"title_de", "title_en", "evidence_de", "evidence_en", "text_de", "text_en"} <= set(
        frame.columns
    )
    en = recs.to_frame("en")
    assert {"title", "evidence", "text"} <= set(en.columns) and "title_de" not in en.columns
    assert len(recs) == int((frame["kind"] == "action").sum())
    # ranks run 1..k within each unit and year, by falling priority
    for _, group in recs.actions.groupby(["unit", "year"]):
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        assert group["priority"].is_monotonic_decreasing
    latest = recs.for_unit(frame["unit"].iloc[0])
    assert latest["year"].nunique() == 1 and "title" in latest.columns
    with pytest.raises(MintIndexError, match="no recommendations"):
        recs.for_unit("nowhere")
    with pytest.raises(MintIndexError, match="unknown language"):
        recs.to_frame("fr")
    # one year's rows, with the same texts as in the whole frame
    one = recs.to_frame("en", year=2023).reset_index(drop=True)
    whole = en[en["year"] == 2023].reset_index(drop=True)
    assert len(one) > 0 and set(one["year"]) == {2023}
    pd.testing.assert_frame_equal(one, whole)
    data = recs.to_dict()
    json.dumps(data)  # JSON-serialisable as is
    again = recommend(res, rules_file, lang="de").to_json()
    assert recs.to_json() == again  # deterministic
    assert json.loads(again) == data
    # what they were made from, named as every provenance block names a framework
    assert data["framework"] == {
        "id": res.framework.framework.id,
        "version": res.framework.framework.version,
        "sha256": res.framework.sha256,
    }
    assert data["rules_sha256"] == recs.ruleset.sha256 and "framework_sha256" not in data
    first = data["results"][0]
    assert set(first) == {"unit", "year", "actions", "in_place", "notes"}
    assert set(first["actions"][0]["title"]) == {"de", "en"}
    keys = [(r["unit"], r["year"]) for r in data["results"]]
    assert keys == sorted(keys)
    html = recs._repr_html_()
    assert html.startswith("<p><b>Recommendations(") and "<script" not in html
    # priorities read as in a German report: whole points "von 100", cut off (so the
    # number shown and its band agree: 24.6 is 24, low)
    shown = frame[(frame["kind"] == "action") & (frame["year"] == frame["year"].max())]
    shown = shown[shown["rank"] <= 3].head(20)
    written = re.findall(r"<td>(\d+) von 100 \((?:high|medium|low)\)</td>", html)
    assert sorted(map(int, written)) == sorted(math.floor(p) for p in shown["priority"])


def test_packaged_rules_that_do_not_fit_another_framework_are_skipped(
    small_framework: mi.Framework, tmp_path: Path
) -> None:
    """The packaged rules are written for the default framework: with another one, the rules
    it cannot evaluate are left out with ONE warning naming them, not an error per node."""
    res = mi.score(
        mi.Dataset.from_long(make_small_long(units=2)), small_framework, normalise="goalposts"
    )
    packaged = load_rules()
    nodes = set(small_framework.node_ids)
    fitting = [r.id for r in packaged.rules if set(r.nodes()) <= nodes]
    with pytest.warns(RulesSkippedWarning) as caught:
        recs = recommend(res)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"{len(packaged.rules) - len(fitting)} of {len(packaged.rules)}" in message
    assert "unknown node 'council_representation'" in message
    assert set(recs.to_frame()["rule"].dropna()) <= set(fitting)
    own = tmp_path / "rules.yaml"  # a user's own rules must fit: a typo stays an error
    rule = packaged.rules[0].model_dump(mode="json", by_alias=True, exclude_none=True)
    own.write_text(json.dumps({"rules": [rule]}), encoding="utf-8")
    with pytest.raises(mi.RuleError, match="unknown node"):
        recommend(res, own)
    with pytest.raises(MintIndexError, match="unknown language"):
        recommend(res, lang="fr")


def test_packaged_rules_on_the_example_district() -> None:
    res = mi.score(mi.example_data())
    recs = recommend(res)
    actions = recs.actions
    assert len(actions) > 0 and len(recs.notes) > 0
    assert set(actions["action"]) <= set(load_rules().actions)
    assert not actions["source"].str.contains(r"[0-9a-f]{16}|\.txt").any()  # no file names
    assert (actions["evidence_de"] != "").all() and (actions["text_en"] != "").all()
    assert not actions["text_en"].str.contains(r"\{").any()  # every placeholder filled


# ---- the monotonicity property --------------------------------------------------------------


@pytest.fixture(scope="module")
def default_setup() -> tuple[mi.Framework, RuleSet, np.ndarray]:
    fw = mi.default_framework()
    rules = load_rules(framework=fw)
    shares = weight_shares(Plan.resolve(mi.BuildSpec(framework=fw)))
    weights = shares[fw.node_ids.index(fw.index.id)]
    return fw, rules, weights


def _about(
    rules: RuleSet, scores: np.ndarray, fw: mi.Framework, weights: np.ndarray, unit: int, node: str
) -> set[tuple[str, int]]:
    """(rule, year) of the recommendations about ``node`` for ``unit``."""
    n_y = scores.shape[0]
    table = gap_table(
        scores,
        np.arange(2020, 2020 + n_y),
        [f"u{i}" for i in range(scores.shape[1])],
        fw.node_ids,
        ["g"] * scores.shape[1],
        targets=np.full((n_y, len(fw.node_ids)), 100.0),
    )
    panel = Panel.from_gaps(table, nodes=fw.node_ids)
    firing = fire(rules, panel, weights)
    about = np.flatnonzero(firing.focus == fw.node_ids.index(node))
    rule, row = np.nonzero(firing.fired[about])
    mine = row // n_y == unit
    years = row[mine] % n_y
    return {(rules.rules[about[r]].id, int(y)) for r, y in zip(rule[mine], years, strict=True)}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    unit=st.integers(0, 4),
    node_pos=st.integers(0, 200),
    raises=st.lists(st.floats(0.0, 60.0), min_size=3, max_size=3),
)
def test_raising_scores_never_adds_a_recommendation_about_that_node(
    default_setup: tuple[mi.Framework, RuleSet, np.ndarray],
    seed: int,
    unit: int,
    node_pos: int,
    raises: list[float],
) -> None:
    fw, rules, weights = default_setup
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0, 100, (3, 5, len(fw.node_ids)))
    scores[rng.random(scores.shape) < 0.1] = np.nan
    focus_nodes = sorted({r.focus for r in rules.rules})
    node = focus_nodes[node_pos % len(focus_nodes)]
    before = _about(rules, scores, fw, weights, unit, node)
    better = scores.copy()
    # raise by a non-decreasing amount per year, so no year's change or trend gets worse
    better[:, unit, fw.node_ids.index(node)] += np.sort(raises)
    after = _about(rules, better, fw, weights, unit, node)
    assert after <= before


def test_unit_base_values_are_what_the_known_answers_assume() -> None:
    assert SMALL_BASE["council_seats"] == 30.0 and SMALL_BASE["council_migrant"] == 6.0


# ---- one entry per measure; measures in place ------------------------------------------------


@pytest.fixture(scope="module")
def example() -> mi.Results:
    return mi.score(mi.example_data())


def test_one_entry_per_unit_and_measure_with_every_rules_evidence(example: mi.Results) -> None:
    recs = recommend(example, lang="de")
    actions = recs.to_frame("de")
    actions = actions[actions["kind"] == "action"]
    assert not actions.duplicated(["unit", "year", "action"]).any()
    catalog = load_rules()
    fw = example.framework
    merged = actions[actions["rules"].map(lambda r: len({catalog.rule(x).focus for x in r}) > 1)]
    assert len(merged) > 0
    for row in merged.head(50).itertuples():
        nodes = list(dict.fromkeys(catalog.rule(x).focus for x in row.rules))
        parts = row.evidence.split(" | ")
        assert len(parts) == len(nodes)  # one sentence per node asked about
        for node in nodes:
            assert any(p.startswith(fw.label(node, "de") + ":") for p in parts), node


def test_priority_scale_and_bands_in_the_output(example: mi.Results) -> None:
    frame = recommend(example).to_frame("en")
    acts = frame[frame["kind"] == "action"]
    assert acts["priority"].between(0, 100).all()
    expected = np.where(
        acts["priority"] >= 50, "high", np.where(acts["priority"] >= 25, "medium", "low")
    )
    assert (acts["band"].to_numpy() == expected).all()


def test_a_measure_in_the_register_is_not_recommended_again(example: mi.Results) -> None:
    plain = recommend(example).actions
    latest = plain[plain["year"] == 2024]
    unit, measure = latest.iloc[0][["unit", "action"]]
    register = pd.DataFrame({"unit": [unit], "measure": [measure], "since": [2020]})
    recs = recommend(example, measures=register, lang="de")
    mine = recs.actions[(recs.actions["unit"] == unit) & (recs.actions["action"] == measure)]
    assert list(mine["year"]) == [
        y for y in plain[(plain["unit"] == unit) & (plain["action"] == measure)]["year"] if y < 2020
    ]
    # the other measures move up: ranks stay 1..k
    for _, group in recs.actions.groupby(["unit", "year"]):
        assert list(group["rank"]) == list(range(1, len(group) + 1))
    placed = recs.in_place
    placed = placed[(placed["unit"] == unit) & (placed["action"] == measure)]
    assert list(placed["year"]) == [2020, 2021, 2022, 2023, 2024]
    assert all(e.startswith("seit 2020 vorhanden") for e in placed["evidence_de"])


def test_recommendations_never_list_a_measure_in_place(example: mi.Results) -> None:
    register = mi.example_measures()
    recs = recommend(example, measures=register)
    acts = recs.actions
    for row in register.frame.itertuples():
        end = 9999 if pd.isna(row.end) else row.end
        asked = acts[(acts["unit"] == row.unit) & (acts["action"] == row.measure)]
        assert not asked["year"].between(row.since, end).any(), row
    # nor anything listed as in place in the same year
    placed = recs.in_place[["unit", "year", "action"]]
    both = acts[["unit", "year", "action"]].merge(placed, how="inner")
    assert both.empty
    # a measure that ended is recommended again (or at least not in place) after its end
    ended = placed[(placed["unit"] == "08999009") & (placed["action"] == "m3_encounter_places")]
    assert list(ended["year"]) == [2021, 2022, 2023]


def test_a_measure_with_nothing_to_be_judged_on_says_so(example: mi.Results) -> None:
    """An action whose only indicator is the yes/no one that shows it is there (the
    welcome service, the interpreter pool) has no effect to be judged on. It read "cannot
    be estimated yet (too few years of data or comparable municipalities)" in the
    register, and "estimated once it is in the measures register" outside it: promises
    that never come. Both read ``no_outcome`` now; a measure with outcomes keeps its
    verdict."""
    rules = load_rules()
    nothing = {a.id for a in rules.actions.values() if len(a.indicators) == 1}
    fw = example.framework
    nothing = {m for m in nothing if fw.indicator(rules.actions[m].indicators[0]).answer_levels()}
    assert "mint_welcome_service" in nothing and "vopi_barrier_analysis" not in nothing
    # Kaltenau's welcome service in the register: its indicator is at level 2 from 2022
    registered = pd.DataFrame(
        {"unit": ["08999003"], "measure": ["mint_welcome_service"], "since": [2022]}
    )
    register = pd.concat([mi.example_measures().frame, registered], ignore_index=True)
    recs = recommend(example, measures=register, lang="en")
    placed = recs.in_place
    review = dict(zip(placed["action"].astype(str), placed["review"].astype(str), strict=True))
    welcome = placed[placed["action"] == "mint_welcome_service"]
    assert (welcome["unit"] == "08999003").any()  # the registered one among them
    assert set(placed.loc[placed["action"].isin(nothing), "review"].astype(str)) == {"no_outcome"}
    assert review["vopi_barrier_analysis"] != "no_outcome"
    texts = recs.to_frame().query("kind == 'in_place' and action == 'mint_welcome_service'")
    assert texts["evidence_en"].str.endswith("so there is no effect to judge it on").all()


def test_a_measure_that_can_never_be_estimated_never_waits(example: mi.Results) -> None:
    """Needs surveys in Auenthal since 2022: the only town of its size, so no estimate
    will ever come (``no_comparison``). Before its horizon it read "an effect is not
    expected before 2023", after it "cannot be estimated yet": both promised one."""
    surveys = pd.DataFrame(
        {"unit": ["08999001"], "measure": ["mit_needs_surveys"], "since": [2022]}
    )
    register = pd.concat([mi.example_measures().frame, surveys], ignore_index=True)
    table = mi.effects(example, register)
    rows = table[(table["kind"] == "unit") & (table["measure"] == "mit_needs_surveys")]
    assert set(rows["role"]) == {"outcome"} and set(rows["status"]) == {"no_comparison"}
    recs = recommend(example, measures=register, lang="en")
    placed = recs.to_frame().query("kind == 'in_place' and action == 'mit_needs_surveys'")
    auenthal = placed[placed["unit"] == "08999001"]
    assert sorted(auenthal["year"]) == [2022, 2023, 2024]
    assert set(auenthal["review"]) == {"unknown"}
    assert auenthal["evidence_en"].str.contains("cannot be estimated from these data").all()
    assert not auenthal["evidence_en"].str.contains("yet|not expected before").any()


def test_what_a_measure_provides_is_shown_but_never_judged_as_its_effect() -> None:
    """Six villages hold two more multiplier events a year from the year they start the
    conferences - which is what the measure is. The estimate sees the rise (the events are
    the action's ``outputs``), but the measure is not "working": the catalog names no
    outcome for it (``no_outcome``)."""
    data = mi.example_data()
    long = data.long.copy()
    adopters = ["08999015", "08999017", "08999019", "08999021", "08999023", "08999025"]
    more = (
        (long["variable"] == "multiplier_events")
        & long["unit"].isin(adopters)
        & (long["year"] >= 2022)
    )
    long.loc[more, "value"] += 2
    res = mi.score(mi.Dataset.from_long(long, units=data.units))
    register = pd.DataFrame({"unit": adopters, "measure": "mit_conferences", "since": 2022})
    table = mi.effects(res, register)
    pooled = table[table["kind"] == "pooled"].iloc[0]
    # the planted rise is +2 events in every adopter's later years: the estimate finds it
    assert pooled["indicator"] == "multiplier_events_held" and pooled["role"] == "output"
    assert pooled["low"] > 0 and pooled["effect"] == pytest.approx(2.0, abs=0.5)
    assert mi.measure_review(res, table).empty  # no outcome row to judge it by
    placed = recommend(res, measures=register, lang="en").in_place
    conferences = placed[placed["action"] == "mit_conferences"]
    assert set(conferences["unit"]) == set(adopters)
    assert set(conferences["review"]) == {"no_outcome"}
    summary = mi.effects_context(res, table, "en")["pooled"][0]["sentence"]
    assert "(what the measure provides, not its effect): rose by" in summary


def test_a_spell_only_the_indicator_shows_is_not_estimated_though_another_is_registered(
    example: mi.Results,
) -> None:
    """A welcome service judged by volunteers (a custom catalog): Sonnbach's register row
    covers 2019-2020, its indicator shows the service again from 2023. The later spell has
    no effect rows, so it reads ``not_estimated`` as for a town without a register row,
    not "wait" and then "cannot be estimated yet" (the unit used to count as registered
    for every spell)."""
    from dataclasses import replace

    rules = load_rules()
    welcome = rules.actions["mint_welcome_service"]
    judged = welcome.model_copy(
        update={"indicators": ["welcome_service", "volunteers_representation"]}
    )
    rules = replace(rules, actions={**rules.actions, "mint_welcome_service": judged})
    sonnbach = "08999007"
    shown = example.scores["welcome_service"].unstack("year").loc[sonnbach] >= 100
    later = [int(y) for y in shown.index if shown[y] and y >= 2022]
    assert later and not shown[2021]  # the case as the example data have it
    register = pd.DataFrame(
        {"unit": [sonnbach], "measure": ["mint_welcome_service"], "since": [2019], "end": [2020]}
    )
    placed = recommend(example, rules, measures=register, lang="en").in_place
    mine = placed[(placed["unit"] == sonnbach) & (placed["action"] == "mint_welcome_service")]
    review = dict(zip(mine["year"], mine["review"].astype(str), strict=True))
    assert {year: review[year] for year in later} == dict.fromkeys(later, "not_estimated")
    assert {review[2019], review[2020]} <= {"wait", "working", "review", "unknown"}


def test_a_measure_the_framework_cannot_judge_reads_no_outcome(example: mi.Results) -> None:
    """An action none of whose indicators the framework has (a catalog written for a
    larger framework) read "wait", then "cannot be estimated yet"; it has no outcome
    here."""
    from dataclasses import replace

    rules = load_rules()
    conferences = rules.actions["mit_conferences"]
    elsewhere = conferences.model_copy(update={"indicators": ["conference_reach"]})
    rules = replace(rules, actions={**rules.actions, "mit_conferences": elsewhere})
    with pytest.warns(UnmeasurableMeasuresWarning):
        placed = recommend(example, rules, measures=mi.example_measures(), lang="en").in_place
    conferences_in_place = placed[placed["action"] == "mit_conferences"]
    assert len(conferences_in_place) and set(conferences_in_place["review"]) == {"no_outcome"}


def test_a_measure_in_place_with_a_visible_effect_reads_working(example: mi.Results) -> None:
    register = mi.example_measures()
    recs = recommend(example, measures=register, lang="en")
    # independently: the unit rows of mi.effects whose interval lies above zero
    table = mi.effects(example, register)
    rows = table[(table["kind"] == "unit") & (table["measure"] == "vopi_barrier_analysis")]
    visible = set(rows.loc[(rows["status"] == "estimated") & (rows["low"] > 0), "unit"])
    assert visible  # the example's planted effect
    placed = recs.in_place
    placed = placed[(placed["year"] == 2024) & (placed["action"] == "vopi_barrier_analysis")]
    working = set(placed.loc[placed["review"] == "working", "unit"])
    assert working == visible
    for text in placed.loc[placed["review"] == "working", "evidence_en"]:
        assert "an effect is visible" in text


def test_a_measure_without_visible_effect_after_its_horizon_is_flagged(
    example: mi.Results,
) -> None:
    # mentors (short horizon: one year) begun 2021 in three villages without a planted
    # effect: by 2024 the horizon has passed
    register = pd.DataFrame(
        {
            "unit": ["08999010", "08999012", "08999014"],
            "measure": ["mit_mentors"] * 3,
            "since": [2021, 2022, 2021],
        }
    )
    table = mi.effects(example, register)
    rows = table[(table["kind"] == "unit") & (table["role"] == "outcome")]
    # the case as built: an outcome estimated in every village, every interval includes zero
    estimated = rows[rows["status"] == "estimated"]
    assert set(estimated["unit"]) == set(register["unit"])
    assert ((estimated["low"] <= 0) & (estimated["high"] >= 0)).all()
    recs = recommend(example, measures=register, lang="de")
    flagged = recs.to_review
    latest = flagged[(flagged["year"] == 2024) & (flagged["action"] == "mit_mentors")]
    assert set(latest["unit"]) == set(register["unit"])
    for row in latest.itertuples():
        assert row.evidence_de.startswith(f"seit {register.set_index('unit').since[row.unit]}")
        assert "Wirkung noch nicht sichtbar" in row.evidence_de
        assert "keine Wirkung" not in row.evidence_de  # never claims there is none
    # before the horizon has passed it is too early, not a review
    early = recs.in_place
    early = early[(early["unit"] == "08999012") & (early["year"] == 2022)]
    assert list(early["review"]) == ["wait"]
    assert "nicht vor 2023" in early["evidence_de"].iloc[0]
    english = recommend(example, measures=register, lang="en").to_review
    assert english["evidence_en"].str.contains("no effect visible yet").all()
    assert set(english.loc[english["action"] == "mit_mentors", "unit"]) == set(register["unit"])
    # never recommended while in place
    acts = recs.actions
    begun = register.rename(columns={"since": "begun"})[["unit", "begun"]]
    asked = acts[acts["action"] == "mit_mentors"].merge(begun, on="unit")
    assert len(asked) and (asked["year"] < asked["begun"]).all()


def test_framework_yes_no_indicators_mark_measures_in_place(example: mi.Results) -> None:
    recs = recommend(example)
    welcome = example.scores["welcome_service"].unstack("year")
    there = welcome[2024] >= 100
    assert there.any() and (~there).any()
    acts = recs.actions
    recommended = set(
        acts[(acts["year"] == 2024) & (acts["action"] == "mint_welcome_service")]["unit"]
    )
    assert not recommended & set(welcome.index[there].astype(str))
    placed = recs.in_place
    placed = placed[(placed["year"] == 2024) & (placed["action"] == "mint_welcome_service")]
    assert set(placed["unit"]) == set(welcome.index[there].astype(str))
    first_year = min(example.years)
    texts = recs.to_frame().query("kind == 'in_place' and action == 'mint_welcome_service'")
    texts = texts.set_index(["unit", "year"])["evidence_en"]
    for row in placed.itertuples():
        run = welcome.loc[row.unit] >= 100
        since = 2024
        while since - 1 in run.index and run[since - 1]:
            since -= 1
        assert row.since == since
        # there since the data begin: it may have begun earlier, and says so
        assert row.since_at_least == (since == first_year)
        said = "at least since" if since == first_year else "since"
        assert texts[(row.unit, 2024)].startswith(f"in place {said} {since}")
    assert set(placed["since_at_least"]) == {True, False}  # the example has both


def test_a_bad_register_lists_every_problem(example: mi.Results) -> None:
    register = pd.DataFrame(
        {
            "unit": ["08999001", "08999002"],
            "measure": ["no_such", "mit_mentors"],
            "since": [2020, "soon"],
        }
    )
    with pytest.raises(mi.DataValidationError) as info:
        recommend(example, measures=register)
    failures = info.value.failures
    assert set(failures["code"]) == {"unknown_measure", "invalid_year"}
    assert list(failures["row"]) == [0, 1]
    with pytest.raises(mi.DataValidationError, match="missing"):
        recommend(example, measures=pd.DataFrame({"unit": ["x"]}))


def test_measures_known_only_from_a_yes_no_indicator_are_not_estimated(
    example: mi.Results,
) -> None:
    # without a register nothing is estimated: a yes/no measure with an outcome besides
    # its yes/no indicator is in place, unjudged (the packaged catalog's yes/no measures
    # name no outcome, so one is given one here)
    from dataclasses import replace

    rules = load_rules()
    welcome = rules.actions["mint_welcome_service"]
    with_outcome = welcome.model_copy(
        update={"indicators": [*welcome.indicators, "naturalisation_rate"]}
    )
    rules = replace(rules, actions={**rules.actions, "mint_welcome_service": with_outcome})
    placed = recommend(example, rules, lang="en").in_place
    judged = placed[placed["action"] == "mint_welcome_service"]
    assert len(judged) and set(judged["review"]) == {"not_estimated"}
    assert judged["evidence_en"].str.contains("once it is in the measures register").all()
    others = placed[placed["action"] != "mint_welcome_service"]
    assert set(others["review"]) == {"no_outcome"}


def test_the_register_may_be_a_file_a_frame_or_a_loaded_register(example: mi.Results) -> None:
    from mint_index.examples import EXAMPLE_MEASURES_FILE
    from mint_index.resources import catalog_path

    path = catalog_path("examples") / EXAMPLE_MEASURES_FILE
    loaded = mi.example_measures()
    frames = [
        recommend(example, measures=m).in_place[["unit", "year", "action", "review"]]
        for m in (path, str(path), loaded, loaded.frame)
    ]
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


def test_parity_gap_units_read_naturally() -> None:
    """The unit of a ratio ("Verhältnis") names the value and is read first; the gap of a
    ratio (ratio minus 1) is a plain number, while a gap between two rates keeps its
    unit: "Paritätslücke −0,92", "Paritätslücke −5,3 Prozentpunkte". Each takes its
    indicator's decimals: two for a ratio, one for percentage points."""
    from mint_index.recommendations.texts import evidence

    nan = float("nan")
    numbers = {
        "score": np.array([40.0, 50.0, 30.0]),
        "value": np.array([0.08, 12.5, 0.5]),
        "parity_gap": np.array([-0.92, -5.25, nan]),
        "gap_peer_median": np.full(3, nan),
        "gap_target": np.full(3, nan),
        "change": np.full(3, nan),
        "trend": np.full(3, nan),
    }
    first = np.array([True, False, True])
    decimals = np.array([2, 1, 2])
    years = np.array([2023, 2023, 2023])
    de = evidence(
        numbers,
        np.array(["Rat", "Kita", "Beirat"], dtype=object),
        np.array(["Verhältnis", "Prozentpunkte", "Verhältnis"], dtype=object),
        years,
        "de",
        first,
        decimals,
    )
    assert de.tolist() == [
        "Rat: Punktwert 40,0 von 100 (Paritätslücke \u22120,92)",
        "Kita: Punktwert 50,0 von 100 (Paritätslücke \u22125,3\xa0Prozentpunkte)",  # away from 0
        "Beirat: Punktwert 30,0 von 100 (Wert Verhältnis\xa00,50)",
    ]
    en = evidence(
        numbers,
        np.array(["Council", "Childcare", "Board"], dtype=object),
        np.array(["ratio", "percentage points", "ratio"], dtype=object),
        years,
        "en",
        first,
        decimals,
    )
    assert en.tolist()[:2] == [
        "Council: score 40.0 of 100 (parity gap \u22120.92)",
        "Childcare: score 50.0 of 100 (parity gap \u22125.3\xa0percentage points)",
    ]
