"""Open SDG tidy CSV files (and the same tables kept in workbooks).

Small files written here follow the layouts the Open SDG platforms publish (sdg-build's
tidy format: the national platform's NUTS GeoCodes, the Integrationsmonitoring
Niedersachsen's ``K03101``, SDMX column names); expected values, flags and labels are the
cells written into them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import value

import mint_index as mi
from mint_index.data.load import describe_source, load_sources
from mint_index.data.opensdg import nuts_keys, observation_flags
from mint_index.data.source import SourceSpec
from mint_index.errors import DataValidationError


def _write(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def _load(tmp_path: Path, name: str, **options: object) -> mi.Dataset:
    return load_sources([SourceSpec(path=name, **options)], base_dir=tmp_path)


def _failures(tmp_path: Path, name: str, **options: object) -> pd.DataFrame:
    with pytest.raises(DataValidationError) as err:
        _load(tmp_path, name, **options)
    return err.value.failures


def _flag(ds: mi.Dataset, unit: str, year: int, variable: str) -> str | None:
    long = ds.long
    hit = long[(long["unit"] == unit) & (long["year"] == year) & (long["variable"] == variable)]
    assert len(hit) == 1
    flag = hit["flag"].iloc[0]
    return None if pd.isna(flag) else str(flag)


# ---- labels, disaggregations, one place ---------------------------------------------------
def test_opensdg_series_units_and_disaggregation(tmp_path: Path) -> None:
    text = (
        "Year,Series,Geschlecht,Units,GeoCode,Gebietseinheit,Value\n"
        '2021,Schulabgänger,,Prozent,K03101,"Braunschweig, Stadt",7.5\n'
        '2021,Schulabgänger,weiblich,Prozent,K03101,"Braunschweig, Stadt",6.25\n'
        "2021,Schulabgänger,,Prozent,,Niedersachsen,8.0\n"
    )
    ds = _load(tmp_path, _write(tmp_path, "indicator_4-1-1.csv", text))
    assert value(ds, "03101", 2021, "Schulabgänger | Prozent") == pytest.approx(7.5)
    assert value(ds, "03101", 2021, "Schulabgänger | Prozent | weiblich") == pytest.approx(6.25)
    # the Land's row without a GeoCode: its official key, as the GENESIS Länder reader
    # keys a Land by its name
    assert value(ds, "03", 2021, "Schulabgänger | Prozent") == 8.0
    assert ds.units.loc["03101", "name"] == "Braunschweig, Stadt"
    assert ds.units.loc["03", "name"] == "Niedersachsen"


def test_opensdg_without_a_geo_column_says_what_to_do(tmp_path: Path) -> None:
    _write(tmp_path, "indicator_9-9-9.csv", "Year,Geschlecht,Value\n2021,weiblich,3\n")
    with pytest.raises(DataValidationError, match="give the key of the one place it is about"):
        _load(tmp_path, "indicator_9-9-9.csv")


def test_opensdg_series_of_one_place_takes_its_key_from_unit(tmp_path: Path) -> None:
    # the first lines of indicator_1-4-1 of the Integrationsmonitoring Niedersachsen
    # (christoph-LSN/IM_Data, MIT): arrivals by origin for the whole Land, no GeoCode
    text = (
        "\ufeffYear,Wanderungsherkunft,Units,Value\n"
        '2009,"Europa insgesamt",Anzahl,54452\n'
        '2009,"Albanien",Anzahl,51\n'
        '2009,"Bulgarien",Anzahl,2340\n'
    )
    _write(tmp_path, "indicator_1-4-1.csv", text)
    ds = _load(tmp_path, "indicator_1-4-1.csv", unit="03")
    assert list(ds.unit_ids) == ["03"] and list(ds.years) == [2009]
    assert value(ds, "03", 2009, "Anzahl | Europa insgesamt") == 54452
    assert value(ds, "03", 2009, "Anzahl | Bulgarien") == 2340
    same = mi.load_data(tmp_path / "indicator_1-4-1.csv", unit="03")
    assert same.long["value"].tolist() == ds.long["value"].tolist()


def test_opensdg_winter_semesters_count_where_school_year_says(tmp_path: Path) -> None:
    # lines 1-3 and 62 of indicator_4-3-1 of the Integrationsmonitoring Niedersachsen
    # (christoph-LSN/IM_Data, MIT): foreign students per winter semester, no GeoCode
    text = (
        "\ufeffYear,Land der Staatsangehörigkeit,Kategorie,Value\n"
        'WS 2005/06,"China",Ausländische Studierende (Insgesamt),3080\n'
        'WS 2005/06,"Türkei",Ausländische Studierende (Insgesamt),1141\n'
        'WS 2023/24,"China",Ausländische Studierende (Insgesamt),3429\n'
    )
    _write(tmp_path, "indicator_4-3-1.csv", text)
    china = "Value | China | Ausländische Studierende (Insgesamt)"

    def read(school_year: str | None) -> mi.Dataset:
        return _load(tmp_path, "indicator_4-3-1.csv", unit="03", school_year=school_year)

    started = read("start")
    assert list(started.years) == [2005, 2023]
    assert value(started, "03", 2005, china) == 3080
    assert value(started, "03", 2023, china) == 3429
    assert list(read("end").years) == [2006, 2024]
    with pytest.raises(DataValidationError) as err:
        read(None)  # two calendar years: never guessed
    failures = err.value.failures
    assert set(failures["code"]) == {"school_year"} and failures["row"].tolist() == [2, 3, 4]
    assert failures["value"].tolist() == ["WS 2005/06", "WS 2005/06", "WS 2023/24"]


# ---- finding 2: the unit multiplier -------------------------------------------------------
def test_a_multiplier_other_than_ones_stays_in_the_label_even_when_constant(
    tmp_path: Path,
) -> None:
    """A Land's platform in thousands, a Kreis platform in ones: read together under one
    mapping they used to make one series (Niedersachsen 8140.2 beside Braunschweig
    250000). A multiplier other than ones is part of the label in every file; ones
    (``Einheiten``, SDMX ``0``) are not, so the same series in ones has one label
    whichever file it comes from."""
    thousands = (
        "Year,Series,Units,Unit multiplier,Gebietseinheit,GeoCode,Value\n"
        "2022,Einwohner/-innen,Anzahl,Tausend,Niedersachsen,L03,8140.2\n"
    )
    ones = (
        "Year,Series,Units,Unit multiplier,Gebietseinheit,GeoCode,Value\n"
        '2022,Einwohner/-innen,Anzahl,Einheiten,"Braunschweig, Stadt",K03101,250000\n'
    )
    _write(tmp_path, "laender.csv", thousands)
    _write(tmp_path, "kreise.csv", ones)
    ds = load_sources(
        [SourceSpec(path="laender.csv"), SourceSpec(path="kreise.csv")], base_dir=tmp_path
    )
    assert sorted(ds.variables) == [
        "Einwohner/-innen | Anzahl",
        "Einwohner/-innen | Anzahl | Tausend",
    ]
    assert value(ds, "03", 2022, "Einwohner/-innen | Anzahl | Tausend") == pytest.approx(8140.2)
    assert value(ds, "03101", 2022, "Einwohner/-innen | Anzahl") == 250000
    # one mapping for the series in ones cannot take in the figure in thousands
    with pytest.raises(DataValidationError) as err:
        load_sources(
            [
                SourceSpec(path="laender.csv", mapping={"Einwohner/-innen | Anzahl": "pop"}),
                SourceSpec(path="kreise.csv", mapping={"Einwohner/-innen | Anzahl": "pop"}),
            ],
            base_dir=tmp_path,
        )
    assert err.value.failures["code"].tolist() == ["unknown_label"]
    assert err.value.failures["source"].tolist() == ["laender.csv"]


def test_a_multiplier_changing_within_a_file_splits_the_series(tmp_path: Path) -> None:
    text = (
        "Year,Units,Unit multiplier,GeoCode,Value\n"
        "2010,Personen,Tausend,K03101,245.3\n"
        "2011,Personen,Einheiten,K03101,245273\n"
    )
    ds = _load(tmp_path, _write(tmp_path, "indicator_1-1-1.csv", text))
    assert sorted(ds.variables) == ["Personen", "Personen | Tausend"]
    assert value(ds, "03101", 2010, "Personen | Tausend") == pytest.approx(245.3)
    assert value(ds, "03101", 2011, "Personen") == 245273
    sdmx = (
        "Year,UNIT_MEASURE,UNIT_MULT,GeoCode,Value\n"
        "2010,PS,3,K03101,245.3\n"
        "2011,PS,0,K03101,245273\n"
    )
    ds = _load(tmp_path, _write(tmp_path, "sdmx.csv", sdmx))
    assert sorted(ds.variables) == ["PS", "PS | 3"]
    assert value(ds, "03101", 2011, "PS") == 245273


# ---- findings 4 and 5: observation status and SDMX columns --------------------------------
def test_observation_status_codes_are_flags_not_dropped(tmp_path: Path) -> None:
    text = (
        "Year,Gebietseinheit,Units,Observation status,GeoCode,Value\n"
        '2022,"Braunschweig, Stadt",Prozent,A,K03101,12.7\n'
        '2023,"Braunschweig, Stadt",Prozent,P,K03101,12.8\n'
        '2020,"Salzgitter, Stadt",Prozent,E,K03102,13.5\n'
        '2021,"Salzgitter, Stadt",Prozent,,K03102,13.6\n'
    )
    ds = _load(tmp_path, _write(tmp_path, "indicator_10-2-1.csv", text))
    assert ds.variables == ["Prozent"]  # one series, whatever the status
    assert value(ds, "03101", 2023, "Prozent") == pytest.approx(12.8)
    assert _flag(ds, "03101", 2023, "Prozent") == "provisional"
    assert _flag(ds, "03102", 2020, "Prozent") == "estimated"
    assert _flag(ds, "03101", 2022, "Prozent") is None
    assert _flag(ds, "03102", 2021, "Prozent") is None
    assert not len(ds.warnings)


def test_observation_status_in_words_and_unknown_ones(tmp_path: Path) -> None:
    text = (
        "Year,Gebietseinheit,Units,Observation status,GeoCode,Value\n"
        '2022,"Braunschweig, Stadt",Anzahl,Normaler Wert,K03101,1000\n'
        '2023,"Braunschweig, Stadt",Anzahl,Vorläufiger Wert,K03101,1001\n'
        '2022,"Salzgitter, Stadt",Anzahl,Estimated value,K03102,1100\n'
        '2023,"Salzgitter, Stadt",Anzahl,B,K03102,1101\n'
    )
    ds = _load(tmp_path, _write(tmp_path, "indicator_16-7-1.csv", text))
    assert ds.variables == ["Anzahl"]
    assert _flag(ds, "03101", 2022, "Anzahl") is None
    assert _flag(ds, "03101", 2023, "Anzahl") == "provisional"
    assert _flag(ds, "03102", 2022, "Anzahl") == "estimated"
    # B (a break in the series) is no flag the library has: read, with a warning
    assert value(ds, "03102", 2023, "Anzahl") == 1101
    assert _flag(ds, "03102", 2023, "Anzahl") is None
    warned = ds.warnings.query("code == 'unknown_mark'")
    assert warned[["row", "column", "value"]].to_numpy().tolist() == [
        [5, "Observation status", "B"]
    ]


def test_observation_flags_codes_and_words() -> None:
    status = pd.Series(["A", "P", "E", "F", "I", "U", "geschätzt", "endgültig", "revidiert", "x"])
    flags, warnings = observation_flags(status, pd.RangeIndex(10).to_numpy() + 2, "s", "OBS")
    assert flags.tolist() == [
        "",
        "provisional",
        "estimated",
        "estimated",
        "estimated",
        "limited_value",
        "estimated",
        "final",
        "revised",
        "",
    ]
    assert warnings[0]["value"].tolist() == ["x"]


def test_the_librarys_own_flag_names_are_no_observation_status() -> None:
    """``nothing_there`` (an exact zero) was taken from a status cell as a flag, and a
    figure of 7 read as "exactly zero" without a word: only SDMX codes and words count."""
    status = pd.Series(["nothing_there", "limited_value", "provisional"])
    flags, warnings = observation_flags(status, np.arange(3) + 2, "s", "OBS")
    assert flags.tolist() == ["", "", "provisional"]
    assert warnings[0]["value"].tolist() == ["nothing_there", "limited_value"]


def test_sdmx_columns_are_read_as_open_sdg_reads_them(tmp_path: Path) -> None:
    """``SERIES`` and ``UNIT_MEASURE`` name the variable, ``UNIT_MULT`` 0 is ones,
    ``OBS_STATUS`` is the flag, ``COMMENT_OBS`` and ``DATA_LAST_UPDATE`` are left out: one
    series, where the file used to give one per status and update date."""
    text = (
        "Year,SERIES,UNIT_MEASURE,UNIT_MULT,OBS_STATUS,COMMENT_OBS,DATA_LAST_UPDATE,"
        "Gebietseinheit,GeoCode,Value\n"
        '2022,SL_TLF_UEM,PT,0,A,,2023-03-10,"Braunschweig, Stadt",K03101,5.4\n'
        '2023,SL_TLF_UEM,PT,0,P,vorläufiges Ergebnis,2024-03-15,"Braunschweig, Stadt",K03101,5.7\n'
        '2021,SL_TLF_UEM,PT,0,E,,2023-03-10,"Wolfsburg, Stadt",K03103,7.1\n'
    )
    ds = _load(tmp_path, _write(tmp_path, "indicator_8-5-2.csv", text))
    assert ds.variables == ["SL_TLF_UEM | PT"]
    assert value(ds, "03101", 2023, "SL_TLF_UEM | PT") == pytest.approx(5.7)
    assert _flag(ds, "03101", 2023, "SL_TLF_UEM | PT") == "provisional"
    assert _flag(ds, "03103", 2021, "SL_TLF_UEM | PT") == "estimated"
    assert _flag(ds, "03101", 2022, "SL_TLF_UEM | PT") is None


def test_an_open_sdg_sheet_with_a_status_and_a_multiplier(tmp_path: Path) -> None:
    """The same in a workbook sheet (behind a sheet of notes), as a Landesamt keeps it."""
    head = ["Year", "Series", "Units", "Unit multiplier", "OBS_STATUS", "Gebietseinheit"]
    rows = [
        [*head, "GeoCode", "Value"],
        [2022, "Erwerbstätige", "Anzahl", "Tausend", "A", "Braunschweig, Stadt", "K03101", 180.9],
        [2023, "Erwerbstätige", "Anzahl", "Tausend", "P", "Braunschweig, Stadt", "K03101", 181.6],
    ]
    with pd.ExcelWriter(tmp_path / "8-5-1.xlsx") as writer:
        pd.DataFrame([["Hinweise"], ["Quelle: AK ETR"]]).to_excel(
            writer, sheet_name="Hinweise", header=False, index=False
        )
        pd.DataFrame(rows).to_excel(writer, sheet_name="Daten", header=False, index=False)
    ds = _load(tmp_path, "8-5-1.xlsx", sheet="Daten")
    label = "Erwerbstätige | Anzahl | Tausend"
    assert ds.variables == [label]
    assert value(ds, "03101", 2023, label) == pytest.approx(181.6)
    assert _flag(ds, "03101", 2023, label) == "provisional"
    assert _flag(ds, "03101", 2022, label) is None


@pytest.mark.parametrize("kept_in", ["csv", "xlsx"])
def test_an_open_sdg_file_leaves_out_other_units_in_a_workbook_too(
    tmp_path: Path, kept_in: str
) -> None:
    """The Land's other Kreise in an Open SDG file are left out with one warning where
    the units table does not list them; kept in a workbook, they were errors
    (``unknown_unit``), as if the file were a town's own table."""
    rows = [["Year", "GeoCode", "Value"], [2021, "K03101", 7.5], [2021, "K03102", 8.0]]
    path = tmp_path / f"indicator_4-1-1.{kept_in}"
    if kept_in == "csv":
        path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    else:
        pd.DataFrame(rows).to_excel(path, header=False, index=False)
    units = pd.DataFrame({"unit": ["03101"], "name": ["Braunschweig, Stadt"]})
    ds = mi.load_data(path, units=units)
    assert list(ds.unit_ids) == ["03101"]
    assert ds.warnings["code"].tolist() == ["other_units"]


