"""Report contexts: what a report says, as plain data.

compute -> structure -> render: :func:`prepare` does the array work once for a whole
report (peer-group medians and quartiles, ranks, trends, look-ups of flags, intervals
and recommendations by unit), vectorised over units. :func:`profile_context` then
only indexes those arrays, so one municipality's profile costs well under a
millisecond and thousands of profiles can be rendered in parallel from one
:class:`ReportData` (which is picklable and holds no Results).

Contexts are dicts of str, int, float, bool, None, lists and dicts - JSON-serialisable
(missing numbers are ``None``) and tested on their own; the templates only render them.
Labels from the framework are already in the report's language; numbers stay numbers and
are formatted by the templates.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.errors import ReportError
from mint_index.framework.model import (
    DirectCompute,
    Indicator,
    ParityCompute,
    RatioCompute,
)
from mint_index.methods.registry import GLOBAL_STEPS, INDICATOR_STEPS
from mint_index.plan import group_choices
from mint_index.reports.format import Formatter, check_lang
from mint_index.reports.i18n import method_text, texts
from mint_index.rules.languages import DEFAULT_LANGUAGE
from mint_index.rules.peers import peer_statistics
from mint_index.rules.weights import sibling_shares

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.plan import StepChoice

__all__ = [
    "HEATMAP_MAX_UNITS",
    "STABLE_SHARE",
    "SUPPRESSED_REASONS",
    "ReportData",
    "compare_context",
    "overview_context",
    "prepare",
    "profile_context",
    "profile_filename",
]

#: A change within this share of the score scale (1 point on 0-100) counts as stable.
STABLE_SHARE = 0.01
#: Above this many units the overview shows peer groups instead of one bar per unit.
HEATMAP_MAX_UNITS = 60
#: Missing reasons that mean "the statistical office withheld the value".
SUPPRESSED_REASONS = frozenset({"unknown_or_secret", "locked", "not_reliable"})
_N_STRENGTHS = 3
_N_MOVERS = 10
_N_BINS = 10
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


# ---- small helpers ----------------------------------------------------------------------
def _num(value: Any) -> float | None:
    """A float, or None for missing (NaN, None, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _nums(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def profile_filename(unit_id: str) -> str:
    """A file name for a unit's profile that cannot leave its folder.

    Anything but ASCII letters, digits, ``-`` and ``_`` becomes ``_``, letters are
    lower-cased (case-insensitive file systems), and a short hash of the id is appended
    whenever the name differs from the id, so distinct ids never share a file.
    """
    slug = re.sub(r"[^a-z0-9_-]+", "_", unit_id.lower()).strip("_-")[:80]
    if not slug or slug != unit_id or slug in _WINDOWS_RESERVED:
        digest = hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:10]
        slug = f"{slug or 'unit'}-{digest}"
    return f"{slug}.html"


def generated_date() -> _dt.date | None:
    """The build date from SOURCE_DATE_EPOCH (reproducible builds), else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError) as exc:
        raise ReportError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}") from exc


def _score_range(values: np.ndarray) -> tuple[float, float]:
    """The axis of score charts: 0-100 when every score fits, else the data's range."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or (finite.min() >= 0 and finite.max() <= 100):
        return 0.0, 100.0
    lo, hi = float(np.floor(finite.min())), float(np.ceil(finite.max()))
    return (lo, hi) if hi > lo else (lo - 1, hi + 1)


def _trend(change: float, band: float) -> str:
    if math.isnan(change):
        return ""
    if change > band:
        return "improving"
    if change < -band:
        return "worsening"
    return "stable"


def _positions(keys: list[str], values: pd.Series) -> np.ndarray:
    """Position of every value in ``keys`` (-1 if absent). Plain object arrays, because
    hashing Arrow-backed strings one by one is an order of magnitude slower."""
    if not pd.api.types.is_string_dtype(values):
        values = values.astype(str)
    return pd.Index(np.asarray(keys, dtype=object)).get_indexer(values.to_numpy(dtype=object))


class _Lookup:
    """Rows of a tidy frame grouped by unit, stored compactly for fast per-unit access.

    Rows are sorted by the unit's position; ``start[u]:start[u + 1]`` are unit ``u``'s.
    Numeric columns stay float arrays, text columns become codes into their distinct
    values, so the prepared data of ten thousand units pickles small and fast.
    """

    def __init__(self, frame: pd.DataFrame, columns: list[str], unit_ids: list[str]) -> None:
        pos = _positions(unit_ids, frame["unit"]) if len(frame) else np.zeros(0, dtype=np.intp)
        keep = pos >= 0
        order = np.argsort(pos[keep], kind="stable")
        rows = np.flatnonzero(keep)[order]
        self.start = np.searchsorted(pos[keep][order], np.arange(len(unit_ids) + 1))
        self.columns: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        for c in columns:
            series = frame[c].iloc[rows] if len(frame) else frame[c]
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                self.columns[c] = (series.to_numpy(dtype=float, na_value=np.nan), None)
            else:
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
                self.columns[c] = (codes, np.append(np.asarray(uniques, dtype=object), None))

    def rows(self, u: int) -> list[dict[str, Any]]:
        a, b = self.start[u], self.start[u + 1]
        if a == b:
            return []
        cols = {}
        for c, (values, uniques) in self.columns.items():
            part = values[a:b]
            cols[c] = part.tolist() if uniques is None else uniques[part].tolist()
        return [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]


# ---- the prepared report data ------------------------------------------------------------
@dataclass
class ReportData:
    """Everything a report needs, computed once for all units of one year (picklable)."""

    lang: str
    year: int
    years: list[int]
    framework: dict[str, str]
    index_id: str
    unit_ids: list[str]
    names: list[str]
    peer: list[str]
    groups: list[str]
    group_code: np.ndarray  # [u] -> position in groups
    nodes: dict[str, dict[str, Any]]  # id -> label, kind, unit, direction, target, ...
    node_ids: list[str]
    indicator_ids: list[str]
    aggregate_ids: list[str]
    domains: list[str]
    layout: list[tuple[str, list[tuple[str, int]]]]  # domain -> [(node, depth)]
    scores: np.ndarray  # [u, node]
    changes: np.ndarray  # [u, node]
    raw: np.ndarray  # [u, indicator]
    history: np.ndarray  # [year, u, k] for history_nodes
    history_nodes: list[str]
    rank: np.ndarray  # [u, aggregate]
    peer_rank: np.ndarray  # [u, aggregate]
    n_ranked: np.ndarray  # [aggregate]
    peer_n: np.ndarray  # [group, aggregate]
    peer_median: np.ndarray  # [group, node]
    peer_q1: np.ndarray
    peer_q3: np.ndarray
    peer_median_raw: np.ndarray  # [group, indicator]
    rank_low: np.ndarray  # [u, aggregate], NaN without uncertainty
    rank_high: np.ndarray
    has_uncertainty: bool
    flags: _Lookup
    intervals: _Lookup
    recommendations: _Lookup | None
    screened_out: dict[str, float]
    vmin: float
    vmax: float
    band: float
    generated: str
    col: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.col = {n: i for i, n in enumerate(self.node_ids)}
        self._agg_col = {n: i for i, n in enumerate(self.aggregate_ids)}
        self._unit_pos = {u: i for i, u in enumerate(self.unit_ids)}

    def unit_position(self, unit_id: str) -> int:
        try:
            return self._unit_pos[str(unit_id)]
        except KeyError:
            raise ReportError(f"unit {unit_id!r} is not in the results") from None

    def agg_col(self, node_id: str) -> int | None:
        return self._agg_col.get(node_id)


def _node_info(fw: Framework, node_id: str, lang: str) -> dict[str, Any]:
    item = fw.node(node_id)
    info: dict[str, Any] = {
        "id": node_id,
        "label": fw.label(node_id, lang),
        "parent": fw.parent_of.get(node_id) or "",
    }
    if isinstance(item, Indicator):
        info.update(
            kind="indicator",
            indicator_kind=item.kind,
            unit=item.unit_label(lang),
            direction=item.direction,
            description=item.description.get(lang),
            target=None if item.target is None else item.target.value,
            goalposts=None
            if item.goalposts is None
            else [item.goalposts.lower, item.goalposts.upper],
            levels={
                float(lv.score): lv.label.get(lang)
                for lv in item.answer_levels()
                if lv.label is not None
            },
            parity_point=(
                1.0
                if isinstance(item.compute, ParityCompute) and item.compute.mode == "ratio"
                else 0.0
            )
            if item.kind == "parity_gap"
            else None,
        )
    else:
        info.update(
            kind="aggregate",
            unit="",
            direction="higher",
            levels={},
            description=item.description.get(lang) if item.description else "",
        )
    return info


def _layout(fw: Framework) -> tuple[list[str], list[tuple[str, list[tuple[str, int]]]]]:
    """Domains (children of the index) and, per domain, its nodes depth-first."""
    domains = list(fw.children[fw.index.id])

    def walk(node_id: str, depth: int) -> list[tuple[str, int]]:
        out = [(node_id, depth)]
        if not fw.is_indicator(node_id):
            for child in fw.children[node_id]:
                out += walk(child, depth + 1)
        return out

    return domains, [(d, walk(d, 0)[1:] if not fw.is_indicator(d) else [(d, 0)]) for d in domains]


def _year_rows(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[frame["year"].to_numpy() == year] if len(frame) else frame


def _pivot(frame: pd.DataFrame, value: str, units: list[str], nodes: list[str]) -> np.ndarray:
    """A tidy ``unit, node, value`` frame as an array ``[unit, node]`` (NaN where absent)."""
    out = np.full((len(units), len(nodes)), np.nan)
    if len(frame):
        u = _positions(units, frame["unit"])
        n = _positions(nodes, frame["node"])
        ok = (u >= 0) & (n >= 0)
        out[u[ok], n[ok]] = frame[value].to_numpy(dtype=float, na_value=np.nan)[ok]
    return out


#: Columns of a recommendation as the profile shows it, from ``Recommendations.to_frame``.
_REC_COLUMNS = (
    "rank",
    "kind",
    "title",
    "text",
    "evidence",
    "priority",
    "severity",
    "rule",
    "node",
    "actors",
    "programme",
    "effort",
    "horizon",
)


def _recommendation_lookup(
    recommendations: Any, year: int, lang: str, unit_ids: list[str]
) -> _Lookup:
    """Measures and data-quality notes of the report year by unit, ranked."""
    frame = recommendations.to_frame(lang, year=year)  # texts of the report year only
    if "year" in frame.columns:
        frame = _year_rows(frame, year)
    frame = frame.assign(unit=frame["unit"].astype(str))
    for column in _REC_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    if len(frame):
        frame = frame.sort_values(["unit", "rank"], kind="stable", na_position="last")
    return _Lookup(frame, list(_REC_COLUMNS), unit_ids)


def prepare(
    res: Results,
    lang: str = DEFAULT_LANGUAGE,
    year: int | None = None,
    recommendations: Any = None,
    uncertainty: Any = None,
) -> ReportData:
    """Do the array work of a report once: scores, peer statistics, ranks, look-ups."""
    check_lang(lang)
    fw = res.framework
    years = [int(y) for y in res.years]
    if not years:
        raise ReportError("the results have no years")
    year = years[-1] if year is None else int(year)
    if year not in years:
        raise ReportError(
            f"year {year} is not in the results; years: " + ", ".join(map(str, years))
        )
    yi = years.index(year)
    unit_ids = [str(u) for u in res.unit_ids]
    units = res.units.reindex(unit_ids)
    names = (
        units["name"]
        .astype(object)
        .where(units["name"].notna(), pd.Series(unit_ids, index=units.index))
        .astype(str)
        .tolist()
        if "name" in units.columns
        else list(unit_ids)
    )
    peer = (
        units["peer_group"]
        .astype(object)
        .where(units["peer_group"].notna(), "")
        .astype(str)
        .tolist()
        if "peer_group" in units.columns
        else [""] * len(unit_ids)
    )
    # peer groups in the framework's order (size classes small to large), others sorted
    declared = list(fw.peer_groups.labels or [])
    groups = declared + sorted(set(peer) - set(declared))
    groups = [g for g in groups if g in set(peer)]
    codes = pd.Index(groups).get_indexer(peer)
    node_ids = list(res.node_ids)
    indicator_ids = list(fw.indicator_ids)
    aggregate_ids = list(fw.aggregate_ids)
    domains, layout = _layout(fw)

    agg = res.cube("aggregated")
    scores = np.asarray(agg[yi], dtype=float)
    changes = res.changes.xs(year, level="year").reindex(unit_ids)[node_ids].to_numpy(dtype=float)
    raw = np.asarray(res.cube("derived")[yi], dtype=float)
    history_nodes = [fw.index.id, *domains]
    history = np.asarray(agg[:, :, [node_ids.index(n) for n in history_nodes]], dtype=float)

    ranks = _year_rows(res.ranks, year)
    rank = _pivot(ranks, "rank", unit_ids, aggregate_ids)
    peer_rank = _pivot(ranks, "peer_rank", unit_ids, aggregate_ids)
    agg_scores = scores[:, len(indicator_ids) :]
    ranked = ~np.isnan(agg_scores)
    n_ranked = ranked.sum(axis=0).astype(float)
    peer_n = np.zeros((len(groups), len(aggregate_ids)))
    np.add.at(peer_n, codes, ranked.astype(float))
    peers = peer_statistics(scores, codes, len(groups))
    median, q1, q3 = peers.median, peers.q1, peers.q3
    median_raw = peer_statistics(raw, codes, len(groups)).median

    rank_low = np.full_like(rank, np.nan)
    rank_high = np.full_like(rank, np.nan)
    if uncertainty is not None:
        stats = _year_rows(uncertainty.rank_stats, year)
        rank_low = _pivot(stats, "q05", unit_ids, aggregate_ids)
        rank_high = _pivot(stats, "q95", unit_ids, aggregate_ids)

    flags = _Lookup(_year_rows(res.flags, year), ["node", "flag", "detail"], unit_ids)
    intervals = _year_rows(res.intervals, year)
    if len(intervals):
        intervals = intervals[intervals["unreliable"].to_numpy(dtype=bool)]
    interval_lookup = _Lookup(
        intervals, ["indicator", "value", "lower", "upper", "denominator"], unit_ids
    )
    screened = _year_rows(res.screened_out, year)
    vmin, vmax = _score_range(agg)
    date = generated_date()
    meta = fw.framework
    return ReportData(
        lang=lang,
        year=year,
        years=years,
        framework={
            "id": meta.id,
            "label": meta.label.get(lang),
            "version": meta.version,
            "sha256": fw.sha256,
        },
        index_id=fw.index.id,
        unit_ids=unit_ids,
        names=names,
        peer=peer,
        groups=[str(g) for g in groups],
        group_code=np.asarray(codes),
        nodes={n: _node_info(fw, n, lang) for n in node_ids},
        node_ids=node_ids,
        indicator_ids=indicator_ids,
        aggregate_ids=aggregate_ids,
        domains=domains,
        layout=layout,
        scores=scores,
        changes=changes,
        raw=raw,
        history=history,
        history_nodes=history_nodes,
        rank=rank,
        peer_rank=peer_rank,
        n_ranked=n_ranked,
        peer_n=peer_n,
        peer_median=median,
        peer_q1=q1,
        peer_q3=q3,
        peer_median_raw=median_raw,
        rank_low=rank_low,
        rank_high=rank_high,
        has_uncertainty=uncertainty is not None,
        flags=flags,
        intervals=interval_lookup,
        recommendations=None
        if recommendations is None
        else _recommendation_lookup(recommendations, year, lang, unit_ids),
        screened_out={
            str(u): float(c) for u, c in zip(screened["unit"], screened["coverage"], strict=True)
        },
        vmin=vmin,
        vmax=vmax,
        band=STABLE_SHARE * (vmax - vmin),
        generated="" if date is None else Formatter(lang).date(date),
    )


# ---- one municipality -------------------------------------------------------------------
def _n(x: float) -> float | None:
    """A Python float from ``.tolist()``, None for NaN."""
    return None if x != x else x


class _UnitRows:
    """One unit's rows of every prepared array as Python lists (one ``tolist`` each),
    so building a profile is dictionary work, not thousands of numpy scalar look-ups."""

    def __init__(self, data: ReportData, u: int) -> None:
        g = int(data.group_code[u])
        nan_n = [math.nan] * len(data.node_ids)
        nan_a = [math.nan] * len(data.aggregate_ids)
        self.scores = data.scores[u].tolist()
        self.changes = data.changes[u].tolist()
        self.raw = data.raw[u].tolist()
        self.rank = data.rank[u].tolist()
        self.peer_rank = data.peer_rank[u].tolist()
        self.rank_low = data.rank_low[u].tolist()
        self.rank_high = data.rank_high[u].tolist()
        self.n_ranked = data.n_ranked.tolist()
        self.median = data.peer_median[g].tolist() if g >= 0 else nan_n
        self.q1 = data.peer_q1[g].tolist() if g >= 0 else nan_n
        self.q3 = data.peer_q3[g].tolist() if g >= 0 else nan_n
        self.median_raw = (
            data.peer_median_raw[g].tolist() if g >= 0 else [math.nan] * len(data.indicator_ids)
        )
        self.peer_n = data.peer_n[g].tolist() if g >= 0 else nan_a


def _rank_entry(data: ReportData, r: _UnitRows, node: str) -> dict[str, Any]:
    a = data.agg_col(node)
    if a is None:
        return {
            "rank": None,
            "rank_of": None,
            "peer_rank": None,
            "peer_of": None,
            "rank_low": None,
            "rank_high": None,
        }
    return {
        "rank": _n(r.rank[a]),
        "rank_of": _n(r.n_ranked[a]),
        "peer_rank": _n(r.peer_rank[a]),
        "peer_of": _n(r.peer_n[a]),
        "rank_low": _n(r.rank_low[a]),
        "rank_high": _n(r.rank_high[a]),
    }


def _node_entry(data: ReportData, r: _UnitRows, node: str) -> dict[str, Any]:
    c = data.col[node]
    change = r.changes[c]
    return {
        "id": node,
        "label": data.nodes[node]["label"],
        "score": _n(r.scores[c]),
        "peer_median": _n(r.median[c]),
        "peer_q1": _n(r.q1[c]),
        "peer_q3": _n(r.q3[c]),
        "change": _n(change),
        "trend": _trend(change, data.band),
    }


def _indicator_row(
    data: ReportData, r: _UnitRows, node: str, depth: int, notes: dict[str, list[str]]
) -> dict[str, Any]:
    info = data.nodes[node]
    row = _node_entry(data, r, node)
    row["depth"] = depth
    row["notes"] = sorted(set(notes.get(node, ())))
    if info["kind"] == "indicator":
        i = data.col[node]  # indicators come first among the nodes
        value = _n(r.raw[i])
        parity = info["parity_point"]
        row.update(
            is_indicator=True,
            kind=info["indicator_kind"],
            value=value,
            unit=info["unit"],
            value_label=info["levels"].get(value, "") if value is not None else "",
            target=info["target"],
            peer_median_value=_n(r.median_raw[i]),
            parity_gap=None if parity is None or value is None else value - parity,
        )
    else:
        row.update(
            is_indicator=False,
            kind="aggregate",
            value=None,
            unit="",
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
                value=_n(iv["value"]),
                lower=_n(iv["lower"]),
                upper=_n(iv["upper"]),
                denominator=_n(iv["denominator"]),
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
    r = _UnitRows(data, u)
    quality, notes_by_node = _quality(data, u)
    index = _node_entry(data, r, data.index_id) | _rank_entry(data, r, data.index_id)
    domains = [_node_entry(data, r, d) | _rank_entry(data, r, d) for d in data.domains]
    scorecard = []
    for domain, nodes in data.layout:
        section = _node_entry(data, r, domain)
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
        _node_entry(data, r, data.indicator_ids[k]) | {"difference": d}
        for d, k in above[:_N_STRENGTHS]
    ]
    weaknesses = [
        _node_entry(data, r, data.indicator_ids[k]) | {"difference": d}
        for d, k in below[:_N_STRENGTHS]
    ]

    history = {
        "years": list(data.years),
        "series": [
            {
                "id": n,
                "label": data.nodes[n]["label"],
                "values": [_n(v) for v in data.history[:, u, k].tolist()],
            }
            for k, n in enumerate(data.history_nodes)
        ],
    }
    recs = None
    if data.recommendations is not None:
        recs = []
        for row in data.recommendations.rows(u):
            rec = {k: _plain(v) for k, v in row.items()}
            if rec["actors"] is not None and not isinstance(rec["actors"], str):
                words = texts(data.lang)
                rec["actors"] = ", ".join(words.get(f"actor_{a}", str(a)) for a in rec["actors"])
            if rec["kind"] == "note":  # the rules' own data-quality notes
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
        },
        "index": index,
        "domains": domains,
        "history": history,
        "scorecard": scorecard,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "recommendations": recs,
        "quality": quality,
        "has_uncertainty": data.has_uncertainty,
        "scale": {"min": data.vmin, "max": data.vmax, "band": data.band},
    }


