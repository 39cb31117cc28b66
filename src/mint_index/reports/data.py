"""The prepared data of a report: the array work done once for all units of one year.

compute -> structure -> render: :func:`prepare` turns Results into a :class:`ReportData`
(peer-group medians and quartiles, ranks, trends, look-ups of flags, intervals and
recommendations by unit, which units exist in the report year), vectorised over units.
The page builders (:mod:`.overview`, :mod:`.profile`, :mod:`.comparison`,
:mod:`.methodology`) only index it, so one municipality's profile costs well under a
millisecond and thousands of profiles can be rendered in parallel from one picklable
:class:`ReportData` that holds no Results.

Everything a builder returns is plain data - str, int, float, bool, None, lists and
dicts, JSON-serialisable - with labels already in the report's language; numbers stay
numbers and are formatted in one place (:mod:`.format`, used by :mod:`.render`).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.errors import ReportError
from mint_index.framework.model import Indicator
from mint_index.gap_analysis import parity_points
from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.provenance import source_date
from mint_index.rules.changes import year_on_year
from mint_index.rules.formatting import Formatter, check_lang, value_decimals
from mint_index.rules.languages import DEFAULT_LANGUAGE
from mint_index.rules.lifetimes import exists_in, lifetime_years
from mint_index.rules.peers import peer_statistics
from mint_index.rules.ranks import nan_for_unranked, rank_rows

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results

__all__ = [
    "STABLE_SHARE",
    "SUPPRESSED_REASONS",
    "ReportData",
    "UnitRows",
    "note_kind",
    "prepare",
    "profile_filename",
]

#: A change within this share of the score scale (1 point on 0-100) counts as stable.
STABLE_SHARE = 0.01
#: Missing reasons that mean "the statistical office withheld the value".
SUPPRESSED_REASONS = frozenset({"unknown_or_secret", "locked", "not_reliable"})


def note_kind(flag: str, detail: str | None) -> tuple[str, str]:
    """What a flag of a value tells a reader, and why: ``(kind, detail)``. A missing value
    the statistical office withheld is ``suppressed``, any other ``missing`` (the reason
    comes as the detail of ``missing`` or as ``missing:<reason>``); other flags
    (``imputed``, ``unreliable``, ``screened_out``) are their own kind."""
    detail = detail or ""
    if flag.startswith("missing:"):  # the contract's alternative spelling
        detail = flag.split(":", 1)[1]
    elif flag != "missing":
        return flag, detail
    return ("suppressed" if detail in SUPPRESSED_REASONS else "missing"), detail


_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


# ---- small helpers ----------------------------------------------------------------------
def plain_number(value: Any) -> float | None:
    """A float, or None for missing (NaN, None, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def plain_numbers(values: np.ndarray) -> list[float | None]:
    """:func:`plain_number` over an array, for chart data and JSON."""
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def profile_filename(unit_id: str) -> str:
    """A file name for a unit's profile that cannot leave its folder.

    Anything but ASCII letters, digits, ``-`` and ``_`` becomes ``_``, letters are
    lower-cased (case-insensitive file systems), and a short hash of the id is appended
    whenever the name differs from the id, or itself ends like such a hash (``abc`` and
    ``ABC``, or an id equal to another's slug-with-hash), so distinct ids never share a file.
    """
    slug = re.sub(r"[^a-z0-9_-]+", "_", unit_id.lower()).strip("_-")[:80]
    hashed_look = re.search(r"-[0-9a-f]{10}$", slug) is not None
    if not slug or slug != unit_id or hashed_look or slug in _WINDOWS_RESERVED:
        digest = hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:10]
        slug = f"{slug or 'unit'}-{digest}"
    return f"{slug}.html"


