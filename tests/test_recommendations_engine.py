"""The vectorised engine against a straightforward reference: the packaged rules on a
small synthetic panel, evaluated row by row and rule by rule in plain Python from the
tidy gaps and flags tables and the definitions in docs/recommendations.md (priority on
issue 15's 0-100 scale; the parity gap recomputed from the derived values as value minus
the parity point)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mint_index as mi
from mint_index.framework.model import ParityCompute
from mint_index.recommendations.engine import recommend as engine_recommend
from mint_index.recommendations.rules import AllOf, AnyOf, NotOf, Rule
from mint_index.rules.weights import weight_shares

GENERATOR = Path(__file__).resolve().parents[1] / "examples" / "generate_large.py"
MAX_POOR_SHARE = 0.5
_SEVERITY_ORDER = {"low": 0, "medium": 1, "high": 2}
# issue 15: severity as a share of the 0-100 scale
_SEVERITY_SHARE = {"low": 1 / 3, "medium": 2 / 3, "high": 1.0}


def _generate(n_units: int, n_years: int) -> mi.Dataset:
    spec = importlib.util.spec_from_file_location("generate_large", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_large(n_units=n_units, n_years=n_years, seed=7)


@pytest.fixture(scope="module")
def results() -> mi.Results:
    data = _generate(40, 3)
    # units in reverse text order: the output must still be sorted by unit
    order = np.arange(len(data.unit_ids))[::-1]
    data = mi.Dataset(
        data.values[:, order],
        data.years,
        data.unit_ids[order],
        data.variables,
        data.reason[:, order],
        data.flag[:, order],
        data.units,
    )
    return mi.score(data, mi.default_framework())


class Reference:
    """Everything a rule reads, per (unit, year, node), from the tidy tables."""

    def __init__(self, res: mi.Results) -> None:
        fw = res.framework
        self.fw = fw
        gaps = mi.gaps(res).astype({"unit": str, "node": str})
        keys = list(zip(gaps["unit"], gaps["year"].astype(int), gaps["node"], strict=True))
        self.measures = {
            m: dict(zip(keys, gaps[m], strict=True))
            for m in (
                "score",
                "gap_target",
                "gap_peer_median",
                "gap_peer_best",
                "parity_gap",
                "change",
                "trend",
            )
        }
        # parity gap: the derived value minus the parity point (1 for a ratio, else 0)
        derived = res.stage("derived")
        parity = self.measures["parity_gap"]
        for key in parity:
            parity[key] = math.nan
        for node in fw.indicator_ids:
            indicator = fw.indicator(node)
            if indicator.kind != "parity_gap":
                continue
            compute = indicator.compute
            point = 1.0 if isinstance(compute, ParityCompute) and compute.mode == "ratio" else 0.0
            for (u, y), v in derived[node].items():
                parity[str(u), int(y), node] = float(v) - point
        self._reasons: dict[tuple[str, int, str], str] = {}
        flags = res.flags.astype({"unit": str, "node": str, "flag": str})
        self.flags: set[tuple[str, int, str, str]] = set()
        for row in flags.itertuples():
            names = [row.flag]
            if row.flag == "missing" and isinstance(row.detail, str) and row.detail:
                names.append(f"missing:{row.detail}")
            for name in names:
                self.flags.add((row.unit, int(row.year), row.node, name))
        share = weight_shares(res.plan)
        n_i = len(fw.indicator_ids)
        self.below = {
            node: [fw.indicator_ids[i] for i in range(n_i) if share[a, i] > 0]
            for a, node in enumerate(fw.node_ids)
        }
        self.share = {
            (node, fw.indicator_ids[i]): share[a, i]
            for a, node in enumerate(fw.node_ids)
            for i in range(n_i)
        }
        self.active = {
            (str(u), int(y)): bool(v) for (u, y), v in derived.notna().any(axis=1).items()
        }
        self.index = fw.index.id

    def number(self, unit: str, year: int, node: str, measure: str) -> float:
        return float(self.measures[measure][unit, year, node])

    def has_flag(self, unit: str, year: int, node: str, name: str) -> bool:
        """A flag on the node (an aggregate: on any indicator below it); ``screened_out``
        is a flag on the index that applies to every node."""
        if name == "screened_out":
            return (unit, year, self.index, "screened_out") in self.flags
        nodes = [node] if node in self.fw.indicator_ids else self.below[node]
        return any((unit, year, n, name) in self.flags for n in nodes)

    def reason(self, unit: str, year: int, node: str) -> str:
        """Why the node's data are not reliable ("" if they are)."""
        if (unit, year, node) not in self._reasons:
            self._reasons[unit, year, node] = self._reason(unit, year, node)
        return self._reasons[unit, year, node]

    def _reason(self, unit: str, year: int, node: str) -> str:
        if node in self.fw.indicator_ids:
            for reason, test in (
                ("screened_out", (unit, year, self.index, "screened_out") in self.flags),
                ("missing", math.isnan(self.number(unit, year, node, "score"))),
                ("unreliable", (unit, year, node, "unreliable") in self.flags),
                ("imputed", (unit, year, node, "imputed") in self.flags),
            ):
                if test:
                    return reason
            return ""
        if math.isnan(self.number(unit, year, node, "score")):
            return "missing"
        poor = sum(self.share[node, i] for i in self.poor(unit, year, node))
        return "sparse" if poor > MAX_POOR_SHARE + 1e-12 else ""

    def poor(self, unit: str, year: int, node: str) -> list[str]:
        nodes = [node] if node in self.fw.indicator_ids else self.below[node]
        return [i for i in nodes if self.reason(unit, year, i)]

    def truth(self, cond: Any, unit: str, year: int, lenient: bool = False) -> bool | None:
        """Kleene logic: None is unknown."""
        if isinstance(cond, AllOf):
            parts = [self.truth(c, unit, year, lenient) for c in cond.all]
            return False if False in parts else (None if None in parts else True)
        if isinstance(cond, AnyOf):
            parts = [self.truth(c, unit, year, lenient) for c in cond.any]
            return True if True in parts else (None if None in parts else False)
        if isinstance(cond, NotOf):
            inner = self.truth(cond.not_, unit, year, lenient)
            return None if inner is None else not inner
        if cond.flag is not None:
            return self.has_flag(unit, year, cond.node, cond.flag)
        x = self.number(unit, year, cond.node, cond.measure)
        if math.isnan(x) or (not lenient and self.reason(unit, year, cond.node)):
            return None
        t = cond.threshold
        return (t.above is None or x > t.above) and (t.below is None or x < t.below)


