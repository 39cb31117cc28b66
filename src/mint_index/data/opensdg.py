"""Open SDG tidy CSV files (and the same tables kept in a workbook sheet).

The data files of an Open SDG platform (the national one, the Länder's and towns') hold
one figure per row: ``Year``, ``Value``, a region (``GeoCode``, ``Gebietseinheit``), and
columns that say what the figure is. They are read as sdg-build, the platform's own
builder, reads them:

- ``Series`` and ``Units`` (or their SDMX names ``SERIES``, ``UNIT_MEASURE``) and ``Unit
  measure`` name the variable; so does ``Unit multiplier`` (``UNIT_MULT``) wherever it is
  not ones (``Tausend``, ``3``), so that figures in thousands and in ones never make one
  series, however many files a project reads them from.
- ``Observation status`` (``OBS_STATUS``) is each figure's flag: ``P`` provisional, ``E``
  estimated (the SDMX codes, or the same in words: ``Vorläufiger Wert``); the library's
  flags (:data:`~mint_index.data.dataset.FLAGS`) are set through a long table's ``flag``
  column. A status it does not know is read without a flag, with a warning.
- ``COMMENT_OBS``, ``COMMENT_TS``, ``DATA_LAST_UPDATE`` and ``SOURCE_DETAIL`` are notes on
  the figures, left out. ``Reporting type`` (national or global definition, ``N``/``G``)
  is a disaggregation where it changes within the file.
- Every other column is a disaggregation: its values join the label (``Anzahl |
  weiblich``); an empty one is the total.

The region: ``GeoCode`` without the platform's letter prefix (``K03101`` -> ``03101``); a
NUTS code of a Land (``DE9``) is the Land's key (``03``), ``DE`` Germany's (``DG``), and a
deeper NUTS code is refused (it is no official key). A row with an empty ``GeoCode``
(the platform's whole reporting area) is keyed by its name where that names a Land, a
Regierungsbezirk or Germany (:func:`~mint_index.data.keys.region_keys`), else, where it
has no name, by the source's ``unit``.

``filter`` and ``pivot`` name the file's own columns (``Year``, ``Units``, ``Series``,
``Observation status``, ``Reporting type`` as well as the disaggregations).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mint_index.data.cells import parse_years
from mint_index.data.keys import LAND_NAMES, OFFICIAL_LENGTHS, region_keys
from mint_index.data.layouts import (
    NAME_NAMES,
    column_not_there,
    filter_rows,
    find_column,
    key_columns,
    name_column_by_cells,
)
from mint_index.data.problems import failures_frame

__all__ = ["OpenSdgLong", "nuts_keys", "observation_flags", "opensdg_frame"]

#: The columns that name the series and its unit of measure, the Open SDG name first and
#: the SDMX one after it (``Series``, ``SERIES``): the first of each group a file has is
#: part of every label, a further one where it changes within the file.
_SERIES = ("Series", "SERIES")
_UNITS = ("Units", "UNIT_MEASURE", "Unit measure")
#: What a figure is counted in (``Tausend``; SDMX: the power of ten, ``3``): part of the
#: label wherever it is not ones.
_MULTIPLIERS = ("Unit multiplier", "UNIT_MULT")
#: A multiplier of ones (SDMX ``0``: ten to the power of nought), compared without case.
_ONES = frozenset({"", "0", "units", "unit", "ones", "one", "einheiten", "einheit", "einer"})
#: The heads of a unit column that names the regions rather than keying them.
_NAME_KEYS = ("gebietseinheit", "region", "gebiet")
#: Each figure's observation status: its flag.
_STATUS = ("Observation status", "OBS_STATUS")
#: National or global definition (``N``, ``G``): a disaggregation where it changes.
_REPORTING = ("Reporting type", "REPORTING_TYPE")
#: Notes on a figure or on the series, left out as sdg-build leaves them out.
_NOTES = ("COMMENT_OBS", "COMMENT_TS", "DATA_LAST_UPDATE", "SOURCE_DETAIL")
#: The heads Open SDG and SDMX each write for one role, read as columns of their own.
_ALIASES = frozenset({*_SERIES, *_UNITS, *_MULTIPLIERS, *_REPORTING})
#: The columns that are no disaggregation.
_NOT_CLASSES = frozenset(
    {"Year", "Value", "GeoCode", *_SERIES, *_UNITS, *_MULTIPLIERS, *_STATUS, *_REPORTING, *_NOTES}
)

#: The SDMX observation status codes (CL_OBS_STATUS) and the flag each sets: normal,
#: provisional, estimated (a forecast and an imputed value are estimates too), low
#: reliability (a value of limited informative value, as GENESIS puts it in brackets).
_STATUS_CODES = {"A": "", "P": "provisional", "E": "estimated", "F": "estimated", "I": "estimated"}
_STATUS_CODES |= {"U": "limited_value"}
_ENDING = r"(?:e|er|es|en)?"
_WHAT = r"(?:\s+(?:wert|werte|ergebnis|ergebnisse|zahl|zahlen|angabe|angaben|value|values))?"
#: The same in words, German or English (compared without case).
_STATUS_WORDS = (
    (re.compile(rf"^(?:normal{_ENDING}{_WHAT}|normalwert|regular{_WHAT})$"), ""),
    (
        re.compile(rf"^(?:vorläufig{_ENDING}|provisional|preliminary){_WHAT}$"),
        "provisional",
    ),
    (
        re.compile(
            rf"^(?:(?:geschätzt|hochgerechnet|imputiert){_ENDING}{_WHAT}|schätz(?:ung|wert|werte)"
            rf"|prognose(?:wert)?|(?:estimated|estimate|forecast|imputed|modelled){_WHAT})$"
        ),
        "estimated",
    ),
    (re.compile(rf"^(?:(?:revidiert|berichtigt){_ENDING}|revised){_WHAT}$"), "revised"),
    (re.compile(rf"^(?:endgültig{_ENDING}|final){_WHAT}$"), "final"),
    (
        re.compile(
            r"^(?:low reliability|eingeschränkte aussagekraft|aussagewert eingeschränkt"
            r"|statistisch unsicher)$"
        ),
        "limited_value",
    ),
)

#: A NUTS code of Germany (the EU's classification of regions): ``DE`` and up to three
#: characters, the first of them the Land's (``DE9`` Niedersachsen, ``DE91``
#: Braunschweig, ``DE911``). No AGS is written so: a platform's letter prefix comes
#: before digits only, and no NUTS Land is ``DE0``.
_NUTS = re.compile(r"^DE(?:[1-9A-G][0-9A-Z]{0,2})?$")
#: The Länder by their NUTS-1 code, as the national platform keys them.
_NUTS_LAENDER = {
    "1": "08",  # Baden-Württemberg
    "2": "09",  # Bayern
    "3": "11",  # Berlin
    "4": "12",  # Brandenburg
    "5": "04",  # Bremen
    "6": "02",  # Hamburg
    "7": "06",  # Hessen
    "8": "13",  # Mecklenburg-Vorpommern
    "9": "03",  # Niedersachsen
    "A": "05",  # Nordrhein-Westfalen
    "B": "07",  # Rheinland-Pfalz
    "C": "10",  # Saarland
    "D": "14",  # Sachsen
    "E": "15",  # Sachsen-Anhalt
    "F": "01",  # Schleswig-Holstein
    "G": "16",  # Thüringen
}
#: A code shaped as a NUTS code of Germany: ``DE`` and one to three letters or digits. One
#: that is none (``DE0``, ``DE01``: no Land's NUTS code begins ``DE0``) is no platform's
#: prefix before a key either, as ``DE01`` would make Schleswig-Holstein's ``01``.
_NUTS_SHAPED = re.compile(r"^DE[0-9A-Z]{1,3}$")
#: The letter prefix a platform writes before an official key (``K03101``, ``L03``,
#: ``G03241001``).
_GEO_PREFIX = re.compile(r"^[A-Za-z]+(?=[0-9])")
#: A Land's key and the Regierungsbezirk digit 0 (``030``): the whole Land, ``03``.
_LAND_WITH_ZERO = re.compile(r"^([0-9]{2})0$")
#: A period of several years in a ``Year`` cell (``2015-2017``, a pooled or moving
#: average), not a change between two years (``2024 / 2005``).
_PERIOD = re.compile(r"^((?:1[89]|2[01])\d\d)\s*(?:-|–|—|bis)\s*((?:1[89]|2[01])\d\d)$")


@dataclass
class OpenSdgLong:
    """An Open SDG file as a long frame (``unit, year, variable, value``, ``name`` and
    ``flag`` where the file has them, and its disaggregation columns, indexed by each
    row's position among the file's rows), with what reading it found."""

    long: pd.DataFrame
    #: the disaggregation columns, whose values join the label unless filtered
    classes: list[str]
    #: the columns ``pivot`` names that are disaggregations (empty: every one)
    pivot: list[str]
    failures: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[pd.DataFrame] = field(default_factory=list)
    #: file line -> what a row without any key is (the whole reporting area), for the
    #: error about it
    keyless: pd.Series | None = None


def opensdg_frame(
    frame: pd.DataFrame,
    source: str,
    *,
    unit_column: str | None = None,
    name_column: str | None = None,
    unit: str | None = None,
    year: int | None = None,
    school_year: str | None = None,
    filters: Mapping[str, str | list[str]] | None = None,
    pivot: Sequence[str] = (),
) -> OpenSdgLong:
    """An Open SDG file's frame (every cell text, the file's own heads) -> long frame.

    ``filter`` keeps rows by the file's own columns (``Year``, ``Units``, ``GeoCode``, a
    disaggregation), before anything else. The unit is ``GeoCode`` (:func:`nuts_keys`),
    else ``Gebietseinheit``, else (where no ``unit`` is given and ``pivot`` does not name
    it) ``Region`` or ``Gebiet``, unless ``unit_column`` names another; a text column
    with one value per unit is its name (or ``name_column``). A file with no such column
    is about one place: ``unit`` is its key. The variable label is ``Series`` and
    ``Units`` (and what the module docs say), else ``Value``. A ``Year`` cell that names
    a period (``2015-2017``) is refused with how to read it; with ``year`` given, a file
    (or what ``filter`` keeps of it) of one period is read as that year's.
    """
    _one_column_each(frame.attrs.get("heads") or [str(c) for c in frame.columns])
    frame, failures = filter_rows(frame, filters or {}, source)
    columns = [str(c) for c in frame.columns]
    if unit_column is not None and unit_column not in columns:
        raise ValueError(column_not_there("unit_column", columns))
    if name_column is not None and name_column not in columns:
        why = column_not_there("name_column", columns)
        failures.append(failures_frame(source, None, name_column, None, why, code="missing_column"))
        name_column = None
    pivoted, bad_pivot = _pivot_columns(columns, pivot, source, unit_column)
    failures += bad_pivot
    # Region and Gebiet are a disaggregation of the one place ``unit`` names (the
    # national platform's Früheres Bundesgebiet, Neue Länder)
    by_name = _NAME_KEYS[:1] if unit is not None else _NAME_KEYS
    key = unit_column or find_column(
        [c for c in columns if c not in pivoted], None, ("geocode", *by_name)
    )
    if (key is None or key not in columns) and (unit is None or unit_column is not None):
        raise ValueError(
            "an Open SDG file without GeoCode or Gebietseinheit column: name the column "
            "that holds the unit (unit_column, --unit-column), or give the key of the one "
            f"place it is about (unit, --unit); columns are: {', '.join(columns)}"
        )
    rest = [c for c in columns if c not in _NOT_CLASSES and c != key]
    # a column without a head names no class (a helper column of a Landesamt's workbook),
    # nor does a second key beside GeoCode (AGS): a duplicate cell says if one did
    rest = [c for c in rest if c.strip() and not c.startswith("Unnamed: ")]
    if key is not None and key in columns:
        rest = [c for c in rest if not _another_key(frame, key, c)]
    rows = np.asarray(frame.index) + 2  # the file's lines: a header line, then the rows
    if key is None or key not in columns:  # about one place: ``unit``
        keys = pd.Series(str(unit).strip(), index=frame.index, dtype=object)
        key = None
    else:
        written = frame[key].astype(str).str.strip()
        keys, deeper = nuts_keys(written)
        keys = keys.str.replace(_GEO_PREFIX, "", regex=True)
        # a Land with its Regierungsbezirk digit 0 (``K030``, as the Kreise of a Land
        # without Regierungsbezirke carry it: 01001) is the Land: no district is numbered 0
        keys = keys.str.replace(_LAND_WITH_ZERO, r"\1", regex=True)
        failures += _deeper_nuts(written, deeper, rows, source, key, columns)
        # ``DE01``: the prefix left ``01`` where no NUTS code was meant either; nor is
        # ``DE0310`` a key behind it, of no official key's length
        upper = written.str.upper()
        digits = keys.str.fullmatch("[0-9]+")
        after_de = upper.str.extract(r"^DE([0-9]+)$")[0].str.len()
        no_key = after_de.notna() & ~after_de.isin(OFFICIAL_LENGTHS)
        false_nuts = (
            ~upper.str.fullmatch(_NUTS) & digits & (upper.str.fullmatch(_NUTS_SHAPED) | no_key)
        ).to_numpy(dtype=bool, na_value=False)
        failures += _false_nuts(written, false_nuts, rows, source, key)
        kept = ~(deeper | false_nuts)
        frame, keys, rows = frame[kept], keys[kept], rows[kept]
    candidates = [c for c in rest if c not in pivoted]
    name = name_column or find_column(candidates, None, NAME_NAMES)
    if name is None and key is not None:
        name = name_column_by_cells(frame, key, candidates)
    long = pd.DataFrame(index=frame.index)
    names = None
    if name is not None:
        names = frame[name].astype(str).str.strip()
        long["name"] = names
        rest = [c for c in rest if c != name]
    keyless = None
    if key is not None and key.strip().lower() not in _NAME_KEYS:  # codes: the empty ones
        keys, keyless = _whole_area(keys, names, unit, rows)
    elif key is not None:  # names: an empty one is the whole area (``unit``)
        fill = str(unit).strip() if unit is not None else names
        keys = keys if fill is None else keys.where(keys != "", fill)
    long["unit"] = keys
    long["year"], period_failures, dated = _years(frame, rows, source, year, school_year)
    failures += period_failures
    long["variable"] = _label(frame, columns)
    long["value"] = frame["Value"]
    status = next((c for c in _STATUS if c in columns), None)
    warnings: list[pd.DataFrame] = []
    if status is not None:
        long["flag"], warnings = observation_flags(frame[status], rows, source, status)
    reporting = [c for c in _REPORTING if c in columns and frame[c].nunique() > 1]
    classes = [*rest, *(c for c in (*reporting, *pivoted) if c not in rest)]
    for column in classes:
        long[column] = frame[column].astype(str).str.strip()
    long = long[dated]
    pivot_given = [c for c in pivoted if c in classes]
    return OpenSdgLong(long, classes, pivot_given, failures, warnings, keyless)


def _pivot_columns(
    columns: list[str], pivot: Sequence[str], source: str, unit_column: str | None
) -> tuple[list[str], list[pd.DataFrame]]:
    """The columns ``pivot`` names that become disaggregations (a status or a reporting
    type too: the file's own columns); those already in every label (``Units``,
    ``Series``) add nothing; the year, the value or a column the file does not have is a
    problem that lists the file's columns."""
    found, problems = [], []
    in_label = {*_SERIES, *_UNITS, *_MULTIPLIERS}
    for column in pivot:  # loop over the pivot columns (a few)
        if column in in_label and column in columns:
            continue
        if column in columns and column not in ("Year", "Value", "GeoCode", unit_column):
            found.append(column)
            continue
        why = (
            "pivot names the file's year, value or unit column, which is no disaggregation; "
            f"columns are: {', '.join(columns)}"
            if column in columns
            else column_not_there("pivot", columns)
        )
        problems.append(
            failures_frame(
                source,
                None,
                column,
                None,
                why,
                code="missing_column" if column not in columns else "unsupported_option",
            )
        )
    return found, problems


