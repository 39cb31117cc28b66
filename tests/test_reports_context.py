"""The report contexts: plain data with the right numbers for a case worked out by hand
(see reports_helpers for the table of expected scores)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import reports_helpers as h
from hypothesis import given, settings
from hypothesis import strategies as st

from mint_index.errors import ReportError
from mint_index.reports.context import (
    SCORECARD_COLUMNS,
    compare_context,
    note_kind,
    overview_context,
    prepare,
    profile_context,
    profile_filename,
)

APPROX = {"abs": 1e-9}


@pytest.fixture(scope="module")
def res():
    return h.results()


@pytest.fixture(scope="module")
def data_en(res):
    return prepare(res, "en")


def _plain_only(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_only(v) for v in value)
    if isinstance(value, float):
        return not math.isnan(value)
    return value is None or isinstance(value, (str, int, bool))


def test_contexts_are_plain_json_data(res, data_en) -> None:
    for ctx in (
        overview_context(res, data_en),
        profile_context(data_en, "a"),
        compare_context(res, res, "en"),
    ):
        assert _plain_only(ctx)
        assert json.loads(json.dumps(ctx, allow_nan=False)) == ctx


def test_profile_headline_numbers(data_en) -> None:
    ctx = profile_context(data_en, "a")
    assert ctx["year"] == 2023
    assert ctx["unit"] == {
        "id": "a",
        "name": "Altdorf",
        "peer_group": "small",
        "href": "a.html",
        "active": True,
        "changes": [],
    }
    index = ctx["index"]
    assert index["score"] == pytest.approx(50.0, **APPROX)
    assert index["rank"] == 2 and index["rank_of"] == 4
    assert index["peer_rank"] == 1 and index["peer_of"] == 2
    # peer median of the index among a and b: (50 + 45.625) / 2
    assert index["peer_median"] == pytest.approx(47.8125, **APPROX)
    assert index["change"] == pytest.approx(2.5, **APPROX)
    assert index["trend"] == "improving"
    assert index["rank_low"] is None  # no uncertainty analysis passed
    domains = {d["id"]: d for d in ctx["domains"]}
    assert domains["edu"]["score"] == pytest.approx(37.5, **APPROX)
    assert domains["edu"]["rank"] == 3
    assert domains["part"]["rank"] == 2  # tied with c at 62.5: ties share the lowest rank
    # quartiles of two values (a: 37.5, b: 53.75) by linear interpolation
    assert domains["edu"]["peer_q1"] == pytest.approx(37.5 + 0.25 * 16.25, **APPROX)
    assert domains["edu"]["peer_q3"] == pytest.approx(37.5 + 0.75 * 16.25, **APPROX)


def _records(table: dict[str, list]) -> dict[str, dict]:
    """A scorecard table (column by column) as one dict per row, by node id."""
    assert list(table) == list(SCORECARD_COLUMNS)
    assert len({len(column) for column in table.values()}) == 1  # columns of equal length
    return {
        row["id"]: row
        for row in (dict(zip(table, v, strict=True)) for v in zip(*table.values(), strict=True))
    }


def test_scorecard_rows(data_en) -> None:
    ctx = profile_context(data_en, "a")
    sections = {s["id"]: s for s in ctx["scorecard"]}
    assert list(sections) == ["edu", "part"]
    rows = _records(sections["edu"]["rows"])
    kita = rows["kita"]
    # (20/40 - 80/100) * 100 = -30 points; parity point 0 -> gap -30
    assert kita["value"] == pytest.approx(-30.0, **APPROX)
    assert kita["parity_gap"] == pytest.approx(-30.0, **APPROX)
    assert kita["unit"] == "points" and kita["target"] == 0
    assert kita["score"] == pytest.approx(25.0, **APPROX)
    assert kita["peer_median"] == pytest.approx((25 + 87.5) / 2, **APPROX)
    assert kita["peer_median_value"] == pytest.approx((-30 + -5) / 2, **APPROX)
    assert kita["trend"] == "stable" and kita["change"] == pytest.approx(0.0, **APPROX)
    emp = rows["emp"]
    assert emp["value"] == pytest.approx(55.0, **APPROX)
    assert emp["parity_gap"] is None
    assert emp["change"] == pytest.approx(10.0, **APPROX) and emp["trend"] == "improving"
    council = _records(sections["part"]["rows"])["council"]
    assert council["notes"] == ["unreliable"]
    assert sections["edu"]["has_parity"] and not sections["part"]["has_parity"]


def test_a_scorecard_table_is_a_dataframe_and_each_context_owns_its_columns(data_en) -> None:
    """Each table reads as a DataFrame, one row per node in the framework's order; the
    columns every profile shares (labels, units, targets) are copies, so changing one
    context cannot change another."""
    first, second = (profile_context(data_en, u)["scorecard"][0]["rows"] for u in ("a", "b"))
    frame = pd.DataFrame(first)
    assert list(frame.columns) == list(SCORECARD_COLUMNS)
    assert list(frame["id"]) == ["kita", "emp"]  # the domain "edu", in framework order
    assert frame.loc[frame["id"] == "kita", "score"].item() == pytest.approx(25.0, **APPROX)
    first["label"][0] = "changed"
    first["unit"].append("extra")
    assert second["label"][0] != "changed" and len(second["unit"]) == len(second["id"])
    assert profile_context(data_en, "a")["scorecard"][0]["rows"]["label"][0] != "changed"


def test_worsening_and_missing_trend(data_en) -> None:
    ctx = profile_context(data_en, "d")
    assert ctx["index"]["trend"] == "worsening"
    assert ctx["index"]["change"] == pytest.approx(-2.5, **APPROX)
    emp = _records(ctx["scorecard"][0]["rows"])["emp"]
    assert emp["value"] is None and emp["score"] is None and emp["trend"] == ""
    assert emp["notes"] == ["suppressed"]


def test_strengths_and_weaknesses_against_peers(data_en) -> None:
    # b against a (its only peer): kita 87.5 vs median 56.25 (+31.25), emp 20 vs 35 (-15),
    # council 37.5 vs 50 (-12.5)
    ctx = profile_context(data_en, "b")
    assert [(s["id"], s["difference"]) for s in ctx["strengths"]] == [
        ("kita", pytest.approx(31.25, **APPROX))
    ]
    assert [(w["id"], w["difference"]) for w in ctx["weaknesses"]] == [
        ("emp", pytest.approx(-15.0, **APPROX)),
        ("council", pytest.approx(-12.5, **APPROX)),
    ]


def test_quality_notes_carry_intervals(data_en) -> None:
    notes = profile_context(data_en, "a")["quality"]
    assert [(n["id"], n["kind"]) for n in notes] == [("council", "unreliable")]
    lower, upper = h.wilson(2, 8)
    note = notes[0]
    assert note["value"] == pytest.approx(25.0, **APPROX)
    assert note["lower"] == pytest.approx(100 * lower, rel=1e-9)
    assert note["upper"] == pytest.approx(100 * upper, rel=1e-9)
    assert note["denominator"] == 8
    d_notes = profile_context(data_en, "d")["quality"]
    assert [(n["id"], n["kind"], n["detail"]) for n in d_notes] == [("emp", "suppressed", "locked")]


def test_history_series(data_en) -> None:
    history = profile_context(data_en, "c")["history"]
    assert history["years"] == [2022, 2023]
    series = {s["id"]: s["values"] for s in history["series"]}
    assert list(series) == ["index", "edu", "part"]
    assert series["index"] == [pytest.approx(62.5), pytest.approx(68.75)]
    assert series["part"] == [pytest.approx(50.0), pytest.approx(62.5)]


def test_labels_follow_the_language(res) -> None:
    de = profile_context(prepare(res, "de"), "a")
    en = profile_context(prepare(res, "en"), "a")
    assert [d["label"] for d in de["domains"]] == ["Bildung", "Teilhabe"]
    assert [d["label"] for d in en["domains"]] == ["Education", "Participation"]
    assert de["framework"]["label"] == "Testrahmen"


def test_overview_table_and_peer_groups(res, data_en) -> None:
    ctx = overview_context(res, data_en)
    assert [u["id"] for u in ctx["units"]] == ["c", "a", "b", "d"]  # by index score
    assert [u["rank"] for u in ctx["units"]] == [1, 2, 3, 4]
    first = ctx["units"][0]
    assert first["score"] == pytest.approx(68.75) and first["peer_rank"] == 1
    assert [d["score"] for d in first["domains"]] == [pytest.approx(75.0), pytest.approx(62.5)]
    groups = {g["name"]: g for g in ctx["peer_groups"]}
    assert groups["large"]["n"] == 2 and groups["large"]["best"] == "Castrop"
    assert groups["large"]["median"] == pytest.approx((68.75 + 37.5) / 2)
    assert groups["small"]["min"] == pytest.approx(45.625)
    assert groups["small"]["domains"] == [
        pytest.approx((37.5 + 53.75) / 2),
        pytest.approx((62.5 + 37.5) / 2),
    ]
    assert ctx["counts"] == {
        "units": 4,
        "indicators": 3,
        "domains": 2,
        "peer_groups": 2,
        "years": 2,
    }


def test_overview_rows_agree_with_each_profile(res, data_en) -> None:
    """The overview's table is built column by column for all units; each row must show
    what that unit's own profile shows (built unit by unit)."""
    for row in overview_context(res, data_en)["units"]:
        profile = profile_context(data_en, row["id"])
        index = profile["index"]
        for key in ("score", "change", "rank", "rank_of", "peer_rank", "peer_of"):
            assert row[key] == index[key], (row["id"], key)
        assert [(d["score"], d["rank"]) for d in row["domains"]] == [
            (d["score"], d["rank"]) for d in profile["domains"]
        ]
    first = overview_context(res, data_en)["units"][0]
    assert (first["rank_of"], first["peer_of"]) == (4, 2)  # four units, two in its group


