"""The hardened YAML loader: duplicate keys, alias bombs, size, depth, non-regular files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mint_index.errors import MintIndexError, YamlError
from mint_index.yamlio import load_yaml

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def _refused(text: str, **limits: int) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_yaml("doc.yaml", text=text, **limits)
    assert isinstance(info.value, MintIndexError)
    assert info.value.code == "invalid_yaml"
    return info.value


def test_plain_yaml_and_merge_keys_load() -> None:
    text = "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  x: 5\nlist: [*b, *b]\n"
    assert load_yaml("doc.yaml", text=text) == {
        "base": {"x": 1, "y": 2},
        "item": {"x": 5, "y": 2},
        "list": [{"x": 1, "y": 2}, {"x": 1, "y": 2}],
    }
    assert load_yaml("doc.yaml", text="") is None


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "'a'", 3),
        ("items:\n  - id: x\n    label: y\n    id: z\n", "'id'", 4),
        ("{k: 1, k: 2}\n", "'k'", 1),
    ],
)
def test_duplicate_keys_are_named_with_their_line(text: str, key: str, line: int) -> None:
    error = _refused(text)
    assert error.line == line
    assert f"duplicate key {key}" in str(error)
    assert str(error).startswith(f"doc.yaml:{line}:")


def test_keys_that_read_as_one_are_named_as_written() -> None:
    """``{1: pop, true: y}`` are two keys in YAML but one once read (1 == True): the
    message said "duplicate key True", which the file does not hold."""
    error = _refused("mapping:\n  1: pop\n  true: y\n")
    assert error.line == 3
    assert "keys 1 (line 2) and true are the same key once read" in str(error)
    assert "('1', 'true')" in str(error)
    assert load_yaml("doc.yaml", text="m: {'1': a, 1: b}") == {"m": {"1": "a", 1: "b"}}
    # of one type too: named as written, never as read (True, 1000, None)
    for first, second in (("yes", "on"), ("1_000", "1000"), ("null", "~"), ("1", "0x1")):
        error = _refused(f"m:\n  {first}: a\n  {second}: b\n")
        assert f"keys {first} (line 2) and {second} are the same key once read" in str(error)


def test_alias_bomb_is_refused_at_once() -> None:
    start = time.perf_counter()
    error = _refused(BOMB)
    assert time.perf_counter() - start < 1.0
    assert "alias" in error.reason
    # 9**9 leaves: far beyond the limit, yet a few shared aliases below it are fine
    assert load_yaml("doc.yaml", text=BOMB.split("\nd:")[0])["c"][0][0][0] == "lol"


def test_self_referring_alias_is_refused() -> None:
    assert "refers to itself" in _refused("a: &a [1, *a]\n").reason


def test_oversized_document_is_refused_before_parsing(tmp_path: Path) -> None:
    assert "limit of 100 bytes" in _refused("a: " + "x" * 200, max_bytes=100).reason
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200)
    with pytest.raises(YamlError, match="203 bytes; the limit is 100"):
        load_yaml(big, max_bytes=100)


def test_deep_nesting_is_refused() -> None:
    text = "a:" + "".join("\n" + "  " * i + f"k{i}:" for i in range(1, 40)) + " 1\n"
    assert "deeper than 20 levels" in _refused(text, max_depth=20).reason
    assert load_yaml("doc.yaml", text=text)["a"]["k1"]["k2"] is not None


def test_syntax_error_names_the_line() -> None:
    error = _refused("a: 1\nb: [1, 2\n")
    assert error.line is not None
    assert "not valid YAML" in error.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_devices_are_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(YamlError, match="not a regular file"):
        load_yaml(fifo)
    with pytest.raises(YamlError, match="not a regular file"):
        load_yaml("/dev/zero")
    assert time.perf_counter() - start < 1.0


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="cannot read the YAML file"):
        load_yaml(tmp_path / "none.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Gr\xfc\xdfe\n".encode("latin-1"))
    with pytest.raises(YamlError, match="not UTF-8"):
        load_yaml(latin)