# ---- finding 3: NUTS GeoCodes ---------------------------------------------------------------
NUTS = (
    "Year,Units,dimension,Bundesland,GeoCode,Value\n"
    "2014,ha/d,Insgesamt,,,69.2\n"
    "2014,ha/d,Insgesamt,bw,DE1,6.7\n"
    "2014,ha/d,Insgesamt,by,DE2,20.8\n"
    "2014,ha/d,Insgesamt,ni,DE9,8.0\n"
    "2014,ha/d,Insgesamt,nw,DEA,11.5\n"
    "2014,ha/d,Insgesamt,sh,DEF,3.0\n"
)


def test_nuts_codes_of_the_laender_are_their_keys(tmp_path: Path) -> None:
    """The national platform keys the Länder by NUTS-1 codes (``DE1`` is
    Baden-Württemberg, ``08``); stripped to their digits, ``DE1`` became Schleswig-
    Holstein's ``01`` and ``DE9`` Bayern's ``09``. The national row (no GeoCode) is the
    source's ``unit``."""
    _write(tmp_path, "11-1-a.csv", NUTS)
    ds = _load(tmp_path, "11-1-a.csv", unit="DG")
    label = "ha/d | Insgesamt"
    assert value(ds, "08", 2014, label) == pytest.approx(6.7)
    assert value(ds, "09", 2014, label) == pytest.approx(20.8)
    assert value(ds, "03", 2014, label) == pytest.approx(8.0)
    assert value(ds, "05", 2014, label) == pytest.approx(11.5)
    assert value(ds, "01", 2014, label) == pytest.approx(3.0)
    assert value(ds, "DG", 2014, label) == pytest.approx(69.2)
    # inspect proposes no padding for them
    assert (
        describe_source(SourceSpec(path="11-1-a.csv", unit="DG"), base_dir=tmp_path).proposed_key
        == {}
    )


