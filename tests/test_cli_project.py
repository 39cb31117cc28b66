"""Projects on the command line: init, the project file, per-source flags, compare."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path

import pytest
import yaml
from test_project import genesis_project

from mint_index.cli import main

REAL = Path(__file__).parent / "fixtures" / "real-data"


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def test_init_project_passes_its_own_strict_validation_and_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "town")]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "town")
    assert main(["validate", "--strict", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert outcome["ok"] and outcome["problems"] == []
    assert outcome["facts"]["variables"] == 88  # every variable of the packaged framework
    # the CI workflow's mint-index steps, run as written
    workflow = yaml.safe_load(Path(".github/workflows/mint-index.yml").read_text())
    summary = tmp_path / "summary.md"
    for step in workflow["jobs"]["monitor"]["steps"]:
        command = step.get("run", "")
        if not command.startswith("mint-index "):
            continue
        argv = shlex.split(command.replace("$GITHUB_STEP_SUMMARY", str(summary)))[1:]
        assert main(argv) == 0, command
    capsys.readouterr()
    assert Path("out/report/index.html").is_file() and Path("out/scores.csv").is_file()


def test_no_output_over_a_file_the_project_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a project folder the inputs come from mint-index.yaml, not the command line:
    the project file, its sources and its units table are inputs all the same."""
    assert main(["init", str(tmp_path / "town")]) == 0
    monkeypatch.chdir(tmp_path / "town")
    inputs = [Path("mint-index.yaml"), Path("data/example.csv"), Path("units.csv")]
    before = [p.read_bytes() for p in inputs]
    capsys.readouterr()
    assert main(["validate", "--summary", "mint-index.yaml"]) == 1
    assert main(["score", "--out", "data/example.csv"]) == 1
    assert main(["validate", "--summary", "units.csv", "--format", "json"]) == 1
    assert _json(capsys)["problems"][0]["reason"] == (
        "refusing to write units.csv: it is an input of this run"
    )
    assert [p.read_bytes() for p in inputs] == before


