"""Where the data come from: ``mint-index inspect``, ``sources`` and ``template``.

``inspect`` shows how one file will be read and prints the ``sources:`` entry (with its
mapping) to paste into the project file; ``sources`` lists every variable of the framework
with the table to download or the office that holds it, as a checklist; ``template``
writes the fill-in workbook for the figures a town collects itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.output import Outcome, Table, problem
from mint_index.cli.project import report_language

if TYPE_CHECKING:
    from mint_index.data.source import SourceDescription, SourceSpec
    from mint_index.framework.framework import Framework
    from mint_index.project import Project

__all__ = ["inspect", "mapping_snippet", "sources", "template"]


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
def mapping_snippet(spec: SourceSpec, description: SourceDescription) -> str:
    """The ``sources:`` entry of this file for the project file (YAML), with the proposed
    mapping: pasted unchanged, it loads the file."""
    import yaml

    entry: dict[str, Any] = {"path": spec.path, "format": description.format}
    for key in ("year", "unit", "school_year", "unit_column", "name_column", "layout", "sheet"):
        value = getattr(spec, key)
        if value not in (None, "auto"):
            entry[key] = value
    entry["mapping"] = dict(description.proposed_mapping)
    return yaml.safe_dump({"sources": [entry]}, allow_unicode=True, sort_keys=False, width=1000)


def inspect(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import command_line_sources
    from mint_index.data.load import describe_source

    file = Path(args.file)
    if not file.is_file():
        raise UsageError(f"data file not found: {args.file}")
    project = _project(args)
    framework = _framework(args, project)
    spec = command_line_sources([file], args)[0]
    description = describe_source(spec, framework)
    years = description.years
    facts: dict[str, Any] = {
        "format": description.format,
        "layout": description.layout,
        "encoding": description.encoding or "-",
        "separator": description.separator or "-",
        "decimal": description.decimal or "-",
    }
    if description.table:
        facts["table"] = description.table + (
            f" ({description.title})" if description.title else ""
        )
    elif description.title:  # the title lines above a plain table
        facts["title"] = description.title
    examples = ", ".join(description.unit_examples)
    units = f"{description.units}" + (f" (e.g. {examples})" if examples else "")
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
    rows = [[v.label, v.cells, v.missing, v.proposed or ""] for v in description.variables]
    snippet = mapping_snippet(spec, description)
    return Outcome(
        "inspect",
        headline=f"how {args.file} will be read",
        facts=facts,
        problems=[problem(w, severity="warning") for w in description.warnings],
        tables=[
            Table("Variables (full source label)", ["label", "cells", "missing", "proposed"], rows)
        ],
        snippet="# paste into mint-index.yaml (paths are relative to it):\n" + snippet,
    )


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
                ["table", "database", "finest level", "variables"],
                downloads.to_numpy().tolist(),
            ),
            Table("Every variable", list(variables.columns), variables.to_numpy().tolist()),
        ],
    )


# ---- template ------------------------------------------------------------------------------
def template(args: argparse.Namespace) -> Outcome:
    from mint_index.data.load import load_units
    from mint_index.data.template import collected_variables, write_template
    from mint_index.recommendations import load_rules

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out must end in .xlsx, not {out.name!r}")
    project = _project(args)
    framework = _framework(args, project)
    units_path = Path(args.units) if args.units else (project.units if project else None)
    if units_path is not None and not units_path.is_file():
        raise UsageError(f"units table not found: {units_path}")
    units = load_units(units_path) if units_path is not None else None
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