def test_nuts_keys() -> None:
    codes = pd.Series(["DE", "DE1", "DEG", "DE9", "DE91", "DE911", "K03101", "DE03101"])
    keys, deeper = nuts_keys(codes)
    assert keys.tolist() == ["DG", "08", "16", "03", "DE91", "DE911", "K03101", "DE03101"]
    assert deeper.tolist() == [False, False, False, False, True, True, False, False]
    # lower case as a spreadsheet's lower() leaves it: ``de9`` became key ``9`` (and the
    # ``pad: auto`` inspect then proposed made Niedersachsen's figures Bayern's, ``09``)
    lower, deeper = nuts_keys(pd.Series(["de9", "dea", "de91"]))
    assert lower.tolist() == ["03", "05", "de91"] and deeper.tolist() == [False, False, True]


def test_deeper_nuts_codes_are_refused_as_nuts_codes(tmp_path: Path) -> None:
    text = (
        "Year,Units,Gebietseinheit,GeoCode,Value\n"
        "2022,Anzahl,Niedersachsen,DE9,100\n"
        "2022,Anzahl,Braunschweig,DE91,40\n"
        '2022,Anzahl,"Braunschweig, Kreisfreie Stadt",DE911,20\n'
    )
    failures = _failures(tmp_path, _write(tmp_path, "nuts3.csv", text))
    refused = failures.query("code == 'key_not_in_scheme'")
    assert refused["value"].tolist() == ["DE91", "DE911"]
    assert refused["row"].tolist() == [3, 4]
    reason = refused["reason"].iloc[0]
    assert "NUTS code" in reason and "pad" not in reason
    assert "filter: {GeoCode: [DE9]}" in reason and "unit_column: Gebietseinheit" in reason
    # as the message says: the Land's rows alone read
    ds = _load(tmp_path, "nuts3.csv", filter={"GeoCode": "DE9"})
    assert value(ds, "03", 2022, "Anzahl") == 100


