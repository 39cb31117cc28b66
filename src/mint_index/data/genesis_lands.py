"""GENESIS-Online tables of the Länder: regions named, not keyed.

The Regionaldatenbank keys every region it lists (``08;Baden-Württemberg;...``), but
GENESIS-Online's tables of the Länder (``11111-0001 Gebietsfläche: Bundesländer,
Stichtag``) only name them, down the rows::

    ;Stichtag;Stichtag
    ;31.12.2006;31.12.2007
    Baden-Württemberg;35751,50;35751,40
    Insgesamt;357114,25;357104,07

or, where the table has a further classification, across the columns (``12411-0012
Bevölkerung: Bundesländer, Stichtag, Altersjahre``)::

    ;;Bundesländer;Bundesländer
    ;;Baden-Württemberg;Bayern
    31.12.1967;unter 1 Jahr;152272;172254

A table about one region names it on a title line of its own (``Deutschland`` in
``12411-0005``; ``Köln, krfr. Stadt`` in the Landesdatenbank NRW's tables of one town) and
has no region in its lines at all. A Land, a Regierungsbezirk or Deutschland is keyed by
its name; a Kreis or a Gemeinde by the key the source gives (``unit:``), without which
the table is reported as needing one (:func:`region_missing`).

The Länder are a closed list whose keys are fixed (:func:`~mint_index.data.keys.region_keys`),
so such a table is written as the Regionaldatenbank would write it (a key before each
Land's name; where the Länder head the columns, a line per Land and line of the table)
for the classic reader: by :func:`across` for a header of Länder, which is looked for
before the classic reader reads any line as ``key;name``, and by :func:`keyed` for the
Länder down the rows and one region, when the classic reader found no keyed line.
:meth:`Keyed.restore` gives the classic reader's result back what the rewriting moved:
each cell's line and column in the file as downloaded, and the statistic's name (the
title line above the header, ``Gebietsfläche (qkm)``) for values labelled only by their
date. A row or column that totals Länder (``Insgesamt``, ``Früheres Bundesgebiet``) is
left out with a warning (``total_row``); a name that is no Land's, where the Länder are
listed, is an error (``unknown_unit_name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mint_index.data.cells import FOOTNOTE_MARK, parse_years, year_failures
from mint_index.data.genesis import (
    CLOSING_RULE,
    DATE,
    TIME_HEADS,
    fields_of,
    time_of,
    title_statistic,
)
from mint_index.data.keys import local_region_names, region_keys
from mint_index.data.plain_tables import total_labels
from mint_index.data.problems import failures_frame
from mint_index.data.readers import Table

__all__ = ["Keyed", "across", "keyed", "region_missing"]

#: Rows of several Länder together, as tables list them beside the Länder, in German and
#: as GENESIS-Online's English tables name them (``Former territory of the Federal
#: Republic excl. Berlin``, ``New Länder excl. Berlin``).
_GROUPS = re.compile(
    r"^(?:früheres bundesgebiet|neue länder|alte länder|berlin[- ]?\(?(?:west|ost|east)\b"
    r"|ostdeutschland|westdeutschland|former territory of the federal republic"
    r"|new l(?:ä|ae|a)nder|old l(?:ä|ae|a)nder|(?:eastern|western|east|west) germany\b)",
    re.IGNORECASE,
)
#: How far down a file the Länder are looked for, as the classic reader looks for keys.
_SEARCH_LINES = 500
#: A line's leading fields: a date or a year (``31.12.2023;``) if any, ``k`` fields before
#: the name (a class the table lists first: ``2020;Länder;Bayern;...``), the name, the rest.
_LEADS = [
    re.compile(
        rf'^(?P<date>\s*"?(?:{DATE})"?\s*;)?'
        rf"(?P<pre>(?:[^;]*;){{{k}}})(?P<name>[^;]*)(?P<rest>;.*|$)"
    )
    for k in range(3)
]
_LEAD = _LEADS[0]


#: The key and name the lines of a table of one region are written with for the classic
#: reader (:attr:`Keyed.region` holds the region's own).
_ONE_REGION = "1;1"
#: The rest of a header line of dates: ``;31.12.2022;31.12.2023``, ``;2022;2023``.
_DATES_ONLY = re.compile(rf'(?:;\s*"?(?:{DATE})?"?\s*)*')


@dataclass
class Keyed:
    """A table of named regions (the Länder, Regierungsbezirke, one region) keyed as the
    Regionaldatenbank keys its tables (``raw``, UTF-8), and what :meth:`restore` needs to
    give the classic reader's result the file's lines."""

    raw: bytes
    #: per line of ``raw``: the line of the file it was written from (0-based)
    line_of: np.ndarray
    #: per line of ``raw``: the Land column of the file it holds (a position in
    #: ``columns``; -1 where a line holds a whole line of the file)
    column_of: np.ndarray
    #: the Länder heading the file's columns (empty where they head the rows)
    columns: tuple[str, ...] = ()
    #: the statistic the title names (``Bevölkerungsstand (Anzahl)``)
    statistic: str | None = None
    #: the key and name of the one region a table is about, which :attr:`raw` writes as
    #: :data:`_ONE_REGION` (the key a source gives may be any text, a ``;`` too)
    region: tuple[str, str] | None = None
    #: the regions kept under their names (``key: {match: name}``): the placeholder key
    #: :attr:`raw` writes for each (``N1``) -> the name
    named: dict[str, str] = field(default_factory=dict)
    failures: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[pd.DataFrame] = field(default_factory=list)

    def restore(self, table: Table) -> Table:
        """The classic reader's ``table`` of :attr:`raw` as a table of the file."""
        cells = table.cells
        line, land = self._file_lines(pd.Series(cells["row"].to_numpy(), dtype="Int64"))
        cells["row"] = line.to_numpy(dtype=np.int64)
        if self.columns:
            cells["column"] = pd.Categorical(land.to_numpy(dtype=object))
        table.failures = [self._moved(f) for f in table.failures] + self.failures
        if any((f["code"] == "school_year").any() for f in self.failures):
            # dated by school years, which the source says how to count: not undated
            table.failures = [f[f["code"] != "no_year"] for f in table.failures]
        table.warnings = [self._moved(w) for w in table.warnings] + self.warnings
        self._named(table)
        if self.region is not None:
            key, name = self.region
            cells["unit"] = pd.Categorical(np.full(len(cells), key, dtype=object))
            table.names = pd.Series([name], index=[key], dtype=object)
        if self.named:
            cells["unit"] = cells["unit"].cat.rename_categories(lambda k: self.named.get(str(k), k))
            if table.names is not None:
                table.names.index = [self.named.get(str(k), k) for k in table.names.index]
            table.named_units = frozenset(self.named.values())
        table.key_scheme = "ags"
        return table

    def _file_lines(self, rows: pd.Series) -> tuple[pd.Series, pd.Series]:
        """1-based lines of :attr:`raw` as lines of the file, and the Land column each one
        holds (NaN where it holds a whole line)."""
        at = (rows.fillna(0).to_numpy(dtype=np.int64) - 1).clip(0, len(self.line_of) - 1)
        line = pd.Series(self.line_of[at] + 1, index=rows.index, dtype="Int64")
        column = self.column_of[at]
        names = np.asarray([*self.columns, None], dtype=object)[column]
        return line.where(rows.notna()), pd.Series(names, index=rows.index).where(rows.notna())

    def _moved(self, problems: pd.DataFrame) -> pd.DataFrame:
        """Problems at lines of :attr:`raw` as problems at the file's lines and columns."""
        if not len(problems):
            return problems
        line, land = self._file_lines(problems["row"].astype("Int64"))
        return problems.assign(
            row=line, column=land.where(land.notna(), problems["column"]).astype(object)
        )

    def _named(self, table: Table) -> None:
        """Values labelled only by their date (``Stichtag``, or not at all: ``column 4``)
        are the statistic the title names: their variable is called after it, the old
        labels kept as aliases a mapping may still use. Columns of several dates become
        one variable, unless that would give a unit two values for one year."""
        if not self.statistic:
            return
        cells = table.cells
        old = [str(v) for v in cells["variable"].cat.categories]
        renamed = {v: _with_statistic(v, self.statistic) for v in old}
        if all(v == new for v, new in renamed.items()):
            return
        variable = pd.Categorical(cells["variable"].astype(object).map(renamed))
        if pd.DataFrame({"u": cells["unit"], "y": cells["year"], "v": variable}).duplicated().any():
            return
        cells["variable"] = variable
        table.labels = {
            renamed[v]: _with_statistic(label, self.statistic) for v, label in table.labels.items()
        }
        aliases: dict[str, list[str]] = {}
        for was, now in renamed.items():
            aliases.setdefault(now, []).extend(table.aliases.get(was, []))
            if was != now:
                aliases[now].append(was)
        table.aliases = {v: names for v, names in aliases.items() if names}


