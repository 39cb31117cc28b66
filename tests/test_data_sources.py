"""Reading the real official exports in tests/fixtures/real-data through SourceSpecs.

Every expected value below was read by hand from the raw file (file, unit, year, label,
value), not from the reader's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import value

import mint_index as mi
from mint_index.data.load import describe_source, load_sources
from mint_index.data.readers import SAMPLE_CHARS
from mint_index.data.source import KeySpec, SourceSpec
from mint_index.errors import DataValidationError

REAL = Path(__file__).parent / "fixtures" / "real-data"


def load(name: str, **spec: object) -> mi.Dataset:
    return load_sources([SourceSpec(path=name, **spec)], base_dir=REAL)


# ---- classic GENESIS ----------------------------------------------------------------
def test_genesis_date_header_row_gives_the_year() -> None:
    # 01001;      Flensburg, Kreisfreie Stadt;85942;42767;43175 under 31.12.2015
    ds = load("12411-01-01-4.csv")
    assert value(ds, "01001", 2015, "Insgesamt") == 85942
    assert value(ds, "01001", 2015, "weiblich") == 43175
    assert value(ds, "DG", 2015, "männlich") == 40514123
    assert ds.units.loc["01001", "name"] == "Flensburg, Kreisfreie Stadt"


def test_genesis_date_column_and_multi_row_header() -> None:
    # 15.09.2013;09162000;München, Landeshauptstadt;909641;62,7;562863;206491;180832;...
    ds = load("14339-01-02-5_00.csv")
    assert value(ds, "09162000", 2013, "Wahlberechtigte | Anzahl") == 909641
    assert value(ds, "09162000", 2013, "Wahlbeteiligung | Prozent") == pytest.approx(62.7)
    assert value(ds, "09162000", 2013, "Gültige Stimmen | Parteien | SPD | Anzahl") == 180832


def test_genesis_bare_date_line_above_the_header_gives_the_year() -> None:
    # 01.03.2016;;;... then 01001;Flensburg;8;-;195;7;222;3;48;-;-;-;-;1;.
    ds = load("41141-03-01-4.csv")
    assert list(ds.years) == [2016]
    assert value(ds, "01001", 2016, "Viehbestand | GV") == 195
    cattle = "Landwirtschaftliche Betriebe mit Viehhaltung | Milchkühe | Tiere | Anzahl"
    assert value(ds, "01001", 2016, cattle) == 48
    sheep = "Landwirtschaftliche Betriebe mit Viehhaltung | Schafe | Tiere | Anzahl"
    long = ds.long.set_index(["unit", "variable"])
    assert long.loc[("01001", sheep), "missing_reason"] == "unknown_or_secret"  # "."


def test_genesis_blank_header_cell_is_no_further_level() -> None:
    # 2015;01001;Flensburg;143;128;126;-;2;3223;12;3 - "voraussichtliche Forderungen"
    # has blank cells below it: not "Beantragte Verfahren | Schuldenbereinigungsplan ..."
    ds = load("52411-03-01-4_00.csv")
    assert value(ds, "01001", 2015, "voraussichtliche Forderungen (Verbraucher) | Tsd. EUR") == 3223
    debtors = "Insolvenzverfahren (Übrige Schuldner) | andere Schuldner | Anzahl"
    assert value(ds, "01001", 2015, debtors) == 3
    assert not [v for v in ds.variables if "Schuldenbereinigungsplan" in v and "Übrige" in v]


def test_genesis_full_label_mapping_matches_what_describe_shows() -> None:
    spec = SourceSpec(path="52411-03-01-4_00.csv")
    labels = [v.label for v in describe_source(spec, base_dir=REAL).variables]
    full = "voraussichtliche Forderungen (Verbraucher) | Tsd. EUR"
    assert full in labels
    ds = load("52411-03-01-4_00.csv", mapping={full: "claims"})
    assert list(ds.variables) == ["claims"]
    assert value(ds, "01001", 2015, "claims") == 3223


def test_genesis_table_code_is_on_the_description() -> None:
    described = describe_source(SourceSpec(path="12411-01-01-4.csv"), base_dir=REAL)
    assert described.table == "12411-01-01-4"
    assert described.format == "genesis"
    assert described.years == [2015]
    assert described.key_scheme == "ags"


# ---- other layouts ------------------------------------------------------------------
def test_genesis_flat_file_is_detected() -> None:
    # ...;08222;Mannheim, Stadtkreis;GES;Geschlecht;GESW;weiblich;158789;Anzahl;BEVSTD;...
    # ...;08222;Mannheim, Stadtkreis;GES;Geschlecht;;Insgesamt;318035;...  (time 2024-12-31)
    ds = load("12411-01-01-4_flat.csv")
    assert value(ds, "08222", 2024, "Bevölkerungsstand (Anzahl) | weiblich") == 158789
    assert value(ds, "08222", 2024, "Bevölkerungsstand (Anzahl) | Insgesamt") == 318035
    assert ds.units.loc["08222", "name"] == "Mannheim, Stadtkreis"
    described = describe_source(SourceSpec(path="12411-01-01-4_flat.csv"), base_dir=REAL)
    assert (described.format, described.table) == ("genesis-flat", "12411-01-01-4")


def test_genesis_flat_filter_keeps_the_total() -> None:
    # 15153;Bernburg, Kreis;GES;Geschlecht;;Insgesamt;-  -> a "nothing there" zero
    ds = load("12411-01-01-4_flat.csv", filter={"Geschlecht": "Insgesamt"})
    assert list(ds.variables) == ["Bevölkerungsstand (Anzahl)"]
    assert value(ds, "15153", 2024, "Bevölkerungsstand (Anzahl)") == 0
    assert value(ds, "08222", 2024, "Bevölkerungsstand (Anzahl)") == 318035


def test_opensdg_is_detected_and_geocode_prefix_dropped() -> None:
    # 2005,"Braunschweig, Stadt",K03101,245273 and 2005,"dav. Hannover, Lhst.",K03241001,515729
    ds = load("indicator_1-1-1.csv")
    assert value(ds, "03101", 2005, "Value") == 245273
    assert value(ds, "03241001", 2005, "Value") == 515729
    assert ds.units.loc["03101", "name"] == "Braunschweig, Stadt"
    assert describe_source(SourceSpec(path="indicator_1-1-1.csv"), base_dir=REAL).format == (
        "opensdg"
    )


def _sdg_by_name(tmp_path: Path) -> tuple[Path, Path]:
    """The real Open SDG file without its GeoCode column (a platform that writes only
    the region's name, ``Gebietseinheit``), and a units table keyed as GeoCode keys."""
    frame = pd.read_csv(REAL / "indicator_1-1-1.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["GeoCode"]).to_csv(tmp_path / "by_name.csv", index=False)
    regions = frame[["GeoCode", "Gebietseinheit"]].drop_duplicates()
    # K03101 -> 03101; K030, the Land with its district digit 0, is Niedersachsen's 03
    keys = regions["GeoCode"].str[1:].replace("030", "03")
    units = pd.DataFrame({"unit": keys, "name": regions["Gebietseinheit"]})
    units.to_csv(tmp_path / "units.csv", index=False)
    return tmp_path / "by_name.csv", tmp_path / "units.csv"


def test_an_open_sdg_file_naming_its_regions_is_keyed_by_name(tmp_path: Path) -> None:
    """Without GeoCode the rows are keyed by key: {match: name}, as with it: Braunschweig,
    Stadt 2005 is 245273 (line 2 of the real file) under its key 03101; inspect proposes
    the option."""
    data, units = _sdg_by_name(tmp_path)
    spec = SourceSpec(path=str(data), key={"match": "name"})
    ds = load_sources([spec], units=units)
    assert value(ds, "03101", 2005, "Value") == 245273
    assert value(ds, "03241001", 2005, "Value") == 515729  # dav. Hannover, Lhst.
    by_key = load_sources([SourceSpec(path=str(REAL / "indicator_1-1-1.csv"))], units=units)
    assert ds.long[["unit", "year", "value"]].sort_values(["unit", "year"]).to_numpy().tolist() == (
        by_key.long[["unit", "year", "value"]].sort_values(["unit", "year"]).to_numpy().tolist()
    )
    assert describe_source(SourceSpec(path=str(data))).proposed_key == {"match": "name"}
    # a file with GeoCode needs no option
    assert describe_source(SourceSpec(path="indicator_1-1-1.csv"), base_dir=REAL).proposed_key == {}


def test_a_source_none_of_whose_units_is_listed_is_an_error(tmp_path: Path) -> None:
    """Read without key: {match: name}, the named regions are none of the units table's:
    that used to leave an empty dataset and one warning; it is one error that says how to
    read names. A file of keys written otherwise is told how to read keys."""
    data, units = _sdg_by_name(tmp_path)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path=str(data))], units=units)
    failures = err.value.failures
    assert failures["code"].tolist() == ["no_listed_units"]
    assert failures["row"].tolist() == [2]
    assert "52 units" in failures["reason"].iloc[0]
    assert "key: {match: name}" in failures["reason"].iloc[0]
    # a Kreis table of all Germany against a units table of Bavarian Gemeinden
    bavaria = pd.DataFrame({"unit": ["09162000", "09184119"], "name": ["München", "Garching"]})
    bavaria.to_csv(tmp_path / "bavaria.csv", index=False)
    with pytest.raises(DataValidationError) as err:
        load_sources(
            [SourceSpec(path="12411-01-01-4.csv")], base_dir=REAL, units=tmp_path / "bavaria.csv"
        )
    (reason,) = err.value.failures["reason"]
    assert "526 units" in reason and "key: {pad: auto}" in reason


