"""Where the packaged catalogs live.

In an installed package the default indicators, recommendation rules, example data and
the example CI workflow are package data under ``mint_index/_catalog``; in a source
checkout run without installing (``PYTHONPATH=src``) they are the repository's folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_catalog"
_CHECKOUT = Path(__file__).resolve().parents[2]
_CHECKOUT_NAMES = {
    "indicators": "indicators",
    "recommendations": "recommendations",
    "examples": "examples/data",
    "ci": "examples/ci",
    "docs": "docs",
}


def catalog_path(name: str) -> Path:
    """The folder of a packaged catalog: ``indicators``, ``recommendations``, ``examples``
    (the example data), ``ci`` (the CI workflow for data-drop repositories) or ``docs``
    (the guides, so that ``mint-index docs`` works after ``pip install``)."""
    if name not in _CHECKOUT_NAMES:
        raise KeyError(f"unknown catalog {name!r}; catalogs: {', '.join(_CHECKOUT_NAMES)}")
    packaged = _PACKAGED / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / _CHECKOUT_NAMES[name]
