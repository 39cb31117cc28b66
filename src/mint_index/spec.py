"""The build spec: everything that decides a result, as one typed, serialisable object.

A spec is the framework plus step overrides that apply to every node (what
``mi.score(..., normalise=...)`` passes) plus optional weight overrides. Which spec a
node's step uses is decided in one place, :meth:`BuildSpec.step_for`: an override given
here wins, then the node's own spec in the framework, then the nearest ancestor's, then
the framework defaults, then :data:`BUILTIN_DEFAULTS`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from mint_index.errors import SpecError
from mint_index.framework.framework import Framework
from mint_index.framework.model import StepSpec
from mint_index.methods.registry import STEPS, parse_step

__all__ = ["BUILTIN_DEFAULTS", "GLOBAL_STEPS", "BuildSpec", "as_step_spec"]

#: What every step does when neither the framework nor the call says otherwise.
BUILTIN_DEFAULTS: dict[str, dict[str, Any]] = {
    "denominate": {"method": "none"},
    "screen": {"method": "none"},
    "impute": {"method": "none"},
    "treat": {"method": "none"},
    "normalise": {"method": "goalposts"},
    "aggregate": {"method": "arithmetic"},
}

#: The method meant when a spec gives only parameters: ``screen={"min_coverage": 0.9}``.
IMPLIED: dict[str, str] = {"screen": "availability"}

#: Settings of a step (not of one method) that an override leaves as they were unless
#: it names them: ``aggregate={"method": "geometric"}`` on a COINr import keeps its
#: ``min_share`` of 0.
INHERITED: dict[str, tuple[str, ...]] = {"aggregate": ("min_share",)}

#: Steps decided for the whole build, not per node.
GLOBAL_STEPS = ("denominate", "screen")


def as_step_spec(step: str, value: StepSpec | Mapping[str, Any] | str) -> StepSpec:
    """Accept ``"rank"``, ``{"method": "rank"}`` or a StepSpec; validate it against the registry."""
    if isinstance(value, str):
        value = {"method": value}
    spec = value if isinstance(value, StepSpec) else StepSpec.model_validate(dict(value))
    parse_step(step, spec.as_dict())
    return spec


class BuildSpec(BaseModel):
    """A complete, re-runnable description of one scoring run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: Framework
    denominate: StepSpec | None = None
    screen: StepSpec | None = None
    impute: StepSpec | None = None
    treat: StepSpec | None = None
    normalise: StepSpec | None = None
    aggregate: StepSpec | None = None
    weights: dict[str, float] = Field(
        default_factory=dict, description="Weight overrides by node id (relative to siblings)."
    )
    peer_group: str | None = Field(
        default=None, description="Units-table column of peer groups; default from the framework."
    )

    @field_validator(*STEPS, mode="before")
    @classmethod
    def _coerce_step(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            return {"method": value}
        if isinstance(value, Mapping) and "method" not in value and info.field_name in IMPLIED:
            return {"method": IMPLIED[info.field_name], **value}
        return value

    @model_validator(mode="after")
    def _valid(self) -> BuildSpec:
        for step in STEPS:
            spec = getattr(self, step)
            if spec is not None:
                parse_step(step, spec.as_dict())
        unknown = sorted(set(self.weights) - set(self.framework.node_ids))
        if unknown:
            raise SpecError(f"weights: unknown node(s) {', '.join(unknown)}")
        negative = sorted(k for k, w in self.weights.items() if not w >= 0)
        if negative:
            raise SpecError(f"weights: negative or missing weight for {', '.join(negative)}")
        return self

    # ---- resolution -----------------------------------------------------------------
    def step_for(self, step: str, node_id: str | None = None) -> dict[str, Any]:
        """The spec ``step`` uses at ``node_id`` (or for the whole build), as a plain dict."""
        override = getattr(self, step)
        if override is not None:
            spec = override.as_dict()
            for setting in INHERITED.get(step, ()):
                if setting not in spec:
                    below = self._without_override(step, node_id).get(setting)
                    if below is not None:
                        spec[setting] = below
            return spec
        return self._without_override(step, node_id)

    def _without_override(self, step: str, node_id: str | None) -> dict[str, Any]:
        """What ``step`` would use at ``node_id`` without this spec's override."""
        if step in GLOBAL_STEPS or node_id is None:
            spec = getattr(self.framework.defaults, step)
        else:
            spec = self.framework.step_spec(step, node_id)
        return spec.as_dict() if spec is not None else dict(BUILTIN_DEFAULTS[step])

    def weight(self, node_id: str) -> float:
        if node_id in self.weights:
            return self.weights[node_id]
        return self.framework.node(node_id).weight

    @property
    def peer_group_column(self) -> str:
        return self.peer_group or self.framework.peer_groups.column

    def with_changes(self, **changes: Any) -> BuildSpec:
        """A new spec with some fields replaced (steps accept dicts or method names)."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise SpecError(
                f"unknown spec field(s) {', '.join(unknown)}; valid: "
                + ", ".join(type(self).model_fields)
            )
        data = {k: getattr(self, k) for k in type(self).model_fields}
        data.update(changes)
        return BuildSpec.model_validate(data)

    # ---- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_json(cls, text: str) -> BuildSpec:
        return cls.model_validate(json.loads(text))

    @classmethod
    def from_yaml(cls, text: str) -> BuildSpec:
        """The spec in YAML ``text``; bad YAML raises :class:`~mint_index.errors.YamlError`."""
        from mint_index.yamlio import load_yaml

        return cls.model_validate(load_yaml("<spec>", text=text))

    def resolved(self) -> dict[str, Any]:
        """Every step as actually used per node: for reports and provenance."""
        fw = self.framework
        out: dict[str, Any] = {step: self.step_for(step) for step in GLOBAL_STEPS}
        for step in ("impute", "treat", "normalise"):
            out[step] = {ind: self.step_for(step, ind) for ind in fw.indicator_ids}
        out["aggregate"] = {node: self.step_for("aggregate", node) for node in fw.aggregate_ids}
        out["weights"] = {node: self.weight(node) for node in fw.node_ids if node != fw.index.id}
        return out
