"""The column names a phone shows on the cards of a table of records (reports/cards.py)."""

from __future__ import annotations

import re
from html import unescape

import pytest

import mint_index as mi
from mint_index.reports import report
from mint_index.reports.cards import CARD_TABLES, card_labels_css, css_string
from mint_index.reports.i18n import texts
from mint_index.reports.render import environment


def test_a_css_string_cannot_end_early() -> None:
    # quotes, a backslash and "<" (which could close the <style> element) are escaped;
    # letters (umlauts too), digits and plain punctuation stay as they are
    assert css_string('a"b') == '"a\\22 b"'
    assert css_string("x\\y") == '"x\\5c y"'
    assert css_string("</style>") == '"\\3c /style\\3e "'
    assert css_string("Größe (90 %)") == '"Größe (90 %)"'
    assert css_string("90\u00a0%") == '"90\\a0 %"'


@pytest.mark.parametrize("lang", ["de", "en"])
def test_each_value_column_is_named_in_the_language(lang: str) -> None:
    css = card_labels_css(lang)
    t = texts(lang)
    # the scorecard: values from the second column, the parity gap only where it is not
    # the last column (a profile without parity gaps ends with the notes)
    value = css_string(t["value"])
    assert (
        f"table.cards.scorecard td:nth-child(2)::before{{content:{value};content:{value}/''}}"
        in css
    )
    parity = css_string(t["parity_gap"])
    assert f"scorecard td:nth-child(8):not(:last-child)::before{{content:{parity};" in css
    assert f"scorecard td:last-child::before{{content:{css_string(t['notes'])};" in css
    named = re.findall(r"table\.cards\.(\w+) td", css)
    assert len(named) == sum(
        len(c.fixed) + (c.optional is not None) + (c.last is not None) for c in CARD_TABLES.values()
    )


def test_the_names_stand_in_the_phone_block_of_every_page() -> None:
    css = str(environment("en").globals["css"])
    phone = css.index("@media screen and (max-width: 600px)")
    first = css.index("table.cards.scorecard td:nth-child(2)::before")
    assert phone < first < css.index("@page")
    assert "/* card labels */" not in css


def _headers(table: str) -> list[str]:
    head = re.search(r"<thead[^>]*>(.*?)</thead>", table, re.S)
    assert head is not None
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_named_columns_are_the_tables_columns(lang: str) -> None:
    """Every table shown as cards in the demo report has, from its second column on, the
    headers that cards.py names its values by, in that order (the optional column only
    where it is not the last)."""
    res = mi.score(mi.example_data())
    register = mi.example_measures()
    rep = report(res, mi.recommend(res, measures=register), lang=lang, measures=register)
    pages = [rep.html, *(rep.profile(u) for u in list(res.units.index)[:3])]
    t = texts(lang)
    seen = set()
    for page in pages:
        for kind, table in re.findall(
            r'<table[^>]*class="cards (\w+)"[^>]*>(.*?)</table>', page, re.S
        ):
            columns = CARD_TABLES[kind]
            named = [t[k] for k in columns.fixed]
            value_headers = _headers(table)[1:]
            if columns.optional is not None and len(value_headers) > len(named) + (
                columns.last is not None
            ):
                named.append(t[columns.optional])
            if columns.last is not None:
                named.append(t[columns.last])
            assert value_headers == named, kind
            seen.add(kind)
    assert seen == set(CARD_TABLES)
