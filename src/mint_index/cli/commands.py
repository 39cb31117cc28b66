"""The commands of ``mint-index``: each turns parsed arguments into an :class:`Outcome`.

Library errors (:class:`~mint_index.MintIndexError`) become a failed Outcome listing every
problem (exit code 1); the caller in :mod:`mint_index.cli.app` handles usage errors (2)
and bugs (3). Commands write files only through :mod:`mint_index.files` (atomic) and
record what produced them through :mod:`mint_index.provenance`.
"""

from __future__ import annotations

import argparse
import math
import numbers
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.output import (
    Outcome,
    Progress,
    Table,
    problem,
    render_json,
    render_markdown,
    render_text,
)
from mint_index.cli.project import report_language
from mint_index.errors import (
    DataValidationError,
    FileAccessError,
    FrameworkError,
    MintIndexError,
    OutputError,
    ProjectError,
    ReportError,
    RuleError,
    SourceDateError,
    SpecError,
)
from mint_index.files import atomic_write, canonical_json, csv_text
from mint_index.provenance import (
    command_provenance,
    file_records,
    source_date,
    write_folder_provenance,
)
from mint_index.recommendations.rules import RulesSkippedWarning

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.data.dataset import Dataset
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.project import Project
    from mint_index.spec import BuildSpec

__all__ = ["run"]


# ---- running and reporting ---------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """Run the chosen command, print its outcome, write ``--summary``; return the exit code."""
    try:  # a malformed SOURCE_DATE_EPOCH is a usage error before any work is done
        source_date()
    except SourceDateError as exc:
        raise UsageError(str(exc)) from None
    if args.command == "schema":
        return schema(args)
    if args.command == "docs":
        return docs(args)
    if args.command == "errors":
        return list_errors(args)
    command: Callable[[argparse.Namespace], Outcome] = COMMANDS[args.command]
    summary = Path(args.summary) if args.summary else None
    try:
        if summary is not None:
            check_output_not_input(summary, args)
    except MintIndexError as exc:  # the refused summary file is not written either
        outcome = failed(args.command, exc)
        emit(outcome, args, None)
        return outcome.exit_code
    try:
        outcome = command(args)
    except MintIndexError as exc:
        outcome = failed(args.command, exc)
    except OSError as exc:  # a file that cannot be read or written: its path and why
        outcome = failed(args.command, FileAccessError.from_os_error(exc))
    try:  # the files the command read, a project's too, as its provenance lists them
        if summary is not None:
            check_output_not_input(summary, args, None, *_read_files(outcome.provenance))
    except MintIndexError as exc:
        outcome, summary = failed(args.command, exc), None
    emit(outcome, args, summary)
    return outcome.exit_code


def _read_files(provenance: Any) -> list[Path]:
    """Every input file a provenance block records (``{"path", "sha256"}`` records, at any
    depth: compare records each side's inputs)."""
    if isinstance(provenance, dict):
        own = [Path(provenance["path"])] if {"path", "sha256"} <= provenance.keys() else []
        return own + [p for value in provenance.values() for p in _read_files(value)]
    if isinstance(provenance, list):
        return [p for value in provenance for p in _read_files(value)]
    return []


def emit(outcome: Outcome, args: argparse.Namespace, summary: Path | None) -> None:
    if args.format == "json":
        sys.stdout.write(render_json(outcome))
    else:
        (sys.stdout if outcome.ok else sys.stderr).write(render_text(outcome))
    if summary is not None:
        atomic_write(summary, render_markdown(outcome))


def records(frame: pd.DataFrame | None, severity: str) -> list[dict[str, Any]]:
    """Problem records from a failures/warnings table (``source, row, column, value, reason``)."""
    if frame is None or not len(frame):
        return []
    plain = frame.astype(object).where(frame.notna(), None)
    out = []
    for rec in plain.to_dict("records"):
        row = rec.get("row")
        out.append(
            problem(
                reason=str(rec.get("reason") or ""),
                source=str(rec.get("source") or ""),
                row=math.trunc(row) if isinstance(row, numbers.Real) and row == row else row,
                column=str(rec.get("column") or ""),
                value=None if rec.get("value") is None else str(rec.get("value")),
                severity=severity,
                code=rec.get("code"),
            )
        )
    return out


