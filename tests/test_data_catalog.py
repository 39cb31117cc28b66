"""Mapping by the framework's source catalog: table code and label path -> variable."""

from __future__ import annotations

from types import SimpleNamespace

from mint_index.data.catalog import label_fits, map_by_catalog

LABELS_14339 = [
    "Wahlberechtigte | Anzahl",
    "Wahlbeteiligung | Prozent",
    "Gültige Stimmen | Anzahl",
    "Gültige Stimmen | Parteien | CDU/CSU | Anzahl",
    "Gültige Stimmen | Parteien | SPD | Anzahl",
]


def framework(*entries: tuple[str, str, tuple[str, ...], str | None]) -> SimpleNamespace:
    """A stand-in with just what the matcher reads: variables with an official source."""
    variables = [
        SimpleNamespace(
            id=var,
            source=SimpleNamespace(type="official", table=table, label_path=path, row=row),
        )
        for var, table, path, row in entries
    ]
    variables.append(SimpleNamespace(id="seats", source=SimpleNamespace(type="self_reported")))
    return SimpleNamespace(variables=variables)


def test_label_path_picks_the_column_it_names() -> None:
    fw = framework(
        ("electorate", "14339-01-02-5", ("Wahlberechtigte", "Anzahl"), None),
        ("spd_votes", "14339-01-02-5", ("Gültige Stimmen", "Parteien", "SPD"), None),
        ("valid_votes", "14339-01-02-5", ("Gültige Stimmen", "Anzahl"), None),
    )
    assert map_by_catalog("14339-01-02-5", LABELS_14339, fw) == {
        "Wahlberechtigte | Anzahl": "electorate",
        "Gültige Stimmen | Parteien | SPD | Anzahl": "spd_votes",
        "Gültige Stimmen | Anzahl": "valid_votes",
    }


def test_other_table_code_maps_nothing() -> None:
    fw = framework(("electorate", "14339-01-02-5", ("Wahlberechtigte",), None))
    assert map_by_catalog("14339-01-02-4", LABELS_14339, fw) == {}
    assert map_by_catalog(None, LABELS_14339, fw) == {}


def test_levels_above_the_header_may_be_in_the_title_and_dates_are_ignored() -> None:
    path = ("Bevölkerungsstand (Anzahl)", "31.12.YYYY", "Insgesamt")
    fw = framework(("pop_total", "12411-01-01-4", path, None))
    labels = ["Insgesamt", "männlich", "weiblich"]
    title = "Bevölkerungsstand: Bevölkerung nach Geschlecht Bevölkerungsstand (Anzahl)"
    assert map_by_catalog("12411-01-01-4", labels, fw, title) == {"Insgesamt": "pop_total"}
    # a flat file prints the unit in the label: "Bevölkerungsstand (Anzahl) | Insgesamt"
    flat = ["Bevölkerungsstand (Anzahl) | Insgesamt", "Bevölkerungsstand (Anzahl) | weiblich"]
    assert map_by_catalog("12411-01-01-4", flat, fw) == {flat[0]: "pop_total"}


def test_row_label_is_needed_too() -> None:
    fw = framework(("foreign_u3", "12411-03-03-4", ("Ausländer(innen)",), "unter 3 Jahre"))
    labels = ["Ausländer(innen) | unter 3 Jahre", "Ausländer(innen) | 3 bis unter 6 Jahre"]
    assert map_by_catalog("12411-03-03-4", labels, fw) == {labels[0]: "foreign_u3"}


def test_ambiguous_fit_maps_nothing() -> None:
    fw = framework(("votes", "14339-01-02-5", ("Parteien",), None))
    assert map_by_catalog("14339-01-02-5", LABELS_14339, fw) == {}


def test_label_fits_an_ascii_spelling_of_umlauts() -> None:
    # the 2020 interface's flat files head a statistic "Bevoelkerungsstand"
    assert label_fits("Bevoelkerungsstand (Anzahl) | Ausländer", ("Bevölkerungsstand",)) == 1
    assert label_fits("Bevölkerungsstand | Auslaender", ("Ausländer",)) == 1


def test_label_fits_counts_unnamed_levels() -> None:
    assert label_fits("A | B | Anzahl", ("A", "B")) == 1
    assert label_fits("A | C", ("A", "B")) is None
    assert label_fits("Anzahl", ("31.12.YYYY",)) is None
