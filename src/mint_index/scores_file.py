"""The scores file: the tidy scores table with its provenance, written and read back.

``mi.write_scores(res, "scores.csv")`` writes what ``mint-index score --out`` writes, and
``mi.read_scores`` reads it back (what ``mint-index compare`` does with a scores file).
The table (:mod:`mint_index.pipeline.score_table`) is the same in every format, with
fixed precision, so the same inputs give the same bytes. Provenance travels with it:
inside the JSON document, in the Parquet schema metadata, or in ``<file>.provenance.json``
next to a CSV file. A ``.duckdb`` or ``.sqlite`` file gets the gaps and recommendations
too (:mod:`mint_index.sql_export`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.data.cells import not_years
from mint_index.errors import DataValidationError, FileAccessError, OutputError
from mint_index.files import (
    atomic_write,
    atomic_write_together,
    canonical_json,
    csv_text,
    map_text,
    unescape_formula,
)
from mint_index.pipeline.score_table import SCORE_COLUMNS, canonical, score_table
from mint_index.provenance import results_provenance, tool_provenance
from mint_index.sql_export import DATABASE_SUFFIXES, write_database

if TYPE_CHECKING:
    from typing import Literal

    from mint_index.pipeline.results import Results
    from mint_index.recommendations.recommendations import Recommendations

__all__ = [
    "FORMAT_NAME",
    "SUFFIXES",
    "checked_table",
    "is_scores_file",
    "read_scores",
    "sidecar",
    "write_scores",
]

#: Suffixes of a scores file: the table formats, then the databases.
SUFFIXES = (".csv", ".parquet", ".json", *DATABASE_SUFFIXES)
#: The ``format`` marker of the JSON document, and its version.
FORMAT_NAME = "mint-index-scores"
FORMAT_VERSION = 1
#: The Parquet schema metadata key that holds the provenance.
PARQUET_KEY = b"mint_index"
#: What a year, a level and a rank of a scores file must be, as an error names it.
_YEAR_TEXT = "that is not a whole year from 1000 to 9999"
_COUNT_TEXT = "that is not a whole number from 1"
#: The suffixes :func:`read_scores` reads (a database is read with SQL).
_TABLE_SUFFIXES = (".csv", ".parquet", ".json")


# ---- provenance ---------------------------------------------------------------------------
def sidecar(path: Path) -> Path:
    """The provenance file next to a CSV scores file."""
    return path.with_name(path.name + ".provenance.json")


# ---- writing -------------------------------------------------------------------------------
def write_scores(
    scores: Results | pd.DataFrame,
    path: str | os.PathLike[str],
    provenance: dict[str, Any] | None = None,
    *,
    recommendations: Recommendations | Literal["none"] | None = None,
) -> list[Path]:
    """Write the scores in the format the suffix of ``path`` names; return every file
    written (a CSV file's provenance sidecar second). Each file is written atomically.

    ``scores``: Results, or a scores table (``read_scores``, ``score_table``).
    ``provenance``: what produced them (default:
    :func:`~mint_index.provenance.results_provenance`, or only ``tool`` and ``version``
    for a table). A database (``.duckdb``, ``.sqlite``,
    ``.sqlite3``, ``.db``) needs Results: it also gets the gaps and ``recommendations``
    (default: made with the packaged rules; ``"none"`` for an empty table; see
    :func:`mint_index.sql_export.to_sql`). An unknown suffix raises
    :class:`~mint_index.errors.OutputError`; a file that cannot be written,
    :class:`~mint_index.errors.FileAccessError`.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SUFFIXES:
        raise OutputError(f"a scores file ends in {', '.join(SUFFIXES)}, not {target.name!r}")
    if suffix in DATABASE_SUFFIXES and isinstance(scores, pd.DataFrame):
        raise OutputError(
            f"{target.name}: a database holds the gaps and recommendations too; "
            "pass the Results, not a table"
        )
    if suffix not in DATABASE_SUFFIXES and recommendations is not None:
        raise OutputError(
            f"{target.name}: a {suffix} scores file holds no recommendations; write them "
            "to a database or with Recommendations.to_frame()"
        )
    if isinstance(scores, pd.DataFrame):  # a table read_scores would refuse is not written
        table = checked_table(scores, target)
    try:
        if isinstance(scores, pd.DataFrame):
            block = tool_provenance() if provenance is None else provenance
            return _write_table(table, target, block)
        if suffix not in DATABASE_SUFFIXES:
            block = results_provenance(scores) if provenance is None else provenance
            return _write_table(score_table(scores), target, block)
        results = scores
        return [
            atomic_write(
                target,
                lambda temp: write_database(temp, results, provenance, suffix, recommendations),
            )
        ]
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(target)) from None


