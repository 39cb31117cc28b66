"""Results: tidy tables, serialisation and display."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import small_dataset

import mint_index as mi


@pytest.fixture()
def res(small_framework: mi.Framework) -> mi.Results:
    data = small_dataset(
        {
            "A": {"council_migrant": 3},
            "B": {"council_seats": 8, "council_migrant": 2},
            "C": {"employment_rate": np.nan},
        }
    )
    units = pd.DataFrame({"unit": ["A", "B", "C"], "name": ["Aach", "<script>x</script>", "Cham"]})
    return mi.score(data.with_units(units), small_framework)


def test_to_dict_is_json_with_nulls_for_missing(res: mi.Results) -> None:
    payload = json.loads(res.to_json())
    assert payload["units"] == ["A", "B", "C"]
    assert payload["years"] == [2024]
    assert payload["framework_sha256"] == res.framework.sha256
    c = next(r for r in payload["scores"] if r["unit"] == "C")
    assert c["employment"] is None
    a = next(r for r in payload["scores"] if r["unit"] == "A")
    # council share 3/30 = 10 % on goalposts 0..40 -> 25
    assert a["council_share"] == pytest.approx(25.0)
    assert mi.BuildSpec.model_validate(payload["spec"]) == res.spec


def test_intervals_cover_ratio_indicators(res: mi.Results) -> None:
    iv = res.intervals
    assert set(iv["indicator"]) == {"council_share", "kita_parity"}
    row = iv[(iv.unit == "B") & (iv.indicator == "council_share")].iloc[0]
    assert row["value"] == pytest.approx(25.0)
    assert row["lower"] < 25.0 < row["upper"]
    assert bool(row["unreliable"]) is True  # 8 seats < min_denominator 10


def test_treatment_table_has_a_row_per_year_and_indicator(res: mi.Results) -> None:
    assert len(res.treatment) == len(res.years) * len(res.indicator_ids)
    assert (res.treatment["points"] == 0).all()  # treatment off by default


def test_html_display_escapes_names(res: mi.Results) -> None:
    html = res._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Results('small'" in repr(res)
