"""mint-index: municipal integration monitoring as a transparent composite index.

``import mint_index as mi`` loads only the error classes; everything else (framework,
data, scoring, recommendations, reports, analyses) is imported on first use, so the
command line answers ``--help`` without loading pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from mint_index.errors import (
    DataValidationError,
    FrameworkError,
    MintIndexError,
    ProjectError,
    ReportError,
    RuleError,
    SpecError,
    UnknownMethodError,
)

__version__ = "0.1.0"

# Public name -> module that defines it, imported on first access.
_LAZY: dict[str, str] = {
    "Framework": "mint_index.framework.framework",
    "load_framework": "mint_index.framework.loader",
    "default_framework": "mint_index.framework.loader",
    "framework_json_schema": "mint_index.framework.loader",
    "Dataset": "mint_index.data.dataset",
    "load_data": "mint_index.data.load",
    "load_units": "mint_index.data.load",
    "source_checklist": "mint_index.data.checklist",
    "example_data": "mint_index.examples",
    "BuildSpec": "mint_index.spec",
    "Plan": "mint_index.plan",
    "score": "mint_index.pipeline.engine",
    "Results": "mint_index.pipeline.results",
    "read_coinr": "mint_index.coinr",
    "method_names": "mint_index.methods.registry",
    "gaps": "mint_index.gap_analysis",
    "recommend": "mint_index.recommendations",
    "Recommendations": "mint_index.recommendations",
    "load_rules": "mint_index.recommendations",
    "report": "mint_index.reports",
    "compare_report": "mint_index.reports",
    "Report": "mint_index.reports",
    "compare": "mint_index.comparison",
    "Comparison": "mint_index.comparison",
    "uncertainty": "mint_index.analysis.uncertainty",
    "sensitivity": "mint_index.analysis.sensitivity",
    "audit": "mint_index.analysis.audit",
    "load_measures": "mint_index.measures",
    "MeasuresRegister": "mint_index.measures",
    "example_measures": "mint_index.examples",
    "effects": "mint_index.effect_monitoring",
    "effect_summary": "mint_index.effect_monitoring",
    "effects_context": "mint_index.effect_monitoring",
    "measure_review": "mint_index.effect_monitoring",
    "write_effects": "mint_index.effect_monitoring.effects_file",
    "pca_weights": "mint_index.analysis.weights",
    "load_project": "mint_index.project",
    "init_project": "mint_index.project_init",
    "Project": "mint_index.project",
    "write_scores": "mint_index.scores_file",
    "read_scores": "mint_index.scores_file",
}

if TYPE_CHECKING:
    from mint_index.data.dataset import Dataset
    from mint_index.framework.framework import Framework
    from mint_index.framework.loader import default_framework, framework_json_schema, load_framework
    from mint_index.spec import BuildSpec

__all__ = [
    "BuildSpec",
    "Comparison",
    "DataValidationError",
    "Dataset",
    "Framework",
    "FrameworkError",
    "MeasuresRegister",
    "MintIndexError",
    "Plan",
    "Project",
    "ProjectError",
    "Recommendations",
    "Report",
    "ReportError",
    "Results",
    "RuleError",
    "SpecError",
    "UnknownMethodError",
    "__version__",
    "audit",
    "compare",
    "compare_report",
    "default_framework",
    "effect_summary",
    "effects",
    "effects_context",
    "example_data",
    "example_measures",
    "framework_json_schema",
    "gaps",
    "init_project",
    "load_data",
    "load_framework",
    "load_measures",
    "load_project",
    "load_rules",
    "load_units",
    "measure_review",
    "method_names",
    "pca_weights",
    "read_coinr",
    "read_scores",
    "recommend",
    "report",
    "score",
    "sensitivity",
    "source_checklist",
    "uncertainty",
    "write_effects",
    "write_scores",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mint_index' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
