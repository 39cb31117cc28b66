"""Input files that must be refused at once, with a sentence and a code: FIFOs, devices,
folders, files above the size limit, empty, binary and damaged files."""

from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest

from mint_index.data.inputs import (
    DEFAULT_MAX_BYTES,
    MAX_BYTES_ENV,
    InputRefused,
    expand_data_folders,
    expand_source,
    folder_data_files,
    max_input_bytes,
    read_input,
    sniff_kind,
    unzipped,
)
from mint_index.data.load import load_data, load_sources
from mint_index.data.source import SourceSpec
from mint_index.errors import DataValidationError

REAL = Path(__file__).parent / "fixtures" / "real-data"


def refused(path: Path, **kwargs: object) -> InputRefused:
    with pytest.raises(InputRefused) as err:
        raw = read_input(path, **kwargs)  # type: ignore[arg-type]
        sniff_kind(raw, path.suffix.lower())
    return err.value


def test_dev_zero_is_refused_unread() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert refused(Path("/dev/zero")).code == "not_a_file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(refused(fifo).code), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert result == ["not_a_file"]  # an open() on the FIFO would have blocked forever


def test_fifo_in_load_sources_is_that_sources_error(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs")
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="pipe.csv")], base_dir=tmp_path)
    assert list(err.value.failures["code"]) == ["not_a_file"]
    assert "FIFO" in err.value.failures["reason"].iloc[0]


def test_size_limit_is_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("unit,year,a\n" + "".join(f"{1001 + i:05d},2020,1\n" for i in range(100)))
    assert refused(big, max_bytes=100).code == "file_too_large"
    monkeypatch.setenv(MAX_BYTES_ENV, "50")
    assert max_input_bytes() == 50
    with pytest.raises(DataValidationError, match="input limit of 50"):
        load_data(big)
    monkeypatch.delenv(MAX_BYTES_ENV)
    assert max_input_bytes() == DEFAULT_MAX_BYTES
    assert len(load_data(big).long) == 100


def test_sparse_huge_file_is_not_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # a sparse file: large on paper, nothing on disk
        handle.truncate(DEFAULT_MAX_BYTES + 1)
    assert refused(huge).code == "file_too_large"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty_file"),
        ("blank.csv", b"  \n\n", "empty_file"),
        ("binary.csv", bytes(range(256)) * 8, "binary_file"),
        ("random.xlsx", os.urandom(2048), "not_excel"),
        ("random.xls", os.urandom(2048), "not_excel"),
        ("random.ods", os.urandom(2048), "not_excel"),
        ("export.xls", b"<html><body><table><tr><td>1</td></tr></table>", "web_page"),
        ("login.csv", b"\xef\xbb\xbf<!DOCTYPE html>\n<html lang=de>", "web_page"),
        ("cut.parquet", b"PAR1 and then nothing", "not_parquet"),
    ],
)
def test_bad_files_are_refused_with_a_code(
    tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert refused(path).code == code
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path=name)], base_dir=tmp_path)
    assert list(err.value.failures["code"]) == [code]


def test_truncated_xlsx_is_a_data_error(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    import pandas as pd

    whole = tmp_path / "whole.xlsx"
    pd.DataFrame({"unit": ["01001"], "year": [2020], "a": [1.0]}).to_excel(whole, index=False)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[:300])
    with pytest.raises(DataValidationError) as err:
        load_sources([SourceSpec(path="cut.xlsx")], base_dir=tmp_path)
    assert list(err.value.failures["code"]) == ["not_excel"]
    with pytest.raises(DataValidationError, match="Excel"):
        load_data(cut)


def test_a_folder_named_as_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub.csv").mkdir()
    assert refused(tmp_path / "sub.csv").code == "not_a_file"


def test_glob_matching_nothing_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="no file matches"):
        expand_source("raw/*.csv", tmp_path)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "b.csv").write_text("x")
    (tmp_path / "raw" / "a.csv").write_text("x")
    assert [p.name for p in expand_source("raw/*.csv", tmp_path)] == ["a.csv", "b.csv"]


