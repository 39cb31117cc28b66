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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mint_index.errors import MintIndexError
from mint_index.gap_analysis import Cells
from mint_index.pipeline.derive import DERIVED_REASONS
from mint_index.recommendations.conditions import Panel, evaluate
from mint_index.recommendations.details import CORE_COLUMNS, REGISTER_COLUMNS, Details
from mint_index.recommendations.priority import SEVERITIES, SEVERITY, priority
from mint_index.recommendations.quality import REASONS, Quality, assess
from mint_index.recommendations.recommendations import Recommendations
from mint_index.recommendations.rules import Rule, RuleSet, load_rules, walk
from mint_index.rules.languages import DEFAULT_LANGUAGE, check_language
from mint_index.rules.weights import weight_shares
from mint_index.threads import Threads

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from mint_index.gap_analysis import GapCube
    from mint_index.pipeline.results import Results
    from mint_index.recommendations.register import Placed

__all__ = ["Firing", "Found", "find", "fire", "notes", "rank", "recommend"]

#: Kinds of rows, in the order they come within a unit's year (the categories of ``kind``).
KINDS = ("action", "in_place", "note")
#: The gaps a rule's priority can rest on (the categories of ``gap_kind``).
GAP_KINDS = ("gap_target", "gap_peer_median", "gap_peer_best")
#: The gaps that set the priority of a rule that names none on its focus node.
_DEFAULT_GAPS = ("gap_target", "gap_peer_median")
#: Bits of an int64 sort key a priority and a tie order may fill (the sign bit stays clear,
#: and the largest value marks "no candidate").
_KEY_BITS = 62
#: Why a note's data fall short: a reason, or ``missing`` qualified by why it is missing.
DETAILS = (*REASONS[1:], *(f"missing:{r}" for r in DERIVED_REASONS[1:]))


def recommend(
    results: Results,
    rules: RuleSet | str | Path | None = None,
    lang: str = DEFAULT_LANGUAGE,
    max_poor_share: float = 0.5,
    *,
    threads: int | None = None,
) -> Recommendations:
    """Ranked, explained measures for every unit and year of ``results``.

    ``rules``: ``None`` for the packaged catalog, a YAML file or folder (see
    :func:`~mint_index.load_rules`), or a loaded :class:`RuleSet`. ``lang`` (``de`` or
    ``en``) is the language shown by default; evidence and explanations are written in
    either language when a view asks for them (``to_frame``, ``for_unit``, ...).
    ``max_poor_share``: an aggregate whose indicators are missing, imputed or unreliable
    for more than this share of its weight is too sparse to act on. ``threads``: how many
    threads share the work (``None``: one per usable CPU); the result is the same for any.
    """
    check_language(lang)
    with Threads(threads) as pool:
        found = find(results, rules, max_poor_share, threads=pool)
        frame = found.frame(threads=pool)
    return Recommendations(
        frame, lang=lang, meta=found.meta, ruleset=found.ruleset, details=found.details
    )


@dataclass(frozen=True)
class Found:
    """The measures and notes the rules found for a scoring run, as codes (``ranked``,
    ``noted``: see :func:`rank`, :func:`notes`), and what lays them out as the stored frame.
    Panel rows are ``units`` (positions into the results' units, sorted as text) by ``ys``
    (positions into its years, sorted)."""

    ruleset: RuleSet
    cube: GapCube
    quality: Quality
    panel: Panel
    units: np.ndarray
    ys: np.ndarray
    ranked: dict[str, Any]
    noted: dict[str, Any]
    meta: dict[str, Any]
    details: Details

    def frame(
        self, in_place: pd.DataFrame | None = None, threads: Threads | None = None
    ) -> pd.DataFrame:
        """The stored frame (:data:`CORE_COLUMNS`); with ``in_place`` (one row per unit,
        year and measure in place, as :func:`~mint_index.recommendations.register.in_place_rows`
        gives them) without those measures, ranks renumbered, plus one ``in_place`` row per
        measure in place and the register's columns. ``threads`` lay out columns side by
        side."""
        from mint_index.recommendations.register import place, without

        ranked, placed = self.ranked, None
        if in_place is not None:
            panel_units = np.asarray(self.panel.units[:: len(self.ys)], dtype=object)
            placed = place(in_place, panel_units, self.panel.years[: len(self.ys)], ranked)
            ranked = without(ranked, placed)
        return _frame(
            ranked, self.noted, self.panel, self.quality, self.units, self.ys, placed, threads
        )


