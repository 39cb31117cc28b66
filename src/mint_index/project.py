"""A monitoring project: the ``mint-index.yaml`` file that says what a town's monitoring is.

A town's monitoring lives in a folder with a project file naming the framework, the units
table, the recommendation rules, every data file with what it needs to be read
(:class:`~mint_index.data.source.SourceSpec`), the report options and the register of
measures in place. :func:`load_project` reads and checks it; the :class:`Project` it returns
loads the data, scores and reports, so the command line and a notebook do the same with
the same file.

Paths in the file are relative to the file. Every problem is reported with its key path
(``sources[2].mapping``), all at once, as one :class:`~mint_index.errors.ProjectError`.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from mint_index.comparison import DEFAULT_RANK_JUMP
from mint_index.data.source import SourceSpec, UnitsSpec
from mint_index.errors import Problem, ProjectError, YamlError, validation_message
from mint_index.rules.languages import DEFAULT_LANGUAGE, Language

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.comparison import ComparedBuild, Comparison
    from mint_index.data.dataset import Dataset
    from mint_index.framework.framework import Framework
    from mint_index.measures import MeasuresRegister
    from mint_index.pipeline.results import Results
    from mint_index.recommendations import Recommendations, RuleSet
    from mint_index.reports import Report

__all__ = [
    "NO_RULES",
    "PROJECT_FILE",
    "Project",
    "ProjectFile",
    "ReportOptions",
    "find_project",
    "load_project",
    "project_json_schema",
    "read_yaml",
]

#: The project file a command looks for in the current folder.
PROJECT_FILE = "mint-index.yaml"
#: ``rules: none`` runs without recommendation rules.
NO_RULES = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportOptions(_Strict):
    """How ``mint-index report`` writes the report."""

    lang: Language = DEFAULT_LANGUAGE
    year: int | None = Field(default=None, ge=1800, le=2200, description="default: the latest")
    out: str = Field(default="report", min_length=1, description="report folder")

    @field_validator("out")
    @classmethod
    def _a_path(cls, value: str) -> str:
        if "\x00" in value:  # no file system takes it: the folder could not be written
            raise ValueError("a folder's path cannot hold a NUL character")
        return value


def _units_form(value: Any) -> str:
    """Which form of ``units:`` a value is: a path (text) or how to read it (a mapping),
    so that a mistake is reported against the form that was written only."""
    return "units-path" if isinstance(value, str) else "units-how"


#: ``units:`` as a path or as how to read the table (:class:`UnitsSpec`).
UnitsEntry = Annotated[
    Annotated[Annotated[str, Field(min_length=1)], Tag("units-path")]
    | Annotated[UnitsSpec, Tag("units-how")],
    Discriminator(_units_form),
]


class ProjectFile(_Strict):
    """The content of ``mint-index.yaml``."""

    framework: str | None = Field(
        default=None,
        min_length=1,
        description="framework YAML file or folder; the packaged MINT framework if absent",
    )
    units: UnitsEntry | None = Field(
        default=None,
        description="units table: keys, names, types, validity; a path, or how to read it "
        "({path: units.xlsx, key: {pad: auto}, unit_column: AGS, sheet: Gemeinden})",
    )
    rules: str | None = Field(
        default=None,
        min_length=1,
        description="recommendation rules (file or folder); the packaged rules if absent; "
        "'none' for no recommendations",
    )
    sources: list[SourceSpec] = Field(
        min_length=1, description="every data file (or glob), each with what it needs to be read"
    )
    report: ReportOptions = Field(default_factory=ReportOptions)
    measures: str | None = Field(
        default=None,
        min_length=1,
        description="register of measures in place (CSV: unit, measure, since)",
    )


def read_yaml(path: Path) -> Any:
    """The content of one YAML file, read by :func:`~mint_index.yamlio.load_yaml` (data
    only; duplicate keys, alias bombs, oversized or too deeply nested files refused), its
    refusal reported as a :class:`~mint_index.errors.ProjectError` with the line."""
    from mint_index.yamlio import load_yaml

    try:
        return load_yaml(path)
    except YamlError as exc:
        where = f"line {exc.line}" if exc.line is not None else ""
        raise ProjectError([Problem(path.as_posix(), where, exc.reason)]) from None


def project_json_schema() -> dict[str, Any]:
    """JSON Schema of ``mint-index.yaml``, for editors that complete and check YAML."""
    schema = ProjectFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mint-index project file"
    return schema


def find_project(folder: str | os.PathLike[str] = ".") -> Path | None:
    """``mint-index.yaml`` in ``folder``, if there is one."""
    candidate = Path(folder) / PROJECT_FILE
    return candidate if candidate.is_file() else None


#: The parts of a pydantic error's location that name a member of a union or a check
#: rather than a key of the file (``constrained-int``, ``literal['auto']``,
#: ``function-after[...]``, the tags of ``units:``): left out of the path a user reads.
_VALIDATOR_PART = re.compile(
    r"^(?:constrained-\w+|literal\[.*\]|function-\w+\[.*\]|str|int|float|bool|units-\w+)$"
)


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for position, part in enumerate(loc):
        if position and isinstance(part, str) and _VALIDATOR_PART.match(part):
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Project:
    """A loaded, checked project: framework, sources, units, rules and report options.

    The data are read on first use of :attr:`data` (with ``strict`` from
    :func:`load_project`), so a command that needs only the framework (``sources``,
    ``template``) does not read them.
    """

    path: Path
    file: ProjectFile
    framework: Framework
    strict: bool = False
    _rules: RuleSet | None = field(default=None, repr=False)

    @property
    def root(self) -> Path:
        """The folder the project file is in; its paths are relative to it."""
        return self.path.parent

    def resolve(self, relative: str) -> Path:
        return (self.root / relative).resolve()

    @property
    def sources(self) -> list[SourceSpec]:
        return self.file.sources

    @property
    def units(self) -> Path | None:
        """The units table's file."""
        given = self.file.units
        if given is None:
            return None
        return self.resolve(given if isinstance(given, str) else given.path)

    @property
    def units_table(self) -> Path | UnitsSpec | None:
        """The units table as the loaders take it: its file, or how to read it (with its
        path resolved)."""
        given, path = self.file.units, self.units
        if isinstance(given, UnitsSpec) and path is not None:
            return given.model_copy(update={"path": str(path)})
        return path

    @property
    def measures(self) -> Path | None:
        """The measures register (read by :mod:`mint_index.measures`), if the file names one."""
        return self.resolve(self.file.measures) if self.file.measures else None

    @property
    def report_options(self) -> ReportOptions:
        return self.file.report

    @property
    def out(self) -> Path:
        """The report folder."""
        return self.resolve(self.file.report.out)

    def files(self) -> list[Path]:
        """Every data file the sources name (globs expanded), then the units table."""
        found: list[Path] = []
        for spec in self.sources:
            found += _matches(self.root, spec.path)
        return found + ([self.units] if self.units else [])

    @cached_property
    def data(self) -> Dataset:
        """Every source, read and validated against the framework into one Dataset."""
        from mint_index.data.load import load_sources

        return load_sources(
            self.sources,
            self.framework,
            units=self.units_table,
            base_dir=self.root,
            strict=self.strict,
        )

    @property
    def rules(self) -> RuleSet | None:
        """The rule set (packaged rules skip what the framework lacks); None for ``rules: none``."""
        if self.file.rules == NO_RULES:
            return None
        if self._rules is None:
            from mint_index.recommendations import load_rules

            given = self.resolve(self.file.rules) if self.file.rules else None
            self._rules = load_rules(given, framework=self.framework)
        return self._rules

    def score(self, **overrides: Any) -> Results:
        """Score the project's data with its framework (step overrides as in ``mi.score``)."""
        from mint_index.pipeline.engine import score

        return score(self.data, self.framework, **overrides)

    def measures_register(self, results: Results) -> MeasuresRegister | None:
        """The register of measures in place (``measures:``), checked against the project's
        action catalog (its rules; the packaged catalog with ``rules: none``) and the units
        of ``results``; None when the file names no register. The one place the project's
        recommendations, report and effects read it, as ``mint-index report`` and
        ``mint-index effects`` do."""
        if self.measures is None:
            return None
        from mint_index.measures import register_for

        return register_for(self.measures, results.dataset, self.rules)

    def recommend(self, results: Results | None = None) -> Recommendations | None:
        """Recommendations from the project's rules, leaving out the measures in place;
        None with ``rules: none``."""
        scored = results if results is not None else self.score()
        return self._recommend(scored, self.measures_register(scored))

    def _recommend(
        self, results: Results, register: MeasuresRegister | None
    ) -> Recommendations | None:
        rules = self.rules
        if rules is None:
            return None
        from mint_index.recommendations import recommend

        return recommend(results, rules, lang=self.report_options.lang, measures=register)

    def report(self, results: Results | None = None) -> Report:
        """The report with the project's language, year, recommendations and, with a
        measures register, the section "Effect of measures": what ``mint-index report``
        writes for the project.

        ``report().write(project.out)`` writes it where the project file says.
        """
        from mint_index.reports import report

        results = results if results is not None else self.score()
        options = self.report_options
        register = self.measures_register(results)
        return report(
            results,
            self._recommend(results, register),
            options.lang,
            year=options.year,
            measures=register,
        )

    def effects(self, results: Results | None = None, **options: Any) -> pd.DataFrame:
        """The effects of the measures in the project's register (``mi.effects`` with the
        project's rules as the action catalog; ``options``: its ``level``, ``seed``, ...):
        what ``mint-index effects`` writes for the project. A
        :class:`~mint_index.errors.ProjectError` if the file names no register."""
        from mint_index.effect_monitoring.estimate import effects

        results = results if results is not None else self.score()
        register = self.measures_register(results)
        if register is None:
            problem = Problem(self.path.as_posix(), "measures", "no measures register named")
            raise ProjectError([problem])
        return effects(results, register, rules=self.rules, **options)

    def compare(
        self,
        old: ComparedBuild | None = None,
        *,
        results: Results | None = None,
        rank_jump: int = DEFAULT_RANK_JUMP,
    ) -> Comparison:
        """What ``mint-index compare`` writes for the project, as a
        :class:`~mint_index.comparison.Comparison`: the project's data (``results``,
        default: scored now) in their latest year with index scores against ``old`` (a
        scored build, a scores table as ``mi.read_scores`` returns it, or the path of a
        scores file) or, without ``old``, against the year before it. A
        :class:`~mint_index.errors.ProjectError` when the data have no earlier year."""
        from mint_index.comparison import compare

        results = results if results is not None else self.score()
        if old is not None:
            return compare(old, results, rank_jump=rank_jump)
        latest = results.year_or_latest(None, "compare")
        earlier = [int(y) for y in results.years if int(y) < latest]
        if not earlier:
            reason = f"the data have no year before {latest}; give an old build to compare with"
            raise ProjectError([Problem(self.path.as_posix(), "sources", reason)])
        return compare(
            results, results, rank_jump=rank_jump, old_year=max(earlier), new_year=latest
        )


