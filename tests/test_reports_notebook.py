"""Rich notebook display of the result objects: escaped tables, ranks as whole numbers,
the numbers worked out by hand (see reports_helpers)."""

from __future__ import annotations

import math
import re

import reports_helpers as h

import mint_index as mi


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row) for row in rows]


def test_results_show_the_best_units_with_whole_ranks() -> None:
    res = h.results(names={"c": "<b>Castrop</b>"})
    rows = _cells(res._repr_html_())
    # 2023 index: c 68.75, a 50, b 45.625, d 37.5 (reports_helpers)
    assert rows[0] == ["rank", "unit", "name", "score"]
    assert rows[1] == ["1", "c", "&lt;b&gt;Castrop&lt;/b&gt;", "68.8"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert [r[3] for r in rows[1:]] == ["68.8", "50.0", "45.6", "37.5"]


def _scale_text(html: str) -> str:
    found = re.search(r"\(scores (.*?), rank 1 = best\)", html)
    assert found is not None, html
    return found.group(1)


def test_results_state_the_scale_of_their_scores() -> None:
    # goalposts scale 100 (reports_helpers): every score lies in 0..100
    assert _scale_text(h.results()._repr_html_()) == "0–100"
    # scale 1000: Castrop's employment 80 at goalposts 30..80 scores 1000, Dorfen's kita
    # -50 below the lower goalpost -40 scores 0, so the scores span 0 to 1,000 (English
    # thousands, as every number of the display)
    scaled = h.results(normalise={"method": "goalposts", "scale": 1000})
    assert _scale_text(scaled._repr_html_()) == "0–1,000"
    # z-scores leave 0..100 on both sides: the scale is the whole numbers around them
    z = h.results(normalise="zscore")
    values = z.scores.to_numpy(dtype=float)
    low, high = math.floor(min(values[values == values])), math.ceil(max(values[values == values]))
    assert low < 0 < high <= 100
    assert _scale_text(z._repr_html_()) == f"−{-low} to {high}"  # minus sign, English words


def test_audit_and_uncertainty_display() -> None:
    res = h.results()
    audit_rows = _cells(mi.audit(res)._repr_html_())
    assert audit_rows[0][:2] == ["node", "parts"]
    assert {r[0] for r in audit_rows[1:]} >= {"edu", "index"}
    unc = mi.uncertainty(res, vary={"weights": 0.25}, n=20, seed=1)
    html = unc._repr_html_()
    rows = _cells(html)
    # the ranks between the 5 % and the 95 % quantile: 90 % of them, in English style
    assert rows[0][-1] == "90% of ranks"
    assert all(re.fullmatch(r"\d+–\d+", r[-1]) for r in rows[1:])  # whole ranks
    assert all(re.fullmatch(r"\d+", r[2]) for r in rows[1:])


def test_a_comparison_shows_the_largest_changes_on_the_index() -> None:
    """2022 -> 2023 (reports_helpers): index c 62.5 -> 68.75, a 47.5 -> 50, d 40 -> 37.5,
    b 45.625 unchanged, ranks c 1, a 2, b 3, d 4 both years. Largest change first, ties
    by unit; 6.25 is written 6.3 (ties away from zero) with its sign."""
    res = h.results()
    comparison = mi.compare(res, res, old_year=2022, new_year=2023)
    html = comparison._repr_html_()
    assert "2022 → 2023" in html
    assert _cells(html) == [
        ["unit", "before", "after", "change", "rank"],
        ["c", "62.5", "68.8", "+6.3", "1 → 1"],
        ["a", "47.5", "50.0", "+2.5", "2 → 2"],
        ["d", "40.0", "37.5", "−2.5", "4 → 4"],
        ["b", "45.6", "45.6", "0.0", "3 → 3"],
    ]
    assert "Defined differently" not in html  # the same build on both sides
    changed = h.results(normalise={"method": "goalposts", "scale": 1000})
    html = mi.compare(res, changed, old_year=2022, new_year=2023)._repr_html_()
    assert "Defined differently" in html