def find(
    results: Results,
    rules: RuleSet | str | Path | None = None,
    max_poor_share: float = 0.5,
    threads: Threads | None = None,
) -> Found:
    """Every rule evaluated on every unit and year of ``results`` (arguments as
    :func:`recommend`); the measures ranked, the data-quality notes found. ``threads``:
    where independent pieces of the work run (default: one after the other)."""
    from mint_index.gap_analysis import GapCube

    if not 0.0 <= max_poor_share <= 1.0:
        raise MintIndexError(f"max_poor_share must lie in [0, 1], got {max_poor_share}")
    fw = results.framework
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    ruleset = ruleset.validated_for(fw)
    pool = threads or Threads(1)

    assessed = pool.submit(assess, results, max_poor_share)
    cube = GapCube.of_results(results)
    # panel rows in output order: units sorted as text, then years
    units = np.argsort(np.asarray(results.unit_ids, dtype=str), kind="stable")
    ys = np.argsort(np.asarray(results.years), kind="stable")
    columns = _GapColumns(cube, units, ys)
    # the node columns the rules read, while the data quality is assessed
    for j, measures in _reads(ruleset.rules, fw.node_ids).items():
        for measure in measures:
            columns.column(measure, j)
    quality = assessed.result()
    panel = _panel(results, columns, quality, units, ys)
    weights = weight_shares(results.plan)[fw.node_ids.index(fw.index.id)]
    firing = fire(ruleset, panel, weights, pool)
    columns.clear()  # the node columns the rules read are not needed any more
    noting = pool.submit(notes, firing, panel)
    ranked = rank(firing, pool)
    noted = noting.result()
    del firing
    meta = {
        "framework": fw.identity,  # as every provenance block names it
        "rules_sha256": ruleset.sha256,
        "max_poor_share": max_poor_share,
    }
    units_table = results.units.reindex(results.unit_ids)
    details = Details.of(ruleset, fw, units_table, results.years, cube)
    return Found(ruleset, cube, quality, panel, units, ys, ranked, noted, meta, details)


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


