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

    ``values`` feeds the pipeline and is computed by :func:`derive`. The others serve the
    flags, intervals and data-quality notes and are computed from the data on first
    access, so scoring does not pay for tables nobody reads. They come in two groups,
    each computed (and kept) when one of its cubes is first read: the missing reasons,
    denominators and the unreliable mark, which every data-quality check reads, and the
    Wilson bounds, which only the intervals read.
    """

    def __init__(self, values: np.ndarray, data: Dataset, framework: Framework) -> None:
        self.values = values
        self._data = data
        self._framework = framework

    @cached_property
    def _reasons(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _reason_cubes(self._data, self._framework)

    @cached_property
    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return _bound_cubes(self._data.values, self._data.variables, self._framework)

    def bounds_in(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """The Wilson bounds of one year (a position on the year axis), ``[unit,
        indicator]`` each: what a report of that year reads, without computing the other
        years' (unless :attr:`lower` and :attr:`upper` already hold them)."""
        if "_bounds" in self.__dict__:
            return self.lower[year], self.upper[year]
        values = self._data.values[year : year + 1]
        lower, upper = _bound_cubes(values, self._data.variables, self._framework)
        return lower[0], upper[0]

    @property
    def reason(self) -> np.ndarray:
        """int8 codes into DERIVED_REASONS; 0 where a value exists."""
        return self._reasons[0]

    @property
    def denominator(self) -> np.ndarray:
        """The count a rate rests on; NaN where not a ratio."""
        return self._reasons[1]

    @property
    def unreliable(self) -> np.ndarray:
        """bool: a value whose denominator is below the indicator's min_denominator
        (never a missing one)."""
        return self._reasons[2]

    @property
    def lower(self) -> np.ndarray:
        """Wilson 95 % lower bound on the indicator's scale; NaN where none."""
        return self._bounds[0]

    @property
    def upper(self) -> np.ndarray:
        """Wilson 95 % upper bound on the indicator's scale; NaN where none."""
        return self._bounds[1]


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
            (values[:, :, at],) = _columns_of(raw, var)
        if blocks.ratio:
            at, (num_at, den_at) = blocks.rows(blocks.ratio)
            num, den = _columns_of(raw, num_at, den_at)
            values[:, :, at] = np.where(den != 0, num / den * blocks.scale(blocks.ratio), np.nan)
        for mode, members in blocks.parity.items():
            at, inputs = blocks.rows(members)
            g_rate, r_rate = _rates(*_columns_of(raw, *inputs))
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


def _columns_of(cube: np.ndarray, *at: np.ndarray | slice) -> list[np.ndarray]:
    """The variables ``at`` of a ``[year, unit, variable]`` cube, one array per position
    list: views where every list is a run, else views into one copy gathered by a single
    ``np.take`` (faster than fancy indexing of the last axis). A gather reads nearly every
    cache line of the cube however few variables it takes, so the inputs of a block are
    gathered together: one pass over the cube instead of one per input."""
    if all(isinstance(a, slice) for a in at):
        return [cube[:, :, a] for a in at]
    wanted = [np.arange(a.start, a.stop) if isinstance(a, slice) else a for a in at]
    taken = np.take(cube, np.concatenate(wanted), axis=2)
    ends = np.cumsum([len(w) for w in wanted]).tolist()
    return [taken[:, :, end - len(w) : end] for w, end in zip(wanted, ends, strict=True)]


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


