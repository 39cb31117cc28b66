"""The comparison page's definition changes: the same list ``mint-index compare`` writes to
definition_changes.csv (both from mint_index.plan_changes), written for the page."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
import reports_helpers as h

import mint_index as mi
from mint_index.pipeline.results import Results
from mint_index.reports.comparison import compare_context
from mint_index.reports.i18n import texts
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


def test_a_comparison_counts_the_units_each_year_has() -> None:
    """The example district, 2023 against 2024: Oberwinkel and Unterwinkel merged into
    Winkeltal in 2021 (valid_to 2020), so they exist in neither year. They were counted
    "in both runs" (49) and listed as rows of dashes; 47 municipalities exist in both
    years (counted from the units table). Two builds of one year are titled as such."""
    res = mi.score(mi.example_data(), mi.default_framework())
    valid_to = res.units["valid_to"]
    existing = int((~(pd.to_numeric(valid_to, errors="coerce") < 2023)).sum())
    assert existing == 47
    ctx = compare_context(res, res, "de", year_before=2023, year_after=2024)
    assert ctx["counts"] == {"both": 47, "only_before": 0, "only_after": 0}
    names = {row["name"] for row in ctx["rows"]}
    assert len(ctx["rows"]) == 47 and not names & {"Oberwinkel", "Unterwinkel"}
    html = mi.compare_report(res, res, year_before=2023, year_after=2024, lang="de").html
    assert "<h1>Vergleich zweier Jahre: 2023 → 2024</h1>" in html
    same = mi.compare_report(res, res, lang="de").html
    assert "<h1>Vergleich zweier Berechnungen: 2024</h1>" in same and "2024 → 2024" not in same


# ---- the page lists every definition change, as the CSV does ---------------------------
#: Each section of the page and the kind of item it lists.
_SECTIONS = {"indicators": "indicator", "areas": "node", "build": "build"}


def _page_changes(html: str, lang: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(kind, shown label, shown field) -> (before, after) as the page shows them; the
    build-wide table has no label column (its label is the kind), added and removed items
    show as (kind, label, "added" / "removed" word) -> ("", "")."""
    words = {"de": ("neu", "entfallen"), "en": ("added", "removed")}[lang]
    found: dict[tuple[str, str, str], tuple[str, str]] = {}
    for section_id, kind in _SECTIONS.items():
        start = html.find(f'<section aria-labelledby="{section_id}">')
        if start < 0:
            continue
        section = html[start : html.index("</section>", start)]
        label = kind
        for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[-1], re.S):
            cells = re.findall(
                r'<t([hd])(?: scope="row"[^>]*)?>(?:<code>)?(.*?)(?:</code>)?</t[hd]>', row
            )
            if kind != "build" and cells[0][0] == "h":  # the first row of an item
                label = cells.pop(0)[1]
            (_, field), (_, before), (_, after) = cells
            found[(kind, label, field)] = (before, after)
        for word, listed in re.findall(r"<p><strong>(.*?):</strong> (.*?)</p>", section):
            assert word in words
            for name in listed.split(", "):
                found[(kind, name, word)] = ("", "")
    return found


def _peer_regions() -> mi.Dataset:
    units = h.units_table()
    units["region"] = ["north", "north", "south", "south"]  # a second column of peer groups
    return mi.Dataset.from_long(h.long_frame(), units=units)