def fire(
    ruleset: RuleSet,
    panel: Panel,
    weights: np.ndarray | Mapping[str, float],
    threads: Threads | None = None,
) -> Firing:
    """Evaluate every rule on ``panel``: one pass of array work per rule, over all rows.

    ``weights`` is each node's effective weight in the index (array over ``panel.nodes``
    or a mapping; missing nodes weigh 0). ``threads``: rules evaluated side by side (each
    writes only its own row of the ``[rule, row]`` arrays).
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
    pool = threads or Threads(1)
    if pool.count > 1:  # every column the rules read computed first, a node per piece
        reads = _reads(rules, panel.nodes)
        pool.map(lambda j: [panel.measures.column(m, j) for m in reads[j]], list(reads))

    def one(r: int) -> None:
        rule = rules[r]
        truth = evaluate(rule.when, panel)
        j = int(focus[r])
        fired[r] = truth.true
        rows = np.flatnonzero(truth.true)  # the numbers of the rows where it fires
        kinds = rule.gap_measures() or list(_DEFAULT_GAPS)
        stacked = np.stack([panel.measures.column(k, j)[rows] for k in kinds])  # [kind, row]
        which = np.argmax(np.where(np.isnan(stacked), -np.inf, stacked), axis=0)
        largest = np.take_along_axis(stacked, which[None], axis=0)[0]
        gap[r, rows] = largest
        kind[r, rows] = np.array([GAP_KINDS.index(k) for k in kinds], dtype=np.int8)[which]
        trend = panel.measures.column("trend", j)[rows]
        value[r, rows] = priority(SEVERITY[rule.severity], largest, float(weights[j]), trend)
        # a note where reliable data leave the rule undecided, unless the unreliable
        # numbers themselves already say it does not apply
        unknown = truth.unknown & active
        if unknown.any():
            undecided[r] = unknown & ~evaluate(rule.when, lenient).false

    pool.map(one, range(len(rules)))
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


def _reads(rules: Sequence[Rule], nodes: Sequence[str]) -> dict[int, list[str]]:
    """The measures :func:`fire` reads, per node (a position in ``nodes``): those the rules'
    conditions test, and the gaps and the trend of their focus nodes."""
    reads: dict[int, dict[str, None]] = {}
    for rule in rules:
        for _, condition in walk(rule.when):
            if condition.flag is None:
                reads.setdefault(nodes.index(condition.node), {})[condition.measure] = None
        focus = reads.setdefault(nodes.index(rule.focus), {})
        focus.update(dict.fromkeys([*(rule.gap_measures() or _DEFAULT_GAPS), "trend"]))
    return {node: list(measures) for node, measures in reads.items()}


# ---- ranking --------------------------------------------------------------------------------


def rank(firing: Firing, threads: Threads | None = None) -> dict[str, Any]:
    """One candidate per row and action (its highest priority), ranked within each row.

    Order: priority (descending, to 9 decimals), severity (descending), rule id, the
    action's place in the rule. Columns ``row, rank, action, action_pos, priority,
    severity, rule, rules, node, gap_kind, gap`` (``pd.DataFrame`` takes them as they are),
    sorted by row and rank; ``rules`` is every rule that asked for the action, in that
    order (a tuple; the column is categorical). ``threads``: actions side by side.
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

    # a priority rounded to 9 decimals is a whole number of 1e-9 (``np.round`` multiplies
    # by 1e9 and rounds to the integer): as such integers, counted down from the largest,
    # priorities sort as integers, packed with the other keys into one int64
    top = np.rint(np.nanmax(firing.priority, initial=0.0) * 1e9)  # the highest, in 1e-9
    tie_bits = max(len(tie_order) - 1, 1).bit_length()
    levels = None  # the distinct priorities, where ``top`` and a tie do not fit 63 bits
    if int(top).bit_length() + tie_bits > _KEY_BITS:
        levels = np.unique(np.rint(firing.priority[firing.fired] * 1e9))

    def down(rule: np.ndarray, row: np.ndarray) -> np.ndarray:
        """The priorities of these cells counted down from the highest (0 for the
        highest): in 1e-9, or as places among the distinct priorities (``levels``)."""
        at = np.rint(firing.priority[rule, row] * 1e9)
        if levels is None:
            return (top - at).astype(np.int64)
        return (len(levels) - 1 - np.searchsorted(levels, at)).astype(np.int64)

    # per action and row, the candidate that sets its place: ``down`` of its priority
    # packed with the tie order of its slot, so that one sort along the actions ranks them
    none = np.iinfo(np.int64).max
    best = np.full((len(actions), n_rows), none, np.int64)
    asked = np.full((len(actions), n_rows), -1, np.int32)  # codes of the rules that asked

    def candidates(a: int) -> tuple[np.ndarray, _RuleLists]:
        """Fill in action ``a``'s rows of ``best`` and (codes into its own lists) ``asked``."""
        slots = tie_order[slot_action[tie_order] == a]
        at, row = np.nonzero(firing.fired[slot_rule[slots]])  # [slot, row] that asked
        # by row, then priority, then tie order (the slot's place in ``slots``)
        row, down_at, at = _sorted(row, down(slot_rule[slots][at], row), at)
        first, lengths = _runs(row)
        rows = row[first]
        best[a, rows] = (down_at[first] << tie_bits) | tie[slots[at[first]]]
        listed = np.full((len(slots), len(rows)), -1, np.intp)
        listed[
            np.arange(len(row)) - np.repeat(first, lengths),
            np.repeat(np.arange(len(rows)), lengths),
        ] = at
        lists = _RuleLists()  # the rules that asked, best first
        asked[a, rows] = lists.add(listed, [rules[r].id for r in slot_rule[slots]])
        return rows, lists

    asking = _RuleLists()  # every action's lists, in the order of the actions
    for a, (rows, lists) in enumerate((threads or Threads(1)).map(candidates, range(len(actions)))):
        asked[a, rows] += asking.extend(lists)

    # within each row: by priority, then by the tie order of the slot that set it
    ordered = np.sort(best.T, axis=1)  # [row, place]
    there = ordered != none
    count = there.sum(axis=1)
    row = np.repeat(np.arange(n_rows), count)
    place = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    slot = tie_order[ordered[there] & ((1 << tie_bits) - 1)]
    action = slot_action[slot]
    rule = slot_rule[slot]
    cell = rule * n_rows + row  # into the [rule, row] arrays

    def at(values: np.ndarray) -> np.ndarray:
        return np.take(values.reshape(-1), cell)

    columns: dict[str, Callable[[], Any]] = {
        "row": lambda: row.astype(np.int64, copy=False),
        "rank": lambda: place.astype(np.int64, copy=False) + 1,
        "action": lambda: _categorical(action, categories=actions),
        "action_pos": lambda: slot_pos[slot].astype(np.int64, copy=False),
        "priority": lambda: at(firing.priority),
        "severity": lambda: _categorical(severity[rule], categories=SEVERITIES),
        "rule": lambda: _categorical(rule, categories=[r.id for r in rules]),
        "rules": lambda: asking.categorical(asked[action, row]),
        "node": lambda: _categorical(firing.focus[rule], categories=firing.nodes),
        "gap_kind": lambda: _categorical(at(firing.gap_kind), categories=GAP_KINDS),
        "gap": lambda: at(firing.gap),
    }
    made = (threads or Threads(1)).map(lambda make: make(), columns.values())
    return dict(zip(columns, made, strict=True))


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values of a sorted array starts, and how long it is."""
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else values
    return starts, np.diff(np.r_[starts, len(values)])


def _sorted(
    first: np.ndarray, second: np.ndarray, third: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three non-negative integer keys sorted together (by ``first``, then ``second``,
    then ``third``): packed into one int64 and sorted as plain integers when they fit, which
    is several times faster than an argsort or a lexsort; a lexsort when they do not."""
    if not len(first):
        return first, second, third
    bits = [int(k.max()).bit_length() for k in (first, second, third)]
    if sum(bits) > 63:
        order = np.lexsort((third, second, first))
        return first[order], second[order], third[order]
    low, mid = bits[2], bits[1] + bits[2]
    packed = (first.astype(np.int64) << mid) | (second.astype(np.int64) << low) | third
    packed.sort()
    return packed >> mid, (packed >> low) & ((1 << bits[1]) - 1), packed & ((1 << low) - 1)


