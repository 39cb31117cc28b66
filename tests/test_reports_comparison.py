"""The comparison page's definition changes: the same list ``mint-index compare`` writes to
definition_changes.csv (both from mint_index.plan_changes), written for the page."""

from __future__ import annotations

from typing import Any

import reports_helpers as h

from mint_index.pipeline.results import Results
from mint_index.reports.comparison import compare_context
from mint_index.reports.score_changes import definition_changes
from mint_index.rules.languages import DEFAULT_LANGUAGE


def _csv_rows(before: Results, after: Results) -> list[tuple[str, ...]]:
    frame = definition_changes(before.plan, after.plan)
    return [tuple(row) for row in frame.itertuples(index=False)]


def _context_rows(ctx: dict[str, Any]) -> list[tuple[str, ...]]:
    return [
        (d["kind"], d["id"], d["change"], ", ".join(c["field"] for c in d["changes"]))
        for d in ctx["definitions"]
    ]


def test_one_choice_written_two_ways_changes_nothing_on_the_page() -> None:
    before = h.results(normalise="minmax")
    after = h.results(normalise={"method": "minmax", "fit": "pooled"})
    ctx = compare_context(before, after, "en")
    assert ctx["definitions"] == [] and _csv_rows(before, after) == []
    assert ctx["indicators"] == {"changed": [], "added": [], "removed": []}


def test_a_real_change_reads_the_same_in_the_csv_and_on_the_page() -> None:
    positive = {"method": "minmax", "range": [1, 100]}  # the geometric mean needs it
    before = h.results(normalise=positive)
    after = h.results(normalise=positive, aggregate="geometric", weights={"emp": 2.0})
    ctx = compare_context(before, after, "en")
    # by hand: emp's weight 1 -> 2; every aggregate node arithmetic -> geometric
    expected = [
        ("indicator", "emp", "changed", "weight"),
        ("node", "edu", "changed", "aggregate"),
        ("node", "part", "changed", "aggregate"),
        ("node", "index", "changed", "aggregate"),
    ]
    assert _csv_rows(before, after) == expected
    assert _context_rows(ctx) == expected
    edu = ctx["definitions"][1]
    assert edu["label"] == "Education"
    assert edu["changes"] == [{"field": "aggregate", "before": "arithmetic", "after": "geometric"}]
    # the page's section of indicators: the weight, once
    assert ctx["indicators"]["changed"] == [
        {
            "id": "emp",
            "label": "Employment rate",
            "changes": [{"field": "weight", "before": "1", "after": "2"}],
        }
    ]


def test_changed_step_is_written_as_the_choice() -> None:
    before = h.results()
    after = h.results(normalise={"method": "minmax", "fit": "per_year"})
    changed = compare_context(before, after, "en")["indicators"]["changed"]
    assert [c["id"] for c in changed] == ["kita", "emp", "council"]
    assert changed[0]["changes"] == [
        {"field": "normalise", "before": "goalposts", "after": 'minmax(fit="per_year")'}
    ]


def test_added_and_removed_indicators_by_label() -> None:
    import mint_index as mi
    from mint_index.framework.framework import Framework

    fw = h.framework_dict()
    fw["indicators"] = fw["indicators"][:2]  # council goes; part keeps no indicator
    fw["nodes"] = fw["nodes"][:1]
    after = mi.score(h.dataset(), Framework.model_validate(fw))
    ctx = compare_context(h.results(), after, "en")
    assert ctx["indicators"]["removed"] == [
        {"id": "council", "label": "Councillors with a migration background"}
    ]
    assert ctx["indicators"]["added"] == []
    assert ("node", "part", "removed", "") in _context_rows(ctx)


def test_default_language() -> None:
    res = h.results()
    assert compare_context(res, res)["lang"] == DEFAULT_LANGUAGE
