"""Inline SVG charts built from report-context data by plain string building.

Why not matplotlib: a report holds thousands of profiles and must render each in a few
milliseconds, offline, without JavaScript; a chart here is a few dozen SVG elements.
Every text that reaches the markup goes through :func:`html.escape`; numbers are
written with fixed precision. Labels shown next to values are pre-formatted by the
caller (language-specific formatting lives in :mod:`mint_index.rules.formatting`).

Colours come from the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); the heatmap uses the cividis ramp, which was designed for the same
purpose, and picks black or white text by luminance. Every chart carries ``<title>``
and ``<desc>`` for screen readers; the templates put a data table next to each chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape
from typing import NamedTuple

__all__ = [
    "NARROW_WIDTH",
    "OKABE_ITO",
    "bar_chart",
    "before_after",
    "dot_plot",
    "dot_plot_legend",
    "heat_colour",
    "heatmap",
    "histograms",
    "small_multiples",
]

#: The Okabe-Ito palette.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
_UNIT = OKABE_ITO["blue"]
_HIGHLIGHT = OKABE_ITO["vermillion"]
_PEER = "#595959"  # dark grey: 7:1 contrast on white
_RANGE = "#C8C8C8"
_TEXT = "#1A1A1A"
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_BOLD = ' font-weight="600"'
#: Estimated width of a character of the charts' 12 px text, for laying out legends and
#: clipping labels (system-ui at 12 px averages a little under 7 px).
_CHAR_WIDTH = 7.2
#: The default width of the report's charts: a phone's screen (390 px, less the page's
#: margins), so that they fit it at full text size (a heatmap of more than seven domains
#: is wider, and scrolls).
NARROW_WIDTH = 360.0
#: Its left and right margin, the height of a row (label over track) and of a legend line.
_DOT_PLOT_MARGIN, _DOT_PLOT_ROW, _LEGEND_LINE = 10.0, 38.0, 20.0
#: A heatmap cell's least width: a whole score of three digits ("100") and its margins;
#: and the characters of a column label kept (the rest cut with "…").
_HEAT_CELL, _HEAT_HEAD = 30.0, 24
# cividis at 0, .25, .5, .75, 1
_CIVIDIS = ((0, 34, 78), (59, 73, 108), (124, 123, 120), (188, 175, 111), (254, 232, 56))


def _f(x: float) -> str:
    """A coordinate with one decimal, no trailing zeros."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _fs(xs: Sequence[float]) -> list[str]:
    """:func:`_f` of each coordinate, with one formatting call for all: in the text of
    "%.1f," repeated, ".0," stands only at the end of a number that _f writes without
    its ".0"."""
    return (("%.1f," * len(xs)) % tuple(xs)).replace(".0,", ",").split(",")[:-1]


#: ``escape`` of the value labels charts repeat on every page of a report (a few hundred
#: distinct numbers).
_escaped = lru_cache(maxsize=4096)(escape)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scale(vmin: float, vmax: float, x0: float, x1: float) -> Callable[[float], float]:
    span = (vmax - vmin) or 1.0

    def to_x(value: float) -> float:
        clipped = min(max(value, vmin), vmax)
        return x0 + (clipped - vmin) / span * (x1 - x0)

    return to_x


def _open(chart_id: str, width: float, height: float, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'role="img" aria-labelledby="{cid}-t {cid}-d" {_FONT}>',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(desc)}</desc>',
    ]


@lru_cache(maxsize=64)
def _opening(chart_id: str, width: float, height: float, title: str, desc: str) -> str:
    """:func:`_open` as one text, for the charts a report draws on every page."""
    return "".join(_open(chart_id, width, height, title, desc))


#: The smallest text a chart writes (a bar's count): 10 px, never less.
_SMALL = ' font-size="10"'


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" fill="{_TEXT}"{extra}>'
        f"{escape(text)}</text>"
    )


def _axis(
    x0: float,
    x1: float,
    y: float,
    vmin: float,
    vmax: float,
    label: str,
    tick_format: Callable[[float], str],
) -> str:
    """A horizontal axis at ``y`` for the scale ``vmin`` .. ``vmax`` drawn from ``x0`` to
    ``x1``: line, five ticks with their values, and its title."""
    ticks = [vmin + (vmax - vmin) * k / 4 for k in range(5)]
    return _axis_markup(x0, x1, y, vmin, vmax, label, tuple(tick_format(t) for t in ticks))


