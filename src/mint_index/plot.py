"""Charts for notebook work: ``res.plot.index_bars()``, ``.domain_heatmap()``,
``.unit_profile(unit)``, ``.trend(units)``, ``.distribution(node)``.

matplotlib is imported only when a chart is drawn. Each method draws on ``ax`` (or a new
figure) and returns the Axes, so charts can be combined and restyled. The numbers come
from the same prepared report data as the HTML reports (:mod:`mint_index.reports.context`),
so a chart and a report never disagree. Colours: Okabe-Ito and cividis, as in the reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mint_index.errors import ReportError
from mint_index.rules.languages import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from mint_index.pipeline.results import Results
    from mint_index.reports.context import ReportData

__all__ = ["PlotAccessor"]

_BLUE, _VERMILLION, _GREY = "#0072B2", "#D55E00", "#595959"
_CYCLE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, layout="constrained")[1]


class PlotAccessor:
    """Matplotlib charts of one Results object (``res.plot``)."""

    def __init__(self, results: Results, lang: str = DEFAULT_LANGUAGE) -> None:
        self._res = results
        self._lang = lang
        self._data: dict[int, ReportData] = {}

    def _prepared(self, year: int | None) -> ReportData:
        from mint_index.reports.context import prepare

        key = int(self._res.years[-1]) if year is None else int(year)
        if key not in self._data:
            self._data[key] = prepare(self._res, self._lang, key)
        return self._data[key]

    def _node(self, data: ReportData, node: str | None) -> str:
        node = data.index_id if node is None else node
        if node not in data.col:
            raise ReportError(f"unknown node {node!r}; nodes: {', '.join(data.node_ids)}")
        return node

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
        data = self._prepared(year)
        node = self._node(data, node)
        scores = data.scores[:, data.col[node]]
        order = [
            int(i)
            for i in np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
            if not np.isnan(scores[i])
        ]
        order = order[:top] if top else order
        ax = _axes(ax, (7, max(2.5, 0.28 * len(order) + 1)))
        marked = set(highlight or [])
        colours = [_VERMILLION if data.unit_ids[i] in marked else _BLUE for i in order]
        ax.barh(range(len(order)), scores[order], color=colours)
        ax.set_yticks(range(len(order)), [data.names[i] for i in order])
        ax.invert_yaxis()
        ax.set_xlim(data.vmin, data.vmax)
        ax.set_xlabel(f"{data.nodes[node]['label']} ({data.year})")
        ax.spines[["top", "right"]].set_visible(False)
        return ax

    def domain_heatmap(self, year: int | None = None, ax: Axes | None = None) -> Axes:
        """Units (rows, by index score) by domains (columns), coloured with cividis."""
        data = self._prepared(year)
        index = data.scores[:, data.col[data.index_id]]
        order = np.argsort(-np.nan_to_num(index, nan=-np.inf), kind="stable")
        columns = np.array([data.col[d] for d in data.domains], dtype=np.intp)
        values = data.scores[np.ix_(order, columns)]
        ax = _axes(ax, (1.6 + 1.1 * len(data.domains), max(2.5, 0.3 * len(order) + 1.5)))
        image = ax.imshow(
            values,
            cmap="cividis",
            vmin=data.vmin,
            vmax=data.vmax,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_xticks(
            range(len(data.domains)),
            [data.nodes[d]["label"] for d in data.domains],
            rotation=30,
            ha="right",
        )
        ax.set_yticks(range(len(order)), [data.names[i] for i in order])
        ax.figure.colorbar(image, ax=ax, label=str(data.year))
        return ax

    def unit_profile(self, unit: str, year: int | None = None, ax: Axes | None = None) -> Axes:
        """One unit's index and domain scores (dots) against its peer group's median
        (black bars) and middle half (grey)."""
        from mint_index.reports.context import profile_context

        ctx = profile_context(self._prepared(year), str(unit))
        rows = [ctx["index"], *ctx["domains"]]
        ax = _axes(ax, (7, 0.45 * len(rows) + 1.2))
        y = np.arange(len(rows))

        def col(key: str) -> np.ndarray:
            return np.array([np.nan if r[key] is None else r[key] for r in rows], dtype=float)

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

    def trend(
        self, units: list[str] | None = None, node: str | None = None, ax: Axes | None = None
    ) -> Axes:
        """Scores of ``node`` (index by default) over the years, one line per unit
        (default: up to the first seven units)."""
        res = self._res
        data = self._prepared(None)
        node = self._node(data, node)
        chosen = [str(u) for u in (units if units is not None else data.unit_ids[:7])]
        positions = [data.unit_position(u) for u in chosen]
        cube = res.cube("aggregated")[:, :, data.col[node]]
        ax = _axes(ax, (7, 4))
        years = [int(y) for y in res.years]
        for k, u in enumerate(positions):
            ax.plot(
                years, cube[:, u], marker="o", color=_CYCLE[k % len(_CYCLE)], label=data.names[u]
            )
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylabel(data.nodes[node]["label"])
        ax.set_ylim(data.vmin, data.vmax)
        ax.legend(fontsize="small", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return ax

    def distribution(
        self,
        node: str | None = None,
        year: int | None = None,
        bins: int = 10,
        ax: Axes | None = None,
    ) -> Axes:
        """Histogram of ``node``'s scores over all units (index by default)."""
        data = self._prepared(year)
        node = self._node(data, node)
        values = data.scores[:, data.col[node]]
        ax = _axes(ax, (6, 3.5))
        ax.hist(
            values[~np.isnan(values)],
            bins=np.linspace(data.vmin, data.vmax, bins + 1).tolist(),
            color=_BLUE,
            edgecolor="white",
        )
        ax.set_xlabel(f"{data.nodes[node]['label']} ({data.year})")
        ax.set_ylabel("units")
        ax.spines[["top", "right"]].set_visible(False)
        return ax

    def __repr__(self) -> str:
        names = [n for n in dir(self) if not n.startswith("_")]
        return f"PlotAccessor({', '.join(names)})"
