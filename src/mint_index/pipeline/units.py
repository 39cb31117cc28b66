"""The units table of a result: the data's units in unit order, with each unit's peer group.

Built when first needed (``Results.units``, a grouped imputation), not on every scoring
run: many runs (uncertainty replicates, benchmarks, rescoring) never read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mint_index.data.dataset import Dataset
from mint_index.plan import Plan

__all__ = ["peer_groups", "units_table"]


def units_table(data: Dataset, plan: Plan) -> pd.DataFrame:
    """``data.units`` in the order of ``data.unit_ids``, with a ``peer_group`` column."""
    ids = data.unit_ids.astype(str)
    units = data.units
    if not units.index.equals(pd.Index(ids)):
        units = units.reindex(ids)
    units = units.copy()
    units["peer_group"] = peer_groups(units, plan)
    return units


def peer_groups(units: pd.DataFrame, plan: Plan) -> pd.Series:
    """Each unit's peer group: the configured units column, else size classes from
    ``population`` if the framework defines breaks, else one group ``all``."""
    column = plan.peer_group_column
    config = plan.framework.peer_groups
    if column in units.columns:
        return units[column].astype(object).where(units[column].notna(), "unknown")
    if config.breaks and config.labels and "population" in units.columns:
        population = pd.to_numeric(units["population"], errors="coerce").to_numpy()
        cls = np.searchsorted(np.asarray(config.breaks), population, side="right")
        labels = np.asarray(config.labels, dtype=object)[cls]
        return pd.Series(np.where(np.isnan(population), "unknown", labels), index=units.index)
    return pd.Series("all", index=units.index, dtype=object)
