"""A new monitoring project to adapt: what ``mint-index init`` and :func:`init_project` write.

Copies of the packaged framework and rules, example data that pass ``validate --strict``,
the project file ``mint-index.yaml`` (its report options written out with their
defaults), a README, a CI workflow that installs mint-index as the README says, and the
project's ``provenance.json`` (the version and framework it started from). Nothing that
exists is overwritten: the folder must be new or empty.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mint_index.errors import OutputError
from mint_index.files import atomic_write
from mint_index.provenance import command_provenance, write_folder_provenance
from mint_index.resources import catalog_path

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["init_project", "workflow_template"]


def workflow_template() -> Path:
    """The CI workflow shipped as package data (``examples/ci/mint-index.yml``)."""
    return catalog_path("ci") / "mint-index.yml"


#: The project file init writes, a str.format template (literal braces doubled) filled by
#: :func:`_project_yaml`.
_PROJECT_YAML = """\
# mint-index project file: what this monitoring is. Paths are relative to this file.
# Check it with `mint-index validate --strict`; editors can use `mint-index schema --project-file`.
framework: framework/        # the indicator framework (adapt it; absent = the packaged one)
units: units.csv             # the municipalities: key, name, population, ...
rules: rules/                # recommendation rules (absent = packaged; `none` = no recommendations)
sources:                     # every data file, each with what it needs to be read
  - path: data/example.csv   # example data: replace with your own files
  # - path: raw/12411-01-01-5.csv   # a GENESIS export of a table the framework knows
  #                                  # (`mint-index sources`): no mapping needed
  # - path: raw/wahl.csv            # any other file: `mint-index inspect raw/wahl.csv`
  #   year: 2024                    # prints the entry to paste here, with its mapping
  #   mapping: {{Wahlberechtigte: electorate_local}}
  # - path: raw/elternvertretungen.csv  # years written as school years (2023/24):
  #   school_year: start              # the calendar year each counts in (start or end)
  # - path: amt/jahrbuch.xlsx       # a yearbook table, a district per column, with its
  #   layout: transposed            # total column and source line, as sent every year:
  #   expected_warnings: [total_row, note_below_table]   # known, so --strict passes
  # - path: erhebung.xlsx           # figures the town collects: `mint-index template`
  #   format: template
report: {{lang: {lang}, out: {out}}}
"""


def _project_yaml() -> str:
    """The project file ``init`` writes; its report options are the defaults of
    :class:`~mint_index.project.ReportOptions`, written out so that a town sees them."""
    from mint_index.project import ReportOptions

    defaults = ReportOptions()
    return _PROJECT_YAML.format(lang=defaults.lang, out=defaults.out)


_README = """\
# Integration monitoring with mint-index

| path | what |
|---|---|
| `mint-index.yaml` | the project: framework, units, rules, data sources, report options |
| `framework/` | the indicator framework (YAML): adapt indicators, goalposts, weights |
| `rules/` | the recommendation rules (YAML) |
| `data/` | the data files the project file names (`data/example.csv` is example data) |
| `units.csv` | the units (municipalities): key, name, population, ... |
| `.github/workflows/mint-index.yml` | CI: validate, score and report every push |
| `provenance.json` | the mint-index version and framework this project started from |

In this folder:

    mint-index validate --strict     # check the data against the framework
    mint-index report                # scores, recommendations and the report in report/
    mint-index sources               # which table or office each variable comes from
    mint-index template --out erhebung.xlsx   # fill-in workbook for the town's own figures
    mint-index inspect raw/FILE.csv  # how a downloaded file will be read, and its mapping

Before the CI workflow runs, adapt the one line marked ADAPT in
`.github/workflows/mint-index.yml` (where your copy of mint-index comes from).
"""


def _copy_tree(source: Path, target: Path) -> list[Path]:
    written = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        if "__pycache__" in file.parts:
            continue
        written.append(atomic_write(target / file.relative_to(source), file.read_bytes()))
    return written


def _csv(frame: pd.DataFrame) -> str:
    """The example data as the packaged file writes them (csv_text would fix the decimals)."""
    return frame.to_csv(index=False, lineterminator="\n")


def init_project(folder: str | os.PathLike[str]) -> list[Path]:
    """Write a new monitoring project into ``folder`` (new or empty; else
    :class:`~mint_index.errors.OutputError`) and return every file written, its
    ``provenance.json`` last. ``mi.load_project(folder / "mint-index.yaml")`` then reads
    it; ``mint-index validate --strict`` in the folder passes."""
    import mint_index as mi
    from mint_index.examples import starter_data
    from mint_index.project import PROJECT_FILE

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder} exists and is not empty; choose a new or empty folder")
    framework = mi.default_framework()
    written = _copy_tree(catalog_path("indicators"), folder / "framework")
    written += _copy_tree(catalog_path("recommendations"), folder / "rules")
    data, units = starter_data(framework)
    written.append(atomic_write(folder / "data" / "example.csv", _csv(data)))
    written.append(atomic_write(folder / "units.csv", _csv(units)))
    written.append(atomic_write(folder / PROJECT_FILE, _project_yaml()))
    workflow = workflow_template().read_bytes()
    written.append(atomic_write(folder / ".github" / "workflows" / "mint-index.yml", workflow))
    written.append(atomic_write(folder / "README.md", _README))
    block = command_provenance("init", [], framework)
    return [*written, write_folder_provenance(folder, block, written)]
