"""init_project: a new monitoring project from Python, as `mint-index init` writes it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import mint_index as mi
from mint_index.cli.app import EXIT_USAGE, main
from mint_index.errors import OutputError

REPO = Path(__file__).parents[1]


def test_a_new_project_loads_and_scores(tmp_path: Path) -> None:
    folder = tmp_path / "town"
    written = mi.init_project(folder)
    assert written[-1] == folder / "provenance.json"
    assert (folder / "mint-index.yaml") in written and (folder / "units.csv") in written
    workflow = folder / ".github" / "workflows" / "mint-index.yml"
    assert workflow.read_bytes() == (REPO / "examples" / "ci" / "mint-index.yml").read_bytes()
    # the framework and rules are copies of the packaged ones, file by file
    for packaged, copy in (("indicators", "framework"), ("recommendations", "rules")):
        for file in sorted((REPO / packaged).glob("*.yaml")):
            assert (folder / copy / file.name).read_bytes() == file.read_bytes()
    listed = json.loads(written[-1].read_text(encoding="utf-8"))
    assert listed["command"] == "init"
    assert {o["path"]: o["sha256"] for o in listed["outputs"]} == {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in written[:-1]
    }
    project = mi.load_project(folder / "mint-index.yaml")
    assert len(project.score().unit_ids) == len(project.data.unit_ids) > 0


def test_a_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("theirs")
    with pytest.raises(OutputError, match="not empty"):
        mi.init_project(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("x")
    with pytest.raises(OutputError):
        mi.init_project(file)


def test_the_command_line_keeps_its_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("theirs")
    assert main(["init", str(tmp_path)]) == EXIT_USAGE
    assert "not empty" in capsys.readouterr().err
