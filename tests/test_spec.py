"""BuildSpec: the entry-point type - coercion, validation and serialisation as written.

Resolution per node lives in the plan (tests/test_plan.py)."""

from __future__ import annotations

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
