"""Safe file output, shared by reports and the command line: the one owner of writing.

- :func:`atomic_write`: content goes to a temporary file in the target's folder and is
  renamed over the target, so a reader never sees half a file and an interrupted run
  leaves the previous output intact.
- :func:`atomic_folder`: a multi-file output (a report, a demo, a comparison) is built in
  a temporary folder beside the target and swapped in whole at the end. A run killed at
  any point (SIGKILL, Ctrl-C, disk full) leaves the previous folder as it was, or none.
  It also locks the target against a second run, refuses folders mint-index did not
  write (:func:`check_output_folder`) and never follows a symlink planted in the old
  output: nothing is ever written into the old folder, only renamed and removed.
- :func:`safe_join`: a path made from data (a unit id) that cannot leave its folder.
- :func:`csv_text`: the one CSV writer, escaping cells a spreadsheet would run as a
  formula.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.errors import FileAccessError, OutputError, OutputLockedError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_FLOAT_DECIMALS",
    "MARKER_FILE",
    "atomic_folder",
    "atomic_path",
    "atomic_write",
    "atomic_write_together",
    "canonical_json",
    "check_not_an_input",
    "check_output_folder",
    "csv_text",
    "escape_formula",
    "json_safe",
    "map_text",
    "safe_join",
    "unescape_formula",
    "write_fresh",
]

#: The file mint-index leaves in every output folder it writes: it lists what it wrote,
#: so a later run may replace those and only those.
MARKER_FILE = ".mint-index-output"
#: Decimal places of every float in a CSV file (scores live on 0..100).
CSV_FLOAT_DECIMALS = 6


def json_safe(value: Any) -> Any:
    """Plain JSON data with the CSV's float precision; NaN and infinities become ``null``."""
    if type(value) is str:  # most leaves (a report's provenance lists 20,000 of them)
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, CSV_FLOAT_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return value


def canonical_json(value: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8, floats to the CSV precision,
    trailing newline; the same data always give the same bytes (every JSON file and
    provenance block mint-index writes)."""
    text = json.dumps(
        json_safe(value), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False
    )
    return text + "\n"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target``; renamed over it only if the block succeeds.

    A ``target`` that is no regular file is refused (:class:`OutputError`): the rename
    would replace a device such as ``/dev/null`` or ``/dev/stdout`` with a file, which
    breaks the machine when run as root. So is a symbolic link, whatever it points to:
    the rename would replace the link itself (``/dev/stdout`` is one, to
    ``/proc/self/fd/1``, and the file it leads to is often a regular one, a CI log)."""
    if target.is_symlink():
        raise OutputError(
            f"refusing to write {target}: it is a symbolic link; name the file itself"
        )
    with suppress(OSError):  # a target that does not exist yet (or cannot be seen)
        if not stat.S_ISREG(target.stat().st_mode) and not target.is_dir():
            raise OutputError(
                f"refusing to write {target}: it is not a regular file (a device, pipe or "
                "socket); name a file"
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(target)) from None  # not the temp name
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o644)  # mkstemp makes 0600; outputs are meant to be read by others
        os.replace(temp, target)
    except OSError as exc:  # disk full, read-only, ...: name the target, not the temp file
        raise FileAccessError.from_os_error(exc, str(target)) from None
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
        _write_to(temp, content, sync)
    return target


def atomic_write_together(files: Sequence[tuple[Path, str | bytes]]) -> list[Path]:
    """Write several files that belong together (a scores file and its provenance
    sidecar) as :func:`atomic_write` writes one: every one is written in full to its
    temporary path before any is renamed into place, so a disk that fills up or a file
    size limit leaves the old pair, never new scores beside the old provenance."""
    with ExitStack() as stack:
        temps = [stack.enter_context(atomic_path(target)) for target, _ in files]
        for temp, (_, content) in zip(temps, files, strict=True):
            _write_to(temp, content, sync=True)
    return [target for target, _ in files]


