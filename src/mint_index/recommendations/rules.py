"""Recommendation rules and the action catalog: YAML files, pydantic models, checks.

A rule says *when* (a structured condition on scores, gaps, trends and flags), *how
serious* (severity), *what to do* (actions from the catalog) and *why* (an explanation
template in German and English). Conditions are data, never code: there is no ``eval``.

Loading collects every problem first and raises one :class:`~mint_index.RuleError`
whose lines name the file and the path inside it, e.g.
``rules/participation.yaml: rules[2].when.all[0].node: unknown node 'x'``.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from mint_index.errors import Problem, RuleError, YamlError, validation_message
from mint_index.framework.model import Text
from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.pipeline.flags import FLAGS
from mint_index.recommendations.priority import Severity
from mint_index.rules.languages import LANGUAGES
from mint_index.yamlio import load_yaml

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework

__all__ = [
    "PLACEHOLDERS",
    "Action",
    "AllOf",
    "AnyOf",
    "Condition",
    "NodeCondition",
    "NotOf",
    "Rule",
    "RuleSet",
    "RulesSkippedWarning",
    "Threshold",
    "load_rules",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]

#: A condition may test the flags of ``Results.flags`` (:data:`~mint_index.pipeline.flags.FLAGS`;
#: ``missing`` matches every missing reason) and ``missing:<reason>`` (one of them).
_MISSING_FLAGS = tuple(f"missing:{r}" for r in DERIVED_REASONS if r)

#: Placeholders an explanation template may use (``{score}``); see docs/recommendations.md.
PLACEHOLDERS = (
    "unit",
    "unit_name",
    "year",
    "previous_year",
    "node",
    "score",
    "value",
    "target_score",
    "gap_target",
    "peer_group",
    "peer_median",
    "gap_peer_median",
    "peer_best",
    "gap_peer_best",
    "parity_gap",
    "change",
    "trend",
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _Strict(BaseModel):
    # allow_inf_nan=False: a threshold of ``.nan`` is never crossed, one of ``.inf`` always
    # or never; either is a rule that silently never (or always) fires, so it is an error,
    # as in a framework
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Threshold(_Strict):
    """``above`` and/or ``below`` (strict inequalities); both together mean *between*."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Threshold:
        if self.above is None and self.below is None:
            raise ValueError("give 'above', 'below' or both")
        if self.above is not None and self.below is not None and not self.above < self.below:
            raise ValueError(f"'above' ({self.above}) must be less than 'below' ({self.below})")
        return self


class GapThreshold(Threshold):
    """A threshold on one of a node's gaps (positive = the unit is behind)."""

    to: Literal["target", "peer_median", "peer_best"]


#: Measures a node condition can test -> the column of the gaps table it reads.
MEASURES = ("score", "gap", "parity", "change", "trend", "flag")


