"""Read COINr / JRC COIN Tool tables: an index built in COINr moves over without rewriting.

COINr describes an index with two tables. ``iData`` has one row per unit (and year):
``uCode``, ``uName``, optionally ``Time``, group columns, denominator columns and one column
per indicator. ``iMeta`` has one row per iData column and per aggregate: ``Level``,
``iCode``, ``iName``, ``Direction``, ``Weight``, ``Parent``, ``Type`` (``Indicator``,
``Aggregate``, ``Group``, ``Denominator``, ``Other``) and optionally ``Unit``, ``Target``,
``Denominator`` and the goalposts ``goalpost_lower`` / ``goalpost_upper``.

The result is a :class:`~mint_index.Framework` whose defaults are COINr's: every step off
except min-max normalisation onto [0, 100] and the weighted arithmetic mean (with no
minimum share of children present, as COINr averages whatever is there), and a
:class:`~mint_index.Dataset` whose units table keeps ``uName`` and every group column, so
``impute={"method": "mean", "by": "EurAsia_group"}`` works as COINr's ``i_mean_grp``.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from mint_index.data.dataset import Dataset
from mint_index.errors import DataValidationError, FrameworkError, Problem, validation_message
from mint_index.framework.framework import Framework

__all__ = ["COINR_DEFAULTS", "UNDATED_YEAR", "CoinrParametersWarning", "read_coinr"]

#: The year of a single-year iData without a ``Time`` column when no ``year`` is given:
#: COINr's coin has no time at all; the cube needs one, and 0 says "undated".
UNDATED_YEAR = 0

#: The framework defaults of an imported COINr index: COINr's own defaults.
COINR_DEFAULTS: dict[str, dict[str, Any]] = {
    "denominate": {"method": "none"},
    "screen": {"method": "none"},
    "impute": {"method": "none"},
    "treat": {"method": "none"},
    "normalise": {"method": "minmax", "range": [0, 100]},
    "aggregate": {"method": "arithmetic", "min_share": 0.0},
}

_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
_RATE_WORDS = ("percent", "%", "ratio", "rate", "share", " per ")

#: iMeta columns COINr reads with ``Normalise(f_n_para = "use_iMeta")``, per indicator,
#: that a mint-index framework does not hold (it sets a method's parameters per build):
#: each with what says the same in mint-index.
_BUILD_PARAMETERS = {
    "goalpost_scale": 'normalise={"method": "goalposts", "scale": ...}',
    "goalpost_trunc2posts": 'normalise={"method": "goalposts", "clip": ...}',
    "minmax_lower": 'normalise={"method": "minmax", "range": [lower, upper]}',
    "minmax_upper": 'normalise={"method": "minmax", "range": [lower, upper]}',
    "zscore_mean": 'normalise={"method": "zscore", "mean": ...}',
    "zscore_sd": 'normalise={"method": "zscore", "sd": ...}',
    "dist2targ_cap_max": 'normalise={"method": "dist2targ", "cap": ...}',
    "scaled_lower": "no method of mint-index (COINr's n_scaled)",
    "scaled_upper": "no method of mint-index (COINr's n_scaled)",
    "scale_factor": "no method of mint-index (COINr's n_scaled)",
}


class CoinrParametersWarning(UserWarning):
    """iMeta holds normalisation parameters per indicator that ``read_coinr`` does not
    carry over (``code``: ``coinr_parameters``): the build gives them."""

    code = "coinr_parameters"


TableInput = str | Path | pd.DataFrame


def _read(table: TableInput, what: str) -> tuple[pd.DataFrame, str, str | None]:
    """A table as a DataFrame, its label for messages, and the file's sha256."""
    if isinstance(table, pd.DataFrame):
        return table.copy(), f"<{what} DataFrame>", None
    path = Path(table)
    if not path.is_file():
        raise DataValidationError(
            [
                {
                    "source": str(path),
                    "row": None,
                    "column": None,
                    "value": None,
                    "reason": f"{what}: no such file",
                }
            ]
        )
    content = path.read_bytes()
    frame = pd.read_csv(path, dtype={"uCode": str, "iCode": str, "Parent": str})
    return frame, path.name, hashlib.sha256(content).hexdigest()


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def read_coinr(
    idata: TableInput,
    imeta: TableInput,
    *,
    year: int | None = None,
    framework_id: str = "coinr_import",
) -> tuple[Framework, Dataset]:
    """Read COINr's ``iData`` and ``iMeta`` (CSV paths or DataFrames).

    ``year`` is the year of every row when iData has no ``Time`` column (a single-year
    build, as COINr accepts it); without it such rows get :data:`UNDATED_YEAR`. Every problem in
    the tables is collected and raised once: :class:`~mint_index.FrameworkError` for iMeta,
    :class:`~mint_index.DataValidationError` for iData.
    """
    meta, meta_label, _ = _read(imeta, "iMeta")
    data, data_label, data_sha = _read(idata, "iData")
    framework = _framework(meta, meta_label, framework_id)
    dataset = _dataset(data, data_label, data_sha, meta, framework, year)
    return framework, dataset


# ---- iMeta -> Framework ------------------------------------------------------------------


