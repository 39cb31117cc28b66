"""The scores file written by ``mint-index score`` and read back by ``mint-index compare``.

One tidy table, the same in every format: a row per unit, year and node with its score,
rank (aggregate nodes only), peer rank and change since the unit's previous year. Rows are
sorted by unit, year and framework order; floats have fixed precision, so the same inputs
give the same bytes. Provenance travels with the table: inside the JSON document, in the
Parquet schema metadata, or in ``<file>.provenance.json`` next to a CSV file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.cli.errors import UsageError
from mint_index.cli.io import FLOAT_DECIMALS, csv_text, dumps_json
from mint_index.files import atomic_write
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

SCORE_COLUMNS = [
    "unit",
    "year",
    "node",
    "level",
    "score",
    "rank",
    "peer_group",
    "peer_rank",
    "change",
]
SUFFIXES = (".csv", ".parquet", ".json", *DATABASE_SUFFIXES)
FORMAT_NAME = "mint-index-scores"
_PARQUET_KEY = b"mint_index"
_FLOATS = ["score", "change"]
_INTS = ["rank", "peer_rank"]


def score_table(results: Results) -> pd.DataFrame:
    """Every node's score of every unit and year as a tidy table (see module doc).

    Built from whole arrays ``[unit, year, node]``: no per-row Python work.
    """
    units = pd.Index(results.unit_ids.astype(str))
    years = np.asarray(results.years, dtype=np.int64)
    nodes = pd.Index(results.node_ids)
    n_u, n_y, n_n = len(units), len(years), len(nodes)
    rows = pd.MultiIndex.from_arrays([np.repeat(units, n_y), np.tile(years, n_u)])

    def cube(frame: pd.DataFrame) -> np.ndarray:  # (unit, year) x node -> [u, y, n]
        aligned = frame.reindex(index=rows, columns=nodes)
        return aligned.to_numpy(np.float64).reshape(n_u, n_y, n_n)

    ranks = results.ranks
    at = (
        units.get_indexer(ranks["unit"].astype(str)),
        pd.Index(years).get_indexer(ranks["year"].astype(np.int64)),
        nodes.get_indexer(ranks["node"]),
    )
    rank, peer_rank = np.full((2, n_u, n_y, n_n), np.nan)
    rank[at] = ranks["rank"].to_numpy(np.float64)
    peer_rank[at] = ranks["peer_rank"].to_numpy(np.float64)
    peers = results.units.get("peer_group")
    peer = peers.reindex(units).to_numpy(object) if peers is not None else np.full(n_u, None)
    levels = np.asarray([results.framework.levels[n] for n in nodes], dtype=np.int64)
    per_row = n_y * n_n
    table = pd.DataFrame(
        {
            "unit": np.repeat(units.to_numpy(object), per_row),
            "year": np.tile(np.repeat(years, n_n), n_u),
            "node": np.tile(nodes.to_numpy(object), n_u * n_y),
            "level": np.tile(levels, n_u * n_y),
            "score": cube(results.scores).reshape(-1),
            "rank": rank.reshape(-1),
            "peer_group": np.repeat(peer, per_row),
            "peer_rank": peer_rank.reshape(-1),
            "change": cube(results.changes).reshape(-1),
        }
    )
    return canonical(table)


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes and float precision: the form every writer and reader agrees on."""
    peer = table["peer_group"]
    out = pd.DataFrame(
        {
            "unit": table["unit"].astype(str).astype(object),
            "year": table["year"].astype("int64"),
            "node": table["node"].astype(str).astype(object),
            "level": table["level"].astype("int64"),
            "peer_group": np.where(peer.isna(), None, peer.astype(str).astype(object)),
        }
    )
    for column in _FLOATS:
        out[column] = (
            np.round(pd.to_numeric(table[column]).to_numpy(np.float64), FLOAT_DECIMALS) + 0.0
        )
    for column in _INTS:
        out[column] = pd.to_numeric(table[column]).round().astype("Int64")
    return out[SCORE_COLUMNS].reset_index(drop=True)


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
        except (ValueError, UnicodeDecodeError, AttributeError):
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
        side = sidecar(path)
        provenance = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else None
    else:
        import pyarrow.parquet as pq

        arrow = pq.read_table(path)
        table = arrow.to_pandas()
        raw = (arrow.schema.metadata or {}).get(_PARQUET_KEY)
        provenance = json.loads(raw) if raw else None
    return canonical(table), provenance
