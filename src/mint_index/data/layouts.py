"""Layouts beyond the classic GENESIS table: flat files, Open SDG, key + name tables.

Each reader here turns a file's frame into a *long* frame (``unit, year, variable,
value`` plus ``name`` and the disaggregation columns), so filtering, pivoting and the
cell parsing of :func:`~mint_index.data.readers.frame_table` are shared:

- GENESIS flat files (``ffcsv``, the export of the GENESIS web service and pystatis): one
  value per row; the region is the ``N_variable`` whose attribute codes are region keys,
  every other ``N_variable`` a disaggregation (an empty attribute code is the total), the
  variable ``value_variable_label (value_unit)``, the year the ``time`` column. The flat
  files of the service's 2020 interface (``Statistik_Code;...;Zeit;1_Merkmal_Code;...``,
  a column per statistic: ``BEVSTD__Bevoelkerungsstand__Anzahl``), which the
  Regionaldatenbank delivered until 2025, are brought into that shape first
  (:func:`flat_2020_frame`).
- Open SDG tidy CSV: recognised here (:func:`is_opensdg`, :func:`tidy_layout`), read by
  :mod:`mint_index.data.opensdg`.
- Plain tables with a key column and a name column (``AGS`` + ``Gemeinde``, ``GEN``,
  ``Nr`` + ``Name``): found by their usual names or named by the source, else by their
  heads (``gebiet-nr``, ``gebiet-name``: :func:`key_columns`, :func:`find_name_column`)
  and cells (the town's key on every row gives way to the districts':
  :func:`row_key_column`; names right of the key: :func:`name_beside_key`); a text the
  same on every row is a caption, not a figure (:func:`caption_columns`).
- Plain tables with a unit per column and a variable per row (a town yearbook's,
  ``layout: transposed``): :func:`units_as_columns`.

``filter`` keeps rows with the given values of disaggregation columns; ``pivot`` columns
become part of the variable label (``Bevölkerungsstand (Anzahl) | weiblich``). Columns of
a flat file that are neither filtered nor named in ``pivot`` are pivoted, so
every cell keeps a label of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from mint_index.data.cells import SYMBOLS, VALUE_FLAGS, parse_cells
from mint_index.data.keys import comparable_names
from mint_index.data.plain_tables import each_cell, total_labels
from mint_index.data.problems import failures_frame
from mint_index.data.readers import SOURCE_COLUMN

__all__ = [
    "KEY_NAMES",
    "NAME_NAMES",
    "POPULATION_HEAD",
    "YEAR_NAMES",
    "caption_columns",
    "column_not_there",
    "filter_rows",
    "find_column",
    "find_name_column",
    "find_year_column",
    "flat_2020_frame",
    "flat_frame",
    "is_genesis_flat",
    "is_opensdg",
    "key_columns",
    "name_beside_key",
    "name_column_by_cells",
    "pivot_label",
    "row_key_column",
    "row_number_columns",
    "tidy_layout",
    "units_as_columns",
    "variable_code_columns",
    "wide_to_long",
]

#: Column names (any case) taken as the unit key of a wide table, in this order.
KEY_NAMES = (
    "unit",
    "ags",
    "ars",
    "_rs",
    "gkz",
    "raumid",
    "geocode",
    "regionalschlüssel",
    "gemeindeschlüssel",
    "schlüssel",
    "kennziffer",
    "key",
    "code",
    "id",
    "nr",
)
#: Column names (any case) taken as the unit name of a wide table, in this order.
NAME_NAMES = (
    "name",
    "gen",
    "gemeinde",
    "gemeindename",
    "gebietseinheit",
    "gebiet",
    "bezeichnung",
    "kreis",
    "stadtteil",
    "stadtbezirk",
    "bezirk",
)
#: A units table's population column as town departments head it (``Einwohner``,
#: ``Einwohnerzahl``, ``Bevölkerung insgesamt``, ``Einwohner (31.12.2023)``, and
#: ``Bevölkerung | insgesamt`` from a header over two rows): read as ``population``,
#: which peer groups by size are formed from.
POPULATION_HEAD = re.compile(
    r"^(?:population|einwohner(?:zahl)?|bev(?:ö|oe)lkerung(?:sstand)?|ew)"
    r"(?:(?:\s*\|)?\s+insgesamt)?(?:\s*\(.*\))?$",
    re.IGNORECASE,
)
#: Column names (any case) taken as the year of a plain table, in this order (a date
#: such as an election's ``13.09.2020`` gives its year).
YEAR_NAMES = (
    "year",
    "jahr",
    "berichtsjahr",
    "berichtszeitpunkt",
    "stichtag",
    "zeit",
    "datum",
    "date",
    "zeitbezug",  # INKAR's downloads
    "schuljahr",  # school and Kita tables: ``2022/23``, read as ``school_year`` says
    "kitajahr",
    "kindergartenjahr",
)
#: A year column's head with what it dates said after it (``Jahr (31.12.)``, ``Jahr
#: (Stichtag: 01. März)``, ``Stichtag: 31.12.``), as statistical reports head it.
_QUALIFIED_YEAR = re.compile(rf"^(?:{'|'.join(YEAR_NAMES)})\s*[(:]", re.IGNORECASE)
#: A head that names a key in a compound word (``gebiet-nr``, ``Stadtteil-Nr.``,
#: ``Bezirksnummer``, ``Gebietsschlüssel``), as election and yearbook tables head theirs;
#: not a running number (``Lfd. Nr.``, ``laufende Nummer``), which numbers the lines.
_KEY_LIKE = re.compile(
    r"^(?!lfd\b|laufende\b)(?:.*(?:^|[-_ ])(?:nr|id|code)\.?"
    r"|.*(?:nummer|schlüssel|schluessel|kennziffer)\.?)$",
    re.IGNORECASE,
)
#: What a key's head says after the key's name: the kind of key in brackets or as its
#: abbreviation, or its length (``Gemeindeschlüssel (AGS)``, ``Regionalschlüssel ARS``,
#: ``AGS (8-stellig)``); never beginning inside a run of spaces, as :data:`FOOTNOTE_MARK`.
_KEY_QUALIFIER = re.compile(r"(?<!\s)(?:\s+(?:ags|ars|gkz|rs)|\s*\([^()]*\))+$", re.IGNORECASE)
#: A head that names a name in a compound word (``gebiet-name``, ``Stadtteilname``).
_NAME_LIKE = re.compile(r"name$", re.IGNORECASE)
_FLAT_MARKERS = ("value_variable_label", "_variable_attribute_code")
#: The first five columns of a flat file of the 2020 interface, in German or English.
_FLAT_2020_HEAD = (
    ("statistik_code", "statistik_label", "zeit_code", "zeit_label", "zeit"),
    ("statistics_code", "statistics_label", "time_code", "time_label", "time"),
)
#: A dimension's first column in a flat file of the 2020 interface (``1_Merkmal_Code``).
_FLAT_2020_DIMENSION = re.compile(r"^(\d+)_(?:merkmal|variable)_code(?:\.\d+)?$", re.IGNORECASE)
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_REGION_CODE = re.compile(r"^(?:DG|\d{1,12})$")


def is_genesis_flat(header: Sequence[str]) -> bool:
    """A GENESIS flat file: its header names ``value_variable_label`` and attribute codes,
    or (the 2020 interface) starts with ``Statistik_Code;Statistik_Label;Zeit_Code;
    Zeit_Label;Zeit`` (``statistics_code;...;time``) and has a statistic's column
    (``CODE__Label__unit``)."""
    text = " ".join(header)
    if all(marker in text for marker in _FLAT_MARKERS):
        return True
    head = tuple(str(h).strip().lower() for h in header[:5])
    return head in _FLAT_2020_HEAD and any("__" in str(h) for h in header[5:])


def flat_2020_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A flat file of the 2020 interface in the shape of today's (one value per row).

    Its columns are the statistic and the time (five), four per dimension (code, label,
    attribute code, attribute label; the English export names all four
    ``N_variable_code``), then one column per statistic, ``CODE__Label__unit`` with
    ``_`` for spaces (``ERW065__Sozialvers.pflichtig_Beschaeftigte_am_Arbeitsort__Anzahl``)
    and ``CODE__Label__q`` for its quality marks (carried as today's ``value_q``). Each
    statistic's column becomes rows of its own; where a file has several, a cell left
    empty is a combination the table does not have and gives no row. A German date
    (``31.12.2022``) is written as today's (``2022-12-31``). The index keeps each value's
    position among the file's rows. A header of another shape is a ValueError."""
    columns = [str(c).strip() for c in frame.columns]
    statistics = [c for c in columns[5:] if "__" in c and not c.lower().endswith("__q")]
    dimensions = [c for c in columns[5:] if "__" not in c]
    groups = [dimensions[i : i + 4] for i in range(0, len(dimensions), 4)]
    head = tuple(c.lower() for c in columns[:5])
    if (
        head not in _FLAT_2020_HEAD
        or len(dimensions) % 4
        or not all(_FLAT_2020_DIMENSION.match(g[0]) for g in groups)
    ):
        raise ValueError(
            "not a GENESIS flat file: it starts with Statistik_Code ... Zeit (or "
            "value_variable_label and the other columns of today's flat files); after them "
            "come four columns per dimension (N_Merkmal_Code, ...) and one per statistic; "
            "columns are: "
            f"{', '.join(columns)}"
        )
    renamed = dict(zip(frame.columns[:5], _FLAT_2020_HEAD[1], strict=True))
    for n, group in enumerate(groups, 1):
        names = ("code", "label", "attribute_code", "attribute_label")
        renamed.update({c: f"{n}_variable_{part}" for c, part in zip(group, names, strict=True)})
    ids = frame.rename(columns=renamed)[list(renamed.values())]
    time = ids["time"].astype(str).str.strip()
    ids = ids.assign(time=time.str.replace(_GERMAN_DATE, _iso_date, regex=True))
    parts = []
    quality = {c.lower(): c for c in columns[5:] if c.lower().endswith("__q")}
    for column in statistics:  # loop over the file's statistics (a handful)
        code, label, *unit = column.split("__")
        value = frame[column]
        marks = quality.get(f"{code}__{label}__q".lower())
        part = ids.assign(
            value_variable_code=code.strip(),
            value_variable_label=label.replace("_", " ").strip(),
            value_unit=" ".join(unit).replace("_", " ").strip(),
            value=value,
            value_q=frame[marks] if marks is not None else "",
        )
        parts.append(part if len(statistics) == 1 else part[value.astype(str).str.strip() != ""])
    return pd.concat(parts) if parts else ids.assign(value="")


