"""The argument parser and the exit-code contract of ``mint-index``.

This module imports nothing heavy: ``mint-index --help`` must answer at once. The
commands (and through them pandas and the library) are imported only when one runs.

Exit codes: 0 success; 1 invalid data, framework, rules or spec (any
:class:`~mint_index.MintIndexError`, or warnings under ``--strict``), a file that cannot be
read or written, a refused ``--out``; 2 wrong use of the command line (one JSON object
under ``--format json``); 3 an unexpected internal error, whose traceback goes to a log
file.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from mint_index.cli.errors import UsageError
from mint_index.comparison import DEFAULT_RANK_JUMP
from mint_index.errors import MintIndexError
from mint_index.rules.languages import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_DATA_HELP = "data files or folders (none: the project file's sources)"

_EPILOG = """\
exit codes: 0 success; 1 invalid data, framework or rules (or warnings with --strict),
unreadable or unwritable files, a refused --out; 2 wrong use of the command line;
3 internal error (see the log file it names). Codes: mint-index errors
Documentation: mint-index docs (the guides are installed with the package; mint-index docs cli)"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _id_list(text: str) -> list[str]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("give one or more unit ids separated by commas")
    return ids


#: What every ``--lang`` falls back to.
_LANGUAGE_DEFAULT = f"(default: the project's, else {DEFAULT_LANGUAGE})"
#: ``mi.effects``' defaults of ``level`` and ``seed``, repeated because importing it loads
#: pandas, which ``--help`` must not; tests/test_cli.py checks that they agree.
_EFFECTS_LEVEL, _EFFECTS_SEED = 0.9, 0
#: ``--format`` values that choose the output; every other is a data file's format.
OUTPUT_FORMATS = ("text", "json")
#: Data file formats (``SourceSpec.format``), kept here so ``--help`` imports nothing heavy.
SOURCE_FORMATS = (
    "auto",
    "csv",
    "genesis",
    "genesis-flat",
    "opensdg",
    "excel",
    "parquet",
    "template",
)


