"""Whole-framework checks: everything that needs more than one item to decide.

Each check appends :class:`~mint_index.errors.Problem` s instead of raising, so a user
sees every problem of a framework at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mint_index.errors import Problem, SpecError
from mint_index.methods.registry import INDICATOR_STEPS, STEPS, parse_step

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.framework.model import Indicator, Node

#: Where an item was written: ``(section, position in the merged list) -> (file, path)``.
Origins = Mapping[tuple[str, int], tuple[str, str]]


def format_loc(loc: tuple[object, ...]) -> str:
    """Turn a pydantic error location into ``indicators[3].compute.denominator``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("direct", "ratio", "parity") and out.endswith("compute"):
            continue  # the discriminated union's tag says nothing to a YAML author
        else:
            out += f".{part}" if out else str(part)
    return out


#: Most aggregate levels below the index (COINr frameworks have 3 to 5). Deeper trees
#: are refused: they are a mistake or an attack, and reports walk the tree recursively.
MAX_DEPTH = 20


def check_framework(
    fw: Framework, origins: Origins | None = None, broken_ids: frozenset[str] = frozenset()
) -> list[Problem]:
    """All cross-item problems of ``fw``. ``broken_ids`` are items that failed on their own
    and the parents they name: references to them are not reported again, nor is such a
    parent childless."""
    origins = origins or {}

    def where(section: str, i: int, suffix: str = "") -> tuple[str, str]:
        file, path = origins.get((section, i), ("", f"{section}[{i}]"))
        return file, f"{path}.{suffix}" if suffix else path

    problems: list[Problem] = []

    def add(section: str, i: int, suffix: str, message: str) -> None:
        file, path = where(section, i, suffix)
        problems.append(Problem(file, path, message))

    aggregates = [("index", 0, fw.index), *(("nodes", i, n) for i, n in enumerate(fw.nodes))]
    known_nodes = {node.id for _, _, node in aggregates} | broken_ids
    indicator_ids = {ind.id for ind in fw.indicators}
    variable_ids = {v.id for v in fw.variables} | broken_ids

    counts = Counter([node.id for _, _, node in aggregates] + [ind.id for ind in fw.indicators])
    for section, i, node in aggregates:
        if counts[node.id] > 1:
            add(section, i, "id", f"duplicate id {node.id!r}")
    for i, ind in enumerate(fw.indicators):
        if counts[ind.id] > 1:
            add("indicators", i, "id", f"duplicate id {ind.id!r}")
    var_counts = Counter(v.id for v in fw.variables)
    for i, var in enumerate(fw.variables):
        if var_counts[var.id] > 1:
            add("variables", i, "id", f"duplicate variable id {var.id!r}")

    if fw.index.parent is not None:
        add("index", 0, "parent", "the index is the root and has no parent")
    for i, node in enumerate(fw.nodes):
        if node.parent is None:
            add("nodes", i, "parent", f"node {node.id!r} has no parent (only the index is a root)")

    def check_parent(section: str, i: int, child: str, parent: str | None) -> None:
        if parent is None:
            return
        if parent in indicator_ids:
            add(section, i, "parent", f"parent {parent!r} is an indicator; indicators are leaves")
        elif parent not in known_nodes:
            add(section, i, "parent", f"unknown parent {parent!r}")
        elif parent == child:
            add(section, i, "parent", f"{child!r} is its own parent")

    for i, node in enumerate(fw.nodes):
        check_parent("nodes", i, node.id, node.parent)
    for i, ind in enumerate(fw.indicators):
        check_parent("indicators", i, ind.id, ind.parent)

    parent_of = {node.id: node.parent for _, _, node in aggregates}
    for i, node in enumerate(fw.nodes):
        seen, current = {node.id}, node.parent
        while current is not None and current in parent_of:
            if current in seen:
                add("nodes", i, "parent", f"cycle in the hierarchy through {node.id!r}")
                break
            seen.add(current)
            current = parent_of[current]
        else:
            if len(seen) == MAX_DEPTH + 2:  # the first node too deep (seen: itself + ancestors)
                add(
                    "nodes",
                    i,
                    "parent",
                    f"the hierarchy is more than {MAX_DEPTH} levels deep at {node.id!r}; "
                    "composite indicators have a handful of levels",
                )

    children: dict[str, list[float]] = {node.id: [] for _, _, node in aggregates}
    weighted: list[Node | Indicator] = [*fw.nodes, *fw.indicators]
    for item in weighted:
        if item.parent in children:
            children[item.parent].append(item.weight)
    for section, i, node in aggregates:
        weights = children[node.id]
        if not weights and node.id not in broken_ids:
            add(section, i, "", f"node {node.id!r} has no children")
        elif weights and all(w == 0 for w in weights):
            add(section, i, "", f"all children of {node.id!r} have weight 0")

    for i, ind in enumerate(fw.indicators):
        compute = ind.compute.model_dump()
        for key, value in _references(compute):
            if value not in variable_ids:
                add("indicators", i, f"compute.{key}", f"unknown variable {value!r}")
        if ind.denominator is not None and ind.denominator not in variable_ids:
            add("indicators", i, "denominator", f"unknown variable {ind.denominator!r}")

    def check_steps(
        section: str, i: int, prefix: str, owner: object, steps: tuple[str, ...]
    ) -> None:
        for step in steps:
            spec = getattr(owner, step, None)
            if spec is None:
                continue
            try:
                parse_step(step, spec.as_dict())
            except SpecError as exc:
                add(section, i, f"{prefix}{step}", str(exc))

    check_steps("defaults", 0, "", fw.defaults, STEPS)
    for section, i, node in aggregates:
        check_steps(section, i, "", node, (*INDICATOR_STEPS, "aggregate"))
    for i, ind in enumerate(fw.indicators):
        check_steps("indicators", i, "", ind, INDICATOR_STEPS)
    return problems


def _references(compute: dict[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """(path, variable id) pairs of a compute block, nested parts included."""
    out: list[tuple[str, str]] = []
    for key, value in compute.items():
        if key in ("type", "mode", "scale", "transform"):
            continue
        if isinstance(value, dict):
            out += _references(value, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", str(value)))
    return out