def _one_column_each(heads: Sequence[str]) -> None:
    """A ValueError where the file's heads (as written) name a column twice, but for case
    and spaces (``Value`` and ``value``, a second ``GeoCode``), or give two observation
    statuses (``Observation status`` and ``OBS_STATUS``): one would be read, the other
    dropped or turned into a disaggregation, without a word."""
    alike: dict[str, list[str]] = {}
    for head in heads:  # columns without a head (a workbook's helper columns) name nothing
        if key := " ".join(str(head).split()).casefold():
            alike.setdefault(key, []).append(str(head))
    twice = [
        " and ".join(map(repr, written))
        for written in alike.values()
        # ``Series`` beside SDMX's ``SERIES``: two columns the reader tells apart
        if len(written) > 1 and not (set(written) <= _ALIASES and len(set(written)) == len(written))
    ]
    statuses = [h for h in heads if h in _STATUS]
    if len(statuses) > 1:
        twice.append(" and ".join(repr(h) for h in statuses))
    if twice:
        raise ValueError(
            f"the file heads columns alike ({'; '.join(twice)}): which one is meant cannot "
            "be told; keep one of each"
        )


def nuts_keys(codes: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """GeoCodes with the NUTS codes of Germany read as official keys: ``DE`` is Germany
    (``DG``), ``DE1`` ... ``DEG`` the Länder (``DE1`` Baden-Württemberg ``08``, ``DE9``
    Niedersachsen ``03``); any other code as written. Also which codes are NUTS codes of a
    deeper level (``DE91``, ``DE911``), which name no Land and no official key."""
    upper = codes.str.upper()  # ``de9`` as a spreadsheet's lower() left it is ``DE9``
    nuts = upper.str.fullmatch(_NUTS).fillna(False).to_numpy(dtype=bool)
    length = codes.str.len().to_numpy()
    land = nuts & (length == 3)
    out = codes.copy()
    out[nuts & (length == 2)] = "DG"
    out[land] = upper[land].str[2].map(_NUTS_LAENDER)
    return out, nuts & (length > 3)


def _false_nuts(
    written: pd.Series, false: np.ndarray, rows: np.ndarray, source: str, key: str
) -> list[pd.DataFrame]:
    """Codes that look like a NUTS code of Germany and are none: read as a platform's
    prefix before a key, ``DE01`` would be Schleswig-Holstein's ``01``."""
    reason = (
        "written as a NUTS code of Germany (DE and up to three characters) but none: a "
        "Land's NUTS code is DE1 to DEG, and none begins DE0; nor is it an official key "
        "(AGS) of 5 digits or more behind a platform's prefix (K03101, DE03101); write "
        "the Land's NUTS code or the key"
    )
    return _refused_codes(written, false, rows, source, key, reason)


def _deeper_nuts(
    written: pd.Series,
    deeper: np.ndarray,
    rows: np.ndarray,
    source: str,
    key: str,
    columns: list[str],
) -> list[pd.DataFrame]:
    """NUTS codes of a deeper level than a Land's: such a code is no official key, and
    mint-index translates the Länder's only."""
    if not deeper.any():
        return []
    lands = sorted(set(written[~deeper]) & {f"DE{c}" for c in _NUTS_LAENDER})
    keep = f"keep the Länder's rows with filter: {{{key}: [{', '.join(lands)}]}}; " if lands else ""
    names = [c for c in columns if c.strip().lower() in NAME_NAMES]
    by_name = (
        f"or key the rows by their names: unit_column: {names[0]} with key: {{match: name}} "
        "and a units table that has the names; "
        if names
        else ""
    )
    reason = (
        "a NUTS code of a region below a Land (NUTS-2: a Regierungsbezirk, NUTS-3: a "
        "Kreis, by the EU's classification), not an official key (AGS): mint-index "
        f"reads a Land's NUTS code (DE9 is Niedersachsen, 03) but no deeper one; {keep}"
        f"{by_name}or read a file keyed by AGS (GeoCode K03101)"
    )
    return _refused_codes(written, deeper, rows, source, key, reason)


def _refused_codes(
    written: pd.Series, refused: np.ndarray, rows: np.ndarray, source: str, key: str, reason: str
) -> list[pd.DataFrame]:
    """One ``key_not_in_scheme`` problem per refused GeoCode, at its first row."""
    if not refused.any():
        return []
    codes = written[refused]
    first = ~codes.duplicated().to_numpy()
    return [
        failures_frame(
            source,
            rows[refused][first],
            key,
            codes[first].to_numpy(dtype=object),
            reason,
            code="key_not_in_scheme",
        )
    ]


def _whole_area(
    keys: pd.Series, names: pd.Series | None, unit: str | None, rows: np.ndarray
) -> tuple[pd.Series, pd.Series | None]:
    """A GeoCode file's rows with an empty GeoCode (the platform's whole reporting area)
    keyed: by the Land, Regierungsbezirk or Germany their name names (``Niedersachsen``:
    ``03``), else by their name, else (no name either) by ``unit``. Also, for the rows
    left without a key, what they are (for the error about them)."""
    empty = (keys == "").to_numpy(dtype=bool, copy=True)
    if not empty.any():
        return keys, None
    keys = keys.copy()
    if names is not None:
        named = empty & (names != "").to_numpy()
        official = region_keys(names[named])
        known = pd.notna(official)
        at = np.flatnonzero(named)
        keys.iloc[at[known]] = official[known]
        keys.iloc[at[~known]] = names.iloc[at[~known]]
        empty &= ~named
    if unit is not None:
        keys[empty] = str(unit).strip()
        return keys, None
    if not empty.any():
        return keys, None
    what = (
        "the platform's whole reporting area (no GeoCode, no name): give its key with "
        f'unit: (--unit), "DG" for Germany, a Land\'s key ({_land_examples()}) for a '
        "Land's platform"
    )
    return keys, pd.Series(what, index=rows[empty], dtype=object)


def _land_examples() -> str:
    return ", ".join(f'"{k}" {LAND_NAMES[k][0]}' for k in ("03", "05"))


def _years(
    frame: pd.DataFrame,
    rows: np.ndarray,
    source: str,
    year: int | None,
    school_year: str | None,
) -> tuple[pd.Series, list[pd.DataFrame], np.ndarray]:
    """The ``Year`` cells, and the problems of those that name a period of several years
    (``2015-2017``), which are left out (each would be "not a year" again). Where the
    source gives ``year`` and every row names one and the same period, the rows are read
    as of that year. Also which rows are kept."""
    cells = frame["Year"].astype(str).str.strip()
    found = cells.str.extract(_PERIOD)
    period = found[0].notna() & (found[1].astype(float) > found[0].astype(float))
    if period.any():  # a school year (2023-2024) that school_year reads is one year
        _, bad = parse_years(cells[period], school_year)
        period[period] = bad
    kept = np.ones(len(cells), dtype=bool)
    if not period.any():
        return cells, [], kept
    if year is not None and period.all() and cells.nunique() == 1:
        return pd.Series(str(year), index=cells.index, dtype=object), [], kept
    at = period.to_numpy(dtype=bool)
    latest = int(found[1][period].astype(int).to_numpy().argmax())
    first, last = cells[period].iloc[latest], found[1][period].iloc[latest]
    several = cells[period].nunique() > 1
    reason = (
        "a period of several years (a figure for them together, such as an average over "
        "them or their sum), not one year's: mint-index needs the one year each figure "
        f"counts in; read {'one period at a time' if several else 'it'} and give it its "
        f"year: filter: {{Year: {first}}} with year: {last} (--filter 'Year={first}' "
        f"--year {last}, or the year it counts in)"
        + ("; a source entry for each period" if several else "")
    )
    problems = failures_frame(
        source, rows[at], "Year", cells[period].to_numpy(dtype=object), reason, code="not_a_year"
    )
    kept[at] = False
    return cells, [problems], kept


def _label(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Each row's variable label: the series and its unit of measure (the first column
    of each that the file has, a further one where it changes), the multiplier where it
    is not ones; ``Value`` where the file names none of them."""
    parts = []
    for group in (_SERIES, _UNITS):
        present = [c for c in group if c in columns]
        parts += [c for i, c in enumerate(present) if i == 0 or frame[c].nunique() > 1]
    texts = [frame[c].astype(str).str.strip() for c in parts]
    label = texts[0] if texts else pd.Series("Value", index=frame.index, dtype=object)
    for text in texts[1:]:
        label = label + " | " + text
    for column in (c for c in _MULTIPLIERS if c in columns):
        times = frame[column].astype(str).str.strip()
        ones = times.str.casefold().isin(_ONES)
        label = label.where(ones, label + " | " + times)
    return label


def observation_flags(
    status: pd.Series, rows: np.ndarray, source: str, column: str
) -> tuple[pd.Series, list[pd.DataFrame]]:
    """Each row's flag (a name of :data:`~mint_index.data.dataset.FLAGS`, empty for none)
    from its observation status: an SDMX code (``A`` normal, ``P`` provisional, ``E``
    estimated, ``F`` forecast and ``I`` imputed as estimated, ``U`` low reliability as a
    value of limited informative value) or the same in German or English words
    (``Vorläufiger Wert``, ``geschätzt``, ``Estimated value``, ``endgültig``,
    ``revidiert``). A status it does not know (``B``, a break in the series) leaves the
    figure without a flag, with one warning per status (code ``unknown_mark``)."""
    text = status.astype(str).str.strip()
    distinct = pd.unique(text)
    flags = dict(zip(distinct, map(_status_flag, distinct), strict=True))
    unknown = [s for s in distinct if flags[s] is None]
    warnings = []
    if unknown:
        first = [int(np.flatnonzero((text == s).to_numpy())[0]) for s in unknown]
        warnings.append(
            failures_frame(
                source,
                rows[first],
                column,
                np.array(unknown, dtype=object),
                "an observation status mint-index does not know (it knows the SDMX codes A "
                "normal, P provisional, E estimated, F forecast, I imputed, U low "
                "reliability, and the same in German or English words): the figure is "
                "read without a flag",
                code="unknown_mark",
            )
        )
    return text.map(lambda s: flags[s] or ""), warnings


def _status_flag(status: str) -> str | None:
    """The flag name an observation status sets (``""``: none), or ``None`` for a status
    not known."""
    if status in _STATUS_CODES:
        return _STATUS_CODES[status]
    words = " ".join(status.casefold().split())
    if not words:  # the library's own flag names are no status (nothing_there is a zero)
        return words
    return next((flag for pattern, flag in _STATUS_WORDS if pattern.match(words)), None)


def _another_key(frame: pd.DataFrame, key: str, column: str) -> bool:
    """Whether ``column`` keys the units a second way: headed like a key (``AGS`` beside
    an Open SDG file's ``GeoCode``) and one value of it to each ``key`` and back."""
    if not key_columns([column]):
        return False
    pairs = frame[[key, column]].astype(str).drop_duplicates()
    return not (pairs[key].duplicated().any() or pairs[column].duplicated().any())
