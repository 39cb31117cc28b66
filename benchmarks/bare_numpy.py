"""The bare numpy reference for P0: the same computation as the pipeline, nothing else.

Indicators are derived from the raw variables (direct values, answer levels, ratios,
parity gaps), min-max normalised onto 0..100 with their direction applied, and combined
by the weighted arithmetic mean up the framework's hierarchy (weights renormalised over
the children present; a parent is missing below ``min_share`` of its children's weight).
No stages are kept, nothing is checked, no intervals, flags or reasons, no pandas: this
is what a hand-written script for one fixed framework would do.

The framework is compiled to a :class:`Plan` of plain integer arrays beforehand - a
hand-written script would have those positions hard-coded - so only the arithmetic is
timed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Plan", "compile_plan", "score"]


@dataclass(frozen=True)
class Plan:
    """Column positions and constants of one framework, as plain arrays."""

    n_indicators: int
    direct_cols: np.ndarray  # indicator positions computed directly from a variable
    direct_vars: np.ndarray  # variable positions feeding them
    levels: tuple[tuple[int, int, np.ndarray, np.ndarray], ...]  # (col, var, codes, scores)
    ratio_cols: np.ndarray
    ratio_num: np.ndarray
    ratio_den: np.ndarray
    ratio_scale: np.ndarray
    parity_cols: np.ndarray  # difference mode
    parity_vars: np.ndarray  # [k, 4]: group num, group den, reference num, reference den
    parity_scale: np.ndarray
    parity_ratio_cols: np.ndarray  # ratio mode
    parity_ratio_vars: np.ndarray
    direction: np.ndarray  # [indicator] +1 / -1
    parents: tuple[tuple[int, np.ndarray, np.ndarray], ...]  # (out col, child cols, weights)
    min_share: float
    n_nodes: int


def compile_plan(framework, variables: list[str], weight, min_share: float = 0.5) -> Plan:
    """Positions of every input and node of ``framework`` in a cube with ``variables``.

    ``weight(node_id)`` gives a node's weight (e.g. ``Plan.weight``).
    """
    pos = {v: i for i, v in enumerate(variables)}
    direct: list[tuple[int, int]] = []
    levels: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    ratio: list[tuple[int, int, int, float]] = []
    parity: list[tuple[int, list[int], float]] = []
    parity_ratio: list[tuple[int, list[int]]] = []
    for i, ind in enumerate(framework.indicators):
        c = ind.compute
        if c.type == "direct":
            answer = ind.answer_levels()
            if answer:
                codes = np.array([lv.value for lv in answer], dtype=np.float64)
                scores = np.array([lv.score for lv in answer], dtype=np.float64)
                order = np.argsort(codes)
                levels.append((i, pos[c.variable], codes[order], scores[order]))
            else:
                direct.append((i, pos[c.variable]))
        elif c.type == "ratio":
            ratio.append((i, pos[c.numerator], pos[c.denominator], c.scale))
        else:
            cols = [
                pos[c.group.numerator],
                pos[c.group.denominator],
                pos[c.reference.numerator],
                pos[c.reference.denominator],
            ]
            if c.mode == "difference":
                parity.append((i, cols, c.scale))
            else:
                parity_ratio.append((i, cols))

    node_pos = {n: k for k, n in enumerate(framework.node_ids)}
    parents = tuple(
        (
            node_pos[node],
            np.array([node_pos[ch] for ch in framework.children[node]]),
            np.array([weight(ch) for ch in framework.children[node]], dtype=np.float64),
        )
        for node in framework.aggregate_ids
    )

    def ints(rows: list, k: int) -> np.ndarray:
        return np.array([r[k] for r in rows], dtype=np.intp)

    return Plan(
        n_indicators=len(framework.indicators),
        direct_cols=ints(direct, 0),
        direct_vars=ints(direct, 1),
        levels=tuple(levels),
        ratio_cols=ints(ratio, 0),
        ratio_num=ints(ratio, 1),
        ratio_den=ints(ratio, 2),
        ratio_scale=np.array([r[3] for r in ratio], dtype=np.float64),
        parity_cols=ints(parity, 0),
        parity_vars=np.array([p[1] for p in parity], dtype=np.intp).reshape(-1, 4),
        parity_scale=np.array([p[2] for p in parity], dtype=np.float64),
        parity_ratio_cols=ints(parity_ratio, 0),
        parity_ratio_vars=np.array([p[1] for p in parity_ratio], dtype=np.intp).reshape(-1, 4),
        direction=np.array([ind.direction_sign for ind in framework.indicators]),
        parents=parents,
        min_share=min_share,
        n_nodes=len(framework.node_ids),
    )


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return num / np.where(den != 0, den, np.nan)


def score(raw: np.ndarray, plan: Plan) -> np.ndarray:
    """Scores ``[year, unit, node]`` (indicators, then aggregates) from raw ``[year, unit, var]``.

    Min-max is fitted pooled over the years and units given.
    """
    n_y, n_u, _ = raw.shape
    out = np.empty((n_y, n_u, plan.n_nodes))
    ind = out[:, :, : plan.n_indicators]
    with np.errstate(divide="ignore", invalid="ignore"):
        ind[:, :, plan.direct_cols] = raw[:, :, plan.direct_vars]
        for col, var, codes, scores in plan.levels:
            x = raw[:, :, var]
            at = np.clip(np.searchsorted(codes, x), 0, len(codes) - 1)
            ind[:, :, col] = np.where(codes[at] == x, scores[at], np.nan)
        ind[:, :, plan.ratio_cols] = (
            _rate(raw[:, :, plan.ratio_num], raw[:, :, plan.ratio_den]) * plan.ratio_scale
        )
        gn, gd, rn, rd = plan.parity_vars.T
        ind[:, :, plan.parity_cols] = (
            _rate(raw[:, :, gn], raw[:, :, gd]) - _rate(raw[:, :, rn], raw[:, :, rd])
        ) * plan.parity_scale
        gn, gd, rn, rd = plan.parity_ratio_vars.T
        ind[:, :, plan.parity_ratio_cols] = _rate(
            _rate(raw[:, :, gn], raw[:, :, gd]), _rate(raw[:, :, rn], raw[:, :, rd])
        )

        # min-max onto 0..100, direction applied
        ind *= plan.direction
        lo = np.nanmin(ind, axis=(0, 1))
        hi = np.nanmax(ind, axis=(0, 1))
        ind -= lo
        ind *= 100.0 / np.where(hi > lo, hi - lo, np.nan)

        # weighted arithmetic mean up the hierarchy, over the children present
        for col, children, weights in plan.parents:
            x = out[:, :, children]
            present = ~np.isnan(x)
            w = present * weights
            total = w.sum(axis=-1)
            mean = np.nansum(x * w, axis=-1) / total
            ok = total >= plan.min_share * weights.sum() - 1e-12
            out[:, :, col] = np.where(ok & (total > 0), mean, np.nan)
    return out
