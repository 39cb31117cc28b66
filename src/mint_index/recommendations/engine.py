"""``recommend()``: from gaps to a ranked, explained list of measures per unit and year.

1. The gaps (:class:`~mint_index.gap_analysis.GapCube`) and the data quality of every node
   form a :class:`~mint_index.recommendations.conditions.Panel` (rows: unit and year;
   columns: nodes). Only the node columns the rules test are ever computed.
2. :func:`fire`: every rule's condition is evaluated over all rows at once (three-valued
   logic), giving ``[rule, row]`` masks and priorities
   (:mod:`mint_index.recommendations.priority`). Where a rule is undecided because a node it
   reads is not reliable, the unit gets a data-quality note on that node instead.
3. :func:`rank`: an action recommended by several rules is listed once, under its highest
   priority, with every rule that asked for it; candidates are ranked per unit and year.
   This is array work over ``[row, action]`` matrices, never a loop per unit and rule, and
   only the cells that fire become rows.
4. The frame holds numbers, integer codes and categoricals only, already in output order
   (units, years; actions by rank, then notes in framework order); evidence and
   explanations (German and English) are written only for the rows a view asks for
   (:mod:`mint_index.recommendations.details`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mint_index.errors import MintIndexError
from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.recommendations.conditions import Panel, evaluate
from mint_index.recommendations.details import CORE_COLUMNS, Details
from mint_index.recommendations.priority import SEVERITY, priority, weight_shares
from mint_index.recommendations.quality import REASONS, Quality, assess
from mint_index.recommendations.recommendations import NUMBER_COLUMNS, Recommendations
from mint_index.recommendations.rules import Rule, RuleSet, load_rules
from mint_index.recommendations.texts import LANGS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mint_index.gap_analysis import GapCube
    from mint_index.pipeline.results import Results

__all__ = ["Firing", "fire", "notes", "rank", "recommend"]

#: Severities, weakest first (the categories of the ``severity`` column).
SEVERITIES = ("low", "medium", "high")
#: The gaps a rule's priority can rest on (the categories of ``gap_kind``).
GAP_KINDS = ("gap_target", "gap_peer_median", "gap_peer_best")
#: The gaps that set the priority of a rule that names none on its focus node.
_DEFAULT_GAPS = ("gap_target", "gap_peer_median")
#: Why a note's data fall short: a reason, or ``missing`` qualified by why it is missing.
DETAILS = (*REASONS[1:], *(f"missing:{r}" for r in DERIVED_REASONS[1:]))


def recommend(
    results: Results,
    rules: RuleSet | str | Path | None = None,
    lang: str = "en",
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
    from mint_index.gap_analysis import GapCube

    if lang not in LANGS:
        raise MintIndexError(f"unknown language {lang!r}; languages: {', '.join(LANGS)}")
    if not 0.0 <= max_poor_share <= 1.0:
        raise MintIndexError(f"max_poor_share must lie in [0, 1], got {max_poor_share}")
    fw = results.framework
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    ruleset = ruleset.validated_for(fw)

    cube = GapCube.of_results(results)
    quality = assess(results, max_poor_share)
    panel = _panel(results, cube, quality)
    weights = weight_shares(results.spec)[fw.node_ids.index(fw.index.id)]
    firing = fire(ruleset, panel, weights)
    frame = _frame(rank(firing), notes(firing, panel), panel, cube, quality)
    meta = {
        "framework": fw.framework.id,
        "framework_sha256": fw.sha256,
        "rules_sha256": ruleset.sha256,
        "max_poor_share": max_poor_share,
    }
    units = results.units.reindex(results.unit_ids)
    details = Details.of(ruleset, fw, units, results.years)
    return Recommendations(frame, lang=lang, meta=meta, ruleset=ruleset, details=details)


# ---- firing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    """Every rule evaluated on every row of a panel; arrays are ``[rule, row]``.

    ``fired``: the condition holds on reliable data. ``gap``/``gap_kind``: the largest of
    the gaps the rule names on its focus node (codes into :data:`GAP_KINDS`), and
    ``priority`` the rule's priority, both where it fired (NaN, -1 elsewhere).
    ``undecided``: reliable data leave the rule undecided in an active row, and the
    unreliable numbers would not rule it out either.
    """

    rules: tuple[Rule, ...]
    nodes: tuple[str, ...]  # the panel's nodes
    focus: np.ndarray  # [rule] the focus node's position
    fired: np.ndarray  # bool
    priority: np.ndarray  # float
    gap: np.ndarray  # float
    gap_kind: np.ndarray  # int8
    undecided: np.ndarray  # bool
    reliable: np.ndarray  # bool [row, node], the panel's


def fire(ruleset: RuleSet, panel: Panel, weights: np.ndarray | Mapping[str, float]) -> Firing:
    """Evaluate every rule on ``panel``: one pass of array work per rule, over all rows.

    ``weights`` is each node's effective weight in the index (array over ``panel.nodes``
    or a mapping; missing nodes weigh 0).
    """
    if not isinstance(weights, np.ndarray):
        weights = np.array([float(weights.get(n, 0.0)) for n in panel.nodes])
    rules = ruleset.rules
    shape = (len(rules), panel.n_rows)
    fired = np.zeros(shape, dtype=bool)
    undecided = np.zeros(shape, dtype=bool)
    gap = np.full(shape, np.nan)
    value = np.full(shape, np.nan)
    kind = np.full(shape, -1, dtype=np.int8)
    lenient = replace(panel, reliable=np.ones_like(panel.reliable))
    active = np.ones(panel.n_rows, dtype=bool) if panel.active is None else panel.active
    focus = np.array([panel.column(rule.focus) for rule in rules], dtype=np.intp)
    for r, rule in enumerate(rules):
        truth = evaluate(rule.when, panel)
        j = int(focus[r])
        fired[r] = truth.true
        kinds = rule.gap_measures() or list(_DEFAULT_GAPS)
        stacked = np.stack([panel.measures.column(k, j) for k in kinds])  # [kind, row]
        which = np.argmax(np.where(np.isnan(stacked), -np.inf, stacked), axis=0)
        largest = np.take_along_axis(stacked, which[None], axis=0)[0]
        codes = np.array([GAP_KINDS.index(k) for k in kinds], dtype=np.int8)[which]
        trend = panel.measures.column("trend", j)
        gap[r] = np.where(truth.true, largest, np.nan)
        kind[r] = np.where(truth.true, codes, -1)
        value[r] = np.where(
            truth.true,
            priority(SEVERITY[rule.severity], largest, float(weights[j]), trend),
            np.nan,
        )
        # a note where reliable data leave the rule undecided, unless the unreliable
        # numbers themselves already say it does not apply
        unknown = truth.unknown & active
        if unknown.any():
            undecided[r] = unknown & ~evaluate(rule.when, lenient).false
    return Firing(
        rules=tuple(rules),
        nodes=tuple(panel.nodes),
        focus=focus,
        fired=fired,
        priority=value,
        gap=gap,
        gap_kind=kind,
        undecided=undecided,
        reliable=panel.reliable,
    )


# ---- ranking --------------------------------------------------------------------------------


def rank(firing: Firing) -> pd.DataFrame:
    """One candidate per row and action (its highest priority), ranked within each row.

    Order: priority (descending, to 9 decimals), severity (descending), rule id, the
    action's place in the rule. Rows ``row, rank, action, action_pos, priority, severity,
    rule, rules, node, gap_kind, gap`` sorted by row and rank; ``rules`` is every rule that
    asked for the action, in that order (a tuple; the column is categorical).
    """
    rules = firing.rules
    n_rows = firing.fired.shape[1]
    actions = list(dict.fromkeys(a for rule in rules for a in rule.actions))
    # slots: one per rule and action, in the order that breaks ties
    slot_rule = np.array([r for r, rule in enumerate(rules) for _ in rule.actions], np.intp)
    slot_pos = np.array([k for rule in rules for k in range(len(rule.actions))], np.intp)
    slot_action = np.array([actions.index(a) for rule in rules for a in rule.actions], np.intp)
    id_rank = _alphabetical([rule.id for rule in rules])
    severity = np.array([SEVERITIES.index(rule.severity) for rule in rules], np.intp)
    tie_order = np.lexsort((slot_pos, id_rank[slot_rule], -severity[slot_rule]))
    tie = np.empty(len(tie_order), np.intp)
    tie[tie_order] = np.arange(len(tie_order))

    key = np.full((n_rows, len(actions)), np.inf)  # minus the rounded priority; inf: none
    best = np.zeros((n_rows, len(actions)), np.intp)  # the slot that sets it
    rules_code = np.full((n_rows, len(actions)), -1, np.int32)
    combos: dict[tuple[str, ...], int] = {}
    rounded = -np.round(firing.priority, 9)
    for a in range(len(actions)):
        slots = tie_order[slot_action[tie_order] == a]
        asked = firing.fired[slot_rule[slots]]  # [slot, row]
        rows = np.flatnonzero(asked.any(axis=0))
        asked = asked[:, rows]
        keys = np.where(asked, rounded[slot_rule[slots]][:, rows], np.inf)
        order = np.argsort(keys, axis=0, kind="stable")  # by priority, then by tie order
        key[rows, a] = np.take_along_axis(keys, order[:1], axis=0)[0]
        best[rows, a] = slots[order[0]]
        # the rules that asked, in order: digits 1..k of the slots, 0 past the last
        digits = np.where(np.arange(len(slots))[:, None] < asked.sum(axis=0), order + 1, 0)
        distinct, inverse = _factorize_columns(digits, len(slots) + 1)
        names = [
            tuple(rules[slot_rule[slots[d - 1]]].id for d in column if d) for column in distinct
        ]
        codes = np.array([combos.setdefault(n, len(combos)) for n in names], np.int32)
        rules_code[rows, a] = codes[inverse]

    # within each row: by priority, then by the tie order of the slot that set it
    by_tie = np.argsort(tie[best], axis=1, kind="stable")
    by_key = np.argsort(np.take_along_axis(key, by_tie, axis=1), axis=1, kind="stable")
    order = np.take_along_axis(by_tie, by_key, axis=1)
    row, place = np.nonzero(np.isfinite(np.take_along_axis(key, order, axis=1)))
    action = order[row, place]
    slot = best[row, action]
    rule = slot_rule[slot]
    return pd.DataFrame(
        {
            "row": row.astype(np.int64),
            "rank": place.astype(np.int64) + 1,
            "action": pd.Categorical.from_codes(action, categories=actions),
            "action_pos": slot_pos[slot].astype(np.int64),
            "priority": firing.priority[rule, row],
            "severity": pd.Categorical.from_codes(severity[rule], categories=SEVERITIES),
            "rule": pd.Categorical.from_codes(rule, categories=[r.id for r in rules]),
            "rules": _tuples(rules_code[row, action], combos),
            "node": pd.Categorical.from_codes(firing.focus[rule], categories=firing.nodes),
            "gap_kind": pd.Categorical.from_codes(firing.gap_kind[rule, row], categories=GAP_KINDS),
            "gap": firing.gap[rule, row],
        }
    )


def notes(firing: Firing, panel: Panel) -> pd.DataFrame:
    """The data-quality notes: one per row and node whose unreliable data leave a rule
    that reads the node undecided. Rows ``row, node, rule, rules`` sorted by row and node;
    ``rules`` are those rules by id (a tuple; the column is categorical), ``rule`` the
    first of them."""
    rules = firing.rules
    n_rows, n_nodes = firing.reliable.shape
    by_id = np.argsort(_alphabetical([rule.id for rule in rules]))
    reads = np.zeros((len(rules), n_nodes), dtype=bool)
    for r, rule in enumerate(rules):
        reads[r, [panel.column(node) for node in rule.nodes()]] = True
    codes = np.full((n_rows, n_nodes), -1, np.int32)
    first = np.zeros((n_rows, n_nodes), np.int32)
    combos: dict[tuple[str, ...], int] = {}
    for j in np.flatnonzero(reads.any(axis=0)):
        readers = by_id[reads[by_id, j]]
        blocked = firing.undecided[readers] & ~firing.reliable[:, j]  # [rule, row]
        rows = np.flatnonzero(blocked.any(axis=0))
        if not rows.size:
            continue
        distinct, inverse = _factorize_columns(blocked[:, rows].astype(np.int64), 2)
        names = [tuple(rules[r].id for r, b in zip(readers, c, strict=True) if b) for c in distinct]
        known = np.array([combos.setdefault(n, len(combos)) for n in names], np.int32)
        codes[rows, j] = known[inverse]
        first[rows, j] = readers[np.argmax(blocked[:, rows], axis=0)]
    row, node = np.nonzero(codes >= 0)
    return pd.DataFrame(
        {
            "row": row.astype(np.int64),
            "node": pd.Categorical.from_codes(node, categories=firing.nodes),
            "rule": pd.Categorical.from_codes(first[row, node], categories=[r.id for r in rules]),
            "rules": _tuples(codes[row, node], combos),
        }
    )


def _factorize_columns(digits: np.ndarray, base: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct columns of ``digits`` (``[k, n]``, values below ``base``) and each
    column's position among them; columns are packed into one integer where they fit."""
    k = digits.shape[0]
    if base ** max(k, 1) < 2**62:
        packed = (digits * (base ** np.arange(k, dtype=np.int64))[:, None]).sum(axis=0)
        _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
        return [digits[:, i] for i in first], inverse.reshape(-1)
    distinct, inverse = np.unique(digits.T, axis=0, return_inverse=True)
    return list(distinct), inverse.reshape(-1)


