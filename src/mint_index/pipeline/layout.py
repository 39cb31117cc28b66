"""Fast changes of memory layout between ``[year, unit, column]`` and ``[column, year, unit]``.

Cubes are ``[year, unit, column]`` by convention, so one column (a variable, an indicator,
a node) is strided across the whole cube. Work that goes column by column - deriving
indicators from variables, aggregating children into parents - is faster on a
column-major copy, where each column is one contiguous block.
"""

from __future__ import annotations

import numpy as np

__all__ = ["column_last", "column_major"]

#: Rows per block of :func:`_transposed`: a block of a few MB stays in the CPU cache.
_BLOCK = 4096


def _transposed(a: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``a.T`` for a 2-D array.

    Copied block by block: a plain transposing copy of a cube larger than the cache
    re-reads every cache line once per column and is two to three times slower.
    """
    out = np.empty(a.shape[::-1], dtype=a.dtype)
    for start in range(0, a.shape[0], _BLOCK):
        out[:, start : start + _BLOCK] = a[start : start + _BLOCK].T
    return out


def column_major(cube: np.ndarray) -> np.ndarray:
    """``[year, unit, column]`` -> a C-contiguous ``[column, year, unit]`` copy."""
    n_y, n_u, n_c = cube.shape
    return _transposed(cube.reshape(n_y * n_u, n_c)).reshape(n_c, n_y, n_u)


def column_last(cube: np.ndarray) -> np.ndarray:
    """``[column, year, unit]`` -> a C-contiguous ``[year, unit, column]`` copy."""
    n_c, n_y, n_u = cube.shape
    return _transposed(cube.reshape(n_c, n_y * n_u)).reshape(n_y, n_u, n_c)