class _FormatAction(argparse.Action):
    """``--format`` names the output (text, json) or, for data files, their format.

    Both meanings share the flag the documentation promises; the value says which one is
    meant, so ``--format genesis --format json`` sets both.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values in OUTPUT_FORMATS:
            namespace.format = values
        elif values in SOURCE_FORMATS and hasattr(namespace, "source_format"):
            namespace.source_format = values
        else:
            valid = OUTPUT_FORMATS + (SOURCE_FORMATS if hasattr(namespace, "source_format") else ())
            parser.error(
                f"argument --format: invalid choice {values!r} (choose from {', '.join(valid)})"
            )


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        action=_FormatAction,
        default="text",
        metavar="FORMAT",
        help="text for people (default) or json for programs, on stdout; for commands that "
        "read data files also their format: " + ", ".join(SOURCE_FORMATS),
    )
    parser.add_argument(
        "--summary",
        metavar="FILE",
        help="also write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)",
    )


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--framework",
        metavar="PATH",
        help="framework YAML file or folder (default: the packaged MINT framework)",
    )
    parser.add_argument(
        "--units",
        metavar="FILE",
        help="units table (unit id, name, peer group, population, ...); a data folder that "
        "holds it too does not read it as data",
    )
    _add_units_key_option(parser)
    parser.add_argument(
        "--strict", action="store_true", help="treat data warnings as failures (exit code 1)"
    )


def _add_units_key_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--units-key",
        metavar="PAIRS",
        help="how the units table's keys are read, as --key says it for data: pad=auto "
        "(keys a workbook kept as numbers lost their leading zero: 9162000 -> 09162000), "
        "pad=8, prefix=03, scheme=ags|ars|own",
    )


def _add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="FILE",
        help="project file (default: ./mint-index.yaml when no data files are given)",
    )


def _add_source_options(parser: argparse.ArgumentParser, year: bool = True) -> None:
    """How to read data files named on the command line (a project file says it per source).

    ``year=False`` where the command's own ``--year`` (the report year) also serves as the
    year of files that have none."""
    parser.set_defaults(source_format=None, year_is_report_year=not year)
    group = parser.add_argument_group("reading data files given on the command line")
    if year:
        group.add_argument("--year", type=int, metavar="YEAR", help="year of files that have none")
    group.add_argument(
        "--mapping",
        metavar="FILE",
        help="YAML file: source label -> framework variable (as `mint-index inspect` shows)",
    )
    group.add_argument("--unit-column", metavar="NAME", help="key column of a wide table (AGS)")
    group.add_argument(
        "--unit",
        metavar="KEY",
        help="unit key of files about one place, without a key column (a town's own table, "
        "a GENESIS table of one town)",
    )
    group.add_argument(
        "--school-year",
        choices=("start", "end"),
        help="read school or academic years (2023/24, WS 2005/06) as the calendar year they "
        "start or end in",
    )
    group.add_argument("--name-column", metavar="NAME", help="name column of a wide table")
    group.add_argument(
        "--year-column",
        metavar="NAME",
        help="year column where no usual name (Jahr, Stichtag, ...) says it",
    )
    group.add_argument(
        "--separator",
        metavar="CHAR",
        help="field separator of a CSV file where sniffing it fails (';', ',', 'tab')",
    )
    group.add_argument(
        "--decimal",
        choices=(",", "."),
        help="decimal mark of a CSV file's figures where sniffing it fails",
    )
    group.add_argument(
        "--encoding",
        metavar="NAME",
        help="text encoding of a CSV file where detecting it fails (utf-8, cp1252, ...)",
    )
    group.add_argument(
        "--other-units",
        choices=("auto", "error", "leave_out"),
        help="rows of units the units table does not list: leave_out (with a warning) or "
        "error; auto (default): left out of official exports (GENESIS, flat files, Open "
        "SDG), errors in any other file",
    )
    group.add_argument(
        "--key",
        metavar="SPEC",
        help="how unit keys are read, name=value pairs separated by commas: prefix=03 (the "
        "Land's key a Landesamt's keys leave out: 101 is 03101), pad=8 or pad=auto (official "
        "keys a spreadsheet turned into numbers get their leading zero back: 1001 is "
        "01001), scheme=ags|ars|own, "
        "match=name (units named; the units table gives their keys)",
    )
    group.add_argument(
        "--filter",
        metavar="COLUMN=VALUE",
        action="append",
        help="keep the rows whose COLUMN holds VALUE (time=2022-12-31: one reference date of "
        "a flat file of quarters; Regionstyp=Kreise); repeat the flag for other columns, or "
        "for several values of one",
    )
    group.add_argument(
        "--pivot",
        metavar="COLUMN",
        action="append",
        help="a column of a long file whose values are part of each variable (Geschlecht); "
        "repeat the flag for several",
    )
    group.add_argument(
        "--layout",
        choices=("long", "wide", "transposed"),
        help="a plain table's layout where its columns do not say it: long (unit, year, "
        "variable, value), wide (a column per variable) or transposed (a column per unit, a "
        "row per variable)",
    )
    group.add_argument(
        "--expected-warnings",
        metavar="CODES",
        help="reading warnings known to be harmless, separated by commas (total_row, "
        "note_below_table, caption_column, change_column, column_not_read, footnote_mark, "
        "other_units, row_number_column, unknown_mark, no_table_in_sheet, hidden_sheet, "
        "cut_off): left out, so --strict passes on a file as it is sent every year",
    )
    group.add_argument(
        "--sheet",
        metavar="SHEET",
        help="workbook sheet (.xlsx, .xls, .ods; name or 0-based position); several separated "
        "by commas, or '*' for every sheet, each read as a table of its own (a sheet named by "
        "a year gives the year)",
    )


def _add_spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        metavar="FILE",
        help="build spec (JSON or YAML, from BuildSpec.to_json); it carries the "
        "framework, so it replaces --framework",
    )


def _add_rules_option(parser: argparse.ArgumentParser, what: str) -> None:
    """``--rules``: the recommendation rules of ``what`` (the command's one source of rules,
    as ``cli.commands.command_rules`` reads them)."""
    parser.add_argument(
        "--rules",
        metavar="PATH",
        help=f"recommendation rules for {what} (default: the project's, else the packaged "
        "rules); 'none' for no recommendations",
    )


def _add_report_options(parser: argparse.ArgumentParser, reads_inputs: bool = True) -> None:
    """The options of a command that writes a report.

    ``reads_inputs=False`` for ``demo``, which reads neither a project (whose report
    language would be the default) nor data files (which ``--year`` would date)."""
    language_default = _LANGUAGE_DEFAULT if reads_inputs else f"(default: {DEFAULT_LANGUAGE})"
    year_help = "the report year (default: the latest year with scores)"
    if reads_inputs:
        year_help += "; also the year of data files given on the command line that have none"
    parser.add_argument("--lang", choices=LANGUAGES, help=f"report language {language_default}")
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="processes writing the unit profiles (default 1)",
    )
    parser.add_argument(
        "--year",
        type=_positive_int,
        metavar="YEAR",
        help=year_help,
    )


class _ParseError(Exception):
    """A usage error found by argparse, with the usage line of the (sub)command."""

    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message)
        self.usage, self.message = usage, message


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a usage error can be reported in the
    format asked for (one JSON object under ``--format json``). Sub-parsers inherit it."""

    def error(self, message: str) -> NoReturn:
        raise _ParseError(self.format_usage(), f"{self.prog}: error: {message}")


