"""Words for the numbers: evidence, explanations and data-quality notes, in de and en.

Texts are built column-wise, no loop over units: each number is written once per distinct
value, and a sentence is one ``%`` format per row over its prepared columns, rows grouped
by which parts they have (a chain of numpy string additions would make a new string per
part and row). Templates are filled by plain placeholder substitution (``{score}``), never
by ``str.format``, so a template from a user's YAML cannot reach into Python objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from mint_index.rules.formatting import Formatter, value_decimals

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


def number(x: np.ndarray, lang: str, decimals: int | np.ndarray = 1, sign: bool = False) -> Texts:
    """Numbers as text, written by :class:`~mint_index.rules.formatting.Formatter`
    (so a recommendation's evidence and the scorecard beside it show a number alike:
    grouped thousands, decimal comma in German, ties away from zero, a real minus sign),
    ``+`` for positive numbers with ``sign``, ``n/a`` for missing. ``decimals``: one for
    all, or each row's (an indicator's value takes its own,
    :func:`~mint_index.rules.formatting.value_decimals`).

    Rows repeat values (a unit's score in several rules' evidence), so each distinct
    value is written once and the texts are gathered per row."""
    x = np.asarray(x, dtype=np.float64)
    if np.ndim(decimals):
        digits = np.broadcast_to(np.asarray(decimals, dtype=np.intp), x.shape)
        out = np.empty(len(x), dtype=object)
        for d in np.unique(digits).tolist():
            rows = digits == d
            out[rows] = number(x[rows], lang, d, sign)
        return out
    codes, distinct = pd.factorize(np.where(np.isfinite(x), x, np.nan), use_na_sentinel=True)
    words = Formatter(lang).nums(distinct.tolist(), int(decimals), sign)
    table = np.asarray([*words, _WORDS[lang]["na"]], dtype=object)  # code -1: missing
    return table[codes] if len(codes) else np.empty(0, dtype=object)


def _rounds_to_zero(written: Texts) -> np.ndarray:
    """Which written numbers show as zero ("0,0", "0.0"): they have no direction."""
    return np.char.strip(np.asarray(written, dtype=str), "0.,") == ""


@lru_cache(maxsize=256)
def _percent_format(template: str) -> tuple[str, tuple[str, ...]]:
    """``template`` as a ``%`` format (its own ``%`` doubled, each ``{name}`` as ``%s``)
    and the names of its placeholders in order."""
    pieces, names, position = [], [], 0
    for match in _PLACEHOLDER.finditer(template):
        pieces += [template[position : match.start()].replace("%", "%%"), "%s"]
        names.append(match.group(1))
        position = match.end()
    return "".join([*pieces, template[position:].replace("%", "%%")]), tuple(names)


def _literal(text: str) -> str:
    return text.replace("%", "%%")


def _formatted(fmt: str, columns: Sequence[Texts], n: int) -> Texts:
    """``fmt % (row's value of each column)`` for each of ``n`` rows: one C-level ``%``
    a row, no intermediate strings."""
    out = np.empty(n, dtype=object)
    if columns:
        out[:] = list(map(fmt.__mod__, zip(*(c.tolist() for c in columns), strict=True)))
    else:
        out[:] = fmt % ()
    return out


def fill(template: str, values: Mapping[str, Texts] | Callable[[str], Texts], n: int) -> Texts:
    """Fill ``{name}`` placeholders of ``template`` for ``n`` rows; ``values`` gives a text
    column per name (a mapping, or a function called once per name used)."""
    get = values.__getitem__ if isinstance(values, Mapping) else values
    fmt, names = _percent_format(template)
    columns = {name: np.broadcast_to(_text(get(name)), (n,)) for name in dict.fromkeys(names)}
    return _formatted(fmt, [columns[name] for name in names], n)


# the parts of a sentence of evidence a row has (bits of its shape)
_VALUE, _PEER, _TARGET, _PARITY, _TREND = 1, 2, 4, 8, 16
_SAME, _DOWN, _UP = 32, 64, 96  # how the change reads (none: 0)


def evidence(
    numbers: Mapping[str, np.ndarray],
    labels: Texts,
    units: Texts,
    previous_year: np.ndarray,
    lang: str,
    unit_first: np.ndarray | None = None,
    decimals: np.ndarray | None = None,
) -> Texts:
    """One sentence of evidence per row, e.g. "Representation in the municipal council:
    score 21.0 (peer median 48.0, 27.0 points below; target 100.0, 79.0 points below;
    parity gap -0.21); down 5.0 since 2023; average change -1.2 points a year".

    ``numbers`` holds columns of the gaps table; ``previous_year`` is the year the change
    is measured from (any value where there is no change); ``unit_first`` marks rows whose
    unit is read before the number (``Indicator.unit_first``: "Stufe 2", "Verhältnis 0,8");
    their parity gap (a ratio minus 1) is written without it. ``decimals``: each row's
    decimals of the value and parity gap (its indicator's,
    :func:`~mint_index.rules.formatting.value_decimals`; default: that rule's default).
    Values and parity gaps take their units as the scorecard's do
    (:meth:`~mint_index.rules.formatting.Formatter.with_units`).

    Rows are grouped by their shape (which parts they have, which way the change goes);
    each shape is one ``%`` format over the written numbers."""
    w = _WORDS[lang]
    n = len(labels)
    first = np.zeros(n, dtype=bool) if unit_first is None else np.asarray(unit_first, dtype=bool)
    digits = value_decimals() if decimals is None else np.asarray(decimals, dtype=np.intp)
    value, parity = numbers["value"], numbers["parity_gap"]
    peer, target = numbers["gap_peer_median"], numbers["gap_target"]
    change, trend = numbers["change"], numbers["trend"]
    amounts = number(np.abs(change), lang)
    moves = ~_rounds_to_zero(amounts)
    turn = np.where(moves & (change < 0), _DOWN, np.where(moves, _UP, _SAME))
    shape = (
        (~np.isnan(value) & np.isnan(parity)) * _VALUE
        + ~np.isnan(peer) * _PEER
        + ~np.isnan(target) * _TARGET
        + ~np.isnan(parity) * _PARITY
        + ~np.isnan(trend) * _TREND
        + np.where(np.isnan(change), 0, turn)
    )
    columns: dict[str, Texts | None] = {"label": _text(labels)}
    columns |= dict.fromkeys(("score", "value", "peer", "target", "parity", "trend"))
    columns |= dict.fromkeys(("peer_gap", "target_gap"))
    columns |= {"x": amounts, "year": _text(np.asarray(previous_year).astype(str))}
    named = [u if isinstance(u, str) else "" for u in np.asarray(units, dtype=object).tolist()]
    # a unit read first names the value ("Verhältnis 0,8"): the gap of a ratio has none
    gap_units = ["" if f else u for u, f in zip(named, first.tolist(), strict=True)]
    unit_of = {"value": named, "parity": gap_units}

    def column(name: str) -> Texts:
        """A column of written numbers, written when a shape first needs it."""
        if columns[name] is None:
            written = _evidence_numbers(name, numbers, lang, digits)
            if name in unit_of:
                firsts = first.tolist() if name == "value" else [False] * n
                written = _text(Formatter(lang).with_units(written.tolist(), unit_of[name], firsts))
            columns[name] = written
        return columns[name]  # type: ignore[return-value]

    def gap(gap: np.ndarray) -> Texts:
        return _text(np.where(np.round(gap, 1) >= 0, w["below"], w["above"]))

    words = {"peer_word": gap(peer), "target_word": gap(target)}
    out = np.empty(n, dtype=object)
    order = np.argsort(shape, kind="stable")
    cuts = np.flatnonzero(np.diff(shape[order])) + 1
    for rows in np.split(order, cuts) if n else []:
        fmt, names = _evidence_format(int(shape[rows[0]]), lang)
        out[rows] = _formatted(
            fmt,
            [(words[k] if k in words else column(k))[rows] for k in names],
            len(rows),
        )
    return out


#: The gap a score is summed with to give the score at the peer median or the target.
_REACHED = {"peer": "gap_peer_median", "target": "gap_target"}


def _evidence_numbers(
    name: str, numbers: Mapping[str, np.ndarray], lang: str, decimals: np.ndarray | int
) -> Texts:
    """A column of written numbers of an evidence sentence: ``peer`` and ``target`` the
    scores at the peer median and the target, ``peer_gap`` and ``target_gap`` the sizes
    of the gaps to them, values and parity gaps with their indicator's ``decimals``,
    parity gaps and trends signed."""
    if name in _REACHED:
        return number(numbers["score"] + numbers[_REACHED[name]], lang)
    if name.endswith("_gap"):
        return number(np.abs(numbers[_REACHED[name.removesuffix("_gap")]]), lang)
    if name == "value":
        return number(numbers["value"], lang, decimals)
    if name == "parity":  # signed, as the scorecard writes it beside the evidence
        return number(numbers["parity_gap"], lang, decimals, sign=True)
    if name == "trend":
        return number(numbers["trend"], lang, sign=True)
    return number(numbers[name], lang)


@lru_cache(maxsize=512)
def _evidence_format(shape: int, lang: str) -> tuple[str, tuple[str, ...]]:
    """The ``%`` format of an evidence sentence of ``shape`` and the columns it takes."""
    w = {k: _literal(v) for k, v in _WORDS[lang].items()}
    inner: list[tuple[str, tuple[str, ...]]] = []
    if shape & _VALUE:
        inner.append((w["value"] + " %s", ("value",)))
    if shape & _PEER:
        inner.append((w["peer"] + " %s, %s %s", ("peer", "peer_gap", "peer_word")))
    if shape & _TARGET:
        inner.append((w["target"] + " %s, %s %s", ("target", "target_gap", "target_word")))
    if shape & _PARITY:
        inner.append((w["parity"] + " %s", ("parity",)))
    tail: list[tuple[str, tuple[str, ...]]] = []
    turn = shape & (_SAME | _DOWN | _UP)
    if turn:
        tail.append(_percent_format(_WORDS[lang][{_SAME: "same", _DOWN: "down", _UP: "up"}[turn]]))
    if shape & _TREND:
        fmt, _ = _percent_format(_WORDS[lang]["trend"])
        tail.append((fmt, ("trend",)))
    fmt = "%s: " + w["score"] + " %s " + w["of"] + " 100"
    names: tuple[str, ...] = ("label", "score")
    if inner:
        fmt += " (" + "; ".join(f for f, _ in inner) + ")"
    if tail:
        fmt += "; " + "; ".join(f for f, _ in tail)
    for _, more in (*inner, *tail):
        names += more
    return fmt, names


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
        "working": "{placed}; an effect is visible ({indicators})",
        "review": "{placed}; no effect visible yet ({indicators}), worth a review",
        "wait": "{placed}; an effect is not expected before {due}",
        "unknown": "{placed}; its effect cannot be estimated from these data (too few years "
        "before it began or since, no comparable municipalities, or it ended too soon)",
        "not_estimated": "{placed} (shown by a yes/no indicator); its effect is estimated once "
        "it is in the measures register",
        "no_outcome": "{placed}; the programme names no outcome the framework measures, so "
        "there is no effect to judge it on",
    },
    "de": {
        "working": "{placed}; Wirkung sichtbar ({indicators})",
        "review": "{placed}; Wirkung noch nicht sichtbar ({indicators}), zur Überprüfung",
        "wait": "{placed}; eine Wirkung ist nicht vor {due} zu erwarten",
        "unknown": "{placed}; Wirkung mit diesen Daten nicht schätzbar (zu wenige Jahre vor "
        "oder seit Beginn, keine vergleichbaren Kommunen oder zu früh beendet)",
        "not_estimated": "{placed} (laut Ja/Nein-Indikator); die Wirkung wird geschätzt, "
        "sobald die Maßnahme im Maßnahmenregister steht",
        "no_outcome": "{placed}; das Programm nennt keine Wirkung, die sich an den "
        "Indikatoren messen ließe",
    },
}
#: Since when a measure is in place: its first spell, a later one after a break, or one
#: already under way in the first year of data (begun then or before: the data cannot tell).
_PLACED: dict[str, tuple[str, str, str, str]] = {
    "en": (
        "in place since {since}",
        "in place again since {since}, before that {previous}",
        "in place at least since {since}",
        "in place again at least since {since}, before that {previous}",
    ),
    "de": (
        "seit {since} vorhanden",
        "wieder seit {since} vorhanden, zuvor {previous}",
        "mindestens seit {since} vorhanden",
        "wieder mindestens seit {since} vorhanden, zuvor {previous}",
    ),
}


def in_place_text(
    since: np.ndarray,
    due: np.ndarray,
    indicators: np.ndarray,
    review: np.ndarray,
    lang: str,
    previous: np.ndarray | None = None,
    at_least: np.ndarray | None = None,
) -> Texts:
    """How a measure in place is doing, one sentence per row: ``review`` is the verdict of
    :func:`~mint_index.effect_monitoring.measure_review` (working, review, wait, unknown)
    or ``not_estimated`` (known only from a yes/no indicator), ``indicators`` the names of
    the indicators that decided it. ``previous``: the spell before a programme that
    stopped and started again (``2018-2019``, written with a dash), None elsewhere.
    ``at_least``: True where the measure was already in place in the first year of data
    and no register gives its start ("at least since 2019")."""
    review = np.asarray(review, dtype=object)
    n = len(review)
    values = {
        "since": _text(np.asarray(since).astype(np.int64).astype(str)),
        "due": _text(np.asarray(due).astype(np.int64).astype(str)),
        "indicators": _text(np.asarray(indicators, dtype=object)),
    }
    first, again, already, again_already = _PLACED[lang]
    unsure = np.zeros(n, dtype=bool) if at_least is None else np.asarray(at_least, dtype=bool)
    values["placed"] = np.where(unsure, fill(already, values, n), fill(first, values, n))
    if previous is not None:
        earlier = pd.notna(np.asarray(previous, dtype=object))
        if earlier.any():
            spell = np.where(earlier, previous, "").astype(str)
            values["previous"] = _text(np.char.replace(spell, "-", "–"))
            later = np.where(unsure, fill(again_already, values, n), fill(again, values, n))
            values["placed"] = np.where(earlier, later, values["placed"])
    out = np.full(n, "", dtype=object)
    for name, template in _IN_PLACE[lang].items():
        rows = review == name
        if rows.any():
            out = np.where(rows, fill(template, values, n), out)
    return _text(out)
