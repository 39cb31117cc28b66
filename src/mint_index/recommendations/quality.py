"""Is a node's data good enough to act on, per unit and year?

An indicator is not reliable where its score is missing, where it was imputed, where it
rests on a denominator below the indicator's minimum (``unreliable``) or where the unit
was screened out. An aggregate is not reliable where its score is missing or where more
than ``max_poor_share`` of its weight comes from indicators that are not reliable.

Rules never act on such cells; when that leaves a rule undecided, the unit gets a
data-quality note instead of a recommendation (see :mod:`mint_index.recommendations.conditions`).

Everything is read from the arrays of the results (never from the tidy flags table), and
the flags a rule may test are computed for the one node it tests (:meth:`Quality.flag`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

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
    poor: np.ndarray  # int16: indicators at or below the node that are not reliable
    total: np.ndarray  # [node] int: indicators at or below the node
    missing_reason: np.ndarray  # [year, unit, indicator] int8 codes into DERIVED_REASONS
    below: np.ndarray  # [node, indicator] bool: the indicator is at or below the node
    marks: dict[str, np.ndarray]  # flag -> bool [year, unit, indicator] (value flags)
    screened_out: np.ndarray  # [year, unit] bool: the unit was dropped that year

    def flag(self, name: str, node: int) -> np.ndarray:
        """``[year, unit]``: the node carries flag ``name`` (an aggregate: any indicator
        below it). ``missing`` is any missing reason, ``missing:<reason>`` one of them;
        ``screened_out`` applies to every node (it is a flag on the index)."""
        n_y, n_u = self.screened_out.shape
        if name == "screened_out":
            return self.screened_out.copy()
        if name == "missing" or name.startswith("missing:"):
            reason = name.partition(":")[2]
            if reason and reason not in DERIVED_REASONS[1:]:
                return np.zeros((n_y, n_u), dtype=bool)
            code = DERIVED_REASONS.index(reason) if reason else 0
            cells = self.missing_reason[:, :, self.below[node]]
            return np.asarray((cells > 0 if not code else cells == code).any(axis=2))
        mask = self.marks.get(name)
        if mask is None or mask.size == 0:
            return np.zeros((n_y, n_u), dtype=bool)
        return np.asarray(mask[:, :, self.below[node]].any(axis=2))


def assess(results: Results, max_poor_share: float = 0.5) -> Quality:
    """The reliability of every node's score, per year and unit."""
    fw = results.framework
    n_i = len(fw.indicator_ids)
    scores = results.cube("aggregated")
    marks = results.indicator_flags()
    screened = results.log.screened_out
    if screened.size == 0:
        screened = np.zeros(scores.shape[:2], dtype=bool)

    reason = np.zeros((*scores.shape[:2], n_i), dtype=np.int8)
    # later assignments win, so apply the weakest reason first
    for name in ("imputed", "unreliable"):
        if marks[name].size:
            reason[marks[name]] = _CODE[name]
    reason[np.isnan(scores[:, :, :n_i])] = _CODE["missing"]
    reason[screened] = _CODE["screened_out"]
    poor_ind = reason > 0

    share = weight_shares(results.plan)[:, :n_i]  # [node, indicator]
    below = share > 0
    # aggregates: the share of their weight, and the number of indicators, not reliable,
    # in one product of 2D matrices ([year * unit, indicator] by [indicator, 2 x aggregate]:
    # numpy hands it to BLAS in one call, where a 3D operand goes a year at a time);
    # counts of indicators are exact in float64
    n_a = share.shape[0] - n_i
    both = poor_ind.reshape(-1, n_i).astype(np.float64) @ np.hstack([share[n_i:].T, below[n_i:].T])
    both = both.reshape(*scores.shape[:2], 2 * n_a)
    poor_share = both[:, :, :n_a]  # [year, unit, aggregate]
    poor = np.empty(scores.shape, dtype=np.int16)
    poor[:, :, :n_i] = poor_ind
    poor[:, :, n_i:] = both[:, :, n_a:]

    full_reason = np.empty(scores.shape, dtype=np.int8)
    full_reason[:, :, :n_i] = reason
    sparse = np.where(poor_share > max_poor_share + 1e-12, _CODE["sparse"], 0)
    full_reason[:, :, n_i:] = np.where(np.isnan(scores[:, :, n_i:]), _CODE["missing"], sparse)
    return Quality(
        reliable=full_reason == 0,
        reason=full_reason,
        poor=poor,
        total=below.sum(axis=1).astype(np.int64),
        missing_reason=results.derived.reason,
        below=below,
        marks=marks,
        screened_out=screened,
    )
