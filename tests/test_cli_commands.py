"""The data commands end to end: validate, score, compare, report, demo.

Data are the small test framework's tidy CSV files written into a temporary folder; the
report and demo run on the packaged framework and example data.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_small_long

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_DATA, EXIT_OK, EXIT_USAGE
from mint_index.files import MARKER_FILE

FRAMEWORK = Path(__file__).parent / "fixtures" / "framework_small"


@pytest.fixture()
def drop(tmp_path: Path) -> Path:
    """A data-drop folder: 2022 and 2023 for six units, plus a units table."""
    folder = tmp_path / "drop"
    (folder / "data").mkdir(parents=True)
    long = make_small_long(units=6, years=(2022, 2023))
    for year, part in long.groupby("year"):
        part.to_csv(folder / "data" / f"{year}.csv", index=False)
    units = pd.DataFrame({"unit": sorted(long["unit"].unique())})
    units["name"] = "Gemeinde " + units["unit"]
    units["peer_group"] = ["small", "large"] * 3
    units.to_csv(folder / "units.csv", index=False)
    return folder


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def json_out(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


# ---- validate ----------------------------------------------------------------------------
def test_validate_good_data(drop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli("validate", drop / "data", "--framework", FRAMEWORK, "--units", drop / "units.csv")
    assert code == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("mint-index validate: OK")
    assert "units      6" in out and "2022-2023" in out


def test_validate_a_folder_that_also_holds_the_units_table(
    drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (drop / "data" / "units.csv").write_bytes((drop / "units.csv").read_bytes())
    register = "unit,measure,since\n" + f"{pd.read_csv(drop / 'units.csv').unit[0]},x,2020\n"
    (drop / "data" / "measures.csv").write_text(register)
    # given as data, each says what it is and how to give it instead
    code = cli("validate", drop / "data", "--framework", FRAMEWORK)
    assert code == EXIT_DATA
    err = capsys.readouterr().err
    assert "measures.csv:year" in err and "this is a measures register, not data" in err
    assert "units.csv:year" in err and "if this is the units table, give it as the units" in err
    # the units table given with --units is not read as data too
    (drop / "data" / "measures.csv").unlink()
    code = cli(
        "validate", drop / "data", "--framework", FRAMEWORK, "--units", drop / "data" / "units.csv"
    )
    assert code == EXIT_OK, capsys.readouterr().err
    assert "units      6" in capsys.readouterr().out


def test_units_key_reads_a_units_workbook_with_keys_as_numbers(
    drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The units kept in Excel, AGS typed as numbers (01001000 is 1001000): ``--units-key
    pad=auto`` reads them as the project file's ``units: {path: ..., key: {pad: auto}}``
    does; without it the problem says so; without ``--units`` it is a usage error."""
    units = pd.read_csv(drop / "units.csv", dtype=str)
    units.assign(unit=units["unit"].astype(int)).to_excel(drop / "units.xlsx", index=False)
    given = ("validate", drop / "data", "--framework", FRAMEWORK, "--units", drop / "units.xlsx")
    assert cli(*given) == EXIT_DATA
    assert "--units-key pad=auto" in capsys.readouterr().err
    assert cli(*given, "--units-key", "pad=auto") == EXIT_OK, capsys.readouterr().err
    assert "units      6" in capsys.readouterr().out
    assert cli("validate", drop / "data", "--units-key", "pad=auto") == EXIT_USAGE
    assert "give --units" in capsys.readouterr().err


