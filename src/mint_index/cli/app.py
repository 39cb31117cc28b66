"""The argument parser and the exit-code contract of ``mint-index``.

This module imports nothing heavy: ``mint-index --help`` must answer at once. The
commands (and through them pandas and the library) are imported only when one runs.

Exit codes: 0 success; 1 invalid data, framework, rules or spec (any
:class:`~mint_index.MintIndexError`, or warnings under ``--strict``); 2 wrong use of the
command line; 3 an unexpected internal error, whose traceback goes to a log file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from mint_index.cli.errors import UsageError
from mint_index.errors import MintIndexError

__all__ = ["EXIT_DATA", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

_EPILOG = """\
exit codes: 0 success; 1 invalid data, framework or rules (or warnings with --strict);
2 wrong use of the command line; 3 internal error (see the log file it names).
Documentation: docs/cli.md"""


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


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or json for programs, on stdout",
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
        "--units", metavar="FILE", help="units table (unit id, name, peer group, population, ...)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat data warnings as failures (exit code 1)"
    )


def _add_spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec",
        metavar="FILE",
        help="build spec (JSON or YAML, from BuildSpec.to_json); it carries the "
        "framework, so it replaces --framework",
    )


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("de", "en"), default="de", help="report language")
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        metavar="N",
        help="processes writing the unit profiles (default 1)",
    )


def build_parser() -> argparse.ArgumentParser:
    from mint_index import __version__

    parser = argparse.ArgumentParser(
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
    p.add_argument("data", nargs="+", metavar="DATA", help="data files or folders")
    _add_input_options(p)
    _add_output_options(p)

    p = command("score", "score a data drop and write the scores (.csv, .parquet, .json, .duckdb)")
    p.add_argument("data", nargs="+", metavar="DATA", help="data files or folders")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="scores file; the suffix picks the format: .csv, .parquet, .json, or a "
        ".duckdb/.sqlite database with the gaps and recommendations too",
    )
    _add_spec_option(p)
    _add_input_options(p)
    _add_output_options(p)

    p = command("report", "score a data drop and write the HTML reports to a folder")
    p.add_argument("data", nargs="+", metavar="DATA", help="data files or folders")
    p.add_argument("--out", required=True, metavar="FOLDER", help="report folder")
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
    _add_spec_option(p)
    p.add_argument(
        "--rules", metavar="PATH", help="recommendation rules (default: the packaged rules)"
    )
    _add_input_options(p)
    _add_output_options(p)

    p = command(
        "compare",
        "compare two score outputs or two data drops: changes, rank jumps, definition changes",
    )
    p.add_argument("old", metavar="OLD", help="earlier scores file, data file or data folder")
    p.add_argument("new", metavar="NEW", help="later scores file, data file or data folder")
    p.add_argument("--out", required=True, metavar="FOLDER", help="comparison folder")
    p.add_argument(
        "--old-framework",
        metavar="PATH",
        help="framework of the OLD data drop (default: --framework)",
    )
    p.add_argument(
        "--rank-jump",
        type=_positive_int,
        default=3,
        metavar="N",
        help="list rank changes of N places or more (default 3)",
    )
    p.add_argument(
        "--lang",
        choices=("de", "en"),
        default="de",
        help="language of the HTML comparison (data drops only)",
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
    _add_report_options(p)
    _add_output_options(p)

    p = command(
        "init",
        "start a monitoring project: framework and rules to adapt, a data template, a CI workflow",
    )
    p.add_argument("folder", metavar="FOLDER", help="new or empty project folder")
    _add_output_options(p)

    p = command("schema", "print the JSON Schema of a framework YAML file")
    p.add_argument("--out", metavar="FILE", help="write it to this file instead of stdout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mint-index`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error reported by argparse
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        from mint_index.cli.commands import run

        return run(args)
    except UsageError as exc:
        print(f"mint-index {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MintIndexError as exc:  # raised outside a command's own reporting
        print(f"mint-index {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print(f"mint-index {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: short message on screen, traceback in a log file
        log = _write_log(args, argv if argv is not None else sys.argv[1:], exc)
        print(
            f"mint-index {args.command}: internal error ({type(exc).__name__}: {exc}).\n"
            f"This is a bug in mint-index; the details are in {log}",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


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
