"""The one cube builder (``build_cube``) and the Dataset constructors that use it, checked
against cubes worked out by hand from the missing-reason rule: a NaN without a recorded
reason is ``missing``, a cell the input has no row for is ``not_in_data``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data.dataset import (
    FLAGS,
    MISSING_REASONS,
    Dataset,
    build_cube,
    repeated_cells,
)
from mint_index.errors import DataValidationError

NONE = 0
MISSING = MISSING_REASONS.index("missing")
LOCKED = MISSING_REASONS.index("locked")
NOT_IN_DATA = MISSING_REASONS.index("not_in_data")
PROVISIONAL = FLAGS.index("provisional")
NAN = np.nan

#: Units A, B; years 2020, 2021; variables x, y. A 2021 y and B 2021 x have no row;
#: A 2020 y is NaN without a reason, B 2020 x is NaN recorded as locked ("x" in GENESIS).
TINY = pd.DataFrame(
    {
        "unit": ["A", "A", "B", "B", "A", "B"],
        "year": [2020, 2020, 2020, 2020, 2021, 2021],
        "variable": ["x", "y", "x", "y", "x", "y"],
        "value": [1.0, NAN, NAN, 4.0, 5.0, 7.0],
        "missing_reason": [None, None, "locked", None, None, None],
        "flag": [None, None, None, "provisional", None, None],
    }
)

# [year][unit][variable], by hand from the table above
VALUES = [[[1.0, NAN], [NAN, 4.0]], [[5.0, NAN], [NAN, 7.0]]]
REASONS = [[[NONE, MISSING], [LOCKED, NONE]], [[NONE, NOT_IN_DATA], [NOT_IN_DATA, NONE]]]
FLAGGED = [[[0, 0], [0, PROVISIONAL]], [[0, 0], [0, 0]]]


def _assert_cube(data: Dataset, values: list, reasons: list, flags: list) -> None:
    assert list(data.years) == [2020, 2021]
    assert list(data.unit_ids) == ["A", "B"]
    assert data.variables == ["x", "y"]
    np.testing.assert_array_equal(data.values, np.array(values))
    np.testing.assert_array_equal(data.reason, np.array(reasons, dtype=np.int8))
    np.testing.assert_array_equal(data.flag, np.array(flags, dtype=np.int8))


def test_build_cube_by_hand() -> None:
    # flat position = (year * 2 units + unit) * 2 variables + variable;
    # A 2021 x (position 4) is given twice: the later copy (6.0) stays
    at = np.array([0, 1, 2, 3, 4, 4, 7])
    value = np.array([1.0, NAN, NAN, 4.0, 5.0, 6.0, 7.0])
    reason = np.array([NONE, NONE, LOCKED, NONE, NONE, NONE, NONE], dtype=np.int8)
    flag = np.array([0, 0, 0, PROVISIONAL, 0, 0, 0], dtype=np.int8)
    values, reasons, flags = build_cube((2, 2, 2), at, value, reason, flag)
    np.testing.assert_array_equal(values.ravel(), [1.0, NAN, NAN, 4.0, 6.0, NAN, NAN, 7.0])
    assert reasons.ravel().tolist() == [0, MISSING, LOCKED, 0, 0, NOT_IN_DATA, NOT_IN_DATA, 0]
    assert flags.ravel().tolist() == [0, 0, 0, PROVISIONAL, 0, 0, 0, 0]
    assert (reasons.dtype, flags.dtype) == (np.int8, np.int8)


def test_build_cube_without_recorded_codes() -> None:
    values, reasons, flags = build_cube((1, 1, 3), np.array([2, 0]), np.array([NAN, 3.0]))
    np.testing.assert_array_equal(values.ravel(), [3.0, NAN, NAN])
    assert reasons.ravel().tolist() == [0, NOT_IN_DATA, MISSING]
    assert flags.ravel().tolist() == [0, 0, 0]


def test_from_long_and_load_data_give_the_hand_cube() -> None:
    _assert_cube(Dataset.from_long(TINY), VALUES, REASONS, FLAGGED)
    _assert_cube(mi.load_data(TINY), VALUES, REASONS, FLAGGED)


def test_a_duplicate_cell_is_reported_by_both_entries() -> None:
    twice = pd.concat([TINY, TINY.iloc[[4]].assign(value=6.0)], ignore_index=True)
    with pytest.raises(DataValidationError) as raised:
        Dataset.from_long(twice)
    failures = raised.value.failures
    assert failures["code"].tolist() == ["duplicate_cell", "duplicate_cell"]
    assert failures["row"].tolist() == [4, 6]
    with pytest.raises(DataValidationError) as raised:
        mi.load_data(twice)
    assert "duplicate_cell" in raised.value.failures["code"].tolist()


def test_a_duplicate_quotes_its_figures_whole() -> None:
    """Two populations of one Land, 4914500 and 4914530, were both quoted ``4.9145e+06``:
    which row held which figure could not be read from the problem."""
    long = pd.DataFrame(
        {
            "unit": ["01", "01"],
            "year": [2023, 2023],
            "variable": ["pop", "pop"],
            "value": [4914500.0, 4914530.5],
        }
    )
    with pytest.raises(DataValidationError) as raised:
        mi.load_data(long)
    quoted = raised.value.failures.query("code == 'duplicate_cell'")["value"].tolist()
    assert quoted == ["4914500", "4914530.5"]


_CELL = st.tuples(
    st.integers(0, 3),  # cube position
    st.sampled_from([1.0, 2.0, NAN]),
    st.integers(0, 1),  # reason code
    st.integers(0, 1),  # flag code
)


@given(st.lists(_CELL, max_size=12))
def test_repeated_cells_follow_their_definition(cells: list[tuple[int, float, int, int]]) -> None:
    # worked out cell by cell: copies of a position clash when any two say different things
    # (NaN equals NaN); otherwise every copy after the first is a repeat
    def says(cell: tuple[int, float, int, int]) -> tuple[str, int, int]:
        return (repr(cell[1]), cell[2], cell[3])

    want_clash, want_repeat = [], []
    for i, cell in enumerate(cells):
        copies = [c for c in cells if c[0] == cell[0]]
        disagree = len({says(c) for c in copies}) > 1
        want_clash.append(len(copies) > 1 and disagree)
        earlier = any(c[0] == cell[0] for c in cells[:i])
        want_repeat.append(not disagree and earlier)
    at, value, reason, flag = (np.array([c[k] for c in cells]) for k in range(4))
    clash, repeat = repeated_cells(
        at.astype(np.int64), value.astype(float), reason.astype(np.int8), flag.astype(np.int8)
    )
    assert clash.tolist() == want_clash and repeat.tolist() == want_repeat


def test_from_wide_gives_the_hand_cube() -> None:
    wide = pd.DataFrame(  # no row for A 2021; B 2021 x is NaN; nothing records a reason
        {
            "unit": ["A", "B", "B"],
            "year": [2020, 2020, 2021],
            "x": [1.0, NAN, NAN],
            "y": [NAN, 4.0, 7.0],
        }
    )
    values = [[[1.0, NAN], [NAN, 4.0]], [[NAN, NAN], [NAN, 7.0]]]
    reasons = [[[NONE, MISSING], [MISSING, NONE]], [[NOT_IN_DATA, NOT_IN_DATA], [MISSING, NONE]]]
    no_flags = np.zeros((2, 2, 2), dtype=np.int8).tolist()
    _assert_cube(Dataset.from_wide(wide), values, reasons, no_flags)
    # a text column goes through from_long, with the same result
    _assert_cube(Dataset.from_wide(wide.astype({"x": object})), values, reasons, no_flags)


def test_repr_counts_the_warnings_by_code(tmp_path: Path) -> None:
    # a notebook shows what loading left out (a total row) or read with a note (a footnote)
    path = tmp_path / "t.csv"
    path.write_text("Nr;Einwohner\n101;12.345¹\n102;9.000\nSumme;21.345\n", encoding="utf-8")
    data = mi.load_data(path, year=2023)
    assert repr(data).endswith("1 variables; .warnings: footnote_mark 1, total_row 1)")
    assert ".warnings: footnote_mark 1, total_row 1" in data._repr_html_()
    assert repr(Dataset.from_long(TINY)) == "Dataset(2 units, 2 years (2020-2021), 2 variables)"


def test_from_wide_reads_the_wide_frame_back() -> None:
    """``Dataset.wide`` puts unit and year in the index; ``from_wide`` looked for columns
    and failed with a bare ``KeyError: 'unit'``. It reads index levels too; a frame with
    neither is an ArgumentError naming its columns."""
    from mint_index.errors import ArgumentError

    data = mi.example_data()
    again = mi.Dataset.from_wide(data.wide)
    np.testing.assert_array_equal(again.values, data.values)
    assert list(again.unit_ids) == list(data.unit_ids) and list(again.years) == list(data.years)
    with pytest.raises(ArgumentError, match="no 'unit' or 'year' column or index level"):
        mi.Dataset.from_wide(pd.DataFrame({"a": [1.0]}))
