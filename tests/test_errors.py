"""The error classes: the one-line summary a DataValidationError prints."""

from __future__ import annotations

import math

import pandas as pd

import mint_index as mi


def test_summary_names_a_row_and_column_only_where_there_is_one() -> None:
    """A missing row or column (None, NaN, or pandas' NA, as a text column holds it) is
    left out: pd.NA once broke the summary (its truth value is ambiguous), and a column
    given as None read ``:nan`` under pandas 3."""
    failures = pd.DataFrame(
        {
            "source": ["a.csv", "b.csv", "c.csv", "d.csv"],
            "row": pd.array([2, None, None, None], dtype=object),
            "column": ["unit", "", None, "value"],
            "value": ["", "", "", "x"],
            "reason": ["r1", "r2", "r3", "r4"],
        }
    )
    failures.loc[2, "row"] = math.nan
    failures.loc[3, "row"] = pd.NA
    lines = str(mi.DataValidationError(failures)).splitlines()
    assert lines[0] == "4 problem(s) in the data:"
    assert lines[1].split() == ["a.csv:2:unit", "r1"]
    assert lines[2].split() == ["b.csv", "r2"]
    assert lines[3].split() == ["c.csv", "r3"]
    assert lines[4].split() == ["d.csv:value", "r4", "(value", "'x')"]


def test_problems_alike_are_one_line_naming_their_rows_and_first_values() -> None:
    """Fifty-two keys stored as numbers in one column were fifty-two lines, so the
    twenty a summary shows hid every other problem. Problems that differ only in row and
    value are one line from three on; two stay two lines."""
    rows = [*range(8, 60), 61]
    flood = {
        "source": ["k.xlsx"] * len(rows),
        "row": rows,
        "column": ["GKZ"] * len(rows),
        "value": [str(100 + r) for r in rows],
        "reason": ["unit key stored as a number"] * len(rows),
    }
    pair = {
        "source": ["k.xlsx"] * 2,
        "row": [70, 71],
        "column": ["Anzahl"] * 2,
        "value": ["x", "y"],
        "reason": ["not a number"] * 2,
    }
    failures = pd.concat([pd.DataFrame(flood), pd.DataFrame(pair)], ignore_index=True)
    lines = str(mi.DataValidationError(failures)).splitlines()
    assert lines == [
        "55 problem(s) in the data:",
        "  k.xlsx:8-59, 61:GKZ  unit key stored as a number (53 times; values '108', '109',"
        " '110', ...)",
        "  k.xlsx:70:Anzahl  not a number (value 'x')",
        "  k.xlsx:71:Anzahl  not a number (value 'y')",
    ]


def test_alike_keeps_every_row_and_names_rows_that_are_no_numbers() -> None:
    from mint_index.errors import alike

    records = [
        {"source": "s", "row": row, "column": "c", "reason": "r", "value": None}
        for row in (3, 1, 2, "Tabelle 2", 5, 2)
    ]
    (merged,) = alike(records)
    assert merged["count"] == 6
    assert merged["row"] == "1-3, 5, Tabelle 2"
    assert merged["values"] == []  # no value to show
    many = [{"source": "s", "row": 2 * r, "reason": "r"} for r in range(10)]
    assert alike(many)[0]["row"] == "0, 2, 4, 6, 8, 10, ..."


def test_a_value_is_quoted_once() -> None:
    """A key with a tab was shown ``(value 'ab\\\\x09c')``: the checks write control
    characters as escapes, and the line's ``repr`` escaped those again. A raw control
    character is still escaped, never printed."""
    from mint_index.errors import problem_line

    def line(value: object) -> str:
        return problem_line(
            {"source": "s.csv", "row": 2, "column": "unit", "value": value, "reason": "r"}
        )

    assert line("ab\\x09c").endswith("r (value 'ab\\x09c')")  # as the file's reader wrote it
    assert line("a\x1bb").endswith("r (value 'a\\x1bb')")  # ESC itself never reaches a terminal
    assert line("it's").endswith("""r (value "it's")""")
    assert line(3.5).endswith("r (value 3.5)")
