"""Weight shares and effective weights: how much of a parent, and of the index, a node carries.

A node's *share* of its parent is its weight relative to its siblings' (the weights
normalised to sum to 1 within each aggregation group). Its *effective weight* in an
ancestor is the product of the shares on the path up to that ancestor; in the index it is
what COINr's ``get_eff_weights()`` reports, and under arithmetic aggregation it is the
number of index points one score point of the node moves. Effective weights of one level
sum to 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from mint_index.plan import Plan

__all__ = ["EFFECTIVE_WEIGHT_COLUMNS", "effective_weights", "sibling_shares", "weight_shares"]

EFFECTIVE_WEIGHT_COLUMNS = ["node", "level", "parent", "weight", "share", "effective_weight"]


def sibling_shares(plan: Plan) -> dict[str, float]:
    """Every node's weight divided by the sum of its siblings' weights (its own included);
    0 when all siblings weigh 0; 1 for the index."""
    fw = plan.framework
    out = {fw.index.id: 1.0}
    for children in fw.children.values():
        total = sum(plan.weight(c) for c in children)
        for child in children:
            out[child] = plan.weight(child) / total if total > 0 else 0.0
    return out


def weight_shares(plan: Plan) -> np.ndarray:
    """``share[a, n]``: the share of node ``a`` carried by node ``n`` (both over
    ``framework.node_ids``): the product of the sibling shares on the path from ``n`` up
    to ``a``; 1 on the diagonal, 0 where ``n`` is not below ``a``."""
    fw = plan.framework
    position = {node: i for i, node in enumerate(fw.node_ids)}
    relative = sibling_shares(plan)
    share = np.eye(len(fw.node_ids))
    for node in fw.node_ids:
        product = 1.0
        current = node
        for ancestor in fw.ancestors(node):
            product *= relative[current]
            share[position[ancestor], position[node]] = product
            current = ancestor
    return share


def effective_weights(plan: Plan) -> pd.DataFrame:
    """Tidy table of every node, index last: ``node, level`` (1 = indicators, as COINr),
    ``parent``, ``weight`` (as given), ``share`` (of its parent) and ``effective_weight``
    (its share of the index)."""
    import pandas as pd

    fw = plan.framework
    relative = sibling_shares(plan)
    index_row = weight_shares(plan)[fw.node_ids.index(fw.index.id)]
    return pd.DataFrame(
        {
            "node": fw.node_ids,
            "level": [fw.levels[n] for n in fw.node_ids],
            "parent": [fw.parent_of[n] for n in fw.node_ids],
            "weight": [plan.weight(n) for n in fw.node_ids],
            "share": [relative[n] for n in fw.node_ids],
            "effective_weight": index_row,
        },
        columns=EFFECTIVE_WEIGHT_COLUMNS,
    )
