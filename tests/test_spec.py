"""BuildSpec: resolution order, validation and serialisation."""

from __future__ import annotations

import pytest

import mint_index as mi
from mint_index.errors import SpecError, UnknownMethodError
from mint_index.spec import BUILTIN_DEFAULTS, BuildSpec


def test_resolution_order(small_framework: mi.Framework) -> None:
    fw = small_framework
    spec = BuildSpec(framework=fw)
    # framework default for normalise; built-in default for impute and treat
    assert spec.step_for("normalise", "employment") == {"method": "goalposts"}
    assert spec.step_for("impute", "employment") == BUILTIN_DEFAULTS["impute"]
    assert spec.step_for("screen") == {"method": "none"}
    # an override in the spec wins for every node
    over = spec.with_changes(normalise={"method": "zscore", "mean": 10, "sd": 2})
    assert over.step_for("normalise", "advisory") == {"method": "zscore", "mean": 10, "sd": 2}


def test_method_name_shorthand_and_validation(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, normalise="rank")
    assert spec.step_for("normalise", "employment") == {"method": "rank"}
    with pytest.raises(UnknownMethodError) as info:
        BuildSpec(framework=small_framework, aggregate="median_of_medians")
    assert "arithmetic" in info.value.valid
    with pytest.raises(SpecError, match="minmax"):
        BuildSpec(framework=small_framework, normalise={"method": "minmax", "rnage": [0, 1]})
    with pytest.raises(SpecError, match="unknown spec field"):
        BuildSpec(framework=small_framework).with_changes(normalize="rank")


def test_weights(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, weights={"education": 3})
    assert spec.weight("education") == 3
    assert spec.weight("participation") == 2  # from the framework
    with pytest.raises(SpecError, match="negative"):
        BuildSpec(framework=small_framework, weights={"education": -1})


def test_serialisation_round_trip(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, impute={"method": "median"},
                     weights={"education": 0.5}, peer_group="size_class")
    assert BuildSpec.from_json(spec.to_json()) == spec
    assert BuildSpec.from_yaml(spec.to_yaml()) == spec
    resolved = spec.resolved()
    assert resolved["impute"]["employment"] == {"method": "median"}
    assert resolved["aggregate"]["index"] == {"method": "arithmetic"}
    assert resolved["weights"]["education"] == 0.5
    assert spec.peer_group_column == "size_class"


def test_screen_spec_with_parameters_only(small_framework: mi.Framework) -> None:
    spec = BuildSpec(framework=small_framework, screen={"min_coverage": 0.9})
    assert spec.step_for("screen") == {"method": "availability", "min_coverage": 0.9}