def _framework(meta: pd.DataFrame, label: str, framework_id: str) -> Framework:
    problems: list[Problem] = []
    required = ["iCode", "iName", "Level", "Direction", "Weight", "Parent", "Type"]
    missing = [c for c in required if c not in meta.columns]
    if missing:
        raise FrameworkError([Problem(label, "", f"missing column {c!r}") for c in missing])

    rows = meta.to_dict("records")
    types = [_text(r["Type"]) for r in rows]
    for i, t in enumerate(types):
        if t not in _TYPES:
            problems.append(
                Problem(
                    label, f"row {i + 2}.Type", f"unknown Type {t!r}; valid: " + ", ".join(_TYPES)
                )
            )
    roots = [r for i, r in enumerate(rows) if types[i] == "Aggregate" and not _text(r["Parent"])]
    if len(roots) != 1:
        codes = ", ".join(str(r["iCode"]) for r in roots) or "none"
        problems.append(
            Problem(
                label,
                "Parent",
                f"exactly one Aggregate row (the index) must have no Parent; found: {codes}",
            )
        )

    variables: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    # the iMeta row of each entry, for the framework's own validation errors
    rows_of: dict[str, list[str]] = {"variables": [], "nodes": [], "indicators": [], "index": []}
    nodes: list[dict[str, Any]] = []
    index: dict[str, Any] | None = None
    for i, row in enumerate(rows):
        where = f"row {i + 2}"
        code, name, kind = _text(row["iCode"]), _text(row["iName"]), types[i]
        if code is None:
            problems.append(Problem(label, f"{where}.iCode", "empty iCode"))
            continue
        name = name or code
        text = {"de": name, "en": name}
        unit = _text(row.get("Unit"))
        if kind in ("Indicator", "Denominator"):
            variables.append({"id": code, "unit": "number", "label": text})
            rows_of["variables"].append(where)
        if kind not in ("Indicator", "Aggregate"):
            continue
        level = _number(row["Level"])
        if (kind == "Indicator") != (level == 1.0) or level is None or level < 1:
            problems.append(
                Problem(
                    label,
                    f"{where}.Level",
                    f"{code}: an {kind} needs Level "
                    + ("1" if kind == "Indicator" else "2 or more")
                    + f", got {row['Level']!r}",
                )
            )
        weight = _number(row["Weight"])
        if weight is None:
            problems.append(Problem(label, f"{where}.Weight", f"{code}: Weight must be a number"))
            weight = 1.0
        parent = _text(row["Parent"])
        if kind == "Aggregate":
            node = {"id": code, "label": text, "weight": weight}
            if parent is None:
                index = node
                rows_of["index"].append(where)
            else:
                nodes.append({**node, "parent": parent})
                rows_of["nodes"].append(where)
            continue
        direction = _number(row["Direction"])
        if direction not in (1.0, -1.0):
            problems.append(
                Problem(
                    label,
                    f"{where}.Direction",
                    f"{code}: Direction must be 1 or -1, got {row['Direction']!r}",
                )
            )
        if parent is None:
            problems.append(Problem(label, f"{where}.Parent", f"indicator {code} has no Parent"))
            continue
        indicator: dict[str, Any] = {
            "id": code,
            "parent": parent,
            "name": text,
            "description": text,
            "unit": unit or "-",
            "direction": "lower" if direction == -1.0 else "higher",
            "kind": _kind(unit),
            "compute": {"type": "direct", "variable": code},
            "source": {"publisher": "COINr import"},
            "weight": weight,
        }
        target = _number(row.get("Target"))
        if target is not None:
            indicator["target"] = {"value": target}
        goalposts = [_number(row.get(f"goalpost_{end}")) for end in ("lower", "upper")]
        if goalposts != [None, None]:  # n_goalposts' gposts, in the indicator's own units
            if None in goalposts:
                problems.append(
                    Problem(
                        label,
                        f"{where}.goalpost_lower",
                        f"{code}: goalpost_lower and goalpost_upper are given together",
                    )
                )
            else:  # checked with the framework (lower below upper)
                indicator["goalposts"] = dict(zip(("lower", "upper"), goalposts, strict=True))
        denominator = _text(row.get("Denominator"))
        if denominator is not None:
            indicator["denominator"] = denominator
        indicators.append(indicator)
        rows_of["indicators"].append(where)

    if problems or index is None:
        raise FrameworkError(problems)
    _warn_build_parameters(meta)
    written = {
        "framework": {
            "id": framework_id,
            "label": {"de": index["label"]["de"], "en": index["label"]["en"]},
        },
        "index": index,
        "defaults": COINR_DEFAULTS,
        "variables": variables,
        "nodes": nodes,
        "indicators": indicators,
    }
    try:
        return Framework.model_validate(written)
    except ValidationError as exc:  # a negative or infinite Weight, an iCode with a space
        raise FrameworkError(_at_rows(exc, label, rows_of)) from None


#: The iMeta column an entry's field of the framework is read from.
_COLUMN_OF = {
    "id": "iCode",
    "compute": "iCode",
    "label": "iName",
    "name": "iName",
    "description": "iName",
    "weight": "Weight",
    "parent": "Parent",
    "unit": "Unit",
    "target": "Target",
    "denominator": "Denominator",
    "goalposts": "goalpost_lower",
}


