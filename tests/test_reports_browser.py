"""The reports in a real browser: headless Chromium renders the overview and a profile
without console errors and with visible content, runs nothing a municipality's name
smuggles in, and prints on A4. On the demo report: axe-core finds no serious or critical
accessibility problem, no page scrolls sideways on a 390 px phone, every column fits the
printed A4 page, chart text is at least 10 px and heatmap labels never overlap; the
screenshots in docs/img are made here (MINT_INDEX_UPDATE_SCREENSHOTS=1 writes them).

Skipped only where no Chromium is installed (.ci/run installs Debian's package); the axe
test also needs axe-core's ``axe.min.js`` (``MINT_INDEX_AXE``; .ci/run takes it from the
``axe-playwright-python`` wheel)."""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import reports_helpers as h

from mint_index.reports import compare_report, report

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")

HOSTILE = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
CONSOLE_PROBLEM = re.compile(r"CONSOLE|Uncaught|Failed to load resource", re.IGNORECASE)


def chromium(tmp: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One headless run with a fresh profile and no background networking."""
    profile = tmp / f"chromium-profile-{len(list(tmp.glob('chromium-profile-*')))}"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--hide-scrollbars",
        "--window-size=1280,1800",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_problems(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_PROBLEM.search(line)]


def assert_not_blank(path: Path) -> None:
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(path) as image:
        assert image.size == (1280, 1800)
        small = image.convert("RGB").reduce(4)
        pixels = [small.getpixel((x, y)) for y in range(small.height) for x in range(small.width)]
    ink = sum(1 for p in pixels if sum(p) < 600)  # clearly darker than white
    assert ink > 0.01 * len(pixels), "the screenshot is (almost) blank"
    assert len(set(pixels)) > 20, "the screenshot has hardly any colours"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    res = h.results(names={"a": HOSTILE, "b": "<script>alert(1)</script>"})
    report(res, lang="de").write(out / "report")
    return out


def test_console_check_catches_errors(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html lang=en><body><p>x</p>"
        "<script>console.error('boom'); undefinedFunction();</script></body></html>"
    )
    done = chromium(tmp_path, page, "--dump-dom")
    assert console_problems(done.stderr), "the console check would miss real errors"


@pytest.mark.parametrize("page", ["index.html", "profiles/c.html"])
def test_page_renders_cleanly(folder: Path, tmp_path: Path, page: str) -> None:
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path, folder / "report" / page, f"--screenshot={shot}")
    assert console_problems(done.stderr) == []
    assert_not_blank(shot)


def test_readable_without_javascript(folder: Path, tmp_path: Path) -> None:
    shot = tmp_path / "nojs.png"
    chromium(
        tmp_path,
        folder / "report" / "profiles" / "a.html",
        "--disable-javascript",
        f"--screenshot={shot}",
    )
    assert_not_blank(shot)


def test_hostile_names_do_not_run(folder: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, folder / "report" / "index.html", "--dump-dom").stdout
    assert not re.search(r"<body[^>]*data-pwned", dom), "the injected handler ran"
    assert "&lt;img src=x onerror=" in dom  # shown as text
    assert "<img" not in dom


def test_prints_on_a4(folder: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "profile.pdf"
    chromium(
        tmp_path,
        folder / "report" / "profiles" / "c.html",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
    )
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes, "no pages in the PDF"
    sizes = {tuple(sorted((round(float(w)), round(float(h_))))) for w, h_ in boxes}
    assert sizes == {(595, 842)}  # A4: 210 x 297 mm = 595.3 x 841.9 pt, upright or landscape
    # the wide scorecards are printed on landscape pages
    assert any(float(w) > float(h_) for w, h_ in boxes)


# ---- the demo report: accessibility, phone, paper, charts ----------------------------------

DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
#: px: a phone; the width of an A4 page minus its 14 mm margins at 96 dpi, upright and
#: on the landscape pages wide tables are printed on (``@page wide``)
PHONE, A4_CONTENT, A4_LANDSCAPE = 390, 688, 1017


def axe_script() -> Path | None:
    """axe-core's axe.min.js: ``MINT_INDEX_AXE``, else from an installed axe package."""
    given = os.environ.get("MINT_INDEX_AXE")
    if given:
        return Path(given)
    try:
        import axe_playwright_python  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(axe_playwright_python.__file__).with_name("axe.min.js")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import mint_index as mi

    res = mi.score(mi.example_data())
    out = tmp_path_factory.mktemp("demo") / "report"
    register = mi.example_measures()  # as the demo: with the section "Effect of measures"
    recs = mi.recommend(res, measures=register)
    report(res, recs, lang="de", measures=register).write(out)
    compare_report(res, res, lang="de", year_before=2022).to_html(out / "comparison.html")
    return {
        "overview": out / "index.html",
        "profile": out / "profiles" / "08999001.html",
        # a profile with before/after charts of the measures' effects
        "effects": out / "profiles" / "08999021.html",
        "comparison": out / "comparison.html",
    }


def run_in_page(tmp: Path, page: Path, script: str) -> str:
    """Run ``script`` at the end of a copy of ``page``; it writes its answer into the text
    of ``<pre id="answer">``, which is returned."""
    copy = page.with_name(f"__test_{page.name}")
    copy.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{script}</script></body>"),
        encoding="utf-8",
    )
    try:
        dom = chromium(tmp, copy, "--virtual-time-budget=60000", "--dump-dom").stdout
    finally:
        copy.unlink()
    found = re.search(r'<pre id="answer">(.*?)</pre>', dom, re.S)
    assert found, "the script gave no answer"
    return html_lib.unescape(found.group(1))


