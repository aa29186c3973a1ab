"""`python -m ndflow.cli <tool> [args]`."""

import sys

from ndflow.cli import main

sys.exit(main.main())
