"""Render report contexts to self-contained HTML with Jinja2.

One set of templates serves both languages: words come from :mod:`.i18n`, numbers are
formatted by :class:`~mint_index.rules.formatting.Formatter`. Autoescaping is on, so text
from frameworks and unit tables (a municipality called ``<script>``...) is shown, never
run; the only markup inserted unescaped is the CSS shipped in the package and the SVG
built by :mod:`.svg`, which escapes every text it writes. Undefined template variables
are errors, so a typo cannot silently print nothing. Jinja2 is imported on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from itertools import chain, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mint_index.reports import svg
from mint_index.reports.cards import CARD_LABELS_MARKER, card_labels_css
from mint_index.reports.effects_view import effects_view
from mint_index.reports.i18n import texts
from mint_index.rules.formatting import Formatter, check_lang

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "PROFILE_TEMPLATE",
    "TEMPLATES",
    "comparison_charts",
    "environment",
    "no_data_note",
    "overview_charts",
    "priority_bands",
    "profile_charts",
    "profile_view",
    "profile_views",
    "render_comparison",
    "render_overview",
    "render_profile",
    "scale_note",
    "uncertainty_lines",
    "units_view",
]

#: The folder of the templates and the stylesheet shipped inside the package.
TEMPLATES = Path(__file__).with_name("templates")
#: The template of a municipality's profile (rendered once per unit).
PROFILE_TEMPLATE = "profile.html.j2"


#: What ``d.name`` finds on a plain dict before its keys.
_DICT_METHODS = frozenset(dir(dict))


@cache
def _environment_class() -> type[jinja2.Environment]:
    """A Jinja2 Environment that escapes plain strings without markupsafe's detours and
    reads the keys of plain dicts by subscript.

    Autoescaping turns every ``{{ x }}`` into ``markupsafe.escape(x)``, a Python-level
    call that checks for ``__html__`` and builds a ``Markup``: a profile prints about
    1,200 values, and that was half of its rendering time. The generated code instead
    tests ``x`` inline: an exact ``str`` goes straight to markupsafe's own C replacement
    of ``& < > ' "`` (``_escape_inner``, which ``escape`` itself uses); anything else
    (``Markup``, numbers, None) to ``escape``. Pages are byte-identical
    (tests/test_reports_render.py).
    """
    import jinja2
    import markupsafe
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator, optimizeconst

    if not hasattr(markupsafe, "_escape_inner"):  # Jinja's own (slower, equal) escape
        return jinja2.Environment

    class FastEscapeCodeGenerator(CodeGenerator):
        def visit_Template(self, node: Any, frame: Any = None) -> None:
            # a name of the template's module: one global look-up per printed value,
            # not the environment's and then its attribute's
            self.writeline("from markupsafe import _escape_inner as _escape_text")
            super().visit_Template(node, frame)

        def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
            if self._inline_escape(frame, finalize):
                self.write("(_escape_text(_out) if (_out := ")
            else:
                super()._output_child_pre(node, frame, finalize)

        def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
            if self._inline_escape(frame, finalize):
                self.write(").__class__ is str else escape(_out))")
            else:
                super()._output_child_post(node, frame, finalize)

        # ``d["key"]`` and ``d.key`` on a plain dict (every context and view is one) as a
        # subscript in the generated code; anything else, or a key the dict lacks, goes
        # to Jinja's own look-up as before (which tries the same subscript first).
        @optimizeconst
        def visit_Getitem(self, node: Any, frame: Any) -> None:
            if isinstance(node.arg, nodes.Const) and type(node.arg.value) is str:
                self._dict_lookup(node.node, repr(node.arg.value), "getitem", frame)
            else:  # slices and computed keys: Jinja's own code (already optimised)
                super().visit_Getitem.__wrapped__(self, node, frame)  # type: ignore[attr-defined]

        def visit_Getattr(self, node: Any, frame: Any) -> None:
            if node.attr in _DICT_METHODS:  # ``d.items`` is the method, as in Jinja
                super().visit_Getattr(node, frame)
            else:
                self._dict_lookup(node.node, repr(node.attr), "getattr", frame)

        def _dict_lookup(self, obj: Any, key: str, fallback: str, frame: Any) -> None:
            self.write(f"(_item[{key}] if (_item := ")
            self.visit(obj, frame)
            self.write(
                f").__class__ is dict and {key} in _item else environment.{fallback}(_item, {key}))"
            )

        @staticmethod
        def _inline_escape(frame: Any, finalize: Any) -> bool:
            return bool(
                frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None
            )

    class FastEscapeEnvironment(jinja2.Environment):
        code_generator_class = FastEscapeCodeGenerator

    # a Jinja2 without these hooks renders through its own (slower, equal) code
    hooks = (
        "visit_Template",
        "_output_child_pre",
        "_output_child_post",
        "visit_Getitem",
        "visit_Getattr",
    )
    if not all(callable(getattr(CodeGenerator, hook, None)) for hook in hooks):
        return jinja2.Environment
    return FastEscapeEnvironment


@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of one language (built once per process)."""
    import jinja2
    from markupsafe import Markup

    from mint_index import __version__

    check_lang(lang)
    env = _environment_class()(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the package's templates do not change: no stat per page
    )
    before, after = (TEMPLATES / "report.css").read_text(encoding="utf-8").split(CARD_LABELS_MARKER)
    css = _compact_css(before) + card_labels_css(lang) + _compact_css(after)
    env.globals.update(
        t=dict(texts(lang)),  # a plain dict: ``t.key`` is a subscript (see above)
        f=Formatter(lang),
        css=Markup(css),
        version=__version__,
    )
    return env


