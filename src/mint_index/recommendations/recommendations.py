"""The Recommendations object: ranked measures and data-quality notes per unit and year."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from mint_index.errors import MintIndexError
from mint_index.gap_analysis import MEASURES
from mint_index.rules.formatting import Formatter
from mint_index.rules.languages import DEFAULT_LANGUAGE, LANGUAGES, check_language

if TYPE_CHECKING:
    from mint_index.recommendations.details import Details
    from mint_index.recommendations.rules import RuleSet

__all__ = ["FRAME_COLUMNS", "Recommendations"]

#: Numbers of the node a row is about (columns of the gaps table).
NUMBER_COLUMNS = list(MEASURES)

#: Columns of ``Recommendations.to_frame()`` (``*_de``/``*_en`` become one column with ``lang``).
FRAME_COLUMNS = [
    "unit",
    "year",
    "kind",  # "action", "in_place" (a measure already there) or "note" (data quality)
    "rank",
    "action",
    "priority",  # 0-100, see recommendations.priority
    "band",  # high / medium / low
    "severity",
    "rule",
    "rules",
    "node",
    "reason",
    "gap_kind",
    "gap",
    *NUMBER_COLUMNS,
    "programme",
    "source",
    "actors",
    "effort",
    "horizon",
    "since",  # in_place: the year the measure started
    "since_at_least",  # in_place: no observed answer the year before, so begun then or before
    "review",  # in_place: working, review, wait or unknown (effect_monitoring.measure_review)
    "review_indicators",  # in_place: the indicators that decided the review
    "previous_spell",  # in_place: the spell before, if it stopped and started again
    "title_de",
    "title_en",
    "evidence_de",
    "evidence_en",
    "text_de",
    "text_en",
]
_TEXTS = ("title", "evidence", "text")


class Recommendations:
    """Measures for each unit and year, ranked by priority, with evidence and explanations.

    Rows of kind ``action`` are ranked measures; rows of kind ``note`` say that a node's
    data are too sparse or unreliable for a rule that needed them.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        lang: str = DEFAULT_LANGUAGE,
        meta: dict[str, Any] | None = None,
        ruleset: RuleSet | None = None,
        details: Details | None = None,
    ) -> None:
        """``frame``: every column of :data:`FRAME_COLUMNS`, or with ``details`` only the
        ids and codes (``details.CORE_COLUMNS``); the rest is then written per view."""
        self._frame = frame
        self.lang = lang
        self.meta = dict(meta or {})
        self.ruleset = ruleset
        self._details = details

    @property
    def core(self) -> pd.DataFrame:
        """The stored rows: ids, codes, priority and gap only (the node's numbers, catalog
        fields and texts are written per view)."""
        return self._frame

    @property
    def details(self) -> Details | None:
        """What writes the texts and catalog columns of the stored rows."""
        return self._details

    def _complete(self, rows: pd.DataFrame, langs: tuple[str, ...] = LANGUAGES) -> pd.DataFrame:
        """``rows`` of the stored frame with every output column (texts in ``langs``)."""
        if self._details is None:
            return rows.reset_index(drop=True)
        return self._details.complete(rows, langs)

    # ---- views ----------------------------------------------------------------------
    def _of_year(self, year: int | None) -> pd.DataFrame:
        """The stored rows of ``year`` (None: all)."""
        if year is None:
            return self._frame
        return self._frame[self._frame["year"].to_numpy() == int(year)]

    def to_frame(self, lang: str | None = None, year: int | None = None) -> pd.DataFrame:
        """Every row (``year``: of that year only). With ``lang``, one
        ``title``/``evidence``/``text`` column in that language instead of both."""
        rows = self._of_year(year)
        if lang is None:
            return self._complete(rows).copy()
        check_language(lang)
        return _in_language(self._complete(rows, (lang,)), lang)

    def to_columns(self, lang: str, year: int | None = None) -> dict[str, Any]:
        """The columns of ``to_frame(lang, year)`` without the frame: texts and the values
        of categories as :class:`~mint_index.recommendations.details.Coded` (codes into
        their distinct values, each text written once), numbers as arrays. For readers that
        take the rows apart again (a report's profiles): pandas' text columns cost more to
        build than the texts themselves."""
        check_language(lang)
        rows = self._of_year(year)
        if self._details is None:
            frame = _in_language(rows.reset_index(drop=True), lang)
            return {c: frame[c].to_numpy() for c in frame.columns}
        columns = self._details.columns(rows, (lang,))
        return {_TEXT_NAMES.get(c, c): v for c, v in columns.items() if c in _KEPT[lang]}

    @property
    def actions(self) -> pd.DataFrame:
        """The ranked measures only."""
        return self._complete(self._frame[self._frame["kind"] == "action"])

    @property
    def in_place(self) -> pd.DataFrame:
        """The measures already in place, with their effect (never recommended again)."""
        return self._complete(self._frame[self._frame["kind"] == "in_place"])

    @property
    def to_review(self) -> pd.DataFrame:
        """Measures in place whose horizon has passed with no effect visible yet: worth a
        look by whoever runs them (``review == "review"``)."""
        placed = self._frame[self._frame["kind"] == "in_place"]
        return self._complete(placed[placed["review"] == "review"])

    @property
    def notes(self) -> pd.DataFrame:
        """The data-quality notes only."""
        return self._complete(self._frame[self._frame["kind"] == "note"])

    def for_unit(self, unit: str, year: int | None = None, lang: str | None = None) -> pd.DataFrame:
        """One unit's measures and notes for ``year`` (default: the latest year it has rows
        for), in ``lang`` (default: the language chosen in ``recommend``)."""
        lang = lang or self.lang
        check_language(lang)
        mine = self._frame[self._frame["unit"] == str(unit)]
        if not len(mine):
            known = self._frame["unit"].nunique()
            raise MintIndexError(
                f"no recommendations or notes for unit {unit!r} ({known} units have some)"
            )
        chosen = int(mine["year"].max()) if year is None else int(year)
        return _in_language(self._complete(mine[mine["year"] == chosen], (lang,)), lang)

    # ---- export ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: per unit and year the ranked measures and the notes, sorted
        by unit, year and rank; both languages."""
        frame = self._complete(self._frame)
        records = json.loads(frame.to_json(orient="records", double_precision=10))
        groups: dict[tuple[str, int], dict[str, Any]] = {}
        for rec in records:
            key = (rec["unit"], rec["year"])
            entry = groups.setdefault(
                key,
                {
                    "unit": rec["unit"],
                    "year": rec["year"],
                    "actions": [],
                    "in_place": [],
                    "notes": [],
                },
            )
            item = {k: v for k, v in rec.items() if k not in ("unit", "year", "kind")}
            for t in _TEXTS:
                item[t] = {"de": item.pop(f"{t}_de"), "en": item.pop(f"{t}_en")}
            if rec["kind"] == "action":
                entry["actions"].append(item)
            elif rec["kind"] == "in_place":
                entry["in_place"].append(item)
            else:
                for k in (
                    "rank",
                    "action",
                    "priority",
                    "band",
                    "severity",
                    "gap_kind",
                    "gap",
                    "programme",
                    "source",
                    "actors",
                    "effort",
                    "horizon",
                    "since",
                    "since_at_least",
                    "review",
                    "review_indicators",
                    "previous_spell",
                ):
                    item.pop(k)
                entry["notes"].append(item)
        return {
            **self.meta,
            "lang": self.lang,
            "results": [groups[k] for k in sorted(groups)],
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, indent=indent)

    # ---- display --------------------------------------------------------------------
    def __len__(self) -> int:
        return int((self._frame["kind"] == "action").sum())

    def __repr__(self) -> str:
        n_units = self._frame["unit"].nunique()
        n_notes = int((self._frame["kind"] == "note").sum())
        n_placed = int((self._frame["kind"] == "in_place").sum())
        return (
            f"Recommendations({len(self)} measures, {n_placed} measures in place and "
            f"{n_notes} data-quality notes for {n_units} units)"
        )

    def _repr_html_(self, limit: int = 20) -> str:
        from html import escape

        frame = self._frame
        if len(frame):
            latest = frame[frame["year"] == frame["year"].max()]
            latest = latest[latest["kind"] == "action"]
            frame = latest[latest["rank"] <= 3].head(limit)
        top = _in_language(self._complete(frame, (self.lang,)), self.lang)
        # priorities read as in the report of the same language: "61 von 100" / "61 of 100"
        priorities = Formatter(self.lang).priorities(top["priority"].astype(float).tolist())
        rows = "".join(
            f"<tr><td>{escape(str(r.unit))}</td><td>{r.rank}</td><td>{escape(str(r.title))}</td>"
            f"<td>{shown} ({escape(str(r.band))})</td>"
            f"<td>{escape(str(r.evidence))}</td></tr>"
            for r, shown in zip(top.itertuples(), priorities, strict=True)
        )
        head = escape(repr(self))
        return (
            f"<p><b>{head}</b></p><table><tr><th>unit</th><th>rank</th><th>action</th>"
            f"<th>priority</th><th>evidence</th></tr>{rows}</table>"
        )


#: Without the language: the text columns of :func:`_in_language`.
_TEXT_NAMES = {f"{t}_{lang}": t for t in _TEXTS for lang in LANGUAGES}
#: The columns a view in one language keeps.
_KEPT = {
    lang: {c for c in FRAME_COLUMNS if c not in _TEXT_NAMES or c.endswith(f"_{lang}")}
    for lang in LANGUAGES
}


def _in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One ``title``/``evidence``/``text`` column in ``lang`` instead of one per language."""
    other = [f"{t}_{o}" for o in LANGUAGES if o != lang for t in _TEXTS]
    frame = frame.drop(columns=[c for c in other if c in frame.columns])
    return frame.rename(columns={f"{t}_{lang}": t for t in _TEXTS})
