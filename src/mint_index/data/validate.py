"""Validation of loaded cells: unit keys, units table, duplicates and the framework's needs.

Every check is a whole-array operation over the tidy cells (or over the distinct keys and
the framework's variables) and returns problems in the standard columns ``source, row,
column, value, reason``. :func:`validate` runs them all and returns failures and
warnings; the caller raises once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.data.controls import cell_control_failures
from mint_index.data.dataset import REPEATED_CELL, repeated_cells
from mint_index.data.keys import ZERO_LOSING_LENGTHS, key_scheme
from mint_index.data.problems import failures_frame, first_rows
from mint_index.errors import PROBLEM_COLUMNS
from mint_index.rules.lifetimes import exists_in

if TYPE_CHECKING:
    from mint_index.framework import Framework

__all__ = [
    "CellIndex",
    "cell_index",
    "lost_zeros",
    "malformed_keys",
    "validate",
    "variable_sources",
]

DATA = "<data>"
#: What problems of the units table as a whole are called by (it is no data source).
UNITS_TABLE = "<units table>"
_BOUNDS = {
    "count": (0.0, np.inf, "negative count"),
    "percent": (0.0, 100.0, "percentage outside 0..100"),
    "share": (0.0, 1.0, "share outside 0..1"),
}
_BOUND_CODES = {
    "negative count": "negative_count",
    "percentage outside 0..100": "percent_out_of_range",
    "share outside 0..1": "share_out_of_range",
}


@dataclass
class CellIndex:
    """Where each cell goes in the cube ``[year, unit, variable]``."""

    year: np.ndarray
    unit: np.ndarray
    variable: np.ndarray
    years: np.ndarray
    unit_ids: np.ndarray
    variables: list[str]

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.years), len(self.unit_ids), len(self.variables)

    @cached_property
    def flat(self) -> np.ndarray:
        """Position of each cell in the flattened cube."""
        _, n_units, n_vars = self.shape
        return (self.year.astype(np.int64) * n_units + self.unit) * n_vars + self.variable


def _used(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered over the categories in use, and which categories those are
    (a counting pass; sorting millions of codes would be much slower)."""
    used = np.bincount(codes, minlength=n) > 0
    if used.all():
        return codes, used
    return (np.cumsum(used) - 1)[codes], used


