"""Rendered reports: valid, self-contained, accessible, escaped, bilingual, written safely."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import reports_helpers as h
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

import mint_index as mi
from mint_index.errors import ReportError, SourceDateError
from mint_index.reports import Report, compare_report, report
from mint_index.reports.context import profile_filename
from mint_index.reports.i18n import TEXTS, texts
from mint_index.reports.render import TEMPLATES, environment
from mint_index.rules.formatting import Formatter

EVIL = "<script>alert(1)</script>"
VOID = {"meta", "link", "br", "img", "input", "hr", "col", "area", "base", "wbr", "source"}
SVG_LEAVES = {"rect", "circle", "line", "polyline", "path"}


class Page(HTMLParser):
    """Parses a page, checks that elements nest properly, and collects what tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID | SVG_LEAVES:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]

    @property
    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}


def check_page(html: str, lang: str) -> Page:
    page = Page(html)
    assert page.errors == []
    assert html.startswith("<!DOCTYPE html>")
    assert page.all("html") == [{"lang": lang}]
    assert len(page.all("h1")) == 1 and len(page.all("main")) == 1
    # self-contained: no scripts, no external resources
    assert page.all("script") == [] and "<script" not in html
    assert [a for a in page.all("link") if a.get("rel") != "icon"] == []
    assert not re.search(r"""(src|srcset)=["']?https?:""", html)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?https?:", html)
    # accessibility: every header cell has a scope, every chart a title and a description
    assert all(a.get("scope") in ("col", "row", "colgroup") for a in page.all("th"))
    for svg in page.all("svg"):
        assert svg["role"] == "img" and len(svg["aria-labelledby"].split()) == 2
    assert page.all("svg") == [] or len(page.all("table")) >= 1
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    return page


@pytest.fixture(scope="module")
def res():  # type: ignore[no-untyped-def]
    return h.results()


@pytest.fixture(scope="module")
def rep_de(res) -> Report:  # type: ignore[no-untyped-def]
    return report(res, lang="de")


def test_pages_carry_the_stylesheet_without_its_comments() -> None:
    """Comments and spare white space are left out; what the rules say is not: a space
    before a colon (a descendant combinator) stays, as do spaces inside values."""
    from mint_index.reports.render import _compact_css

    given = "/* note */\nol.recs > li ,\n a :focus { margin: 0 .2rem;  color: #fff; }\n"
    assert _compact_css(given) == "ol.recs>li,a :focus{margin: 0 .2rem;color: #fff;}"
    css = str(environment("de").globals["css"])
    assert "/*" not in css and "\n" not in css
    assert "@media print{" in css and ".table-scroll{overflow-x: auto;" in css


def test_overview_sections(rep_de: Report) -> None:
    page = check_page(rep_de.html, "de")
    assert {
        "scores",
        "peers",
        "distributions",
        "heatmap",
        "coverage",
        "methodology",
        "sources",
    } <= page.ids
    assert {"chart-index", "chart-distributions", "chart-heatmap"} <= page.ids
    headings = [a for t, a in page.tags if t in ("h2", "h3")]
    assert len(headings) > 8
    assert "@page{size: A4" in rep_de.html and "@media print" in rep_de.html


def test_profile_sections(rep_de: Report) -> None:
    html = rep_de.profile("a")
    page = check_page(html, "de")
    assert {
        "domains",
        "time",
        "scorecard",
        "strengths",
        "recommendations",
        "quality",
        "chart-domains",
        "chart-history",
    } <= page.ids
    text = "".join(page.text)
    assert "Altdorf" in text
    # the unreliable council value with its Wilson interval, in German number format
    lower, upper = h.wilson(2, 8)
    interval = f"{100 * lower:.1f}–{100 * upper:.1f}".replace(".", ",")
    assert interval in text
    assert "Kleine Fallzahl" in text


def test_numbers_and_words_follow_the_language(res) -> None:  # type: ignore[no-untyped-def]
    de, en = report(res, lang="de"), report(res, lang="en")
    text_de, text_en = "".join(Page(de.html).text), "".join(Page(en.html).text)
    # c's index 68.75 -> one decimal; the small peer group's median 47.8125
    assert "68,8" in text_de and "68.8" in text_en
    assert "47,8" in text_de and "47.8" in text_en
    assert "Übersicht" in text_de and "Overview" in text_en and "Übersicht" not in text_en
    assert "Gesamtindex" in text_de and "Overall index" in text_en
    prof_de = "".join(Page(de.profile("a")).text)
    prof_en = "".join(Page(en.profile("a")).text)
    assert "2 von 4" in prof_de and "2 of 4" in prof_en
    assert "−30,0\u00a0points" in prof_de  # kita parity gap, German decimals
    check_page(en.profile("d"), "en")


def test_hostile_names_show_as_text() -> None:
    res = h.results(names={"a": EVIL, "b": '"><img src=x onerror=alert(1)>'})
    rep = report(res, lang="en")
    for html in (rep.html, rep.profile("a"), rep.profile("b")):
        check_page(html, "en")
        assert "<img" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rep.html
    assert EVIL in "".join(Page(rep.profile("a")).text)


