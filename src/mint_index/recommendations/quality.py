"""Is a node's data good enough to act on, per unit and year?

An indicator is not reliable where its score is missing, where it was imputed, where it
rests on a denominator below the indicator's minimum (``unreliable``) or where the unit
was screened out. An aggregate is not reliable where its score is missing or where more
than ``max_poor_share`` of its weight comes from indicators that are not reliable.

Rules never act on such cells; when that leaves a rule undecided, the unit gets a
data-quality note instead of a recommendation (see :mod:`mint_index.recommendations.conditions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.rules.weights import weight_shares

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["REASONS", "Quality", "assess"]

#: Why a cell is not reliable; index 0 means it is. Earlier reasons win for indicators.
REASONS = ("", "screened_out", "missing", "unreliable", "imputed", "sparse")
_CODE = {name: i for i, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Quality:
    """Per ``[year, unit, node]`` (nodes as ``framework.node_ids``)."""

    reliable: np.ndarray  # bool
    reason: np.ndarray  # int8 codes into REASONS
    poor: np.ndarray  # int: indicators at or below the node that are not reliable
    total: np.ndarray  # [node] int: indicators at or below the node
    flags: dict[str, np.ndarray]  # flag -> bool; an aggregate has a flag if any indicator has
    missing_reason: np.ndarray  # int8 codes into DERIVED_REASONS (why a value is missing)


def flag_cubes(results: Results) -> dict[str, np.ndarray]:
    """``Results.flags`` as bool cubes ``[year, unit, indicator]``.

    ``missing`` flags also appear as ``missing:<reason>``; a flag on an aggregate (the
    index's ``screened_out``) applies to every indicator below it.
    """
    fw = results.framework
    flags = results.flags
    shape = (len(results.years), len(results.unit_ids), len(fw.indicator_ids))
    out: dict[str, np.ndarray] = {}
    if not len(flags):
        return out
    y = pd.Index(results.years).get_indexer(flags["year"].astype(np.int64))
    u = pd.Index(results.unit_ids).get_indexer(flags["unit"].astype(str))
    n = pd.Index(fw.node_ids).get_indexer(flags["node"].astype(str))
    ok = (y >= 0) & (u >= 0) & (n >= 0)
    below = weight_shares(results.plan)[:, : len(fw.indicator_ids)] > 0  # [node, indicator]
    names = flags["flag"].astype(str).to_numpy(dtype=object)
    detail = flags["detail"].astype(object).where(flags["detail"].notna(), "").astype(str)
    qualified = np.where(names == "missing", "missing:" + detail.to_numpy(dtype=object), "")
    for name in sorted(set(names[ok]) | set(qualified[ok & (qualified != "")])):
        hit = ok & ((names == name) | (qualified == name))
        # (year, unit, node) -> every indicator at or below the node
        cells = np.zeros((*shape[:2], len(fw.node_ids)), dtype=bool)
        cells[y[hit], u[hit], n[hit]] = True
        out[name] = (cells.astype(np.float32) @ below.astype(np.float32)) > 0
    return out


def assess(results: Results, max_poor_share: float = 0.5) -> Quality:
    """The reliability of every node's score, per year and unit."""
    fw = results.framework
    n_i = len(fw.indicator_ids)
    scores = results.cube("aggregated")
    flags = flag_cubes(results)
    empty = np.zeros((*scores.shape[:2], n_i), dtype=bool)

    reason = np.zeros((*scores.shape[:2], n_i), dtype=np.int8)
    # later assignments win, so apply the weakest reason first
    for name in ("imputed", "unreliable"):
        reason = np.where(flags.get(name, empty), _CODE[name], reason).astype(np.int8)
    reason = np.where(np.isnan(scores[:, :, :n_i]), _CODE["missing"], reason).astype(np.int8)
    reason = np.where(flags.get("screened_out", empty), _CODE["screened_out"], reason)
    poor_ind = reason > 0

    share = weight_shares(results.plan)[:, :n_i]  # [node, indicator]
    below = (share > 0).astype(np.float64)
    poor_share = poor_ind.astype(np.float64) @ share.T  # [year, unit, node]
    poor = np.rint(poor_ind.astype(np.float64) @ below.T).astype(np.int64)

    full_reason = np.where(
        np.isnan(scores),
        _CODE["missing"],
        np.where(poor_share > max_poor_share + 1e-12, _CODE["sparse"], 0),
    ).astype(np.int8)
    full_reason[:, :, :n_i] = reason
    all_flags = {
        name: np.concatenate(
            [cube, (cube.astype(np.float32) @ below[n_i:].T.astype(np.float32)) > 0], axis=2
        )
        for name, cube in flags.items()
    }
    missing_reason = np.zeros(full_reason.shape, dtype=np.int8)
    for code, name in enumerate(DERIVED_REASONS):
        cube = all_flags.get(f"missing:{name}")
        if code and cube is not None:
            missing_reason[:, :, :n_i] = np.where(
                cube[:, :, :n_i], code, missing_reason[:, :, :n_i]
            )
    return Quality(
        missing_reason=missing_reason,
        reliable=full_reason == 0,
        reason=full_reason,
        poor=poor,
        total=below.sum(axis=1).astype(np.int64),
        flags=all_flags,
    )
