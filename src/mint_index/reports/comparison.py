"""Two runs, one comparison, as plain data: score and rank changes, the largest movers
and the indicators whose definition changed. The numbers come from
:mod:`.score_changes`, the builder ``mint-index compare`` uses too."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.framework.model import Indicator
from mint_index.reports.data import plain_number, prepare
from mint_index.reports.methodology import describe_compute
from mint_index.reports.score_changes import current_rows, score_changes

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["compare_context"]

_N_MOVERS = 10

_COMPARED_FIELDS = (
    "compute",
    "unit",
    "direction",
    "kind",
    "goalposts",
    "target",
    "levels",
    "min_denominator",
    "parent",
)


def _field_text(ind: Indicator, name: str, spec: dict[str, Any] | None = None) -> str:
    if name == "compute":
        return describe_compute(ind)
    if name == "goalposts":
        return "" if ind.goalposts is None else f"{ind.goalposts.lower:g} – {ind.goalposts.upper:g}"
    if name == "target":
        return "" if ind.target is None else f"{ind.target.value:g}"
    if name == "levels":
        return ", ".join(f"{lv.value:g}→{lv.score:g}" for lv in ind.answer_levels())
    if name == "normalise":
        return json.dumps(spec or {}, sort_keys=True, ensure_ascii=False)
    value = getattr(ind, name)
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def _changed_indicators(before: Results, after: Results, lang: str) -> dict[str, Any]:
    fa, fb = before.framework, after.framework
    norm_a = {i: c.as_spec() for i, c in before.plan.normalise.items()}
    norm_b = {i: c.as_spec() for i, c in after.plan.normalise.items()}
    w_a, w_b = before.plan.weights, after.plan.weights
    changed = []
    for ind_b in fb.indicators:
        if ind_b.id not in fa.indicator_ids:
            continue
        ind_a = fa.indicator(ind_b.id)
        diffs = []
        for name in _COMPARED_FIELDS:
            a, b = _field_text(ind_a, name), _field_text(ind_b, name)
            if a != b:
                diffs.append({"field": name, "before": a, "after": b})
        a = _field_text(ind_a, "normalise", norm_a.get(ind_b.id))
        b = _field_text(ind_b, "normalise", norm_b.get(ind_b.id))
        if a != b:
            diffs.append({"field": "normalise", "before": a, "after": b})
        if w_a.get(ind_b.id) != w_b.get(ind_b.id):
            diffs.append(
                {
                    "field": "weight",
                    "before": f"{w_a.get(ind_b.id, 0):g}",
                    "after": f"{w_b.get(ind_b.id, 0):g}",
                }
            )
        if diffs:
            changed.append({"id": ind_b.id, "label": fb.label(ind_b.id, lang), "changes": diffs})
    added = [
        {"id": i, "label": fb.label(i, lang)} for i in fb.indicator_ids if i not in fa.indicator_ids
    ]
    removed = [
        {"id": i, "label": fa.label(i, lang)} for i in fa.indicator_ids if i not in fb.indicator_ids
    ]
    return {"changed": changed, "added": added, "removed": removed}


def compare_context(
    before: Results,
    after: Results,
    lang: str = "de",
    year_before: int | None = None,
    year_after: int | None = None,
) -> dict[str, Any]:
    """Two runs, one comparison: score and rank changes of the index and the domains
    common to both, the largest movers, and indicators whose definition changed."""
    a = prepare(before, lang, year_before)
    b = prepare(after, lang, year_after)
    common = [u for u in b.unit_ids if u in set(a.unit_ids)]
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
            "only_before": len(set(a.unit_ids) - set(common)),
            "only_after": len(set(b.unit_ids) - set(common)),
        },
        "rows": rows,
        "risers": risers,
        "fallers": fallers,
        "indicators": _changed_indicators(before, after, lang),
        "scale": {"min": min(a.vmin, b.vmin), "max": max(a.vmax, b.vmax), "band": b.band},
    }
