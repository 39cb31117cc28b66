"""``mint-index effects`` on the example district: CSV and JSON tables, bad registers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_DATA, EXIT_OK, EXIT_USAGE
from mint_index.effect_monitoring.estimate import EFFECT_COLUMNS
from mint_index.examples import EXAMPLE_DATA_FILE, EXAMPLE_MEASURES_FILE, EXAMPLE_UNITS_FILE
from mint_index.resources import catalog_path

EXAMPLES = catalog_path("examples")
DATA = EXAMPLES / EXAMPLE_DATA_FILE
UNITS = EXAMPLES / EXAMPLE_UNITS_FILE
MEASURES = EXAMPLES / EXAMPLE_MEASURES_FILE


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_effects_csv_matches_the_library(tmp_path: Path) -> None:
    out = tmp_path / "effects.csv"
    assert cli("effects", DATA, "--units", UNITS, "--measures", MEASURES, "--out", out) == EXIT_OK
    table = pd.read_csv(out, dtype={"unit": str})
    assert list(table.columns) == EFFECT_COLUMNS
    expected = mi.effects(mi.score(mi.example_data()), mi.example_measures())
    assert len(table) == len(expected)
    pd.testing.assert_series_equal(
        table["status"], expected["status"].astype(object), check_dtype=False
    )
    assert table["effect"].to_numpy() == pytest.approx(
        expected["effect"].to_numpy(float), abs=1e-6, nan_ok=True
    )
    prov = json.loads((tmp_path / "effects.csv.provenance.json").read_text(encoding="utf-8"))
    assert prov["command"] == "effects"
    assert [Path(i["path"]).name for i in prov["inputs"]][-1] == "measures.csv"


def test_effects_json_document_for_ci(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "effects.json"
    code = cli(
        "effects",
        DATA,
        "--units",
        UNITS,
        "--measures",
        MEASURES,
        "--out",
        out,
        "--level",
        "0.8",
        "--format",
        "json",
    )
    assert code == EXIT_OK
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["ok"] is True and outcome["facts"]["register rows"] == 15
    # the register's conferences, mentor training and encounter places: the catalog's
    # indicators of each count only what the measure provides (its ``outputs``)
    assert outcome["facts"]["no effect to estimate"] == [
        "m3_encounter_places (1 row)",
        "mit_conferences (1 row)",
        "mit_mentor_training (1 row)",
    ]
    assert outcome["facts"]["pooled effects visible"] == [
        "vopi_barrier_analysis: volunteers_representation",
        "vopi_barrier_analysis: association_boards",
    ]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "mint-index-effects" and document["level"] == 0.8
    rows = document["rows"]
    assert {r["level"] for r in rows} == {0.8}
    assert set(rows[0]) == set(EFFECT_COLUMNS)
    blank = [r for r in rows if r["status"] == "no_comparison"]
    assert blank and all(r["effect"] is None for r in blank)


def test_measures_with_no_effect_to_estimate_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A register of a welcome service only (its one indicator says it is there): the
    table has no row, and the command said nothing of why, promising "none yet"."""
    register = tmp_path / "measures.csv"
    register.write_text("unit,measure,since\n08999003,mint_welcome_service,2022\n")
    out = tmp_path / "effects.csv"
    args = ["effects", DATA, "--units", UNITS, "--measures", register, "--out", out]
    assert cli(*args, "--format", "json") == EXIT_OK
    facts = json.loads(capsys.readouterr().out)["facts"]
    assert facts["no effect to estimate"] == ["mint_welcome_service (1 row)"]
    assert facts["pooled effects visible"] == "none"


