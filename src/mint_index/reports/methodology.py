"""The overview's reference sections as plain data: methodology (what was computed, from
the build plan), data coverage and the indicators with their sources."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mint_index.framework.model import DirectCompute, Indicator, RatioCompute
from mint_index.methods.registry import GLOBAL_STEPS, INDICATOR_STEPS
from mint_index.plan import group_choices
from mint_index.reports.data import ReportData, note_kind, plain_number, year_rows
from mint_index.reports.i18n import method_text, texts
from mint_index.rules.formatting import Formatter
from mint_index.rules.weights import sibling_shares

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.plan import StepChoice

__all__ = ["coverage", "describe_compute", "methodology", "sources"]


def _spec_groups(
    choices: Mapping[str, StepChoice], labels: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    """Nodes sharing the same choice of a step in the plan, one entry per distinct choice."""
    out = []
    for choice, nodes in group_choices(choices):
        method = choice.registered
        values = choice.params.model_dump(mode="json")  # the parameters as run, defaults included
        out.append(
            {
                "method": method.name,
                "description": method_text(choice.step, method.name, lang, method.summary),
                "parameters": [
                    {"name": k, "value": _parameter_text(v, lang)}
                    for k, v in sorted(values.items())
                ],
                "nodes": [labels[n] for n in nodes],
                "all": len(nodes) == len(choices),
            }
        )
    return out


def _parameter_text(value: Any, lang: str) -> str:
    """A parameter's value as run, written for the page: a number in the page's style
    (``0,5``, not ``0.5``, in German), yes/no for a switch, any other value as JSON
    (``"pooled"``, a list)."""
    if isinstance(value, bool):
        return texts(lang)["param_true" if value else "param_false"]
    if isinstance(value, (int, float)):
        return Formatter(lang).exact(value)
    return json.dumps(value, ensure_ascii=False)


def methodology(res: Results, data: ReportData) -> dict[str, Any]:
    """What was computed, read from the build plan: every step's choices with their
    parameters as run and the nodes they apply to, the weights and their shares, and
    what outlier treatment did in the report year."""
    plan = res.plan
    fw = res.framework
    labels = {n: data.nodes[n]["label"] for n in data.node_ids}
    steps = []
    for step in GLOBAL_STEPS:
        choice = plan.step(step)
        steps.append({"step": step, "groups": _spec_groups({"*": choice}, {"*": ""}, data.lang)})
    for step in (*INDICATOR_STEPS, "aggregate"):
        steps.append({"step": step, "groups": _spec_groups(getattr(plan, step), labels, data.lang)})
    shares = sibling_shares(plan)
    weights = []
    for parent in reversed(fw.aggregate_ids):
        kids = fw.children[parent]
        shared = any(plan.weight(k) > 0 for k in kids)  # else no child has a share
        weights.append(
            {
                "id": parent,
                "label": labels[parent],
                "children": [
                    {
                        "id": k,
                        "label": labels[k],
                        "weight": plan.weight(k),
                        "share": shares[k] if shared else None,
                    }
                    for k in kids
                ],
            }
        )
    treatment = year_rows(res.treatment, data.year)
    treated = []
    if len(treatment):
        mask = (treatment["points"].to_numpy() > 0) | treatment["log_transformed"].to_numpy(
            dtype=bool
        )
        for row in treatment[mask].itertuples(index=False):
            treated.append(
                {
                    "id": str(row.indicator),
                    "label": labels[str(row.indicator)],
                    "points": int(row.points),
                    "log_transformed": bool(row.log_transformed),
                    "skew_before": plain_number(row.skew_before),
                    "skew_after": plain_number(row.skew_after),
                }
            )
    return {"steps": steps, "weights": weights, "treated": treated}


def coverage(res: Results, data: ReportData) -> list[dict[str, Any]]:
    """Per indicator in the report year: values available, imputed, suppressed, ... of
    the units that exist in that year (a municipality merged into another before it
    has no value missing)."""
    yi = data.years.index(data.year)
    derived = res.cube("derived")[yi][data.exists]
    n_units = int(data.exists.sum())
    counts: Counter[tuple[str, str]] = Counter()  # (indicator, kind of note)
    kinds = data.flags.value_counts(("node", "flag", "detail"), units=data.exists)
    for (node, flag, detail), n in kinds.items():
        counts[str(node), note_kind(str(flag), detail)[0]] += n
    available = (~np.isnan(derived)).sum(axis=0)
    out = []
    for i, ind in enumerate(data.indicator_ids):
        domain = next((d for d, nodes in data.layout if any(n == ind for n, _ in nodes)), "")
        out.append(
            {
                "id": ind,
                "label": data.nodes[ind]["label"],
                "domain": data.nodes[domain]["label"] if domain else "",
                "available": int(available[i]),
                "units": n_units,
                "share": float(available[i] / n_units) if n_units else None,
                "imputed": int(counts.get((ind, "imputed"), 0)),
                "suppressed": int(counts.get((ind, "suppressed"), 0)),
                "missing": int(counts.get((ind, "missing"), 0)),
                "unreliable": int(counts.get((ind, "unreliable"), 0)),
            }
        )
    return out


def describe_compute(ind: Indicator, names: Mapping[str, str] | None = None) -> str:
    """An indicator's definition as a short formula over its raw variables: their ids, or
    with ``names`` (id -> label in the report's language) their names in words."""
    c = ind.compute

    def n(variable: str) -> str:
        return variable if names is None else names.get(variable, variable)

    if isinstance(c, DirectCompute):
        text = n(c.variable)
    elif isinstance(c, RatioCompute):
        scale = f" × {c.scale:g}" if c.scale != 1 else ""
        text = f"{n(c.numerator)} / {n(c.denominator)}{scale}"
    else:
        group = f"{n(c.group.numerator)} / {n(c.group.denominator)}"
        ref = f"{n(c.reference.numerator)} / {n(c.reference.denominator)}"
        text = (
            f"({group} − {ref}) × {c.scale:g}" if c.mode == "difference" else f"({group}) ÷ ({ref})"
        )
    if ind.denominator:
        text += f" ÷ {n(ind.denominator)}"
    return text


def sources(fw: Framework, data: ReportData) -> list[dict[str, Any]]:
    names = {v.id: v.label.get(data.lang) for v in fw.variables if v.label is not None}
    out = []
    for ind in fw.indicators:
        src = ind.source
        url = src.url or ""
        out.append(
            {
                "id": ind.id,
                "label": data.nodes[ind.id]["label"],
                "description": ind.description.get(data.lang),
                "domain": data.nodes[_domain_of(fw, ind.id)]["label"],
                "unit": ind.unit_label(data.lang),
                "direction": ind.direction,
                "kind": ind.kind,
                "definition": describe_compute(ind, names),
                "goalposts": None
                if ind.goalposts is None
                else [ind.goalposts.lower, ind.goalposts.upper],
                "goalposts_rationale": ind.goalposts.rationale.get(data.lang)
                if ind.goalposts and ind.goalposts.rationale
                else "",
                "target": None if ind.target is None else ind.target.value,
                "target_source": ind.target.source.get(data.lang)
                if ind.target and ind.target.source
                else "",
                "publisher": src.publisher,
                "table": src.table or "",
                "note": src.note.get(data.lang) if src.note else "",
                "proxies": [names.get(v, v) for v in _proxies(fw, ind.variables())],
                "url": url,
                "url_is_web": url.startswith(("https://", "http://")),
                "min_denominator": ind.min_denominator,
            }
        )
    return out


def _proxies(fw: Framework, variables: list[str]) -> list[str]:
    """The variables whose official figure only approximates them (``source.proxy_for``)."""
    return [
        v for v in variables if getattr(fw.variable_map[v].source, "proxy_for", None) is not None
    ]


def _domain_of(fw: Framework, node: str) -> str:
    chain = [node, *fw.ancestors(node)]
    return chain[-2] if len(chain) >= 2 else node