def _priority(ref: Reference, rule: Rule, unit: str, year: int) -> tuple:
    kinds = rule.gap_measures() or ["gap_target", "gap_peer_median"]
    gaps = [(ref.number(unit, year, rule.focus, k), k) for k in kinds]
    known = [(g, k) for g, k in gaps if not math.isnan(g)]
    gap, kind = max(known, key=lambda p: p[0]) if known else (math.nan, kinds[0])
    trend = ref.number(unit, year, rule.focus, "trend")
    # 0.75 flat; 1 for a node losing 5 or more points a year, 0.5 for one gaining 5 or more
    factor = min(max(0.75 - (0.0 if math.isnan(trend) else trend) / 20.0, 0.5), 1.0)
    shortfall = min(max((0.0 if math.isnan(gap) else gap) / 100.0, 0.0), 1.0)
    # kept to 9 decimals: 100 x 2/3 x 0.75 is 50 (band high), not 49.99999999999999
    value = round(100.0 * _SEVERITY_SHARE[rule.severity] * shortfall * factor, 9)
    return value, gap, kind


def reference_recommend(res: mi.Results, rules: mi.RuleSet) -> pd.DataFrame:
    ref = Reference(res)
    fw = res.framework
    out = []
    for unit in sorted(str(u) for u in res.unit_ids):
        for year in sorted(int(y) for y in res.years):
            candidates: dict[str, list[tuple]] = {}
            blocked: dict[str, list[str]] = {}
            for rule in rules.rules:
                t = ref.truth(rule.when, unit, year)
                if t is True:
                    value, gap, kind = _priority(ref, rule, unit, year)
                    for pos, action in enumerate(rule.actions):
                        key = (-round(value, 9), -_SEVERITY_ORDER[rule.severity], rule.id, pos)
                        candidates.setdefault(action, []).append((key, rule, value, gap, kind))
                elif t is None and ref.active[unit, year]:
                    if ref.truth(rule.when, unit, year, lenient=True) is False:
                        continue
                    for node in rule.nodes():
                        if ref.reason(unit, year, node):
                            blocked.setdefault(node, []).append(rule.id)
            best = sorted(
                (sorted(c, key=lambda x: x[0]) for c in candidates.values()), key=lambda c: c[0][0]
            )
            for rank, listed in enumerate(best, start=1):
                key, rule, value, gap, kind = listed[0]
                rules_asking = tuple(c[1].id for c in listed)
                action = rule.actions[key[3]]
                out.append(
                    {
                        "unit": unit,
                        "year": year,
                        "kind": "action",
                        "rank": rank,
                        "node": rule.focus,
                        "action": action,
                        "rule": rule.id,
                        "rules": rules_asking,
                        "priority": value,
                        "gap": gap,
                        "gap_kind": kind,
                    }
                )
            for node in (n for n in fw.node_ids if n in blocked):
                ids = tuple(sorted(blocked[node]))
                out.append(
                    {
                        "unit": unit,
                        "year": year,
                        "kind": "note",
                        "rule": ids[0],
                        "rules": ids,
                        "node": node,
                        "reason": ref.reason(unit, year, node),
                    }
                )
    columns = ["unit", "year", "kind", "rank", "action", "rule", "rules", "node", "priority"]
    columns += ["gap", "gap_kind", "reason"]
    return pd.DataFrame(out, columns=columns)


