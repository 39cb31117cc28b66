"""The one YAML loader of mint-index, hardened for files that arrive from many hands.

Frameworks, rules, specs, mappings and project files are all read here, so every one of
them gets the same guarantees:

- only plain data (PyYAML's safe subset: no Python objects, no code);
- a key given twice in one mapping is an error naming the key and its line (YAML itself
  lets the second silently win, which hides copy-and-paste mistakes);
- documents above ``max_bytes`` are refused before they are parsed, and only regular
  files are read (never a FIFO or ``/dev/zero``);
- alias bombs ("billion laughs") are refused before anything is built: the document's
  size *with every alias expanded* is counted on the node graph, which aliases share, so
  the count itself stays cheap;
- nesting deeper than ``max_depth`` is refused, so no consumer recurses without end.

Every refusal is a :class:`~mint_index.errors.YamlError` carrying the source and line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from mint_index.errors import YamlError

__all__ = ["MAX_YAML_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "load_yaml", "read_limited"]

#: Largest YAML document read (bytes); frameworks and rule catalogs are a few hundred KB.
MAX_YAML_BYTES = 8 * 1024 * 1024
#: Most nodes a document may hold once every alias is expanded.
MAX_YAML_NODES = 1_000_000
#: Deepest nesting of mappings and sequences.
MAX_YAML_DEPTH = 100

_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(_BASE_LOADER):
    """The safe loader (in C where libyaml is present) refusing duplicate keys."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, tuple[int, Any, str]] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                written = key_node.value if isinstance(key_node.value, str) else repr(key)
                if first is not None and first[2] != written:
                    # 1 and true, yes and on, 1000 and 1_000: written apart, one once read
                    raise _Refused(
                        f"keys {first[2]} (line {first[0]}) and {written} are the same key "
                        f"once read; quote them to keep both as text ('{first[2]}', "
                        f"'{written}')",
                        line,
                    )
                if first is not None:
                    raise _Refused(f"duplicate key {key!r} (first given on line {first[0]})", line)
                seen[key] = (line, key, written)
        return super().construct_mapping(node, deep=deep)


class _Refused(Exception):
    """Internal: a rule of this module was broken at ``line``."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def _check_graph(root: Node, max_nodes: int, max_depth: int) -> None:
    """Refuse a node graph whose expanded size or depth is too large, or that refers to
    itself. Sizes are memoised per node, so shared (aliased) nodes are counted once."""
    sizes: dict[int, int] = {}
    # iterative post-order walk: (node, depth, children pushed?)
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, expanded = stack.pop()
        key = id(node)
        children = _children(node)
        if expanded:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(c)] for c in children)
            if size > max_nodes:
                raise _Refused(
                    f"document too large once aliases are expanded (over {max_nodes} nodes; "
                    "an alias bomb?)",
                    node.start_mark.line + 1,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if depth > max_depth:
            raise _Refused(f"nested deeper than {max_depth} levels", node.start_mark.line + 1)
        if key in open_nodes:
            raise _Refused("an alias refers to itself", node.start_mark.line + 1)
        open_nodes.add(key)
        stack.append((node, depth, True))
        for child in children:
            if id(child) in open_nodes:
                raise _Refused("an alias refers to itself", child.start_mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, depth + 1, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def read_limited(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``.

    FIFOs, devices and folders are refused without reading (``/dev/zero`` never ends), and
    at most ``max_bytes + 1`` bytes are read, so a file growing under us is caught too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise YamlError(str(path), f"cannot read the {what}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise YamlError(str(path), f"not a regular file; refusing to read this {what}")
        if info.st_size > max_bytes:
            raise YamlError(
                str(path), f"{what} is {info.st_size} bytes; the limit is {max_bytes} bytes"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError(str(path), f"cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise YamlError(str(path), f"{what} is larger than the limit of {max_bytes} bytes")
    return data


def load_yaml(
    source: str | Path,
    *,
    text: str | None = None,
    max_bytes: int = MAX_YAML_BYTES,
    max_nodes: int = MAX_YAML_NODES,
    max_depth: int = MAX_YAML_DEPTH,
) -> Any:
    """The data of one YAML document: read from the file ``source``, or parsed from
    ``text`` (``source`` then only names it in messages).

    Raises :class:`~mint_index.errors.YamlError` (``code = "invalid_yaml"``) naming the
    source and line for: syntax errors, duplicate keys, documents above ``max_bytes``, more
    than ``max_nodes`` nodes with aliases expanded, nesting deeper than ``max_depth``,
    files that are not regular files or cannot be read, and text that is not UTF-8.
    """
    label = str(source)
    if text is None:
        raw = read_limited(Path(source), max_bytes, "YAML file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlError(label, f"not UTF-8 text (byte {exc.start})") from None
    elif len(text) > max_bytes or len(text.encode("utf-8")) > max_bytes:
        raise YamlError(label, f"document is larger than the limit of {max_bytes} bytes")
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, max_nodes, max_depth)
        return loader.construct_document(node)
    except _Refused as exc:
        raise YamlError(label, exc.message, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise YamlError(label, f"not valid YAML: {message or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(label, f"not valid YAML: {exc}".replace("\n", " ")) from None
    except RecursionError:
        raise YamlError(label, f"nested deeper than {max_depth} levels") from None
    finally:
        loader.dispose()