def test_overview_distributions_and_heatmap(res, data_en) -> None:
    ctx = overview_context(res, data_en)
    index = ctx["distributions"][0]
    assert index["id"] == "index" and index["n"] == 4
    assert ctx["edges"] == [pytest.approx(10.0 * k) for k in range(11)]
    # 37.5, 45.625 -> bins 3 and 4; 50 -> bin 5; 68.75 -> bin 6
    assert index["counts"] == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
    assert index["median"] == pytest.approx((45.625 + 50) / 2)
    # type-7 quartiles of the four sorted scores: positions 0.75 and 2.25
    assert index["q1"] == pytest.approx(37.5 + 0.75 * (45.625 - 37.5))
    assert index["q3"] == pytest.approx(50 + 0.25 * (68.75 - 50))
    assert (index["min"], index["max"]) == (pytest.approx(37.5), pytest.approx(68.75))
    assert ctx["heatmap"]["by"] == "unit"
    assert ctx["heatmap"]["rows"][0] == {
        "label": "Castrop",
        "values": [pytest.approx(75.0), pytest.approx(62.5)],
    }


def test_overview_coverage(res, data_en) -> None:
    coverage = {c["id"]: c for c in overview_context(res, data_en)["coverage"]}
    assert coverage["emp"]["available"] == 3 and coverage["emp"]["suppressed"] == 1
    assert coverage["emp"]["share"] == pytest.approx(0.75)
    assert coverage["council"]["unreliable"] == 1
    assert coverage["kita"]["available"] == 4 and coverage["kita"]["missing"] == 0


