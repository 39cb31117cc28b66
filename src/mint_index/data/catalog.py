"""Map a file's columns to framework variables by the framework's source catalog.

A framework variable may say where it comes from: ``source: {type: official, table:
12411-01-01-4, label_path: [...]}``. A file whose table code the catalog knows then
loads with no hand mapping: each such variable is matched to the file's column whose
label fits its label path. A user's ``mapping`` always wins over the catalog.

A label path fits a source label when every level of the label path is found (in the
label's levels or, for the levels above the column header such as
``Bevölkerungsstand (Anzahl)``, in the table's title) and at least one of them is in
the label itself; date levels (``31.12.YYYY``) are ignored because the reader turns them
into years. Of several fitting labels the one with the fewest levels the path does not
name wins; a tie maps nothing rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mint_index.rules.text import ASCII_UMLAUTS

__all__ = [
    "catalog_entries",
    "catalog_mapping",
    "label_fits",
    "map_by_catalog",
    "previous_year_variables",
    "same_table",
]

_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:\d{4}|YYYY|JJJJ)$|^(?:\d{4}|YYYY|JJJJ)$")
_UNIT_IN_PARENS = re.compile(r"\s*\([^()]*\)$")


def same_table(file_code: str | None, catalog_code: str) -> bool:
    """Whether a file's table code is the catalog's. Codes must be equal: the regional
    depth suffix matters (a Kreis table ``-4`` does not give a Gemeinde's ``-5`` figure)."""
    return file_code is not None and file_code.strip().upper() == catalog_code.strip().upper()


def _norm(text: str) -> str:
    """A label level as compared: spaces collapsed, case folded, umlauts as ``ae``
    (:data:`~mint_index.rules.text.ASCII_UMLAUTS`: the flat files of the 2020 GENESIS
    interface head a statistic ``Bevoelkerungsstand``), so that both spellings name one
    label."""
    return " ".join(str(text).casefold().translate(ASCII_UMLAUTS).split())


def _forms(text: str) -> set[str]:
    """A level and the level without a trailing unit in parentheses."""
    norm = _norm(text)
    return {norm, _norm(_UNIT_IN_PARENS.sub("", text))}


def label_fits(label: str, path: Iterable[str], title: str = "") -> int | None:
    """How well a label path fits a source label (levels joined with ``|``): ``None``
    if it does not, else the number of the label's levels the path leaves unnamed."""
    levels = [lev for lev in (p.strip() for p in label.split("|")) if lev]
    level_forms = [_forms(lev) for lev in levels]
    wanted = [p for p in path if p.strip() and not _DATE.match(p.strip())]
    if not wanted:
        return None
    title_norm = _norm(title)
    in_label = 0
    named = [False] * len(levels)
    for part in wanted:  # loop over a few label levels
        forms = _forms(part)
        hits = [i for i, f in enumerate(level_forms) if forms & f and not named[i]]
        if hits:
            named[hits[0]] = True
            in_label += 1
        elif not any(f and f in title_norm for f in forms):
            return None
    if not in_label:
        return None
    return named.count(False)


def catalog_entries(framework: Any) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    """(variable id, table code, label path, row label) of every mappable official
    source of a framework, once per table that has the column (``table`` and
    ``also_in``); variables without ``source`` are left out."""
    entries = []
    for variable in getattr(framework, "variables", []) or []:
        source = getattr(variable, "source", None)
        if getattr(source, "type", None) != "official":
            continue
        path = tuple(getattr(source, "label_path", ()) or ())
        table = getattr(source, "table", None)
        tables = getattr(source, "tables", None) or ((table,) if table else ())
        if path:  # the table, then the checked tables with the same column (also_in)
            row = getattr(source, "row", None)
            entries += [(variable.id, str(code), path, row) for code in tables]
    return entries


def catalog_mapping(
    table_code: str | None, labels: Iterable[str], framework: Any, title: str = ""
) -> dict[str, list[str]]:
    """Source label -> every framework variable the catalog feeds from it (one column
    may be a variable and the proxy of another, e.g. ``pop_foreign`` and ``pop_mig``).

    ``labels`` are the file's full source labels (as ``describe_source`` shows them);
    ``title`` the table title (levels above the header may sit there). A catalog entry
    with a ``row`` label (a value in a row dimension, e.g. an age group) needs that label
    as a level too. Labels no entry fits are left out.
    """
    labels = list(labels)
    mapping: dict[str, list[str]] = {}
    for variable, code, path, row in catalog_entries(framework):  # loop over variables
        if not same_table(table_code, code):
            continue
        full_path = (*path, row) if row else path
        scored = [
            (fit, lab) for lab in labels if (fit := label_fits(lab, full_path, title)) is not None
        ]
        if not scored:
            continue
        best = min(fit for fit, _ in scored)
        winners = [lab for fit, lab in scored if fit == best]
        if len(winners) == 1:
            mapping.setdefault(winners[0], []).append(variable)
    return mapping


def previous_year_variables(table_code: str | None, framework: Any) -> frozenset[str]:
    """The framework's variables whose official source is table ``table_code`` dated a
    year before them (``previous_year``: foreigners at the start of the year are the
    table's 31 December of the year before): their values belong to the next year."""
    return frozenset(
        variable.id
        for variable in getattr(framework, "variables", []) or []
        if getattr(getattr(variable, "source", None), "previous_year", False)
        and any(same_table(table_code, code) for code in variable.source.tables)
    )


def map_by_catalog(
    table_code: str | None, labels: Iterable[str], framework: Any, title: str = ""
) -> dict[str, str]:
    """Source label -> framework variable for a file of table ``table_code`` (the first
    variable where a column feeds several, one of the column's own date before one dated
    a year later; see :func:`catalog_mapping`)."""
    later = previous_year_variables(table_code, framework)
    return {
        label: min(variables, key=lambda v: v in later)  # the one of the column's own date
        for label, variables in catalog_mapping(table_code, labels, framework, title).items()
    }
