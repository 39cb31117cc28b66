"""Sources that name their units (``key: {match: name}``), matched to the units table's keys.

Every expected key below is read by hand from the units table each test writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mint_index as mi
from mint_index.data.keys import comparable_names
from mint_index.data.load import load_sources
from mint_index.data.readers import Table
from mint_index.data.source import SourceSpec
from mint_index.data.unit_names import match_unit_names
from mint_index.errors import DataValidationError

UNITS = (
    "AGS;name;population\n"
    "09171111;Altötting;13000\n"
    "09171112;Burghausen;18000\n"
    "09171113;Bad Neustadt-Nord;5000\n"
    "09999001;Neustadt;4000\n"
    "09999002;Neustadt;6000\n"
)
BY_NAME = SourceSpec(path="kita.csv", year=2023, key={"match": "name"})


def _write(folder: Path, data: str, units: str = UNITS) -> Path:
    (folder / "kita.csv").write_text(data, encoding="utf-8")
    (folder / "units.csv").write_text(units, encoding="utf-8")
    return folder / "units.csv"


def _cells(ds: mi.Dataset) -> dict[tuple[str, str], float]:
    long = ds.long
    cells = zip(long["unit"], long["variable"], long["value"], strict=True)
    return {(u, v): float(x) for u, v, x in cells}


def test_names_in_any_case_spacing_and_dash_style_get_their_keys(tmp_path: Path) -> None:
    units = _write(
        tmp_path,
        "Gemeinde;Plätze\n"
        "ALTÖTTING;120\n"
        "  burghausen\u00a0;80\n"  # a no-break space, as pasted from a web page
        "Bad Neustadt \u2013 Nord;15\n"  # an en dash with spaces
        "Insgesamt;215\n",
    )
    ds = load_sources([BY_NAME], units=units, base_dir=tmp_path)
    assert _cells(ds) == pytest.approx(
        {("09171111", "Plätze"): 120.0, ("09171112", "Plätze"): 80.0, ("09171113", "Plätze"): 15.0}
    )
    # the units table's own spelling stays the name
    assert ds.units.loc["09171112", "name"] == "Burghausen"
    # the total row, and the two units of the table the file has no figures of
    assert list(ds.warnings["code"]) == ["total_row", "unit_without_data", "unit_without_data"]
    assert list(ds.warnings["value"])[1:] == ["09999001", "09999002"]


def test_a_named_source_joins_a_keyed_one(tmp_path: Path) -> None:
    units = _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\nBurghausen;80\n")
    (tmp_path / "keyed.csv").write_text("AGS;Einwohner\n09171111;13100\n09171112;18200\n")
    specs = [BY_NAME, SourceSpec(path="keyed.csv", year=2023)]
    cells = _cells(load_sources(specs, units=units, base_dir=tmp_path))
    assert cells[("09171111", "Plätze")] == 120.0
    assert cells[("09171111", "Einwohner")] == 13100.0
    assert len({u for u, _ in cells}) == 2  # two units, not four


def test_unknown_and_ambiguous_names_are_reported_at_their_rows(tmp_path: Path) -> None:
    units = _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\nBurghauzen;80\nNeustadt;9\n")
    with pytest.raises(DataValidationError) as caught:
        load_sources([BY_NAME], units=units, base_dir=tmp_path)
    found = caught.value.failures.set_index("code")
    assert sorted(found.index) == ["ambiguous_unit_name", "unknown_unit_name"]
    unknown = found.loc["unknown_unit_name"]
    assert (unknown["row"], unknown["value"]) == (3, "Burghauzen")
    assert "did you mean 'Burghausen'" in unknown["reason"]
    ambiguous = found.loc["ambiguous_unit_name"]
    assert (ambiguous["row"], ambiguous["value"]) == (4, "Neustadt")
    assert "09999001, 09999002" in ambiguous["reason"]
    # reported once each, not again as units the units table lacks
    assert "unknown_unit" not in set(caught.value.failures["code"])


def test_names_the_units_table_lacks_are_left_out_where_the_source_says_so(
    tmp_path: Path,
) -> None:
    """A city's table of its Stadtteile, with a subtotal row per Bezirk
    (``Bezirk Altona``), keyed by name: ``other_units: leave_out`` left the Bezirke as
    errors, with no option to keep them out. They are left out with one warning."""
    units = _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\nBezirk Nord;200\n")
    leave_out = BY_NAME.model_copy(update={"other_units": "leave_out"})
    data = load_sources([leave_out], units=units, base_dir=tmp_path)
    assert list(data.unit_ids) == ["09171111"]
    (warning,) = data.warnings.query("code == 'other_units'").itertuples()
    assert (warning.row, warning.value) == (3, "Bezirk Nord")
    with pytest.raises(DataValidationError) as caught:  # by default: reported
        load_sources([BY_NAME], units=units, base_dir=tmp_path)
    assert caught.value.failures["code"].tolist() == ["unknown_unit_name"]


def test_a_long_and_a_transposed_table_by_name(tmp_path: Path) -> None:
    units = _write(tmp_path, "unit;year;variable;value\nAltötting;2022;Plätze;110\n")
    long = load_sources(
        [SourceSpec(path="kita.csv", key={"match": "name"})], units=units, base_dir=tmp_path
    )
    assert _cells(long) == {("09171111", "Plätze"): 110.0}
    (tmp_path / "kita.csv").write_text("Merkmal;Altötting;Burghausen\nPlätze;120;80\n")
    spec = SourceSpec(path="kita.csv", year=2023, layout="transposed", key={"match": "name"})
    wide = load_sources([spec], units=units, base_dir=tmp_path)
    assert _cells(wide) == {("09171111", "Plätze"): 120.0, ("09171112", "Plätze"): 80.0}


def test_a_declared_scheme_is_not_checked_on_names(tmp_path: Path) -> None:
    units = _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\n")
    spec = SourceSpec(path="kita.csv", year=2023, key={"match": "name", "scheme": "ags"})
    ds = load_sources([spec], units=units, base_dir=tmp_path)
    assert _cells(ds) == {("09171111", "Plätze"): 120.0}


def test_names_need_a_units_table_with_names(tmp_path: Path) -> None:
    _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\n")
    with pytest.raises(DataValidationError) as caught:
        load_sources([BY_NAME], base_dir=tmp_path)
    assert list(caught.value.failures["code"]) == ["no_units_table"]
    keys_only = _write(tmp_path, "Gemeinde;Plätze\nAltötting;120\n", units="AGS\n09171111\n")
    with pytest.raises(DataValidationError) as caught:
        load_sources([BY_NAME], units=keys_only, base_dir=tmp_path)
    assert list(caught.value.failures["code"]) == ["no_units_table"]
    assert "the units table has none" in caught.value.failures["reason"].iloc[0]


def test_an_official_export_is_not_matched_by_name(tmp_path: Path) -> None:
    units = _write(tmp_path, "Year,GeoCode,Value\n2022,K03101,245273\n")
    spec = SourceSpec(path="kita.csv", key={"match": "name"})
    with pytest.raises(DataValidationError) as caught:
        load_sources([spec], units=units, base_dir=tmp_path)
    assert "unsupported_option" in set(caught.value.failures["code"])


def test_a_project_file_declares_it(tmp_path: Path) -> None:
    units = _write(tmp_path, "Stadtteil;Plätze\nAltötting;120\n")
    (tmp_path / "mint-index.yaml").write_text(
        f"units: {units.name}\nsources:\n  - path: kita.csv\n    year: 2023\n"
        "    unit_column: Stadtteil\n    key: {match: name}\n",
        encoding="utf-8",
    )
    project = mi.load_project(tmp_path / "mint-index.yaml")
    assert project.sources[0].key.match == "name"
    with pytest.raises(ValueError, match="match"):
        SourceSpec(path="x.csv", key={"match": "label"})


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(
        st.text(alphabet="abcdefgÄÖÜäöüß -", min_size=1, max_size=12).filter(
            lambda n: n.strip(" -") != ""
        ),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
)
def test_a_name_written_otherwise_finds_its_own_key(names: list[str], data: st.DataObject) -> None:
    """Upper case and spaces around and inside a name (where it has one) never change
    which key a name finds, when the units table's names are told apart by
    :func:`comparable_names`."""
    distinct = list(dict.fromkeys(comparable_names(pd.Series(names))))
    assume(len(distinct) == len(names))
    units = pd.DataFrame(
        {"name": names}, index=pd.Index([f"0917{k:04d}" for k in range(len(names))], name="unit")
    )
    written = [
        data.draw(st.sampled_from([n, n.upper(), f"  {n} ", n.replace(" ", "  ")])) for n in names
    ]
    table = Table(
        cells=pd.DataFrame(
            {
                "unit": pd.Categorical(written),
                "year": 2023,
                "variable": pd.Categorical(["x"] * len(names)),
                "value": 1.0,
                "row": range(2, len(names) + 2),
            }
        ),
        source="t.csv",
        format="csv",
        layout="wide",
        rows=len(names),
    )
    by_written = dict(zip(written, units.index, strict=True))
    match_unit_names(table, units)
    assert table.failures == []
    keys = table.cells["unit"].astype(str).tolist()
    assert keys == [by_written[w] for w in written]
