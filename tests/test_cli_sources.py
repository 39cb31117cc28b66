"""``mint-index inspect``, ``sources`` and ``template`` on real files and the packaged framework."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

import mint_index as mi
from mint_index.cli import main
from mint_index.data.load import load_sources
from mint_index.data.source import SourceSpec

REAL = Path(__file__).parent / "fixtures" / "real-data"

# (file, extra inspect flags, unit, year, full source label, value), each value read by hand
# from the raw file
HAND_READ = [
    ("12411-01-01-4.csv", [], "01001", 2015, "Insgesamt", 85942),
    (
        "12411-01-01-4_flat.csv",
        [],
        "08222",
        2024,
        "Bevölkerungsstand (Anzahl) | weiblich",
        158789,
    ),
    (
        "14339-01-02-5_00.csv",
        [],
        "09162000",
        2013,
        "Gültige Stimmen | Parteien | SPD | Anzahl",
        180832,
    ),
    (
        "41141-03-01-4.csv",
        [],
        "01002",
        2016,
        "Landwirtschaftliche Betriebe mit Viehhaltung | Rinder | Betriebe | Anzahl",
        12,
    ),
    (
        "52411-03-01-4_00.csv",
        [],
        "01001",
        2015,
        "Insolvenzverfahren (Verbraucher) | Beantragte Verfahren | eröffnet | Anzahl",
        126,
    ),
    ("indicator_1-1-1.csv", [], "03101", 2005, "Value", 245273),
    ("koeln_btw2013_wahlkreis.csv", ["--year", "2013"], "093", 2013, "Wahlberechtigte", 191277),
]


def framework_over(scored: str, variables: Iterable[str]) -> str:
    """A one-indicator framework over the variables a file's mapping names (the custom
    framework a town writes for the downloads it uses)."""
    return yaml.safe_dump(
        {
            "framework": {"id": "own", "label": {"de": "Eigen", "en": "Own"}},
            "index": {"id": "index", "label": {"de": "Index", "en": "Index"}},
            "variables": [{"id": v, "unit": "number"} for v in dict.fromkeys(variables)],
            "nodes": [{"id": "all", "parent": "index", "label": {"de": "Alle", "en": "All"}}],
            "indicators": [
                {
                    "id": "level",
                    "parent": "all",
                    "name": {"de": "Wert", "en": "Value"},
                    "description": {"de": "Der Wert", "en": "The value"},
                    "unit": "n",
                    "direction": "higher",
                    "kind": "count",
                    "compute": {"type": "direct", "variable": scored},
                    "source": {"publisher": "test"},
                }
            ],
        },
        allow_unicode=True,
    )


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("name", "flags", "unit", "year", "label", "value"), HAND_READ, ids=[h[0] for h in HAND_READ]
)
def test_inspect_mapping_pasted_unchanged_loads_the_file(
    name: str,
    flags: list[str],
    unit: str,
    year: int,
    label: str,
    value: float,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "raw").mkdir()
    shutil.copy(REAL / name, tmp_path / "raw" / name)
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", f"raw/{name}", *flags, "--format", "json"]) == 0
    outcome = _json(capsys)
    listed = {row[0] for row in outcome["tables"][0]["rows"]}
    assert label in listed  # the full source label, as the mapping needs it
    proposed = yaml.safe_load(outcome["snippet"])["sources"][0]["mapping"]
    (tmp_path / "fw.yaml").write_text(framework_over(proposed[label], proposed.values()))
    pasted = "framework: fw.yaml\n" + outcome["snippet"]
    (tmp_path / "mint-index.yaml").write_text(pasted, encoding="utf-8")

    project = mi.load_project(tmp_path / "mint-index.yaml")
    variable = project.sources[0].mapping[label]
    cells = project.data.long
    hit = cells[
        (cells["unit"].astype(str) == unit)
        & (cells["year"] == year)
        & (cells["variable"].astype(str) == variable)
    ]
    assert len(hit) == 1 and hit["value"].iloc[0] == pytest.approx(value, abs=1e-9)


def test_inspect_proposes_the_catalog_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A framework whose variables name table and label path: inspect proposes them."""
    from test_project import FRAMEWORK

    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    shutil.copy(REAL / "12411-01-01-4.csv", tmp_path / "pop.csv")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "pop.csv", "--framework", "fw.yaml", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert "Insgesamt: pop_total" in outcome["snippet"]
    assert "weiblich: pop_female" in outcome["snippet"]
    assert outcome["facts"]["mapped to the framework"] == 2


