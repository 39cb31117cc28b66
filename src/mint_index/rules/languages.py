"""The languages mint-index writes (labels, reports, recommendation texts) and the default.

German is the default everywhere a language can be left out (``mi.report``,
``mi.recommend``, ``res.plot``, ``Framework.label``, the CLI's ``--lang``): the reports
are written for German councils and administrations. English is the other language;
every text of a framework, rule and action exists in both.
"""

from __future__ import annotations

from typing import Literal, get_args

from mint_index.errors import UnknownLanguageError

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "check_language"]

#: A language as a type (a model field of this type lists the languages in its schema).
Language = Literal["de", "en"]

#: Every language texts exist in, the default first.
LANGUAGES: tuple[str, ...] = get_args(Language)

#: The language used when none is given.
DEFAULT_LANGUAGE: Language = "de"


def check_language(lang: str) -> str:
    """``lang`` if texts exist in it, else an :class:`UnknownLanguageError` naming the valid
    ones."""
    if lang not in LANGUAGES:
        raise UnknownLanguageError(f"unknown language {lang!r}; valid: {', '.join(LANGUAGES)}")
    return lang