def test_non_web_source_links_are_not_links(rep_de: Report) -> None:
    hrefs = [a.get("href") or "" for a in Page(rep_de.html).all("a")]
    assert "https://example.org/t1" in hrefs
    assert not any(href.startswith("javascript:") for href in hrefs)
    assert "javascript:alert(1)" in rep_de.html  # shown as text


def test_every_word_of_the_templates_exists_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_0-9]+)", text))
        used |= set(re.findall(r"""\bt\[["']([a-z_0-9]+)["']\]""", text))
    assert used, "the templates use no words?"
    assert used <= set(TEXTS), sorted(used - set(TEXTS))
    assert all(de.strip() and en.strip() for de, en in TEXTS.values())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="<>&'\"a ;#x"),
        st.integers(),
        st.floats(allow_nan=False),
        st.none(),
    )
)
def test_printed_values_are_escaped_like_markupsafe(value: object) -> None:
    """The environment's own escaping of ``{{ x }}`` prints what markupsafe would."""
    page = environment("en").from_string("{{ x }}|{{ m }}").render(x=value, m=Markup("<b>"))
    assert page == f"{escape(value)}|<b>"
    # the same characters as text and as markup: escaped once, printed as they are
    text = str(value)
    both = environment("en").from_string("{{ x }}{{ m }}{{ x }}")
    assert both.render(x=text, m=Markup(text)) == f"{escape(text)}{text}{escape(text)}"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_template_words_read_as_t_dot_key(lang: str) -> None:
    """Templates read words as ``t.key``: the words are a plain dict, so that lookup is a
    subscript in the generated code; every word reads as the language has it."""
    words = environment(lang).globals["t"]
    expected = texts(lang)
    assert type(words) is dict and words == expected
    keys = [k for k in expected if k.isidentifier() and k not in dir(dict)]
    page = environment(lang).from_string("\x00".join(f"{{{{ t.{k} }}}}" for k in keys)).render()
    assert page.split("\x00") == [str(escape(expected[k])) for k in keys]
    page = environment(lang).from_string("{{ t.profile }}|{{ t['scorecard'] }}").render()
    assert page == f"{expected['profile']}|{expected['scorecard']}"


def test_write_folder_links_and_safe_names(tmp_path: Path) -> None:
    res = h.results()
    scores_before = res.scores.copy()
    rep = report(res, lang="en")
    paths = rep.write(tmp_path / "out")
    assert paths[0] == tmp_path / "out" / "index.html"
    assert paths[-1] == tmp_path / "out" / "provenance.json"
    assert sorted(p.name for p in paths[1:-1]) == ["a.html", "b.html", "c.html", "d.html"]
    index = Page(paths[0].read_text(encoding="utf-8"))
    links = [a["href"] for a in index.all("a") if (a.get("href") or "").startswith("profiles/")]
    assert sorted(links) == [f"profiles/{u}.html" for u in "abcd"]
    assert all((tmp_path / "out" / link).is_file() for link in links)
    profile = Page((tmp_path / "out" / "profiles" / "a.html").read_text(encoding="utf-8"))
    assert "../index.html" in [a.get("href") for a in profile.all("a")]
    assert not list((tmp_path / "out").rglob(".tmp-*"))
    pd.testing.assert_frame_equal(res.scores, scores_before)


def test_unit_ids_cannot_escape_the_folder(tmp_path: Path) -> None:
    frame = h.long_frame()
    frame["unit"] = frame["unit"].replace({"a": "../../x", "b": "/etc/passwd"})
    units = h.units_table().replace({"unit": {"a": "../../x", "b": "/etc/passwd"}})
    import mint_index as mi

    res = mi.score(mi.Dataset.from_long(frame, units=units), h.framework())
    out = tmp_path / "deep" / "out"
    paths = report(res, lang="en").write(out)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in paths)
    assert (out / "profiles" / profile_filename("../../x")).is_file()
    assert sorted(p.name for p in tmp_path.rglob("*.html")) == sorted(p.name for p in paths[:-1])


def test_write_some_units_only(tmp_path: Path) -> None:
    res = h.results()
    doc = report(res, lang="en")
    some = doc.unit_ids[:2]
    paths = doc.write(tmp_path, units=some)
    assert [p.name for p in paths[1:-1]] == [profile_filename(u) for u in some]
    assert sorted(p.name for p in (tmp_path / "profiles").iterdir()) == sorted(
        profile_filename(u) for u in some
    )
    assert 'href="profiles/' not in paths[0].read_text(encoding="utf-8")
    with pytest.raises(ReportError, match="no such unit"):
        doc.write(tmp_path, units=["nowhere"])


