"""Atomic file output (mint_index.files)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mint_index.files import atomic_write


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


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "page.html", "<p>hi</p>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
