"""The package's public surface: lazy names, light import, no shadowing by submodules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mint_index as mi

HERE = Path(__file__).parent


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=180,
        check=False,
    )


def test_import_loads_nothing_but_the_errors() -> None:
    done = run(
        "import json, sys, mint_index\n"
        "print(json.dumps(sorted(m for m in ('pandas', 'numpy', 'pydantic', 'matplotlib',"
        " 'jinja2', 'pyarrow', 'openpyxl') if m in sys.modules)))"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_public_functions_survive_importing_their_modules_first() -> None:
    code = (
        "import mint_index.gap_analysis, mint_index.recommendations, mint_index.reports.context\n"
        "import mint_index as mi, reports_helpers as h\n"
        "res = h.results()\n"
        "print(type(mi.gaps(res)).__name__, callable(mi.recommend), type(mi.report(res)).__name__)"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["DataFrame", "True", "Report"]


def test_every_public_name_resolves() -> None:
    for name in mi.__all__:
        assert getattr(mi, name) is not None, name
    assert set(dir(mi)) >= set(mi.__all__)
