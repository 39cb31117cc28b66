"""The effects file: :func:`mint_index.effects`' table as CI jobs and other tools read it.

One row per unit, measure and indicator plus the pooled rows, as CSV (with
``<file>.provenance.json`` next to it, as a scores file has) or as one JSON document
(``"format": "mint-index-effects"``, with the interval level and the provenance inside).
``mint-index effects`` writes it through :func:`write_effects`, so a notebook writes the
same bytes; same inputs and seed, same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.errors import OutputError
from mint_index.files import atomic_write, canonical_json, csv_text
from mint_index.provenance import tool_provenance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "SUFFIXES", "write_effects"]

#: Suffixes of an effects file.
SUFFIXES = (".csv", ".json")
#: The ``format`` marker of the JSON document, and its version.
FORMAT_NAME = "mint-index-effects"
FORMAT_VERSION = 1


def write_effects(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    provenance: dict[str, Any] | None = None,
) -> list[Path]:
    """Write ``table`` (from :func:`mint_index.effects`) in the format the suffix of
    ``path`` names; return every file written (a CSV file's provenance sidecar second).

    ``provenance``: what produced it (default: ``tool`` and ``version``; the command line
    passes its block with the command, the inputs, rules and build spec). The JSON
    document also records the interval ``level`` the table was estimated at. An unknown
    suffix raises :class:`~mint_index.errors.OutputError`.
    """
    from mint_index.effect_monitoring.did import DEFAULT_LEVEL
    from mint_index.scores_file import sidecar  # the provenance file beside a CSV file

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"an effects file ends in {', '.join(SUFFIXES)}, not {target.name!r}")
    block = tool_provenance() if provenance is None else provenance
    if suffix == ".json":
        document = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "level": float(table.attrs.get("level", DEFAULT_LEVEL)),
            "provenance": block,
            "rows": table.astype(object).where(table.notna(), None).to_dict("records"),
        }
        return [atomic_write(target, canonical_json(document))]
    atomic_write(target, csv_text(table))
    return [target, atomic_write(sidecar(target), canonical_json(block))]
