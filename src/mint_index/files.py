"""Atomic file output, shared by reports and the command line.

Content is written to a temporary file in the target's folder and renamed over the
target, so a reader never sees half a file and an interrupted run leaves the previous
output intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "atomic_write"]


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target``; renamed over it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o644)  # mkstemp makes 0600; outputs are meant to be read by others
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def atomic_write(
    target: Path, content: str | bytes | Callable[[Path], Any], *, sync: bool = True
) -> Path:
    """Write text (UTF-8, ``\\n`` line ends), bytes, or whatever ``content(temp_path)``
    writes, atomically to ``target``.

    ``sync`` flushes the data to disk before the rename, so even a power cut leaves the
    old or the new file; writers of thousands of small files (report profiles) turn it
    off and keep the rename's protection against interrupted runs.
    """
    with atomic_path(target) as temp:
        if callable(content):
            content(temp)
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            with temp.open("wb") as handle:
                handle.write(data)
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
    return target
