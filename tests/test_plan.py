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
from mint_index.analysis import replicate
from mint_index.errors import SpecError
from mint_index.methods.aggregate import GeneralisedParams
from mint_index.methods.base import AggregateParams
from mint_index.methods.impute import GroupParams, LocfParams
from mint_index.methods.normalise import GoalpostsParams, MinMaxParams
from mint_index.methods.registry import NoParams, parse_step
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


def test_a_step_choice_is_taken_as_it_is() -> None:
    choice = StepChoice.parse("normalise", {"method": "minmax", "range": [0, 10]})
    assert StepChoice.parse("normalise", choice) is choice
    with pytest.raises(SpecError, match="choice of step 'normalise'"):
        StepChoice.parse("aggregate", choice)


@pytest.mark.parametrize(
    "changes",
    [
        {"aggregate": "geometric"},  # keeps the framework's min_share 0
        {"aggregate": {"method": "harmonic", "min_share": 0.9}},  # names its own
        {"aggregate": StepChoice.parse("aggregate", "geometric")},
        {"normalise": None, "weights": {"education": 3.0}, "peer_group": "size_class"},
        {"impute": StepChoice.parse("impute", {"method": "locf", "max_years": 2})},
        {"screen": {"min_coverage": 0.9}, "treat": "winsorise"},
    ],
)
def test_with_changes_equals_resolving_the_changed_spec(
    small_framework: mi.Framework, changes: dict
) -> None:
    fw_dict = small_framework.to_dict()
    fw_dict["defaults"]["aggregate"] = {"method": "arithmetic", "min_share": 0.0}
    fw = mi.Framework.model_validate(fw_dict)
    plan = Plan.resolve(BuildSpec(framework=fw, normalise="rank", aggregate="harmonic"))
    changed = plan.with_changes(**changes)
    written = {k: v.as_spec() if isinstance(v, StepChoice) else v for k, v in changes.items()}
    assert changed == Plan.resolve(BuildSpec.model_validate({**plan.to_dict(), **written}))
    assert changed.to_json() == Plan.resolve(changed.spec).to_json()
    assert plan.normalise["employment"].method == "rank"  # the plan itself is unchanged


def test_an_aggregation_override_keeps_the_frameworks_min_share(
    small_framework: mi.Framework,
) -> None:
    fw_dict = small_framework.to_dict()
    fw_dict["defaults"]["aggregate"] = {"method": "arithmetic", "min_share": 0}
    plan = Plan.resolve(BuildSpec(framework=mi.Framework.model_validate(fw_dict)))
    kept = plan.with_changes(aggregate=StepChoice.parse("aggregate", "geometric"))
    assert kept.aggregate["index"].params == AggregateParams(min_share=0.0)
    assert type(kept.aggregate["index"].params.min_share) is float  # typed, as validated
    assert kept.aggregate["index"].as_spec() == {"method": "geometric", "min_share": 0.0}
    assert kept.spec.to_dict()["aggregate"] == {"method": "geometric"}  # as written
    own = plan.with_changes(aggregate={"method": "geometric", "min_share": 0.75})
    assert {c.params.min_share for c in own.aggregate.values()} == {0.75}


def test_a_spec_written_on_a_node_keeps_the_min_share_it_does_not_name(
    small_framework: mi.Framework,
) -> None:
    """As an override does: a node's ``aggregate: {method: geometric}`` keeps the
    ``min_share`` of the spec it replaces (the nearest ancestor's, else the defaults'),
    where it brought back the built-in 0.5; one it names is its own."""
    fw_dict = small_framework.to_dict()
    fw_dict["defaults"]["aggregate"] = {"method": "arithmetic", "min_share": 0.25}
    specs = {
        "participation": {"method": "arithmetic", "min_share": 0.75},
        "political": {"method": "geometric"},
        "education": {"method": "harmonic"},
        "index": {"method": "geometric", "min_share": 0.5},
    }
    for node in [fw_dict["index"], *fw_dict["nodes"]]:
        node["aggregate"] = specs[node["id"]]
    plan = Plan.resolve(BuildSpec(framework=mi.Framework.model_validate(fw_dict)))
    chosen = {node: (c.method, c.params.min_share) for node, c in plan.aggregate.items()}
    assert chosen == {
        "political": ("geometric", 0.75),  # its parent participation's
        "participation": ("arithmetic", 0.75),
        "education": ("harmonic", 0.5),  # the index's
        "index": ("geometric", 0.5),
    }


def test_score_and_rescore_keep_their_api(small_framework: mi.Framework) -> None:
    data = small_dataset({"A": {}, "B": {"council_migrant": 12}, "C": {"council_migrant": 3}})
    res = mi.score(data, small_framework, normalise={"method": "minmax", "range": [0, 10]})
    assert res.plan.normalise["council_share"].params == MinMaxParams(range=(0, 10))
    again = res.rescore(normalise="goalposts")
    assert again.plan.normalise["council_share"].method == "goalposts"
    # a typed choice scores as the spec it stands for; None goes back to the framework
    minmax = StepChoice.parse("normalise", {"method": "minmax", "range": [0, 10]})
    typed = again.rescore(normalise=minmax)
    np.testing.assert_array_equal(typed.cube("aggregated"), res.cube("aggregated"))
    assert typed.spec.to_dict()["normalise"] == {"method": "minmax", "range": [0.0, 10.0]}
    assert res.rescore(normalise=None).plan == Plan.resolve(BuildSpec(framework=small_framework))
    # scoring a plan directly gives the same scores as scoring its spec
    direct = mi.score(data, res.plan)
    assert direct.plan is res.plan
    np.testing.assert_array_equal(direct.cube("aggregated"), res.cube("aggregated"))


