"""Which files a source names, and whether they may be read at all.

Data arrive from many hands, so a file is looked at before it is read: a folder, a FIFO,
a device (``/dev/zero``), a file above the size limit, an empty file, a binary file named
``.csv`` or random bytes named ``.xlsx`` are refused at once with a sentence saying what
is wrong, never read to exhaustion or parsed into nonsense. The limit is
:data:`DEFAULT_MAX_BYTES` unless ``max_bytes=`` or the environment variable
``MINT_INDEX_MAX_INPUT_BYTES`` says otherwise.
"""

from __future__ import annotations

import fnmatch
import glob
import io
import os
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

__all__ = [
    "DATA_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "OLE2_MAGIC",
    "WORKBOOK_SUFFIXES",
    "ZIP_MAGIC",
    "InputRefused",
    "expand_data_folders",
    "expand_source",
    "folder_data_files",
    "max_input_bytes",
    "read_input",
    "sniff_kind",
    "source_names",
    "unzipped",
]

#: Largest input file read by default: 512 MiB, above the largest municipal GENESIS
#: table (about 150 MB) and far below what would exhaust a laptop.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: The environment variable that overrides :data:`DEFAULT_MAX_BYTES` (a number of bytes).
MAX_BYTES_ENV = "MINT_INDEX_MAX_INPUT_BYTES"
#: The file names of workbooks (besides any file whose bytes are a workbook's).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: Suffixes of files a data folder contributes (a ``.zip`` holding one of them too).
DATA_SUFFIXES = (".csv", ".txt", ".tsv", *WORKBOOK_SUFFIXES, ".parquet", ".pq", ".zip")
#: Members of a zip archive that are no workbook's: a workbook's own container is
#: recognised by them and read as the workbook it is.
_WORKBOOK_MEMBERS = ("[Content_Types].xml", "mimetype")

#: A source as :func:`expand_data_folders` takes it: a path, or anything passed on as given.
_Item = TypeVar("_Item")

ZIP_MAGIC = b"PK\x03\x04"
#: The first bytes of an OLE2 compound file: an old .xls workbook, or a password-protected
#: .xlsx (Excel wraps the encrypted package in one).
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PARQUET_MAGIC = b"PAR1"


class InputRefused(Exception):
    """A file that is not read: the loader turns it into that source's failure."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def max_input_bytes(max_bytes: int | None = None) -> int:
    """The size limit in force: ``max_bytes``, else the environment variable, else the
    default."""
    if max_bytes is not None:
        return int(max_bytes)
    env = os.environ.get(MAX_BYTES_ENV, "").strip()
    return int(env) if env.isdigit() else DEFAULT_MAX_BYTES


def expand_source(pattern: str, base_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The files a source path names: the file itself, or every match of a glob (sorted).

    A glob that matches nothing, or a path that does not exist, raises
    :class:`InputRefused`; matches are checked by :func:`read_input` when read.
    """
    path = Path(pattern).expanduser()
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    if glob.has_magic(str(path)):
        found = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
        if not found:
            raise InputRefused(f"no file matches {pattern!r}", "no_file_matches")
        return found
    try:
        path.lstat()
    except FileNotFoundError:
        raise InputRefused("file not found", "file_not_found") from None
    except OSError as exc:  # a name too long, a path through a file, no permission
        raise InputRefused(f"cannot read: {exc.strerror or exc}", "unreadable_file") from None
    return [path]