# ---- overview -----------------------------------------------------------------------------
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
                    {"name": k, "value": json.dumps(v, ensure_ascii=False)}
                    for k, v in sorted(values.items())
                ],
                "nodes": [labels[n] for n in nodes],
                "all": len(nodes) == len(choices),
            }
        )
    return out


def _methodology(res: Results, data: ReportData) -> dict[str, Any]:
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
        total = sum(plan.weight(k) for k in kids)
        weights.append(
            {
                "id": parent,
                "label": labels[parent],
                "children": [
                    {
                        "id": k,
                        "label": labels[k],
                        "weight": plan.weight(k),
                        "share": shares[k] if total > 0 else None,
                    }
                    for k in kids
                ],
            }
        )
    treatment = _year_rows(res.treatment, data.year)
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
                    "skew_before": _num(row.skew_before),
                    "skew_after": _num(row.skew_after),
                }
            )
    return {"steps": steps, "weights": weights, "treated": treated}


def _coverage(res: Results, data: ReportData) -> list[dict[str, Any]]:
    """Per indicator in the report year: values available, imputed, suppressed, ..."""
    yi = data.years.index(data.year)
    derived = res.cube("derived")[yi]
    n_units = len(data.unit_ids)
    flags = _year_rows(res.flags, data.year)
    counts: dict[tuple[str, str], int] = {}
    if len(flags):
        kind = flags["flag"].astype(str)
        detail = flags["detail"].astype(object).where(flags["detail"].notna(), "").astype(str)
        missing = kind.str.startswith("missing")
        reason = detail.where(kind == "missing", kind.str.removeprefix("missing:"))
        kind = kind.where(~missing, "missing").where(
            ~(missing & reason.isin(list(SUPPRESSED_REASONS))), "suppressed"
        )
        frame = pd.DataFrame(
            {"node": flags["node"].astype(str).to_numpy(), "kind": kind.to_numpy()}
        )
        counts = {(str(n), str(k)): int(c) for (n, k), c in frame.value_counts().items()}
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


