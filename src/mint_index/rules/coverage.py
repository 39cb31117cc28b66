"""Coverage rules: how much of the data must be present for a result to count.

- *Indicator coverage* of a unit in a year: the share of indicators with a value (the
  availability screen keeps a unit when it reaches ``min_coverage``; ``res.screened_out``
  reports it).
- *Children present* under an aggregate: the number of children with a value divided by
  the number of children (COINr's ``dat_thresh``: unweighted). A parent is missing where
  it is below the aggregation method's ``min_share`` (the engine and the uncertainty
  replicates apply the same rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mint_index.plan import StepChoice

__all__ = ["enough_children", "indicator_coverage", "min_share", "too_few_children"]


def indicator_coverage(x: np.ndarray) -> np.ndarray:
    """Share of indicators with a value in ``x`` ``[year, unit, indicator]``: ``[year, unit]``
    (1 when there are no indicators)."""
    if not x.shape[2]:
        return np.ones(x.shape[:2])
    return 1.0 - np.isnan(x).sum(axis=2) / x.shape[2]


def min_share(choice: StepChoice) -> float:
    """The least share of children present an aggregation method asks for (0 if none)."""
    return float(getattr(choice.params, "min_share", 0.0))


def enough_children(x: np.ndarray, weights: np.ndarray, min_share: float) -> np.ndarray:
    """Where a parent gets a score: ``present / n >= min_share`` (COINr's ``dat_thresh``:
    NA where ``sum(!is.na(x)) / length(x) < dat_thresh``), unweighted, with the same exact
    boundary (2 of 4 present with 0.5 keeps the score).

    ``x`` is ``[..., child]``; ``n`` counts the children with a positive weight, so that a
    child given weight 0 (as the uncertainty analysis leaves an indicator out) is not
    there at all, as in COINr's sensitivity analysis, which removes it.
    """
    counted = (np.asarray(weights, dtype=np.float64) > 0).astype(np.float64)
    n = max(int(counted.sum()), 1)
    present = ~np.isnan(x) @ counted  # a count: a product with 0/1, exact in float64
    return ~too_few_children(present, n, min_share)


def too_few_children(present: np.ndarray, n: np.ndarray | int, min_share: float) -> np.ndarray:
    """Where a parent gets no score: ``present`` of its ``n`` children (counts, any shape
    that broadcasts) are fewer than ``min_share`` of them. The comparison itself, for
    callers that count the children present their own way (the uncertainty analysis's
    batches of replications)."""
    return np.asarray(present / n < min_share)
