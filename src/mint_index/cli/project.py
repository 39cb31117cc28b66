"""``mint-index init``: a new monitoring project to adapt and put under version control.

The project holds copies of the packaged framework and recommendation rules (to edit),
templates for the data and units tables, and a GitHub Actions workflow that validates,
scores and reports every data drop. Nothing existing is overwritten.
"""

from __future__ import annotations

from pathlib import Path

from mint_index.cli.errors import UsageError
from mint_index.cli.io import provenance, write_folder_provenance
from mint_index.cli.output import Outcome
from mint_index.files import atomic_write
from mint_index.resources import catalog_path

__all__ = ["init_project", "workflow_template"]

def workflow_template() -> Path:
    """The CI workflow shipped as package data (``examples/ci/mint-index.yml``)."""
    return catalog_path("ci") / "mint-index.yml"

_README = """\
# Integration monitoring with mint-index

| path | what |
|---|---|
| `framework/` | the indicator framework (YAML): adapt indicators, goalposts, weights |
| `rules/` | the recommendation rules (YAML) |
| `data/` | the data drop: one or more data files (see `templates/data.csv`) |
| `units.csv` | the units (municipalities): id, name, peer group, population |
| `.github/workflows/mint-index.yml` | CI: validate, score and report every push |
| `provenance.json` | the mint-index version and framework this project started from |

Check and score locally:

    mint-index validate data/ --framework framework/ --units units.csv --strict
    mint-index report data/ --framework framework/ --rules rules/ --units units.csv --out out/report

Editors can check the framework files against `mint-index schema > framework.schema.json`.
"""


def _copy_tree(source: Path, target: Path) -> list[Path]:
    written = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        if "__pycache__" in file.parts:
            continue
        written.append(atomic_write(target / file.relative_to(source), file.read_bytes()))
    return written


def data_template(variables: list[str]) -> str:
    """The tidy data layout with one empty row per framework variable."""
    lines = ["unit,year,variable,value,missing_reason,flag"]
    lines += [f"00000000,2024,{variable},,," for variable in variables]
    return "\n".join(lines) + "\n"


def init_project(folder: Path) -> Outcome:
    import mint_index as mi
    from mint_index.resources import catalog_path

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} exists and is not empty; choose a new or empty folder")
    framework = mi.default_framework()
    written = _copy_tree(catalog_path("indicators"), folder / "framework")
    written += _copy_tree(catalog_path("recommendations"), folder / "rules")
    written.append(
        atomic_write(
            folder / "templates" / "data.csv", data_template([v.id for v in framework.variables])
        )
    )
    written.append(atomic_write(folder / "units.csv", "unit,name,peer_group,population\n"))
    (folder / "data").mkdir(parents=True, exist_ok=True)
    written.append(
        atomic_write(
            folder / ".github" / "workflows" / "mint-index.yml", workflow_template().read_bytes()
        )
    )
    written.append(atomic_write(folder / "README.md", _README))
    written.append(write_folder_provenance(folder, provenance("init", [], framework), written))
    return Outcome(
        "init",
        headline=f"a new monitoring project in {folder.as_posix()}",
        facts={
            "framework": f"{framework.framework.id} ({len(framework.indicators)} indicators)",
            "files": len(written),
            "next": "put a data drop into data/ and units into units.csv",
        },
        outputs=[p.as_posix() for p in written],
    )