def _write_table(table: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> list[Path]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return [atomic_write(path, _json_document(table, provenance))]
    if suffix == ".csv":  # the pair, or neither: scores beside another run's provenance lie
        return atomic_write_together(
            [(path, csv_text(table)), (sidecar(path), canonical_json(provenance))]
        )
    return [atomic_write(path, lambda temp: _write_parquet(table, temp, provenance, path))]


def _refuse_row(
    bad: np.ndarray, column: str, what: str, given: pd.DataFrame, first_row: int
) -> None:
    """A ValueError naming the first ``bad`` row: its ``column`` is ``what`` (``out of
    range``, ``not a year ...``), with the value the ``given`` table holds there."""
    if bad.any():
        at = int(bad.argmax())
        value = given[column].iloc[at]
        raise ValueError(f"row {first_row + at} has a {column} {what}: {value}")


def _numbers(table: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(table[column]).to_numpy(np.float64, na_value=np.nan)


def _not_counts(numbers: np.ndarray) -> np.ndarray:
    """Which numbers are no whole number from 1 (a level or a rank; missing included)."""
    with np.errstate(invalid="ignore"):
        return ~((numbers == np.round(numbers)) & (numbers >= 1) & np.isfinite(numbers))


def _json_document(table: pd.DataFrame, provenance: dict[str, Any]) -> str:
    """The JSON scores document: metadata, then ``rows`` as arrays in ``columns`` order,
    one row per line (readable diffs), each field as ``json`` writes it
    (:func:`_json_values`)."""
    head = canonical_json(
        {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "columns": SCORE_COLUMNS,
            "provenance": provenance,
        }
    )
    fields = [_json_values(table[column]) for column in SCORE_COLUMNS]
    rows = "],\n    [".join(map(",".join, zip(*fields, strict=True)))
    body = f'  "rows": [\n    [{rows}]\n  ]' if len(table) else '  "rows": []'
    # "rows" sorts after every other key: it goes last, as canonical_json would put it
    return head[: -len("\n}\n")] + ",\n" + body + "\n}\n"


def _json_values(column: pd.Series) -> list[str]:
    """A column of the canonical table as JSON texts, written as ``json`` writes each
    value (``float.__repr__``, ``null`` for a missing one), but a text or integer
    column's distinct values are encoded once: millions of rows hold few of them."""
    if column.dtype == np.float64:
        values = column.to_numpy()
        if np.isinf(values).any():
            raise ValueError("Out of range float values are not JSON compliant")
        texts = np.array(list(map(float.__repr__, values.tolist())), dtype=object)
        texts[np.isnan(values)] = "null"
        return texts.tolist()
    codes, distinct = pd.factorize(column)
    encoded = np.array(
        [*(json.dumps(v, ensure_ascii=False) for v in distinct.tolist()), "null"], dtype=object
    )
    return encoded[codes].tolist()  # code -1 (missing): null


def _write_parquet(
    table: pd.DataFrame, temp: Path, provenance: dict[str, Any], target: Path
) -> None:
    pa, pq = _pyarrow(target, "writing")
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = dict(arrow.schema.metadata or {})
    metadata[PARQUET_KEY] = canonical_json(provenance).encode()
    pq.write_table(arrow.replace_schema_metadata(metadata), temp)


def _pyarrow(path: Path, doing: str) -> tuple[Any, Any]:
    """pyarrow and pyarrow.parquet, the optional extra a Parquet scores file needs."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise FileAccessError(
            str(path), f"{doing} .parquet needs pyarrow: pip install 'mint-index[parquet]'"
        ) from None
    return pa, pq


# ---- reading -------------------------------------------------------------------------------
def is_scores_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a scores file (CSV, JSON or Parquet) that :func:`write_scores`
    or ``mint-index score`` wrote, judged by its header, format marker or metadata."""
    file = Path(path)
    if not file.is_file():
        return False
    suffix = file.suffix.lower()
    if suffix == ".json":
        try:
            return json.loads(file.read_text(encoding="utf-8")).get("format") == FORMAT_NAME
        except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
            return False
    if suffix == ".csv":
        with file.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip() == ",".join(SCORE_COLUMNS)
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq

            return PARQUET_KEY in (pq.read_schema(file).metadata or {})
        except Exception:  # not readable as parquet (or no pyarrow): not our file
            return False
    return False


def read_scores(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The scores table of a CSV, JSON or Parquet scores file and its provenance (``None``
    for a CSV file without its sidecar), as :func:`write_scores` was given them.

    A file that is not a scores file raises :class:`~mint_index.DataValidationError`
    (code ``unreadable_file``) saying why; one that cannot be read,
    :class:`~mint_index.errors.FileAccessError`. A database is read with SQL
    (docs/sql.md): a hostile one could hold views that run without end or read other
    files, so it is never opened here.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in _TABLE_SUFFIXES:
        raise DataValidationError(
            [
                _problem(
                    file,
                    f"read_scores reads {', '.join(_TABLE_SUFFIXES)} scores files"
                    + (
                        "; read a database with SQL, or write the scores as a file "
                        "(score --out scores.csv) to compare them"
                        if suffix in DATABASE_SUFFIXES
                        else ""
                    ),
                )
            ]
        )
    try:
        if suffix == ".json":
            table, provenance = _read_json(file)
        elif suffix == ".csv":
            table, provenance = _read_csv(file)
        else:
            table, provenance = _read_parquet(file)
        if list(table.columns) != SCORE_COLUMNS:
            raise ValueError(f"its columns are not {', '.join(SCORE_COLUMNS)}")
        return _checked(table, first_row=2 if suffix == ".csv" else 1), provenance
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(file)) from None
    except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as exc:
        reason = f"not a mint-index scores file: {exc}".replace("\n", " ")
        raise DataValidationError([_problem(file, reason)]) from None


def checked_table(table: pd.DataFrame, where: str | os.PathLike[str]) -> pd.DataFrame:
    """``table`` in :func:`canonical` form if a scores file could hold it, else a
    :class:`~mint_index.DataValidationError` at ``where`` (the file it was to be written
    to, or the argument it was given as): the checks :func:`read_scores` makes of a file,
    for a table written or compared without one (positions from 0)."""
    missing = [c for c in SCORE_COLUMNS if c not in table.columns]
    if missing:
        reason = f"the scores table lacks the column(s) {', '.join(missing)}"
        raise DataValidationError([_problem(Path(where), reason)])
    try:
        return _checked(table, first_row=0)
    except (ValueError, TypeError, OverflowError) as exc:
        reason = f"not a scores table: {exc}".replace("\n", " ")
        raise DataValidationError([_problem(Path(where), reason)]) from None


def _checked(table: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """``table`` in :func:`canonical` form, or a ValueError: for a table without rows, or
    naming the first row a damaged or hand-edited file may hold and no reader can take:
    without a unit or node (the comparison keys on them), repeating a unit, year and node,
    with a year that is no whole year (:func:`~mint_index.data.cells.not_years`), a level
    or rank that is no whole number from 1, or a score or change that is infinite or
    rounds to infinity.
    ``first_row``: the number the file gives its first data row (a CSV file's line,
    after the header)."""
    if table.empty:  # score never writes one: compared, every unit would be "added"
        raise ValueError("it holds no scores (a header without rows)")
    given = table
    # before canonical(), which makes them whole numbers: a year of 2024.7 is no 2024
    _refuse_row(not_years(_numbers(table, "year")), "year", _YEAR_TEXT, given, first_row)
    _refuse_row(_not_counts(_numbers(table, "level")), "level", _COUNT_TEXT, given, first_row)
    for column in ("rank", "peer_rank"):  # empty for an indicator: no rank
        ranks = _numbers(table, column)
        _refuse_row(~np.isnan(ranks) & _not_counts(ranks), column, _COUNT_TEXT, given, first_row)
    table = canonical(table)
    for column in ("score", "change"):  # after: rounding turns 1e308 into inf
        infinite = np.isinf(table[column].to_numpy(np.float64, na_value=np.nan))
        _refuse_row(infinite, column, "out of range", given, first_row)
    for column in ("unit", "node"):
        empty = table[column].isna() | (table[column] == "")
        if empty.any():
            raise ValueError(f"row {first_row + int(empty.argmax())} has no {column}")
    repeated = table.duplicated(["unit", "year", "node"])
    if repeated.any():
        at = int(repeated.argmax())
        row = table.iloc[at]
        raise ValueError(
            f"row {first_row + at} repeats unit {row['unit']}, year {row['year']}, "
            f"node {row['node']}"
        )
    _check_levels(table, first_row)
    return table


def _check_levels(table: pd.DataFrame, first_row: int) -> None:
    """A ValueError where the levels cannot be a framework's: a node at two levels (a
    hand-edited row: compared, one row made the file a year of one unit), or not one node
    at the highest level (the index rows left out: compared, the other side's index was
    taken for a domain)."""
    # on integer codes (a groupby over the node texts took 1.3 s for a national file of
    # 6.8 million rows): each distinct (node, level) pair counted, each node's usual level
    # the one of most rows (the first seen where rows tie)
    node, nodes = pd.factorize(table["node"])
    level_code, levels = pd.factorize(table["level"].to_numpy(np.int64))
    pair, keys = pd.factorize(node.astype(np.int64) * len(levels) + level_code)
    pair_node, pair_level = keys // len(levels), levels[keys % len(levels)]
    by_node = np.lexsort((-np.bincount(pair), pair_node))  # stable: the first seen first
    first = by_node[np.r_[True, pair_node[by_node][1:] != pair_node[by_node][:-1]]]
    usual = np.empty(len(nodes), dtype=np.int64)
    usual[pair_node[first]] = pair_level[first]
    level_of = usual[node]
    moved = levels[level_code] != level_of
    if moved.any():
        at = int(moved.argmax())
        row = table.iloc[at]
        raise ValueError(
            f"row {first_row + at} gives node {row['node']} level {row['level']}, its other "
            f"rows level {level_of[at]}"
        )
    top = nodes[np.unique(node[levels[level_code] == levels.max()])]
    if len(top) > 1:
        shown = ", ".join(map(str, top[:5])) + (" ..." if len(top) > 5 else "")
        raise ValueError(
            f"no index: nodes {shown} share the highest level, where a scores file has its "
            "index alone (were its rows left out?)"
        )


def _read_json(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The JSON document's rows as written: its format and version, its column list, the
    rows' length and the types of what they hold are checked (a unit id written as a
    number had lost its zeros, a score ``true`` read as 1.0, a version 2 was taken)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError(f'no "format": "{FORMAT_NAME}"')
    if document.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"format_version {document.get('format_version')!r}: this version of mint-index "
            f"reads format_version {FORMAT_VERSION}"
        )
    if document.get("columns", SCORE_COLUMNS) != SCORE_COLUMNS:
        raise ValueError(f'its "columns" are not {", ".join(SCORE_COLUMNS)}')
    rows = document["rows"]
    if not isinstance(rows, list) or any(
        not isinstance(row, list) or len(row) != len(SCORE_COLUMNS) for row in rows
    ):
        raise ValueError(f"a row is not a list of {len(SCORE_COLUMNS)} values")
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    for column, kinds in _JSON_KINDS.items():  # pandas' own inference, at C speed
        if pd.api.types.infer_dtype(table[column], skipna=True) not in kinds:
            values = table[column].tolist()  # only on the way to the error: find the row
            at = next(k for k, v in enumerate(values) if v is not None and not _of_kinds(v, kinds))
            raise ValueError(f"row {at + 1} has a {column} of the wrong kind: {values[at]!r}")
    return table, document.get("provenance")


#: What each column of a JSON scores document may hold (``null`` everywhere), as pandas'
#: ``infer_dtype`` names it: text, or numbers (never true or false).
_TEXT_KINDS = ("string", "empty")
_NUMBER_KINDS = ("integer", "floating", "mixed-integer-float", "empty")
_JSON_KINDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("unit", "node", "peer_group"), _TEXT_KINDS),
    **dict.fromkeys(("year", "level", "score", "rank", "peer_rank", "change"), _NUMBER_KINDS),
}


def _of_kinds(value: object, kinds: tuple[str, ...]) -> bool:
    """Whether one value is of ``kinds`` (:data:`_TEXT_KINDS` or :data:`_NUMBER_KINDS`)."""
    if kinds == _TEXT_KINDS:
        return isinstance(value, str)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _read_csv(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    table = pd.read_csv(
        path,
        dtype={"unit": str, "node": str, "peer_group": str},
        keep_default_na=False,
        na_values=[""],
    )
    for column in ("unit", "node", "peer_group"):  # undo the formula escaping
        table[column] = map_text(table[column], unescape_formula)
    side = sidecar(path)
    provenance = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else None
    return table, provenance


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    _, pq = _pyarrow(path, "reading")
    arrow = pq.read_table(path)
    raw = (arrow.schema.metadata or {}).get(PARQUET_KEY)
    return arrow.to_pandas(), json.loads(raw) if raw else None


def _problem(path: Path, reason: str) -> dict[str, Any]:
    """One row of a DataValidationError about a scores file."""
    return {
        "source": str(path),
        "row": None,
        "column": None,
        "value": None,
        "reason": reason,
        "code": "unreadable_file",
    }