def test_inspect_of_school_years_fails_until_told_how_to_count_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing readable is not described as OK; with --school-year the pasted entry
    carries the option and loads the file."""
    (tmp_path / "kita.csv").write_text(
        "Nr;Stadtbezirk;Jahr;Kinder\n1;Innenstadt;Kita-Jahr 2023/24;412\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "kita.csv", "--format", "json"]) == 1
    problems = _json(capsys)["problems"]
    assert [p["code"] for p in problems] == ["school_year"]
    assert problems[0]["value"] == "Kita-Jahr 2023/24"
    assert main(["inspect", "kita.csv", "--school-year", "end", "--format", "json"]) == 0
    entry = yaml.safe_load(_json(capsys)["snippet"])["sources"][0]
    assert entry["school_year"] == "end"
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    assert list(dataset.years) == [2024]


def test_inspect_of_an_export_saved_through_a_spreadsheet_restores_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Keys that lost their zeros are shown, and the entry to paste reads them back
    (``key: {pad: auto}``); an entry of the same file with keys as text proposes none."""
    from test_data_load import _saved_through_a_spreadsheet

    _saved_through_a_spreadsheet(REAL / "12411-01-01-4.csv", tmp_path / "pop.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "pop.xlsx", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert "4 digits where keys have 5" in " ".join(p["reason"] for p in outcome["problems"])
    entry = yaml.safe_load(outcome["snippet"])["sources"][0]
    assert entry["key"] == {"pad": "auto"}
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    assert "01001" in dataset.unit_ids and "1001" not in dataset.unit_ids
    shutil.copy(REAL / "12411-01-01-4.csv", tmp_path / "pop.csv")
    assert main(["inspect", "pop.csv", "--format", "json"]) == 0
    assert "key" not in yaml.safe_load(_json(capsys)["snippet"])["sources"][0]


def test_inspect_of_a_sheet_per_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_data_sources import _workbook_of_years

    _workbook_of_years(tmp_path / "kita.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "kita.xlsx", "--sheet", "2022,2023", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert outcome["facts"]["years"] == "2022, 2023"
    entry = yaml.safe_load(outcome["snippet"])["sources"][0]
    assert entry["sheet"] == [2022, 2023]  # pasted, it reads the same sheets
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    assert list(dataset.years) == [2022, 2023]


def test_inspect_of_every_sheet_pastes_only_the_sheets_that_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--sheet '*'`` over a workbook with a visible helper sheet that has no keys: the
    helper's problems are shown, and the pasted entry names the sheets that read, not
    ``*``, which would fail ``validate`` on the helper."""
    openpyxl = pytest.importorskip("openpyxl")
    from test_data_sources import _workbook_of_years

    _workbook_of_years(tmp_path / "kita.xlsx")
    book = openpyxl.load_workbook(tmp_path / "kita.xlsx")
    helper = book.create_sheet("Berechnung")
    for row in (["Quote", "Wert"], ["a", 1], ["b", 2]):
        helper.append(row)
    book.save(tmp_path / "kita.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "kita.xlsx", "--sheet", "*", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert any(p["reason"].startswith("kita.xlsx[Berechnung]") for p in outcome["problems"])
    assert outcome["facts"]["sheets read"].startswith("2022, 2023 (another sheet fails")
    entry = yaml.safe_load(outcome["snippet"])["sources"][0]
    assert entry["sheet"] == ["2022", "2023"]
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    assert dataset.long["value"].sum() == 100 + 50 + 110 + 55  # the kita places, by hand
    with pytest.raises(mi.DataValidationError):  # what "*" would have pasted
        load_sources([SourceSpec(**{**entry, "sheet": "*"})], base_dir=tmp_path)
    # where every sheet reads, "*" is pasted as given
    _workbook_of_years(tmp_path / "kita.xlsx")
    assert main(["inspect", "kita.xlsx", "--sheet", "*", "--format", "json"]) == 0
    assert yaml.safe_load(_json(capsys)["snippet"])["sources"][0]["sheet"] == "*"


def test_inspect_pastes_pad_auto_for_keys_a_workbook_stores_as_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Landesamt's workbook of Land, Kreise and Gemeinden whose keys are numbers
    (``8``, ``8111``, ``8111000``): inspect said OK and pasted no ``key:``, and the entry
    failed on every row (``numeric_keys``). Numbers stored as keys are the evidence that
    their zeros were lost: it pastes ``pad: auto``, and the entry loads."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    rows = [
        ["Regionalschlüssel", "Gebiet", "Bevölkerung insgesamt", "darunter Ausländer"],
        [8, "Baden-Württemberg", 11230740, 2086121],
        [8111, "Stuttgart, Stadtkreis", 632865, 168723],
        [8111000, "Stuttgart", 632865, 168723],
        [8115, "Böblingen", 396418, 79860],
        [8115001, "Aidlingen", 9215, 1015],
    ]
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "bw.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "bw.xlsx", "--year", "2023", "--format", "json"]) == 0
    entry = yaml.safe_load(_json(capsys)["snippet"])["sources"][0]
    assert entry["key"] == {"pad": "auto"}
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    long = dataset.long.set_index(["unit", "variable"])["value"]
    variable = entry["mapping"]["darunter Ausländer"]
    assert long[("08111000", variable)] == 168723  # read by hand from the rows above
    assert long[("08115001", variable)] == 1015


def test_inspect_of_a_unit_per_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "jahrbuch.csv").write_text(
        "Merkmal;Innenstadt;Nord\nEinwohner;12000;8000\nAusländer;2500;900\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "jahrbuch.csv", "--year", "2023", "--format", "json"]) == 1
    assert _json(capsys)["problems"][0]["code"] == "missing_column"  # no key column: say so
    flags = ["--year", "2023", "--layout", "transposed", "--format", "json"]
    assert main(["inspect", "jahrbuch.csv", *flags]) == 0
    entry = yaml.safe_load(_json(capsys)["snippet"])["sources"][0]
    assert entry["layout"] == "transposed"  # pasted, it reads the table the same way
    dataset = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    cells = dataset.long.set_index(["unit", "variable"])["value"]
    assert cells["Nord", "auslaender"] == 900 and cells["Innenstadt", "einwohner"] == 12000


def test_inspect_of_a_folder_describes_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A town's data drop: every file described, the unreadable one named, and the entries
    of the others pasted unchanged load them."""
    drop = tmp_path / "raw"
    drop.mkdir()
    shutil.copy(REAL / "koeln_btw2013_wahlkreis.csv", drop / "btw.csv")
    (drop / "kita.csv").write_text(
        "Nr;Stadtbezirk;Plätze\n1;Innenstadt;410\n2;Nord;380\n;Insgesamt;790\n"
    )
    (drop / "jahrbuch.csv").write_text("Merkmal;Innenstadt;Nord\nEinwohner;120;80\n")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "raw", "--year", "2013", "--format", "json"]) == 1
    outcome = _json(capsys)
    assert outcome["facts"]["files"] == 3
    assert outcome["facts"]["jahrbuch.csv"] == "cannot be read (see the problems)"
    assert outcome["facts"]["kita.csv"].startswith("csv, wide; 2 units; years 2013")
    errors = [p for p in outcome["problems"] if p["severity"] == "error"]
    assert [(p["source"], p["code"]) for p in errors] == [("raw/jahrbuch.csv", "missing_column")]
    assert "layout: transposed" in errors[0]["reason"]  # says how to read it
    warned = [p["code"] for p in outcome["problems"] if p["severity"] == "warning"]
    assert warned == ["total_row"]
    entries = yaml.safe_load(outcome["snippet"])["sources"]
    assert [e["path"] for e in entries] == ["raw/btw.csv", "raw/kita.csv"]
    dataset = load_sources([SourceSpec(**e) for e in entries], base_dir=tmp_path)
    cells = dataset.long.set_index(["unit", "variable"])["value"]
    assert cells["2", "plaetze"] == 380
    assert cells["093", "wahlberechtigte"] == 191277  # Köln I, read by hand from the file


