"""Results as SQL tables, for the tools that read a database rather than files.

``res.to_sql(con)`` (and ``mint-index score --out results.duckdb`` / ``results.sqlite``)
writes four tables into a DuckDB or SQLite database - ``scores``, ``gaps``,
``recommendations`` and ``provenance`` - with the types and keys of :data:`SCHEMA` (see
docs/sql.md). Existing tables of these names are replaced; other tables are left alone.
DuckDB is an optional extra (``pip install 'mint-index[duckdb]'``); SQLite is Python's
own ``sqlite3``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd

from mint_index.errors import MintIndexError

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.recommendations import Recommendations

__all__ = ["DATABASE_SUFFIXES", "NO_RECOMMENDATIONS", "SCHEMA", "to_sql", "write_database"]

#: File suffixes written as a database: DuckDB, else SQLite.
DATABASE_SUFFIXES = (".duckdb", ".sqlite", ".sqlite3", ".db")
#: ``recommendations=`` for an empty ``recommendations`` table (``rules: none``, ``--rules none``).
NO_RECOMMENDATIONS: Final = "none"

#: Table -> (column, SQL type) in order, and the primary key. ``TEXT``/``DOUBLE``/
#: ``INTEGER``/``BIGINT`` are understood by DuckDB and SQLite alike. Columns that a newer
#: version adds to a table are written after these, typed from their values. A column is
#: ``NOT NULL`` only where every kind of row has a value: in ``recommendations`` the
#: measures in place (kind ``in_place``) have no rule and no node, and the notes no action,
#: so only ``unit``, ``year`` and ``kind`` are. ``band`` and the register columns
#: (``since`` to ``previous_spell``) come last: they were written there, typed from
#: their values, before they were listed, and readers found them there.
SCHEMA: dict[str, tuple[list[tuple[str, str]], tuple[str, ...]]] = {
    "scores": (
        [
            ("unit", "TEXT NOT NULL"),
            ("year", "INTEGER NOT NULL"),
            ("node", "TEXT NOT NULL"),
            ("level", "INTEGER NOT NULL"),
            ("score", "DOUBLE"),
            ("rank", "INTEGER"),
            ("peer_group", "TEXT"),
            ("peer_rank", "INTEGER"),
            ("change", "DOUBLE"),
        ],
        ("unit", "year", "node"),
    ),
    "gaps": (
        [
            ("unit", "TEXT NOT NULL"),
            ("year", "INTEGER NOT NULL"),
            ("node", "TEXT NOT NULL"),
            ("peer_group", "TEXT"),
            ("value", "DOUBLE"),
            ("score", "DOUBLE"),
            ("gap_target", "DOUBLE"),
            ("gap_peer_median", "DOUBLE"),
            ("gap_peer_best", "DOUBLE"),
            ("parity_gap", "DOUBLE"),
            ("change", "DOUBLE"),
            ("trend", "DOUBLE"),
        ],
        ("unit", "year", "node"),
    ),
    "recommendations": (
        [
            ("unit", "TEXT NOT NULL"),
            ("year", "INTEGER NOT NULL"),
            ("kind", "TEXT NOT NULL"),
            ("rank", "INTEGER"),
            ("action", "TEXT"),
            ("priority", "DOUBLE"),
            ("severity", "TEXT"),
            ("rule", "TEXT"),
            ("rules", "TEXT"),
            ("node", "TEXT"),
            ("reason", "TEXT"),
            ("gap_kind", "TEXT"),
            ("gap", "DOUBLE"),
            ("value", "DOUBLE"),
            ("score", "DOUBLE"),
            ("gap_target", "DOUBLE"),
            ("gap_peer_median", "DOUBLE"),
            ("gap_peer_best", "DOUBLE"),
            ("parity_gap", "DOUBLE"),
            ("change", "DOUBLE"),
            ("trend", "DOUBLE"),
            ("programme", "TEXT"),
            ("source", "TEXT"),
            ("actors", "TEXT"),
            ("effort", "TEXT"),
            ("horizon", "TEXT"),
            ("title_de", "TEXT"),
            ("title_en", "TEXT"),
            ("evidence_de", "TEXT"),
            ("evidence_en", "TEXT"),
            ("text_de", "TEXT"),
            ("text_en", "TEXT"),
            ("band", "TEXT"),
            ("since", "INTEGER"),
            ("since_at_least", "INTEGER"),
            ("review", "TEXT"),
            ("review_indicators", "TEXT"),
            ("previous_spell", "TEXT"),
        ],
        (),
    ),
    "provenance": ([("key", "TEXT NOT NULL"), ("value", "TEXT")], ("key",)),
}

#: Lists in a cell (``rules``, ``actors``) are joined with this.
LIST_SEPARATOR = ","


def to_sql(
    results: Results,
    con: Any,
    recommendations: Recommendations | Literal["none"] | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    """Write the tables into ``con``: a ``sqlite3`` or ``duckdb`` connection, or the path
    of a database file (``.duckdb`` is DuckDB, anything else SQLite).

    ``recommendations``: default ``mi.recommend(results)`` with the packaged rules (those
    that test nodes the framework lacks skipped, with one
    :class:`~mint_index.recommendations.rules.RulesSkippedWarning`);
    :data:`NO_RECOMMENDATIONS` (``"none"``) for an empty table. ``provenance``: more
    ``key -> value`` rows (values stored as JSON) next to the keys of
    :func:`~mint_index.provenance.results_provenance` and the rules' (docs/sql.md); a key
    of both is yours. Returns the rows written per table.
    """
    if isinstance(con, str | Path):
        path = Path(con)
        connection = _connect(path, path.suffix)
        try:
            return to_sql(results, connection, recommendations, provenance)
        finally:
            connection.close()
    tables = _tables(results, recommendations, provenance)
    writer = _write_duckdb if "duckdb" in type(con).__module__ else _write_sqlite
    if writer is _write_sqlite and not isinstance(con, sqlite3.Connection):
        raise MintIndexError(
            f"to_sql needs a sqlite3 or duckdb connection or a file path, not {type(con).__name__}"
        )
    for name, frame in tables.items():
        writer(con, name, frame)
    return {name: len(frame) for name, frame in tables.items()}


def write_database(
    path: Path,
    results: Results,
    provenance: Mapping[str, Any] | None = None,
    suffix: str = "",
    recommendations: Recommendations | Literal["none"] | None = None,
) -> None:
    """Write a new database file at ``path``, DuckDB or SQLite as ``suffix`` (default:
    the path's) says, with the tables of :func:`to_sql`. A scores file is written to a
    temporary path and renamed (:func:`mint_index.scores_file.write_scores`), so an empty
    placeholder file there is replaced."""
    if path.exists() and path.stat().st_size == 0:
        path.unlink()  # DuckDB refuses an empty file; SQLite does not mind
    connection = _connect(path, suffix or path.suffix)
    try:
        to_sql(results, connection, recommendations, provenance)
    finally:
        connection.close()


def _connect(path: Path, suffix: str) -> Any:
    if suffix.lower() != ".duckdb":
        return sqlite3.connect(path)
    try:
        import duckdb
    except ImportError as exc:
        raise MintIndexError(
            "writing .duckdb needs duckdb: pip install 'mint-index[duckdb]'"
        ) from exc
    return duckdb.connect(str(path))


def _tables(
    results: Results,
    recommendations: Recommendations | Literal["none"] | None,
    provenance: Mapping[str, Any] | None,
) -> dict[str, pd.DataFrame]:
    """Every table as a frame of plain columns: text (``None`` for missing), integers
    (nullable) and floats (``None`` for NaN when written)."""
    import mint_index as mi
    from mint_index.pipeline.score_table import score_table
    from mint_index.provenance import results_provenance
    from mint_index.recommendations.recommendations import FRAME_COLUMNS

    prov = results_provenance(results)
    made: Recommendations | None = None
    if recommendations is None:
        made = mi.recommend(results)
    elif isinstance(recommendations, str):
        if recommendations != NO_RECOMMENDATIONS:
            raise MintIndexError(
                f"recommendations= takes Recommendations, None or {NO_RECOMMENDATIONS!r}, "
                f"not {recommendations!r}"
            )
        prov["recommendations"] = "none: no rules"
    else:
        made = recommendations
    if made is not None:
        # the rules' keys; the framework they were checked against is ``framework`` already
        meta = made.meta.items()
        prov.update((k, v) for k, v in meta if k != "framework")
    prov.update(provenance or {})
    return {
        "scores": score_table(results),
        "gaps": mi.gaps(results),
        "recommendations": (
            made.to_frame() if made is not None else pd.DataFrame(columns=FRAME_COLUMNS)
        ),
        "provenance": pd.DataFrame(
            {"key": list(prov), "value": [json.dumps(v, sort_keys=True) for v in prov.values()]}
        ),
    }


def _columns(name: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """The table's columns: the documented ones, then any the frame adds."""
    known, _ = SCHEMA[name]
    extra = [c for c in frame.columns if c not in dict(known)]
    return [*known, *((c, _sql_type(frame[c])) for c in extra)]


def _sql_type(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_integer_dtype(column):
        return "BIGINT"
    if pd.api.types.is_float_dtype(column):
        return "DOUBLE"
    return "TEXT"


def _create(name: str, columns: list[tuple[str, str]]) -> list[str]:
    _, key = SCHEMA[name]
    body = ", ".join(f'"{c}" {t}' for c, t in columns)
    if key:
        body += ", PRIMARY KEY (" + ", ".join(f'"{c}"' for c in key) + ")"
    return [f'DROP TABLE IF EXISTS "{name}"', f'CREATE TABLE "{name}" ({body})']


def _plain(frame: pd.DataFrame, columns: list[tuple[str, str]]) -> pd.DataFrame:
    """The frame's columns in table order, lists joined, categories as their values."""
    out = {}
    for column, sql_type in columns:
        values = frame[column] if column in frame.columns else pd.Series(None, index=frame.index)
        if sql_type.startswith("TEXT"):
            values = values.astype(object)
            present = values.notna()
            if present.any() and isinstance(values[present].iloc[0], tuple | list):
                values = values.map(LIST_SEPARATOR.join, na_action="ignore")
            values = values.where(present, None)
        elif sql_type.startswith(("INTEGER", "BIGINT")):
            values = pd.to_numeric(values).round().astype("Int64")
        else:
            values = pd.to_numeric(values).astype(np.float64)
        out[column] = values
    return pd.DataFrame(out)


def _write_sqlite(con: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    columns = _columns(name, frame)
    plain = _plain(frame, columns)
    rows = plain.astype(object).where(plain.notna(), None).itertuples(index=False, name=None)
    marks = ", ".join("?" for _ in columns)
    with con:
        for statement in _create(name, columns):
            con.execute(statement)
        con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def _write_duckdb(con: Any, name: str, frame: pd.DataFrame) -> None:
    columns = _columns(name, frame)
    plain = _plain(frame, columns)
    for statement in _create(name, columns):
        con.execute(statement)
    view = f"_mint_index_{name}"
    con.register(view, plain)
    try:
        con.execute(f'INSERT INTO "{name}" SELECT * FROM "{view}"')
    finally:
        con.unregister(view)
