"""The "Effect of measures" section of a report, as plain data.

compute -> structure -> render: :func:`mint_index.effects` estimates the effects of the
measures in a register, :func:`~mint_index.effect_monitoring.effects_context` turns them
into plain data in the report's language (rows, pooled rows, the explanation of the
comparison, the before/after series); this module picks from that the part each page
shows - every unit's rows and charts for its profile, the pooled effect per measure for
the overview. The register is optional: without one the section is left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.reports.i18n import texts

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.measures import MeasuresRegister
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet
    from mint_index.reports.data import ReportData

__all__ = ["effects_data", "overview_effects", "profile_effects"]


def effects_data(
    results: Results,
    measures: MeasuresRegister | pd.DataFrame | str | Path,
    lang: str,
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    """The effects of the register's measures on ``results``, as the plain data of
    :func:`~mint_index.effect_monitoring.effects_context` (``measures`` is validated
    against the action catalog ``rules`` and the units of ``results``)."""
    from mint_index.effect_monitoring import effects, effects_context

    if rules is None:
        from mint_index.recommendations.rules import load_rules

        rules = load_rules()
    table = effects(results, measures, rules=rules)
    return effects_context(results, table, lang, rules=rules)


def _header(section: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": section["title"],
        "explanation": section["explanation"],
        "level": section["level"],
        "series_labels": section["series_labels"],
    }


def _with_units(data: ReportData, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with the unit of each row's indicator (``indicator_unit``, "" if none):
    an effect is on the indicator's own scale. For a yes/no or level indicator that is the
    0-100 scale of its levels: an effect of +30 is not "level 30", which reads as an
    answer level, but 30 points on it."""
    on_levels = texts(data.lang)["effects_level_points"]
    units = {
        n: on_levels if info.get("levels") else info.get("unit", "")
        for n, info in data.nodes.items()
    }
    return [r | {"indicator_unit": units.get(r["indicator"], "")} for r in rows]


def overview_effects(data: ReportData) -> dict[str, Any] | None:
    """The overview's part: the pooled effect of every measure on each of its indicators
    (``None`` without a register)."""
    section = data.effects
    if section is None:
        return None
    # how many units the sentence speaks of: effects_context's n_named
    pooled = [p | {"n_units": p["n_named"]} for p in _with_units(data, section["pooled"])]
    return _header(section) | {"pooled": pooled}


def profile_effects(data: ReportData, unit_id: str) -> dict[str, Any] | None:
    """One profile's part: the unit's rows (one per measure and indicator) and the
    before/after series of every row with an estimate (``None`` without a register)."""
    section = data.effects
    if section is None:
        return None
    return _header(section) | {
        "rows": _with_units(data, section["units"].get(unit_id, [])),
        "charts": section["charts"].get(unit_id, []),
    }
