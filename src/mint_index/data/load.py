"""``load_data``, ``load_sources``, ``describe_source`` and ``load_units``: files and
DataFrames -> one validated Dataset.

Reading lives in :mod:`~mint_index.data.readers` (formats), :mod:`~mint_index.data.cells`,
:mod:`~mint_index.data.plain_tables`, :mod:`~mint_index.data.genesis` and
:mod:`~mint_index.data.layouts`; one project source
(:class:`~mint_index.data.source.SourceSpec`) is read by :mod:`~mint_index.data.sources`;
checking lives in :mod:`~mint_index.data.validate`. This module picks the reader for each
source, applies the mapping, combines the sources, raises one
:class:`~mint_index.DataValidationError` with every problem, and builds the Dataset (its
cube by :func:`~mint_index.data.dataset.build_cube`, the one cube builder).
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, cast

import numpy as np
import pandas as pd

from mint_index.data.cells import check_school_year, parse_cells
from mint_index.data.controls import units_control_failures
from mint_index.data.dataset import Dataset, build_cube
from mint_index.data.genesis import apply_mapping, load_mapping
from mint_index.data.inputs import InputRefused, expand_data_folders, read_input, sniff_kind
from mint_index.data.kept_tables import kept_table_frame
from mint_index.data.layouts import (
    KEY_NAMES,
    NAME_NAMES,
    POPULATION_HEAD,
    find_column,
    find_year_column,
    key_columns,
)
from mint_index.data.plain_tables import total_rows
from mint_index.data.problems import failures_frame, other_units_warning
from mint_index.data.readers import (
    Table,
    concat_cells,
    frame_sha256,
    frame_table,
    not_in_encoding,
    stripped_heads,
    unit_keys,
    unreadable_csv,
)
from mint_index.data.source import FORMATS as SOURCE_FORMATS
from mint_index.data.source import (
    READING_WARNINGS,
    KeySpec,
    SourceDescription,
    SourceSpec,
    UnitsSpec,
    VariableInfo,
    one_separator,
    text_encoding,
)
from mint_index.data.unit_names import match_unit_names
from mint_index.data.validate import (
    CellIndex,
    cell_index,
    lost_zeros,
    malformed_keys,
    problems_frame,
    validate,
    variable_sources,
)
from mint_index.errors import (
    DataValidationError,
    MintIndexError,
    alike,
    check_argument,
    problem_line,
)
from mint_index.reasons import with_codes

if TYPE_CHECKING:
    from mint_index.framework import Framework

__all__ = ["FORMATS", "describe_source", "load_data", "load_sources", "load_units"]

Source = Union[str, "os.PathLike[str]", pd.DataFrame]
#: What ``format=`` may force: the formats of a project's sources (``auto`` is the default).
FORMATS = tuple(f for f in SOURCE_FORMATS if f != "auto")
#: What ``layout=`` may force: a plain table's layouts (``auto`` is the default).
LAYOUTS = ("long", "wide", "transposed")


#: A units table as ``load_data``, ``load_sources`` and ``load_units`` take it: a file, a
#: DataFrame, or how to read a file (:class:`~mint_index.data.source.UnitsSpec`, or the
#: project file's ``units:`` mapping it is made from).
Units = str | os.PathLike[str] | pd.DataFrame | UnitsSpec | Mapping[str, Any]


#: What one source of :func:`load_data` is.
_ONE_SOURCE = (str, os.PathLike, pd.DataFrame)


def _source(value: object) -> Source:
    """``value`` as a source, or an ArgumentError naming what it is."""
    check_argument(value, _ONE_SOURCE, "each source must be a path or a DataFrame")
    return cast("Source", value)


def _iterable(source: object) -> list[object]:
    """The sources of a list, tuple or other iterable; anything else as one source, of a
    kind :func:`load_data` does not take (an int, None), which it then names."""
    return list(source) if isinstance(source, Iterable) else [source]


def load_data(
    source: Source | Sequence[Source],
    framework: Framework | str | os.PathLike[str] | None = None,
    units: Units | None = None,
    *,
    format: str | None = None,
    layout: str | None = None,
    mapping: str | os.PathLike[str] | Mapping[str, str] | None = None,
    strict: bool = False,
    year: int | Sequence[int | None] | None = None,
    unit: str | Sequence[str | None] | None = None,
    school_year: str | None = None,
    unit_column: str = "unit",
    year_column: str = "year",
    sheet: str | int | list[str | int] | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    expected_warnings: Sequence[str] = (),
    key: KeySpec | Mapping[str, Any] | None = None,
    other_units: str = "auto",
    name_column: str | None = None,
    filter: Mapping[str, str | Sequence[str]] | None = None,
    pivot: Sequence[str] = (),
    min_coverage: float = 0.5,
) -> Dataset:
    """Read one or several sources into one validated :class:`~mint_index.Dataset`.

    ``source``: a path (CSV, GENESIS CSV, .xlsx, Parquet), a DataFrame, or a list of them
    (e.g. one file per year or per table). A folder stands for the data files in it, as on
    the command line (sorted by name, hidden entries left out; a subfolder, an unreadable
    file or a file of another kind in it is a failure, never skipped: see
    :func:`~mint_index.data.inputs.expand_data_folders`; the ``units`` file, when the
    folder holds it, is not read as data); a ``year`` given for the folder applies to each
    of its files. Files are read as a project's sources are
    (:class:`~mint_index.data.source.SourceSpec`): key, name and year columns by their usual
    names (``AGS``, ``Nr``, ``Gemeinde``, ``Jahr``, ...). ``format`` forces the reader
    (``csv``, ``genesis``, ``genesis-flat``, ``opensdg``, ``excel``, ``parquet``,
    ``template``); by default it follows the file's content. ``layout`` forces ``long``
    (``unit, year, variable, value[, flag, missing_reason]``), ``wide`` (one row per unit
    and year, one column per variable) or ``transposed`` (one row per variable, one column
    per unit: a town yearbook's ``Merkmal; Innenstadt; Nord``); by default a table with
    ``variable`` and ``value`` columns is long, any other wide. ``mapping`` (dict or YAML
    file) renames columns to variables and keeps only the mapped ones; without it, a
    file whose table code the ``framework``'s source catalog knows is mapped by the
    catalog, as a project's source without a mapping is. ``year`` gives the
    year of sources without one (one value, or one per source); ``unit`` likewise the unit
    key of sources about one place, without a key column (a department's table of its own
    town). ``school_year`` (``start`` or ``end``) reads years such as ``2023/24`` or ``WS
    2005/06`` as the calendar year they start or end in (without it they are reported).
    ``sheet`` picks an Excel sheet by name or position (default: the first, or, when it
    holds no table, the one sheet that does); a list of sheets, or ``"*"`` for all, reads
    each as a table of its own, a sheet named by a year dating it. ``expected_warnings``
    (codes of :data:`~mint_index.data.source.READING_WARNINGS`, such as ``total_row``) are
    reading warnings known to be harmless, left out of ``Dataset.warnings`` so that
    ``strict`` passes. ``key`` says how unit keys are read, as a project's ``key:`` does
    (:class:`~mint_index.data.source.KeySpec`: ``{"prefix": "03"}`` for keys written
    without their Land's, ``{"pad": 8}``, ``{"pad": "auto"}``, ``{"scheme": "own"}``,
    ``{"match": "name"}`` for units named, whose keys the ``units`` table gives).
    ``other_units``: the rows of units the ``units`` table does not list are left out
    with a warning (``leave_out``) or reported (``error``); by default (``auto``) left out
    of official exports only.
    ``name_column`` names the column of unit names where no usual name says it. ``filter``
    keeps the rows of a file whose columns hold the given values (``{"time":
    "2022-12-31"}``: one reference date of a flat file of quarters; ``{"Regionstyp":
    "Kreise"}``; a list keeps several values), and ``pivot`` names the columns of a long
    file whose values are part of each variable (``["Geschlecht"]``), as a project's
    source says them; a DataFrame's rows are selected with pandas instead.
    ``units`` is a units table (path, DataFrame or how to read it, see :func:`load_units`).

    With a ``framework`` the data are checked against it. Every problem is collected and
    raised once as :class:`~mint_index.DataValidationError` (``.failures``); non-fatal
    findings (low coverage below ``min_coverage``, variables the framework does not use)
    are in ``Dataset.warnings``, or errors with ``strict=True``.
    """
    from mint_index.data.sources import map_table, to_their_year

    if format is not None and format not in FORMATS:
        raise MintIndexError(f"unknown format {format!r}; valid formats: {', '.join(FORMATS)}")
    if layout is not None and layout not in LAYOUTS:
        raise MintIndexError(f"unknown layout {layout!r}; valid layouts: {', '.join(LAYOUTS)}")
    check_school_year(school_year)
    unknown = [code for code in expected_warnings if code not in READING_WARNINGS]
    if unknown:
        raise MintIndexError(
            f"unknown expected_warnings {', '.join(map(repr, unknown))}; valid: "
            f"{', '.join(READING_WARNINGS)}"
        )
    key = _key_spec(key)
    given = [source] if isinstance(source, _ONE_SOURCE) else _iterable(source)
    sources = [_source(item) for item in given]
    if not sources:
        raise MintIndexError("no source given")
    years = list(year) if isinstance(year, Sequence) else [year] * len(sources)
    if len(years) != len(sources):
        raise MintIndexError(f"year= has {len(years)} values for {len(sources)} sources")
    places = [unit] * len(sources) if unit is None or isinstance(unit, str) else list(unit)
    if len(places) != len(sources):
        raise MintIndexError(f"unit= has {len(places)} values for {len(sources)} sources")
    # a folder: its data files, with its year; a units table it also holds is no data
    given_units = [units] if isinstance(units, (str, os.PathLike)) else []
    expanded = expand_data_folders(sources, leave_out=given_units)
    years = [y for files, y in zip(expanded, years, strict=True) for _ in files]
    places = [u for files, u in zip(expanded, places, strict=True) for _ in files]
    sources = [file for files in expanded for file in files]
    if isinstance(framework, (str, os.PathLike)):
        from mint_index.framework import load_framework

        framework = load_framework(framework)

    problems: list[pd.DataFrame] = []
    notes: list[pd.DataFrame] = []
    units_table = None
    if units is not None:
        units_table, unit_problems = _read_units(units)
        problems += unit_problems
    names = _source_names(sources)
    reading: dict[str, Any] = {  # a project source's options (SourceSpec), but the path
        "format": format or "auto",
        "key": key,
        "other_units": other_units,
        "school_year": school_year,
        "unit_column": None if unit_column == "unit" else unit_column,
        "name_column": name_column,
        "year_column": None if year_column == "year" else year_column,
        "layout": layout or "auto",
        "sheet": sheet,
        "encoding": encoding,
        "separator": sep,
        "decimal": decimal,
        "expected_warnings": list(expected_warnings),
        "filter": {c: v if isinstance(v, str) else list(v) for c, v in (filter or {}).items()},
        "pivot": list(pivot),
    }
    tables = [
        table
        for item, name, y, u in zip(sources, names, years, places, strict=True)
        for table in _read(item, name, {**reading, "year": y, "unit": u})
    ]
    if key.match == "name" and not problems:
        for table in tables:  # loops over sources and sheets
            if table.format != "unknown":
                match_unit_names(table, units_table)
    if mapping is None:  # as a project's source without a mapping: the catalog's
        for table in tables:
            if table.format != "unknown":
                map_table(table, None, framework)
    else:
        columns = load_mapping(mapping)
        used: set[str] = set()
        for table in tables:
            used |= apply_mapping(table, columns)[1]
            to_their_year(table, framework)
        unused = [k for k in columns if k not in used]
        if unused:
            notes.append(
                failures_frame(
                    "<mapping>",
                    None,
                    unused,
                    None,
                    "the mapping names a column no source has",
                    code="unknown_label",
                )
            )
    return _finish(tables, framework, units_table, problems, notes, strict, min_coverage)


def load_sources(
    sources: Sequence[SourceSpec],
    framework: Framework | str | os.PathLike[str] | None = None,
    *,
    units: Units | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    strict: bool = False,
    min_coverage: float = 0.5,
    max_bytes: int | None = None,
) -> Dataset:
    """Read the sources of a project (:class:`~mint_index.data.source.SourceSpec`) into
    one validated :class:`~mint_index.Dataset`.

    Relative source paths are resolved against ``base_dir`` (a project file's folder).
    Each file is read as its spec says (format, year, key/name columns, filter, pivot,
    key scheme) and mapped by its ``mapping``, else by the framework's source catalog
    (a file whose table code the catalog knows needs no mapping). Every problem of every
    source is collected: a file that cannot be read (missing, empty, binary, a folder, a
    FIFO, above the size limit ``max_bytes``, see :mod:`mint_index.data.inputs`) is that
    source's failure while the others are still checked; then one
    :class:`~mint_index.DataValidationError` lists them all (``.failures`` with
    ``source, row, column, value, reason, code``).
    """
    from mint_index.data.sources import full_labels, map_table, read_spec

    if isinstance(framework, (str, os.PathLike)):
        from mint_index.framework import load_framework

        framework = load_framework(framework)
    specs = [s if isinstance(s, SourceSpec) else SourceSpec.model_validate(s) for s in sources]
    if not specs:
        raise MintIndexError("no source given")
    problems: list[pd.DataFrame] = []
    units_table = None
    if units is not None:
        units_table, unit_problems = _read_units(units)
        problems += unit_problems
    units_failed = bool(problems)  # names are not looked up in a table reported already
    tables: list[Table] = []
    shared = {path for path, n in Counter(s.path for s in specs).items() if n > 1}
    for position, spec in enumerate(specs, 1):  # loops over sources, not data
        read = read_spec(spec, base_dir=base_dir, max_bytes=max_bytes)
        _name_apart(read, spec, position, shared, {t.source for t in tables})
        readable = [t for t in read if t.format != "unknown"]
        if spec.key.match == "name" and not units_failed:
            for table in readable:  # loops over a source's sheets
                match_unit_names(table, units_table)
        labels = sorted({lab for t in readable for lab in full_labels(t).values()})
        used: set[str] = set()
        for table in readable:
            used |= map_table(table, spec.mapping, framework)[1]
        unused = [k for k in spec.mapping if k not in used]
        if readable and unused:
            problems.append(
                failures_frame(
                    spec.path,
                    None,
                    unused,
                    None,
                    "the mapping names a label the source does not have"
                    + (f"; its labels are: {', '.join(labels[:12])}" if labels else ""),
                    code="unknown_label",
                )
            )
        tables += read
    return _finish(tables, framework, units_table, problems, [], strict, min_coverage)


def describe_source(
    spec: SourceSpec,
    framework: Framework | None = None,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    max_bytes: int | None = None,
) -> SourceDescription:
    """How a source will be read (what ``mint-index inspect`` prints): format, layout,
    encoding, separator, table code, units, years, every variable with its full source
    label, and a proposed mapping.

    The proposed mapping has every label: those the framework's source catalog knows (or
    that equal a variable id) map to framework variables, every other one to an id made
    from it (delete what you do not need). Pasted unchanged as the source's ``mapping``,
    it loads the file. A file that cannot be read raises
    :class:`~mint_index.DataValidationError`.
    """
    from mint_index.data.catalog import map_by_catalog
    from mint_index.data.keys import key_scheme
    from mint_index.data.sources import full_labels, label_ids, read_spec

    tables = read_spec(spec, base_dir=base_dir, max_bytes=max_bytes)
    fatal = [f for t in tables if t.format == "unknown" for f in t.failures]
    if fatal:
        raise DataValidationError(problems_frame(fatal))
    failures = [f for t in tables for f in t.failures]
    problems = problems_frame(failures)
    if _option_refused(problems, spec):  # the entry inspect would paste cannot load
        raise DataValidationError(problems)
    if len(problems) and not any(len(t.cells) for t in tables):
        # nothing would be read: not a description; the warnings may say why (totals only)
        notes = problems_frame([w for t in tables for w in t.warnings])
        raise DataValidationError(problems, notes if len(notes) else None)
    # what reading found: problems (the file's own, then those of its cells: copies of a
    # cell that disagree, malformed keys, as loading it would report them), then notes
    # such as a table's footnotes
    _, _, _, cell_failures, cell_warnings = _validated(tables, None, None, 0.0)
    read_notes = [w for t in tables for w in t.warnings]
    found = with_codes(problems_frame([*failures, cell_failures, *read_notes, cell_warnings]))
    first = tables[0]
    labels: dict[str, str] = {}
    for table in tables:
        labels.update(full_labels(table))
    cells = pd.concat([t.cells[["unit", "year", "variable", "value"]] for t in tables])
    variable = cells["variable"].astype(str)
    has_value = cells["value"].notna()
    counts = has_value.groupby(variable).agg(["sum", "size"])
    filled = counts["sum"].astype(int).to_dict()
    total = counts["size"].astype(int).to_dict()
    proposed = (
        map_by_catalog(first.table, labels.values(), framework, first.title or "")
        if framework is not None
        else {}
    )
    if framework is not None:
        known = set(getattr(framework, "variable_map", {}))
        proposed.update(
            {lab: lab for lab in labels.values() if lab in known and lab not in proposed}
        )
    unknown = [var for var, full in labels.items() if full not in proposed]
    made = dict(zip(unknown, label_ids(unknown, set(proposed.values())), strict=True))
    proposed = {  # every label, in file order: known ones to the framework, others to an id
        full: proposed[full] if full in proposed else made[var] for var, full in labels.items()
    }
    infos = [
        VariableInfo(
            label=full,
            column=full,
            cells=filled.get(var, 0),
            missing=total.get(var, 0) - filled.get(var, 0),
            proposed=proposed.get(full),
        )
        for var, full in labels.items()
    ]
    keys = pd.unique(cells["unit"].astype(str))
    # official keys that lost their zeros in a spreadsheet, seen among the file's keys,
    # where the source says nothing of how to read them: the entry restores them. Keys a
    # workbook stores as numbers (StaLa BW's 8111000) are the evidence themselves
    stored_as_numbers = any((f["code"] == "numeric_keys").any() for f in failures)
    official = np.full(len(keys), _official_keys(first) or stored_as_numbers)
    restore = bool((lost_zeros(pd.Series(keys), (), official) > 0).any())
    said = alike(found.astype(object).where(found.notna(), None).to_dict("records"))
    return SourceDescription(
        path=spec.path,
        format=first.format,
        layout=first.layout,
        encoding=first.encoding,
        separator=first.separator,
        decimal=first.decimal,
        table=first.table,
        title=first.title,
        unit_column=spec.unit_column,
        name_column=spec.name_column,
        key_scheme=first.key_scheme or key_scheme(keys),
        units=len(keys),
        unit_examples=[str(k) for k in keys[:5]],
        years=sorted(int(y) for y in pd.unique(cells["year"])),
        variables=infos,
        proposed_mapping=proposed,
        proposed_key=_proposed_key(spec, tables, restore),
        sheets_read=_sheets_read(spec, tables),
        warnings=[problem_line(r) for r in said],
        warning_codes=[str(r["code"]) for r in said],
    )


def _option_refused(problems: pd.DataFrame, spec: SourceSpec) -> bool:
    """Whether a ``filter``, ``pivot``, ``unit_column`` or ``name_column`` the source
    gives names a column the file does not have, or a value no row holds: a mistake in
    the options, not in the file, which no description of the file can paste around."""
    columns = {c for c in (spec.unit_column, spec.name_column) if c is not None}
    named = {*spec.filter, *spec.pivot, *columns}
    if not len(problems) or not named:
        return False
    problems = with_codes(problems)
    refused = problems["code"].isin(
        ["missing_column", "filter_value_not_found", "unsupported_option"]
    )
    return bool((refused & problems["column"].isin(named)).any())


def _sheets_read(spec: SourceSpec, tables: list[Table]) -> list[str | int] | None:
    """With ``sheet: "*"``, where some sheet fails (a visible helper sheet without keys),
    the sheets that read: named instead of ``*``, the entry loads the file. ``None`` where
    ``*`` reads every sheet it reads without a failure."""
    if spec.sheet != "*" or not any(t.failures for t in tables):
        return None
    return [t.sheet for t in tables if t.sheet is not None and len(t.cells) and not t.failures]


def _proposed_key(spec: SourceSpec, tables: list[Table], restore: bool) -> dict[str, str]:
    """How to read the keys of a source that says nothing of them: give official keys
    their lost zeros back (``restore``), or key the regions an official table names by
    the units table (``match: name``)."""
    if spec.key != KeySpec():
        return {}
    if restore:
        return {"pad": "auto"}
    return {"match": "name"} if any(t.named_units for t in tables) else {}


def _finish(
    tables: list[Table],
    framework: Framework | None,
    units_table: pd.DataFrame | None,
    problems: list[pd.DataFrame],
    notes: list[pd.DataFrame],
    strict: bool,
    min_coverage: float,
) -> Dataset:
    """Combine the tables, validate, raise every problem at once or build the Dataset."""
    from mint_index.data.sources import drop_expected_warnings

    _in_years_of_their_own(tables)
    if units_table is not None:
        for table in tables:  # loops over sources
            _keyed_as_the_units(table, units_table)
            if table.leaves_out_other_units:
                table.warnings += _without_other_units(table, units_table)
                drop_expected_warnings(table, table.expected_warnings)
    for table in tables:
        problems += table.failures
        notes += table.warnings
    cells, index, cube, failures, warnings = _validated(
        tables, framework, units_table, min_coverage
    )
    warnings = problems_frame([*notes, warnings])
    failures = problems_frame([*problems, failures, *([warnings] if strict else [])])
    if len(failures):
        raise DataValidationError(failures, None if strict else warnings)
    return _dataset(cube, index, tables, units_table, warnings, variable_sources(cells))


def _in_years_of_their_own(tables: list[Table]) -> None:
    """Leave out values moved a year on (:func:`~mint_index.data.sources.to_their_year`)
    that land in a year no other value of the data has: the foreigners at 31.12.2023 are
    those at the start of 2024, a year the data do not cover (it would be scored with
    nothing else in it)."""
    if not any(t.moved for t in tables):
        return
    years: set[int] = set()
    for table in tables:  # loops over sources
        own = ~table.cells["variable"].isin(sorted(table.moved)).to_numpy()
        years.update(np.unique(table.cells["year"].to_numpy()[own]).tolist())
    if not years:  # nothing but moved values: each year they have is their own
        return
    for table in tables:
        moved = table.cells["variable"].isin(sorted(table.moved)).to_numpy()
        alone = moved & ~np.isin(table.cells["year"].to_numpy(), sorted(years))
        if alone.any():
            table.cells = table.cells[~alone].reset_index(drop=True)


def _validated(
    tables: list[Table],
    framework: Framework | None,
    units_table: pd.DataFrame | None,
    min_coverage: float,
) -> tuple[
    pd.DataFrame, CellIndex, tuple[np.ndarray, np.ndarray, np.ndarray], pd.DataFrame, pd.DataFrame
]:
    """The tables' cells combined, their index and cube, and what :func:`validate` finds
    in them (failures, rows without a key showing the region they name; warnings)."""
    from mint_index.data.keys import key_scheme

    for table in tables:  # loops over sources
        if table.key_scheme is None:
            table.key_scheme = key_scheme(table.cells["unit"].cat.categories)
    own = {t.source for t in tables if t.key_scheme == "own"}
    official = {t.source for t in tables if _official_keys(t)}
    cells = _combine(tables)
    index = cell_index(cells)
    cube = build_cube(
        index.shape,
        index.flat,
        cells["value"].to_numpy(np.float64),
        cells["missing_reason"].cat.codes.to_numpy().astype(np.int8),
        cells["flag"].cat.codes.to_numpy(),
    )
    failures, warnings = validate(
        cells,
        index,
        cube[0],
        framework,
        units_table,
        min_coverage,
        own_keys=own,
        official_keys=official,
    )
    return cells, index, cube, _keyless_named(failures, tables), warnings


def _official_keys(table: Table) -> bool:
    """Whether a table's keys were written by a GENESIS database, which writes every
    official key with its leading zeros (a classic export, also saved as a workbook, or
    a flat file): a key one digit short of an official length lost its zero on the way."""
    return table.layout == "genesis" or table.format == "genesis-flat"


def _keyless_named(failures: pd.DataFrame, tables: list[Table]) -> pd.DataFrame:
    """The problems about rows without a key, each showing the region the row names
    (``Ostniedersachsen``), where its table has a name column."""
    keyless = np.zeros(len(failures), dtype=bool)
    if len(failures):
        keyless = (failures["code"] == "empty_key").to_numpy(dtype=bool)
    named = [
        pd.DataFrame({"source": t.source, "row": t.keyless_names.index, "name": t.keyless_names})
        for t in tables
        if t.keyless_names is not None
    ]
    if not keyless.any() or not named:
        return failures
    names = pd.concat(named).drop_duplicates(["source", "row"]).set_index(["source", "row"])
    at = pd.MultiIndex.from_arrays([failures["source"], failures["row"]])
    found = names["name"].reindex(at).to_numpy(dtype=object)
    fill = keyless & pd.notna(found)
    out = failures.copy()
    out.loc[fill, "value"] = found[fill]
    return out


def _keyed_as_the_units(table: Table, units: pd.DataFrame) -> None:
    """``table``'s Gemeinden keyed as the units table keys them, where one writes the AGS
    and the other the ARS (:func:`~mint_index.data.keys.in_units_scheme`): a GENESIS
    Gemeinde table's ``09162000`` is a units table's ``091620000000``."""
    from mint_index.data.keys import in_units_scheme

    column = table.cells["unit"]
    categories = np.asarray(column.cat.categories, dtype=object)
    keyed = in_units_scheme(categories, units.index)
    moved = keyed != categories
    # two keys of one Gemeinde in one table (its AGS and its ARS): left as written, for
    # validation to report
    if not moved.any() or len(set(keyed)) < len(keyed):
        return
    table.cells["unit"] = column.cat.rename_categories(list(keyed))
    if table.names is not None:
        renamed = dict(zip(categories[moved], keyed[moved], strict=True))
        table.names.index = [renamed.get(str(k), k) for k in table.names.index]


def _without_other_units(table: Table, units: pd.DataFrame) -> list[pd.DataFrame]:
    """``table`` without the rows of units the units table does not list, and the one
    warning that says which (code ``other_units``), where there were any."""
    column = table.cells["unit"]
    categories = np.asarray(column.cat.categories, dtype=object)
    codes = column.cat.codes.to_numpy()
    known = units.index.astype(str)
    listed = np.isin(categories, known)
    # a key that lost its leading zero (``9161000``: a file saved through a spreadsheet)
    # names a listed unit: kept, for validation to report it, not left out as another's
    listed[~listed] = lost_zeros(pd.Series(categories[~listed]), known) > 0
    out = ~listed[codes]  # the rows to leave out (a category no row has counts for none)
    if not out.any():
        return []
    if out.all():  # not another region's rows but none of the project's: say why, once
        present = categories[np.unique(codes[codes >= 0])]  # the units with rows
        table.failures.append(_no_listed_units(table, present, known))
        table.cells = table.cells.iloc[:0]
        return []
    others = categories[np.isin(np.arange(len(categories)), codes[out])]
    first = int(table.cells["row"].to_numpy()[np.flatnonzero(out)[0]])
    table.cells = table.cells[~out].reset_index(drop=True)
    table.cells["unit"] = table.cells["unit"].cat.remove_unused_categories()
    return [other_units_warning(table.source, first, others)]


def _no_listed_units(table: Table, units: np.ndarray, known: pd.Index) -> pd.DataFrame:
    """The problem of a source none of whose units the units table lists (code
    ``no_listed_units``): with a few of each side's units, and how to read names (``key:
    {match: name}``) or keys written otherwise."""
    from mint_index.data.keys import mostly_names

    if mostly_names(units):
        how = (
            "the file names its units: key them by the names in the units table (key: "
            "{match: name}, --key match=name)"
        )
    else:
        how = (
            "its keys may be written otherwise: say how to read them (key: {pad: auto} "
            'restores lost zeros, key: {prefix: "03"} adds a Land\'s), or give the '
            "file of the project's region"
        )
    return failures_frame(
        table.source,
        int(table.cells["row"].iloc[0]),
        "unit",
        ", ".join(repr(str(u)) for u in units[:3]),
        f"not one of the file's {len(units)} units is in the units table (it lists "
        f"{', '.join(repr(str(k)) for k in known[:3])}, ...): nothing of it would be read; " + how,
        code="no_listed_units",
    )


# ---- reading ------------------------------------------------------------------------
def _name_apart(
    read: list[Table], spec: SourceSpec, position: int, shared: set[str], taken: set[str]
) -> None:
    """Give the tables of one source of a project names no earlier source's table has.

    Sources that read one file (``shared``: each a sheet of one workbook) are called by
    the sheet they read, ``book.xlsx[2023]``, as ``sheet: "*"`` calls its sheets; a
    table whose name is still taken (the same file listed twice, or also in a listed
    folder) gets the source's position, ``data.csv (2)``, as :func:`load_data` does."""
    for table in read:  # loops over a source's sheets
        one_sheet = spec.sheet is not None and not isinstance(spec.sheet, list)
        if spec.path in shared and one_sheet and spec.sheet != "*":
            table.rename(f"{table.source}[{spec.sheet}]")
        if table.source in taken:
            table.rename(f"{table.source} ({position})")
        taken.add(table.source)


