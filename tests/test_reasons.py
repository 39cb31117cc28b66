"""Reason codes of problem rows."""

from __future__ import annotations

import pandas as pd
import pytest

import mint_index as mi
from mint_index.reasons import REASON_CODES, reason_code, with_codes


def test_messages_map_to_their_codes() -> None:
    assert reason_code("duplicate (unit, year, variable)") == "duplicate_cell"
    assert reason_code("unit missing from the units table") == "unknown_unit"
    assert reason_code("negative count") == "out_of_range"
    assert reason_code("not a number") == "not_a_number"
    assert reason_code("something new") == "invalid_value"
    assert reason_code(None) == "invalid_value"
    assert set(REASON_CODES) >= {"control_character", "invalid_value"}


def test_given_codes_are_kept_and_missing_ones_derived() -> None:
    frame = pd.DataFrame({"reason": ["negative count", "x"], "code": [None, "my_code"]})
    assert with_codes(frame)["code"].tolist() == ["out_of_range", "my_code"]


def test_every_validation_failure_carries_a_code() -> None:
    error = mi.DataValidationError([{"source": "a.csv", "row": 2, "reason": "empty unit key"}])
    assert error.failures["code"].tolist() == ["empty_key"]
    assert error.code == "invalid_data"


def test_every_code_a_data_reader_sets_is_documented() -> None:
    """Codes set explicitly in src/mint_index/data/ are listed by ``mint-index errors``."""
    import re
    from pathlib import Path

    from mint_index.reasons import SET_BY_PRODUCER

    source = Path(__file__).parents[1] / "src" / "mint_index" / "data"
    text = "\n".join(p.read_text(encoding="utf-8") for p in source.glob("*.py"))
    used = set(re.findall(r'code="([a-z_]+)"', text))
    for choice in re.findall(r"code=np\.where\(([^\n]*)\)", text):  # one code or another
        used |= set(re.findall(r'"([a-z_]+)"', choice))
    used |= set(re.findall(r'"code": "([a-z_]+)"', text))
    used |= set(re.findall(r'InputRefused\([^()]*?,\s*"([a-z_]+)"\)', text, re.S))
    assert used, "the scan found no codes: the pattern no longer matches the code"
    assert used <= set(REASON_CODES) | set(SET_BY_PRODUCER), used - set(REASON_CODES)


def test_a_duplicate_unit_key_has_a_listed_code(tmp_path) -> None:
    """The units table's duplicate key (set by the loader) is one of the listed codes."""
    from mint_index.reasons import SET_BY_PRODUCER

    units = tmp_path / "units.csv"
    units.write_text("unit,name\n05111000,A\n05111000,B\n", encoding="utf-8")
    with pytest.raises(mi.DataValidationError) as caught:
        mi.load_units(units)
    failures = caught.value.failures
    assert failures["code"].tolist() == ["duplicate_unit", "duplicate_unit"]
    assert failures["row"].tolist() == [2, 3]
    assert "duplicate_unit" in SET_BY_PRODUCER
