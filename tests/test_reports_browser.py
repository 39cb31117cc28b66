"""The reports in a real browser: headless Chromium renders the overview and a profile
without console errors and with visible content, runs nothing a municipality's name
smuggles in, and prints on A4. Skipped only where no Chromium is installed (.ci/run
installs Debian's package)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import reports_helpers as h

from mint_index.reports import report

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
    for w, h_ in boxes:  # A4: 210 x 297 mm = 595.3 x 841.9 pt
        assert float(w) == pytest.approx(595.3, abs=1.5)
        assert float(h_) == pytest.approx(841.9, abs=1.5)
