"""The ``mint-index`` command line: validate, score, report and compare yearly data drops.

Only the argument parser is imported here; each command imports the library when it
runs, so ``mint-index --help`` stays fast.
"""

from mint_index.cli.app import main

__all__ = ["main"]
