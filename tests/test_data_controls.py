"""Control characters in ids and names are validation errors naming the cell."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mint_index as mi
from mint_index.data.controls import CONTROL_REASON, has_control, shown


def test_has_control_and_shown() -> None:
    values = np.array(["ok", "a\x1b[2Jb", "n\x00l", "t\tab", "\x9bx", "Grüße", None], dtype=object)
    assert has_control(values).tolist() == [False, True, True, True, True, False, False]
    assert shown(values[1:3]).tolist() == ["a\\x1b[2Jb", "n\\x00l"]
    # invisible: ``101`` and ``101`` with a zero-width space were two units; a
    # right-to-left override turns a name around on screen
    invisible = np.array(["101\u200b", "K\u202eln", "\ufeff05315000", "Bad Tölz"], dtype=object)
    assert has_control(invisible).tolist() == [True, True, True, False]
    assert shown(invisible[:2]).tolist() == ["101\\u200b", "K\\u202eln"]


def test_data_and_units_with_control_characters_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_bytes(
        b"unit,year,variable,value\n"
        b"01001000,2022,pop,5\n"
        b"0100\x1b[31m2000,2022,pop,6\n"
        b"01003000,2022,po\x00p,7\n"
    )
    units = tmp_path / "u.csv"
    units.write_bytes(b"unit,name\n01001000,Kiel\x07\n0100\x1b[31m2000,B\n01003000,C\n")
    with pytest.raises(mi.DataValidationError) as info:
        mi.load_data([data], units=units)
    failures = info.value.failures
    found = failures[failures["reason"] == CONTROL_REASON]
    # read by hand from the files above: (source, row, column, value shown)
    assert sorted(
        zip(
            found["source"].map(lambda s: Path(s).name),
            found["row"].astype(int),
            found["column"],
            found["value"],
            strict=True,
        )
    ) == [
        ("d.csv", 3, "unit", "0100\\x1b[31m2000"),
        ("d.csv", 4, "variable", "po\\x00p"),
        ("u.csv", 2, "name", "Kiel\\x07"),
        ("u.csv", 3, "unit", "0100\\x1b[31m2000"),
    ]
    assert set(found["code"]) == {"control_character"}


@pytest.mark.parametrize(
    ("name", "raw", "row"),
    [
        # a GENESIS region's name, line 4 of the file
        (
            "g.csv",
            b"GENESIS-Tabelle: 12411-01-01-4\n;;31.12.2015\n;;Insgesamt\n"
            b"01001;Flens\x00burg;85942\n01002;Kiel;246794\n__________\n",
            4,
        ),
        # a plain table's name column, line 3
        ("p.csv", b"AGS;Name;Einwohner\n05111000;Duesseldorf;2\n05315000;K\x1bln;1\n", 3),
    ],
)
def test_a_unit_name_a_source_gives_with_a_control_character_is_refused(
    tmp_path: Path, name: str, raw: bytes, row: int
) -> None:
    """The names beside a source's keys become the units' names in reports; a NUL in a
    GENESIS region's name went there without a word."""
    (tmp_path / name).write_bytes(raw)
    with pytest.raises(mi.DataValidationError) as info:
        mi.load_data(tmp_path / name, year=2015)
    (problem,) = info.value.failures.itertuples()
    assert (problem.code, problem.row, problem.column) == ("control_character", row, "name")
    assert "\\x" in problem.value and "\x00" not in problem.value and "\x1b" not in problem.value


def test_a_name_typed_over_two_lines_of_a_cell_is_one_name(tmp_path: Path) -> None:
    """A name cell with a line break (``Köln,`` / ``Stadt``, Alt+Enter in a spreadsheet)
    is a name, not a control character: its line break reads as a space."""
    (tmp_path / "n.csv").write_text('AGS;Name;Einwohner\n05315000;"Köln,\nStadt";1\n')
    data = mi.load_data(tmp_path / "n.csv", year=2023)
    assert data.units.loc["05315000", "name"] == "Köln, Stadt"
