"""Weights from the data: the first principal component within each parent (COINr get_PCA).

PCA weights say how strongly each child moves with what its siblings share. COINr's
``get_PCA(coin, dset, Level, by_groups = TRUE)`` runs ``prcomp(na.omit(x), center = TRUE,
scale = TRUE)`` on the children of each parent and takes the loadings of the first
component as weights; :func:`pca_weights` does the same on a level of the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.analysis import statistics as st
from mint_index.errors import SpecError

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["pca_weights"]


def pca_weights(
    results: Results, level: int = 1, year: int | None = None, stage: str = "aggregated"
) -> pd.Series:
    """Loadings of the first principal component of each parent's children at ``level``.

    ``level`` 1 are the indicators, 2 their parents, and so on; ``year`` defaults to the
    latest. Each parent's children are standardised and their units with every child
    present used (COINr drops incomplete rows too). ``stage``: the values analysed;
    ``aggregated`` (default) gives normalised indicators, direction applied, and the
    aggregates; for indicators any earlier stage (COINr's default is its Raw data set).

    Returns a Series indexed by node (``results.node_ids`` order at that level), NaN for a
    parent whose children cannot be analysed (a constant child, fewer than two complete
    units). A single child gets loading 1.

    Sign convention: the sign of a principal component is arbitrary (R's ``prcomp`` returns
    whatever its SVD gives). Here each parent's loadings are turned so that their sum is
    positive: the component points the way most children do. COINr's weights for the same
    data are equal up to that sign.
    """
    fw = results.framework
    levels = sorted(set(fw.levels.values()))
    if level not in levels or level == max(levels):
        raise SpecError(
            f"pca_weights: level {level} has no parent; levels with parents: "
            + ", ".join(str(v) for v in levels[:-1])
        )
    if stage != "aggregated" and level != 1:
        raise SpecError(f"pca_weights: stage {stage!r} holds indicators only; use level 1")
    years = [int(v) for v in results.years]
    when = results.year_or_latest(year, "pca_weights")
    columns = fw.node_ids if stage == "aggregated" else fw.indicator_ids
    position = {node: i for i, node in enumerate(columns)}
    values = results.cube(stage)[years.index(when)]  # [unit, column]
    out = pd.Series(np.nan, index=[n for n in fw.node_ids if fw.levels[n] == level], dtype=float)
    out.index.name = "node"
    for parent in fw.aggregate_ids:
        kids = [k for k in fw.children[parent] if fw.levels[k] == level]
        if kids:
            out[kids] = st.first_pc(values[:, [position[k] for k in kids]])
    return out