def _with_statistic(variable: str, statistic: str) -> str:
    parts = variable.split(" | ")
    return " | ".join(
        statistic if p.casefold() in TIME_HEADS or re.fullmatch(r"column \d+", p) else p
        for p in parts
    )


def across(
    raw: bytes,
    encoding: str,
    source: str,
    school_year: str | None = None,
    single: bool = False,
) -> Keyed | None:
    """The table of ``raw`` keyed where a header row names the Länder over its value
    columns; ``None`` otherwise. Checked before the classic reader: a line of such a
    table (``2022;100;200``) would read as ``[date;]key;name;values``. Only the head of the
    file is looked at, and in it only header rows (lines that start with ``;``). With
    ``single``, one Land over a group of columns will do (``;Bayern;;`` over
    ``;männlich;weiblich;Insgesamt``): looked for only where nothing else reads a table.
    ``school_year``: the year a school year in the lines' first field counts in."""
    end = 0
    for _ in range(_SEARCH_LINES):
        end = raw.find(b"\n", end) + 1
        if not end:
            end = len(raw)
            break
    head = _lines(raw[:end], encoding)
    found = next((h for h, line in enumerate(head) if _laender_header(line, single)), None)
    if found is None:
        return None
    return _in_columns(_lines(raw, encoding), found, source, school_year, single)