def _tuples(codes: np.ndarray, combos: dict[tuple[str, ...], int]) -> pd.Categorical:
    categories = pd.Index(list(combos), tupleize_cols=False, dtype=object)
    return pd.Categorical.from_codes(codes, categories=categories)


def _alphabetical(labels: list[str]) -> np.ndarray:
    """Each label's position in sorted order."""
    position = np.empty(len(labels), dtype=np.intp)
    position[np.argsort(np.asarray(labels, dtype=object), kind="stable")] = np.arange(len(labels))
    return position


# ---- assembling -----------------------------------------------------------------------------


class _GapColumns:
    """The panel's measures: node columns of a :class:`GapCube`, computed when a rule
    first reads them; panel rows are unit-major (``unit * n_years + year``)."""

    def __init__(self, cube: GapCube) -> None:
        self.cube = cube
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def column(self, name: str, node: int) -> np.ndarray:
        if (name, node) not in self._cache:
            n_y, n_u, _ = self.cube.scores.shape
            years, units = np.arange(n_y)[None, :], np.arange(n_u)[:, None]
            self._cache[name, node] = self.cube.at(name, years, units, node).reshape(-1)
        return self._cache[name, node]


class _QualityFlags:
    """The panel's flags: node columns of :meth:`Quality.flag`."""

    def __init__(self, quality: Quality) -> None:
        self.quality = quality

    def column(self, name: str, node: int) -> np.ndarray:
        return self.quality.flag(name, node).T.reshape(-1)