def test_output_is_deterministic_and_parallel_equals_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    res = h.results()
    one = report(res, lang="de").write(tmp_path / "one")
    two = report(res, lang="de").write(tmp_path / "two", jobs=2)
    assert [p.name for p in one] == [p.name for p in two]
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert "Erstellt am" not in one[0].read_text(encoding="utf-8")


def test_source_date_epoch_sets_the_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709251200")  # 2024-03-01 00:00 UTC
    res = h.results()
    assert "Erstellt am 1. März 2024" in report(res, lang="de").html
    assert "Generated on 1 March 2024" in report(res, lang="en").html
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SourceDateError, match="SOURCE_DATE_EPOCH"):
        report(res)


def test_to_html_writes_one_file(tmp_path: Path, rep_de: Report) -> None:
    target = rep_de.to_html(tmp_path / "sub" / "overview.html")
    assert target.read_text(encoding="utf-8") == rep_de.html
    with pytest.raises(ReportError, match="folder"):
        rep_de.to_html(tmp_path)


def test_notebook_display_is_an_isolated_frame(rep_de: Report) -> None:
    shown = rep_de._repr_html_()
    assert shown.startswith("<iframe") and 'srcdoc="&lt;!DOCTYPE html&gt;' in shown
    assert "<style>" not in shown  # the report's CSS stays inside the frame


def test_comparison_report(tmp_path: Path) -> None:
    res = h.results()
    comp = compare_report(res, res, lang="en", year_before=2022, year_after=2023)
    page = check_page(comp.html, "en")
    assert {"movers", "changes", "indicators", "chart-movers"} <= page.ids
    text = "".join(page.text)
    assert "+6.3" in text and "−2.5" in text  # c rose 6.25, d fell 2.5
    assert comp.write(tmp_path) == [tmp_path / "index.html", tmp_path / "provenance.json"]
    with pytest.raises(ReportError, match="no municipality profiles"):
        comp.profile("a")


def test_recommendations_render(res) -> None:  # type: ignore[no-untyped-def]
    from mint_index.recommendations.recommendations import FRAME_COLUMNS, Recommendations

    frame = pd.DataFrame(
        [
            {
                "unit": "a",
                "year": 2023,
                "kind": "action",
                "rank": 1,
                "rule": "council_gap",
                "title_de": "Paten in Gremien",
                "text_de": "Mentoren begleiten",
                "priority": 62.5,
                "band": "high",
                "evidence_de": "Ratsanteil 25 % (Median 20 %) | Ausschüsse 10 % (Median 12 %)",
                "actors": "Verwaltung",
                "programme": "MIT",
                "source": "MIT, Filderstadt: „Ziele von MIT“",
                "node": "council",
            }
        ]
    ).reindex(columns=FRAME_COLUMNS)
    html = report(res, Recommendations(frame, lang="de"), lang="de").profile("a")
    text = "".join(check_page(html, "de").text)
    assert "Paten in Gremien" in text
    # one measure, every rule's evidence as its own item
    assert "<li>Ratsanteil 25 % (Median 20 %)</li><li>Ausschüsse 10 % (Median 12 %)</li>" in html
    # the priority with its scale and band (62.5 in whole points cut off, as a band starts
    # at a whole number), the source cited as a reader can find it, and no internal rule id
    assert "Priorität 62 von 100 · hoch" in text
    assert "Quelle: MIT, Filderstadt: „Ziele von MIT“" in text
    assert "council_gap" not in text


def test_bad_inputs_are_report_errors(res) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportError, match="Results"):
        report(pd.DataFrame())
    with pytest.raises(ReportError, match="language"):
        report(res, lang="fr")


# ---- the demo report as a council reads it ---------------------------------------------------


