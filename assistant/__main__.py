"""``python -m assistant``: runs the CLI (assistant/cli)."""

import sys

from assistant.cli import main

sys.exit(main())
