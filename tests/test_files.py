"""Atomic file output (mint_index.files)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mint_index.errors import FileAccessError, OutputError, OutputLockedError
from mint_index.files import (
    MARKER_FILE,
    atomic_folder,
    atomic_write,
    check_not_an_input,
    check_output_folder,
    csv_text,
    escape_formula,
    map_text,
    safe_join,
    unescape_formula,
)


def test_atomic_write_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    atomic_write(target, "first")
    atomic_write(target, b"second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_interrupted_write_keeps_the_old_output(tmp_path: Path) -> None:
    target = tmp_path / "scores.csv"
    target.write_text("old result\n")

    def half_written(temp: Path) -> None:
        temp.write_text("new res")
        raise KeyboardInterrupt  # the run is stopped halfway

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, half_written)
    assert target.read_text() == "old result\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]  # no temp file left


def test_files_written_together_are_renamed_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scores file and its provenance sidecar: when writing the second fails (a full
    disk, a file size limit), neither is replaced; new scores beside the old provenance
    would say they came from the old inputs."""
    from mint_index import files

    scores, side = tmp_path / "s.csv", tmp_path / "s.csv.provenance.json"
    scores.write_text("old scores")
    side.write_text("old provenance")
    written: list[Path] = []
    real = files._write_to

    def second_fails(temp: Path, content: str | bytes, sync: bool) -> None:
        if written:
            raise OSError(27, "File too large")
        written.append(temp)
        real(temp, content, sync)

    monkeypatch.setattr(files, "_write_to", second_fails)
    with pytest.raises(FileAccessError, match="File too large"):
        files.atomic_write_together([(scores, "new scores"), (side, "new provenance")])
    assert (scores.read_text(), side.read_text()) == ("old scores", "old provenance")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.csv.provenance.json"]
    monkeypatch.setattr(files, "_write_to", real)
    files.atomic_write_together([(scores, "new scores"), (side, "new provenance")])
    assert (scores.read_text(), side.read_text()) == ("new scores", "new provenance")


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "page.html", "<p>hi</p>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# ---- CSV --------------------------------------------------------------------------------
def test_csv_escapes_formula_text_and_leaves_numbers() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "unit": ['=HYPERLINK("http://x")', "+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", "a=b"],
            "score": [-3.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            "rank": pd.array([-1, 2, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        }
    )
    lines = csv_text(frame).split("\n")
    assert lines[0] == "unit,score,rank"
    # read by hand: each text cell that starts like a formula gets one leading quote
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",-3.500000,-1'
    assert lines[2] == "'+1,1.000000,2"
    assert lines[3] == "'-x,2.000000,3"
    assert lines[4] == "'@SUM(A1),3.000000,4"
    assert lines[5] == "'\tx,4.000000,5"
    assert lines[6] == "'\rx,5.000000,6"
    assert lines[7:9] == ["ok,6.000000,7", "a=b,7.000000,8"]
    assert unescape_formula("'=x") == "=x" and unescape_formula("'ok") == "'ok"


_CELLS = st.one_of(
    st.sampled_from(["=1", "'=1", "ok", "", "-x", "1", "1.0"]),
    st.text(max_size=4),
    st.none(),
    st.just(float("nan")),
    st.integers(-2, 2),
    st.sampled_from([1.0, -0.0, 2.5]),
    st.booleans(),
)


@given(st.lists(_CELLS, max_size=30))
def test_map_text_maps_each_text_cell_and_leaves_the_others(cells: list[object]) -> None:
    """map_text works on distinct values; cell by cell it must give what a map of each
    cell gives, keeping the others as they are (1, 1.0 and True are equal keys to a hash
    table, but a CSV writes them differently)."""
    import pandas as pd

    values = pd.Series(cells, dtype=object)
    mapped = map_text(values, escape_formula)
    expected = [escape_formula(v) if isinstance(v, str) else v for v in cells]
    assert len(mapped) == len(cells) and mapped.dtype == object
    for got, want in zip(mapped, expected, strict=True):
        assert type(got) is type(want)
        assert got == want or (got != got and want != want)  # NaN is NaN


def test_a_device_or_pipe_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    """``--out /dev/null`` renamed a file over the device: as root that broke the machine.
    A FIFO (made here, as a device cannot be) and a link to it stand for /dev/null and
    /dev/stdout; both stay what they were."""
    pipe, link = tmp_path / "pipe", tmp_path / "stdout"
    os.mkfifo(pipe)
    link.symlink_to(pipe)
    for target, why in ((pipe, "not a regular file"), (link, "symbolic link")):
        with pytest.raises(OutputError, match=why):
            atomic_write(target, "x")
    assert stat.S_ISFIFO(pipe.stat().st_mode) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "stdout"]  # no temp file


