"""What changed between two runs, as plain tables: the one builder of a comparison's numbers.

The HTML comparison (:func:`mint_index.reports.comparison.compare_context`) and
``mint-index compare`` (its CSV files and its summary on screen) both take their numbers
from here, and write them through the one formatting layer (:mod:`.format`,
:func:`display_rows`), so a score change or a rank change reads the same in the report,
the files and the terminal.

A side of a comparison is a :class:`ComparedRun`: a tidy score table of every year
(:mod:`mint_index.pipeline.score_table`, from a scores file or from Results), the rows of
the year compared and the plan of its build. From Results those rows are the report's
(:func:`current_rows`: scores only of units that exist in the year and have data of it,
ranked among themselves); from a scores file they are the file's rows of that year, as
published. Years present on both sides are checked for revisions of past scores;
definition changes come from the two builds' plans (:mod:`mint_index.plan_changes`).
:func:`mint_index.comparison.compare` puts these tables together as a
:class:`~mint_index.comparison.Comparison`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.errors import SpecError
from mint_index.files import CSV_FLOAT_DECIMALS
from mint_index.plan_changes import plan_changes
from mint_index.rules.formatting import MISSING, Formatter

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results
    from mint_index.plan import Plan
    from mint_index.reports.data import ReportData

__all__ = [
    "CHANGE_COLUMNS",
    "DEFINITION_COLUMNS",
    "REVISION_COLUMNS",
    "ComparedRun",
    "current_rows",
    "definition_changes",
    "display_rows",
    "latest_year_of_table",
    "rank_jumps",
    "revisions",
    "score_changes",
]

CHANGE_COLUMNS = [
    "unit",
    "node",
    "level",
    "old_year",
    "old_score",
    "old_rank",
    "new_year",
    "new_score",
    "new_rank",
    "score_change",
    "rank_change",
]
REVISION_COLUMNS = ["unit", "year", "node", "old_score", "new_score", "difference"]
DEFINITION_COLUMNS = ["kind", "id", "change", "fields"]
#: The columns of a year's rows that a comparison reads.
CURRENT_COLUMNS = ["unit", "node", "level", "year", "score", "rank"]

#: Score differences below this are rounding, not revisions.
_TOLERANCE = 10.0**-CSV_FLOAT_DECIMALS


def _rounded(values: pd.Series | np.ndarray) -> np.ndarray:
    """Scores as a scores file writes them (six decimals; no negative zero)."""
    return np.round(np.asarray(pd.to_numeric(values), dtype=np.float64), CSV_FLOAT_DECIMALS) + 0.0


def latest_year_of_table(table: pd.DataFrame) -> int | None:
    """The latest year in which some unit has an index score (the index is the node of the
    highest level) - the year a report of the table is about; None for an empty table."""
    if not len(table):
        return None
    index = table[(table["level"] == table["level"].max()) & table["score"].notna()]
    return int((index if len(index) else table)["year"].max())


def current_rows(data: ReportData, levels: dict[str, int]) -> pd.DataFrame:
    """The report year's scores and ranks as the report shows them, one row per unit and
    node (``unit, node, level, year, score, rank``; ranks of aggregate nodes only, among
    the units that count in the year). ``levels``: the framework's node levels."""
    n_u, nodes = len(data.unit_ids), data.node_ids
    rank = np.full((n_u, len(nodes)), np.nan)
    at = [data.col[n] for n in data.aggregate_ids]
    rank[:, at] = data.rank
    return pd.DataFrame(
        {
            "unit": np.repeat(np.asarray(data.unit_ids, dtype=object), len(nodes)),
            "node": np.tile(np.asarray(nodes, dtype=object), n_u),
            "level": np.tile(np.asarray([levels[n] for n in nodes], dtype=np.int64), n_u),
            "year": np.full(n_u * len(nodes), data.year, dtype=np.int64),
            "score": data.scores.reshape(-1),
            "rank": rank.reshape(-1),
        }
    )


@dataclass(frozen=True)
class ComparedRun:
    """One side of a comparison: every year's scores, the rows of the year compared, the
    plan of its build (None when unknown: a scores file without a readable build spec in
    its provenance) and, for a scored build, its Results (the comparison page needs them)."""

    table: pd.DataFrame  # score-table columns, every year
    current: pd.DataFrame  # CURRENT_COLUMNS, the compared year
    year: int | None
    plan: Plan | None = None
    results: Results | None = None

    @classmethod
    def of_table(
        cls, table: pd.DataFrame, year: int | None = None, plan: Plan | None = None
    ) -> ComparedRun:
        """A scores file: the compared year's rows as the file has them (``year``, else
        the latest with index scores); a :class:`~mint_index.errors.SpecError` for a year
        the table does not have."""
        years = np.unique(table["year"].to_numpy(np.int64))
        if year is not None and int(year) not in years:
            listed = [int(y) for y in years]
            raise SpecError(f"compare: year {year} is not in the scores table; years: {listed}")
        year = latest_year_of_table(table) if year is None else int(year)
        current = table.loc[table["year"].to_numpy() == year, CURRENT_COLUMNS]
        return cls(table, current.reset_index(drop=True), year, plan)

    @classmethod
    def of_results(cls, results: Results, year: int | None = None) -> ComparedRun:
        """A scored build: the compared year's rows as its report shows them (``year``,
        else the latest with index scores: :meth:`~mint_index.Results.year_or_latest`)."""
        from mint_index.pipeline.score_table import score_table
        from mint_index.reports.data import prepare

        data = prepare(results, "en", results.year_or_latest(year, "compare"))
        current = current_rows(data, results.framework.levels)
        return cls(score_table(results), current, data.year, results.plan, results)


