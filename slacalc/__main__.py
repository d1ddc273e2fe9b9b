"""``python -m slacalc``: the same command line as the ``slacalc`` script."""

import sys

from slacalc.cli import main

sys.exit(main())
