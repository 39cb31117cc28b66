"""The framework model, its checks and the YAML loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

import mint_index as mi
from mint_index.errors import FrameworkError


def copy_fixture(src: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "fw"
    shutil.copytree(src, dest)
    return dest


def edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def problems_of(path: Path) -> list[str]:
    with pytest.raises(FrameworkError) as info:
        mi.load_framework(path)
    assert "Traceback" not in str(info.value)
    return [str(p) for p in info.value.problems]


def test_small_framework_structure(small_framework: mi.Framework) -> None:
    fw = small_framework
    assert fw.indicator_ids == ["kita_parity", "employment", "council_share", "advisory"]
    # aggregates bottom-up, the index last
    assert fw.aggregate_ids[-1] == "index"
    assert fw.aggregate_ids.index("political") < fw.aggregate_ids.index("participation")
    assert fw.levels == {
        "kita_parity": 1,
        "employment": 1,
        "council_share": 1,
        "advisory": 1,
        "education": 2,
        "political": 2,
        "participation": 3,
        "index": 4,
    }
    assert fw.children["political"] == ["council_share", "advisory"]
    assert fw.ancestors("council_share") == ["political", "participation", "index"]
    assert fw.descendant_indicators("participation") == ["council_share", "advisory"]
    assert fw.label("participation", "de") == "Teilhabe"


def test_step_spec_inheritance(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)

    def change(c: dict) -> None:
        c["nodes"][0]["normalise"] = {"method": "minmax"}  # participation
        c["indicators"][1]["normalise"] = {"method": "minmax", "range": [1, 10]}  # advisory

    edit(path / "participation.yaml", change)
    fw = mi.load_framework(path)
    assert fw.step_spec("normalise", "council_share").method == "minmax"  # from ancestor
    assert fw.step_spec("normalise", "advisory").as_dict() == {"method": "minmax", "range": [1, 10]}
    assert fw.step_spec("normalise", "employment").method == "goalposts"  # framework default
    assert fw.step_spec("impute", "employment") is None


def test_unknown_variable_names_file_and_path(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)
    edit(
        path / "participation.yaml",
        lambda c: c["indicators"][0]["compute"].update(denominator="pop_tcn"),
    )
    assert problems_of(path) == [
        "fw/participation.yaml: indicators[0].compute.denominator: unknown variable 'pop_tcn'"
    ]


def test_every_problem_is_collected(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)

    def participation(c: dict) -> None:
        c["nodes"][1]["parent"] = "nowhere"  # unknown parent
        c["indicators"][0]["goalposts"] = {"lower": 50, "upper": 10}  # inverted
        c["indicators"][1]["weight"] = -1  # negative weight
        del c["indicators"][1]["name"]["en"]  # missing label

    def education(c: dict) -> None:
        c["indicators"][1]["id"] = "kita_parity"  # duplicate id
        c["indicators"][0]["normalise"] = {"method": "magic"}  # unknown method

    edit(path / "participation.yaml", participation)
    edit(path / "education.yaml", education)
    found = problems_of(path)
    expected_parts = [
        ("fw/participation.yaml: nodes[1].parent", "unknown parent 'nowhere'"),
        ("fw/participation.yaml: indicators[0].goalposts", "inverted goalposts"),
        ("fw/participation.yaml: indicators[1].weight", "greater than or equal to 0"),
        ("fw/participation.yaml: indicators[1].name.en", "Field required"),
        ("fw/education.yaml: indicators[1].id", "duplicate id 'kita_parity'"),
        ("fw/education.yaml: indicators[0].normalise", "unknown normalise method 'magic'"),
    ]
    for where, what in expected_parts:
        assert any(p.startswith(where) and what in p for p in found), (where, what, found)
    # the unknown method's message lists the valid ones
    assert any("valid methods:" in p and "minmax" in p for p in found)


def test_every_problem_of_one_indicator_is_collected(
    small_framework_path: Path, tmp_path: Path
) -> None:
    """An indicator with inverted goalposts had its unknown variable and its unknown
    method left unreported, and the node whose children all failed was said to have no
    children. Both children of ``political`` are broken here: one in a field of its own
    (goalposts), one in a required field (its name)."""
    path = copy_fixture(small_framework_path, tmp_path)

    def participation(c: dict) -> None:
        council = c["indicators"][0]
        council["goalposts"] = {"lower": 50, "upper": 10}
        council["compute"].update(denominator="pop_tcn")
        council["normalise"] = {"method": "magic"}
        c["indicators"][1]["name"] = "advisory"  # no translation

    edit(path / "participation.yaml", participation)
    found = problems_of(path)
    assert [p.split(":")[1].strip() for p in found] == [
        "indicators[0].compute.denominator",
        "indicators[0].goalposts",
        "indicators[0].normalise",
        "indicators[1].name",
    ], found
    assert not any("no children" in p for p in found)


def test_cycle_and_zero_weights(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)

    def change(c: dict) -> None:
        c["nodes"].append({"id": "a", "parent": "b", "label": {"de": "A", "en": "A"}})
        c["nodes"].append({"id": "b", "parent": "a", "label": {"de": "B", "en": "B"}})
        for ind in c["indicators"]:
            ind["weight"] = 0

    edit(path / "participation.yaml", change)
    found = problems_of(path)
    assert any("nodes[2].parent: cycle in the hierarchy" in p for p in found)
    assert any("nodes[3].parent: cycle in the hierarchy" in p for p in found)
    assert any("all children of 'political' have weight 0" in p for p in found)


def test_structural_errors(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)
    (path / "extra.yaml").write_text("widgets: []\nindex: {id: x, label: {de: X, en: X}}\n")
    (path / "broken.yaml").write_text("nodes: [\n")
    found = problems_of(path)
    assert any(p.startswith("fw/extra.yaml: widgets: unknown section") for p in found)
    # files are read in name order: extra.yaml gives the index first, framework.yaml again
    assert "fw/framework.yaml: index: 'index' is already given in fw/extra.yaml" in found
    assert any(p.startswith("fw/broken.yaml: line 2: not valid YAML") for p in found)


def test_a_broken_section_is_not_also_missing(small_framework_path: Path, tmp_path: Path) -> None:
    """``framework: {version: 1}`` (a number): its problem only, not also "no 'framework'
    section in any file", which the file has."""
    path = copy_fixture(small_framework_path, tmp_path)
    edit(path / "framework.yaml", lambda c: c["framework"].update(version=1))
    found = problems_of(path)
    assert found == ["fw/framework.yaml: framework.version: Input should be a valid string"]


