"""Derive indicators from raw variables, as the framework says.

Besides the values this keeps what an honest report needs: why a value is missing (the
reason of the first missing input), the denominator it rests on, whether that denominator
is below the indicator's minimum (small municipalities!), and for rates a Wilson 95 %
interval.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from mint_index.data.dataset import MISSING_REASONS, Dataset
from mint_index.errors import DataValidationError
from mint_index.framework.framework import Framework
from mint_index.framework.model import DirectCompute, Indicator, ParityCompute, RatioCompute
from mint_index.pipeline.layout import column_last, column_major

__all__ = ["DERIVED_REASONS", "Derived", "derive", "wilson_interval"]

#: Missing reasons of derived values: the data's reasons plus those derivation adds.
DERIVED_REASONS: tuple[str, ...] = (*MISSING_REASONS, "zero_denominator")
_ZERO_DENOMINATOR = len(MISSING_REASONS)
_MISSING = MISSING_REASONS.index("missing")

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


class Derived:
    """Derived indicator cubes, all shaped ``[year, unit, indicator]``.

    Derivation builds them indicator-major (``[indicator, year, unit]``). ``values`` feeds
    the pipeline and is turned into a cube at once; the others serve the flags, intervals
    and data-quality notes, which are built on first use, so each is turned on first
    access (and kept): scoring does not pay for layouts nobody reads.
    """

    def __init__(
        self,
        values: np.ndarray,
        reason: np.ndarray,
        denominator: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        unreliable: np.ndarray,
    ) -> None:
        """Every argument indicator-major ``[indicator, year, unit]``."""
        self.values = column_last(values)
        self._major = {
            "reason": reason,
            "denominator": denominator,
            "lower": lower,
            "upper": upper,
            "unreliable": unreliable,
        }

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
    variable.

    The cube is ``[year, unit, variable]``, so one variable is a strided column that
    spans the whole cube; one transposed copy up front turns the many per-variable reads
    of derivation into reads of contiguous memory.
    """

    def __init__(self, data: Dataset, variables: list[str]) -> None:
        pos = {v: i for i, v in enumerate(data.variables)}
        take = [pos[v] for v in variables]
        every = take == list(range(len(data.variables)))
        self._row = {v: k for k, v in enumerate(variables)}
        self.values = column_major(data.values if every else data.values[:, :, take])
        reason = column_major(data.reason if every else data.reason[:, :, take])
        # Once for the whole cube, not once per indicator reading the variable: a NaN
        # without a recorded reason is simply "missing".
        self.reason = np.where(np.isnan(self.values) & (reason == 0), np.int8(_MISSING), reason)

    def __getitem__(self, variable: str) -> np.ndarray:
        return self.values[self._row[variable]]

    def input_reason(self, variables: list[str], out: np.ndarray) -> None:
        """Write into ``out``, per cell, the reason of the first input that is missing (0
        if none is)."""
        out[...] = 0
        for v in variables:
            np.copyto(out, self.reason[self._row[v]], where=out == 0)


def _levels(ind: Indicator, raw: np.ndarray, problems: list[dict[str, object]]) -> np.ndarray:
    """Map answer codes to their MIPEX-style scores; unknown codes are problems."""
    levels = ind.answer_levels()
    codes = np.array([level.value for level in levels])
    scores = np.array([level.score for level in levels])
    order = np.argsort(codes)
    codes, scores = codes[order], scores[order]
    pos = np.clip(np.searchsorted(codes, raw), 0, len(codes) - 1)
    known = codes[pos] == raw
    bad = ~known & ~np.isnan(raw)
    for value in np.unique(raw[bad]):
        problems.append(
            {
                "source": "<data>",
                "row": None,
                "column": ind.id,
                "value": float(value),
                "reason": f"answer code not among the levels of {ind.id!r} "
                f"({', '.join(f'{c:g}' for c in codes)})",
            }
        )
    return np.where(known, scores[pos], np.nan)