def _source_names(sources: list[Source]) -> list[str]:
    names: list[str] = []
    for i, item in enumerate(sources, 1):  # loops over sources, not data
        name = (
            (f"<DataFrame {i}>" if len(sources) > 1 else "<DataFrame>")
            if isinstance(item, pd.DataFrame)
            else str(item)
        )
        names.append(name if name not in names else f"{name} ({i})")
    return names


def _key_spec(key: KeySpec | Mapping[str, Any] | None) -> KeySpec:
    """``load_data``'s ``key`` as a :class:`KeySpec`; one it cannot be is refused with
    what is wrong, as a project file's ``key:`` is."""
    from pydantic import ValidationError

    try:
        return KeySpec.model_validate(key if key is not None else {})
    except ValidationError as exc:
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MintIndexError(f"key= cannot be used: {problem}") from None


def _read(item: Source, name: str, options: dict[str, Any]) -> list[Table]:
    """One source -> its Tables (one per sheet where ``sheet`` names several), read with
    ``options`` (a :class:`~mint_index.data.source.SourceSpec`'s, but the path); problems
    that stop reading it become failures."""
    from pydantic import ValidationError

    from mint_index.data.sources import (
        apply_keys,
        drop_expected_warnings,
        failed_table,
        leaves_out_other_units,
        read_file,
        transposed_frame_table,
    )

    try:
        spec = SourceSpec.model_validate({"path": name, **options})
    except ValidationError as exc:
        problem = "; ".join(f"{e['loc'][0]}={e['input']!r}: {e['msg']}" for e in exc.errors())
        return [failed_table(name, f"cannot read with these options: {problem}", "invalid_option")]
    if not isinstance(item, pd.DataFrame):
        return read_file(Path(item), spec, name=name)  # a file it cannot read: a failed Table
    if spec.filter or spec.pivot:
        return [
            failed_table(
                name,
                "filter and pivot read files; select a DataFrame's rows with pandas "
                "(frame[frame[column] == value]) and give its variables as columns",
                "invalid_option",
            )
        ]
    if spec.layout == "transposed":  # a unit per column, read as such a file is
        table = transposed_frame_table(item, spec, name)
    else:
        unit_column = spec.unit_column or "unit"
        frame = item
        if unit_column not in frame.columns and unit_column in (frame.index.names or []):
            frame = frame.reset_index()
        if spec.name_column is not None:
            frame = frame.rename(columns={spec.name_column: "name"})
        table = frame_table(
            frame,
            name,
            "frame",
            layout=None if spec.layout == "auto" else spec.layout,
            unit_column=unit_column,
            year_column=spec.year_column or "year",
            year=spec.year,
            unit=spec.unit,
            school_year=spec.school_year,
            decimal=spec.decimal or ".",
        )
    table.sha256 = frame_sha256(item)
    apply_keys(table, spec)
    table.leaves_out_other_units = leaves_out_other_units(table, spec)
    drop_expected_warnings(table, spec.expected_warnings)
    return [table]


