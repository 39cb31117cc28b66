"""What recommendations should do with a measure in place, from its estimated effects.

A measure already in place is not recommended again; if it shows a visible effect in the
intended direction on an outcome (not on a count of what it provides) it is ``working``; if
its horizon has passed and no effect is visible (or one against the intended direction) it
is flagged for ``review``; a measure too young to judge (or not yet in the data) is
``wait``; one that cannot be estimated is ``unknown``. The recommendations and report code
read this table instead of re-deriving the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.effect_monitoring.estimate import ROLES, roles_of
from mint_index.effect_monitoring.texts import effect_verdicts

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["REVIEWS", "measure_review"]

#: The outcomes, in the order a unit's indicators decide them (first that applies).
REVIEWS = ("working", "review", "wait", "unknown")


def measure_review(res: Results, effects_df: pd.DataFrame) -> pd.DataFrame:
    """One row per unit, measure and spell (``since``: a programme that stopped and
    started again has two) of the effects table: ``unit, measure, since, review,
    indicators`` (the indicators that decided it).

    ``working``: at least one indicator moved in its good direction (the framework's
    ``direction``) with an interval that excludes zero. ``review``: otherwise, at least
    one indicator is ``estimated`` (so the horizon has passed) and none moved the good
    way. ``wait``: otherwise, some indicator is ``too_early`` or ``not_yet_observed``
    (later data will tell). ``unknown``: no indicator can be estimated, now or later (no
    baseline, no comparison, no data since it began, ended before it could be measured).
    Only rows of ``role`` ``outcome`` decide: an output (what the measure provides) rises
    because the measure is carried out, which says nothing of what it achieves; a measure
    with outputs only has no row here.
    """
    rows = effects_df[
        (effects_df["kind"] == "unit").to_numpy() & (roles_of(effects_df) == ROLES[0])
    ]
    if rows.empty:
        return pd.DataFrame(columns=["unit", "measure", "since", "review", "indicators"])
    framework = res.framework
    sign = np.asarray(
        [
            framework.indicator(n).direction_sign if framework.is_indicator(n) else 1.0
            for n in rows["indicator"]
        ]
    )
    verdict = effect_verdicts(rows)
    good = ((verdict == "rose") & (sign > 0)) | ((verdict == "fell") & (sign < 0))
    status = rows["status"].to_numpy(object)
    outcome = np.select(
        [good, status == "estimated", np.isin(status, ["too_early", "not_yet_observed"])],
        ["working", "review", "wait"],
        default="unknown",
    )
    rank = pd.Series(outcome).map({r: i for i, r in enumerate(REVIEWS)}).to_numpy()
    frame = pd.DataFrame(
        {
            "unit": rows["unit"].to_numpy(object),
            "measure": rows["measure"].to_numpy(object),
            "since": rows["since"].to_numpy(dtype=np.int64),
            "indicator": rows["indicator"].to_numpy(object),
            "rank": rank,
        }
    )
    spell = ["unit", "measure", "since"]
    best = frame.groupby(spell, sort=True)["rank"].transform("min")
    deciding = frame[frame["rank"] == best]
    out = deciding.groupby(spell, sort=True).agg(
        rank=("rank", "first"), indicators=("indicator", ", ".join)
    )
    out["review"] = np.asarray(REVIEWS, dtype=object)[out["rank"].to_numpy()]
    return out.reset_index()[["unit", "measure", "since", "review", "indicators"]]
