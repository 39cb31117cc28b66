"""Words and report data for estimated effects, in German and English.

The wording never claims more than the data carry: an interval that includes zero reads
"no effect visible yet" ("noch keine Wirkung sichtbar"), never "no effect"; a measure too
young to judge says so. :func:`effects_context` gives a report everything its "Effect of
measures" section shows as plain data (rows, pooled rows, the explanation of the
comparison and the series of a before/after chart); templates only render it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.effect_monitoring.did import MIN_BASELINE_YEARS, comparison_paths
from mint_index.effect_monitoring.estimate import ONE_ADOPTER, ROLES, STATUSES, roles_of
from mint_index.recommendations.texts import fill, number
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.rules import RuleSet

__all__ = [
    "TEXTS",
    "VERDICTS",
    "effect_decimals",
    "effect_summary",
    "effect_verdicts",
    "effects_context",
    "wordings",
    "year_words",
]

#: What a row says: an estimate's direction from its interval, else its status.
VERDICTS = ("rose", "fell", "not_visible_yet", *STATUSES[1:], ONE_ADOPTER)

#: Every text of this module, per language (placeholders in braces).
TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Wirkung der Maßnahmen",
        "year_one": "Jahr",
        "year_many": "Jahre",
        "rose": "gestiegen um {size} ({level}-%-Intervall {low} bis {high})",
        "fell": "gesunken um {size} ({level}-%-Intervall {low} bis {high})",
        "not_visible_yet": (
            "noch keine Wirkung sichtbar (Schätzung {effect}, {level}-%-Intervall {low} bis {high})"
        ),
        "too_early": (
            "zu früh für eine Aussage: Daten für {years_after} {years_word} nach dem ersten Jahr"
        ),
        "not_yet_observed": (
            "zu früh für eine Aussage: Beginn {since}, nach dem letzten Jahr mit Daten"
        ),
        "no_data_since": "keine Schätzung: keine Daten seit Beginn",
        "ended_early": (
            "keine Schätzung: {since} bis {end} in Kraft, kürzer als eine Wirkung braucht"
        ),
        "no_baseline": "keine Schätzung: weniger als zwei Jahre mit Daten vor Beginn",
        "no_comparison": "keine Schätzung: zu wenige vergleichbare Kommunen ohne die Maßnahme",
        "one_adopter": "keine gemeinsame Schätzung: nur eine Kommune mit Schätzung",
        "pooled": "{measure} in {n_units} Kommunen, {indicator}: {verdict}",
        "pooled_one": "{measure} in einer Kommune, {indicator}: {verdict}",
        "explanation": (
            "Verglichen wird, wie sich ein Indikator in einer Kommune seit Beginn einer "
            "Maßnahme verändert hat, mit der Veränderung im selben Zeitraum in vergleichbaren "
            "Kommunen derselben Größenklasse, die die Maßnahme (noch) nicht hatten. Das "
            "Intervall zeigt, wie groß der Unterschied allein durch die üblichen Schwankungen "
            "sein kann; schließt es null ein, ist noch keine Wirkung sichtbar, was nicht "
            "heißt, dass es keine gibt."
        ),
        "explanation_outputs": (
            "Zählt ein Indikator, was die Maßnahme selbst leistet (etwa Veranstaltungen oder "
            "geschulte Personen), zeigt seine Veränderung, ob sie umgesetzt wird, nicht, was "
            "sie bewirkt."
        ),
        "change_not_visible_yet": (
            "noch keine Veränderung sichtbar (Schätzung {effect}, {level}-%-Intervall {low} "
            "bis {high})"
        ),
        "output_note": "Leistung der Maßnahme, nicht ihre Wirkung",
        "unit_series": "Kommune",
        "comparison_series": "Vergleichsgruppe (Mittel)",
        "counterfactual_series": "Kommune, wenn sie sich wie die Vergleichsgruppe entwickelt hätte",
    },
    "en": {
        "title": "Effect of measures",
        "rose": "rose by {size} ({level}% interval {low} to {high})",
        "fell": "fell by {size} ({level}% interval {low} to {high})",
        "not_visible_yet": (
            "no effect visible yet (estimate {effect}, {level}% interval {low} to {high})"
        ),
        "too_early": (
            "too early to tell: data for {years_after} {years_word} after its first year"
        ),
        "year_one": "year",
        "year_many": "years",
        "not_yet_observed": "too early to tell: began in {since}, after the last year with data",
        "no_data_since": "no estimate: no data since it began",
        "ended_early": (
            "no estimate: in place {since} to {end}, shorter than an effect needs to show"
        ),
        "no_baseline": "no estimate: fewer than two years of data before it began",
        "no_comparison": "no estimate: too few comparable municipalities without the measure",
        "one_adopter": "no pooled estimate: only one municipality has an estimate",
        "pooled": "{measure} in {n_units} municipalities, {indicator}: {verdict}",
        "pooled_one": "{measure} in one municipality, {indicator}: {verdict}",
        "explanation": (
            "The change in an indicator since a municipality began a measure is compared with "
            "the change over the same years in comparable municipalities of the same size "
            "class that did not (yet) have the measure. The interval shows how large the "
            "difference can be from the usual ups and downs alone; if it includes zero, no "
            "effect is visible yet, which does not mean there is none."
        ),
        "explanation_outputs": (
            "Where an indicator counts what the measure itself provides (events held, people "
            "trained), its change shows whether the measure is carried out, not what it "
            "achieves."
        ),
        "change_not_visible_yet": (
            "no change visible yet (estimate {effect}, {level}% interval {low} to {high})"
        ),
        "output_note": "what the measure provides, not its effect",
        "unit_series": "Municipality",
        "comparison_series": "Comparison group (mean)",
        "counterfactual_series": "Municipality had it moved like its comparison group",
    },
}


def wordings(verdicts: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """The :data:`TEXTS` key each verdict is written with: its own, except that an
    output's estimate whose interval includes zero reads "no change visible yet" - what
    the measure provides is no effect, so "no effect visible yet" would say too much."""
    hidden = (np.asarray(verdicts, dtype=object) == "not_visible_yet") & (
        np.asarray(roles, dtype=object) == ROLES[1]
    )
    return np.where(hidden, "change_not_visible_yet", verdicts).astype(object)


def effect_verdicts(effects_df: pd.DataFrame) -> np.ndarray:
    """One of :data:`VERDICTS` per row: ``rose``/``fell`` when the interval excludes zero,
    ``not_visible_yet`` when it includes it, else the row's status."""
    status = effects_df["status"].to_numpy(object)
    low = effects_df["low"].to_numpy(float)
    high = effects_df["high"].to_numpy(float)
    estimated = status == "estimated"
    verdict = np.where(estimated, "not_visible_yet", status).astype(object)
    verdict[estimated & (low > 0)] = "rose"
    verdict[estimated & (high < 0)] = "fell"
    return verdict


