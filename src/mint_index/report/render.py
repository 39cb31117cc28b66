"""Render report contexts to self-contained HTML with Jinja2.

One set of templates serves both languages: words come from :mod:`.i18n`, numbers are
formatted by :class:`~mint_index.report.format.Formatter`. Autoescaping is on, so text
from frameworks and unit tables (a municipality called ``<script>``...) is shown, never
run; the only markup inserted unescaped is the CSS shipped in the package and the SVG
built by :mod:`.svg`, which escapes every text it writes. Undefined template variables
are errors, so a typo cannot silently print nothing. Jinja2 is imported on first use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.report import svg
from mint_index.report.format import Formatter, check_lang
from mint_index.report.i18n import texts

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "TEMPLATES",
    "comparison_charts",
    "environment",
    "overview_charts",
    "profile_charts",
    "render_comparison",
    "render_overview",
    "render_profile",
]

#: The folder of the templates and the stylesheet shipped inside the package.
TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of one language (built once per process)."""
    import jinja2
    from markupsafe import Markup

    from mint_index import __version__

    check_lang(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    env.globals.update(
        t=texts(lang),
        f=Formatter(lang),
        css=Markup(css),
        version=__version__,
    )
    return env


def _safe(markup: str) -> Any:
    from markupsafe import Markup

    return Markup(markup)


# ---- charts: context data -> SVG ----------------------------------------------------------
def overview_charts(ctx: dict[str, Any]) -> dict[str, Any]:
    t, f = texts(ctx["lang"]), Formatter(ctx["lang"])
    lo, hi = ctx["scale"]["min"], ctx["scale"]["max"]
    charts: dict[str, Any] = {}
    if ctx["show_bars"]:
        units = ctx["units"]
        charts["index_bars"] = _safe(svg.bar_chart(
            [u["name"] for u in units], [u["score"] for u in units],
            [f.num(u["score"], 1) for u in units],
            chart_id="chart-index", title=t["index_bars_title"], desc=t["index_bars_desc"],
            vmin=lo, vmax=hi,
        ))
    dist = ctx["distributions"]
    charts["distributions"] = _safe(svg.histograms(
        [(d["label"], d["counts"]) for d in dist], ctx["edges"],
        chart_id="chart-distributions", title=t["distributions"],
        desc=t["distributions_desc"],
    ))
    rows = ctx["heatmap"]["rows"]
    title = t["heatmap_title"] if ctx["heatmap"]["by"] == "unit" else t["heatmap_title_groups"]
    charts["heatmap"] = _safe(svg.heatmap(
        [r["label"] for r in rows], [d["label"] for d in ctx["domains"]],
        [r["values"] for r in rows], [[f.num(v, 0) for v in r["values"]] for r in rows],
        chart_id="chart-heatmap", title=title, desc=t["heatmap_desc"], vmin=lo, vmax=hi,
    ))
    return charts


def profile_charts(ctx: dict[str, Any]) -> dict[str, Any]:
    t, f = texts(ctx["lang"]), Formatter(ctx["lang"])
    lo, hi = ctx["scale"]["min"], ctx["scale"]["max"]
    rows = [ctx["index"], *ctx["domains"]]
    domains = svg.dot_plot(
        [r["label"] for r in rows], [r["score"] for r in rows],
        [r["peer_median"] for r in rows], [r["peer_q1"] for r in rows],
        [r["peer_q3"] for r in rows], [f.num(r["score"], 1) for r in rows],
        chart_id="chart-domains", title=t["domains_vs_peers"],
        desc=t["domains_vs_peers_desc"],
        legend=(t["this_unit"], t["peer_median"], t["peer_middle"]), vmin=lo, vmax=hi,
    )
    years = ctx["history"]["years"]
    panels = []
    for series in ctx["history"]["series"]:
        last = next((v for v in reversed(series["values"]) if v is not None), None)
        panels.append((series["label"], years, series["values"], f.num(last, 1)))
    history = svg.small_multiples(
        panels, chart_id="chart-history", title=t["over_time"], desc=t["over_time_desc"],
        vmin=lo, vmax=hi,
    )
    return {"domains": _safe(domains), "history": _safe(history)}


def comparison_charts(ctx: dict[str, Any]) -> dict[str, Any]:
    t, f = texts(ctx["lang"]), Formatter(ctx["lang"])
    movers = ctx["risers"] + list(reversed(ctx["fallers"]))
    if not movers:
        return {"movers": ""}
    changes = [m["change"] for m in movers]
    bound = max(abs(c) for c in changes) or 1.0
    chart = svg.bar_chart(
        [m["name"] for m in movers], changes, [f.num(c, 1, sign=True) for c in changes],
        chart_id="chart-movers", title=t["movers_title"], desc=t["movers_desc"],
        vmin=-bound, vmax=bound, highlight=[c < 0 for c in changes],
    )
    return {"movers": _safe(chart)}


# ---- display rows: numbers formatted once in Python, so the templates only print --------
_TREND_SIGN = {"improving": "▲\ufe0e", "worsening": "▼\ufe0e", "stable": "►\ufe0e"}


def _trend_cells(kind: str, change: float | None, f: Formatter, t: dict[str, str]
                 ) -> tuple[str, str, str]:
    """(css modifier, visible text, words for screen readers) of a trend."""
    if not kind:
        return "none", "–", t["no_trend"]
    return kind, f"{_TREND_SIGN[kind]} {f.num(change, 1, sign=True)}", t[kind]


def scorecard_view(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """The profile's scorecard as display strings (the hot loop of profile rendering)."""
    f, t = Formatter(ctx["lang"]), texts(ctx["lang"])
    num, value = f.num, f.value
    sections = []
    for section in ctx["scorecard"]:
        rows = []
        for r in section["rows"]:
            trend, trend_text, trend_words = _trend_cells(r["trend"], r["change"], f, t)
            unit = r["unit"]
            shown = value(r["value"], unit)
            if r["value_label"]:
                shown = f"{r['value_label']} ({shown})"
            rows.append({
                "label": r["label"], "depth": r["depth"], "is_indicator": r["is_indicator"],
                "value": shown if r["is_indicator"] else "",
                "peer_value": value(r["peer_median_value"], unit) if r["is_indicator"] else "",
                "target": value(r["target"], unit) if r["is_indicator"] else "",
                "score": num(r["score"], 1), "peer_score": num(r["peer_median"], 1),
                "trend": trend, "trend_text": trend_text, "trend_words": trend_words,
                "parity": value(r["parity_gap"], unit, sign=True)
                if r["parity_gap"] is not None else "",
                "notes": [t.get(n, n) for n in r["notes"]],
            })
        sections.append({"id": section["id"], "label": section["label"],
                         "score": num(section["score"], 1),
                         "peer_score": num(section["peer_median"], 1),
                         "has_parity": section["has_parity"], "rows": rows})
    return sections


# ---- pages --------------------------------------------------------------------------------
def render_overview(ctx: dict[str, Any], link_profiles: bool = False) -> str:
    template = environment(ctx["lang"]).get_template("overview.html.j2")
    return template.render(ctx=ctx, charts=overview_charts(ctx), link_profiles=link_profiles)


def render_profile(ctx: dict[str, Any], link_overview: bool = False) -> str:
    template = environment(ctx["lang"]).get_template("profile.html.j2")
    return template.render(ctx=ctx, charts=profile_charts(ctx), scorecard=scorecard_view(ctx),
                           link_overview=link_overview)


def render_comparison(ctx: dict[str, Any]) -> str:
    template = environment(ctx["lang"]).get_template("comparison.html.j2")
    return template.render(ctx=ctx, charts=comparison_charts(ctx))