def _iso_date(match: re.Match[str]) -> str:
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def is_opensdg(header: Sequence[str]) -> bool:
    """An Open SDG tidy CSV: ``Year`` and ``Value`` columns (spelled so) and no GENESIS
    flat-file columns."""
    return "Year" in header and "Value" in header and not is_genesis_flat(header)


#: How far into a file its header line is looked for: an Open SDG file with a hundred
#: and more disaggregation columns has a header of several KB, its ``Value`` last.
_HEADER_BYTES = 1 << 20


def tidy_layout(raw: bytes, encoding: str) -> str | None:
    """``genesis-flat`` or ``opensdg`` if the first line of a text file is such a header,
    else ``None`` (checked before the GENESIS test: a flat file's footer-less body may
    still carry a table code)."""
    end = raw.find(b"\n", 0, _HEADER_BYTES)  # the whole header, however many columns
    head = raw[: end if end >= 0 else _HEADER_BYTES]
    first = head.decode(encoding, errors="replace").lstrip("\ufeff").split("\n", 1)[0]
    fields = [f.strip().strip('"') for f in re.split(r"[;,\t]", first.strip())]
    if is_genesis_flat(fields):
        return "genesis-flat"
    return "opensdg" if is_opensdg(fields) else None


def key_columns(columns: Sequence[str]) -> list[str]:
    """The columns headed like a key, best first: the usual names (:data:`KEY_NAMES`, in
    their order), then the same with what the key is said after it (``Gemeindeschlüssel
    (AGS)``, ``Regionalschlüssel ARS``, ``AGS (8-stellig)``), then compound ones
    (``gebiet-nr``, ``Bezirksnummer``)."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    usual = [lower[n] for n in KEY_NAMES if n in lower]
    bare: dict[str, str] = {}
    for column in columns:
        if str(column) not in usual:
            bare.setdefault(_KEY_QUALIFIER.sub("", str(column).strip()).lower(), str(column))
    qualified = [bare[n] for n in KEY_NAMES if n in bare]
    found = usual + qualified
    return found + [str(c) for c in columns if str(c) not in found and _KEY_LIKE.search(str(c))]


def _names_regions(head: str) -> bool:
    """Whether a head whose whole is no name head names the regions all the same: its last
    level under a group head is one (``Sozialraum | Bezeichnung``), or it lists the kinds
    of regions its rows are, one of them a name head (``Kreisfreie Stadt / Kreis /
    Regierungsbezirk / Land``, typed over lines as ``Kreisfreie Stadt Kreis ...``)."""
    if " | " in head:
        return head.rsplit(" | ", 1)[-1].strip().lower() in NAME_NAMES
    words = [w for w in re.split(r"[\s/,]+", head.strip().lower()) if w]
    return len(words) > 1 and all(w in _REGION_WORDS for w in words)


#: Words a head made of the kinds of regions its rows are is written with.
_REGION_WORDS = frozenset(
    {
        "kreisfreie",
        "stadt",
        "städte",
        "kreis",
        "kreise",
        "landkreis",
        "landkreise",
        "regierungsbezirk",
        "regierungsbezirke",
        "land",
        "gemeinde",
        "gemeinden",
        "bezirk",
        "stadtbezirk",
        "stadtteil",
        "ortsteil",
        "und",
        "oder",
    }
)


def find_name_column(columns: Sequence[str], wanted: str | None = None) -> str | None:
    """The name column: ``wanted``, else a usual name (:data:`NAME_NAMES`), else the one
    head that names the regions otherwise (:func:`_names_regions`: ``Sozialraum |
    Bezeichnung`` beside ``Sozialraum | Nr.``, ``Kreisfreie Stadt / Kreis``), else the
    first head that ends in ``name`` (``gebiet-name``,
    ``Stadtteilname``)."""
    found = find_column(columns, wanted, NAME_NAMES)
    if found is not None or wanted is not None:
        return found
    under = [str(c) for c in columns if _names_regions(str(c))]
    if len(under) == 1:
        return under[0]
    return next((str(c) for c in columns if _NAME_LIKE.search(str(c).strip())), None)


def find_column(columns: Sequence[str], wanted: str | None, names: Sequence[str]) -> str | None:
    """The column named ``wanted`` (exact, else any case), else the first of ``names``."""
    lower = {str(c).strip().lower(): str(c) for c in columns}
    if wanted is not None:
        return wanted if wanted in columns else lower.get(wanted.strip().lower())
    return next((lower[n] for n in names if n in lower), None)


def find_year_column(columns: Sequence[str], wanted: str | None) -> str | None:
    """The year column: ``wanted``, else a usual name (:data:`YEAR_NAMES`), else the only
    one written as a database's system column (``_STICHTAG``, as the Zensus 2022 tables
    head it beside ``_RS``), else the only head that is such a name with what it dates
    after it (``Jahr (31.12.)``) or that ends in one as its last level (``Kreisfreie
    Stadt | Jahr``, a merged head above it)."""
    found = find_column(columns, wanted, YEAR_NAMES)
    if found is not None or wanted is not None:
        return found
    # a database's system column (the Zensus 2022 tables' ``_STICHTAG``, beside ``_RS``)
    system = [str(c) for c in columns if str(c).strip().lstrip("_").lower() in YEAR_NAMES]
    if len(system) == 1 and system[0].strip().startswith("_"):
        return system[0]
    last = [str(c) for c in columns if str(c).rsplit(" | ", 1)[-1].strip().lower() in YEAR_NAMES]
    qualified = [str(c) for c in columns if _QUALIFIED_YEAR.match(str(c).strip())]
    candidates = list(dict.fromkeys(last + qualified))
    return candidates[0] if len(candidates) == 1 else None


def flat_frame(
    frame: pd.DataFrame,
) -> tuple[pd.DataFrame, list[str], str | None, str | None]:
    """A GENESIS flat file -> long frame, its disaggregation columns, its statistic's code
    and name. The index of the long frame is each value's position among the file's
    rows."""
    if "value_variable_label" not in frame.columns:
        frame = flat_2020_frame(frame)
    columns = list(frame.columns)
    slots = sorted(
        {int(m.group(1)) for c in columns if (m := re.match(r"^(\d+)_variable_code$", c))}
    )
    region = None
    classes: list[tuple[str, str]] = []  # (column name, label column)
    for n in slots:  # loop over the file's dimensions (a handful)
        codes = frame[f"{n}_variable_attribute_code"].astype(str).str.strip()
        if region is None and codes.str.fullmatch(_REGION_CODE.pattern).all():
            region = n
            continue
        name = str(frame[f"{n}_variable_label"].iloc[0]).strip() if len(frame) else str(n)
        classes.append((name, f"{n}_variable_attribute_label"))
    long = pd.DataFrame(index=frame.index)
    if region is not None:
        long["unit"] = frame[f"{region}_variable_attribute_code"].astype(str).str.strip()
        long["name"] = frame[f"{region}_variable_attribute_label"].astype(str).str.strip()
    long["time"] = frame["time"].astype(str).str.strip()  # for filter: {time: 2023-12-31}
    long["year"] = long["time"].str.extract(r"^(\d{4})", expand=False).fillna(long["time"])
    label = frame["value_variable_label"].astype(str).str.strip()
    if "value_unit" in columns:
        unit = frame["value_unit"].astype(str).str.strip()
        label = label.where(unit == "", label + " (" + unit + ")")
    long["variable"] = label
    long["value"] = _with_quality(frame["value"], frame.get("value_q"))
    for name, label_column in classes:
        long[name] = frame[label_column].astype(str).str.strip().replace("", "Insgesamt")
    code = str(frame["statistics_code"].iloc[0]).strip() if len(frame) else None
    title = str(frame["statistics_label"].iloc[0]).strip() if len(frame) else None
    return long, [name for name, _ in classes], code, title


def _with_quality(value: pd.Series, quality: pd.Series | None) -> pd.Series:
    """A flat file's values with the mark of its quality column (``value_q``) written as a
    classic export writes it, so that one parser reads both alike: a mark letter after
    the figure (``5,7 p``: provisional, revised, estimated, final), a symbol where the
    figure is empty (``.``: unknown or secret). Other marks change nothing."""
    if quality is None:
        return value
    mark = quality.astype(object).where(quality.notna(), "").astype(str).str.strip()
    text = value.astype(object).where(value.notna(), "").astype(str).str.strip()
    letter = mark.str.lower().isin(list(VALUE_FLAGS)) & (text != "")
    symbol = mark.isin(list(SYMBOLS)) & (text == "")
    out = value.astype(object).copy()
    out[letter] = text[letter] + " " + mark[letter].str.lower()
    out[symbol] = mark[symbol]
    return out


def name_column_by_cells(
    frame: pd.DataFrame,
    key: str,
    candidates: list[str],
    respelt: float = 0.0,
    shared: float | None = None,
) -> str | None:
    """The first of ``candidates`` that names the units: each key has one value of it and
    each value one key, but for the share ``respelt`` of keys, whose name a table of
    several years may spell two ways (``Hannover, Region``, ``Region Hannover``), and the
    share ``shared`` (default: ``respelt``) of names beside a second key: a reform gave
    the unit a new key (Göttingen: ``152``, from 2016 ``159``), or the table wrote its
    key two ways over the years (``360/ 354``, ``360/354``); whatever its head. A column
    whose values stand beside many keys holds classes, not names."""
    shared = respelt if shared is None else shared
    n_keys = frame[key].nunique()
    for column in candidates:
        given = frame[[key, column]].dropna()
        names = comparable_names(given[column])  # as people write them: spaces, case aside
        pairs = pd.DataFrame({key: given[key].to_numpy(), column: names.to_numpy()})
        pairs = pairs.drop_duplicates()
        spellings = pairs[key].duplicated().sum()  # keys named twice or more
        renamed = pairs[column].duplicated().sum()  # names beside two keys
        if (
            n_keys
            and pairs[key].nunique() == n_keys
            and spellings <= respelt * n_keys
            and renamed <= shared * n_keys
        ):
            return column
    return None


def row_key_column(
    frame: pd.DataFrame, unit: str | None, year_column: str | None
) -> tuple[pd.DataFrame, str | None]:
    """The column that keys a wide table's rows, where the first one headed like a key
    holds one key on every row: the key of the town a table of its districts is about, as
    an election office's export has ``ags`` beside ``gebiet-nr``. Then the next column
    headed like a key whose cells tell the rows apart keys them, and the town's column is
    left out (it is no figure). A long table, or one whose rows are years of one place
    (a town's time series), keeps its key."""
    columns = [str(c) for c in frame.columns]
    if (
        unit is None
        or unit not in columns
        or len(frame) < 2
        or {"variable", "value"} <= set(columns)
    ):
        return frame, unit

    def one_value(column: str) -> bool:
        cells = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
        filled = cells.str.strip()
        return filled[filled != ""].nunique() <= 1

    year = find_year_column(columns, year_column)
    if not one_value(unit) or (year is not None and not one_value(year)):
        return frame, unit
    other = next((c for c in key_columns(columns) if c != unit and not one_value(c)), None)
    return (frame, unit) if other is None else (frame.drop(columns=unit), other)


def name_beside_key(
    frame: pd.DataFrame, unit: str | None, decimal: str, classes: set[str]
) -> str | None:
    """The column right of the key column (past caption columns of one text), where its
    heads name no name column but its cells are the names (``Schlüsselnummer |
    Kreisfreie Stadt / Landkreis``): in a table of several keyed rows, every filled cell
    text that is no figure or symbol, mostly no total (the Land's own row,
    ``Niedersachsen``, may stand among its Kreise), one per key (a tenth of the keys may
    have a second spelling) and a different one for each (a fifth of the names may stand
    beside a second key: a reform's, or one written two ways). Never a column the source
    filters or pivots (``classes``), which holds classes such as ``Geschlecht``."""
    columns = [str(c) for c in frame.columns]
    if unit is None or unit not in columns or columns.index(unit) + 1 >= len(columns):
        return None
    keyed = frame[frame[unit].notna() & (frame[unit].astype(str).str.strip() != "")]
    # a column of one text on every row between them is a caption (``Anzahl_A``, a
    # Landesamt's helper column), passed over
    right = columns[columns.index(unit) + 1 :]
    beside = next((c for c in right if not _caption(keyed[c], decimal)), right[0])
    cells = keyed[beside]
    if beside in classes or len(keyed) < 2 or pd.api.types.is_numeric_dtype(cells.dtype):
        return None
    text = cells[cells.notna()].astype(str).str.strip()
    text = text[text != ""].reset_index(drop=True)
    totals = total_labels(text)
    if not len(text) or totals.mean() > 0.5 or not parse_cells(text, decimal).bad.all():
        return None
    return name_column_by_cells(keyed, unit, [beside], respelt=0.1, shared=0.2)


def _one_texts(frame: pd.DataFrame) -> list[str | None]:
    """Per column of ``frame``: the one text it holds on every row, if it does (stripped,
    not empty), else None; a caption of the table if it is no figure
    (:func:`caption_columns`). All columns at once: a table may be thousands wide."""
    values = frame.to_numpy(dtype=object)
    if not values.size:
        return [None] * frame.shape[1]
    text = each_cell(values, lambda cells: cells.str.strip())
    numeric = np.array([pd.api.types.is_numeric_dtype(t) for t in frame.dtypes], dtype=bool)
    one = (text == text[0]).all(axis=0) & (text[0] != "") & ~pd.isna(values).any(axis=0)
    return [str(t) if o else None for t, o in zip(text[0], one & ~numeric, strict=True)]


def _caption(cells: pd.Series, decimal: str) -> bool:
    """Whether ``cells`` hold one text, no figure, on every row: a caption of the table."""
    (text,) = _one_texts(cells.to_frame())
    return text is not None and bool(parse_cells(pd.Series([text]), decimal).bad[0])


#: A column that numbers the table's rows (``Lfd. Nr.``, ``laufende Nummer``), no figure.
_ROW_NUMBER_HEAD = re.compile(r"^(?:lfd\.?|laufende)\s*(?:nr\.?|nummer)$", re.IGNORECASE)


def row_number_columns(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide table without a column headed as a running number (``Lfd. Nr.``) whose
    cells count its rows one by one (``1, 2, 3``): it numbers the rows and is no figure
    (it was proposed as a variable). Left out with a warning (code
    ``row_number_column``); a column so headed that does not count up stays."""
    found = []
    for column in (c for c in frame.columns if _ROW_NUMBER_HEAD.match(str(c).strip())):
        numbers = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
        if len(numbers) > 1 and (np.diff(numbers) == 1).all():
            found.append(str(column))
    reason = "a column that numbers the rows (1, 2, 3, ...), not a figure: not read"
    return _left_out(frame, name, found, reason, "row_number_column")


def _left_out(
    frame: pd.DataFrame, name: str, columns: list[str], reason: str, code: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` without ``columns``, and one warning per column saying why (empty where
    there are none)."""
    if not columns:
        return frame, pd.DataFrame()
    warnings = failures_frame(name, None, columns, None, reason, code=code)
    return frame.drop(columns=columns), warnings


def variable_code_columns(
    frame: pd.DataFrame, name: str, pivot: Sequence[str], keep: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table whose rows a ``pivot`` column sorts into variables, without the columns
    that hold one value per variable, the same on every row of it (INKAR's ``ID``, ``011``
    beside ``Indikator``, and ``Kuerzel``): a code or caption of the variable, not a
    figure (``ID | Ausländeranteil`` was read as 11). Each is left out with a warning
    (code ``caption_column``). Only where some variable has several rows: a table of one
    row per variable cannot tell a code from a figure."""
    if not pivot or not all(p in frame.columns for p in pivot) or len(frame) < 2:
        return frame, pd.DataFrame()
    groups = frame.groupby(list(pivot), sort=False, dropna=False)
    if groups.ngroups < 2 or groups.ngroups == len(frame):
        return frame, pd.DataFrame()
    found = [
        str(column)
        for column in frame.columns
        if column not in keep
        and column not in pivot
        and (groups[column].nunique(dropna=False) == 1).all()
    ]
    reason = (
        f"one value per variable of {', '.join(map(str, pivot))}: a code or caption of the "
        "variable, not a figure; not read"
    )
    return _left_out(frame, name, found, reason, "caption_column")


def caption_columns(
    frame: pd.DataFrame, name: str, keep: set[str], decimal: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide table without the columns that hold one text, no figure, on every row (an
    election export's ``wahl: Integrationsratswahl 2020``): captions of the whole table,
    each left out with a warning (code ``caption_column``) where it would otherwise be a
    column of text that stops the read. A table of one row keeps them (one row cannot
    tell a caption from a remark)."""
    if len(frame) < 2:
        return frame, pd.DataFrame()
    looked_at = frame.loc[:, ~frame.columns.isin(list(keep))]
    texts = zip(map(str, looked_at.columns), _one_texts(looked_at), strict=True)
    candidates = {column: text for column, text in texts if text is not None}
    if not candidates:
        return frame, pd.DataFrame()
    # their texts parsed at once: a call per column costs more than the cells
    no_figure = parse_cells(pd.Series(list(candidates.values()), dtype=object), decimal).bad
    captions = {c: t for (c, t), bad in zip(candidates.items(), no_figure, strict=True) if bad}
    if not captions:
        return frame, pd.DataFrame()
    first = int(np.asarray(frame.index)[0])
    warnings = failures_frame(
        name,
        first,
        list(captions),
        list(captions.values()),
        "the same text on every row: a caption of the table, not a figure; not read",
        code="caption_column",
    )
    return frame.drop(columns=list(captions)), warnings


def _half_long(keep: Sequence[str], value_columns: Sequence[str]) -> None:
    """A ValueError for a long table with one of its two columns named otherwise (``unit;
    year;variable;Wert``, ``unit;year;Merkmal;value``), read as a wide one: the names a
    wide table's cells are given (``variable``, ``value``) are taken. Says which column a
    long table needs, rather than pandas' words about melting."""
    if "variable" in keep:
        raise ValueError(
            "a column 'variable' but no column 'value': a long table names the column of "
            f"its figures value (here perhaps {', '.join(map(repr, value_columns))})"
        )
    if "value" in value_columns:
        others = [c for c in keep if c not in ("unit", "year", "name")]
        hint = f" (here perhaps {', '.join(map(repr, others))})" if others else ""
        raise ValueError(
            "a column 'value' but no column 'variable': a long table names the column that "
            f"says each figure's variable variable{hint}"
        )


def wide_to_long(frame: pd.DataFrame, ids: Sequence[str], by: Sequence[str]) -> pd.DataFrame:
    """A wide table with disaggregation columns ``by`` -> long (one row per cell), so the
    disaggregation can become part of the variable label."""
    keep = [c for c in ids if c in frame.columns] + list(by)
    value_columns = [c for c in frame.columns if c not in keep]
    _half_long(keep, value_columns)
    long = frame.melt(id_vars=keep, value_vars=value_columns, var_name="variable")
    long["row"] = np.tile(np.asarray(frame.index), len(value_columns))
    long[SOURCE_COLUMN] = long["variable"]
    return long


def units_as_columns(frame: pd.DataFrame, pivot: Sequence[str], stem: str) -> pd.DataFrame:
    """A table with a unit per column (a town yearbook's ``Merkmal; Innenstadt; Nord;
    Süd``, one row per variable) -> long: ``unit, variable, value`` (and ``year`` where
    the frame has a ``year`` column), with each cell's ``row`` and source column.

    The first column other than ``year`` holds the variables, unless it holds figures (a
    time series ``Jahr; Innenstadt; Nord``): then every column is a unit and the one
    variable is named by the file (``stem``). ``pivot`` columns join the variable label.
    Every other column is a unit, headed by its key (or its name, then read as its key).
    A row with a label but no cell for any unit is a heading: its label goes before the
    labels below it, up to the next heading (``Bevölkerung | Einwohner``)."""
    ids = [c for c in ("year", *pivot) if c in frame.columns]
    rest = [c for c in frame.columns if c not in ids]
    first = rest[0] if rest else None
    text = None
    if first is not None:
        cells = frame[first].astype(object)
        written = cells.where(cells.notna(), "").astype(str).str.strip()
        figures = pd.to_numeric(written.str.replace(",", ".", regex=False), errors="coerce")
        if figures.notna().sum() * 2 < (written != "").sum():  # mostly text: the labels
            text = written
    units = [c for c in rest if text is None or c != first]
    values = frame[units].astype(object)
    empty = values.isna() | values.astype(str).apply(lambda c: c.str.strip()).eq("")
    if text is None:
        label = pd.Series(stem, index=frame.index, dtype=object)
        heading = np.zeros(len(frame), dtype=bool)
    else:
        heading = (empty.all(axis=1) & text.ne("")).to_numpy()
        over = text.where(heading).ffill()  # the heading each row stands under
        label = text.where(over.isna() | heading, over + " | " + text)
    body = frame.loc[~heading, ids + units].assign(variable=label[~heading])
    long = wide_to_long(body.rename(columns={"variable": "_label"}), ["_label", *ids], [])
    long = long.rename(columns={"variable": "unit", "_label": "variable"})
    if pivot:
        long["variable"] = pivot_label(long, [c for c in pivot if c in long.columns])
        long = long.drop(columns=[c for c in pivot if c in long.columns])
    return long


def column_not_there(option: str, columns: Iterable[object]) -> str:
    """Why an option (``filter``, ``pivot``, ``unit_column``, ``name_column``) cannot be
    used: it names a column the source does not have. The source's columns are listed,
    so a typo is plain to see."""
    return (
        f"{option} names a column the source does not have; columns are: "
        f"{', '.join(map(str, columns))}"
    )


def filter_rows(
    frame: pd.DataFrame, filters: Mapping[str, str | list[str]], source: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Rows whose ``filters`` columns hold one of the given values; an unknown column or
    a value the column never holds is a problem (a typo would silently drop everything)."""
    problems: list[pd.DataFrame] = []
    keep = np.ones(len(frame), dtype=bool)
    for column, wanted in filters.items():  # loop over filter entries (a few)
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        if column not in frame.columns:
            problems.append(
                failures_frame(
                    source,
                    None,
                    column,
                    None,
                    column_not_there("filter", frame.columns),
                    code="missing_column",
                )
            )
            continue
        column_cells = frame[column]
        cells = column_cells.astype(object).where(column_cells.notna(), "").astype(str).str.strip()
        present = set(cells.unique())
        held = ", ".join(sorted(v or "(empty)" for v in present))
        for value in values:
            if value not in present:
                problems.append(
                    failures_frame(
                        source,
                        None,
                        column,
                        value,
                        f"filter value not found; the column holds: {held}",
                        code="filter_value_not_found",
                    )
                )
        keep &= cells.isin(values).to_numpy()
    return frame[keep], problems


def pivot_label(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """The variable label with the values of the ``by`` columns appended: ``label | v``
    (an empty value, the total of a flat or Open SDG file, adds nothing; an empty label,
    where the heads were years, is the value alone)."""
    label = frame["variable"].astype(str)
    for column in by:  # loop over pivot columns (a few)
        value = frame[column].astype(str).str.strip()
        joined = (label + " | " + value).where(label != "", value)
        label = label.where(value.isin(["", "nan"]), joined)
    return label