def in_frame(
    tmp: Path,
    page: Path,
    width: int,
    script: str,
    *,
    print_css: bool = False,
    shot: Path | None = None,
    height: int = 900,
) -> str:
    """Load ``page`` in a frame ``width`` px wide (headless windows are at least 500 px)
    and run ``script`` with ``doc`` (its document) and ``win`` (its window); with
    ``print_css`` the print stylesheet applies on screen."""
    target = page
    if print_css:
        target = page.with_name(f"__print_{page.name}")
        target.write_text(
            page.read_text(encoding="utf-8").replace("@media print", "@media all"), "utf-8"
        )
    frame = page.with_name(f"__frame_{page.name}")
    frame.write_text(
        f'<!DOCTYPE html><html lang="de"><body style="margin:0">'
        f'<iframe id="f" title="page" src="{target.as_uri()}" '
        f'style="width:{width}px;height:{height}px;border:0;display:block"></iframe>'
        f'<pre id="answer"></pre><script>document.getElementById("f").addEventListener('
        f'"load",function(){{var doc=this.contentDocument,win=this.contentWindow;'
        f'document.getElementById("answer").textContent=(function(){{{script}}})();}});'
        f"</script></body></html>",
        encoding="utf-8",
    )
    args = ["--allow-file-access-from-files", "--virtual-time-budget=30000", "--dump-dom"]
    try:
        dom = chromium(tmp, frame, *args).stdout
        if shot is not None:
            size = f"--window-size={max(width, 500)},{height}"
            chromium(tmp, frame, "--allow-file-access-from-files", size, f"--screenshot={shot}")
    finally:
        frame.unlink()
        if print_css:
            target.unlink()
    found = re.search(r'<pre id="answer">(.*?)</pre>', dom, re.S)
    assert found, "the frame gave no answer"
    return html_lib.unescape(found.group(1))


@pytest.mark.parametrize("page", ["overview", "profile", "effects", "comparison"])
def test_axe_finds_no_serious_problem(demo: dict[str, Path], tmp_path: Path, page: str) -> None:
    axe = axe_script()
    if axe is None or not axe.is_file():
        pytest.skip("axe-core not found: set MINT_INDEX_AXE to axe.min.js (see .ci/run)")
    script = axe.read_text(encoding="utf-8") + (
        ";axe.run(document,{resultTypes:['violations']}).then(function(r){"
        "var p=document.createElement('pre');p.id='answer';p.textContent=JSON.stringify("
        "r.violations.map(function(v){return {id:v.id,impact:v.impact,"
        "nodes:v.nodes.slice(0,3).map(function(n){return n.target.join(' ')})}}));"
        "document.body.appendChild(p);});"
    )
    violations = json.loads(run_in_page(tmp_path, demo[page], script))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.mark.parametrize("page", ["overview", "profile", "effects", "comparison"])