def test_coverage_counts_the_units_of_the_report_year_and_only_values_as_small() -> None:
    """The example district: two of its 49 municipalities merged into Winkeltal in 2021
    (valid_to 2020 in the units table), so the report year has 47 units, and a complete
    indicator is complete. A small number is a value over a small denominator; a
    suppressed value is not also a small number. Counted here from the units table and
    the derived cube, not from the report."""
    import mint_index as mi
    from mint_index.pipeline.derive import DERIVED_REASONS

    res = mi.score(mi.example_data(), mi.default_framework())
    data = prepare(res, "de")
    units = res.units.reindex(res.unit_ids)
    valid_to = pd.to_numeric(units["valid_to"], errors="coerce")
    exists = ~(valid_to < data.year).to_numpy()
    assert exists.sum() == 47
    yi = list(res.years).index(data.year)
    derived, reason = res.cube("derived")[yi][exists], res.derived.reason[yi][exists]
    unreliable = res.derived.unreliable[yi][exists]
    # withheld by the statistical office: secret (.), locked, not reliable (/)
    withheld = [DERIVED_REASONS.index(r) for r in ("unknown_or_secret", "locked", "not_reliable")]
    rows = {c["id"]: c for c in overview_context(res, data)["coverage"]}
    for i, indicator in enumerate(res.framework.indicator_ids):
        row = rows[indicator]
        assert row["units"] == 47
        assert row["available"] == int((~np.isnan(derived[:, i])).sum())
        assert row["suppressed"] == int(np.isin(reason[:, i], withheld).sum())
        assert row["unreliable"] == int(unreliable[:, i].sum()) <= row["available"]
    assert rows["advisory_council"]["available"] == 47  # complete, so 100 %


