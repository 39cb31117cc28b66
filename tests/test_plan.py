"""Plan: resolution order, typed parameters, serialisation both ways, and that no stage
past the entry points parses a spec."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pydantic
import pytest
import yaml
from helpers import small_dataset

import mint_index as mi
from mint_index.methods.aggregate import GeneralisedParams
from mint_index.methods.impute import GroupParams, LocfParams
from mint_index.methods.normalise import GoalpostsParams, MinMaxParams
from mint_index.methods.registry import NoParams
from mint_index.plan import Plan, StepChoice
from mint_index.spec import BuildSpec


@pytest.fixture()
def layered(small_framework: mi.Framework) -> mi.Framework:
    """The small framework with an impute spec on the node ``political`` (inherited by its
    indicators) and one on the indicator ``advisory`` (its own wins)."""
    data = small_framework.to_dict()
    for node in data["nodes"]:
        if node["id"] == "political":
            node["impute"] = {"method": "mean"}
    for ind in data["indicators"]:
        if ind["id"] == "advisory":
            ind["impute"] = {"method": "median", "by": "peer_group"}
    return mi.Framework.model_validate(data)


def test_resolution_order(layered: mi.Framework) -> None:
    plan = Plan.resolve(BuildSpec(framework=layered))
    # the node's own spec, then the nearest ancestor's, then the built-in default
    own = StepChoice.parse("impute", {"method": "median", "by": "peer_group"})
    assert plan.impute["advisory"] == own
    assert plan.impute["council_share"].method == "mean"
    assert plan.impute["employment"].method == "none"
    # framework defaults, then built-in defaults for the build-wide steps
    assert plan.normalise["employment"].method == "goalposts"
    assert plan.screen.method == "none" and plan.denominate.method == "none"
    assert set(plan.aggregate) == set(layered.aggregate_ids)
    # an override in the spec wins for every node, whatever the framework says
    over = plan.with_changes(impute="locf")
    assert {c.method for c in over.impute.values()} == {"locf"}
    assert over.spec.impute is not None and plan.spec.impute is None  # plan itself unchanged


def test_params_are_typed_with_defaults(small_framework: mi.Framework) -> None:
    plan = Plan.resolve(
        BuildSpec(
            framework=small_framework,
            normalise={"method": "minmax", "range": [0, 10]},
            aggregate={"method": "generalised", "p": 3},
        )
    )
    norm = plan.normalise["employment"].params
    assert isinstance(norm, MinMaxParams)
    assert norm.range == (0.0, 10.0) and norm.fit == "pooled"  # default filled in
    agg = plan.aggregate["index"].params
    assert isinstance(agg, GeneralisedParams) and agg.p == 3.0 and agg.min_share == 0.5
    assert isinstance(plan.screen.params, NoParams)
    default = Plan.resolve(BuildSpec(framework=small_framework))
    goal = default.normalise["employment"].params
    assert isinstance(goal, GoalpostsParams) and (goal.scale, goal.clip) == (100.0, True)
    # a choice written back gives only what was written
    assert plan.normalise["employment"].as_spec() == {"method": "minmax", "range": [0, 10]}


def test_user_yaml_to_plan_to_yaml_is_the_input(small_framework: mi.Framework) -> None:
    written = {
        "framework": small_framework.to_dict(),
        "impute": {"method": "locf", "max_years": 2},
        "normalise": {"method": "minmax", "range": [0, 10]},
        "weights": {"education": 0.5},
        "peer_group": "size_class",
    }
    text = yaml.safe_dump(written, sort_keys=False, allow_unicode=True)
    plan = Plan.from_yaml(text)
    assert yaml.safe_load(plan.to_yaml()) == yaml.safe_load(text)
    assert json.loads(plan.to_json()) == written
    # what the YAML said, resolved
    assert plan.impute["employment"].params == LocfParams(max_years=2)
    assert plan.weight("education") == 0.5 and plan.weight("participation") == 2.0
    assert plan.peer_group_column == "size_class"


def test_plan_json_round_trip_is_equal(small_framework: mi.Framework) -> None:
    plan = Plan.resolve(
        BuildSpec(
            framework=small_framework,
            impute={"method": "median", "by": "peer_group"},
            treat="winsorise",
            weights={"employment": 3},
        )
    )
    again = Plan.from_json(plan.to_json())
    assert again == plan
    assert again.impute["kita_parity"].params == GroupParams(by="peer_group")
    assert Plan.from_yaml(plan.to_yaml()) == plan


def test_plan_is_immutable(small_framework: mi.Framework) -> None:
    plan = Plan.resolve(BuildSpec(framework=small_framework))
    with pytest.raises(pydantic.ValidationError):
        plan.peer_group_column = "other"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        plan.screen.method = "availability"  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.normalise["employment"] = plan.screen  # type: ignore[index]
    with pytest.raises(TypeError):
        plan.weights["education"] = 5.0  # type: ignore[index]
    assert pickle.loads(pickle.dumps(plan)) == plan  # reports pickle results for processes


def test_groups_share_one_call_per_distinct_choice(layered: mi.Framework) -> None:
    plan = Plan.resolve(BuildSpec(framework=layered))
    ids = layered.indicator_ids
    groups = {c.method: [ids[i] for i in cols] for c, cols in plan.groups("impute")}
    assert groups == {
        "none": [i for i in ids if i in ("kita_parity", "employment")],
        "mean": ["council_share"],
        "median": ["advisory"],
    }


def test_score_and_rescore_keep_their_api(small_framework: mi.Framework) -> None:
    data = small_dataset({"A": {}, "B": {"council_migrant": 12}, "C": {"council_migrant": 3}})
    res = mi.score(data, small_framework, normalise={"method": "minmax", "range": [0, 10]})
    assert res.plan.normalise["council_share"].params == MinMaxParams(range=(0, 10))
    again = res.rescore(normalise="goalposts")
    assert again.plan.normalise["council_share"].method == "goalposts"
    # scoring a plan directly gives the same scores as scoring its spec
    direct = mi.score(data, res.plan)
    assert direct.plan is res.plan
    np.testing.assert_array_equal(direct.cube("aggregated"), res.cube("aggregated"))


def test_no_stage_parses_a_spec_after_resolution(
    small_framework: mi.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = small_dataset({"A": {}, "B": {"council_migrant": 12}, "C": {"council_migrant": 3}})
    plan = Plan.resolve(BuildSpec(framework=small_framework, impute="mean"))

    def refuse(*_: object) -> None:
        raise AssertionError("a spec was parsed after the plan was resolved")

    import mint_index.methods.registry as registry
    import mint_index.plan as plan_module
    import mint_index.spec as spec_module

    for module in (registry, plan_module, spec_module):
        monkeypatch.setattr(module, "parse_step", refuse)
    res = mi.score(data, plan)
    mi.gaps(res)
    mi.uncertainty(res, n=8, vary={"weights": 0.2}, seed=1)
    assert "<html" in mi.report(res, lang="en").html  # the methodology reads the plan
