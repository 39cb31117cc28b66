"""Inputs of the workloads: large synthetic datasets for the default framework.

The suite uses the project's large generator, ``examples/generate_large.py``. Until that
file exists, a plain generator here stands in (clearly reported in the results as
``data: benchmarks fallback``), so the suite runs from the first day.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

__all__ = ["REPO", "generator_name", "large_dataset"]

REPO = Path(__file__).resolve().parents[1]
_EXAMPLES_GENERATOR = REPO / "examples" / "generate_large.py"


def _examples_generator() -> ModuleType | None:
    if not _EXAMPLES_GENERATOR.is_file():
        return None
    spec = importlib.util.spec_from_file_location("generate_large", _EXAMPLES_GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generator_name() -> str:
    """Which generator :func:`large_dataset` uses."""
    return "examples/generate_large.py" if _EXAMPLES_GENERATOR.is_file() else "benchmarks fallback"


def large_dataset(framework, n_units: int, n_years: int, seed: int = 0):
    """A synthetic Dataset with every variable ``framework`` needs."""
    module = _examples_generator()
    if module is not None:
        return module.generate_large(n_units=n_units, n_years=n_years, seed=seed)
    return _fallback_dataset(framework, n_units, n_years, seed)


def _fallback_dataset(framework, n_units: int, n_years: int, seed: int):
    """Plausible counts, shares and answer codes, vectorised; about 2 % missing values.

    Denominator-like counts scale with population; a ratio's numerator is a binomial draw
    from its denominator, so rates stay within 0..100 % (as the loader's checks expect).
    """
    from mint_index.data.dataset import Dataset

    rng = np.random.default_rng(seed)
    variables = framework.required_variables()
    kinds = {v.id: v.unit for v in framework.variables}
    population = np.exp(rng.normal(np.log(2500), 1.3, n_units)).clip(80, 3_700_000)
    growth = 1 + np.cumsum(rng.normal(0.003, 0.01, (n_years, n_units)), axis=0)
    pop = population * growth  # [year, unit]

    numerator_of: dict[str, str] = {}
    for ind in framework.indicators:
        c = ind.compute
        if c.type == "ratio":
            numerator_of.setdefault(c.numerator, c.denominator)
        elif c.type == "parity":
            for part in (c.group, c.reference):
                numerator_of.setdefault(part.numerator, part.denominator)
    codes: dict[str, np.ndarray] = {}
    for ind in framework.indicators:
        if ind.compute.type == "direct" and ind.answer_levels():
            codes[ind.compute.variable] = np.array([lv.value for lv in ind.answer_levels()])

    values: dict[str, np.ndarray] = {}
    shape = (n_years, n_units)

    def make(var: str) -> np.ndarray:
        if var in values:
            return values[var]
        kind = kinds.get(var, "number")
        if var in codes:
            out = rng.choice(codes[var], size=shape).astype(np.float64)
        elif kind == "percent":
            out = rng.uniform(0, 100, shape)
        elif kind == "share":
            out = rng.uniform(0, 1, shape)
        elif kind == "count" and var in numerator_of and numerator_of[var] != var:
            den = make(numerator_of[var])
            p = rng.beta(2, 5, n_units)[None, :]
            out = rng.binomial(np.nan_to_num(den).astype(np.int64), p).astype(np.float64)
        elif kind == "count":
            share = rng.uniform(0.02, 0.9)
            out = np.round(pop * share * rng.lognormal(0, 0.1, shape))
        else:
            out = rng.normal(50, 15, shape)
        values[var] = out
        return out

    cube = np.stack([make(v) for v in variables], axis=-1)
    missing = rng.random(cube.shape) < 0.02
    cube[missing] = np.nan
    unit_ids = np.array([f"{i:08d}" for i in range(1, n_units + 1)], dtype=object)
    units = pd.DataFrame(
        {
            "unit": unit_ids,
            "name": [f"Gemeinde {i}" for i in range(1, n_units + 1)],
            "population": np.round(population),
        }
    )
    years = np.arange(2024 - n_years + 1, 2025)
    reason = np.where(missing, 1, 0).astype(np.int8)
    return Dataset(cube, years, unit_ids, variables, reason=reason, units=units)
