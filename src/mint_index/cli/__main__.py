"""``python -m mint_index.cli``: the same as the ``mint-index`` console script."""

from mint_index.cli import main

raise SystemExit(main())
