"""Statistical audit of a scored framework for one year (JRC step 4; COINr's ``get_stats``,
``get_corr``, ``get_corr_flags`` and ``get_cronbach``).

- ``indicator_stats``: availability and distribution of every indicator (only the
  framework's indicators: no denominators or other columns) before imputation (stage
  ``denominated`` by default): COINr's get_stats columns and its four flags.
- ``pearson``, ``spearman``: correlations between every node's scores (normalised
  indicators and aggregates), pairwise complete; ``pearson_pvalues``: their two-sided
  p-values (COINr get_pvals).
- ``flags``: siblings that are redundant (signed ``r > threshold``, as get_corr_flags:
  a strongly negative pair is not redundant) and nodes that correlate negatively with
  their own parent.
- ``consistency``: per aggregate node, Cronbach's alpha of its children (pairwise-complete
  covariances, as get_cronbach) and the variance share of their first principal component.
- ``index_correlation``: per indicator, the correlation with its parent and the index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.analysis import statistics as st
from mint_index.errors import SpecError

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["Audit", "audit"]

#: COINr ``get_stats`` defaults (t_avail, t_skew, t_kurt, t_zero, t_unq): flag an
#: indicator with availability below 0.65, with |skewness| > 2 and kurtosis > 3.5, with
#: non-zero values for fewer than half of all units, or with distinct values for fewer
#: than half of all units (COINr divides both counts by the number of units, present or
#: not).
MIN_AVAILABILITY = 0.65
SKEW_LIMIT, KURT_LIMIT = 2.0, 3.5
MAX_ZERO_SHARE = 0.5
MIN_DISTINCT_SHARE = 0.5


@dataclass(frozen=True)
class Audit:
    """The audit tables; see the module docstring."""

    year: int
    stage: str
    indicator_stats: pd.DataFrame
    pearson: pd.DataFrame
    spearman: pd.DataFrame
    pearson_pvalues: pd.DataFrame
    flags: pd.DataFrame
    consistency: pd.DataFrame
    index_correlation: pd.DataFrame
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable, for reports: tables as records, matrices as nested lists."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {str(k): _plain(v) for k, v in row.items()}
                for row in frame.astype(object).to_dict(orient="records")
            ]

        def matrix(frame: pd.DataFrame) -> dict[str, Any]:
            return {
                "nodes": [str(c) for c in frame.columns],
                "values": [[_plain(v) for v in row] for row in frame.to_numpy().tolist()],
            }

        return {
            "year": self.year,
            "stage": self.stage,
            "threshold": self.threshold,
            "indicator_stats": records(self.indicator_stats),
            "pearson": matrix(self.pearson),
            "spearman": matrix(self.spearman),
            "pearson_pvalues": matrix(self.pearson_pvalues),
            "flags": records(self.flags),
            "consistency": records(self.consistency),
            "index_correlation": records(self.index_correlation),
        }

    def _repr_html_(self) -> str:
        from mint_index.reports.notebook import audit_html

        return audit_html(self)

    def __repr__(self) -> str:
        return (
            f"Audit({self.year}: {len(self.indicator_stats)} indicators, "
            f"{len(self.flags)} correlation flags)"
        )


def _plain(value: Any) -> Any:
    """numpy scalars to Python, NaN to None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _indicator_stats(results: Results, stage: str, y: int) -> pd.DataFrame:
    fw = results.framework
    x = results.cube(stage)[y]
    stats = st.column_stats(x)
    frame = pd.DataFrame(
        {
            "indicator": fw.indicator_ids,
            "parent": [fw.parent_of[i] for i in fw.indicator_ids],
            **stats,
        }
    )
    n_units = x.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        present = frame["n"].to_numpy(dtype=np.float64)
        frame["frc_nonzero"] = frame["n_nonzero"] / present
        frame["frc_unique"] = frame["distinct"] / present
        frame["frc_same"] = frame["n_same"] / present
    frame["flag_availability"] = frame["availability"] < MIN_AVAILABILITY
    frame["flag_skew_kurtosis"] = (frame["skewness"].abs() > SKEW_LIMIT) & (
        frame["kurtosis"] > KURT_LIMIT
    )
    frame["flag_zeros"] = frame["n_nonzero"] / n_units < MAX_ZERO_SHARE
    frame["flag_distinct"] = frame["distinct"] / n_units < MIN_DISTINCT_SHARE
    return frame