def test_methodology_is_generated_from_the_spec(res, data_en) -> None:
    method = overview_context(res, data_en)["methodology"]
    steps = {s["step"]: s["groups"] for s in method["steps"]}
    assert [g["method"] for g in steps["normalise"]] == ["goalposts"]
    assert steps["normalise"][0]["all"] is True
    assert {p["name"] for p in steps["normalise"][0]["parameters"]} >= {"scale", "clip"}
    assert [g["method"] for g in steps["aggregate"]] == ["arithmetic"]
    weights = {w["id"]: w for w in method["weights"]}
    assert [c["share"] for c in weights["index"]["children"]] == [0.5, 0.5]
    # with a weight override the shares follow: edu 3, part 1 -> 0.75 / 0.25
    res2 = res.rescore(weights={"edu": 3.0}, normalise={"method": "minmax"})
    method2 = overview_context(res2, prepare(res2, "en"))["methodology"]
    weights2 = {w["id"]: w for w in method2["weights"]}
    assert [c["share"] for c in weights2["index"]["children"]] == [0.75, 0.25]
    steps2 = {s["step"]: s["groups"] for s in method2["steps"]}
    assert [g["method"] for g in steps2["normalise"]] == ["minmax"]


def test_parameters_are_written_in_the_page_language(res) -> None:
    """The methodology printed ``min_share = 0.5`` and ``clip = true`` in the German
    report; numbers and switches are written in the page's language now."""
    for lang, share, switch in (("de", "0,5", "ja"), ("en", "0.5", "yes")):
        method = overview_context(res, prepare(res, lang))["methodology"]
        steps = {s["step"]: s["groups"] for s in method["steps"]}
        (aggregate,) = steps["aggregate"]
        assert {p["name"]: p["value"] for p in aggregate["parameters"]}["min_share"] == share
        normalise = {p["name"]: p["value"] for p in steps["normalise"][0]["parameters"]}
        assert normalise["clip"] == switch and normalise["scale"] == "100"


def test_sources_only_link_web_addresses(res, data_en) -> None:
    sources = {s["id"]: s for s in overview_context(res, data_en)["sources"]}
    assert sources["kita"]["url_is_web"] and sources["kita"]["publisher"] == "Statistikamt Test"
    assert sources["kita"]["definition"] == (
        "(kita_mig / children_mig − kita_nonmig / children_nonmig) × 100"
    )
    assert sources["council"]["definition"] == "council_migrant / council_seats × 100"
    assert not sources["council"]["url_is_web"]  # javascript: is shown as text, never linked
    assert sources["kita"]["goalposts"] == [-40, 0]


def test_uncertainty_gives_rank_intervals(res) -> None:
    stats = pd.DataFrame(
        {
            "unit": ["a", "b", "c", "d"],
            "year": 2023,
            "node": "index",
            "nominal": [2.0, 3, 1, 4],
            "median": [2.0, 3, 1, 4],
            "q05": [1.0, 2, 1, 3],
            "q95": [3.0, 4, 2, 4],
        }
    )

    class Uncertainty:
        rank_stats = stats

    data = prepare(res, "en", uncertainty=Uncertainty())
    ctx = profile_context(data, "a")
    assert ctx["has_uncertainty"]
    assert (ctx["index"]["rank_low"], ctx["index"]["rank_high"]) == (1.0, 3.0)
    assert ctx["domains"][0]["rank_low"] is None  # no statistics for the domains
    units = {u["id"]: u for u in overview_context(res, data)["units"]}
    assert (units["d"]["rank_low"], units["d"]["rank_high"]) == (3.0, 4.0)


