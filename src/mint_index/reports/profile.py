"""One municipality's profile as plain data: key figures, domains against peers, its
history, the scorecard, strengths and weaknesses, recommendations and data quality."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from mint_index.recommendations.texts import EVIDENCE_SEPARATOR
from mint_index.reports.data import (
    ReportData,
    UnitRows,
    nans_to_none,
    node_entry,
    note_kind,
    profile_filename,
    rank_entry,
)
from mint_index.reports.effects_section import profile_effects
from mint_index.reports.i18n import texts
from mint_index.rules.formatting import value_decimals

__all__ = ["SCORECARD_COLUMNS", "profile_context"]

_N_STRENGTHS = 3
#: The figures of a data-quality note that has none (a rule's own note).
_NO_FIGURES = {
    "value": None,
    "lower": None,
    "upper": None,
    "denominator": None,
    "unit": "",
    "unit_first": False,
    "decimals": value_decimals(),
}


#: The columns of a scorecard table, in their order: a node's figures for the unit (as
#: :func:`node_entry` gives them), then what the row shows of its indicator.
SCORECARD_COLUMNS = (
    "id",
    "label",
    "score",
    "peer_median",
    "peer_q1",
    "peer_q3",
    "change",
    "trend",
    "depth",
    "notes",
    "is_indicator",
    "kind",
    "value",
    "unit",
    "unit_first",
    "gap_unit",
    "decimals",
    "median_decimals",
    "value_label",
    "target",
    "peer_median_value",
    "parity_gap",
)


def _picker(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """``lambda row: tuple(row[p] for p in positions)``, the look-ups done in C."""
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions) if positions else (lambda row: ())


@dataclass(frozen=True)
class _SectionLayout:
    """A domain's scorecard rows as far as they are the same on every profile of a report:
    the fixed columns, and where each row's figures are found in a unit's rows."""

    domain: str
    fixed: dict[str, tuple[Any, ...]]  # columns that do not depend on the unit
    # pick each row's entry from a unit's row of every node (scores, changes, trends)
    nodes: Callable[[Sequence[Any]], tuple[Any, ...]]
    # ... from a unit's indicator values, with a None appended (aggregates pick that)
    indicators: Callable[[Sequence[Any]], tuple[Any, ...]]
    levels: tuple[tuple[int, dict[float, str]], ...]  # (row, answer levels)
    parity_points: tuple[tuple[int, float], ...]  # (row, parity point)
    zero_weight: frozenset[str]  # nodes of weight 0: shown, not counted in their parent

    @property
    def size(self) -> int:
        return len(self.fixed["id"])


def _scorecard_layout(data: ReportData) -> list[_SectionLayout]:
    """Per domain the fixed parts of its scorecard, built once per report and process (a
    profile is rendered ten thousand times, its layout is not)."""
    layout = data.memo.get("scorecard")
    if layout is None:
        layout = data.memo["scorecard"] = [
            _section_layout(data, domain, nodes) for domain, nodes in data.layout
        ]
    return layout


def _section_layout(
    data: ReportData, domain: str, nodes: Sequence[tuple[str, int]]
) -> _SectionLayout:
    infos = [data.nodes[node] for node, _ in nodes]
    is_indicator = tuple(info["kind"] == "indicator" for info in infos)
    no_indicator = len(data.indicator_ids)  # one past the end: None (see profile_context)
    indicator_at = [
        data.col[node] if ind else no_indicator  # indicators come first in data.col
        for (node, _), ind in zip(nodes, is_indicator, strict=True)
    ]
    fixed = {
        "id": tuple(node for node, _ in nodes),
        "label": tuple(info["label"] for info in infos),
        "depth": tuple(depth for _, depth in nodes),
        "is_indicator": is_indicator,
        "kind": tuple(
            info["indicator_kind"] if ind else "aggregate"
            for info, ind in zip(infos, is_indicator, strict=True)
        ),
        "unit": tuple(info["unit"] for info in infos),
        "unit_first": tuple(info["unit_first"] for info in infos),
        "gap_unit": tuple(info["gap_unit"] for info in infos),
        "decimals": tuple(info["decimals"] for info in infos),
        "median_decimals": tuple(info["median_decimals"] for info in infos),
        "target": tuple(
            info["target"] if ind else None for info, ind in zip(infos, is_indicator, strict=True)
        ),
    }
    rows = list(zip(infos, is_indicator, strict=True))
    return _SectionLayout(
        domain=domain,
        fixed=fixed,
        nodes=_picker([data.col[node] for node, _ in nodes]),
        indicators=_picker(indicator_at),
        levels=tuple(
            (k, info["levels"]) for k, (info, ind) in enumerate(rows) if ind and info["levels"]
        ),
        parity_points=tuple(
            (k, info["parity_point"])
            for k, (info, ind) in enumerate(rows)
            if ind and info["parity_point"] is not None
        ),
        zero_weight=frozenset(node for node, _ in nodes if data.nodes[node]["weight"] == 0),
    )


def _scorecard_table(
    layout: _SectionLayout,
    r: UnitRows,
    raw: list[float | None],
    median_raw: list[float | None],
    notes: dict[str, list[str]],
) -> dict[str, list[Any]]:
    """A domain's scorecard for one unit, column by column (:data:`SCORECARD_COLUMNS`;
    ``pandas.DataFrame(table)`` shows it as a table). ``raw`` and ``median_raw`` are the
    unit's indicator values and their peer medians with a None appended for aggregates.
    Every column is a list of its own (the layout's are copied), so a context can be
    changed without changing another."""
    fixed, nodes, n = layout.fixed, layout.nodes, layout.size

    def weightless(node: str) -> list[str]:  # shown with its score, yet not counted
        return ["zero_weight"] if node in layout.zero_weight else []

    values = list(layout.indicators(raw))
    value_labels = [""] * n
    for k, levels in layout.levels:
        if values[k] is not None:
            value_labels[k] = levels.get(values[k], "")
    gaps: list[float | None] = [None] * n
    for k, point in layout.parity_points:
        if values[k] is not None:
            gaps[k] = values[k] - point
    return {
        "id": list(fixed["id"]),
        "label": list(fixed["label"]),
        "score": list(nodes(r.shown_scores)),
        "peer_median": list(nodes(r.shown_median)),
        "peer_q1": list(nodes(r.shown_q1)),
        "peer_q3": list(nodes(r.shown_q3)),
        "change": list(nodes(r.shown_changes)),
        "trend": list(nodes(r.trend)),
        "depth": list(fixed["depth"]),
        "notes": [sorted(set(notes.get(node, ()))) + weightless(node) for node in fixed["id"]],
        "is_indicator": list(fixed["is_indicator"]),
        "kind": list(fixed["kind"]),
        "value": values,
        "unit": list(fixed["unit"]),
        "unit_first": list(fixed["unit_first"]),
        "gap_unit": list(fixed["gap_unit"]),
        "decimals": list(fixed["decimals"]),
        "median_decimals": list(fixed["median_decimals"]),
        "value_label": value_labels,
        "target": list(fixed["target"]),
        "peer_median_value": list(layout.indicators(median_raw)),
        "parity_gap": gaps,
    }


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
    for node, flag, reason in zip(flags["node"], flags["flag"], flags["detail"], strict=True):
        kind, detail = note_kind(flag, reason)
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


def _recommendations(
    data: ReportData, u: int, quality: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Unit ``u``'s measures and measures in place, a dict per row (its columns as the
    recommendations frame has them, the actors in words, the evidence of every rule
    that asks for the measure as a list); the rules' own data-quality notes, about half
    of the rows, are appended to ``quality`` straight from their columns."""
    assert data.recommendations is not None
    columns = data.recommendations.columns_of(u, convert=_plain)
    if not columns:
        return [], []
    kinds, nodes, rule_texts = columns["kind"], columns["node"], columns["text"]
    for k in [k for k, kind in enumerate(kinds) if kind == "note"]:
        node = str(nodes[k] or "")
        quality.append(
            {
                "id": node,
                "label": data.nodes.get(node, {}).get("label", node),
                "kind": "data_note",
                "detail": rule_texts[k] or "",
                **_NO_FIGURES,
            }
        )
    names = list(columns)
    actor_names = _actor_names(data)
    recs: list[dict[str, Any]] = []
    in_place: list[dict[str, Any]] = []
    for kind, values in zip(kinds, zip(*columns.values(), strict=True), strict=True):
        if kind == "note":
            continue
        rec = dict(zip(names, values, strict=True))
        actors = rec["actors"]
        if actors is not None and not isinstance(actors, str):
            rec["actors"] = actor_names(actors)
        rec["evidence"] = [e for e in (rec["evidence"] or "").split(EVIDENCE_SEPARATOR) if e]
        (in_place if kind == "in_place" else recs).append(rec)
    return recs, in_place


def _actor_names(data: ReportData) -> Callable[[Sequence[str]], str]:
    """Who acts, in words of the report's language ("Verwaltung, Integrationsbeirat"),
    written once per distinct list of actors and process."""
    names: dict[tuple[str, ...], str] = data.memo.setdefault("actor_names", {})
    words = texts(data.lang)

    def named(actors: Sequence[str]) -> str:
        key = tuple(actors)
        text = names.get(key)
        if text is None:
            text = names[key] = ", ".join(words.get(f"actor_{a}", str(a)) for a in key)
        return text

    return named


def profile_context(data: ReportData, unit_id: str) -> dict[str, Any]:
    """Everything one municipality's profile shows, as plain data."""
    u = data.unit_position(unit_id)
    unit_id = data.unit_ids[u]
    r = UnitRows(data, u)
    quality, notes_by_node = _quality(data, u)
    index = node_entry(data, r, data.index_id) | rank_entry(data, r, data.index_id)
    domains = [node_entry(data, r, d) | rank_entry(data, r, d) for d in data.domains]
    scorecard = []
    raw, median_raw = [*r.shown_raw, None], [*r.shown_median_raw, None]
    for layout in _scorecard_layout(data):
        section = node_entry(data, r, layout.domain)
        table = _scorecard_table(layout, r, raw, median_raw, notes_by_node)
        section["rows"] = table
        section["has_parity"] = table["parity_gap"].count(None) < layout.size
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
                "values": nans_to_none(data.history[:, u, k].tolist()),
            }
            for k, n in enumerate(data.history_nodes)
        ],
    }
    recs, in_place = None, None
    if data.recommendations is not None:
        recs, in_place = _recommendations(data, u, quality)
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