def keyed(
    raw: bytes, encoding: str, source: str, unit: str | None = None, named: bool = False
) -> Keyed | None:
    """The table of ``raw`` keyed where it names the Länder down its rows (one of the 16
    at least, not only Deutschland; with ``named``, a Kreis or a Gemeinde will do), or
    where it is about one region: the one its title names, or ``unit`` (the key the
    source gives) where the title names a Kreis or a Gemeinde or no region; ``None``
    otherwise. ``named``: the regions no closed list keys are kept under their names,
    for the units table to key."""
    lines = _lines(raw, encoding)
    return _in_rows(lines, source, named) or _of_one_region(lines, unit)


def region_missing(raw: bytes, encoding: str, source: str) -> pd.DataFrame | None:
    """The problem of a table of one region that :func:`keyed` could not key: its title
    names a Kreis or a Gemeinde (``Köln, krfr. Stadt``), or its lines are dates and
    figures and nothing else (``31.12.2012;4051641;1313410``), and no ``unit`` was
    given. ``None`` for a table of any other shape ("no data rows found" stays)."""
    lines = _lines(raw, encoding)
    shape = _one_region_shape(lines)
    if shape is None:
        return None
    first, titles = shape
    local = titles[local_region_names(titles.to_numpy(dtype=object))]
    dated = time_of(fields_of(lines[first])[0].strip().strip('"')) is not None
    if not len(local) and not dated:
        return None
    named = f" ({local.iloc[-1]})" if len(local) else ""
    return failures_frame(
        source,
        None,
        "unit",
        None,
        f"required column missing: a table of one region{named}, which it names without a "
        "key: give the region's key (unit: in the project file, --unit)",
        code="missing_column",
    )


def _lines(raw: bytes, encoding: str) -> list[str]:
    text = raw.decode(encoding, errors="replace").removeprefix("\ufeff")
    return [line.rstrip("\r") for line in text.split("\n")]


# ---- the Länder down the rows -------------------------------------------------------------


