"""What changed between two score tables: scores, ranks, revisions and definitions.

Both sides are tidy score tables (:mod:`mint_index.cli.scores`). The latest year of the
old table that has index scores is compared with that of the new one (last year's
publication against this year's; the same years the HTML comparison shows); years present
in both are checked for revisions of past scores. Definition changes come from the build
specs in the two provenance blocks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mint_index.cli.io import FLOAT_DECIMALS

__all__ = ["CHANGE_COLUMNS", "compare_tables", "definition_changes", "latest_scored_year"]

CHANGE_COLUMNS = [
    "unit",
    "node",
    "level",
    "old_year",
    "old_score",
    "old_rank",
    "new_year",
    "new_score",
    "new_rank",
    "score_change",
    "rank_change",
]
REVISION_COLUMNS = ["unit", "year", "node", "old_score", "new_score", "difference"]
DEFINITION_COLUMNS = ["kind", "id", "change", "fields"]

#: Score differences below this are rounding, not revisions.
_TOLERANCE = 10.0**-FLOAT_DECIMALS


def _rounded(values: pd.Series) -> np.ndarray:
    return np.round(pd.to_numeric(values).to_numpy(np.float64), FLOAT_DECIMALS) + 0.0


def latest_scored_year(table: pd.DataFrame) -> int | None:
    """The latest year in which some unit has an index score (the index is the node of the
    highest level) - the year a report of the table is about; None for an empty table."""
    if not len(table):
        return None
    index = table[(table["level"] == table["level"].max()) & table["score"].notna()]
    return int((index if len(index) else table)["year"].max())


def compare_tables(old: pd.DataFrame, new: pd.DataFrame, rank_jump: int) -> dict[str, Any]:
    """``changes`` (latest year against latest year), ``rank_jumps`` (aggregates whose rank
    moved ``rank_jump`` places or more), ``revisions`` (past scores that differ) and the
    unit lists ``units_added``/``units_removed``."""
    old_year, new_year = latest_scored_year(old), latest_scored_year(new)
    keep = ["unit", "node", "level", "year", "score", "rank"]
    left = old.loc[old["year"] == old_year, keep].rename(
        columns={"year": "old_year", "score": "old_score", "rank": "old_rank"}
    )
    right = new.loc[new["year"] == new_year, keep].rename(
        columns={"year": "new_year", "score": "new_score", "rank": "new_rank", "level": "lvl"}
    )
    changes = left.merge(right, on=["unit", "node"], how="outer")
    changes["level"] = changes["level"].fillna(changes["lvl"]).astype("int64")
    changes["score_change"] = _rounded(changes["new_score"] - changes["old_score"])
    changes["rank_change"] = (changes["old_rank"] - changes["new_rank"]).astype("Int64")
    for column in ("old_year", "new_year", "old_rank", "new_rank"):
        changes[column] = changes[column].astype("Int64")
    changes = changes.sort_values(["node", "unit"], kind="stable", ignore_index=True)
    changes = changes[CHANGE_COLUMNS]

    moved = changes["rank_change"].abs().fillna(0) >= rank_jump
    jumps = changes[moved].assign(_size=lambda f: -f["rank_change"].abs())
    jumps = jumps.sort_values(["_size", "node", "unit"], kind="stable", ignore_index=True)
    jumps = jumps.drop(columns="_size")

    both = old.merge(new, on=["unit", "year", "node"], suffixes=("_old", "_new"))
    diff = _rounded(both["score_new"] - both["score_old"])
    appeared = both["score_old"].isna() != both["score_new"].isna()
    revised = (np.abs(np.nan_to_num(diff)) > _TOLERANCE) | appeared.to_numpy()
    revisions = pd.DataFrame(
        {
            "unit": both["unit"],
            "year": both["year"],
            "node": both["node"],
            "old_score": both["score_old"],
            "new_score": both["score_new"],
            "difference": diff,
        }
    )[revised].sort_values(["unit", "year", "node"], kind="stable", ignore_index=True)

    old_units, new_units = set(old["unit"]), set(new["unit"])
    return {
        "old_year": old_year,
        "new_year": new_year,
        "changes": changes,
        "rank_jumps": jumps,
        "revisions": revisions[REVISION_COLUMNS],
        "units_added": sorted(new_units - old_units),
        "units_removed": sorted(old_units - new_units),
    }


def _by_id(items: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items or []}


def _diff_items(
    kind: str,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    out = []
    for item_id in sorted(set(old) | set(new)):
        if item_id not in new:
            out.append({"kind": kind, "id": item_id, "change": "removed", "fields": ""})
        elif item_id not in old:
            out.append({"kind": kind, "id": item_id, "change": "added", "fields": ""})
        else:
            fields = sorted(
                k
                for k in set(old[item_id]) | set(new[item_id])
                if old[item_id].get(k) != new[item_id].get(k)
            )
            if fields:
                out.append(
                    {"kind": kind, "id": item_id, "change": "changed", "fields": ", ".join(fields)}
                )
    return out


def definition_changes(
    old_spec: dict[str, Any] | None, new_spec: dict[str, Any] | None
) -> pd.DataFrame:
    """Indicators, aggregate nodes, variables and settings that differ between two specs.

    Spec-level overrides (steps, weights, peer groups) and framework sections (metadata,
    defaults, peer groups, the index) are reported under ``kind`` ``spec`` and
    ``framework``.
    """
    if old_spec is None or new_spec is None:
        return pd.DataFrame(columns=DEFINITION_COLUMNS)
    old_fw, new_fw = old_spec.get("framework", {}), new_spec.get("framework", {})
    rows: list[dict[str, Any]] = []
    for section in ("framework", "index", "defaults", "peer_groups"):
        rows += _diff_items(
            "framework", {section: old_fw.get(section) or {}}, {section: new_fw.get(section) or {}}
        )
    for kind, key in (("indicator", "indicators"), ("node", "nodes"), ("variable", "variables")):
        rows += _diff_items(kind, _by_id(old_fw.get(key)), _by_id(new_fw.get(key)))
    settings = sorted((set(old_spec) | set(new_spec)) - {"framework"})
    rows += _diff_items(
        "spec",
        {"spec": {k: old_spec.get(k) for k in settings}},
        {"spec": {k: new_spec.get(k) for k in settings}},
    )
    return pd.DataFrame(rows, columns=DEFINITION_COLUMNS)