def failed(command: str, exc: MintIndexError) -> Outcome:
    """A failed Outcome listing every problem the error carries."""
    if isinstance(exc, DataValidationError):
        return Outcome(
            command,
            ok=False,
            headline="invalid data",
            problems=records(exc.failures, "error") + records(exc.warnings, "warning"),
            code=exc.code,
        )
    if isinstance(exc, (FrameworkError, RuleError, ProjectError)):
        what = {FrameworkError: "invalid framework", RuleError: "invalid rules"}.get(
            type(exc), "invalid project file"
        )
        return Outcome(
            command,
            ok=False,
            headline=what,
            problems=[
                problem(p.message, source=p.file, column=p.path, code=exc.code)
                for p in exc.problems
            ],
            code=exc.code,
        )
    if isinstance(exc, SpecError):
        what = "invalid spec"
    elif isinstance(exc, ReportError):
        what = "cannot make the report"
    elif isinstance(exc, OutputError):
        what = "refusing to write there"
    elif isinstance(exc, FileAccessError):
        return Outcome(
            command,
            ok=False,
            headline="cannot access a file",
            problems=[problem(exc.reason, source=exc.path, code=exc.code)],
            code=exc.code,
        )
    else:
        what = "invalid input"
    return Outcome(
        command, ok=False, headline=what, problems=[problem(str(exc), code=exc.code)], code=exc.code
    )


# ---- inputs --------------------------------------------------------------------------------
def existing(path: str, what: str) -> Path:
    """A path the user named, which must exist (a usage error otherwise)."""
    found = Path(path)
    if not found.exists():
        raise UsageError(f"{what} not found: {path}")
    return found


@dataclass
class Inputs:
    """Everything a command read: framework or spec, data, warnings, and their hashes."""

    framework: Framework
    spec: BuildSpec | None
    dataset: Dataset
    warnings: list[dict[str, Any]]
    files: list[dict[str, str]]
    project: Project | None = None


def read_spec(path: str) -> BuildSpec:
    from mint_index.spec import BuildSpec

    return BuildSpec.load(existing(path, "spec file"))


def read_framework(path: str | None) -> Framework:
    import mint_index as mi

    if path is None:
        return mi.default_framework()
    return mi.load_framework(existing(path, "framework"))


def data_files(given: list[str], leave_out: list[Path]) -> list[Path]:
    """The data files named; a folder stands for the data files in it
    (:func:`mint_index.data.inputs.expand_data_folders`, as ``mi.load_data`` reads it),
    except the files in ``leave_out``: the units table or measures register given with
    ``--units``/``--measures`` that a data folder also holds."""
    from mint_index.data.inputs import expand_data_folders

    named = [existing(name, "data") for name in given]
    return [file for files in expand_data_folders(named, leave_out) for file in files]


def read_inputs(
    args: argparse.Namespace,
    data: list[str],
    framework_path: str | None,
    spec_path: str | None = None,
    use_project: bool = True,
) -> Inputs:
    """Load the framework (or spec) and validate the data and units table against it.

    Without data files (or with ``--project``) the project file names them. With
    ``--strict`` the loader turns data warnings into failures.
    """
    from mint_index.cli.project import command_line_sources, project_of
    from mint_index.data.load import load_sources

    if spec_path and framework_path:
        raise UsageError("give --spec or --framework, not both (the spec carries its framework)")
    strict = getattr(args, "strict", False)
    spec = read_spec(spec_path) if spec_path else None
    project = project_of(args, data) if use_project else None
    if project is not None:
        framework = spec.framework if spec is not None else project.framework
        if spec is not None:
            project.framework = framework
        dataset = project.data
        hashes = file_records([project.path, *project.files()], base=project.root)
        return Inputs(
            framework, spec, dataset, records(dataset.warnings, "warning"), hashes, project
        )
    units = existing(args.units, "units table") if getattr(args, "units", None) else None
    other_roles = [Path(f) for f in (units, getattr(args, "measures", None)) if f]
    files = data_files(data, other_roles)
    framework = spec.framework if spec is not None else read_framework(framework_path)
    sources = command_line_sources(files, args)
    dataset = load_sources(sources, framework, units=units_table(units, args), strict=strict)
    hashes = file_records([*files, *([units] if units else [])])
    return Inputs(framework, spec, dataset, records(dataset.warnings, "warning"), hashes)


def units_table(units: Path | None, args: argparse.Namespace) -> Path | dict[str, Any] | None:
    """``--units`` as the loaders take it: the file, or with ``--units-key`` how its keys
    are read (as a project file's ``units: {path: ..., key: {...}}``)."""
    from mint_index.cli.project import key_option

    given = getattr(args, "units_key", None)
    if given is None:
        return units
    if units is None:
        raise UsageError("--units-key says how the units table's keys are read: give --units")
    return {"path": str(units), "key": key_option(given)}