def _compact_css(css: str) -> str:
    """report.css as every page carries it: without its comments (written for whoever
    maintains it) and spare white space, 30 % smaller; 10,000 profiles are 25 MB less to
    write. Spaces around a colon stay, as there they can be a descendant combinator."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).strip()


def _safe(markup: str) -> Any:
    from markupsafe import Markup

    return Markup(markup)


# ---- charts: context data -> SVG ----------------------------------------------------------
def _score_axis(ctx: dict[str, Any], t: dict[str, str], f: Formatter) -> str:
    """The title of a score axis with its scale: "Punktwert (0 bis 100)"."""
    scale = ctx["scale"]
    return f"{t['score']} ({f.num(scale['min'], 0)}–{f.num(scale['max'], 0)})"


def overview_charts(ctx: dict[str, Any]) -> dict[str, Any]:
    t, f = texts(ctx["lang"]), Formatter(ctx["lang"])
    lo, hi = ctx["scale"]["min"], ctx["scale"]["max"]
    charts: dict[str, Any] = {}
    if ctx["show_bars"]:
        units = ctx["units"]
        charts["index_bars"] = _safe(
            svg.bar_chart(
                [u["name"] for u in units],
                [u["score"] for u in units],
                [f.num(u["score"], 1) for u in units],
                chart_id="chart-index",
                title=t["index_bars_title"],
                desc=t["index_bars_desc"],
                vmin=lo,
                vmax=hi,
                axis_label=_score_axis(ctx, t, f),
                tick_format=lambda v: f.num(v, 0),
            )
        )
    dist = ctx["distributions"]
    charts["distributions"] = _safe(
        svg.histograms(
            [(d["label"], d["counts"]) for d in dist],
            ctx["edges"],
            chart_id="chart-distributions",
            title=t["distributions"],
            desc=t["distributions_desc"],
            tick_format=lambda v: f.num(v, 0),
            axis_label=t["score"],
            count_format=f.int,
        )
    )
    rows = ctx["heatmap"]["rows"]
    title = t["heatmap_title"] if ctx["heatmap"]["by"] == "unit" else t["heatmap_title_groups"]
    charts["heatmap"] = _safe(
        svg.heatmap(
            [r["label"] for r in rows],
            [d["label"] for d in ctx["domains"]],
            [r["values"] for r in rows],
            [[f.num(v, 0) for v in r["values"]] for r in rows],
            chart_id="chart-heatmap",
            title=title,
            desc=t["heatmap_desc"],
            vmin=lo,
            vmax=hi,
        )
    )
    return charts


def profile_charts(ctx: dict[str, Any]) -> dict[str, Any]:
    t, f = texts(ctx["lang"]), Formatter(ctx["lang"])
    lo, hi = ctx["scale"]["min"], ctx["scale"]["max"]
    rows = [ctx["index"], *ctx["domains"]]
    domains = svg.dot_plot(
        [r["label"] for r in rows],
        [r["score"] for r in rows],
        [r["peer_median"] for r in rows],
        [r["peer_q1"] for r in rows],
        [r["peer_q3"] for r in rows],
        [f.num(r["score"], 1) for r in rows],
        chart_id="chart-domains",
        title=t["domains_vs_peers"],
        desc=t["domains_vs_peers_desc"],
        legend=(t["this_unit"], t["peer_median"], t["peer_middle"]),
        vmin=lo,
        vmax=hi,
        axis_label=_score_axis(ctx, t, f),
        tick_format=lambda v: f.num(v, 0),
    )
    years = ctx["history"]["years"]
    panels = []
    for series in ctx["history"]["series"]:
        last = next((v for v in reversed(series["values"]) if v is not None), None)
        panels.append((series["label"], years, series["values"], f.num(last, 1)))
    history = svg.small_multiples(
        panels,
        chart_id="chart-history",
        title=t["over_time"],
        desc=t["over_time_desc"],
        vmin=lo,
        vmax=hi,
        tick_format=lambda v: f.num(v, 0),
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
        [m["name"] for m in movers],
        changes,
        [f.num(c, 1, sign=True) for c in changes],
        chart_id="chart-movers",
        title=t["movers_title"],
        desc=t["movers_desc"],
        vmin=-bound,
        vmax=bound,
        highlight=[c < 0 for c in changes],
        axis_label=t["change_axis"],
        tick_format=lambda v: f.num(v, 1, sign=True),
    )
    return {"movers": _safe(chart)}


# ---- sentences: a translated text's placeholders filled in Python, one owner each --------
def _fill(text: str, **values: str) -> str:
    """``text`` with each ``{name}`` replaced by its value, in the order given."""
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", value)
    return text


def unit_change_text(change: dict[str, Any], t: dict[str, str], prefix: str = "change") -> str:
    """A merger, dissolution or creation in words: "2021 aufgegangen in Winkeltal"."""
    names = change.get("names") or []
    joined = (
        names[0]
        if len(names) == 1
        else ", ".join(names[:-1]) + f" {t['and']} " + names[-1]
        if names
        else ""
    )
    return _fill(t[f"{prefix}_{change['kind']}"], year=str(change["year"]), names=joined)


def scale_note(ctx: dict[str, Any], f: Formatter, t: dict[str, str]) -> str:
    """The scale of a page's scores, "Punktwerte auf der Skala 0 bis 100": the one text
    the overview, the profile and the comparison print beside their score tables."""
    scale = ctx["scale"]
    return _fill(t["scale_note"], lower=f.int(scale["min"]), upper=f.int(scale["max"]))


def no_data_note(ctx: dict[str, Any], t: dict[str, str]) -> str | None:
    """A profile's note that its unit has no data in the report year (a dissolved or
    not yet created municipality); None for a unit with data."""
    if ctx["unit"]["active"]:
        return None
    return _fill(t["no_data_this_year"], year=str(ctx["year"]))


def priority_bands(
    ctx: dict[str, Any], f: Formatter, t: dict[str, str]
) -> list[dict[str, str]] | None:
    """The overview's bands of the recommendations' priority as (band, range) texts, the
    top band up to and including the maximum ("von 50 bis 100"), the others below their
    upper bound ("von 25 bis unter 50"); None when the report has no recommendations."""
    priorities = ctx["priorities"]
    if not priorities:
        return None
    return [
        {
            "band": t[f"band_{band['name']}"],
            "range": _fill(
                t["from_to_top" if k == 0 else "from_to"],
                lower=f.int(band["lower"]),
                upper=f.int(band["upper"]),
            ),
        }
        for k, band in enumerate(priorities["bands"])
    ]


def uncertainty_lines(ctx: dict[str, Any], f: Formatter, t: dict[str, str]) -> list[str] | None:
    """What an uncertainty analysis varied, a line per choice in the page's language
    (``Factor.summary`` data worded here); a result made without ``choices`` keeps its
    own lines. None when the report has no uncertainty analysis."""
    varied = ctx.get("uncertainty")
    if not varied:
        return None
    if varied["choices"] is None:
        return list(varied["varied"])
    return [_varied_line(choice, f, t) for choice in varied["choices"]]


def _varied_line(choice: dict[str, Any], f: Formatter, t: dict[str, str]) -> str:
    """One varied choice in words: the weights' noise, or the options one was drawn from
    (``None`` is the nominal choice, or for ``leave_out`` leaving nothing out)."""
    factor = choice["factor"]
    named = t[f"f_{factor}"]  # a factor is a step, the weights or leaving one out
    if factor == "weights":
        return _fill(
            t["varied_weights"],
            factor=named,
            shares=", ".join(f"±{f.exact(share, share=True)}" for share in choice["shares"]),
            weights=f.int(choice["weights"]),
            of=f.int(choice["of"]),
        )
    left_out = factor == "leave_out"
    nominal = t["varied_nothing_left_out" if left_out else "varied_nominal"]
    options = choice["options"]
    return _fill(
        t["varied_left_out" if left_out else "varied_options"],
        factor=named,
        n=f.int(len(options)),
        options=", ".join(nominal if option is None else str(option) for option in options),
    )


# ---- display rows: numbers formatted once in Python, so the templates only print --------
_TREND_SIGN = {"improving": "▲\ufe0e", "worsening": "▼\ufe0e", "stable": "►\ufe0e"}


def _trend_cells(
    kind: str, change: float | None, f: Formatter, t: dict[str, str], has_score: bool
) -> tuple[str, str, str]:
    """(css modifier, visible text, words for screen readers) of a trend."""
    return _trend_shown(kind, f.num(change, 1, sign=True), t, has_score)


def _trend_shown(
    kind: str, change: str, t: dict[str, str], has_score: bool
) -> tuple[str, str, str]:
    """:func:`_trend_cells` with the change already written (``Formatter.nums``). Without
    a trend, why: no score this year (``has_score`` false: the value is missing or
    suppressed, whatever the year before held), else no score the year before."""
    if not kind:
        return "none", Formatter.missing, t["no_trend" if has_score else "no_score_this_year"]
    return kind, f"{_TREND_SIGN[kind]} {change}", t[kind]


def _quality_text(
    q: dict[str, Any], f: Formatter, t: dict[str, str], interval: tuple[str, str, str] | None = None
) -> str:
    """A data-quality note in words; ``interval`` is an unreliable value's (value, 95 %
    interval, denominator) when the caller wrote them already (:func:`_quality_views`)."""
    kind = q["kind"]
    text = f"{q['label']}: {t.get('q_' + kind, kind)}"
    if kind == "unreliable" and q["lower"] is not None:
        value, middle, denominator = interval or (
            f.value(q["value"], q["unit"], q["decimals"], unit_first=q["unit_first"]),
            f.range(q["lower"], q["upper"], q["decimals"]),
            f.int(q["denominator"]),
        )
        text += (
            f" ({t['value']} {value}, {t['interval_95']} {middle}, "
            f"{t['denominator']} {denominator})"
        )
    elif kind == "unreliable" and q["denominator"] is not None:
        text += f" ({t['denominator']} {f.int(q['denominator'])})"
    elif kind in ("missing", "suppressed") and q["detail"]:
        text += f" ({t['reason']}: {t.get('reason_' + q['detail'], q['detail'])})"
    elif kind == "data_note" and q["detail"]:
        text += f": {q['detail']}"
    elif kind == "screened_out" and q["value"] is not None:
        text += f" ({t['coverage']} {f.pct(q['value'], 0, share=True)})"
    return text


def units_view(ctx: dict[str, Any]) -> list[dict[str, Any]]:
    """The overview's table of all units as display text (it has a row per unit, so its
    scores and ranks are written column by column, one :class:`Formatter` pass each)."""
    f = Formatter(ctx["lang"])
    units = ctx["units"]
    scores = f.nums([u["score"] for u in units], 1)
    n_domains = len(ctx["domains"])
    domain_scores = [f.nums([u["domains"][k]["score"] for u in units], 1) for k in range(n_domains)]
    by_unit = list(zip(*domain_scores, strict=True)) if n_domains else [()] * len(units)
    ranks = f.nums([u["rank"] for u in units], 0)
    rank_ranges = f.ranges([u["rank_low"] for u in units], [u["rank_high"] for u in units], 0)
    peer_ranks = f.ranks([u["peer_rank"] for u in units], [u["peer_of"] for u in units])
    return [
        {
            "name": u["name"],
            "href": u["href"],
            "peer_group": u["peer_group"],
            "rank": rank,
            "rank_range": rank_range,
            "peer_rank": peer_rank,
            "score": score,
            "domains": list(domains),
        }
        for u, score, domains, rank, rank_range, peer_rank in zip(
            units, scores, by_unit, ranks, rank_ranges, peer_ranks, strict=True
        )
    ]


#: A data-quality note without any number (its text is the same wherever it appears).
_NO_NUMBERS = (None, None, None, None)

#: Texts of recurring figures a process remembers per language (peer medians, targets).
_RECURRING_SIZE = 50_000


@cache
def _recurring_texts(lang: str) -> dict[Any, Any]:
    """Per language: figures that recur from page to page (peer medians, targets) as
    text, keyed by value (and unit); a scorecard column's texts keyed by its inputs."""
    check_lang(lang)
    return {}


