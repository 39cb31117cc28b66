"""Errors of the command line itself (not of the data): wrong use of a command."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """The command line was used wrongly (exit code 2): a missing input, a bad suffix."""

    code = "usage"