def test_empty_rows_in_long_files_are_passed_over(tmp_path: Path) -> None:
    """A flat file and an Open SDG file saved by a spreadsheet program, with rows of
    separators only among and below the data: read as without them (the flat file's empty
    rows used to hide its region column; Open SDG's were 'not a year'), and a problem
    still names its line of the file."""
    flat = (REAL / "12411-01-01-4_flat.csv").read_text(encoding="utf-8-sig").split("\n")
    head = flat[0].split(";")
    empty = ";" * (len(head) - 1)
    broken = flat[10].split(";")
    broken[head.index("value")] = "abc"
    lines = [*flat[:5], empty, empty, *flat[5:10], ";".join(broken), *flat[11:], empty]
    (tmp_path / "flat.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path=str(tmp_path / "flat.csv"))])
    failures = err.value.failures
    assert failures[["row", "value", "code"]].to_numpy().tolist() == [[13, "abc", "not_a_number"]]
    lines[12] = flat[10]
    (tmp_path / "flat.csv").write_text("\n".join(lines), encoding="utf-8")
    ds = load_sources([SourceSpec(path=str(tmp_path / "flat.csv"))])
    assert len(ds.long) == len(load("12411-01-01-4_flat.csv").long)
    assert value(ds, "08222", 2024, "Bevölkerungsstand (Anzahl) | Insgesamt") == 318035
    sdg = (REAL / "indicator_1-1-1.csv").read_bytes()
    (tmp_path / "sdg.csv").write_bytes(sdg.replace(b"\n2006,", b"\n,,,\n2006,", 1) + b",,,\n,,,\n")
    ds = load_sources([SourceSpec(path=str(tmp_path / "sdg.csv"))])
    assert len(ds.long) == 1040 and value(ds, "03101", 2005, "Value") == 245273


def test_wide_file_with_key_and_name_columns_needs_only_the_year() -> None:
    # 093;Köln I;267;267;191277;132837;69,45;...
    ds = load("koeln_btw2013_wahlkreis.csv", year=2013)
    assert value(ds, "093", 2013, "Wahlberechtigte") == 191277
    assert value(ds, "093", 2013, "Wahlbeteiligung") == pytest.approx(69.45)
    assert ds.units.loc["093", "name"] == "Köln I"
    with pytest.raises(DataValidationError, match="year"):
        load("koeln_btw2013_wahlkreis.csv")


def test_an_election_office_export_keys_its_districts(tmp_path: Path) -> None:
    # the open-data export of election software: the town's AGS on every row, the
    # districts in gebiet-nr and gebiet-name, the election day in datum
    (tmp_path / "irw.csv").write_text(
        "datum;wahl;ags;gebiet-nr;gebiet-name;A;B;D;D1\n"
        "13.09.2020;Integrationsratswahl;05315000;0101;Altstadt/Süd;5290;700;695;400\n"
        "13.09.2020;Integrationsratswahl;05315000;0102;Neustadt/Süd;4250;500;497;300\n",
        encoding="utf-8",
    )
    ds = load_sources([SourceSpec(path="irw.csv")], base_dir=tmp_path)
    assert value(ds, "0101", 2020, "A") == 5290
    assert value(ds, "0102", 2020, "D1") == 300
    assert ds.units.loc["0102", "name"] == "Neustadt/Süd"
    assert "ags" not in set(ds.variables)  # the town's key is no figure
    # the election's name, the same on every row, is a caption: left out with a warning
    (caption,) = ds.warnings[ds.warnings["code"] == "caption_column"].itertuples()
    assert (caption.column, caption.value, caption.row) == ("wahl", "Integrationsratswahl", 2)
    assert "wahl" not in set(ds.variables)
    quiet = SourceSpec(path="irw.csv", expected_warnings=["caption_column"])
    assert not len(load_sources([quiet], base_dir=tmp_path).warnings)


def test_a_town_time_series_keeps_its_key(tmp_path: Path) -> None:
    # one key on every row, but the rows are years: the key is the place's
    (tmp_path / "ts.csv").write_text(
        "AGS;Jahr;Bezirk-Nr;Einwohner\n05315000;2021;1;1080000\n05315000;2022;2;1084000\n"
    )
    ds = load_sources([SourceSpec(path="ts.csv")], base_dir=tmp_path)
    assert value(ds, "05315000", 2022, "Einwohner") == 1084000


def test_a_running_number_is_no_key(tmp_path: Path) -> None:
    (tmp_path / "ba.csv").write_text(
        "Lfd. Nr.;Gemeinde;Beschäftigte\n1;05315 Köln, Stadt;612000\n2;05111 Düsseldorf, Stadt;4\n"
    )
    ds = load_sources([SourceSpec(path="ba.csv", year=2023)], base_dir=tmp_path)
    assert value(ds, "05315", 2023, "Beschäftigte") == 612000


def test_a_town_table_with_a_title_above_and_notes_below(tmp_path: Path) -> None:
    """The real Köln file as a statistics office's spreadsheet export: title and source
    lines above the header, an empty row and a footnote below the last district."""
    real = (REAL / "koeln_btw2013_wahlkreis.csv").read_text(encoding="utf-8").splitlines()
    fields = real[0].count(";")
    lines = [
        "Bundestagswahl 2013: Ergebnisse nach Wahlkreisen" + ";" * fields,
        "Quelle: Stadt Köln, Amt für Stadtentwicklung und Statistik" + ";" * fields,
        ";" * fields,
        *real,
        ";" * fields,
        "1) vorläufiges amtliches Endergebnis" + ";" * fields,
    ]
    (tmp_path / "wahl.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_sources([SourceSpec(path="wahl.csv", year=2013)], base_dir=tmp_path)
    same = load("koeln_btw2013_wahlkreis.csv", year=2013)
    assert value(ds, "093", 2013, "Wahlberechtigte") == 191277  # 093;Köln I;267;267;191277
    assert ds.long["value"].equals(same.long["value"])  # NaN where the file is empty
    note = ds.warnings.query("code == 'note_below_table'")
    assert note[["row", "value"]].to_numpy().tolist() == [
        [len(lines), "1) vorläufiges amtliches Endergebnis"]
    ]
    described = describe_source(SourceSpec(path="wahl.csv", year=2013), base_dir=tmp_path)
    assert described.title == (
        "Bundestagswahl 2013: Ergebnisse nach Wahlkreisen · "
        "Quelle: Stadt Köln, Amt für Stadtentwicklung und Statistik"
    )


def test_a_title_with_a_comma_does_not_make_the_comma_the_separator(tmp_path: Path) -> None:
    """As a text editor or a script writes a title: no separators after it, a comma in
    it (``..., Stand ...``). The separator was taken from the title line, the table read
    as one column; the table's own lines decide it now."""
    real = (REAL / "koeln_btw2013_wahlkreis.csv").read_text(encoding="utf-8")
    titled = "Bundestagswahl 2013, Ergebnisse nach Wahlkreisen\n\n" + real
    (tmp_path / "wahl.csv").write_text(titled, encoding="utf-8")
    ds = load_sources([SourceSpec(path="wahl.csv", year=2013)], base_dir=tmp_path)
    assert value(ds, "093", 2013, "Wahlberechtigte") == 191277  # 093;Köln I;267;267;191277
    assert ds.long["value"].equals(load("koeln_btw2013_wahlkreis.csv", year=2013).long["value"])


def _sheet_or_csv(folder: Path, rows: list[list[Any]], excel: bool) -> str:
    """``rows`` as a town saves them: an Excel sheet (``t.xlsx``) or a ``;`` CSV (``t.csv``)."""
    if excel:
        pd.DataFrame(rows).to_excel(folder / "t.xlsx", header=False, index=False)
        return "t.xlsx"
    text = "\n".join(";".join(str(c) for c in row) for row in rows) + "\n"
    (folder / "t.csv").write_text(text, encoding="utf-8")
    return "t.csv"


@pytest.mark.parametrize("excel", [False, True])
def test_group_heads_above_the_row_that_names_the_key(tmp_path: Path, excel: bool) -> None:
    """A yearbook table: ``Stadtbezirk`` merged over ``Nr.`` and ``Name``, ``Einwohner``
    and ``davon`` over the counts, the share's head merged down over both rows. It was
    refused ("the file names its units in 'Stadtbezirk' without a key"); the figures are
    read by hand from the rows below."""
    rows: list[list[Any]] = [
        ["Bevölkerung in den Stadtbezirken am 31.12.2023", None, None, None, None, None],
        [None] * 6,
        ["Stadtbezirk", None, "Einwohner", "davon", None, "Ausländeranteil in %"],
        ["Nr.", "Name", "insgesamt", "Deutsche", "Ausländer", None],
        ["01", "Mitte", 23456, 15678, 7778, 33.2],
        ["02", "Nord", 27910, 20117, 7793, 27.9],
        [None, "Stadt insgesamt", 51366, 35795, 15571, 30.3],
    ]
    name = _sheet_or_csv(tmp_path, [["" if c is None else c for c in r] for r in rows], excel)
    ds = load_sources([SourceSpec(path=name, key=KeySpec(scheme="own"))], base_dir=tmp_path)
    assert list(ds.years) == [2023]  # from the title: no head names a year
    assert value(ds, "02", 2023, "davon | Ausländer") == 7793
    assert value(ds, "01", 2023, "Einwohner | insgesamt") == 23456
    assert value(ds, "01", 2023, "Ausländeranteil in %") == pytest.approx(33.2)
    assert ds.units.loc["02", "name"] == "Nord"


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("blank", ["", " "])
def test_a_table_below_many_empty_rows(tmp_path: Path, excel: bool, blank: str) -> None:
    """A sheet whose table starts under a chart, or a CSV a spreadsheet wrote with empty
    rows (``;;;``) above it: the header was looked for in the first 50 rows only, all
    empty, and the table refused with "columns are: " and no columns. The empty rows at
    the top do not count, nor do rows of spaces; a problem keeps its row."""
    rows: list[list[Any]] = [[blank] * 4] * 60 + [
        ["Nr", "Name", "Anteil", "Einwohner"],
        ["001", "Altstadt", 12.5, 3400],
        ["002", "Neustadt", "1x", 2100],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    spec = SourceSpec(path=name, year=2023, key=KeySpec(scheme="own"))
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    (problem,) = err.value.failures.itertuples()
    assert (problem.row, problem.column, problem.value) == (63, "Anteil", "1x")
    rows[-1][2] = 7.5
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([spec], base_dir=tmp_path)
    assert value(ds, "002", 2023, "Anteil") == pytest.approx(7.5)
    assert value(ds, "001", 2023, "Einwohner") == 3400


@pytest.mark.parametrize(("empty", "count"), [(";;;", 20_000), ("", 70_000)])
def test_a_table_below_more_empty_lines_than_the_sample_holds(
    tmp_path: Path, empty: str, count: int
) -> None:
    """The header is looked for in a 64 KB sample of the file's head: empty lines that
    filled it left the table refused ("columns are: " with none, or "No columns to parse
    from file"). The empty lines at the top are taken beyond it."""
    lines = [empty] * count + ["Nr;Name;Anteil", "001;Altstadt;12,5", "002;Neustadt;1x"]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len((tmp_path / "t.csv").read_text()) > SAMPLE_CHARS
    spec = SourceSpec(path="t.csv", year=2023, key=KeySpec(scheme="own"))
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    (problem,) = err.value.failures.itertuples()
    assert (problem.row, problem.column, problem.value) == (count + 3, "Anteil", "1x")


def test_a_download_zipped_with_its_table(tmp_path: Path) -> None:
    # as the GENESIS web service and the Zensus database deliver a table: one file, zipped
    flat = (REAL / "12411-01-01-4_flat.csv").read_bytes()
    with zipfile.ZipFile(tmp_path / "download.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("12411-01-01-4_flat.csv", flat)
    zipped = load_sources([SourceSpec(path="download.zip")], base_dir=tmp_path)
    plain = load("12411-01-01-4_flat.csv")
    pd.testing.assert_frame_equal(zipped.long, plain.long)
    described = describe_source(SourceSpec(path="download.zip"), base_dir=tmp_path)
    assert described.table == "12411-01-01-4"  # from the name of the file in the archive
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.writestr("a.csv", flat)
        archive.writestr("b.csv", flat)
    with pytest.raises(DataValidationError) as caught:
        load_sources([SourceSpec(path="two.zip")], base_dir=tmp_path)
    assert list(caught.value.failures["code"]) == ["zip_archive"]


def test_a_yearbook_title_does_not_date_heads_that_name_years(tmp_path: Path) -> None:
    """A yearbook's title names the year it was published (``Statistisches Jahrbuch
    2024``); its heads name the years of the figures. Every figure was dated 2024, without
    a warning, where one head had its year before its unit (``Ausländeranteil 2023 in
    %``): that head is now read as 2023, and a head whose year is not read leaves the
    table undated (``year:`` asked for), never dated by the title."""
    path = tmp_path / "jahrbuch.csv"
    head = "Statistisches Jahrbuch 2024 - Tabelle 2.4: Bevölkerung nach Stadtbezirken;;;;\n;;;;\n"
    path.write_text(
        head + "Nr.;Stadtbezirk;Einwohner am 31.12.2022;Einwohner am 31.12.2023;"
        "Ausländeranteil 2023 in %\n01;Mitte;23.456;23.612;33,9\n02;Nord;27.910;28.004;28,2\n",
        encoding="utf-8",
    )
    spec = SourceSpec(path=path.name, key=KeySpec(scheme="own"))
    ds = load_sources([spec], base_dir=tmp_path)
    assert list(ds.years) == [2022, 2023]
    assert value(ds, "01", 2022, "Einwohner") == 23456
    assert value(ds, "02", 2023, "Einwohner") == 28004
    assert value(ds, "01", 2023, "Ausländeranteil in %") == pytest.approx(33.9)
    path.write_text(
        head + "Nr.;Stadtbezirk;Einwohner am 31.12.2022;Einwohner am 31.12.2023;"
        "Ausländeranteil 2023 je Einwohner\n01;Mitte;23.456;23.612;0,339\n",
        encoding="utf-8",
    )
    with pytest.raises(mi.DataValidationError, match="give the year"):
        load_sources([spec], base_dir=tmp_path)


@pytest.mark.parametrize("excel", [True, False])
def test_a_statistics_office_table(tmp_path: Path, excel: bool) -> None:
    """As a Landesamt's table sheet (or its CSV export, head cells quoted over two lines):
    a title that dates it, a key head broken over two lines, a name column under a head
    of its own, a row numbering the columns, the Land's total without a key."""
    rows: list[list[Any]] = [
        ["Tabelle 3: Bevölkerung der Kreise am 31. Dezember 2023 nach Staatsangehörigkeit"]
        + [None] * 4,
        [None] * 5,
        ["Schlüssel-\nnummer", "Kreisfreie Stadt\nLandkreis", "Insgesamt", "davon", None],
        [None, None, None, "Deutsche", "Ausländer"],
        [1, 2, 3, 4, 5],
        ["09161", "Ingolstadt", 142308, 112000, 30308],
        ["09162", "München", 1510378, 1105000, 405378],
        ["09171", "Altötting", 113000, 98000, 15000],
        [None, "Bayern", 13369393, 11500000, 1869393],  # the Land's total, without a key
        ["1) Fortschreibung auf Basis des Zensus 2022", None, None, None, None],
    ]
    if excel:
        name = _sheet_or_csv(tmp_path, rows, excel=True)
    else:
        name = "t.csv"
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, delimiter=";").writerows(
                [["" if c is None else c for c in row] for row in rows]
            )
    ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert value(ds, "09162", 2023, "davon | Ausländer") == 405378
    assert value(ds, "09171", 2023, "Insgesamt") == 113000
    assert ds.units.loc["09161", "name"] == "Ingolstadt"
    assert set(ds.variables) == {"Insgesamt", "davon | Deutsche", "davon | Ausländer"}
    total, note = ds.warnings.sort_values("row").itertuples()
    assert (total.code, total.row, total.value) == ("total_row", 9, "Bayern")
    # the note names the key column as one word, from a CSV's quoted head cell too
    assert (note.code, note.row, note.column) == ("note_below_table", 10, "Schlüsselnummer")
    # a year of its own wins over the title's
    dated = load_sources([SourceSpec(path=name, year=2022)], base_dir=tmp_path)
    assert value(dated, "09162", 2022, "Insgesamt") == 1510378


@pytest.mark.parametrize("excel", [False, True])
def test_a_header_over_two_rows_of_merged_cells(tmp_path: Path, excel: bool) -> None:
    rows = [
        ["Einwohner nach Stadtteilen, 31.12.2023", "", "", "", ""],
        ["Nr", "Stadtteil", "Einwohner", "davon", ""],
        ["", "", "insgesamt", "Deutsche", "Ausländer"],
        ["101", "Altstadt-Nord", "12000", "9500", "2500"],
        ["102", "Altstadt-Süd", "9000", "7500", "1500"],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name, year=2023)], base_dir=tmp_path)
    assert ds.variables == ["Einwohner | insgesamt", "davon | Deutsche", "davon | Ausländer"]
    assert value(ds, "102", 2023, "davon | Ausländer") == 1500
    assert ds.units.loc["101", "name"] == "Altstadt-Nord"


def test_variables_over_a_row_of_years(tmp_path: Path) -> None:
    # a town's time series of two variables: each over its years, one district per row
    (tmp_path / "t.csv").write_text(
        "Nr;Stadtbezirk;Einwohner;;Ausländer;\n;;2022;2023;2022;2023\n"
        "1;Innenstadt;120;125;30;32\n2;Nord;80;81;.;9\n",
        encoding="utf-8",
    )
    ds = load_sources([SourceSpec(path="t.csv")], base_dir=tmp_path)
    assert sorted(ds.variables) == ["Ausländer", "Einwohner"] and list(ds.years) == [2022, 2023]
    assert value(ds, "1", 2023, "Einwohner") == 125
    assert value(ds, "2", 2023, "Ausländer") == 9
    assert math.isnan(value(ds, "2", 2022, "Ausländer"))
    # inspect tells the file's layout, not the one it is read through
    assert describe_source(SourceSpec(path="t.csv"), base_dir=tmp_path).layout == "wide"
    # with a year given, each column is a variable of that year
    given = load_sources([SourceSpec(path="t.csv", year=2024)], base_dir=tmp_path)
    assert "Einwohner | 2022" in given.variables and list(given.years) == [2024]


@pytest.mark.parametrize(
    "heads",
    [
        "Einwohner 2022;Einwohner 2023;Ausländer 2022;Ausländer 2023",
        "Einwohner am 31.12.2022;Einwohner am 31.12.2023;Ausländer (2022);Ausländer (2023)",
        "Einwohner, Stand: 31. Dezember 2022;Einwohner_2023;Ausländer Dez. 2022;Ausländer 2023",
    ],
)
@pytest.mark.parametrize("excel", [False, True])
def test_variables_with_their_year_in_one_head(tmp_path: Path, heads: str, excel: bool) -> None:
    # a town's table of two variables over two years, each head naming both
    rows = [["Nr", "Stadtbezirk", *heads.split(";")], ["1", "Innenstadt", 120, 125, 30, 32]]
    rows.append(["2", "Nord", 80, 81, ".", 9])
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert sorted(ds.variables) == ["Ausländer", "Einwohner"] and list(ds.years) == [2022, 2023]
    assert value(ds, "1", 2023, "Einwohner") == 125
    assert value(ds, "2", 2023, "Ausländer") == 9
    assert math.isnan(value(ds, "2", 2022, "Ausländer"))
    # with a year given, each column is a variable of that year
    given = load_sources([SourceSpec(path=name, year=2024)], base_dir=tmp_path)
    assert len(given.variables) == 4 and list(given.years) == [2024]


def test_excel_date_cells_are_years(tmp_path: Path) -> None:
    # a Stichtag typed as 31.12.2022 is a date cell in Excel: in a year column and as a head
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Stadtbezirk", dt.datetime(2022, 12, 31), dt.datetime(2023, 12, 31)])
    sheet.append(["1", "Innenstadt", 120, 125])
    book.save(tmp_path / "heads.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Stichtag", "Einwohner"])
    sheet.append(["1", dt.datetime(2022, 12, 31), 120])
    sheet.append(["1", dt.datetime(2023, 12, 31), 125])
    book.save(tmp_path / "column.xlsx")
    for name in ("heads.xlsx", "column.xlsx"):
        ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
        assert list(ds.years) == [2022, 2023]
        assert value(ds, "1", 2023, ds.variables[0]) == 125
    # given a year, the heads are variables named by the dates as written, not as stored
    given = load_sources([SourceSpec(path="heads.xlsx", year=2024)], base_dir=tmp_path)
    assert given.variables == ["2022-12-31", "2023-12-31"]


