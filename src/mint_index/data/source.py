"""What one data source is and how to read it: the ``sources:`` entries of a project file.

A :class:`SourceSpec` names one data file (or a glob) and everything the reader cannot
find out by itself: the year of a file without one, the mapping of source labels to
framework variables, the key and name columns of a wide table, which disaggregation
columns become part of the variable label (``pivot``) or are filtered (``filter``), and
how the unit keys are to be read (``key``). :func:`mint_index.data.load.load_sources`
reads a list of them into one Dataset; :func:`mint_index.data.load.describe_source`
tells what one of them holds (what ``mint-index inspect`` prints).
"""

from __future__ import annotations

import codecs
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

__all__ = [
    "FORMATS",
    "KEY_SCHEMES",
    "READING_WARNINGS",
    "KeySpec",
    "SourceDescription",
    "SourceSpec",
    "UnitsSpec",
    "VariableInfo",
    "one_separator",
    "text_encoding",
]

#: Every value ``SourceSpec.format`` accepts; ``auto`` detects the format from the content.
FORMATS: tuple[str, ...] = (
    "auto",
    "csv",
    "genesis",
    "genesis-flat",
    "opensdg",
    "excel",
    "parquet",
    "template",
)
#: Every value ``KeySpec.scheme`` accepts.
KEY_SCHEMES: tuple[str, ...] = ("auto", "ags", "ars", "own")

Format = Literal[
    "auto", "csv", "genesis", "genesis-flat", "opensdg", "excel", "parquet", "template"
]
#: The warnings reading a file can give, which a source may say it expects
#: (``expected_warnings``): what the file holds besides its table, or marks read anyway.
ReadingWarning = Literal[
    "caption_column",
    "change_column",
    "column_not_read",
    "cut_off",
    "footnote_mark",
    "hidden_sheet",
    "no_table_in_sheet",
    "note_below_table",
    "other_units",
    "row_number_column",
    "total_row",
    "unknown_mark",
]
READING_WARNINGS: tuple[str, ...] = get_args(ReadingWarning)


def key_as_text(value: object) -> object:
    """A key as the source writes it: text. A number is refused with how to write it, for
    YAML reads an unquoted ``05315000`` as the octal number 1415680 and ``03`` as 3,
    losing what no later step can restore."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f"a key is text: write it in quotes (it was read as the number {value}, "
            'which drops leading zeros: "05315000", not 05315000)'
        )
    return value


#: A unit key or a key's part as a source option gives it: text, a number refused.
KeyText = Annotated[str, BeforeValidator(key_as_text)]


class KeySpec(BaseModel):
    """How the unit keys of a source are to be read.

    ``scheme``: ``ags`` (official municipality key: 2 digits Land, 5 district, 8
    municipality), ``ars`` (regional key, 12 digits, or its 2/5/9-digit prefixes),
    ``own`` (a town's own numbering, e.g. districts 1-25: never padded, never reported as
    lost leading zeros) or ``auto`` (recognised from the keys). ``pad``: left-pad numeric
    keys with zeros to this many digits (e.g. ``8`` when a spreadsheet turned
    ``01001000`` into ``1001000``), or ``auto``: give back the one zero a spreadsheet took
    from each official key of a table of several levels (a GENESIS export saved through
    Excel: ``1`` -> ``01``, ``1001`` -> ``01001``, ``1001000`` -> ``01001000``; keys one
    digit short of an official length, :func:`~mint_index.data.keys.restored_zeros`).
    ``prefix``: the Land's key that numeric keys leave
    out, put before each (a Landesamt's report within its Land: Niedersachsen's writes
    Braunschweig ``03101`` as ``101``, a Statistische Region ``031`` as ``1``; ``0``, the
    Land itself, becomes ``03``); such keys lost no zero, whether stored as numbers or
    not. ``match``: ``key`` (default) or ``name``: the unit
    column of a plain table holds the units' names (a department's table by Stadtteil),
    each replaced by the key the units table gives it
    (:func:`~mint_index.data.unit_names.match_unit_names`); ``scheme``, ``pad`` and
    ``prefix`` are then not applied to the names.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scheme: Literal["auto", "ags", "ars", "own"] = "auto"
    pad: Annotated[int, Field(ge=1, le=12)] | Literal["auto"] | None = None
    prefix: KeyText | None = Field(default=None, pattern=r"^\d{1,3}$")
    match: Literal["key", "name"] = "key"


