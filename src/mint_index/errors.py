"""The public error hierarchy.

Every error the library raises on purpose derives from :class:`MintIndexError`, so a
caller (and the CLI) can tell bad input from a bug. Errors about input collect *every*
problem first and raise once, so a user fixes a file in one round, not twenty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DataValidationError",
    "FrameworkError",
    "MintIndexError",
    "Problem",
    "ReportError",
    "RuleError",
    "SpecError",
    "UnknownLanguageError",
    "UnknownMethodError",
]


class MintIndexError(Exception):
    """Base class of every error mint-index raises on purpose."""


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

    title = "the framework"


class RuleError(_ProblemListError):
    """A recommendation rule or action catalog is invalid."""

    title = "the recommendation rules"


class SpecError(MintIndexError):
    """A build specification (method names, parameters, overrides) is invalid."""


class UnknownMethodError(SpecError):
    """A method name that is not in the registry; the message lists the valid ones."""

    def __init__(self, step: str, name: str, valid: Sequence[str]) -> None:
        self.step, self.name, self.valid = step, name, list(valid)
        super().__init__(
            f"unknown {step} method {name!r}; valid methods: {', '.join(sorted(valid))}"
        )


class ReportError(MintIndexError):
    """A report cannot be produced from the given results."""


FAILURE_COLUMNS = ["source", "row", "column", "value", "reason"]


class DataValidationError(MintIndexError):
    """Input data failed validation.

    ``failures`` is a DataFrame with one row per problem and at least the columns
    ``source``, ``row``, ``column``, ``value`` and ``reason``.
    """

    def __init__(self, failures: pd.DataFrame | Sequence[dict[str, Any]]) -> None:
        import pandas as pd

        frame = failures if isinstance(failures, pd.DataFrame) else pd.DataFrame(failures)
        for column in FAILURE_COLUMNS:
            if column not in frame.columns:
                frame[column] = None
        self.failures: pd.DataFrame = frame.reset_index(drop=True)
        super().__init__(self._summary())

    def _summary(self, limit: int = 20) -> str:
        n = len(self.failures)
        lines = [f"{n} problem(s) in the data:"]
        for rec in self.failures.head(limit).itertuples(index=False):
            row = "" if rec.row is None or rec.row != rec.row else f":{rec.row}"
            column = f":{rec.column}" if rec.column not in (None, "") else ""
            value = "" if rec.value in (None, "") else f" (value {rec.value!r})"
            lines.append(f"  {rec.source}{row}{column}  {rec.reason}{value}")
        if n > limit:
            lines.append(f"  ... and {n - limit} more (see .failures)")
        return "\n".join(lines)


class UnknownLanguageError(SpecError, ValueError):
    """A language mint-index does not write texts in; the message lists the valid ones.

    Also a ``ValueError``, which the report formatter raised before languages had one owner.
    """

    code = "unknown_language"
