"""Words for the numbers: evidence, explanations and data-quality notes, in de and en.

Texts are built column-wise (pandas string operations over all recommendations of a rule
at once). Templates are filled by plain placeholder substitution (``{score}``), never by
``str.format``, so a template from a user's YAML cannot reach into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["LANGS", "evidence", "fill", "number", "quality_note"]

LANGS = ("de", "en")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "score": "score",
        "value": "value",
        "peer": "peer median",
        "best": "best in peer group",
        "target": "target",
        "below": "points below",
        "above": "points above",
        "parity": "parity gap",
        "down": "down {x} since {year}",
        "up": "up {x} since {year}",
        "same": "unchanged since {year}",
        "trend": "average change {x} points a year",
        "na": "n/a",
    },
    "de": {
        "score": "Punktwert",
        "value": "Wert",
        "peer": "Median der Vergleichsgruppe",
        "best": "Bestwert der Vergleichsgruppe",
        "target": "Ziel",
        "below": "Punkte darunter",
        "above": "Punkte darüber",
        "parity": "Paritätslücke",
        "down": "seit {year} um {x} gesunken",
        "up": "seit {year} um {x} gestiegen",
        "same": "seit {year} unverändert",
        "trend": "im Mittel {x} Punkte pro Jahr",
        "na": "k. A.",
    },
}


def number(
    x: np.ndarray | pd.Series, lang: str, decimals: int = 1, sign: bool = False
) -> pd.Series:
    """Numbers as text: fixed decimals, decimal comma in German, ``n/a`` for missing."""
    values = np.round(np.asarray(x, dtype=np.float64), decimals) + 0.0  # no "-0.0"
    text = pd.Series([f"{v:{'+' if sign else ''}.{decimals}f}" for v in values], dtype=object)
    if lang == "de":
        text = text.str.replace(".", ",", regex=False)
    return text.where(~np.isnan(values), _WORDS[lang]["na"])


def _part(condition: np.ndarray, text: pd.Series) -> pd.Series:
    return text.where(condition, "")


def evidence(numbers: pd.DataFrame, labels: pd.Series, units: pd.Series, lang: str) -> pd.Series:
    """One sentence of evidence per row of ``numbers`` (columns of the gaps table plus
    ``previous_year``), e.g. "Representation in the municipal council: score 21.0 (value
    0.52 ratio; peer median 48.0, 27.0 points below; target 100.0, 79.0 points below);
    down 5.0 since 2023"."""
    w = _WORDS[lang]
    n = numbers.reset_index(drop=True)
    sep = "; "
    score = n["score"].to_numpy(dtype=np.float64)

    def gap_words(gap: pd.Series) -> pd.Series:
        g = np.round(gap.to_numpy(dtype=np.float64), 1)
        side = np.where(g >= 0, w["below"], w["above"])
        return number(np.abs(g), lang) + " " + pd.Series(side, dtype=object)

    value = n["value"].to_numpy(dtype=np.float64)
    peer = n["gap_peer_median"].to_numpy(dtype=np.float64)
    target = n["gap_target"].to_numpy(dtype=np.float64)
    parity = n["parity_gap"].to_numpy(dtype=np.float64)
    value_units = units.reset_index(drop=True).astype(object)
    inner = [
        _part(~np.isnan(value) & np.isnan(parity),
              w["value"] + " " + number(value, lang, 2) + " " + value_units),
        _part(~np.isnan(peer), w["peer"] + " " + number(score + peer, lang) + ", "
              + gap_words(n["gap_peer_median"])),
        _part(~np.isnan(target), w["target"] + " " + number(score + target, lang) + ", "
              + gap_words(n["gap_target"])),
        _part(~np.isnan(parity), w["parity"] + " " + number(parity, lang, 2) + " " + value_units),
    ]
    joined = _join(inner, sep)
    text = labels.reset_index(drop=True).astype(object) + ": " + w["score"] + " " + number(
        score, lang
    ) + _part(joined != "", " (" + joined + ")")

    change = np.round(n["change"].to_numpy(dtype=np.float64), 1)  # as printed
    year = n["previous_year"].astype(object).where(n["previous_year"].notna(), "").astype(str)
    direction = np.where(change < 0, w["down"], np.where(change > 0, w["up"], w["same"]))
    moved = fill_each(pd.Series(direction, dtype=object),
                      {"x": number(np.abs(change), lang), "year": year})
    trend = n["trend"].to_numpy(dtype=np.float64)
    tail = [
        _part(~np.isnan(change), moved),
        _part(~np.isnan(trend), fill(w["trend"], {"x": number(trend, lang, sign=True)}, len(n))),
    ]
    rest = _join(tail, sep)
    return text + _part(rest != "", sep + rest)


def _join(parts: list[pd.Series], sep: str) -> pd.Series:
    """Join the non-empty parts of each row with ``sep``."""
    out = parts[0].copy()
    for part in parts[1:]:
        both = (out != "") & (part != "")
        out = out + _part(both.to_numpy(), pd.Series(sep, index=out.index, dtype=object)) + part
    return out


def fill(template: str, values: Mapping[str, pd.Series], n_rows: int) -> pd.Series:
    """Fill ``{name}`` placeholders of ``template`` from text columns, for every row."""
    out = pd.Series("", index=range(n_rows), dtype=object)
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        out = out + template[position : match.start()]
        out = out + values[match.group(1)].reset_index(drop=True).astype(object)
        position = match.end()
    return out + template[position:]


_NOTE: dict[str, dict[str, str]] = {
    "en": {
        "head": "No recommendation on {node} for {year}: ",
        "screened_out": "the unit has too few indicators this year and was left out",
        "missing": "there are no data",
        "unreliable": "the value rests on too few cases to be reliable",
        "imputed": "the value was estimated (imputed), not measured",
        "sparse": "{poor} of {total} indicators are missing, estimated or unreliable",
        "tail": ". Complete or check the data first.",
    },
    "de": {
        "head": "Keine Empfehlung zu {node} für {year}: ",
        "screened_out": "die Kommune hat in diesem Jahr zu wenige Indikatoren und wurde "
        "nicht bewertet",
        "missing": "es liegen keine Daten vor",
        "unreliable": "der Wert beruht auf zu wenigen Fällen, um verlässlich zu sein",
        "imputed": "der Wert wurde geschätzt (imputiert), nicht gemessen",
        "sparse": "{poor} von {total} Indikatoren fehlen, sind geschätzt oder unsicher",
        "tail": ". Bitte zuerst die Daten vervollständigen oder prüfen.",
    },
}


def quality_note(
    labels: pd.Series,
    years: pd.Series,
    reasons: pd.Series,
    poor: pd.Series,
    total: pd.Series,
    lang: str,
) -> pd.Series:
    """Why a unit gets no recommendation on a node: one sentence per row."""
    w = _NOTE[lang]
    head = fill(w["head"], {"node": labels, "year": years.astype(str)}, len(labels))
    reason = pd.Series([w.get(r, r) for r in reasons.astype(str)], dtype=object)
    reason = fill_each(reason, {"poor": poor.astype(str), "total": total.astype(str)})
    return head + reason + w["tail"]


def fill_each(templates: pd.Series, values: Mapping[str, pd.Series]) -> pd.Series:
    """Like :func:`fill` where every row has its own template (a handful of distinct ones)."""
    out = templates.reset_index(drop=True).astype(object)
    for name, column in values.items():
        column = column.reset_index(drop=True).astype(object)
        out = pd.Series(
            [t.replace("{" + name + "}", c) for t, c in zip(out, column, strict=True)], dtype=object
        )
    return out