def test_excel_percentages_are_read_as_shown(tmp_path: Path) -> None:
    # Excel stores 20,5 % as 0.205; the same table saved as CSV writes what is shown
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nr", "Stadtteil", "Einwohner", "Ausländeranteil"])
    for row in (["101", "A", 12000, 0.205], ["102", "B", 9000, 0.07], ["103", "C", 5000, "."]):
        sheet.append(row)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = "0.0%"
    book.save(tmp_path / "t.xlsx")
    (tmp_path / "t.csv").write_text(
        "Nr;Stadtteil;Einwohner;Ausländeranteil\n101;A;12000;20,5 %\n102;B;9000;7,0 %\n"
        "103;C;5000;.\n",
        encoding="utf-8",
    )
    read = [
        load_sources([SourceSpec(path=name, year=2023)], base_dir=tmp_path).long
        for name in ("t.xlsx", "t.csv")
    ]
    columns = ["unit", "variable", "value", "missing_reason"]
    assert read[0][columns].equals(read[1][columns])
    shares = read[0].query("variable == 'Ausländeranteil'")["value"].tolist()
    assert shares[:2] == [20.5, 7.0] and math.isnan(shares[2])
    assert read[0].query("variable == 'Einwohner'")["value"].tolist() == [12000, 9000, 5000]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (["12.345", "12,5", "1.234.567", "7,25"], [12345, 12.5, 1234567, 7.25]),  # German
        (["12.5", "1,234.5", "0.25", "3"], [12.5, None, 0.25, 3]),  # a dot: 1,234.5 is no figure
    ],
)
def test_figures_typed_as_text_in_a_sheet_follow_their_decimal_mark(
    tmp_path: Path, typed: list[str], expected: list[float | None]
) -> None:
    """Figures a sheet holds as text are read with the decimal mark their text shows, as
    a CSV file's are; the sheet's numbers (8000, 3.5) stay what they are."""
    rows: list[list[Any]] = [["Schlüssel", "Name", "Wert", "Zahl"]]
    rows += [[f"00{i}", f"Teil {i}", text, 8000 + i] for i, text in enumerate(typed)]
    rows.append(["009", "Teil 9", 3.5, 1])
    name = _sheet_or_csv(tmp_path, rows, excel=True)
    spec = SourceSpec(path=name, year=2023)
    if None in expected:
        with pytest.raises(DataValidationError) as err:
            load_sources([spec], base_dir=tmp_path)
        assert err.value.failures["value"].tolist() == ["1,234.5"]
        return
    ds = load_sources([spec], base_dir=tmp_path)
    got = [value(ds, f"00{i}", 2023, "Wert") for i in range(len(typed))]
    assert got == pytest.approx(expected, abs=1e-12)
    assert value(ds, "009", 2023, "Wert") == 3.5 and value(ds, "001", 2023, "Zahl") == 8001


@pytest.mark.parametrize("excel", [False, True])
def test_a_table_with_a_unit_per_column(tmp_path: Path, excel: bool) -> None:
    # a town yearbook's table: variables down (years in their labels, a heading), districts
    # across, and the city's total as the last column
    rows = [
        ["Merkmal", "Innenstadt", "Nord", "Süd", "Stadt insgesamt"],
        ["Bevölkerung", "", "", "", ""],
        ["Einwohner 2022", "12000", "8000", "9000", "29000"],
        ["Einwohner 2023", "12100", "8100", "x", "29200"],
        ["Ausländer", "", "", "", ""],
        ["Anzahl 2022", "2500", "900", "1200", "4600"],
        ["Anzahl 2023", "2600", "950", "1250", "4800"],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    spec = SourceSpec(path=name, layout="transposed")
    ds = load_sources([spec], base_dir=tmp_path)
    assert sorted(ds.unit_ids) == ["Innenstadt", "Nord", "Süd"]
    assert sorted(ds.variables) == ["Ausländer | Anzahl", "Bevölkerung | Einwohner"]
    assert list(ds.years) == [2022, 2023]
    assert value(ds, "Nord", 2023, "Bevölkerung | Einwohner") == 8100
    assert value(ds, "Süd", 2022, "Ausländer | Anzahl") == 1200
    assert math.isnan(value(ds, "Süd", 2023, "Bevölkerung | Einwohner"))  # x: locked
    totals = ds.warnings.query("code == 'total_row'")
    assert totals["column"].tolist() == ["Stadt insgesamt"]
    assert describe_source(spec, base_dir=tmp_path).layout == "transposed"


def test_a_unit_per_column_problems_name_the_cell(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("Merkmal;Innenstadt;Nord\nEinwohner;120;achtzig\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.csv", layout="transposed", year=2023)], base_dir=tmp_path)
    failure = err.value.failures.iloc[0]
    assert (failure["row"], failure["column"], failure["value"]) == (2, "Nord", "achtzig")
    # a key or name column does not apply: the heads are the units
    spec = SourceSpec(path="t.csv", layout="transposed", year=2023, unit_column="Nr")
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    assert "unsupported_option" in set(err.value.failures["code"])


def test_expected_warnings_let_a_table_as_sent_pass_strict(tmp_path: Path) -> None:
    # a department's table with its total row and its source line, as it comes every year
    (tmp_path / "t.csv").write_text(
        "Nr;Stadtteil;Einwohner\n101;A;12.345¹\n102;B;9.000\n;Insgesamt;21.345\n"
        "Quelle: Amt für Statistik\n",
        encoding="utf-8",
    )
    plain = SourceSpec(path="t.csv", year=2023)
    with pytest.raises(DataValidationError) as err:
        load_sources([plain], base_dir=tmp_path, strict=True)
    assert sorted(err.value.failures["code"]) == ["footnote_mark", "note_below_table", "total_row"]
    expected = ["total_row", "note_below_table"]
    spec = SourceSpec(path="t.csv", year=2023, expected_warnings=expected)
    # what is expected is left out; a footnote mark nobody expected still counts
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path, strict=True)
    assert list(err.value.failures["code"]) == ["footnote_mark"]
    spec = SourceSpec(path="t.csv", year=2023, expected_warnings=[*expected, "footnote_mark"])
    ds = load_sources([spec], base_dir=tmp_path, strict=True)
    assert value(ds, "101", 2023, "Einwohner") == 12345 and not len(ds.warnings)
    with pytest.raises(ValueError, match="total_row"):  # only reading warnings, by code
        SourceSpec(path="t.csv", expected_warnings=["unused_variable"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("Nr;Name;Einwohner\n", "auto"),  # an export that lost its rows
        ("Nr;Name;Einwohner\n;Insgesamt;5\n", "auto"),  # nothing but the total
        ("Merkmal;Innenstadt;Nord\n", "transposed"),
    ],
)
def test_a_table_without_data_rows_fails(tmp_path: Path, text: str, layout: str) -> None:
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    spec = SourceSpec.model_validate({"path": "t.csv", "year": 2023, "layout": layout})
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    assert list(err.value.failures["code"]) == ["no_data_rows"]


def _report_workbook(path: Path, data_sheets: list[str]) -> None:
    """A statistical report as a Landesamt publishes it: a cover and a contents sheet
    first, then the data sheets."""
    with pd.ExcelWriter(path) as workbook:
        cover = [["Statistischer Bericht"], ["Bevölkerung der Stadtteile"], ["Stand 31.12.2023"]]
        pd.DataFrame(cover).to_excel(workbook, sheet_name="Titel", header=False, index=False)
        contents = pd.DataFrame([["Inhalt"], ["Tabelle 1: Bevölkerung"]])
        contents.to_excel(workbook, sheet_name="Inhalt", header=False, index=False)
        for k, sheet in enumerate(data_sheets):
            rows = [["Nr", "Stadtteil", "Einwohner"], ["1", "A", 100 + k], ["2", "B", 200 + k]]
            pd.DataFrame(rows).to_excel(workbook, sheet_name=sheet, header=False, index=False)


def test_a_cover_sheet_first_and_one_sheet_with_the_table(tmp_path: Path) -> None:
    _report_workbook(tmp_path / "bericht.xlsx", ["Tab1"])
    ds = load_sources([SourceSpec(path="bericht.xlsx", year=2023)], base_dir=tmp_path)
    assert value(ds, "2", 2023, "Einwohner") == 200
    assert ds.provenance["source"].iloc[0].endswith("bericht.xlsx[Tab1]")  # which sheet was read
    # several sheets with a table: which one is meant is the source's to say
    _report_workbook(tmp_path / "zwei.xlsx", ["Tab1", "Tab2"])
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="zwei.xlsx", year=2023)], base_dir=tmp_path)
    failure = err.value.failures.iloc[0]
    assert failure["code"] == "no_table_in_sheet" and "Tab1, Tab2" in failure["reason"]
    named = load_sources([SourceSpec(path="zwei.xlsx", year=2023, sheet="Tab2")], base_dir=tmp_path)
    assert value(named, "1", 2023, "Einwohner") == 101
    # a hidden helper sheet beside the one a reader sees: the one seen is read
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(tmp_path / "zwei.xlsx")
    book["Tab2"].sheet_state = "hidden"
    book.save(tmp_path / "versteckt.xlsx")
    seen = load_sources([SourceSpec(path="versteckt.xlsx", year=2023)], base_dir=tmp_path)
    assert value(seen, "1", 2023, "Einwohner") == 100
    assert seen.provenance["source"].iloc[0].endswith("versteckt.xlsx[Tab1]")
    # only hidden ones: the message says they are hidden, as no reader of the file sees them
    book["Tab1"].sheet_state = "hidden"
    book.save(tmp_path / "alle.xlsx")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="alle.xlsx", year=2023)], base_dir=tmp_path)
    assert "Tab1 (hidden), Tab2 (hidden)" in err.value.failures.iloc[0]["reason"]


def test_a_year_in_a_head_that_is_not_its_date(tmp_path: Path) -> None:
    # "since 2015" is what was counted, not when: the table has no year, as before
    (tmp_path / "t.csv").write_text("Nr;Zuzüge seit 2015;Wegzüge seit 2015\n1;5;3\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.csv")], base_dir=tmp_path)
    assert err.value.failures["column"].tolist() == ["year"]
    ds = load_sources([SourceSpec(path="t.csv", year=2023)], base_dir=tmp_path)
    assert ds.variables == ["Zuzüge seit 2015", "Wegzüge seit 2015"]


def test_school_years_in_heads_need_the_option(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("Nr;Schüler 2022/23;Schüler 2023/24\n1;500;510\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.csv")], base_dir=tmp_path)
    failures = err.value.failures
    assert set(failures["code"]) == {"school_year"}
    assert sorted(failures["value"]) == ["2022/23", "2023/24"]
    ds = load_sources([SourceSpec(path="t.csv", school_year="end")], base_dir=tmp_path)
    assert ds.variables == ["Schüler"] and value(ds, "1", 2024, "Schüler") == 510


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("named_below", [False, True])
def test_a_row_of_years_over_the_variables(tmp_path: Path, excel: bool, named_below: bool) -> None:
    # the years as group heads over the same variables, as a town's table sets them out;
    # the key and name columns named in the upper row (merged cells) or in the lower one
    keys = ["Nr", "Stadtbezirk"]
    rows = [
        ["Einwohner nach Stadtbezirken", "", "", "", "", ""],
        [*(["", ""] if named_below else keys), 2022, "", 2023, ""],
        [*(keys if named_below else ["", ""]), "Einwohner", "Ausländer", "Einwohner", "Ausländer"],
        ["1", "Innenstadt", 120, 30, 125, 32],
        ["2", "Nord", 80, ".", 81, 9],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert sorted(ds.variables) == ["Ausländer", "Einwohner"] and list(ds.years) == [2022, 2023]
    assert value(ds, "1", 2023, "Ausländer") == 32
    assert value(ds, "2", 2022, "Einwohner") == 80
    assert math.isnan(value(ds, "2", 2022, "Ausländer"))


def _workbook_of_years(path: Path) -> None:
    """A town's workbook: a sheet per year (title, header, districts) and a notes sheet."""
    with pd.ExcelWriter(path) as workbook:
        for year, places in ((2022, [100, 50]), (2023, [110, 55])):
            rows = [
                ["Kita-Plätze nach Stadtbezirk", None, None],
                ["Nr", "Stadtbezirk", "Plätze"],
                ["1", "Innenstadt", places[0]],
                ["2", "Nord", places[1]],
            ]
            pd.DataFrame(rows).to_excel(workbook, sheet_name=str(year), header=False, index=False)
        notes = pd.DataFrame([["Erläuterungen"], ["Plätze: genehmigte Plätze zum 1.3."]])
        notes.to_excel(workbook, sheet_name="Hinweise", header=False, index=False)


def test_a_sheet_per_year(tmp_path: Path) -> None:
    _workbook_of_years(tmp_path / "kita.xlsx")
    # a list of sheets: each a table of its own, dated by its name
    ds = load_sources([SourceSpec(path="kita.xlsx", sheet=[2022, "2023"])], base_dir=tmp_path)
    assert list(ds.years) == [2022, 2023]
    assert value(ds, "2", 2022, "Plätze") == 50 and value(ds, "1", 2023, "Plätze") == 110
    assert ds.provenance["source"].tolist() == [
        str(tmp_path / "kita.xlsx[2022]"),
        str(tmp_path / "kita.xlsx[2023]"),
    ]
    # one sheet named by a year (YAML and the command line give it as a number)
    one = load_sources([SourceSpec(path="kita.xlsx", sheet=2023)], base_dir=tmp_path)
    assert list(one.years) == [2023] and value(one, "2", 2023, "Plätze") == 55
    # the source's year wins over the sheet's name
    given = load_sources([SourceSpec(path="kita.xlsx", sheet="2022", year=2030)], base_dir=tmp_path)
    assert list(given.years) == [2030]
    # every sheet: the notes sheet holds no table, is passed over, and says so by its name
    every = load_sources([SourceSpec(path="kita.xlsx", sheet="*")], base_dir=tmp_path)
    assert list(every.years) == [2022, 2023] and every.long["value"].sum() == 315
    skipped = every.warnings.query("code == 'no_table_in_sheet'")
    assert skipped["source"].tolist() == [str(tmp_path / "kita.xlsx[Hinweise]")]
    # named on purpose, a sheet without a table is an error
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="kita.xlsx", sheet="Hinweise")], base_dir=tmp_path)
    assert "missing_column" in set(err.value.failures["code"])
    # a hidden helper sheet is no reader's table: passed over when every sheet is read
    # (it failed the whole source: no year), read when named
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(tmp_path / "kita.xlsx")
    helper = book.create_sheet("Berechnung")
    for row in (["Nr", "Name", "Quote"], ["1", "Mitte", 0.5], ["2", "Nord", 0.7]):
        helper.append(row)
    helper.sheet_state = "hidden"
    book.save(tmp_path / "kita.xlsx")
    every = load_sources([SourceSpec(path="kita.xlsx", sheet="*")], base_dir=tmp_path)
    assert list(every.years) == [2022, 2023] and every.long["value"].sum() == 315
    hidden = every.warnings.query("code == 'hidden_sheet'")
    assert hidden["source"].tolist() == [str(tmp_path / "kita.xlsx[Berechnung]")]
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="kita.xlsx", sheet=["Berechnung"])], base_dir=tmp_path)
    assert "missing_column" in set(err.value.failures["code"])
    # several sheets of a file that is no workbook: refused
    (tmp_path / "t.csv").write_text("Nr;Jahr;x\n1;2023;5\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.csv", sheet="*")], base_dir=tmp_path)
    assert err.value.failures["code"].tolist() == ["invalid_option"]


