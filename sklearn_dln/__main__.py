"""Allow ``python -m sklearn_dln report``."""

import sys

from .report._cli import main

sys.exit(main())
