"""Years in column heads: a table with a year per column, and what each head's variable
and year are.

Town departments and yearbooks lay a time series out across the columns: a bare year
(``2019``, ``31.12.2019``, ``Juni 2019``, a school year ``2019/20``), a year below or above
the variable in a header over two rows (``Einwohner | 2019``, ``2019 | Einwohner``) or
between two levels (``Einwohner | 2019 | Anzahl``), or a year at the end of the head
(``Einwohner 2019``, ``Einwohner (2019)``, ``Einwohner am 31.12.2019``,
``einwohner_2019``). :func:`years_as_columns` reads each head's variable and year;
:func:`trailing_years` is the one rule for where a head's year is. A head that names two
years is a change between them, which mint-index computes itself
(:func:`change_columns`). The plain-table reader (:mod:`mint_index.data.sources`) asks
here before it melts a wide table.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from mint_index.data.cells import holds_text, names_two_years, parse_years
from mint_index.data.plain_tables import is_unit_of_measure
from mint_index.data.problems import failures_frame

__all__ = [
    "bare_year_heads",
    "change_columns",
    "dates_of_one_year_apart",
    "is_measure_head",
    "trailing_years",
    "variable_column",
    "year_level",
    "years_as_columns",
    "years_in_labels",
]


#: Where a year may begin at the end of a column head: after a space or an underscore,
#: or inside parentheses (``Einwohner (2019)``).
_YEAR_CUT = re.compile(r"[\s_]+\(?|\(")


#: Words before a head's year that only say it is a date (``Einwohner am 31.12.2019``,
#: ``Stand: 2019``): left out of the variable.
_DATE_WORDS = frozenset({"am", "zum", "im", "vom", "per", "stand", "stichtag", "jahr", "at", "in"})


#: Words before a head's year that make it part of what is counted, not the date of the
#: count (``Zuzüge seit 2015``, ``Einkommen unter 2000``): such a head has no year.
_NOT_A_DATE = frozenset(
    {"seit", "ab", "bis", "vor", "nach", "unter", "über", "ueber", "since", "from", "until"}
    | {"before", "after", "under", "over", "to"}
)


#: What may stand between a head's variable and its year: dropped from the variable.
_BETWEEN = " ,;:-–_(|/"


#: A unit of measure after a head's year (``Ausländeranteil 2023 in %``, ``Einwohner 2023
#: (Anzahl)``, ``Durchschnittsalter 2023 in Jahren``), as yearbooks head their columns: the
#: year still dates the head, and the unit stays with the variable (``Ausländeranteil
#: in %``).
_MEASURE_AFTER = re.compile(
    r"(?:\s+in|\s*\(\s*(?:in\s+)?|\s*,|\s)\s*"
    r"(?:%|‰|prozent|anzahl|personen|eur|euro|€|tsd\.?(?:\s*(?:eur|euro|€))?"
    r"|mio\.?(?:\s*(?:eur|euro|€))?|km²|km2|qkm|ha|m²|jahren?)\s*\)?$",
    re.IGNORECASE,
)


#: How far from a head's end its year and its unit of measure are looked for: further
#: than any date and unit a head ends in (``Stichtag 31. Dezember 2019``, ``in Tsd.
#: EUR``), and short enough that a head of thousands of characters costs no more than
#: a short one (every place a year may begin is tried).
_TAIL = 64


#: The years a head's trailing number must lie in to be read as its year (a bare year
#: head is a year whatever it says, as a year column's cells are).
_HEAD_YEARS = (1900, 2100)


def trailing_years(levels: list[str], school_year: str) -> list[tuple[str, str] | None]:
    """Each level split into (what precedes its year, the year as written), or None
    where it does not end in a year: the longest ending that reads as a year wins
    (``Juni 2019`` over ``2019``), the whole level being a year (``2019``) first. A unit of
    measure after the year (``Ausländeranteil 2023 in %``, :data:`_MEASURE_AFTER`) stays
    with what precedes it (``Ausländeranteil in %``)."""
    candidates: list[tuple[int, str, str, str]] = []  # (level, before, ending, measure)
    for i, level in enumerate(levels):
        candidates.append((i, "", level.strip(), ""))
        for cut in _YEAR_CUT.finditer(level, max(0, len(level) - _TAIL)):
            ending = level[cut.end() :].strip().rstrip(")").strip()
            candidates.append((i, level[: cut.start()], ending, ""))
    for i, level in enumerate(levels):  # after every plain reading: those come first
        measured = _MEASURE_AFTER.search(level, max(0, len(level) - _TAIL))
        if measured is None:
            continue
        core, measure = level[: measured.start()], level[measured.start() :].strip(" ,")
        for cut in _YEAR_CUT.finditer(core, max(0, len(core) - _TAIL)):
            ending = core[cut.end() :].strip().rstrip(")").strip()
            candidates.append((i, core[: cut.start()], ending, measure))
    years, bad = parse_years(pd.Series([c[2] for c in candidates]), school_year)
    found: list[tuple[str, str] | None] = [None] * len(levels)
    decided = [False] * len(levels)
    for (i, before, ending, measure), year, unread in zip(candidates, years, bad, strict=True):
        if decided[i] or unread:
            continue
        decided[i] = True
        if not before:
            found[i] = ("", ending)
            continue
        words = before.lower().replace("_", " ").split()
        plausible = _HEAD_YEARS[0] <= year <= _HEAD_YEARS[1]
        if plausible and words and words[-1].strip(_BETWEEN) not in _NOT_A_DATE:
            found[i] = (" ".join(filter(None, [_without_date_words(before), measure])), ending)
    return found


def _without_date_words(before: str) -> str:
    """What precedes a head's year, without the words and signs that only lead to it
    (``Einwohner, Stand:`` -> ``Einwohner``)."""
    text = before.strip(_BETWEEN)
    while text:
        head, _, last = text.rpartition(" ")
        if last.lower().strip(_BETWEEN) not in _DATE_WORDS:
            break
        text = head.strip(_BETWEEN)
    return text or before.strip()


def year_level(years: list[tuple[str, str] | None]) -> int | None:
    """Which level of a head dates it, given each level's :func:`trailing_years`: the
    last (``Einwohner | 2019``, ``Einwohner 2019``, ``2019``), else the first (``2019 |
    Einwohner``), else the one level between them that is a bare year (``Ausländer |
    2019 | Anzahl``, a unit of measure below a row of years); ``None`` if none."""
    if years[-1] is not None:
        return len(years) - 1
    if len(years) > 1 and years[0] is not None:
        return 0
    bare = [i for i, split in enumerate(years[1:-1], start=1) if split and not split[0]]
    return bare[0] if len(bare) == 1 else None


def years_as_columns(
    frame: pd.DataFrame, stem: str, school_year: str | None
) -> dict[str, tuple[str, str]]:
    """Column -> (variable, year) for a wide table without a year column whose every
    value column is dated by its head: a bare year (``2019``, ``31.12.2019``, ``Juni
    2019``; a school year ``2019/20``), a year below or above the variable in a header over
    two rows (``Einwohner | 2019``, ``2019 | Einwohner``) or between two levels
    (``Einwohner | 2019 | Anzahl``), or a year at the end of the head (``Einwohner 2019``,
    ``Einwohner (2019)``, ``Einwohner am 31.12.2019``, ``einwohner_2019``): see
    :func:`year_level`. A bare year's variable is named by the file (``stem``), and so is
    one headed only by its unit of measure (``Anzahl`` over ``2019; 2020``: ``stem |
    Anzahl``; named ``Anzahl`` alone, two files' statistics became one series). Heads
    that name two years (a change between them) are left to :func:`change_columns`.
    Empty when the table is not so.

    School years are recognised here whatever ``school_year`` says, so that a table of
    them without the option is reported as such (code ``school_year``, when the year
    cells are read) rather than as a table without a year."""
    if "year" in frame.columns:
        return {}
    heads = [str(c) for c in frame.columns if c not in ("unit", "name")]
    if not heads:
        return {}
    levels = [head.split(" | ") for head in heads]
    changes = names_two_years(pd.Series(heads, dtype=object))
    if changes.all():
        return {}
    heads = [head for head, change in zip(heads, changes, strict=True) if not change]
    levels = [parts for parts, change in zip(levels, changes, strict=True) if not change]
    found = iter(
        trailing_years([part for parts in levels for part in parts], school_year or "start")
    )
    out = {}
    for head, parts in zip(heads, levels, strict=True):
        years = [next(found) for _ in parts]
        at = year_level(years)
        if at is None:
            return {}
        before, year = years[at]  # type: ignore[misc]
        variable = [part for part in [*parts[:at], before, *parts[at + 1 :]] if part]
        if all(is_unit_of_measure(part) for part in variable):  # ``Anzahl`` over the years
            variable = [stem, *variable]
        out[head] = (" | ".join(variable), year)
    return dates_of_one_year_apart(out)


def dates_of_one_year_apart(dated: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Heads that date one variable several times in one year (a quarterly table:
    ``Ausländer am 31.03.2023``, ``... am 30.06.2023``) keep their whole head as the
    variable's name, each its own variable of that year: read as one, they were the same
    cell three times, and a mapping by head matched none. The mapping picks the date."""
    years, _ = parse_years(pd.Series([year for _, year in dated.values()], dtype=object), "start")
    keys = list(zip((variable for variable, _ in dated.values()), years.tolist(), strict=True))
    counts = Counter(keys)
    return {
        head: (head if counts[key] > 1 else variable, year)
        for (head, (variable, year)), key in zip(dated.items(), keys, strict=True)
    }


def change_columns(
    frame: pd.DataFrame, dated: dict[str, tuple[str, str]], name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table with a year per column without its columns of changes between two years
    (``Veränderung aktuelles Jahr (2020) zu 2005``, which :func:`years_as_columns` leaves
    undated), each a warning (code ``change_column``): mint-index computes changes itself,
    from each year's figures."""
    heads = [c for c in frame.columns if c not in ("unit", "name") and c not in dated]
    found = failures_frame(
        name,
        np.full(len(heads), None, dtype=object),
        np.array(heads, dtype=object),
        np.full(len(heads), None, dtype=object),
        "a change between two years, not one year's figure: not read (mint-index computes "
        "changes from each year's figures)",
        code="change_column",
    )
    return frame.drop(columns=heads), found


def bare_year_heads(long: pd.DataFrame, school_year: str | None) -> pd.DataFrame:
    """A melted table whose heads are bare years (``2021``, ``31.12.2021``): each cell's
    year from its head, the variable left to the ``pivot`` columns. Unchanged when a
    head is no year."""
    heads = list(dict.fromkeys(long["variable"].astype(str)))
    dated = trailing_years(heads, school_year or "start")
    if not heads or not all(split is not None and split[0] == "" for split in dated):
        return long
    years = {head: split[1] for head, split in zip(heads, dated, strict=True) if split}
    text = long["variable"].astype(str)
    return long.assign(variable="", year=text.map(years))


#: The head of a column that says what a row's figures are counted in (``Einheit``:
#: ``Anzahl``, ``Prozent``), beside the column naming its variable.
_MEASURE_HEAD = re.compile(
    r"^(?:einheit|ma(?:ß|ss)einheit|units|unit of measure|unit measure)$", re.IGNORECASE
)


def is_measure_head(head: str) -> bool:
    """Whether a column's head says it holds the units of measure of the variables named
    beside it (``Einheit``, ``Maßeinheit``): part of each variable's name."""
    return bool(_MEASURE_HEAD.match(str(head).strip()))


def variable_column(frame: pd.DataFrame, school_year: str | None) -> list[str]:
    """The column that names the variables of a table whose other value columns are
    years (``AGS; Gemeinde; Merkmal; 2021; 2022; 2023``, a statistical yearbook's or a
    town profile's layout), with the column of their units of measure beside it where
    there is one (``Kennziffer; Gebiet; Sachmerkmal; Einheit; 2021``, a city's open data):
    read as ``pivot`` columns. Empty unless exactly one other column besides the key, the
    name, the year heads and those units remains, and they hold text, not figures."""
    if "year" in frame.columns:
        return []
    heads = [str(c) for c in frame.columns if c not in ("unit", "name")]
    dated = trailing_years(heads, school_year or "start")
    other = [head for head, split in zip(heads, dated, strict=True) if split is None]
    measures = [head for head in other if is_measure_head(head)]
    named = [head for head in other if head not in measures]
    bare = all(split[0] == "" for split in dated if split is not None)
    if len(named) != 1 or len(heads) < 2 or not bare:
        return []
    pivot = named + measures
    return pivot if all(holds_text(frame[column]) for column in pivot) else []


def years_in_labels(long: pd.DataFrame, school_year: str | None) -> pd.DataFrame:
    """A table with a unit per column whose every variable label ends in its year
    (``Einwohner 2022``, ``Einwohner 2023``): each label's variable and year, as heads that
    end in a year are read (:func:`trailing_years`). Unchanged when not so."""
    labels = list(dict.fromkeys(long["variable"].astype(str)))
    dated = [split for split in trailing_years(labels, school_year or "start") if split]
    if not labels or len(dated) < len(labels) or not all(before for before, _ in dated):
        return long
    text = long["variable"].astype(str)
    variables = {label: before for label, (before, _) in zip(labels, dated, strict=True)}
    years = {label: year for label, (_, year) in zip(labels, dated, strict=True)}
    return long.assign(variable=text.map(variables), year=text.map(years))