def _write_to(temp: Path, content: str | bytes | Callable[[Path], Any], sync: bool) -> None:
    """``content`` written to the temporary path of :func:`atomic_path`."""
    if callable(content):
        content(temp)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    with temp.open("wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


#: Flags of a file written whole: created or emptied, bytes as given (no newline
#: translation on Windows).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_fresh(target: Path, content: str) -> str:
    """Write text (UTF-8, ``\\n`` line ends) to ``target`` inside a folder that is still
    being built and that no reader sees yet (:func:`atomic_folder`'s temporary folder);
    return the SHA-256 of the bytes written, for the folder's provenance (hashed here
    rather than read back from the disk).

    The folder is swapped in whole, so a temporary file and a rename per file would only
    add system calls: a report writes ten thousand profiles this way, straight through
    the operating system (``os.write``), without a buffered file object per page.
    """
    encoded = content.encode("utf-8")
    data = memoryview(encoded)
    try:
        fd = os.open(target, _NEW_FILE, 0o666)
        try:
            while data:  # a regular file takes it in one write; a short write goes on
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(target)) from None
    return hashlib.sha256(encoded).hexdigest()


# ---- CSV -----------------------------------------------------------------------------
#: First characters that make a spreadsheet (Excel, LibreOffice, Sheets) read a cell as a
#: formula or command: ``=``, ``+``, ``-``, ``@``, tab and carriage return.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula
    (``=HYPERLINK(...)`` from a unit name); other text unchanged."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def unescape_formula(text: str) -> str:
    """The text :func:`escape_formula` was given (for reading mint-index's CSV back)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def map_text(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """``function`` applied to every text cell of ``values`` (an object or string column);
    other cells (numbers, missing) as they are. It runs once per distinct text, so a
    table of millions of rows pays for its few thousand unit keys and node ids."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(values)
    text = np.fromiter((isinstance(v, str) for v in distinct), bool, len(distinct))
    mapped = np.array(
        [function(v) if t else v for v, t in zip(distinct, text, strict=True)], dtype=object
    )
    out = values.to_numpy(dtype=object, copy=True)
    rows = np.flatnonzero(codes >= 0)
    rows = rows[text[codes[rows]]]
    out[rows] = mapped[codes[rows]]
    return pd.Series(out, index=values.index, dtype=object, name=values.name)


def csv_text(frame: pd.DataFrame, float_decimals: int = CSV_FLOAT_DECIMALS) -> str:
    """A DataFrame as CSV: fixed float precision, ``\\n`` line ends, no index, and every
    *text* cell that starts like a formula escaped with ``'`` (numbers are untouched, so
    ``-3.5`` stays a number). Every CSV mint-index writes goes through here."""
    import pandas as pd

    out = frame.copy(deep=False)
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = map_text(values, escape_formula)
    out.columns = [escape_formula(str(c)) for c in out.columns]
    return out.to_csv(index=False, float_format=f"%.{float_decimals}f", lineterminator="\n")


# ---- paths ---------------------------------------------------------------------------
def safe_join(folder: Path, name: str) -> Path:
    """``folder / name`` for a ``name`` made from data, refusing anything that could
    leave the folder: separators, ``..``, hidden names, NUL."""
    if (
        not name
        or name in (".", "..")
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or "\0" in name
        or Path(name).name != name
    ):
        raise OutputError(f"refusing to write outside {folder}: {name!r}")
    return folder / name


# ---- output folders ------------------------------------------------------------------
def _marker_entries(folder: Path) -> set[str] | None:
    """The entries a mint-index marker lists, or None when the folder has no valid marker
    (a symlinked marker does not count)."""
    marker = folder / MARKER_FILE
    try:
        if marker.is_symlink() or not marker.is_file():
            return None
        document = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = document.get("entries") if isinstance(document, dict) else None
    if document.get("tool") != "mint-index" or not isinstance(entries, list):
        return None
    return {str(e) for e in entries}