def _panel(results: Results, cube: GapCube, quality: Quality) -> Panel:
    n_y, n_u = len(results.years), len(results.unit_ids)
    nodes = results.framework.node_ids
    n_rows = n_u * n_y
    return Panel(
        units=np.repeat(results.unit_ids.astype(object), n_y),
        years=np.tile(np.asarray(results.years, dtype=np.int64), n_u),
        nodes=tuple(nodes),
        measures=_GapColumns(cube),
        reliable=quality.reliable.transpose(1, 0, 2).reshape(n_rows, len(nodes)),
        flags=_QualityFlags(quality),
        active=(~np.isnan(results.cube("derived"))).any(axis=2).T.reshape(n_rows),
    )


def _frame(
    ranked: pd.DataFrame, noted: pd.DataFrame, panel: Panel, cube: GapCube, quality: Quality
) -> pd.DataFrame:
    """The stored frame (:data:`CORE_COLUMNS`): actions and notes scattered straight into
    their output places - units (as text), years; actions by rank, then notes in
    framework order - so nothing is sorted."""
    n_y, n_u, _ = cube.scores.shape
    unit_rank = _alphabetical([str(u) for u in panel.units[::n_y]])
    year_rank = np.argsort(np.argsort(panel.years[:n_y], kind="stable"), kind="stable")
    a_row = ranked["row"].to_numpy()
    n_row = noted["row"].to_numpy()
    n_act = np.bincount(a_row, minlength=n_u * n_y)
    n_note = np.bincount(n_row, minlength=n_u * n_y)
    # rows in output order, and where each row's block starts
    out_order = (unit_rank[:, None] * n_y + year_rank[None, :]).reshape(-1)
    size = (n_act + n_note)[np.argsort(out_order)]
    start = (np.cumsum(size) - size)[out_order]
    a_pos = start[a_row] + ranked["rank"].to_numpy() - 1
    note_offset = np.arange(len(n_row)) - (np.cumsum(n_note) - n_note)[n_row]
    n_pos = start[n_row] + n_act[n_row] + note_offset
    total = len(a_row) + len(n_row)

    def scatter(actions: np.ndarray, notes: np.ndarray, dtype: type | str) -> np.ndarray:
        out = np.empty(total, dtype=dtype)
        out[a_pos], out[n_pos] = actions, notes
        return out

    def categorical(actions: pd.Categorical, notes: pd.Categorical | None = None) -> pd.Categorical:
        """One categorical column; notes lack it unless given (code -1: missing)."""
        categories = actions.categories
        if notes is not None:
            categories = categories.append(notes.categories.difference(categories, sort=False))

        def codes(column: pd.Categorical) -> np.ndarray:
            where = categories.get_indexer(column.categories).astype(np.int32)
            return np.where(column.codes >= 0, where[column.codes], -1)

        merged = scatter(codes(actions), -1 if notes is None else codes(notes), np.int32)
        return pd.Categorical.from_codes(merged, categories=categories)

    rows = scatter(a_row, n_row, np.int64)
    node = scatter(ranked["node"].cat.codes.to_numpy(), noted["node"].cat.codes.to_numpy(), np.intp)
    year, unit = rows % n_y, rows // n_y
    score = cube.at("score", year, unit, node)
    numbers = {
        m: score if m == "score" else cube.at(m, year, unit, node, score) for m in NUMBER_COLUMNS
    }
    # notes: why the node's data fall short, and how many of its indicators do
    n_y_idx, n_u_idx = n_row % n_y, n_row // n_y
    n_node = noted["node"].cat.codes.to_numpy()
    reason = quality.reason[n_y_idx, n_u_idx, n_node].astype(np.intp)
    n_i = quality.missing_reason.shape[2]
    why = np.where(
        n_node < n_i,
        quality.missing_reason[n_y_idx, n_u_idx, np.minimum(n_node, n_i - 1)],
        0,
    ).astype(np.intp)
    detail = np.where(
        (reason == REASONS.index("missing")) & (why > 0), len(REASONS) - 2 + why, reason - 1
    )
    is_action = np.zeros(total, dtype=bool)
    is_action[a_pos] = True
    rank_values = scatter(ranked["rank"].to_numpy(), np.zeros(len(n_row), np.int64), np.int64)
    frame = pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(
                unit_rank[unit], categories=np.sort(np.asarray(panel.units[::n_y], dtype=str))
            ),
            "year": panel.years[rows],
            "kind": pd.Categorical.from_codes((~is_action).astype(np.int8), ["action", "note"]),
            "rank": pd.arrays.IntegerArray(rank_values, ~is_action),
            "action": categorical(ranked["action"].array),
            "priority": scatter(ranked["priority"].to_numpy(), np.nan, np.float64),
            "severity": categorical(ranked["severity"].array),
            "rule": categorical(ranked["rule"].array, noted["rule"].array),
            "rules": categorical(ranked["rules"].array, noted["rules"].array),
            "node": pd.Categorical.from_codes(node, categories=list(panel.nodes)),
            "reason": pd.Categorical.from_codes(
                scatter(np.full(len(a_row), -1), reason - 1, np.int8), REASONS[1:]
            ),
            "gap_kind": categorical(ranked["gap_kind"].array),
            "gap": scatter(ranked["gap"].to_numpy(), np.nan, np.float64),
            **numbers,
            "detail": pd.Categorical.from_codes(
                scatter(np.full(len(a_row), -1), detail, np.int8), DETAILS
            ),
            "poor": scatter(
                np.zeros(len(a_row), np.int64), quality.poor[n_y_idx, n_u_idx, n_node], np.int64
            ),
            "total": scatter(np.zeros(len(a_row), np.int64), quality.total[n_node], np.int64),
        }
    )
    return frame[CORE_COLUMNS]