class Reading(HTMLParser):
    """The text a reader sees: no stylesheet, no code samples (identifiers), no link targets."""

    SKIP = frozenset({"style", "script", "code", "title"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)

    @property
    def text(self) -> str:
        text = " ".join(self.parts)
        text = re.sub(r"https?://\S+", " ", text)  # addresses are no words
        # proper names stay as they are: a programme's title, the generator's version
        text = text.replace("Mobility and Integration Europe 2020", " ")
        text = re.sub(r"mint-index \d+\.\d+\.\d+", " ", text)
        return re.sub(r"(Version|version) [\d.]+", " ", text)


#: Words that give English away in a German text (none of them is German).
ENGLISH = {
    "the", "and", "of", "is", "with", "for", "not", "none", "true", "false", "per",
    "points", "score", "rate", "share", "level", "value", "missing", "imputed", "locked",
    "unreliable", "arithmetic", "goalposts", "target", "rule", "gap", "yes", "no", "ratio",
    "below", "above", "since", "peer", "data", "year", "ranks",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import mint_index as mi

    res = mi.score(mi.example_data())
    register = mi.example_measures()  # as the demo: with the section "Effect of measures"
    recs = mi.recommend(res, measures=register)
    out = tmp_path_factory.mktemp("demo")
    for lang in ("de", "en"):
        report(res, recs, lang=lang, measures=register).write(out / lang)
    return {"de": out / "de", "en": out / "en", "res": res}  # type: ignore[dict-item]


def _pages(folder: Path) -> list[Path]:
    return [folder / "index.html", *sorted((folder / "profiles").glob("*.html"))]


def test_the_german_report_is_german_throughout(demo: dict[str, Path]) -> None:
    for page in _pages(demo["de"]):
        text = Reading(page.read_text(encoding="utf-8")).text
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        assert not words & ENGLISH, (page.name, sorted(words & ENGLISH))
        # identifiers (reason codes, rule ids, variable ids) never reach the reader
        assert not re.search(r"\b[a-z]+_[a-z_0-9]+\b", text), (
            page.name,
            re.findall(r"\b[a-z]+_[a-z_0-9]+\b", text)[:5],
        )


def test_the_english_report_has_no_codes_or_file_names(demo: dict[str, Path]) -> None:
    for page in _pages(demo["en"]):
        text = Reading(page.read_text(encoding="utf-8")).text
        assert not re.search(r"\b[a-z]+_[a-z_0-9]+\b", text), (
            page.name,
            re.findall(r"\b[a-z]+_[a-z_0-9]+\b", text)[:5],
        )
        assert not re.search(r"\d{3}_[0-9a-f]{16}|\.txt\b", text), page.name


def test_numbers_follow_the_language(demo: dict[str, Path]) -> None:
    text = Reading((demo["de"] / "profiles" / "08999001.html").read_text("utf-8")).text
    assert re.search(r"\d,\d", text)  # decimal comma
    assert not re.search(r"\d\.\d{1,2}(?!\d)", text)  # no decimal point (1.000 groups)
    assert not re.search(r"(?<![\w–-])-\d", text)  # a real minus sign, not a hyphen
    assert "−" in text
    # ranks are whole numbers, scores and priorities show their scale
    assert not re.search(r"Rang[^0-9]{0,40}\d+,\d", text)
    assert re.search(r"Priorität \d+ von 100 · (hoch|mittel|niedrig)", text)
    english = Reading((demo["en"] / "profiles" / "08999001.html").read_text("utf-8")).text
    assert re.search(r"Priority \d+ of 100 · (high|medium|low)", english)


def test_one_entry_per_measure_in_each_profile(demo: dict[str, Path]) -> None:
    for page in _pages(demo["de"])[1:]:
        html = page.read_text(encoding="utf-8")
        recs = re.search(r'<ol class="recs">(.*?)</ol>\n', html, re.S)
        if recs is None:
            continue
        titles = re.findall(r"^<li><strong>(.*?)</strong>", recs.group(1), re.M)
        assert titles and len(titles) == len(set(titles)), page.name


def test_the_priority_scale_is_explained_once(demo: dict[str, Path]) -> None:
    overview = (demo["de"] / "index.html").read_text(encoding="utf-8")
    assert overview.count('id="priority-bands"') == 1
    bands = Reading(overview).text
    assert "hoch von 50 bis 100" in bands and "mittel von 25 bis unter 50" in bands
    assert "niedrig von 0 bis unter 25" in bands


def test_merged_units_are_left_out_with_a_note(demo: dict[str, Path]) -> None:
    # the example district: Oberwinkel and Unterwinkel merged into Winkeltal in 2021
    overview = (demo["de"] / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table id="scores-table">(.*?)</table>', overview, re.S).group(1)
    assert "Oberwinkel" not in table and "Unterwinkel" not in table and "Winkeltal" in table
    text = Reading(overview).text
    assert "Oberwinkel: 2021 aufgegangen in Winkeltal" in text
    english = Reading((demo["en"] / "index.html").read_text("utf-8")).text
    assert "Unterwinkel: merged into Winkeltal in 2021" in english
    new = Reading((demo["de"] / "profiles" / "08999050.html").read_text("utf-8")).text
    assert "2021 entstanden aus Oberwinkel und Unterwinkel" in new
    old = Reading((demo["de"] / "profiles" / "08999047.html").read_text("utf-8")).text
    assert "2021 aufgegangen in Winkeltal" in old and "keine Daten vor" in old


def test_rank_ranges_wherever_ranks_appear() -> None:
    import mint_index as mi

    res = h.results()
    unc = mi.uncertainty(res, vary={"weights": 0.25}, n=16, seed=3)
    rep = report(res, lang="de", uncertainty=unc)
    overview, profile = rep.html, rep.profile("a")
    # 90 % as German writes a percentage: a no-break space before the sign
    assert '<th scope="col" class="num">Rangbereich (90\u00a0%)</th>' in overview
    # the key figures and the domains table of a profile
    assert profile.count("Rangbereich (90\u00a0%)") >= 2
    ranges = re.findall(r'<td class="num">(\d+–\d+)</td>', overview)
    assert len(ranges) == 4  # one per ranked municipality, whole ranks
    plain = report(res, lang="de")
    shown = Reading(plain.html).text + Reading(plain.profile("a")).text
    assert "Rangbereich" not in shown


def _straightforward_environment(lang: str) -> Any:
    """Jinja2's own Environment with the report's settings: markupsafe's escape, no tricks."""
    import jinja2

    from mint_index.reports.render import environment

    fast = environment(lang)
    plain = jinja2.Environment(
        loader=fast.loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    plain.globals.update(fast.globals)
    return plain


@pytest.mark.parametrize("lang", ["de", "en"])
def test_fast_rendering_equals_plain_jinja(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimised rendering (cached escapes, batched profiles) writes exactly the
    bytes that Jinja2's plain Environment writes from the same contexts."""
    from mint_index.recommendations.recommendations import FRAME_COLUMNS, Recommendations
    from mint_index.reports import render

    res = h.results(names={"a": EVIL, "b": "A & B 'quoted' \"twice\" <b>"})
    rows = [
        {"unit": "a", "kind": "action", "rank": 1, "priority": 62.5, "band": "high"},
        {"unit": "a", "kind": "action", "rank": 2, "priority": None, "actors": EVIL},
        {"unit": "a", "kind": "in_place", "rank": 3, "node": "council"},
        {"unit": "b", "kind": "note", "rank": 1, "node": "council", "text_de": "<i>x</i>"},
        {"unit": "b", "kind": "action", "rank": 2, "priority": 40.0, "band": "medium"},
    ]
    for k, row in enumerate(rows):
        for lang_ in ("de", "en"):
            row.setdefault(f"title_{lang_}", f"Maßnahme {k} <{lang_}>")
            row.setdefault(f"text_{lang_}", f"Text & {k}")
            row[f"evidence_{lang_}"] = f"Beleg {k} | 'zwei' {k}"
        row.update(year=2023, rule="r", programme="MIT", source="MIT, „Ziele“")
    frame = pd.DataFrame(rows).reindex(columns=FRAME_COLUMNS)

    def pages_of(rep: Report) -> dict[str, str]:
        return {"overview": rep.html, **{u: rep.profile(u) for u in rep.unit_ids}}

    pages = pages_of(report(res, Recommendations(frame, lang=lang), lang=lang))
    straightforward = _straightforward_environment(lang)
    assert type(render.environment(lang)) is not type(straightforward)
    monkeypatch.setattr(render, "environment", lambda _lang: straightforward)
    plain = report(res, Recommendations(frame, lang=lang), lang=lang)
    assert pages == pages_of(plain)
    assert "&lt;script&gt;" in pages["a"] and "Maßnahme 1 &lt;" in pages["a"]
    assert "A &amp; B &#39;quoted&#39; &#34;twice&#34; &lt;b&gt;" in pages["b"]


def _written(value: float, lang: str, sign: bool = False, decimals: int = 1) -> str:
    """``decimals`` decimals as a reader of ``lang`` writes them, by hand."""
    text = f"{abs(value):.{decimals}f}".replace(".", "," if lang == "de" else ".")
    if text.strip("0,.") == "":
        return text
    return ("\u2212" if value < 0 else "+" if sign else "") + text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_ratio_units_read_before_the_number(demo: dict[str, Path], lang: str) -> None:
    """A ratio parity's unit names what the number is: "Verhältnis 0,43", never "0,43
    Verhältnis"; its parity gap (ratio minus 1) is a plain number, "−0,57". A ratio
    has two decimals, in the scorecard as in the evidence beside it."""
    res = demo["res"]
    fw = res.framework  # type: ignore[attr-defined]
    ratios = [i for i in fw.indicators if i.compute.type == "parity" and i.compute.mode == "ratio"]
    assert ratios and all(i.unit_first and i.gap_unit_label(lang) == "" for i in ratios)
    word = {"de": "Verhältnis", "en": "ratio"}[lang]
    unit = "08999001"
    html = (demo[lang] / "profiles" / f"{unit}.html").read_text(encoding="utf-8")
    assert not re.search(rf"\d\s*{word}</td>", html)
    derived = res.stage("derived").xs(unit, level="unit")  # type: ignore[attr-defined]
    checked = 0
    for ind in ratios:
        value = float(derived[ind.id].dropna().iloc[-1])
        label = re.escape(fw.label(ind.id, lang))
        row = re.search(rf'<th scope="row"[^>]*class="depth-\d">{label}</th>(.*?)</tr>', html, re.S)
        if row is None or value != value:
            continue
        cells = re.findall(r'<td[^>]*class="num">(.*?)</td>', row.group(1))
        assert cells[0] == f"{word}\xa0{_written(value, lang, decimals=2)}"
        parity = _written(value - 1.0, lang, sign=True, decimals=2)
        assert parity in cells  # the parity gap, no unit
        checked += 1
    assert checked


def test_a_trend_says_why_it_is_missing() -> None:
    """A scorecard row without a trend says why: no value this year (suppressed, not yet
    published), or none the year before. It said "kein Vorjahr" for both, beside a score
    of 100 the year before. The cases are found in the scores, not in the report."""
    from mint_index.reports.render import profile_view

    res = mi.score(mi.example_data(), mi.default_framework())
    last, before = res.years[-1], res.years[-2]
    scores = res.scores
    now, then = scores.xs(last, level="year"), scores.xs(before, level="year")
    indicators = list(res.framework.indicator_ids)
    gone = now[indicators].isna() & then[indicators].notna()  # a value last year only
    new = now[indicators].notna() & then[indicators].isna()  # a value this year only
    unit, indicator = next((u, i) for u in gone.index for i in indicators if gone.at[u, i])
    rep = report(res, lang="de")
    label = res.framework.label(indicator, "de")

    def words(unit: str, indicator: str) -> str:
        view = profile_view(rep.profile_context(unit))
        rows = [row for section in view["scorecard"] for row in section["rows"]]
        (row,) = [r for r in rows if r.label == res.framework.label(indicator, "de")]
        return row.trend_words

    assert label and words(str(unit), indicator) == "kein Wert in diesem Jahr"
    unit, indicator = next((u, i) for u in new.index for i in indicators if new.at[u, i])
    assert words(str(unit), indicator) == "kein Vorjahr"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_evidence_shows_a_parity_gap_as_the_scorecard_does(
    demo: dict[str, Path], lang: str
) -> None:
    """A recommendation's evidence and the scorecard row of the same indicator on the
    same page write its parity gap alike, unit and sign and all ("+17,6" in both: the
    evidence had written "17,6")."""
    res = demo["res"]
    fw = res.framework  # type: ignore[attr-defined]
    word = {"de": "Paritätslücke", "en": "parity gap"}[lang]
    score = {"de": "Punktwert", "en": "score"}[lang]
    compared = 0
    for page in sorted((demo[lang] / "profiles").glob("*.html")):
        html = unescape(page.read_text(encoding="utf-8"))
        for ind in fw.indicators:
            label = fw.label(ind.id, lang)
            header = rf'<th scope="row"[^>]*class="depth-\d">{re.escape(label)}</th>'
            row = re.search(header + "(.*?)</tr>", html, re.S)
            said = re.search(rf"{re.escape(label)}: {score} [^()]*\([^)]*{word} ([^;)]*)\)", html)
            if row is None or said is None:
                continue
            cells = re.findall(r'<td[^>]*class="num">(.*?)</td>', row.group(1))
            assert said.group(1) in cells, (page.name, label)
            compared += 1
    assert compared >= 10


def test_views_of_a_chunk_equal_the_views_one_by_one() -> None:
    """A chunk's figures are written column by column (one pass per kind of figure for
    all its profiles); each profile's view must be the one it gets alone, also when the
    chunk mixes languages."""
    from mint_index.reports.render import profile_view, profile_views

    res = h.results()
    contexts = [
        report(res, lang=lang).profile_context(unit)
        for unit in ("a", "b", "c", "d")
        for lang in ("de", "en")
    ]
    alone = [profile_view(ctx) for ctx in contexts]
    assert profile_views(contexts) == alone
    assert profile_views(contexts[::-1]) == alone[::-1]
    assert profile_views([]) == []
    # a value in the scorecard is the unit's own: read back from the context
    first = alone[0]["scorecard"][0]["rows"][0]
    assert first.score == Formatter("de").num(contexts[0]["scorecard"][0]["rows"]["score"][0])


def test_the_overview_is_built_on_first_use_and_once() -> None:
    calls: list[int] = []
    res = h.results()
    rep = report(res, lang="en")
    built = rep._make_context

    def counted() -> dict[str, Any]:
        calls.append(1)
        assert built is not None
        return built()

    rep._make_context = counted
    assert rep.lang == "en" and not calls  # the language comes from the prepared data
    assert rep.data is not None
    assert rep.context["year"] == rep.data.year
    assert rep.html and rep.context and len(calls) == 1


def test_keys_and_attributes_read_as_jinja_reads_them() -> None:
    """``d.key`` and ``d["key"]`` read the key, ``d.items`` stays the method, a missing
    key is an error, and other objects are read by Jinja's own look-up."""
    import jinja2

    env = environment("en")
    d = {"unit": {"name": "<b>"}, "items": "shadowed", "n": [1, 2]}
    page = "{{ d.unit.name }}|{{ d['unit']['name'] }}|{{ d.items is callable }}|{{ d.n[1] }}"
    assert env.from_string(page).render(d=d) == "&lt;b&gt;|&lt;b&gt;|True|2"
    assert (
        env.from_string("{{ w.real }}|{{ t.profile }}").render(w=3) == f"3|{texts('en')['profile']}"
    )
    assert env.from_string("{{ d.nothing is defined }}").render(d=d) == "False"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ d.nothing }}").render(d=d)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ d['unit']['nothing'] }}").render(d=d)


def test_an_unreliable_ratio_reads_with_its_unit_first_and_two_decimals() -> None:
    """A data-quality note on an unreliable ratio writes it as the scorecard does:
    "Verhältnis 4,47", never "4,5 Verhältnis"; its interval with the same decimals."""
    from mint_index.reports.render import _quality_views

    note = {
        "id": "council_representation",
        "label": "Vertretung im Gemeinderat",
        "kind": "unreliable",
        "detail": "",
        "value": 4.4712,
        "lower": 1.2849,
        "upper": 10.5551,
        "denominator": 8.0,
        "unit": "Verhältnis",
        "unit_first": True,
        "decimals": 2,
    }
    shown = _quality_views([{"quality": [note]}], Formatter("de"), texts("de"), {})
    assert shown == [
        [
            "Vertretung im Gemeinderat: kleine Fallzahl, Wert unsicher (Wert Verhältnis\xa04,47, "
            "95-%-Intervall 1,28–10,56, Bezugsgröße 8)"
        ]
    ]


# ---- sentences: placeholders are filled in render.py, the templates only print them -------
NBSP = "\u00a0"


def test_no_template_fills_a_placeholder() -> None:
    """Wording is the views' job (render.py): no template replaces a text's placeholders."""
    for template in TEMPLATES.glob("*.j2"):
        assert "replace(" not in template.read_text(encoding="utf-8"), template.name


@pytest.mark.parametrize(
    ("lang", "scale", "note"),
    [
        ("de", (0, 100), "Punktwerte auf der Skala 0 bis 100"),
        ("en", (0, 100), "Scores on the scale 0 to 100"),
        # bounds written as whole numbers in the language's style, thousands grouped
        ("de", (0.0, 1000.0), "Punktwerte auf der Skala 0 bis 1.000"),
        ("en", (-50.0, 1000.0), "Scores on the scale −50 to 1,000"),
    ],
)
def test_scale_note_fills_the_bounds(lang: str, scale: tuple[float, float], note: str) -> None:
    from mint_index.reports.render import scale_note

    ctx = {"scale": {"min": scale[0], "max": scale[1], "band": 1.0}}
    assert scale_note(ctx, Formatter(lang), texts(lang)) == note


def test_every_page_prints_the_one_scale_note(res) -> None:  # type: ignore[no-untyped-def]
    """The overview (scores and peer-group tables), the profile (key figures and the
    domains table) and the comparison print the note of render.scale_note: scale 0-100."""
    note = "Punktwerte auf der Skala 0 bis 100"
    rep = report(res, lang="de")
    assert rep.html.count(f'<span class="muted">({note})</span>') == 2
    profile = rep.profile("a")
    assert f'<p class="muted">{note}</p>' in profile
    assert f"(Datentabelle; {note})</caption>" in profile
    comp = compare_report(res, res, lang="de", year_before=2022, year_after=2023)
    assert comp.html.count(f'<span class="muted">({note})</span>') == 1


def test_no_data_note_only_for_a_unit_without_data() -> None:
    from mint_index.reports.render import no_data_note

    inactive = {"unit": {"active": False}, "year": 2024}
    assert no_data_note(inactive, texts("de")) == (
        "Für 2024 liegen zu dieser Kommune keine Daten vor; es werden keine Werte als "
        "aktuell gezeigt."
    )
    assert no_data_note(inactive, texts("en")) == (
        "There are no data on this municipality for 2024; no values are shown as current."
    )
    assert no_data_note({"unit": {"active": True}, "year": 2024}, texts("de")) is None


def test_profile_view_carries_its_sentences(demo: dict[str, Path]) -> None:
    """A profile's view holds its scale note and, for a dissolved unit, the note that it
    has no data (the example's Oberwinkel, merged into Winkeltal in 2021)."""
    from mint_index.reports.render import profile_views

    rep = report(demo["res"], lang="en")  # type: ignore[arg-type]
    gone, alive = (rep.profile_context(u) for u in ("08999047", "08999050"))
    views = profile_views([gone, alive])
    assert [v["scale_note"] for v in views] == ["Scores on the scale 0 to 100"] * 2
    year = gone["year"]
    assert views[0]["no_data"] == (
        f"There are no data on this municipality for {year}; no values are shown as current."
    )
    assert views[1]["no_data"] is None
    assert f'<p class="note" id="no-data">{views[0]["no_data"]}</p>' in rep.profile("08999047")
    assert 'id="no-data"' not in rep.profile("08999050")


@pytest.mark.parametrize(
    ("lang", "rows"),
    [
        ("de", [("hoch", "von 50 bis 100"), ("mittel", "von 25 bis unter 50")]),
        ("en", [("high", "from 50 to 100"), ("medium", "from 25 to under 50")]),
    ],
)
def test_priority_bands_top_band_includes_its_upper_bound(
    lang: str, rows: list[tuple[str, str]]
) -> None:
    from mint_index.reports.render import priority_bands

    bands = [
        {"name": "high", "lower": 50, "upper": 100},
        {"name": "medium", "lower": 25, "upper": 50},
    ]
    shown = priority_bands({"priorities": {"bands": bands}}, Formatter(lang), texts(lang))
    assert shown == [{"band": band, "range": text} for band, text in rows]
    assert priority_bands({"priorities": None}, Formatter(lang), texts(lang)) is None


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "de",
            [
                f"Gewichte: gleichverteilte Zufallsabweichung von ±25{NBSP}% bei 5 von 5 Gewichten",
                f"Gewichte: gleichverteilte Zufallsabweichung von ±25{NBSP}%, ±12,5{NBSP}% bei "
                "1.200 von 1.500 Gewichten",
                "Normierung: eine von minmax, wie berechnet",
                "Weglassen eines Indikators: eine von 3 Möglichkeiten weggelassen "
                "(kita, emp, keine)",
            ],
        ),
        (
            "en",
            [
                "weights: uniform noise of ±25% on 5 of 5 weights",
                "weights: uniform noise of ±25%, ±12.5% on 1,200 of 1,500 weights",
                "normalisation: one of minmax, nominal",
                "leaving out an indicator: one of 3 choices left out (kita, emp, none)",
            ],
        ),
    ],
)
def test_uncertainty_lines_word_each_choice(lang: str, lines: list[str]) -> None:
    from mint_index.reports.render import uncertainty_lines

    choices = [
        {"factor": "weights", "shares": [0.25], "weights": 5, "of": 5},
        {"factor": "weights", "shares": [0.25, 0.125], "weights": 1200, "of": 1500},
        {"factor": "normalise", "options": ["minmax", None]},
        {"factor": "leave_out", "options": ["kita", "emp", None]},
    ]
    ctx = {"uncertainty": {"n": 8, "seed": 1, "varied": ["as made"], "choices": choices}}
    f, t = Formatter(lang), texts(lang)
    assert uncertainty_lines(ctx, f, t) == lines
    # a result made without choices keeps its own lines; no analysis, no lines
    ctx["uncertainty"]["choices"] = None
    assert uncertainty_lines(ctx, f, t) == ["as made"]
    assert uncertainty_lines({"uncertainty": None}, f, t) is None
    assert uncertainty_lines({}, f, t) is None