def _add_force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty folder mint-index did not write (or a folder holding "
        "the input): adds the output files, never deletes the others",
    )


def build_parser() -> argparse.ArgumentParser:
    from mint_index import __version__

    parser = _Parser(
        prog="mint-index",
        description="Municipal integration monitoring: check a yearly data drop, score it "
        "with a YAML framework, and publish reports.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mint-index {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command("validate", "check data files against the framework; list every problem")
    p.add_argument("data", nargs="*", metavar="DATA", help=_DATA_HELP)
    p.add_argument(
        "--measures",
        metavar="FILE",
        help="measures register to check too, against the units and the action catalog "
        "(CSV or workbook: unit, measure, since; default with a project: its measures)",
    )
    _add_project_option(p)
    _add_input_options(p)
    _add_source_options(p)
    _add_output_options(p)

    p = command(
        "score", "score a data drop and write the scores (.csv, .parquet, .json, .duckdb, .sqlite)"
    )
    p.add_argument("data", nargs="*", metavar="DATA", help=_DATA_HELP)
    p.add_argument(
        "--out",
        metavar="FILE",
        help="scores file; the suffix picks the format: .csv, .parquet, .json, or a "
        ".duckdb/.sqlite database with the gaps and recommendations too "
        "(default with a project: scores.csv next to the project file)",
    )
    _add_rules_option(p, "the recommendations of a .duckdb/.sqlite database")
    _add_project_option(p)
    _add_spec_option(p)
    _add_input_options(p)
    _add_source_options(p)
    _add_output_options(p)

    p = command("report", "score a data drop and write the HTML reports to a folder")
    p.add_argument("data", nargs="*", metavar="DATA", help=_DATA_HELP)
    p.add_argument(
        "--out", metavar="FOLDER", help="report folder (default with a project: its report.out)"
    )
    _add_project_option(p)
    _add_force_option(p)
    _add_report_options(p)
    p.add_argument(
        "--units-only",
        type=_id_list,
        metavar="ID,...",
        help="write profiles only for these units (all units are still scored)",
    )
    p.add_argument(
        "--audit",
        action="store_true",
        help="add a statistical audit of the report year to the overview",
    )
    p.add_argument(
        "--measures",
        metavar="FILE",
        help="measures register (CSV or workbook: unit, measure, since): measures in place are "
        "not recommended again, and the report gets the section 'Effect of measures'",
    )
    _add_spec_option(p)
    _add_rules_option(p, "the recommendations")
    _add_input_options(p)
    _add_source_options(p, year=False)
    _add_output_options(p)

    p = command(
        "compare",
        "compare two score outputs or two data drops: changes, rank jumps, definition changes",
    )
    p.add_argument(
        "old",
        nargs="?",
        metavar="OLD",
        help="earlier scores file, data file or data folder (with a project and no OLD: "
        "the project's previous year)",
    )
    p.add_argument(
        "new",
        nargs="?",
        metavar="NEW",
        help="later scores file, data file or data folder (default with a project: its data)",
    )
    p.add_argument(
        "--out", metavar="FOLDER", help="comparison folder (default with a project: comparison/)"
    )
    _add_project_option(p)
    _add_force_option(p)
    p.add_argument(
        "--old-framework",
        metavar="PATH",
        help="framework of the OLD data drop (default: --framework)",
    )
    p.add_argument(
        "--rank-jump",
        type=_positive_int,
        default=DEFAULT_RANK_JUMP,
        metavar="N",
        help=f"list rank changes of N places or more (default {DEFAULT_RANK_JUMP})",
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the HTML comparison (data drops only) and of the numbers on screen "
        + _LANGUAGE_DEFAULT,
    )
    _add_input_options(p)
    _add_output_options(p)

    p = command("demo", "run everything on the packaged framework and example data")
    p.add_argument(
        "--out",
        default="mint-index-demo",
        metavar="FOLDER",
        help="output folder (default: ./mint-index-demo)",
    )
    _add_force_option(p)
    _add_report_options(p, reads_inputs=False)
    _add_output_options(p)

    p = command(
        "init",
        "start a monitoring project: project file, framework and rules to adapt, example data, "
        "a CI workflow",
    )
    p.add_argument("folder", metavar="FOLDER", help="new or empty project folder")
    _add_output_options(p)

    p = command(
        "effects",
        "estimate the effects of the measures in place and write them (.csv or .json)",
    )
    p.add_argument("data", nargs="*", metavar="DATA", help=_DATA_HELP)
    p.add_argument(
        "--measures",
        metavar="FILE",
        help="measures register: CSV or workbook, .xlsx .xls .ods (sheet 'measures' or "
        "'Maßnahmen') with unit, measure, since (end, scope optional); default with a "
        "project: its measures",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="effects file: .csv or .json (default with a project: effects.csv next to it)",
    )
    p.add_argument(
        "--level",
        type=float,
        default=_EFFECTS_LEVEL,
        help=f"level of the intervals (default {_EFFECTS_LEVEL})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=_EFFECTS_SEED,
        help=f"seed of the cluster bootstrap: a whole number, 0 or more (default {_EFFECTS_SEED})",
    )
    p.add_argument(
        "--rules",
        metavar="PATH",
        help="action catalog / rules (default: the project's, else the packaged ones)",
    )
    _add_project_option(p)
    _add_spec_option(p)
    _add_input_options(p)
    _add_source_options(p)
    _add_output_options(p)

    p = command("docs", "list the guides installed with the package, or print one")
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="a guide, e.g. reports or cli")

    p = command(
        "inspect",
        "show how a data file (or every file of a folder) will be read, and the entries to "
        "paste into the project file",
    )
    p.add_argument(
        "file", metavar="FILE", help="a data file, or a folder of them (a yearly data drop)"
    )
    p.add_argument(
        "--framework", metavar="PATH", help="framework to propose variables from (default: MINT)"
    )
    _add_project_option(p)
    _add_source_options(p)
    _add_output_options(p)

    p = command(
        "sources",
        "list every variable of the framework with where to get it: a checklist",
    )
    p.add_argument(
        "--framework", metavar="PATH", help="framework YAML file or folder (default: MINT)"
    )
    _add_project_option(p)
    p.add_argument("--lang", choices=LANGUAGES, help=f"language {_LANGUAGE_DEFAULT}")
    _add_output_options(p)

    p = command(
        "template",
        "write an Excel fill-in workbook for the figures a town collects itself",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="workbook to write (.xlsx)")
    p.add_argument(
        "--framework", metavar="PATH", help="framework YAML file or folder (default: MINT)"
    )
    p.add_argument("--units", metavar="FILE", help="units table whose units are prefilled")
    _add_units_key_option(p)
    p.add_argument("--year", type=int, metavar="YEAR", help="year to prefill")
    p.add_argument("--lang", choices=LANGUAGES, help=f"language {_LANGUAGE_DEFAULT}")
    _add_project_option(p)
    _add_output_options(p)

    p = command("schema", "print the JSON Schema of a framework YAML file or the project file")
    p.add_argument("--out", metavar="FILE", help="write it to this file instead of stdout")
    p.add_argument(
        "--project-file",
        action="store_true",
        help="the schema of mint-index.yaml instead of a framework file",
    )

    p = command("errors", "list the stable error and problem codes (for programs reading JSON)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text or json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mint-index`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(given)
    except _ParseError as exc:
        return _usage_failure(given, exc.message, exc.usage)
    except SystemExit as exc:  # --help or --version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        from mint_index.cli.commands import run

        return run(args)
    except UsageError as exc:
        return _usage_failure(given, f"mint-index {args.command}: error: {exc}")
    except MintIndexError as exc:  # raised outside a command's own reporting
        print(_printable(f"mint-index {args.command}: {exc}"), file=sys.stderr)
        return EXIT_DATA
    except OSError as exc:  # e.g. the --summary file cannot be written: the path and why
        where = exc.filename or "?"
        print(
            _printable(f"mint-index {args.command}: {where}: {exc.strerror or exc}"),
            file=sys.stderr,
        )
        return EXIT_DATA
    except MemoryError:  # the machine's limit, not a bug: which inputs, and what to do
        print(
            f"mint-index {args.command}: out of memory: the inputs are too large for this "
            "machine's memory (or its limit, ulimit -v); read fewer or smaller files at "
            "once, or lower the input limit MINT_INDEX_MAX_INPUT_BYTES",
            file=sys.stderr,
        )
        return EXIT_DATA
    except KeyboardInterrupt:
        # once interrupted, stay so: a KeyboardInterrupt raised again while the interpreter
        # shuts down (e.g. joining a report's worker pool) would end the process by SIGINT
        # rather than with the exit code below
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(f"mint-index {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: short message on screen, traceback in a log file
        log = _write_log(args, argv if argv is not None else sys.argv[1:], exc)
        print(
            _printable(
                f"mint-index {args.command}: internal error ({type(exc).__name__}: {exc}).\n"
                f"This is a bug in mint-index; the details are in {log}"
            ),
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _printable(text: str) -> str:
    from mint_index.cli.output import terminal_safe

    return terminal_safe(text)


def _wants_json(argv: Sequence[str]) -> bool:
    following = [*argv[1:], ""]
    return any(
        a == "--format=json" or (a == "--format" and b == "json")
        for a, b in zip(argv, following[: len(argv)], strict=True)
    )


def _usage_failure(argv: Sequence[str], message: str, usage: str = "") -> int:
    """Report a usage error: the usage line and message on stderr, or one JSON object on
    stdout under ``--format json`` (programs parse stdout whatever went wrong)."""
    if _wants_json(argv):
        from mint_index.cli.output import Outcome, problem, render_json

        command = next((a for a in argv if not a.startswith("-")), "")
        outcome = Outcome(
            command,
            ok=False,
            headline="wrong use of the command line",
            problems=[problem(message, code=UsageError.code)],
            code=UsageError.code,
            exit=EXIT_USAGE,
        )
        sys.stdout.write(render_json(outcome))
    else:
        sys.stderr.write(_printable(usage + message + "\n"))
    return EXIT_USAGE


def _write_log(args: argparse.Namespace, argv: Sequence[str], exc: BaseException) -> Path:
    """The traceback, in the output folder if there is one, else in the temp folder."""
    given = [getattr(args, name, None) for name in ("out", "folder")]
    folders = [Path(p) for p in given if p and Path(p).is_dir()]
    folder = folders[0] if folders else Path(tempfile.gettempdir())
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open only to write
        "w", prefix="mint-index-error-", suffix=".log", dir=folder, delete=False, encoding="utf-8"
    )
    with handle:
        handle.write(f"mint-index {' '.join(argv)}\n\n")
        handle.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    return Path(handle.name)