def test_a_bad_register_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register = tmp_path / "measures.csv"
    register.write_text(
        "unit,measure,since\n08999001,no_such_measure,2021\n08999777,mit_mentors,later\n",
        encoding="utf-8",
    )
    code = cli(
        "effects",
        DATA,
        "--units",
        UNITS,
        "--measures",
        register,
        "--out",
        tmp_path / "e.csv",
        "--format",
        "json",
    )
    assert code == EXIT_DATA
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert sorted((p["row"], p["column"]) for p in problems) == [
        (2, "measure"),
        (3, "since"),
        (3, "unit"),
    ]
    assert not (tmp_path / "e.csv").exists()


def test_usage_errors(tmp_path: Path) -> None:
    base = ("effects", DATA, "--units", UNITS)
    assert cli(*base, "--measures", MEASURES, "--out", tmp_path / "e.parquet") == EXIT_USAGE
    assert cli(*base, "--measures", tmp_path / "nope.csv", "--out", tmp_path / "e.csv") == (
        EXIT_USAGE
    )
    assert cli(*base, "--measures", MEASURES, "--out", tmp_path / "e.csv", "--level", "1.5") == (
        EXIT_USAGE
    )


def test_effects_and_the_report_section_in_a_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project whose file names the register: `mint-index effects` and `mint-index
    report` need no arguments, and give what the library gives for the same inputs."""
    import shutil

    import yaml

    for source in (DATA, UNITS, MEASURES):
        shutil.copy(source, tmp_path / source.name)
    project = {
        "units": UNITS.name,
        "measures": MEASURES.name,
        "sources": [{"path": DATA.name}],
        "report": {"lang": "en", "out": "report"},
    }
    (tmp_path / "mint-index.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("effects") == EXIT_OK
    table = pd.read_csv(tmp_path / "effects.csv", dtype={"unit": str})
    expected = mi.effects(mi.score(mi.example_data()), mi.example_measures())
    pooled = expected[(expected["kind"] == "pooled") & (expected["status"] == "estimated")]
    got = table[(table["kind"] == "pooled") & (table["status"] == "estimated")]
    assert got["effect"].to_numpy() == pytest.approx(pooled["effect"].to_numpy(float), abs=1e-6)
    assert cli("report") == EXIT_OK
    overview = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "Effect of measures" in overview


def test_effects_without_a_register_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "effects.csv"
    assert cli("effects", DATA, "--units", UNITS, "--out", out) == EXIT_USAGE
    assert not out.exists()


def test_rules_flag_then_the_project_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The register names an action only the project's rules know: it passes with them and
    fails with ``--rules`` naming the packaged ones, which come before the project's."""
    from test_project import RENAMED, town_with_register

    file, _ = town_with_register(tmp_path / "town")
    capsys.readouterr()
    assert cli("effects", "--project", file, "--out", tmp_path / "e.csv") == EXIT_OK
    capsys.readouterr()
    packaged = catalog_path("recommendations")
    code = cli("effects", "--project", file, "--rules", packaged, "--format", "json")
    assert code == EXIT_DATA
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert [(p["code"], p["value"]) for p in problems] == [("unknown_measure", RENAMED[1])]


def test_a_measure_judged_by_a_yes_no_indicator_is_a_warning_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "actions.yaml"
    rules.write_text(
        "actions:\n  - id: own_welcome\n    programme: TEST\n    source: none.txt\n"
        "    title: {de: Willkommen, en: Welcome}\n"
        "    description: {de: Eine Testmaßnahme., en: A test measure.}\n"
        "    actors: [administration]\n    effort: low\n    horizon: short\n"
        "    indicators: [volunteers_representation, welcome_service]\n",
        "utf-8",
    )
    measures = tmp_path / "measures.csv"
    measures.write_text("unit,measure,since\n08999003,own_welcome,2022\n", "utf-8")
    args = ("effects", DATA, "--units", UNITS, "--measures", measures, "--rules", rules)
    assert cli(*args, "--out", tmp_path / "e.csv", "--format", "json") == EXIT_OK
    problems = json.loads(capsys.readouterr().out)["problems"]
    said = [p for p in problems if p["code"] == "presence_outcome"]
    assert len(said) == 1 and said[0]["severity"] == "warning"
    assert "own_welcome: welcome_service" in said[0]["reason"]


