"""Units named, not keyed: a source whose unit column holds names (``key: {match: name}``).

Town departments keep their figures by the name of a Stadtteil, a Gemeinde or a school
district, without any key; official tables key the same places by AGS. A source that
declares its units by name is joined to the others through the units table: each name is
looked up among the table's ``name`` column and replaced by the key it stands beside.

Names are compared as people write them apart from case, spacing, dash style and the
abbreviation ``krfr.`` (``Altötting``, ``ALTÖTTING``, ``Alt-Ötting `` with a non-breaking
space; ``Köln, krfr. Stadt`` and ``Köln, Kreisfreie Stadt``); nothing more is guessed.
A name the units table does not have is reported with the names that come closest
(``Altöting``: did you mean ``Altötting``), a name two units share (two ``Neustadt``)
with their keys: in either case the source has to say which unit it means.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.data.keys import comparable_names
from mint_index.data.problems import failures_frame, first_rows, other_units_warning

if TYPE_CHECKING:
    from mint_index.data.readers import Table

__all__ = ["NAMED_FORMATS", "NAMED_LAYOUTS", "match_unit_names"]

#: The formats and layouts whose unit column a source may declare as names: plain tables
#: (a DataFrame given to ``load_data`` too).
#: GENESIS exports (a sheet too), flat files and Open SDG files carry official keys, and
#: the fill-in workbook the keys it was made with.
NAMED_FORMATS = frozenset({"csv", "excel", "parquet", "frame"})
NAMED_LAYOUTS = frozenset({"long", "wide", "transposed"})
#: How many close names a problem suggests for a name the units table lacks.
_SUGGESTIONS = 3


def match_unit_names(table: Table, units: pd.DataFrame | None) -> None:
    """Replace the unit names of ``table`` by the keys the units table gives them (only
    its :attr:`~mint_index.data.readers.Table.named_units` where it keys the others).

    Every problem is added to ``table.failures`` at the first row of the name it is
    about: no units table (``no_units_table``), a name it lacks (``unknown_unit_name``;
    in a plain table whose source leaves out other units, ``other_units: leave_out``, one
    warning ``other_units`` instead), a name several of its units share
    (``ambiguous_unit_name``); the rows of a name without its key are left out (they
    would be reported again as unknown units). The names as the source writes them are
    kept in ``table.names`` for the units table's blank names."""
    plain = table.format in NAMED_FORMATS and table.layout in NAMED_LAYOUTS
    if not plain and table.named_units is None:
        table.failures.append(
            failures_frame(
                table.source,
                None,
                "key",
                "match: name",
                "key match: name applies to plain tables (CSV, workbooks, Parquet) and to "
                f"official tables that name their regions, not to this {table.format} file, "
                "which carries keys of its own",
                code="unsupported_option",
            )
        )
        return
    column = table.cells["unit"]
    categories = np.asarray(column.cat.categories, dtype=object)
    keyed = (
        np.zeros(len(categories), dtype=bool)
        if table.named_units is None
        else ~np.isin(categories, list(table.named_units))
    )  # the units the table keys itself (a GENESIS table's Land beside its Kreise)
    given = categories[~keyed]
    if not len(given):
        return
    known_keys = np.array([], dtype=object) if units is None else units.index.astype(str)
    known_names = (
        pd.Series([], dtype=object)
        if units is None
        else units["name"].astype(object).where(units["name"].notna(), "").astype(str)
    )
    if not len(known_keys) or (known_names.to_numpy() == np.asarray(known_keys)).all():
        # no units table, or one without names (load_units puts the key in their place)
        why = "no units table is given" if not len(known_keys) else "the units table has none"
        table.failures.append(
            failures_frame(
                table.source,
                None,
                "unit",
                None,
                f"the source names its units (key match: name), but {why}: give one with "
                "their keys and names (units: in the project file)",
                code="no_units_table",
            )
        )
        table.cells = table.cells.iloc[:0]
        return
    known = comparable_names(known_names)
    keys_of = pd.Series(np.asarray(known_keys), dtype=object).groupby(known.to_numpy()).agg(tuple)
    found = comparable_names(given).map(keys_of)  # per name: the keys it stands beside
    count = found.map(lambda k: len(k) if isinstance(k, tuple) else 0).to_numpy()
    matched = count == 1
    keys = given.copy()
    keys[matched] = [k[0] for k in found[matched]]
    first = first_rows(column.cat.codes.to_numpy(), len(categories))[~keyed]
    rows = table.cells["row"].to_numpy()
    ambiguous = np.flatnonzero(count > 1)
    _report(
        table,
        given[ambiguous],
        rows[first[ambiguous]],
        [
            f"several units of the units table have this name ({', '.join(found[i])}): "
            "key this source's rows instead"
            for i in ambiguous
        ],
        "ambiguous_unit_name",
    )
    unknown = np.flatnonzero(count == 0)
    spelt = dict(zip(known, known_names, strict=True))
    # a plain table of a source that leaves out other units (other_units: leave_out): one
    # warning; an official table's names are its regions, a name unmatched a misspelling
    # to report with the names that come closest
    if plain and table.leaves_out_other_units and len(unknown):
        row = int(rows[first[unknown]].min())
        table.warnings.append(other_units_warning(table.source, row, given[unknown], "name(s)"))
    else:
        _report(
            table,
            given[unknown],
            rows[first[unknown]],
            _unknown(given[unknown], spelt),
            "unknown_unit_name",
        )
    kept = categories[keyed]
    written = np.asarray(
        [table.names.get(k, k) if table.names is not None else k for k in kept], dtype=object
    )
    _rekey(
        table,
        np.r_[given[matched], kept],
        np.r_[keys[matched], kept],
        np.r_[given[matched], written],
    )


def _report(
    table: Table, names: np.ndarray, rows: np.ndarray, reasons: list[str], code: str
) -> None:
    """One problem per name (at its first row), where there are any."""
    if len(names):
        table.failures.append(failures_frame(table.source, rows, "unit", names, reasons, code=code))


def _rekey(table: Table, names: np.ndarray, keys: np.ndarray, written: np.ndarray) -> None:
    """The table's rows of the units ``names`` keyed by ``keys`` (``written``: each one's
    name as the source spells it); the rows of any other name left out (reported
    already, they would only be reported again as units the units table lacks)."""
    column = table.cells["unit"]
    position = {name: i for i, name in enumerate(column.cat.categories)}
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
    recode = np.full(len(column.cat.categories), -1, dtype=np.int64)
    recode[[position[name] for name in names]] = codes
    new = recode[column.cat.codes.to_numpy()]
    kept = new >= 0
    cells = table.cells if kept.all() else table.cells[kept].reset_index(drop=True)
    cells["unit"] = pd.Categorical.from_codes(new[kept], pd.Index(uniques, dtype=object))
    table.cells = cells
    spelt = pd.Series(written, index=pd.Index(keys, dtype=object))
    table.names = spelt[~spelt.index.duplicated()]
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
