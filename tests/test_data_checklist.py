"""The source checklist: every variable with where to get it, and the tables to download."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import mint_index as mi
from mint_index.data.checklist import NOT_GIVEN, source_checklist
from mint_index.errors import UnknownLanguageError

PACKAGED = Path(__file__).parents[1] / "indicators"


def _raw_sources() -> dict[str, dict]:
    """The packaged variables' ``source`` blocks, read straight from the YAML files."""
    found = {}
    for file in sorted(PACKAGED.glob("*.yaml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
        found.update({v["id"]: v.get("source") for v in document.get("variables") or []})
    return found


def test_every_packaged_variable_is_listed_in_framework_order() -> None:
    framework = mi.default_framework()
    checklist = mi.source_checklist(framework, "en")
    assert list(checklist.variables.columns) == ["variable", "kind", "where", "detail"]
    assert checklist.variables["variable"].tolist() == [v.id for v in framework.variables]
    assert sum(checklist.kinds.values()) == len(framework.variables)
    row = checklist.variables.set_index("variable").loc["pop_total"]
    raw = _raw_sources()["pop_total"]
    assert row["kind"] == "official"
    assert row["where"].startswith(raw["table"]) and raw["level"] in row["where"]


def test_downloads_group_the_official_variables_by_table() -> None:
    raw = _raw_sources()
    order = [v.id for v in mi.default_framework().variables]
    official: dict[str, set[str]] = {}
    for variable, source in raw.items():  # worked out from the YAML files themselves
        if source and source.get("type") == "official":
            official.setdefault(source["table"], set()).add(variable)
    downloads = source_checklist(mi.default_framework(), "de").downloads
    assert sorted(set(downloads["table"])) == sorted(official)
    assert downloads["table"].tolist() == sorted(downloads["table"])
    listed: dict[str, set[str]] = {}
    for table, ids in zip(downloads["table"], downloads["variables"], strict=True):
        assert ids.split(", ") == sorted(ids.split(", "), key=order.index)  # framework order
        listed.setdefault(table, set()).update(ids.split(", "))
    assert listed == official
    assert list(downloads.columns) == ["table", "database", "level", "variables"]


def test_a_framework_without_sources_says_so(small_framework: mi.Framework) -> None:
    checklist = source_checklist(small_framework)
    assert set(checklist.variables["kind"]) == {NOT_GIVEN}
    assert checklist.kinds == {NOT_GIVEN: len(small_framework.variables)}
    assert checklist.downloads.empty


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguageError):
        source_checklist(mi.default_framework(), "fr")
