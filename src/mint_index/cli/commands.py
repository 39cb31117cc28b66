"""The commands of ``mint-index``: each turns parsed arguments into an :class:`Outcome`.

Library errors (:class:`~mint_index.MintIndexError`) become a failed Outcome listing every
problem (exit code 1); the caller in :mod:`mint_index.cli.app` handles usage errors (2)
and bugs (3). Commands write files only through :mod:`mint_index.cli.io`.
"""

from __future__ import annotations

import argparse
import numbers
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.io import (
    csv_text,
    dumps_json,
    file_records,
    provenance,
    timestamp,
    write_folder_provenance,
)
from mint_index.cli.output import (
    Outcome,
    Progress,
    Table,
    problem,
    render_json,
    render_markdown,
    render_text,
)
from mint_index.errors import (
    DataValidationError,
    FrameworkError,
    MintIndexError,
    ReportError,
    RuleError,
    SpecError,
)
from mint_index.files import atomic_write

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.data.dataset import Dataset
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.spec import BuildSpec

__all__ = ["run"]


# ---- running and reporting ---------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """Run the chosen command, print its outcome, write ``--summary``; return the exit code."""
    timestamp()  # a malformed SOURCE_DATE_EPOCH is a usage error before any work is done
    if args.command == "schema":
        return schema(args)
    command: Callable[[argparse.Namespace], Outcome] = COMMANDS[args.command]
    try:
        outcome = command(args)
    except MintIndexError as exc:
        outcome = failed(args.command, exc)
    emit(outcome, args)
    return outcome.exit_code


def emit(outcome: Outcome, args: argparse.Namespace) -> None:
    if args.format == "json":
        sys.stdout.write(render_json(outcome))
    else:
        (sys.stdout if outcome.ok else sys.stderr).write(render_text(outcome))
    if args.summary:
        atomic_write(Path(args.summary), render_markdown(outcome))


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
                row=int(row) if isinstance(row, numbers.Real) and row == row else row,
                column=str(rec.get("column") or ""),
                value=None if rec.get("value") is None else str(rec.get("value")),
                severity=severity,
            )
        )
    return out


def failed(command: str, exc: MintIndexError) -> Outcome:
    """A failed Outcome listing every problem the error carries."""
    if isinstance(exc, DataValidationError):
        return Outcome(
            command, ok=False, headline="invalid data", problems=records(exc.failures, "error")
        )
    if isinstance(exc, (FrameworkError, RuleError)):
        what = "invalid framework" if isinstance(exc, FrameworkError) else "invalid rules"
        return Outcome(
            command,
            ok=False,
            headline=what,
            problems=[problem(p.message, source=p.file, column=p.path) for p in exc.problems],
        )
    if isinstance(exc, SpecError):
        what = "invalid spec"
    elif isinstance(exc, ReportError):
        what = "cannot make the report"
    else:
        what = "invalid input"
    return Outcome(command, ok=False, headline=what, problems=[problem(str(exc))])


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


def read_spec(path: str) -> BuildSpec:
    import yaml
    from pydantic import ValidationError

    from mint_index.spec import BuildSpec

    file = existing(path, "spec file")
    text = file.read_text(encoding="utf-8")
    try:
        if file.suffix.lower() in (".yaml", ".yml"):
            return BuildSpec.from_yaml(text)
        return BuildSpec.from_json(text)
    except ValidationError as exc:
        raise SpecError(
            f"{path}: "
            + "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
        ) from None
    except (ValueError, yaml.YAMLError) as exc:  # JSON or YAML syntax
        what = "YAML" if file.suffix.lower() in (".yaml", ".yml") else "JSON"
        raise SpecError(f"{path}: not valid {what}: {exc}".replace("\n", " ")) from None


def read_framework(path: str | None) -> Framework:
    import mint_index as mi

    if path is None:
        return mi.default_framework()
    return mi.load_framework(existing(path, "framework"))