def _patch_parser(monkeypatch: pytest.MonkeyPatch, parser: object) -> None:
    """Replace ``parse_step`` wherever it is called: registry, plan, spec, framework checks."""
    import mint_index.framework.checks as checks
    import mint_index.methods.registry as registry
    import mint_index.plan as plan_module
    import mint_index.spec as spec_module

    for module in (registry, plan_module, spec_module, checks):
        monkeypatch.setattr(module, "parse_step", parser)


#: Normalisations onto positive values, so that geometric and harmonic means apply.
POSITIVE_NORMALISATIONS = [{"method": "minmax", "range": [1, 100]}, "rank"]


def test_no_stage_parses_a_spec_after_resolution(
    small_framework: mi.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = small_dataset({"A": {}, "B": {"council_migrant": 12}, "C": {"council_migrant": 3}})
    plan = Plan.resolve(BuildSpec(framework=small_framework, impute="mean"))
    # alternatives given as typed choices are validated here, before the parser is refused
    normalise = [StepChoice.parse("normalise", s) for s in POSITIVE_NORMALISATIONS]
    aggregate = [StepChoice.parse("aggregate", s) for s in ("geometric", "harmonic")]

    def refuse(*_: object) -> None:
        raise AssertionError("a spec was parsed after the plan was resolved")

    _patch_parser(monkeypatch, refuse)
    res = mi.score(data, plan)
    mi.gaps(res)
    mi.uncertainty(res, n=8, vary={"weights": 0.2}, seed=1)
    mi.uncertainty(res, n=8, vary={"normalise": normalise, "aggregate": aggregate}, seed=1)
    again = res.rescore(normalise=normalise[0], aggregate=aggregate[0], weights={"education": 2})
    assert again.plan.normalise["employment"] is normalise[0]  # taken as it is
    assert again.plan.aggregate["index"] is aggregate[0]
    assert "<html" in mi.report(res, lang="en").html  # the methodology reads the plan


def test_varied_uncertainty_parses_only_at_its_entry_and_equals_fresh_builds(
    small_framework: mi.Framework, small_data: mi.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Varying normalisation and aggregation: each alternative is parsed once, when
    ``vary`` is read, and never again; every replication's float64 scores equal those of a
    fresh ``mi.score`` with that spec. The framework's aggregation sets ``min_share`` 0,
    which an aggregation override keeps (as in ``rescore``) unless it names its own."""
    fw_dict = small_framework.to_dict()
    fw_dict["defaults"]["aggregate"] = {"method": "arithmetic", "min_share": 0.0}
    fw = mi.Framework.model_validate(fw_dict)
    res = mi.score(small_data, fw, normalise=POSITIVE_NORMALISATIONS[0])
    aggregations = [None, "geometric", {"method": "harmonic", "min_share": 0.9}]

    calls: list[tuple[str, dict]] = []
    batches: list[tuple[np.ndarray, tuple[StepChoice, ...], list[np.ndarray]]] = []
    batch_outputs = replicate.batch_outputs

    def counting(step: str, spec: dict) -> object:
        calls.append((step, dict(spec)))
        return parse_step(step, spec)

    def recording(indicators, choices, *args):  # type: ignore[no-untyped-def]
        outputs = batch_outputs(indicators, choices, *args)
        batches.append((indicators.values, tuple(choices), outputs))
        return outputs

    _patch_parser(monkeypatch, counting)
    monkeypatch.setattr(replicate, "batch_outputs", recording)
    vary = {"normalise": POSITIVE_NORMALISATIONS, "aggregate": aggregations}
    mi.uncertainty(res, n=40, vary=vary, seed=5, nodes="all", threads=1)
    monkeypatch.undo()
    assert calls == [
        ("normalise", {"method": "minmax", "range": [1, 100]}),
        ("normalise", {"method": "rank"}),
        ("aggregate", {"method": "geometric"}),
        ("aggregate", {"method": "harmonic", "min_share": 0.9}),
    ]

    position = {n: i for i, n in enumerate(fw.node_ids)}
    matched = set()
    for n, normalise in enumerate(POSITIVE_NORMALISATIONS):
        for a, aggregate in enumerate(aggregations):
            fresh = mi.score(small_data, fw, normalise=normalise, aggregate=aggregate)
            assert fresh.plan.aggregate["index"].params.min_share == (0.9 if a == 2 else 0.0)
            n_y, n_u, n_i = fresh.cube("normalised").shape
            normalised = fresh.cube("normalised").reshape(n_y * n_u, n_i).T
            for values, choices, outputs in batches:
                same_input = np.allclose(values, normalised, rtol=1e-12, atol=0, equal_nan=True)
                if not same_input or list(choices) != list(fresh.plan.aggregate.values()):
                    continue
                matched.add((n, a))
                for o, node in enumerate(fw.aggregate_ids):
                    want = fresh.cube("aggregated")[:, :, position[node]].reshape(-1)
                    for got in outputs[o]:
                        assert np.allclose(got, want, rtol=1e-12, atol=0, equal_nan=True), node
    assert matched == {(n, a) for n in range(2) for a in range(3)}