def _score_range(values: np.ndarray) -> tuple[float, float]:
    """The axis of score charts: 0-100 when every score fits, else the data's range."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or (finite.min() >= 0 and finite.max() <= 100):
        return 0.0, 100.0
    lo, hi = float(np.floor(finite.min())), float(np.ceil(finite.max()))
    return (lo, hi) if hi > lo else (lo - 1, hi + 1)


#: Trend words by code (:func:`_trend_codes`).
_TRENDS = ("", "improving", "worsening", "stable")


def _trend_codes(changes: np.ndarray, band: float) -> np.ndarray:
    """Changes as trend codes into :data:`_TRENDS`: more than ``band`` up improving,
    more than ``band`` down worsening, within it stable, NaN no trend ("")."""
    conditions = [np.isnan(changes), changes > band, changes < -band]
    return np.select(conditions, [0, 1, 2], 3).astype(np.int8)


def _positions(keys: list[str], values: pd.Series) -> np.ndarray:
    """Position of every value in ``keys`` (-1 if absent). Plain object arrays, because
    hashing Arrow-backed strings one by one is an order of magnitude slower."""
    if not pd.api.types.is_string_dtype(values):
        values = values.astype(str)
    return pd.Index(np.asarray(keys, dtype=object)).get_indexer(values.to_numpy(dtype=object))


class _Lookup:
    """Rows of a tidy table grouped by unit, stored compactly for fast per-unit access.

    Rows are sorted by the unit's position; ``start[u]:start[u + 1]`` are unit ``u``'s.
    Numeric columns stay float arrays, text columns become codes into their distinct
    values, so the prepared data of ten thousand units pickles small and fast.
    """

    def __init__(
        self,
        pos: np.ndarray,
        columns: dict[str, Any],
        n_units: int,
    ) -> None:
        """``pos``: each row's unit position (-1: not in the report); ``columns``: per
        name an array, a Series, or ``(codes, distinct values, ...)`` of a text column
        (code -1, or a missing value: None)."""
        keep = pos >= 0
        order = np.argsort(pos[keep], kind="stable")
        rows = np.flatnonzero(keep)[order]
        self.start = np.searchsorted(pos[keep][order], np.arange(n_units + 1))
        self.columns: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        for c, column in columns.items():
            if isinstance(column, tuple):  # (codes, uniques) or a recommendations' Coded
                values = np.asarray(column[1], dtype=object).copy()
                values[pd.isna(values)] = None  # as a factorize has it
                self.columns[c] = (np.asarray(column[0])[rows], np.append(values, [None]))
                continue
            if isinstance(column, np.ndarray) and column.dtype == object:
                # as pandas would factorize it, without making a text column of it first
                codes, distinct = pd.factorize(column[rows], use_na_sentinel=True)
                self.columns[c] = (codes, np.append(distinct, [None]))
                continue
            series = pd.Series(column).iloc[rows]
            if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
                self.columns[c] = (series.to_numpy(dtype=float, na_value=np.nan), None)
            else:
                codes, uniques = pd.factorize(series, use_na_sentinel=True)
                self.columns[c] = (codes, np.append(np.asarray(uniques, dtype=object), [None]))
        self._converted_by: Callable[[Any], Any] | None = None
        self._converted_columns = self.columns

    def columns_of(
        self, u: int, convert: Callable[[Any], Any] | None = None
    ) -> dict[str, list[Any]]:
        """Unit ``u``'s rows column by column (empty without rows). ``convert`` is applied
        to every distinct text value once per process (not once per row), and missing
        numbers then become None."""
        a, b = self.start[u], self.start[u + 1]
        if a == b:
            return {}
        columns = self.columns if convert is None else self._converted(convert)
        cols = {}
        for c, (values, uniques) in columns.items():
            part = values[a:b]
            if uniques is not None:
                cols[c] = uniques[part].tolist()
            elif convert is None:
                cols[c] = part.tolist()
            else:
                cols[c] = [None if v != v else v for v in part.tolist()]
        return cols

    def value_counts(
        self, names: Sequence[str], units: np.ndarray | None = None
    ) -> dict[tuple[Any, ...], int]:
        """How many rows of all units (of those ``units``, a bool mask, marks) have each
        combination of values of the text columns ``names``, counted on their codes."""
        codes, values = zip(*(self.columns[name] for name in names), strict=True)
        if any(v is None for v in values):
            raise TypeError(f"value_counts counts text columns; {names} are not all text")
        if units is not None:  # rows are in unit order, start[u]:start[u + 1] unit u's
            rows = np.repeat(np.asarray(units, dtype=bool), np.diff(self.start))
            codes = tuple(c[rows] for c in codes)
        sizes = [len(v) for v in values]
        # code -1 (missing) is the None appended to each column's values
        wrapped = [c.astype(np.int64) % n for c, n in zip(codes, sizes, strict=True)]
        cells, counts = np.unique(np.ravel_multi_index(wrapped, sizes), return_counts=True)
        at = np.unravel_index(cells, sizes)
        combos = zip(*(v[c].tolist() for v, c in zip(values, at, strict=True)), strict=True)
        return dict(zip(combos, counts.tolist(), strict=True))

    def _converted(
        self, convert: Callable[[Any], Any]
    ) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
        if self._converted_by is not convert:
            self._converted_columns = {}
            for c, (values, uniques) in self.columns.items():
                if uniques is not None:
                    plain = np.empty(len(uniques), dtype=object)
                    for k, value in enumerate(uniques.tolist()):
                        plain[k] = convert(value)  # one by one: a list must stay a list
                    uniques = plain
                self._converted_columns[c] = (values, uniques)
            self._converted_by = convert
        return self._converted_columns


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
    recommendations: RecommendationRows | None
    screened_out: dict[str, float]
    exists: np.ndarray  # [u] bool: exists in the report year (rules.lifetimes)
    active: np.ndarray  # [u] bool: exists in the report year and has data of it
    changes_of_units: dict[str, list[dict[str, Any]]]  # unit -> mergers and dissolutions
    vmin: float
    vmax: float
    band: float
    generated: str
    col: dict[str, int] = field(default_factory=dict)
    #: What a consumer derives once per report from the fields above (profile.py's
    #: scorecard layout), computed on first use in each process.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # the "Effect of measures" section (effects_section.effects_data), None without register
    effects: dict[str, Any] | None = None

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
        point = float(parity_points(fw)[fw.node_ids.index(node_id)])
        parity_point = None if math.isnan(point) else point
        info.update(
            kind="indicator",
            indicator_kind=item.kind,
            unit=item.unit_label(lang),
            unit_first=item.unit_first,
            gap_unit=item.gap_unit_label(lang),
            decimals=item.value_decimals(),
            median_decimals=item.value_decimals(median=True),
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
            parity_point=parity_point,
        )
    else:
        info.update(
            kind="aggregate",
            unit="",
            unit_first=False,
            gap_unit="",
            decimals=value_decimals(),
            median_decimals=value_decimals(median=True),
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


def year_rows(frame: pd.DataFrame, year: int) -> pd.DataFrame:
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
    "band",
    "source",
    "action",
    "since",
    "review",
)


#: Units whose recommendation texts are written together when a profile is asked for alone.
TEXT_BLOCK = 256


class RecommendationRows:
    """The report year's measures and data-quality notes by unit, ranked.

    Only their numbers and ids are prepared for all units. Their texts (titles, evidence,
    explanations) are written for the units a process is about to render
    (:meth:`prefetch`, a chunk at a time): at national size the texts are the largest
    part of preparing a report, and so the worker processes share that work and each
    holds the texts of its own chunk only.
    """

    def __init__(self, recommendations: Any, year: int, lang: str, unit_ids: list[str]) -> None:
        core = getattr(recommendations, "core", None)
        if core is None:  # a frame with its texts already written
            core = recommendations.to_frame(lang, year=year)
        taken = (
            np.flatnonzero(core["year"].to_numpy() == year)
            if "year" in core.columns
            else np.arange(len(core))
        )
        rows = core.iloc[taken]
        pos = _positions(unit_ids, rows["unit"]) if len(rows) else np.zeros(0, dtype=np.intp)
        rank = rows["rank"].to_numpy(dtype=float, na_value=np.nan) if len(rows) else pos * 0.0
        order = np.lexsort((rank, pos))  # stable: by unit, then rank, missing ranks last
        order = order[pos[order] >= 0]
        # positions into the stored rows, not a copy of them (see __getstate__)
        self.rows, self.taken = core, taken[order]
        self.start = np.searchsorted(pos[order], np.arange(len(unit_ids) + 1))
        self.lang, self.year = lang, year
        self._make = (
            (type(recommendations), recommendations.lang, recommendations.meta)
            if hasattr(recommendations, "core")
            else None
        )
        self._ruleset = getattr(recommendations, "ruleset", None)
        self._details = getattr(recommendations, "details", None)
        self._chunk: dict[int, int] = {}
        self._lookup: _Lookup | None = None

    def prefetch(self, units: list[int]) -> None:
        """Write the texts of ``units`` (positions), one vectorised pass for all of them."""
        units = list(dict.fromkeys(units))
        take = [np.arange(self.start[u], self.start[u + 1]) for u in units]
        rows = self.rows.iloc[self.taken[np.concatenate(take) if take else np.zeros(0, dtype=int)]]
        local = np.repeat(np.arange(len(units)), [len(t) for t in take])
        if self._make is None:
            frame = rows.reset_index(drop=True)
            written: dict[str, Any] = {c: frame[c] for c in frame.columns}
        else:  # texts and categories as codes into their distinct values: none to factorize
            cls, lang, meta = self._make
            view = cls(rows, lang, meta, self._ruleset, self._details)
            written = view.to_columns(self.lang, year=self.year)
        empty = np.full(len(local), None, dtype=object)
        columns = {c: written.get(c, empty) for c in _REC_COLUMNS}
        self._lookup = _Lookup(local, columns, len(units))
        self._chunk = {u: k for k, u in enumerate(units)}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for workers that are spawned, not forked) with the report year's rows
        only, and no texts."""
        state = self.__dict__ | {"rows": self.rows.iloc[self.taken], "_chunk": {}, "_lookup": None}
        state["taken"] = np.arange(len(self.taken))
        return state

    def columns_of(
        self, u: int, convert: Callable[[Any], Any] | None = None
    ) -> dict[str, list[Any]]:
        """Unit ``u``'s rows with their texts, column by column (see
        :meth:`_Lookup.columns_of`)."""
        return self._texts_of(u).columns_of(self._chunk[u], convert)

    def _texts_of(self, u: int) -> _Lookup:
        """The texts of the chunk that holds unit ``u``. A unit not prefetched brings the
        texts of its block of neighbours along, so profiles asked for one by one in
        order (a notebook loop) take one pass per block, not per unit."""
        if u not in self._chunk:
            first = u - u % TEXT_BLOCK
            self.prefetch(list(range(first, min(first + TEXT_BLOCK, len(self.start) - 1))))
        assert self._lookup is not None
        return self._lookup


