"""Provenance: the build date, input hashes, the blocks, and a report folder's
``provenance.json`` (every page with the SHA-256 of its bytes)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import reports_helpers as h

import mint_index as mi
from mint_index.errors import SourceDateError
from mint_index.provenance import (
    PROVENANCE_FILE,
    build_provenance,
    command_provenance,
    created_stamp,
    file_records,
    source_date,
    write_folder_provenance,
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- the build date ------------------------------------------------------------------------
def test_the_date_comes_only_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date() is None and created_stamp() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # one day after the epoch
    assert source_date() == datetime(1970, 1, 2, tzinfo=timezone.utc)
    assert created_stamp() == "1970-01-02T00:00:00Z"
    for bad in ("yesterday", "1.5", "99999999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(SourceDateError, match="SOURCE_DATE_EPOCH") as caught:
            source_date()
        assert caught.value.code == "bad_source_date"


def test_a_report_takes_its_date_from_the_same_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709251200")  # 2024-03-01 00:00 UTC
    res = h.results()
    assert "Generated on 1 March 2024" in mi.report(res, lang="en").html
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    with pytest.raises(SourceDateError):
        mi.report(res)


# ---- input files and blocks ----------------------------------------------------------------
def test_file_records_hash_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.csv").write_bytes(b"bbb")
    (tmp_path / "d" / "a.csv").write_bytes(b"aaa")
    recs = file_records([tmp_path / "d"])
    assert [Path(r["path"]).name for r in recs] == ["a.csv", "b.csv"]
    assert recs[0]["sha256"] == _sha(b"aaa")


def test_command_block_names_version_framework_and_inputs(
    small_framework: mi.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    block = command_provenance("validate", [{"path": "x.csv", "sha256": "0" * 64}], small_framework)
    assert block["tool"] == "mint-index" and block["version"] == mi.__version__
    assert block["command"] == "validate"
    assert block["framework"]["sha256"] == small_framework.sha256
    assert block["inputs"] == [{"path": "x.csv", "sha256": "0" * 64}]
    assert block["created"] == "1970-01-01T00:00:00Z"


def test_build_block_lists_the_loaded_files(tmp_path: Path) -> None:
    data = mi.example_data()
    res = mi.score(data)
    block = build_provenance(res, rules_sha256="f" * 64)
    loaded = data.provenance
    assert len(loaded) >= 1
    first = Path(str(loaded["source"].iloc[0]))
    assert block["inputs"][0] == {"path": str(first), "sha256": _sha(first.read_bytes())}
    assert block["framework"] == res.framework.identity
    assert block["spec"] == res.spec.to_dict()
    assert block["rules"] == {"sha256": "f" * 64}
    assert "command" not in block  # only the command line names a command


def test_folder_block_hashes_written_and_prehashed_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes(b"second")
    (tmp_path / "a.txt").write_bytes(b"first")
    path = write_folder_provenance(
        tmp_path, {"tool": "x"}, [tmp_path / "sub" / "b.txt"], {"a.txt": "claimed"}
    )
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {
        "tool": "x",
        "outputs": [
            {"path": "a.txt", "sha256": "claimed"},  # taken as the writer hashed it
            {"path": "sub/b.txt", "sha256": _sha(b"second")},
        ],
    }


# ---- a report folder -----------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:.*packaged rules skipped")
@pytest.mark.parametrize("jobs", [1, 2])
def test_report_folder_lists_every_page_with_its_hash(tmp_path: Path, jobs: int) -> None:
    res = h.results()
    recs = mi.recommend(res)
    written = mi.report(res, recs, lang="de").write(tmp_path / "r", jobs=jobs)
    folder = tmp_path / "r"
    assert written[-1] == folder / PROVENANCE_FILE
    document = json.loads(written[-1].read_text(encoding="utf-8"))
    pages = sorted(p for p in folder.rglob("*.html"))
    assert len(pages) == 1 + 4  # the overview and the four units' profiles
    assert document["outputs"] == [
        {"path": p.relative_to(folder).as_posix(), "sha256": _sha(p.read_bytes())} for p in pages
    ]
    assert document["framework"] == res.framework.identity
    assert document["rules"] == {"sha256": recs.ruleset.sha256}


def test_report_folder_takes_a_given_block_and_only_the_chosen_pages(tmp_path: Path) -> None:
    res = h.results()
    report = mi.report(res)
    written = report.write(tmp_path, units=["b"], provenance={"command": "report"})
    document = json.loads(written[-1].read_text(encoding="utf-8"))
    assert document["command"] == "report"
    assert [o["path"] for o in document["outputs"]] == ["index.html", "profiles/b.html"]


def test_comparison_folder_names_both_builds(tmp_path: Path) -> None:
    before, after = h.results(), h.results()
    written = mi.compare_report(before, after).write(tmp_path / "c")
    document = json.loads(written[-1].read_text(encoding="utf-8"))
    assert document["before"]["spec"] == before.spec.to_dict()
    assert document["after"]["framework"] == after.framework.identity
    main = tmp_path / "c" / "index.html"
    assert document["outputs"] == [{"path": "index.html", "sha256": _sha(main.read_bytes())}]