def _in_rows(lines: list[str], source: str, named_units: bool = False) -> Keyed | None:
    """Lines ``[date;]Land;values``, also with classes before the Land
    (``[date;]class;Land;values``, in whichever of the first three fields names the most
    Länder): each becomes ``[date;]key;Land;classes;values``. A line with no name below
    a Land's (a further class of the Land) is the Land's too. With ``named_units``, a
    Kreis or a Gemeinde counts as a Land does, and any name no closed list keys is kept
    under a placeholder key (:attr:`Keyed.named`) instead of being reported."""
    text = pd.Series(lines, dtype=object)
    head = text.iloc[:_SEARCH_LINES]

    def laender(lead: re.Pattern[str]) -> int:
        names = _clean(head.str.extract(lead)["name"])
        found = np.array([k is not None and k != "DG" for k in region_keys(names)], dtype=bool)
        if named_units:
            found |= local_region_names(names.to_numpy(dtype=object))
        return int(found.sum())

    hits = [laender(lead) for lead in _LEADS]
    if not max(hits):
        return None
    parts = _date_to_the_front(text.str.extract(_LEADS[hits.index(max(hits))]))
    names = _clean(parts["name"])
    keys = pd.Series(region_keys(names), dtype=object)
    filled = parts["rest"].fillna("").str.contains(r"[^;\s]", regex=True).to_numpy()
    named = (names != "").to_numpy()
    rest = parts["rest"].fillna("")
    figures = rest.str.contains(r';\s*"?[-+(]?\d', regex=True).to_numpy()
    # a note under the closing rule is no row, whatever region it names; a line with
    # figures there is read (and what does not fit, reported) as anywhere else
    filled = filled & (_above_closing_rule(text, figures) | figures)
    dates = rest.str.fullmatch(_DATES_ONLY).fillna(False).to_numpy(dtype=bool)
    # a line with no name and figures continues the named line above; one with only
    # dates (``;31.12.2022;31.12.2023``) is a header
    below = ~named & filled & figures & ~dates
    row = filled | np.r_[below[1:], False]  # figures on the line or on the lines below
    totals = _totals(names)
    placeholders: dict[str, str] = {}
    if named_units:  # any other region with figures: a unit the units table keys
        others = named & keys.isna().to_numpy() & ~totals & row
        codes, uniques = pd.factorize(names[others])
        placeholders = {f"N{i + 1}": str(name) for i, name in enumerate(uniques)}
        keys[others] = [f"N{c + 1}" for c in codes]
    land = keys.notna().to_numpy() & row
    if not (land & (keys != "DG").to_numpy())[:_SEARCH_LINES].any():
        return None
    at = np.flatnonzero(land)
    first, last = int(at[0]), int(at[-1])
    width = len(fields_of(lines[first]))

    def in_table(i: int) -> bool:
        """A line of the table around the Länder found: the class lines below a Land,
        a total, a line as wide as theirs with figures (whatever name it has)."""
        return (
            below[i] or (totals[i] and row[i]) or (filled[i] and len(fields_of(lines[i])) == width)
        )

    while first > 0 and named[first - 1] and in_table(first - 1):
        first -= 1
    while last + 1 < len(lines) and in_table(last + 1):
        last += 1
    block = slice(first, last + 1)
    is_land = keys.notna().to_numpy()[block]
    # the Land of each line, named in it or in the last line above that names one (a
    # line ``Bayern;;;`` heads the classes below it)
    owner = pd.Series(np.where(is_land, keys.to_numpy()[block], ""), dtype=object)
    owner = owner.where(named[block]).ffill()
    owner_name = pd.Series(names.to_numpy()[block], dtype=object).where(named[block]).ffill()
    read = (owner != "").to_numpy() & filled[block]
    out = np.array(lines, dtype=object)
    pre = parts["pre"][block].fillna("").str[:-1]  # the classes before the Land, if any
    keyed_lines = (
        parts["date"][block].fillna("").to_numpy(dtype=object)
        + owner.to_numpy(dtype=object).astype(str)
        + ";"
        + owner_name.fillna("").to_numpy(dtype=object)
        + np.where(pre != "", ";" + pre, "")
        + parts["rest"][block].fillna("").to_numpy(dtype=object)
    )
    out[block] = np.where(read, keyed_lines, "")  # a blank, a total, no Land's name: not read
    header = _header_rows(lines, first, width, 1)
    out[header] = [";" + _header_line(lines[i], 1) for i in header]
    others = np.flatnonzero(named[block] & ~is_land & row[block]) + first
    found = [(int(i), str(names.iloc[i])) for i in others]
    return Keyed(
        "\n".join(out).encode("utf-8"),
        line_of=np.arange(len(lines)),
        column_of=np.full(len(lines), -1),
        statistic=title_statistic(lines, min(header, default=first)),
        failures=_problems(source, [f for f in found if not totals[f[0]]], "unknown_unit_name"),
        warnings=_problems(source, [f for f in found if totals[f[0]]], "total_row"),
        named=placeholders,
    )


def _above_closing_rule(lines: pd.Series, figures: np.ndarray) -> np.ndarray:
    """Which ``lines`` lie above the closing rule (``__________``) under the first line
    with figures: the lines below it are notes (``"Berlin (1995-2000): bezogen auf ..."``),
    which would otherwise read as a region's row under ``key: {match: name}``."""
    start = int(np.argmax(figures)) if figures.any() else 0
    rules = np.flatnonzero(lines.iloc[start:].str.match(CLOSING_RULE).to_numpy(dtype=bool))
    above = np.ones(len(lines), dtype=bool)
    if len(rules):
        above[start + int(rules[0]) :] = False
    return above