def test_a_workbook_none_of_whose_sheets_is_read_is_one_error(tmp_path: Path) -> None:
    """``sheet: "*"`` over a workbook whose sheets are all hidden, or hold no table: the
    file read nothing, which had been only warnings, each variable it was to give then
    "missing" with no word on why. Excel and openpyxl keep one sheet visible; other
    tools do not, so the workbook's own XML is edited here."""
    _workbook_of_years(tmp_path / "kita.xlsx")
    with zipfile.ZipFile(tmp_path / "kita.xlsx") as book:
        members = {info.filename: book.read(info) for info in book.infolist()}
    workbook = members["xl/workbook.xml"].decode()
    assert workbook.count("<sheet ") == 3
    members["xl/workbook.xml"] = (
        re.sub(r"<sheet (?![^>]*state=)", '<sheet state="hidden" ', workbook)
        .replace('state="visible"', 'state="hidden"')
        .encode()
    )
    with zipfile.ZipFile(tmp_path / "hidden.xlsx", "w") as book:
        for member, data in members.items():
            book.writestr(member, data)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="hidden.xlsx", sheet="*")], base_dir=tmp_path)
    assert err.value.failures[["source", "code", "reason"]].values.tolist() == [
        [
            str(tmp_path / "hidden.xlsx"),
            "no_sheet_read",
            "no sheet of the workbook was read: '2022', '2023', 'Hinweise' are hidden "
            "sheets; name a hidden sheet to read it (sheet: [NAME])",
        ]
    ]
    # named, a hidden sheet is read as ever
    one = load_sources([SourceSpec(path="hidden.xlsx", sheet=[2023])], base_dir=tmp_path)
    assert value(one, "1", 2023, "Plätze") == 110
    # a workbook of notes only
    pd.DataFrame([["Erläuterungen"], ["Stand: 1.3."]]).to_excel(
        tmp_path / "notes.xlsx", sheet_name="Hinweise", header=False, index=False
    )
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="notes.xlsx", sheet="*")], base_dir=tmp_path)
    assert err.value.failures["reason"].tolist() == [
        "no sheet of the workbook was read: 'Hinweise' holds no table"
    ]


def test_a_first_column_without_a_head_holds_the_rows_labels(tmp_path: Path) -> None:
    """A town's sheet leaves the head over its row labels empty (``;Einwohner;Ausländer``).
    The table was "required column missing ... columns are: Einwohner, Ausländer", which
    does not even list the column to name. Keys there key the rows; names are named as
    names, and read with ``match: name``; a first row of one word (``unbekannt``, no
    information) is data, not a second row of heads."""
    (tmp_path / "keys.csv").write_text(";Einwohner;Ausländer\n01001;1200;300\n01002;1500;400\n")
    keyed = load_sources([SourceSpec(path="keys.csv", year=2023)], base_dir=tmp_path)
    assert value(keyed, "01002", 2023, "Ausländer") == 400  # read by hand
    (tmp_path / "names.csv").write_text(
        ";Einwohner;Ausländer\nMitte;unbekannt;unbekannt\nNord;1200;300\nSüd;1500;400\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="names.csv", year=2023)], base_dir=tmp_path)
    (reason,) = err.value.failures["reason"]
    assert "the file names its units in its first column (no head) without a key" in reason
    units = tmp_path / "units.csv"
    units.write_text("unit;name\n01;Nord\n02;Süd\n03;Mitte\n", encoding="utf-8")
    spec = SourceSpec(path="names.csv", year=2023, key={"match": "name"})
    named = load_sources([spec], units=units, base_dir=tmp_path)
    assert value(named, "02", 2023, "Einwohner") == 1500
    mitte = named.long[named.long["unit"] == "03"]
    assert mitte["value"].isna().all() and set(mitte["missing_reason"]) == {"missing"}


def test_sources_reading_one_workbook_are_told_apart(tmp_path: Path) -> None:
    _workbook_of_years(tmp_path / "kita.xlsx")
    # a source per sheet of one workbook (each could have options of its own): each is
    # called by its sheet, as a list of sheets calls them
    ds = load_sources(
        [SourceSpec(path="kita.xlsx", sheet=2022), SourceSpec(path="kita.xlsx", sheet="2023")],
        base_dir=tmp_path,
    )
    assert value(ds, "2", 2022, "Plätze") == 50 and value(ds, "1", 2023, "Plätze") == 110
    assert ds.provenance["source"].tolist() == [
        str(tmp_path / "kita.xlsx[2022]"),
        str(tmp_path / "kita.xlsx[2023]"),
    ]
    # the same sheet twice: the second is called by its position; its cells repeat the
    # first's, which is a warning on each (an error under strict)
    twice = [SourceSpec(path="kita.xlsx", sheet=2022)] * 2
    ds = load_sources(twice, base_dir=tmp_path)
    second = str(tmp_path / "kita.xlsx[2022] (2)")
    assert ds.provenance["source"].tolist() == [str(tmp_path / "kita.xlsx[2022]"), second]
    repeated = ds.warnings.query("code == 'repeated_cell'")
    assert repeated["source"].tolist() == [second, second]
    # a failure keeps the name it is given: the same missing file listed twice
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="gone.csv")] * 2, base_dir=tmp_path)
    assert err.value.failures["source"].tolist() == ["gone.csv", "gone.csv (2)"]


def test_an_encoding_python_cannot_decode_text_with_is_refused(tmp_path: Path) -> None:
    """An unknown name, or a codec that is no text encoding (base64, rot13), used to
    surface as a LookupError while reading (exit 3); the option is refused instead."""
    for name in ("utf8x", "base64", "rot13"):
        with pytest.raises(ValueError, match=f"'{name}' is not a text encoding"):
            SourceSpec(path="t.csv", encoding=name)
    assert SourceSpec(path="t.csv", encoding="cp1252").encoding == "cp1252"
    (tmp_path / "t.csv").write_text("Nr;Jahr;x\n1;2023;5\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mi.load_data(tmp_path / "t.csv", encoding="rot13")
    assert err.value.failures["code"].tolist() == ["invalid_option"]
    (tmp_path / "units.csv").write_text("unit,name\n1,Nord\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mi.load_units(tmp_path / "units.csv", encoding="base64")
    assert err.value.failures["code"].tolist() == ["invalid_option"]
    project = tmp_path / "mint-index.yaml"
    project.write_text("sources:\n  - path: t.csv\n    encoding: nope\n", encoding="utf-8")
    with pytest.raises(mi.ProjectError) as info:
        mi.load_project(project)
    assert [p.path for p in info.value.problems] == ["sources[0].encoding"]


def test_a_separator_or_decimal_mark_a_reader_cannot_use_is_refused(tmp_path: Path) -> None:
    """Two characters (a YAML ``\\t`` left unquoted), a quote or a line break cannot
    separate CSV fields (a TypeError while reading, exit 3, before); a decimal mark is a
    comma or a point."""
    for sep in (";;", "\\t", '"', "\n", ""):
        with pytest.raises(ValueError, match="a separator is one character"):
            SourceSpec(path="t.csv", separator=sep)
    assert SourceSpec(path="t.csv", separator="\t").separator == "\t"
    with pytest.raises(ValueError, match="decimal"):
        SourceSpec(path="t.csv", decimal=";")
    (tmp_path / "t.csv").write_text("Nr;Jahr;x\n1;2023;5\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mi.load_data(tmp_path / "t.csv", sep="parquet")
    assert err.value.failures["code"].tolist() == ["invalid_option"]
    (tmp_path / "units.csv").write_text("unit,name\n1,Nord\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        mi.load_units(tmp_path / "units.csv", sep=",,")
    assert err.value.failures["code"].tolist() == ["invalid_option"]


def test_named_key_and_name_columns(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("Schlüssel;Ort;Einw\n01001000;Flensburg;90000\n")
    ds = load_sources(
        [SourceSpec(path="d.csv", unit_column="Schlüssel", name_column="Ort", year=2020)],
        base_dir=tmp_path,
    )
    assert value(ds, "01001000", 2020, "Einw") == 90000
    assert ds.units.loc["01001000", "name"] == "Flensburg"


@pytest.mark.parametrize("excel", [False, True])
def test_key_and_name_in_one_cell(tmp_path: Path, excel: bool) -> None:
    """A region as the Bundesagentur für Arbeit's tables write it (``05315 Köln, Stadt``)
    or with its key last (``Köln, Stadt (05113)``), its ``*`` a secret figure, a total
    row below: no key column needed."""
    rows = [
        ["Region", "Beschäftigte", "Ausländer"],
        ["05315 Köln, Stadt", 600000, 90000],
        ["05111 Düsseldorf, Stadt", 420000, "*"],
        ["Essen, Stadt (05113)", 250000, 30000],
        ["Insgesamt", 1270000, 120000],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name, year=2023)], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["05111", "05113", "05315"]
    assert value(ds, "05315", 2023, "Beschäftigte") == 600000
    assert value(ds, "05113", 2023, "Ausländer") == 30000
    secret = ds.long.set_index(["unit", "variable"]).loc[("05111", "Ausländer")]
    assert math.isnan(secret["value"]) and secret["missing_reason"] == "unknown_or_secret"
    assert ds.units["name"].to_dict() == {
        "05111": "Düsseldorf, Stadt",
        "05113": "Essen, Stadt",
        "05315": "Köln, Stadt",
    }
    assert ds.warnings["code"].tolist() == ["total_row"]
    # the Land's row below its Kreise, named without a key (the Bundesagentur's sheets):
    # a total too; it made the column no column of keys and names at all
    rows[-1] = ["Nordrhein-Westfalen", 741200, 260310]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name, year=2023)], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["05111", "05113", "05315"]
    total = ds.warnings.query("code == 'total_row'")
    assert total["value"].tolist() == ["Nordrhein-Westfalen"]


@pytest.mark.parametrize("excel", [False, True])
def test_a_name_head_over_codes_is_the_key_column(tmp_path: Path, excel: bool) -> None:
    """``Kreis`` heads a name column by its word, but its cells are district keys: they
    are the keys, ``Kreisname`` the names. A town's time series (``Jahr; Einwohner``,
    about one place) keeps its years."""
    rows: list[list[Any]] = [
        ["Kreis", "Kreisname", "Einwohner"],
        ["05315", "Köln, Stadt", 1087000],
        ["05111", "Düsseldorf, Stadt", 622000],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name, year=2023)], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["05111", "05315"]
    assert value(ds, "05315", 2023, "Einwohner") == 1087000
    assert ds.units.loc["05111", "name"] == "Düsseldorf, Stadt"
    (tmp_path / "reihe.csv").write_text("Jahr;Einwohner\n2021;100\n2022;110\n")
    ds = load_sources([SourceSpec(path="reihe.csv", unit="05315000")], base_dir=tmp_path)
    assert list(ds.years) == [2021, 2022] and value(ds, "05315000", 2022, "Einwohner") == 110


def test_key_and_name_in_a_named_key_column(tmp_path: Path) -> None:
    """Named as the key column, labels are split and other cells stay keys: the national
    row is a unit of its own, which a declared key scheme reports."""
    (tmp_path / "d.csv").write_text(
        "Region;Beschäftigte\nDeutschland;34.000.000\n05 315 000 Köln;600.000\n",
        encoding="utf-8",
    )
    ds = load_sources(
        [SourceSpec(path="d.csv", year=2023, unit_column="Region")], base_dir=tmp_path
    )
    assert list(ds.unit_ids) == ["05315000", "Deutschland"]  # grouped digits: one key
    with pytest.raises(DataValidationError) as err:
        load_sources(
            [SourceSpec(path="d.csv", year=2023, unit_column="Region", key={"scheme": "ags"})],
            base_dir=tmp_path,
        )
    problem = err.value.failures.iloc[0]
    assert (problem["row"], problem["value"]) == (2, "Deutschland")


@pytest.mark.parametrize("excel", [False, True])
def test_a_column_of_variables_beside_year_heads(tmp_path: Path, excel: bool) -> None:
    """``AGS; Gemeinde; Merkmal; 2021; 2022``: the Merkmal column names the variables, the
    heads give the years (a yearbook's layout), without a ``pivot`` option."""
    rows: list[list[Any]] = [
        ["AGS", "Gemeinde", "Merkmal", "2021", "2022"],
        ["05315000", "Köln", "Einwohner", 1080000, 1084000],
        ["05315000", "Köln", "Ausländer", 200000, 210000],
        ["05111000", "Düsseldorf", "Einwohner", 620000, 621000],
        ["05111000", "Düsseldorf", "Ausländer", 120000, 125000],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel)
    ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert ds.variables == ["Einwohner", "Ausländer"] and list(ds.years) == [2021, 2022]
    assert value(ds, "05315000", 2022, "Ausländer") == 210000
    assert value(ds, "05111000", 2021, "Einwohner") == 620000
    # the same file about one place, without its key and name columns
    one = [row[2:] for row in rows[:3]]
    (tmp_path / "koeln.csv").write_text("\n".join(";".join(map(str, r)) for r in one) + "\n")
    ds = load_sources([SourceSpec(path="koeln.csv", unit="05315000")], base_dir=tmp_path)
    assert value(ds, "05315000", 2021, "Ausländer") == 200000


def test_a_missing_key_column_lists_the_files_columns(tmp_path: Path) -> None:
    """A table of years per region name has no key: the problem lists the file's columns,
    not the ones the reader made while melting the year heads."""
    (tmp_path / "t.csv").write_text("Region;2021;2022\nKöln;1;2\nBonn;3;4\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.csv")], base_dir=tmp_path)
    reason = err.value.failures["reason"].iloc[0]
    assert reason.startswith("required column missing")
    assert reason.endswith("columns are: Region, 2021, 2022")


def test_pivot_makes_disaggregations_variables(tmp_path: Path) -> None:
    text = "AGS;Gemeinde;Geschlecht;Einwohner\n01001000;A;männlich;40\n01001000;A;weiblich;45\n"
    (tmp_path / "p.csv").write_text(text)
    ds = load_sources(
        [SourceSpec(path="p.csv", pivot=["Geschlecht"], year=2021)], base_dir=tmp_path
    )
    assert value(ds, "01001000", 2021, "Einwohner | weiblich") == 45
    assert value(ds, "01001000", 2021, "Einwohner | männlich") == 40