def _combine(tables: list[Table]) -> pd.DataFrame:
    """One frame of cells with a ``source`` column; categoricals stay categoricals."""
    parts = [t.cells for t in tables]
    lengths = [len(p) for p in parts]
    source = pd.Categorical.from_codes(
        np.repeat(np.arange(len(parts)), lengths), pd.Index([t.source for t in tables])
    )
    cells = parts[0] if len(parts) == 1 else concat_cells(parts)
    cells["source"] = source
    return cells


def _dataset(
    cube: tuple[np.ndarray, np.ndarray, np.ndarray],
    index: CellIndex,
    tables: list[Table],
    units: pd.DataFrame | None,
    warnings: pd.DataFrame,
    sources: dict[str, tuple[str, ...]],
) -> Dataset:
    """The Dataset from the validated cube, with units table, provenance and the sources
    of each variable."""
    values, reason, flag = cube
    found = [t.names for t in tables if t.names is not None and len(t.names)]
    if found:
        names = pd.concat(found)
        names = names[~names.index.duplicated()]
        if units is None:
            units = pd.DataFrame(
                {"name": names.reindex(index.unit_ids.astype(str))},
                index=pd.Index(index.unit_ids.astype(str), name="unit"),
            )
            units["name"] = units["name"].fillna(pd.Series(units.index, index=units.index))
        else:  # names from the sources where the units table has none
            units = units.copy()
            own = units["name"].astype(object).where(units["name"].notna(), "").astype(str)
            blank = (own.str.strip() == "") | (own == units.index.astype(str))
            given = names.reindex(units.index.astype(str)).to_numpy(dtype=object)
            fill = blank.to_numpy() & pd.notna(given)
            units["name"] = np.where(fill, given, units["name"].to_numpy(dtype=object))
    provenance = pd.DataFrame(
        [
            {
                "source": t.source,
                "format": t.format,
                "sha256": t.sha256,
                "rows": t.rows,
                "layout": t.layout,
                "encoding": t.encoding,
            }
            for t in tables
        ]
    )
    return Dataset(
        values,
        index.years,
        index.unit_ids,
        index.variables,
        reason,
        flag,
        units,
        provenance,
        warnings,
        sources,
    )


