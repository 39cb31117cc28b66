"""The project file: a custom framework over real GENESIS exports, checks with key paths."""

from __future__ import annotations

import json
import shutil
import sqlite3
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from helpers import value

import mint_index as mi
from mint_index.cli import main
from mint_index.project import project_json_schema
from mint_index.recommendations.rules import RulesSkippedWarning

REAL = Path(__file__).parent / "fixtures" / "real-data"

#: A framework over the two columns of real table 12411-01-01-4. Its variables name their
#: source (table and label path), so neither file needs a mapping.
FRAMEWORK = """\
framework:
  id: population
  label: {de: Bevölkerung, en: Population}
index:
  id: index
  label: {de: Index, en: Index}
variables:
  - id: pop_total
    unit: count
    source:
      type: official
      table: 12411-01-01-4
      label_path: [Bevölkerungsstand (Anzahl), Insgesamt]
      level: Kreis
  - id: pop_female
    unit: count
    source:
      type: official
      table: 12411-01-01-4
      label_path: [Bevölkerungsstand (Anzahl), weiblich]
      level: Kreis
nodes:
  - id: people
    parent: index
    label: {de: Menschen, en: People}
indicators:
  - id: female_share
    parent: people
    name: {de: Frauenanteil, en: Share of women}
    description: {de: Frauen je 100 Einwohner, en: Women per 100 residents}
    unit: "%"
    direction: higher
    kind: rate
    compute: {type: ratio, numerator: pop_female, denominator: pop_total, scale: 100}
    goalposts: {lower: 45, upper: 55}
    source: {publisher: Statistische Ämter des Bundes und der Länder, table: 12411-01-01-4}
"""