def test_parent_must_not_be_an_indicator(small_framework_path: Path, tmp_path: Path) -> None:
    path = copy_fixture(small_framework_path, tmp_path)
    edit(path / "education.yaml", lambda c: c["indicators"][1].update(parent="kita_parity"))
    found = problems_of(path)
    assert any("parent 'kita_parity' is an indicator" in p for p in found)


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml")[0].endswith("no such file or folder")
    assert problems_of(tmp_path)[0].endswith("no .yaml files in this folder")


def test_yaml_round_trip_keeps_content(small_framework: mi.Framework, tmp_path: Path) -> None:
    file = tmp_path / "one.yaml"
    file.write_text(small_framework.to_yaml(), encoding="utf-8")
    again = mi.load_framework(file)
    assert again.sha256 == small_framework.sha256
    assert again == small_framework


def test_model_validate_runs_checks(small_framework: mi.Framework) -> None:
    data = small_framework.to_dict()
    data["indicators"][0]["parent"] = "ghost"
    with pytest.raises(FrameworkError, match="unknown parent 'ghost'"):
        mi.Framework.model_validate(data)


def test_json_schema_describes_the_yaml() -> None:
    schema = mi.framework_json_schema()
    json.dumps(schema)  # serialisable
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"framework", "index", "indicators", "variables", "nodes"} <= set(schema["properties"])
    indicator = schema["$defs"]["Indicator"]
    assert {"direction", "goalposts", "compute", "source"} <= set(indicator["properties"])
    jsonschema = pytest.importorskip("jsonschema")
    for file in sorted(Path(__file__).parent.joinpath("fixtures/framework_small").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(file.read_text(encoding="utf-8")), schema)


def test_indicator_units_as_symbol_or_in_both_languages(small_framework: mi.Framework) -> None:
    assert small_framework.indicator("council_share").unit_label("de") == "%"
    data = small_framework.to_dict()
    data["indicators"][0]["unit"] = {"de": "Prozentpunkte", "en": "percentage points"}
    fw = mi.Framework.model_validate(data)
    ind = fw.indicators[0]
    assert (ind.unit_label("de"), ind.unit_label("en")) == ("Prozentpunkte", "percentage points")


