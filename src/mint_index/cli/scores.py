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
from mint_index.cli.io import FLOAT_DECIMALS, atomic_write, csv_text, dumps_json, json_safe

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
SUFFIXES = (".csv", ".parquet", ".json")
FORMAT_NAME = "mint-index-scores"
_PARQUET_KEY = b"mint_index"
_FLOATS = ["score", "change"]
_INTS = ["rank", "peer_rank"]


def score_table(results: Results) -> pd.DataFrame:
    """Every node's score of every unit and year as a tidy table (see module doc)."""
    fw = results.framework
    nodes = results.node_ids
    ids = ["unit", "year"]
    table = results.scores.reset_index().melt(
        id_vars=ids, value_vars=nodes, var_name="node", value_name="score"
    )
    changes = results.changes.reset_index().melt(
        id_vars=ids, value_vars=nodes, var_name="node", value_name="change"
    )
    table = table.merge(changes, on=[*ids, "node"], how="left")
    ranks = results.ranks[[*ids, "node", "rank", "peer_rank"]]
    table = table.merge(ranks, on=[*ids, "node"], how="left")
    peers = results.units.get("peer_group")
    table["peer_group"] = table["unit"].map(peers) if peers is not None else None
    table["level"] = table["node"].map(fw.levels)
    order = {node: i for i, node in enumerate(nodes)}
    table["_order"] = table["node"].map(order)
    table = table.sort_values(["unit", "year", "_order"], kind="stable", ignore_index=True)
    return canonical(table[SCORE_COLUMNS])


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes and float precision: the form every writer and reader agrees on."""
    out = pd.DataFrame(
        {
            "unit": table["unit"].astype(str).astype(object),
            "year": table["year"].astype("int64"),
            "node": table["node"].astype(str).astype(object),
            "level": table["level"].astype("int64"),
        }
    )
    for column in _FLOATS:
        out[column] = (
            np.round(pd.to_numeric(table[column]).to_numpy(np.float64), FLOAT_DECIMALS) + 0.0
        )
    for column in _INTS:
        out[column] = pd.to_numeric(table[column]).round().astype("Int64")
    peer = table["peer_group"].astype(object)
    out["peer_group"] = peer.where(peer.notna(), None).map(lambda v: None if v is None else str(v))
    return out[SCORE_COLUMNS].reset_index(drop=True)


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    plain = table.astype(object).where(table.notna(), None)
    return [json_safe(row) for row in plain.to_dict("records")]


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.json")


def write_scores(table: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> list[Path]:
    """Write the table in the format the suffix names; return every file written."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        document = {
            "format": FORMAT_NAME,
            "format_version": 1,
            "columns": SCORE_COLUMNS,
            "provenance": provenance,
            "rows": _records(table),
        }
        return [atomic_write(path, dumps_json(document))]
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
