"""The effects file: what `mint-index effects` writes, from Python, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.errors import OutputError
from mint_index.files import csv_text


def _table() -> pd.DataFrame:
    """A small effects-like table: a missing estimate and a text that looks like a formula."""
    table = pd.DataFrame(
        {
            "unit": ["08999001", "=cmd"],
            "measure": ["m1", "m1"],
            "effect": [2.5, np.nan],
        }
    )
    table.attrs["level"] = 0.9
    return table


def test_json_document_holds_rows_level_and_provenance(tmp_path: Path) -> None:
    written = mi.write_effects(_table(), tmp_path / "e.json", {"command": "x"})
    assert written == [tmp_path / "e.json"]
    document = json.loads(written[0].read_text(encoding="utf-8"))
    assert document["format"] == "mint-index-effects" and document["format_version"] == 1
    assert document["level"] == 0.9
    assert document["provenance"] == {"command": "x"}
    assert document["rows"] == [
        {"unit": "08999001", "measure": "m1", "effect": 2.5},
        {"unit": "=cmd", "measure": "m1", "effect": None},  # JSON keeps text as it is
    ]


def test_csv_with_sidecar_and_default_provenance(tmp_path: Path) -> None:
    written = mi.write_effects(_table(), tmp_path / "e.CSV")
    assert written == [tmp_path / "e.CSV", tmp_path / "e.CSV.provenance.json"]
    assert written[0].read_text(encoding="utf-8") == csv_text(_table())
    assert "'=cmd" in written[0].read_text(encoding="utf-8")  # escaped for spreadsheets
    block = json.loads(written[1].read_text(encoding="utf-8"))
    assert block == {"tool": "mint-index", "version": mi.__version__}


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.csv, \.json"):
        mi.write_effects(_table(), tmp_path / "e.xlsx")
    assert not list(tmp_path.iterdir())


def test_python_writes_what_the_cli_writes(tmp_path: Path) -> None:
    """The CLI's file, read back: the same table written from Python gives the same bytes."""
    from mint_index.cli.app import main
    from mint_index.examples import EXAMPLE_DATA_FILE, EXAMPLE_MEASURES_FILE, EXAMPLE_UNITS_FILE
    from mint_index.resources import catalog_path

    examples = catalog_path("examples")
    out = tmp_path / "cli.json"
    args = ["effects", str(examples / EXAMPLE_DATA_FILE), "--units"]
    args += [str(examples / EXAMPLE_UNITS_FILE), "--measures"]
    args += [str(examples / EXAMPLE_MEASURES_FILE), "--out", str(out)]
    assert main(args) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    table = mi.effects(mi.score(mi.example_data()), mi.example_measures())
    ours = mi.write_effects(table, tmp_path / "py.json", document["provenance"])
    assert ours[0].read_bytes() == out.read_bytes()
