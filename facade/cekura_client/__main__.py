"""``python -m cekura_client``: the ``cekura-results`` command."""

import sys

from .cli import main

sys.exit(main())