#: A date or year in the field after a Land's name (``Bayern;2022;64601;60814``).
_DATE_AFTER_NAME = re.compile(rf'^;\s*"?((?:{DATE}))"?\s*(;.*|$)')


def _date_to_the_front(parts: pd.DataFrame) -> pd.DataFrame:
    """The leads of lines whose date follows the Land's name (``Bayern;2022;...``, the
    rows ordered Land, then year) as those whose date comes first (``2022;Bayern;...``):
    where every named line with figures has a date right after its name, none has one
    before it, and the header leaves that column blank, as it leaves the names' (a
    column of counts has a head, and rarely a year-like count on every line). Unchanged
    otherwise."""
    rest = parts["rest"].fillna("")
    moved = rest.str.extract(_DATE_AFTER_NAME)
    named = parts["name"].fillna("").str.strip().str.strip('"') != ""
    lines = named & rest.str.contains(r"\d", regex=True)
    heads = ~named & rest.str.contains(r"[^\W\d_]", regex=True)  # a header's labels
    headed = rest[heads].str.extract(r'^;\s*"?([^;"]*)')[0].fillna("").str.strip() != ""
    dated = moved[0].notna()
    if (
        not lines.any()
        or not dated[lines].all()
        or parts["date"][lines].notna().any()
        or headed.any()
    ):
        return parts
    parts = parts.copy()
    parts.loc[dated, "date"] = moved[0][dated] + ";"
    parts.loc[dated, "rest"] = moved[1][dated]
    return parts


# ---- the Länder across the columns ----------------------------------------------------------


def _laender_header(line: str, single: bool = False) -> bool:
    """A header row that names two Länder or more over the value columns, with nothing
    over the id columns (``;;Baden-Württemberg;Bayern``); with ``single``, one Land over
    a group of columns (``;Bayern;;``, ``;Bayern;Bayern;Bayern``), which a row below
    labels."""
    if not line.lstrip(' "').startswith(";"):
        return False
    fields = fields_of(line)
    n_ids = next((j for j, f in enumerate(fields) if f.strip()), len(fields))
    heads = _clean(pd.Series(fields[n_ids:], dtype=object))
    keys = region_keys(heads)
    laender = sum(k is not None and k != "DG" for k in keys)
    if not single:
        return laender > 1
    named = heads[heads != ""]
    return len(heads) > 1 and named.nunique() == 1 and keys[0] is not None


def _land_groups(heads: pd.Series, below: list[list[str]]) -> pd.Series | None:
    """The Land each value column is under where a Land heads a group of columns, its
    name written once over the group (``;Baden-Württemberg;;;Bayern;;``, as GENESIS-Online
    writes ``12411-0013``) or over each column of it, and the rows ``below`` it label the
    columns of each group alike (``;männlich;weiblich;Insgesamt;männlich;...``); ``None``
    where each Land heads one column, or the groups differ."""
    grouped = heads.where(heads != "").ffill().fillna("")
    starts = np.flatnonzero(np.r_[True, grouped.to_numpy()[1:] != grouped.to_numpy()[:-1]])
    sizes = np.diff(np.r_[starts, len(heads)])
    size = int(sizes[0])
    if size < 2 or (sizes != size).any() or not below:
        return None
    labels = np.array([[c.strip() for c in row[: len(heads)]] for row in below], dtype=object)
    if labels.shape[1] != len(heads):
        return None
    per_group = labels.reshape(len(below), len(starts), size)
    if (per_group != per_group[:, :1, :]).any() or not (per_group[:, 0, :] != "").any():
        return None
    return grouped


