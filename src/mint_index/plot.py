"""Charts for notebook work: ``res.plot.index_bars()``, ``.domain_heatmap()``,
``.unit_profile(unit)``, ``.trend(units)``, ``.distribution(node)``.

compute -> structure -> render: the functions ``draw_*`` render plain chart data - built by
:mod:`mint_index.reports.chart_data` (bars, heatmap, trend, distribution) and
:func:`~mint_index.reports.profile.profile_context` (a unit's profile) from the same
prepared data as the HTML reports, so a chart and a report never disagree - and compute
nothing themselves. :class:`PlotAccessor` (``res.plot``) is the thin entry point from
Results: it prepares the data once per year, calls the builder and draws.

matplotlib is imported only when a chart is drawn. Each function draws on ``ax`` (or a
new figure) and returns the Axes, so charts can be combined and restyled. Colours:
Okabe-Ito and cividis, as in the reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from mint_index.rules.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from mint_index.pipeline.results import Results
    from mint_index.reports.context import ReportData

__all__ = [
    "PlotAccessor",
    "draw_bars",
    "draw_distribution",
    "draw_heatmap",
    "draw_profile",
    "draw_trend",
]

_BLUE, _VERMILLION, _GREY = "#0072B2", "#D55E00", "#595959"
_CYCLE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, layout="constrained")[1]


def _floats(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


# ---- renderers of plain chart data ----------------------------------------------------------
def draw_bars(
    chart: dict[str, Any], highlight: list[str] | None = None, ax: Axes | None = None
) -> Axes:
    """Horizontal bars of :func:`~mint_index.reports.chart_data.bars_data`, first unit at
    the top; units in ``highlight`` (ids) are drawn in vermillion."""
    units = chart["units"]
    ax = _axes(ax, (7, max(2.5, 0.28 * len(units) + 1)))
    marked = set(highlight or [])
    colours = [_VERMILLION if u["id"] in marked else _BLUE for u in units]
    ax.barh(range(len(units)), _floats([u["score"] for u in units]), color=colours)
    ax.set_yticks(range(len(units)), [u["name"] for u in units])
    ax.invert_yaxis()
    ax.set_xlim(chart["scale"]["min"], chart["scale"]["max"])
    ax.set_xlabel(f"{chart['label']} ({chart['year']})")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def draw_heatmap(chart: dict[str, Any], ax: Axes | None = None) -> Axes:
    """Units (rows) by domains (columns) of
    :func:`~mint_index.reports.chart_data.heatmap_data`, coloured with cividis."""
    rows, domains = chart["rows"], chart["domains"]
    values = np.array([_floats(r["values"]) for r in rows], dtype=float).reshape(
        len(rows), len(domains)
    )
    ax = _axes(ax, (1.6 + 1.1 * len(domains), max(2.5, 0.3 * len(rows) + 1.5)))
    image = ax.imshow(
        values,
        cmap="cividis",
        vmin=chart["scale"]["min"],
        vmax=chart["scale"]["max"],
        aspect="auto",
        interpolation="nearest",
    )
    ax.set_xticks(range(len(domains)), domains, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), [r["name"] for r in rows])
    ax.figure.colorbar(image, ax=ax, label=str(chart["year"]))
    return ax


def draw_profile(ctx: dict[str, Any], ax: Axes | None = None) -> Axes:
    """One unit's index and domain scores (dots) against its peer group's median (black
    bars) and middle half (grey), from a profile context
    (:func:`~mint_index.reports.profile.profile_context`)."""
    rows = [ctx["index"], *ctx["domains"]]
    ax = _axes(ax, (7, 0.45 * len(rows) + 1.2))
    y = np.arange(len(rows))

    def col(key: str) -> np.ndarray:
        return _floats([r[key] for r in rows])

    ax.hlines(
        y,
        col("peer_q1"),
        col("peer_q3"),
        color="#C8C8C8",
        linewidth=8,
        label="peer group: middle half",
    )
    ax.scatter(
        col("peer_median"),
        y,
        marker="|",
        s=300,
        color="black",
        label="peer group: median",
        zorder=3,
    )
    ax.scatter(col("score"), y, s=60, color=_BLUE, label=ctx["unit"]["name"], zorder=4)
    ax.set_yticks(y, [r["label"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(ctx["scale"]["min"], ctx["scale"]["max"])
    ax.set_title(f"{ctx['unit']['name']} ({ctx['year']})")
    ax.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=3, frameon=False, fontsize="small"
    )
    return ax


def draw_trend(chart: dict[str, Any], ax: Axes | None = None) -> Axes:
    """One line per series of :func:`~mint_index.reports.chart_data.trend_data` over
    its years (a year without data is a gap)."""
    ax = _axes(ax, (7, 4))
    years = [int(y) for y in chart["years"]]
    for k, series in enumerate(chart["series"]):
        ax.plot(
            years,
            _floats(series["values"]),
            marker="o",
            color=_CYCLE[k % len(_CYCLE)],
            label=series["name"],
        )
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel(chart["label"])
    ax.set_ylim(chart["scale"]["min"], chart["scale"]["max"])
    ax.legend(fontsize="small", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def draw_distribution(chart: dict[str, Any], ax: Axes | None = None) -> Axes:
    """The histogram of :func:`~mint_index.reports.chart_data.distribution_data`: one bar
    per bin, as high as the units in it."""
    edges = np.asarray(chart["edges"], dtype=float)
    ax = _axes(ax, (6, 3.5))
    ax.bar(
        edges[:-1],
        chart["counts"],
        width=np.diff(edges),
        align="edge",
        color=_BLUE,
        edgecolor="white",
    )
    ax.set_xlabel(f"{chart['label']} ({chart['year']})")
    ax.set_ylabel("units")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


class PlotAccessor:
    """Matplotlib charts of one Results object (``res.plot``): prepares the report data
    once per year, builds the chart's plain data and draws it with a ``draw_*`` function."""

    def __init__(self, results: Results, lang: str = DEFAULT_LANGUAGE) -> None:
        self._res = results
        self._lang = lang
        self._data: dict[int | None, ReportData] = {}

    def _prepared(self, year: int | None) -> ReportData:
        """The report data of ``year`` (default: the latest with scores, as a report)."""
        from mint_index.reports.context import prepare

        key = None if year is None else int(year)
        if key not in self._data:
            self._data[key] = prepare(self._res, self._lang, key)
        return self._data[key]

    # ---- charts ---------------------------------------------------------------------------
    def index_bars(
        self,
        year: int | None = None,
        node: str | None = None,
        top: int | None = None,
        highlight: list[str] | None = None,
        ax: Axes | None = None,
    ) -> Axes:
        """Horizontal bars of every unit's score (index by default), best at the top.

        ``top`` keeps only the best n units; units in ``highlight`` are drawn in vermillion.
        """
        from mint_index.reports.chart_data import bars_data

        return draw_bars(bars_data(self._prepared(year), node, top), highlight, ax)

    def domain_heatmap(self, year: int | None = None, ax: Axes | None = None) -> Axes:
        """Units (rows, by index score) by domains (columns), coloured with cividis."""
        from mint_index.reports.chart_data import heatmap_data

        return draw_heatmap(heatmap_data(self._prepared(year)), ax)

    def unit_profile(self, unit: str, year: int | None = None, ax: Axes | None = None) -> Axes:
        """One unit's index and domain scores (dots) against its peer group's median
        (black bars) and middle half (grey)."""
        from mint_index.reports.context import profile_context

        return draw_profile(profile_context(self._prepared(year), str(unit)), ax)

    def trend(
        self, units: list[str] | None = None, node: str | None = None, ax: Axes | None = None
    ) -> Axes:
        """Scores of ``node`` (the index by default, or a domain) over the years, one line
        per unit (default: up to the first seven units)."""
        from mint_index.reports.chart_data import trend_data

        return draw_trend(trend_data(self._prepared(None), units, node), ax)

    def distribution(
        self,
        node: str | None = None,
        year: int | None = None,
        bins: int = 10,
        ax: Axes | None = None,
    ) -> Axes:
        """Histogram of ``node``'s scores over all units (index by default)."""
        from mint_index.reports.chart_data import distribution_data

        return draw_distribution(distribution_data(self._prepared(year), node, bins), ax)

    def __repr__(self) -> str:
        names = [n for n in dir(self) if not n.startswith("_")]
        return f"PlotAccessor({', '.join(names)})"
