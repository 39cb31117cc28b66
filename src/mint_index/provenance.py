"""What produced an output: the one owner of provenance blocks and of the build date.

Every output mint-index writes can say what made it: the tool and its version, the
framework and build spec, the rules, the input files with their SHA-256 and, for a folder,
every file in it with its hash. Scores files, the SQL ``provenance`` table, report folders
and the command line's outputs all build their blocks here, so the keys mean the same
everywhere (docs/cli.md, "Provenance").

Outputs carry no clock time by default, so two runs on the same inputs give byte-identical
files; ``SOURCE_DATE_EPOCH`` (reproducible builds) stamps a date, read by
:func:`source_date` alone.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.errors import SourceDateError
from mint_index.files import atomic_write, canonical_json

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results
    from mint_index.spec import BuildSpec

__all__ = [
    "PROVENANCE_FILE",
    "build_provenance",
    "command_provenance",
    "created_stamp",
    "file_records",
    "results_provenance",
    "sha256_file",
    "source_date",
    "tool_provenance",
    "write_folder_provenance",
]

#: The file in a folder output that lists what produced it and every file's hash.
PROVENANCE_FILE = "provenance.json"


# ---- the build date ------------------------------------------------------------------------
def source_date() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a UTC time, or ``None`` when it is not set.

    Raises :class:`~mint_index.errors.SourceDateError` when it is set but is not whole
    seconds since 1970: a date silently dropped would make two "reproducible" builds
    differ in a way nobody asked for."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    except (ValueError, OverflowError, OSError) as exc:
        raise SourceDateError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
        ) from exc


def created_stamp() -> str | None:
    """:func:`source_date` as ISO 8601 UTC (``created`` of a provenance block), or ``None``."""
    moment = source_date()
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- input files ---------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_records(paths: Iterable[Path | str], base: Path | None = None) -> list[dict[str, str]]:
    """``path`` and ``sha256`` of each file (folders expanded in sorted order). The path
    as given, or with ``base`` (a project's folder) relative to it where it lies inside:
    the same project run in two checkouts records the same paths, and a CI runner's
    folders never reach a published file."""
    out: list[dict[str, str]] = []
    for given in paths:
        path = Path(given)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        out += [{"path": _shown(f, base), "sha256": sha256_file(f)} for f in files]
    return out


def _shown(path: Path, base: Path | None) -> str:
    """``path`` relative to ``base`` where it lies inside it, else as given (POSIX)."""
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:  # outside the project folder: as given
            pass
    return path.as_posix()


# ---- blocks --------------------------------------------------------------------------------
def tool_provenance() -> dict[str, Any]:
    """What wrote a file: ``tool`` and ``version``, the keys every block starts with."""
    from mint_index import __version__

    return {"tool": "mint-index", "version": __version__}


def results_provenance(results: Results) -> dict[str, Any]:
    """What produced ``results``: ``tool``, ``version``, ``framework`` (``id``, ``version``,
    ``sha256``) and ``spec`` (the build spec, enough to run it again). The keys a scores
    file, the SQL ``provenance`` table and a report folder carry whoever writes them; a
    command adds its own (:func:`command_provenance`)."""
    return {
        **tool_provenance(),
        "framework": results.framework.identity,
        "spec": results.spec.to_dict(),
    }


def build_provenance(results: Results, rules_sha256: str | None = None) -> dict[str, Any]:
    """What produced an output the library made from ``results`` (a report folder):
    :func:`results_provenance`, the ``inputs`` the data were loaded from (their paths as
    given and SHA-256, none for data built in memory), the rules' ``sha256`` when
    recommendations were made, and, under ``SOURCE_DATE_EPOCH``, ``created``. The command
    line writes :func:`command_provenance` instead, which also names the command and
    every file it read (units, measures register)."""
    loaded = results.dataset.provenance
    block = {
        **results_provenance(results),
        "inputs": [
            {"path": str(path), "sha256": str(sha)}
            for path, sha in zip(loaded["source"], loaded["sha256"], strict=True)
        ],
    }
    if rules_sha256 is not None:
        block["rules"] = {"sha256": rules_sha256}
    return _dated(block)


def command_provenance(
    command: str,
    inputs: list[dict[str, str]],
    framework: Framework | None = None,
    rules: dict[str, Any] | None = None,
    spec: BuildSpec | None = None,
) -> dict[str, Any]:
    """What produced a command's output: the tool, ``command``, the ``inputs``
    (:func:`file_records`), the framework, the rules (``path`` and ``sha256``), the build
    spec and, under ``SOURCE_DATE_EPOCH``, ``created``."""
    block: dict[str, Any] = {**tool_provenance(), "command": command, "inputs": inputs}
    if framework is not None:
        block["framework"] = framework.identity
    if rules is not None:
        block["rules"] = rules
    if spec is not None:
        block["spec"] = spec.to_dict()
    return _dated(block)


def _dated(block: dict[str, Any]) -> dict[str, Any]:
    """``block`` with ``created`` when ``SOURCE_DATE_EPOCH`` is set (the only clock an
    output carries)."""
    created = created_stamp()
    return block if created is None else {**block, "created": created}


def write_folder_provenance(
    folder: Path,
    block: Mapping[str, Any],
    written: Iterable[Path] = (),
    hashed: Mapping[str, str] | None = None,
) -> Path:
    """Write ``provenance.json`` of a folder output: ``block`` and ``outputs``, every file
    with its path relative to ``folder`` and its SHA-256, sorted by path.

    ``written`` are files inside ``folder``, read back and hashed; ``hashed`` maps the
    relative paths of files their writer hashed as it wrote them (a report's ten thousand
    profiles) to their hashes."""
    outputs = dict(hashed or {})
    outputs.update((p.relative_to(folder).as_posix(), sha256_file(p)) for p in written)
    listed = [{"path": path, "sha256": outputs[path]} for path in sorted(outputs)]
    return atomic_write(folder / PROVENANCE_FILE, canonical_json({**block, "outputs": listed}))
