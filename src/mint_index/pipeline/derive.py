"""Derive indicators from raw variables, as the framework says.

Besides the values this keeps what an honest report needs: why a value is missing (the
reason of the first missing input), the denominator it rests on, whether that denominator
is below the indicator's minimum (small municipalities!), and for rates a Wilson 95 %
interval.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import cast

import numpy as np

from mint_index.data.dataset import MISSING_REASONS, Dataset
from mint_index.errors import DataValidationError
from mint_index.framework.framework import Framework
from mint_index.framework.model import DirectCompute, Indicator, ParityCompute, RatioCompute
from mint_index.pipeline.layout import column_last, column_major

__all__ = [
    "DERIVED_REASONS",
    "TRANSFORMS",
    "Derived",
    "derive",
    "on_indicator_scale",
    "wilson_interval",
]

#: The transforms a compute may name, with the least value each accepts and whether that
#: value itself is allowed (logs need positive values, the square root non-negative ones).
TRANSFORMS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], bool]] = {
    "ln": (np.log, False),
    "log10": (np.log10, False),
    "sqrt": (np.sqrt, True),
}

#: Missing reasons of derived values: the data's reasons plus those derivation adds.
DERIVED_REASONS: tuple[str, ...] = (*MISSING_REASONS, "zero_denominator")
_ZERO_DENOMINATOR = len(MISSING_REASONS)
_MISSING = MISSING_REASONS.index("missing")

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


class Derived:
    """Derived indicator cubes, all shaped ``[year, unit, indicator]``.

    ``values`` feeds the pipeline and is computed by :func:`derive`. The others - missing
    reasons, denominators, Wilson bounds, the unreliable mark - serve the flags, intervals
    and data-quality notes; they are computed together from the data on first access to
    any of them (and kept), so scoring does not pay for tables nobody reads.
    """

    def __init__(self, values: np.ndarray, data: Dataset, framework: Framework) -> None:
        self.values = values
        self._data = data
        self._framework = framework

    @cached_property
    def _major(self) -> dict[str, np.ndarray]:
        """The other cubes, indicator-major, each turned into a cube on first access."""
        return _details(self._data, self._framework)

    @cached_property
    def reason(self) -> np.ndarray:
        """int8 codes into DERIVED_REASONS; 0 where a value exists."""
        return column_last(self._major.pop("reason"))

    @cached_property
    def denominator(self) -> np.ndarray:
        """The count a rate rests on; NaN where not a ratio."""
        return column_last(self._major.pop("denominator"))

    @cached_property
    def lower(self) -> np.ndarray:
        """Wilson 95 % lower bound on the indicator's scale; NaN where none."""
        return column_last(self._major.pop("lower"))

    @cached_property
    def upper(self) -> np.ndarray:
        """Wilson 95 % upper bound on the indicator's scale; NaN where none."""
        return column_last(self._major.pop("upper"))

    @cached_property
    def unreliable(self) -> np.ndarray:
        """bool: the denominator is below the indicator's min_denominator."""
        return column_last(self._major.pop("unreliable"))


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion; NaN where trials <= 0.

    Chosen over the normal approximation because it stays inside [0, 1] and behaves for
    the tiny denominators of small municipalities.
    """
    n = np.where(trials > 0, trials, np.nan)
    p = np.clip(successes / n, 0.0, 1.0)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


class _ByVariable:
    """The data's values and missing reasons, one contiguous ``[year, unit]`` array per
    variable (for the details of :class:`Derived`).

    The cube is ``[year, unit, variable]``, so one variable is a strided column that
    spans the whole cube; one transposed copy up front turns the many per-variable reads
    into reads of contiguous memory.
    """

    def __init__(self, data: Dataset, variables: list[str]) -> None:
        pos = {v: i for i, v in enumerate(data.variables)}
        take = [pos[v] for v in variables]
        every = take == list(range(len(data.variables)))
        self.values = column_major(data.values if every else data.values[:, :, take])
        self.reason = column_major(data.reason if every else data.reason[:, :, take])
        # Once for the whole cube, not once per indicator reading the variable: a NaN
        # without a recorded reason is simply "missing" (written into the fresh copy).
        self.reason[np.isnan(self.values) & (self.reason == 0)] = _MISSING


def _levels(
    ind: Indicator, raw: np.ndarray, problems: list[dict[str, object]], source: str
) -> np.ndarray:
    """Map answer codes to their MIPEX-style scores; unknown codes are problems, located
    in ``source`` (where the answers came from)."""
    levels = ind.answer_levels()
    codes = np.array([level.value for level in levels])
    scores = np.array([level.score for level in levels])
    order = np.argsort(codes)
    codes, scores = codes[order], scores[order]
    pos = np.clip(np.searchsorted(codes, raw), 0, len(codes) - 1)
    known = codes[pos] == raw
    bad = ~known & ~np.isnan(raw)
    for value in np.unique(raw[bad]) if bad.any() else ():
        problems.append(
            {
                "source": source,
                "row": None,
                "column": ind.id,
                "value": float(value),
                "reason": f"answer code not among the levels of {ind.id!r} "
                f"({', '.join(f'{c:g}' for c in codes)})",
            }
        )
    return np.where(known, scores[pos], np.nan)


def on_indicator_scale(ind: Indicator, values: np.ndarray | float) -> np.ndarray:
    """Values written on the raw scale (goalposts) on the scale of the indicator's computed
    value: transformed as the values are (``compute.transform``), else unchanged."""
    out = np.asarray(values, dtype=np.float64)
    if ind.compute.transform is None:
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        return TRANSFORMS[ind.compute.transform][0](out)


def _check_domain(
    ind: Indicator, values: np.ndarray, problems: list[dict[str, object]], data: Dataset
) -> None:
    """Computed values outside the domain of the indicator's transform are problems,
    located in the sources of the indicator's variables."""
    name = ind.compute.transform
    if name is None:
        return
    zero_ok = TRANSFORMS[name][1]
    with np.errstate(invalid="ignore"):
        outside = values < 0 if zero_ok else values <= 0
    if outside.any():
        problems.append(
            {
                "source": data.sources_of(ind.variables()),
                "row": None,
                "column": ind.id,
                "value": float(values[outside].min()),
                "reason": f"transform {name!r} needs "
                + ("non-negative" if zero_ok else "positive")
                + f" values; {int(outside.sum())} computed value(s) are not",
            }
        )


