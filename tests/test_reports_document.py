"""Report.write: one profile file per unit whatever the ids, written as one folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import small_dataset

import mint_index as mi
from mint_index.errors import OutputError, ReportError
from mint_index.reports.context import profile_filename
from mint_index.reports.document import chosen_units

FRAMEWORK = Path(__file__).parent / "fixtures" / "framework_small"


def _hashed(unit_id: str) -> str:
    """The name profile_filename gives an id it must hash: slug-<10 hex of sha256>."""
    return hashlib.sha256(unit_id.encode("utf-8")).hexdigest()[:10]


def test_colliding_ids_get_distinct_profile_files(tmp_path: Path) -> None:
    # "ABC" is lower-cased and hashed; "abc-<that hash>" equals ABC's file stem
    ids = ["ABC", "abc", f"abc-{_hashed('ABC')}", "Abc"]
    assert profile_filename("ABC") == f"abc-{_hashed('ABC')}.html"
    names = [profile_filename(u) for u in ids]
    assert len({n.lower() for n in names}) == len(ids)
    values = {u: {"council_migrant": float(i + 1)} for i, u in enumerate(ids)}
    res = mi.score(small_dataset(values), mi.load_framework(FRAMEWORK))
    written = mi.report(res, lang="en").write(tmp_path / "rep")
    profiles = sorted(p.name for p in (tmp_path / "rep" / "profiles").iterdir())
    assert profiles == sorted(names)
    assert sorted(p.name for p in written[1:-1]) == sorted(names)
    # each file is its own unit's profile
    for unit_id, name in zip(ids, names, strict=True):
        assert unit_id in (tmp_path / "rep" / "profiles" / name).read_text()


def test_report_write_refuses_a_foreign_folder(tmp_path: Path) -> None:
    res = mi.score(small_dataset({"u1": {}, "u2": {}}), mi.load_framework(FRAMEWORK))
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "about.html").write_text("theirs")
    document = mi.report(res, lang="en")
    with pytest.raises(OutputError):
        document.write(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["about.html"]
    document.write(folder, force=True)
    assert (folder / "about.html").read_text() == "theirs"
    assert (folder / "index.html").is_file() and len(list((folder / "profiles").iterdir())) == 2


def test_writing_profiles_makes_no_reference_cycles_and_restores_the_collector(
    tmp_path: Path,
) -> None:
    """Profiles are rendered with the cyclic collector paused (document._write_profiles):
    that is only safe while rendering leaves no cyclic garbage, which this checks with
    the collector's own counts (its collection after each chunk found nothing, nor does
    one afterwards); the collector's state comes back as it was."""
    import gc

    from mint_index.reports.document import _write_profiles

    res = mi.score(mi.example_data())
    document = mi.report(res, mi.recommend(res), lang="de")
    assert document.data is not None
    units = list(document.data.unit_ids)
    folder = tmp_path / "profiles"
    folder.mkdir()
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()  # so that nothing is collected but by _write_profiles and below
    collected = sum(s["collected"] for s in gc.get_stats())
    try:
        digests = _write_profiles(document.data, folder, units)
        assert not gc.isenabled()  # the state before the call is restored: off
        # nothing unreachable was found after a chunk, nor is left behind
        assert sum(s["collected"] for s in gc.get_stats()) == collected
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()
    assert len(list(folder.iterdir())) == len(units)
    pages = [folder / profile_filename(u) for u in units]
    assert digests == [hashlib.sha256(p.read_bytes()).hexdigest() for p in pages]
    if was_enabled:  # and an enabled collector is enabled again afterwards
        again = tmp_path / "again"
        again.mkdir()
        _write_profiles(document.data, again, units[:2])
        assert gc.isenabled()


def test_profile_chunks_give_every_unit_once_largest_first() -> None:
    from mint_index.reports.document import MIN_CHUNK, profile_chunks

    units = [f"{i:05d}" for i in range(1000)]
    chunks = profile_chunks(units, jobs=2)
    assert sorted(u for chunk in chunks for u in chunk) == units
    # each chunk a quarter of what is left: 250 of 1000, 187 of 750, 140 of 563, ...
    assert [len(c) for c in chunks[:3]] == [250, 187, 140]
    assert all(len(c) >= MIN_CHUNK for c in chunks[:-1]) and len(chunks[-1]) <= MIN_CHUNK
    # interleaved: the first chunk takes every 64th unit from the start, across the range
    assert chunks[0][:3] == ["00000", "00064", "00128"] and "00960" in chunks[0]
    assert profile_chunks(units[:5], jobs=2) == [["00000", "00001", "00002", "00003", "00004"]]


def test_chosen_units_keep_the_order_given_once_each() -> None:
    known = ["a", "b", "c", "d"]
    assert chosen_units(["c", "a", "c", "b", "a"], known) == ["c", "a", "b"]
    assert chosen_units([], known) == []
    # ids are compared as text, so a number and its digits are the same unit
    assert chosen_units([1, "1"], ["1", "2"]) == ["1"]


def test_chosen_units_name_every_unknown_id_sorted() -> None:
    with pytest.raises(ReportError) as caught:
        chosen_units(["z", "a", "y", "z"], ["a", "b"], where="data")
    assert str(caught.value) == "no such unit(s) in the data: y, z"


def test_report_write_refuses_unknown_units_before_writing(tmp_path: Path) -> None:
    values = {u: {"council_migrant": float(i + 1)} for i, u in enumerate(["u1", "u2"])}
    doc = mi.report(mi.score(small_dataset(values), mi.load_framework(FRAMEWORK)), lang="en")
    with pytest.raises(ReportError, match=r"^no such unit\(s\) in the results: u3$"):
        doc.write(tmp_path / "out", units=["u1", "u3"])
    assert not (tmp_path / "out").exists()
    paths = doc.write(tmp_path / "out", units=["u2", "u1", "u2"])
    assert [p.name for p in paths[1:-1]] == ["u2.html", "u1.html"]