# ---- units --------------------------------------------------------------------------
#: How to read a units table's keys that lost their zeros: said as its own entry says it.
_UNITS_KEY_HINT = (
    "unit key stored as a number, so a leading zero may be lost; store the keys as text, "
    "or say how to read them: units: {path: ..., key: {pad: auto}} in the project file "
    '(--units-key pad=auto; pad: 8 pads every key to 8 digits, prefix: "03" adds a '
    "Land's key)"
)


def _units_key_hint(problem: pd.DataFrame) -> pd.DataFrame:
    """A key problem of the units table with the hint a units table takes (its entry's
    ``key:``), not a data source's."""
    numeric = problem["code"] == "numeric_keys"
    return problem.assign(reason=problem["reason"].where(~numeric, _UNITS_KEY_HINT))


def _by_year_hint(frame: pd.DataFrame) -> str:
    """Why a units table repeats its keys, where its year column says it: figures by
    year (population 2022, 2023, ...) are data, and the units table lists each unit
    once."""
    year = find_year_column([str(c) for c in frame.columns], None)
    if year is None:
        return ""
    return (
        f"; it has a year column ({year!r}): a table of figures by year is data, "
        "give it as a source (the population as a variable) and list each unit once "
        "in the units table"
    )


def _units_heads(columns: pd.Index, key: str) -> dict[str, str]:
    """The name and population columns of a units table headed as a town department
    heads them, renamed ``name`` and ``population``: the first head the data readers take
    for a name (``Gemeinde``, ``Gemeindename``, ``Gebiet``, ``Stadtteil``, ...), and the
    one population head (:data:`~mint_index.data.layouts.POPULATION_HEAD`), where the
    table has no ``name`` or ``population`` column of its own."""
    heads = [str(c) for c in columns if c != key]
    renamed: dict[str, str] = {}
    if "name" not in heads:
        named = find_column(heads, None, NAME_NAMES)
        if named is not None:
            renamed[named] = "name"
    if "population" not in heads:
        counted = [h for h in heads if POPULATION_HEAD.match(h) and h not in renamed]
        if len(counted) == 1:
            renamed[counted[0]] = "population"
    return renamed


