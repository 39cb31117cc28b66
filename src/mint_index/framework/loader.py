"""Reading frameworks from YAML: one file or a folder of them.

Each file is read with :func:`mint_index.yamlio.load_yaml` (safe, duplicate keys, size
and alias limits) and each item validated on its own, so one
broken indicator does not hide the problems of the next; every problem names its file
and the path inside it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mint_index.errors import FrameworkError, Problem, YamlError, validation_message
from mint_index.framework.checks import check_framework, format_loc
from mint_index.framework.framework import Framework
from mint_index.framework.model import (
    Defaults,
    FrameworkFile,
    FrameworkMeta,
    Indicator,
    Node,
    PeerGroups,
    Variable,
)
from mint_index.yamlio import load_yaml

__all__ = ["default_framework", "framework_json_schema", "load_framework"]

_SINGLE: dict[str, type[BaseModel]] = {
    "framework": FrameworkMeta,
    "index": Node,
    "defaults": Defaults,
    "peer_groups": PeerGroups,
}
_LISTS: dict[str, type[BaseModel]] = {"variables": Variable, "nodes": Node, "indicators": Indicator}


def _yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise FrameworkError([Problem(str(path), "", "no .yaml files in this folder")])
        return files
    if not path.exists():
        raise FrameworkError([Problem(str(path), "", "no such file or folder")])
    return [path]


def _read_yaml(file: Path, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        content = load_yaml(file)
    except YamlError as exc:
        where = f"line {exc.line}" if exc.line is not None else ""
        problems.append(Problem(label, where, exc.reason))
        return None
    if content is None:
        return {}
    if not isinstance(content, dict):
        problems.append(Problem(label, "", "the file must hold a mapping of sections"))
        return None
    return content


def _without_failed_fields(
    model: type[BaseModel], entry: object, exc: ValidationError
) -> BaseModel | None:
    """An item without the fields that failed on their own (``goalposts`` inverted, an
    unknown ``weight``), where the rest of it is valid: so that what else is wrong with
    it (an unknown variable, an unknown method) is reported in the same pass, and its
    parent is not taken for childless. ``None`` where a required field or the item as a
    whole failed. The framework is not built while any problem stands, so the item
    without those fields is only checked, never used."""
    if not isinstance(entry, dict):
        return None
    failed = {err["loc"][0] for err in exc.errors() if err["loc"]}
    if not failed or any(not err["loc"] for err in exc.errors()):
        return None
    try:
        return model.model_validate({k: v for k, v in entry.items() if k not in failed})
    except ValidationError:
        return None


def _validation_problems(exc: ValidationError, label: str, prefix: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        path = format_loc((prefix, *err["loc"])) if prefix else format_loc(tuple(err["loc"]))
        out.append(Problem(label, path, validation_message(err)))
    return out


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Load a framework from a YAML file or a folder of YAML files.

    Raises :class:`~mint_index.FrameworkError` listing every problem with its file and
    path (``indicators/participation.yaml: indicators[3].compute.denominator: ...``).
    """
    root = Path(path)
    files = _yaml_files(root)
    problems: list[Problem] = []
    single: dict[str, tuple[BaseModel, str]] = {}
    items: dict[str, list[BaseModel]] = {name: [] for name in _LISTS}
    origins: dict[tuple[str, int], tuple[str, str]] = {}
    broken: set[str] = set()
    given: set[str] = set()  # single sections given but failed

    for file in files:
        label = file.relative_to(root.parent).as_posix() if root.is_dir() else file.name
        content = _read_yaml(file, label, problems)
        if content is None:
            continue
        for key in content:
            if key not in _SINGLE and key not in _LISTS:
                problems.append(
                    Problem(
                        label,
                        str(key),
                        "unknown section (valid: " + ", ".join([*_SINGLE, *_LISTS]) + ")",
                    )
                )
        for key, model in _SINGLE.items():
            if key not in content:
                continue
            if key in single:
                problems.append(
                    Problem(label, key, f"'{key}' is already given in {single[key][1]}")
                )
                continue
            try:
                single[key] = (model.model_validate(content[key]), label)
            except ValidationError as exc:
                problems += _validation_problems(exc, label, key)
                given.add(key)  # given, though broken: not also "no section"
        for key, model in _LISTS.items():
            entries = content.get(key) or []
            if not isinstance(entries, list):
                problems.append(Problem(label, key, "must be a list"))
                continue
            for i, entry in enumerate(entries):
                try:
                    item = model.model_validate(entry)
                except ValidationError as exc:
                    problems += _validation_problems(exc, label, f"{key}[{i}]")
                    rest = _without_failed_fields(model, entry, exc)
                    if rest is None:
                        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                            broken.add(entry["id"])
                        if isinstance(entry, dict) and isinstance(entry.get("parent"), str):
                            broken.add(entry["parent"])  # its parent is not childless
                        continue
                    item = rest  # checked against the others for what else is wrong
                origins[(key, len(items[key]))] = (label, f"{key}[{i}]")
                items[key].append(item)

    for key in ("framework", "index"):
        if key not in single and key not in given:
            problems.append(Problem(str(path), key, f"no '{key}' section in any file"))
    if "framework" in single and "index" in single:
        origins[("index", 0)] = (single["index"][1], "index")
        if "defaults" in single:
            origins[("defaults", 0)] = (single["defaults"][1], "defaults")
        fields: dict[str, BaseModel | list[BaseModel]] = {k: v for k, (v, _) in single.items()}
        fields.update(items)
        # _fields_set=None: every given field counts as set (passed by position so that the
        # field values are not checked against that parameter's type)
        fw = Framework.model_construct(None, **fields)
        problems += check_framework(fw, origins, frozenset(broken))
        if not problems:
            return fw
    raise FrameworkError(problems)


def default_framework() -> Framework:
    """The packaged MINT framework (the ``indicators/`` catalog)."""
    from mint_index.resources import catalog_path

    return load_framework(catalog_path("indicators"))


def framework_json_schema() -> dict[str, Any]:
    """JSON Schema of one framework YAML file, for editors that complete and check YAML."""
    schema = FrameworkFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mint-index framework file"
    return schema
