"""Rich notebook display of result objects: small HTML tables for Jupyter.

``Results``, ``Comparison``, ``Audit``, ``UncertaintyResults`` and ``SensitivityResults``
show these as their ``_repr_html_``. Numbers go through the reports' one formatting layer
(:class:`~mint_index.rules.formatting.Formatter`): ranks are whole numbers, scores carry one
decimal, a missing value is an en dash. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from mint_index.rules.formatting import Formatter

if TYPE_CHECKING:
    from mint_index.analysis.audit import Audit
    from mint_index.analysis.sensitivity import SensitivityResults
    from mint_index.analysis.uncertainty import UncertaintyResults
    from mint_index.comparison import Comparison
    from mint_index.pipeline.results import Results

__all__ = [
    "audit_html",
    "comparison_html",
    "results_html",
    "sensitivity_html",
    "uncertainty_html",
]

_SHOWN = 10
_F = Formatter("en")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """An HTML table of already formatted cells; ``numeric`` columns align right."""

    def cell(k: int, text: str, tag: str = "td") -> str:
        align = ' style="text-align:right"' if k in numeric else ""
        return f"<{tag}{align}>{escape(text)}</{tag}>"

    head = "".join(cell(k, h, "th") for k, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell(k, c) for k, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _block(title: str, *parts: str) -> str:
    return f"<div><p><b>{escape(title)}</b></p>{''.join(parts)}</div>"


def results_html(res: Results) -> str:
    """The ten best units on the index in the report year (the latest with scores), on
    the report's score scale (:class:`~mint_index.reports.data.ReportData`'s ``vmin`` to
    ``vmax``: 0-100 unless the normalisation gives other scores)."""
    from mint_index.reports.data import prepare

    data = prepare(res, "en")
    index = data.col[data.index_id]
    agg = data.agg_col(data.index_id)
    order = sorted(
        (u for u in range(len(data.unit_ids)) if data.scores[u, index] == data.scores[u, index]),
        key=lambda u: (data.rank[u, agg], data.unit_ids[u]),
    )[:_SHOWN]
    rows = [
        [
            _F.int(float(data.rank[u, agg])),
            data.unit_ids[u],
            data.names[u],
            _F.num(data.scores[u, index], 1),
        ]
        for u in order
    ]
    return _block(
        repr(res),
        f"<p>Top {len(rows)} on the index, {data.year} "
        f"(scores {_F.range(data.vmin, data.vmax, 0)}, rank 1 = best):</p>",
        _table(["rank", "unit", "name", "score"], rows, {0, 3}),
    )


def comparison_html(comparison: Comparison) -> str:
    """The index's largest score changes between the compared years (rank 1 = best), and
    the definitions that changed: what a reader checks first in a new year's build."""
    changes = comparison.changes
    index = changes[changes["level"] == changes["level"].max()]
    index = index.assign(_size=-index["score_change"].abs()).sort_values(
        ["_size", "unit"], kind="stable", na_position="last"
    )
    rows = [
        [
            str(r["unit"]),
            _F.num(_number(r["old_score"]), 1),
            _F.num(_number(r["new_score"]), 1),
            _F.num(_number(r["score_change"]), 1, sign=True),
            f"{_F.int(_number(r['old_rank']))} → {_F.int(_number(r['new_rank']))}",
        ]
        for r in index.head(_SHOWN).to_dict(orient="records")
    ]
    years = f"{comparison.old_year} → {comparison.new_year}"
    parts = [
        f"<p>Largest score changes on the index, {escape(years)} (rank 1 = best):</p>",
        _table(["unit", "before", "after", "change", "rank"], rows, {1, 2, 3}),
    ]
    definitions = comparison.definition_changes
    if len(definitions):
        shown = definitions.head(_SHOWN)[["kind", "id", "change"]].astype(str)
        parts.append("<p>Defined differently:</p>")
        parts.append(_table(["kind", "id", "change"], shown.to_numpy().tolist(), set()))
    return _block(repr(comparison), *parts)


def audit_html(audit: Audit) -> str:
    """Internal consistency per aggregate, and the correlation flags."""
    rows = [
        [
            str(r["node"]),
            _F.int(r["children"]),
            _F.int(r["complete_units"]),
            _F.num(_number(r["cronbach_alpha"]), 2),
            _F.pct(_number(r["first_pc_share"]), 0, share=True),
        ]
        for r in audit.consistency.to_dict(orient="records")
    ]
    flags = [
        [str(r["flag"]), str(r["node"]), str(r["other"] or ""), _F.num(_number(r["r"]), 2)]
        for r in audit.flags.to_dict(orient="records")
    ]
    parts = [
        _table(
            ["node", "parts", "complete units", "Cronbach's alpha", "first PC"],
            rows,
            {1, 2, 3, 4},
        )
    ]
    parts.append(
        _table(["flag", "node", "other", "r"], flags, {3})
        if flags
        else "<p>No correlation flags.</p>"
    )
    return _block(repr(audit), *parts)


def uncertainty_html(unc: UncertaintyResults) -> str:
    """What was varied and the rank intervals of the best units on the index."""
    from mint_index.analysis.uncertainty import QUANTILE_PROBS

    _, lower, upper = QUANTILE_PROBS
    stats = unc.rank_stats
    if len(stats):  # the latest year of the last node (aggregates run bottom-up: the index)
        stats = stats[
            (stats["year"] == stats["year"].max()) & (stats["node"] == stats["node"].iloc[-1])
        ]
        stats = stats.sort_values(["nominal", "unit"], kind="stable")
    shown = stats.head(_SHOWN).to_dict(orient="records")
    rows = [
        [
            str(r.get("unit", "")),
            str(r.get("node", "")),
            _F.int(_number(r.get("nominal"))),
            _F.int(_number(r.get("median"))),
            _F.range(_number(r.get("q05")), _number(r.get("q95")), 0),
        ]
        for r in shown
    ]
    varied = "".join(f"<li>{escape(v)}</li>" for v in unc.varied)
    return _block(
        repr(unc),
        f"<p>Varied:</p><ul>{varied}</ul>",
        _table(
            [
                "unit",
                "node",
                "rank",
                "median rank",
                f"{_F.exact(upper - lower, share=True)} of ranks",
            ],
            rows,
            {2, 3, 4},
        ),
    )


def sensitivity_html(sens: SensitivityResults) -> str:
    """First-order and total sensitivity indices of each varied choice."""
    frame = sens.indices
    columns = [str(c) for c in frame.columns]
    rows = [
        [_F.num(v, 3) if isinstance(v, float) else str(v) for v in row]
        for row in frame.astype(object).to_numpy().tolist()
    ]
    numeric = {k for k, c in enumerate(columns) if frame[c].dtype.kind == "f"}
    return _block(repr(sens), _table(columns, rows, numeric))


def _number(value: Any) -> float | None:
    """A float, or None for missing."""
    if value is None:
        return None
    value = float(value)
    return None if value != value else value
