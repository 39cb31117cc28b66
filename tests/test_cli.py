"""The ``mint-index`` command line through ``main([...])`` and as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import mint_index as mi
from mint_index.cli import main
from mint_index.cli.app import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """``python -m mint_index.cli`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "mint_index.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# ---- help, version and the light import --------------------------------------------------
def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == EXIT_OK
    out = capsys.readouterr().out
    for command in ("validate", "score", "report", "compare", "demo", "init", "schema"):
        assert command in out
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"mint-index {mi.__version__}"


_PROBE = """
import json, sys
from mint_index.cli import main
code = main(["--help"])
heavy = sorted(m for m in ("pandas", "numpy", "pydantic", "matplotlib", "jinja2", "pyarrow")
               if m in sys.modules)
sys.stderr.write(json.dumps([code, heavy]))
"""


def test_help_imports_nothing_heavy() -> None:
    # The time itself (target 0.25 s) is measured in benchmarks/ (P5), not here.
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60
    )
    code, heavy = json.loads(proc.stderr.strip().splitlines()[-1])
    assert code == 0
    assert heavy == []


def _command_help(command: str) -> dict[str, str]:
    """``dest -> help`` of one command's options."""
    import argparse

    from mint_index.cli.app import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {a.dest: a.help or "" for a in commands.choices[command]._actions}


def test_demo_help_names_neither_a_project_nor_data_files() -> None:
    from mint_index.rules.languages import DEFAULT_LANGUAGE

    demo, report = _command_help("demo"), _command_help("report")
    assert demo["lang"].endswith(f"(default: {DEFAULT_LANGUAGE})")
    assert "project" not in demo["lang"] and "project" in report["lang"]
    assert "command line" not in demo["year"] and "command line" in report["year"]


def test_effects_defaults_are_the_library_defaults() -> None:
    """``--level`` and ``--seed`` repeat ``mi.effects``' defaults (``--help`` stays light)."""
    import inspect

    from mint_index.cli.app import build_parser

    args = build_parser().parse_args(["effects"])
    library = inspect.signature(mi.effects).parameters
    assert args.level == library["level"].default
    assert args.seed == library["seed"].default
    helps = _command_help("effects")
    assert f"default {library['level'].default}" in helps["level"]


def test_console_script_and_module_agree() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"mint-index {mi.__version__}"
    script = Path(sys.executable).parent / "mint-index"
    if not script.exists():
        pytest.skip("mint-index is not installed as a console script here")
    installed = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0 and installed.stdout == proc.stdout


# ---- usage errors: exit code 2 -----------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["report", "x", "--out", "o", "--jobs", "0"],
        ["report", "x", "--out", "o", "--lang", "fr"],
        ["validate", "x", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_checked_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "d.csv"
    data.write_text("unit,year,variable,value\n")
    monkeypatch.chdir(tmp_path)  # no mint-index.yaml here
    assert main(["validate"]) == EXIT_USAGE
    assert "--project FILE, or run in a folder with mint-index.yaml" in capsys.readouterr().err
    assert main(["score", str(data)]) == EXIT_USAGE
    assert "give --out FILE" in capsys.readouterr().err
    assert main(["score", str(data), "--out", str(tmp_path / "s.txt")]) == EXIT_USAGE
    assert "--out must end in" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.csv")]) == EXIT_USAGE
    assert "data not found" in capsys.readouterr().err
    spec = tmp_path / "spec.json"
    spec.write_text("{}")
    argv = [
        "score",
        str(data),
        "--out",
        str(tmp_path / "s.csv"),
        "--spec",
        str(spec),
        "--framework",
        str(tmp_path),
    ]
    assert main(argv) == EXIT_USAGE
    assert "not both" in capsys.readouterr().err
    assert not (tmp_path / "s.csv").exists()


def test_malformed_source_date_epoch_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    assert main(["init", str(tmp_path / "p")]) == EXIT_USAGE
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


# ---- internal errors: exit code 3, no traceback on screen --------------------------------
def test_internal_error_exits_3_with_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mint_index.cli import commands

    def broken(_args: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(commands.COMMANDS, "init", broken)
    out = tmp_path / "proj"
    out.mkdir()
    assert main(["init", str(out)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error (ZeroDivisionError: boom)" in err
    log = Path(err.strip().rsplit(" ", 1)[-1])
    assert log.is_file()
    text = log.read_text()
    assert "Traceback" in text and "ZeroDivisionError: boom" in text
    log.unlink()


def test_running_out_of_memory_is_no_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A data drop too large for the machine's memory (or its ``ulimit -v``) was
    "internal error ... This is a bug", exit 3; it says what to do, exit 1."""
    from mint_index.cli import commands

    def too_large(_args: object) -> None:
        raise MemoryError

    monkeypatch.setitem(commands.COMMANDS, "validate", too_large)
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "out of memory" in err and "bug" not in err


def test_internal_error_in_a_subprocess_shows_no_traceback(tmp_path: Path) -> None:
    code = (
        "from mint_index.cli import commands, main\n"
        "commands.COMMANDS['init'] = lambda args: 1 / 0\n"
        f"raise SystemExit(main(['init', {str(tmp_path)!r}]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == EXIT_INTERNAL
    assert "Traceback" not in proc.stderr and "ZeroDivisionError" in proc.stderr
    logs = list(tmp_path.glob("mint-index-error-*.log"))  # the output folder existed
    assert len(logs) == 1 and "Traceback" in logs[0].read_text()


# ---- schema ------------------------------------------------------------------------------
def test_schema_prints_the_framework_json_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(mi.framework_json_schema()))
    assert printed["$schema"].startswith("https://json-schema.org/")
    assert main(["schema", "--out", str(tmp_path / "a.json")]) == EXIT_OK
    assert main(["schema", "--out", str(tmp_path / "b.json")]) == EXIT_OK
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert json.loads((tmp_path / "a.json").read_text()) == printed
    # a schema it wrote is replaced; a project file named by mistake is not
    assert main(["schema", "--project-file", "--out", str(tmp_path / "a.json")]) == EXIT_OK
    project = tmp_path / "mint-index.yaml"
    project.write_text("sources:\n  - path: data/*.csv\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["schema", "--project-file", "--out", str(project)]) == 1
    assert "holds no JSON Schema" in capsys.readouterr().err
    assert project.read_text(encoding="utf-8") == "sources:\n  - path: data/*.csv\n"
    # a pipe or a link to a device is refused unread (reading it hung, or read /dev/zero
    # until memory ran out)
    pipe, zero = tmp_path / "fifo.json", tmp_path / "zero.json"
    os.mkfifo(pipe)
    zero.symlink_to("/dev/zero")
    for target in (pipe, zero):
        assert main(["schema", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert "not a regular file" in err and "symbolic link" in err


def test_schema_accepts_the_packaged_framework_files() -> None:
    from mint_index.resources import catalog_path

    schema = mi.framework_json_schema()
    sections = set(schema["properties"])
    for file in sorted(catalog_path("indicators").glob("*.yaml")):
        assert set(yaml.safe_load(file.read_text(encoding="utf-8"))) <= sections, file


# ---- init --------------------------------------------------------------------------------
def test_init_creates_a_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "monitoring"
    assert main(["init", str(project), "--format", "json"]) == EXIT_OK
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["ok"] and outcome["command"] == "init"
    assert mi.load_framework(project / "framework").sha256 == mi.default_framework().sha256
    workflow = project / ".github" / "workflows" / "mint-index.yml"
    assert workflow.read_bytes() == (REPO / "examples" / "ci" / "mint-index.yml").read_bytes()
    assert (project / "mint-index.yaml").is_file() and (project / "units.csv").is_file()
    assert mi.load_project(project).sources[0].path == "data/example.csv"
    for path in outcome["outputs"]:
        assert Path(path).resolve().is_relative_to(project.resolve())
    prov = json.loads((project / "provenance.json").read_text())
    assert prov["version"] == mi.__version__
    assert prov["framework"]["sha256"] == mi.default_framework().sha256
    listed = {o["path"] for o in prov["outputs"]}
    assert "framework/framework.yaml" in listed and ".github/workflows/mint-index.yml" in listed


def test_init_refuses_a_folder_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == EXIT_USAGE
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_ci_workflow_runs_the_required_steps() -> None:
    text = (REPO / "examples" / "ci" / "mint-index.yml").read_text()
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["monitor"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    # installed as the README says (pip install . in a copy of the repository), with ONE
    # marked line to adapt: where that repository is
    adapt = [line for line in text.splitlines() if "# ADAPT" in line]
    assert len(adapt) == 1 and "repository:" in adapt[0]
    fetch = next(s for s in steps if s.get("with", {}).get("path") == ".mint-index")
    assert fetch["uses"].startswith("actions/checkout")
    assert 'pip install "./.mint-index[excel,parquet]"' in runs
    assert "mint-index validate" in runs and "--strict" in runs
    assert "mint-index score" in runs and "mint-index report" in runs
    assert runs.count('--summary "$GITHUB_STEP_SUMMARY"') == 3
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload and upload[0]["with"]["path"] == "out/" and upload[0]["if"] == "always()"


# ---- error codes and safe printing ---------------------------------------------------------
def test_errors_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    from mint_index.errors import error_classes
    from mint_index.reasons import REASON_CODES, SET_BY_PRODUCER

    assert main(["errors", "--format", "json"]) == EXIT_OK
    listed = json.loads(capsys.readouterr().out)
    codes = {e["code"]: e["exit_code"] for e in listed["errors"]}
    assert {cls.code for cls in error_classes()} <= set(codes)
    assert len({cls.code for cls in error_classes()}) == len(error_classes())  # all distinct
    assert codes["usage"] == 2 and codes["invalid_data"] == 1 and codes["internal_error"] == 3
    assert [r["code"] for r in listed["reasons"]] == [*REASON_CODES, *SET_BY_PRODUCER]
    # the measures register's own codes, which its loader sets (mi.load_measures)
    register = {r["code"] for r in listed["measures_reasons"]}
    assert {"unknown_measure", "end_before_since", "duplicate_measure"} <= register
    assert main(["errors"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "output_locked" in text and "end_before_since" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--format", "json"],
        ["validate", "x.csv", "--nope", "--format=json"],
        ["--format", "json"],
    ],
)
def test_usage_errors_in_json_are_one_object(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_USAGE
    captured = capsys.readouterr()
    outcome = json.loads(captured.out)
    assert outcome["ok"] is False and outcome["code"] == "usage" and outcome["exit_code"] == 2
    assert outcome["problems"][0]["code"] == "usage" and "error" in outcome["problems"][0]["reason"]
    assert captured.err == ""


def test_warnings_are_kept_next_to_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.csv"
    # a negative count (error) and a variable the framework does not use (warning)
    data.write_text("unit,year,variable,value\n01001000,2022,pop,-5\n01001000,2022,extra,1\n")
    fw = Path(__file__).parent / "fixtures" / "framework_small"
    assert main(["validate", str(data), "--framework", str(fw), "--format", "json"]) == 1
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["code"] == "invalid_data"
    severities = {(p["severity"], p["code"]) for p in outcome["problems"]}
    assert ("error", "negative_count") in severities
    assert ("warning", "unused_variable") in severities


def test_terminal_never_receives_control_characters() -> None:
    from mint_index.cli.output import Outcome, problem, render_json, render_text

    outcome = Outcome(
        "validate", ok=False, problems=[problem("bad", source="a\x1b[2Jb.csv", value="x\x00\x9b")]
    )
    text = render_text(outcome)
    assert "\x1b" not in text and "\x00" not in text and "\x9b" not in text
    assert "a\\x1b[2Jb.csv" in text
    assert json.loads(render_json(outcome))["problems"][0]["value"] == "x\x00\x9b"
    assert "\x9b" not in render_json(outcome)


def test_huge_problem_texts_are_shortened_on_screen() -> None:
    from mint_index.cli.output import (
        SHOWN_CHARS,
        SHOWN_REASON_CHARS,
        Outcome,
        problem,
        render_json,
        render_text,
    )

    outcome = Outcome("validate", ok=False, problems=[problem("x" * 10_000, source="[" * 10_000)])
    width = SHOWN_CHARS + SHOWN_REASON_CHARS + 10
    assert max(len(line) for line in render_text(outcome).splitlines()) < width
    assert json.loads(render_json(outcome))["problems"][0]["source"] == "[" * 10_000
    # a hostile value is shortened where it is quoted; the reason's own words stay whole
    reason = "unit key stored as a number, so a leading zero may be lost; " * 6
    hostile = Outcome("validate", ok=False, problems=[problem(reason, value="v" * 5_000)])
    line = render_text(hostile).splitlines()[-1]
    assert reason.strip() in line and len(line) < len(reason) + 300


# ---- the flags reference in docs/cli.md stays in step with the parser ---------------------
def _parser_flags() -> dict[str, set[str]]:
    """Every long option of every command (the top-level ones under ``""``)."""
    import argparse

    from mint_index.cli.app import build_parser

    parser = build_parser()
    flags = {"": {o for a in parser._actions for o in a.option_strings if o.startswith("--")}}
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        flags[name] = {o for a in sub._actions for o in a.option_strings if o.startswith("--")}
    return flags


def test_every_flag_is_documented_in_the_cli_reference() -> None:
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    undocumented = sorted(
        f"{command or 'mint-index'} {flag}"
        for command, flags in _parser_flags().items()
        for flag in flags - {"--help"}
        if flag not in reference
    )
    assert undocumented == []
    for command in _parser_flags().keys() - {""}:
        assert f"### {command}\n" in reference, f"docs/cli.md has no section for {command}"


def test_the_docs_name_no_flag_the_parser_lacks() -> None:
    import re

    known = set().union(*_parser_flags().values())
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    stale = sorted(
        f"{page.name}: {flag}"
        for page in pages
        if page.name != "performance.md"  # documents benchmarks/run.py, not mint-index
        for flag in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", page.read_text("utf-8")))
        if flag not in known
    )
    assert stale == []
