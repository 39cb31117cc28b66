"""The scores table: every node's score of every unit and year, in one tidy, canonical form.

A row per unit, year and node with its score, rank (aggregate nodes only), peer rank and
change since the unit's previous year (:func:`~mint_index.rules.changes.year_on_year`).
Rows are sorted by unit, year and framework order; floats have fixed precision, so the
same inputs give the same bytes. The scores file writes it (:mod:`mint_index.scores_file`:
``mi.write_scores``, ``mint-index score``) and the SQL export stores it
(:mod:`mint_index.sql_export`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.files import CSV_FLOAT_DECIMALS
from mint_index.rules.changes import year_on_year

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["SCORE_COLUMNS", "canonical", "score_table"]

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
    aggregated = results.cube("aggregated")  # [year, unit, node]

    # the aggregates' ranks (results.rank_cubes, never the ranks table a user may edit);
    # indicators are not ranked
    n_i = len(results.indicator_ids)
    rank, peer_rank = np.full((2, n_u, n_y, n_n), np.nan)
    rank[:, :, n_i:], peer_rank[:, :, n_i:] = results.rank_cubes
    peers = results.units.get("peer_group")
    peer = peers.reindex(units).to_numpy(object) if peers is not None else np.full(n_u, None)
    levels = np.asarray([results.framework.levels[n] for n in nodes], dtype=np.int64)
    per_row = n_y * n_n
    table = pd.DataFrame(
        {  # text as codes into units and nodes: canonical() makes each text once
            "unit": pd.Categorical.from_codes(np.repeat(np.arange(n_u), per_row), units),
            "year": np.tile(np.repeat(years, n_n), n_u),
            "node": pd.Categorical.from_codes(np.tile(np.arange(n_n), n_u * n_y), nodes),
            "level": np.tile(levels, n_u * n_y),
            "score": aggregated.transpose(1, 0, 2).reshape(-1),
            "rank": rank.reshape(-1),
            "peer_group": pd.Series(np.repeat(peer, per_row), dtype=object),
            "peer_rank": peer_rank.reshape(-1),
            "change": year_on_year(aggregated, axis=0).transpose(1, 0, 2).reshape(-1),
        }
    )
    return canonical(table)


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes and float precision: the form every writer and reader agrees on."""
    out = pd.DataFrame(
        {
            "unit": _text(table["unit"]),
            "year": table["year"].astype("int64"),
            "node": _text(table["node"]),
            "level": table["level"].astype("int64"),
            "peer_group": _text(table["peer_group"]),
        }
    )
    for column in _FLOATS:
        values = pd.to_numeric(table[column]).to_numpy(np.float64)
        with np.errstate(over="ignore"):  # 1e308 becomes inf, which readers refuse
            out[column] = np.round(values, CSV_FLOAT_DECIMALS) + 0.0
    for column in _INTS:
        out[column] = pd.to_numeric(table[column]).round().astype("Int64")
    return out[SCORE_COLUMNS].reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    """A column as Python text (object dtype; a missing cell None), made from its distinct
    values: a table of millions of rows holds a few thousand units and nodes."""
    codes, distinct = pd.factorize(values)
    text = np.array([*(str(v) for v in distinct), None], dtype=object)
    return pd.Series(text[codes], index=values.index, dtype=object)  # code -1: None
