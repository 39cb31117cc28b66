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
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.recommendations.details import EVIDENCE_COLUMNS
from mint_index.recommendations.recommendations import Recommendations
from mint_index.recommendations.register import in_place_rows
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language

if TYPE_CHECKING:
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
    threads: int | None = None,
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
    effects (``review``: working, review, wait or unknown). ``threads``: how many threads
    share the work (``None``: one per usable CPU; 1: none); the result is the same for any.

    Each measure appears once per unit and year, under the highest priority (0-100) of
    the rules asking for it; its evidence names every one of those rules' nodes.
    """
    from mint_index.errors import check_argument
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.engine import find

    check_argument(results, Results, "results must be mi.Results", "res = mi.score(data, fw)")
    from mint_index.recommendations.rules import RuleSet, load_rules
    from mint_index.threads import Threads

    check_language(lang)
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    ruleset = ruleset.validated_for(results.framework)
    with Threads(threads) as pool:
        # the measures in place do not depend on the rules' findings: worked out meanwhile
        in_place = pool.submit(in_place_rows, results, ruleset, measures)
        found = find(results, ruleset, max_poor_share, threads=pool)
        core = found.frame(in_place.result(), threads=pool)
    more = _more_evidence(core, found.ruleset)
    return Recommendations(
        core,
        lang=lang,
        meta=found.meta,
        ruleset=found.ruleset,
        details=replace(found.details, more_evidence=more),
    )


def _more_evidence(core: pd.DataFrame, ruleset: RuleSet) -> pd.DataFrame:
    """For every measure asked for by several rules: each further rule's node
    (:data:`~mint_index.recommendations.details.EVIDENCE_COLUMNS`), in rule order; its
    numbers are read from the gap cube when a view writes the evidence.

    Worked out on codes: each distinct list of asking rules (the ``rules`` categories, a
    few hundred) gives its list of nodes once; the rows repeat it by their code. ``unit``,
    ``action`` and ``node`` are categoricals."""
    acts = np.flatnonzero(np.asarray(core["kind"] == "action"))
    rules, nodes = _categories(core["rules"]), _categories(core["node"])
    unit, action = _categories(core["unit"]), _categories(core["action"])
    node_ids = pd.Index(nodes.categories, dtype=object)
    focus = {rule.id: node_ids.get_loc(rule.focus) for rule in ruleset.rules}
    # per distinct list of rules: the nodes of its rules, each once, in rule order
    lists = [list(dict.fromkeys(map(focus.__getitem__, asking))) for asking in rules.categories]
    lengths = np.array([len(nodes_) for nodes_ in lists] + [0], dtype=np.intp)  # -1: none
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    flat = np.array([n for nodes_ in lists for n in nodes_], dtype=np.intp)
    code = np.asarray(rules.codes)[acts]
    counts = lengths[code]
    row = np.repeat(acts, counts)
    # a row's i-th node is at its list's start + i: each row's start less the number of
    # nodes before the row, repeated, plus the running position
    node = flat[
        np.repeat(starts[code] - (np.cumsum(counts) - counts), counts) + np.arange(len(row))
    ]
    further = node != np.asarray(nodes.codes)[row]
    row, node = row[further], node[further]
    unit_code = np.asarray(unit.codes)[row]
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(unit_code, categories=unit.categories),
            "year": core["year"].to_numpy(dtype=np.int64)[row],
            "action": pd.Categorical.from_codes(
                np.asarray(action.codes)[row], categories=action.categories
            ),
            "node": pd.Categorical.from_codes(node, categories=node_ids),
        },
        copy=False,
    )[EVIDENCE_COLUMNS]


def _categories(column: pd.Series) -> pd.Categorical:
    """A column of the engine's frame as the categorical it is stored as."""
    values = column.array
    return values if isinstance(values, pd.Categorical) else pd.Categorical(column)
