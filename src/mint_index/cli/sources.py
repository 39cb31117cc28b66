"""Where the data come from: ``mint-index inspect``, ``sources`` and ``template``.

``inspect`` shows how one file (or every file of a folder) will be read and prints the
``sources:`` entries (with their mappings) to paste into the project file; ``sources``
lists every variable of the framework with the table to download or the office that holds
it, as a checklist; ``template`` writes the fill-in workbook for the figures a town
collects itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.output import Outcome, Table, problem
from mint_index.cli.project import report_language

if TYPE_CHECKING:
    from mint_index.data.source import SourceDescription, SourceSpec, UnitsSpec
    from mint_index.framework.framework import Framework
    from mint_index.project import Project

__all__ = ["inspect", "mapping_snippet", "source_entry", "sources", "template"]


def _project(args: argparse.Namespace) -> Project | None:
    """``--project FILE``, else ``./mint-index.yaml`` if there is one (else None)."""
    from mint_index.project import find_project, load_project

    if args.project is not None:
        if not Path(args.project).exists():
            raise UsageError(f"project file not found: {args.project}")
        return load_project(args.project)
    found = find_project() if getattr(args, "framework", None) is None else None
    return load_project(found) if found is not None else None


def _framework(args: argparse.Namespace, project: Project | None) -> Framework:
    from mint_index.cli.commands import read_framework

    if project is not None and args.framework is not None:
        raise UsageError("give --framework or --project, not both")
    return project.framework if project is not None else read_framework(args.framework)


# ---- inspect -------------------------------------------------------------------------------
#: What the pasted block is for.
_PASTE = "# paste into mint-index.yaml (paths are relative to it):\n"


#: The reading options the command line gives that :func:`source_entry` pastes (the key
#: spec apart), in the order a project file lists them.
_PASTED_OPTIONS = (
    "year",
    "unit",
    "school_year",
    "unit_column",
    "name_column",
    "year_column",
    "layout",
    "sheet",
    "separator",
    "decimal",
    "encoding",
    "expected_warnings",
    "other_units",
    "filter",
    "pivot",
)


def source_entry(spec: SourceSpec, description: SourceDescription) -> dict[str, Any]:
    """The ``sources:`` entry of a file for the project file, with the proposed mapping:
    pasted unchanged, it loads the file (with ``sheet: "*"``, naming only the sheets that
    read where another fails)."""
    entry: dict[str, Any] = {"path": spec.path, "format": description.format}
    for option in _PASTED_OPTIONS:
        value = getattr(spec, option)
        if option == "sheet" and description.sheets_read is not None:
            value = description.sheets_read
        if value not in (None, "auto", [], {}):
            entry[option] = value
    # as the command line gave it, else as the keys show they must be read
    key = spec.key.model_dump(exclude_defaults=True) or dict(description.proposed_key)
    if key:
        entry["key"] = key
    entry["mapping"] = dict(description.proposed_mapping)
    return entry


def mapping_snippet(entries: list[dict[str, Any]]) -> str:
    """Source entries (:func:`source_entry`) as the ``sources:`` block of a project file."""
    import yaml

    return yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False, width=1000)


def inspect(args: argparse.Namespace) -> Outcome:
    """How a file will be read, or every file of a folder (a town's data drop), with the
    entries to paste into the project file."""
    from mint_index.cli.project import command_line_sources
    from mint_index.data.load import describe_source

    path = Path(args.file)
    if not path.exists():
        raise UsageError(f"data file or folder not found: {args.file}")
    project = _project(args)
    framework = _framework(args, project)
    if path.is_dir():
        return _inspect_folder(path, args, framework)
    spec = command_line_sources([path], args)[0]
    description = describe_source(spec, framework)
    return Outcome(
        "inspect",
        headline=f"how {args.file} will be read",
        facts=_facts(description, framework),
        problems=_warnings(description),
        tables=[_variables(description, "Variables (full source label)")],
        snippet=_PASTE + mapping_snippet([source_entry(spec, description)]),
    )


def _inspect_folder(folder: Path, args: argparse.Namespace, framework: Framework) -> Outcome:
    """Every data file of ``folder`` (as ``mint-index validate FOLDER`` reads them): a line
    of facts and a table of variables for each, every problem, and one block of entries
    for the files that can be read. A file that cannot be read fails the command (exit 1)
    after the others are described."""
    from mint_index.cli.commands import records
    from mint_index.cli.project import command_line_sources
    from mint_index.data.inputs import expand_data_folders
    from mint_index.data.load import describe_source
    from mint_index.errors import DataValidationError

    (files,) = expand_data_folders([folder])
    facts: dict[str, Any] = {"files": len(files)}
    problems: list[dict[str, Any]] = []
    tables: list[Table] = []
    entries: list[dict[str, Any]] = []
    for spec in command_line_sources([Path(f) for f in files], args):  # per file, a few
        name = Path(spec.path).name
        try:
            description = describe_source(spec, framework)
        except DataValidationError as exc:
            problems += records(exc.failures, "error") + records(exc.warnings, "warning")
            facts[name] = "cannot be read (see the problems)"
            continue
        known = _facts(description, framework)
        facts[name] = (
            f"{known['format']}, {known['layout']}; {description.units} units; years "
            f"{known['years']}; {known['variables']} variables, "
            f"{known['mapped to the framework']} mapped"
        )
        problems += _warnings(description)
        tables.append(_variables(description, f"Variables of {name}"))
        entries.append(source_entry(spec, description))
    failed = any(p["severity"] == "error" for p in problems)
    return Outcome(
        "inspect",
        ok=not failed,
        headline=f"how the {len(files)} files in {args.file} will be read",
        facts=facts,
        problems=problems,
        tables=tables,
        snippet=_PASTE + mapping_snippet(entries) if entries else "",
        code="invalid_data" if failed else None,
    )


def _facts(description: SourceDescription, framework: Framework) -> dict[str, Any]:
    """What ``inspect`` says of one file: format, layout, units, years, variables."""
    facts: dict[str, Any] = {
        "format": description.format,
        "layout": description.layout,
        "encoding": description.encoding or "-",
        # as --separator names it: a bare tab does not show
        "separator": "tab" if description.separator == "\t" else description.separator or "-",
        "decimal": description.decimal or "-",
    }
    if description.table:
        facts["table"] = description.table + (
            f" ({description.title})" if description.title else ""
        )
    elif description.title:  # the title lines above a plain table
        facts["title"] = description.title
    if description.sheets_read is not None:
        facts["sheets read"] = (
            ", ".join(map(str, description.sheets_read))
            + " (another sheet fails, see the warnings: the entry names these)"
        )
    examples = ", ".join(description.unit_examples)
    units = f"{description.units}" + (f" (e.g. {examples})" if examples else "")
    years = description.years
    facts.update(
        {
            "units": units
            + (f", keys: {description.key_scheme}" if description.key_scheme else ""),
            "years": ", ".join(str(y) for y in years) if years else "none: give --year",
            "variables": len(description.variables),
            "mapped to the framework": sum(
                1 for v in description.proposed_mapping.values() if v in framework.variable_map
            ),
        }
    )
    return facts


def _warnings(description: SourceDescription) -> list[dict[str, Any]]:
    """What reading the file found, as warnings with their reason codes."""
    lines = description.warnings
    codes: list[str | None] = [code for code in description.warning_codes[: len(lines)]]
    codes += [None] * (len(lines) - len(codes))  # a description made without codes
    return [
        problem(line, severity="warning", code=code)
        for line, code in zip(lines, codes, strict=True)
    ]


def _variables(description: SourceDescription, title: str) -> Table:
    rows = [[v.label, v.cells, v.missing, v.proposed or ""] for v in description.variables]
    return Table(title, ["label", "cells", "missing", "proposed"], rows)


# ---- sources -------------------------------------------------------------------------------
def sources(args: argparse.Namespace) -> Outcome:
    """Every variable with where to get it, and the official tables to download
    (:func:`mint_index.source_checklist`)."""
    from mint_index.data.checklist import source_checklist

    project = _project(args)
    framework = _framework(args, project)
    checklist = source_checklist(framework, report_language(args, project))
    variables, downloads = checklist.variables, checklist.downloads
    facts: dict[str, Any] = {"framework": framework.framework.id, "variables": len(variables)}
    facts.update(checklist.kinds)
    facts["collect yourself"] = "mint-index template --out erhebung.xlsx (self-reported figures)"
    return Outcome(
        "sources",
        headline=f"where the {len(variables)} variables of {framework.framework.id} come from",
        facts=facts,
        tables=[
            Table(
                "Tables to download",
                ["table", "database", "finest level", "variables", "for a town"],
                downloads.to_numpy().tolist(),
            ),
            Table("Every variable", list(variables.columns), variables.to_numpy().tolist()),
        ],
    )


# ---- template ------------------------------------------------------------------------------
def template(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.commands import check_output_not_input, units_table
    from mint_index.data.load import load_units
    from mint_index.data.template import collected_variables, write_template
    from mint_index.recommendations import load_rules

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out must end in .xlsx, not {out.name!r}")
    project = _project(args)
    framework = _framework(args, project)
    given_units = Path(args.units) if args.units else None
    table: Path | dict[str, Any] | UnitsSpec | None = units_table(given_units, args)
    if table is None and project is not None:
        table = project.units_table
    units_path = given_units or (project.units if project is not None else None)
    if units_path is not None and not units_path.is_file():
        raise UsageError(f"units table not found: {units_path}")
    check_output_not_input(out, args, None, units_path)
    units = load_units(table) if table is not None else None
    year = args.year or (project.report_options.year if project is not None else None)
    rules = project.rules if project is not None else None
    actions = list((rules or load_rules()).actions)
    lang = report_language(args, project)
    written = write_template(framework, out, units=units, year=year, actions=actions, lang=lang)
    variables = collected_variables(framework)
    return Outcome(
        "template",
        headline=f"fill-in workbook in {written.as_posix()}",
        facts={
            "framework": framework.framework.id,
            "variables to collect": len(variables),
            "units prefilled": 0 if units is None else len(units),
            "measures to choose from": len(actions),
            "read it back": "sources: [{path: " + out.name + ", format: template}]",
        },
        outputs=[written.as_posix()],
    )