def test_codes_shaped_as_nuts_codes_that_are_none_are_refused(tmp_path: Path) -> None:
    # no Land's NUTS code begins DE0: stripped as a platform's prefix, DE01 became
    # Schleswig-Holstein's 01 and DE0 a key 0, without a word
    text = "Year,GeoCode,Value\n2023,DE0,1\n2023,DE01,2\n2023,DE01,3\n2023,DE9,4\n"
    failures = _failures(tmp_path, _write(tmp_path, "de0.csv", text))
    refused = failures.query("code == 'key_not_in_scheme'")
    assert refused["value"].tolist() == ["DE0", "DE01"]
    assert refused["row"].tolist() == [2, 3]
    assert "DE1 to DEG" in refused["reason"].iloc[0]
    # a platform's prefix before a whole key is still one; before digits of no key's
    # length (4: DE0310) it was stripped to a key 0310 too
    _write(tmp_path, "prefixed.csv", "Year,GeoCode,Value\n2023,DE03101,5\n")
    assert value(_load(tmp_path, "prefixed.csv"), "03101", 2023, "Value") == 5
    _write(tmp_path, "four.csv", "Year,GeoCode,Value\n2023,DE0310,5\n2023,DE9111,6\n")
    refused = _failures(tmp_path, "four.csv").query("code == 'key_not_in_scheme'")
    assert refused["value"].tolist() == ["DE0310", "DE9111"]