def test_no_page_scrolls_sideways_on_a_phone(
    demo: dict[str, Path], tmp_path: Path, page: str
) -> None:
    shot = tmp_path / "phone.png"
    answer = in_frame(
        tmp_path,
        demo[page],
        PHONE,
        "var wide=[];doc.querySelectorAll('.table-scroll').forEach(function(r){"
        "if(r.scrollWidth>r.clientWidth+1&&!(r.tabIndex===0&&r.getAttribute('aria-label')"
        "||r.getAttribute('aria-labelledby')))wide.push(r.className);});"
        "return JSON.stringify([doc.documentElement.scrollWidth,win.innerWidth,wide]);",
        shot=shot if page in ("overview", "profile") else None,
        height=1600,
    )
    scroll_width, inner, unlabelled = json.loads(answer)
    assert inner == PHONE
    assert scroll_width <= PHONE, f"the page is {scroll_width} px wide on a {PHONE} px phone"
    assert unlabelled == [], "a region that scrolls needs keyboard focus and a label"
    if page in ("overview", "profile"):
        _keep_screenshot(shot, f"phone-{page}.png", crop_width=PHONE)


#: The charts each page must show whole on a phone: every one (a heatmap of more than
#: seven domains would scroll inside its region; the packaged framework has six).
PHONE_CHARTS = {
    "overview": {"chart-index", "chart-distributions", "chart-heatmap"},
    "profile": {"chart-domains", "chart-history"},
    "effects": {"chart-domains", "chart-history", "chart-effect-0"},
    "comparison": {"chart-movers"},
}


@pytest.mark.parametrize("page", sorted(PHONE_CHARTS))
def test_the_charts_fit_a_phone(demo: dict[str, Path], tmp_path: Path, page: str) -> None:
    """The ranking, the distributions, the heatmap, a profile's comparison with its peers,
    its history, the measures' before/after charts and the comparison's movers are read
    without scrolling sideways on a phone: each chart, text at full size, is no wider
    than its region there (a ranking used to show every long bar cut at the screen's
    edge; the heatmap was 758 px wide)."""
    answer = in_frame(
        tmp_path,
        demo[page],
        PHONE,
        "var out={};doc.querySelectorAll('svg.chart').forEach(function(c){"
        "var r=c.closest('.chart-scroll')||c.parentElement;"
        "out[c.id]=[c.getBoundingClientRect().width,r.clientWidth,r.scrollWidth];});"
        "return JSON.stringify(out);",
        height=1600,
    )
    charts = json.loads(answer)
    assert PHONE_CHARTS[page] <= set(charts), sorted(charts)
    for chart in PHONE_CHARTS[page]:
        width, room, scrolled = charts[chart]
        assert width <= room and scrolled <= room, f"{chart}: {width} px in {room} px"


#: Tables of records (one indicator, domain, measure or source per row) that a phone shows
#: as one card per row; the other tables are matrices (units or series by years or
#: domains) that scroll inside their region with their row names kept in view.
def _phone_cards() -> dict[str, int]:
    import mint_index as mi

    framework = mi.default_framework()
    aggregates = len(framework.aggregate_ids)  # one table of weights each
    domains = len(framework.children[framework.index.id])  # one scorecard each
    return {
        "overview": 1 + aggregates + 1,  # the sources, the weights, the priority bands
        # the domains against their peers, the scorecards, the measures' effects
        "profile": 1 + domains + 1,
        "effects": 1 + domains + 1,
    }


PHONE_CARDS = _phone_cards()