def test_recommendations_and_rule_notes(res) -> None:
    from mint_index.recommendations.recommendations import FRAME_COLUMNS, Recommendations

    rows = [
        {
            "unit": "a",
            "year": 2023,
            "kind": "action",
            "rank": 2,
            "rule": "r2",
            "title_en": "Second",
            "text_en": "t2",
            "evidence_en": "e2",
            "priority": 0.4,
            "actors": "council",
            "programme": "MIT",
            "node": "council",
        },
        {
            "unit": "a",
            "year": 2023,
            "kind": "action",
            "rank": 1,
            "rule": "r1",
            "title_en": "First",
            "text_en": "t1",
            "evidence_en": "Council 25 % (peer 20 %)",
            "priority": 0.9,
            "actors": "administration",
            "programme": "MINT",
            "node": "council",
        },
        {
            "unit": "a",
            "year": 2023,
            "kind": "note",
            "rule": "r3",
            "node": "emp",
            "text_en": "too few data for r3",
        },
        {
            "unit": "a",
            "year": 2022,
            "kind": "action",
            "rank": 1,
            "rule": "old",
            "title_en": "Old",
            "node": "emp",
        },
    ]
    frame = pd.DataFrame(rows).reindex(columns=FRAME_COLUMNS)
    recs = Recommendations(frame, lang="en")
    ctx = profile_context(prepare(res, "en", recommendations=recs), "a")
    assert [r["title"] for r in ctx["recommendations"]] == ["First", "Second"]
    assert ctx["recommendations"][0]["evidence"] == ["Council 25 % (peer 20 %)"]
    notes = [(q["id"], q["kind"], q["detail"]) for q in ctx["quality"]]
    assert ("emp", "data_note", "too few data for r3") in notes
    other = profile_context(prepare(res, "en", recommendations=recs), "b")
    assert other["recommendations"] == []
    assert profile_context(prepare(res, "en"), "a")["recommendations"] is None


def test_actors_are_named_in_the_report_language(res) -> None:
    from mint_index.recommendations.recommendations import FRAME_COLUMNS, Recommendations

    row = {
        "unit": "a",
        "year": 2023,
        "kind": "action",
        "rank": 1,
        "rule": "r1",
        "title_de": "Erste",
        "text_de": "t",
        "evidence_de": "e",
        "priority": 0.9,
        "actors": ("council", "migrant_organisations"),
        "node": "council",
    }
    recs = Recommendations(pd.DataFrame([row]).reindex(columns=FRAME_COLUMNS), lang="de")
    ctx = profile_context(prepare(res, "de", recommendations=recs), "a")
    assert ctx["recommendations"][0]["actors"] == "Rat, Migrantenorganisationen"


def test_comparison_changes_and_movers(res) -> None:
    ctx = compare_context(res, res, "en", year_before=2022, year_after=2023)
    assert (ctx["year_before"], ctx["year_after"]) == (2022, 2023)
    rows = {r["id"]: r for r in ctx["rows"]}
    assert rows["c"]["nodes"][0]["change"] == pytest.approx(6.25)
    assert rows["d"]["nodes"][0]["change"] == pytest.approx(-2.5)
    # d: rank 4 in 2022 (40 < 45.625 < 47.5 < 62.5) and 4 in 2023
    assert rows["d"]["nodes"][0]["rank_change"] == 0
    assert [m["id"] for m in ctx["risers"]] == ["c", "a"]
    assert [m["id"] for m in ctx["fallers"]] == ["d"]
    assert [r["id"] for r in ctx["rows"]][:2] == ["c", "a"]
    assert ctx["indicators"] == {"changed": [], "added": [], "removed": []}