def data_facts(dataset: Dataset, files: list[dict[str, str]]) -> dict[str, Any]:
    summary = dataset.summary()
    years = summary["years"]
    facts: dict[str, Any] = {
        "files": len(files),
        "units": summary["units"],
        "years": f"{years[0]}-{years[-1]}" if len(years) > 1 else (years or ["none"])[0],
        "variables": summary["variables"],
        "values": summary["cells"],
    }
    if summary["missing"]:
        facts["missing"] = ", ".join(f"{k} {v}" for k, v in sorted(summary["missing"].items()))
    return facts


# ---- commands ------------------------------------------------------------------------------
def validate(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import measures_register_file
    from mint_index.measures import register_for

    inputs = read_inputs(args, args.data, args.framework)
    facts = data_facts(inputs.dataset, inputs.files)
    facts["framework"] = inputs.framework.framework.id
    files = inputs.files
    register_file = measures_register_file(args, inputs.project)
    if register_file is not None:  # checked as report and effects will read it
        rules = command_rules(None, inputs)[0]
        register = register_for(register_file, inputs.dataset, rules)
        facts["measures"] = len(register.frame)
        files = files + file_records([register_file], base=project_root(inputs))
    facts["warnings"] = len(inputs.warnings)
    prov = command_provenance("validate", files, inputs.framework)
    return Outcome(
        "validate",
        headline="the data fit the framework",
        facts=facts,
        problems=inputs.warnings,
        provenance=prov,
    )


def top_units(results: Results, year: int | None = None, n: int = 3) -> list[str]:
    """The best units on the index in ``year`` (default: the report's), by name, for the
    summary: the overview's ranking, so units without data of the year are left out, and
    the report's score scale (0-100 unless the normalisation gives other scores).
    The summary is English, words and numbers alike (``--lang`` is the report's)."""
    from mint_index.reports.data import prepare
    from mint_index.reports.overview import ranking
    from mint_index.rules.formatting import Formatter

    data = prepare(results, "en", year)
    index, f = data.scores[:, data.col[data.index_id]], Formatter("en")
    scale = f.range(data.vmin, data.vmax, 0)
    best = [int(u) for u in ranking(data) if index[u] == index[u]][:n]
    return [f"{data.names[u]} ({f.num(index[u], 1)}, scale {scale})" for u in best]


def score_results(inputs: Inputs) -> Results:
    import mint_index as mi

    return mi.score(inputs.dataset, inputs.spec or inputs.framework)


def check_output_file(out: Path, suffixes: tuple[str, ...]) -> None:
    """A usage error unless ``out`` names a file with one of ``suffixes``."""
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"--out must end in {', '.join(suffixes)}, not {out.name!r}")
    if out.is_dir():
        raise UsageError(f"--out names a folder, not a file: {out}")


def check_scores_path(out: Path) -> None:
    from mint_index.scores_file import SUFFIXES

    check_output_file(out, SUFFIXES)