def _flag_lookup(res: Results, yi: int, node_ids: list[str]) -> _Lookup:
    """The flags of :attr:`Results.flags` in the report year, by unit, read from the
    arrays they are made of (the tidy table of every year costs seconds, and is kept)."""
    single = res.indicator_flags()
    names = ["missing", "screened_out", *single]
    parts = []  # (unit, node position, flag code, detail code into DERIVED_REASONS)
    for k, mask in enumerate(single.values(), start=2):
        u, n = np.nonzero(mask[yi])
        parts.append((u, n, np.full(len(u), k), np.zeros(len(u), dtype=np.intp)))
    reason = res.derived.reason[yi]
    u, n = np.nonzero(reason > 0)
    parts.append((u, n, np.zeros(len(u), dtype=np.intp), reason[u, n].astype(np.intp)))
    u = np.flatnonzero(res.log.screened_out[yi])
    index = np.full(len(u), node_ids.index(res.framework.index.id))
    parts.append((u, index, np.ones(len(u), dtype=np.intp), np.zeros(len(u), dtype=np.intp)))
    unit, node, flag, detail = (np.concatenate([p[k] for p in parts]) for k in range(4))
    by_name = np.argsort(np.argsort(names))  # within a unit: by node, then flag name
    order = np.lexsort((by_name[flag], node))
    return _Lookup(
        unit[order],
        {
            "node": (node[order], node_ids),
            "flag": (flag[order], names),
            "detail": (detail[order], list(DERIVED_REASONS)),
        },
        len(res.unit_ids),
    )