# ---- finding 10: the whole reporting area ----------------------------------------------------
def test_rows_without_a_geocode_are_keyed_by_unit(tmp_path: Path) -> None:
    text = (
        "Year,Units,Gebietseinheit,GeoCode,Value\n"
        "2021,Prozent,,,18.4\n"
        '2021,Prozent,"Braunschweig, Stadt",K03101,16.9\n'
    )
    _write(tmp_path, "indicator_1-1-1.csv", text)
    ds = _load(tmp_path, "indicator_1-1-1.csv", unit="03")
    assert value(ds, "03", 2021, "Prozent") == pytest.approx(18.4)
    assert value(ds, "03101", 2021, "Prozent") == pytest.approx(16.9)
    # without unit: the error says what the row is and how to key it
    failures = _failures(tmp_path, "indicator_1-1-1.csv")
    keyless = failures.query("code == 'empty_key'")
    assert keyless["row"].tolist() == [2]
    assert "whole reporting area" in keyless["value"].iloc[0]
    assert "unit:" in keyless["value"].iloc[0]


def test_a_lands_row_without_a_geocode_gets_its_key(tmp_path: Path) -> None:
    text = (
        "Year,Gebietseinheit,Units,GeoCode,Value\n"
        "2022,Niedersachsen,Prozent,,13.0\n"
        '2022,"Braunschweig, Stadt",Prozent,K03101,14.1\n'
    )
    _write(tmp_path, "indicator_1-3-1.csv", text)
    units = pd.DataFrame({"AGS": ["03101", "03"], "name": ["Braunschweig, Stadt", "Niedersachsen"]})
    units.to_csv(tmp_path / "units.csv", index=False)
    ds = load_sources(
        [SourceSpec(path="indicator_1-3-1.csv")], base_dir=tmp_path, units=tmp_path / "units.csv"
    )
    assert value(ds, "03", 2022, "Prozent") == pytest.approx(13.0)
    assert value(ds, "03101", 2022, "Prozent") == pytest.approx(14.1)
    assert "other_units" not in set(ds.warnings["code"])