def test_filter_with_an_unknown_value_names_it(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("AGS;Geschlecht;Einwohner\n01001000;Insgesamt;85\n")
    spec = SourceSpec(path="f.csv", filter={"Geschlecht": "insgesamt"}, year=2021)
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    assert "filter_value_not_found" in set(err.value.failures["code"])


def test_quoted_decimal_comma_numbers_in_a_comma_file(tmp_path: Path) -> None:
    text = 'AGS,Gemeinde,Quote,Betrag\n01001000,"Flensburg, Stadt","12,5","1.234,5"\n'
    (tmp_path / "q.csv").write_text(text)
    ds = load_sources([SourceSpec(path="q.csv", year=2022)], base_dir=tmp_path)
    assert value(ds, "01001000", 2022, "Quote") == pytest.approx(12.5)
    assert value(ds, "01001000", 2022, "Betrag") == pytest.approx(1234.5)
    assert ds.units.loc["01001000", "name"] == "Flensburg, Stadt"


# ---- keys ---------------------------------------------------------------------------
def test_own_district_numbers_are_not_lost_leading_zeros(tmp_path: Path) -> None:
    rows = "".join(f"{d};Bezirk {d};{100 + d}\n" for d in range(1, 26))
    (tmp_path / "b.csv").write_text("Nr;Name;Einwohner\n" + rows)
    ds = load_sources([SourceSpec(path="b.csv", year=2023)], base_dir=tmp_path)
    assert value(ds, "7", 2023, "Einwohner") == 107


def test_declared_pad_restores_ags(tmp_path: Path) -> None:
    (tmp_path / "k.csv").write_text("AGS;Einwohner\n1001000;90\n10041100;70\n")
    spec = SourceSpec(path="k.csv", year=2023, key={"scheme": "ags", "pad": 8})
    ds = load_sources([spec], base_dir=tmp_path)
    assert value(ds, "01001000", 2023, "Einwohner") == 90
    with pytest.raises(DataValidationError, match="leading zero"):
        load_sources([SourceSpec(path="k.csv", year=2023)], base_dir=tmp_path)


# ---- mapping and describe -----------------------------------------------------------
def test_proposed_mapping_pasted_unchanged_loads_the_file() -> None:
    spec = SourceSpec(path="14339-01-02-5_00.csv")
    described = describe_source(spec, base_dir=REAL)
    mapping = described.proposed_mapping
    assert set(mapping) == {v.label for v in described.variables}
    ds = load_sources([spec.model_copy(update={"mapping": mapping})], base_dir=REAL)
    assert set(ds.variables) == set(mapping.values())
    spd = mapping["Gültige Stimmen | Parteien | SPD | Anzahl"]
    assert value(ds, "09162000", 2013, spd) == 180832


def _catalog_framework(table: str, label_path: list[str]) -> mi.Framework:
    text = {"de": "x", "en": "x"}
    source = {"type": "official", "table": table, "label_path": label_path, "level": "Kreis"}
    return mi.Framework.model_validate(
        {
            "framework": {"id": "catalog", "label": text},
            "index": {"id": "index", "label": text},
            "variables": [
                {"id": "population", "unit": "count", "source": source},
                {"id": "women", "unit": "count"},
            ],
            "indicators": [
                {
                    "id": "pop",
                    "parent": "index",
                    "name": text,
                    "description": text,
                    "unit": "n",
                    "direction": "higher",
                    "kind": "count",
                    "compute": {"type": "direct", "variable": "population"},
                    "source": {"publisher": "Test"},
                }
            ],
        }
    )


def test_a_table_the_catalog_knows_loads_without_a_mapping() -> None:
    framework = _catalog_framework(
        "12411-01-01-4", ["Bevölkerungsstand (Anzahl)", "31.12.YYYY", "Insgesamt"]
    )
    ds = load_sources([SourceSpec(path="12411-01-01-4.csv")], framework, base_dir=REAL)
    assert list(ds.variables) == ["population"]
    assert value(ds, "01001", 2015, "population") == 85942
    flat = load_sources([SourceSpec(path="12411-01-01-4_flat.csv")], framework, base_dir=REAL)
    assert value(flat, "08222", 2024, "population") == 318035


def test_a_user_mapping_wins_over_the_catalog() -> None:
    framework = _catalog_framework("12411-01-01-4", ["Bevölkerungsstand (Anzahl)", "Insgesamt"])
    spec = SourceSpec(
        path="12411-01-01-4.csv", mapping={"Insgesamt": "population", "weiblich": "women"}
    )
    ds = load_sources([spec], framework, base_dir=REAL)
    assert value(ds, "01001", 2015, "women") == 43175


def test_describe_proposes_the_catalog_variable() -> None:
    framework = _catalog_framework("12411-01-01-4", ["Bevölkerungsstand (Anzahl)", "Insgesamt"])
    described = describe_source(SourceSpec(path="12411-01-01-4.csv"), framework, base_dir=REAL)
    assert described.proposed_mapping == {
        "Insgesamt": "population",
        "männlich": "maennlich",
        "weiblich": "weiblich",
    }
    assert [v.proposed for v in described.variables] == ["population", "maennlich", "weiblich"]


# ---- many sources -------------------------------------------------------------------
def test_every_real_file_loads_together() -> None:
    specs = [
        SourceSpec(path=p.name, year=2013 if p.name.startswith("koeln") else None)
        for p in sorted(REAL.glob("*.csv"))
    ]
    ds = load_sources(specs, base_dir=REAL)
    assert value(ds, "01001", 2015, "Insgesamt") == 85942
    assert value(ds, "093", 2013, "Wahlberechtigte") == 191277


def test_one_bad_source_is_its_own_error_and_the_others_are_checked(tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"\x13\x37 not a workbook " * 10)
    (tmp_path / "bad.csv").write_text("AGS;Einwohner\n01001000;-5x\n")
    specs = [
        SourceSpec(path=str(REAL / "12411-01-01-4.csv")),
        SourceSpec(path="broken.xlsx"),
        SourceSpec(path="bad.csv", year=2020),
        SourceSpec(path="absent.csv"),
    ]
    with pytest.raises(DataValidationError) as err:
        load_sources(specs, base_dir=tmp_path)
    failures = err.value.failures
    by_source = dict(
        zip(failures["source"].map(lambda s: Path(s).name), failures["code"], strict=True)
    )
    assert by_source == {
        "broken.xlsx": "not_excel",
        "bad.csv": "not_a_number",
        "absent.csv": "file_not_found",
    }
    bad = failures[failures["code"] == "not_a_number"].iloc[0]
    assert (bad["row"], bad["column"], bad["value"]) == (2, "Einwohner", "-5x")


def test_non_finite_values_are_rejected_with_the_cell(tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text(
        "AGS;a;b\n01001000;inf;1\n01002000;NaN;2\n01003000;1e309;-inf\n01004000;3;4\n"
    )
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="n.csv", year=2020)], base_dir=tmp_path)
    failures = err.value.failures
    cells = set(
        zip(failures["row"], failures["column"], failures["value"], failures["code"], strict=True)
    )
    assert cells == {
        (2, "a", "inf", "not_finite"),
        (3, "a", "NaN", "not_finite"),
        (4, "a", "1e309", "not_finite"),
        (4, "b", "-inf", "not_finite"),
    }
    assert all(isinstance(r, str) and r for r in failures["reason"])


def test_names_go_into_a_units_table_without_them(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("AGS;Gemeinde;Einw\n01001000;Flensburg;1\n01002000;Kiel;2\n")
    units = pd.DataFrame({"unit": ["01001000", "01002000"], "name": ["Flensburg (Stadt)", None]})
    ds = load_sources([SourceSpec(path="d.csv", year=2020)], units=units, base_dir=tmp_path)
    assert ds.units.loc["01002000", "name"] == "Kiel"
    assert ds.units.loc["01001000", "name"] == "Flensburg (Stadt)"  # the table's own name wins


def test_the_packaged_catalog_maps_a_real_table_with_no_mapping() -> None:
    # 12411-03-03-4 excerpt, Flensburg 31.12.2015:
    # ;unter 3 Jahre;2264;1143;1121;2097;1058;1039;167;85;82   (Deutsche 2097, Ausl. 167)
    # ;Insgesamt;85942;42767;43175;77622;38080;39542;8320;4687;3633
    from mint_index.data.sources import map_table, read_spec

    framework = mi.default_framework()
    (table,) = read_spec(SourceSpec(path="12411-03-03-4_excerpt.csv"), base_dir=REAL)
    table, used = map_table(table, None, framework)
    flensburg = table.cells[table.cells["unit"] == "01001"]
    long = flensburg.set_index(["variable", "year"])["value"]
    assert long["children_u3_mig", 2015] == 167
    assert long["children_u3_nonmig", 2015] == 2097
    # one column feeds two variables: this year's foreigners, and the foreigners at the
    # start of the next year (31.12.2015 is the start of 2016); pop_mig no longer: the
    # foreigners count is no substitute for a migration background
    assert long["pop_foreign", 2015] == long["pop_foreign_start", 2016] == 8320
    assert ("pop_foreign_start", 2015) not in long and table.moved == {"pop_foreign_start"}
    assert "pop_mig" not in set(flensburg["variable"])
    assert set(used) >= {"Ausländer(innen) | Insgesamt | Insgesamt"}
    # load_data maps it so too, as a project's source without a mapping is: it left the
    # table under its labels, every variable it holds "missing from the data"
    with pytest.raises(DataValidationError) as caught:
        mi.load_data(REAL / "12411-03-03-4_excerpt.csv", framework)
    missing = set(caught.value.failures["column"].astype(str))
    assert missing and not missing & {"children_u3_mig", "children_u3_nonmig", "pop_foreign"}
    assert "pop_u18" in missing  # the file does not hold it (12411-02-03-5 does)


def test_a_start_of_year_stock_is_the_previous_years_31_december(tmp_path: Path) -> None:
    """``pop_foreign_start`` (foreigners at the start of the year, the denominator of the
    naturalisation rate) is the table's 31.12. of the year before: in an export of two
    years, 2016's is the 31.12.2015 figure, read by hand from the real excerpt (Flensburg
    8,320). It was 2016's own 31.12. figure. The start of 2015 is not in the file, and the
    start of 2017, a year the data do not cover, is left out rather than adding a year."""
    real = (REAL / "12411-03-03-4_excerpt.csv").read_text(encoding="utf-8")
    lines = real.splitlines()
    rows = [line for line in lines if line.startswith("31.12.2015;")]
    # the same table a year later: every count of 2016 is 2015's plus 1,000
    later = []
    for line in rows:
        fields = line.split(";")
        fields[0] = "31.12.2016"
        fields[4:] = [str(int(f) + 1000) if f.isdigit() else f for f in fields[4:]]
        later.append(";".join(fields))
    at = lines.index(rows[-1]) + 1
    (tmp_path / "12411-03-03-4.csv").write_text(
        "\n".join([*lines[:at], *later, *lines[at:]]) + "\n", encoding="utf-8"
    )
    # the packaged framework's two variables of the column, and a rate of them
    packaged = mi.default_framework().variable_map
    path = ["Bevölkerungsstand (Anzahl)", "Ausländer(innen)", "Insgesamt"]
    source = {"type": "official", "table": "12411-03-03-4", "level": "Kreis", "row": "Insgesamt"}
    source |= {"label_path": path}
    assert packaged["pop_foreign_start"].source.previous_year
    assert not packaged["pop_foreign"].source.previous_year
    assert list(packaged["pop_foreign"].source.label_path) == path
    framework = mi.Framework.model_validate(
        {
            "framework": {"id": "t", "label": {"de": "T", "en": "T"}, "version": "1"},
            "index": {"id": "index", "label": {"de": "I", "en": "I"}},
            "nodes": [{"id": "d", "parent": "index", "label": {"de": "D", "en": "D"}}],
            "variables": [
                {
                    "id": v,
                    "unit": "count",
                    "label": {"de": v, "en": v},
                    "source": source | {"previous_year": v.endswith("start")},
                }
                for v in ("pop_foreign", "pop_foreign_start")
            ],
            "indicators": [
                {
                    "id": "start_share",
                    "parent": "d",
                    "name": {"de": "W", "en": "G"},
                    "description": {"de": "W", "en": "G"},
                    "kind": "rate",
                    "source": {"publisher": "test"},
                    "unit": {"de": "%", "en": "%"},
                    "direction": "higher",
                    "compute": {
                        "type": "ratio",
                        "numerator": "pop_foreign_start",
                        "denominator": "pop_foreign",
                        "scale": 100,
                    },
                    "goalposts": {"lower": 90, "upper": 110, "rationale": {"de": "x", "en": "x"}},
                    "weight": 1,
                }
            ],
        }
    )
    data = load_sources([SourceSpec(path="12411-03-03-4.csv")], framework, base_dir=tmp_path)
    assert list(data.years) == [2015, 2016]
    assert value(data, "01001", 2015, "pop_foreign") == 8320
    assert value(data, "01001", 2016, "pop_foreign") == 9320
    assert value(data, "01001", 2016, "pop_foreign_start") == 8320
    long = data.long
    start = long[(long["unit"] == "01001") & (long["variable"] == "pop_foreign_start")]
    assert start["year"].tolist() == [2016]  # 2015's, at 31.12.2014, is not in the file
    # inspect proposes the column for the variable of its own date
    described = describe_source(SourceSpec(path="12411-03-03-4.csv"), framework, base_dir=tmp_path)
    proposed = described.proposed_mapping["Ausländer(innen) | Insgesamt | Insgesamt"]
    assert proposed == "pop_foreign"
    # Flensburg's foreigners at the start of 2016 per 100 at its end
    share = mi.score(data, framework).cube("derived")[1, list(data.unit_ids).index("01001"), 0]
    assert share == pytest.approx(100 * 8320 / 9320, rel=1e-12)


def test_excel_unicode_text_export_utf16_tabs(tmp_path: Path) -> None:
    text = "AGS\tGemeinde\tEinwohner\n01001000\tFlensburg\t90164\n"
    (tmp_path / "export.txt").write_bytes(text.encode("utf-16"))
    ds = load_sources([SourceSpec(path="export.txt", year=2020)], base_dir=tmp_path)
    assert value(ds, "01001000", 2020, "Einwohner") == 90164
    assert ds.units.loc["01001000", "name"] == "Flensburg"


def test_filter_on_a_classic_genesis_table_is_refused_not_ignored() -> None:
    spec = SourceSpec(path="12411-01-01-4.csv", filter={"Geschlecht": "Insgesamt"})
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=REAL)
    assert list(err.value.failures["code"]) == ["unsupported_option"]


def test_declared_ags_scheme_reports_keys_that_are_not_official(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("AGS;Einwohner\n01001000;90\nNord;70\n")
    spec = SourceSpec(path="s.csv", year=2023, key={"scheme": "ags"})
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    bad = err.value.failures.iloc[0]
    assert (bad["row"], bad["value"], bad["code"]) == (3, "Nord", "key_not_in_scheme")


def test_jahr_column_and_trailing_separators(tmp_path: Path) -> None:
    text = "Kennziffer;Gebiet;Jahr;Einwohner;\n01001000;Flensburg;2022;91000;\n"
    (tmp_path / "j.csv").write_text(text + "01001000;Flensburg;2023;92000;\n")
    ds = load_sources([SourceSpec(path="j.csv")], base_dir=tmp_path)
    assert list(ds.variables) == ["Einwohner"]
    assert value(ds, "01001000", 2023, "Einwohner") == 92000


def test_problems_name_the_columns_as_the_source_does(tmp_path: Path) -> None:
    (tmp_path / "j.csv").write_text("AGS;Gemeinde;Jahr;Einwohner\n01001000;Flensburg;zwanzig;5\n")
    (tmp_path / "s.csv").write_text("Year,GeoCode,Value\n2021,K03101,5\nneunzehn,K03101,6\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="j.csv"), SourceSpec(path="s.csv")], base_dir=tmp_path)
    bad = err.value.failures.query("code == 'not_a_year'")
    assert bad[["row", "column", "value"]].to_numpy().tolist() == [
        [2, "Jahr", "zwanzig"],
        [3, "Year", "neunzehn"],
    ]
    # a missing column's message lists the columns as the file names them
    (tmp_path / "n.csv").write_text("Nr;Stadtbezirk;Einw\n1;Innenstadt;5\n")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="n.csv")], base_dir=tmp_path)
    assert err.value.failures["reason"].iloc[0].endswith("columns are: Nr, Stadtbezirk, Einw")


