"""The assembled framework: the validated tree with the look-ups the pipeline needs."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from mint_index.errors import FrameworkError
from mint_index.framework.checks import check_framework
from mint_index.framework.model import (
    Defaults,
    FrameworkMeta,
    Indicator,
    Node,
    PeerGroups,
    StepSpec,
    Variable,
)
from mint_index.rules.languages import DEFAULT_LANGUAGE

__all__ = ["Framework"]


class Framework(BaseModel):
    """A complete, validated framework.

    Build one with :func:`mint_index.load_framework` (YAML) or
    ``Framework.model_validate(dict)``; both run every check and raise one
    :class:`~mint_index.FrameworkError` listing all problems.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    framework: FrameworkMeta
    index: Node
    defaults: Defaults = Field(default_factory=Defaults)
    peer_groups: PeerGroups = Field(default_factory=PeerGroups)
    variables: list[Variable] = Field(default_factory=list)
    nodes: list[Node] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Framework:
        origins = (info.context or {}).get("origins")
        problems = check_framework(self, origins)
        if problems:
            raise FrameworkError(problems)
        return self

    # ---- look-ups -------------------------------------------------------------------
    @cached_property
    def indicator_ids(self) -> list[str]:
        return [ind.id for ind in self.indicators]

    @cached_property
    def aggregate_ids(self) -> list[str]:
        """Aggregate nodes, children before parents; the index comes last."""
        height: dict[str, int] = {}

        def h(node_id: str) -> int:
            if node_id not in height:
                kids = [k for k in self.children[node_id] if k in self._aggregates]
                height[node_id] = 1 + max((h(k) for k in kids), default=0)
            return height[node_id]

        order = list(self._aggregates)
        return sorted(order, key=lambda n: (h(n), order.index(n)))

    @cached_property
    def node_ids(self) -> list[str]:
        """Every node: indicators first, then aggregates bottom-up, the index last."""
        return self.indicator_ids + self.aggregate_ids

    @cached_property
    def _aggregates(self) -> dict[str, Node]:
        return {self.index.id: self.index, **{n.id: n for n in self.nodes}}

    @cached_property
    def _indicators(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @cached_property
    def variable_map(self) -> dict[str, Variable]:
        return {v.id: v for v in self.variables}

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {node_id: [] for node_id in self._aggregates}
        items: list[Node | Indicator] = [*self.nodes, *self.indicators]
        for item in items:
            if item.parent is not None:
                out[item.parent].append(item.id)
        return out

    @cached_property
    def parent_of(self) -> dict[str, str | None]:
        items: list[Node | Indicator] = [self.index, *self.nodes, *self.indicators]
        return {item.id: item.parent for item in items}

    def node(self, node_id: str) -> Node | Indicator:
        """The node or indicator with this id."""
        if node_id in self._indicators:
            return self._indicators[node_id]
        if node_id in self._aggregates:
            return self._aggregates[node_id]
        raise KeyError(f"no node {node_id!r} in framework {self.framework.id!r}")

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators[indicator_id]

    def is_indicator(self, node_id: str) -> bool:
        return node_id in self._indicators

    def ancestors(self, node_id: str) -> list[str]:
        """Parents up to the index, nearest first."""
        out, current = [], self.parent_of.get(node_id)
        while current is not None:
            out.append(current)
            current = self.parent_of.get(current)
        return out

    def descendant_indicators(self, node_id: str) -> list[str]:
        if self.is_indicator(node_id):
            return [node_id]
        out: list[str] = []
        for child in self.children[node_id]:
            out += self.descendant_indicators(child)
        return out

    @cached_property
    def levels(self) -> dict[str, int]:
        """COINr-style level: 1 for indicators, one more than the highest child above."""
        out = dict.fromkeys(self.indicator_ids, 1)
        for node_id in self.aggregate_ids:
            out[node_id] = 1 + max(out[c] for c in self.children[node_id])
        return out

    def label(self, node_id: str, lang: str = DEFAULT_LANGUAGE) -> str:
        item = self.node(node_id)
        return (item.name if isinstance(item, Indicator) else item.label).get(lang)

    def step_spec(self, step: str, node_id: str) -> StepSpec | None:
        """The spec the framework gives ``step`` for ``node_id``: its own, else the nearest
        ancestor's, else the framework default (``None`` if nothing is said)."""
        for candidate in [node_id, *self.ancestors(node_id)]:
            spec = getattr(self.node(candidate), step, None)
            if spec is not None:
                return spec
        return getattr(self.defaults, step, None)

    def required_variables(self) -> list[str]:
        out: list[str] = []
        for ind in self.indicators:
            out += ind.variables()
        return list(dict.fromkeys(out))

    # ---- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self) -> str:
        import yaml

        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)

    @property
    def identity(self) -> dict[str, str]:
        """``id``, ``version`` and ``sha256``: the framework as every provenance block
        names it (scores files, the SQL ``provenance`` table, the command line's)."""
        return {
            "id": self.framework.id,
            "version": self.framework.version,
            "sha256": self.sha256,
        }

    @cached_property
    def sha256(self) -> str:
        """A hash of the framework's content, independent of file layout and formatting."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(n)}</td><td>{self.levels[n]}</td>"
            f"<td>{escape(self.label(n))}</td><td>{escape(str(self.parent_of[n]))}</td></tr>"
            for n in reversed(self.node_ids)
        )
        head = escape(f"{self.framework.label.en} ({len(self.indicators)} indicators)")
        return (
            f"<b>{head}</b><table><tr><th>id</th><th>level</th><th>label</th>"
            f"<th>parent</th></tr>{rows}</table>"
        )

    def __repr__(self) -> str:
        return (
            f"Framework({self.framework.id!r}, {len(self.indicators)} indicators, "
            f"{len(self.nodes)} aggregate nodes, {len(self.variables)} variables)"
        )

    __str__ = __repr__
