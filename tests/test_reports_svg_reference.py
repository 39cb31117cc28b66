"""The profile charts drawn from caches equal the straightforward drawing, byte for byte.

:func:`svg.dot_plot` and :func:`svg.small_multiples` run on every page of a report and
take what does not depend on the unit (legend, rows, axis, panel frames) from caches.
The reference functions below are the drawing as it was written before the caches, one
element at a time; the fast functions must give the same text for any input, also after
a cache has been filled by other inputs (other scales, years written as floats, -0.0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mint_index.reports import svg
from mint_index.reports.svg import _f, _missing, _open, _scale, _text


def _reference_axis(
    to_x: Callable[[float], float],
    x0: float,
    x1: float,
    y: float,
    vmin: float,
    vmax: float,
    label: str,
    tick_format: Callable[[float], str],
) -> list[str]:
    out = [f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y)}" y2="{_f(y)}" stroke="{svg._PEER}"/>']
    for k in range(5):
        tick = vmin + (vmax - vmin) * k / 4
        x = to_x(tick)
        out.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(y)}" y2="{_f(y + 4)}" stroke="{svg._PEER}"/>'
        )
        out.append(_text(x, y + 16, tick_format(tick), "middle"))
    if label:
        out.append(_text((x0 + x1) / 2, y + 32, label, "middle"))
    return out


def _reference_dot_plot(
    labels: Sequence[str],
    values: Sequence[float | None],
    peer_medians: Sequence[float | None],
    peer_lows: Sequence[float | None],
    peer_highs: Sequence[float | None],
    value_labels: Sequence[str],
    *,
    chart_id: str,
    title: str,
    desc: str,
    legend: tuple[str, str, str],
    vmin: float = 0.0,
    vmax: float = 100.0,
    width: float = 360.0,
    axis_label: str = "",
    tick_format: Callable[[float], str] = svg._plain_tick,
) -> str:
    # the legend: side by side, a new line of 20 px where an item would pass width - 10
    lx, ly, places = 10.0, 14.0, []
    for item in legend:
        if lx > 10 and lx + 20 + 7.2 * len(item) > width - 10:
            lx, ly = 10.0, ly + 20
        places.append((lx, ly))
        lx += 28 + 7.2 * len(item)
    row, top = 38.0, ly + 14
    height = top + row * len(labels) + 44
    x0, x1 = 10.0, width - 60
    to_x = _scale(vmin, vmax, x0, x1)
    out = _open(chart_id, width, height, title, desc)
    (ux, uy), (mx, my), (rx, ry) = places
    out.append(f'<circle cx="{_f(ux + 5)}" cy="{_f(uy - 4)}" r="5" fill="{svg._UNIT}"/>')
    out.append(_text(ux + 14, uy, legend[0]))
    out.append(
        f'<rect x="{_f(mx + 3)}" y="{_f(my - 11)}" width="3" height="14" fill="{svg._TEXT}"/>'
    )
    out.append(_text(mx + 12, my, legend[1]))
    out.append(f'<rect x="{_f(rx)}" y="{_f(ry - 8)}" width="16" height="8" fill="{svg._RANGE}"/>')
    out.append(_text(rx + 20, ry, legend[2]))
    for i, label in enumerate(labels):
        y = top + i * row
        mid = y + 26  # the track, under the label
        out.append(_text(x0, y + 12, svg._clip_label(label, max(4, int((width - 20) / 7.2)))))
        out.append(
            f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(mid)}" y2="{_f(mid)}" '
            f'stroke="#EEEEEE" stroke-width="1"/>'
        )
        low, high = peer_lows[i], peer_highs[i]
        if not (_missing(low) or _missing(high)):
            a, b = to_x(float(low)), to_x(float(high))  # type: ignore[arg-type]
            out.append(
                f'<rect x="{_f(a)}" y="{_f(mid - 4)}" width="{_f(max(b - a, 1))}" '
                f'height="8" fill="{svg._RANGE}"/>'
            )
        median = peer_medians[i]
        if not _missing(median):
            m = to_x(float(median))  # type: ignore[arg-type]
            out.append(
                f'<rect x="{_f(m - 1.5)}" y="{_f(mid - 7)}" width="3" height="14" '
                f'fill="{svg._TEXT}"/>'
            )
        value = values[i]
        if not _missing(value):
            x = to_x(float(value))  # type: ignore[arg-type]
            out.append(
                f'<circle cx="{_f(x)}" cy="{_f(mid)}" r="5" '
                f'fill="{svg._UNIT}" stroke="#FFFFFF" stroke-width="1"/>'
            )
        out.append(_text(x1 + 8, mid + 4, value_labels[i]))
    out += _reference_axis(
        to_x, x0, x1, top + row * len(labels) + 4, vmin, vmax, axis_label, tick_format
    )
    out.append("</svg>")
    return "".join(out)


def _reference_small_multiples(
    panels: Sequence[tuple[str, Sequence[int], Sequence[float | None], str]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    vmin: float = 0.0,
    vmax: float = 100.0,
    columns: int = 1,
    panel_width: float = 360.0,
    panel_height: float = 90.0,
    tick_format: Callable[[float], str] = svg._plain_tick,
) -> str:
    n = max(len(panels), 1)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    width, height = cols * panel_width, rows * panel_height
    out = _open(chart_id, width, height, title, desc)
    for k, (label, years, values, last_label) in enumerate(panels):
        px, py = (k % cols) * panel_width, (k // cols) * panel_height
        x0, x1 = px + 34, px + panel_width - 50
        y0, y1 = py + panel_height - 18, py + 24
        out.append(_text(x0 - 4, y0, tick_format(vmin), "end", ' font-size="11"'))
        out.append(_text(x0 - 4, y1 + 9, tick_format(vmax), "end", ' font-size="11"'))
        fits = max(4, int((panel_width - 20) / 7.2))  # characters of 7.2 px
        out.append(
            _text(px + 10, py + 14, svg._clip_label(label, fits), extra=' font-weight="600"')
        )
        out.append(
            f'<rect x="{_f(x0)}" y="{_f(y1)}" width="{_f(x1 - x0)}" '
            f'height="{_f(y0 - y1)}" fill="#F6F6F6"/>'
        )
        if years:
            first, last = min(years), max(years)
            to_x = _scale(first, last if last > first else first + 1, x0, x1)
            to_y = _scale(vmin, vmax, y0, y1)
            points = [
                (to_x(yr), to_y(float(v)))  # type: ignore[arg-type]
                for yr, v in zip(years, values, strict=True)
                if v is not None and not _missing(v)
            ]
            if len(points) > 1:
                path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{svg._UNIT}" stroke-width="2"/>'
                )
            for x, y in points:
                out.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.5" fill="{svg._UNIT}"/>')
            if points:
                out.append(_text(points[-1][0] + 6, points[-1][1] + 4, last_label))
            out.append(_text(x0, y0 + 14, str(first), extra=' font-size="11"'))
            if last > first:
                out.append(_text(x1, y0 + 14, str(last), "end", ' font-size="11"'))
    out.append("</svg>")
    return "".join(out)


# ---- inputs ------------------------------------------------------------------------------

_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40
) | st.sampled_from(["MINT-Index", '<b>&"x"</b>', "Bildung und Sprache", "", "48,4", "–"])
_VALUES = (
    st.none()
    | st.just(math.nan)
    | st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
    | st.sampled_from([0.0, -0.0, 100.0, 48.45, 0.05, -0.05, 12.25, 99.95, math.inf, -math.inf])
    | st.integers(min_value=-200, max_value=200)
)
_SCALES = st.sampled_from([(0.0, 100.0), (-0.0, 100.0), (0.0, 1.0), (-50.0, 50.0), (3.0, 3.0)]) | (
    st.tuples(
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False),
    )
)
_YEARS = (
    st.lists(st.integers(min_value=1990, max_value=2040), max_size=12)
    | st.sampled_from([[2024], [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]])
    | st.lists(st.sampled_from([2020.0, 2021.0, 2022.5]), min_size=1, max_size=4)
)


@st.composite
def _small_multiples_input(draw: st.DrawFn) -> tuple[list, dict]:
    years = draw(_YEARS)
    shared = draw(st.booleans())  # a profile's panels share one list of years
    panels = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        panel_years = years if shared else draw(_YEARS)
        values = draw(st.lists(_VALUES, min_size=len(panel_years), max_size=len(panel_years)))
        panels.append((draw(_TEXTS), panel_years, values, draw(_TEXTS)))
    vmin, vmax = draw(_SCALES)
    options = {
        "vmin": vmin,
        "vmax": vmax,
        "columns": draw(st.integers(min_value=1, max_value=4)),
        "panel_width": draw(st.sampled_from([220.0, 150.0, 300])),
        "panel_height": draw(st.sampled_from([90.0, 60.5, 120])),
    }
    return panels, options


@st.composite
def _dot_plot_input(draw: st.DrawFn) -> tuple[list, dict]:
    n = draw(st.integers(min_value=0, max_value=7))
    columns = [draw(st.lists(_TEXTS, min_size=n, max_size=n))]
    columns += [draw(st.lists(_VALUES, min_size=n, max_size=n)) for _ in range(4)]
    columns.append(draw(st.lists(_TEXTS, min_size=n, max_size=n)))
    vmin, vmax = draw(_SCALES)
    sign = draw(st.booleans())
    options = {
        "legend": (draw(_TEXTS), draw(_TEXTS), draw(_TEXTS)),
        "vmin": vmin,
        "vmax": vmax,
        "width": draw(st.sampled_from([360.0, 680.0, 300])),
        "axis_label": draw(_TEXTS),
        # tick texts that differ for equal scales: the axis cache keys on what is written
        "tick_format": (lambda v: f"{v:+.1f}") if sign else svg._plain_tick,
    }
    return columns, options


# ---- the tests ---------------------------------------------------------------------------

_CHART = {"chart_id": "c", "title": "t <&>", "desc": "d"}


@settings(max_examples=300, deadline=None)
@given(_small_multiples_input())
@example(([("one year", [2024], [48.0], "48")], {"vmin": 0.0, "vmax": 100.0}))
@example(([("a", [2020, 2021], [1.0, math.nan], "1")], {"vmin": 0.0, "vmax": 100.0}))
@example(([("reversed", [2020, 2021], [20.0, 80.0], "")], {"vmin": 100.0, "vmax": 0.0}))
@example(([("inf", [2020, 2021], [20.0, 80.0], "")], {"vmin": -math.inf, "vmax": 0.0}))
def test_small_multiples_equal_the_straightforward_drawing(case: tuple[list, dict]) -> None:
    panels, options = case
    expected = _reference_small_multiples(panels, **_CHART, **options)
    assert svg.small_multiples(panels, **_CHART, **options) == expected
    assert svg.small_multiples(panels, **_CHART, **options) == expected  # from the caches


_ROWS = [["MINT-Index", "50 % <more>"], [48.4, 150.0], [50.0, -3.0], [25.0, 12.25], [60.0, 12.0]]


@settings(max_examples=300, deadline=None)
@given(_dot_plot_input())
@example(([*_ROWS, ["48,4", "x"]], {"legend": ("a", "b", "c")}))
@example(([*_ROWS, ["48,4", "x"]], {"legend": ("a", "b", "c"), "vmin": 100.0, "vmax": 0.0}))
@example(([*_ROWS[:2], [50.0, math.nan], *_ROWS[3:], ["1", "2"]], {"legend": ("a", "b", "c")}))
def test_dot_plot_equals_the_straightforward_drawing(case: tuple[list, dict]) -> None:
    columns, options = case
    expected = _reference_dot_plot(*columns, **_CHART, **options)
    assert svg.dot_plot(*columns, **_CHART, **options) == expected
    assert svg.dot_plot(*columns, **_CHART, **options) == expected  # from the caches


def test_equal_numbers_written_differently_do_not_share_a_cached_frame() -> None:
    """0.0 == -0.0 and 2020 == 2020.0, but they are written "0" / "-0" and "2020" /
    "2020.0": each call draws its own."""
    for vmin in (0.0, -0.0, 0.0):
        for years in ([2020, 2021], [2020.0, 2021.0], [2020, 2021]):
            panels = [("a", years, [10.0, 20.0], "20")]
            kw = {**_CHART, "vmin": vmin, "vmax": 100.0}
            markup = svg.small_multiples(panels, **kw)
            assert markup == _reference_small_multiples(panels, **kw)
            assert (
                f'">{svg._plain_tick(vmin)}</text>' in markup and f'">{years[0]}</text>' in markup
            )


def test_axis_equals_the_straightforward_drawing() -> None:
    """bar_chart and dot_plot share the cached axis; the same scale with other tick
    texts is a new axis."""
    for tick_format in (svg._plain_tick, lambda v: f"{v:.2f}", svg._plain_tick):
        for vmin, vmax in ((0.0, 100.0), (-10.0, 10.0), (5.0, 5.0)):
            to_x = _scale(vmin, vmax, 200.0, 570.0)
            expected = _reference_axis(to_x, 200.0, 570.0, 50.0, vmin, vmax, "x <y>", tick_format)
            markup = svg._axis(200.0, 570.0, 50.0, vmin, vmax, "x <y>", tick_format)
            assert markup == "".join(expected)
            assert escape("x <y>") in markup


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.integers(), max_size=20))
def test_coordinates_are_written_as_one_at_a_time(xs: list[float]) -> None:
    assert svg._fs(xs) == [_f(x) for x in xs]
