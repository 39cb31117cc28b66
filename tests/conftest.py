"""Shared fixtures: a small framework shipped with the tests and a dataset made for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_small_long

import mint_index as mi

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def small_framework_path() -> Path:
    return FIXTURES / "framework_small"


@pytest.fixture(scope="session")
def small_framework(small_framework_path: Path) -> mi.Framework:
    return mi.load_framework(small_framework_path)


@pytest.fixture()
def small_data() -> mi.Dataset:
    return mi.Dataset.from_long(make_small_long())