def _matches(root: Path, pattern: str) -> list[Path]:
    """The files a source path names: the file itself, or a glob's matches (sorted)."""
    full = root / pattern
    if glob.has_magic(pattern):
        return sorted(Path(p) for p in glob.glob(str(full), recursive=True) if Path(p).is_file())
    return [full] if full.is_file() else []


def load_project(path: str | os.PathLike[str] = PROJECT_FILE, *, strict: bool = False) -> Project:
    """Read and check a project file; ``path`` may also be the project's folder.

    Every problem (unknown or misspelt keys, wrong types, missing files) is collected and
    raised once as :class:`~mint_index.errors.ProjectError`, each with its key path. The
    framework is loaded (its own problems raise :class:`~mint_index.FrameworkError`); the
    data are read when first used (:attr:`Project.data`). ``strict`` turns data warnings
    into failures.
    """
    file = Path(path)
    if file.is_dir():
        file = file / PROJECT_FILE
    if not file.is_file():
        raise ProjectError([Problem(file.as_posix(), "", "project file not found")])
    label = file.as_posix()
    content = read_yaml(file)
    if not isinstance(content, dict):
        raise ProjectError([Problem(label, "", "the project file must be a mapping of keys")])
    root = file.resolve().parent
    # files are checked on the raw content, so they are reported with the key problems
    problems = _missing_files(content, root, label)
    try:
        spec = ProjectFile.model_validate(content)
    except ValidationError as exc:
        problems += [
            Problem(label, _key_path(err["loc"]), validation_message(err)) for err in exc.errors()
        ]
    if problems:
        raise ProjectError(problems)
    return Project(file.resolve(), spec, _framework(spec, root), strict=strict)