def test_folder_entries_that_cannot_be_taken_are_named(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("unit,year,a\n01001,2020,1\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / ".hidden").write_text("x")
    locked = tmp_path / "locked.csv"
    locked.write_text("x")
    locked.chmod(0)
    try:
        files, problems = folder_data_files(tmp_path)
    finally:
        locked.chmod(0o600)
    assert [f.name for f in files] == ["a.csv"] + (["locked.csv"] if os.geteuid() == 0 else [])
    reasons = {p.name: why for p, why in problems}
    assert "subfolder" in reasons["nested"]
    assert "not a data file" in reasons["notes.docx"]
    if os.geteuid() != 0:  # root reads anything
        assert "permission" in reasons["locked.csv"]
    with pytest.raises(DataValidationError) as err:
        expand_data_folders([tmp_path])
    assert set(err.value.failures["code"]) == {"folder_entry"}
    assert {Path(s).name for s in err.value.failures["source"]} >= {"nested", "notes.docx"}


def test_expanding_folders_keeps_other_sources_and_collects_every_folder(tmp_path: Path) -> None:
    good, bad, empty = tmp_path / "good", tmp_path / "bad", tmp_path / "empty"
    for folder in (good, bad, empty):
        folder.mkdir()
    (good / "b.csv").write_text("x")
    (good / "A.xlsx").write_text("x")
    (good / ".hidden.csv").write_text("x")
    (bad / "inner").mkdir()
    (empty / ".DS_Store").write_text("x")  # hidden: the folder has no data file
    frame, name = object(), "not/a/folder.csv"
    assert expand_data_folders([frame, good, name]) == [
        [frame],
        [good / "A.xlsx", good / "b.csv"],  # sorted by name as the file system spells it
        [name],  # as given
    ]
    with pytest.raises(DataValidationError) as err:
        expand_data_folders([bad, good, empty])
    failures = err.value.failures.set_index("source")
    assert sorted(failures.index) == sorted([str(bad / "inner"), str(empty)])
    assert failures.loc[str(bad / "inner"), "code"] == "folder_entry"
    assert failures.loc[str(empty), "code"] == "no_file_matches"
    assert failures.loc[str(empty), "reason"].startswith("no data files (.csv, ")


def test_a_file_given_for_another_role_is_no_data_file_of_its_folder(tmp_path: Path) -> None:
    for name in ("2023.csv", "units.csv", "measures.csv"):
        (tmp_path / name).write_text("x")
    # the units table and the register, given by another spelling of their paths
    roles = [tmp_path / "." / "units.csv", str(tmp_path / "measures.csv")]
    assert expand_data_folders([tmp_path], leave_out=roles) == [[tmp_path / "2023.csv"]]
    # a file named for a role that does not exist leaves the folder as it is
    gone = [tmp_path / "elsewhere.csv"]
    assert len(expand_data_folders([tmp_path], leave_out=gone)[0]) == 3
    # a file listed by itself is read as data, whatever else it is given as
    listed = tmp_path / "units.csv"
    assert expand_data_folders([listed], leave_out=[listed]) == [[listed]]


def test_real_files_pass_the_checks() -> None:
    for path in REAL.glob("*.csv"):
        assert sniff_kind(read_input(path), ".csv") == "text"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_cli_refuses_a_fifo_and_dev_zero_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mint_index.cli import main

    framework = Path(__file__).parent / "bad-input" / "empty-csv" / "framework.yaml"
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    for path, words in ((fifo, "FIFO"), (Path("/dev/zero"), "device")):
        if not path.exists():
            continue
        code = main(["validate", str(path), "--framework", str(framework)])
        out = capsys.readouterr()
        assert code == 1
        assert words in out.out + out.err


def test_a_zip_that_holds_no_workbook_is_not_excel(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "letter.xlsx", "w") as archive:  # e.g. a renamed .zip
        archive.writestr("letter.txt", "Sehr geehrte Damen und Herren")
    for load in (
        lambda: load_sources([SourceSpec(path="letter.xlsx")], base_dir=tmp_path),
        lambda: load_data(tmp_path / "letter.xlsx"),
    ):
        with pytest.raises(DataValidationError) as err:
            load()
        assert list(err.value.failures["code"]) == ["not_excel"]


def test_units_table_inputs_are_checked_too(tmp_path: Path) -> None:
    from mint_index.data.load import load_units

    (tmp_path / "units.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataValidationError) as err:
        load_units(tmp_path / "units.csv")
    assert list(err.value.failures["code"]) == ["binary_file"]
    if Path("/dev/zero").exists():
        with pytest.raises(DataValidationError, match="device"):
            load_units("/dev/zero")


def test_over_long_file_name_is_that_sources_error(tmp_path: Path) -> None:
    spec = SourceSpec(path="a" * 300 + ".csv")
    with pytest.raises(DataValidationError) as err:
        load_sources([spec], base_dir=tmp_path)
    assert list(err.value.failures["code"]) == ["unreadable_file"]
    assert "too long" in err.value.failures["reason"].iloc[0]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out.getvalue()


def test_a_zip_with_one_data_file_is_that_file() -> None:
    table = b"AGS;Einwohner\n01001;90000\n"
    packed = _zip({"12411-01-01-4_de_flat.csv": table, "__MACOSX/._x.csv": b"mac"})
    assert unzipped(packed) == (table, "12411-01-01-4_de_flat.csv")
    assert unzipped(table) is None  # no zip at all
    workbook = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    assert unzipped(workbook) is None  # a workbook's own zip is read as the workbook


@pytest.mark.parametrize(
    ("members", "code"),
    [
        ({"a.csv": b"x;y\n1;2\n", "b.csv": b"x;y\n1;2\n"}, "zip_archive"),
        ({"folder/": b""}, "zip_archive"),
        ({"a.csv": b"  \n"}, "empty_file"),
        ({"big.csv": b"0" * 5000}, "file_too_large"),  # above the 1,000-byte limit below
    ],
)
def test_a_zip_that_is_not_one_data_file_is_refused(members: dict[str, bytes], code: str) -> None:
    with pytest.raises(InputRefused) as refused:
        unzipped(_zip(members), max_bytes=1000)
    assert refused.value.code == code


def test_a_damaged_zip_is_refused_whichever_byte_is_wrong() -> None:
    # zipfile raises half a dozen kinds of error on damaged archives (zlib.error, a
    # negative seek, a name that is no UTF-8); every one must be a refusal, not a crash
    packed = _zip({"a.csv": b"AGS;Einwohner\n" + b"01001;90000\n" * 20})
    outcomes = set()
    for at in range(len(packed)):
        damaged = bytearray(packed)
        damaged[at] ^= 0xFF
        try:
            outcomes.add("read" if unzipped(bytes(damaged)) else "no zip")
        except InputRefused as refused:
            outcomes.add(refused.code)
    allowed = {"read", "no zip", "unreadable_file", "zip_archive", "empty_file", "file_too_large"}
    assert outcomes <= allowed
    assert "unreadable_file" in outcomes