def _interval_lookup(res: Results, yi: int, indicator_ids: list[str]) -> _Lookup:
    """The unreliable values of the report year with their 95 % intervals, by unit (the
    rows of :attr:`Results.intervals` marked unreliable, read from their arrays)."""
    d = res.derived
    u, i = np.nonzero(d.unreliable[yi] & ~np.isnan(d.denominator[yi]))
    lower, upper = d.bounds_in(yi)
    return _Lookup(
        u,
        {
            "indicator": (i, indicator_ids),
            "value": d.values[yi][u, i],
            "lower": lower[u, i],
            "upper": upper[u, i],
            "denominator": d.denominator[yi][u, i],
        },
        len(res.unit_ids),
    )


def unit_changes(
    units: pd.DataFrame, unit_ids: list[str], names: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """What happened to units that end or begin: per unit a list of events, each
    ``{"kind": "merged_into" | "dissolved" | "created_from" | "created", "year": y,
    "names": [...]}``. A unit ending in year y merged into the units that begin in y + 1
    (in the same ``district`` where the table has one); with none, it was dissolved."""
    start, end = lifetime_years(units, "valid_from"), lifetime_years(units, "valid_to")
    district = (
        units["district"].astype(object).to_numpy()
        if "district" in units.columns
        else np.zeros(len(units), dtype=object)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for u in np.flatnonzero(~np.isnan(end)):
        after = np.flatnonzero((start == end[u] + 1) & (district == district[u]))
        out.setdefault(unit_ids[u], []).append(
            {
                "kind": "merged_into" if after.size else "dissolved",
                "year": int(end[u]) + 1,
                "names": [names[k] for k in after],
            }
        )
    for u in np.flatnonzero(~np.isnan(start)):
        before = np.flatnonzero((end == start[u] - 1) & (district == district[u]))
        out.setdefault(unit_ids[u], []).append(
            {
                "kind": "created_from" if before.size else "created",
                "year": int(start[u]),
                "names": [names[k] for k in before],
            }
        )
    return out


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
    year = res.latest_scored_year if year is None else int(year)
    if year is None:
        raise ReportError("no year of the results has an index score")
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
    codes = pd.Index(groups).get_indexer(pd.Index(peer))
    node_ids = list(res.node_ids)
    indicator_ids = list(fw.indicator_ids)
    aggregate_ids = list(fw.aggregate_ids)
    domains, layout = _layout(fw)

    agg = res.cube("aggregated")
    derived = res.cube("derived")
    # a unit counts in the report year only where it exists then and has data of it:
    # scores of a year without data (carried over by imputation) are never shown as current
    exists = exists_in(units, year)
    active = exists & res.has_data[yi]
    scores = np.where(active[:, None], np.asarray(agg[yi], dtype=float), np.nan)
    # the report year's change (rules.changes), not res.changes: a kept table of every year
    changes = year_on_year(agg[max(yi - 1, 0) : yi + 1], axis=0)[-1]
    changes = np.where(active[:, None], changes, np.nan)
    raw = np.where(active[:, None], np.asarray(derived[yi], dtype=float), np.nan)
    history_nodes = [fw.index.id, *domains]
    history = np.where(
        res.has_data[:, :, None],
        np.asarray(agg[:, :, [node_ids.index(n) for n in history_nodes]], dtype=float),
        np.nan,
    )

    agg_scores = scores[:, len(indicator_ids) :]
    # ranks among the active units (rules.ranks), [unit, aggregate]
    rank, peer_rank = (
        np.ascontiguousarray(nan_for_unranked(rank_rows(agg_scores.T, groups)).T)
        for groups in (None, codes)
    )
    n_ranked = (~np.isnan(agg_scores)).sum(axis=0).astype(float)
    peers = peer_statistics(scores, codes, len(groups))
    peer_n = peers.count[:, len(indicator_ids) :].astype(float)  # units ranked per group
    median_raw = peer_statistics(raw, codes, len(groups)).median

    rank_low = np.full_like(rank, np.nan)
    rank_high = np.full_like(rank, np.nan)
    if uncertainty is not None:
        stats = year_rows(uncertainty.rank_stats, year)
        rank_low = np.where(active[:, None], _pivot(stats, "q05", unit_ids, aggregate_ids), np.nan)
        rank_high = np.where(active[:, None], _pivot(stats, "q95", unit_ids, aggregate_ids), np.nan)

    flags = _flag_lookup(res, yi, node_ids)
    intervals = _interval_lookup(res, yi, indicator_ids)
    screened = year_rows(res.screened_out, year)
    vmin, vmax = _score_range(agg)
    moment = source_date()
    date = None if moment is None else moment.date()
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
        nodes={n: {**_node_info(fw, n, lang), "weight": res.plan.weight(n)} for n in node_ids},
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
        peer_median=peers.median,
        peer_q1=peers.q1,
        peer_q3=peers.q3,
        peer_median_raw=median_raw,
        rank_low=rank_low,
        rank_high=rank_high,
        has_uncertainty=uncertainty is not None,
        flags=flags,
        intervals=intervals,
        recommendations=None
        if recommendations is None
        else RecommendationRows(recommendations, year, lang, unit_ids),
        exists=exists,
        active=active,
        changes_of_units=unit_changes(units, unit_ids, names),
        screened_out={
            str(u): float(c) for u, c in zip(screened["unit"], screened["coverage"], strict=True)
        },
        vmin=vmin,
        vmax=vmax,
        band=STABLE_SHARE * (vmax - vmin),
        generated="" if date is None else Formatter(lang).date(date),
    )


# ---- one unit's rows ------------------------------------------------------------------------
def nan_to_none(x: float) -> float | None:
    """A Python float from ``.tolist()``, None for NaN."""
    return None if x != x else x


def nans_to_none(values: list[float]) -> list[float | None]:
    """:func:`nan_to_none` of a whole list (one comprehension, no call per value)."""
    return [None if x != x else x for x in values]


class UnitRows:
    """One unit's rows of every prepared array as Python lists (one ``tolist`` each),
    so building a profile is dictionary work, not thousands of numpy scalar look-ups.

    ``scores``, ``changes``, ``raw`` and the peer figures keep NaN (for arithmetic);
    ``shown_*`` are the same with None for NaN, as a context shows them, and ``trend``
    is each node's trend word, made once per unit rather than per look-up."""

    def __init__(self, data: ReportData, u: int) -> None:
        g = int(data.group_code[u])
        self.scores = data.scores[u].tolist()
        self.changes = data.changes[u].tolist()
        self.raw = data.raw[u].tolist()
        self.rank = data.rank[u].tolist()
        self.peer_rank = data.peer_rank[u].tolist()
        self.rank_low = data.rank_low[u].tolist()
        self.rank_high = data.rank_high[u].tolist()
        self.n_ranked = data.n_ranked.tolist()
        self.shown_scores = nans_to_none(self.scores)
        self.shown_changes = nans_to_none(self.changes)
        self.shown_raw = nans_to_none(self.raw)
        trends = data.memo.get("trend_codes")
        if trends is None:  # every unit's, once per report and process
            trends = data.memo["trend_codes"] = _trend_codes(data.changes, data.band)
        self.trend = list(map(_TRENDS.__getitem__, trends[u].tolist()))
        peers = _peer_rows(data, g)
        self.median, self.median_raw, self.peer_n = peers.median, peers.median_raw, peers.n
        self.shown_median, self.shown_q1, self.shown_q3 = peers.shown
        self.shown_median_raw = peers.shown_median_raw


@dataclass(frozen=True)
class _PeerRows:
    median: list[float]
    median_raw: list[float]
    n: list[float]
    shown: tuple[list[float | None], list[float | None], list[float | None]]
    shown_median_raw: list[float | None]


def _peer_rows(data: ReportData, g: int) -> _PeerRows:
    """A peer group's figures as lists (all NaN without a group), made once per group
    and process: every profile of the group shows the same."""
    made: dict[int, _PeerRows] = data.memo.setdefault("peer_rows", {})
    rows = made.get(g)
    if rows is None:
        if g >= 0:
            median, q1, q3 = (a[g].tolist() for a in (data.peer_median, data.peer_q1, data.peer_q3))
            median_raw, n = data.peer_median_raw[g].tolist(), data.peer_n[g].tolist()
        else:
            median = q1 = q3 = [math.nan] * len(data.node_ids)
            median_raw = [math.nan] * len(data.indicator_ids)
            n = [math.nan] * len(data.aggregate_ids)
        shown = (nans_to_none(median), nans_to_none(q1), nans_to_none(q3))
        rows = made[g] = _PeerRows(median, median_raw, n, shown, nans_to_none(median_raw))
    return rows


#: What :func:`rank_entry` tells of a node's rank, in its order.
RANK_FIELDS = ("rank", "rank_of", "peer_rank", "peer_of", "rank_low", "rank_high")


def rank_entry(data: ReportData, r: UnitRows, node: str) -> dict[str, Any]:
    a = data.agg_col(node)
    if a is None:
        return dict.fromkeys(RANK_FIELDS)
    return {
        "rank": nan_to_none(r.rank[a]),
        "rank_of": nan_to_none(r.n_ranked[a]),
        "peer_rank": nan_to_none(r.peer_rank[a]),
        "peer_of": nan_to_none(r.peer_n[a]),
        "rank_low": nan_to_none(r.rank_low[a]),
        "rank_high": nan_to_none(r.rank_high[a]),
    }


def rank_columns(
    data: ReportData, node: str, units: np.ndarray, fields: tuple[str, ...] | None = None
) -> dict[str, list[Any]]:
    """:func:`rank_entry` of ``node`` for many units at once, column by column (the
    overview's table has a row per unit): one ``tolist`` per column instead of every
    array of every unit, None for NaN. ``fields`` keeps only those keys (all by default)."""
    a = data.agg_col(node)
    if a is None:  # not ranked: as rank_entry has it
        return {key: [None] * len(units) for key in fields or RANK_FIELDS}
    groups = data.group_code[units]
    n_ranked = data.n_ranked.tolist()[a]
    column = {
        "rank": lambda: data.rank[units, a],
        "rank_of": lambda: np.full(len(units), n_ranked),
        "peer_rank": lambda: data.peer_rank[units, a],
        "peer_of": lambda: np.where(groups >= 0, data.peer_n[np.maximum(groups, 0), a], np.nan),
        "rank_low": lambda: data.rank_low[units, a],
        "rank_high": lambda: data.rank_high[units, a],
    }
    return {key: nans_to_none(column[key]().tolist()) for key in fields or column}


def node_entry(
    data: ReportData, r: UnitRows, node: str, col: int | None = None, label: str | None = None
) -> dict[str, Any]:
    """A node's score, peer band, change and trend for one unit. ``col`` and ``label``
    (its column and label, when the caller has them at hand) save two look-ups."""
    c = data.col[node] if col is None else col
    return {
        "id": node,
        "label": data.nodes[node]["label"] if label is None else label,
        "score": r.shown_scores[c],
        "peer_median": r.shown_median[c],
        "peer_q1": r.shown_q1[c],
        "peer_q3": r.shown_q3[c],
        "change": r.shown_changes[c],
        "trend": r.trend[c],
    }