def _missing_files(content: dict[str, Any], root: Path, label: str) -> list[Problem]:
    """Paths the file names that do not exist (values of the wrong type are left to the
    model's checks)."""
    problems = []
    for key in ("framework", "units", "measures", "rules"):
        value = content.get(key)
        if key == "units" and isinstance(value, dict):  # how to read it: its path
            value = value.get("path")
        if not isinstance(value, str) or (key == "rules" and value == NO_RULES):
            continue
        if not (root / value).exists():
            hint = " (or write 'none')" if key == "rules" else ""
            problems.append(Problem(label, key, f"not found: {value}{hint}"))
    sources = content.get("sources")
    for i, source in enumerate(sources if isinstance(sources, list) else []):
        path = source.get("path") if isinstance(source, dict) else None
        if isinstance(path, str) and path and not _matches(root, path):
            full = root / path
            if glob.has_magic(path):
                what = f"no file matches: {path}"
            elif full.is_dir():  # a data drop is its files: a glob names them
                what = (
                    f"{path} is a folder: name its files with a glob "
                    f"({path.rstrip('/')}/*.csv, or {path.rstrip('/')}/* for every file)"
                )
            elif full.exists():
                what = f"{path} is no regular file (a device, pipe or socket)"
            else:
                what = f"not found: {path}"
            problems.append(Problem(label, f"sources[{i}].path", what))
    return problems


def _framework(spec: ProjectFile, root: Path) -> Framework:
    from mint_index.framework.loader import default_framework, load_framework

    return load_framework(root / spec.framework) if spec.framework else default_framework()