def test_label_ids_are_valid_unique_and_keep_the_specific_levels() -> None:
    from mint_index.data.sources import label_ids

    taken: set[str] = set()
    long = "Insolvenzverfahren (Verbraucher) | Beantragte Verfahren | eröffnet | Anzahl"
    # 68 characters: the last word of the longest level goes ("verbraucher")
    assert label_ids([long], taken) == ["insolvenzverfahren_beantragte_verfahren_eroeffnet_anzahl"]
    assert label_ids(["Gültige Stimmen | SPD"], taken) == ["gueltige_stimmen_spd"]
    assert label_ids(["Gültige Stimmen | SPD"], taken) == ["gueltige_stimmen_spd_2"]
    assert label_ids(["2015"], taken) == ["v_2015"]
    # a share's % is a word of its own: "..._in" said nothing (audit 6)
    assert label_ids(["Ausländeranteil in %", "Anteil Ü65 (%)"], taken) == [
        "auslaenderanteil_in_prozent",
        "anteil_ue65_prozent",
    ]


def test_label_ids_of_huge_labels_are_made_in_linear_time() -> None:
    """A label of one million characters took 8 s, one of 100,000 words more than two
    minutes (one character or word cut at a time); the ids are those the rule gives:
    the word cut to an id's length, the first words that fit."""
    from mint_index.data.sources import label_ids

    assert label_ids(["x" * 1_000_000], set()) == ["x" * 60]
    words = label_ids([" ".join(["wort"] * 100_000)], set())
    assert words == ["_".join(["wort"] * 12)]


def test_label_ids_of_a_source_keep_what_tells_its_variables_apart() -> None:
    from mint_index.data.sources import label_ids

    # labels of the real flat file 21311-01-01-4-B (students by sex, nationality, field)
    statistic = "Studierende (im Kreisgebiet) (Anzahl)"
    field = "Agrar-, Forst- und Ernährungswissensch., Veterinär"
    labels = [
        f"{statistic} | weiblich | Insgesamt | {field}",
        f"{statistic} | weiblich | deutsch | {field}",
        f"{statistic} | männlich | deutsch | Sport",
    ]
    # the first is too long: the level all share goes from every label, then "und",
    # then the last word of the longest level - in every label that has it
    assert label_ids(labels, set()) == [
        "weiblich_insgesamt_agrar_forst_ernaehrungswissensch",
        "weiblich_deutsch_agrar_forst_ernaehrungswissensch",
        "maennlich_deutsch_sport",
    ]
    # labels that fit keep every level, the shared ones too
    votes = ["Gültige Stimmen | SPD", "Gültige Stimmen | CDU"]
    assert label_ids(votes, set()) == ["gueltige_stimmen_spd", "gueltige_stimmen_cdu"]
    # a level is not cut to read like another one (12531-0043): the last resort cuts
    # every word to one length instead, so both keep their sex and country
    status = "Befristet anerkannter Schutzstatus"
    two = [
        f"Schutzsuchende (Anzahl) | {status} aus Asylverf. | weiblich | Aserbaidschan",
        f"Schutzsuchende (Anzahl) | {status} | weiblich | Aserbaidschan",
        "Schutzsuchende (Anzahl) | Insgesamt | männlich | Somalia",
    ]
    ids = label_ids(two, set())
    assert ids[1] == "befristet_anerkannter_schutzstatus_weiblich_aserbaidschan"
    assert ids[0] == "befristet_anerkannte_schutzstat_asylverf_weiblich_aserbaidsc"
    assert all(len(i) <= 60 for i in ids) and len(set(ids)) == 3


@pytest.mark.parametrize(
    ("name", "unit", "year", "expected"),
    [
        ("12411-01-01-4.csv", "01001", 2015, 85942),  # 01001;Flensburg;85942;42767;43175
        ("12411-01-01-4_flat.csv", "08222", 2024, 318035),  # 08222;...;;Insgesamt;318035
    ],
)
def test_packaged_catalog_maps_pop_total_through_also_in(
    name: str, unit: str, year: int, expected: int
) -> None:
    from mint_index.data.sources import map_table, read_spec

    (table,) = read_spec(SourceSpec(path=name), base_dir=REAL)
    table, _ = map_table(table, None, mi.default_framework())
    cells = table.cells
    hit = cells[(cells["unit"] == unit) & (cells["year"] == year)]
    assert dict(zip(hit["variable"].astype(str), hit["value"], strict=True)) == {
        "pop_total": expected
    }


def test_a_text_column_the_mapping_leaves_out_is_no_problem(tmp_path: Path) -> None:
    # a VG250-like attribute table: AGS, GEN (name), BEZ (kind, text), EWZ (residents)
    text = "AGS;GEN;BEZ;EWZ\n01001000;Flensburg;Stadt;90000\n01002000;Kiel;Landeshauptstadt;2x\n"
    (tmp_path / "vg.csv").write_text(text)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="vg.csv", year=2020)], base_dir=tmp_path)
    assert set(err.value.failures["column"]) == {"BEZ", "EWZ"}
    with pytest.raises(DataValidationError) as err:  # the mapped column's problem stays
        load_sources(
            [SourceSpec(path="vg.csv", year=2020, mapping={"EWZ": "pop"})], base_dir=tmp_path
        )
    assert list(err.value.failures["column"]) == ["EWZ"]
    (tmp_path / "vg.csv").write_text(text.replace("2x", "250000"))
    ds = load_sources(
        [SourceSpec(path="vg.csv", year=2020, mapping={"EWZ": "pop"})], base_dir=tmp_path
    )
    assert value(ds, "01002000", 2020, "pop") == 250000
    assert ds.units.loc["01002000", "name"] == "Kiel"


def test_excel_keys_stored_as_numbers_are_padded_when_declared(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"AGS": [1001000, 10041100], "Einwohner": [90, 70]})
    frame.to_excel(tmp_path / "k.xlsx", index=False)  # Excel keeps numbers, not "01001000"
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="k.xlsx", year=2023)], base_dir=tmp_path)
    assert set(err.value.failures["code"]) == {"numeric_keys", "malformed_key"}
    spec = SourceSpec(path="k.xlsx", year=2023, key={"scheme": "ags", "pad": 8})
    ds = load_sources([spec], base_dir=tmp_path)
    assert value(ds, "01001000", 2023, "Einwohner") == 90


def test_a_table_of_long_rows_with_quoted_cells_reads(tmp_path: Path) -> None:
    """Rows of 130 quoted decimal-comma cells (a physicians' atlas export): 200 rows do not
    fit the head the reader samples, and a sample that ended inside a quoted cell was
    "EOF inside string". The title cell holds a line break."""
    groups = [f"Arztgruppe {j // 10}" for j in range(130)]
    measures = [f"Kennziffer {j % 10}" for j in range(130)]
    for pad in range(8):  # spaces after the title that put the sample's end inside a cell
        lines = ['"Regionale Verteilung der Ärzte in der', 'vertragsärztlichen Versorgung, 2023"']
        lines[-1] += " " * pad + "," * 131
        lines += ["," * 131, "," * 131, "Regionsschlüssel,Name," + ",".join(groups)]
        lines += [",," + ",".join(measures)]
        for i in range(120):
            cells = ",".join(f'"{i},{j % 10}"' for j in range(130))
            lines.append(f"{i + 1:05d},Region {i + 1},{cells}")
        raw = ("\n".join(lines) + "\n").encode("cp1252")
        if raw[:SAMPLE_CHARS].count(b'"') % 2:
            break
    assert raw[:SAMPLE_CHARS].count(b'"') % 2, "the sample should end inside a quoted cell"
    path = tmp_path / "aerzte.csv"
    path.write_bytes(raw)
    data = mi.load_data(path, year=2023)
    assert len(data.unit_ids) == 120 and len(data.variables) == 130
    at = list(data.unit_ids).index("00100"), data.variables.index("Arztgruppe 1 | Kennziffer 7")
    assert data.values[0, at[0], at[1]] == pytest.approx(99.7)  # row 100: "99,7"
    described = describe_source(SourceSpec(path="aerzte.csv", year=2023), base_dir=tmp_path)
    assert described.title == (
        "Regionale Verteilung der Ärzte in der vertragsärztlichen Versorgung, 2023"
    )


#: A Landesamt's published table of its Kreise, as the Integrationsmonitoring
#: Niedersachsen sets its download sheets out (layout after the real 2021 tables, cells
#: written by hand): an empty first column, title lines, the key and name heads merged
#: down beside a group head over a row of years (the years after the first are numbers
#: pandas reads as floats), a unit of measure merged over them, a row numbering the
#: columns with a slip (16 twice), Kreis keys without the Land's 03 and stored as
#: numbers, a Statistische Region (1) and the Land (0) among them, a change column, and
#: notes below: the source, the publisher, its web address.
LANDESAMT = [
    [None, None, "Migration und Teilhabe in Niedersachsen - Integrationsmonitoring 2021"],
    [None, None, None],
    [None, "Tabelle 1.2.1: Ausländerinnen und Ausländer in Niedersachsen", None],
    [None, None, None],
    [
        None,
        "AGS",
        "Kreisfreie Stadt\nLandkreis\nStatistische Region\nLand",
        "Ausländerinnen und Ausländer am 31.12.",
        None,
        None,
        None,
    ],
    [None, None, None, 2005, 2006.0, 2020.0, "Veränderung aktuelles Jahr (2020) zu 2005"],
    [None, None, None, "Anzahl", None, None, None],
    [None, 1, 2, 3, 3, 4, 5],
    [None, 101, "Braunschweig,Stadt", 20275, 20282, 30950, 52.7],
    [None, 102, "Salzgitter,Stadt", 10721, 10474, 20785, 93.9],
    [None, 1, "Stat. Region Braunschweig", 99536, 97675, 131820, 32.4],
    [None, 0, "Niedersachsen", 461486, 460112, 839510, 81.9],
    [None, None, None],
    [None, None, "Quelle: Statistische Ämter des Bundes und der Länder, Ausländerzentralregister"],
    [None, None, "© Landesamt für Statistik Niedersachsen, Hannover 2021,"],
    [None, None, "https://www.integrationsmonitoring.niedersachsen.de"],
]


def test_a_landesamts_published_table_of_its_kreise(tmp_path: Path) -> None:
    rows = [row + [None] * (7 - len(row)) for row in LANDESAMT]
    pd.DataFrame(rows).to_excel(tmp_path / "1-2-1.xlsx", header=False, index=False)
    spec = SourceSpec(path="1-2-1.xlsx", key={"prefix": "03"})
    ds = load_sources([spec], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["03", "031", "03101", "03102"]
    assert list(ds.years) == [2005, 2006, 2020]
    assert ds.variables == ["Ausländerinnen und Ausländer am 31.12. | Anzahl"]
    assert value(ds, "03101", 2005, ds.variables[0]) == 20275
    assert value(ds, "03102", 2020, ds.variables[0]) == 20785
    assert value(ds, "03", 2006, ds.variables[0]) == 460112
    assert ds.units.loc["031", "name"] == "Stat. Region Braunschweig"
    codes = ds.warnings.groupby("code").size().to_dict()
    assert codes == {"change_column": 1, "note_below_table": 3}
    # without the Land's prefix the keys stored as numbers may have lost a zero
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="1-2-1.xlsx")], base_dir=tmp_path)
    assert set(err.value.failures["code"]) == {"numeric_keys"}


def _school_table(unit_of_measure: str, figures: list[list[object]]) -> list[list[object]]:
    """One of the two tables of a Landesamt's sheet of pupils by school type (after the
    real Integrationsmonitoring Niedersachsen table 4.1.2, cells written by hand)."""
    return [
        [None, "AGS", "Statistische Region\nLand", "Jahr", "Hauptschule", None],
        [None, None, None, None, "Deutsche", "Ausländerinnen und Ausländer"],
        [None, None, None, None, unit_of_measure, None],
        [None, 1, 2, 3, 4, 5],
        *figures,
    ]


def test_two_tables_one_below_the_other_in_a_sheet(tmp_path: Path) -> None:
    """A sheet of per cent shares with, below its notes, the same table in counts: both
    are read, each with its header, and problems name the rows of the sheet."""
    rows = [
        [None, "Tabelle 4.1.2: Schülerinnen und Schüler nach Schulform"],
        [None, None],
        *_school_table(
            "Prozent",
            [
                [None, 1, "Statistische Region Braunschweig", 2020, 68.3, 31.7],
                [None, 2, "Statistische Region Hannover", 2020, 63.5, "x"],
            ],
        ),
        [None, None],
        [None, None, "1) Integrierte Gesamtschule: einschließlich Oberstufe"],
        [None, None],
        [None, None, "Quelle: Schulstatistik"],
        [None, None],
        [None, "Tabelle 4.1.2a: Schülerinnen und Schüler nach Schulform, Anzahl"],
        *_school_table(
            "Anzahl",
            [
                [None, 1, "Statistische Region Braunschweig", 2020, 733, 340],
                [None, 2, "Statistische Region Hannover", 2020, 334, "x"],
            ],
        ),
    ]
    rows = [row + [None] * (6 - len(row)) for row in rows]
    pd.DataFrame(rows).to_excel(tmp_path / "4-1-2.xlsx", header=False, index=False)
    spec = SourceSpec(path="4-1-2.xlsx", key={"prefix": "03"})
    ds = load_sources([spec], base_dir=tmp_path)
    share, count = "Hauptschule | Deutsche | Prozent", "Hauptschule | Deutsche | Anzahl"
    assert ds.variables == [
        share,
        "Hauptschule | Ausländerinnen und Ausländer | Prozent",
        count,
        "Hauptschule | Ausländerinnen und Ausländer | Anzahl",
    ]
    assert list(ds.unit_ids) == ["031", "032"]
    assert value(ds, "031", 2020, share) == pytest.approx(68.3)
    assert value(ds, "031", 2020, count) == 733
    assert value(ds, "032", 2020, count) == 334
    notes = ds.warnings[ds.warnings["code"] == "note_below_table"]
    assert notes["row"].tolist() == [10, 12]  # the first table's notes, at their rows
    locked = ds.long.query("unit == '032'").set_index("variable")["missing_reason"]
    assert locked["Hauptschule | Ausländerinnen und Ausländer | Anzahl"] == "locked"
    rows[-1][4] = "?"  # a problem in the table below names its row of the sheet
    pd.DataFrame(rows).to_excel(tmp_path / "4-1-2.xlsx", header=False, index=False)
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    assert err.value.failures[["row", "value"]].values.tolist() == [[len(rows), "?"]]