def test_a_symbolic_link_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    """``--summary /dev/stdout`` with stdout sent to a CI log: ``/dev/stdout`` is a link
    to ``/proc/self/fd/1``, which leads to a regular file, so the check passed and the
    rename replaced the machine's ``/dev/stdout`` with a file. A link is refused,
    whatever it leads to, and stays as it was; so is a loop of links."""
    log, link, loop = tmp_path / "ci.log", tmp_path / "stdout", tmp_path / "loop.csv"
    log.write_text("the log so far\n")
    link.symlink_to(log)
    loop.symlink_to(loop)
    for target in (link, loop):
        with pytest.raises(OutputError, match="symbolic link"):
            atomic_write(target, "x")
    assert link.is_symlink() and link.resolve() == log.resolve()
    assert log.read_text() == "the log so far\n"
    with pytest.raises(OutputError, match="loop"):
        check_not_an_input(loop, [log])
    with pytest.raises(OutputError, match="loop"), atomic_folder(loop):
        pass


def test_an_output_file_is_never_an_input_nor_in_an_input_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    data, units = tmp_path / "data" / "2024.csv", tmp_path / "units.csv"
    data.write_text("x")
    units.write_text("x")
    (tmp_path / "link.csv").symlink_to(units)
    inputs = [tmp_path / "data", units]
    for target, why in (
        (tmp_path / "." / "units.csv", "it is an input of this run"),  # another spelling
        (tmp_path / "link.csv", "it is an input of this run"),  # a link to an input
        (tmp_path / "data" / "scores.csv", "it lies in"),  # the next run would read it
        (data, "it lies in"),
    ):
        with pytest.raises(OutputError, match=why):
            check_not_an_input(target, inputs)
    check_not_an_input(tmp_path / "scores.csv", inputs)  # beside the inputs: written
    check_not_an_input(tmp_path / "data.csv", inputs)


def test_safe_join_refuses_names_leaving_the_folder(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "abc.html") == tmp_path / "abc.html"
    for name in ("../x", "a/b", "..", ".hidden", "", "a\0b", "a\\b"):
        with pytest.raises(OutputError):
            safe_join(tmp_path, name)


# ---- folders ----------------------------------------------------------------------------
def _build(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER_FILE
    }