def _resolved(path: Path) -> Path:
    """``path`` made absolute, its symbolic links followed; a loop of links (``out ->
    out``) is an :class:`OutputError` naming it, not a crash."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: Python 3.12 and earlier
        raise OutputError(f"cannot write {path}: {exc}") from None


def _dangerous(folder: Path, inputs: Iterable[Path]) -> str | None:
    """Why writing a whole output into ``folder`` would be dangerous, or None."""
    resolved_folder = _resolved(folder)
    if resolved_folder == Path(resolved_folder.anchor):
        return "it is the root of the file system"
    with suppress(RuntimeError, KeyError):
        if resolved_folder == Path.home().resolve():
            return "it is the home folder"
    for given in inputs:
        source = Path(given).resolve()
        if source == resolved_folder or resolved_folder in source.parents:
            return f"it holds the input {given}"
    return None


def check_not_an_input(target: Path, inputs: Iterable[Path]) -> None:
    """Refuse (:class:`OutputError`) to write the file ``target`` over one of the run's
    ``inputs`` (a data file given as ``--out``, the units table as ``--summary``) or into
    a folder given as an input (a data folder would read the output as data next time)."""
    where = _resolved(target)
    inputs = list(inputs)
    for given in inputs:
        if Path(given).resolve() == where:
            raise OutputError(f"refusing to write {target}: it is an input of this run")
    folder = _input_folder_holding(target, inputs)
    if folder is not None:
        raise OutputError(
            f"refusing to write {target}: it lies in {folder}, a folder this run reads"
        )


def _input_folder_holding(target: Path, inputs: Iterable[Path]) -> Path | None:
    """The input folder ``target`` lies in (a data folder the next run reads again), or
    None."""
    where = _resolved(target)
    for given in inputs:
        source = Path(given).resolve()
        if source.is_dir() and source in where.parents:
            return Path(given)
    return None


def check_output_folder(folder: Path, inputs: Iterable[Path] = (), force: bool = False) -> bool:
    """Whether ``folder`` may be replaced whole; raise :class:`OutputError` if it may not
    be written at all.

    A folder that does not exist, is empty, or holds only what a mint-index marker lists
    is replaced whole (True). A folder inside an input folder is refused always (``compare
    old/ new/ --out old/comparison``: the next run would find a subfolder in its data). A
    dangerous folder (``/``, the home folder, a folder holding an input) or a non-empty
    folder mint-index did not write is refused, unless ``force``: then mint-index's files
    are swapped in one by one and every other file is left alone (False).
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} exists and is not a folder")
    inputs = list(inputs)
    holding = _input_folder_holding(folder, inputs)  # even with force: read as data next time
    if holding is not None:
        raise OutputError(
            f"refusing to write the output into {folder}: it lies in {holding}, a folder "
            "this run reads, which would read it next time; choose another --out"
        )
    danger = _dangerous(folder, inputs)
    if danger is not None:
        if not force:
            raise OutputError(
                f"refusing to write the output into {folder}: {danger} "
                "(choose another --out, or --force to add the files and keep everything else)"
            )
        return False
    if not folder.exists():
        return True
    try:
        present = {p.name for p in folder.iterdir()}
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(folder)) from None
    ours = _marker_entries(folder)
    foreign = present - ({MARKER_FILE} | ours) if ours is not None else present
    if ours is not None:  # the CLI's own logs of a failed run (a bug) are not foreign
        foreign = {name for name in foreign if not _ERROR_LOG.match(name)}
    if not foreign:
        return not os.path.ismount(folder)
    if not force:
        shown = ", ".join(sorted(foreign)[:5]) + (" ..." if len(foreign) > 5 else "")
        raise OutputError(
            f"refusing to write into {folder}: it holds files mint-index did not write "
            f"({shown}); choose an empty or new folder, or --force to add the files and "
            "keep the others"
        )
    return False


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on writing ``folder``, held by a lock file beside it. A second
    run is refused at once; the lock dies with its process, so a killed run leaves no
    stale lock behind."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the swap itself stays atomic
        yield
        return
    lock = folder.parent / f".{folder.name}.mint-index.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(lock)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino != os.stat(lock, follow_symlinks=False).st_ino:
                raise OSError("the lock file was replaced")  # its holder just finished
        except OSError:
            raise OutputLockedError(
                f"another mint-index run is writing {folder} (lock {lock.name}); "
                "wait for it to finish"
            ) from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # while still holding it: see the inode check
    finally:
        os.close(fd)


