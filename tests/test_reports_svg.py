"""Inline SVG charts: well-formed, accessible, escaped, and drawn to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mint_index.reports import svg

NS = {"s": "http://www.w3.org/2000/svg"}
EVIL = '<script>alert(1)</script> & "quotes"'


def _parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert [root.find(f".//*[@id='{i}']", NS) is not None for i in ids] == [True, True]
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_bar_chart_scales_bars_and_escapes() -> None:
    markup = svg.bar_chart(
        [EVIL, "b"],
        [50.0, 100.0],
        ["50", "100"],
        chart_id="c1",
        title=EVIL,
        desc="d",
        width=640,
        label_width=200,
    )
    assert "<script>" not in markup
    root = _parse(markup)
    assert root.find("s:title", NS).text == EVIL
    rects = root.findall("s:rect", NS)
    # plot area 200 .. 590 (width - 50): 50 -> half of 390, 100 -> all of it
    assert [float(r.get("width")) for r in rects] == [195.0, 390.0]
    assert [float(r.get("x")) for r in rects] == [200.0, 200.0]
    assert "50" in _texts(root) and "100" in _texts(root)


def test_bar_chart_negative_values_grow_left_from_zero() -> None:
    root = _parse(
        svg.bar_chart(
            ["up", "down"],
            [5.0, -10.0],
            ["+5", "−10"],
            chart_id="m",
            title="t",
            desc="d",
            vmin=-10,
            vmax=10,
            highlight=[False, True],
        )
    )
    up, down = root.findall("s:rect", NS)
    # by default as wide as a phone: bars from 150 to 310 (360 - 50), zero in the middle
    zero = 150 + 160 / 2
    assert float(up.get("x")) == pytest.approx(zero)
    assert float(up.get("width")) == pytest.approx(160 / 4, abs=0.05)
    assert float(down.get("x")) + float(down.get("width")) == pytest.approx(zero, abs=0.1)
    assert down.get("fill") == svg.OKABE_ITO["vermillion"]
    assert up.get("fill") == svg.OKABE_ITO["blue"]


def test_bar_chart_names_are_cut_to_their_column() -> None:
    """A label column of 150 px holds 20 characters of 7.2 px (6 px kept from the bars):
    a longer name is cut with an ellipsis, a name that fits is whole."""
    names = ["Garmisch-Partenkirchen, Markt", "Bärenklau am Berg"]
    root = _parse(
        svg.bar_chart(names, [40.0, 30.0], ["40", "30"], chart_id="b", title="t", desc="d")
    )
    texts = _texts(root)
    assert (
        "Garmisch-Partenkirc…" in texts
    )  # 19 characters and the ellipsis and "Bärenklau am Berg" in texts
    assert float(root.get("width")) == 360


def test_missing_values_draw_no_mark() -> None:
    root = _parse(svg.bar_chart(["a"], [None], ["–"], chart_id="n", title="t", desc="d"))
    assert root.findall("s:rect", NS) == []
    root = _parse(
        svg.dot_plot(
            ["a"],
            [None],
            [None],
            [None],
            [None],
            ["–"],
            chart_id="p",
            title="t",
            desc="d",
            legend=("x", "y", "z"),
        )
    )
    assert len(root.findall("s:circle", NS)) == 1  # the legend's dot only


def test_dot_plot_positions() -> None:
    root = _parse(
        svg.dot_plot(
            ["a", "b"],
            [75.0, 10.0],
            [50.0, 20.0],
            [25.0, 15.0],
            [60.0, 30.0],
            ["75", "10"],
            chart_id="p",
            title="t",
            desc="d",
            legend=("u", "m", "q"),
        )
    )
    # the track runs from the margin (10) to width - 60 = 300: 290 px for 0 .. 100
    dots = root.findall("s:circle", NS)
    assert [float(d.get("cx")) for d in dots[1:]] == pytest.approx([10 + 0.75 * 290, 39.0])
    bands = [r for r in root.findall("s:rect", NS) if r.get("height") == "8"][1:]
    assert float(bands[0].get("x")) == pytest.approx(10 + 0.25 * 290)
    assert float(bands[0].get("width")) == pytest.approx(0.35 * 290)
    # a short legend is one line (baseline 14); each label stands 12 px below its row's
    # top, its track 14 px lower; rows are 38 px apart
    labels = [e for e in root.findall("s:text", NS) if e.text in ("a", "b")]
    assert [float(e.get("y")) for e in labels] == [40.0, 78.0]
    assert [float(d.get("cy")) for d in dots[1:]] == [54.0, 92.0]
    assert float(root.get("width")) <= 366  # a 390 px phone less the page's margins


def test_dot_plot_keeps_long_labels_and_wraps_its_legend() -> None:
    """The German labels of the packaged framework, whole, and its three legend items
    on two lines in 360 px."""
    domain = "Politische und zivilgesellschaftliche Teilhabe"
    legend = (
        "diese Kommune",
        "Median der Vergleichsgruppe",
        "mittlere Hälfte der Vergleichsgruppe",
    )
    root = _parse(
        svg.dot_plot(
            [domain],
            [40.0],
            [42.0],
            [30.0],
            [50.0],
            ["40,0"],
            chart_id="p",
            title="t",
            desc="d",
            legend=legend,
        )
    )
    texts = {e.text: e for e in root.findall("s:text", NS)}
    assert domain in texts  # not clipped
    baselines = [float(texts[item].get("y")) for item in legend]
    assert baselines == [14.0, 14.0, 34.0]
    # each item's text ends inside the chart, at 7.2 px a character
    for item in legend:
        assert float(texts[item].get("x")) + 7.2 * len(item) <= 360
    # in 680 px all three stand on one line
    places = svg.dot_plot_legend(legend, 680.0)
    assert [x for x, _ in places] == pytest.approx([10.0, 131.6, 354.0])
    assert {y for _, y in places} == {14.0}


def test_small_multiples_share_one_scale() -> None:
    root = _parse(
        svg.small_multiples(
            [("x", [2020, 2021, 2022], [0.0, 50.0, 100.0], "100"), ("y", [2020], [None], "–")],
            chart_id="s",
            title="t",
            desc="d",
            panel_height=90,
        )
    )
    (line,) = root.findall("s:polyline", NS)
    ys = [float(p.split(",")[1]) for p in line.get("points").split()]
    # bottom (score 0) at 90 - 18 = 72, top (100) at 24
    assert ys == [72.0, 48.0, 24.0]


def test_heatmap_colours_and_contrast() -> None:
    low_fill, low_ink = svg.heat_colour(0)
    high_fill, high_ink = svg.heat_colour(100)
    assert (low_fill, high_fill) == ("#00224E", "#FEE838")  # cividis ends
    assert (low_ink, high_ink) == ("#FFFFFF", "#000000")
    root = _parse(
        svg.heatmap(
            ["<b>&amp;</b>"],
            ["d1", "d2"],
            [[0.0, None]],
            [["0", "–"]],
            chart_id="h",
            title="t",
            desc="d",
        )
    )
    fills = [r.get("fill") for r in root.findall("s:rect", NS)]
    assert fills == ["#00224E", "#FFFFFF"]
    assert "<b>&amp;</b>" in _texts(root)


@pytest.mark.parametrize(("domains", "width", "cell"), [(6, 360, 35), (10, 450, 30)])
def test_heatmap_is_as_wide_as_a_phone_where_its_columns_fit(
    domains: int, width: float, cell: float
) -> None:
    """Six domains share the 210 px beside the 150 px of row labels (35 px each); ten
    would get 21 px, less than the 30 px a score of 100 needs, so the chart grows to
    150 + 10 x 30 = 450 px and scrolls. Column labels stand upright, rows are cut to the
    20 characters their column holds."""
    columns = [f"Handlungsfeld Nummer {k}" for k in range(domains)]
    root = _parse(
        svg.heatmap(
            ["Gemeinde mit einem sehr langen Namen"],
            columns,
            [[50.0] * domains],
            [["50"] * domains],
            chart_id="h",
            title="t",
            desc="d",
        )
    )
    assert float(root.get("width")) == pytest.approx(width)
    cells = [float(r.get("width")) for r in root.findall("s:rect", NS)]
    assert cells == [pytest.approx(cell - 2)] * domains
    labels = [t for t in root.findall("s:text", NS) if t.get("transform")]
    assert [t.text for t in labels] == columns
    assert all(t.get("transform").startswith("rotate(-90 ") for t in labels)
    assert "Gemeinde mit einem …" in _texts(root)  # the first 19 characters and …


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=100))
def test_heatmap_text_keeps_contrast(value: float) -> None:
    fill, ink = svg.heat_colour(value)
    a, b = sorted([_luminance(fill), _luminance(ink)], reverse=True)
    assert (a + 0.05) / (b + 0.05) >= 4.5  # WCAG AA for normal text


def test_histograms_bar_heights() -> None:
    root = _parse(
        svg.histograms(
            [("i", [1, 2, 0, 4])],
            [0, 25, 50, 75, 100],
            chart_id="hi",
            title="t",
            desc="d",
            panel_height=110,
            axis_label="Punktwert",
        )
    )
    heights = [float(r.get("height")) for r in root.findall("s:rect", NS)]
    full = (110 - 20) - 34  # below the panel's label, room for the tallest bar's count
    assert heights == [
        pytest.approx(full / 4, abs=0.05),
        pytest.approx(full / 2, abs=0.05),
        pytest.approx(full, abs=0.05),
    ]
    # each bar with its count above it, the axis with its ends and its title
    texts = [t.text for t in root.findall("s:text", NS)]
    assert texts == ["i", "1", "2", "4", "0", "100", "Punktwert"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_any_label_gives_well_formed_svg(labels: list[str]) -> None:
    labels = [
        re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", s) for s in labels
    ]
    values = [float(i * 10) for i in range(len(labels))]
    _parse(svg.bar_chart(labels, values, labels, chart_id="x", title=labels[0], desc="d"))
    _parse(
        svg.heatmap(
            labels,
            labels,
            [values] * len(labels),
            [labels] * len(labels),
            chart_id="y",
            title="t",
            desc=labels[-1],
        )
    )


def test_before_after_draws_to_scale_with_ticks_and_a_start_line() -> None:
    years = [2019, 2020, 2021, 2022]
    markup = svg.before_after(
        years,
        [
            ("unit", EVIL, [1.0, None, 2.0, 4.0]),
            ("comparison", "peers", [1.0, 1.5, 2.0, 2.5]),
            ("counterfactual", "as peers", [1.0, 1.5, 2.0, 2.5]),
        ],
        2021,
        chart_id="ba",
        title=EVIL,
        desc="before and after",
        start_label="start 2021",
        axis_label="value",
        year_label="year",
        width=640,
    )
    assert "<script>" not in markup
    root = _parse(markup)
    texts = _texts(root)
    # round ticks covering 1 to 4 (step 1), every year, the legend, both axis titles
    assert [t for t in texts if re.fullmatch(r"\d", t)] == ["1", "2", "3", "4"]
    assert [t for t in texts if re.fullmatch(r"20\d\d", t)] == ["2019", "2020", "2021", "2022"]
    assert {EVIL, "peers", "as peers", "value", "year", "start 2021"} <= set(texts)
    # no text smaller than 10 px (the chart's font is 12 px, nothing overrides it)
    assert 'font-size="12"' in markup and "font-size=" not in markup.split(">", 1)[1]
    lines = root.findall(".//s:polyline", NS)
    assert len(lines) == 3
    # x: years 2018.5 .. 2022.5 over 64 .. 616 px, so a year is 138 px; y: 1 .. 4 over
    # 256 .. 92 px (legend of three lines: 58 px, plot from 92 to 256)
    unit = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    assert len(unit) == 3  # the missing year is left out
    for (x, y), (year, value) in zip(unit, [(2019, 1.0), (2021, 2.0), (2022, 4.0)], strict=True):
        assert x == pytest.approx(64 + (year - 2018.5) * 138, abs=0.1)
        assert y == pytest.approx(256 - (value - 1) / 3 * 164, abs=0.1)
    # the start line stands half a year before the first year with the measure
    dashed = [ln for ln in root.findall(".//s:line", NS) if ln.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 1 and float(dashed[0].get("x1")) == pytest.approx(64 + 2 * 138, abs=0.1)


def test_before_after_fits_a_phone_with_long_german_labels() -> None:
    """By default as wide as a phone: legend and axis title wrapped at spaces, every
    text inside the chart at 7.2 px a character, and twelve years written every
    second one (272 px for 12 years: 22.7 px a year, a year's text needs 40)."""
    years = list(range(2013, 2025))
    counterfactual = "Kommune, wenn sie sich wie die Vergleichsgruppe entwickelt hätte"
    indicator = "Ehrenamtliche mit Migrationsgeschichte (Verhältnis), je 1.000 Einwohner"
    root = _parse(
        svg.before_after(
            years,
            [
                ("unit", "Haselgrund", [1.0] * 12),
                ("comparison", "Vergleichsgruppe (Mittel)", [1.5] * 12),
                ("counterfactual", counterfactual, [2.0] * 12),
            ],
            2020,
            chart_id="ba",
            title="t",
            desc="d",
            start_label="Beginn 2020",
            axis_label=indicator,
        )
    )
    assert float(root.get("width")) == 360
    texts = root.findall(".//s:text", NS)
    written = [e.text or "" for e in texts]
    # the counterfactual's label on two lines, 16 px apart, all its words kept
    first = next(e for e in texts if (e.text or "").startswith("Kommune,"))
    second = texts[texts.index(first) + 1]
    assert f"{first.text} {second.text}" == counterfactual
    assert float(second.get("y")) - float(first.get("y")) == 16
    # the axis title on two lines, its words kept
    at = written.index("Ehrenamtliche mit Migrationsgeschichte")
    assert " ".join(written[at : at + 2]) == indicator
    for e in texts:
        if e.get("text-anchor") == "start":
            assert float(e.get("x")) + 7.2 * len(e.text or "") <= 360, e.text
    assert [t for t in written if re.fullmatch(r"20\d\d", t)] == [str(y) for y in years[::2]]
    # a tick under every year all the same
    ticks = [
        ln for ln in root.findall(".//s:line", NS) if ln.get("y2") and ln.get("x1") == ln.get("x2")
    ]
    assert len([ln for ln in ticks if float(ln.get("y2")) - float(ln.get("y1")) == 4]) == 12


def test_nice_ticks_are_round_and_cover_the_data() -> None:
    assert svg._nice_ticks(0.37, 1.96) == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0])
    assert svg._nice_ticks(12.0, 12.0) == pytest.approx([10.0, 15.0])  # a flat line
    assert svg._nice_ticks(-3.2, 7.9) == pytest.approx([-5.0, 0.0, 5.0, 10.0])


def test_scale_ends_are_written_by_the_callers_formatter() -> None:
    """The ends of a histogram's and a small multiple's scale are numbers readers see:
    written by ``tick_format`` (the report's formatter), by default with a real minus."""
    german = lambda v: f"{v:.1f}".replace(".", ",").replace("-", "−")  # noqa: E731
    histograms = svg.histograms(
        [("i", [1, 2])], [-2.5, 0.0, 2.5], chart_id="h", title="t", desc="d", tick_format=german
    )
    panels = [("x", [2020, 2021], [0.5, 1.0], "1")]
    lines = svg.small_multiples(
        panels, chart_id="s", title="t", desc="d", vmin=-2.5, vmax=2.5, tick_format=german
    )
    for markup in (histograms, lines):
        assert {"−2,5", "2,5"} <= set(_texts(_parse(markup)))
    plain = svg.histograms([("i", [1, 2])], [-2.5, 0.0, 2.5], chart_id="h", title="t", desc="d")
    assert {"−2.5", "2.5"} <= set(_texts(_parse(plain)))