def test_no_output_is_written_over_an_input(drop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A typo such as ``--out data/2023.csv`` or ``--summary units.csv`` used to overwrite
    the input; it is refused and nothing is written (the summary neither)."""
    data, units = drop / "data" / "2023.csv", drop / "units.csv"
    before = {p: p.read_bytes() for p in (data, units)}
    given = ("--framework", FRAMEWORK, "--units", units)
    assert cli("score", data, *given, "--out", data) == EXIT_DATA
    assert "it is an input of this run" in capsys.readouterr().err
    assert cli("validate", data, *given, "--summary", units) == EXIT_DATA
    assert "refusing to write" in capsys.readouterr().err
    assert cli("score", drop / "data", *given, "--out", drop / "data" / "s.csv") == EXIT_DATA
    assert "a folder this run reads" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (data, units)} == before
    assert sorted(p.name for p in (drop / "data").iterdir()) == ["2022.csv", "2023.csv"]
    # nor the provenance file a CSV output writes beside it: an input of that name was
    # overwritten with the run's provenance, exit 0 (audit of the scores files)
    beside = drop / "s.csv.provenance.json"
    beside.write_bytes(units.read_bytes())
    taken = ("--framework", FRAMEWORK, "--units", beside)
    assert cli("score", data, *taken, "--out", drop / "s.csv") == EXIT_DATA
    assert "it is an input of this run" in capsys.readouterr().err
    assert beside.read_bytes() == units.read_bytes() and not (drop / "s.csv").exists()


def test_validate_json_lists_inputs_with_hashes(
    drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli("validate", drop / "data", "--framework", FRAMEWORK, "--format", "json")
    assert code == EXIT_OK
    outcome = json_out(capsys)
    assert outcome["ok"] is True and outcome["problems"] == []
    inputs = outcome["provenance"]["inputs"]
    assert [Path(i["path"]).name for i in inputs] == ["2022.csv", "2023.csv"]
    data = (drop / "data" / "2022.csv").read_bytes()
    assert inputs[0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert outcome["provenance"]["framework"]["sha256"] == mi.load_framework(FRAMEWORK).sha256


def _break(drop: Path) -> Path:
    """Two bad cells in 2023.csv: a text value and a negative count."""
    path = drop / "data" / "2023.csv"
    frame = pd.read_csv(path, dtype={"unit": str})
    frame["value"] = frame["value"].astype(object)
    frame.loc[3, "value"] = "abc"
    frame.loc[frame["variable"] == "council_seats", "value"] = -30
    frame.to_csv(path, index=False)
    return path


def test_validate_bad_data_lists_every_problem(
    drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _break(drop)
    before = path.read_bytes()
    assert cli("validate", drop / "data", "--framework", FRAMEWORK) == EXIT_DATA
    err = capsys.readouterr().err
    assert err.startswith("mint-index validate: FAILED - invalid data")
    assert f"{path.as_posix()}:" in err  # file:row:column table
    assert path.read_bytes() == before  # inputs are never modified


def test_validate_bad_data_as_json_and_summary(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(drop)
    summary = tmp_path / "summary.md"
    code = cli(
        "validate",
        drop / "data",
        "--framework",
        FRAMEWORK,
        "--format",
        "json",
        "--summary",
        summary,
    )
    assert code == EXIT_DATA
    outcome = json_out(capsys)
    assert outcome["ok"] is False and outcome["headline"] == "invalid data"
    bad = [p for p in outcome["problems"] if p["value"] == "abc"]
    assert bad and bad[0]["source"].endswith("2023.csv") and isinstance(bad[0]["row"], int)
    counts = [p for p in outcome["problems"] if p["column"] in ("value", "council_seats")]
    assert len(counts) >= 2
    md = summary.read_text()
    assert md.startswith("## mint-index validate: failed")
    assert f"### Problems ({len(outcome['problems'])})" in md


def test_validate_strict_fails_on_warnings(drop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a variable the framework does not use is a warning, an error with --strict
    path = drop / "data" / "2023.csv"
    frame = pd.read_csv(path, dtype={"unit": str})
    extra = frame[frame["variable"] == "pop"].assign(variable="unused_variable")
    pd.concat([frame, extra]).to_csv(path, index=False)
    assert cli("validate", drop / "data", "--framework", FRAMEWORK, "--format", "json") == 0
    lenient = json_out(capsys)
    assert lenient["ok"] and lenient["problems"]
    assert {p["severity"] for p in lenient["problems"]} == {"warning"}
    code = cli("validate", drop / "data", "--framework", FRAMEWORK, "--strict", "--format", "json")
    assert code == EXIT_DATA
    strict = json_out(capsys)
    assert not strict["ok"] and {p["severity"] for p in strict["problems"]} == {"error"}


def test_validate_broken_framework_exits_1(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "fw"
    broken.mkdir()
    for file in FRAMEWORK.glob("*.yaml"):
        (broken / file.name).write_text(
            file.read_text().replace("parent: political", "parent: nowhere")
        )
    assert cli("validate", drop / "data", "--framework", broken) == EXIT_DATA
    err = capsys.readouterr().err
    assert "invalid framework" in err and "nowhere" in err and "participation.yaml" in err


# ---- score -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_score_twice_gives_identical_bytes(
    drop: Path, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}{suffix}"
        code = cli(
            "score",
            drop / "data",
            "--framework",
            FRAMEWORK,
            "--units",
            drop / "units.csv",
            "--out",
            out,
        )
        assert code == EXIT_OK
        outs.append(out)
    assert outs[0].read_bytes() == outs[1].read_bytes()
    from mint_index.scores_file import read_scores

    table, prov = read_scores(outs[0])
    assert prov["created"] == "2023-11-14T22:13:20Z"
    assert prov["spec"]["framework"]["framework"]["id"] == "small"
    assert set(table["peer_group"]) == {"small", "large"}


def test_score_carries_no_clock_time_by_default(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "s.json"
    assert cli("score", drop / "data", "--framework", FRAMEWORK, "--out", out) == EXIT_OK
    assert "created" not in json.loads(out.read_text())["provenance"]


def test_score_with_a_spec(drop: Path, tmp_path: Path) -> None:
    spec = mi.BuildSpec(framework=mi.load_framework(FRAMEWORK), normalise="minmax")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(spec.to_json())
    out = tmp_path / "s.json"
    assert cli("score", drop / "data", "--spec", spec_file, "--out", out) == EXIT_OK
    document = json.loads(out.read_text())
    assert document["provenance"]["spec"]["normalise"] == {"method": "minmax"}
    scores = pd.DataFrame(document["rows"], columns=document["columns"])
    indicators = scores[scores["level"] == 1]
    # min-max (fitted per year or pooled): each indicator's scores span exactly 0..100
    span = indicators.groupby("node")["score"].agg(["min", "max"])
    assert (span["min"] == 0).all() and (span["max"] == 100).all()


def test_score_summary_states_the_scale_of_z_scores(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = mi.BuildSpec(framework=mi.load_framework(FRAMEWORK), normalise="zscore")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(spec.to_json())
    out = tmp_path / "s.json"
    code = cli("score", drop / "data", "--spec", spec_file, "--out", out, "--format", "json")
    assert code == EXIT_OK
    best = json_out(capsys)["facts"]["best in 2023"]
    document = json.loads(out.read_text())
    scores = pd.DataFrame(document["rows"], columns=document["columns"]).dropna(subset="score")
    # z-scores leave 0..100: the scale is the whole numbers around every score written
    low, high = math.floor(scores["score"].min()), math.ceil(scores["score"].max())
    assert low < 0 < high < 100
    index = scores[(scores["node"] == "index") & (scores["year"] == 2023)]
    top = index.sort_values("score", ascending=False).iloc[0]
    # no units table: a unit's name is its id
    assert best[0] == f"{top['unit']} ({top['score']:.1f}, scale −{-low} to {high})"


def test_score_with_a_broken_spec_exits_1(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = json.loads(mi.BuildSpec(framework=mi.load_framework(FRAMEWORK)).to_json())
    spec["normalise"] = {"method": "no_such_method"}
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    out = tmp_path / "s.csv"
    assert cli("score", drop / "data", "--spec", spec_file, "--out", out) == EXIT_DATA
    assert "no_such_method" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "text"), [("spec.yaml", "framework: [unclosed"), ("spec.json", "{not json")]
)
def test_score_with_an_unreadable_spec_exits_1(
    drop: Path, tmp_path: Path, name: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec_file = tmp_path / name
    spec_file.write_text(text)
    code = cli("score", drop / "data", "--spec", spec_file, "--out", tmp_path / "s.csv")
    assert code == EXIT_DATA
    assert "invalid spec" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("stop", "code"), [(KeyboardInterrupt(), 130), (OSError("No space left on device"), 1)]
)
def test_interrupted_score_keeps_the_previous_output(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: BaseException, code: int
) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "scores.parquet"
    assert cli("score", drop / "data", "--framework", FRAMEWORK, "--out", out) == EXIT_OK
    previous = out.read_bytes()

    def interrupted(table: object, where: Path, **kwargs: object) -> None:
        Path(where).write_bytes(b"PAR1 half a file")
        raise stop

    monkeypatch.setattr(pq, "write_table", interrupted)
    assert cli("score", drop / "data", "--framework", FRAMEWORK, "--out", out) == code
    assert out.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drop", "scores.parquet"]


# ---- compare -----------------------------------------------------------------------------
def test_compare_two_score_files(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.csv"
    assert cli("score", drop / "data" / "2022.csv", "--framework", FRAMEWORK, "--out", old) == 0
    assert cli("score", drop / "data", "--framework", FRAMEWORK, "--out", new) == 0
    capsys.readouterr()
    out = tmp_path / "cmp"
    assert cli("compare", old, new, "--out", out, "--rank-jump", "1", "--format", "json") == 0
    outcome = json_out(capsys)
    assert outcome["facts"]["years"] == "2022 -> 2023"
    assert outcome["facts"]["definition changes"] == 0
    assert outcome["facts"]["revised past scores"] == 0  # 2022 is the same in both
    # rank jumps by hand from the two score files
    old_doc = json.loads(old.read_text())
    o = pd.DataFrame(old_doc["rows"], columns=old_doc["columns"])
    n = pd.read_csv(new, dtype={"unit": str})
    o = o[(o["node"] == "index")].set_index("unit")["rank"]
    n = n[(n["node"] == "index") & (n["year"] == 2023)].set_index("unit")["rank"]
    moved = (o - n)[(o - n).abs() >= 1]
    jumps = pd.read_csv(out / "rank_jumps.csv", dtype={"unit": str})
    got = jumps[jumps["node"] == "index"].set_index("unit")["rank_change"]
    assert got.sort_index().to_dict() == moved.astype(int).sort_index().to_dict()
    # JSON keeps the numbers as numbers (the screen writes them the language's way)
    shown = outcome["tables"][0]
    change = shown["rows"][0][shown["columns"].index("rank_change")]
    assert isinstance(change, int) and abs(change) >= 1
    prov = json.loads((out / "provenance.json").read_text())
    listed = {o["path"] for o in prov["outputs"]}
    assert listed == {"changes.csv", "rank_jumps.csv", "revisions.csv", "definition_changes.csv"}
    assert outcome["problems"] == []
    # the drops the other way round: compared, but said (it ran silently as 2023 -> 2022)
    swapped = tmp_path / "swapped"
    assert cli("compare", new, old, "--out", swapped, "--format", "json") == 0
    reversed_ = json_out(capsys)
    assert reversed_["facts"]["years"] == "2023 -> 2022"
    assert [p["code"] for p in reversed_["problems"]] == ["years_reversed"]
    assert "were OLD and NEW given the other way round" in reversed_["problems"][0]["reason"]


@pytest.mark.parametrize("command", ["report", "compare"])
def test_an_empty_out_with_data_files_is_a_usage_error(
    command: str, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--out ""`` with data files (no project to fall back on) once crashed with exit 3
    (``'NoneType' object has no attribute ...``): it is a usage error like a missing --out."""
    files = [drop / "data" / "2022.csv"] + ([drop / "data"] if command == "compare" else [])
    code = cli(command, *files, "--framework", FRAMEWORK, "--out=")
    assert code == EXIT_USAGE
    assert "give --out FOLDER" in capsys.readouterr().err


def test_compare_two_drops_lists_definition_changes(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "fw2"
    changed.mkdir()
    for file in FRAMEWORK.glob("*.yaml"):
        (changed / file.name).write_text(file.read_text().replace("weight: 2", "weight: 3"))
    out = tmp_path / "cmp"
    code = cli(
        "compare",
        drop / "data" / "2022.csv",
        drop / "data",
        "--old-framework",
        FRAMEWORK,
        "--framework",
        changed,
        "--out",
        out,
    )
    assert code == EXIT_OK
    definitions = pd.read_csv(out / "definition_changes.csv")
    assert definitions.to_dict("records") == [
        {"kind": "node", "id": "participation", "change": "changed", "fields": "weight"}
    ]
    assert (out / "report" / "index.html").is_file()
    # an output folder inside a drop it reads: the next run would find a subfolder in its
    # data and stop (accepted before, even without --force)
    inside = drop / "data" / "comparison"
    for force in ((), ("--force",)):
        args = (drop / "data" / "2022.csv", drop / "data", "--framework", FRAMEWORK)
        assert cli("compare", *args, "--out", inside, *force) == EXIT_DATA
        assert "a folder this run reads" in capsys.readouterr().err
    assert not inside.exists()


# ---- report and demo ---------------------------------------------------------------------
@pytest.fixture()
def no_rules(tmp_path: Path) -> Path:
    """An empty rule set: the packaged rules name nodes of the default framework only."""
    path = tmp_path / "rules.yaml"
    path.write_text("rules: []\n")
    return path


def test_report_writes_inside_its_folder_and_is_reproducible(
    drop: Path, no_rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for csv in (drop / "data").glob("*.csv"):  # a hostile unit id
        csv.write_text(csv.read_text().replace("01001000", "../../x"))
    outs = [tmp_path / "a" / "report", tmp_path / "b" / "report"]
    for out in outs:
        code = cli(
            "report",
            drop / "data",
            "--framework",
            FRAMEWORK,
            "--rules",
            no_rules,
            "--out",
            out,
            "--lang",
            "en",
            "--jobs",
            "2",
        )
        assert code == EXIT_OK
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert Path("index.html") in files and Path("provenance.json") in files
    assert len([f for f in files if f.parent.name == "profiles"]) == 6
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    for path in tmp_path.rglob("*"):  # nothing escaped: all under a/report or b/report
        if path.is_file() and not path.is_relative_to(drop) and path != no_rules:
            assert any(path.resolve().is_relative_to(o.resolve()) for o in outs), path
    prov = json.loads((outs[0] / "provenance.json").read_text())
    assert prov["rules"]["path"] == no_rules.as_posix() and len(prov["rules"]["sha256"]) == 64
    listed = {o["path"] for o in prov["outputs"]}
    assert listed == {f.as_posix() for f in files} - {"provenance.json", MARKER_FILE}


def test_report_units_only(
    drop: Path, no_rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    base = ("report", drop / "data", "--framework", FRAMEWORK, "--rules", no_rules, "--out", out)
    assert cli(*base, "--units-only", "01003000,01001000") == EXIT_OK
    profiles = sorted(p.name for p in (out / "profiles").iterdir())
    assert profiles == ["01001000.html", "01003000.html"]
    capsys.readouterr()
    assert cli(*base, "--units-only", "01001000,99999999") == EXIT_USAGE
    assert "--units-only: no such unit(s) in the data: 99999999" in capsys.readouterr().err


def test_report_with_broken_rules_exits_1(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: r1\n    when: {node: no_such_node, below: 50}\n")
    out = tmp_path / "report"
    code = cli("report", drop / "data", "--framework", FRAMEWORK, "--rules", rules, "--out", out)
    assert code == EXIT_DATA
    err = capsys.readouterr().err
    assert "invalid rules" in err and "rules.yaml" in err
    assert not (out / "index.html").exists()


def test_demo_runs_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("demo") == EXIT_OK
    out = capsys.readouterr().out
    index = Path("mint-index-demo") / "report" / "index.html"
    assert f"open {index.as_posix()} in a browser" in out
    assert index.is_file()
    for name in ("scores.json", "gaps.csv", "recommendations.csv", "provenance.json"):
        assert (tmp_path / "mint-index-demo" / name).is_file(), name
    # the best municipalities by name, with the scale, in the report's year; the summary
    # is English, its numbers too, whatever the report's language (German by default)
    best = next(line for line in out.splitlines() if "best in 2024" in line)
    res = mi.score(mi.example_data(), mi.default_framework())
    index_2024 = res.scores["index"].xs(2024, level="year")
    top = index_2024.idxmax()
    expected = f"{res.units.loc[top, 'name']} ({index_2024[top]:.1f}, scale 0–100)"
    assert best.split("2024", 1)[1].strip().startswith(expected)
    assert "0899" not in best


def test_demo_report_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli("demo", "--year", "2022", "--out", "d") == EXIT_OK
    assert "best in 2022" in capsys.readouterr().out
    assert "Übersicht 2022" in (tmp_path / "d" / "report" / "index.html").read_text("utf-8")
    assert cli("demo", "--year", "2031", "--out", "e") == EXIT_DATA
    assert "year 2031 is not in the results" in capsys.readouterr().err


def test_docs_are_installed_with_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    from mint_index.cli import main

    assert main(["docs"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "reports" in listing and "recommendations" in listing
    assert main(["docs", "reports"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("# Reports")
    assert main(["docs", "nowhere"]) == EXIT_USAGE


# ---- as a subprocess ---------------------------------------------------------------------
def test_subprocess_exit_codes_and_json(drop: Path, tmp_path: Path) -> None:
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mint_index.cli", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "SOURCE_DATE_EPOCH": "0"},
        )

    good = run("validate", drop / "data", "--framework", FRAMEWORK, "--format", "json")
    assert good.returncode == EXIT_OK and json.loads(good.stdout)["ok"] is True
    _break(drop)
    bad = run("validate", drop / "data", "--framework", FRAMEWORK, "--format", "json")
    assert bad.returncode == EXIT_DATA and json.loads(bad.stdout)["ok"] is False
    assert "Traceback" not in bad.stderr
    usage = run("score", drop / "data")
    assert usage.returncode == EXIT_USAGE and "--out" in usage.stderr


def _written(value: float, lang: str, decimals: int, sign: bool = False) -> str:
    """A number as a reader of ``lang`` writes it, by hand: decimal comma and typographic
    minus in German, "+" before a positive change."""
    text = f"{abs(value):.{decimals}f}"
    if lang == "de":
        text = text.replace(".", ",")
    if float(text.replace(",", ".")) == 0:
        return text
    return ("\u2212" if value < 0 else "+" if sign else "") + text


def _html_rows(html: str, caption: str) -> dict[str, list[str]]:
    """The rows of the report table whose caption starts with ``caption``: the row header
    (a unit's name) -> its cells."""
    import re

    table = html[html.index(f"<caption>{caption}") :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", body, re.S):
        rows[row[0]] = re.findall(r"<td class=\"num\">(.*?)</td>", row[1])
    return rows


@pytest.mark.parametrize("lang", ["de", "en"])
def test_compare_screen_and_report_show_the_same_numbers(
    drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """One builder, one formatting layer: the rank jumps on screen and the report's table
    of changes show the numbers computed here by hand from the two scored drops."""
    out, summary = tmp_path / "cmp", tmp_path / "summary.md"
    code = cli(
        "compare",
        drop / "data" / "2022.csv",
        drop / "data",
        "--framework",
        FRAMEWORK,
        "--units",
        drop / "units.csv",
        "--out",
        out,
        "--rank-jump",
        "1",
        "--lang",
        lang,
        "--summary",
        summary,
    )
    assert code == EXIT_OK
    capsys.readouterr()
    fw = mi.load_framework(FRAMEWORK)
    units = mi.load_units(drop / "units.csv")
    old = mi.score(mi.load_data(drop / "data" / "2022.csv", fw, units=units), fw)
    files = [drop / "data" / "2022.csv", drop / "data" / "2023.csv"]
    new = mi.score(mi.load_data(files, fw, units=units), fw)
    before = old.scores.xs(2022, level="year")["index"]
    after = new.scores.xs(2023, level="year")["index"]
    # rank 1 = best, ties share the lowest rank: 1 + the number of strictly better units
    rank_before = before.map(lambda s: 1 + int((before > s).sum()))
    rank_after = after.map(lambda s: 1 + int((after > s).sum()))
    moved = rank_before - rank_after
    expected = {
        unit: [
            _written(before[unit], lang, 1),
            _written(after[unit], lang, 1),
            _written(after[unit] - before[unit], lang, 1, sign=True),
            str(rank_before[unit]),
            str(rank_after[unit]),
            _written(moved[unit], lang, 0, sign=True),
        ]
        for unit in after.index
    }
    # on screen (the same text as the Markdown summary): the index's rank jumps
    lines = summary.read_text(encoding="utf-8").split("### Rank jumps")[1].splitlines()
    shown = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines if "| index |" in ln]
    assert {row[1] for row in shown} == {u for u in moved.index if moved[u] != 0} != set()
    for row in shown:
        assert row[2:] == expected[row[1]]
    # the report's table of changes: the index's score, change and rank change per unit
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    html = _html_rows(report, {"de": "Veränderungen", "en": "Changes"}[lang])
    for unit, (_, score, change, _, _, rank_change) in expected.items():
        assert html[f"Gemeinde {unit}"][:3] == [score, change, rank_change]
