"""Control characters: an id or name holds none, free text may hold tab and newline, and
what is shown has each one written as an escape."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mint_index.rules.text import (
    ASCII_UMLAUTS,
    CONTROL_IN_NAMES,
    CONTROL_IN_TEXT,
    escaped_controls,
)


def test_names_hold_no_control_at_all_texts_may_hold_tab_and_newline() -> None:
    for char in ("\x00", "\x1b", "\r", "\x7f", "\x9b"):
        assert CONTROL_IN_NAMES.search(f"a{char}b") and CONTROL_IN_TEXT.search(f"a{char}b")
    for char in ("\t", "\n"):
        assert CONTROL_IN_NAMES.search(f"a{char}b") and not CONTROL_IN_TEXT.search(f"a{char}b")
    for text in ("Köln, Stadt", "Ausländer – Anteil", "\u00a0", "\u2028"):
        assert not CONTROL_IN_NAMES.search(text)


def test_escaped_controls_writes_what_a_terminal_would_act_on() -> None:
    assert escaped_controls("\x1b[2Jrot\tgrün\n") == "\\x1b[2Jrot\tgrün\n"
    assert escaped_controls("a\tb", CONTROL_IN_NAMES) == "a\\x09b"
    assert escaped_controls("\x9b31m") == "\\x9b31m"


@given(st.text())
def test_an_escaped_text_holds_no_control_and_plain_text_is_unchanged(text: str) -> None:
    shown = escaped_controls(text, CONTROL_IN_NAMES)
    assert not CONTROL_IN_NAMES.search(shown)
    if not CONTROL_IN_NAMES.search(text):
        assert shown == text


def test_umlauts_spelt_as_ascii_exports_spell_them() -> None:
    assert "thüringen".translate(ASCII_UMLAUTS) == "thueringen"
    assert "Straße".casefold().translate(ASCII_UMLAUTS) == "strasse"
    assert "ÄRZTE".casefold().translate(ASCII_UMLAUTS) == "aerzte"