#: The most decimals a number of a verdict gets: below a millionth it reads as zero.
MAX_DECIMALS = 6


def effect_decimals(values: np.ndarray | float, scale: np.ndarray | float) -> np.ndarray:
    """How many decimals each number of a verdict is written with: two where its row's
    largest number (``scale``) is below 10, else one - and as many as its first
    significant digit needs (up to :data:`MAX_DECIMALS`), so an interval's end just above
    zero next to "rose" reads ``0,004``, never ``0,00``. The one rule for every writer of
    verdicts (:func:`effect_summary`, the report's ``effects_view``)."""
    x = np.abs(np.asarray(values, dtype=np.float64))
    base = np.where(np.asarray(scale, dtype=np.float64) < 10, 2, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = -np.floor(np.log10(x))  # decimals up to the first significant digit
    first = np.where(np.isfinite(first), first, 0)
    return np.clip(np.maximum(base, first), 0, MAX_DECIMALS).astype(np.int64)


def _numbers(x: np.ndarray, lang: str, sign: bool, scale: np.ndarray) -> np.ndarray:
    """Numbers with the decimals of :func:`effect_decimals`."""
    decimals = effect_decimals(x, scale)
    out = np.empty(len(x), dtype=object)
    for d in np.unique(decimals).tolist():
        rows = decimals == d
        out[rows] = number(x[rows], lang, d, sign=sign)
    return out


def _years_text(effects_df: pd.DataFrame, column: str) -> np.ndarray:
    """A column of whole years as text, ``?`` where there is none (or no column)."""
    if column not in effects_df.columns:
        return np.full(len(effects_df), "?", dtype=object)
    years = effects_df[column].astype("Int64").astype("string")
    return years.fillna("?").to_numpy(object)


def year_words(years: np.ndarray, lang: str) -> np.ndarray:
    """The noun after a count of years written as text: ``year`` / ``Jahr`` after ``1``,
    else ``years`` / ``Jahre`` - never "year(s)". For every writer of verdicts."""
    words = TEXTS[lang]
    one = np.asarray(years, dtype=object) == "1"
    return np.where(one, words["year_one"], words["year_many"]).astype(object)


def effect_summary(effects_df: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.Series:
    """What each row of :func:`mint_index.effects` says, in ``lang`` (``de`` or ``en``):
    e.g. "rose by 0.69 (90% interval 0.34 to 0.97)" or "no effect visible yet (estimate
    +0.08, 90% interval −0.30 to 0.42)". A Series aligned with ``effects_df``."""
    check_language(lang)
    words = TEXTS[lang]
    effect = effects_df["effect"].to_numpy(float)
    low = effects_df["low"].to_numpy(float)
    high = effects_df["high"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        scale = np.fmax(np.fmax(np.abs(effect), np.abs(low)), np.abs(high))
    scale = np.where(np.isfinite(scale), scale, 1.0)
    level = np.rint(effects_df["level"].to_numpy(float) * 100).astype(np.int64).astype(str)
    values = {
        "effect": _numbers(effect, lang, True, scale),
        "size": _numbers(np.abs(effect), lang, False, scale),
        "low": _numbers(low, lang, False, scale),
        "high": _numbers(high, lang, False, scale),
        "level": level.astype(object),
        **{column: _years_text(effects_df, column) for column in ("years_after", "since", "end")},
    }
    values["years_word"] = year_words(values["years_after"], lang)
    verdict = wordings(effect_verdicts(effects_df), roles_of(effects_df))
    out = np.empty(len(effects_df), dtype=object)
    for code in (*VERDICTS, "change_not_visible_yet"):
        rows = verdict == code
        if rows.any():
            out[rows] = fill(words[code], {k: v[rows] for k, v in values.items()}, int(rows.sum()))
    return pd.Series(out, index=effects_df.index, name="summary", dtype=object)


def effects_context(
    res: Results,
    effects_df: pd.DataFrame,
    lang: str = DEFAULT_LANGUAGE,
    *,
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    """Everything an "Effect of measures" report section shows, as plain data.

    ``{"title", "explanation" (two sentences on the comparison and its interval, and a third
    on what an output row shows where the table has one), "level", "units" (unit id ->
    rows), "pooled" (rows), "charts" (unit id -> before/after series)}``. A row is a dict of
    the effects table's columns plus ``unit_name``, ``measure_title``, ``indicator_name``,
    ``role_note`` (what an output row's indicator is, "" for an outcome), ``verdict`` and
    ``summary``; a pooled row also has ``n_named`` (the units its sentence speaks of: those
    pooled, or with no pooled estimate every unit with the measure) and ``sentence``
    ("Barrier analysis in 11 municipalities, volunteers: rose by ..."). A chart holds
    ``years`` and three series: the unit's values, its comparison group's path and the
    counterfactual (the unit's baseline plus the comparison's mean change - the estimator's
    own comparison, so the unit minus it, averaged over the window, is the row's effect),
    for every unit row with a number on an indicator's own scale; ``decimals`` and
    ``mean_decimals`` say how many decimals the unit's values and the two paths are written
    with (the indicator's :meth:`~mint_index.framework.model.Indicator.value_decimals`; a
    mean of whole values, like a median, keeps one).
    """
    check_language(lang)
    if rules is None:
        from mint_index.recommendations.rules import load_rules

        rules = load_rules()
    words = TEXTS[lang]
    table = effects_df.copy()
    table["verdict"] = effect_verdicts(table)
    table["summary"] = effect_summary(table, lang)
    names = res.units["name"] if "name" in res.units.columns else pd.Series(dtype=object)
    table["unit_name"] = table["unit"].map(names).where(table["unit"].notna(), None)
    table["unit_name"] = table["unit_name"].fillna(table["unit"])
    table["measure_title"] = [rules.actions[m].title.get(lang) for m in table["measure"]]
    table["indicator_name"] = [res.framework.label(n, lang) for n in table["indicator"]]
    output = roles_of(table) == ROLES[1]
    table["role_note"] = np.where(output, words["output_note"], "").astype(object)

    unit_rows = table[table["kind"] == "unit"]
    pooled = table[table["kind"] == "pooled"].copy()
    # the units a pooled sentence speaks of: those pooled, or with no pooled estimate
    # every unit with the measure in the register
    adopters = unit_rows.groupby("measure")["unit"].nunique()
    pooled["n_named"] = np.where(
        pooled["status"] == "estimated",
        pooled["n_units"],
        pooled["measure"].map(adopters).fillna(0).astype(np.int64),
    ).astype(np.int64)
    pooled["sentence"] = ""
    for key, one in (("pooled", False), ("pooled_one", True)):
        rows = (pooled["n_named"] == 1).to_numpy() == one
        pooled.loc[rows, "sentence"] = fill(
            words[key],
            {
                "measure": pooled.loc[rows, "measure_title"].to_numpy(object),
                "n_units": pooled.loc[rows, "n_named"].astype(str).to_numpy(object),
                "indicator": _noted(
                    pooled.loc[rows, "indicator_name"].to_numpy(object),
                    pooled.loc[rows, "role_note"].to_numpy(object),
                ),
                "verdict": pooled.loc[rows, "summary"].to_numpy(object),
            },
            int(rows.sum()),
        )
    units: dict[str, list[dict[str, Any]]] = {}
    for unit, rows in unit_rows.groupby("unit", sort=True):
        units[str(unit)] = _records(rows)
    return {
        "title": words["title"],
        # the sentence on outputs where the table has some
        "explanation": " ".join(
            [words["explanation"], *([words["explanation_outputs"]] if output.any() else [])]
        ),
        "level": float(table["level"].iloc[0]) if len(table) else None,
        "series_labels": {
            "unit": words["unit_series"],
            "comparison": words["comparison_series"],
            "counterfactual": words["counterfactual_series"],
        },
        "units": units,
        "pooled": _records(pooled),
        "charts": _charts(
            res, unit_rows, int(effects_df.attrs.get("min_baseline", MIN_BASELINE_YEARS))
        ),
    }


def _noted(names: np.ndarray, notes: np.ndarray) -> np.ndarray:
    """Indicator names with their role note in brackets, where they have one."""
    bracketed = np.array([f"{n} ({note})" for n, note in zip(names, notes, strict=True)])
    return np.where(notes != "", bracketed, names).astype(object)


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: NaN/NA -> None, numpy numbers -> Python numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def _charts(
    res: Results, unit_rows: pd.DataFrame, min_baseline: int
) -> dict[str, list[dict[str, Any]]]:
    """Before/after series per unit row with a number: one array pass per measure, with
    the comparison the estimate used (``min_baseline`` as :func:`mint_index.effects` was
    given it, kept in the table's ``attrs``)."""
    from mint_index.effect_monitoring.estimate import peer_codes

    shown = unit_rows[unit_rows["effect"].notna() | unit_rows["effect_score"].notna()]
    if shown.empty:
        return {}
    years = np.asarray(res.years, dtype=np.int64)
    fw = res.framework
    unit_pos = pd.Index(res.unit_ids)
    own_col = {n: i for i, n in enumerate(res.indicator_ids)}
    derived = res.cube("derived")
    peers = peer_codes(res)
    adopters_all = unit_rows.drop_duplicates(["unit", "measure"])
    charts: dict[str, list[dict[str, Any]]] = {}
    for measure, rows in shown.groupby("measure", sort=True):
        register = adopters_all[adopters_all["measure"] == measure]
        nodes = [n for n in dict.fromkeys(rows["indicator"]) if n in own_col]
        if not nodes:
            continue
        values = derived[:, :, [own_col[n] for n in nodes]]
        mean, counterfactual = comparison_paths(
            values,
            years,
            peers,
            unit_pos.get_indexer(register["unit"]),
            register["since"].to_numpy(np.int64),
            register["end"].to_numpy(float, na_value=np.nan),
            min_baseline=min_baseline,
        )
        a = pd.Index(register["unit"]).get_indexer(rows["unit"])
        k = pd.Index(nodes).get_indexer(rows["indicator"])
        u = unit_pos.get_indexer(rows["unit"])
        since = rows["since"].to_numpy(np.int64)
        for j, rec in enumerate(rows.itertuples(index=False)):
            if k[j] < 0:
                continue
            indicator = fw.indicator(str(rec.indicator))
            charts.setdefault(str(rec.unit), []).append(
                {
                    "measure": rec.measure,
                    "indicator": rec.indicator,
                    "since": int(since[j]),
                    "decimals": indicator.value_decimals(),
                    "mean_decimals": indicator.value_decimals(median=True),
                    "years": years.tolist(),
                    "unit": [_plain(v) for v in values[:, u[j], k[j]]],
                    "comparison": [_plain(v) for v in mean[:, a[j], k[j]]],
                    "counterfactual": [_plain(v) for v in counterfactual[:, a[j], k[j]]],
                }
            )
    return charts