#: For every table of records on the page: (caption or label, region's content width,
#: region's width, the cells whose visible name is not their column's header, cards); and
#: the matrices whose row names do not stay in view.
_CARDS_SCRIPT = (
    "var out={cards:[],loose:[]};doc.querySelectorAll('table').forEach(function(t){"
    "var region=t.closest('.table-scroll');"
    "if(!t.classList.contains('cards')){t.querySelectorAll('tbody th[scope=row]').forEach("
    "function(h){if(region&&region.scrollWidth>region.clientWidth+1&&"
    "win.getComputedStyle(h).position!=='sticky')out.loose.push(h.textContent.trim());});"
    "return;}"
    "var heads=[].map.call(t.querySelectorAll('thead th'),function(h){"
    "return h.textContent.trim();});var wrong=[];"
    "t.querySelectorAll('tbody tr').forEach(function(row){[].forEach.call(row.children,"
    "function(cell,i){if(cell.tagName!=='TD'||!cell.getClientRects().length)return;"
    "var shown=win.getComputedStyle(cell,'::before').content;"
    "if(shown.indexOf(JSON.stringify(heads[i]))!==0)wrong.push(heads[i]+' as '+shown);});});"
    "var rows=t.querySelectorAll('tbody tr');"
    "var c=t.querySelector('caption');out.cards.push([c?c.textContent.trim().slice(0,40):"
    "region.getAttribute('aria-labelledby'),region.scrollWidth,region.clientWidth,wrong,"
    "win.getComputedStyle(rows[0]).display]);});return JSON.stringify(out);"
)


@pytest.mark.parametrize("page", sorted(PHONE_CARDS))
def test_tables_of_records_read_as_cards_on_a_phone(
    demo: dict[str, Path], tmp_path: Path, page: str
) -> None:
    """On a phone a profile's scorecards were 900-1,260 px wide in 368 px: a council
    member scrolled three screens sideways for an indicator's target, its name gone from
    view. A table of records now shows one card per row, each value under its column's
    name, and no wider than the screen; a matrix keeps its row names in view as it
    scrolls. On a wide screen both are plain tables."""
    phone = json.loads(in_frame(tmp_path, demo[page], PHONE, _CARDS_SCRIPT, height=1600))
    assert len(phone["cards"]) == PHONE_CARDS[page], [c[0] for c in phone["cards"]]
    for label, content, room, wrong, display in phone["cards"]:
        assert display == "block", f"{label}: rows shown as {display}"
        assert content <= room, f"{label}: {content} px in {room} px"
        assert wrong == [], f"{label}: {wrong[:3]}"
    assert phone["loose"] == [], phone["loose"][:5]
    desk = json.loads(in_frame(tmp_path, demo[page], 1280, _CARDS_SCRIPT, height=1600))
    assert {c[4] for c in desk["cards"]} == {"table-row"}


@pytest.mark.parametrize("page", ["overview", "profile", "effects"])
def test_wide_tables_fit_a_laptop(demo: dict[str, Path], tmp_path: Path, page: str) -> None:
    """On a 1,280 px laptop the scorecards (up to 1,298 px) and the overview's tables of
    units hid their last columns behind a scroll in the 1,083 px text column; they now
    take the screen's width and show every column, and the page still does not scroll
    sideways. (The sources and the comparison's changes, 1,365 and 1,920 px, scroll; a
    source's address breaks anywhere, which took the sources from 1,540 px.)"""
    answer = in_frame(
        tmp_path,
        demo[page],
        1280,
        "var cut=[];doc.querySelectorAll('.table-scroll.wide').forEach(function(r){"
        "var t=r.querySelector('table');if(!t)return;"
        "var sources=!!r.closest('section[aria-labelledby=sources]'),room=r.clientWidth+1"
        "+(sources?130:0);"
        "if(r.scrollWidth>room)cut.push((r.getAttribute('aria-label')||"
        "r.getAttribute('aria-labelledby'))+': '+r.scrollWidth+' in '+r.clientWidth);});"
        "return JSON.stringify([cut,doc.documentElement.scrollWidth,win.innerWidth,"
        "doc.querySelectorAll('.table-scroll.wide table').length]);",
        height=1200,
    )
    cut, page_width, inner, tables = json.loads(answer)
    assert tables >= 2
    assert cut == []
    assert page_width <= inner


#: Tables that scroll sideways: (page, window width, the start of the region's label).
SCROLLING_MATRICES = [
    ("comparison", 1280, "Tabelle: Veränderungen"),  # 1,920 px on a laptop
    ("overview", PHONE, "Tabelle: Index und Handlungsfelder"),  # names in the 2nd column
    ("overview", PHONE, "Tabelle: Datenabdeckung"),
]


