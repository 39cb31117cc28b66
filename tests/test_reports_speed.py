"""What makes a national report fast and lean, checked for the same pages: the report
year's flags read from their arrays, recommendation texts written per chunk of units,
and no tidy table of every year built (and kept) on the Results."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import mint_index as mi
from mint_index.reports.context import profile_context, profile_filename
from mint_index.reports.data import prepare
from mint_index.reports.document import _write_profiles
from mint_index.reports.render import render_profile


@pytest.fixture(scope="module")
def scored():
    res = mi.score(mi.example_data())
    return res, mi.recommend(res)


def _flag_rows(res, year: int) -> dict[str, set[tuple[str, str, str]]]:
    """The owner's tidy flags of ``year``: unit -> {(node, flag, detail)}."""
    flags = res.flags[res.flags["year"] == year]
    out: dict[str, set[tuple[str, str, str]]] = {}
    for unit, node, flag, detail in flags[["unit", "node", "flag", "detail"]].itertuples(
        index=False
    ):
        detail = "" if flag == "screened_out" else str(detail or "")  # coverage: shown apart
        out.setdefault(str(unit), set()).add((str(node), str(flag), detail))
    return out


def _rows(lookup, u: int) -> list[dict]:
    """Unit ``u``'s rows of a prepared look-up, one dict each."""
    columns = lookup.columns_of(u)
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def test_flags_of_the_year_equal_the_results_flags(scored) -> None:
    res, _ = scored
    for year in (int(res.years[0]), int(res.years[-1])):
        data = prepare(res, "en", year)
        expected = _flag_rows(res, year)
        assert expected  # the example has missing and imputed values
        for u, unit in enumerate(data.unit_ids):
            got = {(r["node"], r["flag"], r["detail"] or "") for r in _rows(data.flags, u)}
            assert got == expected.get(unit, set()), unit


def test_intervals_of_the_year_equal_the_results_intervals(scored) -> None:
    res, _ = scored
    year = int(res.years[-1])
    data = prepare(res, "en", year)
    table = res.intervals[(res.intervals["year"] == year) & res.intervals["unreliable"]]
    got = {
        (unit, r["indicator"]): (r["value"], r["lower"], r["upper"], r["denominator"])
        for u, unit in enumerate(data.unit_ids)
        for r in _rows(data.intervals, u)
    }
    expected = {
        (str(r.unit), str(r.indicator)): (r.value, r.lower, r.upper, r.denominator)
        for r in table.itertuples()
    }
    assert got.keys() == expected.keys()
    for key, values in expected.items():
        np.testing.assert_allclose(got[key], values, rtol=1e-12, equal_nan=True)


def test_texts_per_chunk_equal_the_texts_of_the_whole_year(scored) -> None:
    res, recs = scored
    year = int(res.years[-1])
    frame = recs.to_frame("de", year=year)
    data = prepare(res, "de", year, recs)
    rows = data.recommendations
    assert rows is not None
    units = data.unit_ids
    rows.prefetch([data.unit_position(u) for u in units[1::2]])  # every other unit
    for unit in units:
        mine = frame[frame["unit"].astype(str) == unit].sort_values("rank", kind="stable")
        got = rows.columns_of(data.unit_position(unit))  # not prefetched: with its block
        assert got.get("title", []) == mine["title"].tolist()
        assert got.get("text", []) == mine["text"].tolist()
        assert got.get("evidence", []) == mine["evidence"].tolist()
        assert got.get("kind", []) == mine["kind"].astype(str).tolist()
    assert sum(len(rows.columns_of(u).get("kind", [])) for u in range(len(units))) == len(frame)
    assert len(frame) > 0
    # pickled for a spawned worker: the year's rows only, the same texts
    again = pickle.loads(pickle.dumps(rows))
    assert len(again.rows) == len(frame) < len(recs.core)
    assert repr(again.columns_of(3)) == repr(rows.columns_of(3))  # repr: NaN equals NaN


def test_report_builds_no_table_of_every_year(tmp_path) -> None:
    res = mi.score(mi.example_data())  # fresh: nothing cached yet
    report = mi.report(res, mi.recommend(res))
    report.write(tmp_path / "out")
    assert not {"flags", "ranks", "intervals", "changes"} & set(vars(res))


def test_profiles_written_in_chunks_equal_profiles_rendered_one_by_one(
    scored, tmp_path, monkeypatch
) -> None:
    res, recs = scored
    monkeypatch.setattr("mint_index.reports.document.TEXT_CHUNK", 4)  # several text passes
    monkeypatch.setattr("mint_index.reports.document.VIEW_CHUNK", 3)  # views across them
    data = mi.report(res, recs, "en").data
    _write_profiles(data, tmp_path, data.unit_ids)
    monkeypatch.setattr("mint_index.reports.data.TEXT_BLOCK", 1)
    alone = mi.report(res, recs, "en").data  # each unit's texts written for it alone
    for unit in data.unit_ids:
        written = (tmp_path / profile_filename(unit)).read_text(encoding="utf-8")
        assert written == render_profile(profile_context(alone, unit), link_overview=True)


def test_profiles_asked_for_in_order_take_one_text_pass_per_block(scored, monkeypatch) -> None:
    res, recs = scored
    data = prepare(res, "en", None, recs)
    rows = data.recommendations
    assert rows is not None
    passes: list[list[int]] = []
    prefetch = rows.prefetch
    monkeypatch.setattr(rows, "prefetch", lambda units: passes.append(units) or prefetch(units))
    monkeypatch.setattr("mint_index.reports.data.TEXT_BLOCK", 4)
    n = len(data.unit_ids)
    for u in range(n):
        rows.columns_of(u)
    assert passes == [list(range(a, min(a + 4, n))) for a in range(0, n, 4)]
