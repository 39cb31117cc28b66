"""Unit key schemes: official AGS/ARS keys vs a town's own numbering, padding, names
as compared, and the Länder by name."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.data.keys import (
    LAND_NAMES,
    apply_key_spec,
    comparable_names,
    in_units_scheme,
    key_scheme,
    local_region_names,
    mostly_names,
    region_keys,
    restored_zeros,
)
from mint_index.data.source import KeySpec


@pytest.mark.parametrize(
    ("keys", "scheme"),
    [
        (["DG", "01", "01001", "01001000"], "ags"),
        ([f"{land:02d}" for land in range(1, 17)], "ags"),  # Länder 01-16
        ([str(d) for d in range(1, 26)], "own"),  # a city's districts 1-25
        (["010010000000", "01001"], "ars"),
        (["Nord", "Süd"], "own"),
        (["1001000", "01002000"], "ags"),  # a lost zero among AGS stays AGS (reported)
        (["0101", "0102", "1203"], "own"),  # no official key has four digits
        (["0101", "05315"], "ags"),
    ],
)
def test_key_scheme(keys: list[str], scheme: str) -> None:
    assert key_scheme(np.array(keys, dtype=object)) == scheme


def test_pad_restores_leading_zeros_and_declared_scheme_wins() -> None:
    keys = np.array(["1001000", "10041100", "DG"], dtype=object)
    padded, scheme = apply_key_spec(keys, KeySpec(scheme="ags", pad=8))
    assert list(padded) == ["01001000", "10041100", "DG"]
    assert scheme == "ags"
    same, scheme = apply_key_spec(np.array(["7", "12"], dtype=object), KeySpec(scheme="own"))
    assert list(same) == ["7", "12"] and scheme == "own"


@pytest.mark.parametrize(
    ("written", "official"),
    [
        ("1", "01"),  # Schleswig-Holstein
        ("91", "091"),  # Oberbayern: no Land has a key above 16
        ("1001", "01001"),  # Flensburg
        ("9162000", "09162000"),  # München
        ("10595917", "10595917"),  # eight digits may be a Gemeinde of the Saarland: kept
        ("12345678901", "012345678901"),  # an ARS of Land 01
        ("11", "11"),  # Berlin
        ("146", "146"),  # a Regierungsbezirk of Sachsen (until 2012)
        ("05315", "05315"),  # written with its zero
        ("DG", "DG"),
        ("123", "123"),
        ("0", "0"),
    ],
)
def test_pad_auto_gives_back_each_level_its_zero(written: str, official: str) -> None:
    """A spreadsheet turns official keys of several levels into numbers; each lost one
    zero, to a length no official key has (1, 4, 7, 11 digits; two digits above 16)."""
    assert list(restored_zeros(np.array([written], dtype=object))) == [official]
    padded, _ = apply_key_spec(np.array([written], dtype=object), KeySpec(pad="auto"))
    assert list(padded) == [official]


def test_pad_is_a_width_or_auto() -> None:
    assert KeySpec.model_validate({"pad": "8"}).pad == 8  # as --key pad=8 gives it
    assert KeySpec.model_validate({"pad": "auto"}).pad == "auto"
    for wrong in ("eight", 0, 13):
        with pytest.raises(ValueError, match="pad"):
            KeySpec.model_validate({"pad": wrong})


def test_comparable_names() -> None:
    names = pd.Series(["Bad  Neustadt \u2011 Nord", "STRAẞE", "Köln"])
    assert list(comparable_names(names)) == ["bad neustadt-nord", "strasse", "köln"]
    # IT.NRW abbreviates what the Regionaldatenbank writes out
    written = comparable_names(pd.Series(["Köln, krfr. Stadt", "Köln, Kreisfreie Stadt"]))
    assert written[0] == written[1] == "köln, kreisfreie stadt"
    # and the Landesamt Niedersachsen the Landeshauptstadt; Sankt stays as written
    capital = comparable_names(pd.Series(["Hannover, Lhst.", "Hannover, Landeshauptstadt"]))
    assert capital[0] == capital[1] == "hannover, landeshauptstadt"
    assert list(comparable_names(pd.Series(["St. Wendel", "Köln, krfr."]))) == [
        "st. wendel",
        "köln, kreisfreie",
    ]


def test_region_keys_as_tables_write_the_laender() -> None:
    """The keys are the official ones (Destatis, Gemeindeverzeichnis: 01
    Schleswig-Holstein ... 16 Thüringen; 051 Regierungsbezirk Düsseldorf, 091 Oberbayern,
    084 Tübingen), whatever the spelling of the name."""
    names = [
        "Schleswig-Holstein",
        "Freistaat Bayern",
        "BADEN-WÜRTTEMBERG",
        "Baden-Wuerttemberg",
        "Nordrhein\u2013Westfalen",
        "North Rhine-Westphalia",
        "Land  Berlin",
        "Thuringia",
        "Freie und Hansestadt Hamburg",
        "Deutschland",
        "Insgesamt",
        "Berlin-West",
        "Bayern 2)",
        "Düsseldorf, Regierungsbezirk",
        "Regierungsbezirk Oberbayern",
        "Reg.-Bez. Tübingen",
        "Düsseldorf",
    ]
    keys = region_keys(pd.Series(names))
    laender = ["01", "09", "08", "08", "05", "05", "11", "16", "02", "DG", None, None, None]
    # a Regierungsbezirk's name without its kind is its seat's
    assert list(keys) == [*laender, "051", "091", "084", None]
    assert sorted(LAND_NAMES) == [f"{k:02d}" for k in range(1, 17)] + ["DG"]


@pytest.mark.parametrize(
    "name",
    [
        "Köln, krfr. Stadt",
        "Düsseldorf, kreisfreie Stadt",
        "Kleve, Kreis",
        "Lindau (Bodensee), Landkreis",
        "Heidelberg, Stadtkreis",
        "Erkrath, Stadt",
        "Magdeburg, Landeshauptstadt",
        "Rhein-Sieg-Kreis",
        "Märkischer Kreis",
        "Städteregion Aachen (einschl. Stadt Aachen)",
        "Kreis Kleve",
        "Landkreis München",
    ],
)
def test_local_region_names_in_their_official_forms(name: str) -> None:
    assert local_region_names(np.array([name], dtype=object)).tolist() == [True]


@pytest.mark.parametrize(
    "name",
    [
        "Bayern",
        "Düsseldorf, Regierungsbezirk",
        "Deutschland",
        "Bodenfläche (Katasterfläche) (ar)",
        "- Gemeinden - Stichtag",
        "Kreise und kreisfreie Städte",
        "Gebäude- und Freifläche, Wohnen",
        "Arbeitsmarktstatistik: Arbeitslose nach Geschlecht",
    ],
)
def test_titles_lands_and_regierungsbezirke_are_no_local_region(name: str) -> None:
    assert local_region_names(np.array([name], dtype=object)).tolist() == [False]


def test_a_lands_prefix_completes_keys_written_within_the_land() -> None:
    """Niedersachsen's Landesamt writes Braunschweig 03101 as 101, the Statistische
    Region Braunschweig 031 as 1, a Gemeinde 03241001 as 241001, the Land itself as 0."""
    keys = np.array(["101", "1", "241001", "0", "DG"], dtype=object)
    done, scheme = apply_key_spec(keys, KeySpec(prefix="03"))
    assert done.tolist() == ["03101", "031", "03241001", "03", "DG"]
    assert scheme == "ags"


def test_no_names_no_local_regions() -> None:
    # a table with no title line at all: found by fuzzing (an internal error)
    assert local_region_names(np.array([], dtype=object)).tolist() == []


def test_gemeinden_keyed_in_the_units_tables_scheme() -> None:
    """AGS ``LL R KK GGG`` is ARS ``LL R KK VVVV GGG`` without the Verband part: an AGS
    takes the one ARS the units table lists for it, an ARS gives its AGS; keys of other
    levels, listed keys and keys nothing matches stay as written."""
    ars_units = pd.Index(["091620000000", "091715111111", "09171", "091715222222"])
    keys = np.array(["09162000", "09171111", "09171", "09999999", "091620000000", "2"])
    assert in_units_scheme(keys, ars_units).tolist() == [
        "091620000000",  # München: Verband 0000
        "091715111111",
        "09171",  # a Kreis is keyed alike
        "09999999",  # no unit of the table
        "091620000000",  # already listed
        "2",
    ]
    ags_units = pd.Index(["09162000", "09171111", "09171"])
    keys = np.array(["091620000000", "091715111111", "091715111112", "09171"])
    assert in_units_scheme(keys, ags_units).tolist() == [
        "09162000",
        "09171111",
        "091715111112",  # its AGS 09171112 is not listed
        "09171",
    ]
    # two ARS of one AGS (a Gemeinde listed twice): an AGS is not guessed to be either
    twice = pd.Index(["091715111111", "091716111111"])
    assert in_units_scheme(np.array(["09171111"]), twice).tolist() == ["09171111"]


def test_mostly_names_tells_names_from_keys() -> None:
    """Three letters in a row make a name; a key carries a letter or two at most."""
    assert mostly_names(np.array(["Braunschweig, Stadt", "Gifhorn", "DG"]))
    assert not mostly_names(np.array(["K03101", "03102", "DG"]))
    assert not mostly_names(np.array(["Gifhorn", "03101"]))  # half is not most
    assert not mostly_names(np.array([], dtype=object))


@pytest.mark.parametrize(
    ("key", "codes"),
    [
        ({"scheme": "ags"}, {"key_not_in_scheme", "malformed_key"}),
        ({"scheme": "ags", "pad": 8}, {"key_not_in_scheme", "malformed_key"}),
        ({}, {"malformed_key"}),
    ],
)
def test_digits_of_other_scripts_are_no_official_key_digits(
    tmp_path: Path, key: dict[str, object], codes: set[str]
) -> None:
    """Arabic-Indic ``٠١٠٠١٠٠٠`` passed as an AGS beside ``01002000``, fullwidth
    ``１００１０００`` was padded to ``0１００１０００`` (a pattern's ``\\d`` is any script's
    digit), and without a scheme both were keys of their own. Official keys are ASCII
    digits: such a key is no key of the scheme, and a malformed key in any table."""
    (tmp_path / "t.csv").write_text(
        "AGS;Name;Einwohner\n٠١٠٠١٠٠٠;F;5\n１００１０００;G;7\n01002000;K;6\n", encoding="utf-8"
    )
    with pytest.raises(mi.DataValidationError) as info:
        mi.load_data(tmp_path / "t.csv", year=2023, key=key)
    failures = info.value.failures
    assert set(failures["code"]) == codes
    for code in codes:
        found = failures[failures["code"] == code]
        assert sorted(zip(found["row"], found["value"], strict=True)) == [
            (2, "٠١٠٠١٠٠٠"),
            (3, "１００１０００"),
        ]