def text_encoding(name: str) -> str:
    """``name`` if Python can decode text with it (``utf-8``, ``cp1252``, ``latin-1``,
    ``utf-16``), else a ValueError: an unknown name, or a codec that is no text encoding
    (``base64``, ``rot13``), would otherwise surface only while reading the file."""
    try:
        codecs.lookup(name)
        b"a".decode(name, "ignore")  # an empty input would not reach the codec
    except LookupError:
        raise ValueError(
            f"{name!r} is not a text encoding (e.g. utf-8, cp1252, latin-1, utf-16)"
        ) from None
    return name


def sheets_once(sheets: list[str | int]) -> list[str | int]:
    """A list of sheets that names each once (``[0, 0]`` would read one sheet as two
    tables of one name; a file listed twice as two sources is read twice, each named)."""
    twice = sorted({str(s) for s in sheets if sheets.count(s) > 1})
    if twice:
        raise ValueError(f"sheet lists {', '.join(twice)} more than once")
    return sheets


def one_separator(text: str) -> str:
    """``text`` if it can separate the fields of a CSV file: one character, not a quote
    or a line break (a YAML tab is ``"\\t"`` in double quotes; unquoted, ``\\t`` is two
    characters)."""
    if len(text) != 1 or text in '"\r\n':
        raise ValueError(
            f"a separator is one character other than a quote or line break, such as ';', "
            f"',' or a tab (\"\\t\" in double quotes in YAML); got {text!r}"
        )
    return text