#: Log files ``mint-index`` leaves in its output folder after an internal error.
_ERROR_LOG = re.compile(r"^mint-index-error-[^/]*\.log$")

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.mint-index-(?P<kind>new|old)-[^.]+$")


def _recover(folder: Path) -> None:
    """Tidy what a killed run left beside ``folder``: a half-built new folder is removed;
    a previous output moved aside just before the kill is put back."""
    # the lock of a report written inside a killed run's new folder (its run is dead: we
    # hold the lock of the target)
    nested_lock = f"..{folder.name}.mint-index-"
    for entry in sorted(folder.parent.iterdir()):
        if entry.name.startswith(nested_lock) and entry.name.endswith(".mint-index.lock"):
            entry.unlink(missing_ok=True)
            continue
        match = _LEFTOVER.match(entry.name)
        if match is None or match["name"] != folder.name or entry.is_symlink():
            continue
        if match["kind"] == "old" and not folder.exists():
            os.rename(entry, folder)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _write_marker(folder: Path, entries: Iterable[str]) -> None:
    names = sorted(set(entries) - {MARKER_FILE})
    document = {"tool": "mint-index", "entries": names}
    (folder / MARKER_FILE).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def _fresh_folder(parent: Path, name: str, kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f".{name}.mint-index-{kind}-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)  # mkdtemp makes 0700; outputs are for others to read
    return folder


def _swap_entries(temp: Path, folder: Path) -> None:
    """Move each entry of ``temp`` into ``folder`` (``--force``): a same-named entry is
    moved aside and removed (a symlink is removed, never followed); others stay."""
    for entry in sorted(temp.iterdir()):
        target = folder / entry.name
        aside = None
        if target.is_symlink() or target.exists():
            aside = folder / f".{entry.name}.mint-index-old"
            if aside.is_symlink() or aside.is_file():
                aside.unlink()
            elif aside.exists():
                shutil.rmtree(aside)
            os.rename(target, aside)
        os.rename(entry, target)
        if aside is not None:
            if aside.is_symlink() or not aside.is_dir():
                aside.unlink()
            else:
                shutil.rmtree(aside)


@contextmanager
def atomic_folder(
    folder: str | os.PathLike[str],
    *,
    inputs: Sequence[str | os.PathLike[str]] = (),
    force: bool = False,
) -> Iterator[Path]:
    """Build a folder output in a fresh temporary folder (yielded) and swap it in whole.

    The target is checked first (:func:`check_output_folder`) and locked against a second
    run. On success the previous folder is renamed aside, the new one renamed into its
    place and the old one removed; on any error (or Ctrl-C, or disk full) the temporary
    folder is removed and the previous output is untouched. After a SIGKILL the next run
    puts back a folder moved aside and removes half-built ones. With ``force`` into a
    folder holding other files, only mint-index's entries are swapped in.
    """
    target = Path(folder)
    if target.is_symlink() and target.is_dir():  # --out named a link: write where it points
        target = _resolved(target)
    check_output_folder(target, [Path(p) for p in inputs], force)  # before even a lock file
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target):
            _recover(target)
            whole = check_output_folder(target, [Path(p) for p in inputs], force)
            temp = _fresh_folder(target.parent, target.name, "new")
            try:
                yield temp
                entries = [p.name for p in temp.iterdir()]
                if whole:
                    _write_marker(temp, entries)
                    _replace_whole(temp, target)
                else:
                    _write_marker(temp, entries + list(_marker_entries(target) or ()))
                    _swap_entries(temp, target)
            finally:
                shutil.rmtree(temp, ignore_errors=True)
    except OSError as exc:
        raise FileAccessError.from_os_error(exc, str(exc.filename or target)) from None


def _replace_whole(temp: Path, target: Path) -> None:
    if not (target.exists() or target.is_symlink()):
        os.rename(temp, target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.mint-index-old-", dir=target.parent))
    os.rmdir(aside)  # a unique name; rename needs it absent (or an empty folder)
    os.rename(target, aside)
    os.rename(temp, target)
    if aside.is_symlink() or not aside.is_dir():
        aside.unlink()
    else:
        shutil.rmtree(aside)  # removes symlinks inside, never what they point to