@pytest.mark.parametrize(
    ("lang", "labels", "fields"),
    [
        (
            "de",
            {"Beschäftigungsquote": "emp", "Bildung": "edu", "build": "build"},
            {
                "Schätzung fehlender Werte": "impute",
                "Aggregation": "aggregate",
                "Spalte der Vergleichsgruppen": "peer_group",
            },
        ),
        (
            "en",
            {"Employment rate": "emp", "Education": "edu", "build": "build"},
            {"imputation": "impute", "aggregation": "aggregate", "peer-group column": "peer_group"},
        ),
    ],
)
def test_every_change_of_the_csv_is_on_the_page(
    lang: str, labels: dict[str, str], fields: dict[str, str]
) -> None:
    """An imputation changed on one indicator, the aggregation of one domain and the
    peer-group column: each shows on the page, with its words, as in definition_changes.csv."""
    from mint_index.framework.framework import Framework

    data = _peer_regions()
    positive = {"method": "minmax", "range": [1, 100]}  # the geometric mean needs it
    fw = h.framework_dict()
    before = mi.score(data, Framework.model_validate(fw), normalise=positive)
    fw["indicators"][1]["impute"] = {"method": "median"}  # emp
    fw["nodes"][0]["aggregate"] = {"method": "geometric"}  # edu
    after = mi.score(data, Framework.model_validate(fw), normalise=positive, peer_group="region")

    shown = _page_changes(mi.compare_report(before, after, lang=lang).html, lang)
    assert shown == {
        ("indicator", _key(labels, "emp"), _key(fields, "impute")): ("none", "median"),
        ("node", _key(labels, "edu"), _key(fields, "aggregate")): ("arithmetic", "geometric"),
        ("build", "build", _key(fields, "peer_group")): ("peer_group", "region"),
    }
    on_page = {(kind, labels[label], fields[field]) for kind, label, field in shown}
    in_csv = {
        (kind, item, field)
        for kind, item, _, listed in _csv_rows(before, after)
        for field in listed.split(", ")
    }
    assert (
        on_page
        == in_csv
        == {
            ("indicator", "emp", "impute"),
            ("node", "edu", "aggregate"),
            ("build", "build", "peer_group"),
        }
    )


def _key(mapping: dict[str, str], value: str) -> str:
    return next(key for key, item in mapping.items() if item == value)


def test_added_and_removed_areas_are_on_the_page() -> None:
    from mint_index.framework.framework import Framework

    fw = h.framework_dict()
    fw["indicators"] = fw["indicators"][:2]  # council goes, and with it part
    fw["nodes"] = fw["nodes"][:1]
    after = mi.score(h.dataset(), Framework.model_validate(fw))
    shown = _page_changes(mi.compare_report(h.results(), after, lang="en").html, "en")
    assert shown == {
        ("indicator", "Councillors with a migration background", "removed"): ("", ""),
        ("node", "Participation", "removed"): ("", ""),
    }
    assert set(_csv_rows(h.results(), after)) == {
        ("indicator", "council", "removed", ""),
        ("node", "part", "removed", ""),
    }


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # by hand: German decimal comma; an interval with a negative end in words; both
        # ends of goalposts with the decimals of the more precise one; the real minus sign
        (
            "de",
            {
                "kita": ("−40 bis 0", "−45 bis 0"),
                "emp": ("30–80", "20,5–80,0"),
                "target": "75,5",
                "weight": "2,5",
            },
        ),
        (
            "en",
            {
                "kita": ("−40 to 0", "−45 to 0"),
                "emp": ("30–80", "20.5–80.0"),
                "target": "75.5",
                "weight": "2.5",
            },
        ),
    ],
)
def test_numbers_of_a_definition_are_written_in_the_page_language(
    lang: str, expected: dict[str, Any]
) -> None:
    from mint_index.framework.framework import Framework

    fw = h.framework_dict()
    kita, emp, _ = fw["indicators"]
    kita["goalposts"] = {"lower": -45, "upper": 0}
    emp["goalposts"] = {"lower": 20.5, "upper": 80}
    emp["target"] = {"value": 75.5}
    after = mi.score(h.dataset(), Framework.model_validate(fw), weights={"emp": 2.5})
    changed = {
        c["id"]: {d["field"]: (d["before"], d["after"]) for d in c["changes"]}
        for c in compare_context(h.results(), after, lang)["indicators"]["changed"]
    }
    assert changed == {
        "kita": {"goalposts": expected["kita"]},
        "emp": {
            "goalposts": expected["emp"],
            "target": ("", expected["target"]),  # no target before: the page shows "–"
            "weight": ("1", expected["weight"]),
        },
    }


def test_every_field_a_change_can_have_has_words() -> None:
    """The fields plan_changes compares (its DefinitionChange docs), each with a word in
    both languages for the page's "field" column."""
    fields = {
        # an indicator's definition, steps and weight
        "compute", "unit", "direction", "kind", "goalposts", "target", "levels",
        "min_denominator", "parent", "impute", "treat", "normalise", "weight",
        # an aggregate node's; the build's
        "aggregate", "denominate", "screen", "peer_group",
    }  # fmt: skip
    for lang in ("de", "en"):
        words = texts(lang)
        assert all(words[f"f_{field}"].strip() for field in fields)