def test_comparison_lists_changed_definitions() -> None:
    before = h.results()
    fw = h.framework_dict()
    fw["indicators"][1]["goalposts"] = {"lower": 20, "upper": 80}
    fw["indicators"][2]["compute"]["scale"] = 1000
    fw["indicators"] = fw["indicators"][:3]
    import mint_index as mi
    from mint_index.framework.framework import Framework

    after = mi.score(h.dataset(), Framework.model_validate(fw))
    changed = {
        c["id"]: c["changes"] for c in compare_context(before, after)["indicators"]["changed"]
    }
    # a range as Formatter.range writes it (en dash, no spaces)
    assert changed["emp"] == [{"field": "goalposts", "before": "30–80", "after": "20–80"}]
    assert changed["council"][0]["field"] == "compute"
    assert changed["council"][0]["after"] == "council_migrant / council_seats × 1000"
    assert "kita" not in changed


def test_unknown_unit_and_year_are_report_errors(res, data_en) -> None:
    with pytest.raises(ReportError, match="not in the results"):
        profile_context(data_en, "zz")
    with pytest.raises(ReportError, match="2019"):
        prepare(res, "en", year=2019)


def test_earlier_year_can_be_reported(res) -> None:
    ctx = profile_context(prepare(res, "en", year=2022), "a")
    assert ctx["year"] == 2022 and ctx["index"]["score"] == pytest.approx(47.5)
    assert ctx["index"]["trend"] == ""  # no year before 2022


# ---- file names ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "unit_id", ["../../x", "..", "a/b", "C:\\x", "con", "", ".hidden", "x\x00y", "Ä"]
)
def test_profile_filenames_stay_in_their_folder(unit_id: str) -> None:
    name = profile_filename(unit_id)
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and name.endswith(".html")
    assert name.split(".")[0] not in ("con", "")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=40), st.text(min_size=0, max_size=40))
def test_distinct_ids_get_distinct_safe_names(a: str, b: str) -> None:
    na, nb = profile_filename(a), profile_filename(b)
    assert set(na[:-5]) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-")
    if a != b:
        assert na != nb
    else:
        assert na == nb


def test_plain_ids_keep_their_name() -> None:
    assert profile_filename("08111000") == "08111000.html"
    assert profile_filename("a") == "a.html"


def test_peer_groups_follow_the_framework_order() -> None:
    import mint_index as mi

    fw = h.framework(peer_groups={"breaks": [1000], "labels": ["small", "large"]})
    data = prepare(mi.score(h.dataset(), fw), "en")
    assert data.groups == ["small", "large"]  # declared order, not alphabetical
    assert prepare(h.results(), "en").groups == ["large", "small"]


# ---- which year, which units ------------------------------------------------------------------


def _without(frame: pd.DataFrame, unit: str, year: int) -> pd.DataFrame:
    return frame[~((frame["unit"] == unit) & (frame["year"] == year))]


def test_default_year_is_the_latest_with_scores() -> None:
    import mint_index as mi

    long = h.long_frame()
    empty = long[long["year"] == 2023].assign(
        year=2024, value=float("nan"), missing_reason="not_in_data"
    )
    res = mi.score(
        mi.Dataset.from_long(pd.concat([long, empty]), units=h.units_table()), h.framework()
    )
    assert list(res.years) == [2022, 2023, 2024]
    assert prepare(res, "de").year == 2023  # 2024 has no score at all
    assert prepare(res, "de", year=2024).year == 2024  # asked for explicitly


def test_a_unit_without_data_in_the_year_shows_no_current_scores() -> None:
    import mint_index as mi

    # Dorfen delivered nothing for 2023; carrying 2022 forward must not look current
    long = _without(h.long_frame(), "d", 2023)
    res = mi.score(mi.Dataset.from_long(long, units=h.units_table()), h.framework(), impute="locf")
    assert not math.isnan(float(res.scores.loc[("d", 2023), "index"]))  # imputed in Results
    data = prepare(res, "de")
    ctx = overview_context(res, data)
    assert [u["id"] for u in ctx["units"]] == ["c", "a", "b"]  # by index score, d left out
    assert [u["rank"] for u in ctx["units"]] == [1.0, 2.0, 3.0]
    assert ctx["left_out"] == [
        {"id": "d", "name": "Dorfen", "kind": "no_data", "year": 2023, "names": []}
    ]
    profile = profile_context(data, "d")
    assert profile["unit"]["active"] is False and profile["index"]["score"] is None
    # the history keeps the years with data
    assert profile["history"]["series"][0]["values"][0] == pytest.approx(40.0)
    assert profile["history"]["series"][0]["values"][1] is None