@pytest.mark.parametrize(("page", "width", "label"), SCROLLING_MATRICES)
def test_a_matrix_keeps_its_row_names_in_view(
    demo: dict[str, Path], tmp_path: Path, page: str, width: int, label: str
) -> None:
    """Scrolled to its right end, each row's name still stands at its region's left
    edge, with its column's head over it, instead of leaving the figures without their
    unit (the comparison's changes on a laptop, the overview's scores and coverage on a
    phone, whose names stand after the ranks)."""
    answer = in_frame(
        tmp_path,
        demo[page],
        width,
        "var r=[].filter.call(doc.querySelectorAll('.table-scroll'),function(x){"
        "return (x.getAttribute('aria-label')||'').indexOf(" + json.dumps(label) + ")===0;})[0];"
        "if(!r||r.scrollWidth<r.clientWidth+100)return JSON.stringify(null);"
        "r.scrollLeft=r.scrollWidth;var left=r.getBoundingClientRect().left,off=[];"
        "var names=r.querySelectorAll('tbody th[scope=row]'),i=names[0].cellIndex,"
        "head=r.querySelector('thead tr').cells;[].slice.call(names).concat([head[i]])"
        ".forEach(function(h){var d=h.getBoundingClientRect().left-left;"
        "if(Math.abs(d)>1)off.push(h.textContent.trim()+': '+Math.round(d));});"
        "return JSON.stringify([r.scrollLeft,off,names.length]);",
        height=1200,
    )
    scrolled = json.loads(answer)
    assert scrolled is not None, f"{label}: not found, or it does not scroll 100 px"
    left, off, names = scrolled
    assert left >= 100 and names >= 40
    assert off == [], off[:5]


def test_column_names_wrap_on_a_wide_screen(demo: dict[str, Path], tmp_path: Path) -> None:
    """The overview's table of scores was 2,267 px wide in a 1,083 px page: each domain's
    name stood on one line as its column's head, three times the width of its scores.
    Where the table does not fit (a 1,100 px window), a figure column is now no wider
    than its longest word or its widest figure needs."""
    answer = in_frame(
        tmp_path,
        demo["overview"],
        1100,
        # a text's width on one line, measured in a hidden span inside the cell (its font)
        "function w(el,text){var s=doc.createElement('span');s.textContent=text;"
        "s.style.cssText='position:absolute;visibility:hidden;white-space:nowrap';"
        "el.appendChild(s);var width=s.getBoundingClientRect().width;el.removeChild(s);"
        "return width;}var out=[];"
        "doc.querySelectorAll('#scores-table, section[aria-labelledby=peers] table')"
        ".forEach(function(t){"
        "var rows=t.querySelectorAll('tbody tr');"
        "[].forEach.call(t.querySelectorAll('thead th.num'),function(h){"
        "var i=h.cellIndex,s=win.getComputedStyle(h),pad=parseFloat(s.paddingLeft)"
        "+parseFloat(s.paddingRight),need=Math.max.apply(null,h.textContent.trim().split(/\\s+/)"
        ".map(function(word){return w(h,word);}));"
        "rows.forEach(function(r){var cell=r.cells[i];if(cell)need=Math.max(need,"
        "w(cell,cell.textContent.trim()));});"
        "out.push([h.textContent.trim(),Math.round(h.getBoundingClientRect().width),"
        "Math.round(need+pad)]);});});return JSON.stringify(out);",
    )
    columns = json.loads(answer)
    assert len(columns) >= 2 * 6  # the six domains in both tables, and more
    wide = [(name, width, need) for name, width, need in columns if width > need + 2]
    assert wide == [], wide


@pytest.mark.parametrize("page", ["overview", "profile", "effects", "comparison"])
def test_every_column_fits_the_printed_page(
    demo: dict[str, Path], tmp_path: Path, page: str
) -> None:
    # tables on upright pages must fit A4 upright; wide ones fit the landscape pages
    for width, wide in ((A4_CONTENT, False), (A4_LANDSCAPE, True)):
        shot = tmp_path / f"print-{width}.png"
        keep = page in ("overview", "profile") and not wide
        answer = in_frame(
            tmp_path,
            demo[page],
            width,
            "var wide=" + json.dumps(wide) + ";"
            "var cut=[];doc.querySelectorAll('table, svg.chart').forEach(function(t){"
            "if(!!t.closest('.wide')!==wide)return;"
            "var r=t.getBoundingClientRect();if(r.right>doc.documentElement.clientWidth+0.5)"
            "cut.push((t.querySelector('caption, title')||t).textContent.trim().slice(0,40)"
            "+': '+Math.round(r.right));});return JSON.stringify(cut);",
            print_css=True,
            shot=shot if keep else None,
            height=1600,
        )
        cut = json.loads(answer)
        assert cut == [], f"cut off on A4 ({'landscape' if wide else 'upright'}): {cut}"
        if keep:
            _keep_screenshot(shot, f"print-{page}.png", crop_width=A4_CONTENT)


