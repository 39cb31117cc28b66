"""Unit keys and names: official AGS/ARS keys, a town's own numbering, the Länder.

Official German region keys have fixed lengths (Land 2, Regierungsbezirk 3, Kreis 5,
Gemeindeverband 9, Gemeinde 8 as AGS or 12 as ARS), so a key one digit short may have
lost its leading zero in a spreadsheet. A town's own numbering (districts 1-25) is short
on purpose and must never be reported as such. :func:`key_scheme` tells them apart;
a source can declare its scheme and a width to pad to (:class:`~mint_index.data.source.KeySpec`).

Names are compared as people write them apart from case, spacing and dash style
(:func:`comparable_names`); the Länder and the Regierungsbezirke, closed lists with
keys fixed by law, are known by name (:func:`region_keys`), so a table that only names
them can be keyed. A Kreis's or a Gemeinde's name is recognised as one by its official
form (:func:`local_region_names`), never keyed: there are thousands, and names repeat.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from mint_index.data.source import KeySpec
from mint_index.rules.text import ASCII_UMLAUTS

__all__ = [
    "LAND_NAMES",
    "OFFICIAL_LENGTHS",
    "REGIERUNGSBEZIRKE",
    "ZERO_LOSING_LENGTHS",
    "apply_key_spec",
    "comparable_names",
    "in_units_scheme",
    "key_scheme",
    "local_region_names",
    "mostly_names",
    "region_keys",
    "restored_zeros",
]

#: Lengths of official keys: Land, Regierungsbezirk, Kreis, Gemeinde (AGS),
#: Gemeindeverband (ARS prefix), Verbandsgemeinde member (10/11), ARS.
OFFICIAL_LENGTHS = frozenset({2, 3, 5, 7, 8, 9, 10, 11, 12})
_ARS_ONLY = frozenset({9, 12})
#: Lengths of official keys that, written as a number (no leading zero), are one digit
#: short of their own and no other official key's length: Land, Kreis, Gemeinde, ARS.
ZERO_LOSING_LENGTHS = frozenset({2, 5, 8, 12})
#: The highest Land key: a two-digit number above it is a Regierungsbezirk (``091``).
_LAST_LAND = 16


def key_scheme(keys: pd.Series | pd.Index | np.ndarray | ExtensionArray) -> str:
    """``ags``, ``ars`` or ``own`` for a source's distinct keys.

    Own numbering: numeric keys of at most two digits, none with a leading zero (1-25);
    official keys are written with their leading zeros (``01``-``16``). Keys none of
    whose lengths an official key has (an election office's districts ``0101``) are own
    too. Keys with a 9- or 12-digit member are ARS; other all-digit keys AGS; anything
    else own.
    """
    text = pd.Series(pd.unique(np.asarray(keys, dtype=object))).astype(str).str.strip()
    text = text[(text != "") & (text != "DG")]
    if not len(text):
        return "ags"
    digits = text.str.fullmatch(r"[0-9]+")
    if not digits.all():
        return "own"
    lengths = text.str.len()
    if (lengths <= 2).all() and not text.str.startswith("0").any():
        return "own"
    if not lengths.isin(OFFICIAL_LENGTHS).any():
        return "own"
    return "ars" if lengths.isin(_ARS_ONLY).any() else "ags"


#: Three letters in a row: a name (``Gifhorn``, ``Braunschweig, Stadt``), never a key,
#: which may carry a letter or two (``K03101``, ``DG``).
_WORD = re.compile(r"[^\W\d_]{3}")


def mostly_names(units: pd.Series | pd.Index | np.ndarray) -> bool:
    """Whether most of a table's units are names rather than keys (:data:`_WORD`): what an
    Open SDG file without ``GeoCode`` keys its rows by, or what a units table's keys
    cannot find in a file; a key or two among them (``DG``) changes nothing."""
    text = pd.Series(np.asarray(units, dtype=object)).astype(str)
    return bool(len(text)) and float(text.str.contains(_WORD).mean()) > 0.5


def apply_key_spec(keys: np.ndarray, spec: KeySpec) -> tuple[np.ndarray, str]:
    """Keys with the Land's prefix the spec gives (``101`` -> ``03101``; ``0``, the Land
    itself, -> ``03``) and padded as it says, and the scheme in force (declared or
    recognised)."""
    if spec.prefix is not None:
        text = pd.Series(keys, dtype=object).astype(str).str.strip()
        digits = text.str.fullmatch(r"[0-9]+")
        whole = spec.prefix + text.where(text != "0", "")
        keys = text.where(~digits, whole).to_numpy(dtype=object)
    if spec.pad == "auto":
        keys = restored_zeros(keys)
    elif spec.pad is not None:
        text = pd.Series(keys, dtype=object).astype(str)
        digits = text.str.fullmatch(r"[0-9]+") & (text.str.len() < spec.pad)
        keys = text.where(~digits, text.str.zfill(spec.pad)).to_numpy(dtype=object)
    scheme = spec.scheme if spec.scheme != "auto" else key_scheme(keys)
    return keys, scheme


def in_units_scheme(keys: np.ndarray, known: pd.Index) -> np.ndarray:
    """Each Gemeinde's key as the units table writes it, where the table keys Gemeinden by
    the other official scheme; any other key as it is. The 8-digit AGS (``LL R KK GGG``,
    München ``09162000``) is the 12-digit ARS (``LL R KK VVVV GGG``, ``091620000000``)
    without its Gemeindeverband part, so an ARS gives its AGS; an AGS gives the ARS the
    units table lists with that AGS, where it lists one only. Keys of Länder, Bezirke and
    Kreise are alike in both schemes."""
    text = pd.Series(keys, dtype=object).astype(str).str.strip()
    listed = pd.Series(np.asarray(known, dtype=object)).astype(str)
    ars = listed[listed.str.fullmatch(r"[0-9]{12}")]
    ags_of_ars = (ars.str[:5] + ars.str[9:]).to_numpy(dtype=object)
    once = ~pd.Series(ags_of_ars).duplicated(keep=False).to_numpy()
    as_ars = dict(zip(ags_of_ars[once], ars.to_numpy(dtype=object)[once], strict=True))
    as_ags = set(listed[listed.str.fullmatch(r"[0-9]{8}")])
    out = text.to_numpy(dtype=object).copy()
    short = text.str.fullmatch(r"[0-9]{8}").to_numpy(dtype=bool) & ~text.isin(listed).to_numpy()
    for i in np.flatnonzero(short):  # the keys a units table lacks (a few thousand at most)
        out[i] = as_ars.get(out[i], out[i])
    long = text.str.fullmatch(r"[0-9]{12}").to_numpy(dtype=bool) & ~text.isin(listed).to_numpy()
    for i in np.flatnonzero(long):
        ags = out[i][:5] + out[i][9:]
        out[i] = ags if ags in as_ags else out[i]
    return out


def restored_zeros(keys: np.ndarray) -> np.ndarray:
    """Official keys with the leading zero a number lost given back (``key: {pad:
    auto}``): a key of digits without a leading zero that is one digit short of a
    length in :data:`ZERO_LOSING_LENGTHS` (``1`` -> ``01``, ``1001`` -> ``01001``,
    ``1001000`` -> ``01001000``), and a two-digit key above the last Land's (``91`` ->
    ``091``, Oberbayern). Each level has its own width, so one ``pad`` width cannot
    restore a table of several levels (a GENESIS export of Länder and Kreise saved
    through a spreadsheet). Other keys stay as written."""
    text = pd.Series(keys, dtype=object).astype(str).str.strip()
    number = text.str.fullmatch(r"[1-9][0-9]*")
    length = text.str.len()
    short = number & length.isin([n - 1 for n in ZERO_LOSING_LENGTHS])
    district = number & (length == 2) & (pd.to_numeric(text, errors="coerce") > _LAST_LAND)
    return text.where(~(short | district), "0" + text).to_numpy(dtype=object)


#: Dashes and hyphens people type between the parts of a name, read as ``-``.
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u00ad-]+")


#: The abbreviations the offices write in a region's name where others write the word:
#: IT.NRW's ``Köln, krfr. Stadt`` for the Regionaldatenbank's ``Köln, Kreisfreie Stadt``,
#: the Landesamt Niedersachsen's ``Hannover, Lhst.`` for ``Hannover, Landeshauptstadt``.
_ABBREVIATIONS = {"krfr.": "kreisfreie", "lhst.": "landeshauptstadt"}
_ABBREVIATION = re.compile(r"\b(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r") ?")


def comparable_names(names: pd.Series | pd.Index | np.ndarray) -> pd.Series:
    """Names as they are compared: Unicode-normalised (NFKC), case-folded, every run of
    spaces (non-breaking ones too) one space, dashes one ``-`` with no space around it,
    the offices' abbreviations written out (``krfr.``: ``kreisfreie``, ``Lhst.``:
    ``landeshauptstadt``)."""

    def written_out(match: re.Match[str]) -> str:
        return _ABBREVIATIONS[match.group(1)] + " "

    def one(name: object) -> str:
        text = unicodedata.normalize("NFKC", str(name)).casefold()
        text = _ABBREVIATION.sub(written_out, " ".join(text.split())).strip()
        return re.sub(r" ?- ?", "-", _DASHES.sub("-", text))

    values = pd.Series(np.asarray(names, dtype=object), dtype=object)
    distinct = pd.unique(values)
    return values.map(dict(zip(distinct, map(one, distinct), strict=True)))


#: The Länder by their official key (the first two digits of every AGS), as GENESIS and
#: the Regionaldatenbank name them in German and in English, and the country as the
#: Regionaldatenbank keys it (``DG``).
LAND_NAMES: dict[str, tuple[str, ...]] = {
    "01": ("Schleswig-Holstein",),
    "02": ("Hamburg",),
    "03": ("Niedersachsen", "Lower Saxony"),
    "04": ("Bremen",),
    "05": ("Nordrhein-Westfalen", "North Rhine-Westphalia"),
    "06": ("Hessen", "Hesse"),
    "07": ("Rheinland-Pfalz", "Rhineland-Palatinate"),
    "08": ("Baden-Württemberg",),
    "09": ("Bayern", "Bavaria"),
    "10": ("Saarland",),
    "11": ("Berlin",),
    "12": ("Brandenburg",),
    "13": ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
    "14": ("Sachsen", "Saxony"),
    "15": ("Sachsen-Anhalt", "Saxony-Anhalt"),
    "16": ("Thüringen", "Thuringia"),
    "DG": ("Deutschland", "Germany"),
}
#: The Regierungsbezirke by their official key (the first three digits of the AGS of their
#: Kreise): Baden-Württemberg, Bayern, Hessen and Nordrhein-Westfalen have them.
REGIERUNGSBEZIRKE: dict[str, str] = {
    "081": "Stuttgart",
    "082": "Karlsruhe",
    "083": "Freiburg",
    "084": "Tübingen",
    "091": "Oberbayern",
    "092": "Niederbayern",
    "093": "Oberpfalz",
    "094": "Oberfranken",
    "095": "Mittelfranken",
    "096": "Unterfranken",
    "097": "Schwaben",
    "064": "Darmstadt",
    "065": "Gießen",
    "066": "Kassel",
    "051": "Düsseldorf",
    "053": "Köln",
    "055": "Münster",
    "057": "Detmold",
    "059": "Arnsberg",
}
#: A Land's name may follow its kind (``Freistaat Bayern``, ``Land Berlin``).
_LAND_PREFIX = re.compile(r"^(?:land|freistaat|bundesland|freie und hansestadt|freie hansestadt) ")
#: A Regierungsbezirk's name says what it is, else it would be its seat's (``Düsseldorf,
#: Regierungsbezirk``, ``Regierungsbezirk Düsseldorf``, ``Reg.-Bez. Düsseldorf``).
_RB_NAME = re.compile(
    r"^(?:regierungsbezirk|reg\.-?bez\.|rb) (?P<after>.+)$|^(?P<before>.+?),? regierungsbezirk$"
)


def _region_form(name: str) -> str:
    """A Land's name without its kind; a Regierungsbezirk's as ``rb:<name>``."""
    rb = _RB_NAME.match(name)
    if rb:
        return "rb:" + (rb.group("after") or rb.group("before")).translate(ASCII_UMLAUTS)
    return _LAND_PREFIX.sub("", name).translate(ASCII_UMLAUTS)


_REGION_KEY_OF = {
    _region_form(name): key
    for key, names in LAND_NAMES.items()
    for name in comparable_names(pd.Series(names))
} | {
    "rb:" + name.translate(ASCII_UMLAUTS): key
    for key, name in zip(
        REGIERUNGSBEZIRKE,
        comparable_names(pd.Series(list(REGIERUNGSBEZIRKE.values()))),
        strict=True,
    )
}


def region_keys(names: pd.Series | np.ndarray) -> np.ndarray:
    """Each name's key where it names a Land (``Bayern``, ``Freistaat Bayern``,
    ``BAYERN``, ``Bavaria``: ``09``; ``Deutschland``: ``DG``) or a Regierungsbezirk
    (``Düsseldorf, Regierungsbezirk``: ``051``); ``None`` for any other name."""
    forms = comparable_names(names).map(_region_form)
    keys = forms.map(_REGION_KEY_OF).astype(object)
    return keys.where(forms.isin(_REGION_KEY_OF), None).to_numpy()


#: The official form of a Kreis's or a Gemeinde's name: the name, a comma, its kind
#: (``Köln, krfr. Stadt``, ``Kleve, Kreis``, ``Lindau (Bodensee), Landkreis``), its kind
#: and the name (``Kreis Kleve``, ``Stadt Erkrath``), or a Kreis named as one
#: (``Rhein-Sieg-Kreis``, ``Märkischer Kreis``, ``Städteregion Aachen``).
_LOCAL_FORM = re.compile(
    r"^[^,;]+, *(?:kreisfreie stadt|(?:land|stadt)?kreis|(?:große |mittlere )?"
    r"kreis(?:angehörige |freie )?stadt|(?:landeshaupt|hanse|universitäts|wissenschafts)?stadt"
    r"|gemeinde|markt|flecken|samtgemeinde|verbandsgemeinde|amt|städteregion|regionalverband)"
    r"(?: \(.*\))?$"
    r"|^(?:kreis|landkreis|stadt|gemeinde|markt|städteregion) [^ ,;]"
    r"|^\S+kreis$|^\S+ kreis$"
)


def local_region_names(names: pd.Series | np.ndarray) -> np.ndarray:
    """Which names have the official form of a Kreis's or a Gemeinde's name (``Köln, krfr.
    Stadt``, ``Rhein-Sieg-Kreis``): how a table that is about one such region names it on
    a title line of its own. A name of a Land or a Regierungsbezirk is not one."""
    forms = comparable_names(names).astype(str)  # an empty series too
    local = forms.str.match(_LOCAL_FORM).fillna(False).to_numpy(dtype=bool)
    return local & pd.isna(region_keys(names))
