"""The texts of a recommendations view equal texts written the plain way, one row and one
part at a time: every sentence of evidence (its own rule's and every further rule's),
explanation, title, data-quality note and measure in place, in both languages."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.effect_monitoring.estimate import HORIZON_YEARS, MIN_YEARS_AFTER
from mint_index.recommendations.details import _NOTE_TITLE, _SUMS, _taken
from mint_index.recommendations.texts import _IN_PLACE, _NOTE, _PLACED, _WORDS, evidence, fill
from mint_index.rules.formatting import Formatter

LANGS = ("de", "en")


# ---- the reference: each text written row by row -------------------------------------------


def _number(x: float, lang: str, decimals: int = 1, sign: bool = False) -> str:
    if not math.isfinite(x):
        return _WORDS[lang]["na"]
    return Formatter(lang).num(x, decimals, sign)


def _with_unit(number: str, unit: str, first: bool, lang: str) -> str:
    """A number with its unit as the scorecard writes it, by hand: CLDR's percent sign
    (a no-break space before it in German, none in English), a unit read first before
    the number, otherwise after it, a no-break space between."""
    if not unit:
        return number
    if unit == "%":
        return number + ("\xa0%" if lang == "de" else "%")
    return f"{unit}\xa0{number}" if first else f"{number}\xa0{unit}"


def _decimals(fw: mi.Framework, node: str) -> int:
    """An indicator's value decimals as docs/reports.md states the rule, by hand: none
    for answer levels and counts, two for a ratio parity, one for everything else."""
    if not fw.is_indicator(node):
        return 1
    ind = fw.indicator(node)
    if ind.answer_levels() or ind.kind == "count":
        return 0
    return 2 if ind.compute.type == "parity" and ind.compute.mode == "ratio" else 1


def _sentence(
    nums: dict[str, float],
    label: str,
    unit: str,
    previous: str,
    lang: str,
    first: bool,
    decimals: int = 1,
) -> str:
    """One sentence of evidence, written part by part as docs/recommendations.md describes."""
    w = _WORDS[lang]
    score, value, parity = nums["score"], nums["value"], nums["parity_gap"]
    inner = []
    if not math.isnan(value) and math.isnan(parity):
        inner.append(
            f"{w['value']} {_with_unit(_number(value, lang, decimals), unit, first, lang)}"
        )
    for gap, word in ((nums["gap_peer_median"], "peer"), (nums["gap_target"], "target")):
        if not math.isnan(gap):
            side = w["below"] if np.round(gap, 1) >= 0 else w["above"]
            reached = _number(score + gap, lang)
            inner.append(f"{w[word]} {reached}, {_number(abs(gap), lang)} {side}")
    if not math.isnan(parity):
        p = _number(parity, lang, decimals, sign=True)  # signed, as the scorecard has it
        inner.append(
            f"{w['parity']} {p}" if first else f"{w['parity']} {_with_unit(p, unit, False, lang)}"
        )
    said = f"{label}: {w['score']} {_number(score, lang)} {w['of']} 100"
    if inner:
        said += " (" + "; ".join(inner) + ")"
    tail = []
    change = nums["change"]
    if not math.isnan(change):
        amount = _number(abs(change), lang)
        moves = amount.strip("0.,") != ""
        turn = w["down"] if moves and change < 0 else w["up"] if moves else w["same"]
        tail.append(turn.replace("{x}", amount).replace("{year}", previous))
    if not math.isnan(nums["trend"]):
        tail.append(w["trend"].replace("{x}", _number(nums["trend"], lang, sign=True)))
    return said + ("; " + "; ".join(tail) if tail else "")


def _replaced(template: str, value: Callable[[str], str]) -> str:
    return re.sub(r"\{([A-Za-z_]+)\}", lambda m: value(m.group(1)), template)


class _Reference:
    """Writes the texts of a view's rows from the results, the rules and the core rows."""

    def __init__(self, res: mi.Results, recs: mi.Recommendations) -> None:
        self.fw, self.rules = res.framework, recs.ruleset
        self.years = sorted(int(y) for y in res.years)
        gaps = mi.gaps(res)
        gaps = gaps.assign(unit=gaps["unit"].astype(str), node=gaps["node"].astype(str))
        self.cells = gaps.set_index(["unit", "year", "node"]).to_dict("index")
        units = res.units.reindex(res.unit_ids)
        names = units["name"] if "name" in units.columns else pd.Series(units.index, units.index)
        self.names = dict(zip(units.index.astype(str), names, strict=True))
        self.groups = dict(zip(units.index.astype(str), units["peer_group"], strict=True))

    def previous(self, year: int) -> str:
        at = self.years.index(year)
        return str(self.years[at - 1]) if at > 0 else ""

    def sentence(self, unit: str, year: int, node: str, lang: str) -> str:
        nums = self.cells[(unit, year, node)]
        indicator = self.fw.is_indicator(node)
        return _sentence(
            nums,
            self.fw.label(node, lang),
            self.fw.indicator(node).unit_label(lang) if indicator else "",
            self.previous(year),
            lang,
            indicator and self.fw.indicator(node).unit_first,
            _decimals(self.fw, node),
        )

    def texts(self, row: pd.Series, core: pd.Series, lang: str) -> tuple[str, str, str]:
        """(title, evidence, text) of one row."""
        fw, unit, year = self.fw, str(row["unit"]), int(row["year"])
        if row["kind"] == "note":
            label = fw.label(row["node"], lang)
            w = _NOTE[lang]
            reason = w.get(str(core["detail"]), "")
            reason = reason.replace("{poor}", str(core["poor"])).replace(
                "{total}", str(core["total"])
            )
            head = w["head"].replace("{node}", label).replace("{year}", str(year))
            note = head + reason + w["tail"]
            return _NOTE_TITLE[lang] + label, note, note
        action = self.rules.actions[row["action"]]
        if row["kind"] == "in_place":
            since = int(row["since"])
            due = since + max(HORIZON_YEARS[action.horizon], MIN_YEARS_AFTER)
            ids = row["review_indicators"]
            named = (
                ", ".join(
                    fw.label(n, lang) if n in fw.node_ids else n for n in str(ids).split(", ")
                )
                if isinstance(ids, str) and ids
                else ""
            )
            first, again, already, again_already = _PLACED[lang]
            previous = row["previous_spell"]
            placed = (
                (already if row["since_at_least"] else first)
                if previous is None
                else (again_already if row["since_at_least"] else again).replace(
                    "{previous}", previous.replace("-", "–")
                )
            )
            template = _IN_PLACE[lang].get(row["review"], "").replace("{placed}", placed)
            said = (
                template.replace("{since}", str(since))
                .replace("{due}", str(due))
                .replace("{indicators}", named)
            )
            return action.title.get(lang), said, said
        own = row["node"]
        further = [n for n in dict.fromkeys(self.rules.rule(r).focus for r in row["rules"])]
        said = " | ".join(
            self.sentence(unit, year, n, lang) for n in [own, *(n for n in further if n != own)]
        )
        return action.title.get(lang), said, self.explanation(row, lang)

    def explanation(self, row: pd.Series, lang: str) -> str:
        unit, year = str(row["unit"]), int(row["year"])

        def value(name: str) -> str:
            plain = {
                "unit": unit,
                "unit_name": str(self.names[unit]),
                "year": str(year),
                "previous_year": self.previous(year),
                "peer_group": str(self.groups[unit]),
                "node": self.fw.label(row["node"], lang),
            }
            if name in plain:
                return plain[name]
            if name in _SUMS:
                return _number(row["score"] + row[_SUMS[name]], lang)
            if name in ("value", "parity_gap"):
                return _number(row[name], lang, _decimals(self.fw, row["node"]))
            return _number(row[name], lang, sign=name in ("change", "trend"))

        return _replaced(getattr(self.rules.rule(row["rule"]).text, lang), value)