def _transform(ind: Indicator, a: np.ndarray) -> None:
    """Apply the indicator's transform to ``a`` in place (non-finite results become NaN)."""
    name = ind.compute.transform
    if name is None:
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        a[...] = TRANSFORMS[name][0](a)
        a[~np.isfinite(a)] = np.nan


def _check_variables(data: Dataset, framework: Framework) -> None:
    present = set(data.variables)
    missing = [v for v in framework.required_variables() if v not in present]
    if missing:
        raise DataValidationError(
            [
                {
                    "source": data.sources_of([v]),
                    "row": None,
                    "column": v,
                    "value": None,
                    "reason": "variable required by the framework is not in the data",
                }
                for v in missing
            ]
        )


def derive(data: Dataset, framework: Framework) -> Derived:
    """Compute every indicator of ``framework`` from ``data``.

    Unknown answer codes and values outside a transform's domain are collected and raised
    together (:class:`~mint_index.errors.DataValidationError`).
    """
    _check_variables(data, framework)
    raw = data.values
    n_y, n_u, _ = raw.shape
    blocks = _Blocks(framework, data.variables)
    if blocks.is_the_data(len(data.variables)):
        return Derived(_read_only(raw), data, framework)
    # Indicators computed alike (ratios, parity gaps of one mode, plain values) are
    # computed together: one numpy call per operation over the block of their columns,
    # gathered from the cube, not one per indicator.
    values = np.empty((n_y, n_u, len(framework.indicators)))
    problems: list[dict[str, object]] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for i, ind in blocks.levels:
            variable = _direct_variable(ind)
            values[:, :, i] = _levels(
                ind, raw[:, :, blocks.position(variable)], problems, data.sources_of([variable])
            )
        if blocks.direct:
            at, (var,) = blocks.rows(blocks.direct)
            values[:, :, at] = _columns_of(raw, var)
        if blocks.ratio:
            at, (num_at, den_at) = blocks.rows(blocks.ratio)
            num, den = _columns_of(raw, num_at), _columns_of(raw, den_at)
            values[:, :, at] = np.where(den != 0, num / den * blocks.scale(blocks.ratio), np.nan)
        for mode, members in blocks.parity.items():
            at, inputs = blocks.rows(members)
            g_rate, r_rate = _rates(*(_columns_of(raw, k) for k in inputs))
            if mode == "difference":
                values[:, :, at] = (g_rate - r_rate) * blocks.scale(members)
            else:
                values[:, :, at] = np.where(r_rate != 0, g_rate / r_rate, np.nan)
    for i in blocks.transformed:
        ind = framework.indicators[i]
        _check_domain(ind, values[:, :, i], problems, data)
        _transform(ind, values[:, :, i])
    if problems:
        raise DataValidationError(problems)
    return Derived(values, data, framework)


