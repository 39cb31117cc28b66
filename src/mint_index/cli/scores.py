"""The scores file written by ``mint-index score`` and read back by ``mint-index compare``.

One tidy table, the same in every format (:mod:`mint_index.pipeline.score_table`: a row
per unit, year and node with its score, rank, peer rank and change; fixed precision, so
the same inputs give the same bytes). Provenance travels with the table: inside the JSON
document, in the Parquet schema metadata, or in ``<file>.provenance.json`` next to a CSV
file. A ``.duckdb`` or ``.sqlite`` file gets the gaps and recommendations too
(:mod:`mint_index.sql_export`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mint_index.cli.errors import UsageError
from mint_index.cli.io import csv_text, dumps_json
from mint_index.files import atomic_write, unescape_formula
from mint_index.pipeline.score_table import SCORE_COLUMNS, canonical, score_table
from mint_index.sql_export import DATABASE_SUFFIXES, write_database

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = [
    "FORMAT_NAME",
    "SCORE_COLUMNS",
    "SUFFIXES",
    "is_scores_file",
    "read_scores",
    "score_table",
    "write_scores",
]

SUFFIXES = (".csv", ".parquet", ".json", *DATABASE_SUFFIXES)
FORMAT_NAME = "mint-index-scores"
_PARQUET_KEY = b"mint_index"


def _json_document(table: pd.DataFrame, provenance: dict[str, Any]) -> str:
    """The JSON scores document: metadata, then ``rows`` as arrays in ``columns`` order,
    one row per line (readable diffs, and the C encoder does the work)."""
    head = dumps_json(
        {
            "format": FORMAT_NAME,
            "format_version": 1,
            "columns": SCORE_COLUMNS,
            "provenance": provenance,
        }
    )
    plain = table.astype(object).where(table.notna(), None).to_numpy().tolist()
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
    rows = ",\n    ".join(map(encode, plain))
    body = f'  "rows": [\n    {rows}\n  ]' if plain else '  "rows": []'
    # "rows" sorts after every other key: it goes last, as dumps_json would put it
    return head[: -len("\n}\n")] + ",\n" + body + "\n}\n"


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.json")


def write_scores(
    table: pd.DataFrame, path: Path, provenance: dict[str, Any], results: Results | None = None
) -> list[Path]:
    """Write the table in the format the suffix names; return every file written. A
    database (``.duckdb``, ``.sqlite``) also gets the gaps and recommendations of
    ``results`` (:mod:`mint_index.sql_export`)."""
    suffix = path.suffix.lower()
    if suffix in DATABASE_SUFFIXES and results is not None:
        scored = results
        return [atomic_write(path, lambda tmp: write_database(tmp, scored, provenance, suffix))]
    if suffix == ".json":
        return [atomic_write(path, _json_document(table, provenance))]
    if suffix == ".csv":
        atomic_write(path, csv_text(table))
        return [path, atomic_write(sidecar(path), dumps_json(provenance))]
    if suffix == ".parquet":
        return [atomic_write(path, lambda temp: _write_parquet(table, temp, provenance))]
    raise UsageError(f"--out must end in {', '.join(SUFFIXES)}, not {path.name!r}")


def _write_parquet(table: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise UsageError(
            "writing .parquet needs pyarrow: pip install 'mint-index[parquet]'"
        ) from exc
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = dict(arrow.schema.metadata or {})
    metadata[_PARQUET_KEY] = dumps_json(provenance).encode()
    pq.write_table(arrow.replace_schema_metadata(metadata), path)


def is_scores_file(path: Path) -> bool:
    """Whether ``path`` is a scores file written by ``mint-index score``."""
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            return json.loads(path.read_text(encoding="utf-8")).get("format") == FORMAT_NAME
        except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
            return False
    if suffix == ".csv":
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip() == ",".join(SCORE_COLUMNS)
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq

            return _PARQUET_KEY in (pq.read_schema(path).metadata or {})
        except Exception:  # not readable as parquet: not our file
            return False
    return False


def read_scores(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The table and its provenance (``None`` for a CSV file without its sidecar)."""
    suffix = path.suffix.lower()
    provenance: dict[str, Any] | None
    if suffix == ".json":
        document = json.loads(path.read_text(encoding="utf-8"))
        table = pd.DataFrame(document["rows"], columns=SCORE_COLUMNS)
        provenance = document.get("provenance")
    elif suffix == ".csv":
        table = pd.read_csv(
            path,
            dtype={"unit": str, "node": str, "peer_group": str},
            keep_default_na=False,
            na_values=[""],
        )
        for column in ("unit", "node", "peer_group"):  # undo the formula escaping
            table[column] = table[column].map(
                lambda v: unescape_formula(v) if isinstance(v, str) else v
            )
        side = sidecar(path)
        provenance = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else None
    else:
        import pyarrow.parquet as pq

        arrow = pq.read_table(path)
        table = arrow.to_pandas()
        raw = (arrow.schema.metadata or {}).get(_PARQUET_KEY)
        provenance = json.loads(raw) if raw else None
    return canonical(table), provenance
