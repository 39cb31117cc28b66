"""``recommend()``: from gaps to a ranked, explained list of measures per unit and year.

1. ``gaps(results)`` and the data quality of every node are pivoted into a
   :class:`~mint_index.recommendations.conditions.Panel` (rows: unit and year; columns: nodes).
2. Every rule's condition is evaluated over all rows at once (three-valued logic).
3. Where it holds, each of the rule's actions becomes a candidate with a priority
   (:mod:`mint_index.recommendations.priority`); where it is undecided because a node it reads is
   not reliable, the unit gets a data-quality note on that node instead.
4. An action recommended by several rules is listed once, under its highest priority, with
   every rule that asked for it; candidates are ranked per unit and year.
5. Evidence and explanations (German and English) are written only for the rows a view
   asks for (:mod:`mint_index.recommendations.details`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.errors import MintIndexError
from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.recommendations.conditions import PANEL_MEASURES, Panel, evaluate
from mint_index.recommendations.details import CORE_COLUMNS, Details
from mint_index.recommendations.priority import SEVERITY, priority
from mint_index.recommendations.quality import REASONS, Quality, assess
from mint_index.recommendations.recommendations import Recommendations
from mint_index.recommendations.rules import RuleSet, load_rules
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language
from mint_index.rules.weights import weight_shares

if TYPE_CHECKING:
    from mint_index.framework.framework import Framework
    from mint_index.pipeline.results import Results

__all__ = ["fire", "recommend"]

_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


def recommend(
    results: Results,
    rules: RuleSet | str | Path | None = None,
    lang: str = DEFAULT_LANGUAGE,
    max_poor_share: float = 0.5,
) -> Recommendations:
    """Ranked, explained measures for every unit and year of ``results``.

    ``rules``: ``None`` for the packaged catalog, a YAML file or folder (see
    :func:`~mint_index.load_rules`), or a loaded :class:`RuleSet`. ``lang`` (``de`` or
    ``en``) is the language shown by default; evidence and explanations are written in
    either language when a view asks for them (``to_frame``, ``for_unit``, ...).
    ``max_poor_share``: an aggregate whose indicators are missing, imputed or unreliable
    for more than this share of its weight is too sparse to act on.
    """
    from mint_index.gap_analysis import gaps

    check_language(lang)
    if not 0.0 <= max_poor_share <= 1.0:
        raise MintIndexError(f"max_poor_share must lie in [0, 1], got {max_poor_share}")
    fw = results.framework
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    ruleset = ruleset.validated_for(fw)

    table = gaps(results)
    quality = assess(results, max_poor_share)
    panel = _panel(results, table, quality)
    weights = weight_shares(results.plan)[fw.node_ids.index(fw.index.id)]
    hits, blocked = fire(ruleset, panel, weights)

    units = results.units.reindex(results.unit_ids)
    actions = _action_rows(hits, panel)
    notes = _note_rows(blocked, panel, quality, fw)
    frame = pd.concat([f for f in (actions, notes) if len(f)] or [actions], ignore_index=True)
    frame = _order(frame, fw)
    meta = {
        "framework": fw.framework.id,
        "framework_sha256": fw.sha256,
        "rules_sha256": ruleset.sha256,
        "max_poor_share": max_poor_share,
    }
    details = Details.of(ruleset, fw, units, results.years)
    return Recommendations(frame, lang=lang, meta=meta, ruleset=ruleset, details=details)


# ---- firing ---------------------------------------------------------------------------------


def fire(
    ruleset: RuleSet, panel: Panel, weights: np.ndarray | Mapping[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate every rule on ``panel``.

    Returns the candidates (``row, rule, rule_pos, action, action_pos, severity, node,
    gap_kind, gap, priority``; one per rule, row and action) and the blocked rules
    (``row, rule, node``: the rule is undecided on reliable data, would not be ruled out
    by the unreliable numbers either, and ``node`` is not reliable in that row).
    ``weights`` is each node's effective weight in the index (array over ``panel.nodes`` or
    a mapping; missing nodes weigh 0).
    """
    if isinstance(weights, Mapping):
        weights = np.array([float(weights.get(n, 0.0)) for n in panel.nodes])
    lenient = replace(panel, reliable=np.ones_like(panel.reliable))
    active = np.ones(panel.n_rows, dtype=bool) if panel.active is None else panel.active
    hits: dict[str, list[np.ndarray]] = {c: [] for c in _HIT_TYPES}
    blocked: dict[str, list[np.ndarray]] = {"row": [], "rule": [], "node": []}
    for position, rule in enumerate(ruleset.rules):
        truth = evaluate(rule.when, panel)
        j = panel.column(rule.focus)
        fired = np.flatnonzero(truth.true)
        if fired.size:
            kinds = rule.gap_measures() or list(_DEFAULT_GAPS)
            gap, kind_per_row = _largest_gap(panel, kinds, fired, j)
            value = priority(
                SEVERITY[rule.severity],
                gap,
                float(weights[j]),
                panel.measures["trend"][fired, j],
            )
            n_a, n = len(rule.actions), fired.size * len(rule.actions)
            part = {
                "row": np.repeat(fired, n_a),
                "rule": np.full(n, rule.id, dtype=object),
                "rule_pos": np.full(n, position),
                "action": np.tile(np.asarray(rule.actions, dtype=object), fired.size),
                "action_pos": np.tile(np.arange(n_a), fired.size),
                "severity": np.full(n, rule.severity, dtype=object),
                "node": np.full(n, rule.focus, dtype=object),
                "gap_kind": np.repeat(kind_per_row, n_a),
                "gap": np.repeat(gap, n_a),
                "priority": np.repeat(value, n_a),
            }
            for column, values in part.items():
                hits[column].append(values)
        # a note where reliable data leave the rule undecided, unless the unreliable
        # numbers themselves already say it does not apply
        unknown = truth.unknown & active
        if not unknown.any():
            continue
        unknown &= ~evaluate(rule.when, lenient).false
        for node in rule.nodes():
            rows = np.flatnonzero(unknown & ~panel.reliable[:, panel.column(node)])
            blocked["row"].append(rows)
            blocked["rule"].append(np.full(rows.size, rule.id, dtype=object))
            blocked["node"].append(np.full(rows.size, node, dtype=object))

    def frame(parts: dict[str, list[np.ndarray]], types: dict[str, type]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                c: np.concatenate(parts[c]).astype(t) if parts[c] else np.empty(0, dtype=t)
                for c, t in types.items()
            }
        )

    return frame(hits, _HIT_TYPES), frame(
        blocked, {"row": np.int64, "rule": object, "node": object}
    )


