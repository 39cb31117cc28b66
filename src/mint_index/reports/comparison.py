"""Two runs, one comparison, as plain data: score and rank changes, the largest movers
and the definition changes. The numbers come from :mod:`.score_changes` and the
definition changes from :mod:`mint_index.plan_changes`, the builders ``mint-index
compare`` uses too, so its files and this page list the same changes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.framework.model import Indicator
from mint_index.methods.registry import STEPS
from mint_index.plan_changes import plan_changes
from mint_index.reports.data import plain_number, prepare
from mint_index.reports.methodology import describe_compute
from mint_index.reports.score_changes import current_rows, score_changes
from mint_index.rules.formatting import Formatter
from mint_index.rules.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results
    from mint_index.plan import Plan

__all__ = ["compare_context"]

_N_MOVERS = 10


def _compute_text(ind: Indicator) -> str:
    """The definition as the methodology page writes it, with its transform (``ln(...)``)."""
    text = describe_compute(ind)
    transform = ind.compute.transform
    return text if transform is None else f"{transform}({text})"


def _field_text(plan: Plan, item: str, field: str, f: Formatter) -> str:
    """How the page writes ``field`` of ``item`` (an indicator, node or the build) in
    ``plan``: one of the fields :func:`~mint_index.plan_changes.plan_changes` compares,
    its numbers as stated (:meth:`Formatter.exact`) in the page's language."""
    if field in STEPS:
        return plan.step(field, item).label()
    if field == "weight":
        return f.exact(plan.weight(item))
    if field == "peer_group":
        return plan.peer_group_column
    if field == "parent":
        return plan.framework.node(item).parent or ""
    ind = plan.framework.indicator(item)
    if field == "compute":
        return _compute_text(ind)
    if field == "unit":
        return ind.unit_label(f.lang)
    if field == "goalposts":
        goalposts = ind.goalposts
        return "" if goalposts is None else _stated_range(f, goalposts.lower, goalposts.upper)
    if field == "target":
        return "" if ind.target is None else f.exact(ind.target.value)
    if field == "levels":
        # a decimal comma would blur into the commas between the levels
        separator = "; " if f.decimal == "," else ", "
        return separator.join(
            f"{f.exact(level.value)}→{f.exact(level.score)}" for level in ind.answer_levels()
        )
    value = getattr(ind, field)
    return "" if value is None else (f.exact(value) if isinstance(value, float) else str(value))


def _stated_range(f: Formatter, lower: float, upper: float) -> str:
    """Goalposts as stated: both ends with the decimals of the more precise one (as
    :meth:`Formatter.exact` writes each), joined as the Formatter joins an interval."""
    digits = max(len(f.exact(end).partition(f.decimal)[2]) for end in (lower, upper))
    return f.range(lower, upper, digits)


def _definitions(before: Results, after: Results, lang: str) -> list[dict[str, Any]]:
    """Every definition change between the two runs (the list ``mint-index compare``
    writes to definition_changes.csv), each changed field with its text before and after."""
    f = Formatter(lang)
    out = []
    for change in plan_changes(before.plan, after.plan):
        side = before if change.change == "removed" else after
        out.append(
            {
                "kind": change.kind,
                "id": change.id,
                "label": None if change.kind == "build" else side.framework.label(change.id, lang),
                "change": change.change,
                "changes": [
                    {
                        "field": field,
                        "before": _field_text(before.plan, change.id, field, f),
                        "after": _field_text(after.plan, change.id, field, f),
                    }
                    for field in change.fields
                ],
            }
        )
    return out


