"""What changed between two builds' definitions: plans compared as typed choices, not as the
specs they were written as (the CSV and the page built from this list in
test_reports_score_changes.py and test_reports_comparison.py)."""

from __future__ import annotations

from typing import Any

import reports_helpers as h

from mint_index.framework.framework import Framework
from mint_index.plan import Plan
from mint_index.plan_changes import DefinitionChange, plan_changes, recorded_plan
from mint_index.spec import BuildSpec


def _plan(framework: dict[str, Any] | None = None, **spec: Any) -> Plan:
    fw = Framework.model_validate(framework or h.framework_dict())
    return Plan.resolve(BuildSpec(framework=fw, **spec))


def _with_defaults(**defaults: Any) -> dict[str, Any]:
    fw = h.framework_dict()
    fw["defaults"] = {**fw["defaults"], **defaults}
    return fw


def test_same_choice_written_two_ways_is_no_change() -> None:
    """``minmax`` and ``{minmax, fit: pooled}`` (pooled is minmax's default) are one choice,
    though the specs as written differ; so is a default given as a spec override."""
    short = _plan(_with_defaults(normalise={"method": "minmax"}))
    spelled = _plan(_with_defaults(normalise={"method": "minmax", "fit": "pooled"}))
    assert short.normalise["emp"].as_spec() != spelled.normalise["emp"].as_spec()
    assert plan_changes(short, spelled) == []
    assert plan_changes(short, _plan(normalise="minmax")) == []
    assert plan_changes(short, short) == []


def test_a_real_change_is_listed_once_where_it_applies() -> None:
    old = _plan()
    new = _plan(aggregate="geometric", weights={"emp": 2.0})
    # by hand: the spec's aggregation reaches every aggregate node (children before
    # parents, the index last); emp's weight is its own
    assert plan_changes(old, new) == [
        DefinitionChange("indicator", "emp", "changed", ("weight",)),
        DefinitionChange("node", "edu", "changed", ("aggregate",)),
        DefinitionChange("node", "part", "changed", ("aggregate",)),
        DefinitionChange("node", "index", "changed", ("aggregate",)),
    ]


def test_build_wide_steps_and_peer_groups() -> None:
    changes = plan_changes(_plan(), _plan(screen={"min_coverage": 0.5}, peer_group="size"))
    assert changes == [DefinitionChange("build", "build", "changed", ("screen", "peer_group"))]


def test_new_size_class_breaks_are_a_peer_group_change() -> None:
    """Moving a break from 20,000 to 25,000 inhabitants moves towns to another peer group
    (their peer ranks and peer gaps change); only the column's name was compared, so the
    comparison said nothing. New labels alone rename the classes and change nothing."""
    sized = h.framework_dict()
    sized["peer_groups"] = {"breaks": [20000], "labels": ["klein", "groß"]}
    moved = h.framework_dict()
    moved["peer_groups"] = {"breaks": [25000], "labels": ["klein", "groß"]}
    renamed = h.framework_dict()
    renamed["peer_groups"] = {"breaks": [20000], "labels": ["small", "large"]}
    assert plan_changes(_plan(sized), _plan(moved)) == [
        DefinitionChange("build", "build", "changed", ("peer_group",))
    ]
    assert plan_changes(_plan(sized), _plan(renamed)) == []


def test_definition_fields_compare_numbers_not_wording() -> None:
    fw = h.framework_dict()
    kita, emp, council = fw["indicators"]
    kita["goalposts"]["rationale"] = {"de": "anders begründet", "en": "other reasons"}
    kita["name"] = {"de": "Kita", "en": "Kita"}
    emp["goalposts"] = {"lower": 20, "upper": 80}
    council["compute"]["scale"] = 1000
    council["compute"]["transform"] = "sqrt"
    council["goalposts"] = {"lower": 0, "upper": 20}  # goalposts on the raw scale
    assert plan_changes(_plan(), _plan(fw)) == [
        DefinitionChange("indicator", "emp", "changed", ("goalposts",)),
        DefinitionChange("indicator", "council", "changed", ("compute", "goalposts")),
    ]


def test_added_and_removed() -> None:
    fw = h.framework_dict()
    emp = fw["indicators"].pop(1)
    fw["indicators"].append({**emp, "id": "emp2"})
    assert plan_changes(_plan(), _plan(fw)) == [
        DefinitionChange("indicator", "emp2", "added"),
        DefinitionChange("indicator", "emp", "removed"),
    ]


def test_recorded_plan_reads_a_provenance_spec() -> None:
    plan = _plan(normalise={"method": "minmax", "fit": "pooled"})
    recorded = recorded_plan(plan.spec.to_dict())
    assert recorded is not None and plan_changes(plan, recorded) == []
    assert recorded_plan(None) is None
    assert recorded_plan({"framework": {"id": "only an id"}}) is None  # unreadable: unknown