# ---- finding 11: reporting type ---------------------------------------------------------------
def test_reporting_type_that_changes_is_part_of_the_label(tmp_path: Path) -> None:
    text = (
        "Year,Units,Reporting type,COMMENT_TS,Value\n"
        "2021,Prozent,N,nationale Abgrenzung,18.4\n"
        "2021,Prozent,G,globale Abgrenzung,16.9\n"
    )
    _write(tmp_path, "indicator_1-1-1.csv", text)
    ds = _load(tmp_path, "indicator_1-1-1.csv", unit="03101000")
    assert value(ds, "03101000", 2021, "Prozent | N") == pytest.approx(18.4)
    assert value(ds, "03101000", 2021, "Prozent | G") == pytest.approx(16.9)
    national = _load(
        tmp_path, "indicator_1-1-1.csv", unit="03101000", filter={"Reporting type": "N"}
    )
    assert national.variables == ["Prozent"]
    assert value(national, "03101000", 2021, "Prozent") == pytest.approx(18.4)
    # one reporting type throughout: no part of the label
    _write(tmp_path, "one.csv", "Year,Units,Reporting type,Value\n2021,Prozent,N,18.4\n")
    assert _load(tmp_path, "one.csv", unit="03").variables == ["Prozent"]


# ---- finding 12: filter and pivot on the file's own columns --------------------------------
SERIES_UNITS = (
    "Year,Series,Units,Observation status,Staatsangehörigkeit,Gebietseinheit,GeoCode,Value\n"
    '2022,Erwerbstätigenquote,Prozent,A,,"Braunschweig, Stadt",K03101,75.2\n'
    '2022,Erwerbstätigenquote,Prozent,A,Ausländer/-innen,"Braunschweig, Stadt",K03101,61.0\n'
    '2023,Erwerbstätigenquote,Prozent,P,,"Braunschweig, Stadt",K03101,75.4\n'
    '2022,Erwerbstätige,Anzahl,A,,"Braunschweig, Stadt",K03101,120000\n'
)


def test_filter_and_pivot_name_the_files_own_columns(tmp_path: Path) -> None:
    _write(tmp_path, "indicator_8-5-1.csv", SERIES_UNITS)
    year = _load(tmp_path, "indicator_8-5-1.csv", filter={"Year": "2022"})
    assert list(year.years) == [2022]
    assert value(year, "03101", 2022, "Erwerbstätige | Anzahl") == 120000
    quote = _load(
        tmp_path,
        "indicator_8-5-1.csv",
        filter={"Units": "Prozent", "Series": "Erwerbstätigenquote"},
    )
    assert sorted(quote.variables) == [
        "Erwerbstätigenquote | Prozent",
        "Erwerbstätigenquote | Prozent | Ausländer/-innen",
    ]
    final = _load(tmp_path, "indicator_8-5-1.csv", filter={"Observation status": "A"})
    assert list(final.years) == [2022]
    pivot = ["Observation status", "Staatsangehörigkeit", "Units"]  # Units: in every label
    by_status = _load(tmp_path, "indicator_8-5-1.csv", pivot=pivot)
    assert value(by_status, "03101", 2023, "Erwerbstätigenquote | Prozent | P") == pytest.approx(
        75.4
    )


def test_an_unknown_filter_column_lists_the_files_columns_and_inspect_fails(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "indicator_8-5-1.csv", SERIES_UNITS)
    failures = _failures(tmp_path, "indicator_8-5-1.csv", filter={"Jahr": "2022"})
    (reason,) = failures.query("code == 'missing_column'")["reason"]
    assert reason.endswith(
        "columns are: Year, Series, Units, Observation status, Staatsangehörigkeit, "
        "Gebietseinheit, GeoCode, Value"
    )
    # inspect refuses it too, rather than pasting an entry that cannot load
    spec = SourceSpec(path="indicator_8-5-1.csv", filter={"Jahr": "2022"})
    with pytest.raises(DataValidationError):
        describe_source(spec, base_dir=tmp_path)
    spec = SourceSpec(path="indicator_8-5-1.csv", pivot=["Geschlecht"])
    with pytest.raises(DataValidationError, match="columns are: Year, Series"):
        describe_source(spec, base_dir=tmp_path)


@pytest.mark.parametrize("option", ["name_column", "unit_column"])
def test_a_unit_or_name_column_the_file_lacks_lists_the_files_columns(
    tmp_path: Path, option: str
) -> None:
    """A mistyped ``name_column`` read as ``cannot read: 'Nope'`` (a KeyError shown as a
    data problem); a mistyped ``unit_column`` as a file without a GeoCode column."""
    _write(tmp_path, "indicator_8-5-1.csv", SERIES_UNITS)
    failures = _failures(tmp_path, "indicator_8-5-1.csv", **{option: "Nope"})
    (reason,) = failures["reason"]
    assert f"{option} names a column the source does not have" in reason
    assert reason.endswith(
        "columns are: Year, Series, Units, Observation status, Staatsangehörigkeit, "
        "Gebietseinheit, GeoCode, Value"
    )
    # inspect refuses it too, rather than pasting an entry that cannot load
    with pytest.raises(DataValidationError, match=f"{option} names a column"):
        describe_source(
            SourceSpec(path="indicator_8-5-1.csv", **{option: "Nope"}), base_dir=tmp_path
        )


