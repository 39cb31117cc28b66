"""``mi.recommend``: the rules' measures, one entry per unit, year and measure, with the
evidence of every rule that asks for it, and nothing the unit already has.

The rule engine (:mod:`~mint_index.recommendations.engine`) finds and ranks the measures;
this step adds what a council needs to trust the list: the numbers behind every rule that
asked for a measure (not only the first), and the measures in place
(:mod:`~mint_index.recommendations.register`), which are reported with the verdict of
effect monitoring instead of being recommended again.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.recommendations.details import CORE_COLUMNS, EVIDENCE_COLUMNS, REGISTER_COLUMNS
from mint_index.recommendations.recommendations import NUMBER_COLUMNS, Recommendations
from mint_index.recommendations.register import apply_register, in_place_rows
from mint_index.rules.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from mint_index.gap_analysis import GapCube
    from mint_index.measures import MeasuresRegister
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = ["recommend"]


def recommend(
    results: Results,
    rules: RuleSet | str | Path | None = None,
    lang: str = DEFAULT_LANGUAGE,
    max_poor_share: float = 0.5,
    *,
    measures: MeasuresRegister | pd.DataFrame | str | Path | None = None,
) -> Recommendations:
    """Ranked, explained measures for every unit and year of ``results``.

    ``rules``: ``None`` for the packaged catalog, a YAML file or folder (see
    :func:`~mint_index.load_rules`), or a loaded :class:`RuleSet`. ``lang`` (``de`` or
    ``en``) is the language shown by default. ``max_poor_share``: an aggregate whose
    indicators are missing, imputed or unreliable for more than this share of its weight
    is too sparse to act on. ``measures``: the register of measures in place (see
    :func:`~mint_index.load_measures`): a loaded register, a DataFrame with columns
    ``unit``, ``measure`` (an action id) and ``since`` (a year; ``end`` optional) or a
    CSV/Excel file. Measures in place - these and those the framework's yes/no indicators
    show - are never recommended again; they are listed as rows of kind ``in_place`` with
    the verdict of :func:`~mint_index.effect_monitoring.measure_review` on their estimated
    effects (``review``: working, review, wait or unknown).

    Each measure appears once per unit and year, under the highest priority (0-100) of
    the rules asking for it; its evidence names every one of those rules' nodes.
    """
    from mint_index.gap_analysis import GapCube
    from mint_index.recommendations.engine import recommend as fire_rules

    found = fire_rules(results, rules, lang=lang, max_poor_share=max_poor_share)
    ruleset, details = found.ruleset, found.details
    assert ruleset is not None and details is not None
    core = found.core
    more = _more_evidence(core, ruleset, GapCube.of_results(results), results)
    placed = in_place_rows(results, ruleset, measures)
    core = core.assign(
        since=pd.array([pd.NA] * len(core), dtype="Int64"), review=None, review_indicators=None
    )
    core = apply_register(core, placed, [*CORE_COLUMNS, *REGISTER_COLUMNS])
    return Recommendations(
        core,
        lang=lang,
        meta=found.meta,
        ruleset=ruleset,
        details=replace(details, more_evidence=more),
    )


def _more_evidence(
    core: pd.DataFrame, ruleset: RuleSet, cube: GapCube, results: Results
) -> pd.DataFrame:
    """For every measure asked for by several rules: the numbers of each further rule's
    node (:data:`~mint_index.recommendations.details.EVIDENCE_COLUMNS`), in rule order."""
    acts = core[(core["kind"] == "action").to_numpy()]
    focus = {rule.id: rule.focus for rule in ruleset.rules}
    # one row per (measure, rule asking for it): the rule lists flattened, the rest repeated
    rules = acts["rules"].to_numpy(dtype=object)
    counts = np.fromiter(map(len, rules), dtype=np.intp, count=len(rules))
    asking = np.fromiter(chain.from_iterable(rules), dtype=object, count=int(counts.sum()))
    pairs = pd.DataFrame(
        {
            "unit": np.repeat(acts["unit"].astype(str).to_numpy(dtype=object), counts),
            "year": np.repeat(acts["year"].to_numpy(dtype=np.int64), counts),
            "action": np.repeat(acts["action"].to_numpy(dtype=object), counts),
            "main": np.repeat(acts["node"].to_numpy(dtype=object), counts),
            "node": pd.Series(asking, dtype=object).map(focus).to_numpy(dtype=object),
        }
    )
    if not len(pairs):
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    pairs = pairs[pairs["node"] != pairs["main"]].drop_duplicates(
        ["unit", "year", "action", "node"]
    )
    # each row's cell of the gap cube, by position
    fw = results.framework
    u = pd.Index(np.asarray(results.unit_ids, dtype=object).astype(str)).get_indexer(
        pairs["unit"].to_numpy()
    )
    y = pd.Index(results.years).get_indexer(pairs["year"].to_numpy())
    n = pd.Index(fw.node_ids).get_indexer(pd.Index(pairs["node"].to_numpy()))
    cells = cube.cells(y, u, n)
    numbers = {m: cube.at(m, cells) for m in NUMBER_COLUMNS}
    return pd.DataFrame(
        {
            "unit": pairs["unit"].to_numpy(dtype=object),
            "year": pairs["year"].to_numpy(dtype=np.int64),
            "action": pairs["action"].to_numpy(dtype=object),
            "node": pairs["node"].to_numpy(dtype=object),
            **numbers,
        }
    )[EVIDENCE_COLUMNS]