def test_folder_is_swapped_in_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        assert temp.parent == tmp_path and temp != out and not out.exists()
        _build(temp, {"index.html": "one", "profiles/a.html": "a", "profiles/b.html": "b"})
    assert _tree(out) == {"index.html": "one", "profiles/a.html": "a", "profiles/b.html": "b"}
    assert stat.S_IMODE(out.stat().st_mode) & 0o055 == 0o055  # readable by others
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "two"})
    # stale profiles of the previous run are gone: the folder is the new output, whole
    assert _tree(out) == {"index.html": "two"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp, no lock left


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_interrupted_folder_keeps_the_previous_output(tmp_path: Path, stop: BaseException) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "old", "profiles/a.html": "a"})
    with pytest.raises((KeyboardInterrupt, FileAccessError)), atomic_folder(out) as temp:
        _build(temp, {"index.html": "new"})
        raise stop
    assert _tree(out) == {"index.html": "old", "profiles/a.html": "a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_killed_swap_is_recovered_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "old"})
    # a run killed between its two renames: the old output aside, the new one half-built
    os.rename(out, tmp_path / ".out.mint-index-old-abc123")
    _build(tmp_path / ".out.mint-index-new-def456", {"index.html": "half"})
    (tmp_path / "..out.mint-index-new-def456.mint-index.lock").write_text("")  # nested write
    with pytest.raises(RuntimeError), atomic_folder(out):
        assert _tree(out) == {"index.html": "old"}  # put back before anything else
        raise RuntimeError("stop")
    assert _tree(out) == {"index.html": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_foreign_folder_is_refused_and_force_keeps_its_files(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    _build(out, {"thesis.docx": "precious", "index.html": "theirs"})
    with pytest.raises(OutputError, match="did not write"), atomic_folder(out):
        pass
    assert _tree(out) == {"thesis.docx": "precious", "index.html": "theirs"}
    with atomic_folder(out, force=True) as temp:
        _build(temp, {"index.html": "ours", "profiles/a.html": "a"})
    assert _tree(out) == {"thesis.docx": "precious", "index.html": "ours", "profiles/a.html": "a"}
    # a later run into the same folder still keeps the foreign file, also with --force
    with atomic_folder(out, force=True) as temp:
        _build(temp, {"index.html": "again"})
    assert _tree(out)["thesis.docx"] == "precious"


def test_user_file_added_to_an_output_folder_is_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "one"})
    (out / "mint-index-error-x1y2.log").write_text("a bug's traceback")  # ours, not foreign
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "two"})
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt"), atomic_folder(out):
        pass
    assert (out / "notes.txt").read_text() == "mine"


def test_dangerous_targets_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "drop"
    _build(data, {"2024.csv": "unit,year\n"})
    assert check_output_folder(tmp_path / "new") is True
    for target in (Path("/"), data, tmp_path):
        with pytest.raises(OutputError, match="refusing"):
            check_output_folder(target, [data / "2024.csv"])
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    with pytest.raises(OutputError, match="home folder"):
        check_output_folder(tmp_path / "home")
    assert check_output_folder(data, [data / "2024.csv"], force=True) is False


def test_symlink_planted_in_the_output_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _build(outside, {"keep.txt": "outside", "profiles/x.html": "outside"})
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "one", "profiles/a.html": "a"})
    shutil.rmtree(out / "profiles")
    (out / "profiles").symlink_to(outside / "profiles")
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside / "keep.txt")
    listed = json.loads((out / MARKER_FILE).read_text())["entries"]
    assert "index.html" in listed
    for force in (False, True):
        with atomic_folder(out, force=force) as temp:
            _build(temp, {"index.html": "two", "profiles/a.html": "a"})
        assert not (out / "profiles").is_symlink() and not (out / "index.html").is_symlink()
    assert _tree(outside) == {"keep.txt": "outside", "profiles/x.html": "outside"}


def test_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_folder(out) as temp:
        _build(temp, {"index.html": "first"})
        with pytest.raises(OutputLockedError, match="another mint-index run"), atomic_folder(out):
            pass
    assert _tree(out) == {"index.html": "first"}
    with atomic_folder(out) as temp:  # the lock is gone with the first run
        _build(temp, {"index.html": "second"})
    assert _tree(out) == {"index.html": "second"}


def test_write_fresh_writes_utf8_text_as_given(tmp_path: Path) -> None:
    from mint_index.files import write_fresh

    digest = write_fresh(tmp_path / "page.html", "Größe\nzwei Zeilen\n")
    expected = "Größe\nzwei Zeilen\n".encode()  # UTF-8, no \r\n on any system
    assert (tmp_path / "page.html").read_bytes() == expected
    assert digest == hashlib.sha256(expected).hexdigest()  # what it wrote, for provenance


def test_write_fresh_names_the_file_it_could_not_write(tmp_path: Path) -> None:
    from mint_index.files import write_fresh

    with pytest.raises(FileAccessError, match=r"page\.html"):
        write_fresh(tmp_path / "missing-folder" / "page.html", "x")