def test_a_header_of_many_disaggregations_is_still_an_open_sdg_header(tmp_path: Path) -> None:
    """Open SDG writes ``Value`` last: with 150 disaggregation columns the header is
    longer than the 4,096 bytes detection looked at, and the file was read as a plain
    table (every disaggregation a variable, ``K03101`` an own key)."""
    classes = [f"Merkmal {i:03d} der Aufgliederung" for i in range(150)]
    header = ",".join(["Year", "GeoCode", *classes, "Value"])
    assert len(header.encode()) > 4096
    blanks = "," * (len(classes) - 1)
    text = f"{header}\n2021,K03101,{blanks},7.5\n2022,K03101,{blanks},8.25\n"
    ds = _load(tmp_path, _write(tmp_path, "indicator_4-1-1.csv", text))
    assert list(ds.unit_ids) == ["03101"] and ds.variables == ["Value"]
    assert value(ds, "03101", 2022, "Value") == pytest.approx(8.25)


def test_columns_alike_but_for_case_or_two_statuses_are_refused_and_no_others(
    tmp_path: Path,
) -> None:
    """``GeoCode`` beside ``GEOCODE``, or two status columns: one was read, the other
    dropped without a word. ``Gruppe 1`` beside ``Gruppe 1.5`` (two classes) was refused
    as a head pandas had told apart, and two columns without a head are no pair."""
    for text, named in [
        ("Year,GeoCode,GEOCODE,Value\n2021,K03101,K03101,7.5\n", "'GeoCode' and 'GEOCODE'"),
        (
            "Year,GeoCode,Observation status,OBS_STATUS,Value\n2021,K03101,A,A,7.5\n",
            "'Observation status' and 'OBS_STATUS'",
        ),
    ]:
        (reason,) = _failures(tmp_path, _write(tmp_path, "indicator_4-1-1.csv", text))["reason"]
        assert "heads columns alike (" in reason and named in reason
    # Open SDG's Series beside SDMX's SERIES are two columns the reader tells apart
    text = "Year,GeoCode,Series,SERIES,Value\n2021,K03101,Anzahl,SL_TLF,7.5\n"
    (series,) = _load(tmp_path, _write(tmp_path, "indicator_8-5-2.csv", text)).variables
    assert "Anzahl" in series
    text = "Year,GeoCode,Gruppe 1,Gruppe 1.5,,,Value\n2021,K03101,a,b,,,7.5\n"
    ds = _load(tmp_path, _write(tmp_path, "indicator_4-1-2.csv", text))
    (variable,) = ds.variables
    assert value(ds, "03101", 2021, variable) == pytest.approx(7.5)


@pytest.mark.parametrize("twice", ["Value", "Year", "GeoCode"])
def test_a_column_headed_twice_is_refused_with_its_name(tmp_path: Path, twice: str) -> None:
    """A second ``Value`` became the disaggregation ``Value.1``: its figures turned into
    labels (``Value | 2``) and the file read without a word."""
    cells = {"Year": "2021", "GeoCode": "K03101", "Value": "7.5"}
    heads = ["Year", "GeoCode", "Value", twice]
    text = ",".join(heads) + "\n" + ",".join(cells[h] for h in heads) + "\n"
    failures = _failures(tmp_path, _write(tmp_path, "indicator_4-1-1.csv", text))
    (reason,) = failures["reason"]
    assert f"heads columns alike ('{twice}' and '{twice}')" in reason


# ---- finding 13: a Region disaggregation ------------------------------------------------------
def test_a_region_disaggregation_with_unit_given(tmp_path: Path) -> None:
    text = (
        "Year,Units,Region,Value\n"
        "2021,Prozent,,12.0\n"
        "2021,Prozent,Früheres Bundesgebiet ohne Berlin,11.5\n"
        "2021,Prozent,Neue Länder einschl. Berlin,14.1\n"
    )
    _write(tmp_path, "indicator_10-1-1.csv", text)
    for options in ({"unit": "DG"}, {"unit": "DG", "pivot": ["Region"]}):
        ds = _load(tmp_path, "indicator_10-1-1.csv", **options)
        assert list(ds.unit_ids) == ["DG"]
        assert value(ds, "DG", 2021, "Prozent") == pytest.approx(12.0)
        assert value(ds, "DG", 2021, "Prozent | Neue Länder einschl. Berlin") == pytest.approx(14.1)
    entry = describe_source(SourceSpec(path="indicator_10-1-1.csv", unit="DG"), base_dir=tmp_path)
    assert entry.proposed_key == {}


