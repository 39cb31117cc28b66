"""Where a framework's data come from, as a checklist a town works through each year.

Every variable of a framework may name its source (``source:`` in the indicator YAML: an
official table, an office of the administration that holds the figure, or undetermined).
:func:`source_checklist` lists every variable with where to get it, and the official
tables to download with the variables each gives: what ``mint-index sources`` prints, as
tables a notebook can filter, sort or hand on.

A table's finest level decides whose values it has: a Kreis table has values for Kreise
and kreisfreie Städte only, a Land table for Länder only. So the checklist says, where it
lists such a table, that a kreisangehörige town needs its own figures (:data:`LEVEL_NOTES`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.framework.framework import Framework

__all__ = [
    "DOWNLOAD_COLUMNS",
    "LEVEL_NOTES",
    "NOT_GIVEN",
    "VARIABLE_COLUMNS",
    "SourceChecklist",
    "source_checklist",
]

#: The columns of :attr:`SourceChecklist.variables`.
VARIABLE_COLUMNS = ("variable", "kind", "where", "detail")
#: The columns of :attr:`SourceChecklist.downloads`.
DOWNLOAD_COLUMNS = ("table", "database", "level", "variables", "note")
#: The ``kind`` of a variable whose source the framework does not give.
NOT_GIVEN = "not given"
#: What a table above the Gemeinde level gives a town, per language and level: the
#: ``note`` of its row in :attr:`SourceChecklist.downloads` (empty for a Gemeinde table).
LEVEL_NOTES = {
    "de": {
        "Kreis": "Werte nur für Kreise und kreisfreie Städte, eine kreisangehörige Gemeinde "
        "braucht eigene Zahlen",
        "Land": "Werte nur für Länder, eine Gemeinde braucht eigene Zahlen",
        "Deutschland": "nur ein Wert für Deutschland, eine Gemeinde braucht eigene Zahlen",
    },
    "en": {
        "Kreis": "values for Kreise and kreisfreie Städte only, so a kreisangehörige town "
        "needs its own figures",
        "Land": "values for Länder only, so a town needs its own figures",
        "Deutschland": "a value for Germany only, so a town needs its own figures",
    },
}


@dataclass(frozen=True)
class SourceChecklist:
    """``variables``: one row per variable, in framework order (:data:`VARIABLE_COLUMNS`:
    the kind of source, e.g. ``official``, ``official proxy``, ``self-reported``, where to
    get it and the details, in the checklist's language). ``downloads``: one row per
    official table (:data:`DOWNLOAD_COLUMNS`; ``level`` is the finest regional level it
    has, ``variables`` the ids it gives, comma-separated, ``note`` what a Kreis, Land or
    Deutschland table means for a town, ``values for Kreise and kreisfreie Städte only,
    ...`` (:data:`LEVEL_NOTES`), else empty), sorted by table. ``kinds``:
    how many variables have each kind of source."""

    variables: pd.DataFrame
    downloads: pd.DataFrame
    kinds: dict[str, int]


def source_checklist(framework: Framework, lang: str = DEFAULT_LANGUAGE) -> SourceChecklist:
    """The checklist of where ``framework``'s variables come from, written in ``lang``."""
    import pandas as pd

    check_language(lang)
    notes = LEVEL_NOTES[lang]
    rows: list[tuple[str, str, str, str]] = []
    tables: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for variable in framework.variables:
        source = variable.source
        if source is None:
            rows.append((variable.id, NOT_GIVEN, "-", ""))
            continue
        rows.append((variable.id, source.kind, source.where(lang), source.detail(lang)))
        if source.type == "official":
            tables[(source.table, source.database, source.level)].append(variable.id)
    downloads = [
        (table, database, level, ", ".join(ids), notes.get(level, ""))
        for (table, database, level), ids in sorted(tables.items())
    ]
    kinds = Counter(kind for _, kind, _, _ in rows)
    return SourceChecklist(
        variables=pd.DataFrame(rows, columns=list(VARIABLE_COLUMNS)),
        downloads=pd.DataFrame(downloads, columns=list(DOWNLOAD_COLUMNS)),
        kinds=dict(sorted(kinds.items())),
    )