def test_a_missing_translation_is_a_framework_error(
    small_framework_path: Path, tmp_path: Path
) -> None:
    # a report must be in one language throughout: every text needs de and en
    folder = copy_fixture(small_framework_path, tmp_path)

    def one_language(content: dict) -> None:  # type: ignore[type-arg]
        ind = content["indicators"][0]
        ind["goalposts"] = {"lower": -40, "upper": 0, "rationale": "parity is the goal"}
        ind["source"]["note"] = {"de": "nur Deutsch"}

    def english_source_note(content: dict) -> None:  # type: ignore[type-arg]
        content["variables"][0]["source"] = {
            "type": "self_reported",
            "holder": {"de": "Ratsbüro", "en": "council office"},
            "note": "only in English",
        }
        content["variables"][1]["description"] = "only in English"

    edit(folder / "education.yaml", one_language)
    edit(folder / "framework.yaml", english_source_note)
    found = problems_of(folder)
    assert any("goalposts.rationale" in p and "missing translation" in p for p in found), found
    assert any("source.note.en" in p for p in found), found
    # a variable's source note (shown by `mint-index sources`) too
    note = "variables[0].source.self_reported.note: missing translation"
    assert any(note in p for p in found), found
    assert any("variables[1].description: missing translation" in p for p in found), found


def test_fractions_and_variables_of_each_kind_of_compute(small_framework: mi.Framework) -> None:
    # read off tests/fixtures/framework_small: a parity gap, a direct value, a ratio
    parity = small_framework.indicator("kita_parity")
    assert parity.fractions() == [("kita_mig", "children_mig"), ("kita_nonmig", "children_nonmig")]
    assert parity.variables() == ["kita_mig", "children_mig", "kita_nonmig", "children_nonmig"]
    assert small_framework.indicator("employment").fractions() == []
    assert small_framework.indicator("employment").variables() == ["employment_rate"]
    council = small_framework.indicator("council_share")
    assert council.fractions() == [("council_migrant", "council_seats")]
    assert council.variables() == ["council_migrant", "council_seats"]


def test_texts_and_sources_speak_the_default_language_and_refuse_others() -> None:
    """``Text.get`` and a source's ``where``/``detail`` default to German, the project's
    language, and an unknown language is an error, never English in disguise."""
    from mint_index.errors import UnknownLanguageError
    from mint_index.framework.model import (
        OfficialSource,
        SelfReportedSource,
        Text,
        UndeterminedSource,
    )

    text = Text(de="Ratsbüro", en="council office")
    assert (text.get("de"), text.get("en")) == ("Ratsbüro", "council office")
    official = OfficialSource(
        type="official",
        table="12411-01-01-5",
        label_path=("Bevölkerung", "Ausländer"),
        row="unter 18",
        proxy_for=Text(de="nur Staatsangehörigkeit", en="nationality only"),
        level="Gemeinde",
    )
    assert official.detail() == (
        "Bevölkerung > Ausländer; Zeile: unter 18; Näherung: nur Staatsangehörigkeit"
    )
    assert (
        official.detail("en") == "Bevölkerung > Ausländer; row: unter 18; proxy: nationality only"
    )
    own = SelfReportedSource(type="self_reported", holder=text)
    unknown = UndeterminedSource(type="undetermined", note=Text(de="offen", en="open"))
    assert (own.where(), own.detail(), unknown.detail()) == ("Ratsbüro", "", "offen")
    for call in (
        lambda: text.get("fr"),
        lambda: official.where("fr"),
        lambda: official.detail("fr"),
        lambda: own.where("fr"),
        lambda: own.detail("fr"),
        lambda: unknown.where("fr"),
        lambda: unknown.detail("fr"),
    ):
        with pytest.raises(UnknownLanguageError, match="valid: de, en"):
            call()


def test_goalposts_further_apart_than_a_number_holds_are_refused() -> None:
    """``lower: -1e308, upper: 1e308`` was accepted; their span is infinite, so every
    score was 0 with no word. Finite goalposts that far apart are refused by name."""
    from pydantic import ValidationError

    from mint_index.framework.model import Goalposts

    with pytest.raises(ValidationError, match="goalposts too far apart"):
        Goalposts(lower=-1e308, upper=1e308)
    assert Goalposts(lower=-1e307, upper=1e307).upper == 1e307  # a span of 2e307 holds