def _changed(definitions: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The page's section of one ``kind`` of item (``indicator``, ``node``) from
    :func:`_definitions`: the changed ones with every changed field, the added and the
    removed ones by label."""
    items = [d for d in definitions if d["kind"] == kind]
    return {
        "changed": [
            {"id": d["id"], "label": d["label"], "changes": d["changes"]}
            for d in items
            if d["change"] == "changed"
        ],
        **{
            change: [{"id": d["id"], "label": d["label"]} for d in items if d["change"] == change]
            for change in ("added", "removed")
        },
    }


def compare_context(
    before: Results,
    after: Results,
    lang: str = DEFAULT_LANGUAGE,
    year_before: int | None = None,
    year_after: int | None = None,
) -> dict[str, Any]:
    """Two runs, one comparison: score and rank changes of the index and the domains
    common to both, the largest movers, and the definition changes: ``definitions``, every
    one as ``mint-index compare`` lists them, and the page's sections of them -
    ``indicators`` and ``aggregates`` (aggregate nodes: domains, the index), each with
    its changed, added and removed items, and ``build``, the changed fields of the
    build-wide settings. Together the sections show every entry of ``definitions``."""
    a = prepare(before, lang, year_before)
    b = prepare(after, lang, year_after)
    # the units each run has in its year (a municipality merged before neither year is
    # in neither run: not "in both", and no row of dashes)
    in_a = {u for u, exists in zip(a.unit_ids, a.exists, strict=True) if exists}
    in_b = [u for u, exists in zip(b.unit_ids, b.exists, strict=True) if exists]
    common = [u for u in in_b if u in in_a]
    ub = np.array([b.unit_position(u) for u in common], dtype=int)
    # the numbers come from the one builder the CLI's comparison uses as well
    changes = score_changes(
        current_rows(a, before.framework.levels), current_rows(b, after.framework.levels)
    ).set_index(["unit", "node"])
    # the index is always compared (its id may differ), domains when both runs have them
    compared = [b.index_id] + [d for d in b.domains if d in a.domains]
    columns = ("old_score", "new_score", "score_change", "old_rank", "new_rank", "rank_change")
    cols = []
    for node in compared:
        block = changes.reindex(pd.MultiIndex.from_arrays([common, [node] * len(common)]))
        cols.append([block[c].to_numpy(dtype=float, na_value=np.nan) for c in columns])
    main_a, main_b, delta = cols[0][0], cols[0][1], cols[0][2]
    rows = []
    for k, unit in enumerate(common):
        rows.append(
            {
                "id": unit,
                "name": b.names[ub[k]],
                "peer_group": b.peer[ub[k]],
                "nodes": [
                    {
                        "before": plain_number(sa[k]),
                        "after": plain_number(sb[k]),
                        "change": plain_number(change[k]),
                        "rank_before": plain_number(ra[k]),
                        "rank_after": plain_number(rb[k]),
                        # positive = moved up the table (rank number fell)
                        "rank_change": plain_number(moved[k]),
                    }
                    for sa, sb, change, ra, rb, moved in cols
                ],
            }
        )
    rows.sort(
        key=lambda r: (
            -(r["nodes"][0]["change"] if r["nodes"][0]["change"] is not None else -math.inf),
            r["id"],
        )
    )
    valid = ~np.isnan(delta)

    def movers(sign: float) -> list[dict[str, Any]]:
        """The largest changes in the direction of ``sign`` (+1 risers, -1 fallers)."""
        order = np.argsort(np.where(valid, -sign * delta, np.inf), kind="stable")
        return [
            {
                "id": common[i],
                "name": b.names[ub[i]],
                "change": float(delta[i]),
                "before": float(main_a[i]),
                "after": float(main_b[i]),
            }
            for i in order[:_N_MOVERS]
            if valid[i] and sign * delta[i] > 0
        ]

    risers, fallers = movers(1.0), movers(-1.0)
    definitions = _definitions(before, after, lang)
    return {
        "kind": "comparison",
        "lang": lang,
        "year_before": a.year,
        "year_after": b.year,
        "framework_before": a.framework,
        "framework": b.framework,
        "generated": b.generated,
        "nodes": [{"id": n, "label": b.nodes[n]["label"]} for n in compared],
        "counts": {
            "both": len(common),
            "only_before": len(in_a - set(common)),
            "only_after": len(set(in_b) - set(common)),
        },
        "rows": rows,
        "risers": risers,
        "fallers": fallers,
        "indicators": _changed(definitions, "indicator"),
        "aggregates": _changed(definitions, "node"),
        "build": next((d["changes"] for d in definitions if d["kind"] == "build"), []),
        "definitions": definitions,
        "scale": {"min": min(a.vmin, b.vmin), "max": max(a.vmax, b.vmax), "band": b.band},
    }
