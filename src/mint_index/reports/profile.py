"""One municipality's profile as plain data: key figures, domains against peers, its
history, the scorecard, strengths and weaknesses, recommendations and data quality."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mint_index.recommendations.texts import EVIDENCE_SEPARATOR
from mint_index.reports.data import (
    SUPPRESSED_REASONS,
    ReportData,
    UnitRows,
    nan_to_none,
    node_entry,
    profile_filename,
    rank_entry,
)
from mint_index.reports.effects_section import profile_effects
from mint_index.reports.i18n import texts

__all__ = ["profile_context"]

_N_STRENGTHS = 3


def _indicator_row(
    data: ReportData, r: UnitRows, node: str, depth: int, notes: dict[str, list[str]]
) -> dict[str, Any]:
    info = data.nodes[node]
    row = node_entry(data, r, node)
    row["depth"] = depth
    kinds = notes.get(node)
    row["notes"] = sorted(set(kinds)) if kinds else []
    if info["kind"] == "indicator":
        i = data.col[node]  # indicators come first among the nodes
        value = nan_to_none(r.raw[i])
        parity = info["parity_point"]
        row.update(
            is_indicator=True,
            kind=info["indicator_kind"],
            value=value,
            unit=info["unit"],
            unit_first=info["unit_first"],
            gap_unit=info["gap_unit"],
            value_label=info["levels"].get(value, "") if value is not None else "",
            target=info["target"],
            peer_median_value=nan_to_none(r.median_raw[i]),
            parity_gap=None if parity is None or value is None else value - parity,
        )
    else:
        row.update(
            is_indicator=False,
            kind="aggregate",
            value=None,
            unit="",
            unit_first=False,
            gap_unit="",
            value_label="",
            target=None,
            peer_median_value=None,
            parity_gap=None,
        )
    return row


def _quality(data: ReportData, u: int) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Data-quality notes of one unit and, per node, the note kinds (for the scorecard)."""
    unit_id = data.unit_ids[u]
    notes: list[dict[str, Any]] = []
    by_node: dict[str, list[str]] = {}
    flags = data.flags.rows(u)
    if not flags:
        return notes, by_node
    intervals = {row["indicator"]: row for row in data.intervals.rows(u)}
    for row in flags:
        node, flag, detail = str(row["node"]), str(row["flag"]), str(row["detail"] or "")
        if flag == "missing":
            kind = "suppressed" if detail in SUPPRESSED_REASONS else "missing"
        elif flag.startswith("missing:"):  # the contract's alternative spelling
            detail = flag.split(":", 1)[1]
            kind = "suppressed" if detail in SUPPRESSED_REASONS else "missing"
        else:
            kind = flag
        info = data.nodes.get(node, {})
        entry: dict[str, Any] = {
            "id": node,
            "label": info.get("label", node),
            "kind": kind,
            "detail": detail,
            "value": None,
            "lower": None,
            "upper": None,
            "denominator": None,
            "unit": info.get("unit", ""),
        }
        if kind == "unreliable" and node in intervals:
            iv = intervals[node]
            entry.update(
                value=nan_to_none(iv["value"]),
                lower=nan_to_none(iv["lower"]),
                upper=nan_to_none(iv["upper"]),
                denominator=nan_to_none(iv["denominator"]),
            )
        if kind == "screened_out":
            entry["value"] = data.screened_out.get(unit_id)
        notes.append(entry)
        by_node.setdefault(node, []).append(kind)
    order = {n: k for k, n in enumerate(data.node_ids)}
    notes.sort(key=lambda e: (order.get(e["id"], -1), e["kind"]))
    return notes, by_node


def _plain(value: Any) -> Any:
    """numpy scalars and NaN from a recommendations frame as plain Python values."""
    if isinstance(value, (np.generic,)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is None:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def profile_context(data: ReportData, unit_id: str) -> dict[str, Any]:
    """Everything one municipality's profile shows, as plain data."""
    u = data.unit_position(unit_id)
    unit_id = data.unit_ids[u]
    r = UnitRows(data, u)
    quality, notes_by_node = _quality(data, u)
    index = node_entry(data, r, data.index_id) | rank_entry(data, r, data.index_id)
    domains = [node_entry(data, r, d) | rank_entry(data, r, d) for d in data.domains]
    scorecard = []
    for domain, nodes in data.layout:
        section = node_entry(data, r, domain)
        section["rows"] = [_indicator_row(data, r, n, depth, notes_by_node) for n, depth in nodes]
        section["has_parity"] = any(row["parity_gap"] is not None for row in section["rows"])
        scorecard.append(section)

    # strengths and weaknesses: indicators furthest above / below the peer median
    n_ind = len(data.indicator_ids)
    diffs = [
        (s - m, k)
        for k, (s, m) in enumerate(zip(r.scores[:n_ind], r.median[:n_ind], strict=True))
        if s == s and m == m
    ]
    above = sorted((d for d in diffs if d[0] > data.band), key=lambda d: (-d[0], d[1]))
    below = sorted((d for d in diffs if d[0] < -data.band), key=lambda d: (d[0], d[1]))
    strengths = [
        node_entry(data, r, data.indicator_ids[k]) | {"difference": d}
        for d, k in above[:_N_STRENGTHS]
    ]
    weaknesses = [
        node_entry(data, r, data.indicator_ids[k]) | {"difference": d}
        for d, k in below[:_N_STRENGTHS]
    ]

    history = {
        "years": list(data.years),
        "series": [
            {
                "id": n,
                "label": data.nodes[n]["label"],
                "values": [nan_to_none(v) for v in data.history[:, u, k].tolist()],
            }
            for k, n in enumerate(data.history_nodes)
        ],
    }
    recs, in_place = None, None
    if data.recommendations is not None:
        recs, in_place = [], []
        words = texts(data.lang)
        for rec in data.recommendations.rows_of(u, convert=_plain):
            if rec["actors"] is not None and not isinstance(rec["actors"], str):
                rec["actors"] = ", ".join(words.get(f"actor_{a}", str(a)) for a in rec["actors"])
            # one measure, the evidence of every rule that asks for it
            rec["evidence"] = [e for e in (rec["evidence"] or "").split(EVIDENCE_SEPARATOR) if e]
            if rec["kind"] == "in_place":
                in_place.append(rec)
            elif rec["kind"] == "note":  # the rules' own data-quality notes
                node = str(rec["node"] or "")
                quality.append(
                    {
                        "id": node,
                        "label": data.nodes.get(node, {}).get("label", node),
                        "kind": "data_note",
                        "detail": rec["text"] or "",
                        "value": None,
                        "lower": None,
                        "upper": None,
                        "denominator": None,
                        "unit": "",
                    }
                )
            else:
                recs.append(rec)
    return {
        "kind": "profile",
        "lang": data.lang,
        "year": data.year,
        "framework": data.framework,
        "generated": data.generated,
        "unit": {
            "id": unit_id,
            "name": data.names[u],
            "peer_group": data.peer[u],
            "href": profile_filename(unit_id),
            "active": bool(data.active[u]),
            "changes": data.changes_of_units.get(unit_id, []),
        },
        "index": index,
        "domains": domains,
        "history": history,
        "scorecard": scorecard,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "recommendations": recs,
        "in_place": in_place,
        "effects": profile_effects(data, unit_id),
        "quality": quality,
        "has_uncertainty": data.has_uncertainty,
        "scale": {"min": data.vmin, "max": data.vmax, "band": data.band},
    }