def describe_compute(ind: Indicator) -> str:
    """An indicator's definition as a short formula over its raw variables."""
    c = ind.compute
    if isinstance(c, DirectCompute):
        text = c.variable
    elif isinstance(c, RatioCompute):
        text = f"{c.numerator} / {c.denominator}" + (f" × {c.scale:g}" if c.scale != 1 else "")
    else:
        group = f"{c.group.numerator} / {c.group.denominator}"
        ref = f"{c.reference.numerator} / {c.reference.denominator}"
        text = (
            f"({group} − {ref}) × {c.scale:g}" if c.mode == "difference" else f"({group}) ÷ ({ref})"
        )
    if ind.denominator:
        text += f" ÷ {ind.denominator}"
    return text


def _sources(fw: Framework, data: ReportData) -> list[dict[str, Any]]:
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
                "definition": describe_compute(ind),
                "goalposts": None
                if ind.goalposts is None
                else [ind.goalposts.lower, ind.goalposts.upper],
                "goalposts_rationale": (ind.goalposts.rationale or "") if ind.goalposts else "",
                "target": None if ind.target is None else ind.target.value,
                "target_source": (ind.target.source or "") if ind.target else "",
                "publisher": src.publisher,
                "table": src.table or "",
                "note": src.note or "",
                "url": url,
                "url_is_web": url.startswith(("https://", "http://")),
                "min_denominator": ind.min_denominator,
            }
        )
    return out


