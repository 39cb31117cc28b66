"""The scoring pipeline: derive indicators, run the steps, keep every stage."""

from mint_index.pipeline.engine import score
from mint_index.pipeline.results import STAGES, Results

__all__ = ["STAGES", "Results", "score"]