def cell_index(cells: pd.DataFrame) -> CellIndex:
    """Cube positions of the cells: years and units sorted, variables in input order."""
    unit_codes, used = _used(cells["unit"].cat.codes.to_numpy(), len(cells["unit"].cat.categories))
    names = np.asarray(cells["unit"].cat.categories, dtype=object)[used].astype(str)
    order = np.argsort(names, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    year = cells["year"].to_numpy(dtype=np.int64)
    low = int(year.min()) if len(year) else 0
    year_codes, present = _used(year - low, 1)
    var_codes, var_used = _used(
        cells["variable"].cat.codes.to_numpy(), len(cells["variable"].cat.categories)
    )
    return CellIndex(
        year=year_codes,
        unit=rank[unit_codes],
        variable=var_codes,
        years=np.flatnonzero(present).astype(np.int64) + low,
        unit_ids=names[order].astype(object),
        variables=[str(v) for v in cells["variable"].cat.categories[var_used]],
    )


# ---- unit keys ----------------------------------------------------------------------
def malformed_keys(
    keys: pd.Series, known: Iterable[str] = (), official: np.ndarray | None = None
) -> pd.Series:
    """Why each (distinct, text) key is malformed, or ``None``.

    A key that is one digit short of an official length (4 vs 5, 7 vs 8, ...) is only
    called a lost leading zero when there is evidence (:func:`lost_zeros`; ``official``
    as there). Nothing is ever padded here.
    """
    keys = keys.astype(str)
    reasons = pd.Series(None, index=keys.index, dtype=object)
    reasons[keys == ""] = "empty unit key"
    decimal = keys.str.fullmatch(r"[-+]?[0-9]+\.[0-9]*|[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+")
    reasons[decimal] = "unit key looks like a number read as decimal; read keys as text"
    # ``１００１０００``, ``٠١٠٠١٠٠٠``: digits of another script look like a key's and are none
    reasons[keys.str.contains(r"(?![0-9])\d", regex=True)] = (
        "unit key is written with digits of another script (fullwidth, Arabic-Indic, ...); "
        "write it with 0-9"
    )
    full = lost_zeros(keys, known, official)
    for n in sorted(set(full[full > 0].tolist())):
        short = full == n
        reasons[short] = (
            f"unit key has {n - 1} digits where keys have {n}: a leading zero was probably "
            "lost (read as a number upstream, as a spreadsheet program does); keys must be "
            "text with their zeros (export or import the key column as text, or restore "
            f"them with key: {{pad: auto}}, or key: {{pad: {n}}} where every key has {n} digits)"
        )
    return reasons


def lost_zeros(
    keys: pd.Series, known: Iterable[str] = (), official: np.ndarray | None = None
) -> np.ndarray:
    """For each (text) key that lost its leading zero, the length it had, else 0.

    Such a key is written as a number is (digits, no leading zero), one digit short of an
    official length, and there is evidence: other keys of the full length (not among a
    town's own numbering, 1-25, whose keys of one and two digits are as written), the padded key
    in the units table (``known``: ``9161000`` beside ``09161000`` there), or a source
    that writes official keys only (``official``, per key: a GENESIS export, whose
    ``9161000`` a spreadsheet made of ``09161000``, as no official key has 7 digits)."""
    keys = keys.astype(str)
    digits = keys.str.fullmatch(r"[0-9]+")
    number_like = digits & ~keys.str.startswith("0")  # what a number written out looks like
    length = keys.str.len()
    # a town's own numbering (districts 1-25: no key of more than two digits, none with
    # a leading zero) has keys of one and two digits by nature; they are no evidence
    present = set() if key_scheme(keys) == "own" else set(length[digits])
    known = set(known)
    full = np.zeros(len(keys), dtype=np.int64)
    for n in sorted(n - 1 for n in ZERO_LOSING_LENGTHS):
        short = number_like & (length == n)
        evidence = short & (n + 1 in present)
        if known:
            evidence |= short & keys.str.zfill(n + 1).isin(known)
        if official is not None:
            evidence |= short & official
        full[evidence.to_numpy(dtype=bool)] = n + 1
    return full


#: Why a unit of the units table is in no result (code ``unit_without_data``).
UNIT_WITHOUT_DATA = (
    "the units table lists this unit in a year of the data, but no source gives data for "
    "it: it is not scored and not in the reports"
)


def _existing(index: CellIndex, units: pd.DataFrame | None) -> np.ndarray:
    """``[year, unit]``: whether each unit of the data exists in each year of the data, as
    the units table's ``valid_from``/``valid_to`` say (a unit it does not list, or every
    unit without a table: in every year)."""
    if units is None:
        return np.ones(index.shape[:2], dtype=bool)
    once = units[~units.index.duplicated()]  # a key listed twice is reported elsewhere
    table = once.reindex(pd.Index(np.asarray(index.unit_ids, dtype=str)))
    return exists_in(table, [int(y) for y in index.years]).T


def _units_without_data(
    index: CellIndex, units: pd.DataFrame | None, existing: np.ndarray
) -> list[pd.DataFrame]:
    """Warnings for the units the units table lists in a year of the data that no source
    gives a cell of then: a unit with no cell at all (a municipality whose figures were
    forgotten, left out of every result and report), and a unit missing from one year's
    data (a town left out of the new year's file, shown as "no data" that year). Years in
    which a unit does not exist (:func:`~mint_index.rules.lifetimes.exists_in`: merged
    away, not yet created) are not missed."""
    if units is None or not len(index.years):
        return []
    keys = units.index.astype(str)
    absent = ~keys.isin(np.asarray(index.unit_ids, dtype=str)) & exists_in(
        units, [int(y) for y in index.years]
    ).any(axis=1)
    out = []
    if absent.any():
        out.append(
            failures_frame(
                UNITS_TABLE,
                None,
                "unit",
                keys[absent].to_numpy(object),
                UNIT_WITHOUT_DATA,
                code="unit_without_data",
            )
        )
    has_cells = np.zeros(index.shape[:2], dtype=bool)
    has_cells[index.year, index.unit] = True
    listed = np.asarray(index.unit_ids, dtype=str)
    years = np.asarray(index.years)

    def each_unit_year(mask: np.ndarray, reason: str, code: str) -> None:
        """A warning per unit-year of ``mask`` ``[year, unit]``; ``{year}`` in ``reason``."""
        y, u = np.nonzero(mask)
        if len(y):
            reasons = [reason.format(year=year) for year in years[y].tolist()]
            out.append(
                failures_frame(
                    UNITS_TABLE, None, "unit", listed[u].astype(object), reasons, code=code
                )
            )

    each_unit_year(  # a merged town's rows in a later year's drop
        ~existing & has_cells,
        "the data have figures of this unit in {year}, a year the units table says it does "
        "not exist in (valid_from, valid_to): not scored that year",
        "unit_not_existing",
    )
    each_unit_year(  # a town left out of one year's file
        existing & ~has_cells & np.isin(listed, keys)[None, :],
        "the units table lists this unit in {year}, but no source gives data for it that "
        "year: it is not scored in it",
        "unit_without_data",
    )
    return out


def _key_failures(
    cells: pd.DataFrame,
    units: pd.DataFrame | None,
    own_keys: Collection[str] = (),
    official_keys: Collection[str] = (),
) -> list[pd.DataFrame]:
    """Malformed keys and keys missing from the units table, once per source and key.
    Keys of sources in ``own_keys`` (a town's own numbering) are never called short; keys
    of sources in ``official_keys`` (GENESIS exports) are whenever they are."""
    n_units = len(cells["unit"].cat.categories)
    pair = cells["unit"].cat.codes.to_numpy()
    if len(cells["source"].cat.categories) > 1:
        pair = cells["source"].cat.codes.to_numpy().astype(np.int64) * n_units + pair
    first = first_rows(pair, len(cells["source"].cat.categories) * n_units)
    pairs = np.flatnonzero(first >= 0)
    first = first[pairs]
    keys = pd.Series(np.asarray(cells["unit"].cat.categories, dtype=object)[pairs % n_units])
    known = [] if units is None else list(units.index.astype(str))
    sources = np.asarray(cells["source"].cat.categories, dtype=object)[pairs // n_units]
    official = np.isin(sources, list(official_keys)) if official_keys else None
    reason = malformed_keys(keys, known, official)
    reason[(keys == "").to_numpy()] = None  # every such row is reported, by _keyless_rows
    if own_keys:
        own = (
            np.isin(sources, list(own_keys))
            & reason.fillna("").str.startswith("unit key has").to_numpy()
        )
        reason[own] = None
    if units is not None:
        absent = reason.isna() & ~keys.isin(known)
        reason[absent] = "unit missing from the units table" + _how_written(keys[absent], known)
    bad = reason.notna().to_numpy()
    if not bad.any():
        return []
    codes = np.where(
        reason[bad].str.startswith("unit missing").to_numpy(), "unknown_unit", "malformed_key"
    )
    return [_at(cells, first[bad], "unit", keys[bad].to_numpy(), reason[bad].to_numpy(), codes)]


def _how_written(keys: pd.Series, known: list[str]) -> pd.Series:
    """For keys the units table lacks, how to read them where the table lists them in
    another spelling: with the leading zero a number lost (``1001``: the table has
    ``01001``; ``key: {pad: auto}``), or with the Land's key a Landesamt leaves out
    (``412000``: the table has ``06412000``; ``key: {prefix: "06"}``). Empty elsewhere.
    The same words for every such key, so a table of them is one line of the output."""
    listed = pd.Index(known)
    text = keys.astype(str)
    hint = pd.Series("", index=keys.index, dtype=object)
    digits = text.str.fullmatch(r"[0-9]+").to_numpy(dtype=bool)
    padded = ("0" + text).where(digits, "")
    zero = padded.isin(listed).to_numpy()
    hint[zero] = (
        ", which lists it with a leading zero: key: {pad: auto} gives back the zero a number lost"
    )
    lands = sorted({k[:2] for k in known if len(k) >= 5 and k[:2].isdigit()})
    for land in lands if len(lands) == 1 else ():  # one Land's table: its key may be left out
        with_land = (land + text).where(digits & ~zero, "")
        found = with_land.isin(listed).to_numpy()
        hint[found] = (
            f", which lists it after the Land's key {land}: "
            f'key: {{prefix: "{land}"}} adds the key the table leaves out'
        )
    return hint


#: Why a row without a key is not read; tables of a Landesamt list groupings of districts
#: (``Ostniedersachsen``) and parts of a district beside the official units.
KEYLESS_ROW = (
    "empty unit key: the row names no unit, so it cannot be read (a grouping of districts "
    "or a part of one has no official key); give it a key, or leave such rows out "
    "(other_units: leave_out, with a units table)"
)


def _keyless_rows(cells: pd.DataFrame, keyless: np.ndarray) -> list[pd.DataFrame]:
    """One failure per source row whose key is empty (``keyless``: which cells have none;
    their cells are not compared as duplicates of one another: :func:`_duplicates`)."""
    at = np.flatnonzero(keyless)
    if not len(at):
        return []
    rows = cells[["source", "row"]].iloc[at]
    return [_at(cells, at[~rows.duplicated().to_numpy()], "unit", "", KEYLESS_ROW, "empty_key")]


def _keyless(cells: pd.DataFrame) -> np.ndarray:
    """Which cells have an empty unit key (no pass over the keys' text)."""
    categories = cells["unit"].cat.categories
    if "" not in categories:
        return np.zeros(len(cells), dtype=bool)
    return cells["unit"].cat.codes.to_numpy() == categories.get_loc("")


def _at(
    cells: pd.DataFrame,
    at: np.ndarray,
    column: str | None,
    value: object,
    reason: object,
    code: object,
) -> pd.DataFrame:
    """Problems located at cell positions ``at`` (source, row, and the cell's column)."""
    frame = pd.DataFrame(
        {
            "source": cells["source"].to_numpy()[at].astype(object),
            "row": cells["row"].to_numpy()[at],
            "column": (cells["column"].to_numpy()[at].astype(object) if column is None else column),
            "value": value,
            "reason": reason,
            "code": code,
            "unit": cells["unit"].to_numpy()[at].astype(object),
            "year": cells["year"].to_numpy()[at],
            "variable": cells["variable"].to_numpy()[at].astype(object),
        }
    )
    frame["row"] = frame["row"].astype("Int64")
    return frame


# ---- cells --------------------------------------------------------------------------
def _duplicates(
    cells: pd.DataFrame, index: CellIndex, keyless: np.ndarray
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Failures for copies of a cell that disagree, warnings for copies that repeat it
    (:func:`~mint_index.data.dataset.repeated_cells`); cells without a key (``keyless``)
    are reported as such, not as copies."""
    flat = index.flat
    counts = np.bincount(flat, minlength=int(np.prod(index.shape)))
    if np.count_nonzero(counts) == len(flat):
        return [], []
    value = cells["value"].to_numpy(dtype=np.float64)
    clash, repeat = repeated_cells(
        flat,
        value,
        cells["missing_reason"].cat.codes.to_numpy(),
        cells["flag"].cat.codes.to_numpy(),
    )
    failures: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []
    for mask, reason, code, out in (
        (clash & ~keyless, "duplicate (unit, year, variable)", "duplicate_cell", failures),
        (repeat & ~keyless, REPEATED_CELL, "repeated_cell", warnings),
    ):
        if mask.any():
            at = np.flatnonzero(mask)
            out.append(_at(cells, at, None, _fmt(value[at]), reason, code))
    return failures, warnings


def _fmt(values: np.ndarray) -> np.ndarray:
    """Figures as a problem quotes them: every digit, no exponent (``4914500``, not
    ``4.9145e+06``, which hid which of two figures was which)."""
    return np.array(
        [np.format_float_positional(v, trim="-") for v in np.asarray(values, dtype=float)],
        dtype=object,
    )


def _framework_failures(
    cells: pd.DataFrame, index: CellIndex, values: np.ndarray, framework: Framework
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Failures and warnings that need the framework (see :func:`validate`)."""
    out: list[pd.DataFrame] = []
    needed_by: dict[str, list[str]] = {}
    denominators: dict[tuple[str, str], list[str]] = {}
    levels: dict[str, tuple[list[float], list[str]]] = {}
    for ind in framework.indicators:  # loops over the framework, not over cells
        for var in ind.variables():
            needed_by.setdefault(var, []).append(ind.id)
        c = ind.compute
        for fraction in ind.fractions():
            denominators.setdefault(fraction, []).append(ind.id)
        if c.type == "direct" and ind.answer_levels():
            allowed, users = levels.setdefault(c.variable, ([], []))
            allowed += [lvl.value for lvl in ind.answer_levels()]
            users.append(ind.id)

    present = set(index.variables)
    missing = [v for v in needed_by if v not in present]
    if missing:
        out.append(
            failures_frame(
                DATA,
                None,
                missing,
                None,
                [
                    f"variable needed by {', '.join(needed_by[v])} is missing from the data"
                    for v in missing
                ],
                code="missing_variable",
            )
        )

    value = cells["value"].to_numpy()
    position = {v: i for i, v in enumerate(index.variables)}
    units = {v.id: v.unit for v in framework.variables}
    lower = np.full(len(index.variables) + 1, -np.inf)
    upper = np.full(len(index.variables) + 1, np.inf)
    what = np.full(len(index.variables) + 1, "", dtype=object)
    for var, unit in units.items():
        if var in position and unit in _BOUNDS:
            lower[position[var]], upper[position[var]], what[position[var]] = _BOUNDS[unit]
    with np.errstate(invalid="ignore"):
        outside = (value < lower[index.variable]) | (value > upper[index.variable])
    if outside.any():
        at = np.flatnonzero(outside)
        reasons = what[index.variable[at]]
        codes = np.array([_BOUND_CODES[r] for r in reasons], dtype=object)
        out.append(_at(cells, at, None, _fmt(value[at]), reasons, codes))

    for var, (allowed, users) in levels.items():
        if var not in position or units.get(var) not in (None, "code"):
            continue
        of_var = index.variable == position[var]
        wrong = of_var & ~np.isnan(value) & ~np.isin(value, allowed)
        if wrong.any():
            at = np.flatnonzero(wrong)
            shown = ", ".join(f"{v:g}" for v in sorted(set(allowed)))
            out.append(
                _at(
                    cells,
                    at,
                    None,
                    _fmt(value[at]),
                    f"not an answer level of {', '.join(users)} ({shown})",
                    "not_an_answer_level",
                )
            )

    zero, undefined = _zero_denominators(cells, index, values, denominators)
    exceeding = _numerators_above_denominators(cells, index, values, denominators, units)
    return out + zero + exceeding, undefined


def _zero_denominators(
    cells: pd.DataFrame,
    index: CellIndex,
    values: np.ndarray,
    fractions: dict[tuple[str, str], list[str]],
) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """A zero denominator under a non-zero numerator is impossible data (a failure at the
    denominator cell); 0 of 0 leaves the indicator undefined there (one warning per
    indicator, since small municipalities have such cells every year)."""
    position = {v: i for i, v in enumerate(index.variables)}
    failures: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []
    cell_at: np.ndarray | None = None
    for (num, den), users in fractions.items():  # loops over the framework's fractions
        if den not in position:
            continue
        denominator = values[:, :, position[den]]
        numerator = (
            values[:, :, position[num]] if num in position else np.full(denominator.shape, np.nan)
        )
        zero = denominator == 0
        if not zero.any():
            continue
        names = ", ".join(dict.fromkeys(users))
        impossible = zero & (numerator != 0) & ~np.isnan(numerator)
        if impossible.any():
            if cell_at is None:
                cell_at = np.full(values.size, -1, dtype=np.int64)
                cell_at[index.flat] = np.arange(len(index.flat))
            y, u = np.nonzero(impossible)
            at = cell_at[(y * values.shape[1] + u) * values.shape[2] + position[den]]
            failures.append(
                _at(
                    cells,
                    at,
                    None,
                    _fmt(denominator[y, u]),
                    [f"zero denominator of {names} while {num} is {n:g}" for n in numerator[y, u]],
                    "zero_denominator",
                )
            )
        undefined = int((zero & ~impossible).sum())
        if undefined:
            warnings.append(
                failures_frame(
                    DATA,
                    None,
                    den,
                    str(undefined),
                    f"zero denominator of {names} in {undefined} unit-year(s), "
                    f"with {num} also 0 or missing: the indicator is undefined there",
                    code="undefined_ratio",
                )
            )
    return failures, warnings


def _numerators_above_denominators(
    cells: pd.DataFrame,
    index: CellIndex,
    values: np.ndarray,
    fractions: dict[tuple[str, str], list[str]],
    units: Mapping[str, str],
) -> list[pd.DataFrame]:
    """A count numerator above its count denominator (more foreign pupils than pupils) is
    impossible data: a failure at the numerator cell."""
    position = {v: i for i, v in enumerate(index.variables)}
    failures: list[pd.DataFrame] = []
    cell_at = np.full(values.size, -1, dtype=np.int64)
    cell_at[index.flat] = np.arange(len(index.flat))
    for (num, den), users in fractions.items():  # loops over the framework's fractions
        if num not in position or den not in position:
            continue
        if units.get(num) != "count" or units.get(den) != "count":
            continue
        numerator = values[:, :, position[num]]
        denominator = values[:, :, position[den]]
        with np.errstate(invalid="ignore"):
            above = (numerator > denominator) & (denominator != 0)  # 0: reported above
        if not above.any():
            continue
        y, u = np.nonzero(above)
        at = cell_at[(y * values.shape[1] + u) * values.shape[2] + position[num]]
        names = ", ".join(dict.fromkeys(users))
        failures.append(
            _at(
                cells,
                at,
                None,
                _fmt(numerator[y, u]),
                [
                    f"{num} of {names} is above its denominator {den} ({d:g})"
                    for d in denominator[y, u]
                ],
                "numerator_above_denominator",
            )
        )
    return failures


def _coverage_warnings(
    values: np.ndarray,
    index: CellIndex,
    variables: list[str],
    minimum: float,
    existing: np.ndarray,
) -> list[pd.DataFrame]:
    """Variables with a value in fewer than ``minimum`` of the unit-years in which the
    units exist (``existing`` ``[year, unit]``: a town merged away, or not yet created,
    has no value missing; counted in the cube ``values``, so a repeated row counts once)."""
    counts = np.count_nonzero(~np.isnan(values) & existing[:, :, None], axis=(0, 1))
    coverage = counts / max(int(existing.sum()), 1)
    position = {v: i for i, v in enumerate(index.variables)}
    low = [
        (v, coverage[position[v]])
        for v in variables
        if v in position and coverage[position[v]] < minimum
    ]
    if not low:
        return []
    return [
        failures_frame(
            DATA,
            None,
            [v for v, _ in low],
            [f"{c:.0%}" for _, c in low],
            [
                f"low coverage: {c:.0%} of unit-years have a value (minimum {minimum:.0%})"
                for _, c in low
            ],
            code="low_coverage",
        )
    ]


def validate(
    cells: pd.DataFrame,
    index: CellIndex,
    values: np.ndarray,
    framework: Framework | None = None,
    units: pd.DataFrame | None = None,
    min_coverage: float = 0.5,
    *,
    own_keys: Collection[str] = (),
    official_keys: Collection[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All checks on the combined cells (with a ``source`` column) and their cube
    ``values`` [year, unit, variable]: (failures, warnings).

    Failures: malformed unit keys, units missing from the units table, copies of a
    (unit, year, variable) that disagree, and with a framework: variables it needs but the
    data lack, negative counts, percentages outside 0..100, shares outside 0..1, codes that
    are not answer levels, zero denominators under a non-zero numerator, count numerators
    above their denominators. Keys of the sources in ``own_keys`` (own numbering) are not
    reported as lost leading zeros, those of ``official_keys`` (GENESIS exports) without
    further evidence. Warnings: copies of a cell that agree (read once), low
    coverage, variables the framework does not use, 0 of 0 (indicator undefined), units
    the units table lists in a year of the data but no source gives data for.
    """
    keyless = _keyless(cells)
    clashes, warnings = _duplicates(cells, index, keyless)
    failures = _key_failures(cells, units, own_keys, official_keys)
    failures += _keyless_rows(cells, keyless) + clashes
    failures += cell_control_failures(cells)  # ESC, NUL, ... in unit keys and variable names
    if framework is not None:
        more, framework_warnings = _framework_failures(cells, index, values, framework)
        failures += more
        warnings += framework_warnings
        known = set(framework.variable_map) | set(framework.required_variables())
        extra = [v for v in index.variables if v not in known]
        if extra:
            warnings.append(
                failures_frame(
                    DATA,
                    None,
                    extra,
                    None,
                    "variable is not used by the framework",
                    code="unused_variable",
                )
            )
        checked = [v for v in framework.required_variables() if v in index.variables]
    else:
        checked = index.variables
    existing = _existing(index, units)
    warnings += _coverage_warnings(values, index, checked, min_coverage, existing)
    warnings += _units_without_data(index, units, existing)
    return _located(problems_frame(failures), cells), _located(problems_frame(warnings), cells)


def _located(problems: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Problems about the data as a whole (a variable missing, unused or thinly covered)
    named by the sources they concern instead of ``<data>``: the files holding the
    variable, else (a variable no file has) every file read."""
    at = (problems["source"] == DATA).to_numpy(dtype=bool) if len(problems) else np.zeros(0, bool)
    if not len(problems) or not at.any() or not len(cells):
        return problems
    every = ", ".join(sorted({str(s) for s in pd.unique(cells["source"])}))
    names = {v: ", ".join(held) for v, held in variable_sources(cells).items()}
    out = problems.copy()
    column = out.loc[at, "column"].astype(object)
    out.loc[at, "source"] = [names.get(str(c), every) for c in column]
    return out


def _category_codes(column: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Codes and their values; a categorical's own codes (no pass over the text)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), list(column.cat.categories)
    codes, values = pd.factorize(column)
    return codes, list(values)


def variable_sources(cells: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The sources holding each variable, sorted: the one place that says where a problem
    about a whole variable is located, for validation and (through
    ``Dataset.variable_sources``) for problems found while scoring."""
    if not len(cells):
        return {}
    var_codes, variables = _category_codes(cells["variable"])
    src_codes, sources = _category_codes(cells["source"])
    keep = (var_codes >= 0) & (src_codes >= 0)
    pairs = var_codes[keep].astype(np.int64) * len(sources) + src_codes[keep]
    held = np.bincount(pairs, minlength=len(variables) * len(sources)) > 0
    held = held.reshape(len(variables), len(sources))
    names = np.asarray([str(s) for s in sources], dtype=object)
    return {str(v): tuple(sorted(names[held[i]])) for i, v in enumerate(variables) if held[i].any()}


def problems_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame of problems in the standard columns (plus unit/year/variable if any)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    frame = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    frame = frame.astype(object).where(frame.notna(), None)
    return frame
