"""The build spec: what the user writes to decide a result, validated and serialisable.

A spec is the framework plus step overrides that apply to every node (what
``mi.score(..., normalise=...)`` passes) plus optional weight overrides and a peer-group
column. It is an entry-point type: a build resolves it once into a
:class:`~mint_index.plan.Plan` (which spec each node's step uses, as typed parameters),
and every stage reads that plan.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from mint_index.errors import SpecError, YamlError
from mint_index.framework.framework import Framework
from mint_index.framework.model import StepSpec
from mint_index.methods.registry import STEPS, parse_step

__all__ = ["BUILTIN_DEFAULTS", "BuildSpec"]

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

#: The validation context key of the steps :meth:`BuildSpec.with_changes` knows are valid.
_VALIDATED_STEPS = "validated_steps"

#: Settings of a step (not of one method) that an override, or a spec written on a node,
#: leaves as they were unless it names them: ``aggregate={"method": "geometric"}`` on a
#: COINr import keeps its ``min_share`` of 0. Applied by :class:`~mint_index.plan.Plan`
#: (``resolve``, ``with_changes``).
INHERITED: dict[str, tuple[str, ...]] = {"aggregate": ("min_share",)}


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

    @field_validator("framework", mode="wrap")
    @classmethod
    def _checked_framework(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A Framework was checked when it was made: not again for every spec (pydantic
        would re-run its checks, which parse every step spec in it)."""
        return value if isinstance(value, Framework) else handler(value)

    @field_validator(*STEPS, mode="before")
    @classmethod
    def _coerce_step(cls, value: Any, info: ValidationInfo) -> Any:
        from mint_index.plan import StepChoice

        if isinstance(value, StepChoice):
            if value.step != info.field_name:
                raise SpecError(f"{info.field_name}: {value.label()} is a choice of {value.step!r}")
            # already validated: recorded as written, not parsed again (see _valid)
            return StepSpec.model_construct(**value.as_spec())
        if isinstance(value, str):
            return {"method": value}
        if isinstance(value, Mapping) and "method" not in value and info.field_name in IMPLIED:
            return {"method": IMPLIED[info.field_name], **value}
        return value

    @model_validator(mode="after")
    def _valid(self, info: ValidationInfo) -> BuildSpec:
        """Every step spec against the registry, except those the validation context says
        are valid already (:meth:`with_changes`: unchanged ones and step choices)."""
        validated = (info.context or {}).get(_VALIDATED_STEPS, ())
        for step in STEPS:
            spec = getattr(self, step)
            if spec is not None and step not in validated:
                parse_step(step, spec.as_dict())
        unknown = sorted(set(self.weights) - set(self.framework.node_ids))
        if unknown:
            raise SpecError(f"weights: unknown node(s) {', '.join(unknown)}")
        negative = sorted(k for k, w in self.weights.items() if not w >= 0)
        if negative:
            raise SpecError(f"weights: negative or missing weight for {', '.join(negative)}")
        return self

    def with_changes(self, **changes: Any) -> BuildSpec:
        """A new spec with some fields replaced. Steps accept method names and dicts
        (validated here) or :class:`~mint_index.plan.StepChoice` objects (taken as they are:
        already validated); the steps not changed are not validated again."""
        from mint_index.plan import StepChoice

        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise SpecError(
                f"unknown spec field(s) {', '.join(unknown)}; valid: "
                + ", ".join(type(self).model_fields)
            )
        data = {k: getattr(self, k) for k in type(self).model_fields}
        data.update(changes)
        validated = [
            step
            for step in STEPS
            if step not in changes or isinstance(changes[step], StepChoice | None)
        ]
        return BuildSpec.validated(data, context={_VALIDATED_STEPS: validated})

    # ---- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_json(cls, text: str, source: str = "<spec>") -> BuildSpec:
        """The spec in JSON ``text``; bad JSON or content that is no valid spec raises
        :class:`~mint_index.errors.SpecError` naming ``source`` and what is wrong."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SpecError(f"{source}: not valid JSON: {exc}".replace("\n", " ")) from None
        except RecursionError:  # nested thousands of levels deep
            raise SpecError(f"{source}: nested too deeply to be a build spec") from None
        return cls.validated(data, source)

    @classmethod
    def from_yaml(cls, text: str, source: str = "<spec>") -> BuildSpec:
        """The spec in YAML ``text``; bad YAML (read by the hardened
        :func:`~mint_index.yamlio.load_yaml`) or content that is no valid spec raises
        :class:`~mint_index.errors.SpecError` naming ``source`` and what is wrong."""
        from mint_index.yamlio import load_yaml

        try:
            data = load_yaml(source, text=text)
        except YamlError as exc:
            line = f" (line {exc.line})" if exc.line is not None else ""
            raise SpecError(f"{source}: {exc.reason}{line}") from None
        return cls.validated(data, source)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BuildSpec:
        """The spec saved in a file (``to_yaml()`` as ``.yaml``/``.yml``, else
        ``to_json()``), what ``mint-index --spec FILE`` runs.

        The file is read only if it is a regular file of at most
        :data:`~mint_index.yamlio.MAX_YAML_BYTES` (a FIFO or ``/dev/zero`` never hangs the
        run); a file that cannot be read, is not UTF-8, is not valid JSON/YAML or holds no
        valid spec raises :class:`~mint_index.errors.SpecError` naming the file.
        """
        from mint_index.yamlio import MAX_YAML_BYTES, read_limited

        source = os.fspath(path)
        try:
            text = read_limited(Path(source), MAX_YAML_BYTES, "spec file").decode("utf-8")
        except YamlError as exc:
            raise SpecError(f"{source}: {exc.reason}") from None
        except UnicodeDecodeError:
            raise SpecError(f"{source}: not UTF-8 text") from None
        if Path(source).suffix.lower() in (".yaml", ".yml"):
            return cls.from_yaml(text, source)
        return cls.from_json(text, source)

    @classmethod
    def validated(cls, data: Any, source: str = "", context: Any = None) -> BuildSpec:
        """The spec from parsed ``data`` (a file's, or the arguments of ``mi.score`` and
        ``rescore``); pydantic's errors become one SpecError listing each field, after
        ``source`` (the file) where there is one (the method registry's own SpecErrors
        pass unchanged)."""
        try:
            return cls.model_validate(data, context=context)
        except ValidationError as exc:
            fields = [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
            listed = "; ".join(f"{loc}: {msg}" if loc else msg for loc, msg in fields)
            raise SpecError(f"{source}: {listed}" if source else listed) from None
