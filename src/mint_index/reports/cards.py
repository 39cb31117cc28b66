"""The names a phone shows beside each value of a table of records laid out as cards.

On a narrow screen a table of records (``table.cards``: one indicator, domain, measure or
source per row) shows one card per row, and each value needs its column's name beside
it. The names are written once per page into its stylesheet, by column position, rather
than into every cell: a profile has some 500 such cells, and names and ARIA roles in each
made the 10,786 profiles of the P3 benchmark 937 MB instead of 785 MB. The names are the
report's own words (:mod:`.i18n`) in the page's language, so the columns here must be the
templates' columns in their order; tests check every card's name against its column's
header (``tests/test_reports_cards.py``, and in a browser ``test_reports_browser.py``).
"""

from __future__ import annotations

from typing import NamedTuple

from mint_index.reports.i18n import texts

__all__ = ["CARD_LABELS_MARKER", "CARD_TABLES", "CardColumns", "card_labels_css", "css_string"]

#: Where in report.css the rules that name the cards' values go (inside its phone block).
CARD_LABELS_MARKER = "/* card labels */"


class CardColumns(NamedTuple):
    """The value columns of one kind of table, as the texts' keys of their headers.

    ``fixed``: from the second column on (the first is the row's name); ``optional``: the
    column after them that some tables leave out (a profile without parity gaps);
    ``last``: the column that always ends the row, after the optional one."""

    fixed: tuple[str, ...]
    optional: str | None = None
    last: str | None = None


#: The tables shown as cards, by their class, with their value columns in order.
CARD_TABLES: dict[str, CardColumns] = {
    "scorecard": CardColumns(
        ("value", "peer_median_value", "target", "score", "peer_median_score", "trend"),
        optional="parity_gap",
        last="notes",
    ),
    "domains": CardColumns(
        ("score", "peer_median", "peer_middle", "rank", "peer_rank"),
        optional="rank_interval",
        last="trend",
    ),
    "effects": CardColumns(
        ("indicator", "effects_since", "effects_result", "effects_n_comparison")
    ),
    "sources": CardColumns(
        ("definition", "measure_unit", "direction", "goalposts", "target", "source")
    ),
    "weights": CardColumns(("weight", "share_of_parent")),
    "bands": CardColumns(("priority",)),
}


def card_labels_css(lang: str) -> str:
    """CSS rules that write each card value's column name before it, in ``lang``.

    Each name is given twice: plainly, and with an empty alternative text (``/ ''``) so
    that screen readers, which read the header cells, do not hear it again; a browser
    that does not know the second form keeps the first."""
    t = texts(lang)
    rules = []
    for table, columns in CARD_TABLES.items():
        cells = [
            (f"td:nth-child({place})", key) for place, key in enumerate(columns.fixed, start=2)
        ]
        if columns.optional is not None:
            place = len(columns.fixed) + 2
            cells.append((f"td:nth-child({place}):not(:last-child)", columns.optional))
        if columns.last is not None:
            cells.append(("td:last-child", columns.last))
        for cell, key in cells:
            name = css_string(t[key])
            rules.append(f"table.cards.{table} {cell}::before{{content:{name};content:{name}/''}}")
    return "".join(rules)


def css_string(text: str) -> str:
    """``text`` as a CSS string: letters, digits, spaces and common punctuation as they
    are, every other character as a hexadecimal escape (so no quote, backslash or ``<``
    can end the string or the ``<style>`` element)."""
    kept = (c if c.isalnum() or c in " .,:;-()/%" else f"\\{ord(c):x} " for c in text)
    return '"' + "".join(kept) + '"'
