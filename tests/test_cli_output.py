"""Output of the CLI: canonical JSON and rendering (provenance: tests/test_provenance.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from mint_index.cli.output import Outcome, Progress, Table, problem, render_markdown, render_text
from mint_index.files import atomic_write, canonical_json


# ---- canonical JSON ---------------------------------------------------------------------
def test_dumps_json_is_canonical() -> None:
    text = canonical_json({"b": [1.23456789, float("nan"), -0.0000001], "a": "ä"})
    assert json.loads(text) == {"a": "ä", "b": [1.234568, None, 0.0]}
    assert text.index('"a"') < text.index('"b"') and text.endswith("\n")
    assert "-0.0" not in text


# ---- rendering ---------------------------------------------------------------------------
def _failed() -> Outcome:
    return Outcome(
        "validate",
        ok=False,
        headline="invalid data",
        problems=[
            problem("not a number", source="data/a.csv", row=14, column="value", value="abc"),
            problem("unknown unit", source="data/b.csv", row=3, column="unit"),
            problem("no such variable", source="fw.yaml", column="indicators[2].compute"),
        ],
    )


def test_text_lists_problems_as_file_row_column_reason() -> None:
    text = render_text(_failed())
    lines = text.splitlines()
    assert lines[0] == "mint-index validate: FAILED - invalid data"
    width = len("fw.yaml:indicators[2].compute")  # the longest location sets the column
    assert lines[1] == "3 error(s):"
    assert lines[2] == "  " + "data/a.csv:14:value".ljust(width) + "  not a number (value 'abc')"
    assert lines[3] == "  " + "data/b.csv:3:unit".ljust(width) + "  unknown unit"
    assert lines[4] == "  fw.yaml:indicators[2].compute  no such variable"


def test_text_counts_errors_and_warnings_apart() -> None:
    outcome = _failed()
    outcome.problems.append(problem("low coverage", source="x.csv", severity="warning"))
    assert render_text(outcome).splitlines()[1] == "3 error(s) and 1 warning(s):"


def test_markdown_summary_escapes_cells() -> None:
    outcome = _failed()
    outcome.problems.append(problem("a | b <script>", source="x.csv", row=1, column="c"))
    outcome.tables.append(Table("Rank jumps", ["unit", "rank_change"], [["u|1", 4], ["u2", None]]))
    md = render_markdown(outcome)
    assert md.startswith("## mint-index validate: failed\n")
    assert "| `x.csv:1:c` | a \\| b &lt;script&gt; |" in md
    assert "| u\\|1 | 4 |" in md and "| u2 |  |" in md
    assert "### Problems (4)" in md
    # a code span is shown literally: no HTML entities there
    outcome.problems.append(problem("odd", source="<data>", column="v|w"))
    assert "| `<data>:v\\|w` | odd |" in render_markdown(outcome)


def test_progress_is_silent_without_a_terminal(tmp_path: Path) -> None:
    with (tmp_path / "log").open("w") as stream:
        bar = Progress(3, stream=stream)
        bar.step("scoring")
        bar.close()
    assert (tmp_path / "log").read_text() == ""


def test_progress_draws_on_a_terminal() -> None:
    class Terminal:
        text = ""

        def isatty(self) -> bool:
            return True

        def write(self, s: str) -> None:
            self.text += s

        def flush(self) -> None:
            pass

    term = Terminal()
    bar = Progress(2, stream=term, width=4)  # type: ignore[arg-type]
    bar.step("load")
    bar.step("score")
    assert "[----] 1/2 load" in term.text and "[##--] 2/2 score" in term.text


def test_no_temp_files_after_many_writes(tmp_path: Path) -> None:
    for i in range(5):
        atomic_write(tmp_path / "f.json", canonical_json({"i": i}))
    assert os.listdir(tmp_path) == ["f.json"]


def test_a_flood_of_one_problem_does_not_hide_another() -> None:
    """Sixty rows with the same error and one other error after them: the screen and the
    job summary show both (the sixty as one line); JSON keeps every record."""
    same = [
        problem("duplicate unit and year", source="d.csv", row=r, column="unit", value="05315")
        for r in range(2, 62)
    ]
    other = problem("not a number", source="d.csv", row=80, column="Anzahl", value="x")
    outcome = Outcome("validate", ok=False, problems=[*same, other])
    text = render_text(outcome)
    assert "61 error(s):" in text
    assert "d.csv:2-61:unit" in text and "(60 times; values '05315')" in text
    assert "d.csv:80:Anzahl" in text and "more" not in text
    markdown = render_markdown(outcome)
    assert "`d.csv:2-61:unit`" in markdown and "`d.csv:80:Anzahl`" in markdown
    assert len(json.loads(canonical_json(outcome.to_dict()))["problems"]) == 61
