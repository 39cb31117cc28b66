"""The flags' one list (mint_index.pipeline.flags) is what the results write and what the
rules accept."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import mint_index as mi
from mint_index.pipeline.flags import FLAGS, VALUE_FLAGS
from mint_index.recommendations.rules import NodeCondition


def test_results_write_exactly_the_listed_flags() -> None:
    """Two runs that between them raise every flag: screening at 95 % coverage drops units,
    the mean imputes, winsorising one point a column or a log transform treats, and the
    example's small denominators are unreliable."""
    seen: set[str] = set()
    for treat in ({"method": "winsorise", "max_points": 1}, {"method": "log"}):
        res = mi.score(
            mi.example_data(),
            screen={"method": "availability", "min_coverage": 0.95},
            impute="mean",
            treat=treat,
        )
        assert tuple(res.indicator_flags()) == VALUE_FLAGS
        seen |= set(res.flags["flag"].astype(str))
    assert seen == set(FLAGS)


def test_rules_accept_the_listed_flags_only() -> None:
    for flag in (*FLAGS, "missing:zero_denominator"):
        assert NodeCondition(node="employment", flag=flag).flag == flag
    with pytest.raises(ValidationError, match="unknown flag 'estimated'"):
        NodeCondition(node="employment", flag="estimated")
