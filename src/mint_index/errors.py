"""The public error hierarchy.

Every error the library raises on purpose derives from :class:`MintIndexError`, so a
caller (and the CLI) can tell bad input from a bug. Errors about input collect *every*
problem first and raise once, so a user fixes a file in one round, not twenty.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DataValidationError",
    "FileAccessError",
    "FrameworkError",
    "MintIndexError",
    "OutputError",
    "OutputLockedError",
    "Problem",
    "ProjectError",
    "ReportError",
    "RuleError",
    "SourceDateError",
    "SpecError",
    "UnknownLanguageError",
    "UnknownMethodError",
    "YamlError",
    "error_classes",
    "problem_line",
]


class MintIndexError(Exception):
    """Base class of every error mint-index raises on purpose.

    ``code`` is stable across releases: programs (and ``--format json``) match on it,
    never on the message. ``mint-index errors`` lists every code.
    """

    code = "mint_index_error"


@dataclass(frozen=True)
class Problem:
    """One problem in a definition file: where it is and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.path) if part)
        return f"{where}: {self.message}" if where else self.message


class _ProblemListError(MintIndexError):
    """An error that carries a list of :class:`Problem` and prints them all."""

    code = "invalid_definition"

    title = "invalid definition"

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", "", problems)]
        self.problems: list[Problem] = sorted(
            set(problems), key=lambda p: (p.file, p.path, p.message)
        )
        lines = [f"{len(self.problems)} problem(s) in {self.title}:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class FrameworkError(_ProblemListError):
    """A framework (YAML indicator definitions) is invalid."""

    code = "invalid_framework"

    title = "the framework"


class RuleError(_ProblemListError):
    """A recommendation rule or action catalog is invalid."""

    code = "invalid_rules"

    title = "the recommendation rules"


class SpecError(MintIndexError):
    """A build specification (method names, parameters, overrides) is invalid."""

    code = "invalid_spec"


class UnknownMethodError(SpecError):
    """A method name that is not in the registry; the message lists the valid ones."""

    code = "unknown_method"

    def __init__(self, step: str, name: str, valid: Sequence[str]) -> None:
        self.step, self.name, self.valid = step, name, list(valid)
        super().__init__(
            f"unknown {step} method {name!r}; valid methods: {', '.join(sorted(valid))}"
        )


class ReportError(MintIndexError):
    """A report cannot be produced from the given results."""

    code = "report_error"


FAILURE_COLUMNS = ["source", "row", "column", "value", "reason"]


class DataValidationError(MintIndexError):
    """Input data failed validation.

    ``failures`` is a DataFrame with one row per problem and at least the columns
    ``source``, ``row``, ``column``, ``value``, ``reason`` (the message) and ``code`` (the
    stable reason code, see :mod:`mint_index.reasons`).
    """

    code = "invalid_data"

    def __init__(
        self,
        failures: pd.DataFrame | Sequence[dict[str, Any]],
        warnings: pd.DataFrame | None = None,
    ) -> None:
        import pandas as pd

        #: non-fatal problems found in the same pass (so a report lists them too), or None
        self.warnings: pd.DataFrame | None = warnings

        frame = failures if isinstance(failures, pd.DataFrame) else pd.DataFrame(failures)
        for column in FAILURE_COLUMNS:
            if column not in frame.columns:
                frame[column] = None
        from mint_index.reasons import with_codes

        frame = with_codes(frame)
        self.failures: pd.DataFrame = frame.reset_index(drop=True)
        super().__init__(self._summary())

    def _summary(self, limit: int = 20) -> str:
        n = len(self.failures)
        lines = [f"{n} problem(s) in the data:"]
        lines += ["  " + problem_line(rec) for rec in self.failures.head(limit).itertuples()]
        if n > limit:
            lines.append(f"  ... and {n - limit} more (see .failures)")
        return "\n".join(lines)


def problem_line(rec: Any) -> str:
    """One problem (a row of a failures frame) as a line: ``source:row:column  reason
    (value '...')``, leaving out what it does not have."""
    row = "" if _blank(rec.row) else f":{rec.row!s}"
    column = "" if _blank(rec.column) else f":{rec.column!s}"
    value = "" if _blank(rec.value) else f" (value {rec.value!r})"
    return f"{rec.source}{row}{column}  {rec.reason}{value}"


def _blank(value: object) -> bool:
    """Nothing to show in a summary line: None, NaN, pandas' NA (a text column holds a
    missing entry as one of these) or empty text."""
    import pandas as pd

    if value is None or value is pd.NA:
        return True
    return (isinstance(value, float) and math.isnan(value)) or value == ""


class YamlError(MintIndexError):
    """A YAML document cannot be read safely: bad syntax, a duplicate key, an alias bomb,
    too large or too deep, or not a readable regular file."""

    code = "invalid_yaml"

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source, self.line, self.reason = source, line, message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}" if where else message)


class OutputError(MintIndexError):
    """An output target mint-index refuses to write to: a foreign non-empty folder, a
    dangerous folder (``/``, home, the input's own folder), or a path leaving ``--out``."""

    code = "unsafe_output"


class OutputLockedError(OutputError):
    """Another mint-index run is writing to the same output folder."""

    code = "output_locked"


class SourceDateError(MintIndexError, ValueError):
    """``SOURCE_DATE_EPOCH`` is set but is not whole seconds since 1970. It is the one
    clock an output may carry (reproducible builds), so a malformed value is refused
    rather than ignored."""

    code = "bad_source_date"


class FileAccessError(MintIndexError):
    """A file or folder cannot be read or written: missing, permission denied, name too
    long, read-only file system, disk full. The message names the path and the reason."""

    code = "file_access"

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")

    @classmethod
    def from_os_error(cls, exc: OSError, path: str | None = None) -> FileAccessError:
        """The error for an ``OSError``: its file name and its plain-language reason."""
        where = path or exc.filename or "?"
        return cls(str(where), exc.strerror or str(exc))


class UnknownLanguageError(SpecError, ValueError):
    """A language mint-index does not write texts in; the message lists the valid ones.

    Also a ``ValueError``, which the report formatter raised before languages had one owner.
    """

    code = "unknown_language"


def error_classes() -> list[type[MintIndexError]]:
    """Every public error class, base first (for ``mint-index errors``)."""
    found: list[type[MintIndexError]] = []
    pending: list[type[MintIndexError]] = [MintIndexError]
    while pending:
        cls = pending.pop(0)
        if not cls.__name__.startswith("_"):
            found.append(cls)
        pending += sorted(cls.__subclasses__(), key=lambda c: c.__name__)
    return found


class ProjectError(_ProblemListError):
    """A project file (``mint-index.yaml``) is invalid; each problem names its key path
    (``sources[2].mapping``)."""

    title = "the project file"
    code = "invalid_project"
