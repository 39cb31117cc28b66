"""The flags of a scoring run: the one list :attr:`~mint_index.Results.flags` writes and a
recommendation rule's condition may test (``flag: imputed``)."""

from __future__ import annotations

__all__ = ["FLAGS", "VALUE_FLAGS"]

#: Flags of single indicator values, in the order of ``Results.indicator_flags()``.
VALUE_FLAGS = ("imputed", "winsorised", "log_transformed", "unreliable")
#: Every flag of ``Results.flags``: the value flags, ``screened_out`` (a unit dropped by
#: screening, on the index node) and ``missing`` (its detail: why the value is missing).
FLAGS = (*VALUE_FLAGS, "screened_out", "missing")