class NodeCondition(_Strict):
    """A test on one node: exactly one of ``score``, ``gap``, ``parity``, ``change``,
    ``trend`` (thresholds) or ``flag`` (a flag name)."""

    node: Id
    score: Threshold | None = None
    gap: GapThreshold | None = None
    parity: Threshold | None = None
    change: Threshold | None = None
    trend: Threshold | None = None
    flag: str | None = None

    @field_validator("flag")
    @classmethod
    def _known_flag(cls, value: str | None) -> str | None:
        if value is not None and value not in FLAGS and value not in _MISSING_FLAGS:
            raise ValueError(f"unknown flag {value!r}; valid: {', '.join(FLAGS)}, missing:<reason>")
        return value

    @model_validator(mode="after")
    def _one_measure(self) -> NodeCondition:
        given = [m for m in MEASURES if getattr(self, m) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of {', '.join(MEASURES)} (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def measure(self) -> str:
        """The tested measure: ``flag`` or a column of the gaps table."""
        if self.gap is not None:
            return f"gap_{self.gap.to}"
        if self.parity is not None:
            return "parity_gap"
        return next(m for m in ("score", "change", "trend", "flag") if getattr(self, m) is not None)

    @property
    def threshold(self) -> Threshold | None:
        return self.score or self.gap or self.parity or self.change or self.trend


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    not_: Condition = Field(alias="not")


def _condition_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("all", "any", "not"):
            if key in value:
                return f"<{key}>"
        return "<node>"
    tags: dict[type, str] = {AllOf: "<all>", AnyOf: "<any>", NotOf: "<not>"}
    return tags.get(type(value), "<node>")


#: A condition tree. The tags (``<all>``, ...) are dropped from error paths.
Condition = Annotated[
    Union[  # noqa: UP007 - tagged members need the explicit Union
        Annotated[AllOf, Tag("<all>")],
        Annotated[AnyOf, Tag("<any>")],
        Annotated[NotOf, Tag("<not>")],
        Annotated[NodeCondition, Tag("<node>")],
    ],
    Discriminator(_condition_kind),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def walk(condition: Condition, path: str = "when") -> Iterator[tuple[str, NodeCondition]]:
    """Every node condition in document order, with its path (``when.all[0]``)."""
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        for i, child in enumerate(condition.all if isinstance(condition, AllOf) else condition.any):
            yield from walk(child, f"{path}.{key}[{i}]")
    elif isinstance(condition, NotOf):
        yield from walk(condition.not_, f"{path}.not")
    else:
        yield path, condition


class Rule(_Strict):
    """When a condition holds for a unit and year, recommend these actions."""

    id: Id
    when: Condition
    actions: list[Id] = Field(min_length=1)
    severity: Severity
    about: Id | None = Field(
        default=None,
        description="The node the recommendation is about (priority, evidence); "
        "default: the first node in 'when'.",
    )
    text: Text

    @field_validator("actions")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        twice = sorted(k for k, n in Counter(value).items() if n > 1)
        if twice:
            raise ValueError(f"action(s) listed twice: {', '.join(twice)}")
        return value

    @property
    def focus(self) -> str:
        """The node the recommendation is about."""
        return self.about or next(walk(self.when))[1].node

    def nodes(self) -> list[str]:
        """Every node the rule reads, in document order, without repeats."""
        return list(dict.fromkeys([c.node for _, c in walk(self.when)] + [self.focus]))

    def gap_measures(self) -> list[str]:
        """The gaps the condition names on the focus node, in document order: a ``gap`` test
        names that gap, a ``score`` test the gap to the target."""
        out = []
        for _, cond in walk(self.when):
            if cond.node == self.focus and cond.gap is not None:
                out.append(cond.measure)
            elif cond.node == self.focus and cond.score is not None:
                out.append("gap_target")
        return list(dict.fromkeys(out))


class Action(_Strict):
    """A measure from the catalog, drawn from a real integration programme."""

    id: Id
    programme: str = Field(min_length=1, description="The programme it comes from (MIT, M³, ...).")
    source: str = Field(min_length=1, description="The source document (seed file name).")
    title: Text
    description: Text
    actors: list[Literal["administration", "council", "associations", "migrant_organisations"]] = (
        Field(min_length=1)
    )
    effort: Literal["low", "medium", "high"]
    horizon: Literal["short", "medium", "long"] = Field(
        description="short: within a year; medium: one to two years; long: more than two years."
    )
    indicators: list[Id] = Field(
        min_length=1, description="Nodes of the framework the action is expected to move."
    )
    outputs: list[Id] = Field(
        default_factory=list,
        description="Those of 'indicators' that count what the measure itself provides, or "
        "the share it reaches (events held, people trained, organisations in a network): a "
        "change in them shows the measure is carried out, not what it achieves, so it never "
        "counts as its effect.",
    )

    @model_validator(mode="after")
    def _outputs_among_indicators(self) -> Action:
        stray = [n for n in self.outputs if n not in self.indicators]
        if stray:
            raise ValueError(f"outputs not among the action's indicators: {', '.join(stray)}")
        twice = sorted(k for k, n in Counter(self.outputs).items() if n > 1)
        if twice:
            raise ValueError(f"output(s) listed twice: {', '.join(twice)}")
        return self


# ---- the rule set ---------------------------------------------------------------------------


class RulesSkippedWarning(UserWarning):
    """Packaged rules were left out because the framework lacks the nodes they test."""


@dataclass(frozen=True)
class RuleSet:
    """Rules and the actions they refer to, with where each was written."""

    rules: tuple[Rule, ...]
    actions: Mapping[str, Action]
    origins: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: The packaged catalog, written for the packaged framework: with another framework its
    #: rules that do not fit are skipped (one warning) instead of failing.
    packaged: bool = False

    def where(self, kind: str, item_id: str) -> tuple[str, str]:
        """``(file, path)`` of a rule or action (``kind`` is ``rules`` or ``actions``)."""
        return self.origins.get((kind, item_id), ("", f"{kind}[{item_id}]"))

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no rule {rule_id!r}")

    def check(self, framework: Framework, actions: Iterable[str] = ()) -> list[Problem]:
        """Every rule's reference to a node that ``framework`` does not have, and conditions
        that do not fit the node (a parity test on an indicator without a parity gap).

        The ``indicators`` of the actions named in ``actions`` are checked too, and their
        ``outputs`` (a yes/no indicator is none: it says whether the measure is there); an
        action's indicators are a hint for the framework it was written for, so a packaged
        action does not stop its rules from being used with another framework.
        """
        problems: list[Problem] = []
        nodes = set(framework.node_ids)
        for rule in self.rules:
            file, base = self.where("rules", rule.id)
            for path, cond in walk(rule.when):
                if cond.node not in nodes:
                    problems.append(
                        Problem(file, f"{base}.{path}.node", f"unknown node {cond.node!r}")
                    )
                elif cond.parity is not None and not (
                    framework.is_indicator(cond.node)
                    and framework.indicator(cond.node).kind == "parity_gap"
                ):
                    problems.append(
                        Problem(
                            file,
                            f"{base}.{path}.parity",
                            f"node {cond.node!r} is not a parity indicator",
                        )
                    )
            if rule.about is not None and rule.about not in nodes:
                problems.append(Problem(file, f"{base}.about", f"unknown node {rule.about!r}"))
        for action in (self.actions[a] for a in actions):
            file, base = self.where("actions", action.id)
            for i, node in enumerate(action.indicators):
                if node not in nodes:
                    problems.append(
                        Problem(file, f"{base}.indicators[{i}]", f"unknown node {node!r}")
                    )
            for i, node in enumerate(action.outputs):
                if framework.is_indicator(node) and framework.indicator(node).answer_levels():
                    problems.append(
                        Problem(
                            file,
                            f"{base}.outputs[{i}]",
                            f"{node!r} is a yes/no or level indicator: it says whether the "
                            "measure is there, so list it first among indicators, not as an "
                            "output",
                        )
                    )
        return problems

    def validated_for(self, framework: Framework) -> RuleSet:
        """This rule set, after checking it against ``framework`` (raises RuleError).

        The packaged rule set instead drops the rules ``framework`` cannot evaluate, with
        one :class:`RulesSkippedWarning` that lists them (a custom framework lacks most
        packaged nodes; that is no error in the user's rules).
        """
        problems = self.check(framework)
        if not problems:
            return self
        if not self.packaged:
            raise RuleError(problems)
        return self._without_rules_of(problems)

    def _without_rules_of(self, problems: list[Problem]) -> RuleSet:
        owner = {self.where("rules", r.id): r.id for r in self.rules}
        missing: dict[str, list[str]] = {}
        for p in problems:
            for (file, base), rule_id in owner.items():
                if p.file == file and p.path.startswith(f"{base}."):
                    missing.setdefault(rule_id, []).append(p.message)
        kept = tuple(r for r in self.rules if r.id not in missing)
        listed = "; ".join(
            f"{rule_id} ({', '.join(dict.fromkeys(msgs))})" for rule_id, msgs in missing.items()
        )
        warnings.warn(
            f"{len(missing)} of {len(self.rules)} packaged rules skipped because the "
            f"framework lacks what they test: {listed}",
            RulesSkippedWarning,
            stacklevel=3,
        )
        return RuleSet(kept, self.actions, self.origins, packaged=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "actions": [a.model_dump(mode="json") for a in self.actions.values()],
            "rules": [
                r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in self.rules
            ],
        }

    @property
    def sha256(self) -> str:
        """A hash of the content, independent of file layout and formatting."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules, {len(self.actions)} actions)"


# ---- loading --------------------------------------------------------------------------------


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith("<"):
            continue  # a union tag says nothing to a YAML author
        else:
            out += f".{part}" if out else str(part)
    return out


def _problems(exc: ValidationError, file: str, prefix: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        message = validation_message(err)
        if err["type"] == "union_tag_invalid":
            message = "a condition is all, any, not or a mapping with 'node'"
        out.append(Problem(file, _format_loc((prefix, *err["loc"])), message))
    return out


def _template_problems(rule: Rule, file: str, base: str) -> list[Problem]:
    out = []
    for lang in LANGUAGES:
        for name in _PLACEHOLDER.findall(getattr(rule.text, lang)):
            if name not in PLACEHOLDERS:
                out.append(
                    Problem(
                        file,
                        f"{base}.text.{lang}",
                        f"unknown placeholder {{{name}}}; valid: " + ", ".join(PLACEHOLDERS),
                    )
                )
    return out


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise RuleError([Problem(str(path), "", "no .yaml files in this folder")])
        return files
    if not path.exists():
        raise RuleError([Problem(str(path), "", "no such file or folder")])
    return [path]


def _raw_references(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(path, node id)`` of every ``node`` key in a condition that failed validation, so
    its unknown nodes are reported in the same round as its other problems."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key == "node" and isinstance(child, str):
                yield f"{path}.node", child
            elif key in ("all", "any") and isinstance(child, list):
                for i, item in enumerate(child):
                    yield from _raw_references(item, f"{path}.{key}[{i}]")
            elif key == "not":
                yield from _raw_references(child, f"{path}.not")


@dataclass
class _Broken:
    """What is still readable of a rule that failed validation."""

    file: str
    path: str
    nodes: list[tuple[str, str]]
    actions: list[tuple[str, str]]


def _broken(entry: Any, label: str, where: str) -> _Broken | None:
    if not isinstance(entry, Mapping):
        return None
    nodes = list(_raw_references(entry.get("when"), f"{where}.when"))
    if isinstance(entry.get("about"), str):
        nodes.append((f"{where}.about", entry["about"]))
    raw_actions = entry.get("actions")
    actions = (
        [(f"{where}.actions[{j}]", a) for j, a in enumerate(raw_actions) if isinstance(a, str)]
        if isinstance(raw_actions, list)
        else []
    )
    return _Broken(label, where, nodes, actions)


def _read(
    root: Path, problems: list[Problem], broken: list[_Broken] | None = None
) -> list[tuple[str, str, int, BaseModel]]:
    """Every valid item of every file as ``(kind, file, position, item)``; what can still be
    read of invalid rules goes to ``broken``."""
    items: list[tuple[str, str, int, BaseModel]] = []
    for file in _yaml_files(root):
        label = file.relative_to(root.parent).as_posix() if root.is_dir() else file.name
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        found, said, rests = _read_file(file, label, digest)
        items += found
        problems += said
        if broken is not None:
            broken += rests
    return items


@lru_cache(maxsize=64)
def _read_file(
    file: Path, label: str, digest: str
) -> tuple[tuple[tuple[str, str, int, BaseModel], ...], tuple[Problem, ...], tuple[_Broken, ...]]:
    """One file's valid items, problems and broken rules (see :func:`_read`), kept per
    content (``digest``, the SHA-256 of its bytes, is part of the key): the packaged
    catalog is parsed once per process, not on every ``recommend``; the items are frozen."""
    del digest  # the cache key only
    items: list[tuple[str, str, int, BaseModel]] = []
    problems: list[Problem] = []
    broken: list[_Broken] = []
    try:
        content = load_yaml(file)
    except YamlError as exc:
        where = f"line {exc.line}" if exc.line is not None else ""
        return (), (Problem(label, where, exc.reason),), ()
    content = {} if content is None else content
    if not isinstance(content, dict):
        reason = "the file must hold a mapping with 'actions' and/or 'rules'"
        return (), (Problem(label, "", reason),), ()
    for key in content:
        if key not in ("actions", "rules"):
            problems.append(Problem(label, str(key), "unknown section (valid: actions, rules)"))
    for kind, model in (("actions", Action), ("rules", Rule)):
        entries = content.get(kind) or []
        if not isinstance(entries, list):
            problems.append(Problem(label, kind, "must be a list"))
            continue
        for i, entry in enumerate(entries):
            try:
                item = model.model_validate(entry)
            except ValidationError as exc:
                problems += _problems(exc, label, f"{kind}[{i}]")
                rest = _broken(entry, label, f"{kind}[{i}]") if kind == "rules" else None
                if rest is not None:
                    broken.append(rest)
                continue
            items.append((kind, label, i, item))
    return tuple(items), tuple(problems), tuple(broken)


def _packaged_root() -> Path:
    from mint_index.resources import catalog_path

    return catalog_path("recommendations")


def load_rules(
    path: str | Path | None = None,
    framework: Framework | None = None,
    packaged_actions: bool = True,
) -> RuleSet:
    """Load rules (and actions) from a YAML file or a folder of them.

    ``path=None`` loads the packaged catalog. A file or folder of your own may define
    ``rules`` only and use the packaged actions (``packaged_actions=True``), add actions of
    its own, or replace a packaged action by defining one with the same id. With
    ``framework``, every node its rules and actions name is checked against it
    (:func:`~mint_index.recommendations` checks the rules against the results' framework anyway).

    Raises :class:`~mint_index.RuleError` listing every problem with file and path.
    """
    packaged = _packaged_root()
    root = packaged if path is None else Path(path)
    problems: list[Problem] = []
    base_actions: dict[str, Action] = {}
    origins: dict[tuple[str, str], tuple[str, str]] = {}
    if packaged_actions and root.resolve() != packaged.resolve():
        for kind, label, i, item in _read(packaged, problems):
            if kind == "actions":
                assert isinstance(item, Action)
                base_actions[item.id] = item
                origins[("actions", item.id)] = (f"<packaged> {label}", f"actions[{i}]")
    broken: list[_Broken] = []
    items = _read(root, problems, broken)

    actions: dict[str, Action] = dict(base_actions)
    rules: list[Rule] = []
    first: dict[tuple[str, str], str] = {}
    for kind, label, i, item in items:
        item_id = item.id  # type: ignore[attr-defined]
        where = f"{kind}[{i}]"
        if (kind, item_id) in first:
            problems.append(
                Problem(
                    label,
                    f"{where}.id",
                    f"duplicate id {item_id!r} (first in {first[kind, item_id]})",
                )
            )
            continue
        first[kind, item_id] = label
        origins[(kind, item_id)] = (label, where)
        if isinstance(item, Action):
            actions[item.id] = item
        else:
            assert isinstance(item, Rule)
            rules.append(item)
            problems += _template_problems(item, label, where)

    for rule in rules:
        label, where = origins[("rules", rule.id)]
        for j, action in enumerate(rule.actions):
            if action not in actions:
                problems.append(
                    Problem(label, f"{where}.actions[{j}]", f"unknown action {action!r}")
                )
    for rest in broken:
        problems += [
            Problem(rest.file, path, f"unknown action {a!r}")
            for path, a in rest.actions
            if a not in actions
        ]
        if framework is not None:
            problems += [
                Problem(rest.file, path, f"unknown node {n!r}")
                for path, n in rest.nodes
                if n not in framework.node_ids
            ]
    ruleset = RuleSet(tuple(rules), actions, origins, packaged=path is None)
    if framework is not None and ruleset.packaged and not problems:
        return ruleset.validated_for(framework)
    if framework is not None:
        own = [a for a in actions if not origins[("actions", a)][0].startswith("<packaged>")]
        problems += ruleset.check(framework, own)
    if problems:
        raise RuleError(problems)
    return ruleset