def test_engine_matches_the_reference(results: mi.Results) -> None:
    rules = mi.load_rules()
    expected = reference_recommend(results, rules)
    got = engine_recommend(results, rules).to_frame()
    assert len(got) == len(expected) > 0
    assert set(got["kind"]) == {"action", "note"}
    assert (got["rules"].map(len) > 1).any()  # actions asked for by several rules
    for column in ["unit", "year", "kind", "action", "rule", "rules", "node", "gap_kind", "reason"]:
        g = got[column].astype(object).where(got[column].notna(), None).tolist()
        e = expected[column].astype(object).where(expected[column].notna(), None).tolist()
        assert g == e, column
    assert got["rank"].astype("Float64").fillna(-1).tolist() == expected["rank"].fillna(-1).tolist()
    for column in ["priority", "gap"]:
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("scale", [1, 2**50])  # keys that pack into one int64, and that do not
def test_packed_sort_orders_like_a_lexsort(scale: int) -> None:
    from mint_index.recommendations.engine import _sorted

    rng = np.random.default_rng(7)
    first = np.sort(rng.integers(0, 50, 2_000))
    second = rng.integers(0, 20, 2_000) * scale
    third = rng.permutation(2_000)
    order = sorted(range(2_000), key=lambda i: (first[i], second[i], third[i]))
    got = _sorted(first, second, third)
    for have, want in zip(got, (first, second, third), strict=True):
        assert have.tolist() == want[order].tolist()


def _same_columns(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for name, column in a.items():
        if isinstance(column, pd.Categorical):
            assert list(column.categories) == list(b[name].categories), name
            column, other = column.codes, b[name].codes
        else:
            other = b[name]
        np.testing.assert_array_equal(column, other, err_msg=name)


def test_ranking_by_places_among_distinct_priorities_equals_the_packed_ranking(
    results: mi.Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where priorities in 1e-9 and the tie order do not fit one int64 key, rank counts
    places among the distinct priorities instead: the same order."""
    from mint_index.recommendations import engine

    rules = mi.load_rules()
    packed = engine.find(results, rules).ranked
    monkeypatch.setattr(engine, "_KEY_BITS", 8)  # too few for any priority in 1e-9
    _same_columns(engine.find(results, rules).ranked, packed)
    assert len(packed["row"]) > 0 and packed["rank"].max() > 2
