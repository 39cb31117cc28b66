"""What changed in a build's definition between two plans: the one list that the
comparison page (:func:`mint_index.reports.comparison.compare_context`) and
``mint-index compare``'s ``definition_changes.csv``
(:func:`mint_index.reports.score_changes.definition_changes`) are both made from.

Two builds are compared as resolved plans, not as the specs they were written as: step
choices compare by method and parameters (as :func:`mint_index.plan.group_choices`
groups them), so ``minmax`` and ``{method: minmax, fit: pooled}`` (pooled being the
default) are the same choice, and a default moved from the framework into a spec
override changes nothing if every node ends up with the same method. Compared is what
decides a score or what it means: the build-wide steps and the peer-group column; every
indicator's definition, steps and weight; every aggregate node's aggregation, weight and
place in the tree. Wording (labels, descriptions, sources, rationales) is not a
definition change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from mint_index.methods.registry import GLOBAL_STEPS, INDICATOR_STEPS
from mint_index.plan import Plan

__all__ = ["BUILD", "DefinitionChange", "plan_changes", "recorded_plan"]

#: The id of the build-wide entry (steps decided once for the whole build, peer groups).
BUILD = "build"


@dataclass(frozen=True)
class DefinitionChange:
    """One indicator, aggregate node or the build as a whole that differs between two plans.

    ``fields`` names what differs (for ``change == "changed"``), in a fixed order: for an
    indicator its definition (``compute``, ``unit``, ``direction``, ``kind``,
    ``goalposts``, ``target``, ``levels``, ``min_denominator``, ``parent``), its steps
    (``impute``, ``treat``, ``normalise``) and ``weight``; for a node ``parent``,
    ``aggregate`` and ``weight``; for the build ``denominate``, ``screen`` and
    ``peer_group``.
    """

    kind: Literal["build", "indicator", "node"]
    id: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[str, ...] = ()


def _build_definition(plan: Plan) -> dict[str, Any]:
    # the peer groups: the units table's column, or the size classes' breaks (their
    # labels only name the classes)
    breaks = plan.framework.peer_groups.breaks
    return {
        **{step: plan.step(step) for step in GLOBAL_STEPS},
        "peer_group": (plan.peer_group_column, None if breaks is None else tuple(breaks)),
    }


def _indicator_definition(plan: Plan, indicator_id: str) -> dict[str, Any]:
    """What an indicator's score rests on, as comparable values (numbers, not wording)."""
    ind = plan.framework.indicator(indicator_id)
    return {
        "compute": (ind.compute, ind.denominator),
        "unit": ind.unit,
        "direction": ind.direction,
        "kind": ind.kind,
        "goalposts": None if ind.goalposts is None else (ind.goalposts.lower, ind.goalposts.upper),
        "target": None if ind.target is None else ind.target.value,
        "levels": [(level.value, level.score) for level in ind.answer_levels()],
        "min_denominator": ind.min_denominator,
        "parent": ind.parent,
        **{step: plan.step(step, indicator_id) for step in INDICATOR_STEPS},
        "weight": plan.weight(indicator_id),
    }


def _node_definition(plan: Plan, node_id: str) -> dict[str, Any]:
    return {
        "parent": plan.framework.node(node_id).parent,
        "aggregate": plan.step("aggregate", node_id),
        "weight": plan.weight(node_id),
    }


def _differing(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in new if old[name] != new[name])


def _items(
    kind: Literal["indicator", "node"],
    old_ids: list[str],
    new_ids: list[str],
    definition: Callable[[Plan, str], dict[str, Any]],
    old: Plan,
    new: Plan,
) -> list[DefinitionChange]:
    """Changed and added items in ``new``'s order, then the removed ones in ``old``'s."""
    known = set(old_ids)
    out = []
    for item in new_ids:
        if item not in known:
            out.append(DefinitionChange(kind, item, "added"))
            continue
        fields = _differing(definition(old, item), definition(new, item))
        if fields:
            out.append(DefinitionChange(kind, item, "changed", fields))
    kept = set(new_ids)
    out += [DefinitionChange(kind, item, "removed") for item in old_ids if item not in kept]
    return out


def plan_changes(old: Plan, new: Plan) -> list[DefinitionChange]:
    """Everything that differs between the definitions of two builds: the build-wide entry
    first, then indicators (in ``new``'s framework order, removed ones last), then aggregate
    nodes (children before parents, the index last). Equal plans give an empty list."""
    changes = []
    build = _differing(_build_definition(old), _build_definition(new))
    if build:
        changes.append(DefinitionChange("build", BUILD, "changed", build))
    old_fw, new_fw = old.framework, new.framework
    changes += _items(
        "indicator", old_fw.indicator_ids, new_fw.indicator_ids, _indicator_definition, old, new
    )
    changes += _items(
        "node", old_fw.aggregate_ids, new_fw.aggregate_ids, _node_definition, old, new
    )
    return changes


def recorded_plan(spec: Mapping[str, Any] | None) -> Plan | None:
    """The plan of a build spec as a provenance block records it (``spec``); None when
    there is none or it no longer reads (a file written by a version whose framework or
    spec format differs), as then its definition cannot be compared."""
    from pydantic import ValidationError

    from mint_index.errors import MintIndexError
    from mint_index.spec import BuildSpec

    if spec is None:
        return None
    try:
        return Plan.resolve(BuildSpec.model_validate(spec))
    except (ValidationError, MintIndexError):
        return None
