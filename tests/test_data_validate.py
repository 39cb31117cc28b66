"""Validation: one test per failure, asserting the reason and where it is; warnings;
strict mode; every problem collected into one error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.data.validate import KEYLESS_ROW, malformed_keys

SOURCE = {"publisher": "Test"}
TEXT = {"de": "x", "en": "x"}


@pytest.fixture(scope="module")
def framework() -> mi.Framework:
    """One variable of every declared unit and one indicator of every compute type."""

    def indicator(ind_id: str, kind: str, compute: dict, **extra: object) -> dict:
        return {
            "id": ind_id,
            "parent": "index",
            "name": TEXT,
            "description": TEXT,
            "unit": "%",
            "direction": "higher",
            "kind": kind,
            "compute": compute,
            "source": SOURCE,
            **extra,
        }

    return mi.Framework.model_validate(
        {
            "framework": {"id": "validate", "label": TEXT},
            "index": {"id": "index", "label": TEXT},
            "variables": [
                {"id": "employed", "unit": "count"},
                {"id": "residents", "unit": "count"},
                {"id": "rate", "unit": "percent"},
                {"id": "share", "unit": "share"},
                {"id": "council", "unit": "code"},
                {"id": "grp_n", "unit": "count"},
                {"id": "grp_d", "unit": "count"},
                {"id": "ref_n", "unit": "count"},
                {"id": "ref_d", "unit": "count"},
                {"id": "index_value", "unit": "number"},
            ],
            "indicators": [
                indicator(
                    "employment",
                    "rate",
                    {
                        "type": "ratio",
                        "numerator": "employed",
                        "denominator": "residents",
                        "scale": 100,
                    },
                ),
                indicator("rate_ind", "rate", {"type": "direct", "variable": "rate"}),
                indicator("share_ind", "rate", {"type": "direct", "variable": "share"}),
                indicator(
                    "council_ind",
                    "ordinal",
                    {"type": "direct", "variable": "council"},
                    levels=[
                        {"value": 0, "score": 0},
                        {"value": 1, "score": 50},
                        {"value": 2, "score": 100},
                    ],
                ),
                indicator(
                    "gap",
                    "parity_gap",
                    {
                        "type": "parity",
                        "group": {"numerator": "grp_n", "denominator": "grp_d"},
                        "reference": {"numerator": "ref_n", "denominator": "ref_d"},
                    },
                ),
                indicator("other", "count", {"type": "direct", "variable": "index_value"}),
            ],
        }
    )


GOOD = {
    "employed": 40.0,
    "residents": 100.0,
    "rate": 55.0,
    "share": 0.4,
    "council": 1.0,
    "grp_n": 5.0,
    "grp_d": 10.0,
    "ref_n": 8.0,
    "ref_d": 10.0,
    "index_value": -3.5,
}


def frame(**changes: dict[str, object]) -> pd.DataFrame:
    """Wide data for units A01/B02 in 2020; ``changes`` maps unit -> {variable: value}."""
    rows = [
        {"unit": unit, "year": 2020, **GOOD, **changes.get(unit, {})} for unit in ("A01", "B02")
    ]
    return pd.DataFrame(rows)


def failures_of(
    data: object, framework: mi.Framework | None = None, **kwargs: object
) -> pd.DataFrame:
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(data, framework, **kwargs)
    return err.value.failures


def only(failures: pd.DataFrame) -> pd.Series:
    assert len(failures) == 1, failures.to_string()
    return failures.iloc[0]


def test_clean_data_pass(framework: mi.Framework) -> None:
    ds = mi.load_data(frame(), framework)
    assert ds.shape == (1, 2, len(GOOD))
    assert ds.warnings.empty
    # no warnings: the same columns as warnings and errors have, ``code`` too, so a
    # program can filter by code whatever the data drop held
    assert list(ds.warnings.columns) == ["source", "row", "column", "value", "reason", "code"]
    assert list(mi.Dataset.from_long(ds.long).warnings.columns) == list(ds.warnings.columns)


def test_variable_the_framework_needs_is_missing(framework: mi.Framework) -> None:
    failure = only(failures_of(frame().drop(columns=["ref_d"]), framework))
    assert (failure["source"], failure["column"]) == ("<DataFrame>", "ref_d")  # every source read
    assert failure["reason"] == "variable needed by gap is missing from the data"


def test_non_numeric_cell(framework: mi.Framework) -> None:
    data = frame(B02={"rate": "fifty"})
    failure = only(failures_of(data, framework))
    assert (failure["source"], failure["row"], failure["column"]) == ("<DataFrame>", 1, "rate")
    assert (failure["value"], failure["reason"]) == ("fifty", "not a number")


def test_duplicate_unit_year_variable(tmp_path: Path, framework: mi.Framework) -> None:
    path = tmp_path / "long.csv"
    path.write_text("unit,year,variable,value\nA01,2020,rate,5\nB02,2020,rate,6\nA01,2020,rate,7\n")
    failures = failures_of(path, layout="long")
    assert list(failures["row"]) == [2, 4]  # both lines of the file
    assert set(failures["reason"]) == {"duplicate (unit, year, variable)"}
    assert list(failures["value"]) == ["5", "7"]
    assert set(failures["unit"]) == {"A01"} and set(failures["variable"]) == {"rate"}


def test_duplicate_across_two_sources(framework: mi.Framework) -> None:
    failures = failures_of([frame(), frame(B02={"rate": 56.0})], framework)
    assert set(failures["reason"]) == {"duplicate (unit, year, variable)"}
    assert set(failures["source"]) == {"<DataFrame 1>", "<DataFrame 2>"}
    assert failures[["unit", "variable", "value"]].values.tolist() == [
        ["B02", "rate", "55"],
        ["B02", "rate", "56"],
    ]
    # the cells both sources agree on are read once, each repeat with a warning
    ds = mi.load_data([frame(), frame()], framework)
    np.testing.assert_array_equal(ds.values, mi.load_data(frame(), framework).values)
    repeats = ds.warnings.query("code == 'repeated_cell'")
    assert len(repeats) == 2 * len(GOOD) and set(repeats["source"]) == {"<DataFrame 2>"}


def test_a_repeated_row_is_read_once_and_counted_once(tmp_path: Path) -> None:
    # an Open SDG export lists a district twice, word for word (indicator_1-3-1 of the
    # Integrationsmonitoring Niedersachsen); half the unit-years have a value
    path = tmp_path / "long.csv"
    path.write_text("unit,year,variable,value\nA01,2020,rate,5\nA01,2020,rate,5\nB02,2020,rate,\n")
    ds = mi.load_data(path, layout="long", min_coverage=0.6)
    assert ds.values[0, 0, 0] == 5.0 and np.isnan(ds.values[0, 1, 0])
    warned = ds.warnings.set_index("code")
    assert warned.loc["repeated_cell", "row"] == 3
    assert warned.loc["low_coverage", "value"] == "50%"  # the repeat does not count


def test_negative_count(framework: mi.Framework) -> None:
    failure = only(failures_of(frame(A01={"employed": -4}), framework))
    assert (failure["row"], failure["column"], failure["value"]) == (0, "employed", "-4")
    assert failure["reason"] == "negative count"


@pytest.mark.parametrize("value", [100.5, -0.1])
def test_percentage_outside_0_100(framework: mi.Framework, value: float) -> None:
    failure = only(failures_of(frame(B02={"rate": value}), framework))
    assert (failure["row"], failure["column"]) == (1, "rate")
    assert failure["reason"] == "percentage outside 0..100"


def test_share_outside_0_1(framework: mi.Framework) -> None:
    failure = only(failures_of(frame(A01={"share": 40}), framework))  # a percent, not a share
    assert (failure["row"], failure["column"], failure["value"]) == (0, "share", "40")
    assert failure["reason"] == "share outside 0..1"


def test_number_unit_has_no_range(framework: mi.Framework) -> None:
    assert mi.load_data(frame(A01={"index_value": -1e6}), framework).shape[1] == 2


def test_code_that_is_not_an_answer_level(framework: mi.Framework) -> None:
    failure = only(failures_of(frame(B02={"council": 3}), framework))
    assert (failure["row"], failure["column"]) == (1, "council")
    assert failure["reason"] == "not an answer level of council_ind (0, 1, 2)"


@pytest.mark.parametrize(
    ("variable", "numerator", "indicator"),
    [("residents", "employed", "employment"), ("grp_d", "grp_n", "gap"), ("ref_d", "ref_n", "gap")],
)
def test_zero_denominator_under_a_nonzero_numerator(
    framework: mi.Framework, variable: str, numerator: str, indicator: str
) -> None:
    failure = only(failures_of(frame(A01={variable: 0}), framework))
    assert (failure["row"], failure["column"], failure["value"]) == (0, variable, "0")
    expected = f"zero denominator of {indicator} while {numerator} is {GOOD[numerator]:g}"
    assert failure["reason"] == expected


def test_zero_of_zero_is_a_warning(framework: mi.Framework) -> None:
    data = frame(A01={"employed": 0, "residents": 0}, B02={"employed": None, "residents": 0})
    ds = mi.load_data(data, framework)
    warning = only(ds.warnings)
    assert (warning["column"], warning["value"]) == ("residents", "2")
    assert warning["reason"].startswith("zero denominator of employment in 2 unit-year(s)")
    assert ds.values[0, 0, ds.variables.index("residents")] == 0  # the data stay as given


def test_lost_leading_zero_is_reported_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("unit,year,x\n01001000,2020,1\n1002000,2020,2\n09162000,2020,3\n")
    failure = only(failures_of(path))
    assert (failure["row"], failure["column"], failure["value"]) == (3, "unit", "1002000")
    assert "7 digits where keys have 8" in failure["reason"]
    # one reason for every such key, so that they are listed as one line; it says how
    # to restore them
    assert "key: {pad: auto}" in failure["reason"] and "key: {pad: 8}" in failure["reason"]


def test_lost_leading_zero_found_through_the_units_table(tmp_path: Path) -> None:
    units = pd.DataFrame({"unit": ["01001000"], "name": ["Flensburg"]})
    failure = only(
        failures_of(pd.DataFrame({"unit": ["1001000"], "year": [2020], "x": [1]}), units=units)
    )
    assert failure["value"] == "1001000"
    assert "leading zero" in failure["reason"]


def test_integer_unit_column_in_a_dataframe() -> None:
    failure = only(failures_of(pd.DataFrame({"unit": [1001000], "year": [2020], "x": [1]})))
    assert (failure["column"], failure["value"]) == ("unit", "int64")
    assert "leading zeros may be lost" in failure["reason"]


@pytest.mark.parametrize(
    ("key", "reason", "code"),
    [
        ("", KEYLESS_ROW, "empty_key"),
        (
            "1001000.0",
            "unit key looks like a number read as decimal; read keys as text",
            "malformed_key",
        ),
    ],
)
def test_malformed_unit_key(tmp_path: Path, key: str, reason: str, code: str) -> None:
    path = tmp_path / "w.csv"
    path.write_text(f"unit,year,x\n01001000,2020,1\n{key},2020,2\n")
    failure = only(failures_of(path))
    assert (failure["row"], failure["column"], failure["reason"]) == (3, "unit", reason)
    assert failure["code"] == code


def test_every_row_without_a_key_is_reported_once_and_not_as_a_copy(tmp_path: Path) -> None:
    # a Landesamt's table lists groupings of districts without keys beside the districts
    # (Integrationsmonitoring Niedersachsen, indicator 1.3.2): each such row is one
    # problem, at its own line, and the rows are not copies of one another
    path = tmp_path / "w.csv"
    path.write_text(
        "AGS;Name;Jahr;Anzahl;Prozent\n"
        ";Ostniedersachsen;2019;250,8;100\n"
        ";Südniedersachsen;2019;101,8;100\n"
        "03241;Region Hannover;2019;346,4;100\n"
        ";Weser-Leine-Bergland;2019;114,3;100\n"
    )
    failures = failures_of(path)
    assert failures["code"].tolist() == ["empty_key"] * 3
    assert failures["row"].tolist() == [2, 3, 5]
    assert set(failures["column"]) == {"unit"}
    # each problem shows the region its row names
    assert failures["value"].tolist() == [
        "Ostniedersachsen",
        "Südniedersachsen",
        "Weser-Leine-Bergland",
    ]


def test_rows_without_a_key_are_left_out_with_the_other_units(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "AGS;Name;Jahr;Anzahl\n;Ostniedersachsen;2019;250,8\n03241;Region Hannover;2019;346,4\n"
    )
    units = pd.DataFrame({"unit": ["03241"], "name": ["Region Hannover"]})
    data = mi.load_data(path, units=units, other_units="leave_out")
    assert list(data.unit_ids) == ["03241"]
    assert data.values[0, 0, 0] == pytest.approx(346.4)


def test_malformed_keys_need_evidence() -> None:
    # 4-digit codes alone are just codes: no key of the official length 5 is present
    assert malformed_keys(pd.Series(["1234", "0123", "DG", "K03101", "123456"])).isna().all()
    flagged = malformed_keys(pd.Series(["1234", "01234", "0123"]))
    assert flagged.notna().tolist() == [True, False, False]  # "0123" was never a number


def test_unit_missing_from_the_units_table() -> None:
    units = pd.DataFrame({"unit": ["A01"], "name": ["Alpha"]})
    failure = only(failures_of(frame(), units=units))
    assert (failure["row"], failure["column"], failure["value"]) == (1, "unit", "B02")
    assert failure["reason"] == "unit missing from the units table"


def test_a_unit_of_the_units_table_without_data_is_a_warning() -> None:
    """A municipality the units table lists but whose figures no source gives was left
    out of every result and report without a word. One that existed only before the
    data's years (merged in 2019, data of 2020 and 2021) or begins after them is not
    missed; one that exists in one of those years is."""
    data = pd.DataFrame({"unit": ["A01", "A01"], "year": [2020, 2021], "x": [1.0, 2.0]})
    units = pd.DataFrame(
        {
            "unit": ["A01", "B02", "C03", "D04", "E05"],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"],
            "valid_from": [None, None, None, 2022, 2021],
            "valid_to": [None, None, 2019, None, None],
        }
    )
    dataset = mi.load_data(data, units=units)
    warned = dataset.warnings.query("code == 'unit_without_data'")
    assert warned["value"].tolist() == ["B02", "E05"]  # C03 ended, D04 not begun
    assert set(warned["source"]) == {"<units table>"} and set(warned["column"]) == {"unit"}
    assert list(dataset.unit_ids) == ["A01"]  # nothing is made up for them
    with pytest.raises(mi.DataValidationError):  # CI's validate --strict fails on them
        mi.load_data(data, units=units, strict=True)


def test_every_problem_is_collected_into_one_error(framework: mi.Framework) -> None:
    data = frame(A01={"employed": -1, "rate": 101}, B02={"share": "?"}).drop(columns="ref_d")
    units = pd.DataFrame({"unit": ["A01"]})
    failures = failures_of(data, framework, units=units)
    assert set(failures["reason"]) == {
        "variable needed by gap is missing from the data",
        "negative count",
        "percentage outside 0..100",
        "not a number",
        "unit missing from the units table",
    }


# ---- warnings -----------------------------------------------------------------------
def test_unknown_extra_variable_is_a_warning(framework: mi.Framework) -> None:
    ds = mi.load_data(frame().assign(extra=1.0), framework)
    warning = only(ds.warnings)
    assert (warning["column"], warning["reason"]) == (
        "extra",
        "variable is not used by the framework",
    )


def test_low_coverage_is_a_warning(framework: mi.Framework) -> None:
    data = frame(A01={"rate": None}, B02={"rate": None})
    data.loc[0, "rate"] = 50.0  # one of two unit-years has a value
    ds = mi.load_data(data, framework, min_coverage=0.6)
    warning = only(ds.warnings)
    assert (warning["column"], warning["value"]) == ("rate", "50%")
    assert warning["reason"] == "low coverage: 50% of unit-years have a value (minimum 60%)"
    assert mi.load_data(data, framework, min_coverage=0.5).warnings.empty


def test_strict_turns_warnings_into_errors(framework: mi.Framework) -> None:
    failure = only(failures_of(frame().assign(extra=1.0), framework, strict=True))
    assert failure["reason"] == "variable is not used by the framework"


def test_small_framework_fixture_validates(small_framework: mi.Framework) -> None:
    from helpers import make_small_long

    ds = mi.load_data(make_small_long(), small_framework)
    assert set(small_framework.required_variables()) <= set(ds.variables)


def test_numerator_above_its_denominator_names_the_numerator_cell(
    framework: mi.Framework,
) -> None:
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(frame(B02={"employed": 120.0}), framework)
    failures = err.value.failures
    assert list(failures["code"]) == ["numerator_above_denominator"]
    bad = failures.iloc[0]
    assert (bad["unit"], bad["column"], bad["value"]) == ("B02", "employed", "120")
    assert "residents (100)" in bad["reason"]


def test_every_failure_has_a_code_and_a_message(framework: mi.Framework) -> None:
    data = frame(
        A01={"employed": -1.0, "rate": 101.0, "share": 2.0, "council": 7.0},
        B02={"grp_n": 11.0, "residents": "abc"},
    ).drop(columns=["ref_n"])
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(data, framework)
    failures = err.value.failures
    assert set(failures["code"]) == {
        "negative_count",
        "percent_out_of_range",
        "share_out_of_range",
        "not_an_answer_level",
        "numerator_above_denominator",
        "not_a_number",
        "missing_variable",
    }
    assert failures["reason"].map(lambda r: isinstance(r, str) and len(r) > 5).all()


def test_own_numbering_is_no_lost_leading_zero(tmp_path: Path) -> None:
    """München's Stadtbezirke 1-25: keys of one and two digits are a town's own
    numbering, not Länder keys that lost a zero. The bare check called 1..9 short (the
    keys 10..25 beside them as evidence), so a units table of the districts was refused,
    even with ``scheme: own``, and inspect pasted ``pad: auto``, which made district 1
    Schleswig-Holstein (``01``) and district 17 a Regierungsbezirk (``017``)."""
    keys = pd.Series([str(d) for d in range(1, 26)])
    assert malformed_keys(keys).notna().sum() == 0
    # the padded key in the units table is still evidence: ``1`` where it lists ``01``
    assert malformed_keys(pd.Series(["1", "2", "3"]), known=["01", "02", "03"]).notna().all()
    data = pd.DataFrame({"unit": list(keys), "year": 2020, "pop": range(25)})
    ds = mi.load_data(data)  # the source's scheme is recognised as own numbering
    assert ds.shape[1] == 25
    units = tmp_path / "bezirke.csv"
    units.write_text("Nr;name\n" + "".join(f"{d};Bezirk {d}\n" for d in range(1, 26)))
    with_table = mi.load_data(data, units=units)
    assert sorted(with_table.unit_ids, key=int) == list(keys)
    source = tmp_path / "einwohner.csv"
    source.write_text(
        "Jahr;Stadtbezirk Nr.;Stadtbezirk;Einwohner\n"
        + "".join(f"2023;{d};Bezirk {d};{50000 + d}\n" for d in range(1, 26))
    )
    from mint_index.data.load import describe_source
    from mint_index.data.source import SourceSpec

    assert describe_source(SourceSpec(path=str(source))).proposed_key == {}


def test_problems_about_the_whole_data_name_their_sources(tmp_path: Path) -> None:
    """A variable no file has names every file read; an unused one names the file holding
    it (read by hand from the two files below), never ``<data>``."""
    (tmp_path / "a.csv").write_text(
        "unit,year,variable,value\n01001000,2022,pop,5\n01001000,2022,extra,1\n"
    )
    (tmp_path / "b.csv").write_text("unit,year,variable,value\n01002000,2022,pop,6\n")
    a, b = (tmp_path / "a.csv").as_posix(), (tmp_path / "b.csv").as_posix()
    with pytest.raises(mi.DataValidationError) as info:
        mi.load_data([tmp_path / "a.csv", tmp_path / "b.csv"], mi.default_framework())
    missing = info.value.failures.set_index("column")
    assert missing.loc["council_seats_mig", "source"] == f"{a}, {b}"
    unused = info.value.warnings.set_index("column")
    assert unused.loc["extra", "source"] == a
    assert "<data>" not in set(info.value.failures["source"]) | set(info.value.warnings["source"])


def test_a_unit_missing_from_one_years_data_is_a_warning() -> None:
    """A town left out of the new year's file passed ``validate --strict``: only a unit
    with no cell in any year was missed. Each year a unit exists in without a cell is a
    warning now; a year before it was created is not."""
    data = pd.DataFrame(
        {"unit": ["A01", "A01", "B02", "C03"], "year": [2020, 2021, 2020, 2021], "x": 1.0}
    )
    units = pd.DataFrame({"unit": ["A01", "B02", "C03"], "valid_from": [None, None, 2021]})
    warned = mi.load_data(data, units=units).warnings.query("code == 'unit_without_data'")
    assert warned["value"].tolist() == ["B02"]  # C03 begins in 2021: 2020 is not missed
    assert warned["reason"].tolist() == [
        "the units table lists this unit in 2021, but no source gives data for it that "
        "year: it is not scored in it"
    ]


def test_coverage_counts_the_unit_years_that_exist() -> None:
    """A Gebietsreform failed every ``--strict`` run: coverage divided by every unit in
    every year, the merged towns' later years and the new town's earlier ones too. Four
    towns in 2024 (two merge into a new one in 2025): 7 unit-years exist; a variable with
    4 values has 4/7 = 57 %, above the minimum of 50 % (it read 4/10 = 40 %)."""
    rows = [("A", 2024), ("B", 2024), ("C", 2024), ("D", 2024), ("A", 2025), ("B", 2025)]
    rows += [("N", 2025)]
    data = pd.DataFrame(rows, columns=["unit", "year"])
    data["x"] = [1.0, 2.0, 3.0, 4.0, None, None, None]  # 4 values
    data["y"] = 1.0
    units = pd.DataFrame(
        {
            "unit": ["A", "B", "C", "D", "N"],
            "valid_from": [None, None, None, None, 2025],
            "valid_to": [None, None, 2024, 2024, None],
        }
    )
    dataset = mi.load_data(data, units=units, min_coverage=0.5)
    assert "low_coverage" not in set(dataset.warnings["code"])
    low = mi.load_data(data, units=units, min_coverage=0.6).warnings  # 57 % < 60 %
    assert low.query("code == 'low_coverage'")["value"].tolist() == ["57%"]


def test_a_key_the_units_table_lists_in_another_spelling_says_how_to_read_it() -> None:
    """INKAR's ``1001`` for Flensburg ``01001``, a Landesamt's ``412000`` for Frankfurt
    ``06412000``: each row was "unit missing from the units table", with no word that the
    table lists it with its zero or its Land's key. A key it lists in no spelling keeps
    the plain reason."""
    data = pd.DataFrame({"unit": ["1001", "1002", "9999"], "year": 2023, "x": 1.0})
    units = pd.DataFrame({"unit": ["01001", "01002"], "name": ["Flensburg", "Kiel"]})
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(data, units=units)
    reasons = err.value.failures.set_index("value")["reason"]
    assert (
        reasons["1001"]
        == reasons["1002"]
        == (
            "unit missing from the units table, which lists it with a leading zero: "
            "key: {pad: auto} gives back the zero a number lost"
        )
    )
    assert reasons["9999"] == "unit missing from the units table"
    hessen = pd.DataFrame({"unit": ["06412000", "06414000"], "name": ["Frankfurt", "Wiesbaden"]})
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(pd.DataFrame({"unit": ["412000"], "year": 2023, "x": 1.0}), units=hessen)
    assert err.value.failures["reason"].tolist() == [
        "unit missing from the units table, which lists it after the Land's key 06: "
        'key: {prefix: "06"} adds the key the table leaves out'
    ]


def test_figures_of_a_unit_in_a_year_it_does_not_exist_are_a_warning() -> None:
    """A merged town's rows still in the next year's drop were not scored and nothing
    said so; a ``valid_from`` after its ``valid_to`` (a typo) left a unit out of every
    year without a word."""
    data = pd.DataFrame({"unit": ["A", "B", "B"], "year": [2025, 2024, 2025], "x": 1.0})
    units = pd.DataFrame({"unit": ["A", "B"], "valid_to": [None, 2024]})
    warned = mi.load_data(data, units=units).warnings.query("code == 'unit_not_existing'")
    assert warned["value"].tolist() == ["B"]
    assert "in 2025, a year the units table says it does not exist in" in warned["reason"].iloc[0]
    inverted = pd.DataFrame(
        {"unit": ["A", "B"], "valid_from": [2025, None], "valid_to": [2020, None]}
    )
    with pytest.raises(mi.DataValidationError) as err:
        mi.load_data(data, units=inverted)
    assert "valid_from is after valid_to: the unit would exist in no year" in set(
        err.value.failures["reason"]
    )
