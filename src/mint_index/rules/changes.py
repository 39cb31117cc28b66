"""Year-on-year change: a score minus the same unit's score in the previous year of the data.

The first year has no change (NaN); a gap in the years is not bridged (the change is to
the previous year present in the data, whatever the distance). ``res.changes`` and the
``change`` column of the gaps table both use :func:`year_on_year`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["year_on_year"]


def year_on_year(scores: np.ndarray, axis: int, out: np.ndarray | None = None) -> np.ndarray:
    """Change along the year ``axis`` of ``scores``; NaN at the first year.

    Writes into ``out`` when given (same shape as ``scores``) and returns it.
    """
    s = np.moveaxis(np.asarray(scores, dtype=np.float64), axis, 0)
    if out is None:
        out = np.empty(np.shape(scores))
    o = np.moveaxis(out, axis, 0)
    o[:1] = np.nan
    np.subtract(s[1:], s[:-1], out=o[1:])
    return out
