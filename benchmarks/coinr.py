"""The COINr comparison: the same index built by mint-index and by COINr in one run.

The tables are COINr's own format (``iData``, ``iMeta``): ``n_units`` units and
``n_indicators`` indicators (about 2 % missing, a fifth of them "lower is better") in
groups of five under two pillars and an index. mint-index reads them with
``mi.read_coinr`` (COINr's defaults: min-max onto [0, 100], weighted arithmetic mean) and
COINr builds them with ``coinr_score.R``. COINr is not installed by this project: the
workload runs where ``Rscript`` finds ``library(COINr)`` (e.g. with ``R_LIBS`` pointing at
a library that holds it) and reports "not run" otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CoinrRun", "coinr_available", "coinr_tables", "run_coinr"]

SCRIPT = Path(__file__).resolve().with_name("coinr_score.R")
_RESULT = "COINR-RESULT"


def coinr_tables(n_units: int, n_indicators: int, seed: int = 0) -> tuple[pd.DataFrame, ...]:
    """``(iData, iMeta)``: seeded synthetic data in COINr's table format."""
    rng = np.random.default_rng(seed)
    codes = [f"i{k + 1:02d}" for k in range(n_indicators)]
    values = rng.lognormal(mean=3.0, sigma=0.8, size=(n_units, n_indicators))
    values[rng.random(values.shape) < 0.02] = np.nan
    idata = pd.DataFrame(values, columns=codes)
    idata.insert(0, "uCode", [f"U{u + 1:05d}" for u in range(n_units)])
    idata.insert(1, "uName", [f"Unit {u + 1}" for u in range(n_units)])
    groups = [f"g{k // 5 + 1}" for k in range(n_indicators)]
    pillars = {g: f"p{1 + (int(g[1:]) - 1) % 2}" for g in dict.fromkeys(groups)}
    rows = [
        (1, code, code, -1 if k % 5 == 4 else 1, float(1 + k % 3), group, "Indicator")
        for k, (code, group) in enumerate(zip(codes, groups, strict=True))
    ]
    rows += [(2, g, g, 1, 1.0, p, "Aggregate") for g, p in pillars.items()]
    rows += [(3, p, p, 1, 1.0, "Index", "Aggregate") for p in sorted(set(pillars.values()))]
    rows += [(4, "Index", "Index", 1, 1.0, None, "Aggregate")]
    columns = ["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"]
    return idata, pd.DataFrame(rows, columns=columns)


def coinr_available() -> str | None:
    """COINr's version if ``Rscript`` can load it, else None."""
    if shutil.which("Rscript") is None:
        return None
    probe = subprocess.run(
        ["Rscript", "-e", 'suppressMessages(library(COINr)); cat(format(packageVersion("COINr")))'],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    return (probe.stdout.strip() or None) if probe.returncode == 0 else None


@dataclass(frozen=True)
class CoinrRun:
    version: str
    score_runs_s: list[float]  # Normalise + Aggregate, after one warm-up
    build_runs_s: list[float]  # new_coin + Normalise + Aggregate
    aggregated: pd.DataFrame  # uCode + every indicator and aggregate, normalised/aggregated


def run_coinr(idata: pd.DataFrame, imeta: pd.DataFrame, folder: Path, repeats: int) -> CoinrRun:
    """Build the index with COINr in R, ``repeats`` timed runs."""
    paths = [folder / "iData.csv", folder / "iMeta.csv", folder / "aggregated.csv"]
    idata.to_csv(paths[0], index=False, float_format="%.17g")
    imeta.to_csv(paths[1], index=False)
    proc = subprocess.run(
        ["Rscript", str(SCRIPT), *map(str, paths), str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(s for s in proc.stdout.splitlines() if s.startswith(_RESULT))
    _, version, scores, builds = line.split()
    aggregated = pd.read_csv(paths[2])
    return CoinrRun(version, _floats(scores), _floats(builds), aggregated)


def _floats(text: str) -> list[float]:
    return [float(t) for t in text.split(",")]
