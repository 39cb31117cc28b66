"""What the notebook charts (``res.plot``) draw, as plain data built from a report's
prepared data.

compute -> structure -> render, as for the HTML pages: :func:`~.data.prepare` does the
array work, the builders here pick what one chart shows (which units, in which order,
which values, on which scale) by the report's rules - the overview's ranking, only units
that count in the year, the profile's history - and :mod:`mint_index.plot` only draws
what they return. Every builder returns JSON-serialisable dicts (str, numbers, None,
lists), so a chart can be drawn from data saved or built elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mint_index.errors import ArgumentError, ReportError
from mint_index.reports.data import ReportData, plain_number, plain_numbers
from mint_index.reports.overview import histogram, ranking

__all__ = ["bars_data", "distribution_data", "heatmap_data", "trend_data"]


def _node(data: ReportData, node: str | None, allowed: list[str] | None = None) -> str:
    node = data.index_id if node is None else node
    valid = data.node_ids if allowed is None else allowed
    if node not in valid:
        raise ReportError(f"unknown node {node!r}; nodes: {', '.join(valid)}")
    return node


def _scale(data: ReportData) -> dict[str, float]:
    return {"min": data.vmin, "max": data.vmax}


def _at_least_one(value: int | None, name: str) -> None:
    """A count a chart takes (``top``, ``bins``): ``None`` or a whole number from 1. A 0
    had drawn every unit, a -3 silently left three out, ``bins=0`` an empty chart."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ArgumentError(f"{name} must be a whole number from 1, got {value!r}")


def bars_data(data: ReportData, node: str | None = None, top: int | None = None) -> dict[str, Any]:
    """Every unit's score of ``node`` (index by default) in the report year, best first
    (the overview's ranking; units without a score of the year are left out); ``top``
    keeps the best n (a whole number from 1; ``None``: every unit)."""
    _at_least_one(top, "top")
    node = _node(data, node)
    scores = data.scores[:, data.col[node]]
    order = [u for u in ranking(data, node).tolist() if scores[u] == scores[u]]
    order = order if top is None else order[:top]
    return {
        "label": data.nodes[node]["label"],
        "year": data.year,
        "units": [
            {"id": data.unit_ids[u], "name": data.names[u], "score": plain_number(scores[u])}
            for u in order
        ],
        "scale": _scale(data),
    }


def heatmap_data(data: ReportData) -> dict[str, Any]:
    """Units (rows, in the overview's ranking) by domains (columns)."""
    columns = [data.col[d] for d in data.domains]
    return {
        "year": data.year,
        "domains": [data.nodes[d]["label"] for d in data.domains],
        "rows": [
            {
                "id": data.unit_ids[u],
                "name": data.names[u],
                "values": plain_numbers(data.scores[u, columns]),
            }
            for u in ranking(data).tolist()
        ],
        "scale": _scale(data),
    }


def trend_data(
    data: ReportData, units: list[str] | None = None, node: str | None = None
) -> dict[str, Any]:
    """Scores of ``node`` (the index or a domain, as a profile's history) over the years,
    one series per unit (default: the first seven); a year without data of the unit
    is a gap, as in the report."""
    node = _node(data, node, data.history_nodes)
    chosen = [str(u) for u in (units if units is not None else data.unit_ids[:7])]
    k = data.history_nodes.index(node)
    return {
        "label": data.nodes[node]["label"],
        "years": list(data.years),
        "series": [
            {
                "id": unit,
                "name": data.names[data.unit_position(unit)],
                "values": plain_numbers(data.history[:, data.unit_position(unit), k]),
            }
            for unit in chosen
        ],
        "scale": _scale(data),
    }


def distribution_data(data: ReportData, node: str | None = None, bins: int = 10) -> dict[str, Any]:
    """How many units score in each of ``bins`` equal bins of the score scale (the
    overview's distributions); ``bins`` a whole number from 1."""
    _at_least_one(bins, "bins")
    node = _node(data, node)
    edges, counts = histogram(data, node, bins)
    return {
        "label": data.nodes[node]["label"],
        "year": data.year,
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in np.asarray(counts)],
    }
