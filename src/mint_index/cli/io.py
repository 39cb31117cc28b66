"""Safe, reproducible file output for the command line.

Every file the CLI writes goes through :func:`mint_index.files.atomic_write`, so an
interrupted run leaves the previous output intact. (Report pages named after unit ids are
written, just as atomically and with sanitised names, by :meth:`mint_index.Report.write`.)
Provenance blocks carry hashes, never the clock, unless ``SOURCE_DATE_EPOCH`` is set.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mint_index.cli.errors import UsageError
from mint_index.files import atomic_write, canonical_json

__all__ = [
    "file_records",
    "provenance",
    "sha256_file",
    "timestamp",
    "write_folder_provenance",
]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_records(paths: Iterable[Path | str]) -> list[dict[str, str]]:
    """``path`` (as given, folders expanded in sorted order) and ``sha256`` of each input file."""
    out: list[dict[str, str]] = []
    for given in paths:
        path = Path(given)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        out += [{"path": f.as_posix(), "sha256": sha256_file(f)} for f in files]
    return out


def timestamp() -> str | None:
    """``SOURCE_DATE_EPOCH`` as ISO 8601 UTC, or ``None`` when it is not set.

    Outputs carry no clock time by default, so two runs on the same inputs give
    byte-identical files; set ``SOURCE_DATE_EPOCH`` to stamp a date reproducibly.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    except (ValueError, OverflowError, OSError) as exc:
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
        ) from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def provenance(
    command: str,
    inputs: list[dict[str, str]],
    framework: Any = None,
    rules: dict[str, Any] | None = None,
    spec: Any = None,
) -> dict[str, Any]:
    """What produced an output: version, framework and rules hashes, inputs, the spec."""
    from mint_index import __version__

    block: dict[str, Any] = {
        "tool": "mint-index",
        "version": __version__,
        "command": command,
        "inputs": inputs,
    }
    if framework is not None:
        block["framework"] = framework.identity
    if rules is not None:
        block["rules"] = rules
    if spec is not None:
        block["spec"] = spec.to_dict()
    created = timestamp()
    if created is not None:
        block["created"] = created
    return block


def write_folder_provenance(folder: Path, block: dict[str, Any], written: list[Path]) -> Path:
    """``provenance.json`` of a folder output: what produced it and every file's hash."""
    outputs = [
        {"path": p.relative_to(folder).as_posix(), "sha256": rec["sha256"]}
        for p, rec in zip(written, file_records(written), strict=True)
    ]
    document = {**block, "outputs": sorted(outputs, key=lambda o: o["path"])}
    return atomic_write(folder / "provenance.json", canonical_json(document))
