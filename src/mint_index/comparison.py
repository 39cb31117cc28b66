"""Two builds compared, in Python: ``mi.compare(old, new)`` is what ``mint-index compare``
writes, as one :class:`Comparison`.

A side is a scored build (:class:`~mint_index.Results`) or a published scores file - its
table as :func:`~mint_index.read_scores` returns it, or its path. The numbers come from
:mod:`mint_index.reports.score_changes` (the one builder the comparison page uses too);
this module reads the sides and puts the tables together, so a notebook, a project
(:meth:`mint_index.Project.compare`) and the command line compare alike. pandas and the
builder are imported on first use, so that the command line can name
:data:`DEFAULT_RANK_JUMP` without loading them.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mint_index.errors import ReportError, SpecError
from mint_index.rules.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from typing import TypeAlias

    import pandas as pd

    from mint_index.pipeline.results import Results
    from mint_index.plan import Plan
    from mint_index.reports import Report
    from mint_index.reports.score_changes import ComparedRun

    #: What a side of a comparison may be: a scored build, a scores table (with or
    #: without the provenance :func:`~mint_index.read_scores` returns) or a scores file.
    ComparedBuild: TypeAlias = (
        Results
        | pd.DataFrame
        | tuple[pd.DataFrame, Mapping[str, Any] | None]
        | str
        | os.PathLike[str]
    )

__all__ = ["DEFAULT_RANK_JUMP", "Comparison", "compare"]

#: Rank moves of this many places or more are listed as rank jumps (``--rank-jump``).
DEFAULT_RANK_JUMP = 3


@dataclass(frozen=True, eq=False)
class Comparison:
    """What changed between two builds: the tables ``mint-index compare`` writes.

    ``changes``: score and rank changes of every unit and node between the compared years
    (:data:`~mint_index.reports.score_changes.CHANGE_COLUMNS`; ``rank_change`` positive
    when a unit moved up). ``rank_jumps``: the rows of ``changes`` whose rank moved
    ``rank_jump`` places or more, the largest first. ``revisions``: scores of a year both
    builds have that differ (``unit, year, node, old_score, new_score, difference``).
    ``definition_changes``: indicators, nodes and build-wide settings defined differently
    (``kind, id, change, fields``; empty when a side's plan is unknown, see
    :attr:`definitions_known`). ``units``: the units with an index score in the new
    build's compared year; ``units_added`` and ``units_removed``: those with one in only
    one of the two compared years (a merger's towns, the town it made).
    ``old_plan``/``new_plan``: the builds' plans (None for a scores file without a
    readable build spec in its provenance);
    ``old_results``/``new_results``: the scored builds (None for a scores file).
    """

    changes: pd.DataFrame
    rank_jumps: pd.DataFrame
    revisions: pd.DataFrame
    definition_changes: pd.DataFrame
    old_year: int | None
    new_year: int | None
    units: tuple[str, ...]
    units_added: tuple[str, ...]
    units_removed: tuple[str, ...]
    rank_jump: int
    old_plan: Plan | None
    new_plan: Plan | None
    old_results: Results | None = field(default=None, repr=False)
    new_results: Results | None = field(default=None, repr=False)

    @property
    def definitions_known(self) -> bool:
        """Whether both plans are known, so that an empty :attr:`definition_changes`
        means the definitions are the same."""
        return self.old_plan is not None and self.new_plan is not None

    @property
    def has_report(self) -> bool:
        """Whether :meth:`report` can build the comparison page: both sides are scored
        builds (a scores file has the scores, not what the page shows with them)."""
        return self.old_results is not None and self.new_results is not None

    def report(self, lang: str = DEFAULT_LANGUAGE) -> Report:
        """The HTML comparison page of the two builds in ``lang``
        (:func:`~mint_index.compare_report` of the compared years); a
        :class:`~mint_index.ReportError` when a side is a scores file."""
        if self.old_results is None or self.new_results is None:
            raise ReportError(
                "the comparison page needs both sides as scored builds (mi.Results); "
                "a scores file has the scores only"
            )
        from mint_index.reports import compare_report

        return compare_report(
            self.old_results,
            self.new_results,
            lang=lang,
            year_before=self.old_year,
            year_after=self.new_year,
        )

    def _repr_html_(self) -> str:
        """In a notebook: the line of :meth:`__repr__`, the index's largest score changes
        and the definitions that changed."""
        from mint_index.reports.notebook import comparison_html

        return comparison_html(self)

    def __repr__(self) -> str:
        """One line for a notebook: the years and the counts ``mint-index compare``
        prints (the tables are attributes)."""
        definitions = len(self.definition_changes) if self.definitions_known else "unknown"
        return (
            f"<Comparison {self.old_year} -> {self.new_year}: units {len(self.units)} "
            f"(+{len(self.units_added)} -{len(self.units_removed)}), "
            f"rank jumps (>= {self.rank_jump} places) {len(self.rank_jumps)}, "
            f"revised past scores {len(self.revisions)}, definition changes {definitions}>"
        )


def _side(build: Any, year: int | None, which: str) -> ComparedRun:
    """One side as the builder reads it: a Results' year as its report shows it, a
    scores table's as the table has it (its plan from the provenance's build spec)."""
    import pandas as pd

    from mint_index.pipeline.results import Results
    from mint_index.plan_changes import recorded_plan
    from mint_index.reports.score_changes import CURRENT_COLUMNS, ComparedRun
    from mint_index.scores_file import checked_table, read_scores

    if isinstance(build, Results):
        return ComparedRun.of_results(build, year)
    given = type(build).__name__
    from_file = isinstance(build, (str, os.PathLike))  # read_scores checks what it reads
    if from_file:
        build = read_scores(build)
    provenance: Any = None
    if isinstance(build, tuple) and len(build) == 2:
        build, provenance = build
    if not isinstance(build, pd.DataFrame) or not isinstance(provenance, (Mapping, type(None))):
        raise SpecError(
            f"compare: {which} must be mi.Results, a scores table (as mi.read_scores "
            f"returns it) or the path of a scores file, got {given}"
        )
    missing = [c for c in CURRENT_COLUMNS if c not in build.columns]
    if missing:
        raise SpecError(f"compare: {which} is not a scores table; it lacks {', '.join(missing)}")
    if not from_file:  # a table given as it is: checked as a file's table is
        build = checked_table(build, f"compare: {which}")
    plan = recorded_plan((provenance or {}).get("spec"))
    return ComparedRun.of_table(build, year, plan)


def _scored_units(current: Any) -> set[str]:
    """The units with an index score in a side's compared year: a town merged away, or
    created since, has none in one of the years, whatever other years its table holds."""
    top = current[current["level"] == current["level"].max()]
    return set(top.loc[top["score"].notna(), "unit"].astype(str))


def compare(
    old: ComparedBuild,
    new: ComparedBuild,
    *,
    rank_jump: int = DEFAULT_RANK_JUMP,
    old_year: int | None = None,
    new_year: int | None = None,
) -> Comparison:
    """Compare two builds: what ``mint-index compare OLD NEW`` writes, as a
    :class:`Comparison`.

    Each side is a scored build (``mi.Results``), a scores table as ``mi.read_scores``
    returns it (``(table, provenance)``, or the table alone: its plan is then unknown) or
    the path of a scores file. Its year defaults to the latest with index scores (a
    Results' as its report shows it: units that exist and have data in the year, ranked
    among themselves; a scores table's as published). ``rank_jump``: the smallest rank
    move listed in ``rank_jumps``. A :class:`~mint_index.SpecError` for a side of another
    kind, a year the side does not have or a ``rank_jump`` below 1.
    """
    from mint_index.reports.score_changes import (
        definition_changes,
        rank_jumps,
        revisions,
        score_changes,
    )

    if isinstance(rank_jump, bool) or not isinstance(rank_jump, numbers.Integral) or rank_jump < 1:
        raise SpecError(
            f"compare: rank_jump must be a whole number of 1 or more, got {rank_jump!r}"
        )
    for name, year in (("old_year", old_year), ("new_year", new_year)):
        if year is not None and (isinstance(year, bool) or not isinstance(year, numbers.Integral)):
            raise SpecError(f"compare: {name} must be a whole year, got {year!r}")
    before, after = _side(old, old_year, "old"), _side(new, new_year, "new")
    changes = score_changes(before.current, after.current)
    old_units, new_units = _scored_units(before.current), _scored_units(after.current)
    return Comparison(
        changes=changes,
        rank_jumps=rank_jumps(changes, int(rank_jump)),
        revisions=revisions(before.table, after.table),
        definition_changes=definition_changes(before.plan, after.plan),
        old_year=before.year,
        new_year=after.year,
        units=tuple(sorted(new_units)),
        units_added=tuple(sorted(new_units - old_units)),
        units_removed=tuple(sorted(old_units - new_units)),
        rank_jump=int(rank_jump),
        old_plan=before.plan,
        new_plan=after.plan,
        old_results=before.results,
        new_results=after.results,
    )
