"""Words for the numbers: evidence, explanations and data-quality notes, in de and en.

Texts are built column-wise: numpy string operations over all rows at once, no loop over
units. Templates are filled by plain placeholder substitution (``{score}``), never by
``str.format``, so a template from a user's YAML cannot reach into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from mint_index.rules.formatting import Formatter

__all__ = [
    "EVIDENCE_SEPARATOR",
    "evidence",
    "fill",
    "in_place_text",
    "number",
    "quality_note",
]

#: Between the evidence of the rules that ask for one measure (one sentence each).
EVIDENCE_SEPARATOR = " | "
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")

Texts = np.ndarray  # object array of str

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "score": "score",
        "value": "value",
        "peer": "peer median",
        "target": "target",
        "below": "points below",
        "above": "points above",
        "parity": "parity gap",
        "down": "down {x} since {year}",
        "up": "up {x} since {year}",
        "same": "unchanged since {year}",
        "trend": "average change {x} points a year",
        "na": "n/a",
        "of": "of",
    },
    "de": {
        "score": "Punktwert",
        "value": "Wert",
        "peer": "Median der Vergleichsgruppe",
        "target": "Ziel",
        "below": "Punkte darunter",
        "above": "Punkte darüber",
        "parity": "Paritätslücke",
        "down": "seit {year} um {x} gesunken",
        "up": "seit {year} um {x} gestiegen",
        "same": "seit {year} unverändert",
        "trend": "im Mittel {x} Punkte pro Jahr",
        "na": "k. A.",
        "of": "von",
    },
}


def _text(values: np.ndarray | Sequence[str]) -> Texts:
    return np.asarray(values, dtype=object)


def number(
    x: np.ndarray, lang: str, decimals: int = 1, sign: bool = False, trim: bool = False
) -> Texts:
    """Numbers as text, written by :class:`~mint_index.rules.formatting.Formatter`
    (so a recommendation's evidence and the scorecard beside it show a number alike:
    grouped thousands, decimal comma in German, ties away from zero, a real minus sign),
    ``+`` for positive numbers with ``sign``, ``trim``: without trailing zeros, ``n/a``
    for missing.

    Rows repeat values (a unit's score in several rules' evidence), so each distinct
    value is written once and the texts are gathered per row."""
    x = np.asarray(x, dtype=np.float64)
    codes, distinct = pd.factorize(np.where(np.isfinite(x), x, np.nan), use_na_sentinel=True)
    formatter = Formatter(lang)
    words = formatter.nums(distinct.tolist(), decimals, sign)
    if trim and decimals > 0:
        point = formatter.decimal
        words = [w.rstrip("0").rstrip(point) if point in w else w for w in words]
    table = np.asarray([*words, _WORDS[lang]["na"]], dtype=object)  # code -1: missing
    return table[codes] if len(codes) else np.empty(0, dtype=object)


def _rounds_to_zero(written: Texts) -> np.ndarray:
    """Which written numbers show as zero ("0,0", "0.0"): they have no direction."""
    return np.char.strip(np.asarray(written, dtype=str), "0.,") == ""


def _part(condition: np.ndarray, text: Texts | str) -> Texts:
    return _text(np.where(condition, text, ""))


def _join(parts: list[Texts], sep: str) -> Texts:
    """Join the non-empty parts of each row with ``sep``."""
    out = parts[0]
    for part in parts[1:]:
        out = out + _part((out != "") & (part != ""), sep) + part
    return out


def fill(template: str, values: Mapping[str, Texts] | Callable[[str], Texts], n: int) -> Texts:
    """Fill ``{name}`` placeholders of ``template`` for ``n`` rows; ``values`` gives a text
    column per name (a mapping, or a function called once per name used)."""
    get = values.__getitem__ if isinstance(values, Mapping) else values
    out = np.full(n, "", dtype=object)
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        out = out + template[position : match.start()] + _text(get(match.group(1)))
        position = match.end()
    return out + template[position:]


def evidence(
    numbers: Mapping[str, np.ndarray],
    labels: Texts,
    units: Texts,
    previous_year: np.ndarray,
    lang: str,
    unit_first: np.ndarray | None = None,
) -> Texts:
    """One sentence of evidence per row, e.g. "Representation in the municipal council:
    score 21.0 (peer median 48.0, 27.0 points below; target 100.0, 79.0 points below;
    parity gap -0.21); down 5.0 since 2023; average change -1.2 points a year".

    ``numbers`` holds columns of the gaps table; ``previous_year`` is the year the change
    is measured from (any value where there is no change); ``unit_first`` marks rows whose
    unit is read before the number (``Indicator.unit_first``: "Stufe 2", "Verhältnis 0,8");
    their parity gap (a ratio minus 1) is written without it."""
    w = _WORDS[lang]
    n = len(labels)
    first = np.zeros(n, dtype=bool) if unit_first is None else np.asarray(unit_first, dtype=bool)
    score = numbers["score"]
    value, parity = numbers["value"], numbers["parity_gap"]
    peer, target = numbers["gap_peer_median"], numbers["gap_target"]

    def gap_words(gap: np.ndarray) -> Texts:
        shown = np.round(gap, 1)
        return number(np.abs(gap), lang) + " " + _text(np.where(shown >= 0, w["below"], w["above"]))

    inner = [
        _part(
            ~np.isnan(value) & np.isnan(parity),
            w["value"]
            + " "
            + _text(
                np.where(
                    first,
                    units + " " + number(value, lang, 2, trim=True),
                    number(value, lang, 2, trim=True) + " " + units,
                )
            ),
        ),
        _part(
            ~np.isnan(peer), w["peer"] + " " + number(score + peer, lang) + ", " + gap_words(peer)
        ),
        _part(
            ~np.isnan(target),
            w["target"] + " " + number(score + target, lang) + ", " + gap_words(target),
        ),
        _part(  # a unit read first ("Verhältnis") names the value: the gap has none
            ~np.isnan(parity),
            w["parity"] + " " + number(parity, lang, 2, trim=True) + _part(~first, " " + units),
        ),
    ]
    joined = _join(inner, "; ")
    head = labels + ": " + w["score"] + " " + number(score, lang) + " " + w["of"] + " 100"
    head = head + _part(joined != "", " (" + joined + ")")

    change = numbers["change"]
    amounts = number(np.abs(change), lang)
    moves = ~_rounds_to_zero(amounts)
    direction = _text(
        np.where(moves & (change < 0), w["down"], np.where(moves, w["up"], w["same"]))
    )
    years = _text(np.asarray(previous_year).astype(str))
    moved = _text(
        [
            d.replace("{x}", a).replace("{year}", y)
            for d, a, y in zip(direction, amounts, years, strict=True)
        ]
    )
    trend = numbers["trend"]
    tail = _join(
        [
            _part(~np.isnan(change), moved),
            _part(~np.isnan(trend), fill(w["trend"], {"x": number(trend, lang, sign=True)}, n)),
        ],
        "; ",
    )
    return head + _part(tail != "", "; " + tail)


_NOTE: dict[str, dict[str, str]] = {
    "en": {
        "head": "No recommendation on {node} for {year}: ",
        "screened_out": "the unit has too few indicators this year and was left out",
        "missing": "there are no data",
        "missing:missing": "there are no data (empty in the input)",
        "missing:unknown_or_secret": "there are no data (unknown or kept secret)",
        "missing:locked": "there are no data (locked: a figure would not be meaningful)",
        "missing:not_reliable": "there are no data (withheld as not reliable enough)",
        "missing:not_yet_available": "there are no data (not yet available)",
        "missing:not_in_data": "there are no data (not delivered)",
        "missing:zero_denominator": "there is no value (the denominator is zero)",
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
        "missing:missing": "es liegen keine Daten vor (in den Eingangsdaten leer)",
        "missing:unknown_or_secret": "es liegen keine Daten vor (unbekannt oder geheim)",
        "missing:locked": "es liegen keine Daten vor (gesperrt, weil eine Aussage nicht "
        "sinnvoll ist)",
        "missing:not_reliable": "es liegen keine Daten vor (nicht sicher genug und daher "
        "nicht angegeben)",
        "missing:not_yet_available": "es liegen keine Daten vor (noch nicht verfügbar)",
        "missing:not_in_data": "es liegen keine Daten vor (nicht geliefert)",
        "missing:zero_denominator": "es gibt keinen Wert (der Nenner ist null)",
        "unreliable": "der Wert beruht auf zu wenigen Fällen, um verlässlich zu sein",
        "imputed": "der Wert wurde geschätzt (imputiert), nicht gemessen",
        "sparse": "{poor} von {total} Indikatoren fehlen, sind geschätzt oder unsicher",
        "tail": ". Bitte zuerst die Daten vervollständigen oder prüfen.",
    },
}


def quality_note(
    labels: Texts,
    years: np.ndarray,
    reasons: np.ndarray,
    poor: np.ndarray,
    total: np.ndarray,
    lang: str,
) -> Texts:
    """Why a unit gets no recommendation on a node: one sentence per row. ``reasons`` are
    :data:`~mint_index.recommendations.quality.REASONS`, ``missing`` optionally qualified by why
    the value is missing (``missing:locked``)."""
    w = _NOTE[lang]
    n = len(labels)
    head = fill(w["head"], {"node": labels, "year": _text(np.asarray(years).astype(str))}, n)
    out = head
    for reason in np.unique(np.asarray(reasons, dtype=str)):
        if reason not in w:
            continue
        rows = np.asarray(reasons, dtype=str) == reason
        text = fill(
            w[reason],
            {
                "poor": _text(np.asarray(poor).astype(str)),
                "total": _text(np.asarray(total).astype(str)),
            },
            n,
        )
        out = np.where(rows, out + text, out)
    return _text(out) + w["tail"]


_IN_PLACE: dict[str, dict[str, str]] = {
    "en": {
        "working": "in place since {since}; an effect is visible ({indicators})",
        "review": "in place since {since}; no effect visible yet ({indicators}), worth a review",
        "wait": "in place since {since}; an effect is not expected before {due}",
        "unknown": "in place since {since}; its effect cannot be estimated yet (too few "
        "years of data or comparable municipalities)",
        "not_estimated": "in place since {since} (shown by a yes/no indicator); its effect "
        "is estimated once it is in the measures register",
    },
    "de": {
        "working": "seit {since} vorhanden; Wirkung sichtbar ({indicators})",
        "review": "seit {since} vorhanden; Wirkung noch nicht sichtbar ({indicators}), "
        "zur Überprüfung",
        "wait": "seit {since} vorhanden; eine Wirkung ist nicht vor {due} zu erwarten",
        "unknown": "seit {since} vorhanden; Wirkung noch nicht schätzbar (zu wenige Jahre "
        "mit Daten oder vergleichbare Kommunen)",
        "not_estimated": "seit {since} vorhanden (laut Ja/Nein-Indikator); die Wirkung wird "
        "geschätzt, sobald die Maßnahme im Maßnahmenregister steht",
    },
}


def in_place_text(
    since: np.ndarray, due: np.ndarray, indicators: np.ndarray, review: np.ndarray, lang: str
) -> Texts:
    """How a measure in place is doing, one sentence per row: ``review`` is the verdict of
    :func:`~mint_index.effect_monitoring.measure_review` (working, review, wait, unknown)
    or ``not_estimated`` (known only from a yes/no indicator), ``indicators`` the names of
    the indicators that decided it."""
    review = np.asarray(review, dtype=object)
    n = len(review)
    values = {
        "since": _text(np.asarray(since).astype(np.int64).astype(str)),
        "due": _text(np.asarray(due).astype(np.int64).astype(str)),
        "indicators": _text(np.asarray(indicators, dtype=object)),
    }
    out = np.full(n, "", dtype=object)
    for name, template in _IN_PLACE[lang].items():
        rows = review == name
        if rows.any():
            out = np.where(rows, fill(template, values, n), out)
    return _text(out)