def test_a_sheet_of_many_repeated_headers_is_split_a_bounded_number_of_times(
    tmp_path: Path,
) -> None:
    """Hostile input: 60 header-and-row blocks. The first tables are split off up to
    MAX_TABLES_IN_SHEET; the rest is read as the last table, its repeated headers
    reported as rows whose year is no year, not split sixty times."""
    from mint_index.data.sources import MAX_TABLES_IN_SHEET

    rows: list[list[object]] = []
    for i in range(60):
        rows += [["AGS", "Name", "Jahr", "Anzahl"], [f"0{1001 + i}", "Ort", 2020, i], [None] * 4]
    pd.DataFrame(rows).to_excel(tmp_path / "many.xlsx", header=False, index=False)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="many.xlsx")], base_dir=tmp_path)
    years = err.value.failures.query("column == 'Jahr'")
    assert len(years) == 60 - MAX_TABLES_IN_SHEET
    assert years["row"].min() == 3 * MAX_TABLES_IN_SHEET + 1  # the 21st header, in the sheet


def test_a_key_head_repeated_without_an_empty_row_above_starts_no_table(
    tmp_path: Path,
) -> None:
    # a second header needs an empty row above it: a data row keyed "AGS" stays a row
    rows = [["AGS", "Name", "Jahr", "Anzahl"], ["03101", "Braunschweig", 2020, 5]]
    rows += [["AGS", "Name", "Jahr", "Anzahl"], ["03102", "Salzgitter", 2020, 6]]
    pd.DataFrame(rows).to_excel(tmp_path / "t.xlsx", header=False, index=False)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="t.xlsx")], base_dir=tmp_path)
    assert 3 in set(err.value.failures["row"])


def test_a_census_table_of_every_level_dated_by_its_reference_day(tmp_path: Path) -> None:
    """The Zensus 2022 tables set a sheet out with the reference day as one number
    (``Berichtszeitpunkt`` 20220515), the key as ``_RS`` (12 digits for a Gemeinde), and
    a column saying each row's level (layout as a public project's test fixtures show the
    Regionaltabelle's ``CSV-`` sheets; figures written by hand). The filter keeps the
    Gemeinden; without it, the level column is text, reported with that filter."""
    rows = [
        ["Berichtszeitpunkt", "_RS", "Name", "Regionalebene", "EWZ", "AUSL"],
        [20220515, "01", "Schleswig-Holstein", "Land", 2953270, 259000],
        [20220515, "01001", "Flensburg", "Kreis", 91113, 11900],
        [20220515, "010010000000", "Flensburg, Stadt", "Gemeinde", 91113, 11900],
        [20220515, "010515163003", "Averlak", "Gemeinde", 560, "/"],
        [20220515, "010510011011", "Brunsbüttel, Stadt", "Gemeinde", 12270, 1210],
        [20220515, "01051", "Dithmarschen", "Kreis", 133210, 8800],
    ]
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(
        tmp_path / "zensus.xlsx", sheet_name="CSV-Einwohnerzahl", index=False
    )
    spec = SourceSpec(path="zensus.xlsx", filter={"Regionalebene": "Gemeinde"})
    ds = load_sources([spec], base_dir=tmp_path)
    assert list(ds.years) == [2022]
    assert list(ds.unit_ids) == ["010010000000", "010510011011", "010515163003"]
    assert ds.variables == ["EWZ", "AUSL"]
    assert value(ds, "010510011011", 2022, "AUSL") == 1210
    missing = ds.long.set_index(["unit", "variable"])["missing_reason"]
    assert missing[("010515163003", "AUSL")] == "not_reliable"
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="zensus.xlsx")], base_dir=tmp_path)
    text = err.value.failures.query("code == 'text_column'")["reason"].iloc[0]
    assert "kinds (Land, Kreis, Gemeinde)" in text