def notes(firing: Firing, panel: Panel) -> dict[str, Any]:
    """The data-quality notes: one per row and node whose unreliable data leave a rule
    that reads the node undecided. Columns ``row, node, rule, rules``, sorted by row and
    node; ``rules`` are those rules by id (a tuple; the column is categorical), ``rule``
    the first of them."""
    rules = firing.rules
    n_nodes = firing.reliable.shape[1]
    by_id = np.argsort(_alphabetical([rule.id for rule in rules]))
    reads = np.zeros((len(rules), n_nodes), dtype=bool)
    for r, rule in enumerate(rules):
        reads[r, [panel.column(node) for node in rule.nodes()]] = True
    unreliable = ~firing.reliable.T  # [node, row]
    blocking = _RuleLists()
    rows, nodes, codes = [], [], []
    for j in np.flatnonzero(reads.any(axis=0)):
        readers = by_id[reads[by_id, j]]
        blocked = firing.undecided[readers] & unreliable[j]  # [rule, row]
        at = np.flatnonzero(blocked.any(axis=0))
        blocked = blocked[:, at]
        # the blocked rules, in id order, each at its place among them
        reader, cell = np.nonzero(blocked)
        listed = np.full(blocked.shape, -1, dtype=np.intp)
        listed[(np.cumsum(blocked, axis=0) - 1)[reader, cell], cell] = reader
        rows.append(at)
        nodes.append(np.full(len(at), j, dtype=np.intp))
        codes.append(blocking.add(listed, [rules[r].id for r in readers]))
    empty = np.zeros(0, dtype=np.intp)
    row, node, code = _sorted(*(np.concatenate([empty, *part]) for part in (rows, nodes, codes)))
    ids = [r.id for r in rules]
    return {
        "row": row.astype(np.int64),
        "node": _categorical(node, categories=firing.nodes),
        "rule": _categorical(blocking.firsts(ids)[code], categories=ids),
        "rules": blocking.categorical(code),
    }


