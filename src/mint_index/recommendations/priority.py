"""Priority: which measures matter most for a unit.

``priority = severity x gap x weight x trend factor``

- severity: 1 (low), 2 (medium), 3 (high), from the rule;
- gap: the focus node's gap in score points, at least 0 - the largest of the gaps the
  rule tests on that node (a ``score`` test counts as testing the gap to the target); for
  a rule that tests none there, the larger of the gaps to the target and the peer median;
- weight: the node's effective weight in the index (its share of the index: the product
  of its and its ancestors' weights relative to their siblings, see
  :mod:`mint_index.rules.weights`), so ``gap x weight`` is the number of index points at
  stake under arithmetic aggregation;
- trend factor: ``clip(1 - trend / 10, 0.5, 2)`` with the node's average annual change
  (points per year): a node losing 5 points a year counts 1.5 times, one gaining 5 points a
  year half as much; 1 when there is no trend yet.

Ties are broken by severity, then rule id, then the action's place in the rule, so the
order never depends on dictionary or hash order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SEVERITY", "TREND_SCALE", "priority"]

#: Severity factors.
SEVERITY: dict[str, float] = {"low": 1.0, "medium": 2.0, "high": 3.0}

#: Points per year of trend that double (falling) or halve (rising, capped) the priority.
TREND_SCALE = 10.0
_TREND_MIN, _TREND_MAX = 0.5, 2.0


def priority(
    severity: np.ndarray, gap: np.ndarray, weight: np.ndarray, trend: np.ndarray
) -> np.ndarray:
    """Elementwise priority (see the module docs); NaN gaps count as 0, NaN trends as flat."""
    factor = np.clip(1.0 - np.nan_to_num(trend, nan=0.0) / TREND_SCALE, _TREND_MIN, _TREND_MAX)
    return severity * np.maximum(np.nan_to_num(gap, nan=0.0), 0.0) * weight * factor