def _at_rows(exc: ValidationError, label: str, rows_of: dict[str, list[str]]) -> list[Problem]:
    """The framework's validation errors at the iMeta rows and columns they come from,
    each once."""
    found: dict[tuple[str, str], None] = {}
    for error in exc.errors():
        section, *rest = error["loc"] or ("",)
        if section == "index":
            rest = [0, *rest]
        rows = rows_of.get(str(section), [])
        if rest and isinstance(rest[0], int) and rest[0] < len(rows):
            field = str(rest[1]) if len(rest) > 1 else ""
            where = f"{rows[rest[0]]}.{_COLUMN_OF.get(field, field)}".rstrip(".")
        else:
            where = ".".join(map(str, error["loc"]))
        found[where, validation_message(error)] = None
    return [Problem(label, where, message) for where, message in found]


def _warn_build_parameters(meta: pd.DataFrame) -> None:
    """One warning naming the iMeta columns of COINr's per-indicator normalisation
    parameters that hold something, and what gives each in mint-index."""
    by_way: dict[str, list[str]] = {}
    for column, way in _BUILD_PARAMETERS.items():
        if column in meta.columns and meta[column].notna().any():
            by_way.setdefault(way, []).append(column)
    if by_way:
        ways = "; ".join(f"{', '.join(columns)}: {way}" for way, columns in by_way.items())
        warnings.warn(
            "iMeta's per-indicator normalisation parameters are not read (a build gives a "
            f"method's parameters for every indicator): {ways}",
            CoinrParametersWarning,
            stacklevel=4,
        )


def _kind(unit: str | None) -> str:
    """``rate`` for percentages, ratios and per-capita units, else ``count``."""
    text = f" {(unit or '').lower()} "
    return "rate" if any(word in text for word in _RATE_WORDS) else "count"


# ---- iData -> Dataset --------------------------------------------------------------------


def _dataset(
    data: pd.DataFrame,
    label: str,
    sha: str | None,
    meta: pd.DataFrame,
    framework: Framework,
    year: int | None,
) -> Dataset:
    failures: list[dict[str, Any]] = []

    def fail(row: Any, column: str | None, value: Any, reason: str) -> None:
        failures.append(
            {"source": label, "row": row, "column": column, "value": value, "reason": reason}
        )

    if "uCode" not in data.columns:
        fail(None, "uCode", None, "iData needs a uCode column")
        raise DataValidationError(failures)

    typed = {str(c): _text(t) for c, t in zip(meta["iCode"], meta["Type"], strict=True)}
    variables = [v.id for v in framework.variables]
    unit_columns = [c for c, t in typed.items() if t in ("Group", "Other") and c in data.columns]
    known = {"uCode", "uName", "Time", *variables, *unit_columns}
    for column in data.columns:
        if column not in known:
            fail(None, column, None, "column is not described in iMeta")
    for column in variables:
        if column not in data.columns:
            fail(None, column, None, "iMeta describes this column but iData has none")

    frame = data.copy()
    frame["uCode"] = frame["uCode"].map(_text)
    for row in np.flatnonzero(frame["uCode"].isna().to_numpy()):
        fail(int(row) + 2, "uCode", None, "empty uCode")
    if "Time" in frame.columns:
        time = pd.to_numeric(frame["Time"], errors="coerce")
        bad = time.isna() | (time != time.round())
        for row in np.flatnonzero(bad.to_numpy()):
            fail(int(row) + 2, "Time", frame["Time"].iloc[row], "Time must be a whole year")
        frame["Time"] = time
    else:
        frame["Time"] = UNDATED_YEAR if year is None else year
    present = [v for v in variables if v in frame.columns]
    for column in present:
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() & frame[column].notna()
        for row in np.flatnonzero(bad.to_numpy()):
            fail(int(row) + 2, column, frame[column].iloc[row], "not a number")
        frame[column] = numbers.astype(np.float64)
    if failures:
        raise DataValidationError(failures)

    frame["Time"] = frame["Time"].astype(np.int64)
    units = (
        frame.sort_values("Time", kind="stable")
        .drop_duplicates("uCode", keep="last")
        .set_index("uCode")
    )
    names = units["uName"] if "uName" in units.columns else units.index.to_series()
    units_table = pd.DataFrame({"name": names.astype(str)}, index=units.index)
    for column in unit_columns:
        units_table[column] = units[column]
    units_table.index = units_table.index.astype(str)
    units_table.index.name = "unit"

    wide = frame[["uCode", "Time", *present]]
    dataset = Dataset.from_wide(wide, unit="uCode", year="Time", units=units_table, source=label)
    provenance = pd.DataFrame(
        [{"source": label, "format": "coinr", "sha256": sha, "rows": len(frame)}]
    )
    return Dataset(
        dataset.values,
        dataset.years,
        dataset.unit_ids,
        dataset.variables,
        dataset.reason,
        dataset.flag,
        dataset.units,
        provenance,
        dataset.warnings,
    )