@lru_cache(maxsize=256)
def _axis_markup(
    x0: float,
    x1: float,
    y: float,
    vmin: float,
    vmax: float,
    label: str,
    tick_texts: tuple[str, ...],
) -> str:
    """:func:`_axis` once its tick values are written: the same on every page of a report."""
    to_x = _scale(vmin, vmax, x0, x1)
    out = [f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y)}" y2="{_f(y)}" stroke="{_PEER}"/>']
    for k, text in enumerate(tick_texts):
        x = to_x(vmin + (vmax - vmin) * k / 4)
        out.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(y)}" y2="{_f(y + 4)}" stroke="{_PEER}"/>'
        )
        out.append(_text(x, y + 16, text, "middle"))
    if label:
        out.append(_text((x0 + x1) / 2, y + 32, label, "middle"))
    return "".join(out)


def _plain_tick(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


def _clip_label(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _wrapped(text: str, limit: int, most: int) -> list[str]:
    """``text`` broken at spaces into lines of at most ``limit`` characters (a longer
    word clipped), at most ``most`` lines, the last one clipped with … if text is left."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [_clip_label(line, limit) for line in lines] or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], _clip_label(" ".join(lines[most - 1 :]), limit)]
    return lines


def _fitting(room: float) -> int:
    """How many characters of the charts' text fit ``room`` px (at least 4)."""
    return max(4, int(room / _CHAR_WIDTH))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    value_labels: Sequence[str],
    *,
    chart_id: str,
    title: str,
    desc: str,
    vmin: float = 0.0,
    vmax: float = 100.0,
    highlight: Sequence[bool] | None = None,
    width: float = NARROW_WIDTH,
    label_width: float = 150.0,
    axis_label: str = "",
    tick_format: Callable[[float], str] = _plain_tick,
) -> str:
    """Horizontal bars, one per label; highlighted bars in vermillion, others in blue;
    an axis with ticks below and its title (``axis_label``). As wide as a phone by
    default (:data:`NARROW_WIDTH`): a ranking read there shows every bar's end and value,
    the labels cut to what their column holds (the table beside the chart has them
    whole)."""
    row, top = 20.0, 6.0
    height = top + row * len(labels) + 46
    x0, x1 = label_width, width - 50
    to_x = _scale(vmin, vmax, x0, x1)
    base = to_x(max(vmin, min(0.0, vmax)))
    out = _open(chart_id, width, height, title, desc)
    for i, (label, value, shown) in enumerate(zip(labels, values, value_labels, strict=True)):
        y = top + i * row
        out.append(_text(x0 - 6, y + 13, _clip_label(label, _fitting(x0 - 6)), "end"))
        if not _missing(value):
            x = to_x(float(value))  # type: ignore[arg-type]
            colour = _HIGHLIGHT if highlight is not None and highlight[i] else _UNIT
            out.append(
                f'<rect x="{_f(min(x, base))}" y="{_f(y + 3)}" '
                f'width="{_f(max(abs(x - base), 0.5))}" height="{_f(row - 6)}" '
                f'fill="{colour}"/>'
            )
        out.append(_text(x1 + 6, y + 13, shown))
    axis_y = top + row * len(labels) + 4
    out.append(
        f'<line x1="{_f(base)}" x2="{_f(base)}" y1="{_f(top)}" '
        f'y2="{_f(axis_y)}" stroke="{_PEER}" stroke-width="1"/>'
    )
    out.append(_axis(x0, x1, axis_y, vmin, vmax, axis_label, tick_format))
    out.append("</svg>")
    return "".join(out)


def dot_plot(
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
    width: float = NARROW_WIDTH,
    axis_label: str = "",
    tick_format: Callable[[float], str] = _plain_tick,
) -> str:
    """A unit's value (blue dot) against its peers: median (black bar), middle half (grey).

    Each row's label stands above its track, not beside it, so that the chart is as
    narrow as a phone (:data:`NARROW_WIDTH`) with its text at full size and the
    labels whole (a domain's name runs to 46 characters); the legend wraps to the width.
    ``legend`` names the three marks: (this unit, peer median, middle half of peers).
    Every profile of a report draws the same legend, rows and axis: those come from
    caches, and each row adds only the marks of the unit's values; when every row has
    all of them (nearly always), their positions fill the rows' template.
    """
    head, top = _dot_plot_head(chart_id, width, len(labels), title, desc, tuple(legend))
    x0, x1 = _DOT_PLOT_MARGIN, width - 60
    out = [head]
    rows = _dot_plot_rows(tuple(labels), top, x0, x1, _fitting(width - 2 * x0))
    marks = _dot_plot_marks(
        len(labels), values, peer_medians, peer_lows, peer_highs, vmin, vmax, x0, x1
    )
    if marks is not None:
        shown = _fs(marks)
        texts: list[str] = []
        for i in range(len(labels)):
            texts += shown[4 * i : 4 * i + 4]
            texts.append(_escaped(value_labels[i]))
        out.append(rows.complete % tuple(texts))
    else:
        to_x = _scale(vmin, vmax, x0, x1)
        for i, (lead, range_y, median_y, dot_y, value_at) in enumerate(rows.parts):
            out.append(lead)
            low, high = peer_lows[i], peer_highs[i]
            if not (_missing(low) or _missing(high)):
                a, b = to_x(float(low)), to_x(float(high))  # type: ignore[arg-type]
                out.append(
                    f'<rect x="{_f(a)}" y="{range_y}" width="{_f(max(b - a, 1))}" '
                    f'height="8" fill="{_RANGE}"/>'
                )
            median = peer_medians[i]
            if not _missing(median):
                m = to_x(float(median))  # type: ignore[arg-type]
                out.append(
                    f'<rect x="{_f(m - 1.5)}" y="{median_y}" width="3" height="14" fill="{_TEXT}"/>'
                )
            value = values[i]
            if not _missing(value):
                x = to_x(float(value))  # type: ignore[arg-type]
                out.append(
                    f'<circle cx="{_f(x)}" cy="{dot_y}" r="5" '
                    f'fill="{_UNIT}" stroke="#FFFFFF" stroke-width="1"/>'
                )
            out.append(f"{value_at}{_escaped(value_labels[i])}</text>")
    axis_y = top + _DOT_PLOT_ROW * len(labels) + 4
    out.append(_axis(x0, x1, axis_y, vmin, vmax, axis_label, tick_format))
    out.append("</svg>")
    return "".join(out)


def _dot_plot_marks(
    n: int,
    values: Sequence[float | None],
    peer_medians: Sequence[float | None],
    peer_lows: Sequence[float | None],
    peer_highs: Sequence[float | None],
    vmin: float,
    vmax: float,
    x0: float,
    x1: float,
) -> list[float] | None:
    """For each of the ``n`` rows of a dot plot: x and width of the peer range, x of the
    median bar and of the dot, placed as the general drawing places them (the arithmetic
    of :func:`_scale`, with ``min(max(v, vmin), vmax)`` written out for ``vmin <= vmax``).
    None when a row lacks a mark (a missing value) or the scale gives no position (NaN):
    the dot plot is then drawn mark by mark."""
    if not vmin <= vmax:
        return None
    span, extent = (vmax - vmin) or 1.0, x1 - x0
    marks: list[float] = []
    for i in range(n):
        row = (peer_lows[i], peer_highs[i], peer_medians[i], values[i])
        if None in row:
            return None
        a, b, m, v = [
            x0 + ((vmin if c < vmin else vmax if c > vmax else c) - vmin) / span * extent
            for c in map(float, row)  # type: ignore[arg-type]
        ]
        marks += (a, max(b - a, 1), m - 1.5, v)
    total = sum(marks)
    return marks if total == total else None


def dot_plot_legend(legend: Sequence[str], width: float) -> list[tuple[float, float]]:
    """Where each legend item of a dot plot starts (x of its mark, y of its text's
    baseline): side by side from the left edge, wrapped to a new line where the next
    item's text would run past ``width`` (German words are long: three items need two
    lines on a phone). Text widths are estimated at :data:`_CHAR_WIDTH` a character."""
    places: list[tuple[float, float]] = []
    x, y = _DOT_PLOT_MARGIN, 14.0
    for item in legend:
        extent = 20 + _CHAR_WIDTH * len(item)  # the mark, a gap, the text
        if x > _DOT_PLOT_MARGIN and x + extent > width - _DOT_PLOT_MARGIN:
            x, y = _DOT_PLOT_MARGIN, y + _LEGEND_LINE
        places.append((x, y))
        x += 28 + _CHAR_WIDTH * len(item)
    return places


@lru_cache(maxsize=64)
def _dot_plot_head(
    chart_id: str, width: float, n_rows: int, title: str, desc: str, legend: tuple[str, ...]
) -> tuple[str, float]:
    """A dot plot's opening and its legend, and the y its first row starts at."""
    places = dot_plot_legend(legend, width)
    top = places[-1][1] + 14
    height = top + _DOT_PLOT_ROW * n_rows + 44
    out = _open(chart_id, width, height, title, desc)
    (ux, uy), (mx, my), (rx, ry) = places
    out.append(f'<circle cx="{_f(ux + 5)}" cy="{_f(uy - 4)}" r="5" fill="{_UNIT}"/>')
    out.append(_text(ux + 14, uy, legend[0]))
    out.append(f'<rect x="{_f(mx + 3)}" y="{_f(my - 11)}" width="3" height="14" fill="{_TEXT}"/>')
    out.append(_text(mx + 12, my, legend[1]))
    out.append(f'<rect x="{_f(rx)}" y="{_f(ry - 8)}" width="16" height="8" fill="{_RANGE}"/>')
    out.append(_text(rx + 20, ry, legend[2]))
    return "".join(out), top


class _DotPlotRows(NamedTuple):
    """What the rows of a dot plot draw whatever the values."""

    #: per row: its label and grid line, the y of the peer range, of the median bar and
    #: of the dot, the start of its value's text
    parts: tuple[tuple[str, str, str, str, str], ...]
    #: all rows when each has all its marks: a %-template of, per row, the x and the
    #: width of the peer range, the x of the median bar and of the dot, the value's text
    complete: str


@lru_cache(maxsize=64)
def _dot_plot_rows(
    labels: tuple[str, ...], top: float, x0: float, x1: float, limit: int
) -> _DotPlotRows:
    """The rows of a dot plot with these labels: the same on every profile of a report.
    A row is its label (up to ``limit`` characters) over its track."""
    parts = []
    complete = []
    for i, label in enumerate(labels):
        y = top + i * _DOT_PLOT_ROW
        mid = y + 26
        lead = _text(x0, y + 12, _clip_label(label, limit)) + (
            f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(mid)}" y2="{_f(mid)}" '
            f'stroke="#EEEEEE" stroke-width="1"/>'
        )
        value_at = f'<text x="{_f(x1 + 8)}" y="{_f(mid + 4)}" text-anchor="start" fill="{_TEXT}">'
        range_y, median_y, dot_y = _f(mid - 4), _f(mid - 7), _f(mid)
        parts.append((lead, range_y, median_y, dot_y, value_at))
        complete += [
            lead.replace("%", "%%"),
            f'<rect x="%s" y="{range_y}" width="%s" height="8" fill="{_RANGE}"/>',
            f'<rect x="%s" y="{median_y}" width="3" height="14" fill="{_TEXT}"/>',
            f'<circle cx="%s" cy="{dot_y}" r="5" fill="{_UNIT}" stroke="#FFFFFF" '
            'stroke-width="1"/>',
            value_at,
            "%s</text>",
        ]
    return _DotPlotRows(tuple(parts), "".join(complete))