def profile_view(ctx: dict[str, Any]) -> dict[str, Any]:
    """Every number of a profile as display text (:func:`profile_views` of one)."""
    return profile_views([ctx])[0]


def profile_views(ctxs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every number of each profile as display text, formatted once in Python.

    The profile is the page rendered ten thousand times, so its template only prints
    strings; the words and the markup stay in the template. Text is escaped there.
    The scorecards and histories of all ``ctxs`` are written column by column, one
    :class:`Formatter` pass per kind of figure for the whole chunk, because a call per
    number cost more than the writing (a profile shows about 600 of them).
    """
    views: list[dict[str, Any]] = [{} for _ in ctxs]
    for lang in dict.fromkeys(c["lang"] for c in ctxs):
        at = [k for k, c in enumerate(ctxs) if c["lang"] == lang]
        for k, view in zip(at, _views_of_one_language([ctxs[k] for k in at]), strict=True):
            views[k] = view
    return views


def _views_of_one_language(ctxs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lang = ctxs[0]["lang"]
    f, t = Formatter(lang), texts(lang)
    shared = _recurring_texts(lang)  # peer-group figures and targets recur on every page
    if len(shared) > _RECURRING_SIZE:
        shared.clear()
    columns = zip(
        _domain_views(ctxs, f, t, shared),
        _history_views(ctxs, f),
        _scorecard_views(ctxs, f, t, shared),
        _quality_views(ctxs, f, t, shared),
        _standout_views(ctxs, f),
        _measure_views(ctxs, f, t),
        strict=True,
    )
    return [
        _page_view(ctx, f, t, shared)
        | standouts
        | measures
        | {"domains": domains, "history": history, "scorecard": scorecard, "quality": quality}
        for ctx, (domains, history, scorecard, quality, standouts, measures) in zip(
            ctxs, columns, strict=True
        )
    ]


def _domain_views(
    ctxs: list[dict[str, Any]], f: Formatter, t: dict[str, str], shared: dict[Any, Any]
) -> list[list[dict[str, Any]]]:
    """Each profile's domains against their peers, the chunk's figures in one pass each."""
    every = [d for c in ctxs for d in c["domains"]]
    figures = iter(
        zip(
            every,
            f.nums([d["score"] for d in every], 1),
            f.ranges([d["peer_q1"] for d in every], [d["peer_q3"] for d in every]),
            f.ranks([d["rank"] for d in every], [d["rank_of"] for d in every]),
            f.ranks([d["peer_rank"] for d in every], [d["peer_of"] for d in every]),
            f.nums([d["change"] for d in every], 1, sign=True),
            strict=True,
        )
    )
    out = []
    for c in ctxs:
        domains = []
        for d, score, middle, rank, peer_rank, change in islice(figures, len(c["domains"])):
            css, shown, words = _trend_shown(d["trend"], change, t, d["score"] is not None)
            domains.append(
                {
                    "label": d["label"],
                    "score": score,
                    "peer_median": _peer_num(d["peer_median"], f, shared),
                    "middle": middle,
                    "rank": rank,
                    "peer_rank": peer_rank,
                    "rank_range": f.range(d["rank_low"], d["rank_high"], 0),
                    "trend": {"css": css, "text": shown, "words": words},
                }
            )
        out.append(domains)
    return out


def _quality_views(
    ctxs: list[dict[str, Any]], f: Formatter, t: dict[str, str], shared: dict[Any, Any]
) -> list[list[str]]:
    """Each profile's data-quality notes in words. The unreliable values with their
    intervals (a dozen on a typical profile) are written for the whole chunk at once;
    a note without numbers reads the same on every profile that has it."""
    every = [q for c in ctxs for q in c["quality"]]
    numbered = [q for q in every if q["kind"] == "unreliable" and q["lower"] is not None]
    intervals = dict(
        zip(
            map(id, numbered),
            zip(
                f.values(
                    [q["value"] for q in numbered],
                    [q["unit"] for q in numbered],
                    [q["decimals"] for q in numbered],
                    [q["unit_first"] for q in numbered],
                ),
                f.ranges(
                    [q["lower"] for q in numbered],
                    [q["upper"] for q in numbered],
                    [q["decimals"] for q in numbered],
                ),
                f.nums([q["denominator"] for q in numbered], 0),
                strict=True,
            ),
            strict=True,
        )
    )

    def text(q: dict[str, Any]) -> str:
        if (q["value"], q["lower"], q["upper"], q["denominator"]) != _NO_NUMBERS:
            return _quality_text(q, f, t, intervals.get(id(q)))
        key = ("quality", q["label"], q["kind"], q["detail"])
        shown = shared.get(key)
        if shown is None:
            shown = shared[key] = _quality_text(q, f, t)
        return shown

    return [[text(q) for q in c["quality"]] for c in ctxs]


def _peer_num(x: float | None, f: Formatter, shared: dict[Any, Any]) -> str:
    text = shared.get(x)
    if text is None:
        text = shared[x] = f.num(x, 1)
    return text


def _history_views(ctxs: list[dict[str, Any]], f: Formatter) -> list[list[dict[str, Any]]]:
    """Each profile's history table, every value of the chunk written in one pass."""
    texts_ = iter(f.nums([v for c in ctxs for s in c["history"]["series"] for v in s["values"]]))
    return [
        [
            {"label": s["label"], "values": list(islice(texts_, len(s["values"])))}
            for s in c["history"]["series"]
        ]
        for c in ctxs
    ]


class ScorecardRow(NamedTuple):
    """One printed row of a profile's scorecard, every figure as text (the template
    unpacks it in this order)."""

    is_indicator: bool
    depth: str
    label: str
    value: str
    peer_value: str
    target: str
    score: str
    peer_score: str
    trend: str  # its CSS class
    trend_text: str
    trend_words: str  # for screen readers
    parity: str
    notes: tuple[str, ...]


def _scorecard_views(
    ctxs: list[dict[str, Any]], f: Formatter, t: dict[str, str], shared: dict[Any, Any]
) -> list[list[dict[str, Any]]]:
    """Each profile's scorecard as text. The context holds each table column by column;
    a column of every table of the chunk is written in one :class:`Formatter` pass, and
    the columns are zipped into :class:`ScorecardRow` tuples: the rows are made in C, not
    by a dict per row (56 rows a profile, ten thousand profiles)."""
    sections = [s for c in ctxs for s in c["scorecard"]]
    tables = [s["rows"] for s in sections]

    def column(name: str) -> list[Any]:
        return list(chain.from_iterable(table[name] for table in tables))

    def recurring(kind: str, names: tuple[str, ...], write: Callable[..., list[str]]) -> list[str]:
        # a column whose texts recur from table to table (targets, a peer group's
        # medians): written once per distinct inputs and process, chained in table order
        parts = []
        for table in tables:
            args = tuple(tuple(table[name]) for name in names)  # a key, by value
            texts = shared.get((kind, args))
            if texts is None:
                texts = shared[kind, args] = write(*args)
            parts.append(texts)
        return list(chain.from_iterable(parts))

    def indicator_values(
        values: Sequence[float | None],
        units: Sequence[str],
        decimals: Sequence[int],
        unit_first: Sequence[bool],
        is_indicator: Sequence[bool],
    ) -> list[str]:
        written = f.values(values, units, decimals, unit_first)
        return [text if shown else "" for text, shown in zip(written, is_indicator, strict=True)]

    is_indicator = column("is_indicator")
    decimals = column("decimals")
    values = [
        f"{label} ({value})" if label else value
        for value, label in zip(
            indicator_values(
                column("value"), column("unit"), decimals, column("unit_first"), is_indicator
            ),
            column("value_label"),
            strict=True,
        )
    ]
    as_values = ("unit", "median_decimals", "unit_first", "is_indicator")
    peer_values = recurring("peer_value", ("peer_median_value", *as_values), indicator_values)
    targets = recurring(
        "target", ("target", "unit", "decimals", "unit_first", "is_indicator"), indicator_values
    )
    peer_scores = recurring("peer_score", ("peer_median",), lambda x: f.nums(x, 1))
    changes = f.nums(column("change"), 1, sign=True)
    has_score = [score is not None for score in column("score")]
    keys = list(zip(column("trend"), changes, has_score, strict=True))
    trends = {(k, c, h): _trend_shown(k, c, t, h) for k, c, h in set(keys)}
    css, trend_texts, trend_words = (
        zip(*map(trends.__getitem__, keys), strict=True) if keys else ((), (), ())
    )
    gaps, gap_units = column("parity_gap"), column("gap_unit")
    at = [k for k, gap in enumerate(gaps) if gap is not None]  # indicators with a parity
    parities = [""] * len(gaps)
    for k, text in zip(
        at,
        f.values(
            [gaps[k] for k in at],
            [gap_units[k] for k in at],
            [decimals[k] for k in at],
            [False] * len(at),
            sign=True,
        ),
        strict=True,
    ):
        parities[k] = text
    notes = [tuple(t.get(n, n) for n in kinds) if kinds else () for kinds in column("notes")]
    rows = list(
        map(
            tuple.__new__,  # ScorecardRow(*fields) without a Python call per row
            repeat(ScorecardRow),
            zip(
                is_indicator,
                map(str, column("depth")),  # printed as text, not escaped as a number
                column("label"),
                values,
                peer_values,
                targets,
                f.nums(column("score"), 1),
                peer_scores,
                css,
                trend_texts,
                trend_words,
                parities,
                notes,
                strict=True,
            ),
        )
    )
    out = []
    start = 0
    shown_sections = iter(sections)
    for c in ctxs:
        page = []
        for section in islice(shown_sections, len(c["scorecard"])):
            end = start + len(section["rows"]["id"])
            page.append(
                {
                    "id": section["id"],
                    "label": section["label"],
                    "score": f.num(section["score"], 1),
                    "peer_score": _peer_num(section["peer_median"], f, shared),
                    "has_parity": section["has_parity"],
                    "rows": rows[start:end],
                }
            )
            start = end
        out.append(page)
    return out


def _page_view(
    ctx: dict[str, Any], f: Formatter, t: dict[str, str], shared: dict[Any, Any]
) -> dict[str, Any]:
    """The parts of a profile's view with a handful of figures each (the lists of
    strengths, weaknesses and measures are added by :func:`_views_of_one_language`).
    The scale note reads the same on every page of a report: written once per scale and
    language (``shared``)."""
    num = f.num
    index = ctx["index"]
    css, shown, words = _trend_cells(
        index["trend"], index["change"], f, t, index["score"] is not None
    )
    figures = {
        "score": num(index["score"], 1),
        "rank": f.rank(index["rank"], index["rank_of"]),
        "peer_rank": f.rank(index["peer_rank"], index["peer_of"]),
        "rank_range": f.range(index["rank_low"], index["rank_high"], 0),
        "peer_median": num(index["peer_median"], 1),
        "trend": {"css": css, "text": shown, "words": words},
    }
    return {
        "figures": figures,
        "history_years": [str(year) for year in ctx["history"]["years"]],
        "unit_changes": [unit_change_text(c, t) for c in ctx["unit"]["changes"]],
        "no_data": no_data_note(ctx, t),
        "scale_note": _shared_scale_note(ctx, f, t, shared),
    }


def _shared_scale_note(
    ctx: dict[str, Any], f: Formatter, t: dict[str, str], shared: dict[Any, Any]
) -> str:
    """:func:`scale_note`, remembered per scale in the language's ``shared`` texts."""
    key = ("scale_note", ctx["scale"]["min"], ctx["scale"]["max"])
    note = shared.get(key)
    if note is None:
        note = shared[key] = scale_note(ctx, f, t)
    return note


def _standout_views(ctxs: list[dict[str, Any]], f: Formatter) -> list[dict[str, Any]]:
    """Each profile's strengths and weaknesses, the chunk's figures in one pass each."""
    every = [s for c in ctxs for s in (*c["strengths"], *c["weaknesses"])]
    shown = iter(
        zip(
            every,
            f.nums([s["score"] for s in every], 1),
            f.nums([abs(s["difference"]) for s in every], 1),
            f.nums([s["peer_median"] for s in every], 1),
            strict=True,
        )
    )

    def take(n: int) -> list[dict[str, Any]]:
        return [
            {"label": s["label"], "score": score, "difference": difference, "peer_median": median}
            for s, score, difference, median in islice(shown, n)
        ]

    return [
        {"strengths": take(len(c["strengths"])), "weaknesses": take(len(c["weaknesses"]))}
        for c in ctxs
    ]


def _measure_views(
    ctxs: list[dict[str, Any]], f: Formatter, t: dict[str, str]
) -> list[dict[str, Any]]:
    """Each profile's recommended measures and measures in place as text (None where the
    report has no recommendations), the chunk's priorities written in one pass."""
    every = [r for c in ctxs for r in (*(c["recommendations"] or ()), *(c["in_place"] or ()))]
    priorities = iter(f.priorities([r["priority"] for r in every]))

    def measure(r: dict[str, Any]) -> dict[str, Any]:
        priority = next(priorities)
        band = t.get(f"band_{r['band']}", "") if r.get("band") else ""
        return {
            "title": r["title"] or r["action"] or "",
            "text": r["text"] or "",
            "evidence": r["evidence"],
            "priority": "" if r["priority"] is None else priority,
            "band": band,
            "band_css": r.get("band") or "",
            "actors": r["actors"] or "",
            "programme": r["programme"] or "",
            "source": r["source"] or "",
        }

    out = []
    for c in ctxs:
        recommendations = c["recommendations"]
        in_place = c["in_place"]
        out.append(
            {
                "recommendations": None
                if recommendations is None
                else [measure(r) for r in recommendations],
                "in_place": None if in_place is None else [measure(r) for r in in_place],
            }
        )
    return out


# ---- pages --------------------------------------------------------------------------------
def render_overview(ctx: dict[str, Any], link_profiles: bool = False) -> str:
    template = environment(ctx["lang"]).get_template("overview.html.j2")
    f, t = Formatter(ctx["lang"]), texts(ctx["lang"])
    left_out = [
        {"name": u["name"], "text": unit_change_text(u, t, prefix="left_out")}
        for u in ctx["left_out"]
    ]
    return template.render(
        ctx=ctx,
        charts=overview_charts(ctx),
        units=units_view(ctx),
        left_out=left_out,
        scale_note=scale_note(ctx, f, t),
        priority_bands=priority_bands(ctx, f, t),
        uncertainty_lines=uncertainty_lines(ctx, f, t),
        link_profiles=link_profiles,
        effects=effects_view(ctx.get("effects"), ctx["lang"]),
    )


def render_profile(
    ctx: dict[str, Any], link_overview: bool = False, view: dict[str, Any] | None = None
) -> str:
    """One profile as HTML; ``view`` is its :func:`profile_view` when the caller wrote a
    chunk of them at once (:func:`profile_views`)."""
    template = environment(ctx["lang"]).get_template(PROFILE_TEMPLATE)
    return template.render(
        ctx=ctx,
        charts=profile_charts(ctx),
        v=profile_view(ctx) if view is None else view,
        link_overview=link_overview,
        effects=effects_view(ctx.get("effects"), ctx["lang"], ctx["unit"]["name"]),
    )


def render_comparison(ctx: dict[str, Any]) -> str:
    template = environment(ctx["lang"]).get_template("comparison.html.j2")
    note = scale_note(ctx, Formatter(ctx["lang"]), texts(ctx["lang"]))
    return template.render(ctx=ctx, charts=comparison_charts(ctx), scale_note=note)