# ---- a view of a generated example equals the reference -------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[mi.Results, mi.Recommendations]:
    """The example's register, and one programme that ran 2019-2020 before its listed
    start in 2023 (a sentence that names the spell before)."""
    res = mi.score(mi.example_data())
    register = mi.example_measures().frame
    restarted = pd.DataFrame(
        {"unit": ["08999008"], "measure": ["mit_networks"], "since": [2019], "end": [2020]}
    )
    register = pd.concat([register, restarted], ignore_index=True)
    return res, mi.recommend(res, measures=register)


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_of_a_view_equals_the_one_written_row_by_row(
    example: tuple[mi.Results, mi.Recommendations], lang: str
) -> None:
    res, recs = example
    frame = recs.to_frame(lang)
    core = recs.core.reset_index(drop=True)
    assert set(frame["kind"]) == {"action", "in_place", "note"}
    assert frame["previous_spell"].eq("2019-2020").any()  # the restarted programme
    assert frame["evidence"].str.contains(" | ", regex=False).any()  # further rules' evidence
    reference = _Reference(res, recs)
    expected = [reference.texts(row, core.iloc[k], lang) for k, row in frame.iterrows()]
    for k, column in enumerate(("title", "evidence", "text")):
        assert frame[column].tolist() == [e[k] for e in expected], column


