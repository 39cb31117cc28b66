"""The build plan: a build spec resolved once into typed, immutable method choices.

A :class:`~mint_index.spec.BuildSpec` is what the user writes: the framework plus step
overrides, weights and a peer-group column. :func:`Plan.resolve` turns it, once, at the
start of a build, into a :class:`Plan` that holds for every step and node the method and
an instance of that method's parameter model from the registry. Resolution order:
override in the spec -> the node's own spec -> its nearest ancestor's -> framework
defaults -> :data:`BUILTIN_DEFAULTS`.

Every stage past the entry points (the engine, rescore, gaps, uncertainty replicates,
recommendations, reports) reads the plan; none parses a spec dict again. A changed plan
(:meth:`Plan.with_changes`, what ``rescore`` and the uncertainty replicates run) replaces
choices in the typed plan: a :class:`StepChoice` is taken as it is, and the framework's
own choices, resolved once with the plan, are not parsed again. The plan serialises to
the spec as the user wrote it (:meth:`Plan.to_json`, :meth:`Plan.to_yaml`), and reading
that back resolves to an equal plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    SerializeAsAny,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from mint_index.errors import SpecError
from mint_index.framework.framework import Framework
from mint_index.framework.model import StepSpec
from mint_index.methods.registry import (
    GLOBAL_STEPS,
    INDICATOR_STEPS,
    STEPS,
    Method,
    StepParams,
    get_method,
    parse_step,
)
from mint_index.spec import BUILTIN_DEFAULTS, INHERITED, BuildSpec

__all__ = ["Plan", "StepChoice", "group_choices"]

K = TypeVar("K")


class StepChoice(BaseModel):
    """One step's method at one node, with its typed, validated parameters.

    ``params`` is an instance of the method's parameter model (defaults filled in);
    :meth:`as_spec` gives the spec as written (only the parameters that were given).
    """

    model_config = ConfigDict(frozen=True)

    step: str
    method: str
    params: SerializeAsAny[StepParams]

    @classmethod
    def parse(cls, step: str, spec: StepChoice | StepSpec | Mapping[str, Any] | str) -> StepChoice:
        """Validate a spec (``"rank"``, ``{"method": "rank", ...}`` or a StepSpec). A choice
        is already typed and validated: it is returned as it is, if it is one of ``step``."""
        if isinstance(spec, StepChoice):
            if spec.step != step:
                raise SpecError(f"{step}: {spec.label()} is a choice of step {spec.step!r}")
            return spec
        if isinstance(spec, str):
            spec = {"method": spec}
        elif isinstance(spec, StepSpec):
            spec = spec.as_dict()
        method, params = parse_step(step, spec)
        return cls(step=step, method=method.name, params=params)

    @property
    def registered(self) -> Method:
        """The registry entry (function, parameter model, summary) of this method."""
        return get_method(self.step, self.method)

    @property
    def func(self) -> Callable[..., Any]:
        return self.registered.func

    def as_spec(self) -> dict[str, Any]:
        """``{"method": name, **params as given}``: the spec a user would write."""
        given = self.params.model_dump(mode="json", exclude_unset=True)
        return {"method": self.method, **given}

    def label(self) -> str:
        """``method(param=value, ...)`` with the parameters as given, for tables and texts."""
        import json

        given = self.params.model_dump(mode="json", exclude_unset=True)
        params = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(given.items()))
        return f"{self.method}({params})" if params else self.method


def group_choices(choices: Mapping[K, StepChoice]) -> list[tuple[StepChoice, list[K]]]:
    """The distinct choices among ``choices`` (by node or column), each with the keys that
    share it, in order of first use. Choices compare by method and parameters."""
    out: list[tuple[StepChoice, list[K]]] = []
    for key, chosen in choices.items():
        for known, keys in out:
            if known == chosen:
                keys.append(key)
                break
        else:
            out.append((chosen, [key]))
    return out


#: The choices of one step in a plan: one for a build-wide step, else one per node.
StepTable = StepChoice | Mapping[str, StepChoice]


def _keeping(override: StepChoice, under: StepChoice) -> StepChoice:
    """``override`` in place of ``under``, keeping the step-wide settings of ``under`` (see
    :data:`~mint_index.spec.INHERITED`) that it names and ``override`` does not. Both are
    validated, so the kept values are copied as they are, typed."""
    kept = {
        setting: getattr(under.params, setting)
        for setting in INHERITED.get(override.step, ())
        if setting in under.params.model_fields_set
        and setting not in override.params.model_fields_set
        and setting in type(override.params).model_fields
    }
    if not kept:
        return override
    return override.model_copy(update={"params": override.params.model_copy(update=kept)})


def _overridden(override: StepChoice | None, framework: StepTable) -> StepTable:
    """A step's choices: ``override`` (``None``: none) in place of the framework's own."""
    if override is None:
        return framework
    if isinstance(framework, StepChoice):
        return _keeping(override, framework)
    by_under: dict[int, StepChoice] = {}  # the framework's choices are shared between nodes
    table = {}
    for node, under in framework.items():
        if id(under) not in by_under:
            by_under[id(under)] = _keeping(override, under)
        table[node] = by_under[id(under)]
    return table


def _given(spec: BuildSpec, step: str) -> StepChoice | None:
    """The override ``spec`` gives ``step``, validated (``None``: it gives none)."""
    written = getattr(spec, step)
    return None if written is None else StepChoice.parse(step, written)


def _framework_choices(fw: Framework) -> dict[str, StepTable]:
    """What ``fw`` alone chooses for every step and node: its own spec, else its nearest
    ancestor's, else the framework defaults, else :data:`BUILTIN_DEFAULTS`. A spec written
    on a node keeps the settings of the one it replaces that it does not name, as an
    override does (:data:`~mint_index.spec.INHERITED`: ``aggregate: {method: geometric}``
    on a node of a COINr import keeps its ``min_share`` of 0). Each distinct spec is
    parsed once."""
    parsed: dict[tuple[str, int], StepChoice] = {}
    kept: dict[tuple[int, int], StepChoice] = {}

    def choice(step: str, spec: StepSpec | None) -> StepChoice:
        # the framework's StepSpec objects live as long as the build
        key = (step, id(spec))
        if key not in parsed:
            parsed[key] = StepChoice.parse(
                step, spec if spec is not None else BUILTIN_DEFAULTS[step]
            )
        return parsed[key]

    def of_node(step: str, node: str) -> StepChoice:
        """The defaults' choice, overridden by each ancestor's spec down to the node's."""
        chosen = choice(step, getattr(fw.defaults, step))
        for owner in [*reversed(fw.ancestors(node)), node]:
            spec = getattr(fw.node(owner), step, None)
            if spec is not None:
                override = choice(step, spec)
                key = (id(override), id(chosen))
                if key not in kept:
                    kept[key] = _keeping(override, chosen)
                chosen = kept[key]
        return chosen

    tables: dict[str, StepTable] = {
        step: choice(step, getattr(fw.defaults, step)) for step in GLOBAL_STEPS
    }
    for step in INDICATOR_STEPS:
        tables[step] = {i: of_node(step, i) for i in fw.indicator_ids}
    tables["aggregate"] = {a: of_node("aggregate", a) for a in fw.aggregate_ids}
    return tables