#: The gaps that set the priority of a rule that names none on its focus node.
_DEFAULT_GAPS = ("gap_target", "gap_peer_median")


def _largest_gap(
    panel: Panel, kinds: list[str], rows: np.ndarray, col: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row the largest of the named gaps (NaN if all are missing) and which it is."""
    stacked = np.stack([panel.measures[k][rows, col] for k in kinds])  # [kind, row]
    filled = np.where(np.isnan(stacked), -np.inf, stacked)
    which = np.argmax(filled, axis=0)
    gap = np.take_along_axis(stacked, which[None], axis=0)[0]
    return gap, np.asarray(kinds, dtype=object)[which]


_HIT_TYPES = {
    "row": np.int64,
    "rule": object,
    "rule_pos": np.int64,
    "action": object,
    "action_pos": np.int64,
    "severity": object,
    "node": object,
    "gap_kind": object,
    "gap": np.float64,
    "priority": np.float64,
}


def rank(hits: pd.DataFrame) -> pd.DataFrame:
    """One candidate per row and action (its highest priority), ranked within each row.

    Order: priority (descending), severity (descending), rule id, the action's place in the
    rule. Adds ``rank`` (1 = first) and ``rules`` (every rule that asked for the action,
    in that order).
    """
    ordered = hits.assign(
        _p=-np.round(hits["priority"].to_numpy(dtype=np.float64), 9),
        _s=-hits["severity"].map(_SEVERITY_RANK).to_numpy(dtype=np.int64),
    ).sort_values(["row", "_p", "_s", "rule", "action_pos"], kind="stable")
    ordered = ordered.sort_values(["row", "action"], kind="stable")  # groups, order kept
    rules = _groups_of(
        [ordered["row"].to_numpy(), ordered["action"].to_numpy(dtype=object)],
        ordered["rule"].to_numpy(dtype=object),
    )
    first = ~ordered.duplicated(["row", "action"]).to_numpy()
    best = ordered.assign(rules=rules)[first]
    best = best.sort_values(["row", "_p", "_s", "rule", "action_pos"], kind="stable")
    best = best.drop(columns=["_p", "_s"]).reset_index(drop=True)
    best["rank"] = best.groupby("row").cumcount() + 1
    return best


# ---- assembling -----------------------------------------------------------------------------


def _panel(results: Results, table: pd.DataFrame, quality: Quality) -> Panel:
    n_y, n_u = len(results.years), len(results.unit_ids)
    nodes = results.framework.node_ids
    n_rows = n_u * n_y

    def rows(cube: np.ndarray) -> np.ndarray:  # [year, unit, node] -> [unit*year, node]
        return cube.transpose(1, 0, 2).reshape(n_rows, len(nodes))

    return Panel(
        units=np.repeat(results.unit_ids.astype(object), n_y),
        years=np.tile(np.asarray(results.years, dtype=np.int64), n_u),
        nodes=tuple(nodes),
        measures={
            m: table[m].to_numpy(dtype=np.float64).reshape(n_rows, len(nodes))
            for m in PANEL_MEASURES
        },
        reliable=rows(quality.reliable),
        flags={name: rows(cube) for name, cube in quality.flags.items()},
        active=(~np.isnan(results.cube("derived"))).any(axis=2).T.reshape(n_rows),
    )


def _numbers(panel: Panel, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
    return {m: panel.measures[m][rows, cols] for m in PANEL_MEASURES}


def _action_rows(hits: pd.DataFrame, panel: Panel) -> pd.DataFrame:
    if not len(hits):
        return pd.DataFrame(columns=CORE_COLUMNS)
    best = rank(hits)
    row = best["row"].to_numpy(dtype=np.int64)
    nodes = best["node"].to_numpy(dtype=object)
    col = pd.Index(panel.nodes).get_indexer(nodes)
    n = len(best)
    out = pd.DataFrame(
        {
            "unit": pd.Series(panel.units[row], dtype=object),
            "year": panel.years[row],
            "kind": "action",
            "rank": best["rank"].astype("Int64"),
            "action": best["action"].astype(object),
            "priority": best["priority"].astype(np.float64),
            "severity": best["severity"].astype(object),
            "rule": best["rule"].astype(object),
            "rules": best["rules"],
            "node": pd.Series(nodes, dtype=object),
            "reason": None,
            "gap_kind": best["gap_kind"].astype(object),
            "gap": best["gap"].astype(np.float64),
            **_numbers(panel, row, col),
            "detail": None,
            "poor": np.zeros(n, dtype=np.int64),
            "total": np.zeros(n, dtype=np.int64),
        }
    )
    return out[CORE_COLUMNS]


def _groups_of(keys: list[np.ndarray], values: np.ndarray) -> np.ndarray:
    """For rows sorted by ``keys``: each row's tuple of ``values`` over its group."""
    n = len(values)
    if n == 0:
        return np.empty(0, dtype=object)
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    tuples = np.empty(len(starts), dtype=object)
    tuples[:] = [tuple(values[a:b]) for a, b in zip(starts, ends, strict=True)]
    return tuples[np.cumsum(new) - 1]


def _note_rows(
    blocked: pd.DataFrame, panel: Panel, quality: Quality, fw: Framework
) -> pd.DataFrame:
    if not len(blocked):
        return pd.DataFrame(columns=CORE_COLUMNS)
    position = {n: i for i, n in enumerate(fw.node_ids)}
    blocked = blocked.assign(_n=blocked["node"].map(position)).sort_values(
        ["row", "_n", "rule"], kind="stable", ignore_index=True
    )
    keys = [blocked["row"].to_numpy(), blocked["_n"].to_numpy()]
    rules = _groups_of(keys, blocked["rule"].to_numpy(dtype=object))
    first = ~blocked.duplicated(["row", "_n"]).to_numpy()
    chosen = blocked[first].reset_index(drop=True)
    row = chosen["row"].to_numpy(dtype=np.int64)
    col = chosen["_n"].to_numpy(dtype=np.int64)
    n_y = len(np.unique(panel.years))
    # quality cubes are [year, unit, node]; panel rows are unit-major
    y_idx, u_idx = row % n_y, row // n_y
    reason = np.asarray(REASONS, dtype=object)[quality.reason[y_idx, u_idx, col]]
    why = np.asarray(DERIVED_REASONS, dtype=object)[quality.missing_reason[y_idx, u_idx, col]]
    detailed = np.where((reason == "missing") & (why != ""), "missing:" + why, reason)
    nodes = chosen["node"].to_numpy(dtype=object)
    out = pd.DataFrame(
        {
            "unit": pd.Series(panel.units[row], dtype=object),
            "year": panel.years[row],
            "kind": "note",
            "rank": pd.array([pd.NA] * len(chosen), dtype="Int64"),
            "action": None,
            "priority": np.nan,
            "severity": None,
            "rule": chosen["rule"].astype(object),
            "rules": rules[first],
            "node": pd.Series(nodes, dtype=object),
            "reason": reason,
            "gap_kind": None,
            "gap": np.nan,
            **_numbers(panel, row, col),
            "detail": detailed,
            "poor": quality.poor[y_idx, u_idx, col],
            "total": quality.total[col],
        }
    )
    return out[CORE_COLUMNS]


def _order(frame: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Units, years; actions by rank, then notes in framework order."""
    position = {n: i for i, n in enumerate(fw.node_ids)}
    keys = frame.assign(
        _k=(frame["kind"] == "note").astype(np.int64),
        _r=frame["rank"].fillna(0).astype(np.int64),
        _n=frame["node"].map(position).fillna(-1).astype(np.int64),
    )
    keys = keys.sort_values(["unit", "year", "_k", "_r", "_n"], kind="stable")
    return keys.drop(columns=["_k", "_r", "_n"]).reset_index(drop=True)