def _domain_of(fw: Framework, node: str) -> str:
    chain = [node, *fw.ancestors(node)]
    return chain[-2] if len(chain) >= 2 else node


def _summary_stats(values: np.ndarray) -> dict[str, float | None]:
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return {"n": 0, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    q = np.quantile(finite, [0.0, 0.25, 0.5, 0.75, 1.0])
    return {
        "n": int(finite.size),
        "min": float(q[0]),
        "q1": float(q[1]),
        "median": float(q[2]),
        "q3": float(q[3]),
        "max": float(q[4]),
    }


def overview_context(res: Results, data: ReportData) -> dict[str, Any]:
    """The overview of all units: scores, ranks, peer groups, distributions, coverage,
    methodology and sources."""
    fw = res.framework
    index_col = data.col[data.index_id]
    dom_cols = [data.col[d] for d in data.domains]
    order = np.lexsort(
        (
            np.asarray(data.unit_ids, dtype=object).astype(str),
            np.nan_to_num(-data.scores[:, index_col], nan=np.inf),
        )
    )
    units = []
    for u in order:
        rows = _UnitRows(data, int(u))
        entry = {
            "id": data.unit_ids[u],
            "name": data.names[u],
            "peer_group": data.peer[u],
            "href": profile_filename(data.unit_ids[u]),
            "score": _num(data.scores[u, index_col]),
            "change": _num(data.changes[u, index_col]),
        }
        entry.update(_rank_entry(data, rows, data.index_id))
        entry["domains"] = [
            {"score": _n(rows.scores[c]), "rank": _rank_entry(data, rows, d)["rank"]}
            for d, c in zip(data.domains, dom_cols, strict=True)
        ]
        units.append(entry)

    summary_nodes = [data.index_id, *data.domains]
    peer_groups = []
    for g, name in enumerate(data.groups):
        members = np.flatnonzero(data.group_code == g)
        idx = data.scores[members, index_col]
        best = members[np.nanargmax(idx)] if np.isfinite(idx).any() else None
        peer_groups.append(
            {
                "name": name,
                "n": int(members.size),
                "median": _num(data.peer_median[g, index_col]),
                "min": _num(np.nanmin(idx)) if np.isfinite(idx).any() else None,
                "max": _num(np.nanmax(idx)) if np.isfinite(idx).any() else None,
                "best": "" if best is None else data.names[best],
                "domains": [_num(data.peer_median[g, c]) for c in dom_cols],
            }
        )

    edges = np.linspace(data.vmin, data.vmax, _N_BINS + 1)
    distributions = []
    for n in summary_nodes:
        values = data.scores[:, data.col[n]]
        counts = np.histogram(values[~np.isnan(values)], bins=edges)[0]
        distributions.append(
            {"id": n, "label": data.nodes[n]["label"], "counts": [int(c) for c in counts]}
            | _summary_stats(values)
        )

    by_unit = len(data.unit_ids) <= HEATMAP_MAX_UNITS
    if by_unit:
        rows = [{"label": e["name"], "values": [d["score"] for d in e["domains"]]} for e in units]
    else:
        rows = [{"label": g["name"], "values": g["domains"]} for g in peer_groups]
    screened = [
        {"id": u, "name": data.names[data.unit_position(u)], "coverage": c}
        for u, c in sorted(data.screened_out.items())
    ]
    return {
        "kind": "overview",
        "lang": data.lang,
        "year": data.year,
        "years": data.years,
        "framework": data.framework,
        "generated": data.generated,
        "counts": {
            "units": len(data.unit_ids),
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
        "heatmap": {"by": "unit" if by_unit else "peer_group", "rows": rows},
        "coverage": _coverage(res, data),
        "screened_out": screened,
        "methodology": _methodology(res, data),
        "sources": _sources(fw, data),
        "scale": {"min": data.vmin, "max": data.vmax, "band": data.band},
    }


# ---- year-on-year -------------------------------------------------------------------------
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
    lang: str = DEFAULT_LANGUAGE,
    year_before: int | None = None,
    year_after: int | None = None,
) -> dict[str, Any]:
    """Two runs, one comparison: score and rank changes of the index and the domains
    common to both, the largest movers, and indicators whose definition changed."""
    a = prepare(before, lang, year_before)
    b = prepare(after, lang, year_after)
    common = [u for u in b.unit_ids if u in set(a.unit_ids)]
    ua = np.array([a.unit_position(u) for u in common], dtype=int)
    ub = np.array([b.unit_position(u) for u in common], dtype=int)
    # the index is always compared (its id may differ), domains when both runs have them
    pairs = [(a.index_id, b.index_id)] + [(d, d) for d in b.domains if d in a.domains]
    cols = []
    for na, nb in pairs:
        cols.append(
            (
                a.scores[ua, a.col[na]],
                b.scores[ub, b.col[nb]],
                a.rank[ua, a.aggregate_ids.index(na)],
                b.rank[ub, b.aggregate_ids.index(nb)],
            )
        )
    main_a, main_b = cols[0][0], cols[0][1]
    delta = main_b - main_a
    rows = []
    for k, unit in enumerate(common):
        rows.append(
            {
                "id": unit,
                "name": b.names[ub[k]],
                "peer_group": b.peer[ub[k]],
                "nodes": [
                    {
                        "before": _num(sa[k]),
                        "after": _num(sb[k]),
                        "change": _num(sb[k] - sa[k]),
                        "rank_before": _num(ra[k]),
                        "rank_after": _num(rb[k]),
                        # positive = moved up the table (rank number fell)
                        "rank_change": _num(ra[k] - rb[k]),
                    }
                    for sa, sb, ra, rb in cols
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
        "nodes": [{"id": nb, "label": b.nodes[nb]["label"]} for _, nb in pairs],
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
