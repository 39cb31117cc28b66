"""The report section "Effect of measures" (reports/effects_section.py, effects_view.py):
in the demo report, German and English, with the numbers of ``mi.effects`` on the example
district (computed here independently), and absent without a register."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.cli import main as cli_main
from mint_index.cli.app import EXIT_DATA
from mint_index.recommendations.rules import load_rules
from mint_index.reports import report

#: A number as the reports write it: German 1.234,56 / −0,5; English 1,234.56 / −0.5.
NUMBER = {"de": r"[−+]?\d[\d.]*(?:,\d+)?", "en": r"[−+]?\d[\d,]*(?:\.\d+)?"}
VERDICT = {
    "de": r"(gestiegen|gesunken) um ({n}) \(90-%-Intervall ({n}) bis ({n})\)"
    r"|noch keine (?:Wirkung|Veränderung) sichtbar "
    r"\(Schätzung ({n}), 90-%-Intervall ({n}) bis ({n})\)",
    "en": r"(rose|fell) by ({n}) \(90% interval ({n}) to ({n})\)"
    r"|no (?:effect|change) visible yet \(estimate ({n}), 90% interval ({n}) to ({n})\)",
}

#: How the reports mark an output: a count of what the measure itself provides.
OUTPUT_NOTE = {
    "de": "Leistung der Maßnahme, nicht ihre Wirkung",
    "en": "what the measure provides, not its effect",
}


def number(text: str, lang: str) -> float:
    text = text.replace("−", "-").replace("+", "")
    if lang == "de":
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", ""))


def verdict_numbers(text: str, lang: str) -> tuple[float, float, float]:
    """(signed effect, low, high) read from a verdict such as "gestiegen um 0,69 (...)"."""
    found = re.search(VERDICT[lang].replace("{n}", NUMBER[lang]), text)
    assert found, text
    g = found.groups()
    if g[0] is not None:
        size = number(g[1], lang)
        effect = size if g[0] in ("gestiegen", "rose") else -size
        return effect, number(g[2], lang), number(g[3], lang)
    return number(g[4], lang), number(g[5], lang), number(g[6], lang)


def plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``mint-index demo`` in German and English."""
    out = tmp_path_factory.mktemp("demo")
    for lang in ("de", "en"):
        assert cli_main(["demo", "--out", str(out / lang), "--lang", lang]) == 0
    return {lang: out / lang / "report" for lang in ("de", "en")}