def test_no_output_where_a_source_glob_would_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project reading ``data/*.csv`` took ``score --out data/scores.csv``, and its next
    run read the scores as data (3,515 errors). Refused now; elsewhere it is written."""
    assert main(["init", str(tmp_path / "town")]) == 0
    monkeypatch.chdir(tmp_path / "town")
    project = Path("mint-index.yaml")
    project.write_text(
        project.read_text(encoding="utf-8").replace("path: data/example.csv", "path: data/*.csv"),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["score", "--out", "data/scores.csv", "--format", "json"]) == 1
    assert _json(capsys)["problems"][0]["reason"] == (
        "refusing to write data/scores.csv: the project's source 'data/*.csv' would read it "
        "as data next time; write it outside the data's folder"
    )
    assert not Path("data/scores.csv").exists()
    assert main(["score", "--out", "out/scores.csv"]) == 0
    assert main(["validate", "--strict"]) == 0


def test_init_writes_the_report_options_defaults(tmp_path: Path) -> None:
    """The project file's ``report:`` line shows the defaults of their owners, so the two
    cannot drift apart."""
    from mint_index.project import ReportOptions
    from mint_index.rules.languages import DEFAULT_LANGUAGE

    assert main(["init", str(tmp_path / "town")]) == 0
    written = yaml.safe_load((tmp_path / "town" / "mint-index.yaml").read_text("utf-8"))
    assert written["report"] == {
        "lang": DEFAULT_LANGUAGE,
        "out": ReportOptions.model_fields["out"].default,
    }


def test_real_genesis_file_through_the_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No project file: the per-source flags read a real export; --format both ways."""
    from test_project import FRAMEWORK

    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("Insgesamt: pop_total\nweiblich: pop_female\n", encoding="utf-8")
    data = REAL / "12411-01-01-4.csv"
    argv = ["score", str(data), "--framework", str(tmp_path / "fw.yaml")]
    argv += ["--format", "genesis", "--mapping", str(mapping), "--format", "json"]
    assert main([*argv, "--out", str(tmp_path / "scores.json")]) == 0
    outcome = _json(capsys)
    assert outcome["facts"]["years"] == 2015 and outcome["facts"]["variables"] == 2
    assert main(["validate", str(data), "--format", "xml"]) == 2
    assert "invalid choice 'xml'" in capsys.readouterr().err


def _electorate_framework(path: Path) -> Path:
    """A framework with one indicator: the electorate (``Wahlberechtigte``)."""
    path.write_text(
        yaml.safe_dump(
            {
                "framework": {"id": "vote", "label": {"de": "Wahl", "en": "Vote"}},
                "index": {"id": "index", "label": {"de": "Index", "en": "Index"}},
                "variables": [{"id": "Wahlberechtigte", "unit": "count"}],
                "nodes": [{"id": "n", "parent": "index", "label": {"de": "N", "en": "N"}}],
                "indicators": [
                    {
                        "id": "electorate",
                        "parent": "n",
                        "name": {"de": "W", "en": "E"},
                        "description": {"de": "W", "en": "E"},
                        "unit": "n",
                        "direction": "higher",
                        "kind": "count",
                        "compute": {"type": "direct", "variable": "Wahlberechtigte"},
                        "source": {"publisher": "Stadt Köln"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_wide_file_with_year_key_and_name_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Köln election file has no year: --year; key and name columns by flag."""
    own = _electorate_framework(tmp_path / "fw.yaml")
    data = REAL / "koeln_btw2013_wahlkreis.csv"
    argv = ["validate", str(data), "--framework", str(own), "--year", "2013"]
    argv += ["--unit-column", "Nr", "--name-column", "Name", "--format", "json"]
    assert main(argv) == 0
    outcome = _json(capsys)
    assert outcome["facts"]["units"] == 4 and outcome["facts"]["years"] == 2013


def test_table_of_one_town_through_the_unit_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A department's table of its own town has no key column: --unit names the town,
    and a project file says the same per source."""
    own = _electorate_framework(tmp_path / "fw.yaml")
    data = tmp_path / "town.csv"
    data.write_text("Jahr;Wahlberechtigte\n2021;791000\n2025;787500\n", encoding="utf-8")
    argv = ["validate", str(data), "--framework", str(own), "--format", "json"]
    assert main([*argv, "--unit", "05315000"]) == 0
    facts = _json(capsys)["facts"]
    assert facts["units"] == 1 and facts["years"] == "2021-2025"
    assert main(argv) == 1
    assert "give the key of a file about one place: unit, --unit" in capsys.readouterr().out
    project = tmp_path / "mint-index.yaml"
    project.write_text(
        yaml.safe_dump(
            {"framework": str(own), "sources": [{"path": str(data), "unit": "05315000"}]}
        ),
        encoding="utf-8",
    )
    assert main(["validate", "--project", str(project), "--format", "json"]) == 0
    assert _json(capsys)["facts"]["units"] == 1
    assert main(["validate", "--project", str(project), "--unit", "05315000"]) == 2
    capsys.readouterr()
    assert main(["inspect", str(data), "--unit", "05315000"]) == 0
    pasted = yaml.safe_load(capsys.readouterr().out.split("(paths are relative to it):")[1])
    assert pasted["sources"][0]["unit"] == "05315000"


def test_project_flags_clash_and_explicit_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = genesis_project(tmp_path / "town")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--project", str(project), "--year", "2015"]) == 2
    assert "--year: the project file says this" in capsys.readouterr().err
    # every flag that reads a file named on the command line clashes the same way
    flags = ["--filter", "Stichtag=2015", "--pivot", "Geschlecht", "--separator", ";"]
    assert main(["validate", "--project", str(project), *flags]) == 2
    assert "--filter, --pivot, --separator: the project file says" in capsys.readouterr().err
    assert main(["validate", "--project", str(tmp_path / "none.yaml")]) == 2
    assert main(["validate", "--project", str(project), "--format", "json"]) == 0
    assert _json(capsys)["facts"]["framework"] == "population"


def test_report_year_in_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report --year`` is the report year, as its help says: in a project folder too
    (it was refused as a flag for data files named on the command line). The flags that
    read such files still clash."""
    genesis_project(tmp_path, "rules: none\n")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--year", "2015", "--out", "r", "--format", "json"]) == 0
    facts = _json(capsys)["facts"]
    assert any(key.startswith("best in 2015") for key in facts), facts
    assert main(["report", "--year", "2015", "--out", "r", "--mapping", "m.yaml"]) == 2
    assert "--mapping: the project file says this" in capsys.readouterr().err


def test_compare_in_a_project_takes_the_previous_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genesis_project(tmp_path, "rules: none\n")
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "--format", "json"]) == 0
    outcome = _json(capsys)
    assert outcome["facts"]["years"] == "2015 -> 2024"
    assert (tmp_path / "comparison" / "changes.csv").is_file()
    assert (tmp_path / "comparison" / "report" / "index.html").is_file()


@pytest.mark.parametrize(
    ("new_defaults", "listed"),
    [
        # minmax's fit defaults to pooled: one choice, written two ways
        ("normalise: {method: minmax, fit: pooled}", []),
        (
            "normalise: {method: minmax, fit: per_year}",
            [("indicator", "female_share", "changed", "normalise")],
        ),
    ],
)
def test_compare_lists_definition_changes_once_in_the_csv_and_the_page(
    new_defaults: str,
    listed: list[tuple[str, str, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from test_project import FRAMEWORK

    genesis_project(tmp_path, "rules: none\n")
    (tmp_path / "framework.yaml").write_text(
        FRAMEWORK + f"defaults:\n  {new_defaults}\n", encoding="utf-8"
    )
    (tmp_path / "old.yaml").write_text(
        FRAMEWORK + "defaults:\n  normalise: {method: minmax}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    argv = ["compare", "raw/12411-01-01-4.csv", "--old-framework", "old.yaml", "--format", "json"]
    assert main(argv) == 0
    assert _json(capsys)["facts"]["definition changes"] == len(listed)
    rows = (tmp_path / "comparison" / "definition_changes.csv").read_text().splitlines()
    assert rows == ["kind,id,change,fields"] + [",".join(row) for row in listed]
    page = (tmp_path / "comparison" / "report" / "index.html").read_text(encoding="utf-8")
    section = page[
        page.index('<h2 id="indicators">') : page.index(
            "</section>", page.index('<h2 id="indicators">')
        )
    ]
    if listed:
        assert section.count("<tr>") == 2  # the header and the one change
        assert "<td><code>minmax</code></td>" in section
        assert "<td><code>minmax(fit=&#34;per_year&#34;)</code></td>" in section
    else:
        assert "No changes." in section


def test_mapping_flag_reads_a_load_data_mapping_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--mapping`` reads what ``mi.load_data(mapping=FILE)`` reads: the mapping alone or
    under ``columns:``; a file that is not there is a usage error, a bad one invalid data."""
    from test_project import FRAMEWORK

    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  Insgesamt: pop_total\n  weiblich: pop_female\n")
    argv = ["validate", str(REAL / "12411-01-01-4.csv"), "--framework", str(tmp_path / "fw.yaml")]
    argv += ["--format", "genesis", "--format", "json"]
    assert main([*argv, "--mapping", str(mapping)]) == 0
    assert _json(capsys)["facts"]["variables"] == 2
    assert main([*argv, "--mapping", str(tmp_path / "none.yaml")]) == 2
    assert "mapping file not found" in capsys.readouterr().out
    mapping.write_text("Insgesamt: [pop_total]\n")
    assert main([*argv, "--mapping", str(mapping)]) == 1
    problems = _json(capsys)["problems"]
    assert [p["code"] for p in problems] == ["invalid_mapping"]


def test_report_rules_none_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    genesis_project(tmp_path / "town")
    monkeypatch.chdir(tmp_path / "town")
    argv = ["report", "--rules", "none", "--out", "r", "--units-only", "01001", "--format", "json"]
    assert main(argv) == 0
    outcome = _json(capsys)
    assert outcome["facts"]["measures recommended"] == "none (no rules)"
    assert not [p for p in outcome["problems"] if "rules skipped" in p["reason"]]


def test_the_parser_knows_every_source_format() -> None:
    """The parser keeps its own list (``--help`` imports nothing heavy): it must not drift."""
    from mint_index.cli.app import SOURCE_FORMATS
    from mint_index.data.source import FORMATS

    assert SOURCE_FORMATS == FORMATS


def test_report_language_flag_then_project_then_default() -> None:
    from types import SimpleNamespace

    from mint_index.cli.project import report_language

    project = SimpleNamespace(report_options=SimpleNamespace(lang="en"))
    assert report_language(argparse.Namespace(lang="de"), project) == "de"  # type: ignore[arg-type]
    assert report_language(argparse.Namespace(lang=None), project) == "en"  # type: ignore[arg-type]
    assert report_language(argparse.Namespace(lang=None), None) == "de"  # the package default


def test_a_project_records_its_files_relative_to_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in a project folder, the provenance named every file by its absolute path: two
    checkouts of one commit gave different bytes, and the CI runner's folders reached the
    published report. Paths are relative to the project folder now."""
    outputs = []
    for copy in ("one", "two"):
        assert main(["init", str(tmp_path / copy)]) == 0
        monkeypatch.chdir(tmp_path / copy)
        assert main(["score", "--out", "out/scores.csv"]) == 0
        outputs.append(Path("out/scores.csv.provenance.json").read_bytes())
    provenance = json.loads(outputs[0])
    paths = [record["path"] for record in provenance["inputs"]]
    assert paths == ["mint-index.yaml", "data/example.csv", "units.csv"]
    assert outputs[0] == outputs[1]
