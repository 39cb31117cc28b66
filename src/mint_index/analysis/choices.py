"""The uncertain choices of an uncertainty or sensitivity analysis, and how draws map to them.

``vary`` names the choices (the *factors*). Every replication is described by a row of
uniform numbers in [0, 1): one column per discrete factor, one per perturbed weight. The
same mapping serves the plain Monte Carlo of :func:`~mint_index.analysis.uncertainty` and
the A/B/AB_i design of :func:`~mint_index.analysis.sensitivity`, so both vary exactly the
same things.

Accepted ``vary`` entries:

- ``"weights"``: a share ``s`` (every weight becomes ``w * (1 + U(-s, s))``), or a dict
  of shares by framework level (int; 1 = indicators) or by node id; a node's own share
  wins over its level's.
- ``"normalise"``, ``"aggregate"``, ``"impute"``: a list of alternative specs (method name
  or ``{"method": ..., **params}``); ``None`` in the list means "as in the results".
  An alternative applies to every node, like ``res.rescore(normalise=...)``.
- ``"treat"``: a list of specs, or ``True`` for on/off (the results' treatment or none).
- ``"leave_out"``: ``True`` (each replication leaves out one indicator) or a list of
  indicator ids to choose from (``None`` in it means "leave nothing out").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mint_index.errors import SpecError
from mint_index.methods.registry import INDICATOR_STEPS
from mint_index.plan import StepChoice
from mint_index.rules.formatting import Formatter

if TYPE_CHECKING:
    from mint_index.pipeline.results import Results

__all__ = ["SPEC_FACTORS", "VARY_KEYS", "Factor", "Replications", "draw", "parse_vary"]

#: Factors whose alternatives are step specs.
SPEC_FACTORS: tuple[str, ...] = (*INDICATOR_STEPS, "aggregate")
VARY_KEYS: tuple[str, ...] = ("weights", *SPEC_FACTORS, "leave_out")


@dataclass(frozen=True)
class Factor:
    """One uncertain choice.

    ``options``: the alternatives of a discrete factor (:class:`StepChoice`, indicator ids,
    or ``None`` for "as in the results"). ``shares``: for ``weights``, the noise share of every
    node in ``framework.node_ids`` order (0 = not perturbed).
    """

    name: str
    options: tuple[Any, ...] = ()
    shares: np.ndarray | None = None

    @property
    def width(self) -> int:
        """Columns of uniform numbers one replication needs."""
        if self.shares is not None:
            return int(np.count_nonzero(self.shares))
        return 1

    def label(self, option: Any) -> str:
        if option is None:
            return "nominal" if self.name != "leave_out" else "none"
        if isinstance(option, StepChoice):
            return option.label()
        return str(option)

    def summary(self, node_ids: Sequence[str]) -> dict[str, Any]:
        """What this choice varies, as plain data that a report words in its own language
        (numbers written by its formatter).

        Weights: ``{"factor": "weights", "shares": [0.25], "weights": 5, "of": 9}`` - the
        distinct noise shares (ascending), how many weights they perturb, and of how many
        below the index. Otherwise ``{"factor": name, "options": [...]}``: each option's
        label, ``None`` for "as in the results" (``leave_out``: "leave nothing out").
        """
        if self.shares is not None:
            perturbed = self.shares[np.flatnonzero(self.shares)]
            return {
                "factor": self.name,
                "shares": sorted(set(perturbed.tolist())),
                "weights": len(perturbed),
                "of": len(node_ids) - 1,
            }
        options = [None if o is None else self.label(o) for o in self.options]
        return {"factor": self.name, "options": options}

    def describe(self, node_ids: Sequence[str]) -> str:
        """One line in English for the analysis' ``varied`` list (JSON, notebooks); a
        report words :meth:`summary` in its language instead."""
        summary = self.summary(node_ids)
        if self.shares is not None:
            english = Formatter("en")
            shares = ", ".join(f"±{english.exact(s, share=True)}" for s in summary["shares"])
            return (
                f"weights: uniform noise of {shares} on {summary['weights']} of "
                f"{summary['of']} weights"
            )
        labels = ", ".join(self.label(o) for o in self.options)
        if self.name == "leave_out":
            return f"leave_out: one of {len(self.options)} choices left out ({labels})"
        return f"{self.name}: one of {labels}"


@dataclass(frozen=True)
class Replications:
    """The choices of every replication.

    ``choice``: option index per replication, by discrete factor. ``weights``: the weight
    of every node (``framework.node_ids`` order) per replication, noise applied.
    """

    choice: dict[str, np.ndarray]
    weights: np.ndarray

    def __len__(self) -> int:
        return self.weights.shape[0]


def _spec_options(step: str, value: Any, problems: list[str]) -> tuple[Any, ...]:
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence) or not value:
        problems.append(f"vary[{step!r}]: give a non-empty list of alternative specs")
        return ()
    options: list[Any] = []
    for k, item in enumerate(value):
        if item is None:
            options.append(None)
            continue
        try:
            options.append(StepChoice.parse(step, item))
        except SpecError as exc:
            problems.append(f"vary[{step!r}][{k}]: {exc}")
    return tuple(options)


def _weight_shares(value: Any, results: Results, problems: list[str]) -> np.ndarray:
    fw = results.framework
    nodes = fw.node_ids
    shares = np.zeros(len(nodes))
    root = nodes.index(fw.index.id)

    def check(share: Any, where: str) -> float | None:
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share < 1:
            problems.append(f"{where}: a noise share must be a number in [0, 1), got {share!r}")
            return None
        return float(share)

    if isinstance(value, Mapping):
        levels = fw.levels
        # levels first, then node ids: a node's own share wins over its level's, whatever
        # the order the dict was written in
        by_node = sorted(value.items(), key=lambda item: not _is_level(item[0]))
        for key, share in by_node:
            s = check(share, f"vary['weights'][{key!r}]")
            if s is None:
                continue
            if _is_level(key):
                hits = [i for i, n in enumerate(nodes) if levels[n] == key and i != root]
                if not hits:
                    valid = sorted({levels[n] for n in nodes if n != fw.index.id})
                    problems.append(
                        f"vary['weights']: no weights at level {key}; levels: "
                        + ", ".join(map(str, valid))
                    )
                shares[hits] = s
            elif key in nodes and key != fw.index.id:
                shares[nodes.index(key)] = s
            else:
                problems.append(
                    f"vary['weights']: {key!r} is neither a level (int) nor a node id "
                    "below the index"
                )
    else:
        s = check(value, "vary['weights']")
        if s is not None:
            shares[:] = s
            shares[root] = 0.0
    return shares


def _is_level(key: Any) -> bool:
    """Whether a key of ``vary["weights"]`` names a framework level (an int), not a node."""
    return isinstance(key, int) and not isinstance(key, bool)


def parse_vary(vary: Mapping[str, Any], results: Results) -> list[Factor]:
    """Validate ``vary`` against the results' framework; every problem is reported at once."""
    if not isinstance(vary, Mapping) or not vary:
        raise SpecError("vary: name at least one uncertain choice; valid: " + ", ".join(VARY_KEYS))
    problems: list[str] = []
    factors: list[Factor] = []
    unknown = sorted(str(k) for k in vary if k not in VARY_KEYS)
    if unknown:
        problems.append(
            f"vary: unknown choice(s) {', '.join(unknown)}; valid: {', '.join(VARY_KEYS)}"
        )
    fw = results.framework
    for key in VARY_KEYS:
        if key not in vary:
            continue
        value = vary[key]
        if key == "weights":
            shares = _weight_shares(value, results, problems)
            if shares.any():
                factors.append(Factor("weights", shares=shares))
        elif key == "treat" and value is True:
            factors.append(Factor("treat", (None, StepChoice.parse("treat", "none"))))
        elif key in SPEC_FACTORS:
            factors.append(Factor(key, _spec_options(key, value, problems)))
        elif value is True:
            if len(fw.indicator_ids) < 2:
                problems.append("vary['leave_out']: needs at least two indicators")
            factors.append(Factor("leave_out", tuple(fw.indicator_ids)))
        elif isinstance(value, Sequence) and not isinstance(value, str) and value:
            bad = [v for v in value if v is not None and v not in fw.indicator_ids]
            if bad:
                problems.append(
                    f"vary['leave_out']: unknown indicator(s) {', '.join(map(str, bad))}"
                )
            factors.append(Factor("leave_out", tuple(value)))
        else:
            problems.append("vary['leave_out']: give True or a non-empty list of indicator ids")
    if problems:
        raise SpecError("invalid vary:\n  " + "\n  ".join(problems))
    return factors


def draw(factors: Sequence[Factor], u: np.ndarray, results: Results) -> Replications:
    """Turn uniform numbers ``u`` ``[replication, sum of factor widths]`` into choices."""
    fw = results.framework
    nominal = np.array([0.0 if n == fw.index.id else results.plan.weight(n) for n in fw.node_ids])
    weights = np.repeat(nominal[None, :], u.shape[0], axis=0)
    choice: dict[str, np.ndarray] = {}
    col = 0
    for factor in factors:
        part = u[:, col : col + factor.width]
        col += factor.width
        if factor.shares is not None:
            varied = np.flatnonzero(factor.shares)
            weights[:, varied] *= 1.0 + factor.shares[varied] * (2.0 * part - 1.0)
        else:
            k = len(factor.options)
            choice[factor.name] = np.minimum((part[:, 0] * k).astype(np.int64), k - 1)
    return Replications(choice=choice, weights=weights)