def _in_columns(
    lines: list[str], h: int, source: str, school_year: str | None = None, single: bool = False
) -> Keyed | None:
    """The Länder named over the value columns by header row ``h`` (``;;Baden-Württemberg;
    Bayern;...``): each line of the table becomes a line per Land,
    ``[date;]key;name;classes;value``, under a header that names the statistic. Where a
    Land heads a group of columns that the rows below it label (``männlich;weiblich;
    Insgesamt``, :func:`_land_groups`), the line per Land holds its group's values, under
    those rows. A line with a label and no figures (``männlich;;;;``) heads the lines
    below it, a class of theirs. ``single``: one Land's group of columns will do."""
    fields = fields_of(lines[h])
    n_ids = next(j for j, f in enumerate(fields) if f.strip())
    heads = _clean(pd.Series(fields[n_ids:], dtype=object))
    width = len(fields)
    rows = [fields_of(line) for line in lines[h + 1 :]]  # quotes never span two lines
    sizes = np.array([len(r) for r in rows])
    filled = np.array([any(f.strip() for f in r[:n_ids]) for r in rows], dtype=bool)
    data = np.flatnonzero((sizes == width) & filled)
    if not len(data):
        return None
    first = h + 1 + int(data[0])
    ends = np.flatnonzero((sizes[data[0] :] != width) & (sizes[data[0] :] > 0))
    stop = h + 1 + int(data[0]) + (int(ends[0]) if len(ends) else len(rows) - int(data[0]))
    data = data[h + 1 + data < stop]  # the table's lines, blank ones left out
    grid = np.array([rows[i] for i in data], dtype=object).reshape(len(data), width)
    header = _header_rows(lines, first, width, n_ids)
    top = min(header, default=first)
    below = [fields_of(lines[i])[n_ids:] for i in sorted(header) if i > h]
    grouped = _land_groups(heads, below)
    if grouped is None and single:
        return None
    size = 1 if grouped is None else int((grouped == grouped.iloc[0]).sum())
    if grouped is None:
        grouped = heads
    dates = [
        cells
        for i, cells in ((i, fields_of(lines[i])[n_ids:]) for i in header)
        if all(time_of(cell) is not None for cell in cells) and (size == 1 or i < h)
    ]
    statistic = title_statistic(lines, top)
    groups = np.arange(0, len(heads), size)  # the first column of each group
    keys = region_keys(grouped.iloc[groups])
    known = np.array([k is not None for k in keys], dtype=bool)
    columns = groups[known]
    read, failures = _line_classes(grid, n_ids, h + 1 + data, source, school_year)
    keep = read.kept
    grid, data = grid[keep], data[keep]
    n, m = len(grid), len(columns)
    written: dict[str, np.ndarray] = {}
    if read.date is not None:  # the date in the line's first field
        written["date"] = np.repeat(read.date, m)
    elif dates:  # the date over the column
        written["date"] = np.tile(np.asarray(dates[-1], dtype=object)[columns], n)
    written["key"] = np.tile(np.asarray(keys, dtype=object)[known], n)
    written["name"] = np.tile(grouped.to_numpy(dtype=object)[columns], n)
    for k in range(read.ids.shape[1]):
        written[f"class {k}"] = np.repeat(read.ids[:, k], m)
    values = grid[:, n_ids:][:, columns[:, None] + np.arange(size)].reshape(n * m, size)
    for j in range(size):
        written[f"value {j}"] = values[:, j]
    body = pd.DataFrame(written).to_csv(sep=";", header=False, index=False, lineterminator="\n")
    head = ["" if top <= i else line for i, line in enumerate(lines[:first])]
    lead = ";" * (len(written) - size)
    if size == 1:
        head[first - 1] = lead + (statistic or "")
    else:  # the rows below the Länder, the statistic above them
        labels = [[c.strip() for c in row[:size]] for row in below]
        for r, row in enumerate(reversed(labels)):
            head[first - 1 - r] = lead + ";".join(row)
        head[first - 1 - len(labels)] = lead + (statistic or "") + ";" * (size - 1)
    tail = lines[stop:]
    text = "\n".join([*head, body.removesuffix("\n"), *tail])
    line_of = np.r_[np.arange(first), np.repeat(h + 1 + data, m), np.arange(stop, len(lines))]
    column_of = np.r_[np.full(first, -1), np.tile(np.arange(m), n), np.full(len(tail), -1)]
    names = grouped.iloc[groups]
    totals = _totals(names)
    # the columns not read: totals, and names no Land has (an empty one only with figures)
    figures = (grid[:, n_ids:] != "").reshape(n, len(groups), size).any(axis=(0, 2))
    unread = np.flatnonzero(~known & ((names != "").to_numpy() | figures))
    others = [(h, str(names.iloc[j]), bool(totals[j])) for j in unread]
    return Keyed(
        text.encode("utf-8"),
        line_of=line_of,
        column_of=column_of,
        columns=tuple(grouped.iloc[columns]),
        statistic=statistic,
        failures=failures
        + _problems(source, [(i, n) for i, n, t in others if not t], "unknown_unit_name"),
        warnings=_problems(source, [(i, n) for i, n, t in others if t], "total_row"),
    )