#: Files taken from a data folder: what :func:`mint_index.load_data` reads.
DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".pq")


def data_files(given: list[str]) -> list[Path]:
    """The data files named; a folder stands for the data files in it (sorted, hidden
    files and folders skipped)."""
    files: list[Path] = []
    for name in given:
        path = existing(name, "data")
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in DATA_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise UsageError(f"no data files ({', '.join(DATA_SUFFIXES)}) in {name}")
        files += found
    return files


def read_inputs(
    args: argparse.Namespace,
    data: list[str],
    framework_path: str | None,
    spec_path: str | None = None,
) -> Inputs:
    """Load the framework (or spec) and validate the data and units table against it.

    With ``--strict`` the loader turns data warnings into failures.
    """
    import mint_index as mi

    if spec_path and framework_path:
        raise UsageError("give --spec or --framework, not both (the spec carries its framework)")
    files = data_files(data)
    units = existing(args.units, "units table") if getattr(args, "units", None) else None
    spec = read_spec(spec_path) if spec_path else None
    framework = spec.framework if spec is not None else read_framework(framework_path)
    dataset = mi.load_data(
        files, framework=framework, units=units, strict=getattr(args, "strict", False)
    )
    hashes = file_records([*files, *([units] if units else [])])
    return Inputs(framework, spec, dataset, records(dataset.warnings, "warning"), hashes)


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
    inputs = read_inputs(args, args.data, args.framework)
    facts = data_facts(inputs.dataset, inputs.files)
    facts["framework"] = inputs.framework.framework.id
    facts["warnings"] = len(inputs.warnings)
    prov = provenance("validate", inputs.files, inputs.framework)
    return Outcome(
        "validate",
        headline="the data fit the framework",
        facts=facts,
        problems=inputs.warnings,
        provenance=prov,
    )


def top_units(results: Results, n: int = 3) -> list[str]:
    """The best units on the index in the latest year, for the summary."""
    ranks = results.ranks
    latest = ranks[
        (ranks["node"] == results.framework.index.id) & (ranks["year"] == results.years.max())
    ]
    best = latest.dropna(subset=["score"]).sort_values(["rank", "unit"], kind="stable").head(n)
    return [
        f"{unit} ({score:.1f})" for unit, score in zip(best["unit"], best["score"], strict=True)
    ]


def score_results(inputs: Inputs) -> Results:
    import mint_index as mi

    return mi.score(inputs.dataset, inputs.spec or inputs.framework)