def test_uncertainty_lines_are_escaped_once_on_the_page(res) -> None:  # type: ignore[no-untyped-def]
    """A worded line is plain text: the overview escapes it once, as any printed text."""
    from mint_index.reports.render import render_overview

    ctx = dict(report(res, lang="en").context)
    ctx["uncertainty"] = {
        "n": 8,
        "seed": None,
        "varied": ["leave_out"],
        "choices": [{"factor": "leave_out", "options": ["<b>&", None]}],
    }
    html = render_overview(ctx)
    line = "leaving out an indicator: one of 2 choices left out (&lt;b&gt;&amp;, none)"
    assert f"<li><code>{line}</code></li>" in html


def test_the_overview_of_one_year_names_the_year() -> None:
    """A town's first monitoring has one year: "Jahr 2024", not "Jahre 2024–2024"."""
    from conftest import make_small_long

    framework = mi.load_framework(Path(__file__).parent / "fixtures" / "framework_small")
    for years, shown in (((2024,), "Jahr 2024<"), ((2023, 2024), "Jahre 2023–2024<")):
        res = mi.score(mi.load_data(make_small_long(years=years), framework), framework)
        html = report(res, lang="de").html
        meta = re.search(r'<p class="meta">(.*?)</p>', html, re.S)
        assert meta is not None and meta.group(1).endswith(shown[:-1]), meta


