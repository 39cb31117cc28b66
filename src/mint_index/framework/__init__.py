"""Framework definitions: the YAML model, whole-tree checks and loading."""

from mint_index.framework.framework import Framework
from mint_index.framework.loader import default_framework, framework_json_schema, load_framework

__all__ = ["Framework", "default_framework", "framework_json_schema", "load_framework"]
