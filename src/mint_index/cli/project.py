"""Projects on the command line: finding the project file, data files given as flags, and
``mint-index init``.

A command without data files reads ``./mint-index.yaml`` (or ``--project FILE``); data
files named on the command line are read with the per-source flags (``--format``,
``--year``, ``--mapping``, ...), one :class:`~mint_index.data.source.SourceSpec` each.
``init`` writes a project to adapt: copies of the packaged framework and rules, example
data that pass ``validate --strict``, the project file and a CI workflow. Nothing existing
is overwritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.output import Outcome
from mint_index.files import atomic_write
from mint_index.provenance import command_provenance, write_folder_provenance
from mint_index.resources import catalog_path

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.comparison import Comparison
    from mint_index.data.source import SourceSpec
    from mint_index.project import Project

__all__ = [
    "command_line_sources",
    "init_project",
    "measures_register_file",
    "project_comparison",
    "project_of",
    "report_language",
    "workflow_template",
]

#: Flags that describe data files on the command line; a project file says them per source.
_SOURCE_FLAGS = ("source_format", "year", "mapping", "unit_column", "name_column", "sheet")
#: Flags whose value the project file gives.
_PROJECT_FLAGS = ("framework", "units")


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
    clashing = [
        _flag(name)
        for name in (*_SOURCE_FLAGS, *_PROJECT_FLAGS)
        if getattr(args, name, None) is not None
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
        "mapping": mapping,
        "unit_column": getattr(args, "unit_column", None),
        "name_column": getattr(args, "name_column", None),
        "sheet": int(sheet) if sheet is not None and sheet.isdigit() else sheet,
    }
    try:
        return [SourceSpec(path=str(file), **options) for file in files]
    except ValidationError as exc:
        raise UsageError(
            "; ".join(f"{_flag(str(e['loc'][0]))}: {e['msg']}" for e in exc.errors())
        ) from None


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


def workflow_template() -> Path:
    """The CI workflow shipped as package data (``examples/ci/mint-index.yml``)."""
    return catalog_path("ci") / "mint-index.yml"


#: The project file init writes, a str.format template (literal braces doubled) filled by
#: :func:`_project_yaml`.
_PROJECT_YAML = """\
# mint-index project file: what this monitoring is. Paths are relative to this file.
# Check it with `mint-index validate --strict`; editors can use `mint-index schema --project-file`.
framework: framework/        # the indicator framework (adapt it; absent = the packaged one)
units: units.csv             # the municipalities: key, name, population, ...
rules: rules/                # recommendation rules (absent = packaged; `none` = no recommendations)
sources:                     # every data file, each with what it needs to be read
  - path: data/example.csv   # example data: replace with your own files
  # - path: raw/12411-01-01-5.csv   # a GENESIS export of a table the framework knows
  #                                  # (`mint-index sources`): no mapping needed
  # - path: raw/wahl.csv            # any other file: `mint-index inspect raw/wahl.csv`
  #   year: 2024                    # prints the entry to paste here, with its mapping
  #   mapping: {{Wahlberechtigte: electorate_local}}
  # - path: erhebung.xlsx           # figures the town collects: `mint-index template`
  #   format: template
report: {{lang: {lang}, out: {out}}}
"""


def _project_yaml() -> str:
    """The project file ``init`` writes; its report options are the defaults of
    :class:`~mint_index.project.ReportOptions`, written out so that a town sees them."""
    from mint_index.project import ReportOptions

    defaults = ReportOptions()
    return _PROJECT_YAML.format(lang=defaults.lang, out=defaults.out)


_README = """\
# Integration monitoring with mint-index

| path | what |
|---|---|
| `mint-index.yaml` | the project: framework, units, rules, data sources, report options |
| `framework/` | the indicator framework (YAML): adapt indicators, goalposts, weights |
| `rules/` | the recommendation rules (YAML) |
| `data/` | the data files the project file names (`data/example.csv` is example data) |
| `units.csv` | the units (municipalities): key, name, population, ... |
| `.github/workflows/mint-index.yml` | CI: validate, score and report every push |
| `provenance.json` | the mint-index version and framework this project started from |

In this folder:

    mint-index validate --strict     # check the data against the framework
    mint-index report                # scores, recommendations and the report in report/
    mint-index sources               # which table or office each variable comes from
    mint-index template --out erhebung.xlsx   # fill-in workbook for the town's own figures
    mint-index inspect raw/FILE.csv  # how a downloaded file will be read, and its mapping

Before the CI workflow runs, adapt the one line marked ADAPT in
`.github/workflows/mint-index.yml` (where your copy of mint-index comes from).
"""


def _copy_tree(source: Path, target: Path) -> list[Path]:
    written = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        if "__pycache__" in file.parts:
            continue
        written.append(atomic_write(target / file.relative_to(source), file.read_bytes()))
    return written


def _csv(frame: pd.DataFrame) -> str:
    """The example data as the packaged file writes them (csv_text would fix the decimals)."""
    return frame.to_csv(index=False, lineterminator="\n")


def init_project(folder: Path) -> Outcome:
    import mint_index as mi
    from mint_index.examples import starter_data
    from mint_index.project import PROJECT_FILE

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} exists and is not empty; choose a new or empty folder")
    framework = mi.default_framework()
    written = _copy_tree(catalog_path("indicators"), folder / "framework")
    written += _copy_tree(catalog_path("recommendations"), folder / "rules")
    data, units = starter_data(framework)
    written.append(atomic_write(folder / "data" / "example.csv", _csv(data)))
    written.append(atomic_write(folder / "units.csv", _csv(units)))
    written.append(atomic_write(folder / PROJECT_FILE, _project_yaml()))
    written.append(
        atomic_write(
            folder / ".github" / "workflows" / "mint-index.yml", workflow_template().read_bytes()
        )
    )
    written.append(atomic_write(folder / "README.md", _README))
    written.append(
        write_folder_provenance(folder, command_provenance("init", [], framework), written)
    )
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
