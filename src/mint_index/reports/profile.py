"""One municipality's profile as plain data: key figures, domains against peers, its
history, the scorecard, strengths and weaknesses, recommendations and data quality."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
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
from mint_index.rules.formatting import value_decimals

__all__ = ["profile_context"]

_N_STRENGTHS = 3


@dataclass(frozen=True)
class _RowLayout:
    """What a scorecard row shows that is the same on every profile of a report."""

    node: str
    col: int  # in data.scores / data.changes
    indicator: int  # in data.raw, -1 for an aggregate
    depth: int
    label: str
    kind: str
    unit: str
    unit_first: bool
    gap_unit: str
    decimals: int  # of the value, its target and parity gap
    median_decimals: int  # of the peer median of the value
    target: float | None
    levels: dict[float, str]
    parity_point: float | None

    @cached_property
    def fixed(self) -> dict[str, Any]:
        """The fields a row adds to its :func:`node_entry`, in their order, with what is
        the same on every page filled in (an indicator's figures are set per page)."""
        return {
            "depth": self.depth,
            "notes": None,  # set per page
            "is_indicator": self.indicator >= 0,
            "kind": self.kind,
            "value": None,
            "unit": self.unit,
            "unit_first": self.unit_first,
            "gap_unit": self.gap_unit,
            "decimals": self.decimals,
            "median_decimals": self.median_decimals,
            "value_label": "",
            "target": self.target,
            "peer_median_value": None,
            "parity_gap": None,
        }


def _scorecard_layout(data: ReportData) -> list[tuple[str, list[_RowLayout]]]:
    """Per domain its rows' fixed parts, built once per report and process (a profile
    is rendered ten thousand times, its layout is not)."""
    layout = data.memo.get("scorecard")
    if layout is None:
        layout = data.memo["scorecard"] = [
            (domain, [_row_layout(data, node, depth) for node, depth in nodes])
            for domain, nodes in data.layout
        ]
    return layout


def _row_layout(data: ReportData, node: str, depth: int) -> _RowLayout:
    info = data.nodes[node]
    indicator = info["kind"] == "indicator"
    return _RowLayout(
        node=node,
        col=data.col[node],
        indicator=data.col[node] if indicator else -1,  # indicators come first
        depth=depth,
        label=info["label"],
        kind=info["indicator_kind"] if indicator else "aggregate",
        unit=info["unit"],
        unit_first=info["unit_first"],
        gap_unit=info["gap_unit"],
        decimals=info["decimals"],
        median_decimals=info["median_decimals"],
        target=info["target"] if indicator else None,
        levels=info["levels"],
        parity_point=info["parity_point"] if indicator else None,
    )


def _scorecard_row(
    data: ReportData, r: UnitRows, row: _RowLayout, notes: dict[str, list[str]]
) -> dict[str, Any]:
    entry = node_entry(data, r, row.node, row.col, row.label)
    entry.update(row.fixed)
    kinds = notes.get(row.node)
    entry["notes"] = sorted(set(kinds)) if kinds else []
    i = row.indicator
    if i >= 0:
        value = entry["value"] = r.shown_raw[i]
        entry["peer_median_value"] = r.shown_median_raw[i]
        if value is not None:
            entry["value_label"] = row.levels.get(value, "")
            if row.parity_point is not None:
                entry["parity_gap"] = value - row.parity_point
    return entry


def _quality(data: ReportData, u: int) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Data-quality notes of one unit and, per node, the note kinds (for the scorecard)."""
    notes: list[dict[str, Any]] = []
    by_node: dict[str, list[str]] = {}
    flags = data.flags.columns_of(u, _plain)
    if not flags:
        return notes, by_node
    unit_id = data.unit_ids[u]
    iv = data.intervals.columns_of(u, _plain)
    intervals = (
        dict(
            zip(
                iv["indicator"],
                zip(iv["value"], iv["lower"], iv["upper"], iv["denominator"], strict=True),
                strict=True,
            )
        )
        if iv
        else {}
    )
    for node, flag, detail in zip(flags["node"], flags["flag"], flags["detail"], strict=True):
        detail = detail or ""
        if flag == "missing":
            kind = "suppressed" if detail in SUPPRESSED_REASONS else "missing"
        elif flag.startswith("missing:"):  # the contract's alternative spelling
            detail = flag.split(":", 1)[1]
            kind = "suppressed" if detail in SUPPRESSED_REASONS else "missing"
        else:
            kind = flag
        info = data.nodes.get(node, {})
        value = lower = upper = denominator = None
        if kind == "unreliable" and node in intervals:
            value, lower, upper, denominator = intervals[node]
        elif kind == "screened_out":
            value = data.screened_out.get(unit_id)
        notes.append(
            {
                "id": node,
                "label": info.get("label", node),
                "kind": kind,
                "detail": detail,
                "value": value,
                "lower": lower,
                "upper": upper,
                "denominator": denominator,
                "unit": info.get("unit", ""),
                "unit_first": info.get("unit_first", False),
                "decimals": info.get("decimals", value_decimals()),
            }
        )
        by_node.setdefault(node, []).append(kind)
    order = data.col  # position of each node
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
    for domain, rows in _scorecard_layout(data):
        section = node_entry(data, r, domain)
        section["rows"] = [_scorecard_row(data, r, row, notes_by_node) for row in rows]
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
                        "unit_first": False,
                        "decimals": value_decimals(),
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