def genesis_project(folder: Path, extra: str = "") -> Path:
    """A project folder: the custom framework, a classic and a flat export of 12411-01-01-4."""
    (folder / "raw").mkdir(parents=True)
    for name in ("12411-01-01-4.csv", "12411-01-01-4_flat.csv"):
        shutil.copy(REAL / name, folder / "raw" / name)
    (folder / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    project = folder / "mint-index.yaml"
    project.write_text(
        "framework: framework.yaml\n"
        "sources:\n"
        "  - path: raw/12411-01-01-4.csv\n"
        "  - path: raw/*_flat.csv\n"
        "report: {lang: en, out: report}\n" + extra,
        encoding="utf-8",
    )
    return project


def test_custom_framework_over_real_genesis_files(tmp_path: Path) -> None:
    project = mi.load_project(genesis_project(tmp_path))
    assert project.framework.framework.id == "population"
    derived = project.score().stage("derived")["female_share"]
    # read by hand: 12411-01-01-4.csv "01001; Flensburg ...;85942;42767;43175" (31.12.2015)
    assert derived.loc[("01001", 2015)] == pytest.approx(43175 / 85942 * 100, abs=1e-9)
    # 12411-01-01-4_flat.csv, 2024-12-31, Mannheim 08222: Insgesamt 318035, weiblich 158789
    assert derived.loc[("08222", 2024)] == pytest.approx(158789 / 318035 * 100, abs=1e-9)


def test_report_with_no_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genesis_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--format", "json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert (tmp_path / "report" / "index.html").is_file()
    assert outcome["outputs"][0] == (tmp_path / "report" / "index.html").as_posix()
    # the packaged rules are for the MINT framework: all skipped, with ONE warning
    skipped = [p for p in outcome["problems"] if "packaged rules skipped" in p["reason"]]
    assert len(skipped) == 1 and skipped[0]["severity"] == "warning"
    rules = len(mi.load_rules().rules)
    assert f"{rules} of {rules} packaged rules skipped" in skipped[0]["reason"]
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Flensburg" in html


def test_rules_none_runs_without_recommendations(tmp_path: Path) -> None:
    project = mi.load_project(genesis_project(tmp_path, "rules: none\n"))
    assert project.rules is None and project.recommend() is None
    with pytest.warns(RulesSkippedWarning):
        mi.load_project(genesis_project(tmp_path / "b")).rules  # noqa: B018
    document = project.report()
    written = document.write(project.out)
    assert written[0] == project.out / "index.html"


def test_every_problem_with_its_key_path(tmp_path: Path) -> None:
    project = tmp_path / "mint-index.yaml"
    project.write_text(
        textwrap.dedent(
            """\
            framework: nowhere/
            sources:
              - path: a.csv
                mapping: [not, a, mapping]
              - path: b.csv
                formatt: genesis
              - path: c.csv
                year: sometime
            report: {lang: fr}
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(mi.ProjectError) as info:
        mi.load_project(project)
    where = {p.path for p in info.value.problems}
    assert where == {
        "framework",  # not found, reported together with the wrong keys and values
        "sources[0].path",
        "sources[0].mapping",
        "sources[1].path",
        "sources[1].formatt",
        "sources[2].path",
        "sources[2].year",
        "report.lang",
    }
    assert info.value.code == "invalid_project"

    project.write_text(
        "framework: nowhere/\nunits: u.csv\nmeasures: m.csv\nsources:\n  - path: raw/*.csv\n"
    )
    with pytest.raises(mi.ProjectError) as info:
        mi.load_project(project)
    messages = {p.path: p.message for p in info.value.problems}
    assert messages == {
        "framework": "not found: nowhere/",
        "units": "not found: u.csv",
        "measures": "not found: m.csv",
        "sources[0].path": "no file matches: raw/*.csv",
    }
    # a folder is no file: said so, with the glob that names its files (it was "not found")
    (tmp_path / "raw").mkdir(exist_ok=True)
    project.write_text("sources:\n  - path: raw\n")
    with pytest.raises(mi.ProjectError) as info:
        mi.load_project(project)
    (problem,) = info.value.problems
    assert (
        problem.message
        == "raw is a folder: name its files with a glob (raw/*.csv, or raw/* for every file)"
    )


def test_paths_are_relative_to_the_project_file(tmp_path: Path) -> None:
    genesis_project(tmp_path / "town", "measures: measures.csv\n")
    (tmp_path / "town" / "measures.csv").write_text("unit,measure,since\n", encoding="utf-8")
    project = mi.load_project(tmp_path / "town" / "mint-index.yaml")
    root = (tmp_path / "town").resolve()
    assert project.measures == root / "measures.csv"
    assert project.out == root / "report"
    assert project.files() == [
        root / "raw" / "12411-01-01-4.csv",
        root / "raw" / "12411-01-01-4_flat.csv",
    ]


def test_a_units_table_kept_in_excel_with_its_keys_as_numbers(tmp_path: Path) -> None:
    """A town's units workbook with the AGS typed as numbers (Flensburg 01001 is 1001): the
    project file says how to read it, as a source's entry would (``units: {path: ...,
    key: {pad: auto}}``), and Flensburg's and Kiel's 2015 figures (lines 11-12 of the real
    export: 85942 and 246306) are read for them; the bare path says how to fix it."""
    town = tmp_path / "town"
    project_file = genesis_project(town)
    pd.DataFrame(
        {"AGS": [1001, 1002], "Gemeinde": ["Flensburg", "Kiel"], "Einwohner": [85942, 246306]}
    ).to_excel(town / "units.xlsx", index=False)
    text = project_file.read_text(encoding="utf-8")
    project_file.write_text(text + "units: {path: units.xlsx, key: {pad: auto}}\n", "utf-8")
    project = mi.load_project(project_file)
    assert project.units == (town / "units.xlsx").resolve()
    data = project.data
    assert sorted(data.unit_ids) == ["01001", "01002"]
    assert data.units.loc["01001", "name"] == "Flensburg"
    assert value(data, "01001", 2015, "pop_total") == 85942
    assert value(data, "01002", 2015, "pop_total") == 246306
    project_file.write_text(text + "units: units.xlsx\n", "utf-8")
    with pytest.raises(mi.DataValidationError) as err:
        _ = mi.load_project(project_file).data
    numeric = err.value.failures[err.value.failures["code"] == "numeric_keys"]
    assert "units: {path: ..., key: {pad: auto}}" in numeric["reason"].iloc[0]
    # the mapping's path must exist, as the bare path must
    project_file.write_text(text + "units: {path: nowhere.xlsx, key: {pad: 8}}\n", "utf-8")
    with pytest.raises(mi.ProjectError, match=r"not found: nowhere\.xlsx"):
        mi.load_project(project_file)
    # a mistake in the mapping is reported where it stands, not as "not a string"
    project_file.write_text(text + "units: {key: {pad: 99}}\n", "utf-8")
    with pytest.raises(mi.ProjectError) as err:
        mi.load_project(project_file)
    where = sorted({problem.path for problem in err.value.problems})
    assert where == ["units.key.pad", "units.path"]


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    project = tmp_path / "mint-index.yaml"
    project.write_text("sources: [unclosed\n", encoding="utf-8")
    with pytest.raises(mi.ProjectError, match="not valid YAML"):
        mi.load_project(tmp_path)  # the folder stands for its mint-index.yaml
    project.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(mi.ProjectError, match="mapping of keys"):
        mi.load_project(project)
    with pytest.raises(mi.ProjectError, match="project file not found"):
        mi.load_project(tmp_path / "other.yaml")


def test_project_file_is_read_with_the_yaml_limits(tmp_path: Path) -> None:
    """The project file goes through the one safe loader: a key given twice (which a
    plain safe_load would let the second silently win) and an alias bomb are refused,
    each with the line where it is."""
    project = tmp_path / "mint-index.yaml"
    project.write_text("report:\n  lang: de\nreport:\n  lang: en\n", encoding="utf-8")
    with pytest.raises(mi.ProjectError) as info:
        mi.load_project(project)
    (problem,) = info.value.problems
    assert (problem.path, problem.message) == (
        "line 3",
        "duplicate key 'report' (first given on line 1)",
    )
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]" for p, c in zip("abcdef", "bcdefg", strict=True)
    ]
    project.write_text("\n".join(bomb) + "\n", encoding="utf-8")
    with pytest.raises(mi.ProjectError, match="nodes"):
        mi.load_project(project)


def test_cli_reports_project_problems_as_data_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mint-index.yaml").write_text("sources: []\nextra: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--format", "json"]) == 1
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["headline"] == "invalid project file"
    assert {p["column"] for p in outcome["problems"]} == {"sources", "extra"}


def test_json_schema_of_the_project_file(capsys: pytest.CaptureFixture[str]) -> None:
    schema = project_json_schema()
    assert schema["title"] == "mint-index project file"
    assert schema["required"] == ["sources"]
    assert schema["additionalProperties"] is False
    assert main(["schema", "--project-file"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed["properties"]) == {
        "framework",
        "units",
        "rules",
        "sources",
        "report",
        "measures",
    }
    # the languages and the default of rules/languages.py, as a reader of the schema sees them
    lang = printed["$defs"]["ReportOptions"]["properties"]["lang"]
    assert lang["enum"] == ["de", "en"] and lang["default"] == "de"


def test_python_api_matches_the_library_calls(tmp_path: Path) -> None:
    """load_project(...).score()/.recommend() are mi.score/mi.recommend on its inputs."""
    assert main(["init", str(tmp_path / "town")]) == 0
    project = mi.load_project(tmp_path / "town")
    results = project.score()
    town = tmp_path / "town"
    data = mi.load_data(town / "data" / "example.csv", project.framework, town / "units.csv")
    direct = mi.score(data, project.framework)
    assert results.scores.equals(direct.scores)
    ours = project.recommend(results).to_frame("de")
    theirs = mi.recommend(direct, mi.load_rules(town / "rules"), lang="de")
    assert len(ours) > 0 and ours.equals(theirs.to_frame("de"))


#: The action the review renamed in a project's copy of the rules: the packaged catalog
#: does not know the new name, the project's does.
RENAMED = ("mit_training_programme", "local_programme")


def town_with_register(folder: Path) -> tuple[Path, str]:
    """``mint-index init``'s project (it names no measures register) with one action of its
    rules renamed, and a register of that action in place in a unit it is recommended for;
    the project and the unit."""
    assert main(["init", str(folder)]) == 0
    for file in (folder / "rules").rglob("*.yaml"):
        file.write_text(file.read_text(encoding="utf-8").replace(*RENAMED), encoding="utf-8")
    before = mi.load_project(folder).recommend()
    assert before is not None
    unit = str(before.actions.loc[before.actions["action"] == RENAMED[1], "unit"].iloc[0])
    (folder / "measures.csv").write_text(
        f"unit,measure,since\n{unit},{RENAMED[1]},2021\n", encoding="utf-8"
    )
    project = folder / "mint-index.yaml"
    project.write_text(
        project.read_text(encoding="utf-8") + "measures: measures.csv\n", encoding="utf-8"
    )
    return project, unit


def test_python_report_is_what_the_cli_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """load_project(...).report() reads the measures register as `mint-index report` does:
    the measure in place is not recommended again, and the pages are the same bytes."""
    file, unit = town_with_register(tmp_path / "town")
    capsys.readouterr()
    assert main(["report", "--project", str(file), "--format", "json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    project = mi.load_project(file)
    results = project.score()
    ours = project.recommend(results)
    assert ours is not None
    placed = ours.actions[(ours.actions["unit"] == unit) & (ours.actions["action"] == RENAMED[1])]
    assert placed.empty
    assert [unit, RENAMED[1]] in ours.in_place[["unit", "action"]].to_numpy().tolist()
    without = mi.recommend(results, project.rules, lang="de")
    assert len(ours.actions) == len(without.actions) - 1
    assert outcome["facts"]["measures recommended"] == len(ours.actions)
    written = project.report(results).write(tmp_path / "python")
    cli_pages = sorted(p.relative_to(project.out) for p in project.out.rglob("*.html"))
    assert sorted(p.relative_to(tmp_path / "python") for p in written[:-1]) == cli_pages
    for page in cli_pages:
        assert (tmp_path / "python" / page).read_bytes() == (project.out / page).read_bytes()
    # both provenance files list the same pages with the same hashes; the CLI's also
    # names the command and every file it read
    ours_prov = json.loads(written[-1].read_text("utf-8"))
    cli_prov = json.loads((project.out / "provenance.json").read_text("utf-8"))
    assert ours_prov["outputs"] == cli_prov["outputs"]
    assert cli_prov["command"] == "report" and "command" not in ours_prov
    assert "Wirkung der Maßnahmen" in (tmp_path / "python" / "index.html").read_text("utf-8")


def test_effects_use_the_project_rules_from_python_and_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The register names an action only the project's rules know: `mint-index effects`
    and Project.effects() both check it against them, and give the same table."""
    file, unit = town_with_register(tmp_path / "town")
    with pytest.raises(mi.DataValidationError, match="not in the action catalog"):
        mi.load_measures(file.parent / "measures.csv")  # the packaged catalog
    capsys.readouterr()
    assert main(["effects", "--project", str(file), "--format", "json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["facts"]["register rows"] == 1
    table = mi.load_project(file).effects(seed=0)
    written = pd.read_csv(file.parent / "effects.csv", dtype={"unit": str})
    assert set(table["measure"]) == {RENAMED[1]} and unit in set(table["unit"])
    assert written["status"].tolist() == table["status"].tolist()
    assert written["indicator"].tolist() == table["indicator"].tolist()


def test_effects_without_a_register_name_the_key(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "town")]) == 0
    with pytest.raises(mi.ProjectError, match="measures"):
        mi.load_project(tmp_path / "town").effects()


def test_score_database_in_a_project_uses_its_rules_and_register(tmp_path: Path) -> None:
    """`score --out x.sqlite` makes the database's recommendations as `report` does: the
    project's renamed action, and the measure in place listed as such, not recommended."""
    file, unit = town_with_register(tmp_path / "town")
    database = tmp_path / "scores.sqlite"
    assert main(["score", "--project", str(file), "--out", str(database)]) == 0
    con = sqlite3.connect(database)
    rows = con.execute(
        "SELECT kind, year FROM recommendations WHERE unit = ? AND action = ?",
        (unit, RENAMED[1]),
    ).fetchall()
    con.close()
    assert rows and {kind for kind, _ in rows} == {"in_place"}
    assert main(["score", "--project", str(file), "--out", str(database), "--rules", "none"]) == 0
    con = sqlite3.connect(database)
    assert con.execute("SELECT count(*) FROM recommendations").fetchone() == (0,)
    con.close()
