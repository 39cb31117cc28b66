"""The overview of all units as plain data: scores and ranks, peer groups,
distributions, the heatmap, coverage, methodology and sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mint_index.reports.data import (
    ReportData,
    nan_to_none,
    plain_number,
    profile_filename,
    rank_columns,
)
from mint_index.reports.effects_section import overview_effects
from mint_index.reports.methodology import coverage, methodology, sources
from mint_index.rules.quantiles import quantiles_of_sorted

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["HEATMAP_MAX_UNITS", "histogram", "overview_context", "ranking"]

#: Above this many units the overview shows peer groups instead of one bar per unit.
HEATMAP_MAX_UNITS = 60
_N_BINS = 10


def _summary_stats(values: np.ndarray) -> dict[str, float | None]:
    """Count, extremes and quartiles of the units' scores (the quartiles as the peer
    groups' are read: :func:`~mint_index.rules.quantiles.quantiles_of_sorted`)."""
    finite = np.sort(values[~np.isnan(values)])
    if finite.size == 0:
        return {"n": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    q1, median, q3 = quantiles_of_sorted(
        finite[None, :], np.zeros(1, np.intp), np.array([finite.size]), (0.25, 0.5, 0.75)
    )[:, 0]
    return {
        "n": int(finite.size),
        "min": float(finite[0]),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "max": float(finite[-1]),
    }


def _left_out(data: ReportData) -> list[dict[str, Any]]:
    """Units not in the report year's ranking and why: merged into or dissolved before the
    year, created after it, or without data of that year."""
    out = []
    for u in np.flatnonzero(~data.active):
        unit_id = data.unit_ids[u]
        events = data.changes_of_units.get(unit_id, [])
        ended = [e for e in events if e["kind"] in ("merged_into", "dissolved")]
        begun = [e for e in events if e["kind"] in ("created_from", "created")]
        if ended and ended[0]["year"] <= data.year:
            event = ended[0]
        elif begun and begun[0]["year"] > data.year:
            event = {**begun[0], "kind": "not_yet"}
        else:
            event = {"kind": "no_data", "year": data.year, "names": []}
        out.append({"id": unit_id, "name": data.names[u], **event})
    return sorted(out, key=lambda e: (e["name"], e["id"]))


def _priority_scale() -> dict[str, Any]:
    """The scale and bands of the recommendations' priority, explained once per report."""
    from mint_index.recommendations.priority import BANDS, SCALE

    uppers = [SCALE[1], *(lower for _, lower in BANDS[:-1])]
    return {
        "min": SCALE[0],
        "max": SCALE[1],
        "bands": [
            {"name": name, "lower": lower, "upper": upper}
            for (name, lower), upper in zip(BANDS, uppers, strict=True)
        ],
    }


def ranking(data: ReportData, node: str | None = None) -> np.ndarray:
    """Positions of the units that count in the report year, best score of ``node`` (the
    index by default) first, ties by unit id, units without a score (screened out) last:
    the overview's table, the notebook's bar chart and the best units the CLI names."""
    scores = data.scores[:, data.col[data.index_id if node is None else node]]
    order = np.lexsort(
        (
            np.asarray(data.unit_ids, dtype=object).astype(str),
            np.nan_to_num(-scores, nan=np.inf),
        )
    )
    return order[data.active[order]]


def histogram(data: ReportData, node: str, bins: int = _N_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges over the score scale and how many units score in each bin."""
    edges = np.linspace(data.vmin, data.vmax, bins + 1)
    values = data.scores[:, data.col[node]]
    return edges, np.histogram(values[~np.isnan(values)], bins=edges)[0]


def overview_context(res: Results, data: ReportData) -> dict[str, Any]:
    """The overview of all units: scores, ranks, peer groups, distributions, coverage,
    methodology and sources."""
    fw = res.framework
    index_col = data.col[data.index_id]
    dom_cols = [data.col[d] for d in data.domains]
    order = ranking(data)
    # column by column: the table has a row per unit (ten thousand at national size)
    ids = [data.unit_ids[u] for u in order.tolist()]
    index_ranks = rank_columns(data, data.index_id, order)
    domain_scores = [data.scores[order, c].tolist() for c in dom_cols]
    domain_ranks = [rank_columns(data, d, order, ("rank",))["rank"] for d in data.domains]
    units = [
        {
            "id": unit_id,
            "name": data.names[u],
            "peer_group": data.peer[u],
            "href": profile_filename(unit_id),
            "score": nan_to_none(score),
            "change": nan_to_none(change),
        }
        | dict(zip(index_ranks, ranks, strict=True))
        | {
            "domains": [
                {"score": nan_to_none(s[k]), "rank": r[k]}
                for s, r in zip(domain_scores, domain_ranks, strict=True)
            ]
        }
        for k, (u, unit_id, score, change, ranks) in enumerate(
            zip(
                order.tolist(),
                ids,
                data.scores[order, index_col].tolist(),
                data.changes[order, index_col].tolist(),
                zip(*index_ranks.values(), strict=True),
                strict=True,
            )
        )
    ]

    summary_nodes = [data.index_id, *data.domains]
    peer_groups = []
    for g, name in enumerate(data.groups):
        members = np.flatnonzero((data.group_code == g) & data.active)
        idx = data.scores[members, index_col]
        best = members[np.nanargmax(idx)] if np.isfinite(idx).any() else None
        peer_groups.append(
            {
                "name": name,
                "n": int(members.size),
                "median": plain_number(data.peer_median[g, index_col]),
                "min": plain_number(np.nanmin(idx)) if np.isfinite(idx).any() else None,
                "max": plain_number(np.nanmax(idx)) if np.isfinite(idx).any() else None,
                "best": "" if best is None else data.names[best],
                "domains": [plain_number(data.peer_median[g, c]) for c in dom_cols],
            }
        )

    distributions = []
    for n in summary_nodes:
        values = data.scores[:, data.col[n]]
        edges, counts = histogram(data, n)
        distributions.append(
            {"id": n, "label": data.nodes[n]["label"], "counts": [int(c) for c in counts]}
            | _summary_stats(values)
        )

    by_unit = len(units) <= HEATMAP_MAX_UNITS
    if by_unit:
        heat_rows = [
            {"label": e["name"], "values": [d["score"] for d in e["domains"]]} for e in units
        ]
    else:
        heat_rows = [{"label": g["name"], "values": g["domains"]} for g in peer_groups]
    screened = [
        {"id": u, "name": data.names[data.unit_position(u)], "coverage": c}
        for u, c in sorted(data.screened_out.items())
    ]
    return {
        "kind": "overview",
        "left_out": _left_out(data),
        "priorities": None if data.recommendations is None else _priority_scale(),
        "effects": overview_effects(data),
        "lang": data.lang,
        "year": data.year,
        "years": data.years,
        "framework": data.framework,
        "generated": data.generated,
        "counts": {
            "units": int(data.active.sum()),
            "indicators": len(data.indicator_ids),
            "domains": len(data.domains),
            "peer_groups": len(data.groups),
            "years": len(data.years),
        },
        "domains": [{"id": d, "label": data.nodes[d]["label"]} for d in data.domains],
        "units": units,
        "has_uncertainty": data.has_uncertainty,
        "show_bars": by_unit,
        "peer_groups": peer_groups,
        "distributions": distributions,
        "edges": [float(e) for e in edges],
        "heatmap": {"by": "unit" if by_unit else "peer_group", "rows": heat_rows},
        "coverage": coverage(res, data),
        "screened_out": screened,
        "methodology": methodology(res, data),
        "sources": sources(fw, data),
        "scale": {"min": data.vmin, "max": data.vmax, "band": data.band},
    }