class _RuleLists:
    """Short lists of rules, added a batch at a time and kept as integer codes: each
    distinct list of a batch becomes a tuple of ids once."""

    def __init__(self) -> None:
        self._names: list[tuple[str, ...]] = []

    def add(self, listed: np.ndarray, ids: list[str]) -> np.ndarray:
        """The codes of the lists ``ids[listed[:, k]]`` (``listed``: ``[length, n]``
        positions into ``ids``, -1 past the end), one per column of ``listed``."""
        digits = listed.astype(np.int64) + 1
        bits = len(ids).bit_length()
        if bits * len(digits) <= 62:  # packed into one integer per cell
            packed = np.zeros(digits.shape[1], dtype=np.int64)
            for i, line in enumerate(digits):
                packed |= line << (bits * i)
            inverse, keys = pd.factorize(packed)
            distinct = (np.asarray(keys)[:, None] >> (bits * np.arange(len(digits)))) & (
                (1 << bits) - 1
            )
        else:
            distinct, inverse = np.unique(digits.T, axis=0, return_inverse=True)
        codes = (len(self._names) + np.asarray(inverse).reshape(-1)).astype(np.int32)
        present = np.asarray(distinct) > 0
        named = ["", *ids]  # digit d > 0 is ids[d - 1]
        at: Callable[[int], str] = named.__getitem__
        if present[:, 1:].sum() == (present[:, :-1] & present[:, 1:]).sum():  # listed first
            lengths = present.sum(axis=1).tolist()
            self._names += [
                tuple(map(at, line[:n])) for line, n in zip(distinct.tolist(), lengths, strict=True)
            ]
        else:
            self._names += [tuple(at(d) for d in line if d) for line in distinct.tolist()]
        return codes

    def extend(self, other: _RuleLists) -> int:
        """Append ``other``'s lists; what to add to its codes to make them codes here."""
        offset = len(self._names)
        self._names += other._names
        return offset

    def firsts(self, ids: list[str]) -> np.ndarray:
        """Per code: the position in ``ids`` of the first rule of its list."""
        position = {rule: i for i, rule in enumerate(ids)}
        return np.array([position[name[0]] for name in self._names], dtype=np.intp)

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        """The lists of ``codes`` as a categorical of id tuples (each distinct list once,
        in the order it was first added)."""
        unique = dict.fromkeys(self._names)
        position = {name: i for i, name in enumerate(unique)}
        remap = np.array([position[name] for name in self._names], dtype=np.int32)
        return _categorical(remap[codes], list(unique))