# ---- finding 14: a ; file with decimal commas -------------------------------------------------
def test_a_semicolon_file_with_decimal_commas(tmp_path: Path) -> None:
    text = (
        "Year;Gebietseinheit;Geschlecht;Units;GeoCode;Value\n"
        "2022;Braunschweig, Stadt;;Prozent;K03101;9,5\n"
        "2022;Braunschweig, Stadt;weiblich;Prozent;K03101;8,5\n"
    )
    _write(tmp_path, "indicator_4-4-1.csv", text)
    ds = _load(tmp_path, "indicator_4-4-1.csv")
    assert value(ds, "03101", 2022, "Prozent") == pytest.approx(9.5)
    assert value(ds, "03101", 2022, "Prozent | weiblich") == pytest.approx(8.5)
    assert describe_source(SourceSpec(path="indicator_4-4-1.csv"), base_dir=tmp_path).decimal == ","
    # point decimals in a ; file stay so, a share's three decimals too
    points = text.replace("9,5", "7.125").replace("8,5", "6.85")
    ds = _load(tmp_path, _write(tmp_path, "points.csv", points))
    assert value(ds, "03101", 2022, "Prozent") == pytest.approx(7.125)


# ---- finding 15: pooled periods --------------------------------------------------------------
def test_a_period_of_years_says_so_and_reads_with_filter_and_year(tmp_path: Path) -> None:
    text = (
        "Year,Gebietseinheit,Units,GeoCode,Value\n"
        '2015-2017,"Braunschweig, Stadt",Prozent,K03101,22.4\n'
        '2021-2023,"Braunschweig, Stadt",Prozent,K03101,21.9\n'
    )
    _write(tmp_path, "indicator_1-2-1.csv", text)
    failures = _failures(tmp_path, "indicator_1-2-1.csv")
    assert failures["code"].tolist() == ["not_a_year", "not_a_year"]
    assert failures["value"].tolist() == ["2015-2017", "2021-2023"]
    reason = failures["reason"].iloc[0]
    assert "period of several years" in reason and "change" not in reason
    assert "filter: {Year: 2021-2023} with year: 2023" in reason
    ds = _load(tmp_path, "indicator_1-2-1.csv", filter={"Year": "2021-2023"}, year=2023)
    assert list(ds.years) == [2023]
    assert value(ds, "03101", 2023, "Prozent") == pytest.approx(21.9)


# ---- finding 20: GeoCodes stored as numbers ---------------------------------------------------
def test_geocodes_stored_as_numbers_in_a_sheet_are_reported(tmp_path: Path) -> None:
    rows = [
        ["Year", "Gebietseinheit", "Units", "GeoCode", "Value"],
        [2022, "Braunschweig, Stadt", "Anzahl", 3101, 251804],
        [2022, "dav. Hannover, Lhst.", "Anzahl", 3241001, 548186],
    ]
    pd.DataFrame(rows).to_excel(tmp_path / "1-1-3.xlsx", header=False, index=False)
    failures = _failures(tmp_path, "1-1-3.xlsx")
    numeric = failures.query("code == 'numeric_keys'")
    assert numeric["value"].tolist() == ["3101", "3241001"]
    assert numeric["row"].tolist() == [2, 3]
    described = describe_source(SourceSpec(path="1-1-3.xlsx"), base_dir=tmp_path)
    assert described.proposed_key == {"pad": "auto"}
    ds = _load(tmp_path, "1-1-3.xlsx", key={"pad": "auto"})
    assert value(ds, "03101", 2022, "Anzahl") == 251804
    assert value(ds, "03241001", 2022, "Anzahl") == 548186


def test_a_land_written_with_its_district_digit_zero_is_the_land() -> None:
    """The real Niedersachsen file keys the Land ``K030`` (``03`` and the Regierungsbezirk
    digit 0, as the Kreise of a Land without Regierungsbezirke carry it): it is the Land
    ``03`` - its 2005 population 7,993,946, read by hand - not a unit ``030`` that a units
    table listing ``03`` left out while saying ``03`` had no data."""
    real = Path(__file__).parent / "fixtures" / "real-data"
    ds = load_sources([SourceSpec(path="indicator_1-1-1.csv")], base_dir=real)
    assert "030" not in set(ds.unit_ids)
    long = ds.long
    land = long[(long["unit"] == "03") & (long["year"] == 2005)]
    assert land["value"].tolist() == [7993946]
    region = long[(long["unit"] == "031") & (long["year"] == 2005)]
    assert region["value"].tolist() == [1650435]  # K031, the Statistische Region