def _columns_of(cube: np.ndarray, at: np.ndarray | slice) -> np.ndarray:
    """The variables ``at`` of a ``[year, unit, variable]`` cube: a view for a run of them,
    else a copy by ``np.take`` (faster than fancy indexing of the last axis)."""
    if isinstance(at, slice):
        return cube[:, :, at]
    return np.take(cube, at, axis=2)


def _read_only(values: np.ndarray) -> np.ndarray:
    """A view of ``values`` that refuses writes: a stage that is the data itself must not
    become a way to change the caller's input."""
    view = values.view()
    view.flags.writeable = False
    return view


def _rates(
    g_num: np.ndarray, g_den: np.ndarray, r_num: np.ndarray, r_den: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The group's and the reference group's rate of a parity gap (NaN over zero)."""
    g_rate = np.where(g_den != 0, g_num / g_den, np.nan)
    r_rate = np.where(r_den != 0, r_num / r_den, np.nan)
    return g_rate, r_rate


def _details(data: Dataset, framework: Framework) -> dict[str, np.ndarray]:
    """Missing reasons, denominators, Wilson bounds and the unreliable mark of every
    derived value, indicator-major (``[indicator, year, unit]``)."""
    n_y, n_u = len(data.years), len(data.unit_ids)
    shape = (len(framework.indicators), n_y, n_u)
    reason = np.zeros(shape, dtype=np.int8)
    denominator = np.full(shape, np.nan)
    lower = np.full(shape, np.nan)
    upper = np.full(shape, np.nan)
    cols = _ByVariable(data, framework.required_variables())
    blocks = _Blocks(framework, framework.required_variables())

    with np.errstate(divide="ignore", invalid="ignore"):
        if blocks.levels_at or blocks.direct:  # one input: its reason is the value's
            at, (var,) = blocks.rows([*blocks.levels_at, *blocks.direct])
            reason[at] = cols.reason[var]
        if blocks.ratio:
            at, (num_row, den_row) = blocks.rows(blocks.ratio)
            num, den = cols.values[num_row], cols.values[den_row]
            scale = blocks.scale(blocks.ratio)[:, None, None]
            denominator[at] = den
            reason[at] = _first_reason(cols, (num_row, den_row))
            rate = blocks.rate_mask(blocks.ratio)
            if rate.any():
                lo, hi = wilson_interval(num[rate], den[rate])
                rows = np.asarray(blocks.ratio)[rate]
                lower[rows], upper[rows] = lo * scale[rate], hi * scale[rate]
            zero = (den == 0) & ~np.isnan(num)
            reason[at] = np.where(zero, np.int8(_ZERO_DENOMINATOR), reason[at])
        for mode, members in blocks.parity.items():
            at, rows = blocks.rows(members)
            g_num, g_den, r_num, r_den = (cols.values[r] for r in rows)
            _, r_rate = _rates(g_num, g_den, r_num, r_den)
            g_lo, g_hi = wilson_interval(g_num, g_den)
            if mode == "difference":
                scale = blocks.scale(members)[:, None, None]
                lower[at], upper[at] = (g_lo - r_rate) * scale, (g_hi - r_rate) * scale
            else:
                ok = r_rate != 0
                lower[at] = np.where(ok, g_lo / r_rate, np.nan)
                upper[at] = np.where(ok, g_hi / r_rate, np.nan)
            denominator[at] = g_den
            reason[at] = _first_reason(cols, rows)
            zero = ((g_den == 0) & ~np.isnan(g_num)) | ((r_den == 0) & ~np.isnan(r_num))
            reason[at] = np.where(zero, np.int8(_ZERO_DENOMINATOR), reason[at])
    for i in blocks.transformed:
        _transform(framework.indicators[i], lower[i])
        _transform(framework.indicators[i], upper[i])

    minimum = np.array(
        [
            np.nan if ind.min_denominator is None else ind.min_denominator
            for ind in framework.indicators
        ]
    )
    with np.errstate(invalid="ignore"):
        unreliable = denominator < minimum[:, None, None]  # NaN on either side compares False
    return {
        "reason": reason,
        "denominator": denominator,
        "lower": lower,
        "upper": upper,
        "unreliable": unreliable,
    }


def _direct_variable(ind: Indicator) -> str:
    return cast(DirectCompute, ind.compute).variable


def _first_reason(cols: _ByVariable, rows: tuple[np.ndarray | slice, ...]) -> np.ndarray:
    """Per cell, the reason of the first input (in the compute's order) that is missing;
    0 if none is."""
    out = cols.reason[rows[0]]
    for row in rows[1:]:
        out = np.where(out == 0, cols.reason[row], out)
    return out


class _Blocks:
    """The framework's indicators grouped by how they are computed, with their inputs in
    the compute's order (the order that decides which missing input gives the reason),
    as positions among ``variables``."""

    def __init__(self, framework: Framework, variables: list[str]) -> None:
        self._indicators = framework.indicators
        self._position = {v: k for k, v in enumerate(variables)}
        self.levels: list[tuple[int, Indicator]] = []
        self.levels_at: list[int] = []
        self.direct: list[int] = []
        self.ratio: list[int] = []
        self.parity: dict[str, list[int]] = {}
        self.transformed: list[int] = []
        for i, ind in enumerate(framework.indicators):
            c = ind.compute
            if c.transform is not None:
                self.transformed.append(i)
            if isinstance(c, DirectCompute):
                if ind.answer_levels():
                    self.levels.append((i, ind))
                    self.levels_at.append(i)
                else:
                    self.direct.append(i)
            elif isinstance(c, RatioCompute):
                self.ratio.append(i)
            else:
                self.parity.setdefault(c.mode, []).append(i)

    def is_the_data(self, n_variables: int) -> bool:
        """Every indicator is a variable passed through, in the data's own order: the
        derived values are the data's values (no copy needed)."""
        plain = len(self.direct) == len(self._indicators) == n_variables
        return (
            plain
            and not self.transformed
            and all(
                self._position[_direct_variable(ind)] == i for i, ind in enumerate(self._indicators)
            )
        )

    def position(self, variable: str) -> int:
        return self._position[variable]

    def rows(self, at: list[int]) -> tuple[np.ndarray | slice, tuple[np.ndarray | slice, ...]]:
        """Indicator positions and, per input, the variable positions of those indicators
        (slices where they are runs: views rather than gathered copies)."""
        inputs = [_inputs(self._indicators[i].compute) for i in at]
        rows = tuple(
            _run_or_list([self._position[names[k]] for names in inputs])
            for k in range(len(inputs[0]))
        )
        return _run_or_list(at), rows

    def scale(self, at: list[int]) -> np.ndarray:
        """Scale factors of ratio and parity indicators, one per indicator."""
        factors = [
            cast(RatioCompute | ParityCompute, self._indicators[i].compute).scale for i in at
        ]
        return np.array(factors, dtype=np.float64)

    def rate_mask(self, at: list[int]) -> np.ndarray:
        return np.array([self._indicators[i].kind == "rate" for i in at], dtype=bool)


def _run_or_list(positions: list[int]) -> np.ndarray | slice:
    """A slice for a run of consecutive positions, else an index array."""
    if positions == list(range(positions[0], positions[0] + len(positions))):
        return slice(positions[0], positions[0] + len(positions))
    return np.array(positions, dtype=np.intp)


def _inputs(c: DirectCompute | RatioCompute | ParityCompute) -> tuple[str, ...]:
    """The variables a compute reads, in its order."""
    if isinstance(c, DirectCompute):
        return (c.variable,)
    if isinstance(c, RatioCompute):
        return (c.numerator, c.denominator)
    return (c.group.numerator, c.group.denominator, c.reference.numerator, c.reference.denominator)