def source_names(path: Path, pattern: str, base_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether the glob of a source (``data/*.csv``, relative to ``base_dir``) would name
    ``path`` once it exists (as :func:`expand_source` reads it): an output written there
    would be read as data by the next run. Matched over the whole path, where a ``*`` may
    also stand for a folder: it may say yes to more than the glob reads, never to less. A
    path that is no glob names a file or folder, which the output checks know as inputs."""
    full = Path(pattern).expanduser()
    if base_dir is not None and not full.is_absolute():
        full = Path(base_dir) / full
    if not glob.has_magic(str(full)):
        return False
    return fnmatch.fnmatchcase(str(path.resolve()), str(full.resolve()))


def folder_data_files(folder: str | os.PathLike[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The data files of a folder, and every entry that cannot be taken (with why).

    Hidden entries (``.git``, ``.DS_Store``) are left out; a subfolder, an unreadable
    file or a file of another kind is returned as a problem, never skipped silently.
    """
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            problems.append((entry, "a subfolder in a data folder; name its files instead"))
        elif entry.suffix.lower() not in DATA_SUFFIXES:
            problems.append(
                (entry, f"not a data file (expected one of {', '.join(DATA_SUFFIXES)})")
            )
        elif not os.access(entry, os.R_OK):
            problems.append((entry, "file cannot be read (permission denied)"))
        else:
            files.append(entry)
    return files, problems


def expand_data_folders(
    sources: Sequence[_Item], leave_out: Sequence[str | os.PathLike[str]] = ()
) -> list[list[_Item | Path]]:
    """What each source stands for: a folder its data files (:func:`folder_data_files`:
    sorted by name, hidden entries left out), anything else itself, as given.

    ``leave_out``: files given for another role (the units table, the measures register)
    that a folder may hold beside the data; they are not data files of the folder.

    Every folder entry that cannot be taken (a subfolder, an unreadable file, a file of
    another kind; code ``folder_entry``) and every folder without a data file (code
    ``no_file_matches``) is collected over all folders into one
    :class:`~mint_index.DataValidationError`: never skipped silently. ``mi.load_data``
    and the command line's DATA arguments expand folders here.
    """
    from mint_index.errors import DataValidationError

    expanded: list[list[_Item | Path]] = []
    failures: list[dict[str, object]] = []
    for source in sources:  # loops over sources, not data
        if not (isinstance(source, str | os.PathLike) and os.path.isdir(source)):
            expanded.append([source])
            continue
        files, problems = folder_data_files(source)
        files = [f for f in files if not any(_same_file(f, other) for other in leave_out)]
        failures += [_folder_failure(path, why) for path, why in problems]
        if not files and not problems:
            failures.append(
                _folder_failure(
                    Path(source),
                    f"no data files ({', '.join(DATA_SUFFIXES)}) in the folder",
                    "no_file_matches",
                )
            )
        expanded.append(list(files))
    if failures:
        raise DataValidationError(failures)
    return expanded


def _same_file(path: Path, other: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:  # the other file is missing: its own command reports that
        return False


def _folder_failure(path: Path, why: str, code: str = "folder_entry") -> dict[str, object]:
    """One row of a DataValidationError about a data folder."""
    return {
        "source": str(path),
        "row": None,
        "column": None,
        "value": None,
        "reason": why,
        "code": code,
    }


def read_input(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of one regular file, refusing folders, FIFOs, devices, sockets, files
    above the size limit and empty files, without reading past the limit."""
    limit = max_input_bytes(max_bytes)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputRefused("file not found", "file_not_found") from None
    except OSError as exc:
        raise InputRefused(f"cannot read: {exc.strerror or exc}", "unreadable_file") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputRefused("a folder, not a data file", "not_a_file")
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise InputRefused(f"{kind}, not a data file; refused unread", "not_a_file")
    if info.st_size > limit:
        raise InputRefused(
            f"file has {info.st_size} bytes, above the input limit of {limit} "
            f"(raise it with {MAX_BYTES_ENV})",
            "file_too_large",
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise InputRefused(f"cannot read: {exc.strerror or exc}", "unreadable_file") from None
    if len(raw) > limit:  # grew while being read
        raise InputRefused(f"file is above the input limit of {limit} bytes", "file_too_large")
    if not raw.strip():
        raise InputRefused("the file is empty", "empty_file")
    return raw


def unzipped(raw: bytes, max_bytes: int | None = None) -> tuple[bytes, str] | None:
    """The one data file a zip archive holds, and its name in the archive, as statistics
    databases deliver downloads (the GENESIS web service's tablefile, the Zensus
    database's exports); ``None`` for bytes that are no zip, or a workbook's own zip.

    The file is read into memory, never unpacked to disk, and refused (:class:`InputRefused`)
    when it would unpack to more than the input limit, when the archive holds no data
    file or several (folders and the ``__MACOSX`` entries a Mac adds do not count), or
    when the archive is damaged or encrypted."""
    if not raw.startswith(ZIP_MAGIC):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except Exception as exc:  # damaged in any way (zipfile raises many kinds)
        raise InputRefused(f"a damaged zip archive ({exc})", "unreadable_file") from None
    names = [m.filename for m in members]
    if any(name in _WORKBOOK_MEMBERS for name in names):
        return None
    files = [
        m
        for m in members
        if not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not Path(m.filename).name.startswith(".")
    ]
    if len(files) != 1:
        listed = ", ".join(m.filename for m in files[:8]) or "nothing"
        raise InputRefused(
            f"a zip archive must hold one data file to be read; this one holds {listed}: "
            "unpack it and name the file to read",
            "zip_archive",
        )
    (member,) = files
    limit = max_input_bytes(max_bytes)
    if member.file_size > limit:
        raise InputRefused(
            f"{member.filename} unpacks to {member.file_size} bytes, above the input limit of "
            f"{limit} (raise it with {MAX_BYTES_ENV})",
            "file_too_large",
        )
    try:
        with archive.open(member) as handle:
            data = handle.read(limit + 1)  # the declared size may lie
    except Exception as exc:  # damaged, encrypted, an unknown compression: zipfile says
        raise InputRefused(f"cannot unpack {member.filename}: {exc}", "unreadable_file") from None
    if len(data) > limit:
        raise InputRefused(
            f"{member.filename} unpacks to more than the input limit of {limit} bytes",
            "file_too_large",
        )
    if not data.strip():
        raise InputRefused(f"{member.filename} in the archive is empty", "empty_file")
    return data, member.filename


#: Share of control bytes (other than tab, newline, form feed, carriage return) in the first
#: 8 KiB above which a file named like a text file is refused as binary.
BINARY_CONTROL_SHARE = 0.05


def sniff_kind(raw: bytes, suffix: str, encoding: str | None = None) -> str:
    """``excel`` (any workbook: .xlsx, .xls, .ods), ``parquet`` or ``text`` from the
    bytes; a file whose bytes contradict its name raises :class:`InputRefused` saying so.
    A text file the source declares UTF-16 or UTF-32 (``encoding``) is text whatever its
    NUL bytes: without a byte-order mark nothing else tells it from a binary file.

    A file named ``.xls`` that holds text is what many web applications export as
    "Excel": tab-separated text is read as the text table it is, an HTML page or an XML
    Spreadsheet 2003 file is refused with what to do instead."""
    named_workbook = suffix in WORKBOOK_SUFFIXES and suffix != ".xls"  # .xls: see above
    if named_workbook and not raw.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        what = "an OpenDocument spreadsheet" if suffix == ".ods" else "an Excel workbook"
        raise InputRefused(f"named {suffix} but not {what} (no zip container)", "not_excel")
    if suffix in (".parquet", ".pq"):
        if not (raw.startswith(_PARQUET_MAGIC) and raw.endswith(_PARQUET_MAGIC)):
            raise InputRefused("named .parquet but not a Parquet file (truncated?)", "not_parquet")
        return "parquet"
    if raw.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        return "excel"
    if raw.startswith(_PARQUET_MAGIC):
        return "parquet"
    web = _web_export(raw[:4096], suffix)
    if web is not None:
        raise InputRefused(web, "web_page")
    head = np.frombuffer(raw[:8192], dtype=np.uint8)
    wide = (encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf-32"))
    # a UTF-16 or UTF-32 byte-order mark (UTF-32-LE's begins as UTF-16-LE's does)
    marked = raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
    controls = (head < 32) & ~np.isin(head, (9, 10, 12, 13))
    # Random or compressed bytes have about 10 % control bytes; a text file with a stray
    # ESC or NUL in a cell has a few, and validation names those cells instead.
    if not (wide or marked) and controls.mean() > BINARY_CONTROL_SHARE:
        if suffix == ".xls":
            raise InputRefused("named .xls but neither a workbook nor text", "not_excel")
        encoding = _wide_without_mark(head)
        hint = (
            f" (text in {encoding} without a byte-order mark? say so with encoding: "
            f"{encoding}, --encoding {encoding})"
            if encoding
            else ""
        )
        raise InputRefused(f"binary content, not a text (CSV) file{hint}", "binary_file")
    return "text"


def _wide_without_mark(head: np.ndarray) -> str | None:
    """The encoding of text saved in UTF-16 or UTF-32 without its byte-order mark, told
    by where its zero bytes stand (``A`` is ``41 00`` in UTF-16-LE, ``00 41`` in -BE,
    ``41 00 00 00`` in UTF-32-LE); None where they stand nowhere in particular."""
    for width, name in ((4, "utf-32"), (2, "utf-16")):
        n = len(head) // width * width
        if not n:
            continue
        zero = (head[:n].reshape(-1, width) == 0).mean(axis=0)  # per byte of a character
        if (zero[1:] > 0.4).all() and zero[0] < 0.4:
            return f"{name}-le"
        if (zero[:-1] > 0.4).all() and zero[-1] < 0.4:
            return f"{name}-be"
    return None


def _web_export(head: bytes, suffix: str) -> str | None:
    """What to do with a file that is a web page or an XML Spreadsheet 2003 file rather
    than a table (a login page saved instead of the download, an ".xls" export that is
    HTML); None for anything else."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    html = text.startswith((b"<!doctype html", b"<html")) or (
        text.startswith(b"<") and b"<table" in text
    )
    spreadsheet_xml = text.startswith(b"<?xml") and b"office:spreadsheet" in text
    if not (html or spreadsheet_xml):
        return None
    what = "an HTML page" if html else "an XML Spreadsheet 2003 file"
    if suffix in WORKBOOK_SUFFIXES or spreadsheet_xml:
        return (
            f"{what} named {suffix or 'without a suffix'}, not a workbook: open it in a "
            "spreadsheet program and save it as .xlsx, .ods or CSV"
        )
    return f"{what}, not a data table (was a web page saved instead of the file?)"