def test_merged_units_and_their_successor() -> None:
    import mint_index as mi

    units = h.units_table().assign(
        valid_from=[None, None, 2023, None], valid_to=[None, None, None, 2022]
    )
    long = _without(_without(h.long_frame(), "d", 2023), "c", 2022)
    res = mi.score(mi.Dataset.from_long(long, units=units), h.framework())
    data = prepare(res, "de")
    ctx = overview_context(res, data)
    assert "d" not in [u["id"] for u in ctx["units"]]
    assert ctx["left_out"] == [
        {"id": "d", "name": "Dorfen", "kind": "merged_into", "year": 2023, "names": ["Castrop"]}
    ]
    assert profile_context(data, "c")["unit"]["changes"] == [
        {"kind": "created_from", "year": 2023, "names": ["Dorfen"]}
    ]
    # in 2022 Castrop did not exist yet
    early = overview_context(res, prepare(res, "de", year=2022))
    assert [u["id"] for u in early["left_out"]] == ["c"]
    assert early["left_out"][0]["kind"] == "not_yet"


def test_sources_name_the_official_proxies() -> None:
    """Kita parity rests on two official proxies (official-sources.md: foreign and German
    children for children with and without a migration background); the day-care counts
    need a special evaluation and the reference population of the council a register
    evaluation, so neither is an official proxy."""
    import mint_index as mi

    results = mi.score(mi.example_data())
    sources = {s["id"]: s for s in overview_context(results, prepare(results, "de"))["sources"]}
    label = {v.id: v.label.get("de") for v in results.framework.variables}
    kita = ["children_u3_mig", "children_u3_nonmig"]
    assert sources["kita_u3_parity"]["proxies"] == [label[v] for v in kita]
    assert sources["council_representation"]["proxies"] == []
    assert sources["precarious_status"]["proxies"] == [label["tcn_precarious"]]
    assert sources["advisory_council"]["proxies"] == []


@pytest.mark.parametrize(
    ("flag", "detail", "expected"),
    [
        ("missing", "locked", ("suppressed", "locked")),  # withheld by the office
        ("missing:unknown_or_secret", None, ("suppressed", "unknown_or_secret")),
        ("missing", "not_reported", ("missing", "not_reported")),
        ("missing", None, ("missing", "")),
        ("unreliable", None, ("unreliable", "")),
        ("imputed", "mean", ("imputed", "mean")),
    ],
)
def test_what_a_flag_tells_a_reader(flag: str, detail: str | None, expected: tuple) -> None:
    assert note_kind(flag, detail) == expected


def test_flag_counts_on_codes_equal_pandas_counts_of_the_rows(data_en) -> None:
    """The coverage table counts flags on their codes; pandas counting the rows as text
    must give the same counts."""
    columns = data_en.flags.columns  # per column: codes and their distinct values
    frame = pd.DataFrame({c: values[codes] for c, (codes, values) in columns.items()})
    assert len(frame) > 0
    expected = {
        tuple(None if pd.isna(v) else v for v in key): n
        for key, n in frame.value_counts(["node", "flag", "detail"], dropna=False).items()
    }
    assert data_en.flags.value_counts(("node", "flag", "detail")) == expected
    with pytest.raises(TypeError):
        data_en.intervals.value_counts(("value",))


def test_trend_words_by_their_definition() -> None:
    """More than the band up improving, more than the band down worsening, within it
    (its edges included) stable, no change no trend."""
    from mint_index.reports.data import _TRENDS, _trend_codes

    band = 2.5
    changes = np.array([[np.nan, 2.5000001, -2.5000001, 2.5, -2.5, 0.0, 40.0, -np.inf]])
    words = [_TRENDS[c] for c in _trend_codes(changes, band)[0].tolist()]
    assert words == [
        "",
        "improving",
        "worsening",
        "stable",
        "stable",
        "stable",
        "improving",
        "worsening",
    ]