@dataclass
class _Lines:
    """The lines of a table of the Länder across the columns as :func:`_line_classes`
    reads their first fields."""

    #: which lines are read (not the ones that head others)
    kept: np.ndarray
    #: the date of each line read, where its first field gives one
    date: np.ndarray | None
    #: the classes of each line read: the label of the line that heads it, then its own
    ids: np.ndarray


def _line_classes(
    grid: np.ndarray, n_ids: int, line_numbers: np.ndarray, source: str, school_year: str | None
) -> tuple[_Lines, list[pd.DataFrame]]:
    """The first fields of the lines of a table of the Länder across the columns: a date
    (``31.12.2023``; a school year ``2022/23`` with ``school_year``, as the year it counts
    in), and the classes. A line with a label and no figures (``männlich;;;``) heads the
    lines below it: its label is their first class, and it is not read. School years
    without ``school_year`` are a problem (code ``school_year``), never guessed."""
    cells = np.vectorize(str.strip, otypes=[object])(grid) if grid.size else grid
    empty = (cells[:, n_ids:] == "").all(axis=1) if len(cells) else np.zeros(0, bool)
    heads = empty & np.r_[~empty[1:], False] & ((cells[:, :n_ids] != "").sum(axis=1) == 1)
    label = pd.Series(
        [next((c for c in row if c), "") for row in cells[:, :n_ids]], dtype=object
    ).where(heads)
    kept = ~heads
    ids = grid[kept, :n_ids]
    problems: list[pd.DataFrame] = []
    date = None
    first = pd.Series(cells[kept, 0], dtype=object) if n_ids else pd.Series([], dtype=object)
    if len(first) and time_of(first.iloc[0]) is not None:
        date, ids = ids[:, 0], ids[:, 1:]
    elif len(first) and _school_years(first).all():
        if school_year is not None:
            years, _ = parse_years(first, school_year)
            date, ids = years.astype(str).astype(object), ids[:, 1:]
        else:
            problems.append(year_failures(source, line_numbers[kept] + 1, "date", first))
    if heads.any():
        headed = label.ffill().fillna("").to_numpy(dtype=object)[kept]
        ids = np.column_stack([headed, ids])
    return _Lines(kept, date, ids), problems


def _school_years(cells: pd.Series) -> np.ndarray:
    """Which cells are school or academic years (``2022/23``), which need ``school_year``."""
    return parse_years(cells, "start")[1] < parse_years(cells)[1]


# ---- one region ---------------------------------------------------------------------------


def _of_one_region(lines: list[str], unit: str | None) -> Keyed | None:
    """A table of one region, which its title names on a line of its own (``Deutschland``
    in ``12411-0005 Bevölkerung: Deutschland, Stichtag, Altersjahre``) or ``unit`` gives:
    every line below the header, ``[date;]class;values``, is that region's
    (``[date;]DG;Deutschland;class;values``). ``unit`` wins over a name in the title:
    the source says which region the table is about, where a title line that names a Land
    may name the database's Land."""
    shape = _one_region_shape(lines)
    if shape is None:
        return None
    first, titles = shape
    regions = [(n, k) for n, k in zip(titles, region_keys(titles), strict=True) if k is not None]
    local = titles[local_region_names(titles.to_numpy(dtype=object))]
    if unit is not None:
        name = local.iloc[-1] if len(local) else (regions[0][0] if len(regions) == 1 else unit)
        key = unit.strip()
    elif len(regions) == 1:
        name, key = regions[0]
    else:
        return None
    width = len(fields_of(lines[first]))
    out = np.array(lines, dtype=object)
    stop = first  # the footer starts at a line of another width or at its rule (``___``)
    while stop < len(lines) and (
        not lines[stop].strip()
        or (len(fields_of(lines[stop])) == width and not lines[stop].lstrip('"').startswith("___"))
    ):
        stop += 1
    parts = pd.Series(lines[first:stop], dtype=object).str.extract(_LEAD)
    filled = parts["name"].fillna("").str.strip() != ""
    out[first:stop] = np.where(
        filled,
        parts["date"].fillna("")
        + f"{_ONE_REGION};"
        + parts["name"].fillna("")
        + parts["rest"].fillna(""),
        "",
    )
    header = _header_rows(lines, first, width, 1)
    out[header] = [";;" + _header_line(lines[i], 1) for i in header]
    return Keyed(
        "\n".join(out).encode("utf-8"),
        line_of=np.arange(len(lines)),
        column_of=np.full(len(lines), -1),
        statistic=title_statistic(lines, min(header, default=first), skip={name}),
        region=(key, name),
    )


