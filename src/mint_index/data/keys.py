"""Unit key schemes: official AGS/ARS keys, and a town's own numbering.

Official German region keys have fixed lengths (Land 2, Regierungsbezirk 3, Kreis 5,
Gemeindeverband 9, Gemeinde 8 as AGS or 12 as ARS), so a key one digit short may have
lost its leading zero in a spreadsheet. A town's own numbering (districts 1-25) is short
on purpose and must never be reported as such. :func:`key_scheme` tells them apart;
a source can declare its scheme and a width to pad to (:class:`~mint_index.data.source.KeySpec`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from mint_index.data.source import KeySpec

__all__ = ["OFFICIAL_LENGTHS", "apply_key_spec", "key_scheme"]

#: Lengths of official keys: Land, Regierungsbezirk, Kreis, Gemeinde (AGS),
#: Gemeindeverband (ARS prefix), Verbandsgemeinde member (10/11), ARS.
OFFICIAL_LENGTHS = frozenset({2, 3, 5, 7, 8, 9, 10, 11, 12})
_ARS_ONLY = frozenset({9, 12})


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
    digits = text.str.fullmatch(r"\d+")
    if not digits.all():
        return "own"
    lengths = text.str.len()
    if (lengths <= 2).all() and not text.str.startswith("0").any():
        return "own"
    if not lengths.isin(OFFICIAL_LENGTHS).any():
        return "own"
    return "ars" if lengths.isin(_ARS_ONLY).any() else "ags"


def apply_key_spec(keys: np.ndarray, spec: KeySpec) -> tuple[np.ndarray, str]:
    """Keys padded as the spec says, and the scheme in force (declared or recognised)."""
    if spec.pad is not None:
        text = pd.Series(keys, dtype=object).astype(str)
        digits = text.str.fullmatch(r"\d+") & (text.str.len() < spec.pad)
        keys = text.where(~digits, text.str.zfill(spec.pad)).to_numpy(dtype=object)
    scheme = spec.scheme if spec.scheme != "auto" else key_scheme(keys)
    return keys, scheme