def test_a_weights_table_heads_its_parts_as_parts(rep_de: Report) -> None:
    """The weights tables headed their rows „Indikator / Handlungsfeld“, also where the
    rows are dimensions; every one is headed by what its rows are to it: parts."""
    heads = re.findall(
        r'<table class="cards weights">.*?<th scope="col">(.*?)</th>', rep_de.html, re.S
    )
    assert heads and set(heads) == {"Bestandteil"}


def test_a_node_of_weight_zero_says_it_does_not_count() -> None:
    """A dimension given weight 0 was shown in the scorecard with its score and trend and
    no sign that its domain's score leaves it out; its row now says so, no other does."""
    from mint_index.reports.render import profile_view

    res = mi.score(mi.example_data(), mi.default_framework())
    dimension = next(n for n in res.framework.aggregate_ids if res.framework.levels[n] == 2)
    weightless = res.rescore(weights={dimension: 0.0})
    view = profile_view(report(weightless, lang="de").profile_context(str(res.unit_ids[0])))
    rows = [row for section in view["scorecard"] for row in section["rows"]]
    noted = [r.label for r in rows if "Gewicht 0: zählt nicht zum übergeordneten Wert" in r.notes]
    fw = res.framework
    context = [fw.label(i.id, "de") for i in fw.indicators if i.weight == 0]  # the catalog's
    assert sorted(noted) == sorted([fw.label(dimension, "de"), *context])
    assert fw.label(dimension, "de") not in context