def _one_region_shape(lines: list[str]) -> tuple[int, pd.Series] | None:
    """The first line of a table of one region's figures (a first field, figures after
    it) and its title lines (a first field and nothing else, cleaned); ``None`` where
    there is no such line, or where the lines name Kreise or Gemeinden (``Kleve,
    Kreis;30831``: several regions, named without keys)."""
    head = [fields_of(line) for line in lines[:_SEARCH_LINES]]
    first = next(
        (i for i, f in enumerate(head) if len(f) > 1 and f[0].strip() and _figures(f[1:])),
        None,
    )
    if first is None:
        return None
    leads = [
        f[1] if time_of(f[0].strip()) is not None else f[0] for f in head[first:] if len(f) > 1
    ]
    if local_region_names(_clean(pd.Series(leads, dtype=object)).to_numpy(dtype=object)).any():
        return None  # its lines name Kreise or Gemeinden: a table of several regions
    titles = _clean(
        pd.Series(
            [f[0] for f in head[:first] if f and not any(x.strip() for x in f[1:])],
            dtype=object,
        )
    )
    return first, titles


def _figures(cells: list[str]) -> bool:
    """Cells with something in them that is no word: figures or the offices' symbols."""
    return any(c.strip() and not c.strip()[0].isalpha() for c in cells)


# ---- shared -------------------------------------------------------------------------------


def _header_rows(lines: list[str], first: int, width: int, n_ids: int) -> list[int]:
    """The header rows right above the first data line (blank lines between them passed
    over): as many fields as the data and nothing in the id columns (``;Stichtag;Stichtag``,
    ``;;Baden-Württemberg;Bayern``) but the head of the rows' dates, which an Excel
    download writes there (``Stichtag;Flächennutzungsarten``; see :func:`_header_line`)."""
    rows: list[int] = []
    for i in range(first - 1, -1, -1):
        if not rows and not lines[i].strip():  # a blank line (a date line was there) above
            continue
        fields = fields_of(lines[i])
        heads = [f.strip().strip('"').strip().casefold() for f in fields[:n_ids]]
        if len(fields) != width or any(h and h not in TIME_HEADS for h in heads):
            break
        rows.append(i)
    return rows


def _header_line(line: str, n_ids: int) -> str:
    """A header row with its ``n_ids`` id fields blank, as the CSV export writes it: the
    Excel download's ``Stichtag;Flächennutzungsarten`` is ``;Flächennutzungsarten``."""
    return ";" * n_ids + line.split(";", n_ids)[n_ids]


def _clean(names: pd.Series) -> pd.Series:
    """Region names as cells write them: quotes, spaces and footnote marks off."""
    text = names.astype(object).where(names.notna(), "").astype(str)
    return text.str.strip().str.strip('"').str.strip().str.replace(FOOTNOTE_MARK, "", regex=True)


def _totals(names: pd.Series) -> np.ndarray:
    """Which names total Länder: ``Insgesamt``, ``Früheres Bundesgebiet``."""
    groups = names.str.strip().str.match(_GROUPS).fillna(False).to_numpy(dtype=bool)
    return (names != "").to_numpy() & (total_labels(names) | groups)


def _problems(source: str, found: list[tuple[int, str]], code: str) -> list[pd.DataFrame]:
    """Names that are no Land's: totals (warnings) or errors, each once, at the first of
    its 0-based lines."""
    first = dict(reversed([(name, row) for row, name in found]))
    if not first:
        return []
    names, rows = zip(*sorted(first.items(), key=lambda item: item[1]), strict=True)
    reason = {
        "total_row": "a total over Länder, not one Land: not read",
        "unknown_unit_name": "not the name of a Land or a Regierungsbezirk: a table that "
        "names its regions without keys is read for those, and Deutschland, only; its "
        "Kreise and Gemeinden are keyed by the units table's names with key: {match: name}",
    }[code]
    return [failures_frame(source, np.asarray(rows) + 1, "Land", list(names), reason, code=code)]
