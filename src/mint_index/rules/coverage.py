"""Coverage rules: how much of the data must be present for a result to count.

- *Indicator coverage* of a unit in a year: the share of indicators with a value (the
  availability screen keeps a unit when it reaches ``min_coverage``; ``res.screened_out``
  reports it).
- *Weight present* under an aggregate: the weight of the children with a value divided by
  the weight of all children. A parent is missing where it is below the aggregation
  method's ``min_share`` (the engine and the uncertainty replicates apply the same rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mint_index.plan import StepChoice

__all__ = ["MIN_SHARE_TOLERANCE", "indicator_coverage", "min_share", "min_share_threshold"]

#: Slack under ``min_share``, so that a share equal to it up to rounding still counts.
MIN_SHARE_TOLERANCE = 1e-12


def indicator_coverage(x: np.ndarray) -> np.ndarray:
    """Share of indicators with a value in ``x`` ``[year, unit, indicator]``: ``[year, unit]``
    (1 when there are no indicators)."""
    if not x.shape[2]:
        return np.ones(x.shape[:2])
    return 1.0 - np.isnan(x).sum(axis=2) / x.shape[2]


def min_share(choice: StepChoice) -> float:
    """The least share of weight present an aggregation method asks for (0 if it has none)."""
    return float(getattr(choice.params, "min_share", 0.0))


def min_share_threshold(choice: StepChoice) -> float:
    """The share of weight present at or above which a parent gets a value."""
    return min_share(choice) - MIN_SHARE_TOLERANCE
