"""What a command tells its user: one :class:`Outcome`, rendered as text, JSON or Markdown.

Commands compute an Outcome (plain data); this module only renders it, so the screen,
``--format json`` and the ``--summary`` file always say the same thing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from mint_index.errors import alike, problem_parts
from mint_index.files import canonical_json
from mint_index.rules.text import CONTROL_IN_TEXT, escaped_controls

__all__ = [
    "Outcome",
    "Progress",
    "Table",
    "problem",
    "render_json",
    "render_markdown",
    "render_text",
    "terminal_safe",
]

#: Problems shown on screen and in the Markdown summary; JSON always has all of them.
SHOWN_PROBLEMS = 50
#: Rows of each summary table shown on screen and in Markdown.
SHOWN_ROWS = 20


def terminal_safe(text: str) -> str:
    """``text`` with every control character but newline and tab shown as an escape
    (``\\x1b``), so data cannot move the cursor, recolour or blank a terminal."""
    return escaped_controls(text)


def problem(
    reason: str,
    source: str = "",
    row: Any = None,
    column: str = "",
    value: Any = None,
    severity: str = "error",
    code: str | None = None,
) -> dict[str, Any]:
    """One problem record, the same shape for data, framework, rules and spec problems.

    ``code`` is the stable reason code (:mod:`mint_index.reasons`), derived from the
    message when not given.
    """
    if code is None:
        from mint_index.reasons import reason_code

        code = reason_code(reason)
    return {
        "severity": severity,
        "source": source,
        "row": row,
        "column": column,
        "value": value,
        "reason": reason,
        "code": code,
    }


@dataclass
class Table:
    """A small table for the summary (rank jumps, definition changes): shown in full in
    JSON, cut to :data:`SHOWN_ROWS` rows on screen and in Markdown. ``rows`` hold the
    values (JSON); ``shown``, when given, the same rows as text written the language's way
    (screen and Markdown)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    shown: list[list[str]] | None = None

    @property
    def display(self) -> list[list[Any]]:
        return self.rows if self.shown is None else self.shown


@dataclass
class Outcome:
    """The result of one command: verdict, key facts, problems, files written, provenance."""

    command: str
    ok: bool = True
    headline: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    provenance: dict[str, Any] | None = None
    #: the error's stable code when the command failed (``invalid_data``, ``usage``, ...)
    code: str | None = None
    #: the exit code when it is not simply 0 (ok) or 1 (failed)
    exit: int | None = None
    #: A block shown verbatim after the tables (e.g. YAML to paste into a project file).
    snippet: str = ""

    @property
    def exit_code(self) -> int:
        if self.exit is not None:
            return self.exit
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "command": self.command,
            "ok": self.ok,
            "headline": self.headline,
            "facts": self.facts,
            "problems": self.problems,
            "outputs": self.outputs,
            "exit_code": self.exit_code,
        }
        if self.code is not None:
            out["code"] = self.code
        if self.tables:
            out["tables"] = [
                {"title": t.title, "columns": t.columns, "rows": t.rows} for t in self.tables
            ]
        if self.provenance is not None:
            out["provenance"] = self.provenance
        if self.snippet:
            out["snippet"] = self.snippet
        return out


#: Longest location shown on screen and in Markdown (JSON has it whole): a hostile file
#: can make a "column name" megabytes long.
SHOWN_CHARS = 300
#: Longest reason shown so: mint-index's own words with their fix (some 400 characters)
#: are never cut; a value quoted in one is shortened where it is quoted
#: (:func:`~mint_index.errors.problem_parts`).
SHOWN_REASON_CHARS = 1200


def _shorten(text: str, most: int = SHOWN_CHARS) -> str:
    """At most ``most`` characters, keeping both ends (a path's file name is at its end)."""
    if len(text) <= most:
        return text
    half = (most - 3) // 2
    return text[:half] + "..." + text[-half:]


def _problem_line(rec: dict[str, Any]) -> tuple[str, str]:
    where, reason = problem_parts(rec)
    if rec.get("severity") == "warning":
        reason = f"warning: {reason}"
    return _shorten(where), _shorten(reason, SHOWN_REASON_CHARS)


def _shown_problems(problems: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], int]:
    """The lines of the problems shown on screen and in Markdown (those alike as one:
    :func:`~mint_index.errors.alike`), at most :data:`SHOWN_PROBLEMS`, and how many
    problems they leave out."""
    shown = alike(problems)[:SHOWN_PROBLEMS]
    covered = sum(int(rec.get("count") or 1) for rec in shown)
    return [_problem_line(rec) for rec in shown], len(problems) - covered


