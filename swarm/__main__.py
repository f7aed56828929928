"""``python -m swarm``: see :mod:`swarm.cli`."""

import sys

from .cli import main

sys.exit(main())
