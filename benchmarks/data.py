"""Inputs of the workloads: large synthetic datasets from the project's generator.

The suite uses ``examples/generate_large.py`` (seeded, vectorised, consistent raw counts
for every variable of the default framework), loaded from the checkout by path so that it
works with an installed mint-index too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

__all__ = ["GENERATOR", "large_dataset"]

GENERATOR = Path(__file__).resolve().parents[1] / "examples" / "generate_large.py"


def large_dataset(n_units: int, n_years: int, seed: int = 0) -> Any:
    """A synthetic Dataset of ``n_units`` municipalities over ``n_years`` years."""
    spec = importlib.util.spec_from_file_location("generate_large", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_large(n_units=n_units, n_years=n_years, seed=seed)
