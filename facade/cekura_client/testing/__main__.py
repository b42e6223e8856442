"""``python -m cekura_client.testing``: serve the mock Cekura API until Ctrl-C (``--help``)."""

import sys

from ._serve import main

sys.exit(main())
