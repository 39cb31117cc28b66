"""The overview's statistical audit section and the methodology's uncertainty note, as
plain data.

compute -> structure -> render: :func:`mint_index.audit` computes the audit tables;
:func:`audit_context` picks what a council reader needs from them (per aggregate node
Cronbach's alpha and the first principal component's share, the correlation flags, the
indicators with flagged distributions), labels every node in the report's language and
returns JSON-safe dicts. :func:`uncertainty_context` does the same for what an
uncertainty analysis varied. The template and :mod:`.i18n` supply the words.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from mint_index.errors import ReportError

if TYPE_CHECKING:
    from mint_index.reports.context import ReportData

__all__ = ["ALPHA_CONSISTENT", "INDICATOR_FLAGS", "audit_context", "uncertainty_context"]

#: Cronbach's alpha from which a group of indicators counts as consistent (the usual
#: rule of thumb, also the JRC's).
ALPHA_CONSISTENT = 0.7
#: The indicator flags of :func:`mint_index.audit`, in the order the report lists them.
INDICATOR_FLAGS = ("availability", "skew_kurtosis", "zeros", "distinct")


def _number(value: Any) -> float | None:
    """A finite float, or None (missing, NaN or not a number)."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _assessment(alpha: float | None, children: int) -> str:
    """``consistent``, ``weak`` or ``na`` (one child only, or too few complete units)."""
    if children < 2 or alpha is None:
        return "na"
    return "consistent" if alpha >= ALPHA_CONSISTENT else "weak"


def _check_audit(audit: Any, data: ReportData) -> None:
    needed = ("year", "stage", "threshold", "indicator_stats", "flags", "consistency")
    if not all(hasattr(audit, name) for name in needed):
        raise ReportError(
            f"audit must be a mint_index Audit (from mi.audit), got {type(audit).__name__}"
        )
    problems = []
    if int(audit.year) != data.year:
        problems.append(
            f"the audit is of {int(audit.year)}, the report of {data.year}; "
            f"pass mi.audit(results, year={data.year})"
        )
    named = {
        *map(str, audit.consistency["node"]),
        *map(str, audit.indicator_stats["indicator"]),
        *map(str, audit.flags["node"]),
    }
    unknown = sorted(named - set(data.node_ids))
    if unknown:
        problems.append("the audit names nodes that are not in the results: " + ", ".join(unknown))
    if problems:
        raise ReportError("; ".join(problems))


def audit_context(audit: Any, data: ReportData) -> dict[str, Any]:
    """The audit section of the overview: plain data in the report's language.

    ``consistency``: one row per aggregate node with its alpha, first-component share
    and an assessment (``consistent`` from :data:`ALPHA_CONSISTENT`, ``weak`` below,
    ``na`` when alpha cannot be computed). ``redundant``: sibling pairs correlating
    above the audit's threshold; ``negative``: nodes correlating negatively with their
    parent. ``indicators``: only the indicators with at least one distribution flag,
    with the flags' names from :data:`INDICATOR_FLAGS`.
    """
    _check_audit(audit, data)

    def label(node: Any) -> str:
        return str(data.nodes[str(node)]["label"])

    consistency = []
    for row in audit.consistency.astype(object).to_dict(orient="records"):
        alpha = _number(row["cronbach_alpha"])
        children = int(row["children"])
        consistency.append(
            {
                "id": str(row["node"]),
                "label": label(row["node"]),
                "children": children,
                "complete_units": int(row["complete_units"]),
                "alpha": alpha,
                "first_pc_share": _number(row["first_pc_share"]),
                "assessment": _assessment(alpha, children),
            }
        )
    flags: dict[str, list[dict[str, Any]]] = {"redundant": [], "negative_with_parent": []}
    for row in audit.flags.astype(object).to_dict(orient="records"):
        flags[str(row["flag"])].append(
            {
                "node": label(row["node"]),
                "other": label(row["other"]),
                "parent": label(row["parent"]),
                "r": _number(row["r"]),
            }
        )
    indicators = []
    for row in audit.indicator_stats.astype(object).to_dict(orient="records"):
        raised = [name for name in INDICATOR_FLAGS if bool(row.get(f"flag_{name}", False))]
        if not raised:
            continue
        n = int(row["n"])
        indicators.append(
            {
                "id": str(row["indicator"]),
                "label": label(row["indicator"]),
                "parent": label(row["parent"]),
                "availability": _number(row["availability"]),
                "skewness": _number(row["skewness"]),
                "kurtosis": _number(row["kurtosis"]),
                "zero_share": int(row["zeros"]) / n if n else None,
                "distinct": int(row["distinct"]),
                "n": n,
                "flags": raised,
            }
        )
    return {
        "year": int(audit.year),
        "stage": str(audit.stage),
        "threshold": float(audit.threshold),
        "alpha_consistent": ALPHA_CONSISTENT,
        "consistency": consistency,
        "redundant": flags["redundant"],
        "negative": flags["negative_with_parent"],
        "indicators": indicators,
    }


def uncertainty_context(uncertainty: Any) -> dict[str, Any]:
    """What the uncertainty analysis varied and how often.

    ``choices``: one plain-data description per choice
    (:meth:`~mint_index.analysis.choices.Factor.summary`), which the page words in its
    language with its formatter; ``None`` when the result carries only the English
    ``varied`` lines, which the page then shows as they are.
    """
    if not all(hasattr(uncertainty, name) for name in ("varied", "n", "seed")):
        raise ReportError(
            "uncertainty must be mint_index UncertaintyResults (from mi.uncertainty), "
            f"got {type(uncertainty).__name__}"
        )
    seed = uncertainty.seed
    choices = getattr(uncertainty, "choices", None)
    return {
        "n": int(uncertainty.n),
        "seed": None if seed is None else int(seed),
        "varied": [str(line) for line in uncertainty.varied],
        "choices": None if choices is None else [_plain_choice(c) for c in choices],
    }


def _plain_choice(choice: dict[str, Any]) -> dict[str, Any]:
    """A choice's summary as JSON-safe data: shares as floats, labels as strings."""
    if "shares" in choice:
        return {
            "factor": str(choice["factor"]),
            "shares": [float(share) for share in choice["shares"]],
            "weights": int(choice["weights"]),
            "of": int(choice["of"]),
        }
    return {
        "factor": str(choice["factor"]),
        "options": [None if o is None else str(o) for o in choice["options"]],
    }