def score(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.scores import SUFFIXES, score_table, write_scores

    out = Path(args.out)
    if out.suffix.lower() not in SUFFIXES:
        raise UsageError(f"--out must end in {', '.join(SUFFIXES)}, not {out.name!r}")
    if out.is_dir():
        raise UsageError(f"--out names a folder, not a file: {out}")
    inputs = read_inputs(args, args.data, args.framework, args.spec)
    facts = data_facts(inputs.dataset, inputs.files)
    results = score_results(inputs)
    prov = provenance("score", inputs.files, inputs.framework, spec=results.spec)
    written = write_scores(score_table(results), out, prov, results)
    facts.update(
        {
            "framework": inputs.framework.framework.id,
            "nodes": len(results.node_ids),
            f"best in {int(results.years.max())}": top_units(results),
        }
    )
    return Outcome(
        "score",
        headline=f"scored {facts['units']} units",
        facts=facts,
        problems=inputs.warnings,
        outputs=[p.as_posix() for p in written],
        provenance=prov,
    )


def read_rules(path: str | None, framework: Framework) -> tuple[Any, dict[str, Any]]:
    """The rule set (packaged if ``path`` is None) and its provenance entry."""
    from mint_index.recommendations import load_rules

    given = existing(path, "rules") if path else None
    rules = load_rules(given, framework=framework)
    return rules, {"path": given.as_posix() if given else "<packaged>", "sha256": rules.sha256}


def write_report(
    results: Results,
    rules: Any,
    lang: str,
    folder: Path,
    jobs: int,
    progress: Progress,
    units_only: list[str] | None = None,
    audit: bool = False,
) -> tuple[Any, list[Path]]:
    """Recommendations and the report pages (index first); returns both.

    With ``units_only`` the overview and only those units' profiles are written; the
    overview then links to no profile (the others do not exist). ``audit`` adds the
    statistical audit of the report year to the overview.
    """
    from mint_index.analysis.audit import audit as make_audit
    from mint_index.recommendations import recommend
    from mint_index.reports import report as make_report

    progress.step("recommendations")
    recommendations = recommend(results, rules, lang=lang)
    progress.step("report pages")
    checks = make_audit(results) if audit else None
    document = make_report(results, recommendations, lang=lang, audit=checks)
    return recommendations, document.write(folder, jobs=jobs, units=units_only)


def known_units(units_only: list[str] | None, dataset: Dataset) -> list[str] | None:
    """``--units-only`` ids in the order given, each once; unknown ids are a usage error."""
    if units_only is None:
        return None
    chosen = list(dict.fromkeys(units_only))
    unknown = sorted(set(chosen) - {str(u) for u in dataset.unit_ids})
    if unknown:
        raise UsageError(f"--units-only: no unit {', '.join(unknown)} in the data")
    return chosen


def report(args: argparse.Namespace) -> Outcome:
    with Progress(4) as progress:
        progress.step("reading the data")
        inputs = read_inputs(args, args.data, args.framework, args.spec)
        units_only = known_units(args.units_only, inputs.dataset)
        rules, rules_info = read_rules(args.rules, inputs.framework)
        folder = output_folder(args.out)
        progress.step("scoring")
        results = score_results(inputs)
        recommendations, pages = write_report(
            results, rules, args.lang, folder, args.jobs, progress, units_only, args.audit
        )
    facts = data_facts(inputs.dataset, inputs.files)
    prov = provenance("report", inputs.files, inputs.framework, rules_info, results.spec)
    written = [*pages, write_folder_provenance(folder, prov, pages)]
    facts.update(
        {
            "pages": len(pages),
            "measures recommended": len(recommendations.actions),
            f"best in {int(results.years.max())}": top_units(results),
        }
    )
    return Outcome(
        "report",
        headline=f"report in {pages[0].as_posix()}",
        facts=facts,
        problems=inputs.warnings,
        outputs=[pages[0].as_posix(), written[-1].as_posix()],
        provenance=prov,
    )


def demo(args: argparse.Namespace) -> Outcome:
    import mint_index as mi
    from mint_index.cli.scores import score_table, write_scores
    from mint_index.examples import EXAMPLE_DATA_FILE, EXAMPLE_UNITS_FILE
    from mint_index.gap_analysis import gaps
    from mint_index.resources import catalog_path

    examples = catalog_path("examples")
    data, units = examples / EXAMPLE_DATA_FILE, examples / EXAMPLE_UNITS_FILE
    with Progress(6) as progress:
        progress.step("validating the example data")
        framework = mi.default_framework()
        dataset = mi.load_data([data], framework=framework, units=units)
        files = file_records([data, units])
        rules, rules_info = read_rules(None, framework)
        folder = output_folder(args.out)
        progress.step("scoring")
        results = mi.score(dataset, framework)
        prov = provenance("demo", files, framework, rules_info, results.spec)
        written = write_scores(score_table(results), folder / "scores.json", prov)
        progress.step("gaps")
        written.append(atomic_write(folder / "gaps.csv", csv_text(gaps(results))))
        recommendations, pages = write_report(
            results, rules, args.lang, folder / "report", args.jobs, progress
        )
        table = recommendations.to_frame(args.lang)
        written.append(atomic_write(folder / "recommendations.csv", csv_text(table)))
    written += pages
    written.append(write_folder_provenance(folder, prov, written))
    facts = data_facts(dataset, files)
    facts.update(
        {
            "framework": f"{framework.framework.id} ({len(framework.indicators)} indicators)",
            "measures recommended": len(recommendations.actions),
            f"best in {int(results.years.max())}": top_units(results),
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


def output_folder(path: str) -> Path:
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out must be a folder, but {path} is a file")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Side:
    """One side of a comparison: its score table, spec, provenance and (for a data drop)
    the Results."""

    table: pd.DataFrame
    spec: dict[str, Any] | None
    provenance: dict[str, Any] | None
    results: Results | None


def compare_side(
    args: argparse.Namespace,
    path: str,
    framework: str | None,
) -> Side:
    """A scores file is read back; a data drop is validated and scored."""
    from mint_index.cli.scores import is_scores_file, read_scores, score_table

    given = existing(path, "input")
    if is_scores_file(given):
        table, prov = read_scores(given)
        return Side(table, (prov or {}).get("spec"), prov, None)
    inputs = read_inputs(args, [path], framework)
    results = score_results(inputs)
    prov = provenance("score", inputs.files, inputs.framework, spec=results.spec)
    return Side(score_table(results), results.spec.to_dict(), prov, results)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[list[Any]]:
    plain = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [list(row) for row in plain.itertuples(index=False)]


def compare(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.compare import compare_tables, definition_changes

    old = compare_side(args, args.old, args.old_framework or args.framework)
    new = compare_side(args, args.new, args.framework)
    folder = output_folder(args.out)
    result = compare_tables(old.table, new.table, args.rank_jump)
    definitions = definition_changes(old.spec, new.spec)
    written = []
    for name, frame in (
        ("changes.csv", result["changes"]),
        ("rank_jumps.csv", result["rank_jumps"]),
        ("revisions.csv", result["revisions"]),
        ("definition_changes.csv", definitions),
    ):
        written.append(atomic_write(folder / name, csv_text(frame)))
    if old.results is not None and new.results is not None:
        from mint_index.reports import compare_report

        document = compare_report(old.results, new.results, lang=args.lang)
        written += document.write(folder / "report")
    block = provenance("compare", [])
    block["inputs"] = {"old": old.provenance, "new": new.provenance}
    written.append(write_folder_provenance(folder, block, written))

    jump_columns = ["node", "unit", "old_rank", "new_rank", "rank_change"]
    facts = {
        "years": f"{result['old_year']} -> {result['new_year']}",
        "units": len(set(new.table["unit"])),
        "units added": result["units_added"] or "none",
        "units removed": result["units_removed"] or "none",
        f"rank jumps (>= {args.rank_jump} places)": len(result["rank_jumps"]),
        "revised past scores": len(result["revisions"]),
        "definition changes": len(definitions)
        if old.spec and new.spec
        else "unknown (a scores file without provenance)",
    }
    tables = [
        Table("Rank jumps", jump_columns, _rows(result["rank_jumps"], jump_columns)),
        Table(
            "Definition changes",
            list(definitions.columns),
            _rows(definitions, list(definitions.columns)),
        ),
    ]
    return Outcome(
        "compare",
        headline=f"compared {args.old} with {args.new}",
        facts=facts,
        tables=tables,
        outputs=[p.as_posix() for p in written],
        provenance=block,
    )


def init(args: argparse.Namespace) -> Outcome:
    from mint_index.cli.project import init_project

    return init_project(Path(args.folder))


def schema(args: argparse.Namespace) -> int:
    from mint_index.framework.loader import framework_json_schema

    text = dumps_json(framework_json_schema())
    if args.out:
        atomic_write(Path(args.out), text)
    else:
        sys.stdout.write(text)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], Outcome]] = {
    "validate": validate,
    "score": score,
    "report": report,
    "compare": compare,
    "demo": demo,
    "init": init,
}