def score(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import measures_register_file
    from mint_index.measures import register_for
    from mint_index.recommendations import recommend
    from mint_index.scores_file import write_scores
    from mint_index.sql_export import DATABASE_SUFFIXES, NO_RECOMMENDATIONS

    if args.out is None and args.data:
        raise UsageError("give --out FILE (.csv, .parquet, .json, .duckdb or .sqlite)")
    if args.out is not None:
        check_scores_path(Path(args.out))
    inputs = read_inputs(args, args.data, args.framework, args.spec)
    if args.out:
        out = Path(args.out)
    elif inputs.project is not None:
        out = inputs.project.root / "scores.csv"
    else:
        raise UsageError("give --out FILE (.csv, .parquet, .json, .duckdb or .sqlite)")
    register_file = measures_register_file(args, inputs.project)
    check_output_not_input(out, args, inputs, register_file)
    facts = data_facts(inputs.dataset, inputs.files)
    results = score_results(inputs)
    rules_info: dict[str, Any] | None = None
    recommendations: Any = None
    skipped: list[str] = []
    files = inputs.files
    if out.suffix.lower() in DATABASE_SUFFIXES:  # it holds recommendations, as report's
        rules, rules_info, skipped = command_rules(args.rules, inputs)
        if rules is None:
            recommendations = NO_RECOMMENDATIONS
        else:
            register = None
            if register_file is not None:  # measures in place are not recommended again
                register = register_for(register_file, results.dataset, rules)
                files = files + file_records([register_file], base=project_root(inputs))
            recommendations = recommend(results, rules, measures=register)
    prov = command_provenance("score", files, inputs.framework, rules_info, results.spec)
    written = write_scores(results, out, prov, recommendations=recommendations)
    facts.update(
        {
            "framework": inputs.framework.framework.id,
            "nodes": len(results.node_ids),
            f"best in {results.year_or_latest(None, 'report')}": top_units(results),
        }
    )
    return Outcome(
        "score",
        headline=f"scored {facts['units']} units",
        facts=facts,
        problems=inputs.warnings + [problem(message, severity="warning") for message in skipped],
        outputs=[p.as_posix() for p in written],
        provenance=prov,
    )


def read_rules(path: str | None, framework: Framework) -> tuple[Any, dict[str, Any]]:
    """The rule set (packaged if ``path`` is None, none for ``none``) and its provenance
    entry. Packaged rules the framework cannot evaluate are skipped with one warning."""
    from mint_index.project import NO_RULES
    from mint_index.recommendations import load_rules

    if path == NO_RULES:
        return None, {"path": NO_RULES}
    given = existing(path, "rules") if path else None
    rules = load_rules(given, framework=framework)
    return rules, {"path": given.as_posix() if given else "<packaged>", "sha256": rules.sha256}


def build_report(
    results: Results,
    rules: Any,
    lang: str,
    progress: Progress,
    audit: bool = False,
    year: int | None = None,
    measures: Any = None,
) -> tuple[Any, Any]:
    """The recommendations and the report (not yet written): everything that takes time
    is done before the output folder is opened, so a run holds it only while writing.
    ``audit`` adds the statistical audit of the report year to the overview; ``year`` is
    the report year (default: the latest year with scores); ``measures`` (a measures
    register) keeps the measures in place out of the recommendations and adds the section
    "Effect of measures"."""
    from mint_index.analysis.audit import audit as make_audit
    from mint_index.recommendations import recommend
    from mint_index.reports import report as make_report

    progress.step("recommendations")
    recommendations = (
        None if rules is None else recommend(results, rules, lang=lang, measures=measures)
    )
    progress.step("report pages")
    checks = make_audit(results, year=year) if audit else None  # the report's year
    document = make_report(
        results, recommendations, lang=lang, audit=checks, year=year, measures=measures
    )
    return recommendations, document


def write_pages(
    document: Any,
    folder: Path,
    jobs: int,
    units_only: list[str] | None = None,
    provenance: dict[str, Any] | None = None,
) -> list[Path]:
    """The report pages (index first) and their ``provenance.json`` (last: the command's
    ``provenance`` block, else the report's own) written into ``folder``, a fresh folder
    of the output being built (:func:`folder_output` makes the whole output atomic).
    With ``units_only`` only those units' profiles are written; the overview then links
    to no profile (the others do not exist)."""
    return document.write(folder, jobs=jobs, units=units_only, atomic=False, provenance=provenance)


def known_units(units_only: list[str] | None, dataset: Dataset) -> list[str] | None:
    """``--units-only`` ids as the report will write them (:func:`.document.chosen_units`),
    checked against the data before the scoring starts: unknown ids are a usage error."""
    from mint_index.reports.document import chosen_units

    if units_only is None:
        return None
    try:
        return chosen_units(units_only, dataset.unit_ids, where="data")
    except ReportError as exc:
        raise UsageError(f"--units-only: {exc}") from None


def command_rules(path: str | None, inputs: Inputs) -> tuple[Any, dict[str, Any], list[str]]:
    """The rules of ``report`` and ``effects`` (``--rules``, else the project's, else the
    packaged ones), their provenance entry, and the warning that lists packaged rules the
    framework cannot use. The one place a command chooses its rules: the action catalog a
    measures register is checked against is the same rule set."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RulesSkippedWarning)
        if path is None and inputs.project is not None:
            rules = inputs.project.rules
            info: dict[str, Any] = {"path": inputs.project.file.rules or "<packaged>"}
            info.update({"sha256": rules.sha256} if rules is not None else {})
        else:
            rules, info = read_rules(path, inputs.framework)
    skipped = [str(w.message) for w in caught if issubclass(w.category, RulesSkippedWarning)]
    return rules, info, skipped


@contextmanager
def register_warnings(source: str) -> Iterator[list[dict[str, Any]]]:
    """While it runs, each :class:`~mint_index.effect_monitoring.estimate.RegisterWarning`
    an effects estimate gives (measures left out, measures judged by a yes/no indicator)
    is collected, once (a report estimates twice: for the verdicts and for its section),
    into the list it yields: a warning of the register ``source`` with its code, not a raw
    Python warning. Other warnings go on as they would."""
    from mint_index.effect_monitoring.estimate import RegisterWarning

    found: list[dict[str, Any]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RegisterWarning)
        yield found
    ours = [w for w in caught if issubclass(w.category, RegisterWarning)]
    said = dict.fromkeys((str(w.message), w.category.code) for w in ours)  # type: ignore[attr-defined]
    found += [
        problem(message, source=source, severity="warning", code=code) for message, code in said
    ]
    for w in caught:
        if w not in ours:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def report(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import measures_register_file
    from mint_index.measures import register_for

    if not args.out and args.data:
        raise UsageError("give --out FOLDER")
    with Progress(4) as progress:
        progress.step("reading the data")
        inputs = read_inputs(args, args.data, args.framework, args.spec)
        units_only = known_units(args.units_only, inputs.dataset)
        project = inputs.project
        options = project.report_options if project is not None else None
        rules, rules_info, skipped = command_rules(args.rules, inputs)
        measures_file = measures_register_file(args, project)
        if args.out:
            out = args.out
        elif project is not None:
            out = str(project.out)
        else:
            raise UsageError("give --out FOLDER")
        output_folder(args, out)
        lang = report_language(args, project)
        year = args.year if args.year is not None else (options.year if options else None)
        progress.step("scoring")
        results = score_results(inputs)
        register = (
            None if measures_file is None else register_for(measures_file, results.dataset, rules)
        )
        files = inputs.files + (
            file_records([measures_file], base=project_root(inputs)) if measures_file else []
        )
        prov = command_provenance("report", files, inputs.framework, rules_info, results.spec)
        source = "" if measures_file is None else measures_file.name
        with register_warnings(source) as said:
            recommendations, document = build_report(
                results, rules, lang, progress, args.audit, year, register
            )
        with folder_output(args, out) as folder:
            written = write_pages(document, folder, args.jobs, units_only, prov)
        written = final_paths(written, folder, out)
        pages = written[:-1]
    facts = data_facts(inputs.dataset, inputs.files)
    facts.update(
        {
            "pages": len(pages),
            "measures recommended": "none (no rules)"
            if recommendations is None
            else len(recommendations.actions),
            f"best in {results.year_or_latest(year, 'report')}": top_units(results, year),
        }
    )
    notes = [problem(message, severity="warning") for message in skipped] + said
    return Outcome(
        "report",
        headline=f"report in {pages[0].as_posix()}",
        facts=facts,
        problems=inputs.warnings + notes,
        outputs=[pages[0].as_posix(), written[-1].as_posix()],
        provenance=prov,
    )


def demo(args: argparse.Namespace) -> Outcome:
    import mint_index as mi
    from mint_index.examples import EXAMPLE_DATA_FILE, EXAMPLE_MEASURES_FILE, EXAMPLE_UNITS_FILE
    from mint_index.gap_analysis import gaps
    from mint_index.pipeline.score_table import score_table
    from mint_index.resources import catalog_path
    from mint_index.scores_file import write_scores

    examples = catalog_path("examples")
    data, units = examples / EXAMPLE_DATA_FILE, examples / EXAMPLE_UNITS_FILE
    lang = report_language(args, None)
    with Progress(6) as progress:
        progress.step("validating the example data")
        framework = mi.default_framework()
        dataset = mi.load_data([data], framework=framework, units=units)
        files = file_records([data, units, examples / EXAMPLE_MEASURES_FILE])
        rules, rules_info = read_rules(None, framework)
        output_folder(args, args.out)
        progress.step("scoring")
        results = mi.score(dataset, framework)
        prov = command_provenance("demo", files, framework, rules_info, results.spec)
        progress.step("gaps")
        gap_table = gaps(results)
        recommendations, document = build_report(
            results, rules, lang, progress, year=args.year, measures=mi.example_measures()
        )
        table = recommendations.to_frame(lang)
        with folder_output(args, args.out) as folder:
            written = write_scores(score_table(results), folder / "scores.json", prov)
            written.append(atomic_write(folder / "gaps.csv", csv_text(gap_table)))
            pages = write_pages(document, folder / "report", args.jobs, provenance=prov)
            written.append(atomic_write(folder / "recommendations.csv", csv_text(table)))
            written += pages
            written.append(write_folder_provenance(folder, prov, written))
        written = final_paths(written, folder, args.out)
        pages = final_paths(pages, folder, args.out)
        folder = Path(args.out)
    facts = data_facts(dataset, files)
    facts.update(
        {
            "framework": f"{framework.framework.id} ({len(framework.indicators)} indicators)",
            "measures recommended": len(recommendations.actions),
            f"best in {results.year_or_latest(args.year, 'report')}": top_units(results, args.year),
        }
    )
    return Outcome(
        "demo",
        headline=f"open {pages[0].as_posix()} in a browser",
        facts=facts,
        problems=records(dataset.warnings, "warning"),
        outputs=[p.as_posix() for p in written if p.parent == folder] + [pages[0].as_posix()],
        provenance=prov,
    )


def given_paths(args: argparse.Namespace) -> list[Path]:
    """Every input path on the command line: an output folder must not hold one, an
    output file must not be one."""
    names = [*getattr(args, "data", []), getattr(args, "old", None), getattr(args, "new", None)]
    flags = ("units", "framework", "old_framework", "spec", "rules", "measures", "mapping")
    names += [getattr(args, k, None) for k in (*flags, "project")]
    return [Path(n) for n in names if n and n != "none"]


def project_root(inputs: Inputs) -> Path | None:
    """The project folder the inputs came from, which provenance paths are relative to."""
    return inputs.project.root if inputs.project is not None else None


def check_output_not_input(
    out: Path, args: argparse.Namespace, inputs: Inputs | None = None, *more: Path | None
) -> None:
    """Refuse to write ``out`` over an input of the run or into a folder it reads: the
    command line's inputs, the files ``inputs`` read (a project's too) and ``more``; and
    where a project source's glob would read it as data next time (``data/*.csv``). A CSV
    file's provenance file beside it (``s.csv.provenance.json``) is checked as well: an
    input of that name was overwritten."""
    from mint_index.data.inputs import source_names
    from mint_index.errors import OutputError
    from mint_index.files import check_not_an_input
    from mint_index.scores_file import sidecar

    read = [Path(record["path"]) for record in inputs.files] if inputs is not None else []
    given = [*given_paths(args), *read, *(p for p in more if p is not None)]
    for written in (out, sidecar(out)) if out.suffix.lower() == ".csv" else (out,):
        check_not_an_input(written, given)
    project = inputs.project if inputs is not None else None
    for spec in project.sources if project is not None else ():
        if source_names(out, spec.path, project.root):  # type: ignore[union-attr]
            raise OutputError(
                f"refusing to write {out}: the project's source {spec.path!r} would read "
                "it as data next time; write it outside the data's folder"
            )


def output_folder(args: argparse.Namespace, out: str) -> None:
    """Refuse a bad output folder ``out`` (``--out`` or the project's) before any work is
    done (a file, a dangerous or foreign folder); :func:`folder_output` checks again when it
    writes."""
    from mint_index.files import check_output_folder

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out must be a folder, but {out} is a file")
    check_output_folder(folder, given_paths(args), getattr(args, "force", False))


def folder_output(args: argparse.Namespace, out: str) -> Any:
    """The temporary folder the output is built in, swapped in whole for ``out`` at the
    end (:func:`mint_index.files.atomic_folder`)."""
    from mint_index.files import atomic_folder

    return atomic_folder(out, inputs=given_paths(args), force=getattr(args, "force", False))


def final_paths(paths: list[Path], temp: Path, out: str) -> list[Path]:
    """Where files written into the temporary folder ``temp`` are after the swap."""
    return [Path(out) / p.relative_to(temp) for p in paths]


@dataclass
class Side:
    """One side of ``compare`` as given on the command line: what
    :func:`mint_index.compare` compares (a scored data drop's Results, or a scores file's
    table and provenance) and the provenance the output records for it."""

    build: Results | tuple[pd.DataFrame, dict[str, Any] | None]
    provenance: dict[str, Any] | None


def compare_side(
    args: argparse.Namespace,
    path: str,
    framework: str | None,
) -> Side:
    """A scores file is read back; a data drop is validated and scored. A database is
    never a data drop: refused by :func:`~mint_index.scores_file.read_scores`, which says
    how to compare its scores."""
    from mint_index.scores_file import is_scores_file, read_scores
    from mint_index.sql_export import DATABASE_SUFFIXES

    given = existing(path, "input")
    if is_scores_file(given) or Path(given).suffix.lower() in DATABASE_SUFFIXES:
        scores = read_scores(given)
        return Side(scores, scores[1])
    inputs = read_inputs(args, [path], framework, use_project=False)
    results = score_results(inputs)
    return Side(
        results, command_provenance("score", inputs.files, inputs.framework, spec=results.spec)
    )


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    plain = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [list(row) for row in plain.itertuples(index=False)]


#: The columns of the rank jumps shown on screen (the CSV file has every column).
JUMP_COLUMNS = [
    "node",
    "unit",
    "old_score",
    "new_score",
    "score_change",
    "old_rank",
    "new_rank",
    "rank_change",
]


def compare(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import project_comparison, project_of
    from mint_index.comparison import compare as compare_builds
    from mint_index.reports.score_changes import display_rows

    project = project_of(args, [args.new] if args.new else [])
    if project is None and not (args.old and args.new):
        raise UsageError("give OLD and NEW, or run in a project folder (or --project FILE)")
    if args.out:
        out = args.out
    elif project is not None:
        out = str(project.root / "comparison")
    else:
        raise UsageError("give --out FOLDER")
    output_folder(args, out)
    if project is None:
        old = compare_side(args, args.old, args.old_framework or args.framework)
        new = compare_side(args, args.new, args.framework)
        comparison = compare_builds(old.build, new.build, rank_jump=args.rank_jump)
        inputs = {"old": old.provenance, "new": new.provenance}
    else:
        comparison, inputs = project_comparison(args, project)
    lang = report_language(args, project)
    block = command_provenance("compare", [])
    block["inputs"] = inputs
    with folder_output(args, out) as folder:
        written = []
        for name, frame in (
            ("changes.csv", comparison.changes),
            ("rank_jumps.csv", comparison.rank_jumps),
            ("revisions.csv", comparison.revisions),
            ("definition_changes.csv", comparison.definition_changes),
        ):
            written.append(atomic_write(folder / name, csv_text(frame)))
        if comparison.has_report:
            written += write_pages(comparison.report(lang), folder / "report", jobs=1)
        written.append(write_folder_provenance(folder, block, written))
    written = final_paths(written, folder, out)

    definitions = comparison.definition_changes
    facts = {
        "years": f"{comparison.old_year} -> {comparison.new_year}",
        "units": len(comparison.units),
        "units added": list(comparison.units_added),
        "units removed": list(comparison.units_removed),
        f"rank jumps (>= {args.rank_jump} places)": len(comparison.rank_jumps),
        "revised past scores": len(comparison.revisions),
        "definition changes": len(definitions)
        if comparison.definitions_known
        else "unknown (a scores file without a readable build spec in its provenance)",
    }
    tables = [
        Table(
            "Rank jumps",
            JUMP_COLUMNS,
            _rows(comparison.rank_jumps, JUMP_COLUMNS),
            shown=display_rows(comparison.rank_jumps, JUMP_COLUMNS, lang),
        ),
        Table(
            "Definition changes",
            list(definitions.columns),
            _rows(definitions, list(definitions.columns)),
        ),
    ]
    return Outcome(
        "compare",
        headline=f"compared {args.old or comparison.old_year} with {args.new or 'the project'}",
        facts=facts,
        tables=tables,
        problems=_swapped(comparison.old_year, comparison.new_year),
        outputs=[p.as_posix() for p in written],
        provenance=block,
    )


def _swapped(old_year: int | None, new_year: int | None) -> list[dict[str, Any]]:
    """A warning where the old build's year lies after the new one's: OLD and NEW given
    the other way round compared silently as "2024 -> 2023"."""
    from mint_index.cli.output import problem

    if old_year is None or new_year is None or old_year <= new_year:
        return []
    return [
        problem(
            f"the old build's year {old_year} is after the new one's {new_year}: were OLD "
            "and NEW given the other way round?",
            severity="warning",
            code="years_reversed",
        )
    ]


def init(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import init as init_command

    return init_command(Path(args.folder))


def inspect(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.sources import inspect as run_inspect

    return run_inspect(args)


def sources(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.sources import sources as run_sources

    return run_sources(args)


def template(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.sources import template as run_template

    return run_template(args)


def schema(args: argparse.Namespace) -> int:
    from mint_index.framework.loader import framework_json_schema
    from mint_index.project import project_json_schema

    text = canonical_json(project_json_schema() if args.project_file else framework_json_schema())
    if args.out:
        _refuse_to_replace_a_non_schema(Path(args.out))
        atomic_write(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


#: The most a JSON Schema file ``schema --out`` replaces may hold (it writes some 50 KB).
_SCHEMA_BYTES = 4 * 1024 * 1024


def _refuse_to_replace_a_non_schema(target: Path) -> None:
    """``schema --out`` replaces only a JSON Schema (the one it wrote before): a project
    file, a framework or a data file named by mistake (``--out mint-index.yaml``) would
    be lost without a word, where every other command refuses to write over its inputs."""
    import json
    import stat

    try:
        mode = target.lstat().st_mode
    except OSError:
        return  # a new file
    if not stat.S_ISREG(mode):
        return  # a folder, a link, a device or a pipe: the writer refuses it, unread
    try:
        with target.open("rb") as handle:
            head = handle.read(_SCHEMA_BYTES + 1)  # a schema is some 50 KB
        document = json.loads(head) if len(head) <= _SCHEMA_BYTES else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        document = None
    if not (isinstance(document, dict) and "$schema" in document):
        raise OutputError(
            f"refusing to write {target}: it exists and holds no JSON Schema (a project, "
            "framework or data file?); name a new file"
        )


def effects(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.effects import run_effects

    return run_effects(args)


def docs(args: argparse.Namespace) -> int:
    """The guides shipped with the package: their list, or one printed in full."""
    from mint_index.resources import catalog_path

    folder = catalog_path("docs")
    guides = {p.stem: p for p in sorted(folder.glob("*.md"))}
    if args.topic is None:
        sys.stdout.write(f"mint-index guides in {folder}:\n")
        sys.stdout.writelines(f"  {name:<18} {path}\n" for name, path in guides.items())
        sys.stdout.write("print one with: mint-index docs TOPIC\n")
        return 0
    if args.topic not in guides:
        raise UsageError(f"no guide {args.topic!r}; guides: {', '.join(guides)}")
    sys.stdout.write(guides[args.topic].read_text(encoding="utf-8"))
    return 0


def list_errors(args: argparse.Namespace) -> int:
    """Print every stable error code (with its exit code) and every problem reason code."""
    from mint_index.cli.app import EXIT_DATA, EXIT_INTERNAL, EXIT_USAGE
    from mint_index.errors import error_classes
    from mint_index.measures import REASONS as MEASURES_REASONS
    from mint_index.reasons import REASON_CODES, SET_BY_PRODUCER

    def first_line(cls: type) -> str:
        return " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())

    errors = [
        {
            "code": cls.code,
            "exit_code": EXIT_DATA,
            "error": cls.__name__,
            "meaning": first_line(cls),
        }
        for cls in error_classes()
    ]
    errors += [
        {
            "code": UsageError.code,
            "exit_code": EXIT_USAGE,
            "error": "UsageError",
            "meaning": first_line(UsageError),
        },
        {
            "code": "internal_error",
            "exit_code": EXIT_INTERNAL,
            "error": "-",
            "meaning": "A bug in mint-index; the message names a log file with the traceback.",
        },
    ]
    reasons = [{"code": code, "meaning": text} for code, (_, text) in REASON_CODES.items()]
    reasons += [{"code": code, "meaning": text} for code, text in SET_BY_PRODUCER.items()]
    register = [{"code": code, "meaning": text} for code, text in MEASURES_REASONS.items()]
    if args.format == "json":
        document = {"errors": errors, "reasons": reasons, "measures_reasons": register}
        sys.stdout.write(canonical_json(document))
        return 0
    codes = [str(e["code"]) for e in errors] + [r["code"] for r in [*reasons, *register]]
    width = max(map(len, codes))
    lines = ['Error codes (JSON field "code" of a failed command; exit code in brackets):']
    lines += [f"  {e['code']:<{width}}  [{e['exit_code']}] {e['meaning']}" for e in errors]
    lines.append('Problem codes (field "code" of each problem record):')
    lines += [f"  {r['code']:<{width}}  {r['meaning']}" for r in reasons]
    lines.append("Problem codes of a measures register (mi.load_measures, mint-index effects):")
    lines += [f"  {r['code']:<{width}}  {r['meaning']}" for r in register]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], Outcome]] = {
    "validate": validate,
    "score": score,
    "report": report,
    "compare": compare,
    "demo": demo,
    "init": init,
    "effects": effects,
    "inspect": inspect,
    "sources": sources,
    "template": template,
}
