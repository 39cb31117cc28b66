"""Characters in text: which control characters a text may hold, how one is shown
without acting on it, and how umlauts are spelt in ASCII.

One rule in two strengths. An id or a name (a unit key, a variable name, a unit's name, a
peer group) holds none at all, not even a tab or a newline: it travels into file names,
CSV cells and table rows. Free text (a label, a description, a line a terminal prints) may
run over lines and be indented, so tab and newline are fine there; ESC, NUL, DEL and the
C1 controls never are, because a terminal acts on them (ESC starts a control sequence,
0x9b is one on its own). Where a text with one must be shown (a problem listing, the
terminal), each is written as an escape (``\\x1b``) instead.

Exports written in ASCII spell umlauts out (``Thueringen``, a flat file's statistic
``Bevoelkerungsstand``): names and labels are compared with them spelt so
(:data:`ASCII_UMLAUTS`), so that both spellings name one thing.
"""

from __future__ import annotations

import re

__all__ = ["ASCII_UMLAUTS", "CONTROL_IN_NAMES", "CONTROL_IN_TEXT", "escaped_controls"]

#: Every C0 control (tab and newline too), DEL and the C1 controls, and the invisible
#: characters that make two equal-looking keys or names differ, or turn their text
#: around on screen: zero-width spaces and joiners, direction marks, overrides and
#: isolates, the word joiner, a byte-order mark inside a text.
CONTROL_IN_NAMES = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
#: The same but tab and newline.
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escaped_controls(text: str, controls: re.Pattern[str] = CONTROL_IN_TEXT) -> str:
    """``text`` with each character ``controls`` matches written as an escape
    (``\\x1b``), so that it can be shown without acting on a terminal."""
    return controls.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    """A character as Python writes it in a string: ``\\x1b``, ``\\u200b``."""
    code = ord(found.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


#: Umlauts and ß as ASCII exports spell them, for text already in lower case (case-fold
#: first: ``"Ä".casefold()`` is ``"ä"``, and ``"ß".casefold()`` already ``"ss"``).
ASCII_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
