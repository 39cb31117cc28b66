"""The columns of a recommendation that follow from its numbers: catalog fields, unit
fields, titles, evidence and explanations in German and English.

At national scale ``recommend`` yields millions of rows, and writing two languages of
sentences for each costs far more time and memory than finding them. So the
:class:`~mint_index.recommendations.Recommendations` object keeps only the numbers and ids
(:data:`CORE_COLUMNS`) and :class:`Details` writes the rest for the rows a view asks for:
as :class:`Coded` columns (each distinct text written once), which a frame takes per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from mint_index.recommendations.priority import bands
from mint_index.recommendations.recommendations import FRAME_COLUMNS, NUMBER_COLUMNS
from mint_index.recommendations.register import due_year
from mint_index.recommendations.texts import (
    EVIDENCE_SEPARATOR,
    evidence,
    fill,
    in_place_text,
    number,
    quality_note,
)
from mint_index.rules.formatting import value_decimals
from mint_index.rules.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mint_index.framework.framework import Framework
    from mint_index.gap_analysis import GapCube
    from mint_index.recommendations.rules import RuleSet

__all__ = [
    "CATALOG_COLUMNS",
    "CORE_COLUMNS",
    "EVIDENCE_COLUMNS",
    "REGISTER_COLUMNS",
    "Coded",
    "Details",
    "frame_of",
]

#: Columns copied from the action catalog.
CATALOG_COLUMNS = ("programme", "source", "effort", "horizon")

_TEXT_COLUMNS = tuple(f"{t}_{lang}" for t in ("title", "evidence", "text") for lang in LANGUAGES)
#: Columns of measures in place, added to the core frame by ``mi.recommend``'s register step.
REGISTER_COLUMNS = ("since", "since_at_least", "review", "review_indicators", "previous_spell")
_DERIVED = {*CATALOG_COLUMNS, "actors", "band", *REGISTER_COLUMNS, *_TEXT_COLUMNS}

#: What the stored frame holds: every output column that is not derived, and for notes
#: why the data fall short (``detail``: the reason, ``missing`` qualified by why) and how
#: many indicators do (``poor`` of ``total``). The numbers of a row's node (the columns of
#: the gaps table) are read from the gap cube for the rows a view asks for.
CORE_COLUMNS = [c for c in FRAME_COLUMNS if c not in {*_DERIVED, *NUMBER_COLUMNS}] + [
    "detail",
    "poor",
    "total",
]

#: The evidence of every further rule that asks for a measure: which row and which node
#: (its numbers, the columns of the gaps table, are read from the gap cube per view).
EVIDENCE_COLUMNS = ["unit", "year", "action", "node"]

_NOTE_TITLE = {"de": "Daten prüfen: ", "en": "Check the data: "}
_SUMS = {
    "target_score": "gap_target",
    "peer_median": "gap_peer_median",
    "peer_best": "gap_peer_best",
}


@dataclass(frozen=True)
class Details:
    """Writes the derived columns of a recommendations frame; small and picklable."""

    ruleset: RuleSet
    labels: dict[str, dict[str, str]]  # lang -> node -> label
    unit_labels: dict[str, dict[str, str]]  # lang -> node -> an indicator's unit ("" else)
    unit_names: dict[str, Any]  # unit -> name
    peer_groups: dict[str, Any]  # unit -> peer group
    years: tuple[int, ...]  # every year of the results, sorted
    unit_first: frozenset[str] = frozenset()  # indicators whose unit is read first ("Stufe 2")
    decimals: dict[str, int] = field(default_factory=dict)  # indicator -> of its value
    more_evidence: pd.DataFrame | None = None  # EVIDENCE_COLUMNS, see with_evidence
    cube: GapCube | None = None  # the numbers of the rows' nodes (None: the rows hold them)
    unit_ids: tuple[str, ...] = ()  # the cube's units, in its order
    node_ids: tuple[str, ...] = ()  # the cube's nodes, in its order (those with labels)

    @classmethod
    def of(
        cls,
        ruleset: RuleSet,
        fw: Framework,
        units: pd.DataFrame,
        years: np.ndarray,
        cube: GapCube | None = None,
    ) -> Details:
        """``units``: the results' unit table (``name`` optional, ``peer_group``) by unit id,
        in the order of the ``cube``'s units."""
        names = units["name"] if "name" in units.columns else pd.Series(units.index, units.index)
        ids = units.index.astype(str).tolist()
        return cls(
            ruleset=ruleset,
            labels={lang: {n: fw.label(n, lang) for n in fw.node_ids} for lang in LANGUAGES},
            unit_labels={
                lang: {
                    n: fw.indicator(n).unit_label(lang) if fw.is_indicator(n) else ""
                    for n in fw.node_ids
                }
                for lang in LANGUAGES
            },
            unit_names=dict(zip(ids, names.astype(object).tolist(), strict=True)),
            peer_groups=dict(zip(ids, units["peer_group"].astype(object).tolist(), strict=True)),
            years=tuple(sorted(int(y) for y in years)),
            unit_first=frozenset(n for n in fw.indicator_ids if fw.indicator(n).unit_first),
            decimals={n: fw.indicator(n).value_decimals() for n in fw.indicator_ids},
            cube=cube,
            unit_ids=tuple(ids),
            node_ids=tuple(fw.node_ids),
        )

    def numbers(self, rows: pd.DataFrame) -> dict[str, np.ndarray]:
        """The numbers of each row's node (:data:`NUMBER_COLUMNS`), from the rows or else
        from the gap cube; NaN for a row about no node (a measure in place)."""
        if not self._reads_cube(rows):
            return {m: rows[m].to_numpy(dtype=np.float64) for m in NUMBER_COLUMNS}
        return self._numbers_at(*self._positions(rows), rows["year"].to_numpy(dtype=np.int64))

    def _reads_cube(self, rows: pd.DataFrame) -> bool:
        """Are the rows' numbers read from the gap cube (the rows do not hold them)?"""
        return self.cube is not None and not all(m in rows.columns for m in NUMBER_COLUMNS)

    def _positions(self, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each row's unit and node as positions in the cube's units and nodes (-1: not
        there)."""
        return (
            _codes_in(rows["unit"], _index(self.unit_ids)),
            _codes_in(rows["node"], _index(self.node_ids)),
        )

    def _numbers_at(
        self, unit: np.ndarray, node: np.ndarray, year: np.ndarray
    ) -> dict[str, np.ndarray]:
        """The numbers of the cube's cells at unit and node positions (-1: none) and years."""
        assert self.cube is not None
        years = self.cube.years
        at = np.minimum(np.searchsorted(years, year), len(years) - 1)
        about = (unit >= 0) & (node >= 0)
        cells = self.cube.cells(np.where(about, at, 0), np.maximum(unit, 0), np.maximum(node, 0))
        known = {"score": self.cube.at("score", cells)}
        known["value"] = self.cube.at("value", cells)
        return {
            m: np.where(about, known[m] if m in known else self.cube.at(m, cells, **known), np.nan)
            for m in NUMBER_COLUMNS
        }

    def complete(self, core: pd.DataFrame, langs: tuple[str, ...] = LANGUAGES) -> pd.DataFrame:
        """``core`` rows (:data:`CORE_COLUMNS`) with every output column, texts in ``langs``."""
        return frame_of(self.columns(core, langs))

    def columns(self, core: pd.DataFrame, langs: tuple[str, ...] = LANGUAGES) -> dict[str, Column]:
        """The columns of :meth:`complete` before they are a frame, in :data:`FRAME_COLUMNS`
        order: texts and the values of categories as :class:`Coded` (each distinct text is
        written once, and a reader that takes the rows apart again, such as the report's
        profiles, needs neither a frame nor pandas' text columns, which cost more to build
        than the texts), numbers as arrays."""
        n = len(core)
        kinds = core["kind"].to_numpy(dtype=object)
        acts, placed = kinds == "action", kinds == "in_place"
        a, p, m = np.flatnonzero(acts), np.flatnonzero(placed), np.flatnonzero(~(acts | placed))
        numbers = self.numbers(core)
        out: dict[str, Column] = {}
        for c in FRAME_COLUMNS:
            if c in numbers:
                out[c] = numbers[c]
            elif c in core.columns and c not in _DERIVED:  # stored as categories: plain values
                out[c] = _plain(core[c])
        out["band"] = bands(core["priority"].to_numpy(dtype=np.float64))
        # the engine's own rows carry no register columns (the register is applied after it)
        out |= {c: np.full(n, None, dtype=object) for c in REGISTER_COLUMNS}
        for c in REGISTER_COLUMNS:
            if c in core.columns:
                out[c] = _plain(core[c], missing=None)  # None where empty
        action, action_ids = _codes(core["action"])
        action = np.where(action >= 0, action, len(action_ids))  # the table's NaN (as a map)
        catalog = self.ruleset.actions
        found = [catalog.get(k) for k in action_ids.tolist()]
        for c in (*CATALOG_COLUMNS, "actors"):
            table = _table(
                [
                    np.nan if x is None else tuple(x.actors) if c == "actors" else getattr(x, c)
                    for x in found
                ]
            )
            out[c] = Coded(np.where(acts | placed, action, -1), table, None)
        node, node_ids = _codes(core["node"])
        said = self._prepared_evidence(core, a, numbers)
        for lang in langs:
            titles = _table([np.nan if x is None else x.title.get(lang) for x in found])
            labels = _table([self.labels[lang].get(x, np.nan) for x in node_ids.tolist()])
            digits = self.decimals_of(node_ids.tolist())
            group, note_titles, notes = self._note_texts(core, m, node, labels, lang)
            placed_said = self._in_place_texts(core, p, out, lang)
            each_a, each_p = np.arange(len(a)), np.arange(len(p))
            out[f"title_{lang}"] = _joined(
                n, [(a, action[a], titles), (p, action[p], titles), (m, group, note_titles)]
            )
            out[f"evidence_{lang}"] = _joined(
                n, [(a, each_a, said.sentences(lang)), (p, each_p, placed_said), (m, group, notes)]
            )
            explained = self._explanations(core, a, numbers, node, labels, digits, lang)
            out[f"text_{lang}"] = _joined(
                n, [(a, each_a, explained), (p, each_p, placed_said), (m, group, notes)]
            )
        return {c: out[c] for c in FRAME_COLUMNS if c in out}

    # ---- texts ----------------------------------------------------------------------

    def decimals_of(self, nodes: Sequence[str]) -> np.ndarray:
        """Per node of ``nodes`` (and one more for "no node", position -1): the decimals
        its value and parity gap are written with."""
        default = value_decimals()
        return np.array([*(self.decimals.get(n, default) for n in nodes), default])

    def _previous(self, years: np.ndarray) -> np.ndarray:
        """The year before each year in the data, as text ("" for the first); written once
        per distinct year."""
        distinct, at = np.unique(np.asarray(years, dtype=np.int64), return_inverse=True)
        known = np.asarray(self.years, dtype=np.int64)
        position = np.searchsorted(known, distinct)
        previous = known[np.maximum(position - 1, 0)].astype(str).astype(object)
        return np.where(position > 0, previous, "").astype(object)[at.reshape(-1)]

    def _prepared_evidence(
        self, core: pd.DataFrame, a: np.ndarray, numbers: dict[str, np.ndarray]
    ) -> _Evidence:
        """What the evidence of the action rows ``a`` names, in no language yet: the node,
        year and numbers of each row's own rule and of every further rule asking for the
        measure. Sentences about the same cell (unit, node, year) are the same sentence, so
        each distinct cell is written once (a chunk of units names a third of its cells
        twice or more). Nodes are positions in the cube's nodes."""
        hit, row = self._further(core, a)
        unit, node = (position[a] for position in self._positions(core))
        units, nodes = [unit], [node]
        years = [core["year"].to_numpy(dtype=np.int64)[a]]
        parts = [{m: v[a] for m, v in numbers.items()}]
        if len(hit):
            more = self.more_evidence
            assert more is not None
            index = self._evidence_index
            units.append(index.unit_in_cube[index.unit[hit]])
            nodes.append(index.node_in_cube[index.node[hit]])
            years.append(index.year[hit])
            if self.cube is None:
                parts.append(self.numbers(more.iloc[hit]))
            else:
                parts.append(self._numbers_at(units[-1], nodes[-1], years[-1]))
        node, year = np.concatenate(nodes), np.concatenate(years)
        if self._reads_cube(core):
            group, first = _groups(np.concatenate(units), node, year)
        else:  # the numbers come from the rows: every row its own sentence
            group = first = np.arange(len(node))
        return _Evidence(
            self,
            {m: np.concatenate([p[m] for p in parts])[first] for m in NUMBER_COLUMNS},
            node[first],
            year[first],
            group,
            len(a),
            row,
        )

    def _further(self, core: pd.DataFrame, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of :attr:`more_evidence` with the unit, year and action of an action
        row ``a[k]`` and their ``k``, by ``k`` and in the order of ``more_evidence``: the
        rows' keys looked up in its keys, sorted once per process."""
        none = np.zeros(0, dtype=np.intp)
        if self.more_evidence is None or not len(self.more_evidence) or not len(a):
            return none, none
        index = self._evidence_index
        key = np.zeros(len(a), dtype=np.int64)
        for name, categories in (("unit", index.unit_ids), ("action", index.action_ids)):
            codes = _codes_in(core[name], categories)[a]
            key = key * (len(categories) + 1) + codes + 1
        year = core["year"].to_numpy(dtype=np.int64)[a]
        at = np.minimum(np.searchsorted(index.years, year), len(index.years) - 1)
        key = np.where(index.years[at] == year, key * len(index.years) + at, -1)
        low = np.searchsorted(index.keys, key, side="left")
        counts = np.searchsorted(index.keys, key, side="right") - low
        row = np.repeat(np.arange(len(a)), counts)
        step = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
        return index.order[np.repeat(low, counts) + step], row

    @cached_property
    def _evidence_index(self) -> _EvidenceIndex:
        """:attr:`more_evidence` as codes and sorted keys, made once per process."""
        more = self.more_evidence
        assert more is not None
        unit, unit_ids = _codes(more["unit"])
        action, action_ids = _codes(more["action"])
        node, node_ids = _codes(more["node"])
        year = more["year"].to_numpy(dtype=np.int64)
        years = np.unique(year)
        key = ((unit + 1) * (len(action_ids) + 1) + action + 1) * len(years)
        key = key + np.searchsorted(years, year)
        order = np.argsort(key, kind="stable")
        return _EvidenceIndex(
            unit=unit,
            action=action,
            node=node,
            year=year,
            unit_ids=pd.Index(unit_ids, dtype=object),
            action_ids=pd.Index(action_ids, dtype=object),
            node_ids=np.append(node_ids, np.nan),
            years=years,
            keys=key[order],
            order=order,
            unit_in_cube=np.append(
                _index(self.unit_ids).get_indexer(pd.Index(unit_ids, dtype=object)), -1
            ),
            node_in_cube=np.append(
                _index(self.node_ids).get_indexer(pd.Index(node_ids, dtype=object)), -1
            ),
        )

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the sorted keys of the further evidence (made again on use)."""
        return {k: v for k, v in self.__dict__.items() if k != "_evidence_index"}

    def _explanations(
        self,
        core: pd.DataFrame,
        a: np.ndarray,
        numbers: dict[str, np.ndarray],
        node: np.ndarray,
        labels: np.ndarray,
        digits: np.ndarray,
        lang: str,
    ) -> np.ndarray:
        """Each action row's rule template, filled with that row's numbers; only the
        placeholders a template uses are written, and only for its rows. ``labels`` and
        ``digits`` (decimals of a value) are per node code, ``node`` each row's code."""
        rules, rule_ids = _codes(core["rule"])
        unit, unit_ids = _codes(core["unit"])
        rules, unit, node = rules[a], unit[a], node[a]
        years = core["year"].to_numpy(dtype=np.int64)[a]
        ids = unit_ids.tolist()
        plain = {  # text by unit code (-1: none)
            "unit": lambda: _written(ids),
            "unit_name": lambda: _written([self.unit_names.get(u, np.nan) for u in ids]),
            "peer_group": lambda: _written([self.peer_groups.get(u, np.nan) for u in ids]),
        }
        result = np.full(len(a), "", dtype=object)
        for code in np.unique(rules[rules >= 0]).tolist():
            where = np.flatnonzero(rules == code)
            at = a[where]

            def column(name: str, where: np.ndarray = where, at: np.ndarray = at) -> np.ndarray:
                if name == "node":
                    return labels[node[where]]
                if name in plain:
                    return plain[name]()[unit[where]]
                if name in ("year", "previous_year"):
                    return (
                        years[where].astype(str).astype(object)
                        if name == "year"
                        else self._previous(years[where])
                    )
                if name in _SUMS:
                    return number(numbers["score"][at] + numbers[_SUMS[name]][at], lang)
                if name in ("value", "parity_gap"):
                    return number(numbers[name][at], lang, digits[node[where]])
                return number(numbers[name][at], lang, sign=name in ("change", "trend"))

            template = getattr(self.ruleset.rule(str(rule_ids[code])).text, lang)
            result[where] = fill(template, column, len(where))
        return result

    def _in_place_texts(
        self, core: pd.DataFrame, p: np.ndarray, out: dict[str, Column], lang: str
    ) -> np.ndarray:
        """How each measure in place ``p`` is doing (``out``: its register columns)."""
        if not len(p):
            return np.empty(0, dtype=object)
        action, action_ids = _codes(core["action"])
        catalog = self.ruleset.actions
        horizon = _table([getattr(catalog.get(k), "horizon", np.nan) for k in action_ids])
        since = core["since"].iloc[p].to_numpy(dtype=np.int64)
        at_least = core["since_at_least"].iloc[p].to_numpy(dtype=bool)
        review, deciding, previous = (
            _taken(out[c])[p] for c in ("review", "review_indicators", "previous_spell")
        )
        labels = self.labels[lang]
        named = [
            ", ".join(labels.get(n, n) for n in str(ids).split(", ")) if ids else ""
            for ids in ("" if pd.isna(ids) else ids for ids in deciding.tolist())
        ]
        return in_place_text(
            since,
            due_year(since, pd.Series(horizon[action[p]], dtype=object)),
            np.asarray(named, dtype=object),
            np.asarray(review, dtype=object),
            lang,
            np.asarray(previous, dtype=object),
            at_least,
        )

    def _note_texts(
        self,
        core: pd.DataFrame,
        m: np.ndarray,
        node: np.ndarray,
        labels: np.ndarray,
        lang: str,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The data-quality notes ``m``: each row's note, and each note's title and
        sentence. Each distinct note (node, year, reason and counts; a few dozen per report
        year) is written once."""
        node = node[m]
        years = core["year"].to_numpy(dtype=np.int64)[m]
        detail = core["detail"].astype(object).to_numpy(dtype=object)[m]
        poor = core["poor"].to_numpy(dtype=np.int64)[m]
        total = core["total"].to_numpy(dtype=np.int64)[m]
        group, first = _groups(node, years, detail, poor, total)
        said = labels[node[first]]
        note = quality_note(said, years[first], detail[first], poor[first], total[first], lang)
        return group, _NOTE_TITLE[lang] + said, note


@dataclass(frozen=True)
class _EvidenceIndex:
    """The rows of :attr:`Details.more_evidence` as codes, and their keys (unit, action,
    year) sorted, for looking up a view's rows by binary search."""

    unit: np.ndarray
    action: np.ndarray
    node: np.ndarray
    year: np.ndarray
    unit_ids: pd.Index
    action_ids: pd.Index
    node_ids: np.ndarray  # by code, NaN last (code -1)
    years: np.ndarray
    keys: np.ndarray
    order: np.ndarray
    unit_in_cube: np.ndarray  # by unit code: position in the cube (-1: not there)
    node_in_cube: np.ndarray


@dataclass(frozen=True)
class _Evidence:
    """The sentences of evidence of a view's action rows before they are written: the
    numbers, node and year of each distinct sentence, which one each row's own rule and
    each further rule names (``group``: the first ``n`` are the rows', the rest the
    further rules' by row ``row``)."""

    details: Details
    numbers: dict[str, np.ndarray]
    node: np.ndarray  # positions in the cube's nodes (-1: none)
    year: np.ndarray
    group: np.ndarray
    n: int
    row: np.ndarray

    def sentences(self, lang: str) -> np.ndarray:
        """Each row's evidence in ``lang``: its own rule's sentence, then the further
        rules' in their order, joined by :data:`EVIDENCE_SEPARATOR`."""
        d = self.details
        nodes = list(d.node_ids)
        first = np.array([*(n in d.unit_first for n in nodes), False])
        digits = d.decimals_of(nodes)
        written = evidence(
            self.numbers,
            _table([d.labels[lang].get(n, np.nan) for n in nodes])[self.node],
            _table([d.unit_labels[lang].get(n, np.nan) for n in nodes])[self.node],
            d._previous(self.year),
            lang,
            first[self.node],
            digits[self.node],
        )[self.group]
        said = written[: self.n]
        if not len(self.row):
            return said
        further = written[self.n :].tolist()
        starts = np.flatnonzero(np.r_[True, self.row[1:] != self.row[:-1]])
        ends = [*starts[1:].tolist(), len(self.row)]
        at = self.row[starts]
        said[at] = [
            EVIDENCE_SEPARATOR.join([own, *further[start:end]])
            for own, start, end in zip(said[at].tolist(), starts.tolist(), ends, strict=True)
        ]
        return said


class Coded(NamedTuple):
    """A column as codes into its values, -1 where it is ``missing``: texts and the values
    of categories, each written once and taken per row only when a frame is made."""

    codes: np.ndarray
    values: np.ndarray  # object
    missing: Any = np.nan  # what a frame shows for code -1


#: A column of :meth:`Details.columns`.
Column = Coded | np.ndarray | pd.api.extensions.ExtensionArray

#: Columns a view gives pandas' text dtype, as assigning an object array of text does (all
#: others keep their dtype: plain values of categories stay objects).
_INFERRED = {"band", *_TEXT_COLUMNS}


def frame_of(columns: dict[str, Column]) -> pd.DataFrame:
    """The frame of :meth:`Details.columns`."""
    taken = {c: _taken(v) for c, v in columns.items()}
    return pd.DataFrame(
        {
            c: pd.Series(v, dtype=object, copy=False)
            if c not in _INFERRED and isinstance(v, np.ndarray) and v.dtype == object
            else v
            for c, v in taken.items()
        },
        index=pd.RangeIndex(len(taken["band"])),
    )


def _taken(column: Column) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """A column's value in each row."""
    if not isinstance(column, Coded):
        return column
    return np.append(column.values, np.array([column.missing], dtype=object))[column.codes]


def _plain(column: pd.Series, missing: Any = np.nan) -> Column:
    """A stored column as a view shows it: a categorical's plain values (``missing``
    where empty), every other column as it is."""
    values = column.array
    if isinstance(values, pd.Categorical):
        categories = np.asarray(values.categories, dtype=object)
        return Coded(np.asarray(values.codes, dtype=np.intp), categories, missing)
    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()
    return values


def _joined(n: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> Coded:
    """A text column of ``n`` rows from parts (rows, their codes, the texts coded)."""
    codes = np.full(n, -1, dtype=np.intp)
    offset = 0
    for rows, at, texts in parts:
        codes[rows] = at + offset
        offset += len(texts)
    values = [np.asarray(texts, dtype=object) for _, _, texts in parts]
    return Coded(codes, np.concatenate(values) if values else np.empty(0, dtype=object))


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as integer codes (-1: missing) into its distinct values (an object array)."""
    values = column.array
    if isinstance(values, pd.Categorical):
        return np.asarray(values.codes, dtype=np.intp), np.asarray(values.categories, dtype=object)
    codes, distinct = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), np.asarray(distinct, dtype=object)


def _table(values: list[Any]) -> np.ndarray:
    """``values`` as an object array to take codes from, NaN for code -1 (as a map over a
    missing key gives); tuples stay single values."""
    out = np.empty(len(values) + 1, dtype=object)
    for k, value in enumerate(values):
        out[k] = value
    out[-1] = np.nan
    return out


def _written(values: list[Any]) -> np.ndarray:
    """A placeholder's values as text ("" where missing), by code (-1: missing)."""
    return np.array([*("" if pd.isna(v) else str(v) for v in values), ""], dtype=object)


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows equal in every key share a group: each row's group and each group's first row.
    Codes are combined one key at a time and factorized again, so they never overflow."""
    group = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        codes, distinct = pd.factorize(key, use_na_sentinel=True)
        group, _ = pd.factorize(group * (len(distinct) + 1) + codes + 1)
    _, first = np.unique(group, return_index=True)
    return group, first


@cache
def _index(ids: tuple[str, ...]) -> pd.Index:
    """An id tuple as an index to look positions up in (one per process)."""
    return pd.Index(ids, dtype=object)


def _codes_in(column: pd.Series, categories: pd.Index) -> np.ndarray:
    """The positions of ``column``'s values in ``categories`` (-1: not there)."""
    values = column.array
    if isinstance(values, pd.Categorical):
        where = np.append(categories.get_indexer(pd.Index(values.categories, dtype=object)), -1)
        return where[values.codes]
    return categories.get_indexer(pd.Index(column.to_numpy(dtype=object), dtype=object))