class _PanelFrame(NamedTuple):
    """What a small-multiples panel draws whatever its values, and where its points go."""

    head: str  #: the shared scale, the title, the background
    tail: str  #: the first and the last year
    bottom: float  #: y of vmin
    height: float  #: y of vmax minus y of vmin (negative: SVG's y grows downwards)
    xs: tuple[str, ...]  #: x of each year, as written
    dots: tuple[str, ...]  #: a point's circle up to its y, per year
    labels_at: tuple[str, ...]  #: the last value's text up to its y, per year
    #: the line and the dots when every year has a value: a %-template of the y of
    #: each point, for the line (drawn from two years on) and then again for the dots
    marks: str


def small_multiples(
    panels: Sequence[tuple[str, Sequence[int], Sequence[float | None], str]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    vmin: float = 0.0,
    vmax: float = 100.0,
    columns: int = 1,
    panel_width: float = NARROW_WIDTH,
    panel_height: float = 90.0,
    tick_format: Callable[[float], str] = _plain_tick,
) -> str:
    """One small line chart per panel ``(label, years, values, last_value_label)``,
    all on the same scale so that panels can be compared at a glance; the scale's ends
    are written by ``tick_format`` (the report's formatter). By default the panels stand
    one below the other, as wide as a phone (:data:`NARROW_WIDTH`), each label whole up
    to what the panel's width holds.

    Every profile of a report draws the same panels (labels, years, scale) with other
    values: each panel's frame comes from a cache, and only the points are computed,
    each written once for both the line and its dot; a panel with a value every year
    (nearly all) fills them into its frame's template."""
    n = max(len(panels), 1)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    out = [_opening(chart_id, cols * panel_width, rows * panel_height, title, desc)]
    scale = (vmin, vmax, tick_format(vmin), tick_format(vmax))
    span = (vmax - vmin) or 1.0
    ordered = vmin <= vmax  # not NaN either
    seen: Sequence[int] | None = None
    years_key: tuple[tuple[int, ...], str, str] | None = None
    for k, (label, years, values, last_label) in enumerate(panels):
        if years is not seen:  # the panels of a profile usually share one list of years
            seen = years
            years_key = (tuple(years), str(min(years)), str(max(years))) if years else None
        px, py = (k % cols) * panel_width, (k // cols) * panel_height
        frame = _panel_frame(label, px, py, panel_width, panel_height, *scale, years_key)
        out.append(frame.head)
        if years_key is None:
            continue
        if len(values) != len(years):
            raise ValueError(f"{len(values)} values for {len(years)} years in panel {label!r}")
        bottom, height = frame.bottom, frame.height
        if ordered and None not in values:  # the usual panel: a value every year
            # _scale's to_x, with min(max(v, vmin), vmax) written out for vmin <= vmax
            ys = [
                bottom + ((vmin if v < vmin else vmax if v > vmax else v) - vmin) / span * height
                for v in map(float, values)  # type: ignore[arg-type]
            ]
            total = sum(ys)
            if total == total:  # no NaN (a missing value): draw it below
                shown = _fs(ys)
                out.append(frame.marks % tuple(shown * 2 if len(shown) > 1 else shown))
                out.append(
                    f'{frame.labels_at[-1]}{_f(ys[-1] + 4)}" text-anchor="start" '
                    f'fill="{_TEXT}">{_escaped(last_label)}</text>{frame.tail}'
                )
                continue
        at: list[int] = []
        ys = []
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and v != v):  # missing (None or NaN)
                continue
            clipped = float(v)  # as _scale's to_x: min(max(v, vmin), vmax)
            if clipped < vmin:
                clipped = vmin
            if clipped > vmax:
                clipped = vmax
            at.append(i)
            ys.append(bottom + (clipped - vmin) / span * height)
        shown = _fs(ys)
        if len(at) > 1:
            xs = frame.xs
            path = " ".join([f"{xs[i]},{y}" for i, y in zip(at, shown, strict=True)])
            out.append(f'<polyline points="{path}" fill="none" stroke="{_UNIT}" stroke-width="2"/>')
        dots = frame.dots
        out += [f'{dots[i]}{y}" r="2.5" fill="{_UNIT}"/>' for i, y in zip(at, shown, strict=True)]
        if at:
            out.append(
                f'{frame.labels_at[at[-1]]}{_f(ys[-1] + 4)}" text-anchor="start" '
                f'fill="{_TEXT}">{_escaped(last_label)}</text>'
            )
        out.append(frame.tail)
    out.append("</svg>")
    return "".join(out)


@lru_cache(maxsize=1024)
def _panel_frame(
    label: str,
    px: float,
    py: float,
    panel_width: float,
    panel_height: float,
    vmin: float,
    vmax: float,
    vmin_text: str,
    vmax_text: str,
    years_key: tuple[tuple[int, ...], str, str] | None,
) -> _PanelFrame:
    """The frame of the panel at (``px``, ``py``); ``years_key`` is (years, first and
    last year as written) or None without years. The scale's and the years' texts are
    part of the key, so that equal numbers written differently (-0.0, 2020.0) never
    share an entry."""
    x0, x1 = px + 34, px + panel_width - 50
    y0, y1 = py + panel_height - 18, py + 24  # y0 = bottom (vmin), y1 = top (vmax)
    head = (
        _text(x0 - 4, y0, vmin_text, "end", ' font-size="11"')
        + _text(x0 - 4, y1 + 9, vmax_text, "end", ' font-size="11"')
        + _text(px + 10, py + 14, _clip_label(label, _fitting(panel_width - 20)), extra=_BOLD)
        + f'<rect x="{_f(x0)}" y="{_f(y1)}" width="{_f(x1 - x0)}" '
        f'height="{_f(y0 - y1)}" fill="#F6F6F6"/>'
    )
    if years_key is None:
        return _PanelFrame(head, "", y0, y1 - y0, (), (), (), "")
    years, first_text, last_text = years_key
    first, last = min(years), max(years)
    to_x = _scale(first, last if last > first else first + 1, x0, x1)
    xs = [to_x(year) for year in years]
    tail = _text(x0, y0 + 14, first_text, extra=' font-size="11"')
    if last > first:
        tail += _text(x1, y0 + 14, last_text, "end", ' font-size="11"')
    shown = _fs(xs)
    dots = [f'<circle cx="{x}" cy="' for x in shown]
    line = " ".join(f"{x},%s" for x in shown)
    marks = [
        f'<polyline points="{line}" fill="none" stroke="{_UNIT}" stroke-width="2"/>'
        if len(xs) > 1
        else "",
        *(f'{dot}%s" r="2.5" fill="{_UNIT}"/>' for dot in dots),
    ]
    return _PanelFrame(
        head,
        tail,
        y0,
        y1 - y0,
        tuple(shown),
        tuple(dots),
        tuple(f'<text x="{_f(x + 6)}" y="' for x in xs),
        "".join(marks),
    )


def heat_colour(value: float, vmin: float = 0.0, vmax: float = 100.0) -> tuple[str, str]:
    """(fill, text colour) for ``value`` on the cividis ramp."""
    t = 0.0 if vmax <= vmin else min(max((value - vmin) / (vmax - vmin), 0.0), 1.0)
    pos = t * (len(_CIVIDIS) - 1)
    i = min(int(pos), len(_CIVIDIS) - 2)
    frac = pos - i
    rgb = [round(a + (b - a) * frac) for a, b in zip(_CIVIDIS[i], _CIVIDIS[i + 1], strict=True)]
    lum = _luminance(rgb)
    # the ink with the higher WCAG contrast: (L1 + 0.05) / (L2 + 0.05)
    black, white = (lum + 0.05) / 0.05, 1.05 / (lum + 0.05)
    return "#{:02X}{:02X}{:02X}".format(*rgb), ("#000000" if black >= white else "#FFFFFF")


def _luminance(rgb: Sequence[int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    lin = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    value_labels: Sequence[Sequence[str]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    vmin: float = 0.0,
    vmax: float = 100.0,
    width: float = NARROW_WIDTH,
    label_width: float = 150.0,
    cell_height: float = 20.0,
) -> str:
    """Rows (units or peer groups) by columns (domains), cells coloured by score.

    As wide as a phone (``width``) where its columns fit: the cells share what the row
    labels (cut to what their column holds, as the ranking's) leave, never narrower than
    a whole score of three digits needs (:data:`_HEAT_CELL`), so that a framework with
    many domains gets a wider chart, which scrolls. Column labels stand upright (a
    quarter turn): neighbours are a cell's width apart across the text, more than a line
    needs, so they never overlap, and none juts out beyond the last column."""
    n = max(len(col_labels), 1)
    cell_width = max(_HEAT_CELL, (width - label_width) / n)
    heads = [_clip_label(col, _HEAT_HEAD) for col in col_labels]
    head = 16 + _CHAR_WIDTH * max((len(h) for h in heads), default=0)
    height = head + cell_height * len(row_labels) + 4
    out = _open(chart_id, label_width + cell_width * n, height, title, desc)
    for j, col in enumerate(heads):
        # the text runs upwards from just above the cells; its letters stand left of
        # the baseline, so the baseline is set right of the column's centre
        x, y = label_width + cell_width * (j + 0.5) + 4, head - 6
        out.append(
            _text(x, y, col, "start", f' font-weight="600" transform="rotate(-90 {_f(x)} {_f(y)})"')
        )
    row_limit = _fitting(label_width - 6)
    for i, row_label in enumerate(row_labels):
        y = head + cell_height * i
        out.append(_text(label_width - 6, y + 14, _clip_label(row_label, row_limit), "end"))
        for j, value in enumerate(values[i]):
            x = label_width + cell_width * j
            if _missing(value):
                fill, ink = "#FFFFFF", _TEXT
            else:
                fill, ink = heat_colour(float(value), vmin, vmax)  # type: ignore[arg-type]
            out.append(
                f'<rect x="{_f(x + 1)}" y="{_f(y + 1)}" width="{_f(cell_width - 2)}" '
                f'height="{_f(cell_height - 2)}" fill="{fill}" stroke="#DDDDDD"/>'
            )
            out.append(
                f'<text x="{_f(x + cell_width / 2)}" y="{_f(y + 14)}" '
                f'text-anchor="middle" fill="{ink}">{escape(value_labels[i][j])}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def histograms(
    panels: Sequence[tuple[str, Sequence[int]]],
    edges: Sequence[float],
    *,
    chart_id: str,
    title: str,
    desc: str,
    columns: int = 1,
    panel_width: float = NARROW_WIDTH,
    panel_height: float = 110.0,
    tick_format: Callable[[float], str] = _plain_tick,
    axis_label: str = "",
    count_format: Callable[[float], str] = _plain_tick,
) -> str:
    """Small-multiple histograms ``(label, counts per bin)`` over shared bin ``edges``;
    the first and last edge are written by ``tick_format`` (the report's formatter), the
    axis's title (``axis_label``) between them, and each bar's count above it
    (``count_format``): a bar without its number says only "more" or "fewer". By default
    one below the other, as wide as a phone, each label whole up to what the panel's
    width holds."""
    n = max(len(panels), 1)
    cols = min(columns, n)
    rows = math.ceil(n / cols)
    width, height = cols * panel_width, rows * panel_height
    out = _open(chart_id, width, height, title, desc)
    vmin, vmax = float(edges[0]), float(edges[-1])
    low, high = tick_format(vmin), tick_format(vmax)
    for k, (label, counts) in enumerate(panels):
        px, py = (k % cols) * panel_width, (k // cols) * panel_height
        x0, x1 = px + 10, px + panel_width - 14
        y0, y1 = py + panel_height - 20, py + 34  # room above the tallest bar for its count
        out.append(
            _text(px + 10, py + 14, _clip_label(label, _fitting(panel_width - 20)), extra=_BOLD)
        )
        to_x = _scale(vmin, vmax, x0, x1)
        top = max(max(counts, default=0), 1)
        for b, count in enumerate(counts):
            if count <= 0:
                continue
            a, c = to_x(float(edges[b])), to_x(float(edges[b + 1]))
            h = (y0 - y1) * count / top
            out.append(
                f'<rect x="{_f(a + 0.5)}" y="{_f(y0 - h)}" width="{_f(max(c - a - 1, 1))}" '
                f'height="{_f(h)}" fill="{_UNIT}"/>'
            )
            out.append(_text((a + c) / 2, y0 - h - 3, count_format(count), "middle", _SMALL))
        out.append(
            f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y0)}" y2="{_f(y0)}" stroke="{_PEER}"/>'
        )
        out.append(_text(x0, y0 + 14, low, extra=' font-size="11"'))
        out.append(_text(x1, y0 + 14, high, "end", ' font-size="11"'))
        if axis_label:
            out.append(_text((x0 + x1) / 2, y0 + 14, axis_label, "middle", ' font-size="11"'))
    out.append("</svg>")
    return "".join(out)


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) that
    cover ``lo`` to ``hi``."""
    span = hi - lo if hi > lo else (abs(hi) or 1.0)
    raw = span / max(n - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw * (1 - 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    if last <= first:
        last = first + 1
    return [k * step for k in range(first, last + 1)]


#: The height of :func:`before_after`'s plot area, and the room a year's text needs.
_PLOT_HEIGHT, _YEAR_ROOM = 164.0, 40.0
#: Line styles of :func:`before_after`: colour, dash pattern, width.
_SERIES_STYLE = {
    "unit": (_UNIT, "", 2.5),
    "comparison": (_PEER, "6 4", 2.0),
    "counterfactual": (_HIGHLIGHT, "2 4", 2.0),
}


def before_after(
    years: Sequence[int],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    since: int,
    *,
    chart_id: str,
    title: str,
    desc: str,
    start_label: str,
    axis_label: str,
    year_label: str = "",
    tick_format: Callable[[float], str] = _plain_tick,
    width: float = NARROW_WIDTH,
) -> str:
    """A before/after line chart: one line per ``(kind, label, values)`` of ``series``
    (kind ``unit``, ``comparison`` or ``counterfactual`` picks the line style), the years
    on the horizontal axis (titled ``year_label``), a value axis with round ticks titled
    ``axis_label``, and a dashed vertical line where the measure began (``since``,
    labelled ``start_label``).

    It stands on a unit's profile, so it is as wide as a phone by default
    (:data:`NARROW_WIDTH`): the legend stands above the plot, one entry per series, its
    words wrapped to the width (``Kommune, wenn sie sich wie die Vergleichsgruppe
    entwickelt hätte`` takes two lines), so that long labels never overlap; so does the
    value axis's title (two lines at most); a year is written under every tick where
    there is room, else under every second or third one."""
    x0, x1 = 64.0, width - 24
    y = 12.0  # the line sample of the legend's next entry; its text 4 px lower
    legend: list[str] = []
    for kind, label, _ in series:
        colour, dash, stroke = _SERIES_STYLE[kind]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        legend.append(
            f'<line x1="10" x2="40" y1="{_f(y)}" y2="{_f(y)}" stroke="{colour}" '
            f'stroke-width="{_f(stroke)}"{dashed}/>'
        )
        lines = _wrapped(label, _fitting(width - 58), len(label))
        legend += [_text(48, y + 4 + 16 * i, line) for i, line in enumerate(lines)]
        y += 16 * len(lines) + 2
    titled = _wrapped(axis_label, _fitting(width - 18), 2)
    legend += [_text(x0 - 56, y + 12 + 16 * i, line) for i, line in enumerate(titled)]
    y_top = y + 26 + 16 * (len(titled) - 1)
    y_bottom = y_top + _PLOT_HEIGHT
    height = y_bottom + 44
    finite = [float(v) for _, _, vs in series for v in vs if v is not None and not _missing(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    ticks = _nice_ticks(lo, hi)
    vmin, vmax = ticks[0], ticks[-1]
    first, last = (min(years), max(years)) if years else (since, since + 1)
    to_x = _scale(first - 0.5, last + 0.5, x0, x1)
    to_y = _scale(vmin, vmax, y_bottom, y_top)
    out = _open(chart_id, width, height, title, desc) + legend
    for tick in ticks:
        y = to_y(tick)
        out.append(
            f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y)}" y2="{_f(y)}" stroke="#E4E4E4"/>'
        )
        out.append(_text(x0 - 6, y + 4, tick_format(tick), "end"))
    out.append(
        f'<line x1="{_f(x0)}" x2="{_f(x0)}" y1="{_f(y_top)}" y2="{_f(y_bottom)}" stroke="{_PEER}"/>'
    )
    out.append(
        f'<line x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y_bottom)}" y2="{_f(y_bottom)}" '
        f'stroke="{_PEER}"/>'
    )
    # a year's text is about 30 px wide: every year written where they are 40 px apart
    step = math.ceil(_YEAR_ROOM / ((x1 - x0) / (last - first + 1)))
    for year in range(first, last + 1):
        x = to_x(year)
        out.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(y_bottom)}" y2="{_f(y_bottom + 4)}" '
            f'stroke="{_PEER}"/>'
        )
        if (year - first) % step == 0:
            out.append(_text(x, y_bottom + 17, str(year), "middle"))
    if year_label:
        out.append(_text((x0 + x1) / 2, y_bottom + 34, year_label, "middle"))
    start = to_x(since - 0.5)
    out.append(
        f'<line x1="{_f(start)}" x2="{_f(start)}" y1="{_f(y_top - 4)}" y2="{_f(y_bottom)}" '
        f'stroke="{_TEXT}" stroke-dasharray="4 3"/>'
    )
    anchor = "end" if start > (x0 + x1) / 2 else "start"
    out.append(_text(start + (-4 if anchor == "end" else 4), y_top + 8, start_label, anchor))
    for kind, _, values in series:
        colour, dash, stroke = _SERIES_STYLE[kind]
        points = [
            (to_x(year), to_y(float(v)))  # type: ignore[arg-type]
            for year, v in zip(years, values, strict=True)
            if not _missing(v)
        ]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) > 1:
            path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="{_f(stroke)}"{dashed}/>'
            )
        if kind != "counterfactual":
            out += [f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{colour}"/>' for x, y in points]
    out.append("</svg>")
    return "".join(out)
