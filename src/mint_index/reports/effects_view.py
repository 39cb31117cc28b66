"""The "Effect of measures" section as display text: numbers through the report's
:class:`~mint_index.rules.formatting.Formatter`, charts as inline SVG (:mod:`.svg`).

The words of a verdict ("no effect visible yet (estimate +0,08, 90-%-Intervall ...)")
are those of :data:`mint_index.effect_monitoring.texts.TEXTS`, the one owner of the
wording, filled here with numbers written the report's way (decimal comma and typographic
minus in German). Templates only print what this module returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mint_index.reports import svg
from mint_index.reports.i18n import texts
from mint_index.rules.formatting import Formatter

__all__ = ["effects_view", "verdict_text"]


def verdict_text(row: dict[str, Any], f: Formatter) -> str:
    """What one row of the effects table says, in ``f``'s language and number style, with
    the decimals of :func:`~mint_index.effect_monitoring.texts.effect_decimals`."""
    from mint_index.effect_monitoring.texts import TEXTS, effect_decimals, wordings, year_words

    sizes = [abs(row[k]) for k in ("effect", "low", "high") if row.get(k) is not None]
    scale = max(sizes, default=1.0)

    def written(value: float | None, sign: bool = False) -> str:
        if value is None:
            return f.num(value)
        return f.num(value, int(effect_decimals(value, scale)), sign=sign)

    level = row.get("level")

    def year(column: str) -> str:
        value = row.get(column)
        return "?" if value is None else str(int(value))

    values = {
        "effect": written(row.get("effect"), sign=True),
        "size": written(None if row.get("effect") is None else abs(row["effect"])),
        "low": written(row.get("low")),
        "high": written(row.get("high")),
        "level": f.int(None if level is None else level * 100),
        **{column: year(column) for column in ("years_after", "since", "end")},
    }
    values["years_word"] = str(year_words(np.array([values["years_after"]]), f.lang)[0])
    (wording,) = wordings(np.array([row["verdict"]]), np.array([row.get("role")]))
    return TEXTS[f.lang][wording].format(**values)


def _indicator(row: dict[str, Any]) -> str:
    """The indicator's name, with its unit and, for an output, what it is to the
    measure (``role_note``) in brackets."""
    said = "; ".join(part for part in (row.get("indicator_unit"), row.get("role_note")) if part)
    return f"{row['indicator_name']} ({said})" if said else str(row["indicator_name"])


def _chart(
    chart: dict[str, Any], k: int, section: dict[str, Any], unit_name: str, f: Formatter
) -> dict[str, Any]:
    t = texts(f.lang)
    labels = section["series_labels"]
    rows = {(r["measure"], r["indicator"]): r for r in section["rows"]}
    row = rows[(chart["measure"], chart["indicator"])]
    indicator = _indicator(row)
    # the unit's values with the indicator's decimals; the means, and the axis between
    # values, with those of a mean (one more for whole values)
    digits = {
        "unit": chart["decimals"],
        "comparison": chart["mean_decimals"],
        "counterfactual": chart["mean_decimals"],
    }
    years = chart["years"]
    title = f"{row['measure_title']}: {indicator}"
    desc = (
        t["effects_chart_desc"]
        .replace("{unit}", unit_name)
        .replace("{indicator}", indicator)
        .replace("{first}", str(years[0]))
        .replace("{last}", str(years[-1]))
        .replace("{since}", str(chart["since"]))
    )
    series = [
        ("unit", f"{unit_name}", chart["unit"]),
        ("comparison", labels["comparison"], chart["comparison"]),
        ("counterfactual", labels["counterfactual"], chart["counterfactual"]),
    ]
    markup = svg.before_after(
        years,
        series,
        int(chart["since"]),
        chart_id=f"chart-effect-{k}",
        title=title,
        desc=desc,
        start_label=t["effects_start"].replace("{since}", str(chart["since"])),
        axis_label=indicator,
        year_label=t["year"],
        tick_format=lambda v: f.num(v, chart["mean_decimals"]),
    )
    return {
        "title": title,
        "svg": markup,
        "desc": desc,
        "verdict": verdict_text(row, f),
        "years": years,
        "table": [
            {"label": label, "values": f.nums(chart[key], digits[key])}
            for key, label in (
                ("unit", unit_name),
                ("comparison", labels["comparison"]),
                ("counterfactual", labels["counterfactual"]),
            )
        ],
    }


def effects_view(
    section: dict[str, Any] | None, lang: str, unit_name: str = ""
) -> dict[str, Any] | None:
    """Display text of a page's effects section (``None`` when the report has no
    register): the overview's pooled sentences, or a profile's rows and charts."""
    if section is None:
        return None
    from markupsafe import Markup

    from mint_index.effect_monitoring.texts import TEXTS

    f = Formatter(lang)
    words = TEXTS[lang]
    view: dict[str, Any] = {
        "title": section["title"],
        "explanation": section["explanation"],
    }
    if "pooled" in section:
        view["kind"] = "overview"
        view["pooled"] = [
            words["pooled" if p["n_units"] != 1 else "pooled_one"].format(
                measure=p["measure_title"],
                n_units=f.int(p["n_units"]),
                indicator=_indicator(p),
                verdict=verdict_text(p, f),
            )
            for p in section["pooled"]
        ]
        return view
    view["kind"] = "profile"
    view["rows"] = [
        {
            "measure": r["measure_title"],
            "indicator": _indicator(r),
            "since": str(r["since"]) + ("" if r.get("end") is None else f"–{r['end']}"),
            "verdict": verdict_text(r, f),
            "n_comparison": f.int(r["n_comparison"]) if r.get("n_comparison") else f.missing,
        }
        for r in section["rows"]
    ]
    charts = []
    for k, chart in enumerate(section["charts"]):
        entry = _chart(chart, k, section, unit_name, f)
        entry["svg"] = Markup(entry["svg"])
        charts.append(entry)
    view["charts"] = charts
    return view
