"""The default MINT framework (indicators/*.yaml): complete, consistent, documented."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError

import mint_index as mi
from mint_index.framework.model import Indicator, ParityCompute, RatioCompute, Variable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fw() -> mi.Framework:
    return mi.default_framework()


@pytest.fixture(scope="module")
def docs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_indicators", ROOT / "docs" / "generate_indicators.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loads_and_passes_its_own_validation(fw: mi.Framework) -> None:
    assert fw.framework.id == "mint"
    # Rebuilding from plain data runs every cross-item check again.
    again = mi.Framework.model_validate(fw.to_dict())
    assert again.sha256 == fw.sha256
    assert mi.load_framework(ROOT / "indicators").sha256 == fw.sha256


def test_size_and_shape_as_the_issue_asks(fw: mi.Framework) -> None:
    domains = fw.children[fw.index.id]
    assert domains == [
        "participation",
        "administration",
        "education",
        "work",
        "citizenship",
        "social",
    ]
    assert 35 <= len(fw.indicators) <= 50
    for domain in domains:
        dimensions = fw.children[domain]
        assert len(dimensions) >= 2, domain
        for dim in dimensions:
            assert not fw.is_indicator(dim), f"{dim}: indicators sit in dimensions"
            assert fw.children[dim], dim
            assert all(fw.is_indicator(k) for k in fw.children[dim])
    assert all(fw.levels[i] == 1 for i in fw.indicator_ids)
    assert fw.levels[fw.index.id] == 4


def test_every_text_in_both_languages(fw: mi.Framework) -> None:
    for node in [fw.index, *fw.nodes]:
        assert node.label.de.strip() and node.label.en.strip(), node.id
        assert node.description is not None, node.id
        assert node.description.de.strip() and node.description.en.strip(), node.id
    for ind in fw.indicators:
        for text in (ind.name, ind.description):
            assert text.de.strip() and text.en.strip(), ind.id
        assert ind.description.de != ind.description.en, f"{ind.id}: untranslated"
    for var in fw.variables:
        assert var.label is not None, var.id
        assert var.label.de.strip() and var.label.en.strip(), var.id
    for ind in fw.indicators:  # a unit in words needs both languages; a symbol needs none
        if isinstance(ind.unit, str):
            assert not any(ch.isalpha() for ch in ind.unit), f"{ind.id}: unit {ind.unit!r}"


@pytest.mark.parametrize("field", ["source", "goalposts", "direction", "weight", "unit"])
def test_every_indicator_has(fw: mi.Framework, field: str) -> None:
    for ind in fw.indicators:
        value = getattr(ind, field)
        assert value is not None, f"{ind.id}: no {field}"
    for ind in fw.indicators:
        assert ind.source.publisher.strip(), ind.id
        assert ind.source.table or ind.source.url, f"{ind.id}: source needs a table or link"
        assert ind.goalposts is not None and ind.goalposts.rationale, f"{ind.id}: rationale"
        # a weight of 0 is a context indicator, and its description says why it does not count
        assert ind.weight > 0 or (
            "Kontextindikator (Gewicht 0)" in ind.description.de
            and "Context indicator (weight 0)" in ind.description.en
        ), ind.id


def test_ratios_have_a_minimum_denominator(fw: mi.Framework) -> None:
    for ind in fw.indicators:
        if isinstance(ind.compute, (RatioCompute, ParityCompute)):
            assert ind.min_denominator is not None and ind.min_denominator > 0, ind.id


def test_structural_indicators_are_scored_in_mipex_style(fw: mi.Framework) -> None:
    structural = [ind for ind in fw.indicators if ind.kind in ("binary", "ordinal")]
    assert len(structural) >= 5
    for ind in structural:
        levels = ind.answer_levels()
        scores = sorted(level.score for level in levels)
        assert scores[0] == 0 and scores[-1] == 100, ind.id
        assert set(scores) <= {0, 50, 100}, ind.id
        assert all(level.label is not None for level in levels), ind.id
        assert ind.direction == "higher"
        assert ind.goalposts is not None
        assert (ind.goalposts.lower, ind.goalposts.upper) == (0, 100), ind.id
        assert fw.variable_map[ind.compute.variable].unit == "code"


def _parity_point(ind: Indicator) -> float:
    assert isinstance(ind.compute, ParityCompute)
    return 0.0 if ind.compute.mode == "difference" else 1.0


def test_parity_is_the_best_end_of_the_goalposts(fw: mi.Framework) -> None:
    parity = [ind for ind in fw.indicators if ind.kind == "parity_gap"]
    assert len(parity) >= 10
    for ind in parity:
        point = _parity_point(ind)
        assert ind.goalposts is not None
        best = ind.goalposts.upper if ind.direction == "higher" else ind.goalposts.lower
        assert best == point, f"{ind.id}: parity ({point}) must score 100"
        if ind.target is not None:
            assert ind.target.value == point, ind.id
            assert ind.target.source, ind.id


def test_rates_in_percent_have_bounded_goalposts(fw: mi.Framework) -> None:
    for ind in fw.indicators:
        c = ind.compute
        if ind.kind == "rate" and isinstance(c, RatioCompute) and c.scale == 100:
            assert ind.goalposts is not None
            assert 0 <= ind.goalposts.lower < ind.goalposts.upper <= 100, ind.id


def test_variables_declared_and_used_exactly(fw: mi.Framework) -> None:
    declared = {v.id for v in fw.variables}
    used = set(fw.required_variables())
    assert used - declared == set(), "used but not declared"
    assert declared - used == set(), "declared but never used"
    assert declared.isdisjoint(fw.node_ids), "a variable and a node share an id"


def test_ratio_parts_are_counts_of_the_same_population(fw: mi.Framework) -> None:
    units = {v.id: v.unit for v in fw.variables}
    for ind in fw.indicators:
        c = ind.compute
        if isinstance(c, RatioCompute):
            assert units[c.denominator] == "count", ind.id
        if isinstance(c, ParityCompute):
            assert units[c.group.denominator] == units[c.reference.denominator] == "count"


def test_defaults_and_peer_groups(fw: mi.Framework) -> None:
    assert fw.defaults.normalise is not None and fw.defaults.normalise.method == "goalposts"
    assert fw.defaults.aggregate is not None
    assert fw.defaults.aggregate.as_dict() == {"method": "arithmetic", "min_share": 0.5}
    assert fw.peer_groups.column == "size_class"
    assert fw.peer_groups.breaks == [5000, 20000, 50000, 100000]
    assert fw.peer_groups.labels is not None and len(fw.peer_groups.labels) == 5


def test_participation_is_the_weighted_core(fw: mi.Framework) -> None:
    weights = {d: fw.node(d).weight for d in fw.children[fw.index.id]}
    assert weights["participation"] == max(weights.values()) > 1
    assert fw.indicator("council_representation").weight == 2


def test_docs_are_up_to_date(docs_script: ModuleType, fw: mi.Framework) -> None:
    page = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert page == docs_script.render(fw), "run python docs/generate_indicators.py"
    assert docs_script.main(["--check"]) == 0
    for ind in fw.indicators:
        assert f"#### `{ind.id}` – {ind.name.en}" in page
    for var in fw.variables:
        assert f"| `{var.id}` |" in page


def test_docs_check_fails_when_stale(
    docs_script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "docs" / "indicators.md"
    stale.parent.mkdir()
    stale.write_text("# hand-edited\n", encoding="utf-8")
    monkeypatch.setattr(docs_script, "ROOT", tmp_path)
    monkeypatch.setattr(docs_script, "OUTPUT", stale)
    assert docs_script.main(["--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "# hand-edited\n"
    assert docs_script.main([]) == 0
    assert docs_script.main(["--check"]) == 0


def test_formula_text(docs_script: ModuleType, fw: mi.Framework) -> None:
    assert docs_script.formula(fw.indicator("naturalisation_rate")) == (
        "`naturalisations` / `pop_foreign_start` × 100"
    )
    assert docs_script.formula(fw.indicator("kita_u3_parity")) == (
        "(`kita_u3_mig` / `children_u3_mig` − `kita_u3_nonmig` / `children_u3_nonmig`) × 100;"
        " 0 = parity"
    )
    assert docs_script.formula(fw.indicator("council_representation")) == (
        "(`council_seats_mig` / `council_seats`) ÷ (`pop_mig` / `pop_total`); 1 = parity"
    )


# ---- where each variable comes from (checked against research/official-sources.md) ----------


#: Variables whose named table cannot give them as defined, or gives a kreisangehörige town
#: no value (official-sources.md, sections 3.2 to 3.4): they moved from the kind the source
#: research gave them to the town's own figures or a Land office's special evaluation.
MOVED = {
    "pop_mig": ("official proxy", "self-reported"),
    "pop_u18_mig": ("official proxy", "self-reported"),
    "naturalisations_tcn": ("official proxy", "self-reported"),
    "tcn_res_8y_start": ("official", "self-reported"),
    **{
        v: ("official proxy", "undetermined")
        for v in (
            "kita_u3_mig",
            "kita_u3_nonmig",
            "kita_3to6_mig",
            "kita_3to6_nonmig",
            "grade8_foreign",
            "grade8_foreign_gym",
            "grade8_german",
            "grade8_german_gym",
            "apprentices_foreign",
            "apprentices_german",
        )
    },
}


def test_every_variable_says_where_it_comes_from(fw: mi.Framework) -> None:
    """The counts of the source research (official 23, official proxy 20, self-reported 37,
    undetermined 8, of 88), less the variables that moved."""
    research = {"official": 23, "official proxy": 20, "self-reported": 37, "undetermined": 8}
    expected = Counter(research)
    for before, after in MOVED.values():
        expected[before] -= 1
        expected[after] += 1
    kinds = Counter(v.source.kind for v in fw.variables if v.source is not None)
    assert len(fw.variables) == 88
    assert kinds == expected
    for variable, (_, after) in MOVED.items():
        assert fw.variable_map[variable].source.kind == after, variable


def test_sources_carry_the_checked_codes(fw: mi.Framework) -> None:
    by_id = {v.id: v.source for v in fw.variables}
    pop = by_id["pop_total"]
    assert pop.type == "official" and pop.table == "12411-01-01-5" and pop.level == "Gemeinde"
    assert pop.label_path == ("Bevölkerungsstand (Anzahl)", "Insgesamt")
    assert pop.tables == ("12411-01-01-5", "12411-01-01-4")
    tcn = by_id["pop_tcn"]
    assert tcn.table == "12521-0041" and tcn.database == "GENESIS-Online" and not tcn.mappable
    mig = by_id["pop_mig"]  # the foreigners count is no substitute (official-sources.md 3.2)
    assert mig.kind == "self-reported" and "register evaluation" in mig.holder.en
    assert "kein Ersatz" in mig.note.de and "no substitute" in mig.note.en
    children = by_id["children_u3_mig"]
    assert children.kind == "official proxy" and "foreign children" in children.proxy_for.en
    assert by_id["council_seats"].holder.de.startswith("Ratsbüro")
    assert by_id["leavers_foreign"].type == "undetermined"
    derived = by_id["emp_german"]
    assert derived.derive and not derived.label_path  # no "Deutsche" column exists


def test_wrong_table_references_are_gone(fw: mi.Framework) -> None:
    """21111-02-06-4 has no nationality split, 21211 is not in Regionalstatistik, 13111 and
    13211 Gemeinde tables end in -5 (official-sources.md, section 3)."""
    tables = {ind.id: ind.source.table or "" for ind in fw.indicators}
    assert "21111-02-06-4" not in tables["leavers_no_hsa_gap"]
    assert "EVAS 21211" not in tables["apprenticeship_parity"]
    assert "13111-02-02-5" in tables["employment_parity"]
    assert "13211-01-03-5" in tables["unemployment_gap"]
    assert "22811-02-02-4" in tables["sgb2_gap"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            {
                "type": "official",
                "table": "12411-01-01-5",
                "level": "Gemeinde",
                "label_path": ["A"],
                "derive": {"de": "A minus B", "en": "A minus B"},
            },
            "not both",
        ),
        # every text of a source in both languages (Text, the owner of that rule)
        ({"type": "official", "table": "1", "level": "Kreis", "note": "only"}, "translation"),
        (
            {"type": "official", "table": "1", "level": "Kreis", "proxy_for": {"de": "nur"}},
            "proxy_for.en",
        ),
        ({"type": "official", "table": "1", "level": "Kreis", "derive": "A - B"}, "translation"),
        (
            {"type": "self_reported", "holder": {"de": "Amt", "en": "office"}, "note": "x"},
            "translation",
        ),
        ({"type": "official", "table": "12411", "level": "Kreis", "row": "x"}, "row needs"),
        ({"type": "official", "table": "12411 01", "level": "Kreis"}, "pattern"),
        ({"type": "official", "table": "12411", "level": "Bezirk"}, "level"),
        ({"type": "elsewhere"}, "type"),
        ({"type": "self_reported", "holder": {"de": "Ratsbüro"}}, "holder.en"),
    ],
)
def test_a_wrong_source_is_rejected(source: dict, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        Variable.model_validate({"id": "x", "unit": "count", "source": source})
    text = str(info.value)
    assert message in text or message.replace(".", "\n  ") in text