def test_an_open_sdg_table_kept_in_a_workbook(tmp_path: Path) -> None:
    """A Landesamt prepares its Open SDG uploads in workbook sheets (after the
    Integrationsmonitoring Niedersachsen's ``CSV_Export`` sheets, figures written by
    hand): ``Geocode`` spelt so, the AGS beside it as numbers, a line break typed into a
    label, a column without a head, empty rows below. It is read as the Open SDG file it
    would be saved as."""
    head = ["AGS", "Year", "Gebietseinheit", "Qualifikation", "Units", "Geocode", "Value", None]
    rows = [
        [101, 2020, "Braunschweig, Stadt", "hoch", "%", "K03101", 24.91, '"'],
        [101, 2020, "Braunschweig, Stadt", "niedrig", "%", "K03101", 12.5, '"'],
        [102, 2020, "Salzgitter, Stadt", "hoch", "%", "K03102", ".", '"'],
        [102, 2020, "Salzgitter, Stadt", "niedrig", "%", "K03102", 30.25, '"'],
        [102, 2020, "Salzgitter, Stadt", "mittel\nQualifikation", "%", "K03102", 5.0, '"'],
        [None] * 8,
        [None] * 8,
    ]
    pd.DataFrame([head, *rows]).to_excel(
        tmp_path / "5-2-3.xlsx", sheet_name="CSV_Export", header=False, index=False
    )
    ds = load_sources([SourceSpec(path="5-2-3.xlsx")], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["03101", "03102"]
    assert ds.variables == ["% | hoch", "% | niedrig", "% | mittel Qualifikation"]
    assert value(ds, "03101", 2020, "% | hoch") == pytest.approx(24.91)
    assert value(ds, "03102", 2020, "% | niedrig") == pytest.approx(30.25)
    missing = ds.long.set_index(["unit", "variable"])["missing_reason"]
    assert missing[("03102", "% | hoch")] == "unknown_or_secret"
    assert ds.units.loc["03102", "name"] == "Salzgitter, Stadt"


def test_a_year_column_headed_with_its_date_and_names_spelt_two_ways(tmp_path: Path) -> None:
    """``Jahr (31.12.)`` is the year column; a Kreis named two ways over the years, or
    given a new key by a reform (Göttingen 152, from 2016 159), keeps its name column."""
    rows = [
        ["AGS", "Kreisfreie Stadt / Landkreis", "Jahr (31.12.)", "Empfänger"],
        ["152", "Göttingen", "2015", "9000"],
        ["159", "Göttingen", "2016", "15000"],
        ["241", "Hannover, Region", "2015", "90000"],
        ["241", "Region Hannover ", "2016", "91000"],
        *[[str(k), f"Kreis {k}", y, "100"] for k in range(301, 321) for y in ("2015", "2016")],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel=False)
    ds = load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert ds.variables == ["Empfänger"] and list(ds.years) == [2015, 2016]
    assert value(ds, "159", 2016, "Empfänger") == 15000
    assert value(ds, "241", 2016, "Empfänger") == 91000
    assert ds.units.loc["152", "name"] == "Göttingen"


def test_a_time_series_whose_regions_changed_their_keys_keeps_its_name_column(
    tmp_path: Path,
) -> None:
    """The Landesamt's time series (Mikrozensus, indicator A10) wrote a grouping's key two
    ways over the years (``360/354``, ``360/ 354``) and gave parts of Kreise new keys
    (``152x``, from 2016 ``159x``): three names of 26 beside a second key, more than a
    tenth, are still the name column, not figures."""
    rows = [["AGS", "Kreisfreie Stadt / Landkreis", "Jahr", "Bevölkerung"]]
    rows += [[str(k), f"Kreis {k}", "2019", "100"] for k in range(101, 121)]
    rows += [
        ["152x", "dav. Göttingen, Umland", "2015", "60"],
        ["159x", "dav. Göttingen, Umland", "2019", "61"],
        ["360/354", "Uelzen / Lüchow-Dannenberg", "2015", "140"],
        ["360/ 354", "Uelzen / Lüchow-Dannenberg", "2019", "138"],
        ["241999", "dav. Hannover, Umland", "2015", "600"],
        ["241x", "dav. Hannover, Umland", "2019", "610"],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel=True)
    ds = load_sources([SourceSpec(path=name, key={"scheme": "own"})], base_dir=tmp_path)
    assert ds.variables == ["Bevölkerung"]
    assert value(ds, "159x", 2019, "Bevölkerung") == 61
    assert ds.units.loc["360/ 354", "name"] == "Uelzen / Lüchow-Dannenberg"


def test_a_boundary_date_above_the_header_is_a_note_not_a_group_head(tmp_path: Path) -> None:
    """The Landesamt's yearly sheets of Kita children (B2, a sheet per year) say above the
    header, in a column of their own, as of which date their regions' boundaries are
    (``Gebietsstand: 01.11.2016``): a note of the title, which neither heads the figures
    nor dates them; the year is the title's."""
    rows = [
        ["B2 Betreute Kinder bis unter 6 Jahren am 01.03.2010", None, None, None, None],
        [None, None, None, "Gebietsstand: 01.11.2016", None],
        ["GKZ", "Kreisfreie Stadt\nLandkreis", "Betreute Kinder", None, None],
        [None, None, "insgesamt", "mit Migrationshintergrund", None],
        [None, None, "Anzahl", None, None],
        [None, None, None, None, None],
        ["101", "Braunschweig,Stadt", 6226, 1687, None],
        ["102", "Salzgitter,Stadt", 2500, 999, None],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel=True)
    ds = load_sources([SourceSpec(path=name, key={"prefix": "03"})], base_dir=tmp_path)
    assert list(ds.years) == [2010]
    variable = "Betreute Kinder | mit Migrationshintergrund | Anzahl"
    assert value(ds, "03101", 2010, variable) == 1687


def test_a_helper_column_between_the_key_and_the_names_is_passed_over(
    tmp_path: Path,
) -> None:
    """The Landesamt's working sheet of foreigners (A2) keeps a helper column of one text
    (``Anzahl_A``) between the AGS and the names: the names beside it are still the name
    column, the helper a caption, and the years over the figures date them."""
    rows = [
        ["AGS", None, "Kreisfreie Stadt / Landkreis", "Ausländer am 31.12.", None],
        [None, None, None, 2005, 2019],
        ["101", "Anzahl_A", "Braunschweig,Stadt", 20275, 30950],
        ["102", "Anzahl_A", "Salzgitter,Stadt", 10721, 20785],
        ["103", "Anzahl_A", "Wolfsburg,Stadt", 11986, 18640],
    ]
    name = _sheet_or_csv(tmp_path, rows, excel=True)
    ds = load_sources([SourceSpec(path=name, key={"prefix": "03"})], base_dir=tmp_path)
    assert list(ds.years) == [2005, 2019]
    assert value(ds, "03102", 2019, ds.variables[0]) == 20785
    assert ds.units.loc["03103", "name"] == "Wolfsburg,Stadt"
    assert "caption_column" in set(ds.warnings["code"])


def test_a_key_given_as_a_number_is_refused_with_how_to_write_it() -> None:
    """YAML reads an unquoted ``05315000`` as the octal number 1415680 and ``03`` as 3:
    a key must be text, and the message says to quote it."""
    from pydantic import ValidationError

    from mint_index.data.source import KeySpec
    from mint_index.yamlio import load_yaml

    options = load_yaml("t.yaml", text="unit: 05315000\nkey: {prefix: 03}\n")
    with pytest.raises(ValidationError, match="write it in quotes") as err:
        SourceSpec(path="t.csv", unit=options["unit"])
    assert "1415680" in str(err.value)
    with pytest.raises(ValidationError, match="write it in quotes"):
        KeySpec(**options["key"])
    assert SourceSpec(path="t.csv", unit="05315000", key={"prefix": "03"}).unit == "05315000"


def test_a_unit_of_measure_below_a_vertically_merged_header_row(tmp_path: Path) -> None:
    """The Landesamt's Kita sheets (Integrationsmonitoring Niedersachsen B3): header cells
    merged over two rows leave the second empty, and ``Anzahl`` under it, merged over the
    figures, had become a row without a key (unit "") whose ``Anzahl`` was "not a
    number". It belongs to the header. Figures as in the real sheet for 2012."""
    rows = [
        ["B3 Kinder in Kindertageseinrichtungen", None, None, None, None, None, None, 2012],
        ["am 01.03.2012", None, None, None, "Gebietsstand: 01.11.2016", None, None, None],
        [
            "GKZ",
            "Kreisfreie Stadt\nLandkreis",
            "Betreute Kinder im Alter von 0 bis unter 3 Jahren",
            None,
            "Betreute Kinder im Alter von 3 bis unter 6 Jahren",
            *[None] * 3,
        ],
        [None, None, "insgesamt", "ausländische Herkunft", "insgesamt", "ausländische Herkunft"]
        + [None] * 2,
        [None] * 8,  # the lower half of the cells merged over two rows
        [None, None, "Anzahl", None, None, None, None, None],
        [None] * 8,
        [101, "Braunschweig, Stadt", 1761, 283, 5573, 1737, None, None],
        [102, "Salzgitter, Stadt", 353, 86, 2351, 1023, None, None],
        [103, "Wolfsburg, Stadt", 904, 226, 2940, 1065, None, None],
    ]
    pd.DataFrame(rows).to_excel(tmp_path / "b3.xlsx", header=False, index=False)
    ds = load_sources([SourceSpec(path="b3.xlsx", key={"prefix": "03"})], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["03101", "03102", "03103"]
    assert list(ds.years) == [2012]
    young = "Betreute Kinder im Alter von 0 bis unter 3 Jahren | ausländische Herkunft | Anzahl"
    assert young in ds.variables and len(ds.variables) == 4
    assert value(ds, "03101", 2012, young) == 283
    older = "Betreute Kinder im Alter von 3 bis unter 6 Jahren | insgesamt | Anzahl"
    assert value(ds, "03103", 2012, older) == 2940
    assert "Anzahl" not in ds.warnings.get("value", pd.Series(dtype=object)).tolist()


def test_a_row_of_figures_after_an_empty_row_is_no_unit_of_measure() -> None:
    from mint_index.data.plain_tables import header_rows

    header = ["Nr", "Name", "Einwohner", "Ausländer"]
    # a row of 1000s (figures or "in 1 000") is data; "Anzahl" and "%" head the figures
    assert header_rows([header, [""] * 4, ["", "", "1000", "1000"], ["1", "a", "5", "6"]]) == (
        0,
        1,
    )
    assert header_rows([header, [""] * 4, ["", "", "Anzahl", "%"], ["1", "a", "5", "6"]]) == (
        0,
        3,
    )


def test_a_table_whose_column_numbering_skips_deleted_columns(tmp_path: Path) -> None:
    """The Landesamt's Kita table B3-3K: its columns are numbered 1-6, 9-11 (two columns
    deleted after the numbering was typed). Before, the numbering was read as a row of
    data ("not a year: 3"). Figures of Braunschweig 2020 as in the real sheet."""
    head = "Kinder im Alter von unter 3 Jahren"
    older = "Kinder im Alter von 3 bis unter 6 Jahren"
    rows = [
        [None, None, "Tabelle B3-3K: Betreute Kinder", None, None, None, None, None, None, None],
        [None] * 10,
        [
            None,
            "AGS",
            "Kreisfreie Stadt\nLandkreis",
            "Jahr\n(Stichtag: 01. März)",
            head,
            f"{head} mit ausländischer Herkunft",
            None,
            older,
            f"{older} mit ausländischer Herkunft",
            None,
        ],
        [None, None, None, None, None, "Anzahl", "Anteil", None, "Anzahl", "Anteil"],
        [None, 1, 2, 3, 4, 5, 6, 9, 10, 11],
        [None, 101, "Braunschweig  Stadt", 2020, 2577, 637, 24.718665, 5940, 2285, 38.468013],
        [None, 102, "Salzgitter  Stadt", 2020, 602, 152, 25.249169, 2708, 1318, 48.670606],
    ]
    pd.DataFrame(rows).to_excel(tmp_path / "b3.xlsx", header=False, index=False)
    ds = load_sources([SourceSpec(path="b3.xlsx", key={"prefix": "03"})], base_dir=tmp_path)
    assert list(ds.unit_ids) == ["03101", "03102"] and list(ds.years) == [2020]
    assert value(ds, "03101", 2020, older) == 5940
    share = f"{older} mit ausländischer Herkunft | Anteil"
    assert value(ds, "03101", 2020, share) == pytest.approx(38.468013)
    assert value(ds, "03102", 2020, f"{older} mit ausländischer Herkunft | Anzahl") == 1318


def test_a_unit_typed_in_one_cell_of_a_merged_header_stands_over_that_column(
    tmp_path: Path,
) -> None:
    """The Landesamt's Kita time series B3: ``Prozent`` and ``Prozentpunkte`` typed under
    one share each, in a sheet that merges its other heads. Before, the empty cells right
    of them made the counts beside them "| Prozentpunkte". A unit merged over several
    columns (``Anzahl`` over the years, merged one column short, as when a year is added)
    still reaches up to the next cell of its row. Figures of Braunschweig 2019 as in the
    real sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["AGS", "Name", "Jahr", "unter 3", "unter 3 mit MH", None, None, "3 bis 6"],
        [None, None, None, None, "Anzahl", "Anteil", "Veränderung", None],
        [None, None, None, None, None, "Prozent", "Prozentpunkte", None],
        [101, "Braunschweig, Stadt", 2019, 2562, 644, 25.136612, 2.535502, 5852],
    ]
    for row in rows:
        sheet.append(row)
    for cells in ("A1:A3", "B1:B3", "C1:C3", "D1:D3", "E1:G1", "E2:E3", "H1:H3"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "b3.xlsx")
    ds = load_sources([SourceSpec(path="b3.xlsx", key={"prefix": "03"})], base_dir=tmp_path)
    assert ds.variables == [
        "unter 3",
        "unter 3 mit MH | Anzahl",
        "unter 3 mit MH | Anteil | Prozent",
        "unter 3 mit MH | Veränderung | Prozentpunkte",
        "3 bis 6",
    ]
    assert value(ds, "03101", 2019, "3 bis 6") == 5852
    # the same header typed without merging a cell: its empty cells are all it has
    pd.DataFrame(rows).to_excel(tmp_path / "plain.xlsx", header=False, index=False)
    typed = load_sources([SourceSpec(path="plain.xlsx", key={"prefix": "03"})], base_dir=tmp_path)
    assert typed.variables[-1] == "3 bis 6 | Prozentpunkte"

    # a year per column under one Anzahl merged over all but the last year
    years = openpyxl.Workbook()
    sheet = years.active
    for row in (
        ["AGS", "Name", "Einwohner", None, None, "Veränderung"],
        [None, None, 2018, 2019, 2020, "2020 / 2018"],
        [None, None, "Anzahl", None, None, "Prozent"],
        [101, "Braunschweig", 248292, 248823, 249406, 0.4],
    ):
        sheet.append(row)
    for cells in ("C1:E1", "C3:D3", "A1:A3", "B1:B3"):
        sheet.merge_cells(cells)
    years.save(tmp_path / "a1.xlsx")
    ds = load_sources([SourceSpec(path="a1.xlsx", key={"prefix": "03"})], base_dir=tmp_path)
    assert ds.variables == ["Einwohner | Anzahl"] and list(ds.years) == [2018, 2019, 2020]
    assert value(ds, "03101", 2020, "Einwohner | Anzahl") == 249406


def test_regions_as_section_rows_say_how_the_table_must_come(tmp_path: Path) -> None:
    """A statistics database's printout (LSN-Online's K-tables): each region in a row of
    its own, key and name in one cell, above the rows of its school types, saved without
    the column numbering a printout has (a worked copy). There is no key column to read;
    the problem says why, names the first such row and what can be read."""
    rows = [
        ["Schulgliederung", "insgesamt", "Klasse 1"],
        [None, None, None],
        ["0 Niedersachsen", None, None],
        ["Grundschule", 279053, 71780],
        ["Hauptschule", 16780, 0],
        ["1 Braunschweig", None, None],
        ["Grundschule", 52166, 13652],
        ["Hauptschule", 5471, 0],
    ]
    pd.DataFrame(rows).to_excel(tmp_path / "k3.xlsx", header=False, index=False)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="k3.xlsx", year=2020)], base_dir=tmp_path)
    reason = err.value.failures.query("code == 'missing_column'")["reason"].iloc[0]
    assert "names its regions in rows of their own, '0 Niedersachsen' (row 3)" in reason
    assert "with its column numbering" in reason


def test_a_sheet_dated_by_the_year_its_name_names(tmp_path: Path) -> None:
    """Sheets named ``Daten 2022`` and ``A1_2023_bearbeitet`` (the Landesamt's working
    copies), each a table without a year: each is dated by the one year its name names,
    as a sheet named ``2023`` is. A table with a head that names a year it could not
    place (``2005`` beside ``Wert``) is not: it is no table of one year."""
    with pd.ExcelWriter(tmp_path / "jahre.xlsx") as book:
        for sheet, figure in (("Daten 2022", 100), ("A1_2023_bearbeitet", 110)):
            table = pd.DataFrame({"AGS": ["101", "102"], "Einwohner": [figure, figure + 5]})
            table.to_excel(book, sheet_name=sheet, index=False)
        mixed = pd.DataFrame({"AGS": ["101"], "Wert": [1.5], "2005": [2.5]})
        mixed.to_excel(book, sheet_name="2019_Karte", index=False)
    spec = SourceSpec(path="jahre.xlsx", sheet=["Daten 2022", "A1_2023_bearbeitet"])
    ds = load_sources([spec], base_dir=tmp_path)
    assert list(ds.years) == [2022, 2023]
    assert value(ds, "102", 2023, "Einwohner") == 115
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="jahre.xlsx", sheet="2019_Karte")], base_dir=tmp_path)
    missing = err.value.failures.query("code == 'missing_column'")
    assert missing["column"].tolist() == ["year"]


def test_a_school_year_in_the_title_is_the_sources_to_count(tmp_path: Path) -> None:
    """``Schulen in Kreisen, Schuljahr 2023/24`` over a table without a year column was
    dated 2023 whatever ``school_year`` said: school leavers, which GENESIS dates by the
    end of their school year, a year early without a word. Without the option it is a
    ``school_year`` problem; with it, the start or the end year."""
    path = tmp_path / "s.csv"
    path.write_text(
        "Schulen in Kreisen, Schuljahr 2023/24;;\n;;\nAGS;Kreis;Schüler\n05111;Ddf;100\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="s.csv")], base_dir=tmp_path)
    assert err.value.failures[["column", "value", "code"]].values.tolist() == [
        ["year", "2023/24", "school_year"]
    ]
    for count, year in (("start", 2023), ("end", 2024)):
        read = load_sources([SourceSpec(path="s.csv", school_year=count)], base_dir=tmp_path)
        assert value(read, "05111", year, "Schüler") == 100


def test_a_long_table_with_decimal_commas_is_read_as_written(tmp_path: Path) -> None:
    """A long ``;`` file with ``2,0`` and ``29,8`` in its value column failed ("column
    holds text"): its value column is read as text, and the decimal mark was sniffed from
    the other columns only. Values read by hand."""
    (tmp_path / "long.csv").write_text(
        "unit;year;variable;value\n01001;2023;x;2,0\n01001;2023;y;29,8\n"
        "01002;2023;x;3,0\n01002;2023;y;1.234,5\n"
    )
    ds = load_sources([SourceSpec(path="long.csv")], base_dir=tmp_path)
    assert value(ds, "01001", 2023, "y") == 29.8 and value(ds, "01002", 2023, "y") == 1234.5
    (tmp_path / "dots.csv").write_text("unit,year,variable,value\n01001,2023,x,2.5\n")
    assert (
        value(load_sources([SourceSpec(path="dots.csv")], base_dir=tmp_path), "01001", 2023, "x")
        == 2.5
    )


def test_a_long_table_with_one_column_named_otherwise_says_which(tmp_path: Path) -> None:
    """``value`` renamed ``Wert``, or ``variable`` renamed ``Merkmal``: the table was read
    as a wide one and failed with pandas' words ("melt output columns cannot contain
    duplicate names"), naming neither column nor fix."""
    (tmp_path / "v.csv").write_text("unit;year;variable;Wert\n01001;2023;x;2\n01001;2023;y;3\n")
    (tmp_path / "m.csv").write_text("unit;year;Merkmal;value\n01001;2023;x;2\n01001;2023;y;3\n")
    for name, reason in (
        (
            "v.csv",
            "a column 'variable' but no column 'value': a long table names the column "
            "of its figures value (here perhaps 'Wert')",
        ),
        (
            "m.csv",
            "a column 'value' but no column 'variable': a long table names the column "
            "that says each figure's variable variable (here perhaps 'Merkmal')",
        ),
    ):
        with pytest.raises(DataValidationError) as err:
            load_sources([SourceSpec(path=name)], base_dir=tmp_path)
        assert err.value.failures["reason"].tolist() == [f"cannot read: {reason}"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_without_a_byte_order_mark_reads_when_the_source_says_so(
    tmp_path: Path, encoding: str
) -> None:
    """UTF-16 saved without its byte-order mark was "binary content" even with
    ``encoding: utf-16-le``, the documented fix: the NUL-byte check ran before the
    declared encoding. Without the option, the refusal says which encoding the file may
    be in, told by where its zero bytes stand (it advised utf-16-le for every one)."""
    text = "unit;year;x\n01001;2023;5\n01002;2023;6\n"
    (tmp_path / "wide.csv").write_bytes(text.encode(encoding))
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="wide.csv")], base_dir=tmp_path)
    said = f"text in {encoding} without a byte-order mark? say so with encoding: {encoding}"
    assert said in err.value.failures["reason"].iloc[0]
    spec = SourceSpec(path="wide.csv", encoding=encoding)
    assert value(load_sources([spec], base_dir=tmp_path), "01002", 2023, "x") == 6


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_detected(tmp_path: Path, encoding: str) -> None:
    # its mark FF FE 00 00 was taken for UTF-16's FF FE (heads "\x00u\x00n..."), and the
    # big-endian one for binary content
    text = "unit;year;x\n01001;2023;5\n01002;2023;6\n"
    marked = (
        text.encode(encoding)
        if encoding == "utf-32"
        else b"\x00\x00\xfe\xff" + text.encode(encoding)
    )
    (tmp_path / "wide.csv").write_bytes(marked)
    assert (
        value(load_sources([SourceSpec(path="wide.csv")], base_dir=tmp_path), "01002", 2023, "x")
        == 6
    )


def test_a_file_not_in_its_encoding_is_placed_at_its_line_and_byte(tmp_path: Path) -> None:
    """A GENESIS export with a Windows-1252 ``ü`` read as UTF-8: "byte 7" was a position
    inside the cell pandas decoded; the file's byte and line are named. The units table
    and the measures register say the same, where they raised a bare UnicodeDecodeError
    (exit 3 on the command line)."""
    lines = [
        "GENESIS-Tabelle: 12411-01-01-4",
        ";;31.12.2015",
        ";;Insgesamt",
        "01001;Flensburg;85942",
    ]
    lines.append("01003;Lübeck;216253")
    raw = ("\n".join(lines) + "\n").encode("cp1252")
    (tmp_path / "g.csv").write_bytes(raw)
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="g.csv", encoding="utf-8")], base_dir=tmp_path)
    at = raw.index("ü".encode("cp1252"))
    expected = f"cannot read: not utf-8 text (line 5, byte {at}: invalid start byte)"
    assert err.value.failures["reason"].iloc[0].startswith(expected)
    units = "ags;name\n01003;Lübeck\n".encode("cp1252")
    (tmp_path / "units.csv").write_bytes(units)
    at = units.index("ü".encode("cp1252"))  # 16
    with pytest.raises(DataValidationError, match=rf"not utf-8 text \(line 2, byte {at}:"):
        mi.load_units(tmp_path / "units.csv", encoding="utf-8")
    (tmp_path / "measures.csv").write_bytes("unit,measure,since\n".encode("utf-16")[:-1])
    with pytest.raises(mi.MintIndexError, match=r"measures\.csv: cannot read: not utf-16"):
        mi.load_measures(tmp_path / "measures.csv")


def test_a_column_a_long_table_does_not_read_is_a_warning(tmp_path: Path) -> None:
    """A year's drop whose ``flag`` column arrived as ``Kennzeichen`` lost every flag with
    ``validate --strict`` passing: a long table left its other columns out without a
    word. Each is a warning now, so ``--strict`` fails."""
    (tmp_path / "l.csv").write_text(
        "unit;year;variable;value;Kennzeichen\n01001;2023;x;5;p\n01002;2023;x;6;\n"
    )
    table = load_sources([SourceSpec(path="l.csv")], base_dir=tmp_path)
    warned = table.warnings.query("code == 'column_not_read'")
    assert warned["column"].tolist() == ["Kennzeichen"]
    assert value(table, "01001", 2023, "x") == 5  # the figures still read
    with pytest.raises(DataValidationError):
        load_sources([SourceSpec(path="l.csv")], base_dir=tmp_path, strict=True)


def test_an_indicator_column_with_its_units_beside_year_heads(tmp_path: Path) -> None:
    """A Wegweiser Kommune export, ``Indikator;Einheit;2019;...;2022`` for one town: the
    ``Indikator`` column was taken for the variables without the ``Einheit`` beside it,
    which then stood among the figures, and the table was "year column missing". The
    units of measure are part of each variable's name, as with ``Sachmerkmal``. Values
    read by hand."""
    (tmp_path / "w.csv").write_text(
        "Wegweiser Kommune;;;;;\nKöln;;;;;\n;;;;;\n"
        "Indikator;Einheit;2019;2020;2021;2022\n"
        "Bevölkerung;Anzahl;1.087.863;1.083.498;1.079.301;1.084.831\n"
        "Ausländeranteil;%;19,4;19,8;20,3;21,2\n",
        encoding="utf-8",
    )
    ds = load_sources([SourceSpec(path="w.csv", unit="05315000")], base_dir=tmp_path)
    assert value(ds, "05315000", 2022, "Ausländeranteil | %") == 21.2
    assert value(ds, "05315000", 2019, "Bevölkerung | Anzahl") == 1087863
