"""Projects on the command line: finding the project file, data files given as flags, and
``mint-index init``.

A command without data files reads ``./mint-index.yaml`` (or ``--project FILE``); data
files named on the command line are read with the per-source flags (``--format``,
``--year``, ``--mapping``, ...), one :class:`~mint_index.data.source.SourceSpec` each.
``init`` calls :func:`mint_index.init_project`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.output import Outcome
from mint_index.provenance import command_provenance

if TYPE_CHECKING:
    from mint_index.comparison import Comparison
    from mint_index.data.source import SourceSpec
    from mint_index.project import Project

__all__ = [
    "command_line_sources",
    "init",
    "key_option",
    "measures_register_file",
    "project_comparison",
    "project_of",
    "report_language",
]

#: Flags that describe data files on the command line; a project file says them per source.
_SOURCE_FLAGS = (
    "source_format",
    "year",
    "unit",
    "school_year",
    "mapping",
    "unit_column",
    "name_column",
    "layout",
    "sheet",
    "expected_warnings",
    "key",
    "other_units",
    "filter",
    "pivot",
    "year_column",
    "separator",
    "decimal",
    "encoding",
)
#: Flags whose value the project file gives.
_PROJECT_FLAGS = ("framework", "units", "units_key")


def report_language(args: argparse.Namespace, project: Project | None) -> str:
    """The language of what a command writes: ``--lang``, else the project's
    ``report.lang``, else the default language."""
    from mint_index.rules.languages import DEFAULT_LANGUAGE

    if args.lang:
        return str(args.lang)
    return project.report_options.lang if project is not None else DEFAULT_LANGUAGE


def _flag(name: str) -> str:
    return "--format" if name == "source_format" else "--" + name.replace("_", "-")


def project_of(args: argparse.Namespace, data: list[str]) -> Project | None:
    """The project a command reads: ``--project FILE``, or ``./mint-index.yaml`` when no
    data files are given; None when data files are given."""
    from mint_index.project import PROJECT_FILE, find_project, load_project

    given = getattr(args, "project", None)
    if given is None and data:
        return None
    if given is not None and data:
        raise UsageError("give data files or --project, not both")
    path = Path(given) if given is not None else find_project()
    if path is None:
        raise UsageError(
            f"give data files, --project FILE, or run in a folder with {PROJECT_FILE} "
            "(mint-index init FOLDER writes one)"
        )
    if not path.exists():
        raise UsageError(f"project file not found: {given}")
    # a command whose --year is the report year (``report``) takes it with a project too
    report_year = getattr(args, "year_is_report_year", False)
    clashing = [
        _flag(name)
        for name in (*_SOURCE_FLAGS, *_PROJECT_FLAGS)
        if getattr(args, name, None) is not None and not (name == "year" and report_year)
    ]
    if clashing:
        raise UsageError(
            f"{', '.join(clashing)}: the project file says this (per source); "
            "these flags are for data files named on the command line"
        )
    return load_project(path, strict=getattr(args, "strict", False))


def command_line_sources(files: list[Path], args: argparse.Namespace) -> list[SourceSpec]:
    """One source spec per data file named on the command line, from the per-source flags."""
    from pydantic import ValidationError

    from mint_index.data.source import SourceSpec

    mapping = _mapping_file(args.mapping) if getattr(args, "mapping", None) else {}
    sheet = getattr(args, "sheet", None)
    options: dict[str, Any] = {
        "format": getattr(args, "source_format", None) or "auto",
        "year": getattr(args, "year", None),
        "unit": getattr(args, "unit", None),
        "school_year": getattr(args, "school_year", None),
        "mapping": mapping,
        "unit_column": getattr(args, "unit_column", None),
        "name_column": getattr(args, "name_column", None),
        "layout": getattr(args, "layout", None) or "auto",
        "sheet": _sheet_option(sheet),
        "expected_warnings": _listed(getattr(args, "expected_warnings", None)),
        "key": key_option(getattr(args, "key", None)),
        "other_units": getattr(args, "other_units", None) or "auto",
        "filter": _filter_option(getattr(args, "filter", None)),
        "pivot": getattr(args, "pivot", None) or [],
        "year_column": getattr(args, "year_column", None),
        "separator": _separator_option(getattr(args, "separator", None)),
        "decimal": getattr(args, "decimal", None),
        "encoding": getattr(args, "encoding", None),
    }
    try:
        return [SourceSpec(path=str(file), **options) for file in files]
    except ValidationError as exc:
        raise UsageError(
            "; ".join(f"{_flag(str(e['loc'][0]))}: {e['msg']}" for e in exc.errors())
        ) from None


def key_option(text: str | None) -> dict[str, str]:
    """``--key``: how unit keys are read, as ``name=value`` pairs separated by commas
    (``prefix=03``, ``scheme=own``, ``pad=8``, ``match=name``), the values as text (as a
    project's ``key:`` says them; the key spec checks them)."""
    pairs: dict[str, str] = {}
    for part in _listed(text):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UsageError(
                f"--key: {part!r} is not name=value (e.g. prefix=03, scheme=own, pad=8, match=name)"
            )
        pairs[name.strip()] = value.strip()
    return pairs


def _separator_option(text: str | None) -> str | None:
    """``--separator``: one character; ``tab`` (or ``\\t``) for a tab, which a shell
    passes with difficulty."""
    return "\t" if text in ("tab", "\\t") else text


def _filter_option(given: list[str] | None) -> dict[str, str | list[str]]:
    """``--filter COLUMN=VALUE``, once per column and value: the values of each column, as
    a project's ``filter:`` says them (one value as text, several as a list). A value may
    hold commas (``Braunschweig, Stadt``), so several are given by repeating the flag."""
    values: dict[str, list[str]] = {}
    for part in given or []:
        column, sep, value = part.partition("=")
        if not sep or not column.strip() or not value.strip():
            raise UsageError(
                f"--filter: {part!r} is not COLUMN=VALUE (e.g. time=2022-12-31, Regionstyp=Kreise)"
            )
        values.setdefault(column.strip(), []).append(value.strip())
    return {column: held[0] if len(held) == 1 else held for column, held in values.items()}


def _listed(text: str | None) -> list[str]:
    """A flag's comma-separated values (``total_row,note_below_table``)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _sheet_option(sheet: str | None) -> str | int | list[str | int] | None:
    """``--sheet``: a name or 0-based position, ``*`` for every sheet, or several
    separated by commas (``2022,2023``), as a project's ``sheet:`` says them."""
    if sheet is None or sheet == "*":
        return sheet
    names = [name.strip() for name in sheet.split(",")]
    parts: list[str | int] = [int(name) if name.isdigit() else name for name in names]
    return parts if len(parts) > 1 else parts[0]


def measures_register_file(args: argparse.Namespace, project: Project | None) -> Path | None:
    """The measures register a command reads: ``--measures FILE`` (for the commands that
    have the flag), else the project's ``measures:``, else none."""
    from mint_index.cli.commands import existing

    given = getattr(args, "measures", None)
    if given:
        return existing(given, "measures register")
    return project.measures if project is not None else None


def _mapping_file(path: str) -> dict[str, str]:
    """``--mapping FILE``, read as :func:`mint_index.load_data` reads a mapping file."""
    from mint_index.cli.commands import existing
    from mint_index.data.genesis import load_mapping

    return load_mapping(existing(path, "mapping file"))


def project_comparison(
    args: argparse.Namespace, project: Project
) -> tuple[Comparison, dict[str, Any]]:
    """``compare`` in a project (:meth:`~mint_index.project.Project.compare`): the
    project's data against OLD, or against its own previous year when no OLD is given;
    with the provenance of each side (``old``, ``new``)."""
    from mint_index.cli.commands import compare_side

    results = project.score()
    prov = command_provenance("score", [], project.framework, spec=results.spec)
    old = compare_side(args, args.old, args.old_framework) if args.old else None
    comparison = project.compare(
        None if old is None else old.build, results=results, rank_jump=args.rank_jump
    )
    return comparison, {"old": prov if old is None else old.provenance, "new": prov}


# ---- init ----------------------------------------------------------------------------------
def init(folder: Path) -> Outcome:
    """``mint-index init``: :func:`mint_index.init_project` and what to do next. A folder
    that is not empty is a usage error (choose another)."""
    import mint_index as mi
    from mint_index.errors import OutputError

    try:
        written = mi.init_project(folder)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    framework = mi.default_framework()
    return Outcome(
        "init",
        headline=f"a new monitoring project in {folder.as_posix()}",
        facts={
            "framework": f"{framework.framework.id} ({len(framework.indicators)} indicators)",
            "files": len(written),
            "next": f"cd {folder.as_posix()} && mint-index validate --strict && mint-index report",
        },
        outputs=[p.as_posix() for p in written],
    )