class _ReadOnlyDict(dict):
    """A dict that refuses every change, and still pickles (reports run in processes)."""

    def _refuse(self, *_: object, **__: object) -> None:
        raise TypeError("a plan is read-only; Plan.with_changes makes a changed one")

    # every change raises, so these replace dict's methods with another signature on purpose
    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[str, object]]]:
        return (type(self), (dict(self),))


class Plan(BaseModel):
    """Everything one scoring run does, resolved: the only spec type past the entry points.

    ``denominate`` and ``screen`` are decided for the whole build; ``impute``, ``treat``
    and ``normalise`` per indicator, ``aggregate`` per aggregate node (dicts keyed by node
    id, in framework order, read-only). ``weights`` holds every node's weight except the
    index's.
    """

    model_config = ConfigDict(frozen=True)

    spec: BuildSpec
    denominate: StepChoice
    screen: StepChoice
    impute: Mapping[str, StepChoice]
    treat: Mapping[str, StepChoice]
    normalise: Mapping[str, StepChoice]
    aggregate: Mapping[str, StepChoice]
    weights: Mapping[str, float]
    peer_group_column: str

    #: What the framework alone chooses, by step: resolved once with the plan, so that
    #: :meth:`with_changes` never parses the framework again.
    _framework_choices: dict[str, StepTable] = PrivateAttr(default_factory=dict)

    @field_validator("spec", mode="wrap")
    @classmethod
    def _validated_spec(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A BuildSpec was validated when it was made: not again for its plan (pydantic
        would re-run its checks, which parse every step spec in it)."""
        return value if isinstance(value, BuildSpec) else handler(value)

    @model_validator(mode="after")
    def _read_only(self) -> Plan:
        """The per-node tables become read-only views: a plan never changes."""
        for name in (*INDICATOR_STEPS, "aggregate", "weights"):
            object.__setattr__(self, name, _ReadOnlyDict(getattr(self, name)))
        return self

    # ---- resolution -----------------------------------------------------------------
    @classmethod
    def resolve(cls, spec: BuildSpec) -> Plan:
        """Resolve ``spec`` for every step and node (each distinct spec parsed once).

        An override replaces the framework's spec of a step, except for the step-wide
        settings in :data:`~mint_index.spec.INHERITED` it does not name (COINr parity: an
        aggregation override keeps the ``min_share`` that ``read_coinr`` set)."""
        framework = _framework_choices(spec.framework)
        tables = {step: _overridden(_given(spec, step), framework[step]) for step in STEPS}
        return cls._assemble(spec, framework, tables)

    @classmethod
    def _assemble(
        cls, spec: BuildSpec, framework: dict[str, StepTable], tables: Mapping[str, Any]
    ) -> Plan:
        """The plan of ``spec`` with the choices ``tables`` (by step), the weights and the
        peer-group column; ``framework``: the framework's own choices it was made from."""
        fw = spec.framework
        plan = cls(
            spec=spec,
            **tables,
            weights={
                n: float(spec.weights.get(n, fw.node(n).weight))
                for n in fw.node_ids
                if n != fw.index.id
            },
            peer_group_column=spec.peer_group or fw.peer_groups.column,
        )
        plan._framework_choices = framework
        return plan

    @property
    def framework(self) -> Framework:
        return self.spec.framework

    def step(self, step: str, node: str | None = None) -> StepChoice:
        """The choice of ``step`` at ``node`` (``None`` for the build-wide steps)."""
        if step not in STEPS:
            raise SpecError(f"unknown step {step!r}; steps: {', '.join(STEPS)}")
        value = getattr(self, step)
        if isinstance(value, StepChoice):
            return value
        if node is None:
            raise ValueError(f"{step} is chosen per node; name the node")
        return value[node]

    def weight(self, node: str) -> float:
        """A node's weight relative to its siblings (the index weighs 1)."""
        return self.weights.get(node, 1.0)

    def groups(self, step: str) -> Iterator[tuple[StepChoice, list[int]]]:
        """Distinct choices of a per-indicator ``step`` with their indicator columns,
        in order of first use: each method runs once on the columns that share it."""
        columns = dict(enumerate(getattr(self, step).values()))
        return iter(group_choices(columns))

    def with_changes(self, **changes: Any) -> Plan:
        """The plan of the spec with some fields replaced (what ``rescore`` runs).

        Steps accept a method name or a spec dict (validated, as at any entry point) or a
        :class:`StepChoice` (taken as it is: already typed and validated); ``None`` removes
        an override. Only the changed steps are replaced, over the framework's own choices
        resolved with this plan, so nothing already resolved is parsed again; a new
        framework resolves everything again."""
        spec = self.spec.with_changes(**changes)
        if "framework" in changes:
            return Plan.resolve(spec)
        framework = self._framework_choices
        tables = {step: getattr(self, step) for step in STEPS}
        for step in STEPS:
            if step in changes:
                given = changes[step]
                override = (
                    StepChoice.parse(step, given)  # checks it is a choice of this step
                    if isinstance(given, StepChoice)
                    else _given(spec, step)
                )
                tables[step] = _overridden(override, framework[step])
        return Plan._assemble(spec, framework, tables)

    # ---- serialisation: the spec as written -----------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.spec.to_dict()

    def to_json(self) -> str:
        return self.spec.to_json()

    def to_yaml(self) -> str:
        return self.spec.to_yaml()

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.resolve(BuildSpec.from_json(text))

    @classmethod
    def from_yaml(cls, text: str) -> Plan:
        return cls.resolve(BuildSpec.from_yaml(text))