def _index_id(rows: pd.DataFrame) -> str | None:
    """The index of a year's rows: the node of the highest level."""
    if not len(rows):
        return None
    return str(rows.loc[rows["level"] == rows["level"].max(), "node"].iloc[0])


def score_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Score and rank changes of every unit and node between two years' rows
    (:data:`CURRENT_COLUMNS`): :data:`CHANGE_COLUMNS`, sorted by node and unit. The index
    is always compared, also when its id differs (the old one takes the new id);
    ``rank_change`` is positive when a unit moved up the table (its rank number fell)."""
    old_index, new_index = _index_id(old), _index_id(new)
    if old_index is not None and new_index is not None and old_index != new_index:
        old = old.assign(node=old["node"].where(old["node"] != old_index, new_index))
    left = old[CURRENT_COLUMNS].rename(
        columns={"year": "old_year", "score": "old_score", "rank": "old_rank"}
    )
    right = new[CURRENT_COLUMNS].rename(
        columns={"year": "new_year", "score": "new_score", "rank": "new_rank", "level": "lvl"}
    )
    changes = left.merge(right, on=["unit", "node"], how="outer")
    changes["level"] = changes["lvl"].fillna(changes["level"]).astype("int64")
    # from the scores as written (six decimals): the file agrees with itself, and two
    # builds compare alike whether given as Results or as their scores files
    changes["score_change"] = _rounded(
        _rounded(changes["new_score"]) - _rounded(changes["old_score"])
    )
    rank_change = pd.to_numeric(changes["old_rank"]) - pd.to_numeric(changes["new_rank"])
    changes["rank_change"] = rank_change.round().astype("Int64")
    for column in ("old_year", "new_year", "old_rank", "new_rank"):
        changes[column] = pd.to_numeric(changes[column]).round().astype("Int64")
    changes = changes.sort_values(["node", "unit"], kind="stable", ignore_index=True)
    return changes[CHANGE_COLUMNS]


def rank_jumps(changes: pd.DataFrame, places: int) -> pd.DataFrame:
    """Rows whose rank moved ``places`` or more, the largest moves first."""
    moved = changes["rank_change"].abs().fillna(0) >= places
    jumps = changes[moved].assign(_size=lambda f: -f["rank_change"].abs())
    jumps = jumps.sort_values(["_size", "node", "unit"], kind="stable", ignore_index=True)
    return jumps.drop(columns="_size")


def revisions(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Scores of a unit, year and node in both tables that differ (or appeared, or
    vanished): :data:`REVISION_COLUMNS`."""
    both = old.merge(new, on=["unit", "year", "node"], suffixes=("_old", "_new"))
    diff = _rounded(both["score_new"] - both["score_old"])
    appeared = both["score_old"].isna() != both["score_new"].isna()
    revised = (np.abs(np.nan_to_num(diff)) > _TOLERANCE) | appeared.to_numpy()
    frame = pd.DataFrame(
        {
            "unit": both["unit"],
            "year": both["year"],
            "node": both["node"],
            "old_score": both["score_old"],
            "new_score": both["score_new"],
            "difference": diff,
        }
    )[revised]
    return frame.sort_values(["unit", "year", "node"], kind="stable", ignore_index=True)[
        REVISION_COLUMNS
    ]


def definition_changes(old: Plan | None, new: Plan | None) -> pd.DataFrame:
    """Indicators, aggregate nodes and build-wide settings whose definition differs
    between two plans (:func:`mint_index.plan_changes.plan_changes`, which the comparison
    page lists too): :data:`DEFINITION_COLUMNS`, one row each, ``fields`` naming what
    changed. Empty when a side's plan is unknown (a scores file without provenance)."""
    if old is None or new is None:
        return pd.DataFrame(columns=DEFINITION_COLUMNS)
    rows = [
        (change.kind, change.id, change.change, ", ".join(change.fields))
        for change in plan_changes(old, new)
    ]
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)


def _shown(column: str, f: Formatter) -> Any:
    """How a column's values are written: as the comparison page writes them (scores with
    one decimal, changes with their sign, ranks as whole numbers)."""
    if column in ("old_score", "new_score", "difference"):
        return lambda v: f.num(v, 1)
    if column == "score_change":
        return lambda v: f.num(v, 1, sign=True)
    if column in ("old_rank", "new_rank"):
        return f.int
    if column == "rank_change":
        return lambda v: f.int(v, sign=True)
    return lambda v: MISSING if v is None else str(v)


def display_rows(frame: pd.DataFrame, columns: list[str], lang: str) -> list[list[str]]:
    """``frame``'s ``columns`` as text in ``lang``'s conventions (decimal comma and
    typographic minus in German), as the comparison page shows the same numbers."""
    f = Formatter(lang)
    plain = frame[columns].astype(object).where(frame[columns].notna(), None)
    writers = [_shown(c, f) for c in columns]
    return [
        [write(value) for write, value in zip(writers, row, strict=True)]
        for row in plain.itertuples(index=False)
    ]
