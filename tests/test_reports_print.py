"""The reports on paper (A4), in headless Chromium with the print stylesheet.

A heading is printed on the same page as what it introduces: a wide table's heading goes
onto the table's landscape page (a change of named page forces a page break, which used
to leave each of a profile's scorecard headings alone on the upright page before its
table); a chart fits one page with its heading and caption (the overview's ranking was
split from its heading and caption, the heatmap cut through a row); the footer follows
the last thing printed. And a column's name breaks between words, never inside one
("Ra|ng", "Punktwe|rt").

Uses the helpers and the demo report of ``test_reports_browser.py``; skipped where no
Chromium is installed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_reports_browser import (
    A4_CONTENT,
    A4_LANDSCAPE,
    CHROMIUM,
    chromium,
    demo,  # noqa: F401  (the module's fixture: the demo report)
    in_frame,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")

#: px: the height of an upright A4 page's content (297 mm less 16 + 18 mm margins, 96 dpi)
A4_CONTENT_HEIGHT = 994

#: The named page an element is printed on: its own, or the nearest ancestor's.
_PAGE_OF = (
    "function pageOf(el){for(;el&&el.nodeType===1;el=el.parentElement){"
    "var p=win.getComputedStyle(el).page;if(p&&p!=='auto')return p;}return 'auto';}"
    "function shown(el){return el.getClientRects().length>0;}"
)

#: Headings whose next element is printed on another named page (so after a forced page
#: break); a footer on another page than the last thing printed; charts that with their
#: heading and caption are taller than an upright page.
_TOGETHER_SCRIPT = _PAGE_OF + (
    "var apart=[],tall=[];"
    "doc.querySelectorAll('main h2, main h3').forEach(function(h){if(!shown(h))return;"
    "var n=h.nextElementSibling;while(n&&!shown(n))n=n.nextElementSibling;if(!n)return;"
    "if(pageOf(h)!==pageOf(n))apart.push(h.textContent.trim().slice(0,50)+': '"
    "+pageOf(h)+' / '+pageOf(n));});"
    "var last=doc.querySelector('main');while(last.lastElementChild)last=last.lastElementChild;"
    "var foot=doc.querySelector('footer.page');"
    "if(pageOf(foot)!==pageOf(last))apart.push('footer: '+pageOf(foot)+' / '+pageOf(last));"
    "doc.querySelectorAll('main figure').forEach(function(f){"
    "if(!shown(f)||pageOf(f)!=='auto')return;var h=f.previousElementSibling,"
    "top=(h&&/^H[23]$/.test(h.tagName)?h:f).getBoundingClientRect().top;"
    "var height=f.getBoundingClientRect().bottom-top;"
    "if(height>" + str(A4_CONTENT_HEIGHT) + ")tall.push((f.querySelector('svg')||f).id+': '"
    "+Math.round(height));});"
    "return JSON.stringify([apart,tall]);"
)


@pytest.mark.parametrize("page", ["overview", "profile"])
def test_headings_stay_with_what_they_introduce(
    demo: dict[str, Path],  # noqa: F811
    tmp_path: Path,
    page: str,
) -> None:
    apart, tall = json.loads(
        in_frame(tmp_path, demo[page], A4_CONTENT, _TOGETHER_SCRIPT, print_css=True, height=1600)
    )
    # apart: a page break between them; tall: a chart that with its heading and caption
    # is taller than an upright page, and so is split from them or cut
    assert {"apart": apart, "tall": tall} == {"apart": [], "tall": []}


def _orientations(pdf: Path) -> str:
    """The PDF's pages in order: U upright, L landscape (Chromium writes them in order)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    return "".join("L" if float(w) > float(h) else "U" for w, h in boxes)


def test_a_profile_prints_its_scorecards_in_one_landscape_run(
    demo: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The six scorecards, their headings with them, take one run of landscape pages, and
    the table of the measures' effects another: each scorecard used to be preceded by an
    upright page holding only its heading (22 pages where 13 do)."""
    pdf = tmp_path / "profile.pdf"
    chromium(tmp_path, demo["profile"], "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    pages = _orientations(pdf)
    runs = re.findall("L+", pages)
    assert len(runs) == 2, pages
    assert len(runs[0]) >= 2, pages  # six scorecards do not fit one page


#: For every visible header cell of the tables printed upright (or, with ``wide``, on
#: landscape pages): the words (with a hyphen, dash or slash that ends them) whose
#: letters stand on more than one line. Each word's letters are a range of text whose
#: boxes must all stand on one line (one top; one left where set sideways).
_SPLIT_SCRIPT = (
    "var probe=doc.createElement('div');probe.lang='de';"
    "probe.style.cssText='position:absolute;width:4em;font-size:16px;hyphens:auto';"
    "probe.textContent='Paritätslücke Vergleichsgruppe';doc.body.appendChild(probe);"
    "var auto=probe.getBoundingClientRect().height;probe.style.hyphens='manual';"
    "var hyphenates=probe.getBoundingClientRect().height!==auto;doc.body.removeChild(probe);"
    "function lines(range,sideways){var seen={};[].forEach.call(range.getClientRects(),"
    "function(r){if(r.width>0.5&&r.height>0.5)seen[Math.round(sideways?r.left:r.top)]=1;});"
    "return Object.keys(seen).length;}"
    "var split=[],heads=0;doc.querySelectorAll('thead th').forEach(function(th){"
    "if(!th.getClientRects().length||!!th.closest('.wide')!==WIDE)return;heads++;"
    "var sideways=win.getComputedStyle(th).writingMode.indexOf('horizontal')!==0;"
    "var walk=doc.createTreeWalker(th,NodeFilter.SHOW_TEXT),node,m;"
    "while((node=walk.nextNode())){if(node.parentElement.closest('.sr-only'))continue;"
    "var words=/[^\\s\\-\\u2013\\/]+[\\-\\u2013\\/]?/g;while((m=words.exec(node.data))){"
    "var r=doc.createRange();r.setStart(node,m.index);r.setEnd(node,m.index+m[0].length);"
    "if(lines(r,sideways)>1)split.push(th.textContent.trim().slice(0,40)+' | '+m[0]);}}});"
    "return JSON.stringify([split,heads,hyphenates]);"
)


@pytest.mark.parametrize("page", ["overview", "profile", "comparison"])
def test_column_names_break_between_words(
    demo: dict[str, Path],  # noqa: F811
    tmp_path: Path,
    page: str,
) -> None:
    """At the width of an upright page and of a landscape one, every column's name breaks
    only between words (or after a hyphen or dash): "Rang" stays whole, where
    ``overflow-wrap: anywhere`` printed "Ra|ng", "Inde|x", "Punktwe|rt"."""
    for width, wide in ((A4_CONTENT, False), (A4_LANDSCAPE, True)):
        script = _SPLIT_SCRIPT.replace("WIDE", json.dumps(wide))
        answer = in_frame(tmp_path, demo[page], width, script, print_css=True, height=1600)
        split, heads, hyphenates = json.loads(answer)
        if hyphenates:
            pytest.skip("this Chromium hyphenates German: a break in a word may be a hyphen's")
        if wide or page != "comparison":
            assert heads >= 5, f"{page}: only {heads} column names found"
        assert split == [], f"{page} ({'landscape' if wide else 'upright'}): {split[:8]}"
