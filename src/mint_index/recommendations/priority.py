"""Priority: which measures matter most for a unit, on one stated 0-100 scale.

``priority = 100 x severity x shortfall x trend factor`` (0 = nothing at stake, 100 = the
most urgent a measure can be), where

- severity: the rule's judgement, ``low`` 1/3, ``medium`` 2/3, ``high`` 1;
- shortfall: the focus node's gap in score points as a share of the 0-100 score scale
  (clipped to 0..1) - the largest of the gaps the rule tests on that node (a ``score``
  test counts as testing the gap to the target); for a rule that tests none there, the
  larger of the gaps to the target and the peer median;
- trend factor: ``clip(0.75 - trend / 20, 0.5, 1)`` with the node's average annual change
  (points per year): 0.75 without a trend, 1 for a node losing 5 or more points a year,
  0.5 for one gaining 5 or more.

Bands (:func:`band`): **high** from 50, **medium** from 25, **low** below - the same in
every table, report and export. A priority keeps 9 decimals (``100 x 2/3 x 0.75`` is 50,
not 49.99999999999999, and in its band); reports show it in whole points cut off, not
rounded (:meth:`~mint_index.rules.formatting.Formatter.priority`), so the number shown
and its band always agree: 24.6 is ``24``, low. The node's weight in the index does not
enter: how urgent a measure is does not depend on how many sibling indicators the
framework happens to give its indicator (``weight`` is accepted for the engine's call and
ignored).

Ties are broken by severity, then rule id, then the action's place in the rule, so the
order never depends on dictionary or hash order.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np

__all__ = [
    "BANDS",
    "SCALE",
    "SEVERITIES",
    "SEVERITY",
    "TREND_FACTOR_MAX",
    "TREND_FACTOR_MIN",
    "TREND_SCALE",
    "Severity",
    "band",
    "bands",
    "priority",
]

#: How serious a rule judges what it finds (a rule's ``severity``).
Severity = Literal["low", "medium", "high"]
#: The severities, weakest first (also the categories of the ``severity`` column).
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
#: Severity factors.
SEVERITY: dict[Severity, float] = {"low": 1.0 / 3.0, "medium": 2.0 / 3.0, "high": 1.0}

#: The priority scale.
SCALE: tuple[float, float] = (0.0, 100.0)

#: Lower bounds of the priority bands, highest first.
BANDS: tuple[tuple[str, float], ...] = (("high", 50.0), ("medium", 25.0), ("low", 0.0))

#: Points per year of trend that move the trend factor from 0.75 to its floor or ceiling
#: in twice that many points (5 points a year: 0.5 or 1).
TREND_SCALE = 20.0
#: The trend factor without a trend.
_TREND_FLAT = 0.75
#: The trend factor's floor (a node clearly improving) and ceiling (clearly worsening).
TREND_FACTOR_MIN, TREND_FACTOR_MAX = 0.5, 1.0


def priority(
    severity: np.ndarray | float,
    gap: np.ndarray,
    weight: np.ndarray | float,
    trend: np.ndarray,
) -> np.ndarray:
    """Elementwise priority on 0-100 (see the module docs); NaN gaps count as 0, NaN
    trends as flat. ``weight`` does not enter the scale (see the module docs)."""
    del weight  # part of the engine's call; deliberately not part of the scale
    factor = np.clip(
        _TREND_FLAT - np.nan_to_num(trend, nan=0.0) / TREND_SCALE,
        TREND_FACTOR_MIN,
        TREND_FACTOR_MAX,
    )
    shortfall = np.clip(np.nan_to_num(gap, nan=0.0) / (SCALE[1] - SCALE[0]), 0.0, 1.0)
    exact = SCALE[1] * np.asarray(severity, dtype=np.float64) * shortfall * factor
    return np.round(exact, _DECIMALS)


#: Decimals a priority keeps: thirds are not exact in binary, so 100 x 2/3 x 1 x 0.75 is
#: 49.99999999999999, which fell below the band ``high`` from 50 it belongs to.
_DECIMALS = 9


def band(value: float | None) -> str:
    """``high``, ``medium`` or ``low`` for a priority (``""`` when missing)."""
    if value is None or value != value:
        return ""
    return next(name for name, lower in BANDS if value >= lower)


def bands(values: np.ndarray) -> np.ndarray:
    """:func:`band` for an array of priorities (object array; ``""`` where missing)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.full(values.shape, "", dtype=object)
    for name, lower in reversed(BANDS):
        out[values >= lower] = name
    return out
