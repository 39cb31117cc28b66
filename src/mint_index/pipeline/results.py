"""Results of one scoring run: every stage, kept inspectable.

Stages are stored as cubes ``[year, unit, column]``; DataFrame views (index ``(unit, year)``)
and the tidy tables (ranks, flags, intervals, ...) are built on first access and cached,
so scoring itself stays array work.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.data.dataset import Dataset
from mint_index.errors import SpecError
from mint_index.framework.framework import Framework
from mint_index.methods.base import TreatResult
from mint_index.pipeline.derive import DERIVED_REASONS, Derived
from mint_index.pipeline.units import units_table
from mint_index.plan import Plan
from mint_index.rules.changes import year_on_year
from mint_index.rules.coverage import indicator_coverage
from mint_index.rules.ranks import nan_for_unranked, rank_rows
from mint_index.spec import BuildSpec

if TYPE_CHECKING:
    from mint_index.plot import PlotAccessor

__all__ = ["STAGES", "Results", "StageLog"]

#: The stages a result keeps, in pipeline order.
STAGES: tuple[str, ...] = (
    "derived",
    "denominated",
    "screened",
    "imputed",
    "treated",
    "normalised",
    "aggregated",
)


class StageLog:
    """What the steps did, as arrays (``[year, unit, indicator]`` unless noted).

    ``screened_out`` ``[year, unit]`` is what the screen decided. The rest is worked out
    from the kept stages and the treatments' records on first access (and kept), so
    scoring does not pay for records nobody reads: ``coverage`` ``[year, unit]``,
    ``imputed``, ``winsorised``, ``points`` and ``log_transformed`` ``[year, indicator]``
    and ``skew_kurt`` ``[4, year, indicator]`` (skewness and kurtosis before, then after).
    """

    def __init__(
        self,
        screened_out: np.ndarray,
        stages: Mapping[str, np.ndarray],
        treatments: list[tuple[list[int], TreatResult]],
        n_indicators: int,
    ) -> None:
        self.screened_out = screened_out
        self._stages = stages
        self._treatments = treatments
        self._n_indicators = n_indicators

    @cached_property
    def coverage(self) -> np.ndarray:
        """Share of indicators each unit has in each year, before screening."""
        return indicator_coverage(self._stages["denominated"])

    @cached_property
    def imputed(self) -> np.ndarray:
        """Values the imputation filled in."""
        screened, imputed = self._stages["screened"], self._stages["imputed"]
        if imputed is screened:
            return np.zeros(screened.shape, dtype=bool)
        return np.isnan(screened) & ~np.isnan(imputed)

    @cached_property
    def winsorised(self) -> np.ndarray:
        out = np.zeros(self._stages["imputed"].shape, dtype=bool)
        for cols, res in self._treatments:
            out[:, :, cols] = res.winsorised
        return out

    @cached_property
    def points(self) -> np.ndarray:
        out = np.zeros(self._per_indicator, dtype=np.int64)
        for cols, res in self._treatments:
            out[:, cols] = res.points
        return out

    @cached_property
    def log_transformed(self) -> np.ndarray:
        out = np.zeros(self._per_indicator, dtype=bool)
        for cols, res in self._treatments:
            out[:, cols] = res.log_transformed
        return out

    @cached_property
    def skew_kurt(self) -> np.ndarray:
        out = np.full((4, *self._per_indicator), np.nan)
        for cols, res in self._treatments:
            for k, part in enumerate(
                (res.skew_before, res.kurt_before, res.skew_after, res.kurt_after)
            ):
                out[k][:, cols] = part
        return out

    @property
    def _per_indicator(self) -> tuple[int, int]:
        return self.screened_out.shape[0], self._n_indicators


class Results:
    """Scores of every node for every unit and year, with all intermediate stages."""

    def __init__(
        self,
        plan: Plan,
        dataset: Dataset,
        stages: dict[str, np.ndarray],
        derived: Derived,
        log: StageLog,
        units: pd.DataFrame | None = None,
    ) -> None:
        """``units``: the units table if the run built it already (else built on first use)."""
        self.plan = plan
        self.dataset = dataset
        self._stages = stages
        self._derived = derived
        self.log = log
        if units is not None:
            self.__dict__["units"] = units

    @cached_property
    def units(self) -> pd.DataFrame:
        """The units table in unit order, with each unit's ``peer_group``."""
        return units_table(self.dataset, self.plan)

    # ---- axes -----------------------------------------------------------------------
    @property
    def spec(self) -> BuildSpec:
        """The spec as the user wrote it (what ``to_dict`` and provenance record); the
        pipeline reads :attr:`plan`, its resolved form."""
        return self.plan.spec

    @property
    def framework(self) -> Framework:
        return self.plan.framework

    @property
    def years(self) -> np.ndarray:
        return self.dataset.years

    @property
    def unit_ids(self) -> np.ndarray:
        return self.dataset.unit_ids.astype(str)

    @property
    def node_ids(self) -> list[str]:
        return self.framework.node_ids

    @property
    def indicator_ids(self) -> list[str]:
        return self.framework.indicator_ids

    @property
    def aggregate_ids(self) -> list[str]:
        return self.framework.aggregate_ids

    # ---- stages ---------------------------------------------------------------------
    def cube(self, name: str) -> np.ndarray:
        """A stage as an array ``[year, unit, column]`` (shared, do not modify)."""
        if name not in self._stages:
            raise SpecError(f"unknown stage {name!r}; stages: {', '.join(STAGES)}")
        return self._stages[name]

    def _columns(self, name: str) -> list[str]:
        return self.node_ids if name == "aggregated" else self.indicator_ids

    @cached_property
    def _row_index(self) -> pd.MultiIndex:
        n_y, n_u = len(self.years), len(self.unit_ids)
        return pd.MultiIndex.from_arrays(
            [np.repeat(self.unit_ids, n_y), np.tile(self.years, n_u)], names=["unit", "year"]
        )

    def _frame(self, cube: np.ndarray, columns: list[str]) -> pd.DataFrame:
        n_y, n_u, n_c = cube.shape
        values = cube.transpose(1, 0, 2).reshape(n_u * n_y, n_c)
        return pd.DataFrame(values, index=self._row_index, columns=pd.Index(columns, name="node"))

    def stage(self, name: str) -> pd.DataFrame:
        """A stage as a DataFrame: index ``(unit, year)``, one column per indicator
        (per node for ``aggregated``)."""
        cache = self.__dict__.setdefault("_frames", {})
        cube = self.cube(name)
        # stages that share one array (a step that changed nothing) share one frame
        if id(cube) not in cache:
            cache[id(cube)] = self._frame(cube, self._columns(name))
        return cache[id(cube)]

    @property
    def scores(self) -> pd.DataFrame:
        """Normalised indicator scores and aggregate scores of every node."""
        return self.stage("aggregated")

    @cached_property
    def changes(self) -> pd.DataFrame:
        """Score change of every node since the unit's previous year in the data."""
        return self._frame(year_on_year(self.cube("aggregated"), axis=0), self.node_ids)

    @cached_property
    def has_data(self) -> np.ndarray:
        """``[year, unit]`` bool: the unit has at least one derived value that year. Scores
        of a year without (carried over by imputation) are not the unit's own: the reports
        never show them as current, and the recommendations note no data gaps for them."""
        return np.asarray((~np.isnan(self.cube("derived"))).any(axis=2))

    @cached_property
    def latest_scored_year(self) -> int | None:
        """The latest year in which at least one unit has an index score (None if no year
        has one): the year a report, an audit, a sensitivity analysis or PCA weights are
        about when none is given."""
        index = self.cube("aggregated")[:, :, self.node_ids.index(self.framework.index.id)]
        scored = np.flatnonzero((~np.isnan(index)).any(axis=1))
        return int(self.years[scored[-1]]) if scored.size else None

    def year_or_latest(self, year: int | None, who: str) -> int:
        """``year`` if the results have it, else (``None``) :attr:`latest_scored_year`; a
        :class:`~mint_index.errors.SpecError` naming ``who`` (the analysis asking)
        otherwise."""
        years = [int(y) for y in self.years]
        when = self.latest_scored_year if year is None else int(year)
        if when is None:
            raise SpecError(f"{who}: no year of the results has an index score")
        if when not in years:
            raise SpecError(f"{who}: year {when} is not in the results; years: {years}")
        return when

    @cached_property
    def effective_weights(self) -> pd.DataFrame:
        """Every node's weight, its share of its parent and its effective weight in the
        index (the product of the shares up the tree), as COINr's ``get_eff_weights``."""
        from mint_index.rules.weights import effective_weights

        return effective_weights(self.plan)

    # ---- tidy tables ----------------------------------------------------------------
    @cached_property
    def rank_cubes(self) -> tuple[np.ndarray, np.ndarray]:
        """The ranks of every aggregate node, overall and within the peer group, as
        read-only arrays ``[unit, year, aggregate]`` (NaN: unranked): what the scores
        file and the SQL tables are written from, so that a cell edited in the
        :attr:`ranks` table a notebook shows never reaches a published file."""
        n_i = len(self.indicator_ids)
        agg = self.cube("aggregated")[:, :, n_i:]  # [y, u, a]
        n_y, n_u, n_a = agg.shape
        columns = agg.transpose(0, 2, 1).reshape(n_y * n_a, n_u)  # [year x node, unit]
        peers = self.units["peer_group"].to_numpy()
        codes = np.asarray(pd.factorize(pd.Series(peers, dtype=object))[0])  # NaN: -1
        cubes = []
        for groups in (None, codes):
            ranked = nan_for_unranked(rank_rows(columns, groups)).reshape(n_y, n_a, n_u)
            cube = np.ascontiguousarray(ranked.transpose(2, 0, 1), dtype=np.float64)
            cube.setflags(write=False)
            cubes.append(cube)
        return cubes[0], cubes[1]

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Ranks per year of every aggregate node, overall and within the peer group.

        Rank 1 is the best score; ties share the lowest rank; missing scores are unranked
        (``<NA>``: ranks are whole numbers, ``Int64``, as in the scores file). A table of
        its own: editing it changes no output (those read :attr:`rank_cubes`).
        """
        n_i = len(self.indicator_ids)
        agg = self.cube("aggregated")[:, :, n_i:]  # [y, u, a]
        n_y, n_u, n_a = agg.shape
        rank, peer_rank = self.rank_cubes
        peers = self.units["peer_group"].to_numpy()
        unit_rows = np.repeat(np.arange(n_u), n_y * n_a)
        return pd.DataFrame(
            {
                "unit": _labels(self.unit_ids, unit_rows),
                "year": np.tile(np.repeat(self.years, n_a), n_u),
                "node": _labels(self.aggregate_ids, np.tile(np.arange(n_a), n_u * n_y)),
                "score": agg.transpose(1, 0, 2).reshape(-1),
                "rank": pd.array(rank.reshape(-1), dtype="Int64"),
                "peer_group": _labels(peers, unit_rows),
                "peer_rank": pd.array(peer_rank.reshape(-1), dtype="Int64"),
            }
        )

    @cached_property
    def flags(self) -> pd.DataFrame:
        """Tidy flags: ``unit, year, node, flag, detail`` (imputed, winsorised,
        log_transformed, unreliable, screened_out, missing)."""
        log, derived = self.log, self._derived
        index_node = self.node_ids.index(self.framework.index.id)
        coverage = np.char.mod("coverage %.2f", log.coverage[log.screened_out])
        covered, coverage_code = np.unique(coverage, return_inverse=True)
        # detail vocabulary: "", the missing reasons, then the coverage texts
        details = ["", *DERIVED_REASONS, *covered.tolist()]
        parts = []  # (y, u, node position, flag, detail code) per kind of flag
        for name, mask in self.indicator_flags().items():
            y, u, n = np.nonzero(mask)
            parts.append((y, u, n, name, np.zeros(len(y), dtype=np.intp)))
        y, u, n = np.nonzero(derived.reason > 0)
        parts.append((y, u, n, "missing", 1 + derived.reason[y, u, n].astype(np.intp)))
        y, u = np.nonzero(log.screened_out)
        index = np.full(len(y), index_node)
        parts.append((y, u, index, "screened_out", 1 + len(DERIVED_REASONS) + coverage_code))
        if not sum(len(p[0]) for p in parts):
            return pd.DataFrame(columns=["unit", "year", "node", "flag", "detail"])
        flags = sorted(p[3] for p in parts)
        y, u, n, flag, detail = (
            np.concatenate(
                [p[k] if k != 3 else np.full(len(p[0]), flags.index(p[3])) for p in parts]
            )
            for k in range(5)
        )
        order = np.lexsort(
            (
                flag,
                _alphabetical(self.node_ids)[n],
                _alphabetical(self.years)[y],
                _alphabetical(self.unit_ids)[u],
            )
        )
        y, u, n, flag, detail = (a[order] for a in (y, u, n, flag, detail))
        return pd.DataFrame(
            {
                "unit": _labels(self.unit_ids, u),
                "year": self.years[y],
                "node": _labels(self.node_ids, n),
                "flag": _labels(flags, flag),
                "detail": _labels(details, detail),
            }
        )

    def indicator_flags(self) -> dict[str, np.ndarray]:
        """The flags of :attr:`flags` that mark single values, as bool cubes ``[year, unit,
        indicator]`` (``missing`` and ``screened_out`` are ``reason`` of :attr:`derived` and
        ``log.screened_out``)."""
        treated = ~np.isnan(self.cube("treated"))
        return {
            "imputed": self.log.imputed,
            "winsorised": self.log.winsorised,
            "log_transformed": self.log.log_transformed[:, None, :] & treated,
            "unreliable": self._derived.unreliable,
        }

    @property
    def derived(self) -> Derived:
        """The derived values with their missing reasons, denominators and intervals."""
        return self._derived

    @cached_property
    def intervals(self) -> pd.DataFrame:
        """Derived values resting on a denominator, with Wilson 95 % bounds for rates."""
        d = self._derived
        y, u, i = np.nonzero(~np.isnan(d.denominator))
        order = np.lexsort(
            (
                _alphabetical(self.indicator_ids)[i],
                _alphabetical(self.years)[y],
                _alphabetical(self.unit_ids)[u],
            )
        )
        y, u, i = y[order], u[order], i[order]
        return pd.DataFrame(
            {
                "unit": _labels(self.unit_ids, u),
                "year": self.years[y],
                "indicator": _labels(self.indicator_ids, i),
                "value": d.values[y, u, i],
                "lower": d.lower[y, u, i],
                "upper": d.upper[y, u, i],
                "denominator": d.denominator[y, u, i],
                "unreliable": d.unreliable[y, u, i],
            }
        )

    @cached_property
    def treatment(self) -> pd.DataFrame:
        """Outlier treatment per year and indicator: points winsorised, log transform,
        skewness and kurtosis before and after."""
        n_y, n_i = self.log.points.shape
        sk = self.log.skew_kurt
        return pd.DataFrame(
            {
                "year": np.repeat(self.years, n_i),
                "indicator": np.tile(np.asarray(self.indicator_ids, dtype=object), n_y),
                "points": self.log.points.reshape(-1),
                "log_transformed": self.log.log_transformed.reshape(-1),
                "skew_before": sk[0].reshape(-1),
                "kurt_before": sk[1].reshape(-1),
                "skew_after": sk[2].reshape(-1),
                "kurt_after": sk[3].reshape(-1),
            }
        )

    @cached_property
    def screened_out(self) -> pd.DataFrame:
        """Units dropped in a year for low data availability, with their coverage."""
        y, u = np.nonzero(self.log.screened_out)
        frame = pd.DataFrame(
            {
                "unit": self.unit_ids[u],
                "year": self.years[y],
                "coverage": self.log.coverage[y, u],
            }
        )
        return frame.sort_values(["unit", "year"], ignore_index=True)

    # ---- re-running -----------------------------------------------------------------
    def rescore(self, **overrides: Any) -> Results:
        """Score the same data with a changed spec (steps, weights, peer groups).

        A step takes a method name or a spec dict (validated) or a
        :class:`~mint_index.plan.StepChoice` (taken as it is); ``None`` removes an override.
        The new plan replaces only the changed choices of this one
        (:meth:`~mint_index.plan.Plan.with_changes`): nothing resolved is parsed again."""
        from mint_index.pipeline.engine import score

        return score(self.dataset, self.plan.with_changes(**overrides))

    # ---- output ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable: what produced the results (``tool``, ``version``,
        ``framework`` with its ``id``, ``version`` and ``sha256``, and ``spec``, as every
        provenance block has them: :func:`~mint_index.provenance.results_provenance`), the
        files the data were loaded from (``provenance``), and every node's score per unit
        and year."""
        from mint_index.provenance import results_provenance

        scores = self.scores.reset_index()
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in json.loads(scores.to_json(orient="records", double_precision=15))
        ]
        return {
            **results_provenance(self),
            "provenance": json.loads(self.dataset.provenance.to_json(orient="records")),
            "units": [str(u) for u in self.unit_ids],
            "years": [int(y) for y in self.years],
            "scores": records,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def to_sql(
        self, con: Any, recommendations: Any = None, provenance: dict[str, Any] | None = None
    ) -> dict[str, int]:
        """Write the ``scores``, ``gaps`` and ``recommendations`` tables into a DuckDB or
        SQLite connection or database file (see docs/sql.md); rows written per table."""
        from mint_index.sql_export import to_sql

        return to_sql(self, con, recommendations, provenance)

    @cached_property
    def plot(self) -> PlotAccessor:
        """Charts for notebooks (matplotlib, imported on first use); kept, so the data the
        charts share are prepared once."""
        from mint_index.plot import PlotAccessor

        return PlotAccessor(self)

    def __repr__(self) -> str:
        return (
            f"Results({self.framework.framework.id!r}: {len(self.unit_ids)} units, "
            f"{len(self.years)} years, {len(self.indicator_ids)} indicators, "
            f"{len(self.aggregate_ids)} aggregates)"
        )

    def _repr_html_(self) -> str:
        from mint_index.reports.notebook import results_html

        return results_html(self)


def _labels(labels: Any, codes: np.ndarray) -> Any:
    """``labels[codes]`` as a column for a tidy table.

    Taken from a column of the few distinct labels, so the strings are not built once
    per row; the result has the dtype pandas gives the labels themselves (``str`` on
    pandas 3, ``object`` before).
    """
    return pd.Series(np.asarray(labels, dtype=object)).array.take(codes)


def _alphabetical(labels: Any) -> np.ndarray:
    """Each label's position in sorted order: sort keys that order rows as sorting the
    labels themselves would."""
    values = np.asarray(labels)
    position = np.empty(len(values), dtype=np.intp)
    position[np.argsort(values, kind="stable")] = np.arange(len(values))
    return position