def _format_fact(value: Any) -> str:
    """A fact as text: a list joined (``none`` when empty; JSON keeps the list, so its type
    never changes with the data)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def render_text(outcome: Outcome) -> str:
    verdict = "OK" if outcome.ok else "FAILED"
    lines = [
        f"mint-index {outcome.command}: {verdict}"
        + (f" - {outcome.headline}" if outcome.headline else "")
    ]
    if outcome.facts:
        width = max(len(k) for k in outcome.facts)
        lines += [f"  {k:<{width}}  {_format_fact(v)}" for k, v in outcome.facts.items()]
    if outcome.problems:
        shown, hidden = _shown_problems(outcome.problems)
        width = min(max(len(where) for where, _ in shown), 60)
        warnings = sum(rec.get("severity") == "warning" for rec in outcome.problems)
        errors = len(outcome.problems) - warnings
        counts = [f"{n} {word}(s)" for n, word in ((errors, "error"), (warnings, "warning")) if n]
        lines.append(" and ".join(counts) + ":")
        lines += [f"  {where:<{width}}  {reason}" for where, reason in shown]
        if hidden:
            lines.append(f"  ... and {hidden} more (--format json lists all)")
    for table in outcome.tables:
        lines += _text_table(table)
    if outcome.snippet:
        lines += ["", outcome.snippet.rstrip("\n"), ""]
    if outcome.outputs:
        lines.append("wrote:")
        lines += [f"  {path}" for path in outcome.outputs]
    return terminal_safe("\n".join(lines) + "\n")


def _cell(value: Any) -> str:
    return "" if value is None else _format_fact(value)


def _text_table(table: Table) -> list[str]:
    lines = [f"{table.title} ({len(table.rows)}):"]
    if not table.rows:
        return lines
    cells = [table.columns] + [[_cell(c) for c in row] for row in table.display[:SHOWN_ROWS]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    if len(table.rows) > SHOWN_ROWS:
        lines.append(f"  ... and {len(table.rows) - SHOWN_ROWS} more")
    return lines


def render_json(outcome: Outcome) -> str:
    # JSON escapes C0 controls itself; DEL and C1 controls are escaped here, so a program
    # echoing a field to a terminal is as safe as the text output
    text = canonical_json(outcome.to_dict())
    return CONTROL_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return (
        terminal_safe(str(text))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


def _md_code(text: Any) -> str:
    """Text safe inside a code span in a Markdown table cell: Markdown shows a code span
    literally, so HTML entities there would be shown as ``&lt;`` - only the table's own
    characters are escaped."""
    return str(text).replace("`", "'").replace("|", "\\|").replace("\n", " ")


def render_markdown(outcome: Outcome) -> str:
    """A summary for a CI job page (GitHub's ``$GITHUB_STEP_SUMMARY``)."""
    verdict = "passed" if outcome.ok else "failed"
    lines = [f"## mint-index {outcome.command}: {verdict}", ""]
    if outcome.headline:
        lines += [_md(outcome.headline), ""]
    if outcome.facts:
        lines += ["| | |", "|---|---|"]
        lines += [f"| {_md(k)} | {_md(_format_fact(v))} |" for k, v in outcome.facts.items()]
        lines.append("")
    if outcome.problems:
        lines += [f"### Problems ({len(outcome.problems)})", "", "| where | problem |", "|---|---|"]
        shown, hidden = _shown_problems(outcome.problems)
        lines += [f"| `{_md_code(where)}` | {_md(reason)} |" for where, reason in shown]
        if hidden:
            lines.append(f"| ... | {hidden} more (run with --format json for all) |")
        lines.append("")
    for table in outcome.tables:
        lines += [f"### {_md(table.title)} ({len(table.rows)})", ""]
        if table.rows:
            lines += [_markdown_table(table.columns, table.display[:SHOWN_ROWS]), ""]
    if outcome.snippet:
        lines += ["```yaml", outcome.snippet.rstrip("\n"), "```", ""]
    if outcome.outputs:
        lines += ["### Outputs", ""] + [f"- `{_md_code(path)}`" for path in outcome.outputs] + [""]
    if outcome.provenance is not None:
        shown = _without_specs(outcome.provenance)
        lines += [
            "<details><summary>Provenance</summary>",
            "",
            "```json",
            canonical_json(shown).rstrip("\n"),
            "```",
            "",
            "</details>",
            "",
        ]
    return "\n".join(lines)


def _without_specs(value: Any) -> Any:
    """Provenance without the (long) build specs: the summary shows hashes and inputs."""
    if isinstance(value, dict):
        return {k: _without_specs(v) for k, v in value.items() if k != "spec"}
    return value


def _markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(_cell(c)) for c in row) + " |" for row in rows]
    return "\n".join(out)


class Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total, self.width, self.done = max(total, 1), width, 0

    def step(self, label: str) -> None:
        """Announce the next piece of work (the bar shows what is running now)."""
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.done + 1}/{self.total} {label:<30.30}")
        self.stream.flush()
        self.done += 1

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Clear the bar, so what follows starts on a clean line."""
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()