class UnitsSpec(BaseModel):
    """How the units table is to be read, where its file alone does not say it: the
    project file's ``units:`` as a mapping (``units: {path: units.xlsx, key: {pad:
    auto}}``) rather than a path.

    ``unit_column``: the key column, where its head is none the readers know (``AGS``,
    ``Gemeindeschlüssel``, ...). ``sheet``: a workbook's sheet (name or 0-based
    position; default the first). ``key``: how its keys are read, as a source's are
    (:class:`KeySpec`): a units table kept in Excel has lost the leading zero of every key
    below Land 10 (``9162000``), which ``pad: auto`` or ``pad: 8`` gives back; ``match:
    name`` applies to data sources only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    unit_column: str | None = Field(default=None, min_length=1)
    sheet: Annotated[str, Field(min_length=1)] | Annotated[int, Field(ge=0)] | None = None
    key: KeySpec = KeySpec()

    @model_validator(mode="after")
    def _keys_not_names(self) -> UnitsSpec:
        if self.key.match != "key":
            raise ValueError(
                "key match: name applies to data sources; a units table keys its units"
            )
        return self


class SourceSpec(BaseModel):
    """One data file (or glob) and how to read it.

    - ``path``: a file or a glob (``raw/*.csv``); relative paths are resolved by the
      caller (a project file resolves them against its own folder).
    - ``format``: ``auto`` (default) detects GENESIS tables, GENESIS flat files
      (``genesis-flat``), Open SDG tidy CSV (``opensdg``), Excel, Parquet and plain CSV
      (long ``unit, year, variable, value`` or wide: one column per variable).
    - ``year``: the year of a file that has none of its own.
    - ``school_year``: ``start`` or ``end``, for a file whose years are school, Kita or
      academic years (``2023/24``, ``Schuljahr 2023/24``, ``WS 2005/06``): the calendar
      year each counts in. Pupils are usually counted at the start of a school year,
      leavers at its end; without the option such a year is reported, never guessed.
    - ``unit``: the unit key of a file about one place, with no key column (a town
      department's own table, one row per year; an Open SDG series without ``GeoCode``;
      a GENESIS table of one town, which names the town on a title line without a key).
    - ``mapping``: source label (exactly as ``describe_source``/``mint-index inspect``
      shows it) -> framework variable id; only mapped labels are kept. Empty: a file
      whose GENESIS table code the framework's source catalog knows is mapped by that
      catalog, any other keeps its labels as variable ids.
    - ``unit_column`` / ``name_column``: the key and name columns of a wide table
      (``AGS`` + ``Gemeinde``, ``Gebietseinheit``, ``GEN``, ...). Names go into the
      units table where it has none. ``year_column``: the year column where it is not
      called ``year``, ``Jahr``, ``Berichtsjahr`` or ``Stichtag``.
    - ``layout``: ``long`` or ``wide`` for a plain table whose columns say otherwise
      (default ``auto``: long if it has ``variable`` and ``value`` columns);
      ``transposed`` for a table with a unit per column and a variable per row (a town
      yearbook's ``Merkmal; Innenstadt; Nord; Süd``).
    - ``sheet``: the Excel sheet (name or 0-based position); a list of them, or ``*`` for
      every sheet, reads each as a table of its own (a workbook with a sheet per year:
      a sheet named by a year dates a sheet without a year column).
    - ``pivot``: disaggregation columns (``Geschlecht``, ``Staatsangehörigkeit``) whose
      values become part of the variable label (``Value | Geschlecht=weiblich``).
    - ``filter``: keep only rows with these values (``{Geschlecht: Insgesamt}``; a list
      keeps any of them).
    - ``key``: how unit keys are read (see :class:`KeySpec`).
    - ``other_units``: what becomes of the rows of units the units table does not list:
      ``leave_out`` (with one warning per source, code ``other_units``: an official
      export's Land, Regierungsbezirke and every other Kreis beside the project's) or
      ``error`` (``unknown_unit``: a key mistyped in a town's own table). ``auto``
      (default): ``leave_out`` for official exports (GENESIS tables, flat files, Open
      SDG files), whose keys the statistics office wrote, ``error`` for any other source.
    - ``encoding``, ``separator``, ``decimal``: override detection for odd CSV files
      (``decimal`` also for figures a workbook holds as text).
    - ``expected_warnings``: reading warnings this file always gives and that are known
      to be harmless (:data:`READING_WARNINGS`: its ``total_row``, the footnotes below it,
      ...): left out of the dataset's warnings, so ``--strict`` passes on a town's
      table as the department sends it every year. Any other warning still counts.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    format: Format = "auto"
    year: int | None = Field(default=None, ge=1800, le=2200)
    unit: KeyText | None = Field(default=None, min_length=1, max_length=64)
    school_year: Literal["start", "end"] | None = None
    mapping: dict[str, str] = Field(default_factory=dict)
    unit_column: str | None = None
    name_column: str | None = None
    year_column: str | None = None
    layout: Literal["auto", "long", "wide", "transposed"] = "auto"
    sheet: (
        str
        | int
        | Annotated[list[str | int], Field(min_length=1), AfterValidator(sheets_once)]
        | None
    ) = None
    pivot: list[str] = Field(default_factory=list)
    # a list keeps rows holding any of its values, so an empty one would keep none
    filter: dict[str, str | Annotated[list[str], Field(min_length=1)]] = Field(default_factory=dict)
    key: KeySpec = Field(default_factory=KeySpec)
    encoding: Annotated[str, AfterValidator(text_encoding)] | None = None
    separator: Annotated[str, AfterValidator(one_separator)] | None = None
    decimal: Literal[",", "."] | None = None
    expected_warnings: list[ReadingWarning] = Field(default_factory=list)
    other_units: Literal["auto", "error", "leave_out"] = "auto"


class VariableInfo(BaseModel):
    """One variable a source holds: its full source label and what it maps to."""

    model_config = ConfigDict(frozen=True)

    label: str  # the full source label: the key a ``mapping`` uses
    column: str  # the column (or column group) of the file it comes from
    cells: int  # cells with a value
    missing: int  # cells without one (secret, locked, empty, ...)
    proposed: str | None = None  # the framework variable the catalog or the label suggests


class SourceDescription(BaseModel):
    """How one source will be read: what ``mint-index inspect`` prints.

    ``proposed_mapping`` maps every label to a framework variable where one is known
    (from the framework's source catalog by table code and label path) and otherwise to
    the label itself turned into an id, so pasted unchanged it loads the file.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    format: str  # the format used: csv, genesis, genesis-flat, opensdg, excel, parquet
    layout: str  # long, wide, transposed, genesis, genesis-flat, opensdg
    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None
    table: str | None = None  # the GENESIS table code, e.g. "12411-01-01-4"
    title: str | None = None  # the table title from the file's header text
    unit_column: str | None = None
    name_column: str | None = None
    key_scheme: str | None = None  # ags, ars or own, as recognised or declared
    units: int = 0
    unit_examples: list[str] = Field(default_factory=list)
    years: list[int] = Field(default_factory=list)
    variables: list[VariableInfo] = Field(default_factory=list)
    proposed_mapping: dict[str, str] = Field(default_factory=dict)
    # how to read the keys where the source does not say it and the keys show it: official
    # keys that lost their leading zeros, {"pad": "auto"}; regions an official table
    # names (an Open SDG file without GeoCode), {"match": "name"} (pasted into the entry)
    proposed_key: dict[str, str] = Field(default_factory=dict)
    # a workbook read with sheet: "*" of which some sheets fail: the sheets that read,
    # which the pasted entry names instead of "*" (None: the entry keeps what was given)
    sheets_read: list[str | int] | None = None
    # one line per warning; those alike in all but their row and value are one line
    # naming their rows (mint_index.errors.alike)
    warnings: list[str] = Field(default_factory=list)
    warning_codes: list[str] = Field(default_factory=list)  # each warning's reason code
