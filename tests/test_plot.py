"""Notebook charts (res.plot): the data drawn are the scores, in the right order."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import reports_helpers as h

from mint_index.errors import ReportError
from mint_index.plot import PlotAccessor


@pytest.fixture(scope="module")
def plot() -> PlotAccessor:
    return PlotAccessor(h.results(), lang="en")


@pytest.fixture(autouse=True)
def _close_figures():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def test_results_carry_the_accessor() -> None:
    assert isinstance(h.results().plot, PlotAccessor)


def test_index_bars(plot: PlotAccessor) -> None:
    ax = plot.index_bars(highlight=["d"])
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([68.75, 50.0, 45.625, 37.5])  # c, a, b, d
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Castrop",
        "Altdorf",
        "Bergheim",
        "Dorfen",
    ]
    colours = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == ["#0072b2"] * 3 + ["#d55e00"]
    top = plot.index_bars(top=2, node="edu").patches
    assert [p.get_width() for p in top] == pytest.approx([75.0, 53.75])
    assert plot.index_bars(year=2022).patches[0].get_width() == pytest.approx(62.5)


def test_domain_heatmap(plot: PlotAccessor) -> None:
    ax = plot.domain_heatmap()
    values = ax.images[0].get_array()
    # rows by index score: c, a, b, d; columns edu, part
    np.testing.assert_allclose(values, [[75, 62.5], [37.5, 62.5], [53.75, 37.5], [0, 75]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Education", "Participation"]


def test_unit_profile(plot: PlotAccessor) -> None:
    ax = plot.unit_profile("a")
    dots = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(np.asarray(dots)[:, 0], [50.0, 37.5, 62.5])
    medians = np.asarray(ax.collections[-2].get_offsets())[:, 0]
    np.testing.assert_allclose(medians, [47.8125, (37.5 + 53.75) / 2, 50.0])
    with pytest.raises(ReportError):
        plot.unit_profile("zz")


def test_trend_and_distribution(plot: PlotAccessor) -> None:
    ax = plot.trend(["c", "d"])
    lines = ax.get_lines()
    assert [tuple(line.get_ydata()) for line in lines] == [(62.5, 68.75), (40.0, 37.5)]
    assert [tuple(line.get_xdata()) for line in lines] == [(2022, 2023)] * 2
    ax = plot.distribution()
    assert [p.get_height() for p in ax.patches] == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]
    with pytest.raises(ReportError, match="unknown node"):
        plot.distribution("nope")


def test_draws_on_a_given_axes(plot: PlotAccessor) -> None:
    _, axes = plt.subplots(1, 2)
    assert plot.index_bars(ax=axes[0]) is axes[0]
    assert plot.distribution(ax=axes[1]) is axes[1]


def test_charts_render_plain_data_without_results() -> None:
    """Plotting renders context: the draw functions take plain data (here written by
    hand, as JSON could hold it) and draw exactly it."""
    from mint_index.plot import draw_bars, draw_distribution, draw_heatmap, draw_trend

    scale = {"min": 0.0, "max": 100.0}
    bars = {
        "label": "Index",
        "year": 2030,
        "scale": scale,
        "units": [
            {"id": "x", "name": "Xanten", "score": 80.0},
            {"id": "y", "name": "Ypsilon", "score": 20.5},
        ],
    }
    ax = draw_bars(bars, highlight=["y"])
    assert [p.get_width() for p in ax.patches] == [80.0, 20.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Xanten", "Ypsilon"]
    assert ax.get_xlabel() == "Index (2030)"
    heat = {
        "year": 2030,
        "scale": scale,
        "domains": ["A", "B"],
        "rows": [{"id": "x", "name": "Xanten", "values": [1.0, None]}],
    }
    values = np.ma.filled(draw_heatmap(heat).images[0].get_array().astype(float), np.nan)
    np.testing.assert_array_equal(values, [[1.0, np.nan]])
    trend = {
        "label": "Index",
        "years": [2029, 2030, 2031],
        "scale": scale,
        "series": [{"id": "x", "name": "Xanten", "values": [10.0, None, 30.0]}],
    }
    line = draw_trend(trend).get_lines()[0]
    np.testing.assert_array_equal(line.get_ydata(), [10.0, np.nan, 30.0])  # a gap
    dist = {"label": "Index", "year": 2030, "edges": [0.0, 50.0, 100.0], "counts": [3, 1]}
    ax = draw_distribution(dist)
    assert [p.get_height() for p in ax.patches] == [3, 1]
    assert [p.get_x() for p in ax.patches] == [0.0, 50.0]


def test_the_accessor_draws_the_builders_data(plot: PlotAccessor) -> None:
    """res.plot is a thin entry point: what it draws is the chart data of the builders,
    which are plain (JSON) data; the bars follow the scores by hand."""
    import json

    from mint_index.reports.chart_data import bars_data, distribution_data, trend_data
    from mint_index.reports.data import prepare

    res = h.results()
    data = prepare(res, "en")
    chart = bars_data(data)
    assert json.loads(json.dumps(chart)) == chart
    index = res.scores.xs(data.year, level="year")["index"].dropna()
    by_hand = index.sort_values(ascending=False, kind="stable")
    assert [u["id"] for u in chart["units"]] == list(by_hand.index)
    assert [u["score"] for u in chart["units"]] == pytest.approx(list(by_hand))
    drawn = [p.get_width() for p in plot.index_bars().patches]
    assert drawn == pytest.approx([u["score"] for u in chart["units"]])
    for build in (distribution_data, trend_data):
        assert json.loads(json.dumps(build(data))) == build(data)
    with pytest.raises(ReportError, match="unknown node"):
        trend_data(data, node=data.indicator_ids[0])  # a trend shows index or a domain


def test_counts_a_chart_takes_are_whole_numbers_from_one(plot: PlotAccessor) -> None:
    """``top=0`` drew every unit, ``top=-3`` left three out without a word and ``bins=0``
    drew an empty chart; each is an ArgumentError naming the argument."""
    from mint_index.errors import ArgumentError

    for top in (0, -3, 2.5):
        with pytest.raises(ArgumentError, match="top must be a whole number from 1"):
            plot.index_bars(top=top)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match="bins must be a whole number from 1, got 0"):
        plot.distribution(bins=0)
    assert len(plot.index_bars(top=2).patches) == 2
