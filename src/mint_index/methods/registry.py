"""The method registry: every pipeline step's methods, chosen by name.

A method is a plain vectorised function registered under a step and a name, with a
pydantic model of its parameters. Specs (``{"method": "zscore", "mean": 10}``) are
validated here, so an unknown name or a misspelt parameter fails before any data is
touched, with an error that lists what is valid.

Array conventions shared by all steps: data are cubes shaped ``[year, unit, indicator]``
(float64, NaN = missing); see :mod:`mint_index.methods.base` for each step's signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mint_index.errors import SpecError, UnknownMethodError

__all__ = [
    "GLOBAL_STEPS",
    "INDICATOR_STEPS",
    "STEPS",
    "Method",
    "NoParams",
    "StepParams",
    "get_method",
    "method_names",
    "parse_step",
    "register",
]

#: The configurable pipeline steps, in the order the pipeline runs them.
STEPS: tuple[str, ...] = ("denominate", "screen", "impute", "treat", "normalise", "aggregate")

#: Steps decided once for the whole build, not per node.
GLOBAL_STEPS: tuple[str, ...] = ("denominate", "screen")

#: Steps chosen per indicator (a node's spec is inherited by the indicators below it).
INDICATOR_STEPS: tuple[str, ...] = ("impute", "treat", "normalise")


class StepParams(BaseModel):
    """Base of every parameter model: unknown parameters are errors, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(StepParams):
    """For methods that take no parameters."""


F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Method:
    step: str
    name: str
    func: Callable[..., Any]
    params: type[StepParams]
    summary: str


_REGISTRY: dict[str, dict[str, Method]] = {step: {} for step in STEPS}


def register(step: str, name: str, params: type[StepParams] = NoParams) -> Callable[[F], F]:
    """Register a method of ``step`` as ``name``; its docstring's first line is its summary."""
    if step not in _REGISTRY:
        raise ValueError(f"unknown step {step!r}; steps: {', '.join(STEPS)}")

    def decorate(func: F) -> F:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        _REGISTRY[step][name] = Method(step, name, func, params, summary)
        return func

    return decorate


def _ensure_loaded() -> None:
    # The method modules register themselves on import; importing the package loads them.
    import mint_index.methods  # noqa: F401


def method_names(step: str) -> list[str]:
    """The names of the methods registered for ``step`` (``normalise``, ``aggregate``,
    ...), sorted: what a spec may choose there. An unknown step raises SpecError listing
    the steps."""
    _ensure_loaded()
    if step not in _REGISTRY:
        raise SpecError(f"unknown step {step!r}; steps: {', '.join(STEPS)}")
    return sorted(_REGISTRY[step])


def get_method(step: str, name: str) -> Method:
    _ensure_loaded()
    if step not in _REGISTRY:
        raise SpecError(f"unknown step {step!r}; steps: {', '.join(STEPS)}")
    try:
        return _REGISTRY[step][name]
    except KeyError:
        raise UnknownMethodError(step, name, list(_REGISTRY[step])) from None


def parse_step(step: str, spec: Mapping[str, Any]) -> tuple[Method, StepParams]:
    """Validate a step spec ``{"method": name, **params}``; return the method and its params."""
    if not isinstance(spec, Mapping) or "method" not in spec:
        raise SpecError(f"{step}: a step spec needs a 'method' key, got {spec!r}")
    params = {k: v for k, v in spec.items() if k != "method"}
    method = get_method(step, str(spec["method"]))
    try:
        return method, method.params.model_validate(params)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'params'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SpecError(f"{step} method {method.name!r}: {details}") from None