def test_validate_checks_the_register_a_report_would_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A register with an unknown measure, an unknown unit and a year that is none used
    to pass `validate` and stop `report`; validate now checks it as report reads it, from
    --measures or the project file."""
    import shutil

    import yaml

    register = tmp_path / "measures.csv"
    register.write_text(
        "unit,measure,since\n08999001,mit_nope,2020\n99999999,mit_mentors,20x\n",
        encoding="utf-8",
    )
    assert cli("validate", DATA, "--units", UNITS, "--measures", MEASURES) == EXIT_OK
    assert "measures   15" in capsys.readouterr().out  # examples/data/measures.csv: 15 rows
    assert cli("validate", DATA, "--units", UNITS, "--measures", register) == EXIT_DATA
    err = capsys.readouterr().err
    assert "measures.csv:2:measure  the measure is not in the action catalog" in err
    assert "measures.csv:3:unit     the unit is not in the units table" in err
    assert "measures.csv:3:since    since or end is not a whole year" in err
    for source in (DATA, UNITS):
        shutil.copy(source, tmp_path / source.name)
    project = {"units": UNITS.name, "measures": register.name, "sources": [{"path": DATA.name}]}
    (tmp_path / "mint-index.yaml").write_text(yaml.safe_dump(project), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("validate") == EXIT_DATA
    assert "the measure is not in the action catalog" in capsys.readouterr().err


def test_a_negative_seed_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "e.csv"
    code = cli(
        "effects", DATA, "--units", UNITS, "--measures", MEASURES, "--out", out, "--seed", "-1"
    )
    assert code == EXIT_USAGE and not out.exists()
    assert "--seed must be a whole number, 0 or more, not -1" in capsys.readouterr().err


def test_measures_the_framework_cannot_measure_are_a_warning(
    tmp_path: Path, small_framework_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two register rows of one packaged action whose nodes the small framework lacks:
    a warning with its code, no rows, and a headline that counts one measure."""
    from helpers import SMALL_BASE

    data = tmp_path / "data.csv"
    pd.DataFrame(
        [
            {"unit": f"0100{i}000", "year": year, "variable": k, "value": v}
            for i in range(1, 4)
            for year in (2020, 2021, 2022)
            for k, v in SMALL_BASE.items()
        ]
    ).to_csv(data, index=False)
    measures = tmp_path / "measures.csv"
    measures.write_text(
        "unit,measure,since\n01001000,mit_mentors,2021\n01002000,mit_mentors,2021\n", "utf-8"
    )
    out = tmp_path / "e.csv"
    args = ("effects", data, "--framework", small_framework_path, "--measures", measures)
    assert cli(*args, "--out", out, "--format", "json") == EXIT_OK
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["headline"] == "effects of the 1 measure in the register (2 rows)"
    assert outcome["facts"]["measures"] == 1 and outcome["facts"]["register rows"] == 2
    left_out = [p for p in outcome["problems"] if p["code"] == "unmeasurable_measure"]
    assert len(left_out) == 1 and left_out[0]["severity"] == "warning"
    assert "2 register row(s) of 1 measure(s) have no outcome" in left_out[0]["reason"]
    assert "mit_mentors (2 rows; needs " in left_out[0]["reason"]
    assert pd.read_csv(out).empty
    # the report says it once, as a problem: it estimates twice (the verdicts, its
    # section), and each leaked as a raw Python warning with its source line
    report = ("report", data, "--framework", small_framework_path, "--measures", measures)
    assert cli(*report, "--out", tmp_path / "rep", "--format", "json") == EXIT_OK
    captured = capsys.readouterr()
    problems = json.loads(captured.out)["problems"]
    assert [p["code"] for p in problems].count("unmeasurable_measure") == 1
    assert "UnmeasurableMeasuresWarning" not in captured.err