@pytest.mark.parametrize("width", [1024, PHONE])
@pytest.mark.parametrize("page", ["overview", "profile", "effects", "comparison"])
def test_chart_text_is_readable_and_never_overlaps(
    demo: dict[str, Path], tmp_path: Path, page: str, width: int
) -> None:
    answer = in_frame(
        tmp_path,
        demo[page],
        width,
        # text boxes as quadrilaterals in the chart's coordinates (rotated labels too),
        # tested for overlap by separating axes
        "function quad(t){var b=t.getBBox(),m=t.getCTM(),p=s0.createSVGPoint(),out=[];"
        "[[b.x+1,b.y+1],[b.x+b.width-1,b.y+1],[b.x+b.width-1,b.y+b.height-1],"
        "[b.x+1,b.y+b.height-1]].forEach(function(c){p.x=c[0];p.y=c[1];"
        "var q=p.matrixTransform(m);out.push([q.x,q.y]);});return out;}"
        "function apart(a,b){var quads=[a,b];for(var k=0;k<2;k++){var q=quads[k];"
        "for(var i=0;i<4;i++){var e=[q[(i+1)%4][0]-q[i][0],q[(i+1)%4][1]-q[i][1]],"
        "n=[-e[1],e[0]];function proj(r){var v=r.map(function(c){return c[0]*n[0]+c[1]*n[1]});"
        "return [Math.min.apply(null,v),Math.max.apply(null,v)];}"
        "var pa=proj(a),pb=proj(b);if(pa[1]<=pb[0]||pb[1]<=pa[0])return true;}}return false;}"
        "var s0,small=[],overlap=[],bare=[];doc.querySelectorAll('svg.chart').forEach(function(s){"
        "s0=s;var vb=s.viewBox.baseVal,k=s.getBoundingClientRect().width/vb.width;"
        "if(!s.querySelector('title')||!s.querySelector('desc')||s.getAttribute('role')!=='img')"
        "bare.push(s.id);"
        "var boxes=[];s.querySelectorAll('text').forEach(function(t){"
        "var px=parseFloat(win.getComputedStyle(t).fontSize)*k;"
        "if(px<10)small.push(t.textContent+': '+px.toFixed(1));"
        "if(t.textContent.trim())boxes.push([quad(t),t.textContent]);});"
        "for(var i=0;i<boxes.length;i++)for(var j=i+1;j<boxes.length;j++){"
        "if(!apart(boxes[i][0],boxes[j][0]))"
        "overlap.push(s.id+': '+boxes[i][1]+' / '+boxes[j][1]);}});"
        "return JSON.stringify([small,overlap,bare]);",
        height=1200,
    )
    small, overlap, bare = json.loads(answer)
    assert small == [], f"chart text below 10 px: {small[:5]}"
    assert overlap == [], f"overlapping chart text: {overlap[:5]}"
    assert bare == [], f"charts without a text alternative: {bare}"


def _keep_screenshot(shot: Path, name: str, crop_width: int) -> None:
    """Check a screenshot shows the page and, when asked to, keep it for the docs."""
    from PIL import Image

    with Image.open(shot) as image:
        view = image.convert("RGB").crop((0, 0, crop_width, image.height))
    small = view.reduce(4)
    pixels = [small.getpixel((x, y)) for y in range(small.height) for x in range(small.width)]
    assert sum(1 for p in pixels if sum(p) < 600) > 0.01 * len(pixels), "blank screenshot"
    if os.environ.get("MINT_INDEX_UPDATE_SCREENSHOTS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        view.save(DOCS_IMG / name, optimize=True)
