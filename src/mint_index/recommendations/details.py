"""The columns of a recommendation that follow from its numbers: catalog fields, unit
fields, titles, evidence and explanations in German and English.

At national scale ``recommend`` yields millions of rows, and writing two languages of
sentences for each costs far more time and memory than finding them. So the
:class:`~mint_index.recommendations.Recommendations` object keeps only the numbers and ids
(:data:`CORE_COLUMNS`) and :class:`Details` writes the rest for the rows a view asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from mint_index.rules.languages import LANGUAGES

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.gap_analysis import GapCube
    from mint_index.recommendations.rules import RuleSet

__all__ = ["CATALOG_COLUMNS", "CORE_COLUMNS", "EVIDENCE_COLUMNS", "REGISTER_COLUMNS", "Details"]

#: Columns copied from the action catalog.
CATALOG_COLUMNS = ("programme", "source", "effort", "horizon")

_TEXT_COLUMNS = tuple(f"{t}_{lang}" for t in ("title", "evidence", "text") for lang in LANGUAGES)
#: Columns of measures in place, added to the core frame by ``mi.recommend``'s register step.
REGISTER_COLUMNS = ("since", "review", "review_indicators")
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
    more_evidence: pd.DataFrame | None = None  # EVIDENCE_COLUMNS, see with_evidence
    cube: GapCube | None = None  # the numbers of the rows' nodes (None: the rows hold them)
    unit_ids: tuple[str, ...] = ()  # the cube's units, in its order
    node_ids: tuple[str, ...] = ()  # the cube's nodes, in its order

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
            cube=cube,
            unit_ids=tuple(ids),
            node_ids=tuple(fw.node_ids),
        )

    def numbers(self, rows: pd.DataFrame) -> dict[str, np.ndarray]:
        """The numbers of each row's node (:data:`NUMBER_COLUMNS`), from the rows or else
        from the gap cube; NaN for a row about no node (a measure in place)."""
        if self.cube is None or all(m in rows.columns for m in NUMBER_COLUMNS):
            return {m: rows[m].to_numpy(dtype=np.float64) for m in NUMBER_COLUMNS}
        unit = _codes_in(rows["unit"], pd.Index(self.unit_ids, dtype=object))
        node = _codes_in(rows["node"], pd.Index(self.node_ids, dtype=object))
        years = self.cube.years
        year = np.searchsorted(years, rows["year"].to_numpy(dtype=np.int64))
        year = np.minimum(year, len(years) - 1)
        about = (unit >= 0) & (node >= 0)
        cells = self.cube.cells(np.where(about, year, 0), np.maximum(unit, 0), np.maximum(node, 0))
        known = {"score": self.cube.at("score", cells)}
        known["value"] = self.cube.at("value", cells)
        return {
            m: np.where(about, known[m] if m in known else self.cube.at(m, cells, **known), np.nan)
            for m in NUMBER_COLUMNS
        }

    def complete(self, core: pd.DataFrame, langs: tuple[str, ...] = LANGUAGES) -> pd.DataFrame:
        """``core`` rows (:data:`CORE_COLUMNS`) with every output column, texts in ``langs``."""
        core = core.reset_index(drop=True)
        # the engine's own rows carry no register columns (the register is applied after it)
        core = core.assign(**{c: None for c in REGISTER_COLUMNS if c not in core.columns})
        core = core.assign(  # the register's categoricals as plain values, None where empty
            **{
                c: pd.Series(
                    np.array([*values.categories, None], dtype=object)[values.codes], dtype=object
                )
                for c in ("review", "review_indicators")
                if isinstance(values := core[c].array, pd.Categorical)
            }
        )
        core = core.assign(**self.numbers(core))
        out = core[[c for c in FRAME_COLUMNS if c in core.columns and c not in _DERIVED]].copy()
        for column in out.columns:  # stored as categories; a view shows plain values
            if isinstance(out[column].dtype, pd.CategoricalDtype):
                out[column] = out[column].astype(object)
        out["band"] = bands(core["priority"].to_numpy(dtype=np.float64))
        for column in REGISTER_COLUMNS:
            out[column] = core[column]
        kinds = core["kind"].astype(object).to_numpy()
        acts, placed = kinds == "action", kinds == "in_place"
        catalog = self.ruleset.actions
        action = core["action"].astype(object)
        for column in CATALOG_COLUMNS:
            out[column] = action.map({k: getattr(a, column) for k, a in catalog.items()}).astype(
                object
            )
        out["actors"] = action.map({k: tuple(a.actors) for k, a in catalog.items()}).astype(object)
        for column in (*CATALOG_COLUMNS, "actors"):
            out.loc[~(acts | placed), column] = None
        notes = ~(acts | placed)
        for lang in langs:
            for kind, a_text, p_text, n_text in zip(
                ("title", "evidence", "text"),
                self._action_texts(core[acts], lang),
                self._in_place_texts(core[placed], lang),
                self._note_texts(core[notes], lang),
                strict=True,
            ):
                texts = np.empty(len(core), dtype=object)
                texts[acts], texts[placed], texts[notes] = a_text, p_text, n_text
                out[f"{kind}_{lang}"] = texts
        return out[[c for c in FRAME_COLUMNS if c in out.columns]]

    # ---- texts ----------------------------------------------------------------------

    def _node(self, table: dict[str, dict[str, str]], nodes: pd.Series, lang: str) -> np.ndarray:
        return nodes.astype(object).map(table[lang]).to_numpy(dtype=object)

    def _previous(self, years: np.ndarray) -> np.ndarray:
        """The year before each year in the data, as text ("" for the first)."""
        known = np.asarray(self.years, dtype=np.int64)
        position = np.searchsorted(known, years)
        previous = known[np.maximum(position - 1, 0)].astype(str).astype(object)
        return np.where(position > 0, previous, "").astype(object)

    def _action_texts(
        self, rows: pd.DataFrame, lang: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        catalog = self.ruleset.actions
        titles = (
            rows["action"].astype(object).map({k: a.title.get(lang) for k, a in catalog.items()})
        )
        numbers = {m: rows[m].to_numpy(dtype=np.float64) for m in NUMBER_COLUMNS}
        labels = self._node(self.labels, rows["node"], lang)
        units = self._node(self.unit_labels, rows["node"], lang)
        years = rows["year"].to_numpy(dtype=np.int64)
        previous = self._previous(years)
        first = rows["node"].astype(object).isin(self.unit_first).to_numpy(dtype=bool)
        said = evidence(numbers, labels, units, previous, lang, first)
        if self.more_evidence is not None and len(self.more_evidence) and len(rows):
            said = self._with_more_evidence(rows, said, lang)
        return (
            titles.to_numpy(dtype=object),
            said,
            self._explanations(rows, numbers, labels, previous, lang),
        )

    def _explanations(
        self,
        rows: pd.DataFrame,
        numbers: dict[str, np.ndarray],
        labels: np.ndarray,
        previous: np.ndarray,
        lang: str,
    ) -> np.ndarray:
        """Each row's rule template, filled with that row's numbers; only the placeholders a
        template uses are formatted, and only for its rows."""
        rules = rows["rule"].to_numpy(dtype=object)
        unit = rows["unit"].astype(object)
        plain = {
            "unit": unit,
            "unit_name": unit.map(self.unit_names),
            "year": rows["year"],
            "previous_year": pd.Series(previous, index=rows.index),
            "peer_group": unit.map(self.peer_groups),
        }
        score = numbers["score"]
        result = np.full(len(rules), "", dtype=object)
        for rule_id in sorted(set(rules)):
            where = np.flatnonzero(rules == rule_id)

            def column(name: str, where: np.ndarray = where) -> np.ndarray:
                if name == "node":
                    return labels[where]
                if name in plain:
                    return _text_column(plain[name].to_numpy(dtype=object)[where])
                if name in _SUMS:
                    return number(score[where] + numbers[_SUMS[name]][where], lang)
                if name in ("value", "parity_gap"):
                    return number(numbers[name][where], lang, 2, trim=True)
                return number(numbers[name][where], lang, sign=name in ("change", "trend"))

            template = getattr(self.ruleset.rule(str(rule_id)).text, lang)
            result[where] = fill(template, column, len(where))
        return result

    def _with_more_evidence(self, rows: pd.DataFrame, said: np.ndarray, lang: str) -> np.ndarray:
        """``said`` followed by the evidence of every further rule asking for the measure."""
        more = self.more_evidence
        assert more is not None
        hit, row = _matching(more, rows)
        hits = more.iloc[hit]
        if not len(hits):
            return said
        numbers = self.numbers(hits)
        sentences = evidence(
            numbers,
            self._node(self.labels, hits["node"], lang),
            self._node(self.unit_labels, hits["node"], lang),
            self._previous(hits["year"].to_numpy(dtype=np.int64)),
            lang,
            hits["node"].astype(object).isin(self.unit_first).to_numpy(dtype=bool),
        )
        # the sentences of each row joined in their order: rows sorted stably and cut where
        # the row changes (a pandas groupby-join runs Python per group: 5 s at 51,000 rows)
        order = np.argsort(row, kind="stable")
        row, sentences = row[order], np.asarray(sentences, dtype=object)[order].tolist()
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]).tolist()
        ends = [*starts[1:], len(row)]
        extra = [EVIDENCE_SEPARATOR.join(sentences[a:b]) for a, b in zip(starts, ends, strict=True)]
        out = np.asarray(said, dtype=object).copy()
        at = row[starts]
        out[at] = out[at] + EVIDENCE_SEPARATOR + np.asarray(extra, dtype=object)
        return out

    def _in_place_texts(
        self, rows: pd.DataFrame, lang: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        catalog = self.ruleset.actions
        action = rows["action"].astype(object)
        titles = action.map({k: a.title.get(lang) for k, a in catalog.items()})
        since = rows["since"].to_numpy(dtype=np.int64) if len(rows) else np.empty(0, np.int64)
        horizon = action.map({k: a.horizon for k, a in catalog.items()})
        labels = self.labels[lang]
        deciding = [
            ", ".join(labels.get(n, n) for n in str(ids).split(", ")) if ids else ""
            for ids in rows["review_indicators"].where(rows["review_indicators"].notna(), "")
        ]
        said = in_place_text(
            since,
            due_year(since, horizon),
            np.asarray(deciding, dtype=object),
            rows["review"].to_numpy(dtype=object),
            lang,
        )
        return titles.to_numpy(dtype=object), said, said

    def _note_texts(
        self, rows: pd.DataFrame, lang: str
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        labels = self._node(self.labels, rows["node"], lang)
        note = quality_note(
            labels,
            rows["year"].to_numpy(dtype=np.int64),
            rows["detail"].astype(object).to_numpy(dtype=object),
            rows["poor"].to_numpy(dtype=np.int64),
            rows["total"].to_numpy(dtype=np.int64),
            lang,
        )
        return _NOTE_TITLE[lang] + labels, note, note


def _text_column(values: np.ndarray) -> np.ndarray:
    series = pd.Series(np.asarray(values, dtype=object))
    return series.where(series.notna(), "").astype(str).to_numpy(dtype=object)


def _matching(more: pd.DataFrame, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (row of ``more``, row of ``rows``) with the same unit, year and action,
    in the order of ``more``; matched on integer codes in ``more``'s categories."""
    years = np.unique(more["year"].to_numpy(dtype=np.int64))
    keys = []
    for table in (more, rows):
        key = np.zeros(len(table), dtype=np.int64)
        for name in ("unit", "action"):
            categories = pd.Index(more[name].astype("category").cat.categories, dtype=object)
            key = key * (len(categories) + 1) + _codes_in(table[name], categories) + 1
        year = table["year"].to_numpy(dtype=np.int64)
        at = np.minimum(np.searchsorted(years, year), len(years) - 1)
        keys.append(np.where(years[at] == year, key * len(years) + at, -1))
    wanted = pd.Index(keys[1])
    if wanted.is_unique:  # as in every view: one row per unit, year and action
        found = np.where(keys[0] >= 0, wanted.get_indexer(pd.Index(keys[0])), -1)
        hit = np.flatnonzero(found >= 0)
        return hit, found[hit]
    pairs = pd.DataFrame({"key": keys[0], "hit": np.arange(len(more))}).merge(
        pd.DataFrame({"key": keys[1], "row": np.arange(len(rows))}), on="key", sort=False
    )
    pairs = pairs[pairs["key"].to_numpy() >= 0]
    return pairs["hit"].to_numpy(dtype=np.intp), pairs["row"].to_numpy(dtype=np.intp)


def _codes_in(column: pd.Series, categories: pd.Index) -> np.ndarray:
    """The positions of ``column``'s values in ``categories`` (-1: not there)."""
    values = column.array
    if isinstance(values, pd.Categorical):
        where = np.append(categories.get_indexer(pd.Index(values.categories, dtype=object)), -1)
        return where[values.codes]
    return categories.get_indexer(pd.Index(column.to_numpy(dtype=object), dtype=object))
