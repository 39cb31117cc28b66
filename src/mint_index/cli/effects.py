"""``mint-index effects``: score a data drop and write the effects of the measures in place.

The table is :func:`mint_index.effects`'s, one row per unit, measure and indicator plus the
pooled rows, as CSV (with ``<file>.provenance.json`` next to it) or as one JSON document
(``format: mint-index-effects``) for CI jobs. Same inputs and seed, same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mint_index.cli.errors import UsageError
from mint_index.cli.io import csv_text, dumps_json, file_records, provenance
from mint_index.cli.output import Outcome
from mint_index.files import atomic_write

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMAT_NAME", "SUFFIXES", "run_effects", "write_effects"]

SUFFIXES = (".csv", ".json")
FORMAT_NAME = "mint-index-effects"


def write_effects(table: pd.DataFrame, path: Path, prov: dict[str, Any]) -> list[Path]:
    """Write the effects table in the format the suffix names; return every file written."""
    if path.suffix.lower() == ".json":
        rows = table.astype(object).where(table.notna(), None).to_dict("records")
        document = {
            "format": FORMAT_NAME,
            "format_version": 1,
            "level": float(table.attrs.get("level", 0.9)),
            "provenance": prov,
            "rows": rows,
        }
        return [atomic_write(path, dumps_json(document))]
    atomic_write(path, csv_text(table))
    return [path, atomic_write(path.with_name(path.name + ".provenance.json"), dumps_json(prov))]


def run_effects(args: argparse.Namespace) -> Outcome:
    """Read the data and the register, score, estimate, write ``--out``. In a project
    folder (or with ``--project``) the data, the register (``measures:``) and the output
    (``effects.csv`` beside the project file) default to the project's."""
    import numpy as np

    import mint_index as mi
    from mint_index.cli.commands import (
        check_output_file,
        data_facts,
        existing,
        read_inputs,
        read_rules,
    )
    from mint_index.effect_monitoring.did import check_level
    from mint_index.effect_monitoring.texts import effect_verdicts
    from mint_index.errors import MintIndexError

    if args.data and (args.out is None or args.measures is None):
        raise UsageError("give --measures FILE and --out FILE (.csv or .json) with data files")
    if args.out is not None:
        check_output_file(Path(args.out), SUFFIXES)
    try:
        check_level(args.level)
    except MintIndexError as exc:  # before any file is read: a wrong flag
        raise UsageError(f"--{exc}") from None
    inputs = read_inputs(args, args.data, args.framework, args.spec)
    project = inputs.project
    if args.measures is not None:
        measures_file = existing(args.measures, "measures register")
    elif project is not None and project.measures is not None:
        measures_file = project.measures
    else:
        raise UsageError("give --measures FILE, or name the register in the project file")
    if args.out:
        out = Path(args.out)
    elif project is not None:
        out = project.root / "effects.csv"
    else:
        raise UsageError("give --out FILE (.csv or .json) with data files")
    rules, rules_info = read_rules(args.rules, inputs.framework)
    results = mi.score(inputs.dataset, inputs.spec or inputs.framework)
    register = mi.load_measures(measures_file, catalog=rules, units=results.unit_ids)
    table = mi.effects(results, register, rules=rules, level=args.level, seed=args.seed)
    files = [*inputs.files, *file_records([measures_file])]
    prov = provenance("effects", files, inputs.framework, rules_info, results.spec)
    written = write_effects(table, out, prov)

    facts = data_facts(inputs.dataset, inputs.files)
    unit_rows = table[table["kind"] == "unit"]
    pooled = table[(table["kind"] == "pooled") & (table["status"] == "estimated")]
    visible = pooled[np.isin(effect_verdicts(pooled), ("rose", "fell"))]
    facts.update(
        {
            "register rows": len(register),
            "estimated (unit rows)": int((unit_rows["status"] == "estimated").sum()),
            **{
                f"{status} (unit rows)": int((unit_rows["status"] == status).sum())
                for status in ("too_early", "no_baseline", "no_comparison")
            },
            "pooled effects visible": [
                f"{m}: {i}" for m, i in zip(visible["measure"], visible["indicator"], strict=True)
            ]
            or "none yet",
        }
    )
    return Outcome(
        "effects",
        headline=f"effects of the {len(register)} measures in the register",
        facts=facts,
        problems=inputs.warnings,
        outputs=[p.as_posix() for p in written],
        provenance=prov,
    )