@pytest.fixture(scope="module")
def whole(example: tuple[mi.Results, mi.Recommendations]) -> dict[str, pd.DataFrame]:
    return {lang: example[1].to_frame(lang) for lang in LANGS}


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_views_of_some_units_and_years_equal_the_same_rows_of_the_whole(
    example: tuple[mi.Results, mi.Recommendations], whole: dict[str, pd.DataFrame], seed: int
) -> None:
    res, recs = example
    rng = np.random.default_rng(seed)
    units = rng.choice(np.asarray(res.unit_ids, dtype=object), size=3, replace=False)
    year = int(rng.choice(np.asarray(res.years)))
    for lang in LANGS:
        view = recs.to_frame(lang, year=year)
        mine = whole[lang][whole[lang]["year"] == year].reset_index(drop=True)
        pd.testing.assert_frame_equal(view, mine)
        columns = recs.to_columns(lang, year=year)
        assert list(columns) == list(view.columns)
        for c, column in columns.items():
            taken = pd.Series(_taken(column), dtype=view[c].dtype, name=c)
            pd.testing.assert_series_equal(taken, view[c])
        for unit in units:
            rows = whole[lang][(whole[lang]["unit"] == unit) & (whole[lang]["year"] == year)]
            if len(rows):
                one = recs.for_unit(unit, year=year, lang=lang)
                pd.testing.assert_frame_equal(one, rows.reset_index(drop=True))
    both = recs.to_frame(year=year)
    for lang in LANGS:
        for t in ("title", "evidence", "text"):
            assert both[f"{t}_{lang}"].tolist() == recs.to_frame(lang, year=year)[t].tolist()


# ---- the sentence builders, over any numbers ------------------------------------------------

_NUMBER = st.one_of(
    st.just(math.nan),
    st.sampled_from([0.0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.25, 62.5, 999.96, -1234.5]),
    st.floats(-1e6, 1e6),
    st.just(math.inf),
)
_ROW_KEYS = ("score", "value", "parity_gap", "gap_peer_median", "gap_target", "change", "trend")
_ROW = st.fixed_dictionaries(dict.fromkeys(_ROW_KEYS, _NUMBER))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _ROW,
            st.booleans(),
            st.sampled_from(["", "%", "Stufe", "je 1.000 {x}"]),
            st.integers(0, 2),
        ),
        max_size=12,
    ),
    label=st.sampled_from(["Rat", "100 % & <b>", "{score}"]),
)
def test_evidence_equals_the_sentence_written_part_by_part(
    rows: list[tuple[dict[str, float], bool, str, int]], label: str
) -> None:
    numbers = {m: np.array([r[m] for r, *_ in rows], dtype=float) for m in _ROW_KEYS}
    first = np.array([f for _, f, _, _ in rows], dtype=bool)
    units = np.array([u for _, _, u, _ in rows], dtype=object)
    decimals = np.array([d for *_, d in rows], dtype=int)
    labels = np.array([label] * len(rows), dtype=object)
    years = np.array([2020 + k for k in range(len(rows))])
    for lang in LANGS:
        said = evidence(numbers, labels, units, years, lang, first, decimals)
        assert said.tolist() == [
            _sentence(r, label, u, str(2020 + k), lang, f, d) for k, (r, f, u, d) in enumerate(rows)
        ]


@settings(max_examples=200, deadline=None)
@given(
    # letters only inside known placeholders: any other {name} is an error in both
    template=st.lists(
        st.sampled_from([" ", "1", "%", "%s", "%d", "%(s)s", "{", "}", "{s}", "{x}", "{a_b}"]),
        max_size=12,
    ).map("".join),
    values=st.lists(st.text(alphabet="x%{}s1", max_size=4), min_size=1, max_size=4),
)
def test_fill_replaces_each_placeholder_and_nothing_else(template: str, values: list[str]) -> None:
    column = np.array(values, dtype=object)
    got = fill(template, {"s": column, "x": column[::-1].copy(), "a_b": column}, len(values))
    table = {"s": column, "x": column[::-1], "a_b": column}
    for k in range(len(values)):
        assert got[k] == _replaced(template, lambda name, k=k: table[name][k])
