"""Units named, not keyed: a source whose unit column holds names (``key: {match: name}``).

Town departments keep their figures by the name of a Stadtteil, a Gemeinde or a school
district, without any key; official tables key the same places by AGS. A source that
declares its units by name is joined to the others through the units table: each name is
looked up among the table's ``name`` column and replaced by the key it stands beside.

Names are compared as people write them apart from case, spacing and dash style
(``Altötting``, ``ALTÖTTING``, ``Alt-Ötting `` with a non-breaking space); nothing more is
guessed. A name the units table does not have is reported with the names that come
closest (``Altöting``: did you mean ``Altötting``), a name two units share (two
``Neustadt``) with their keys: in either case the source has to say which unit it means.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.data.readers import failures_frame, first_rows

if TYPE_CHECKING:
    from mint_index.data.readers import Table

__all__ = ["NAMED_FORMATS", "NAMED_LAYOUTS", "comparable_names", "match_unit_names"]

#: The formats and layouts whose unit column a source may declare as names: plain tables.
#: GENESIS exports (a sheet too), flat files and Open SDG files carry official keys, and
#: the fill-in workbook the keys it was made with.
NAMED_FORMATS = frozenset({"csv", "excel", "parquet"})
NAMED_LAYOUTS = frozenset({"long", "wide", "transposed"})
#: Dashes and hyphens people type between the parts of a name, read as ``-``.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad-]+")
#: How many close names a problem suggests for a name the units table lacks.
_SUGGESTIONS = 3


def comparable_names(names: pd.Series | pd.Index | np.ndarray) -> pd.Series:
    """Names as they are compared: Unicode-normalised (NFKC), case-folded, every run of
    spaces (non-breaking ones too) one space, dashes one ``-`` with no space around it."""

    def one(name: object) -> str:
        text = unicodedata.normalize("NFKC", str(name)).casefold()
        text = " ".join(text.split())
        return re.sub(r" ?- ?", "-", _DASHES.sub("-", text))

    values = pd.Series(np.asarray(names, dtype=object), dtype=object)
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, map(one, distinct), strict=True)))


def match_unit_names(table: Table, units: pd.DataFrame | None) -> None:
    """Replace the unit names of ``table`` by the keys the units table gives them.

    Every problem is added to ``table.failures`` at the first row of the name it is
    about: no units table (``no_units_table``), a name it lacks (``unknown_unit_name``),
    a name several of its units share (``ambiguous_unit_name``); the rows of a name
    without its key are left out (they would be reported again as unknown units). The
    names as the source writes them are kept in ``table.names`` for the units table's
    blank names."""
    if table.format not in NAMED_FORMATS or table.layout not in NAMED_LAYOUTS:
        table.failures.append(
            failures_frame(
                table.source,
                None,
                "key",
                "match: name",
                "key match: name applies to plain tables (CSV, workbooks, Parquet), not to "
                f"a {table.format} file, which carries keys of its own",
                code="unsupported_option",
            )
        )
        return
    column = table.cells["unit"]
    given = np.asarray(column.cat.categories, dtype=object)
    if not len(given):
        return
    if units is None or not len(units):
        table.failures.append(
            failures_frame(
                table.source,
                None,
                "unit",
                None,
                "the source names its units (key match: name), so it needs a units table "
                "with their keys and names (units: in the project file)",
                code="no_units_table",
            )
        )
        table.cells = table.cells.iloc[:0]
        return
    known_keys = units.index.astype(str).to_numpy(dtype=object)
    known_names = units["name"].astype(object).where(units["name"].notna(), "").astype(str)
    if (known_names.to_numpy() == known_keys).all():  # load_units' stand-in for no names
        table.failures.append(
            failures_frame(
                table.source,
                None,
                "unit",
                None,
                "the source names its units (key match: name), but the units table has no "
                "name column to find their keys by",
                code="no_units_table",
            )
        )
        table.cells = table.cells.iloc[:0]
        return
    known = comparable_names(known_names)
    keys_of = pd.Series(known_keys, dtype=object).groupby(known.to_numpy()).agg(tuple)
    found = comparable_names(given).map(keys_of)  # per name: the keys it stands beside
    count = found.map(lambda k: len(k) if isinstance(k, tuple) else 0).to_numpy()
    matched = count == 1
    keys = given.copy()
    keys[matched] = [k[0] for k in found[matched]]
    first = first_rows(column.cat.codes.to_numpy(), len(given))
    rows = table.cells["row"].to_numpy()
    ambiguous = np.flatnonzero(count > 1)
    if len(ambiguous):
        table.failures.append(
            failures_frame(
                table.source,
                rows[first[ambiguous]],
                "unit",
                given[ambiguous],
                [
                    f"several units of the units table have this name ({', '.join(found[i])}): "
                    "key this source's rows instead"
                    for i in ambiguous
                ],
                code="ambiguous_unit_name",
            )
        )
    unknown = np.flatnonzero(count == 0)
    if len(unknown):
        table.failures.append(
            failures_frame(
                table.source,
                rows[first[unknown]],
                "unit",
                given[unknown],
                _unknown(given[unknown], dict(zip(known, known_names, strict=True))),
                code="unknown_unit_name",
            )
        )
    # rows of a name that matched no single unit are left out: reported above already,
    # they would only be reported again as units the units table lacks
    codes, uniques = pd.factorize(pd.Series(keys[matched], dtype=object))
    recode = np.full(len(given), -1, dtype=np.int64)
    recode[matched] = codes
    new = recode[column.cat.codes.to_numpy()]
    kept = new >= 0
    cells = table.cells if kept.all() else table.cells[kept].reset_index(drop=True)
    cells["unit"] = pd.Categorical.from_codes(new[kept], pd.Index(uniques, dtype=object))
    table.cells = cells
    names = pd.Series(given[matched], index=pd.Index(keys[matched], dtype=object))
    table.names = names[~names.index.duplicated()]
    table.key_scheme = None  # the units table's keys: recognised again when combined


def _unknown(names: np.ndarray, spelt: dict[str, str]) -> list[str]:
    """The problems of names the units table lacks, each with the closest names it has
    (``spelt``: comparable name -> the units table's spelling)."""
    problems = []
    for name in comparable_names(names):  # loops over the names that failed
        close = difflib.get_close_matches(name, list(spelt), n=_SUGGESTIONS, cutoff=0.75)
        hint = f"; did you mean {', '.join(repr(spelt[c]) for c in close)}?" if close else ""
        problems.append(f"unit name not in the units table{hint}")
    return problems
