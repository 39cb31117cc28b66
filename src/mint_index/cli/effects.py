"""``mint-index effects``: score a data drop and write the effects of the measures in place.

The table is :func:`mint_index.effects`'s, written by :func:`mint_index.write_effects` (the
effects file: CSV with ``<file>.provenance.json`` next to it, or one JSON document for CI
jobs) with the command's provenance. Same inputs and seed, same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from mint_index.cli.errors import UsageError
from mint_index.cli.output import Outcome
from mint_index.provenance import command_provenance, file_records

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["run_effects"]


def run_effects(args: argparse.Namespace) -> Outcome:
    """Read the data and the register, score, estimate, write ``--out``. In a project
    folder (or with ``--project``) the data, the register (``measures:``), the rules (the
    action catalog) and the output (``effects.csv`` beside the project file) default to
    the project's, as :meth:`mint_index.project.Project.effects` reads them."""

    import numpy as np

    import mint_index as mi
    from mint_index.cli.commands import (
        check_output_file,
        check_output_not_input,
        command_rules,
        data_facts,
        project_root,
        read_inputs,
        register_warnings,
        score_results,
    )
    from mint_index.cli.output import problem
    from mint_index.cli.project import measures_register_file
    from mint_index.effect_monitoring.did import check_level, check_seed
    from mint_index.effect_monitoring.effects_file import SUFFIXES, write_effects
    from mint_index.effect_monitoring.estimate import ROLES, STATUSES, effects_register
    from mint_index.effect_monitoring.texts import VERDICTS, effect_verdicts
    from mint_index.errors import MintIndexError

    if args.data and (args.out is None or args.measures is None):
        raise UsageError("give --measures FILE and --out FILE (.csv or .json) with data files")
    if args.out is not None:
        check_output_file(Path(args.out), SUFFIXES)
    try:
        check_level(args.level)
        check_seed(args.seed)
    except MintIndexError as exc:  # before any file is read: a wrong flag
        raise UsageError(f"--{exc}") from None
    inputs = read_inputs(args, args.data, args.framework, args.spec)
    project = inputs.project
    measures_file = measures_register_file(args, project)
    if measures_file is None:
        raise UsageError("give --measures FILE, or name the register in the project file")
    if args.out:
        out = Path(args.out)
    elif project is not None:
        out = project.root / "effects.csv"
    else:
        raise UsageError("give --out FILE (.csv or .json) with data files")
    check_output_not_input(out, args, inputs, measures_file)
    rules, rules_info, skipped = command_rules(args.rules, inputs)
    results = score_results(inputs)
    register = effects_register(results, measures_file, rules)
    with register_warnings(measures_file.name) as said:
        table = mi.effects(results, register, rules=rules, level=args.level, seed=args.seed)
    files = [*inputs.files, *file_records([measures_file], base=project_root(inputs))]
    prov = command_provenance("effects", files, inputs.framework, rules_info, results.spec)
    written = write_effects(table, out, prov)

    facts = data_facts(inputs.dataset, inputs.files)
    estimated = STATUSES[0]  # the statuses, best first
    unit_rows = table[table["kind"] == "unit"]
    pooled = table[(table["kind"] == "pooled") & (table["status"] == estimated)]
    rose_or_fell = VERDICTS[:2]  # an interval that excludes zero
    visible = pooled[np.isin(effect_verdicts(pooled), rose_or_fell)]
    outputs = visible["role"] == ROLES[1]
    n_measures = register.frame["measure"].nunique()
    # registered, but no node of the framework to judge them by (a welcome service, whose
    # only indicator says it is there; conferences, whose only one counts those held): no
    # outcome rows in the table, and no estimate of an effect ever
    judged = table.loc[table["role"] == ROLES[0], "measure"]
    unjudged = register.frame[~register.frame["measure"].isin(judged)]
    facts.update(
        {
            "measures": n_measures,
            "register rows": len(register),
            "no effect to estimate": [
                f"{m} ({_count(int(n), 'row')})"
                for m, n in unjudged.groupby("measure", sort=True).size().items()
            ]
            or "none",
            **{
                f"{status} (unit rows)": int((unit_rows["status"] == status).sum())
                for status in STATUSES
            },
            "pooled effects visible": _listed(visible[~outputs])
            or ("none yet" if len(unit_rows) else "none"),
            # a change in what a measure provides: it is carried out, not an effect
            "pooled outputs visible": _listed(visible[outputs]) or "none",
        }
    )
    return Outcome(
        "effects",
        headline=f"effects of the {_count(n_measures, 'measure')} in the register "
        f"({_count(len(register), 'row')})",
        facts=facts,
        problems=inputs.warnings
        + [problem(message, severity="warning") for message in skipped]
        + said,
        outputs=[p.as_posix() for p in written],
        provenance=prov,
    )


def _listed(rows: pd.DataFrame) -> list[str]:
    """``measure: indicator`` for each row."""
    return [f"{m}: {i}" for m, i in zip(rows["measure"], rows["indicator"], strict=True)]


def _count(n: int, noun: str) -> str:
    """``1 measure``, ``5 measures``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
