"""``score()``: run the composite-indicator pipeline on whole cubes.

raw -> derived -> denominated -> screened -> imputed -> treated -> normalised -> aggregated

The spec is resolved once, at the start, into a :class:`~mint_index.plan.Plan`; the steps
read their methods and typed parameters from it. Every stage is kept in the
:class:`~mint_index.pipeline.results.Results`. Steps that may use a different method per
indicator group the indicators by their choice in the plan and call each method once on
its columns, so the work stays vectorised whatever the framework says.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mint_index.data.dataset import Dataset
from mint_index.errors import SpecError, check_argument
from mint_index.framework.framework import Framework
from mint_index.methods.base import (
    ImputeContext,
    NormaliseContext,
    TreatContext,
    TreatResult,
)
from mint_index.pipeline.derive import derive, on_indicator_scale
from mint_index.pipeline.results import Results, StageLog
from mint_index.pipeline.units import peer_groups, units_table
from mint_index.plan import Plan, StepChoice
from mint_index.rules.coverage import enough_children, min_share
from mint_index.rules.goalposts import goalpost_bounds
from mint_index.spec import BuildSpec

__all__ = ["aggregate_cube", "peer_groups", "score"]


def score(
    data: Dataset,
    framework: Framework | BuildSpec | Plan | None = None,
    **overrides: Any,
) -> Results:
    """Score ``data`` (a :class:`~mint_index.Dataset`) with ``framework`` (a Framework,
    the path of one, or a complete ``BuildSpec`` or ``Plan``).

    Keyword arguments are step specs that override the framework for every node, named
    after the steps: ``denominate``, ``screen``, ``impute``, ``treat``, ``normalise``,
    ``aggregate`` (plus ``weights`` and ``peer_group``). Each takes a method name or a
    dict ``{"method": name, **params}``; ``{"method": "none"}`` switches a step off. A
    spec that does not validate raises :class:`~mint_index.errors.SpecError`, an argument
    of another kind :class:`~mint_index.errors.ArgumentError`.
    """
    check_argument(
        data,
        Dataset,
        "data must be a mi.Dataset",
        "mi.load_data(frame_or_files, framework) reads a DataFrame or files into one",
    )
    if framework is None:
        from mint_index.framework.loader import default_framework

        framework = default_framework()
    elif isinstance(framework, (str, os.PathLike)):
        from mint_index.framework.loader import load_framework

        framework = load_framework(framework)
    if isinstance(framework, Plan):
        if not overrides:
            return _run(data, framework)
        framework = framework.spec
    if isinstance(framework, BuildSpec):
        spec = framework.with_changes(**overrides) if overrides else framework
    else:
        unknown = sorted(set(overrides) - set(BuildSpec.model_fields) - {"framework"})
        if unknown:
            raise SpecError(
                f"unknown argument(s) {', '.join(unknown)}; steps and options: "
                + ", ".join(k for k in BuildSpec.model_fields if k != "framework")
            )
        check_argument(
            framework,
            Framework,
            "framework must be a mi.Framework, its path, a BuildSpec or a Plan",
        )
        spec = BuildSpec.validated({"framework": framework, **overrides})
    return _run(data, Plan.resolve(spec))


def _run(data: Dataset, plan: Plan) -> Results:
    fw = plan.framework
    derived = derive(data, fw)
    stages: dict[str, np.ndarray] = {"derived": derived.values}

    stages["denominated"] = _denominate(data, fw, plan, derived.values)

    keep = np.asarray(plan.screen.func(stages["denominated"], plan.screen.params), dtype=bool)
    every_unit = bool(keep.all())
    # Stages may share an array where a step changes nothing: nobody modifies a stage.
    denominated = stages["denominated"]
    screened = denominated if every_unit else np.where(keep[..., None], denominated, np.nan)
    stages["screened"] = screened

    units = _UnitsTable(data, plan)
    groups = _UnitGroups(units, data)
    direction = np.array([ind.direction_sign for ind in fw.indicators])
    parents = np.unique([fw.parent_of[i] for i in fw.indicator_ids], return_inverse=True)[1]

    def impute(choice: StepChoice, x: np.ndarray, cols: list[int]) -> np.ndarray:
        by = getattr(choice.params, "by", None)
        if by is not None and by not in groups:
            raise SpecError(
                f"impute: group column {by!r} is not in the units table; columns: "
                + ", ".join(sorted(groups))
            )
        ctx = ImputeContext(
            years=data.years, groups=groups, direction=direction[cols], parents=parents[cols]
        )
        return np.asarray(choice.func(x, choice.params, ctx), dtype=np.float64)

    imputed = _per_choice(plan, "impute", screened, impute)
    if not every_unit:
        imputed = np.where(keep[..., None], imputed, np.nan)  # screened-out units stay out
    stages["imputed"] = imputed

    treatments: list[tuple[list[int], TreatResult]] = []

    def treat(choice: StepChoice, x: np.ndarray, cols: list[int]) -> np.ndarray:
        ctx = TreatContext(years=data.years, indicator_ids=tuple(fw.indicator_ids[c] for c in cols))
        result: TreatResult = choice.func(x, choice.params, ctx)
        treatments.append((cols, result))
        return np.asarray(result.values, dtype=np.float64)

    stages["treated"] = _per_choice(plan, "treat", imputed, treat)

    goalposts = goalpost_bounds(fw.indicators)  # on the indicators' (transformed) scale
    target = np.array(
        [
            np.nan if ind.target is None else float(on_indicator_scale(ind, ind.target.value))
            for ind in fw.indicators
        ]
    )

    def normalise(choice: StepChoice, x: np.ndarray, cols: list[int]) -> np.ndarray:
        ctx = NormaliseContext(
            years=data.years,
            direction=direction[cols],
            goalposts=goalposts[cols],
            target=target[cols],
            indicator_ids=tuple(fw.indicator_ids[c] for c in cols),
            unit_ids=data.unit_ids,
        )
        return np.asarray(choice.func(x, choice.params, ctx), dtype=np.float64)

    aggregated = aggregate_cube(plan, _per_choice(plan, "normalise", stages["treated"], normalise))
    # The normalised indicators are the first columns of the aggregated cube: the stage
    # is that view, not a second copy of the same values.
    stages["normalised"] = aggregated[:, :, : len(fw.indicators)]
    stages["aggregated"] = aggregated
    log = StageLog(~keep, stages, treatments, len(fw.indicators))
    return Results(plan, data, stages, derived, log, units=units.built)


def aggregate_cube(plan: Plan, normalised: np.ndarray) -> np.ndarray:
    """Aggregate normalised indicators ``[year, unit, indicator]`` up the framework.

    Returns ``[year, unit, node]`` over ``framework.node_ids``. A parent is missing where
    the share of its children present is below the method's ``min_share``
    (:func:`~mint_index.rules.coverage.enough_children`).
    """
    fw = plan.framework
    position = {node: i for i, node in enumerate(fw.node_ids)}
    n_i = len(fw.indicator_ids)
    # One array for every node, filled in place: the indicators, then each parent from
    # its children's columns, children before parents. The children are copied out as
    # one contiguous block: numpy works on it as one flat run, where on the strided
    # columns it would step unit by unit.
    out = np.empty((*normalised.shape[:2], len(fw.node_ids)))
    out[:, :, :n_i] = normalised
    for node in fw.aggregate_ids:
        children = fw.children[node]
        x = np.ascontiguousarray(out[:, :, _columns([position[c] for c in children])])
        weights = np.array([plan.weight(c) for c in children], dtype=np.float64)
        if not weights.sum() > 0:
            raise SpecError(f"weights: all children of {node!r} have weight 0")
        choice = plan.aggregate[node]
        value = out[:, :, position[node]]
        try:
            value[...] = choice.func(x, weights, choice.params)
        except SpecError as exc:  # the method cannot know which node it aggregates
            raise SpecError(f"aggregating {node!r}: {exc}") from None
        share = min_share(choice)
        if share > 0:  # with 0 every parent counts: no need to count its children
            np.copyto(value, np.nan, where=~enough_children(x, weights, share))
    return out


def _per_choice(
    plan: Plan,
    step: str,
    x: np.ndarray,
    apply: Callable[[StepChoice, np.ndarray, list[int]], np.ndarray],
) -> np.ndarray:
    """Run ``step`` once per distinct choice in the plan, on that choice's indicator columns.

    A method that changes nothing may return its input itself; the stage then shares it.
    """
    groups = list(plan.groups(step))
    if len(groups) == 1:  # one choice for every indicator: no gathering or scattering
        choice, cols = groups[0]
        out = apply(choice, x, cols)
        if out is x:
            return x
        return out.copy() if np.may_share_memory(out, x) else out
    out = np.empty_like(x)
    for choice, cols in groups:
        at = _columns(cols)
        out[:, :, at] = apply(choice, x[:, :, at], cols)
    return out


def _columns(cols: list[int]) -> slice | list[int]:
    """A slice for a run of consecutive columns (a view, not a gathered copy)."""
    if cols == list(range(cols[0], cols[-1] + 1)):
        return slice(cols[0], cols[-1] + 1)
    return cols


def _denominate(data: Dataset, fw: Framework, plan: Plan, x: np.ndarray) -> np.ndarray:
    choice = plan.denominate
    cols = [i for i, ind in enumerate(fw.indicators) if ind.denominator]
    if choice.method == "none" or not cols:
        return x  # the stage shares the derived values: nothing is divided
    out = x.copy()
    denominators = data.cube([fw.indicators[i].denominator or "" for i in cols])
    out[:, :, cols] = choice.func(x[:, :, cols], denominators, choice.params)
    return out


class _UnitsTable:
    """The result's units table (:func:`~mint_index.pipeline.units.units_table`), built
    when an imputation by group first needs it; the result takes it over if it was."""

    def __init__(self, data: Dataset, plan: Plan) -> None:
        self._data = data
        self._plan = plan
        self.built: pd.DataFrame | None = None

    def __call__(self) -> pd.DataFrame:
        if self.built is None:
            self.built = units_table(self._data, self._plan)
        return self.built


class _UnitGroups(Mapping[str, np.ndarray]):
    """Integer group codes of each units-table column (-1 where the group is missing),
    computed when an imputation first asks for a column."""

    def __init__(self, units: _UnitsTable, data: Dataset) -> None:
        self._units = units
        self._columns = [c for c in data.units.columns if c != "name"]
        if "peer_group" not in self._columns:
            self._columns.append("peer_group")
        self._codes: dict[str, np.ndarray] = {}

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._columns:
            raise KeyError(column)
        if column not in self._codes:
            codes, _ = pd.factorize(self._units()[column], sort=True)
            self._codes[column] = np.asarray(codes, dtype=np.int64)
        return self._codes[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)