def _alphabetical(labels: list[str]) -> np.ndarray:
    """Each label's position in sorted order."""
    position = np.empty(len(labels), dtype=np.intp)
    position[np.argsort(np.asarray(labels, dtype=object), kind="stable")] = np.arange(len(labels))
    return position


# ---- assembling -----------------------------------------------------------------------------


class _GapColumns:
    """The panel's measures: node columns of a :class:`GapCube`, computed when a rule
    first reads them. Panel rows are ``unit * n_years + year`` over the units sorted as
    text and the years sorted, i.e. in output order."""

    def __init__(self, cube: GapCube, units: np.ndarray, years: np.ndarray) -> None:
        self.cube = cube
        # node 0's cells as a [unit, 1] and a [1, year] axis: only the flat index is a full
        # [unit, year] array, so what depends on the unit or the year alone (targets, peer
        # references, first years of a trend) is read once per unit or year, not per row
        n_n = cube.scores.shape[2]
        self._first = Cells(
            years[None, :].astype(np.intp),
            units[:, None].astype(np.intp),
            np.zeros((1, 1), dtype=np.intp),
            cube.cells(years[None, :], units[:, None], 0).flat,
            years[None, :].astype(np.intp) * n_n,
            units[:, None].astype(np.intp) * n_n,
        )
        self._cache: dict[tuple[str, int], np.ndarray] = {}

    def _cells(self, node: int) -> Cells:
        """The panel's cells at ``node``: node 0's, moved along the node axis."""
        first = self._first
        return Cells(
            first.year,
            first.unit,
            first.node + node,
            first.flat + node,
            first.year_node + node,
            first.unit_node + node,
        )

    def column(self, name: str, node: int) -> np.ndarray:
        if (name, node) not in self._cache:
            cells = self._cells(node)
            if ("score", node) not in self._cache:
                self._cache["score", node] = self.cube.at("score", cells).reshape(-1)
            if name != "score":
                score = self._cache["score", node].reshape(cells.flat.shape)
                self._cache[name, node] = self.cube.at(name, cells, score).reshape(-1)
        return self._cache[name, node]

    def clear(self) -> None:
        self._cache.clear()


class _QualityFlags:
    """The panel's flags: node columns of :meth:`Quality.flag`, rows as in the panel."""

    def __init__(self, quality: Quality, units: np.ndarray, years: np.ndarray) -> None:
        self.quality = quality
        self._units, self._years = units[:, None], years[None, :]

    def column(self, name: str, node: int) -> np.ndarray:
        return self.quality.flag(name, node)[self._years, self._units].reshape(-1)


def _panel(
    results: Results, columns: _GapColumns, quality: Quality, units: np.ndarray, ys: np.ndarray
) -> Panel:
    """Rows: ``units`` (positions in the order of the output), then years (``ys``)."""
    unit_ids = np.asarray(results.unit_ids, dtype=str)
    years = np.asarray(results.years, dtype=np.int64)
    n_rows, n_nodes = len(units) * len(ys), len(results.framework.node_ids)
    reliable = quality.reliable[ys][:, units].transpose(1, 0, 2).reshape(n_rows, n_nodes)
    return Panel(
        units=np.repeat(unit_ids[units].astype(object), len(ys)),
        years=np.tile(years[ys], len(units)),
        nodes=tuple(results.framework.node_ids),
        measures=columns,
        reliable=reliable,
        flags=_QualityFlags(quality, units, ys),
        active=results.has_data[ys][:, units].T.reshape(n_rows),
    )


