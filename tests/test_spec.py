"""BuildSpec: the entry-point type - coercion, validation and serialisation as written.

Resolution per node lives in the plan (tests/test_plan.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import mint_index as mi
from mint_index.errors import SpecError, UnknownMethodError
from mint_index.spec import BuildSpec


def test_method_name_shorthand_and_validation(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, normalise="rank")
    assert spec.normalise is not None and spec.normalise.as_dict() == {"method": "rank"}
    with pytest.raises(UnknownMethodError) as info:
        BuildSpec(framework=small_framework, aggregate="median_of_medians")
    assert "arithmetic" in info.value.valid
    with pytest.raises(SpecError, match="minmax"):
        BuildSpec(framework=small_framework, normalise={"method": "minmax", "rnage": [0, 1]})
    with pytest.raises(SpecError, match="unknown spec field"):
        BuildSpec(framework=small_framework).with_changes(normalize="rank")


def test_weights_are_checked(small_framework: mi.Framework) -> None:
    with pytest.raises(SpecError, match="negative"):
        BuildSpec(framework=small_framework, weights={"education": -1})
    with pytest.raises(SpecError, match="unknown node"):
        BuildSpec(framework=small_framework, weights={"nowhere": 1})


def test_serialisation_round_trip(small_framework: mi.Framework) -> None:
    spec = BuildSpec(
        framework=small_framework,
        impute={"method": "median"},
        weights={"education": 0.5},
        peer_group="size_class",
    )
    assert BuildSpec.from_json(spec.to_json()) == spec
    assert BuildSpec.from_yaml(spec.to_yaml()) == spec
    assert spec.to_dict()["impute"] == {"method": "median"}


def test_screen_spec_with_parameters_only(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, screen={"min_coverage": 0.9})
    assert spec.screen is not None
    assert spec.screen.as_dict() == {"method": "availability", "min_coverage": 0.9}


def test_with_changes_validates_only_what_is_new(
    small_framework: mi.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step choice is already validated, and so are the unchanged steps and the framework:
    none is parsed again; a spec dict is (the user's entry point)."""
    import mint_index.framework.checks as checks
    import mint_index.spec as spec_module
    from mint_index.plan import StepChoice

    spec = BuildSpec(framework=small_framework, impute="mean", weights={"education": 2})
    choice = StepChoice.parse("normalise", {"method": "minmax", "range": [0, 10]})
    parsed: list[str] = []
    for module in (spec_module, checks):
        monkeypatch.setattr(module, "parse_step", lambda step, _: parsed.append(step))
    changed = spec.with_changes(normalise=choice, weights={"education": 3})
    assert parsed == []
    assert changed.to_dict()["normalise"] == {"method": "minmax", "range": [0.0, 10.0]}
    assert changed.impute == spec.impute and changed.weights == {"education": 3}
    spec.with_changes(treat="winsorise")
    assert parsed == ["treat"]
    with pytest.raises(SpecError, match="choice of 'normalise'"):
        spec.with_changes(aggregate=choice)
    with pytest.raises(SpecError, match="negative"):
        spec.with_changes(weights={"education": -1})


# ---- reading a saved spec: every bad input is a SpecError naming the file ----------------
def _saved(small_framework: mi.Framework) -> dict:
    return BuildSpec(framework=small_framework, normalise="rank").to_dict()


def test_load_reads_json_and_yaml_by_suffix(small_framework: mi.Framework, tmp_path: Path) -> None:
    spec = BuildSpec(framework=small_framework, normalise="rank", weights={"education": 2})
    (tmp_path / "spec.json").write_text(spec.to_json(), encoding="utf-8")
    (tmp_path / "spec.YML").write_text(spec.to_yaml(), encoding="utf-8")
    assert BuildSpec.load(tmp_path / "spec.json") == spec
    assert BuildSpec.load(str(tmp_path / "spec.YML")) == spec


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
        (
            {"framework": 3},
            "framework: Input should be a valid dictionary or instance of Framework",
        ),
        ({"normalise": 5}, "normalise: Input should be a valid dictionary or instance of StepSpec"),
    ],
)
def test_invalid_content_is_a_spec_error_naming_the_field(
    small_framework: mi.Framework, tmp_path: Path, change: dict, words: str
) -> None:
    text = json.dumps({**_saved(small_framework), **change})
    with pytest.raises(SpecError) as info:
        BuildSpec.from_json(text)
    assert str(info.value) == f"<spec>: {words}"
    path = tmp_path / "spec.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        BuildSpec.load(path)
    assert str(info.value) == f"{path}: {words}"


def test_bad_json_is_a_spec_error_with_the_place(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        BuildSpec.from_json('{"framework": {,')
    assert str(info.value) == (
        "<spec>: not valid JSON: Expecting property name enclosed in double quotes: "
        "line 1 column 16 (char 15)"
    )
    with pytest.raises(SpecError, match="nested too deeply"):
        BuildSpec.from_json("[" * 100_000)
    with pytest.raises(SpecError, match=r"^<spec>: Input should be a valid dictionary"):
        BuildSpec.from_json("[1]")  # no field to name


def test_bad_yaml_is_a_spec_error_with_the_line(small_framework: mi.Framework) -> None:
    with pytest.raises(SpecError) as info:
        BuildSpec.from_yaml("normalise: rank\nnormalise: minmax\n", source="spec.yaml")
    assert str(info.value) == (
        "spec.yaml: duplicate key 'normalise' (first given on line 1) (line 2)"
    )


def test_a_file_that_cannot_be_read_is_a_spec_error(tmp_path: Path) -> None:
    latin = tmp_path / "spec.json"
    latin.write_bytes('{"peer_group": "Größe"}'.encode("latin-1"))
    with pytest.raises(SpecError, match="not UTF-8 text"):
        BuildSpec.load(latin)
    with pytest.raises(SpecError, match="not a regular file"):
        BuildSpec.load(tmp_path)
    with pytest.raises(SpecError, match=f"^{tmp_path / 'missing.json'}: cannot read the spec file"):
        BuildSpec.load(tmp_path / "missing.json")
    if hasattr(os, "mkfifo"):  # a named pipe is refused unread, never waited on
        fifo = tmp_path / "spec.yaml"
        os.mkfifo(fifo)
        with pytest.raises(SpecError, match="not a regular file"):
            BuildSpec.load(fifo)