def derive(data: Dataset, framework: Framework) -> Derived:
    """Compute every indicator of ``framework`` from ``data``."""
    missing = [v for v in framework.required_variables() if v not in data.variables]
    if missing:
        raise DataValidationError(
            [
                {
                    "source": "<data>",
                    "row": None,
                    "column": v,
                    "value": None,
                    "reason": "variable required by the framework is not in the data",
                }
                for v in missing
            ]
        )
    n_y, n_u = len(data.years), len(data.unit_ids)
    # Built indicator by indicator, so each indicator's values are contiguous here
    # ([indicator, year, unit]); turned into [year, unit, indicator] once at the end.
    shape = (len(framework.indicators), n_y, n_u)
    values = np.full(shape, np.nan)
    reason = np.zeros(shape, dtype=np.int8)
    denominator = np.full(shape, np.nan)
    lower = np.full(shape, np.nan)
    upper = np.full(shape, np.nan)
    problems: list[dict[str, object]] = []
    cols = _ByVariable(data, framework.required_variables())

    for i, ind in enumerate(framework.indicators):
        c = ind.compute
        # The denominate step's variable is not an input of the derived value.
        inputs = [v for v in ind.variables() if v in _compute_vars(c)]
        cols.input_reason(inputs, out=reason[i])
        with np.errstate(divide="ignore", invalid="ignore"):
            if isinstance(c, DirectCompute):
                raw = cols[c.variable]
                values[i] = _levels(ind, raw, problems) if ind.answer_levels() else raw
            elif isinstance(c, RatioCompute):
                num, den = cols[c.numerator], cols[c.denominator]
                values[i] = np.where(den != 0, num / den * c.scale, np.nan)
                denominator[i] = den
                if ind.kind == "rate":
                    lo, hi = wilson_interval(num, den)
                    lower[i], upper[i] = lo * c.scale, hi * c.scale
                zero = (den == 0) & ~np.isnan(num)
                np.copyto(reason[i], _ZERO_DENOMINATOR, where=zero)
            else:
                _parity(cols, c, i, values, denominator, lower, upper, reason)
    if problems:
        raise DataValidationError(problems)

    minimum = np.array(
        [
            np.nan if ind.min_denominator is None else ind.min_denominator
            for ind in framework.indicators
        ]
    )
    with np.errstate(invalid="ignore"):
        unreliable = denominator < minimum[:, None, None]  # NaN on either side compares False
    return Derived(values, reason, denominator, lower, upper, unreliable)


def _compute_vars(c: DirectCompute | RatioCompute | ParityCompute) -> set[str]:
    if isinstance(c, DirectCompute):
        return {c.variable}
    if isinstance(c, RatioCompute):
        return {c.numerator, c.denominator}
    return {c.group.numerator, c.group.denominator, c.reference.numerator, c.reference.denominator}


def _parity(
    cols: _ByVariable,
    c: ParityCompute,
    i: int,
    values: np.ndarray,
    denominator: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    reason: np.ndarray,
) -> None:
    """A group's rate against the reference group's, as a difference or a ratio."""
    g_num, g_den = cols[c.group.numerator], cols[c.group.denominator]
    r_num, r_den = cols[c.reference.numerator], cols[c.reference.denominator]
    g_rate = np.where(g_den != 0, g_num / g_den, np.nan)
    r_rate = np.where(r_den != 0, r_num / r_den, np.nan)
    g_lo, g_hi = wilson_interval(g_num, g_den)
    if c.mode == "difference":
        values[i] = (g_rate - r_rate) * c.scale
        lower[i], upper[i] = (g_lo - r_rate) * c.scale, (g_hi - r_rate) * c.scale
    else:
        ok = r_rate != 0
        values[i] = np.where(ok, g_rate / r_rate, np.nan)
        lower[i] = np.where(ok, g_lo / r_rate, np.nan)
        upper[i] = np.where(ok, g_hi / r_rate, np.nan)
    denominator[i] = g_den
    zero = ((g_den == 0) & ~np.isnan(g_num)) | ((r_den == 0) & ~np.isnan(r_num))
    np.copyto(reason[i], _ZERO_DENOMINATOR, where=zero)
