"""The public error hierarchy.

Every error the library raises on purpose derives from :class:`MintIndexError`, so a
caller (and the CLI) can tell bad input from a bug. Errors about input collect *every*
problem first and raise once, so a user fixes a file in one round, not twenty.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ArgumentError",
    "DataValidationError",
    "EffectsArgumentError",
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
    "alike",
    "check_argument",
    "error_classes",
    "problem_line",
    "problem_parts",
    "validation_message",
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


def validation_message(error: Mapping[str, Any]) -> str:
    """What one of pydantic's errors (``ValidationError.errors()``) says to the author of
    a YAML file: its message without pydantic's ``Value error,`` prefix, and "unknown
    field" for a key the model does not have."""
    if error["type"] == "extra_forbidden":
        return "unknown field"
    return str(error["msg"]).removeprefix("Value error, ")


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
#: A problem's columns as every frame of problems has them, an empty one too: where, the
#: message and its stable reason code.
PROBLEM_COLUMNS = [*FAILURE_COLUMNS, "code"]


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
        # problems alike are one line; the first thousands are enough to see which
        scanned = self.failures.head(SUMMARY_SCAN)
        shown = alike(scanned.astype(object).where(scanned.notna(), None).to_dict("records"))
        lines = [f"{n} problem(s) in the data:"]
        lines += ["  " + problem_line(rec) for rec in shown[:limit]]
        left = n - sum(int(rec.get("count") or 1) for rec in shown[:limit])
        if left:
            lines.append(f"  ... and {left} more (see .failures)")
        return "\n".join(lines)


#: Problems that differ only in their row and value are one line of a summary from this
#: many on.
ALIKE_FROM = 3
#: The problems a summary looks at for those alike (a hostile file can have millions).
SUMMARY_SCAN = 10_000
#: Runs of rows and values a summary line of problems alike names.
_SHOWN_RUNS, _SHOWN_VALUES = 6, 3


def alike(records: Iterable[Mapping[Any, Any]], at_least: int = ALIKE_FROM) -> list[dict[str, Any]]:
    """Problem records for a summary, in their order: those that differ only in their row
    and value (the same severity, source, column and reason: a column of keys stored as
    numbers, of words among figures) as one record at the place of the first when there
    are at least ``at_least``, with ``count``, ``row`` their rows as runs (``8-59, 61``)
    and ``values`` the first different values (as ``repr``). So a flood of one problem
    never hides another behind it; the records themselves keep every row."""
    records = list(records)

    def key(rec: Mapping[Any, Any]) -> tuple[str, ...]:
        return tuple(str(rec.get(k) or "") for k in ("severity", "source", "column", "reason"))

    members: dict[tuple[str, ...], list[Mapping[Any, Any]]] = {}
    for rec in records:
        members.setdefault(key(rec), []).append(rec)
    out: list[dict[str, Any]] = []
    for rec in records:
        same = members[key(rec)]
        if len(same) < at_least:
            out.append(dict(rec))
        elif same[0] is rec:
            values: dict[str, None] = {}  # the first different values, one more than shown
            for value in (r.get("value") for r in same):
                if len(values) > _SHOWN_VALUES:
                    break
                if not _blank(value):
                    values[_quoted(value)] = None
            out.append(
                {
                    **rec,
                    "row": _runs([r.get("row") for r in same]),
                    "value": None,
                    "values": list(values),
                    "count": len(same),
                }
            )
    return out


def _runs(rows: Sequence[Any]) -> str | None:
    """Rows as runs of consecutive numbers (``8-59, 61``), the first few of them; rows
    that are no numbers are named as they are."""
    numbered = sorted({int(r) for r in rows if _whole(r)})
    runs: list[list[int]] = []
    for row in numbered:
        if runs and runs[-1][1] == row - 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    named = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    named += dict.fromkeys(str(r) for r in rows if not _blank(r) and not _whole(r))
    if not named:
        return None
    return ", ".join(named[:_SHOWN_RUNS]) + (", ..." if len(named) > _SHOWN_RUNS else "")


def _whole(value: object) -> bool:
    """A whole number (a row number; a frame's row column holds them as floats)."""
    return isinstance(value, numbers.Real) and value == value and float(value).is_integer()


def problem_parts(rec: Mapping[str, Any]) -> tuple[str, str]:
    """Where a problem record is (``source:row:column``, ``-`` for nowhere) and what it
    is (``reason (value '...')``; for problems alike (:func:`alike`) how many and their
    first values), leaving out what it does not have."""
    row: Any = rec.get("row")
    parts = [rec.get("source"), int(row) if _whole(row) else row, rec.get("column")]
    where = ":".join(str(part) for part in parts if not _blank(part)) or "-"
    reason = str(rec.get("reason") or "")
    count, values = rec.get("count"), rec.get("values") or []
    if count:
        shown = ", ".join(values[:_SHOWN_VALUES]) + (", ..." if len(values) > _SHOWN_VALUES else "")
        reason += f" ({count} times" + (f"; values {shown})" if values else ")")
    elif not _blank(rec.get("value")):
        reason += f" (value {_quoted(rec['value'])})"
    return where, reason


def problem_line(rec: Mapping[str, Any]) -> str:
    """One problem record as a line: ``source:row:column  reason (value '...')``."""
    return "  ".join(problem_parts(rec))


def _quoted(value: object) -> str:
    """A value as a problem line quotes it: its ``repr``, whose escapes keep control
    characters off the terminal. A text without any is shown with its backslashes as
    they are: a value the checks already wrote with escapes (``ab\\x09c``, see
    :func:`~mint_index.data.controls.shown`) is not escaped twice (``ab\\\\x09c``)."""
    if isinstance(value, str) and value.isprintable():
        quoted = repr(value).replace("\\\\", "\\")
    else:
        quoted = repr(value)
    if len(quoted) <= _QUOTED_CHARS:  # a hostile cell may be megabytes long
        return quoted
    half = (_QUOTED_CHARS - 3) // 2
    return quoted[:half] + "..." + quoted[-half:]


#: Longest value quoted in a problem line (its record keeps it whole).
_QUOTED_CHARS = 200


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


class ArgumentError(MintIndexError, TypeError):
    """An argument of a library call that is not of a kind it takes (a DataFrame where
    :class:`~mint_index.Dataset` or Results are needed): named with what to pass instead,
    rather than an ``AttributeError`` from deep inside."""

    code = "invalid_argument"


def check_argument(
    value: object, kinds: type | tuple[type, ...], what: str, hint: str = ""
) -> None:
    """Raise :class:`ArgumentError` unless ``value`` is one of ``kinds``: ``what`` names
    the argument and what it must be (``"data must be a mi.Dataset"``), ``hint`` how to
    get one."""
    if not isinstance(value, kinds):
        raise ArgumentError(f"{what}, got {type(value).__name__}" + (f"; {hint}" if hint else ""))


class EffectsArgumentError(MintIndexError, ValueError):
    """An argument of the effect estimate out of its range (``level``, ``seed``,
    ``n_boot``): bad input, said in words, never an internal error."""

    code = "invalid_effects_argument"


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