@pytest.fixture(scope="module")
def example() -> tuple[mi.Results, pd.DataFrame]:
    res = mi.score(mi.example_data())
    return res, mi.effects(res, mi.example_measures())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_profiles_show_the_effects_of_mi_effects(
    demo: dict[str, Path], example: tuple[mi.Results, pd.DataFrame], lang: str
) -> None:
    res, table = example
    rules = load_rules()
    fw = res.framework
    unit_rows = table[table["kind"] == "unit"]
    names = res.units["name"]
    checked = outputs = 0
    for unit, rows in unit_rows.groupby("unit"):
        html = (demo[lang] / "profiles" / f"{unit}.html").read_text(encoding="utf-8")
        assert html.count('id="effects"') == 1
        table = r'<table class="cards effects"[^>]*>.*?<tbody[^>]*>(.*?)</tbody>'
        body = re.search(table, html, re.S).group(1)
        cells = [
            [plain(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        ]
        assert len(cells) == len(rows)
        for row, shown in zip(rows.itertuples(), cells, strict=True):
            assert shown[0] == rules.actions[row.measure].title.get(lang)
            assert shown[1].startswith(fw.label(row.indicator, lang))
            # what the measure provides is marked as such, an outcome is not
            assert (OUTPUT_NOTE[lang] in shown[1]) == (row.role == "output"), shown[1]
            outputs += row.role == "output"
            assert shown[2].startswith(str(row.since))
            if row.status != "estimated":
                assert not re.search(r"\d,\d|\d\.\d", shown[3]), shown[3]
                continue
            effect, low, high = verdict_numbers(shown[3], lang)
            # what a measure provides is no effect: "no change visible yet" for an output
            hidden = {"de": "noch keine Wirkung", "en": "no effect"}[lang]
            assert not (hidden in shown[3] and row.role == "output"), shown[3]
            assert effect == pytest.approx(row.effect, abs=0.006)
            assert low == pytest.approx(row.low, abs=0.006)
            assert high == pytest.approx(row.high, abs=0.006)
            assert number(shown[4], lang) == row.n_comparison
            checked += 1
        # one before/after chart per row with numbers, with the unit's own values
        shown_rows = rows[rows["effect"].notna() | rows["effect_score"].notna()]
        charts = re.findall(r'<svg[^>]*id="chart-effect-\d+".*?</svg>', html, re.S)
        assert len(charts) == len(shown_rows)
        for chart in charts:
            assert "<title" in chart and "<desc" in chart and 'role="img"' in chart
        if shown_rows.empty:
            continue
        section = html[html.index('id="effects"') :]
        tables = re.findall(r"<details>.*?<tbody>(.*?)</tbody>", section, re.S)
        indicator = shown_rows["indicator"].iloc[0]
        k = list(fw.indicator_ids).index(indicator)
        u = list(res.unit_ids).index(unit)
        own = res.cube("derived")[:, u, k]
        # the unit's values with the decimals the scorecard gives the indicator's values
        digits = fw.indicator(indicator).value_decimals()
        first = tables[0].split("</tr>")[0]
        assert plain(re.search(r"<th[^>]*>(.*?)</th>", first).group(1)) == names[unit]
        values = re.findall(r"<td[^>]*>(.*?)</td>", first)
        assert len(values) == len(res.years)
        for value, text in zip(own, values, strict=True):
            if np.isnan(value):
                assert text == "–"
            else:
                mark = "," if lang == "de" else "."
                assert len(text.partition(mark)[2]) == digits, text
                assert number(text, lang) == pytest.approx(value, abs=0.5 * 10.0**-digits)
    assert checked >= 11  # the example's planted effect: eleven villages
    assert outputs  # the conferences, mentor training, network and encounter places


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_overview_shows_the_pooled_effect_per_measure(
    demo: dict[str, Path], example: tuple[mi.Results, pd.DataFrame], lang: str
) -> None:
    res, table = example
    rules = load_rules()
    html = (demo[lang] / "index.html").read_text(encoding="utf-8")
    assert html.count('id="effects"') == 1
    section = re.search(r'<section aria-labelledby="effects">(.*?)</section>', html, re.S).group(1)
    sentences = [plain(s) for s in re.findall(r"<li>(.*?)</li>", section, re.S)]
    pooled = table[table["kind"] == "pooled"]
    assert len(sentences) == len(pooled)
    where = {"de": "Kommunen", "en": "municipalities"}[lang]
    for row, sentence in zip(pooled.itertuples(), sentences, strict=True):
        assert sentence.startswith(rules.actions[row.measure].title.get(lang)), sentence
        assert res.framework.label(row.indicator, lang) in sentence
        assert (OUTPUT_NOTE[lang] in sentence) == (row.role == "output"), sentence
        if row.status == "estimated":
            assert f" in {row.n_units} {where}, " in sentence
            effect, low, high = verdict_numbers(sentence, lang)
            assert effect == pytest.approx(row.effect, abs=0.006)
            assert (low, high) == (
                pytest.approx(row.low, abs=0.006),
                pytest.approx(row.high, abs=0.006),
            )
    # the sentences on what is compared, and what an output shows
    text = plain(section)
    assert {"de": "ob sie umgesetzt wird", "en": "whether the measure is carried out"}[lang] in text
    assert {"de": "vergleichbaren Kommunen", "en": "comparable municipalities"}[lang] in text
    assert {"de": "noch keine Wirkung sichtbar", "en": "no effect is visible yet"}[lang] in text


def test_an_interval_including_zero_reads_no_effect_visible_yet(
    demo: dict[str, Path], example: tuple[mi.Results, pd.DataFrame]
) -> None:
    _, table = example
    rows = table[(table["kind"] == "unit") & (table["status"] == "estimated")]
    zero = rows[(rows["low"] <= 0) & (rows["high"] >= 0)]
    assert len(zero)  # the example has such rows
    for unit in zero["unit"].unique():
        text = plain((demo["de"] / "profiles" / f"{unit}.html").read_text(encoding="utf-8"))
        assert "noch keine Wirkung sichtbar" in text
        assert "keine Wirkung." not in text and "hat keine Wirkung" not in text


def test_no_register_no_section() -> None:
    res = mi.score(mi.example_data())
    rep = report(res, mi.recommend(res), lang="de")
    assert rep.context["effects"] is None
    assert 'id="effects"' not in rep.html and "Wirkung der Maßnahmen" not in rep.html
    profile = rep.profile("08999021")
    assert 'id="effects"' not in profile and "chart-effect" not in profile
    with_register = report(res, lang="en", measures=mi.example_measures())
    assert with_register.context["effects"] is not None
    assert "Effect of measures" in with_register.html
    # a unit without measures gets the section with a short note
    other = with_register.profile("08999002")
    assert "The measures register lists no measure of this municipality whose effect" in other


def test_an_effect_on_a_level_indicator_is_in_points_of_its_scale(tmp_path: Path) -> None:
    """A level indicator's values are its levels' scores (0, 50, 100): an effect of +30
    on it was labelled "(level)", which reads as an answer level. It is in points of the
    0-100 level scale; another indicator keeps its own unit."""
    actions = (
        "actions:\n  - id: own_officer\n    programme: TEST\n    source: none.txt\n"
        "    title: {de: Stelle, en: Post}\n"
        "    description: {de: Eine Testmaßnahme., en: A test measure.}\n"
        "    actors: [administration]\n    effort: low\n    horizon: short\n"
        "    indicators: [volunteers_representation, integration_officer]\n"
    )
    (tmp_path / "actions.yaml").write_text(actions, encoding="utf-8")
    rules = load_rules(tmp_path / "actions.yaml")
    res = mi.score(mi.example_data())
    units = ["08999007", "08999009", "08999011"]
    register = pd.DataFrame({"unit": units, "measure": "own_officer", "since": 2021})
    with pytest.warns(mi.effect_monitoring.estimate.PresenceOutcomeWarning):
        rep = report(res, mi.recommend(res, rules), lang="en", measures=register)
        rows = {row["indicator"]: row for row in rep.context["effects"]["pooled"]}
    assert rows["integration_officer"]["indicator_unit"] == "points on the 0–100 level scale"
    unit = res.framework.indicator("volunteers_representation").unit_label("en")
    assert rows["volunteers_representation"]["indicator_unit"] == unit


def test_report_command_takes_a_register(tmp_path: Path) -> None:
    from mint_index.examples import EXAMPLE_DATA_FILE, EXAMPLE_MEASURES_FILE, EXAMPLE_UNITS_FILE
    from mint_index.resources import catalog_path

    folder = catalog_path("examples")
    args = ["report", str(folder / EXAMPLE_DATA_FILE), "--units", str(folder / EXAMPLE_UNITS_FILE)]
    args += ["--out", str(tmp_path / "r"), "--units-only", "08999021"]
    assert cli_main([*args, "--measures", str(folder / EXAMPLE_MEASURES_FILE)]) == 0
    assert 'id="effects"' in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "chart-effect-0" in (tmp_path / "r" / "profiles" / "08999021.html").read_text("utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("unit,measure,since\n08999021,no_such_measure,2020\n", encoding="utf-8")
    assert cli_main([*args, "--measures", str(bad)]) == EXIT_DATA


def test_profiles_with_effects_are_the_same_written_in_parallel(tmp_path: Path) -> None:
    res = mi.score(mi.example_data())
    rep = report(res, lang="de", measures=mi.example_measures())
    units = ["08999021", "08999027", "08999002", "08999015", "08999009"]  # >= 2 per worker
    serial = rep.write(tmp_path / "serial", units=units)
    parallel = rep.write(tmp_path / "parallel", jobs=2, units=units)
    assert [p.read_bytes() for p in serial] == [p.read_bytes() for p in parallel]
    assert all(b"chart-effect-0" in p.read_bytes() for p in parallel[1:3])
