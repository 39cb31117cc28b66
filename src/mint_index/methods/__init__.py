"""Pipeline methods by step; importing this package registers all of them."""

from mint_index.methods import (  # noqa: F401  (imported to register their methods)
    aggregate,
    denominate,
    impute,
    normalise,
    screen,
    treat,
)
from mint_index.methods.registry import STEPS, get_method, method_names, parse_step

__all__ = ["STEPS", "get_method", "method_names", "parse_step"]