def _reason_cubes(data: Dataset, framework: Framework) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The missing reason, the denominator and the unreliable mark of every derived value.

    Computed a block of indicators at a time, as :func:`derive` computes the values,
    straight into ``[year, unit, indicator]`` cubes."""
    shape = (len(data.years), len(data.unit_ids), len(framework.indicators))
    reason = np.zeros(shape, dtype=np.int8)
    denominator = np.full(shape, np.nan)
    raw = data.values
    # Once for the whole cube, not once per indicator reading the variable: a NaN without
    # a recorded reason is simply "missing".
    inputs = np.where(np.isnan(raw) & (data.reason == 0), np.int8(_MISSING), data.reason)
    blocks = _Blocks(framework, data.variables)
    if blocks.levels_at or blocks.direct:  # one input: its reason is the value's
        at, (var,) = blocks.rows([*blocks.levels_at, *blocks.direct])
        (reason[:, :, at],) = _columns_of(inputs, var)
    if blocks.ratio:
        at, (num_at, den_at) = blocks.rows(blocks.ratio)
        num, den = _columns_of(raw, num_at, den_at)
        denominator[:, :, at] = den
        zero = (den == 0) & ~np.isnan(num)
        first = _first_reason(_columns_of(inputs, num_at, den_at))
        reason[:, :, at] = np.where(zero, np.int8(_ZERO_DENOMINATOR), first)
    for members in blocks.parity.values():
        at, rows = blocks.rows(members)
        g_num, g_den, r_num, r_den = _columns_of(raw, *rows)
        denominator[:, :, at] = g_den
        zero = ((g_den == 0) & ~np.isnan(g_num)) | ((r_den == 0) & ~np.isnan(r_num))
        reason[:, :, at] = np.where(
            zero, np.int8(_ZERO_DENOMINATOR), _first_reason(_columns_of(inputs, *rows))
        )
    minimum = np.array(
        [
            np.nan if ind.min_denominator is None else ind.min_denominator
            for ind in framework.indicators
        ]
    )
    with np.errstate(invalid="ignore"):
        unreliable = denominator < minimum  # NaN on either side compares False
    # only a value can be unreliable: a suppressed numerator over a small denominator is
    # suppressed, not also a small number (the report had counted 43 small numbers
    # among 13 values)
    unreliable &= reason == 0
    return reason, denominator, unreliable


def _bound_cubes(
    raw: np.ndarray, variables: list[str], framework: Framework
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95 % bounds of every rate and parity gap, on the indicator's scale, from the
    data's values ``raw`` (``[year, unit, variable]``, any years)."""
    shape = (*raw.shape[:2], len(framework.indicators))
    lower = np.full(shape, np.nan)
    upper = np.full(shape, np.nan)
    blocks = _Blocks(framework, variables)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = [i for i in blocks.ratio if framework.indicators[i].kind == "rate"]
        if rates:
            at, (num_at, den_at) = blocks.rows(rates)
            num, den = _columns_of(raw, num_at, den_at)
            lo, hi = wilson_interval(num, den)
            scale = blocks.scale(rates)
            lower[:, :, at], upper[:, :, at] = lo * scale, hi * scale
        for mode, members in blocks.parity.items():
            at, rows = blocks.rows(members)
            g_num, g_den, r_num, r_den = _columns_of(raw, *rows)
            _, r_rate = _rates(g_num, g_den, r_num, r_den)
            g_lo, g_hi = wilson_interval(g_num, g_den)
            if mode == "difference":
                scale = blocks.scale(members)
                lower[:, :, at], upper[:, :, at] = (g_lo - r_rate) * scale, (g_hi - r_rate) * scale
            else:
                ok = r_rate != 0
                lower[:, :, at] = np.where(ok, g_lo / r_rate, np.nan)
                upper[:, :, at] = np.where(ok, g_hi / r_rate, np.nan)
    for i in blocks.transformed:
        _transform(framework.indicators[i], lower[:, :, i])
        _transform(framework.indicators[i], upper[:, :, i])
    return lower, upper


def _direct_variable(ind: Indicator) -> str:
    return cast(DirectCompute, ind.compute).variable


def _first_reason(reasons: list[np.ndarray]) -> np.ndarray:
    """Per cell, the reason of the first input (in the compute's order) that is missing;
    0 if none is. ``reasons``: the inputs' reasons, each ``[year, unit, indicator]``."""
    out = reasons[0]
    for reason in reasons[1:]:
        out = np.where(out == 0, reason, out)
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
