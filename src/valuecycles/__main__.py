"""``python -m valuecycles`` runs the command line."""

import sys

from valuecycles.cli import main

sys.exit(main())