def _flags(results: Results, r: pd.DataFrame, threshold: float) -> pd.DataFrame:
    fw = results.framework
    rows: list[dict[str, Any]] = []
    matrix = r.to_numpy(dtype=np.float64)
    row_of = {name: i for i, name in enumerate(r.index)}
    col_of = {name: j for j, name in enumerate(r.columns)}
    for parent in fw.aggregate_ids:
        kids = fw.children[parent]
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                value = matrix[row_of[a], col_of[b]]
                if value > threshold:
                    rows.append(
                        {"flag": "redundant", "node": a, "other": b, "parent": parent, "r": value}
                    )
        for a in kids:
            value = matrix[row_of[a], col_of[parent]]
            if value < 0:
                rows.append(
                    {
                        "flag": "negative_with_parent",
                        "node": a,
                        "other": parent,
                        "parent": parent,
                        "r": value,
                    }
                )
    columns = ["flag", "node", "other", "parent", "r"]
    return pd.DataFrame(rows, columns=columns).astype({"r": np.float64})


def _consistency(results: Results, scores: np.ndarray) -> pd.DataFrame:
    fw = results.framework
    position = {n: i for i, n in enumerate(fw.node_ids)}
    rows = []
    for node in fw.aggregate_ids:
        cols = [position[c] for c in fw.children[node]]
        block = scores[:, cols]
        rows.append(
            {
                "node": node,
                "level": fw.levels[node],
                "children": len(cols),
                "complete_units": int((~np.isnan(block)).all(axis=1).sum()),
                "cronbach_alpha": st.cronbach_alpha(block),
                "first_pc_share": st.first_pc_share(block),
            }
        )
    return pd.DataFrame(rows)


def audit(
    results: Results, year: int | None = None, stage: str = "denominated", threshold: float = 0.9
) -> Audit:
    """Audit ``results`` in ``year`` (default: the latest year with index scores, the
    report's).

    ``stage``: the stage the indicator statistics describe (default ``denominated``:
    before screening, imputation and treatment). ``threshold``: the correlation above
    which two siblings are flagged as redundant (COINr get_corr_flags' ``cor_thresh``).
    """
    years = [int(v) for v in results.years]
    when = results.year_or_latest(year, "audit")
    if not 0 < threshold <= 1:
        raise SpecError(f"audit: threshold must lie in (0, 1], got {threshold}")
    y = years.index(when)
    fw = results.framework
    scores = results.cube("aggregated")[y]  # [unit, node]
    nodes = pd.Index(fw.node_ids, name="node")
    r = st.pearson(scores)
    pearson = pd.DataFrame(r, index=nodes, columns=nodes)
    pvalues = pd.DataFrame(st.pearson_pvalues(scores, r), index=nodes, columns=nodes)
    spearman = pd.DataFrame(st.spearman(scores), index=nodes, columns=nodes)
    index = fw.index.id
    index_correlation = pd.DataFrame(
        {
            "indicator": fw.indicator_ids,
            "parent": [fw.parent_of[i] for i in fw.indicator_ids],
            "r_parent": [pearson.at[i, fw.parent_of[i]] for i in fw.indicator_ids],
            "r_index": pearson.loc[fw.indicator_ids, index].to_numpy(),
            "rho_index": spearman.loc[fw.indicator_ids, index].to_numpy(),
        }
    )
    return Audit(
        year=when,
        stage=stage,
        indicator_stats=_indicator_stats(results, stage, y),
        pearson=pearson,
        spearman=spearman,
        pearson_pvalues=pvalues,
        flags=_flags(results, pearson, threshold),
        consistency=_consistency(results, scores),
        index_correlation=index_correlation,
        threshold=threshold,
    )