def test_validate_strict_with_the_warnings_a_file_is_known_to_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kita.csv").write_text(
        "Nr;Stadtbezirk;Plätze\n1;Innenstadt;410\n2;Nord;380\n;Insgesamt;790\n"
    )
    (tmp_path / "fw.yaml").write_text(framework_over("places", ["places"]))
    (tmp_path / "m.yaml").write_text("Plätze: places\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["validate", "kita.csv", "--framework", "fw.yaml", "--mapping", "m.yaml"]
    args += ["--year", "2023", "--strict", "--format", "json"]
    assert main(args) == 1
    assert [p["code"] for p in _json(capsys)["problems"]] == ["total_row"]
    assert main([*args, "--expected-warnings", "total_row"]) == 0
    capsys.readouterr()
    assert main([*args, "--expected-warnings", "total_rows"]) == 2  # a typo is refused
    assert "--expected-warnings" in _json(capsys)["problems"][0]["reason"]


def test_help_and_docs_name_every_warning_a_source_may_expect(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--help`` is built without the library (it must answer at once), so it lists the
    codes by hand: it and the docs must not lag behind ``READING_WARNINGS``."""
    from mint_index.data.source import READING_WARNINGS

    assert main(["validate", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    docs = (Path(__file__).parents[1] / "docs" / "data-input.md").read_text(encoding="utf-8")
    documented = next(
        line for line in docs.splitlines() if line.startswith("| `expected_warnings`")
    )
    for code in READING_WARNINGS:
        assert code in shown and f"`{code}`" in documented, code


def test_inspect_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "missing.csv"]) == 2
    assert "data file or folder not found" in capsys.readouterr().err
    shutil.copy(REAL / "12411-01-01-4.csv", tmp_path / "pop.csv")
    assert main(["inspect", "pop.csv", "--format", "xml"]) == 2


def test_sources_lists_every_variable_of_the_packaged_framework(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["sources", "--format", "json", "--lang", "en"]) == 0
    outcome = _json(capsys)
    downloads, variables = outcome["tables"]
    framework = mi.default_framework()
    assert [row[0] for row in variables["rows"]] == [v.id for v in framework.variables]
    rows = {row[0]: row for row in variables["rows"]}
    assert rows["pop_total"][1:3] == ["official", "12411-01-01-5 (Regionalstatistik, Gemeinde)"]
    assert rows["council_seats"][1] == "self-reported"
    assert rows["council_seats"][2].startswith("council office")
    assert rows["children_u3_mig"][1] == "official proxy"
    assert "proxy:" in rows["children_u3_mig"][3]
    assert rows["pop_mig"][1] == "self-reported"  # the foreigners count is no substitute
    tables = {row[0]: row for row in downloads["rows"]}
    assert tables["12521-0041"][1:3] == ["GENESIS-Online", "Kreis"]
    assert tables["12521-0041"][4].startswith("values for Kreise and kreisfreie Städte")
    assert "sgb2_foreign" in tables["22811-02-02-4"][3]
    # official-sources.md's 37 self-reported and 23 official, with pop_mig, pop_u18_mig,
    # naturalisations_tcn and tcn_res_8y_start (official before) now collected by the town
    assert outcome["facts"]["self-reported"] == 41 and outcome["facts"]["official"] == 22


def test_sources_shows_the_notes_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A variable's source notes are in the language asked for, as the YAML has them."""
    monkeypatch.chdir(tmp_path)
    framework = mi.default_framework()
    source = framework.variable_map["children_u3_mig"].source
    details = {}
    for lang in ("de", "en"):
        assert main(["sources", "--format", "json", "--lang", lang]) == 0
        rows = {row[0]: row for row in _json(capsys)["tables"][1]["rows"]}
        details[lang] = rows["children_u3_mig"][3]
        assert rows["pop_total"][3].endswith(source_note(framework, "pop_total", lang))
    path = " > ".join(source.label_path)
    assert details["de"] == (
        f"{path}; Zeile: {source.row}; Näherung: {source.proxy_for.de}; {source.note.de}"
    )
    assert details["en"] == (
        f"{path}; row: {source.row}; proxy: {source.proxy_for.en}; {source.note.en}"
    )
    assert "Näherung: nur ausländische Kinder" in details["de"]


def source_note(framework: mi.Framework, variable: str, lang: str) -> str:
    note = framework.variable_map[variable].source.note
    return {"de": note.de, "en": note.en}[lang]


def test_template_then_load_it_back_through_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    assert main(["init", str(tmp_path / "town")]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "town")
    assert main(["template", "--out", "erhebung.xlsx", "--year", "2025"]) == 0
    book = openpyxl.load_workbook("erhebung.xlsx")
    units = [line.split(",")[0] for line in Path("units.csv").read_text().splitlines()[1:]]
    sheet = book.worksheets[0]
    assert [sheet.cell(row=r, column=1).value for r in range(3, 3 + len(units))] == units
    column = next(c.column_letter for c in sheet[2] if c.value == "council_seats_mig")
    sheet[f"{column}3"] = 7
    book.save("erhebung.xlsx")
    text = Path("mint-index.yaml").read_text(encoding="utf-8")
    Path("mint-index.yaml").write_text(
        text.replace(
            "  - path: data/example.csv",
            "  - path: data/example.csv\n  - path: erhebung.xlsx\n    format: template",
        ),
        encoding="utf-8",
    )
    cells = mi.load_project("mint-index.yaml").data.long
    hit = cells[(cells["variable"].astype(str) == "council_seats_mig") & (cells["year"] == 2025)]
    assert hit[["unit", "value"]].astype(str).values.tolist() == [[units[0], "7.0"]]


def test_template_prefills_a_units_workbook_with_keys_as_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A units workbook kept in Excel with its AGS typed as numbers (München 09162000 as
    9162000): ``--units-key pad=auto`` prefills the official keys, as it does for
    ``validate``; without it the problem names the flag; without ``--units`` it is a usage
    error."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["AGS", "Gemeinde"], [9162000, "München"], [9184119, "Garching b.München"]):
        sheet.append(row)
    book.save(tmp_path / "units.xlsx")
    out = tmp_path / "erhebung.xlsx"
    given = ["template", "--out", str(out), "--units", str(tmp_path / "units.xlsx")]
    assert main(given) == 1
    assert "--units-key pad=auto" in capsys.readouterr().err
    assert main([*given, "--units-key", "pad=auto"]) == 0, capsys.readouterr().err
    written = openpyxl.load_workbook(out).worksheets[0]
    assert [written.cell(row=r, column=1).value for r in (3, 4)] == ["09162000", "09184119"]
    assert main(["template", "--out", str(out), "--units-key", "pad=auto"]) == 2
    assert "give --units" in capsys.readouterr().err


def test_template_refuses_other_suffixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template", "--out", str(tmp_path / "x.csv")]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err


def test_inspect_with_a_key_prefix_pastes_it_and_the_pasted_block_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Landesamt's table keyed without the Land's 03, stored as text: ``--key
    prefix=03`` gives the official keys, and ``inspect`` pastes the key spec with the
    mapping, so the project reads the file the same way."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ni.csv").write_text(
        "AGS;Kreis;Jahr;Ausländer\n101;Braunschweig, Stadt;2020;30950\n"
        "102;Salzgitter, Stadt;2020;20785\n0;Niedersachsen;2020;839510\n",
        encoding="utf-8",
    )
    assert main(["inspect", "ni.csv", "--key", "prefix=03", "--format", "json"]) == 0
    snippet = yaml.safe_load(_json(capsys)["snippet"])
    assert snippet["sources"][0]["key"] == {"prefix": "03"}
    data = load_sources([SourceSpec(**snippet["sources"][0])], base_dir=tmp_path)
    assert list(data.unit_ids) == ["03", "03101", "03102"]
    assert main(["inspect", "ni.csv", "--key", "prefix"]) == 2
    assert "is not name=value" in capsys.readouterr().err
    assert main(["inspect", "ni.csv", "--key", "pad=eight"]) == 2


def test_filter_and_pivot_flags_read_a_file_and_inspect_pastes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table of quarters dates its rows in ``Stichtag``: ``--filter
    Stichtag=31.12.2022`` keeps the year-end, as a project's ``filter:`` does (naming the
    file's column, though it is the year column), and ``inspect`` pastes it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.csv").write_text(
        "AGS;Stichtag;Geschlecht;Beschäftigte\n"
        "01001;30.09.2022;männlich;24100\n01001;31.12.2022;männlich;24350\n"
        "01001;30.09.2022;weiblich;22800\n01001;31.12.2022;weiblich;23020\n",
        encoding="utf-8",
    )
    flags = ["--filter", "Stichtag=31.12.2022", "--pivot", "Geschlecht"]
    assert main(["inspect", "q.csv", *flags, "--format", "json"]) == 0
    entry = yaml.safe_load(_json(capsys)["snippet"])["sources"][0]
    assert entry["filter"] == {"Stichtag": "31.12.2022"} and entry["pivot"] == ["Geschlecht"]
    data = load_sources([SourceSpec(**entry)], base_dir=tmp_path)
    assert data.variables == ["beschaeftigte_maennlich", "beschaeftigte_weiblich"]  # mapped
    assert data.values[0, 0, 1] == 23020  # weiblich, at the year's end
    assert main(["inspect", "q.csv", "--filter", "Stichtag"]) == 2
    assert "is not COLUMN=VALUE" in capsys.readouterr().err
    both = ["--filter", "Stichtag=30.09.2022", "--filter", "Stichtag=31.12.2022"]
    assert main(["validate", "q.csv", *both, "--pivot", "Geschlecht"]) == 1
    assert "duplicate (unit, year, variable)" in capsys.readouterr().err