def _frame(
    ranked: Mapping[str, Any],
    noted: Mapping[str, Any],
    panel: Panel,
    quality: Quality,
    units: np.ndarray,
    ys: np.ndarray,
    placed: Placed | None = None,
    threads: Threads | None = None,
) -> pd.DataFrame:
    """The stored frame (:data:`CORE_COLUMNS`, with ``placed`` also the register's). Panel
    rows are in output order, so each row's actions (by rank), its measures in place (in
    the register's order) and then its notes (in framework order) are laid out as they
    come: nothing is sorted. The numbers of each row's node are not stored: the gap cube
    gives them for the rows a view asks for (:meth:`Details.numbers`). ``threads``: the
    columns are laid out side by side."""
    n_y, n_units = len(ys), len(units)
    n_rows = panel.n_rows
    a_row, n_row = ranked["row"], noted["row"]
    p_row = np.zeros(0, dtype=np.intp) if placed is None else placed.row
    counts = np.stack([np.bincount(r, minlength=n_rows) for r in (a_row, p_row, n_row)], axis=1)
    kind = np.repeat(np.tile(np.arange(3, dtype=np.int8), n_rows), counts.reshape(-1))
    total = len(kind)
    a_pos, p_pos, n_pos = (np.flatnonzero(kind == k) for k in range(3))

    def merge(
        actions: np.ndarray | float,
        in_place: np.ndarray | float,
        notes: np.ndarray | float,
        dtype: type,
    ) -> np.ndarray:
        """One column from the actions', the measures in place' and the notes' values; a
        column that is one constant for some kinds is filled with it in one streaming write
        and only the other kinds' values are scattered."""
        parts = ((a_pos, actions), (p_pos, in_place), (n_pos, notes))
        fill = next((x for _, x in parts if np.ndim(x) == 0), None)
        if fill is None:
            out: np.ndarray = np.empty(total, dtype=dtype)
        else:
            out = np.full(total, fill, dtype=dtype)
        for positions, values in parts:
            if np.ndim(values) or not _same(values, fill):
                out[positions] = values
        return out

    per_row = counts.sum(axis=1)
    a_node, n_node = ranked["node"].codes, noted["node"].codes
    floats = ["priority", "gap"]  # the node's numbers are read from the cube per view
    block = np.empty((len(floats), total))

    def numbers(i: int) -> np.ndarray:
        block[i] = merge(ranked[floats[i]], np.nan, np.nan, np.float64)
        return block[i]

    # notes: why the node's data fall short, and how many of its indicators do
    year_unit = ys[n_row % n_y] * n_units + units[n_row // n_y]  # into [year, unit]
    note = year_unit * quality.reason.shape[2] + n_node  # into [year, unit, node]

    def reasons() -> tuple[pd.Categorical, pd.Categorical]:
        """The ``reason`` and ``detail`` columns."""
        reason = np.take(quality.reason.reshape(-1), note)
        n_i = quality.missing_reason.shape[2]  # indicators only
        at = year_unit * n_i + np.minimum(n_node, n_i - 1)
        why = np.where(n_node < n_i, np.take(quality.missing_reason.reshape(-1), at), 0)
        missing = (reason == REASONS.index("missing")) & (why > 0)
        detail = np.where(missing, len(REASONS) - 2 + why, reason - 1).astype(np.int8)
        return (
            _categorical(merge(-1, -1, reason - 1, np.int8), REASONS[1:]),
            _categorical(merge(-1, -1, detail, np.int8), DETAILS),
        )

    def codes(column: str, categories: Sequence[str], dtype: type) -> pd.Categorical:
        return _categorical(merge(ranked[column].codes, -1, -1, dtype), categories)

    actions = ranked["action"].categories if placed is None else placed.actions
    unit_ids = np.asarray(panel.units[::n_y], dtype=object)
    make: dict[str, Callable[[], Any]] = {
        "priority": lambda: numbers(0),
        "gap": lambda: numbers(1),
        "unit": lambda: _categorical(
            np.repeat(np.arange(n_units), per_row.reshape(n_units, n_y).sum(axis=1)), unit_ids
        ),
        "year": lambda: np.repeat(panel.years, per_row),
        "kind": lambda: _categorical(kind, categories=KINDS),
        "rank": lambda: pd.arrays.IntegerArray(merge(ranked["rank"], 0, 0, np.int64), kind > 0),
        "action": lambda: _categorical(
            merge(ranked["action"].codes, -1 if placed is None else placed.action, -1, np.int32),
            actions,
        ),
        "severity": lambda: codes("severity", SEVERITIES, np.int8),
        "rule": lambda: _categorical(
            merge(ranked["rule"].codes, -1, noted["rule"].codes, np.int32),
            ranked["rule"].categories,
        ),
        "rules": lambda: _merged(ranked["rules"], noted["rules"], merge),
        "node": lambda: _categorical(
            merge(a_node, -1, n_node, np.int32), categories=list(panel.nodes)
        ),
        "reason": reasons,
        "gap_kind": lambda: codes("gap_kind", GAP_KINDS, np.int8),
        "poor": lambda: merge(0, 0, np.take(quality.poor.reshape(-1), note), np.int64),
        "total": lambda: merge(0, 0, quality.total[n_node], np.int64),
    }
    if placed is not None:
        make["since"] = lambda: pd.arrays.IntegerArray(
            merge(0, placed.since, 0, np.int64), kind != 1
        )
        make["since_at_least"] = lambda: pd.arrays.BooleanArray(
            merge(False, placed.since_at_least, False, np.bool_), kind != 1
        )

        def review(values: pd.Categorical) -> pd.Categorical:
            return _categorical(merge(-1, values.codes, -1, np.int32), values.categories)

        for name in ("review", "review_indicators", "previous_spell"):
            make[name] = partial(review, getattr(placed, name))
    made = dict(zip(make, (threads or Threads(1)).map(lambda f: f(), make.values()), strict=True))
    made["reason"], made["detail"] = made["reason"]
    frame = pd.DataFrame(block.T, columns=floats, copy=False)
    columns = {name: made[name] for name in [*CORE_COLUMNS, *REGISTER_COLUMNS] if name in made}
    del columns["priority"], columns["gap"]
    for name, column in columns.items():  # around the float block, in CORE_COLUMNS order
        # as a Series: pandas takes a Series' array as it is, but copies a bare array
        at = CORE_COLUMNS.index(name) if name in CORE_COLUMNS else len(frame.columns)
        frame.insert(min(at, len(frame.columns)), name, pd.Series(column, copy=False))
    order = [*CORE_COLUMNS, *(REGISTER_COLUMNS if placed is not None else ())]
    return frame if list(frame.columns) == order else frame[order]


def _same(value: object, fill: object) -> bool:
    """Two constants are the same value (NaN is NaN)."""
    return bool(value == fill or (value != value and fill != fill))


def _merged(
    actions: pd.Categorical,
    notes: pd.Categorical,
    merge: Callable[[np.ndarray, int, np.ndarray, type], np.ndarray],
) -> pd.Categorical:
    """One categorical of the actions' and the notes' values, over both categories."""
    union = list(dict.fromkeys([*actions.categories, *notes.categories]))
    position = {value: i for i, value in enumerate(union)}

    def codes(column: pd.Categorical) -> np.ndarray:
        where = np.array([position[c] for c in column.categories] + [-1], dtype=np.int32)
        return where[column.codes]  # code -1 reads the -1 at the end

    return _categorical(merge(codes(actions), -1, codes(notes), np.int32), union)


def _categorical(
    codes: np.ndarray, categories: Sequence[Any] | np.ndarray | pd.Index
) -> pd.Categorical:
    """A categorical column: ``codes`` into ``categories`` (any values, tuples too; code
    -1 is missing)."""
    index = pd.Index(list(categories), tupleize_cols=False, dtype=object)
    # the smallest integer type that holds the codes, as pandas' own validation casts them;
    # the codes are the engine's own positions, so the pass that checks them is skipped
    small = next(t for t in (np.int8, np.int16, np.int32, np.int64) if len(index) < np.iinfo(t).max)
    return pd.Categorical.from_codes(
        np.asarray(codes).astype(small, copy=False),
        categories=index,
        validate=False,
    )