def _lifetime_failures(frame: pd.DataFrame, name: str, rows: np.ndarray) -> list[pd.DataFrame]:
    """A unit whose ``valid_from`` lies after its ``valid_to`` (a typo: ``2025`` to
    ``2020``) would exist in no year and be left out of every one without a word."""
    from mint_index.rules.lifetimes import lifetime_years

    start, end = lifetime_years(frame, "valid_from"), lifetime_years(frame, "valid_to")
    with np.errstate(invalid="ignore"):
        inverted = start > end
    if not inverted.any():
        return []
    at = np.flatnonzero(inverted)
    return [
        failures_frame(
            name,
            rows[at],
            "valid_from",
            frame["valid_from"].iloc[at].astype(str).to_numpy(),
            "valid_from is after valid_to: the unit would exist in no year",
            code="invalid_value",
        )
    ]


def load_units(
    source: Units,
    *,
    key: str | None = None,
    sheet: str | int = 0,
    sep: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """A units table, indexed by the unit key (text, leading zeros kept).

    Columns as given: typically ``name``, ``population``, ``peer_group`` or ``type``,
    ``parent`` and any grouping columns. The key column is ``key`` if given, else the
    first of ``unit``, ``ags``, ``ars``, ``key``, ``code``, ``id`` (any case).
    ``population`` is made numeric; other columns keep their values (text from files),
    so grouping keys keep their leading zeros. A file is read as a town keeps it
    (:mod:`~mint_index.data.kept_tables`): a title above the header, a header over two
    rows, empty rows and notes below; a row totalling the units is left out. Duplicate,
    empty or malformed keys and bad populations raise one
    :class:`~mint_index.DataValidationError`.

    ``source`` may also say how to read a file, as the project file's ``units:`` mapping
    does (a :class:`~mint_index.data.source.UnitsSpec` or a mapping):
    ``{"path": "units.xlsx", "key": {"pad": "auto"}}`` gives back the leading zeros a
    workbook took from keys kept as numbers; ``unit_column`` and ``sheet`` as ``key``
    and ``sheet`` here.
    """
    frame, problems = _read_units(source, key=key, sheet=sheet, sep=sep, encoding=encoding)
    if problems:
        raise DataValidationError(problems_frame(problems))
    return frame


def _read_units(
    source: Units,
    *,
    key: str | None = None,
    sheet: str | int = 0,
    sep: str | None = None,
    encoding: str | None = None,
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    from pydantic import ValidationError

    from mint_index.data.keys import apply_key_spec

    reading = KeySpec()
    if isinstance(source, Mapping):
        try:
            source = UnitsSpec.model_validate(dict(source))
        except ValidationError as exc:
            why = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            return pd.DataFrame(), [
                failures_frame("<units>", None, None, None, why, code="invalid_option")
            ]
    if isinstance(source, UnitsSpec):
        key = source.unit_column or key
        sheet = source.sheet if source.sheet is not None else sheet
        reading, source = source.key, source.path
    name = "<units>" if isinstance(source, pd.DataFrame) else str(source)
    decimal = "."
    try:
        encoding = None if encoding is None else text_encoding(encoding)
        sep = None if sep is None else one_separator(sep)
    except ValueError as exc:
        problem = failures_frame(name, None, None, None, str(exc), code="invalid_option")
        return pd.DataFrame(), [problem]
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index() if "unit" in (source.index.names or []) else source.copy()
        rows = np.asarray(frame.index)
    else:
        path = Path(source)
        suffix = path.suffix.lower()
        try:
            raw = read_input(path)
            frame, decimal = kept_table_frame(
                raw, sniff_kind(raw, suffix, encoding), sheet, sep, encoding
            )
        except InputRefused as refused:
            return pd.DataFrame(), [
                failures_frame(name, None, None, None, refused.reason, code=refused.code)
            ]
        except (pd.errors.ParserError, csv.Error) as exc:
            why = unreadable_csv(exc)
            return pd.DataFrame(), [
                failures_frame(name, None, None, None, why, code="unreadable_file")
            ]
        except UnicodeDecodeError as exc:
            why = not_in_encoding(raw, exc)
            return pd.DataFrame(), [
                failures_frame(name, None, None, None, why, code="unreadable_file")
            ]
        rows = np.asarray(frame.index)
        frame = frame.reset_index(drop=True)
    frame.columns = stripped_heads(frame.columns)
    if key is not None:
        column = find_column(list(frame.columns), key, ())
    else:  # found as a data file's key column is
        column = next(iter(key_columns(list(frame.columns))), None)
    if column is None:
        return pd.DataFrame(), [
            failures_frame(
                name,
                None,
                key or "unit",
                None,
                f"no unit key column (looked for {key or ', '.join(KEY_NAMES)}); "
                f"columns are: {', '.join(frame.columns)}",
                code="missing_column",
            )
        ]
    heads = _units_heads(frame.columns, column)
    frame = frame.rename(columns=heads)
    said = {ours: theirs for theirs, ours in heads.items()}  # for the problems
    # a row that totals the units (``;Landkreis insgesamt;92.579``) is none of them
    named = "name" if "name" in frame.columns else None
    units_rows = total_rows(frame.reset_index(drop=True), column, named, name)[0].index
    frame, rows = frame.iloc[units_rows], rows[units_rows]

    keys, problems = unit_keys(frame[column], name, rows, column)
    problems = [_units_key_hint(problem) for problem in problems]
    if reading != KeySpec():  # what a number lost, the spec gives back: no problem then
        keys = apply_key_spec(keys, reading)[0]
        if reading.pad is not None or reading.prefix is not None:
            kept = [problem[problem["code"] != "numeric_keys"] for problem in problems]
            problems = [problem for problem in kept if len(problem)]
    frame = frame.drop(columns=[column])
    frame.index = pd.Index(keys.astype(str), name="unit")
    reason = malformed_keys(pd.Series(frame.index))
    dup = frame.index.duplicated(keep=False)
    reason[dup & reason.isna().to_numpy()] = "duplicate unit key in the units table" + (
        _by_year_hint(frame) if dup.any() else ""
    )
    bad = reason.notna().to_numpy()
    if bad.any():
        problems.append(
            failures_frame(
                name,
                rows[bad],
                column,
                frame.index[bad].to_numpy(),
                reason[bad].to_numpy(),
                code=np.where(dup[bad], "duplicate_unit", "malformed_key"),
            )
        )
    if "population" in frame.columns:
        parsed = parse_cells(frame["population"], decimal)
        wrong = parsed.bad | (parsed.value < 0)
        if wrong.any():
            at = np.flatnonzero(wrong)
            problems.append(
                failures_frame(
                    name,
                    rows[at],
                    said.get("population", "population"),
                    frame["population"].iloc[at].astype(str).to_numpy(),
                    np.where(parsed.bad[at], "population is not a number", "negative population"),
                    code=np.where(parsed.bad[at], "not_a_number", "negative_count"),
                )
            )
        frame["population"] = parsed.value
    problems += _lifetime_failures(frame, name, rows)
    problems += units_control_failures(frame, name, rows, column)  # ESC, NUL in keys, names
    if "name" not in frame.columns:
        frame["name"] = frame.index
    return frame, problems
