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
    assert list(downloads.columns) == ["table", "database", "level", "variables", "note"]


def test_a_framework_without_sources_says_so(small_framework: mi.Framework) -> None:
    checklist = source_checklist(small_framework)
    assert set(checklist.variables["kind"]) == {NOT_GIVEN}
    assert checklist.kinds == {NOT_GIVEN: len(small_framework.variables)}
    assert checklist.downloads.empty


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguageError):
        source_checklist(mi.default_framework(), "fr")


def _with_sources(framework: mi.Framework, sources: dict[str, dict]) -> mi.Framework:
    """``framework`` with the given variables' sources replaced."""
    data = framework.to_dict()
    for variable in data["variables"]:
        if variable["id"] in sources:
            variable["source"] = sources[variable["id"]]
    return mi.Framework.model_validate(data)


def test_a_kreis_or_land_table_says_a_town_needs_its_own_figures() -> None:
    """A Kreis table has values for Kreise and kreisfreie Städte only, a Land table for
    Länder only (official-sources.md, "Levels" and 3.1): where the checklist lists one, it
    says that a kreisangehörige town needs its own figures; a Gemeinde table stays as it is."""
    land = {"type": "official", "table": "12521-0025", "level": "Land"}
    framework = _with_sources(mi.default_framework(), {"tcn_res_8y_start": land})
    levels = {lang: {} for lang in ("de", "en")}
    for lang in levels:
        downloads = source_checklist(framework, lang).downloads
        levels[lang] = dict(zip(downloads["table"], downloads["note"], strict=True))
        assert set(downloads["level"]) <= {"Gemeinde", "Kreis", "Land", "Deutschland"}
    raw = _raw_sources()  # the tables' levels, read straight from the YAML files
    kreis = {s["table"] for s in raw.values() if s and s.get("level") == "Kreis"}
    gemeinde = {s["table"] for s in raw.values() if s and s.get("level") == "Gemeinde"}
    assert kreis and gemeinde and "12411-03-03-4" in kreis
    for table in kreis:
        assert levels["en"][table] == (
            "values for Kreise and kreisfreie Städte only, so a kreisangehörige town "
            "needs its own figures"
        )
        assert levels["de"][table] == (
            "Werte nur für Kreise und kreisfreie Städte, eine kreisangehörige Gemeinde "
            "braucht eigene Zahlen"
        )
    for table in gemeinde:
        assert levels["en"][table] == levels["de"][table] == ""
    assert levels["en"]["12521-0025"] == "values for Länder only, so a town needs its own figures"
    assert levels["de"]["12521-0025"] == "Werte nur für Länder, eine Gemeinde braucht eigene Zahlen"