def test_year_column_separator_decimal_and_encoding_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A town department's export: tab-separated, Latin-1, a decimal comma and a year
    column named ``Berichtszeitraum``; the flags read it as a project's options do, and
    ``inspect`` pastes them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.txt").write_bytes(
        "Schlüssel\tBerichtszeitraum\tQuote\n03101\t2020\t12,5\n03102\t2020\t9,75\n".encode(
            "latin-1"
        )
    )
    flags = ["--unit-column", "Schlüssel", "--year-column", "Berichtszeitraum"]
    flags += ["--separator", "tab", "--decimal", ",", "--encoding", "latin-1"]
    assert main(["inspect", "t.txt", *flags, "--format", "json"]) == 0
    entry = yaml.safe_load(_json(capsys)["snippet"])["sources"][0]
    assert (entry["separator"], entry["decimal"], entry["encoding"]) == ("\t", ",", "latin-1")
    assert entry["year_column"] == "Berichtszeitraum"
    data = load_sources([SourceSpec(**{**entry, "mapping": {}})], base_dir=tmp_path)
    assert list(data.years) == [2020]
    assert data.values[0, 1, 0] == pytest.approx(9.75)
    assert main(["inspect", "t.txt", "--separator", ";;"]) == 2
    assert "--separator" in capsys.readouterr().err
