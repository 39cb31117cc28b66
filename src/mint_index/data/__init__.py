"""Raw data: the Dataset, readers for the formats municipalities receive, validation."""

from mint_index.data.dataset import FLAGS, MISSING_REASONS, Dataset

__all__ = ["FLAGS", "MISSING_REASONS", "Dataset"]
